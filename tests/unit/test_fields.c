/*
 * test_fields.c - the field catalogue (runtime/include/fields.def through
 * fc_fields.h) against the reference shared/spec/fields.tsv, row by row
 * (name, type, argument form, flags), and fc_field_resolve on the written
 * forms rules use (rules-language.md §5.5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "fc_fields.h"
#include "tharness.h"

static int split_tabs(char *line, char **cols, int max)
{
    int n = 0;
    line[strcspn(line, "\n")] = '\0';
    cols[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = '\0';
            cols[n++] = p + 1;
        }
    return n;
}

/* The reference's flag spellings -> our bits. */
static const struct {
    const char *tsv;
    uint32_t bit;
} flag_map[] = {
    {"generic", FC_FF_GENERIC},
    {"deprecated", FC_FF_DEPRECATED},
    {"filter_only", FC_FF_FILTER_ONLY},
    {"output_only", FC_FF_OUTPUT_ONLY},
    {"no_rhs", FC_FF_NO_RHS},
    {"no_transformer", FC_FF_NO_TRANSFORMER},
    {"list", FC_FF_LIST},
    {"hidden(table_only)", FC_FF_HIDDEN},
    {"format_suggested", FC_FF_FORMAT_SUGGESTED},
    {"removed", FC_FF_REMOVED},
    {"plugin:container", FC_FF_PLUGIN_CONTAINER},
    {"fmt:HEX", FC_FF_FMT_HEX},
    {"fmt:10_PADDED_DEC", FC_FF_FMT_10_PADDED_DEC},
    {"fmt:DIR", FC_FF_FMT_DIR},
};

static bool tsv_flags(const char *s, uint32_t *out)
{
    *out = 0;
    if (!strcmp(s, "-"))
        return true;
    while (*s) {
        size_t n = strcspn(s, ",");
        bool found = false;
        for (size_t i = 0; i < sizeof(flag_map) / sizeof(flag_map[0]); i++)
            if (strlen(flag_map[i].tsv) == n && !memcmp(flag_map[i].tsv, s, n)) {
                *out |= flag_map[i].bit;
                found = true;
            }
        if (!found)
            return false;
        s += n + (s[n] == ',');
    }
    return true;
}

static void lower(char *dst, const char *src, size_t cap)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] - 'A' + 'a' : src[i]);
    dst[i] = '\0';
}

static void check_row(int id, char **c)
{
    const struct fc_field *f = fc_field_get(id);
    CHECK(f != NULL, "no field %d (%s)", id, c[0]);
    if (!f)
        return;
    CHECK(f->id == (enum fc_field_id)id, "%s: id %d, want %d", c[0], (int)f->id, id);
    CHECK(!strcmp(f->name, c[0]), "field %d: name '%s', want '%s'", id, f->name, c[0]);
    CHECK(fc_field_by_name(c[0]) == f, "%s: by_name", c[0]);

    char want_type[32];
    lower(want_type, c[1], sizeof(want_type));
    CHECK(!strcmp(fc_type_name(f->type), want_type), "%s: type %s, want %s", c[0],
          fc_type_name(f->type), want_type);

    /* Argument: none / optional / required, bracket and dotted forms. */
    const char *arg = c[2];
    if (!strcmp(arg, "-")) {
        CHECK(f->argform == FC_ARG_NONE, "%s: takes no argument", c[0]);
    } else {
        bool req = !strncmp(arg, "required", 8);
        CHECK(req || !strncmp(arg, "optional", 8), "%s: arg text '%s'", c[0], arg);
        CHECK(f->argform != FC_ARG_NONE, "%s: takes an argument", c[0]);
        CHECK(fc_argform_required(f->argform) == req, "%s: required=%d", c[0], req);
        bool bracket = strchr(arg, '[') != NULL;
        bool dotted = strstr(arg, ": .") != NULL;
        CHECK(fc_argform_bracket(f->argform) == bracket, "%s: bracket=%d", c[0], bracket);
        CHECK(fc_argform_dotted(f->argform) == dotted, "%s: dotted=%d", c[0], dotted);
    }

    uint32_t flags;
    CHECK(tsv_flags(c[3], &flags), "%s: unknown flag in '%s'", c[0], c[3]);
    CHECK(f->flags == flags, "%s: flags %#x, want %#x (%s)", c[0], f->flags, flags, c[3]);

    /* Our descriptions are our own words, but there must be one. */
    CHECK(f->desc && strlen(f->desc) > 10, "%s: description", c[0]);
    CHECK(strcmp(f->desc, c[4]) != 0, "%s: description copied from the reference", c[0]);
}

