/*
 * scap.c - the .scap capture reader (fc_scap.h; format in
 * shared/spec/scap-format.md, event layout in shared/spec/events.md §2).
 *
 * Input → output: a file or memory buffer, plain or gzip → the metadata of
 * each section (SHB, MI, PL v1-v9, FDL v1/v2, IL v1/v2, UL v1/v2) and the
 * events of EV/EVF v1, EV/EVF v2 and their _LARGE variants, one at a time.
 *
 * Layers: a byte source (plain memory, buffered read(2), or gzip: a whole
 * capture of bounded size is inflated at once by libdeflate, anything else,
 * damaged members included, is streamed through zlib; several members in a
 * row either way) → blocks (header, body,
 * trailer; the body lands in one growable buffer that is reused for every
 * event) → metadata parsers (bodies are copied once per section so strings
 * can point into them) and the event decoder (pointers into the buffer).
 *
 * Invariants: every length read from the file is checked against the data
 * that holds it before use; every loop advances through the data or ends;
 * buffers grow at most geometrically with the bytes actually read, so a
 * bogus 4 GiB length costs no more memory than the file has. Errors are
 * sticky and carry the uncompressed byte offset and the block type.
 *
 * Compatibility choices (following libscap / sysdig 0.29.3, §2, §6, §9):
 * unknown block types are skipped in the metadata phase and counted; block
 * trailers are checked in the metadata phase only; events with a code
 * >= PPM_EVENT_MAX are skipped silently (counted in stats.skipped, as
 * sysdig skips them from evt.num); a non-event block in the event phase is
 * an error unless it is a section header, which starts a new section
 * (concatenated captures); non-large event blocks over 64 KiB are refused;
 * bytes after the event's len in its block are ignored; trailing bytes
 * after the last gzip member that are not another member are ignored (as
 * gzread does). Ownership: the reader owns every buffer (fc_scap.h).
 */
#include "fc_scap.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "events.h"

#define SHB_MAGIC 0x1A2B3C4Du
#define SHB_MAGIC_SWAPPED 0x4D3C2B1Au
#define MAX_EVENT_BLOCK 65536u     /* body bytes of a non-large event block */
#define IN_CAP (256u * 1024u)      /* read(2) buffer for files */
#define ZOUT_CAP (256u * 1024u)    /* inflate output buffer */
#define MEM_CHUNK (1u << 30)       /* zlib's avail_in is 32-bit */
#define WHOLE_IN_MAX (64u << 20)   /* gzip inputs inflated in one piece ... */
#define WHOLE_OUT_MAX (512u << 20) /* ... when they inflate to at most this */
#define DEFLATE_MAX_RATIO 1032u    /* one compressed byte makes at most this many */
#define PATH_MAX_LEN 1024u         /* SCAP_MAX_PATH_SIZE */
#define ARGS_MAX_LEN 4096u         /* SCAP_MAX_ARGS_SIZE */
#define USER_MAX_LEN 256u

struct vec {
    void *p;
    size_t n, cap;
};

/* What one section's metadata blocks hold. */
struct meta {
    uint16_t major, minor;
    bool has_mi;
    struct scap_machine mi;
    struct vec threads, fds, users, groups, ifaces;
    struct vec blobs; /* uint8_t *: copies of metadata bodies the strings point into */
};

struct scap_reader {
    /* raw input: either memory or a file descriptor */
    const uint8_t *mem;
    size_t mem_len, mem_pos;
    int fd;
    uint8_t *in;         /* file read buffer (IN_CAP) */
    const uint8_t *in_p; /* unread raw bytes */
    size_t in_n;
    bool raw_eof;
    /* gzip */
    bool gz, zs_ok, gz_done;
    z_stream zs;
    uint8_t *zout; /* inflated bytes (ZOUT_CAP) */
    const uint8_t *zo_p;
    size_t zo_n;
    int gz_err;     /* raised once zout is drained */
    uint8_t *whole; /* a capture inflated in one piece; mem points here */
    int src_err;
    char src_msg[96];
    uint64_t off; /* uncompressed bytes delivered */
    /* block buffer: 4 slack bytes, then the body (+ trailer) */
    uint8_t *buf;
    size_t cap;
    uint32_t cur_type, cur_total;
    uint64_t cur_off;
    bool pending; /* an event block read by the metadata loop waits in buf */
    /* state */
    int err;
    char msg[320];
    struct meta meta;
    struct scap_stats stats;
};

/* ---------------------------------------------------------------- names */

const char *scap_block_name(uint32_t type)
{
    switch (type) {
    case SCAP_BT_SHB:
        return "SHB";
    case SCAP_BT_MI:
    case 0x8002ABCD:
        return "MI";
    case SCAP_BT_PL_V1:
    case 0x8000ABCD:
        return "PL_V1";
    case SCAP_BT_PL_V2:
    case 0x8013ABCD:
        return "PL_V2";
    case SCAP_BT_PL_V3:
    case 0x8014ABCD:
        return "PL_V3";
    case SCAP_BT_PL_V4:
        return "PL_V4";
    case SCAP_BT_PL_V5:
        return "PL_V5";
    case SCAP_BT_PL_V6:
        return "PL_V6";
    case SCAP_BT_PL_V7:
        return "PL_V7";
    case SCAP_BT_PL_V8:
        return "PL_V8";
    case SCAP_BT_PL_V9:
        return "PL_V9";
    case SCAP_BT_FDL_V1:
    case 0x8001ABCD:
        return "FDL_V1";
    case SCAP_BT_FDL_V2:
        return "FDL_V2";
    case SCAP_BT_IL_V1:
    case 0x8011ABCD:
        return "IL_V1";
    case SCAP_BT_IL_V2:
        return "IL_V2";
    case SCAP_BT_UL_V1:
    case 0x8012ABCD:
        return "UL_V1";
    case SCAP_BT_UL_V2:
        return "UL_V2";
    case SCAP_BT_EV:
    case 0x8010ABCD:
        return "EV";
    case SCAP_BT_EVF:
        return "EVF";
    case SCAP_BT_EV_V2:
        return "EV_V2";
    case SCAP_BT_EVF_V2:
        return "EVF_V2";
    case SCAP_BT_EV_V2_LARGE:
        return "EV_V2_LARGE";
    case SCAP_BT_EVF_V2_LARGE:
        return "EVF_V2_LARGE";
    default:
        return "unknown";
    }
}

