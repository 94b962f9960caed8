/*
 * x_evt.c - extractors of evt.*, fs.path.* and syscall.* (extract.h),
 * state-model.md §6 and §7. Values about the event itself come from its
 * header and parameters (fc_params.h); those about its fd, thread or cwd
 * from the state the processed event points at. Built strings go to the
 * context's scratch buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "extract.h"
#include "fc_fields.h"
#include "fc_params.h"
#include "paraminfo.h"

#define NS 1000000000ull
#define AT_FDCWD_PPM (-100)
#define PATH_BUF 4200

/* ---- small helpers ---- */

static bool ok_copy(const struct fc_ctx *c, struct fc_xv *out, const char *p, size_t len)
{
    return fc_xv_str(out, fc_x_strdup(c, p, (uint32_t)len), len);
}

/* A rendering (snprintf contract) into scratch, retried once at full size. */
typedef size_t (*render_fn)(const struct fc_pevent *pe, uint32_t arg, char *buf, size_t cap);

static bool ok_render(const struct fc_ctx *c, const struct fc_pevent *pe, struct fc_xv *out,
                      render_fn fn, uint32_t arg)
{
    size_t cap = 256;
    for (int tries = 0; tries < 2; tries++) {
        char *buf = fc_scratch_alloc(c->scratch, cap);
        if (!buf)
            return false;
        size_t n = fn(pe, arg, buf, cap);
        if (n < cap)
            return fc_xv_str(out, buf, n);
        cap = n + 1;
    }
    return false;
}

static size_t render_args(const struct fc_pevent *pe, uint32_t arg, char *buf, size_t cap)
{
    (void)arg;
    return fc_event_args(pe, buf, cap);
}

static size_t render_arg(const struct fc_pevent *pe, uint32_t idx, char *buf, size_t cap)
{
    return fc_param_text(pe, idx, true, buf, cap);
}

static uint32_t category(const struct scap_event *ev)
{
    return ev_category(ev->type);
}

static uint32_t evclass(const struct scap_event *ev)
{
    return category(ev) & EC_CLASS_MASK;
}

static bool is_io_class(uint32_t cls)
{
    return cls == EC_IO_READ || cls == EC_IO_WRITE || cls == EC_IO_OTHER;
}

static bool is_exit(const struct scap_event *ev)
{
    return ev->type & 1;
}

/* The syscall return value: param 0 of a syscall exit when it is the
 * result ("res", "fd", "res_or_fd"); getuid & co. start with the id they
 * return instead, generic exits with the syscall id. */
static bool return_value(const struct scap_event *ev, int64_t *res)
{
    const struct ev_param *p0 = ev_param_at(ev->type, 0);
    if (!(category(ev) & EC_SYSCALL) || !is_exit(ev) || !p0 ||
        (strcmp(p0->name, "res") && strcmp(p0->name, "fd") && strcmp(p0->name, "res_or_fd")))
        return false;
    return fc_param_int(ev, 0, res);
}

/* A parameter's text as passed (charbuf up to its NUL); NULL when absent. */
static const char *param_str(const struct scap_event *ev, const char *name, uint32_t *len)
{
    int idx = fc_param_index(ev, name);
    enum ppm_param_type t;
    const uint8_t *p;
    uint32_t n;
    if (idx < 0 || !fc_param_get(ev, (uint32_t)idx, &t, &p, &n))
        return NULL;
    const uint8_t *z = memchr(p, 0, n);
    *len = z ? (uint32_t)(z - p) : n;
    return (const char *)p;
}

static bool param_num(const struct scap_event *ev, const char *name, int64_t *v)
{
    int idx = fc_param_index(ev, name);
    return idx >= 0 && fc_param_int(ev, (uint32_t)idx, v);
}

static const struct fc_fd *fd_entry(const struct fc_pevent *pe, int64_t fd)
{
    return pe->st && pe->thr && fd >= 0 ? fc_state_fd(pe->st, pe->thr, fd) : NULL;
}

static const struct fc_sb *cwd_of(const struct fc_pevent *pe)
{
    if (!pe->thr)
        return NULL;
    const struct fc_thread *m = pe->st ? fc_state_main(pe->st, pe->thr) : NULL;
    return m ? &m->cwd : &pe->thr->cwd;
}

/* fc_path_join into scratch. */
static bool ok_join(const struct fc_ctx *c, struct fc_xv *out, const char *base, size_t base_len,
                    const char *path, size_t path_len)
{
    char buf[PATH_BUF];
    size_t n = fc_path_join(base, base_len, path, path_len, buf, sizeof(buf));
    if (n >= sizeof(buf))
        n = sizeof(buf) - 1;
    return ok_copy(c, out, buf, n);
}

/* The syscall a generic event stands for: its ID, or, when the writer did
 * not know the syscall (ID 0) and the event carries the native number,
 * that number read as x86_64, as libsinsp does for captures (only right
 * for captures taken on x86_64). NULL for IDs past the table. */
static const char *generic_name(const struct scap_event *ev)
{
    int64_t id, native;
    if (!fc_param_int(ev, 0, &id))
        return NULL;
    if (id == PPM_SC_UNKNOWN && fc_param_int(ev, 1, &native))
        id = ev_sc_from_x86_64((int)(uint16_t)native);
    return id >= 0 && id < PPM_SC_MAX ? ev_sc_name((int)id) : NULL;
}

