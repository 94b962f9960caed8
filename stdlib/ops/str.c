/*
 * str.c - byte comparisons and substring search: op_cmp, contains,
 * icontains, prepared needles, hex decoding for bcontains/bstartswith.
 *
 * Input: byte strings as (pointer, length). Output: booleans / lengths.
 * Ownership: op_needle_new() returns one heap block (needle copy, KMP table)
 * freed by op_needle_free(); nothing else allocates.
 *
 * The search scans with memchr (vectorised in libc) for the needle's rarest
 * byte and verifies candidates with memcmp. That is fast on real paths and
 * command lines but quadratic on adversarial input ("aaaa...b"), so the
 * verification work is metered and, once it exceeds a linear budget, the
 * search hands over to a linear algorithm: memmem (two-way) for exact
 * search, Knuth-Morris-Pratt for case-insensitive search.
 */
#include <errno.h>
#include <stdlib.h>

#include "ops.h"
#include "ops_int.h"

#define UP(c) ((c) >= 'a' && (c) <= 'z' ? (c) - 32 : (c))
#define LO(c) ((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c))
#define ROW(b)                                                                                     \
    X(b + 0), X(b + 1), X(b + 2), X(b + 3), X(b + 4), X(b + 5), X(b + 6), X(b + 7), X(b + 8),      \
        X(b + 9), X(b + 10), X(b + 11), X(b + 12), X(b + 13), X(b + 14), X(b + 15)
#define TABLE ROW(0), ROW(16), ROW(32), ROW(48), ROW(64), ROW(80), ROW(96), ROW(112), ROW(128),   \
              ROW(144), ROW(160), ROW(176), ROW(192), ROW(208), ROW(224), ROW(240)

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

/* How common a byte is in paths and command lines, 255 = everywhere. The
 * scan looks for the needle byte with the lowest rank. Letters rank as
 * their lower case (icase scans both cases at once). */
static uchar byte_rank(uchar c)
{
    static const uchar letters[26] = {
        230, 150, 190, 170, 250, 140, 140, 160, 220, 60,  110, 200, 165, /* a..m */
        215, 220, 170, 50,  215, 225, 230, 180, 100, 110, 90,  120, 60,  /* n..z */
    };
    c = ops_lower[c];
    if (c >= 'a' && c <= 'z')
        return letters[c - 'a'];
    if (c >= '0' && c <= '9')
        return 100;
    switch (c) {
    case '/':
        return 255;
    case ' ':
        return 240;
    case '-':
    case '.':
        return 200;
    case '_':
        return 150;
    case '=':
        return 120;
    case ':':
        return 110;
    case ',':
        return 90;
    default:
        return c < 0x20 || c >= 0x7f ? 10 : 50;
    }
}

size_t ops_rare_offset(const uchar *needle, size_t nn, bool icase)
{
    (void)icase; /* ranks are case-blind already */
    size_t best = 0;
    uchar best_rank = 255;
    for (size_t i = 0; i < nn; i++) {
        uchar r = byte_rank(needle[i]);
        if (r < best_rank) {
            best_rank = r;
            best = i;
        }
    }
    return best;
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

/* Verification may cost this many byte compares beyond 4 per scanned byte
 * before the search switches to the linear fallback. */
#define SLACK 512

const uchar *ops_find(const uchar *h, size_t n, const uchar *needle, size_t nn, size_t rare)
{
    if (nn > n)
        return NULL;
    if (nn == 1)
        return memchr(h, needle[0], n);
    const uchar want = needle[rare];
    const uchar *p = h + rare;
    const uchar *last = h + (n - nn) + rare; /* last position the rare byte may take */
    size_t spent = 0;
    while (p <= last) {
        p = memchr(p, want, (size_t)(last - p) + 1);
        if (!p)
            return NULL;
        const uchar *cand = p - rare;
        if (cand[0] == needle[0] && memcmp(cand, needle, nn) == 0)
            return cand;
        spent += nn;
        if (spent > 4 * (size_t)(p - h) + SLACK)
            return memmem(cand + 1, (size_t)(h + n - (cand + 1)), needle, nn);
        p++;
    }
    return NULL;
}

/* First p in [p, end) with (c | 0x20) == lc, for a lower-case letter lc: the
 * two cases of an ASCII letter differ only in bit 0x20. Eight bytes at a time
 * with the usual "has a zero byte" trick on (word | 0x20..) ^ lc... */
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

static bool ieq(const uchar *a, const uchar *lb, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ops_lower[a[i]] != lb[i])
            return false;
    return true;
}

#define KMP_STACK 512

const uchar *ops_ifind(const uchar *h, size_t n, const uchar *lneedle, size_t nn, size_t rare,
                       const uint32_t *kmp)
{
    if (nn > n)
        return NULL;
    const uchar want = lneedle[rare];
    const bool letter = want >= 'a' && want <= 'z';
    const uchar *p = h + rare;
    const uchar *end = h + (n - nn) + rare + 1;
    size_t spent = 0;
    while (p < end) {
        p = letter ? scan_letter(p, end, want) : memchr(p, want, (size_t)(end - p));
        if (!p)
            return NULL;
        const uchar *cand = p - rare;
        if (ieq(cand, lneedle, nn))
            return cand;
        spent += nn;
        if (spent > 4 * (size_t)(p - h) + SLACK) {
            const uchar *from = cand + 1;
            size_t left = (size_t)(h + n - from);
            if (kmp)
                return kmp_ifind(from, left, lneedle, nn, kmp);
            if (nn <= KMP_STACK) {
                uint32_t t[KMP_STACK];
                ops_kmp_table(lneedle, nn, t);
                return kmp_ifind(from, left, lneedle, nn, t);
            }
            /* Needles this long do not occur in rules; stay with the scan. */
            spent = 0;
        }
        p++;
    }
    return NULL;
}

bool op_contains(const char *s, size_t n, const char *needle, size_t nn)
{
    if (nn == 0)
        return true;
    const uchar *nd = (const uchar *)needle;
    return ops_find((const uchar *)s, n, nd, nn, ops_rare_offset(nd, nn, false)) != NULL;
}

bool op_icontains(const char *s, size_t n, const char *needle, size_t nn)
{
    if (nn == 0)
        return true;
    if (nn > n)
        return false;
    /* Lower the needle on the stack when it is short. Longer needles (only
     * field-to-field checks can produce them) take a plain loop that folds
     * both sides: no allocation on the match path, O(n * nn) at worst. */
    uchar buf[256];
    if (nn <= sizeof buf) {
        for (size_t i = 0; i < nn; i++)
            buf[i] = ops_lower[(uchar)needle[i]];
        return ops_ifind((const uchar *)s, n, buf, nn, ops_rare_offset(buf, nn, true), NULL) !=
               NULL;
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
    size_t rare;
    bool icase;
    uint32_t *kmp;  /* icase only: the linear fallback's table */
    uchar bytes[];  /* the needle, lowered when icase */
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
    for (size_t i = 0; i < nn; i++)
        nd->bytes[i] = icase ? ops_lower[(uchar)needle[i]] : (uchar)needle[i];
    nd->rare = nn ? ops_rare_offset(nd->bytes, nn, icase) : 0;
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
    const uchar *h = (const uchar *)s;
    if (nd->icase)
        return ops_ifind(h, n, nd->bytes, nd->len, nd->rare, nd->kmp) != NULL;
    return ops_find(h, n, nd->bytes, nd->len, nd->rare) != NULL;
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
