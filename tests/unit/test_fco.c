/*
 * test_fco.c - compiled rule objects as falcod uses them: `falcoc compile`
 * makes one from the upstream ruleset, this process (which does not link
 * LLVM) loads it with fc_object_load and evaluates field-vector events
 * through it; corrupt, truncated, foreign, wrong-ABI and badly owned or
 * permissioned objects are refused with a clear message, never a crash.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "events.h"
#include "fc_fvec.h"
#include "fc_object.h"
#include "fc_rt.h"
#include "tharness.h"

/* Keeps every entry point an object imports in this executable. */
void *const fc_exports[] = {(void *)fc_rt_getopt, (void *)fc_rt_count_val, (void *)fc_rt_get,
                            (void *)fc_rt_count,  (void *)fc_rt_xf,        (void *)fc_rt_join,
                            (void *)fc_k_str,     (void *)fc_k_num,        (void *)fc_k_ip,
                            (void *)fc_cmp_vals};

static char dir[] = "/tmp/fcotest-XXXXXX";

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return system(cmd);
}

static const char *path(const char *name)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
    return buf[k];
}

/* Evaluates one event; returns the matching rule names joined by '|'. */
static void fired(const struct fc_loaded *l, const char *const *kv, size_t n, char *out,
                  size_t outsz)
{
    struct fvec fv;
    fvec_init(&fv);
    for (size_t i = 0; i < n; i += 2) {
        char err[200];
        const char *v = kv[i + 1];
        CHECK(fvec_add(&fv, kv[i], &v, 1, err, sizeof(err)), "%s", err);
    }
    struct fc_ctx c;
    fc_ctx_init(&c, &fvec_provider, l->obj->frefs, l->obj->nfrefs);
    c.data = &fv;
    c.k = l->k;
    fc_ctx_next_event(&c);
    uint32_t hits[64];
    uint32_t nh = l->obj->match(&c, (uint32_t)fv.evtype, hits, 1);
    out[0] = '\0';
    for (uint32_t i = 0; i < nh; i++) {
        strncat(out, l->obj->rules[hits[i]].name, outsz - strlen(out) - 2);
        strncat(out, "|", outsz - strlen(out) - 1);
    }
    fc_ctx_fini(&c);
    fvec_free(&fv);
}

#define KV(...)                                                                                    \
    ((const char *const[]){__VA_ARGS__}),                                                          \
        sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *)

