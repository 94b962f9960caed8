/*
 * test_extract_fd.c - the fd.*, fdlist.*, container.* and k8s.* extractors
 * (x_fd.c, x_cont.c) through the state provider, on processed events built
 * by hand: a thread, an fd entry, an event of a given type. The expected
 * values are those state-model.md §3, §5 and §8 (and libsinsp's fd filter
 * check they describe) give for these inputs.
 *
 * The hand-built events carry no state (pe.st = NULL), so nothing is local
 * and no other fd or container record can be looked up; parameters are
 * decoded by fc_params.h. Then corpus captures go through the state engine
 * and chosen events are checked against what sysdig 0.29.3 prints for them
 * where current semantics agree (shared/spec/oracle.md).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "fc_fields.h"
#include "fc_params.h"
#include "fc_rt.h"
#include "fc_scap.h"
#include "fc_state.h"
#include "tharness.h"

static struct fc_ctx C;
static struct fc_pevent PE;
static struct scap_event EV;
static struct fc_thread THR;
static struct fc_fd FD;

/* Strings of hand-built references and entries live in one static pool:
 * they are plain structs on the stack, so nothing would free them. */
static char *pool_dup(const char *p, size_t n)
{
    static char pool[1 << 16];
    static size_t used;
    if (used + n + 1 > sizeof(pool))
        used = 0;
    char *d = memcpy(pool + used, p, n);
    d[n] = '\0';
    used += n + 1;
    return d;
}

static struct fc_fref ref(const char *w)
{
    char err[256];
    struct fc_fref f;
    if (!fc_fref_parse(w, &f, err, sizeof(err))) {
        fprintf(stderr, "%s: %s\n", w, err);
        exit(2);
    }
    /* The key lives in the pool so that callers need not release it. */
    const char *k = f.key;
    f.key = k ? pool_dup(k, f.key_len) : NULL;
    free((char *)k);
    return f;
}

static uint32_t count(const char *w)
{
    struct fc_fref f = ref(w);
    return fc_state_provider.count(&C, &f);
}

static struct fc_str str_at(const char *w, uint32_t i)
{
    struct fc_fref f = ref(w);
    return fc_state_provider.get_str(&C, &f, i);
}

static struct fc_num num_at(const char *w, uint32_t i)
{
    struct fc_fref f = ref(w);
    return fc_state_provider.get_num(&C, &f, i);
}

static struct fc_ip ip_at(const char *w, uint32_t i)
{
    struct fc_fref f = ref(w);
    return fc_state_provider.get_ip(&C, &f, i);
}

static bool str_is(struct fc_str s, const char *want)
{
    return s.ok && s.len == strlen(want) && !memcmp(s.p, want, s.len);
}

#define CHECK_STR(w, want)                                                                         \
    do {                                                                                           \
        struct fc_str s_ = str_at(w, 0);                                                           \
        CHECK(str_is(s_, want), "%s = '%.*s' (ok %u), want '%s'", w, (int)s_.len,                  \
              s_.p ? s_.p : "", s_.ok, want);                                                      \
    } while (0)

#define CHECK_NUM(w, want)                                                                         \
    do {                                                                                           \
        struct fc_num n_ = num_at(w, 0);                                                           \
        CHECK(n_.ok &&n_.v == (uint64_t)(want), "%s = %lld (ok %llu), want %lld", w,               \
              (long long)n_.v, (unsigned long long)n_.ok, (long long)(want));                      \
    } while (0)

#define CHECK_ABSENT(w) CHECK(count(w) == 0, "%s should have no value", w)

static bool ip_is(struct fc_ip ip, const char *text)
{
    uint8_t a[16] = {0};
    int fam = strchr(text, ':') ? 6 : 4;
    if (inet_pton(fam == 6 ? AF_INET6 : AF_INET, text, a) != 1)
        return false;
    return ip.family == fam && !memcmp(ip.addr, a, fam == 6 ? 16 : 4);
}

#define CHECK_IP(w, i, want)                                                                       \
    CHECK(ip_is(ip_at(w, i), want), "%s[pos %u] is not %s (family %u)", w, (unsigned)(i), want,    \
          ip_at(w, i).family)

/* ---- building processed events ---- */

static void sb_set(struct fc_sb *s, const char *text)
{
    s->p = pool_dup(text, strlen(text));
    s->len = (uint32_t)strlen(text);
    s->cap = s->len + 1;
    s->n = 0;
}

static void set_addr(uint8_t *dst, const char *text)
{
    memset(dst, 0, 16);
    inet_pton(strchr(text, ':') ? AF_INET6 : AF_INET, text, dst);
}

/* An event of type `type` by thread 1234 on fd `fdnum`, with `fd` as its
 * entry (NULL: none). */
static void event(uint16_t type, int64_t fdnum, struct fc_fd *fd)
{
    memset(&EV, 0, sizeof(EV));
    EV.type = type;
    EV.tid = 1234;
    EV.ts = 5000000000ull;
    PE = (struct fc_pevent){.ev = &EV, .thr = &THR, .fd = fd, .fdnum = fdnum, .num = 1};
    fc_ctx_next_event(&C);
}

static void param(uint32_t idx, const void *p, uint32_t len)
{
    EV.param[idx] = p;
    EV.len[idx] = len;
    if (EV.nparams <= idx)
        EV.nparams = EV.nparams_raw = idx + 1;
}

static void file_fd(int type, const char *name)
{
    memset(&FD, 0, sizeof(FD));
    FD.fd = 3;
    FD.type = (uint8_t)type;
    sb_set(&FD.name, name);
    sb_set(&FD.name_raw, "");
}

static void sock_fd(int type, int l4, uint16_t flags, const char *sip, uint16_t sport,
                    const char *dip, uint16_t dport)
{
    file_fd(type, "");
    FD.l4proto = (uint8_t)l4;
    FD.flags = flags;
    set_addr(FD.sip, sip);
    set_addr(FD.dip, dip);
    FD.sport = sport;
    FD.dport = dport;
}

