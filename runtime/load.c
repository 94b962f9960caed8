/*
 * load.c - loading compiled rule objects (see fc_object.h).
 *
 * The checks come before dlopen because dlopen runs the object's
 * initialisers: a file anyone could have written must never get that far.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fc_object.h"

#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#else
#define HOST_MACHINE EM_NONE
#endif

static bool fits(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

/*
 * The ELF checks dlopen does not do: the dynamic loader maps segments as
 * the headers say, so a truncated file would fault (SIGBUS) instead of
 * failing. Every header and loaded segment must lie inside the file, and
 * the object must be a 64-bit shared object for this machine.
 */
static bool elf_sane(const char *path, uint64_t size, char *err, size_t errsz)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return false;
    }
    Elf64_Ehdr eh;
    bool ok = pread(fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh) &&
              !memcmp(eh.e_ident, ELFMAG, SELFMAG);
    const char *why = "not a loadable rule object: not an ELF file";
    if (ok && (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_type != ET_DYN)) {
        ok = false;
        why = "not a loadable rule object: not a 64-bit ELF shared object";
    }
    if (ok && eh.e_machine != HOST_MACHINE) {
        ok = false;
        why = "not a loadable rule object: compiled for another machine (ELF machine %u)";
    }
    if (ok && (eh.e_phentsize != sizeof(Elf64_Phdr) ||
               !fits(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr), size) ||
               (eh.e_shoff && !fits(eh.e_shoff, (uint64_t)eh.e_shnum * eh.e_shentsize, size)))) {
        ok = false;
        why = "not a loadable rule object: truncated or corrupt ELF headers";
    }
    for (unsigned i = 0; ok && i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != sizeof(ph) ||
            (ph.p_type == PT_LOAD && !fits(ph.p_offset, ph.p_filesz, size))) {
            ok = false;
            why = "not a loadable rule object: truncated (a segment runs past the end of the "
                  "file)";
        }
    }
    close(fd);
    if (!ok) {
        char what[256];
        snprintf(what, sizeof(what), why, (unsigned)eh.e_machine);
        snprintf(err, errsz, "%s: %s", path, what);
    }
    return ok;
}

bool fc_object_load(const char *path, struct fc_loaded *out, char *err, size_t errsz)
{
    memset(out, 0, sizeof(*out));
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errsz, "%s: not a regular file", path);
        return false;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        snprintf(err, errsz, "%s: refusing a rule object writable by group or others (mode %03o)",
                 path, (unsigned)(st.st_mode & 0777));
        return false;
    }
    if (st.st_uid != 0 && st.st_uid != geteuid()) {
        snprintf(err, errsz, "%s: refusing a rule object owned by another user (uid %u)", path,
                 (unsigned)st.st_uid);
        return false;
    }
    if (!elf_sane(path, (uint64_t)st.st_size, err, errsz))
        return false;
    /* dlopen needs a path with a slash to not search the library path. */
    char full[4096];
    snprintf(full, sizeof(full), "%s%s", strchr(path, '/') ? "" : "./", path);
    void *h = dlopen(full, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(err, errsz, "%s: not a loadable rule object: %s", path, e ? e : "dlopen failed");
        return false;
    }
    const struct fc_object *o = dlsym(h, FC_OBJECT_SYMBOL);
    if (!o) {
        snprintf(err, errsz, "%s: not a rule object (no %s symbol)", path, FC_OBJECT_SYMBOL);
        dlclose(h);
        return false;
    }
    if (o->abi_version != FC_ABI_VERSION) {
        snprintf(err, errsz, "%s: compiled for rule ABI %u, this runtime speaks %u", path,
                 o->abi_version, FC_ABI_VERSION);
        dlclose(h);
        return false;
    }
    if (o->schema_hash != fc_schema_hash()) {
        snprintf(err, errsz,
                 "%s: compiled against another field catalogue or event schema "
                 "(schema %016llx, runtime %016llx); recompile it",
                 path, (unsigned long long)o->schema_hash, (unsigned long long)fc_schema_hash());
        dlclose(h);
        return false;
    }
    out->k = o->nk ? fc_konst_build(o->k, o->nk, err, errsz) : NULL;
    if (o->nk && !out->k) {
        dlclose(h);
        return false;
    }
    out->handle = h;
    out->obj = o;
    return true;
}

void fc_object_unload(struct fc_loaded *l)
{
    if (l->k)
        fc_konst_free(l->k, l->obj->k, l->obj->nk);
    if (l->handle)
        dlclose(l->handle);
    memset(l, 0, sizeof(*l));
}
