/*
 * scapw.c - the .scap capture writer (fc_scapw.h; format in
 * shared/spec/scap-format.md, event layout in shared/spec/events.md §2).
 *
 * Input → output: metadata lists and events (as fc_scap.h delivers them)
 * → blocks framed as §2 says (header, body, zero padding to 4, trailer),
 * through one output buffer into a plain file or a gzip stream.
 *
 * Legacy mode (the sysdig 0.29.3 oracle, §7/§9 and events.md §4): the
 * 2022 libs pair every exit with the enter event stored for its thread
 * and take fds and arguments from it, so an exit of the current exit-only
 * schema gets its enter synthesized in front of it. The enter's
 * parameters are the exit's parameters of the same name (the current
 * exits carry the enter arguments appended); a parameter the exit lacks
 * gets its type's default value rather than an empty slot, because the
 * 2022 parsers read fixed-size values without checking their length.
 * Every event of the 2022 table is then cut to that table's parameter
 * count. A live exit newer than the 2022 table is moved to the newest 2022
 * version of the same syscall when every parameter that version and its
 * enter need appears in it by name (accept4); others stay as they are and
 * sysdig skips them. An exit is taken as exit-only schema when it holds
 * more parameters than the 2022 table gives it, or is such a moved one,
 * or when an earlier exit of the section held more and its thread's
 * previous event is not its enter; pairs already present pass through.
 *
 * Invariants: every block's total length is 8 + body + padding + 4 and a
 * multiple of 4; strings are cut to the format's limits (libscap refuses
 * a file with longer ones); the per-thread table used by legacy mode grows
 * with the number of threads only, nothing else is allocated per event
 * once the buffers are warm. Ownership: the writer owns its buffers; the
 * temporary file becomes PATH only in scapw_close().
 */
#include "fc_scapw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "events.h"

#define SHB_MAGIC 0x1A2B3C4Du
#define OUT_CAP (256u * 1024u)
#define MAX_EVENT_BLOCK 65536u /* body bytes of a non-large event block */
#define PATH_MAX_LEN 1024u     /* SCAP_MAX_PATH_SIZE */
#define ARGS_MAX_LEN 4096u     /* SCAP_MAX_ARGS_SIZE */
#define USER_MAX_LEN 255u      /* user/group strings must stay under 256 */
#define LEGACY_EVENT_MAX 336u  /* codes known to the 2022 table */

/*
 * Parameter counts of the 2022 table (libs e5c53d64, what sysdig 0.29.3
 * runs; shared/spec/events-sysdig-0.29.tsv) for the codes whose layout
 * grew since; every other code below LEGACY_EVENT_MAX has its current
 * count. Only trailing parameters were
 * ever added (events.md §1), so a 2022 event is a prefix of today's.
 */
static const struct {
    uint16_t code;
    uint8_t n;
} legacy_counts[] = {
    {1, 1},    {3, 5},   {5, 1},    {7, 2},   {9, 2},   {19, 1},   {21, 2},   {23, 2},   {25, 1},
    {29, 2},   {31, 2},  {33, 2},   {35, 3},  {37, 1},  {43, 5},   {49, 2},   {51, 0},   {53, 4},
    {55, 0},   {59, 4},  {63, 1},   {65, 1},  {71, 1},  {79, 1},   {81, 2},   {87, 1},   {89, 1},
    {97, 1},   {113, 2}, {115, 2},  {117, 3}, {119, 2}, {121, 3},  {123, 2},  {127, 1},  {129, 1},
    {131, 1},  {133, 1}, {135, 1},  {137, 1}, {139, 1}, {141, 3},  {143, 3},  {145, 5},  {151, 1},
    {159, 4},  {161, 4}, {163, 4},  {165, 4}, {167, 1}, {169, 3},  {171, 1},  {186, 4},  {189, 2},
    {191, 14}, {193, 1}, {195, 1},  {199, 1}, {201, 1}, {223, 20}, {225, 20}, {227, 20}, {237, 1},
    {239, 1},  {241, 1}, {243, 1},  {251, 8}, {253, 1}, {255, 2},  {257, 4},  {263, 1},  {265, 2},
    {277, 2},  {285, 1}, {293, 20}, {295, 1}, {298, 1}, {299, 1},  {307, 6},  {327, 6},  {329, 1},
    {331, 20}, {333, 3}, {335, 20},
};