/* The event name as evt.type shows it: generic events by their syscall,
 * asyncevent by the name it carries. */
static const char *type_name(const struct fc_pevent *pe, uint32_t *len)
{
    const struct scap_event *ev = pe->ev;
    if (ev->type == PPME_GENERIC_E || ev->type == PPME_GENERIC_X) {
        const char *name = generic_name(ev);
        if (name) {
            *len = (uint32_t)strlen(name);
            return name;
        }
    }
    if (pe->evname) {
        *len = (uint32_t)strlen(pe->evname);
        return pe->evname;
    }
    if (ev->type == PPME_ASYNCEVENT_E) {
        const char *name = param_str(ev, "name", len);
        if (name)
            return name;
    }
    const char *name = ev_name(ev->type);
    *len = name ? (uint32_t)strlen(name) : 0;
    return name;
}

/* ---- times ---- */

enum tfmt { T_TIME, T_TIME_S, T_DATETIME, T_DATETIME_S, T_ISO8601 };

static bool ok_time(const struct fc_ctx *c, struct fc_xv *out, uint64_t ts, enum tfmt f)
{
    time_t sec = (time_t)(ts / NS);
    struct tm tm;
    if (!(f == T_ISO8601 ? gmtime_r(&sec, &tm) : localtime_r(&sec, &tm)))
        return false;
    static const char *const fmts[] = {"%H:%M:%S", "%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                                       "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"};
    char buf[80];
    size_t n = strftime(buf, sizeof(buf), fmts[f], &tm);
    if (!n)
        return false;
    if (f == T_TIME || f == T_DATETIME)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, ".%09llu", (unsigned long long)(ts % NS));
    else if (f == T_ISO8601)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, ".%09llu+0000",
                              (unsigned long long)(ts % NS));
    return ok_copy(c, out, buf, n);
}

/* ---- evt.deltatime* ----
 *
 * libsinsp keeps the previous timestamp inside each filter check object:
 * the delta is to the last event that *field occurrence* was read on, 0 the
 * first time (state-model.md §6). Our field references are const and the
 * ABI has nowhere to keep per-reference data, so the memory lives here, in
 * a fixed per-thread table keyed by the reference's address together with
 * the state it was read with: a new state (another capture, a reloaded
 * engine) starts every reference over. The event number makes a second
 * read within one event (a count, then the value) see the same delta.
 * Nothing is allocated. A reference that finds no free slot among the few
 * probed takes over the first one; the reference it evicts restarts at 0.
 */
#define DT_SLOTS 256u
#define DT_PROBES 8u

struct dt_slot {
    const struct fc_fref *f; /* NULL: free */
    const struct fc_state *st;
    uint64_t num;   /* event the delta below belongs to */
    uint64_t ts;    /* that event's timestamp */
    uint64_t delta; /* its delta to the one before */
};

static _Thread_local struct dt_slot dt_table[DT_SLOTS];

static uint64_t deltatime(const struct fc_pevent *pe, const struct fc_fref *f)
{
    uintptr_t h = (uintptr_t)f;
    h = (h >> 4) ^ (h >> 13);
    struct dt_slot *s = NULL, *spare = NULL;
    for (uint32_t k = 0; k < DT_PROBES && !s; k++) {
        struct dt_slot *c = &dt_table[(h + k) % DT_SLOTS];
        if (c->f == f && c->st == pe->st)
            s = c;
        else if (!spare && (!c->f || c->st != pe->st))
            spare = c; /* free, or left by a state no longer in use */
    }
    uint64_t ts = pe->ev->ts;
    if (!s) {
        s = spare ? spare : &dt_table[h % DT_SLOTS];
        *s = (struct dt_slot){.f = f, .st = pe->st, .num = pe->num, .ts = ts, .delta = 0};
    } else if (s->num != pe->num) {
        s->delta = ts - s->ts; /* unsigned, as libsinsp: a step back wraps */
        s->ts = ts;
        s->num = pe->num;
    }
    return s->delta;
}

/* ---- evt.category ---- */

static const char *io_subcategory(const struct fc_pevent *pe)
{
    if (!pe->fd)
        return "unknown";
    switch (pe->fd->type) {
    case FC_FD_FILE:
    case FC_FD_FILE_V2:
    case FC_FD_DIRECTORY:
        return "file";
    case FC_FD_IPV4_SOCK:
    case FC_FD_IPV6_SOCK:
    case FC_FD_IPV4_SERVSOCK:
    case FC_FD_IPV6_SERVSOCK:
        return "net";
    case FC_FD_FIFO:
    case FC_FD_UNIX_SOCK:
    case FC_FD_EVENT:
    case FC_FD_SIGNALFD:
    case FC_FD_INOTIFY:
    case FC_FD_USERFAULTFD:
        return "ipc";
    default:
        return "unknown";
    }
}

