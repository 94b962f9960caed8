/*
 * test_diff.c - the differential test: compiled rules (JIT at -O0 and at
 * -O2, and the same rules compiled ahead of time to a rule object loaded
 * as falcod loads it) agree with the reference evaluator (interp.c) on
 *
 *   1. the operator × type matrix: every operator (with each modifier, and
 *      with a field on the right) against every kind of left side, once
 *      each; what §6.3 allows must validate, what it does not must be
 *      rejected;
 *   2. list values: the same matrix for left sides built from lists
 *      (getopt() with and without [x], transformers over lists, len() and
 *      join() of lists), and the constructs code generation once refused;
 *   3. regression cases: reproducers of disagreements found here before, and
 *      edge cases of list values;
 *   4. at least 10,000 random valid conditions (diffgen.h, about a quarter
 *      of them with checks over list values from the generator here) over
 *      random field vectors, compiled in batches of BATCH rules (one rule per
 *      condition), each batch JIT-compiled once per level and AOT-compiled
 *      once, and evaluated on VECS vectors.
 *
 * Every disagreement is a failure. The first few are printed raw (seed,
 * condition, field vector, the three verdicts); at the end all of them are
 * triaged: each check of a failing condition is evaluated alone on the
 * failing vector, the checks that disagree by themselves are grouped by
 * shape (left side, operator, kind of right side), and one example per
 * group is printed with its vector shrunk, as a rules file and a
 * `falcoc test` case. Conditions valid for the checker that jit_build
 * refuses are failures too, triaged the same way.
 *
 * Environment: FALCOC_DIFF_SEED (default 20240611) seeds everything;
 * FALCOC_DIFF_N sets the number of random conditions (default 10,000);
 * FALCOC_DIFF_BATCH the rules per batch (default 125); FALCOC_DIFF_VERBOSE
 * prints timings; FALCOC_DIFF_DUMP=FILE writes the last rules file compiled;
 * FALCOC_DIFF_AOT=0 leaves out the AOT objects. Nearly all the time is
 * LLVM's: some 85 s for the default in a Debug build.
 */
#include <llvm-c/Analysis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aot.h"
#include "cg.h"
#include "check.h" /* struct chk_info: a rule's event types */
#include "diffgen.h"
#include "events.h"
#include "fc_fvec.h"
#include "fc_konst.h"
#include "fc_object.h"
#include "fc_rt.h"
#include "interp.h"
#include "jit.h"
#include "tharness.h"

enum {
    BATCH = 125, /* rules per rules file (LLVM time is about linear below ~250) */
    BATCH_MAX = 1024,
    VECS = 16,        /* random vectors per batch */
    MATRIX_VECS = 60, /* vectors for the matrix */
    MAX_RAW = 5,      /* disagreements (and refusals) printed raw */
    MAX_GROUPS = 30,  /* groups printed by the triage */
    MAX_RECS = 1000,  /* failures kept for the triage */
    DEFAULT_N = 10000,
    DEFAULT_SEED = 20240611,
};

static uint64_t seed;

static struct {
    long conds;    /* conditions compiled and compared */
    long evals;    /* (condition, vector) pairs compared */
    long trues;    /* ... where the reference said true */
    long disagree; /* ... where a compiled verdict differed */
    long gen_bad;  /* generated conditions that did not validate */
    long unbuilt;  /* valid conditions jit_build refused */
    long matrix_rejected;
    double t_jit, t_o2, t_pre, t_eval;
} st;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

/* ---- sessions over in-memory rules ---- */

/* Loads and checks the conditions conds[idx[i]], rule i named "r<idx[i]>". */
static void session_of(struct session *s, char *const *conds, const int *idx, int n)
{
    struct sb y = {0};
    sb_addn(&y, "", 0);
    for (int i = 0; i < n; i++)
        sb_printf(&y,
                  "- rule: r%d\n  desc: d\n  output: o\n  priority: INFO\n"
                  "  warn_evttypes: false\n  condition: |\n    %s\n",
                  idx[i], conds[idx[i]]);
    const char *dump = getenv("FALCOC_DIFF_DUMP");
    FILE *f = dump && *dump ? fopen(dump, "w") : NULL;
    if (f) {
        fwrite(y.p, 1, y.n, f);
        fclose(f);
    }
    session_init(s);
    session_load_bytes(s, "diff.yaml", y.p, y.n);
    session_compile(s);
    sb_free(&y);
}

static int rule_no(const struct rl_rule *r)
{
    return atoi(r->name + 1);
}

static bool rule_ok(const struct rl_rule *r)
{
    const struct res_rule *rr = r->resolved;
    return rr && rr->ok && rr->info;
}

/* The first error about rule rN, else the first error at all, else NULL. */
static const char *rule_error(const struct session *s, int no)
{
    char name[32];
    snprintf(name, sizeof(name), "r%d", no);
    for (size_t i = 0; i < s->diags.n; i++) {
        const struct diag *d = s->diags.v[i];
        if (diag_severity(d->code) != DIAG_SEV_ERROR)
            continue;
        for (int k = 0; k < d->nlocs; k++)
            if (d->locs[k].item_name && !strcmp(d->locs[k].item_name, name))
                return d->msg;
    }
    for (size_t i = 0; i < s->diags.n; i++)
        if (diag_severity(s->diags.v[i]->code) == DIAG_SEV_ERROR)
            return s->diags.v[i]->msg;
    return NULL;
}

static const char *cg_error(const struct session *s)
{
    for (size_t i = 0; i < s->diags.n; i++)
        if (s->diags.v[i]->code == DIAG_CG_UNSUPPORTED)
            return s->diags.v[i]->msg;
    return NULL;
}

/* ---- vectors ---- */

static bool vec_fvec(const struct vec *v, struct fvec *fv)
{
    fvec_init(fv);
    for (int i = 0; i < v->n; i++) {
        char err[300];
        if (!fvec_add(fv, v->e[i].key, v->e[i].vals, (size_t)v->e[i].n, err, sizeof(err))) {
            CHECK(false, "vector key %s: %s", v->e[i].key, err);
            return false;
        }
    }
    return true;
}

/* The vector on one line, {key: "value", ...}. */
static void vec_line(struct sb *b, const struct vec *v)
{
    struct sb t = {0};
    sb_addn(&t, "", 0);
    vec_print(&t, v, "");
    sb_add(b, "{");
    for (size_t i = 0; i < t.n; i++) {
        if (t.p[i] != '\n')
            sb_addn(b, &t.p[i], 1);
        else if (i + 1 < t.n)
            sb_add(b, ", ");
    }
    sb_add(b, "}");
    sb_free(&t);
}

/* ---- compiled sets of rules ---- */

struct built {
    struct session s;
    int n;                       /* valid rules */
    const struct rl_rule **rule; /* by slot */
    int *slot_of_no;             /* rule number → slot, or -1 */
    int maxno;
    struct jit j[2]; /* -O0, -O2 */
    bool have[2];
    struct fc_ctx ctx[2];
    uint32_t *out;
    /* The same rules compiled ahead of time (-O2) and loaded as falcod
     * loads them; their verdicts must equal the -O2 JIT's. */
    struct fc_loaded aot;
    bool have_aot;
    struct fc_ctx actx;
    char aot_path[64];
};

static const int OPTS[2] = {0, 2};

static bool build_jits(struct built *b, char *err, size_t errsz)
{
    for (int o = 0; o < 2; o++) {
        double t0 = now();
        bool ok = jit_build(&b->s, OPTS[o], &b->j[o], err, errsz);
        st.t_jit += now() - t0;
        if (o)
            st.t_o2 += now() - t0;
        if (!ok) {
            const char *m = cg_error(&b->s);
            if (m) {
                size_t l = strlen(err);
                snprintf(err + l, errsz - l, " (CG_UNSUPPORTED: %s)", m);
            }
            return false;
        }
        b->have[o] = true;
        fc_ctx_init(&b->ctx[o], &fvec_provider, b->j[o].cg.frefs, b->j[o].cg.nfrefs);
        b->ctx[o].k = b->j[o].k;
    }
    const char *env = getenv("FALCOC_DIFF_AOT");
    if (env && !strcmp(env, "0"))
        return true;
    double t0 = now();
    snprintf(b->aot_path, sizeof(b->aot_path), "/tmp/test_diff-XXXXXX.fco");
    int fd = mkstemps(b->aot_path, 4);
    if (fd >= 0)
        close(fd);
    char aerr[400];
    bool ok = fd >= 0 && aot_compile(&b->s, 2, NULL, b->aot_path, aerr, sizeof(aerr));
    CHECK(ok, "AOT: %s", fd >= 0 ? aerr : "no temporary file");
    if (ok) {
        ok = fc_object_load(b->aot_path, &b->aot, aerr, sizeof(aerr));
        CHECK(ok, "AOT load: %s", aerr);
    }
    if (ok) {
        b->have_aot = true;
        fc_ctx_init(&b->actx, &fvec_provider, b->aot.obj->frefs, b->aot.obj->nfrefs);
        b->actx.k = b->aot.k;
    }
    st.t_jit += now() - t0;
    return true;
}

static void built_free(struct built *b)
{
    for (int o = 0; o < 2; o++)
        if (b->have[o]) {
            fc_ctx_fini(&b->ctx[o]);
            jit_free(&b->j[o]);
        }
    if (b->have_aot) {
        fc_ctx_fini(&b->actx);
        fc_object_unload(&b->aot);
    }
    if (b->aot_path[0])
        unlink(b->aot_path);
    free(b->rule);
    free(b->slot_of_no);
    free(b->out);
    session_free(&b->s);
    memset(b, 0, sizeof(*b));
}

