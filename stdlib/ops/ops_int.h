/*
 * ops_int.h - helpers shared by the files of stdlib/ops, not part of the API.
 *
 * ASCII case tables, the 64-bit string hash behind every set, and the
 * substring search core used by contains/icontains, needles and glob.
 */
#ifndef FALCOC_OPS_INT_H
#define FALCOC_OPS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef unsigned char uchar;

/* ASCII-only case mapping; every byte outside A-Z / a-z maps to itself. */
extern const uchar ops_lower[256];
extern const uchar ops_upper[256];

static inline uint64_t ops_load64(const uchar *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline uint64_t ops_load32(const uchar *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Multiply to 128 bits and fold the halves: one step mixes every input bit
 * into every output bit, which is all a table hash needs. */
static inline uint64_t ops_fold_mul(uint64_t a, uint64_t b)
{
    unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

#define OPS_H1 0x9e3779b97f4a7c15ull
#define OPS_H2 0xd6e8feb86659fd93ull
#define OPS_H3 0xa0761d6478bd642full

/* Hash of n bytes. Short keys (paths components, process names) are read as
 * at most two overlapping words, so the common case is two multiplies. */
static inline uint64_t ops_hash(const void *data, size_t n, uint64_t seed)
{
    const uchar *p = data;
    uint64_t h = seed ^ ((uint64_t)n * OPS_H1);

    if (n > 8) {
        size_t i = 0;
        for (; i + 8 < n; i += 8)
            h = ops_fold_mul(h ^ ops_load64(p + i), OPS_H2);
        h = ops_fold_mul(h ^ ops_load64(p + n - 8), OPS_H3);
    } else if (n >= 4) {
        h = ops_fold_mul(h ^ ((ops_load32(p) << 32) | ops_load32(p + n - 4)), OPS_H2);
    } else if (n > 0) {
        uint64_t w = ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
        h = ops_fold_mul(h ^ w, OPS_H2);
    }
    return ops_fold_mul(h ^ OPS_H3, OPS_H1);
}

/* The two needle positions whose bytes the search filters on: the rarest
 * two by a static frequency table of paths and command lines (i1 == i2 when
 * the needle has one byte). */
struct ops_probe {
    uint32_t i1, i2;
};
void ops_probe(const uchar *needle, size_t nn, struct ops_probe *pr);

/* First occurrence of needle (nn >= 1) in h, or NULL; linear time at worst.
 * For ops_ifind the needle must be lowered already; kmp is an optional
 * failure table (ops_kmp_table) for the degenerate case, NULL meaning "build
 * one on the stack when the needle is short". */
const uchar *ops_find(const uchar *h, size_t n, const uchar *needle, size_t nn,
                      const struct ops_probe *pr);
const uchar *ops_ifind(const uchar *h, size_t n, const uchar *lneedle, size_t nn,
                       const struct ops_probe *pr, const uint32_t *kmp);

/* Knuth-Morris-Pratt failure table of a (lowered) needle: t[i] is the length
 * of the longest proper border of needle[0..i]. */
void ops_kmp_table(const uchar *needle, size_t nn, uint32_t *t);

/* op_regex_match() through its fallback engine only (pcre2_dfa_match), so
 * tests can check that path against the same references: 1 match, 0 no
 * match, -1 the engine gave up (workspace exhausted). */
struct op_regex;
int ops_regex_match_dfa(const struct op_regex *re, const char *s, size_t n);

#endif
