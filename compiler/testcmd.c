/*
 * testcmd.c - `falcoc test RULES.yaml... CASES.yaml...`: rule unit tests.
 *
 * A cases file is a YAML list of cases, each {name, fields, match}: `fields`
 * maps fields as a condition writes them to values (a list for list fields),
 * and `match` is the exact list of rules that fire on that event, evaluated
 * as with `rule_matching: all`. Files are told apart by content: a list
 * whose items have `fields` is a cases file, anything else is rules.
 * Output: one line per case, a reason for every failure (the fields, and
 * for each rule that wrongly fired or stayed silent, the check that decided
 * it), then "N passed, N failed". Exit 0 when all pass, 1 otherwise.
 *
 * Cases run on the JIT-compiled rules (-O2 unless -O0..3 is given), exactly
 * the code falcod would run; every verdict is also computed by the reference
 * evaluator, which explains failures, and any disagreement between the two
 * fails the case (so every rule test is also a code generation test).
 */
#include "testcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fc_fvec.h"
#include "fc_rt.h"
#include "interp.h"
#include "jit.h"
#include "session.h"

struct tcase {
    const struct ynode *node;
    const char *name;
    const struct ynode *fields;
    const struct ynode *match;
};

struct tstate {
    struct session *s;
    struct jit *jit;
    struct tcase *cases;
    size_t n, cap;
    int bad; /* malformed cases */
    bool color;
    int opt; /* optimisation level of the compiled rules */
};

static bool is_cases_doc(const struct ydoc *d)
{
    const struct ynode *r = d->root;
    return r && r->kind == YN_SEQ && r->n && r->vals[0]->kind == YN_MAP &&
           ymap_get(r->vals[0], "fields") && !ymap_get(r->vals[0], "rule");
}

static void case_error(struct tstate *t, const struct ynode *at, const char *msg)
{
    uint32_t l, c;
    src_linecol(at->src, at->start, &l, &c);
    fprintf(stderr, "%s:%u:%u: error: %s\n", at->src->name, l, c, msg);
    (void)t;
}

/* A malformed entry of a cases file counts as one failed case. */
static void read_error(struct tstate *t, const struct ynode *at, const char *msg)
{
    case_error(t, at, msg);
    t->bad++;
}

static void read_cases(struct tstate *t, const struct ydoc *docs, size_t ndocs)
{
    for (size_t d = 0; d < ndocs; d++) {
        const struct ynode *r = docs[d].root;
        if (!r)
            continue;
        if (r->kind != YN_SEQ) {
            read_error(t, r, "a cases file is a list of cases");
            continue;
        }
        for (size_t i = 0; i < r->n; i++) {
            const struct ynode *c = r->vals[i];
            if (c->kind != YN_MAP) {
                read_error(t, c, "a case is a mapping with name, fields and match");
                continue;
            }
            struct tcase tc = {c, NULL, ymap_get(c, "fields"), ymap_get(c, "match")};
            const struct ynode *nm = ymap_get(c, "name");
            if (!nm || nm->kind != YN_SCALAR || !nm->len) {
                read_error(t, c, "case has no 'name'");
                continue;
            }
            tc.name = nm->value;
            if (!tc.fields || tc.fields->kind != YN_MAP) {
                read_error(t, c, "case has no 'fields' mapping");
                continue;
            }
            if (!tc.match || (tc.match->kind != YN_SEQ && !tc.match->is_null)) {
                read_error(t, c, "case has no 'match' list (use [] for none)");
                continue;
            }
            if (t->n == t->cap) {
                t->cap = t->cap ? t->cap * 2 : 32;
                t->cases = realloc(t->cases, t->cap * sizeof(*t->cases));
            }
            t->cases[t->n++] = tc;
        }
    }
}

