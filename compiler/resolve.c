/*
 * resolve.c - lists, macros and exceptions (rules-language.md §2-§4).
 *
 * Input: the loaded rules model. Output: for every list its one-level
 * expanded items; for every macro and rule the condition text with Falco's
 * textual rewrites applied (exceptions pasted in, list names replaced) and
 * its parsed tree, each identifier pointing at the macro it names.
 * Invariants: list substitution is textual and unordered, macro references
 * are structural and ordered by visibility — exactly as Falco does it, quirks
 * included, because rules written for Falco depend on them. Texts keep a map
 * back to the YAML scalars (mtext) so every error points into the file.
 */
#include <string.h>

#include "ast.h"
#include "session.h"

struct src_pos item_pos(const struct ynode *item)
{
    if (!item)
        return (struct src_pos){0};
    /* A mapping item is marked at its first key, as the YAML library does. */
    if (item->kind == YN_MAP && item->n)
        return (struct src_pos){item->src, item->keys[0]->start};
    return (struct src_pos){item->src, item->start};
}

/* ---- lists ------------------------------------------------------------ */

static void compile_lists(struct session *s)
{
    struct rl_set *set = &s->set;
    for (size_t i = 0; i < set->nlists; i++) {
        struct rl_list *l = set->lists[i];
        struct res_list *r = arena_alloc(&s->arena, sizeof(*r));
        size_t cap = l->nitems + 1;
        r->items = arena_alloc(&s->arena, cap * sizeof(*r->items));
        r->nodes = arena_alloc(&s->arena, cap * sizeof(*r->nodes));
        for (size_t k = 0; k < l->nitems; k++) {
            const struct ynode *it = l->items[k];
            struct rl_list *m = rl_find_list(set, it->value);
            /* One level only: M's items as written, if M came first. */
            if (m && m != l && m->index < l->visibility) {
                m->used = true;
                size_t need = r->n + m->nitems + (l->nitems - k);
                if (need > cap) {
                    size_t ncap = need * 2;
                    r->items = arena_realloc(&s->arena, r->items, cap * sizeof(*r->items),
                                             ncap * sizeof(*r->items));
                    r->nodes = arena_realloc(&s->arena, r->nodes, cap * sizeof(*r->nodes),
                                             ncap * sizeof(*r->nodes));
                    cap = ncap;
                }
                for (size_t j = 0; j < m->nitems; j++) {
                    r->items[r->n] = m->items[j]->value;
                    r->nodes[r->n++] = m->items[j];
                }
                continue;
            }
            r->items[r->n] = it->value;
            r->nodes[r->n++] = it;
        }
        r->pos = i;
        l->resolved = r;
    }
}

/* quote(v) of §3.3: values with a blank get double quotes, nothing else. */
static void quote_into(struct mtext *m, const char *v, const struct ynode *node, size_t voff,
                       bool copy_from_node)
{
    bool q = strchr(v, ' ') && v[0] != '"' && v[0] != '\'';
    if (q)
        mt_add_synth(m, "\"", 1, node, voff);
    if (copy_from_node && node && node->kind == YN_SCALAR)
        mt_add_value(m, node, 0, node->len);
    else
        mt_add_synth(m, v, strlen(v), node, voff);
    if (q)
        mt_add_synth(m, "\"", 1, node, voff + strlen(v));
}

