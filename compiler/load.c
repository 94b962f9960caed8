/*
 * load.c - stage 2 of the rules pipeline: YAML items → the rules model.
 *
 * Input: the documents of one file (yaml.c), read into a set that earlier
 * files may already have filled. Output: the set's lists, macros and rules
 * with Falco 0.44's define / append / override / replace / enable semantics
 * applied (rules-language.md §1-§3, §10), plus diagnostics in Falco's words
 * with true file positions and Falco-shaped context chains (§9.4).
 *
 * Invariants:
 *  - items are read strictly in file order; each gets the next number of the
 *    set's shared counter when it defines, appends or replaces (an enable item
 *    and the version items take none), exactly as Falco's collector does;
 *  - an item is first read and checked completely, then applied: an item with
 *    an error changes nothing and is dropped, and loading goes on with the
 *    next item. Falco stops the whole file at its first error; keeping on is
 *    deliberate, so one broken rule never hides the next. Within an item the
 *    checks run in Falco's order, so the error reported is the one Falco
 *    would report;
 *  - warnings raised before an item's error are kept, as in Falco;
 *  - texts are kept as lists of scalar nodes (never joined here), so later
 *    stages map positions inside a condition back to the file.
 *
 * Ownership: everything in the arena passed in; no global state.
 */
#include "rules.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fc_alert.h"

/* Falco's texts that appear more than once. */
#define WARNING_APPEND                                                                             \
    "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under "          \
    "'override' instead."
#define WARNING_ENABLED                                                                            \
    "The standalone 'enabled' key usage is deprecated. The correct approach requires also a "      \
    "'replace' entry under the 'override' key (i.e. 'enabled: replace')."
#define ERROR_OVERRIDE_APPEND                                                                      \
    "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. "     \
    "'condition: append') under 'override' instead."
#define ERROR_NO_PREVIOUS_RULE_APPEND                                                              \
    "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists"
#define ERROR_NO_PREVIOUS_RULE_REPLACE                                                             \
    "An 'override.<key>: replace' to a rule was requested but no rule by that name already "       \
    "exists"

/* ---- small parsers shared with resolve.c ------------------------------------ */

static bool all_lower(const char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            return false;
    return true;
}

static bool all_upper(const char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            return false;
    return true;
}

/* YAML 1.1 booleans as yaml-cpp reads them: the words y/n, yes/no,
 * true/false, on/off, all lower case, or capitalised (rest lower or upper). */
bool rl_parse_bool(const char *s, bool *out)
{
    static const char *const words[][2] = {
        {"y", "n"}, {"yes", "no"}, {"true", "false"}, {"on", "off"}};
    if (!s || !*s)
        return false;
    bool flexible =
        all_lower(s) || (*s >= 'A' && *s <= 'Z' && (all_lower(s + 1) || all_upper(s + 1)));
    if (!flexible)
        return false;
    for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
        for (int v = 0; v < 2; v++)
            if (!strcasecmp(s, words[i][v])) {
                *out = v == 0;
                return true;
            }
    return false;
}

bool rl_parse_priority(const char *s, enum rl_priority *out)
{
    _Static_assert(RL_PRIO_EMERGENCY == 0 && RL_PRIO_DEBUG == 7, "the runtime's priority numbers");
    int p = fc_priority_parse(s);
    if (p < 0)
        return false;
    *out = (enum rl_priority)p;
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* An unsigned 32-bit number read like a C++ stream with base detection
 * (decimal, 0x hex, 0 octal): surrounding blanks allowed, no sign '-'. */
static bool parse_u32(const char *s, size_t len, uint32_t *out)
{
    size_t i = 0;
    while (i < len && is_space(s[i]))
        i++;
    if (i < len && s[i] == '+')
        i++;
    unsigned base = 10;
    if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        base = 16;
        i += 2;
    } else if (i < len && s[i] == '0') {
        base = 8;
    }
    uint64_t v = 0;
    size_t digits = 0;
    for (; i < len; i++, digits++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            break;
        if (d >= base)
            break;
        v = v * base + d;
        if (v > UINT32_MAX)
            return false;
    }
    if (digits == 0)
        return false;
    while (i < len && is_space(s[i]))
        i++;
    if (i != len)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* "x.y.z" as libsinsp's version reader takes it: three dot-separated unsigned
 * numbers at the start; whatever follows ("-rc1") is ignored. */
static bool parse_semver(const char *s, uint32_t v[3])
{
    for (int k = 0; k < 3; k++) {
        while (is_space(*s))
            s++;
        if (*s == '+')
            s++;
        if (*s < '0' || *s > '9')
            return false;
        uint64_t n = 0;
        while (*s >= '0' && *s <= '9') {
            n = n * 10 + (uint64_t)(*s++ - '0');
            if (n > UINT32_MAX)
                return false;
        }
        v[k] = (uint32_t)n;
        if (k < 2 && *s++ != '.')
            return false;
    }
    return true;
}

/* §10: same major, and not older than the requirement. */
static bool version_satisfies(const uint32_t have[3], const uint32_t need[3])
{
    if (have[0] != need[0])
        return false;
    if (have[1] != need[1])
        return have[1] > need[1];
    return have[2] >= need[2];
}

/* ---- the set ------------------------------------------------------------------ */

void rl_set_init(struct rl_set *s)
{
    memset(s, 0, sizeof(*s));
}

struct rl_list *rl_find_list(const struct rl_set *s, const char *name)
{
    return strmap_get(&s->list_ix, name, strlen(name));
}

struct rl_macro *rl_find_macro(const struct rl_set *s, const char *name)
{
    return strmap_get(&s->macro_ix, name, strlen(name));
}

struct rl_rule *rl_find_rule(const struct rl_set *s, const char *name)
{
    return strmap_get(&s->rule_ix, name, strlen(name));
}

/* Appends p to a growable pointer array (arena-backed, doubling). */
static void *push_ptr(struct arena *a, void *arr, size_t *n, size_t *cap, void *p)
{
    void **v = arr;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        v = arena_realloc(a, v, *cap * sizeof(*v), nc * sizeof(*v));
        *cap = nc;
    }
    v[(*n)++] = p;
    return v;
}

/* ---- loader state and diagnostics ----------------------------------------------- */

struct ld {
    struct arena *a;
    struct diags *d;
    struct rl_set *s;
    const struct source *src;
    bool failed; /* an error was reported for this file */
    struct {
        const char *type, *name;
        struct src_pos pos;
    } loc[DIAG_MAX_LOCS]; /* the context chain below "rules content" */
    int nloc;
};

static int ctx_push(struct ld *L, const char *type, const char *name, const struct ynode *at)
{
    int mark = L->nloc;
    if (L->nloc < DIAG_MAX_LOCS) {
        L->loc[L->nloc].type = type;
        L->loc[L->nloc].name = name ? name : "";
        L->loc[L->nloc].pos = (struct src_pos){at->src, at->start};
        L->nloc++;
    }
    return mark;
}

static void ctx_pop(struct ld *L, int mark)
{
    L->nloc = mark;
}

/* Bytes to underline: a scalar up to the end of its first line, else a caret. */
static uint32_t span_of(const struct ynode *n)
{
    if (n->kind != YN_SCALAR || n->end <= n->start)
        return 1;
    const char *t = n->src->text;
    uint32_t e = n->start;
    while (e < n->end && t[e] != '\n' && t[e] != '\r')
        e++;
    return e > n->start ? e - n->start : 1;
}