static const char *category_name(const struct fc_pevent *pe)
{
    uint32_t cat = category(pe->ev);
    switch (cat & EC_CLASS_MASK) {
    case EC_OTHER:
        return "other";
    case EC_FILE:
        return "file";
    case EC_NET:
        return "net";
    case EC_IPC:
        return "IPC";
    case EC_MEMORY:
        return "memory";
    case EC_PROCESS:
        return "process";
    case EC_SLEEP:
        return "sleep";
    case EC_SYSTEM:
        return "system";
    case EC_SIGNAL:
        return "signal";
    case EC_USER:
        return "user";
    case EC_TIME:
        return "time";
    case EC_PROCESSING:
        return "processing";
    case EC_IO_READ:
    case EC_IO_WRITE:
    case EC_IO_OTHER:
        return io_subcategory(pe);
    case EC_WAIT:
        return "wait";
    case EC_SCHEDULER:
        return "scheduler";
    default:
        break;
    }
    /* No class: name the source. */
    if (cat & EC_INTERNAL)
        return "internal";
    if (cat & EC_TRACEPOINT)
        return "tracepoint";
    if (cat & EC_PLUGIN)
        return "plugin";
    if (cat & EC_METAEVENT)
        return "meta";
    if (cat & EC_SYSCALL)
        return "syscall";
    return "unknown";
}

/* ---- error counters and buffer lengths ---- */

static bool fd_is_file(const struct fc_fd *f)
{
    return f->type == FC_FD_FILE || f->type == FC_FD_FILE_V2 || f->type == FC_FD_DIRECTORY;
}

static bool fd_is_net(const struct fc_fd *f, bool unix_too)
{
    return (f->type >= FC_FD_IPV4_SOCK && f->type <= FC_FD_IPV6_SERVSOCK) ||
           (unix_too && f->type == FC_FD_UNIX_SOCK);
}

static bool is_open_exit(int t)
{
    return t == PPME_SYSCALL_OPEN_X || t == PPME_SYSCALL_CREAT_X || t == PPME_SYSCALL_OPENAT_X ||
           t == PPME_SYSCALL_OPENAT_2_X || t == PPME_SYSCALL_OPENAT2_X ||
           t == PPME_SYSCALL_OPEN_BY_HANDLE_AT_X;
}

static bool is_netcreate_exit(int t)
{
    return t == PPME_SOCKET_ACCEPT_X || t == PPME_SOCKET_ACCEPT_5_X || t == PPME_SOCKET_ACCEPT4_X ||
           t == PPME_SOCKET_ACCEPT4_5_X || t == PPME_SOCKET_ACCEPT4_6_X ||
           t == PPME_SOCKET_CONNECT_X;
}

static bool error_count(const struct fc_pevent *pe, enum fc_field_id id, struct fc_xv *out)
{
    int64_t res;
    if (!return_value(pe->ev, &res))
        return false;
    int t = pe->ev->type;
    bool memory = evclass(pe->ev) == EC_MEMORY;
    const struct fc_fd *f = pe->fd;
    switch (id) {
    case FC_F_EVT_COUNT_ERROR_FILE:
        if (f ? !fd_is_file(f) : !is_open_exit(t))
            return false;
        break;
    case FC_F_EVT_COUNT_ERROR_NET:
        if (f ? !fd_is_net(f, true) : !is_netcreate_exit(t))
            return false;
        break;
    case FC_F_EVT_COUNT_ERROR_MEMORY:
        if (!memory)
            return false;
        break;
    case FC_F_EVT_COUNT_ERROR_OTHER:
        if (f ? (fd_is_file(f) || fd_is_net(f, true))
              : (is_open_exit(t) || is_netcreate_exit(t) || memory))
            return false;
        break;
    default:
        break;
    }
    /* absent on success, so that the counters add up to the errors */
    return res < 0 && fc_xv_num(out, 1);
}

static bool buflen(const struct fc_pevent *pe, enum fc_field_id id, struct fc_xv *out)
{
    uint32_t cls = evclass(pe->ev);
    const struct fc_fd *f = pe->fd;
    int64_t res;
    if (!f || !is_io_class(cls) || !return_value(pe->ev, &res) || res < 0)
        return false;
    bool in = cls == EC_IO_READ, outw = cls == EC_IO_WRITE;
    bool file = f->type == FC_FD_FILE || f->type == FC_FD_FILE_V2, net = fd_is_net(f, false);
    bool want;
    switch (id) {
    case FC_F_EVT_BUFLEN_IN:
        want = in;
        break;
    case FC_F_EVT_BUFLEN_OUT:
        want = outw;
        break;
    case FC_F_EVT_BUFLEN_FILE:
        want = file;
        break;
    case FC_F_EVT_BUFLEN_FILE_IN:
        want = file && in;
        break;
    case FC_F_EVT_BUFLEN_FILE_OUT:
        want = file && outw;
        break;
    case FC_F_EVT_BUFLEN_NET:
        want = net;
        break;
    case FC_F_EVT_BUFLEN_NET_IN:
        want = net && in;
        break;
    case FC_F_EVT_BUFLEN_NET_OUT:
        want = net && outw;
        break;
    default:
        want = true;
    }
    return want && fc_xv_num(out, (uint64_t)res);
}

/* ---- evt.is_open_* ---- */

#define PPM_O_RDONLY (1u << 0)
#define PPM_O_WRONLY (1u << 1)
#define PPM_O_CREAT (1u << 2)
#define PPM_O_TMPFILE (1u << 13)
#define PPM_O_F_CREATED (1u << 14)
#define PPM_S_EXEC_ANY 0111u /* IXUSR | IXGRP | IXOTH */

