/*
 * glob.c - glob / iglob: a pattern compiled to a program of fixed-width
 * units, matched without recursion.
 *
 * Input: a pattern (ends at its first NUL) and a case flag; then subjects.
 * Output: struct op_glob, one heap block (op_glob_free), or a stack block
 * for the one-shot op_glob().
 *
 * The meaning is glibc 2.36 fnmatch(3) with flags 0 / FNM_CASEFOLD in the C
 * locale, which is what Falco calls. Every pattern element except '*' matches
 * exactly one byte, so a pattern is a list of segments (runs of one-byte
 * units) separated by stars: the first segment is anchored at the start, the
 * last at the end, and each middle one is found leftmost in what is left.
 * Taking the leftmost occurrence is always safe for fixed-width segments,
 * which is why this needs no backtracking beyond a scan per segment:
 * O(n * m) at worst, linear on literal segments.
 *
 * Bracket expressions are where fnmatch has character: [:class:], [=c=],
 * [.c.], ranges over folded bytes, '!' or '^' negation, an unterminated '['
 * read as a literal '[', and error paths that make the bracket fail. Rather
 * than re-deriving those rules, compile_bracket() walks the bracket exactly
 * as glibc's matcher would, for all 256 subject bytes at once, and records
 * which bytes succeed and where the pattern continues for them. glibc reads
 * the rest of a bracket with a second, simpler parser once a byte has
 * matched; when the two parsers disagree about where the bracket ends the
 * continuation depends on the byte, which a unit cannot express, and the
 * program is marked inexact (op_glob_is_exact) - only absurd patterns.
 */
#include <stdlib.h>

#include "ops.h"
#include "ops_int.h"

enum { U_LIT, U_ANY, U_SET };

struct unit {
    uint8_t kind;
    uint8_t byte; /* U_LIT: the byte, lowered for iglob */
    uint32_t set; /* U_SET: index into sets */
};

struct seg {
    uint32_t start;         /* first unit */
    uint32_t len;           /* units (= bytes matched) */
    struct ops_probe probe; /* literal segments: the search's filter bytes */
    uint32_t literal;       /* all units are U_LIT: compare lits[] directly */
};

struct op_glob {
    uint32_t nseg;
    uint32_t nunit;
    uint32_t nset;
    bool never; /* no subject can match (trailing '\', empty bracket, ...) */
    bool icase;
    bool exact;
    struct seg *segs;
    struct unit *units;
    uchar *lits;       /* the byte of each unit, for literal segments */
    uchar (*sets)[32]; /* bitmaps over raw subject bytes */
};

/* glibc's buffer for a class name in brackets (Debian glibc 2.36, measured). */
#define CLASS_MAX 2048

static inline uchar fold(bool icase, uchar c)
{
    return icase ? ops_lower[c] : c;
}

/* ---------------------------------------------------------------------- */
/* Bracket expressions                                                     */
/* ---------------------------------------------------------------------- */

struct bset {
    uint64_t w[4];
};

static inline bool bs_has(const struct bset *s, unsigned b)
{
    return s->w[b >> 6] >> (b & 63) & 1;
}

static int bs_count(const struct bset *s)
{
    return __builtin_popcountll(s->w[0]) + __builtin_popcountll(s->w[1]) +
           __builtin_popcountll(s->w[2]) + __builtin_popcountll(s->w[3]);
}

/* The C locale's character classes as sets of raw subject bytes (glibc
 * tests the byte itself, unfolded, even for FNM_CASEFOLD). Generated from
 * the <ctype.h> predicates of the C locale; only ASCII is ever a member. */
