/*
 * pmatch.c - path-prefix sets: a trie over '/'-separated components.
 *
 * Input: the constant list of a `pmatch (...)` check; then paths.
 * Output: struct op_pmatch, owned by the caller and released with
 * op_pmatch_free() (which also frees the glob programs it holds).
 *
 * Every trie node is one entry prefix. Literal edges live in a single hash
 * table keyed by (parent node, component bytes), so following a component
 * costs one hash and usually one probe; glob edges (components holding '*',
 * '?' or '[') are kept per node as compiled op_glob programs. A node where
 * some entry ends is terminal: reaching it means the entry's components are
 * a prefix of the value's, so the search stops with a match.
 *
 * A search only backtracks at nodes that have glob edges: the literal child
 * is tried first, then each matching glob child in turn. A trie node sits at
 * a fixed depth and is only ever compared with the value component at that
 * depth, so each node is visited at most once and the total work is bounded
 * by the trie size, whatever the value.
 */
#include <stdlib.h>

#include "ops.h"
#include "ops_int.h"

struct pm_node {
    uint32_t glob_first; /* glob edges of this node: gedges[glob_first .. +glob_count) */
    uint32_t glob_count;
    uint32_t terminal;
};

struct pm_edge {
    uint32_t parent, child;
    uint32_t off, len; /* component bytes in pool */
};

struct pm_gedge {
    struct op_glob *glob;
    uint32_t child;
    uint32_t off, len; /* pattern text in pool (for sharing equal globs) */
    uint32_t next;     /* build time: next glob edge of the same parent, or 0 */
};

struct op_pmatch {
    uint32_t nnodes, nedges, ngedges;
    uint32_t mask; /* slots - 1 */
    struct pm_node *nodes;
    struct pm_edge *edges;
    uint64_t *slots; /* (hash >> 32) << 32 | (edge index + 1); 0 = empty */
    struct pm_gedge *gedges;
    uchar *pool;
};

static uint64_t edge_hash(uint32_t parent, const uchar *s, size_t n)
{
    return ops_hash(s, n, (uint64_t)parent * OPS_H3);
}

/* Child of `node` through the literal component s, or 0 (the root is never
 * a child). */
static uint32_t lit_child(const struct op_pmatch *pm, uint32_t node, const uchar *s, size_t n)
{
    if (!pm->nedges)
        return 0;
    uint64_t h = edge_hash(node, s, n);
    uint32_t tag = (uint32_t)(h >> 32);
    for (size_t i = h & pm->mask;; i = (i + 1) & pm->mask) {
        uint64_t sl = pm->slots[i];
        if (!sl)
            return 0;
        if ((uint32_t)(sl >> 32) != tag)
            continue;
        const struct pm_edge *e = &pm->edges[(uint32_t)sl - 1];
        if (e->parent == node && e->len == n && memcmp(pm->pool + e->off, s, n) == 0)
            return e->child;
    }
}

/* ---------------------------------------------------------------------- */
/* Build                                                                   */
/* ---------------------------------------------------------------------- */

struct builder {
    struct op_pmatch *pm;
    uint32_t cap_nodes, cap_heads, cap_edges, cap_gedges;
    size_t pool_len, pool_cap;
    uint32_t *glob_head; /* per node: first glob edge + 1 (build-time list) */
    bool oom;
};

static void *grow(void *p, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    uint32_t c = *cap ? *cap : 8;
    while (c < need)
        c *= 2;
    void *q = realloc(p, (size_t)c * elem);
    if (q)
        *cap = c;
    return q;
}

static bool pool_add(struct builder *b, const uchar *s, size_t n, uint32_t *off)
{
    if (b->pool_len + n > b->pool_cap) {
        size_t c = b->pool_cap ? b->pool_cap : 256;
        while (c < b->pool_len + n)
            c *= 2;
        uchar *q = realloc(b->pm->pool, c);
        if (!q)
            return false;
        b->pm->pool = q;
        b->pool_cap = c;
    }
    if (n)
        memcpy(b->pm->pool + b->pool_len, s, n);
    *off = (uint32_t)b->pool_len;
    b->pool_len += n;
    return true;
}

