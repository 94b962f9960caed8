/*
 * fc_scapw.h - writer of .scap capture files (shared/spec/scap-format.md §7).
 *
 * Output: SHB 1.2, machine info, interface list v2, user list v2, one
 * process list v9 block (current or pre-0.10 tail), FDL v2 blocks, then
 * event blocks (EV_V2, EVF_V2 when flags are set, the _LARGE variants for
 * large-payload types), plain or gzip. What it writes is what fc_scap.h
 * reads back, and what current libscap and sysdig 0.29.3 read.
 *
 * Legacy mode makes the events readable by the 2022 libs of sysdig 0.29.3
 * (the oracle): an exit event in the current exit-only schema gets its
 * enter event synthesized right before it from the exit's parameters,
 * every event of the 2022 table is cut to that table's parameter count,
 * and a live exit newer than that table moves to its 2022 version when one
 * carries the same parameters. Enter/exit pairs already in the stream
 * pass through.
 *
 * Contract (libbpf style): functions return 0 or a negative errno, never
 * print or exit; the first error is sticky and scapw_error() names the
 * output path. The file is written under a temporary name and renamed over
 * PATH only by a successful scapw_close(), so a failed write never leaves a
 * partial capture behind. Ownership: the writer copies what it is given; it
 * keeps nothing of the caller's after a call returns.
 */
#ifndef FALCOC_FC_SCAPW_H
#define FALCOC_FC_SCAPW_H

#include <stddef.h>
#include <stdint.h>

#include "fc_scap.h"

enum scapw_flags {
    SCAPW_GZIP = 1u << 0,        /* compress the whole file (one gzip member) */
    SCAPW_LEGACY = 1u << 1,      /* events sysdig 0.29.3 understands; implies COMPAT_TAIL */
    SCAPW_COMPAT_TAIL = 1u << 2, /* 29-byte process-list tail (scap-format.md §5.5) */
};

struct scapw;

/*
 * Create the writer for PATH. NULL with *err = -errno when the temporary
 * file cannot be created or memory is short; otherwise *err = 0.
 */
struct scapw *scapw_open(const char *path, unsigned flags, int *err);

/* Start a section: the section header. Every section needs at least one
 * event before the next section or the end (libscap refuses it otherwise). */
int scapw_begin_section(struct scapw *w);

/* Metadata blocks of the current section; call before its first event.
 * Fds are grouped into one FDL block per run of entries with the same tid.
 * Strings over the format's limits are cut to them. */
int scapw_write_machine(struct scapw *w, const struct scap_machine *m);
int scapw_write_ifaces(struct scapw *w, const struct scap_iface *ifs, size_t n);
int scapw_write_users(struct scapw *w, const struct scap_user *users, size_t nu,
                      const struct scap_group *groups, size_t ng);
int scapw_write_threads(struct scapw *w, const struct scap_thread *ts, size_t n);
int scapw_write_fds(struct scapw *w, const struct scap_fd *fds, size_t n);

/* A section with the reader's current version-independent metadata: the
 * section header then every list the reader holds. */
int scapw_write_section(struct scapw *w, const struct scap_reader *r);

/*
 * One event. With ev->hdr set the event's bytes are copied as they are
 * (hdr_len bytes, 26-byte header), except in legacy mode where a changed
 * event is rebuilt; with hdr NULL it is built from ts, tid, type,
 * nparams_raw (<= SCAP_MAX_PARAMS), param[] and len[]. cpu and flags go
 * to the block.
 */
int scapw_write_event(struct scapw *w, const struct scap_event *ev);

/* Flush, close and move the file into place. Returns the sticky error, if
 * any; the writer stays valid for scapw_error() and scapw_get_stats(). */
int scapw_close(struct scapw *w);

/* Free the writer; the temporary file is removed unless scapw_close()
 * succeeded, so an abandoned or failed write leaves nothing behind. */
void scapw_free(struct scapw *w);

const char *scapw_error(const struct scapw *w); /* "" when none */

struct scapw_stats {
    uint64_t events;      /* event blocks written, synthesized ones included */
    uint64_t synthesized; /* enter events added in legacy mode */
    uint64_t cut;         /* events rewritten to a 2022 layout (cut or moved) */
    uint64_t bytes;       /* uncompressed bytes written */
};
void scapw_get_stats(const struct scapw *w, struct scapw_stats *st);

/* Copy a whole capture IN to OUT with FLAGS, section by section. 0 or a
 * negative errno; on error MSG (CAP bytes) says which side failed and why. */
int scapw_convert(const char *in, const char *out, unsigned flags, struct scapw_stats *st,
                  char *msg, size_t cap);

#endif
