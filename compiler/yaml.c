/*
 * yaml.c - stage 1 of the rules pipeline: bytes of a rules file → trees of
 * positioned YAML nodes (struct ynode), one per document.
 *
 * Input: a source (file bytes). Output: struct ydoc[] in the session arena;
 * diagnostics LOAD_ERR_YAML_PARSE for anything libyaml refuses, for duplicate
 * mapping keys, undefined aliases, and for the two resource caps below.
 *
 * Invariants:
 *  - every node carries its byte span [start, end) in the file. libyaml marks
 *    give a line and a column counted in *characters* (mark.index counts
 *    characters too), so offsets are rebuilt from (line, column) with a line
 *    table that uses libyaml's own idea of a line break (CR LF, CR, LF, NEL,
 *    LS, PS) - source.c only knows LF, which would drift on CR-only files;
 *  - the tree is a DAG, never a cycle: an anchor is registered only once its
 *    node is complete, so "&a [*a]" is an undefined alias, not a loop;
 *  - the builder is iterative (explicit frame stack), so deep nesting costs
 *    heap, not C stack; depth is capped at YAML_MAX_DEPTH, and the node count
 *    *with aliases expanded* at YAML_MAX_NODES, which stops alias bombs before
 *    any later recursive walk (schema check, dumps) could explode;
 *  - a YAML error stops the parse; documents completed before it are kept.
 *
 * Ownership: every node, string and array lives in the arena passed in;
 * libyaml's own buffers are released before yaml_parse returns.
 *
 * yaml_value_pos maps an offset in a scalar's decoded value back to the file
 * by replaying libyaml's scalar scanning rules (folding, escapes, chomping)
 * over the node's raw bytes, in step with the decoded value.
 */
#include "ynode.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

enum {
    YAML_MAX_DEPTH = 10000,   /* nested collections */
    YAML_MAX_NODES = 1000000, /* nodes of a file, counting each alias as a copy */
};

/* ---- line table: libyaml (line, column) → byte offset ------------------ */

/* Length of the line break at p (0 if none), as libyaml's scanner sees it. */
static size_t break_len(const char *p, const char *end)
{
    if (p >= end)
        return 0;
    unsigned char c = (unsigned char)*p;
    if (c == '\r')
        return (p + 1 < end && p[1] == '\n') ? 2 : 1;
    if (c == '\n')
        return 1;
    if (c == 0xC2 && p + 1 < end && (unsigned char)p[1] == 0x85)
        return 2;
    if (c == 0xE2 && p + 2 < end && (unsigned char)p[1] == 0x80 &&
        ((unsigned char)p[2] == 0xA8 || (unsigned char)p[2] == 0xA9))
        return 3;
    return 0;
}

struct lines {
    const char *text;
    uint32_t len;
    uint32_t *start; /* first byte of each line */
    bool *ascii;     /* line holds only ASCII: column == byte distance */
    size_t n;
    /* last lookup, so marks that walk along one long non-ASCII line stay linear */
    size_t c_line, c_col;
    uint32_t c_off;
    bool c_valid;
};

static void lines_init(struct lines *l, struct arena *a, const struct source *src)
{
    const char *t = src->text, *end = src->text + src->len;
    size_t n = 1;
    for (const char *p = t; p < end;) {
        size_t b = break_len(p, end);
        n += b != 0;
        p += b ? b : 1;
    }
    l->text = t;
    l->len = (uint32_t)src->len;
    l->start = arena_alloc(a, n * sizeof(*l->start));
    l->ascii = arena_alloc(a, n * sizeof(*l->ascii));
    l->n = 0;
    l->start[l->n] = 0;
    l->ascii[l->n] = true;
    l->n++;
    for (const char *p = t; p < end;) {
        size_t b = break_len(p, end);
        if (b) {
            p += b;
            l->start[l->n] = (uint32_t)(p - t);
            l->ascii[l->n] = true;
            l->n++;
        } else {
            if ((unsigned char)*p >= 0x80)
                l->ascii[l->n - 1] = false;
            p++;
        }
    }
    l->c_valid = false;
}

static uint32_t advance_chars(const struct lines *l, uint32_t off, size_t nchars)
{
    while (nchars > 0 && off < l->len) {
        off++;
        while (off < l->len && ((unsigned char)l->text[off] & 0xC0) == 0x80)
            off++;
        nchars--;
    }
    return off;
}

