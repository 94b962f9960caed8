/*
 * diffgen.h - the generator behind test_diff.c: a seeded PRNG, value pools,
 * a field table covering every kind of left side, random *valid* conditions
 * (rules-language.md §5-§6: and/or/not up to depth 4, every operator valid
 * for the type, oneof/anyof/allof after the string operators, transformers,
 * val() and transformers on the right) and random field vectors drawn from
 * the same pools, so that equality and the other operators hit often.
 * Pools include edge values on purpose: UTF-8 and control bytes, glob and
 * regex metacharacters, a value longer than op_glob's stack pattern, IPv6
 * spelled two ways, numbers with a sign, leading zeros or out of range.
 *
 * Constants are derived from a sample of what the left side can evaluate
 * to (a pool value pushed through the same transformers), then shaped for
 * the operator: a substring for contains, a prefix for startswith, a glob
 * or a regex that matches the sample or a near miss, pmatch prefixes, hex
 * for the b* operators. Constructs over list values (getopt(), transformers
 * over lists, several values inside join, lists on both sides) are not
 * produced here: test_diff.c has their own matrix and generator and mixes
 * them into these conditions.
 *
 * Everything here is static: this header is included by test_diff.c only.
 */
#ifndef FALCOC_DIFFGEN_H
#define FALCOC_DIFFGEN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- PRNG (splitmix64) ---- */

static uint64_t dg_state;

static void dg_seed(uint64_t s)
{
    dg_state = s;
}

