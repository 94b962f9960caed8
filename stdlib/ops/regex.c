/*
 * regex.c - the regex operator: RE2 POSIX syntax, full match, on PCRE2.
 *
 * Input: a pattern constant; then subjects. Output: struct op_regex, owned by
 * the caller (op_regex_free). Per-thread scratch (match data, a buffer for
 * repaired UTF-8) is owned by the thread and freed when it exits.
 *
 * Falco compiles regex constants with RE2's POSIX options and calls
 * FullMatch. PCRE2 reads a different, larger language, so the pattern is
 * first parsed here with RE2's POSIX grammar - which also produces RE2's
 * errors for what Falco rejects (\d, \b, (?...), back-references, counted
 * repetition above 1000, ...) - and re-emitted in an unambiguous PCRE2 form:
 * literals other than ASCII letters and digits, and all class members, as
 * \x{...}; classes as sorted code point ranges (POSIX names expanded);
 * groups as plain "(" under PCRE2_NO_AUTO_CAPTURE; stacked repetitions
 * ("a**", legal in POSIX RE2, an error in PCRE2) squashed or grouped. The
 * result is compiled in UTF mode, anchored at both ends (the compile
 * options, not "^...$" text), '^'/'$' per line with LF newlines as RE2
 * without one_line, and JIT-compiled.
 *
 * RE2 never backtracks; PCRE2 does. A rule's regex meets attacker-controlled
 * command lines, so every match runs under a match limit and, when the
 * limit is hit, is answered again with pcre2_dfa_match(), which follows all
 * paths at once with a bounded workspace (so bounded time per byte). For a
 * full match the two engines agree: whether some path matches the whole
 * subject does not depend on which path a backtracker would prefer. Only
 * if the automaton runs out of workspace as well (thousands of overlapping
 * repetitions, on a subject that defeats the backtracker) is the answer
 * "no match" by default.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "ops.h"
#include "ops_int.h"

/* ---------------------------------------------------------------------- */
/* RE2 POSIX -> PCRE2 translation                                          */
/* ---------------------------------------------------------------------- */

#define RUNE_MAX 0x10ffff
#define REPEAT_MAX 1000 /* RE2's maximum_repeat_count and nesting budget */
#define DEPTH_MAX 1000  /* groups, written or added for stacked counts */
#define NO_ATOM SIZE_MAX

struct frame {
    size_t group; /* output offset of this group's "(" */
    size_t atom;  /* output offset where the last atom starts, NO_ATOM after '(' or '|' */
    int atom_w;   /* product of counted repetitions inside the last atom */
    int max_w;    /* the same over the whole group */
    int atom_d;   /* parentheses nested inside the last atom, its own included */
    int max_d;    /* the same over the whole group */
    char atom_q;  /* the last atom ends with this '*', '+' or '?' */
    bool bare;    /* the last atom takes a quantifier as it is (a character, a class,
                     a group); false for '^', '$' and quantified atoms */
};

struct xl {
    const uchar *re;
    size_t n, i;
    char *out;
    size_t len, cap;
    struct frame *fr;
    int depth, frcap;
    char *err;
    size_t errsz;
    bool failed;
};

static bool fail(struct xl *x, const char *what, const uchar *arg, size_t arglen)
{
    if (!x->failed && x->err && x->errsz) {
        if (arg && arglen)
            snprintf(x->err, x->errsz, "%s: %.*s", what, (int)arglen, (const char *)arg);
        else
            snprintf(x->err, x->errsz, "%s", what);
    }
    x->failed = true;
    return false;
}

static bool reserve(struct xl *x, size_t more)
{
    if (x->len + more <= x->cap)
        return true;
    size_t c = x->cap ? x->cap : 256;
    while (c < x->len + more)
        c *= 2;
    char *q = realloc(x->out, c);
    if (!q)
        return fail(x, "out of memory", NULL, 0);
    x->out = q;
    x->cap = c;
    return true;
}

static bool emit(struct xl *x, const char *s, size_t n)
{
    if (!reserve(x, n))
        return false;
    memcpy(x->out + x->len, s, n);
    x->len += n;
    return true;
}

