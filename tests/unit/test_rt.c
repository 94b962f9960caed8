/*
 * test_rt.c - the evaluation runtime: field reads through fc_rt_get with the
 * per-event cache (over the field-vector provider, wrapped to count calls),
 * scratch space, transformers, join, constant building and every check
 * kernel on the examples of rules-language.md §6, field-to-field
 * comparison, and random agreement of the string kernels with plain
 * reference computations (memmem, fnmatch, a folding search, PCRE2).
 * Links the runtime only (and stdlib/ops through it).
 */
#include <arpa/inet.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ast.h"
#include "fc_abi.h"
#include "fc_fields.h"
#include "fc_fvec.h"
#include "fc_konst.h"
#include "fc_rt.h"
#include "ops.h"
#include "tharness.h"

/* ---- a provider that counts the calls per field reference ---- */

#define MAXREF 32
static unsigned calls[MAXREF];

static unsigned idx_of(const struct fc_ctx *c, const struct fc_fref *f)
{
    return (unsigned)(f - c->frefs);
}

static struct fc_str cnt_str(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i)
{
    calls[idx_of(c, f)]++;
    return fvec_provider.get_str(c, f, i);
}

static struct fc_num cnt_num(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i)
{
    calls[idx_of(c, f)]++;
    return fvec_provider.get_num(c, f, i);
}

static struct fc_ip cnt_ip(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i)
{
    calls[idx_of(c, f)]++;
    return fvec_provider.get_ip(c, f, i);
}

static uint32_t cnt_count(const struct fc_ctx *c, const struct fc_fref *f)
{
    return fvec_provider.count(c, f);
}

static const struct fc_provider counting = {cnt_str, cnt_num, cnt_ip, cnt_count};

/* A field as written ("proc.aname[1]") resolved into a reference. */
static struct fc_fref ref(const char *key)
{
    struct fc_fref f = {0};
    if (!fc_fref_parse(key, &f, NULL, 0))
        fprintf(stderr, "cannot resolve %s\n", key);
    return f;
}

static void add(struct fvec *fv, const char *key, const char *val)
{
    char err[200];
    const char *v[] = {val};
    if (!fvec_add(fv, key, v, 1, err, sizeof(err)))
        fprintf(stderr, "fvec_add: %s\n", err);
}

static bool val_is(const struct fc_val *v, const char *s)
{
    return v && v->n == strlen(s) && !memcmp(v->p, s, v->n);
}

/* ---- field reads and the cache ---- */

enum {
    R_NAME,
    R_EXE,
    R_PID,
    R_FDNUM,
    R_SIP,
    R_CIP,
    R_ANAME,
    R_ANAME1,
    R_UID,
    R_CPU,
    R_SPORT,
    R_BUF,
    R_WRITABLE,
    R_SNET,
    R_COUNT
};

static void test_reads(void)
{
    const char *keys[R_COUNT] = {"proc.name",
                                 "proc.exe",
                                 "proc.pid",
                                 "fd.num",
                                 "fd.sip",
                                 "fd.cip",
                                 "proc.aname",
                                 "proc.aname[1]",
                                 "user.uid",
                                 "evt.cpu",
                                 "fd.sport",
                                 "evt.buffer",
                                 "proc.is_exe_writable",
                                 "fd.snet"};
    struct fc_fref frefs[R_COUNT];
    for (int i = 0; i < R_COUNT; i++)
        frefs[i] = ref(keys[i]);

    struct fvec ev1, ev2;
    fvec_init(&ev1);
    fvec_init(&ev2);
    add(&ev1, "proc.name", "bash");
    add(&ev1, "proc.pid", "1234");
    add(&ev1, "fd.num", "-1");
    add(&ev1, "fd.sip", "142.251.111.147");
    add(&ev1, "fd.cip", "::1");
    add(&ev1, "proc.aname[1]", "sh");
    add(&ev1, "proc.aname[2]", "init");
    add(&ev1, "user.uid", "4294967295");
    add(&ev1, "evt.cpu", "-3");
    add(&ev1, "fd.sport", "443");
    add(&ev1, "evt.buffer", "hello");
    add(&ev1, "proc.is_exe_writable", "true");
    add(&ev1, "fd.snet", "142.251.111.147");
    add(&ev2, "proc.name", "zsh");

    struct fc_ctx c;
    CHECK(fc_ctx_init(&c, &counting, frefs, R_COUNT), "fc_ctx_init");
    CHECK(c.slots && c.scratch && c.gen != 0, "context set up");
    c.data = &ev1;
    memset(calls, 0, sizeof(calls));

    const struct fc_val *v = fc_rt_get(&c, R_NAME, 0);
    CHECK(val_is(v, "bash"), "proc.name");
    CHECK(fc_rt_get(&c, R_NAME, 0) == v, "second read: the slot");
    CHECK(calls[R_NAME] == 1, "provider called once, got %u", calls[R_NAME]);
    CHECK(v == &c.slots[R_NAME].v, "value lives in the slot");
    CHECK(fc_rt_get(&c, R_EXE, 0) == NULL, "missing field: NULL");
    CHECK(fc_rt_get(&c, R_EXE, 0) == NULL && calls[R_EXE] == 1,
          "a failed read is cached too (%u calls)", calls[R_EXE]);

    v = fc_rt_get(&c, R_PID, 0);
    CHECK(v && v->n == 1234 && v->family == 0, "proc.pid");
    v = fc_rt_get(&c, R_FDNUM, 0);
    CHECK(v && v->n == UINT64_MAX && (int64_t)v->n == -1, "fd.num -1 sign-extended");
    v = fc_rt_get(&c, R_UID, 0);
    CHECK(v && v->n == 4294967295u, "user.uid");
    v = fc_rt_get(&c, R_CPU, 0);
    CHECK(v && (int64_t)v->n == -3, "evt.cpu int16 -3");
    v = fc_rt_get(&c, R_SPORT, 0);
    CHECK(v && v->n == 443, "fd.sport");
    v = fc_rt_get(&c, R_WRITABLE, 0);
    CHECK(v && v->n == 1, "bool true → 1");

    v = fc_rt_get(&c, R_SIP, 0);
    static const uint8_t sip[16] = {142, 251, 111, 147};
    CHECK(v && v->family == 4 && !memcmp(v->ip, sip, 16), "fd.sip v4, unused bytes zero");
    CHECK(v && v->prefix == 32 && v->p == NULL, "fd.sip prefix 32, no text");
    v = fc_rt_get(&c, R_CIP, 0);
    static const uint8_t lo6[16] = {[15] = 1};
    CHECK(v && v->family == 6 && !memcmp(v->ip, lo6, 16), "fd.cip ::1");
    v = fc_rt_get(&c, R_SNET, 0);
    CHECK(v && v->family == 4 && v->ip[0] == 142, "fd.snet (IPNET) read as an address");
    v = fc_rt_get(&c, R_BUF, 0);
    CHECK(val_is(v, "hello"), "evt.buffer bytes");

    /* Multi-valued read: ancestors from level 1 up. */
    CHECK(fc_rt_count(&c, R_ANAME) == 2, "proc.aname: 2 ancestors");
    const struct fc_val *a0 = fc_rt_get(&c, R_ANAME, 0);
    const struct fc_val *a1 = fc_rt_get(&c, R_ANAME, 1);
    const struct fc_val *a1b = fc_rt_get(&c, R_ANAME, 1);
    CHECK(val_is(a0, "sh") && val_is(a1, "init"), "proc.aname values");
    CHECK(a1 && a1b && a1 != a1b && val_is(a1b, "init"), "later values: a copy per read");
    CHECK(val_is(a0, "sh") && val_is(a1, "init"), "earlier copies untouched");
    CHECK(fc_rt_get(&c, R_ANAME, 2) == NULL, "past the last value: NULL");
    CHECK(val_is(fc_rt_get(&c, R_ANAME1, 0), "sh"), "proc.aname[1]");
    CHECK(fc_rt_count(&c, R_EXE) == 0, "count of a missing field");

    /* Next event: the cache is dropped. */
    unsigned before = calls[R_NAME];
    c.data = &ev2;
    fc_ctx_next_event(&c);
    CHECK(val_is(fc_rt_get(&c, R_NAME, 0), "zsh"), "next event: new value");
    CHECK(calls[R_NAME] == before + 1, "provider asked again after next_event");
    CHECK(fc_rt_get(&c, R_PID, 0) == NULL, "field absent from the new event");
    fc_rt_get(&c, R_NAME, 0);
    CHECK(calls[R_NAME] == before + 1, "and cached again");

    /* Same event again after next_event: still re-read (generation, not data). */
    fc_ctx_next_event(&c);
    fc_rt_get(&c, R_NAME, 0);
    CHECK(calls[R_NAME] == before + 2, "re-read after next_event on the same data");

    /* Generation wrap-around: slots filled at an old generation must not revive. */
    c.gen = UINT32_MAX;
    fc_rt_get(&c, R_NAME, 0);
    CHECK(c.slots[R_NAME].gen == UINT32_MAX, "slot stamped with the generation");
    c.data = &ev1;
    fc_ctx_next_event(&c);
    CHECK(c.gen == 1, "generation wraps to 1");
    CHECK(val_is(fc_rt_get(&c, R_NAME, 0), "bash"), "after the wrap the slot is re-read");
    c.slots[R_PID].gen = 1; /* a stale stamp equal to the new generation... */
    c.gen = UINT32_MAX;
    fc_ctx_next_event(&c);
    CHECK(c.slots[R_PID].gen == 0, "...is cleared by the wrap");

    fc_ctx_fini(&c);
    CHECK(c.slots == NULL && c.scratch == NULL, "fc_ctx_fini clears the context");
    fvec_free(&ev1);
    fvec_free(&ev2);
}

