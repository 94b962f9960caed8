/*
 * test_state.c - the state engine (runtime/state*.c) against sysdig 0.29.3
 * on corpus captures, event by event, and on synthetic event streams for
 * what the corpus does not show (reparenting, caps, deferred removal,
 * dup/openat/connect details).
 *
 * Expected values of the corpus checks were printed by
 *   sysdig -r CAPTURE -p '*%evt.num|%thread.tid|%evt.type|%evt.dir|%proc.name|
 *       %proc.pname|%proc.cwd|%fd.num|%fd.name|%fd.typechar|%proc.pid|%proc.ppid|
 *       %container.id'
 * and are sysdig's, not ours. Where sysdig 0.29 (2022 libs) and the current
 * libsinsp the engine follows disagree, the check is left out (see the
 * report in the commit history): thread parent links (proc.pname of new
 * threads), failed connects naming the socket.
 */
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "fc_scap.h"
#include "fc_state.h"
#include "tharness.h"

#define CAPS FALCOC_SHARED "/corpus/captures/"

/* ------------------------------------------------------------------ */
/* corpus checks */

enum what {
    W_COMM,
    W_PCOMM,
    W_CWD,
    W_FDNUM,
    W_FDNAME,
    W_TYPECHAR,
    W_PID,
    W_PPID,
    W_CID,
    W_EVNAME,
    W_VMSIZE,
    W_CGROUPS,
    W_EXECTIME,
    W_TOTEXECTIME
};

struct check {
    uint64_t num;
    enum what w;
    const char *s; /* string expectations */
    int64_t n;     /* numeric expectations */
};

static const char *what_name[] = {"proc.name",       "proc.pname",        "proc.cwd",
                                  "fd.num",          "fd.name",           "fd.typechar",
                                  "proc.pid",        "proc.ppid",         "container.id",
                                  "evt.type",        "proc.vmsize",       "thread.cgroups",
                                  "thread.exectime", "thread.totexectime"};

static void run_check(struct fc_state *st, const struct fc_pevent *pe, const struct check *c,
                      const char *cap)
{
    const struct fc_thread *t = pe->thr;
    const struct fc_thread *m = t ? fc_state_main(st, t) : NULL;
    const struct fc_thread *p = m ? fc_state_thread(st, m->ptid) : NULL;
    const struct fc_thread *pm = p ? fc_state_main(st, p) : NULL;
    char tc[2] = {pe->fd ? fc_fd_type_char(pe->fd->type) : 0, 0};
    const char *got = NULL;
    char joined[1024];
    int64_t n = 0;
    switch (c->w) {
    case W_COMM:
        got = t ? fc_sb_str(&t->comm) : NULL;
        break;
    case W_PCOMM:
        got = pm ? fc_sb_str(&pm->comm) : NULL;
        break;
    case W_CWD:
        got = m ? fc_sb_str(&m->cwd) : NULL;
        break;
    case W_FDNAME:
        got = pe->fd ? fc_sb_str(&pe->fd->name) : NULL;
        break;
    case W_TYPECHAR:
        got = pe->fd ? tc : NULL;
        break;
    case W_CID:
        got = t ? (t->container_id.len ? fc_sb_str(&t->container_id) : "host") : NULL;
        break;
    case W_EVNAME:
        got = pe->evname;
        break;
    case W_FDNUM:
        n = pe->fdnum;
        break;
    case W_PID:
        n = t ? t->pid : -999;
        break;
    case W_PPID:
        n = m ? m->ptid : -999;
        break;
    case W_VMSIZE:
        n = m ? (int64_t)m->vmsize_kb : -999;
        break;
    case W_EXECTIME:
        n = (int64_t)pe->exectime;
        break;
    case W_TOTEXECTIME:
        n = t ? (int64_t)t->totexectime : -999;
        break;
    case W_CGROUPS: /* items joined by spaces, as thread.cgroups prints them */
        if (t && t->cgroups.len < sizeof(joined)) {
            memcpy(joined, fc_sb_str(&t->cgroups), t->cgroups.len + 1);
            for (uint32_t i = 0; i + 1 < t->cgroups.len; i++)
                if (!joined[i])
                    joined[i] = ' ';
            if (t->cgroups.len)
                joined[t->cgroups.len - 1] = 0;
            got = joined;
        }
        break;
    }
    if (c->s)
        CHECK(got && !strcmp(got, c->s), "%s #%llu %s: got '%s', sysdig '%s'", cap,
              (unsigned long long)c->num, what_name[c->w], got ? got : "(absent)", c->s);
    else
        CHECK(n == c->n, "%s #%llu %s: got %lld, sysdig %lld", cap, (unsigned long long)c->num,
              what_name[c->w], (long long)n, (long long)c->n);
}

/* tid that must be gone from the table when event `num` is seen */
struct gone {
    uint64_t num;
    int64_t tid, fd; /* fd < 0: the thread itself */
};

static void replay(const char *cap, const struct check *cs, size_t ncs, const struct gone *gs,
                   size_t ngs)
{
    char path[512];
    snprintf(path, sizeof(path), CAPS "%s", cap);
    int err = 0;
    struct scap_reader *r = scap_open(path, &err);
    CHECK(r && !err, "%s: open", cap);
    if (!r)
        return;
    struct fc_state *st = fc_state_new(NULL);
    CHECK(fc_state_load_scap(st, r) == 0, "%s: load", cap);
    struct scap_event ev;
    struct fc_pevent pe;
    size_t seen = 0;
    while (scap_next(r, &ev) > 0) {
        fc_state_event(st, &ev, &pe);
        for (size_t i = 0; i < ncs; i++)
            if (cs[i].num == pe.num) {
                run_check(st, &pe, &cs[i], cap);
                seen++;
            }
        for (size_t i = 0; i < ngs; i++) {
            if (gs[i].num != pe.num)
                continue;
            const struct fc_thread *t = fc_state_thread(st, gs[i].tid);
            if (gs[i].fd < 0)
                CHECK(!t, "%s #%llu: thread %lld still in the table", cap,
                      (unsigned long long)pe.num, (long long)gs[i].tid);
            else
                CHECK(t && !fc_state_fd(st, t, gs[i].fd), "%s #%llu: fd %lld still open", cap,
                      (unsigned long long)pe.num, (long long)gs[i].fd);
        }
    }
    CHECK(seen == ncs, "%s: %zu of %zu checks reached", cap, seen, ncs);
    fc_state_free(st);
    scap_close(r);
}

#define S(num, w, s)                                                                               \
    {                                                                                              \
        num, w, s, 0                                                                               \
    }
#define N(num, w, n)                                                                               \
    {                                                                                              \
        num, w, NULL, n                                                                            \
    }