/* Event block kinds: 0 = not an event block. */
enum { EVK_NONE, EVK_V1, EVK_V2, EVK_V2_LARGE };

static int event_kind(uint32_t t, bool *has_flags)
{
    *has_flags = t == SCAP_BT_EVF || t == SCAP_BT_EVF_V2 || t == SCAP_BT_EVF_V2_LARGE;
    switch (t) {
    case SCAP_BT_EV:
    case 0x8010ABCD:
    case SCAP_BT_EVF:
        return EVK_V1;
    case SCAP_BT_EV_V2:
    case SCAP_BT_EVF_V2:
        return EVK_V2;
    case SCAP_BT_EV_V2_LARGE:
    case SCAP_BT_EVF_V2_LARGE:
        return EVK_V2_LARGE;
    default:
        return EVK_NONE;
    }
}

/* ---------------------------------------------------------------- errors */

__attribute__((format(printf, 4, 5))) static int fail(struct scap_reader *r, int code,
                                                      bool with_type, const char *fmt, ...)
{
    int n;
    if (with_type)
        n = snprintf(r->msg, sizeof(r->msg),
                     "block at offset %llu (type 0x%x %s): ", (unsigned long long)r->cur_off,
                     r->cur_type, scap_block_name(r->cur_type));
    else
        n = snprintf(r->msg, sizeof(r->msg),
                     "block at offset %llu: ", (unsigned long long)r->cur_off);
    if (n < 0 || (size_t)n >= sizeof(r->msg))
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg + n, sizeof(r->msg) - (size_t)n, fmt, ap);
    va_end(ap);
    r->err = code;
    return code;
}

/* ---------------------------------------------------------------- little-endian loads */

static inline uint16_t ld16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}
static inline uint32_t ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static inline uint64_t ld64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* ---------------------------------------------------------------- byte source */

/* Make more raw bytes available after the unread ones (in_p, in_n).
 * Returns false at end of input or on a read error (src_err). */
static bool raw_fill(struct scap_reader *r)
{
    if (r->mem) {
        /* The window is contiguous with what remains: just extend it. */
        size_t left = r->mem_len - r->mem_pos;
        if (left == 0)
            return false;
        size_t add = left < MEM_CHUNK ? left : MEM_CHUNK;
        if (r->in_n == 0)
            r->in_p = r->mem + r->mem_pos;
        r->in_n += add;
        r->mem_pos += add;
        return true;
    }
    if (r->raw_eof || r->src_err)
        return false;
    if (r->in_n && r->in_p != r->in)
        memmove(r->in, r->in_p, r->in_n);
    r->in_p = r->in;
    if (r->in_n >= IN_CAP)
        return true;
    for (;;) {
        ssize_t k = read(r->fd, r->in + r->in_n, IN_CAP - r->in_n);
        if (k > 0) {
            r->in_n += (size_t)k;
            return true;
        }
        if (k == 0) {
            r->raw_eof = true;
            return false;
        }
        if (errno == EINTR)
            continue;
        r->src_err = -errno;
        snprintf(r->src_msg, sizeof(r->src_msg), "read error: %s", strerror(errno));
        return false;
    }
}

static void src_fail(struct scap_reader *r, int code, const char *what)
{
    if (!r->src_err) {
        r->src_err = code;
        snprintf(r->src_msg, sizeof(r->src_msg), "gzip: %s", what);
    }
}

/* Inflate every gzip member of IN at once into a new buffer (*out_len
 * bytes). libdeflate does this about twice as fast as zlib streams it, and
 * its whole-buffer interface is why the size is bounded. NULL when any member
 * fails to decode or the output passes WHOLE_OUT_MAX: the caller then streams
 * the same input through zlib, which delivers the bytes before the damage
 * and then the error. */
