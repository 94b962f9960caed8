/*
 * x_fd.c - extractors of fd.* and fdlist.* (extract.h).
 *
 * fd.* read the fd entry the state engine attached to the event
 * (state-model.md §3), the way libsinsp's fd filter check reads it:
 * defined only on events whose schema says they create, use or destroy an
 * fd, and only when the event has a thread. Without an entry (a failed
 * open, an fd opened before the capture and never seen) a few fields fall
 * back to the event itself (§3.6). Socket fields follow the invariant of
 * §3.5: source = client, destination = server; listening sockets keep
 * their bound address in the source end.
 *
 * fdlist.* render the fd array of poll and ppoll (§8).
 *
 * Nothing here allocates outside the context's scratch.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "extract.h"
#include "fc_fields.h"
#include "fc_params.h"

/* ---- the event's fd ---------------------------------------------------- */

static bool is_fd_event(const struct scap_event *ev)
{
    return ev && (ev_flags(ev->type) & (EF_CREATES_FD | EF_USES_FD | EF_DESTROYS_FD));
}

/* The entry fd.* read: the attached one, else the one at fd.num (the state
 * engine may leave the pointer unset while the number is known). */
static const struct fc_fd *event_fd(const struct fc_pevent *pe)
{
    if (pe->fd)
        return pe->fd;
    if (pe->fdnum != -1 && pe->st)
        return fc_state_fd(pe->st, pe->thr, pe->fdnum);
    return NULL;
}

static bool role_none(const struct fc_fd *fd)
{
    return !(fd->flags & (FC_FDF_ROLE_CLIENT | FC_FDF_ROLE_SERVER));
}

static bool is_sock(const struct fc_fd *fd)
{
    return fd->type == FC_FD_IPV4_SOCK || fd->type == FC_FD_IPV6_SOCK;
}

static bool is_servsock(const struct fc_fd *fd)
{
    return fd->type == FC_FD_IPV4_SERVSOCK || fd->type == FC_FD_IPV6_SERVSOCK;
}

static int ip_family(const struct fc_fd *fd)
{
    return fd->type == FC_FD_IPV6_SOCK || fd->type == FC_FD_IPV6_SERVSOCK ? 6 : 4;
}

static bool is_file(const struct fc_fd *fd)
{
    return fd->type == FC_FD_FILE || fd->type == FC_FD_FILE_V2;
}

/* fd.type text: libsinsp prints unknown and unsupported types as "<NA>",
 * a real value. */
static const char *type_text(int type)
{
    const char *s = fc_fd_type_name(type);
    return s ? s : "<NA>";
}

/* ---- values ------------------------------------------------------------ */

static bool put_sb(struct fc_xv *out, const struct fc_sb *s)
{
    return fc_xv_str(out, fc_sb_str(s), s->len);
}

static bool put_ip(struct fc_xv *out, int family, const uint8_t *addr, bool net)
{
    out->ip.family = (uint8_t)family;
    memcpy(out->ip.addr, addr, family == 6 ? 16 : 4);
    if (net)
        out->ip.prefix = family == 6 ? 128 : 32;
    return true;
}

static char *scratch(const struct fc_ctx *c, size_t n)
{
    return fc_scratch_alloc(c->scratch, n);
}

/* A parameter's text as evt.arg renders it (the resolved form when there is
 * one: paths made absolute), in scratch. */
static bool param_text(const struct fc_ctx *c, const struct fc_pevent *pe, uint32_t idx,
                       struct fc_xv *out)
{
    char tmp[512];
    size_t n = fc_param_text(pe, idx, true, tmp, sizeof(tmp));
    if (n < sizeof(tmp))
        return fc_xv_str(out, fc_x_strdup(c, tmp, (uint32_t)n), n);
    char *buf = scratch(c, n + 1);
    if (!buf)
        return false;
    fc_param_text(pe, idx, true, buf, n + 1);
    return fc_xv_str(out, buf, n);
}

