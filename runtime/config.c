/*
 * config.c - falcod's configuration (shared/spec/config.md §1).
 *
 * A YAML file becomes a small tree of maps (keys kept in file order),
 * sequences and scalars; every node remembers where it came from (file,
 * line, column, or the -o option that made it) so that a conversion warning
 * can point at it. The main file is kept as loaded; the document falcod reads
 * is a copy of it with the config_files merged in and the -o options
 * applied, so that an -o config_files=... can rebuild it the way Falco
 * applies such options before the merge.
 *
 * The tree follows yaml-cpp's reading of the text where Falco's behaviour
 * depends on it: a plain empty, "~" or "null" scalar is null (and reads as
 * the string "null"), booleans are y/n/yes/no/true/false/on/off in lower,
 * upper or capitalised case, integers take 0x (hex) and 0 (octal) prefixes,
 * only the first document of a file counts. Duplicate keys: the first one
 * wins (yaml-cpp's map lookup returns the first match). Anchors and aliases are resolved by copying
 * the anchored node, within a node budget so that nested aliases cannot blow up.
 *
 * Ownership: the struct fc_config owns every node, string and message;
 * strings returned by the getters live until the next load or override.
 * Allocation failure aborts: the configuration is read once at startup.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "fc_config.h"

/* Nesting and size limits: far above any real falco.yaml, low enough that
 * hostile input (deep nesting, alias bombs) fails cleanly and quickly. */
#define CFG_MAX_DEPTH 256
#define CFG_MAX_NODES 200000

static const char CONFIG_FILES[] = "config_files";

enum cn_kind { CN_NULL, CN_SCALAR, CN_SEQ, CN_MAP };

/* One map entry or sequence item; key is NULL in a sequence. */
struct centry {
    char *key;
    uint32_t line, col; /* of the key */
    struct cnode *val;
};

struct cnode {
    enum cn_kind kind;
    bool warned;         /* one conversion warning per node */
    bool warned_removed; /* and one for a key Falco no longer reads */
    uint32_t line, col;  /* 1-based; 0 for nodes made by -o */
    const char *origin;  /* file name or "-o OPTION", owned by the config */
    char *text;          /* CN_SCALAR, NUL-terminated */
    size_t n, cap;
    struct centry *ent; /* CN_SEQ items, CN_MAP entries */
};

struct strvec {
    char **v;
    size_t n, cap;
};

struct fc_config {
    struct cnode *main; /* the main file as loaded (env expanded) */
    struct cnode *root; /* main + config_files + -o options */
    char *main_name;
    struct strvec origins; /* file names and "-o ..." texts nodes point to */
    struct strvec warnings;
    size_t main_nwarn; /* warnings the main file's parse produced */
    struct strvec files;
    struct strvec options; /* -o options applied, in order */
};

/* ---------------------------------------------------------------- helpers */

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xrealloc(NULL, n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return xstrdup("");
    char *s = xrealloc(NULL, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static void sv_push(struct strvec *s, char *str)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 8;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = str;
}

static void sv_truncate(struct strvec *s, size_t n)
{
    while (s->n > n)
        free(s->v[--s->n]);
}

static void sv_free(struct strvec *s)
{
    sv_truncate(s, 0);
    free(s->v);
    s->v = NULL;
    s->cap = 0;
}

static void seterr(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errsz, const char *fmt, ...)
{
    if (!err || !errsz)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

/* An origin string that outlives every node pointing to it. */
static const char *intern_origin(struct fc_config *c, const char *s)
{
    for (size_t i = c->origins.n; i-- > 0;)
        if (!strcmp(c->origins.v[i], s))
            return c->origins.v[i];
    sv_push(&c->origins, xstrdup(s));
    return c->origins.v[c->origins.n - 1];
}

/* ------------------------------------------------------------------ nodes */

static struct cnode *node_new(enum cn_kind kind, const char *origin, uint32_t line, uint32_t col)
{
    struct cnode *n = xrealloc(NULL, sizeof *n);
    *n = (struct cnode){.kind = kind, .origin = origin, .line = line, .col = col};
    return n;
}

static void node_free(struct cnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++) {
        free(n->ent[i].key);
        node_free(n->ent[i].val);
    }
    free(n->ent);
    free(n->text);
    free(n);
}

static void node_push(struct cnode *n, char *key, uint32_t line, uint32_t col, struct cnode *val)
{
    if (n->n == n->cap) {
        n->cap = n->cap ? 2 * n->cap : 4;
        n->ent = xrealloc(n->ent, n->cap * sizeof *n->ent);
    }
    n->ent[n->n++] = (struct centry){.key = key, .line = line, .col = col, .val = val};
}

static struct centry *map_find(const struct cnode *m, const char *key)
{
    if (!m || m->kind != CN_MAP)
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->ent[i].key, key))
            return &m->ent[i];
    return NULL;
}

/* Deep copy; *budget counts the nodes still allowed (NULL: unlimited). */
static struct cnode *node_copy(const struct cnode *n, size_t *budget)
{
    if (budget) {
        if (!*budget)
            return NULL;
        --*budget;
    }
    struct cnode *d = node_new(n->kind, n->origin, n->line, n->col);
    if (n->text)
        d->text = xstrdup(n->text);
    for (size_t i = 0; i < n->n; i++) {
        struct cnode *v = node_copy(n->ent[i].val, budget);
        if (!v) {
            node_free(d);
            return NULL;
        }
        node_push(d, n->ent[i].key ? xstrdup(n->ent[i].key) : NULL, n->ent[i].line, n->ent[i].col,
                  v);
    }
    return d;
}

