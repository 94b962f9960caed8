/*
 * params.c - event parameter decoding and rendering (fc_params.h).
 *
 * Every read is checked against the parameter's length: a parameter too
 * short for its type is treated as absent (numbers) or cut at its end
 * (strings, addresses, lists), never read past. Text goes through a small
 * bounded writer that counts what did not fit, so every function keeps the
 * snprintf contract without allocating.
 */
#include "fc_params.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "paraminfo.h"

#define AT_FDCWD_PPM (-100)
#define PATH_BUF 4200 /* fc_path_join caps its result at 4096 bytes */

/* ---- bounded text writer ---- */

struct out {
    char *p;
    size_t cap, n; /* n counts every byte asked for, written or not */
};

static void put(struct out *o, const char *s, size_t len)
{
    if (o->n + 1 < o->cap) {
        size_t room = o->cap - 1 - o->n;
        memcpy(o->p + o->n, s, len < room ? len : room);
    }
    o->n += len;
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void putc_(struct out *o, char c)
{
    put(o, &c, 1);
}

__attribute__((format(printf, 2, 3))) static void putf(struct out *o, const char *fmt, ...)
{
    char tmp[96];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (k > 0)
        put(o, tmp, (size_t)k < sizeof(tmp) ? (size_t)k : sizeof(tmp) - 1);
}

static size_t finish(struct out *o)
{
    if (o->cap)
        o->p[o->n < o->cap ? o->n : o->cap - 1] = '\0';
    return o->n;
}

/* Bytes up to the first NUL or the end of the parameter. */
static uint32_t str_len(const uint8_t *p, uint32_t len)
{
    const uint8_t *z = memchr(p, 0, len);
    return z ? (uint32_t)(z - p) : len;
}

/* Paths and socket names: bytes that are not printable ASCII are dropped,
 * as libsinsp's sanitizer does. */
static void put_sanitized(struct out *o, const uint8_t *p, uint32_t len)
{
    for (uint32_t i = 0; i < len && p[i]; i++)
        if (fc_printable(p[i]))
            putc_(o, (char)p[i]);
}

void fc_text_dots(char *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = fc_printable(src[i]) ? (char)src[i] : '.';
}

/* Buffers: every byte that is not printable ASCII becomes '.'. */
static void put_dots(struct out *o, const uint8_t *p, uint32_t len)
{
    char tmp[256];
    for (uint32_t i = 0; i < len; i += sizeof(tmp)) {
        size_t k = len - i < sizeof(tmp) ? len - i : sizeof(tmp);
        fc_text_dots(tmp, p + i, k);
        put(o, tmp, k);
    }
}

/* ---- name tables ---- */

/* The errno names libsinsp knows; other values render as numbers. */
static const struct {
    int code;
    const char *name;
} errnos[] = {
    {1, "EPERM"},
    {2, "ENOENT"},
    {3, "ESRCH"},
    {4, "EINTR"},
    {5, "EIO"},
    {6, "ENXIO"},
    {7, "E2BIG"},
    {8, "ENOEXEC"},
    {9, "EBADF"},
    {10, "ECHILD"},
    {11, "EAGAIN"},
    {12, "ENOMEM"},
    {13, "EACCES"},
    {15, "ENOTBLK"},
    {16, "EBUSY"},
    {17, "EEXIST"},
    {18, "EXDEV"},
    {19, "ENODEV"},
    {20, "ENOTDIR"},
    {21, "EISDIR"},
    {22, "EINVAL"},
    {23, "ENFILE"},
    {24, "EMFILE"},
    {25, "ENOTTY"},
    {26, "ETXTBSY"},
    {27, "EFBIG"},
    {28, "ENOSPC"},
    {29, "ESPIPE"},
    {30, "EROFS"},
    {31, "EMLINK"},
    {32, "EPIPE"},
    {33, "EDOM"},
    {34, "ERANGE"},
    {35, "EDEADLK"},
    {36, "ENAMETOOLONG"},
    {37, "ENOLCK"},
    {38, "ENOSYS"},
    {39, "ENOTEMPTY"},
    {40, "ELOOP"},
    {88, "ENOTSOCK"},
    {95, "EOPNOTSUPP"},
    {99, "EADDRNOTAVAIL"},
    {100, "ENETDOWN"},
    {101, "ENETUNREACH"},
    {104, "ECONNRESET"},
    {107, "ENOTCONN"},
    {110, "ETIMEDOUT"},
    {111, "ECONNREFUSED"},
    {115, "EINPROGRESS"},
    {512, "ERESTARTSYS"},
    {514, "ERESTARTNOHAND"},
    {516, "ERESTART_RESTARTBLOCK"},
};

const char *fc_errno_name(int64_t err)
{
    if (err < 0)
        err = -err;
    for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
        if (errnos[i].code == err)
            return errnos[i].name;
    return NULL;
}

static const char *const signals[] = {
    NULL,        "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
};

static const char *signal_name(uint64_t sig)
{
    return sig < sizeof(signals) / sizeof(signals[0]) ? signals[sig] : NULL;
}

/* Linux capability names by bit. */
static const char *const caps[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

size_t fc_caps_text(uint64_t mask, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0};
    for (size_t b = 0; b < sizeof(caps) / sizeof(caps[0]); b++) {
        if (!(mask >> b & 1))
            continue;
        if (o.n)
            putc_(&o, ' ');
        puts_(&o, caps[b]);
    }
    return finish(&o);
}

/* Bit sets: every entry whose bits are all still set, in table order, its
 * bits then cleared; zero-valued entries only for a zero value. Enums:
 * every entry equal to the value. */
static void put_flags(struct out *o, const struct pi_table *t, uint64_t value, bool is_enum)
{
    uint64_t left = value;
    bool first = true;
    for (uint32_t i = 0; i < t->n; i++) {
        uint64_t v = t->flags[i].value;
        bool match;
        if (is_enum)
            match = v == value;
        else if (v == 0)
            match = value == 0;
        else
            match = left != 0 && (left & v) == v;
        if (!match)
            continue;
        if (!first)
            putc_(o, '|');
        puts_(o, t->flags[i].name);
        first = false;
        if (!is_enum)
            left &= ~v;
    }
}

size_t fc_flags_text(const char *table, uint64_t value, bool is_enum, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0};
    const struct pi_table *t = table ? pi_table_by_name(table) : NULL;
    if (t)
        put_flags(&o, t, value, is_enum);
    return finish(&o);
}

