/*
 * test_params.c - parameter decoding and rendering (fc_params.h) and the
 * table lookups behind it (paraminfo.h). Expected texts are the ones
 * sysdig 0.29.3 prints for the same values in the corpus captures (noted
 * "sysdig"), or the current-libs behaviour of shared/spec/state-model.md
 * §6 and §9.2 where the two differ (noted "spec").
 */
#include <stdlib.h>
#include <string.h>

#include "evbuild.h"
#include "events.h"
#include "fc_params.h"
#include "paraminfo.h"
#include "tharness.h"

static const char *text(const struct fc_pevent *pe, uint32_t idx, bool resolved)
{
    static char buf[512];
    fc_param_text(pe, idx, resolved, buf, sizeof(buf));
    return buf;
}

static const char *args(const struct fc_pevent *pe)
{
    static char buf[1024];
    fc_event_args(pe, buf, sizeof(buf));
    return buf;
}

static const char *flags(const char *table, uint64_t v, bool is_enum)
{
    static char buf[256];
    fc_flags_text(table, v, is_enum, buf, sizeof(buf));
    return buf;
}

#define STREQ(got, want) CHECK(!strcmp((got), (want)), "got '%s', want '%s'", (got), (want))

static void test_tables(void)
{
    /* sysdig: flags=4097(O_RDONLY|O_CLOEXEC), prot=3(PROT_READ|PROT_WRITE),
     * flags=1030(MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE), mode=0(F_OK), mode=4(R_OK) */
    STREQ(flags("file_flags", 4097, false), "O_RDONLY|O_CLOEXEC");
    STREQ(flags("prot_flags", 3, false), "PROT_READ|PROT_WRITE");
    STREQ(flags("mmap_flags", 1030, false), "MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE");
    STREQ(flags("access_flags", 0, false), "F_OK");
    STREQ(flags("access_flags", 4, false), "R_OK");
    /* spec §9.2: table order, RDWR eats both access bits, O_NONE only for 0,
     * enums list every equal name */
    STREQ(flags("file_flags", 0x106, false), "O_TRUNC|O_CREAT|O_WRONLY");
    STREQ(flags("file_flags", 3, false), "O_RDWR");
    STREQ(flags("file_flags", 0, false), "O_NONE");
    STREQ(flags("socket_families", 1, true), "AF_LOCAL|AF_UNIX");
    STREQ(flags("socket_families", 10, true), "AF_INET6");
    STREQ(flags("execve_flags", 3, false), "EXE_WRITABLE|EXE_UPPER_LAYER");
    STREQ(flags("no_such_table", 3, false), "");

    CHECK(pi_table_by_name("file_flags") && pi_table_by_name("file_flags")->n == 19, "file_flags");
    CHECK(pi_param_table(3, 2) == pi_table_by_name("file_flags"), "open_X flags table");
    CHECK(pi_param_table(3, 1) == NULL, "open_X name has no table");
    CHECK(pi_param_dirfd(307, 2) == 1, "openat_X name is relative to param 1");
    CHECK(pi_param_dirfd(307, 1) == -1, "dirfd itself has no dirfd");
    enum ppm_param_type t;
    enum ppm_print_format f;
    CHECK(pi_param_dyn(47, 4, 2, &t, &f) && t == PT_UINT32, "getsockopt val selector 2");
    CHECK(!pi_param_dyn(47, 4, 9, &t, &f), "unknown selector");
    /* Every table a parameter names exists, every dirfd is a PT_FD. */
    for (int code = 0; code < ev_count(); code++)
        for (uint32_t i = 0; i < ev_nparams(code); i++) {
            const struct ev_param *p = ev_param_at(code, i);
            int d = pi_param_dirfd(code, i);
            if (d >= 0)
                CHECK(p->type == PT_FSRELPATH && ev_param_at(code, (uint32_t)d) &&
                          ev_param_at(code, (uint32_t)d)->type == PT_FD,
                      "code %d param %u dirfd %d", code, i, d);
        }

    /* sysdig: res=-2(ENOENT), fd=-11(EAGAIN), res=-110(ETIMEDOUT) */
    STREQ(fc_errno_name(-2), "ENOENT");
    STREQ(fc_errno_name(11), "EAGAIN");
    STREQ(fc_errno_name(-110), "ETIMEDOUT");
    STREQ(fc_errno_name(-115), "EINPROGRESS");
    CHECK(fc_errno_name(-14) == NULL, "EFAULT is not in libsinsp's table");
    CHECK(fc_errno_name(0) == NULL, "0 is no errno");

    char buf[256];
    fc_caps_text(0x3 | (1ull << 21), buf, sizeof(buf));
    STREQ(buf, "CAP_CHOWN CAP_DAC_OVERRIDE CAP_SYS_ADMIN");
    fc_caps_text(1ull << 40, buf, sizeof(buf));
    STREQ(buf, "CAP_CHECKPOINT_RESTORE");
    /* snprintf contract: the full length, a terminated prefix */
    size_t n = fc_caps_text(0x3, buf, 5);
    CHECK(n == strlen("CAP_CHOWN CAP_DAC_OVERRIDE") && !strcmp(buf, "CAP_"), "truncated: %zu %s", n,
          buf);
}

