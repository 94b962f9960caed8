/*
 * fuzz_yaml.c - libFuzzer target for the first two stages: arbitrary bytes →
 * yaml_parse → rl_load_file into a fresh rules set.
 *
 * Beyond "no crash, no leak, no sanitizer report", it checks the invariants
 * later stages rely on: every diagnostic and every mapped value position lies
 * inside the file, and yaml_value_pos never goes backwards inside a scalar.
 * One arena per input, freed at the end of the run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Walks a scalar's decoded value and checks its positions. */
static void check_scalar(const struct ynode *n)
{
    if (!n || n->kind != YN_SCALAR)
        return;
    uint32_t prev = 0;
    size_t step = n->len > 256 ? n->len / 256 : 1; /* bounded work on long values */
    for (size_t j = 0; j <= n->len; j += step) {
        struct src_pos p = yaml_value_pos(n, j);
        if (p.src != n->src || p.off > n->src->len || p.off < prev)
            abort();
        prev = p.off;
    }
    if (yaml_value_pos(n, n->len).off > n->src->len)
        abort();
}

static void check_text(const struct rl_text *t)
{
    for (size_t i = 0; i < t->n; i++)
        check_scalar(t->parts[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 24))
        return 0; /* positions are 32-bit; stay far below */
    struct arena a;
    arena_init(&a);
    struct diags d;
    diags_init(&d, &a);
    struct source *src = src_from_bytes(&a, "fuzz.yaml", (const char *)data, size);
    struct ydoc *docs = NULL;
    size_t ndocs = 0;
    yaml_parse(&a, &d, src, &docs, &ndocs);

    struct rl_set s;
    rl_set_init(&s);
    rl_load_file(&a, &d, &s, src, docs, ndocs);

    for (size_t i = 0; i < d.n; i++) {
        const struct diag *g = d.v[i];
        if (g->pos.src && g->pos.off > src->len)
            abort();
        for (int k = 0; k < g->nlocs; k++)
            if (g->locs[k].pos.src && g->locs[k].pos.off > src->len)
                abort();
    }
    for (size_t i = 0; i < s.nrules; i++) {
        const struct rl_rule *r = s.rules[i];
        check_text(&r->cond);
        check_text(&r->output);
        check_text(&r->desc);
        for (size_t k = 1; k < r->ntags; k++)
            if (strcmp(r->tags[k - 1], r->tags[k]) >= 0)
                abort(); /* tags must be a sorted set */
        for (size_t k = 0; k < r->nexceptions; k++)
            for (size_t f = 0; f < r->exceptions[k].nfields; f++)
                check_scalar(r->exceptions[k].fields[f]);
    }
    for (size_t i = 0; i < s.nmacros; i++)
        check_text(&s.macros[i]->cond);
    for (size_t i = 0; i < s.nlists; i++)
        for (size_t k = 0; k < s.lists[i]->nitems; k++)
            check_scalar(s.lists[i]->items[k]);

    arena_free(&a);
    return 0;
}