/* ---- decoding ---- */

struct param {
    enum ppm_param_type type; /* PT_DYN already resolved */
    enum ppm_print_format fmt;
    const uint8_t *p;
    uint32_t len;
};

/* Schema entry of parameter idx, present in the event or not. */
static const struct ev_param *schema(const struct scap_event *ev, uint32_t idx)
{
    return ev ? ev_param_at(ev->type, idx) : NULL;
}

static bool param_at(const struct scap_event *ev, uint32_t idx, struct param *out)
{
    const struct ev_param *sp = schema(ev, idx);
    if (!sp || idx >= ev->nparams || idx >= SCAP_MAX_PARAMS || !ev->len[idx] || !ev->param[idx])
        return false;
    *out = (struct param){sp->type, sp->fmt, ev->param[idx], ev->len[idx]};
    if (sp->type == PT_DYN) {
        if (!pi_param_dyn(ev->type, idx, out->p[0], &out->type, &out->fmt) || out->len < 2)
            return false;
        out->p++;
        out->len--;
    }
    return true;
}

bool fc_param_get(const struct scap_event *ev, uint32_t idx, enum ppm_param_type *type,
                  const uint8_t **p, uint32_t *len)
{
    struct param pp;
    if (!param_at(ev, idx, &pp))
        return false;
    *type = pp.type;
    *p = pp.p;
    *len = pp.len;
    return true;
}

