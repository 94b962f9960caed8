/*
 * main.c - falcod, the runtime: compiled rule objects (.fco) evaluated on
 * an event source, alerts sent to the configured channels.
 *
 *   configuration (falco.yaml, config_files, -o) → rule objects (-r or
 *   rules_files) → engine.kind → events through the state engine →
 *   fc_engine (rule_matching, priority) → output channels
 *
 * Event sources: the replay engine (a .scap capture; -e is Falco's old
 * spelling of it). The live eBPF driver is a separate stage; asking for it
 * is a clear error until it exists.
 *
 * Configuration defaults: when no file is found at all (no -c and no
 * /etc/falco/falco.yaml), falcod starts from the values Falco's packages
 * ship (below), so that `falcod -r rules.fco -e capture.scap` prints
 * alerts; keys missing from a file the user gave take Falco's built-in
 * ("absent") defaults.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fc_config.h"
#include "fc_engine.h"
#include "fc_object.h"
#include "fc_outputs.h"
#include "fc_replay.h"

#ifndef FALCOD_VERSION
#define FALCOD_VERSION "0.0.0"
#endif

#define DEFAULT_CONFIG "/etc/falco/falco.yaml"

/* The subset of the shipped falco.yaml that falcod reads (config.md §2). */
static const char shipped_config[] = "rule_matching: first\n"
                                     "priority: debug\n"
                                     "json_output: false\n"
                                     "time_format_iso_8601: false\n"
                                     "buffered_outputs: false\n"
                                     "append_output:\n"
                                     "  - suggested_output: true\n"
                                     "stdout_output:\n"
                                     "  enabled: true\n"
                                     "syslog_output:\n"
                                     "  enabled: true\n"
                                     "file_output:\n"
                                     "  enabled: false\n"
                                     "  keep_alive: false\n"
                                     "  filename: ./events.txt\n"
                                     "program_output:\n"
                                     "  enabled: false\n"
                                     "  keep_alive: false\n"
                                     "  program: \"\"\n"
                                     "http_output:\n"
                                     "  enabled: false\n"
                                     "  url: \"\"\n"
                                     "engine:\n"
                                     "  kind: modern_ebpf\n";

static const char usage[] =
    "usage: falcod [-r RULES.fco]... [-c falco.yaml] [-o key=value]... [-e CAPTURE.scap]\n"
    "              [-M SECONDS] [-U] [--dry-run] [-L] [--version]\n"
    "  -r RULES.fco    a compiled rule object (falcoc compile); repeatable, replaces\n"
    "                  rules_files of the configuration\n"
    "  -c FILE         main configuration file (default " DEFAULT_CONFIG ")\n"
    "  -o key=value    override a configuration key (repeatable)\n"
    "  -e CAPTURE      replay a capture: engine.kind=replay with this capture_file\n"
    "  -M SECONDS      stop after this many seconds of event time\n"
    "  -U              unbuffered outputs\n"
    "  --dry-run       load configuration and rules, then exit without reading events\n"
    "  -L              list the loaded rules (name and description) and exit\n"
    "  --version       print the version and exit\n";

struct opts {
    const char **rules;
    int nrules;
    const char *config;
    const char **overrides;
    int noverrides;
    const char *capture;
    double max_seconds; /* <= 0: no limit, as Falco's -M 0 */
    bool unbuffered, dry_run, list, version;
};

static int fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("Error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

/* 0 ok, -1 help or version printed (exit 0), 1 usage error (reported). */
static int parse_args(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof(*o));
    o->max_seconds = -1;
    o->rules = calloc((size_t)argc, sizeof(*o->rules));
    o->overrides = calloc((size_t)argc, sizeof(*o->overrides));
    if (!o->rules || !o->overrides)
        return fatal("out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return -1;
        } else if (!strcmp(a, "--version")) {
            o->version = true;
        } else if (!strcmp(a, "--dry-run")) {
            o->dry_run = true;
        } else if (!strcmp(a, "-L")) {
            o->list = true;
        } else if (!strcmp(a, "-U") || !strcmp(a, "--unbuffered")) {
            o->unbuffered = true;
        } else if (!strcmp(a, "-r") || !strcmp(a, "-c") || !strcmp(a, "-o") ||
                   !strcmp(a, "--option") || !strcmp(a, "-e") || !strcmp(a, "-M")) {
            if (!v) {
                fprintf(stderr, "%s", usage);
                return fatal("option %s needs a value", a);
            }
            i++;
            if (a[1] == 'r') {
                o->rules[o->nrules++] = v;
            } else if (a[1] == 'c') {
                o->config = v;
            } else if (a[1] == 'e') {
                o->capture = v;
            } else if (a[1] == 'M') {
                char *end;
                errno = 0;
                o->max_seconds = strtod(v, &end);
                if (errno || end == v || *end || !isfinite(o->max_seconds) || o->max_seconds < 0)
                    return fatal("-M takes a number of seconds, not '%s'", v);
            } else {
                o->overrides[o->noverrides++] = v;
            }
        } else {
            fprintf(stderr, "%s", usage);
            return fatal("unknown option '%s'", a);
        }
    }
    return 0;
}

