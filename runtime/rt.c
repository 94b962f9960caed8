/*
 * rt.c - the evaluation entry points of fc_abi.h (field reads with the
 * per-event cache, transformers, join/concat) and the context set-up of
 * fc_rt.h.
 *
 * Input: a context over one event of a provider. Output: struct fc_val
 * pointers that stay valid until fc_ctx_next_event(): the first value of a
 * field reference lives in its slot, everything else (later values of
 * multi-valued reads, transformer results) in the context's scratch buffer.
 * List values (fc_abi.h) are arrays of single values in scratch; the
 * transformers, fc_rt_text and fc_rt_join take them element by element.
 * Conversions follow the reference evaluator (compiler/interp.c): strings
 * are cut at their first NUL (§6.1), buffers are not, numbers keep the
 * provider's 64-bit value, addresses are copied with the bytes an IPv4
 * address does not use zeroed. Nothing here calls malloc on the per-event
 * path once scratch has reached its working size.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "fc_rt.h"
#include "ops.h"
#include "ppm_types.h"

/* ---- scratch ---- */

#define SCRATCH_ALIGN _Alignof(max_align_t)
#define SCRATCH_FIRST 4096u

struct chunk {
    struct chunk *next; /* older, smaller chunks of the same event */
    size_t cap;
    max_align_t data[]; /* cap bytes */
};

struct fc_scratch {
    struct chunk *cur; /* the newest chunk, also the largest */
    size_t used;       /* bytes of cur handed out */
};

static struct chunk *chunk_new(size_t cap)
{
    struct chunk *k = malloc(sizeof(*k) + cap);
    if (k) {
        k->next = NULL;
        k->cap = cap;
    }
    return k;
}

struct fc_scratch *fc_scratch_new(void)
{
    struct fc_scratch *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->cur = chunk_new(SCRATCH_FIRST);
    if (!s->cur) {
        free(s);
        return NULL;
    }
    return s;
}

static void free_chunks(struct chunk *k)
{
    while (k) {
        struct chunk *next = k->next;
        free(k);
        k = next;
    }
}

void fc_scratch_free(struct fc_scratch *s)
{
    if (!s)
        return;
    free_chunks(s->cur);
    free(s);
}

void *fc_scratch_alloc(struct fc_scratch *s, size_t n)
{
    size_t at = (s->used + SCRATCH_ALIGN - 1) & ~(SCRATCH_ALIGN - 1);
    if (at > s->cur->cap || n > s->cur->cap - at) {
        /* A new chunk at least twice the last: the values handed out stay
         * where they are, and after a few events one chunk holds them all. */
        size_t cap = s->cur->cap;
        do {
            if (cap > SIZE_MAX / 4)
                return NULL;
            cap *= 2;
        } while (cap < n);
        struct chunk *k = chunk_new(cap);
        if (!k)
            return NULL;
        k->next = s->cur;
        s->cur = k;
        at = 0;
    }
    s->used = at + n;
    return (char *)s->cur->data + at;
}

void fc_scratch_reset(struct fc_scratch *s)
{
    free_chunks(s->cur->next); /* only after an event that needed more than ever */
    s->cur->next = NULL;
    s->used = 0;
}

/* ---- contexts ---- */

bool fc_ctx_init(struct fc_ctx *c, const struct fc_provider *p, const struct fc_fref *frefs,
                 uint32_t nfrefs)
{
    memset(c, 0, sizeof(*c));
    c->slots = calloc(nfrefs ? nfrefs : 1, sizeof(*c->slots));
    c->scratch = fc_scratch_new();
    if (!c->slots || !c->scratch) {
        fc_ctx_fini(c);
        return false;
    }
    c->prov = p;
    c->frefs = frefs;
    c->nfrefs = nfrefs;
    c->gen = 1; /* slots start at generation 0: empty */
    return true;
}

void fc_ctx_fini(struct fc_ctx *c)
{
    free(c->slots);
    fc_scratch_free(c->scratch);
    memset(c, 0, sizeof(*c));
}