static const struct {
    const char *name;
    struct bset set;
} classes[] = {
    {"alnum", {{0x03ff000000000000ull, 0x07fffffe07fffffeull, 0, 0}}},
    {"alpha", {{0x0000000000000000ull, 0x07fffffe07fffffeull, 0, 0}}},
    {"blank", {{0x0000000100000200ull, 0x0000000000000000ull, 0, 0}}},
    {"cntrl", {{0x00000000ffffffffull, 0x8000000000000000ull, 0, 0}}},
    {"digit", {{0x03ff000000000000ull, 0x0000000000000000ull, 0, 0}}},
    {"graph", {{0xfffffffe00000000ull, 0x7fffffffffffffffull, 0, 0}}},
    {"lower", {{0x0000000000000000ull, 0x07fffffe00000000ull, 0, 0}}},
    {"print", {{0xffffffff00000000ull, 0x7fffffffffffffffull, 0, 0}}},
    {"punct", {{0xfc00fffe00000000ull, 0x78000001f8000001ull, 0, 0}}},
    {"space", {{0x0000000100003e00ull, 0x0000000000000000ull, 0, 0}}},
    {"upper", {{0x0000000000000000ull, 0x0000000007fffffeull, 0, 0}}},
    {"xdigit", {{0x03ff000000000000ull, 0x0000007e0000007eull, 0, 0}}},
};

static const struct bset *class_set(const char *name)
{
    for (size_t i = 0; i < sizeof classes / sizeof *classes; i++)
        if (!strcmp(name, classes[i].name))
            return &classes[i].set;
    return NULL;
}

/* Bytes lo..hi (empty when lo > hi). */
static struct bset bs_span(unsigned lo, unsigned hi)
{
    struct bset s = {{0}};
    for (unsigned w = 0; w < 4 && lo <= hi; w++) {
        unsigned a = w * 64, b = a + 63;
        if (hi < a || lo > b)
            continue;
        unsigned l = lo > a ? lo - a : 0, h = hi < b ? hi - a : 63;
        s.w[w] = (h == 63 ? ~0ull : (1ull << (h + 1)) - 1) & ~((1ull << l) - 1);
    }
    return s;
}

/* Raw bytes whose (folded, for iglob) value lies in lo..hi. Folding maps
 * 'A'..'Z' onto 'a'..'z', all in the second word, 32 bits apart. */
static struct bset folded_span(bool icase, unsigned lo, unsigned hi)
{
    struct bset s = bs_span(lo, hi);
    if (icase) {
        const uint64_t upper = 0x0000000007fffffeull, lower = 0x07fffffe00000000ull;
        s.w[1] = (s.w[1] & ~upper) | (s.w[1] & lower) >> 32;
    }
    return s;
}

/*
 * glibc reads a bracket with a loop of "steps" (one element each: a byte, a
 * range, [:class:], [=c=], [.c.]) until ']', the end of the pattern or an
 * error; a byte that matches an element leaves through the "skip" loop,
 * which reads on to a ']' with simpler rules. Both loops are functions of a
 * position in the pattern only, so their results are memoised per position:
 * a pattern full of unterminated '[' (each one a bracket read to the end,
 * then re-read as a literal) compiles in linear time instead of quadratic.
 */

/* Memo codes for a skip or a step chain. */
enum {
    R_UNKNOWN = 0,
    R_FAIL = -1,    /* skip: error; chain: error (remaining bytes fail) */
    R_LITERAL = -2, /* reached the end of the pattern: a literal '[' */
    R_END = -3,     /* chain: closed by ']' */
};

struct gctx {
    const uchar *pat; /* NUL-terminated, plus one more NUL */
    size_t plen;
    bool icase;
    int32_t *skip;    /* per position: skip result, R_* or end + 1 */
    int8_t *term;     /* per step start: R_FAIL, R_LITERAL or R_END (0 unknown) */
    int8_t *anymatch; /* per step start: 1 + (some element's skip reaches a ']') */
    int32_t *lb;      /* per step start: what happens to byte '[' (as skip) */
    int32_t *dot;     /* dot[i]: first j >= i with ".]" at j, or plen */
    uint32_t *trail;  /* scratch: positions visited by a walk (2 x ctx_words) */
};

static size_t ctx_words(size_t plen)
{
    return plen + 3;
}