static uint64_t dg_next(void)
{
    uint64_t z = (dg_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* 0 .. n-1 (n > 0) */
static unsigned dg_below(unsigned n)
{
    return (unsigned)(dg_next() % n);
}

/* true with probability pct/100 */
static bool dg_pct(unsigned pct)
{
    return dg_below(100) < pct;
}

/* ---- growable strings ---- */

struct sb {
    char *p;
    size_t n, cap;
};

static void sb_addn(struct sb *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        b->p = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_add(struct sb *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

static void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sb *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(tmp)) {
        sb_addn(b, tmp, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big)
        exit(2);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_addn(b, big, (size_t)n);
    free(big);
}

static void sb_reset(struct sb *b)
{
    b->n = 0;
    if (b->p)
        b->p[0] = '\0';
}

static void sb_free(struct sb *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

static char *dg_strdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        exit(2);
    return d;
}

/* ---- value pools ---- */

#define POOL(a) a, NELEM(a)

static const char *const P_NAME[] = {"bash",
                                     "sh",
                                     "sshd",
                                     "nginx",
                                     "cat",
                                     "node",
                                     "python3",
                                     "BASH",
                                     "Bash",
                                     "caf\xc3\xa9",
                                     "runc:[0:PARENT]",
                                     "",
                                     "my exe",
                                     "aGVsbG8=",
                                     "YmFzaA==",
                                     "containerd-shim",
                                     "a.b",
                                     "x*y",
                                     "CAF\xc3\x89",
                                     "tab\there"};
static const char *const P_PATH[] = {"/etc/passwd", "/etc/shadow", "/tmp/x.sh", "/tmp/a/b.sh",
                                     "/opt/dir/subdir/file.txt", "/opt/dir2/x", "/usr/bin/",
                                     "/usr/bin/bash", "/", "/bin/sh",
                                     "L2V0Yy9wYXNzd2Q=", "/home/user/.ssh/id_rsa", "//etc//passwd",
                                     "/Etc/Passwd", "bash", "/tmp/caf\xc3\xa9 x",
                                     /* longer than op_glob's 128-byte stack pattern */
                                     "/var/lib/docker/overlay2/0123456789abcdef0123456789abcdef"
                                     "0123456789abcdef0123456789abcdef/merged/usr/lib/x86_64-"
                                     "linux-gnu/libc.so.6"};
static const char *const P_DIR[] = {"/etc",     "/tmp", "/tmp/a",          "/opt/dir/subdir",
                                    "/usr/bin", "/",    "/home/user/.ssh", "/opt/dir2",
                                    "/ETC"};
static const char *const P_CMD[] = {
    "bash -c ls",        "sh -c 'echo hi'",        "nginx -g daemon off;",
    "cat /etc/passwd",   "python3 x.py",           "bash",
    "sshd: user [priv]", "node --inspect=0.0.0.0", "",
    "bash\t-c\tls"};
static const char *const P_USER[] = {"root", "nobody", "www-data", "Root", "user", "bash"};
static const char *const P_CID[] = {"host", "", "0123456789ab", "abcdef012345", "HOST", "bash"};
static const char *const P_EVT[] = {"open",  "openat", "execve", "connect", "accept",
                                    "read",  "write",  "close",  "clone",   "setuid",
                                    "mkdir", "sendto", "ptrace", "unlinkat"};
static const char *const P_SNUM[] = {"-1",
                                     "0",
                                     "1",
                                     "3",
                                     "4",
                                     "22",
                                     "80",
                                     "100",
                                     "1000",
                                     "-500",
                                     "65535",
                                     "4294967295",
                                     "9223372036854775807",
                                     "-9223372036854775808",
                                     "-13"};
static const char *const P_PID[] = {"1", "2", "100", "1000", "4242", "0", "-1", "65536"};
static const char *const P_UNUM[] = {
    "0", "1", "2", "3", "100", "1000", "65534", "4294967295", "7", "12345", "18446744073709551615"};
/* evt.num of a real event: from 1 up (evttypes.c knows `evt.num < 1` never holds) */
static const char *const P_EVTNUM[] = {"1",     "2",          "3", "100",   "1000",
                                       "65534", "4294967295", "7", "12345", "18446744073709551615"};
static const char *const P_UID[] = {"0", "1", "33", "1000", "65534", "4294967295"};
static const char *const P_CPU[] = {"0", "1", "2", "3", "-1", "7", "-500", "32767"};
static const char *const P_BOOL[] = {"true", "false"};
static const char *const P_PORT[] = {"22", "80", "443", "8080", "0", "53", "65535", "2222"};
static const char *const K_PORT[] = {"ssh", "http", "https", "domain"}; /* service names */
static const char *const P_IP[] = {"10.0.0.1",    "10.1.2.3",   "192.168.1.10", "142.251.111.147",
                                   "127.0.0.1",   "::1",        "2001:db8::1",  "fe80::1",
                                   "0.0.0.0",     "172.16.0.5", "::ffff:a00:1", "2001:db8:1::7",
                                   "2001:0db8::1"};
static const char *const P_NET[] = {
    "10.0.0.0/8", "192.168.0.0/16", "142.251.0.0/16",  "127.0.0.1/32", "2001:db8::/32",
    "0.0.0.0/0",  "172.16.0.0/12",  "10.1.2.0/24",     "fe80::/10",    "142.251.0.0/8",
    "::1/128",    "10.0.0.1/31",    "2001:db8:1::/48", "10.0.0.0/08"};
static const char *const P_BUF[] = {
    "hello", "hello world", "GET / HTTP/1.1", "aGVsbG8=",    "\177ELF",
    "",      "HELLO",       "abc=def",        "caf\xc3\xa9", "ZWxm"};
static const char *const P_TYPES[] = {"ipv4", "ipv6", "file", "unix", "pipe", "event"};
/* odd but valid spellings of numbers (§6.2: sign, leading zeros, saturation) */
static const char *const P_ODDNUM[] = {
    "+5", "007", "-0", "+0", "99999999999999999999", "-99999999999999999999", "65537"};
static const char *const P_ODDPORT[] = {"+22", "022", "00443", "+0"};
static const char *const P_ORDNUM[] = {"0", "1", "5", "9", "10", "100", "-1", "3"};

/* ---- the field table ---- */

enum fk { K_STR, K_NUM, K_BOOL, K_IP, K_NET, K_BUF, K_LIST };

enum {
    F_ANY = 1,    /* ancestors without index: any ancestor */
    F_EP = 2,     /* fd.ip, fd.port, fd.net: either endpoint */
    F_NOXF = 4,   /* no transformer over it */
    F_NORHS = 8,  /* not usable in val() on the right */
    F_NOF2F = 16, /* no field on the right when it is on the left */
    F_EVT = 32,   /* evt.type: constants are event names */
    F_NOVEC = 64, /* not a key of the vector (derived from others) */
};

struct fdef {
    const char *name;
    enum fk k;
    const char *type; /* exact type, for field-to-field comparisons */
    unsigned flags;
    const char *const *pool; /* values and constants */
    size_t npool;
    const char *const *kpool; /* extra constants only (service names, ...) */
    size_t nkpool;
};

#define SPECIAL (F_NOXF | F_NORHS | F_NOF2F)

static const struct fdef FIELDS[] = {
    {"proc.name", K_STR, "charbuf", 0, POOL(P_NAME), NULL, 0},
    {"proc.pname", K_STR, "charbuf", 0, POOL(P_NAME), NULL, 0},
    {"proc.cmdline", K_STR, "charbuf", 0, POOL(P_CMD), NULL, 0},
    {"fd.name", K_STR, "charbuf", 0, POOL(P_PATH), NULL, 0},
    {"fd.directory", K_STR, "charbuf", 0, POOL(P_DIR), NULL, 0},
    {"user.name", K_STR, "charbuf", 0, POOL(P_USER), NULL, 0},
    {"container.id", K_STR, "charbuf", 0, POOL(P_CID), NULL, 0},
    {"evt.type", K_STR, "charbuf", F_EVT | F_NOXF | F_NOF2F, POOL(P_EVT), NULL, 0},
    {"proc.aname", K_STR, "charbuf", F_ANY | SPECIAL | F_NOVEC, POOL(P_NAME), NULL, 0},
    {"proc.aname[1]", K_STR, "charbuf", SPECIAL | F_NOVEC, POOL(P_NAME), NULL, 0},
    {"proc.aname[2]", K_STR, "charbuf", SPECIAL | F_NOVEC, POOL(P_NAME), NULL, 0},
    {"proc.aname[3]", K_STR, "charbuf", SPECIAL | F_NOVEC, POOL(P_NAME), NULL, 0},
    {"fd.num", K_NUM, "int64", 0, POOL(P_SNUM), NULL, 0},
    {"proc.pid", K_NUM, "int64", 0, POOL(P_PID), NULL, 0},
    {"proc.ppid", K_NUM, "int64", 0, POOL(P_PID), NULL, 0},
    {"evt.rawres", K_NUM, "int64", 0, POOL(P_SNUM), NULL, 0},
    {"evt.num", K_NUM, "uint64", 0, POOL(P_EVTNUM), POOL(P_UNUM)},
    {"user.uid", K_NUM, "uint32", 0, POOL(P_UID), NULL, 0},
    {"evt.cpu", K_NUM, "int16", 0, POOL(P_CPU), NULL, 0},
    {"proc.apid", K_NUM, "int64", F_ANY | SPECIAL | F_NOVEC, POOL(P_PID), NULL, 0},
    {"proc.apid[1]", K_NUM, "int64", SPECIAL | F_NOVEC, POOL(P_PID), NULL, 0},
    {"proc.apid[2]", K_NUM, "int64", SPECIAL | F_NOVEC, POOL(P_PID), NULL, 0},
    {"fd.sport", K_NUM, "port", 0, POOL(P_PORT), POOL(K_PORT)},
    {"fd.cport", K_NUM, "port", 0, POOL(P_PORT), POOL(K_PORT)},
    {"fd.lport", K_NUM, "port", 0, POOL(P_PORT), POOL(K_PORT)},
    {"fd.rport", K_NUM, "port", 0, POOL(P_PORT), POOL(K_PORT)},
    {"fd.port", K_NUM, "port", F_EP | SPECIAL | F_NOVEC, POOL(P_PORT), POOL(K_PORT)},
    {"fd.proto", K_NUM, "port", F_EP | SPECIAL | F_NOVEC, POOL(P_PORT), POOL(K_PORT)},
    {"evt.is_open_write", K_BOOL, "bool", 0, POOL(P_BOOL), NULL, 0},
    {"evt.is_open_read", K_BOOL, "bool", 0, POOL(P_BOOL), NULL, 0},
    {"fd.sip", K_IP, "ipaddr", 0, POOL(P_IP), NULL, 0},
    {"fd.cip", K_IP, "ipaddr", 0, POOL(P_IP), NULL, 0},
    {"fd.rip", K_IP, "ipaddr", 0, POOL(P_IP), NULL, 0},
    {"fd.lip", K_IP, "ipaddr", 0, POOL(P_IP), NULL, 0},
    {"fd.ip", K_IP, "ipaddr", F_EP | SPECIAL | F_NOVEC, POOL(P_IP), NULL, 0},
    {"fd.snet", K_NET, "ipnet", SPECIAL | F_NOVEC, POOL(P_NET), NULL, 0},
    {"fd.cnet", K_NET, "ipnet", SPECIAL | F_NOVEC, POOL(P_NET), NULL, 0},
    {"fd.lnet", K_NET, "ipnet", SPECIAL | F_NOVEC, POOL(P_NET), NULL, 0},
    {"fd.rnet", K_NET, "ipnet", SPECIAL | F_NOVEC, POOL(P_NET), NULL, 0},
    {"fd.net", K_NET, "ipnet", F_EP | SPECIAL | F_NOVEC, POOL(P_NET), NULL, 0},
    {"evt.buffer", K_BUF, "bytebuf", 0, POOL(P_BUF), NULL, 0},
    {"fd.types", K_LIST, "charbuf", SPECIAL, POOL(P_TYPES), NULL, 0},
};

static const struct fdef *field_named(const char *name)
{
    for (size_t i = 0; i < NELEM(FIELDS); i++)
        if (!strcmp(FIELDS[i].name, name))
            return &FIELDS[i];
    return NULL;
}

/* A random field of kind k whose flags include none of `without`; NULL if none. */
static const struct fdef *pick_field(enum fk k, unsigned without)
{
    const struct fdef *c[NELEM(FIELDS)];
    size_t n = 0;
    for (size_t i = 0; i < NELEM(FIELDS); i++)
        if (FIELDS[i].k == k && !(FIELDS[i].flags & without))
            c[n++] = &FIELDS[i];
    return n ? c[dg_below((unsigned)n)] : NULL;
}

/* A random field of exact type `type` usable in val(). */
static const struct fdef *pick_typed(const char *type)
{
    const struct fdef *c[NELEM(FIELDS)];
    size_t n = 0;
    for (size_t i = 0; i < NELEM(FIELDS); i++)
        if (!strcmp(FIELDS[i].type, type) && FIELDS[i].k != K_LIST && FIELDS[i].k != K_NET &&
            !(FIELDS[i].flags & F_NORHS))
            c[n++] = &FIELDS[i];
    return n ? c[dg_below((unsigned)n)] : NULL;
}

static const char *pool_pick(const struct fdef *f)
{
    return f->pool[dg_below((unsigned)f->npool)];
}

/* ---- operators ---- */

enum gop {
    O_EQ,
    O_EQEQ,
    O_NE,
    O_LT,
    O_LE,
    O_GT,
    O_GE,
    O_CONTAINS,
    O_ICONTAINS,
    O_STARTSWITH,
    O_ENDSWITH,
    O_GLOB,
    O_IGLOB,
    O_REGEX,
    O_PMATCH,
    O_IN,
    O_INTERSECTS,
    O_EXISTS,
    O_BCONTAINS,
    O_BSTARTSWITH,
    O_COUNT
};

static const char *const OP_TEXT[O_COUNT] = {
    "=",        "==",        "!=",         "<",        "<=",        ">",          ">=",
    "contains", "icontains", "startswith", "endswith", "glob",      "iglob",      "regex",
    "pmatch",   "in",        "intersects", "exists",   "bcontains", "bstartswith"};

enum gmod { M_NONE, M_ONEOF, M_ANYOF, M_ALLOF, M_COUNT };
static const char *const MOD_TEXT[M_COUNT] = {"", "oneof", "anyof", "allof"};

static bool op_is_order(enum gop op)
{
    return op == O_LT || op == O_LE || op == O_GT || op == O_GE;
}

static bool op_is_eq(enum gop op)
{
    return op == O_EQ || op == O_EQEQ || op == O_NE;
}

static bool op_is_set(enum gop op)
{
    return op == O_IN || op == O_INTERSECTS;
}

/* The string operators that take a modifier (§5.6). */
static bool op_takes_mod(enum gop op)
{
    return op_is_eq(op) || op == O_CONTAINS || op == O_ICONTAINS || op == O_STARTSWITH ||
           op == O_ENDSWITH || op == O_GLOB || op == O_IGLOB || op == O_REGEX ||
           op == O_BCONTAINS || op == O_BSTARTSWITH;
}

/* §6.3: is op allowed for a left side of kind k (list-valued: K_LIST)? */
static bool op_allowed(enum fk k, enum gop op)
{
    if (op == O_EXISTS)
        return true;
    switch (k) {
    case K_NUM:
        return op_is_eq(op) || op_is_order(op) || op_is_set(op);
    case K_BOOL:
    case K_IP:
    case K_NET:
        return op_is_eq(op) || op_is_set(op);
    case K_STR:
        return op != O_BCONTAINS && op != O_BSTARTSWITH;
    case K_BUF:
        return op_is_eq(op) || op_is_set(op) || op == O_CONTAINS || op == O_STARTSWITH ||
               op == O_ENDSWITH || op == O_BCONTAINS || op == O_BSTARTSWITH;
    case K_LIST:
        return op_is_set(op);
    }
    return false;
}

/* ---- expressions (left sides, and transformers on the right) ---- */

enum xop { X_FIELD, X_LOWER, X_UPPER, X_B64, X_BASENAME, X_LEN, X_CONCAT, X_JOIN };

struct gx {
    enum xop op;
    const struct fdef *f; /* X_FIELD */
    int n;                /* X_CONCAT, X_JOIN: parts */
    struct gx *kid[4];    /* a part is kid[i], or the literal lit[i] when kid[i] is NULL */
    const char *lit[4];
    const char *sep; /* X_JOIN */
    enum fk k;
    const char *type;
};

/* Nodes live in a per-check arena, reset by gx_reset. */
static struct gx dg_nodes[256];
static unsigned dg_nnodes;

static void gx_reset(void)
{
    dg_nnodes = 0;
}

static struct gx *gx_new(enum xop op)
{
    if (dg_nnodes == NELEM(dg_nodes)) {
        fprintf(stderr, "diffgen: expression too large\n");
        exit(2);
    }
    struct gx *x = &dg_nodes[dg_nnodes++];
    memset(x, 0, sizeof(*x));
    x->op = op;
    return x;
}

static struct gx *gx_field(const struct fdef *f)
{
    struct gx *x = gx_new(X_FIELD);
    x->f = f;
    x->k = f->k;
    x->type = f->type;
    return x;
}

/* Can a string constant be written bare (§5.1)? Conservative. */
static bool bare_ok(const char *s)
{
    static const char *const words[] = {"and",   "or",     "not", "oneof",      "anyof",
                                        "allof", "exists", "in",  "intersects", "pmatch"};
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("_/.*?:-", *p)))
            return false;
    for (size_t i = 0; i < NELEM(words); i++)
        if (!strcmp(s, words[i]))
            return false;
    return true;
}

/* Length of the UTF-8 sequence at s (n bytes left) when it is valid (no
 * overlong form, no surrogate, at most U+10FFFF) and printable for YAML (no
 * C1 control but U+0085, no U+FFFE/U+FFFF); 0 otherwise. */
static size_t u8len(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = u[0] < 0x80             ? 1
                 : (u[0] & 0xe0) == 0xc0 ? 2
                 : (u[0] & 0xf0) == 0xe0 ? 3
                 : (u[0] & 0xf8) == 0xf0 ? 4
                                         : 0;
    if (!len || len > n)
        return 0;
    uint32_t cp = len == 1 ? u[0] : u[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (u[i] & 0x3f);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
        (cp >= 0x80 && cp <= 0x9f && cp != 0x85) || cp == 0xfffe || cp == 0xffff)
        return 0;
    return len;
}

/* A string constant as condition text: double-quoted (\" escaped; control
 * bytes, backslashes and bytes that are not valid UTF-8 as \xHH, so the rules
 * file stays valid YAML), or bare when allowed and the dice say so. */
static void emit_str(struct sb *b, const char *s, bool may_bare)
{
    if (may_bare && bare_ok(s) && dg_pct(40)) {
        sb_add(b, s);
        return;
    }
    sb_add(b, "\"");
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t l = u8len(s + i, n - i);
        if (c == '"') {
            sb_add(b, "\\\"");
            i++;
        } else if (!l || c < 0x20 || c == 0x7f || c == '\\') {
            /* a backslash as \x5c: a quote right after one would not end the string */
            sb_printf(b, "\\x%02x", c);
            i++;
        } else {
            sb_addn(b, s + i, l);
            i += l;
        }
    }
    sb_add(b, "\"");
}