static const char *kind_name(const struct cnode *n)
{
    switch (n->kind) {
    case CN_NULL:
        return "null";
    case CN_SCALAR:
        return "a scalar";
    case CN_SEQ:
        return "a sequence";
    case CN_MAP:
        return "a map";
    }
    return "?";
}

/* "FILE:LINE:COL" of a node, or the -o option that made it. */
static char *node_where(const struct cnode *n)
{
    if (n->line)
        return xasprintf("%s:%" PRIu32 ":%" PRIu32, n->origin, n->line, n->col);
    return xstrdup(n->origin ? n->origin : "?");
}

/* ----------------------------------------------------- ${VAR} expansion */

/* §1.3: ${VAR} becomes the variable's value (nothing when unset), $${X}
 * the literal ${X}; an unterminated ${ leaves the rest as it is. Unlike
 * Falco's loop, an inserted value is not scanned again (a variable holding
 * "${ITSELF}" cannot loop) and a lone '$' does not stop the expansion of
 * later ${VAR}s, as the spec states every ${VAR} is replaced. */
static char *expand_env(const char *s)
{
    size_t len = strlen(s), cap = len + 1, n = 0;
    char *out = xrealloc(NULL, cap);
#define PUT(p, k)                                                                                  \
    do {                                                                                           \
        size_t k_ = (k);                                                                           \
        if (n + k_ + 1 > cap) {                                                                    \
            cap = 2 * (n + k_ + 1);                                                                \
            out = xrealloc(out, cap);                                                              \
        }                                                                                          \
        memcpy(out + n, (p), k_);                                                                  \
        n += k_;                                                                                   \
    } while (0)
    size_t i = 0;
    while (i < len) {
        const char *close;
        if (s[i] == '$' && s[i + 1] == '{' && (close = strchr(s + i + 2, '}'))) {
            char *name = xstrndup(s + i + 2, (size_t)(close - (s + i + 2)));
            const char *v = getenv(name);
            free(name);
            if (v)
                PUT(v, strlen(v));
            i = (size_t)(close - s) + 1;
        } else if (s[i] == '$' && s[i + 1] == '$' && s[i + 2] == '{' &&
                   (close = strchr(s + i + 3, '}'))) {
            /* One '$' dropped, the ${X} kept verbatim. */
            PUT(s + i + 1, (size_t)(close - (s + i + 1)) + 1);
            i = (size_t)(close - s) + 1;
        } else if (s[i] == '$' && (s[i + 1] == '{' || (s[i + 1] == '$' && s[i + 2] == '{'))) {
            PUT(s + i, len - i); /* unterminated: the rest as it is */
            break;
        } else {
            PUT(s + i, 1);
            i++;
        }
    }
#undef PUT
    out[n] = 0;
    return out;
}

/* ---------------------------------------------------------------- parsing */

struct frame {
    struct cnode *node;
    char *key; /* map: the key waiting for its value */
    uint32_t kline, kcol;
    char *anchor; /* registered when the container ends */
};

struct anchor {
    char *name;
    const struct cnode *node;
};

struct parser {
    const char *origin;
    bool expand;
    struct frame *st;
    size_t nst, capst;
    struct anchor *an;
    size_t nan, capan;
    /* Nodes no longer in the tree (replaced duplicates, map keys) that an
     * anchor may still point to; freed when the parse ends. */
    struct cnode **dead;
    size_t ndead, capdead;
    size_t budget;
    struct cnode *root;
    char *msg; /* first error, positioned */
};

