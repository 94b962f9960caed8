/*
 * fc_scap.h - reader of .scap capture files (shared/spec/scap-format.md).
 *
 * Input: a capture file or a memory buffer, plain or gzip (one or more
 * members), possibly several captures concatenated. Output: the metadata
 * of the current section (machine info, threads, fds, users, groups,
 * interfaces) and, one at a time, the events with their parameters located.
 *
 * Contract (libbpf style): functions return 0/1 or a negative errno and
 * never print or exit; after an error scap_error() holds a message naming
 * the byte offset in the uncompressed stream and the block type, and every
 * later scap_next() returns the same error. Truncated input yields every
 * complete event before the damage, then the error.
 *
 * Ownership: the reader owns everything it returns. An event's pointers
 * are valid until the next scap_next(); metadata arrays and their strings
 * until a scap_next() that starts a new section (scap_event.section grows)
 * or scap_close(). No allocation per event once the event buffer is warm.
 */
#ifndef FALCOC_FC_SCAP_H
#define FALCOC_FC_SCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCAP_MAX_PARAMS 32 /* parameters located per event (PPM_MAX_EVENT_PARAMS) */

/* Block types (scap-format.md §4); the 0x8...ABCD pre-release aliases are read too. */
enum scap_block_type {
    SCAP_BT_SHB = 0x0A0D0D0A,
    SCAP_BT_MI = 0x201,
    SCAP_BT_PL_V1 = 0x202,
    SCAP_BT_FDL_V1 = 0x203,
    SCAP_BT_EV = 0x204,
    SCAP_BT_IL_V1 = 0x205,
    SCAP_BT_UL_V1 = 0x206,
    SCAP_BT_PL_V2 = 0x207,
    SCAP_BT_EVF = 0x208,
    SCAP_BT_PL_V3 = 0x209,
    SCAP_BT_PL_V4 = 0x210,
    SCAP_BT_PL_V5 = 0x211,
    SCAP_BT_PL_V6 = 0x212,
    SCAP_BT_PL_V7 = 0x213,
    SCAP_BT_PL_V8 = 0x214,
    SCAP_BT_PL_V9 = 0x215,
    SCAP_BT_EV_V2 = 0x216,
    SCAP_BT_EVF_V2 = 0x217,
    SCAP_BT_FDL_V2 = 0x218,
    SCAP_BT_IL_V2 = 0x219,
    SCAP_BT_UL_V2 = 0x220,
    SCAP_BT_EV_V2_LARGE = 0x221,
    SCAP_BT_EVF_V2_LARGE = 0x222,
};

#define SCAP_DF_STATE_ONLY 0x1u /* EVF flags bit 0: update state, do not show */

/* A byte string inside the reader's storage; NOT NUL terminated (args, env
 * and cgroups hold NUL separators). */
struct scap_str {
    const char *p;
    uint32_t len;
};

struct scap_event {
    uint64_t ts;          /* ns since the epoch */
    uint64_t tid;         /* thread id, (uint64)-1 for meta events */
    uint16_t cpu;         /* from the block header */
    uint16_t type;        /* event code, < PPM_EVENT_MAX */
    uint32_t flags;       /* EVF blocks: SCAP_DF_* bits; 0 for EV blocks */
    uint32_t nparams;     /* parameters located below: min(header nparams, SCAP_MAX_PARAMS) */
    uint32_t nparams_raw; /* nparams of the header (inferred for v1 blocks) */
    uint32_t block_type;  /* SCAP_BT_EV... the event came in */
    uint32_t section;     /* 0 for the first section, +1 per concatenated capture */
    uint64_t offset;      /* of the block, in the uncompressed stream */
    const uint8_t *hdr;   /* the event as a 26-byte-header PPM event (v1 events are
                             rewritten in place with nparams inserted), hdr_len bytes */
    uint32_t hdr_len;     /* the header's len field */
    const uint8_t *param[SCAP_MAX_PARAMS]; /* parameter values, back to back */
    uint32_t len[SCAP_MAX_PARAMS];         /* 0 = absent */
};

struct scap_machine {
    uint32_t num_cpus;
    uint64_t memory_bytes;
    uint64_t max_pid;
    char hostname[129]; /* NUL terminated */
    uint64_t boot_ts;   /* ns since the epoch; 0 when unknown */
    uint64_t flags;
};

