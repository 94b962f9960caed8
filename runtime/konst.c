/*
 * konst.c - building the constants of compiled checks and the kernels that
 * test a value against them (fc_konst.h), plus field-to-field comparison.
 *
 * Input: constant descriptors (operator, modifier, left side's type, item
 * texts). Output: one object per descriptor, prepared with the operators of
 * stdlib/ops (needles, glob programs, regexes, tries, hash sets, modifier
 * sets, parsed numbers and addresses). How a descriptor is built depends on
 * the kind of its type first: numbers and booleans become a number
 * constant, addresses and networks an address constant, anything else a
 * string constant shaped by fc_kdesc.kind. Each kernel answers "does v
 * satisfy the check `v OP constant`" with the descriptor's operator, `!=`
 * included (it answers v != constant), and with its modifier when it has
 * one.
 *
 * The semantics are those of the reference evaluator (compiler/interp.c):
 * constants are converted as chk_const_num and the type checker do, and a
 * value is cut at its first NUL for glob, iglob and pmatch, which interp
 * runs on a C string. Kernels never allocate.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "fc_fields.h"
#include "fc_konst.h"
#include "fc_rt.h"
#include "ops.h"
#include "ppm_types.h"

/* Linear scans up to this many items; hash or sorted sets above. */
#define SMALL_SET 8

enum kform { KF_STR = 1, KF_NUM, KF_IP };

struct khdr {
    uint8_t form; /* enum kform */
    uint8_t sub;  /* string constants: enum ssub */
    bool sign;    /* numbers: signed order */
    bool trunc;   /* strings: cut the value at its first NUL (glob, pmatch) */
    uint8_t omod; /* numbers, addresses: enum op_mod when mod is not AST_MOD_NONE */
    uint32_t op;  /* enum ast_op */
    uint32_t mod; /* enum ast_mod */
};

/* ---- string constants ---- */

enum ssub {
    S_EQ,     /* = == in intersects with one item */
    S_NE,     /* != */
    S_ORDER,  /* < <= > >= */
    S_NEEDLE, /* contains icontains bcontains */
    S_STARTS, /* startswith bstartswith */
    S_ENDS,   /* endswith */
    S_GLOB,   /* glob iglob */
    S_REGEX,  /* regex */
    S_PMATCH, /* pmatch */
    S_SET,    /* in intersects */
    S_MOD,    /* any string operator with a modifier */
};

struct kstr {
    struct khdr h;
    union {
        struct op_needle *needle;
        struct op_glob *glob;
        struct op_regex *re;
        struct op_pmatch *pm;
        struct op_strset *set;
        struct op_modset *mod;
    } u;
    size_t len;
    char bytes[]; /* S_EQ, S_NE, S_ORDER, S_STARTS, S_ENDS: the constant (decoded) */
};

/* ---- number constants ---- */

struct knum {
    struct khdr h;
    uint32_t n;
    struct op_intset *set; /* equality over more than SMALL_SET items */
    uint64_t v[];          /* the items, widened as the type says */
};

/* ---- address constants ---- */

struct kip {
    struct khdr h;
    bool net; /* networks (IPNET types): containment */
    uint32_t n;
    struct op_strset *set; /* addresses, more than SMALL_SET items: raw bytes */
    union {
        struct op_ip ip;
        struct op_net net;
    } v[];
};

/* ---- building ---- */

struct berr {
    char *msg;
    size_t size;
};

static void *bfail(struct berr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void *bfail(struct berr *e, const char *fmt, ...)
{
    if (e->msg && e->size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, e->size, fmt, ap);
        va_end(ap);
    }
    return NULL;
}

static const char *op_name(uint32_t op)
{
    static const char *const names[] = {
#define AST_OP(id, spelling, cls) spelling,
#include "ast.def"
    };
    return op < sizeof(names) / sizeof(names[0]) ? names[op] : "?";
}

static size_t item_len(const struct fc_kdesc *d, uint32_t i)
{
    return d->lens ? d->lens[i] : strlen(d->items[i]);
}

/* Item lengths as size_t, for the ops builders; NULL when out of memory. */
static size_t *size_lens(const struct fc_kdesc *d)
{
    size_t *l = malloc((d->n ? d->n : 1) * sizeof(*l));
    for (uint32_t i = 0; l && i < d->n; i++)
        l[i] = item_len(d, i);
    return l;
}

