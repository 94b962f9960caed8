/*
 * state_fd.c - fd-table effects of syscall exits (state-model.md §3.3):
 * opens, sockets and their tuples, dup/fcntl, pipes, close, and the
 * single-entry fd kinds (eventfd, epoll, ...). Socket entries keep the
 * client -> server orientation of §3.5.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "state_int.h"

#define PPM_O_DIRECTORY (1u << 10)
#define PPM_O_CLOEXEC (1u << 12)
#define PPM_FD_UPPER_LAYER (1u << 15)
#define PPM_FD_LOWER_LAYER (1u << 16)
#define AT_FDCWD_VAL (-100)
#define EINPROGRESS_NEG (-115)

enum { FAM_UNIX = 1, FAM_INET = 2, FAM_INET6 = 10, FAM_NETLINK = 16 };

/* A decoded socket address or tuple. */
struct sock {
    int family; /* 0 unknown, 4, 6, 1 (unix) */
    uint8_t sip[16], dip[16];
    uint16_t sport, dport;
    uint64_t usrc, udst;
    const char *path;
    size_t path_len;
};

static uint16_t rd16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* SOCKTUPLE: family, then src/dst addresses and ports, or two unix socket
 * addresses and a path. IPv4-mapped IPv6 pairs become IPv4. */
static bool parse_tuple(struct pv v, struct sock *s)
{
    memset(s, 0, sizeof(*s));
    if (!v.p || v.len < 1)
        return false;
    switch (v.p[0]) {
    case FAM_INET:
        if (v.len < 13)
            return false;
        s->family = 4;
        memcpy(s->sip, v.p + 1, 4);
        s->sport = rd16(v.p + 5);
        memcpy(s->dip, v.p + 7, 4);
        s->dport = rd16(v.p + 11);
        return true;
    case FAM_INET6:
        if (v.len < 37)
            return false;
        /* a mapped end facing the unspecified address is IPv4 too */
        if ((fc_ip_v4_mapped(v.p + 1) || all_zero(v.p + 1, 16)) &&
            (fc_ip_v4_mapped(v.p + 19) || all_zero(v.p + 19, 16)) &&
            (fc_ip_v4_mapped(v.p + 1) || fc_ip_v4_mapped(v.p + 19))) {
            s->family = 4;
            memcpy(s->sip, v.p + 13, 4);
            memcpy(s->dip, v.p + 31, 4);
        } else {
            s->family = 6;
            memcpy(s->sip, v.p + 1, 16);
            memcpy(s->dip, v.p + 19, 16);
        }
        s->sport = rd16(v.p + 17);
        s->dport = rd16(v.p + 35);
        return true;
    case FAM_UNIX:
        if (v.len < 17)
            return false;
        s->family = 1;
        s->usrc = rd64(v.p + 1);
        s->udst = rd64(v.p + 9);
        s->path = (const char *)v.p + 17;
        s->path_len = strnlen(s->path, v.len - 17);
        if (s->path_len == 0 && v.len > 18) { /* abstract name: drop the leading NUL */
            s->path++;
            s->path_len = strnlen(s->path, v.len - 18);
        }
        return true;
    default:
        return false;
    }
}

/* SOCKADDR: family, then an address and port, or a path. */
static bool parse_addr(struct pv v, struct sock *s)
{
    memset(s, 0, sizeof(*s));
    if (!v.p || v.len < 1)
        return false;
    switch (v.p[0]) {
    case FAM_INET:
        if (v.len < 7)
            return false;
        s->family = 4;
        memcpy(s->dip, v.p + 1, 4);
        s->dport = rd16(v.p + 5);
        return true;
    case FAM_INET6:
        if (v.len < 19)
            return false;
        if (fc_ip_v4_mapped(v.p + 1)) {
            s->family = 4;
            memcpy(s->dip, v.p + 13, 4);
        } else {
            s->family = 6;
            memcpy(s->dip, v.p + 1, 16);
        }
        s->dport = rd16(v.p + 17);
        return true;
    case FAM_UNIX:
        s->family = 1;
        s->path = (const char *)v.p + 1;
        s->path_len = strnlen(s->path, v.len - 1);
        if (s->path_len == 0 && v.len > 2) {
            s->path++;
            s->path_len = strnlen(s->path, v.len - 2);
        }
        return true;
    default:
        return false;
    }
}

