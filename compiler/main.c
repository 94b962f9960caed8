/*
 * main.c - the falcoc command line: flags → options, runs the stages,
 * prints, and picks the exit code (0 ok, 1 errors, 2 usage, 3 internal).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ast.h"
#include "cli.h"
#include "cmd_convert.h"
#include "cmd_fields.h"
#include "explain.h"
#include "filter.h"
#include "session.h"
#include "show.h"

static const char usage[] =
    "usage: falcoc COMMAND [ARGS]\n"
    "\n"
    "  validate [--json] RULES.yaml...           check rules files like falco -V\n"
    "  lint [--format text|json|sarif] RULES.yaml...\n"
    "                                            validate plus falcoc's own warnings\n"
    "  parse -e 'CONDITION'                      print the syntax tree (s-expression)\n"
    "  explain [--json] RULES.yaml... [RULE]     resolved condition, event types, fields\n"
    "  compile RULES.yaml... -o RULES.fco [-O0..3] [--target TRIPLE]\n"
    "                                            compile to a rule object for falcod\n"
    "  show RULES.fco                            what a rule object holds\n"
    "  test [-O0..3] RULES.yaml... CASES.yaml... rule unit tests on field vectors\n"
    "  run RULES.yaml... -e CAPTURE [-o text|json] [--all] [-O0..3]\n"
    "                                            replay a capture, print Falco's alerts\n"
    "  filter CAPTURE ['CONDITION'] [-p FORMAT] [-n N] [-q]\n"
    "                                            print a capture's (matching) events\n"
    "  convert IN.scap -o OUT.scap [--legacy] [--gzip]\n"
    "                                            rewrite a capture with falcoc's writer\n"
    "  fields [--json]                           the field catalogue\n"
    "  version                                   falcoc and rules engine versions\n";

static int usage_error(const char *msg)
{
    return cli_usage_error("falcoc", usage, msg);
}

static int cmd_parse(int argc, char **argv)
{
    const char *expr = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-e") && i + 1 < argc)
            expr = argv[++i];
        else
            return usage_error("parse: expected -e 'CONDITION'");
    }
    if (!expr)
        return usage_error("parse: expected -e 'CONDITION'");
    struct arena a;
    arena_init(&a);
    struct cond_error err;
    size_t len = strlen(expr);
    struct ast_node *t = cond_parse(&a, expr, len, &err);
    int rc = 0;
    if (t) {
        struct buf b;
        buf_init(&b, &a);
        ast_dump(&b, t);
        printf("%s\n", buf_cstr(&b));
    } else {
        /* The condition is its own one-line source: column = offset + 1. */
        fprintf(stderr, "<condition>:1:%u: error[LOAD_ERR_COMPILE_CONDITION]: %s\n", err.offset + 1,
                err.msg);
        /* Tabs print as one space so the caret lines up with the text. */
        fputs("    1 | ", stderr);
        for (const char *p = expr; *p; p++)
            fputc(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p, stderr);
        fprintf(stderr, "\n      | %*s^\n", (int)err.offset, "");
        rc = 1;
    }
    arena_free(&a);
    return rc;
}

/* validate and lint share everything but the extra checks and renderers. */
enum out_format { OUT_TEXT, OUT_JSON, OUT_SARIF };

