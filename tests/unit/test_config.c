/*
 * test_config.c - falcod's configuration loader against shared/spec/config.md
 * §1: the YAML tree, config_files and their strategies, ${VAR} expansion,
 * -o options, typed getters with their warnings, positioned errors.
 *
 * The merge expectations are those of Falco's own configuration tests (an
 * included map replaces the top-level map under every strategy; sequences
 * are appended only under append).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fc_config.h"
#include "tharness.h"

static char tmpdir[256];
static char err[512];

static const char *tpath(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static void put(const char *name, const char *text)
{
    FILE *f = fopen(tpath(name), "w");
    if (!f) {
        perror(name);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
}

static struct fc_config *text(const char *yaml, int want)
{
    struct fc_config *c = fc_config_new();
    err[0] = 0;
    int r = fc_config_load_text(c, "cfg.yaml", yaml, strlen(yaml), err, sizeof err);
    CHECK(r == want, "load returned %d (%s) for:\n%s", r, err, yaml);
    return c;
}

static bool streq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static bool has_warning(const struct fc_config *c, const char *w)
{
    for (size_t i = 0; i < fc_config_nwarnings(c); i++)
        if (streq(fc_config_warning(c, i), w))
            return true;
    return false;
}

static void dump_warnings(const struct fc_config *c)
{
    for (size_t i = 0; i < fc_config_nwarnings(c); i++)
        fprintf(stderr, "  warning: %s\n", fc_config_warning(c, i));
}

static void test_tree(void)
{
    struct fc_config *c = text("a:\n"
                               "  b:\n"
                               "    c: deep\n"
                               "list: [x, y, {k: v}]\n"
                               "dup: first\n"
                               "dup: second\n"
                               "quoted: \"null\"\n"
                               "empty:\n"
                               "tilde: ~\n"
                               "multi: [[1, 2], [3]]\n",
                               0);
    CHECK(streq(fc_config_str(c, "a.b.c", NULL), "deep"), "nested maps");
    CHECK(fc_config_has(c, "a.b") && !fc_config_has(c, "a.x"), "has");
    CHECK(fc_config_len(c, "list") == 3 && fc_config_len(c, "a") == 0, "len");
    CHECK(streq(fc_config_str(c, "list[1]", NULL), "y"), "index");
    CHECK(streq(fc_config_str(c, "list[2].k", NULL), "v"), "index then key");
    CHECK(!fc_config_has(c, "list[3]"), "index past the end");
    CHECK(streq(fc_config_str(c, "multi[0][1]", NULL), "2"), "double index");
    CHECK(streq(fc_config_str(c, "dup", NULL), "first"), "first duplicate key wins");
    CHECK(streq(fc_config_str(c, "quoted", NULL), "null"), "quoted null is a string");
    /* A plain empty value is null: present, read as "null" by yaml-cpp. */
    CHECK(fc_config_has(c, "empty") && streq(fc_config_str(c, "empty", "d"), "null"), "null");
    CHECK(fc_config_bool(c, "tilde", true) == true && fc_config_nwarnings(c) == 1,
          "null is not a boolean");
    CHECK(streq(fc_config_str(c, "missing", "dflt"), "dflt"), "missing key gives default");
    CHECK(fc_config_nfiles(c) == 1 && streq(fc_config_file(c, 0), "cfg.yaml"), "files");
    fc_config_free(c);

    /* Only the first document counts, as yaml-cpp's Load. */
    c = text("a: 1\n---\na: 2\nb: 3\n", 0);
    CHECK(fc_config_int(c, "a", 0) == 1 && !fc_config_has(c, "b"), "first document only");
    fc_config_free(c);

    c = text("", 0);
    CHECK(!fc_config_has(c, "a") && fc_config_nwarnings(c) == 0, "empty file");
    fc_config_free(c);

    c = text("- a\n- b\n", -1);
    CHECK(streq(err, "cfg.yaml:1:1: the configuration must be a map, got a sequence"), "%s", err);
    fc_config_free(c);

    /* Anchors resolve to a copy of the anchored node. */
    c = text("base: &b {x: 1, y: [p, q]}\nother: *b\nname: &n hello\nagain: *n\n", 0);
    CHECK(fc_config_int(c, "other.x", 0) == 1 && streq(fc_config_str(c, "other.y[1]", 0), "q"),
          "alias to a map");
    CHECK(streq(fc_config_str(c, "again", NULL), "hello"), "alias to a scalar");
    fc_config_free(c);

    c = text("a: 1\nb: *nope\n", -1);
    CHECK(streq(err, "cfg.yaml:2:4: unknown anchor 'nope'"), "%s", err);
    CHECK(fc_config_int(c, "a", 0) == 1, "keys before the error stay");
    fc_config_free(c);

    /* An alias bomb stops at the node budget instead of exhausting memory. */
    c = text("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
             "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
             "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
             "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
             "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
             "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
             -1);
    CHECK(strstr(err, "cfg.yaml:6:") && strstr(err, "alias expansion"), "%s", err);
    CHECK(fc_config_len(c, "a") == 10, "what came before the bomb stays");
    fc_config_free(c);

    c = text("{a: 1}: 2\n", -1);
    CHECK(streq(err, "cfg.yaml:1:1: a map key must be a scalar, got a map"), "%s", err);
    fc_config_free(c);
}