/* Parameters sysdig 0.29.3 knows for CODE (< LEGACY_EVENT_MAX). */
static uint32_t legacy_nparams(uint16_t code)
{
    size_t lo = 0, hi = sizeof(legacy_counts) / sizeof(legacy_counts[0]);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (legacy_counts[mid].code == code)
            return legacy_counts[mid].n;
        if (legacy_counts[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return ev_nparams(code);
}

/* Last event code written per thread, for legacy pairing: open addressing. */
struct tid_slot {
    uint64_t tid; /* 0 = empty (tid 0 is the idle task and never pairs) */
    uint16_t code;
};

struct scapw {
    char *path, *tmp;
    unsigned flags;
    int fd;
    gzFile gz;
    uint8_t *out; /* OUT_CAP */
    size_t out_n;
    uint8_t *blk; /* the block being built */
    size_t blk_n, blk_cap;
    uint8_t *ev; /* an event being rebuilt */
    size_t ev_cap;
    uint8_t *ev2; /* a synthesized enter */
    size_t ev2_cap;
    bool in_section;
    uint64_t section_events;
    bool xonly; /* this section carries exit-only schema events */
    struct tid_slot *tids;
    size_t tids_n, tids_cap;
    int16_t down[PPM_EVENT_MAX]; /* legacy_downgrade per code, INT16_MIN = not yet known */
    bool committed;              /* the file is in place: nothing to remove */
    int err;
    char msg[400];
    struct scapw_stats stats;
};

/* ---------------------------------------------------------------- errors */

__attribute__((format(printf, 3, 4))) static int fail(struct scapw *w, int code, const char *fmt,
                                                      ...)
{
    if (w->err)
        return w->err;
    int n = snprintf(w->msg, sizeof(w->msg), "%s: ", w->path);
    if (n < 0 || (size_t)n >= sizeof(w->msg))
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->msg + n, sizeof(w->msg) - (size_t)n, fmt, ap);
    va_end(ap);
    w->err = code;
    return code;
}

const char *scapw_error(const struct scapw *w)
{
    return w && w->err ? w->msg : "";
}

void scapw_get_stats(const struct scapw *w, struct scapw_stats *st)
{
    *st = w->stats;
}

/* ---------------------------------------------------------------- output */

static int flush_out(struct scapw *w)
{
    size_t off = 0;
    if (w->gz) {
        while (off < w->out_n) {
            unsigned chunk = (unsigned)(w->out_n - off);
            int k = gzwrite(w->gz, w->out + off, chunk);
            if (k <= 0) {
                int zerr;
                const char *zm = gzerror(w->gz, &zerr);
                if (zerr == Z_ERRNO)
                    return fail(w, errno ? -errno : -EIO, "write: %s", strerror(errno));
                return fail(w, -EIO, "gzip write: %s", zm);
            }
            off += (size_t)k;
        }
    } else {
        while (off < w->out_n) {
            ssize_t k = write(w->fd, w->out + off, w->out_n - off);
            if (k < 0) {
                if (errno == EINTR)
                    continue;
                return fail(w, -errno, "write: %s", strerror(errno));
            }
            off += (size_t)k;
        }
    }
    w->out_n = 0;
    return 0;
}

static int put(struct scapw *w, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
        if (w->out_n == OUT_CAP && flush_out(w) < 0)
            return w->err;
        size_t c = OUT_CAP - w->out_n < n ? OUT_CAP - w->out_n : n;
        memcpy(w->out + w->out_n, b, c);
        w->out_n += c;
        b += c;
        n -= c;
    }
    return 0;
}

/* ---------------------------------------------------------------- block body */

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 4096;
    while (nc < need)
        nc *= 2;
    uint8_t *nb = realloc(*buf, nc);
    if (!nb)
        return -ENOMEM;
    *buf = nb;
    *cap = nc;
    return 0;
}

/* Append to the block body; an allocation failure is raised by end_block. */
static bool bput(struct scapw *w, const void *p, size_t n)
{
    if (grow(&w->blk, &w->blk_cap, w->blk_n + n) < 0) {
        fail(w, -ENOMEM, "out of memory");
        return false;
    }
    memcpy(w->blk + w->blk_n, p, n);
    w->blk_n += n;
    return true;
}
static void b8(struct scapw *w, uint8_t v)
{
    bput(w, &v, 1);
}
static void b16(struct scapw *w, uint16_t v)
{
    bput(w, &v, 2);
}
static void b32(struct scapw *w, uint32_t v)
{
    bput(w, &v, 4);
}
static void b64(struct scapw *w, uint64_t v)
{
    bput(w, &v, 8);
}
/* str16, cut to MAX bytes. */
static void bstr(struct scapw *w, struct scap_str s, uint32_t max)
{
    uint32_t n = s.len < max ? s.len : max;
    b16(w, (uint16_t)n);
    if (n)
        bput(w, s.p, n);
}
static void patch32(struct scapw *w, size_t at, uint32_t v)
{
    if (!w->err)
        memcpy(w->blk + at, &v, 4);
}

static void begin_block(struct scapw *w)
{
    w->blk_n = 0;
}