static uint8_t *gz_whole(const uint8_t *in, size_t len, size_t *out_len)
{
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    if (!d)
        return NULL;
    /* A single member's trailer holds its exact size (mod 2^32); trust it
     * only as far as DEFLATE's ratio allows, and grow if members follow. */
    size_t cap = len >= 4 ? ld32(in + len - 4) : 0;
    if (cap / DEFLATE_MAX_RATIO > len)
        cap = len * DEFLATE_MAX_RATIO;
    if (cap > WHOLE_OUT_MAX)
        cap = WHOLE_OUT_MAX;
    if (cap < 4096)
        cap = 4096;
    cap = (cap + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
    uint8_t *out = aligned_alloc(2u << 20, cap);
    if (out)
        madvise(out, cap, MADV_HUGEPAGE);
    size_t pos = 0, n = 0;
    while (out) {
        size_t used = 0, got = 0;
        enum libdeflate_result rc =
            libdeflate_gzip_decompress_ex(d, in + pos, len - pos, out + n, cap - n, &used, &got);
        if (rc == LIBDEFLATE_INSUFFICIENT_SPACE && cap < WHOLE_OUT_MAX) {
            cap = cap > WHOLE_OUT_MAX / 2 ? WHOLE_OUT_MAX : cap * 2;
            uint8_t *no = realloc(out, cap);
            if (!no)
                break;
            out = no;
            continue;
        }
        if (rc != LIBDEFLATE_SUCCESS)
            break;
        pos += used;
        n += got;
        /* Bytes after a member that are not another member are ignored. */
        if (len - pos < 2 || in[pos] != 0x1f || in[pos + 1] != 0x8b) {
            libdeflate_free_decompressor(d);
            *out_len = n;
            return out;
        }
    }
    libdeflate_free_decompressor(d);
    free(out);
    return NULL;
}

/* Switch a gzip source to memory holding the whole inflated capture when
 * the input is small enough and decodes cleanly. A file is read with
 * pread(2), so on failure the reader is left exactly as it was. */
static bool gz_try_whole(struct scap_reader *r)
{
    uint8_t *file = NULL;
    const uint8_t *in = r->mem;
    size_t len = r->mem_len;
    if (!r->mem) {
        struct stat st;
        if (fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
            (uint64_t)st.st_size > WHOLE_IN_MAX)
            return false;
        len = (size_t)st.st_size;
        file = malloc(len);
        size_t got = 0;
        while (file && got < len) {
            ssize_t k = pread(r->fd, file + got, len - got, (off_t)got);
            if (k <= 0 && !(k < 0 && errno == EINTR))
                break;
            if (k > 0)
                got += (size_t)k;
        }
        if (got < len) {
            free(file);
            return false;
        }
        in = file;
    } else if (len > WHOLE_IN_MAX) {
        return false;
    }
    size_t n = 0;
    uint8_t *out = gz_whole(in, len, &n);
    free(file);
    if (!out)
        return false;
    r->whole = out;
    r->mem = out;
    r->mem_len = n;
    r->mem_pos = 0;
    r->in_p = out;
    r->in_n = 0;
    return true;
}

/* Inflate the next stretch of output into zout. Output produced before a
 * gzip error is delivered first; the error is raised on the next call. */
static bool gz_fill(struct scap_reader *r)
{
    r->zo_p = r->zout;
    r->zo_n = 0;
    while (r->zo_n == 0) {
        if (r->gz_done)
            return false;
        if (r->gz_err) {
            r->src_err = r->gz_err;
            return false;
        }
        if (r->in_n == 0 && !raw_fill(r)) {
            src_fail(r, -EINVAL, "unexpected end of compressed data");
            return false;
        }
        r->zs.next_in = (Bytef *)(uintptr_t)r->in_p;
        r->zs.avail_in = (uInt)(r->in_n < UINT32_MAX ? r->in_n : UINT32_MAX);
        uInt avail_in0 = r->zs.avail_in;
        r->zs.next_out = r->zout;
        r->zs.avail_out = ZOUT_CAP;
        int ret = inflate(&r->zs, Z_NO_FLUSH);
        size_t used = avail_in0 - r->zs.avail_in;
        r->in_p += used;
        r->in_n -= used;
        r->zo_n = ZOUT_CAP - r->zs.avail_out;
        if (ret == Z_STREAM_END) {
            /* Another member follows? Anything else after a member is
             * ignored, as gzread does. */
            if (r->in_n < 2)
                raw_fill(r);
            if (r->in_n >= 2 && r->in_p[0] == 0x1f && r->in_p[1] == 0x8b)
                inflateReset(&r->zs);
            else
                r->gz_done = true;
        } else if (ret == Z_BUF_ERROR && r->in_n == 0) {
            continue; /* needs more input */
        } else if (ret != Z_OK) {
            r->gz_err = ret == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
            snprintf(r->src_msg, sizeof(r->src_msg), "gzip: %s",
                     ret == Z_BUF_ERROR ? "stream error"
                     : r->zs.msg        ? r->zs.msg
                                        : "data error");
        }
    }
    return true;
}

/* Copy up to N uncompressed bytes into DST; fewer means end of data or an
 * error (src_err). */
static size_t src_read(struct scap_reader *r, uint8_t *dst, size_t n)
{
    size_t got = 0;
    if (r->src_err)
        return 0;
    const uint8_t **wp = r->gz ? &r->zo_p : &r->in_p;
    size_t *wn = r->gz ? &r->zo_n : &r->in_n;
    while (got < n) {
        if (*wn == 0 && !(r->gz ? gz_fill(r) : raw_fill(r)))
            break;
        size_t c = n - got < *wn ? n - got : *wn;
        memcpy(dst + got, *wp, c);
        *wp += c;
        *wn -= c;
        got += c;
    }
    r->off += got;
    return got;
}

/* ---------------------------------------------------------------- blocks */

static int grow(struct scap_reader *r, size_t need)
{
    if (need <= r->cap)
        return 0;
    size_t nc = r->cap ? r->cap : 4096;
    while (nc < need)
        nc = nc > SIZE_MAX / 2 ? need : nc * 2;
    uint8_t *nb = realloc(r->buf, nc);
    if (!nb)
        return -ENOMEM;
    r->buf = nb;
    r->cap = nc;
    return 0;
}

static int short_read(struct scap_reader *r, uint64_t want, uint64_t got)
{
    if (r->src_err)
        return fail(r, r->src_err, true, "%s (length %u, %llu of %llu body bytes read)", r->src_msg,
                    r->cur_total, (unsigned long long)got, (unsigned long long)want);
    return fail(r, -EINVAL, true,
                "length %u runs past the end of the file (%llu of %llu body bytes present)",
                r->cur_total, (unsigned long long)got, (unsigned long long)want);
}

/* Read the next block into buf + 4 (body and trailer, cur_total - 8 bytes).
 * 1 = a block, 0 = clean end of data, < 0 = error. */
static int read_block(struct scap_reader *r)
{
    uint8_t h[8];
    r->cur_off = r->off;
    r->cur_type = 0;
    size_t n = src_read(r, h, 8);
    if (n == 0 && !r->src_err)
        return 0;
    if (n < 8) {
        if (r->src_err)
            return fail(r, r->src_err, false, "%s", r->src_msg);
        return fail(r, -EINVAL, false, "file ends inside a block header (%zu of 8 bytes)", n);
    }
    r->cur_type = ld32(h);
    r->cur_total = ld32(h + 4);
    uint32_t total = r->cur_total;
    size_t got = 0, need;

    /* A section header's magic is checked first so that a byte-swapped
     * capture is named as such rather than as an absurd length. */
    if (r->cur_type == SCAP_BT_SHB && total >= 12) {
        if (grow(r, 8) < 0)
            return fail(r, -ENOMEM, true, "out of memory");
        got = src_read(r, r->buf + 4, 4);
        if (got < 4)
            return short_read(r, total - 8, got);
        uint32_t magic = ld32(r->buf + 4);
        if (magic == SHB_MAGIC_SWAPPED)
            return fail(r, -ENOTSUP, true,
                        "byte-order magic 0x%08x: big-endian capture, not supported", magic);
        if (magic != SHB_MAGIC)
            return fail(r, -EINVAL, true, "bad byte-order magic 0x%08x (expected 0x%08x)", magic,
                        SHB_MAGIC);
    }
    if (total < 12)
        return fail(r, -EINVAL, true, "length %u is less than 12", total);
    bool fl;
    int k = event_kind(r->cur_type, &fl);
    if ((k == EVK_V1 || k == EVK_V2) && total - 8 > MAX_EVENT_BLOCK)
        return fail(r, -EINVAL, true,
                    "event block of %u bytes is over %u and its type is not a _LARGE one", total,
                    MAX_EVENT_BLOCK);
    need = total - 8;
    while (got < need) {
        size_t want = need - got, step = got < 65536 ? 65536 : got;
        if (want > step)
            want = step;
        if (grow(r, 4 + got + want) < 0)
            return fail(r, -ENOMEM, true, "out of memory");
        size_t c = src_read(r, r->buf + 4 + got, want);
        got += c;
        if (c < want)
            return short_read(r, need, got);
    }
    return 1;
}

/* ---------------------------------------------------------------- metadata */

static void *vec_push(struct vec *v, size_t esz)
{
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 16;
        void *np = realloc(v->p, nc * esz);
        if (!np)
            return NULL;
        v->p = np;
        v->cap = nc;
    }
    void *e = (char *)v->p + v->n++ * esz;
    memset(e, 0, esz);
    return e;
}

