/*
 * ast.c - condition syntax tree: tables, builders and the two printers.
 *
 * Stage: grammar. Input: trees built by parser.y; output: the s-expression of
 * rules-language.md §0.3 (ast_dump) and Falco's canonical text (§5.9,
 * ast_print). The operator, transformer and modifier spellings come from
 * ast.def only. Printers never allocate outside the buffer's arena.
 */
#include <string.h>

#include "grammar_int.h"

const char *const ast_op_spelling[AST_OP_COUNT] = {
#define AST_OP(id, spelling, cls) [AST_OP_##id] = spelling,
#include "ast.def"
};

const enum ast_op_class ast_op_class[AST_OP_COUNT] = {
#define AST_OP(id, spelling, cls) [AST_OP_##id] = AST_OPC_##cls,
#include "ast.def"
};

const char *const ast_xf_name[AST_XF_COUNT] = {
#define AST_XF(id, name, min, max) [AST_XF_##id] = name,
#include "ast.def"
};

const char *const ast_mod_word[AST_MOD_COUNT] = {
    [AST_MOD_NONE] = "",
#define AST_MOD(id, word) [AST_MOD_##id] = word,
#include "ast.def"
};

struct ast_node *ast_new(struct arena *a, enum ast_kind kind, uint32_t start, uint32_t end)
{
    struct ast_node *n = arena_alloc(a, sizeof(*n));
    n->kind = kind;
    n->start = start;
    n->end = end;
    n->mod = AST_MOD_NONE;
    return n;
}

struct cond_nodes *ast_nodes_new(struct arena *a, struct ast_node *first)
{
    struct cond_nodes *l = arena_alloc(a, sizeof(*l));
    if (first)
        ast_nodes_push(a, l, first);
    return l;
}

void ast_nodes_push(struct arena *a, struct cond_nodes *l, struct ast_node *n)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        l->v = arena_realloc(a, l->v, l->cap * sizeof(*l->v), cap * sizeof(*l->v));
        l->cap = cap;
    }
    l->v[l->n++] = n;
}

void ast_set_kids(struct ast_node *n, const struct cond_nodes *l)
{
    n->kids = l ? l->v : NULL;
    n->nkids = l ? l->n : 0;
}

/* ---- s-expression (§0.3) ---- */

/*
 * A double-quoted string with backslash escapes for \\ and " and for the
 * control characters in `ctl` (each as \n, \t, ...); every other byte is
 * written as it is. The s-expression (§0.3) escapes \n \t \r, Falco's
 * printed form (§5.9) also \b and \f.
 */
static void quote_str(struct buf *out, const struct ast_str *s, const char *ctl)
{
    static const char ctl_letters[] = "b\bf\fn\nr\rt\t";
    buf_addc(out, '"');
    for (size_t i = 0; i < s->len; i++) {
        char c = s->s[i];
        const char *l = c ? strchr(ctl, c) : NULL;
        if (c == '\\' || c == '"') {
            buf_addc(out, '\\');
            buf_addc(out, c);
        } else if (l) {
            buf_addc(out, '\\');
            buf_addc(out, ctl_letters[strchr(ctl_letters + 1, c) - ctl_letters - 1]);
        } else {
            buf_addc(out, c);
        }
    }
    buf_addc(out, '"');
}

static void dump_str(struct buf *out, const struct ast_str *s)
{
    quote_str(out, s, "\n\t\r");
}

static void dump_kids(struct buf *out, const struct ast_node *n)
{
    for (size_t i = 0; i < n->nkids; i++) {
        buf_addc(out, ' ');
        ast_dump(out, n->kids[i]);
    }
}