/* Checks conds[idx[0..n)] and JIT-compiles the valid ones at -O0 and -O2;
 * false (err set) when a JIT cannot be built. */
static bool built_make(struct built *b, char *const *conds, const int *idx, int n, char *err,
                       size_t errsz)
{
    memset(b, 0, sizeof(*b));
    session_of(&b->s, conds, idx, n);
    for (int i = 0; i < n; i++)
        if (idx[i] > b->maxno)
            b->maxno = idx[i];
    b->rule = xcalloc((size_t)n, sizeof(*b->rule));
    b->slot_of_no = xcalloc((size_t)b->maxno + 1, sizeof(int));
    b->out = xcalloc((size_t)n, sizeof(*b->out));
    for (int i = 0; i <= b->maxno; i++)
        b->slot_of_no[i] = -1;
    for (size_t i = 0; i < b->s.set.nrules; i++) {
        const struct rl_rule *r = b->s.set.rules[i];
        int no = rule_no(r);
        if (no >= 0 && no <= b->maxno && rule_ok(r)) {
            b->slot_of_no[no] = b->n;
            b->rule[b->n++] = r;
        }
    }
    return build_jits(b, err, errsz);
}

static int first_code(const struct rl_rule *r)
{
    return ev_set_next(&((const struct res_rule *)r->resolved)->info->evttypes, 0);
}

/*
 * Verdicts of every valid rule of b on one vector: reference, -O0, -O2. A
 * vector without evt.type runs each rule under the first event code it is
 * indexed under; a rule indexed under none (an empty set, §7: it can never
 * match an event, which always has a type) has no compiled verdict there and
 * gets skip[] set (when skip is not NULL).
 */
static bool built_eval(struct built *b, const struct vec *v, bool *ref, bool *c0, bool *c2,
                       bool *skip)
{
    struct fvec fv;
    if (!vec_fvec(v, &fv)) {
        fvec_free(&fv);
        return false;
    }
    struct fc_ctx ictx = {.prov = &fvec_provider, .data = &fv};
    for (int i = 0; i < b->n; i++) {
        const struct res_rule *rr = b->rule[i]->resolved;
        ref[i] = interp_eval(rr->tree, &ictx, &rr->text, NULL);
        if (skip)
            skip[i] = fv.evtype < 0 && first_code(b->rule[i]) < 0;
    }
    bool *cv[2] = {c0, c2};
    for (int o = 0; o < 2; o++) {
        struct jit *j = &b->j[o];
        struct fc_ctx *c = &b->ctx[o];
        bool *res = cv[o];
        memset(res, 0, (size_t)b->n * sizeof(*res));
        c->data = &fv;
        fc_ctx_next_event(c);
        /* The codes to dispatch on: the vector's evt.type, or (without one)
         * for each rule the first code it is indexed under. */
        int codes[64];
        int ncodes = 0;
        if (fv.evtype >= 0)
            codes[ncodes++] = fv.evtype;
        else
            for (uint32_t k = 0; k < j->cg.nrules; k++) {
                int code = first_code(j->cg.rules[k]);
                bool seen = code < 0;
                for (int q = 0; q < ncodes && !seen; q++)
                    seen = codes[q] == code;
                if (!seen && ncodes < 64)
                    codes[ncodes++] = code;
            }
        for (int q = 0; q < ncodes; q++) {
            c->evtype = (uint16_t)codes[q];
            uint32_t n = j->match(c, (uint32_t)codes[q], b->out, CG_MATCH_ALL);
            CHECK(n <= j->cg.nrules, "match returned %u of %u rules", n, j->cg.nrules);
            for (uint32_t k = 0; k < n && k < j->cg.nrules; k++) {
                CHECK(!k || b->out[k] > b->out[k - 1], "matches out of load order");
                const struct rl_rule *r = j->cg.rules[b->out[k]];
                int no = rule_no(r);
                int slot = no >= 0 && no <= b->maxno ? b->slot_of_no[no] : -1;
                /* without evt.type, a rule counts under its own first code */
                if (slot >= 0 && (fv.evtype >= 0 || first_code(r) == codes[q]))
                    res[slot] = true;
            }
            /* CG_MATCH_FIRST stops at the first of the same list */
            uint32_t one = UINT32_MAX;
            uint32_t nf = j->match(c, (uint32_t)codes[q], &one, CG_MATCH_FIRST);
            CHECK(nf == (n ? 1u : 0u) && (!nf || one == b->out[0]),
                  "-O%d: CG_MATCH_FIRST gave %u rule(s), CG_MATCH_ALL %u", OPTS[o], nf, n);
        }
    }
    /* AOT: the same dispatch, run from the loaded object; rule k of the
     * object is rule k of the JIT (one session, one code generator). */
    if (b->have_aot) {
        const struct fc_object *o = b->aot.obj;
        struct fc_ctx *c = &b->actx;
        c->data = &fv;
        fc_ctx_next_event(c);
        bool *got = xcalloc((size_t)b->n + 1, sizeof(bool));
        for (uint32_t k = 0; k < o->nrules; k++) {
            int code = fv.evtype >= 0 ? fv.evtype : first_code(b->j[1].cg.rules[k]);
            if (code < 0)
                continue;
            c->evtype = (uint16_t)code;
            uint32_t n = o->match(c, (uint32_t)code, b->out, CG_MATCH_ALL);
            for (uint32_t q = 0; q < n && q < o->nrules; q++)
                if (b->out[q] == k) {
                    int no = rule_no(b->j[1].cg.rules[k]);
                    int slot = no >= 0 && no <= b->maxno ? b->slot_of_no[no] : -1;
                    if (slot >= 0)
                        got[slot] = true;
                }
        }
        for (int i = 0; i < b->n; i++)
            if (!(skip && skip[i]))
                CHECK(got[i] == c2[i], "AOT says %s, -O2 JIT %s for '%s'",
                      got[i] ? "true" : "false", c2[i] ? "true" : "false", b->rule[i]->name);
        free(got);
    }
    fvec_free(&fv);
    return true;
}

/* ---- one condition on one vector ---- */

enum verdict { V_FALSE, V_TRUE, V_INVALID, V_UNBUILT };

struct triple {
    enum verdict ref, o0, o2;
};

static bool triple_eq(struct triple a, struct triple b)
{
    return a.ref == b.ref && a.o0 == b.o0 && a.o2 == b.o2;
}

static struct triple triple_of(bool ref, bool c0, bool c2)
{
    return (struct triple){ref ? V_TRUE : V_FALSE, c0 ? V_TRUE : V_FALSE, c2 ? V_TRUE : V_FALSE};
}

static const char *vname(enum verdict v)
{
    static const char *const n[] = {"false", "true", "invalid", "not built"};
    return n[v];
}

static struct triple eval_one(const char *cond, const struct vec *v, char *err, size_t errsz)
{
    struct triple t = {V_INVALID, V_INVALID, V_INVALID};
    char *conds[1] = {(char *)cond};
    struct built b;
    bool ok = built_make(&b, conds, (int[]){0}, 1, err, errsz);
    if (b.n != 1) {
        const char *m = rule_error(&b.s, 0);
        snprintf(err, errsz, "%s", m ? m : "does not validate");
        built_free(&b);
        return t;
    }
    struct fvec fv;
    if (vec_fvec(v, &fv)) {
        struct fc_ctx ictx = {.prov = &fvec_provider, .data = &fv};
        const struct res_rule *rr = b.rule[0]->resolved;
        t.ref = interp_eval(rr->tree, &ictx, &rr->text, NULL) ? V_TRUE : V_FALSE;
    }
    fvec_free(&fv);
    if (!ok) {
        t.o0 = t.o2 = V_UNBUILT;
    } else {
        bool ref, c0, c2, skip;
        built_eval(&b, v, &ref, &c0, &c2, &skip);
        t.o0 = skip ? t.ref : c0 ? V_TRUE : V_FALSE;
        t.o2 = skip ? t.ref : c2 ? V_TRUE : V_FALSE;
    }
    built_free(&b);
    return t;
}

/* ---- code generation without the JIT (cheap) ---- */

/* The items of constant descriptors that do not build on their own. */
static int bad_items(const struct cg_rules *out, char (*item)[96], int max)
{
    int n = 0;
    for (uint32_t i = 0; i < out->nk && n < max; i++)
        for (uint32_t k = 0; k < out->k[i].n && n < max; k++) {
            struct fc_kdesc d = out->k[i];
            d.n = 1;
            d.items += k;
            if (d.lens)
                d.lens += k;
            char e[300];
            void **obj = fc_konst_build(&d, 1, e, sizeof(e));
            if (obj) {
                fc_konst_free(obj, &d, 1);
                continue;
            }
            size_t len = d.lens ? d.lens[0] : strlen(d.items[0]);
            snprintf(item[n++], sizeof(item[0]), "%.*s", (int)len, d.items[0]);
        }
    return n;
}

/*
 * cg_build, the IR verifier and the constants on conds[idx[0..m)]: true when
 * all pass. Otherwise bad[] gets the positions (in idx) of rules at fault,
 * *nbad of them: certainly at fault (code generation names the rule, or its
 * function does not verify) or, when a constant does not build, suspects
 * (their condition contains the text of an item that does not build alone;
 * *suspects set). None: bisect.
 */