/* ---- fd.* ---- */

static void test_gating(void)
{
    file_fd(FC_FD_FILE_V2, "/etc/passwd");
    event(PPME_SYSCALL_EXECVE_19_X, 3, &FD); /* no fd semantics */
    CHECK_ABSENT("fd.num");
    CHECK_ABSENT("fd.name");
    CHECK_ABSENT("fd.typechar");
    CHECK_ABSENT("fd.uid");

    event(PPME_SYSCALL_READ_X, 3, &FD);
    PE.thr = NULL; /* no thread: nothing either */
    CHECK_ABSENT("fd.num");
    CHECK_ABSENT("fd.name");
    CHECK_ABSENT("fdlist.nums");
}

static void test_file(void)
{
    file_fd(FC_FD_FILE_V2, "/etc/ssl/certs/ca.pem");
    sb_set(&FD.name_raw, "certs//ca.pem");
    FD.dev = 0x800803; /* new_encode_dev(major 8, minor 0x803) */
    FD.ino = 4242;
    FD.flags = FC_FDF_OVERLAY_UPPER;
    event(PPME_SYSCALL_READ_X, 3, &FD);
    CHECK_NUM("fd.num", 3);
    CHECK_STR("fd.type", "file");
    CHECK_STR("fd.typechar", "f");
    CHECK_STR("fd.name", "/etc/ssl/certs/ca.pem");
    CHECK_STR("fd.directory", "/etc/ssl/certs");
    CHECK_STR("fd.filename", "ca.pem");
    CHECK_STR("fd.containername", ":/etc/ssl/certs/ca.pem");
    CHECK_STR("fd.containerdirectory", ":/etc/ssl/certs");
    CHECK_STR("fd.nameraw", "certs/ca.pem");
    CHECK_STR("fd.uid", "12343");
    CHECK_STR("fd.l4proto", "<NA>");
    CHECK_ABSENT("fd.sockfamily");
    CHECK_NUM("fd.is_server", 0);
    CHECK_NUM("fd.connected", 0);
    CHECK_ABSENT("fd.cip");
    CHECK_ABSENT("fd.sport");
    CHECK_ABSENT("fd.cproto");
    CHECK_ABSENT("fd.lip");
    CHECK(count("fd.ip") == 0, "fd.ip on a file");
    CHECK_NUM("fd.dev", 0x800803);
    CHECK_NUM("fd.dev.major", 8);
    CHECK_NUM("fd.dev.minor", 0x803);
    CHECK_NUM("fd.ino", 4242);
    CHECK_NUM("fd.is_upper_layer", 1);
    CHECK_NUM("fd.is_lower_layer", 0);
    CHECK_NUM("fd.name_changed", 0);
    CHECK_ABSENT("fd.sip.name");
    CHECK_ABSENT("fdlist.nums"); /* not a poll */

    /* the container id prefixes the names; "" is the host */
    sb_set(&THR.container_id, "0123456789ab");
    event(PPME_SYSCALL_READ_X, 3, &FD);
    CHECK_STR("fd.containername", "0123456789ab:/etc/ssl/certs/ca.pem");
    CHECK_STR("fd.containerdirectory", "0123456789ab:/etc/ssl/certs");
    sb_set(&THR.container_id, "");
}

