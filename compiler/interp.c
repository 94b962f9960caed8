/*
 * interp.c - the reference evaluator (see interp.h).
 *
 * Input: a resolved, type-checked tree and an event behind the evaluation
 * ABI. Output: true or false, and the check that decided it. This is the
 * oracle for compiled code, so every operator here is written the plainest
 * way that is obviously right (libc fnmatch, memmem, linear scans, a PCRE2
 * compile per use) and shares no code with the optimised operators of
 * stdlib/ops: a bug in one shows up as a disagreement with the other.
 * Scratch values (transformer results) live in an arena freed per call.
 */
#include "interp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <fnmatch.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "check.h"
#include "fc_fields.h"
#include "session.h"

/* One value of a read: text (strings, buffers), a number, or an address. */
struct ival {
    enum fc_tkind k;
    const char *p;
    size_t len;
    uint64_t n;
    struct fc_ip ip;
};

/* The values of one side: `ok` false means the read failed. */
struct ivals {
    bool ok;
    struct ival *v;
    size_t n;
    enum ppm_param_type type;
    bool list; /* list-valued: in / intersects test every / some element */
    bool any;  /* ancestors without index: true if any value satisfies */
};

struct ev {
    struct arena a;
    const struct fc_ctx *ctx;
};

static void push(struct ev *e, struct ivals *vs, struct ival v)
{
    vs->v = arena_realloc(&e->a, vs->v, vs->n * sizeof(v), (vs->n + 1) * sizeof(v));
    vs->v[vs->n++] = v;
}

/* ---- reading fields ---- */

static struct fc_fref fref_of(const struct ast_node *f, const char *name)
{
    struct fc_field_ref r =
        fc_field_resolve(name, strlen(name), f->arg.s, f->arg.len, f->has_arg, NULL, 0);
    struct fc_fref x = {0};
    if (r.status != FC_RESOLVE_OK)
        return x;
    x.field = r.field->id;
    x.argkind = r.argkind;
    x.index = r.index;
    x.key = r.key;
    x.key_len = (uint32_t)r.key_len;
    x.type = r.type;
    return x;
}

static bool read_one(struct ev *e, const struct fc_fref *f, uint32_t i, struct ival *out)
{
    const struct fc_ctx *c = e->ctx;
    enum fc_tkind k = fc_type_kind((enum ppm_param_type)f->type);
    out->k = k;
    if (k == FC_TK_STR || k == FC_TK_BYTES || k == FC_TK_OTHER) {
        struct fc_str s = c->prov->get_str(c, f, i);
        out->p = s.p;
        out->len = s.len;
        if (k == FC_TK_STR && s.ok && out->p) /* compared as a C string (§6.1) */
            out->len = strnlen(out->p, out->len);
        return s.ok;
    }
    if (k == FC_TK_IPADDR || k == FC_TK_IPNET) {
        out->ip = c->prov->get_ip(c, f, i);
        return out->ip.family != 0;
    }
    struct fc_num n = c->prov->get_num(c, f, i);
    out->n = n.v;
    return n.ok;
}

static bool is_ancestor(uint32_t id)
{
    return id == FC_F_PROC_ANAME || id == FC_F_PROC_APID || id == FC_F_PROC_AEXE ||
           id == FC_F_PROC_AEXEPATH || id == FC_F_PROC_ACMDLINE || id == FC_F_PROC_AENV;
}

static void read_field(struct ev *e, const struct ast_node *f, struct ivals *out)
{
    memset(out, 0, sizeof(*out));
    struct fc_fref r = fref_of(f, f->str.s);
    const struct fc_field *fd = fc_field_get((int)r.field);
    if (!fd)
        return;
    out->type = (enum ppm_param_type)r.type;
    bool multi = (fd->flags & FC_FF_LIST) && !f->has_arg;
    bool any = is_ancestor(r.field) && r.argkind == FC_ARGV_NONE;
    if (multi || any) {
        uint32_t n = e->ctx->prov->count(e->ctx, &r);
        /* A count of 0 means the field could not be read at all (fc_abi.h). */
        out->ok = n > 0;
        out->list = multi;
        out->any = any;
        for (uint32_t i = 0; i < n; i++) {
            struct ival v = {0};
            if (read_one(e, &r, i, &v))
                push(e, out, v);
        }
        if (any && out->n == 0)
            out->ok = false;
        return;
    }
    struct ival v = {0};
    out->ok = read_one(e, &r, 0, &v);
    if (out->ok)
        push(e, out, v);
}