static bool emits(struct xl *x, const char *s)
{
    return emit(x, s, strlen(s));
}

static bool emit_cp(struct xl *x, uint32_t cp)
{
    char buf[16];
    if ((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z')) {
        buf[0] = (char)cp;
        return emit(x, buf, 1);
    }
    int k = snprintf(buf, sizeof buf, "\\x{%x}", (unsigned)cp);
    return emit(x, buf, (size_t)k);
}

/* Decode one UTF-8 character of the pattern (RE2 rejects invalid UTF-8). */
static bool next_rune(struct xl *x, uint32_t *cp)
{
    const uchar *s = x->re + x->i;
    size_t left = x->n - x->i;
    uchar c = s[0];
    size_t need;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        x->i++;
        return true;
    }
    if (c >= 0xc2 && c <= 0xdf)
        need = 1, v = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        need = 2, v = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        need = 3, v = c & 0x07, min = 0x10000;
    else
        return fail(x, "invalid UTF-8", NULL, 0);
    if (left <= need)
        return fail(x, "invalid UTF-8", NULL, 0);
    for (size_t k = 1; k <= need; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return fail(x, "invalid UTF-8", NULL, 0);
        v = v << 6 | (s[k] & 0x3f);
    }
    if (v < min || v > RUNE_MAX || (v >= 0xd800 && v <= 0xdfff))
        return fail(x, "invalid UTF-8", NULL, 0);
    *cp = v;
    x->i += need + 1;
    return true;
}

static int hexval(uint32_t c)
{
    if (c >= '0' && c <= '9')
        return (int)c - '0';
    if (c >= 'a' && c <= 'f')
        return (int)c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return (int)c - 'A' + 10;
    return -1;
}

/* RE2's ParseEscape in POSIX mode: x->i at the backslash. */
static bool parse_escape(struct xl *x, uint32_t *cp)
{
    size_t begin = x->i;
    if (x->i + 1 >= x->n)
        return fail(x, "trailing \\", NULL, 0);
    x->i++;
    uint32_t c;
    if (!next_rune(x, &c))
        return false;
    if (c >= '1' && c <= '7') {
        /* One digit would be a back-reference: not supported. */
        if (x->i >= x->n || x->re[x->i] < '0' || x->re[x->i] > '7')
            goto bad;
    }
    if (c >= '0' && c <= '7') {
        uint32_t code = c - '0';
        for (int k = 0; k < 2 && x->i < x->n && x->re[x->i] >= '0' && x->re[x->i] <= '7'; k++)
            code = code * 8 + (uint32_t)(x->re[x->i++] - '0');
        *cp = code;
        return true;
    }
    switch (c) {
    case 'x': {
        if (x->i >= x->n)
            goto bad;
        if (!next_rune(x, &c))
            return false;
        if (c == '{') {
            uint32_t code = 0;
            int nhex = 0;
            for (;;) {
                if (x->i >= x->n)
                    goto bad;
                if (!next_rune(x, &c))
                    return false;
                if (hexval(c) < 0)
                    break;
                nhex++;
                code = code * 16 + (uint32_t)hexval(c);
                if (code > RUNE_MAX)
                    goto bad;
            }
            if (c != '}' || nhex == 0)
                goto bad;
            *cp = code;
            return true;
        }
        if (x->i >= x->n)
            goto bad;
        uint32_t c1;
        if (!next_rune(x, &c1))
            return false;
        if (hexval(c) < 0 || hexval(c1) < 0)
            goto bad;
        *cp = (uint32_t)(hexval(c) * 16 + hexval(c1));
        return true;
    }
    case 'n':
        *cp = '\n';
        return true;
    case 'r':
        *cp = '\r';
        return true;
    case 't':
        *cp = '\t';
        return true;
    case 'a':
        *cp = '\a';
        return true;
    case 'f':
        *cp = '\f';
        return true;
    case 'v':
        *cp = '\v';
        return true;
    default:
        /* Escaped punctuation (and '_') stands for itself; letters and digits
         * that are not escapes above are errors (\d \b \p \A \Q ...). */
        if (c < 0x80 && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
            !(c >= '0' && c <= '9')) {
            *cp = c;
            return true;
        }
        goto bad;
    }
bad:
    return fail(x, "invalid escape sequence", x->re + begin, x->i - begin);
}

