/*
 * mtext.c - mapped text; see mtext.h.
 */
#include "mtext.h"

#include <string.h>

void mt_init(struct mtext *m, struct arena *a)
{
    memset(m, 0, sizeof(*m));
    m->a = a;
    buf_init(&m->text, a);
    buf_add(&m->text, "", 0);
}

static void push(struct mtext *m, struct mseg s)
{
    if (s.len == 0)
        return;
    if (m->nsegs) {
        /* Merge contiguous copies of the same scalar: keeps maps short. */
        struct mseg *p = &m->segs[m->nsegs - 1];
        if (!p->synthetic && !s.synthetic && p->node == s.node && p->off + p->len == s.off &&
            p->voff + p->len == s.voff) {
            p->len += s.len;
            return;
        }
    }
    if (m->nsegs == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 8;
        m->segs = arena_realloc(m->a, m->segs, m->cap * sizeof(*m->segs), cap * sizeof(*m->segs));
        m->cap = cap;
    }
    m->segs[m->nsegs++] = s;
}

void mt_add_value(struct mtext *m, const struct ynode *node, size_t voff, size_t len)
{
    uint32_t off = (uint32_t)m->text.len;
    buf_add(&m->text, node->value + voff, len);
    push(m, (struct mseg){off, (uint32_t)len, node, (uint32_t)voff, false});
}

void mt_add_synth(struct mtext *m, const char *s, size_t len, const struct ynode *node, size_t voff)
{
    uint32_t off = (uint32_t)m->text.len;
    buf_add(&m->text, s, len);
    push(m, (struct mseg){off, (uint32_t)len, node, (uint32_t)voff, true});
}

void mt_add_range(struct mtext *m, const struct mtext *src, size_t from, size_t to)
{
    for (size_t i = 0; i < src->nsegs && from < to; i++) {
        const struct mseg *s = &src->segs[i];
        size_t send = (size_t)s->off + s->len;
        if (send <= from)
            continue;
        if (s->off >= to)
            break;
        size_t a = from > s->off ? from : s->off;
        size_t b = to < send ? to : send;
        uint32_t off = (uint32_t)m->text.len;
        buf_add(&m->text, src->text.data + a, b - a);
        struct mseg n = *s;
        n.off = off;
        n.len = (uint32_t)(b - a);
        if (!s->synthetic)
            n.voff = s->voff + (uint32_t)(a - s->off);
        push(m, n);
        from = b;
    }
}

struct src_pos mt_pos(const struct mtext *m, size_t off, struct src_pos fallback)
{
    const struct mseg *best = NULL;
    for (size_t i = 0; i < m->nsegs; i++) {
        const struct mseg *s = &m->segs[i];
        if (s->off <= off)
            best = s;
        if (s->off + s->len > off)
            break;
    }
    if (!best || !best->node)
        return fallback;
    size_t voff = best->voff;
    if (!best->synthetic) {
        size_t d = off - best->off;
        if (d > best->len)
            d = best->len;
        voff += d;
    }
    if (voff > best->node->len)
        voff = best->node->len;
    return yaml_value_pos(best->node, voff);
}
