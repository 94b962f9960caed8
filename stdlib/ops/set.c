/*
 * set.c - constant sets for `in` and `intersects`: strings (exact bytes) and
 * 64-bit integers.
 *
 * Input: the converted constants of a list. Output: struct op_strset /
 * struct op_intset, each one heap block owned by the caller and released by
 * its free function.
 *
 * Strings: open addressing with linear probing, at most half full, each slot
 * holding the upper half of the item's hash so most misses are decided
 * without touching the item. Before hashing, a 64-bit mask of the member
 * lengths rejects values whose length no member has - most lookups of a
 * process name or path against a list end there.
 * Integers: a sorted array searched by bisection, which stays small and
 * cache-friendly for the list sizes rules use.
 */
#include <stdlib.h>

#include "ops.h"
#include "ops_int.h"

uint64_t op_hash(const void *p, size_t n, uint64_t seed)
{
    return ops_hash(p, n, seed);
}

struct ss_item {
    uint32_t off, len; /* bytes in pool */
    uint32_t count;    /* how many times the list gave it */
};

struct op_strset {
    uint64_t lenmask; /* bit min(len, 63) set for each member length */
    uint32_t mask;    /* slots - 1 */
    uint32_t nitems;
    uint64_t *slots; /* (hash >> 32) << 32 | (item index + 1); 0 = empty */
    struct ss_item *items;
    uchar *pool;
};

#define SS_SEED 0x5eedf00dull

static inline uint64_t len_bit(size_t n)
{
    return 1ull << (n < 63 ? n : 63);
}

static const struct ss_item *ss_find(const struct op_strset *set, const uchar *s, size_t n)
{
    if (!(set->lenmask & len_bit(n)))
        return NULL;
    uint64_t h = ops_hash(s, n, SS_SEED);
    uint32_t tag = (uint32_t)(h >> 32);
    for (size_t i = h & set->mask;; i = (i + 1) & set->mask) {
        uint64_t sl = set->slots[i];
        if (!sl)
            return NULL;
        if ((uint32_t)(sl >> 32) != tag)
            continue;
        const struct ss_item *it = &set->items[(uint32_t)sl - 1];
        if (it->len == n && memcmp(set->pool + it->off, s, n) == 0)
            return it;
    }
}

struct op_strset *op_strset_build(const char *const *items, const size_t *lens, size_t n)
{
    size_t nslots = 16, pool = 0;
    while (nslots < n * 2)
        nslots *= 2;
    for (size_t k = 0; k < n; k++)
        pool += lens[k];
    if (n > UINT32_MAX / 2 || pool > UINT32_MAX)
        return NULL;
    /* One block: header, slots, items, pool. */
    size_t size =
        sizeof(struct op_strset) + nslots * sizeof(uint64_t) + n * sizeof(struct ss_item) + pool;
    struct op_strset *set = calloc(1, size);
    if (!set)
        return NULL;
    set->slots = (uint64_t *)(set + 1);
    set->items = (struct ss_item *)(set->slots + nslots);
    set->pool = (uchar *)(set->items + n);
    set->mask = (uint32_t)(nslots - 1);
    size_t used = 0;
    for (size_t k = 0; k < n; k++) {
        const uchar *s = (const uchar *)items[k];
        size_t len = lens[k];
        struct ss_item *dup = (struct ss_item *)ss_find(set, s, len);
        if (dup) {
            dup->count++;
            continue;
        }
        uint64_t h = ops_hash(s, len, SS_SEED);
        size_t i = h & set->mask;
        while (set->slots[i])
            i = (i + 1) & set->mask;
        if (len)
            memcpy(set->pool + used, s, len);
        set->items[set->nitems] = (struct ss_item){(uint32_t)used, (uint32_t)len, 1};
        set->slots[i] = (h >> 32) << 32 | (uint64_t)(set->nitems + 1);
        set->nitems++;
        set->lenmask |= len_bit(len);
        used += len;
    }
    return set;
}

bool op_strset_has(const struct op_strset *set, const char *s, size_t n)
{
    return ss_find(set, (const uchar *)s, n) != NULL;
}

size_t op_strset_count(const struct op_strset *set, const char *s, size_t n)
{
    const struct ss_item *it = ss_find(set, (const uchar *)s, n);
    return it ? it->count : 0;
}

size_t op_strset_size(const struct op_strset *set)
{
    return set->nitems;
}

void op_strset_free(struct op_strset *set)
{
    free(set);
}

bool op_strset_all(const struct op_strset *set, const char *const *vals, const size_t *lens,
                   size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!op_strset_has(set, vals[k], lens[k]))
            return false;
    return true;
}

bool op_strset_any(const struct op_strset *set, const char *const *vals, const size_t *lens,
                   size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (op_strset_has(set, vals[k], lens[k]))
            return true;
    return false;
}

struct op_intset {
    size_t n;
    uint64_t v[]; /* sorted, distinct */
};

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

struct op_intset *op_intset_build(const uint64_t *vals, size_t n)
{
    struct op_intset *set = malloc(sizeof *set + n * sizeof(uint64_t));
    if (!set)
        return NULL;
    if (n)
        memcpy(set->v, vals, n * sizeof(uint64_t));
    qsort(set->v, n, sizeof(uint64_t), cmp_u64);
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (m == 0 || set->v[m - 1] != set->v[k])
            set->v[m++] = set->v[k];
    set->n = m;
    return set;
}

bool op_intset_has(const struct op_intset *set, uint64_t v)
{
    /* Bisection without early exit: the loop count depends only on n, so the
     * branches predict well and the compiler emits conditional moves. */
    const uint64_t *base = set->v;
    size_t len = set->n;
    if (!len)
        return false;
    while (len > 1) {
        size_t half = len / 2;
        base = base[half] <= v ? base + half : base;
        len -= half;
    }
    return *base == v;
}

void op_intset_free(struct op_intset *set)
{
    free(set);
}

bool op_intset_all(const struct op_intset *set, const uint64_t *vals, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!op_intset_has(set, vals[k]))
            return false;
    return true;
}

bool op_intset_any(const struct op_intset *set, const uint64_t *vals, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (op_intset_has(set, vals[k]))
            return true;
    return false;
}