static void test_curl_google(void)
{
    static const struct check cs[] = {
        /* execve exit: the new program, its parent through the /proc tree */
        S(211, W_COMM, "curl"),
        S(211, W_PCOMM, "bash"),
        N(211, W_PID, 17497),
        N(211, W_PPID, 3200),
        S(211, W_CWD, ""),
        /* the execve parameter says io=, stored under its v1 name */
        S(211, W_CGROUPS,
          "cpuset=/ cpu=/user.slice cpuacct=/user.slice blkio=/user.slice memory=/user.slice "
          "devices=/user.slice freezer=/ net_cls=/ perf_event=/ net_prio=/ hugetlb=/ "
          "pids=/user.slice/user-1000.slice"),
        N(213, W_VMSIZE, 508),    /* brk */
        N(1050, W_VMSIZE, 93240), /* switch */
        /* switch events: time since the CPU's previous switch, summed per thread */
        N(954, W_EXECTIME, 0),
        N(1050, W_EXECTIME, 396341),
        N(1197, W_EXECTIME, 337856),
        N(1197, W_TOTEXECTIME, 337856),
        N(1216, W_EXECTIME, 3807088),
        N(1216, W_TOTEXECTIME, 4203429),
        N(1349, W_TOTEXECTIME, 67502108),
        /* open and close: the fd stays attached on the close itself */
        N(219, W_FDNUM, 3),
        S(219, W_FDNAME, "/etc/ld.so.cache"),
        S(219, W_TYPECHAR, "f"),
        N(225, W_FDNUM, 3),
        S(225, W_FDNAME, "/etc/ld.so.cache"),
        /* mmap names its fd in parameter 4 of the enter (current libs mark
         * mmap EF_USES_FD; sysdig 0.29 did not and prints <NA>); the
         * legacy exit has none and keeps the enter's */
        N(222, W_FDNUM, 3),
        S(222, W_FDNAME, "/etc/ld.so.cache"),
        N(223, W_FDNUM, 3),
        N(234, W_FDNUM, -1),
        S(229, W_FDNAME, "/usr/lib/x86_64-linux-gnu/libcurl-gnutls.so.4"),
        S(943, W_FDNAME, "/dev/urandom"),
        /* pipe: the second end, unnamed */
        N(960, W_FDNUM, 5),
        S(960, W_FDNAME, ""),
        S(960, W_TYPECHAR, "p"),
        /* socket and connect over IPv6 */
        N(1010, W_FDNUM, 4),
        S(1010, W_TYPECHAR, "6"),
        /* clone, child side first: a thread of curl */
        S(1051, W_COMM, "curl"),
        N(1051, W_PID, 17497),
        N(1051, W_PPID, 3200),
        S(1055, W_TYPECHAR, "u"),
        S(1189, W_FDNAME, "2600:1f18:262c:6542:9aa6:df7a:9a47:d29e:40251->2001:4860:4860::8888:53"),
        S(1189, W_TYPECHAR, "6"),
        S(1246, W_COMM, "curl"), /* procexit still sees the thread */
        S(1273, W_FDNAME,
          "2600:1f18:262c:6542:9aa6:df7a:9a47:d29e:37140->2607:f8b0:4004:802::2004:80"),
        S(1273, W_CID, "host"),
    };
    static const struct gone gs[] = {
        {226, 17497, 3},   /* closed by #225 */
        {1247, 17498, -1}, /* exited at #1246 */
    };
    replay("libs__curl_google.scap", cs, sizeof(cs) / sizeof(cs[0]), gs,
           sizeof(gs) / sizeof(gs[0]));
}

static void test_example4(void)
{
    static const struct check cs[] = {
        /* clone, parent side then child side */
        S(2260, W_COMM, "bash"),
        S(2260, W_PCOMM, "sshd"),
        S(2313, W_COMM, "bash"),
        S(2313, W_PCOMM, "bash"),
        N(2313, W_PID, 25294),
        N(2313, W_PPID, 19498),
        S(2313, W_CWD, "/home/ubuntu/"),
        S(2377, W_COMM, "curl"),
        S(2377, W_PCOMM, "bash"),
        /* accept: client -> server */
        N(3393, W_FDNUM, 3),
        S(3393, W_FDNAME, "127.0.0.1:34338->127.0.0.1:80"),
        S(3393, W_TYPECHAR, "4"),
        N(3401, W_FDNUM, -1), /* failed accept */
        S(3470, W_FDNAME, "172.24.0.1:43924->172.24.0.3:80"),
        S(3470, W_CWD, "/var/www/html/"),
        S(3546, W_CWD, "/var/www/html/"), /* chdir */
        S(3729, W_FDNAME, "172.24.0.3:49488->172.24.0.2:3306"),
        S(3952, W_COMM, "curl"),
    };
    static const struct gone gs[] = {{3953, 25294, -1}};
    replay("bencer__example4_example4-1.scap", cs, sizeof(cs) / sizeof(cs[0]), gs,
           sizeof(gs) / sizeof(gs[0]));
}

static void test_troubleshooting(void)
{
    static const struct check cs[] = {
        /* openat relative to the cwd, container id from the cgroups */
        S(4495, W_FDNAME, "/public/en"),
        S(4499, W_FDNAME, "/public/en/index.html"),
        N(4499, W_FDNUM, 7),
        S(4499, W_CID, "46cbfa65bd40"),
        S(4499, W_PCOMM, "containerd-shim"),
        /* dup: the event's fd is the new one */
        N(14372, W_FDNUM, 0),
        S(14372, W_FDNAME, "/dev/null"),
        N(14374, W_FDNUM, 1),
        S(14374, W_TYPECHAR, "p"),
        S(14378, W_COMM, "nsenter"),
        S(14378, W_PCOMM, "hyperkube"),
        N(14378, W_PPID, 3932),
        S(14458, W_COMM, "findmnt"),
        S(8643, W_COMM, "curl"),
        S(8643, W_CWD, "/"),
        /* a UDP server learning its peer from recvmsg's tuple */
        S(10049, W_FDNAME, "172.17.0.7:46162->172.17.0.1:53"),
        S(13599, W_FDNAME, "/var/lib/kubelet/pods"),
    };
    replay("bencer_troubleshooting__capture.scap", cs, sizeof(cs) / sizeof(cs[0]), NULL, 0);
}

static void test_misc_captures(void)
{
    /* generic events resolve the syscall; unknown threads are placeholders */
    static const struct check sys[] = {
        S(183, W_EVNAME, "madvise"),
        S(183, W_COMM, "<NA>"),
        N(183, W_PID, 16518),
        N(183, W_PPID, -1),
        S(182, W_FDNAME, "/lib/x86_64-linux-gnu/libc.so.6"),
    };
    replay("falco__syscall.scap", sys, sizeof(sys) / sizeof(sys[0]), NULL, 0);
    static const struct check cl[] = {
        S(187, W_FDNAME, "127.0.0.1:47192->127.0.0.1:80"),
        S(187, W_COMM, "<NA>"),
        S(189, W_COMM, "systemd-udevd"),
        S(189, W_PCOMM, "systemd"),
        S(189, W_CWD, "/"),
    };
    replay("falco__connect_localhost.scap", cl, sizeof(cl) / sizeof(cl[0]), NULL, 0);
}

