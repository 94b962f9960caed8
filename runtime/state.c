/*
 * state.c - the state engine (fc_state.h, shared/spec/state-model.md):
 * thread table, thread groups, fd tables, users/groups, interfaces; the
 * capture's initial state; the per-event order of §1.2 and the process
 * events of §2.3-§2.7. fd events are in state_fd.c, container ids and
 * metadata in state_cgroup.c.
 *
 * Entries are recycled: removed threads, groups and fd entries go to free
 * lists with their string buffers, and new entries take them from there,
 * so a warm engine allocates only when a table grows past its peak.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_int.h"

#define NS_PER_S 1000000000ull
#define RECENT_NS (2 * NS_PER_S)       /* "recent" clone/exit window, §2.3 */
#define EXITED_RING 8192               /* recently exited (ptid, tid) pairs */
#define PURGE_FIRST_NS (30 * NS_PER_S) /* first inactive-thread scan */
#define PURGE_EVERY_NS (1200 * NS_PER_S)
#define INACTIVE_NS (1800 * NS_PER_S)
#define ENTER_COPY_MAX 4096 /* bytes of an enter event kept for its exit */
#define MAX_ANCESTOR_HOPS 4096

#define CL_CLONE_NEWPID (1u << 6)
#define CL_CLONE_PARENT (1u << 8)
#define CL_CLONE_NEWUSER (1u << 20)
#define O_CLOEXEC_BIT (1u << 12)

struct grp {
    int64_t pid;
    uint32_t nalive, nref;
    bool reaper;
    struct grp *hnext;
};

/* ------------------------------------------------------------------ */
/* strings */

static bool sb_reserve(struct fc_sb *s, size_t n)
{
    if (n + 1 <= s->cap)
        return true;
    if (n >= UINT32_MAX - 1)
        return false;
    size_t cap = s->cap ? s->cap : 16;
    while (cap < n + 1)
        cap *= 2;
    if (cap > UINT32_MAX)
        cap = UINT32_MAX;
    char *p = realloc(s->p, cap);
    if (!p)
        return false;
    s->p = p;
    s->cap = (uint32_t)cap;
    return true;
}

bool sb_set(struct fc_sb *s, const char *p, size_t n)
{
    s->n = 0;
    if (!sb_reserve(s, n)) {
        s->len = 0;
        if (s->p)
            s->p[0] = 0;
        return false;
    }
    if (n)
        memmove(s->p, p, n);
    s->p[n] = 0;
    s->len = (uint32_t)n;
    return true;
}

bool sb_copy(struct fc_sb *d, const struct fc_sb *s)
{
    bool ok = sb_set(d, s->p ? s->p : "", s->len);
    d->n = ok ? s->n : 0;
    return ok;
}

bool sb_set_list(struct fc_sb *s, const char *p, size_t n)
{
    /* every item ends with a NUL, the last one too */
    bool add_nul = n > 0 && p[n - 1] != 0;
    if (!sb_reserve(s, n + add_nul)) {
        s->len = s->n = 0;
        return false;
    }
    if (n)
        memmove(s->p, p, n);
    if (add_nul)
        s->p[n++] = 0;
    s->p[n] = 0;
    s->len = (uint32_t)n;
    uint32_t items = 0;
    for (size_t i = 0; i < n; i++)
        items += s->p[i] == 0;
    s->n = items;
    return true;
}

static void sb_clear(struct fc_sb *s)
{
    s->len = s->n = 0;
    if (s->p)
        s->p[0] = 0;
}

static void sb_free(struct fc_sb *s)
{
    free(s->p);
    *s = (struct fc_sb){0};
}

/* ------------------------------------------------------------------ */
/* parameters */

static int8_t g_sp[PPM_EVENT_MAX][SP_COUNT];
static int8_t g_fdpos[PPM_EVENT_MAX]; /* fd.num source: -1 none, -2 the enter's first param */
static uint8_t g_kind[PPM_EVENT_MAX];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static const char *const sp_names[SP_COUNT] = {
#define X(sym, name) name,
    STATE_PARAMS(X)
#undef X
};

static const struct {
    const char *name;
    uint8_t kind;
} kind_names[] = {
    {"clone", K_CLONE},
    {"fork", K_CLONE},
    {"vfork", K_CLONE},
    {"clone3", K_CLONE},
    {"execve", K_EXECVE},
    {"execveat", K_EXECVE},
    {"procexit", K_PROCEXIT},
    {"setuid", K_SETUID},
    {"setreuid", K_SETUID},
    {"setresuid", K_SETUID},
    {"setgid", K_SETGID},
    {"setregid", K_SETGID},
    {"setresgid", K_SETGID},
    {"setsid", K_SETSID},
    {"chdir", K_CHDIR},
    {"fchdir", K_FCHDIR},
    {"getcwd", K_GETCWD},
    {"capset", K_CAPSET},
    {"unshare", K_UNSHARE},
    {"setns", K_UNSHARE},
    {"chroot", K_CHROOT},
    {"prctl", K_PRCTL},
    {"getrlimit", K_RLIMIT},
    {"setrlimit", K_RLIMIT},
    {"prlimit", K_PRLIMIT},
    {"container", K_CONTAINER},
    {"useradded", K_USERADD},
    {"userdeleted", K_USERDEL},
    {"groupadded", K_GROUPADD},
    {"groupdeleted", K_GROUPDEL},
    {"brk", K_MEM},
    {"mmap", K_MEM},
    {"mmap2", K_MEM},
    {"munmap", K_MEM},
    {"switch", K_SWITCH},
    {"open", K_OPEN},
    {"creat", K_CREAT},
    {"openat", K_OPENAT},
    {"openat2", K_OPENAT},
    {"open_by_handle_at", K_OPEN_BY_HANDLE},
    {"socket", K_SOCKET},
    {"socketpair", K_SOCKETPAIR},
    {"bind", K_BIND},
    {"connect", K_CONNECT},
    {"accept", K_ACCEPT},
    {"accept4", K_ACCEPT},
    {"close", K_CLOSE},
    {"close_range", K_CLOSE_RANGE},
    {"dup", K_DUP},
    {"dup2", K_DUP},
    {"dup3", K_DUP},
    {"fcntl", K_FCNTL},
    {"pipe", K_PIPE},
    {"pipe2", K_PIPE},
    {"eventfd", K_SIMPLE_FD},
    {"eventfd2", K_SIMPLE_FD},
    {"signalfd", K_SIMPLE_FD},
    {"signalfd4", K_SIMPLE_FD},
    {"timerfd_create", K_SIMPLE_FD},
    {"inotify_init", K_SIMPLE_FD},
    {"inotify_init1", K_SIMPLE_FD},
    {"epoll_create", K_SIMPLE_FD},
    {"epoll_create1", K_SIMPLE_FD},
    {"bpf", K_SIMPLE_FD},
    {"userfaultfd", K_SIMPLE_FD},
    {"io_uring_setup", K_SIMPLE_FD},
    {"memfd_create", K_MEMFD},
    {"pidfd_open", K_PIDFD_OPEN},
    {"pidfd_getfd", K_PIDFD_GETFD},
    {"sendto", K_SENDRECV},
    {"sendmsg", K_SENDRECV},
    {"sendmmsg", K_SENDRECV},
    {"recvfrom", K_SENDRECV},
    {"recvmsg", K_SENDRECV},
    {"recvmmsg", K_SENDRECV},
    {"read", K_RW},
    {"write", K_RW},
    {"readv", K_RW},
    {"writev", K_RW},
    {"pread", K_RW},
    {"pwrite", K_RW},
    {"preadv", K_RW},
    {"pwritev", K_RW},
    {"send", K_RW},
    {"recv", K_RW},
};

/* The fd an exit event names: its "fd" parameter, else "oldfd", else the
 * first other fd parameter (a dirfd); without one, the enter's fd. */
static int8_t exit_fdpos(int code)
{
    const struct ev_info *ei = ev_get(code);
    int other = -1;
    for (uint32_t i = 1; i < ei->nparams; i++) {
        if (ei->params[i].type != PT_FD)
            continue;
        if (!strcmp(ei->params[i].name, "fd") || !strcmp(ei->params[i].name, "oldfd"))
            return (int8_t)i;
        if (other < 0)
            other = (int)i;
    }
    return other >= 0 ? (int8_t)other : -2;
}

static void tables_init(void)
{
    for (int c = 0; c < PPM_EVENT_MAX; c++) {
        const struct ev_info *ei = ev_get(c);
        for (int k = 0; k < SP_COUNT; k++)
            g_sp[c][k] = (int8_t)ev_param_index(c, sp_names[k]);
        g_kind[c] = K_NONE;
        for (size_t k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++)
            if (!strcmp(ei->name, kind_names[k].name)) {
                g_kind[c] = kind_names[k].kind;
                break;
            }
        g_fdpos[c] = -1;
        if (!(ei->flags & (EF_USES_FD | EF_DESTROYS_FD)))
            continue;
        if (ei->dir == EV_DIR_E) /* the first parameter; mmap's fd comes later */
            g_fdpos[c] = ei->nparams > 0 && ei->params[0].type == PT_FD
                             ? 0
                             : (int8_t)ev_param_index(c, "fd");
        else if (!(ei->flags & EF_CREATES_FD) || g_kind[c] == K_DUP || g_kind[c] == K_FCNTL)
            g_fdpos[c] = exit_fdpos(c);
    }
}

enum st_kind st_kind(int code)
{
    return code >= 0 && code < PPM_EVENT_MAX ? (enum st_kind)g_kind[code] : K_NONE;
}

int sp_index(int code, enum sp which)
{
    return code >= 0 && code < PPM_EVENT_MAX ? g_sp[code][which] : -1;
}

struct pv sp_get(const struct thr *t, const struct scap_event *ev, enum sp which)
{
    int i = sp_index(ev->type, which);
    if (i >= 0 && (uint32_t)i < ev->nparams && ev->len[i] > 0)
        return (struct pv){ev->param[i], ev->len[i]};
    if (t && ev->type % 2 == 1 && t->enter.type == ev->type - 1 && !t->enter.used_at) {
        i = sp_index(t->enter.type, which);
        if (i >= 0 && i < t->enter.n && t->enter.len[i] > 0)
            return (struct pv){(const uint8_t *)t->enter.buf.p + t->enter.off[i], t->enter.len[i]};
    }
    return (struct pv){NULL, 0};
}

/* Integer parameters are 1, 2, 4 or 8 bytes wide; sign says whether the
 * narrower widths sign-extend. */