static bool cheap_build(char *const *conds, const int *idx, int m, int *bad, int *nbad,
                        bool *suspects, char *err, size_t errsz)
{
    struct session s;
    session_of(&s, conds, idx, m);
    LLVMContextRef c = LLVMContextCreate();
    struct cg_rules out;
    bool ok = cg_build(&s, c, &out);
    int *nos = xcalloc((size_t)m, sizeof(int));
    int nno = 0;
    *nbad = 0;
    *suspects = false;
    if (!ok) {
        snprintf(err, errsz, "code generation failed");
        for (size_t i = 0; i < s.diags.n && !nno; i++) {
            const struct diag *d = s.diags.v[i];
            if (d->code != DIAG_CG_UNSUPPORTED)
                continue;
            snprintf(err, errsz, "code generation failed (CG_UNSUPPORTED: %s)", d->msg);
            for (int k = 0; k < d->nlocs && !nno; k++)
                if (d->locs[k].item_name && d->locs[k].item_name[0] == 'r')
                    nos[nno++] = atoi(d->locs[k].item_name + 1);
        }
    } else {
        char *msg = NULL;
        if (LLVMVerifyModule(out.mod, LLVMReturnStatusAction, &msg)) {
            ok = false;
            snprintf(err, errsz, "internal error: invalid IR: %.*s", (int)strcspn(msg, "\n"), msg);
            for (uint32_t k = 0; k < out.nrules && nno < m; k++) {
                char name[32];
                snprintf(name, sizeof(name), "rule.%u", k);
                LLVMValueRef fn = LLVMGetNamedFunction(out.mod, name);
                if (fn && LLVMVerifyFunction(fn, LLVMReturnStatusAction))
                    nos[nno++] = rule_no(out.rules[k]);
            }
        }
        LLVMDisposeMessage(msg);
        if (ok) {
            void **k = fc_konst_build(out.k, out.nk, err, errsz);
            ok = k || !out.nk;
            fc_konst_free(k, out.k, out.nk);
            if (!ok) {
                static char item[64][96];
                int ni = bad_items(&out, item, 64);
                for (int i = 0; i < m; i++)
                    for (int q = 0; q < ni; q++)
                        if (*item[q] && strstr(conds[idx[i]], item[q])) {
                            nos[nno++] = idx[i];
                            break;
                        }
                *suspects = true;
            }
        }
        LLVMDisposeModule(out.mod);
    }
    for (int i = 0; i < m; i++)
        for (int q = 0; q < nno; q++)
            if (idx[i] == nos[q]) {
                bad[(*nbad)++] = i;
                break;
            }
    free(nos);
    LLVMContextDispose(c);
    session_free(&s);
    return ok;
}

/*
 * Splits conds[idx[0..m)] into those code generation builds (kept in idx,
 * their count returned) and those it refuses (reported through refused(),
 * with the error of each alone).
 */
static int screen(char *const *conds, int *idx, int m,
                  void (*refused)(void *arg, int no, const char *err), void *arg)
{
    char err[600];
    int *bad = xcalloc((size_t)m, sizeof(int)), nbad;
    bool suspects;
    while (m && !cheap_build(conds, idx, m, bad, &nbad, &suspects, err, sizeof(err))) {
        int dropped = 0;
        for (int q = nbad - 1; q >= 0; q--) { /* highest first: the others stay put */
            int at = bad[q], b1, n1;
            bool s1;
            char e1[600];
            if (cheap_build(conds, &idx[at], 1, &b1, &n1, &s1, e1, sizeof(e1))) {
                if (suspects)
                    continue;                        /* innocent */
                snprintf(e1, sizeof(e1), "%s", err); /* fails only with others */
            }
            refused(arg, idx[at], e1);
            memmove(&idx[at], &idx[at + 1], (size_t)(m - at - 1) * sizeof(int));
            m--;
            dropped++;
        }
        if (dropped)
            continue;
        /* no culprit found: the first failing prefix ends in one */
        int lo = 0, hi = m, n2;
        while (hi - lo > 1) {
            int mid = (lo + hi) / 2;
            char e2[600];
            if (cheap_build(conds, idx, mid, bad, &n2, &suspects, e2, sizeof(e2)))
                lo = mid;
            else
                hi = mid;
        }
        int at = hi - 1, b1, n1;
        bool s1;
        char e1[600];
        if (cheap_build(conds, &idx[at], 1, &b1, &n1, &s1, e1, sizeof(e1)))
            snprintf(e1, sizeof(e1), "%s", err);
        refused(arg, idx[at], e1);
        memmove(&idx[at], &idx[at + 1], (size_t)(m - at - 1) * sizeof(int));
        m--;
    }
    free(bad);
    return m;
}

/* ---- failures, kept for the triage ---- */

struct rec {
    struct cnode *tree;
    struct vec v;    /* disagreements */
    struct triple t; /* disagreements */
    char *err;       /* refusals */
    char where[64];
};

static struct rec dis[MAX_RECS], unb[MAX_RECS];
static int ndis, nunb;

static struct cnode *check_node(const char *text, const char *sig)
{
    struct cnode *c = cn_new(C_CHECK);
    c->text = dg_strdup(text);
    c->sig = sig ? dg_strdup(sig) : NULL;
    return c;
}

static void disagreement(const char *where, const struct cnode *tree, const struct vec *v,
                         struct triple t)
{
    st.disagree++;
    th_fail++;
    struct sb c = {0}, f = {0};
    cn_print(&c, tree);
    if (st.disagree <= MAX_RAW) {
        vec_line(&f, v);
        fprintf(stderr,
                "DISAGREEMENT (seed %llu, %s)\n  condition: %s\n  fields: %s\n"
                "  reference: %s, -O0: %s, -O2: %s\n",
                (unsigned long long)seed, where, c.p, f.p, vname(t.ref), vname(t.o0), vname(t.o2));
    } else if (st.disagree == MAX_RAW + 1) {
        fprintf(stderr, "(more disagreements: see the triage at the end)\n");
    }
    if (ndis < MAX_RECS) {
        struct rec *r = &dis[ndis++];
        r->tree = cn_copy(tree);
        r->v = *v;
        r->t = t;
        snprintf(r->where, sizeof(r->where), "%s", where);
    }
    sb_free(&c);
    sb_free(&f);
}

static void refusal(const char *where, const struct cnode *tree, const char *err)
{
    st.unbuilt++;
    th_fail++;
    struct sb c = {0};
    cn_print(&c, tree);
    if (st.unbuilt <= MAX_RAW)
        fprintf(stderr,
                "NOT BUILT (seed %llu, %s): jit_build refuses a valid condition\n"
                "  condition: %s\n  error: %s\n",
                (unsigned long long)seed, where, c.p, err);
    else if (st.unbuilt == MAX_RAW + 1)
        fprintf(stderr, "(more refusals: see the triage at the end)\n");
    if (nunb < MAX_RECS) {
        struct rec *r = &unb[nunb++];
        r->tree = cn_copy(tree);
        r->err = dg_strdup(err);
        snprintf(r->where, sizeof(r->where), "%s", where);
    }
    sb_free(&c);
}

/* ---- running a set of conditions ---- */

struct set_ctx {
    const char *label;
    struct cnode **trees;
};

static void set_refused(void *arg, int no, const char *err)
{
    struct set_ctx *sc = arg;
    refusal(sc->label, sc->trees[no], err);
}

/*
 * Checks the conditions trees[0..n) (every one must validate: one that does
 * not is a generator bug), drops and reports those code generation refuses,
 * JIT-compiles the rest and compares every verdict on vecs.
 */
static void run_set(const char *label, struct cnode **trees, int n, const struct vec *vecs,
                    int nvec)
{
    char **conds = xcalloc((size_t)n, sizeof(char *));
    int *idx = xcalloc((size_t)n, sizeof(int));
    for (int i = 0; i < n; i++) {
        struct sb b = {0};
        cn_print(&b, trees[i]);
        conds[i] = b.p;
        idx[i] = i;
    }
    int m = 0;
    {
        struct session s;
        session_of(&s, conds, idx, n);
        bool *ok = xcalloc((size_t)n, sizeof(bool));
        for (size_t i = 0; i < s.set.nrules; i++) {
            int no = rule_no(s.set.rules[i]);
            if (no >= 0 && no < n)
                ok[no] = rule_ok(s.set.rules[i]);
        }
        bool whole_file = !s.set.nrules && n > 1; /* the YAML failed: one rule at a time */
        for (int i = 0; i < n; i++) {
            struct session one;
            if (whole_file) {
                session_of(&one, conds, (int[]){i}, 1);
                ok[i] = one.set.nrules == 1 && rule_ok(one.set.rules[0]);
            }
            if (ok[i]) {
                idx[m++] = i;
            } else {
                const char *msg = rule_error(whole_file ? &one : &s, i);
                st.gen_bad++;
                CHECK(false, "%s: a generated condition does not validate: %s\n    %s", label,
                      msg ? msg : "?", conds[i]);
            }
            if (whole_file)
                session_free(&one);
        }
        free(ok);
        session_free(&s);
    }
    double t0 = now();
    struct set_ctx sc = {label, trees};
    m = screen(conds, idx, m, set_refused, &sc);
    st.t_pre += now() - t0;
    struct built b;
    char err[600];
    t0 = now();
    while (!built_make(&b, conds, idx, m, err, sizeof(err))) {
        /* Code generation was fine, the JIT was not: bisect on the JIT. */
        built_free(&b);
        int lo = 0, hi = m;
        while (hi - lo > 1) {
            int mid = (lo + hi) / 2;
            struct built t;
            bool ok = built_make(&t, conds, idx, mid, err, sizeof(err));
            built_free(&t);
            if (ok)
                lo = mid;
            else
                hi = mid;
        }
        int bad = hi - 1;
        struct built t;
        built_make(&t, conds, &idx[bad], 1, err, sizeof(err));
        built_free(&t);
        refusal(label, trees[idx[bad]], err);
        memmove(&idx[bad], &idx[bad + 1], (size_t)(m - bad - 1) * sizeof(int));
        m--;
    }
    if (getenv("FALCOC_DIFF_VERBOSE"))
        printf("%s: %d rules built at -O0 and -O2 in %.2f s\n", label, m, now() - t0);
    CHECK(b.n == m, "%s: %d of %d rules compiled", label, b.n, m);
    bool *ref = xcalloc((size_t)m, sizeof(bool)), *c0 = xcalloc((size_t)m, sizeof(bool)),
         *c2 = xcalloc((size_t)m, sizeof(bool)), *skip = xcalloc((size_t)m, sizeof(bool));
    t0 = now();
    for (int vi = 0; vi < nvec; vi++) {
        if (!built_eval(&b, &vecs[vi], ref, c0, c2, skip))
            continue;
        for (int i = 0; i < b.n; i++) {
            if (skip[i])
                continue;
            st.evals++;
            st.trues += ref[i];
            if (ref[i] == c0[i] && ref[i] == c2[i])
                continue;
            char where[64];
            snprintf(where, sizeof(where), "%s, vector %d", label, vi);
            disagreement(where, trees[rule_no(b.rule[i])], &vecs[vi],
                         triple_of(ref[i], c0[i], c2[i]));
        }
    }
    st.t_eval += now() - t0;
    st.conds += b.n;
    free(ref);
    free(c0);
    free(c2);
    free(skip);
    built_free(&b);
    for (int i = 0; i < n; i++)
        free(conds[i]);
    free(conds);
    free(idx);
}

