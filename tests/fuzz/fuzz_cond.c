/*
 * fuzz_cond.c - libFuzzer target for the condition grammar.
 *
 * Input: arbitrary bytes taken as a condition (any length, NUL bytes
 * included). Each run parses with a fresh arena, prints both forms of a
 * successful tree (s-expression and Falco's canonical text), and frees the
 * arena. Invariants checked: no crash, no hang, no leak, every node span lies
 * inside the input, and a failure always carries a message and an offset
 * inside the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ast.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_spans(const struct ast_node *n, size_t size)
{
    if (!n)
        return;
    if (n->start > n->end || n->end > size)
        abort();
    if (n->kind == AST_CHECK) {
        check_spans(n->lhs, size);
        check_spans(n->rhs, size);
    }
    for (size_t i = 0; i < n->nkids; i++)
        check_spans(n->kids[i], size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    struct cond_error err;
    arena_init(&a);
    struct ast_node *n = cond_parse(&a, (const char *)data, size, &err);
    if (n) {
        struct buf dump, print;
        buf_init(&dump, &a);
        buf_init(&print, &a);
        ast_dump(&dump, n);
        ast_print(&print, n);
        check_spans(n, size);
    } else if (!err.msg[0] || err.offset > size) {
        abort();
    }
    arena_free(&a);
    return 0;
}