static bool is_delim(char c)
{
    return strchr(" \t\n\r(),=", c) != NULL && c != '\0';
}
static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Replaces every delimited occurrence of list l's name in *m (§4.1). */
static void subst_list(struct session *s, struct mtext *m, struct rl_list *l)
{
    const char *name = l->name;
    size_t nlen = strlen(name);
    if (nlen == 0)
        return;
    const struct res_list *r = l->resolved;
    size_t pos = 0;
    for (;;) {
        const char *txt = mt_str(m);
        size_t len = mt_len(m);
        if (pos > len)
            break;
        const char *hit = memmem(txt + pos, len - pos, name, nlen);
        if (!hit)
            break;
        size_t start = (size_t)(hit - txt), end = start + nlen;
        if (!((start == 0 || is_delim(txt[start - 1])) && (end >= len || is_delim(txt[end])))) {
            pos = start + 1;
            continue;
        }
        size_t name_at = start;
        while (start > 0 && is_blank(txt[start - 1]))
            start--;
        while (end < len && is_blank(txt[end]))
            end++;
        if (r->n == 0) {
            if (start > 0 && txt[start - 1] == ',')
                start--;
            else if (end < len && txt[end] == ',')
                end++;
        }
        /* Synthetic text maps to the list name's place in the condition. */
        struct src_pos dummy = {0};
        (void)dummy;
        const struct ynode *at_node = NULL;
        size_t at_voff = 0;
        for (size_t i = 0; i < m->nsegs; i++) {
            const struct mseg *g = &m->segs[i];
            if (g->off <= name_at && name_at < g->off + g->len) {
                at_node = g->node;
                at_voff = g->synthetic ? g->voff : g->voff + (name_at - g->off);
                break;
            }
        }
        struct mtext out;
        mt_init(&out, &s->arena);
        mt_add_range(&out, m, 0, start);
        if (start > 0)
            mt_add_synth(&out, " ", 1, at_node, at_voff);
        size_t sub_start = mt_len(&out);
        for (size_t i = 0; i < r->n; i++) {
            if (i)
                mt_add_synth(&out, ", ", 2, at_node, at_voff);
            quote_into(&out, r->items[i], at_node, at_voff, false);
        }
        size_t sub_len = mt_len(&out) - sub_start;
        mt_add_synth(&out, " ", 1, at_node, at_voff);
        mt_add_range(&out, m, end, len);
        *m = out;
        l->used = true;
        /* Falco resumes one byte past the blank that follows the items. */
        pos = start + sub_len + 2;
    }
}

/*
 * Scratch for subst_all_lists: which lists may occur in the text being
 * rewritten. Falco scans the text once per list; we only visit the lists
 * whose names occur as delimited words (the same test, since a name without
 * delimiter characters matches exactly where it is a whole word), plus the
 * few names that contain delimiters and must be searched for.
 */
struct subst_scratch {
    unsigned char *cand;  /* per list position */
    struct rl_list **odd; /* names with delimiter characters */
    size_t nodd;
};

static void mark_words(struct session *s, const char *t, size_t n, unsigned char *cand)
{
    for (size_t i = 0; i < n;) {
        while (i < n && is_delim(t[i]))
            i++;
        size_t w = i;
        while (i < n && !is_delim(t[i]))
            i++;
        if (i > w) {
            char tmp[256];
            if (i - w >= sizeof(tmp))
                continue;
            memcpy(tmp, t + w, i - w);
            tmp[i - w] = '\0';
            struct rl_list *l = rl_find_list(&s->set, tmp);
            if (l)
                cand[((struct res_list *)l->resolved)->pos] = 1;
        }
    }
}

static void subst_all_lists(struct session *s, struct subst_scratch *sc, struct mtext *m,
                            struct res_lists *seen)
{
    size_t nl = s->set.nlists;
    mark_words(s, mt_str(m), mt_len(m), sc->cand);
    for (size_t i = 0; i < sc->nodd; i++)
        sc->cand[((struct res_list *)sc->odd[i]->resolved)->pos] = 1;
    for (size_t i = 0; i < nl; i++) {
        if (!sc->cand[i])
            continue;
        sc->cand[i] = 0;
        struct rl_list *l = s->set.lists[i];
        size_t before = mt_len(m);
        const char *txt_before = mt_str(m);
        subst_list(s, m, l);
        if (mt_len(m) == before && mt_str(m) == txt_before)
            continue;
        /* Inserted items may name lists that come later. */
        const struct res_list *r = l->resolved;
        for (size_t k = 0; k < r->n; k++)
            mark_words(s, r->items[k], strlen(r->items[k]), sc->cand);
        if (seen->n == seen->cap) {
            size_t cap = seen->cap ? seen->cap * 2 : 4;
            seen->v = arena_realloc(&s->arena, seen->v, seen->cap * sizeof(*seen->v),
                                    cap * sizeof(*seen->v));
            seen->cap = cap;
        }
        seen->v[seen->n++] = l;
    }
    /* Marks for lists before the last one substituted are cleared above;
     * clear the ones an item named but whose turn had already passed. */
    memset(sc->cand, 0, nl);
}