static bool is_eq(uint32_t op)
{
    return op == AST_OP_EQ || op == AST_OP_EQEQ || op == AST_OP_IN || op == AST_OP_INTERSECTS;
}

static bool is_order(uint32_t op)
{
    return op == AST_OP_LT || op == AST_OP_LE || op == AST_OP_GT || op == AST_OP_GE;
}

static bool mod_of(uint32_t mod, enum op_mod *out)
{
    switch (mod) {
    case AST_MOD_ONEOF:
        *out = OP_ONEOF;
        return true;
    case AST_MOD_ANYOF:
        *out = OP_ANYOF;
        return true;
    case AST_MOD_ALLOF:
        *out = OP_ALLOF;
        return true;
    default:
        return false;
    }
}

static bool strop_of(uint32_t op, enum op_strop *out)
{
    static const struct {
        uint32_t op;
        enum op_strop s;
    } map[] = {
        {AST_OP_EQ, OP_EQ},
        {AST_OP_EQEQ, OP_EQ},
        {AST_OP_NE, OP_NE},
        {AST_OP_CONTAINS, OP_CONTAINS},
        {AST_OP_ICONTAINS, OP_ICONTAINS},
        {AST_OP_STARTSWITH, OP_STARTSWITH},
        {AST_OP_ENDSWITH, OP_ENDSWITH},
        {AST_OP_GLOB, OP_GLOB},
        {AST_OP_IGLOB, OP_IGLOB},
        {AST_OP_REGEX, OP_REGEX},
        {AST_OP_BCONTAINS, OP_BCONTAINS},
        {AST_OP_BSTARTSWITH, OP_BSTARTSWITH},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].op == op) {
            *out = map[i].s;
            return true;
        }
    return false;
}

static struct kstr *new_kstr(const struct fc_kdesc *d, enum ssub sub, size_t len, struct berr *e)
{
    struct kstr *k = calloc(1, sizeof(*k) + len + 1);
    if (!k)
        return bfail(e, "out of memory");
    k->h = (struct khdr){.form = KF_STR, .sub = (uint8_t)sub, .op = d->op, .mod = d->mod};
    k->len = len;
    return k;
}

static void free_kstr(struct kstr *k)
{
    switch (k->h.sub) {
    case S_NEEDLE:
        op_needle_free(k->u.needle);
        break;
    case S_GLOB:
        op_glob_free(k->u.glob);
        break;
    case S_REGEX:
        op_regex_free(k->u.re);
        break;
    case S_PMATCH:
        op_pmatch_free(k->u.pm);
        break;
    case S_SET:
        op_strset_free(k->u.set);
        break;
    case S_MOD:
        op_modset_free(k->u.mod);
        break;
    default:
        break;
    }
    free(k);
}