/* A provider with NUL bytes inside values, to see strings cut and buffers not. */
static struct fc_str nul_str(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i)
{
    (void)c;
    (void)f;
    (void)i;
    return (struct fc_str){"ab\0cd", 5, 1};
}

static struct fc_num no_num(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i)
{
    (void)c;
    (void)f;
    (void)i;
    return (struct fc_num){0, 0};
}

static struct fc_ip no_ip(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i)
{
    (void)c;
    (void)f;
    (void)i;
    return (struct fc_ip){{0}, 0, 0};
}

static uint32_t one_count(const struct fc_ctx *c, const struct fc_fref *f)
{
    (void)c;
    (void)f;
    return 1;
}

static void test_nul_values(void)
{
    static const struct fc_provider nul = {nul_str, no_num, no_ip, one_count};
    struct fc_fref frefs[] = {ref("proc.name"), ref("evt.buffer"), ref("proc.pid")};
    struct fc_ctx c;
    CHECK(fc_ctx_init(&c, &nul, frefs, 3), "init");
    const struct fc_val *s = fc_rt_get(&c, 0, 0), *b = fc_rt_get(&c, 1, 0);
    CHECK(s && s->n == 2 && !memcmp(s->p, "ab", 2), "string cut at its first NUL");
    CHECK(b && b->n == 5 && !memcmp(b->p, "ab\0cd", 5), "buffer keeps every byte");
    CHECK(fc_rt_get(&c, 2, 0) == NULL, "number not ok: NULL");
    fc_ctx_fini(&c);
}

/* ---- scratch ---- */

static void test_scratch(void)
{
    struct fc_scratch *s = fc_scratch_new();
    CHECK(s != NULL, "fc_scratch_new");
    char *p1 = fc_scratch_alloc(s, 3), *p2 = fc_scratch_alloc(s, 5);
    CHECK(p1 && p2 && p2 >= p1 + 3, "bump allocation");
    CHECK(((uintptr_t)p2 % _Alignof(struct fc_val)) == 0, "aligned for fc_val");
    memcpy(p1, "abc", 3);
    /* Grow well past the first chunk: earlier memory stays put. */
    char *big[8];
    for (int i = 0; i < 8; i++) {
        big[i] = fc_scratch_alloc(s, 3000);
        memset(big[i], 'a' + i, 3000);
    }
    CHECK(!memcmp(p1, "abc", 3), "earlier allocations survive growth");
    bool intact = true;
    for (int i = 0; i < 8; i++)
        for (int k = 0; k < 3000; k++)
            intact &= big[i][k] == 'a' + i;
    CHECK(intact, "grown chunks keep their contents");
    char *huge = fc_scratch_alloc(s, 1 << 20);
    CHECK(huge != NULL, "a request larger than twice the chunk");
    memset(huge, 0, 1 << 20);
    /* Next event: one chunk holds what the last event needed, so the same
     * requests are now contiguous (no new chunk). */
    fc_scratch_reset(s);
    char *q = fc_scratch_alloc(s, 3000);
    bool contiguous = true;
    for (int i = 1; i < 8; i++) {
        char *r = fc_scratch_alloc(s, 3000);
        contiguous &= r == q + (size_t)i * 3008; /* 3000 rounded to the alignment */
    }
    CHECK(contiguous, "steady state: one chunk, no growth");
    CHECK(fc_scratch_alloc(s, 0) != NULL, "zero-size request");
    CHECK(fc_scratch_alloc(s, SIZE_MAX - 8) == NULL, "impossible request: NULL");
    fc_scratch_free(s);
    fc_scratch_free(NULL);
}

/* ---- transformers and join ---- */

static struct fc_val sv(const char *s)
{
    struct fc_val v = {0};
    v.p = s;
    v.n = strlen(s);
    return v;
}

static struct fc_val svn(const char *s, size_t n)
{
    struct fc_val v = {0};
    v.p = s;
    v.n = n;
    return v;
}

static struct fc_val nv(uint64_t n)
{
    struct fc_val v = {0};
    v.n = n;
    return v;
}

static struct fc_val ipv(const char *s)
{
    struct fc_val v = {0};
    if (inet_pton(AF_INET, s, v.ip) == 1)
        v.family = 4;
    else if (inet_pton(AF_INET6, s, v.ip) == 1)
        v.family = 6;
    v.prefix = v.family == 4 ? 32 : 128;
    return v;
}

static void test_xf(void)
{
    struct fc_fref f = ref("proc.name");
    struct fc_ctx c;
    CHECK(fc_ctx_init(&c, &fvec_provider, &f, 1), "init");
    struct fc_val in = sv("BaSh-1.É");
    const struct fc_val *r = fc_rt_xf(&c, AST_XF_TOLOWER, PT_CHARBUF, &in);
    CHECK(val_is(r, "bash-1.É"), "tolower is ASCII only");
    const struct fc_val *u = fc_rt_xf(&c, AST_XF_TOUPPER, PT_CHARBUF, &in);
    CHECK(val_is(u, "BASH-1.É"), "toupper is ASCII only");
    CHECK(val_is(r, "bash-1.É") && r != u, "results do not alias");
    in = sv("aGVsbG8=");
    CHECK(val_is(fc_rt_xf(&c, AST_XF_B64, PT_CHARBUF, &in), "hello"), "b64 with padding");
    in = sv("aGVsbG8");
    CHECK(val_is(fc_rt_xf(&c, AST_XF_B64, PT_CHARBUF, &in), "hello"), "b64 without padding");
    in = sv("aGVsbG8!");
    CHECK(fc_rt_xf(&c, AST_XF_B64, PT_CHARBUF, &in) == NULL, "invalid base64: NULL");
    in = sv("a");
    CHECK(fc_rt_xf(&c, AST_XF_B64, PT_CHARBUF, &in) == NULL, "length %% 4 == 1: NULL");
    in = sv("");
    r = fc_rt_xf(&c, AST_XF_B64, PT_CHARBUF, &in);
    CHECK(r && r->n == 0, "b64 of the empty string");
    in = sv("AGI=");
    r = fc_rt_xf(&c, AST_XF_B64, PT_BYTEBUF, &in);
    CHECK(r && r->n == 2 && r->p[0] == 0 && r->p[1] == 'b', "b64 may produce NUL bytes");
    static const struct {
        const char *in, *out;
    } bn[] = {{"/usr/bin/", ""},  {"/", ""},
              {"hello", "hello"}, {"/tmp/file_to_run", "file_to_run"},
              {"", ""},           {"a/b", "b"}};
    for (size_t i = 0; i < sizeof(bn) / sizeof(bn[0]); i++) {
        in = sv(bn[i].in);
        CHECK(val_is(fc_rt_xf(&c, AST_XF_BASENAME, PT_CHARBUF, &in), bn[i].out), "basename(%s)",
              bn[i].in);
    }
    in = sv("/tmp/file_to_run");
    r = fc_rt_xf(&c, AST_XF_LEN, PT_CHARBUF, &in);
    CHECK(r && r->n == 16 && r->p == NULL, "len(fd.name) = 16");
    in = svn("a\0b", 3);
    r = fc_rt_xf(&c, AST_XF_LEN, PT_BYTEBUF, &in);
    CHECK(r && r->n == 3, "len of a buffer counts every byte");
    CHECK(fc_rt_xf(&c, AST_XF_TOLOWER, PT_CHARBUF, NULL) == NULL, "unavailable input: NULL");
    CHECK(fc_rt_xf(&c, AST_XF_JOIN, PT_CHARBUF, &in) == NULL, "not a single-value transformer");
    struct fc_val empty = {0};
    r = fc_rt_xf(&c, AST_XF_TOUPPER, PT_CHARBUF, &empty);
    CHECK(r && r->n == 0 && r->p, "empty value without pointer");

    /* join / concat */
    struct fc_val one = sv("1"), sep = sv(","), ab = sv("ab"), cd = sv("cd");
    const struct fc_val *p2[] = {&one, &one};
    CHECK(val_is(fc_rt_join(&c, &sep, 2, p2), "1,1"), "join(\",\", (1, 1))");
    const struct fc_val *p3[] = {&ab, &cd, &one};
    CHECK(val_is(fc_rt_join(&c, NULL, 3, p3), "abcd1"), "concat");
    CHECK(val_is(fc_rt_join(&c, &sep, 0, p3), ""), "join(\",\", ()) is \"\"");
    struct fc_val dash = sv(" - ");
    CHECK(val_is(fc_rt_join(&c, &dash, 3, p3), "ab - cd - 1"), "longer separator");
    const struct fc_val *pn[] = {&ab, NULL};
    CHECK(fc_rt_join(&c, &sep, 2, pn) == NULL, "an unavailable part fails the join");
    struct fc_val m1 = nv(UINT64_MAX), ip4 = ipv("1.2.3.4");
    const struct fc_val *raw[] = {&m1, &ip4, &ab};
    CHECK(val_is(fc_rt_join(&c, &sep, 3, raw), "-1,1.2.3.4,ab"), "parts without text");

    /* fc_rt_text */
    struct fc_val t = nv(1), big = nv(UINT64_MAX), ip6 = ipv("2001:db8::1");
    CHECK(val_is(fc_rt_text(&c, PT_BOOL, &t), "true"), "bool text");
    t = nv(0);
    CHECK(val_is(fc_rt_text(&c, PT_BOOL, &t), "false"), "bool text false");
    CHECK(val_is(fc_rt_text(&c, PT_UINT64, &big), "18446744073709551615"), "unsigned text");
    CHECK(val_is(fc_rt_text(&c, PT_INT64, &big), "-1"), "signed text");
    CHECK(val_is(fc_rt_text(&c, PT_IPADDR, &ip6), "2001:db8::1"), "v6 text");
    CHECK(val_is(fc_rt_text(&c, PT_IPV4ADDR, &ip4), "1.2.3.4"), "v4 text");
    CHECK(fc_rt_text(&c, PT_CHARBUF, &ab) == &ab, "strings are their own text");
    CHECK(fc_rt_text(&c, PT_UINT64, NULL) == NULL, "NULL in, NULL out");

    fc_ctx_next_event(&c);
    r = fc_rt_xf(&c, AST_XF_TOLOWER, PT_CHARBUF, &ab);
    CHECK(val_is(r, "ab"), "scratch usable after next_event");
    fc_ctx_fini(&c);
}