static int check_against_tsv(void)
{
    FILE *fp = fopen(FALCOC_SHARED "/spec/fields.tsv", "r");
    CHECK(fp != NULL, "cannot open %s", FALCOC_SHARED "/spec/fields.tsv");
    if (!fp)
        return 0;
    char *line = NULL;
    size_t cap = 0;
    int rows = 0;
    bool header = true;
    while (getline(&line, &cap, fp) > 0) {
        if (header) {
            header = false;
            continue;
        }
        char *c[7];
        int n = split_tabs(line, c, 7);
        CHECK(n == 6, "fields.tsv row %d: %d columns", rows, n);
        if (n == 6)
            check_row(rows, c);
        rows++;
    }
    free(line);
    fclose(fp);
    return rows;
}

/* Resolve NAME with an optional bracket argument ARG (NULL: none written). */
static struct fc_field_ref res(const char *name, const char *arg, char *err, size_t cap)
{
    return fc_field_resolve(name, strlen(name), arg, arg ? strlen(arg) : 0, arg != NULL, err, cap);
}

#define EXPECT_OK(r, err, what) CHECK((r).status == FC_RESOLVE_OK, "%s: %s", what, err)
#define EXPECT_FAIL(r, st, err, substr, what)                                                      \
    CHECK((r).status == (st) && strstr(err, substr), "%s: status %d, message '%s'", what,          \
          (int)(r).status, err)

static bool key_is(const struct fc_field_ref *r, const char *s)
{
    return r->key && r->key_len == strlen(s) && !memcmp(r->key, s, r->key_len);
}