/* `v OP c` with one string constant. */
static struct kstr *build_str_one(const struct fc_kdesc *d, struct berr *e)
{
    if (d->n != 1)
        return bfail(e, "'%s' takes one constant, got %u", op_name(d->op), d->n);
    const char *s = d->items[0];
    size_t n = item_len(d, 0);
    uint32_t op = d->op;
    struct kstr *k;
    bool ok = true;
    switch (op) {
    case AST_OP_EQ:
    case AST_OP_EQEQ:
    case AST_OP_NE:
    case AST_OP_LT:
    case AST_OP_LE:
    case AST_OP_GT:
    case AST_OP_GE:
    case AST_OP_STARTSWITH:
    case AST_OP_ENDSWITH:
        k = new_kstr(d,
                     is_eq(op)                 ? S_EQ
                     : op == AST_OP_NE         ? S_NE
                     : op == AST_OP_STARTSWITH ? S_STARTS
                     : op == AST_OP_ENDSWITH   ? S_ENDS
                                               : S_ORDER,
                     n, e);
        if (k && n)
            memcpy(k->bytes, s, n);
        return k;
    case AST_OP_BCONTAINS:
    case AST_OP_BSTARTSWITH: {
        k = new_kstr(d, op == AST_OP_BSTARTSWITH ? S_STARTS : S_NEEDLE, n / 2, e);
        if (!k)
            return NULL;
        if (op_hex_decode(s, n, (unsigned char *)k->bytes, n / 2) < 0) {
            free_kstr(k);
            return bfail(e, "filter error: bcontains and bstartswith operator support hex "
                            "strings only");
        }
        if (op == AST_OP_BCONTAINS)
            ok = (k->u.needle = op_needle_new(k->bytes, k->len, false)) != NULL;
        break;
    }
    case AST_OP_CONTAINS:
    case AST_OP_ICONTAINS:
        if (!(k = new_kstr(d, S_NEEDLE, 0, e)))
            return NULL;
        ok = (k->u.needle = op_needle_new(s, n, op == AST_OP_ICONTAINS)) != NULL;
        break;
    case AST_OP_GLOB:
    case AST_OP_IGLOB:
        if (!(k = new_kstr(d, S_GLOB, 0, e)))
            return NULL;
        k->h.trunc = true;
        ok = (k->u.glob = op_glob_compile(s, n, op == AST_OP_IGLOB)) != NULL;
        break;
    case AST_OP_REGEX: {
        if (!(k = new_kstr(d, S_REGEX, 0, e)))
            return NULL;
        char msg[256] = "";
        if (!(k->u.re = op_regex_compile(s, n, msg, sizeof(msg)))) {
            free_kstr(k);
            return bfail(e, "invalid regex pattern: %s", msg[0] ? msg : "out of memory");
        }
        break;
    }
    default:
        return bfail(e, "operator '%s' does not apply to strings", op_name(op));
    }
    if (!ok) {
        free_kstr(k);
        return bfail(e, "out of memory");
    }
    return k;
}

/*
 * A string constant of any kind. What decides is the check: a modifier
 * makes a modifier set (FC_K_MODSET), pmatch a trie (FC_K_PMATCH), in and
 * intersects a hash set (FC_K_STRSET), any other operator one prepared
 * constant (FC_K_STR), whichever kind the descriptor names.
 */
static struct kstr *build_str(const struct fc_kdesc *d, struct berr *e)
{
    uint32_t kind = d->mod != AST_MOD_NONE                             ? FC_K_MODSET
                    : d->kind == FC_K_PMATCH || d->op == AST_OP_PMATCH ? FC_K_PMATCH
                    : d->kind == FC_K_STRSET || d->op == AST_OP_IN || d->op == AST_OP_INTERSECTS
                        ? FC_K_STRSET
                        : d->kind;
    if (kind == FC_K_STR)
        return build_str_one(d, e);
    if (kind != FC_K_STRSET && kind != FC_K_PMATCH && kind != FC_K_MODSET)
        return bfail(e, "unknown constant kind %u", d->kind);
    size_t *lens = size_lens(d);
    if (!lens)
        return bfail(e, "out of memory");
    struct kstr *k = NULL;
    char msg[256] = "";
    switch (kind) {
    case FC_K_STRSET:
        if ((k = new_kstr(d, S_SET, 0, e)) && !(k->u.set = op_strset_build(d->items, lens, d->n)))
            goto oom;
        break;
    case FC_K_PMATCH:
        for (uint32_t i = 0; i < d->n; i++)
            lens[i] = strnlen(d->items[i], lens[i]); /* entries are C strings in interp */
        if (!(k = new_kstr(d, S_PMATCH, 0, e)))
            break;
        k->h.trunc = true;
        if (!(k->u.pm = op_pmatch_build(d->items, lens, d->n)))
            goto oom;
        break;
    default: { /* FC_K_MODSET */
        enum op_strop sop;
        enum op_mod mod;
        if (!strop_of(d->op, &sop)) {
            bfail(e, "operator '%s' takes no modifier", op_name(d->op));
            break;
        }
        if (!mod_of(d->mod, &mod)) {
            bfail(e, "modifier %u is not oneof, anyof or allof", d->mod);
            break;
        }
        if (!(k = new_kstr(d, S_MOD, 0, e)))
            break;
        k->h.trunc = sop == OP_GLOB || sop == OP_IGLOB;
        if (!(k->u.mod = op_modset_build(sop, mod, d->items, lens, d->n, msg, sizeof(msg)))) {
            free_kstr(k);
            k = NULL;
            bfail(e, "%s%s",
                  sop == OP_REGEX && strcmp(msg, "out of memory") ? "invalid regex pattern: " : "",
                  msg[0] ? msg : "out of memory");
        }
        break;
    }
    }
    free(lens);
    return k;
oom:
    free(lens);
    free_kstr(k);
    return bfail(e, "out of memory");
}