static uint32_t mark_off(struct lines *l, const yaml_mark_t *m)
{
    if (m->line >= l->n)
        return l->len;
    uint32_t base = l->start[m->line];
    if (l->ascii[m->line]) {
        size_t off = base + m->column;
        return off > l->len ? l->len : (uint32_t)off;
    }
    uint32_t off;
    if (l->c_valid && l->c_line == m->line && l->c_col <= m->column)
        off = advance_chars(l, l->c_off, m->column - l->c_col);
    else
        off = advance_chars(l, base, m->column);
    l->c_valid = true;
    l->c_line = m->line;
    l->c_col = m->column;
    l->c_off = off;
    return off;
}

/* ---- anchors: name → completed node, scoped to one document ------------ */

struct anchor {
    const char *name;
    struct ynode *node;
    size_t weight; /* node count of the subtree, aliases expanded */
    unsigned gen;  /* document generation; other generations are empty slots */
};

struct anchors {
    struct anchor *tab;
    size_t cap, n;
    unsigned gen;
};

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static struct anchor *anchor_slot(struct anchors *t, const char *name)
{
    size_t i = hash_str(name) & (t->cap - 1);
    while (t->tab[i].gen == t->gen && strcmp(t->tab[i].name, name) != 0)
        i = (i + 1) & (t->cap - 1);
    return &t->tab[i];
}

static void anchor_put(struct arena *a, struct anchors *t, const char *name, struct ynode *node,
                       size_t weight)
{
    if ((t->n + 1) * 2 > t->cap) {
        struct anchor *old = t->tab;
        size_t oldcap = t->cap;
        t->cap = oldcap ? oldcap * 2 : 64;
        t->tab = arena_alloc(a, t->cap * sizeof(*t->tab));
        /* gen 0 never matches a live generation (they start at 1) */
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].gen == t->gen)
                *anchor_slot(t, old[i].name) = old[i];
    }
    struct anchor *s = anchor_slot(t, name);
    if (s->gen != t->gen)
        t->n++;
    *s = (struct anchor){name, node, weight, t->gen};
}

static struct anchor *anchor_get(struct anchors *t, const char *name)
{
    if (!t->cap)
        return NULL;
    struct anchor *s = anchor_slot(t, name);
    return s->gen == t->gen ? s : NULL;
}

/* ---- the tree builder ----------------------------------------------------- */

struct frame {
    struct ynode *node; /* the open collection */
    size_t base;        /* its first child on the kids stack */
    size_t weight;      /* 1 + children's weights, aliases expanded */
    const char *anchor; /* registered when the collection closes */
    int32_t col;        /* start column in characters (block scalars' parent indent) */
};

struct builder {
    struct arena *a;
    struct diags *d;
    const struct source *src;
    struct lines ln;
    struct frame *fr; /* open collections, innermost last */
    size_t nfr, capfr;
    struct ynode **kids; /* children of every open collection, in order */
    size_t nkids, capkids;
    struct anchors anchors;
    size_t total; /* nodes so far, aliases expanded */
    struct ynode *root;
    struct ydoc *docs;
    size_t ndocs, capdocs;
    bool failed;
};

static struct src_pos pos_at(const struct builder *b, uint32_t off)
{
    return (struct src_pos){b->src, off};
}

static void fail(struct builder *b, uint32_t off, uint32_t span, const char *msg)
{
    struct diag *g = diag_add(b->d, DIAG_LOAD_ERR_YAML_PARSE, pos_at(b, off), span, "%s", msg);
    /* Falco reports YAML errors with a "value for" location at the mark. */
    diag_loc(g, "value for", "", pos_at(b, off));
    b->failed = true;
}

static struct ynode *new_node(struct builder *b, enum ynode_kind kind, const yaml_event_t *ev)
{
    struct ynode *n = arena_alloc(b->a, sizeof(*n));
    n->kind = kind;
    n->src = b->src;
    n->start = mark_off(&b->ln, &ev->start_mark);
    n->end = mark_off(&b->ln, &ev->end_mark);
    n->parent_indent = -1;
    return n;
}

