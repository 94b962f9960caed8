/*
 * ast.h - syntax tree of a condition (rules-language.md §0.3, §5).
 *
 * Input: the condition text; output: a tree of struct ast_node allocated in
 * the caller's arena. Every node carries the byte span [start, end) of its
 * text in the condition string that was parsed. Strings are byte arrays with
 * an explicit length (a \x00 escape can put a NUL inside) and are also
 * NUL-terminated for convenience.
 */
#ifndef FALCOC_AST_H
#define FALCOC_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

enum ast_op {
#define AST_OP(id, spelling, cls) AST_OP_##id,
#include "ast.def"
    AST_OP_COUNT
};

enum ast_op_class { AST_OPC_UNARY, AST_OPC_ORDER, AST_OPC_STR, AST_OPC_LIST };

enum ast_xf {
#define AST_XF(id, name, min, max) AST_XF_##id,
#include "ast.def"
    AST_XF_COUNT
};

enum ast_mod {
    AST_MOD_NONE,
#define AST_MOD(id, word) AST_MOD_##id,
#include "ast.def"
    AST_MOD_COUNT
};

enum ast_kind {
    AST_AND,   /* n-ary, kids >= 2 */
    AST_OR,    /* n-ary, kids >= 2 */
    AST_NOT,   /* kids[0] */
    AST_ID,    /* bare identifier: a macro reference; str */
    AST_CHECK, /* op (+mod): lhs, rhs (rhs NULL for exists) */
    AST_FIELD, /* str = field name; arg / has_arg */
    AST_XFORM, /* transformer xf applied to kids; optional arg after ')' */
    AST_STR,   /* constant string (numbers too) */
    AST_LIST,  /* parenthesised list literal of AST_STR kids */
    AST_TLIST, /* parenthesised list inside join()/getopt() */
};

struct ast_str {
    char *s;    /* NUL-terminated */
    size_t len; /* may be less than strlen-independent: bytes may include NUL */
};

struct ast_node {
    enum ast_kind kind;
    uint32_t start, end;        /* byte span in the parsed text */
    enum ast_op op;             /* AST_CHECK */
    enum ast_mod mod;           /* AST_CHECK: modifier or AST_MOD_NONE */
    enum ast_xf xf;             /* AST_XFORM */
    struct ast_str str;         /* AST_ID, AST_FIELD (name), AST_STR */
    bool has_arg;               /* AST_FIELD, AST_XFORM: "[arg]" present */
    struct ast_str arg;         /* the argument text, possibly empty */
    uint32_t arg_start;         /* span of the argument text, inside the brackets */
    struct ast_node *lhs, *rhs; /* AST_CHECK */
    struct ast_node **kids;     /* AND, OR, NOT, XFORM, LIST, TLIST */
    size_t nkids;
    void *user; /* free for later stages (e.g. the resolved macro of an AST_ID) */
};

extern const char *const ast_op_spelling[AST_OP_COUNT];
extern const enum ast_op_class ast_op_class[AST_OP_COUNT];
extern const char *const ast_xf_name[AST_XF_COUNT];
extern const char *const ast_mod_word[AST_MOD_COUNT];

/* The s-expression notation of rules-language.md §0.3, on one line. */
void ast_dump(struct buf *out, const struct ast_node *n);
/* Falco's canonical printed form (§5.9), as in describe's condition_compiled. */
void ast_print(struct buf *out, const struct ast_node *n);

/* Result of a failed parse: the byte offset in the text and a message. */
struct cond_error {
    uint32_t offset;
    char msg[256];
};

/*
 * Parses a whole condition. Returns the tree, or NULL and fills *err.
 * The text need not be NUL-terminated. Depth is bounded as in Falco: the
 * parser counts Falco's recursion frames and stops at COND_MAX_DEPTH (about
 * 199 levels of parentheses), with an error, never a crash.
 */
enum { COND_MAX_DEPTH = 1000 };
struct ast_node *cond_parse(struct arena *a, const char *text, size_t len, struct cond_error *err);

#endif
