/*
 * x_proc.c - extractors of proc.*, thread.*, user.*, group.* (extract.h),
 * with the semantics of state-model.md §2.5 (what is read through the main
 * thread), §2.8 (ancestors and leaders), §4 (users and groups) and §11.
 *
 * Two ancestor walks exist and must not be confused (§11 item 3):
 * - indexed (proc.aname[N], proc.pname, proc.ppid, ...): start at the main
 *   thread and, per level, take the entry whose tid is the current ptid and
 *   move on to that entry's main thread; level 0 is the process itself;
 * - unindexed filter form (proc.aname = x): visit the raw ptid chain from
 *   the main thread's parent, entries as found, the process itself left
 *   out. It is multi-valued: fc_xc_proc says how many ancestors there are,
 *   fc_x_proc at position i gives the i-th. A slow/fast pointer pair stops
 *   it on loops, as libsinsp does.
 *
 * Nothing here allocates except strings built in the context's scratch.
 */
#include <ctype.h>
#include <string.h>

#include "events.h"
#include "extract.h"
#include "fc_fields.h"
#include "fc_params.h"

/* Indexed walks of absurd depth give up (libsinsp's index is an int32 and
 * a looped chain would otherwise spin that long). */
#define MAX_LEVEL 65536u

/* What an ancestor-family field reads from the entry it lands on. */
enum attr { AT_COMM, AT_EXE, AT_EXEPATH, AT_CMDLINE, AT_ARGS, AT_ENV, AT_PID };

/* ---- values ---- */

static bool put_str(struct fc_xv *out, const char *p, uint32_t len)
{
    out->p = p ? p : "";
    out->len = p ? len : 0;
    return true;
}

static bool put_sb(struct fc_xv *out, const struct fc_sb *s)
{
    return put_str(out, fc_sb_str(s), s->p ? s->len : 0);
}

static bool put_cstr(struct fc_xv *out, const char *s)
{
    return put_str(out, s ? s : "", s ? (uint32_t)strlen(s) : 0);
}

static bool put_int(struct fc_xv *out, int64_t n)
{
    return fc_xv_num(out, (uint64_t)n);
}

/* libsinsp hides pids and tids outside [-1, UINT32_MAX]: sources that
 * cannot map events to host ids put placeholders there. */
static bool put_xid(struct fc_xv *out, int64_t id)
{
    if (id < -1 || id > (int64_t)UINT32_MAX)
        return false;
    return put_int(out, id);
}

/* ---- lists (fc_sb items, each followed by a NUL) ---- */

struct items {
    const char *p;
    uint32_t len, pos, left;
};

static struct items items_of(const struct fc_sb *s)
{
    return (struct items){s->p, s->p ? s->len : 0, 0, s->p ? s->n : 0};
}

static bool items_next(struct items *it, const char **p, uint32_t *len)
{
    if (!it->left || it->pos > it->len)
        return false;
    const char *q = it->p + it->pos;
    uint32_t n = (uint32_t)strnlen(q, it->len - it->pos);
    *p = q;
    *len = n;
    it->pos += n + 1;
    it->left--;
    return true;
}

/* The items joined by single spaces, written to dst when it is not NULL;
 * returns the length either way. An environment ends at its last non-empty
 * item: libsinsp's set_env stops where only NULs remain, but keeps empty
 * items before that (programs that rewrite their environ area, like nginx,
 * leave many, each shown as one more space). */
static uint32_t join_items(const struct fc_sb *s, bool drop_empty_tail, char *dst)
{
    struct items it = items_of(s);
    const char *p;
    uint32_t n, len = 0, keep = UINT32_MAX;
    if (drop_empty_tail) {
        keep = 0;
        for (uint32_t k = 1; items_next(&it, &p, &n); k++)
            if (n)
                keep = k;
        it = items_of(s);
    }
    bool first = true;
    for (uint32_t k = 0; k < keep && items_next(&it, &p, &n); k++) {
        if (!first) {
            if (dst)
                dst[len] = ' ';
            len++;
        }
        if (dst)
            memcpy(dst + len, p, n);
        len += n;
        first = false;
    }
    return len;
}

