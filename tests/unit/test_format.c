/*
 * test_format.c - run-time output formats (fc_format.h): how a format
 * string is cut into tokens, which formats are refused and where, and the
 * text each kind of value renders to. Events are field vectors (fc_fvec.h);
 * expected texts follow libsinsp's value rendering (outputs.md §3,
 * rules-language.md §8.1, state-model.md §2.8), checked against sysdig
 * where sysdig has the field (see the comments).
 */
#include <errno.h>
#include <string.h>

#include "fc_fields.h"
#include "fc_format.h"
#include "fc_fvec.h"
#include "fc_rt.h"
#include "tharness.h"

/* ---- compiling ---- */

static void test_tokens(void)
{
    struct fc_format f;
    struct fc_fmt_error e;
    const char *s = "*%evt.num %proc.name (%thread.tid)";
    CHECK(fc_format_compile(&f, s, strlen(s), 0, &e) == 0, "%s", e.msg);
    CHECK(f.flags == 0, "a leading '*' prints absent fields: flags %u", f.flags);
    CHECK(f.ntoks == 6, "tokens: %u", f.ntoks);
    CHECK(f.nfrefs == 3, "fields: %u", f.nfrefs);
    if (f.ntoks == 6) {
        CHECK(f.toks[0].fref == 0 && f.toks[0].len == 7 && !memcmp(f.toks[0].text, "evt.num", 7),
              "first token is evt.num");
        CHECK(f.toks[1].fref < 0 && f.toks[1].len == 1 && f.toks[1].text[0] == ' ', "a blank");
        CHECK(f.toks[3].fref < 0 && f.toks[3].len == 2 && !memcmp(f.toks[3].text, " (", 2),
              "literal ' ('");
        CHECK(f.toks[5].fref < 0 && f.toks[5].len == 1 && f.toks[5].text[0] == ')', "')'");
        CHECK(f.frefs[1].field == FC_F_PROC_NAME, "proc.name in the table");
    }
    fc_format_free(&f);

    /* Without '*' a line with an absent field is dropped (sysdig -p). */
    CHECK(fc_format_compile(&f, "%evt.num", 8, 0, &e) == 0 && f.flags == FC_FMT_REQUIRE_ALL,
          "no '*': require all");
    fc_format_free(&f);

    /* The longest text that resolves is the field (§8.1). */
    s = "%proc.namex %proc.name[2] %proc.aname[2]%10fd.name";
    CHECK(fc_format_compile(&f, s, strlen(s), 0, &e) == 0, "%s", e.msg);
    CHECK(f.ntoks == 6, "tokens: %u", f.ntoks);
    if (f.ntoks == 6) {
        CHECK(f.toks[0].len == 9 && f.toks[1].fref < 0 && f.toks[1].len == 2 &&
                  !memcmp(f.toks[1].text, "x ", 2),
              "proc.name then 'x '");
        CHECK(f.toks[2].len == 9 && f.toks[3].len == 4 && !memcmp(f.toks[3].text, "[2] ", 4),
              "proc.name takes no argument: '[2]' stays text");
        CHECK(f.toks[4].len == 13 && f.frefs[f.toks[4].fref].argkind == FC_ARGV_INDEX &&
                  f.frefs[f.toks[4].fref].index == 2,
              "proc.aname[2]");
        CHECK(f.toks[5].width == 10 && f.frefs[f.toks[5].fref].field == FC_F_FD_NAME,
              "%%10fd.name");
    }
    fc_format_free(&f);

    /* Keys are copied and NUL-terminated; transformers recorded. */
    s = "%proc.env[HOME] %toupper( proc.name )";
    CHECK(fc_format_compile(&f, s, strlen(s), 0, &e) == 0, "%s", e.msg);
    if (f.nfrefs == 2) {
        CHECK(f.frefs[0].key && !strcmp(f.frefs[0].key, "HOME"), "key HOME");
        CHECK(f.toks[2].xf != FC_OUT_NO_XF && f.toks[2].len == 20, "transformer token: %u",
              f.toks[2].len);
    }
    fc_format_free(&f);

    /* evt.outputtime prints evt.time, or evt.time.iso8601 on request. */
    CHECK(fc_format_compile(&f, "%evt.outputtime", 15, 0, &e) == 0 &&
              f.frefs[0].field == FC_F_EVT_TIME,
          "outputtime is evt.time");
    fc_format_free(&f);
    CHECK(fc_format_compile(&f, "%evt.outputtime", 15, FC_FMT_ISO8601, &e) == 0 &&
              f.frefs[0].field == FC_F_EVT_TIME_ISO8601,
          "outputtime is evt.time.iso8601");
    fc_format_free(&f);
}

