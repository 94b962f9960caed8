/*
 * mtext.h - text with a map back to the YAML scalars it was built from.
 *
 * Falco builds conditions as text: appends join scalars with a space,
 * exceptions are pasted in, list names are replaced by their items. A
 * parse error or a type error is found in that built text; an mtext lets
 * us report it at the true file position. Each segment maps a run of the
 * text either to a run of a scalar's value (copied text) or to a single
 * point (synthetic text such as inserted list items or glue).
 */
#ifndef FALCOC_MTEXT_H
#define FALCOC_MTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ynode.h"

struct mseg {
    uint32_t off, len;        /* run of the text */
    const struct ynode *node; /* scalar it comes from (NULL: unknown) */
    uint32_t voff;            /* offset in node->value where the run starts */
    bool synthetic;           /* true: the whole run maps to voff */
};

struct mtext {
    struct arena *a;
    struct buf text;
    struct mseg *segs;
    size_t nsegs, cap;
};

void mt_init(struct mtext *m, struct arena *a);
/* Appends node->value[voff, voff+len). */
void mt_add_value(struct mtext *m, const struct ynode *node, size_t voff, size_t len);
/* Appends text that stands for position voff of node (node may be NULL). */
void mt_add_synth(struct mtext *m, const char *s, size_t len, const struct ynode *node,
                  size_t voff);
/* Appends src[from, to), keeping its mapping. */
void mt_add_range(struct mtext *m, const struct mtext *src, size_t from, size_t to);
/* The file position of text offset off (falls back to `fallback`). */
struct src_pos mt_pos(const struct mtext *m, size_t off, struct src_pos fallback);
static inline const char *mt_str(const struct mtext *m)
{
    return m->text.data ? m->text.data : "";
}
static inline size_t mt_len(const struct mtext *m)
{
    return m->text.len;
}

#endif