static void perr(struct parser *p, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void perr(struct parser *p, uint32_t line, uint32_t col, const char *fmt, ...)
{
    if (p->msg)
        return;
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (p->expand)
        p->msg = xasprintf("%s:%" PRIu32 ":%" PRIu32 ": %s", p->origin, line, col, buf);
    else /* an -o value: the position is inside the value */
        p->msg =
            xasprintf("%s: at %" PRIu32 ":%" PRIu32 " of the value: %s", p->origin, line, col, buf);
}

static void bury(struct parser *p, struct cnode *n)
{
    if (p->ndead == p->capdead) {
        p->capdead = p->capdead ? 2 * p->capdead : 16;
        p->dead = xrealloc(p->dead, p->capdead * sizeof *p->dead);
    }
    p->dead[p->ndead++] = n;
}

/* Hangs a finished (or, for containers, just started) node under the open
 * container; false (with the error set) when it cannot go there. */
static bool attach(struct parser *p, struct cnode *n)
{
    if (!p->nst) {
        if (p->root) { /* cannot happen within one document; be safe */
            node_free(n);
            return true;
        }
        p->root = n;
        return true;
    }
    struct frame *f = &p->st[p->nst - 1];
    if (f->node->kind == CN_SEQ) {
        node_push(f->node, NULL, 0, 0, n);
        return true;
    }
    if (!f->key) {
        if (n->kind != CN_SCALAR && n->kind != CN_NULL) {
            perr(p, n->line, n->col, "a map key must be a scalar, got %s", kind_name(n));
            node_free(n);
            return false;
        }
        f->key = xstrdup(n->text ? n->text : "");
        f->kline = n->line;
        f->kcol = n->col;
        bury(p, n);
        return true;
    }
    struct centry *e = map_find(f->node, f->key);
    if (e) { /* duplicate key: the first value wins, as yaml-cpp's lookup finds it */
        bury(p, n);
        free(f->key);
    } else {
        node_push(f->node, f->key, f->kline, f->kcol, n);
    }
    f->key = NULL;
    return true;
}

static void add_anchor(struct parser *p, char *name, const struct cnode *n)
{
    if (p->nan == p->capan) {
        p->capan = p->capan ? 2 * p->capan : 8;
        p->an = xrealloc(p->an, p->capan * sizeof *p->an);
    }
    p->an[p->nan++] = (struct anchor){.name = name, .node = n};
}

static bool is_null_scalar(const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    if (ev->data.scalar.tag)
        return !strcmp((const char *)ev->data.scalar.tag, "tag:yaml.org,2002:null");
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* 1-based line and column of a byte offset (reader errors carry only that). */
static void offset_pos(const char *text, size_t len, size_t off, uint32_t *line, uint32_t *col)
{
    uint32_t l = 1, c = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static void parser_error(struct parser *p, const yaml_parser_t *y, const char *text, size_t len)
{
    uint32_t line, col;
    if (y->error == YAML_READER_ERROR) {
        offset_pos(text, len, y->problem_offset, &line, &col);
        perr(p, line, col, "%s", y->problem ? y->problem : "unreadable input");
        return;
    }
    if (y->error == YAML_MEMORY_ERROR)
        abort();
    line = (uint32_t)y->problem_mark.line + 1;
    col = (uint32_t)y->problem_mark.column + 1;
    if (y->context)
        perr(p, line, col, "%s %s that started at %zu:%zu",
             y->problem ? y->problem : "syntax error", y->context, y->context_mark.line + 1,
             y->context_mark.column + 1);
    else
        perr(p, line, col, "%s", y->problem ? y->problem : "syntax error");
}

static char *take_anchor(const yaml_char_t *a)
{
    return a ? xstrdup((const char *)a) : NULL;
}

/* Parses the first document of text. *out gets the tree built so far even
 * on error (NULL for an empty document); returns the error or NULL. */
static char *parse_yaml(const char *origin, const char *text, size_t len, bool expand,
                        struct cnode **out)
{
    struct parser p = {.origin = origin, .expand = expand, .budget = CFG_MAX_NODES};
    yaml_parser_t y;
    if (!yaml_parser_initialize(&y))
        abort();
    yaml_parser_set_input_string(&y, (const unsigned char *)text, len);
    bool done = false;
    while (!done && !p.msg) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&y, &ev)) {
            parser_error(&p, &y, text, len);
            break;
        }
        uint32_t line = (uint32_t)ev.start_mark.line + 1, col = (uint32_t)ev.start_mark.column + 1;
        if (ev.type != YAML_STREAM_START_EVENT && ev.type != YAML_DOCUMENT_START_EVENT &&
            ev.type != YAML_DOCUMENT_END_EVENT && ev.type != YAML_STREAM_END_EVENT) {
            if (!p.budget) {
                perr(&p, line, col, "more than %d nodes", CFG_MAX_NODES);
                yaml_event_delete(&ev);
                break;
            }
            p.budget--;
        }
        switch (ev.type) {
        case YAML_SCALAR_EVENT: {
            bool is_key = p.nst && p.st[p.nst - 1].node->kind == CN_MAP && !p.st[p.nst - 1].key;
            const char *v = (const char *)ev.data.scalar.value;
            struct cnode *n;
            if (!is_key && is_null_scalar(&ev)) {
                n = node_new(CN_NULL, origin, line, col);
            } else {
                n = node_new(CN_SCALAR, origin, line, col);
                /* Only values are expanded, as in Falco: keys stay verbatim. */
                n->text = (expand && !is_key) ? expand_env(v) : xstrndup(v, ev.data.scalar.length);
            }
            char *anchor = take_anchor(ev.data.scalar.anchor);
            if (attach(&p, n) && anchor)
                add_anchor(&p, anchor, n);
            else
                free(anchor);
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            if (p.nst >= CFG_MAX_DEPTH) {
                perr(&p, line, col, "nesting deeper than %d levels", CFG_MAX_DEPTH);
                break;
            }
            struct cnode *n =
                node_new(ev.type == YAML_SEQUENCE_START_EVENT ? CN_SEQ : CN_MAP, origin, line, col);
            if (!attach(&p, n))
                break;
            if (p.nst == p.capst) {
                p.capst = p.capst ? 2 * p.capst : 16;
                p.st = xrealloc(p.st, p.capst * sizeof *p.st);
            }
            const yaml_char_t *a = ev.type == YAML_SEQUENCE_START_EVENT
                                       ? ev.data.sequence_start.anchor
                                       : ev.data.mapping_start.anchor;
            p.st[p.nst++] = (struct frame){.node = n, .anchor = take_anchor(a)};
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            if (!p.nst)
                break;
            struct frame *f = &p.st[--p.nst];
            free(f->key);
            if (f->anchor)
                add_anchor(&p, f->anchor, f->node);
            break;
        }
        case YAML_ALIAS_EVENT: {
            const char *name = (const char *)ev.data.alias.anchor;
            const struct cnode *target = NULL;
            for (size_t i = p.nan; i-- > 0;)
                if (!strcmp(p.an[i].name, name)) {
                    target = p.an[i].node;
                    break;
                }
            if (!target) {
                perr(&p, line, col, "unknown anchor '%s'", name);
                break;
            }
            struct cnode *n = node_copy(target, &p.budget);
            if (!n) {
                perr(&p, line, col, "more than %d nodes (alias expansion)", CFG_MAX_NODES);
                break;
            }
            /* The copy is positioned where the alias is used. */
            n->line = line;
            n->col = col;
            attach(&p, n);
            break;
        }
        case YAML_DOCUMENT_END_EVENT:
        case YAML_STREAM_END_EVENT:
            done = true; /* later documents are ignored, as yaml-cpp's Load */
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&y);
    for (size_t i = 0; i < p.nst; i++) {
        free(p.st[i].key);
        free(p.st[i].anchor);
    }
    free(p.st);
    for (size_t i = 0; i < p.nan; i++)
        free(p.an[i].name);
    free(p.an);
    for (size_t i = 0; i < p.ndead; i++)
        node_free(p.dead[i]);
    free(p.dead);
    *out = p.root;
    return p.msg;
}

/* Parses a configuration file's text: its top level must be a map (an
 * empty file is an empty map). On error *out still holds what came before. */
static char *parse_config(struct fc_config *c, const char *name, const char *text, size_t len,
                          struct cnode **out)
{
    const char *origin = intern_origin(c, name);
    struct cnode *root = NULL;
    char *msg = parse_yaml(origin, text, len, true, &root);
    if (root && root->kind == CN_NULL) {
        node_free(root);
        root = NULL;
    }
    if (root && root->kind != CN_MAP) {
        if (!msg)
            msg = xasprintf("%s:%" PRIu32 ":%" PRIu32 ": the configuration must be a map, got %s",
                            origin, root->line, root->col, kind_name(root));
        node_free(root);
        root = NULL;
    }
    *out = root ? root : node_new(CN_MAP, origin, 1, 1);
    return msg;
}

static char *read_file(const char *path, size_t *len, char **msg)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *msg = xasprintf("%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = xrealloc(NULL, cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    if (ferror(f)) {
        *msg = xasprintf("%s: cannot read: %s", path, strerror(errno));
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* ---------------------------------------------------------- config_files */

enum strategy { ST_APPEND, ST_OVERRIDE, ST_ADD_ONLY };

static void warn(struct fc_config *c, char *msg)
{
    sv_push(&c->warnings, msg);
}

/* Merges one included file's top level into the document.
 *
 * §1.2 and Falco act on top-level keys only (Falco's own tests check that
 * an included `base_value: {id: 3}` replaces the whole `base_value` map
 * under every strategy):
 *   append   - a top-level sequence is appended to the existing one; any
 *              other value replaces the existing value wholesale;
 *   override - the value replaces the existing one wholesale;
 *   add-only - only keys the document does not have yet are added.
 * New keys are added by all three. An included config_files is an error,
 * raised when it is met: keys merged before it stay. */
static char *merge_doc(struct fc_config *c, struct cnode *doc, enum strategy st)
{
    for (size_t i = 0; i < doc->n; i++) {
        struct centry *e = &doc->ent[i];
        if (!strcmp(e->key, CONFIG_FILES))
            return xasprintf("%s:%" PRIu32 ":%" PRIu32
                             ": config_files: an included file may not include other files",
                             e->val->origin, e->line, e->col);
        struct centry *have = map_find(c->root, e->key);
        if (!have) {
            node_push(c->root, e->key, e->line, e->col, e->val);
        } else if (st == ST_ADD_ONLY) {
            free(e->key);
            node_free(e->val);
        } else if (st == ST_APPEND && e->val->kind == CN_SEQ && have->val->kind == CN_SEQ) {
            struct cnode *s = e->val;
            for (size_t k = 0; k < s->n; k++)
                node_push(have->val, NULL, 0, 0, s->ent[k].val);
            s->n = 0;
            node_free(s);
            free(e->key);
        } else {
            node_free(have->val);
            have->val = e->val;
            free(e->key);
        }
        e->key = NULL;
        e->val = NULL;
    }
    return NULL;
}

static char *include_file(struct fc_config *c, const char *path, enum strategy st)
{
    size_t len;
    char *msg = NULL;
    char *text = read_file(path, &len, &msg);
    if (!text)
        return msg;
    sv_push(&c->files, xstrdup(path));
    struct cnode *doc;
    msg = parse_config(c, path, text, len, &doc);
    free(text);
    /* A file that fails to parse still contributes what came before the
     * error, like the main file. */
    char *merr = merge_doc(c, doc, st);
    /* Entries merged were moved out; the rest (after an error) are freed. */
    for (size_t i = 0; i < doc->n; i++)
        free(doc->ent[i].key);
    for (size_t i = 0; i < doc->n; i++)
        node_free(doc->ent[i].val);
    doc->n = 0;
    node_free(doc);
    if (msg) {
        free(merr);
        return msg;
    }
    return merr;
}

static bool same_file(const char *a, const char *b)
{
    if (!strcmp(a, b))
        return true;
    struct stat sa, sb;
    return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *include_path(struct fc_config *c, const struct cnode *where, const char *path,
                          enum strategy st)
{
    if (c->main_name && same_file(path, c->main_name)) {
        char *w = node_where(where);
        char *m = xasprintf("%s: config_files: '%s' is the main configuration file", w, path);
        free(w);
        return m;
    }
    struct stat sb;
    if (stat(path, &sb))
        return NULL; /* missing entries are skipped silently */
    if (!S_ISDIR(sb.st_mode))
        return S_ISREG(sb.st_mode) ? include_file(c, path, st) : NULL;
    /* A directory: its regular files (symlinks followed), sorted by name,
     * not recursive. */
    DIR *d = opendir(path);
    if (!d)
        return NULL;
    struct strvec names = {0};
    size_t plen = strlen(path);
    const char *sep = plen && path[plen - 1] == '/' ? "" : "/";
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char *full = xasprintf("%s%s%s", path, sep, de->d_name);
        struct stat fs;
        if (!stat(full, &fs) && S_ISREG(fs.st_mode))
            sv_push(&names, full);
        else
            free(full);
    }
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, cmp_str);
    char *msg = NULL;
    for (size_t i = 0; i < names.n && !msg; i++) {
        if (c->main_name && same_file(names.v[i], c->main_name)) {
            char *w = node_where(where);
            msg = xasprintf("%s: config_files: '%s' is the main configuration file", w, names.v[i]);
            free(w);
        } else {
            msg = include_file(c, names.v[i], st);
        }
    }
    sv_free(&names);
    return msg;
}

static void warn_at(struct fc_config *c, const struct cnode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warn_at(struct fc_config *c, const struct cnode *n, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *w = node_where(n);
    warn(c, xasprintf("%s: %s", w, buf));
    free(w);
}

/* One config_files entry: a path (strategy append) or {path, strategy}. */
static char *include_entry(struct fc_config *c, const struct cnode *item)
{
    if (item->kind == CN_SCALAR)
        return include_path(c, item, item->text, ST_APPEND);
    if (item->kind != CN_MAP) {
        warn_at(c, item, "config_files: expected a path or a map with 'path', got %s; skipped",
                kind_name(item));
        return NULL;
    }
    struct centry *p = map_find(item, "path"), *s = map_find(item, "strategy");
    if (!p || p->val->kind != CN_SCALAR) {
        warn_at(c, item, "config_files: entry without a 'path'; skipped");
        return NULL;
    }
    enum strategy st = ST_APPEND;
    if (s && s->val->kind == CN_SCALAR && !strcmp(s->val->text, "override"))
        st = ST_OVERRIDE;
    else if (s && s->val->kind == CN_SCALAR && !strcmp(s->val->text, "add-only"))
        st = ST_ADD_ONLY;
    else if (s && !(s->val->kind == CN_SCALAR && !strcmp(s->val->text, "append")))
        /* Falco's schema warns and the merge falls back to append. */
        warn_at(c, s->val,
                "config_files: strategy '%s' is not one of append, override, add-only; "
                "using append",
                s->val->kind == CN_SCALAR ? s->val->text : kind_name(s->val));
    return include_path(c, p->val, p->val->text, st);
}

/* Merges every file the document's config_files lists. The list is copied
 * first: merging replaces nodes of the document it is read from. */
static char *merge_config_files(struct fc_config *c)
{
    struct centry *e = map_find(c->root, CONFIG_FILES);
    if (!e || e->val->kind == CN_NULL)
        return NULL;
    struct cnode *list = node_copy(e->val, NULL);
    char *msg = NULL;
    if (list->kind == CN_SEQ) {
        for (size_t i = 0; i < list->n && !msg; i++)
            msg = include_entry(c, list->ent[i].val);
    } else {
        msg = include_entry(c, list); /* a single path, as Falco accepts */
    }
    node_free(list);
    return msg;
}

/* ------------------------------------------------------------- key paths */

/* One step of a key path: a map key, or a sequence index (append: "[]"). */
struct step {
    char *name; /* NULL for an index */
    size_t index;
    bool append;
};

struct path {
    struct step *s;
    size_t n, cap;
};

static void path_free(struct path *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->s[i].name);
    free(p->s);
}

static void path_push(struct path *p, struct step st)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 8;
        p->s = xrealloc(p->s, p->cap * sizeof *p->s);
    }
    p->s[p->n++] = st;
}