/* Counts nodes (alias copies included) against the cap. */
static bool count_nodes(struct builder *b, size_t w, uint32_t off)
{
    b->total += w;
    if (b->total > YAML_MAX_NODES) {
        fail(b, off, 1, "too many YAML nodes: more than 1000000, counting alias expansions");
        return false;
    }
    return true;
}

/* Hangs a complete node (of subtree weight w) under the open collection, or
 * makes it the document root. */
static void attach(struct builder *b, struct ynode *n, size_t w)
{
    if (b->nfr == 0) {
        b->root = n;
        return;
    }
    b->fr[b->nfr - 1].weight += w;
    if (b->nkids == b->capkids) {
        size_t cap = b->capkids ? b->capkids * 2 : 256;
        b->kids =
            arena_realloc(b->a, b->kids, b->capkids * sizeof(*b->kids), cap * sizeof(*b->kids));
        b->capkids = cap;
    }
    b->kids[b->nkids++] = n;
}

static bool is_null_word(const char *v, size_t len)
{
    return len == 0 || (len == 1 && v[0] == '~') ||
           (len == 4 && (!memcmp(v, "null", 4) || !memcmp(v, "Null", 4) || !memcmp(v, "NULL", 4)));
}

static void on_scalar(struct builder *b, const yaml_event_t *ev)
{
    if (!count_nodes(b, 1, mark_off(&b->ln, &ev->start_mark)))
        return;
    struct ynode *n = new_node(b, YN_SCALAR, ev);
    const char *v = (const char *)ev->data.scalar.value;
    n->len = ev->data.scalar.length;
    n->value = arena_strndup(b->a, v, n->len);
    switch (ev->data.scalar.style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
        n->style = YS_SINGLE;
        break;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
        n->style = YS_DOUBLE;
        break;
    case YAML_LITERAL_SCALAR_STYLE:
        n->style = YS_LITERAL;
        break;
    case YAML_FOLDED_SCALAR_STYLE:
        n->style = YS_FOLDED;
        break;
    default:
        n->style = YS_PLAIN;
        break;
    }
    /* YAML core null, as yaml-cpp decides it: untagged plain scalars only. */
    n->is_null = n->style == YS_PLAIN && !ev->data.scalar.tag && is_null_word(v, n->len);
    if (b->nfr > 0)
        n->parent_indent = b->fr[b->nfr - 1].col;
    if (ev->data.scalar.anchor)
        anchor_put(b->a, &b->anchors, arena_strdup(b->a, (const char *)ev->data.scalar.anchor), n,
                   1);
    attach(b, n, 1);
}

static void on_alias(struct builder *b, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    uint32_t off = mark_off(&b->ln, &ev->start_mark);
    struct anchor *an = anchor_get(&b->anchors, name);
    if (!an) {
        fail(b, off, mark_off(&b->ln, &ev->end_mark) - off,
             arena_printf(b->a, "found undefined alias '%s'", name));
        return;
    }
    if (!count_nodes(b, an->weight, off))
        return;
    attach(b, an->node, an->weight);
}

static void on_open(struct builder *b, const yaml_event_t *ev, enum ynode_kind kind)
{
    uint32_t off = mark_off(&b->ln, &ev->start_mark);
    if (b->nfr >= YAML_MAX_DEPTH) {
        fail(b, off, 1, "YAML nesting too deep: more than 10000 levels");
        return;
    }
    if (!count_nodes(b, 1, off))
        return;
    struct ynode *n = new_node(b, kind, ev);
    const yaml_char_t *anchor =
        kind == YN_MAP ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
    if (b->nfr == b->capfr) {
        size_t cap = b->capfr ? b->capfr * 2 : 64;
        b->fr = arena_realloc(b->a, b->fr, b->capfr * sizeof(*b->fr), cap * sizeof(*b->fr));
        b->capfr = cap;
    }
    size_t col = ev->start_mark.column;
    b->fr[b->nfr++] = (struct frame){
        .node = n,
        .base = b->nkids,
        .weight = 1,
        .anchor = anchor ? arena_strdup(b->a, (const char *)anchor) : NULL,
        .col = col > INT32_MAX ? INT32_MAX : (int32_t)col,
    };
}

struct keyref {
    const struct ynode *key;
    size_t idx;
};

