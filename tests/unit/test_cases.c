/*
 * test_cases.c - the condition test vectors of spec/condition-cases.tsv at
 * the levels the front end judges: `compile` (types, operators, constants,
 * transformers), `evttypes` (event-type sets) and `load` (advisory
 * warnings). Each condition becomes a rule of an in-memory rules file that
 * goes through the whole pipeline. `eval` rows run on the reference
 * evaluator with the event of their `given:` note written out as a field
 * vector below. (`parse` rows are test_grammar's.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fc_fvec.h"
#include "interp.h"
#include "session.h"
#include "tharness.h"

static char *unescape_tsv(const char *s)
{
    char *o = malloc(strlen(s) + 1), *d = o;
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            *d++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'r' ? '\r' : *s;
        } else {
            *d++ = *s;
        }
    }
    *d = '\0';
    return o;
}

static const char *note(const char *notes, const char *key, char *out, size_t outsz)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "%s: ", key);
    const char *p = strstr(notes, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    const char *e = strstr(p, " ;; ");
    size_t n = e ? (size_t)(e - p) : strlen(p);
    while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

/* A rules file holding one rule with this condition, YAML double-quoted. */
static char *rules_file(const char *cond)
{
    size_t cap = strlen(cond) * 4 + 256;
    char *y = malloc(cap);
    size_t n = (size_t)snprintf(y, cap,
                                "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n"
                                "  condition: \"");
    for (const unsigned char *p = (const unsigned char *)cond; *p; p++) {
        if (*p == '"' || *p == '\\')
            n += (size_t)snprintf(y + n, cap - n, "\\%c", *p);
        else if (*p < 0x20)
            n += (size_t)snprintf(y + n, cap - n, "\\x%02x", *p);
        else
            y[n++] = (char)*p;
    }
    snprintf(y + n, cap - n, "\"\n");
    return y;
}

static size_t count(const struct session *s, enum diag_code c)
{
    size_t k = 0;
    for (size_t i = 0; i < s->diags.n; i++)
        k += s->diags.v[i]->code == c;
    return k;
}

static bool parse_set(const char *txt, struct ev_set *out)
{
    bool all = !strncmp(txt, "ALL", 3);
    struct ev_set names;
    ev_set_clear(&names);
    const char *b = strchr(txt, '{');
    if (b) {
        char tmp[512];
        snprintf(tmp, sizeof(tmp), "%s", b + 1);
        char *e = strchr(tmp, '}');
        if (e)
            *e = '\0';
        for (char *tok = strtok(tmp, ","); tok; tok = strtok(NULL, ","))
            if (!ev_codes_for_name(tok, &names))
                return false;
    }
    if (all) {
        ev_set_all(out);
        ev_set_subtract(out, &names);
    } else {
        *out = names;
    }
    return true;
}

/*
 * The events of the eval rows, from their `given:` notes. The harness
 * fields c.true / c.false of upstream's tests become checks on evt.num that
 * are always true / false for an event with evt.num 1.
 */