/* A string parameter's bytes up to its NUL (absent: NULL). */
static const char *param_str(const struct scap_event *ev, uint32_t idx, uint32_t *len)
{
    enum ppm_param_type t;
    const uint8_t *p;
    uint32_t n;
    if (!fc_param_get(ev, idx, &t, &p, &n))
        return NULL;
    const uint8_t *nul = memchr(p, '\0', n);
    *len = nul ? (uint32_t)(nul - p) : n;
    return (const char *)p;
}

/* ---- fd.name without an entry (state-model.md §3.6) --------------------- */

/* The directory an openat-style path is relative to: "" for an absolute
 * path, the cwd for AT_FDCWD, else the dirfd's name with a final '/', or
 * "<UNKNOWN>" when the dirfd is not in the table. */
static const char *dirfd_base(const struct fc_pevent *pe, const char *name, uint32_t nlen,
                              int64_t dirfd, uint32_t *blen, bool *slash)
{
    *slash = false;
    if (nlen > 0 && name[0] == '/') {
        *blen = 0;
        return "";
    }
    if (dirfd == -100) {
        const struct fc_thread *m = pe->st ? fc_state_main(pe->st, pe->thr) : NULL;
        const struct fc_sb *cwd = &(m ? m : pe->thr)->cwd;
        *blen = cwd->len;
        return fc_sb_str(cwd);
    }
    const struct fc_fd *d = pe->st ? fc_state_fd(pe->st, pe->thr, dirfd) : NULL;
    if (!d) {
        *blen = (uint32_t)strlen("<UNKNOWN>");
        return "<UNKNOWN>";
    }
    *blen = d->name.len;
    *slash = d->name.len == 0 || fc_sb_str(&d->name)[d->name.len - 1] != '/';
    return fc_sb_str(&d->name);
}

#define PATH_CAP 4200 /* fc_path_join's 4096 limit plus its too-long marker */

/* The path and dirfd of a legacy openat exit, from its stored enter. */
static const char *openat_enter_args(const struct fc_pevent *pe, uint32_t *nlen, int64_t *dirfd)
{
    const uint8_t *p, *d;
    uint32_t n, dn;
    if (!pe->st || !fc_state_enter_param(pe, "name", &p, &n) ||
        !fc_state_enter_param(pe, "dirfd", &d, &dn))
        return NULL;
    if (dn == 8) {
        memcpy(dirfd, d, 8);
    } else if (dn == 4) {
        int32_t v;
        memcpy(&v, d, 4);
        *dirfd = v;
    } else {
        return NULL;
    }
    const uint8_t *nul = memchr(p, '\0', n);
    *nlen = nul ? (uint32_t)(nul - p) : n;
    return (const char *)p;
}

static bool openat_name(const struct fc_ctx *c, const struct fc_pevent *pe, bool raw,
                        struct fc_xv *out)
{
    uint32_t nlen = 0;
    int64_t dirfd;
    const char *name;
    if (pe->ev->type == PPME_SYSCALL_OPENAT_X)
        name = openat_enter_args(pe, &nlen, &dirfd);
    else if (!(name = param_str(pe->ev, 2, &nlen)) || !fc_param_int(pe->ev, 1, &dirfd))
        name = NULL;
    if (!name)
        return false;
    if (raw)
        return fc_xv_str(out, name, nlen);
    uint32_t blen;
    bool slash;
    const char *base = dirfd_base(pe, name, nlen, dirfd, &blen, &slash);
    char *b = scratch(c, (size_t)blen + 2);
    char *buf = scratch(c, PATH_CAP);
    if (!b || !buf)
        return false;
    memcpy(b, base, blen);
    if (slash)
        b[blen++] = '/';
    b[blen] = '\0';
    size_t n = fc_path_join(b, blen, name, nlen, buf, PATH_CAP);
    return fc_xv_str(out, buf, n < PATH_CAP ? n : PATH_CAP - 1);
}

