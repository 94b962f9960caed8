/*
 * evttypes.c - the event-type set of a condition (rules-language.md §7.1).
 *
 * Input: a resolved tree (identifiers point at macros). Output: the set of
 * event codes on which the condition can be true, computed as Falco does:
 * negation pushed to the leaves, evt.type checks give their codes (and are
 * complemented under negation), every other check is neutral (ALL, never
 * complemented). The rule index and LOAD_NO_EVTTYPE are built on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static bool is_type_field(const struct ast_node *e)
{
    return e->kind == AST_FIELD && !e->has_arg &&
           (!strcmp(e->str.s, "evt.type") || !strcmp(e->str.s, "syscall.type"));
}

static bool mentions_type(const struct ast_node *e)
{
    if (is_type_field(e))
        return true;
    for (size_t i = 0; i < e->nkids; i++)
        if (mentions_type(e->kids[i]))
            return true;
    return false;
}

static bool zero(const struct ast_node *k)
{
    return !strcmp(k->str.s, "0");
}

/* Checks on bare evt.num that no event can satisfy (every event has
 * evt.num >= 1): `= 0`, `in (0)`, `in ()`, `< 1`, `<= 0`. */
static bool evt_num_never(const struct ast_node *n)
{
    const struct ast_node *l = n->lhs, *r = n->rhs;
    if (l->kind != AST_FIELD || l->has_arg || strcmp(l->str.s, "evt.num") || !r ||
        n->mod != AST_MOD_NONE)
        return false;
    switch (n->op) {
    case AST_OP_EQ:
    case AST_OP_EQEQ:
        return r->kind == AST_STR && zero(r);
    case AST_OP_IN:
        if (r->kind != AST_LIST)
            return false;
        for (size_t i = 0; i < r->nkids; i++)
            if (!zero(r->kids[i]))
                return false;
        return true;
    case AST_OP_LT:
        return r->kind == AST_STR && (zero(r) || !strcmp(r->str.s, "1"));
    case AST_OP_LE:
        return r->kind == AST_STR && zero(r);
    default:
        return false;
    }
}

static bool leaf(const struct ast_node *n, bool neg, struct ev_set *out, char *err, size_t errsz)
{
    bool setop =
        (n->op == AST_OP_EQ || n->op == AST_OP_EQEQ || n->op == AST_OP_NE || n->op == AST_OP_IN) &&
        n->mod == AST_MOD_NONE;
    if (is_type_field(n->lhs)) {
        if (n->op == AST_OP_EXISTS) {
            if (neg)
                ev_set_clear(out);
            else
                ev_set_all(out);
            return true;
        }
        if (setop) {
            const struct ast_node *r = n->rhs;
            if (r->kind == AST_XFORM) {
                snprintf(err, errsz, "'%s' can't be compared with a field or transformer",
                         n->lhs->str.s);
                return false;
            }
            ev_set_clear(out);
            size_t nk = r->kind == AST_LIST ? r->nkids : 1;
            for (size_t i = 0; i < nk; i++) {
                const struct ast_node *k = r->kind == AST_LIST ? r->kids[i] : r;
                ev_codes_for_name(k->str.s, out);
            }
            if (n->op == AST_OP_NE)
                ev_set_complement(out);
            if (neg)
                ev_set_complement(out);
            return true;
        }
    } else if (setop && n->lhs->kind == AST_XFORM && mentions_type(n->lhs)) {
        snprintf(err, errsz, "event type fields can't be used inside a transformer here");
        return false;
    }
    if (evt_num_never(n)) {
        ev_set_clear(out);
        if (neg)
            ev_set_complement(out);
        return true;
    }
    ev_set_all(out);
    return true;
}

bool chk_evttypes(const struct ast_node *n, bool neg, struct ev_set *out, char *err, size_t errsz)
{
    switch (n->kind) {
    case AST_AND:
    case AST_OR: {
        bool intersect = (n->kind == AST_AND) != neg;
        if (!chk_evttypes(n->kids[0], neg, out, err, errsz))
            return false;
        for (size_t i = 1; i < n->nkids; i++) {
            struct ev_set k;
            if (!chk_evttypes(n->kids[i], neg, &k, err, errsz))
                return false;
            if (intersect)
                ev_set_intersect(out, &k);
            else
                ev_set_union(out, &k);
        }
        return true;
    }
    case AST_NOT:
        return chk_evttypes(n->kids[0], !neg, out, err, errsz);
    case AST_ID: {
        const struct rl_macro *m = n->user;
        const struct res_macro *rm = m->resolved;
        return chk_evttypes(rm->tree, neg, out, err, errsz);
    }
    case AST_CHECK:
        return leaf(n, neg, out, err, errsz);
    default:
        ev_set_all(out);
        return true;
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t chk_evttypes_names(const struct ev_set *s, const char **v, size_t max)
{
    size_t n = 0;
    for (int c = ev_set_next(s, 0); c >= 0; c = ev_set_next(s, c + 1)) {
        const char *nm = ev_name(c);
        if (!nm || !strcmp(nm, "NA"))
            continue;
        bool dup = false;
        for (size_t i = 0; i < n && !dup; i++)
            dup = !strcmp(v[i], nm);
        if (!dup && n < max)
            v[n++] = nm;
    }
    qsort(v, n, sizeof(*v), cmp_str);
    return n;
}

static void names(struct buf *b, const struct ev_set *s)
{
    const char *v[PPM_EVENT_MAX];
    size_t n = chk_evttypes_names(s, v, PPM_EVENT_MAX);
    buf_addc(b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addc(b, ',');
        buf_adds(b, v[i]);
    }
    buf_addc(b, '}');
}

void chk_evttypes_str(struct buf *b, const struct ev_set *s)
{
    if (ev_set_is_all(s)) {
        buf_adds(b, "ALL");
        return;
    }
    struct ev_set comp = *s;
    ev_set_complement(&comp);
    if (ev_set_count(&comp) < ev_set_count(s)) {
        buf_adds(b, "ALL-");
        names(b, &comp);
        return;
    }
    names(b, s);
}
