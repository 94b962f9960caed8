/*
 * cli.h - what the falcoc commands share on their command lines.
 */
#ifndef FALCOC_CLI_H
#define FALCOC_CLI_H

#include <stdio.h>

/* A usage error: "PREFIX: MSG" (when there is a message) and the command's
 * usage text on stderr; returns the usage-error exit status, 2. */
static inline int cli_usage_error(const char *prefix, const char *usage, const char *msg)
{
    if (msg)
        fprintf(stderr, "%s: %s\n", prefix, msg);
    fputs(usage, stderr);
    return 2;
}

#endif
