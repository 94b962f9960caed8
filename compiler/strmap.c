/*
 * strmap.c - see strmap.h.
 */
#include "strmap.h"

#include <stdint.h>
#include <string.h>

struct strmap_slot {
    const char *key; /* NULL: empty */
    size_t len;
    uint64_t hash;
    void *val;
};

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static struct strmap_slot *find(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct strmap_slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && s->len == len && !memcmp(s->key, key, len)))
            return s;
    }
}

void *strmap_get(const struct strmap *m, const char *key, size_t len)
{
    if (!m->cap)
        return NULL;
    struct strmap_slot *s = find(m, key, len, hash(key, len));
    return s->key ? s->val : NULL;
}

void strmap_put(struct strmap *m, struct arena *a, const char *key, size_t len, void *val)
{
    if ((m->n + 1) * 2 > m->cap) { /* keep the load under one half */
        struct strmap old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->slots = arena_alloc(a, m->cap * sizeof(*m->slots));
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.slots[i].key)
                *find(m, old.slots[i].key, old.slots[i].len, old.slots[i].hash) = old.slots[i],
                                                             m->n++;
    }
    uint64_t h = hash(key, len);
    struct strmap_slot *s = find(m, key, len, h);
    if (!s->key)
        m->n++;
    *s = (struct strmap_slot){key, len, h, val};
}