/* Little-endian integer of width w (1, 2, 4, 8), sign-extended if asked. */
static int64_t rd_int(const uint8_t *p, unsigned w, bool sign)
{
    uint64_t u = 0;
    for (unsigned i = 0; i < w; i++)
        u |= (uint64_t)p[i] << (8 * i);
    if (sign && w < 8 && (u >> (8 * w - 1) & 1))
        u |= ~(uint64_t)0 << (8 * w);
    return (int64_t)u;
}

static bool pp_int(const struct param *pp, int64_t *out)
{
    unsigned w = ppm_param_int_width(pp->type);
    if (!w || pp->len < w)
        return false;
    *out = rd_int(pp->p, w, ppm_param_signed(pp->type));
    return true;
}

bool fc_param_int(const struct scap_event *ev, uint32_t idx, int64_t *out)
{
    struct param pp;
    return param_at(ev, idx, &pp) && pp_int(&pp, out);
}

int fc_param_index(const struct scap_event *ev, const char *name)
{
    return ev ? ev_param_index(ev->type, name) : -1;
}

/* ---- sockets ---- */

static void put_ipv4(struct out *o, const uint8_t *a)
{
    putf(o, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

static void put_ipv6(struct out *o, const uint8_t *a)
{
    char s[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, a, s, sizeof(s)))
        puts_(o, s);
}

/* IPv4-mapped as libsinsp's tuple rendering decides it: ::ffff:a.b.c.d
 * (fc_ip_v4_mapped), and also the all-zero address, which it takes for
 * 0.0.0.0 (sinsp_utils). */
static bool v4_mapped(const uint8_t *a)
{
    static const uint8_t zero[16] = {0};
    return fc_ip_v4_mapped(a) || !memcmp(a, zero, sizeof(zero));
}

static void put_port(struct out *o, const uint8_t *p)
{
    putf(o, ":%u", (unsigned)rd_int(p, 2, false));
}

/* One socket end, "addr:port": a (4 or 16 bytes) with its port at port. */
static void put_end(struct out *o, bool v6, const uint8_t *a, const uint8_t *port)
{
    if (v6)
        put_ipv6(o, a);
    else
        put_ipv4(o, a);
    put_port(o, port);
}

/* Two ends, "src:sport->dst:dport"; each end is stored as its address
 * followed by its port. */
static void put_pair(struct out *o, bool v6, const uint8_t *src, const uint8_t *dst)
{
    size_t as = v6 ? 16 : 4;
    put_end(o, v6, src, src + as);
    puts_(o, "->");
    put_end(o, v6, dst, dst + as);
}

static void sockaddr_text(struct out *o, const uint8_t *p, uint32_t len)
{
    if (!len)
        return;
    switch (p[0]) {
    case 1: /* AF_UNIX */
        put_sanitized(o, p + 1, len - 1);
        break;
    case 2: /* AF_INET */
        if (len != 7)
            puts_(o, "INVALID IPv4");
        else
            put_end(o, false, p + 1, p + 5);
        break;
    case 10: /* AF_INET6 */
        if (len != 19)
            puts_(o, "INVALID IPv6");
        else
            put_end(o, true, p + 1, p + 17);
        break;
    default:
        putf(o, "family %d", p[0]);
    }
}

static void socktuple_text(struct out *o, const uint8_t *p, uint32_t len)
{
    if (!len)
        return;
    switch (p[0]) {
    case 2:
        if (len != 13)
            puts_(o, "INVALID IPv4");
        else
            put_pair(o, false, p + 1, p + 7);
        break;
    case 10:
        if (len != 37)
            puts_(o, "INVALID IPv6");
        else if (v4_mapped(p + 1) && v4_mapped(p + 19))
            /* Both ends IPv4-mapped: shown as an IPv4 tuple, as the fd would be. */
            put_pair(o, false, p + 13, p + 31);
        else
            put_pair(o, true, p + 1, p + 19);
        break;
    case 1:
        if (len < 17) {
            puts_(o, "INVALID UNIX");
            break;
        }
        putf(o, "%" PRIx64 "->%" PRIx64 " ", (uint64_t)rd_int(p + 1, 8, false),
             (uint64_t)rd_int(p + 9, 8, false));
        put_sanitized(o, p + 17, len - 17);
        break;
    default:
        putf(o, "family %d", p[0]);
    }
}

size_t fc_sockaddr_text(const uint8_t *p, uint32_t len, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0};
    sockaddr_text(&o, p, len);
    return finish(&o);
}

