/*
 * cmd_convert.c - `falcoc convert`: a capture in, the same capture out
 * through fc_scapw.h, optionally in the legacy event schema for the
 * sysdig 0.29.3 oracle and/or gzip-compressed. The work is scapw_convert's;
 * this file parses options and reports.
 */
#include "cmd_convert.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fc_scapw.h"

static const char usage[] = "usage: falcoc convert IN.scap -o OUT.scap [--legacy] [--gzip]\n"
                            "  --legacy  enter/exit pairs and 2022 layouts sysdig 0.29.3 reads\n"
                            "  --gzip    compress the output\n";

static int usage_error(const char *msg)
{
    return cli_usage_error("falcoc convert", usage, msg);
}

int cmd_convert(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    unsigned flags = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (++i >= argc)
                return usage_error("-o needs a file name");
            out = argv[i];
        } else if (!strcmp(a, "--legacy")) {
            flags |= SCAPW_LEGACY;
        } else if (!strcmp(a, "--gzip") || !strcmp(a, "-z")) {
            flags |= SCAPW_GZIP;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "falcoc convert: unknown option '%s'\n", a);
            return usage_error(NULL);
        } else if (!in) {
            in = a;
        } else {
            return usage_error("more than one input capture");
        }
    }
    if (!in)
        return usage_error("no input capture given");
    if (!out)
        return usage_error("no output file given (-o)");
    char msg[512];
    struct scapw_stats st = {0};
    if (scapw_convert(in, out, flags, &st, msg, sizeof(msg)) < 0) {
        fprintf(stderr, "falcoc convert: %s\n", msg);
        return 1;
    }
    if (flags & SCAPW_LEGACY)
        fprintf(stderr,
                "%llu events written, %llu enter events added, %llu cut to the 2022 table\n",
                (unsigned long long)st.events, (unsigned long long)st.synthesized,
                (unsigned long long)st.cut);
    return 0;
}