static void meta_free(struct meta *m)
{
    uint8_t **b = m->blobs.p;
    for (size_t i = 0; i < m->blobs.n; i++)
        free(b[i]);
    free(m->blobs.p);
    free(m->threads.p);
    free(m->fds.p);
    free(m->users.p);
    free(m->groups.p);
    free(m->ifaces.p);
    memset(m, 0, sizeof(*m));
}

/* A bounds-checked cursor over one metadata entry. */
struct cur {
    const uint8_t *p, *end;
    bool bad;
};

static const uint8_t *take(struct cur *c, size_t n)
{
    if (c->bad || (size_t)(c->end - c->p) < n) {
        c->bad = true;
        return NULL;
    }
    const uint8_t *q = c->p;
    c->p += n;
    return q;
}
static uint8_t g8(struct cur *c)
{
    const uint8_t *q = take(c, 1);
    return q ? *q : 0;
}
static uint16_t g16(struct cur *c)
{
    const uint8_t *q = take(c, 2);
    return q ? ld16(q) : 0;
}
static uint32_t g32(struct cur *c)
{
    const uint8_t *q = take(c, 4);
    return q ? ld32(q) : 0;
}
static uint64_t g64(struct cur *c)
{
    const uint8_t *q = take(c, 8);
    return q ? ld64(q) : 0;
}
static void gbytes(struct cur *c, uint8_t *dst, size_t n)
{
    const uint8_t *q = take(c, n);
    if (q)
        memcpy(dst, q, n);
}
static size_t left(const struct cur *c)
{
    return c->bad ? 0 : (size_t)(c->end - c->p);
}

/* str16 with a size limit; *too_long set when over it. */
static struct scap_str gstr(struct cur *c, uint32_t max, uint32_t *too_long)
{
    struct scap_str s = {"", 0};
    uint16_t n = g16(c);
    const uint8_t *q = take(c, n);
    if (!q)
        return s;
    if (n > max && !*too_long)
        *too_long = n;
    s.p = (const char *)q;
    s.len = n;
    return s;
}

/* Context for error messages inside a metadata block. */
static int bad_entry(struct scap_reader *r, const char *what, size_t idx, const uint8_t *body,
                     const uint8_t *at, const char *why)
{
    return fail(r, -EINVAL, true, "%s entry %zu at body byte %zu: %s", what, idx,
                (size_t)(at - body), why);
}