static uint32_t new_node(struct builder *b)
{
    struct op_pmatch *pm = b->pm;
    struct pm_node *nodes = grow(pm->nodes, &b->cap_nodes, pm->nnodes + 1, sizeof *nodes);
    if (!nodes)
        return b->oom = true, 0;
    pm->nodes = nodes;
    uint32_t *heads = grow(b->glob_head, &b->cap_heads, pm->nnodes + 1, sizeof *heads);
    if (!heads)
        return b->oom = true, 0;
    b->glob_head = heads;
    pm->nodes[pm->nnodes] = (struct pm_node){0, 0, 0};
    b->glob_head[pm->nnodes] = 0;
    return pm->nnodes++;
}

/* Put edge index e into the slot table (sized by rehash()). */
static void slot_put(struct op_pmatch *pm, uint32_t e)
{
    const struct pm_edge *ed = &pm->edges[e];
    uint64_t h = edge_hash(ed->parent, pm->pool + ed->off, ed->len);
    size_t i = h & pm->mask;
    while (pm->slots[i])
        i = (i + 1) & pm->mask;
    pm->slots[i] = (h >> 32) << 32 | (uint64_t)(e + 1);
}

/* Keep the table at most half full. */
static bool rehash(struct op_pmatch *pm, uint32_t nedges)
{
    size_t want = 16;
    while (want < (size_t)nedges * 2)
        want *= 2;
    if (pm->slots && want <= (size_t)pm->mask + 1)
        return true;
    uint64_t *slots = calloc(want, sizeof *slots);
    if (!slots)
        return false;
    free(pm->slots);
    pm->slots = slots;
    pm->mask = (uint32_t)(want - 1);
    for (uint32_t e = 0; e < pm->nedges; e++)
        slot_put(pm, e);
    return true;
}

static uint32_t lit_edge(struct builder *b, uint32_t node, const uchar *s, size_t n)
{
    struct op_pmatch *pm = b->pm;
    uint32_t child = lit_child(pm, node, s, n);
    if (child)
        return child;
    if (!rehash(pm, pm->nedges + 1))
        return b->oom = true, 0;
    struct pm_edge *edges = grow(pm->edges, &b->cap_edges, pm->nedges + 1, sizeof *edges);
    if (!edges)
        return b->oom = true, 0;
    pm->edges = edges;
    uint32_t off;
    if (!pool_add(b, s, n, &off))
        return b->oom = true, 0;
    child = new_node(b);
    if (b->oom)
        return 0;
    pm->edges[pm->nedges] = (struct pm_edge){node, child, off, (uint32_t)n};
    slot_put(pm, pm->nedges++);
    return child;
}

static uint32_t glob_edge(struct builder *b, uint32_t node, const uchar *s, size_t n)
{
    struct op_pmatch *pm = b->pm;
    for (uint32_t k = b->glob_head[node]; k; k = pm->gedges[k - 1].next) {
        const struct pm_gedge *ge = &pm->gedges[k - 1];
        if (ge->len == n && memcmp(pm->pool + ge->off, s, n) == 0)
            return ge->child;
    }
    struct pm_gedge *ge = grow(pm->gedges, &b->cap_gedges, pm->ngedges + 1, sizeof *ge);
    if (!ge)
        return b->oom = true, 0;
    pm->gedges = ge;
    uint32_t off;
    struct op_glob *g = op_glob_compile((const char *)s, n, false);
    if (!g || !pool_add(b, s, n, &off)) {
        op_glob_free(g);
        return b->oom = true, 0;
    }
    uint32_t child = new_node(b);
    if (b->oom) {
        op_glob_free(g);
        return 0;
    }
    pm->gedges[pm->ngedges] = (struct pm_gedge){g, child, off, (uint32_t)n, b->glob_head[node]};
    b->glob_head[node] = ++pm->ngedges;
    return child;
}

static bool is_glob(const uchar *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '*' || s[i] == '?' || s[i] == '[')
            return true;
    return false;
}

/* Order each node's glob edges contiguously (gedges sorted by parent) so a
 * node names them by (first, count). */
