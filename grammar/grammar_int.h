/*
 * grammar_int.h - private interface between lexer.re, parser.y and ast.c.
 *
 * Stage: condition text -> tokens (lexer.re) -> AST (parser.y, ast.c).
 *
 * Falco's condition parser is a recursive-descent parser over characters, so
 * the same text is a field, an identifier, a bare string or a number depending
 * on where it stands. We keep bison's grammar context-free by letting the
 * lexer follow the grammar itself: it carries a mode (what may come next) and
 * a stack of open parentheses (expression group, list literal, transformer
 * call, transformer list). Every decision of rules-language.md §5 that depends
 * on context is taken in the lexer; the parser only assembles the tree.
 *
 * The lexer also mirrors the recursion depth Falco would reach (its frame
 * counter, §5.8) so that nesting fails exactly where Falco's does, long before
 * any stack of ours could grow large.
 *
 * Ownership: every node, string and the lexer's own stack live in the arena
 * passed to cond_parse(); nothing here is freed on its own.
 */
#ifndef FALCOC_GRAMMAR_INT_H
#define FALCOC_GRAMMAR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"

/* Byte span [start, end) of a token or grammar symbol: bison's location type. */
struct cond_loc {
    uint32_t start, end;
};

/* A growable array of nodes, for and/or chains, arguments and list items. */
struct cond_nodes {
    struct ast_node **v;
    size_t n, cap;
};

/* What the lexer expects next; one mode per position of the §5.2 grammar. */
enum cond_mode {
    CM_EXPR,       /* start of a not_expr: not, '(', field, transformer, identifier */
    CM_OPERATOR,   /* after the left side of a check */
    CM_NUMVAL,     /* after an ordering operator */
    CM_STRVAL,     /* after a string operator: modifier, transformer or string */
    CM_MODVAL,     /* after a modifier: list literal or identifier */
    CM_LISTVAL,    /* after a list operator: list literal, transformer or identifier */
    CM_LIST_FIRST, /* after '(' of a list literal */
    CM_LIST_SEP,   /* after a list item: ',' or ')' */
    CM_LIST_ITEM,  /* after ',' in a list literal */
    CM_XF_ARG,     /* after "name(" or ',' in a transformer call */
    CM_XF_SEP,     /* after a transformer argument: ',' or ')' */
    CM_VAL_FIELD,  /* after "val(" */
    CM_VAL_CLOSE,  /* after the field of val(): ')' */
    CM_TL_FIRST,   /* after '(' of a transformer list */
    CM_TL_ITEM,    /* after ',' in a transformer list */
    CM_TL_SEP,     /* after a transformer-list item: ',' or ')' */
    CM_AFTER,      /* after a complete check: and, or, ')' or the end */
};

enum cond_frame_kind {
    CF_GROUP, /* parenthesised expression */
    CF_XF,    /* transformer call (val() included) */
    CF_TLIST, /* parenthesised list inside a transformer call */
    CF_LIST,  /* list literal on the right of a check */
};

/* How a group was opened; it decides what may follow its ')'. */
enum cond_group_opener { CG_CHECK, CG_NOT, CG_AND, CG_OR };

/* Where a transformer call stands; it decides the mode after its ')'. */
enum cond_xf_role { CX_LHS, CX_RHS, CX_ARG, CX_TLIST };

struct cond_frame {
    uint8_t kind; /* enum cond_frame_kind */
    uint8_t sub;  /* enum cond_group_opener or enum cond_xf_role */
    /* Falco's frame count for this construct: for a group the depth of the
     * parse_or frame of its content, for a transformer the depth of its
     * argument-list frame, for a transformer list that of its call. */
    uint32_t depth;
};

struct cond_lexer {
    struct arena *a;
    const unsigned char *buf; /* copy of the text, NUL sentinel at buf[len] */
    size_t len;
    size_t pos; /* next byte to read */
    enum cond_mode mode;
    struct cond_frame *stack; /* open parentheses, innermost last */
    size_t sp, cap;
    uint32_t check_depth; /* Falco depth of the check being lexed */
    bool mod_ok;          /* a modifier may follow the string operator just read */
    bool after_or_group;  /* the ')' just read closed an "or(" group */
    const char *last;     /* text of the last token, for "unexpected token after" */
    size_t last_len;
    bool failed;
    struct cond_error *err;
    struct ast_node *result;
};

void cond_lex_init(struct cond_lexer *lx, struct arena *a, const char *text, size_t len,
                   struct cond_error *err);
/* Records the first error only; later ones are consequences of it. */
void cond_lex_error(struct cond_lexer *lx, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Node builders (ast.c). */
struct ast_node *ast_new(struct arena *a, enum ast_kind kind, uint32_t start, uint32_t end);
struct cond_nodes *ast_nodes_new(struct arena *a, struct ast_node *first);
void ast_nodes_push(struct arena *a, struct cond_nodes *l, struct ast_node *n);
void ast_set_kids(struct ast_node *n, const struct cond_nodes *l);

#endif