static int parse_pl(struct scap_reader *r, const uint8_t *b, size_t blen, int v)
{
    const uint8_t *p = b, *end = b + blen;
    for (size_t i = 0; end - p >= 4; i++) {
        const uint8_t *start = p, *eend = end;
        struct cur c = {p, end, false};
        uint32_t elen = 0;
        if (v >= 9) {
            elen = g32(&c);
            if (elen) {
                if (elen < 4 || elen > (size_t)(end - start))
                    return bad_entry(r, "thread", i, b, start, "entry length out of bounds");
                eend = start + elen;
                c.end = eend;
            }
        }
        struct scap_thread *t = vec_push(&r->meta.threads, sizeof(*t));
        if (!t)
            return fail(r, -ENOMEM, true, "out of memory");
        uint32_t tl = 0;
        t->version = (uint8_t)v;
        t->sid = t->vpgid = t->pgid = t->vtid = t->vpid = -1;
        t->loginuid = 0xffffffffu;
        t->tid = g64(&c);
        t->pid = g64(&c);
        t->ptid = g64(&c);
        if (v >= 6)
            t->sid = (int64_t)g64(&c);
        if (v >= 8)
            t->vpgid = (int64_t)g64(&c);
        t->comm = gstr(&c, PATH_MAX_LEN, &tl);
        t->exe = gstr(&c, PATH_MAX_LEN, &tl);
        if (v >= 7)
            t->exepath = gstr(&c, PATH_MAX_LEN, &tl);
        t->args = gstr(&c, ARGS_MAX_LEN, &tl);
        t->cwd = gstr(&c, PATH_MAX_LEN, &tl);
        t->fdlimit = g64(&c);
        t->flags = g32(&c);
        t->uid = g32(&c);
        t->gid = g32(&c);
        if (v >= 2) {
            t->vmsize_kb = g32(&c);
            t->vmrss_kb = g32(&c);
            t->vmswap_kb = g32(&c);
            t->pfmajor = g64(&c);
            t->pfminor = g64(&c);
        }
        if (v >= 3)
            t->env = gstr(&c, ARGS_MAX_LEN, &tl);
        if (v >= 4) {
            t->vtid = (int64_t)g64(&c);
            t->vpid = (int64_t)g64(&c);
            t->cgroups = gstr(&c, ARGS_MAX_LEN, &tl);
        }
        if (v >= 5)
            t->root = gstr(&c, PATH_MAX_LEN, &tl);
        if (c.bad)
            return bad_entry(r, "thread", i, b, start, "fields run past the entry");
        if (tl) {
            char why[64];
            snprintf(why, sizeof(why), "string of %u bytes is over the limit", tl);
            return bad_entry(r, "thread", i, b, start, why);
        }
        if (v >= 9 && elen) {
            /* Two tail layouts, told apart by size as current libscap does. */
            size_t rem = left(&c);
            if (rem > 0 && rem <= 29) {
                t->tail = SCAP_TAIL_PRE010;
                if (left(&c) >= 4)
                    t->loginuid = g32(&c);
                if (left(&c) >= 1)
                    t->exe_writable = g8(&c);
                if (left(&c) >= 8)
                    t->cap_inheritable = g64(&c);
                if (left(&c) >= 8)
                    t->cap_permitted = g64(&c);
                if (left(&c) >= 8)
                    t->cap_effective = g64(&c);
            } else if (rem > 29) {
                t->tail = SCAP_TAIL_CURRENT;
                t->pidns_init_start_ts = g64(&c);
                t->tty = g32(&c);
                t->loginuid = g32(&c);
                t->exe_writable = g8(&c);
                if (left(&c) >= 24) {
                    t->cap_inheritable = g64(&c);
                    t->cap_permitted = g64(&c);
                    t->cap_effective = g64(&c);
                }
                if (left(&c) >= 1)
                    t->exe_upper_layer = g8(&c);
                if (left(&c) >= 24) {
                    t->exe_ino = g64(&c);
                    t->exe_ino_ctime = g64(&c);
                    t->exe_ino_mtime = g64(&c);
                }
                if (left(&c) >= 1)
                    t->exe_from_memfd = g8(&c);
                if (left(&c) >= 1)
                    t->exe_lower_layer = g8(&c);
                if (left(&c) >= 8)
                    t->pgid = (int64_t)g64(&c);
            }
            p = eend;
        } else {
            p = c.p;
        }
    }
    return 0;
}

bool scap_fd_named(uint8_t type)
{
    switch (type) {
    case 1:
    case 2:
    case 7:
    case 9:
    case 10:
    case 11:
    case 12:
    case 13:
    case 14:
    case 15:
    case 17:
    case 18:
    case 19:
    case 20:
    case 21:
        return true;
    default:
        return false;
    }
}

static int parse_fdl(struct scap_reader *r, const uint8_t *b, size_t blen, int v)
{
    struct cur h = {b, b + blen, false};
    uint64_t tid = g64(&h);
    if (h.bad)
        return fail(r, -EINVAL, true, "body of %zu bytes has no thread id", blen);
    const uint8_t *p = h.p, *end = b + blen;
    for (size_t i = 0; end - p >= 4; i++) {
        const uint8_t *start = p;
        struct cur c = {p, end, false};
        uint32_t elen = 0;
        if (v >= 2) {
            elen = g32(&c);
            if (elen) {
                if (elen < 4 || elen > (size_t)(end - start))
                    return bad_entry(r, "fd", i, b, start, "entry length out of bounds");
                c.end = start + elen;
            }
        }
        struct scap_fd f = {0};
        uint32_t tl = 0;
        f.tid = tid;
        f.fd = (int64_t)g64(&c);
        f.ino = g64(&c);
        f.type = g8(&c);
        bool keep = true;
        switch (f.type) {
        case 16:
            f.open_flags = g32(&c);
            f.name = gstr(&c, PATH_MAX_LEN, &tl);
            if (v >= 2 && elen && left(&c) >= 4)
                f.dev = g32(&c);
            break;
        case 3:
            gbytes(&c, f.sip, 4);
            gbytes(&c, f.dip, 4);
            f.sport = g16(&c);
            f.dport = g16(&c);
            f.l4proto = g8(&c);
            break;
        case 5: /* listening: the local address in sip/sport */
            gbytes(&c, f.sip, 4);
            f.sport = g16(&c);
            f.l4proto = g8(&c);
            break;
        case 4:
            gbytes(&c, f.sip, 16);
            gbytes(&c, f.dip, 16);
            f.sport = g16(&c);
            f.dport = g16(&c);
            f.l4proto = g8(&c);
            break;
        case 6:
            gbytes(&c, f.sip, 16);
            f.sport = g16(&c);
            f.l4proto = g8(&c);
            break;
        case 8:
            f.unix_src = g64(&c);
            f.unix_dst = g64(&c);
            f.name = gstr(&c, PATH_MAX_LEN, &tl);
            break;
        default:
            if (scap_fd_named(f.type)) {
                f.name = gstr(&c, PATH_MAX_LEN, &tl);
            } else if (v >= 2 && elen) {
                keep = false; /* unknown type: skipped by its entry length */
            } else {
                char why[48];
                snprintf(why, sizeof(why), "unknown fd type %u", f.type);
                return bad_entry(r, "fd", i, b, start, why);
            }
        }
        if (c.bad)
            return bad_entry(r, "fd", i, b, start, "fields run past the entry");
        if (tl)
            return bad_entry(r, "fd", i, b, start, "name over 1024 bytes");
        if (keep) {
            struct scap_fd *d = vec_push(&r->meta.fds, sizeof(*d));
            if (!d)
                return fail(r, -ENOMEM, true, "out of memory");
            *d = f;
        }
        p = (v >= 2 && elen) ? start + elen : c.p;
    }
    return 0;
}

