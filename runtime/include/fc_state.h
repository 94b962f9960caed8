/*
 * fc_state.h - the state engine: the threads, file descriptors, users,
 * groups and containers Falco keeps (shared/spec/state-model.md), rebuilt
 * from a capture's metadata blocks and from every state-changing event.
 *
 * Use: fc_state_new(); fc_state_load_scap() once per capture section (the
 * initial tables); then fc_state_event() for every event in stream order.
 * It runs the deferred removals of the previous event, parses this one
 * (state-model.md §1.2: parse first, evaluate after) and fills a struct
 * fc_pevent, which is what the field extractors read (ctx->data of
 * fc_state_provider). Values borrowed from the tables stay valid until the
 * next fc_state_event().
 *
 * Memory: thread and fd entries and their string buffers are recycled
 * through free lists, so once the tables have reached their working size
 * the per-event path allocates nothing. Table sizes are capped (opts);
 * events that would grow a full table are counted and dropped from state.
 *
 * Ownership: the state owns every entry and string it hands out.
 */
#ifndef FALCOC_FC_STATE_H
#define FALCOC_FC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fc_abi.h"
#include "fc_scap.h"

/* An owned, growable, NUL-terminated byte string. Lists (args, env,
 * cgroups) hold their items back to back, each followed by a NUL, and
 * count them in n. */
struct fc_sb {
    char *p; /* NULL or NUL-terminated at p[len] */
    uint32_t len, cap;
    uint32_t n; /* items, for lists */
};

static inline const char *fc_sb_str(const struct fc_sb *s)
{
    return s->p ? s->p : "";
}

/* scap fd types (scap-format.md §5.6, state-model.md §3.1). */
enum fc_fd_type {
    FC_FD_UNKNOWN = 0,
    FC_FD_FILE = 1,
    FC_FD_DIRECTORY = 2,
    FC_FD_IPV4_SOCK = 3,
    FC_FD_IPV6_SOCK = 4,
    FC_FD_IPV4_SERVSOCK = 5,
    FC_FD_IPV6_SERVSOCK = 6,
    FC_FD_FIFO = 7,
    FC_FD_UNIX_SOCK = 8,
    FC_FD_EVENT = 9,
    FC_FD_UNSUPPORTED = 10,
    FC_FD_SIGNALFD = 11,
    FC_FD_EVENTPOLL = 12,
    FC_FD_INOTIFY = 13,
    FC_FD_TIMERFD = 14,
    FC_FD_NETLINK = 15,
    FC_FD_FILE_V2 = 16,
    FC_FD_BPF = 17,
    FC_FD_USERFAULTFD = 18,
    FC_FD_IOURING = 19,
    FC_FD_MEMFD = 20,
    FC_FD_PIDFD = 21,
    FC_FD_TYPE_MAX
};

/* fd.type text ("file", "ipv4", ...; NULL where Falco prints <NA>) and
 * fd.typechar ('f', '4', ...) of a type; one table (path.c). */
const char *fc_fd_type_name(int type);
char fc_fd_type_char(int type);