/* Frame the body in blk as a block of TYPE and queue it for output. */
static int end_block(struct scapw *w, uint32_t type)
{
    if (w->err)
        return w->err;
    size_t body = w->blk_n, pad = (4 - body % 4) % 4;
    uint64_t total = 8 + (uint64_t)body + pad + 4;
    if (total > UINT32_MAX)
        return fail(w, -EFBIG, "block of type 0x%x is over 4 GiB", type);
    uint32_t hdr[2] = {type, (uint32_t)total}, t32 = (uint32_t)total;
    static const uint8_t zeros[4];
    if (put(w, hdr, 8) < 0 || put(w, w->blk, body) < 0 || put(w, zeros, pad) < 0 ||
        put(w, &t32, 4) < 0)
        return w->err;
    w->stats.bytes += total;
    return 0;
}

/* ---------------------------------------------------------------- sections and metadata */

static int need_section(struct scapw *w, const char *what)
{
    if (w->err)
        return w->err;
    if (!w->in_section)
        return fail(w, -EINVAL, "%s written before a section header", what);
    return 0;
}

static int need_metadata_phase(struct scapw *w, const char *what)
{
    int rc = need_section(w, what);
    if (rc)
        return rc;
    if (w->section_events)
        return fail(w, -EINVAL, "%s written after the section's first event", what);
    return 0;
}

int scapw_begin_section(struct scapw *w)
{
    if (w->err)
        return w->err;
    if (w->in_section && !w->section_events)
        return fail(w, -EINVAL, "section without events (libscap refuses it)");
    begin_block(w);
    b32(w, SHB_MAGIC);
    b16(w, 1); /* major */
    b16(w, 2); /* minor */
    b64(w, UINT64_MAX);
    w->in_section = true;
    w->section_events = 0;
    w->xonly = false;
    w->tids_n = 0;
    if (w->tids)
        memset(w->tids, 0, w->tids_cap * sizeof(*w->tids));
    return end_block(w, SCAP_BT_SHB);
}

int scapw_write_machine(struct scapw *w, const struct scap_machine *m)
{
    int rc = need_metadata_phase(w, "machine info");
    if (rc)
        return rc;
    char host[128];
    memset(host, 0, sizeof(host));
    size_t hl = strnlen(m->hostname, sizeof(host));
    memcpy(host, m->hostname, hl);
    begin_block(w);
    b32(w, m->num_cpus);
    b64(w, m->memory_bytes);
    b64(w, m->max_pid);
    bput(w, host, sizeof(host));
    b64(w, m->boot_ts);
    b64(w, m->flags);
    b64(w, 0);
    b64(w, 0);
    return end_block(w, SCAP_BT_MI);
}

int scapw_write_ifaces(struct scapw *w, const struct scap_iface *ifs, size_t n)
{
    int rc = need_metadata_phase(w, "interface list");
    if (rc || !n)
        return rc;
    begin_block(w);
    for (size_t i = 0; i < n; i++) {
        const struct scap_iface *f = &ifs[i];
        bool v4 = f->type == 1 || f->type == 3, speed = f->type == 1 || f->type == 2;
        if (f->type < 1 || f->type > 4)
            continue;
        size_t at = w->blk_n, alen = v4 ? 4 : 16;
        uint32_t nl = f->name.len < PATH_MAX_LEN - 1 ? f->name.len : PATH_MAX_LEN - 1;
        b32(w, 0); /* entry length, without its own 4 bytes */
        b16(w, f->type);
        b16(w, (uint16_t)nl);
        bput(w, f->addr, alen);
        bput(w, f->netmask, alen);
        bput(w, f->bcast, alen);
        if (speed)
            b64(w, f->linkspeed);
        if (nl)
            bput(w, f->name.p, nl);
        patch32(w, at, (uint32_t)(w->blk_n - at - 4));
    }
    return end_block(w, SCAP_BT_IL_V2);
}

int scapw_write_users(struct scapw *w, const struct scap_user *users, size_t nu,
                      const struct scap_group *groups, size_t ng)
{
    int rc = need_metadata_phase(w, "user list");
    if (rc || (!nu && !ng))
        return rc;
    begin_block(w);
    for (size_t i = 0; i < nu; i++) {
        size_t at = w->blk_n;
        b32(w, 0); /* entry length, counting itself */
        b8(w, 0);
        b32(w, users[i].uid);
        b32(w, users[i].gid);
        bstr(w, users[i].name, USER_MAX_LEN);
        bstr(w, users[i].home, USER_MAX_LEN);
        bstr(w, users[i].shell, USER_MAX_LEN);
        patch32(w, at, (uint32_t)(w->blk_n - at));
    }
    for (size_t i = 0; i < ng; i++) {
        size_t at = w->blk_n;
        b32(w, 0);
        b8(w, 1);
        b32(w, groups[i].gid);
        bstr(w, groups[i].name, USER_MAX_LEN);
        patch32(w, at, (uint32_t)(w->blk_n - at));
    }
    return end_block(w, SCAP_BT_UL_V2);
}