/* ---- transformers ---- */

static void to_text(struct ev *e, const struct ival *v, enum ppm_param_type t, const char **p,
                    size_t *n)
{
    if (v->k == FC_TK_STR || v->k == FC_TK_BYTES || v->k == FC_TK_OTHER) {
        *p = v->p;
        *n = v->len;
    } else if (v->k == FC_TK_IPADDR || v->k == FC_TK_IPNET) {
        char *b = arena_alloc(&e->a, INET6_ADDRSTRLEN);
        inet_ntop(v->ip.family == 4 ? AF_INET : AF_INET6, v->ip.addr, b, INET6_ADDRSTRLEN);
        *p = b;
        *n = strlen(b);
    } else if (v->k == FC_TK_BOOL) {
        *p = v->n ? "true" : "false";
        *n = strlen(*p);
    } else {
        char *b = arena_printf(&e->a, fc_type_signed(t) ? "%lld" : "%llu", (long long)v->n);
        *p = b;
        *n = strlen(b);
    }
}

static int b64val(int c)
{
    const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *q = c ? strchr(tab, c) : NULL;
    return q ? (int)(q - tab) : -1;
}

/* Plain base64 decoding, padding optional; false on anything else: bad
 * characters, more than two '=' (which are optional and not counted), bits
 * left over that are not zero. */
static bool b64(struct ev *e, const char *s, size_t n, const char **out, size_t *outn)
{
    size_t pad = 0;
    while (n && s[n - 1] == '=')
        n--, pad++;
    if (n % 4 == 1 || pad > 2 || (pad && !n))
        return false;
    char *o = arena_alloc(&e->a, n + 1);
    size_t k = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64val((unsigned char)s[i]);
        if (v < 0)
            return false;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[k++] = (char)(acc >> bits & 0xff);
        }
    }
    if (acc & ((1u << bits) - 1))
        return false; /* non-canonical: leftover bits must be zero */
    *out = o;
    *outn = k;
    return true;
}

static void eval_expr(struct ev *e, const struct ast_node *x, struct ivals *out);

static struct ival text_val(const char *p, size_t n)
{
    struct ival v = {0};
    v.k = FC_TK_STR;
    v.p = p;
    v.len = n;
    return v;
}

/* Appends the text of every value of an argument (fields, nested
 * transformers, constants) to parts; false if a read failed. */
static bool arg_texts(struct ev *e, const struct ast_node *a, struct ivals *parts)
{
    if (a->kind == AST_STR) {
        push(e, parts, text_val(a->str.s, a->str.len));
        return true;
    }
    if (a->kind == AST_TLIST) {
        for (size_t i = 0; i < a->nkids; i++)
            if (!arg_texts(e, a->kids[i], parts))
                return false;
        return true;
    }
    struct ivals v;
    eval_expr(e, a, &v);
    if (!v.ok)
        return false;
    for (size_t i = 0; i < v.n; i++) {
        const char *p;
        size_t n;
        to_text(e, &v.v[i], v.type, &p, &n);
        push(e, parts, text_val(p, n));
    }
    return true;
}

/* getopt(ARGV, OPTSTRING): option letters (with '?' for unknown ones) each
 * followed by its argument when it takes one; with [x], the argument of the
 * last -x. Parsing stops at "--" or at the first non-option word. */