static int cmp_keyref(const void *pa, const void *pb)
{
    const struct keyref *a = pa, *b = pb;
    if (a->key->len != b->key->len)
        return a->key->len < b->key->len ? -1 : 1;
    int c = memcmp(a->key->value, b->key->value, a->key->len);
    if (c)
        return c;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/*
 * yaml-cpp, which Falco uses, silently keeps one of two equal keys; a rules
 * author who writes `condition:` twice almost certainly lost one of them, so
 * falcoc refuses the file instead (a deliberate difference from Falco).
 */
static void check_duplicate_keys(struct builder *b, const struct ynode *map)
{
    if (map->n < 2)
        return;
    struct keyref *refs = arena_alloc(b->a, map->n * sizeof(*refs));
    size_t n = 0;
    for (size_t i = 0; i < map->n; i++)
        if (map->keys[i]->kind == YN_SCALAR)
            refs[n++] = (struct keyref){map->keys[i], i};
    qsort(refs, n, sizeof(*refs), cmp_keyref);
    for (size_t i = 1; i < n; i++) {
        const struct ynode *k = refs[i].key, *prev = refs[i - 1].key;
        if (k->len == prev->len && !memcmp(k->value, prev->value, k->len)) {
            size_t show = k->len > 100 ? 100 : k->len;
            fail(b, k->start, k->end - k->start,
                 arena_printf(b->a, "duplicate key '%.*s'", (int)show, k->value));
        }
    }
}

static void on_close(struct builder *b, const yaml_event_t *ev)
{
    struct frame f = b->fr[--b->nfr];
    struct ynode *n = f.node;
    size_t cnt = b->nkids - f.base;
    n->end = mark_off(&b->ln, &ev->end_mark);
    if (n->kind == YN_MAP) {
        n->n = cnt / 2;
        n->keys = arena_alloc(b->a, (n->n ? n->n : 1) * sizeof(*n->keys));
        n->vals = arena_alloc(b->a, (n->n ? n->n : 1) * sizeof(*n->vals));
        for (size_t i = 0; i < n->n; i++) {
            n->keys[i] = b->kids[f.base + 2 * i];
            n->vals[i] = b->kids[f.base + 2 * i + 1];
        }
    } else {
        n->n = cnt;
        n->vals = arena_alloc(b->a, (cnt ? cnt : 1) * sizeof(*n->vals));
        if (cnt)
            memcpy(n->vals, b->kids + f.base, cnt * sizeof(*n->vals));
    }
    b->nkids = f.base;
    if (n->kind == YN_MAP) {
        check_duplicate_keys(b, n);
        if (b->failed)
            return;
    }
    if (f.anchor)
        anchor_put(b->a, &b->anchors, f.anchor, n, f.weight);
    attach(b, n, f.weight);
}

static void on_document_end(struct builder *b, uint32_t start)
{
    if (b->ndocs == b->capdocs) {
        size_t cap = b->capdocs ? b->capdocs * 2 : 4;
        b->docs =
            arena_realloc(b->a, b->docs, b->capdocs * sizeof(*b->docs), cap * sizeof(*b->docs));
        b->capdocs = cap;
    }
    struct ynode *root = b->root;
    if (root && root->kind == YN_SCALAR && root->is_null)
        root = NULL;
    b->docs[b->ndocs++] = (struct ydoc){root, start};
    b->root = NULL;
}

/* Only blanks and line breaks from off to the end of the file? */
static bool at_end(const struct source *src, uint32_t off)
{
    for (size_t i = off; i < src->len; i++)
        if (!strchr(" \t\r\n", src->text[i]))
            return false;
    return true;
}

static void report_libyaml_error(struct builder *b, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "unknown YAML error";
    uint32_t off;
    struct diag *g;
    switch (p->error) {
    case YAML_READER_ERROR:
        /* problem_offset is a byte offset: the reader has not decoded yet */
        off = p->problem_offset > b->ln.len ? b->ln.len : (uint32_t)p->problem_offset;
        if (strstr(problem, "trailing") || strstr(problem, "incomplete")) {
            /* libyaml stops at the byte that broke the sequence; the fault is
             * the sequence's lead byte, at most three bytes back. */
            const unsigned char *t = (const unsigned char *)b->src->text;
            for (uint32_t k = 1; k <= 3 && k <= off; k++)
                if (t[off - k] >= 0xC0) {
                    off -= k;
                    g = diag_add(b->d, DIAG_LOAD_ERR_YAML_PARSE, pos_at(b, off), 1,
                                 "invalid UTF-8: byte 0x%02x starts a sequence that is not valid",
                                 t[off]);
                    goto located;
                }
        }
        if (p->problem_value >= 0)
            g = diag_add(b->d, DIAG_LOAD_ERR_YAML_PARSE, pos_at(b, off), 1, "%s (0x%x)", problem,
                         (unsigned)p->problem_value);
        else
            g = diag_add(b->d, DIAG_LOAD_ERR_YAML_PARSE, pos_at(b, off), 1, "%s", problem);
    located:
        break;
    case YAML_SCANNER_ERROR:
    case YAML_PARSER_ERROR:
        off = mark_off(&b->ln, &p->problem_mark);
        if (p->context && at_end(b->src, off)) {
            /* Past the last line the mark says nothing; the construct that
             * was left open (a quote, a '[') is where the fault is. */
            off = mark_off(&b->ln, &p->context_mark);
        }
        if (p->context)
            g = diag_add(b->d, DIAG_LOAD_ERR_YAML_PARSE, pos_at(b, off), 1, "%s: %s", p->context,
                         problem);
        else
            g = diag_add(b->d, DIAG_LOAD_ERR_YAML_PARSE, pos_at(b, off), 1, "%s", problem);
        break;
    default:
        off = 0;
        g = diag_add(b->d, DIAG_LOAD_ERR_YAML_PARSE, pos_at(b, 0), 0, "%s",
                     p->error == YAML_MEMORY_ERROR ? "out of memory while parsing YAML" : problem);
        break;
    }
    diag_loc(g, "value for", "", pos_at(b, off));
    b->failed = true;
}

bool yaml_parse(struct arena *a, struct diags *d, const struct source *src, struct ydoc **docs,
                size_t *ndocs)
{
    struct builder b = {.a = a, .d = d, .src = src};
    lines_init(&b.ln, a, src);
    *docs = NULL;
    *ndocs = 0;

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        diag_add(d, DIAG_LOAD_ERR_YAML_PARSE, pos_at(&b, 0), 0,
                 "cannot initialize the YAML parser");
        return false;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)src->text, src->len);
    /* UTF-8 only, like the byte offsets kept in every node; a UTF-8 BOM is
     * skipped by the scanner and counted as one column. */
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);

    uint32_t doc_start = 0;
    bool done = false;
    while (!done && !b.failed) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            report_libyaml_error(&b, &p);
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            doc_start = mark_off(&b.ln, &ev.start_mark);
            b.root = NULL;
            b.anchors.gen++; /* anchors do not cross documents */
            b.anchors.n = 0;
            break;
        case YAML_DOCUMENT_END_EVENT:
            on_document_end(&b, doc_start);
            break;
        case YAML_SCALAR_EVENT:
            on_scalar(&b, &ev);
            break;
        case YAML_ALIAS_EVENT:
            on_alias(&b, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
            on_open(&b, &ev, YN_SEQ);
            break;
        case YAML_MAPPING_START_EVENT:
            on_open(&b, &ev, YN_MAP);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            on_close(&b, &ev);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    *docs = b.docs;
    *ndocs = b.ndocs;
    return !b.failed;
}