static void bad(const char *s, uint32_t off, const char *msg)
{
    struct fc_format f;
    struct fc_fmt_error e = {0};
    int rc = fc_format_compile(&f, s, strlen(s), 0, &e);
    CHECK(rc == -EINVAL, "'%s' compiled (%d)", s, rc);
    if (rc == -EINVAL) {
        CHECK(strstr(e.msg, msg) != NULL, "'%s': message '%s', want '%s'", s, e.msg, msg);
        CHECK(e.off == off, "'%s': offset %u, want %u", s, e.off, off);
    } else if (!rc) {
        fc_format_free(&f);
    }
}

static void test_errors(void)
{
    /* Texts from sysdig 0.29.3 and Falco's loader. */
    bad("abc%", 3, "formatting cannot end with a %");
    bad("abc %12", 4, "formatting cannot end with a number");
    bad("%evt.num %foo", 10, "unknown filter: foo");
    bad("%%", 1, "unknown filter: %");
    bad("x=%fd.ip", 3, "'fd.ip' is filter only and cannot be used as a display field");
    bad("", 0, "empty formatting token");
    bad("*", 0, "empty formatting token");
    bad("%evt.arg.nosuchparam", 1, "nosuchparam");
    bad("%tolower(proc.pid)", 9, "type 'int64' is not supported by 'tolower' transformer");
    bad("%toupper(proc.aname)", 9, "field 'proc.aname' does not support transformers");
    bad("%join(\",\", (proc.name))", 1, "transformer 'join' is not supported");
    bad("%val(proc.name)", 1, "transformer 'val' is not supported");
    bad("%tolower(toupper(proc.name))", 9, "nested transformers");
    bad("%tolower(proc.name", 18, "expected ')'");
    bad("%tolower(proc.name)[1]", 1, "does not support field arguments");
}

/* ---- rendering ---- */

struct ev {
    struct fvec fv;
    struct fc_format f;
    struct fc_ctx c;
    struct fc_fmt_buf b;
};

static void add(struct ev *e, const char *key, const char *val)
{
    char err[256];
    const char *vals[] = {val};
    CHECK(fvec_add(&e->fv, key, vals, 1, err, sizeof(err)), "%s", err);
}

static void add_list(struct ev *e, const char *key, const char *const *vals, size_t n)
{
    char err[256];
    CHECK(fvec_add(&e->fv, key, vals, n, err, sizeof(err)), "%s", err);
}

/* Renders fmt over e's fields; returns the render status, text in e->b. */
static int render(struct ev *e, const char *fmt, uint32_t flags)
{
    struct fc_fmt_error err;
    int rc = fc_format_compile(&e->f, fmt, strlen(fmt), 0, &err);
    CHECK(rc == 0, "'%s': %s", fmt, err.msg);
    if (rc)
        return rc;
    if (!fc_ctx_init(&e->c, &fvec_provider, e->f.frefs, e->f.nfrefs))
        return -ENOMEM;
    e->c.data = &e->fv;
    fc_ctx_next_event(&e->c);
    rc = fc_format_render(&e->c, e->f.toks, e->f.ntoks, e->f.flags | flags, &e->b);
    fc_ctx_fini(&e->c);
    fc_format_free(&e->f);
    return rc;
}