/* Key := Name Index* ('.' Name Index*)* ; Index := '[' digits? ']'.
 * A backslash makes the next '.', '[', ']' or '\' part of a name (any
 * other character after it is kept with the backslash). */
static bool path_parse(const char *k, size_t len, bool allow_append, struct path *out, char *err,
                       size_t errsz)
{
    *out = (struct path){0};
    size_t i = 0;
    for (;;) {
        char *name = xrealloc(NULL, len + 1);
        size_t n = 0;
        while (i < len && k[i] != '.' && k[i] != '[' && k[i] != ']') {
            if (k[i] == '\\') {
                if (i + 1 >= len) {
                    free(name);
                    seterr(err, errsz, "a '\\' ends the key");
                    goto fail;
                }
                char x = k[i + 1];
                if (x != '.' && x != '[' && x != ']' && x != '\\')
                    name[n++] = '\\';
                name[n++] = x;
                i += 2;
                continue;
            }
            name[n++] = k[i++];
        }
        if (!n) {
            free(name);
            seterr(err, errsz, "empty key name at position %zu", i + 1);
            goto fail;
        }
        name[n] = 0;
        path_push(out, (struct step){.name = name});
        while (i < len && k[i] == '[') {
            size_t j = i + 1;
            uint64_t idx = 0;
            while (j < len && k[j] >= '0' && k[j] <= '9') {
                if (idx > (UINT64_MAX - 9) / 10) {
                    seterr(err, errsz, "index too large at position %zu", i + 1);
                    goto fail;
                }
                idx = idx * 10 + (uint64_t)(k[j] - '0');
                j++;
            }
            if (j >= len || k[j] != ']') {
                seterr(err, errsz, "expected a number and ']' at position %zu", j + 1);
                goto fail;
            }
            bool app = j == i + 1;
            if (app && !allow_append) {
                seterr(err, errsz, "'[]' (append) only works when setting a value");
                goto fail;
            }
            path_push(out, (struct step){.index = (size_t)idx, .append = app});
            i = j + 1;
        }
        if (i == len)
            return true;
        if (k[i] != '.') {
            seterr(err, errsz, "expected '.' or '[' at position %zu, got '%c'", i + 1, k[i]);
            goto fail;
        }
        i++;
    }
fail:
    path_free(out);
    *out = (struct path){0};
    return false;
}