/* One step of the skip loop at p: the next position, or a result. */
static int32_t skip_step(const struct gctx *x, size_t *pp)
{
    const uchar *pat = x->pat;
    size_t p = *pp;
    uchar c = pat[p++];
    if (c == ']')
        return (int32_t)p + 1; /* an end position, encoded */
    if (c == 0)
        return R_LITERAL;
    if (c == '\\') {
        if (pat[p] == 0)
            return R_FAIL;
        p++;
    } else if (c == '[' && pat[p] == ':') {
        size_t start = p, n = 0;
        for (;;) {
            c = pat[++p];
            if (++n == CLASS_MAX)
                return R_FAIL;
            if (pat[p] == ':' && pat[p + 1] == ']')
                break;
            if (c < 'a' || c >= 'z') {
                p = start - 2; /* not a class: go on at the ':' */
                break;
            }
        }
        p += 2;
    } else if (c == '[' && pat[p] == '=') {
        if (pat[++p] == 0)
            return R_FAIL;
        c = pat[++p];
        if (c != '=' || pat[p + 1] != ']')
            return R_FAIL;
        p += 2;
    } else if (c == '[' && pat[p] == '.') {
        size_t j = (size_t)x->dot[p + 1];
        if (j >= x->plen)
            return R_FAIL;
        p = j + 2;
    }
    *pp = p;
    return R_UNKNOWN;
}

/* Result of the skip loop started at p: R_FAIL, R_LITERAL or end + 1. */
static int32_t skip_from(const struct gctx *x, size_t p)
{
    size_t n = 0, at = p;
    int32_t r;
    for (;;) {
        if (x->skip[at]) {
            r = x->skip[at];
            break;
        }
        x->trail[n++] = (uint32_t)at;
        size_t next = at;
        r = skip_step(x, &next);
        if (r != R_UNKNOWN)
            break;
        at = next;
    }
    while (n)
        x->skip[x->trail[--n]] = r;
    return r;
}

/* One step of the bracket loop: up to two elements (a lone byte may be
 * followed by a range that reuses it as its start), then how it goes on. */
struct step {
    int nitems;
    struct {
        struct bset cand; /* raw subject bytes the element matches */
        size_t skip_from; /* where glibc's skip loop starts for them */
    } item[2];
    int end; /* R_UNKNOWN: go on at next; R_END: closed, next is after ']'; R_LITERAL; R_FAIL */
    size_t next;
};

static void item(struct step *st, struct bset cand, size_t from)
{
    st->item[st->nitems].cand = cand;
    st->item[st->nitems].skip_from = from;
    st->nitems++;
}

static struct bset one_byte(unsigned b)
{
    return bs_span(b, b);
}

/* Read "[.c.]" whose '.' is at start: the symbol's length and where it ends. */
static bool collsym(const struct gctx *x, size_t start, size_t *len, size_t *after)
{
    size_t j = (size_t)x->dot[start + 1];
    if (j >= x->plen)
        return false;
    *len = j - start - 1;
    *after = j + 2;
    return true;
}

static void scan_step(const struct gctx *x, size_t q, bool first, struct step *st)
{
    const uchar *pat = x->pat;
    const bool icase = x->icase;
    size_t p = q + 1, len;
    uchar c = pat[q], cold;
    bool is_range;
    st->nitems = 0;
    st->end = R_FAIL;
    if (!first && c == ']') {
        st->end = R_END;
        st->next = q + 1;
        return;
    }
    if (c == 0) {
        st->end = R_LITERAL; /* unterminated: '[' is re-read as a literal */
        return;
    }
    if (c == '\\') {
        if (pat[p] == 0)
            return;
        c = fold(icase, pat[p++]);
        goto normal;
    }
    if (c == '[' && pat[p] == ':') {
        char name[CLASS_MAX + 1];
        size_t start = p;
        len = 0;
        for (;;) {
            if (len == CLASS_MAX)
                return;
            c = pat[++p];
            if (c == ':' && pat[p + 1] == ']') {
                p += 2;
                break;
            }
            if (c < 'a' || c >= 'z') {
                p = start;
                c = '[';
                goto normal;
            }
            name[len++] = (char)c;
        }
        name[len] = 0;
        const struct bset *cls = class_set(name);
        if (!cls)
            return;
        item(st, *cls, p);
        st->end = R_UNKNOWN;
        st->next = p;
        return;
    }
    if (c == '[' && pat[p] == '=') {
        size_t start = p;
        c = pat[++p];
        if (c == 0) {
            p = start;
            c = '[';
            goto normal;
        }
        const uchar eq = c;
        c = pat[++p];
        if (c != '=' || pat[p + 1] != ']') {
            p = start;
            c = '[';
            goto normal;
        }
        p += 2;
        item(st, one_byte(eq), p); /* compared with the raw byte */
        st->end = R_UNKNOWN;
        st->next = p;
        return;
    }
    if (c == '[' && pat[p] == '.') {
        const uchar sym = pat[p + 1];
        if (!collsym(x, p, &len, &p))
            return;
        is_range = pat[p] == '-' && pat[p + 1] != 0;
        if (len != 1)
            return;
        if (!is_range)
            item(st, one_byte(sym), p);
        cold = sym;
        c = pat[p++];
    } else {
        c = fold(icase, c);
    normal:
        is_range = pat[p] == '-' && pat[p + 1] != 0 && pat[p + 1] != ']';
        if (!is_range)
            item(st, folded_span(icase, c, c), p);
        cold = c;
        c = pat[p++];
    }
    if (c == '-' && pat[p] != ']') {
        uchar cend = pat[p++];
        if (cend == '[' && pat[p] == '.') {
            const uchar sym = pat[p + 1];
            if (!collsym(x, p, &len, &p) || len != 1)
                return;
            cend = sym;
        } else {
            if (cend == '\\')
                cend = pat[p++];
            if (cend == 0)
                return;
            cend = fold(icase, cend);
        }
        /* The C locale collates by byte value. */
        item(st, folded_span(icase, cold, cend), p);
        c = pat[p++];
    }
    st->end = R_UNKNOWN;
    st->next = p - 1; /* the character just read starts the next step */
}