/* fd.name (raw: fd.nameraw) taken from the event, for fd events without an
 * entry: the path of a failed open, the tuple of a failed connect; "" for
 * the others. Enter events have none. */
static bool creator_name(const struct fc_ctx *c, const struct fc_pevent *pe, bool raw,
                         struct fc_xv *out)
{
    const struct scap_event *ev = pe->ev;
    if (ev_direction(ev->type) != EV_DIR_X)
        return false;
    switch (ev->type) {
    case PPME_SYSCALL_OPEN_X:
    case PPME_SYSCALL_CREAT_X:
    case PPME_SOCKET_ACCEPT_X:
    case PPME_SOCKET_ACCEPT_5_X:
    case PPME_SOCKET_ACCEPT4_X:
    case PPME_SOCKET_ACCEPT4_5_X:
    case PPME_SOCKET_ACCEPT4_6_X:
    case PPME_SOCKET_CONNECT_X:
        return param_text(c, pe, 1, out);
    case PPME_SYSCALL_OPENAT_2_X:
    case PPME_SYSCALL_OPENAT2_X:
    case PPME_SYSCALL_OPENAT_X: /* the old layout keeps the path in the enter event */
        return openat_name(c, pe, raw, out);
    case PPME_SYSCALL_OPEN_BY_HANDLE_AT_X: {
        uint32_t n = 0;
        const char *p = param_str(ev, 3, &n);
        return fc_xv_str(out, p ? p : "", p ? n : 0);
    }
    default:
        return fc_xv_str(out, "", 0);
    }
}

/* fd.typechar without an entry: a guess from the event type. A plain open
 * is not among the file guesses (state-model.md §11.11). */
static char guess_typechar(uint16_t type)
{
    switch (type & ~1u) {
    case PPME_SYSCALL_OPENAT_E:
    case PPME_SYSCALL_OPENAT_2_E:
    case PPME_SYSCALL_OPENAT2_E:
    case PPME_SYSCALL_CREAT_E:
        return 'f';
    case PPME_SOCKET_SOCKET_E:
    case PPME_SOCKET_ACCEPT_E:
    case PPME_SOCKET_ACCEPT_5_E:
    case PPME_SOCKET_ACCEPT4_E:
    case PPME_SOCKET_ACCEPT4_5_E:
    case PPME_SOCKET_ACCEPT4_6_E:
        return '4';
    case PPME_SYSCALL_PIPE_E:
    case PPME_SYSCALL_PIPE2_E:
        return 'p';
    case PPME_SYSCALL_EVENTFD_E:
    case PPME_SYSCALL_EVENTFD2_E:
        return 'e';
    case PPME_SYSCALL_SIGNALFD_E:
    case PPME_SYSCALL_SIGNALFD4_E:
        return 's';
    case PPME_SYSCALL_TIMERFD_CREATE_E:
        return 't';
    case PPME_SYSCALL_INOTIFY_INIT_E:
    case PPME_SYSCALL_INOTIFY_INIT1_E:
        return 'i';
    default:
        return 'o';
    }
}

/* ---- path pieces, as libsinsp cuts them ---------------------------------- */

/* fd.directory of a file name: up to the last '/', "/" when that is the
 * first character or there is none; a name ending in '/' stays whole. */
static bool dir_part(const char *p, uint32_t n, struct fc_xv *out)
{
    const char *s = n ? memrchr(p, '/', n) : NULL;
    if (!s || s == p)
        return fc_xv_str(out, "/", 1);
    uint32_t pos = (uint32_t)(s - p);
    return fc_xv_str(out, p, pos < n - 1 ? pos : n);
}

/* fd.filename: after the last '/'; a name ending in '/' stays whole; "/"
 * when there is no '/'. */