static int parse_il(struct scap_reader *r, const uint8_t *b, size_t blen, int v)
{
    const uint8_t *p = b, *end = b + blen;
    for (size_t i = 0; end - p >= 4; i++) {
        const uint8_t *start = p;
        struct cur c = {p, end, false};
        uint32_t elen = 0;
        if (v >= 2) {
            elen = g32(&c); /* does not count itself */
            if (elen > (size_t)(end - c.p))
                return bad_entry(r, "interface", i, b, start, "entry length out of bounds");
            c.end = c.p + elen;
        }
        struct scap_iface f = {0};
        f.type = g16(&c);
        uint16_t nl = g16(&c);
        switch (f.type) {
        case 1:
        case 3:
            gbytes(&c, f.addr, 4);
            gbytes(&c, f.netmask, 4);
            gbytes(&c, f.bcast, 4);
            break;
        case 2:
        case 4:
            gbytes(&c, f.addr, 16);
            gbytes(&c, f.netmask, 16);
            gbytes(&c, f.bcast, 16);
            break;
        default:
            if (v >= 2 && !c.bad) {
                p = c.end;
                continue;
            }
            return bad_entry(r, "interface", i, b, start, "unknown address type");
        }
        if (f.type == 1 || f.type == 2)
            f.linkspeed = g64(&c);
        if (nl >= PATH_MAX_LEN)
            return bad_entry(r, "interface", i, b, start, "name of 1024 bytes or more");
        const uint8_t *q = take(&c, nl);
        if (c.bad)
            return bad_entry(r, "interface", i, b, start, "fields run past the entry");
        f.name.p = (const char *)q;
        f.name.len = nl;
        struct scap_iface *d = vec_push(&r->meta.ifaces, sizeof(*d));
        if (!d)
            return fail(r, -ENOMEM, true, "out of memory");
        *d = f;
        p = v >= 2 ? c.end : c.p;
    }
    return 0;
}

static int parse_ul(struct scap_reader *r, const uint8_t *b, size_t blen, int v)
{
    const uint8_t *p = b, *end = b + blen;
    for (size_t i = 0; end - p >= 4; i++) {
        const uint8_t *start = p;
        struct cur c = {p, end, false};
        uint32_t elen = 0;
        if (v >= 2) {
            elen = g32(&c); /* counts itself */
            if (elen < 4 || elen > (size_t)(end - start))
                return bad_entry(r, "user", i, b, start, "entry length out of bounds");
            c.end = start + elen;
        }
        uint8_t type = g8(&c);
        uint32_t tl = 0;
        if (type == 0) {
            struct scap_user u = {0};
            u.uid = g32(&c);
            u.gid = g32(&c);
            u.name = gstr(&c, USER_MAX_LEN, &tl);
            u.home = gstr(&c, USER_MAX_LEN, &tl);
            u.shell = gstr(&c, USER_MAX_LEN, &tl);
            if (!c.bad && !tl) {
                struct scap_user *d = vec_push(&r->meta.users, sizeof(*d));
                if (!d)
                    return fail(r, -ENOMEM, true, "out of memory");
                *d = u;
            }
        } else if (type == 1) {
            struct scap_group g = {0};
            g.gid = g32(&c);
            g.name = gstr(&c, USER_MAX_LEN, &tl);
            if (!c.bad && !tl) {
                struct scap_group *d = vec_push(&r->meta.groups, sizeof(*d));
                if (!d)
                    return fail(r, -ENOMEM, true, "out of memory");
                *d = g;
            }
        } else if (v < 2 || c.bad) {
            return bad_entry(r, "user", i, b, start, "unknown entry type");
        }
        if (c.bad)
            return bad_entry(r, "user", i, b, start, "fields run past the entry");
        if (tl)
            return bad_entry(r, "user", i, b, start, "string over 256 bytes");
        p = v >= 2 ? c.end : c.p;
    }
    return 0;
}

static int parse_mi(struct scap_reader *r, const uint8_t *b, size_t blen)
{
    if (blen < 180)
        return fail(r, -EINVAL, true, "body of %zu bytes, machine info needs 180", blen);
    struct scap_machine *m = &r->meta.mi;
    m->num_cpus = ld32(b);
    m->memory_bytes = ld64(b + 4);
    m->max_pid = ld64(b + 12);
    memcpy(m->hostname, b + 20, 128);
    m->hostname[128] = 0;
    m->boot_ts = ld64(b + 148);
    m->flags = ld64(b + 156);
    r->meta.has_mi = true;
    return 0;
}

/* The SHB is in buf; check it and start a fresh section. */
static int parse_shb(struct scap_reader *r)
{
    size_t blen = r->cur_total - 12;
    const uint8_t *b = r->buf + 4;
    if (blen < 16)
        return fail(r, -EINVAL, true, "section header body of %zu bytes, needs 16", blen);
    if (ld32(b + blen) != r->cur_total)
        return fail(r, -EINVAL, true, "trailer %u does not match the length %u", ld32(b + blen),
                    r->cur_total);
    uint16_t major = ld16(b + 4), minor = ld16(b + 6);
    if (major > 1)
        return fail(r, -ENOTSUP, true, "section version %u.%u, only major 1 is supported", major,
                    minor);
    meta_free(&r->meta);
    r->meta.major = major;
    r->meta.minor = minor;
    r->stats.sections++;
    return 0; /* pcapng options after the fixed fields are skipped */
}

static int pl_version(uint32_t t)
{
    switch (t) {
    case SCAP_BT_PL_V1:
    case 0x8000ABCD:
        return 1;
    case SCAP_BT_PL_V2:
    case 0x8013ABCD:
        return 2;
    case SCAP_BT_PL_V3:
    case 0x8014ABCD:
        return 3;
    case SCAP_BT_PL_V4:
        return 4;
    case SCAP_BT_PL_V5:
        return 5;
    case SCAP_BT_PL_V6:
        return 6;
    case SCAP_BT_PL_V7:
        return 7;
    case SCAP_BT_PL_V8:
        return 8;
    case SCAP_BT_PL_V9:
        return 9;
    default:
        return 0;
    }
}

