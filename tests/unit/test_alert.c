/*
 * test_alert.c - Falco's alert line and JSON object (fc_alert.h) over
 * field-vector events: priorities, the time prefix, the suggested tail,
 * 0.44's sanitisation, JSON escaping, output_fields keys and value types
 * (outputs.md §2-§4.3; the example objects there are the model of the
 * expected texts here).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fc_alert.h"
#include "fc_fields.h"
#include "fc_format.h"
#include "fc_fvec.h"
#include "fc_rt.h"
#include "tharness.h"

static void test_priorities(void)
{
    static const char *const want[] = {"Emergency", "Alert",  "Critical",      "Error",
                                       "Warning",   "Notice", "Informational", "Debug"};
    for (uint32_t p = 0; p < 8; p++)
        CHECK(!strcmp(fc_priority_name(p), want[p]), "%u: %s", p, fc_priority_name(p));
    CHECK(!strcmp(fc_priority_short(6), "INFO") && !strcmp(fc_priority_short(2), "CRITICAL"),
          "Falco's count lines");
    CHECK(!strcmp(fc_priority_name(8), "?"), "out of range");
}

static void escapes(const char *in, size_t n, const char *want)
{
    struct fc_fmt_buf b = {0};
    CHECK(fc_json_escape(&b, in, n) && b.p && !strcmp(b.p, want), "'%.*s' -> '%s', want '%s'",
          (int)n, in, b.p ? b.p : "", want);
    fc_fmt_buf_free(&b);
}

static void test_json_escape(void)
{
    escapes("plain / text", 12, "plain / text"); /* '/' is not escaped */
    escapes("a\"b\\c", 5, "a\\\"b\\\\c");
    escapes("\b\t\n\f\r", 5, "\\b\\t\\n\\f\\r");
    escapes("\x01\x1f\x7f", 3, "\\u0001\\u001f\x7f"); /* DEL is not a JSON control */
    escapes("\0x", 2, "\\u0000x");
    escapes("caf\xc3\xa9 \xe2\x82\xac", 9, "caf\xc3\xa9 \xe2\x82\xac"); /* raw UTF-8 */
    /* invalid UTF-8: each maximal invalid subpart becomes one U+FFFD */
    escapes("a\xff"
            "b",
            3,
            "a\xEF\xBF\xBD"
            "b");
    escapes("\xe2\x82", 2, "\xEF\xBF\xBD");
    escapes("\xe2\x82x\xc0\xaf", 5, "\xEF\xBF\xBDx\xEF\xBF\xBD\xEF\xBF\xBD");
    escapes("", 0, "");
}

/* ---- alerts over a field vector ---- */

struct fixture {
    struct fvec fv;
    struct fc_format out; /* the rule output, compiled over its own table */
    struct fc_ctx c;
    struct fc_alerter al;
    struct fc_fmt_buf b;
};

static void add(struct fixture *x, const char *key, const char *val)
{
    char err[256];
    const char *vals[] = {val};
    CHECK(fvec_add(&x->fv, key, vals, 1, err, sizeof(err)), "%s: %s", key, err);
}

static void event(struct fixture *x)
{
    fvec_init(&x->fv);
    add(x, "evt.rawtime", "1685022245478445995");
    add(x, "evt.time", "13:44:05.478445995");
    add(x, "evt.time.iso8601", "2023-05-25T13:44:05.478445995+0000");
    add(x, "proc.name", "sh");
    add(x, "proc.cmdline", "sh -c 'a\nb'");
    add(x, "proc.pid", "1234");
    add(x, "proc.tty", "34816");
    add(x, "user.name", "root");
    add(x, "user.loginuid", "-1");
    add(x, "evt.failed", "true");
    add(x, "fd.dev", "2049");
    add(x, "container.id", "ee97d9c4186f");
    add(x, "container.name", "we\tb");
    const char *types[] = {"file", "ipv4"};
    char err[256];
    CHECK(fvec_add(&x->fv, "fd.types", types, 2, err, sizeof(err)), "%s", err);
}

/* Renders rule `name` with output `fmt` at priority prio; 0 or -errno. */
static int alert(struct fixture *x, uint32_t flags, const char *name, uint32_t prio,
                 const char *fmt)
{
    struct fc_fmt_error e;
    int rc = fc_format_compile(&x->out, fmt, strlen(fmt), 0, &e);
    CHECK(rc == 0, "'%s': %s", fmt, e.msg);
    if (rc)
        return rc;
    static const char *const tags[] = {"container", "mitre_execution", "shell"};
    struct fc_rule_desc r = {.name = name,
                             .source = "syscall",
                             .tags = tags,
                             .ntags = 3,
                             .priority = prio,
                             .out = x->out.toks,
                             .nout = x->out.ntoks};
    rc = fc_alerter_init(&x->al, &fvec_provider, flags, "node-\"1\"");
    CHECK(rc == 0, "alerter: %d", rc);
    if (!rc && fc_ctx_init(&x->c, &fvec_provider, x->out.frefs, x->out.nfrefs)) {
        x->c.data = &x->fv;
        fc_ctx_next_event(&x->c);
        rc = fc_alert_render(&x->al, &r, &x->c, &x->b);
        /* again on the same buffers: the same text */
        if (!rc) {
            char *first = strdup(x->b.p);
            fc_ctx_next_event(&x->c);
            rc = fc_alert_render(&x->al, &r, &x->c, &x->b);
            CHECK(first && !strcmp(first, x->b.p), "second render differs: %s", x->b.p);
            free(first);
        }
        fc_ctx_fini(&x->c);
    }
    fc_alerter_free(&x->al);
    fc_format_free(&x->out);
    return rc;
}