int scapw_write_threads(struct scapw *w, const struct scap_thread *ts, size_t n)
{
    int rc = need_metadata_phase(w, "process list");
    if (rc || !n)
        return rc;
    bool compat = w->flags & (SCAPW_LEGACY | SCAPW_COMPAT_TAIL);
    begin_block(w);
    for (size_t i = 0; i < n; i++) {
        const struct scap_thread *t = &ts[i];
        size_t at = w->blk_n;
        b32(w, 0); /* entry length, counting itself */
        b64(w, t->tid);
        b64(w, t->pid);
        b64(w, t->ptid);
        b64(w, (uint64_t)t->sid);
        b64(w, (uint64_t)t->vpgid);
        bstr(w, t->comm, PATH_MAX_LEN);
        bstr(w, t->exe, PATH_MAX_LEN);
        bstr(w, t->exepath, PATH_MAX_LEN);
        bstr(w, t->args, ARGS_MAX_LEN);
        bstr(w, t->cwd, PATH_MAX_LEN);
        b64(w, t->fdlimit);
        b32(w, t->flags);
        b32(w, t->uid);
        b32(w, t->gid);
        b32(w, t->vmsize_kb);
        b32(w, t->vmrss_kb);
        b32(w, t->vmswap_kb);
        b64(w, t->pfmajor);
        b64(w, t->pfminor);
        bstr(w, t->env, ARGS_MAX_LEN);
        b64(w, (uint64_t)t->vtid);
        b64(w, (uint64_t)t->vpid);
        bstr(w, t->cgroups, ARGS_MAX_LEN);
        bstr(w, t->root, PATH_MAX_LEN);
        if (compat) {
            /* libs <= 0.9 layout: what sysdig 0.29.3 reads (29 bytes) */
            b32(w, t->loginuid);
            b8(w, t->exe_writable);
            b64(w, t->cap_inheritable);
            b64(w, t->cap_permitted);
            b64(w, t->cap_effective);
        } else {
            b64(w, t->pidns_init_start_ts);
            b32(w, t->tty);
            b32(w, t->loginuid);
            b8(w, t->exe_writable);
            b64(w, t->cap_inheritable);
            b64(w, t->cap_permitted);
            b64(w, t->cap_effective);
            b8(w, t->exe_upper_layer);
            b64(w, t->exe_ino);
            b64(w, t->exe_ino_ctime);
            b64(w, t->exe_ino_mtime);
            b8(w, t->exe_from_memfd);
            b8(w, t->exe_lower_layer);
            b64(w, (uint64_t)t->pgid);
        }
        patch32(w, at, (uint32_t)(w->blk_n - at));
    }
    return end_block(w, SCAP_BT_PL_V9);
}

static void fd_entry(struct scapw *w, const struct scap_fd *f)
{
    size_t at = w->blk_n;
    b32(w, 0); /* entry length, counting itself */
    b64(w, (uint64_t)f->fd);
    b64(w, f->ino);
    b8(w, f->type);
    switch (f->type) {
    case 16:
        b32(w, f->open_flags);
        bstr(w, f->name, PATH_MAX_LEN - 1);
        b32(w, f->dev);
        break;
    case 3:
        bput(w, f->sip, 4);
        bput(w, f->dip, 4);
        b16(w, f->sport);
        b16(w, f->dport);
        b8(w, f->l4proto);
        break;
    case 5:
        bput(w, f->sip, 4);
        b16(w, f->sport);
        b8(w, f->l4proto);
        break;
    case 4:
        bput(w, f->sip, 16);
        bput(w, f->dip, 16);
        b16(w, f->sport);
        b16(w, f->dport);
        b8(w, f->l4proto);
        break;
    case 6:
        bput(w, f->sip, 16);
        b16(w, f->sport);
        b8(w, f->l4proto);
        break;
    case 8:
        b64(w, f->unix_src);
        b64(w, f->unix_dst);
        bstr(w, f->name, PATH_MAX_LEN - 1);
        break;
    default: /* scap_fd_named: checked by the caller */
        bstr(w, f->name, PATH_MAX_LEN - 1);
        break;
    }
    patch32(w, at, (uint32_t)(w->blk_n - at));
}

static bool fd_writable(const struct scap_fd *f)
{
    return (f->type >= 3 && f->type <= 6) || f->type == 8 || f->type == 16 ||
           scap_fd_named(f->type);
}

int scapw_write_fds(struct scapw *w, const struct scap_fd *fds, size_t n)
{
    int rc = need_metadata_phase(w, "fd list");
    if (rc)
        return rc;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        begin_block(w);
        b64(w, fds[i].tid);
        for (; j < n && fds[j].tid == fds[i].tid; j++)
            if (fd_writable(&fds[j])) /* type 0 (unknown) is never written */
                fd_entry(w, &fds[j]);
        if ((rc = end_block(w, SCAP_BT_FDL_V2)) < 0)
            return rc;
        i = j;
    }
    return 0;
}

