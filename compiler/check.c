/*
 * check.c - type checking of resolved rule conditions (rules-language.md §6)
 * and the per-rule checks that follow it: event types (§7), outputs (§8),
 * condition advisories (§9.3), unused items (§2.3, §4.1).
 *
 * Input: rules whose trees resolve.c built. Output: diagnostics, and for
 * every rule a struct chk_info for explain and lint. A check is typed once
 * per node: a macro shared by many rules is typed when the first rule
 * reaches it and its verdict (a cached error) is reused by the others, so
 * one broken macro gives one error, not one per rule that uses it.
 */
#include "check.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "fc_konst.h"
#include "lint.h"
#include "ops.h"

/* ---- types ------------------------------------------------------------- */

static const char *kind_word(enum fc_tkind k, bool list)
{
    if (list)
        return "list";
    switch (k) {
    case FC_TK_NUM:
    case FC_TK_BOOL:
        return "numeric"; /* Falco says "numeric" for booleans too */
    case FC_TK_STR:
        return "string";
    case FC_TK_BYTES:
        return "buffer";
    case FC_TK_IPADDR:
        return "ip address";
    case FC_TK_IPNET:
        return "ip network";
    default:
        return "this type of";
    }
}

/* The operators of §6.3, per kind of left side. */
static bool op_allowed(enum ast_op op, enum ast_mod mod, struct chk_type t)
{
    if (op == AST_OP_EXISTS)
        return true;
    if (t.list)
        return op == AST_OP_IN || op == AST_OP_INTERSECTS;
    bool eq = op == AST_OP_EQ || op == AST_OP_EQEQ || op == AST_OP_NE;
    bool order = ast_op_class[op] == AST_OPC_ORDER;
    bool set = op == AST_OP_IN || op == AST_OP_INTERSECTS;
    switch (fc_type_kind(t.t)) {
    case FC_TK_NUM:
        return eq || order || set;
    case FC_TK_BOOL:
        return eq || set;
    case FC_TK_STR:
        return op != AST_OP_BCONTAINS && op != AST_OP_BSTARTSWITH;
    case FC_TK_BYTES:
        return eq || set || op == AST_OP_CONTAINS || op == AST_OP_STARTSWITH ||
               op == AST_OP_ENDSWITH || op == AST_OP_BCONTAINS || op == AST_OP_BSTARTSWITH;
    case FC_TK_IPADDR:
    case FC_TK_IPNET:
        return mod != AST_MOD_NONE ? eq : eq || set;
    default:
        return false;
    }
}

/* ---- expressions ------------------------------------------------------- */

struct xerr {
    char msg[320];
    const struct ast_node *at;
    bool unknown; /* an unknown field or event type: skip-if-unknown-filter applies */
};

