/*
 * str.c - byte comparisons and substring search: op_cmp, contains,
 * icontains, prepared needles, hex decoding for bcontains/bstartswith.
 *
 * Input: byte strings as (pointer, length). Output: booleans / lengths.
 * Ownership: op_needle_new() returns one heap block (needle copy, KMP table)
 * freed by op_needle_free(); nothing else allocates.
 *
 * The search filters candidate positions on the needle's two rarest bytes
 * (by a static frequency table of paths and command lines) - 32 positions
 * per AVX2 step when the CPU has it, 16 per SSE2 step, memchr on the first
 * byte otherwise - and verifies the survivors whole. That is fast on real
 * paths and command lines but quadratic on adversarial input ("aaaa...b"),
 * so the verification work is metered and, once it exceeds a linear budget,
 * the search hands over to a linear algorithm: memmem (two-way) for exact
 * search, Knuth-Morris-Pratt for case-insensitive search.
 */
#include <errno.h>
#include <stdlib.h>

#include "ops.h"
#include "ops_int.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#define UP(c) ((c) >= 'a' && (c) <= 'z' ? (c)-32 : (c))
#define LO(c) ((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c))
#define ROW(b)                                                                                     \
    X(b + 0), X(b + 1), X(b + 2), X(b + 3), X(b + 4), X(b + 5), X(b + 6), X(b + 7), X(b + 8),      \
        X(b + 9), X(b + 10), X(b + 11), X(b + 12), X(b + 13), X(b + 14), X(b + 15)
#define TABLE                                                                                      \
    ROW(0), ROW(16), ROW(32), ROW(48), ROW(64), ROW(80), ROW(96), ROW(112), ROW(128), ROW(144),    \
        ROW(160), ROW(176), ROW(192), ROW(208), ROW(224), ROW(240)

#define X(c) (uchar)(LO(c))
const uchar ops_lower[256] = {TABLE};
#undef X
#define X(c) (uchar)(UP(c))
const uchar ops_upper[256] = {TABLE};
#undef X

int op_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t m = an < bn ? an : bn;
    int r = m ? memcmp(a, b, m) : 0;
    if (r)
        return r;
    return an < bn ? -1 : an > bn ? 1 : 0;
}

/* How common a byte is in paths and command lines, 255 = everywhere: a
 * letter by its English/path frequency (both cases alike, so icase scans
 * rank the same), digits 100, '/' 255, ' ' 240, '-' and '.' 200, '_' 150,
 * '=' 120, ':' 110, ',' 90, other printable ASCII 50, control and non-ASCII
 * bytes 10. The search probes the needle's two lowest-ranked bytes. */
/* clang-format off */
static const uchar byte_rank[256] = {
     10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,
     10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,
    240,  50,  50,  50,  50,  50,  50,  50,  50,  50,  50,  50,  90, 200, 200, 255,
    100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 110,  50,  50, 120,  50,  50,
     50, 230, 150, 190, 170, 250, 140, 140, 160, 220,  60, 110, 200, 165, 215, 220,
    170,  50, 215, 225, 230, 180, 100, 110,  90, 120,  60,  50,  50,  50,  50, 150,
     50, 230, 150, 190, 170, 250, 140, 140, 160, 220,  60, 110, 200, 165, 215, 220,
    170,  50, 215, 225, 230, 180, 100, 110,  90, 120,  60,  50,  50,  50,  50,  10,
     10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,
     10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,
     10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,
     10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,
     10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,
     10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,
     10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,
     10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,  10,
};
/* clang-format on */

void ops_probe(const uchar *needle, size_t nn, struct ops_probe *pr)
{
    size_t a = 0, b = nn > 1 ? 1 : 0;
    if (nn > 1 && byte_rank[needle[b]] < byte_rank[needle[a]])
        a = 1, b = 0;
    for (size_t i = 2; i < nn; i++) {
        uchar r = byte_rank[needle[i]];
        if (r < byte_rank[needle[a]])
            b = a, a = i;
        else if (r <= byte_rank[needle[b]])
            b = i; /* ties go to the later byte: farther apart, less correlated */
    }
    pr->i1 = (uint32_t)a;
    pr->i2 = (uint32_t)b;
}

void ops_kmp_table(const uchar *needle, size_t nn, uint32_t *t)
{
    uint32_t k = 0;
    t[0] = 0;
    for (size_t i = 1; i < nn; i++) {
        while (k > 0 && needle[i] != needle[k])
            k = t[k - 1];
        if (needle[i] == needle[k])
            k++;
        t[i] = k;
    }
}

