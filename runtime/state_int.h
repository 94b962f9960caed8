/*
 * state_int.h - internals shared by the state engine's files: the table
 * entries behind the public structs of fc_state.h, parameter access by
 * name over every version of an event, and the helpers the per-syscall
 * parsers (state.c, state_fd.c) and the container code (state_cgroup.c)
 * call into one another.
 */
#ifndef FALCOC_STATE_INT_H
#define FALCOC_STATE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "events.h"
#include "fc_state.h"

/* Parameter names the parsers read. Each event version lays its
 * parameters out differently; a table built once from events.def maps
 * (event code, name) to the position, so legacy layouts are read with the
 * same code as current ones. */
#define STATE_PARAMS(X)                                                                            \
    X(RES, "res")                                                                                  \
    X(FD, "fd")                                                                                    \
    X(EXE, "exe")                                                                                  \
    X(ARGS, "args")                                                                                \
    X(TID, "tid")                                                                                  \
    X(PID, "pid")                                                                                  \
    X(PTID, "ptid")                                                                                \
    X(CWD, "cwd")                                                                                  \
    X(FDLIMIT, "fdlimit")                                                                          \
    X(PGFT_MAJ, "pgft_maj")                                                                        \
    X(PGFT_MIN, "pgft_min")                                                                        \
    X(VM_SIZE, "vm_size")                                                                          \
    X(VM_RSS, "vm_rss")                                                                            \
    X(VM_SWAP, "vm_swap")                                                                          \
    X(COMM, "comm")                                                                                \
    X(CGROUPS, "cgroups")                                                                          \
    X(FLAGS, "flags")                                                                              \
    X(UID, "uid")                                                                                  \
    X(GID, "gid")                                                                                  \
    X(VTID, "vtid")                                                                                \
    X(VPID, "vpid")                                                                                \
    X(PIDNS_INIT, "pidns_init_start_ts")                                                           \
    X(ENV, "env")                                                                                  \
    X(TTY, "tty")                                                                                  \
    X(VPGID, "vpgid")                                                                              \
    X(PGID, "pgid")                                                                                \
    X(LOGINUID, "loginuid")                                                                        \
    X(CAP_INH, "cap_inheritable")                                                                  \
    X(CAP_PRM, "cap_permitted")                                                                    \
    X(CAP_EFF, "cap_effective")                                                                    \
    X(EXE_INO, "exe_ino")                                                                          \
    X(EXE_INO_CTIME, "exe_ino_ctime")                                                              \
    X(EXE_INO_MTIME, "exe_ino_mtime")                                                              \
    X(TRUSTED_EXEPATH, "trusted_exepath")                                                          \
    X(FILENAME, "filename")                                                                        \
    X(PATHNAME, "pathname")                                                                        \
    X(NAME, "name")                                                                                \
    X(PATH, "path")                                                                                \
    X(DIRFD, "dirfd")                                                                              \
    X(DEV, "dev")                                                                                  \
    X(INO, "ino")                                                                                  \
    X(MODE, "mode")                                                                                \
    X(CREAT_FLAGS, "creat_flags")                                                                  \
    X(DOMAIN, "domain")                                                                            \
    X(TYPE, "type")                                                                                \
    X(PROTO, "proto")                                                                              \
    X(ADDR, "addr")                                                                                \
    X(TUPLE, "tuple")                                                                              \
    X(OLDFD, "oldfd")                                                                              \
    X(NEWFD, "newfd")                                                                              \
    X(CMD, "cmd")                                                                                  \
    X(ARG, "arg")                                                                                  \
    X(FD1, "fd1")                                                                                  \
    X(FD2, "fd2")                                                                                  \
    X(SOURCE, "source")                                                                            \
    X(PEER, "peer")                                                                                \
    X(EUID, "euid")                                                                                \
    X(EGID, "egid")                                                                                \
    X(OPTION, "option")                                                                            \
    X(ARG2_INT, "arg2_int")                                                                        \
    X(REAPER_TID, "reaper_tid")                                                                    \
    X(CUR, "cur")                                                                                  \
    X(NEWCUR, "newcur")                                                                            \
    X(RESOURCE, "resource")                                                                        \
    X(FIRST, "first")                                                                              \
    X(LAST, "last")                                                                                \
    X(JSON, "json")                                                                                \
    X(ID, "ID")                                                                                    \
    X(CID, "id")                                                                                   \
    X(IMAGE, "image")                                                                              \
    X(HOME, "home")                                                                                \
    X(SHELL, "shell")                                                                              \
    X(CONTAINER_ID, "container_id")                                                                \
    X(NSTYPE, "nstype")                                                                            \
    X(CPU_USR, "cpu_usr")                                                                          \
    X(CPU_SYS, "cpu_sys")