/* One metadata block in buf: trailer check, then copy and parse. */
static int parse_meta_block(struct scap_reader *r)
{
    size_t blen = r->cur_total - 12;
    const uint8_t *body = r->buf + 4;
    if (ld32(body + blen) != r->cur_total)
        return fail(r, -EINVAL, true, "trailer %u does not match the length %u", ld32(body + blen),
                    r->cur_total);
    uint32_t t = r->cur_type;
    int plv = pl_version(t), kind; /* 1 MI, 2 PL, 3 FDL, 4 IL, 5 UL */
    int v = 1;
    if (t == SCAP_BT_MI || t == 0x8002ABCD)
        return parse_mi(r, body, blen);
    if (plv)
        kind = 2, v = plv;
    else if (t == SCAP_BT_FDL_V1 || t == 0x8001ABCD || t == SCAP_BT_FDL_V2)
        kind = 3, v = t == SCAP_BT_FDL_V2 ? 2 : 1;
    else if (t == SCAP_BT_IL_V1 || t == 0x8011ABCD || t == SCAP_BT_IL_V2)
        kind = 4, v = t == SCAP_BT_IL_V2 ? 2 : 1;
    else if (t == SCAP_BT_UL_V1 || t == 0x8012ABCD || t == SCAP_BT_UL_V2)
        kind = 5, v = t == SCAP_BT_UL_V2 ? 2 : 1;
    else {
        /* Unknown block type: skipped by its length, as libscap does. */
        r->stats.unknown_blocks++;
        return 0;
    }
    /* Strings point into the body, so it outlives the reused block buffer. */
    uint8_t *copy = malloc(blen ? blen : 1);
    uint8_t **slot = copy ? vec_push(&r->meta.blobs, sizeof(*slot)) : NULL;
    if (!slot) {
        free(copy);
        return fail(r, -ENOMEM, true, "out of memory");
    }
    memcpy(copy, body, blen);
    *slot = copy;
    switch (kind) {
    case 2:
        return parse_pl(r, copy, blen, v);
    case 3:
        return parse_fdl(r, copy, blen, v);
    case 4:
        return parse_il(r, copy, blen, v);
    default:
        return parse_ul(r, copy, blen, v);
    }
}

/* After an SHB: metadata blocks until the first event block, left pending. */
static int read_metadata(struct scap_reader *r)
{
    for (;;) {
        int rc = read_block(r);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return fail(r, -ENODATA, false, "end of file: no events in the section");
        bool fl;
        if (event_kind(r->cur_type, &fl) != EVK_NONE) {
            r->pending = true;
            return 0;
        }
        rc = parse_meta_block(r);
        if (rc < 0)
            return rc;
    }
}

static int read_section(struct scap_reader *r)
{
    int rc = read_block(r);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return fail(r, -ENODATA, false, "empty input, no section header");
    if (r->cur_type != SCAP_BT_SHB)
        return fail(r, -EINVAL, true,
                    "not a scap capture: the first block is not a section header");
    rc = parse_shb(r);
    return rc < 0 ? rc : read_metadata(r);
}

/* ---------------------------------------------------------------- events */

/* Decode the event block in buf. 1 = event, 0 = skipped, < 0 = error. */
static int decode_event(struct scap_reader *r, struct scap_event *ev)
{
    bool has_flags;
    int kind = event_kind(r->cur_type, &has_flags);
    uint8_t *b = r->buf + 4;
    size_t blen = r->cur_total - 12; /* without the trailer */
    size_t e = has_flags ? 6 : 2;    /* cpu [+ flags] */
    size_t hl = kind == EVK_V1 ? 22 : 26;
    if (blen < e + hl)
        return fail(r, -EINVAL, true, "body of %zu bytes is too short for an event header", blen);
    uint16_t cpu = ld16(b);
    uint32_t flags = has_flags ? ld32(b + 2) : 0;
    uint8_t *h = b + e;
    size_t space = blen - e;
    uint32_t len = ld32(h + 16);
    uint16_t type = ld16(h + 20);
    if (len < hl)
        return fail(r, -EINVAL, true, "event length %u is less than the %zu-byte header", len, hl);
    if (len > space)
        return fail(r, -EINVAL, true, "event length %u runs past its block (%zu bytes)", len,
                    space);
    if (type >= PPM_EVENT_MAX) {
        r->stats.skipped++;
        return 0;
    }
    uint32_t np;
    if (kind == EVK_V1) {
        /* No nparams: find the count whose lengths add up to len
         * (events.md §2); the solution is unique, try from the table's. */
        uint32_t tn = ev_nparams(type), found = UINT32_MAX;
        for (int pass = 0; pass < 2 && found == UINT32_MAX; pass++) {
            /* notification/infra events of old files have len 3 too large */
            uint32_t want = len - (pass ? 3u : 0u);
            if (pass && !(type == PPME_NOTIFICATION_E || type == PPME_INFRASTRUCTURE_EVENT_E))
                break;
            for (uint32_t n = tn + 1; n-- > 0;) {
                uint64_t sum = 22 + 2ull * n;
                if (sum > want)
                    continue;
                for (uint32_t i = 0; i < n; i++)
                    sum += ld16(h + 22 + 2 * i);
                if (sum == want) {
                    found = n;
                    len = want;
                    break;
                }
            }
        }
        if (found == UINT32_MAX)
            return fail(r, -EINVAL, true,
                        "event type %u: parameter lengths do not add up to the length %u with "
                        "at most %u parameters",
                        type, len, tn);
        /* Rewrite in place as a 26-byte header (the buffer has 4 slack
         * bytes in front): move ts/tid/len/type back, insert nparams. */
        uint8_t *nh = h - 4;
        memmove(nh, h, 22);
        h = nh;
        len += 4;
        memcpy(h + 16, &len, 4);
        memcpy(h + 22, &found, 4);
        np = found;
    } else {
        np = ld32(h + 22);
    }
    size_t L = (ev_flags(type) & EF_LARGE_PAYLOAD) && kind != EVK_V1 ? 4 : 2;
    if (26 + (uint64_t)L * np > len)
        return fail(r, -EINVAL, true,
                    "event type %u: %u parameters of %zu-byte lengths do not fit its length %u",
                    type, np, L, len);
    const uint8_t *lens = h + 26, *data = h + 26 + L * np;
    uint64_t room = len - 26 - L * np, pos = 0;
    for (uint32_t i = 0; i < np; i++) {
        uint32_t pl = L == 4 ? ld32(lens + 4 * i) : ld16(lens + 2 * i);
        if (pl > room - pos)
            return fail(r, -EINVAL, true,
                        "event type %u: parameter %u of length %u runs past the event end "
                        "(%llu bytes left)",
                        type, i, pl, (unsigned long long)(room - pos));
        if (i < SCAP_MAX_PARAMS) {
            ev->param[i] = data + pos;
            ev->len[i] = pl;
        }
        pos += pl;
    }
    ev->ts = ld64(h);
    ev->tid = ld64(h + 8);
    ev->cpu = cpu;
    ev->type = type;
    ev->flags = flags;
    ev->nparams_raw = np;
    ev->nparams = np < SCAP_MAX_PARAMS ? np : SCAP_MAX_PARAMS;
    for (uint32_t i = ev->nparams; i < SCAP_MAX_PARAMS; i++) {
        ev->param[i] = NULL;
        ev->len[i] = 0;
    }
    ev->block_type = r->cur_type;
    ev->section = r->stats.sections ? r->stats.sections - 1 : 0;
    ev->offset = r->cur_off;
    ev->hdr = h;
    ev->hdr_len = len;
    return 1;
}

