/*
 * llvm_module.c - the entry point of falcoc-llvm.so, the code generation
 * module falcoc loads for the commands that need LLVM (see main.c), and
 * the JIT behind `falcoc filter`'s condition (filter.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aot.h"
#include "filter.h"
#include "jit.h"
#include "testcmd.h"

int falcoc_llvm_command(const char *cmd, int argc, char **argv);

static bool jit_match(const struct filter_matcher *m, struct fc_ctx *c, uint32_t evtype)
{
    const struct jit *j = m->priv;
    uint32_t out[1]; /* CG_MATCH_FIRST writes one index at most */
    return j->match(c, evtype, out, CG_MATCH_FIRST) > 0;
}

static void jit_release(struct filter_matcher *m)
{
    jit_free(m->priv);
    free(m->priv);
    memset(m, 0, sizeof(*m));
}

/* The filter's condition, JIT-compiled like `falcoc test` compiles rules. */
static bool jit_filter(struct session *s, int opt, struct filter_matcher *m, char *err,
                       size_t errsz)
{
    struct jit *j = malloc(sizeof(*j));
    if (!j) {
        snprintf(err, errsz, "out of memory");
        return false;
    }
    if (!jit_build(s, opt, j, err, errsz)) {
        free(j);
        return false;
    }
    *m = (struct filter_matcher){j->cg.frefs, j->cg.nfrefs, j->k, jit_match, jit_release, j};
    return true;
}

int falcoc_llvm_command(const char *cmd, int argc, char **argv)
{
    if (!strcmp(cmd, "test"))
        return cmd_test(argc, argv);
    if (!strcmp(cmd, "compile"))
        return cmd_compile(argc, argv);
    if (!strcmp(cmd, "filter"))
        return cmd_filter(argc, argv, jit_filter);
    return 2;
}
