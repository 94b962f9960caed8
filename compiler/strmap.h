/*
 * strmap.h - string → pointer hash map for name lookups (lists, macros,
 * rules). Open addressing, power-of-two table, FNV-1a. Keys are not copied:
 * they must live as long as the map (they are arena strings). Storage comes
 * from the arena passed to strmap_put; nothing is freed one by one.
 */
#ifndef FALCOC_STRMAP_H
#define FALCOC_STRMAP_H

#include <stddef.h>

#include "arena.h"

struct strmap_slot;

struct strmap {
    struct strmap_slot *slots;
    size_t cap, n;
};

/* The value stored under key, or NULL. */
void *strmap_get(const struct strmap *m, const char *key, size_t len);
/* Sets key → val (replacing any previous value). */
void strmap_put(struct strmap *m, struct arena *a, const char *key, size_t len, void *val);

#endif