static bool file_part(const char *p, uint32_t n, struct fc_xv *out)
{
    const char *s = n ? memrchr(p, '/', n) : NULL;
    if (!s)
        return fc_xv_str(out, "/", 1);
    uint32_t pos = (uint32_t)(s - p);
    return pos < n - 1 ? fc_xv_str(out, p + pos + 1, n - pos - 1) : fc_xv_str(out, p, n);
}

/* Repeated '/' collapsed, into scratch. */
static bool collapse_slashes(const struct fc_ctx *c, struct fc_xv *v)
{
    if (!v->len || !memmem(v->p, v->len, "//", 2))
        return true;
    char *d = scratch(c, (size_t)v->len + 1);
    if (!d)
        return false;
    uint32_t n = 0;
    for (uint32_t i = 0; i < v->len; i++)
        if (!(v->p[i] == '/' && n && d[n - 1] == '/'))
            d[n++] = v->p[i];
    d[n] = '\0';
    v->p = d;
    v->len = n;
    return true;
}

/* "<container id>:" + v, the id empty on the host. */
static bool with_container(const struct fc_ctx *c, const struct fc_pevent *pe, struct fc_xv *v)
{
    const struct fc_sb *id = &pe->thr->container_id;
    char *d = scratch(c, (size_t)id->len + 1 + v->len + 1);
    if (!d)
        return false;
    memcpy(d, fc_sb_str(id), id->len);
    d[id->len] = ':';
    if (v->len)
        memcpy(d + id->len + 1, v->p, v->len);
    d[id->len + 1 + v->len] = '\0';
    v->p = d;
    v->len = id->len + 1 + v->len;
    return true;
}

/* fd.name / fd.containername (fd.directory and fd.containerdirectory build
 * on the same source). */
static bool fd_name(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fd *fd,
                    struct fc_xv *out)
{
    if (!fd)
        return creator_name(c, pe, false, out);
    if (pe->ev->type == PPME_SOCKET_CONNECT_X) {
        int64_t res;
        if (fc_param_int(pe->ev, 0, &res) && res < 0)
            return creator_name(c, pe, false, out);
    }
    return put_sb(out, &fd->name);
}

static bool fd_directory(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fd *fd,
                         struct fc_xv *out)
{
    struct fc_xv v = {0};
    if (!fd) {
        if (!creator_name(c, pe, false, &v))
            return false;
        return dir_part(v.p, v.len, out);
    }
    if (is_file(fd))
        return dir_part(fc_sb_str(&fd->name), fd->name.len, out);
    if (fd->type == FC_FD_DIRECTORY)
        return put_sb(out, &fd->name);
    return false;
}

/* ---- sockets ------------------------------------------------------------ */

/* Is the client end an address of this machine (or of the thread's
 * container)? Decides which end is local. */
static bool client_is_local(const struct fc_pevent *pe, const struct fc_fd *fd)
{
    return pe->st && fc_state_is_local(pe->st, pe->thr, ip_family(fd), fd->sip);
}

enum end { END_CLIENT, END_SERVER, END_LOCAL, END_REMOTE };

/* The tuple end a connected-socket field reads: client = source. */
static bool end_is_source(const struct fc_pevent *pe, const struct fc_fd *fd, enum end e)
{
    switch (e) {
    case END_CLIENT:
        return true;
    case END_SERVER:
        return false;
    case END_LOCAL:
        return client_is_local(pe, fd);
    default:
        return !client_is_local(pe, fd);
    }
}

/* fd.cip / sip / lip / rip and their nets: a known role first (libsinsp
 * asks it of listening sockets too, which a bind gives them but the /proc
 * scan does not); listening sockets then answer only the server end. */
static bool sock_ip(const struct fc_pevent *pe, const struct fc_fd *fd, enum end e, bool net,
                    struct fc_xv *out)
{
    if (role_none(fd))
        return false;
    if (is_servsock(fd))
        return e == END_SERVER && put_ip(out, ip_family(fd), fd->sip, net);
    if (!is_sock(fd))
        return false;
    return put_ip(out, ip_family(fd), end_is_source(pe, fd, e) ? fd->sip : fd->dip, net);
}