static void expect(struct fixture *x, uint32_t flags, const char *name, uint32_t prio,
                   const char *fmt, const char *want)
{
    int rc = alert(x, flags, name, prio, fmt);
    CHECK(rc == 0 && x->b.p && !strcmp(x->b.p, want), "'%s' ->\n  %s\nwant\n  %s", fmt,
          x->b.p ? x->b.p : "", want);
}

static void test_text(void)
{
    struct fixture x = {0};
    event(&x);
    /* TIME: Priority output; the engine's own values sanitised (the
     * newline of the command line), container values not. */
    expect(&x, 0, "r", 2, "Shell (user=%user.name cmd=%proc.cmdline name=%container.name)",
           "13:44:05.478445995: Critical Shell (user=root cmd=sh -c 'a\xEF\xBF\xBD"
           "b' name=we\tb)");
    /* Raw values when asked; <NA> for absent fields. */
    expect(&x, FC_ALERT_RAW_VALUES, "r", 6, "%proc.cmdline %fd.name",
           "13:44:05.478445995: Informational sh -c 'a\nb' <NA>");
    /* The container plugin's suggested fields, appended with a blank. */
    expect(&x, FC_ALERT_SUGGESTED, "r", 7, "x",
           "13:44:05.478445995: Debug x container_id=ee97d9c4186f container_name=we\tb "
           "container_image_repository=<NA> container_image_tag=<NA> k8s_pod_name=<NA> "
           "k8s_ns_name=<NA>");
    /* time_format_iso_8601 */
    expect(&x, FC_ALERT_ISO8601, "r", 4, "%proc.name",
           "2023-05-25T13:44:05.478445995+0000: Warning sh");
    fc_fmt_buf_free(&x.b);
    fvec_free(&x.fv);
}

static void test_json(void)
{
    struct fixture x = {0};
    event(&x);
    /* Keys in byte order at both levels; numbers bare (negative too), the
     * hex field as its text, booleans, lists as arrays, absent as null;
     * a transformed token contributes its plain field, a repeated field
     * one key; evt.time always, as nanoseconds. */
    expect(
        &x, FC_ALERT_JSON | FC_ALERT_SUGGESTED, "Terminal \"shell\"\\", 2,
        "A shell %toupper(proc.name) (user=%user.name pid=%proc.pid tty=%proc.tty "
        "login=%user.loginuid %proc.name failed=%evt.failed dev=%fd.dev types=%fd.types "
        "fd=%fd.name cmd=%proc.cmdline)",
        "{\"hostname\":\"node-\\\"1\\\"\","
        "\"output\":\"13:44:05.478445995: Critical A shell SH (user=root pid=1234 tty=34816 "
        "login=-1 sh failed=true dev=801 types=(file,ipv4) fd=<NA> cmd=sh -c 'a\xEF\xBF\xBD"
        "b') container_id=ee97d9c4186f container_name=we\\tb container_image_repository=<NA> "
        "container_image_tag=<NA> k8s_pod_name=<NA> k8s_ns_name=<NA>\","
        "\"output_fields\":{\"container.id\":\"ee97d9c4186f\","
        "\"container.image.repository\":null,\"container.image.tag\":null,"
        "\"container.name\":\"we\\tb\",\"evt.failed\":true,\"evt.time\":1685022245478445995,"
        "\"fd.dev\":\"801\",\"fd.name\":null,\"fd.types\":[\"file\",\"ipv4\"],"
        "\"k8s.ns.name\":null,\"k8s.pod.name\":null,"
        "\"proc.cmdline\":\"sh -c 'a\xEF\xBF\xBD"
        "b'\",\"proc.name\":\"sh\",\"proc.pid\":1234,\"proc.tty\":34816,"
        "\"user.loginuid\":-1,\"user.name\":\"root\"},"
        "\"priority\":\"Critical\",\"rule\":\"Terminal \\\"shell\\\"\\\\\",\"source\":\"syscall\","
        "\"tags\":[\"container\",\"mitre_execution\",\"shell\"],"
        "\"time\":\"2023-05-25T13:44:05.478445995Z\"}");
    /* ISO time: the key is evt.time.iso8601, still an integer; an output
     * that names the event time gives it as nanoseconds too. */
    expect(&x, FC_ALERT_JSON | FC_ALERT_ISO8601, "r", 5, "at %evt.time",
           "{\"hostname\":\"node-\\\"1\\\"\","
           "\"output\":\"2023-05-25T13:44:05.478445995+0000: Notice at 13:44:05.478445995\","
           "\"output_fields\":{\"evt.time\":1685022245478445995,"
           "\"evt.time.iso8601\":1685022245478445995},"
           "\"priority\":\"Notice\",\"rule\":\"r\",\"source\":\"syscall\","
           "\"tags\":[\"container\",\"mitre_execution\",\"shell\"],"
           "\"time\":\"2023-05-25T13:44:05.478445995Z\"}");
    fc_fmt_buf_free(&x.b);
    fvec_free(&x.fv);
}

static void test_hostname(void)
{
    struct fc_alerter a;
    setenv("FALCO_HOSTNAME", "", 1);
    CHECK(fc_alerter_init(&a, &fvec_provider, 0, NULL) == 0 && a.hostname && !a.hostname[0],
          "FALCO_HOSTNAME set and empty is used");
    fc_alerter_free(&a);
    unsetenv("FALCO_HOSTNAME");
    CHECK(fc_alerter_init(&a, &fvec_provider, 0, NULL) == 0 && a.hostname && a.hostname[0],
          "gethostname");
    fc_alerter_free(&a);
}

int main(void)
{
    test_priorities();
    test_json_escape();
    test_text();
    test_json();
    test_hostname();
    return th_done();
}