static const char *const XF_NAME[] = {"",         "tolower", "toupper", "b64",
                                      "basename", "len",     "concat",  "join"};

static void gx_print(struct sb *b, const struct gx *x)
{
    if (x->op == X_FIELD) {
        sb_add(b, x->f->name);
        return;
    }
    sb_add(b, XF_NAME[x->op]);
    sb_add(b, "(");
    if (x->op == X_CONCAT || x->op == X_JOIN) {
        if (x->op == X_JOIN) {
            emit_str(b, x->sep, false);
            sb_add(b, dg_pct(50) ? ", (" : ",(");
        }
        for (int i = 0; i < x->n; i++) {
            if (i)
                sb_add(b, dg_pct(70) ? ", " : ",");
            if (x->kid[i])
                gx_print(b, x->kid[i]);
            else
                emit_str(b, x->lit[i], false);
        }
        if (x->op == X_JOIN)
            sb_add(b, ")");
    } else {
        gx_print(b, x->kid[0]);
    }
    sb_add(b, ")");
}

/* The shape of x: as gx_print, with literals written "_" (for grouping). */
static void gx_shape(struct sb *b, const struct gx *x)
{
    if (x->op == X_FIELD) {
        sb_add(b, x->f->name);
        return;
    }
    sb_add(b, XF_NAME[x->op]);
    sb_add(b, "(");
    if (x->op == X_JOIN)
        sb_add(b, "_,(");
    for (int i = 0; i < (x->op == X_CONCAT || x->op == X_JOIN ? x->n : 1); i++) {
        if (i)
            sb_add(b, ",");
        if (x->kid[i])
            gx_shape(b, x->kid[i]);
        else
            sb_add(b, "_");
    }
    if (x->op == X_JOIN)
        sb_add(b, ")");
    sb_add(b, ")");
}