static uint32_t count_items(const struct fc_sb *s)
{
    struct items it = items_of(s);
    const char *p;
    uint32_t n, k = 0;
    while (items_next(&it, &p, &n))
        k++;
    return k;
}

/* "KEY=value" item of a list, matched on the whole key: the value. */
static bool find_keyed(const struct fc_sb *s, const char *key, uint32_t klen, const char **v,
                       uint32_t *vlen)
{
    struct items it = items_of(s);
    const char *p;
    uint32_t n;
    while (items_next(&it, &p, &n))
        if (n > klen && p[klen] == '=' && !memcmp(p, key, klen)) {
            *v = p + klen + 1;
            *vlen = n - klen - 1;
            return true;
        }
    return false;
}

/* head, then a space (when sep says so), then the items joined: the
 * builder of proc.cmdline, proc.exeline, proc.args and proc.env. */
enum head_sep { SEP_NONE, SEP_IF_ITEMS, SEP_ALWAYS };

static uint32_t head_join(const struct fc_sb *head, enum head_sep sep, const struct fc_sb *list,
                          char *dst)
{
    uint32_t len = 0;
    if (head && head->p) {
        if (dst)
            memcpy(dst, head->p, head->len);
        len = head->len;
    }
    if (sep == SEP_ALWAYS || (sep == SEP_IF_ITEMS && count_items(list))) {
        if (dst)
            dst[len] = ' ';
        len++;
    }
    return len + join_items(list, false, dst ? dst + len : NULL);
}

static bool put_joined(const struct fc_ctx *c, struct fc_xv *out, const struct fc_sb *head,
                       enum head_sep sep, const struct fc_sb *list)
{
    uint32_t n = head_join(head, sep, list, NULL);
    char *d = fc_scratch_alloc(c->scratch, (size_t)n + 1);
    if (!d)
        return false;
    head_join(head, sep, list, d);
    d[n] = '\0';
    return put_str(out, d, n);
}

static bool is_space(char ch)
{
    return isspace((unsigned char)ch) != 0;
}

/* ---- threads ---- */

static const struct fc_thread *main_of(const struct fc_pevent *pe, const struct fc_thread *t)
{
    return t ? fc_state_main(pe->st, t) : NULL;
}

/* The entry whose tid is t's ptid, as found (no main-thread hop). */
static const struct fc_thread *parent_of(const struct fc_pevent *pe, const struct fc_thread *t)
{
    return t && t->ptid != -1 ? fc_state_thread(pe->st, t->ptid) : NULL;
}

static bool is_main(const struct fc_thread *t)
{
    return t->tid == t->pid;
}

/* The process at ancestor level `level` of t (indexed walk). */
static const struct fc_thread *ancestor(const struct fc_pevent *pe, const struct fc_thread *t,
                                        uint64_t level)
{
    if (level > MAX_LEVEL)
        return NULL;
    const struct fc_thread *m = main_of(pe, t);
    for (uint64_t k = 0; k < level && m; k++)
        m = main_of(pe, parent_of(pe, m));
    return m;
}

/* The raw ptid walk above an entry, with libsinsp's loop stop: the slow
 * pointer is the next entry to visit; the fast one runs two steps per
 * visit, and meeting it ends the walk after the entry just visited. */
struct walk {
    const struct fc_pevent *pe;
    const struct fc_thread *slow, *fast;
};

static struct walk walk_above(const struct fc_pevent *pe, const struct fc_thread *t)
{
    struct walk w = {pe, parent_of(pe, t), NULL};
    w.fast = parent_of(pe, w.slow);
    return w;
}

static const struct fc_thread *walk_next(struct walk *w)
{
    const struct fc_thread *cur = w->slow;
    if (!cur || cur->tid == -1)
        return NULL;
    w->slow = parent_of(w->pe, cur);
    for (int k = 0; k < 2; k++) {
        w->fast = parent_of(w->pe, w->fast);
        if (w->slow && w->slow == w->fast) {
            w->slow = NULL; /* a loop: stop after this entry */
            break;
        }
    }
    return cur;
}

