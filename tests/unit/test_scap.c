/*
 * test_scap.c - the capture reader (runtime/scap.c) on the corpus of
 * shared/corpus/captures and on damaged or synthetic captures made here
 * at test time from those files (nothing binary is committed).
 *
 * Corpus: every capture opens and reads to a clean end; event counts equal
 * captures/README.md's "events" column; timestamps are plausible and, for
 * non-meta events, non-decreasing per CPU; no event has more parameters
 * than the table; metadata (machine, threads, fds, users) is present.
 * Variants: gzip of a plain capture and plain of a gzip one read the same
 * events; plain and gzip concatenation read as two sections; synthetic
 * EVF / _LARGE / v1 EVF blocks. Damage: truncation at 50 points (plain and
 * gzip), bad lengths, trailers, magics, gzip data, event and parameter
 * lengths, nparams, unknown codes and blocks, trailing bytes — each gives
 * the events before the damage, then an error naming offset and block type.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "events.h"
#include "fc_scap.h"
#include "tharness.h"

#define CAPS FALCOC_SHARED "/corpus/captures/"

struct buf {
    uint8_t *p;
    size_t n, cap;
};

static void put(struct buf *b, const void *d, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
}
static void put16(struct buf *b, uint16_t v)
{
    put(b, &v, 2);
}
static void put32(struct buf *b, uint32_t v)
{
    put(b, &v, 4);
}
static void put64(struct buf *b, uint64_t v)
{
    put(b, &v, 8);
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static void wr32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}
static void wr16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}

static struct buf slurp(const char *path)
{
    struct buf b = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return b;
    uint8_t tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
        put(&b, tmp, n);
    fclose(f);
    return b;
}

/* The plain bytes of a capture, through zlib's own transparent reader
 * (independent of the reader under test). */
static struct buf plain_of(const char *path)
{
    struct buf b = {0};
    gzFile g = gzopen(path, "rb");
    if (!g)
        return b;
    uint8_t tmp[65536];
    int n;
    while ((n = gzread(g, tmp, sizeof(tmp))) > 0)
        put(&b, tmp, (size_t)n);
    gzclose(g);
    return b;
}

/* gzip of DATA; when CUT_AT > 0, a full flush there and then an invalid
 * deflate block (type 3) instead of the rest. */
static struct buf gzip_of(const uint8_t *data, size_t n, size_t cut_at)
{
    struct buf out = {0};
    z_stream zs = {0};
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    out.cap = deflateBound(&zs, n) + 64;
    out.p = malloc(out.cap);
    zs.next_in = (Bytef *)(uintptr_t)data;
    zs.avail_in = (uInt)(cut_at ? cut_at : n);
    zs.next_out = out.p;
    zs.avail_out = (uInt)out.cap;
    int rc = deflate(&zs, cut_at ? Z_FULL_FLUSH : Z_FINISH);
    if (rc != (cut_at ? Z_OK : Z_STREAM_END))
        abort();
    out.n = zs.total_out;
    deflateEnd(&zs);
    if (cut_at) {
        static const uint8_t junk[] = {0x07, 0xff, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc};
        put(&out, junk, sizeof(junk));
    }
    return out;
}