/* libsinsp's cuts of names at their last '/'. */
static void test_name_cuts(void)
{
    static const struct {
        const char *name, *dir, *file;
    } cases[] = {
        {"/etc", "/", "etc"},   {"/", "/", "/"},   {"/usr/lib/", "/usr/lib/", "/usr/lib/"},
        {"relative", "/", "/"}, {"a/b", "a", "b"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        file_fd(FC_FD_FILE, cases[k].name);
        event(PPME_SYSCALL_READ_X, 3, &FD);
        CHECK_STR("fd.directory", cases[k].dir);
        CHECK_STR("fd.filename", cases[k].file);
    }
    file_fd(FC_FD_DIRECTORY, "/var/log");
    event(PPME_SYSCALL_READ_X, 3, &FD);
    CHECK_STR("fd.type", "directory");
    CHECK_STR("fd.typechar", "d");
    CHECK_STR("fd.directory", "/var/log");
    CHECK_ABSENT("fd.filename");

    file_fd(FC_FD_FIFO, "");
    event(PPME_SYSCALL_READ_X, 3, &FD);
    CHECK_STR("fd.type", "pipe");
    CHECK_STR("fd.name", "");
    CHECK_ABSENT("fd.directory");
    CHECK_ABSENT("fd.filename");
}

static void test_types(void)
{
    static const struct {
        int type;
        const char *text, *ch;
    } cases[] = {
        {FC_FD_UNKNOWN, "<NA>", "o"},     {FC_FD_UNSUPPORTED, "<NA>", "X"},
        {FC_FD_EVENT, "event", "e"},      {FC_FD_USERFAULTFD, "userfaultfd", "u"},
        {FC_FD_IOURING, "io_uring", "r"}, {FC_FD_PIDFD, "pidfd", "P"},
        {FC_FD_MEMFD, "memfd", "m"},      {FC_FD_IPV6_SERVSOCK, "ipv6", "6"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        file_fd(cases[k].type, "");
        event(PPME_SYSCALL_READ_X, 3, &FD);
        CHECK_STR("fd.type", cases[k].text);
        CHECK_STR("fd.typechar", cases[k].ch);
    }
}

static void test_no_entry(void)
{
    /* an fd event without an entry: number and uid stay, the name is "" and
     * its directory "/", type-derived fields have no value */
    event(PPME_SYSCALL_READ_X, 7, NULL);
    CHECK_NUM("fd.num", 7);
    CHECK_STR("fd.uid", "12347");
    CHECK_STR("fd.typechar", "o");
    CHECK_STR("fd.name", "");
    CHECK_STR("fd.nameraw", "");
    CHECK_STR("fd.directory", "/");
    CHECK_STR("fd.containername", ":");
    CHECK_ABSENT("fd.filename");
    CHECK_ABSENT("fd.type");
    CHECK_ABSENT("fd.l4proto");
    CHECK_ABSENT("fd.is_server");
    CHECK_ABSENT("fd.name_changed");
    CHECK_ABSENT("fd.types[7]");

    /* type guesses by event (a plain open is not guessed: §11.11) */
    static const struct {
        uint16_t type;
        const char *ch;
    } guess[] = {
        {PPME_SYSCALL_OPENAT_2_X, "f"},      {PPME_SYSCALL_OPENAT2_X, "f"},
        {PPME_SYSCALL_CREAT_X, "f"},         {PPME_SYSCALL_OPEN_X, "o"},
        {PPME_SOCKET_SOCKET_X, "4"},         {PPME_SOCKET_ACCEPT4_6_X, "4"},
        {PPME_SYSCALL_PIPE2_X, "p"},         {PPME_SYSCALL_EVENTFD2_X, "e"},
        {PPME_SYSCALL_SIGNALFD4_X, "s"},     {PPME_SYSCALL_TIMERFD_CREATE_X, "t"},
        {PPME_SYSCALL_INOTIFY_INIT1_X, "i"}, {PPME_SOCKET_CONNECT_X, "o"},
        {PPME_SYSCALL_OPENAT_2_E, "f"},
    };
    for (size_t k = 0; k < sizeof(guess) / sizeof(guess[0]); k++) {
        event(guess[k].type, -1, NULL);
        CHECK_STR("fd.typechar", guess[k].ch);
        CHECK_NUM("fd.num", -1);
    }
    /* enter events take no name from the event */
    event(PPME_SYSCALL_OPENAT_2_E, -1, NULL);
    CHECK_ABSENT("fd.name");
    CHECK_ABSENT("fd.directory");
}

static void test_client_socket(void)
{
    sock_fd(FC_FD_IPV4_SOCK, FC_L4_TCP, FC_FDF_ROLE_CLIENT | FC_FDF_CONNECTED, "10.0.0.5", 40000,
            "93.184.216.34", 443);
    sb_set(&FD.name, "10.0.0.5:40000->93.184.216.34:443");
    event(PPME_SYSCALL_READ_X, 3, &FD);
    PE.fd_name_changed = true;
    CHECK_STR("fd.type", "ipv4");
    CHECK_STR("fd.typechar", "4");
    CHECK_STR("fd.name", "10.0.0.5:40000->93.184.216.34:443");
    CHECK_IP("fd.cip", 0, "10.0.0.5");
    CHECK_IP("fd.sip", 0, "93.184.216.34");
    CHECK_IP("fd.cnet", 0, "10.0.0.5");
    CHECK_IP("fd.snet", 0, "93.184.216.34");
    CHECK_NUM("fd.cport", 40000);
    CHECK_NUM("fd.sport", 443);
    CHECK_STR("fd.cproto", "40000");
    CHECK_STR("fd.sproto", "443");
    /* nothing is local without state: the server end is the local one */
    CHECK_IP("fd.lip", 0, "93.184.216.34");
    CHECK_IP("fd.rip", 0, "10.0.0.5");
    CHECK_NUM("fd.lport", 443);
    CHECK_NUM("fd.rport", 40000);
    CHECK_STR("fd.lproto", "443");
    CHECK_STR("fd.rproto", "40000");
    CHECK_STR("fd.l4proto", "tcp");
    CHECK_STR("fd.sockfamily", "ip");
    CHECK_NUM("fd.is_server", 0);
    CHECK_NUM("fd.connected", 1);
    CHECK_NUM("fd.name_changed", 1);
    CHECK_ABSENT("fd.directory");
    CHECK_ABSENT("fd.filename");
    CHECK_ABSENT("fd.cip.name");
    /* either end, client first */
    CHECK(count("fd.ip") == 2, "fd.ip has two ends");
    CHECK_IP("fd.ip", 0, "10.0.0.5");
    CHECK_IP("fd.ip", 1, "93.184.216.34");
    CHECK(ip_at("fd.ip", 2).family == 0, "no third end");
    CHECK(count("fd.port") == 2 && num_at("fd.port", 0).v == 40000 && num_at("fd.port", 1).v == 443,
          "fd.port ends");
    CHECK(num_at("fd.proto", 1).ok && num_at("fd.proto", 1).v == 443, "fd.proto server end");
    CHECK_IP("fd.net", 1, "93.184.216.34");
    CHECK(ip_at("fd.net", 0).prefix == 32, "fd.net value is a host network");

    /* role unknown: no ends by role, l4proto "<NA>", but fd.ip still sees
     * both addresses */
    FD.flags = FC_FDF_CONNECTED;
    event(PPME_SYSCALL_READ_X, 3, &FD);
    CHECK_ABSENT("fd.cip");
    CHECK_ABSENT("fd.sip");
    CHECK_ABSENT("fd.lip");
    CHECK_ABSENT("fd.cport");
    CHECK_ABSENT("fd.sport");
    CHECK_ABSENT("fd.cproto");
    CHECK_ABSENT("fd.sproto");
    CHECK_STR("fd.l4proto", "<NA>");
    CHECK(count("fd.ip") == 2, "fd.ip without a role");
    FD.l4proto = FC_L4_RAW;
    event(PPME_SYSCALL_READ_X, 3, &FD);
    CHECK_STR("fd.l4proto", "raw");
}

static void test_ipv6_and_servers(void)
{
    sock_fd(FC_FD_IPV6_SOCK, FC_L4_TCP, FC_FDF_ROLE_SERVER, "2001:db8::4", 51000, "2001:db8::3",
            1234);
    event(PPME_SYSCALL_WRITE_X, 3, &FD);
    CHECK_STR("fd.type", "ipv6");
    CHECK_IP("fd.cip", 0, "2001:db8::4");
    CHECK_IP("fd.sip", 0, "2001:db8::3");
    CHECK(ip_at("fd.snet", 0).prefix == 128, "IPv6 host network");
    CHECK_NUM("fd.sport", 1234);
    CHECK_STR("fd.l4proto", "tcp");

    /* listening: the bound end is the server end; no client, no local end */
    sock_fd(FC_FD_IPV4_SERVSOCK, FC_L4_TCP, FC_FDF_ROLE_SERVER, "0.0.0.0", 80, "0.0.0.0", 0);
    sb_set(&FD.name, "0.0.0.0:80");
    event(PPME_SOCKET_ACCEPT4_6_X, 3, &FD);
    CHECK_STR("fd.name", "0.0.0.0:80");
    CHECK_IP("fd.sip", 0, "0.0.0.0");
    CHECK_NUM("fd.sport", 80);
    CHECK_ABSENT("fd.cip");
    CHECK_ABSENT("fd.cport");
    CHECK_ABSENT("fd.lip");
    CHECK_ABSENT("fd.lport");
    CHECK_ABSENT("fd.lproto");
    CHECK_STR("fd.sproto", ""); /* libsinsp renders only connected sockets */
    CHECK_STR("fd.cproto", "");
    CHECK_NUM("fd.is_server", 1);
    CHECK_STR("fd.l4proto", "tcp");
    CHECK_STR("fd.sockfamily", "ip");
    CHECK(count("fd.ip") == 1, "fd.ip of a listening socket: the bound address");
    CHECK_IP("fd.ip", 0, "0.0.0.0");
    CHECK(count("fd.port") == 1 && num_at("fd.port", 0).v == 80, "fd.port of a listening socket");

    /* a listening socket without a role (found by the /proc scan): its
     * port and either-end reads answer, its address does not */
    FD.flags = 0;
    event(PPME_SOCKET_ACCEPT4_6_X, 3, &FD);
    CHECK_ABSENT("fd.sip");
    CHECK_ABSENT("fd.snet");
    CHECK_NUM("fd.sport", 80);
    CHECK_STR("fd.sproto", "");
    CHECK_NUM("fd.is_server", 1);
    CHECK(count("fd.ip") == 1, "fd.ip of a listening socket without a role");

    file_fd(FC_FD_UNIX_SOCK, "/run/nscd/socket");
    FD.flags = FC_FDF_ROLE_CLIENT;
    event(PPME_SOCKET_CONNECT_X, 3, &FD);
    CHECK_STR("fd.sockfamily", "unix");
    CHECK_STR("fd.typechar", "u");
    CHECK_STR("fd.cproto", "");
    CHECK_ABSENT("fd.sproto");
    CHECK_ABSENT("fd.cip");
    /* no port on a unix socket, role or not (libsinsp's fd.cport answers
     * connected IPv4/IPv6 sockets only; sysdig 0.29.3 printed 0 here) */
    CHECK_ABSENT("fd.cport");
    CHECK_ABSENT("fd.lport");
    CHECK_STR("fd.l4proto", "<NA>");
}

/* ---- what needs decoded parameters ---- */

static bool params_live(void)
{
    static const int64_t v = -2;
    event(PPME_SYSCALL_READ_X, 3, NULL);
    param(0, &v, 8);
    int64_t got = 0;
    return fc_param_int(&EV, 0, &got) && got == -2;
}

static void test_with_params(void)
{
    /* a failed openat: the path resolved against the cwd, the raw path */
    sb_set(&THR.cwd, "/home/u/");
    static const int64_t fail = -2, atcwd = -100;
    static const char rel[] = "docs/../.ssh//id_rsa";
    event(PPME_SYSCALL_OPENAT_2_X, -1, NULL);
    param(0, &fail, 8);
    param(1, &atcwd, 8);
    param(2, rel, sizeof(rel));
    CHECK_STR("fd.name", "/home/u/.ssh/id_rsa");
    CHECK_STR("fd.nameraw", "docs/../.ssh/id_rsa");
    CHECK_STR("fd.directory", "/home/u/.ssh");
    CHECK_STR("fd.containername", ":/home/u/.ssh/id_rsa");
    CHECK_ABSENT("fd.filename");
    CHECK_STR("fd.typechar", "f");

    /* a failed open: the path made absolute with the cwd, as evt.arg shows */
    static const char rel2[] = "notes/todo.txt";
    event(PPME_SYSCALL_OPEN_X, -1, NULL);
    param(0, &fail, 8);
    param(1, rel2, sizeof(rel2));
    CHECK_STR("fd.name", "/home/u/notes/todo.txt");
    CHECK_STR("fd.directory", "/home/u/notes");
    CHECK_STR("fd.typechar", "o");

    /* absolute paths ignore the dirfd */
    static const int64_t dirfd = 9;
    static const char abs_path[] = "/etc/shadow";
    event(PPME_SYSCALL_OPENAT_2_X, -1, NULL);
    param(0, &fail, 8);
    param(1, &dirfd, 8);
    param(2, abs_path, sizeof(abs_path));
    CHECK_STR("fd.name", "/etc/shadow");

    /* a failed connect names the fd after the event's tuple, even with an
     * entry */
    static const uint8_t tuple[] = {2, 10, 0, 0, 5, 0x40, 0x9c, 93, 184, 216, 34, 0xbb, 0x01};
    static const int64_t refused = -111, three = 3;
    sock_fd(FC_FD_IPV4_SOCK, FC_L4_TCP, FC_FDF_ROLE_CLIENT, "0.0.0.0", 0, "0.0.0.0", 0);
    sb_set(&FD.name, "stale");
    event(PPME_SOCKET_CONNECT_X, 3, &FD);
    param(0, &refused, 8);
    param(1, tuple, sizeof(tuple));
    param(2, &three, 8);
    CHECK_STR("fd.name", "10.0.0.5:40000->93.184.216.34:443");
    static const int64_t ok = 0;
    param(0, &ok, 8);
    fc_ctx_next_event(&C);
    CHECK_STR("fd.name", "stale");

    /* poll: numbers of every fd, names "<NA>" when unknown (no state here),
     * addresses of none */
    uint8_t fds[2 + 3 * 10] = {3, 0};
    const int64_t nums[3] = {0, 5, -1};
    for (int k = 0; k < 3; k++)
        memcpy(fds + 2 + k * 10, &nums[k], 8);
    static const int64_t one = 1;
    event(PPME_SYSCALL_POLL_X, -1, NULL);
    param(0, &one, 8);
    param(1, fds, sizeof(fds));
    CHECK_STR("fdlist.nums", "0,5,-1");
    CHECK_STR("fdlist.names", "<NA>,<NA>,<NA>");
    CHECK_ABSENT("fdlist.cips");
    CHECK_ABSENT("fdlist.sports");
    CHECK_ABSENT("fd.num"); /* poll has no fd semantics */
    /* a count larger than the bytes is cut to what is there */
    fds[0] = 200;
    fc_ctx_next_event(&C);
    CHECK_STR("fdlist.nums", "0,5,-1");
    param(1, fds, 7);
    fc_ctx_next_event(&C);
    CHECK_ABSENT("fdlist.nums");
}

/* Damaged parameters: short, unterminated, lying counts. Values come out
 * within the bytes there are, or not at all. */
static void test_damaged(void)
{
    static const int64_t fail = -2;
    static const uint8_t short_fd[3] = {1, 2, 3};
    static const char unterminated[4] = {'a', 'b', 'c', 'd'};
    event(PPME_SYSCALL_OPENAT_2_X, -1, NULL);
    param(0, &fail, 8);
    param(1, short_fd, sizeof(short_fd));
    param(2, unterminated, sizeof(unterminated));
    CHECK_ABSENT("fd.name");
    CHECK_ABSENT("fd.nameraw");
    static const int64_t atcwd = -100;
    param(1, &atcwd, 8);
    fc_ctx_next_event(&C);
    CHECK_STR("fd.nameraw", "abcd");

    uint8_t fds[64];
    for (uint32_t len = 0; len < sizeof(fds); len++) {
        for (uint32_t k = 0; k < sizeof(fds); k++)
            fds[k] = (uint8_t)(k * 37 + len);
        fds[0] = 0xff;
        fds[1] = 0xff;
        event(PPME_SYSCALL_PPOLL_X, -1, NULL);
        param(1, fds, len);
        struct fc_str s = str_at("fdlist.nums", 0);
        /* each whole 10-byte item gives one number */
        uint32_t items = len >= 2 ? (len - 2) / 10 : 0;
        uint32_t commas = 0;
        for (uint32_t k = 0; s.ok && k < s.len; k++)
            commas += s.p[k] == ',';
        CHECK(items ? s.ok && commas == items - 1 : !s.ok, "fdlist.nums on %u bytes", len);
    }
}

/* ---- container.* and k8s.* ---- */

static void test_containers(void)
{
    sb_set(&THR.container_id, "");
    THR.pidns_init_start_ts = 1000000000ull;
    event(PPME_SYSCALL_READ_X, 3, NULL);
    CHECK_STR("container.id", "host");
    CHECK_STR("container.full_id", "host");
    CHECK_STR("container.name", "host");
    CHECK_STR("container.type", "host");
    CHECK_STR("container.image", "");
    CHECK_STR("container.image.repository", "");
    CHECK_STR("container.ip", "");
    CHECK_STR("container.labels", "");
    CHECK_STR("container.mounts", "");
    CHECK_NUM("container.privileged", 0);
    CHECK_NUM("container.host_network", 0);
    CHECK_NUM("container.start_ts", 1000000000);
    CHECK_NUM("container.duration", 4000000000ll);
    CHECK_ABSENT("container.label[app]");
    CHECK_ABSENT("container.mount[0]");
    CHECK_ABSENT("container.healthcheck");
    CHECK_ABSENT("k8s.pod.name");
    CHECK_ABSENT("k8s.ns.name");
    CHECK_ABSENT("k8s.rc.name");
    CHECK_ABSENT("k8s.deployment.labels");
    CHECK_STR("k8s.pod.sandbox_id", "");

    /* a container whose metadata has not arrived: only the id and times */
    sb_set(&THR.container_id, "697956520d89");
    event(PPME_SYSCALL_READ_X, 3, NULL);
    CHECK_STR("container.id", "697956520d89");
    CHECK_NUM("container.start_ts", 1000000000);
    CHECK_ABSENT("container.name");
    CHECK_ABSENT("container.image");
    CHECK_ABSENT("container.privileged");
    CHECK_ABSENT("container.labels");
    CHECK_ABSENT("k8s.pod.name");

    THR.pidns_init_start_ts = 0;
    event(PPME_SYSCALL_READ_X, 3, NULL);
    CHECK_ABSENT("container.start_ts");
    CHECK_ABSENT("container.duration");

    event(PPME_SYSCALL_READ_X, 3, NULL);
    PE.thr = NULL; /* meta events have no thread */
    CHECK_ABSENT("container.id");
    sb_set(&THR.container_id, "");
}

/* A container event into st; PE becomes the processed event. */
static void container_event(struct fc_state *st, const char *json)
{
    memset(&EV, 0, sizeof(EV));
    EV.type = PPME_CONTAINER_JSON_E;
    EV.tid = UINT64_MAX;
    EV.ts = 5000000000ull;
    param(0, json, (uint32_t)strlen(json) + 1);
    fc_state_event(st, &EV, &PE);
    fc_ctx_next_event(&C);
}

/* The container plugin's deletion notice (an async event). */
static void container_removed(struct fc_state *st, const char *json)
{
    static const uint32_t plugin_id = 0;
    memset(&EV, 0, sizeof(EV));
    EV.type = PPME_ASYNCEVENT_E;
    EV.tid = 1;
    EV.ts = 6000000000ull;
    param(0, &plugin_id, 4);
    param(1, "container_removed", 18);
    param(2, json, (uint32_t)strlen(json) + 1);
    fc_state_event(st, &EV, &PE);
    fc_ctx_next_event(&C);
}

#define SANDBOX_FULL "aaaaaaaaaaaa0123456789abcdef0123456789abcdef0123456789abcdef0123"

/* k8s.* of a CRI container as the container plugin answers them: the
 * sandbox id from the record, the pod's labels, IP and CNI result from
 * the sandbox's own record when the container's lacks the CNI result
 * (state-model.md §5.3); container.* on the container event itself
 * describe the container it carries. The JSON keys are the plugin's. */
static void test_pod_fields(void)
{
    struct fc_state *st = fc_state_new(NULL);
    CHECK(st != NULL, "state");
    if (!st)
        return;
    container_event(st, "{\"container\":{\"id\":\"aaaaaaaaaaaa\",\"type\":6,\"name\":\"POD\","
                        "\"ip\":\"10.1.2.3\",\"cni_json\":\"{\\\"cni\\\":1}\","
                        "\"is_pod_sandbox\":true,\"pod_sandbox_id\":\"" SANDBOX_FULL "\","
                        "\"pod_sandbox_labels\":{\"tier\":\"front\",\"app\":\"web\","
                        "\"io.kubernetes.x\":\"hidden\"},\"labels\":{}}}");
    CHECK(PE.container && !strcmp(PE.container->id, "aaaaaaaaaaaa"), "sandbox event's record");
    container_event(st, "{\"container\":{\"id\":\"bbbbbbbbbbbb\",\"type\":6,\"name\":\"nginx\","
                        "\"ip\":\"\",\"pod_sandbox_id\":\"" SANDBOX_FULL "\","
                        "\"pod_sandbox_labels\":null,\"labels\":{"
                        "\"io.kubernetes.pod.name\":\"web-1\","
                        "\"io.kubernetes.pod.namespace\":\"default\"}}}");
    /* the container event: its own record, no thread times */
    CHECK_STR("container.id", "bbbbbbbbbbbb");
    CHECK_STR("container.name", "nginx");
    CHECK_STR("container.type", "cri");
    CHECK_ABSENT("container.start_ts");
    CHECK_STR("k8s.pod.name", "web-1");
    CHECK_STR("k8s.ns.name", "default");
    CHECK_STR("k8s.pod.sandbox_id", "aaaaaaaaaaaa");
    CHECK_STR("k8s.pod.full_sandbox_id", SANDBOX_FULL);
    CHECK_STR("k8s.pod.labels", "app:web, tier:front");
    CHECK_STR("k8s.pod.label[app]", "web");
    CHECK_ABSENT("k8s.pod.label[nope]");
    CHECK_STR("k8s.pod.ip", "10.1.2.3");
    CHECK_STR("k8s.pod.cni.json", "{\"cni\":1}");
    CHECK_STR("container.ip", "");

    /* a thread of that container sees the same */
    event(PPME_SYSCALL_READ_X, 3, NULL);
    PE.st = st;
    sb_set(&THR.container_id, "bbbbbbbbbbbb");
    CHECK_STR("container.id", "bbbbbbbbbbbb");
    CHECK_STR("k8s.pod.sandbox_id", "aaaaaaaaaaaa");
    CHECK_STR("k8s.pod.label[tier]", "front");
    CHECK_STR("k8s.pod.ip", "10.1.2.3");

    /* a container outside a pod: no sandbox, no pod IP */
    container_event(st, "{\"container\":{\"id\":\"cccccccccccc\",\"type\":0,\"name\":\"d\","
                        "\"ip\":\"172.17.0.2\",\"labels\":null}}");
    CHECK_STR("k8s.pod.sandbox_id", "");
    CHECK_STR("k8s.pod.labels", "");
    CHECK_ABSENT("k8s.pod.ip");
    CHECK_ABSENT("k8s.pod.label[app]");

    /* the host: no pod either */
    event(PPME_SYSCALL_READ_X, 3, NULL);
    PE.st = st;
    sb_set(&THR.container_id, "");
    CHECK_STR("k8s.pod.sandbox_id", "");
    CHECK_STR("k8s.pod.labels", "");
    CHECK_ABSENT("k8s.pod.ip");

    /* the runtime's deletion notice drops the record */
    container_removed(st, "{\"container\":{\"id\":\"bbbbbbbbbbbb\"}}");
    CHECK(!PE.container && !fc_state_container(st, "bbbbbbbbbbbb") &&
              fc_state_container(st, "aaaaaaaaaaaa"),
          "container_removed drops bbbbbbbbbbbb only");
    fc_state_free(st);
    C.data = &PE;
}

/* A failed openat of the legacy layout: the exit has only the result, the
 * path and dirfd are in the enter (§3.6: fd.name is the path resolved
 * against dirfd or the cwd). The enter serves its own exit only. */
static void test_legacy_openat(void)
{
    struct fc_state *st = fc_state_new(NULL);
    CHECK(st != NULL, "state");
    if (!st)
        return;
    static const int64_t at_fdcwd = -100, enoent = -2;
    static const uint32_t flags = 0, mode = 0;
    memset(&EV, 0, sizeof(EV));
    EV.type = PPME_SYSCALL_OPENAT_E;
    EV.tid = 4321;
    EV.ts = 1000;
    param(0, &at_fdcwd, 8);
    param(1, "etc/missing", 12);
    param(2, &flags, 4);
    param(3, &mode, 4);
    fc_state_event(st, &EV, &PE);
    memset(&EV, 0, sizeof(EV));
    EV.type = PPME_SYSCALL_OPENAT_X;
    EV.tid = 4321;
    EV.ts = 2000;
    param(0, &enoent, 8);
    fc_state_event(st, &EV, &PE);
    fc_ctx_next_event(&C);
    /* the placeholder thread has no cwd: the path stays relative */
    CHECK_STR("fd.name", "etc/missing");
    CHECK_STR("fd.nameraw", "etc/missing");
    /* a second exit without its enter names nothing */
    EV.ts = 3000;
    fc_state_event(st, &EV, &PE);
    fc_ctx_next_event(&C);
    CHECK_ABSENT("fd.name");
    fc_state_free(st);
    C.data = &PE;
}

/* ---- corpus captures through the state engine ---- */

/* One value sysdig 0.29.3 prints for the event at ts (NULL: <NA>), where
 * current semantics agree with it. */
struct want {
    uint64_t ts;
    const char *field, *value;
};

/* A value as text: numbers in decimal, booleans as true/false, addresses
 * as inet_ntop writes them; NULL when absent. */
static const char *value_text(struct fc_fref *f, char *buf, size_t cap)
{
    switch (fc_type_kind(f->type)) {
    case FC_TK_NUM:
    case FC_TK_BOOL: {
        struct fc_num n = fc_state_provider.get_num(&C, f, 0);
        if (!n.ok)
            return NULL;
        if (fc_type_kind(f->type) == FC_TK_BOOL)
            snprintf(buf, cap, "%s", n.v ? "true" : "false");
        else
            snprintf(buf, cap, "%lld", (long long)n.v);
        return buf;
    }
    case FC_TK_IPADDR:
    case FC_TK_IPNET: {
        struct fc_ip ip = fc_state_provider.get_ip(&C, f, 0);
        if (!ip.family)
            return NULL;
        return inet_ntop(ip.family == 6 ? AF_INET6 : AF_INET, ip.addr, buf, (socklen_t)cap);
    }
    default: {
        struct fc_str v = fc_state_provider.get_str(&C, f, 0);
        if (!v.ok)
            return NULL;
        snprintf(buf, cap, "%.*s", (int)v.len, v.p);
        return buf;
    }
    }
}

static void replay(const char *name, const struct want *w, size_t n)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/corpus/captures/%s", FALCOC_SHARED, name);
    int err = 0;
    struct scap_reader *rd = scap_open(path, &err);
    struct fc_state *st = fc_state_new(NULL);
    CHECK(rd && st, "%s opens", name);
    if (!rd || !st)
        return;
    fc_state_load_scap(st, rd);
    struct scap_event ev;
    struct fc_pevent pe;
    size_t seen = 0;
    while (fc_state_next(st, rd, &ev, &pe) > 0) {
        C.data = &pe;
        fc_ctx_next_event(&C);
        for (size_t k = 0; k < n; k++) {
            if (w[k].ts != ev.ts)
                continue;
            seen++;
            if (w[k].field[0] == '#') { /* a list: its distinct values, comma-joined */
                struct fc_fref f = ref(w[k].field + 1);
                char buf[512] = "";
                size_t len = 0;
                for (uint32_t i = 0; i < fc_state_provider.count(&C, &f); i++) {
                    struct fc_str v = fc_state_provider.get_str(&C, &f, i);
                    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%.*s", i ? "," : "",
                                            (int)v.len, v.p);
                }
                CHECK(!strcmp(buf, w[k].value), "%s: %s = %s, want %s", name, w[k].field + 1, buf,
                      w[k].value);
                continue;
            }
            struct fc_fref f = ref(w[k].field);
            char buf[512];
            const char *got = value_text(&f, buf, sizeof(buf));
            CHECK(w[k].value ? got && !strcmp(got, w[k].value) : !got, "%s @%llu %s = %s, want %s",
                  name, (unsigned long long)ev.ts, w[k].field, got ? got : "<NA>",
                  w[k].value ? w[k].value : "<NA>");
        }
    }
    CHECK(seen == n, "%s: %zu of %zu expected values met their event", name, seen, n);
    C.data = &PE;
    fc_state_free(st);
    scap_close(rd);
}