void fc_ctx_next_event(struct fc_ctx *c)
{
    if (++c->gen == 0) {
        /* After 2^32 events: empty every slot explicitly once. */
        for (uint32_t i = 0; i < c->nfrefs; i++)
            c->slots[i].gen = 0;
        c->gen = 1;
    }
    if (c->scratch)
        fc_scratch_reset(c->scratch);
}

/* ---- value types ---- */

enum fc_tkind fc_type_kind(uint32_t type)
{
    switch (type) {
    case PT_BOOL:
        return FC_TK_BOOL;
    case PT_CHARBUF:
    case PT_FSPATH:
    case PT_FSRELPATH:
        return FC_TK_STR;
    case PT_BYTEBUF:
        return FC_TK_BYTES;
    case PT_IPV4ADDR:
    case PT_IPV6ADDR:
    case PT_IPADDR:
        return FC_TK_IPADDR;
    case PT_IPV4NET:
    case PT_IPV6NET:
    case PT_IPNET:
        return FC_TK_IPNET;
    case PT_INT8:
    case PT_INT16:
    case PT_INT32:
    case PT_INT64:
    case PT_UINT8:
    case PT_UINT16:
    case PT_UINT32:
    case PT_UINT64:
    case PT_ERRNO:
    case PT_FD:
    case PT_PID:
    case PT_SYSCALLID:
    case PT_SIGTYPE:
    case PT_RELTIME:
    case PT_ABSTIME:
    case PT_PORT:
    case PT_L4PROTO:
    case PT_SOCKFAMILY:
    case PT_FLAGS8:
    case PT_FLAGS16:
    case PT_FLAGS32:
    case PT_UID:
    case PT_GID:
    case PT_DOUBLE:
    case PT_MODE:
    case PT_ENUMFLAGS8:
    case PT_ENUMFLAGS16:
    case PT_ENUMFLAGS32:
    case PT_FD32:
    case PT_PID32:
        return FC_TK_NUM;
    default:
        return FC_TK_OTHER;
    }
}

bool fc_type_signed(uint32_t type)
{
    return type == PT_INT8 || type == PT_INT16 || type == PT_INT32 || type == PT_INT64 ||
           type == PT_ERRNO || type == PT_FD || type == PT_PID || type == PT_FD32 ||
           type == PT_PID32;
}

/* ---- field reads ---- */

/* Value i of a reference into *v (zeroed first); false when not available. */
static bool read_val(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i, struct fc_val *v)
{
    memset(v, 0, sizeof(*v));
    switch (fc_type_kind(f->type)) {
    case FC_TK_NUM:
    case FC_TK_BOOL: {
        struct fc_num x = c->prov->get_num(c, f, i);
        v->n = x.v;
        return x.ok != 0;
    }
    case FC_TK_IPADDR:
    case FC_TK_IPNET: {
        struct fc_ip x = c->prov->get_ip(c, f, i);
        if (!x.family)
            return false;
        memcpy(v->ip, x.addr, x.family == 4 ? 4 : sizeof(v->ip));
        v->family = x.family;
        v->prefix = x.prefix;
        return true;
    }
    case FC_TK_STR: {
        struct fc_str x = c->prov->get_str(c, f, i);
        if (!x.ok)
            return false;
        v->p = x.p ? x.p : "";
        v->n = x.p ? strnlen(x.p, x.len) : 0; /* a C string (§6.1) */
        return true;
    }
    default: {
        struct fc_str x = c->prov->get_str(c, f, i);
        if (!x.ok)
            return false;
        v->p = x.p ? x.p : "";
        v->n = x.p ? x.len : 0;
        return true;
    }
    }
}

const struct fc_val *fc_rt_get(struct fc_ctx *c, uint32_t fref, uint32_t i)
{
    const struct fc_fref *f = &c->frefs[fref];
    if (i == 0) {
        struct fc_slot *s = &c->slots[fref];
        if (s->gen != c->gen) {
            s->ok = read_val(c, f, 0, &s->v);
            s->gen = c->gen;
        }
        return s->ok ? &s->v : NULL;
    }
    /* Later values are not cached: each read gets its own copy, since the
     * caller may hold several at once. */
    struct fc_val v;
    if (!read_val(c, f, i, &v))
        return NULL;
    struct fc_val *o = fc_scratch_alloc(c->scratch, sizeof(*o));
    if (o)
        *o = v;
    return o;
}