static void expect(struct ev *e, const char *fmt, uint32_t flags, const char *want)
{
    int rc = render(e, fmt, flags);
    CHECK(rc == 1 && e->b.p && !strcmp(e->b.p, want), "'%s' -> '%s' (%d), want '%s'", fmt,
          e->b.p ? e->b.p : "", rc, want);
}

static void test_values(void)
{
    struct ev e = {0};
    fvec_init(&e.fv);
    add(&e, "evt.num", "211");
    add(&e, "proc.name", "curl");
    add(&e, "proc.pid", "-1");
    add(&e, "evt.cpu", "3");
    add(&e, "evt.failed", "true");
    add(&e, "proc.is_exe_writable", "false");
    add(&e, "fd.dev", "-1");
    add(&e, "fd.ino", "255");
    add(&e, "evt.rawtime.ns", "5");
    add(&e, "evt.reltime", "5514632620");
    add(&e, "fd.sip", "10.0.0.1");
    add(&e, "fd.cip", "2001:4860:4860::8888");
    add(&e, "fd.sport", "443");
    add(&e, "fd.name", "/etc/ld.so.cache");
    add(&e, "evt.buffer", "GET /\r\n\x01x");
    add(&e, "proc.aname[1]", "bash");
    add(&e, "proc.aname[2]", "sshd");
    add(&e, "proc.apid[0]", "17497");
    add(&e, "proc.apid[1]", "3200");
    add(&e, "proc.aenv[0]", "HOME=/root TERM=xterm");
    add(&e, "proc.aenv[1]", "HOME=/home/u");
    const char *types[] = {"file", "ipv4"};
    add_list(&e, "fd.types", types, 2);

    /* evt.num, evt.cpu, proc.name, fd.name as sysdig prints them:
     * `211 3 curl /etc/ld.so.cache` (libs__curl_google.scap, evt 219). */
    expect(&e, "%evt.num %evt.cpu %proc.name %fd.name", 0, "211 3 curl /etc/ld.so.cache");
    expect(&e, "%proc.pid", 0, "-1");
    struct ev x = {0};
    fvec_init(&x.fv);
    add(&x, "proc.pid", "-9223372036854775808");
    add(&x, "evt.num", "18446744073709551615");
    add(&x, "fd.dev", "2049");
    expect(&x, "%proc.pid %evt.num %fd.dev", 0, "-9223372036854775808 18446744073709551615 801");
    fc_fmt_buf_free(&x.b);
    fvec_free(&x.fv);
    expect(&e, "%evt.failed %proc.is_exe_writable", 0, "true false");
    /* fd.dev is hex at its type's width (int32): -1 is FFFFFFFF. */
    expect(&e, "%fd.dev", 0, "FFFFFFFF");
    expect(&e, "%fd.ino", 0, "255");
    /* evt.rawtime.ns is 9 zero-padded digits (sysdig: `514632619`), wider
     * numbers keep their digits (sysdig: evt.reltime `5514632620`). */
    expect(&e, "%evt.rawtime.ns|%evt.reltime", 0, "000000005|5514632620");
    expect(&e, "%fd.sip:%fd.sport %fd.cip", 0, "10.0.0.1:443 2001:4860:4860::8888");
    /* Buffers: every byte that is not printable ASCII is a dot. */
    expect(&e, "%evt.buffer", 0, "GET /...x");
    /* Widths pad with blanks or cut (sysdig: `%5proc.name|` -> `curl |`,
     * `%2proc.name` -> `cu`), <NA> included. */
    expect(&e, "*%5proc.name|%2proc.name|%6fd.num|", 0, "curl |cu|<NA>  |");
    /* Absent: <NA> with '*' (Falco always), no line without. */
    expect(&e, "*%fd.num %proc.name", 0, "<NA> curl");
    CHECK(render(&e, "%fd.num %proc.name", 0) == 0, "require all: absent field drops the line");
    /* Lists in parentheses, ancestors joined by blanks, proc.apid own pid. */
    expect(&e, "%fd.types", 0, "(file,ipv4)");
    expect(&e, "%proc.aname|%proc.aname[1]", 0, "bash sshd|bash");
    expect(&e, "%proc.apid %proc.apid[1]", 0, "17497 3200");
    /* proc.aenv without argument: the process's own environment, not every
     * ancestor's (fields.def). */
    expect(&e, "%proc.aenv|%proc.aenv[1]", 0, "HOME=/root TERM=xterm|HOME=/home/u");
    /* Transformers. */
    expect(&e, "%toupper(proc.name) %basename(fd.name) %len(proc.name) %len(fd.types)", 0,
           "CURL ld.so.cache 4 2");
    expect(&e, "%tolower(fd.types)", 0, "(file,ipv4)");

    /* One field at a time (JSON output_fields): absent appends nothing. */
    struct fc_fmt_error err;
    const char *s = "%fd.num%3proc.name";
    if (fc_format_compile(&e.f, s, strlen(s), 0, &err) == 0 &&
        fc_ctx_init(&e.c, &fvec_provider, e.f.frefs, e.f.nfrefs)) {
        e.c.data = &e.fv;
        fc_ctx_next_event(&e.c);
        e.b.len = 0;
        CHECK(fc_format_field(&e.c, &e.f.toks[0], 0, &e.b) == 0 && e.b.len == 0, "absent field");
        CHECK(fc_format_field(&e.c, &e.f.toks[1], 0, &e.b) == 1 && !strcmp(e.b.p, "cur"),
              "one field, width applied: '%s'", e.b.p ? e.b.p : "");
        fc_ctx_fini(&e.c);
        fc_format_free(&e.f);
    }
    fc_fmt_buf_free(&e.b);
    fvec_free(&e.fv);
}