static const struct {
    const char *id;
    const char *fields; /* "k=v;k=v" */
} given[] = {
    {"num-013", "fd.num=-1"},
    {"num-014", "fd.num=-1"},
    {"num-016", "evt.cpu=1"},
    {"xf-035", "evt.args=fd=3 size=10"},
    {"xf-040", "fd.name=/tmp/file_to_run"},
    {"xf-041", "fd.name=/tmp/file_to_run"},
    {"xf-043", "evt.num=1"},
    {"mod-019", "proc.name=myexe"},
    {"mod-020", "proc.name=myexe"},
    {"mod-022", "proc.name=myexe"},
    {"mod-023", "proc.name=myexe"},
    {"mod-025", "proc.name=myexe"},
    {"mod-026", "proc.name=myexe"},
    {"mod-029", "fd.sip=142.251.111.147"},
    {"eval-001", "evt.num=1"},
    {"eval-002", "evt.num=1"},
    {"eval-004", "evt.num=1"},
    {"eval-005", "fd.name=/opt/dir/subdir/file.txt"},
    {"eval-007", "fd.name=/opt/dir/subdir/file.txt"},
    {"eval-008", "fd.name=/opt/dir/subdir/file.txt"},
    {"eval-010", "fd.name=/tmp/hello_world"},
    {"eval-011", "fd.name=/opt/dir/SUBDIR/file.txt"},
    {"eval-013", "evt.buffer=hello"},
    {"eval-014", "evt.buffer=hello"},
    {"eval-016", "fd.cip=172.40.111.222;fd.cport=54321;fd.sip=142.251.111.147;fd.sport=443"},
    {"eval-017", "fd.cip=172.40.111.222;fd.sip=142.251.111.147"},
    {"eval-019", "fd.cip=172.40.111.222;fd.sip=142.251.111.147"},
    {"eval-020", "fd.cip=::1;fd.sip=2001:4860:4860::8888;fd.lip=2001:4860:4860::8888;fd.rip=::1"},
    {"eval-022", "evt.source=syscall"},
    {"eval-023", "proc.name=good-exe;proc.aname[0]=good-exe;proc.aname[1]=bash;proc.aname[2]=bash;"
                 "proc.aname[3]=bash;proc.aname[4]=bash;proc.aname[5]=init"},
    {"eval-026", "evt.type=getcwd"},
};

static char *mock_fields(const char *cond)
{
    size_t n = strlen(cond);
    char *o = malloc(n * 2 + 1), *d = o;
    for (const char *p = cond; *p;) {
        if (!strncmp(p, "c.true=1", 8)) {
            d = stpcpy(d, "evt.num=1");
            p += 8;
        } else if (!strncmp(p, "c.false=1", 9)) {
            d = stpcpy(d, "evt.num=2");
            p += 9;
        } else {
            *d++ = *p++;
        }
    }
    *d = '\0';
    return o;
}

