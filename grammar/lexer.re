/*
 * lexer.re - condition bytes -> tokens with byte spans (rules-language.md §5).
 *
 * Input: the condition text (any bytes, not NUL-terminated), copied into an
 * arena buffer with a NUL sentinel. Output: one token per call, for the
 * bison parser of parser.y, with its byte span [start, end).
 *
 * Falco parses conditions with an ordered-choice recursive descent over
 * characters: at each position it tries a fixed list of alternatives and takes
 * the first that matches, without backtracking across elements (§5.2 note 1).
 * We reproduce that here: the lexer keeps a mode (the grammar position) and a
 * stack of open parentheses, and in each mode tries the same alternatives in
 * the same order. The re2c blocks below recognise one lexical class each at
 * the cursor (field name, identifier, number, bare string, quoted string...);
 * keyword, operator and transformer spellings come from ast.def.
 *
 * Invariants: a token never starts inside another; after an error the lexer
 * keeps returning the error token; the stack depth is bounded by the Falco
 * frame limit (COND_MAX_DEPTH), which is checked where Falco checks it.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parser.h"

typedef const unsigned char *cursor;

/*!re2c
    re2c:define:YYCTYPE = "unsigned char";
    re2c:yyfill:enable = 0;
    re2c:eof = 0;

    alpha   = [a-zA-Z];
    word    = alpha [a-zA-Z0-9_]*;
    blank   = [ \t\n\r\x08];
*/

/* ---- lexical classes (§5.1); each returns the length matched at s, or 0 ---- */

/* field name: words joined by dots, at least one dot, longest match */
static size_t m_field(cursor s, cursor lim)
{
    cursor YYCURSOR = s, YYLIMIT = lim, YYMARKER = s;
    /*!re2c
        word ("." word)+ { return (size_t)(YYCURSOR - s); }
        $                { return 0; }
        *                { return 0; }
    */
}

static size_t m_ident(cursor s, cursor lim)
{
    cursor YYCURSOR = s, YYLIMIT = lim;
    /*!re2c
        word { return (size_t)(YYCURSOR - s); }
        $    { return 0; }
        *    { return 0; }
    */
}

/* "not" followed by blanks: the negation keyword (a bare "not" is an identifier) */
static size_t m_not_blank(cursor s, cursor lim)
{
    cursor YYCURSOR = s, YYLIMIT = lim, YYMARKER = s;
    /*!re2c
        "not" blank+ { return (size_t)(YYCURSOR - s); }
        $            { return 0; }
        *            { return 0; }
    */
}

/* Numbers: hexadecimal is tried before decimal, as Falco does. */
static size_t m_number(cursor s, cursor lim)
{
    cursor YYCURSOR = s, YYLIMIT = lim, YYMARKER = s;
    /*!re2c
        "0" [xX] [0-9a-fA-F]+ { return (size_t)(YYCURSOR - s); }
        $                     { goto decimal; }
        *                     { goto decimal; }
    */
decimal:
    YYCURSOR = s;
    /*!re2c
        [+-]? [0-9]+ "."? [0-9]* ([eE] [+-] [0-9]+)? { return (size_t)(YYCURSOR - s); }
        $                                            { return 0; }
        *                                            { return 0; }
    */
}

/* Bare string: ends at a blank, parenthesis, comma, '=' or quote. Backspace
 * and NUL are ordinary bytes here (Falco's class is POSIX [:space:]). */
static size_t m_bare(cursor s, cursor lim)
{
    cursor YYCURSOR = s, YYLIMIT = lim;
    /*!re2c
        [^()"' \t\n\r\v\f=,]+ { return (size_t)(YYCURSOR - s); }
        $                     { return 0; }
        *                     { return 0; }
    */
}

/* Bare field argument, between '[' and ']'. */
static size_t m_argbare(cursor s, cursor lim)
{
    cursor YYCURSOR = s, YYLIMIT = lim;
    /*!re2c
        [^\]["' \t\n\r\v\f]+ { return (size_t)(YYCURSOR - s); }
        $                     { return 0; }
        *                     { return 0; }
    */
}

/*
 * Quoted string, quotes included. It ends at the first same quote that is not
 * immediately preceded by a backslash, even an escaped one: the body is made of
 * plain bytes and runs of backslashes each followed by one non-backslash byte.
 * A raw NUL ends the scan unterminated, as Falco's C-string loop does.
 * Escapes are decoded afterwards by decode_quoted().
 */