static bool is_open(const struct fc_pevent *pe, enum fc_field_id id, struct fc_xv *out)
{
    const struct scap_event *ev = pe->ev;
    int t = ev->type;
    int64_t flags = 0, mode, res;
    bool v = false;
    if (t == PPME_SYSCALL_OPEN_X || t == PPME_SYSCALL_OPENAT_2_X || t == PPME_SYSCALL_OPENAT2_X ||
        t == PPME_SYSCALL_OPEN_BY_HANDLE_AT_X) {
        param_num(ev, "flags", &flags);
        switch (id) {
        case FC_F_EVT_IS_OPEN_READ:
            v = flags & PPM_O_RDONLY;
            break;
        case FC_F_EVT_IS_OPEN_WRITE:
            v = flags & PPM_O_WRONLY;
            break;
        case FC_F_EVT_IS_OPEN_CREATE:
            v = (flags & PPM_O_F_CREATED) ||
                ((flags & PPM_O_TMPFILE) && return_value(ev, &res) && res >= 0);
            break;
        default: /* exec: created with an execute bit (open_by_handle_at has no mode) */
            v = (flags & (PPM_O_TMPFILE | PPM_O_CREAT)) && t != PPME_SYSCALL_OPEN_BY_HANDLE_AT_X &&
                param_num(ev, "mode", &mode) && (mode & PPM_S_EXEC_ANY);
        }
    } else if (id == FC_F_EVT_IS_OPEN_EXEC && t == PPME_SYSCALL_CREAT_X) {
        v = param_num(ev, "mode", &mode) && (mode & PPM_S_EXEC_ANY);
    }
    return fc_xv_num(out, v);
}

/* ---- paths: evt.abspath and fs.path.* ---- */

/* Base directory for a relative path against dirfd: cwd for AT_FDCWD,
 * else the dirfd entry's name plus '/', or "<UNKNOWN>/" when missing (or,
 * when must_dir, not a directory). */
static size_t dir_base(const struct fc_pevent *pe, int64_t dirfd, bool must_dir, char *buf,
                       size_t cap)
{
    const char *s = "<UNKNOWN>/";
    size_t n = strlen(s);
    if (dirfd == AT_FDCWD_PPM) {
        const struct fc_sb *cwd = cwd_of(pe);
        s = cwd ? fc_sb_str(cwd) : "";
        n = cwd ? cwd->len : 0;
    } else {
        const struct fc_fd *f = fd_entry(pe, dirfd);
        if (f && f->name.len && (!must_dir || f->type == FC_FD_DIRECTORY)) {
            s = fc_sb_str(&f->name);
            n = f->name.len;
        }
    }
    if (n + 2 > cap)
        n = 0;
    memcpy(buf, s, n);
    if (n && buf[n - 1] != '/' && strcmp(s, "<UNKNOWN>/"))
        buf[n++] = '/';
    buf[n] = '\0';
    return n;
}

static bool abspath(const struct fc_ctx *c, const struct fc_pevent *pe, uint32_t argkind,
                    struct fc_xv *out)
{
    if (!pe->thr)
        return false;
    const struct scap_event *ev = pe->ev;
    bool dst = argkind == FC_ARGV_DST;
    const char *dirarg = NULL, *patharg = NULL;
    switch (ev->type) {
    case PPME_SYSCALL_RENAMEAT_X:
    case PPME_SYSCALL_RENAMEAT2_X:
        dirarg = dst ? "newdirfd" : "olddirfd";
        patharg = dst ? "newpath" : "oldpath";
        break;
    case PPME_SYSCALL_LINKAT_2_X:
        dirarg = dst ? "newdir" : "olddir";
        patharg = dst ? "newpath" : "oldpath";
        break;
    case PPME_SYSCALL_SYMLINKAT_X:
        dirarg = "linkdirfd", patharg = "linkpath";
        break;
    case PPME_SYSCALL_OPENAT_2_X:
    case PPME_SYSCALL_OPENAT2_X:
    case PPME_SYSCALL_UNLINKAT_2_X:
        dirarg = "dirfd", patharg = "name";
        break;
    case PPME_SYSCALL_MKDIRAT_X:
        dirarg = "dirfd", patharg = "path";
        break;
    case PPME_SYSCALL_FCHMODAT_X:
        dirarg = "dirfd", patharg = "filename";
        break;
    case PPME_SYSCALL_FCHOWNAT_X:
        dirarg = "dirfd", patharg = "pathname";
        break;
    case PPME_SYSCALL_OPEN_BY_HANDLE_AT_X: {
        int64_t fd;
        uint32_t n = 0;
        const char *p = param_str(ev, "path", &n);
        if (!return_value(ev, &fd) || fd <= 0 || !p)
            return false;
        return ok_join(c, out, "", 0, p, n);
    }
    default:
        return false;
    }
    int64_t dirfd;
    uint32_t n;
    const char *path = param_str(ev, patharg, &n);
    if (!path || !param_num(ev, dirarg, &dirfd))
        return false;
    char base[PATH_BUF];
    size_t bn = n && path[0] == '/' ? 0 : dir_base(pe, dirfd, false, base, sizeof(base));
    return ok_join(c, out, base, bn, path, n);
}