/* The i-th entry (0 = the parent) of the raw walk above the process of t. */
static const struct fc_thread *walk_at(const struct fc_pevent *pe, const struct fc_thread *t,
                                       uint32_t i)
{
    const struct fc_thread *m = main_of(pe, t);
    if (!m)
        return NULL;
    struct walk w = walk_above(pe, m);
    const struct fc_thread *a;
    while ((a = walk_next(&w)) && i--)
        ;
    return a;
}

static uint32_t walk_count(const struct fc_pevent *pe, const struct fc_thread *t)
{
    const struct fc_thread *m = main_of(pe, t);
    if (!m)
        return 0;
    struct walk w = walk_above(pe, m);
    uint32_t n = 0;
    while (walk_next(&w))
        n++;
    return n;
}

/* The environment of an entry's process: env lives on the main thread. */
static const struct fc_sb *env_of(const struct fc_pevent *pe, const struct fc_thread *t)
{
    static const struct fc_sb none;
    const struct fc_thread *m = main_of(pe, t);
    return m ? &m->env : &none;
}

/* One value of an ancestor-family field, read from entry t. */
static bool attr_value(const struct fc_ctx *c, const struct fc_pevent *pe,
                       const struct fc_thread *t, enum attr a, struct fc_xv *out)
{
    if (!t)
        return false;
    switch (a) {
    case AT_COMM:
        return put_sb(out, &t->comm);
    case AT_EXE:
        return put_sb(out, &t->exe);
    case AT_EXEPATH:
        return put_sb(out, &t->exepath);
    case AT_CMDLINE: /* comm, not argv[0] (§11 item 18) */
        return put_joined(c, out, &t->comm, SEP_IF_ITEMS, &t->args);
    case AT_ARGS:
        return put_joined(c, out, NULL, SEP_NONE, &t->args);
    case AT_ENV: {
        const struct fc_sb *env = env_of(pe, t);
        uint32_t n = join_items(env, true, NULL);
        char *d = fc_scratch_alloc(c->scratch, (size_t)n + 1);
        if (!d)
            return false;
        join_items(env, true, d);
        d[n] = '\0';
        return put_str(out, d, n);
    }
    case AT_PID:
        return put_xid(out, t->pid);
    }
    return false;
}

/* Ancestor-family fields: what they read and whether they have the
 * any-ancestor filter form. */
static bool ancestor_field(uint32_t field, enum attr *a, bool *any)
{
    *any = true;
    switch (field) {
    case FC_F_PROC_ANAME:
        *a = AT_COMM;
        return true;
    case FC_F_PROC_AEXE:
        *a = AT_EXE;
        return true;
    case FC_F_PROC_AEXEPATH:
        *a = AT_EXEPATH;
        return true;
    case FC_F_PROC_ACMDLINE:
        *a = AT_CMDLINE;
        return true;
    case FC_F_PROC_APID:
        *a = AT_PID;
        return true;
    case FC_F_PROC_AENV:
        *a = AT_ENV;
        return true;
    case FC_F_PROC_AARGS: /* joins every ancestor's args instead */
        *a = AT_ARGS;
        *any = false;
        return true;
    default:
        return false;
    }
}

/* proc.aargs without index: the args of every ancestor of the raw walk,
 * joined by spaces into one string. */
static uint32_t all_ancestor_args(const struct fc_pevent *pe, const struct fc_thread *m, char *dst)
{
    struct walk w = walk_above(pe, m);
    const struct fc_thread *a;
    uint32_t len = 0;
    bool first = true;
    while ((a = walk_next(&w))) {
        if (!first) {
            if (dst)
                dst[len] = ' ';
            len++;
        }
        len += join_items(&a->args, false, dst ? dst + len : NULL);
        first = false;
    }
    return len;
}