static void test_sockets(void)
{
    char buf[256];
    /* sysdig (falco__connect_localhost): 127.0.0.1:47192->127.0.0.1:80 */
    uint8_t t4[13] = {2, 127, 0, 0, 1, 0x58, 0xb8, 127, 0, 0, 1, 80, 0};
    fc_socktuple_text(t4, sizeof(t4), buf, sizeof(buf));
    STREQ(buf, "127.0.0.1:47192->127.0.0.1:80");
    /* sysdig (libs__curl_google 1273): ...:37140->2607:f8b0:4004:802::2004:80 */
    uint8_t t6[37] = {10,   0x26, 0x00, 0x1f, 0x18, 0x26, 0x2c, 0x65, 0x42, 0x9a, 0xa6, 0xdf, 0x7a,
                      0x9a, 0x47, 0xd2, 0x9e, 0x14, 0x91, 0x26, 0x07, 0xf8, 0xb0, 0x40, 0x04, 0x08,
                      0x02, 0,    0,    0,    0,    0,    0,    0x20, 0x04, 80,   0};
    fc_socktuple_text(t6, sizeof(t6), buf, sizeof(buf));
    STREQ(buf, "2600:1f18:262c:6542:9aa6:df7a:9a47:d29e:37140->2607:f8b0:4004:802::2004:80");
    /* sysdig (bencer_troubleshooting__capture, sendmsg of 1481211699538729189):
     * tuple=0.0.0.0:53->172.17.0.7:46162 from an IPv6 tuple :: -> ::ffff:172.17.0.7,
     * the all-zero address counting as IPv4-mapped */
    uint8_t tz[37] = {10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   0,   0,   0,  0, 0, 0,   53, 0,
                      0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 172, 17, 0, 7, 180, 82};
    fc_socktuple_text(tz, sizeof(tz), buf, sizeof(buf));
    STREQ(buf, "0.0.0.0:53->172.17.0.7:21172");
    /* sysdig (libs__single_ipv6_conn 1143): tuple=0->ffff94dc817b9400 /var/run/nscd/socket */
    uint8_t tu[64] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x94, 0x7b, 0x81, 0xdc, 0x94, 0xff, 0xff};
    memcpy(tu + 17, "/var/run/nscd/socket", 21);
    fc_socktuple_text(tu, 17 + 21, buf, sizeof(buf));
    STREQ(buf, "0->ffff94dc817b9400 /var/run/nscd/socket");
    /* sysdig (libs__single_ipv6_conn 851): addr=2001:db8::3:1234 */
    uint8_t a6[19] = {10, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0xd2, 0x04};
    fc_sockaddr_text(a6, sizeof(a6), buf, sizeof(buf));
    STREQ(buf, "2001:db8::3:1234");
    uint8_t a4[7] = {2, 10, 0, 0, 1, 0xbb, 0x01};
    fc_sockaddr_text(a4, sizeof(a4), buf, sizeof(buf));
    STREQ(buf, "10.0.0.1:443");
    /* damaged lengths never read out of bounds */
    fc_sockaddr_text(a4, 3, buf, sizeof(buf));
    STREQ(buf, "INVALID IPv4");
    fc_socktuple_text(t6, 20, buf, sizeof(buf));
    STREQ(buf, "INVALID IPv6");
    fc_socktuple_text(tu, 9, buf, sizeof(buf));
    STREQ(buf, "INVALID UNIX");
    uint8_t odd[2] = {42, 0};
    fc_sockaddr_text(odd, 2, buf, sizeof(buf));
    STREQ(buf, "family 42");
}