static void text_from_parts(struct mtext *m, const struct rl_text *t)
{
    for (size_t i = 0; i < t->n; i++) {
        if (i)
            mt_add_synth(m, " ", 1, t->parts[i], 0);
        mt_add_value(m, t->parts[i], 0, t->parts[i]->len);
    }
}

/* ---- exceptions (§3.3) -------------------------------------------------- */

static bool is_list_comp(const char *op)
{
    return !strcmp(op, "in") || !strcmp(op, "intersects") || !strcmp(op, "pmatch") ||
           strchr(op, ' ') != NULL; /* "startswith oneof": a modifier operator */
}

/* An exception translation error, in the context Falco gives it. */
static struct diag *rule_err(struct session *s, const struct rl_rule *r, enum diag_code c,
                             struct src_pos pos, const char *exception, const char *fmt_msg)
{
    struct diag *g = diag_add(&s->diags, c, pos, 1, "%s", fmt_msg);
    diag_loc(g, "rule", r->name, item_pos(r->item));
    diag_loc(g, "exception", exception, pos);
    return g;
}

static bool exception_text(struct session *s, const struct rl_rule *r, const struct rl_exception *e,
                           struct mtext *m)
{
    if (e->nvalues == 0)
        return true;
    const struct ynode *en = e->node;
    if (e->form == RL_EXC_SINGLE) {
        const struct ynode *f = e->fields[0];
        mt_add_synth(m, "(", 1, f, 0);
        mt_add_value(m, f, 0, f->len);
        mt_add_synth(m, " ", 1, f, f->len);
        mt_add_synth(m, e->comps[0], strlen(e->comps[0]), e->comp_nodes[0] ? e->comp_nodes[0] : f,
                     0);
        mt_add_synth(m, " (", 2, f, f->len);
        for (size_t i = 0; i < e->nvalues; i++) {
            const struct ynode *v = e->values[i];
            if (v->kind != YN_SCALAR) {
                struct src_pos p = {v->src, v->start};
                struct diag *g = rule_err(s, r, DIAG_LOAD_ERR_VALIDATE, p, e->name,
                                          "Expected values array to contain a list of strings");
                (void)g;
                return false;
            }
            if (i)
                mt_add_synth(m, ", ", 2, v, 0);
            quote_into(m, v->value, v, 0, true);
        }
        mt_add_synth(m, "))", 2, en, 0);
        return true;
    }
    mt_add_synth(m, "(", 1, en, 0);
    for (size_t t = 0; t < e->nvalues; t++) {
        const struct ynode *tup = e->values[t];
        /* A scalar where a tuple belongs has no items (§3.3). */
        size_t n = tup->kind == YN_SEQ ? tup->n : 0;
        if (n != e->nfields) {
            struct src_pos p = {tup->src, tup->start};
            rule_err(s, r, DIAG_LOAD_ERR_VALIDATE, p, e->name,
                     "Fields and values lists must have equal length");
            return false;
        }
        if (t)
            mt_add_synth(m, " or ", 4, tup, 0);
        mt_add_synth(m, "(", 1, tup, 0);
        for (size_t k = 0; k < n; k++) {
            const struct ynode *f = e->fields[k];
            const struct ynode *v = tup->kind == YN_SEQ ? tup->vals[k] : tup;
            const char *op = e->comps[k];
            if (k)
                mt_add_synth(m, " and ", 5, v, 0);
            mt_add_synth(m, " ", 1, f, 0);
            mt_add_value(m, f, 0, f->len);
            mt_add_synth(m, " ", 1, f, f->len);
            mt_add_synth(m, op, strlen(op), e->comp_nodes[k] ? e->comp_nodes[k] : f, 0);
            mt_add_synth(m, " ", 1, v, 0);
            if (v->kind == YN_SEQ) {
                mt_add_synth(m, "(", 1, v, 0);
                for (size_t j = 0; j < v->n; j++) {
                    if (j)
                        mt_add_synth(m, ", ", 2, v->vals[j], 0);
                    if (v->vals[j]->kind != YN_SCALAR) {
                        struct src_pos p = {v->vals[j]->src, v->vals[j]->start};
                        rule_err(s, r, DIAG_LOAD_ERR_VALIDATE, p, e->name,
                                 "Expected values array to contain a list of strings");
                        return false;
                    }
                    quote_into(m, v->vals[j]->value, v->vals[j], 0, true);
                }
                mt_add_synth(m, ")", 1, v, v->len);
            } else if (v->kind == YN_MAP) {
                struct src_pos p = {v->src, v->start};
                rule_err(s, r, DIAG_LOAD_ERR_VALIDATE, p, e->name,
                         "Expected values array to contain a list of strings");
                return false;
            } else if (is_list_comp(op)) {
                bool paren = v->value[0] == '(';
                if (!paren)
                    mt_add_synth(m, "(", 1, v, 0);
                mt_add_value(m, v, 0, v->len);
                if (!paren)
                    mt_add_synth(m, ")", 1, v, v->len);
            } else {
                quote_into(m, v->value, v, 0, true);
            }
        }
        mt_add_synth(m, ")", 1, tup, 0);
    }
    mt_add_synth(m, ")", 1, en, 0);
    return true;
}

