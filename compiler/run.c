/*
 * run.c - `falcoc run` (run.h).
 *
 * Per event: capture reader → state engine → the compiled rules on a
 * context over the state provider (only the rules indexed under the
 * event's type run) → for each match, in load order (the first only,
 * unless --all: Falco's rule_matching), one alert line on stdout.
 */
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fc_alert.h"
#include "fc_engine.h"

static const char usage[] =
    "usage: falcoc run RULES.yaml... -e CAPTURE [-o text|json] [--all] [--iso8601]\n"
    "                  [--no-suggested] [-q] [-O0..3]\n"
    "  -e CAPTURE      the capture to replay (like falco -e)\n"
    "  -o text|json    alert form: Falco's text line (default) or JSON object\n"
    "  --all           report every matching rule (rule_matching: all); by default\n"
    "                  only the first one in load order\n"
    "  --iso8601       time_format_iso_8601: ISO 8601 times in the text line\n"
    "  --no-suggested  do not append the container fields Falco's default\n"
    "                  append_output adds (container_id=%container.id ...)\n"
    "  -q              print no alerts, only the counts\n"
    "  -O0..3          optimisation level of the compiled rules (default 2)\n"
    "The hostname of JSON alerts is FALCO_HOSTNAME when set, else the host's.\n";

struct ropts {
    const char **rules;
    int nrules;
    const char *capture;
    uint32_t flags; /* FC_ALERT_* */
    uint32_t mode;  /* FC_MATCH_FIRST or FC_MATCH_ALL */
    bool quiet;
    int opt;
};

static int usage_error(const char *msg)
{
    return cli_usage_error("falcoc: run", usage, msg);
}

/* 0 ok, 1 help printed, 2 usage error (reported). */
static int parse_args(int argc, char **argv, struct ropts *o)
{
    memset(o, 0, sizeof(*o));
    o->flags = FC_ALERT_SUGGESTED;
    o->mode = FC_MATCH_FIRST;
    o->opt = 2;
    o->rules = calloc((size_t)argc, sizeof(*o->rules));
    if (!o->rules)
        return usage_error("out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return 1;
        } else if (!strcmp(a, "-e") || !strcmp(a, "-o")) {
            if (i + 1 >= argc)
                return usage_error(a[1] == 'e' ? "-e needs a capture file"
                                               : "-o needs a form (text or json)");
            const char *v = argv[++i];
            if (a[1] == 'e') {
                if (o->capture)
                    return usage_error("one capture at a time");
                o->capture = v;
            } else if (!strcmp(v, "json")) {
                o->flags |= FC_ALERT_JSON;
            } else if (!strcmp(v, "text")) {
                o->flags &= ~(uint32_t)FC_ALERT_JSON;
            } else {
                return usage_error("-o takes text or json");
            }
        } else if (!strcmp(a, "--all")) {
            o->mode = FC_MATCH_ALL;
        } else if (!strcmp(a, "--iso8601")) {
            o->flags |= FC_ALERT_ISO8601;
        } else if (!strcmp(a, "--no-suggested")) {
            o->flags &= ~(uint32_t)FC_ALERT_SUGGESTED;
        } else if (!strcmp(a, "-q")) {
            o->quiet = true;
        } else if (a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3]) {
            o->opt = a[2] - '0';
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "falcoc: run: unknown option '%s'\n", a);
            return usage_error(NULL);
        } else {
            o->rules[o->nrules++] = a;
        }
    }
    if (!o->nrules)
        return usage_error("no rules file given");
    if (!o->capture)
        return usage_error("no capture given (-e CAPTURE)");
    return 0;
}

/* Loads and checks the rules files like `falcoc validate`; false after
 * printing the diagnostics when there is an error. */
static bool load_rules(struct session *s, const struct ropts *o)
{
    for (int i = 0; i < o->nrules; i++) {
        session_load_file(s, o->rules[i]);
        session_compile_step(s, s->files[s->nfiles - 1]);
    }
    if (!s->diags.nerrors)
        return true;
    diags_sort(&s->diags, (const struct source *const *)s->files, s->nfiles);
    diag_render_text(stderr, &s->diags, isatty(STDERR_FILENO));
    return false;
}

/* Alerts go to stdout, one per line. */
static int emit_stdout(void *user, const struct fc_rule_desc *r, const char *text, size_t len)
{
    (void)user;
    (void)r;
    fwrite(text, 1, len, stdout);
    putchar('\n');
    return 0;
}

static int on_event(void *user, const struct scap_event *ev, struct fc_pevent *pe)
{
    return fc_engine_event(user, ev, pe);
}

int cmd_run(int argc, char **argv, matcher_build_fn build)
{
    struct ropts o;
    int rc = parse_args(argc, argv, &o);
    if (rc) {
        free(o.rules);
        return rc == 1 ? 0 : rc;
    }
    struct session s;
    session_init(&s);
    struct fc_ruleset m = {0};
    struct fc_engine eng = {0};
    char err[300];
    if (!load_rules(&s, &o)) {
        rc = 1;
        goto out;
    }
    if (!build(&s, o.opt, &m, err, sizeof(err))) {
        diag_render_text(stderr, &s.diags, isatty(STDERR_FILENO));
        fprintf(stderr, "falcoc: run: %s\n", err);
        rc = 1;
        goto out;
    }
    struct fc_engine_opts eo = {
        .alert_flags = o.flags,
        .mode = o.mode,
        .min_priority = 7,
        .emit = o.quiet ? NULL : emit_stdout,
    };
    int e = fc_engine_init(&eng, &m, 1, &eo);
    if (e) {
        fprintf(stderr, "falcoc: run: %s\n", strerror(-e));
        rc = 3;
        goto out;
    }
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
    uint64_t nread;
    rc = fc_replay_capture("falcoc: run", o.capture, on_event, &eng, &nread);
    fflush(stdout);
    if (rc == 0 || (rc == 1 && nread)) { /* not for a capture that did not open */
        fprintf(stderr, "Events read: %llu\n", (unsigned long long)nread);
        fc_engine_summary(&eng, stdout);
        fflush(stdout);
    }
out:
    fc_engine_fini(&eng);
    if (m.release)
        m.release(&m);
    session_free(&s);
    free(o.rules);
    return rc;
}