/* container metadata from the container JSON event */
static void test_container_json(void)
{
    int err = 0;
    struct scap_reader *r = scap_open(CAPS "falco__psp_privileged.scap", &err);
    CHECK(r && !err, "open");
    if (!r)
        return;
    struct fc_state *st = fc_state_new(NULL);
    fc_state_load_scap(st, r);
    struct scap_event ev;
    struct fc_pevent pe;
    while (scap_next(r, &ev) > 0)
        fc_state_event(st, &ev, &pe);
    /* sysdig: container.name epic_cray, image nginx:latest, privileged true */
    const struct fc_container *c = fc_state_container(st, "9dbcbd0c435f");
    CHECK(c, "container 9dbcbd0c435f known");
    if (c) {
        CHECK(!strcmp(c->name, "epic_cray"), "name %s", c->name);
        CHECK(!strcmp(c->image, "nginx:latest"), "image %s", c->image);
        CHECK(!strcmp(c->image_repository, "nginx"), "repo %s", c->image_repository);
        CHECK(!strcmp(c->image_tag, "latest"), "tag %s", c->image_tag);
        CHECK(!strcmp(c->type, "docker"), "type %s", c->type);
        CHECK(!strcmp(c->ip, "172.17.0.2"), "ip %s", c->ip);
        CHECK(c->privileged, "privileged");
        CHECK(c->labels->n == 1 && !strncmp(c->labels->p, "maintainer=NGINX", 16), "labels %s",
              fc_sb_str(c->labels));
    }
    fc_state_free(st);
    scap_close(r);
}

/* ------------------------------------------------------------------ */
/* synthetic events, laid out by parameter name from events.def */

struct syn {
    struct scap_event ev;
    uint8_t buf[4096];
    uint32_t used;
};

static void syn_begin(struct syn *s, int code, int64_t tid, uint64_t ts)
{
    memset(s, 0, sizeof(*s));
    s->ev.type = (uint16_t)code;
    s->ev.tid = (uint64_t)tid;
    s->ev.ts = ts;
    s->ev.nparams = ev_nparams(code);
    s->ev.nparams_raw = s->ev.nparams;
}

static void syn_put(struct syn *s, const char *name, const void *p, uint32_t len)
{
    int i = ev_param_index(s->ev.type, name);
    if (i < 0 || s->used + len > sizeof(s->buf)) {
        fprintf(stderr, "synthetic: no %s in %s\n", name, ev_name(s->ev.type));
        exit(2);
    }
    memcpy(s->buf + s->used, p, len);
    s->ev.param[i] = s->buf + s->used;
    s->ev.len[i] = len;
    s->used += len;
}

static void syn_int(struct syn *s, const char *name, int64_t v)
{
    const struct ev_param *pi = ev_param_at(s->ev.type, (uint32_t)ev_param_index(s->ev.type, name));
    uint32_t len = 8;
    switch (pi->type) {
    case PT_UINT8:
    case PT_INT8:
        len = 1;
        break;
    case PT_UINT16:
    case PT_INT16:
    case PT_FLAGS16:
        len = 2;
        break;
    case PT_UINT32:
    case PT_INT32:
    case PT_FLAGS32:
    case PT_UID:
    case PT_GID:
    case PT_ENUMFLAGS32:
        len = 4;
        break;
    default:
        break;
    }
    uint8_t b[8];
    memcpy(b, &v, 8); /* little endian */
    syn_put(s, name, b, len);
}

static void syn_str(struct syn *s, const char *name, const char *v)
{
    syn_put(s, name, v, (uint32_t)strlen(v) + 1);
}

static uint64_t g_ts = 1000000000000ull;

static void feed(struct fc_state *st, struct syn *s, struct fc_pevent *pe)
{
    fc_state_event(st, &s->ev, pe);
}

/* a clone exit of the current layout; side: res */
static void syn_clone(struct syn *s, int64_t hdr_tid, int64_t res, int64_t pid, int64_t ptid,
                      uint32_t flags, const char *comm)
{
    syn_begin(s, PPME_SYSCALL_CLONE_20_X, hdr_tid, g_ts += 1000);
    syn_int(s, "res", res);
    syn_str(s, "exe", comm);
    syn_put(s, "args", "", 0);
    syn_int(s, "tid", hdr_tid);
    syn_int(s, "pid", pid);
    syn_int(s, "ptid", ptid);
    syn_str(s, "cwd", "");
    syn_int(s, "fdlimit", 1024);
    syn_str(s, "comm", comm);
    syn_int(s, "flags", flags);
    syn_int(s, "uid", 0);
    syn_int(s, "gid", 0);
    syn_int(s, "vtid", hdr_tid);
    syn_int(s, "vpid", pid);
}

static void syn_procexit(struct syn *s, int64_t tid, int64_t reaper)
{
    syn_begin(s, PPME_PROCEXIT_1_E, tid, g_ts += 1000);
    syn_int(s, "status", 0);
    syn_int(s, "ret", 0);
    syn_int(s, "sig", 0);
    syn_int(s, "core", 0);
    syn_int(s, "reaper_tid", reaper);
}

static void syn_open(struct syn *s, int64_t tid, int64_t fd, const char *path, uint32_t flags)
{
    syn_begin(s, PPME_SYSCALL_OPEN_X, tid, g_ts += 1000);
    syn_int(s, "fd", fd);
    syn_str(s, "name", path);
    syn_int(s, "flags", flags);
    syn_int(s, "mode", 0);
}

static void syn_noop(struct syn *s, int64_t tid)
{
    syn_begin(s, PPME_SYSCALL_GETGID_X, tid, g_ts += 1000);
    syn_int(s, "gid", 0);
}