uint32_t fc_rt_count(struct fc_ctx *c, uint32_t fref)
{
    return c->prov->count(c, &c->frefs[fref]);
}

/* ---- transformers ---- */

static struct fc_val *new_val(struct fc_ctx *c)
{
    struct fc_val *o = fc_scratch_alloc(c->scratch, sizeof(*o));
    if (o)
        memset(o, 0, sizeof(*o));
    return o;
}

/* A string result of n bytes: the bytes are in scratch, NUL-terminated. */
static struct fc_val *new_text(struct fc_ctx *c, size_t n, char **bytes)
{
    struct fc_val *o = new_val(c);
    char *d = o ? fc_scratch_alloc(c->scratch, n + 1) : NULL;
    if (!d)
        return NULL;
    d[n] = '\0';
    o->p = d;
    o->n = n;
    *bytes = d;
    return o;
}

/* A list value of n elements, left for the caller to fill: *el gets them. */
static struct fc_val *new_list(struct fc_ctx *c, size_t n, struct fc_val **el)
{
    struct fc_val *o = new_val(c);
    struct fc_val *e = o ? fc_scratch_alloc(c->scratch, (n ? n : 1) * sizeof(*e)) : NULL;
    if (!e)
        return NULL;
    o->p = (const char *)e;
    o->n = n;
    o->list = 1;
    *el = e;
    return o;
}

static const struct fc_val *elements(const struct fc_val *list)
{
    return (const struct fc_val *)(const void *)list->p;
}

/* f(c, arg, type, element) on every element of a list: the list of the
 * results, NULL as soon as one is NULL. */
static const struct fc_val *
map_list(struct fc_ctx *c, uint32_t arg, uint32_t type, const struct fc_val *in,
         const struct fc_val *(*f)(struct fc_ctx *, uint32_t, uint32_t, const struct fc_val *))
{
    struct fc_val *el;
    struct fc_val *o = new_list(c, in->n, &el);
    if (!o)
        return NULL;
    const struct fc_val *src = elements(in);
    for (uint64_t i = 0; i < in->n; i++) {
        const struct fc_val *r = f(c, arg, type, &src[i]);
        if (!r)
            return NULL;
        el[i] = *r;
    }
    return o;
}

const struct fc_val *fc_rt_xf(struct fc_ctx *c, uint32_t xf, uint32_t type, const struct fc_val *in)
{
    if (!in)
        return NULL;
    if (in->list) {
        if (xf != AST_XF_LEN)
            return map_list(c, xf, type, in, fc_rt_xf);
        struct fc_val *o = new_val(c); /* a list's length: its number of elements */
        if (o)
            o->n = in->n;
        return o;
    }
    /* every single-value transformer works on the bytes, whatever the type */
    const char *s = in->p ? in->p : "";
    struct fc_val *o;
    char *d;
    switch (xf) {
    case AST_XF_TOLOWER:
    case AST_XF_TOUPPER:
        if (!(o = new_text(c, in->n, &d)))
            return NULL;
        if (xf == AST_XF_TOLOWER)
            op_tolower(d, s, in->n);
        else
            op_toupper(d, s, in->n);
        return o;
    case AST_XF_B64: {
        size_t max = op_b64_decoded_max(in->n);
        if (!(o = new_text(c, max, &d)))
            return NULL;
        ssize_t r = op_b64_decode(s, in->n, (unsigned char *)d, max);
        if (r < 0)
            return NULL; /* invalid base64: the extraction fails (§6.5) */
        d[r] = '\0';
        o->n = (uint64_t)r;
        return o;
    }
    case AST_XF_BASENAME: {
        if (!(o = new_val(c)))
            return NULL;
        size_t n;
        o->p = op_basename(s, in->n, &n); /* a view into the input */
        o->n = n;
        return o;
    }
    case AST_XF_LEN: /* a UINT64 value: the bytes of one string or buffer */
        if (!(o = new_val(c)))
            return NULL;
        o->n = op_len(in->n);
        return o;
    default:
        return NULL;
    }
}