/* Fill the chain memos (term, anymatch, lb) for the steps from q on. */
static void chain(const struct gctx *x, size_t q)
{
    size_t n = 0, at = q;
    struct step st;
    uint32_t *order = x->trail + ctx_words(x->plen); /* skip_from() uses the lower half */
    while (!x->term[at]) {
        order[n++] = (uint32_t)at;
        scan_step(x, at, false, &st);
        if (st.end != R_UNKNOWN)
            break;
        at = st.next;
    }
    /* Back to front: each step's values from its own elements and its
     * successor's. */
    while (n) {
        size_t v = order[--n];
        scan_step(x, v, false, &st);
        int8_t term;
        int8_t any = 0;
        int32_t lb = R_UNKNOWN;
        if (st.end == R_UNKNOWN) {
            term = x->term[st.next];
            any = (int8_t)(x->anymatch[st.next] - 1);
            lb = x->lb[st.next];
        } else {
            term = (int8_t)st.end;
            lb = st.end == R_END ? R_END : st.end; /* END, LITERAL or FAIL */
        }
        for (int k = st.nitems - 1; k >= 0; k--) {
            int32_t r = skip_from(x, st.item[k].skip_from);
            any |= r > 0;
            if (bs_has(&st.item[k].cand, '['))
                lb = r;
        }
        x->term[v] = term;
        x->anymatch[v] = (int8_t)(any + 1);
        x->lb[v] = lb;
    }
}

/* Subject bytes that succeed, grouped by where the pattern continues. */
struct outcome {
    struct bset by[4];
    size_t next[4];
    int nnext;
};

static void outcome_add(struct outcome *o, const struct bset *bytes, size_t next)
{
    int i;
    for (i = 0; i < o->nnext; i++)
        if (o->next[i] == next)
            break;
    if (i == o->nnext) {
        if (o->nnext == 4)
            i = 3; /* beyond four continuations merge into the last: inexact anyway */
        else
            o->next[o->nnext++] = next;
    }
    for (int k = 0; k < 4; k++)
        o->by[i].w[k] |= bytes->w[k];
}

static const struct bset lbracket = {.w = {0, 1ull << ('[' - 64), 0, 0}};

/* Bytes that matched an element go through the skip loop, whose result r
 * is the same for all of them: past a ']' they succeed (unless the bracket
 * is negated); at the end of the pattern only '[' does, as a literal. */
static void settle(struct outcome *o, const struct bset *bytes, int32_t r, bool neg, size_t p_init)
{
    if (r == R_LITERAL) {
        if (bs_has(bytes, '['))
            outcome_add(o, &lbracket, p_init);
    } else if (r > 0 && !neg) {
        outcome_add(o, bytes, (size_t)r - 1);
    }
}