/* A string-valued expression; depth bounds the nesting. Fields flagged
 * F_NOXF (and evt.type) are not used inside transformers. */
static struct gx *gen_strx(int depth, bool top, bool xf);

static struct gx *gen_part(int depth)
{
    unsigned r = dg_below(100);
    if (r < 50)
        return gen_strx(depth + 1, false, false);
    if (r < 70)
        return gx_field(pick_field(K_NUM, F_NOXF));
    if (r < 80)
        return gx_field(pick_field(K_BOOL, F_NOXF));
    if (r < 90)
        return gx_field(pick_field(K_IP, F_NOXF));
    return NULL; /* a literal */
}

static const char *const LITS[] = {"", ",", "/", "x", "bash", " ", "a=b", "/etc"};

/* xf: a transformer, not a plain field (for the right-hand side). */
static struct gx *gen_strx(int depth, bool top, bool xf)
{
    unsigned r = xf ? 55 + dg_below(45) : depth >= 2 ? 0 : dg_below(100);
    if (r < 55) {
        const struct fdef *f = pick_field(K_STR, top ? F_ANY : F_NOXF);
        return gx_field(f);
    }
    struct gx *x;
    if (r < 70) {
        x = gx_new(dg_pct(50) ? X_LOWER : X_UPPER);
        x->kid[0] = gen_strx(depth + 1, false, false);
    } else if (r < 80) {
        x = gx_new(X_BASENAME);
        x->kid[0] = gen_strx(depth + 1, false, false);
    } else if (r < 87) {
        x = gx_new(X_B64);
        x->kid[0] = gen_strx(depth + 1, false, false);
    } else {
        x = gx_new(dg_pct(50) ? X_CONCAT : X_JOIN);
        x->n = 2 + (int)dg_below(2);
        if (x->op == X_JOIN) {
            x->sep = LITS[dg_below(NELEM(LITS))];
            if (dg_pct(10))
                x->n = (int)dg_below(2); /* join(",", ()) and one part */
        }
        for (int i = 0; i < x->n; i++) {
            x->kid[i] = gen_part(depth);
            if (!x->kid[i])
                x->lit[i] = LITS[dg_below(NELEM(LITS))];
        }
    }
    x->k = K_STR;
    x->type = "charbuf";
    return x;
}