static void xf_getopt(struct ev *e, const struct ast_node *x, struct ivals *out)
{
    struct ivals argv = {0};
    if (!arg_texts(e, x->kids[0], &argv))
        return;
    /* A single string is split into words. */
    if (argv.n == 1) {
        struct ivals w = {0};
        const char *p = argv.v[0].p, *end = p + argv.v[0].len;
        while (p < end) {
            while (p < end && *p == ' ')
                p++;
            const char *s = p;
            while (p < end && *p != ' ')
                p++;
            if (p > s)
                push(e, &w, text_val(s, (size_t)(p - s)));
        }
        argv = w;
    }
    const char *opts = x->kids[1]->str.s;
    struct ivals res = {0};
    const char *last = NULL;
    size_t lastn = 0;
    bool found = false;
    for (size_t i = 0; i < argv.n; i++) {
        const char *a = argv.v[i].p;
        size_t an = argv.v[i].len;
        if (an < 2 || a[0] != '-' || (an == 2 && a[1] == '-'))
            break;
        for (size_t j = 1; j < an; j++) {
            const char *o = a[j] != ':' ? strchr(opts, a[j]) : NULL;
            char *letter = arena_strndup(&e->a, o ? &a[j] : "?", 1);
            push(e, &res, text_val(letter, 1));
            if (o && o[1] == ':') {
                const char *val = a + j + 1;
                size_t vn = an - j - 1;
                if (!vn && i + 1 < argv.n) {
                    val = argv.v[i + 1].p;
                    vn = argv.v[i + 1].len;
                    i++;
                }
                push(e, &res, text_val(val, vn));
                if (x->has_arg && x->arg.len == 1 && x->arg.s[0] == a[j]) {
                    last = val;
                    lastn = vn;
                    found = true;
                }
                break;
            }
        }
    }
    out->type = PT_CHARBUF;
    if (x->has_arg) {
        out->ok = found;
        if (found)
            push(e, out, text_val(last, lastn));
        return;
    }
    out->ok = true;
    out->list = true;
    out->v = res.v;
    out->n = res.n;
}

static void eval_xf(struct ev *e, const struct ast_node *x, struct ivals *out)
{
    memset(out, 0, sizeof(*out));
    if (x->xf == AST_XF_VAL) {
        read_field(e, x->kids[0], out);
        return;
    }
    if (x->xf == AST_XF_JOIN || x->xf == AST_XF_CONCAT) {
        struct ivals parts = {0};
        size_t first = x->xf == AST_XF_JOIN ? 1 : 0;
        for (size_t i = first; i < x->nkids; i++)
            if (!arg_texts(e, x->kids[i], &parts))
                return;
        struct buf b;
        buf_init(&b, &e->a);
        buf_add(&b, "", 0);
        for (size_t i = 0; i < parts.n; i++) {
            if (i && x->xf == AST_XF_JOIN)
                buf_add(&b, x->kids[0]->str.s, x->kids[0]->str.len);
            buf_add(&b, parts.v[i].p, parts.v[i].len);
        }
        out->ok = true;
        out->type = PT_CHARBUF;
        push(e, out, text_val(b.data, b.len));
        return;
    }
    if (x->xf == AST_XF_GETOPT) {
        xf_getopt(e, x, out);
        return;
    }
    struct ivals in;
    eval_expr(e, x->kids[0], &in);
    if (!in.ok)
        return;
    out->ok = true;
    out->type = in.type;
    out->list = in.list;
    out->any = in.any;
    if (x->xf == AST_XF_LEN) {
        out->type = PT_UINT64;
        out->list = out->any = false;
        struct ival v = {0};
        v.k = FC_TK_NUM;
        v.n = in.list ? in.n : in.n ? in.v[0].len : 0;
        push(e, out, v);
        return;
    }
    for (size_t i = 0; i < in.n; i++) {
        struct ival v = in.v[i];
        char *d;
        switch (x->xf) {
        case AST_XF_TOLOWER:
        case AST_XF_TOUPPER:
            d = arena_strndup(&e->a, v.p, v.len);
            for (size_t k = 0; k < v.len; k++)
                d[k] = (char)(x->xf == AST_XF_TOLOWER ? tolower((unsigned char)d[k])
                                                      : toupper((unsigned char)d[k]));
            v.p = d;
            break;
        case AST_XF_B64:
            if (!b64(e, v.p, v.len, &v.p, &v.len)) {
                out->ok = false; /* invalid base64 fails the extraction */
                return;
            }
            break;
        case AST_XF_BASENAME: {
            const char *slash = v.len ? memrchr(v.p, '/', v.len) : NULL;
            if (slash) {
                v.len -= (size_t)(slash + 1 - v.p);
                v.p = slash + 1;
            }
            break;
        }
        default:
            break;
        }
        push(e, out, v);
    }
}

