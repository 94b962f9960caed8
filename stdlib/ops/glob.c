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
    uint16_t set; /* U_SET: index into sets */
};

struct seg {
    uint32_t start;  /* first unit */
    uint32_t len;    /* units (= bytes matched) */
    struct ops_probe probe; /* literal segments: the search's filter bytes */
    uint32_t literal;       /* all units are U_LIT: compare lits[] directly */
};

struct op_glob {
    uint32_t nseg;
    uint32_t nunit;
    uint32_t nset;
    bool never;  /* no subject can match (trailing '\', empty bracket, ...) */
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

static inline void bs_add(struct bset *s, unsigned b)
{
    s->w[b >> 6] |= 1ull << (b & 63);
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

/* Outcome of glibc's "skip the rest of a bracket that matched" loop started
 * at p: the index just past the closing ']', SKIP_FAIL, or SKIP_LITERAL when
 * it runs into the end of the pattern (glibc then re-reads the '[' as a
 * literal character). */
#define SKIP_FAIL ((size_t)-1)
#define SKIP_LITERAL ((size_t)-2)

static size_t bracket_skip(const uchar *pat, size_t p)
{
    uchar c;
    while ((c = pat[p++]) != ']') {
        if (c == 0)
            return SKIP_LITERAL;
        if (c == '\\') {
            if (pat[p] == 0)
                return SKIP_FAIL;
            p++;
        } else if (c == '[' && pat[p] == ':') {
            size_t start = p, n = 0;
            for (;;) {
                c = pat[++p];
                if (++n == CLASS_MAX)
                    return SKIP_FAIL;
                if (pat[p] == ':' && pat[p + 1] == ']')
                    break;
                if (c < 'a' || c >= 'z') {
                    p = start - 2; /* not a class: resume at the ':' */
                    break;
                }
            }
            p += 2;
        } else if (c == '[' && pat[p] == '=') {
            if (pat[++p] == 0)
                return SKIP_FAIL;
            c = pat[++p];
            if (c != '=' || pat[p + 1] != ']')
                return SKIP_FAIL;
            p += 2;
        } else if (c == '[' && pat[p] == '.') {
            for (;;) {
                c = pat[++p];
                if (c == 0)
                    return SKIP_FAIL;
                if (c == '.' && pat[p + 1] == ']')
                    break;
            }
            p += 2;
        }
    }
    return p;
}

/* One group of subject bytes that succeed with the same continuation. */
struct outcome {
    struct bset ok;
    size_t next[4]; /* distinct continuations seen (at most a few) */
    struct bset by[4];
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
    for (int k = 0; k < 4; k++) {
        o->by[i].w[k] |= bytes->w[k];
        o->ok.w[k] |= bytes->w[k];
    }
}

/* Members found by the scan go through the skip loop; its result is the
 * same for all of them. */
static void matched(struct outcome *o, const struct bset *hit, size_t skip, bool neg,
                    size_t p_init)
{
    if (skip == SKIP_LITERAL) {
        if (bs_has(hit, '['))
            outcome_add(o, &(struct bset){.w = {0, 1ull << ('[' - 64), 0, 0}}, p_init);
    } else if (skip != SKIP_FAIL && !neg) {
        outcome_add(o, hit, skip);
    }
}

/* The bracket element ending at pat[p - 1] matches the bytes in `cand`:
 * those still scanning leave the scan through the skip loop. */
static void take(struct outcome *o, struct bset *rem, struct bset cand, const uchar *pat,
                 size_t p, bool neg, size_t p_init)
{
    struct bset hit;
    bool any = false;
    for (int k = 0; k < 4; k++) {
        hit.w[k] = rem->w[k] & cand.w[k];
        rem->w[k] &= ~cand.w[k];
        any |= hit.w[k] != 0;
    }
    if (any)
        matched(o, &hit, bracket_skip(pat, p), neg, p_init);
}

static struct bset one_byte(unsigned b)
{
    return bs_span(b, b);
}

/* Walk the bracket opened at pat[open] once for all subject bytes: `rem`
 * holds the bytes still scanning; an element that matches some of them
 * sends those through the skip loop. What is left at the end succeeds
 * (negated bracket closed by ']'), fails, or - the bracket being
 * unterminated - compares against a literal '['. */
static void compile_bracket(const uchar *pat, size_t open, bool icase, struct outcome *o)
{
    struct bset rem = {{~0ull, ~0ull, ~0ull, ~0ull}};
    size_t p = open + 1;
    const size_t p_init = p;
    const bool neg = pat[p] == '!' || pat[p] == '^';
    uchar c, cold;
    memset(o, 0, sizeof *o);
    if (neg)
        p++;
    c = pat[p++];
    for (;;) {
        if (c == '\\') {
            if (pat[p] == 0)
                return; /* everything left fails */
            c = fold(icase, pat[p++]);
            goto normal;
        } else if (c == '[' && pat[p] == ':') {
            char name[CLASS_MAX + 1];
            size_t len = 0, start = p;
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
            take(o, &rem, *cls, pat, p, neg, p_init);
            c = pat[p++];
        } else if (c == '[' && pat[p] == '=') {
            size_t start = p;
            c = pat[++p];
            if (c == 0) {
                p = start;
                c = '[';
                goto normal;
            }
            uchar eq = c;
            c = pat[++p];
            if (c != '=' || pat[p + 1] != ']') {
                p = start;
                c = '[';
                goto normal;
            }
            p += 2;
            take(o, &rem, one_byte(eq), pat, p, neg, p_init);
            c = pat[p++];
        } else if (c == 0) {
            /* Unterminated: the '[' is re-read as a literal character. */
            if (bs_has(&rem, '['))
                outcome_add(o, &(struct bset){.w = {0, 1ull << ('[' - 64), 0, 0}}, p_init);
            return;
        } else {
            bool is_range;
            if (c == '[' && pat[p] == '.') {
                size_t start = p, len = 0;
                for (;;) {
                    c = pat[++p];
                    if (c == '.' && pat[p + 1] == ']') {
                        p += 2;
                        break;
                    }
                    if (c == 0)
                        return;
                    len++;
                }
                is_range = pat[p] == '-' && pat[p + 1] != 0;
                if (len != 1)
                    return;
                const uchar sym = pat[start + 1];
                if (!is_range)
                    take(o, &rem, one_byte(sym), pat, p, neg, p_init);
                cold = sym;
                c = pat[p++];
            } else {
                c = fold(icase, c);
            normal:
                is_range = pat[p] == '-' && pat[p + 1] != 0 && pat[p + 1] != ']';
                if (!is_range)
                    take(o, &rem, folded_span(icase, c, c), pat, p, neg, p_init);
                cold = c;
                c = pat[p++];
            }
            if (c == '-' && pat[p] != ']') {
                uchar cend = pat[p++];
                if (cend == '[' && pat[p] == '.') {
                    size_t start = p, len = 0;
                    for (;;) {
                        c = pat[++p];
                        if (c == '.' && pat[p + 1] == ']') {
                            p += 2;
                            break;
                        }
                        if (c == 0)
                            return;
                        len++;
                    }
                    if (len != 1)
                        return;
                    cend = pat[start + 1];
                } else {
                    if (cend == '\\')
                        cend = pat[p++];
                    if (cend == 0)
                        return;
                    cend = fold(icase, cend);
                }
                /* The C locale collates by byte value. */
                take(o, &rem, folded_span(icase, cold, cend), pat, p, neg, p_init);
                c = pat[p++];
            }
        }
        if (c == ']')
            break;
    }
    if (neg)
        outcome_add(o, &rem, p);
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
    size_t nset = sh->nbracket;
    return align8(sizeof(struct op_glob)) + align8((sh->nstar + 1) * sizeof(struct seg)) +
           align8(sh->plen * sizeof(struct unit)) + align8(sh->plen) + nset * 32;
}

/* Lay out the program in mem (block_size(sh) bytes) from the NUL-terminated
 * pattern pat. */
static struct op_glob *build(const uchar *pat, const struct shape *sh, bool icase, void *mem)
{
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
            compile_bracket(pat, i, icase, &o);
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
                u.set = (uint16_t)g->nset;
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
    uchar *pat = malloc(sh.plen + 2);
    void *mem = malloc(block_size(&sh));
    if (!pat || !mem) {
        free(pat);
        free(mem);
        return NULL;
    }
    memcpy(pat, pattern, sh.plen);
    pat[sh.plen] = pat[sh.plen + 1] = 0; /* the bracket walk may peek one past a NUL */
    struct op_glob *g = build(pat, &sh, icase, mem);
    free(pat);
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
        uchar pat[STACK_PATTERN + 2];
        _Alignas(16) char mem[4608];
        if (block_size(&sh) <= sizeof mem) {
            memcpy(pat, pattern, sh.plen);
            pat[sh.plen] = pat[sh.plen + 1] = 0;
            return op_glob_match(build(pat, &sh, icase, mem), s, n);
        }
    }
    struct op_glob *g = op_glob_compile(pattern, plen, icase);
    if (!g)
        return false;
    bool r = op_glob_match(g, s, n);
    op_glob_free(g);
    return r;
}
