/*
 * filter.c - `falcoc filter CAPTURE ['CONDITION'] [-p FORMAT]` (filter.h).
 *
 * Pipeline per event: capture reader → state engine (parse first) → the
 * condition, if any, on a context over the state provider → the format on
 * a second context (its own field table) → one line on stdout. Like sysdig:
 * state-only (EVF) and internal events (procinfo, container, ...) update
 * state but are never shown or matched; both directions of legacy
 * enter/exit captures are shown; evt.num counts every event read.
 *
 * The condition becomes the only rule of an in-memory rules document, its
 * text in a literal block scalar, so the whole front end (lexing, checks,
 * event types) applies unchanged; diagnostics are mapped back to the
 * condition's own lines and columns.
 */
#include "filter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fc_format.h"
#include "fc_rt.h"

static const char usage[] =
    "usage: falcoc filter CAPTURE ['CONDITION'] [-p FORMAT] [-r RULES.yaml]... [-n N] [-q] "
    "[-O0..3]\n"
    "  CONDITION  a rule condition (words after CAPTURE are joined with spaces)\n"
    "  -r FILE    rules file whose macros and lists the condition may use\n"
    "  -p FORMAT  output format: %field tokens; a leading '*' prints <NA> for\n"
    "             absent fields, without it such events are skipped (as sysdig)\n"
    "  -n N       stop after N printed events\n"
    "  -q         print nothing (replay and match only)\n"
    "  -O0..3     optimisation level of the compiled condition (default 2)\n";

/* sysdig's default line (evt.outputtime prints as evt.time). */
static const char default_format[] =
    "*%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info";

struct fopts {
    const char *capture;
    const char *format;
    char *cond;         /* the condition words joined; NULL when none */
    const char **rules; /* -r files, nrules of them */
    int nrules;
    uint64_t limit;
    bool quiet;
    int opt;
};

static int usage_error(bool report, const char *msg)
{
    return report ? cli_usage_error("falcoc: filter", usage, msg) : 2;
}

static bool blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

/* 0 ok, 1 help asked for, 2 usage error; report: print help and errors. */
static int parse_args(int argc, char **argv, struct fopts *o, bool report)
{
    memset(o, 0, sizeof(*o));
    o->format = default_format;
    o->opt = 2;
    o->rules = calloc((size_t)argc, sizeof(*o->rules));
    if (!o->rules)
        return usage_error(report, "out of memory");
    size_t condlen = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            if (report)
                fputs(usage, stdout);
            return 1;
        } else if (!strcmp(a, "-p") || !strcmp(a, "-n") || !strcmp(a, "-r")) {
            if (i + 1 >= argc)
                return usage_error(report, a[1] == 'p'   ? "-p needs a format"
                                           : a[1] == 'r' ? "-r needs a rules file"
                                                         : "-n needs a number");
            const char *v = argv[++i];
            if (a[1] == 'p') {
                o->format = v;
                continue;
            }
            if (a[1] == 'r') {
                o->rules[o->nrules++] = v;
                continue;
            }
            char *end;
            errno = 0;
            unsigned long long n = strtoull(v, &end, 10);
            if (errno || end == v || *end || v[0] == '-')
                return usage_error(report, "-n needs a positive number");
            o->limit = n;
        } else if (!strcmp(a, "-q")) {
            o->quiet = true;
        } else if (a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3]) {
            o->opt = a[2] - '0';
        } else if (a[0] == '-' && a[1]) {
            if (report)
                fprintf(stderr, "falcoc: filter: unknown option '%s'\n", a);
            return usage_error(report, NULL);
        } else if (!o->capture) {
            o->capture = a;
        } else {
            /* Condition words, joined like sysdig joins its arguments. */
            size_t n = strlen(a);
            char *c = realloc(o->cond, condlen + n + 2);
            if (!c)
                return usage_error(report, "out of memory");
            if (condlen)
                c[condlen++] = ' ';
            memcpy(c + condlen, a, n + 1);
            condlen += n;
            o->cond = c;
        }
    }
    if (!o->capture)
        return usage_error(report, "no capture file given");
    if (o->cond && blank(o->cond)) {
        free(o->cond);
        o->cond = NULL;
    }
    return 0;
}

static void fopts_free(struct fopts *o)
{
    free(o->cond);
    free(o->rules);
}

bool filter_has_condition(int argc, char **argv)
{
    struct fopts o;
    /* Only asking: cmd_filter reports any fault itself. */
    int rc = parse_args(argc, argv, &o, false);
    bool has = rc == 0 && o.cond;
    fopts_free(&o);
    return has;
}