enum fs_ok { FS_RES0, FS_FD_NOT_M1 };

/* state-model.md §7: which parameter is the name, source and target of
 * each file system syscall, and which dirfd a relative one is read against
 * (NULL: the cwd). */
static const struct fs_row {
    const char *ev;
    enum fs_ok ok;
    const char *name, *src, *dst;
    const char *dirfd;  /* for name (or, with src_dirfd, for src/dst) */
    const char *dirfd2; /* for dst when it has its own */
    bool must_dir;      /* the dirfd entry must be a directory */
    bool name_from_fd;  /* fchmod, fchown: the fd's name */
} fs_rows[] = {
    {"mkdir", FS_RES0, "path", NULL, NULL, NULL, NULL, false, false},
    {"mkdirat", FS_RES0, "path", NULL, NULL, "dirfd", NULL, true, false},
    {"rmdir", FS_RES0, "path", NULL, NULL, NULL, NULL, false, false},
    {"unlink", FS_RES0, "path", NULL, NULL, NULL, NULL, false, false},
    {"unlinkat", FS_RES0, "name", NULL, NULL, "dirfd", NULL, true, false},
    {"open", FS_FD_NOT_M1, "name", NULL, NULL, NULL, NULL, false, false},
    {"openat", FS_FD_NOT_M1, "name", NULL, NULL, "dirfd", NULL, false, false},
    {"openat2", FS_FD_NOT_M1, "name", NULL, NULL, "dirfd", NULL, false, false},
    {"chmod", FS_RES0, "filename", NULL, NULL, NULL, NULL, false, false},
    {"fchmodat", FS_RES0, "filename", NULL, NULL, "dirfd", NULL, true, false},
    {"fchmod", FS_RES0, NULL, NULL, NULL, NULL, NULL, false, true},
    {"fchown", FS_RES0, NULL, NULL, NULL, NULL, NULL, false, true},
    {"chown", FS_RES0, "path", NULL, NULL, NULL, NULL, false, false},
    {"lchown", FS_RES0, "path", NULL, NULL, NULL, NULL, false, false},
    {"fchownat", FS_RES0, "pathname", NULL, NULL, "dirfd", NULL, true, false},
    {"quotactl", FS_RES0, "special", NULL, NULL, NULL, NULL, false, false},
    {"umount", FS_RES0, "name", NULL, NULL, NULL, NULL, false, false},
    {"umount2", FS_RES0, "name", NULL, NULL, NULL, NULL, false, false},
    {"rename", FS_RES0, NULL, "oldpath", "newpath", NULL, NULL, false, false},
    {"renameat", FS_RES0, NULL, "oldpath", "newpath", NULL, NULL, false, false},
    {"renameat2", FS_RES0, NULL, "oldpath", "newpath", "olddirfd", "newdirfd", false, false},
    {"link", FS_RES0, NULL, "newpath", "oldpath", NULL, NULL, false, false},
    {"linkat", FS_RES0, NULL, "newpath", "oldpath", NULL, NULL, false, false},
    {"symlink", FS_RES0, NULL, "linkpath", "target", NULL, NULL, false, false},
    {"symlinkat", FS_RES0, NULL, "linkpath", "target", "linkdirfd", "<UNKNOWN>", false, false},
    {"mount", FS_RES0, NULL, "dev", "dir", NULL, NULL, false, false},
};

static const struct fs_row *fs_row_of(const struct scap_event *ev)
{
    if (!is_exit(ev))
        return NULL;
    const char *name = ev_name(ev->type);
    for (size_t i = 0; name && i < sizeof(fs_rows) / sizeof(fs_rows[0]); i++)
        if (!strcmp(fs_rows[i].ev, name))
            return &fs_rows[i];
    return NULL;
}

static bool fs_path(const struct fc_ctx *c, const struct fc_pevent *pe, enum fc_field_id id,
                    struct fc_xv *out)
{
    const struct scap_event *ev = pe->ev;
    const struct fs_row *r = fs_row_of(ev);
    int64_t res;
    if (!r || !fc_param_int(ev, 0, &res) || (r->ok == FS_RES0 ? res != 0 : res == -1))
        return false;
    bool raw =
        id == FC_F_FS_PATH_NAMERAW || id == FC_F_FS_PATH_SOURCERAW || id == FC_F_FS_PATH_TARGETRAW;
    const char *arg, *dirarg;
    if (id == FC_F_FS_PATH_NAME || id == FC_F_FS_PATH_NAMERAW) {
        if (r->name_from_fd) {
            if (!pe->fd)
                return false;
            return raw ? fc_xv_str(out, fc_sb_str(&pe->fd->name), pe->fd->name.len)
                       : ok_join(c, out, "", 0, fc_sb_str(&pe->fd->name), pe->fd->name.len);
        }
        arg = r->name, dirarg = r->dirfd;
    } else if (id == FC_F_FS_PATH_SOURCE || id == FC_F_FS_PATH_SOURCERAW) {
        arg = r->src, dirarg = r->dirfd;
    } else {
        arg = r->dst, dirarg = r->dirfd2;
    }
    uint32_t n;
    const char *path = arg ? param_str(ev, arg, &n) : NULL;
    if (!path)
        return false;
    if (raw)
        return fc_xv_str(out, path, n);
    char base[PATH_BUF];
    size_t bn = 0;
    int64_t dirfd;
    if (n && path[0] == '/') {
        bn = 0;
    } else if (!pe->thr) {
        return false; /* relative, and no thread to resolve it against */
    } else if (dirarg && !strcmp(dirarg, "<UNKNOWN>")) {
        bn = (size_t)snprintf(base, sizeof(base), "<UNKNOWN>/");
    } else if (dirarg && param_num(ev, dirarg, &dirfd)) {
        bn = dir_base(pe, dirfd, r->must_dir, base, sizeof(base));
    } else {
        bn = dir_base(pe, AT_FDCWD_PPM, false, base, sizeof(base));
    }
    return ok_join(c, out, base, bn, path, n);
}