static int run_checks(int argc, char **argv, bool lint)
{
    enum out_format fmt = OUT_TEXT;
    struct session s;
    session_init(&s);
    s.diags.lint = lint;
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            fmt = OUT_JSON;
        } else if (lint && !strcmp(argv[i], "--format") && i + 1 < argc) {
            const char *f = argv[++i];
            if (!strcmp(f, "text"))
                fmt = OUT_TEXT;
            else if (!strcmp(f, "json"))
                fmt = OUT_JSON;
            else if (!strcmp(f, "sarif"))
                fmt = OUT_SARIF;
            else {
                session_free(&s);
                return usage_error("lint: --format must be text, json or sarif");
            }
        } else if (argv[i][0] == '-' && argv[i][1]) {
            session_free(&s);
            return usage_error("unknown option");
        }
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format")) {
            i++;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1])
            continue;
        /* Like Falco, compile after every file; the file gets what it finds. */
        session_load_file(&s, argv[i]);
        session_compile_step(&s, s.files[s.nfiles - 1]);
        nfiles++;
    }
    if (!nfiles) {
        session_free(&s);
        return usage_error("no rules file given");
    }
    diags_sort(&s.diags, (const struct source *const *)s.files, s.nfiles);
    int rc = s.diags.nerrors ? 1 : 0;
    if (fmt == OUT_JSON) {
        diag_render_falco_json(stdout, &s.diags, (const struct source *const *)s.files, s.nfiles);
    } else if (fmt == OUT_SARIF) {
        diag_render_sarif(stdout, &s.diags);
    } else {
        diag_render_text(stdout, &s.diags, isatty(STDOUT_FILENO));
        for (size_t f = 0; f < s.nfiles; f++) {
            size_t e = 0, w = 0;
            for (size_t i = 0; i < s.diags.n; i++) {
                if (s.diags.v[i]->result != s.files[f])
                    continue;
                if (diag_severity(s.diags.v[i]->code) == DIAG_SEV_ERROR)
                    e++;
                else
                    w++;
            }
            printf("%s: %s\n", s.files[f]->name, e ? "Invalid" : (w ? "Ok, with warnings" : "Ok"));
        }
    }
    session_free(&s);
    return rc;
}

/*
 * Commands that need LLVM live in falcoc-llvm.so, next to this executable
 * (or where FALCOC_LLVM_MODULE says): loading LLVM costs more time and
 * memory than validating a whole ruleset, so the front-end commands never
 * pay for it.
 */
static int llvm_command(const char *cmd, int argc, char **argv)
{
    char path[4096];
    const char *env = getenv("FALCOC_LLVM_MODULE");
    if (env) {
        snprintf(path, sizeof(path), "%s", env);
    } else {
        ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);
        if (n <= 0) {
            fprintf(stderr, "falcoc: cannot locate the executable\n");
            return 3;
        }
        path[n] = '\0';
        char *slash = strrchr(path, '/');
        strcpy(slash ? slash + 1 : path, "falcoc-llvm.so");
    }
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "falcoc: cannot load code generation (%s): %s\n", path, dlerror());
        return 3;
    }
    int (*run)(const char *, int, char **) =
        (int (*)(const char *, int, char **))dlsym(h, "falcoc_llvm_command");
    if (!run) {
        fprintf(stderr, "falcoc: %s is not falcoc's code generation module\n", path);
        return 3;
    }
    return run(cmd, argc, argv);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error(NULL);
    const char *cmd = argv[1];
    argc--;
    argv++;
    if (!strcmp(cmd, "validate"))
        return run_checks(argc, argv, false);
    if (!strcmp(cmd, "lint"))
        return run_checks(argc, argv, true);
    if (!strcmp(cmd, "parse"))
        return cmd_parse(argc, argv);
    if (!strcmp(cmd, "explain"))
        return cmd_explain(argc, argv);
    if (!strcmp(cmd, "compile") || !strcmp(cmd, "test") || !strcmp(cmd, "run"))
        return llvm_command(cmd, argc, argv);
    if (!strcmp(cmd, "filter")) /* LLVM only for a condition */
        return filter_has_condition(argc, argv) ? llvm_command(cmd, argc, argv)
                                                : cmd_filter(argc, argv, NULL);
    if (!strcmp(cmd, "show"))
        return cmd_show(argc, argv);
    if (!strcmp(cmd, "convert"))
        return cmd_convert(argc, argv);
    if (!strcmp(cmd, "fields"))
        return cmd_fields(argc, argv);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("falcoc %s\nrules engine %d.%d.%d\n", FALCOC_VERSION, RL_ENGINE_MAJOR,
               RL_ENGINE_MINOR, RL_ENGINE_PATCH);
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(usage, stdout);
        return 0;
    }
    return usage_error("unknown command");
}