/* A bytebuf expression: evt.buffer or b64(evt.buffer). */
static struct gx *gen_bufx(void)
{
    struct gx *f = gx_field(field_named("evt.buffer"));
    if (dg_pct(75))
        return f;
    struct gx *x = gx_new(X_B64);
    x->kid[0] = f;
    x->k = K_BUF;
    x->type = "bytebuf";
    return x;
}

/* len() of a string or buffer expression: uint64. */
static struct gx *gen_lenx(int depth)
{
    struct gx *x = gx_new(X_LEN);
    x->kid[0] = dg_pct(70) ? gen_strx(depth + 1, false, false) : gen_bufx();
    x->k = K_NUM;
    x->type = "uint64";
    return x;
}

/* ---- sampling: a value an expression may take ---- */

static int b64v(int c)
{
    const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *q = c ? strchr(tab, c) : NULL;
    return q ? (int)(q - tab) : -1;
}

/* Lenient base64 decoding for sampling only (correctness is the
 * implementations' business); false when not base64 or the result has a NUL. */
static bool b64dec(const char *s, struct sb *out)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == '=')
        n--;
    if (n % 4 == 1)
        return false;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64v((unsigned char)s[i]);
        if (v < 0)
            return false;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            char c = (char)(acc >> bits & 0xff);
            if (!c)
                return false;
            sb_addn(out, &c, 1);
        }
    }
    return true;
}

/* Appends a possible value of x to out; false when none could be made. */
static bool sample(const struct gx *x, struct sb *out)
{
    if (x->op == X_FIELD) {
        sb_add(out, pool_pick(x->f));
        return true;
    }
    struct sb t = {0};
    sb_addn(&t, "", 0);
    bool ok = true;
    switch (x->op) {
    case X_FIELD:
        break;
    case X_LOWER:
    case X_UPPER:
        if ((ok = sample(x->kid[0], &t)))
            for (size_t i = 0; i < t.n; i++) {
                char c = t.p[i];
                if (x->op == X_LOWER && c >= 'A' && c <= 'Z')
                    c = (char)(c - 'A' + 'a');
                if (x->op == X_UPPER && c >= 'a' && c <= 'z')
                    c = (char)(c - 'a' + 'A');
                sb_addn(out, &c, 1);
            }
        break;
    case X_BASENAME:
        if ((ok = sample(x->kid[0], &t))) {
            const char *sl = strrchr(t.p, '/');
            sb_add(out, sl ? sl + 1 : t.p);
        }
        break;
    case X_B64:
        ok = sample(x->kid[0], &t) && b64dec(t.p, out);
        break;
    case X_LEN:
        if ((ok = sample(x->kid[0], &t)))
            sb_printf(out, "%zu", t.n);
        break;
    case X_CONCAT:
    case X_JOIN:
        for (int i = 0; i < x->n && ok; i++) {
            if (i && x->op == X_JOIN)
                sb_add(out, x->sep);
            if (x->kid[i])
                ok = sample(x->kid[i], out);
            else
                sb_add(out, x->lit[i]);
        }
        break;
    }
    sb_free(&t);
    return ok;
}

/* ---- shaping constants for an operator ---- */

/* A random substring [from, from+len) of s (may be empty). */
static void substr(const char *s, struct sb *out, int where /* 0 any, 1 prefix, 2 suffix */)
{
    size_t n = strlen(s);
    size_t len = n ? dg_below((unsigned)n + 1) : 0;
    if (len == 0 && n && dg_pct(80))
        len = 1 + dg_below((unsigned)n);
    size_t from = where == 1 ? 0 : where == 2 ? n - len : dg_below((unsigned)(n - len + 1));
    sb_addn(out, s + from, len);
}

static void flip_case(struct sb *b)
{
    for (size_t i = 0; i < b->n; i++) {
        char c = b->p[i];
        if (dg_pct(40)) {
            if (c >= 'a' && c <= 'z')
                b->p[i] = (char)(c - 'a' + 'A');
            else if (c >= 'A' && c <= 'Z')
                b->p[i] = (char)(c - 'A' + 'a');
        }
    }
}

/* A near miss: one byte changed, dropped or added. */
static void perturb(struct sb *b)
{
    unsigned r = dg_below(3);
    if (r == 0 && b->n) {
        b->p[dg_below((unsigned)b->n)] = "xyz/_Q"[dg_below(6)];
    } else if (r == 1 && b->n) {
        size_t at = dg_below((unsigned)b->n);
        memmove(b->p + at, b->p + at + 1, b->n - at);
        b->n--;
    } else {
        sb_add(b, "x");
    }
}

static bool glob_special(char c)
{
    return c == '*' || c == '?' || c == '[' || c == '\\';
}

/* A glob pattern that matches s (mostly), built by replacing parts of it. */
static void globify(const char *s, struct sb *out)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned r = dg_below(100);
        if (r < 8) {
            sb_add(out, "?");
            i++;
        } else if (r < 14) {
            sb_add(out, "*");
            i += dg_below(4);
        } else if (r < 18 && (unsigned char)s[i] < 0x80 && s[i] != ']' && s[i] != '!' &&
                   s[i] != '^' && s[i] != '\\' && s[i] != '-') {
            sb_printf(out, "[%c%c]", dg_pct(50) ? 'q' : 'Z', s[i]);
            i++;
        } else {
            if (glob_special(s[i]))
                sb_add(out, "\\");
            sb_addn(out, s + i, 1);
            i++;
        }
    }
    if (dg_pct(10))
        sb_add(out, "*");
}