/* Linear scan of h with a failure table, on lowered bytes. */
static const uchar *kmp_ifind(const uchar *h, size_t n, const uchar *lneedle, size_t nn,
                              const uint32_t *t)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uchar c = ops_lower[h[i]];
        while (k > 0 && c != lneedle[k])
            k = t[k - 1];
        if (c == lneedle[k] && ++k == nn)
            return h + i + 1 - nn;
    }
    return NULL;
}

/* First p in [p, end) with (c | 0x20) == lc, for a lower-case letter lc: the
 * two cases of an ASCII letter differ only in bit 0x20. Eight bytes at a time
 * with the classic "word has a zero byte" test on (word | 0x20..) ^ lc... */
static const uchar *scan_letter(const uchar *p, const uchar *end, uchar lc)
{
    const uint64_t ones = 0x0101010101010101ull;
    const uint64_t highs = 0x8080808080808080ull;
    const uint64_t pat = ones * lc;
    const uint64_t bit5 = ones * 0x20;
    while (end - p >= 8) {
        uint64_t x = (ops_load64(p) | bit5) ^ pat;
        uint64_t z = (x - ones) & ~x & highs;
        if (z) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            /* Borrows only run towards higher bytes, so the lowest flag is exact. */
            return p + (__builtin_ctzll(z) >> 3);
#else
            break; /* finish byte by byte */
#endif
        }
        p += 8;
    }
    for (; p < end; p++)
        if ((*p | 0x20) == lc)
            return p;
    return NULL;
}

static inline bool is_lower_letter(uchar c)
{
    return c >= 'a' && c <= 'z';
}

/* Next position in [p, end) holding byte c (either case of c when icase and
 * c is a letter: the needle is lowered then). */
static inline const uchar *scan_byte(const uchar *p, const uchar *end, uchar c, bool icase)
{
    if (icase && is_lower_letter(c))
        return scan_letter(p, end, c);
    return memchr(p, c, (size_t)(end - p));
}

static inline bool probe_ok(uchar h, uchar c, bool icase)
{
    return (icase ? ops_lower[h] : h) == c;
}

static bool ieq(const uchar *a, const uchar *lb, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ops_lower[a[i]] != lb[i])
            return false;
    return true;
}

static inline bool window_eq(const uchar *w, const uchar *needle, size_t nn, bool icase)
{
    return icase ? ieq(w, needle, nn) : memcmp(w, needle, nn) == 0;
}

/* Verification may cost this many byte compares beyond 4 per scanned byte
 * before the search switches to the linear fallback. */
#define SLACK 512
#define KMP_STACK 1024

/* The linear-time finish from h + from on. */
static const uchar *fallback(const uchar *h, size_t n, size_t from, const uchar *needle, size_t nn,
                             bool icase, const uint32_t *kmp)
{
    if (!icase)
        return memmem(h + from, n - from, needle, nn);
    if (kmp)
        return kmp_ifind(h + from, n - from, needle, nn, kmp);
    if (nn <= KMP_STACK) {
        uint32_t t[KMP_STACK];
        ops_kmp_table(needle, nn, t);
        return kmp_ifind(h + from, n - from, needle, nn, t);
    }
    /* Needles this long never come from rules; finish with plain windows. */
    for (size_t p = from; p + nn <= n; p++)
        if (ieq(h + p, needle, nn))
            return h + p;
    return NULL;
}

/* State of one search shared by the filter kernels below: the next
 * candidate position to look at and the verification work spent so far. */
struct scan {
    size_t p, spent;
    const uchar *hit;
};

enum { SCAN_MORE, SCAN_FOUND, SCAN_NONE, SCAN_SLOW };

/* Verify candidate k (both probes matched); decide what the kernel does next. */
static inline int check(const uchar *h, size_t last, const uchar *needle, size_t nn, bool icase,
                        size_t k, struct scan *st)
{
    if (k > last)
        return SCAN_NONE;
    if (window_eq(h + k, needle, nn, icase)) {
        st->hit = h + k;
        return SCAN_FOUND;
    }
    st->spent += nn;
    if (st->spent > 4 * k + SLACK) {
        st->p = k + 1;
        return SCAN_SLOW;
    }
    return SCAN_MORE;
}

/* A vector kernel: W candidate positions per step; the caller guarantees
 * n >= W + max(i1, i2). The last step is moved back to end exactly at the
 * end of the subject, re-reading some positions already seen (their bits are
 * masked off), so no scalar tail is needed. For icase, OR-ing 0x20 folds
 * both cases of a letter onto the lowered needle byte. */