static struct diag *vreport(struct ld *L, enum diag_code code, const struct ynode *at,
                            const char *fmt, va_list ap)
{
    const char *msg = arena_vprintf(L->a, fmt, ap);
    struct diag *g =
        diag_add(L->d, code, (struct src_pos){at->src, at->start}, span_of(at), "%s", msg);
    for (int i = 0; i < L->nloc; i++)
        diag_loc(g, L->loc[i].type, L->loc[i].name, L->loc[i].pos);
    if (diag_severity(code) == DIAG_SEV_ERROR)
        L->failed = true;
    return g;
}

/* Reports an error at node `at` with the current context; returns false so
 * callers can `return err(...)`. */
static bool err(struct ld *L, enum diag_code code, const struct ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool err(struct ld *L, enum diag_code code, const struct ynode *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(L, code, at, fmt, ap);
    va_end(ap);
    return false;
}

static void warn(struct ld *L, enum diag_code code, const struct ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void warn(struct ld *L, enum diag_code code, const struct ynode *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(L, code, at, fmt, ap);
    va_end(ap);
}

#define YAML_VALIDATE DIAG_LOAD_ERR_YAML_VALIDATE
#define VALIDATE DIAG_LOAD_ERR_VALIDATE

/* ---- reading values (§1.3) --------------------------------------------------- */

enum { GOT_ERR = -1, GOT_NONE = 0, GOT_OK = 1 };

static bool is_null(const struct ynode *n)
{
    return n->kind == YN_SCALAR && n->is_null;
}

/* A non-empty scalar under `key`. */
static int get_str(struct ld *L, struct ynode *map, const char *key, bool required,
                   struct ynode **out)
{
    struct ynode *v = ymap_get(map, key);
    *out = NULL;
    if (!v) {
        if (!required)
            return GOT_NONE;
        err(L, YAML_VALIDATE, map, "Item has no mapping for key '%s'", key);
        return GOT_ERR;
    }
    if (is_null(v)) {
        err(L, YAML_VALIDATE, ymap_key(map, key), "Mapping for key '%s' is empty", key);
        return GOT_ERR;
    }
    int m = ctx_push(L, "value for", key, v);
    bool ok = true;
    if (v->kind != YN_SCALAR)
        ok = err(L, YAML_VALIDATE, v, "Value is not a scalar value");
    else if (v->len == 0)
        ok = err(L, YAML_VALIDATE, v, "Value must be non-empty");
    ctx_pop(L, m);
    if (!ok)
        return GOT_ERR;
    *out = v;
    return GOT_OK;
}

static int get_bool(struct ld *L, struct ynode *map, const char *key, bool required, bool *out,
                    struct ynode **node)
{
    struct ynode *v;
    int r = get_str(L, map, key, required, &v);
    if (node)
        *node = v;
    if (r != GOT_OK)
        return r;
    if (!rl_parse_bool(v->value, out)) {
        int m = ctx_push(L, "value for", key, v);
        err(L, YAML_VALIDATE, v, "Can't decode YAML scalar value");
        ctx_pop(L, m);
        return GOT_ERR;
    }
    return GOT_OK;
}

static int get_u32(struct ld *L, struct ynode *map, const char *key, uint32_t *out)
{
    struct ynode *v;
    int r = get_str(L, map, key, false, &v);
    if (r != GOT_OK)
        return r;
    if (!parse_u32(v->value, v->len, out)) {
        int m = ctx_push(L, "value for", key, v);
        err(L, YAML_VALIDATE, v, "Can't decode YAML scalar value");
        ctx_pop(L, m);
        return GOT_ERR;
    }
    return GOT_OK;
}

/* A sequence of scalars under `key` (`items`, `tags`). */
static int get_seq(struct ld *L, struct ynode *map, const char *key, bool required,
                   struct ynode **out)
{
    struct ynode *v = ymap_get(map, key);
    *out = NULL;
    if (!v) {
        if (!required)
            return GOT_NONE;
        err(L, YAML_VALIDATE, map, "Item has no mapping for key '%s'", key);
        return GOT_ERR;
    }
    int m = ctx_push(L, "value for", key, v);
    bool ok = true;
    if (v->kind != YN_SEQ) {
        ok = err(L, YAML_VALIDATE, v, "Value is not a sequence");
    } else {
        for (size_t i = 0; ok && i < v->n; i++) {
            int m2 = ctx_push(L, "list item", "", v->vals[i]);
            if (v->vals[i]->kind != YN_SCALAR || v->vals[i]->is_null)
                ok = err(L, YAML_VALIDATE, v->vals[i], "sequence value is not scalar");
            ctx_pop(L, m2);
        }
    }
    ctx_pop(L, m);
    if (!ok)
        return GOT_ERR;
    *out = v;
    return GOT_OK;
}

/* ---- texts and tags ------------------------------------------------------------- */

static struct rl_text text_of(struct arena *a, struct ynode *n)
{
    struct rl_text t = {arena_alloc(a, sizeof(struct ynode *)), 1};
    t.parts[0] = n;
    return t;
}

/* Falco joins an appended text with one space; an empty one is ignored. */
static bool text_append(struct arena *a, struct rl_text *t, struct ynode *n)
{
    if (n->len == 0)
        return false;
    struct ynode **p = arena_alloc(a, (t->n + 1) * sizeof(*p));
    if (t->n)
        memcpy(p, t->parts, t->n * sizeof(*p));
    p[t->n] = n;
    t->parts = p;
    t->n++;
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The tags of a sequence as a sorted set, optionally united with `old`. */
static const char **tag_set(struct arena *a, const char **old, size_t nold, const struct ynode *seq,
                            size_t *n)
{
    size_t cap = nold + (seq ? seq->n : 0);
    const char **v = arena_alloc(a, (cap ? cap : 1) * sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < nold; i++)
        v[k++] = old[i];
    for (size_t i = 0; seq && i < seq->n; i++)
        v[k++] = seq->vals[i]->value;
    qsort(v, k, sizeof(*v), cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || strcmp(v[u - 1], v[i]))
            v[u++] = v[i];
    *n = u;
    return v;
}

/* ---- names (§1.5, §1.6) ----------------------------------------------------------- */

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ([a-zA-Z]+[a-zA-Z0-9_]*), the whole name */
static bool macro_name_ok(const char *s)
{
    if (!is_alpha(*s))
        return false;
    for (s++; *s; s++)
        if (!is_alpha(*s) && !(*s >= '0' && *s <= '9') && *s != '_')
            return false;
    return true;
}

/* ([^()"'[:space:]=,]+), the whole name */
static bool list_name_ok(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (strchr("()\"'=,", s[i]) || s[i] == '\0' || is_space(s[i]))
            return false;
    return len > 0;
}

/* ---- `override` (§2.4.3) ----------------------------------------------------------- */

enum ovk {
    OV_CONDITION,
    OV_OUTPUT,
    OV_DESC,
    OV_PRIORITY,
    OV_TAGS,
    OV_EXCEPTIONS,
    OV_ENABLED,
    OV_WARN_EVTTYPES,
    OV_SKIP,
    OV_CAPTURE,
    OV_CAPTURE_DURATION,
    OV_ITEMS,
    OV_COUNT
};

static const char *const ov_names[OV_COUNT] = {
    "condition",
    "output",
    "desc",
    "priority",
    "tags",
    "exceptions",
    "enabled",
    "warn_evttypes",
    "skip-if-unknown-filter",
    "capture",
    "capture_duration",
    "items",
};

#define BIT(k) (1u << (k))
#define RULE_APPENDABLE                                                                            \
    (BIT(OV_CONDITION) | BIT(OV_OUTPUT) | BIT(OV_DESC) | BIT(OV_TAGS) | BIT(OV_EXCEPTIONS))
#define RULE_REPLACEABLE                                                                           \
    (RULE_APPENDABLE | BIT(OV_PRIORITY) | BIT(OV_ENABLED) | BIT(OV_WARN_EVTTYPES) | BIT(OV_SKIP) | \
     BIT(OV_CAPTURE) | BIT(OV_CAPTURE_DURATION))

struct overrides {
    unsigned app, rep;           /* keys to append / to replace */
    struct ynode *key[OV_COUNT]; /* where each was named */
};

static int ov_lookup(const struct ynode *k)
{
    if (k->kind != YN_SCALAR)
        return -1;
    for (int i = 0; i < OV_COUNT; i++)
        if (!strcmp(k->value, ov_names[i]))
            return i;
    return -1;
}

static bool read_overrides(struct ld *L, struct ynode *item, unsigned appendable,
                           unsigned replaceable, struct overrides *ov)
{
    memset(ov, 0, sizeof(*ov));
    struct ynode *o = ymap_get(item, "override");
    if (!o || is_null(o))
        return true;
    if (o->kind != YN_MAP) {
        /* yaml-cpp iterates a scalar as empty and throws on a sequence; either
         * way the author's intent is lost, so falcoc says so. */
        int m = ctx_push(L, "value for", "override", o);
        err(L, YAML_VALIDATE, o, "Value of 'override' must be a mapping");
        ctx_pop(L, m);
        return false;
    }
    int m0 = ctx_push(L, "overrides", "", item);
    bool ok = true;
    for (size_t i = 0; ok && i < o->n; i++) {
        struct ynode *k = o->keys[i], *v = o->vals[i];
        const char *key = k->kind == YN_SCALAR ? k->value : "";
        const char *op = v->kind == YN_SCALAR && !v->is_null ? v->value : "";
        int idx = ov_lookup(k);
        bool can_app = idx >= 0 && (appendable & BIT(idx));
        bool can_rep = idx >= 0 && (replaceable & BIT(idx));
        if (!strcmp(op, "append") || !strcmp(op, "replace")) {
            bool app = op[0] == 'a';
            int m = ctx_push(L, "overrides", key, k);
            if (app && !can_app)
                ok = err(L, YAML_VALIDATE, k,
                         "Key '%s' cannot be appended to, use 'replace' instead", key);
            else if (!app && !can_rep)
                ok = err(L, YAML_VALIDATE, k, "Key '%s' cannot be replaced", key);
            ctx_pop(L, m);
            if (ok) {
                if (app)
                    ov->app |= BIT(idx);
                else
                    ov->rep |= BIT(idx);
                ov->key[idx] = k;
            }
        } else {
            int m = ctx_push(L, "value for", key, v);
            ok = err(L, YAML_VALIDATE, v,
                     "Invalid override operation for key '%s': '%s'. Allowed values are: %s%s", key,
                     op, can_app ? "append " : "", can_rep ? "replace " : "");
            ctx_pop(L, m);
        }
    }
    ctx_pop(L, m0);
    return ok;
}

/* The `append` flag: read, warned about, and checked against `override`. */
static bool read_append(struct ld *L, struct ynode *item, bool *append)
{
    *append = false;
    struct ynode *node;
    if (get_bool(L, item, "append", false, append, &node) == GOT_ERR)
        return false;
    if (*append)
        warn(L, DIAG_LOAD_DEPRECATED_ITEM, ymap_key(item, "append"), WARNING_APPEND);
    return true;
}

/* ---- exceptions (§3) --------------------------------------------------------------- */

/* One entry of `exceptions:` as written. */
struct exc_in {
    const char *name;
    struct ynode *node, *name_node;
    struct ynode *fields, *comps, *values; /* value nodes; NULL when the key is absent */
};

/* Falco's "is_valid" of an entry: a non-empty scalar or a non-empty list. */
static bool entry_given(const struct ynode *v)
{
    return v && ((v->kind == YN_SCALAR && !v->is_null && v->len) || (v->kind == YN_SEQ && v->n));
}

/* `fields` / `comps`: a non-empty scalar, or a list of them. */
static bool check_names_entry(struct ld *L, struct ynode *v, const char *key)
{
    int m = ctx_push(L, "value for", key, v);
    bool ok = true;
    if (v->kind == YN_SCALAR && !v->is_null && v->len == 0) {
        ok = err(L, YAML_VALIDATE, v, "Value must be non-empty");
    } else if (v->kind == YN_SEQ) {
        for (size_t i = 0; ok && i < v->n; i++) {
            struct ynode *e = v->vals[i];
            int m2 = ctx_push(L, "exception", "", e);
            /* Falco would take a null or nested entry as an empty name and fail
             * later on it; falcoc stops here, on the entry itself. */
            if (e->kind != YN_SCALAR || e->is_null)
                ok = err(L, YAML_VALIDATE, e, "sequence value is not scalar");
            else if (e->len == 0)
                ok = err(L, YAML_VALIDATE, e, "Value must be non-empty");
            ctx_pop(L, m2);
        }
    }
    ctx_pop(L, m);
    return ok;
}

/* One `values` entry: a scalar, or a tuple whose elements are scalars or
 * lists of scalars (§3.1). Empty strings are refused as Falco does. */
static bool check_value(struct ld *L, struct ynode *v, int depth)
{
    int m = ctx_push(L, "value for", "", v);
    bool ok = true;
    if (v->kind == YN_SCALAR) {
        if (!v->is_null && v->len == 0)
            ok = err(L, YAML_VALIDATE, v, "Value must be non-empty");
    } else if (v->kind == YN_SEQ && depth < 2) {
        for (size_t i = 0; ok && i < v->n; i++) {
            int m2 = ctx_push(L, "exception", "", v->vals[i]);
            ok = check_value(L, v->vals[i], depth + 1);
            ctx_pop(L, m2);
        }
    } else {
        ok = err(L, YAML_VALIDATE, v, "sequence value is not scalar");
    }
    ctx_pop(L, m);
    return ok;
}

/* Reads `exceptions:` of a rule item (Falco's read_rule_exceptions). With
 * `append`, `fields` may be absent and a missing `values` is warned about.
 * *present tells whether the key was there at all. */
static bool read_exceptions(struct ld *L, struct ynode *item, bool append, struct exc_in **out,
                            size_t *nout, bool *present)
{
    *out = NULL;
    *nout = 0;
    struct ynode *exs = ymap_get(item, "exceptions");
    *present = exs != NULL;
    if (!exs || is_null(exs))
        return true;
    int m0 = L->nloc;
    ctx_push(L, "exceptions", "", exs);
    if (exs->kind != YN_SEQ) {
        err(L, YAML_VALIDATE, exs, "Rule exceptions must be a sequence");
        ctx_pop(L, m0);
        return false;
    }
    struct exc_in *v = arena_alloc(L->a, (exs->n ? exs->n : 1) * sizeof(*v));
    size_t n = 0;
    bool ok = true;
    for (size_t i = 0; ok && i < exs->n; i++) {
        struct ynode *ex = exs->vals[i];
        ctx_pop(L, m0);
        ctx_push(L, "exceptions", "", exs);
        ctx_push(L, "exception", "", ex);
        if (ex->kind != YN_MAP) {
            ok = err(L, YAML_VALIDATE, ex, "Rule exception must be a mapping");
            break;
        }
        struct ynode *name;
        if (get_str(L, ex, "name", true, &name) != GOT_OK) {
            ok = false;
            break;
        }
        /* from here the context is the rule's, then the named exception */
        ctx_pop(L, m0);
        ctx_push(L, "exception", name->value, ex);
        struct exc_in *e = &v[n];
        *e = (struct exc_in){.name = name->value, .node = ex, .name_node = name};
        for (size_t k = 0; k < n; k++)
            if (!strcmp(v[k].name, e->name)) {
                warn(L, DIAG_LOAD_EXCEPTION_NAME_NOT_UNIQUE, name,
                     "Multiple definitions of exception '%s' in the same rule", e->name);
                break;
            }
        e->fields = ymap_get(ex, "fields");
        if (!e->fields && !append) {
            ok = err(L, YAML_VALIDATE, ex, "Item has no mapping for key 'fields'");
            break;
        }
        if (e->fields && !(ok = check_names_entry(L, e->fields, "fields")))
            break;
        e->comps = ymap_get(ex, "comps");
        if (e->comps && !(ok = check_names_entry(L, e->comps, "comps")))
            break;
        e->values = ymap_get(ex, "values");
        if (e->values) {
            int m = ctx_push(L, "exception values", "", e->values);
            if (e->values->kind != YN_SEQ)
                ok = err(L, YAML_VALIDATE, e->values, "Rule exception values must be a sequence");
            for (size_t k = 0; ok && k < e->values->n; k++) {
                int m2 = ctx_push(L, "exception value", "", e->values->vals[k]);
                ok = check_value(L, e->values->vals[k], 0);
                ctx_pop(L, m2);
            }
            ctx_pop(L, m);
            if (!ok)
                break;
        } else if (append) {
            warn(L, DIAG_LOAD_APPEND_NO_VALUES, ex,
                 "Overriding/appending exception with no values");
        }
        n++;
    }
    ctx_pop(L, m0);
    if (!ok)
        return false;
    *out = v;
    *nout = n;
    return true;
}

static const char *const cmp_ops[] = {
    "exists",      "<=",       "<",     ">=",         ">",         "==",        "=",
    "!=",          "glob",     "iglob", "contains",   "icontains", "bcontains", "startswith",
    "bstartswith", "endswith", "regex", "intersects", "in",        "pmatch"};

/* The operators a modifier may follow (§5.6). */
static const char *const str_ops[] = {"=",          "==",          "!=",        "glob",
                                      "iglob",      "contains",    "icontains", "bcontains",
                                      "startswith", "bstartswith", "endswith",  "regex"};

static bool in_list(const char *s, size_t len, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(v[i]) == len && !memcmp(v[i], s, len))
            return true;
    return false;
}

/* "STROP MOD" (0.44+), e.g. "startswith oneof". */
static bool is_modifier_op(const char *s)
{
    size_t a = 0;
    while (s[a] && !is_space(s[a]))
        a++;
    size_t b = a;
    while (s[b] && is_space(s[b]))
        b++;
    if (b == a || !s[b])
        return false;
    const char *mod = s + b;
    size_t ml = strlen(mod);
    return in_list(s, a, str_ops, sizeof(str_ops) / sizeof(*str_ops)) &&
           (!strcmp(mod, "oneof") || !strcmp(mod, "anyof") || !strcmp(mod, "allof")) && ml == 5;
}

static const char *trim(struct arena *a, const char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n && is_space(s[n - 1]))
        n--;
    return arena_strndup(a, s, n);
}

/* Defaults and validation of a complete exception (Falco's
 * validate_exception_info, without the field check that needs the catalogue). */
static bool build_exception(struct ld *L, const struct exc_in *e, struct rl_exception *x)
{
    memset(x, 0, sizeof(*x));
    x->name = e->name;
    x->node = e->node;
    if (e->values && e->values->kind == YN_SEQ && e->values->n) {
        x->nvalues = e->values->n;
        x->values = arena_alloc(L->a, x->nvalues * sizeof(*x->values));
        memcpy(x->values, e->values->vals, x->nvalues * sizeof(*x->values));
    }
    bool comps_given = entry_given(e->comps);
    struct ynode *at = e->comps ? e->comps : e->node;
    if (e->fields->kind == YN_SEQ) {
        x->form = RL_EXC_LIST;
        x->nfields = e->fields->n;
        x->fields = arena_alloc(L->a, x->nfields * sizeof(*x->fields));
        memcpy(x->fields, e->fields->vals, x->nfields * sizeof(*x->fields));
        x->comps = arena_alloc(L->a, x->nfields * sizeof(*x->comps));
        x->comp_nodes = arena_alloc(L->a, x->nfields * sizeof(*x->comp_nodes));
        if (!comps_given) {
            for (size_t i = 0; i < x->nfields; i++)
                x->comps[i] = "=";
            return true;
        }
        size_t nc = e->comps->kind == YN_SEQ ? e->comps->n : 0;
        if (nc != x->nfields)
            return err(L, VALIDATE, at, "Fields and comps lists must have equal length");
        for (size_t i = 0; i < nc; i++) {
            struct ynode *c = e->comps->vals[i];
            const char *op = trim(L->a, c->value);
            if (!in_list(op, strlen(op), cmp_ops, sizeof(cmp_ops) / sizeof(*cmp_ops)) &&
                !is_modifier_op(op))
                return err(L, VALIDATE, c, "'%s' is not a supported comparison operator", op);
            x->comps[i] = op;
            x->comp_nodes[i] = c;
        }
        return true;
    }
    x->form = RL_EXC_SINGLE;
    x->nfields = 1;
    x->fields = arena_alloc(L->a, sizeof(*x->fields));
    x->fields[0] = e->fields;
    x->comps = arena_alloc(L->a, sizeof(*x->comps));
    x->comp_nodes = arena_alloc(L->a, sizeof(*x->comp_nodes));
    if (!comps_given) {
        x->comps[0] = "in";
        return true;
    }
    if (e->comps->kind == YN_SEQ)
        return err(L, VALIDATE, at, "Fields and comps must both be strings");
    const char *op = trim(L->a, e->comps->value);
    if (strcmp(op, "in") && strcmp(op, "pmatch") && strcmp(op, "intersects") && !is_modifier_op(op))
        return err(L, VALIDATE, at,
                   "When fields is a single value, comps must be one of (in, pmatch, intersects) "
                   "or a modifier operator (e.g. startswith oneof)");
    x->comps[0] = op;
    x->comp_nodes[0] = e->comps;
    return true;
}

/* Exceptions of a full definition or a replace: every entry complete. */
static bool define_exceptions(struct ld *L, const struct exc_in *in, size_t n,
                              struct rl_exception **out, size_t *nout)
{
    struct rl_exception *x = arena_alloc(L->a, (n ? n : 1) * sizeof(*x));
    for (size_t i = 0; i < n; i++) {
        int m = ctx_push(L, "exception", in[i].name, in[i].node);
        bool ok = true;
        if (!entry_given(in[i].fields))
            ok = err(L, VALIDATE, in[i].fields ? in[i].fields : in[i].node,
                     "Rule exception item must have fields property with a list of fields");
        else
            ok = build_exception(L, &in[i], &x[i]);
        ctx_pop(L, m);
        if (!ok)
            return false;
    }
    *out = x;
    *nout = n;
    return true;
}

/* §3.4: entries naming an existing exception add values to it; new names
 * are new exceptions and must be complete. Works on a copy of `old`. */
static bool merge_exceptions(struct ld *L, const struct rl_exception *old, size_t nold,
                             const struct exc_in *in, size_t n, struct rl_exception **out,
                             size_t *nout)
{
    struct rl_exception *x = arena_alloc(L->a, (nold + n ? nold + n : 1) * sizeof(*x));
    size_t k = nold;
    if (nold)
        memcpy(x, old, nold * sizeof(*x));
    for (size_t i = 0; i < n; i++) {
        const struct exc_in *e = &in[i];
        int m = ctx_push(L, "exception", e->name, e->node);
        bool ok = true;
        struct rl_exception *prev = NULL;
        for (size_t j = 0; j < k && !prev; j++)
            if (!strcmp(x[j].name, e->name))
                prev = &x[j];
        if (!prev) {
            if (!entry_given(e->fields))
                ok = err(L, VALIDATE, e->fields ? e->fields : e->node,
                         "Rule exception must have fields property with a list of fields");
            else if (!e->values || e->values->kind != YN_SEQ || e->values->n == 0)
                ok = err(L, VALIDATE, e->values ? e->values : e->node,
                         "Rule exception must have values property with a list of values");
            else
                ok = build_exception(L, e, &x[k++]);
        } else if (entry_given(e->fields)) {
            ok = err(L, VALIDATE, ymap_key(e->node, "fields"),
                     "Can not append exception fields to existing exception, only values");
        } else if (entry_given(e->comps)) {
            ok = err(L, VALIDATE, ymap_key(e->node, "comps"),
                     "Can not append exception comps to existing exception, only values");
        } else if (e->values && e->values->kind == YN_SEQ && e->values->n) {
            size_t nv = prev->nvalues + e->values->n;
            struct ynode **vals = arena_alloc(L->a, nv * sizeof(*vals));
            if (prev->nvalues)
                memcpy(vals, prev->values, prev->nvalues * sizeof(*vals));
            memcpy(vals + prev->nvalues, e->values->vals, e->values->n * sizeof(*vals));
            prev->values = vals;
            prev->nvalues = nv;
        }
        ctx_pop(L, m);
        if (!ok)
            return false;
    }
    *out = x;
    *nout = k;
    return true;
}

/* ---- unknown keys (§1.8) ------------------------------------------------------------ */

static void warn_unknown_keys(struct ld *L, const struct ynode *item, const char *const *valid,
                              size_t nvalid)
{
    for (size_t i = 0; i < item->n; i++) {
        const struct ynode *k = item->keys[i];
        const char *name = k->kind == YN_SCALAR ? k->value : "";
        bool known = false;
        for (size_t j = 0; j < nvalid && !known; j++)
            known = k->kind == YN_SCALAR && !strcmp(name, valid[j]);
        if (!known)
            warn(L, DIAG_LOAD_UNKNOWN_KEY, k, "Unknown key '%s'. The key will be ignored.", name);
    }
}

#define NELEMS(a) (sizeof(a) / sizeof(*(a)))

static const char *const rule_keys[] = {"rule",
                                        "condition",
                                        "output",
                                        "desc",
                                        "priority",
                                        "source",
                                        "enabled",
                                        "tags",
                                        "exceptions",
                                        "warn_evttypes",
                                        "skip-if-unknown-filter",
                                        "capture",
                                        "capture_duration",
                                        "append",
                                        "override"};
static const char *const macro_keys[] = {"macro", "condition", "append", "override"};
static const char *const list_keys[] = {"list", "items", "append", "override"};
static const char *const engine_keys[] = {"required_engine_version"};
static const char *const plugin_keys[] = {"required_plugin_versions"};

/* ---- version items (§1.7, §10) ------------------------------------------------------ */

static bool load_engine_version(struct ld *L, struct ynode *item)
{
    static const char *const key = "required_engine_version";
    struct ynode *v = ymap_get(item, key);
    uint32_t ver[3] = {0, 0, 0}, n;
    /* the integer form N means 0.N.0; it is tried first, silently */
    if (v->kind == YN_SCALAR && !v->is_null && v->len && parse_u32(v->value, v->len, &n)) {
        ver[1] = n;
    } else {
        if (get_str(L, item, key, true, &v) != GOT_OK)
            return false;
        if (!parse_semver(v->value, ver))
            return err(L, YAML_VALIDATE, v,
                       "Unable to parse engine version '%s' as a semver string. Expected \"x.y.z\" "
                       "semver format.",
                       v->value);
    }
    const uint32_t own[3] = {RL_ENGINE_MAJOR, RL_ENGINE_MINOR, RL_ENGINE_PATCH};
    if (!version_satisfies(own, ver))
        return err(L, VALIDATE, v,
                   "Rules require engine version %u.%u.%u, but engine version is %u.%u.%u", ver[0],
                   ver[1], ver[2], own[0], own[1], own[2]);
    struct rl_set *s = L->s;
    uint32_t *cur = s->engine_req;
    bool higher = !s->has_engine_required || ver[0] > cur[0] ||
                  (ver[0] == cur[0] && (ver[1] > cur[1] || (ver[1] == cur[1] && ver[2] > cur[2])));
    if (higher) {
        memcpy(cur, ver, sizeof(ver));
        s->engine_required = RL_VERSION_PACK(ver[0], ver[1], ver[2]);
        s->has_engine_required = true;
        s->engine_req_node = v;
    }
    return true;
}

/* One {name, version} of a plugin requirement. */
static bool read_plugin_req(struct ld *L, struct ynode *e, const char *type,
                            struct rl_plugin_req *r)
{
    struct ynode *name, *version;
    int m = ctx_push(L, type, "", e);
    bool ok = get_str(L, e, "name", true, &name) == GOT_OK;
    ctx_pop(L, m);
    if (!ok)
        return false;
    ctx_push(L, type, name->value, e);
    ok = get_str(L, e, "version", true, &version) == GOT_OK;
    if (ok)
        *r = (struct rl_plugin_req){name->value, version->value, e};
    return ok; /* the caller pops */
}

static bool load_plugin_versions(struct ld *L, struct ynode *item)
{
    struct ynode *v = ymap_get(item, "required_plugin_versions");
    if (v->kind != YN_SEQ)
        return err(L, YAML_VALIDATE, is_null(v) ? ymap_key(item, "required_plugin_versions") : v,
                   "Value of required_plugin_versions must be a sequence");
    struct rl_plugin_req **groups = arena_alloc(L->a, (v->n ? v->n : 1) * sizeof(*groups));
    size_t *nalts = arena_alloc(L->a, (v->n ? v->n : 1) * sizeof(*nalts));
    for (size_t i = 0; i < v->n; i++) {
        struct ynode *e = v->vals[i];
        int m = L->nloc;
        if (e->kind != YN_MAP) {
            ctx_push(L, "required plugin versions entry", "", e);
            err(L, YAML_VALIDATE, e, "Plugin version must be a mapping");
            ctx_pop(L, m);
            return false;
        }
        struct ynode *alts = ymap_get(e, "alternatives");
        size_t cap = 1 + (alts && alts->kind == YN_SEQ ? alts->n : 0);
        struct rl_plugin_req *g = arena_alloc(L->a, cap * sizeof(*g));
        size_t ng = 0;
        bool ok = read_plugin_req(L, e, "required plugin versions entry", &g[ng]);
        if (ok)
            ng++;
        int pm = L->nloc; /* the named entry's context */
        if (ok && alts) {
            if (alts->kind != YN_SEQ)
                ok = err(L, YAML_VALIDATE, is_null(alts) ? ymap_key(e, "alternatives") : alts,
                         "Value of plugin version alternatives must be a sequence");
            for (size_t k = 0; ok && k < alts->n; k++) {
                struct ynode *a = alts->vals[k];
                if (a->kind != YN_MAP) {
                    ctx_push(L, "required plugin versions alternative", "", a);
                    ok = err(L, YAML_VALIDATE, a, "Plugin version alternative must be a mapping");
                } else {
                    ok = read_plugin_req(L, a, "required plugin versions alternative", &g[ng]);
                    if (ok)
                        ng++;
                }
                ctx_pop(L, pm);
            }
        }
        /* the collector's checks, per entry as Falco runs them */
        for (size_t k = 0; ok && k < ng; k++) {
            uint32_t ver[3];
            struct ynode *vn = ymap_get(g[k].node, "version");
            if (!parse_semver(g[k].version, ver))
                ok = err(L, VALIDATE, vn, "Invalid required version '%s' for plugin '%s'",
                         g[k].version, g[k].name);
            for (size_t j = 0; ok && j < k; j++)
                if (!strcmp(g[j].name, g[k].name))
                    ok = err(L, VALIDATE, ymap_get(g[k].node, "name"),
                             "Defined multiple alternative version requirements for plugin '%s'",
                             g[k].name);
        }
        ctx_pop(L, m);
        if (!ok)
            return false;
        groups[i] = g;
        nalts[i] = ng;
    }
    struct rl_set *s = L->s;
    size_t total = s->nplugin_reqs + v->n;
    struct rl_plugin_req **ng = arena_alloc(L->a, (total ? total : 1) * sizeof(*ng));
    size_t *nn = arena_alloc(L->a, (total ? total : 1) * sizeof(*nn));
    if (s->nplugin_reqs) {
        memcpy(ng, s->plugin_reqs, s->nplugin_reqs * sizeof(*ng));
        memcpy(nn, s->plugin_nalts, s->nplugin_reqs * sizeof(*nn));
    }
    memcpy(ng + s->nplugin_reqs, groups, v->n * sizeof(*ng));
    memcpy(nn + s->nplugin_reqs, nalts, v->n * sizeof(*nn));
    s->plugin_reqs = ng;
    s->plugin_nalts = nn;
    s->nplugin_reqs = total;
    return true;
}

/* ---- lists (§1.6, §2.2) and macros (§1.5, §2.3) -------------------------------------- */

static bool load_list(struct ld *L, struct ynode *item)
{
    struct ynode *name, *items;
    int m = ctx_push(L, "list", "", item);
    bool ok = get_str(L, item, "list", true, &name) == GOT_OK;
    ctx_pop(L, m);
    if (!ok)
        return false;
    ctx_push(L, "list", name->value, item);
    if (!list_name_ok(name->value, name->len))
        warn(L, DIAG_LOAD_INVALID_LIST_NAME, name,
             "List has an invalid name. List names should match a regular expression: "
             "([^()\"'[:space:]=,]+)");
    bool append;
    struct overrides ov;
    if (get_seq(L, item, "items", true, &items) != GOT_OK || !read_append(L, item, &append) ||
        !read_overrides(L, item, BIT(OV_ITEMS), BIT(OV_ITEMS), &ov))
        return false;
    if (append && (ov.app | ov.rep))
        return err(L, YAML_VALIDATE, ymap_key(item, "append"), ERROR_OVERRIDE_APPEND);
    append |= (ov.app & BIT(OV_ITEMS)) != 0;

    struct rl_set *s = L->s;
    struct rl_list *l = rl_find_list(s, name->value);
    if (append) {
        if (!l)
            return err(L, VALIDATE, name,
                       "List uses 'append' or 'override.items: append' but no list by that name "
                       "already exists");
        size_t n = l->nitems + items->n;
        struct ynode **v = arena_alloc(L->a, (n ? n : 1) * sizeof(*v));
        if (l->nitems)
            memcpy(v, l->items, l->nitems * sizeof(*v));
        if (items->n)
            memcpy(v + l->nitems, items->vals, items->n * sizeof(*v));
        l->items = v;
        l->nitems = n;
        l->visibility = s->counter++;
        return true;
    }
    if (!l) {
        l = arena_alloc(L->a, sizeof(*l));
        l->index = s->counter;
        s->lists = push_ptr(L->a, s->lists, &s->nlists, &s->caplists, l);
        strmap_put(&s->list_ix, L->a, name->value, strlen(name->value), l);
    }
    l->name = name->value;
    l->item = item;
    l->name_node = name;
    l->items = items->vals;
    l->nitems = items->n;
    l->visibility = s->counter++;
    return true;
}

static bool load_macro(struct ld *L, struct ynode *item)
{
    struct ynode *name, *cond;
    int m = ctx_push(L, "macro", "", item);
    bool ok = get_str(L, item, "macro", true, &name) == GOT_OK;
    ctx_pop(L, m);
    if (!ok)
        return false;
    ctx_push(L, "macro", name->value, item);
    if (!macro_name_ok(name->value))
        warn(L, DIAG_LOAD_INVALID_MACRO_NAME, name,
             "Macro has an invalid name. Macro names should match a regular expression: "
             "([a-zA-Z]+[a-zA-Z0-9_]*)");
    bool append;
    struct overrides ov;
    if (get_str(L, item, "condition", true, &cond) != GOT_OK || !read_append(L, item, &append) ||
        !read_overrides(L, item, BIT(OV_CONDITION), BIT(OV_CONDITION), &ov))
        return false;
    if (append && (ov.app | ov.rep))
        return err(L, YAML_VALIDATE, ymap_key(item, "append"), ERROR_OVERRIDE_APPEND);
    append |= (ov.app & BIT(OV_CONDITION)) != 0;

    struct rl_set *s = L->s;
    struct rl_macro *mc = rl_find_macro(s, name->value);
    if (append) {
        if (!mc)
            return err(L, VALIDATE, name,
                       "Macro uses 'append' or 'override.condition: append' but no macro by that "
                       "name already exists");
        /* Falco appends even an empty text here: old + " " + new */
        struct ynode **p = arena_alloc(L->a, (mc->cond.n + 1) * sizeof(*p));
        memcpy(p, mc->cond.parts, mc->cond.n * sizeof(*p));
        p[mc->cond.n] = cond;
        mc->cond.parts = p;
        mc->cond.n++;
        mc->cond_appended = true;
        mc->visibility = s->counter++;
        return true;
    }
    if (!mc) {
        mc = arena_alloc(L->a, sizeof(*mc));
        mc->index = s->counter;
        s->macros = push_ptr(L->a, s->macros, &s->nmacros, &s->capmacros, mc);
        strmap_put(&s->macro_ix, L->a, name->value, strlen(name->value), mc);
    }
    mc->name = name->value;
    mc->item = item;
    mc->name_node = name;
    mc->cond = text_of(L->a, cond);
    mc->cond_appended = false;
    mc->resolved = NULL;
    mc->visibility = s->counter++;
    return true;
}

/* ---- rules (§1.4, §2.4) ---------------------------------------------------------------- */

/* "Rule has been re-defined with a different source", for append and
 * override items that name a non-empty source. */
static bool check_update_source(struct ld *L, struct ynode *item, const struct rl_rule *prev)
{
    struct ynode *src = ymap_get(item, "source");
    if (src && src->kind == YN_SCALAR && !src->is_null && src->len &&
        strcmp(src->value, prev->source))
        return err(L, VALIDATE, src, "Rule has been re-defined with a different source");
    return true;
}

static bool rule_define(struct ld *L, struct ynode *item, struct ynode *name)
{
    struct rl_rule r = {.name = name->value,
                        .item = item,
                        .name_node = name,
                        .enabled = true,
                        .warn_evttypes = true,
                        .source = "syscall"};
    struct ynode *cond, *output, *desc, *prio, *source, *tags, *node;
    if (get_str(L, item, "condition", true, &cond) != GOT_OK ||
        get_str(L, item, "output", true, &output) != GOT_OK ||
        get_str(L, item, "desc", true, &desc) != GOT_OK ||
        get_str(L, item, "priority", true, &prio) != GOT_OK)
        return false;
    if (!rl_parse_priority(prio->value, &r.priority)) {
        int m = ctx_push(L, "rule priority", "", prio);
        err(L, YAML_VALIDATE, prio, "Invalid priority");
        ctx_pop(L, m);
        return false;
    }
    int got = get_str(L, item, "source", false, &source);
    if (got == GOT_ERR)
        return false;
    if (got == GOT_OK)
        r.source = source->value;
    if (get_bool(L, item, "enabled", false, &r.enabled, &node) == GOT_ERR ||
        get_bool(L, item, "warn_evttypes", false, &r.warn_evttypes, &node) == GOT_ERR ||
        get_bool(L, item, "skip-if-unknown-filter", false, &r.skip_if_unknown_filter, &node) ==
            GOT_ERR ||
        get_bool(L, item, "capture", false, &r.capture, &node) == GOT_ERR ||
        get_u32(L, item, "capture_duration", &r.capture_duration) == GOT_ERR ||
        get_seq(L, item, "tags", false, &tags) == GOT_ERR)
        return false;
    struct exc_in *exc;
    size_t nexc;
    bool present;
    if (!read_exceptions(L, item, false, &exc, &nexc, &present))
        return false;

    /* the collector's part */
    struct rl_set *s = L->s;
    struct rl_rule *prev = rl_find_rule(s, r.name);
    if (prev && strcmp(prev->source, r.source))
        return err(L, VALIDATE, source ? source : item,
                   "Rule has been re-defined with a different source");
    r.source_known = !strcmp(r.source, "syscall");
    if (!r.source_known)
        warn(L, DIAG_LOAD_UNKNOWN_SOURCE, source, "Unknown source %s, skipping", r.source);
    if (!define_exceptions(L, exc, nexc, &r.exceptions, &r.nexceptions))
        return false;
    r.cond = text_of(L->a, cond);
    r.output = text_of(L->a, output);
    r.desc = text_of(L->a, desc);
    r.priority_node = prio;
    r.tags = tag_set(L->a, NULL, 0, tags, &r.ntags);

    if (prev) {
        r.index = prev->index;
        r.visibility = s->counter++;
        *prev = r; /* a redefinition replaces everything but the position */
    } else {
        struct rl_rule *nr = arena_alloc(L->a, sizeof(*nr));
        *nr = r;
        nr->index = nr->visibility = s->counter++;
        s->rules = push_ptr(L->a, s->rules, &s->nrules, &s->caprules, nr);
        strmap_put(&s->rule_ix, L->a, nr->name, strlen(nr->name), nr);
    }
    return true;
}

/* `append: true` (§2.4.2): only condition and exceptions are read. */
static bool rule_append_legacy(struct ld *L, struct ynode *item, struct ynode *name)
{
    struct ynode *cond = NULL;
    if (ymap_key(item, "condition") && get_str(L, item, "condition", true, &cond) != GOT_OK)
        return false;
    struct exc_in *exc;
    size_t nexc;
    bool has_exc;
    if (!read_exceptions(L, item, true, &exc, &nexc, &has_exc))
        return false;
    struct rl_rule *prev = rl_find_rule(L->s, name->value);
    if (!prev)
        return err(L, VALIDATE, name, ERROR_NO_PREVIOUS_RULE_APPEND);
    if (!cond && !has_exc)
        return err(L, VALIDATE, item, "Appended rule must have exceptions or condition property");
    if (!check_update_source(L, item, prev))
        return false;
    struct rl_exception *x = prev->exceptions;
    size_t nx = prev->nexceptions;
    if (nexc && !merge_exceptions(L, prev->exceptions, prev->nexceptions, exc, nexc, &x, &nx))
        return false;
    if (cond && text_append(L->a, &prev->cond, cond))
        prev->cond_appended = true;
    prev->exceptions = x;
    prev->nexceptions = nx;
    prev->visibility = L->s->counter++;
    return true;
}

/* Standalone `enabled` (§2.4.4). */
static bool rule_enable(struct ld *L, struct ynode *item, struct ynode *name)
{
    bool enabled;
    struct ynode *node;
    if (get_bool(L, item, "enabled", true, &enabled, &node) != GOT_OK)
        return false;
    warn(L, DIAG_LOAD_DEPRECATED_ITEM, ymap_key(item, "enabled"), WARNING_ENABLED);
    struct rl_rule *prev = rl_find_rule(L->s, name->value);
    if (!prev)
        return err(L, VALIDATE, name,
                   "Rule has 'enabled' key but no rule by that name already exists");
    prev->enabled = enabled;
    return true;
}

/* What an override item carries for one phase (append or replace). */
struct rule_update {
    struct ynode *cond, *output, *desc, *prio, *tags;
    bool has_exc;
    struct rl_exception *exc;
    size_t nexc;
    enum rl_priority priority;
    bool enabled, warn_evttypes, skip, capture;
    uint32_t capture_duration;
};

/* Checks that an overridden key is present in the item (Falco's
 * check_update_expected) and takes it off the list of expected keys. */
static bool take_expected(struct ld *L, unsigned *expected, const struct overrides *ov, int k,
                          const char *phase)
{
    if (!(*expected & BIT(k)))
        return err(L, YAML_VALIDATE, ov->key[k],
                   "An %s override for '%s' was specified but '%s' is not defined", phase,
                   ov_names[k], ov_names[k]);
    *expected &= ~BIT(k);
    return true;
}

static bool read_update(struct ld *L, struct ynode *item, unsigned keys, const struct overrides *ov,
                        unsigned *expected, bool append, struct rule_update *u,
                        const struct rl_rule **prevp, struct ynode *name)
{
    /* Falco's order of keys within a phase */
    static const int order[] = {OV_CONDITION, OV_EXCEPTIONS, OV_OUTPUT,          OV_DESC,
                                OV_TAGS,      OV_PRIORITY,   OV_ENABLED,         OV_WARN_EVTTYPES,
                                OV_SKIP,      OV_CAPTURE,    OV_CAPTURE_DURATION};
    const char *phase = append ? "append" : "replace";
    struct exc_in *exc = NULL;
    size_t nexc = 0;
    struct ynode *node;
    memset(u, 0, sizeof(*u));
    for (size_t i = 0; i < NELEMS(order); i++) {
        int k = order[i];
        if (!(keys & BIT(k)))
            continue;
        if (!take_expected(L, expected, ov, k, phase))
            return false;
        int r = GOT_OK;
        switch (k) {
        case OV_CONDITION:
            r = get_str(L, item, "condition", true, &u->cond);
            break;
        case OV_OUTPUT:
            r = get_str(L, item, "output", true, &u->output);
            break;
        case OV_DESC:
            r = get_str(L, item, "desc", true, &u->desc);
            break;
        case OV_TAGS:
            r = get_seq(L, item, "tags", true, &u->tags);
            break;
        case OV_EXCEPTIONS:
            r = read_exceptions(L, item, append, &exc, &nexc, &u->has_exc) ? GOT_OK : GOT_ERR;
            break;
        case OV_PRIORITY:
            r = get_str(L, item, "priority", true, &u->prio);
            if (r == GOT_OK && !rl_parse_priority(u->prio->value, &u->priority)) {
                int m = ctx_push(L, "rule priority", "", u->prio);
                err(L, YAML_VALIDATE, u->prio, "Invalid priority");
                ctx_pop(L, m);
                r = GOT_ERR;
            }
            break;
        case OV_ENABLED:
            r = get_bool(L, item, "enabled", true, &u->enabled, &node);
            break;
        case OV_WARN_EVTTYPES:
            r = get_bool(L, item, "warn_evttypes", true, &u->warn_evttypes, &node);
            break;
        case OV_SKIP:
            r = get_bool(L, item, "skip-if-unknown-filter", true, &u->skip, &node);
            break;
        case OV_CAPTURE:
            r = get_bool(L, item, "capture", true, &u->capture, &node);
            break;
        case OV_CAPTURE_DURATION:
            r = get_u32(L, item, "capture_duration", &u->capture_duration);
            break;
        }
        if (r != GOT_OK)
            return false;
    }
    /* the collector's part: the rule must exist */
    const struct rl_rule *prev = *prevp ? *prevp : rl_find_rule(L->s, name->value);
    if (!prev)
        return err(L, VALIDATE, name,
                   append ? ERROR_NO_PREVIOUS_RULE_APPEND : ERROR_NO_PREVIOUS_RULE_REPLACE);
    if (!*prevp && !check_update_source(L, item, prev))
        return false;
    *prevp = prev;
    if (keys & BIT(OV_EXCEPTIONS)) {
        if (append)
            return merge_exceptions(L, prev->exceptions, prev->nexceptions, exc, nexc, &u->exc,
                                    &u->nexc);
        /* Falco does not re-validate replaced exceptions; falcoc validates them as new ones */
        return define_exceptions(L, exc, nexc, &u->exc, &u->nexc);
    }
    return true;
}

static bool rule_override(struct ld *L, struct ynode *item, struct ynode *name,
                          const struct overrides *ov)
{
    unsigned expected = 0;
    for (int k = 0; k < OV_COUNT; k++)
        if (((RULE_APPENDABLE | RULE_REPLACEABLE) & BIT(k)) && ymap_key(item, ov_names[k]))
            expected |= BIT(k);
    const struct rl_rule *prev = NULL;
    struct rule_update app, rep;
    if (ov->app && !read_update(L, item, ov->app, ov, &expected, true, &app, &prev, name))
        return false;
    if (ov->rep && !read_update(L, item, ov->rep, ov, &expected, false, &rep, &prev, name))
        return false;
    if (expected) {
        /* Falco reports the first leftover key in name order */
        int first = -1;
        for (int k = 0; k < OV_COUNT; k++)
            if ((expected & BIT(k)) && (first < 0 || strcmp(ov_names[k], ov_names[first]) < 0))
                first = k;
        struct ynode *key = ymap_key(item, ov_names[first]);
        int m = ctx_push(L, "overrides", ov_names[first], key);
        err(L, YAML_VALIDATE, key,
            "Unexpected key '%s': no corresponding entry under 'override' is defined.",
            ov_names[first]);
        ctx_pop(L, m);
        return false;
    }

    struct rl_rule *r = rl_find_rule(L->s, name->value);
    if (ov->app) {
        if (app.cond && text_append(L->a, &r->cond, app.cond))
            r->cond_appended = true;
        if (app.output)
            text_append(L->a, &r->output, app.output);
        if (app.desc)
            text_append(L->a, &r->desc, app.desc);
        if (app.tags)
            r->tags = tag_set(L->a, r->tags, r->ntags, app.tags, &r->ntags);
        if (ov->app & BIT(OV_EXCEPTIONS)) {
            r->exceptions = app.exc;
            r->nexceptions = app.nexc;
        }
        r->visibility = L->s->counter++;
    }
    if (ov->rep) {
        unsigned k = ov->rep;
        if (k & BIT(OV_CONDITION)) {
            r->cond = text_of(L->a, rep.cond);
            r->cond_appended = false;
        }
        if (k & BIT(OV_OUTPUT))
            r->output = text_of(L->a, rep.output);
        if (k & BIT(OV_DESC))
            r->desc = text_of(L->a, rep.desc);
        if (k & BIT(OV_TAGS))
            r->tags = tag_set(L->a, NULL, 0, rep.tags, &r->ntags);
        if (k & BIT(OV_EXCEPTIONS)) {
            r->exceptions = rep.exc;
            r->nexceptions = rep.nexc;
        }
        if (k & BIT(OV_PRIORITY)) {
            r->priority = rep.priority;
            r->priority_node = rep.prio;
        }
        if (k & BIT(OV_ENABLED))
            r->enabled = rep.enabled;
        if (k & BIT(OV_WARN_EVTTYPES))
            r->warn_evttypes = rep.warn_evttypes;
        if (k & BIT(OV_SKIP))
            r->skip_if_unknown_filter = rep.skip;
        if (k & BIT(OV_CAPTURE))
            r->capture = rep.capture;
        if (k & BIT(OV_CAPTURE_DURATION))
            r->capture_duration = rep.capture_duration;
        r->visibility = L->s->counter++;
    }
    r->resolved = NULL;
    return true;
}

static bool load_rule(struct ld *L, struct ynode *item)
{
    struct ynode *name;
    int m = ctx_push(L, "rule", "", item);
    bool ok = get_str(L, item, "rule", true, &name) == GOT_OK;
    ctx_pop(L, m);
    if (!ok)
        return false;
    ctx_push(L, "rule", name->value, item);
    bool append;
    struct overrides ov;
    if (!read_append(L, item, &append) ||
        !read_overrides(L, item, RULE_APPENDABLE, RULE_REPLACEABLE, &ov))
        return false;
    if (append && (ov.app | ov.rep))
        return err(L, YAML_VALIDATE, ymap_key(item, "append"), ERROR_OVERRIDE_APPEND);
    if (ov.app | ov.rep)
        return rule_override(L, item, name, &ov);
    if (append)
        return rule_append_legacy(L, item, name);
    if (!ymap_key(item, "condition") && !ymap_key(item, "output") && !ymap_key(item, "desc") &&
        !ymap_key(item, "priority"))
        return rule_enable(L, item, name);
    return rule_define(L, item, name);
}

/* ---- items and documents (§1.1, §1.2) ------------------------------------------------- */

static void load_item(struct ld *L, struct ynode *item)
{
    L->nloc = 0;
    if (item->kind != YN_MAP) {
        ctx_push(L, "rules content item", "", item);
        err(L, YAML_VALIDATE, item,
            "Unexpected element type. Each element should be a yaml associative array.");
        return;
    }
    /* the kind is the first of these keys the item has */
    if (ymap_key(item, "required_engine_version")) {
        ctx_push(L, "required_engine_version", "", item);
        if (load_engine_version(L, item))
            warn_unknown_keys(L, item, engine_keys, NELEMS(engine_keys));
    } else if (ymap_key(item, "required_plugin_versions")) {
        ctx_push(L, "required plugin versions", "", item);
        if (load_plugin_versions(L, item))
            warn_unknown_keys(L, item, plugin_keys, NELEMS(plugin_keys));
    } else if (ymap_key(item, "list")) {
        if (load_list(L, item))
            warn_unknown_keys(L, item, list_keys, NELEMS(list_keys));
    } else if (ymap_key(item, "macro")) {
        if (load_macro(L, item))
            warn_unknown_keys(L, item, macro_keys, NELEMS(macro_keys));
    } else if (ymap_key(item, "rule")) {
        if (load_rule(L, item))
            warn_unknown_keys(L, item, rule_keys, NELEMS(rule_keys));
    } else {
        ctx_push(L, "rules content item", "", item);
        warn(L, DIAG_LOAD_UNKNOWN_ITEM, item, "Unknown top level item");
    }
    L->nloc = 0;
}

bool rl_load_file(struct arena *a, struct diags *d, struct rl_set *s, const struct source *src,
                  const struct ydoc *docs, size_t ndocs)
{
    struct ld L = {.a = a, .d = d, .s = s, .src = src};
    for (size_t i = 0; i < ndocs; i++) {
        struct ynode *root = docs[i].root;
        if (!root || is_null(root))
            continue;
        if (root->kind == YN_SCALAR) {
            err(&L, YAML_VALIDATE, root, "Rules content is not yaml");
            continue;
        }
        if (root->kind == YN_MAP) {
            err(&L, YAML_VALIDATE, root, "Rules content is not yaml array of objects");
            continue;
        }
        for (size_t k = 0; k < root->n; k++)
            if (!is_null(root->vals[k]))
                load_item(&L, root->vals[k]);
    }
    return !L.failed;
}
