/*
 * llvm_module.c - the entry point of falcoc-llvm.so, the code generation
 * module falcoc loads for the commands that need LLVM (see main.c), and
 * the JIT behind `falcoc run` and `falcoc filter`'s condition (replay.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aot.h"
#include "filter.h"
#include "jit.h"
#include "run.h"
#include "testcmd.h"

int falcoc_llvm_command(const char *cmd, int argc, char **argv);

_Static_assert((int)FC_MATCH_FIRST == (int)CG_MATCH_FIRST && (int)FC_MATCH_ALL == (int)CG_MATCH_ALL,
               "replay.h's matching modes are the compiled entry point's");

/* A JIT-compiled rule set and the descriptors of its rules. */
struct jit_set {
    struct jit j;
    struct fc_rule_desc *rules;
};

static uint32_t jit_match(const struct fc_ruleset *m, struct fc_ctx *c, uint32_t evtype,
                          uint32_t *out, uint32_t mode)
{
    const struct jit_set *js = m->priv;
    return js->j.match(c, evtype, out, mode);
}

static void jit_release(struct fc_ruleset *m)
{
    struct jit_set *js = m->priv;
    jit_free(&js->j);
    free(js->rules);
    free(js);
    memset(m, 0, sizeof(*m));
}

/* The enabled rules of a session, JIT-compiled like `falcoc test` compiles
 * them, with descriptors as a rule object carries them (texts in the
 * session's arena). */
static bool jit_rules(struct session *s, int opt, struct fc_ruleset *m, char *err, size_t errsz)
{
    struct jit_set *js = calloc(1, sizeof(*js));
    if (!js) {
        snprintf(err, errsz, "out of memory");
        return false;
    }
    if (!jit_build(s, opt, &js->j, err, errsz)) {
        free(js);
        return false;
    }
    const struct cg_rules *cg = &js->j.cg;
    js->rules = calloc(cg->nrules + 1, sizeof(*js->rules));
    if (!js->rules) {
        jit_free(&js->j);
        free(js);
        snprintf(err, errsz, "out of memory");
        return false;
    }
    for (uint32_t i = 0; i < cg->nrules; i++) {
        const struct rl_rule *r = cg->rules[i];
        js->rules[i] = (struct fc_rule_desc){
            .name = r->name,
            .desc = rl_text_join(&s->arena, &r->desc),
            .output = rl_text_join(&s->arena, &r->output),
            .source = r->source,
            .tags = r->tags,
            .ntags = (uint32_t)r->ntags,
            .priority = (uint32_t)r->priority,
            .enabled = r->enabled,
            .out = cg->out[i],
            .frefs = cg->rule_frefs[i],
            .nout = cg->nout[i],
            .nfrefs = cg->rule_nfrefs[i],
        };
    }
    *m = (struct fc_ruleset){cg->frefs,  cg->nfrefs, js->j.k,     js->rules,
                             cg->nrules, jit_match,  jit_release, js};
    return true;
}

int falcoc_llvm_command(const char *cmd, int argc, char **argv)
{
    if (!strcmp(cmd, "test"))
        return cmd_test(argc, argv);
    if (!strcmp(cmd, "compile"))
        return cmd_compile(argc, argv);
    if (!strcmp(cmd, "run"))
        return cmd_run(argc, argv, jit_rules);
    if (!strcmp(cmd, "filter"))
        return cmd_filter(argc, argv, jit_rules);
    return 2;
}