static void test_events(void)
{
    struct evb b;
    struct fc_pevent pe = {.ev = &b.ev, .fdnum = -1};
    int64_t v;

    /* open exit, as sysdig prints event 219 of libs__curl_google without
     * the fd's resolution (that needs the state):
     * fd=3 name=/etc/ld.so.cache flags=4097(O_RDONLY|O_CLOEXEC) mode=0 */
    ev_init(&b, PPME_SYSCALL_OPEN_X);
    add_i64(&b, 3);
    add_str(&b, "/etc/ld.so.cache");
    add_u32(&b, 4097);
    add_u32(&b, 0);
    STREQ(args(&pe), "fd=3 name=/etc/ld.so.cache flags=4097(O_RDONLY|O_CLOEXEC) mode=0");
    STREQ(text(&pe, 2, true), "O_RDONLY|O_CLOEXEC");
    STREQ(text(&pe, 2, false), "4097");
    CHECK(fc_param_int(&b.ev, 0, &v) && v == 3, "fd");
    CHECK(fc_param_index(&b.ev, "flags") == 2 && fc_param_index(&b.ev, "nope") == -1, "index");
    CHECK(!fc_param_has_resolved(&pe, 1), "absolute paths have no resolved form");
    /* parameters the event does not carry (old layouts) are absent */
    STREQ(text(&pe, 4, false), "<NA>");
    CHECK(!fc_param_int(&b.ev, 4, &v), "dev absent");

    /* access exit: sysdig 215: res=-2(ENOENT) name=/etc/ld.so.nohwcap */
    ev_init(&b, PPME_SYSCALL_ACCESS_X);
    add_i64(&b, -2);
    add_str(&b, "/etc/ld.so.nohwcap");
    b.ev.nparams = 2;
    STREQ(args(&pe), "res=-2(ENOENT) name=/etc/ld.so.nohwcap");
    STREQ(text(&pe, 0, true), "ENOENT");
    STREQ(text(&pe, 0, false), "-2");
    CHECK(fc_param_int(&b.ev, 0, &v) && v == -2, "sign extension");

    /* A parameter shorter than its type: absent for numbers, never read. */
    ev_init(&b, PPME_SYSCALL_OPEN_X);
    add_i64(&b, 3);
    add_str(&b, "x");
    add(&b, "\x01\x10", 2);
    CHECK(!fc_param_int(&b.ev, 2, &v), "short flags");
    STREQ(text(&pe, 2, true), "<NA>");
    /* An empty parameter: NULL, except strings, which are <NA> (libsinsp's
     * get_param_as_str; sysdig 0.29.3 also prints bind's empty addr as
     * addr=NULL, bencer_troubleshooting__capture.scap). */
    ev_init(&b, PPME_SOCKET_CONNECT_X);
    add_i64(&b, 0);
    add(&b, "", 0);
    STREQ(args(&pe), "res=0 tuple=NULL");
    ev_init(&b, PPME_SOCKET_BIND_X);
    add_i64(&b, 0);
    add(&b, "", 0);
    STREQ(args(&pe), "res=0 addr=NULL");
    ev_init(&b, PPME_SYSCALL_OPEN_X);
    add_i64(&b, 3);
    add(&b, "", 0);
    add(&b, "", 0);
    STREQ(text(&pe, 1, false), "<NA>");
    STREQ(text(&pe, 2, true), "NULL");
    const uint8_t *p;
    uint32_t len;
    enum ppm_param_type t;
    CHECK(!fc_param_get(&b.ev, 1, &t, &p, &len), "empty is absent");

    /* Relative paths resolve against the process cwd; "." is the cwd
     * itself (sysdig: path=.(/) with cwd "/"). */
    struct fc_thread thr;
    memset(&thr, 0, sizeof(thr));
    char cwd[] = "/home/ubuntu/";
    thr.cwd.p = cwd;
    thr.cwd.len = (uint32_t)strlen(cwd);
    pe.thr = &thr;
    ev_init(&b, PPME_SYSCALL_STAT_X);
    add_i64(&b, 0);
    add_str(&b, ".");
    STREQ(text(&pe, 1, true), "/home/ubuntu");
    STREQ(args(&pe), "res=0 path=.(/home/ubuntu)");
    ev_init(&b, PPME_SYSCALL_STAT_X);
    add_i64(&b, 0);
    add_str(&b, "../etc//passwd");
    STREQ(text(&pe, 1, true), "/home/etc/passwd");
    /* openat relative to AT_FDCWD uses the cwd too */
    ev_init(&b, PPME_SYSCALL_OPENAT_2_X);
    add_i64(&b, 5);
    add_i64(&b, -100);
    add_str(&b, "a.txt");
    add_u32(&b, 0x106);
    STREQ(text(&pe, 1, true), "AT_FDCWD");
    STREQ(text(&pe, 2, true), "/home/ubuntu/a.txt");
    STREQ(text(&pe, 3, true), "O_TRUNC|O_CREAT|O_WRONLY");
    pe.thr = NULL;

    /* PT_DYN: getsockopt val with selector 2 is a uint32 */
    ev_init(&b, PPME_SOCKET_GETSOCKOPT_X);
    add_i64(&b, 0);
    add_i64(&b, 3);
    add(&b, "\x01", 1);
    add(&b, "\x04", 1);
    add(&b, "\x02\x07\x00\x00\x00", 5);
    CHECK(fc_param_get(&b.ev, 4, &t, &p, &len) && t == PT_UINT32 && len == 4, "dyn type");
    CHECK(fc_param_int(&b.ev, 4, &v) && v == 7, "dyn value");
    STREQ(text(&pe, 4, false), "7");
    ev_init(&b, PPME_SOCKET_GETSOCKOPT_X);
    add_i64(&b, 0);
    add_i64(&b, 3);
    add(&b, "\x01", 1);
    add(&b, "\x04", 1);
    add(&b, "\x09\x07", 2);
    CHECK(!fc_param_get(&b.ev, 4, &t, &p, &len), "unknown selector is absent");

    /* sysdig (bencer__example5_httpd): lseek > ... offset=-62 whence=1(SEEK_CUR):
     * 64-bit unsigned values print with a signed conversion */
    ev_init(&b, PPME_SYSCALL_LSEEK_E);
    add_i64(&b, 12);
    add_i64(&b, -62);
    add(&b, "\x01", 1);
    STREQ(args(&pe), "fd=12 offset=-62 whence=1(SEEK_CUR)");

    /* Buffers: non-printable bytes as '.' (sysdig: data=.ELF...) */
    ev_init(&b, PPME_SYSCALL_READ_X);
    add_i64(&b, 4);
    add(&b,
        "\x7f"
        "ELF\x02\x01",
        6);
    STREQ(text(&pe, 1, false), ".ELF..");
}