/* A character class as sorted code point ranges. */
struct ranges {
    uint32_t (*r)[2];
    size_t n, cap;
};

static bool add_range(struct xl *x, struct ranges *rs, uint32_t lo, uint32_t hi)
{
    if (rs->n == rs->cap) {
        size_t c = rs->cap ? rs->cap * 2 : 16;
        void *q = realloc(rs->r, c * sizeof *rs->r);
        if (!q)
            return fail(x, "out of memory", NULL, 0);
        rs->r = q;
        rs->cap = c;
    }
    rs->r[rs->n][0] = lo;
    rs->r[rs->n][1] = hi;
    rs->n++;
    return true;
}

struct pgroup {
    const char *name;
    uint8_t n;       /* ranges used */
    uint8_t r[4][2]; /* ascending ASCII ranges */
};

static const struct pgroup posix_groups[] = {
    {"alnum", 3, {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}}},
    {"alpha", 2, {{'A', 'Z'}, {'a', 'z'}}},
    {"ascii", 1, {{0x00, 0x7f}}},
    {"blank", 2, {{'\t', '\t'}, {' ', ' '}}},
    {"cntrl", 2, {{0x00, 0x1f}, {0x7f, 0x7f}}},
    {"digit", 1, {{'0', '9'}}},
    {"graph", 1, {{'!', '~'}}},
    {"lower", 1, {{'a', 'z'}}},
    {"print", 1, {{' ', '~'}}},
    {"punct", 4, {{'!', '/'}, {':', '@'}, {'[', '`'}, {'{', '~'}}},
    {"space", 2, {{'\t', '\r'}, {' ', ' '}}},
    {"upper", 1, {{'A', 'Z'}}},
    {"word", 4, {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}},
    {"xdigit", 3, {{'0', '9'}, {'A', 'F'}, {'a', 'f'}}},
};

/* RE2's MaybeParseCCName: "[:name:]" or "[:^name:]" at x->i. Returns 1 when
 * parsed, 0 when this is not a class name (no ":]" ahead), -1 on error. */
static int parse_cc_name(struct xl *x, struct ranges *rs)
{
    const uchar *s = x->re + x->i;
    size_t left = x->n - x->i, q;
    for (q = 2; q + 1 < left && !(s[q] == ':' && s[q + 1] == ']'); q++)
        ;
    if (q + 1 >= left)
        return 0;
    size_t namelen = q + 2; /* the whole "[:...:]" */
    const uchar *name = s + 2;
    size_t nlen = q - 2;
    bool neg = nlen > 0 && name[0] == '^';
    if (neg)
        name++, nlen--;
    for (size_t g = 0; g < sizeof posix_groups / sizeof *posix_groups; g++) {
        const struct pgroup *pg = &posix_groups[g];
        if (strlen(pg->name) != nlen || memcmp(pg->name, name, nlen) != 0)
            continue;
        uint32_t next = 0;
        for (size_t k = 0; k < pg->n; k++) {
            uint32_t lo = pg->r[k][0], hi = pg->r[k][1];
            if (!neg) {
                if (!add_range(x, rs, lo, hi))
                    return -1;
            } else {
                if (next < lo && !add_range(x, rs, next, lo - 1))
                    return -1;
                next = hi + 1;
            }
        }
        if (neg && !add_range(x, rs, next, RUNE_MAX))
            return -1;
        x->i += namelen;
        return 1;
    }
    fail(x, "invalid character class range", s, namelen);
    return -1;
}

static bool parse_cc_char(struct xl *x, uint32_t *cp, size_t whole)
{
    if (x->i >= x->n)
        return fail(x, "missing ]", x->re + whole, x->n - whole);
    if (x->re[x->i] == '\\')
        return parse_escape(x, cp);
    return next_rune(x, cp);
}

static int cmp_range(const void *a, const void *b)
{
    const uint32_t *p = a, *q = b;
    return p[0] < q[0] ? -1 : p[0] > q[0];
}