static size_t put_ip(char *b, size_t cap, int family, const uint8_t *ip)
{
    if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, ip, b, (socklen_t)cap))
        b[0] = 0;
    return strlen(b);
}

void st_fd_render_name(struct fc_fd *f)
{
    char b[160], s[64], d[64];
    int fam = f->type == FC_FD_IPV6_SOCK || f->type == FC_FD_IPV6_SERVSOCK ? 6 : 4;
    int n = 0;
    switch (f->type) {
    case FC_FD_IPV4_SOCK:
    case FC_FD_IPV6_SOCK:
        put_ip(s, sizeof(s), fam, f->sip);
        put_ip(d, sizeof(d), fam, f->dip);
        if (f->l4proto == FC_L4_ICMP || f->l4proto == FC_L4_RAW)
            n = snprintf(b, sizeof(b), "%s->%s", s, d);
        else
            n = snprintf(b, sizeof(b), "%s:%u->%s:%u", s, f->sport, d, f->dport);
        break;
    case FC_FD_IPV4_SERVSOCK:
    case FC_FD_IPV6_SERVSOCK:
        put_ip(s, sizeof(s), fam, f->sip);
        n = snprintf(b, sizeof(b), "%s:%u", s, f->sport);
        break;
    default:
        return;
    }
    if (n > 0)
        sb_set(&f->name, b, (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

static void render_unix(struct fc_fd *f, const char *path, size_t len)
{
    char b[4200];
    int n = snprintf(b, sizeof(b), "%" PRIx64 "->%" PRIx64 " %.*s", f->unix_src, f->unix_dst,
                     (int)(len < 4096 ? len : 4096), path ? path : "");
    if (n > 0)
        sb_set(&f->name, b, (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

static void set_tuple(struct fc_fd *f, const struct sock *s)
{
    memset(f->sip, 0, 16);
    memset(f->dip, 0, 16);
    memcpy(f->sip, s->sip, s->family == 6 ? 16 : 4);
    memcpy(f->dip, s->dip, s->family == 6 ? 16 : 4);
    f->sport = s->sport;
    f->dport = s->dport;
}

/* The value of the first parameter (the returned fd or result). */
static bool ret0(const struct scap_event *ev, int64_t *out)
{
    return ev->nparams > 0 && pv_i64((struct pv){ev->param[0], ev->len[0]}, out);
}

static struct fc_fd *new_fd(struct fc_state *st, struct thr *t, int64_t fd, uint8_t type,
                            struct fc_pevent *pe)
{
    struct fc_fd *f = st_fd_add(st, t, fd);
    if (!f)
        return NULL;
    f->type = type;
    pe->fd = f;
    pe->fdnum = fd;
    return f;
}

static void parse_open(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                       enum st_kind k, struct fc_pevent *pe)
{
    int64_t fd;
    if (!ret0(ev, &fd) || fd < 0)
        return;
    struct pv path = sp_get(t, ev, k == K_OPEN_BY_HANDLE ? SP_PATH : SP_NAME);
    const char *p = path.p ? (const char *)path.p : "";
    size_t plen = path.p ? pv_strlen(path) : 0;
    uint64_t flags = 0;
    if (k != K_CREAT)
        pv_u64(sp_get(t, ev, SP_FLAGS), &flags);
    else {
        uint64_t cf = 0;
        if (pv_u64(sp_get(t, ev, SP_CREAT_FLAGS), &cf))
            flags = (cf & 1 ? PPM_FD_UPPER_LAYER : 0) | (cf & 2 ? PPM_FD_LOWER_LAYER : 0);
    }
    /* the base directory (§3.4) */
    struct thr *m = st_main(st, t);
    char base[4200];
    size_t blen = 0;
    if (plen == 0 || p[0] != '/') {
        int64_t dirfd = AT_FDCWD_VAL;
        if (k == K_OPENAT)
            get_i64(t, ev, SP_DIRFD, &dirfd);
        if (dirfd == AT_FDCWD_VAL) {
            if (m && m->t.cwd.p && m->t.cwd.len < sizeof(base)) {
                memcpy(base, m->t.cwd.p, m->t.cwd.len);
                blen = m->t.cwd.len;
            }
        } else {
            struct fc_fd *d = st_fd_get(st, t, dirfd);
            const char *dn = d ? fc_sb_str(&d->name) : "<UNKNOWN>";
            size_t dl = d ? d->name.len : 9;
            if (dl + 2 < sizeof(base)) {
                memcpy(base, dn, dl);
                blen = dl;
                if (!blen || base[blen - 1] != '/')
                    base[blen++] = '/';
            }
        }
    }
    size_t n = fc_path_join(base, blen, p, plen, st->scratch, sizeof(st->scratch));
    struct fc_fd *f =
        new_fd(st, t, fd, (flags & PPM_O_DIRECTORY) ? FC_FD_DIRECTORY : FC_FD_FILE_V2, pe);
    if (!f)
        return;
    sb_set(&f->name, st->scratch, n);
    sb_set(&f->name_raw, p, plen);
    f->openflags = (uint32_t)flags;
    if (flags & PPM_FD_UPPER_LAYER)
        f->flags |= FC_FDF_OVERLAY_UPPER;
    if (flags & PPM_FD_LOWER_LAYER)
        f->flags |= FC_FDF_OVERLAY_LOWER;
    uint64_t u;
    if (pv_u64(sp_get(t, ev, SP_DEV), &u))
        f->dev = (uint32_t)u;
    if (pv_u64(sp_get(t, ev, SP_INO), &u))
        f->ino = u;
}

static void parse_socket(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                         struct fc_pevent *pe)
{
    int64_t fd;
    if (!ret0(ev, &fd) || fd < 0)
        return;
    uint64_t domain = 0, type = 0, proto = 0, flags = 0;
    pv_u64(sp_get(t, ev, SP_DOMAIN), &domain);
    pv_u64(sp_get(t, ev, SP_TYPE), &type);
    pv_u64(sp_get(t, ev, SP_PROTO), &proto);
    pv_u64(sp_get(t, ev, SP_FLAGS), &flags);
    uint8_t ftype = FC_FD_UNKNOWN, l4 = FC_L4_UNKNOWN;
    if (domain == FAM_UNIX) {
        ftype = FC_FD_UNIX_SOCK;
    } else if (domain == FAM_INET || domain == FAM_INET6) {
        ftype = domain == FAM_INET ? FC_FD_IPV4_SOCK : FC_FD_IPV6_SOCK;
        unsigned st_type = (unsigned)(type & 0xf);
        if (proto == 6)
            l4 = FC_L4_TCP;
        else if (proto == 17)
            l4 = FC_L4_UDP;
        else if (proto == 1 || proto == 58)
            l4 = FC_L4_ICMP;
        else if (st_type == 3)
            l4 = FC_L4_RAW;
        else if (proto == 0 && st_type == 1)
            l4 = FC_L4_TCP;
        else if (proto == 0 && st_type == 2)
            l4 = FC_L4_UDP;
        if (st_type == 3 && proto != 1 && proto != 58)
            l4 = FC_L4_RAW;
    } else if (domain == FAM_NETLINK) {
        ftype = FC_FD_NETLINK;
    }
    struct fc_fd *f = new_fd(st, t, fd, ftype, pe);
    if (!f)
        return;
    f->l4proto = l4;
    f->openflags = (uint32_t)flags;
}

static void parse_bind(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                       struct fc_pevent *pe)
{
    (void)st;
    int64_t res;
    struct fc_fd *f = pe->fd;
    if (!f || !ret0(ev, &res) || res < 0)
        return;
    struct sock s;
    if (!parse_addr(sp_get(t, ev, SP_ADDR), &s))
        return;
    if (s.family == 1) {
        sb_set(&f->name, s.path, s.path_len);
        return;
    }
    if (s.dport > 0) {
        f->type = s.family == 6 ? FC_FD_IPV6_SERVSOCK : FC_FD_IPV4_SERVSOCK;
        memset(f->sip, 0, 16);
        memcpy(f->sip, s.dip, s.family == 6 ? 16 : 4);
        f->sport = s.dport;
        f->flags |= FC_FDF_ROLE_SERVER;
        st_fd_render_name(f);
    } else {
        char b[80], ip[64];
        put_ip(ip, sizeof(ip), s.family, s.dip);
        int n = snprintf(b, sizeof(b), "%s:%u", ip, s.dport);
        if (n > 0)
            sb_set(&f->name, b, (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
    }
}

/* A parameter of the event itself, never of its enter half. */
static struct pv own_param(const struct scap_event *ev, enum sp which)
{
    int i = sp_index(ev->type, which);
    if (i < 0 || (uint32_t)i >= ev->nparams || !ev->len[i])
        return (struct pv){NULL, 0};
    return (struct pv){ev->param[i], ev->len[i]};
}

/* A parameter of the thread's stored enter half of ev's syscall. */
static struct pv enter_param(const struct thr *t, const struct scap_event *ev, enum sp which)
{
    if (!t || t->enter.type != ev->type - 1 || t->enter.used_at)
        return (struct pv){NULL, 0};
    int i = sp_index(t->enter.type, which);
    if (i < 0 || i >= t->enter.n || !t->enter.len[i])
        return (struct pv){NULL, 0};
    return (struct pv){(const uint8_t *)t->enter.buf.p + t->enter.off[i], t->enter.len[i]};
}

static bool same_dest(const struct sock *x, const struct sock *y)
{
    return x->family == y->family && x->dport == y->dport &&
           !memcmp(x->dip, y->dip, x->family == 6 ? 16 : 4);
}

static void parse_connect(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                          struct fc_pevent *pe)
{
    (void)st;
    int64_t res;
    struct fc_fd *f = pe->fd;
    if (!f || !ret0(ev, &res) || (res < 0 && res != EINPROGRESS_NEG))
        return;
    /* The address read at entry is what the kernel connected to; the
     * exit's copy was read again from user memory afterwards and may have
     * been changed in between (§3.3, TOCTOU). */
    struct sock s, a, x;
    bool has_t = parse_tuple(sp_get(t, ev, SP_TUPLE), &s);
    bool has_entry = parse_addr(enter_param(t, ev, SP_ADDR), &a);
    bool has_exit = parse_addr(own_param(ev, SP_ADDR), &x);
    if (!has_entry && has_exit)
        a = x;
    bool has_a = has_entry || has_exit;
    if (!has_t && !has_a)
        return;
    if (!has_t) {
        s = a;
        memset(s.sip, 0, 16);
        s.sport = 0;
    } else if (has_a && s.family == a.family && s.family != 1 &&
               ((all_zero(s.dip, s.family == 6 ? 16 : 4) && s.dport == 0) ||
                (has_entry && has_exit && same_dest(&s, &x)))) {
        memcpy(s.dip, a.dip, 16);
        s.dport = a.dport;
    }
    f->flags |= FC_FDF_CONNECTED;
    if (res == EINPROGRESS_NEG)
        f->flags |= FC_FDF_CONN_PENDING;
    else
        f->flags &= (uint16_t)~FC_FDF_CONN_PENDING;
    if (s.family == 1) {
        f->type = FC_FD_UNIX_SOCK;
        f->unix_src = s.usrc;
        f->unix_dst = s.udst;
        const char *path = s.path_len ? s.path : (has_a && a.family == 1 ? a.path : "");
        size_t plen = s.path_len ? s.path_len : (has_a && a.family == 1 ? a.path_len : 0);
        render_unix(f, path, plen);
        if (!(f->flags & (FC_FDF_ROLE_CLIENT | FC_FDF_ROLE_SERVER)))
            f->flags |= FC_FDF_ROLE_CLIENT;
        return;
    }
    bool was_udp_server = (f->flags & FC_FDF_ROLE_SERVER) && f->l4proto == FC_L4_UDP;
    if (f->type == FC_FD_IPV4_SERVSOCK || f->type == FC_FD_UNKNOWN || f->type == FC_FD_IPV4_SOCK ||
        f->type == FC_FD_IPV6_SOCK || f->type == FC_FD_IPV6_SERVSOCK)
        f->type = s.family == 6 ? FC_FD_IPV6_SOCK : FC_FD_IPV4_SOCK;
    set_tuple(f, &s);
    if (was_udp_server)
        fd_swap_ends(f);
    if (!(f->flags & (FC_FDF_ROLE_CLIENT | FC_FDF_ROLE_SERVER)))
        f->flags |= FC_FDF_ROLE_CLIENT;
    if (f->l4proto == FC_L4_UNKNOWN || f->l4proto == FC_L4_NA) {
        sb_setz(&f->name, "<unknown>");
        return;
    }
    st_fd_render_name(f);
}

static void parse_accept(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                         struct fc_pevent *pe)
{
    int64_t fd;
    if (!ret0(ev, &fd) || fd < 0)
        return;
    struct sock s;
    bool has = parse_tuple(sp_get(t, ev, SP_TUPLE), &s);
    uint8_t type = !has            ? FC_FD_UNKNOWN
                   : s.family == 1 ? FC_FD_UNIX_SOCK
                   : s.family == 6 ? FC_FD_IPV6_SOCK
                                   : FC_FD_IPV4_SOCK;
    struct fc_fd *f = new_fd(st, t, fd, type, pe);
    if (!f || !has)
        return;
    f->flags |= FC_FDF_ROLE_SERVER | FC_FDF_CONNECTED;
    if (s.family == 1) {
        f->unix_src = s.usrc;
        f->unix_dst = s.udst;
        render_unix(f, s.path, s.path_len);
        return;
    }
    f->l4proto = FC_L4_TCP;
    set_tuple(f, &s);
    st_fd_render_name(f);
}

static void parse_dup(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                      enum st_kind k, struct fc_pevent *pe)
{
    int64_t res;
    if (!ret0(ev, &res) || res < 0)
        return;
    struct fc_fd *old = pe->fd;
    bool cloexec = false;
    if (k == K_FCNTL) {
        uint64_t cmd = 0;
        pv_u64(sp_get(t, ev, SP_CMD), &cmd);
        if (cmd == 0x3) { /* F_SETFD: FD_CLOEXEC is bit 0 of arg */
            uint64_t arg = 0;
            if (old && pv_u64(sp_get(t, ev, SP_ARG), &arg)) {
                if (arg & 1)
                    old->openflags |= PPM_O_CLOEXEC;
                else
                    old->openflags &= ~PPM_O_CLOEXEC;
            }
            return;
        }
        if (cmd != 0x1 && cmd != 0x1a)
            return;
        cloexec = cmd == 0x1a;
    } else {
        uint64_t fl = 0;
        if (pv_u64(sp_get(t, ev, SP_FLAGS), &fl))
            cloexec = fl & PPM_O_CLOEXEC;
        if (res == 0)
            t->t.flags |= FC_CL_PIPE_DST;
        else if (res == 1)
            t->t.flags |= FC_CL_PIPE_SRC;
    }
    if (!old || old->fd == res)
        return;
    /* entries are allocated one by one: old stays valid while the table grows */
    struct fc_fd *f = st_fd_add(st, t, res);
    if (!f)
        return;
    st_fd_copy(f, old);
    if (cloexec)
        f->openflags |= PPM_O_CLOEXEC;
    else
        f->openflags &= ~PPM_O_CLOEXEC;
    pe->fd = f;
    pe->fdnum = res;
}

static void parse_pipe(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                       enum st_kind k, struct fc_pevent *pe)
{
    int64_t res, fd1, fd2;
    if (!ret0(ev, &res) || res < 0 || !get_i64(t, ev, SP_FD1, &fd1) ||
        !get_i64(t, ev, SP_FD2, &fd2))
        return;
    uint64_t ino = 0, flags = 0, src = 0, peer = 0;
    pv_u64(sp_get(t, ev, SP_INO), &ino);
    pv_u64(sp_get(t, ev, SP_FLAGS), &flags);
    pv_u64(sp_get(t, ev, SP_SOURCE), &src);
    pv_u64(sp_get(t, ev, SP_PEER), &peer);
    uint8_t type = k == K_SOCKETPAIR ? FC_FD_UNIX_SOCK : FC_FD_FIFO;
    struct fc_fd *a = new_fd(st, t, fd1, type, pe);
    if (a) {
        a->ino = ino;
        a->openflags = k == K_PIPE ? (uint32_t)flags : 0;
        a->unix_src = src;
        a->unix_dst = peer;
    }
    struct fc_fd *b = new_fd(st, t, fd2, type, pe);
    if (b) {
        b->ino = ino;
        b->openflags = k == K_PIPE ? (uint32_t)flags : 0;
        b->unix_src = peer;
        b->unix_dst = src;
    }
    pe->fdnum = fd2;
    pe->fd = k == K_SOCKETPAIR ? st_fd_get(st, t, fd1) : st_fd_get(st, t, fd2);
}

static void parse_simple(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                         struct fc_pevent *pe)
{
    int64_t fd;
    if (!(ev_flags(ev->type) & EF_CREATES_FD) || !ret0(ev, &fd) || fd < 0)
        return;
    const char *n = ev_name(ev->type);
    uint8_t type = FC_FD_UNKNOWN;
    bool own_cloexec = false; /* epoll's own bit 0 */
    if (!strncmp(n, "eventfd", 7))
        type = FC_FD_EVENT;
    else if (!strncmp(n, "signalfd", 8))
        type = FC_FD_SIGNALFD;
    else if (!strcmp(n, "timerfd_create"))
        type = FC_FD_TIMERFD;
    else if (!strncmp(n, "inotify", 7))
        type = FC_FD_INOTIFY;
    else if (!strncmp(n, "epoll", 5))
        type = FC_FD_EVENTPOLL, own_cloexec = true;
    else if (!strcmp(n, "bpf"))
        type = FC_FD_BPF;
    else if (!strcmp(n, "userfaultfd"))
        type = FC_FD_USERFAULTFD;
    else if (!strcmp(n, "io_uring_setup"))
        type = FC_FD_IOURING;
    struct fc_fd *f = new_fd(st, t, fd, type, pe);
    if (!f)
        return;
    uint64_t flags = 0;
    if (type != FC_FD_USERFAULTFD && type != FC_FD_IOURING && type != FC_FD_BPF &&
        pv_u64(sp_get(t, ev, SP_FLAGS), &flags))
        f->openflags = own_cloexec ? ((flags & 1) ? PPM_O_CLOEXEC : 0) : (uint32_t)flags;
}

static void parse_memfd(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                        struct fc_pevent *pe)
{
    int64_t fd;
    if (!ret0(ev, &fd) || fd < 0)
        return;
    struct fc_fd *f = new_fd(st, t, fd, FC_FD_MEMFD, pe);
    if (!f)
        return;
    struct pv n = sp_get(t, ev, SP_NAME);
    if (n.p)
        sb_set(&f->name, (const char *)n.p, pv_strlen(n));
    uint64_t flags = 0;
    if (pv_u64(sp_get(t, ev, SP_FLAGS), &flags))
        f->openflags = (flags & 1) ? PPM_O_CLOEXEC : 0; /* MFD_CLOEXEC */
}

static void parse_pidfd_open(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                             struct fc_pevent *pe)
{
    int64_t fd, pid = 0;
    if (!ret0(ev, &fd) || fd < 0)
        return;
    struct fc_fd *f = new_fd(st, t, fd, FC_FD_PIDFD, pe);
    if (!f)
        return;
    get_i64(t, ev, SP_PID, &pid);
    f->pid = pid;
    char b[40];
    int n = snprintf(b, sizeof(b), "/proc/%" PRId64, pid);
    sb_set(&f->name, b, (size_t)n);
}

static void parse_pidfd_getfd(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                              struct fc_pevent *pe)
{
    int64_t fd, pidfd, targetfd;
    if (!ret0(ev, &fd) || fd < 0 || ev->nparams < 3 ||
        !pv_i64((struct pv){ev->param[1], ev->len[1]}, &pidfd) ||
        !pv_i64((struct pv){ev->param[2], ev->len[2]}, &targetfd))
        return;
    struct fc_fd *pf = st_fd_get(st, t, pidfd);
    if (!pf || pf->type != FC_FD_PIDFD)
        return;
    struct thr *target = st_thread(st, pf->pid);
    struct fc_fd *src = target ? st_fd_get(st, target, targetfd) : NULL;
    if (!src)
        return;
    struct fc_fd *f = st_fd_add(st, t, fd);
    if (!f || f == src)
        return;
    st_fd_copy(f, src);
    f->openflags |= PPM_O_CLOEXEC;
    pe->fd = f;
    pe->fdnum = fd;
}

static bool is_inet(const struct fc_fd *f)
{
    return f->type == FC_FD_IPV4_SOCK || f->type == FC_FD_IPV6_SOCK;
}

static void parse_sendrecv(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                           struct fc_pevent *pe)
{
    int64_t res;
    if (!ret0(ev, &res) || res < 0)
        return;
    bool is_read = (ev_category(ev->type) & EC_CLASS_MASK) == EC_IO_READ;
    struct sock s;
    bool has = parse_tuple(sp_get(t, ev, SP_TUPLE), &s) && (s.family == 4 || s.family == 6);
    struct fc_fd *f = pe->fd;
    if (!f) {
        /* a sendto on an fd never seen: a UDP socket (§3.3). libsinsp infers
         * it for sendto only (infer_sendto_fdinfo), not sendmsg/sendmmsg. */
        bool sendto = ev->type == PPME_SOCKET_SENDTO_E || ev->type == PPME_SOCKET_SENDTO_X;
        if (is_read || !has || pe->fdnum < 0 || !sendto)
            return;
        f = new_fd(st, t, pe->fdnum, s.family == 6 ? FC_FD_IPV6_SOCK : FC_FD_IPV4_SOCK, pe);
        if (!f)
            return;
        f->l4proto = FC_L4_UDP;
    }
    bool serv = f->type == FC_FD_IPV4_SERVSOCK || f->type == FC_FD_IPV6_SERVSOCK;
    if (!is_inet(f) && !serv)
        return;
    if (serv && !has)
        return;
    /* connected only when it already was a connection socket: a datagram
     * on a bound socket turns it into one without marking it */
    if (!serv)
        f->flags |= FC_FDF_CONNECTED;
    if (!has || (!serv && f->name.len && f->l4proto == FC_L4_TCP))
        return;
    if (serv) /* datagrams on a bound socket: a UDP server */
        f->l4proto = FC_L4_UDP;
    if (f->l4proto == FC_L4_UNKNOWN)
        f->l4proto = FC_L4_UDP;
    /* The guess of §3.3 (server when the process holds the tuple's
     * destination port and not its source port as a client port) runs in
     * libsinsp after the tuple has been stored in this very entry, which
     * then holds both ports: the guess always falls to the direction. */
    if (!(f->flags & (FC_FDF_ROLE_CLIENT | FC_FDF_ROLE_SERVER)))
        f->flags |= is_read ? FC_FDF_ROLE_SERVER : FC_FDF_ROLE_CLIENT;
    set_tuple(f, &s);
    if (is_read ? (f->flags & FC_FDF_ROLE_CLIENT) : (f->flags & FC_FDF_ROLE_SERVER))
        fd_swap_ends(f);
    f->type = s.family == 6 ? FC_FD_IPV6_SOCK : FC_FD_IPV4_SOCK;
    if (s.family == 4) {
        bool server = f->flags & FC_FDF_ROLE_SERVER;
        uint8_t *local = server ? f->dip : f->sip;
        const uint8_t *remote = server ? f->sip : f->dip;
        if (all_zero(local, 4))
            st_infer_local_ip4(st, remote, local);
    }
    st_fd_render_name(f);
}

bool st_parse_fd_event(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                       struct fc_pevent *pe)
{
    enum st_kind k = st_kind(ev->type);
    int64_t res;
    switch (k) {
    case K_OPEN:
    case K_CREAT:
    case K_OPENAT:
    case K_OPEN_BY_HANDLE:
        parse_open(st, t, ev, k, pe);
        break;
    case K_SOCKET:
        parse_socket(st, t, ev, pe);
        break;
    case K_SOCKETPAIR:
    case K_PIPE:
        parse_pipe(st, t, ev, k, pe);
        break;
    case K_BIND:
        parse_bind(st, t, ev, pe);
        break;
    case K_CONNECT:
        parse_connect(st, t, ev, pe);
        break;
    case K_ACCEPT:
        parse_accept(st, t, ev, pe);
        break;
    case K_CLOSE:
        if (ret0(ev, &res) && res >= 0 && pe->fdnum >= 0)
            st_fd_defer_close(st, t, pe->fdnum);
        break;
    case K_CLOSE_RANGE: {
        uint64_t first = 0, last = 0, flags = 0;
        if (!ret0(ev, &res) || res < 0 || !pv_u64(sp_get(t, ev, SP_FIRST), &first) ||
            !pv_u64(sp_get(t, ev, SP_LAST), &last))
            break;
        pv_u64(sp_get(t, ev, SP_FLAGS), &flags);
        struct thr *m = st_main(st, t);
        if (!m)
            break;
        /* walk the table, not the (possibly huge) range */
        for (uint32_t i = 0; i < m->fds.n;) {
            struct fc_fd *f = m->fds.v[i];
            if ((uint64_t)f->fd < first || (uint64_t)f->fd > last) {
                i++;
            } else if (flags & 0x4) {
                f->openflags |= PPM_O_CLOEXEC;
                i++;
            } else {
                st_fd_del(st, m, f->fd);
            }
        }
        break;
    }
    case K_DUP:
    case K_FCNTL:
        parse_dup(st, t, ev, k, pe);
        break;
    case K_SIMPLE_FD:
        parse_simple(st, t, ev, pe);
        break;
    case K_MEMFD:
        parse_memfd(st, t, ev, pe);
        break;
    case K_PIDFD_OPEN:
        parse_pidfd_open(st, t, ev, pe);
        break;
    case K_PIDFD_GETFD:
        parse_pidfd_getfd(st, t, ev, pe);
        break;
    case K_SENDRECV:
        parse_sendrecv(st, t, ev, pe);
        break;
    case K_RW:
        if (pe->fd && is_inet(pe->fd) && ret0(ev, &res) && res >= 0)
            pe->fd->flags |= FC_FDF_CONNECTED;
        break;
    default:
        return false;
    }
    return true;
}
