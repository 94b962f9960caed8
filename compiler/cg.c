/*
 * cg.c - lowering checked rule conditions to LLVM IR (see cg.h).
 *
 * Input: a session whose rules resolved and type-checked. Output: one module
 * with a function per rule (`rule.N`, the condition as branches with
 * short-circuit and/or/not) and the dispatch `fc_match`, a switch on the
 * event type whose cases call, in load order, the rules indexed under that
 * type. Checks compile to: field reads through fc_rt_get, inline compares
 * for numbers and for string equality/prefix/suffix against constants, and
 * calls to the runtime's kernels (fc_konst.h) for everything that needs a
 * prebuilt constant (sets, globs, tries, regexes, modifiers, addresses).
 * Multi-valued reads against constants loop over fc_rt_get's positions;
 * everything else list-valued (getopt(), transformers over lists, lists on
 * both sides, several values inside join) is a list value (fc_abi.h) that
 * the runtime builds and the code loops over.
 * The semantics are the reference evaluator's (interp.c); tests compare the
 * two on every case and on random conditions.
 */
#include "cg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fc_fields.h"

struct cg {
    struct session *s;
    LLVMContextRef c;
    LLVMModuleRef m;
    LLVMBuilderRef b;
    LLVMTypeRef i1, i8, i32, i64, p8, val, pval;
    LLVMTypeRef t_get, t_count, t_xf, t_join, t_k, t_cmp, t_memcmp, t_text, t_getopt, t_countv;
    LLVMValueRef f_get, f_count, f_xf, f_join, f_kstr, f_knum, f_kip, f_cmp, f_memcmp, f_text,
        f_getopt, f_countv, f_list;
    LLVMValueRef fn, ctx; /* current function and its context argument */
    struct cg_rules *out;
    uint32_t capf, capk;
    const struct rl_rule *rule; /* being lowered, for messages */
    uint32_t *used;             /* fields the rule being lowered reads */
    uint32_t nused, capused;
    bool failed;
};

LLVMTypeRef cg_val_type(LLVMContextRef c)
{
    LLVMTypeRef t = LLVMGetTypeByName2(c, "fc_val");
    if (t)
        return t;
    /* Mirrors struct fc_val field by field; test_cg checks the offsets. */
    t = LLVMStructCreateNamed(c, "fc_val");
    LLVMTypeRef i8 = LLVMInt8TypeInContext(c);
    LLVMTypeRef el[] = {
        LLVMPointerType(i8, 0), LLVMInt64TypeInContext(c), LLVMArrayType(i8, 16), i8, i8, i8,
        LLVMArrayType(i8, 5)};
    LLVMStructSetBody(t, el, 7, 0);
    return t;
}

static void fail(struct cg *g, const struct ast_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct cg *g, const struct ast_node *at, const char *fmt, ...)
{
    if (g->failed)
        return;
    g->failed = true;
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    const struct res_rule *rr = g->rule->resolved;
    struct src_pos p = item_pos(g->rule->item);
    if (at && rr && at->end <= mt_len(&rr->text))
        p = mt_pos(&rr->text, at->start, p);
    struct diag *d = diag_add(&g->s->diags, DIAG_CG_UNSUPPORTED, p, 1, "%s", msg);
    diag_loc(d, "rule", g->rule->name, item_pos(g->rule->item));
}

/* ---- declarations of the runtime ---- */

static LLVMValueRef declare(struct cg *g, const char *name, LLVMTypeRef ty, bool pure)
{
    LLVMValueRef f = LLVMAddFunction(g->m, name, ty);
    static const char *const attrs[] = {"nounwind", "willreturn", "readonly"};
    for (size_t i = 0; i < (pure ? 3u : 2u); i++) {
        unsigned kind = LLVMGetEnumAttributeKindForName(attrs[i], strlen(attrs[i]));
        LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
                                LLVMCreateEnumAttribute(g->c, kind, 0));
    }
    return f;
}

static void declare_runtime(struct cg *g)
{
    LLVMTypeRef a_get[] = {g->p8, g->i32, g->i32};
    g->t_get = LLVMFunctionType(g->pval, a_get, 3, 0);
    g->f_get = declare(g, "fc_rt_get", g->t_get, true);
    g->f_list = declare(g, "fc_rt_list", g->t_get, false);
    g->t_count = LLVMFunctionType(g->i32, a_get, 2, 0);
    g->f_count = declare(g, "fc_rt_count", g->t_count, true);
    LLVMTypeRef a_xf[] = {g->p8, g->i32, g->i32, g->pval};
    g->t_xf = LLVMFunctionType(g->pval, a_xf, 4, 0);
    g->f_xf = declare(g, "fc_rt_xf", g->t_xf, false);
    LLVMTypeRef a_join[] = {g->p8, g->pval, g->i32, LLVMPointerType(g->pval, 0)};
    g->t_join = LLVMFunctionType(g->pval, a_join, 4, 0);
    g->f_join = declare(g, "fc_rt_join", g->t_join, false);
    LLVMTypeRef a_text[] = {g->p8, g->i32, g->pval};
    g->t_text = LLVMFunctionType(g->pval, a_text, 3, 0);
    g->f_text = declare(g, "fc_rt_text", g->t_text, false);
    /* C bool comes back as an i8 that is 0 or 1. */
    LLVMTypeRef a_k[] = {g->p8, g->i32, g->pval};
    g->t_k = LLVMFunctionType(g->i8, a_k, 3, 0);
    g->f_kstr = declare(g, "fc_k_str", g->t_k, true);
    g->f_knum = declare(g, "fc_k_num", g->t_k, true);
    g->f_kip = declare(g, "fc_k_ip", g->t_k, true);
    LLVMTypeRef a_cmp[] = {g->i32, g->i32, g->pval, g->pval};
    g->t_cmp = LLVMFunctionType(g->i8, a_cmp, 4, 0);
    g->f_cmp = declare(g, "fc_cmp_vals", g->t_cmp, true);
    LLVMTypeRef a_go[] = {g->p8, g->pval, g->pval, g->i32};
    g->t_getopt = LLVMFunctionType(g->pval, a_go, 4, 0);
    g->f_getopt = declare(g, "fc_rt_getopt", g->t_getopt, false);
    LLVMTypeRef a_cv[] = {g->p8, g->i32};
    g->t_countv = LLVMFunctionType(g->pval, a_cv, 2, 0);
    g->f_countv = declare(g, "fc_rt_count_val", g->t_countv, false);
    LLVMTypeRef a_mc[] = {g->p8, g->p8, g->i64};
    g->t_memcmp = LLVMFunctionType(g->i32, a_mc, 3, 0);
    g->f_memcmp = declare(g, "memcmp", g->t_memcmp, true);
}