static bool build_fvec(struct tstate *t, const struct tcase *tc, struct fvec *fv)
{
    for (size_t i = 0; i < tc->fields->n; i++) {
        const struct ynode *k = tc->fields->keys[i], *v = tc->fields->vals[i];
        const char *vals[256];
        size_t n = 0;
        if (v->kind == YN_SCALAR) {
            vals[n++] = v->value;
        } else if (v->kind == YN_SEQ) {
            for (size_t j = 0; j < v->n && n < 256; j++) {
                if (v->vals[j]->kind != YN_SCALAR) {
                    case_error(t, v->vals[j], "field values are scalars");
                    return false;
                }
                vals[n++] = v->vals[j]->value;
            }
        } else {
            case_error(t, v, "field values are scalars or lists of scalars");
            return false;
        }
        char err[300];
        if (!fvec_add(fv, k->value, vals, n, err, sizeof(err))) {
            case_error(t, k, err);
            return false;
        }
    }
    if (!fv->evt_name) {
        case_error(t, tc->fields, "case fields must give evt.type");
        return false;
    }
    return true;
}

static bool expected(const struct tcase *tc, const char *rule)
{
    if (tc->match->kind != YN_SEQ)
        return false;
    for (size_t i = 0; i < tc->match->n; i++)
        if (tc->match->vals[i]->kind == YN_SCALAR && !strcmp(tc->match->vals[i]->value, rule))
            return true;
    return false;
}

static void print_why(const struct rl_rule *r, bool fired, const struct interp_why *w)
{
    printf("    rule '%s' %s", r->name, fired ? "fired" : "did not fire");
    if (!w->check) {
        printf(" (its event types do not include this evt.type)\n");
        return;
    }
    const char *txt = mt_str(w->text);
    struct src_pos p = mt_pos(w->text, w->check->start, item_pos(r->item));
    uint32_t l = 0, c = 0;
    if (p.src)
        src_linecol(p.src, p.off, &l, &c);
    printf(": decided by `%.*s`, which is %s", (int)(w->check->end - w->check->start),
           txt + w->check->start, w->value ? "true" : "false");
    if (w->macro)
        printf(" in macro '%s'", w->macro);
    if (p.src)
        printf(" at %s:%u:%u", p.src->name, l, c);
    printf("\n");
}

static bool run_case(struct tstate *t, const struct tcase *tc)
{
    struct fvec fv;
    fvec_init(&fv);
    if (!build_fvec(t, tc, &fv)) {
        fvec_free(&fv);
        printf("FAIL %s (invalid case)\n", tc->name);
        return false;
    }
    struct ev_set types;
    ev_set_clear(&types);
    if (!ev_codes_for_name(fv.evt_name, &types)) {
        case_error(t, tc->fields, "evt.type is not a known event type");
        fvec_free(&fv);
        printf("FAIL %s (invalid case)\n", tc->name);
        return false;
    }
    struct fc_ctx ctx = {
        .prov = &fvec_provider, .data = &fv, .evtype = (uint16_t)(fv.evtype < 0 ? 0 : fv.evtype)};
    /* Compiled verdicts: every code of one name is in the same rule sets,
     * so any one of them stands for the event type. */
    struct fc_ctx jctx;
    bool *jfired = calloc(t->jit->cg.nrules + 1, sizeof(bool));
    uint32_t *out = calloc(t->jit->cg.nrules + 1, sizeof(uint32_t));
    if (fc_ctx_init(&jctx, &fvec_provider, t->jit->cg.frefs, t->jit->cg.nfrefs)) {
        jctx.data = &fv;
        jctx.k = t->jit->k;
        fc_ctx_next_event(&jctx);
        uint32_t n = t->jit->match(&jctx, (uint32_t)ctx.evtype, out, CG_MATCH_ALL);
        for (uint32_t i = 0; i < n; i++)
            jfired[out[i]] = true;
        fc_ctx_fini(&jctx);
    }
    const struct rl_set *set = &t->s->set;
    bool pass = true;
    uint32_t jrule = 0;
    /* Every expected rule must exist. */
    if (tc->match->kind == YN_SEQ)
        for (size_t i = 0; i < tc->match->n; i++)
            if (!rl_find_rule(set, tc->match->vals[i]->value)) {
                case_error(t, tc->match->vals[i], "no rule by that name");
                pass = false;
            }
    struct {
        const struct rl_rule *r;
        bool fired;
        struct interp_why why;
    } wrong[64];
    int nwrong = 0;
    for (size_t i = 0; i < set->nrules; i++) {
        const struct rl_rule *r = set->rules[i];
        const struct res_rule *rr = r->resolved;
        if (!r->enabled || !rr || !rr->ok || !rr->info)
            continue;
        struct ev_set both = types;
        ev_set_intersect(&both, &rr->info->evttypes);
        struct interp_why why = {0};
        bool fired = !ev_set_is_empty(&both) && interp_eval(rr->tree, &ctx, &rr->text, &why);
        /* The compiled rules are the enabled, compiled ones, in this order. */
        while (jrule < t->jit->cg.nrules && t->jit->cg.rules[jrule] != r)
            jrule++;
        bool compiled = jrule < t->jit->cg.nrules && jfired[jrule];
        if (compiled != fired) {
            printf("FAIL %s\n    rule '%s': compiled code says %s, the reference evaluator %s\n",
                   tc->name, r->name, compiled ? "fired" : "silent", fired ? "fired" : "silent");
            pass = false;
            continue;
        }
        if (fired != expected(tc, r->name)) {
            pass = false;
            if (nwrong < 64)
                wrong[nwrong++] = (typeof(wrong[0])){r, fired, why};
        }
    }
    free(jfired);
    free(out);
    printf("%s %s\n", pass ? "ok  " : "FAIL", tc->name);
    if (!pass) {
        printf("    fields:");
        for (size_t i = 0; i < tc->fields->n; i++) {
            const struct ynode *v = tc->fields->vals[i];
            printf(" %s=", tc->fields->keys[i]->value);
            if (v->kind == YN_SCALAR)
                printf("%s", v->value);
            else
                for (size_t j = 0; j < v->n; j++)
                    printf("%s%s", j ? "," : "(", v->vals[j]->value);
            if (v->kind == YN_SEQ)
                printf(")");
        }
        printf("\n");
        for (int i = 0; i < nwrong; i++)
            print_why(wrong[i].r, wrong[i].fired, &wrong[i].why);
    }
    fvec_free(&fv);
    return pass;
}