#define VECTOR_KERNEL(W, VEC, SET1, LOAD, OR, CMPEQ, AND, MOVEMASK)                                \
    const uchar c1 = needle[i1], c2 = needle[i2];                                                  \
    const size_t far = i1 > i2 ? i1 : i2, last = n - nn, stop = n - (W)-far;                       \
    const VEC b1 = SET1((char)c1), b2 = SET1((char)c2);                                            \
    const VEC o1 = SET1(icase && is_lower_letter(c1) ? 0x20 : 0);                                  \
    const VEC o2 = SET1(icase && is_lower_letter(c2) ? 0x20 : 0);                                  \
    size_t p = st->p;                                                                              \
    while (p <= last) {                                                                            \
        size_t at = p <= stop ? p : stop;                                                          \
        VEC v1 = OR(LOAD((const VEC *)(h + at + i1)), o1);                                         \
        VEC v2 = OR(LOAD((const VEC *)(h + at + i2)), o2);                                         \
        uint32_t mask = (uint32_t)MOVEMASK(AND(CMPEQ(v1, b1), CMPEQ(v2, b2)));                     \
        mask &= ~0u << (p - at); /* positions before p were seen already */                        \
        for (; mask; mask &= mask - 1) {                                                           \
            int r = check(h, last, needle, nn, icase, at + (size_t)__builtin_ctz(mask), st);       \
            if (r != SCAN_MORE)                                                                    \
                return r;                                                                          \
        }                                                                                          \
        p = at + (W);                                                                              \
    }                                                                                              \
    return SCAN_NONE

#ifdef __SSE2__
static int scan_sse2(const uchar *h, size_t n, const uchar *needle, size_t nn, size_t i1, size_t i2,
                     bool icase, struct scan *st)
{
    VECTOR_KERNEL(16, __m128i, _mm_set1_epi8, _mm_loadu_si128, _mm_or_si128, _mm_cmpeq_epi8,
                  _mm_and_si128, _mm_movemask_epi8);
}
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_AVX2_KERNEL 1
__attribute__((target("avx2"))) static int scan_avx2(const uchar *h, size_t n, const uchar *needle,
                                                     size_t nn, size_t i1, size_t i2, bool icase,
                                                     struct scan *st)
{
    VECTOR_KERNEL(32, __m256i, _mm256_set1_epi8, _mm256_loadu_si256, _mm256_or_si256,
                  _mm256_cmpeq_epi8, _mm256_and_si256, _mm256_movemask_epi8);
}
#endif

/* Scalar kernel: memchr (vectorised in libc) for the first probe. */
static int scan_bytes(const uchar *h, size_t n, const uchar *needle, size_t nn, size_t i1,
                      size_t i2, bool icase, struct scan *st)
{
    const size_t last = n - nn;
    const uchar c1 = needle[i1], c2 = needle[i2];
    while (st->p <= last) {
        const uchar *q = scan_byte(h + st->p + i1, h + last + i1 + 1, c1, icase);
        if (!q)
            return SCAN_NONE;
        size_t k = (size_t)(q - h) - i1;
        if (probe_ok(h[k + i2], c2, icase)) {
            int r = check(h, last, needle, nn, icase, k, st);
            if (r != SCAN_MORE)
                return r;
        }
        st->p = k + 1;
    }
    return SCAN_NONE;
}

/* Candidates are the positions where both probe bytes match; each is then
 * verified whole. The widest vector kernel the CPU has and the subject fits
 * filters 32 or 16 positions per step; short subjects go to the scalar one. */
static inline __attribute__((always_inline)) const uchar *search(const uchar *h, size_t n,
                                                                 const uchar *needle, size_t nn,
                                                                 const struct ops_probe *pr,
                                                                 bool icase, const uint32_t *kmp)
{
    if (nn > n)
        return NULL;
    if (nn == 1)
        return scan_byte(h, h + n, needle[0], icase);
    struct scan st = {0, 0, NULL};
    const size_t far = pr->i1 > pr->i2 ? pr->i1 : pr->i2;
    int r = SCAN_MORE; /* the kernels answer FOUND, NONE or SLOW */
#ifdef HAVE_AVX2_KERNEL
    if (n >= 32 + far && __builtin_cpu_supports("avx2"))
        r = scan_avx2(h, n, needle, nn, pr->i1, pr->i2, icase, &st);
#endif
#ifdef __SSE2__
    if (r == SCAN_MORE && n >= 16 + far)
        r = scan_sse2(h, n, needle, nn, pr->i1, pr->i2, icase, &st);
#endif
    if (r == SCAN_MORE)
        r = scan_bytes(h, n, needle, nn, pr->i1, pr->i2, icase, &st);
    if (r == SCAN_FOUND)
        return st.hit;
    if (r == SCAN_SLOW)
        return fallback(h, n, st.p, needle, nn, icase, kmp);
    return NULL;
}