static bool re_special(char c)
{
    return strchr(".[]()*+?{}|^$\\", c) != NULL;
}

/* A POSIX (RE2) regex that matches s (mostly); UTF-8 characters are kept
 * whole (the pattern must be valid UTF-8), but '.' may stand for one. */
static void regexify(const char *s, struct sb *out)
{
    size_t n = strlen(s);
    bool wrap = dg_pct(10);
    if (wrap)
        sb_add(out, "(x|");
    for (size_t i = 0; i < n;) {
        unsigned r = dg_below(100);
        unsigned char c = (unsigned char)s[i];
        size_t l = u8len(s + i, n - i);
        if (!l) { /* not UTF-8: no pattern can name it; match anything */
            sb_add(out, ".*");
            i++;
        } else if (r < 8 || (l > 1 && r < 30)) {
            sb_add(out, ".");
            i += l;
        } else if (r < 13) {
            sb_add(out, ".*");
            for (unsigned k = dg_below(4); k && i < n; k--)
                i += u8len(s + i, n - i) ? u8len(s + i, n - i) : 1;
        } else if (r < 17 && l == 1 && !strchr("]^\\-[", (char)c)) {
            sb_printf(out, "[%c%c]", dg_pct(50) ? 'q' : '0', c);
            i++;
        } else if (r < 20 && l == 1 && !re_special((char)c)) {
            sb_printf(out, "%c+", c);
            while (i < n && s[i] == (char)c)
                i++;
        } else {
            if (l == 1 && re_special((char)c))
                sb_add(out, "\\");
            sb_addn(out, s + i, l);
            i += l;
        }
    }
    if (wrap)
        sb_add(out, ")");
    if (dg_pct(5))
        sb_add(out, "x?");
}

/* A pmatch entry: the first components of s, some replaced by globs. */
static void pmatchify(const char *s, struct sb *out)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", s);
    char *comps[32];
    int nc = 0;
    char *sp = NULL;
    for (char *c = strtok_r(buf, "/", &sp); c && nc < 32; c = strtok_r(NULL, "/", &sp))
        comps[nc++] = c;
    int keep = nc ? (int)dg_below((unsigned)nc + 1) : 0;
    if (keep == 0 && nc && dg_pct(80))
        keep = 1 + (int)dg_below((unsigned)nc);
    if (dg_pct(80))
        sb_add(out, "/");
    for (int i = 0; i < keep; i++) {
        if (i)
            sb_add(out, dg_pct(5) ? "//" : "/");
        unsigned r = dg_below(100);
        if (r < 10)
            sb_add(out, "*");
        else if (r < 15 && strlen(comps[i]) > 1)
            sb_printf(out, "%c*", comps[i][0]);
        else if (r < 18 && strlen(comps[i]) > 1)
            sb_printf(out, "?%s", comps[i] + 1);
        else if (r < 22)
            sb_printf(out, "%sx", comps[i]); /* a near miss */
        else
            sb_add(out, comps[i]);
    }
    if (dg_pct(10))
        sb_add(out, "/");
}

static void hexify(const char *s, size_t n, struct sb *out)
{
    bool upper = dg_pct(30);
    for (size_t i = 0; i < n; i++)
        sb_printf(out, upper ? "%02X" : "%02x", (unsigned char)s[i]);
}

/* A string sample of x, falling back to a pool value of a field like it. */
static void sample_str(const struct gx *x, struct sb *out)
{
    if (x->op == X_FIELD || dg_pct(85)) {
        size_t n0 = out->n;
        if (sample(x, out))
            return;
        out->n = n0;
        if (out->p)
            out->p[n0] = '\0';
    }
    sb_add(out, x->k == K_BUF ? P_BUF[dg_below(NELEM(P_BUF))] : P_NAME[dg_below(NELEM(P_NAME))]);
}

/*
 * One constant for `x op C`, written into b as condition text. list: it is an
 * item of a list (in, intersects, pmatch or a modifier's list).
 */
static void gen_const(struct sb *b, const struct gx *x, enum gop op)
{
    struct sb s = {0}, t = {0};
    sb_addn(&s, "", 0); /* both non-NULL from here on */
    sb_addn(&t, "", 0);
    const struct fdef *f = x->op == X_FIELD ? x->f : NULL;
    switch (x->k) {
    case K_NUM:
        if (dg_pct(4))
            sb_add(b, f && !strcmp(f->type, "port") ? P_ODDPORT[dg_below(NELEM(P_ODDPORT))]
                                                    : P_ODDNUM[dg_below(NELEM(P_ODDNUM))]);
        else if (f && f->kpool && !op_is_order(op) && dg_pct(20))
            sb_add(b, f->kpool[dg_below((unsigned)f->nkpool)]); /* a service name */
        else if (f && !f->kpool && dg_pct(10))
            sb_add(b, P_SNUM[dg_below(NELEM(P_SNUM))]); /* out of the field's range */
        else if (f)
            sb_add(b, pool_pick(f));
        else if (dg_pct(70) && sample(x, &s))
            sb_add(b, s.p);
        else
            sb_add(b, P_ORDNUM[dg_below(NELEM(P_ORDNUM))]);
        break;
    case K_BOOL:
    case K_IP:
    case K_NET:
    case K_LIST:
        sb_add(b, pool_pick(f));
        break;
    case K_STR:
    case K_BUF:
        if (f && (f->flags & F_EVT)) {
            /* every constant of evt.type must be an event name */
            sb_add(b, pool_pick(f));
            break;
        }
        if (op_is_order(op)) { /* the grammar wants a number token */
            sb_add(b, P_ORDNUM[dg_below(NELEM(P_ORDNUM))]);
            break;
        }
        sample_str(x, &s);
        switch (op) {
        case O_CONTAINS:
        case O_ICONTAINS:
            substr(s.p, &t, 0);
            if (op == O_ICONTAINS)
                flip_case(&t);
            break;
        case O_STARTSWITH:
        case O_ENDSWITH:
            substr(s.p, &t, op == O_STARTSWITH ? 1 : 2);
            break;
        case O_BCONTAINS:
        case O_BSTARTSWITH:
            substr(s.p, &t, op == O_BSTARTSWITH ? 1 : 0);
            sb_reset(&s);
            hexify(t.p ? t.p : "", t.n, &s);
            sb_reset(&t);
            sb_add(&t, s.p ? s.p : "");
            break;
        case O_GLOB:
        case O_IGLOB:
            globify(s.p, &t);
            if (op == O_IGLOB)
                flip_case(&t);
            break;
        case O_REGEX:
            regexify(s.p, &t);
            break;
        case O_PMATCH:
            pmatchify(s.p, &t);
            break;
        default:
            sb_add(&t, s.p);
            break;
        }
        if (dg_pct(10) && op != O_BCONTAINS && op != O_BSTARTSWITH && op != O_REGEX &&
            op != O_GLOB && op != O_IGLOB)
            perturb(&t);
        emit_str(b, t.p ? t.p : "", op != O_BCONTAINS && op != O_BSTARTSWITH);
        break;
    }
    sb_free(&s);
    sb_free(&t);
}