int cmd_test(int argc, char **argv)
{
    struct session s;
    session_init(&s);
    struct tstate t = {&s, NULL, NULL, 0, 0, 0, isatty(STDOUT_FILENO), 2};
    int nrules = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1] == 'O' && argv[i][2] >= '0' && argv[i][2] <= '3' &&
            !argv[i][3]) {
            t.opt = argv[i][2] - '0';
            continue;
        }
        struct source *src = src_read_file(&s.arena, argv[i]);
        if (!src) {
            fprintf(stderr, "falcoc: test: cannot read '%s'\n", argv[i]);
            session_free(&s);
            return 2;
        }
        struct diags tmp;
        diags_init(&tmp, &s.arena);
        struct ydoc *docs = NULL;
        size_t ndocs = 0;
        bool yaml_ok = yaml_parse(&s.arena, &tmp, src, &docs, &ndocs);
        if (yaml_ok && ndocs && is_cases_doc(&docs[0])) {
            read_cases(&t, docs, ndocs);
        } else {
            session_load_file(&s, argv[i]);
            nrules++;
        }
    }
    if (!nrules || (!t.n && !t.bad)) {
        fputs("usage: falcoc test [-O0..3] RULES.yaml... CASES.yaml...\n", stderr);
        free(t.cases);
        session_free(&s);
        return 2;
    }
    session_compile(&s);
    if (s.diags.nerrors) {
        diags_sort(&s.diags, (const struct source *const *)s.files, s.nfiles);
        diag_render_text(stderr, &s.diags, isatty(STDERR_FILENO));
        fprintf(stderr, "falcoc: test: the rules do not validate\n");
        free(t.cases);
        session_free(&s);
        return 1;
    }
    struct jit jit;
    char jerr[300];
    if (!jit_build(&s, t.opt, &jit, jerr, sizeof(jerr))) {
        diags_sort(&s.diags, (const struct source *const *)s.files, s.nfiles);
        diag_render_text(stderr, &s.diags, isatty(STDERR_FILENO));
        fprintf(stderr, "falcoc: test: %s\n", jerr);
        free(t.cases);
        session_free(&s);
        return 1;
    }
    t.jit = &jit;
    size_t passed = 0, failed = (size_t)t.bad;
    for (size_t i = 0; i < t.n; i++) {
        if (run_case(&t, &t.cases[i]))
            passed++;
        else
            failed++;
    }
    printf("%zu passed, %zu failed\n", passed, failed);
    jit_free(&jit);
    free(t.cases);
    session_free(&s);
    return failed ? 1 : 0;
}
