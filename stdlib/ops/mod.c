/*
 * mod.c - the modifiers: `v OP oneof|anyof|allof (r1, r2, ...)`.
 *
 * Input: a string operator, a modifier and the constant list. Output:
 * struct op_modset, one object owning everything it prepared (needles, glob
 * programs, regexes, decoded bytes); op_modset_free() releases it all.
 *
 * oneof: exactly one r satisfies `v OP r`, duplicates counted; anyof: at
 * least one; allof: all; an empty list is false for all three.
 * '=' and '!=' do not loop: a multiset of the items answers every case in
 * one lookup (how many items equal v). The other operators test items in
 * list order and stop as soon as the answer is known.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ops.h"

struct mitem {
    union {
        struct op_needle *needle; /* contains, icontains, bcontains */
        struct op_glob *glob;
        struct op_regex *re;
    } u;
    const char *bytes; /* startswith / endswith / bstartswith: into pool */
    size_t len;
};

struct op_modset {
    enum op_strop op;
    enum op_mod mod;
    size_t n;             /* list length, duplicates included */
    struct op_strset *eq; /* '=' / '!=' */
    char *pool;
    struct mitem items[];
};

static void set_err(char *err, size_t errsz, const char *msg)
{
    if (err && errsz)
        snprintf(err, errsz, "%s", msg);
}

struct op_modset *op_modset_build(enum op_strop op, enum op_mod mod, const char *const *items,
                                  const size_t *lens, size_t n, char *err, size_t errsz)
{
    size_t pool = 0;
    for (size_t k = 0; k < n; k++)
        pool += lens[k];
    struct op_modset *m = calloc(1, sizeof *m + n * sizeof(struct mitem));
    if (!m || !(m->pool = malloc(pool + 1))) {
        free(m);
        set_err(err, errsz, "out of memory");
        return NULL;
    }
    m->op = op;
    m->mod = mod;
    m->n = n;
    if (op == OP_EQ || op == OP_NE) {
        m->eq = op_strset_build(items, lens, n);
        if (!m->eq) {
            op_modset_free(m);
            set_err(err, errsz, "out of memory");
            return NULL;
        }
        return m;
    }
    size_t used = 0;
    for (size_t k = 0; k < n; k++) {
        struct mitem *it = &m->items[k];
        const char *s = items[k];
        size_t len = lens[k];
        bool ok = true;
        switch (op) {
        case OP_CONTAINS:
        case OP_ICONTAINS:
            ok = (it->u.needle = op_needle_new(s, len, op == OP_ICONTAINS)) != NULL;
            break;
        case OP_GLOB:
        case OP_IGLOB:
            ok = (it->u.glob = op_glob_compile(s, len, op == OP_IGLOB)) != NULL;
            break;
        case OP_REGEX:
            it->u.re = op_regex_compile(s, len, err, errsz);
            if (!it->u.re) {
                op_modset_free(m);
                return NULL;
            }
            break;
        case OP_BCONTAINS:
        case OP_BSTARTSWITH: {
            ssize_t r = op_hex_decode(s, len, (unsigned char *)m->pool + used, pool - used);
            if (r < 0) {
                op_modset_free(m);
                set_err(err, errsz, "bcontains and bstartswith operator support hex strings only");
                return NULL;
            }
            it->bytes = m->pool + used;
            it->len = (size_t)r;
            used += (size_t)r;
            if (op == OP_BCONTAINS)
                ok = (it->u.needle = op_needle_new(it->bytes, it->len, false)) != NULL;
            break;
        }
        default: /* startswith, endswith */
            if (len)
                memcpy(m->pool + used, s, len);
            it->bytes = m->pool + used;
            it->len = len;
            used += len;
            break;
        }
        if (!ok) {
            op_modset_free(m);
            set_err(err, errsz, "out of memory");
            return NULL;
        }
    }
    return m;
}

static bool item_test(const struct op_modset *m, const struct mitem *it, const char *s, size_t n)
{
    switch (m->op) {
    case OP_CONTAINS:
    case OP_ICONTAINS:
    case OP_BCONTAINS:
        return op_needle_find(it->u.needle, s, n);
    case OP_GLOB:
    case OP_IGLOB:
        return op_glob_match(it->u.glob, s, n);
    case OP_REGEX:
        return op_regex_match(it->u.re, s, n);
    case OP_ENDSWITH:
        return op_endswith(s, n, it->bytes, it->len);
    default: /* startswith, bstartswith */
        return op_startswith(s, n, it->bytes, it->len);
    }
}

bool op_modset_eval(const struct op_modset *m, const char *s, size_t n)
{
    if (m->n == 0)
        return false;
    if (m->eq) {
        size_t equal = op_strset_count(m->eq, s, n);
        size_t sat = m->op == OP_EQ ? equal : m->n - equal;
        return op_mod_result(m->mod, sat, m->n);
    }
    size_t sat = 0;
    for (size_t k = 0; k < m->n; k++) {
        if (item_test(m, &m->items[k], s, n)) {
            sat++;
            if (m->mod == OP_ANYOF || (m->mod == OP_ONEOF && sat > 1))
                break;
        } else if (m->mod == OP_ALLOF) {
            return false;
        }
    }
    return op_mod_result(m->mod, sat, m->n);
}

void op_modset_free(struct op_modset *m)
{
    if (!m)
        return;
    for (size_t k = 0; k < m->n; k++) {
        struct mitem *it = &m->items[k];
        switch (m->op) {
        case OP_CONTAINS:
        case OP_ICONTAINS:
        case OP_BCONTAINS:
            op_needle_free(it->u.needle);
            break;
        case OP_GLOB:
        case OP_IGLOB:
            op_glob_free(it->u.glob);
            break;
        case OP_REGEX:
            op_regex_free(it->u.re);
            break;
        default:
            break;
        }
    }
    op_strset_free(m->eq);
    free(m->pool);
    free(m);
}