/* An IPv6 address of the ::ffff:a.b.c.d form (16 bytes at a). */
static inline bool fc_ip_v4_mapped(const uint8_t *a)
{
    static const uint8_t pre[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return !memcmp(a, pre, sizeof(pre));
}

/* Layer-4 protocols as scap numbers them. */
enum fc_l4 {
    FC_L4_UNKNOWN = 0,
    FC_L4_NA = 1,
    FC_L4_TCP = 2,
    FC_L4_UDP = 3,
    FC_L4_ICMP = 4,
    FC_L4_RAW = 5
};

/* Engine bits of an fd entry (state-model.md §3.1). */
enum fc_fd_flag {
    FC_FDF_FROM_PROC = 1u << 0,
    FC_FDF_ROLE_CLIENT = 1u << 1,
    FC_FDF_ROLE_SERVER = 1u << 2,
    FC_FDF_CONNECTED = 1u << 3,
    FC_FDF_CONN_PENDING = 1u << 4,
    FC_FDF_CONN_FAILED = 1u << 5,
    FC_FDF_CLONED = 1u << 6,
    FC_FDF_OVERLAY_UPPER = 1u << 7,
    FC_FDF_OVERLAY_LOWER = 1u << 8,
};

struct fc_fd {
    int64_t fd;
    uint8_t type;       /* enum fc_fd_type */
    uint8_t l4proto;    /* enum fc_l4 */
    uint16_t flags;     /* FC_FDF_* */
    uint32_t openflags; /* PPM_O_* bits, CLOEXEC included */
    uint32_t dev, mount_id;
    uint64_t ino;
    int64_t pid; /* pidfd target */
    /* Sockets. Connected: s = client (source), d = server (destination).
     * Listening (*_SERVSOCK): s holds the bound address. IPv4 addresses
     * are network order in the first 4 bytes; ports host order. */
    uint8_t sip[16], dip[16];
    uint16_t sport, dport;
    uint64_t unix_src, unix_dst;
    struct fc_sb name;     /* fd.name */
    struct fc_sb name_raw; /* the path as the program passed it */
};

/* PPM_CL_* engine bits kept in fc_thread.flags (state-model.md §9.2). */
#define FC_CL_CLONE_FILES (1u << 0)
#define FC_CL_CLONE_THREAD (1u << 13)
#define FC_CL_CLONE_INVERTED (1u << 16)
#define FC_CL_NAME_CHANGED (1u << 17)
#define FC_CL_CLOSED (1u << 18)
#define FC_CL_ACTIVE (1u << 19)
#define FC_CL_PIPE_SRC (1u << 21)
#define FC_CL_PIPE_DST (1u << 22)
#define FC_CL_CLONE_VFORK (1u << 27)
#define FC_CL_CHILD_IN_PIDNS (1u << 29)
#define FC_CL_IS_MAIN_THREAD (1u << 30)

/* One thread (state-model.md §2.1). Per-process data (cwd, env, fds,
 * fdlimit) is read through the main thread: fc_state_main(). */
struct fc_thread {
    int64_t tid, pid, ptid, reaper_tid;
    int64_t sid, vpgid, pgid, vtid, vpid;
    struct fc_sb comm, exe, exepath;
    struct fc_sb args; /* list: argv[1..] */
    struct fc_sb env;  /* list: "K=V" */
    struct fc_sb cwd;  /* always ends with '/' when set */
    struct fc_sb root;
    struct fc_sb cgroups; /* list: "subsys=path" */
    uint32_t flags;       /* PPM_CL_* and FC_CL_* bits */
    int64_t fdlimit;
    uint32_t uid, gid, loginuid; /* effective ids; 0xffffffff unset */
    uint32_t tty;
    uint64_t cap_inheritable, cap_permitted, cap_effective;
    bool exe_writable, exe_upper_layer, exe_lower_layer, exe_from_memfd;
    bool invalid; /* placeholder for an unknown tid (state-model.md §1.3): as
                     libsinsp without /proc, its own process (pid = tid) with
                     ptid -1, comm/exe "<NA>", ids 0xffffffff */
    uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
    uint64_t exe_ino_ctime_duration_clone_ts, exe_ino_ctime_duration_pidns_start;
    uint32_t vmsize_kb, vmrss_kb, vmswap_kb;
    uint64_t pfmajor, pfminor;
    uint64_t pidns_init_start_ts, clone_ts, lastexec_ts, lastevent_ts;
    uint64_t totexectime;      /* thread.totexectime: sum of its switch events' exectime */
    uint64_t procinfo_prev[3]; /* last procinfo CPU totals: user+system, user, system */
    struct fc_sb container_id; /* "" = host */
};

struct fc_user {
    uint32_t uid, gid;
    const char *name, *home, *shell;
};

struct fc_group {
    uint32_t gid;
    const char *name;
};

/* Container metadata (state-model.md §5.2), from the capture's container
 * events. Strings are "" when the runtime did not say; labels and
 * pod_labels (the pod sandbox's, CRI only) are lists of "key=value" items
 * like fc_sb lists. */
struct fc_container {
    const char *id, *full_id, *name, *type;
    const char *image, *image_id, *image_repository, *image_tag, *image_digest;
    const char *ip, *cni_json, *host_pid, *host_network, *host_ipc;
    const char *pod_sandbox_id;          /* full id; "" outside a pod */
    const struct fc_sb *labels, *mounts; /* mounts: "source:dest:mode:rw:propagation" items */
    const struct fc_sb *pod_labels;
    bool privileged;
    bool has_metadata; /* false: only the id is known */
    uint64_t start_ts;
};

struct fc_state_opts {
    uint32_t max_threads;         /* 0: 262144 (Falco's default thread table size) */
    uint32_t max_fds_per_process; /* 0: 65536 */
    uint64_t boot_ts;             /* 0: from the capture's machine info */
    /* Events come from a live driver: a container's users and groups are
     * dropped when its init (vtid = vpid = 1) exits, which libsinsp does
     * live only (a capture replay keeps them). */
    bool live;
};

/* Counters for metrics (metrics.md): table sizes, drops, purges. */
struct fc_state_stats {
    uint64_t threads, fds;
    uint64_t threads_added, threads_removed, threads_dropped, threads_purged;
    uint64_t fds_added, fds_removed, fds_dropped;
    uint64_t containers, users, groups;
};

struct fc_state;

/* What one event turned into after parsing: the data of the state
 * provider's fc_ctx (ctx->data). */
struct fc_pevent {
    const struct scap_event *ev;
    struct fc_state *st;
    uint64_t num;          /* evt.num: 1 for the first event */
    struct fc_thread *thr; /* the event's thread; NULL for meta events */
    struct fc_fd *fd;      /* the fd entry attached after parsing; NULL when none */
    int64_t fdnum;         /* fd.num: -1 when the event has none */
    bool fd_name_changed;  /* fd.name_changed */
    const char *evname;    /* evt.type: the generic event's syscall name resolved */
    /* container events: the record the event added or updated (what
     * container.* read on it); NULL on other events */
    const struct fc_container *container;
    uint64_t first_ts; /* ts of the first non-meta event (evt.reltime) */
    /* switch events: ns since the previous switch on the same CPU (0 for
     * the first), thread.exectime */
    uint64_t exectime;
    /* procinfo events with a thread: CPU since the thread's previous
     * procinfo (0 for the first, capped at 100), thread.cpu, .cpu.user,
     * .cpu.system */
    double cpu, cpu_user, cpu_system;
};

struct fc_state *fc_state_new(const struct fc_state_opts *opts); /* NULL: out of memory */
void fc_state_free(struct fc_state *st);

/* Imports the current section's threads, fds, users, groups, interfaces
 * and machine info. 0 or -ENOMEM. */
int fc_state_load_scap(struct fc_state *st, const struct scap_reader *r);

/* Runs deferred removals, parses ev and fills *pe. Never fails: an event
 * the tables cannot hold is counted in the stats and parsed as far as it
 * can be. ev must stay valid until the next call. */
void fc_state_event(struct fc_state *st, const struct scap_event *ev, struct fc_pevent *pe);

/* The replay step: reads the next event of r and applies it with
 * fc_state_event, first reloading the initial state (fc_state_load_scap)
 * when the event starts a new section. Returns what scap_next returns. */
int fc_state_next(struct fc_state *st, struct scap_reader *r, struct scap_event *ev,
                  struct fc_pevent *pe);

/* ---- lookups (no side effects) ---- */
struct fc_thread *fc_state_thread(const struct fc_state *st, int64_t tid); /* NULL if absent */
/* The main thread (tid == pid) of t's process; t itself when it is one;
 * NULL when the main thread is not in the table. */
struct fc_thread *fc_state_main(const struct fc_state *st, const struct fc_thread *t);
/* fd entry of t's process (through the main thread); NULL if absent. */
struct fc_fd *fc_state_fd(const struct fc_state *st, const struct fc_thread *t, int64_t fd);
/* Open fds of t's process; calls fn for each in ascending fd order until
 * it returns false. Returns the number visited. */
uint32_t fc_state_fd_each(const struct fc_state *st, const struct fc_thread *t,
                          bool (*fn)(void *ud, const struct fc_fd *fd), void *ud);
/* Alive threads of t's thread group, leader included (proc.nthreads);
 * 0 when t has no group. */
uint32_t fc_state_group_alive(const struct fc_state *st, const struct fc_thread *t);
/* Parameter `name` of the enter half of pe's exit event, as the state
 * stored it (legacy layouts keep some parameters there only, e.g. the
 * path of an old openat); false when that enter was not seen. Valid until
 * the next fc_state_event(). */
bool fc_state_enter_param(const struct fc_pevent *pe, const char *name, const uint8_t **p,
                          uint32_t *len);
/* Is t's entry marked dead (procexit seen, removal pending or a dead
 * leader kept for its threads)? */
bool fc_state_thread_dead(const struct fc_state *st, const struct fc_thread *t);
const struct fc_user *fc_state_user(const struct fc_state *st, const char *container_id,
                                    uint32_t uid);
const struct fc_group *fc_state_group(const struct fc_state *st, const char *container_id,
                                      uint32_t gid);
const struct fc_container *fc_state_container(const struct fc_state *st, const char *id);
/* Is this address one of the machine's interfaces (or, for a thread in a
 * container, the container's ip)? family 4 or 6; IPv6 compares the first
 * 64 bits, and is never local for a container thread. */
bool fc_state_is_local(const struct fc_state *st, const struct fc_thread *t, int family,
                       const uint8_t *addr);
const struct scap_machine *fc_state_machine(const struct fc_state *st); /* NULL if unknown */
void fc_state_get_stats(const struct fc_state *st, struct fc_state_stats *out);

/* ---- paths (path.c) ---- */

/* normalize(base + path) as state-model.md §3.4 describes, into out (at
 * most cap bytes with the NUL). An absolute path ignores base. Returns the
 * length; "/DIR_TOO_LONG/FILENAME_TOO_LONG" when the joined text exceeds
 * 4096 bytes. base may be NULL (""). */
size_t fc_path_join(const char *base, size_t base_len, const char *path, size_t path_len, char *out,
                    size_t cap);

/* The field provider over processed events: ctx->data is a struct fc_pevent. */
extern const struct fc_provider fc_state_provider;

#endif