static struct cnode *lookup(const struct fc_config *c, const char *key)
{
    struct path p;
    if (!c->root || !path_parse(key, strlen(key), false, &p, NULL, 0))
        return NULL;
    struct cnode *n = c->root;
    for (size_t i = 0; i < p.n && n; i++) {
        if (p.s[i].name) {
            struct centry *e = map_find(n, p.s[i].name);
            n = e ? e->val : NULL;
        } else {
            n = n->kind == CN_SEQ && p.s[i].index < n->n ? n->ent[p.s[i].index].val : NULL;
        }
    }
    path_free(&p);
    return n;
}

/* Walks the path, creating maps for missing keys and appending for "[]" or
 * an index equal to the length, and puts val at its end (val is consumed). */
static bool set_path(struct fc_config *c, const struct path *p, struct cnode *val,
                     const char *origin, char *err, size_t errsz)
{
    struct cnode **slot = &c->root;
    for (size_t i = 0; i < p->n; i++) {
        const struct step *s = &p->s[i];
        struct cnode *cur = *slot;
        if (s->name) {
            if (!cur || cur->kind == CN_NULL) {
                node_free(cur);
                cur = *slot = node_new(CN_MAP, origin, 0, 0);
            }
            if (cur->kind != CN_MAP) {
                seterr(err, errsz, "cannot set key '%s' in %s", s->name, kind_name(cur));
                node_free(val);
                return false;
            }
            struct centry *e = map_find(cur, s->name);
            if (!e) {
                node_push(cur, xstrdup(s->name), 0, 0, node_new(CN_NULL, origin, 0, 0));
                e = &cur->ent[cur->n - 1];
            }
            slot = &e->val;
        } else {
            if (!cur || cur->kind == CN_NULL) {
                node_free(cur);
                cur = *slot = node_new(CN_SEQ, origin, 0, 0);
            }
            if (cur->kind != CN_SEQ) {
                seterr(err, errsz, "cannot set an index in %s", kind_name(cur));
                node_free(val);
                return false;
            }
            size_t idx = s->append ? cur->n : s->index;
            if (idx > cur->n) {
                seterr(err, errsz, "index %zu is past the end of a sequence of %zu", idx, cur->n);
                node_free(val);
                return false;
            }
            if (idx == cur->n)
                node_push(cur, NULL, 0, 0, node_new(CN_NULL, origin, 0, 0));
            slot = &cur->ent[idx].val;
        }
    }
    node_free(*slot);
    *slot = val;
    return true;
}