/* ---- numbers ---- */

/* Width in bits of a numeric type's values. */
int fc_type_bits(uint32_t type)
{
    switch (type) {
    case PT_INT8:
    case PT_UINT8:
    case PT_FLAGS8:
    case PT_ENUMFLAGS8:
    case PT_L4PROTO:
    case PT_SOCKFAMILY:
    case PT_SIGTYPE:
        return 8;
    case PT_INT16:
    case PT_UINT16:
    case PT_FLAGS16:
    case PT_ENUMFLAGS16:
    case PT_PORT:
    case PT_SYSCALLID:
        return 16;
    case PT_INT32:
    case PT_UINT32:
    case PT_FLAGS32:
    case PT_ENUMFLAGS32:
    case PT_UID:
    case PT_GID:
    case PT_MODE:
    case PT_FD32:
    case PT_PID32:
        return 32;
    default:
        return 64;
    }
}

/*
 * One numeric constant (rules-language.md §6.2), for the compiler and for
 * building constants alike: booleans exactly "true"/"false"; a port that
 * does not start with a digit is a service name; otherwise, after blanks and
 * tabs, a '-' reads the text as a signed decimal and anything else as an
 * unsigned one, the whole text consumed. Narrow types keep only their width
 * (user.uid = -1 is 4294967295), sign-extended for signed types.
 */
bool fc_const_num(uint32_t type, const char *s, size_t n, uint64_t *out)
{
    n = strnlen(s, n);
    if (type == PT_BOOL) {
        if (n == 4 && !memcmp(s, "true", 4))
            *out = 1;
        else if (n == 5 && !memcmp(s, "false", 5))
            *out = 0;
        else
            return false;
        return true;
    }
    /* A port is a number ("+22" too) or else a service name. */
    if (type == PT_PORT && !(n && ((s[0] >= '0' && s[0] <= '9') || s[0] == '+'))) {
        char name[256], buf[1024];
        struct servent se, *r = NULL;
        if (n >= sizeof(name))
            return false;
        memcpy(name, s, n);
        name[n] = '\0';
        if (getservbyname_r(name, NULL, &se, buf, sizeof(buf), &r) != 0 || !r)
            return false;
        *out = ntohs((uint16_t)r->s_port);
        return true;
    }
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    uint64_t v;
    if (i < n && s[i] == '-') {
        int64_t x;
        if (op_parse_int64(s + i, n - i, &x))
            return false;
        v = (uint64_t)x;
    } else if (op_parse_uint64(s + i, n - i, &v)) {
        return false;
    }
    int bits = fc_type_bits(type);
    if (bits < 64) {
        uint64_t mask = (UINT64_C(1) << bits) - 1;
        v &= mask;
        if (fc_type_signed(type) && (v >> (bits - 1)) & 1)
            v |= ~mask;
    }
    *out = v;
    return true;
}

static struct knum *build_num(const struct fc_kdesc *d, struct berr *e)
{
    if (d->kind == FC_K_PMATCH || d->kind == FC_K_IPSET)
        return bfail(e, "constant kind %u does not apply to type %s", d->kind,
                     fc_type_name((enum ppm_param_type)d->type));
    enum op_mod m = OP_ANYOF;
    if (d->mod != AST_MOD_NONE) {
        if (!mod_of(d->mod, &m))
            return bfail(e, "modifier %u is not oneof, anyof or allof", d->mod);
        if (d->op != AST_OP_EQ && d->op != AST_OP_EQEQ && d->op != AST_OP_NE)
            return bfail(e, "operator '%s' takes no modifier on numbers", op_name(d->op));
    } else if (!is_eq(d->op) && d->op != AST_OP_NE && !is_order(d->op)) {
        return bfail(e, "operator '%s' does not apply to numbers", op_name(d->op));
    } else if ((d->op == AST_OP_NE || is_order(d->op)) && d->n != 1) {
        return bfail(e, "'%s' takes one constant, got %u", op_name(d->op), d->n);
    }
    struct knum *k = calloc(1, sizeof(*k) + d->n * sizeof(k->v[0]));
    if (!k)
        return bfail(e, "out of memory");
    k->h = (struct khdr){.form = KF_NUM,
                         .sign = fc_type_signed(d->type),
                         .omod = (uint8_t)m,
                         .op = d->op,
                         .mod = d->mod};
    k->n = d->n;
    for (uint32_t i = 0; i < d->n; i++)
        if (!fc_const_num(d->type, d->items[i], item_len(d, i), &k->v[i])) {
            free(k);
            return bfail(e,
                         d->type == PT_PORT   ? "unrecognized protocol %.*s"
                         : d->type == PT_BOOL ? "filter error: unrecognized boolean value %.*s"
                                              : "%.*s is not a valid number",
                         (int)strnlen(d->items[i], item_len(d, i)), d->items[i]);
        }
    if (d->n > SMALL_SET && !(k->set = op_intset_build(k->v, k->n))) {
        free(k);
        return bfail(e, "out of memory");
    }
    return k;
}