/* Emit ranges (sorted, merged, without surrogates) as a PCRE2 class. */
static bool emit_class(struct xl *x, struct ranges *rs, bool neg)
{
    qsort(rs->r, rs->n, sizeof *rs->r, cmp_range);
    size_t m = 0;
    for (size_t k = 0; k < rs->n; k++) {
        if (m && rs->r[k][0] <= rs->r[m - 1][1] + 1) {
            if (rs->r[k][1] > rs->r[m - 1][1])
                rs->r[m - 1][1] = rs->r[k][1];
        } else {
            rs->r[m][0] = rs->r[k][0];
            rs->r[m][1] = rs->r[k][1];
            m++;
        }
    }
    char buf[48];
    bool any = false;
    if (!emits(x, neg ? "[^" : "["))
        return false;
    for (size_t k = 0; k < m; k++) {
        /* Surrogates never occur in (repaired) UTF-8 subjects; PCRE2 refuses them. */
        uint32_t parts[2][2] = {{rs->r[k][0], rs->r[k][1]}, {1, 0}};
        if (parts[0][0] < 0xd800 && parts[0][1] > 0xdfff) {
            parts[1][0] = 0xe000;
            parts[1][1] = parts[0][1];
            parts[0][1] = 0xd7ff;
        } else if (parts[0][0] >= 0xd800 && parts[0][0] <= 0xdfff) {
            parts[0][0] = 0xe000;
        } else if (parts[0][1] >= 0xd800 && parts[0][1] <= 0xdfff) {
            parts[0][1] = 0xd7ff;
        }
        for (int p = 0; p < 2; p++) {
            if (parts[p][0] > parts[p][1])
                continue;
            int len = snprintf(buf, sizeof buf, "\\x{%x}-\\x{%x}", (unsigned)parts[p][0],
                               (unsigned)parts[p][1]);
            if (!emit(x, buf, (size_t)len))
                return false;
            any = true;
        }
    }
    if (!any) {
        /* Nothing left: a positive class matches nothing, a negated one anything. */
        x->len -= neg ? 2 : 1;
        return emits(x, neg ? "(?s:.)" : "(?!)");
    }
    return emits(x, "]");
}

/* RE2's ParseCharClass in POSIX mode (no Perl classes; '-' only first or
 * last unless it forms a range). x->i at '['. */
static bool parse_class(struct xl *x)
{
    size_t whole = x->i;
    struct ranges rs = {0};
    bool ok = false, neg = false, first = true;
    x->i++;
    if (x->i < x->n && x->re[x->i] == '^') {
        neg = true;
        x->i++;
    }
    while (x->i < x->n && (x->re[x->i] != ']' || first)) {
        if (x->re[x->i] == '-' && !first && (x->i + 1 == x->n || x->re[x->i + 1] != ']')) {
            size_t e = x->i + 1 < x->n ? x->i + 2 : x->i + 1;
            fail(x, "invalid character class range", x->re + x->i, e - x->i);
            goto out;
        }
        first = false;
        if (x->n - x->i > 2 && x->re[x->i] == '[' && x->re[x->i + 1] == ':') {
            int r = parse_cc_name(x, &rs);
            if (r < 0)
                goto out;
            if (r > 0)
                continue;
        }
        size_t start = x->i;
        uint32_t lo, hi;
        if (!parse_cc_char(x, &lo, whole))
            goto out;
        hi = lo;
        if (x->n - x->i >= 2 && x->re[x->i] == '-' && x->re[x->i + 1] != ']') {
            x->i++;
            if (!parse_cc_char(x, &hi, whole))
                goto out;
            if (hi < lo) {
                fail(x, "invalid character class range", x->re + start, x->i - start);
                goto out;
            }
        }
        if (!add_range(x, &rs, lo, hi))
            goto out;
    }
    if (x->i >= x->n) {
        fail(x, "missing ]", x->re + whole, x->n - whole);
        goto out;
    }
    x->i++; /* ']' */
    ok = emit_class(x, &rs, neg);
out:
    free(rs.r);
    return ok;
}

static struct frame *top(struct xl *x)
{
    return &x->fr[x->depth];
}