static bool x_ancestor(const struct fc_ctx *c, const struct fc_pevent *pe,
                       const struct fc_thread *t, const struct fc_fref *f, enum attr a, bool any,
                       uint32_t i, struct fc_xv *out)
{
    if (f->field == FC_F_PROC_AENV && f->argkind == FC_ARGV_KEY) {
        /* The first non-empty value among up to 20 parents, self excluded;
         * present (empty) when none has it. */
        const struct fc_thread *m = main_of(pe, t);
        for (int k = 0; k < 20 && m && (m = parent_of(pe, m)); k++) {
            const char *v;
            uint32_t n;
            if (find_keyed(env_of(pe, m), f->key, f->key_len, &v, &n)) {
                while (n && is_space(*v))
                    v++, n--;
                while (n && is_space(v[n - 1]))
                    n--;
                if (n)
                    return put_str(out, v, n);
            }
        }
        return put_str(out, "", 0);
    }
    if (f->argkind == FC_ARGV_INDEX)
        return attr_value(c, pe, ancestor(pe, t, f->index), a, out);
    if (any) {
        const struct fc_thread *x = walk_at(pe, t, i);
        /* every counted ancestor answers: the pid filter of put_xid is for
         * displayed values, the any-form compares the raw pid as libsinsp */
        if (x && a == AT_PID)
            return put_int(out, x->pid);
        return attr_value(c, pe, x, a, out);
    }
    const struct fc_thread *m = main_of(pe, t); /* proc.aargs */
    if (!m)
        return false;
    uint32_t n = all_ancestor_args(pe, m, NULL);
    char *d = fc_scratch_alloc(c->scratch, (size_t)n + 1);
    if (!d)
        return false;
    all_ancestor_args(pe, m, d);
    d[n] = '\0';
    return put_str(out, d, n);
}

/* ---- session and group leaders ---- */

enum leader_id { LD_SID, LD_VPGID, LD_PGID };

static int64_t leader_id_of(const struct fc_thread *t, enum leader_id which)
{
    return which == LD_SID ? t->sid : which == LD_VPGID ? t->vpgid : t->pgid;
}

/* An unknown vtid (-1, old captures) does not count as another namespace
 * (libsinsp's is_in_pid_namespace). */
static bool in_child_pidns(const struct fc_thread *t)
{
    return (t->flags & FC_CL_CHILD_IN_PIDNS) || (t->tid != t->vtid && t->vtid >= 0);
}

/* The leader of t's session or process group (§2.8): the entry whose tid
 * is the id when the id is a host value; otherwise (or when that entry is
 * gone) the farthest unbroken run of ancestors sharing the id, and t itself
 * when its parent already differs (libsinsp starts the search from the
 * event's thread, sinsp_filtercheck_thread.cpp TYPE_SNAME/TYPE_VPGID_NAME;
 * sysdig 0.29 agrees). */
static const struct fc_thread *leader_of(const struct fc_pevent *pe, const struct fc_thread *t,
                                         enum leader_id which)
{
    int64_t id = leader_id_of(t, which);
    if (which == LD_PGID || !in_child_pidns(t)) {
        const struct fc_thread *l = fc_state_thread(pe->st, id);
        if (l)
            return l;
    }
    const struct fc_thread *best = t, *a;
    struct walk w = walk_above(pe, t);
    while ((a = walk_next(&w)) && leader_id_of(a, which) == id)
        best = a;
    return best;
}

static bool x_leader(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_thread *t,
                     enum leader_id which, enum attr a, struct fc_xv *out)
{
    return attr_value(c, pe, leader_of(pe, t, which), a, out);
}

/* ---- users and groups (§4) ---- */

static bool x_user(const struct fc_pevent *pe, const struct fc_thread *t, uint32_t uid,
                   uint32_t field, struct fc_xv *out)
{
    const struct fc_user *u = fc_state_user(pe->st, fc_sb_str(&t->container_id), uid);
    if (field == FC_F_USER_HOMEDIR)
        return put_cstr(out, u ? u->home : uid == 0 ? "/root" : "<NA>");
    if (field == FC_F_USER_SHELL)
        return put_cstr(out, u ? u->shell : "<NA>");
    return put_cstr(out, u ? u->name : uid == 0 ? "root" : "<NA>");
}

static bool x_group(const struct fc_pevent *pe, const struct fc_thread *t, struct fc_xv *out)
{
    const struct fc_group *g = fc_state_group(pe->st, fc_sb_str(&t->container_id), t->gid);
    return put_cstr(out, g ? g->name : t->gid == 0 ? "root" : "<NA>");
}

/* ---- the rest ---- */

static bool count_fd(void *ud, const struct fc_fd *fd)
{
    (void)fd;
    ++*(uint64_t *)ud;
    return true;
}