static void test_synthetic_tree(void)
{
    struct fc_state *st = fc_state_new(NULL);
    struct syn s;
    struct fc_pevent pe;
    /* 100 (placeholder from its first event) forks 101, which forks 102 */
    syn_noop(&s, 100);
    feed(st, &s, &pe);
    CHECK(pe.thr && pe.thr->invalid && pe.thr->pid == 100, "placeholder for 100");
    syn_clone(&s, 100, 101, 100, 1, 0, "parent");
    feed(st, &s, &pe);
    CHECK(pe.thr && !pe.thr->invalid, "clone repairs the caller");
    const struct fc_thread *c = fc_state_thread(st, 101);
    CHECK(c && c->ptid == 100 && c->pid == 101, "child 101 from the parent side");
    syn_clone(&s, 101, 0, 101, 100, 0, "child");
    feed(st, &s, &pe);
    CHECK(pe.thr == c, "recent child side keeps the parent-side entry");
    syn_clone(&s, 102, 0, 102, 101, 0, "grandchild"); /* child side first this time */
    feed(st, &s, &pe);
    const struct fc_thread *g = fc_state_thread(st, 102);
    CHECK(g && g->ptid == 101 && (g->flags & FC_CL_CLONE_INVERTED), "child-side entry for 102");
    CHECK(pe.thr == g && !strcmp(fc_sb_str(&g->comm), "grandchild"), "event thread is the child");
    syn_clone(&s, 101, 102, 101, 100, 0, "child");
    feed(st, &s, &pe);
    CHECK(fc_state_thread(st, 102) == g, "parent side after child side keeps the entry");
    /* a thread of 101 */
    syn_clone(&s, 103, 0, 101, 100, FC_CL_CLONE_THREAD, "child");
    feed(st, &s, &pe);
    const struct fc_thread *th = fc_state_thread(st, 103);
    CHECK(th && th->pid == 101 && fc_state_main(st, th) == c, "thread 103 of 101");

    /* 101's main thread exits while its thread 103 lives: the grandchild is
     * handed to 103 (same group), the main entry stays, dead */
    syn_procexit(&s, 101, 0);
    feed(st, &s, &pe);
    CHECK(pe.thr == c, "procexit sees the dying thread");
    /* the exit itself already counts the thread out (proc.nthreads) */
    CHECK(fc_state_group_alive(st, c) == 1 && fc_state_thread_dead(st, c),
          "group of 101 at its leader's exit: %u alive", fc_state_group_alive(st, c));
    syn_noop(&s, 100);
    feed(st, &s, &pe);
    CHECK(fc_state_thread(st, 101) == c, "dead main thread kept while 103 lives");
    CHECK(g->ptid == 103, "grandchild reparented to the live thread: %lld", (long long)g->ptid);
    /* the last thread exits: the group goes; the orphan gets the kernel's reaper */
    syn_procexit(&s, 103, 100);
    feed(st, &s, &pe);
    syn_noop(&s, 100);
    feed(st, &s, &pe);
    CHECK(!fc_state_thread(st, 101) && !fc_state_thread(st, 103), "group 101 removed");
    CHECK(g->ptid == 100, "reaper_tid from procexit: %lld", (long long)g->ptid);
    /* 100 was chosen as a reaper, which marks it one (§2.6): it adopts the
     * next orphan of its line without being named */
    syn_clone(&s, 104, 0, 104, 102, 0, "leaf");
    feed(st, &s, &pe);
    syn_procexit(&s, 102, -1);
    feed(st, &s, &pe);
    syn_noop(&s, 100);
    feed(st, &s, &pe);
    const struct fc_thread *leaf = fc_state_thread(st, 104);
    CHECK(leaf && leaf->ptid == 100, "orphan adopted by the marked reaper: ptid %lld",
          leaf ? (long long)leaf->ptid : -9);
    /* a line with no reaper anywhere: ptid 0 */
    syn_noop(&s, 110);
    feed(st, &s, &pe);
    syn_clone(&s, 110, 111, 110, 1, 0, "a");
    feed(st, &s, &pe);
    syn_clone(&s, 112, 0, 112, 111, 0, "b");
    feed(st, &s, &pe);
    syn_procexit(&s, 111, -1);
    feed(st, &s, &pe);
    syn_noop(&s, 110);
    feed(st, &s, &pe);
    const struct fc_thread *b = fc_state_thread(st, 112);
    CHECK(b && b->ptid == 0, "orphan without reaper: ptid %lld", b ? (long long)b->ptid : -9);
    struct fc_state_stats ss;
    fc_state_get_stats(st, &ss);
    /* left: 100, 104, 110, 112; gone: 101, 103, 102, 111 */
    CHECK(ss.threads == 4 && ss.threads_removed == 4, "threads %llu removed %llu",
          (unsigned long long)ss.threads, (unsigned long long)ss.threads_removed);
    fc_state_free(st);
}

/* Controller names are stored as cgroup v1 names them (state-model.md
 * §2.2); the corpus check is in test_curl_google. */
static void test_cgroup_names(void)
{
    struct fc_state *st = fc_state_new(NULL);
    struct syn s;
    struct fc_pevent pe;
    syn_noop(&s, 150);
    feed(st, &s, &pe);
    syn_clone(&s, 150, 151, 150, 1, 0, "cg");
    static const char cg[] = "cpu=/a\0io=/b\0perf=/\0mem=/m\0net_cls_cgroup=/x\0iox=/y\0odd\0";
    syn_put(&s, "cgroups", cg, sizeof(cg) - 1);
    feed(st, &s, &pe);
    const struct fc_thread *c = fc_state_thread(st, 151);
    static const char want[] =
        "cpu=/a\0blkio=/b\0perf_event=/\0memory=/m\0net_cls=/x\0iox=/y\0odd\0";
    CHECK(c && c->cgroups.n == 7 && c->cgroups.len == sizeof(want) - 1 &&
              !memcmp(c->cgroups.p, want, sizeof(want) - 1),
          "normalized cgroups: %u items, '%s'", c ? c->cgroups.n : 0,
          c ? fc_sb_str(&c->cgroups) : "");
    fc_state_free(st);
}

/* thread.cpu*: procinfo CPU totals measured against the thread's previous
 * procinfo, capped at 100, 0 the first time (libsinsp's thread filter
 * check; fields.tsv). The event gets the thread it names, never a new one. */
static void test_procinfo(void)
{
    struct fc_state *st = fc_state_new(NULL);
    struct syn s;
    struct fc_pevent pe;
    syn_noop(&s, 160);
    feed(st, &s, &pe);
    static const struct {
        uint64_t usr, sys;
        double cpu, user, system;
    } steps[] = {{1000, 500, 0, 0, 0}, {1030, 520, 50, 30, 20}, {1120, 560, 100, 90, 40}};
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        syn_begin(&s, PPME_PROCINFO_E, 160, g_ts += 1000);
        syn_int(&s, "cpu_usr", (int64_t)steps[i].usr);
        syn_int(&s, "cpu_sys", (int64_t)steps[i].sys);
        feed(st, &s, &pe);
        CHECK(pe.thr && pe.thr->tid == 160, "procinfo %zu: thread 160", i);
        CHECK(pe.cpu == steps[i].cpu && pe.cpu_user == steps[i].user &&
                  pe.cpu_system == steps[i].system,
              "procinfo %zu: cpu %g user %g system %g", i, pe.cpu, pe.cpu_user, pe.cpu_system);
    }
    syn_begin(&s, PPME_PROCINFO_E, 161, g_ts += 1000);
    syn_int(&s, "cpu_usr", 5);
    syn_int(&s, "cpu_sys", 5);
    feed(st, &s, &pe);
    CHECK(!pe.thr && !fc_state_thread(st, 161), "procinfo of an unknown tid creates nothing");
    fc_state_free(st);
}