/* ---- lookups ------------------------------------------------------------------ */

static size_t key_index(const struct ynode *map, const char *key)
{
    if (!map || map->kind != YN_MAP)
        return SIZE_MAX;
    size_t len = strlen(key);
    for (size_t i = 0; i < map->n; i++) {
        const struct ynode *k = map->keys[i];
        if (k->kind == YN_SCALAR && k->len == len && !memcmp(k->value, key, len))
            return i;
    }
    return SIZE_MAX;
}

struct ynode *ymap_get(const struct ynode *map, const char *key)
{
    size_t i = key_index(map, key);
    return i == SIZE_MAX ? NULL : map->vals[i];
}

struct ynode *ymap_key(const struct ynode *map, const char *key)
{
    size_t i = key_index(map, key);
    return i == SIZE_MAX ? NULL : map->keys[i];
}

/* ---- value offset → file position --------------------------------------------- */

/*
 * A walk replays libyaml's decoding of one scalar: it moves over the raw
 * bytes (i) and counts the decoded bytes they produce (j). Bytes copied from
 * the file map to themselves; bytes libyaml synthesises (a space for a folded
 * line break, the character of an escape) map to the raw bytes they came from.
 */
struct walk {
    const char *t; /* file text */
    uint32_t lim;  /* file length: lookahead bound */
    uint32_t end;  /* node end */
    size_t j;      /* decoded bytes produced so far */
    size_t want;   /* the decoded offset asked for */
    uint32_t hit;  /* its raw offset, once found */
    bool found;
    uint32_t last_end; /* raw offset just past the source of the last decoded byte */
};