static void eval_expr(struct ev *e, const struct ast_node *x, struct ivals *out)
{
    if (x->kind == AST_FIELD)
        read_field(e, x, out);
    else
        eval_xf(e, x, out);
}

/* ---- constants ---- */

static bool const_ip(const struct ast_node *c, struct fc_ip *ip)
{
    memset(ip, 0, sizeof(*ip));
    char buf[80];
    snprintf(buf, sizeof(buf), "%s", c->str.s);
    char *slash = strchr(buf, '/');
    int prefix = -1;
    if (slash) {
        *slash = '\0';
        prefix = atoi(slash + 1);
    }
    if (inet_pton(AF_INET, buf, ip->addr) == 1)
        ip->family = 4;
    else if (inet_pton(AF_INET6, buf, ip->addr) == 1)
        ip->family = 6;
    else
        return false;
    ip->prefix = (uint8_t)(prefix >= 0 ? prefix : ip->family == 4 ? 32 : 128);
    return true;
}

/* Is `a` inside network `net` (host bits of the constant ignored)? */
static bool in_net(const struct fc_ip *a, const struct fc_ip *net)
{
    if (a->family != net->family)
        return false;
    int bits = net->prefix;
    for (int i = 0; i < 16 && bits > 0; i++, bits -= 8) {
        uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
        if ((a->addr[i] & mask) != (net->addr[i] & mask))
            return false;
    }
    return true;
}

static bool hex_decode(struct ev *e, const struct ast_str *s, const char **out, size_t *n)
{
    char *o = arena_alloc(&e->a, s->len / 2 + 1);
    for (size_t i = 0; i + 1 < s->len; i += 2) {
        char h[3] = {s->s[i], s->s[i + 1], 0};
        o[i / 2] = (char)strtol(h, NULL, 16);
    }
    *out = o;
    *n = s->len / 2;
    return true;
}

/* ---- comparing one value with one constant ---- */

static bool ci_contains(const char *h, size_t hn, const char *nd, size_t nn)
{
    if (nn == 0)
        return true;
    for (size_t i = 0; i + nn <= hn; i++) {
        size_t k = 0;
        while (k < nn && tolower((unsigned char)h[i + k]) == tolower((unsigned char)nd[k]))
            k++;
        if (k == nn)
            return true;
    }
    return false;
}

/* Length of the well-formed UTF-8 sequence at s, or 0; *sub gets the length
 * of the maximal ill-formed subpart when it is not well formed. */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t *sub)
{
    unsigned c = s[0];
    size_t need = c < 0x80                 ? 1
                  : c >= 0xC2 && c <= 0xDF ? 2
                  : c >= 0xE0 && c <= 0xEF ? 3
                  : c >= 0xF0 && c <= 0xF4 ? 4
                                           : 0;
    *sub = 1;
    if (need <= 1)
        return need;
    unsigned lo = 0x80, hi = 0xBF; /* the second byte's range depends on the first */
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    for (size_t i = 1; i < need; i++) {
        if (i >= n || s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xBF)) {
            *sub = i;
            return 0;
        }
    }
    return need;
}

static bool full_regex(const char *pat, size_t pn, const char *s, size_t n)
{
    /* Invalid UTF-8 reads as U+FFFD, one per maximal ill-formed subpart. */
    char *clean = malloc(n * 3 + 1);
    size_t cn = 0;
    for (size_t i = 0; i < n;) {
        size_t sub, k = utf8_seq((const unsigned char *)s + i, n - i, &sub);
        if (k) {
            memcpy(clean + cn, s + i, k);
            cn += k;
            i += k;
        } else {
            memcpy(clean + cn, "\xEF\xBF\xBD", 3);
            cn += 3;
            i += sub;
        }
    }
    s = clean;
    n = cn;
    int code;
    PCRE2_SIZE off;
    pcre2_code *re =
        /* RE2, Falco's engine, reads UTF-8: '.' is a character, not a byte. */
        pcre2_compile((PCRE2_SPTR)pat, pn,
                      PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                      &code, &off, NULL);
    if (!re) {
        free(clean);
        return false;
    }
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    free(clean);
    return rc >= 0;
}