static void test_sanitize(void)
{
    struct ev e = {0};
    fvec_init(&e.fv);
    /* A newline, a C1 control (U+0085), a lone continuation byte, a
     * truncated 3-byte sequence (one maximal subpart), a noncharacter
     * (U+FFFE), F0 80 (two subparts), valid UTF-8 kept. */
    add(&e, "proc.cmdline",
        "a\nb\xc2\x85"
        "c\x80\xe2\x82\xef\xbf\xbe\xf0\x80 \xc3\xa9");
    add(&e, "container.name", "x\ty");
#define R "\xef\xbf\xbd"
    expect(&e, "%proc.cmdline", FC_FMT_SANITIZE, "a" R "b" R "c" R R R R R " \xc3\xa9");
    /* container.* is a plugin's field in Falco: left alone. */
    expect(&e, "%container.name", FC_FMT_SANITIZE, "x\ty");
    /* Without the flag (sysdig) values are raw. */
    expect(&e, "%container.name %proc.cmdline", 0,
           "x\ty a\nb\xc2\x85"
           "c\x80\xe2\x82\xef\xbf\xbe\xf0\x80 \xc3\xa9");
    /* Literal text of the format is never touched. */
    expect(&e, "\t%container.name", FC_FMT_SANITIZE, "\tx\ty");
#undef R
    fc_fmt_buf_free(&e.b);
    fvec_free(&e.fv);
}

/* Doubles: a provider that answers 12.56 for every number. */
static struct fc_num dbl_num(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i)
{
    (void)c, (void)f, (void)i;
    double d = 12.56;
    uint64_t bits;
    memcpy(&bits, &d, sizeof(bits));
    return (struct fc_num){bits, 1};
}

static uint32_t one(const struct fc_ctx *c, const struct fc_fref *f)
{
    (void)c, (void)f;
    return 1;
}