void ast_dump(struct buf *out, const struct ast_node *n)
{
    if (!n)
        return;
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
        buf_adds(out, n->kind == AST_AND ? "(and" : "(or");
        dump_kids(out, n);
        buf_addc(out, ')');
        break;
    case AST_NOT:
        buf_adds(out, "(not");
        dump_kids(out, n);
        buf_addc(out, ')');
        break;
    case AST_ID:
        buf_adds(out, "(id ");
        buf_add(out, n->str.s, n->str.len);
        buf_addc(out, ')');
        break;
    case AST_CHECK:
        buf_addc(out, '(');
        buf_adds(out, ast_op_spelling[n->op]);
        if (n->mod != AST_MOD_NONE) {
            buf_addc(out, ':');
            buf_adds(out, ast_mod_word[n->mod]);
        }
        buf_addc(out, ' ');
        ast_dump(out, n->lhs);
        if (n->rhs) {
            buf_addc(out, ' ');
            ast_dump(out, n->rhs);
        }
        buf_addc(out, ')');
        break;
    case AST_FIELD:
        if (!n->has_arg) {
            buf_add(out, n->str.s, n->str.len);
            break;
        }
        buf_adds(out, "(field ");
        buf_add(out, n->str.s, n->str.len);
        buf_addc(out, ' ');
        dump_str(out, &n->arg);
        buf_addc(out, ')');
        break;
    case AST_XFORM:
        buf_addc(out, '(');
        buf_adds(out, ast_xf_name[n->xf]);
        dump_kids(out, n);
        if (n->has_arg) {
            buf_adds(out, " :arg ");
            dump_str(out, &n->arg);
        }
        buf_addc(out, ')');
        break;
    case AST_STR:
        dump_str(out, &n->str);
        break;
    case AST_LIST:
    case AST_TLIST:
        buf_adds(out, n->kind == AST_LIST ? "(list" : "(tlist");
        dump_kids(out, n);
        buf_addc(out, ')');
        break;
    }
}

/* ---- Falco's canonical form (§5.9) ---- */

/* The bytes that make Falco wrap a constant in double quotes. */
static bool needs_quotes(const struct ast_str *s)
{
    for (size_t i = 0; i < s->len; i++) {
        switch (s->s[i]) {
        case ' ':
        case '=':
        case '\\':
        case '\'':
        case '"':
        case '\0':
        case '\b':
        case '\f':
        case '\n':
        case '\r':
        case '\t':
            return true;
        default:
            break;
        }
    }
    return false;
}

static void print_str(struct buf *out, const struct ast_str *s)
{
    if (!needs_quotes(s))
        buf_add(out, s->s, s->len);
    else /* quotes, '=', spaces and NUL stay as they are inside the quotes */
        quote_str(out, s, "\b\f\n\r\t");
}

/* "[arg]"; an empty argument must stay visible, so it prints as [""]. */
static void print_arg(struct buf *out, const struct ast_node *n)
{
    if (!n->has_arg)
        return;
    buf_addc(out, '[');
    if (n->arg.len == 0)
        buf_adds(out, "\"\"");
    else
        print_str(out, &n->arg);
    buf_addc(out, ']');
}

static void print_kids(struct buf *out, const struct ast_node *n, const char *sep)
{
    for (size_t i = 0; i < n->nkids; i++) {
        if (i)
            buf_adds(out, sep);
        ast_print(out, n->kids[i]);
    }
}

void ast_print(struct buf *out, const struct ast_node *n)
{
    if (!n)
        return;
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
        buf_addc(out, '(');
        print_kids(out, n, n->kind == AST_AND ? " and " : " or ");
        buf_addc(out, ')');
        break;
    case AST_NOT:
        buf_adds(out, "not ");
        print_kids(out, n, " ");
        break;
    case AST_ID:
        buf_add(out, n->str.s, n->str.len);
        break;
    case AST_CHECK:
        ast_print(out, n->lhs);
        buf_addc(out, ' ');
        buf_adds(out, ast_op_spelling[n->op]);
        if (n->mod != AST_MOD_NONE) {
            buf_addc(out, ' ');
            buf_adds(out, ast_mod_word[n->mod]);
        }
        if (n->rhs) {
            buf_addc(out, ' ');
            ast_print(out, n->rhs);
        }
        break;
    case AST_FIELD:
        buf_add(out, n->str.s, n->str.len);
        print_arg(out, n);
        break;
    case AST_XFORM:
        buf_adds(out, ast_xf_name[n->xf]);
        buf_addc(out, '(');
        print_kids(out, n, ",");
        buf_addc(out, ')');
        print_arg(out, n);
        break;
    case AST_STR:
        print_str(out, &n->str);
        break;
    case AST_LIST:
    case AST_TLIST:
        /* Falco separates list items with ", " but transformer lists with "," */
        buf_addc(out, '(');
        print_kids(out, n, n->kind == AST_LIST ? ", " : ",");
        buf_addc(out, ')');
        break;
    }
}