int scapw_write_section(struct scapw *w, const struct scap_reader *r)
{
    size_t n, m;
    int rc = scapw_begin_section(w);
    const struct scap_machine *mi = scap_machine(r);
    if (!rc && mi)
        rc = scapw_write_machine(w, mi);
    const struct scap_iface *ifs = scap_ifaces(r, &n);
    if (!rc)
        rc = scapw_write_ifaces(w, ifs, n);
    const struct scap_user *us = scap_users(r, &n);
    const struct scap_group *gs = scap_groups(r, &m);
    if (!rc)
        rc = scapw_write_users(w, us, n, gs, m);
    const struct scap_thread *ts = scap_threads(r, &n);
    if (!rc)
        rc = scapw_write_threads(w, ts, n);
    const struct scap_fd *fds = scap_fds(r, &n);
    if (!rc)
        rc = scapw_write_fds(w, fds, n);
    return rc;
}

/* ---------------------------------------------------------------- events */

static int param_width(uint16_t type)
{
    return (ev_flags(type) & EF_LARGE_PAYLOAD) ? 4 : 2;
}

/* Queue an event (26-byte-header layout, LEN bytes) as an event block. */
static int emit_event(struct scapw *w, uint16_t cpu, uint32_t flags, uint16_t type,
                      const uint8_t *ev, uint32_t len)
{
    int rc = need_section(w, "event");
    if (rc)
        return rc;
    begin_block(w);
    b16(w, cpu);
    if (flags)
        b32(w, flags);
    bput(w, ev, len);
    bool large = (ev_flags(type) & EF_LARGE_PAYLOAD) || w->blk_n > MAX_EVENT_BLOCK;
    uint32_t bt = flags ? (large ? SCAP_BT_EVF_V2_LARGE : SCAP_BT_EVF_V2)
                        : (large ? SCAP_BT_EV_V2_LARGE : SCAP_BT_EV_V2);
    if ((rc = end_block(w, bt)) < 0)
        return rc;
    w->section_events++;
    w->stats.events++;
    return 0;
}

/* Build an event in *BUF from N parameters. Returns its length, 0 on error. */
static uint32_t build_event(struct scapw *w, uint8_t **buf, size_t *cap, uint64_t ts, uint64_t tid,
                            uint16_t type, uint32_t n, const uint8_t *const *param,
                            const uint32_t *len)
{
    int L = param_width(type);
    uint64_t total = 26 + (uint64_t)L * n;
    for (uint32_t i = 0; i < n; i++) {
        if (L == 2 && len[i] > UINT16_MAX) {
            fail(w, -EINVAL, "event type %u: parameter %u of %u bytes needs a 32-bit length", type,
                 i, len[i]);
            return 0;
        }
        total += len[i];
    }
    if (total > UINT32_MAX) {
        fail(w, -EFBIG, "event type %u is over 4 GiB", type);
        return 0;
    }
    if (grow(buf, cap, (size_t)total) < 0) {
        fail(w, -ENOMEM, "out of memory");
        return 0;
    }
    uint8_t *e = *buf;
    uint32_t len32 = (uint32_t)total;
    memcpy(e, &ts, 8);
    memcpy(e + 8, &tid, 8);
    memcpy(e + 16, &len32, 4);
    memcpy(e + 20, &type, 2);
    memcpy(e + 22, &n, 4);
    uint8_t *lp = e + 26, *dp = e + 26 + (size_t)L * n;
    for (uint32_t i = 0; i < n; i++) {
        if (L == 4) {
            memcpy(lp + 4 * i, &len[i], 4);
        } else {
            uint16_t l16 = (uint16_t)len[i];
            memcpy(lp + 2 * i, &l16, 2);
        }
        if (len[i])
            memcpy(dp, param[i], len[i]);
        dp += len[i];
    }
    return len32;
}

/* ---- legacy pairing: the last code written per thread */

static struct tid_slot *tid_find(struct scapw *w, uint64_t tid, bool add)
{
    if (tid == 0)
        return NULL;
    if (add && (w->tids_n + 1) * 2 > w->tids_cap) {
        size_t nc = w->tids_cap ? w->tids_cap * 2 : 256;
        struct tid_slot *nt = calloc(nc, sizeof(*nt));
        if (!nt) {
            fail(w, -ENOMEM, "out of memory");
            return NULL;
        }
        for (size_t i = 0; i < w->tids_cap; i++) {
            if (!w->tids[i].tid)
                continue;
            size_t h = (size_t)(w->tids[i].tid * 0x9E3779B97F4A7C15ull) & (nc - 1);
            while (nt[h].tid)
                h = (h + 1) & (nc - 1);
            nt[h] = w->tids[i];
        }
        free(w->tids);
        w->tids = nt;
        w->tids_cap = nc;
    }
    if (!w->tids_cap)
        return NULL;
    size_t h = (size_t)(tid * 0x9E3779B97F4A7C15ull) & (w->tids_cap - 1);
    while (w->tids[h].tid && w->tids[h].tid != tid)
        h = (h + 1) & (w->tids_cap - 1);
    if (!w->tids[h].tid) {
        if (!add)
            return NULL;
        w->tids[h].tid = tid;
        w->tids[h].code = UINT16_MAX;
        w->tids_n++;
    }
    return &w->tids[h];
}