/* ---- the condition as a one-rule document ---- */

/* Where each condition line sits in the document and in the condition. */
struct cond_map {
    const char *text; /* the condition, trimmed */
    size_t len;
    uint32_t *doc_off, *cond_off;
    size_t nlines;
};

static const char doc_head[] = "- rule: falcoc filter\n"
                               "  desc: the condition given to falcoc filter\n"
                               "  output: filter\n"
                               "  priority: debug\n"
                               "  condition: |-\n";

/* The rules document for the condition; NULL when out of memory. */
static char *cond_document(struct cond_map *m, size_t *doclen)
{
    size_t nl = 1;
    for (size_t i = 0; i < m->len; i++)
        nl += m->text[i] == '\n';
    size_t cap = sizeof(doc_head) + m->len + 5 * nl + 1;
    char *d = malloc(cap);
    m->doc_off = calloc(nl, sizeof(uint32_t));
    m->cond_off = calloc(nl, sizeof(uint32_t));
    if (!d || !m->doc_off || !m->cond_off) {
        free(d);
        return NULL;
    }
    size_t n = sizeof(doc_head) - 1;
    memcpy(d, doc_head, n);
    size_t at = 0;
    m->nlines = 0;
    while (at <= m->len) {
        const char *eol = memchr(m->text + at, '\n', m->len - at);
        size_t ll = eol ? (size_t)(eol - (m->text + at)) : m->len - at;
        memcpy(d + n, "    ", 4);
        n += 4;
        m->doc_off[m->nlines] = (uint32_t)n;
        m->cond_off[m->nlines++] = (uint32_t)at;
        memcpy(d + n, m->text + at, ll);
        n += ll;
        d[n++] = '\n';
        at += ll + 1;
        if (!eol)
            break;
    }
    d[n] = '\0';
    *doclen = n;
    return d;
}

/* Condition offset of a document offset; false outside the condition. */
static bool map_off(const struct cond_map *m, uint32_t off, uint32_t *out)
{
    if (!m->nlines || off < m->doc_off[0])
        return false;
    size_t l = m->nlines - 1;
    while (l && m->doc_off[l] > off)
        l--;
    uint32_t c = m->cond_off[l] + (off - m->doc_off[l]);
    *out = c > m->len ? (uint32_t)m->len : c;
    return true;
}

/* Prints a fault at byte `off` of a one-line-or-more text named `what`,
 * with the line and a caret under span bytes. */
static void show_fault(const char *what, const char *text, size_t len, uint32_t off, uint32_t span,
                       const char *code, const char *msg)
{
    size_t ls = off, line = 1;
    while (ls > 0 && text[ls - 1] != '\n')
        ls--;
    for (size_t i = 0; i < ls; i++)
        line += text[i] == '\n';
    const char *eol = memchr(text + ls, '\n', len - ls);
    size_t ll = eol ? (size_t)(eol - (text + ls)) : len - ls;
    fprintf(stderr, "%s:%zu:%u: error%s%s%s: %s\n", what, line, (unsigned)(off - ls + 1),
            code ? "[" : "", code ? code : "", code ? "]" : "", msg);
    fprintf(stderr, "%5zu | ", line);
    for (size_t i = 0; i < ll; i++) {
        char ch = text[ls + i];
        fputc(ch == '\t' || ch == '\r' ? ' ' : ch, stderr);
    }
    fprintf(stderr, "\n      | %*s^", (int)(off - ls), "");
    for (uint32_t i = 1; i < span && off - ls + i < ll; i++)
        fputc('~', stderr);
    fputc('\n', stderr);
}

static void report_diags(const struct session *s, const struct cond_map *m)
{
    for (size_t i = 0; i < s->diags.n; i++) {
        const struct diag *g = s->diags.v[i];
        if (diag_severity(g->code) != DIAG_SEV_ERROR)
            continue;
        uint32_t off;
        if (g->pos.src == s->files[s->nfiles - 1] && map_off(m, g->pos.off, &off))
            show_fault("<condition>", m->text, m->len, off, g->span, diag_code_name(g->code),
                       g->msg);
        else if (g->pos.src)
            show_fault(g->pos.src->name, g->pos.src->text, g->pos.src->len, g->pos.off, g->span,
                       diag_code_name(g->code), g->msg);
        else
            fprintf(stderr, "falcoc: filter: error[%s]: %s\n", diag_code_name(g->code), g->msg);
    }
}

/* Compiles the condition (after the rules files, whose macros and lists
 * it may use; their own rules are disabled); false after reporting why. */