int scap_next(struct scap_reader *r, struct scap_event *ev)
{
    if (!r)
        return -EINVAL;
    if (r->err)
        return r->err;
    for (;;) {
        if (!r->pending) {
            int rc = read_block(r);
            if (rc < 0)
                return rc;
            if (rc == 0)
                return 0;
        }
        r->pending = false;
        bool fl;
        if (event_kind(r->cur_type, &fl) == EVK_NONE) {
            if (r->cur_type != SCAP_BT_SHB)
                return fail(r, -EINVAL, true,
                            "unexpected non-event block after the first event block");
            /* A concatenated capture: a new section with its own metadata. */
            int rc = parse_shb(r);
            if (rc < 0 || (rc = read_metadata(r)) < 0)
                return rc;
            continue;
        }
        int rc = decode_event(r, ev);
        if (rc < 0)
            return rc;
        if (rc > 0) {
            r->stats.events++;
            return 1;
        }
    }
}

/* ---------------------------------------------------------------- open / close */

static struct scap_reader *open_common(struct scap_reader *r, int *err)
{
    int rc = 0;
    /* gzip is recognised by its magic, as gzopen's transparent mode does. */
    while (r->in_n < 2 && raw_fill(r))
        ;
    if (r->src_err) {
        rc = fail(r, r->src_err, false, "%s", r->src_msg);
    } else if (r->in_n >= 2 && r->in_p[0] == 0x1f && r->in_p[1] == 0x8b && !gz_try_whole(r)) {
        r->gz = true;
        r->zout = malloc(ZOUT_CAP);
        if (!r->zout || inflateInit2(&r->zs, 15 + 16) != Z_OK)
            rc = fail(r, -ENOMEM, false, "cannot initialise zlib");
        else
            r->zs_ok = true;
    }
    if (!rc)
        rc = read_section(r);
    *err = rc;
    return r;
}

struct scap_reader *scap_open_mem(const void *buf, size_t len, int *err)
{
    struct scap_reader *r = calloc(1, sizeof(*r));
    if (!r) {
        *err = -ENOMEM;
        return NULL;
    }
    r->fd = -1;
    r->mem = buf ? buf : (const void *)"";
    r->mem_len = buf ? len : 0;
    return open_common(r, err);
}

struct scap_reader *scap_open(const char *path, int *err)
{
    struct scap_reader *r = calloc(1, sizeof(*r));
    if (!r) {
        *err = -ENOMEM;
        return NULL;
    }
    r->in = malloc(IN_CAP);
    r->fd = r->in ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (r->fd < 0) {
        *err = r->in ? -errno : -ENOMEM;
        free(r->in);
        free(r);
        return NULL;
    }
    r->in_p = r->in;
    return open_common(r, err);
}

void scap_close(struct scap_reader *r)
{
    if (!r)
        return;
    if (r->zs_ok)
        inflateEnd(&r->zs);
    if (r->fd >= 0)
        close(r->fd);
    meta_free(&r->meta);
    free(r->in);
    free(r->zout);
    free(r->whole);
    free(r->buf);
    free(r);
}

/* ---------------------------------------------------------------- accessors */

const char *scap_error(const struct scap_reader *r)
{
    return r && r->err ? r->msg : "";
}

void scap_version(const struct scap_reader *r, uint16_t *major, uint16_t *minor)
{
    *major = r->meta.major;
    *minor = r->meta.minor;
}

const struct scap_machine *scap_machine(const struct scap_reader *r)
{
    return r->meta.has_mi ? &r->meta.mi : NULL;
}

const struct scap_thread *scap_threads(const struct scap_reader *r, size_t *n)
{
    *n = r->meta.threads.n;
    return r->meta.threads.p;
}

const struct scap_fd *scap_fds(const struct scap_reader *r, size_t *n)
{
    *n = r->meta.fds.n;
    return r->meta.fds.p;
}

const struct scap_user *scap_users(const struct scap_reader *r, size_t *n)
{
    *n = r->meta.users.n;
    return r->meta.users.p;
}

const struct scap_group *scap_groups(const struct scap_reader *r, size_t *n)
{
    *n = r->meta.groups.n;
    return r->meta.groups.p;
}

const struct scap_iface *scap_ifaces(const struct scap_reader *r, size_t *n)
{
    *n = r->meta.ifaces.n;
    return r->meta.ifaces.p;
}

void scap_get_stats(const struct scap_reader *r, struct scap_stats *st)
{
    *st = r->stats;
}
