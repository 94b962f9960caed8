/*
 * test_render.c - the JSON renderers (Falco's validation object, SARIF)
 * produce well-formed JSON with the keys consumers read, whatever bytes the
 * messages hold. A small strict JSON checker is enough to tell.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "tharness.h"

/* ---- strict JSON syntax check (RFC 8259, no extensions) ---- */

static const char *ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    return p;
}

static const char *value(const char *p, int depth);

static const char *string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    while (*p != '"') {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20)
            return NULL;
        if (c >= 0x80) { /* a well-formed multi-byte UTF-8 sequence */
            int n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
            if (!n || c == 0xC0 || c == 0xC1 || c > 0xF4)
                return NULL;
            for (int i = 1; i < n; i++)
                if (((unsigned char)p[i] & 0xC0) != 0x80)
                    return NULL;
            p += n;
            continue;
        }
        if (c == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
                        return NULL;
                p += 4;
            } else if (!*p || !strchr("\"\\/bfnrt", *p)) {
                return NULL;
            }
        }
        p++;
    }
    return p + 1;
}

static const char *number(const char *p)
{
    const char *s = p;
    if (*p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return NULL;
    while (*p >= '0' && *p <= '9')
        p++;
    return p > s ? p : NULL;
}

static const char *value(const char *p, int depth)
{
    if (depth > 64)
        return NULL;
    p = ws(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        bool obj = *p == '{';
        p = ws(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (obj) {
                p = string(ws(p));
                if (!p || *(p = ws(p)) != ':')
                    return NULL;
                p++;
            }
            p = value(p, depth + 1);
            if (!p)
                return NULL;
            p = ws(p);
            if (*p == close)
                return p + 1;
            if (*p++ != ',')
                return NULL;
        }
    }
    if (*p == '"')
        return string(p);
    if (!strncmp(p, "true", 4))
        return p + 4;
    if (!strncmp(p, "false", 5))
        return p + 5;
    if (!strncmp(p, "null", 4))
        return p + 4;
    return number(p);
}

static bool json_ok(const char *s)
{
    const char *e = value(s, 0);
    return e && *ws(e) == '\0';
}

/* ---- renderings of a session ---- */

static char *render(struct session *s, int which)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (which == 0)
        diag_render_falco_json(f, &s->diags, (const struct source *const *)s->files, s->nfiles);
    else
        diag_render_sarif(f, &s->diags);
    fclose(f);
    return out;
}

static void check_file(const char *name, const char *yaml, size_t len)
{
    struct session s;
    session_init(&s);
    s.diags.lint = true;
    session_load_bytes(&s, name, yaml, len);
    session_compile(&s);
    diags_sort(&s.diags, (const struct source *const *)s.files, s.nfiles);
    char *j = render(&s, 0);
    CHECK(json_ok(j), "%s: falco json is malformed: %s", name, j);
    CHECK(strstr(j, "\"falco_load_results\":[") != NULL, "%s: no falco_load_results", name);
    CHECK(strstr(j, "\"successful\":") != NULL, "%s: no successful key", name);
    free(j);
    char *r = render(&s, 1);
    CHECK(json_ok(r), "%s: sarif is malformed: %s", name, r);
    CHECK(strstr(r, "\"version\":\"2.1.0\"") != NULL, "%s: not sarif 2.1.0", name);
    if (s.diags.n)
        CHECK(strstr(r, "\"ruleId\":") && strstr(r, "\"startLine\":"),
              "%s: results lack ruleId/region", name);
    free(r);
    session_free(&s);
}

int main(void)
{
    static const char *const files[] = {"errors.yaml", "mixed.yaml", "lint.yaml",
                                        "exception_fields.yaml", "plugins.yaml"};
    for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/tests/golden/diag/%s", FALCOC_SOURCE_DIR, files[i]);
        FILE *f = fopen(path, "rb");
        CHECK(f != NULL, "cannot open %s", path);
        if (!f)
            continue;
        char buf[1 << 16];
        size_t n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        check_file(files[i], buf, n);
    }
    /* Messages and snippets with quotes, backslashes, control and non-UTF-8
     * bytes must still render as valid JSON. */
    static const char nasty[] = "- rule: \"q\\\"uote\\\\\"\n  desc: d\n  output: o\n"
                                "  priority: INFO\n  condition: \"proc.name = \\\"a\\\\\\\\\\\" "
                                "and x\\ty \\x01 and foo\"\n- list: [\"\x01\"]\n";
    check_file("nasty.yaml", nasty, sizeof(nasty) - 1);
    static const char binary[] = "- rule: r\n  desc: \xff\xfe\x01\n";
    check_file("binary.yaml", binary, sizeof(binary) - 1);
    CHECK(!json_ok("{\"a\":}") && !json_ok("[1,]") && json_ok("{\"a\":[1,\"x\\n\",null]}"),
          "the checker itself is wrong");
    return th_done();
}