/* What reading a capture produced. */
struct run {
    int rc; /* last scap_next (or open) result */
    int open_err;
    size_t n;        /* events */
    uint64_t digest; /* over every event's PPM bytes, cpu and flags */
    uint64_t *ev_off;
    uint64_t *ev_dig;
    uint64_t err_off; /* parsed from the message, UINT64_MAX if none */
    char err[400];
    struct scap_stats st;
    uint32_t sections;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static void run_free(struct run *r)
{
    free(r->ev_off);
    free(r->ev_dig);
}

static struct run read_all(const uint8_t *data, size_t len, const char *path)
{
    struct run out = {0};
    out.err_off = UINT64_MAX;
    size_t cap = 0;
    int err = 0;
    struct scap_reader *r = path ? scap_open(path, &err) : scap_open_mem(data, len, &err);
    out.open_err = err;
    if (!r) {
        out.rc = err;
        return out;
    }
    struct scap_event ev;
    int rc = err;
    uint64_t h = 0xcbf29ce484222325ull;
    while (!err && (rc = scap_next(r, &ev)) == 1) {
        uint64_t d = fnv(0xcbf29ce484222325ull, ev.hdr, ev.hdr_len);
        d = fnv(d, &ev.cpu, sizeof(ev.cpu));
        d = fnv(d, &ev.flags, sizeof(ev.flags));
        h = fnv(h, &d, sizeof(d));
        if (out.n == cap) {
            cap = cap ? cap * 2 : 1024;
            out.ev_off = realloc(out.ev_off, cap * sizeof(uint64_t));
            out.ev_dig = realloc(out.ev_dig, cap * sizeof(uint64_t));
        }
        out.ev_off[out.n] = ev.offset;
        out.ev_dig[out.n] = d;
        out.n++;
        out.sections = ev.section + 1;
    }
    out.rc = rc;
    out.digest = h;
    snprintf(out.err, sizeof(out.err), "%s", scap_error(r));
    unsigned long long o;
    if (sscanf(out.err, "block at offset %llu", &o) == 1)
        out.err_off = o;
    scap_get_stats(r, &out.st);
    scap_close(r);
    return out;
}

/* ------------------------------------------------------------------ corpus */

struct cap {
    const char *file;
    size_t events; /* captures/README.md, "events" column */
};

static const struct cap corpus[] = {
    {"libs__curl_google.scap", 1536},
    {"libs__curl_google_comments.scap", 1536},
    {"libs__sample.scap", 572},
    {"libs__single_ipv6_conn.scap", 1728},
    {"falco__cat_write.scap", 345},
    {"falco__connect_localhost.scap", 374},
    {"falco__open-multiple-files.scap", 1272},
    {"falco__psp_run_as_user_0_container.scap", 4143},
    {"falco__psp_privileged.scap", 2059},
    {"falco__empty.scap", 143},
    {"falco__syscall.scap", 368},
    {"bencer__example0_nginx.scap", 143},
    {"bencer__example4_example4-1.scap", 6440},
    {"bencer__example5_httpd.scap", 405},
    {"bencer_troubleshooting__capture.scap", 146038},
};

static int f_has_slash(const struct scap_fd *f)
{
    return f->name.len > 0 && f->name.p[0] == '/';
}

static void test_corpus_file(const struct cap *c)
{
    char path[512];
    snprintf(path, sizeof(path), CAPS "%s", c->file);
    int err = 0;
    struct scap_reader *r = scap_open(path, &err);
    CHECK(r && err == 0, "%s: open: %d %s", c->file, err, r ? scap_error(r) : "");
    if (!r)
        return;

    const struct scap_machine *m = scap_machine(r);
    CHECK(m && m->num_cpus >= 1 && m->hostname[0], "%s: machine info", c->file);
    size_t nt, nf, nu, ng, ni;
    const struct scap_thread *t = scap_threads(r, &nt);
    const struct scap_fd *fds = scap_fds(r, &nf);
    const struct scap_user *us = scap_users(r, &nu);
    scap_groups(r, &ng);
    scap_ifaces(r, &ni);
    size_t named = 0;
    for (size_t i = 0; i < nt; i++) {
        named += t[i].comm.len > 0;
        CHECK(t[i].version >= 1 && t[i].version <= 9, "%s: PL version", c->file);
    }
    CHECK(nt >= 1 && named >= 1, "%s: %zu threads, %zu with a comm", c->file, nt, named);
    size_t paths = 0;
    for (size_t i = 0; i < nf; i++)
        paths += f_has_slash(&fds[i]);
    CHECK(nf >= 1 && paths >= 1, "%s: %zu fds, %zu with a path", c->file, nf, paths);
    size_t root = 0;
    for (size_t i = 0; i < nu; i++)
        root += us[i].uid == 0 && us[i].name.len == 4 && !memcmp(us[i].name.p, "root", 4);
    CHECK(root == 1 && ng >= 1 && ni >= 1, "%s: users %zu (root %zu), groups %zu, ifaces %zu",
          c->file, nu, root, ng, ni);

    struct scap_event ev;
    int rc;
    size_t n = 0, too_many = 0, bad_dir = 0, implausible = 0, backwards = 0;
    uint64_t last[256] = {0};
    /* 2010-01-01 .. 2030-01-01 in ns; meta events may carry 0 */
    const uint64_t lo = 1262304000ull * 1000000000ull, hi = 1893456000ull * 1000000000ull;
    while ((rc = scap_next(r, &ev)) == 1) {
        n++;
        const struct ev_info *ei = ev_get(ev.type);
        if (!ei) {
            bad_dir++;
            continue;
        }
        too_many += ev.nparams_raw > ei->nparams;
        for (uint32_t i = 0; i < ev.nparams; i++)
            if (ev.len[i] &&
                (ev.param[i] < ev.hdr || ev.param[i] + ev.len[i] > ev.hdr + ev.hdr_len))
                bad_dir++;
        /* meta events may carry 0 or synthetic stamps: only the range is checked */
        if (ev.ts && (ev.ts < lo || ev.ts > hi))
            implausible++;
        if (ei->category & EC_METAEVENT)
            continue;
        if (ev.cpu < 256) {
            backwards += ev.ts < last[ev.cpu];
            last[ev.cpu] = ev.ts;
        }
        CHECK(ev.cpu < m->num_cpus || m->num_cpus == 0, "%s: cpu %u of %u", c->file, ev.cpu,
              m->num_cpus);
    }
    CHECK(rc == 0, "%s: ends with %d: %s", c->file, rc, scap_error(r));
    CHECK(n == c->events, "%s: %zu events, README says %zu", c->file, n, c->events);
    CHECK(too_many == 0, "%s: %zu events with more parameters than the table", c->file, too_many);
    CHECK(bad_dir == 0, "%s: %zu events with parameters outside the event", c->file, bad_dir);
    CHECK(implausible == 0, "%s: %zu of %zu timestamps outside 2010..2030", c->file, implausible,
          n);
    CHECK(backwards == 0, "%s: %zu per-cpu timestamp regressions", c->file, backwards);
    struct scap_stats st;
    scap_get_stats(r, &st);
    CHECK(st.events == n && st.skipped == 0 && st.sections == 1, "%s: stats", c->file);
    CHECK(scap_next(r, &ev) == 0, "%s: end is sticky", c->file);
    scap_close(r);

    /* The same bytes through memory, plain, read the same events; so does
     * the gzip of the plain bytes (or the plain of a gzip file). */
    struct buf raw = slurp(path), pl = plain_of(path);
    struct run a = read_all(raw.p, raw.n, NULL), b = read_all(pl.p, pl.n, NULL);
    struct buf gz = gzip_of(pl.p, pl.n, 0);
    struct run g = read_all(gz.p, gz.n, NULL);
    CHECK(a.rc == 0 && a.n == c->events, "%s: from memory %d %zu", c->file, a.rc, a.n);
    CHECK(b.rc == 0 && b.n == a.n && b.digest == a.digest, "%s: plain bytes differ", c->file);
    CHECK(g.rc == 0 && g.n == a.n && g.digest == a.digest, "%s: gzip reads %zu events (%d %s)",
          c->file, g.n, g.rc, g.err);
    run_free(&a);
    run_free(&b);
    run_free(&g);
    free(raw.p);
    free(pl.p);
    free(gz.p);
}

/* Specific values of two captures, read by hand with hexdump. */
static void test_metadata_values(void)
{
    int err;
    struct scap_reader *r = scap_open(CAPS "libs__sample.scap", &err);
    CHECK(r && !err, "open sample");
    if (!r)
        return;
    uint16_t ma, mi;
    scap_version(r, &ma, &mi);
    CHECK(ma == 1 && mi == 2, "sample version %u.%u", ma, mi);
    const struct scap_machine *m = scap_machine(r);
    CHECK(m && !strcmp(m->hostname, "ubuntu2204.localdomain") && m->num_cpus == 4 &&
              m->boot_ts == 1690556576768000000ull,
          "sample machine");
    size_t nt, nf;
    const struct scap_thread *t = scap_threads(r, &nt);
    scap_fds(r, &nf);
    CHECK(nt == 94, "sample: %zu threads (spec: 94 PL entries)", nt);
    const struct scap_thread *init = NULL;
    for (size_t i = 0; i < nt; i++)
        if (t[i].tid == 1)
            init = &t[i];
    CHECK(init && init->pid == 1 && init->version == 9 && init->comm.len == 7 &&
              !memcmp(init->comm.p, "systemd", 7) && init->vtid == 1 && init->vpid == 1 &&
              init->tail != SCAP_TAIL_NONE,
          "sample: init thread");
    scap_close(r);

    r = scap_open(CAPS "falco__syscall.scap", &err);
    CHECK(r && !err, "open syscall");
    if (!r)
        return;
    t = scap_threads(r, &nt);
    size_t v8 = 0;
    for (size_t i = 0; i < nt; i++)
        v8 += t[i].version == 8;
    CHECK(v8 == nt, "syscall: PL v8, %zu of %zu", v8, nt);
    scap_close(r);
}

/* ------------------------------------------------------------------ damage */

/* Plain bytes and block list of a capture. */
struct blocks {
    struct buf data;
    size_t n;
    size_t off[200000];
    uint32_t type[200000];
};

static struct blocks *blocks_of(const char *file)
{
    char path[512];
    snprintf(path, sizeof(path), CAPS "%s", file);
    struct blocks *b = calloc(1, sizeof(*b));
    b->data = plain_of(path);
    for (size_t o = 0; o + 8 <= b->data.n && b->n < 200000;) {
        uint32_t len = rd32(b->data.p + o + 4);
        b->off[b->n] = o;
        b->type[b->n++] = rd32(b->data.p + o);
        if (len < 12)
            break;
        o += len;
    }
    return b;
}

static size_t first_block(const struct blocks *b, uint32_t type, size_t from)
{
    for (size_t i = from; i < b->n; i++)
        if (b->type[i] == type)
            return i;
    return SIZE_MAX;
}

static struct buf copy_of(const struct buf *b)
{
    struct buf c = {0};
    put(&c, b->p, b->n);
    return c;
}

/* Expect an error: message with the offset and type, events a prefix. */
static void expect_error(const char *what, const struct buf *bad, const struct run *good,
                         uint64_t want_off, const char *want_type, const char *want_text)
{
    struct run r = read_all(bad->p, bad->n, NULL);
    if (getenv("SCAP_VERBOSE"))
        printf("%-24s %d %s\n", what, r.rc, r.err);
    CHECK(r.rc < 0, "%s: rc %d, expected an error", what, r.rc);
    CHECK(r.err_off == want_off, "%s: offset %" PRIu64 " expected %" PRIu64 " (%s)", what,
          r.err_off, want_off, r.err);
    if (want_type) {
        char t[64];
        snprintf(t, sizeof(t), " %s)", want_type);
        CHECK(strstr(r.err, t) != NULL, "%s: no type %s in '%s'", what, want_type, r.err);
    }
    if (want_text)
        CHECK(strstr(r.err, want_text) != NULL, "%s: '%s' not in '%s'", what, want_text, r.err);
    size_t same = 0;
    for (size_t i = 0; i < r.n && i < good->n; i++)
        same += r.ev_dig[i] == good->ev_dig[i];
    CHECK(r.n <= good->n && same == r.n, "%s: %zu events, %zu match the intact read", what, r.n,
          same);
    run_free(&r);
}

static void test_truncation(const char *file, bool gz)
{
    struct blocks *b = blocks_of(file);
    struct run good = read_all(b->data.p, b->data.n, NULL);
    CHECK(good.rc == 0 && good.n > 0, "%s: intact read", file);
    struct buf z = {0};
    if (gz)
        z = gzip_of(b->data.p, b->data.n, 0);
    const struct buf *src = gz ? &z : &b->data;
    for (int k = 1; k <= 50; k++) {
        size_t cut = (size_t)((double)src->n * k / 51.0) + (size_t)k % 7;
        if (cut >= src->n)
            cut = src->n - 1;
        struct run r = read_all(src->p, cut, NULL);
        size_t same = 0;
        for (size_t i = 0; i < r.n && i < good.n; i++)
            same += r.ev_dig[i] == good.ev_dig[i];
        CHECK(r.rc < 0 && same == r.n && r.n < good.n, "%s%s cut %zu: rc %d, %zu events, %s", file,
              gz ? ".gz" : "", cut, r.rc, r.n, r.err);
        if (!gz) {
            /* the events are those whose block ends before the cut */
            size_t want = 0;
            for (size_t i = 0; i < good.n; i++)
                want += good.ev_off[i] + rd32(b->data.p + good.ev_off[i] + 4) <= cut;
            CHECK(r.n == want && r.err_off <= cut && r.err_off + 12 > 0,
                  "%s cut %zu: %zu events (want %zu), error at %" PRIu64, file, cut, r.n, want,
                  r.err_off);
        } else {
            CHECK(strstr(r.err, "gzip") != NULL || strstr(r.err, "past the end") != NULL,
                  "%s.gz cut %zu: %s", file, cut, r.err);
        }
        run_free(&r);
    }
    /* a cut exactly at a block boundary after an event is a clean end */
    if (!gz && good.n > 3) {
        size_t end3 = good.ev_off[3];
        struct run r = read_all(b->data.p, end3, NULL);
        CHECK(r.rc == 0 && r.n == 3, "%s: cut at a boundary: %d %zu", file, r.rc, r.n);
        run_free(&r);
    }
    run_free(&good);
    free(z.p);
    free(b->data.p);
    free(b);
}

static void test_damage_v2(void)
{
    const char *file = "libs__sample.scap"; /* plain, PL v9, EV_V2 */
    struct blocks *b = blocks_of(file);
    struct run good = read_all(b->data.p, b->data.n, NULL);
    size_t pl = first_block(b, SCAP_BT_PL_V9, 0);
    size_t ev = first_block(b, SCAP_BT_EV_V2, 0);
    CHECK(pl != SIZE_MAX && ev != SIZE_MAX && ev + 100 < b->n, "sample blocks");
    if (pl == SIZE_MAX || ev == SIZE_MAX || ev + 100 >= b->n)
        return;
    size_t mid = ev + 50, last = b->n - 1;
    struct buf x;

    /* metadata block length past the end */
    x = copy_of(&b->data);
    wr32(x.p + b->off[pl] + 4, 0xffffffffu);
    expect_error("PL length past the end", &x, &good, b->off[pl], "PL_V9", "past the end");
    free(x.p);

    /* last event block length past the end */
    x = copy_of(&b->data);
    wr32(x.p + b->off[last] + 4, rd32(x.p + b->off[last] + 4) + 400);
    expect_error("event length past the end", &x, &good, b->off[last], "EV_V2", "past the end");
    free(x.p);

    /* 4 GiB length on an event block */
    x = copy_of(&b->data);
    wr32(x.p + b->off[mid] + 4, 0xffffffffu);
    expect_error("event block 4 GiB", &x, &good, b->off[mid], "EV_V2", "_LARGE");
    free(x.p);

    /* block length < 12 */
    x = copy_of(&b->data);
    wr32(x.p + b->off[mid] + 4, 8);
    expect_error("length 8", &x, &good, b->off[mid], "EV_V2", "less than 12");
    free(x.p);

    /* trailer mismatch in metadata */
    x = copy_of(&b->data);
    size_t pend = b->off[pl] + rd32(x.p + b->off[pl] + 4);
    wr32(x.p + pend - 4, 12345);
    expect_error("PL trailer", &x, &good, b->off[pl], "PL_V9", "trailer 12345");
    free(x.p);

    /* wrong and byte-swapped magic */
    x = copy_of(&b->data);
    wr32(x.p + 8, 0xdeadbeef);
    expect_error("bad magic", &x, &good, 0, "SHB", "magic 0xdeadbeef");
    free(x.p);
    x = copy_of(&b->data);
    wr32(x.p + 8, 0x4D3C2B1Au);
    wr32(x.p + 4, __builtin_bswap32(rd32(x.p + 4)));
    {
        struct run r = read_all(x.p, x.n, NULL);
        CHECK(r.rc == -ENOTSUP && r.err_off == 0 && strstr(r.err, "big-endian"), "swapped: %d %s",
              r.rc, r.err);
        run_free(&r);
    }
    free(x.p);

    /* major version 2 is refused */
    x = copy_of(&b->data);
    wr16(x.p + 12, 2);
    expect_error("major 2", &x, &good, 0, "SHB", "major 1");
    free(x.p);

    /* event length past its block */
    size_t mo = b->off[mid], space = rd32(b->data.p + mo + 4) - 12 - 2;
    x = copy_of(&b->data);
    wr32(x.p + mo + 8 + 2 + 16, (uint32_t)space + 1);
    expect_error("event len past block", &x, &good, mo, "EV_V2", "runs past its block");
    free(x.p);

    /* huge parameter length, and nparams larger than the block */
    x = copy_of(&b->data);
    uint32_t np = rd32(x.p + mo + 8 + 2 + 22);
    CHECK(np > 0, "mid event has parameters");
    wr16(x.p + mo + 8 + 2 + 26, 0xffff);
    expect_error("param length", &x, &good, mo, "EV_V2", "parameter 0 of length 65535");
    free(x.p);
    x = copy_of(&b->data);
    wr32(x.p + mo + 8 + 2 + 22, 0x7fffffffu);
    expect_error("nparams", &x, &good, mo, "EV_V2", "2147483647 parameters");
    free(x.p);

    /* an event code past the table is skipped (as sysdig does) */
    x = copy_of(&b->data);
    wr16(x.p + mo + 8 + 2 + 20, 9999);
    {
        struct run r = read_all(x.p, x.n, NULL);
        CHECK(r.rc == 0 && r.n == good.n - 1 && r.st.skipped == 1, "code 9999: %d %zu %" PRIu64,
              r.rc, r.n, r.st.skipped);
        run_free(&r);
    }
    free(x.p);

    /* trailing bytes after the last block */
    x = copy_of(&b->data);
    put(&x, "\0\0\0\0\0", 5);
    expect_error("trailing 5 bytes", &x, &good, b->data.n, NULL, "inside a block header");
    free(x.p);
    x = copy_of(&b->data);
    put(&x, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
    expect_error("trailing zeros", &x, &good, b->data.n, "unknown", "less than 12");
    free(x.p);

    /* a metadata-only file */
    {
        struct run r = read_all(b->data.p, b->off[ev], NULL);
        CHECK(r.rc == -ENODATA && r.n == 0 && strstr(r.err, "no events"), "no events: %d %s", r.rc,
              r.err);
        run_free(&r);
        r = read_all(b->data.p, 0, NULL);
        CHECK(r.rc == -ENODATA && r.err_off == 0, "empty: %d %s", r.rc, r.err);
        run_free(&r);
    }

    /* a non-event block among the events */
    x = (struct buf){0};
    put(&x, b->data.p, b->off[mid]);
    put(&x, b->data.p + b->off[pl], b->off[pl + 1] - b->off[pl]);
    put(&x, b->data.p + b->off[mid], b->data.n - b->off[mid]);
    expect_error("PL among events", &x, &good, b->off[mid], "PL_V9", "non-event block");
    free(x.p);

    /* an unknown block among the metadata is skipped */
    x = (struct buf){0};
    put(&x, b->data.p, b->off[ev]);
    put32(&x, 0x999);
    put32(&x, 20);
    put64(&x, 42);
    put32(&x, 20);
    put(&x, b->data.p + b->off[ev], b->data.n - b->off[ev]);
    {
        struct run r = read_all(x.p, x.n, NULL);
        CHECK(r.rc == 0 && r.digest == good.digest && r.st.unknown_blocks == 1,
              "unknown block: %d %s", r.rc, r.err);
        run_free(&r);
    }
    free(x.p);

    /* bad gzip: valid header and first half, then an invalid deflate block */
    {
        size_t half = b->off[mid];
        struct buf z = gzip_of(b->data.p, b->data.n, half);
        struct run r = read_all(z.p, z.n, NULL);
        CHECK(r.rc < 0 && strstr(r.err, "gzip: invalid block type") && r.err_off == half &&
                  r.n == 50,
              "bad deflate: %d %zu %s", r.rc, r.n, r.err);
        run_free(&r);
        /* flip bytes in a whole gzip file: errors or equal-length reads, never a crash */
        free(z.p);
        z = gzip_of(b->data.p, b->data.n, 0);
        for (size_t i = 0; i < 40; i++) {
            struct buf y = copy_of(&z);
            y.p[20 + (i * 7919) % (y.n - 40)] ^= (uint8_t)(0x5a + i);
            r = read_all(y.p, y.n, NULL);
            CHECK(r.rc <= 0 && r.n <= good.n + 1000, "flipped gzip %zu: %d", i, r.rc);
            run_free(&r);
            free(y.p);
        }
        free(z.p);
    }

    /* bytes after the event in its block are ignored (pcapng options) */
    x = (struct buf){0};
    put(&x, b->data.p, b->off[mid]);
    uint32_t ml = rd32(b->data.p + mo + 4);
    put32(&x, SCAP_BT_EV_V2);
    put32(&x, ml + 8);
    put(&x, b->data.p + mo + 8, ml - 12);
    put64(&x, 0x1122334455667788ull);
    put32(&x, ml + 8);
    put(&x, b->data.p + b->off[mid + 1], b->data.n - b->off[mid + 1]);
    {
        struct run r = read_all(x.p, x.n, NULL);
        CHECK(r.rc == 0 && r.digest == good.digest, "extra bytes in a block: %d %s", r.rc, r.err);
        run_free(&r);
    }
    free(x.p);

    run_free(&good);
    free(b->data.p);
    free(b);
}

static void test_damage_v1(void)
{
    const char *file = "bencer__example0_nginx.scap"; /* plain, EV v1 */
    struct blocks *b = blocks_of(file);
    struct run good = read_all(b->data.p, b->data.n, NULL);
    size_t ev = first_block(b, SCAP_BT_EV, 0);
    CHECK(ev != SIZE_MAX && ev + 60 < b->n, "nginx blocks");
    if (ev == SIZE_MAX || ev + 60 >= b->n)
        return;
    size_t mid = ev + 40, mo = b->off[mid];
    struct buf x = copy_of(&b->data);
    wr16(x.p + mo + 8 + 2 + 22, 0xfff0); /* first parameter length */
    expect_error("v1 param length", &x, &good, mo, "EV", "do not add up");
    free(x.p);
    x = copy_of(&b->data);
    wr32(x.p + mo + 8 + 2 + 16, 0xffffff);
    expect_error("v1 event len", &x, &good, mo, "EV", "runs past its block");
    free(x.p);
    size_t fdl = first_block(b, SCAP_BT_FDL_V1, 0);
    CHECK(fdl != SIZE_MAX, "nginx has FDL v1");
    if (fdl != SIZE_MAX) {
        x = copy_of(&b->data);
        wr32(x.p + b->off[fdl] + 4, rd32(x.p + b->off[fdl] + 4) + 4);
        struct run r = read_all(x.p, x.n, NULL);
        CHECK(r.rc < 0 && r.err_off == b->off[fdl] && strstr(r.err, "FDL_V1") &&
                  strstr(r.err, "trailer"),
              "FDL grown by 4: %s", r.err);
        run_free(&r);
        free(x.p);
    }
    run_free(&good);
    free(b->data.p);
    free(b);
}

/* ------------------------------------------------------------------ synthetic */

static void block(struct buf *out, uint32_t type, const struct buf *body)
{
    uint32_t total = (uint32_t)((8 + body->n + 4 + 3) & ~(size_t)3);
    put32(out, type);
    put32(out, total);
    put(out, body->p, body->n);
    put(out, "\0\0\0", total - 12 - body->n);
    put32(out, total);
}

static void shb(struct buf *out)
{
    struct buf b = {0};
    put32(&b, 0x1A2B3C4D);
    put16(&b, 1);
    put16(&b, 2);
    put64(&b, UINT64_MAX);
    block(out, SCAP_BT_SHB, &b);
    free(b.p);
}

/* An EV_V2-style body: cpu [flags] header lengths data. */
static void event_body(struct buf *b, uint16_t cpu, const uint32_t *flags, uint16_t type,
                       uint64_t ts, int lsize, int nparams, const char *const *vals)
{
    uint32_t len = 26;
    for (int i = 0; i < nparams; i++)
        len += (uint32_t)lsize + (uint32_t)strlen(vals[i]) + 1;
    put16(b, cpu);
    if (flags)
        put32(b, *flags);
    put64(b, ts);
    put64(b, 77);
    put32(b, len);
    put16(b, type);
    put32(b, (uint32_t)nparams);
    for (int i = 0; i < nparams; i++) {
        uint32_t l = (uint32_t)strlen(vals[i]) + 1;
        if (lsize == 4)
            put32(b, l);
        else
            put16(b, (uint16_t)l);
    }
    for (int i = 0; i < nparams; i++)
        put(b, vals[i], strlen(vals[i]) + 1);
}

static void put8_group(struct buf *b)
{
    put(b, "\x01", 1);
    put32(b, 5);
    put16(b, 5);
    put(b, "wheel", 5);
}

static void test_synthetic(void)
{
    struct buf f = {0}, b = {0};
    shb(&f);
    /* PL v9 entry with entry_len 0 (no tail) and UL v2 with a group */
    put32(&b, 0);
    put64(&b, 10), put64(&b, 10), put64(&b, 1), put64(&b, 10), put64(&b, 10);
    put16(&b, 3), put(&b, "cat", 3);
    put16(&b, 8), put(&b, "/bin/cat", 8);
    put16(&b, 8), put(&b, "/bin/cat", 8);
    put16(&b, 0), put16(&b, 1), put(&b, "/", 1);
    put64(&b, 1024), put32(&b, 0), put32(&b, 1000), put32(&b, 1000);
    put32(&b, 1), put32(&b, 2), put32(&b, 3), put64(&b, 4), put64(&b, 5);
    put16(&b, 0), put64(&b, 10), put64(&b, 10), put16(&b, 0), put16(&b, 1), put(&b, "/", 1);
    block(&f, SCAP_BT_PL_V9, &b);
    b.n = 0;
    put32(&b, 4 + 1 + 4 + 2 + 5), put8_group(&b);
    block(&f, SCAP_BT_UL_V2, &b);
    b.n = 0;
    uint32_t fl = SCAP_DF_STATE_ONLY;
    const char *v1[] = {"a", "bc"};
    event_body(&b, 3, &fl, PPME_SYSCALL_OPEN_E, 1000, 2, 2, v1);
    block(&f, SCAP_BT_EVF_V2, &b);
    b.n = 0;
    const char *v2[] = {"{\"container\":{}}"};
    event_body(&b, 1, NULL, PPME_CONTAINER_JSON_2_E, 2000, 4, 1, v2);
    block(&f, SCAP_BT_EV_V2_LARGE, &b);
    b.n = 0;
    /* an old EVF block: 22-byte header, nparams inferred */
    put16(&b, 2), put32(&b, 0), put64(&b, 3000), put64(&b, 78), put32(&b, 22 + 4 + 2 + 3);
    put16(&b, PPME_SYSCALL_CLOSE_X), put16(&b, 2), put16(&b, 3), put(&b, "\x01\x02\x03\x04\x05", 5);
    block(&f, SCAP_BT_EVF, &b);
    free(b.p);

    int err;
    struct scap_reader *r = scap_open_mem(f.p, f.n, &err);
    CHECK(r && !err, "synthetic open: %s", r ? scap_error(r) : "");
    if (!r)
        return;
    size_t nt, ng;
    const struct scap_thread *t = scap_threads(r, &nt);
    const struct scap_group *g = scap_groups(r, &ng);
    CHECK(nt == 1 && t[0].tid == 10 && t[0].exepath.len == 8 && t[0].tail == SCAP_TAIL_NONE &&
              t[0].loginuid == 0xffffffffu && t[0].vmrss_kb == 2 && t[0].root.len == 1,
          "synthetic thread");
    CHECK(ng == 1 && g[0].gid == 5 && g[0].name.len == 5 && !memcmp(g[0].name.p, "wheel", 5),
          "synthetic group");
    CHECK(scap_machine(r) == NULL, "no MI");
    struct scap_event ev;
    CHECK(scap_next(r, &ev) == 1 && ev.type == PPME_SYSCALL_OPEN_E && ev.flags == 1 &&
              ev.cpu == 3 && ev.nparams == 2 && ev.len[1] == 3 && !memcmp(ev.param[1], "bc", 3),
          "EVF_V2 event");
    CHECK(scap_next(r, &ev) == 1 && ev.type == PPME_CONTAINER_JSON_2_E && ev.nparams == 1 &&
              ev.len[0] == 17 && ev.param[0][0] == '{' && ev.block_type == SCAP_BT_EV_V2_LARGE,
          "large event");
    CHECK(scap_next(r, &ev) == 1 && ev.type == PPME_SYSCALL_CLOSE_X && ev.nparams == 2 &&
              ev.len[0] == 2 && ev.len[1] == 3 && ev.param[1][0] == 3 && ev.hdr_len == 22 + 4 + 9 &&
              rd32(ev.hdr + 22) == 2 && ev.cpu == 2 && ev.ts == 3000,
          "v1 EVF event: np %u", ev.nparams);
    CHECK(scap_next(r, &ev) == 0, "synthetic end");
    scap_close(r);
    free(f.p);
}

static void pstr(struct buf *b, const char *s)
{
    put16(b, (uint16_t)strlen(s));
    put(b, s, strlen(s));
}

/* One PL entry of version V; TAIL 0 none, 1 pre-0.10 (29 bytes), 2 current (76). */
static void pl_entry(struct buf *b, int v, int tail)
{
    struct buf e = {0};
    put64(&e, 100 + (uint64_t)v), put64(&e, 100), put64(&e, 1);
    if (v >= 6)
        put64(&e, 7); /* sid */
    if (v >= 8)
        put64(&e, 8); /* vpgid */
    pstr(&e, "comm"), pstr(&e, "exe");
    if (v >= 7)
        pstr(&e, "/usr/bin/exe");
    pstr(&e, "abc"), pstr(&e, "/cwd");
    put64(&e, 4096), put32(&e, 0x10), put32(&e, 1000), put32(&e, 1001);
    if (v >= 2)
        put32(&e, 11), put32(&e, 12), put32(&e, 13), put64(&e, 14), put64(&e, 15);
    if (v >= 3)
        pstr(&e, "HOME=/");
    if (v >= 4)
        put64(&e, 5), put64(&e, 6), pstr(&e, "cpu=/x");
    if (v >= 5)
        pstr(&e, "/root");
    if (tail == 1) {
        put32(&e, 4242), put(&e, "\x01", 1), put64(&e, 1), put64(&e, 2), put64(&e, 3);
    } else if (tail == 2) {
        put64(&e, 99), put32(&e, 34816), put32(&e, 4243), put(&e, "\x01", 1);
        put64(&e, 1), put64(&e, 2), put64(&e, 3), put(&e, "\x01", 1);
        put64(&e, 77), put64(&e, 78), put64(&e, 79), put(&e, "\x01\x00", 2), put64(&e, 55);
    }
    if (v >= 9)
        put32(b, (uint32_t)e.n + 4);
    put(b, e.p, e.n);
    free(e.p);
}

static void test_pl_versions(void)
{
    static const uint32_t types[] = {0x8000ABCD,    SCAP_BT_PL_V2, SCAP_BT_PL_V3,
                                     SCAP_BT_PL_V4, SCAP_BT_PL_V5, SCAP_BT_PL_V6,
                                     SCAP_BT_PL_V7, SCAP_BT_PL_V8, SCAP_BT_PL_V9};
    for (int v = 1; v <= 9; v++) {
        for (int tail = 0; tail <= (v == 9 ? 2 : 0); tail++) {
            struct buf f = {0}, b = {0};
            shb(&f);
            pl_entry(&b, v, tail);
            pl_entry(&b, v, tail);
            block(&f, types[v - 1], &b);
            b.n = 0;
            const char *vals[] = {"x"};
            event_body(&b, 0, NULL, PPME_SYSCALL_CLOSE_E, 1, 2, 1, vals);
            block(&f, SCAP_BT_EV_V2, &b);
            free(b.p);
            int err;
            struct scap_reader *r = scap_open_mem(f.p, f.n, &err);
            size_t n = 0;
            const struct scap_thread *t = r ? scap_threads(r, &n) : NULL;
            CHECK(r && !err && n == 2, "PL v%d tail %d: %d %s", v, tail, err,
                  r ? scap_error(r) : "");
            if (n == 2) {
                const struct scap_thread *x = &t[1];
                CHECK(x->version == v && x->tid == 100 + (uint64_t)v && x->comm.len == 4 &&
                          !memcmp(x->comm.p, "comm", 4) && x->args.len == 3 && x->cwd.len == 4 &&
                          x->uid == 1000 && x->gid == 1001 && x->flags == 0x10,
                      "PL v%d base fields", v);
                CHECK(x->sid == (v >= 6 ? 7 : -1) && x->vpgid == (v >= 8 ? 8 : -1) &&
                          x->exepath.len == (v >= 7 ? 12u : 0u) &&
                          x->vmrss_kb == (v >= 2 ? 12u : 0u) && x->env.len == (v >= 3 ? 6u : 0u) &&
                          x->vtid == (v >= 4 ? 5 : -1) && x->vpid == (v >= 4 ? 6 : -1) &&
                          x->cgroups.len == (v >= 4 ? 6u : 0u) && x->root.len == (v >= 5 ? 5u : 0u),
                      "PL v%d versioned fields", v);
                if (tail == 1)
                    CHECK(x->tail == SCAP_TAIL_PRE010 && x->loginuid == 4242 &&
                              x->exe_writable == 1 && x->cap_effective == 3,
                          "pre-0.10 tail");
                else if (tail == 2)
                    CHECK(x->tail == SCAP_TAIL_CURRENT && x->loginuid == 4243 &&
                              x->pidns_init_start_ts == 99 && x->tty == 34816 &&
                              x->cap_permitted == 2 && x->exe_ino_mtime == 79 &&
                              x->exe_from_memfd == 1 && x->pgid == 55,
                          "current tail");
                else
                    CHECK(x->tail == SCAP_TAIL_NONE && x->loginuid == 0xffffffffu, "no tail");
            }
            scap_close(r);
            free(f.p);
        }
    }
}

/* ------------------------------------------------------------------ concatenation */

static void test_concat(void)
{
    struct buf a = plain_of(CAPS "falco__cat_write.scap"), c = plain_of(CAPS "libs__sample.scap");
    struct run ra = read_all(a.p, a.n, NULL), rc = read_all(c.p, c.n, NULL);
    struct buf ac = copy_of(&a);
    put(&ac, c.p, c.n);
    struct run r = read_all(ac.p, ac.n, NULL);
    CHECK(r.rc == 0 && r.n == ra.n + rc.n && r.sections == 2 && r.st.sections == 2,
          "plain concat: %d %zu %s", r.rc, r.n, r.err);
    size_t same = 0;
    for (size_t i = 0; i < r.n; i++)
        same += r.ev_dig[i] == (i < ra.n ? ra.ev_dig[i] : rc.ev_dig[i - ra.n]);
    CHECK(same == r.n, "plain concat events %zu/%zu", same, r.n);
    run_free(&r);

    /* the metadata switches to the second section */
    int err;
    struct scap_reader *sr = scap_open_mem(ac.p, ac.n, &err);
    struct scap_event ev;
    size_t n = 0;
    while (scap_next(sr, &ev) == 1 && ev.section == 0)
        n++;
    const struct scap_machine *m = scap_machine(sr);
    CHECK(n == ra.n && ev.section == 1 && m && !strcmp(m->hostname, "ubuntu2204.localdomain"),
          "second section metadata");
    scap_close(sr);

    struct buf za = gzip_of(a.p, a.n, 0), zc = gzip_of(c.p, c.n, 0);
    put(&za, zc.p, zc.n);
    r = read_all(za.p, za.n, NULL);
    CHECK(r.rc == 0 && r.n == ra.n + rc.n && r.sections == 2, "gzip members: %d %zu %s", r.rc, r.n,
          r.err);
    run_free(&r);
    /* garbage after the last gzip member is ignored, as gzread does */
    put(&za, "garbage", 7);
    r = read_all(za.p, za.n, NULL);
    CHECK(r.rc == 0 && r.n == ra.n + rc.n, "gzip + garbage: %d %s", r.rc, r.err);
    run_free(&r);
    /* a gzip file read from disk, twice in a row */
    r = read_all(NULL, 0, CAPS "libs__curl_google.scap");
    CHECK(r.rc == 0 && r.n == 1536, "file path read");
    run_free(&r);
    r = read_all(NULL, 0, "/nonexistent/x.scap");
    CHECK(r.rc == -ENOENT, "missing file: %d", r.rc);
    run_free(&r);

    run_free(&ra);
    run_free(&rc);
    free(a.p);
    free(c.p);
    free(ac.p);
    free(za.p);
    free(zc.p);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++)
        test_corpus_file(&corpus[i]);
    test_metadata_values();
    test_truncation("libs__sample.scap", false);
    test_truncation("bencer__example0_nginx.scap", false);
    test_truncation("falco__psp_run_as_user_0_container.scap", true);
    test_damage_v2();
    test_damage_v1();
    test_synthetic();
    test_pl_versions();
    test_concat();
    return th_done();
}