static bool flatten_globs(struct builder *b)
{
    struct op_pmatch *pm = b->pm;
    if (!pm->ngedges)
        return true;
    struct pm_gedge *sorted = malloc((size_t)pm->ngedges * sizeof *sorted);
    if (!sorted)
        return false;
    uint32_t at = 0;
    for (uint32_t node = 0; node < pm->nnodes; node++) {
        /* The build list is newest first; restore entry order. */
        uint32_t count = 0;
        for (uint32_t k = b->glob_head[node]; k; k = pm->gedges[k - 1].next)
            count++;
        pm->nodes[node].glob_first = at;
        pm->nodes[node].glob_count = count;
        uint32_t i = at + count;
        for (uint32_t k = b->glob_head[node]; k; k = pm->gedges[k - 1].next)
            sorted[--i] = pm->gedges[k - 1];
        at += count;
    }
    free(pm->gedges);
    pm->gedges = sorted;
    return true;
}

struct op_pmatch *op_pmatch_build(const char *const *entries, const size_t *lens, size_t n)
{
    struct op_pmatch *pm = calloc(1, sizeof *pm);
    if (!pm)
        return NULL;
    struct builder b = {.pm = pm};
    new_node(&b); /* the root: zero components */
    for (size_t k = 0; k < n && !b.oom; k++) {
        const uchar *s = (const uchar *)entries[k];
        size_t len = lens[k], pos = 0;
        uint32_t node = 0;
        for (;;) {
            while (pos < len && s[pos] == '/')
                pos++;
            if (pos == len)
                break;
            const uchar *slash = memchr(s + pos, '/', len - pos);
            size_t end = slash ? (size_t)(slash - s) : len;
            node = is_glob(s + pos, end - pos) ? glob_edge(&b, node, s + pos, end - pos)
                                               : lit_edge(&b, node, s + pos, end - pos);
            if (b.oom)
                break;
            pos = end;
        }
        if (!b.oom)
            pm->nodes[node].terminal = 1;
    }
    if (b.oom || !flatten_globs(&b)) {
        free(b.glob_head);
        op_pmatch_free(pm);
        return NULL;
    }
    free(b.glob_head);
    return pm;
}

void op_pmatch_free(struct op_pmatch *pm)
{
    if (!pm)
        return;
    for (uint32_t k = 0; k < pm->ngedges; k++)
        op_glob_free(pm->gedges[k].glob);
    free(pm->nodes);
    free(pm->edges);
    free(pm->slots);
    free(pm->gedges);
    free(pm->pool);
    free(pm);
}

/* ---------------------------------------------------------------------- */
/* Match                                                                   */
/* ---------------------------------------------------------------------- */

/* Does some entry below `node` match the value's components from `pos` on?
 * Candidates for one component are the literal child, then the glob children
 * that match it; all but the last are tried by recursion and the last by
 * iteration, so the stack only grows at real branch points - at most one
 * level per entry that leaves the path being followed. */
static bool walk(const struct op_pmatch *pm, uint32_t node, const uchar *s, size_t n, size_t pos)
{
    for (;;) {
        const struct pm_node *nd = &pm->nodes[node];
        if (nd->terminal)
            return true;
        while (pos < n && s[pos] == '/')
            pos++;
        if (pos == n)
            return false; /* the value ran out before any entry did */
        const uchar *slash = memchr(s + pos, '/', n - pos);
        size_t end = slash ? (size_t)(slash - s) : n;
        uint32_t next = lit_child(pm, node, s + pos, end - pos);
        for (uint32_t k = 0; k < nd->glob_count; k++) {
            const struct pm_gedge *ge = &pm->gedges[nd->glob_first + k];
            if (!op_glob_match(ge->glob, (const char *)s + pos, end - pos))
                continue;
            if (next && walk(pm, next, s, n, end))
                return true;
            next = ge->child;
        }
        if (!next)
            return false;
        node = next;
        pos = end;
    }
}

bool op_pmatch(const struct op_pmatch *pm, const char *path, size_t n)
{
    return walk(pm, 0, (const uchar *)path, n, 0);
}