static void emit_copy(struct walk *w, uint32_t at, size_t n)
{
    if (!w->found && w->want >= w->j && w->want < w->j + n) {
        w->hit = at + (uint32_t)(w->want - w->j);
        w->found = true;
    }
    w->j += n;
    w->last_end = at + (uint32_t)n;
}

static void emit_synth(struct walk *w, uint32_t at, uint32_t srclen, size_t n)
{
    if (!w->found && w->want >= w->j && w->want < w->j + n) {
        w->hit = at;
        w->found = true;
    }
    w->j += n;
    w->last_end = at + srclen;
}

static size_t wbreak(const struct walk *w, uint32_t i)
{
    return break_len(w->t + i, w->t + w->lim);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A line break as libyaml's READ_LINE stores it: LS and PS verbatim, every
 * other break as one '\n'. */
static uint32_t emit_break(struct walk *w, uint32_t i)
{
    size_t bl = wbreak(w, i);
    if (bl == 3)
        emit_copy(w, i, 3);
    else
        emit_synth(w, i, (uint32_t)bl, 1);
    return i + (uint32_t)bl;
}

static bool is_ls_ps(const struct walk *w, uint32_t i)
{
    return wbreak(w, i) == 3;
}

/*
 * The blanks and breaks between two runs of content in a plain or quoted
 * scalar ([i, stop) holds only those): blanks alone are kept; otherwise the
 * first break folds to a space when it stands alone and disappears when
 * empty lines follow (they become '\n' each); blanks around breaks vanish.
 * An escaped line break in a double-quoted scalar enters with `escaped`:
 * there is no first break to fold, every following break is kept.
 */
static void emit_gap(struct walk *w, uint32_t i, uint32_t stop, bool escaped)
{
    uint32_t first = UINT32_MAX;
    size_t nbreaks = 0;
    for (uint32_t k = i; k < stop;) {
        size_t bl = wbreak(w, k);
        if (bl) {
            if (first == UINT32_MAX)
                first = k;
            nbreaks++;
            k += (uint32_t)bl;
        } else {
            k++;
        }
    }
    if (escaped) {
        for (uint32_t k = i; k < stop;) {
            if (wbreak(w, k))
                k = emit_break(w, k);
            else
                k++;
        }
        return;
    }
    if (nbreaks == 0) {
        emit_copy(w, i, stop - i);
        return;
    }
    bool first_ls = is_ls_ps(w, first);
    if (first_ls)
        emit_copy(w, first, 3);
    else if (nbreaks == 1)
        emit_synth(w, first, (uint32_t)wbreak(w, first), 1);
    for (uint32_t k = first + (uint32_t)wbreak(w, first); k < stop;) {
        if (wbreak(w, k))
            k = emit_break(w, k);
        else
            k++;
    }
}

/* Skips an anchor and a tag in front of a scalar: the event's start mark
 * includes them, the value does not. */
static uint32_t skip_properties(const struct walk *w, uint32_t i)
{
    while (i < w->end && (w->t[i] == '&' || w->t[i] == '!')) {
        if (w->t[i] == '!' && i + 1 < w->end && w->t[i + 1] == '<') {
            while (i < w->end && w->t[i] != '>')
                i++;
            i++;
        } else {
            while (i < w->end && !is_blank(w->t[i]) && !wbreak(w, i))
                i++;
        }
        /* separation: blanks, breaks and comments */
        for (;;) {
            if (i < w->end && is_blank(w->t[i])) {
                i++;
            } else if (i < w->end && wbreak(w, i)) {
                i += (uint32_t)wbreak(w, i);
            } else if (i < w->end && w->t[i] == '#') {
                while (i < w->end && !wbreak(w, i))
                    i++;
            } else {
                break;
            }
        }
    }
    return i;
}

static bool is_blank_or_break(const struct walk *w, uint32_t i)
{
    return is_blank(w->t[i]) || wbreak(w, i);
}

/* End of the run of blanks and breaks starting at i (bounded by the node). */
static uint32_t skip_gap(const struct walk *w, uint32_t i)
{
    while (i < w->end && is_blank_or_break(w, i))
        i += wbreak(w, i) ? (uint32_t)wbreak(w, i) : 1;
    return i;
}

static void walk_plain(struct walk *w, uint32_t i)
{
    while (i < w->end) {
        if (is_blank_or_break(w, i)) {
            uint32_t k = skip_gap(w, i);
            if (k >= w->end)
                return; /* trailing blanks are not part of the value */
            emit_gap(w, i, k, false);
            i = k;
        } else {
            emit_copy(w, i, 1);
            i++;
        }
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Bytes of input and of output of the escape at i (a backslash). */
static void escape_size(const struct walk *w, uint32_t i, uint32_t *in, size_t *out)
{
    char c = i + 1 < w->lim ? w->t[i + 1] : 0;
    unsigned digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
    if (digits) {
        unsigned long v = 0;
        for (unsigned k = 0; k < digits && i + 2 + k < w->lim; k++) {
            int h = hexval(w->t[i + 2 + k]);
            v = v * 16 + (unsigned long)(h < 0 ? 0 : h);
        }
        *in = 2 + digits;
        *out = v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4;
        return;
    }
    *in = 2;
    switch (c) {
    case 'N': /* NEL */
    case '_': /* no-break space */
        *out = 2;
        break;
    case 'L': /* line separator */
    case 'P': /* paragraph separator */
        *out = 3;
        break;
    default:
        *out = 1;
        break;
    }
}

static void walk_quoted(struct walk *w, uint32_t i, bool dbl)
{
    char q = dbl ? '"' : '\'';
    if (i < w->end && w->t[i] == q)
        i++;
    w->last_end = i;
    while (i < w->end) {
        char c = w->t[i];
        if (is_blank_or_break(w, i)) {
            uint32_t k = skip_gap(w, i);
            emit_gap(w, i, k, false);
            i = k;
            continue;
        }
        if (!dbl && c == '\'') {
            if (i + 1 < w->end && w->t[i + 1] == '\'') {
                emit_synth(w, i, 2, 1);
                i += 2;
                continue;
            }
            return; /* closing quote */
        }
        if (dbl && c == '"')
            return;
        if (dbl && c == '\\') {
            size_t bl = i + 1 < w->lim ? wbreak(w, i + 1) : 0;
            if (bl) {
                /* an escaped line break joins the lines without a space */
                i += 1 + (uint32_t)bl;
                uint32_t k = skip_gap(w, i);
                emit_gap(w, i, k, true);
                i = k;
                continue;
            }
            uint32_t in;
            size_t out;
            escape_size(w, i, &in, &out);
            emit_synth(w, i, in, out);
            i += in;
            continue;
        }
        emit_copy(w, i, 1);
        i++;
    }
}

/*
 * Block scalars: a header (indicator, chomping, indentation digit), then
 * lines at the content indentation. The indentation comes from the digit
 * (relative to the enclosing block collection) or, without one, from the
 * first non-empty line - libyaml's rule, replayed here.
 */
struct blk {
    struct walk *w;
    uint32_t i;
    size_t col;    /* column of i on its line (spaces only, so bytes) */
    size_t indent; /* 0 until known */
};

/* Leading indentation and empty lines; returns their breaks as [first, *n). */
static void blk_breaks(struct blk *b, uint32_t *bstart, size_t *nbreaks, int32_t parent)
{
    struct walk *w = b->w;
    size_t max_indent = 0;
    *bstart = b->i;
    *nbreaks = 0;
    for (;;) {
        while ((!b->indent || b->col < b->indent) && b->i < w->lim && w->t[b->i] == ' ') {
            b->i++;
            b->col++;
        }
        if (b->col > max_indent)
            max_indent = b->col;
        size_t bl = b->i < w->lim ? wbreak(w, b->i) : 0;
        if (!bl)
            break;
        if (*nbreaks == 0)
            *bstart = b->i;
        (*nbreaks)++;
        b->i += (uint32_t)bl;
        b->col = 0;
    }
    if (!b->indent) {
        long ind = (long)max_indent;
        if (ind < (long)parent + 1)
            ind = (long)parent + 1;
        if (ind < 1)
            ind = 1;
        b->indent = (size_t)ind;
    }
}

/* Emits the breaks recorded by blk_breaks (skipping the spaces between). */
static void emit_breaks(struct walk *w, uint32_t from, size_t n)
{
    uint32_t k = from;
    while (n > 0 && k < w->lim) {
        if (wbreak(w, k)) {
            k = emit_break(w, k);
            n--;
        } else {
            k++;
        }
    }
}

static void walk_block(struct walk *w, uint32_t i, bool literal, int32_t parent)
{
    i++; /* the indicator */
    int chomp = 0;
    unsigned incr = 0;
    for (int k = 0; k < 2 && i < w->end; k++) {
        char c = w->t[i];
        if ((c == '+' || c == '-') && chomp == 0) {
            chomp = c == '+' ? 1 : -1;
            i++;
        } else if (c >= '1' && c <= '9' && incr == 0) {
            incr = (unsigned)(c - '0');
            i++;
        }
    }
    while (i < w->end && is_blank(w->t[i]))
        i++;
    if (i < w->end && w->t[i] == '#')
        while (i < w->lim && !wbreak(w, i))
            i++;
    if (i < w->lim)
        i += (uint32_t)wbreak(w, i);
    w->last_end = i;

    struct blk b = {.w = w, .i = i, .col = 0};
    if (incr)
        b.indent = parent >= 0 ? (size_t)parent + incr : incr;

    uint32_t tb_start;
    size_t ntb;
    blk_breaks(&b, &tb_start, &ntb, parent);

    uint32_t lb = UINT32_MAX; /* the break ending the previous content line */
    bool leading_blank = false;
    while (b.col == b.indent && b.i < w->end) {
        bool trailing_blank = is_blank(w->t[b.i]);
        if (!literal && lb != UINT32_MAX && !is_ls_ps(w, lb) && !leading_blank && !trailing_blank) {
            /* folding: one break between two plain lines is a space */
            if (ntb == 0)
                emit_synth(w, lb, (uint32_t)wbreak(w, lb), 1);
        } else if (lb != UINT32_MAX) {
            emit_break(w, lb);
        }
        emit_breaks(w, tb_start, ntb);
        leading_blank = is_blank(w->t[b.i]);
        uint32_t s = b.i;
        while (b.i < w->lim && !wbreak(w, b.i))
            b.i++;
        if (b.i > s)
            emit_copy(w, s, b.i - s);
        if (b.i >= w->lim) {
            lb = UINT32_MAX;
            ntb = 0;
            break;
        }
        lb = b.i;
        b.i += (uint32_t)wbreak(w, b.i);
        b.col = 0;
        blk_breaks(&b, &tb_start, &ntb, parent);
    }
    if (chomp != -1 && lb != UINT32_MAX)
        emit_break(w, lb);
    if (chomp == 1)
        emit_breaks(w, tb_start, ntb);
}

struct src_pos yaml_value_pos(const struct ynode *n, size_t off)
{
    struct src_pos none = {n ? n->src : NULL, n ? n->start : 0};
    if (!n || n->kind != YN_SCALAR || !n->src)
        return none;
    if (off > n->len)
        off = n->len;
    struct walk w = {
        .t = n->src->text,
        .lim = (uint32_t)n->src->len,
        .end = n->end > n->src->len ? (uint32_t)n->src->len : n->end,
        .want = off,
    };
    uint32_t i = skip_properties(&w, n->start);
    w.last_end = i;
    switch (n->style) {
    case YS_PLAIN:
        walk_plain(&w, i);
        break;
    case YS_SINGLE:
        walk_quoted(&w, i, false);
        break;
    case YS_DOUBLE:
        walk_quoted(&w, i, true);
        break;
    case YS_LITERAL:
    case YS_FOLDED:
        if (i < w.end)
            walk_block(&w, i, n->style == YS_LITERAL, n->parent_indent);
        break;
    }
    struct src_pos p = {n->src, w.found ? w.hit : w.last_end};
    if (p.off > n->src->len)
        p.off = (uint32_t)n->src->len;
    return p;
}