/* ---- evt.infra.* (legacy docker infrastructure events) ---- */

static void trim(const char **p, size_t *n)
{
    while (*n && (**p == ' ' || **p == '\t'))
        (*p)++, (*n)--;
    while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
        (*n)--;
}

/* The description of an infra event is "Key: value; Key: value; ...". */
static bool infra(const struct fc_ctx *c, const struct fc_pevent *pe, enum fc_field_id id,
                  struct fc_xv *out)
{
    static const struct {
        enum fc_field_id id;
        const char *key;
    } keys[] = {
        {FC_F_EVT_INFRA_DOCKER_NAME, "Event"},
        {FC_F_EVT_INFRA_DOCKER_CONTAINER_ID, "ID"},
        {FC_F_EVT_INFRA_DOCKER_CONTAINER_NAME, "name"},
        {FC_F_EVT_INFRA_DOCKER_CONTAINER_IMAGE, "Image"},
    };
    const char *key = NULL;
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
        if (keys[k].id == id)
            key = keys[k].key;
    uint32_t dlen;
    const char *d = pe->ev->type == PPME_INFRASTRUCTURE_EVENT_E
                        ? param_str(pe->ev, "description", &dlen)
                        : NULL;
    if (!key || !d)
        return false;
    size_t klen = strlen(key);
    for (const char *e = d, *end = d + dlen; e < end;) {
        const char *semi = memchr(e, ';', (size_t)(end - e));
        size_t n = semi ? (size_t)(semi - e) : (size_t)(end - e);
        const char *el = e;
        e += n + 1;
        trim(&el, &n);
        if (n < klen || memcmp(el, key, klen))
            continue;
        const char *colon = memchr(el, ':', n);
        if (!colon)
            return false;
        const char *v = colon + 1;
        size_t vn = n - (size_t)(v - el);
        if (id == FC_F_EVT_INFRA_DOCKER_CONTAINER_IMAGE) {
            /* The name is the text up to the next ':' (the tag), cut at an
             * '@'; a "sha256" name is an image id and keeps the rest. */
            const char *c2 = memchr(v, ':', vn);
            size_t seg = c2 ? (size_t)(c2 - v) : vn;
            const char *at = memchr(v, '@', seg);
            if (at)
                vn = (size_t)(at - v);
            else if (!memmem(v, seg, "sha256", 6))
                vn = seg;
        }
        trim(&v, &vn);
        if (id == FC_F_EVT_INFRA_DOCKER_CONTAINER_ID && vn > 12)
            vn = 12;
        return ok_copy(c, out, v, vn);
    }
    return false;
}

/* ---- evt.arg / evt.rawarg ---- */

static int arg_index(const struct fc_pevent *pe, const struct fc_fref *f)
{
    int idx = -1;
    if (f->argkind == FC_ARGV_INDEX)
        idx = f->index < SCAP_MAX_PARAMS ? (int)f->index : -1;
    else if (f->key)
        idx = fc_param_index(pe->ev, f->key);
    return idx >= 0 && (uint32_t)idx < pe->ev->nparams ? idx : -1;
}

static bool rawarg(const struct fc_pevent *pe, const struct fc_fref *f, struct fc_xv *out)
{
    int idx = arg_index(pe, f);
    enum ppm_param_type t;
    const uint8_t *p;
    uint32_t len;
    int64_t v;
    if (idx < 0 || !fc_param_get(pe->ev, (uint32_t)idx, &t, &p, &len))
        return false;
    switch (fc_type_kind(f->type)) {
    case FC_TK_NUM:
    case FC_TK_BOOL:
        return fc_param_int(pe->ev, (uint32_t)idx, &v) && fc_xv_num(out, (uint64_t)v);
    case FC_TK_STR: {
        const uint8_t *z = memchr(p, 0, len);
        return fc_xv_str(out, (const char *)p, z ? (size_t)(z - p) : len);
    }
    case FC_TK_IPADDR:
    case FC_TK_IPNET:
        if (t == PT_IPV4ADDR && len >= 4) {
            memcpy(out->ip.addr, p, 4);
            out->ip.family = 4;
            return true;
        }
        if (t == PT_IPV6ADDR && len >= 16) {
            memcpy(out->ip.addr, p, 16);
            out->ip.family = 6;
            return true;
        }
        return false;
    default:
        return fc_xv_str(out, (const char *)p, len);
    }
}