/* Walk the bracket opened at pat[open] for all subject bytes at once:
 * `rem` holds the bytes still scanning; each element sends the ones it
 * matches through the skip loop. What is left at the end succeeds (negated
 * bracket closed by ']'), fails, or compares against a literal '['. Once
 * the rest of the walk can only decide the fate of '[' (it ends without a
 * ']' and no element's skip reaches one), the memos answer at once. */
static void compile_bracket(const struct gctx *x, size_t open, struct outcome *o)
{
    struct bset rem = {{~0ull, ~0ull, ~0ull, ~0ull}};
    const size_t p_init = open + 1;
    const bool neg = x->pat[p_init] == '!' || x->pat[p_init] == '^';
    size_t q = p_init + neg;
    bool first = true;
    struct step st;
    memset(o, 0, sizeof *o);
    for (;;) {
        if (!first) {
            if (!x->term[q])
                chain(x, q);
            if (x->term[q] != R_END && x->anymatch[q] == 1) {
                if (bs_has(&rem, '['))
                    settle(o, &lbracket, x->lb[q], neg, p_init);
                return;
            }
        }
        scan_step(x, q, first, &st);
        for (int k = 0; k < st.nitems; k++) {
            struct bset hit;
            bool any = false;
            for (int w = 0; w < 4; w++) {
                hit.w[w] = rem.w[w] & st.item[k].cand.w[w];
                rem.w[w] &= ~st.item[k].cand.w[w];
                any |= hit.w[w] != 0;
            }
            if (any)
                settle(o, &hit, skip_from(x, st.item[k].skip_from), neg, p_init);
        }
        if (st.end == R_END) {
            if (neg)
                outcome_add(o, &rem, st.next);
            return;
        }
        if (st.end == R_LITERAL) {
            if (bs_has(&rem, '['))
                outcome_add(o, &lbracket, p_init);
            return;
        }
        if (st.end == R_FAIL)
            return;
        q = st.next;
        first = false;
    }
}

/* ---------------------------------------------------------------------- */
/* Compilation                                                             */
/* ---------------------------------------------------------------------- */

struct shape {
    size_t plen, nstar, nbracket;
};

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static size_t block_size(const struct shape *sh)
{
    /* Each '[' yields at most one unit, hence at most one set. */
    return align8(sizeof(struct op_glob)) + align8((sh->nstar + 1) * sizeof(struct seg)) +
           align8(sh->plen * sizeof(struct unit)) + align8(sh->plen) + sh->nbracket * 32;
}

/* Bytes of compile-time scratch for a pattern of plen bytes. */
static size_t scratch_size(size_t plen)
{
    size_t w = ctx_words(plen);
    return align8(plen + 2) + align8(w) * 2 + w * sizeof(int32_t) * 3 + 2 * w * sizeof(uint32_t);
}

/* Set up the memos in `scratch` and copy the pattern there, NUL-terminated
 * twice (a step may peek one byte past the first NUL). */
static void ctx_init(struct gctx *x, const char *pattern, const struct shape *sh, bool icase,
                     void *scratch)
{
    size_t w = ctx_words(sh->plen);
    char *q = scratch;
    memset(scratch, 0, scratch_size(sh->plen));
    uchar *pat = (uchar *)q;
    memcpy(pat, pattern, sh->plen);
    q += align8(sh->plen + 2);
    x->term = (int8_t *)q;
    q += align8(w);
    x->anymatch = (int8_t *)q;
    q += align8(w);
    x->skip = (int32_t *)q;
    q += w * sizeof(int32_t);
    x->lb = (int32_t *)q;
    q += w * sizeof(int32_t);
    x->dot = (int32_t *)q;
    q += w * sizeof(int32_t);
    x->trail = (uint32_t *)q;
    x->pat = pat;
    x->plen = sh->plen;
    x->icase = icase;
    for (size_t i = sh->plen + 3; i-- > 0;)
        x->dot[i] = i + 1 < sh->plen && pat[i] == '.' && pat[i + 1] == ']' ? (int32_t)i
                    : i < sh->plen                                         ? x->dot[i + 1]
                                                                           : (int32_t)sh->plen;
}