static void test_errors(void)
{
    /* "1\n  b" is one plain scalar; the ':' after it (line 2, column 4)
     * cannot start a value there. */
    struct fc_config *c = text("a: 1\n  b: 2\n", -1);
    CHECK(!strncmp(err, "cfg.yaml:2:4: mapping values are not allowed", 44), "%s", err);
    fc_config_free(c);

    /* An unclosed flow sequence: the problem is found at the end (line 4,
     * column 1); keys parsed before stay. */
    c = text("first: 1\nsecond: two\nthird: [x, y\n", -1);
    CHECK(!strncmp(err, "cfg.yaml:4:1: ", 14) && strstr(err, "started at 3:8"), "%s", err);
    CHECK(fc_config_int(c, "first", 0) == 1 && streq(fc_config_str(c, "second", 0), "two"),
          "a failed load keeps earlier values");
    fc_config_free(c);

    /* A byte that is not UTF-8 on line 2, column 5. */
    c = text("a: 1\nb: x\xff\n", -1);
    CHECK(!strncmp(err, "cfg.yaml:2:5: ", 14), "%s", err);
    fc_config_free(c);

    c = fc_config_new();
    CHECK(fc_config_load_file(c, tpath("does-not-exist.yaml"), err, sizeof err) == -1 &&
              strstr(err, "does-not-exist.yaml: cannot open: "),
          "%s", err);
    fc_config_free(c);

    /* Deep nesting fails cleanly. */
    char deep[2000];
    memset(deep, '[', 1000);
    deep[0] = 'a', deep[1] = ':', deep[2] = ' ';
    deep[1000] = 0;
    c = text(deep, -1);
    CHECK(strstr(err, "nesting deeper than"), "%s", err);
    fc_config_free(c);
}

static void test_env(void)
{
    setenv("FC_T_A", "alpha", 1);
    unsetenv("FC_T_UNSET");
    struct fc_config *c = text("whole: ${FC_T_A}\n"
                               "mid: \"pre/${FC_T_A}/post\"\n"
                               "two: ${FC_T_A}${FC_T_A}\n"
                               "unset: x${FC_T_UNSET}y\n"
                               "literal: $${FC_T_A}\n"
                               "literal_mid: a$${X}b${FC_T_A}\n"
                               "dollar: cost $5 ${FC_T_A}\n"
                               "open: ${FC_T_A\n"
                               "list: [\"${FC_T_A}\", b]\n"
                               "${FC_T_A}: key\n",
                               0);
    CHECK(streq(fc_config_str(c, "whole", 0), "alpha"), "whole");
    CHECK(streq(fc_config_str(c, "mid", 0), "pre/alpha/post"), "mid-string");
    CHECK(streq(fc_config_str(c, "two", 0), "alphaalpha"), "twice");
    CHECK(streq(fc_config_str(c, "unset", 0), "xy"), "unset gives nothing");
    CHECK(streq(fc_config_str(c, "literal", 0), "${FC_T_A}"), "$${X}");
    CHECK(streq(fc_config_str(c, "literal_mid", 0), "a${X}balpha"), "%s",
          fc_config_str(c, "literal_mid", 0));
    CHECK(streq(fc_config_str(c, "dollar", 0), "cost $5 alpha"), "lone $");
    CHECK(streq(fc_config_str(c, "open", 0), "${FC_T_A"), "unterminated");
    CHECK(streq(fc_config_str(c, "list[0]", 0), "alpha"), "sequence items");
    CHECK(streq(fc_config_str(c, "${FC_T_A}", 0), "key") && !fc_config_has(c, "alpha"),
          "keys are not expanded");
    fc_config_free(c);

    /* A value that holds a ${...} itself is not expanded again. */
    setenv("FC_T_SELF", "${FC_T_SELF}", 1);
    c = text("s: ${FC_T_SELF}\n", 0);
    CHECK(streq(fc_config_str(c, "s", 0), "${FC_T_SELF}"), "no re-expansion");
    fc_config_free(c);
}