size_t fc_socktuple_text(const uint8_t *p, uint32_t len, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0};
    socktuple_text(&o, p, len);
    return finish(&o);
}

/* ---- state lookups ---- */

static const struct fc_fd *fd_entry(const struct fc_pevent *pe, int64_t fd)
{
    if (!pe->st || !pe->thr || fd < 0)
        return NULL;
    return fc_state_fd(pe->st, pe->thr, fd);
}

/* The protocol letter of an IP socket; a socket that is neither client nor
 * server yet has none unless it is raw (libsinsp's get_l4proto). */
static const char *l4_letter(const struct fc_fd *f)
{
    switch (f->type) {
    case FC_FD_IPV4_SOCK:
    case FC_FD_IPV6_SOCK:
        if (f->l4proto != FC_L4_RAW && !(f->flags & (FC_FDF_ROLE_CLIENT | FC_FDF_ROLE_SERVER)))
            return "";
        break;
    case FC_FD_IPV4_SERVSOCK:
    case FC_FD_IPV6_SERVSOCK:
        break;
    default:
        return "";
    }
    switch (f->l4proto) {
    case FC_L4_TCP:
        return "t";
    case FC_L4_UDP:
        return "u";
    case FC_L4_ICMP:
        return "i";
    case FC_L4_RAW:
        return "r";
    default:
        return "";
    }
}

/* The process's cwd (kept on the main thread), "" when unknown. */
static const struct fc_sb *cwd_of(const struct fc_pevent *pe)
{
    if (!pe->thr)
        return NULL;
    const struct fc_thread *m = pe->st ? fc_state_main(pe->st, pe->thr) : NULL;
    return m ? &m->cwd : &pe->thr->cwd;
}

/* ---- rendering ---- */

static void put_num(struct out *o, const struct param *pp, int64_t v)
{
    unsigned w = ppm_param_int_width(pp->type);
    uint64_t u = w == 8 ? (uint64_t)v : (uint64_t)v & ((1ull << (8 * w)) - 1);
    /* libsinsp prints 32- and 64-bit unsigned values with a signed decimal
     * conversion (sysdig: lseek offset=-62), so they show as signed too. */
    bool sign = ppm_param_signed(pp->type) || pp->type == PT_UINT32 || pp->type == PT_UINT64;
    if (sign && pp->type == PT_UINT32)
        v = (int32_t)(uint32_t)u;
    switch (pp->fmt) {
    case PF_OCT:
        putf(o, "%#" PRIo64, u);
        break;
    case PF_HEX:
        putf(o, "%" PRIX64, u);
        break;
    case PF_10_PADDED_DEC:
        if (sign)
            putf(o, "%09" PRId64, v);
        else
            putf(o, "%09" PRIu64, u);
        break;
    default:
        if (sign)
            putf(o, "%" PRId64, v);
        else
            putf(o, "%" PRIu64, u);
    }
}