/* ---- the extractor ---- */

static const char *hostname(const struct fc_pevent *pe)
{
    static const char *env;
    static bool env_read;
    if (!env_read) { /* read once: a startup setting */
        env = getenv("FALCO_HOSTNAME");
        env_read = true;
    }
    if (env && *env)
        return env;
    const struct scap_machine *m = pe->st ? fc_state_machine(pe->st) : NULL;
    return m && m->hostname[0] ? m->hostname : NULL;
}

bool fc_x_evt(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f,
              uint32_t i, struct fc_xv *out)
{
    const struct scap_event *ev = pe ? pe->ev : NULL;
    if (!ev || i != 0)
        return false;
    enum fc_field_id id = (enum fc_field_id)f->field;
    uint64_t ts = ev->ts;
    uint32_t eflags = ev_flags(ev->type);
    int64_t res;
    uint32_t n;
    const char *s;

    switch (id) {
    case FC_F_EVT_NUM:
        return fc_xv_num(out, pe->num);
    case FC_F_EVT_TIME:
    case FC_F_EVT_OUTPUTTIME:
        return ok_time(c, out, ts, T_TIME);
    case FC_F_EVT_TIME_S:
        return ok_time(c, out, ts, T_TIME_S);
    case FC_F_EVT_TIME_ISO8601:
        return ok_time(c, out, ts, T_ISO8601);
    case FC_F_EVT_DATETIME:
        return ok_time(c, out, ts, T_DATETIME);
    case FC_F_EVT_DATETIME_S:
        return ok_time(c, out, ts, T_DATETIME_S);
    case FC_F_EVT_RAWTIME:
        return fc_xv_num(out, ts);
    case FC_F_EVT_AROUND: /* the distance to T; the check compares it (check.h) */
        if (f->argkind != FC_ARGV_INDEX)
            return false;
        return fc_xv_num(out, ts > f->index ? ts - f->index : f->index - ts);
    case FC_F_EVT_RAWTIME_S:
        return fc_xv_num(out, ts / NS);
    case FC_F_EVT_RAWTIME_NS:
        return fc_xv_num(out, ts % NS);
    case FC_F_EVT_RELTIME:
    case FC_F_EVT_RELTIME_S:
    case FC_F_EVT_RELTIME_NS: {
        uint64_t rel = pe->first_ts && ts > pe->first_ts ? ts - pe->first_ts : 0;
        return fc_xv_num(out, id == FC_F_EVT_RELTIME     ? rel
                              : id == FC_F_EVT_RELTIME_S ? rel / NS
                                                         : rel % NS);
    }
    case FC_F_EVT_DELTATIME:
        return fc_xv_num(out, deltatime(pe, f));
    case FC_F_EVT_DELTATIME_S:
        return fc_xv_num(out, deltatime(pe, f) / NS);
    case FC_F_EVT_DELTATIME_NS:
        return fc_xv_num(out, deltatime(pe, f) % NS);
    case FC_F_EVT_SOURCE:
        /* Plugin events belong to their plugin's source, which is not ours. */
        return ev->type != PPME_PLUGINEVENT_E && fc_xv_cstr(out, "syscall");
    case FC_F_EVT_IS_ASYNC:
        return fc_xv_num(out, (category(ev) & EC_METAEVENT) != 0);
    case FC_F_EVT_ASYNCTYPE:
        if (!(category(ev) & EC_METAEVENT))
            return false;
        s = type_name(pe, &n);
        return fc_xv_str(out, s, n);
    case FC_F_EVT_HOSTNAME:
        return fc_xv_cstr(out, hostname(pe));
    case FC_F_EVT_LATENCY:
    case FC_F_EVT_LATENCY_S:
    case FC_F_EVT_LATENCY_NS:
    case FC_F_EVT_LATENCY_QUANTIZED:
    case FC_F_EVT_WAIT_LATENCY:
        return fc_xv_num(out, 0); /* deprecated upstream: a constant */
    case FC_F_EVT_LATENCY_HUMAN:
        return fc_xv_cstr(out, "0ns");
    case FC_F_EVT_DIR:
        return fc_xv_cstr(out, is_exit(ev) ? "<" : ">");
    case FC_F_EVT_TYPE:
        s = type_name(pe, &n);
        return fc_xv_str(out, s, n);
    case FC_F_EVT_TYPE_IS:
        return fc_xv_num(out,
                         ev->type == f->index || (f->index % 2 == 0 && ev->type == f->index + 1));
    case FC_F_SYSCALL_TYPE:
        if (!(category(ev) & EC_SYSCALL))
            return false;
        s = type_name(pe, &n);
        return fc_xv_str(out, s, n);
    case FC_F_EVT_CATEGORY:
        return fc_xv_cstr(out, category_name(pe));
    case FC_F_EVT_CPU:
        return fc_xv_num(out, ev->cpu);
    case FC_F_EVT_ARGS:
    case FC_F_EVT_INFO:
        return ok_render(c, pe, out, render_args, 0);
    case FC_F_EVT_ARG: {
        int idx = arg_index(pe, f);
        return idx >= 0 && ok_render(c, pe, out, render_arg, (uint32_t)idx);
    }
    case FC_F_EVT_RAWARG:
        return rawarg(pe, f, out);
    case FC_F_EVT_BUFFER: {
        int idx = fc_param_index(ev, "data");
        enum ppm_param_type t;
        const uint8_t *p;
        uint32_t len;
        if (idx < 0 || (uint32_t)idx >= ev->nparams)
            return false;
        /* An empty data parameter the event carries (a read that returned
         * nothing) is an empty buffer, present: libsinsp hands comparisons
         * the parameter's zero bytes rather than no value. */
        if (!fc_param_get(ev, (uint32_t)idx, &t, &p, &len))
            return fc_xv_str(out, "", 0);
        return fc_xv_str(out, (const char *)p, len);
    }
    case FC_F_EVT_BUFLEN:
    case FC_F_EVT_BUFLEN_IN:
    case FC_F_EVT_BUFLEN_OUT:
    case FC_F_EVT_BUFLEN_FILE:
    case FC_F_EVT_BUFLEN_FILE_IN:
    case FC_F_EVT_BUFLEN_FILE_OUT:
    case FC_F_EVT_BUFLEN_NET:
    case FC_F_EVT_BUFLEN_NET_IN:
    case FC_F_EVT_BUFLEN_NET_OUT:
        return buflen(pe, id, out);
    case FC_F_EVT_RES:
        if (!return_value(ev, &res))
            return false;
        if (res >= 0)
            return fc_xv_cstr(out, "SUCCESS");
        return ok_render(c, pe, out, render_arg, 0);
    case FC_F_EVT_RAWRES:
        return return_value(ev, &res) && fc_xv_num(out, (uint64_t)res);
    case FC_F_EVT_FAILED:
        return return_value(ev, &res) && fc_xv_num(out, res < 0);
    case FC_F_EVT_COUNT_ERROR:
    case FC_F_EVT_COUNT_ERROR_FILE:
    case FC_F_EVT_COUNT_ERROR_NET:
    case FC_F_EVT_COUNT_ERROR_MEMORY:
    case FC_F_EVT_COUNT_ERROR_OTHER:
        return error_count(pe, id, out);
    case FC_F_EVT_IS_IO:
        return fc_xv_num(out, (eflags & (EF_READS_FROM_FD | EF_WRITES_TO_FD)) != 0);
    case FC_F_EVT_IS_IO_READ:
        return fc_xv_num(out, (eflags & EF_READS_FROM_FD) != 0);
    case FC_F_EVT_IS_IO_WRITE:
        return fc_xv_num(out, (eflags & EF_WRITES_TO_FD) != 0);
    case FC_F_EVT_IO_DIR:
        if (eflags & EF_WRITES_TO_FD)
            return fc_xv_cstr(out, "write");
        return (eflags & EF_READS_FROM_FD) && fc_xv_cstr(out, "read");
    case FC_F_EVT_IS_WAIT:
        return fc_xv_num(out, (eflags & EF_WAITS) != 0);
    case FC_F_EVT_IS_SYSLOG:
        return fc_xv_num(out, (eflags & EF_WRITES_TO_FD) && pe->fd &&
                                  strstr(fc_sb_str(&pe->fd->name), "/dev/log"));
    case FC_F_EVT_COUNT:
        return fc_xv_num(out, 1);
    case FC_F_EVT_COUNT_EXIT:
        return is_exit(ev) && fc_xv_num(out, 1);
    case FC_F_EVT_COUNT_PROCINFO:
    case FC_F_EVT_COUNT_THREADINFO:
        if (ev->type != PPME_PROCINFO_E)
            return fc_xv_num(out, 0);
        if (id == FC_F_EVT_COUNT_THREADINFO)
            return fc_xv_num(out, 1);
        return fc_xv_num(out, pe->thr && pe->thr->tid == pe->thr->pid);
    case FC_F_EVT_ABSPATH:
        return abspath(c, pe, f->argkind, out);
    case FC_F_EVT_IS_OPEN_READ:
    case FC_F_EVT_IS_OPEN_WRITE:
    case FC_F_EVT_IS_OPEN_EXEC:
    case FC_F_EVT_IS_OPEN_CREATE:
        return is_open(pe, id, out);
    case FC_F_EVT_INFRA_DOCKER_NAME:
    case FC_F_EVT_INFRA_DOCKER_CONTAINER_ID:
    case FC_F_EVT_INFRA_DOCKER_CONTAINER_NAME:
    case FC_F_EVT_INFRA_DOCKER_CONTAINER_IMAGE:
        return infra(c, pe, id, out);
    case FC_F_FS_PATH_NAME:
    case FC_F_FS_PATH_NAMERAW:
    case FC_F_FS_PATH_SOURCE:
    case FC_F_FS_PATH_SOURCERAW:
    case FC_F_FS_PATH_TARGET:
    case FC_F_FS_PATH_TARGETRAW:
        return fs_path(c, pe, id, out);
    default:
        /* evt.pluginname/plugininfo (no plugins here), evt.around (compared
         * by the engine): no value. */
        return false;
    }
}

uint32_t fc_xc_evt(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f)
{
    struct fc_xv v;
    memset(&v, 0, sizeof(v));
    return fc_x_evt(c, pe, f, 0, &v) ? 1 : 0;
}