static void test_getters(void)
{
    struct fc_config *c = text("b1: true\nb2: True\nb3: FALSE\nb4: yes\nb5: off\nb6: Y\n"
                               "b7: tRUE\njson_output: maybe\n"
                               "i1: 42\ni2: -7\ni3: 0x1F\ni4: 010\ni5: 12abc\n"
                               "i6: 99999999999999999999\ni7: \" 5\"\ni8: +3\n"
                               "u1: 18446744073709551615\nu2: -1\n"
                               "d1: 0.5\nd2: 1e3\nd3: .inf\nd4: -.Inf\nd5: abc\nd6: 0x10\n"
                               "d7: 7\nd8: .nan\n"
                               "s: [a]\n",
                               0);
    CHECK(fc_config_bool(c, "b1", false) && fc_config_bool(c, "b2", false) &&
              !fc_config_bool(c, "b3", true) && fc_config_bool(c, "b4", false) &&
              !fc_config_bool(c, "b5", true) && fc_config_bool(c, "b6", false),
          "booleans");
    CHECK(fc_config_nwarnings(c) == 0, "no warning for good booleans");
    CHECK(fc_config_bool(c, "b7", false) == false, "mixed case is not a boolean");
    CHECK(fc_config_bool(c, "json_output", true) == true, "bad boolean gives the default");
    CHECK(has_warning(c, "cfg.yaml:8:14: json_output: expected a boolean, got 'maybe'; "
                         "using the default"),
          "warning text");
    size_t nw = fc_config_nwarnings(c);
    fc_config_bool(c, "json_output", true);
    CHECK(fc_config_nwarnings(c) == nw, "one warning per value");

    CHECK(fc_config_int(c, "i1", 0) == 42 && fc_config_int(c, "i2", 0) == -7, "decimal");
    CHECK(fc_config_int(c, "i3", 0) == 31, "hex");
    CHECK(fc_config_int(c, "i4", 0) == 8, "octal, as yaml-cpp");
    CHECK(fc_config_int(c, "i8", 0) == 3, "plus sign");
    CHECK(fc_config_int(c, "i5", -1) == -1 && fc_config_int(c, "i6", -1) == -1 &&
              fc_config_int(c, "i7", -1) == -1,
          "bad integers give the default");
    CHECK(has_warning(c, "cfg.yaml:14:5: i6: expected an integer, got '99999999999999999999'; "
                         "using the default"),
          "range warning");
    CHECK(fc_config_uint(c, "u1", 0) == UINT64_MAX, "uint64 max");
    CHECK(fc_config_uint(c, "u2", 9) == 9, "negative unsigned gives the default");
    CHECK(fc_config_uint(c, "i1", 0) == 42, "uint");

    CHECK(fc_config_double(c, "d1", 0) == 0.5 && fc_config_double(c, "d2", 0) == 1000.0, "double");
    CHECK(fc_config_double(c, "d3", 0) > 1e308 && fc_config_double(c, "d4", 0) < -1e308, "inf");
    CHECK(fc_config_double(c, "d5", 2.5) == 2.5 && fc_config_double(c, "d6", 2.5) == 2.5,
          "bad doubles");
    CHECK(fc_config_double(c, "d7", 0) == 7.0, "integer as double");
    double nan_ = fc_config_double(c, "d8", 0);
    CHECK(nan_ != nan_, "nan");
    CHECK(streq(fc_config_str(c, "s", "def"), "def") &&
              has_warning(c, "cfg.yaml:27:4: s: expected a string, got a sequence; "
                             "using the default"),
          "sequence read as a string");
    CHECK(streq(fc_config_str(c, "i1", 0), "42"), "string is the scalar text");
    if (th_fail)
        dump_warnings(c);
    fc_config_free(c);
}

static int opt(struct fc_config *c, const char *o)
{
    err[0] = 0;
    return fc_config_override(c, o, err, sizeof err);
}