static bool sock_port(const struct fc_pevent *pe, const struct fc_fd *fd, enum end e,
                      uint16_t *port)
{
    if (is_servsock(fd)) {
        *port = fd->sport;
        return e == END_SERVER;
    }
    if (!is_sock(fd) || role_none(fd))
        return false;
    *port = end_is_source(pe, fd, e) ? fd->sport : fd->dport;
    return true;
}

static bool put_port_text(const struct fc_ctx *c, uint16_t port, struct fc_xv *out)
{
    char tmp[8];
    int n = snprintf(tmp, sizeof(tmp), "%u", (unsigned)port);
    return fc_xv_str(out, fc_x_strdup(c, tmp, (uint32_t)n), (size_t)n);
}

/* fd.cproto / sproto / lproto / rproto: the port as text (no service-name
 * resolution). libsinsp only renders connected sockets: any other fd with
 * a role gives "", and so does a listening socket's fd.sproto. */
static bool sock_proto(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fd *fd,
                       enum end e, struct fc_xv *out)
{
    uint16_t port;
    if (is_sock(fd))
        return !role_none(fd) && sock_port(pe, fd, e, &port) && put_port_text(c, port, out);
    if (e == END_CLIENT)
        return !role_none(fd) && fc_xv_str(out, "", 0);
    if (e == END_SERVER)
        return is_servsock(fd) && fc_xv_str(out, "", 0);
    return false;
}

/* fd.l4proto: raw sockets always say so; other connected sockets only once
 * their role is known; non-sockets "<NA>". */
static const char *l4proto_text(const struct fc_fd *fd)
{
    int p = FC_L4_NA;
    if (is_sock(fd))
        p = fd->l4proto == FC_L4_RAW ? FC_L4_RAW : role_none(fd) ? FC_L4_NA : fd->l4proto;
    else if (is_servsock(fd))
        p = fd->l4proto;
    switch (p) {
    case FC_L4_TCP:
        return "tcp";
    case FC_L4_UDP:
        return "udp";
    case FC_L4_ICMP:
        return "icmp";
    case FC_L4_RAW:
        return "raw";
    default:
        return "<NA>";
    }
}

/* fd.ip, fd.port, fd.proto, fd.net read both ends: position 0 is the
 * client (source) end, 1 the server end; a listening socket has its bound
 * end only. No role is needed, as in libsinsp's comparisons. */
static uint32_t either_count(const struct fc_fd *fd)
{
    return !fd ? 0 : is_sock(fd) ? 2 : is_servsock(fd) ? 1 : 0;
}

static bool either_end(const struct fc_fd *fd, uint32_t i, bool port, bool net, struct fc_xv *out)
{
    if (i >= either_count(fd))
        return false;
    bool src = i == 0; /* a listening socket's bound end is its source */
    if (port)
        return fc_xv_num(out, src ? fd->sport : fd->dport);
    return put_ip(out, ip_family(fd), src ? fd->sip : fd->dip, net);
}

/* ---- fd.types ----------------------------------------------------------- */

struct type_set {
    const char *names[FC_FD_TYPE_MAX];
    uint32_t n;
};

static bool add_type(void *ud, const struct fc_fd *fd)
{
    struct type_set *s = ud;
    const char *t = type_text(fd->type);
    for (uint32_t k = 0; k < s->n; k++)
        if (s->names[k] == t)
            return true;
    if (s->n < FC_FD_TYPE_MAX)
        s->names[s->n++] = t;
    return true;
}

static void fd_types(const struct fc_pevent *pe, struct type_set *s)
{
    s->n = 0;
    if (pe->st)
        fc_state_fd_each(pe->st, pe->thr, add_type, s);
}

/* ---- fdlist.* ----------------------------------------------------------- */