static void test_captures(void)
{
    static const struct want connect_localhost[] = {
        /* socket > without an entry: a guessed type char, no name */
        {1522704423470393498ull, "fd.num", "-1"},
        {1522704423470393498ull, "fd.typechar", "4"},
        {1522704423470393498ull, "fd.name", NULL},
        {1522704423470393498ull, "fd.uid", "31699-1"},
        /* socket <: an unconnected TCP socket without a role */
        {1522704423470449559ull, "fd.name", ""},
        {1522704423470449559ull, "fd.l4proto", "<NA>"},
        {1522704423470449559ull, "fd.is_server", "false"},
        {1522704423470449559ull, "fd.sockfamily", "ip"},
        {1522704423470449559ull, "fd.cip", NULL},
        /* connect < */
        {1522704423470627540ull, "fd.name", "127.0.0.1:47192->127.0.0.1:80"},
        {1522704423470627540ull, "fd.type", "ipv4"},
        {1522704423470627540ull, "fd.cip", "127.0.0.1"},
        {1522704423470627540ull, "fd.sip", "127.0.0.1"},
        {1522704423470627540ull, "fd.cport", "47192"},
        {1522704423470627540ull, "fd.sport", "80"},
        {1522704423470627540ull, "fd.lip", "127.0.0.1"},
        {1522704423470627540ull, "fd.l4proto", "tcp"},
        {1522704423470627540ull, "fd.is_server", "true"},
        {1522704423470627540ull, "fd.connected", "true"},
        {1522704423470627540ull, "fd.uid", "316994"},
        {1522704423470627540ull, "fd.containername", ":127.0.0.1:47192->127.0.0.1:80"},
        /* fd.types[N]: one fd of the process's table */
        {1522704423470627540ull, "fd.types[4]", "ipv4"},
        {1522704423470627540ull, "fd.types[999]", NULL},
        {1522704423470627540ull, "#fd.types", "ipv4"},
    };
    replay("falco__connect_localhost.scap", connect_localhost,
           sizeof(connect_localhost) / sizeof(connect_localhost[0]));

    static const struct want ipv6[] = {
        /* bind <: listening, the bound end only */
        {1533943853000944904ull, "fd.name", "2001:db8::3:1234"},
        {1533943853000944904ull, "fd.sip", "2001:db8::3"},
        {1533943853000944904ull, "fd.sport", "1234"},
        {1533943853000944904ull, "fd.sproto", ""},
        {1533943853000944904ull, "fd.cip", NULL},
        {1533943853000944904ull, "fd.lip", NULL},
        {1533943853000944904ull, "fd.is_server", "true"},
        {1533943853000944904ull, "fd.l4proto", "tcp"},
        /* accept < */
        {1533943856118352985ull, "fd.name", "2001:db8::4:54405->2001:db8::3:1234"},
        {1533943856118352985ull, "fd.cip", "2001:db8::4"},
        {1533943856118352985ull, "fd.sip", "2001:db8::3"},
        {1533943856118352985ull, "fd.cport", "54405"},
        {1533943856118352985ull, "fd.sport", "1234"},
        {1533943856118352985ull, "fd.sproto", "1234"},
        {1533943856118352985ull, "fd.lip", "2001:db8::4"},
        {1533943856118352985ull, "fd.typechar", "6"},
        {1533943856118352985ull, "fd.num", "4"},
        {1533943856118352985ull, "#fd.types", "ipv6"},
    };
    replay("libs__single_ipv6_conn.scap", ipv6, sizeof(ipv6) / sizeof(ipv6[0]));

    static const struct want curl[] = {
        /* a failed open names its path; the type char is not guessed for a
         * plain open (state-model.md §11.11; sysdig 0.29.3 says f) */
        {1534527348518759649ull, "fd.num", "-1"},
        {1534527348518759649ull, "fd.name", "/home/ubuntu/.curlrc"},
        {1534527348518759649ull, "fd.directory", "/home/ubuntu"},
        {1534527348518759649ull, "fd.filename", NULL},
        {1534527348518759649ull, "fd.typechar", "o"},
        /* a new IPv6 socket: its unset address shares the first 64 bits
         * with ::1, which libsinsp counts as local, so it is the server */
        {1534527348518851051ull, "fd.is_server", "true"},
        {1534527348518851714ull, "fd.is_server", "true"},
    };
    replay("libs__curl_google.scap", curl, sizeof(curl) / sizeof(curl[0]));

    static const struct want httpd[] = {
        {1512416690042097307ull, "fdlist.nums", "10"},
        {1512416690042097307ull, "fdlist.names", "172.18.0.1:60304->172.18.0.3:80"},
        {1512416690042097307ull, "fdlist.cips", "172.18.0.1"},
        {1512416690042097307ull, "fdlist.sips", "172.18.0.3"},
        {1512416690042097307ull, "fdlist.cports", "60304"},
        {1512416690042097307ull, "fdlist.sports", "80"},
    };
    replay("bencer__example5_httpd.scap", httpd, sizeof(httpd) / sizeof(httpd[0]));

    static const struct want example4[] = {
        /* a listening IPv6 socket: libsinsp prints its address as IPv4 */
        {1512426388973068735ull, "fdlist.nums", "17"},
        {1512426388973068735ull, "fdlist.names", ":::3306"},
        {1512426388973068735ull, "fdlist.cips", NULL},
        {1512426388973068735ull, "fdlist.sips", "0.0.0.0"},
        {1512426388973068735ull, "fdlist.sports", NULL},
    };
    replay("bencer__example4_example4-1.scap", example4, sizeof(example4) / sizeof(example4[0]));

    static const struct want troubleshooting[] = {
        /* unix sockets found at startup: client without a path, server
         * with one (state-model.md §3.2), so fd.cproto is "" */
        {1481211698467322221ull, "fd.cproto", ""},
        {1481211698467322221ull, "fd.name", ""},
        {1481211698467338051ull, "fd.cproto", ""},
        {1481211698467338051ull, "fd.name", "/var/run/docker.sock"},
        /* a listening socket found at startup has no role */
        {1481211699536831645ull, "fd.name", ":::53"},
        {1481211699536831645ull, "fd.cproto", NULL},
        {1481211699536831645ull, "fd.sport", "53"},
        {1481211699536831645ull, "fd.is_server", "true"},
        /* the datagram that turns it into a UDP socket leaves it
         * unconnected: only sockets that were connection sockets before
         * the read are marked */
        {1481211699536834352ull, "fd.connected", "false"},
        {1481211699536834352ull, "fd.l4proto", "udp"},
    };
    replay("bencer_troubleshooting__capture.scap", troubleshooting,
           sizeof(troubleshooting) / sizeof(troubleshooting[0]));

    static const struct want container[] = {
        {1562711472095933116ull, "container.id", "697956520d89"},
        {1562711472095933116ull, "container.name", "hopeful_taussig"},
        {1562711472095933116ull, "container.image", "nginx"},
        {1562711472095933116ull, "container.type", "docker"},
        {1562711472095933116ull, "container.privileged", "false"},
        {1562711472095933116ull, "container.image.repository", "nginx"},
        {1562711472095933116ull, "container.image.tag", "latest"},
        {1562711472095933116ull, "container.image.id",
         "f68d6e55e06520f152403e6d96d0de5c9790a89b4cfc99f4626f68146fa1dbdc"},
        {1562711472095933116ull, "container.mounts", ""},
        {1562711472095933116ull, "k8s.pod.name", NULL},
        /* the process table as sysdig -c lsof lists it: files and a pipe */
        {1562711471859531918ull, "#fd.types", "file,pipe"},
    };
    replay("falco__psp_run_as_user_0_container.scap", container,
           sizeof(container) / sizeof(container[0]));
}

int main(void)
{
    if (!fc_ctx_init(&C, &fc_state_provider, NULL, 0))
        return 1;
    C.data = &PE;
    THR.tid = THR.pid = 1234;
    sb_set(&THR.container_id, "");
    sb_set(&THR.cwd, "/");

    test_gating();
    test_file();
    test_name_cuts();
    test_types();
    test_no_entry();
    test_client_socket();
    test_ipv6_and_servers();
    test_containers();
    test_pod_fields();
    test_legacy_openat();
    CHECK(params_live(), "fc_params decodes integers");
    test_with_params();
    test_damaged();
    test_captures();

    fc_ctx_fini(&C);
    return th_done();
}