static void check_resolver(void)
{
    char err[256];
    struct fc_field_ref r;

    r = res("proc.name", NULL, err, sizeof(err));
    EXPECT_OK(r, err, "proc.name");
    CHECK(r.field && r.field->id == FC_F_PROC_NAME && r.type == PT_CHARBUF &&
              r.argkind == FC_ARGV_NONE && err[0] == '\0',
          "proc.name resolves plainly");

    r = res("proc.aname", "2", err, sizeof(err));
    EXPECT_OK(r, err, "proc.aname[2]");
    CHECK(r.field && r.field->id == FC_F_PROC_ANAME && r.argkind == FC_ARGV_INDEX && r.index == 2,
          "proc.aname[2] index");
    r = res("proc.aname", NULL, err, sizeof(err));
    EXPECT_OK(r, err, "proc.aname without index (any ancestor)");
    r = res("proc.aname", "x", err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "numeric", "proc.aname[x]");
    CHECK(r.field && r.field->id == FC_F_PROC_ANAME, "bad argument keeps the row");
    r = res("proc.aname", "-1", err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "numeric", "proc.aname[-1]");
    r = res("proc.aname", "", err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "non-empty", "proc.aname[\"\"]");
    r = res("proc.aname", "99999999999999999999999", err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "out of range", "proc.aname[huge]");

    r = res("proc.name", "1", err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "does not take an argument", "proc.name[1]");

    r = res("container.label", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "requires an argument [KEY]", "container.label");
    r = res("container.label", "io.kubernetes.pod.name", err, sizeof(err));
    EXPECT_OK(r, err, "container.label[k]");
    CHECK(r.argkind == FC_ARGV_KEY && key_is(&r, "io.kubernetes.pod.name"), "label key");

    r = res("proc.env", "HOME", err, sizeof(err));
    EXPECT_OK(r, err, "proc.env[HOME]");
    CHECK(r.argkind == FC_ARGV_KEY && key_is(&r, "HOME"), "env key");
    r = res("proc.aenv", "3", err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.argkind == FC_ARGV_INDEX && r.index == 3, "aenv[3]");
    r = res("proc.aenv", "PATH", err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.argkind == FC_ARGV_KEY && key_is(&r, "PATH"),
          "aenv[PATH]");
    r = res("container.mount", "0", err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.argkind == FC_ARGV_INDEX && r.index == 0, "mount[0]");
    r = res("container.mount.source", "/var/lib/*", err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.argkind == FC_ARGV_KEY &&
              r.field->id == FC_F_CONTAINER_MOUNT_SOURCE,
          "mount.source[glob] is its own field, not mount + suffix");
    r = res("container.mount", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "requires", "container.mount");
    r = res("evt.around", "1700000000000000000", err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.index == 1700000000000000000ull, "evt.around[T]");
    r = res("fd.types", "3", err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.index == 3, "fd.types[3]");

    r = res("evt.arg.flags", NULL, err, sizeof(err));
    EXPECT_OK(r, err, "evt.arg.flags");
    CHECK(r.field->id == FC_F_EVT_ARG && r.argkind == FC_ARGV_PARAM && key_is(&r, "flags") &&
              r.type == PT_CHARBUF,
          "evt.arg.flags renders as text");
    r = res("evt.arg", "0", err, sizeof(err));
    EXPECT_OK(r, err, "evt.arg[0]");
    CHECK(r.argkind == FC_ARGV_INDEX && r.index == 0, "evt.arg[0] index");
    r = res("evt.arg", "x", err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "numeric", "evt.arg[x]");
    r = res("evt.arg.nosuchparam", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "unknown event argument nosuchparam",
                "evt.arg.nosuchparam");
    r = res("evt.arg.flagsx", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_UNKNOWN, err, "nonexistent field evt.arg.flagsx",
                "evt.arg.flagsx (longest match leaves x over)");
    r = res("evt.arg", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "requires an argument .NAME or [N]", "evt.arg alone");
    r = res("evt.arg.fd", "1", err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "not both", "evt.arg.fd[1]");

    r = res("evt.rawarg.res", NULL, err, sizeof(err));
    EXPECT_OK(r, err, "evt.rawarg.res");
    CHECK(r.type == PT_ERRNO && r.field->type == PT_DYN, "evt.rawarg.res compares as errno");
    r = res("evt.rawarg.flags", NULL, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.type == PT_FLAGS32, "evt.rawarg.flags is flags32");
    r = res("evt.rawarg.size", NULL, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.type == PT_UINT32, "evt.rawarg.size is uint32");
    r = res("evt.rawarg", "0", err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "not in brackets", "evt.rawarg[0]");
    r = res("evt.rawarg", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "requires", "evt.rawarg alone");

    r = res("evt.type.is.open", NULL, err, sizeof(err));
    EXPECT_OK(r, err, "evt.type.is.open");
    CHECK(r.field->id == FC_F_EVT_TYPE_IS && r.argkind == FC_ARGV_EVTYPE && r.index == 2 &&
              key_is(&r, "open") && r.type == PT_UINT32,
          "evt.type.is.open -> code 2");
    r = res("evt.type.is.3", NULL, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.index == 3, "evt.type.is.<code>");
    r = res("evt.type.is.nosuch", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_UNKNOWN, err, "nonexistent field", "evt.type.is.nosuch");
    r = res("evt.type.is", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "requires an argument .TYPE", "evt.type.is alone");
    r = res("evt.type", NULL, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.field->id == FC_F_EVT_TYPE, "evt.type stays itself");
    r = res("evt.type.foo", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_UNKNOWN, err, "nonexistent field evt.type.foo", "evt.type.foo");

    r = res("thread.cgroup.cpuset", NULL, err, sizeof(err));
    EXPECT_OK(r, err, "thread.cgroup.cpuset");
    CHECK(r.field->id == FC_F_THREAD_CGROUP && r.argkind == FC_ARGV_SUBSYS && key_is(&r, "cpuset"),
          "cgroup subsystem");
    r = res("thread.cgroups", NULL, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.field->id == FC_F_THREAD_CGROUPS, "thread.cgroups");
    r = res("thread.cgroup", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "requires", "thread.cgroup alone");
    r = res("thread.cgroup.cpu1", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_UNKNOWN, err, "nonexistent", "thread.cgroup.cpu1");
    r = res("thread.cgroup", "cpuset", err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_BAD_ARG, err, "not in brackets", "thread.cgroup[cpuset]");

    r = res("evt.abspath", NULL, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.argkind == FC_ARGV_NONE, "evt.abspath");
    r = res("evt.abspath.src", NULL, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.argkind == FC_ARGV_SRC, "evt.abspath.src");
    r = res("evt.abspath.dst", NULL, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.argkind == FC_ARGV_DST, "evt.abspath.dst");
    r = res("evt.abspath.mid", NULL, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_UNKNOWN, "evt.abspath.mid");

    r = res("proc.namex", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_UNKNOWN, err, "filter_check called with nonexistent field proc.namex",
                "proc.namex");
    CHECK(r.field == NULL, "unknown has no row");
    CHECK(!strcmp(err, "filter_check called with nonexistent field proc.namex"),
          "exact wording: '%s'", err);
    r = res("proc.name.x", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_UNKNOWN, err, "nonexistent", "proc.name.x");
    r = res("proc", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_UNKNOWN, err, "nonexistent", "proc");
    r = res("fd.sip.name", NULL, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.field->id == FC_F_FD_SIP_NAME, "fd.sip.name");
    r = res("fd.sip.x", NULL, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_UNKNOWN, "fd.sip.x");

    r = res("syslog.facility", NULL, err, sizeof(err));
    EXPECT_FAIL(r, FC_RESOLVE_REMOVED, err, "nonexistent field syslog.facility", "removed field");
    CHECK(r.field && (r.field->flags & FC_FF_REMOVED), "removed keeps the row");

    r = res("evt.latency", NULL, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && (r.field->flags & FC_FF_DEPRECATED), "deprecated resolves");
    r = res("evt.count.procinfo", NULL, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK, "hidden (table-only) fields resolve");
    r = res("k8s.ns.name", NULL, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && (r.field->flags & FC_FF_PLUGIN_CONTAINER), "k8s.ns.name");

    /* Name lengths, not NUL terminators, bound the input. */
    r = fc_field_resolve("proc.name and more", 9, NULL, 0, false, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.field->id == FC_F_PROC_NAME, "length-bounded name");
    r = fc_field_resolve("proc.aname", 10, "12]junk", 2, true, err, sizeof(err));
    CHECK(r.status == FC_RESOLVE_OK && r.index == 12, "length-bounded argument");

    /* The error buffer is optional and always terminated when given. */
    r = res("proc.namex", NULL, NULL, 0);
    CHECK(r.status == FC_RESOLVE_UNKNOWN, "NULL error buffer");
    char tiny[8];
    r = res("proc.namex", NULL, tiny, sizeof(tiny));
    CHECK(strlen(tiny) == 7, "truncated message");
}