/* ---- 1. the operator × type matrix ---- */

static struct gx *f_named(const char *n)
{
    return gx_field(field_named(n));
}

static struct gx *xf1(enum xop op, struct gx *in, enum fk k, const char *type)
{
    struct gx *x = gx_new(op);
    x->kid[0] = in;
    x->k = k;
    x->type = type;
    return x;
}

static struct gx *r_concat(void)
{
    struct gx *x = gx_new(X_CONCAT);
    x->n = 3;
    x->kid[0] = f_named("fd.directory");
    x->lit[1] = "/";
    x->kid[2] = f_named("proc.name");
    x->k = K_STR;
    x->type = "charbuf";
    return x;
}

static struct gx *r_join(void)
{
    struct gx *x = gx_new(X_JOIN);
    x->sep = ",";
    x->n = 3;
    x->kid[0] = f_named("proc.name");
    x->kid[1] = f_named("fd.num");
    x->kid[2] = f_named("fd.sip");
    x->k = K_STR;
    x->type = "charbuf";
    return x;
}

/* Left sides of every kind: a field name, or a transformer. */
static const char *const REP_FIELDS[] = {
    "proc.name",    "fd.name",  "evt.type", "proc.aname",        "proc.aname[2]",
    "fd.num",       "evt.num",  "user.uid", "evt.cpu",           "proc.apid",
    "proc.apid[1]", "fd.sport", "fd.port",  "evt.is_open_write", "fd.sip",
    "fd.ip",        "fd.snet",  "fd.net",   "evt.buffer",        "fd.types",
};
enum { NREP_XF = 9 };

static struct gx *rep(size_t i)
{
    if (i < NELEM(REP_FIELDS))
        return f_named(REP_FIELDS[i]);
    switch (i - NELEM(REP_FIELDS)) {
    case 0:
        return xf1(X_LOWER, f_named("proc.name"), K_STR, "charbuf");
    case 1:
        return xf1(X_UPPER, f_named("fd.name"), K_STR, "charbuf");
    case 2:
        return xf1(X_BASENAME, f_named("fd.name"), K_STR, "charbuf");
    case 3:
        return xf1(X_B64, f_named("proc.name"), K_STR, "charbuf");
    case 4:
        return xf1(X_B64, f_named("evt.buffer"), K_BUF, "bytebuf");
    case 5:
        return xf1(X_LEN, f_named("fd.name"), K_NUM, "uint64");
    case 6:
        return xf1(X_LEN, f_named("evt.buffer"), K_NUM, "uint64");
    case 7:
        return r_concat();
    default:
        return r_join();
    }
}

/* A valid constant of x's kind, so that only the operator is wrong. */
static const char *plain_const(const struct gx *x)
{
    if (x->f && (x->f->flags & F_EVT))
        return "open";
    switch (x->k) {
    case K_NUM:
        return "1";
    case K_BOOL:
        return "true";
    case K_IP:
        return "10.0.0.1";
    case K_NET:
        return "10.0.0.0/8";
    case K_BUF:
        return "6869";
    case K_LIST:
        return "ipv4";
    default:
        return "abc";
    }
}

/* A field of x's type for the right side, even where none is allowed. */
static const char *any_rhs(const struct gx *x)
{
    switch (x->k) {
    case K_NUM:
        return !strcmp(x->type, "port") ? "val(fd.lport)" : "val(proc.pid)";
    case K_BOOL:
        return "val(evt.is_open_read)";
    case K_IP:
    case K_NET:
        return "val(fd.cip)";
    case K_BUF:
        return "val(evt.buffer)";
    default:
        return "val(proc.pname)";
    }
}

struct nodes {
    struct cnode **v;
    int n, cap;
};

static void nodes_push(struct nodes *s, struct cnode *c)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->v = realloc(s->v, (size_t)s->cap * sizeof(*s->v));
        if (!s->v)
            exit(2);
    }
    s->v[s->n++] = c;
}