/* ------------------------------------------------------------ -o options */

/* Nodes of an option carry no line: their warnings name the option. The
 * depth is bounded by the parser's nesting limit. */
static void unposition(struct cnode *n)
{
    n->line = n->col = 0;
    for (size_t i = 0; i < n->n; i++) {
        n->ent[i].line = n->ent[i].col = 0;
        unposition(n->ent[i].val);
    }
}

/* Sets one "key=value" option on the document: the value is everything
 * after the first '='; one in {...} is parsed as YAML (not env expanded:
 * §1.3 expands config files only), anything else is a string scalar. */
static bool apply_option(struct fc_config *c, const char *opt, char *err, size_t errsz)
{
    const char *eq = strchr(opt, '=');
    if (!eq) {
        seterr(err, errsz, "-o %s: expected key=value", opt);
        return false;
    }
    char why[256];
    struct path p;
    if (!path_parse(opt, (size_t)(eq - opt), true, &p, why, sizeof why)) {
        seterr(err, errsz, "-o %s: %s", opt, why);
        return false;
    }
    char *o = xasprintf("-o %s", opt);
    const char *origin = intern_origin(c, o);
    free(o);
    const char *v = eq + 1;
    size_t vlen = strlen(v);
    struct cnode *val;
    if (vlen >= 2 && v[0] == '{' && v[vlen - 1] == '}') {
        char *msg = parse_yaml(origin, v, vlen, false, &val);
        if (msg) {
            seterr(err, errsz, "%s", msg);
            free(msg);
            node_free(val);
            path_free(&p);
            return false;
        }
        if (!val)
            val = node_new(CN_NULL, origin, 0, 0);
        unposition(val);
    } else {
        val = node_new(CN_SCALAR, origin, 0, 0);
        val->text = xstrdup(v);
    }
    bool ok = set_path(c, &p, val, origin, why, sizeof why);
    if (!ok)
        seterr(err, errsz, "-o %s: %s", opt, why);
    path_free(&p);
    return ok;
}

static bool is_config_files_option(const char *opt)
{
    size_t n = sizeof CONFIG_FILES - 1;
    return !strncmp(opt, CONFIG_FILES, n) && (opt[n] == '=' || opt[n] == '[' || opt[n] == '.');
}

/* ------------------------------------------------------------ removed keys */

/* §2.11: keys Falco no longer reads (or reads under another name); each
 * gets one warning at the place that sets it. */
static const struct {
    const char *key, *note;
} removed_keys[] = {
    {"rules_file", "deprecated since Falco 0.38; use rules_files"},
    {"outputs.rate", "removed in Falco 0.37 with the output rate limiter; ignored"},
    {"outputs.max_burst", "removed in Falco 0.37 with the output rate limiter; ignored"},
    {"grpc", "removed in Falco 0.44; ignored"},
    {"grpc_output", "removed in Falco 0.44; ignored"},
    {"engine.ebpf", "removed in Falco 0.44 with the legacy eBPF probe"},
    {"engine.gvisor", "removed in Falco 0.44"},
    {"container_engines", "replaced by the container plugin's init_config in Falco 0.41"},
    {"syscall_buf_size_preset", "replaced by engine.<kind>.buf_size_preset in Falco 0.38"},
    {"syscall_drop_failed_exit", "replaced by engine.<kind>.drop_failed_exit in Falco 0.38"},
    {"modern_bpf", "replaced by engine.modern_ebpf in Falco 0.38"},
    {"webserver.k8s_audit_endpoint", "removed; the k8saudit plugin receives audit events"},
};

