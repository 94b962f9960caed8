/*
 * output.c - rule output strings (rules-language.md §8.1).
 *
 * Input: an output text. Output: literal runs and %-tokens, each token a
 * field or transformer expression parsed with the condition grammar. As in
 * Falco, the token is the longest text that parses *and* resolves against
 * the catalogue, so `%proc.namex` is proc.name followed by "x" and
 * `%proc.name)` works.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

static bool field_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/* The end of the longest text a token could possibly span from s[j]. */
static size_t token_bound(const char *s, size_t len, size_t j)
{
    for (int x = 0; x < AST_XF_COUNT; x++) {
        size_t l = strlen(ast_xf_name[x]);
        if (j + l < len && !strncmp(s + j, ast_xf_name[x], l) && s[j + l] == '(') {
            /* A transformer: up to its matching ')' (quotes respected). */
            int depth = 0;
            char q = 0;
            for (size_t i = j + l; i < len; i++) {
                char c = s[i];
                if (q) {
                    if (c == q && s[i - 1] != '\\')
                        q = 0;
                } else if (c == '"' || c == '\'') {
                    q = c;
                } else if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    i++;
                    if (i < len && s[i] == '[') {
                        const char *rb = memchr(s + i, ']', len - i);
                        if (rb)
                            i = (size_t)(rb - s) + 1;
                    }
                    return i;
                }
            }
            return len;
        }
    }
    size_t i = j;
    while (i < len && field_char(s[i]))
        i++;
    if (i < len && s[i] == '[') {
        size_t k = i + 1;
        char q = k < len && (s[k] == '"' || s[k] == '\'') ? s[k] : 0;
        for (k = q ? k + 1 : k; k < len; k++) {
            if (q && s[k] == q && s[k - 1] != '\\')
                q = 0;
            else if (!q && s[k] == ']')
                return k + 1;
        }
    }
    return i;
}

struct ast_node *chk_parse_lhs(struct arena *a, const char *s, size_t n)
{
    struct buf b;
    buf_init(&b, a);
    buf_add(&b, s, n);
    buf_adds(&b, " exists");
    struct cond_error err;
    struct ast_node *t = cond_parse(a, b.data, b.len, &err);
    if (!t || t->kind != AST_CHECK || t->op != AST_OP_EXISTS || t->lhs->end != n)
        return NULL;
    struct chk_type ty;
    char msg[256];
    if (!chk_expr_type(t->lhs, &ty, msg, sizeof(msg)))
        return NULL;
    return t->lhs;
}

bool out_parse(struct arena *a, const char *s, size_t len, struct out_tok **toks, size_t *n,
               char *err, size_t errsz, uint32_t *err_off)
{
    size_t cap = 8, cnt = 0;
    struct out_tok *v = arena_alloc(a, cap * sizeof(*v));
    size_t i = 0;
    if (len && s[0] == '*')
        i = 1; /* "print <NA> for missing fields": always on for rules */
    while (i < len) {
        if (cnt + 2 > cap) {
            v = arena_realloc(a, v, cap * sizeof(*v), cap * 2 * sizeof(*v));
            cap *= 2;
        }
        const char *pct = memchr(s + i, '%', len - i);
        size_t stop = pct ? (size_t)(pct - s) : len;
        if (stop > i)
            v[cnt++] = (struct out_tok){false, s + i, stop - i, 0, NULL, (uint32_t)i};
        if (!pct)
            break;
        size_t j = stop + 1;
        int width = 0;
        while (j < len && isdigit((unsigned char)s[j]) && width < 100000)
            width = width * 10 + (s[j++] - '0');
        if (j >= len) {
            snprintf(err, errsz, "invalid formatting syntax: formatting cannot end with a %%");
            *err_off = (uint32_t)stop;
            return false;
        }
        size_t bound = token_bound(s, len, j);
        struct ast_node *e = NULL;
        size_t end = bound;
        for (; end > j; end--)
            if ((e = chk_parse_lhs(a, s + j, end - j)))
                break;
        if (!e) {
            snprintf(err, errsz, "unknown filter: %.*s", (int)(bound > j ? bound - j : 1), s + j);
            *err_off = (uint32_t)j;
            return false;
        }
        v[cnt++] = (struct out_tok){true, s + j, end - j, width, e, (uint32_t)j};
        i = end;
    }
    *toks = v;
    *n = cnt;
    return true;
}