static size_t m_quoted(cursor s, cursor lim)
{
    cursor YYCURSOR = s, YYLIMIT = lim, YYMARKER = s;
    /*!re2c
        ['] ([^'\\\x00] | [\\]+ [^\\\x00])* ['] { return (size_t)(YYCURSOR - s); }
        ["] ([^"\\\x00] | [\\]+ [^\\\x00])* ["] { return (size_t)(YYCURSOR - s); }
        $                                       { return 0; }
        *                                       { return 0; }
    */
}

/* ---- cursor helpers ---- */

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\b';
}

static cursor here(const struct cond_lexer *lx) { return lx->buf + lx->pos; }
static cursor lim(const struct cond_lexer *lx) { return lx->buf + lx->len; }

/* The byte at off, or -1 past the end (a raw NUL inside the text is a byte). */
static int peek(const struct cond_lexer *lx, size_t off)
{
    return off < lx->len ? lx->buf[off] : -1;
}

static bool blank_at(const struct cond_lexer *lx, size_t off)
{
    return off < lx->len && is_blank(lx->buf[off]);
}

static size_t skip_blanks(struct cond_lexer *lx)
{
    size_t s = lx->pos;
    while (blank_at(lx, lx->pos))
        lx->pos++;
    return lx->pos - s;
}

static bool starts(const struct cond_lexer *lx, size_t off, const char *w)
{
    size_t n = strlen(w);
    return lx->len - off >= n && memcmp(lx->buf + off, w, n) == 0;
}

/* ---- errors ---- */

void cond_lex_error(struct cond_lexer *lx, size_t off, const char *fmt, ...)
{
    if (lx->failed)
        return;
    lx->failed = true;
    lx->err->offset = (uint32_t)off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lx->err->msg, sizeof(lx->err->msg), fmt, ap);
    va_end(ap);
}

static size_t m_quoted(cursor s, cursor lim);

/* Falco's message names what it expected; when what stands there is a
 * quote that never closes, say so instead, which is what the user needs. */
static bool unterminated(struct cond_lexer *lx, size_t off)
{
    if (off >= lx->len || (lx->buf[off] != '"' && lx->buf[off] != '\''))
        return false;
    if (m_quoted(lx->buf + off, lx->buf + lx->len))
        return false;
    cond_lex_error(lx, off, "unterminated string: the %s quote opened here is never closed",
                   lx->buf[off] == '"' ? "double" : "single");
    return true;
}

static int fail(struct cond_lexer *lx, size_t off, const char *msg)
{
    cond_lex_error(lx, off, "%s", msg);
    return COND_YYerror;
}

/* Falco lists the valid alternatives in these messages; build them from ast.def. */
static void op_list(char *dst, size_t cap)
{
    size_t n = 0;
    dst[0] = '\0';
    for (int i = 0; i < AST_OP_COUNT && n < cap; i++)
        n += (size_t)snprintf(dst + n, cap - n, "%s'%s'", i ? ", " : "", ast_op_spelling[i]);
}

static void xf_list(char *dst, size_t cap)
{
    size_t n = (size_t)snprintf(dst, cap, "'%s'", ast_xf_name[AST_XF_VAL]);
    for (int i = 0; i < AST_XF_COUNT && n < cap; i++)
        if (i != AST_XF_VAL)
            n += (size_t)snprintf(dst + n, cap - n, ", '%s'", ast_xf_name[i]);
}

static int fail_xf(struct cond_lexer *lx, size_t off, const char *what)
{
    if (unterminated(lx, off))
        return COND_YYerror;
    char names[160];
    xf_list(names, sizeof(names));
    cond_lex_error(lx, off, "expected %s or a field with a valid transformer: %s", what, names);
    return COND_YYerror;
}

/*
 * Falco counts the frames of its recursive descent and fails when the count
 * reaches the limit (§5.8); we charge the same counts at the same places, so
 * nesting fails exactly where it fails in Falco (199 plain parentheses pass).
 */
static bool too_deep(struct cond_lexer *lx, uint32_t frames, size_t off)
{
    if (frames < COND_MAX_DEPTH)
        return false;
    cond_lex_error(lx, off, "exceeded max depth limit of %d", COND_MAX_DEPTH);
    return true;
}

/* ---- the parenthesis stack ---- */

static void push(struct cond_lexer *lx, enum cond_frame_kind kind, int sub, uint32_t depth)
{
    if (lx->sp == lx->cap) {
        size_t cap = lx->cap ? lx->cap * 2 : 32;
        lx->stack = arena_realloc(lx->a, lx->stack, lx->cap * sizeof(*lx->stack),
                                  cap * sizeof(*lx->stack));
        lx->cap = cap;
    }
    lx->stack[lx->sp++] = (struct cond_frame){(uint8_t)kind, (uint8_t)sub, depth};
}