static void warn_removed(struct fc_config *c)
{
    for (size_t i = 0; i < sizeof removed_keys / sizeof *removed_keys; i++) {
        const char *k = removed_keys[i].key;
        struct cnode *n = c->root;
        struct centry *e = NULL;
        while (n && *k) {
            const char *dot = strchr(k, '.');
            size_t len = dot ? (size_t)(dot - k) : strlen(k);
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)len, k);
            e = map_find(n, name);
            n = e ? e->val : NULL;
            k += len + (dot != NULL);
        }
        if (!n || n->warned_removed)
            continue;
        n->warned_removed = true;
        if (e->line)
            warn(c, xasprintf("%s:%" PRIu32 ":%" PRIu32 ": %s: %s", n->origin, e->line, e->col,
                              removed_keys[i].key, removed_keys[i].note));
        else
            warn(c, xasprintf("%s: %s: %s", n->origin, removed_keys[i].key, removed_keys[i].note));
    }
}

/* ---------------------------------------------------------------- assembly */

static void reset(struct fc_config *c)
{
    node_free(c->main);
    node_free(c->root);
    c->main = c->root = NULL;
    free(c->main_name);
    c->main_name = NULL;
    sv_free(&c->warnings);
    sv_free(&c->files);
    sv_free(&c->options);
    c->main_nwarn = 0;
}

/* Builds the document from the main file: its config_files (as changed by
 * any -o config_files options, which Falco applies before the merge), then
 * the other -o options in order. Falco applies the config_files ones a
 * second time after the merge; that only repeats them in a key already
 * used (and fails for "config_files[]=A" followed by "config_files=B"),
 * so they are applied once. */
static int assemble(struct fc_config *c, char *err, size_t errsz)
{
    node_free(c->root);
    c->root = c->main ? node_copy(c->main, NULL) : node_new(CN_MAP, NULL, 0, 0);
    sv_truncate(&c->warnings, c->main_nwarn);
    sv_truncate(&c->files, c->main_name ? 1 : 0);
    for (size_t i = 0; i < c->options.n; i++)
        if (is_config_files_option(c->options.v[i]) &&
            !apply_option(c, c->options.v[i], err, errsz))
            return -1;
    char *msg = merge_config_files(c);
    if (msg) {
        seterr(err, errsz, "%s", msg);
        free(msg);
        return -1;
    }
    for (size_t i = 0; i < c->options.n; i++)
        if (!is_config_files_option(c->options.v[i]) &&
            !apply_option(c, c->options.v[i], err, errsz))
            return -1;
    return 0;
}

static int load_main(struct fc_config *c, const char *name, const char *text, size_t len, char *err,
                     size_t errsz)
{
    reset(c);
    c->main_name = xstrdup(name);
    sv_push(&c->files, xstrdup(name));
    char *msg = parse_config(c, name, text, len, &c->main);
    c->main_nwarn = c->warnings.n;
    if (msg) {
        /* Keep what was read before the error; no config_files from it. */
        c->root = node_copy(c->main, NULL);
        warn_removed(c);
        seterr(err, errsz, "%s", msg);
        free(msg);
        return -1;
    }
    int r = assemble(c, err, errsz);
    warn_removed(c);
    return r;
}

/* ------------------------------------------------------------------- API */

struct fc_config *fc_config_new(void)
{
    struct fc_config *c = xrealloc(NULL, sizeof *c);
    *c = (struct fc_config){0};
    c->root = node_new(CN_MAP, NULL, 0, 0);
    return c;
}

void fc_config_free(struct fc_config *c)
{
    if (!c)
        return;
    reset(c);
    sv_free(&c->origins);
    free(c);
}

int fc_config_load_file(struct fc_config *c, const char *path, char *err, size_t errsz)
{
    size_t len;
    char *msg = NULL;
    char *text = read_file(path, &len, &msg);
    if (!text) {
        seterr(err, errsz, "%s", msg);
        free(msg);
        return -1;
    }
    int r = load_main(c, path, text, len, err, errsz);
    free(text);
    return r;
}

int fc_config_load_text(struct fc_config *c, const char *name, const char *text, size_t len,
                        char *err, size_t errsz)
{
    return load_main(c, name, text, len, err, errsz);
}

int fc_config_override(struct fc_config *c, const char *option, char *err, size_t errsz)
{
    if (is_config_files_option(option)) {
        /* Rebuild: the new list decides which files are merged. */
        sv_push(&c->options, xstrdup(option));
        int r = assemble(c, err, errsz);
        warn_removed(c);
        if (r == 0)
            return 0;
        /* Forgotten, so that later rebuilds do not fail on it again; the
         * document keeps what was merged before the error. */
        sv_truncate(&c->options, c->options.n - 1);
        return -1;
    }
    if (!apply_option(c, option, err, errsz))
        return -1;
    sv_push(&c->options, xstrdup(option));
    warn_removed(c);
    return 0;
}

bool fc_config_has(const struct fc_config *c, const char *key)
{
    return lookup(c, key) != NULL;
}