static void nodes_free(struct nodes *s)
{
    for (int i = 0; i < s->n; i++)
        cn_free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

/* The matrix's verdicts: what §6.3 / §6.6 forbid (bad) must be rejected,
 * the rest (ok) must agree on the vectors. Frees both. */
static void matrix_run(const char *label, struct nodes *ok, struct nodes *bad,
                       const struct vec *vecs, int nvec)
{
    long rejected = 0;
    {
        char **conds = xcalloc((size_t)bad->n, sizeof(char *));
        int *all = xcalloc((size_t)bad->n, sizeof(int));
        for (int i = 0; i < bad->n; i++) {
            conds[i] = bad->v[i]->text;
            all[i] = i;
        }
        struct session s;
        session_of(&s, conds, all, bad->n);
        for (size_t i = 0; i < s.set.nrules; i++)
            CHECK(!rule_ok(s.set.rules[i]), "%s: §6.3/§6.6 forbid '%s' but it validates", label,
                  conds[rule_no(s.set.rules[i])]);
        rejected = bad->n;
        session_free(&s);
        free(all);
        free(conds);
    }
    st.matrix_rejected += rejected;
    long c0 = st.conds, e0 = st.evals, t0 = st.trues;
    for (int i = 0; i < ok->n; i += BATCH)
        run_set(label, ok->v + i, ok->n - i < BATCH ? ok->n - i : BATCH, vecs, nvec);
    long e = st.evals - e0;
    printf("%s: %ld valid (left side, operator, modifier, right side) combinations compared "
           "on %d vectors (%ld evaluations, %.0f%% true); %ld forbidden ones rejected\n",
           label, st.conds - c0, nvec, e, e ? 100.0 * (double)(st.trues - t0) / (double)e : 0.0,
           rejected);
    nodes_free(ok);
    nodes_free(bad);
}

static void test_matrix(const struct vec *vecs, int nvec)
{
    struct nodes ok = {0}, bad = {0};
    for (size_t r = 0; r < NELEM(REP_FIELDS) + NREP_XF; r++)
        for (int op = 0; op < O_COUNT; op++)
            for (int mod = 0; mod < M_COUNT; mod++)
                for (int f2f = 0; f2f < 2; f2f++) {
                    if (mod && !op_takes_mod((enum gop)op))
                        continue;
                    if (f2f && (mod || op == O_EXISTS))
                        continue;
                    gx_reset();
                    struct gx *x = rep(r);
                    unsigned fl = x->f ? x->f->flags : 0;
                    bool op_ok = op_allowed(x->k, (enum gop)op) &&
                                 !((fl & F_EVT) && op_is_order((enum gop)op));
                    bool valid = op_ok;
                    /* evt.type with a field on the right is a load error only
                     * for = == != in (§7.1); with other operators it is a
                     * valid, neutral check that this matrix does not build. */
                    if (f2f && (fl & F_EVT) && op != O_EQ && op != O_EQEQ && op != O_NE &&
                        op != O_IN)
                        continue;
                    if (f2f) /* §6.6 */
                        valid = valid && !(fl & F_NOF2F) && x->k != K_NET && x->k != K_LIST &&
                                op != O_PMATCH && op != O_REGEX;
                    struct sb b = {0}, sig = {0};
                    if (!valid) {
                        if (f2f && !op_ok)
                            continue; /* the operator alone is covered */
                        gx_print(&b, x);
                        sb_printf(&b, " %s ", OP_TEXT[op]);
                        if (mod)
                            sb_printf(&b, "%s (%s)", MOD_TEXT[mod], plain_const(x));
                        else if (f2f)
                            sb_add(&b, any_rhs(x));
                        else if (op_is_set((enum gop)op) || op == O_PMATCH)
                            sb_printf(&b, "(%s)", plain_const(x));
                        else if (op_is_order((enum gop)op))
                            sb_add(&b, "1");
                        else if (op != O_EXISTS)
                            sb_add(&b, plain_const(x));
                        nodes_push(&bad, check_node(b.p, NULL));
                        sb_free(&b);
                        continue;
                    }
                    int tries = 0;
                    for (; tries < 20; tries++) {
                        sb_reset(&b);
                        sb_reset(&sig);
                        if (gen_check_with(&b, &sig, x, (enum gop)op, mod, f2f))
                            break;
                    }
                    CHECK(tries < 20, "matrix: no check for %s %s mod %d f2f %d", b.p ? b.p : "?",
                          OP_TEXT[op], mod, f2f);
                    if (tries < 20)
                        nodes_push(&ok, check_node(b.p, sig.p));
                    sb_free(&b);
                    sb_free(&sig);
                }
    matrix_run("matrix", &ok, &bad, vecs, nvec);
}

/* ---- 2. list values ---- */

/*
 * Left sides of every kind built from list values, which diffgen.h does not
 * produce: k is the kind of the whole expression (K_LIST: list-valued),
 * norhs says it reads a field that §6.6 keeps out of comparisons with a
 * field on the right (fd.types, ancestors).
 */
static const struct {
    const char *text;
    enum fk k;
    bool norhs;
} LREP[] = {
    {"tolower(fd.types)", K_LIST, true},
    {"getopt(proc.args, \"nt:\")", K_LIST, false},
    {"basename(getopt(proc.args, \"f:t:\"))", K_LIST, false},
    {"getopt(fd.types, \"t:\")", K_LIST, true},
    {"toupper(getopt(tolower(proc.args), \"nt:\"))", K_LIST, false},
    {"len(getopt(proc.args, \"nt:\"))", K_NUM, false},
    {"len(toupper(fd.types))", K_NUM, true},
    {"join(\",\", (fd.types, proc.apid))", K_STR, true},
    {"join(\"-\", getopt(proc.args, \"nt:\"))", K_STR, false},
    {"getopt(proc.args, \"nt:\")[t]", K_STR, false},
    {"getopt(fd.types, \"t:\")[t]", K_STR, true},
    {"concat(join(\",\", (getopt(proc.args, \"nt:\"), proc.name)), \"x\")", K_STR, false},
};

/* A right side for `LREP op`, valid when the check is. */
static const char *lrep_rhs(enum fk k, enum gop op, int mod, bool f2f)
{
    if (f2f)
        return k == K_LIST  ? "getopt(proc.args, \"t:\")"
               : k == K_NUM ? "val(evt.num)"
                            : "val(proc.pname)";
    if (mod)
        return k == K_NUM ? "(1, 2, 5)" : "(t, n, \"ipv4,file\")";
    if (k == K_NUM)
        return op_is_set(op) ? "(0, 1, 2, 5)" : "2";
    if (op_is_set(op) || op == O_PMATCH)
        return k == K_LIST ? "(n, t, x, ipv4, file, \"?\")" : "(t, ipv4, /tmp, \"ipv4,file\")";
    switch (op) {
    case O_REGEX:
        return "\"[nt5].*\"";
    case O_GLOB:
        return "\"*t*\"";
    case O_IGLOB:
        return "\"*T*\"";
    case O_LT:
    case O_LE:
    case O_GT:
    case O_GE:
        return "1"; /* the grammar wants a number token */
    default:
        return "t";
    }
}

static void test_list_matrix(const struct vec *vecs, int nvec)
{
    struct nodes ok = {0}, bad = {0};
    for (size_t r = 0; r < NELEM(LREP); r++)
        for (int op = 0; op < O_COUNT; op++)
            for (int mod = 0; mod < M_COUNT; mod++)
                for (int f2f = 0; f2f < 2; f2f++) {
                    if (mod && !op_takes_mod((enum gop)op))
                        continue;
                    if (f2f && (mod || op == O_EXISTS))
                        continue;
                    enum fk k = LREP[r].k;
                    bool op_ok = op_allowed(k, (enum gop)op);
                    bool valid = op_ok;
                    if (f2f) /* §6.6 */
                        valid = valid && !LREP[r].norhs && op != O_PMATCH && op != O_REGEX;
                    if (!valid && f2f && !op_ok)
                        continue; /* the operator alone is covered */
                    struct sb b = {0};
                    sb_printf(&b, "%s %s", LREP[r].text, OP_TEXT[op]);
                    if (op != O_EXISTS)
                        sb_printf(&b, " %s%s%s", mod ? MOD_TEXT[mod] : "", mod ? " " : "",
                                  lrep_rhs(k, (enum gop)op, mod, f2f));
                    nodes_push(valid ? &ok : &bad, check_node(b.p, b.p));
                    sb_free(&b);
                }
    matrix_run("list matrix", &ok, &bad, vecs, nvec);
}

/*
 * Random checks over list values, mixed into diffgen.h's conditions. rhs:
 * the expression may face a field on the other side, so it reads no field
 * §6.6 keeps out of that (fd.types, ancestors). Constants come from pools
 * of what these expressions often evaluate to, so that checks hit.
 */
static const char *const P_ARGS[] = {"-n",        "-t 5",         "-nt5",
                                     "-n -t x y", "-t",           "-x -- -t 1",
                                     "file -n",   "-tvalue -n",   "",
                                     "-:",        "-- -n",        "-nnt x y",
                                     "-t a -t b", "-abc",         "-t  two  spaces",
                                     "-T up",     "-n ipv4 file", "-f /tmp/x.sh",
                                     "-c ls",     "-t ipv4 -n",   "-",
                                     "-ft file",  "-nt -x"};
static const char *const P_OPTS[] = {"nt:", "t:", "n", "abc:", "c:t:", "", "nt::", "x:y", "f:t:"};
static const char *const P_LETTER[] = {"t", "n", "c", "f", "x", "?"};
static const char *const P_LELT[] = {
    "n",    "t", "?",  "c",    "5", "x",         "a",     "value", "ls",   "ipv4",     "file",
    "IPV4", "",  "-t", "x.sh", "T", "ipv4,file", "n,t,5", "1",     "bash", "t-ipv4-n", "-nt"};
static const char *const P_LGLOB[] = {"*", "n*", "*,*", "?", "[nt]*", "*4*", "*-*", "*x"};
static const char *const P_SEP[] = {",", "", "-", " "};
static const char *const P_ARGV[] = {"proc.args",          "proc.args",
                                     "proc.args",          "proc.cmdline",
                                     "tolower(proc.args)", "concat(proc.args, \" -n\")"};

#define PICK(a) ((a)[dg_below((unsigned)NELEM(a))])

/* diffgen.h's vector, mostly with proc.args too (option-like words). */
static void gen_vec_args(struct vec *v)
{
    gen_vec(v);
    if (dg_pct(75))
        vec_add(v, "proc.args", PICK(P_ARGS));
}

/* Text into b, its shape (constants as _) into sig. */
static void both(struct sb *b, struct sb *sig, const char *s)
{
    sb_add(b, s);
    sb_add(sig, s);
}

static void konst_str(struct sb *b, struct sb *sig, const char *s, bool may_bare)
{
    emit_str(b, s, may_bare);
    sb_add(sig, "_");
}

static void gen_listx(struct sb *b, struct sb *sig, int depth, bool rhs);

/* getopt(ARGV, OPTS): ARGV a string or, less often, a list. */
static void gen_getopt(struct sb *b, struct sb *sig, int depth, bool rhs)
{
    both(b, sig, "getopt(");
    if (depth >= 2 || dg_pct(75))
        both(b, sig, PICK(P_ARGV));
    else
        gen_listx(b, sig, depth + 1, rhs);
    both(b, sig, ", ");
    konst_str(b, sig, PICK(P_OPTS), false);
    both(b, sig, ")");
}

/* A list-valued expression. */
static void gen_listx(struct sb *b, struct sb *sig, int depth, bool rhs)
{
    unsigned r = dg_below(depth >= 2 ? 60 : 100);
    if (r < 20 && !rhs) {
        both(b, sig, "fd.types");
    } else if (r < 60) {
        gen_getopt(b, sig, depth, rhs);
    } else {
        both(b, sig, r < 75 ? "tolower(" : r < 88 ? "toupper(" : "basename(");
        gen_listx(b, sig, depth + 1, rhs);
        both(b, sig, ")");
    }
}

/* A string made of list values: getopt(...)[x], join() (maybe in concat). */
static void gen_strlx(struct sb *b, struct sb *sig, bool rhs)
{
    if (dg_pct(30)) {
        gen_getopt(b, sig, 1, rhs);
        sb_printf(b, "[%s]", PICK(P_LETTER));
        sb_add(sig, "[_]");
        return;
    }
    bool cat = dg_pct(15);
    if (cat)
        both(b, sig, "concat(");
    both(b, sig, "join(");
    konst_str(b, sig, PICK(P_SEP), false);
    both(b, sig, ", ");
    if (dg_pct(25)) {
        gen_listx(b, sig, 1, rhs); /* the list itself, without parentheses */
    } else {
        both(b, sig, "(");
        unsigned n = dg_below(4);
        for (unsigned i = 0; i < n; i++) {
            if (i)
                both(b, sig, ", ");
            unsigned q = dg_below(100);
            if (q < 45)
                gen_listx(b, sig, 1, rhs);
            else if (q < 62 && !rhs)
                both(b, sig, q < 55 ? "proc.aname" : "proc.apid"); /* every ancestor */
            else if (q < 75)
                both(b, sig, "proc.name");
            else if (q < 85)
                both(b, sig, "fd.num");
            else
                konst_str(b, sig, PICK(P_LELT), false);
        }
        both(b, sig, ")");
    }
    both(b, sig, ")");
    if (cat) {
        both(b, sig, ", ");
        konst_str(b, sig, PICK(P_LELT), false);
        both(b, sig, ")");
    }
}

/* A list of n constants from pool (numbers: bare, as the grammar wants). */
static void konst_list(struct sb *b, struct sb *sig, const char *const *pool, size_t npool,
                       unsigned n, bool num)
{
    sb_add(b, "(");
    sb_add(sig, n ? "(...)" : "()");
    for (unsigned i = 0; i < n; i++) {
        if (i)
            sb_add(b, ", ");
        const char *k = pool[dg_below((unsigned)npool)];
        if (num)
            sb_add(b, k);
        else
            emit_str(b, k, true);
    }
    sb_add(b, ")");
}

static void gen_list_check(struct sb *b, struct sb *sig)
{
    static const char *const NUMS[] = {"0", "1", "2", "3", "4", "5"};
    static const char *const SOPS[] = {"=",    "!=", "contains",  "startswith", "endswith",
                                       "glob", "in", "icontains", "exists"};
    static const char *const NOPS[] = {"=", "!=", "<", "<=", ">", ">=", "in"};
    unsigned r = dg_below(100);
    bool f2f = dg_pct(20);
    const char *op;
    if (r < 40) { /* a list on the left */
        gen_listx(b, sig, 0, f2f);
        if (!f2f && dg_pct(6)) {
            both(b, sig, " exists");
            return;
        }
        op = dg_pct(50) ? " in " : " intersects ";
        both(b, sig, op);
        if (f2f)
            gen_listx(b, sig, 0, true);
        else
            konst_list(b, sig, P_LELT, NELEM(P_LELT), dg_below(5), false);
        return;
    }
    if (r < 75) { /* a string made of lists */
        gen_strlx(b, sig, f2f);
        op = f2f ? SOPS[dg_below(6)] : PICK(SOPS);
        sb_printf(b, " %s", op);
        sb_printf(sig, " %s", op);
        if (!strcmp(op, "exists"))
            return;
        both(b, sig, " ");
        if (f2f) {
            if (dg_pct(50))
                both(b, sig, "val(proc.name)");
            else
                gen_strlx(b, sig, true);
        } else if (!strcmp(op, "in")) {
            konst_list(b, sig, P_LELT, NELEM(P_LELT), 1 + dg_below(4), false);
        } else {
            bool glob = !strcmp(op, "glob");
            konst_str(b, sig, glob ? PICK(P_LGLOB) : PICK(P_LELT), !glob);
        }
        return;
    }
    /* len() of a list: a uint64 */
    both(b, sig, "len(");
    gen_listx(b, sig, 0, f2f);
    op = f2f ? NOPS[dg_below(6)] : PICK(NOPS);
    sb_printf(b, ") %s ", op);
    sb_printf(sig, ") %s ", op);
    if (f2f) {
        if (dg_pct(40)) {
            both(b, sig, "val(evt.num)");
        } else {
            both(b, sig, "len(");
            gen_listx(b, sig, 0, true);
            both(b, sig, ")");
        }
    } else if (!strcmp(op, "in")) {
        konst_list(b, sig, NUMS, NELEM(NUMS), 1 + dg_below(3), true);
    } else {
        sb_add(b, PICK(NUMS));
        sb_add(sig, "_");
    }
}

/* Replaces some checks of a random condition by checks over list values;
 * true when it did. */
static bool mix_lists(struct cnode *c)
{
    bool mixed = false;
    for (int i = 0; i < c->n; i++)
        mixed |= mix_lists(c->kid[i]);
    if (c->k != C_CHECK || !dg_pct(12))
        return mixed;
    struct sb b = {0}, sig = {0};
    sb_addn(&b, "", 0);
    sb_addn(&sig, "", 0);
    gen_list_check(&b, &sig);
    free(c->text);
    free(c->sig);
    c->text = b.p;
    c->sig = sig.p;
    return true;
}

/* What code generation refused before it had list values (and modifiers on
 * numbers and addresses): each must build now and agree. */
static void test_formerly_refused(const struct vec *vecs, int nvec)
{
    static const char *const conds[] = {
        "getopt(proc.args, \"nt:\")[t] = x",
        "getopt(proc.args, \"nt:\") in (n)",                /* getopt() without [x] */
        "getopt(proc.args, \"nt:\") intersects (t, \"?\")", /* ... a list */
        "getopt(fd.types, \"t:\")[t] = ipv4",               /* ... over a list */
        "len(fd.types) = 1",
        "len(getopt(proc.args, \"nt:\")) > 2",
        "tolower(fd.types) in (ipv4)", /* transformers over lists */
        "basename(getopt(proc.args, \"f:\")) intersects (x.sh)",
        "join(\",\", (fd.types)) = ipv4", /* several values inside a transformer */
        "join(\",\", (proc.aname, proc.apid)) contains bash",
        "join(\"-\", getopt(proc.args, \"nt:\")) startswith n",
        "getopt(proc.args, \"t:\") in getopt(proc.args, \"nt:\")", /* list against list */
        "getopt(proc.args, \"nt:\") intersects toupper(getopt(proc.args, \"t:\"))",
        "fd.num = oneof (1, 2)", /* modifiers on numbers and addresses */
        "evt.is_open_write = anyof (true)",
        "fd.sip = anyof (10.0.0.1)",
        "fd.snet != allof (10.0.0.0/8)",
        "fd.port = anyof (22)",
        "fd.ip = anyof (10.0.0.1)",
        "proc.apid = oneof (1)",
    };
    struct cnode *c[NELEM(conds)];
    for (size_t i = 0; i < NELEM(conds); i++)
        c[i] = check_node(conds[i], conds[i]);
    long c0 = st.conds, e0 = st.evals;
    run_set("formerly refused", c, (int)NELEM(conds), vecs, nvec);
    CHECK(st.conds - c0 == (long)NELEM(conds), "formerly refused: %ld of %zu compared",
          st.conds - c0, NELEM(conds));
    printf("formerly refused constructs: %ld of %zu compared (%ld evaluations)\n", st.conds - c0,
           NELEM(conds), st.evals - e0);
    for (size_t i = 0; i < NELEM(conds); i++)
        cn_free(c[i]);
}

/* ---- 3. regression cases ---- */

struct fixed {
    const char *cond;
    const char *kv[12]; /* key, value, ... */
};

/*
 * Minimal reproducers of the disagreements and refusals this test found
 * (all fixed by "Differential fixes", d67e38e); they guard the fixes. Each
 * comment says what went wrong and which side §6 supported.
 */
static const struct fixed REGRESSIONS[] = {
    /* A field on the right of bcontains/bstartswith: the reference
     * hex-decoded the field's value, compiled code compares its raw bytes
     * (§5.4/§6.2: only a constant is hex) -> compiled was right. */
    {"evt.buffer bcontains val(evt.buffer)", {"evt.buffer", "HELLO"}},
    {"evt.buffer bstartswith val(evt.buffer)", {"evt.buffer", "aGVsbG8="}},
    {"b64(evt.buffer) bcontains b64(evt.buffer)", {"evt.buffer", "ZWxm"}},
    /* fd.net with a modifier: compiled code kept only the first network
     * (the upstream quirk of `in`, §6.4); §6.3 modifiers range over the
     * whole list -> the reference was right. */
    {"fd.net = anyof (10.0.0.0/8, 192.168.0.0/16)", {"fd.cip", "192.168.1.10"}},
    {"fd.net != allof (10.0.0.0/8, fe80::/10)", {"fd.sip", "10.1.2.3"}},
    /* An empty modifier list is false (§6.3), for != too; the reference
     * negated `= oneof ()` on fd.net -> compiled was right. */
    {"fd.net != oneof ()", {"fd.cip", "2001:db8::1"}},
    {"fd.net != allof ()", {"fd.sip", "10.1.2.3"}},
    /* regex is RE2 on UTF-8 (§6.3): '.' is one character; the reference
     * matched bytes -> compiled was right. */
    {"proc.name regex \"caf.\"", {"proc.name", "caf\xc3\xa9"}},
    /* b64 of "aGVs=" ('=' after a complete quantum): the reference
     * rejected it, compiled code decoded "hel"; §6.5 says only "padding
     * optional". */
    {"b64(proc.name) = hel", {"proc.name", "aGVs="}},
    /* A PORT constant with a sign validated, the reference never matched
     * it, compiled code compared with 0, and as a set item it did not build
     * (§6.2: digits or a service name). */
    {"fd.sport >= +0", {"fd.sport", "2222"}},
    {"fd.proto = +22", {"fd.sport", "0"}},
    {"fd.sport in (+22)", {"fd.sport", "22"}},
    /* `in` on a list field: cg.c loop() emitted IR that did not verify (the
     * icmp on the count came after the phi that used it). */
    {"fd.types in (ipv4)", {"fd.types", "ipv4"}},
};

/* Edge cases of list values (interp.c's semantics, rules-language.md §6.3,
 * §6.5) that compiled code must keep. */
static const struct fixed LIST_CASES[] = {
    /* an empty list is vacuously `in` anything, never `intersects` */
    {"getopt(proc.args, \"nt:\") in (x)", {"proc.args", "file -n"}},
    {"getopt(proc.args, \"nt:\") intersects (n)", {"proc.args", "-- -n"}},
    /* an option missing its argument gets an empty one; the next word is
     * taken even when it looks like an option */
    {"getopt(proc.args, \"t:\")[t] = \"\"", {"proc.args", "-t"}},
    {"len(getopt(proc.args, \"nt:\")) = 3", {"proc.args", "-nt -x"}},
    /* an unknown option reads as '?' */
    {"getopt(proc.args, \"n\") in (\"?\", n)", {"proc.args", "-xn"}},
    /* an empty list inside join adds no part, so no separator */
    {"join(\",\", (getopt(proc.args, \"n\"), proc.name)) = bash",
     {"proc.args", "file", "proc.name", "bash"}},
    /* ancestors inside join: every one, numbers as signed text */
    {"join(\",\", (proc.apid)) = \"-1,4242\"", {"proc.apid[1]", "-1", "proc.apid[2]", "4242"}},
    /* a list on the right: `in` wants every left element there */
    {"getopt(proc.args, \"t:\") in getopt(proc.args, \"nt:\")", {"proc.args", "-t a -n"}},
    {"getopt(proc.args, \"nt:\") in getopt(proc.args, \"t:\")", {"proc.args", "-t a -n"}},
};

static void test_regressions(void)
{
    size_t nreg = NELEM(REGRESSIONS);
    for (size_t i = 0; i < nreg + NELEM(LIST_CASES); i++) {
        const struct fixed *f = i < nreg ? &REGRESSIONS[i] : &LIST_CASES[i - nreg];
        struct vec v = {0};
        for (int k = 0; k < 12 && f->kv[k]; k += 2)
            vec_add(&v, f->kv[k], f->kv[k + 1]);
        struct cnode *c = check_node(f->cond, f->cond);
        char label[32];
        snprintf(label, sizeof(label), "regression %zu", i);
        run_set(label, &c, 1, &v, 1);
        cn_free(c);
    }
}

/* ---- 4. random conditions ---- */

static void test_random(long total, int batch_size)
{
    struct vec vecs[VECS];
    struct cnode *trees[BATCH_MAX];
    long start = st.conds, made = 0, with_lists = 0;
    long e0 = st.evals, t0 = st.trues;
    double tm = now();
    /* Until `total` conditions were compared (refused ones are failures
     * already and do not count), within reason. */
    for (long batch = 0; st.conds - start < total && made < total + total / 4; batch++) {
        long left = total - (st.conds - start);
        int n = left < batch_size ? (int)left : batch_size;
        for (int i = 0; i < n; i++) {
            trees[i] = gen_cond(0);
            with_lists += mix_lists(trees[i]);
        }
        made += n;
        for (int i = 0; i < VECS; i++)
            gen_vec_args(&vecs[i]);
        char label[48];
        snprintf(label, sizeof(label), "random batch %ld", batch);
        run_set(label, trees, n, vecs, VECS);
        for (int i = 0; i < n; i++)
            cn_free(trees[i]);
    }
    long e = st.evals - e0;
    printf("random: %ld conditions compared on %d vectors each (%ld evaluations, %.1f%% true; "
           "%ld of %ld generated with list values), %.1f s\n",
           st.conds - start, VECS, e, e ? 100.0 * (double)(st.trues - t0) / (double)e : 0.0,
           with_lists, made, now() - tm);
    CHECK(st.conds - start >= total, "only %ld of %ld random conditions were compared",
          st.conds - start, total);
}

/* ---- triage ---- */

static void collect_checks(const struct cnode *c, struct nodes *out)
{
    if (c->k == C_CHECK)
        nodes_push(out, check_node(c->text, c->sig ? c->sig : c->text));
    for (int i = 0; i < c->n; i++)
        collect_checks(c->kid[i], out);
}

/* Is vector key k read by the text of a check? (for shrinking vectors) */
static bool key_related(const char *key, const char *text)
{
    static const char *const alias[][3] = {
        {"fd.cip", "fd.ip", "fd.net"},       {"fd.sip", "fd.ip", "fd.net"},
        {"fd.cport", "fd.port", "fd.proto"}, {"fd.sport", "fd.port", "fd.proto"},
        {"fd.sip", "fd.snet", NULL},         {"fd.cip", "fd.cnet", NULL},
    };
    char base[64];
    snprintf(base, sizeof(base), "%.*s", (int)strcspn(key, "["), key);
    if (strstr(text, base))
        return true;
    for (size_t i = 0; i < NELEM(alias); i++)
        if (!strcmp(key, alias[i][0]) &&
            (strstr(text, alias[i][1]) || (alias[i][2] && strstr(text, alias[i][2]))))
            return true;
    return false;
}

/* Shrinks v while `cond` keeps the verdicts want on it. */
static void shrink_vec(const char *cond, struct vec *v, struct triple want)
{
    char err[600];
    struct vec w = {0};
    for (int i = 0; i < v->n; i++)
        if (key_related(v->e[i].key, cond))
            w.e[w.n++] = v->e[i];
    if (w.n < v->n && triple_eq(eval_one(cond, &w, err, sizeof(err)), want))
        *v = w;
    for (int i = 0; i < v->n;) {
        w = *v;
        memmove(&w.e[i], &w.e[i + 1], (size_t)(w.n - i - 1) * sizeof(w.e[0]));
        w.n--;
        if (triple_eq(eval_one(cond, &w, err, sizeof(err)), want))
            *v = w;
        else
            i++;
    }
}

/* Candidate i of the one-step simplifications of c (a fresh tree), or NULL
 * past the last: a node replaced by one of its children, or one child
 * dropped from an and/or of more than two. */
static struct cnode *shrink_nth(const struct cnode *c, int *i)
{
    if (c->k == C_CHECK)
        return NULL;
    for (int k = 0; k < c->n; k++)
        if ((*i)-- == 0)
            return cn_copy(c->kid[k]);
    if (c->n > 2)
        for (int k = 0; k < c->n; k++)
            if ((*i)-- == 0) {
                struct cnode *d = cn_copy(c);
                cn_free(d->kid[k]);
                memmove(&d->kid[k], &d->kid[k + 1], (size_t)(d->n - k - 1) * sizeof(d->kid[0]));
                d->n--;
                return d;
            }
    for (int k = 0; k < c->n; k++) {
        struct cnode *sub = shrink_nth(c->kid[k], i);
        if (sub) {
            struct cnode *d = cn_copy(c);
            cn_free(d->kid[k]);
            d->kid[k] = sub;
            return d;
        }
    }
    return NULL;
}

/* Shrinks a tree while keep(text, arg) holds. */
static struct cnode *shrink_tree(struct cnode *c, bool (*keep)(const char *, const void *),
                                 const void *arg)
{
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = 0;; i++) {
            int k = i;
            struct cnode *cand = shrink_nth(c, &k);
            if (!cand)
                break;
            struct sb t = {0};
            cn_print(&t, cand);
            bool ok = keep(t.p, arg);
            sb_free(&t);
            if (ok) {
                cn_free(c);
                c = cand;
                changed = true;
                break;
            }
            cn_free(cand);
        }
    }
    return c;
}