enum scap_pl_tail { SCAP_TAIL_NONE, SCAP_TAIL_PRE010, SCAP_TAIL_CURRENT };

/* One process-list entry (a thread). Fields absent from the block version
 * hold the defaults of scap-format.md §5.5 (-1, 0xffffffff or 0). */
struct scap_thread {
    uint64_t tid, pid, ptid;
    int64_t sid, vpgid, pgid, vtid, vpid;
    struct scap_str comm, exe, exepath, args, cwd, env, cgroups, root;
    uint64_t fdlimit;
    uint32_t flags; /* PPM_CL_* */
    uint32_t uid, gid, loginuid;
    uint32_t vmsize_kb, vmrss_kb, vmswap_kb;
    uint64_t pfmajor, pfminor;
    uint64_t cap_inheritable, cap_permitted, cap_effective;
    uint64_t pidns_init_start_ts;
    uint32_t tty;
    uint8_t exe_writable, exe_upper_layer, exe_lower_layer, exe_from_memfd;
    uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
    uint8_t version;        /* PL block version 1..9 */
    enum scap_pl_tail tail; /* which v9 tail layout was read */
};

/* One fd-list entry. Addresses are raw network-order bytes (IPv4 in the
 * first 4 bytes); ports in host order. */
struct scap_fd {
    uint64_t tid; /* owner of the table */
    int64_t fd;
    uint64_t ino;
    uint8_t type; /* scap fd type, scap-format.md §5.6 */
    uint8_t l4proto;
    uint16_t sport, dport;
    uint32_t open_flags, dev;
    uint8_t sip[16], dip[16];
    uint64_t unix_src, unix_dst;
    struct scap_str name; /* file/unix path; empty for inet sockets */
};

/* Whether an fd-list entry of this type carries just a name after the common
 * header (file-like kinds, pipes, event fds, ...), as the reader and the
 * writer both lay it out. */
bool scap_fd_named(uint8_t type);

struct scap_user {
    uint32_t uid, gid;
    struct scap_str name, home, shell;
};

struct scap_group {
    uint32_t gid;
    struct scap_str name;
};

struct scap_iface {
    uint16_t type; /* 1..4 as in the file: 1/3 IPv4, 2/4 IPv6 */
    uint8_t addr[16], netmask[16], bcast[16];
    uint64_t linkspeed;
    struct scap_str name;
};

struct scap_stats {
    uint64_t events;         /* returned by scap_next */
    uint64_t skipped;        /* events with codes >= PPM_EVENT_MAX, skipped like sysdig */
    uint64_t unknown_blocks; /* metadata blocks of unknown type, skipped like libscap */
    uint32_t sections;
};

struct scap_reader;

/*
 * Open and read the first section's metadata. NULL only when no reader can
 * exist (open(2) failure, out of memory), with *err = -errno. Otherwise the
 * reader is returned and *err is 0, or the negative errno of a damaged or
 * refused header/metadata: scap_error() then explains it, scap_next()
 * returns it, and the reader must still be closed.
 */
struct scap_reader *scap_open(const char *path, int *err);
struct scap_reader *scap_open_mem(const void *buf, size_t len, int *err); /* buf not copied */
void scap_close(struct scap_reader *r);

/* 1 = an event in *ev, 0 = clean end, < 0 = error (see scap_error). */
int scap_next(struct scap_reader *r, struct scap_event *ev);
const char *scap_error(const struct scap_reader *r); /* "" when none */

/* Current section's header version and metadata. */
void scap_version(const struct scap_reader *r, uint16_t *major, uint16_t *minor);
const struct scap_machine *scap_machine(const struct scap_reader *r); /* NULL without MI */
const struct scap_thread *scap_threads(const struct scap_reader *r, size_t *n);
const struct scap_fd *scap_fds(const struct scap_reader *r, size_t *n);
const struct scap_user *scap_users(const struct scap_reader *r, size_t *n);
const struct scap_group *scap_groups(const struct scap_reader *r, size_t *n);
const struct scap_iface *scap_ifaces(const struct scap_reader *r, size_t *n);
void scap_get_stats(const struct scap_reader *r, struct scap_stats *st);

/* "EV_V2", "PL_V9", ... or "unknown". */
const char *scap_block_name(uint32_t type);

#endif