static void run_eval(const char *id, const char *cond, const char *notes)
{
    char want[16];
    if (!note(notes, "eval", want, sizeof(want)))
        return;
    const char *fields = NULL;
    for (size_t i = 0; i < sizeof(given) / sizeof(*given); i++)
        if (!strcmp(given[i].id, id))
            fields = given[i].fields;
    if (!fields) {
        /* eval-025 compares a harness field with a value of its own. */
        CHECK(!strcmp(id, "eval-025"), "%s: no event written for this eval row", id);
        return;
    }
    char *c = mock_fields(cond);
    char *y = rules_file(c);
    struct session s;
    session_init(&s);
    session_load_bytes(&s, id, y, strlen(y));
    session_compile(&s);
    const struct res_rule *rr = s.set.nrules ? s.set.rules[0]->resolved : NULL;
    CHECK(rr && rr->ok, "%s: '%s' does not compile: %s", id, c, s.diags.n ? s.diags.v[0]->msg : "");
    if (rr && rr->ok) {
        struct fvec fv;
        fvec_init(&fv);
        char *list = strdup(fields);
        char *save = NULL;
        for (char *kv = strtok_r(list, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
            char *eq = strchr(kv, '=');
            *eq = '\0';
            const char *v = eq + 1;
            char err[200];
            CHECK(fvec_add(&fv, kv, &v, 1, err, sizeof(err)), "%s: %s", id, err);
        }
        free(list);
        struct fc_ctx ctx = {.prov = &fvec_provider, .data = &fv};
        bool got = interp_eval(rr->tree, &ctx, &rr->text, NULL);
        CHECK(got == !strcmp(want, "true"), "%s: '%s' evaluated to %s, want %s", id, c,
              got ? "true" : "false", want);
        fvec_free(&fv);
    }
    session_free(&s);
    free(y);
    free(c);
}

static void run_case(const char *id, const char *cond, bool expect_ok, const char *notes)
{
    char level[32], buf[512];
    if (!note(notes, "level", level, sizeof(level)))
        return;
    if (!strcmp(level, "eval")) {
        run_eval(id, cond, notes);
        return;
    }
    bool compile = !strcmp(level, "compile"), evt = !strcmp(level, "evttypes"),
         load = !strcmp(level, "load");
    if (!compile && !evt && !load)
        return;
    if (load && !strncmp(cond, "ka.", 3))
        return; /* needs a k8s_audit source catalogue (see the case's note) */
    char *y = rules_file(cond);
    struct session s;
    session_init(&s);
    session_load_bytes(&s, id, y, strlen(y));
    session_compile(&s);
    const struct rl_rule *r = s.set.nrules ? s.set.rules[0] : NULL;
    const struct res_rule *rr = r ? r->resolved : NULL;
    if (compile) {
        if (expect_ok)
            CHECK(s.diags.nerrors == 0, "%s: '%s' should compile, got: %s", id, cond,
                  s.diags.n ? s.diags.v[0]->msg : "");
        else
            CHECK(count(&s, DIAG_LOAD_ERR_COMPILE_CONDITION) == 1 && s.diags.nerrors == 1,
                  "%s: '%s' should fail to compile", id, cond);
        const char *msg = note(notes, "msg", buf, sizeof(buf));
        if (msg && !expect_ok && s.diags.nerrors)
            CHECK(strstr(s.diags.v[0]->msg, msg) != NULL, "%s: message '%s', want '%s'", id,
                  s.diags.v[0]->msg, msg);
    } else if (evt) {
        char want[512];
        note(notes, "evttypes", want, sizeof(want));
        struct ev_set exp;
        CHECK(parse_set(want, &exp), "%s: bad expectation %s", id, want);
        CHECK(rr && rr->info, "%s: no result (%s)", id, s.diags.n ? s.diags.v[0]->msg : "");
        if (rr && rr->info) {
            struct buf got;
            buf_init(&got, &s.arena);
            chk_evttypes_str(&got, &rr->info->evttypes);
            CHECK(ev_set_equal(&exp, &rr->info->evttypes), "%s: evttypes %s, want %s", id,
                  buf_cstr(&got), want);
        }
    } else {
        char want[128];
        note(notes, "warn", want, sizeof(want));
        size_t warns = s.diags.nwarnings - count(&s, DIAG_LOAD_NO_EVTTYPE);
        CHECK(s.diags.nerrors == 0, "%s: unexpected error %s", id, s.diags.v[0]->msg);
        if (!strcmp(want, "none")) {
            CHECK(warns == 0, "%s: expected no warning, got %zu", id, warns);
        } else {
            char code[64];
            sscanf(want, "%63s", code);
            size_t n = 0;
            for (int c = 0; c < DIAG_COUNT; c++)
                if (!strcmp(diag_code_name((enum diag_code)c), code))
                    n = count(&s, (enum diag_code)c);
            CHECK(n == 1 && warns == 1, "%s: expected one %s, got %zu of %zu warnings", id, code, n,
                  warns);
        }
    }
    session_free(&s);
    free(y);
}

int main(void)
{
    FILE *f = fopen(FALCOC_SHARED "/spec/condition-cases.tsv", "r");
    CHECK(f != NULL, "cannot open condition-cases.tsv");
    if (!f)
        return th_done();
    char *line = NULL;
    size_t cap = 0;
    int rows = 0;
    while (getline(&line, &cap, f) > 0) {
        if (!strncmp(line, "id\t", 3))
            continue;
        char *id = strtok(line, "\t"), *cond = strtok(NULL, "\t"), *exp = strtok(NULL, "\t"),
             *notes = strtok(NULL, "\t\n");
        if (!id || !cond || !exp || !notes)
            continue;
        char *c = unescape_tsv(cond);
        run_case(id, c, !strcmp(exp, "ok"), notes);
        free(c);
        rows++;
    }
    free(line);
    fclose(f);
    CHECK(rows > 200, "read only %d rows", rows);
    return th_done();
}