/* Lay out the program in mem (block_size(sh) bytes). */
static struct op_glob *build(const struct gctx *x, const struct shape *sh, void *mem)
{
    const uchar *pat = x->pat;
    const bool icase = x->icase;
    struct op_glob *g = mem;
    char *q = (char *)mem + align8(sizeof *g);
    g->segs = (struct seg *)q;
    q += align8((sh->nstar + 1) * sizeof(struct seg));
    g->units = (struct unit *)q;
    q += align8(sh->plen * sizeof(struct unit));
    g->lits = (uchar *)q;
    q += align8(sh->plen);
    g->sets = (uchar(*)[32])q;
    g->nseg = g->nunit = g->nset = 0;
    g->never = false;
    g->icase = icase;
    g->exact = true;

    uint32_t cur = 0; /* first unit of the open segment */
    size_t i = 0;
    while (pat[i] && !g->never) {
        uchar c = pat[i];
        struct unit u = {U_LIT, 0, 0};
        if (c == '*') {
            /* Consecutive stars are one star. */
            if (g->nseg == 0 || g->nunit > cur) {
                g->segs[g->nseg++] = (struct seg){cur, g->nunit - cur, {0, 0}, 0};
                cur = g->nunit;
            }
            i++;
            continue;
        }
        if (c == '?') {
            u.kind = U_ANY;
            i++;
        } else if (c == '\\') {
            if (pat[i + 1] == 0) {
                g->never = true; /* "trailing \ loses" */
                break;
            }
            u.byte = fold(icase, pat[i + 1]);
            i += 2;
        } else if (c == '[') {
            struct outcome o;
            compile_bracket(x, i, &o);
            if (o.nnext == 0) {
                g->never = true;
                break;
            }
            int pick = 0;
            if (o.nnext > 1) {
                g->exact = false;
                for (int k = 1; k < o.nnext; k++)
                    if (bs_count(&o.by[k]) > bs_count(&o.by[pick]))
                        pick = k;
            }
            const struct bset *bytes = &o.by[pick];
            int count = bs_count(bytes);
            int lo = 0;
            while (!bs_has(bytes, (unsigned)lo))
                lo++;
            if (count == 256) {
                u.kind = U_ANY;
            } else if (count == 1 && (!icase || ops_lower[lo] == ops_upper[lo])) {
                u.byte = (uchar)lo; /* a lone non-letter, or any byte when exact case */
            } else if (icase && count == 2 && ops_upper[lo] == lo && ops_lower[lo] != lo &&
                       bs_has(bytes, ops_lower[lo])) {
                u.byte = ops_lower[lo]; /* exactly both cases of one letter */
            } else {
                u.kind = U_SET;
                u.set = g->nset;
                memcpy(g->sets[g->nset++], bytes->w, 32);
            }
            i = o.next[pick];
        } else {
            u.byte = fold(icase, c);
            i++;
        }
        g->lits[g->nunit] = u.byte;
        g->units[g->nunit++] = u;
    }
    g->segs[g->nseg++] = (struct seg){cur, g->nunit - cur, {0, 0}, 0};

    for (uint32_t k = 0; k < g->nseg; k++) {
        struct seg *sg = &g->segs[k];
        sg->literal = 1;
        for (uint32_t j = 0; j < sg->len; j++)
            if (g->units[sg->start + j].kind != U_LIT)
                sg->literal = 0;
        if (sg->literal && sg->len)
            ops_probe(g->lits + sg->start, sg->len, &sg->probe);
    }
    return g;
}

/* Pattern length up to the first NUL, and the counts that size the block. */
static void measure(const char *pattern, size_t plen, struct shape *sh)
{
    sh->plen = strnlen(pattern, plen);
    sh->nstar = sh->nbracket = 0;
    for (size_t i = 0; i < sh->plen; i++) {
        sh->nstar += pattern[i] == '*';
        sh->nbracket += pattern[i] == '[';
    }
}