static void set_atom(struct xl *x, size_t at, int w, int d, bool bare)
{
    struct frame *f = top(x);
    f->bare = bare;
    f->atom = at;
    f->atom_w = w;
    f->atom_d = d;
    f->atom_q = 0;
    if (w > f->max_w)
        f->max_w = w;
    if (d > f->max_d)
        f->max_d = d;
}

/* Make the last atom quantifiable: put it in a group unless it is bare.
 * Groups are plain "(": the pattern is compiled with PCRE2_NO_AUTO_CAPTURE,
 * and PCRE2 limits the nesting of "(?" groups far below its own limit. */
static bool wrap_atom(struct xl *x)
{
    struct frame *f = top(x);
    /* Open groups plus the groups inside this atom stay below PCRE2's limit. */
    if (x->depth + ++f->atom_d > DEPTH_MAX)
        return fail(x, "expression nested too deeply", NULL, 0);
    if (f->atom_d > f->max_d)
        f->max_d = f->atom_d;
    if (!reserve(x, 2))
        return false;
    memmove(x->out + f->atom + 1, x->out + f->atom, x->len - f->atom);
    x->out[f->atom] = '(';
    x->len++;
    return emits(x, ")");
}

static bool repeat_op(struct xl *x, char op)
{
    struct frame *f = top(x);
    if (f->atom == NO_ATOM)
        return fail(x, "no argument for repetition operator", (const uchar *)&op, 1);
    if (f->atom_q) {
        /* Stacked * + ?: (a*)* is a*, (a+)+ is a+, (a?)? is a?, any mix is a*. */
        f->atom_q = f->atom_q == op ? op : '*';
        x->out[x->len - 1] = f->atom_q;
        return true;
    }
    if (!f->bare && !wrap_atom(x))
        return false;
    char q[1] = {op};
    f->atom_q = op;
    f->bare = false;
    return emit(x, q, 1);
}

/* RE2's ParseInteger: digits without a leading zero, below 10^8. */
static bool parse_int(const uchar *s, size_t n, size_t *i, int *v)
{
    if (*i >= n || s[*i] < '0' || s[*i] > '9')
        return false;
    if (*i + 1 < n && s[*i] == '0' && s[*i + 1] >= '0' && s[*i + 1] <= '9')
        return false;
    int r = 0;
    for (; *i < n && s[*i] >= '0' && s[*i] <= '9'; (*i)++) {
        if (r >= 100000000)
            return false;
        r = r * 10 + (s[*i] - '0');
    }
    *v = r;
    return true;
}

/* "{lo}", "{lo,}" or "{lo,hi}" at x->i; false (and x->i unchanged) when the
 * text is not a counted repetition, which makes '{' a literal. */
static bool maybe_repeat(struct xl *x, int *lo, int *hi)
{
    size_t i = x->i + 1;
    if (!parse_int(x->re, x->n, &i, lo) || i >= x->n)
        return false;
    if (x->re[i] == ',') {
        i++;
        if (i >= x->n)
            return false;
        if (x->re[i] == '}')
            *hi = -1;
        else if (!parse_int(x->re, x->n, &i, hi))
            return false;
    } else {
        *hi = *lo;
    }
    if (i >= x->n || x->re[i] != '}')
        return false;
    x->i = i + 1;
    return true;
}

static bool counted(struct xl *x, size_t start, int lo, int hi)
{
    struct frame *f = top(x);
    const uchar *text = x->re + start;
    size_t tlen = x->i - start;
    if (f->atom == NO_ATOM)
        return fail(x, "no argument for repetition operator", text, tlen);
    if ((hi != -1 && hi < lo) || lo > REPEAT_MAX || hi > REPEAT_MAX)
        return fail(x, "invalid repetition size", text, tlen);
    int m = hi == -1 ? lo : hi;
    int w = m > 0 ? f->atom_w * m : f->atom_w;
    if ((lo >= 2 || hi >= 2) && w > REPEAT_MAX)
        return fail(x, "invalid repetition size", text, tlen);
    char buf[32];
    int k = hi == lo   ? snprintf(buf, sizeof buf, "{%d}", lo)
            : hi == -1 ? snprintf(buf, sizeof buf, "{%d,}", lo)
                       : snprintf(buf, sizeof buf, "{%d,%d}", lo, hi);
    if ((!f->bare && !wrap_atom(x)) || !emit(x, buf, (size_t)k))
        return false;
    f->bare = false;
    f->atom_w = w > REPEAT_MAX ? REPEAT_MAX + 1 : w;
    f->atom_q = 0;
    if (f->atom_w > f->max_w)
        f->max_w = f->atom_w;
    return true;
}