static void test_synthetic_fds(void)
{
    struct fc_state *st = fc_state_new(NULL);
    struct syn s;
    struct fc_pevent pe;
    syn_noop(&s, 200);
    feed(st, &s, &pe);
    /* chdir, then relative open and openat against a dirfd */
    syn_begin(&s, PPME_SYSCALL_CHDIR_X, 200, g_ts += 1000);
    syn_int(&s, "res", 0);
    syn_str(&s, "path", "/srv//www/./x/..");
    feed(st, &s, &pe);
    CHECK(!strcmp(fc_sb_str(&pe.thr->cwd), "/srv/www/"), "cwd %s", fc_sb_str(&pe.thr->cwd));
    syn_open(&s, 200, 3, "../etc/passwd", 1 /* O_RDONLY */);
    feed(st, &s, &pe);
    CHECK(pe.fdnum == 3 && pe.fd && !strcmp(fc_sb_str(&pe.fd->name), "/srv/etc/passwd"),
          "relative open: %s", pe.fd ? fc_sb_str(&pe.fd->name) : "-");
    CHECK(pe.fd && !strcmp(fc_sb_str(&pe.fd->name_raw), "../etc/passwd"), "name_raw");
    syn_open(&s, 200, 4, "/var/lib", 1 | (1u << 10) | (1u << 12)); /* directory, cloexec */
    feed(st, &s, &pe);
    CHECK(pe.fd && pe.fd->type == FC_FD_DIRECTORY, "O_DIRECTORY gives a directory entry");
    syn_begin(&s, PPME_SYSCALL_OPENAT_2_X, 200, g_ts += 1000);
    syn_int(&s, "fd", 5);
    syn_int(&s, "dirfd", 4);
    syn_str(&s, "name", "dpkg/status");
    syn_int(&s, "flags", 1);
    syn_int(&s, "mode", 0);
    feed(st, &s, &pe);
    CHECK(pe.fd && !strcmp(fc_sb_str(&pe.fd->name), "/var/lib/dpkg/status"), "openat dirfd: %s",
          pe.fd ? fc_sb_str(&pe.fd->name) : "-");
    syn_begin(&s, PPME_SYSCALL_OPENAT_2_X, 200, g_ts += 1000);
    syn_int(&s, "fd", 6);
    syn_int(&s, "dirfd", 42);
    syn_str(&s, "name", "x");
    syn_int(&s, "flags", 1);
    feed(st, &s, &pe);
    CHECK(pe.fd && !strcmp(fc_sb_str(&pe.fd->name), "<UNKNOWN>/x"), "unknown dirfd: %s",
          pe.fd ? fc_sb_str(&pe.fd->name) : "-");
    /* failed open: no entry, fd.num -1 */
    syn_open(&s, 200, -2, "/nope", 1);
    feed(st, &s, &pe);
    CHECK(!pe.fd && pe.fdnum == -1, "failed open");

    /* dup2 3 -> 1: the new fd is a copy, the event's fd */
    syn_begin(&s, PPME_SYSCALL_DUP2_X, 200, g_ts += 1000);
    syn_int(&s, "res", 1);
    syn_int(&s, "oldfd", 3);
    syn_int(&s, "newfd", 1);
    feed(st, &s, &pe);
    CHECK(pe.fdnum == 1 && pe.fd && !strcmp(fc_sb_str(&pe.fd->name), "/srv/etc/passwd"),
          "dup2 copy");
    CHECK(pe.thr->flags & FC_CL_PIPE_SRC, "dup onto 1 marks PIPE_SRC");

    /* close is deferred to the next event */
    syn_begin(&s, PPME_SYSCALL_CLOSE_X, 200, g_ts += 1000);
    syn_int(&s, "res", 0);
    syn_int(&s, "fd", 3);
    feed(st, &s, &pe);
    CHECK(pe.fd && pe.fdnum == 3, "close sees its fd");
    CHECK(fc_state_fd(st, pe.thr, 3) != NULL, "still there during the close");
    syn_noop(&s, 200);
    feed(st, &s, &pe);
    CHECK(fc_state_fd(st, pe.thr, 3) == NULL, "gone at the next event");

    /* socket + connect (IPv4 TCP) */
    syn_begin(&s, PPME_SOCKET_SOCKET_X, 200, g_ts += 1000);
    syn_int(&s, "fd", 7);
    syn_int(&s, "domain", 2);
    syn_int(&s, "type", 1);
    syn_int(&s, "proto", 0);
    feed(st, &s, &pe);
    CHECK(pe.fd && pe.fd->type == FC_FD_IPV4_SOCK && pe.fd->l4proto == FC_L4_TCP &&
              pe.fd->name.len == 0,
          "socket entry");
    uint8_t tup[13] = {2, 10, 0, 0, 1, 0xd2, 0x04, 10, 0, 0, 2, 80, 0};
    syn_begin(&s, PPME_SOCKET_CONNECT_X, 200, g_ts += 1000);
    syn_int(&s, "res", 0);
    syn_put(&s, "tuple", tup, sizeof(tup));
    syn_int(&s, "fd", 7);
    feed(st, &s, &pe);
    CHECK(pe.fd && !strcmp(fc_sb_str(&pe.fd->name), "10.0.0.1:1234->10.0.0.2:80"), "connect: %s",
          pe.fd ? fc_sb_str(&pe.fd->name) : "-");
    CHECK(pe.fd && (pe.fd->flags & FC_FDF_ROLE_CLIENT) && (pe.fd->flags & FC_FDF_CONNECTED),
          "client, connected");
    CHECK(pe.fd_name_changed, "connect changes the name");

    /* connect TOCTOU (state-model.md §3.3): the enter read 10.0.0.3:443;
     * the exit's address, read again afterwards, and the tuple built from
     * it say 10.0.0.9:8443: the enter's destination wins */
    syn_begin(&s, PPME_SOCKET_SOCKET_X, 200, g_ts += 1000);
    syn_int(&s, "fd", 10);
    syn_int(&s, "domain", 2);
    syn_int(&s, "type", 1);
    syn_int(&s, "proto", 0);
    feed(st, &s, &pe);
    static const uint8_t entry_addr[7] = {2, 10, 0, 0, 3, 0xbb, 0x01};
    static const uint8_t exit_addr[7] = {2, 10, 0, 0, 9, 0xfb, 0x20};
    syn_begin(&s, PPME_SOCKET_CONNECT_E, 200, g_ts += 1000);
    syn_int(&s, "fd", 10);
    syn_put(&s, "addr", entry_addr, sizeof(entry_addr));
    feed(st, &s, &pe);
    uint8_t tup2[13] = {2, 10, 0, 0, 1, 0xd3, 0x04, 10, 0, 0, 9, 0xfb, 0x20};
    syn_begin(&s, PPME_SOCKET_CONNECT_X, 200, g_ts += 1000);
    syn_int(&s, "res", 0);
    syn_put(&s, "tuple", tup2, sizeof(tup2));
    syn_int(&s, "fd", 10);
    syn_put(&s, "addr", exit_addr, sizeof(exit_addr));
    feed(st, &s, &pe);
    CHECK(pe.fd && !strcmp(fc_sb_str(&pe.fd->name), "10.0.0.1:1235->10.0.0.3:443"),
          "connect keeps the entry address: %s", pe.fd ? fc_sb_str(&pe.fd->name) : "-");
    /* without an enter, the exit's address fills an empty tuple */
    syn_begin(&s, PPME_SOCKET_SOCKET_X, 200, g_ts += 1000);
    syn_int(&s, "fd", 11);
    syn_int(&s, "domain", 2);
    syn_int(&s, "type", 1);
    syn_int(&s, "proto", 0);
    feed(st, &s, &pe);
    syn_begin(&s, PPME_SOCKET_CONNECT_X, 200, g_ts += 1000);
    syn_int(&s, "res", -115); /* EINPROGRESS */
    syn_int(&s, "fd", 11);
    syn_put(&s, "addr", exit_addr, sizeof(exit_addr));
    feed(st, &s, &pe);
    CHECK(pe.fd && !strcmp(fc_sb_str(&pe.fd->name), "0.0.0.0:0->10.0.0.9:8443"),
          "connect without a tuple: %s", pe.fd ? fc_sb_str(&pe.fd->name) : "-");

    /* a send on an fd never seen: libsinsp infers a UDP socket for sendto
     * only (infer_sendto_fdinfo); sendmsg leaves the table alone */
    uint8_t utup[13] = {2, 10, 0, 0, 1, 0x35, 0x00, 10, 0, 0, 5, 0x35, 0x00};
    syn_begin(&s, PPME_SOCKET_SENDMSG_X, 200, g_ts += 1000);
    syn_int(&s, "res", 20);
    syn_int(&s, "fd", 40);
    syn_int(&s, "size", 20);
    syn_put(&s, "tuple", utup, sizeof(utup));
    feed(st, &s, &pe);
    CHECK(!pe.fd && pe.fdnum == 40, "sendmsg on an unknown fd creates no entry");
    syn_begin(&s, PPME_SOCKET_SENDTO_X, 200, g_ts += 1000);
    syn_int(&s, "res", 20);
    syn_int(&s, "fd", 41);
    syn_int(&s, "size", 20);
    syn_put(&s, "tuple", utup, sizeof(utup));
    feed(st, &s, &pe);
    CHECK(pe.fd && pe.fd->type == FC_FD_IPV4_SOCK && pe.fd->l4proto == FC_L4_UDP &&
              !strcmp(fc_sb_str(&pe.fd->name), "10.0.0.1:53->10.0.0.5:53"),
          "sendto on an unknown fd: a UDP socket named %s", pe.fd ? fc_sb_str(&pe.fd->name) : "-");

    /* pipe: two unnamed FIFOs, the event ends on the second */
    syn_begin(&s, PPME_SYSCALL_PIPE_X, 200, g_ts += 1000);
    syn_int(&s, "res", 0);
    syn_int(&s, "fd1", 8);
    syn_int(&s, "fd2", 9);
    syn_int(&s, "ino", 777);
    feed(st, &s, &pe);
    CHECK(pe.fdnum == 9 && pe.fd && pe.fd->type == FC_FD_FIFO && pe.fd->ino == 777, "pipe");
    CHECK(fc_state_fd(st, pe.thr, 8) && fc_state_fd(st, pe.thr, 8)->type == FC_FD_FIFO,
          "pipe first end");

    /* fork: the child copies the table; exec drops close-on-exec fds */
    syn_clone(&s, 200, 201, 200, 1, 0, "p");
    feed(st, &s, &pe);
    const struct fc_thread *c = fc_state_thread(st, 201);
    CHECK(c && fc_state_fd(st, c, 4) && (fc_state_fd(st, c, 4)->flags & FC_FDF_CLONED),
          "child has a copy of fd 4");
    CHECK(c && !strcmp(fc_sb_str(&c->cwd), "/srv/www/"), "child cwd copied");
    syn_begin(&s, PPME_SYSCALL_EXECVE_19_X, 201, g_ts += 1000);
    syn_int(&s, "res", 0);
    syn_str(&s, "exe", "/bin/true");
    syn_put(&s, "args", "a\0b\0", 4);
    syn_int(&s, "tid", 201);
    syn_int(&s, "pid", 201);
    syn_int(&s, "ptid", 200);
    syn_str(&s, "comm", "true");
    static const char cg_docker[] =
        "cpu=/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    syn_put(&s, "cgroups", cg_docker, sizeof(cg_docker));
    feed(st, &s, &pe);
    CHECK(pe.thr == c && !strcmp(fc_sb_str(&c->comm), "true") && c->args.n == 2, "execve");
    CHECK(!fc_state_fd(st, c, 4) && fc_state_fd(st, c, 5), "cloexec fd dropped, others kept");
    CHECK(!strcmp(fc_sb_str(&c->container_id), "0123456789ab"), "container id %s",
          fc_sb_str(&c->container_id));
    fc_state_free(st);
}