/* ---- parsing and macro references ---------------------------------------- */

static struct ast_node *parse_text(struct session *s, const struct mtext *m,
                                   struct src_pos fallback, const char *kind, const char *name,
                                   struct src_pos item)
{
    struct cond_error err;
    struct ast_node *t = cond_parse(&s->arena, mt_str(m), mt_len(m), &err);
    if (!t) {
        struct src_pos p = mt_pos(m, err.offset, fallback);
        struct diag *g = diag_add(&s->diags, DIAG_LOAD_ERR_COMPILE_CONDITION, p, 1, "%s", err.msg);
        diag_loc(g, kind, name, item);
        diag_loc(g, "condition expression", "", p);
    }
    return t;
}

struct idref_ctx {
    struct session *s;
    const struct mtext *text;
    struct src_pos fallback;
    const char *kind, *name;
    struct src_pos item;
    const struct rl_macro *owner; /* NULL for rules: every macro is visible */
    bool ok;
};

static bool resolve_macro(struct session *s, struct rl_macro *m);

static void bind_ids(struct idref_ctx *c, struct ast_node *n)
{
    if (!c->ok)
        return;
    switch (n->kind) {
    case AST_AND:
    case AST_OR:
    case AST_NOT:
        for (size_t i = 0; i < n->nkids && c->ok; i++)
            bind_ids(c, n->kids[i]);
        return;
    case AST_ID: {
        struct rl_macro *x = rl_find_macro(&c->s->set, n->str.s);
        if (x && c->owner && x->index >= c->owner->visibility)
            x = NULL;
        struct src_pos p = mt_pos(c->text, n->start, c->fallback);
        if (!x) {
            struct diag *g = diag_add(&c->s->diags, DIAG_LOAD_ERR_VALIDATE, p, n->end - n->start,
                                      "Undefined macro '%s' used in filter.", n->str.s);
            diag_loc(g, c->kind, c->name, c->item);
            diag_loc(g, "condition expression", "", p);
            c->ok = false;
            return;
        }
        x->used = true;
        n->user = x;
        struct res_macro *rm = x->resolved;
        if (rm && rm->state == RES_ACTIVE) {
            struct diag *g = diag_add(&c->s->diags, DIAG_LOAD_ERR_VALIDATE, p, n->end - n->start,
                                      "reference loop in macro '%s'", x->name);
            diag_loc(g, c->kind, c->name, c->item);
            c->ok = false;
            return;
        }
        if (!resolve_macro(c->s, x))
            c->ok = false;
        return;
    }
    default:
        return;
    }
}