static void put_abstime(struct out *o, uint64_t ns)
{
    time_t sec = (time_t)(ns / 1000000000u);
    struct tm tm;
    char s[64];
    if (!localtime_r(&sec, &tm) || !strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S", &tm))
        return;
    puts_(o, s);
    putf(o, ".%09" PRIu64 " ", ns % 1000000000u);
    if (strftime(s, sizeof(s), "%z", &tm))
        puts_(o, s);
}

static void put_fdlist(struct out *o, const struct fc_pevent *pe, const struct param *pp)
{
    if (pp->len < 2)
        return;
    uint32_t n = (uint32_t)rd_int(pp->p, 2, false);
    for (uint32_t j = 0; j < n && 2 + (size_t)j * 10 + 10 <= pp->len; j++) {
        const uint8_t *e = pp->p + 2 + (size_t)j * 10;
        int64_t fd = rd_int(e, 8, true);
        const struct fc_fd *f = fd_entry(pe, fd);
        if (j)
            putc_(o, ' ');
        putf(o, "%" PRIu64 ":%c%x", (uint64_t)fd, f ? fc_fd_type_char(f->type) : '?',
             (uint32_t)(int32_t)(int16_t)rd_int(e + 8, 2, false));
    }
}

/* libsinsp renders every empty parameter "NULL", except the string types,
 * whose empty values it turns into "<NA>" when it loads the parameters
 * (sysdig 0.29.3 agrees, e.g. bind's empty addr). */
static bool is_null_type(enum ppm_param_type t)
{
    return t != PT_CHARBUF && t != PT_FSPATH && t != PT_FSRELPATH;
}

static void render_plain(struct out *o, const struct fc_pevent *pe, const struct param *pp)
{
    int64_t v = 0;
    switch (pp->type) {
    case PT_CHARBUF:
        put(o, (const char *)pp->p, str_len(pp->p, pp->len));
        return;
    case PT_FSPATH:
    case PT_FSRELPATH:
        put_sanitized(o, pp->p, pp->len);
        return;
    case PT_BYTEBUF:
    case PT_CHARBUFARRAY:
        put_dots(o, pp->p, pp->len);
        return;
    case PT_SOCKADDR:
        sockaddr_text(o, pp->p, pp->len);
        return;
    case PT_SOCKTUPLE:
        socktuple_text(o, pp->p, pp->len);
        return;
    case PT_FDLIST:
        put_fdlist(o, pe, pp);
        return;
    case PT_IPV4ADDR:
        if (pp->len >= 4)
            put_ipv4(o, pp->p);
        return;
    case PT_IPV6ADDR:
        if (pp->len >= 16)
            put_ipv6(o, pp->p);
        return;
    case PT_DOUBLE:
        if (pp->len >= 8) {
            double d;
            memcpy(&d, pp->p, sizeof(d));
            putf(o, "%lf", d);
        }
        return;
    default:
        break;
    }
    if (!pp_int(pp, &v)) {
        puts_(o, "<NA>");
        return;
    }
    switch (pp->type) {
    case PT_ERRNO:
    case PT_FD:
    case PT_PID:
        putf(o, "%" PRId64, v);
        break;
    case PT_SYSCALLID:
        if ((uint64_t)v >= (uint64_t)ev_sc_count())
            puts_(o, "<unknown syscall>");
        else
            putf(o, "%" PRIu64, (uint64_t)v);
        break;
    case PT_RELTIME:
        if (v == -1)
            puts_(o, "none");
        else
            putf(o, "%" PRIu64, (uint64_t)v);
        break;
    case PT_ABSTIME:
        put_abstime(o, (uint64_t)v);
        break;
    case PT_UID:
    case PT_GID:
        putf(o, "%" PRId32, (int32_t)(uint32_t)v);
        break;
    case PT_SIGSET: {
        bool first = true;
        for (unsigned sig = 0; sig < 32; sig++) {
            const char *name = (uint64_t)v >> sig & 1 ? signal_name(sig + 1) : NULL;
            if (!name)
                continue;
            if (!first)
                putc_(o, ' ');
            puts_(o, name);
            first = false;
        }
        break;
    }
    case PT_FLAGS8:
    case PT_FLAGS16:
    case PT_FLAGS32:
    case PT_ENUMFLAGS8:
    case PT_ENUMFLAGS16:
    case PT_ENUMFLAGS32:
    case PT_SIGTYPE:
        putf(o, "%" PRIu64, (uint64_t)v);
        break;
    default:
        put_num(o, pp, v);
    }
}

/* Relative paths made absolute against the cwd, or the dirfd the schema
 * names; absolute paths have no resolved form. */
static void resolve_path(struct out *o, const struct fc_pevent *pe, uint32_t idx,
                         const struct param *pp)
{
    uint32_t n = str_len(pp->p, pp->len);
    if (!pe->thr || (n > 0 && pp->p[0] == '/') || (n == 4 && !memcmp(pp->p, "<NA>", 4)))
        return;
    const char *base = NULL;
    size_t base_len = 0;
    char dirbuf[PATH_BUF];
    const struct fc_sb *cwd = cwd_of(pe);
    if (cwd) {
        base = fc_sb_str(cwd);
        base_len = cwd->len;
    }
    int dirfd_idx = pp->type == PT_FSRELPATH ? pi_param_dirfd(pe->ev->type, idx) : -1;
    struct param dp;
    int64_t dirfd;
    if (dirfd_idx >= 0 && param_at(pe->ev, (uint32_t)dirfd_idx, &dp) && dp.type == PT_FD &&
        pp_int(&dp, &dirfd) && dirfd != AT_FDCWD_PPM) {
        const struct fc_fd *f = fd_entry(pe, dirfd);
        base = dirbuf;
        base_len = 0;
        if (f && f->name.len && f->name.len + 2 < sizeof(dirbuf)) {
            memcpy(dirbuf, f->name.p, f->name.len);
            base_len = f->name.len;
            if (dirbuf[base_len - 1] != '/')
                dirbuf[base_len++] = '/';
        }
        dirbuf[base_len] = '\0';
    }
    char path[PATH_BUF];
    size_t k = 0;
    for (uint32_t i = 0; i < n && k + 1 < sizeof(path); i++)
        if (fc_printable(pp->p[i]))
            path[k++] = (char)pp->p[i];
    char res[PATH_BUF];
    size_t len = fc_path_join(base, base_len, path, k, res, sizeof(res));
    put(o, res, len < sizeof(res) ? len : sizeof(res) - 1);
}

/* The resolved form into o; nothing when the parameter has none. */
static void render_resolved(struct out *o, const struct fc_pevent *pe, uint32_t idx,
                            const struct param *pp)
{
    int64_t v;
    if (pp->type == PT_FSPATH || pp->type == PT_FSRELPATH) {
        resolve_path(o, pe, idx, pp);
        return;
    }
    if (!pp_int(pp, &v))
        return;
    switch (pp->type) {
    case PT_ERRNO:
        if (v < 0 && fc_errno_name(v))
            puts_(o, fc_errno_name(v));
        break;
    case PT_FD: {
        const struct fc_fd *f = fd_entry(pe, v);
        if (f) {
            putc_(o, '<');
            putc_(o, fc_fd_type_char(f->type));
            puts_(o, l4_letter(f));
            putc_(o, '>');
            put_sanitized(o, (const uint8_t *)fc_sb_str(&f->name), f->name.len);
        } else if (v == AT_FDCWD_PPM) {
            puts_(o, "AT_FDCWD");
        } else if (v < 0 && fc_errno_name(v)) {
            puts_(o, fc_errno_name(v));
        }
        break;
    }
    case PT_PID: {
        const struct fc_thread *t = pe->st ? fc_state_thread(pe->st, v) : NULL;
        if (t && !t->invalid)
            puts_(o, fc_sb_str(&t->comm));
        break;
    }
    case PT_UID:
    case PT_GID: {
        uint32_t id = (uint32_t)v;
        if (id == 0xffffffffu) {
            puts_(o, "<NONE>");
            break;
        }
        const char *cid = pe->thr ? fc_sb_str(&pe->thr->container_id) : "";
        const char *name = NULL;
        if (pe->st && pe->thr && pp->type == PT_UID) {
            const struct fc_user *u = fc_state_user(pe->st, cid, id);
            name = u ? u->name : NULL;
        } else if (pe->st && pe->thr) {
            const struct fc_group *g = fc_state_group(pe->st, cid, id);
            name = g ? g->name : NULL;
        }
        /* Id 0 missing from the tables is root, as for user.name (§4). */
        puts_(o, name && *name ? name : id == 0 && pe->thr ? "root" : "<NA>");
        break;
    }
    case PT_SYSCALLID: {
        const char *name = ev_sc_name((int)v);
        if (name)
            puts_(o, name);
        break;
    }
    case PT_SIGTYPE: {
        const char *name = signal_name((uint64_t)v);
        if (name)
            puts_(o, name);
        break;
    }
    case PT_RELTIME:
        if (v != -1)
            putf(o, "%gs", (double)(uint64_t)v / 1e9);
        break;
    case PT_FLAGS8:
    case PT_FLAGS16:
    case PT_FLAGS32:
    case PT_ENUMFLAGS8:
    case PT_ENUMFLAGS16:
    case PT_ENUMFLAGS32:
    case PT_MODE: {
        const struct pi_table *t = pi_param_table(pe->ev->type, idx);
        bool is_enum =
            pp->type == PT_ENUMFLAGS8 || pp->type == PT_ENUMFLAGS16 || pp->type == PT_ENUMFLAGS32;
        if (t)
            put_flags(o, t, (uint64_t)v, is_enum);
        break;
    }
    default:
        break;
    }
}

static bool has_resolved(const struct fc_pevent *pe, uint32_t idx, const struct param *pp)
{
    struct out probe = {NULL, 0, 0};
    render_resolved(&probe, pe, idx, pp);
    return probe.n > 0;
}

static void render(struct out *o, const struct fc_pevent *pe, uint32_t idx, bool resolved)
{
    struct param pp;
    if (!param_at(pe->ev, idx, &pp)) {
        /* a parameter the event does not carry at all (an older layout)
         * has no value; one it carries empty follows is_null_type */
        const struct ev_param *sp = schema(pe->ev, idx);
        bool carried = idx < pe->ev->nparams && idx < SCAP_MAX_PARAMS;
        puts_(o, sp && carried && is_null_type(sp->type) ? "NULL" : "<NA>");
        return;
    }
    if (resolved && has_resolved(pe, idx, &pp))
        render_resolved(o, pe, idx, &pp);
    else
        render_plain(o, pe, &pp);
}

size_t fc_param_text(const struct fc_pevent *pe, uint32_t idx, bool resolved, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0};
    render(&o, pe, idx, resolved);
    return finish(&o);
}

bool fc_param_has_resolved(const struct fc_pevent *pe, uint32_t idx)
{
    struct param pp;
    return param_at(pe->ev, idx, &pp) && has_resolved(pe, idx, &pp);
}

size_t fc_event_args(const struct fc_pevent *pe, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0};
    const struct ev_info *info = pe->ev ? ev_get(pe->ev->type) : NULL;
    /* Generic events carry only the syscall id, which evt.type already shows. */
    if (info && pe->ev->type != PPME_GENERIC_X && pe->ev->type != PPME_GENERIC_E) {
        uint32_t n = pe->ev->nparams < info->nparams ? pe->ev->nparams : info->nparams;
        for (uint32_t i = 0; i < n; i++) {
            if (i)
                putc_(&o, ' ');
            puts_(&o, info->params[i].name);
            putc_(&o, '=');
            render(&o, pe, i, false);
            struct param pp;
            if (param_at(pe->ev, i, &pp) && has_resolved(pe, i, &pp)) {
                putc_(&o, '(');
                render_resolved(&o, pe, i, &pp);
                putc_(&o, ')');
            }
        }
    }
    return finish(&o);
}