static int load_config(struct fc_config *cfg, const struct opts *o)
{
    char err[512];
    const char *path = o->config;
    if (!path && access(DEFAULT_CONFIG, F_OK) == 0)
        path = DEFAULT_CONFIG;
    int rc = path ? fc_config_load_file(cfg, path, err, sizeof(err))
                  : fc_config_load_text(cfg, "<shipped defaults>", shipped_config,
                                        sizeof(shipped_config) - 1, err, sizeof(err));
    if (rc < 0)
        return fatal("%s", err);
    for (int i = 0; i < o->noverrides; i++)
        if (fc_config_override(cfg, o->overrides[i], err, sizeof(err)) < 0)
            return fatal("%s", err);
    return 0;
}

struct daemon {
    struct fc_engine eng;
    struct fc_outputs *out;
    double max_seconds;
    uint64_t first_ts;
};

static volatile sig_atomic_t g_stop, g_reopen;

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
        g_reopen = 1;
    else
        g_stop = 1;
}

static int emit(void *user, const struct fc_rule_desc *r, const char *text, size_t len)
{
    struct daemon *d = user;
    fc_outputs_emit(d->out, r->priority, text, len);
    return 0;
}

static int on_event(void *user, const struct scap_event *ev, struct fc_pevent *pe)
{
    struct daemon *d = user;
    if (g_stop)
        return 1;
    if (g_reopen) {
        g_reopen = 0;
        fc_outputs_reopen(d->out);
    }
    if (d->max_seconds > 0) {
        if (!d->first_ts)
            d->first_ts = ev->ts;
        else if (ev->ts > d->first_ts && (double)(ev->ts - d->first_ts) / 1e9 >= d->max_seconds)
            return 1;
    }
    return fc_engine_event(&d->eng, ev, pe);
}

/* The paths of the rule objects, in load order. */
struct paths {
    char **p;
    size_t n, cap;
};

static bool paths_add(struct paths *ps, const char *path)
{
    if (ps->n == ps->cap) {
        size_t nc = ps->cap ? ps->cap * 2 : 8;
        char **np = realloc(ps->p, nc * sizeof(*np));
        if (!np)
            return false;
        ps->p = np;
        ps->cap = nc;
    }
    return (ps->p[ps->n] = strdup(path)) && ++ps->n;
}