static bool xfail(struct xerr *e, const struct ast_node *at, bool unknown, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool xfail(struct xerr *e, const struct ast_node *at, bool unknown, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    e->at = at;
    e->unknown = unknown;
    return false;
}

static bool field_ref(const struct ast_node *f, struct fc_field_ref *ref, struct xerr *e)
{
    char err[256];
    *ref =
        fc_field_resolve(f->str.s, f->str.len, f->arg.s, f->arg.len, f->has_arg, err, sizeof(err));
    if (ref->status == FC_RESOLVE_OK)
        return true;
    bool unknown = ref->status == FC_RESOLVE_UNKNOWN || ref->status == FC_RESOLVE_REMOVED;
    return xfail(e, f, unknown, "%s", err);
}

/* The field inside an expression (first one found), for messages. */
static const struct ast_node *first_field(const struct ast_node *e)
{
    if (e->kind == AST_FIELD)
        return e;
    for (size_t i = 0; i < e->nkids; i++) {
        const struct ast_node *f = first_field(e->kids[i]);
        if (f)
            return f;
    }
    return NULL;
}

static bool is_stringy(struct chk_type t)
{
    return fc_type_kind(t.t) == FC_TK_STR;
}

static bool expr_type(const struct ast_node *e, struct chk_type *out, struct xerr *er);

static bool xf_type(const struct ast_node *e, struct chk_type *out, struct xerr *er)
{
    const char *name = ast_xf_name[e->xf];
    if (e->has_arg && e->xf != AST_XF_GETOPT)
        return xfail(er, e, false,
                     "filter error: transformer '%s' does not support field arguments", name);
    /* Arguments: fields or nested transformers, except where constants belong. */
    struct chk_type at[16];
    size_t nargs = e->nkids;
    for (size_t i = 0; i < nargs; i++) {
        const struct ast_node *k = e->kids[i];
        bool want_const = (e->xf == AST_XF_JOIN && i == 0) || (e->xf == AST_XF_GETOPT && i == 1);
        if (k->kind == AST_STR) {
            if (!want_const && e->xf != AST_XF_CONCAT)
                return xfail(er, k, false, "transformer '%s' expects a field, not a constant",
                             name);
            at[i < 16 ? i : 15] = (struct chk_type){PT_CHARBUF, false};
            continue;
        }
        if (want_const)
            return xfail(er, k, false, "transformer '%s' expects a quoted string as argument %zu",
                         name, i + 1);
        if (k->kind == AST_TLIST) {
            if (e->xf != AST_XF_JOIN)
                return xfail(er, k, false, "transformer '%s' does not take a list", name);
            for (size_t j = 0; j < k->nkids; j++) {
                struct chk_type t;
                if (k->kids[j]->kind != AST_STR && !expr_type(k->kids[j], &t, er))
                    return false;
            }
            at[i < 16 ? i : 15] = (struct chk_type){PT_CHARBUF, true};
            continue;
        }
        if (k->kind == AST_FIELD) {
            struct fc_field_ref ref;
            if (!field_ref(k, &ref, er))
                return false;
            if (ref.field->flags & FC_FF_NO_TRANSFORMER)
                return xfail(er, k, false, "field '%s' does not support transformers",
                             ref.field->name);
        }
        if (!expr_type(k, &at[i < 16 ? i : 15], er))
            return false;
    }
    int min = 1, max = 1;
    switch (e->xf) {
    case AST_XF_JOIN:
    case AST_XF_GETOPT:
        min = max = 2;
        break;
    case AST_XF_CONCAT:
        min = 2;
        max = 1 << 20;
        break;
    default:
        break;
    }
    if ((int)nargs < min || (int)nargs > max)
        return xfail(er, e, false, "transformer '%s' takes %s%d argument%s, got %zu", name,
                     min == max ? "" : "at least ", min, min == 1 ? "" : "s", nargs);
    struct chk_type in = at[0];
    const struct ast_node *f = first_field(e);
    const char *fname = f ? f->str.s : "";
    switch (e->xf) {
    case AST_XF_TOLOWER:
    case AST_XF_TOUPPER:
    case AST_XF_BASENAME:
        if (!is_stringy(in))
            goto unsupported;
        *out = in;
        return true;
    case AST_XF_B64:
        if (in.list || (fc_type_kind(in.t) != FC_TK_STR && in.t != PT_BYTEBUF))
            goto unsupported;
        *out = in;
        return true;
    case AST_XF_LEN:
        if (!in.list && fc_type_kind(in.t) != FC_TK_STR && in.t != PT_BYTEBUF)
            goto unsupported;
        *out = (struct chk_type){PT_UINT64, false};
        return true;
    case AST_XF_JOIN:
        *out = (struct chk_type){PT_CHARBUF, false};
        return true;
    case AST_XF_CONCAT:
        for (size_t i = 0; i < nargs && i < 16; i++)
            if (at[i].list)
                return xfail(er, e->kids[i], false,
                             "transformer 'concat' does not accept list-valued arguments");
        *out = (struct chk_type){PT_CHARBUF, false};
        return true;
    case AST_XF_GETOPT:
        if (!is_stringy(in))
            goto unsupported;
        *out = (struct chk_type){PT_CHARBUF, !e->has_arg};
        return true;
    case AST_XF_VAL:
        if (e->kids[0]->kind != AST_FIELD)
            return xfail(er, e, false, "expected a field within 'val' transformer");
        *out = in;
        return true;
    default:
        break;
    }
unsupported:
    return xfail(er, e, false,
                 "can't add field transformer: type '%s' is not supported by '%s' transformer "
                 "applied on field '%s'",
                 fc_type_name(in.t), name, fname);
}

static bool expr_type(const struct ast_node *e, struct chk_type *out, struct xerr *er)
{
    if (e->kind == AST_FIELD) {
        struct fc_field_ref ref;
        if (!field_ref(e, &ref, er))
            return false;
        out->t = ref.type;
        out->list = (ref.field->flags & FC_FF_LIST) && !e->has_arg;
        return true;
    }
    if (e->kind == AST_XFORM)
        return xf_type(e, out, er);
    return xfail(er, e, false, "expected a field or a transformer");
}

bool chk_expr_type(const struct ast_node *e, struct chk_type *out, char *err, size_t errsz)
{
    struct xerr er = {0};
    if (expr_type(e, out, &er))
        return true;
    snprintf(err, errsz, "%s", er.msg);
    return false;
}

/* ---- constants (§6.2) ----------------------------------------------------- */

static bool parse_int(const char *v, bool sign_ok)
{
    const char *p = v;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '-' || *p == '+') {
        if (*p == '-' && !sign_ok)
            return false;
        p++;
    }
    if (!isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    return *p == '\0';
}

static bool is_hex_string(const struct ast_str *s)
{
    if (s->len % 2)
        return false;
    for (size_t i = 0; i < s->len; i++)
        if (!isxdigit((unsigned char)s->s[i]))
            return false;
    return true;
}

/* Converts one constant to the left side's type; false with a message. */
static bool convert(struct chk_type t, enum ast_op op, const struct ast_node *c, struct xerr *er)
{
    const char *v = c->str.s;
    if (t.t == PT_DYN)
        return true; /* typed by the event parameter at run time */
    switch (fc_type_kind(t.t)) {
    case FC_TK_NUM:
        if (t.t == PT_PORT) {
            if (parse_int(v, false))
                return true;
            if (!getservbyname(v, NULL))
                return xfail(er, c, false, "unrecognized protocol %s", v);
            return true;
        }
        if (!parse_int(v, true))
            return xfail(er, c, false, "%s is not a valid number", v);
        return true;
    case FC_TK_BOOL:
        if (strcmp(v, "true") && strcmp(v, "false"))
            return xfail(er, c, false, "filter error: unrecognized boolean value %s", v);
        return true;
    case FC_TK_IPADDR: {
        struct op_ip ip;
        enum op_af af = t.t == PT_IPV4ADDR   ? OP_AF_INET
                        : t.t == PT_IPV6ADDR ? OP_AF_INET6
                                             : OP_AF_ANY;
        if (op_ip_parse(v, c->str.len, af, &ip))
            return xfail(er, c, false, "unrecognized IP address %s", v);
        return true;
    }
    case FC_TK_IPNET: {
        /* The parser the runtime builds the constant with decides. */
        struct op_net net;
        enum op_af af = t.t == PT_IPV4NET   ? OP_AF_INET
                        : t.t == PT_IPV6NET ? OP_AF_INET6
                                            : OP_AF_ANY;
        if (op_net_parse(v, c->str.len, af, &net))
            return xfail(er, c, false, "unrecognized IP network %s", v);
        return true;
    }
    case FC_TK_STR:
        if (memchr(v, '\0', c->str.len))
            return xfail(er, c, false, "string constants must not contain NUL bytes");
        return true;
    case FC_TK_BYTES:
        if ((op == AST_OP_BCONTAINS || op == AST_OP_BSTARTSWITH) && !is_hex_string(&c->str))
            return xfail(er, c, false,
                         "filter error: bcontains and bstartswith operator support hex strings "
                         "only");
        return true;
    default:
        return true;
    }
}

bool chk_endpoint_field(const struct ast_node *lhs, enum ppm_param_type *t)
{
    if (lhs->kind != AST_FIELD || lhs->has_arg)
        return false;
    const char *f = lhs->str.s;
    if (!strcmp(f, "fd.ip") || !strcmp(f, "fd.net")) {
        *t = !strcmp(f, "fd.net") ? PT_IPNET : PT_IPADDR;
        return true;
    }
    if (!strcmp(f, "fd.port") || !strcmp(f, "fd.proto")) {
        *t = PT_PORT;
        return true;
    }
    return false;
}

bool chk_around_field(const struct ast_node *lhs)
{
    return lhs->kind == AST_FIELD && !strcmp(lhs->str.s, "evt.around");
}

uint64_t chk_around_limit(const struct ast_node *c)
{
    uint64_t ms = 0;
    if (!chk_const_num(c, PT_UINT64, &ms))
        return 0;
    return ms > UINT64_MAX / 1000000u ? UINT64_MAX : ms * 1000000u;
}

bool chk_const_num(const struct ast_node *c, enum ppm_param_type t, uint64_t *out)
{
    return fc_const_num(t, c->str.s, c->str.len, out);
}

static bool check_regex(const struct ast_node *c, struct xerr *er)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)c->str.s, c->str.len, PCRE2_UTF, &code, &off, NULL);
    if (re) {
        pcre2_code_free(re);
        return true;
    }
    PCRE2_UCHAR msg[200];
    pcre2_get_error_message(code, msg, sizeof(msg));
    return xfail(er, c, false, "invalid regex pattern: %s", (const char *)msg);
}

