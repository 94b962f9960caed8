/*
 * fc_outputs.h - falcod's alert channels (shared/spec/outputs.md §7-§8):
 * file, stdout, syslog, program and http, each given every rendered alert
 * in that fixed order.
 *
 * A channel that fails (a file that cannot be opened, a program that cannot
 * be spawned) reports "CHANNEL: reason" on stderr and the alert still goes
 * to the other channels; the failing one is retried on the next alert.
 * The caller's thread only queues a copy of each alert (§8.2); one worker
 * thread writes the channels, in queue order.
 */
#ifndef FALCOC_FC_OUTPUTS_H
#define FALCOC_FC_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fc_outputs_opts {
    bool buffered; /* buffered_outputs (and not -U) */
    bool stdout_enabled;
    bool file_enabled, file_keep_alive;
    const char *file_name;
    bool syslog_enabled;
    bool program_enabled, program_keep_alive;
    const char *program;
    /* http_output: one POST per alert (libcurl) */
    bool http_enabled, http_json; /* json: Content-Type application/json */
    const char *http_url, *http_user_agent;
    bool http_insecure, http_mtls, http_echo, http_compress, http_keep_alive;
    const char *http_ca_cert, *http_ca_bundle, *http_ca_path, *http_client_cert, *http_client_key;
    uint32_t http_max_timeouts; /* retries after a timeout */
    uint64_t queue_capacity;    /* outputs_queue.capacity; 0: unbounded */
};

struct fc_outputs;

/* False with a message in err when no channel is enabled or an enabled
 * one lacks what it needs (file_output.filename, program_output.program,
 * http_output.url). */
bool fc_outputs_check(const struct fc_outputs_opts *o, char *err, size_t errsz);

/* NULL with a message in err when fc_outputs_check fails or a channel
 * cannot be set up. */
struct fc_outputs *fc_outputs_open(const struct fc_outputs_opts *o, char *err, size_t errsz);

/* Queues one alert (text without newline) of the given priority (0-7);
 * when the queue is full the alert is dropped and counted. */
void fc_outputs_emit(struct fc_outputs *out, uint32_t priority, const char *text, size_t len);

/* SIGUSR1: close the kept-alive file and program, to reopen on next use
 * (queued behind the alerts before it). */
void fc_outputs_reopen(struct fc_outputs *out);

/* Alerts dropped so far because the queue was full. */
uint64_t fc_outputs_drops(struct fc_outputs *out);

/* Writes what is queued, then flushes and closes everything. */
void fc_outputs_close(struct fc_outputs *out);

#endif