enum sp {
#define X(sym, name) SP_##sym,
    STATE_PARAMS(X)
#undef X
        SP_COUNT
};

/* A parameter value: p == NULL when the event (and its enter half, see
 * sp_get) does not carry it. */
struct pv {
    const uint8_t *p;
    uint32_t len;
};

/* A copy of a thread's last enter event: legacy exits lack parameters the
 * enter carried (the fd of close/read, the path of openat, execve's
 * filename), and libsinsp reads them from the stored enter event. */
struct enter_copy {
    uint16_t type; /* 0xffff: none */
    uint8_t n;
    uint64_t used_at; /* evt.num of the exit that consumed it; 0: not yet */
    uint32_t off[SCAP_MAX_PARAMS], len[SCAP_MAX_PARAMS];
    struct fc_sb buf;
};

/* An fd table: pointers sorted by fd number. */
struct fdtab {
    struct fc_fd **v;
    uint32_t n, cap;
};

struct grp;   /* thread group, state.c */
struct conts; /* container table, state_cgroup.c */

/* What the dispatcher does with an event code (state.c builds it from
 * the event names, so every version of a syscall gets the same kind). */
enum st_kind {
    K_NONE,
    K_CLONE,
    K_EXECVE,
    K_PROCEXIT,
    K_SETUID,
    K_SETGID,
    K_SETSID,
    K_CHDIR,
    K_FCHDIR,
    K_GETCWD,
    K_CAPSET,
    K_UNSHARE,
    K_CHROOT,
    K_PRCTL,
    K_RLIMIT,
    K_PRLIMIT,
    K_CONTAINER,
    K_USERADD,
    K_USERDEL,
    K_GROUPADD,
    K_GROUPDEL,
    K_MEM,    /* brk, mmap, munmap: memory counters */
    K_SWITCH, /* scheduler switch: page faults and memory of the thread switched out */
    /* fd events, parsed by state_fd.c */
    K_OPEN,
    K_CREAT,
    K_OPENAT,
    K_OPEN_BY_HANDLE,
    K_SOCKET,
    K_SOCKETPAIR,
    K_BIND,
    K_CONNECT,
    K_ACCEPT,
    K_CLOSE,
    K_CLOSE_RANGE,
    K_DUP,
    K_FCNTL,
    K_PIPE,
    K_SIMPLE_FD, /* eventfd, signalfd, timerfd, inotify, epoll, bpf, ...: one typed entry */
    K_MEMFD,
    K_PIDFD_OPEN,
    K_PIDFD_GETFD,
    K_SENDRECV,
    K_RW, /* read/write family: marks sockets connected */
};
enum st_kind st_kind(int code);

struct thr {
    struct fc_thread t; /* first: fc_thread pointers convert back */
    struct thr *hnext;  /* hash chain; free-list link */
    struct thr *par, *kids, *sib_next, *sib_prev;
    struct grp *grp;
    struct fdtab fds; /* used on main threads */
    struct enter_copy enter;
    int64_t lastevent_fd;
    bool dead, in_table;
};

static inline struct thr *thr_of(const struct fc_thread *t)
{
    return (struct thr *)t;
}

/* One user or group: both tables are keyed by (container, id) and share
 * their code. */
struct ugrec {
    uint32_t id; /* uid or gid */
    char *cid;
    struct fc_sb name, home, shell; /* home and shell: users only */
    union {
        struct fc_user u;
        struct fc_group g;
    };
    struct ugrec *hnext;
};

#define ST_UG_BUCKETS 256
#define ST_MAX_DEFER 64

struct fc_state {
    struct fc_state_opts opts;
    uint64_t num, first_ts, last_ts, next_purge;
    /* threads by tid */
    struct thr **tb;
    uint32_t tb_mask, nthreads;
    struct thr *thr_free;
    struct grp **gb;
    uint32_t gb_mask, ngroups;
    struct grp *grp_free;
    struct fc_fd **fd_free_v;
    uint32_t fd_free_n, fd_free_cap;
    /* removals deferred to the next event */
    struct thr *pending_exit;
    struct {
        int64_t tid, fd;
    } defer_close[ST_MAX_DEFER];
    uint32_t ndefer;
    /* recently exited (ptid, tid, ts) ring */
    struct {
        int64_t ptid, tid;
        uint64_t ts;
    } * exited;
    uint32_t exited_pos;
    /* users and groups */
    struct ugrec *ub[ST_UG_BUCKETS];
    struct ugrec *gr[ST_UG_BUCKETS];
    /* interfaces */
    struct scap_iface *ifaces;
    size_t nifaces;
    struct scap_machine machine;
    bool has_machine;
    uint32_t section; /* of the capture last loaded */
    struct conts *conts;
    uint64_t *switch_ts; /* per CPU: ts of the last switch event */
    uint32_t nswitch_cpus;
    struct fc_state_stats stats;
    char scratch[8192];  /* path joins */
    char async_name[64]; /* evt.type of the last asyncevent */
};