/* ---- tables: field references and constants ---- */

static void note_use(struct cg *g, uint32_t fref)
{
    for (uint32_t i = 0; i < g->nused; i++)
        if (g->used[i] == fref)
            return;
    if (g->nused == g->capused) {
        g->capused = g->capused ? g->capused * 2 : 16;
        g->used = arena_realloc(&g->s->arena, g->used, g->nused * sizeof(*g->used),
                                g->capused * sizeof(*g->used));
    }
    g->used[g->nused++] = fref;
}

static uint32_t fref_slot(struct cg *g, const struct fc_field_ref *r);

static uint32_t fref_index(struct cg *g, const struct fc_field_ref *r)
{
    uint32_t i = fref_slot(g, r);
    note_use(g, i);
    return i;
}

static uint32_t fref_slot(struct cg *g, const struct fc_field_ref *r)
{
    struct cg_rules *o = g->out;
    for (uint32_t i = 0; i < o->nfrefs; i++) {
        const struct fc_fref *f = &o->frefs[i];
        if (f->field == (uint32_t)r->field->id && f->argkind == (uint32_t)r->argkind &&
            f->index == r->index && f->key_len == r->key_len &&
            (!r->key_len || !memcmp(f->key, r->key, r->key_len)))
            return i;
    }
    if (o->nfrefs == g->capf) {
        g->capf = g->capf ? g->capf * 2 : 32;
        o->frefs = arena_realloc(&g->s->arena, o->frefs, o->nfrefs * sizeof(*o->frefs),
                                 g->capf * sizeof(*o->frefs));
    }
    struct fc_fref *f = &o->frefs[o->nfrefs];
    f->field = r->field->id;
    f->argkind = r->argkind;
    f->index = r->index;
    f->key = r->key ? arena_strndup(&g->s->arena, r->key, r->key_len) : NULL;
    f->key_len = (uint32_t)r->key_len;
    f->type = r->type;
    return o->nfrefs++;
}

static uint32_t fref_of(struct cg *g, const struct ast_node *f, const char *name)
{
    struct fc_field_ref r =
        fc_field_resolve(name, strlen(name), f->arg.s, f->arg.len, f->has_arg, NULL, 0);
    return fref_index(g, &r);
}

static uint32_t konst(struct cg *g, uint32_t kind, const struct ast_node *n, uint32_t type,
                      const struct ast_node *items, size_t first_only)
{
    struct cg_rules *o = g->out;
    if (o->nk == g->capk) {
        g->capk = g->capk ? g->capk * 2 : 32;
        o->k = arena_realloc(&g->s->arena, o->k, o->nk * sizeof(*o->k), g->capk * sizeof(*o->k));
    }
    size_t cnt = items->kind == AST_LIST ? items->nkids : 1;
    if (first_only && cnt > 1)
        cnt = 1;
    const char **v = arena_alloc(&g->s->arena, (cnt + 1) * sizeof(*v));
    uint32_t *lens = arena_alloc(&g->s->arena, (cnt + 1) * sizeof(*lens));
    for (size_t i = 0; i < cnt; i++) {
        const struct ast_node *k = items->kind == AST_LIST ? items->kids[i] : items;
        v[i] = k->str.s;
        lens[i] = (uint32_t)k->str.len;
    }
    o->k[o->nk] = (struct fc_kdesc){kind, n->op, n->mod, type, (uint32_t)cnt, v, lens};
    return o->nk++;
}

/* ---- IR helpers ---- */

static LLVMBasicBlockRef block(struct cg *g, const char *name)
{
    return LLVMAppendBasicBlockInContext(g->c, g->fn, name);
}

static LLVMValueRef c32(struct cg *g, uint64_t v)
{
    return LLVMConstInt(g->i32, v, 0);
}
static LLVMValueRef c1(struct cg *g, bool v)
{
    return LLVMConstInt(g->i1, v, 0);
}

static LLVMValueRef call(struct cg *g, LLVMTypeRef t, LLVMValueRef f, LLVMValueRef *args,
                         unsigned n)
{
    return LLVMBuildCall2(g->b, t, f, args, n, "");
}

static LLVMValueRef get(struct cg *g, uint32_t fref, LLVMValueRef i)
{
    LLVMValueRef a[] = {g->ctx, c32(g, fref), i ? i : c32(g, 0)};
    return call(g, g->t_get, g->f_get, a, 3);
}

static LLVMValueRef not_null(struct cg *g, LLVMValueRef p)
{
    return LLVMBuildICmp(g->b, LLVMIntNE, p, LLVMConstNull(g->pval), "ok");
}

static LLVMValueRef load_field(struct cg *g, LLVMValueRef v, unsigned idx, LLVMTypeRef t)
{
    return LLVMBuildLoad2(g->b, t, LLVMBuildStructGEP2(g->b, g->val, v, idx, ""), "");
}