/* pmatch of one path against one entry, component by component. */
static bool pmatch_one(const char *entry, const char *path, size_t pn)
{
    char *p = strndup(path, pn);
    char *ent = strdup(entry);
    bool ok = true;
    char *sp1 = NULL, *sp2 = NULL;
    char *ec = strtok_r(ent, "/", &sp1), *pc = strtok_r(p, "/", &sp2);
    for (; ec; ec = strtok_r(NULL, "/", &sp1), pc = strtok_r(NULL, "/", &sp2)) {
        if (!pc) {
            ok = false;
            break;
        }
        bool glob = strpbrk(ec, "*?[") != NULL;
        if (glob ? fnmatch(ec, pc, 0) != 0 : strcmp(ec, pc) != 0) {
            ok = false;
            break;
        }
    }
    free(p);
    free(ent);
    return ok;
}

static bool str_op(struct ev *e, enum ast_op op, const char *v, size_t vn, const struct ast_node *c)
{
    const char *k = c->str.s;
    size_t kn = c->str.len;
    int cmp;
    switch (op) {
    case AST_OP_EQ:
    case AST_OP_EQEQ:
    case AST_OP_IN:
    case AST_OP_INTERSECTS:
        return vn == kn && !memcmp(v, k, vn);
    case AST_OP_NE:
        return !(vn == kn && !memcmp(v, k, vn));
    case AST_OP_LT:
    case AST_OP_LE:
    case AST_OP_GT:
    case AST_OP_GE:
        cmp = memcmp(v, k, vn < kn ? vn : kn);
        if (!cmp)
            cmp = vn < kn ? -1 : vn > kn;
        return op == AST_OP_LT   ? cmp < 0
               : op == AST_OP_LE ? cmp <= 0
               : op == AST_OP_GT ? cmp > 0
                                 : cmp >= 0;
    case AST_OP_CONTAINS:
        return kn == 0 || memmem(v, vn, k, kn) != NULL;
    case AST_OP_ICONTAINS:
        return ci_contains(v, vn, k, kn);
    case AST_OP_STARTSWITH:
        return vn >= kn && !memcmp(v, k, kn);
    case AST_OP_ENDSWITH:
        return vn >= kn && !memcmp(v + vn - kn, k, kn);
    case AST_OP_BCONTAINS:
    case AST_OP_BSTARTSWITH: {
        const char *h;
        size_t hn;
        hex_decode(e, &c->str, &h, &hn);
        if (op == AST_OP_BSTARTSWITH)
            return vn >= hn && !memcmp(v, h, hn);
        return hn == 0 || memmem(v, vn, h, hn) != NULL;
    }
    case AST_OP_GLOB:
    case AST_OP_IGLOB: {
        char *s = arena_strndup(&e->a, v, vn);
        return fnmatch(k, s, op == AST_OP_IGLOB ? FNM_CASEFOLD : 0) == 0;
    }
    case AST_OP_REGEX:
        return full_regex(k, kn, v, vn);
    case AST_OP_PMATCH:
        return pmatch_one(k, v, vn);
    default:
        return false;
    }
}

static bool num_op(enum ast_op op, uint64_t a, uint64_t b, bool sign)
{
    int cmp =
        sign ? ((int64_t)a < (int64_t)b ? -1 : (int64_t)a > (int64_t)b) : (a < b ? -1 : a > b);
    switch (op) {
    case AST_OP_EQ:
    case AST_OP_EQEQ:
    case AST_OP_IN:
    case AST_OP_INTERSECTS:
        return cmp == 0;
    case AST_OP_NE:
        return cmp != 0;
    case AST_OP_LT:
        return cmp < 0;
    case AST_OP_LE:
        return cmp <= 0;
    case AST_OP_GT:
        return cmp > 0;
    case AST_OP_GE:
        return cmp >= 0;
    default:
        return false;
    }
}