static void test_removed_keys(void)
{
    struct fc_config *c = text("json_output: true\n"
                               "grpc:\n"
                               "  enabled: false\n"
                               "engine:\n"
                               "  kind: modern_ebpf\n"
                               "  ebpf: {probe: x}\n",
                               0);
    CHECK(
        fc_config_nwarnings(c) == 2 &&
            streq(fc_config_warning(c, 0), "cfg.yaml:2:1: grpc: removed in Falco 0.44; ignored") &&
            streq(fc_config_warning(c, 1), "cfg.yaml:6:3: engine.ebpf: removed in Falco 0.44 "
                                           "with the legacy eBPF probe"),
        "removed keys warned at their key");
    CHECK(fc_config_bool(c, "grpc.enabled", true) == false, "still readable");
    CHECK(opt(c, "rules_file[]=/x.yaml") == 0 && fc_config_nwarnings(c) == 3 &&
              streq(fc_config_warning(c, 2), "-o rules_file[]=/x.yaml: rules_file: deprecated "
                                             "since Falco 0.38; use rules_files"),
          "removed key set by an option");
    CHECK(opt(c, "other=1") == 0 && fc_config_nwarnings(c) == 3, "each warned once");
    if (th_fail)
        dump_warnings(c);
    fc_config_free(c);
}

static struct fc_config *load(const char *name, int want)
{
    struct fc_config *c = fc_config_new();
    err[0] = 0;
    int r = fc_config_load_file(c, tpath(name), err, sizeof err);
    CHECK(r == want, "load %s returned %d (%s)", name, r, err);
    return c;
}

/* The main file's text with its config_files pointing into the temp dir. */
static void put_main(const char *name, const char *includes, const char *rest)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "config_files:\n%s%s", includes, rest);
    put(name, buf);
}