static void refused(const char *file, const char *why_part)
{
    struct fc_loaded l;
    char err[512] = "";
    bool ok = fc_object_load(file, &l, err, sizeof(err));
    CHECK(!ok, "%s was accepted", file);
    CHECK(strstr(err, why_part) != NULL, "%s: message '%s' lacks '%s'", file, err, why_part);
    if (ok)
        fc_object_unload(&l);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    const char *fco = path("x.fco");
    CHECK(sh("%s compile %s/corpus/rules/falco_rules.yaml -o %s", FALCOC_BIN, FALCOC_SHARED, fco) ==
              0,
          "falcoc compile failed");
    struct fc_loaded l;
    char err[512];
    bool ok = fc_object_load(fco, &l, err, sizeof(err));
    CHECK(ok, "load: %s", err);
    if (ok) {
        CHECK(l.obj->nrules == 25, "%u rules", l.obj->nrules);
        /* Every rule carries its compiled output and the fields it reads. */
        for (uint32_t r = 0; r < l.obj->nrules; r++) {
            const struct fc_rule_desc *d = &l.obj->rules[r];
            CHECK(d->nout > 0 && d->nfrefs > 0 && d->nevt > 0, "rule '%s': %u tokens, %u fields",
                  d->name, d->nout, d->nfrefs);
            size_t text = 0;
            for (uint32_t t = 0; t < d->nout; t++) {
                CHECK(d->out[t].fref < (int32_t)l.obj->nfrefs, "rule '%s': token %u", d->name, t);
                text += d->out[t].len + (d->out[t].fref >= 0);
            }
            CHECK(text >= strlen(d->output) - 1 || d->output[0] == '*',
                  "rule '%s': tokens cover %zu of %zu bytes", d->name, text, strlen(d->output));
        }
        char got[1024];
        fired(&l,
              KV("evt.type", "execve", "proc.name", "bash", "proc.pname", "runc", "container.id",
                 "0123456789ab", "proc.tty", "34816", "proc.cmdline", "bash", "evt.arg.flags", "0",
                 "proc.args", ""),
              got, sizeof(got));
        CHECK(strstr(got, "Terminal shell in container|") != NULL, "shell in container: '%s'", got);
        fired(
            &l,
            KV("evt.type", "execve", "proc.name", "bash", "container.id", "host", "proc.tty", "0"),
            got, sizeof(got));
        CHECK(!strstr(got, "Terminal shell in container"), "host shell fired: '%s'", got);
        fired(&l, KV("evt.type", "close", "proc.name", "bash"), got, sizeof(got));
        CHECK(got[0] == '\0', "close fired: '%s'", got);
        /* No LLVM in this process. */
        FILE *m = fopen("/proc/self/maps", "r");
        char line[512];
        bool llvm = false;
        while (m && fgets(line, sizeof(line), m))
            llvm |= strstr(line, "libLLVM") != NULL;
        if (m)
            fclose(m);
        CHECK(!llvm, "libLLVM is mapped in the loading process");
        fc_object_unload(&l);
    }
    /* Bad objects. */
    refused(path("missing.fco"), "No such file");
    sh("echo 'not an object' > %s", path("text.fco"));
    refused(path("text.fco"), "not a loadable rule object");
    sh("head -c 3000 %s > %s", fco, path("trunc.fco"));
    refused(path("trunc.fco"), "not a loadable rule object");
    sh("cp %s %s && chmod 666 %s", fco, path("open.fco"), path("open.fco"));
    refused(path("open.fco"), "writable by group or others");
    sh("cp %s %s && chown 12345 %s", fco, path("other.fco"), path("other.fco"));
    if (geteuid() == 0)
        refused(path("other.fco"), "owned by another user");
    sh("mkdir -p %s", path("adir"));
    refused(path("adir"), "not a regular file");
    /* A shared object that is not a rule object, and one with a wrong ABI. */
    FILE *f = fopen(path("plain.c"), "w");
    fputs("int answer = 42;\n", f);
    fclose(f);
    sh("cc -shared -fPIC -o %s %s", path("plain.fco"), path("plain.c"));
    refused(path("plain.fco"), "not a rule object");
    f = fopen(path("abi.c"), "w");
    fprintf(f, "struct { unsigned abi, n; unsigned long long h, d; void *p[4]; unsigned a, b; "
               "void *m; } fc_object_v1 = {99};\n");
    fclose(f);
    sh("cc -shared -fPIC -o %s %s", path("abi.fco"), path("abi.c"));
    refused(path("abi.fco"), "rule ABI 99");
    f = fopen(path("schema.c"), "w");
    fprintf(f,
            "struct { unsigned abi, n; unsigned long long h, d; void *p[4]; unsigned a, b; "
            "void *m; } fc_object_v1 = {%u, 0, 0x1234};\n",
            FC_ABI_VERSION);
    fclose(f);
    sh("cc -shared -fPIC -o %s %s", path("schema.fco"), path("schema.c"));
    refused(path("schema.fco"), "another field catalogue");
    /* An object for another machine. */
    if (sh("%s compile %s/corpus/rules/falco_rules.yaml --target aarch64-linux-gnu -o %s",
           FALCOC_BIN, FALCOC_SHARED, path("arm.fco")) == 0)
        refused(path("arm.fco"), "not a loadable rule object");
    sh("rm -rf %s", dir);
    return th_done();
}
