/*
 * outputs.c - alert channels (fc_outputs.h).
 *
 * The file and program channels either stay open (keep_alive) or are
 * opened for each alert, as Falco does; unbuffered mode flushes each
 * channel after every alert. Syslog gets the alert's priority as its
 * level, with libc's default facility (LOG_USER): Falco never calls
 * openlog. Alerts reach the channels through a queue drained by one worker
 * thread, as in Falco, so a slow channel does not hold up the events; a
 * bounded queue that is full drops the newest alert. HTTP posts each alert
 * on one reused libcurl handle; like Falco
 * it logs transport errors only (a 4xx or 5xx reply is not an error) and
 * retries a timed-out post up to max_consecutive_timeouts times.
 */
#include "fc_outputs.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

/* One queued message: an alert, or the reopen request of SIGUSR1. */
struct msg {
    char *text; /* NULL: reopen */
    size_t len;
    uint32_t priority;
};

struct fc_outputs {
    struct fc_outputs_opts o;
    char *file_name, *program; /* copies */
    FILE *file, *prog;         /* kept-alive streams, or NULL */
    CURL *curl;
    struct curl_slist *headers;
    char *url;
    /* the queue between the event thread and the worker */
    pthread_t worker;
    bool worker_on, stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct msg *q; /* ring of cap entries, n of them from head */
    size_t cap, head, n;
    uint64_t drops;
};

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* The reply body: shown with http_output.echo, dropped otherwise. */
static size_t http_reply(char *p, size_t size, size_t n, void *user)
{
    if (user)
        fwrite(p, size, n, stdout);
    return size * n;
}

/* The URL without the quotes a YAML value may keep around it. */
static char *unquoted(const char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
        return strndup(s + 1, n - 2);
    return strdup(s);
}

static int http_open(struct fc_outputs *out, char *err, size_t errsz)
{
    const struct fc_outputs_opts *o = &out->o;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) || !(out->curl = curl_easy_init()) ||
        !(out->url = unquoted(o->http_url))) {
        snprintf(err, errsz, "http_output: cannot initialise libcurl");
        return -1;
    }
    CURL *h = out->curl;
    out->headers = curl_slist_append(NULL, o->http_json ? "Content-Type: application/json"
                                                        : "Content-Type: text/plain");
    curl_easy_setopt(h, CURLOPT_URL, out->url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, out->headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT,
                     o->http_user_agent && *o->http_user_agent ? o->http_user_agent
                                                               : "falcosecurity/falco");
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_reply);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, o->http_echo ? (void *)stdout : NULL);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (o->http_insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    /* the first CA source given wins: cert, bundle, then directory */
    if (o->http_ca_cert && *o->http_ca_cert)
        curl_easy_setopt(h, CURLOPT_CAINFO, o->http_ca_cert);
    else if (o->http_ca_bundle && *o->http_ca_bundle)
        curl_easy_setopt(h, CURLOPT_CAINFO, o->http_ca_bundle);
    else if (o->http_ca_path && *o->http_ca_path)
        curl_easy_setopt(h, CURLOPT_CAPATH, o->http_ca_path);
    if (o->http_mtls) {
        curl_easy_setopt(h, CURLOPT_SSLCERT, o->http_client_cert);
        curl_easy_setopt(h, CURLOPT_SSLKEY, o->http_client_key);
    }
    /* compress_uploads asks for compressed replies only: receivers such as
     * falcosidekick do not decode a compressed request body */
    if (o->http_compress)
        curl_easy_setopt(h, CURLOPT_TRANSFER_ENCODING, 1L);
    if (o->http_keep_alive)
        curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    return 0;
}