/* Every listed field must resolve as it would be written in a rule. */
static void check_every_field_resolves(void)
{
    char err[256];
    for (int i = 0; i < fc_field_count(); i++) {
        const struct fc_field *f = fc_field_get(i);
        struct fc_field_ref r;
        switch (f->argform) {
        case FC_ARG_REQ_SUBSYS: {
            char buf[128];
            snprintf(buf, sizeof(buf), "%s.cpu", f->name);
            r = res(buf, NULL, err, sizeof(err));
            break;
        }
        case FC_ARG_REQ_EVTYPE: {
            char buf[128];
            snprintf(buf, sizeof(buf), "%s.execve", f->name);
            r = res(buf, NULL, err, sizeof(err));
            break;
        }
        case FC_ARG_REQ_PARAM:
        case FC_ARG_REQ_PARAM_NAME: {
            char buf[128];
            snprintf(buf, sizeof(buf), "%s.fd", f->name);
            r = res(buf, NULL, err, sizeof(err));
            break;
        }
        default:
            r = res(f->name, fc_argform_required(f->argform) ? "1" : NULL, err, sizeof(err));
        }
        enum fc_resolve_status want =
            (f->flags & FC_FF_REMOVED) ? FC_RESOLVE_REMOVED : FC_RESOLVE_OK;
        CHECK(r.status == want && r.field == f, "%s resolves: %s", f->name, err);
    }
}

static void check_names(void)
{
    CHECK(!strcmp(fc_type_name(PT_UINT32), "uint32") &&
              !strcmp(fc_type_name(PT_CHARBUF), "charbuf"),
          "type names");
    CHECK(!strcmp(fc_type_name(PT_IPNET), "ipnet") && !strcmp(fc_type_name(PT_RELTIME), "reltime"),
          "type names");
    CHECK(!strcmp(fc_type_name(PT_MAX), "?") &&
              !strcmp(fc_type_name((enum ppm_param_type) - 1), "?"),
          "bad type");
    for (int t = 0; t < PT_MAX; t++)
        CHECK(strcmp(fc_type_name((enum ppm_param_type)t), "?") != 0, "type %d has a name", t);
    CHECK(!strcmp(fc_flag_name(FC_FF_NO_RHS), "no_rhs"), "flag name");
    CHECK(fc_flag_name(FC_FF_NO_RHS | FC_FF_LIST) == NULL && fc_flag_name(0) == NULL,
          "flag name of a non-bit");
    CHECK(!strcmp(fc_argform_syntax(FC_ARG_REQ_PARAM), ".NAME or [N]"), "syntax");
    CHECK(fc_field_get(-1) == NULL && fc_field_get(FC_FIELD_COUNT) == NULL, "range");
    CHECK(fc_field_by_name("nope.nope") == NULL, "by_name miss");
}

int main(void)
{
    int rows = check_against_tsv();
    CHECK(rows == FC_FIELD_COUNT && fc_field_count() == FC_FIELD_COUNT, "tsv rows %d, catalogue %d",
          rows, fc_field_count());
    CHECK(FC_FIELD_COUNT == 298, "298 fields, got %d", FC_FIELD_COUNT);
    check_resolver();
    check_every_field_resolves();
    check_names();
    return th_done();
}