static bool push_frame(struct xl *x)
{
    if (x->depth + 1 >= x->frcap) {
        int c = x->frcap ? x->frcap * 2 : 16;
        void *q = realloc(x->fr, (size_t)c * sizeof *x->fr);
        if (!q)
            return fail(x, "out of memory", NULL, 0);
        x->fr = q;
        x->frcap = c;
    }
    if (x->depth + 1 > DEPTH_MAX)
        return fail(x, "expression nested too deeply", NULL, 0);
    x->depth++;
    *top(x) = (struct frame){x->len, NO_ATOM, 1, 1, 0, 0, 0, false};
    return true;
}

static bool translate(struct xl *x)
{
    x->depth = -1;
    if (!push_frame(x))
        return false;
    while (x->i < x->n) {
        uchar c = x->re[x->i];
        size_t at = x->len;
        switch (c) {
        case '(':
            x->i++;
            if (!push_frame(x) || !emits(x, "("))
                return false;
            break;
        case '|':
            x->i++;
            if (!emits(x, "|"))
                return false;
            top(x)->atom = NO_ATOM;
            break;
        case ')': {
            if (x->depth == 0)
                return fail(x, "unexpected )", x->re, x->n);
            x->i++;
            if (!emits(x, ")"))
                return false;
            struct frame done = *top(x);
            x->depth--;
            set_atom(x, done.group, done.max_w, done.max_d + 1, true);
            break;
        }
        case '^':
        case '$':
        case '.': {
            char s[1] = {(char)c};
            x->i++;
            if (!emit(x, s, 1))
                return false;
            set_atom(x, at, 1, 0, c == '.'); /* PCRE2 does not repeat ^ or $ alone */
            break;
        }
        case '[':
            if (!parse_class(x))
                return false;
            set_atom(x, at, 1, 1, x->out[at] == '['); /* or a "(?!)" group */
            break;
        case '*':
        case '+':
        case '?':
            x->i++;
            if (!repeat_op(x, (char)c))
                return false;
            break;
        case '{': {
            int lo, hi;
            size_t start = x->i;
            if (maybe_repeat(x, &lo, &hi)) {
                if (!counted(x, start, lo, hi))
                    return false;
                break;
            }
            x->i++;
            if (!emit_cp(x, '{'))
                return false;
            set_atom(x, at, 1, 0, true);
            break;
        }
        case '\\': {
            uint32_t cp;
            if (!parse_escape(x, &cp))
                return false;
            bool sur = cp >= 0xd800 && cp <= 0xdfff;
            if (sur ? !emits(x, "(?!)") : !emit_cp(x, cp))
                return false;
            set_atom(x, at, 1, 1, !sur);
            break;
        }
        default: {
            uint32_t cp;
            if (!next_rune(x, &cp) || !emit_cp(x, cp))
                return false;
            set_atom(x, at, 1, 0, true);
            break;
        }
        }
    }
    if (x->depth > 0)
        return fail(x, "missing )", x->re, x->n);
    return true;
}

/* ---------------------------------------------------------------------- */
/* Compile and match                                                       */
/* ---------------------------------------------------------------------- */

struct op_regex {
    pcre2_code *code;          /* anchored at both ends, JIT-compiled when possible */
    pcre2_code *dfa;           /* anchored at the start only, for pcre2_dfa_match() */
    pcre2_match_context *mctx; /* the backtracking limit */
    bool jit;
};

/* Backtracking steps allowed before the DFA answers instead. Ordinary rule
 * regexes on command lines need a few hundred. */
#define MATCH_LIMIT 100000