static struct cond_frame *top(struct cond_lexer *lx)
{
    return lx->sp ? &lx->stack[lx->sp - 1] : NULL;
}

/* Depth of the parse_or frame of the innermost expression (the whole text: 1). */
static uint32_t group_depth(struct cond_lexer *lx)
{
    return lx->sp ? top(lx)->depth : 1;
}

/* ---- token construction ---- */

static int emit(struct cond_lexer *lx, COND_YYLTYPE *loc, int tok, size_t start, size_t end,
                enum cond_mode next)
{
    loc->start = (uint32_t)start;
    loc->end = (uint32_t)end;
    lx->mode = next;
    return tok;
}

static void set_last(struct cond_lexer *lx, const void *s, size_t n)
{
    lx->last = s;
    lx->last_len = n;
}

static struct ast_node *text_node(struct cond_lexer *lx, enum ast_kind kind, size_t s, size_t n)
{
    struct ast_node *node = ast_new(lx->a, kind, (uint32_t)s, (uint32_t)(s + n));
    node->str.s = arena_strndup(lx->a, (const char *)lx->buf + s, n);
    node->str.len = n;
    set_last(lx, node->str.s, n);
    return node;
}

static int hexval(unsigned char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* Decodes the escapes of the quoted string buf[s, s+n) (quotes included). */
static bool decode_quoted(struct cond_lexer *lx, size_t s, size_t n, struct ast_str *out)
{
    cursor p = lx->buf + s;
    unsigned char q = p[0];
    size_t end = n - 1; /* the closing quote */
    char *d = arena_alloc(lx->a, n);
    size_t k = 0;
    for (size_t i = 1; i < end; i++) {
        if (p[i] != '\\') {
            d[k++] = (char)p[i];
            continue;
        }
        /* m_quoted guarantees a byte after every backslash of the body */
        size_t bs = s + i++;
        switch (p[i]) {
        case 'b':
            d[k++] = '\b';
            break;
        case 'f':
            d[k++] = '\f';
            break;
        case 'n':
            d[k++] = '\n';
            break;
        case 'r':
            d[k++] = '\r';
            break;
        case 't':
            d[k++] = '\t';
            break;
        case ' ': /* tolerated by Falco for old rules: one backslash, space dropped */
        case '\\':
            d[k++] = '\\';
            break;
        case '/':
            d[k++] = '/';
            break;
        case '"':
            if (q != '"') {
                cond_lex_error(lx, bs, "invalid \\\" escape in '-quoted string");
                return false;
            }
            d[k++] = '"';
            break;
        case '\'':
            if (q != '\'') {
                cond_lex_error(lx, bs, "invalid \\' escape in \"-quoted string");
                return false;
            }
            d[k++] = '\'';
            break;
        case 'x':
            if (i + 2 < end && isxdigit(p[i + 1]) && isxdigit(p[i + 2])) {
                d[k++] = (char)(hexval(p[i + 1]) << 4 | hexval(p[i + 2]));
                i += 2;
                break;
            }
            cond_lex_error(lx, bs, "invalid \\x escape sequence: expected two hexadecimal digits");
            return false;
        default:
            cond_lex_error(lx, bs, "unsupported string escape sequence: \\%c", p[i]);
            return false;
        }
    }
    d[k] = '\0';
    out->s = d;
    out->len = k;
    return true;
}

/* A quoted string at the cursor as an AST_STR node; NULL with *bad on an escape error. */
static struct ast_node *quoted_node(struct cond_lexer *lx, size_t n, bool *bad)
{
    size_t s = lx->pos;
    struct ast_node *node = ast_new(lx->a, AST_STR, (uint32_t)s, (uint32_t)(s + n));
    if (!decode_quoted(lx, s, n, &node->str)) {
        *bad = true;
        return NULL;
    }
    set_last(lx, node->str.s, node->str.len); /* Falco reports the decoded text */
    lx->pos = s + n;
    return node;
}

/* A number, quoted string or bare string at the cursor, by the classes allowed. */
enum { V_NUMBER = 1, V_QUOTED = 2, V_BARE = 4 };

static int value_token(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc, int classes,
                       enum cond_mode next)
{
    size_t s = lx->pos, n;
    if ((classes & V_NUMBER) && (n = m_number(here(lx), lim(lx)))) {
        val->node = text_node(lx, AST_STR, s, n);
        lx->pos = s + n;
        return emit(lx, loc, TK_NUMBER, s, s + n, next);
    }
    if ((classes & V_QUOTED) && (n = m_quoted(here(lx), lim(lx)))) {
        bool bad = false;
        val->node = quoted_node(lx, n, &bad);
        if (bad)
            return COND_YYerror;
        return emit(lx, loc, TK_STRING, s, s + n, next);
    }
    if ((classes & V_BARE) && (n = m_bare(here(lx), lim(lx)))) {
        val->node = text_node(lx, AST_STR, s, n);
        lx->pos = s + n;
        return emit(lx, loc, TK_STRING, s, s + n, next);
    }
    return 0;
}

/* "[arg]" right after a field name or a transformer's ')'; the cursor is on '['. */
static bool bracket_arg(struct cond_lexer *lx, struct ast_node *node)
{
    size_t a = ++lx->pos, n;
    if ((n = m_quoted(here(lx), lim(lx)))) {
        if (!decode_quoted(lx, a, n, &node->arg))
            return false;
    } else if ((n = m_argbare(here(lx), lim(lx)))) {
        node->arg.s = arena_strndup(lx->a, (const char *)lx->buf + a, n);
        node->arg.len = n;
    } else {
        fail(lx, a, "expected a valid field argument: a quoted string or a bare string");
        return false;
    }
    lx->pos = a + n;
    if (peek(lx, lx->pos) != ']') {
        fail(lx, lx->pos, "expected a ']' token");
        return false;
    }
    lx->pos++;
    node->has_arg = true;
    node->arg_start = (uint32_t)a;
    set_last(lx, "]", 1);
    return true;
}

/* A field name of length n at the cursor, with its optional argument. */
static int field_token(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc, size_t n,
                       uint32_t depth, enum cond_mode next)
{
    size_t s = lx->pos;
    if (too_deep(lx, depth, s))
        return COND_YYerror;
    struct ast_node *node = text_node(lx, AST_FIELD, s, n);
    lx->pos = s + n;
    if (peek(lx, lx->pos) == '[' && !bracket_arg(lx, node))
        return COND_YYerror;
    node->end = (uint32_t)lx->pos;
    val->node = node;
    return emit(lx, loc, TK_FIELD, s, lx->pos, next);
}

/* "name(" for a transformer other than val; returns its length, 0 if none. */
static size_t xf_opener(const struct cond_lexer *lx, enum ast_xf *xf)
{
    for (int i = 0; i < AST_XF_COUNT; i++) {
        size_t n = strlen(ast_xf_name[i]);
        if (i != AST_XF_VAL && starts(lx, lx->pos, ast_xf_name[i]) &&
            peek(lx, lx->pos + n) == '(') {
            *xf = (enum ast_xf)i;
            return n + 1;
        }
    }
    return 0;
}

/* Opens a transformer call (val too): pushes its frame, returns the opener token. */
static int open_xf(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc, enum ast_xf xf,
                   size_t n, enum cond_xf_role role, uint32_t depth)
{
    size_t s = lx->pos;
    if (too_deep(lx, depth, s))
        return COND_YYerror;
    push(lx, CF_XF, role, depth);
    struct ast_node *node = ast_new(lx->a, AST_XFORM, (uint32_t)s, (uint32_t)(s + n));
    node->xf = xf;
    val->node = node;
    set_last(lx, ast_xf_name[xf], strlen(ast_xf_name[xf]));
    lx->pos = s + n;
    if (xf == AST_XF_VAL)
        return emit(lx, loc, TK_VAL_OPEN, s, s + n, CM_VAL_FIELD);
    return emit(lx, loc, TK_XF_OPEN, s, s + n, CM_XF_ARG);
}

/* Falco's try_parse_transformer_or_val: right-hand val( or a transformer; 0 if none. */
static int rhs_xf(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    uint32_t t = lx->check_depth + 3;
    enum ast_xf xf;
    size_t n;
    if (starts(lx, lx->pos, "val("))
        return open_xf(lx, val, loc, AST_XF_VAL, 4, CX_RHS, t);
    if ((n = xf_opener(lx, &xf)))
        return open_xf(lx, val, loc, xf, n, CX_RHS, t + 1);
    return 0;
}

/* The cursor is on the ')' closing a transformer call (or val). */
static int close_xf(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    static const enum cond_mode after[] = {
        [CX_LHS] = CM_OPERATOR, [CX_RHS] = CM_AFTER, [CX_ARG] = CM_XF_SEP, [CX_TLIST] = CM_TL_SEP};
    size_t s = lx->pos++;
    enum cond_xf_role role = (enum cond_xf_role)lx->stack[--lx->sp].sub;
    struct ast_node *node = ast_new(lx->a, AST_XFORM, (uint32_t)s, (uint32_t)(s + 1));
    set_last(lx, ")", 1);
    if (peek(lx, lx->pos) == '[' && !bracket_arg(lx, node))
        return COND_YYerror;
    node->end = (uint32_t)lx->pos;
    val->node = node;
    return emit(lx, loc, TK_XF_CLOSE, s, lx->pos, after[role]);
}

static int punct(struct cond_lexer *lx, COND_YYLTYPE *loc, int tok, enum cond_mode next)
{
    size_t s = lx->pos++;
    set_last(lx, lx->buf + s, 1);
    return emit(lx, loc, tok, s, s + 1, next);
}

/* ---- one function per mode ---- */

/* not_expr / check start: "not" BL, "not(", "(", field, transformer, identifier. */
static int lex_expr(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    /* parse_and, parse_not and parse_check (or the group of "not(") */
    uint32_t c = group_depth(lx) + 3;
    if (too_deep(lx, c, lx->pos))
        return COND_YYerror;
    skip_blanks(lx);
    size_t s = lx->pos, n;
    enum ast_xf xf;
    if ((n = m_not_blank(here(lx), lim(lx)))) {
        set_last(lx, "not", 3);
        lx->pos = s + n;
        return emit(lx, loc, TK_NOT, s, s + 3, CM_EXPR);
    }
    if (starts(lx, s, "not(")) {
        push(lx, CF_GROUP, CG_NOT, c + 1);
        lx->pos = s + 4;
        set_last(lx, "(", 1);
        return emit(lx, loc, TK_NOT_LP, s, s + 4, CM_EXPR);
    }
    if (peek(lx, s) == '(') {
        push(lx, CF_GROUP, CG_CHECK, c + 2);
        return punct(lx, loc, TK_LP, CM_EXPR);
    }
    if ((n = m_field(here(lx), lim(lx)))) {
        lx->check_depth = c;
        return field_token(lx, val, loc, n, c + 1, CM_OPERATOR);
    }
    if ((n = xf_opener(lx, &xf))) {
        lx->check_depth = c;
        return open_xf(lx, val, loc, xf, n, CX_LHS, c + 1);
    }
    if ((n = m_ident(here(lx), lim(lx)))) {
        val->node = text_node(lx, AST_ID, s, n);
        lx->pos = s + n;
        return emit(lx, loc, TK_ID, s, s + n, CM_AFTER);
    }
    return fail(lx, s, "expected a '(' token, a field check, or an identifier");
}

/*
 * The operator after a check's left side, tried in ast.def order. A word
 * operator needs a blank after it; when the blank is missing Falco gives up on
 * the string operators but has already consumed the word, and goes on trying
 * the list operators after it (so "containsin (a)" is an 'in' check).
 */
static int lex_operator(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    static const int tok[] = {[AST_OPC_UNARY] = TK_EXISTS,
                              [AST_OPC_ORDER] = TK_NUMOP,
                              [AST_OPC_STR] = TK_STROP,
                              [AST_OPC_LIST] = TK_LISTOP};
    static const enum cond_mode next[] = {[AST_OPC_UNARY] = CM_AFTER,
                                          [AST_OPC_ORDER] = CM_NUMVAL,
                                          [AST_OPC_STR] = CM_STRVAL,
                                          [AST_OPC_LIST] = CM_LISTVAL};
    skip_blanks(lx);
    bool words_failed = false;
    size_t word_at = 0;
    const char *word = NULL;
    for (int i = 0; i < AST_OP_COUNT; i++) {
        enum ast_op_class cls = ast_op_class[i];
        const char *sp = ast_op_spelling[i];
        size_t s = lx->pos, n = strlen(sp);
        if ((words_failed && cls != AST_OPC_LIST) || !starts(lx, s, sp))
            continue;
        lx->pos = s + n;
        set_last(lx, sp, n);
        if (cls == AST_OPC_STR) {
            if (isalpha((unsigned char)sp[0])) {
                if (!skip_blanks(lx)) {
                    words_failed = true;
                    word_at = s + n;
                    word = sp;
                    continue;
                }
                lx->mod_ok = true;
            } else {
                /* a modifier must be separated from a symbolic operator */
                lx->mod_ok = blank_at(lx, lx->pos);
            }
        }
        val->op = (enum ast_op)i;
        return emit(lx, loc, tok[cls], s, s + n, next[cls]);
    }
    if (words_failed) {
        /* Falco stops right after the word, where the blank is missing. */
        cond_lex_error(lx, word_at, "operator '%s' must be followed by a blank", word);
        return COND_YYerror;
    }
    char ops[256];
    op_list(ops, sizeof(ops));
    cond_lex_error(lx, lx->pos, "expected a valid check operator: one of %s", ops);
    return COND_YYerror;
}

static int lex_numval(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    int t;
    if (too_deep(lx, lx->check_depth + 3, lx->pos))
        return COND_YYerror;
    skip_blanks(lx);
    if ((t = rhs_xf(lx, val, loc)) || (t = value_token(lx, val, loc, V_NUMBER, CM_AFTER)))
        return t;
    return fail_xf(lx, lx->pos, "a number value");
}

/*
 * §5.6: "oneof"/"anyof"/"allof" + blank is a modifier only when the next
 * non-blank byte opens a list or starts an identifier that is not the whole
 * word and, or or not; otherwise the word is an ordinary bare string.
 */
static int try_modifier(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    static const char *const kw[] = {"and", "or", "not"};
    size_t s = lx->pos;
    for (int m = AST_MOD_NONE + 1; m < AST_MOD_COUNT; m++) {
        size_t n = strlen(ast_mod_word[m]), q = s + n;
        if (!starts(lx, s, ast_mod_word[m]) || !blank_at(lx, q))
            continue;
        while (blank_at(lx, q))
            q++;
        int c = peek(lx, q);
        if (c != '(' && !(c >= 0 && isalpha(c)))
            return 0;
        for (size_t k = 0; c != '(' && k < sizeof(kw) / sizeof(kw[0]); k++) {
            int after = peek(lx, q + strlen(kw[k]));
            if (starts(lx, q, kw[k]) && !(after >= 0 && isalnum(after)))
                return 0;
        }
        val->mod = (enum ast_mod)m;
        set_last(lx, ast_mod_word[m], n);
        lx->pos = q;
        return emit(lx, loc, TK_MOD, s, s + n, CM_MODVAL);
    }
    return 0;
}

static int lex_strval(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    int t;
    if (too_deep(lx, lx->check_depth + 2, lx->pos))
        return COND_YYerror;
    skip_blanks(lx);
    if (lx->mod_ok && (t = try_modifier(lx, val, loc)))
        return t;
    if (too_deep(lx, lx->check_depth + 3, lx->pos))
        return COND_YYerror;
    if ((t = rhs_xf(lx, val, loc)) ||
        (t = value_token(lx, val, loc, V_QUOTED | V_BARE, CM_AFTER)))
        return t;
    return fail_xf(lx, lx->pos, "a string value");
}

static int open_list(struct cond_lexer *lx, COND_YYLTYPE *loc)
{
    push(lx, CF_LIST, 0, lx->check_depth + 2);
    return punct(lx, loc, TK_LIST_LP, CM_LIST_FIRST);
}

/* An identifier on the right of a list operator or modifier: a string constant. */
static int ident_value(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    size_t s = lx->pos, n = m_ident(here(lx), lim(lx));
    if (!n)
        return 0;
    val->node = text_node(lx, AST_STR, s, n);
    lx->pos = s + n;
    return emit(lx, loc, TK_STRING, s, s + n, CM_AFTER);
}

static int lex_modval(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    int t;
    if (peek(lx, lx->pos) == '(')
        return open_list(lx, loc);
    if ((t = ident_value(lx, val, loc)))
        return t;
    return fail(lx, lx->pos, "expected a list or an identifier");
}

static int lex_listval(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    int t;
    if (too_deep(lx, lx->check_depth + 2, lx->pos))
        return COND_YYerror;
    skip_blanks(lx);
    if (peek(lx, lx->pos) == '(')
        return open_list(lx, loc);
    if (too_deep(lx, lx->check_depth + 3, lx->pos))
        return COND_YYerror;
    if ((t = rhs_xf(lx, val, loc)) || (t = ident_value(lx, val, loc)))
        return t;
    char names[160];
    xf_list(names, sizeof(names));
    cond_lex_error(lx, lx->pos,
                   "expected a list, an identifier, or a field with a valid transformer: %s",
                   names);
    return COND_YYerror;
}

static int close_frame(struct cond_lexer *lx, COND_YYLTYPE *loc, int tok, enum cond_mode next)
{
    lx->sp--;
    return punct(lx, loc, tok, next);
}

/* List literal items are plain strings (§5.2 note 5). */
static int lex_list(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    int t;
    enum cond_mode mode = lx->mode;
    if (mode == CM_LIST_ITEM && too_deep(lx, lx->check_depth + 3, lx->pos))
        return COND_YYerror;
    skip_blanks(lx);
    size_t s = lx->pos;
    if (mode == CM_LIST_SEP) {
        if (peek(lx, s) == ',')
            return punct(lx, loc, TK_COMMA, CM_LIST_ITEM);
        if (peek(lx, s) == ')')
            return close_frame(lx, loc, TK_LIST_RP, CM_AFTER);
        return fail(lx, s, "expected a ')' token");
    }
    if (mode == CM_LIST_FIRST && peek(lx, s) == ')')
        return close_frame(lx, loc, TK_LIST_RP, CM_AFTER);
    if (mode == CM_LIST_FIRST && too_deep(lx, lx->check_depth + 3, s))
        return COND_YYerror;
    if ((t = value_token(lx, val, loc, V_QUOTED | V_BARE, CM_LIST_SEP)))
        return t;
    /* Falco takes a bad first item for an empty list and then wants ')' */
    if (unterminated(lx, s))
        return COND_YYerror;
    return fail(lx, s, mode == CM_LIST_FIRST ? "expected a ')' token" : "expected a string value");
}

/* Transformer arguments: number, quoted string, '(' list, transformer, field. */
static int lex_xf_arg(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    uint32_t x = top(lx)->depth;
    enum ast_xf xf;
    size_t n;
    int t;
    if (too_deep(lx, x + 1, lx->pos))
        return COND_YYerror;
    skip_blanks(lx);
    if ((t = value_token(lx, val, loc, V_NUMBER | V_QUOTED, CM_XF_SEP)))
        return t;
    if (peek(lx, lx->pos) == '(') {
        push(lx, CF_TLIST, 0, x);
        return punct(lx, loc, TK_TL_LP, CM_TL_FIRST);
    }
    if ((n = xf_opener(lx, &xf)))
        return open_xf(lx, val, loc, xf, n, CX_ARG, x + 2);
    if ((n = m_field(here(lx), lim(lx))))
        return field_token(lx, val, loc, n, x + 2, CM_XF_SEP);
    return fail(lx, lx->pos,
                "expected field transformer argument: field, transformer, quoted string, number, "
                "or transformer list");
}

static int lex_xf_sep(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    skip_blanks(lx);
    if (peek(lx, lx->pos) == ',')
        return punct(lx, loc, TK_COMMA, CM_XF_ARG);
    if (peek(lx, lx->pos) == ')')
        return close_xf(lx, val, loc);
    return fail(lx, lx->pos, "expected a ')' token closing the transformer");
}

static int lex_val(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    size_t n;
    skip_blanks(lx);
    if (lx->mode == CM_VAL_CLOSE) {
        if (peek(lx, lx->pos) == ')')
            return close_xf(lx, val, loc);
        return fail(lx, lx->pos, "expected a ')' token closing the transformer");
    }
    if ((n = m_field(here(lx), lim(lx))))
        return field_token(lx, val, loc, n, lx->check_depth + 4, CM_VAL_CLOSE);
    return fail(lx, lx->pos, "expected a field within 'val' transformer");
}

/* Transformer lists (join, getopt): fields, transformers, quoted strings, numbers. */
static int lex_tlist(struct cond_lexer *lx, COND_YYSTYPE *val, COND_YYLTYPE *loc)
{
    uint32_t x = top(lx)->depth;
    enum ast_xf xf;
    size_t n;
    int t;
    skip_blanks(lx);
    int c = peek(lx, lx->pos);
    if (lx->mode == CM_TL_SEP) {
        if (c == ',')
            return punct(lx, loc, TK_COMMA, CM_TL_ITEM);
        if (c == ')')
            return close_frame(lx, loc, TK_TL_RP, CM_XF_SEP);
        return fail(lx, lx->pos, "expected ')'");
    }
    if (lx->mode == CM_TL_FIRST && c == ')')
        return close_frame(lx, loc, TK_TL_RP, CM_XF_SEP);
    if ((n = m_field(here(lx), lim(lx))))
        return field_token(lx, val, loc, n, x + 2, CM_TL_SEP);
    if ((n = xf_opener(lx, &xf)))
        return open_xf(lx, val, loc, xf, n, CX_TLIST, x + 2);
    if ((t = value_token(lx, val, loc, V_QUOTED, CM_TL_SEP)) ||
        (t = value_token(lx, val, loc, V_NUMBER, CM_TL_SEP)))
        return t;
    return fail(lx, lx->pos,
                "expected transformer list argument: field, transformer, quoted string, or "
                "number");
}

/* "and" / "or" after a check: a blank or '(' must follow (§5.2 note 3). */
static int keyword(struct cond_lexer *lx, COND_YYLTYPE *loc, const char *kw, int tok, int tok_lp,
                   enum cond_group_opener opener, uint32_t inner)
{
    size_t s = lx->pos, e = s + strlen(kw);
    lx->pos = e;
    set_last(lx, kw, e - s);
    if (skip_blanks(lx))
        return emit(lx, loc, tok, s, e, CM_EXPR);
    if (peek(lx, e) == '(') {
        push(lx, CF_GROUP, opener, inner);
        lx->pos = e + 1;
        return emit(lx, loc, tok_lp, s, e + 1, CM_EXPR);
    }
    cond_lex_error(lx, e, "expected blank or '(' after '%s'", kw);
    return COND_YYerror;
}

static int lex_after(struct cond_lexer *lx, COND_YYLTYPE *loc)
{
    uint32_t o = group_depth(lx);
    /* after "or(...)" Falco is back in its or-loop, where 'and' is not looked for */
    bool and_ok = !lx->after_or_group;
    lx->after_or_group = false;
    skip_blanks(lx);
    size_t s = lx->pos;
    if (and_ok && starts(lx, s, "and"))
        return keyword(lx, loc, "and", TK_AND, TK_AND_LP, CG_AND, o + 3);
    if (starts(lx, s, "or"))
        return keyword(lx, loc, "or", TK_OR, TK_OR_LP, CG_OR, o + 2);
    if (lx->sp) {
        if (peek(lx, s) != ')')
            return fail(lx, s, "expected a ')' token");
        lx->after_or_group = top(lx)->sub == CG_OR;
        return close_frame(lx, loc, TK_RP, CM_AFTER);
    }
    if (s == lx->len)
        return emit(lx, loc, COND_YYEOF, s, s, CM_AFTER);
    /* keep room for the fixed text of the message: Falco prints the whole token */
    int room = (int)sizeof(lx->err->msg) - 64;
    int n = lx->last_len < (size_t)room ? (int)lx->last_len : room;
    cond_lex_error(lx, s, "unexpected token after '%.*s', expecting 'or', 'and'", n, lx->last);
    return COND_YYerror;
}

int cond_yylex(COND_YYSTYPE *val, COND_YYLTYPE *loc, struct cond_lexer *lx)
{
    if (lx->failed)
        return COND_YYerror;
    switch (lx->mode) {
    case CM_EXPR:
        return lex_expr(lx, val, loc);
    case CM_OPERATOR:
        return lex_operator(lx, val, loc);
    case CM_NUMVAL:
        return lex_numval(lx, val, loc);
    case CM_STRVAL:
        return lex_strval(lx, val, loc);
    case CM_MODVAL:
        return lex_modval(lx, val, loc);
    case CM_LISTVAL:
        return lex_listval(lx, val, loc);
    case CM_LIST_FIRST:
    case CM_LIST_SEP:
    case CM_LIST_ITEM:
        return lex_list(lx, val, loc);
    case CM_XF_ARG:
        return lex_xf_arg(lx, val, loc);
    case CM_XF_SEP:
        return lex_xf_sep(lx, val, loc);
    case CM_VAL_FIELD:
    case CM_VAL_CLOSE:
        return lex_val(lx, val, loc);
    case CM_TL_FIRST:
    case CM_TL_ITEM:
    case CM_TL_SEP:
        return lex_tlist(lx, val, loc);
    case CM_AFTER:
        return lex_after(lx, loc);
    }
    return fail(lx, lx->pos, "internal error: bad lexer mode");
}

void cond_lex_init(struct cond_lexer *lx, struct arena *a, const char *text, size_t len,
                   struct cond_error *err)
{
    memset(lx, 0, sizeof(*lx));
    lx->a = a;
    unsigned char *b = arena_alloc(a, len + 1); /* zeroed: b[len] is the sentinel */
    if (len)
        memcpy(b, text, len);
    lx->buf = b;
    lx->len = len;
    lx->mode = CM_EXPR;
    lx->err = err;
    set_last(lx, "", 0);
}