/* ---- constants and kernels ---- */

enum kfn { KSTR, KNUM, KIP };
static char lasterr[400];

/* Builds one constant, tests v against it: 1, 0, or -1 when the build fails. */
static int keval(enum kfn fn, uint32_t kind, uint32_t op, uint32_t mod, uint32_t type,
                 const char *const *items, uint32_t n, struct fc_val v)
{
    uint32_t lens[64];
    for (uint32_t i = 0; i < n; i++)
        lens[i] = (uint32_t)strlen(items[i]);
    struct fc_kdesc d = {kind, op, mod, type, n, items, lens};
    lasterr[0] = '\0';
    void **k = fc_konst_build(&d, 1, lasterr, sizeof(lasterr));
    if (!k)
        return -1;
    struct fc_ctx c = {0};
    c.k = (void *const *)k;
    bool r = fn == KSTR   ? fc_k_str(&c, 0, &v)
             : fn == KNUM ? fc_k_num(&c, 0, &v)
                          : fc_k_ip(&c, 0, &v);
    fc_konst_free(k, &d, 1);
    return r;
}

#define ITEMS(...)                                                                                 \
    (const char *const[]){__VA_ARGS__},                                                            \
        (uint32_t)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
#define NOITEMS (const char *const *)NULL, 0u