/* Text of a part that holds none (p == NULL): see fc_rt.h. */
static size_t raw_text(const struct fc_val *v, char *buf, size_t size)
{
    if (v->family == 4 || v->family == 6) {
        if (!inet_ntop(v->family == 4 ? AF_INET : AF_INET6, v->ip, buf, (socklen_t)size))
            buf[0] = '\0';
        return strlen(buf);
    }
    return (size_t)snprintf(buf, size, "%" PRId64, (int64_t)v->n);
}

/* The text length of a single value: its bytes, or raw_text's. */
static size_t text_len(const struct fc_val *v, char *tmp, size_t size)
{
    return v->p ? v->n : raw_text(v, tmp, size);
}

/* The single values a join part stands for: itself, or a list's elements. */
static const struct fc_val *part_vals(const struct fc_val *v, uint64_t *m)
{
    *m = v->list ? v->n : 1;
    return v->list ? elements(v) : v;
}

const struct fc_val *fc_rt_join(struct fc_ctx *c, const struct fc_val *sep, uint32_t n,
                                const struct fc_val *const *parts)
{
    char tmp[INET6_ADDRSTRLEN + 24];
    size_t sepn = sep ? sep->n : 0, total = 0, count = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!parts[i])
            return NULL; /* an unavailable part fails the whole result */
        uint64_t m;
        const struct fc_val *v = part_vals(parts[i], &m);
        for (uint64_t k = 0; k < m; k++)
            total += (count++ ? sepn : 0) + text_len(&v[k], tmp, sizeof(tmp));
    }
    char *d;
    struct fc_val *o = new_text(c, total, &d);
    if (!o)
        return NULL;
    count = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t m;
        const struct fc_val *v = part_vals(parts[i], &m);
        for (uint64_t k = 0; k < m; k++) {
            if (count++ && sepn) {
                memcpy(d, sep->p, sepn);
                d += sepn;
            }
            size_t pn = text_len(&v[k], tmp, sizeof(tmp));
            if (pn)
                memcpy(d, v[k].p ? v[k].p : tmp, pn);
            d += pn;
        }
    }
    return o;
}

static const struct fc_val *text_of(struct fc_ctx *c, uint32_t unused, uint32_t type,
                                    const struct fc_val *v)
{
    (void)unused;
    return fc_rt_text(c, type, v);
}

const struct fc_val *fc_rt_text(struct fc_ctx *c, uint32_t type, const struct fc_val *v)
{
    if (!v)
        return NULL;
    enum fc_tkind k = fc_type_kind(type);
    if (v->list && k != FC_TK_STR && k != FC_TK_BYTES && k != FC_TK_OTHER)
        return map_list(c, 0, type, v, text_of);
    char buf[INET6_ADDRSTRLEN + 24];
    size_t n;
    switch (k) {
    case FC_TK_BOOL:
        n = (size_t)snprintf(buf, sizeof(buf), "%s", v->n ? "true" : "false");
        break;
    case FC_TK_NUM:
        n = fc_type_signed(type) ? (size_t)snprintf(buf, sizeof(buf), "%" PRId64, (int64_t)v->n)
                                 : (size_t)snprintf(buf, sizeof(buf), "%" PRIu64, v->n);
        break;
    case FC_TK_IPADDR:
    case FC_TK_IPNET:
        n = raw_text(v, buf, sizeof(buf));
        break;
    default:
        return v; /* already text */
    }
    char *d;
    struct fc_val *o = new_text(c, n, &d);
    if (o)
        memcpy(d, buf, n);
    return o;
}

/* The words getopt parses, one at a time: the elements of a list, or the
 * words of one string split at spaces (a one-element list is split too). */
struct words {
    const struct fc_val *el; /* list elements, or NULL: split s..end */
    uint64_t n, i;
    const char *s, *end;
};

