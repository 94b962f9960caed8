/*
 * show.c - `falcoc show RULES.fco`: what a rule object holds, read from its
 * `.fco_meta` section with libelf; the object's code is never loaded or run,
 * so a foreign (cross-compiled) or damaged object can be inspected safely.
 */
#include "show.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fc_object.h"

static int fail(const char *path, const char *what)
{
    fprintf(stderr, "falcoc: show: %s: %s\n", path, what);
    return 1;
}

/* Prints the metadata JSON with one rule per line. */
static void print_meta(const char *j, size_t n)
{
    for (size_t i = 0; i < n && j[i]; i++) {
        fputc(j[i], stdout);
        if (j[i] == '[' && i > 7 && !strncmp(j + i - 8, "\"rules\":", 8))
            fputs("\n  ", stdout);
        else if (j[i] == '}' && i + 1 < n && j[i + 1] == ',')
            fputs(",\n  ", stdout), i++;
    }
    fputc('\n', stdout);
}

int cmd_show(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: falcoc show RULES.fco\n", stderr);
        return 2;
    }
    const char *path = argv[1];
    if (elf_version(EV_CURRENT) == EV_NONE)
        return fail(path, "libelf is unusable");
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return fail(path, "cannot open");
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    int rc = 1;
    size_t shstrndx;
    if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx) != 0) {
        rc = fail(path, "not an ELF file");
        goto out;
    }
    GElf_Ehdr eh;
    if (!gelf_getehdr(e, &eh)) {
        rc = fail(path, "damaged ELF header");
        goto out;
    }
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(e, scn))) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            continue;
        const char *name = elf_strptr(e, shstrndx, sh.sh_name);
        if (!name || strcmp(name, FC_OBJECT_META_SECTION))
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        if (!d || !d->d_buf || !d->d_size)
            break;
        printf("%s: ELF %s shared object, machine %u\n", path,
               eh.e_ident[EI_CLASS] == ELFCLASS64 ? "64-bit" : "32-bit", (unsigned)eh.e_machine);
        print_meta(d->d_buf, d->d_size);
        rc = 0;
        goto out;
    }
    rc = fail(path, "not a rule object (no " FC_OBJECT_META_SECTION " section)");
out:
    if (e)
        elf_end(e);
    close(fd);
    return rc;
}