static bool is_string(enum ppm_param_type t)
{
    return t == PT_CHARBUF || t == PT_FSPATH || t == PT_FSRELPATH;
}

/* The default value of a parameter the exit does not carry (events.md
 * §2.1): zero, no-id for uids/gids, an empty string; other variable
 * types stay empty. Writes into DEF (16 bytes) and returns its length. */
static uint32_t default_value(enum ppm_param_type t, uint8_t *def)
{
    uint32_t n = ppm_param_size(t);
    memset(def, 0, 16);
    if (t == PT_UID || t == PT_GID)
        memset(def, 0xff, 4);
    if (is_string(t))
        return 1;
    return n;
}

/* Does the exit's parameter fit the enter's slot (same name checked)? */
static bool same_shape(enum ppm_param_type a, enum ppm_param_type b, uint32_t len)
{
    uint32_t fa = ppm_param_size(a), fb = ppm_param_size(b);
    if (fa || fb)
        return fa == fb && len == fa;
    return is_string(a) == is_string(b);
}

/* Index of the parameter of EV named NAME whose shape fits TYPE, or -1. */
static int find_param(const struct ev_info *xi, uint32_t np, const char *name,
                      enum ppm_param_type type)
{
    for (uint32_t j = 0; j < xi->nparams && j < np; j++)
        if (!strcmp(xi->params[j].name, name)) {
            uint32_t fs = ppm_param_size(type);
            return same_shape(type, xi->params[j].type, fs ? fs : 1) ? (int)j : -1;
        }
    return -1;
}

/* Parameters of an event of code TO (its 2022 layout) taken by name from
 * EV; a missing or empty one gets its type's default, kept in DEFS. */
static uint32_t map_params(const struct scap_event *ev, uint16_t to, const uint8_t **param,
                           uint32_t *len, uint8_t (*defs)[16])
{
    const struct ev_info *ti = ev_get(to), *xi = ev_get(ev->type);
    uint32_t n = legacy_nparams(to);
    if (n > SCAP_MAX_PARAMS)
        n = SCAP_MAX_PARAMS;
    for (uint32_t i = 0; i < n; i++) {
        enum ppm_param_type t = ti->params[i].type;
        int j = find_param(xi, ev->nparams, ti->params[i].name, t);
        if (j >= 0 && ev->len[j] && same_shape(t, xi->params[j].type, ev->len[j])) {
            param[i] = ev->param[j];
            len[i] = ev->len[j];
        } else {
            len[i] = default_value(t, defs[i]);
            param[i] = defs[i];
        }
    }
    return n;
}

/* Write event code TO built from EV's parameters (an enter synthesized
 * from its exit, or an exit moved to an older version of its syscall). */
static int write_mapped(struct scapw *w, const struct scap_event *ev, uint16_t to)
{
    const uint8_t *param[SCAP_MAX_PARAMS];
    uint32_t len[SCAP_MAX_PARAMS];
    uint8_t defs[SCAP_MAX_PARAMS][16];
    uint32_t n = map_params(ev, to, param, len, defs);
    uint32_t l = build_event(w, &w->ev2, &w->ev2_cap, ev->ts, ev->tid, to, n, param, len);
    return l ? emit_event(w, ev->cpu, ev->flags, to, w->ev2, l) : w->err;
}

/* Is CODE the exit of a syscall whose enter the 2022 libs can use? */
static int legacy_enter_of(uint16_t code)
{
    if (code >= LEGACY_EVENT_MAX || ev_direction(code) != EV_DIR_X)
        return -1;
    uint16_t enter = code - 1;
    if ((ev_flags(code) & EF_UNUSED) || (ev_flags(enter) & EF_UNUSED))
        return -1;
    if (!(ev_category(code) & EC_SYSCALL) || strcmp(ev_name(code), ev_name(enter)))
        return -1;
    return enter;
}

/* Length of SYM without its version and direction ("PPME_SOCKET_ACCEPT4"
 * for "PPME_SOCKET_ACCEPT4_6_X" and "PPME_SOCKET_ACCEPT4_5_X"). */
static size_t sym_base(const char *sym)
{
    size_t n = strlen(sym);
    if (n >= 2 && sym[n - 2] == '_')
        n -= 2;
    size_t d = n;
    while (d > 0 && sym[d - 1] >= '0' && sym[d - 1] <= '9')
        d--;
    return d < n && d > 0 && sym[d - 1] == '_' ? d - 1 : n;
}