static bool build_condition(const struct fopts *o, matcher_build_fn build, struct session *s,
                            struct fc_ruleset *m)
{
    const char *cond = o->cond;
    struct cond_map map = {0};
    map.text = cond + strspn(cond, " \t\r\n");
    map.len = strlen(map.text);
    while (map.len && strchr(" \t\r\n", map.text[map.len - 1]))
        map.len--;
    size_t doclen;
    char *doc = cond_document(&map, &doclen);
    bool ok = false;
    if (!doc) {
        fprintf(stderr, "falcoc: filter: out of memory\n");
    } else {
        for (int i = 0; i < o->nrules; i++)
            session_load_file(s, o->rules[i]);
        size_t before = s->set.nrules;
        session_load_bytes(s, "<condition>", doc, doclen);
        for (size_t i = 0; i < before && i < s->set.nrules; i++)
            s->set.rules[i]->enabled = false;
        session_compile(s);
        if (s->diags.nerrors) {
            report_diags(s, &map);
        } else if (!build) {
            fprintf(stderr, "falcoc: filter: conditions need the code generation module\n");
        } else {
            char err[300];
            ok = build(s, o->opt, m, err, sizeof(err));
            if (!ok) {
                report_diags(s, &map);
                fprintf(stderr, "falcoc: filter: %s\n", err);
            }
        }
    }
    free(doc);
    free(map.doc_off);
    free(map.cond_off);
    return ok;
}

/* ---- replay ---- */

struct replay {
    const struct fopts *o;
    struct fc_format fmt;
    struct fc_ruleset *m; /* NULL: every event */
    struct fc_ctx mctx, fctx;
    struct fc_fmt_buf line;
    uint64_t printed;
};

static int on_event(void *user, const struct scap_event *ev, struct fc_pevent *pe)
{
    struct replay *r = user;
    if (r->m) {
        r->mctx.data = pe;
        r->mctx.evtype = ev->type;
        fc_ctx_next_event(&r->mctx);
        uint32_t out[1]; /* FC_MATCH_FIRST writes one index at most */
        if (!r->m->match(r->m, &r->mctx, ev->type, out, FC_MATCH_FIRST))
            return 0;
    }
    if (!r->o->quiet) {
        r->fctx.data = pe;
        r->fctx.evtype = ev->type;
        fc_ctx_next_event(&r->fctx);
        int k = fc_format_render(&r->fctx, r->fmt.toks, r->fmt.ntoks, r->fmt.flags, &r->line);
        if (k < 0)
            return k;
        if (!k)
            return 0;                    /* an absent field without '*': sysdig skips the event */
        r->line.p[r->line.len++] = '\n'; /* the buffer always has room for its NUL */
        fwrite(r->line.p, 1, r->line.len, stdout);
    }
    return ++r->printed == r->o->limit;
}

int cmd_filter(int argc, char **argv, matcher_build_fn build)
{
    struct fopts o;
    int rc = parse_args(argc, argv, &o, true);
    if (rc) {
        fopts_free(&o);
        return rc == 1 ? 0 : rc;
    }
    struct replay r = {.o = &o};
    struct session s;
    struct fc_ruleset m = {0};
    bool have_session = false;
    struct fc_fmt_error ferr;
    int e = fc_format_compile(&r.fmt, o.format, strlen(o.format), 0, &ferr);
    if (e == -EINVAL) {
        show_fault("<format>", o.format, strlen(o.format), ferr.off, 1, NULL, ferr.msg);
        rc = 1;
        goto out;
    } else if (e < 0) {
        fprintf(stderr, "falcoc: filter: out of memory\n");
        rc = 3;
        goto out;
    }
    if (o.cond) {
        session_init(&s);
        have_session = true;
        if (!build_condition(&o, build, &s, &m)) {
            rc = 1;
            goto out;
        }
        r.m = &m;
        if (!fc_ctx_init(&r.mctx, &fc_state_provider, m.frefs, m.nfrefs)) {
            rc = 3;
            goto out;
        }
        r.mctx.k = m.k;
    }
    if (!fc_ctx_init(&r.fctx, &fc_state_provider, r.fmt.frefs, r.fmt.nfrefs)) {
        rc = 3;
        goto out;
    }
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
    uint64_t nread;
    rc = fc_replay_capture("falcoc: filter", o.capture, on_event, &r, &nread);
    fflush(stdout);
out:
    fc_fmt_buf_free(&r.line);
    fc_ctx_fini(&r.fctx);
    if (r.m)
        fc_ctx_fini(&r.mctx);
    if (m.release)
        m.release(&m);
    if (have_session)
        session_free(&s);
    fc_format_free(&r.fmt);
    fopts_free(&o);
    return rc;
}