struct op_regex *op_regex_compile(const char *pattern, size_t plen, char *err, size_t errsz)
{
    struct xl x = {
        .re = (const uchar *)pattern, .n = strnlen(pattern, plen), .err = err, .errsz = errsz};
    struct op_regex *re = NULL;
    pcre2_compile_context *cctx = NULL;
    if (err && errsz)
        err[0] = 0;
    if (!translate(&x))
        goto out;
    re = calloc(1, sizeof *re);
    cctx = pcre2_compile_context_create(NULL);
    if (!re || !cctx) {
        fail(&x, "out of memory", NULL, 0);
        goto out;
    }
    pcre2_set_newline(cctx, PCRE2_NEWLINE_LF);
    pcre2_set_parens_nest_limit(cctx, DEPTH_MAX + 8);
    int code;
    PCRE2_SIZE off;
    const uint32_t opts = PCRE2_UTF | PCRE2_NO_UTF_CHECK | PCRE2_ANCHORED | PCRE2_MULTILINE |
                          PCRE2_ALT_CIRCUMFLEX | PCRE2_NEVER_UCP | PCRE2_NO_AUTO_CAPTURE;
    PCRE2_SPTR text = (PCRE2_SPTR)(x.out ? x.out : "");
    re->code = pcre2_compile(text, x.len, opts | PCRE2_ENDANCHORED, &code, &off, cctx);
    /* pcre2_dfa_match() (10.42) does not honour PCRE2_ENDANCHORED, so its
     * copy is anchored at the start only and the caller checks that the
     * longest match ends at the end of the subject. */
    if (re->code)
        re->dfa = pcre2_compile(text, x.len, opts, &code, &off, cctx);
    if (!re->code || !re->dfa) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof msg);
        fail(&x, (const char *)msg, NULL, 0);
        goto out;
    }
    re->jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
    re->mctx = pcre2_match_context_create(NULL);
    if (!re->mctx) {
        fail(&x, "out of memory", NULL, 0);
        goto out;
    }
    pcre2_set_match_limit(re->mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(re->mctx, MATCH_LIMIT);
out:
    pcre2_compile_context_free(cctx);
    free(x.out);
    free(x.fr);
    if (x.failed) {
        op_regex_free(re);
        return NULL;
    }
    return re;
}

void op_regex_free(struct op_regex *re)
{
    if (!re)
        return;
    pcre2_match_context_free(re->mctx);
    pcre2_code_free(re->code);
    pcre2_code_free(re->dfa);
    free(re);
}

/* The automaton's workspace (ints). Its size caps the states followed in
 * parallel, hence the time per subject byte (about 2700 states); a pattern
 * needing more (a thousand overlapping optional repetitions) makes the
 * automaton give up. */
#define DFA_WORDS 16384