static void free_knum(struct knum *k)
{
    op_intset_free(k->set);
    free(k);
}

/* ---- addresses ---- */

static bool conv_ip(uint32_t type, const char *s, size_t n, struct op_ip *out)
{
    n = strnlen(s, n);
    enum op_af af = type == PT_IPV4ADDR   ? OP_AF_INET
                    : type == PT_IPV6ADDR ? OP_AF_INET6
                                          : OP_AF_ANY;
    return op_ip_parse(s, n, af, out) == 0;
}

static bool conv_net(uint32_t type, const char *s, size_t n, struct op_net *out)
{
    n = strnlen(s, n);
    if (type == PT_IPV4NET || type == PT_IPV6NET)
        return op_net_parse(s, n, type == PT_IPV4NET ? OP_AF_INET : OP_AF_INET6, out) == 0;
    /* The type checker tries IPv4 then IPv6 whatever the text looks like. */
    return op_net_parse(s, n, OP_AF_INET, out) == 0 || op_net_parse(s, n, OP_AF_INET6, out) == 0;
}

static struct kip *build_ip(const struct fc_kdesc *d, struct berr *e)
{
    if (d->kind == FC_K_PMATCH || d->kind == FC_K_NUMSET)
        return bfail(e, "constant kind %u does not apply to type %s", d->kind,
                     fc_type_name((enum ppm_param_type)d->type));
    bool eqne = d->op == AST_OP_EQ || d->op == AST_OP_EQEQ || d->op == AST_OP_NE;
    enum op_mod m = OP_ANYOF;
    if (d->mod != AST_MOD_NONE) {
        if (!mod_of(d->mod, &m))
            return bfail(e, "modifier %u is not oneof, anyof or allof", d->mod);
        if (!eqne)
            return bfail(e, "operator '%s' takes no modifier on addresses", op_name(d->op));
    } else if (!eqne && !is_eq(d->op)) {
        return bfail(e, "operator '%s' does not apply to addresses", op_name(d->op));
    } else if (d->op == AST_OP_NE && d->n != 1) {
        return bfail(e, "'!=' takes one constant, got %u", d->n);
    }
    struct kip *k = calloc(1, sizeof(*k) + d->n * sizeof(k->v[0]));
    if (!k)
        return bfail(e, "out of memory");
    k->h = (struct khdr){.form = KF_IP, .omod = (uint8_t)m, .op = d->op, .mod = d->mod};
    k->net = fc_type_kind(d->type) == FC_TK_IPNET;
    k->n = d->n;
    for (uint32_t i = 0; i < d->n; i++) {
        size_t n = item_len(d, i);
        bool ok = k->net ? conv_net(d->type, d->items[i], n, &k->v[i].net)
                         : conv_ip(d->type, d->items[i], n, &k->v[i].ip);
        if (!ok) {
            bool net = k->net;
            free(k);
            return bfail(e, "unrecognized IP %s %.*s", net ? "network" : "address",
                         (int)strnlen(d->items[i], n), d->items[i]);
        }
    }
    if (!k->net && d->mod == AST_MOD_NONE && d->n > SMALL_SET) {
        const char **keys = malloc(d->n * sizeof(*keys));
        size_t *lens = malloc(d->n * sizeof(*lens));
        for (uint32_t i = 0; keys && lens && i < d->n; i++) {
            keys[i] = (const char *)k->v[i].ip.addr;
            lens[i] = op_ip_keylen(&k->v[i].ip);
        }
        if (keys && lens)
            k->set = op_strset_build(keys, lens, d->n);
        free(keys);
        free(lens);
        if (!k->set) {
            free(k);
            return bfail(e, "out of memory");
        }
    }
    return k;
}