static void test_config_files(void)
{
    static const char rest[] = "foo: [bar]\nbase_value:\n  id: 1\n  name: foo\n";
    put("conf_2.yaml", "foo: [bar2]\nbase_value_2:\n  id: 2\n");
    put("conf_3.yaml", "base_value:\n  id: 3\n");
    char inc[1024];

    static const struct {
        const char *strategy;
        size_t nfoo;
    } cases[] = {{NULL, 2}, {"append", 2}, {"override", 1}, {"add-only", 1}, {"wrong", 2}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (cases[i].strategy)
            snprintf(inc, sizeof inc, "  - path: %s\n    strategy: %s\n  - %s\n",
                     tpath("conf_2.yaml"), cases[i].strategy, tpath("conf_3.yaml"));
        else
            snprintf(inc, sizeof inc, "  - %s\n  - %s\n", tpath("conf_2.yaml"),
                     tpath("conf_3.yaml"));
        put_main("main.yaml", inc, rest);
        struct fc_config *c = load("main.yaml", 0);
        const char *st = cases[i].strategy ? cases[i].strategy : "default";
        CHECK(fc_config_nfiles(c) == 3 && streq(fc_config_file(c, 1), tpath("conf_2.yaml")) &&
                  streq(fc_config_file(c, 2), tpath("conf_3.yaml")),
              "%s: files", st);
        CHECK(fc_config_len(c, "foo") == cases[i].nfoo, "%s: foo has %zu items", st,
              fc_config_len(c, "foo"));
        const char *last = fc_config_str(c, "foo[1]", NULL);
        if (cases[i].nfoo == 2)
            CHECK(streq(fc_config_str(c, "foo[0]", 0), "bar") && streq(last, "bar2"),
                  "%s: appended", st);
        else if (!strcmp(st, "override"))
            CHECK(streq(fc_config_str(c, "foo[0]", 0), "bar2"), "%s: replaced", st);
        else
            CHECK(streq(fc_config_str(c, "foo[0]", 0), "bar"), "%s: untouched", st);
        /* conf_3 (append) replaces the whole top-level map. */
        CHECK(fc_config_int(c, "base_value.id", 0) == 3 && !fc_config_has(c, "base_value.name"),
              "%s: top-level map replaced", st);
        CHECK(fc_config_int(c, "base_value_2.id", 0) == 2, "%s: new key added", st);
        bool warned = fc_config_nwarnings(c) == 1 &&
                      strstr(fc_config_warning(c, 0), "strategy 'wrong' is not one of");
        CHECK(warned == !strcmp(st, "wrong"), "%s: unknown strategy warning", st);
        fc_config_free(c);
    }

    /* add-only leaves an existing map alone, even a partial one. */
    snprintf(inc, sizeof inc, "  - path: %s\n    strategy: add-only\n", tpath("conf_3.yaml"));
    put_main("main.yaml", inc, rest);
    struct fc_config *c = load("main.yaml", 0);
    CHECK(fc_config_int(c, "base_value.id", 0) == 1 &&
              streq(fc_config_str(c, "base_value.name", 0), "foo"),
          "add-only keeps existing keys");
    fc_config_free(c);

    /* override replaces a scalar and a map alike. */
    put("conf_4.yaml", "base_value: {id: 4}\nfoo: 7\n");
    snprintf(inc, sizeof inc, "  - path: %s\n    strategy: override\n", tpath("conf_4.yaml"));
    put_main("main.yaml", inc, rest);
    c = load("main.yaml", 0);
    CHECK(fc_config_int(c, "foo", 0) == 7 && fc_config_len(c, "foo") == 0 &&
              !fc_config_has(c, "base_value.name"),
          "override replaces wholesale");
    fc_config_free(c);

    /* A single path as a scalar; a missing path is skipped silently. */
    snprintf(inc, sizeof inc, "config_files: %s\nother: [%s]\n", tpath("conf_2.yaml"),
             tpath("nope.yaml"));
    put("main.yaml", inc);
    c = load("main.yaml", 0);
    CHECK(fc_config_nfiles(c) == 2 && fc_config_int(c, "base_value_2.id", 0) == 2,
          "scalar config_files");
    fc_config_free(c);
    snprintf(inc, sizeof inc, "  - %s\n  - %s\n", tpath("nope.yaml"), tpath("conf_2.yaml"));
    put_main("main.yaml", inc, rest);
    c = load("main.yaml", 0);
    CHECK(fc_config_nfiles(c) == 2 && fc_config_nwarnings(c) == 0, "missing path skipped");
    fc_config_free(c);

    /* A directory: regular files sorted by name, not recursive. */
    mkdir(tpath("d"), 0700);
    mkdir(tpath("d/sub"), 0700);
    put("d/b.yaml", "order: [b]\nwho: b\n");
    put("d/a.yaml", "order: [a]\nwho: a\n");
    put("d/c.conf", "order: [c]\n");
    put("d/sub/0.yaml", "order: [sub]\nsub: true\n");
    snprintf(inc, sizeof inc, "  - %s\n", tpath("d"));
    put_main("main.yaml", inc, "order: [main]\n");
    c = load("main.yaml", 0);
    CHECK(fc_config_nfiles(c) == 4 && streq(fc_config_file(c, 1), tpath("d/a.yaml")) &&
              streq(fc_config_file(c, 2), tpath("d/b.yaml")) &&
              streq(fc_config_file(c, 3), tpath("d/c.conf")),
          "directory files in name order");
    CHECK(fc_config_len(c, "order") == 4 && streq(fc_config_str(c, "order[1]", 0), "a") &&
              streq(fc_config_str(c, "order[3]", 0), "c"),
          "appended in name order");
    CHECK(streq(fc_config_str(c, "who", 0), "b") && !fc_config_has(c, "sub"), "not recursive");
    fc_config_free(c);

    /* An included file with config_files: an error at its key; keys merged
     * before it (and earlier files) stay. */
    put("nested.yaml", "early: 1\nconfig_files: [x.yaml]\nlate: 2\n");
    snprintf(inc, sizeof inc, "  - %s\n  - %s\n", tpath("conf_2.yaml"), tpath("nested.yaml"));
    put_main("main.yaml", inc, rest);
    c = load("main.yaml", -1);
    char want[700];
    snprintf(want, sizeof want,
             "%s:2:1: config_files: an included file may not include other files",
             tpath("nested.yaml"));
    CHECK(streq(err, want), "%s", err);
    CHECK(fc_config_int(c, "base_value_2.id", 0) == 2 && fc_config_int(c, "early", 0) == 1 &&
              !fc_config_has(c, "late"),
          "what was merged before the error stays");
    fc_config_free(c);

    /* Including the main file is an error. */
    snprintf(inc, sizeof inc, "  - %s\n", tpath("main.yaml"));
    put_main("main.yaml", inc, rest);
    c = load("main.yaml", -1);
    CHECK(strstr(err, "is the main configuration file") && strstr(err, "main.yaml:2:5: "), "%s",
          err);
    CHECK(fc_config_int(c, "base_value.id", 0) == 1, "main kept");
    fc_config_free(c);

    /* A malformed included file: positioned in that file. */
    put("bad.yaml", "ok: 1\nbroken: [\n");
    snprintf(inc, sizeof inc, "  - %s\n", tpath("bad.yaml"));
    put_main("main.yaml", inc, rest);
    c = load("main.yaml", -1);
    snprintf(want, sizeof want, "%s:3:1: ", tpath("bad.yaml"));
    CHECK(!strncmp(err, want, strlen(want)), "%s", err);
    CHECK(fc_config_int(c, "ok", 0) == 1 && fc_config_int(c, "base_value.id", 0) == 1,
          "keeps the main file and the keys before the error");
    fc_config_free(c);

    /* ${VAR} in config_files paths and in included files. */
    setenv("FC_T_DIR", tmpdir, 1);
    put("env.yaml", "from_env: ${FC_T_A}\n");
    put_main("main.yaml", "  - ${FC_T_DIR}/env.yaml\n", "");
    c = load("main.yaml", 0);
    CHECK(streq(fc_config_str(c, "from_env", 0), "alpha"), "expansion in included files");
    fc_config_free(c);
}