/* For a live exit newer than the 2022 table: the newest 2022 version of
 * the same syscall (same symbol but for the version) whose exit and enter
 * parameters all appear in it by name, so the move loses nothing sysdig
 * would use. -1 when there is none (the event stays invisible to sysdig). */
static int legacy_downgrade(uint16_t code)
{
    const struct ev_info *xi = ev_get(code);
    if (!xi || ev_direction(code) != EV_DIR_X || (xi->flags & (EF_UNUSED | EF_OLD_VERSION)))
        return -1;
    size_t bl = sym_base(xi->sym);
    for (int c = LEGACY_EVENT_MAX - 1; c > 0; c -= 2) {
        const struct ev_info *ci = ev_get(c);
        if (ci->dir != EV_DIR_X || sym_base(ci->sym) != bl || strncmp(ci->sym, xi->sym, bl))
            continue;
        int enter = legacy_enter_of((uint16_t)c);
        if (enter < 0)
            return -1;
        for (int k = 0; k < 2; k++) {
            const struct ev_info *ti = ev_get(k ? enter : c);
            uint32_t n = legacy_nparams((uint16_t)(k ? enter : c));
            for (uint32_t i = 0; i < n; i++)
                if (find_param(xi, xi->nparams, ti->params[i].name, ti->params[i].type) < 0)
                    return -1;
        }
        return c;
    }
    return -1;
}

/* EV unchanged: its bytes when it has them, else built from its parameters. */
static int write_as_is(struct scapw *w, const struct scap_event *ev)
{
    if (ev->hdr)
        return emit_event(w, ev->cpu, ev->flags, ev->type, ev->hdr, ev->hdr_len);
    uint32_t l = build_event(w, &w->ev, &w->ev_cap, ev->ts, ev->tid, ev->type, ev->nparams_raw,
                             ev->param, ev->len);
    return l ? emit_event(w, ev->cpu, ev->flags, ev->type, w->ev, l) : w->err;
}

static int write_legacy(struct scapw *w, const struct scap_event *ev)
{
    uint16_t type = ev->type;
    struct tid_slot *slot = tid_find(w, ev->tid, true);
    if (w->err)
        return w->err;
    int to = type;
    if (type >= LEGACY_EVENT_MAX) {
        if (w->down[type] == INT16_MIN)
            w->down[type] = (int16_t)legacy_downgrade(type);
        to = w->down[type];
        if (to < 0) {
            /* invisible to sysdig 0.29.3 anyway: kept for current readers */
            if (slot)
                slot->code = type;
            return write_as_is(w, ev);
        }
    }
    uint32_t keep = legacy_nparams((uint16_t)to);
    /* A moved exit always needs a 2022 enter: its own enter, if any, is a
     * code sysdig cannot see. Only an exit with appended parameters says
     * the whole section is exit-only. */
    bool grown = to != type || ev->nparams_raw > keep;
    if (to == type && grown && ev_direction(type) == EV_DIR_X)
        w->xonly = true;
    int enter = legacy_enter_of((uint16_t)to);
    bool paired = slot && slot->code == (uint16_t)enter;
    if (enter >= 0 && !paired && (grown || w->xonly)) {
        int rc = write_mapped(w, ev, (uint16_t)enter);
        if (rc < 0)
            return rc;
        w->stats.synthesized++;
    }
    if (slot)
        slot->code = (uint16_t)to;
    if (!grown)
        return write_as_is(w, ev);
    w->stats.cut++;
    if (to != type)
        return write_mapped(w, ev, (uint16_t)to);
    uint32_t n = ev->nparams_raw < keep ? ev->nparams_raw : keep;
    if (n > SCAP_MAX_PARAMS)
        n = SCAP_MAX_PARAMS;
    uint32_t l = build_event(w, &w->ev, &w->ev_cap, ev->ts, ev->tid, type, n, ev->param, ev->len);
    return l ? emit_event(w, ev->cpu, ev->flags, type, w->ev, l) : w->err;
}

int scapw_write_event(struct scapw *w, const struct scap_event *ev)
{
    if (w->err)
        return w->err;
    if (ev->type >= PPM_EVENT_MAX)
        return fail(w, -EINVAL, "event type %u is not in the event table", ev->type);
    if (!ev->hdr && ev->nparams_raw > SCAP_MAX_PARAMS)
        return fail(w, -EINVAL, "event type %u with %u parameters, at most %u", ev->type,
                    ev->nparams_raw, SCAP_MAX_PARAMS);
    return w->flags & SCAPW_LEGACY ? write_legacy(w, ev) : write_as_is(w, ev);
}

/* ---------------------------------------------------------------- open / close */