/* Every parameter of every event with random bytes of random lengths:
 * rendering must stay within the bytes (run under ASan in CI). */
static void test_garbage(void)
{
    struct evb b;
    struct fc_pevent pe = {.ev = &b.ev, .fdnum = -1};
    struct fc_thread thr;
    char cwd[] = "/a/b/";
    memset(&thr, 0, sizeof(thr));
    thr.cwd.p = cwd;
    thr.cwd.len = (uint32_t)strlen(cwd);
    char out[64];
    srand(7);
    for (int round = 0; round < 40; round++) {
        pe.thr = round % 2 ? &thr : NULL; /* with a thread, paths resolve too */
        for (int code = 0; code < ev_count(); code++) {
            ev_init(&b, (uint16_t)code);
            for (uint32_t i = 0; i < ev_nparams(code) && i < SCAP_MAX_PARAMS; i++) {
                uint8_t junk[40];
                uint32_t len = (uint32_t)(rand() % 40);
                for (uint32_t k = 0; k < len; k++)
                    junk[k] = (uint8_t)rand();
                add(&b, junk, len);
            }
            size_t n = fc_event_args(&pe, out, sizeof(out));
            CHECK(strlen(out) == (n < sizeof(out) ? n : sizeof(out) - 1), "code %d", code);
            for (uint32_t i = 0; i < b.ev.nparams; i++) {
                int64_t v;
                fc_param_text(&pe, i, true, out, sizeof(out));
                fc_param_int(&b.ev, i, &v);
            }
        }
    }
}

int main(void)
{
    test_tables();
    test_sockets();
    test_events();
    test_garbage();
    return th_done();
}