static void test_synthetic_meta(void)
{
    struct fc_state *st = fc_state_new(NULL);
    struct syn s;
    struct fc_pevent pe;
    static const char json[] =
        "{\"container\":{\"id\":\"abcdef123456\",\"name\":\"web\",\"type\":6,"
        "\"image\":\"nginx:1\",\"ip\":\"10.1.2.3\",\"labels\":{\"a\":\"b\\u0041\",\"c\":\"\"},"
        "\"Mounts\":[{\"Source\":\"/s\",\"Destination\":\"/d\",\"Mode\":\"\",\"RW\":true,"
        "\"Propagation\":\"rprivate\"}],\"privileged\":false,\"extra\":[1,{\"x\":null}]}}";
    syn_begin(&s, PPME_ASYNCEVENT_E, -1, g_ts += 1000);
    syn_int(&s, "plugin_id", 1);
    syn_str(&s, "name", "container");
    syn_put(&s, "data", json, sizeof(json) - 1);
    feed(st, &s, &pe);
    CHECK(pe.evname && !strcmp(pe.evname, "container") && !pe.thr, "asyncevent named container");
    const struct fc_container *c = fc_state_container(st, "abcdef123456");
    CHECK(c && c->has_metadata && !strcmp(c->name, "web") && !strcmp(c->type, "cri") &&
              !strcmp(c->image, "nginx:1") && !c->privileged,
          "container record");
    CHECK(c && c->labels->n == 2 && !strcmp(c->labels->p, "a=bA"), "labels");
    CHECK(c && c->mounts->n == 1 && !strcmp(c->mounts->p, "/s:/d::true:rprivate"), "mounts %s",
          c ? fc_sb_str(c->mounts) : "-");
    /* a thread of that container: its IP is local, a stranger's is not */
    syn_clone(&s, 500, 0, 500, 1, 0, "nginx");
    static const char cg_pod[] = "cpu=/kubepods/besteffort/podx/"
                                 "abcdef1234560000000000000000000000000000000000000000000000000000";
    syn_put(&s, "cgroups", cg_pod, sizeof(cg_pod));
    feed(st, &s, &pe);
    CHECK(pe.thr && !strcmp(fc_sb_str(&pe.thr->container_id), "abcdef123456"), "cid %s",
          pe.thr ? fc_sb_str(&pe.thr->container_id) : "-");
    const uint8_t mine[4] = {10, 1, 2, 3}, other[4] = {10, 9, 9, 9};
    CHECK(pe.thr && fc_state_is_local(st, pe.thr, 4, mine), "container ip is local");
    CHECK(pe.thr && !fc_state_is_local(st, pe.thr, 4, other), "other ip is not");
    /* users and groups of a container, from the capture's meta events */
    syn_begin(&s, PPME_USER_ADDED_E, -1, g_ts += 1000);
    syn_int(&s, "uid", 33);
    syn_int(&s, "gid", 33);
    syn_str(&s, "name", "www-data");
    syn_str(&s, "home", "/var/www");
    syn_str(&s, "shell", "/usr/sbin/nologin");
    syn_str(&s, "container_id", "abcdef123456");
    feed(st, &s, &pe);
    const struct fc_user *u = fc_state_user(st, "abcdef123456", 33);
    CHECK(u && !strcmp(u->name, "www-data") && !strcmp(u->home, "/var/www"), "container user");
    CHECK(!fc_state_user(st, "", 33), "not a host user");
    fc_state_free(st);
}