struct keep_dis {
    const struct vec *v;
    struct triple want;
};

static bool keep_disagreement(const char *cond, const void *arg)
{
    const struct keep_dis *k = arg;
    char err[600];
    return triple_eq(eval_one(cond, k->v, err, sizeof(err)), k->want);
}

static bool keep_refusal(const char *cond, const void *arg)
{
    char *c = (char *)cond, err[600];
    int bad, nbad;
    bool suspects;
    if (cheap_build(&c, (int[]){0}, 1, &bad, &nbad, &suspects, err, sizeof(err)))
        return false;
    const char *want = arg;
    size_t n = strcspn(want, "(\n");
    return !strncmp(err, want, n);
}

/* A reproducer: a rules file and a `falcoc test` cases file. */
static void print_repro(const char *cond, const struct vec *v, struct triple t)
{
    struct sb f = {0};
    sb_addn(&f, "", 0);
    vec_print(&f, v, "    ");
    fprintf(stderr,
            "  verdicts: reference %s, -O0 %s, -O2 %s\n"
            "  reproducer (repro.yaml, then cases.yaml for falcoc test):\n"
            "- rule: repro\n  desc: d\n  output: o\n  priority: INFO\n  warn_evttypes: false\n"
            "  condition: |\n    %s\n"
            "---\n- name: repro\n  fields:\n%s  match: [%s]\n",
            vname(t.ref), vname(t.o0), vname(t.o2), cond, f.p, t.ref == V_TRUE ? "repro" : "");
    sb_free(&f);
}

