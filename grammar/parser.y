/*
 * parser.y - condition tokens -> AST (rules-language.md §5.2, §5.3).
 *
 * Input: the tokens of lexer.re, each with its byte span. Output: the tree of
 * ast.h in the caller's arena, through cond_parse().
 *
 * The lexer already follows the grammar to decide what each piece of text is
 * (see grammar_int.h), so this grammar only states the structure: and/or
 * chains become one n-ary node, parentheses make no node, a run of 'not'
 * keywords collapses by parity, the right-hand side of a check is a string,
 * a list or a transformer. A lexical error arrives as the error token and
 * aborts the parse with the lexer's message and offset.
 *
 * Pure and reentrant; the parser stack grows inside the arena, so nothing
 * has to be freed on any path.
 */
%define api.pure full
%define api.prefix {cond_yy}
%define api.location.type {struct cond_loc}
%locations
%expect 0
%parse-param {struct cond_lexer *lx}
%lex-param {struct cond_lexer *lx}

%code requires {
#include "grammar_int.h"
}

%code provides {
int cond_yylex(COND_YYSTYPE *val, COND_YYLTYPE *loc, struct cond_lexer *lx);
}

%code {
#include <stdio.h>
#include <string.h>

static void cond_yyerror(COND_YYLTYPE *loc, struct cond_lexer *lx, const char *msg);

/* A symbol spans from its first to its last token; an empty one sits at the
 * end of what precedes it. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                            \
    do {                                                                       \
        if (N) {                                                               \
            (Cur).start = YYRHSLOC(Rhs, 1).start;                              \
            (Cur).end = YYRHSLOC(Rhs, N).end;                                  \
        } else {                                                               \
            (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;                    \
        }                                                                      \
    } while (0)

/* Grow the parser stack in the arena: it is released with everything else.
 * Falco's depth limit, enforced by the lexer, keeps the stack far below
 * YYMAXDEPTH; exhausting it anyway is reported as that same limit. */
#define YYSTACK_ALLOC(n) arena_alloc(lx->a, (n))
#define YYSTACK_ALLOC_MAXIMUM ((size_t)1 << 30)
#define YYINITDEPTH 256
#define YYMAXDEPTH 20000

/* An and/or chain of one operand is that operand (§5.3). */
static struct ast_node *chain(struct cond_lexer *lx, enum ast_kind kind, struct cond_nodes *l,
                              COND_YYLTYPE loc)
{
    if (l->n == 1)
        return l->v[0];
    struct ast_node *n = ast_new(lx->a, kind, loc.start, loc.end);
    ast_set_kids(n, l);
    return n;
}

static struct ast_node *negate(struct cond_lexer *lx, struct ast_node *kid, COND_YYLTYPE loc)
{
    struct ast_node *n = ast_new(lx->a, AST_NOT, loc.start, loc.end);
    ast_set_kids(n, ast_nodes_new(lx->a, kid));
    return n;
}

static struct ast_node *mk_check(struct cond_lexer *lx, enum ast_op op, enum ast_mod mod,
                                 struct ast_node *lhs, struct ast_node *rhs, uint32_t end)
{
    struct ast_node *n = ast_new(lx->a, AST_CHECK, lhs->start, end);
    n->op = op;
    n->mod = mod;
    n->lhs = lhs;
    n->rhs = rhs;
    return n;
}

/* open: the node made for "name(", close: the one made for ")" or ")[arg]". */
static struct ast_node *mk_xform(struct ast_node *open, struct cond_nodes *args,
                                 const struct ast_node *close)
{
    ast_set_kids(open, args);
    open->has_arg = close->has_arg;
    open->arg = close->arg;
    open->arg_start = close->arg_start;
    open->end = close->end;
    return open;
}

static struct ast_node *mk_list(struct cond_lexer *lx, enum ast_kind kind,
                                struct cond_nodes *items, COND_YYLTYPE loc)
{
    struct ast_node *n = ast_new(lx->a, kind, loc.start, loc.end);
    ast_set_kids(n, items);
    return n;
}
}

%union {
    struct ast_node *node;
    struct cond_nodes *nodes;
    enum ast_op op;
    enum ast_mod mod;
    unsigned nots;
}

%token <node> TK_ID "identifier" TK_FIELD "field" TK_STRING "string" TK_NUMBER "number"
%token <node> TK_XF_OPEN "transformer" TK_VAL_OPEN "'val('" TK_XF_CLOSE "')' of a transformer"
%token <op> TK_EXISTS "'exists'" TK_NUMOP "ordering operator" TK_STROP "string operator"
%token <op> TK_LISTOP "list operator"
%token <mod> TK_MOD "modifier"
%token TK_NOT "'not'" TK_NOT_LP "'not('" TK_LP "'('" TK_RP "')'"
%token TK_AND "'and'" TK_AND_LP "'and('" TK_OR "'or'" TK_OR_LP "'or('"
%token TK_LIST_LP "'(' of a list" TK_LIST_RP "')' of a list"
%token TK_TL_LP "'(' of a transformer list" TK_TL_RP "')' of a transformer list"
%token TK_COMMA "','"

%type <node> or_expr and_expr not_expr check lhs xform xf_arg tl_arg rhs_xf
%type <node> rhs_num rhs_str rhs_mod rhs_list list tlist
%type <nodes> or_chain and_chain xf_args tl_items items
%type <nots> nots

%%

condition: or_expr                          { lx->result = $1; }
    ;

or_expr: or_chain                           { $$ = chain(lx, AST_OR, $1, @$); }
    ;