static bool resolve_macro(struct session *s, struct rl_macro *m)
{
    struct res_macro *r = m->resolved;
    if (r->state == RES_DONE)
        return true;
    if (r->state == RES_FAILED || r->state == RES_ACTIVE)
        return false;
    r->state = RES_ACTIVE;
    struct src_pos item = item_pos(m->item);
    struct src_pos fb =
        m->cond.n ? (struct src_pos){m->cond.parts[0]->src, m->cond.parts[0]->start} : item;
    r->tree = parse_text(s, &r->text, fb, "macro", m->name, item);
    bool ok = r->tree != NULL;
    if (ok) {
        struct idref_ctx c = {s, &r->text, fb, "macro", m->name, item, m, true};
        bind_ids(&c, r->tree);
        ok = c.ok;
    }
    r->state = ok ? RES_DONE : RES_FAILED;
    return ok;
}

bool res_run(struct session *s)
{
    struct rl_set *set = &s->set;
    size_t errors_before = s->diags.nerrors;
    /* Every compile starts afresh: uses are found again. */
    for (size_t i = 0; i < set->nlists; i++)
        set->lists[i]->used = false;
    for (size_t i = 0; i < set->nmacros; i++)
        set->macros[i]->used = false;
    compile_lists(s);
    struct subst_scratch sc = {0};
    sc.cand = arena_alloc(&s->arena, set->nlists + 1);
    sc.odd = arena_alloc(&s->arena, (set->nlists + 1) * sizeof(*sc.odd));
    for (size_t i = 0; i < set->nlists; i++) {
        const char *nm = set->lists[i]->name;
        if (strpbrk(nm, " \t\n\r(),=") || strlen(nm) >= 255)
            sc.odd[sc.nodd++] = set->lists[i];
    }

    /* Texts first: list substitution happens before any parse, and every
     * macro condition counts as a use of the lists it names. */
    for (size_t i = 0; i < set->nmacros; i++) {
        struct rl_macro *m = set->macros[i];
        struct res_macro *r = arena_alloc(&s->arena, sizeof(*r));
        mt_init(&r->text, &s->arena);
        text_from_parts(&r->text, &m->cond);
        subst_all_lists(s, &sc, &r->text, &r->lists);
        m->resolved = r;
    }
    for (size_t i = 0; i < set->nmacros; i++)
        resolve_macro(s, set->macros[i]);

    for (size_t i = 0; i < set->nrules; i++) {
        struct rl_rule *rule = set->rules[i];
        struct res_rule *r = arena_alloc(&s->arena, sizeof(*r));
        rule->resolved = r;
        if (!rule->source_known)
            continue;
        mt_init(&r->text, &s->arena);
        struct src_pos item = item_pos(rule->item);
        bool ok = true;
        if (rule->nexceptions) {
            const struct ynode *c0 = rule->cond.n ? rule->cond.parts[0] : NULL;
            mt_add_synth(&r->text, "(", 1, c0, 0);
            text_from_parts(&r->text, &rule->cond);
            mt_add_synth(&r->text, ")", 1, c0, c0 ? c0->len : 0);
            for (size_t k = 0; k < rule->nexceptions && ok; k++) {
                struct mtext t;
                mt_init(&t, &s->arena);
                ok = exception_text(s, rule, &rule->exceptions[k], &t);
                if (ok && mt_len(&t)) {
                    mt_add_synth(&r->text, " and not ", 9, rule->exceptions[k].node, 0);
                    mt_add_range(&r->text, &t, 0, mt_len(&t));
                }
            }
        } else {
            text_from_parts(&r->text, &rule->cond);
        }
        if (!ok)
            continue;
        subst_all_lists(s, &sc, &r->text, &r->lists);
        struct src_pos fb =
            rule->cond.n ? (struct src_pos){rule->cond.parts[0]->src, rule->cond.parts[0]->start}
                         : item;
        r->tree = parse_text(s, &r->text, fb, "rule", rule->name, item);
        if (!r->tree)
            continue;
        struct idref_ctx c = {s, &r->text, fb, "rule", rule->name, item, NULL, true};
        bind_ids(&c, r->tree);
        r->ok = c.ok;
    }
    return s->diags.nerrors == errors_before;
}
