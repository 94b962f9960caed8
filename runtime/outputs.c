/*
 * outputs.c - alert channels (fc_outputs.h).
 *
 * The file and program channels either stay open (keep_alive) or are
 * opened for each alert, as Falco does; unbuffered mode flushes each
 * channel after every alert. Syslog gets the alert's priority as its
 * level, with libc's default facility (LOG_USER): Falco never calls
 * openlog.
 */
#include "fc_outputs.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

struct fc_outputs {
    struct fc_outputs_opts o;
    char *file_name, *program; /* copies */
    FILE *file, *prog;         /* kept-alive streams, or NULL */
};

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

struct fc_outputs *fc_outputs_open(const struct fc_outputs_opts *o, char *err, size_t errsz)
{
    if (!o->stdout_enabled && !o->file_enabled && !o->syslog_enabled && !o->program_enabled) {
        snprintf(err, errsz,
                 "no output configured: enable at least one of stdout_output, "
                 "file_output, syslog_output, program_output");
        return NULL;
    }
    if (o->file_enabled && (!o->file_name || !*o->file_name)) {
        snprintf(err, errsz, "file_output is enabled but file_output.filename is empty");
        return NULL;
    }
    if (o->program_enabled && (!o->program || !*o->program)) {
        snprintf(err, errsz, "program_output is enabled but program_output.program is empty");
        return NULL;
    }
    struct fc_outputs *out = calloc(1, sizeof(*out));
    if (!out) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    out->o = *o;
    out->file_name = dup_or_null(o->file_name);
    out->program = dup_or_null(o->program);
    if ((o->file_name && !out->file_name) || (o->program && !out->program)) {
        fc_outputs_close(out);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    /* A program that exits early must not kill the daemon with SIGPIPE. */
    if (o->program_enabled)
        signal(SIGPIPE, SIG_IGN);
    if (!o->buffered && o->stdout_enabled)
        setvbuf(stdout, NULL, _IONBF, 0);
    return out;
}

static void put_line(FILE *f, const char *text, size_t len)
{
    fwrite(text, 1, len, f);
    fputc('\n', f);
}

/* A channel written through a stream: the file (fopen/fclose) or the
 * program (popen/pclose; Falco appends to the file and writes to the
 * program's stdin), kept in *kept between alerts when keep_alive,
 * else opened for this alert only. errfmt takes the target and strerror. */
static void to_stream(const struct fc_outputs *out, FILE **kept, bool keep_alive,
                      const char *target, FILE *(*open_fn)(const char *, const char *),
                      const char *mode, int (*close_fn)(FILE *), const char *errfmt,
                      const char *text, size_t len)
{
    FILE *f = *kept;
    if (!f) {
        f = open_fn(target, mode);
        if (!f) {
            fprintf(stderr, errfmt, target, strerror(errno));
            return;
        }
        if (!out->o.buffered)
            setvbuf(f, NULL, _IONBF, 0);
    }
    put_line(f, text, len);
    if (keep_alive)
        *kept = f;
    else
        close_fn(f);
}

void fc_outputs_emit(struct fc_outputs *out, uint32_t priority, const char *text, size_t len)
{
    if (out->o.file_enabled)
        to_stream(out, &out->file, out->o.file_keep_alive, out->file_name, fopen, "a", fclose,
                  "file: cannot open %s: %s\n", text, len);
    if (out->o.stdout_enabled)
        put_line(stdout, text, len);
    if (out->o.syslog_enabled)
        syslog((int)(priority & 7), "%.*s", (int)len, text);
    if (out->o.program_enabled)
        to_stream(out, &out->prog, out->o.program_keep_alive, out->program, popen, "w", pclose,
                  "Failed to open program output: %s (error: %s)\n", text, len);
}

void fc_outputs_reopen(struct fc_outputs *out)
{
    if (out->file) {
        fclose(out->file);
        out->file = NULL;
    }
    if (out->prog) {
        pclose(out->prog);
        out->prog = NULL;
    }
}

void fc_outputs_close(struct fc_outputs *out)
{
    if (!out)
        return;
    fc_outputs_reopen(out);
    fflush(stdout);
    free(out->file_name);
    free(out->program);
    free(out);
}