/* v OP c for one value and one constant; set ops compare for equality. */
static bool one(struct ev *e, enum ast_op op, const struct ival *v, enum ppm_param_type t,
                const struct ast_node *c)
{
    switch (fc_type_kind(t)) {
    case FC_TK_NUM:
    case FC_TK_BOOL: {
        uint64_t k;
        return chk_const_num(c, t, &k) && num_op(op, v->n, k, fc_type_signed(t));
    }
    case FC_TK_IPADDR:
    case FC_TK_IPNET: {
        struct fc_ip k;
        if (!const_ip(c, &k))
            return false;
        bool net = fc_type_kind(t) == FC_TK_IPNET;
        bool eq = net ? in_net(&v->ip, &k)
                      : v->ip.family == k.family &&
                            !memcmp(v->ip.addr, k.addr, v->ip.family == 4 ? 4 : 16);
        return op == AST_OP_NE ? !eq : eq;
    }
    default:
        return str_op(e, op, v->p, v->len, c);
    }
}

/* v OP rhs where rhs is a constant, a list of constants, or a modifier. */
static bool against_consts(struct ev *e, const struct ast_node *n, const struct ival *v,
                           enum ppm_param_type t)
{
    const struct ast_node *r = n->rhs;
    size_t nk = r->kind == AST_LIST ? r->nkids : 1;
    if (n->mod != AST_MOD_NONE) {
        size_t hits = 0;
        for (size_t i = 0; i < nk; i++)
            hits += one(e, n->op, v, t, r->kind == AST_LIST ? r->kids[i] : r);
        if (nk == 0)
            return false;
        return n->mod == AST_MOD_ONEOF   ? hits == 1
               : n->mod == AST_MOD_ANYOF ? hits > 0
                                         : hits == nk;
    }
    if (n->op == AST_OP_IN || n->op == AST_OP_INTERSECTS || n->op == AST_OP_PMATCH) {
        for (size_t i = 0; i < nk; i++)
            if (one(e, n->op, v, t, r->kind == AST_LIST ? r->kids[i] : r))
                return true;
        return false;
    }
    return one(e, n->op, v, t, r);
}

/* v OP w, two extracted values (field on the right). */
static bool against_value(struct ev *e, enum ast_op op, const struct ival *v, const struct ival *w,
                          enum ppm_param_type t)
{
    switch (fc_type_kind(t)) {
    case FC_TK_NUM:
    case FC_TK_BOOL:
        return num_op(op, v->n, w->n, fc_type_signed(t));
    case FC_TK_IPADDR:
    case FC_TK_IPNET: {
        bool eq = v->ip.family == w->ip.family && !memcmp(v->ip.addr, w->ip.addr, 16);
        return op == AST_OP_NE ? !eq : eq;
    }
    default: {
        /* A field on the right is raw bytes, never hex text. */
        if (op == AST_OP_BCONTAINS)
            return w->len == 0 || memmem(v->p, v->len, w->p, w->len) != NULL;
        if (op == AST_OP_BSTARTSWITH)
            return v->len >= w->len && !memcmp(v->p, w->p, w->len);
        struct ast_node c = {0};
        c.kind = AST_STR;
        c.str.s = arena_strndup(&e->a, w->p, w->len);
        c.str.len = w->len;
        return str_op(e, op, v->p, v->len, &c);
    }
    }
}

/* ---- fields with their own comparison rules (§6.4) ---- */

/* fd.ip, fd.port, fd.proto, fd.net: either endpoint; != needs both to differ. */

static bool eval_endpoints(struct ev *e, const struct ast_node *n, enum ppm_param_type t)
{
    const char *lhs = n->lhs->str.s;
    struct fc_fref r = fref_of(n->lhs, lhs);
    struct ival cv = {0}, sv = {0};
    bool c_ok = read_one(e, &r, CHK_END_CLIENT, &cv);
    bool s_ok = read_one(e, &r, CHK_END_SERVER, &sv);
    if (n->op == AST_OP_EXISTS)
        return c_ok || s_ok;
    if (!c_ok && !s_ok)
        return false;

    struct ast_node m = *n;
    /* Upstream fd.net uses only the first network of an `in` list. */
    struct ast_node first;
    if (!strcmp(lhs, "fd.net") && n->rhs->kind == AST_LIST && n->mod == AST_MOD_NONE) {
        if (!n->rhs->nkids)
            return false;
        first = *n->rhs->kids[0];
        m.rhs = &first;
    }
    bool neg = n->op == AST_OP_NE;
    if (neg)
        m.op = AST_OP_EQ;
    bool hit = (c_ok && against_consts(e, &m, &cv, t)) || (s_ok && against_consts(e, &m, &sv, t));
    return neg ? !hit : hit;
}