static LLVMValueRef cstring(struct cg *g, const char *s, size_t n)
{
    LLVMValueRef gv = LLVMAddGlobal(g->m, LLVMArrayType(g->i8, (unsigned)n + 1), "str");
    LLVMSetInitializer(gv, LLVMConstStringInContext(g->c, s, (unsigned)n, 0));
    LLVMSetGlobalConstant(gv, 1);
    LLVMSetLinkage(gv, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(gv, LLVMGlobalUnnamedAddr);
    return LLVMConstPointerCast(gv, g->p8);
}

/* A constant struct fc_val holding a string, for join/concat pieces. */
static LLVMValueRef cval(struct cg *g, const char *s, size_t n)
{
    LLVMValueRef zero16 = LLVMConstNull(LLVMArrayType(g->i8, 16));
    LLVMValueRef zero5 = LLVMConstNull(LLVMArrayType(g->i8, 5)), z8 = LLVMConstInt(g->i8, 0, 0);
    LLVMValueRef f[] = {cstring(g, s, n), LLVMConstInt(g->i64, n, 0), zero16, z8, z8, z8, zero5};
    LLVMValueRef gv = LLVMAddGlobal(g->m, g->val, "cval");
    LLVMSetInitializer(gv, LLVMConstNamedStruct(g->val, f, 7));
    LLVMSetGlobalConstant(gv, 1);
    LLVMSetLinkage(gv, LLVMPrivateLinkage);
    return gv;
}

/* Runs `then` only when cond holds, giving `otherwise` else; returns a phi. */
struct cond_blk {
    LLVMBasicBlockRef then, done, from;
};

static struct cond_blk if_begin(struct cg *g, LLVMValueRef cond, const char *name)
{
    struct cond_blk k = {block(g, name), block(g, "join"), LLVMGetInsertBlock(g->b)};
    LLVMBuildCondBr(g->b, cond, k.then, k.done);
    LLVMPositionBuilderAtEnd(g->b, k.then);
    return k;
}

static LLVMValueRef if_end(struct cg *g, struct cond_blk k, LLVMValueRef val, LLVMValueRef other)
{
    LLVMBasicBlockRef last = LLVMGetInsertBlock(g->b);
    LLVMBuildBr(g->b, k.done);
    LLVMPositionBuilderAtEnd(g->b, k.done);
    LLVMValueRef phi = LLVMBuildPhi(g->b, LLVMTypeOf(val), "");
    LLVMValueRef vals[] = {other, val};
    LLVMBasicBlockRef from[] = {k.from, last};
    LLVMAddIncoming(phi, vals, from, 2);
    return phi;
}

/* ---- values ---- */

static bool is_ancestor(uint32_t id)
{
    return id == FC_F_PROC_ANAME || id == FC_F_PROC_APID || id == FC_F_PROC_AEXE ||
           id == FC_F_PROC_AEXEPATH || id == FC_F_PROC_ACMDLINE || id == FC_F_PROC_AENV;
}

/* How a left side is read. */
struct side {
    enum { SIDE_ONE, SIDE_ANY, SIDE_LIST } shape;
    uint32_t fref; /* SIDE_ANY, SIDE_LIST */
    enum ppm_param_type type;
};

static LLVMValueRef value(struct cg *g, const struct ast_node *e);

static LLVMValueRef xform(struct cg *g, const struct ast_node *x)
{
    if (x->xf == AST_XF_VAL)
        return value(g, x->kids[0]);
    if (x->xf == AST_XF_GETOPT) {
        /* [x] asks for one option's argument; without it the result is the
         * list of letters and arguments. */
        if (x->has_arg && x->arg.len != 1)
            return LLVMConstNull(g->pval); /* no option is named that: never available */
        uint32_t letter = x->has_arg ? (unsigned char)x->arg.s[0] : FC_GETOPT_ALL;
        LLVMValueRef argv = value(g, x->kids[0]); /* a string or a list */
        struct cond_blk k = if_begin(g, not_null(g, argv), "getopt");
        LLVMValueRef a[] = {g->ctx, argv, cval(g, x->kids[1]->str.s, x->kids[1]->str.len),
                            c32(g, letter)};
        LLVMValueRef r = call(g, g->t_getopt, g->f_getopt, a, 4);
        return if_end(g, k, r, LLVMConstNull(g->pval));
    }
    if (x->xf == AST_XF_LEN && x->kids[0]->kind == AST_FIELD) {
        /* len() of a list-valued field counts its values. */
        const struct ast_node *f = x->kids[0];
        struct fc_field_ref r =
            fc_field_resolve(f->str.s, f->str.len, f->arg.s, f->arg.len, f->has_arg, NULL, 0);
        if (r.status == FC_RESOLVE_OK && (r.field->flags & FC_FF_LIST) && !f->has_arg) {
            LLVMValueRef a[] = {g->ctx, c32(g, fref_index(g, &r))};
            return call(g, g->t_countv, g->f_countv, a, 2);
        }
    }
    if (x->xf == AST_XF_JOIN || x->xf == AST_XF_CONCAT) {
        /* Pieces: constants, fields, transformers; any unavailable one makes
         * the whole result unavailable. */
        const struct ast_node *pieces[64];
        size_t n = 0;
        for (size_t i = x->xf == AST_XF_JOIN ? 1 : 0; i < x->nkids; i++) {
            const struct ast_node *k = x->kids[i];
            if (k->kind == AST_TLIST)
                for (size_t j = 0; j < k->nkids && n < 64; j++)
                    pieces[n++] = k->kids[j];
            else if (n < 64)
                pieces[n++] = k;
        }
        LLVMTypeRef arr = LLVMArrayType(g->pval, (unsigned)(n ? n : 1));
        LLVMValueRef slots = LLVMBuildAlloca(g->b, arr, "parts");
        LLVMValueRef all = c1(g, true);
        for (size_t i = 0; i < n; i++) {
            LLVMValueRef v;
            struct chk_type pt;
            char perr[256];
            if (pieces[i]->kind == AST_STR) {
                v = cval(g, pieces[i]->str.s, pieces[i]->str.len);
            } else {
                v = value(g, pieces[i]);
                /* Numbers, booleans and addresses join as their text. */
                enum fc_tkind pk = chk_expr_type(pieces[i], &pt, perr, sizeof(perr))
                                       ? fc_type_kind(pt.t)
                                       : FC_TK_STR;
                if (pk != FC_TK_STR && pk != FC_TK_BYTES && pk != FC_TK_OTHER) {
                    LLVMValueRef ta[] = {g->ctx, c32(g, pt.t), v};
                    v = call(g, g->t_text, g->f_text, ta, 3);
                }
            }
            all = LLVMBuildAnd(g->b, all, not_null(g, v), "");
            LLVMValueRef idx[] = {c32(g, 0), c32(g, i)};
            LLVMBuildStore(g->b, v, LLVMBuildGEP2(g->b, arr, slots, idx, 2, ""));
        }
        LLVMValueRef sep = x->xf == AST_XF_JOIN ? cval(g, x->kids[0]->str.s, x->kids[0]->str.len)
                                                : LLVMConstNull(g->pval);
        struct cond_blk k = if_begin(g, all, "join");
        LLVMValueRef z[] = {c32(g, 0), c32(g, 0)};
        LLVMValueRef a[] = {g->ctx, sep, c32(g, n), LLVMBuildGEP2(g->b, arr, slots, z, 2, "")};
        LLVMValueRef r = call(g, g->t_join, g->f_join, a, 4);
        return if_end(g, k, r, LLVMConstNull(g->pval));
    }
    /* The runtime maps a list input element by element. */
    struct chk_type in_t;
    char err[256];
    if (!chk_expr_type(x->kids[0], &in_t, err, sizeof(err))) {
        fail(g, x, "%s", err);
        return LLVMConstNull(g->pval);
    }
    LLVMValueRef in = value(g, x->kids[0]);
    struct cond_blk k = if_begin(g, not_null(g, in), "xf");
    LLVMValueRef a[] = {g->ctx, c32(g, x->xf), c32(g, in_t.t), in};
    LLVMValueRef r = call(g, g->t_xf, g->f_xf, a, 4);
    return if_end(g, k, r, LLVMConstNull(g->pval));
}

/* The value of an expression (fc_val *, NULL when unavailable): a list
 * value when it is list-valued, or when it reads several values (ancestors
 * without index, inside join). */
static LLVMValueRef value(struct cg *g, const struct ast_node *e)
{
    if (e->kind == AST_FIELD) {
        struct fc_field_ref r =
            fc_field_resolve(e->str.s, e->str.len, e->arg.s, e->arg.len, e->has_arg, NULL, 0);
        uint32_t fr = fref_index(g, &r);
        bool any = is_ancestor(r.field->id) && r.argkind == FC_ARGV_NONE;
        if (((r.field->flags & FC_FF_LIST) && !e->has_arg) || any) {
            /* ancestors are unavailable when none could be read (interp.c) */
            LLVMValueRef a[] = {g->ctx, c32(g, fr), c32(g, any)};
            return call(g, g->t_get, g->f_list, a, 3);
        }
        return get(g, fr, NULL);
    }
    return xform(g, e);
}

/* ---- comparisons of one available value ---- */

static LLVMValueRef kcall(struct cg *g, LLVMValueRef f, uint32_t k, LLVMValueRef v)
{
    LLVMValueRef a[] = {g->ctx, c32(g, k), v};
    return LLVMBuildICmp(g->b, LLVMIntNE, call(g, g->t_k, f, a, 3), LLVMConstInt(g->i8, 0, 0), "");
}

static LLVMValueRef inline_str(struct cg *g, enum ast_op op, LLVMValueRef v,
                               const struct ast_str *k)
{
    LLVMValueRef p = load_field(g, v, 0, g->p8), n = load_field(g, v, 1, g->i64);
    LLVMValueRef kl = LLVMConstInt(g->i64, k->len, 0);
    bool eq = op == AST_OP_EQ || op == AST_OP_EQEQ || op == AST_OP_NE;
    LLVMValueRef fits = LLVMBuildICmp(g->b, eq ? LLVMIntEQ : LLVMIntUGE, n, kl, "");
    struct cond_blk blk = if_begin(g, fits, "cmp");
    LLVMValueRef at = p;
    if (op == AST_OP_ENDSWITH) {
        LLVMValueRef off = LLVMBuildSub(g->b, n, kl, "");
        at = LLVMBuildGEP2(g->b, g->i8, p, &off, 1, "");
    }
    LLVMValueRef a[] = {at, cstring(g, k->s, k->len), kl};
    LLVMValueRef same =
        k->len
            ? LLVMBuildICmp(g->b, LLVMIntEQ, call(g, g->t_memcmp, g->f_memcmp, a, 3), c32(g, 0), "")
            : c1(g, true);
    LLVMValueRef r = if_end(g, blk, same, c1(g, false));
    return op == AST_OP_NE ? LLVMBuildNot(g->b, r, "") : r;
}

static LLVMValueRef inline_num(struct cg *g, const struct ast_node *n, LLVMValueRef v,
                               enum ppm_param_type t)
{
    uint64_t k = 0;
    chk_const_num(n->rhs, t, &k);
    bool sg = fc_type_signed(t);
    LLVMIntPredicate p;
    switch (n->op) {
    case AST_OP_NE:
        p = LLVMIntNE;
        break;
    case AST_OP_LT:
        p = sg ? LLVMIntSLT : LLVMIntULT;
        break;
    case AST_OP_LE:
        p = sg ? LLVMIntSLE : LLVMIntULE;
        break;
    case AST_OP_GT:
        p = sg ? LLVMIntSGT : LLVMIntUGT;
        break;
    case AST_OP_GE:
        p = sg ? LLVMIntSGE : LLVMIntUGE;
        break;
    default:
        p = LLVMIntEQ;
    }
    return LLVMBuildICmp(g->b, p, load_field(g, v, 1, g->i64), LLVMConstInt(g->i64, k, 0), "");
}

/* value v (available) OP the check's right side */
static LLVMValueRef compare(struct cg *g, const struct ast_node *n, LLVMValueRef v,
                            enum ppm_param_type t, bool first_net_only)
{
    const struct ast_node *r = n->rhs;
    enum fc_tkind kind = fc_type_kind(t);
    if (r->kind == AST_XFORM) {
        LLVMValueRef w = value(g, r);
        struct cond_blk blk = if_begin(g, not_null(g, w), "rhs");
        LLVMValueRef a[] = {c32(g, n->op), c32(g, t), v, w};
        LLVMValueRef res = LLVMBuildICmp(g->b, LLVMIntNE, call(g, g->t_cmp, g->f_cmp, a, 4),
                                         LLVMConstInt(g->i8, 0, 0), "");
        return if_end(g, blk, res, c1(g, false));
    }
    bool set = n->op == AST_OP_IN || n->op == AST_OP_INTERSECTS;
    if (kind == FC_TK_NUM || kind == FC_TK_BOOL) {
        if (set || n->mod != AST_MOD_NONE)
            return kcall(g, g->f_knum, konst(g, FC_K_NUMSET, n, t, r, 0), v);
        return inline_num(g, n, v, t);
    }
    if (kind == FC_TK_IPADDR || kind == FC_TK_IPNET) {
        LLVMValueRef hit = kcall(g, g->f_kip, konst(g, FC_K_IPSET, n, t, r, first_net_only), v);
        return hit; /* the kernel answers != itself */
    }
    if (n->mod != AST_MOD_NONE)
        return kcall(g, g->f_kstr, konst(g, FC_K_MODSET, n, t, r, 0), v);
    if (set)
        return kcall(g, g->f_kstr, konst(g, FC_K_STRSET, n, t, r, 0), v);
    if (n->op == AST_OP_PMATCH)
        return kcall(g, g->f_kstr, konst(g, FC_K_PMATCH, n, t, r, 0), v);
    if (r->kind == AST_STR && (n->op == AST_OP_EQ || n->op == AST_OP_EQEQ || n->op == AST_OP_NE ||
                               n->op == AST_OP_STARTSWITH || n->op == AST_OP_ENDSWITH))
        return inline_str(g, n->op, v, &r->str);
    return kcall(g, g->f_kstr, konst(g, FC_K_STR, n, t, r, 0), v);
}

/* ---- checks ---- */

/*
 * A loop over positions 0 .. count-1 (count an i32 or an i64): body gives
 * an i1 per position. With any, true as soon as one is true, else
 * `exhausted`; otherwise false as soon as one is false, else `exhausted`.
 * `exhausted` is computed before the loop, so that it dominates the exit.
 */
typedef LLVMValueRef (*loop_body)(struct cg *g, LLVMValueRef i, const void *arg);

static LLVMValueRef loop_over(struct cg *g, LLVMValueRef count, LLVMValueRef exhausted, bool any,
                              loop_body body, const void *arg)
{
    LLVMTypeRef it = LLVMTypeOf(count);
    LLVMBasicBlockRef entry = LLVMGetInsertBlock(g->b);
    LLVMBasicBlockRef head = block(g, "loop"), first = block(g, "body"), next = block(g, "next"),
                      done = block(g, "done");
    LLVMBuildBr(g->b, head);
    LLVMPositionBuilderAtEnd(g->b, head);
    LLVMValueRef i = LLVMBuildPhi(g->b, it, "i");
    LLVMValueRef more = LLVMBuildICmp(g->b, LLVMIntULT, i, count, "");
    LLVMBuildCondBr(g->b, more, first, done);
    LLVMPositionBuilderAtEnd(g->b, first);
    LLVMValueRef r = body(g, i, arg);
    LLVMBasicBlockRef from_body = LLVMGetInsertBlock(g->b);
    /* any: stop on a true element; all: stop on a false one */
    LLVMBuildCondBr(g->b, any ? r : LLVMBuildNot(g->b, r, ""), done, next);
    LLVMPositionBuilderAtEnd(g->b, next);
    LLVMValueRef inc = LLVMBuildAdd(g->b, i, LLVMConstInt(it, 1, 0), "");
    LLVMBuildBr(g->b, head);
    LLVMValueRef iv[] = {LLVMConstInt(it, 0, 0), inc};
    LLVMBasicBlockRef ib[] = {entry, next};
    LLVMAddIncoming(i, iv, ib, 2);
    LLVMPositionBuilderAtEnd(g->b, done);
    LLVMValueRef res = LLVMBuildPhi(g->b, g->i1, "");
    LLVMValueRef rv[] = {exhausted, c1(g, any)};
    LLVMBasicBlockRef rb[] = {head, from_body};
    LLVMAddIncoming(res, rv, rb, 2);
    return res;
}

struct read_arg {
    const struct ast_node *n;
    uint32_t fref;
    enum ppm_param_type t;
};

/* Value i of a multi-valued read against the right side; false when it
 * cannot be read. */
static LLVMValueRef read_body(struct cg *g, LLVMValueRef i, const void *arg)
{
    const struct read_arg *a = arg;
    LLVMValueRef v = get(g, a->fref, i);
    struct cond_blk blk = if_begin(g, not_null(g, v), "elt");
    return if_end(g, blk, compare(g, a->n, v, a->t, false), c1(g, false));
}

/* Loop over the values of a multi-valued read, read one by one: `any` is
 * true as soon as one value compares true; otherwise (list `in`) all must. */
static LLVMValueRef loop(struct cg *g, const struct ast_node *n, uint32_t fref,
                         enum ppm_param_type t, bool any)
{
    LLVMValueRef ca[] = {g->ctx, c32(g, fref)};
    LLVMValueRef count = call(g, g->t_count, g->f_count, ca, 2);
    /* Ran out of values: any → false; all → true when there was at least
     * one (no value at all: the read failed). */
    LLVMValueRef exhausted =
        any ? c1(g, false) : LLVMBuildICmp(g->b, LLVMIntUGT, count, c32(g, 0), "");
    struct read_arg a = {n, fref, t};
    return loop_over(g, count, exhausted, any, read_body, &a);
}

/* An element test of a list value: fn(g, element, arg). */
typedef LLVMValueRef (*elt_test)(struct cg *g, LLVMValueRef elt, const void *arg);

struct elt_arg {
    LLVMValueRef base; /* the elements, fc_val * */
    elt_test fn;
    const void *arg;
};

static LLVMValueRef elt_body(struct cg *g, LLVMValueRef i, const void *arg)
{
    const struct elt_arg *a = arg;
    return a->fn(g, LLVMBuildGEP2(g->b, g->val, a->base, &i, 1, "elt"), a->arg);
}

/* fn on the elements of an available list value: with any, whether one
 * passes; otherwise whether all do (true for no element: `in` holds
 * vacuously on an empty list). */
static LLVMValueRef each(struct cg *g, LLVMValueRef list, bool any, elt_test fn, const void *arg)
{
    LLVMValueRef count = load_field(g, list, 1, g->i64);
    LLVMValueRef base = LLVMBuildPointerCast(g->b, load_field(g, list, 0, g->p8), g->pval, "");
    struct elt_arg a = {base, fn, arg};
    return loop_over(g, count, c1(g, !any), any, elt_body, &a);
}

struct vs_arg {
    const struct ast_node *n;
    enum ppm_param_type t;
    LLVMValueRef other; /* equal_to: the element looked for */
};

/* An element against the check's constants. */
static LLVMValueRef vs_consts(struct cg *g, LLVMValueRef elt, const void *arg)
{
    const struct vs_arg *a = arg;
    return compare(g, a->n, elt, a->t, false);
}

static LLVMValueRef equal_to(struct cg *g, LLVMValueRef elt, const void *arg)
{
    const struct vs_arg *a = arg;
    LLVMValueRef ca[] = {c32(g, AST_OP_EQ), c32(g, a->t), a->other, elt};
    return LLVMBuildICmp(g->b, LLVMIntNE, call(g, g->t_cmp, g->f_cmp, ca, 4),
                         LLVMConstInt(g->i8, 0, 0), "");
}

/* An element of the left list found in the right one (vs_arg.other: the
 * right list). */
static LLVMValueRef in_list(struct cg *g, LLVMValueRef elt, const void *arg)
{
    const struct vs_arg *a = arg;
    struct vs_arg eq = {a->n, a->t, elt};
    return each(g, a->other, true, equal_to, &eq);
}

/*
 * A list-valued left side read whole (a transformer over a list, getopt(),
 * a list field against a field): `in` needs every element in the set,
 * `intersects` one; the set is the constants, or the values of the
 * list-valued right side (interp.c's set semantics).
 */
static LLVMValueRef list_check(struct cg *g, const struct ast_node *n, enum ppm_param_type t)
{
    LLVMValueRef l = value(g, n->lhs);
    if (n->op == AST_OP_EXISTS)
        return not_null(g, l);
    bool any = n->op == AST_OP_INTERSECTS;
    struct cond_blk blk = if_begin(g, not_null(g, l), "list");
    LLVMValueRef hit;
    if (n->rhs->kind == AST_XFORM) {
        LLVMValueRef w = value(g, n->rhs);
        struct cond_blk rb = if_begin(g, not_null(g, w), "rlist");
        struct vs_arg a = {n, t, w};
        hit = if_end(g, rb, each(g, l, any, in_list, &a), c1(g, false));
    } else {
        struct vs_arg a = {n, t, NULL};
        hit = each(g, l, any, vs_consts, &a);
    }
    return if_end(g, blk, hit, c1(g, false));
}

/* fd.ip & co.: either endpoint; != only when both differ (interp.c). */
static LLVMValueRef endpoints(struct cg *g, const struct ast_node *n, enum ppm_param_type t)
{
    uint32_t f = fref_of(g, n->lhs, n->lhs->str.s);
    LLVMValueRef c = get(g, f, c32(g, CHK_END_CLIENT));
    LLVMValueRef s = get(g, f, c32(g, CHK_END_SERVER));
    LLVMValueRef avail = LLVMBuildOr(g->b, not_null(g, c), not_null(g, s), "");
    if (n->op == AST_OP_EXISTS)
        return avail;
    struct ast_node eq = *n;
    if (n->op == AST_OP_NE)
        eq.op = AST_OP_EQ;
    /* Falco's fd.net uses only the first network of a plain `in` list. */
    bool first = t == PT_IPNET && n->rhs->kind == AST_LIST && n->mod == AST_MOD_NONE;
    if (first && n->rhs->nkids == 0)
        return c1(g, false);
    struct cond_blk bc = if_begin(g, not_null(g, c), "cli");
    LLVMValueRef hc = if_end(g, bc, compare(g, &eq, c, t, first), c1(g, false));
    struct cond_blk bs = if_begin(g, not_null(g, s), "srv");
    LLVMValueRef hs = if_end(g, bs, compare(g, &eq, s, t, first), c1(g, false));
    LLVMValueRef hit = LLVMBuildOr(g->b, hc, hs, "");
    if (n->op == AST_OP_NE)
        hit = LLVMBuildNot(g->b, hit, "");
    return LLVMBuildAnd(g->b, avail, hit, "");
}

static LLVMValueRef check(struct cg *g, const struct ast_node *n)
{
    enum ppm_param_type et;
    if (chk_endpoint_field(n->lhs, &et))
        return endpoints(g, n, et);
    if (chk_around_field(n->lhs)) {
        LLVMValueRef v = get(g, fref_of(g, n->lhs, n->lhs->str.s), NULL);
        struct cond_blk b = if_begin(g, not_null(g, v), "around");
        LLVMValueRef in = LLVMBuildICmp(g->b, LLVMIntULE, load_field(g, v, 1, g->i64),
                                        LLVMConstInt(g->i64, chk_around_limit(n->rhs), 0), "");
        return if_end(g, b, in, c1(g, false));
    }
    struct chk_type lt;
    char err[256];
    if (!chk_expr_type(n->lhs, &lt, err, sizeof(err))) {
        fail(g, n, "%s", err);
        return c1(g, false);
    }
    const struct ast_node *f = n->lhs;
    bool rhs_field = n->op != AST_OP_EXISTS && n->rhs->kind == AST_XFORM;
    if (f->kind == AST_FIELD) {
        struct fc_field_ref r =
            fc_field_resolve(f->str.s, f->str.len, f->arg.s, f->arg.len, f->has_arg, NULL, 0);
        bool list = (r.field->flags & FC_FF_LIST) && !f->has_arg;
        bool any = is_ancestor(r.field->id) && r.argkind == FC_ARGV_NONE;
        /* Values read one by one, no list built: ancestors, and a list
         * field against constants. */
        if (any || (list && !rhs_field)) {
            uint32_t fr = fref_index(g, &r);
            if (n->op == AST_OP_EXISTS) {
                LLVMValueRef ca[] = {g->ctx, c32(g, fr)};
                return LLVMBuildICmp(g->b, LLVMIntUGT, call(g, g->t_count, g->f_count, ca, 2),
                                     c32(g, 0), "");
            }
            return loop(g, n, fr, lt.t, any || n->op == AST_OP_INTERSECTS);
        }
    }
    if (lt.list)
        return list_check(g, n, lt.t);
    LLVMValueRef v = value(g, f);
    if (n->op == AST_OP_EXISTS)
        return not_null(g, v);
    struct cond_blk blk = if_begin(g, not_null(g, v), "avail");
    return if_end(g, blk, compare(g, n, v, lt.t, false), c1(g, false));
}

/* A condition as i1, with short-circuit and/or. */
static LLVMValueRef cond(struct cg *g, const struct ast_node *n)
{
    switch (n->kind) {
    case AST_AND:
    case AST_OR: {
        bool is_and = n->kind == AST_AND;
        LLVMBasicBlockRef done = block(g, is_and ? "and.end" : "or.end");
        LLVMValueRef vals[256];
        LLVMBasicBlockRef from[256];
        size_t k = 0;
        for (size_t i = 0; i < n->nkids && !g->failed; i++) {
            LLVMValueRef v = cond(g, n->kids[i]);
            LLVMBasicBlockRef cur = LLVMGetInsertBlock(g->b);
            if (i + 1 == n->nkids) {
                LLVMBuildBr(g->b, done);
                vals[k] = v;
                from[k++] = cur;
                break;
            }
            LLVMBasicBlockRef next = block(g, is_and ? "and.next" : "or.next");
            if (is_and)
                LLVMBuildCondBr(g->b, v, next, done);
            else
                LLVMBuildCondBr(g->b, v, done, next);
            if (k < 255) {
                vals[k] = c1(g, !is_and);
                from[k++] = cur;
            }
            LLVMPositionBuilderAtEnd(g->b, next);
        }
        if (g->failed) {
            LLVMBuildBr(g->b, done);
            LLVMPositionBuilderAtEnd(g->b, done);
            return c1(g, false);
        }
        LLVMPositionBuilderAtEnd(g->b, done);
        LLVMValueRef phi = LLVMBuildPhi(g->b, g->i1, "");
        LLVMAddIncoming(phi, vals, from, (unsigned)k);
        return phi;
    }
    case AST_NOT:
        return LLVMBuildNot(g->b, cond(g, n->kids[0]), "");
    case AST_ID: {
        const struct rl_macro *m = n->user;
        const struct res_macro *rm = m->resolved;
        return cond(g, rm->tree);
    }
    case AST_CHECK:
        return check(g, n);
    default:
        return c1(g, false);
    }
}

/* ---- functions ---- */

static LLVMValueRef rule_fn(struct cg *g, const struct rl_rule *r, uint32_t idx)
{
    char name[32];
    snprintf(name, sizeof(name), "rule.%u", idx);
    LLVMTypeRef ft = LLVMFunctionType(g->i1, &g->p8, 1, 0);
    LLVMValueRef fn = LLVMAddFunction(g->m, name, ft);
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    g->fn = fn;
    g->ctx = LLVMGetParam(fn, 0);
    g->rule = r;
    LLVMPositionBuilderAtEnd(g->b, block(g, "entry"));
    const struct res_rule *rr = r->resolved;
    LLVMBuildRet(g->b, cond(g, rr->tree));
    return fn;
}

/* The dispatch: a switch on the event type, one case per distinct ordered
 * list of rules, each calling its rules in load order. */
static void match_fn(struct cg *g, LLVMValueRef *rules, const struct ev_set *const *sets,
                     uint32_t n)
{
    LLVMTypeRef a[] = {g->p8, g->i32, LLVMPointerType(g->i32, 0), g->i32};
    LLVMTypeRef ft = LLVMFunctionType(g->i32, a, 4, 0);
    LLVMValueRef fn = LLVMAddFunction(g->m, "fc_match", ft);
    g->fn = fn;
    LLVMValueRef ctx = LLVMGetParam(fn, 0), evt = LLVMGetParam(fn, 1), out = LLVMGetParam(fn, 2),
                 mode = LLVMGetParam(fn, 3);
    LLVMBasicBlockRef entry = block(g, "entry"), none = block(g, "none");
    LLVMPositionBuilderAtEnd(g->b, none);
    LLVMBuildRet(g->b, c32(g, 0));
    LLVMPositionBuilderAtEnd(g->b, entry);
    LLVMValueRef sw = LLVMBuildSwitch(g->b, evt, none, 64);
    LLVMTypeRef rft = LLVMFunctionType(g->i1, &g->p8, 1, 0);
    bool done[PPM_EVENT_MAX] = {0};
    for (int code = 0; code < PPM_EVENT_MAX; code++) {
        if (done[code])
            continue;
        /* the rules of this code, and every other code with the same list */
        uint32_t list[4096];
        uint32_t nl = 0;
        for (uint32_t r = 0; r < n && nl < 4096; r++)
            if (ev_set_has(sets[r], code))
                list[nl++] = r;
        if (!nl)
            continue;
        LLVMBasicBlockRef bb = block(g, "type");
        for (int other = code; other < PPM_EVENT_MAX; other++) {
            if (done[other])
                continue;
            bool same = true;
            uint32_t k = 0;
            for (uint32_t r = 0; r < n && same; r++)
                if (ev_set_has(sets[r], other))
                    same = k < nl && list[k++] == r;
            if (same && k == nl) {
                done[other] = true;
                LLVMAddCase(sw, c32(g, (uint64_t)other), bb);
            }
        }
        LLVMPositionBuilderAtEnd(g->b, bb);
        LLVMValueRef count = c32(g, 0);
        LLVMBasicBlockRef ret = block(g, "ret");
        LLVMValueRef rv[4097];
        LLVMBasicBlockRef rb[4097];
        uint32_t nr = 0;
        for (uint32_t i = 0; i < nl; i++) {
            LLVMValueRef hit = LLVMBuildCall2(g->b, rft, rules[list[i]], &ctx, 1, "");
            LLVMBasicBlockRef yes = block(g, "hit"), next = block(g, "next");
            LLVMBasicBlockRef from = LLVMGetInsertBlock(g->b);
            LLVMBuildCondBr(g->b, hit, yes, next);
            LLVMPositionBuilderAtEnd(g->b, yes);
            LLVMValueRef slot = LLVMBuildGEP2(g->b, g->i32, out, &count, 1, "");
            LLVMBuildStore(g->b, c32(g, list[i]), slot);
            LLVMValueRef inc = LLVMBuildAdd(g->b, count, c32(g, 1), "");
            LLVMValueRef first = LLVMBuildICmp(g->b, LLVMIntEQ, mode, c32(g, CG_MATCH_FIRST), "");
            rv[nr] = inc;
            rb[nr++] = yes;
            LLVMBuildCondBr(g->b, first, ret, next);
            LLVMPositionBuilderAtEnd(g->b, next);
            LLVMValueRef phi = LLVMBuildPhi(g->b, g->i32, "count");
            LLVMValueRef pv[] = {count, inc};
            LLVMBasicBlockRef pb[] = {from, yes};
            LLVMAddIncoming(phi, pv, pb, 2);
            count = phi;
        }
        LLVMBuildBr(g->b, ret);
        rv[nr] = count;
        rb[nr++] = LLVMGetInsertBlock(g->b);
        LLVMPositionBuilderAtEnd(g->b, ret);
        LLVMValueRef res = LLVMBuildPhi(g->b, g->i32, "");
        LLVMAddIncoming(res, rv, rb, nr);
        LLVMBuildRet(g->b, res);
    }
}

/* A rule's output as tokens the runtime renders (fields in the table). */
static void compile_output(struct cg *g, const struct rl_rule *r, uint32_t idx)
{
    const struct res_rule *rr = r->resolved;
    const struct out_fmt *of = rr->output;
    uint32_t n = of ? (uint32_t)of->n : 0;
    struct fc_out_tok *t = arena_alloc(&g->s->arena, (n + 1) * sizeof(*t));
    for (uint32_t i = 0; i < n; i++) {
        const struct out_tok *k = &of->toks[i];
        t[i] = (struct fc_out_tok){k->text, (uint32_t)k->len, -1, FC_OUT_NO_XF, (uint32_t)k->width};
        if (!k->is_field)
            continue;
        const struct ast_node *e = k->expr;
        if (e->kind == AST_XFORM && e->nkids == 1 && e->kids[0]->kind == AST_FIELD &&
            e->xf != AST_XF_VAL) {
            t[i].xf = e->xf;
            e = e->kids[0];
        }
        if (e->kind != AST_FIELD)
            continue; /* several fields: rendered from the text by the runtime */
        struct fc_field_ref fr =
            fc_field_resolve(e->str.s, e->str.len, e->arg.s, e->arg.len, e->has_arg, NULL, 0);
        if (fr.status == FC_RESOLVE_OK) {
            /* Outputs show the process's own pid and environment for the
             * unindexed ancestor forms (fields.def), conditions any ancestor. */
            if ((fr.field->id == FC_F_PROC_APID || fr.field->id == FC_F_PROC_AENV) &&
                fr.argkind == FC_ARGV_NONE) {
                fr.argkind = FC_ARGV_INDEX;
                fr.index = 0;
            }
            t[i].fref = (int32_t)fref_slot(g, &fr);
        }
    }
    g->out->out[idx] = t;
    g->out->nout[idx] = n;
}

bool cg_build(struct session *s, LLVMContextRef c, struct cg_rules *out)
{
    memset(out, 0, sizeof(*out));
    struct cg g = {0};
    g.s = s;
    g.c = c;
    g.out = out;
    g.m = LLVMModuleCreateWithNameInContext("rules", c);
    g.b = LLVMCreateBuilderInContext(c);
    g.i1 = LLVMInt1TypeInContext(c);
    g.i8 = LLVMInt8TypeInContext(c);
    g.i32 = LLVMInt32TypeInContext(c);
    g.i64 = LLVMInt64TypeInContext(c);
    g.p8 = LLVMPointerType(g.i8, 0);
    g.val = cg_val_type(c);
    g.pval = LLVMPointerType(g.val, 0);
    declare_runtime(&g);
    const struct rl_set *set = &s->set;
    out->rules = arena_alloc(&s->arena, (set->nrules + 1) * sizeof(*out->rules));
    out->rule_frefs = arena_alloc(&s->arena, (set->nrules + 1) * sizeof(*out->rule_frefs));
    out->rule_nfrefs = arena_alloc(&s->arena, (set->nrules + 1) * sizeof(*out->rule_nfrefs));
    out->out = arena_alloc(&s->arena, (set->nrules + 1) * sizeof(*out->out));
    out->nout = arena_alloc(&s->arena, (set->nrules + 1) * sizeof(*out->nout));
    LLVMValueRef *fns = arena_alloc(&s->arena, (set->nrules + 1) * sizeof(*fns));
    const struct ev_set **sets = arena_alloc(&s->arena, (set->nrules + 1) * sizeof(*sets));
    for (size_t i = 0; i < set->nrules; i++) {
        struct rl_rule *r = set->rules[i];
        const struct res_rule *rr = r->resolved;
        if (!r->enabled || !r->source_known || !rr || !rr->ok || !rr->info)
            continue;
        uint32_t idx = out->nrules;
        g.used = NULL;
        g.nused = g.capused = 0;
        fns[idx] = rule_fn(&g, r, idx);
        out->rule_frefs[idx] = g.used;
        out->rule_nfrefs[idx] = g.nused;
        compile_output(&g, r, idx);
        sets[idx] = &rr->info->evttypes;
        out->rules[out->nrules++] = r;
        if (g.failed)
            break;
    }
    if (!g.failed)
        match_fn(&g, fns, sets, out->nrules);
    LLVMDisposeBuilder(g.b);
    out->mod = g.m;
    if (g.failed) {
        LLVMDisposeModule(g.m);
        out->mod = NULL;
    }
    return !g.failed;
}