static struct words words_of(const struct fc_val *argv)
{
    struct words w = {0};
    if (argv->list && argv->n != 1) {
        w.el = elements(argv);
        w.n = argv->n;
        return w;
    }
    const struct fc_val *one = argv->list ? elements(argv) : argv;
    w.s = one->p ? one->p : "";
    w.end = w.s + one->n;
    return w;
}

static bool next_word(struct words *w, const char **p, size_t *n)
{
    if (w->el) {
        if (w->i >= w->n)
            return false;
        const struct fc_val *v = &w->el[w->i++];
        *p = v->p ? v->p : "";
        *n = v->n;
        return true;
    }
    while (w->s < w->end && *w->s == ' ')
        w->s++;
    if (w->s == w->end)
        return false;
    *p = w->s;
    while (w->s < w->end && *w->s != ' ')
        w->s++;
    *n = (size_t)(w->s - *p);
    return true;
}

/*
 * POSIX option parsing of the words: options cluster ("-nt v"), an option
 * taking an argument takes the rest of its word or else the next word, an
 * unknown option reads as '?', parsing stops at "--" or at the first word
 * that is not an option. Writes the letters and arguments to out (when not
 * NULL) and returns how many there are; *arg gets the argument of the last
 * -letter, *found whether there is one.
 */
static size_t getopt_parse(struct words w, const struct fc_val *opts, uint32_t letter,
                           struct fc_val *out, bool *found, struct fc_val *arg)
{
    static const char unknown[] = "?";
    const char *ob = opts->p ? opts->p : "", *oe = ob + opts->n;
    size_t k = 0;
    const char *a;
    size_t an;
    *found = false;
    while (next_word(&w, &a, &an)) {
        if (an < 2 || a[0] != '-' || (an == 2 && a[1] == '-'))
            break;
        for (size_t j = 1; j < an; j++) {
            const char *o = a[j] != ':' ? memchr(ob, a[j], (size_t)(oe - ob)) : NULL;
            if (out)
                out[k] = (struct fc_val){.p = o ? &a[j] : unknown, .n = 1};
            k++;
            if (!o || o + 1 >= oe || o[1] != ':')
                continue; /* a flag, or an unknown option */
            const char *val = a + j + 1;
            size_t vn = an - j - 1;
            if (!vn && !next_word(&w, &val, &vn)) { /* the argument is the next word */
                val = a + an;
                vn = 0;
            }
            if (out)
                out[k] = (struct fc_val){.p = val, .n = vn};
            k++;
            if ((unsigned char)a[j] == letter) {
                *arg = (struct fc_val){.p = val, .n = vn};
                *found = true;
            }
            break;
        }
    }
    return k;
}

const struct fc_val *fc_rt_getopt(struct fc_ctx *c, const struct fc_val *argv,
                                  const struct fc_val *opts, uint32_t letter)
{
    if (!argv || !opts)
        return NULL;
    struct words w = words_of(argv);
    bool found;
    struct fc_val arg;
    size_t n = getopt_parse(w, opts, letter, NULL, &found, &arg);
    if (letter != FC_GETOPT_ALL) {
        struct fc_val *o = found ? new_val(c) : NULL; /* a view into ARGV */
        if (o)
            *o = arg;
        return o;
    }
    struct fc_val *el;
    struct fc_val *o = new_list(c, n, &el);
    if (o)
        getopt_parse(w, opts, letter, el, &found, &arg);
    return o;
}

/* len() of a list-valued field: how many values it has (NULL when none). */
const struct fc_val *fc_rt_count_val(struct fc_ctx *c, uint32_t fref)
{
    uint32_t n = fc_rt_count(c, fref);
    if (!n)
        return NULL;
    struct fc_val *o = new_val(c);
    if (o)
        o->n = n;
    return o;
}

const struct fc_val *fc_rt_list(struct fc_ctx *c, uint32_t fref, uint32_t need_one)
{
    uint32_t n = fc_rt_count(c, fref);
    struct fc_val *el;
    struct fc_val *o = n ? new_list(c, n, &el) : NULL;
    if (!o)
        return NULL;
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        k += read_val(c, &c->frefs[fref], i, &el[k]);
    o->n = k;
    return need_one && !k ? NULL : o;
}