/* Records the one warning a node gets for a value that does not convert. */
static void bad_value(struct fc_config *c, struct cnode *n, const char *key, const char *expected)
{
    if (n->warned)
        return;
    n->warned = true;
    char *w = node_where(n);
    if (n->kind == CN_SCALAR)
        warn(c, xasprintf("%s: %s: expected %s, got '%s'; using the default", w, key, expected,
                          n->text));
    else
        warn(c, xasprintf("%s: %s: expected %s, got %s; using the default", w, key, expected,
                          kind_name(n)));
    free(w);
}

/* yaml-cpp's case rule for booleans: all lower, or a capital followed by
 * all lower or all upper ("true", "True", "TRUE"; not "tRUE"). */
static bool flexible_case(const char *s)
{
    bool lower = true;
    for (const char *p = s; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            lower = false;
    if (lower)
        return true;
    if (!(s[0] >= 'A' && s[0] <= 'Z'))
        return false;
    bool rest_lower = true, rest_upper = true;
    for (const char *p = s + 1; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            rest_lower = false;
        if (*p >= 'a' && *p <= 'z')
            rest_upper = false;
    }
    return rest_lower || rest_upper;
}

static bool parse_bool(const char *s, bool *out)
{
    static const char *const names[][2] = {
        {"y", "n"}, {"yes", "no"}, {"true", "false"}, {"on", "off"}};
    if (!flexible_case(s))
        return false;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        for (int v = 0; v < 2; v++)
            if (!strcasecmp(s, names[i][v])) {
                *out = v == 0;
                return true;
            }
    return false;
}

/* Only whitespace left (yaml-cpp's stream reads tolerate trailing space). */
static bool rest_blank(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
        p++;
    return !*p;
}

static bool starts_number(const char *s)
{
    return (*s >= '0' && *s <= '9') || ((*s == '-' || *s == '+') && s[1] >= '0' && s[1] <= '9');
}

bool fc_config_bool(struct fc_config *c, const char *key, bool def)
{
    struct cnode *n = lookup(c, key);
    bool v;
    if (!n)
        return def;
    if (n->kind == CN_SCALAR && parse_bool(n->text, &v))
        return v;
    bad_value(c, n, key, "a boolean");
    return def;
}

int64_t fc_config_int(struct fc_config *c, const char *key, int64_t def)
{
    struct cnode *n = lookup(c, key);
    if (!n)
        return def;
    if (n->kind == CN_SCALAR && starts_number(n->text)) {
        char *end;
        errno = 0;
        long long v = strtoll(n->text, &end, 0); /* 0x hex and 0 octal, as yaml-cpp */
        if (!errno && rest_blank(end))
            return (int64_t)v;
    }
    bad_value(c, n, key, "an integer");
    return def;
}

uint64_t fc_config_uint(struct fc_config *c, const char *key, uint64_t def)
{
    struct cnode *n = lookup(c, key);
    if (!n)
        return def;
    if (n->kind == CN_SCALAR && n->text[0] != '-' && starts_number(n->text)) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(n->text, &end, 0);
        if (!errno && rest_blank(end))
            return (uint64_t)v;
    }
    bad_value(c, n, key, "an unsigned integer");
    return def;
}

/* Decimal floating point as a C++ stream reads it, or YAML's .inf/.nan. */
static bool parse_double(const char *s, double *out)
{
    static const char *const inf[] = {".inf", ".Inf", ".INF"}, *const nan_[] = {".nan", ".NaN",
                                                                                ".NAN"};
    const char *p = s;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    for (int i = 0; i < 3; i++) {
        if (!strcmp(p, inf[i])) {
            *out = neg ? -INFINITY : INFINITY;
            return true;
        }
        if (p == s && !strcmp(p, nan_[i])) {
            *out = NAN;
            return true;
        }
    }
    size_t digits = 0;
    const char *q = p;
    while (*q >= '0' && *q <= '9')
        q++, digits++;
    if (*q == '.')
        for (q++; *q >= '0' && *q <= '9'; q++)
            digits++;
    if (!digits)
        return false;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-')
            q++;
        if (!(*q >= '0' && *q <= '9'))
            return false;
        while (*q >= '0' && *q <= '9')
            q++;
    }
    if (!rest_blank(q))
        return false;
    errno = 0;
    double v = strtod(s, NULL);
    if (errno == ERANGE && isinf(v))
        return false;
    *out = v;
    return true;
}

double fc_config_double(struct fc_config *c, const char *key, double def)
{
    struct cnode *n = lookup(c, key);
    double v;
    if (!n)
        return def;
    if (n->kind == CN_SCALAR && parse_double(n->text, &v))
        return v;
    bad_value(c, n, key, "a number");
    return def;
}

const char *fc_config_str(struct fc_config *c, const char *key, const char *def)
{
    struct cnode *n = lookup(c, key);
    if (!n)
        return def;
    if (n->kind == CN_SCALAR)
        return n->text;
    if (n->kind == CN_NULL)
        return "null"; /* yaml-cpp reads a null node as the string "null" */
    bad_value(c, n, key, "a string");
    return def;
}

size_t fc_config_len(const struct fc_config *c, const char *key)
{
    const struct cnode *n = lookup(c, key);
    return n && n->kind == CN_SEQ ? n->n : 0;
}

size_t fc_config_nwarnings(const struct fc_config *c)
{
    return c->warnings.n;
}

const char *fc_config_warning(const struct fc_config *c, size_t i)
{
    return i < c->warnings.n ? c->warnings.v[i] : NULL;
}

size_t fc_config_nfiles(const struct fc_config *c)
{
    return c->files.n;
}

const char *fc_config_file(const struct fc_config *c, size_t i)
{
    return i < c->files.n ? c->files.v[i] : NULL;
}