static void test_options(void)
{
    struct fc_config *c = text("list: [a, b]\nm: {k: v}\nscalar: s\n", 0);
    CHECK(opt(c, "a.b.c=1") == 0 && fc_config_int(c, "a.b.c", 0) == 1, "nesting creates maps");
    CHECK(opt(c, "m.k2=v2") == 0 && streq(fc_config_str(c, "m.k", 0), "v") &&
              streq(fc_config_str(c, "m.k2", 0), "v2"),
          "into an existing map");
    CHECK(opt(c, "list[1]=B") == 0 && streq(fc_config_str(c, "list[1]", 0), "B") &&
              fc_config_len(c, "list") == 2,
          "index replaces");
    CHECK(opt(c, "list[]=c") == 0 && fc_config_len(c, "list") == 3 &&
              streq(fc_config_str(c, "list[2]", 0), "c"),
          "[] appends");
    CHECK(opt(c, "list[3]=d") == 0 && fc_config_len(c, "list") == 4, "index at the end appends");
    CHECK(opt(c, "list[9]=x") == -1 &&
              streq(err, "-o list[9]=x: index 9 is past the end of a sequence of 4"),
          "%s", err);
    CHECK(opt(c, "newlist[]=first") == 0 && fc_config_len(c, "newlist") == 1, "[] creates");
    CHECK(opt(c, "rules[].disable.rule=r*") == 0 &&
              streq(fc_config_str(c, "rules[0].disable.rule", 0), "r*"),
          "[] then keys");
    CHECK(opt(c, "k=a=b") == 0 && streq(fc_config_str(c, "k", 0), "a=b"), "first '=' splits");
    CHECK(opt(c, "e=") == 0 && streq(fc_config_str(c, "e", "d"), ""), "empty value");
    CHECK(opt(c, "a\\.b=1") == 0 && streq(fc_config_str(c, "a\\.b", 0), "1") &&
              !fc_config_has(c, "a.b.x"),
          "escaped dot");
    CHECK(opt(c, "w\\[0\\]\\\\=2") == 0 && streq(fc_config_str(c, "w\\[0\\]\\\\", 0), "2"),
          "escaped brackets and backslash");
    CHECK(opt(c, "fm={x: 1, y: [p, q], z: {deep: true}}") == 0 &&
              fc_config_int(c, "fm.x", 0) == 1 && streq(fc_config_str(c, "fm.y[1]", 0), "q") &&
              fc_config_bool(c, "fm.z.deep", false),
          "flow map value");
    CHECK(opt(c, "m={}") == 0 && fc_config_has(c, "m") && !fc_config_has(c, "m.k"),
          "flow map replaces");
    CHECK(opt(c, "half={x") == 0 && streq(fc_config_str(c, "half", 0), "{x"),
          "no closing brace: a scalar");
    CHECK(opt(c, "bad={x: [}") == -1 && !strncmp(err, "-o bad={x: [}: at 1:", 20), "%s", err);
    CHECK(opt(c, "env=${FC_T_A}") == 0 && streq(fc_config_str(c, "env", 0), "${FC_T_A}"),
          "-o values are not expanded");
    CHECK(opt(c, "noequals") == -1 && streq(err, "-o noequals: expected key=value"), "%s", err);
    CHECK(opt(c, "scalar.x=1") == -1 && streq(err, "-o scalar.x=1: cannot set key 'x' in a scalar"),
          "%s", err);
    CHECK(opt(c, "a..b=1") == -1 && strstr(err, "empty key name"), "%s", err);
    CHECK(opt(c, "list[x]=1") == -1 && strstr(err, "expected a number"), "%s", err);
    CHECK(opt(c, "list[0]x=1") == -1 && strstr(err, "expected '.' or '['"), "%s", err);
    CHECK(opt(c, "=1") == -1, "empty key");
    CHECK(opt(c, "json_output=maybe") == 0 && fc_config_bool(c, "json_output", false) == false &&
              has_warning(c, "-o json_output=maybe: json_output: expected a boolean, got 'maybe'; "
                             "using the default"),
          "warning names the option");
    fc_config_free(c);

    /* Overrides on a configuration never loaded. */
    c = fc_config_new();
    CHECK(opt(c, "engine.kind=replay") == 0 && streq(fc_config_str(c, "engine.kind", 0), "replay"),
          "override without a file");
    fc_config_free(c);
}