/* ---- checks ---- */

static bool eval_check(struct ev *e, const struct ast_node *n)
{
    enum ppm_param_type et;
    if (chk_endpoint_field(n->lhs, &et))
        return eval_endpoints(e, n, et);
    if (chk_around_field(n->lhs)) {
        struct ivals d;
        read_field(e, n->lhs, &d);
        return d.ok && d.v[0].n <= chk_around_limit(n->rhs);
    }
    struct ivals l;
    eval_expr(e, n->lhs, &l);
    if (!l.ok)
        return false; /* unavailable: false whatever the operator (§6.1) */
    if (n->op == AST_OP_EXISTS)
        return true;
    enum ppm_param_type t = l.type;
    if (n->rhs->kind == AST_XFORM) {
        struct ivals r;
        eval_expr(e, n->rhs, &r);
        if (!r.ok)
            return false;
        if (l.list || r.list) {
            /* Set semantics against the values extracted on the right. */
            size_t hits = 0;
            for (size_t i = 0; i < l.n; i++) {
                bool found = false;
                for (size_t j = 0; j < r.n && !found; j++)
                    found = against_value(e, AST_OP_EQ, &l.v[i], &r.v[j], t);
                hits += found;
            }
            return n->op == AST_OP_INTERSECTS ? hits > 0 : hits == l.n;
        }
        if (!l.n || !r.n)
            return false;
        if (l.any) {
            for (size_t i = 0; i < l.n; i++)
                if (against_value(e, n->op, &l.v[i], &r.v[0], t))
                    return true;
            return false;
        }
        return against_value(e, n->op, &l.v[0], &r.v[0], t);
    }
    if (l.list) {
        if (n->op == AST_OP_INTERSECTS) {
            for (size_t i = 0; i < l.n; i++)
                if (against_consts(e, n, &l.v[i], t))
                    return true;
            return false;
        }
        for (size_t i = 0; i < l.n; i++) /* in: every element; vacuous when none */
            if (!against_consts(e, n, &l.v[i], t))
                return false;
        return true;
    }
    if (l.any) {
        for (size_t i = 0; i < l.n; i++)
            if (against_consts(e, n, &l.v[i], t))
                return true;
        return false;
    }
    return l.n && against_consts(e, n, &l.v[0], t);
}

static bool eval_node(struct ev *e, const struct ast_node *n, const struct mtext *text,
                      const char *macro, struct interp_why *why)
{
    switch (n->kind) {
    case AST_AND:
    case AST_OR: {
        bool want = n->kind == AST_OR; /* the value that ends the walk early */
        bool r = !want;
        for (size_t i = 0; i < n->nkids; i++) {
            r = eval_node(e, n->kids[i], text, macro, why);
            if (r == want)
                break;
        }
        return r;
    }
    case AST_NOT:
        return !eval_node(e, n->kids[0], text, macro, why);
    case AST_ID: {
        const struct rl_macro *m = n->user;
        const struct res_macro *rm = m->resolved;
        return eval_node(e, rm->tree, &rm->text, m->name, why);
    }
    case AST_CHECK: {
        bool r = eval_check(e, n);
        if (why)
            *why = (struct interp_why){n, text, macro, r};
        return r;
    }
    default:
        return false;
    }
}

bool interp_eval(const struct ast_node *n, const struct fc_ctx *ctx, const struct mtext *text,
                 struct interp_why *why)
{
    struct ev e;
    arena_init(&e.a);
    e.ctx = ctx;
    bool r = eval_node(&e, n, text, NULL, why);
    arena_free(&e.a);
    return r;
}