static uint64_t fd_opencount(const struct fc_pevent *pe, const struct fc_thread *t)
{
    uint64_t n = 0;
    fc_state_fd_each(pe->st, t, count_fd, &n);
    return n;
}

static bool x_stdfd(const struct fc_pevent *pe, const struct fc_thread *t, int64_t fdnum, bool name,
                    struct fc_xv *out)
{
    const struct fc_fd *fd = fc_state_fd(pe->st, t, fdnum);
    if (!fd)
        return false;
    if (name)
        return put_sb(out, &fd->name);
    const char *type = fc_fd_type_name(fd->type);
    return type && put_cstr(out, type);
}

static bool x_caps(const struct fc_ctx *c, uint64_t caps, struct fc_xv *out)
{
    size_t cap = 512;
    for (int tries = 0; tries < 2; tries++) {
        char *d = fc_scratch_alloc(c->scratch, cap);
        if (!d)
            return false;
        size_t n = fc_caps_text(caps, d, cap);
        if (n < cap)
            return put_str(out, d, (uint32_t)n);
        cap = n + 1;
    }
    return false;
}

static bool x_nametid(const struct fc_ctx *c, const struct fc_thread *t, int64_t tid,
                      struct fc_xv *out)
{
    char num[24];
    int k = (int)sizeof(num);
    uint64_t u = tid < 0 ? -(uint64_t)tid : (uint64_t)tid;
    do
        num[--k] = (char)('0' + u % 10);
    while ((u /= 10) && k > 1);
    if (tid < 0)
        num[--k] = '-';
    uint32_t digits = (uint32_t)(sizeof(num) - (size_t)k);
    uint32_t clen = t->comm.p ? t->comm.len : 0;
    char *d = fc_scratch_alloc(c->scratch, (size_t)clen + digits + 1);
    if (!d)
        return false;
    if (clen)
        memcpy(d, t->comm.p, clen);
    memcpy(d + clen, num + k, digits);
    d[clen + digits] = '\0';
    return put_str(out, d, clen + digits);
}

static bool put_double(struct fc_xv *out, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    return fc_xv_num(out, bits);
}

/* A field reading a 64-bit value that Falco shows as missing when 0. */
static bool put_nonzero(struct fc_xv *out, uint64_t v)
{
    return v ? fc_xv_num(out, v) : false;
}