static void test_config_files_option(void)
{
    put("main2.yaml", "foo: bar\nbase_value: {id: 1}\n");
    put("c2.yaml", "foo2: bar2\nbase_value_2: {id: 2}\nlst: [from_c2]\n");
    struct fc_config *c = load("main2.yaml", 0);
    /* As Falco: the override value wins over the included file, whatever
     * the order of the options, since config_files are merged first. */
    CHECK(opt(c, "foo2=bar22") == 0, "%s", err);
    char o[600];
    snprintf(o, sizeof o, "config_files=%s", tpath("c2.yaml"));
    CHECK(opt(c, o) == 0, "%s", err);
    CHECK(fc_config_nfiles(c) == 2 && streq(fc_config_file(c, 1), tpath("c2.yaml")), "merged");
    CHECK(streq(fc_config_str(c, "foo2", 0), "bar22"), "option wins over the included file");
    CHECK(fc_config_int(c, "base_value_2.id", 0) == 2 && streq(fc_config_str(c, "foo", 0), "bar"),
          "both files");
    fc_config_free(c);

    /* config_files[] adds to the main file's list; every other option is
     * applied once, after the merge. */
    put("c3.yaml", "from3: 3\n");
    char buf[1024];
    snprintf(buf, sizeof buf, "config_files: [%s]\nfoo: bar\n", tpath("c2.yaml"));
    put("main3.yaml", buf);
    c = load("main3.yaml", 0);
    CHECK(fc_config_has(c, "foo2"), "c2 merged at load");
    CHECK(opt(c, "lst[]=opt") == 0, "%s", err);
    snprintf(o, sizeof o, "config_files[]=%s", tpath("c3.yaml"));
    CHECK(opt(c, o) == 0 && fc_config_has(c, "foo2") && fc_config_int(c, "from3", 0) == 3 &&
              fc_config_nfiles(c) == 3,
          "config_files[] appends: %s", err);
    CHECK(fc_config_len(c, "lst") == 2 && streq(fc_config_str(c, "lst[0]", 0), "from_c2") &&
              streq(fc_config_str(c, "lst[1]", 0), "opt"),
          "options replayed after the merge");
    snprintf(o, sizeof o, "config_files[]=%s", tpath("nested.yaml"));
    CHECK(opt(c, o) == -1 && strstr(err, "may not include other files"), "%s", err);
    CHECK(opt(c, "after=1") == 0, "a failed config_files option is forgotten: %s", err);
    /* -o config_files=PATH replaces the list. */
    snprintf(o, sizeof o, "config_files=%s", tpath("c3.yaml"));
    CHECK(opt(c, o) == 0 && !fc_config_has(c, "foo2") && fc_config_int(c, "from3", 0) == 3 &&
              fc_config_nfiles(c) == 2 && fc_config_int(c, "after", 0) == 1,
          "the list is replaced: %s", err);
    CHECK(fc_config_len(c, "lst") == 1, "c2's list is gone, the option's item stays");
    fc_config_free(c);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/fc_config_XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    test_tree();
    test_errors();
    test_env();
    test_getters();
    test_removed_keys();
    test_config_files();
    test_options();
    test_config_files_option();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return th_done();
}