struct scapw *scapw_open(const char *path, unsigned flags, int *err)
{
    struct scapw *w = calloc(1, sizeof(*w));
    size_t pl = strlen(path);
    if (w) {
        w->path = strdup(path);
        w->tmp = malloc(pl + 32);
        w->out = malloc(OUT_CAP);
    }
    if (!w || !w->path || !w->tmp || !w->out) {
        if (w) {
            free(w->path);
            free(w->tmp);
            free(w->out);
            free(w);
        }
        *err = -ENOMEM;
        return NULL;
    }
    w->flags = flags;
    w->fd = -1;
    for (int i = 0; i < PPM_EVENT_MAX; i++)
        w->down[i] = INT16_MIN;
    /* A sibling temporary name, so the final rename stays on one file system. */
    for (unsigned k = 0; k < 100 && w->fd < 0; k++) {
        snprintf(w->tmp, pl + 32, "%s.tmp%ld.%u", path, (long)getpid(), k);
        w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (w->fd < 0 && errno != EEXIST)
            break;
    }
    if (w->fd < 0) {
        *err = -errno;
        free(w->path);
        free(w->tmp);
        free(w->out);
        free(w);
        return NULL;
    }
    if (flags & SCAPW_GZIP) {
        int dfd = dup(w->fd);
        w->gz = dfd >= 0 ? gzdopen(dfd, "wb6") : NULL;
        if (!w->gz) {
            *err = dfd >= 0 ? -ENOMEM : -errno;
            if (dfd >= 0)
                close(dfd);
            scapw_free(w);
            return NULL;
        }
    }
    *err = 0;
    return w;
}

void scapw_free(struct scapw *w)
{
    if (!w)
        return;
    if (w->gz)
        gzclose(w->gz);
    if (w->fd >= 0)
        close(w->fd);
    if (!w->committed)
        unlink(w->tmp);
    free(w->path);
    free(w->tmp);
    free(w->out);
    free(w->blk);
    free(w->ev);
    free(w->ev2);
    free(w->tids);
    free(w);
}

int scapw_close(struct scapw *w)
{
    if (!w)
        return -EINVAL;
    if (w->fd < 0) /* closed before */
        return w->err;
    if (!w->err && !w->stats.events)
        fail(w, -ENODATA, "no events written (libscap refuses a capture without events)");
    if (!w->err && w->in_section && !w->section_events)
        fail(w, -ENODATA, "the last section has no events (libscap refuses it)");
    if (!w->err)
        flush_out(w);
    if (w->gz) {
        int zr = gzclose(w->gz);
        w->gz = NULL;
        if (zr != Z_OK && !w->err)
            fail(w, -EIO, "gzip close failed (%d)", zr);
    }
    if (!w->err && fsync(w->fd) < 0 && errno != EINVAL && errno != EROFS)
        fail(w, -errno, "fsync: %s", strerror(errno));
    if (close(w->fd) < 0 && !w->err)
        fail(w, -errno, "close: %s", strerror(errno));
    w->fd = -1;
    if (!w->err && rename(w->tmp, w->path) < 0)
        fail(w, -errno, "rename from %s: %s", w->tmp, strerror(errno));
    w->committed = !w->err;
    return w->err;
}

/* ---------------------------------------------------------------- convert */

int scapw_convert(const char *in, const char *out, unsigned flags, struct scapw_stats *st,
                  char *msg, size_t cap)
{
    int rc = 0;
    struct scap_reader *r = scap_open(in, &rc);
    if (!r) {
        snprintf(msg, cap, "%s: %s", in, strerror(-rc));
        return rc;
    }
    if (rc) {
        snprintf(msg, cap, "%s: %s", in, scap_error(r));
        scap_close(r);
        return rc;
    }
    struct scapw *w = scapw_open(out, flags, &rc);
    if (!w) {
        snprintf(msg, cap, "%s: cannot create: %s", out, strerror(-rc));
        scap_close(r);
        return rc;
    }
    struct scap_event ev;
    uint32_t section = UINT32_MAX;
    int k;
    while ((k = scap_next(r, &ev)) > 0) {
        if (ev.section != section) {
            section = ev.section;
            if (scapw_write_section(w, r) < 0)
                break;
        }
        if (scapw_write_event(w, &ev) < 0)
            break;
    }
    if (k > 0) { /* stopped by a write error */
        rc = w->err;
        snprintf(msg, cap, "%s", scapw_error(w));
        scapw_free(w);
        scap_close(r);
        return rc;
    }
    if (k < 0) {
        rc = k;
        snprintf(msg, cap, "%s: %s", in, scap_error(r));
    } else if ((rc = scapw_close(w)) < 0) {
        snprintf(msg, cap, "%s", scapw_error(w));
    }
    if (st)
        scapw_get_stats(w, st);
    scapw_free(w);
    scap_close(r);
    return rc;
}