static void free_kip(struct kip *k)
{
    op_strset_free(k->set);
    free(k);
}

/* ---- the table ---- */

static void free_one(void *p)
{
    const struct khdr *h = p;
    if (!p)
        return;
    switch (h->form) {
    case KF_STR:
        free_kstr(p);
        break;
    case KF_NUM:
        free_knum(p);
        break;
    default:
        free_kip(p);
        break;
    }
}

static void *build_one(const struct fc_kdesc *d, struct berr *e)
{
    if (d->n && !d->items)
        return bfail(e, "no items");
    switch (fc_type_kind(d->type)) {
    case FC_TK_NUM:
    case FC_TK_BOOL:
        return build_num(d, e);
    case FC_TK_IPADDR:
    case FC_TK_IPNET:
        return build_ip(d, e);
    default:
        if (d->kind == FC_K_NUMSET || d->kind == FC_K_IPSET)
            return bfail(e, "constant kind %u does not apply to type %s", d->kind,
                         fc_type_name((enum ppm_param_type)d->type));
        return build_str(d, e);
    }
}

void **fc_konst_build(const struct fc_kdesc *d, size_t n, char *err, size_t errsz)
{
    void **k = calloc(n ? n : 1, sizeof(*k));
    if (!k) {
        if (err && errsz)
            snprintf(err, errsz, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        char msg[320] = "";
        struct berr e = {msg, sizeof(msg)};
        if (!(k[i] = build_one(&d[i], &e))) {
            if (err && errsz)
                snprintf(err, errsz, "constant %zu: %s", i, msg);
            fc_konst_free(k, d, i);
            return NULL;
        }
    }
    return k;
}

void fc_konst_free(void **k, const struct fc_kdesc *d, size_t n)
{
    (void)d; /* each object knows what it holds */
    if (!k)
        return;
    for (size_t i = 0; i < n; i++)
        free_one(k[i]);
    free(k);
}

/* ---- kernels ---- */

static bool order_holds(uint32_t op, int cmp)
{
    switch (op) {
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

static int num_cmp(uint64_t a, uint64_t b, bool sign)
{
    if (sign)
        return (int64_t)a < (int64_t)b ? -1 : (int64_t)a > (int64_t)b;
    return a < b ? -1 : a > b;
}

/* v OP c for one number (interp's num_op). */
static bool num_op(uint32_t op, uint64_t a, uint64_t b, bool sign)
{
    if (is_eq(op))
        return a == b;
    if (op == AST_OP_NE)
        return a != b;
    return order_holds(op, num_cmp(a, b, sign));
}

bool fc_k_str(const struct fc_ctx *c, uint32_t k, const struct fc_val *v)
{
    const struct kstr *K = c->k[k];
    const char *s = v->p ? v->p : "";
    size_t n = v->n;
    if (K->h.form != KF_STR)
        return false;
    if (K->h.trunc && n)
        n = strnlen(s, n);
    switch (K->h.sub) {
    case S_EQ:
        return op_eq(s, n, K->bytes, K->len);
    case S_NE:
        return !op_eq(s, n, K->bytes, K->len);
    case S_ORDER:
        return order_holds(K->h.op, op_cmp(s, n, K->bytes, K->len));
    case S_NEEDLE:
        return op_needle_find(K->u.needle, s, n);
    case S_STARTS:
        return op_startswith(s, n, K->bytes, K->len);
    case S_ENDS:
        return op_endswith(s, n, K->bytes, K->len);
    case S_GLOB:
        return op_glob_match(K->u.glob, s, n);
    case S_REGEX:
        return op_regex_match(K->u.re, s, n);
    case S_PMATCH:
        return op_pmatch(K->u.pm, s, n);
    case S_SET:
        return op_strset_has(K->u.set, s, n);
    case S_MOD:
        return op_modset_eval(K->u.mod, s, n);
    default:
        return false;
    }
}

bool fc_k_num(const struct fc_ctx *c, uint32_t k, const struct fc_val *v)
{
    const struct knum *K = c->k[k];
    if (K->h.form != KF_NUM)
        return false;
    uint64_t x = v->n;
    if (K->h.mod != AST_MOD_NONE) {
        size_t hits = 0;
        for (uint32_t i = 0; i < K->n; i++)
            hits += num_op(K->h.op, x, K->v[i], K->h.sign);
        return op_mod_result((enum op_mod)K->h.omod, hits, K->n);
    }
    if (is_eq(K->h.op) || K->h.op == AST_OP_NE) {
        bool hit = false;
        if (K->set)
            hit = op_intset_has(K->set, x);
        else
            for (uint32_t i = 0; i < K->n && !hit; i++)
                hit = K->v[i] == x;
        return K->h.op == AST_OP_NE ? !hit : hit;
    }
    return num_op(K->h.op, x, K->v[0], K->h.sign);
}

bool fc_k_ip(const struct fc_ctx *c, uint32_t k, const struct fc_val *v)
{
    const struct kip *K = c->k[k];
    if (K->h.form != KF_IP)
        return false;
    struct op_ip a = {.family = v->family};
    memcpy(a.addr, v->ip, a.family == OP_AF_INET ? 4 : sizeof(a.addr));
    bool ne = K->h.op == AST_OP_NE;
    if (K->h.mod != AST_MOD_NONE) {
        size_t hits = 0;
        for (uint32_t i = 0; i < K->n; i++)
            hits += ne != (K->net ? op_net_contains(&K->v[i].net, &a) : op_ip_eq(&K->v[i].ip, &a));
        return op_mod_result((enum op_mod)K->h.omod, hits, K->n);
    }
    bool hit = false;
    if (K->set)
        hit = (a.family == OP_AF_INET || a.family == OP_AF_INET6) &&
              op_strset_has(K->set, (const char *)a.addr, op_ip_keylen(&a));
    else
        for (uint32_t i = 0; i < K->n && !hit; i++)
            hit = K->net ? op_net_contains(&K->v[i].net, &a) : op_ip_eq(&K->v[i].ip, &a);
    return ne ? !hit : hit;
}

/* ---- field-to-field ---- */

bool fc_cmp_vals(uint32_t op, uint32_t type, const struct fc_val *a, const struct fc_val *b)
{
    switch (fc_type_kind(type)) {
    case FC_TK_NUM:
    case FC_TK_BOOL:
        return num_op(op, a->n, b->n, fc_type_signed(type));
    case FC_TK_IPADDR:
    case FC_TK_IPNET: {
        bool eq = a->family == b->family &&
                  !memcmp(a->ip, b->ip, a->family == OP_AF_INET ? 4 : sizeof(a->ip));
        return op == AST_OP_NE ? !eq : is_eq(op) && eq;
    }
    default:
        break;
    }
    const char *s = a->p ? a->p : "", *t = b->p ? b->p : "";
    size_t n = a->n, m = b->n;
    switch (op) {
    case AST_OP_EQ:
    case AST_OP_EQEQ:
    case AST_OP_IN:
    case AST_OP_INTERSECTS:
        return op_eq(s, n, t, m);
    case AST_OP_NE:
        return !op_eq(s, n, t, m);
    case AST_OP_LT:
    case AST_OP_LE:
    case AST_OP_GT:
    case AST_OP_GE:
        return order_holds(op, op_cmp(s, n, t, m));
    case AST_OP_CONTAINS:
    case AST_OP_BCONTAINS: /* the right value's raw bytes, as Falco */
        return op_contains(s, n, t, m);
    case AST_OP_ICONTAINS:
        return op_icontains(s, n, t, m);
    case AST_OP_STARTSWITH:
    case AST_OP_BSTARTSWITH:
        return op_startswith(s, n, t, m);
    case AST_OP_ENDSWITH:
        return op_endswith(s, n, t, m);
    case AST_OP_GLOB:
    case AST_OP_IGLOB: /* the right value is the pattern; both read as C strings */
        return op_glob(t, m, s, n ? strnlen(s, n) : 0, op == AST_OP_IGLOB);
    default:
        return false; /* pmatch, regex: the compiler refuses a field on the right */
    }
}