struct group {
    char *sig;
    long count;
    const char *example; /* a check text */
    int rec;             /* the record it came from */
};

static int group_add(struct group *g, int *ng, const char *sig, const char *example, int rec)
{
    int i;
    for (i = 0; i < *ng && strcmp(g[i].sig, sig); i++)
        ;
    if (i == *ng) {
        if (*ng == MAX_RECS)
            return -1;
        g[i] = (struct group){dg_strdup(sig), 0, example, rec};
        (*ng)++;
    }
    return i;
}

static int by_count(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    return x->count < y->count ? 1 : x->count > y->count ? -1 : strcmp(x->sig, y->sig);
}

static struct group groups[MAX_RECS];

/* Every check of every record's condition, into items; returns, for each
 * item, the record it came from. */
static int *checks_of(const struct rec *recs, int n, struct nodes *items)
{
    int *rec_of = NULL;
    for (int r = 0; r < n; r++) {
        int from = items->n;
        collect_checks(recs[r].tree, items);
        rec_of = realloc(rec_of, (size_t)(items->n ? items->n : 1) * sizeof(int));
        if (!rec_of)
            exit(2);
        for (int i = from; i < items->n; i++)
            rec_of[i] = r;
    }
    return rec_of;
}

static void triage_disagreements(void)
{
    if (!ndis)
        return;
    /* every check of every failing condition, alone on that condition's vector */
    struct nodes items = {0};
    int *rec_of = checks_of(dis, ndis, &items);
    char **conds = xcalloc((size_t)items.n, sizeof(char *));
    int *idx = xcalloc((size_t)items.n, sizeof(int));
    for (int i = 0; i < items.n; i++) {
        conds[i] = items.v[i]->text;
        idx[i] = i;
    }
    bool *culprit_found = xcalloc((size_t)ndis, sizeof(bool));
    int ng = 0;
    for (int from = 0; from < items.n;) {
        /* in sets of whole records, at most BATCH checks (or one record) */
        int to = from;
        while (to < items.n && (to - from < BATCH || rec_of[to] == rec_of[to - 1]))
            to++;
        struct built b;
        char err[600];
        if (built_make(&b, conds, idx + from, to - from, err, sizeof(err))) {
            bool *ref = xcalloc((size_t)b.n, sizeof(bool)),
                 *c0 = xcalloc((size_t)b.n, sizeof(bool)), *c2 = xcalloc((size_t)b.n, sizeof(bool)),
                 *skip = xcalloc((size_t)b.n, sizeof(bool));
            for (int i = from; i < to; i++) {
                if (i > from && rec_of[i] == rec_of[i - 1])
                    continue;
                int r = rec_of[i];
                built_eval(&b, &dis[r].v, ref, c0, c2, skip);
                for (int k = i; k < to && rec_of[k] == r; k++) {
                    int slot = b.slot_of_no[k];
                    if (slot < 0 || skip[slot] || (ref[slot] == c0[slot] && ref[slot] == c2[slot]))
                        continue;
                    culprit_found[r] = true;
                    int g = group_add(groups, &ng, items.v[k]->sig, items.v[k]->text, r);
                    if (g >= 0)
                        groups[g].count++;
                }
            }
            free(ref);
            free(c0);
            free(c2);
            free(skip);
        }
        built_free(&b);
        from = to;
    }
    qsort(groups, (size_t)ng, sizeof(*groups), by_count);
    fprintf(stderr,
            "\n==== TRIAGE: %d disagreements kept (of %ld); checks that disagree alone, by "
            "shape (count = such checks in failing conditions):\n",
            ndis, st.disagree);
    for (int g = 0; g < ng; g++) {
        if (g >= MAX_GROUPS) {
            if (g == MAX_GROUPS)
                fprintf(stderr, "(%d more groups)\n", ng - g);
            free(groups[g].sig);
            continue;
        }
        struct rec *r = &dis[groups[g].rec];
        char err[600];
        struct triple t = eval_one(groups[g].example, &r->v, err, sizeof(err));
        struct vec v = r->v;
        shrink_vec(groups[g].example, &v, t);
        fprintf(stderr, "\n--- [%ld] %s\n  example (seed %llu, %s): %s\n", groups[g].count,
                groups[g].sig, (unsigned long long)seed, r->where, groups[g].example);
        print_repro(groups[g].example, &v, t);
        printf("disagreement group [%ld]: %s\n", groups[g].count, groups[g].sig);
        free(groups[g].sig);
    }
    /* failing conditions none of whose checks fails alone */
    int shown = 0;
    for (int r = 0; r < ndis; r++) {
        if (culprit_found[r] || shown++ >= 3)
            continue;
        struct keep_dis k = {&dis[r].v, dis[r].t};
        struct cnode *m = shrink_tree(cn_copy(dis[r].tree), keep_disagreement, &k);
        struct sb c = {0};
        cn_print(&c, m);
        struct vec v = dis[r].v;
        shrink_vec(c.p, &v, dis[r].t);
        fprintf(stderr, "\n--- no single check disagrees (seed %llu, %s); minimised:\n",
                (unsigned long long)seed, dis[r].where);
        print_repro(c.p, &v, dis[r].t);
        printf("disagreement without a failing check: %s\n", c.p);
        sb_free(&c);
        cn_free(m);
    }
    if (shown > 3)
        fprintf(stderr, "(%d more disagreements without a failing check)\n", shown - 3);
    free(culprit_found);
    free(conds);
    free(idx);
    free(rec_of);
    nodes_free(&items);
}