struct op_glob *op_glob_compile(const char *pattern, size_t plen, bool icase)
{
    struct shape sh;
    measure(pattern, plen, &sh);
    if (sh.plen > INT32_MAX / 2)
        return NULL;
    void *scratch = malloc(scratch_size(sh.plen));
    void *mem = malloc(block_size(&sh));
    struct op_glob *g = NULL;
    if (scratch && mem) {
        struct gctx x;
        ctx_init(&x, pattern, &sh, icase, scratch);
        g = build(&x, &sh, mem);
        mem = NULL;
    }
    free(scratch);
    free(mem);
    return g;
}

void op_glob_free(struct op_glob *g)
{
    free(g);
}

bool op_glob_is_exact(const struct op_glob *g)
{
    return g->exact;
}

/* ---------------------------------------------------------------------- */
/* Matching                                                                */
/* ---------------------------------------------------------------------- */

static inline bool unit_ok(const struct op_glob *g, const struct unit *u, uchar c)
{
    if (u->kind == U_LIT)
        return fold(g->icase, c) == u->byte;
    if (u->kind == U_ANY)
        return true;
    return g->sets[u->set][c >> 3] >> (c & 7) & 1;
}

/* Does segment sg match at s (which has at least sg->len bytes)? */
static bool seg_at(const struct op_glob *g, const struct seg *sg, const uchar *s)
{
    const uchar *lit = g->lits + sg->start;
    if (sg->len == 0)
        return true;
    if (sg->literal && !g->icase)
        return memcmp(s, lit, sg->len) == 0;
    const struct unit *u = g->units + sg->start;
    for (uint32_t k = 0; k < sg->len; k++)
        if (!unit_ok(g, &u[k], s[k]))
            return false;
    return true;
}

/* Leftmost position in [s, s + n) where sg matches, or NULL. */
static const uchar *seg_find(const struct op_glob *g, const struct seg *sg, const uchar *s,
                             size_t n)
{
    if (sg->len == 0)
        return s;
    if (sg->len > n)
        return NULL;
    if (sg->literal) {
        const uchar *lit = g->lits + sg->start;
        return g->icase ? ops_ifind(s, n, lit, sg->len, &sg->probe, NULL)
                        : ops_find(s, n, lit, sg->len, &sg->probe);
    }
    const struct unit *first = &g->units[sg->start];
    const uchar *last = s + (n - sg->len);
    for (const uchar *p = s; p <= last; p++) {
        if (first->kind == U_LIT && !g->icase) {
            p = memchr(p, first->byte, (size_t)(last - p) + 1);
            if (!p)
                return NULL;
        }
        if (seg_at(g, sg, p))
            return p;
    }
    return NULL;
}

bool op_glob_match(const struct op_glob *g, const char *str, size_t n)
{
    const uchar *s = (const uchar *)str;
    if (g->never)
        return false;
    const struct seg *first = &g->segs[0];
    if (g->nseg == 1)
        return n == first->len && seg_at(g, first, s);
    const struct seg *last = &g->segs[g->nseg - 1];
    if (n < (size_t)first->len + last->len)
        return false;
    if (!seg_at(g, first, s) || !seg_at(g, last, s + n - last->len))
        return false;
    const uchar *p = s + first->len;
    const uchar *end = s + n - last->len;
    for (uint32_t k = 1; k + 1 < g->nseg; k++) {
        const struct seg *sg = &g->segs[k];
        const uchar *at = seg_find(g, sg, p, (size_t)(end - p));
        if (!at)
            return false;
        p = at + sg->len;
    }
    return true;
}

#define STACK_PATTERN 128

bool op_glob(const char *pattern, size_t plen, const char *s, size_t n, bool icase)
{
    struct shape sh;
    measure(pattern, plen, &sh);
    if (sh.plen <= STACK_PATTERN) {
        _Alignas(16) char scratch[4096];
        _Alignas(16) char mem[4608];
        if (block_size(&sh) <= sizeof mem && scratch_size(sh.plen) <= sizeof scratch) {
            struct gctx x;
            ctx_init(&x, pattern, &sh, icase, scratch);
            return op_glob_match(build(&x, &sh, mem), s, n);
        }
    }
    struct op_glob *g = op_glob_compile(pattern, plen, icase);
    if (!g)
        return false;
    bool r = op_glob_match(g, s, n);
    op_glob_free(g);
    return r;
}