/* "or(" opens a group directly; nothing but 'or' may follow its ')' (§5.2) */
or_chain: and_expr                          { $$ = ast_nodes_new(lx->a, $1); }
    | or_chain TK_OR and_expr               { ast_nodes_push(lx->a, $1, $3); $$ = $1; }
    | or_chain TK_OR_LP or_expr TK_RP       { ast_nodes_push(lx->a, $1, $3); $$ = $1; }
    ;

and_expr: and_chain                         { $$ = chain(lx, AST_AND, $1, @$); }
    ;

and_chain: not_expr                         { $$ = ast_nodes_new(lx->a, $1); }
    | and_chain TK_AND not_expr             { ast_nodes_push(lx->a, $1, $3); $$ = $1; }
    | and_chain TK_AND_LP or_expr TK_RP     { ast_nodes_push(lx->a, $1, $3); $$ = $1; }
    ;

/* "not not a" is a; "not (not a)" keeps both: only one run collapses */
not_expr: nots check {
            if (!$1)
                @$.start = @2.start;
            $$ = $1 & 1 ? negate(lx, $2, @$) : $2;
        }
    | nots TK_NOT_LP or_expr TK_RP {
            if (!$1)
                @$.start = @2.start;
            $$ = ($1 + 1) & 1 ? negate(lx, $3, @$) : $3;
        }
    ;

nots: %empty                                { $$ = 0; }
    | nots TK_NOT {
            if (!$1)
                @$.start = @2.start;
            $$ = $1 + 1;
        }
    ;

check: TK_LP or_expr TK_RP                  { $$ = $2; }
    | TK_ID                                 { $$ = $1; }
    | lhs TK_EXISTS               { $$ = mk_check(lx, $2, AST_MOD_NONE, $1, NULL, @2.end); }
    | lhs TK_NUMOP rhs_num        { $$ = mk_check(lx, $2, AST_MOD_NONE, $1, $3, $3->end); }
    | lhs TK_STROP rhs_str        { $$ = mk_check(lx, $2, AST_MOD_NONE, $1, $3, $3->end); }
    | lhs TK_STROP TK_MOD rhs_mod { $$ = mk_check(lx, $2, $3, $1, $4, $4->end); }
    | lhs TK_LISTOP rhs_list      { $$ = mk_check(lx, $2, AST_MOD_NONE, $1, $3, $3->end); }
    ;

lhs: TK_FIELD
    | xform
    ;

xform: TK_XF_OPEN xf_args TK_XF_CLOSE       { $$ = mk_xform($1, $2, $3); }
    ;

xf_args: xf_arg                             { $$ = ast_nodes_new(lx->a, $1); }
    | xf_args TK_COMMA xf_arg               { ast_nodes_push(lx->a, $1, $3); $$ = $1; }
    ;

xf_arg: TK_NUMBER
    | TK_STRING
    | TK_FIELD
    | xform
    | tlist
    ;

tlist: TK_TL_LP TK_TL_RP                    { $$ = mk_list(lx, AST_TLIST, NULL, @$); }
    | TK_TL_LP tl_items TK_TL_RP            { $$ = mk_list(lx, AST_TLIST, $2, @$); }
    ;

tl_items: tl_arg                            { $$ = ast_nodes_new(lx->a, $1); }
    | tl_items TK_COMMA tl_arg              { ast_nodes_push(lx->a, $1, $3); $$ = $1; }
    ;

tl_arg: TK_FIELD
    | xform
    | TK_STRING
    | TK_NUMBER
    ;

rhs_xf: xform
    | TK_VAL_OPEN TK_FIELD TK_XF_CLOSE      { $$ = mk_xform($1, ast_nodes_new(lx->a, $2), $3); }
    ;

rhs_num: TK_NUMBER
    | rhs_xf
    ;

rhs_str: TK_STRING
    | rhs_xf
    ;

rhs_mod: list
    | TK_STRING
    ;

rhs_list: list
    | rhs_xf
    | TK_STRING
    ;

list: TK_LIST_LP TK_LIST_RP                 { $$ = mk_list(lx, AST_LIST, NULL, @$); }
    | TK_LIST_LP items TK_LIST_RP           { $$ = mk_list(lx, AST_LIST, $2, @$); }
    ;

items: TK_STRING                            { $$ = ast_nodes_new(lx->a, $1); }
    | items TK_COMMA TK_STRING              { ast_nodes_push(lx->a, $1, $3); $$ = $1; }
    ;

%%

/*
 * The lexer only hands over token sequences the grammar accepts, so bison
 * reports an error of its own only if the two disagree (a bug) or if its
 * stack is exhausted; lexical errors come with their own message already.
 */
static void cond_yyerror(COND_YYLTYPE *loc, struct cond_lexer *lx, const char *msg)
{
    if (strstr(msg, "exhausted"))
        cond_lex_error(lx, loc->start, "exceeded max depth limit of %d", COND_MAX_DEPTH);
    else
        cond_lex_error(lx, loc->start, "internal parser error: %s", msg);
}

static bool all_blank(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\n\r\b", text[i]) || text[i] == '\0')
            return false;
    return true;
}

struct ast_node *cond_parse(struct arena *a, const char *text, size_t len, struct cond_error *err)
{
    memset(err, 0, sizeof(*err));
    if (all_blank(text, len)) {
        snprintf(err->msg, sizeof(err->msg), "filter input string is empty");
        return NULL;
    }
    if (len >= UINT32_MAX) {
        snprintf(err->msg, sizeof(err->msg), "condition too long");
        return NULL;
    }
    struct cond_lexer lx;
    cond_lex_init(&lx, a, text, len, err);
    int rc = cond_yyparse(&lx);
    if (rc == 0 && !lx.failed && lx.result)
        return lx.result;
    if (!lx.failed)
        cond_lex_error(&lx, lx.pos, "internal parser error");
    return NULL;
}