struct refused_ctx {
    struct nodes *items;
    int *rec_of;
    bool *found;
    int ng;
};

/* Refusals group by error, "constant N: " dropped. */
static void item_refused(void *arg, int no, const char *err)
{
    struct refused_ctx *rc = arg;
    int r = rc->rec_of[no];
    rc->found[r] = true;
    const char *key = err;
    if (!strncmp(key, "constant ", 9) && strchr(key, ':'))
        key = strchr(key, ':') + 2;
    int g = group_add(groups, &rc->ng, key, rc->items->v[no]->text, r);
    if (g >= 0)
        groups[g].count++;
}

static void triage_refusals(void)
{
    if (!nunb)
        return;
    struct nodes items = {0};
    int *rec_of = checks_of(unb, nunb, &items);
    char **conds = xcalloc((size_t)items.n, sizeof(char *));
    int *idx = xcalloc((size_t)items.n, sizeof(int));
    for (int i = 0; i < items.n; i++)
        conds[i] = items.v[i]->text;
    struct refused_ctx rc = {&items, rec_of, xcalloc((size_t)nunb, sizeof(bool)), 0};
    for (int from = 0; from < items.n; from += BATCH_MAX) {
        int n = items.n - from < BATCH_MAX ? items.n - from : BATCH_MAX;
        for (int i = 0; i < n; i++)
            idx[i] = from + i;
        screen(conds, idx, n, item_refused, &rc);
    }
    qsort(groups, (size_t)rc.ng, sizeof(*groups), by_count);
    fprintf(stderr,
            "\n==== TRIAGE: %d refusals kept (of %ld); checks refused alone, by error (count = "
            "refused checks):\n",
            nunb, st.unbuilt);
    for (int g = 0; g < rc.ng; g++) {
        if (g < MAX_GROUPS) {
            fprintf(stderr, "\n--- [%ld] %s\n  example (seed %llu, %s): %s\n", groups[g].count,
                    groups[g].sig, (unsigned long long)seed, unb[groups[g].rec].where,
                    groups[g].example);
            printf("refusal group [%ld]: %s (e.g. %s)\n", groups[g].count, groups[g].sig,
                   groups[g].example);
        }
        free(groups[g].sig);
    }
    int shown = 0;
    for (int r = 0; r < nunb; r++) {
        if (rc.found[r] || shown++ >= 3)
            continue;
        struct cnode *m = shrink_tree(cn_copy(unb[r].tree), keep_refusal, unb[r].err);
        struct sb c = {0};
        cn_print(&c, m);
        fprintf(stderr, "\n--- no single check is refused (%s); minimised: %s\n  error: %s\n",
                unb[r].where, c.p, unb[r].err);
        printf("refusal without a refused check: %s\n", c.p);
        sb_free(&c);
        cn_free(m);
    }
    free(rc.found);
    free(conds);
    free(idx);
    free(rec_of);
    nodes_free(&items);
}

int main(void)
{
    const char *e = getenv("FALCOC_DIFF_SEED");
    seed = e && *e ? strtoull(e, NULL, 0) : DEFAULT_SEED;
    e = getenv("FALCOC_DIFF_N");
    long total = e && *e ? strtol(e, NULL, 0) : DEFAULT_N;
    printf("test_diff: seed %llu (FALCOC_DIFF_SEED), %ld random conditions (FALCOC_DIFF_N)\n",
           (unsigned long long)seed, total);
    fflush(stdout);
    dg_seed(seed);
    for (size_t i = 0; i < NELEM(P_EVT); i++)
        CHECK(ev_code_by_name(P_EVT[i]) >= 0, "pool event %s is unknown", P_EVT[i]);
    double t0 = now();

    struct vec fv[MATRIX_VECS];
    for (int i = 0; i < MATRIX_VECS; i++)
        gen_vec_args(&fv[i]);
    test_matrix(fv, MATRIX_VECS);
    test_list_matrix(fv, MATRIX_VECS);
    test_formerly_refused(fv, MATRIX_VECS);
    test_regressions();
    e = getenv("FALCOC_DIFF_BATCH");
    int batch = e && *e ? atoi(e) : BATCH;
    test_random(total, batch < 1 ? 1 : batch > BATCH_MAX ? BATCH_MAX : batch);

    printf("total: %ld conditions compared, %ld evaluations (each at -O0 and -O2): %ld "
           "disagreements, %ld valid conditions not built, %ld generated conditions invalid; "
           "%.1f s\n",
           st.conds, st.evals, st.disagree, st.unbuilt, st.gen_bad, now() - t0);
    if (getenv("FALCOC_DIFF_VERBOSE"))
        printf("time: jit_build %.1f s (-O2 %.1f s), screening %.1f s, evaluation %.1f s\n",
               st.t_jit, st.t_o2, st.t_pre, st.t_eval);
    fflush(stdout);
    triage_disagreements();
    triage_refusals();
    for (int i = 0; i < ndis; i++)
        cn_free(dis[i].tree);
    for (int i = 0; i < nunb; i++) {
        cn_free(unb[i].tree);
        free(unb[i].err);
    }
    printf("test_diff: seed %llu, %.1f s\n", (unsigned long long)seed, now() - t0);
    return th_done();
}