/* ---- the walk ---------------------------------------------------------- */

/* Verdict cached on a CHECK node (node->user); shared macro bodies are
 * typed once. */
struct verdict {
    bool ok;
    struct xerr err;
    bool reported_error; /* the error was emitted (not only as a skip warning) */
};

struct ck {
    struct session *s;
    struct rl_rule *rule;
    struct chk_info *info;
    const struct mtext *text;
    struct src_pos fallback;
    struct rl_macro *via[64]; /* macro expansion chain, for notes */
    int nvia;
    bool failed, skipped;
    /* deprecated fields already warned about for this rule */
    const struct fc_field *deprecated[8];
    int ndeprecated;
};

static void add_unique(struct arena *a, const char ***v, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i], s))
            return;
    *v = arena_realloc(a, *v, *n * sizeof(**v), (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = s;
}

static struct src_pos node_pos(const struct ck *c, const struct ast_node *n)
{
    return mt_pos(c->text, n ? n->start : 0, c->fallback);
}

static void add_context(struct ck *c, struct diag *g, struct src_pos p)
{
    diag_loc(g, "rule", c->rule->name, item_pos(c->rule->item));
    diag_loc(g, "condition expression", "", p);
    for (int i = c->nvia - 1; i >= 0; i--)
        diag_note(&c->s->diags, g, item_pos(c->via[i]->item), "in macro '%s', defined",
                  c->via[i]->name);
}

static void report(struct ck *c, struct verdict *v)
{
    struct src_pos p = node_pos(c, v->err.at);
    uint32_t span = v->err.at ? v->err.at->end - v->err.at->start : 1;
    if (v->err.unknown && c->rule->skip_if_unknown_filter) {
        struct diag *g =
            diag_add(&c->s->diags, DIAG_LOAD_UNKNOWN_FILTER, p, span, "%s", v->err.msg);
        add_context(c, g, p);
        c->skipped = true;
        return;
    }
    c->failed = true;
    if (v->reported_error)
        return;
    v->reported_error = true;
    struct diag *g =
        diag_add(&c->s->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, p, span, "%s", v->err.msg);
    add_context(c, g, p);
}

static void warn(struct ck *c, enum diag_code code, const struct ast_node *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void warn(struct ck *c, enum diag_code code, const struct ast_node *at, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    struct src_pos p = node_pos(c, at);
    struct diag *g = diag_add(&c->s->diags, code, p, at ? at->end - at->start : 1, "%s", msg);
    add_context(c, g, p);
}

static const char *const regex_meta = "\\^$.|?*+()[]{}";

/* A regex whose only metacharacters are a leading ^ / .* / .+ / .?, or a
 * trailing $ / .* / .+ / .?, is a plain string comparison (§9.3). */
static bool regex_is_simple(const char *p, size_t n)
{
    if (n && p[0] == '^')
        p++, n--;
    else if (n >= 2 && p[0] == '.' && strchr("*+?", p[1]))
        p += 2, n -= 2;
    if (n && p[n - 1] == '$' && (n < 2 || p[n - 2] != '\\'))
        n--;
    else if (n >= 2 && p[n - 2] == '.' && strchr("*+?", p[n - 1]))
        n -= 2;
    for (size_t i = 0; i < n; i++)
        if (strchr(regex_meta, p[i]))
            return false;
    return true;
}

static void advise_constant(struct ck *c, const struct ast_node *k, enum ast_op op)
{
    /* Blanks removed, does the constant name a field or a transformer? */
    char tmp[256];
    size_t n = 0;
    for (size_t i = 0; i < k->str.len && n + 1 < sizeof(tmp); i++)
        if (!strchr(" \t\n\r\b", k->str.s[i]))
            tmp[n++] = k->str.s[i];
    tmp[n] = '\0';
    if (n && n < sizeof(tmp) - 1 && strchr(tmp, '.')) {
        char *br = strchr(tmp, '[');
        size_t nlen = br ? (size_t)(br - tmp) : n;
        struct fc_field_ref ref;
        if (br && tmp[n - 1] == ']')
            ref = fc_field_resolve(tmp, nlen, br + 1, n - nlen - 2, true, NULL, 0);
        else
            ref = fc_field_resolve(tmp, n, NULL, 0, false, NULL, 0);
        if (ref.status == FC_RESOLVE_OK) {
            warn(c, DIAG_LOAD_COMPILE_CONDITION, k,
                 "'%s' may be a valid field misused as a const string value", k->str.s);
            return;
        }
    }
    for (int x = 0; x < AST_XF_COUNT; x++) {
        size_t l = strlen(ast_xf_name[x]);
        if (n > l + 1 && !strncmp(tmp, ast_xf_name[x], l) && tmp[l] == '(' && tmp[n - 1] == ')') {
            warn(c, DIAG_LOAD_COMPILE_CONDITION, k,
                 "'%s' may be a valid field transformer misused as a const string value", k->str.s);
            return;
        }
    }
    if (op == AST_OP_REGEX && regex_is_simple(k->str.s, k->str.len))
        warn(c, DIAG_LOAD_COMPILE_CONDITION, k,
             "regex check with '%s' may be optimized with simpler operators such as '=', "
             "'contains', 'startswith', 'endswith'",
             k->str.s);
}

/* Falco warns about a fixed set of deprecated fields only (§9.3): the ones
 * enter events used to feed. Other catalogue rows flagged deprecated (the
 * container plugin's k8s.rc.* & co.) compile silently, as in Falco. */
static bool deprecated_in_condition(const struct fc_field *f)
{
    return (f->flags & FC_FF_DEPRECATED) &&
           (!strcmp(f->name, "evt.dir") || !strncmp(f->name, "evt.latency", 11) ||
            !strcmp(f->name, "evt.wait_latency"));
}

static void note_fields(struct ck *c, const struct ast_node *e)
{
    if (e->kind == AST_FIELD) {
        const char *name =
            e->has_arg ? arena_printf(&c->s->arena, "%s[%s]", e->str.s, e->arg.s) : e->str.s;
        add_unique(&c->s->arena, &c->info->fields, &c->info->nfields, name);
        struct fc_field_ref ref =
            fc_field_resolve(e->str.s, e->str.len, e->arg.s, e->arg.len, e->has_arg, NULL, 0);
        if (ref.status == FC_RESOLVE_OK && deprecated_in_condition(ref.field)) {
            for (int i = 0; i < c->ndeprecated; i++)
                if (c->deprecated[i] == ref.field)
                    return;
            if (c->ndeprecated < 8)
                c->deprecated[c->ndeprecated++] = ref.field;
            struct src_pos p = node_pos(c, e);
            struct diag *g = diag_add(&c->s->diags, DIAG_LOAD_DEPRECATED_ITEM, p, e->end - e->start,
                                      "%s", ref.field->desc);
            if (g)
                g->deprecated_field = ref.field->name;
            add_context(c, g, p);
        }
        return;
    }
    for (size_t i = 0; i < e->nkids; i++)
        note_fields(c, e->kids[i]);
}

static bool no_rhs_field(const struct ast_node *e, const char **name)
{
    if (e->kind == AST_FIELD) {
        struct fc_field_ref ref =
            fc_field_resolve(e->str.s, e->str.len, e->arg.s, e->arg.len, e->has_arg, NULL, 0);
        if (ref.status == FC_RESOLVE_OK && (ref.field->flags & FC_FF_NO_RHS)) {
            *name = ref.field->name;
            return true;
        }
        return false;
    }
    for (size_t i = 0; i < e->nkids; i++)
        if (no_rhs_field(e->kids[i], name))
            return true;
    return false;
}

static bool is_evt_type(const struct ast_node *e)
{
    return e->kind == AST_FIELD && !e->has_arg &&
           (!strcmp(e->str.s, "evt.type") || !strcmp(e->str.s, "syscall.type"));
}

static bool check_node(const struct ast_node *n, struct xerr *er)
{
    struct chk_type lt;
    if (!expr_type(n->lhs, &lt, er))
        return false;
    const struct ast_node *lf = n->lhs->kind == AST_FIELD ? n->lhs : NULL;
    if (lf) {
        struct fc_field_ref ref =
            fc_field_resolve(lf->str.s, lf->str.len, lf->arg.s, lf->arg.len, lf->has_arg, NULL, 0);
        if (ref.field->flags & FC_FF_OUTPUT_ONLY)
            return xfail(er, lf, false, "field '%s' can only be used in outputs", ref.field->name);
    }
    if (!op_allowed(n->op, n->mod, lt))
        return xfail(er, n, false, "filter error: '%s' operator not supported for %s filters",
                     ast_op_spelling[n->op], kind_word(fc_type_kind(lt.t), lt.list));
    if (chk_around_field(n->lhs) &&
        (n->op != AST_OP_EQ || n->mod != AST_MOD_NONE || n->rhs->kind != AST_STR))
        return xfail(er, n, false,
                     "filter error: evt.around supports only '=' comparison operator");
    if (n->op == AST_OP_EXISTS)
        return true;
    const struct ast_node *r = n->rhs;
    if (r->kind == AST_XFORM) {
        if (n->op == AST_OP_PMATCH || n->op == AST_OP_REGEX)
            return xfail(er, r, false, "operator '%s' doesn't support right-hand side fields",
                         ast_op_spelling[n->op]);
        if (fc_type_kind(lt.t) == FC_TK_IPNET)
            return xfail(er, r, false,
                         "ip network fields can't be compared with right-hand side fields");
        const char *nm;
        if (no_rhs_field(n->lhs, &nm) || no_rhs_field(r, &nm))
            return xfail(er, r, false,
                         "field '%s' can't be used in a comparison with a right-hand side field",
                         nm);
        struct chk_type rt;
        if (!expr_type(r, &rt, er))
            return false;
        if (rt.t != lt.t || rt.list != lt.list) {
            const struct ast_node *a = first_field(n->lhs), *b = first_field(r);
            return xfail(er, r, false,
                         "field '%s' has type '%s' while the right-hand side field '%s' has "
                         "incompatible type '%s'",
                         a ? a->str.s : "", fc_type_name(lt.t), b ? b->str.s : "",
                         fc_type_name(rt.t));
        }
        return true;
    }
    if (n->lhs->kind == AST_XFORM && ast_op_class[n->op] != AST_OPC_UNARY) {
        /* evt.type inside a transformer cannot drive the event-type index. */
        const struct ast_node *f = first_field(n->lhs);
        if (f && is_evt_type(f) &&
            (n->op == AST_OP_EQ || n->op == AST_OP_EQEQ || n->op == AST_OP_NE ||
             n->op == AST_OP_IN) &&
            n->mod == AST_MOD_NONE)
            return xfail(er, n->lhs, false, "'%s' can't be used inside a transformer here",
                         f->str.s);
    }
    size_t nk = r->kind == AST_LIST ? r->nkids : 1;
    for (size_t i = 0; i < nk; i++) {
        const struct ast_node *k = r->kind == AST_LIST ? r->kids[i] : r;
        if (!convert(lt, n->op, k, er))
            return false;
        if (n->op == AST_OP_REGEX && !check_regex(k, er))
            return false;
        if (lf && !strcmp(lf->str.s, "evt.type") && !lf->has_arg) {
            struct ev_set tmp;
            ev_set_clear(&tmp);
            if (!ev_codes_for_name(k->str.s, &tmp))
                return xfail(er, k, true, "unknown event type %s", k->str.s);
        }
    }
    return true;
}

static void walk(struct ck *c, const struct ast_node *n)
{
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
    case AST_NOT:
        for (size_t i = 0; i < n->nkids; i++)
            walk(c, n->kids[i]);
        return;
    case AST_ID: {
        struct rl_macro *m = n->user;
        struct res_macro *rm = m->resolved;
        bool seen = false;
        for (size_t i = 0; i < c->info->nmacros; i++)
            seen |= c->info->macros[i] == m;
        if (!seen) {
            c->info->macros =
                arena_realloc(&c->s->arena, c->info->macros, c->info->nmacros * sizeof(m),
                              (c->info->nmacros + 1) * sizeof(m));
            c->info->macros[c->info->nmacros++] = m;
        }
        if (c->nvia == 64)
            return; /* resolution already rejected loops; this bounds the walk */
        const struct mtext *saved = c->text;
        struct src_pos savedfb = c->fallback;
        c->via[c->nvia++] = m;
        c->text = &rm->text;
        c->fallback = item_pos(m->item);
        rm->evaluated_in_rule = true;
        walk(c, rm->tree);
        c->nvia--;
        c->text = saved;
        c->fallback = savedfb;
        return;
    }
    case AST_CHECK: {
        struct ast_node *cn = (struct ast_node *)n;
        add_unique(&c->s->arena, &c->info->ops, &c->info->nops,
                   n->mod == AST_MOD_NONE
                       ? ast_op_spelling[n->op]
                       : arena_printf(&c->s->arena, "%s %s", ast_op_spelling[n->op],
                                      ast_mod_word[n->mod]));
        struct verdict *v = cn->user;
        if (!v) {
            v = arena_alloc(&c->s->arena, sizeof(*v));
            v->ok = check_node(n, &v->err);
            cn->user = v;
        }
        if (!v->ok) {
            report(c, v);
            return;
        }
        note_fields(c, n->lhs);
        if (n->rhs && n->rhs->kind == AST_XFORM)
            note_fields(c, n->rhs);
        if (n->rhs && n->rhs->kind == AST_STR)
            advise_constant(c, n->rhs, n->op);
        if (n->rhs && n->rhs->kind == AST_LIST)
            for (size_t i = 0; i < n->rhs->nkids; i++)
                advise_constant(c, n->rhs->kids[i], n->op);
        return;
    }
    default:
        return;
    }
}

/* ---- outputs (§8) --------------------------------------------------------- */

static const char *const deprecated_output[] = {"evt.dir",           "evt.latency",
                                                "evt.latency.s",     "evt.latency.ns",
                                                "evt.latency.human", "evt.wait_latency"};

static void check_output(struct ck *c, struct res_rule *rr)
{
    struct rl_rule *rule = c->rule;
    if (!rule->output.n)
        return;
    struct mtext raw;
    mt_init(&raw, &c->s->arena);
    for (size_t i = 0; i < rule->output.n; i++) {
        if (i)
            mt_add_synth(&raw, " ", 1, rule->output.parts[i], 0);
        mt_add_value(&raw, rule->output.parts[i], 0, rule->output.parts[i]->len);
    }
    struct src_pos fb = {rule->output.parts[0]->src, rule->output.parts[0]->start};
    /* Trim, and drop %container.info (with Falco's warning). */
    const char *t = mt_str(&raw);
    size_t a = 0, b = mt_len(&raw);
    while (a < b && isspace((unsigned char)t[a]))
        a++;
    while (b > a && isspace((unsigned char)t[b - 1]))
        b--;
    struct out_fmt *of = arena_alloc(&c->s->arena, sizeof(*of));
    mt_init(&of->text, &c->s->arena);
    static const char info[] = "%container.info";
    bool warned = false; /* Falco warns once per output, removes every one */
    for (size_t i = a; i < b;) {
        const char *hit = memmem(t + i, b - i, info, sizeof(info) - 1);
        size_t stop = hit ? (size_t)(hit - t) : b;
        mt_add_range(&of->text, &raw, i, stop);
        if (!hit)
            break;
        i = stop + sizeof(info) - 1;
        if (warned)
            continue;
        warned = true;
        struct src_pos p = mt_pos(&raw, stop, fb);
        struct diag *g = diag_add(
            &c->s->diags, DIAG_LOAD_DEPRECATED_ITEM, p, sizeof(info) - 1,
            "%%container.info is deprecated and no more useful, and will be dropped by Falco "
            "1.0.0. The container plugin will automatically add required fields to the output "
            "message.");
        diag_loc(g, "rule", rule->name, item_pos(rule->item));
        diag_loc(g, "rule output", "", p);
    }
    for (size_t i = 0; i < sizeof(deprecated_output) / sizeof(*deprecated_output); i++) {
        const char *hit = strstr(mt_str(&of->text), deprecated_output[i]);
        if (!hit)
            continue;
        struct src_pos p = mt_pos(&of->text, (size_t)(hit - mt_str(&of->text)), fb);
        struct diag *g = diag_add(&c->s->diags, DIAG_LOAD_DEPRECATED_ITEM, p,
                                  (uint32_t)strlen(deprecated_output[i]),
                                  "usage of deprecated field '%s' has been detected in the rule "
                                  "output",
                                  deprecated_output[i]);
        if (g)
            g->deprecated_field = deprecated_output[i];
        diag_loc(g, "rule", rule->name, item_pos(rule->item));
        diag_loc(g, "rule output", "", p);
    }
    char err[320];
    uint32_t eoff = 0;
    if (!out_parse(&c->s->arena, mt_str(&of->text), mt_len(&of->text), &of->toks, &of->n, err,
                   sizeof(err), &eoff)) {
        struct src_pos p = mt_pos(&of->text, eoff, fb);
        bool unknown = !strncmp(err, "unknown filter:", 15);
        enum diag_code code = unknown && rule->skip_if_unknown_filter
                                  ? DIAG_LOAD_UNKNOWN_FILTER
                                  : DIAG_LOAD_ERR_COMPILE_OUTPUT;
        struct diag *g = diag_add(&c->s->diags, code, p, 1, "%s", err);
        diag_loc(g, "rule", rule->name, item_pos(rule->item));
        diag_loc(g, "rule output", "", p);
        if (code == DIAG_LOAD_UNKNOWN_FILTER)
            c->skipped = true;
        else
            c->failed = true;
        return;
    }
    for (size_t i = 0; i < of->n; i++) {
        const struct out_tok *tk = &of->toks[i];
        if (!tk->is_field)
            continue;
        const struct ast_node *f = first_field(tk->expr);
        if (f) {
            struct fc_field_ref ref =
                fc_field_resolve(f->str.s, f->str.len, f->arg.s, f->arg.len, f->has_arg, NULL, 0);
            if (ref.status == FC_RESOLVE_OK && (ref.field->flags & FC_FF_FILTER_ONLY)) {
                struct src_pos p = mt_pos(&of->text, tk->off, fb);
                struct diag *g =
                    diag_add(&c->s->diags, DIAG_LOAD_ERR_COMPILE_OUTPUT, p, (uint32_t)tk->len + 1,
                             "'%s' is filter only and cannot be used as a display "
                             "field",
                             ref.field->name);
                diag_loc(g, "rule", rule->name, item_pos(rule->item));
                diag_loc(g, "rule output", "", p);
                c->failed = true;
            }
        }
        add_unique(&c->s->arena, &c->info->out_fields, &c->info->nout_fields,
                   arena_strndup(&c->s->arena, tk->text, tk->len));
    }
    rr->output = of;
}

/* ---- driver -------------------------------------------------------------- */

/* Every exception field must work as the left side of a check (§3.1),
 * whether or not the exception has values yet. */
static bool check_exception_fields(struct session *s, struct rl_rule *rule)
{
    bool ok = true;
    for (size_t i = 0; i < rule->nexceptions; i++) {
        const struct rl_exception *e = &rule->exceptions[i];
        for (size_t k = 0; k < e->nfields; k++) {
            const struct ynode *f = e->fields[k];
            if (chk_parse_lhs(&s->arena, f->value, f->len))
                continue;
            struct src_pos p = {f->src, f->start};
            struct diag *g =
                diag_add(&s->diags, DIAG_LOAD_ERR_VALIDATE, p, (uint32_t)(f->end - f->start),
                         "'%s' is not a supported filter field", f->value);
            diag_loc(g, "rule", rule->name, item_pos(rule->item));
            diag_loc(g, "exception", e->name, (struct src_pos){e->node->src, e->node->start});
            ok = false;
        }
    }
    return ok;
}

static void check_rule(struct session *s, struct rl_rule *rule)
{
    struct res_rule *rr = rule->resolved;
    if (!check_exception_fields(s, rule) && rr)
        rr->ok = false;
    if (!rr || !rr->tree || !rr->ok)
        return;
    struct ck c = {0};
    c.s = s;
    c.rule = rule;
    c.info = arena_alloc(&s->arena, sizeof(*c.info));
    c.text = &rr->text;
    c.fallback = rule->cond.n
                     ? (struct src_pos){rule->cond.parts[0]->src, rule->cond.parts[0]->start}
                     : item_pos(rule->item);
    rr->info = c.info;
    walk(&c, rr->tree);
    if (!c.failed && !c.skipped) {
        char err[256];
        if (!chk_evttypes(rr->tree, false, &c.info->evttypes, err, sizeof(err))) {
            struct diag *g =
                diag_add(&s->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, c.fallback, 1, "%s", err);
            add_context(&c, g, c.fallback);
            c.failed = true;
        }
    }
    if (!c.failed)
        check_output(&c, rr);
    if (c.failed || c.skipped) {
        rr->ok = false;
        rr->skipped = c.skipped && !c.failed;
        return;
    }
    int n = ev_set_count(&c.info->evttypes);
    /* More than 100 codes. (0.44 also warned for an empty set; newer engines
     * do not, and with evt.num invariants an empty set is a deliberately
     * false placeholder such as never_true. lint reports it instead.) */
    if (rule->warn_evttypes && n > 100) {
        struct diag *g = diag_add(&s->diags, DIAG_LOAD_NO_EVTTYPE, item_pos(rule->item), 1,
                                  "Rule matches too many evt.type values. This has a significant "
                                  "performance penalty.");
        diag_loc(g, "rule", rule->name, item_pos(rule->item));
    }
}

/* x.y.z into three numbers; false when it is not one. */
static bool semver(const char *v, unsigned long out[3])
{
    for (int i = 0; i < 3; i++) {
        char *end;
        if (!isdigit((unsigned char)*v))
            return false;
        out[i] = strtoul(v, &end, 10);
        v = end;
        if (i < 2 && *v++ != '.')
            return false;
    }
    return true;
}

/* required_plugin_versions after every file is loaded (§10): the first
 * alternative naming a plugin we provide decides. We provide one plugin,
 * "container", through the built-in container fields. */
static void check_plugin_reqs(struct session *s)
{
    const struct rl_set *set = &s->set;
    unsigned long have[3];
    semver(RL_CONTAINER_PLUGIN_VERSION, have);
    for (size_t g = 0; g < set->nplugin_reqs; g++) {
        const struct rl_plugin_req *alts = set->plugin_reqs[g];
        size_t n = set->plugin_nalts[g];
        const struct rl_plugin_req *pick = NULL;
        for (size_t i = 0; i < n && !pick; i++)
            if (!strcmp(alts[i].name, "container"))
                pick = &alts[i];
        const struct ynode *at = n ? alts[0].node : NULL;
        struct src_pos p = at ? (struct src_pos){at->src, at->start} : (struct src_pos){0};
        if (!pick) {
            struct buf b;
            buf_init(&b, &s->arena);
            for (size_t i = 0; i < n; i++)
                buf_printf(&b, "%s%s (>= %s)", i ? ", " : "", alts[i].name, alts[i].version);
            struct diag *d =
                diag_add(&s->diags, DIAG_LOAD_ERR_VALIDATE, p, 1,
                         "Plugin requirement not satisfied, must load one of: %s", buf_cstr(&b));
            diag_loc(d, "required plugin versions", "", p);
            continue;
        }
        unsigned long req[3];
        bool ok = semver(pick->version, req) && req[0] == have[0] &&
                  (have[1] > req[1] || (have[1] == req[1] && have[2] >= req[2]));
        if (!ok) {
            p = pick->node ? (struct src_pos){pick->node->src, pick->node->start} : p;
            struct diag *d = diag_add(
                &s->diags, DIAG_LOAD_ERR_VALIDATE, p, 1,
                "Plugin '%s' version '%s' is not compatible with required plugin version '%s'",
                pick->name, RL_CONTAINER_PLUGIN_VERSION, pick->version);
            diag_loc(d, "required plugin versions", "", p);
        }
    }
}

bool chk_run(struct session *s)
{
    size_t before = s->diags.nerrors;
    struct rl_set *set = &s->set;
    check_plugin_reqs(s);
    for (size_t i = 0; i < set->nrules; i++)
        if (set->rules[i]->source_known)
            check_rule(s, set->rules[i]);
    /* Like Falco, which stops compiling at an error before this pass: a
     * failed rule may well have been the user of a macro or list. */
    bool clean = (s->diags.step_result ? s->diags.step_errors : s->diags.nerrors) == 0;
    for (size_t i = 0; i < set->nmacros && clean; i++) {
        struct rl_macro *m = set->macros[i];
        if (!m->used) {
            struct diag *g = diag_add(&s->diags, DIAG_LOAD_UNUSED_MACRO, item_pos(m->item), 1,
                                      "Macro not referred to by any other rule/macro");
            diag_loc(g, "macro", m->name, item_pos(m->item));
        }
    }
    for (size_t i = 0; i < set->nlists && clean; i++) {
        struct rl_list *l = set->lists[i];
        if (!l->used) {
            struct diag *g = diag_add(&s->diags, DIAG_LOAD_UNUSED_LIST, item_pos(l->item), 1,
                                      "List not referred to by any other rule/macro");
            diag_loc(g, "list", l->name, item_pos(l->item));
        }
    }
    if (s->diags.lint)
        lint_run(s);
    return s->diags.nerrors == before;
}