/* Per-thread scratch: created lazily, destroyed by the key's destructor. */
struct scratch {
    pcre2_match_data *md;
    uchar *buf; /* repaired subjects */
    size_t cap;
    int dfa_ws[DFA_WORDS];
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static _Thread_local struct scratch *tls_scratch;

static void scratch_destroy(void *p)
{
    struct scratch *s = p;
    if (!s)
        return;
    pcre2_match_data_free(s->md);
    free(s->buf);
    free(s);
}

static void scratch_key_init(void)
{
    (void)pthread_key_create(&scratch_key, scratch_destroy);
}

static struct scratch *scratch_get(void)
{
    if (tls_scratch)
        return tls_scratch;
    pthread_once(&scratch_once, scratch_key_init);
    struct scratch *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    /* One pair is enough: a full match needs no captures, and PCRE2 reports
     * success (rc 0) when the vector is too small for more. */
    s->md = pcre2_match_data_create(1, NULL);
    if (!s->md) {
        free(s);
        return NULL;
    }
    pthread_setspecific(scratch_key, s);
    tls_scratch = s;
    return s;
}

void op_regex_thread_release(void)
{
    if (!tls_scratch)
        return;
    pthread_setspecific(scratch_key, NULL);
    scratch_destroy(tls_scratch);
    tls_scratch = NULL;
}

/* Length of the UTF-8 sequence at s if it is well formed; otherwise 0 and
 * *bad = how many bytes make up the maximal ill-formed subpart (each such
 * run becomes one U+FFFD, as the Unicode standard recommends). */
static size_t utf8_seq(const uchar *s, size_t n, size_t *bad)
{
    uchar c = s[0], lo = 0x80, hi = 0xbf;
    size_t need;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        need = 1;
    else if (c >= 0xe0 && c <= 0xef)
        need = 2, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        need = 3, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return *bad = 1, 0;
    for (size_t k = 1; k <= need; k++) {
        if (k >= n || s[k] < lo || s[k] > hi)
            return *bad = k, 0;
        lo = 0x80;
        hi = 0xbf;
    }
    return need + 1;
}

static bool utf8_valid(const uchar *s, size_t n)
{
    size_t i = 0, bad;
    while (i < n) {
        /* ASCII runs eight bytes at a time. */
        if (n - i >= 8 && !(ops_load64(s + i) & 0x8080808080808080ull)) {
            i += 8;
            continue;
        }
        size_t k = utf8_seq(s + i, n - i, &bad);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

static const uchar *repair(struct scratch *sc, const uchar *s, size_t n, size_t *outn)
{
    if (n > (SIZE_MAX - 16) / 3)
        return NULL;
    if (sc->cap < 3 * n) {
        uchar *b = realloc(sc->buf, 3 * n + 16);
        if (!b)
            return NULL;
        sc->buf = b;
        sc->cap = 3 * n + 16;
    }
    size_t i = 0, o = 0, bad;
    while (i < n) {
        size_t k = utf8_seq(s + i, n - i, &bad);
        if (k) {
            memcpy(sc->buf + o, s + i, k);
            o += k;
            i += k;
        } else {
            memcpy(sc->buf + o, "\xef\xbf\xbd", 3);
            o += 3;
            i += bad;
        }
    }
    *outn = o;
    return sc->buf;
}

/* The automaton's answer: 1 match, 0 no match, -1 gave up. pcre2_dfa_match()
 * reports the longest match from the start first, and a full match exists
 * exactly when that one reaches the end. */
static int dfa_full_match(const struct op_regex *re, struct scratch *sc, const uchar *s, size_t n)
{
    int rc =
        pcre2_dfa_match(re->dfa, s, n, 0, PCRE2_NO_UTF_CHECK, sc->md, NULL, sc->dfa_ws, DFA_WORDS);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0)
        return -1;
    return pcre2_get_ovector_pointer(sc->md)[1] == n;
}

/* Subject ready for PCRE2: valid UTF-8, repaired into scratch if need be. */
static const uchar *prepare(struct scratch *sc, const char *str, size_t *n)
{
    const uchar *s = (const uchar *)str;
    if (utf8_valid(s, *n))
        return s;
    return repair(sc, s, *n, n);
}

bool op_regex_match(const struct op_regex *re, const char *str, size_t n)
{
    struct scratch *sc = scratch_get();
    const uchar *s = sc ? prepare(sc, str, &n) : NULL;
    if (!s)
        return false;
    int rc = re->jit ? pcre2_jit_match(re->code, s, n, 0, 0, sc->md, re->mctx)
                     : pcre2_match(re->code, s, n, 0, PCRE2_NO_UTF_CHECK, sc->md, re->mctx);
    if (rc >= 0)
        return true;
    if (rc != PCRE2_ERROR_MATCHLIMIT && rc != PCRE2_ERROR_DEPTHLIMIT &&
        rc != PCRE2_ERROR_HEAPLIMIT && rc != PCRE2_ERROR_JIT_STACKLIMIT)
        return false;
    /* Too much backtracking: ask the automaton instead. If it gives up too
     * (pathological pattern and subject), the check is false. */
    return dfa_full_match(re, sc, s, n) == 1;
}

int ops_regex_match_dfa(const struct op_regex *re, const char *str, size_t n)
{
    struct scratch *sc = scratch_get();
    const uchar *s = sc ? prepare(sc, str, &n) : NULL;
    return s ? dfa_full_match(re, sc, s, n) : -1;
}