/* A container's users and groups go when its init exits, live only (as
 * libsinsp's user/group manager does); a replay keeps them. */
static void test_container_users(void)
{
    for (int live = 0; live < 2; live++) {
        struct fc_state_opts o = {.live = live};
        struct fc_state *st = fc_state_new(&o);
        struct syn s;
        struct fc_pevent pe;
        syn_clone(&s, 600, 0, 600, 1, 0, "init");
        static const char cg[] = "cpu=/docker/"
                                 "abcdef6543210000000000000000000000000000000000000000000000000000";
        syn_put(&s, "cgroups", cg, sizeof(cg));
        syn_int(&s, "vtid", 1);
        syn_int(&s, "vpid", 1);
        feed(st, &s, &pe);
        CHECK(pe.thr && !strcmp(fc_sb_str(&pe.thr->container_id), "abcdef654321"), "init cid");
        syn_begin(&s, PPME_USER_ADDED_E, -1, g_ts += 1000);
        syn_int(&s, "uid", 33);
        syn_int(&s, "gid", 33);
        syn_str(&s, "name", "www-data");
        syn_str(&s, "home", "/var/www");
        syn_str(&s, "shell", "/bin/false");
        syn_str(&s, "container_id", "abcdef654321");
        feed(st, &s, &pe);
        syn_begin(&s, PPME_GROUP_ADDED_E, -1, g_ts += 1000);
        syn_int(&s, "gid", 33);
        syn_str(&s, "name", "www-data");
        syn_str(&s, "container_id", "abcdef654321");
        feed(st, &s, &pe);
        syn_begin(&s, PPME_USER_ADDED_E, -1, g_ts += 1000);
        syn_int(&s, "uid", 1000);
        syn_int(&s, "gid", 1000);
        syn_str(&s, "name", "alice");
        syn_str(&s, "home", "/home/alice");
        syn_str(&s, "shell", "/bin/sh");
        syn_str(&s, "container_id", "");
        feed(st, &s, &pe);
        CHECK(fc_state_user(st, "abcdef654321", 33) && fc_state_group(st, "abcdef654321", 33),
              "container user and group before the exit");
        syn_procexit(&s, 600, 0);
        feed(st, &s, &pe);
        bool gone =
            !fc_state_user(st, "abcdef654321", 33) && !fc_state_group(st, "abcdef654321", 33);
        CHECK(live ? gone : !gone, "%s: container users %s at its init's exit",
              live ? "live" : "replay", gone ? "dropped" : "kept");
        CHECK(fc_state_user(st, "", 1000) != NULL, "host users stay");
        fc_state_free(st);
    }
}

static bool collect_fd(void *ud, const struct fc_fd *f)
{
    int64_t **w = ud;
    *(*w)++ = f->fd;
    return true;
}

static void test_fd_kinds(void)
{
    struct fc_state *st = fc_state_new(NULL);
    struct syn s;
    struct fc_pevent pe;
    syn_noop(&s, 800);
    feed(st, &s, &pe);
    syn_begin(&s, PPME_SYSCALL_EVENTFD2_X, 800, g_ts += 1000);
    syn_int(&s, "res", 12);
    syn_int(&s, "flags", 1u << 12); /* O_CLOEXEC in the file_flags encoding */
    feed(st, &s, &pe);
    CHECK(pe.fdnum == 12 && pe.fd && pe.fd->type == FC_FD_EVENT && (pe.fd->openflags & (1u << 12)),
          "eventfd2");
    syn_begin(&s, PPME_SYSCALL_MEMFD_CREATE_X, 800, g_ts += 1000);
    syn_int(&s, "fd", 10);
    syn_str(&s, "name", "shm");
    syn_int(&s, "flags", 1); /* MFD_CLOEXEC */
    feed(st, &s, &pe);
    CHECK(pe.fd && pe.fd->type == FC_FD_MEMFD && !strcmp(fc_sb_str(&pe.fd->name), "shm") &&
              (pe.fd->openflags & (1u << 12)),
          "memfd: plain name, its CLOEXEC");
    syn_begin(&s, PPME_SYSCALL_PIDFD_OPEN_X, 800, g_ts += 1000);
    syn_int(&s, "fd", 11);
    syn_int(&s, "pid", 42);
    syn_int(&s, "flags", 0);
    feed(st, &s, &pe);
    CHECK(pe.fd && pe.fd->type == FC_FD_PIDFD && pe.fd->pid == 42 &&
              !strcmp(fc_sb_str(&pe.fd->name), "/proc/42"),
          "pidfd");
    /* F_SETFD clears CLOEXEC; F_DUPFD_CLOEXEC copies with it */
    syn_begin(&s, PPME_SYSCALL_FCNTL_X, 800, g_ts += 1000);
    syn_int(&s, "res", 0);
    syn_int(&s, "fd", 12);
    syn_int(&s, "cmd", 3);
    syn_int(&s, "arg", 0);
    feed(st, &s, &pe);
    CHECK(pe.fd && pe.fd->fd == 12 && !(pe.fd->openflags & (1u << 12)), "F_SETFD 0");
    syn_begin(&s, PPME_SYSCALL_FCNTL_X, 800, g_ts += 1000);
    syn_int(&s, "res", 20);
    syn_int(&s, "fd", 12);
    syn_int(&s, "cmd", 0x1a);
    feed(st, &s, &pe);
    CHECK(pe.fdnum == 20 && pe.fd && pe.fd->type == FC_FD_EVENT && (pe.fd->openflags & (1u << 12)),
          "F_DUPFD_CLOEXEC");
    int64_t fds[8], *w = fds;
    uint32_t n = fc_state_fd_each(st, pe.thr, collect_fd, &w);
    CHECK(n == 4 && fds[0] == 10 && fds[1] == 11 && fds[2] == 12 && fds[3] == 20,
          "ascending walk: %u", n);
    /* close_range 11..15 */
    syn_begin(&s, PPME_SYSCALL_CLOSE_RANGE_X, 800, g_ts += 1000);
    syn_int(&s, "res", 0);
    syn_int(&s, "first", 11);
    syn_int(&s, "last", 15);
    syn_int(&s, "flags", 0);
    feed(st, &s, &pe);
    CHECK(fc_state_fd(st, pe.thr, 10) && !fc_state_fd(st, pe.thr, 11) &&
              !fc_state_fd(st, pe.thr, 12) && fc_state_fd(st, pe.thr, 20),
          "close_range");
    fc_state_free(st);
}