/* Appends src to buf (snprintf-style: counts what does not fit). */
static void cat(char *buf, size_t cap, size_t *n, const char *src, size_t len)
{
    if (*n < cap) {
        size_t k = cap - *n < len ? cap - *n : len;
        memcpy(buf + *n, src, k);
    }
    *n += len;
}

static void cat_ip(char *buf, size_t cap, size_t *n, int family, const uint8_t *a)
{
    char t[INET6_ADDRSTRLEN];
    inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, t, sizeof(t));
    cat(buf, cap, n, t, strlen(t));
}

static void cat_u(char *buf, size_t cap, size_t *n, uint64_t v, bool is_signed)
{
    char t[24];
    int k = is_signed ? snprintf(t, sizeof(t), "%" PRId64, (int64_t)v)
                      : snprintf(t, sizeof(t), "%" PRIu64, v);
    cat(buf, cap, n, t, (size_t)k);
}

/* One fd of the list rendered for field id; false when it adds nothing. */
static bool fdlist_item(const struct fc_pevent *pe, int id, int64_t num, char *buf, size_t cap,
                        size_t *n)
{
    const struct fc_fd *fd = pe->st ? fc_state_fd(pe->st, pe->thr, num) : NULL;
    switch (id) {
    case FC_F_FDLIST_NUMS:
        cat_u(buf, cap, n, (uint64_t)num, true);
        return true;
    case FC_F_FDLIST_NAMES:
        if (fd && fd->name.len)
            cat(buf, cap, n, fc_sb_str(&fd->name), fd->name.len);
        else
            cat(buf, cap, n, "<NA>", 4);
        return true;
    case FC_F_FDLIST_CIPS:
        if (!fd || !is_sock(fd))
            return false;
        cat_ip(buf, cap, n, ip_family(fd), fd->sip);
        return true;
    case FC_F_FDLIST_SIPS:
        if (!fd || !(is_sock(fd) || is_servsock(fd)))
            return false;
        if (fd->type == FC_FD_IPV6_SERVSOCK) /* libsinsp prints these as IPv4 */
            cat_ip(buf, cap, n, 4, fd->sip);
        else
            cat_ip(buf, cap, n, ip_family(fd), is_sock(fd) ? fd->dip : fd->sip);
        return true;
    case FC_F_FDLIST_CPORTS:
    case FC_F_FDLIST_SPORTS:
        if (!fd || !is_sock(fd))
            return false;
        cat_u(buf, cap, n, id == FC_F_FDLIST_CPORTS ? fd->sport : fd->dport, false);
        return true;
    default:
        return false;
    }
}

/* The comma-separated list into buf; returns its full length. */
static size_t fdlist_render(const struct fc_pevent *pe, int id, const uint8_t *p, uint32_t len,
                            char *buf, size_t cap)
{
    size_t n = 0;
    uint16_t count;
    memcpy(&count, p, 2);
    for (uint32_t j = 0; j < count && 2 + (j + 1) * 10 <= len; j++) {
        int64_t num;
        memcpy(&num, p + 2 + j * 10, 8);
        if (fdlist_item(pe, id, num, buf, cap, &n))
            cat(buf, cap, &n, ",", 1);
    }
    return n ? n - 1 : 0; /* the last comma goes */
}

static bool fdlist(const struct fc_ctx *c, const struct fc_pevent *pe, int id, struct fc_xv *out)
{
    uint32_t idx;
    switch (pe->ev->type) {
    case PPME_SYSCALL_POLL_E:
    case PPME_SYSCALL_PPOLL_E:
        idx = 0;
        break;
    case PPME_SYSCALL_POLL_X:
    case PPME_SYSCALL_PPOLL_X:
        idx = 1;
        break;
    default:
        return false;
    }
    enum ppm_param_type t;
    const uint8_t *p;
    uint32_t len;
    if (!pe->thr || !fc_param_get(pe->ev, idx, &t, &p, &len) || len < 2)
        return false;
    size_t n = fdlist_render(pe, id, p, len, NULL, 0);
    if (!n)
        return false;
    char *buf = scratch(c, n + 1);
    if (!buf)
        return false;
    fdlist_render(pe, id, p, len, buf, n + 1);
    buf[n] = '\0';
    return fc_xv_str(out, buf, n);
}