const uchar *ops_find(const uchar *h, size_t n, const uchar *needle, size_t nn,
                      const struct ops_probe *pr)
{
    return search(h, n, needle, nn, pr, false, NULL);
}

const uchar *ops_ifind(const uchar *h, size_t n, const uchar *lneedle, size_t nn,
                       const struct ops_probe *pr, const uint32_t *kmp)
{
    return search(h, n, lneedle, nn, pr, true, kmp);
}

bool op_contains(const char *s, size_t n, const char *needle, size_t nn)
{
    if (nn == 0)
        return true;
    if (nn > n)
        return false;
    const uchar *nd = (const uchar *)needle;
    struct ops_probe pr;
    ops_probe(nd, nn, &pr);
    return search((const uchar *)s, n, nd, nn, &pr, false, NULL) != NULL;
}

bool op_icontains(const char *s, size_t n, const char *needle, size_t nn)
{
    if (nn == 0)
        return true;
    if (nn > n)
        return false;
    /* Lower the needle on the stack unless it is huge. Longer needles (only
     * field-to-field checks can produce them) take a plain loop that folds
     * both sides: no allocation on the match path, O(n * nn) at worst. */
    uchar buf[KMP_STACK];
    if (nn <= sizeof buf) {
        for (size_t i = 0; i < nn; i++)
            buf[i] = ops_lower[(uchar)needle[i]];
        struct ops_probe pr;
        ops_probe(buf, nn, &pr);
        return search((const uchar *)s, n, buf, nn, &pr, true, NULL) != NULL;
    }
    const uchar *h = (const uchar *)s;
    const uchar *nd = (const uchar *)needle;
    for (size_t i = 0; i + nn <= n; i++) {
        size_t k = 0;
        while (k < nn && ops_lower[h[i + k]] == ops_lower[nd[k]])
            k++;
        if (k == nn)
            return true;
    }
    return false;
}

struct op_needle {
    size_t len;
    struct ops_probe probe;
    bool icase;
    uint32_t *kmp; /* icase only: the linear fallback's table */
    uchar bytes[]; /* the needle, lowered when icase */
};

struct op_needle *op_needle_new(const char *needle, size_t nn, bool icase)
{
    size_t kmp_off = (sizeof(struct op_needle) + nn + 7) & ~(size_t)7;
    size_t size = kmp_off + (icase ? nn * sizeof(uint32_t) : 0);
    struct op_needle *nd = malloc(size);
    if (!nd)
        return NULL;
    nd->len = nn;
    nd->icase = icase;
    nd->kmp = NULL;
    nd->probe = (struct ops_probe){0, 0};
    for (size_t i = 0; i < nn; i++)
        nd->bytes[i] = icase ? ops_lower[(uchar)needle[i]] : (uchar)needle[i];
    if (nn)
        ops_probe(nd->bytes, nn, &nd->probe);
    if (icase && nn) {
        nd->kmp = (uint32_t *)((char *)nd + kmp_off);
        ops_kmp_table(nd->bytes, nn, nd->kmp);
    }
    return nd;
}

bool op_needle_find(const struct op_needle *nd, const char *s, size_t n)
{
    if (nd->len == 0)
        return true;
    if (nd->len > n)
        return false;
    const uchar *h = (const uchar *)s;
    if (nd->icase)
        return search(h, n, nd->bytes, nd->len, &nd->probe, true, nd->kmp) != NULL;
    return search(h, n, nd->bytes, nd->len, &nd->probe, false, NULL) != NULL;
}

void op_needle_free(struct op_needle *nd)
{
    free(nd);
}

static int hexval(uchar c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = ops_lower[c];
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

ssize_t op_hex_decode(const char *hex, size_t n, unsigned char *out, size_t outsz)
{
    if (n % 2)
        return -EINVAL;
    for (size_t i = 0; i < n; i++)
        if (hexval((uchar)hex[i]) < 0)
            return -EINVAL;
    if (outsz < n / 2)
        return -ENOSPC;
    for (size_t i = 0; i < n; i += 2)
        out[i / 2] = (unsigned char)(hexval((uchar)hex[i]) << 4 | hexval((uchar)hex[i + 1]));
    return (ssize_t)(n / 2);
}