/* A list literal of constants, n items. */
static void gen_list(struct sb *b, const struct gx *x, enum gop op, unsigned n)
{
    sb_add(b, "(");
    for (unsigned i = 0; i < n; i++) {
        if (i)
            sb_add(b, dg_pct(80) ? ", " : ",");
        gen_const(b, x, op);
    }
    sb_add(b, ")");
}

static unsigned list_len(void)
{
    unsigned r = dg_below(100);
    return r < 4 ? 0 : r < 88 ? 1 + dg_below(4) : 9 + dg_below(4); /* > 8: hashed sets */
}

/* A right-hand side expression of x's exact type (val() or a transformer)
 * into b, its shape into sig; false when there is none. */
static bool gen_rhs_expr(struct sb *b, struct sb *sig, const struct gx *x)
{
    struct gx *y = NULL;
    if (x->k == K_STR && dg_pct(40)) {
        y = gen_strx(1, false, true);
    } else if (x->k == K_NUM && !strcmp(x->type, "uint64") && dg_pct(40)) {
        y = gen_lenx(1);
    } else if (x->k == K_BUF && dg_pct(40)) {
        y = gx_new(X_B64);
        y->kid[0] = gx_field(field_named("evt.buffer"));
    }
    if (y) {
        gx_print(b, y);
        gx_shape(sig, y);
        return true;
    }
    const struct fdef *f = pick_typed(x->type);
    if (!f)
        return false;
    sb_printf(b, "val(%s)", f->name);
    sb_printf(sig, "val(%s)", f->name);
    return true;
}

/* ---- checks ---- */

/* A left side of kind k (or any kind when k < 0). */
static struct gx *gen_lhs(int k)
{
    if (k < 0) {
        unsigned r = dg_below(100);
        k = r < 45   ? K_STR
            : r < 68 ? K_NUM
            : r < 73 ? K_BOOL
            : r < 82 ? K_IP
            : r < 89 ? K_NET
            : r < 96 ? K_BUF
                     : K_LIST;
    }
    switch (k) {
    case K_STR:
        return dg_pct(65) ? gx_field(pick_field(K_STR, 0)) : gen_strx(0, true, true);
    case K_NUM:
        return dg_pct(85) ? gx_field(pick_field(K_NUM, 0)) : gen_lenx(0);
    case K_BUF:
        return gen_bufx();
    default:
        return gx_field(pick_field((enum fk)k, 0));
    }
}

/* A random operator allowed for x. */
static enum gop pick_op(const struct gx *x)
{
    for (;;) {
        enum gop op = (enum gop)dg_below(O_COUNT);
        if (op == O_EXISTS && dg_pct(60))
            continue; /* keep exists at a few percent */
        if (x->f && (x->f->flags & F_EVT) && op_is_order(op))
            continue; /* evt.type < N: N is no event name */
        if (op_allowed(x->k, op))
            return op;
    }
}

/*
 * The text of one check `x op rhs` into b, and its shape (left side, operator,
 * modifier, kind of right side: no constants) into sig, which groups
 * failures. mod < 0: random; f2f < 0: random (a field or transformer on the
 * right when allowed). False when the requested shape is impossible (mod or
 * f2f on a kind that has none).
 */
static bool gen_check_with(struct sb *b, struct sb *sig, struct gx *x, enum gop op, int mod,
                           int f2f)
{
    gx_print(b, x);
    gx_shape(sig, x);
    const struct fdef *f = x->op == X_FIELD ? x->f : NULL;
    unsigned fl = f ? f->flags : 0;
    if (op == O_EXISTS) {
        sb_add(b, " exists");
        sb_add(sig, " exists");
        return mod <= 0 && f2f <= 0;
    }
    /* Modifiers: after the string operators, on every kind that allows the
     * operator (§5.6, §6.3). */
    bool mod_ok = op_takes_mod(op) && x->k != K_LIST;
    if (mod < 0)
        mod = mod_ok && dg_pct(15) ? (int)(1 + dg_below(3)) : 0;
    if (mod && !mod_ok)
        return false;
    bool f2f_ok = !mod && !(fl & F_NOF2F) && x->k != K_NET && x->k != K_LIST && op != O_PMATCH &&
                  op != O_REGEX;
    if (f2f < 0)
        f2f = f2f_ok && dg_pct(18);
    if (f2f && !f2f_ok)
        return false;
    sb_printf(b, " %s ", OP_TEXT[op]);
    sb_printf(sig, " %s ", OP_TEXT[op == O_EQEQ ? O_EQ : op]); /* synonyms */
    if (mod) {
        unsigned n = dg_pct(5) ? 0 : 1 + dg_below(4);
        sb_printf(b, "%s ", MOD_TEXT[mod]);
        sb_printf(sig, "%s %s", MOD_TEXT[mod], n ? "(...)" : "()");
        gen_list(b, x, op, n);
        return true;
    }
    if (f2f)
        return gen_rhs_expr(b, sig, x);
    if (op_is_set(op) || op == O_PMATCH) {
        unsigned n = list_len();
        sb_add(sig, n == 0 ? "()" : n > 8 ? "(9+ items)" : "(...)");
        gen_list(b, x, op, n);
        return true;
    }
    sb_add(sig, "C");
    gen_const(b, x, op);
    return true;
}