bool fc_x_proc(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f,
               uint32_t i, struct fc_xv *out)
{
    const struct fc_thread *t = pe ? pe->thr : NULL;
    uint16_t type = pe && pe->ev ? pe->ev->type : 0;

    /* Fields with a value even without a thread entry. */
    if (f->field == FC_F_THREAD_TID)
        return pe && pe->ev && put_xid(out, (int64_t)pe->ev->tid);
    if (f->field == FC_F_THREAD_EXECTIME) /* 0 off switch events */
        return fc_xv_num(out, pe && pe->ev ? pe->exectime : 0);
    if (!t)
        return false;

    enum attr a;
    bool any;
    if (ancestor_field(f->field, &a, &any))
        return x_ancestor(c, pe, t, f, a, any, i, out);

    const struct fc_thread *m, *p;
    switch ((enum fc_field_id)f->field) {
    /* the process as seen through this thread (§2.5) */
    case FC_F_PROC_EXE:
        return put_sb(out, &t->exe);
    case FC_F_PROC_EXEPATH:
        return put_sb(out, &t->exepath);
    case FC_F_PROC_NAME:
        return put_sb(out, &t->comm);
    case FC_F_PROC_ARGS:
        if (f->argkind == FC_ARGV_INDEX) {
            struct items it = items_of(&t->args);
            const char *v;
            uint32_t n;
            for (uint64_t k = 0; items_next(&it, &v, &n); k++)
                if (k == f->index)
                    return put_str(out, v, n);
            return put_str(out, "", 0);
        }
        return attr_value(c, pe, t, AT_ARGS, out);
    case FC_F_PROC_CMDLINE:
        return attr_value(c, pe, t, AT_CMDLINE, out);
    case FC_F_PROC_EXELINE: /* a space after exe even without args (§11 item 18) */
        return put_joined(c, out, &t->exe, SEP_ALWAYS, &t->args);
    case FC_F_PROC_CMDNARGS:
        return fc_xv_num(out, count_items(&t->args));
    case FC_F_PROC_CMDLENARGS: {
        struct items it = items_of(&t->args);
        const char *v;
        uint32_t n;
        uint64_t sum = 0;
        while (items_next(&it, &v, &n))
            sum += n;
        return fc_xv_num(out, sum);
    }
    case FC_F_PROC_ENV:
        if (!(m = main_of(pe, t)))
            return false;
        if (f->argkind == FC_ARGV_KEY) {
            const char *v;
            uint32_t n;
            if (!find_keyed(&m->env, f->key, f->key_len, &v, &n))
                return put_str(out, "", 0);
            while (n && is_space(*v))
                v++, n--;
            while (n && is_space(v[n - 1]))
                n--;
            return put_str(out, v, n);
        }
        return attr_value(c, pe, m, AT_ENV, out);
    case FC_F_PROC_CWD:
        return (m = main_of(pe, t)) && put_sb(out, &m->cwd);
    case FC_F_PROC_TTY:
        return fc_xv_num(out, t->tty);
    case FC_F_PROC_PID:
        return put_xid(out, t->pid);
    case FC_F_PROC_VPID:
        return t->vpid != -1 && put_int(out, t->vpid);
    case FC_F_PROC_SID:
        return put_int(out, t->sid);
    case FC_F_PROC_VPGID:
        return put_int(out, t->vpgid);
    case FC_F_PROC_PGID:
        return put_int(out, t->pgid);
    case FC_F_PROC_LOGINSHELLID: {
        /* the eldest shell among the process and its raw-walk ancestors */
        if (!(m = main_of(pe, t)))
            return false;
        const struct fc_thread *shell = NULL, *x = m;
        struct walk w = walk_above(pe, m);
        do {
            uint32_t n = x->comm.p ? x->comm.len : 0;
            if (n >= 2 && x->comm.p[n - 2] == 's' && x->comm.p[n - 1] == 'h')
                shell = x;
        } while ((x = walk_next(&w)));
        return shell && put_int(out, shell->pid);
    }

    /* the parent process (indexed walk, level 1) */
    case FC_F_PROC_PNAME:
        return attr_value(c, pe, ancestor(pe, t, 1), AT_COMM, out);
    case FC_F_PROC_PEXE:
        return attr_value(c, pe, ancestor(pe, t, 1), AT_EXE, out);
    case FC_F_PROC_PEXEPATH:
        return attr_value(c, pe, ancestor(pe, t, 1), AT_EXEPATH, out);
    case FC_F_PROC_PCMDLINE:
        return attr_value(c, pe, ancestor(pe, t, 1), AT_CMDLINE, out);
    case FC_F_PROC_PPID:
        /* the main thread's ptid as stored, not the pid of the entry it
         * names: after a clone by a non-main thread it is that thread's
         * tid (libsinsp's TYPE_PPID, sinsp_filtercheck_thread.cpp) */
        return (m = main_of(pe, t)) && put_xid(out, m->ptid);
    case FC_F_PROC_PPID_DURATION:
        p = ancestor(pe, t, 1);
        return p && p->clone_ts && put_int(out, (int64_t)(pe->ev->ts - p->clone_ts));
    /* the entry ptid names, no main-thread hop */
    case FC_F_PROC_PVPID:
        return (p = parent_of(pe, t)) && put_int(out, p->vpid);
    case FC_F_PROC_PPID_TS:
        return (p = parent_of(pe, t)) && fc_xv_num(out, p->clone_ts);

    /* leaders */
    case FC_F_PROC_SNAME:
        return x_leader(c, pe, t, LD_SID, AT_COMM, out);
    case FC_F_PROC_SID_EXE:
        return x_leader(c, pe, t, LD_SID, AT_EXE, out);
    case FC_F_PROC_SID_EXEPATH:
        return x_leader(c, pe, t, LD_SID, AT_EXEPATH, out);
    case FC_F_PROC_VPGID_NAME:
        return x_leader(c, pe, t, LD_VPGID, AT_COMM, out);
    case FC_F_PROC_VPGID_EXE:
        return x_leader(c, pe, t, LD_VPGID, AT_EXE, out);
    case FC_F_PROC_VPGID_EXEPATH:
        return x_leader(c, pe, t, LD_VPGID, AT_EXEPATH, out);
    case FC_F_PROC_PGID_NAME:
        return x_leader(c, pe, t, LD_PGID, AT_COMM, out);
    case FC_F_PROC_PGID_EXE:
        return x_leader(c, pe, t, LD_PGID, AT_EXE, out);
    case FC_F_PROC_PGID_EXEPATH:
        return x_leader(c, pe, t, LD_PGID, AT_EXEPATH, out);
    case FC_F_PROC_IS_SID_LEADER:
        return fc_xv_num(out, t->sid == t->vpid);
    case FC_F_PROC_IS_VPGID_LEADER:
        return fc_xv_num(out, t->vpgid == t->vpid);
    case FC_F_PROC_IS_PGID_LEADER:
        return fc_xv_num(out, t->pgid == t->pid);

    /* times */
    case FC_F_PROC_DURATION:
        return t->clone_ts && put_int(out, (int64_t)(pe->ev->ts - t->clone_ts));
    case FC_F_PROC_PID_TS:
        return put_nonzero(out, t->clone_ts);

    /* the executable */
    case FC_F_PROC_IS_EXE_WRITABLE:
        return fc_xv_num(out, t->exe_writable);
    case FC_F_PROC_IS_EXE_UPPER_LAYER:
        return fc_xv_num(out, t->exe_upper_layer);
    case FC_F_PROC_IS_EXE_LOWER_LAYER:
        return fc_xv_num(out, t->exe_lower_layer);
    case FC_F_PROC_IS_EXE_FROM_MEMFD:
        return fc_xv_num(out, t->exe_from_memfd);
    case FC_F_PROC_EXE_INO:
        return put_nonzero(out, t->exe_ino);
    case FC_F_PROC_EXE_INO_CTIME:
        return put_nonzero(out, t->exe_ino_ctime);
    case FC_F_PROC_EXE_INO_MTIME:
        return put_nonzero(out, t->exe_ino_mtime);
    case FC_F_PROC_EXE_INO_CTIME_DURATION_PROC_START:
        return put_nonzero(out, t->exe_ino_ctime_duration_clone_ts);
    case FC_F_PROC_EXE_INO_CTIME_DURATION_PIDNS_START:
        return put_nonzero(out, t->exe_ino_ctime_duration_pidns_start);
    case FC_F_PROC_PIDNS_INIT_START_TS:
        return put_nonzero(out, t->pidns_init_start_ts);

    /* capabilities */
    case FC_F_THREAD_CAP_PERMITTED:
        return x_caps(c, t->cap_permitted, out);
    case FC_F_THREAD_CAP_INHERITABLE:
        return x_caps(c, t->cap_inheritable, out);
    case FC_F_THREAD_CAP_EFFECTIVE:
        return x_caps(c, t->cap_effective, out);

    /* fds and memory */
    case FC_F_PROC_FDOPENCOUNT:
        return fc_xv_num(out, fd_opencount(pe, t));
    case FC_F_PROC_FDLIMIT:
        return (m = main_of(pe, t)) && put_int(out, m->fdlimit);
    case FC_F_PROC_FDUSAGE: {
        /* open fds as a percentage of the limit, capped at 100 */
        if (!(m = main_of(pe, t)))
            return false;
        if (m->fdlimit <= 0)
            return put_double(out, 0);
        uint64_t n = fd_opencount(pe, t);
        if (n > (uint64_t)m->fdlimit)
            return put_double(out, 100);
        return put_double(out, (double)n / (double)m->fdlimit * 100);
    }
    case FC_F_PROC_STDIN_TYPE:
        return x_stdfd(pe, t, 0, false, out);
    case FC_F_PROC_STDOUT_TYPE:
        return x_stdfd(pe, t, 1, false, out);
    case FC_F_PROC_STDERR_TYPE:
        return x_stdfd(pe, t, 2, false, out);
    case FC_F_PROC_STDIN_NAME:
        return x_stdfd(pe, t, 0, true, out);
    case FC_F_PROC_STDOUT_NAME:
        return x_stdfd(pe, t, 1, true, out);
    case FC_F_PROC_STDERR_NAME:
        return x_stdfd(pe, t, 2, true, out);
    case FC_F_PROC_VMSIZE:
        return fc_xv_num(out, t->vmsize_kb);
    case FC_F_PROC_VMRSS:
        return fc_xv_num(out, t->vmrss_kb);
    case FC_F_PROC_VMSWAP:
        return fc_xv_num(out, t->vmswap_kb);
    case FC_F_THREAD_VMSIZE:
        return fc_xv_num(out, is_main(t) ? t->vmsize_kb : 0);
    case FC_F_THREAD_VMRSS:
        return fc_xv_num(out, is_main(t) ? t->vmrss_kb : 0);
    case FC_F_THREAD_VMSIZE_B:
        return fc_xv_num(out, is_main(t) ? (uint64_t)t->vmsize_kb * 1024 : 0);
    case FC_F_THREAD_VMRSS_B:
        return fc_xv_num(out, is_main(t) ? (uint64_t)t->vmrss_kb * 1024 : 0);
    case FC_F_THREAD_PFMAJOR:
        return fc_xv_num(out, t->pfmajor);
    case FC_F_THREAD_PFMINOR:
        return fc_xv_num(out, t->pfminor);

    /* the thread */
    case FC_F_THREAD_ISMAIN:
        return fc_xv_num(out, is_main(t));
    case FC_F_THREAD_VTID:
        return t->vtid != -1 && put_int(out, t->vtid);
    case FC_F_THREAD_NAMETID:
        return x_nametid(c, t, (int64_t)pe->ev->tid, out);
    case FC_F_THREAD_CGROUPS:
        return count_items(&t->cgroups) && put_joined(c, out, NULL, SEP_NONE, &t->cgroups);
    case FC_F_THREAD_CGROUP: {
        const char *v;
        uint32_t n;
        return find_keyed(&t->cgroups, f->key, f->key_len, &v, &n) && put_str(out, v, n);
    }

    /* users and groups */
    case FC_F_USER_UID:
        return fc_xv_num(out, t->uid);
    case FC_F_USER_NAME:
    case FC_F_USER_HOMEDIR:
    case FC_F_USER_SHELL:
        return x_user(pe, t, t->uid, f->field, out);
    case FC_F_USER_LOGINUID:
        return put_int(out, t->loginuid == UINT32_MAX ? -1 : (int64_t)t->loginuid);
    case FC_F_USER_LOGINNAME:
        return x_user(pe, t, t->loginuid, FC_F_USER_NAME, out);
    case FC_F_GROUP_GID:
        return fc_xv_num(out, t->gid);
    case FC_F_GROUP_NAME:
        return x_group(pe, t, out);

    /* the thread group: alive members, leader included; without the
     * alive leader for nchilds (a dead leader kept for its threads) */
    case FC_F_PROC_NTHREADS:
        return main_of(pe, t) && fc_xv_num(out, fc_state_group_alive(pe->st, t));
    case FC_F_PROC_NCHILDS: {
        uint32_t n = fc_state_group_alive(pe->st, t);
        m = main_of(pe, t);
        return fc_xv_num(out, n && m && !fc_state_thread_dead(pe->st, m) ? n - 1 : n);
    }

    /* CPU time: switch events accumulate, procinfo events measure */
    case FC_F_THREAD_TOTEXECTIME:
        return fc_xv_num(out, t->totexectime);
    case FC_F_THREAD_CPU:
    case FC_F_THREAD_CPU_USER:
    case FC_F_THREAD_CPU_SYSTEM:
        if (type != PPME_PROCINFO_E)
            return false;
        return put_double(out, f->field == FC_F_THREAD_CPU        ? pe->cpu
                               : f->field == FC_F_THREAD_CPU_USER ? pe->cpu_user
                                                                  : pe->cpu_system);

    /* The deprecated probe flags never have a value. */
    default:
        return false;
    }
}

uint32_t fc_xc_proc(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f)
{
    enum attr a;
    bool any;
    if (f->argkind == FC_ARGV_NONE && ancestor_field(f->field, &a, &any) && any)
        return pe && pe->thr ? walk_count(pe, pe->thr) : 0;
    struct fc_xv v = {0};
    return fc_x_proc(c, pe, f, 0, &v) ? 1 : 0;
}