static void test_identity(void)
{
    struct fc_state *st = fc_state_new(NULL);
    struct syn s;
    struct fc_pevent pe;
    syn_clone(&s, 700, 0, 700, 1, 0, "id");
    feed(st, &s, &pe);
    const struct fc_thread *t = pe.thr;
    syn_begin(&s, PPME_SYSCALL_SETUID_X, 700, g_ts += 1000);
    syn_int(&s, "res", 0);
    syn_int(&s, "uid", 1000);
    feed(st, &s, &pe);
    CHECK(t->uid == 1000, "setuid: %u", t->uid);
    syn_begin(&s, PPME_SYSCALL_SETRESUID_X, 700, g_ts += 1000);
    syn_int(&s, "res", 0);
    syn_int(&s, "ruid", 5);
    syn_int(&s, "euid", -1);
    syn_int(&s, "suid", 5);
    feed(st, &s, &pe);
    CHECK(t->uid == 1000, "setresuid with euid -1 keeps the uid: %u", t->uid);
    syn_begin(&s, PPME_SYSCALL_SETRESUID_X, 700, g_ts += 1000);
    syn_int(&s, "res", -1);
    syn_int(&s, "euid", 7);
    feed(st, &s, &pe);
    CHECK(t->uid == 1000, "failed setresuid changes nothing");
    syn_begin(&s, PPME_SYSCALL_CAPSET_X, 700, g_ts += 1000);
    syn_int(&s, "res", 0);
    syn_int(&s, "cap_inheritable", 1);
    syn_int(&s, "cap_permitted", 2);
    syn_int(&s, "cap_effective", 4);
    feed(st, &s, &pe);
    CHECK(t->cap_inheritable == 1 && t->cap_permitted == 2 && t->cap_effective == 4, "capset");
    syn_begin(&s, PPME_SYSCALL_SETSID_X, 700, g_ts += 1000);
    syn_int(&s, "res", 700);
    feed(st, &s, &pe);
    CHECK(t->sid == 700, "setsid");
    fc_state_free(st);
}

static void test_limits(void)
{
    struct fc_state_opts o = {.max_threads = 4, .max_fds_per_process = 2};
    struct fc_state *st = fc_state_new(&o);
    struct syn s;
    struct fc_pevent pe;
    for (int64_t tid = 300; tid < 310; tid++) {
        syn_noop(&s, tid);
        feed(st, &s, &pe);
        CHECK((tid < 304) == (pe.thr != NULL), "tid %lld", (long long)tid);
    }
    for (int64_t fd = 3; fd < 6; fd++) {
        syn_open(&s, 300, fd, "/tmp/f", 1);
        feed(st, &s, &pe);
    }
    struct fc_state_stats ss;
    fc_state_get_stats(st, &ss);
    CHECK(ss.threads == 4 && ss.threads_dropped == 6, "threads %llu dropped %llu",
          (unsigned long long)ss.threads, (unsigned long long)ss.threads_dropped);
    CHECK(ss.fds == 2 && ss.fds_dropped == 1, "fds %llu dropped %llu", (unsigned long long)ss.fds,
          (unsigned long long)ss.fds_dropped);
    CHECK(pe.num == 13, "evt.num counts every event: %llu", (unsigned long long)pe.num);
    fc_state_free(st);
}

/* capture-time purge: placeholders at every scan, idle entries after 30 min */
static void test_purge(void)
{
    struct fc_state *st = fc_state_new(NULL);
    struct syn s;
    struct fc_pevent pe;
    syn_clone(&s, 600, 0, 600, 1, 0, "busy"); /* a valid entry */
    feed(st, &s, &pe);
    syn_clone(&s, 601, 0, 601, 1, 0, "idle");
    feed(st, &s, &pe);
    syn_noop(&s, 602); /* a placeholder */
    feed(st, &s, &pe);
    uint64_t t0 = g_ts;
    g_ts = t0 + 31ull * 1000000000ull; /* first scan 30 s after the start */
    syn_noop(&s, 600);
    feed(st, &s, &pe);
    CHECK(!fc_state_thread(st, 602) && fc_state_thread(st, 601), "placeholder purged, 601 kept");
    g_ts = t0 + 25ull * 60 * 1000000000ull; /* second scan: nobody idle for 30 min */
    syn_noop(&s, 600);
    feed(st, &s, &pe);
    CHECK(fc_state_thread(st, 601) != NULL, "601 idle for 25 min is kept");
    g_ts = t0 + 50ull * 60 * 1000000000ull; /* third scan: 601 idle 50 min, 600 25 min */
    syn_noop(&s, 600);
    feed(st, &s, &pe);
    CHECK(pe.thr && !pe.thr->invalid, "600 kept");
    CHECK(fc_state_thread(st, 600) && !fc_state_thread(st, 601), "idle entry purged");
    struct fc_state_stats ss;
    fc_state_get_stats(st, &ss);
    CHECK(ss.threads_purged == 2, "purged %llu", (unsigned long long)ss.threads_purged);
    fc_state_free(st);
}

/* bad input: truncated parameters never crash, they are just missing */
static void test_short_params(void)
{
    struct fc_state *st = fc_state_new(NULL);
    struct fc_pevent pe;
    static const uint8_t one = 1;
    for (int code = 0; code < ev_count(); code++) {
        struct scap_event ev = {.ts = g_ts += 1000, .tid = 400, .type = (uint16_t)code};
        ev.nparams = ev_nparams(code);
        for (uint32_t i = 0; i < ev.nparams && i < SCAP_MAX_PARAMS; i++) {
            ev.param[i] = &one;
            ev.len[i] = 1;
        }
        fc_state_event(st, &ev, &pe);
    }
    CHECK(pe.num == (uint64_t)ev_count(), "survived every code with 1-byte params");
    /* random bytes and lengths, a few threads, every code: nothing to check
     * but that it returns (and, under the sanitizers, cleanly) */
    static uint8_t junk[64][48];
    uint32_t seed = 12345;
    for (int round = 0; round < 20; round++)
        for (int code = 0; code < ev_count(); code++) {
            struct scap_event ev = {.ts = g_ts += 1000,
                                    .tid = (uint64_t)(400 + (seed >> 8) % 4),
                                    .type = (uint16_t)code};
            ev.nparams = ev_nparams(code);
            for (uint32_t i = 0; i < ev.nparams && i < SCAP_MAX_PARAMS; i++) {
                uint8_t *b = junk[(code + i) % 64];
                for (int k = 0; k < 48; k++) {
                    seed = seed * 1103515245u + 12345u;
                    b[k] = (uint8_t)(seed >> 16);
                }
                ev.param[i] = b;
                ev.len[i] = (seed >> 20) % 49;
            }
            fc_state_event(st, &ev, &pe);
        }
    CHECK(pe.num == 21ull * (uint64_t)ev_count(), "survived random parameters");
    fc_state_free(st);
}

int main(void)
{
    test_curl_google();
    test_example4();
    test_troubleshooting();
    test_misc_captures();
    test_container_json();
    test_synthetic_tree();
    test_cgroup_names();
    test_procinfo();
    test_container_users();
    test_synthetic_fds();
    test_synthetic_meta();
    test_identity();
    test_fd_kinds();
    test_limits();
    test_purge();
    test_short_params();
    return th_done();
}