static void gen_check(struct sb *b, struct sb *sig)
{
    gx_reset();
    struct gx *x = gen_lhs(-1);
    enum gop op = pick_op(x);
    for (;;) {
        sb_reset(b);
        sb_reset(sig);
        if (gen_check_with(b, sig, x, op, -1, -1))
            return;
    }
}

/* ---- conditions, as trees (so that failures can be minimised) ---- */

enum ckind { C_CHECK, C_AND, C_OR, C_NOT };

struct cnode {
    enum ckind k;
    char *text; /* C_CHECK */
    char *sig;  /* C_CHECK: its shape */
    int n;
    struct cnode *kid[4];
};

static struct cnode *cn_new(enum ckind k)
{
    struct cnode *c = calloc(1, sizeof(*c));
    if (!c)
        exit(2);
    c->k = k;
    return c;
}

static void cn_free(struct cnode *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++)
        cn_free(c->kid[i]);
    free(c->text);
    free(c->sig);
    free(c);
}

static struct cnode *cn_copy(const struct cnode *c)
{
    struct cnode *d = cn_new(c->k);
    d->text = c->text ? dg_strdup(c->text) : NULL;
    d->sig = c->sig ? dg_strdup(c->sig) : NULL;
    d->n = c->n;
    for (int i = 0; i < c->n; i++)
        d->kid[i] = cn_copy(c->kid[i]);
    return d;
}

static struct cnode *gen_cond(int depth)
{
    if (depth >= 4 || dg_pct(35 + 15 * (unsigned)depth)) {
        struct cnode *c = cn_new(C_CHECK);
        struct sb b = {0}, sig = {0};
        gen_check(&b, &sig);
        c->text = b.p;
        c->sig = sig.p;
        return c;
    }
    unsigned r = dg_below(100);
    struct cnode *c = cn_new(r < 36 ? C_AND : r < 80 ? C_OR : C_NOT);
    c->n = c->k == C_NOT ? 1 : 2 + (int)dg_below(dg_pct(80) ? 1 : 3);
    for (int i = 0; i < c->n; i++)
        c->kid[i] = gen_cond(depth + 1);
    return c;
}

static void cn_print(struct sb *b, const struct cnode *c)
{
    switch (c->k) {
    case C_CHECK:
        sb_add(b, c->text);
        break;
    case C_NOT:
        if (c->kid[0]->k == C_CHECK) {
            sb_add(b, "not ");
            sb_add(b, c->kid[0]->text);
        } else {
            sb_add(b, "not ");
            cn_print(b, c->kid[0]);
        }
        break;
    default:
        sb_add(b, "(");
        for (int i = 0; i < c->n; i++) {
            if (i)
                sb_add(b, c->k == C_AND ? " and " : " or ");
            cn_print(b, c->kid[i]);
        }
        sb_add(b, ")");
        break;
    }
}

/* ---- field vectors ---- */

struct ventry {
    const char *key;
    const char *vals[4];
    int n;
};

struct vec {
    struct ventry e[64];
    int n;
};

static void vec_add(struct vec *v, const char *key, const char *val)
{
    if (v->n == (int)NELEM(v->e))
        return;
    struct ventry *e = &v->e[v->n++];
    e->key = key;
    e->n = 1;
    e->vals[0] = val;
}

static const char *const ANAME_KEYS[] = {"proc.aname[1]", "proc.aname[2]", "proc.aname[3]",
                                         "proc.aname[4]"};
static const char *const APID_KEYS[] = {"proc.apid[1]", "proc.apid[2]", "proc.apid[3]",
                                        "proc.apid[4]"};

static void gen_vec(struct vec *v)
{
    v->n = 0;
    for (size_t i = 0; i < NELEM(FIELDS); i++) {
        const struct fdef *f = &FIELDS[i];
        /* every real event has a type and a number: mostly given */
        bool usual = !strcmp(f->name, "evt.type") || !strcmp(f->name, "evt.num");
        if ((f->flags & F_NOVEC) || !dg_pct(usual ? 92 : 70))
            continue;
        if (f->k == K_LIST) {
            struct ventry *e = &v->e[v->n++];
            e->key = f->name;
            e->n = 1 + (int)dg_below(3);
            for (int k = 0; k < e->n; k++)
                e->vals[k] = pool_pick(f);
            continue;
        }
        vec_add(v, f->name, pool_pick(f));
    }
    /* Ancestors: levels 1..d, sometimes with a gap. */
    unsigned d = dg_below(5);
    unsigned gap = dg_pct(15) ? 1 + dg_below(4) : 0;
    for (unsigned l = 1; l <= d; l++) {
        if (l == gap)
            continue;
        vec_add(v, ANAME_KEYS[l - 1], P_NAME[dg_below(NELEM(P_NAME))]);
        if (dg_pct(85))
            vec_add(v, APID_KEYS[l - 1], P_PID[dg_below(NELEM(P_PID))]);
    }
}

/* The vector as YAML `fields:` lines (for falcoc test) into b. */
static void vec_print(struct sb *b, const struct vec *v, const char *indent)
{
    for (int i = 0; i < v->n; i++) {
        const struct ventry *e = &v->e[i];
        sb_printf(b, "%s%s: ", indent, e->key);
        if (!strcmp(e->key, "fd.types"))
            sb_add(b, "[");
        for (int k = 0; k < e->n; k++) {
            if (k)
                sb_add(b, ", ");
            sb_add(b, "\"");
            for (const char *p = e->vals[k]; *p; p++) {
                if (*p == '\\' || *p == '"')
                    sb_add(b, "\\");
                if ((unsigned char)*p < 0x20 || *p == 0x7f)
                    sb_printf(b, "\\x%02x", (unsigned char)*p);
                else
                    sb_addn(b, p, 1);
            }
            sb_add(b, "\"");
        }
        if (!strcmp(e->key, "fd.types"))
            sb_add(b, "]");
        sb_add(b, "\n");
    }
}

#endif