/* ---- strings ---- */
bool sb_set(struct fc_sb *s, const char *p, size_t n);
static inline bool sb_setz(struct fc_sb *s, const char *p)
{
    return sb_set(s, p, strlen(p));
}
bool sb_copy(struct fc_sb *d, const struct fc_sb *s);
/* Stores a NUL-separated list (as args/env/cgroups travel), counting the items. */
bool sb_set_list(struct fc_sb *s, const char *p, size_t n);

/* ---- parameters ---- */
int sp_index(int code, enum sp which); /* -1 when the layout has none */
/* The parameter in ev, else in the thread's stored enter half of the same
 * syscall. */
struct pv sp_get(const struct thr *t, const struct scap_event *ev, enum sp which);
bool pv_i64(struct pv v, int64_t *out); /* sign-extends by length */
bool pv_u64(struct pv v, uint64_t *out);
/* A string parameter's length: up to its first NUL. */
static inline size_t pv_strlen(struct pv v)
{
    return v.p ? strnlen((const char *)v.p, v.len) : 0;
}
static inline bool get_i64(const struct thr *t, const struct scap_event *ev, enum sp w,
                           int64_t *out)
{
    return pv_i64(sp_get(t, ev, w), out);
}
static inline bool get_u64(const struct thr *t, const struct scap_event *ev, enum sp w,
                           uint64_t *out)
{
    return pv_u64(sp_get(t, ev, w), out);
}

/* ---- fd tuples ---- */
/* Exchanges a socket entry's source and destination ends. */
static inline void fd_swap_ends(struct fc_fd *f)
{
    uint8_t ip[16];
    memcpy(ip, f->sip, 16);
    memcpy(f->sip, f->dip, 16);
    memcpy(f->dip, ip, 16);
    uint16_t p = f->sport;
    f->sport = f->dport;
    f->dport = p;
}

/* ---- tables (state.c) ---- */
struct thr *st_thread(const struct fc_state *st, int64_t tid);
struct thr *st_main(const struct fc_state *st, struct thr *t);
struct fc_fd *st_fd_get(const struct fc_state *st, struct thr *t, int64_t fd);
/* Adds or replaces the fd entry at number fd of t's process; NULL when
 * the table is full (counted). The entry comes back cleared. */
struct fc_fd *st_fd_add(struct fc_state *st, struct thr *t, int64_t fd);
void st_fd_del(struct fc_state *st, struct thr *t, int64_t fd);
void st_fd_copy(struct fc_fd *d, const struct fc_fd *s);
/* Erase fd of t's process when the next event arrives. */
void st_fd_defer_close(struct fc_state *st, struct thr *t, int64_t fd);
uint64_t st_boot_ts(const struct fc_state *st);
bool st_addr_is_local(const struct fc_state *st, int family, const uint8_t *addr);
/* The interface address on remote's subnet, else the first non-loopback
 * IPv4 interface: the local end of a datagram tuple the kernel left 0. */
void st_infer_local_ip4(const struct fc_state *st, const uint8_t *remote, uint8_t *out);

/* ---- fd events (state_fd.c) ---- */
/* Parses the fd-table effects of ev (exit events); sets pe->fd/fdnum for
 * the fds it creates. Returns true when it handled the event. */
bool st_parse_fd_event(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                       struct fc_pevent *pe);
/* Renders a socket entry's name from its tuple. */
void st_fd_render_name(struct fc_fd *f);

/* ---- containers (state_cgroup.c) ---- */
/* Container id from a cgroup list ("subsys=path" items), written to out
 * (>= 65 bytes); "" when no matcher takes any path. */
size_t st_cgroup_container_id(const struct fc_sb *cgroups, char *out, size_t cap);
/* Parses a container event's JSON into the container table (removed: the
 * runtime's deletion notice, which drops the record); the record stored,
 * NULL when the JSON names none or on removal. */
const struct fc_container *st_container_json(struct fc_state *st, const char *json, size_t len,
                                             bool removed);
const struct fc_container *st_container_add_simple(struct fc_state *st, const char *id,
                                                   size_t idlen, uint32_t type, const char *name,
                                                   size_t nlen, const char *image, size_t ilen);
void st_containers_free(struct fc_state *st);
const struct fc_container *st_container_find(const struct fc_state *st, const char *id);
const char *st_container_ip(const struct fc_state *st, const char *id);
/* Is addr (IPv4) the IP of a known container? */
bool st_any_container_ip(const struct fc_state *st, const uint8_t *addr);

#endif