/* string field OP constant(s) */
#define KS(op, val, ...)                                                                           \
    keval(KSTR, FC_K_STR, AST_OP_##op, AST_MOD_NONE, PT_CHARBUF, ITEMS(__VA_ARGS__), sv(val))
#define KB(op, val, vn, ...)                                                                       \
    keval(KSTR, FC_K_STR, AST_OP_##op, AST_MOD_NONE, PT_BYTEBUF, ITEMS(__VA_ARGS__), svn(val, vn))
#define KSET(val, ...)                                                                             \
    keval(KSTR, FC_K_STRSET, AST_OP_IN, AST_MOD_NONE, PT_CHARBUF, ITEMS(__VA_ARGS__), sv(val))
#define KPM(val, ...)                                                                              \
    keval(KSTR, FC_K_PMATCH, AST_OP_PMATCH, AST_MOD_NONE, PT_FSPATH, ITEMS(__VA_ARGS__), sv(val))
#define KMOD(op, mod, val, ...)                                                                    \
    keval(KSTR, FC_K_MODSET, AST_OP_##op, AST_MOD_##mod, PT_CHARBUF, ITEMS(__VA_ARGS__), sv(val))
#define KN(op, type, val, ...)                                                                     \
    keval(KNUM, FC_K_NUMSET, AST_OP_##op, AST_MOD_NONE, PT_##type, ITEMS(__VA_ARGS__), nv(val))
#define KNMOD(op, mod, type, val, ...)                                                             \
    keval(KNUM, FC_K_MODSET, AST_OP_##op, AST_MOD_##mod, PT_##type, ITEMS(__VA_ARGS__), nv(val))
#define KIPS(op, type, val, ...)                                                                   \
    keval(KIP, FC_K_IPSET, AST_OP_##op, AST_MOD_NONE, PT_##type, ITEMS(__VA_ARGS__), ipv(val))
#define KIPMOD(op, mod, type, val, ...)                                                            \
    keval(KIP, FC_K_MODSET, AST_OP_##op, AST_MOD_##mod, PT_##type, ITEMS(__VA_ARGS__), ipv(val))

static void test_kstr(void)
{
    /* equality and order */
    CHECK(KS(EQ, "bash", "bash") == 1, "=");
    CHECK(KS(EQEQ, "bash", "bas") == 0, "== prefix is not equal");
    CHECK(KS(NE, "bash", "zsh") == 1, "!= answers v != c");
    CHECK(KS(NE, "bash", "bash") == 0, "!= equal");
    CHECK(KS(EQ, "", "") == 1, "empty = empty");
    CHECK(KS(LT, "abc", "abd") == 1 && KS(LT, "abd", "abc") == 0, "<");
    CHECK(KS(LT, "ab", "abc") == 1 && KS(GT, "abc", "ab") == 1, "a proper prefix sorts first");
    CHECK(KS(LE, "abc", "abc") == 1 && KS(GE, "abc", "abc") == 1, "<= >= on equal");
    CHECK(KS(GT, "b", "abc") == 1 && KS(LT, "b", "abc") == 0, "> byte order");
    CHECK(KS(GT, "\xe9", "z") == 1, "bytes compare unsigned");
    CHECK(KS(IN, "bash", "bash") == 1, "FC_K_STR with in: a one-item set");
    /* search */
    CHECK(KS(CONTAINS, "/opt/dir/subdir", "dir/sub") == 1, "contains");
    CHECK(KS(CONTAINS, "/opt/dir", "DIR") == 0, "contains is case-sensitive");
    CHECK(KS(CONTAINS, "anything", "") == 1 && KS(CONTAINS, "", "") == 1, "empty needle");
    CHECK(KS(ICONTAINS, "/opt/dir/SUBDIR/file.txt", "/subdir") == 1, "icontains (spec)");
    CHECK(KS(ICONTAINS, "\xc9t\xe9", "\xe9") == 1 && KS(ICONTAINS, "\xe9", "\xc9") == 0,
          "icontains folds ASCII only");
    CHECK(KS(STARTSWITH, "/usr/bin/x", "/usr/") == 1 && KS(STARTSWITH, "/us", "/usr") == 0,
          "startswith");
    CHECK(KS(ENDSWITH, "file.txt", ".txt") == 1 && KS(ENDSWITH, "txt", ".txt") == 0, "endswith");
    CHECK(KS(ENDSWITH, "x", "") == 1 && KS(STARTSWITH, "", "") == 1, "empty prefix/suffix");
    /* glob */
    CHECK(KS(GLOB, "/usr/bin/x", "/usr/*") == 1, "* matches '/'");
    CHECK(KS(GLOB, ".hidden.txt", "*.txt") == 1, "* matches a leading dot");
    CHECK(KS(GLOB, "cb", "[!a]b") == 1 && KS(GLOB, "ab", "[!a]b") == 0, "[!...]");
    CHECK(KS(GLOB, "a*", "a\\*") == 1 && KS(GLOB, "ab", "a\\*") == 0, "backslash quotes");
    CHECK(KS(GLOB, "A.TXT", "*.txt") == 0 && KS(IGLOB, "A.TXT", "*.txt") == 1, "iglob");
    CHECK(KS(GLOB, "x", "?") == 1 && KS(GLOB, "", "?") == 0, "?");
    CHECK(KS(GLOB, "abc", "abc") == 1 && KS(GLOB, "abcd", "abc") == 0, "whole value");
    /* regex: full match */
    CHECK(KS(REGEX, "syscall", "yscal.*") == 0, "regex is anchored at the start (spec)");
    CHECK(KS(REGEX, "syscall", "syscal") == 0, "regex is anchored at the end");
    CHECK(KS(REGEX, "syscall", "sys.*") == 1, "regex full match");
    CHECK(KS(REGEX, "SYSCALL", "^[A-Z]+$") == 1, "regex ^...$");
    CHECK(KS(REGEX, "ab", "a|b") == 0 && KS(REGEX, "b", "a|b") == 1, "alternation anchored");
    CHECK(KS(REGEX, "x", "(") == -1, "bad regex: build error");
    CHECK(strstr(lasterr, "constant 0: invalid regex pattern") != NULL, "regex error text: %s",
          lasterr);
    CHECK(KS(REGEX, "1", "\\d") == -1, "RE2 POSIX syntax: no \\d");
    /* bytes */
    CHECK(KB(BCONTAINS, "hello", 5, "656c6C") == 1, "bcontains, hex either case (spec)");
    CHECK(KB(BSTARTSWITH, "hello", 5, "65") == 0, "bstartswith (spec)");
    CHECK(KB(BSTARTSWITH, "hello", 5, "6865") == 1, "bstartswith");
    CHECK(KB(BCONTAINS, "a\0b", 3, "0062") == 1, "bcontains across a NUL");
    CHECK(KB(BCONTAINS, "abc", 3, "") == 1, "bcontains empty");
    CHECK(KB(BCONTAINS, "abc", 3, "6g") == -1, "bcontains: not hex");
    CHECK(strstr(lasterr, "hex strings only") != NULL, "hex error text: %s", lasterr);
    CHECK(KB(BSTARTSWITH, "abc", 3, "616") == -1, "bstartswith: odd length");
    CHECK(KB(CONTAINS, "a\0bc", 4, "bc") == 1, "buffer contains sees past a NUL");
    CHECK(KB(EQ, "a\0b", 3, "a") == 0, "buffer = compares every byte");
    /* strings cut at a NUL for glob (interp uses a C string) */
    CHECK(keval(KSTR, FC_K_STR, AST_OP_GLOB, 0, PT_CHARBUF, ITEMS("ab"), svn("ab\0cd", 5)) == 1,
          "glob sees the value up to its NUL");
    CHECK(KS(PMATCH, "/a/b", "/a") == 1, "FC_K_STR with pmatch: a one-entry trie");
    CHECK(KS(BCONTAINS, "x", "78") == 1, "bcontains on a string type still works");
    CHECK(KS(EXISTS, "x", "y") == -1, "exists takes no constant");
}

static void test_sets(void)
{
    CHECK(KSET("b", "a", "b", "c") == 1, "in");
    CHECK(KSET("d", "a", "b", "c") == 0, "not in");
    CHECK(keval(KSTR, FC_K_STRSET, AST_OP_IN, 0, PT_CHARBUF, NOITEMS, sv("a")) == 0,
          "an empty list never matches");
    CHECK(KSET("", "", "x") == 1, "the empty string as an item");
    CHECK(keval(KSTR, FC_K_STRSET, AST_OP_INTERSECTS, 0, PT_CHARBUF, ITEMS("a", "b"), sv("b")) == 1,
          "intersects on a single value is in");
    char names[40][8];
    const char *items[40];
    for (int i = 0; i < 40; i++) {
        snprintf(names[i], sizeof(names[i]), "n%d", i);
        items[i] = names[i];
    }
    bool all = true;
    for (int i = 0; i < 40; i++)
        all &= keval(KSTR, FC_K_STRSET, AST_OP_IN, 0, PT_CHARBUF, items, 40, sv(names[i])) == 1;
    CHECK(all, "every item of a 40-item set");
    CHECK(keval(KSTR, FC_K_STRSET, AST_OP_IN, 0, PT_CHARBUF, items, 40, sv("n40")) == 0,
          "a miss in a large set");
    /* An item with a NUL inside never equals a string value (cut at its NUL). */
    const char *nulitem[] = {"a\0b"};
    uint32_t nl[] = {3};
    struct fc_kdesc d = {FC_K_STRSET, AST_OP_IN, 0, PT_CHARBUF, 1, nulitem, nl};
    void **k = fc_konst_build(&d, 1, NULL, 0);
    struct fc_ctx c = {0};
    c.k = (void *const *)k;
    struct fc_val va = sv("a"), vab = svn("a\0b", 3);
    CHECK(k && !fc_k_str(&c, 0, &va) && fc_k_str(&c, 0, &vab), "items keep their length");
    fc_konst_free(k, &d, 1);
    /* Descriptors without lens use strlen. */
    struct fc_kdesc d2 = {FC_K_STR, AST_OP_EQ, 0, PT_CHARBUF, 1, (const char *const[]){"xy"}, NULL};
    k = fc_konst_build(&d2, 1, NULL, 0);
    c.k = (void *const *)k;
    struct fc_val xy = sv("xy");
    CHECK(k && fc_k_str(&c, 0, &xy), "lens NULL: strlen");
    fc_konst_free(k, &d2, 1);
    fc_konst_free(NULL, NULL, 0);
}

static void test_pmatch(void)
{
    CHECK(KPM("/opt/dir", "/opt/dir") == 1, "pmatch: the path itself");
    CHECK(KPM("/opt/dir/x", "/opt/dir") == 1, "pmatch: below");
    CHECK(KPM("/opt/dir2", "/opt/dir") == 0, "pmatch: whole components only");
    CHECK(KPM("/opt/dir/subdir/file.txt", "/opt/dir") == 1, "eval-005");
    CHECK(KPM("/opt/dir/subdir/file.txt", "/opt/*/subdir") == 1, "eval-007: glob component");
    CHECK(KPM("/opt/dir/subdir/file.txt", "/opt/di[!r]/subdir") == 0, "eval-008");
    CHECK(KPM("/tmp/hello_world", "/tmp/hello") == 0, "eval-010");
    CHECK(KPM("/opt/dir/x", "//opt//dir/") == 1, "repeated and trailing slashes ignored");
    CHECK(KPM("/opt", "/opt/dir") == 0, "an entry longer than the path");
    CHECK(KPM("/etc/x", "/usr", "/etc", "/var") == 1, "any entry");
    CHECK(KPM("/anything", "/") == 1, "an entry with no components matches everything");
    CHECK(keval(KSTR, FC_K_PMATCH, AST_OP_PMATCH, 0, PT_CHARBUF, NOITEMS, sv("/a")) == 0,
          "an empty pmatch list matches nothing");
    CHECK(KPM("/a/b/c", "/a/?/c") == 1, "? component");
}

static void test_modifiers(void)
{
    CHECK(KMOD(EQEQ, ANYOF, "myexe", "myexe", "myexe") == 1, "mod-019");
    CHECK(KMOD(NE, ALLOF, "myexe", "myexe", "bash") == 0, "mod-020");
    CHECK(KMOD(CONTAINS, ALLOF, "myexe", "my", "exe") == 1, "mod-022");
    CHECK(KMOD(CONTAINS, ONEOF, "myexe", "my", "exe") == 0, "mod-023");
    CHECK(KMOD(REGEX, ONEOF, "myexe", "my.*", ".*exe") == 0, "mod-025");
    CHECK(KMOD(REGEX, ONEOF, "myexe", "my.*", "foo") == 1, "regex oneof, one match");
    CHECK(KMOD(EQEQ, ONEOF, "x", "x", "x") == 0, "duplicates count for oneof");
    CHECK(KMOD(EQEQ, ONEOF, "x", "x", "y") == 1, "oneof");
    CHECK(KMOD(NE, ANYOF, "a", "a", "b") == 1, "!= anyof: differs from one");
    CHECK(KMOD(NE, ALLOF, "c", "a", "b") == 1, "!= allof: neither");
    CHECK(KMOD(NE, ALLOF, "a", "a", "b") == 0, "!= allof: equals one");
    const uint32_t mods[] = {AST_MOD_ONEOF, AST_MOD_ANYOF, AST_MOD_ALLOF};
    for (int i = 0; i < 3; i++) {
        CHECK(keval(KSTR, FC_K_MODSET, AST_OP_NE, mods[i], PT_CHARBUF, NOITEMS, sv("x")) == 0,
              "mod-026: empty list false (mod %u)", mods[i]);
        CHECK(keval(KNUM, FC_K_MODSET, AST_OP_EQ, mods[i], PT_UINT64, NOITEMS, nv(1)) == 0,
              "numbers: empty list false (mod %u)", mods[i]);
        CHECK(keval(KIP, FC_K_MODSET, AST_OP_NE, mods[i], PT_IPADDR, NOITEMS, ipv("1.2.3.4")) == 0,
              "addresses: empty list false (mod %u)", mods[i]);
    }
    CHECK(KMOD(GLOB, ANYOF, "/tmp/x", "/etc/*", "/tmp/*") == 1, "glob anyof");
    CHECK(KMOD(IGLOB, ALLOF, "/TMP/X", "/tmp/*", "*x") == 1, "iglob allof");
    CHECK(keval(KSTR, FC_K_MODSET, AST_OP_GLOB, AST_MOD_ALLOF, PT_CHARBUF, ITEMS("a*", "*b"),
                svn("ab\0zz", 5)) == 1,
          "glob modifier sees the value up to its NUL");
    CHECK(KMOD(ICONTAINS, ONEOF, "HeLLo", "ell", "xyz") == 1, "icontains oneof");
    CHECK(KMOD(STARTSWITH, ALLOF, "/usr/bin", "/", "/usr") == 1, "startswith allof");
    CHECK(KMOD(ENDSWITH, ONEOF, "a.tar.gz", ".gz", ".tar.gz") == 0, "endswith oneof, two hit");
    CHECK(keval(KSTR, FC_K_MODSET, AST_OP_BCONTAINS, AST_MOD_ANYOF, PT_BYTEBUF, ITEMS("ff", "6c6c"),
                sv("hello")) == 1,
          "bcontains anyof");
    CHECK(KMOD(REGEX, ANYOF, "x", "(") == -1, "modifier with a bad regex: build error");
    CHECK(KMOD(LT, ANYOF, "x", "a") == -1, "ordering takes no modifier");
    CHECK(keval(KSTR, FC_K_MODSET, AST_OP_EQ, AST_MOD_NONE, PT_CHARBUF, ITEMS("a"), sv("a")) == -1,
          "FC_K_MODSET without a modifier");
    CHECK(keval(KSTR, FC_K_STR, AST_OP_EQ, AST_MOD_ANYOF, PT_CHARBUF, ITEMS("a", "b"), sv("b")) ==
              1,
          "a modifier on any descriptor kind is applied");
}

static void test_knum(void)
{
    CHECK(KN(IN, INT64, 2, "1", "2", "3") == 1 && KN(IN, INT64, 4, "1", "2", "3") == 0, "in");
    CHECK(KN(INTERSECTS, UINT32, 3, "1", "2", "3") == 1, "intersects");
    CHECK(keval(KNUM, FC_K_NUMSET, AST_OP_IN, 0, PT_UINT64, NOITEMS, nv(0)) == 0, "empty in");
    /* signed vs unsigned ordering with -1 */
    CHECK(KN(LT, INT64, (uint64_t)-1, "0") == 1, "int64: -1 < 0");
    CHECK(KN(LT, UINT64, (uint64_t)-1, "0") == 0, "uint64: all ones is not < 0");
    CHECK(KN(GT, UINT64, (uint64_t)-1, "0") == 1, "uint64: all ones > 0");
    CHECK(KN(LT, INT64, (uint64_t)-1, "0") == 1 && KN(LT, FD, (uint64_t)-1, "0") == 1,
          "num-013: fd.num < 0 with -1");
    CHECK(KN(GT, INT64, (uint64_t)-1, "4294967295") == 0, "num-014");
    CHECK(KN(GT, INT16, 1, "-500") == 1, "num-016: evt.cpu > -500");
    CHECK(KN(GE, INT32, (uint64_t)-5, "-5") == 1 && KN(LE, INT32, (uint64_t)-6, "-5") == 1,
          "signed <= >=");
    CHECK(KN(EQ, UINT64, UINT64_MAX, "-1") == 1, "unsigned: -1 wraps to all ones");
    CHECK(KN(EQ, UINT64, UINT64_MAX, "18446744073709551615") == 1, "uint64 max");
    CHECK(KN(EQ, UINT64, UINT64_MAX, "99999999999999999999") == 1, "saturates like strtoull");
    CHECK(KN(EQ, INT64, (uint64_t)INT64_MIN, "-99999999999999999999") == 1,
          "saturates like strtoll");
    CHECK(KN(NE, INT64, 5, "5") == 0 && KN(NE, INT64, 5, "6") == 1, "!= answers v != c");
    CHECK(KN(EQ, INT64, 5, " 5") == 1 && KN(EQ, INT64, 5, "+5") == 1, "blank, plus sign");
    CHECK(KN(EQ, INT64, 5, "5 ") == -1, "trailing blank: not a number");
    CHECK(strstr(lasterr, "5  is not a valid number") != NULL, "number error text: %s", lasterr);
    CHECK(KN(EQ, INT64, 1, "1.2") == -1 && KN(EQ, INT64, 16, "0x10") == -1 &&
              KN(EQ, INT64, 1000, "1e3") == -1,
          "1.2, 0x10, 1e3 are not numbers");
    CHECK(KN(EQ, INT64, 0, "") == -1 && KN(EQ, INT64, 0, "-") == -1, "empty, lone sign");
    CHECK(KN(EQ, DOUBLE, 1, "1") == 1 && KN(EQ, DOUBLE, 1, "1.0") == -1,
          "double: a decimal integer only");
    /* booleans */
    CHECK(KN(EQ, BOOL, 1, "true") == 1 && KN(EQ, BOOL, 0, "true") == 0, "bool true");
    CHECK(KN(EQ, BOOL, 0, "false") == 1 && KN(NE, BOOL, 1, "false") == 1, "bool false");
    CHECK(KN(EQ, BOOL, 1, "yes") == -1 && KN(EQ, BOOL, 1, "1") == -1, "bool: true/false only");
    CHECK(strstr(lasterr, "unrecognized boolean value 1") != NULL, "bool error: %s", lasterr);
    /* ports: numbers or service names */
    CHECK(KN(EQ, PORT, 22, "ssh") == 1, "port by service name: ssh");
    CHECK(KN(IN, PORT, 80, "ssh", "http") == 1, "port set with names");
    CHECK(KN(EQ, PORT, 443, "443") == 1, "port number");
    CHECK(KN(EQ, PORT, 1, "no-such-service-x") == -1, "unknown service");
    CHECK(strstr(lasterr, "unrecognized protocol no-such-service-x") != NULL, "port error: %s",
          lasterr);
    CHECK(KN(EQ, PORT, 1, "-1") == -1, "a port starting with '-' is a service name");
    /* large sets */
    char txt[50][24];
    const char *items[50];
    for (int i = 0; i < 50; i++) {
        snprintf(txt[i], sizeof(txt[i]), "%d", i * 7 - 100);
        items[i] = txt[i];
    }
    bool all = true;
    for (int i = 0; i < 50; i++)
        all &= keval(KNUM, FC_K_NUMSET, AST_OP_IN, 0, PT_INT64, items, 50,
                     nv((uint64_t)(int64_t)(i * 7 - 100))) == 1;
    CHECK(all, "every item of a 50-item set (negative ones too)");
    CHECK(keval(KNUM, FC_K_NUMSET, AST_OP_IN, 0, PT_INT64, items, 50, nv(1)) == 0,
          "a miss in a large set");
    /* modifiers on numbers */
    CHECK(KNMOD(EQ, ONEOF, UINT64, 1, "1", "1") == 0, "= oneof duplicates");
    CHECK(KNMOD(EQ, ONEOF, UINT64, 1, "1", "2") == 1, "= oneof");
    CHECK(KNMOD(EQ, ANYOF, INT64, (uint64_t)-2, "1", "-2") == 1, "= anyof");
    CHECK(KNMOD(NE, ALLOF, UINT64, 3, "1", "2") == 1, "!= allof");
    CHECK(KNMOD(NE, ALLOF, UINT64, 2, "1", "2") == 0, "!= allof, equal to one");
    CHECK(KNMOD(LT, ANYOF, UINT64, 2, "1") == -1, "ordering takes no modifier");
    CHECK(KN(LT, UINT64, 1, "1", "2") == -1, "< takes one constant");
    CHECK(KN(CONTAINS, UINT64, 1, "1") == -1, "contains does not apply to numbers");
    CHECK(keval(KNUM, FC_K_PMATCH, AST_OP_PMATCH, 0, PT_UINT64, ITEMS("1"), nv(1)) == -1,
          "pmatch constant for a number");
}

static void test_kip(void)
{
    CHECK(KIPS(EQ, IPADDR, "142.251.111.147", "142.251.111.147") == 1, "address =");
    CHECK(KIPS(EQ, IPADDR, "142.251.111.148", "142.251.111.147") == 0, "address = miss");
    CHECK(KIPS(EQ, IPADDR, "::1", "::1") == 1, "v6 =");
    CHECK(KIPS(EQ, IPADDR, "::1", "0.0.0.1") == 0, "family mismatch: = false");
    CHECK(KIPS(NE, IPADDR, "::1", "0.0.0.1") == 1, "family mismatch: != true");
    CHECK(KIPS(NE, IPADDR, "1.2.3.4", "1.2.3.4") == 0, "!= equal");
    CHECK(KIPS(EQ, IPADDR, "::ffff:1.2.3.4", "::ffff:1.2.3.4") == -1,
          "IPADDR: a '.' means IPv4 (as the type checker)");
    CHECK(KIPS(EQ, IPV6ADDR, "::ffff:1.2.3.4", "::ffff:1.2.3.4") == 1, "IPV6ADDR keeps v6");
    CHECK(KIPS(EQ, IPV4ADDR, "::1", "::1") == -1, "IPV4ADDR: v6 text refused");
    CHECK(KIPS(EQ, IPADDR, "1.2.3.4", "1.2.3.04") == -1, "inet_pton grammar");
    CHECK(strstr(lasterr, "unrecognized IP address 1.2.3.04") != NULL, "ip error: %s", lasterr);
    /* networks */
    CHECK(KIPS(EQ, IPNET, "142.251.111.147", "142.251.0.0/8") == 1, "eval-016: host bits masked");
    CHECK(KIPS(EQ, IPNET, "143.251.111.147", "142.251.0.0/8") == 0, "outside the /8");
    CHECK(KIPS(EQ, IPNET, "142.251.111.147", "142.251.111.0/25") == 0, "/25 boundary");
    CHECK(KIPS(EQ, IPNET, "142.251.111.127", "142.251.111.0/25") == 1, "/25 inside");
    CHECK(KIPS(EQ, IPNET, "9.9.9.9", "0.0.0.0/0") == 1, "/0 holds every v4 address");
    CHECK(KIPS(EQ, IPNET, "172.40.111.222", "2001:db8:abcd:0012::0/64") == 0,
          "eval-017: family mismatch, = false");
    CHECK(KIPS(NE, IPNET, "172.40.111.222", "2001:db8:abcd:0012::0/64") == 1,
          "eval-017: family mismatch, != true");
    CHECK(KIPS(EQ, IPNET, "2001:db8:abcd:12:ffff::1", "2001:db8:abcd:0012::0/64") == 1,
          "v6 network");
    CHECK(KIPS(EQ, IPNET, "2001:db8:abcd:13::1", "2001:db8:abcd:0012::0/64") == 0, "v6 outside");
    CHECK(KIPS(EQ, IPNET, "::ffff:1.2.3.4", "::ffff:1.2.3.0/120") == 1,
          "IPNET: v6 with a dotted tail");
    CHECK(KIPS(IN, IPNET, "10.1.2.3", "192.168.0.0/16", "10.0.0.0/8") == 1, "in networks");
    CHECK(KIPS(EQ, IPNET, "10.0.0.1", "10.0.0.1") == -1, "a network needs a slash");
    CHECK(KIPS(EQ, IPV4NET, "10.0.0.1", "10.0.0.0/33") == -1, "v4 prefix above 32");
    /* large address sets */
    char txt[30][48];
    const char *items[30];
    for (int i = 0; i < 30; i++) {
        if (i % 2)
            snprintf(txt[i], sizeof(txt[i]), "10.0.%d.%d", i, i * 3);
        else
            snprintf(txt[i], sizeof(txt[i]), "2001:db8::%x", i * 17);
        items[i] = txt[i];
    }
    bool all = true;
    for (int i = 0; i < 30; i++)
        all &= keval(KIP, FC_K_IPSET, AST_OP_IN, 0, PT_IPADDR, items, 30, ipv(txt[i])) == 1;
    CHECK(all, "every address of a 30-item set, mixed families");
    CHECK(keval(KIP, FC_K_IPSET, AST_OP_IN, 0, PT_IPADDR, items, 30, ipv("10.0.1.4")) == 0,
          "a miss in a large set");
    CHECK(keval(KIP, FC_K_IPSET, AST_OP_IN, 0, PT_IPADDR, items, 30, ipv("::a00:103")) == 0,
          "v6 bytes equal to a v4 item's do not match");
    /* modifiers on addresses */
    CHECK(KIPMOD(EQEQ, ONEOF, IPADDR, "142.251.111.147", "10.0.0.1", "142.251.111.147") == 1,
          "mod-029");
    CHECK(KIPMOD(EQEQ, ONEOF, IPADDR, "10.0.0.1", "10.0.0.1", "10.0.0.1") == 0, "oneof duplicates");
    CHECK(KIPMOD(NE, ALLOF, IPADDR, "10.0.0.3", "10.0.0.1", "::1") == 1, "!= allof");
    CHECK(KIPMOD(EQ, ANYOF, IPNET, "10.9.9.9", "192.168.0.0/16", "10.0.0.0/8") == 1,
          "network anyof");
    CHECK(KIPMOD(EQ, ALLOF, IPNET, "10.9.9.9", "10.0.0.0/8", "10.9.0.0/16") == 1, "network allof");
    CHECK(KIPMOD(CONTAINS, ANYOF, IPADDR, "10.0.0.1", "10.0.0.1") == -1,
          "only = and != take a modifier");
    CHECK(keval(KIP, FC_K_NUMSET, AST_OP_IN, 0, PT_IPADDR, ITEMS("1.2.3.4"), ipv("1.2.3.4")) == -1,
          "NUMSET kind for an address type");
    CHECK(keval(KSTR, FC_K_IPSET, AST_OP_IN, 0, PT_CHARBUF, ITEMS("1.2.3.4"), sv("1.2.3.4")) == -1,
          "IPSET kind for a string type");
}

/* Several constants in one table; a failure in the middle frees the rest. */
static void test_table(void)
{
    struct fc_kdesc d[] = {
        {FC_K_STR, AST_OP_GLOB, 0, PT_CHARBUF, 1, (const char *const[]){"/usr/*"}, NULL},
        {FC_K_NUMSET, AST_OP_IN, 0, PT_UINT16, 2, (const char *const[]){"1", "2"}, NULL},
        {FC_K_IPSET, AST_OP_EQ, 0, PT_IPNET, 1, (const char *const[]){"10.0.0.0/8"}, NULL},
        {FC_K_PMATCH, AST_OP_PMATCH, 0, PT_CHARBUF, 2, (const char *const[]){"/a", "/b/*"}, NULL},
        {FC_K_MODSET, AST_OP_REGEX, AST_MOD_ANYOF, PT_CHARBUF, 1, (const char *const[]){"a.*"},
         NULL},
    };
    char err[200] = "";
    void **k = fc_konst_build(d, 5, err, sizeof(err));
    CHECK(k != NULL, "five constants: %s", err);
    struct fc_ctx c = {0};
    c.k = (void *const *)k;
    struct fc_val path = sv("/usr/bin"), two = nv(2), ip = ipv("10.1.1.1"), bx = sv("/b/x/y"),
                  abc = sv("abc");
    CHECK(k && fc_k_str(&c, 0, &path) && fc_k_num(&c, 1, &two) && fc_k_ip(&c, 2, &ip) &&
              fc_k_str(&c, 3, &bx) && fc_k_str(&c, 4, &abc),
          "each kernel on its constant");
    CHECK(k && !fc_k_num(&c, 0, &two) && !fc_k_str(&c, 1, &path) && !fc_k_str(&c, 2, &path),
          "a kernel on a constant of another form: false");
    fc_konst_free(k, d, 5);
    d[3].items = (const char *const[]){"/a", "/b/*"};
    d[2].items = (const char *const[]){"10.0.0.0"};
    k = fc_konst_build(d, 5, err, sizeof(err));
    CHECK(k == NULL && !strcmp(err, "constant 2: unrecognized IP network 10.0.0.0"),
          "failure names the constant: %s", err);
    k = fc_konst_build(d, 0, err, sizeof(err));
    CHECK(k != NULL, "an empty table");
    fc_konst_free(k, d, 0);
}

static void test_cmp_vals(void)
{
    struct fc_val m1 = nv((uint64_t)-1), one = nv(1);
    CHECK(fc_cmp_vals(AST_OP_LT, PT_INT64, &m1, &one), "signed: -1 < 1");
    CHECK(!fc_cmp_vals(AST_OP_LT, PT_UINT64, &m1, &one), "unsigned: all ones not < 1");
    CHECK(fc_cmp_vals(AST_OP_GE, PT_UINT64, &m1, &one), "unsigned >=");
    CHECK(fc_cmp_vals(AST_OP_EQ, PT_BOOL, &one, &one) && fc_cmp_vals(AST_OP_NE, PT_BOOL, &m1, &one),
          "bool = !=");
    CHECK(fc_cmp_vals(AST_OP_IN, PT_UINT32, &one, &one), "in: equality");
    struct fc_val a = sv("/usr/bin/x"), b = sv("/usr/*"), u = sv("/USR/BIN/X"), e = sv("");
    CHECK(fc_cmp_vals(AST_OP_GLOB, PT_CHARBUF, &a, &b), "glob: the right value is the pattern");
    CHECK(!fc_cmp_vals(AST_OP_GLOB, PT_CHARBUF, &b, &a), "glob is not symmetric");
    CHECK(!fc_cmp_vals(AST_OP_GLOB, PT_CHARBUF, &u, &b) &&
              fc_cmp_vals(AST_OP_IGLOB, PT_CHARBUF, &u, &b),
          "iglob");
    CHECK(fc_cmp_vals(AST_OP_EQ, PT_CHARBUF, &a, &a) && !fc_cmp_vals(AST_OP_EQ, PT_CHARBUF, &a, &u),
          "string =");
    CHECK(fc_cmp_vals(AST_OP_NE, PT_CHARBUF, &a, &u), "string !=");
    CHECK(fc_cmp_vals(AST_OP_GT, PT_CHARBUF, &a, &u) && fc_cmp_vals(AST_OP_LT, PT_CHARBUF, &u, &a),
          "string order");
    CHECK(fc_cmp_vals(AST_OP_ICONTAINS, PT_CHARBUF, &a, &u) &&
              !fc_cmp_vals(AST_OP_CONTAINS, PT_CHARBUF, &a, &u),
          "contains / icontains");
    CHECK(fc_cmp_vals(AST_OP_CONTAINS, PT_CHARBUF, &a, &e), "contains the empty string");
    struct fc_val pre = sv("/usr"), suf = sv("bin/x");
    CHECK(fc_cmp_vals(AST_OP_STARTSWITH, PT_CHARBUF, &a, &pre) &&
              fc_cmp_vals(AST_OP_ENDSWITH, PT_CHARBUF, &a, &suf),
          "startswith / endswith");
    struct fc_val buf = svn("x\0yz", 4), nd = svn("\0y", 2);
    CHECK(fc_cmp_vals(AST_OP_BCONTAINS, PT_BYTEBUF, &buf, &nd) &&
              fc_cmp_vals(AST_OP_BSTARTSWITH, PT_BYTEBUF, &buf, &buf),
          "bcontains / bstartswith: raw bytes of the right value");
    CHECK(!fc_cmp_vals(AST_OP_REGEX, PT_CHARBUF, &a, &a) &&
              !fc_cmp_vals(AST_OP_PMATCH, PT_CHARBUF, &a, &a),
          "regex / pmatch with a field on the right: false");
    struct fc_val i4 = ipv("1.2.3.4"), i4b = ipv("1.2.3.4"), i6 = ipv("::102:304");
    CHECK(fc_cmp_vals(AST_OP_EQ, PT_IPADDR, &i4, &i4b), "address =");
    CHECK(!fc_cmp_vals(AST_OP_EQ, PT_IPADDR, &i4, &i6) &&
              fc_cmp_vals(AST_OP_NE, PT_IPADDR, &i4, &i6),
          "address family mismatch");
    CHECK(!fc_cmp_vals(AST_OP_LT, PT_IPADDR, &i4, &i4b), "no order on addresses");
}

/* ---- random agreement with reference computations ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static size_t rnd_text(char *out, size_t max, const char *alpha)
{
    size_t n = rnd((uint32_t)max + 1), na = strlen(alpha);
    for (size_t i = 0; i < n; i++)
        out[i] = alpha[rnd((uint32_t)na)];
    out[n] = '\0';
    return n;
}

static bool ref_icontains(const char *h, size_t hn, const char *nd, size_t nn)
{
    for (size_t i = 0; i + nn <= hn; i++) {
        size_t k = 0;
        while (k < nn && (h[i + k] | (h[i + k] >= 'A' && h[i + k] <= 'Z' ? 0x20 : 0)) ==
                             (nd[k] | (nd[k] >= 'A' && nd[k] <= 'Z' ? 0x20 : 0)))
            k++;
        if (k == nn)
            return true;
    }
    return false;
}

static bool ref_str(uint32_t op, const char *v, size_t vn, const char *k, size_t kn)
{
    int cmp = memcmp(v, k, vn < kn ? vn : kn);
    if (!cmp)
        cmp = vn < kn ? -1 : vn > kn;
    switch (op) {
    case AST_OP_EQ:
        return vn == kn && !memcmp(v, k, vn);
    case AST_OP_NE:
        return !(vn == kn && !memcmp(v, k, vn));
    case AST_OP_LT:
        return cmp < 0;
    case AST_OP_LE:
        return cmp <= 0;
    case AST_OP_GT:
        return cmp > 0;
    case AST_OP_GE:
        return cmp >= 0;
    case AST_OP_CONTAINS:
        return kn == 0 || memmem(v, vn, k, kn) != NULL;
    case AST_OP_ICONTAINS:
        return ref_icontains(v, vn, k, kn);
    case AST_OP_STARTSWITH:
        return vn >= kn && !memcmp(v, k, kn);
    case AST_OP_ENDSWITH:
        return vn >= kn && !memcmp(v + vn - kn, k, kn);
    case AST_OP_GLOB:
        return fnmatch(k, v, 0) == 0;
    case AST_OP_IGLOB:
        return fnmatch(k, v, FNM_CASEFOLD) == 0;
    default:
        return false;
    }
}

static bool ref_regex(const char *pat, const char *s, size_t n)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                                   PCRE2_ANCHORED | PCRE2_ENDANCHORED, &code, &off, NULL);
    if (!re)
        return false;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return rc >= 0;
}

/* interp's pmatch of one entry: components by strtok, glob ones by fnmatch. */
static bool ref_pmatch_one(const char *entry, const char *path)
{
    char p[64], e[64];
    snprintf(p, sizeof(p), "%s", path);
    snprintf(e, sizeof(e), "%s", entry);
    char *sp1 = NULL, *sp2 = NULL;
    char *ec = strtok_r(e, "/", &sp1), *pc = strtok_r(p, "/", &sp2);
    for (; ec; ec = strtok_r(NULL, "/", &sp1), pc = strtok_r(NULL, "/", &sp2)) {
        if (!pc)
            return false;
        bool glob = strpbrk(ec, "*?[") != NULL;
        if (glob ? fnmatch(ec, pc, 0) != 0 : strcmp(ec, pc) != 0)
            return false;
    }
    return true;
}

/* Runs `count` random cases of one operator: the kernel (FC_K_STR) and
 * fc_cmp_vals (value on the right) against the reference. */
static void agree_str(uint32_t op, const char *alpha_v, const char *alpha_k, int count)
{
    int bad = 0, badcmp = 0, built = 0;
    char first[200] = "";
    for (int i = 0; i < count; i++) {
        char v[24], k[12];
        size_t vn = rnd_text(v, sizeof(v) - 1, alpha_v), kn = rnd_text(k, sizeof(k) - 1, alpha_k);
        const char *items[] = {k};
        int got = keval(KSTR, FC_K_STR, op, 0, PT_CHARBUF, items, 1, svn(v, vn));
        bool want = ref_str(op, v, vn, k, kn);
        if (got < 0)
            continue;
        built++;
        if (got != want && !bad++)
            snprintf(first, sizeof(first), "value '%s' constant '%s': kernel %d, reference %d", v,
                     k, got, want);
        struct fc_val a = svn(v, vn), b = svn(k, kn);
        if (fc_cmp_vals(op, PT_CHARBUF, &a, &b) != want && !badcmp++ && !first[0])
            snprintf(first, sizeof(first), "value '%s' right '%s': fc_cmp_vals differs", v, k);
    }
    CHECK(built == count, "op %u: %d of %d constants built", op, built, count);
    CHECK(bad == 0 && badcmp == 0, "op %u: %d kernel and %d fc_cmp_vals disagreements; first: %s",
          op, bad, badcmp, first);
}

/* A value as a provider holds it for a field of this type. */
static uint64_t cut_to_width(uint32_t type, uint64_t v)
{
    int bits = fc_type_bits(type);
    if (bits == 64)
        return v;
    uint64_t mask = (UINT64_C(1) << bits) - 1;
    v &= mask;
    return fc_type_signed(type) && (v >> (bits - 1)) & 1 ? v | ~mask : v;
}

static void test_random(void)
{
    const char *plain = "abAB/.x", *globby = "abAB/.*?[]!\\";
    agree_str(AST_OP_EQ, "ab", "ab", 2000);
    agree_str(AST_OP_NE, "ab", "ab", 2000);
    agree_str(AST_OP_LT, "ab\x80", "ab\x80", 2000);
    agree_str(AST_OP_LE, "ab\x80", "ab\x80", 2000);
    agree_str(AST_OP_GT, "ab\x80", "ab\x80", 2000);
    agree_str(AST_OP_GE, "ab\x80", "ab\x80", 2000);
    agree_str(AST_OP_CONTAINS, plain, "abA", 3000);
    agree_str(AST_OP_ICONTAINS, "abABzZ@[`{", "abABzZ@[`{", 3000);
    agree_str(AST_OP_STARTSWITH, "ab", "ab", 2000);
    agree_str(AST_OP_ENDSWITH, "ab", "ab", 2000);
    agree_str(AST_OP_GLOB, plain, globby, 5000);
    agree_str(AST_OP_IGLOB, plain, globby, 5000);

    /* bcontains on buffers with NUL bytes: the hex constant against memmem. */
    int bad = 0;
    for (int i = 0; i < 2000; i++) {
        char v[16], nd[4], hex[9];
        size_t vn = rnd(16), nn = rnd(4);
        for (size_t k = 0; k < vn; k++)
            v[k] = "\0a\xff"[rnd(3)];
        for (size_t k = 0; k < nn; k++) {
            nd[k] = "\0a\xff"[rnd(3)];
            snprintf(hex + 2 * k, 3, rnd(2) ? "%02x" : "%02X", (unsigned char)nd[k]);
        }
        hex[2 * nn] = '\0';
        const char *items[] = {hex};
        bool want = nn == 0 || memmem(v, vn, nd, nn);
        bad += keval(KSTR, FC_K_STR, AST_OP_BCONTAINS, 0, PT_BYTEBUF, items, 1, svn(v, vn)) != want;
        bool wants = vn >= nn && !memcmp(v, nd, nn);
        bad +=
            keval(KSTR, FC_K_STR, AST_OP_BSTARTSWITH, 0, PT_BYTEBUF, items, 1, svn(v, vn)) != wants;
    }
    CHECK(bad == 0, "bcontains/bstartswith: %d disagreements with memmem", bad);

    /* regex: simple patterns, against PCRE2 anchored at both ends (interp). */
    bad = 0;
    char first[160] = "";
    for (int i = 0; i < 2000; i++) {
        char pat[32] = "", v[12];
        size_t pn = 0, atoms = 1 + rnd(4);
        for (size_t k = 0; k < atoms; k++) {
            pat[pn++] = "ab."[rnd(3)];
            uint32_t q = rnd(5);
            if (q < 3)
                pat[pn++] = "*+?"[q];
        }
        pat[pn] = '\0';
        size_t vn = rnd_text(v, sizeof(v) - 1, "ab");
        const char *items[] = {pat};
        int got = keval(KSTR, FC_K_STR, AST_OP_REGEX, 0, PT_CHARBUF, items, 1, svn(v, vn));
        if (got != ref_regex(pat, v, vn) && !bad++)
            snprintf(first, sizeof(first), "'%s' regex '%s': %d", v, pat, got);
    }
    CHECK(bad == 0, "regex: %d disagreements with PCRE2; first: %s", bad, first);

    /* pmatch: random entries against interp's entry-by-entry walk. */
    bad = 0;
    first[0] = '\0';
    for (int i = 0; i < 3000; i++) {
        char ent[3][12], path[20];
        const char *items[3];
        uint32_t n = rnd(4);
        for (uint32_t k = 0; k < n; k++) {
            rnd_text(ent[k], 11, "ab/*?");
            items[k] = ent[k];
        }
        rnd_text(path, 19, "ab//");
        bool want = false;
        for (uint32_t k = 0; k < n; k++)
            want |= ref_pmatch_one(ent[k], path);
        int got = keval(KSTR, FC_K_PMATCH, AST_OP_PMATCH, 0, PT_CHARBUF, items, n, sv(path));
        if (got != want && !bad++)
            snprintf(first, sizeof(first), "path '%s' first entry '%s' (%u entries): %d", path,
                     n ? ent[0] : "", n, got);
    }
    CHECK(bad == 0, "pmatch: %d disagreements; first: %s", bad, first);

    /* modifiers: the kernel against counting reference outcomes per item. */
    static const uint32_t mops[] = {AST_OP_EQ,        AST_OP_NE,         AST_OP_CONTAINS,
                                    AST_OP_ICONTAINS, AST_OP_STARTSWITH, AST_OP_ENDSWITH,
                                    AST_OP_GLOB,      AST_OP_IGLOB};
    bad = 0;
    first[0] = '\0';
    for (int i = 0; i < 4000; i++) {
        uint32_t op = mops[rnd(8)], mod = AST_MOD_ONEOF + rnd(3), n = rnd(5);
        char it[4][6], v[10];
        const char *items[4];
        for (uint32_t k = 0; k < n; k++) {
            rnd_text(it[k], 3, op == AST_OP_GLOB || op == AST_OP_IGLOB ? "aB*?" : "aB");
            items[k] = it[k];
        }
        size_t vn = rnd_text(v, 6, "aAbB");
        size_t hits = 0;
        for (uint32_t k = 0; k < n; k++)
            hits += ref_str(op, v, vn, it[k], strlen(it[k]));
        bool want = n && (mod == AST_MOD_ONEOF   ? hits == 1
                          : mod == AST_MOD_ANYOF ? hits > 0
                                                 : hits == n);
        int got = keval(KSTR, FC_K_MODSET, op, mod, PT_CHARBUF, items, n, svn(v, vn));
        if (got != want && !bad++)
            snprintf(first, sizeof(first), "op %u mod %u value '%s' %u items: %d", op, mod, v, n,
                     got);
    }
    CHECK(bad == 0, "modifiers: %d disagreements; first: %s", bad, first);

    /* numbers: set membership and order, signed and unsigned. */
    uint64_t (*cut)(uint32_t, uint64_t) = cut_to_width;
    bad = 0;
    for (int i = 0; i < 3000; i++) {
        static const uint32_t types[] = {PT_INT64, PT_UINT64, PT_INT32, PT_UINT16};
        uint32_t type = types[rnd(4)];
        bool sign = fc_type_signed(type);
        int64_t x = (int64_t)rnd(7) - 3;
        uint32_t n = 1 + rnd(12);
        char txt[12][24];
        const char *items[12];
        bool in = false;
        for (uint32_t k = 0; k < n; k++) {
            int64_t y = (int64_t)rnd(7) - 3;
            snprintf(txt[k], sizeof(txt[k]), "%lld", (long long)y);
            items[k] = txt[k];
            in |= y == x;
        }
        /* Values and constants of a narrow type hold only its width, as a
         * provider gives them (fc_const_num cuts constants the same way). */
        uint64_t xv = cut(type, (uint64_t)x), yv = cut(type, (uint64_t)atoll(txt[0]));
        bad += keval(KNUM, FC_K_NUMSET, AST_OP_IN, 0, type, items, n, nv(xv)) != in;
        bool lt = sign ? (int64_t)xv < (int64_t)yv : xv < yv;
        bad += keval(KNUM, FC_K_NUMSET, AST_OP_LT, 0, type, items, 1, nv(xv)) != lt;
        struct fc_val a = nv(xv), b = nv(yv);
        bad += fc_cmp_vals(AST_OP_LT, type, &a, &b) != lt;
    }
    CHECK(bad == 0, "numbers: %d disagreements", bad);
}

int main(void)
{
    test_reads();
    test_nul_values();
    test_scratch();
    test_xf();
    test_kstr();
    test_sets();
    test_pmatch();
    test_modifiers();
    test_knum();
    test_kip();
    test_table();
    test_cmp_vals();
    test_random();
    op_regex_thread_release();
    return th_done();
}