static void test_double_and_reuse(void)
{
    struct fc_provider p = fvec_provider;
    p.get_num = dbl_num;
    p.count = one;
    struct fc_format f;
    struct fc_fmt_error err;
    CHECK(fc_format_compile(&f, "%proc.fdusage", 13, 0, &err) == 0, "%s", err.msg);
    struct fc_ctx c;
    struct fc_fmt_buf b = {0};
    if (fc_ctx_init(&c, &p, f.frefs, f.nfrefs)) {
        fc_ctx_next_event(&c);
        CHECK(fc_format_render(&c, f.toks, f.ntoks, f.flags, &b) == 1 && !strcmp(b.p, "12.6"),
              "double with one decimal: '%s'", b.p ? b.p : "");
        /* Warm: rendering again reuses the buffer. */
        char *p0 = b.p;
        size_t cap = b.cap;
        for (int i = 0; i < 100; i++) {
            fc_ctx_next_event(&c);
            fc_format_render(&c, f.toks, f.ntoks, f.flags, &b);
        }
        CHECK(b.p == p0 && b.cap == cap, "the buffer was reallocated");
        fc_ctx_fini(&c);
    }
    fc_fmt_buf_free(&b);
    fc_format_free(&f);
}

/* Random formats from pieces that matter: each compiles, or is refused
 * with an offset inside the text; compiled ones render without fault. */
static void test_random(void)
{
    static const char *const pieces[] = {"%",
                                         "%%",
                                         "*",
                                         "12",
                                         "proc.name",
                                         "proc.aname",
                                         "[",
                                         "]",
                                         "[2]",
                                         "\"",
                                         "'",
                                         "(",
                                         ")",
                                         "tolower(",
                                         "len(",
                                         "join(",
                                         "evt.arg.",
                                         "flags",
                                         "fd.types",
                                         ".",
                                         " ",
                                         "x",
                                         "\xff",
                                         "fd.ip",
                                         "evt.outputtime",
                                         "proc.apid",
                                         "evt.buffer",
                                         "container.name"};
    struct fvec fv;
    fvec_init(&fv);
    char err[256];
    const char *v[] = {"a\x01b"};
    fvec_add(&fv, "proc.name", v, 1, err, sizeof(err));
    fvec_add(&fv, "evt.buffer", v, 1, err, sizeof(err));
    struct fc_fmt_buf b = {0};
    uint32_t seed = 12345, compiled = 0;
    for (int n = 0; n < 20000; n++) {
        char text[256];
        size_t len = 0;
        int k = 1 + (int)(seed % 8);
        for (int i = 0; i < k; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 8) % (sizeof(pieces) / sizeof(*pieces))];
            size_t pl = strlen(p);
            memcpy(text + len, p, pl);
            len += pl;
        }
        struct fc_format f;
        struct fc_fmt_error e = {.off = UINT32_MAX};
        int rc = fc_format_compile(&f, text, len, 0, &e);
        if (rc == -EINVAL) {
            if (e.off > len) {
                CHECK(0, "'%.*s': offset %u past the end", (int)len, text, e.off);
                break;
            }
            continue;
        }
        CHECK(rc == 0, "'%.*s': %d", (int)len, text, rc);
        compiled++;
        struct fc_ctx c;
        if (fc_ctx_init(&c, &fvec_provider, f.frefs, f.nfrefs)) {
            c.data = &fv;
            fc_ctx_next_event(&c);
            rc = fc_format_render(&c, f.toks, f.ntoks, f.flags | FC_FMT_SANITIZE, &b);
            CHECK(rc >= 0 && strlen(b.p) == b.len, "'%.*s': render %d", (int)len, text, rc);
            fc_ctx_fini(&c);
        }
        fc_format_free(&f);
    }
    CHECK(compiled > 1000, "only %u random formats compiled", compiled);
    fc_fmt_buf_free(&b);
    fvec_free(&fv);
}

int main(void)
{
    test_tokens();
    test_errors();
    test_values();
    test_sanitize();
    test_double_and_reuse();
    test_random();
    return th_done();
}