static void paths_free(struct paths *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        free(ps->p[i]);
    free(ps->p);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One entry of the rules list: a file, or a directory's *.fco regular
 * files sorted by name (not recursive), as Falco reads a rules directory.
 * An entry of the configuration that does not exist is skipped, as Falco
 * skips it; one given with -r is an error. */
static int add_entry(struct paths *ps, const char *path, bool must_exist)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        if (must_exist || errno != ENOENT)
            return fatal("%s: %s", path, strerror(errno));
        return 0;
    }
    if (!S_ISDIR(st.st_mode))
        return paths_add(ps, path) ? 0 : fatal("out of memory");
    DIR *d = opendir(path);
    if (!d)
        return fatal("%s: %s", path, strerror(errno));
    size_t first = ps->n;
    struct dirent *de;
    int rc = 0;
    while (!rc && (de = readdir(d))) {
        size_t len = strlen(de->d_name);
        char full[4096];
        if (len < 5 || strcmp(de->d_name + len - 4, ".fco") ||
            snprintf(full, sizeof(full), "%s/%s", path, de->d_name) >= (int)sizeof(full) ||
            stat(full, &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        if (!paths_add(ps, full))
            rc = fatal("out of memory");
    }
    closedir(d);
    qsort(ps->p + first, ps->n - first, sizeof(*ps->p), by_name);
    return rc;
}

/* The configured list: rules_files (a list, or one string), or the
 * deprecated rules_file; both at once is an error, as in Falco. */
static int configured_rules(struct fc_config *cfg, struct paths *ps)
{
    bool files = fc_config_has(cfg, "rules_files"), file = fc_config_has(cfg, "rules_file");
    if (files && file)
        return fatal("both rules_file and rules_files are set; keep rules_files");
    const char *key = files ? "rules_files" : "rules_file";
    size_t n = fc_config_len(cfg, key);
    if (!n) {
        const char *one = fc_config_str(cfg, key, "");
        /* a lone string is a list of one; an empty value (YAML null) none */
        return *one && strcmp(one, "null") ? add_entry(ps, one, false) : 0;
    }
    for (size_t i = 0; i < n; i++) {
        char item[64];
        snprintf(item, sizeof(item), "%s[%zu]", key, i);
        int rc = add_entry(ps, fc_config_str(cfg, item, ""), false);
        if (rc)
            return rc;
    }
    return 0;
}

/* The rule objects: -r replaces the configured list. */
static int load_objects(struct fc_config *cfg, const struct opts *o, struct fc_loaded **objs,
                        uint32_t *nobjs)
{
    struct paths ps = {0};
    int rc = 0;
    for (int i = 0; !rc && i < o->nrules; i++)
        rc = add_entry(&ps, o->rules[i], true);
    if (!rc && !o->nrules)
        rc = configured_rules(cfg, &ps);
    if (!rc && !ps.n)
        rc = fatal("no rules: give compiled rule objects with -r RULES.fco");
    if (!rc && !(*objs = calloc(ps.n, sizeof(**objs))))
        rc = fatal("out of memory");
    for (size_t i = 0; !rc && i < ps.n; i++) {
        char err[600];
        const char *path = ps.p[i];
        if (fc_object_load(path, &(*objs)[*nobjs], err, sizeof(err)))
            ++*nobjs;
        else
            rc = fatal("%s%s", err,
                       strstr(path, ".yaml") || strstr(path, ".yml")
                           ? " (falcod runs compiled rules: falcoc compile it first)"
                           : "");
    }
    paths_free(&ps);
    return rc;
}

/* The `rules:` selectors, in order: each item has exactly one of enable
 * or disable, holding a rule name pattern and/or a tag. Rules a file
 * disables are not compiled into its object, so an enable selector can
 * only turn back on what an earlier selector turned off. */
static int apply_selectors(struct fc_config *cfg, struct fc_engine *eng)
{
    size_t n = fc_config_len(cfg, "rules");
    for (size_t i = 0; i < n; i++) {
        char k[96];
        snprintf(k, sizeof(k), "rules[%zu].enable", i);
        bool en = fc_config_has(cfg, k);
        snprintf(k, sizeof(k), "rules[%zu].disable", i);
        if (en == fc_config_has(cfg, k))
            return fatal("rules[%zu]: expected exactly one of enable or disable", i);
        const char *verb = en ? "enable" : "disable";
        snprintf(k, sizeof(k), "rules[%zu].%s.rule", i, verb);
        const char *rule = fc_config_str(cfg, k, NULL);
        snprintf(k, sizeof(k), "rules[%zu].%s.tag", i, verb);
        const char *tag = fc_config_str(cfg, k, NULL);
        if (!rule && !tag)
            return fatal("rules[%zu].%s: expected a rule or a tag", i, verb);
        if (!fc_engine_select(eng, rule, tag, en) && en)
            fprintf(stderr,
                    "Warning: rules[%zu]: no loaded rule matches (a rule its file disables is "
                    "not compiled into the object)\n",
                    i);
    }
    return 0;
}

static bool suggested_output(struct fc_config *cfg)
{
    size_t n = fc_config_len(cfg, "append_output");
    for (size_t i = 0; i < n; i++) {
        char key[64];
        snprintf(key, sizeof(key), "append_output[%zu].suggested_output", i);
        if (fc_config_bool(cfg, key, false))
            return true;
    }
    return false;
}

static void list_rules(const struct fc_loaded *objs, uint32_t nobjs)
{
    for (uint32_t i = 0; i < nobjs; i++)
        for (uint32_t r = 0; r < objs[i].obj->nrules; r++)
            printf("%s: %s\n", objs[i].obj->rules[r].name, objs[i].obj->rules[r].desc);
}

/* The output channels of the configuration (outputs.md §7-§8). */
static struct fc_outputs_opts outputs_of(struct fc_config *cfg, bool unbuffered)
{
    return (struct fc_outputs_opts){
        .buffered = fc_config_bool(cfg, "buffered_outputs", false) && !unbuffered,
        .stdout_enabled = fc_config_bool(cfg, "stdout_output.enabled", false),
        .file_enabled = fc_config_bool(cfg, "file_output.enabled", false),
        .file_keep_alive = fc_config_bool(cfg, "file_output.keep_alive", false),
        .file_name = fc_config_str(cfg, "file_output.filename", ""),
        .syslog_enabled = fc_config_bool(cfg, "syslog_output.enabled", false),
        .program_enabled = fc_config_bool(cfg, "program_output.enabled", false),
        .program_keep_alive = fc_config_bool(cfg, "program_output.keep_alive", false),
        .program = fc_config_str(cfg, "program_output.program", ""),
        .http_enabled = fc_config_bool(cfg, "http_output.enabled", false),
        .http_json = fc_config_bool(cfg, "json_output", false),
        .http_url = fc_config_str(cfg, "http_output.url", ""),
        .http_user_agent = fc_config_str(cfg, "http_output.user_agent", "falcosecurity/falco"),
        .http_insecure = fc_config_bool(cfg, "http_output.insecure", false),
        .http_ca_cert = fc_config_str(cfg, "http_output.ca_cert", ""),
        .http_ca_bundle = fc_config_str(cfg, "http_output.ca_bundle", ""),
        .http_ca_path = fc_config_str(cfg, "http_output.ca_path", "/etc/ssl/certs"),
        .http_mtls = fc_config_bool(cfg, "http_output.mtls", false),
        .http_client_cert =
            fc_config_str(cfg, "http_output.client_cert", "/etc/ssl/certs/client.crt"),
        .http_client_key =
            fc_config_str(cfg, "http_output.client_key", "/etc/ssl/certs/client.key"),
        .http_echo = fc_config_bool(cfg, "http_output.echo", false),
        .http_compress = fc_config_bool(cfg, "http_output.compress_uploads", false),
        .http_keep_alive = fc_config_bool(cfg, "http_output.keep_alive", false),
        .queue_capacity = fc_config_uint(cfg, "outputs_queue.capacity", 0),
        .http_max_timeouts =
            (uint32_t)fc_config_uint(cfg, "http_output.max_consecutive_timeouts", 5) & 0xff,
    };
}

/* The alert form of the configuration (outputs.md §3-§6). */
static uint32_t alert_flags_of(struct fc_config *cfg)
{
    uint32_t flags = 0;
    if (fc_config_bool(cfg, "json_output", false))
        flags |= FC_ALERT_JSON;
    if (fc_config_bool(cfg, "time_format_iso_8601", false))
        flags |= FC_ALERT_ISO8601;
    if (suggested_output(cfg))
        flags |= FC_ALERT_SUGGESTED;
    if (fc_config_bool(cfg, "json_include_message_property", false))
        flags |= FC_ALERT_JSON_MESSAGE;
    if (!fc_config_bool(cfg, "json_include_output_property", true))
        flags |= FC_ALERT_JSON_NO_OUTPUT;
    if (!fc_config_bool(cfg, "json_include_output_fields_property", true))
        flags |= FC_ALERT_JSON_NO_FIELDS;
    if (!fc_config_bool(cfg, "json_include_tags_property", true))
        flags |= FC_ALERT_JSON_NO_TAGS;
    return flags;
}

int main(int argc, char **argv)
{
    struct opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc || o.version) {
        if (o.version && !rc)
            printf("falcod version: %s\nRule ABI: %u\n", FALCOD_VERSION, FC_ABI_VERSION);
        free(o.rules);
        free(o.overrides);
        return rc < 0 ? 0 : rc;
    }
    struct fc_config *cfg = fc_config_new();
    struct fc_loaded *objs = NULL;
    struct fc_ruleset *sets = NULL;
    uint32_t nobjs = 0;
    struct daemon d = {.max_seconds = o.max_seconds};
    if (!cfg) {
        rc = fatal("out of memory");
        goto out;
    }
    if ((rc = load_config(cfg, &o)))
        goto out;
    for (size_t i = 0; i < fc_config_nwarnings(cfg); i++)
        fprintf(stderr, "Warning: %s\n", fc_config_warning(cfg, i));
    if ((rc = load_objects(cfg, &o, &objs, &nobjs)))
        goto out;
    if (o.list) {
        list_rules(objs, nobjs);
        goto out;
    }

    size_t nwarn = fc_config_nwarnings(cfg);
    const char *match = fc_config_str(cfg, "rule_matching", "first");
    const char *prio = fc_config_str(cfg, "priority", "debug");
    int min_prio = fc_priority_parse(prio);
    if (strcasecmp(match, "first") && strcasecmp(match, "all")) {
        rc = fatal("rule_matching: expected first or all, got '%s'", match);
        goto out;
    }
    if (min_prio < 0) {
        rc = fatal("priority: unknown priority '%s'", prio);
        goto out;
    }
    /* -e stands for engine.kind=replay with this capture_file, whatever
     * the configuration says */
    const char *kind = o.capture ? "replay" : fc_config_str(cfg, "engine.kind", "kmod");
    const char *capture =
        o.capture ? o.capture : fc_config_str(cfg, "engine.replay.capture_file", "");
    if (strcmp(kind, "replay")) {
        if (!strcmp(kind, "kmod") || !strcmp(kind, "modern_ebpf") || !strcmp(kind, "nodriver"))
            rc = fatal("engine.kind %s: this build of falcod has no live event source yet; "
                       "replay a capture with -e CAPTURE.scap",
                       kind);
        else
            rc = fatal("engine.kind: unknown engine '%s'", kind);
        goto out;
    }
    if (!*capture) {
        rc = fatal("engine.kind is replay but engine.replay.capture_file is empty");
        goto out;
    }

    struct fc_outputs_opts oo = outputs_of(cfg, o.unbuffered);
    uint32_t flags = alert_flags_of(cfg);
    /* typed reads since the load may have added warnings */
    for (size_t i = nwarn; i < fc_config_nwarnings(cfg); i++)
        fprintf(stderr, "Warning: %s\n", fc_config_warning(cfg, i));
    char err[512];
    if (o.dry_run) {
        if (!fc_outputs_check(&oo, err, sizeof(err)))
            rc = fatal("%s", err);
        goto out;
    }
    if (!(d.out = fc_outputs_open(&oo, err, sizeof(err)))) {
        rc = fatal("%s", err);
        goto out;
    }
    sets = calloc(nobjs, sizeof(*sets));
    if (!sets) {
        rc = fatal("out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < nobjs; i++)
        fc_ruleset_of_object(&sets[i], &objs[i]);
    struct fc_engine_opts eo = {
        .alert_flags = flags,
        .mode = strcasecmp(match, "all") ? FC_MATCH_FIRST : FC_MATCH_ALL,
        .min_priority = (uint32_t)min_prio,
        .emit = emit,
        .user = &d,
    };
    int e = fc_engine_init(&d.eng, sets, nobjs, &eo);
    if (e) {
        rc = fatal("%s", strerror(-e));
        goto out;
    }
    if ((rc = apply_selectors(cfg, &d.eng)))
        goto out;
    /* SA_RESTART: a signal must not cut an alert being written */
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);

    uint64_t nread = 0;
    rc = fc_replay_capture("falcod", capture, on_event, &d, &nread);
    fc_outputs_close(d.out); /* the queued alerts first */
    d.out = NULL;
    if (rc == 0 || (rc == 1 && nread)) { /* not for a capture that did not open */
        fprintf(stderr, "Events read: %llu\n", (unsigned long long)nread);
        fc_engine_summary(&d.eng, stdout);
    }
    rc = rc ? 1 : 0;
out:
    fc_engine_fini(&d.eng);
    fc_outputs_close(d.out);
    free(sets);
    for (uint32_t i = 0; i < nobjs; i++)
        fc_object_unload(&objs[i]);
    free(objs);
    fc_config_free(cfg);
    free(o.rules);
    free(o.overrides);
    return rc;
}