static bool pv_int(struct pv v, bool sign, uint64_t *out)
{
    if (!v.p)
        return false;
    switch (v.len) {
    case 1:
        *out = sign ? (uint64_t)(int64_t)(int8_t)v.p[0] : v.p[0];
        return true;
    case 2: {
        uint16_t x;
        memcpy(&x, v.p, 2);
        *out = sign ? (uint64_t)(int64_t)(int16_t)x : x;
        return true;
    }
    case 4: {
        uint32_t x;
        memcpy(&x, v.p, 4);
        *out = sign ? (uint64_t)(int64_t)(int32_t)x : x;
        return true;
    }
    case 8:
        memcpy(out, v.p, 8);
        return true;
    default:
        return false;
    }
}

bool pv_i64(struct pv v, int64_t *out)
{
    uint64_t u;
    if (!pv_int(v, true, &u))
        return false;
    *out = (int64_t)u;
    return true;
}

bool pv_u64(struct pv v, uint64_t *out)
{
    return pv_int(v, false, out);
}

static bool get_u32(const struct thr *t, const struct scap_event *ev, enum sp w, uint32_t *out)
{
    uint64_t v;
    if (!get_u64(t, ev, w, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

static void save_enter(struct thr *t, const struct scap_event *ev)
{
    struct enter_copy *e = &t->enter;
    e->type = 0xffff;
    size_t total = 0;
    uint32_t n = ev->nparams;
    for (uint32_t i = 0; i < n; i++)
        total += ev->len[i] > ENTER_COPY_MAX ? 0 : ev->len[i];
    if (!sb_reserve(&e->buf, total))
        return;
    size_t off = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t l = ev->len[i] > ENTER_COPY_MAX ? 0 : ev->len[i];
        e->off[i] = (uint32_t)off;
        e->len[i] = l;
        if (l)
            memcpy(e->buf.p + off, ev->param[i], l);
        off += l;
    }
    e->n = (uint8_t)n;
    e->type = ev->type;
    e->used_at = 0;
}

/* ------------------------------------------------------------------ */
/* thread table */

static uint32_t hash64(int64_t k)
{
    uint64_t x = (uint64_t)k * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(x >> 32);
}

struct thr *st_thread(const struct fc_state *st, int64_t tid)
{
    for (struct thr *t = st->tb[hash64(tid) & st->tb_mask]; t; t = t->hnext)
        if (t->t.tid == tid)
            return t;
    return NULL;
}

static bool tb_grow(struct fc_state *st)
{
    uint32_t nb = (st->tb_mask + 1) * 2;
    struct thr **b = calloc(nb, sizeof(*b));
    if (!b)
        return false;
    for (uint32_t i = 0; i <= st->tb_mask; i++) {
        struct thr *t = st->tb[i];
        while (t) {
            struct thr *nx = t->hnext;
            uint32_t h = hash64(t->t.tid) & (nb - 1);
            t->hnext = b[h];
            b[h] = t;
            t = nx;
        }
    }
    free(st->tb);
    st->tb = b;
    st->tb_mask = nb - 1;
    return true;
}

static struct grp *grp_find(const struct fc_state *st, int64_t pid)
{
    for (struct grp *g = st->gb[hash64(pid) & st->gb_mask]; g; g = g->hnext)
        if (g->pid == pid)
            return g;
    return NULL;
}

static struct grp *grp_get(struct fc_state *st, int64_t pid)
{
    struct grp *g = grp_find(st, pid);
    if (g)
        return g;
    if (st->ngroups > st->gb_mask) {
        uint32_t nb = (st->gb_mask + 1) * 2;
        struct grp **b = calloc(nb, sizeof(*b));
        if (!b)
            return NULL;
        for (uint32_t i = 0; i <= st->gb_mask; i++) {
            struct grp *x = st->gb[i];
            while (x) {
                struct grp *nx = x->hnext;
                uint32_t h = hash64(x->pid) & (nb - 1);
                x->hnext = b[h];
                b[h] = x;
                x = nx;
            }
        }
        free(st->gb);
        st->gb = b;
        st->gb_mask = nb - 1;
    }
    if (st->grp_free) {
        g = st->grp_free;
        st->grp_free = g->hnext;
    } else if (!(g = malloc(sizeof(*g)))) {
        return NULL;
    }
    *g = (struct grp){.pid = pid};
    uint32_t h = hash64(pid) & st->gb_mask;
    g->hnext = st->gb[h];
    st->gb[h] = g;
    st->ngroups++;
    return g;
}

static void grp_put(struct fc_state *st, struct grp *g)
{
    if (!g || --g->nref > 0)
        return;
    struct grp **pp = &st->gb[hash64(g->pid) & st->gb_mask];
    while (*pp && *pp != g)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = g->hnext;
    g->hnext = st->grp_free;
    st->grp_free = g;
    st->ngroups--;
}

static void grp_join(struct fc_state *st, struct thr *t)
{
    struct grp *g = grp_get(st, t->t.pid);
    t->grp = g;
    if (!g)
        return;
    g->nref++;
    if (!t->dead)
        g->nalive++;
    if (t->t.pid == 1 || t->t.vpid == 1)
        g->reaper = true;
}

static void grp_leave(struct fc_state *st, struct thr *t)
{
    struct grp *g = t->grp;
    if (!g)
        return;
    if (!t->dead && g->nalive)
        g->nalive--;
    t->grp = NULL;
    grp_put(st, g);
}

static void tree_unlink(struct thr *c)
{
    if (!c->par)
        return;
    if (c->sib_prev)
        c->sib_prev->sib_next = c->sib_next;
    else
        c->par->kids = c->sib_next;
    if (c->sib_next)
        c->sib_next->sib_prev = c->sib_prev;
    c->par = c->sib_next = c->sib_prev = NULL;
}

static void tree_link(struct thr *c, struct thr *p)
{
    tree_unlink(c);
    if (!p || p == c)
        return;
    c->par = p;
    c->sib_prev = NULL;
    c->sib_next = p->kids;
    if (p->kids)
        p->kids->sib_prev = c;
    p->kids = c;
}

static void fd_release(struct fc_state *st, struct fc_fd *f)
{
    if (st->fd_free_n == st->fd_free_cap) {
        uint32_t cap = st->fd_free_cap ? st->fd_free_cap * 2 : 256;
        struct fc_fd **v = realloc(st->fd_free_v, cap * sizeof(*v));
        if (!v) {
            sb_free(&f->name);
            sb_free(&f->name_raw);
            free(f);
            return;
        }
        st->fd_free_v = v;
        st->fd_free_cap = cap;
    }
    st->fd_free_v[st->fd_free_n++] = f;
}

static struct fc_fd *fd_alloc(struct fc_state *st)
{
    struct fc_fd *f;
    if (st->fd_free_n) {
        f = st->fd_free_v[--st->fd_free_n];
    } else {
        f = calloc(1, sizeof(*f));
        if (!f)
            return NULL;
    }
    struct fc_sb n = f->name, r = f->name_raw;
    *f = (struct fc_fd){.fd = -1};
    f->name = n;
    f->name_raw = r;
    sb_clear(&f->name);
    sb_clear(&f->name_raw);
    return f;
}

static void fdtab_clear(struct fc_state *st, struct thr *t)
{
    for (uint32_t i = 0; i < t->fds.n; i++)
        fd_release(st, t->fds.v[i]);
    st->stats.fds -= t->fds.n;
    st->stats.fds_removed += t->fds.n;
    t->fds.n = 0;
}

static void thr_reset(struct thr *t)
{
    /* keep the string buffers and the fd vector for reuse */
    struct fc_sb *sbs[] = {&t->t.comm, &t->t.exe,  &t->t.exepath, &t->t.args,        &t->t.env,
                           &t->t.cwd,  &t->t.root, &t->t.cgroups, &t->t.container_id};
    struct fc_sb keep[sizeof(sbs) / sizeof(sbs[0])];
    for (size_t i = 0; i < sizeof(sbs) / sizeof(sbs[0]); i++)
        keep[i] = *sbs[i];
    struct fdtab fds = t->fds;
    struct fc_sb ebuf = t->enter.buf;
    memset(t, 0, sizeof(*t));
    for (size_t i = 0; i < sizeof(sbs) / sizeof(sbs[0]); i++) {
        *sbs[i] = keep[i];
        sb_clear(sbs[i]);
    }
    t->fds = fds;
    t->fds.n = 0;
    t->enter.buf = ebuf;
    t->enter.type = 0xffff;
    struct fc_thread *x = &t->t;
    x->pid = x->ptid = x->reaper_tid = x->sid = x->vpgid = x->pgid = x->vtid = x->vpid = -1;
    x->fdlimit = -1;
    x->uid = x->gid = x->loginuid = 0xffffffffu;
    x->flags = FC_CL_NAME_CHANGED;
}

/* A fresh entry for tid in the table; NULL when full (counted). */
static struct thr *thr_new(struct fc_state *st, int64_t tid)
{
    if (st->nthreads >= st->opts.max_threads) {
        st->stats.threads_dropped++;
        return NULL;
    }
    if (st->nthreads > st->tb_mask && !tb_grow(st))
        return NULL;
    struct thr *t = st->thr_free;
    if (t) {
        st->thr_free = t->hnext;
    } else if (!(t = calloc(1, sizeof(*t)))) {
        return NULL;
    }
    thr_reset(t);
    t->t.tid = tid;
    uint32_t h = hash64(tid) & st->tb_mask;
    t->hnext = st->tb[h];
    st->tb[h] = t;
    t->in_table = true;
    st->nthreads++;
    st->stats.threads++;
    st->stats.threads_added++;
    return t;
}

/* Takes t out of the table and recycles it. Children must have been
 * handed over already. */
static void thr_erase(struct fc_state *st, struct thr *t)
{
    if (!t->in_table)
        return;
    struct thr **pp = &st->tb[hash64(t->t.tid) & st->tb_mask];
    while (*pp && *pp != t)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = t->hnext;
    tree_unlink(t);
    while (t->kids) {
        struct thr *k = t->kids;
        tree_unlink(k);
    }
    grp_leave(st, t);
    fdtab_clear(st, t);
    t->in_table = false;
    if (st->pending_exit == t)
        st->pending_exit = NULL;
    t->hnext = st->thr_free;
    st->thr_free = t;
    st->nthreads--;
    st->stats.threads--;
    st->stats.threads_removed++;
}

struct thr *st_main(const struct fc_state *st, struct thr *t)
{
    if (!t)
        return NULL;
    if (t->t.tid == t->t.pid || t->t.pid < 0)
        return t;
    return st_thread(st, t->t.pid);
}

/* An alive thread of group g other than not. Groups rarely have several
 * threads dying at once, so a table scan is acceptable here. */
static struct thr *grp_alive_member(const struct fc_state *st, const struct grp *g,
                                    const struct thr * not )
{
    if (!g || g->nalive == 0)
        return NULL;
    struct thr *m = st_thread(st, g->pid);
    if (m && m != not &&!m->dead && !m->t.invalid)
        return m;
    for (uint32_t i = 0; i <= st->tb_mask; i++)
        for (struct thr *t = st->tb[i]; t; t = t->hnext)
            if (t->grp == g && t != not &&!t->dead && !t->t.invalid)
                return t;
    return NULL;
}

static struct thr *find_reaper(struct fc_state *st, struct thr *t)
{
    struct thr *r = NULL;
    if (t->t.reaper_tid > 0 && t->t.reaper_tid != t->t.tid) {
        r = st_thread(st, t->t.reaper_tid);
        if (r && (r->t.invalid || r->dead))
            r = NULL;
    }
    if (!r)
        r = grp_alive_member(st, t->grp, t);
    if (!r) {
        bool in_ns = t->t.vpid > 0 && t->t.vpid != t->t.pid;
        struct thr *a = t->par;
        for (int hops = 0; a && hops < MAX_ANCESTOR_HOPS; hops++, a = a->par) {
            bool a_ns = a->t.vpid > 0 && a->t.vpid != a->t.pid;
            if (a_ns != in_ns)
                break; /* do not cross between host and a pid namespace */
            if (a->grp && a->grp->reaper) {
                r = !a->dead ? a : grp_alive_member(st, a->grp, t);
                if (r)
                    break;
            }
        }
    }
    if (r && r->grp)
        r->grp->reaper = true;
    return r;
}

/* §2.6 removal: hand children over, then erase (a dying main thread
 * stays, dead, while its group has threads). */
static void thr_remove(struct fc_state *st, struct thr *t)
{
    if (t->t.invalid) {
        thr_erase(st, t);
        return;
    }
    if (t->kids) {
        struct thr *r = find_reaper(st, t);
        while (t->kids) {
            struct thr *k = t->kids;
            tree_unlink(k);
            k->t.ptid = r ? r->t.tid : 0;
            if (r)
                tree_link(k, r);
        }
    }
    if (!t->dead) {
        if (t->grp && t->grp->nalive)
            t->grp->nalive--;
        t->dead = true;
        t->t.flags |= FC_CL_CLOSED;
    }
    struct grp *g = t->grp;
    bool is_main = t->t.tid == t->t.pid;
    if (is_main && g && g->nalive > 0)
        return;
    int64_t pid = t->t.pid;
    thr_erase(st, t);
    if (g && !is_main && g->nalive == 0) {
        struct thr *m = st_thread(st, pid);
        if (m && m->dead && m->grp == g)
            thr_erase(st, m);
    }
}

/* The placeholder for a tid seen before any information about it. With
 * no /proc to read (capture replay), libsinsp makes the thread its own
 * process with unknown name, parent and ids. */
static struct thr *thr_placeholder(struct fc_state *st, int64_t tid)
{
    struct thr *t = thr_new(st, tid);
    if (!t)
        return NULL;
    t->t.pid = tid;
    t->t.invalid = true;
    sb_setz(&t->t.comm, "<NA>");
    sb_setz(&t->t.exe, "<NA>");
    t->t.flags |= FC_CL_IS_MAIN_THREAD;
    grp_join(st, t);
    return t;
}

/* ------------------------------------------------------------------ */
/* fd tables */

static uint32_t fd_lower(const struct fdtab *ft, int64_t fd)
{
    uint32_t lo = 0, hi = ft->n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (ft->v[mid]->fd < fd)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct fc_fd *st_fd_get(const struct fc_state *st, struct thr *t, int64_t fd)
{
    struct thr *m = st_main(st, t);
    if (!m || fd < 0)
        return NULL;
    uint32_t i = fd_lower(&m->fds, fd);
    return i < m->fds.n && m->fds.v[i]->fd == fd ? m->fds.v[i] : NULL;
}

static struct fc_fd *fdtab_add(struct fc_state *st, struct thr *m, int64_t fd)
{
    struct fdtab *ft = &m->fds;
    uint32_t i = fd_lower(ft, fd);
    if (i < ft->n && ft->v[i]->fd == fd) {
        struct fc_fd *f = ft->v[i];
        struct fc_sb n = f->name, r = f->name_raw;
        *f = (struct fc_fd){.fd = fd, .name = n, .name_raw = r};
        sb_clear(&f->name);
        sb_clear(&f->name_raw);
        return f;
    }
    if (ft->n >= st->opts.max_fds_per_process) {
        st->stats.fds_dropped++;
        return NULL;
    }
    if (ft->n == ft->cap) {
        uint32_t cap = ft->cap ? ft->cap * 2 : 8;
        struct fc_fd **v = realloc(ft->v, cap * sizeof(*v));
        if (!v)
            return NULL;
        ft->v = v;
        ft->cap = cap;
    }
    struct fc_fd *f = fd_alloc(st);
    if (!f)
        return NULL;
    f->fd = fd;
    memmove(ft->v + i + 1, ft->v + i, (ft->n - i) * sizeof(*ft->v));
    ft->v[i] = f;
    ft->n++;
    st->stats.fds++;
    st->stats.fds_added++;
    return f;
}

struct fc_fd *st_fd_add(struct fc_state *st, struct thr *t, int64_t fd)
{
    struct thr *m = st_main(st, t);
    if (!m || fd < 0)
        return NULL;
    return fdtab_add(st, m, fd);
}

void st_fd_del(struct fc_state *st, struct thr *t, int64_t fd)
{
    struct thr *m = st_main(st, t);
    if (!m)
        return;
    struct fdtab *ft = &m->fds;
    uint32_t i = fd_lower(ft, fd);
    if (i >= ft->n || ft->v[i]->fd != fd)
        return;
    fd_release(st, ft->v[i]);
    memmove(ft->v + i, ft->v + i + 1, (ft->n - i - 1) * sizeof(*ft->v));
    ft->n--;
    st->stats.fds--;
    st->stats.fds_removed++;
}

void st_fd_copy(struct fc_fd *d, const struct fc_fd *s)
{
    struct fc_sb n = d->name, r = d->name_raw;
    int64_t fd = d->fd;
    *d = *s;
    d->fd = fd;
    d->name = n;
    d->name_raw = r;
    sb_copy(&d->name, &s->name);
    sb_copy(&d->name_raw, &s->name_raw);
}

void st_fd_defer_close(struct fc_state *st, struct thr *t, int64_t fd)
{
    struct thr *m = st_main(st, t);
    if (!m)
        return;
    if (st->ndefer == ST_MAX_DEFER) {
        st_fd_del(st, m, fd); /* cannot happen with one close per event */
        return;
    }
    st->defer_close[st->ndefer].tid = m->t.tid;
    st->defer_close[st->ndefer].fd = fd;
    st->ndefer++;
}

static void fds_copy_all(struct fc_state *st, struct thr *dst, struct thr *src)
{
    for (uint32_t i = 0; i < src->fds.n; i++) {
        struct fc_fd *f = fdtab_add(st, dst, src->fds.v[i]->fd);
        if (!f)
            break;
        st_fd_copy(f, src->fds.v[i]);
        f->flags |= FC_FDF_CLONED;
    }
}

static void fds_drop_cloexec(struct fc_state *st, struct thr *m)
{
    uint32_t w = 0;
    for (uint32_t i = 0; i < m->fds.n; i++) {
        struct fc_fd *f = m->fds.v[i];
        if (f->openflags & O_CLOEXEC_BIT) {
            fd_release(st, f);
            st->stats.fds--;
            st->stats.fds_removed++;
        } else {
            m->fds.v[w++] = f;
        }
    }
    m->fds.n = w;
}

/* ------------------------------------------------------------------ */
/* users and groups */

static bool cid_eq(const char *a, const char *b)
{
    return !strcmp(a ? a : "", b ? b : "");
}

static struct ugrec **ug_slot(struct ugrec **tab, const char *cid, uint32_t id)
{
    struct ugrec **pp = &tab[id % ST_UG_BUCKETS];
    while (*pp && !((*pp)->id == id && cid_eq((*pp)->cid, cid)))
        pp = &(*pp)->hnext;
    return pp;
}

/* The record of (cid, id), made when new, with its name set; NULL for the
 * NSS markers ("+" and "-" lines) and when out of memory. */
static struct ugrec *ug_put(struct ugrec **tab, uint64_t *count, const char *cid, uint32_t id,
                            const char *name, size_t nl)
{
    if (nl && (name[0] == '+' || name[0] == '-'))
        return NULL;
    struct ugrec **pp = ug_slot(tab, cid, id);
    struct ugrec *r = *pp;
    if (!r) {
        r = calloc(1, sizeof(*r));
        if (!r || !(r->cid = strdup(cid ? cid : ""))) {
            free(r);
            return NULL;
        }
        r->id = id;
        *pp = r;
        (*count)++;
    }
    sb_set(&r->name, name, nl);
    return r;
}

/* Unlinks and frees the record *pp. */
static void ug_unlink(struct ugrec **pp, uint64_t *count)
{
    struct ugrec *r = *pp;
    *pp = r->hnext;
    sb_free(&r->name);
    sb_free(&r->home);
    sb_free(&r->shell);
    free(r->cid);
    free(r);
    (*count)--;
}

static void ug_del(struct ugrec **tab, uint64_t *count, const char *cid, uint32_t id)
{
    struct ugrec **pp = ug_slot(tab, cid, id);
    if (*pp)
        ug_unlink(pp, count);
}

static void user_put(struct fc_state *st, const char *cid, uint32_t uid, uint32_t gid,
                     const char *name, size_t nl, const char *home, size_t hl, const char *shell,
                     size_t sl)
{
    struct ugrec *u = ug_put(st->ub, &st->stats.users, cid, uid, name, nl);
    if (!u)
        return;
    sb_set(&u->home, home, hl);
    sb_set(&u->shell, shell, sl);
    u->u =
        (struct fc_user){uid, gid, fc_sb_str(&u->name), fc_sb_str(&u->home), fc_sb_str(&u->shell)};
}

static void group_put(struct fc_state *st, const char *cid, uint32_t gid, const char *name,
                      size_t nl)
{
    struct ugrec *g = ug_put(st->gr, &st->stats.groups, cid, gid, name, nl);
    if (g)
        g->g = (struct fc_group){gid, fc_sb_str(&g->name)};
}

static void user_del(struct fc_state *st, const char *cid, uint32_t uid)
{
    ug_del(st->ub, &st->stats.users, cid, uid);
}

static void group_del(struct fc_state *st, const char *cid, uint32_t gid)
{
    ug_del(st->gr, &st->stats.groups, cid, gid);
}

/* Drops the records of one container from a table; all of them when
 * every is set. */
static void ug_drop(struct ugrec **tab, uint64_t *count, const char *cid, bool every)
{
    for (int i = 0; i < ST_UG_BUCKETS; i++) {
        for (struct ugrec **pp = &tab[i]; *pp;) {
            if (every || cid_eq((*pp)->cid, cid))
                ug_unlink(pp, count);
            else
                pp = &(*pp)->hnext;
        }
    }
}

/* Drops the users and groups of one container (its init exited). */
static void ug_drop_container(struct fc_state *st, const char *cid)
{
    ug_drop(st->ub, &st->stats.users, cid, false);
    ug_drop(st->gr, &st->stats.groups, cid, false);
}

static void ug_clear(struct fc_state *st)
{
    ug_drop(st->ub, &st->stats.users, NULL, true);
    ug_drop(st->gr, &st->stats.groups, NULL, true);
}

const struct fc_user *fc_state_user(const struct fc_state *st, const char *container_id,
                                    uint32_t uid)
{
    struct ugrec *const *pp = ug_slot((struct ugrec **)st->ub, container_id, uid);
    return *pp ? &(*pp)->u : NULL;
}

const struct fc_group *fc_state_group(const struct fc_state *st, const char *container_id,
                                      uint32_t gid)
{
    struct ugrec *const *pp = ug_slot((struct ugrec **)st->gr, container_id, gid);
    return *pp ? &(*pp)->g : NULL;
}

/* ------------------------------------------------------------------ */
/* lifetime */

struct fc_state *fc_state_new(const struct fc_state_opts *opts)
{
    pthread_once(&g_once, tables_init);
    struct fc_state *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    if (opts)
        st->opts = *opts;
    if (!st->opts.max_threads)
        st->opts.max_threads = 262144;
    if (!st->opts.max_fds_per_process)
        st->opts.max_fds_per_process = 65536;
    st->tb_mask = 1023;
    st->gb_mask = 1023;
    st->tb = calloc(st->tb_mask + 1, sizeof(*st->tb));
    st->gb = calloc(st->gb_mask + 1, sizeof(*st->gb));
    st->exited = calloc(EXITED_RING, sizeof(*st->exited));
    if (!st->tb || !st->gb || !st->exited) {
        fc_state_free(st);
        return NULL;
    }
    return st;
}

static void thr_free_mem(struct thr *t)
{
    struct fc_sb *sbs[] = {&t->t.comm,         &t->t.exe,    &t->t.exepath, &t->t.args,
                           &t->t.env,          &t->t.cwd,    &t->t.root,    &t->t.cgroups,
                           &t->t.container_id, &t->enter.buf};
    for (size_t i = 0; i < sizeof(sbs) / sizeof(sbs[0]); i++)
        sb_free(sbs[i]);
    free(t->fds.v);
    free(t);
}

static void threads_clear(struct fc_state *st)
{
    for (uint32_t i = 0; st->tb && i <= st->tb_mask; i++)
        while (st->tb[i])
            thr_erase(st, st->tb[i]);
    st->pending_exit = NULL;
    st->ndefer = 0;
}

void fc_state_free(struct fc_state *st)
{
    if (!st)
        return;
    threads_clear(st);
    while (st->thr_free) {
        struct thr *t = st->thr_free;
        st->thr_free = t->hnext;
        thr_free_mem(t);
    }
    while (st->grp_free) {
        struct grp *g = st->grp_free;
        st->grp_free = g->hnext;
        free(g);
    }
    for (uint32_t i = 0; i < st->fd_free_n; i++) {
        sb_free(&st->fd_free_v[i]->name);
        sb_free(&st->fd_free_v[i]->name_raw);
        free(st->fd_free_v[i]);
    }
    free(st->fd_free_v);
    ug_clear(st);
    st_containers_free(st);
    free(st->ifaces);
    free(st->switch_ts);
    free(st->tb);
    free(st->gb);
    free(st->exited);
    free(st);
}

uint64_t st_boot_ts(const struct fc_state *st)
{
    if (st->opts.boot_ts)
        return st->opts.boot_ts;
    return st->has_machine ? st->machine.boot_ts : 0;
}

/* ------------------------------------------------------------------ */
/* container id */

static void thr_update_container(struct thr *t)
{
    char id[80];
    size_t n = st_cgroup_container_id(&t->t.cgroups, id, sizeof(id));
    sb_set(&t->t.container_id, id, n);
}

/* The controller name libsinsp stores for a "subsys=path" item (§2.2):
 * without a "_cgroup" suffix, and perf, mem and io under the names
 * cgroup v1 gives them. *len is the name's length in and out. */
static const char *cgroup_subsys(const char *s, size_t *len)
{
    static const char *const renames[][2] = {
        {"perf", "perf_event"},
        {"mem", "memory"},
        {"io", "blkio"},
    };
    static const char suffix[] = "_cgroup";
    size_t n = *len, sl = sizeof(suffix) - 1;
    if (n > sl && !memcmp(s + n - sl, suffix, sl))
        n -= sl;
    *len = n;
    for (size_t i = 0; i < sizeof(renames) / sizeof(renames[0]); i++)
        if (strlen(renames[i][0]) == n && !memcmp(s, renames[i][0], n)) {
            *len = strlen(renames[i][1]);
            return renames[i][1];
        }
    return s;
}

/* Stores a cgroup list (NUL-separated "subsys=path" items as events and
 * capture blocks carry it) with the controller names normalized: one pass
 * to size the result, one to write it into the thread's own buffer. */
static void set_cgroups(struct thr *t, const char *p, size_t n)
{
    struct fc_sb *dst = &t->t.cgroups;
    for (int pass = 0; pass < 2; pass++) {
        size_t out = 0, items = 0;
        for (size_t i = 0; i < n;) {
            const char *it = p + i;
            size_t il = strnlen(it, n - i);
            const char *eq = memchr(it, '=', il);
            size_t sl = eq ? (size_t)(eq - it) : il;
            const char *sub = eq ? cgroup_subsys(it, &sl) : it;
            size_t rest = eq ? il - (size_t)(eq - it) : 0;
            if (pass) {
                memcpy(dst->p + out, sub, sl);
                memcpy(dst->p + out + sl, eq ? eq : "", rest);
                dst->p[out + sl + rest] = 0;
            }
            out += sl + rest + 1;
            items++;
            i += il + 1;
        }
        if (!pass) {
            if (!sb_set(dst, "", 0) || !sb_reserve(dst, out))
                return;
            continue;
        }
        dst->p[out] = 0;
        dst->len = (uint32_t)out;
        dst->n = (uint32_t)items;
    }
}

/* ------------------------------------------------------------------ */
/* initial state */

int fc_state_load_scap(struct fc_state *st, const struct scap_reader *r)
{
    threads_clear(st);
    ug_clear(st);
    struct scap_stats ss;
    scap_get_stats(r, &ss);
    st->section = ss.sections ? ss.sections - 1 : 0; /* as scap_next numbers them */
    const struct scap_machine *mi = scap_machine(r);
    st->has_machine = mi != NULL;
    if (mi)
        st->machine = *mi;

    size_t n;
    const struct scap_iface *ifs = scap_ifaces(r, &n);
    free(st->ifaces);
    st->ifaces = NULL;
    st->nifaces = 0;
    if (n) {
        st->ifaces = malloc(n * sizeof(*ifs));
        if (!st->ifaces)
            return -ENOMEM;
        memcpy(st->ifaces, ifs, n * sizeof(*ifs));
        for (size_t i = 0; i < n; i++)
            st->ifaces[i].name = (struct scap_str){NULL, 0}; /* not kept */
        st->nifaces = n;
    }

    const struct scap_user *us = scap_users(r, &n);
    for (size_t i = 0; i < n; i++)
        user_put(st, "", us[i].uid, us[i].gid, us[i].name.p, us[i].name.len, us[i].home.p,
                 us[i].home.len, us[i].shell.p, us[i].shell.len);
    const struct scap_group *gs = scap_groups(r, &n);
    for (size_t i = 0; i < n; i++)
        group_put(st, "", gs[i].gid, gs[i].name.p, gs[i].name.len);

    const struct scap_thread *ts = scap_threads(r, &n);
    for (size_t i = 0; i < n; i++) {
        const struct scap_thread *s = &ts[i];
        if (st_thread(st, (int64_t)s->tid))
            continue;
        struct thr *t = thr_new(st, (int64_t)s->tid);
        if (!t)
            continue;
        struct fc_thread *x = &t->t;
        x->pid = (int64_t)s->pid;
        x->ptid = (int64_t)s->ptid;
        x->sid = s->sid;
        x->vpgid = s->vpgid;
        x->pgid = s->pgid;
        x->vtid = s->vtid;
        x->vpid = s->vpid;
        sb_set(&x->comm, s->comm.p, s->comm.len);
        sb_set(&x->exe, s->exe.p, s->exe.len);
        sb_set(&x->exepath, s->exepath.p, s->exepath.len);
        sb_set_list(&x->args, s->args.p, s->args.len);
        sb_set_list(&x->env, s->env.p, s->env.len);
        if (s->cwd.len) {
            sb_set(&x->cwd, s->cwd.p, s->cwd.len);
            if (x->cwd.p[x->cwd.len - 1] != '/') {
                char buf[4097];
                size_t l = x->cwd.len < 4096 ? x->cwd.len : 4095;
                memcpy(buf, x->cwd.p, l);
                buf[l++] = '/';
                sb_set(&x->cwd, buf, l);
            }
        }
        sb_set(&x->root, s->root.p, s->root.len);
        set_cgroups(t, s->cgroups.p, s->cgroups.len);
        x->fdlimit = (int64_t)s->fdlimit;
        x->flags = s->flags;
        x->uid = s->uid;
        x->gid = s->gid;
        x->loginuid = s->loginuid;
        x->vmsize_kb = s->vmsize_kb;
        x->vmrss_kb = s->vmrss_kb;
        x->vmswap_kb = s->vmswap_kb;
        x->pfmajor = s->pfmajor;
        x->pfminor = s->pfminor;
        x->cap_inheritable = s->cap_inheritable;
        x->cap_permitted = s->cap_permitted;
        x->cap_effective = s->cap_effective;
        x->pidns_init_start_ts = s->pidns_init_start_ts;
        x->tty = s->tty;
        x->exe_writable = s->exe_writable;
        x->exe_upper_layer = s->exe_upper_layer;
        x->exe_lower_layer = s->exe_lower_layer;
        x->exe_from_memfd = s->exe_from_memfd;
        x->exe_ino = s->exe_ino;
        x->exe_ino_ctime = s->exe_ino_ctime;
        x->exe_ino_mtime = s->exe_ino_mtime;
        if (x->tid == x->pid)
            x->flags |= FC_CL_IS_MAIN_THREAD;
        thr_update_container(t);
    }

    /* fds of main threads, then client/server orientation of connected
     * IPv4 sockets by the host's listening ports (§3.2) */
    const struct scap_fd *fs = scap_fds(r, &n);
    uint8_t *listening = calloc(65536 / 8, 1);
    if (!listening)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const struct scap_fd *s = &fs[i];
        struct thr *t = st_thread(st, (int64_t)s->tid);
        if (!t)
            continue;
        struct fc_fd *f = st_fd_add(st, t, s->fd);
        if (!f)
            continue;
        f->type = s->type < FC_FD_TYPE_MAX ? s->type : FC_FD_UNKNOWN;
        f->l4proto = s->l4proto;
        f->openflags = s->open_flags;
        f->dev = s->dev;
        f->ino = s->ino;
        f->flags = FC_FDF_FROM_PROC;
        memcpy(f->sip, s->sip, 16);
        memcpy(f->dip, s->dip, 16);
        f->sport = s->sport;
        f->dport = s->dport;
        f->unix_src = s->unix_src;
        f->unix_dst = s->unix_dst;
        /* unix socket paths of older scans keep /proc/net/unix's newline */
        uint32_t nl = s->name.len;
        while (nl > 0 && (s->name.p[nl - 1] == '\n' || s->name.p[nl - 1] == 0))
            nl--;
        sb_set(&f->name, s->name.p, nl);
        if (f->type == FC_FD_IPV6_SOCK && fc_ip_v4_mapped(f->sip) && fc_ip_v4_mapped(f->dip)) {
            memmove(f->sip, f->sip + 12, 4);
            memset(f->sip + 4, 0, 12);
            memmove(f->dip, f->dip + 12, 4);
            memset(f->dip + 4, 0, 12);
            f->type = FC_FD_IPV4_SOCK;
        } else if (f->type == FC_FD_IPV6_SERVSOCK && fc_ip_v4_mapped(f->sip)) {
            memmove(f->sip, f->sip + 12, 4);
            memset(f->sip + 4, 0, 12);
            f->type = FC_FD_IPV4_SERVSOCK;
        }
        if (f->type == FC_FD_IPV4_SERVSOCK || f->type == FC_FD_IPV6_SERVSOCK)
            listening[f->sport / 8] |= (uint8_t)(1u << (f->sport % 8));
    }
    for (uint32_t b = 0; b <= st->tb_mask; b++)
        for (struct thr *t = st->tb[b]; t; t = t->hnext)
            for (uint32_t i = 0; i < t->fds.n; i++) {
                struct fc_fd *f = t->fds.v[i];
                if (f->type == FC_FD_IPV4_SOCK || f->type == FC_FD_IPV6_SOCK) {
                    if (listening[f->sport / 8] >> (f->sport % 8) & 1) {
                        fd_swap_ends(f);
                        f->flags |= FC_FDF_ROLE_SERVER;
                    } else {
                        f->flags |= FC_FDF_ROLE_CLIENT;
                    }
                    if (f->l4proto == FC_L4_TCP)
                        f->flags |= FC_FDF_CONNECTED;
                    if (!f->name.len)
                        st_fd_render_name(f);
                } else if (f->type == FC_FD_IPV4_SERVSOCK || f->type == FC_FD_IPV6_SERVSOCK) {
                    /* no role: only bind makes a listening socket a server */
                    if (!f->name.len)
                        st_fd_render_name(f);
                } else if (f->type == FC_FD_UNIX_SOCK) {
                    f->flags |= f->name.len ? FC_FDF_ROLE_SERVER : FC_FDF_ROLE_CLIENT;
                }
            }
    free(listening);

    /* groups and parent links */
    for (uint32_t b = 0; b <= st->tb_mask; b++)
        for (struct thr *t = st->tb[b]; t; t = t->hnext)
            grp_join(st, t);
    for (uint32_t b = 0; b <= st->tb_mask; b++)
        for (struct thr *t = st->tb[b]; t; t = t->hnext) {
            struct thr *p = t->t.ptid != t->t.tid ? st_thread(st, t->t.ptid) : NULL;
            if (p && !p->t.invalid)
                tree_link(t, p);
            else
                t->t.ptid = 0;
        }
    return 0;
}

/* ------------------------------------------------------------------ */
/* process events */

static bool recently_exited(const struct fc_state *st, int64_t ptid, int64_t tid, uint64_t ts)
{
    for (uint32_t i = 0; i < EXITED_RING; i++)
        if (st->exited[i].tid == tid && st->exited[i].ptid == ptid && st->exited[i].ts &&
            ts - st->exited[i].ts < RECENT_NS)
            return true;
    return false;
}

static void set_str_param(struct thr *t, const struct scap_event *ev, enum sp w, struct fc_sb *dst)
{
    struct pv v = sp_get(t, ev, w);
    if (v.p)
        sb_set(dst, (const char *)v.p, pv_strlen(v));
}

static void set_list_param(struct thr *t, const struct scap_event *ev, enum sp w, struct fc_sb *dst)
{
    struct pv v = sp_get(t, ev, w);
    if (v.p)
        sb_set_list(dst, (const char *)v.p, v.len);
}

/* fields the clone and execve exits share */
static void take_common(struct thr *t, struct thr *src_params, const struct scap_event *ev)
{
    struct fc_thread *x = &t->t;
    set_str_param(src_params, ev, SP_EXE, &x->exe);
    set_list_param(src_params, ev, SP_ARGS, &x->args);
    struct pv comm = sp_get(src_params, ev, SP_COMM);
    if (comm.p && pv_strlen(comm))
        sb_set(&x->comm, (const char *)comm.p, pv_strlen(comm));
    else
        sb_copy(&x->comm, &x->exe);
    int64_t v;
    uint64_t u;
    if (get_i64(src_params, ev, SP_FDLIMIT, &v))
        x->fdlimit = v;
    if (get_u64(src_params, ev, SP_PGFT_MAJ, &u))
        x->pfmajor = u;
    if (get_u64(src_params, ev, SP_PGFT_MIN, &u))
        x->pfminor = u;
    get_u32(src_params, ev, SP_VM_SIZE, &x->vmsize_kb);
    get_u32(src_params, ev, SP_VM_RSS, &x->vmrss_kb);
    get_u32(src_params, ev, SP_VM_SWAP, &x->vmswap_kb);
    struct pv cg = sp_get(src_params, ev, SP_CGROUPS);
    if (cg.p)
        set_cgroups(t, (const char *)cg.p, cg.len);
    get_u32(src_params, ev, SP_UID, &x->uid);
    get_u32(src_params, ev, SP_GID, &x->gid);
}

static struct thr *make_child(struct fc_state *st, struct thr *caller, struct thr *src,
                              const struct scap_event *ev, int64_t tid, int64_t pid, int64_t ptid,
                              uint32_t flags, bool child_side)
{
    struct thr *c = thr_new(st, tid);
    if (!c)
        return NULL;
    struct fc_thread *x = &c->t;
    bool is_thread = flags & FC_CL_CLONE_THREAD;
    x->flags = flags | FC_CL_NAME_CHANGED | (child_side ? FC_CL_CLONE_INVERTED : 0);
    if (is_thread) {
        x->pid = src ? src->t.pid : pid;
        x->ptid = src ? src->t.ptid : ptid;
        x->flags |= FC_CL_CLONE_FILES;
        if (src)
            x->lastexec_ts = src->t.lastexec_ts;
    } else {
        x->pid = tid;
        x->ptid = caller ? caller->t.tid : ptid;
        x->flags |= FC_CL_IS_MAIN_THREAD;
        struct thr *sm = src ? st_main(st, src) : NULL;
        if (sm) {
            fds_copy_all(st, c, sm);
            sb_copy(&x->cwd, &sm->t.cwd);
            sb_copy(&x->env, &sm->t.env);
        }
    }
    if (child_side) {
        x->pid = pid >= 0 ? pid : x->pid;
        x->ptid = ptid >= 0 ? ptid : x->ptid;
        if (x->pid == tid)
            x->flags |= FC_CL_IS_MAIN_THREAD;
    }
    if (src) {
        struct fc_thread *s = &src->t;
        sb_copy(&x->exepath, &s->exepath);
        sb_copy(&x->root, &s->root);
        x->exe_writable = s->exe_writable;
        x->exe_upper_layer = s->exe_upper_layer;
        x->exe_lower_layer = s->exe_lower_layer;
        x->exe_from_memfd = s->exe_from_memfd;
        x->sid = s->sid;
        x->vpgid = s->vpgid;
        x->pgid = s->pgid;
        x->tty = s->tty;
        x->loginuid = s->loginuid;
        x->cap_inheritable = s->cap_inheritable;
        x->cap_permitted = s->cap_permitted;
        x->cap_effective = s->cap_effective;
        x->exe_ino = s->exe_ino;
        x->exe_ino_ctime = s->exe_ino_ctime;
        x->exe_ino_mtime = s->exe_ino_mtime;
        x->exe_ino_ctime_duration_clone_ts = s->exe_ino_ctime_duration_clone_ts;
        x->exe_ino_ctime_duration_pidns_start = s->exe_ino_ctime_duration_pidns_start;
        x->uid = s->uid;
        x->gid = s->gid;
        sb_copy(&x->cgroups, &s->cgroups);
    }
    take_common(c, NULL, ev);
    x->clone_ts = ev->ts;
    int64_t v;
    if (child_side) {
        if (get_i64(NULL, ev, SP_VTID, &v))
            x->vtid = v;
        if (get_i64(NULL, ev, SP_VPID, &v))
            x->vpid = v;
    } else {
        x->vtid = tid;
        x->vpid = x->pid;
    }
    uint64_t ns;
    if ((flags & FC_CL_CHILD_IN_PIDNS) && get_u64(NULL, ev, SP_PIDNS_INIT, &ns))
        x->pidns_init_start_ts = ns + st_boot_ts(st);
    else
        x->pidns_init_start_ts = st_boot_ts(st);
    grp_join(st, c);
    struct thr *p = x->ptid != tid ? st_thread(st, x->ptid) : NULL;
    if (p && !p->t.invalid)
        tree_link(c, p);
    /* users: the capture's list is the host's, containers' come with
     * useradded events; a replay has no passwd files to read */
    thr_update_container(c);
    return c;
}

static void repair_placeholder(struct fc_state *st, struct thr *t, const struct scap_event *ev)
{
    int64_t v;
    if (get_i64(NULL, ev, SP_PID, &v) && v != t->t.pid) {
        grp_leave(st, t);
        t->t.pid = v;
        grp_join(st, t);
    }
    if (get_i64(NULL, ev, SP_PTID, &v))
        t->t.ptid = v;
    if (get_i64(NULL, ev, SP_VTID, &v))
        t->t.vtid = v;
    if (get_i64(NULL, ev, SP_VPID, &v))
        t->t.vpid = v;
    t->t.invalid = false;
    struct thr *p = t->t.ptid != t->t.tid ? st_thread(st, t->t.ptid) : NULL;
    if (p && !p->t.invalid)
        tree_link(t, p);
}

static struct thr *parse_clone(struct fc_state *st, struct thr *t, const struct scap_event *ev)
{
    int64_t res;
    if (!get_i64(NULL, ev, SP_RES, &res) || res < 0)
        return t;
    uint64_t fl = 0;
    get_u64(NULL, ev, SP_FLAGS, &fl);
    uint32_t flags = (uint32_t)fl;
    int64_t pid = -1, ptid = -1;
    get_i64(NULL, ev, SP_PID, &pid);
    get_i64(NULL, ev, SP_PTID, &ptid);
    if (res > 0) {
        if (!t)
            return t;
        if (t->t.invalid)
            repair_placeholder(st, t, ev);
        if ((flags & (FC_CL_CHILD_IN_PIDNS | CL_CLONE_NEWPID | CL_CLONE_PARENT)) ||
            (t->t.vtid >= 0 && t->t.vtid != t->t.tid))
            return t;
        if (flags & FC_CL_CLONE_VFORK)
            return t;
        if (recently_exited(st, t->t.tid, res, ev->ts))
            return t;
        struct thr *old = st_thread(st, res);
        if (old) {
            if (old->t.flags & FC_CL_CLONE_INVERTED)
                return t;
            thr_erase(st, old);
        }
        make_child(st, t, t, ev, res, -1, -1, flags, false);
        return t;
    }
    /* child side: the header tid is the child */
    int64_t tid = (int64_t)ev->tid;
    struct thr *old = t ? t : st_thread(st, tid);
    if (old) {
        if (!old->t.invalid && old->t.clone_ts && ev->ts - old->t.clone_ts < RECENT_NS)
            return old;
        thr_erase(st, old);
    }
    struct thr *src = st_thread(st, (flags & FC_CL_CLONE_THREAD) ? pid : ptid);
    if (src && src->t.invalid)
        src = NULL;
    struct thr *caller = (flags & FC_CL_CLONE_THREAD) ? NULL : src;
    return make_child(st, caller, src, ev, tid, pid, ptid, flags, true);
}

/* legacy exepath: the execve filename made absolute against the cwd */
static void legacy_exepath(struct fc_state *st, struct thr *t, const struct scap_event *ev)
{
    struct pv fn = sp_get(t, ev, SP_FILENAME);
    if (!fn.p)
        fn = sp_get(t, ev, SP_PATHNAME);
    if (!fn.p)
        return;
    struct thr *m = st_main(st, t);
    const struct fc_sb *cwd = m ? &m->t.cwd : &t->t.cwd;
    size_t n = fc_path_join(cwd->p, cwd->len, (const char *)fn.p, pv_strlen(fn), st->scratch,
                            sizeof(st->scratch));
    sb_set(&t->t.exepath, st->scratch, n);
}

static void drop_other_threads(struct fc_state *st, struct thr *t)
{
    struct grp *g = t->grp;
    if (!g || g->nref <= 1)
        return;
    for (uint32_t b = 0; b <= st->tb_mask; b++) {
        struct thr *x = st->tb[b];
        while (x) {
            struct thr *nx = x->hnext;
            if (x->grp == g && x != t && x->t.tid != x->t.pid) {
                while (x->kids) {
                    struct thr *k = x->kids;
                    tree_unlink(k);
                    k->t.ptid = t->t.tid;
                    tree_link(k, t);
                }
                thr_erase(st, x);
            }
            x = nx;
        }
    }
}

static void parse_execve(struct fc_state *st, struct thr *t, const struct scap_event *ev)
{
    int64_t res;
    if (!t || !get_i64(NULL, ev, SP_RES, &res) || res < 0)
        return;
    struct fc_thread *x = &t->t;
    if (t->dead) {
        t->dead = false;
        x->flags &= ~FC_CL_CLOSED;
        if (t->grp)
            t->grp->nalive++;
    }
    take_common(t, t, ev);
    int64_t v;
    uint64_t u;
    if (get_i64(t, ev, SP_PID, &v) && v != x->pid) {
        grp_leave(st, t);
        x->pid = v;
        grp_join(st, t);
    }
    x->lastexec_ts = ev->ts;
    if (x->invalid) {
        if (get_i64(t, ev, SP_PTID, &v))
            x->ptid = v;
        x->vtid = x->tid;
        x->vpid = x->pid;
        x->invalid = false;
        struct thr *p = x->ptid != x->tid ? st_thread(st, x->ptid) : NULL;
        if (p && !p->t.invalid)
            tree_link(t, p);
    }
    set_list_param(t, ev, SP_ENV, &(st_main(st, t) ? st_main(st, t) : t)->t.env);
    get_u32(t, ev, SP_TTY, &x->tty);
    if (get_i64(t, ev, SP_VPGID, &v))
        x->vpgid = v;
    get_u32(t, ev, SP_LOGINUID, &x->loginuid);
    get_u64(t, ev, SP_CAP_INH, &x->cap_inheritable);
    get_u64(t, ev, SP_CAP_PRM, &x->cap_permitted);
    get_u64(t, ev, SP_CAP_EFF, &x->cap_effective);
    get_u64(t, ev, SP_EXE_INO, &x->exe_ino);
    get_u64(t, ev, SP_EXE_INO_CTIME, &x->exe_ino_ctime);
    get_u64(t, ev, SP_EXE_INO_MTIME, &x->exe_ino_mtime);
    if (get_i64(t, ev, SP_PGID, &v))
        x->pgid = v;
    struct pv tp = sp_get(t, ev, SP_TRUSTED_EXEPATH);
    if (tp.p && pv_strlen(tp))
        sb_set(&x->exepath, (const char *)tp.p, pv_strlen(tp));
    else
        legacy_exepath(st, t, ev);
    /* the execve "flags" are exe facts, not clone flags; only the current
     * layouts have them after the cap sets */
    if (sp_index(ev->type, SP_FLAGS) > sp_index(ev->type, SP_LOGINUID) &&
        sp_index(ev->type, SP_LOGINUID) >= 0 && get_u64(t, ev, SP_FLAGS, &u)) {
        x->exe_writable = u & 1;
        x->exe_upper_layer = u & 2;
        x->exe_from_memfd = u & 4;
        x->exe_lower_layer = u & 8;
    }
    if (x->exe_ino_ctime && x->clone_ts)
        x->exe_ino_ctime_duration_clone_ts = x->clone_ts - x->exe_ino_ctime;
    if (x->exe_ino_ctime > x->pidns_init_start_ts && x->pidns_init_start_ts)
        x->exe_ino_ctime_duration_pidns_start = x->exe_ino_ctime - x->pidns_init_start_ts;
    struct thr *m = st_main(st, t);
    if (m)
        fds_drop_cloexec(st, m);
    x->flags = (x->flags &
                (FC_CL_PIPE_SRC | FC_CL_PIPE_DST | FC_CL_IS_MAIN_THREAD | FC_CL_CLONE_INVERTED)) |
               FC_CL_ACTIVE | FC_CL_NAME_CHANGED;
    drop_other_threads(st, t);
    thr_update_container(t);
}

static void parse_procexit(struct fc_state *st, struct thr *t, const struct scap_event *ev)
{
    if (!t)
        return;
    int64_t r;
    if (pv_i64(sp_get(NULL, ev, SP_REAPER_TID), &r))
        t->t.reaper_tid = r;
    if (!t->dead) {
        t->dead = true;
        t->t.flags |= FC_CL_CLOSED;
        if (t->grp && t->grp->nalive)
            t->grp->nalive--;
    }
    if (st->opts.live && t->t.container_id.len && t->t.vtid == 1 && t->t.vpid == 1)
        ug_drop_container(st, fc_sb_str(&t->t.container_id));
    st->exited[st->exited_pos].ptid = t->t.ptid;
    st->exited[st->exited_pos].tid = t->t.tid;
    st->exited[st->exited_pos].ts = ev->ts;
    st->exited_pos = (st->exited_pos + 1) % EXITED_RING;
    if (st->pending_exit && st->pending_exit != t)
        thr_remove(st, st->pending_exit);
    st->pending_exit = t;
}

/* the switched-out thread's page faults; memory counters are per process */
/* thread.exectime: the time since the previous switch on the event's CPU
 * (libsinsp keeps one timestamp per CPU); the table grows to the highest
 * CPU seen, once. */
static uint64_t switch_exectime(struct fc_state *st, const struct scap_event *ev)
{
    if (ev->cpu >= st->nswitch_cpus) {
        uint32_t n = ev->cpu + 1u;
        if (st->has_machine && st->machine.num_cpus > n && st->machine.num_cpus <= 65536)
            n = st->machine.num_cpus;
        uint64_t *v = realloc(st->switch_ts, n * sizeof(*v));
        if (!v)
            return 0;
        memset(v + st->nswitch_cpus, 0, (n - st->nswitch_cpus) * sizeof(*v));
        st->switch_ts = v;
        st->nswitch_cpus = n;
    }
    uint64_t last = st->switch_ts[ev->cpu];
    st->switch_ts[ev->cpu] = ev->ts;
    return last ? ev->ts - last : 0;
}

static void parse_switch(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                         struct fc_pevent *pe)
{
    pe->exectime = switch_exectime(st, ev);
    if (!t)
        return;
    t->t.totexectime += pe->exectime;
    get_u64(NULL, ev, SP_PGFT_MAJ, &t->t.pfmajor);
    get_u64(NULL, ev, SP_PGFT_MIN, &t->t.pfminor);
    struct thr *m = st_main(st, t);
    if (m) {
        get_u32(NULL, ev, SP_VM_SIZE, &m->t.vmsize_kb);
        get_u32(NULL, ev, SP_VM_RSS, &m->t.vmrss_kb);
        get_u32(NULL, ev, SP_VM_SWAP, &m->t.vmswap_kb);
    }
}

static void set_cwd(struct fc_state *st, struct thr *m, const char *p, size_t n)
{
    if (n + 2 > sizeof(st->scratch))
        return;
    memmove(st->scratch, p, n);
    if (n == 0 || st->scratch[n - 1] != '/')
        st->scratch[n++] = '/';
    sb_set(&m->t.cwd, st->scratch, n);
}

/* setuid/setgid name the id; the re/res variants the effective one, where
 * -1 means "unchanged" */
static void set_id(struct thr *t, const struct scap_event *ev, enum sp eff, enum sp plain,
                   uint32_t *dst)
{
    uint64_t u;
    if (get_u64(t, ev, eff, &u)) {
        if ((uint32_t)u != 0xffffffffu)
            *dst = (uint32_t)u;
    } else if (get_u64(t, ev, plain, &u)) {
        *dst = (uint32_t)u;
    }
}

static void parse_process(struct fc_state *st, struct thr *t, const struct scap_event *ev,
                          enum st_kind k, struct fc_pevent *pe)
{
    int64_t res = 0;
    bool has_res = get_i64(NULL, ev, SP_RES, &res);
    if (has_res && res < 0)
        return;
    struct fc_thread *x = &t->t;
    struct thr *m = st_main(st, t);
    uint64_t u;
    int64_t v;
    switch (k) {
    case K_SETUID:
        set_id(t, ev, SP_EUID, SP_UID, &x->uid);
        break;
    case K_SETGID:
        set_id(t, ev, SP_EGID, SP_GID, &x->gid);
        break;
    case K_MEM:
        get_u32(NULL, ev, SP_VM_SIZE, &x->vmsize_kb);
        get_u32(NULL, ev, SP_VM_RSS, &x->vmrss_kb);
        get_u32(NULL, ev, SP_VM_SWAP, &x->vmswap_kb);
        break;
    case K_SETSID:
        if (has_res)
            x->sid = res;
        break;
    case K_CHDIR: {
        struct pv p = sp_get(t, ev, SP_PATH);
        if (p.p && m) {
            /* resolved against the process cwd (state-model.md §11.9) */
            size_t n = fc_path_join(m->t.cwd.p, m->t.cwd.len, (const char *)p.p, pv_strlen(p),
                                    st->scratch, sizeof(st->scratch) - 1);
            set_cwd(st, m, st->scratch, n);
        }
        break;
    }
    case K_FCHDIR:
        if (pe->fd && m)
            set_cwd(st, m, fc_sb_str(&pe->fd->name), pe->fd->name.len);
        break;
    case K_GETCWD: {
        struct pv p = sp_get(t, ev, SP_PATH);
        if (p.p && m && pv_strlen(p))
            set_cwd(st, m, (const char *)p.p, pv_strlen(p));
        break;
    }
    case K_CAPSET:
        get_u64(t, ev, SP_CAP_INH, &x->cap_inheritable);
        get_u64(t, ev, SP_CAP_PRM, &x->cap_permitted);
        get_u64(t, ev, SP_CAP_EFF, &x->cap_effective);
        break;
    case K_UNSHARE:
        if ((get_u64(t, ev, SP_FLAGS, &u) || get_u64(t, ev, SP_NSTYPE, &u)) &&
            (u & CL_CLONE_NEWUSER))
            x->cap_inheritable = x->cap_permitted = x->cap_effective = (1ull << 41) - 1;
        break;
    case K_CHROOT: {
        struct pv p = sp_get(t, ev, SP_PATH);
        if (p.p && m) {
            size_t n = fc_path_join(m->t.cwd.p, m->t.cwd.len, (const char *)p.p, pv_strlen(p),
                                    st->scratch, sizeof(st->scratch));
            sb_set(&x->root, st->scratch, n);
        }
        thr_update_container(t);
        break;
    }
    case K_PRCTL:
        /* PR_SET_CHILD_SUBREAPER = 36 */
        if (get_i64(t, ev, SP_OPTION, &v) && v == 36 && t->grp && get_i64(t, ev, SP_ARG2_INT, &v))
            t->grp->reaper = v != 0;
        break;
    case K_RLIMIT:
        /* RLIMIT_NOFILE is 7 in the PPM resource enum */
        if (get_i64(t, ev, SP_RESOURCE, &v) && v == 7 && get_i64(t, ev, SP_CUR, &v) && v != -1 && m)
            m->t.fdlimit = v;
        break;
    case K_PRLIMIT: {
        int64_t target = 0;
        if (get_i64(t, ev, SP_RESOURCE, &v) && v == 7 && get_i64(t, ev, SP_NEWCUR, &v) && v != -1) {
            get_i64(t, ev, SP_PID, &target);
            struct thr *tt = target == 0 ? m : st_main(st, st_thread(st, target));
            if (tt)
                tt->t.fdlimit = v;
        }
        break;
    }
    default:
        break;
    }
}

/* ------------------------------------------------------------------ */
/* meta events */

static void parse_meta(struct fc_state *st, const struct scap_event *ev, enum st_kind k,
                       struct fc_pevent *pe)
{
    struct pv cid = sp_get(NULL, ev, SP_CONTAINER_ID);
    char idbuf[80] = "";
    if (cid.p) {
        size_t n = pv_strlen(cid);
        if (n >= sizeof(idbuf))
            n = sizeof(idbuf) - 1;
        memcpy(idbuf, cid.p, n);
        idbuf[n] = 0;
    }
    uint64_t uid = 0, gid = 0;
    struct pv name = sp_get(NULL, ev, SP_NAME);
    switch (k) {
    case K_CONTAINER: {
        struct pv j = sp_get(NULL, ev, SP_JSON);
        if (j.p) {
            pe->container = st_container_json(st, (const char *)j.p, pv_strlen(j), false);
        } else {
            struct pv id = sp_get(NULL, ev, SP_CID), im = sp_get(NULL, ev, SP_IMAGE);
            uint64_t type = 0;
            pv_u64(sp_get(NULL, ev, SP_TYPE), &type);
            if (id.p)
                pe->container = st_container_add_simple(
                    st, (const char *)id.p, pv_strlen(id), (uint32_t)type,
                    name.p ? (const char *)name.p : "", name.p ? pv_strlen(name) : 0,
                    im.p ? (const char *)im.p : "", im.p ? pv_strlen(im) : 0);
        }
        break;
    }
    case K_USERADD: {
        struct pv h = sp_get(NULL, ev, SP_HOME), s = sp_get(NULL, ev, SP_SHELL);
        if (pv_u64(sp_get(NULL, ev, SP_UID), &uid)) {
            pv_u64(sp_get(NULL, ev, SP_GID), &gid);
            user_put(st, idbuf, (uint32_t)uid, (uint32_t)gid, name.p ? (const char *)name.p : "",
                     name.p ? pv_strlen(name) : 0, h.p ? (const char *)h.p : "",
                     h.p ? pv_strlen(h) : 0, s.p ? (const char *)s.p : "", s.p ? pv_strlen(s) : 0);
        }
        break;
    }
    case K_USERDEL:
        if (pv_u64(sp_get(NULL, ev, SP_UID), &uid))
            user_del(st, idbuf, (uint32_t)uid);
        break;
    case K_GROUPADD:
        if (pv_u64(sp_get(NULL, ev, SP_GID), &gid))
            group_put(st, idbuf, (uint32_t)gid, name.p ? (const char *)name.p : "",
                      name.p ? pv_strlen(name) : 0);
        break;
    case K_GROUPDEL:
        if (pv_u64(sp_get(NULL, ev, SP_GID), &gid))
            group_del(st, idbuf, (uint32_t)gid);
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------------ */
/* purge (§2.6), on capture time */

/* Invalid placeholders and entries idle for the thread timeout. A replay
 * cannot ask /proc whether an idle tid still exists: idle means gone.
 * Removing one entry can erase another (its dead leader), so the tids are
 * collected first. Runs every 20 minutes of capture time. */
/* One CPU figure of thread.cpu*: the growth of a procinfo total since the
 * thread's previous procinfo, capped at 100, as libsinsp computes it (0
 * the first time). */
static double cpu_delta(uint64_t *prev, uint64_t now)
{
    double d = *prev ? (double)(now - *prev) : 0;
    *prev = now;
    return d > 100 ? 100 : d;
}

/* procinfo: the thread it names (never created for it) and its CPU use. */
static void parse_procinfo(struct fc_state *st, const struct scap_event *ev, struct fc_pevent *pe)
{
    struct thr *t = st_thread(st, (int64_t)ev->tid);
    if (!t)
        return;
    uint64_t usr = 0, sys = 0;
    get_u64(NULL, ev, SP_CPU_USR, &usr);
    get_u64(NULL, ev, SP_CPU_SYS, &sys);
    pe->cpu = cpu_delta(&t->t.procinfo_prev[0], usr + sys);
    pe->cpu_user = cpu_delta(&t->t.procinfo_prev[1], usr);
    pe->cpu_system = cpu_delta(&t->t.procinfo_prev[2], sys);
    pe->thr = &t->t;
}

static void purge(struct fc_state *st, uint64_t now)
{
    int64_t *tids = malloc((size_t)st->nthreads * sizeof(*tids) + 1);
    if (!tids)
        return;
    uint32_t n = 0;
    for (uint32_t b = 0; b <= st->tb_mask; b++)
        for (struct thr *t = st->tb[b]; t; t = t->hnext) {
            bool idle = now > t->t.lastevent_ts && now - t->t.lastevent_ts > INACTIVE_NS;
            if (t != st->pending_exit && (t->t.invalid || idle) && n < st->nthreads)
                tids[n++] = t->t.tid;
        }
    for (uint32_t i = 0; i < n; i++) {
        struct thr *t = st_thread(st, tids[i]);
        if (t) {
            thr_remove(st, t);
            st->stats.threads_purged++;
        }
    }
    free(tids);
}

/* ------------------------------------------------------------------ */
/* the event */

static void run_deferred(struct fc_state *st)
{
    if (st->pending_exit) {
        struct thr *t = st->pending_exit;
        st->pending_exit = NULL;
        thr_remove(st, t);
    }
    for (uint32_t i = 0; i < st->ndefer; i++) {
        struct thr *t = st_thread(st, st->defer_close[i].tid);
        if (t)
            st_fd_del(st, t, st->defer_close[i].fd);
    }
    st->ndefer = 0;
}

static bool is_meta(const struct scap_event *ev)
{
    return ev->tid == UINT64_MAX || (ev_category(ev->type) & EC_METAEVENT);
}

void fc_state_event(struct fc_state *st, const struct scap_event *ev, struct fc_pevent *pe)
{
    *pe = (struct fc_pevent){.ev = ev, .st = st, .num = ++st->num, .fdnum = -1};
    run_deferred(st);
    pe->evname = ev_name(ev->type);
    if (ev->type <= PPME_GENERIC_X && ev->nparams > 0 && ev->len[0] == 2) {
        uint16_t sc;
        memcpy(&sc, ev->param[0], 2);
        const char *n = ev_sc_name(sc);
        if (n)
            pe->evname = n;
    }
    enum st_kind k = st_kind(ev->type);
    if (ev->type == PPME_ASYNCEVENT_E && ev->nparams > 2 && ev->len[1] > 0) {
        /* asyncevent: evt.type is the name it carries; the container
         * plugin's "container" events hold the container JSON */
        size_t n = strnlen((const char *)ev->param[1], ev->len[1]);
        if (n >= sizeof(st->async_name))
            n = sizeof(st->async_name) - 1;
        memcpy(st->async_name, ev->param[1], n);
        st->async_name[n] = 0;
        pe->evname = st->async_name;
        bool added = !strcmp(st->async_name, "container");
        if ((added || !strcmp(st->async_name, "container_removed")) && ev->len[2] > 0)
            pe->container = st_container_json(st, (const char *)ev->param[2], ev->len[2], !added);
    }
    if (ev->type == PPME_PROCINFO_E && ev->tid != UINT64_MAX) {
        parse_procinfo(st, ev, pe);
        pe->first_ts = st->first_ts;
        return;
    }
    if (is_meta(ev) && k != K_PROCEXIT) {
        parse_meta(st, ev, k, pe);
        pe->first_ts = st->first_ts;
        return;
    }
    if (!st->first_ts)
        st->first_ts = ev->ts;
    pe->first_ts = st->first_ts;
    if (!st->next_purge)
        st->next_purge = ev->ts + PURGE_FIRST_NS;
    else if (ev->ts >= st->next_purge) {
        purge(st, ev->ts);
        st->next_purge = ev->ts + PURGE_EVERY_NS;
    }

    int64_t tid = (int64_t)ev->tid;
    struct thr *t = st_thread(st, tid);
    bool dir_x = ev->type % 2 == 1;
    if (!t) {
        int64_t res = -1;
        bool clone_child = k == K_CLONE && dir_x && get_i64(NULL, ev, SP_RES, &res) && res == 0;
        bool no_create = clone_child || k == K_PROCEXIT || ev->type == PPME_SCHEDSWITCH_6_E ||
                         ev->type == PPME_SCHEDSWITCH_1_E;
        if (!no_create)
            t = thr_placeholder(st, tid);
    }

    /* the event's fd (§3.7) */
    if (t) {
        int pos = g_fdpos[ev->type];
        int64_t fd = -1;
        bool have = false;
        if (pos >= 0)
            have = pv_i64((struct pv){(uint32_t)pos < ev->nparams ? ev->param[pos] : NULL,
                                      (uint32_t)pos < ev->nparams ? ev->len[pos] : 0},
                          &fd);
        /* a legacy exit without its fd: the fd of the thread's last enter
         * that named one, as libsinsp keeps it (0 before any) */
        if (!have && pos != -1 && dir_x) {
            fd = t->lastevent_fd;
            have = true;
        }
        if (!dir_x && (ev_category(ev->type) & EC_SYSCALL))
            t->lastevent_fd = have ? fd : -1; /* every enter resets it */
        if (have) {
            pe->fdnum = fd;
            pe->fd = st_fd_get(st, t, fd);
        }
        if (!dir_x && (ev_category(ev->type) & EC_SYSCALL))
            save_enter(t, ev);
    }

    /* fd.name_changed compares the name before and after the parsers; an
     * event no parser handles cannot change it, so most skip the hashing. */
    bool parsed = (dir_x || k == K_PROCEXIT || k == K_SWITCH) && k != K_NONE;
    const char *name_before = pe->fd && parsed ? fc_sb_str(&pe->fd->name) : NULL;
    uint32_t len_before = name_before ? pe->fd->name.len : 0;
    uint64_t hash_before = 0;
    if (name_before)
        for (uint32_t i = 0; i < len_before; i++)
            hash_before = hash_before * 131 + (unsigned char)name_before[i];

    if (parsed) {
        switch (k) {
        case K_CLONE:
            t = parse_clone(st, t, ev);
            break;
        case K_EXECVE:
            parse_execve(st, t, ev);
            break;
        case K_PROCEXIT:
            parse_procexit(st, t, ev);
            break;
        case K_SWITCH:
            parse_switch(st, t, ev, pe);
            break;
        case K_NONE:
            break;
        default:
            if (!t)
                break;
            if (k >= K_OPEN)
                st_parse_fd_event(st, t, ev, pe);
            else
                parse_process(st, t, ev, k, pe);
        }
    }
    /* an enter pairs with one exit: a later exit of the same syscall
     * without its own enter (a dropped one) must not read it again; this
     * exit's extractors still can (fc_state_enter_param) */
    if (dir_x) {
        struct thr *self = st_thread(st, tid);
        if (self && self->enter.type == ev->type - 1 && !self->enter.used_at)
            self->enter.used_at = pe->num;
    }
    if (pe->fd && name_before) {
        uint64_t h = 0;
        for (uint32_t i = 0; i < pe->fd->name.len; i++)
            h = h * 131 + (unsigned char)pe->fd->name.p[i];
        pe->fd_name_changed = h != hash_before || pe->fd->name.len != len_before;
    } else if (pe->fd && parsed) {
        pe->fd_name_changed = pe->fd->name.len > 0;
    }
    pe->thr = t ? &t->t : NULL;
    if (t) {
        t->t.lastevent_ts = ev->ts;
        struct thr *m = st_main(st, t);
        if (m && m != t)
            m->t.lastevent_ts = ev->ts;
    }
}

int fc_state_next(struct fc_state *st, struct scap_reader *r, struct scap_event *ev,
                  struct fc_pevent *pe)
{
    int rc = scap_next(r, ev);
    if (rc <= 0)
        return rc;
    if (ev->section != st->section)
        fc_state_load_scap(st, r);
    fc_state_event(st, ev, pe);
    return rc;
}

/* ------------------------------------------------------------------ */
/* lookups */

bool fc_state_enter_param(const struct fc_pevent *pe, const char *name, const uint8_t **p,
                          uint32_t *len)
{
    const struct thr *t = pe && pe->ev ? st_thread(pe->st, (int64_t)pe->ev->tid) : NULL;
    if (!t || pe->ev->type % 2 != 1 || t->enter.type != pe->ev->type - 1 ||
        (t->enter.used_at && t->enter.used_at != pe->num))
        return false;
    int i = ev_param_index(t->enter.type, name);
    if (i < 0 || i >= t->enter.n || !t->enter.len[i])
        return false;
    *p = (const uint8_t *)t->enter.buf.p + t->enter.off[i];
    *len = t->enter.len[i];
    return true;
}

struct fc_thread *fc_state_thread(const struct fc_state *st, int64_t tid)
{
    struct thr *t = st_thread(st, tid);
    return t ? &t->t : NULL;
}

struct fc_thread *fc_state_main(const struct fc_state *st, const struct fc_thread *t)
{
    struct thr *m = t ? st_main(st, thr_of(t)) : NULL;
    return m ? &m->t : NULL;
}

struct fc_fd *fc_state_fd(const struct fc_state *st, const struct fc_thread *t, int64_t fd)
{
    return t ? st_fd_get(st, thr_of(t), fd) : NULL;
}

uint32_t fc_state_fd_each(const struct fc_state *st, const struct fc_thread *t,
                          bool (*fn)(void *ud, const struct fc_fd *fd), void *ud)
{
    struct thr *m = t ? st_main(st, thr_of(t)) : NULL;
    if (!m)
        return 0;
    uint32_t i = 0;
    while (i < m->fds.n) {
        bool go = fn(ud, m->fds.v[i]);
        i++;
        if (!go)
            break;
    }
    return i;
}

uint32_t fc_state_group_alive(const struct fc_state *st, const struct fc_thread *t)
{
    (void)st;
    const struct thr *x = t ? thr_of(t) : NULL;
    return x && x->grp ? x->grp->nalive : 0;
}

bool fc_state_thread_dead(const struct fc_state *st, const struct fc_thread *t)
{
    (void)st;
    return t && thr_of(t)->dead;
}

const struct fc_container *fc_state_container(const struct fc_state *st, const char *id)
{
    return st_container_find(st, id);
}

bool st_addr_is_local(const struct fc_state *st, int family, const uint8_t *addr)
{
    for (size_t i = 0; i < st->nifaces; i++) {
        const struct scap_iface *f = &st->ifaces[i];
        bool v4 = f->type == 1 || f->type == 3;
        if (family == 4 && v4 && !memcmp(f->addr, addr, 4))
            return true;
        /* IPv6: the same /64 as an interface, as libsinsp compares them;
         * so :: (unbound) matches ::1 */
        if (family == 6 && !v4 && !memcmp(f->addr, addr, 8))
            return true;
    }
    return false;
}

void st_infer_local_ip4(const struct fc_state *st, const uint8_t *remote, uint8_t *out)
{
    const struct scap_iface *first = NULL;
    for (size_t i = 0; i < st->nifaces; i++) {
        const struct scap_iface *f = &st->ifaces[i];
        if (f->type != 1 && f->type != 3)
            continue;
        bool same = true;
        for (int b = 0; b < 4; b++)
            same = same && (f->addr[b] & f->netmask[b]) == (remote[b] & f->netmask[b]);
        if (same) {
            memcpy(out, f->addr, 4);
            return;
        }
        if (!first && f->addr[0] != 127)
            first = f;
    }
    if (first)
        memcpy(out, first->addr, 4);
}

static bool parse_ip4(const char *ip, uint8_t out[4])
{
    unsigned a, b, c, d;
    char tail;
    if (!ip || sscanf(ip, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 || b > 255 ||
        c > 255 || d > 255)
        return false;
    out[0] = (uint8_t)a, out[1] = (uint8_t)b, out[2] = (uint8_t)c, out[3] = (uint8_t)d;
    return a || b || c || d; /* 0.0.0.0: the runtime did not say */
}

/* §3.5: a host thread's machine is the host's interfaces; a container
 * thread's is its container's IP plus those. While the container's IP is
 * unknown (no metadata yet) it is the IP of any known container; a runtime
 * that reported 0.0.0.0 (host network, pod member) adds the host's
 * interfaces to that, as sysdig does on the corpus. IPv6 addresses of
 * container threads are never local. */
bool fc_state_is_local(const struct fc_state *st, const struct fc_thread *t, int family,
                       const uint8_t *addr)
{
    if (t && t->container_id.len && family == 6)
        return false; /* libsinsp has no IPv6 networking for containers */
    if (t && t->container_id.len) {
        uint8_t ip[4];
        const struct fc_container *c = st_container_find(st, fc_sb_str(&t->container_id));
        if (c && parse_ip4(c->ip, ip)) {
            if (family == 4 && !memcmp(ip, addr, 4))
                return true;
        } else {
            if (family == 4 && st_any_container_ip(st, addr))
                return true;
            if (!c || !c->has_metadata)
                return false;
        }
    }
    return st_addr_is_local(st, family, addr);
}

const struct scap_machine *fc_state_machine(const struct fc_state *st)
{
    return st->has_machine ? &st->machine : NULL;
}

void fc_state_get_stats(const struct fc_state *st, struct fc_state_stats *out)
{
    *out = st->stats;
    out->threads = st->nthreads;
}