/* ---- the extractor ------------------------------------------------------ */

bool fc_x_fd(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f,
             uint32_t i, struct fc_xv *out)
{
    if (!pe->ev)
        return false;
    int id = (int)f->field;
    if (id >= FC_F_FDLIST_NUMS && id <= FC_F_FDLIST_SPORTS)
        return i == 0 && fdlist(c, pe, id, out);
    if (!is_fd_event(pe->ev) || !pe->thr)
        return false;
    const struct fc_fd *fd = event_fd(pe);

    switch (id) { /* the multi-valued ones first */
    case FC_F_FD_IP:
        return either_end(fd, i, false, false, out);
    case FC_F_FD_NET:
        return either_end(fd, i, false, true, out);
    case FC_F_FD_PORT:
    case FC_F_FD_PROTO:
        return either_end(fd, i, true, false, out);
    case FC_F_FD_TYPES:
        if (f->argkind == FC_ARGV_INDEX) {
            const struct fc_fd *n = pe->st ? fc_state_fd(pe->st, pe->thr, (int64_t)f->index) : NULL;
            return i == 0 && n && fc_xv_cstr(out, type_text(n->type));
        } else {
            struct type_set s;
            fd_types(pe, &s);
            return i < s.n && fc_xv_cstr(out, s.names[i]);
        }
    default:
        break;
    }
    if (i != 0)
        return false;

    /* fields with a value even without an entry */
    switch (id) {
    case FC_F_FD_NUM:
        return fc_xv_num(out, (uint64_t)pe->fdnum);
    case FC_F_FD_UID: {
        char tmp[48];
        int n = snprintf(tmp, sizeof(tmp), "%" PRId64 "%" PRId64, pe->thr->tid, pe->fdnum);
        return fc_xv_str(out, fc_x_strdup(c, tmp, (uint32_t)n), (size_t)n);
    }
    case FC_F_FD_TYPECHAR: {
        char ch = fd ? fc_fd_type_char(fd->type) : guess_typechar(pe->ev->type);
        return fc_xv_str(out, fc_x_strdup(c, &ch, 1), 1);
    }
    case FC_F_FD_NAME:
        return fd_name(c, pe, fd, out);
    case FC_F_FD_CONTAINERNAME:
        return fd_name(c, pe, fd, out) && with_container(c, pe, out);
    case FC_F_FD_DIRECTORY:
        return fd_directory(c, pe, fd, out);
    case FC_F_FD_CONTAINERDIRECTORY:
        return fd_directory(c, pe, fd, out) && with_container(c, pe, out);
    case FC_F_FD_NAMERAW:
        if (fd ? !put_sb(out, &fd->name_raw) : !creator_name(c, pe, true, out))
            return false;
        return collapse_slashes(c, out);
    default:
        break;
    }
    if (!fd)
        return false;

    uint16_t port;
    switch (id) {
    case FC_F_FD_TYPE:
        return fc_xv_cstr(out, type_text(fd->type));
    case FC_F_FD_FILENAME:
        return is_file(fd) && file_part(fc_sb_str(&fd->name), fd->name.len, out);
    case FC_F_FD_CIP:
        return sock_ip(pe, fd, END_CLIENT, false, out);
    case FC_F_FD_SIP:
        return sock_ip(pe, fd, END_SERVER, false, out);
    case FC_F_FD_LIP:
        return sock_ip(pe, fd, END_LOCAL, false, out);
    case FC_F_FD_RIP:
        return sock_ip(pe, fd, END_REMOTE, false, out);
    case FC_F_FD_CNET:
        return sock_ip(pe, fd, END_CLIENT, true, out);
    case FC_F_FD_SNET:
        return sock_ip(pe, fd, END_SERVER, true, out);
    case FC_F_FD_LNET:
        return sock_ip(pe, fd, END_LOCAL, true, out);
    case FC_F_FD_RNET:
        return sock_ip(pe, fd, END_REMOTE, true, out);
    case FC_F_FD_CPORT:
        return sock_port(pe, fd, END_CLIENT, &port) && fc_xv_num(out, port);
    case FC_F_FD_SPORT:
        return sock_port(pe, fd, END_SERVER, &port) && fc_xv_num(out, port);
    case FC_F_FD_LPORT:
        return sock_port(pe, fd, END_LOCAL, &port) && fc_xv_num(out, port);
    case FC_F_FD_RPORT:
        return sock_port(pe, fd, END_REMOTE, &port) && fc_xv_num(out, port);
    case FC_F_FD_CPROTO:
        return sock_proto(c, pe, fd, END_CLIENT, out);
    case FC_F_FD_SPROTO:
        return sock_proto(c, pe, fd, END_SERVER, out);
    case FC_F_FD_LPROTO:
        return sock_proto(c, pe, fd, END_LOCAL, out);
    case FC_F_FD_RPROTO:
        return sock_proto(c, pe, fd, END_REMOTE, out);
    case FC_F_FD_L4PROTO:
        return fc_xv_cstr(out, l4proto_text(fd));
    case FC_F_FD_SOCKFAMILY:
        if (is_sock(fd) || is_servsock(fd))
            return fc_xv_str(out, "ip", 2);
        return fd->type == FC_FD_UNIX_SOCK && fc_xv_str(out, "unix", 4);
    case FC_F_FD_IS_SERVER:
        if (is_servsock(fd))
            return fc_xv_num(out, 1);
        return fc_xv_num(out, is_sock(fd) && pe->st &&
                                  fc_state_is_local(pe->st, pe->thr, ip_family(fd), fd->dip));
    case FC_F_FD_CONNECTED:
        return fc_xv_num(out, (fd->flags & FC_FDF_CONNECTED) != 0);
    case FC_F_FD_NAME_CHANGED:
        return fc_xv_num(out, pe->fd_name_changed);
    case FC_F_FD_DEV:
        return fc_xv_num(out, fd->dev);
    case FC_F_FD_DEV_MAJOR: /* the kernel's new_encode_dev layout */
        return fc_xv_num(out, (fd->dev & 0xfff00u) >> 8);
    case FC_F_FD_DEV_MINOR:
        return fc_xv_num(out, (fd->dev & 0xffu) | ((fd->dev >> 12) & 0xfff00u));
    case FC_F_FD_INO:
        return fc_xv_num(out, fd->ino);
    case FC_F_FD_IS_UPPER_LAYER:
        return fc_xv_num(out, (fd->flags & FC_FDF_OVERLAY_UPPER) != 0);
    case FC_F_FD_IS_LOWER_LAYER:
        return fc_xv_num(out, (fd->flags & FC_FDF_OVERLAY_LOWER) != 0);
    default: /* fd.*ip.name: no DNS cache here */
        return false;
    }
}

uint32_t fc_xc_fd(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f)
{
    if (pe->ev && is_fd_event(pe->ev) && pe->thr) {
        switch (f->field) {
        case FC_F_FD_IP:
        case FC_F_FD_NET:
        case FC_F_FD_PORT:
        case FC_F_FD_PROTO:
            return either_count(event_fd(pe));
        case FC_F_FD_TYPES:
            if (f->argkind != FC_ARGV_INDEX) {
                struct type_set s;
                fd_types(pe, &s);
                return s.n;
            }
            break;
        default:
            break;
        }
    }
    struct fc_xv v = {0};
    return fc_x_fd(c, pe, f, 0, &v) ? 1 : 0;
}