static void to_http(struct fc_outputs *out, const char *text, size_t len)
{
    curl_easy_setopt(out->curl, CURLOPT_POSTFIELDS, text);
    curl_easy_setopt(out->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    CURLcode rc;
    uint32_t tries = 0;
    while ((rc = curl_easy_perform(out->curl)) == CURLE_OPERATION_TIMEDOUT &&
           tries++ < out->o.http_max_timeouts)
        ;
    if (rc != CURLE_OK)
        fprintf(stderr, "http: libcurl failed to perform call: %s\n", curl_easy_strerror(rc));
}

static void *worker(void *arg);

bool fc_outputs_check(const struct fc_outputs_opts *o, char *err, size_t errsz)
{
    if (!o->stdout_enabled && !o->file_enabled && !o->syslog_enabled && !o->program_enabled &&
        !o->http_enabled) {
        snprintf(err, errsz,
                 "no output configured: enable at least one of stdout_output, "
                 "file_output, syslog_output, program_output, http_output");
        return false;
    }
    if (o->file_enabled && (!o->file_name || !*o->file_name)) {
        snprintf(err, errsz, "file_output is enabled but file_output.filename is empty");
        return false;
    }
    if (o->program_enabled && (!o->program || !*o->program)) {
        snprintf(err, errsz, "program_output is enabled but program_output.program is empty");
        return false;
    }
    if (o->http_enabled && (!o->http_url || !*o->http_url)) {
        snprintf(err, errsz, "http_output is enabled but http_output.url is empty");
        return false;
    }
    return true;
}

struct fc_outputs *fc_outputs_open(const struct fc_outputs_opts *o, char *err, size_t errsz)
{
    if (!fc_outputs_check(o, err, errsz))
        return NULL;
    struct fc_outputs *out = calloc(1, sizeof(*out));
    if (!out) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    out->o = *o;
    pthread_mutex_init(&out->mu, NULL);
    pthread_cond_init(&out->cv, NULL);
    out->file_name = dup_or_null(o->file_name);
    out->program = dup_or_null(o->program);
    if ((o->file_name && !out->file_name) || (o->program && !out->program)) {
        fc_outputs_close(out);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    if (o->http_enabled && http_open(out, err, errsz) < 0) {
        fc_outputs_close(out);
        return NULL;
    }
    /* A program or a server that goes away must not kill the daemon with
     * SIGPIPE. */
    if (o->program_enabled || o->http_enabled)
        signal(SIGPIPE, SIG_IGN);
    if (pthread_create(&out->worker, NULL, worker, out)) {
        snprintf(err, errsz, "cannot start the output thread");
        fc_outputs_close(out);
        return NULL;
    }
    out->worker_on = true;
    return out;
}

/* Unbuffered mode flushes the whole line at once: one write(2), so lines
 * of several writers appending to one file do not interleave. */
static void put_line(FILE *f, const char *text, size_t len, bool flush)
{
    fwrite(text, 1, len, f);
    fputc('\n', f);
    if (flush)
        fflush(f);
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
    }
    put_line(f, text, len, !out->o.buffered);
    if (keep_alive)
        *kept = f;
    else
        close_fn(f);
}

/* Hands one alert to every channel, in Falco's order (worker thread). */
static void write_all(struct fc_outputs *out, uint32_t priority, const char *text, size_t len)
{
    if (out->o.file_enabled)
        to_stream(out, &out->file, out->o.file_keep_alive, out->file_name, fopen, "a", fclose,
                  "file: cannot open %s: %s\n", text, len);
    if (out->o.stdout_enabled)
        put_line(stdout, text, len, !out->o.buffered);
    if (out->o.syslog_enabled)
        syslog((int)(priority & 7), "%.*s", (int)len, text);
    if (out->o.program_enabled)
        to_stream(out, &out->prog, out->o.program_keep_alive, out->program, popen, "w", pclose,
                  "Failed to open program output: %s (error: %s)\n", text, len);
    if (out->o.http_enabled)
        to_http(out, text, len);
}

static void close_kept(struct fc_outputs *out)
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

static void *worker(void *arg)
{
    struct fc_outputs *out = arg;
    /* signals are the event thread's to handle */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    pthread_mutex_lock(&out->mu);
    for (;;) {
        while (!out->n && !out->stop)
            pthread_cond_wait(&out->cv, &out->mu);
        if (!out->n)
            break;
        struct msg m = out->q[out->head];
        out->head = (out->head + 1) % out->cap;
        out->n--;
        pthread_mutex_unlock(&out->mu);
        if (m.text)
            write_all(out, m.priority, m.text, m.len);
        else
            close_kept(out);
        free(m.text);
        pthread_mutex_lock(&out->mu);
    }
    pthread_mutex_unlock(&out->mu);
    return NULL;
}

/* Queues m; false when the queue is full (or memory is). Called locked. */
static bool push(struct fc_outputs *out, struct msg m, bool bounded)
{
    size_t limit = out->o.queue_capacity;
    if (bounded && limit && out->n >= limit)
        return false;
    if (out->n == out->cap) { /* grow, unwrapping the ring */
        size_t nc = out->cap ? out->cap * 2 : 64;
        struct msg *nq = malloc(nc * sizeof(*nq));
        if (!nq)
            return false;
        for (size_t i = 0; i < out->n; i++)
            nq[i] = out->q[(out->head + i) % out->cap];
        free(out->q);
        out->q = nq;
        out->cap = nc;
        out->head = 0;
    }
    out->q[(out->head + out->n++) % out->cap] = m;
    pthread_cond_signal(&out->cv);
    return true;
}

void fc_outputs_emit(struct fc_outputs *out, uint32_t priority, const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, text, len);
        copy[len] = '\0';
    }
    pthread_mutex_lock(&out->mu);
    bool ok = copy && push(out, (struct msg){copy, len, priority}, true);
    /* Falco drops the newest alert when the queue is full and says so once */
    if (!ok && !out->drops++)
        fprintf(stderr, "Outputs queue out of memory. Drop event and continue on ...\n");
    pthread_mutex_unlock(&out->mu);
    if (!ok)
        free(copy);
}

void fc_outputs_reopen(struct fc_outputs *out)
{
    pthread_mutex_lock(&out->mu);
    push(out, (struct msg){NULL, 0, 0}, false);
    pthread_mutex_unlock(&out->mu);
}

uint64_t fc_outputs_drops(struct fc_outputs *out)
{
    pthread_mutex_lock(&out->mu);
    uint64_t d = out->drops;
    pthread_mutex_unlock(&out->mu);
    return d;
}

void fc_outputs_close(struct fc_outputs *out)
{
    if (!out)
        return;
    if (out->worker_on) { /* drain what is queued, then stop */
        pthread_mutex_lock(&out->mu);
        out->stop = true;
        pthread_cond_signal(&out->cv);
        pthread_mutex_unlock(&out->mu);
        pthread_join(out->worker, NULL);
    }
    for (size_t i = 0; i < out->n; i++)
        free(out->q[(out->head + i) % out->cap].text);
    free(out->q);
    pthread_mutex_destroy(&out->mu);
    pthread_cond_destroy(&out->cv);
    close_kept(out);
    fflush(stdout);
    if (out->curl) {
        curl_easy_cleanup(out->curl);
        curl_global_cleanup();
    }
    curl_slist_free_all(out->headers);
    free(out->url);
    free(out->file_name);
    free(out->program);
    free(out);
}
