/*
 * ops.h - the native operators of the rule language (stdlib/ops).
 *
 * Compiled rule code and the reference interpreter both call these
 * functions to evaluate checks: byte comparisons and searches, glob/iglob,
 * pmatch, constant sets for in/intersects, the oneof/anyof/allof modifiers,
 * regex, IP addresses and networks, constant conversion for numbers, and the
 * transformers (tolower, toupper, b64, basename, len). Semantics follow
 * shared/spec/rules-language.md section 6.
 *
 * Strings are (pointer, length) pairs because values may contain NUL bytes.
 * Section 6.1 says a *string* field is compared as a C string, so callers
 * pass the length up to the first NUL for CHARBUF/FSPATH values (strnlen);
 * byte buffers pass their full length. Every function here treats the bytes
 * it is given literally, NUL included.
 *
 * Two kinds of functions:
 *   - match-path functions (op_*_match, op_*_has, op_contains, ...): pure,
 *     thread-safe on shared read-only objects, no allocation;
 *   - build-time functions (op_*_build, op_*_compile, op_*_new): allocate one
 *     object that copies everything it needs from its inputs (the caller may
 *     free its strings afterwards); the matching op_*_free releases it and
 *     accepts NULL. They return NULL on failure (out of memory, or an error
 *     described in the caller's err buffer where there is one).
 * Functions that can fail return 0 / a length on success or a negative errno,
 * never print and never exit.
 */
#ifndef FALCOC_OPS_H
#define FALCOC_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

/* ---------------------------------------------------------------------- */
/* Byte comparisons (= != < <= > >= startswith endswith)                  */
/* ---------------------------------------------------------------------- */

/* Equality of two byte strings (also the buffer '='): same length, same bytes. */
static inline bool op_eq(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

/* Byte order like strcmp on unsigned bytes: <0, 0 or >0. With NUL-free inputs
 * (string fields, see above) this is exactly strcmp; a proper prefix sorts first. */
int op_cmp(const char *a, size_t an, const char *b, size_t bn);

static inline bool op_startswith(const char *s, size_t n, const char *p, size_t pn)
{
    return pn <= n && (pn == 0 || memcmp(s, p, pn) == 0);
}

static inline bool op_endswith(const char *s, size_t n, const char *p, size_t pn)
{
    return pn <= n && (pn == 0 || memcmp(s + n - pn, p, pn) == 0);
}

/* ---------------------------------------------------------------------- */
/* Substring search (contains icontains bcontains bstartswith)            */
/* ---------------------------------------------------------------------- */

/* Byte substring; an empty needle always matches. Linear worst case. */
bool op_contains(const char *s, size_t n, const char *needle, size_t nn);

/* ASCII case-insensitive substring (only A-Z/a-z fold; other bytes exact). */
bool op_icontains(const char *s, size_t n, const char *needle, size_t nn);

/* A constant needle prepared once (copied, lowered when icase, scan byte chosen). */
struct op_needle;
struct op_needle *op_needle_new(const char *needle, size_t nn, bool icase);
bool op_needle_find(const struct op_needle *nd, const char *s, size_t n);
void op_needle_free(struct op_needle *nd);

/* Decode an even-length hex string (either case) into out. Returns the number
 * of bytes written, -EINVAL when the text is not hex or has odd length,
 * -ENOSPC when outsz < n / 2. "" decodes to 0 bytes. */
ssize_t op_hex_decode(const char *hex, size_t n, unsigned char *out, size_t outsz);

/* bcontains / bstartswith: contains / startswith on raw bytes, the needle being
 * the op_hex_decode()d constant. */
static inline bool op_bcontains(const void *s, size_t n, const void *bytes, size_t bn)
{
    return op_contains((const char *)s, n, (const char *)bytes, bn);
}

static inline bool op_bstartswith(const void *s, size_t n, const void *bytes, size_t bn)
{
    return op_startswith((const char *)s, n, (const char *)bytes, bn);
}

/* ---------------------------------------------------------------------- */
/* glob / iglob                                                            */
/* ---------------------------------------------------------------------- */

/* A compiled glob: the semantics of glibc fnmatch(3) with flags 0 (glob) or
 * FNM_CASEFOLD (iglob) in the C locale - '*' and '?' also match '/' and
 * leading dots; [...], [!...], [^...], ranges, [:class:], [=c=], [.c.];
 * backslash quotes the next character; a trailing backslash never matches;
 * an unterminated '[' is a literal '['. The pattern ends at its first NUL
 * (as Falco passes it through a C string). Matching is iterative, O(n * m)
 * at worst, never exponential. */
struct op_glob;
struct op_glob *op_glob_compile(const char *pattern, size_t plen, bool icase);
bool op_glob_match(const struct op_glob *g, const char *s, size_t n);
void op_glob_free(struct op_glob *g);

/* False only for pathological bracket expressions on which glibc's own two
 * bracket parsers disagree (e.g. "[xA-[:alpha:]]"); for those op_glob_match
 * uses the first parser's reading and may differ from fnmatch. */
bool op_glob_is_exact(const struct op_glob *g);

/* Compile-and-match in one call, for a pattern known only at run time
 * (field-to-field glob). Uses the stack for patterns up to 128 bytes and
 * allocates above that; false if that allocation fails. */
bool op_glob(const char *pattern, size_t plen, const char *s, size_t n, bool icase);

/* ---------------------------------------------------------------------- */
/* pmatch                                                                  */
/* ---------------------------------------------------------------------- */

/* A set of path prefixes as a trie over '/'-separated components (empty
 * components ignored, so "//" and a trailing '/' do not matter). An entry
 * matches a value when the entry's components are a prefix of the value's,
 * whole components only; an entry component containing '*', '?' or '[' is
 * matched against the value component as a glob, any other is compared
 * byte for byte. An entry with no components ("/" or "") matches every value.
 * An empty entry list matches nothing. */
struct op_pmatch;
struct op_pmatch *op_pmatch_build(const char *const *entries, const size_t *lens, size_t n);
bool op_pmatch(const struct op_pmatch *pm, const char *path, size_t n);
void op_pmatch_free(struct op_pmatch *pm);

/* ---------------------------------------------------------------------- */
/* Constant sets (in, intersects)                                          */
/* ---------------------------------------------------------------------- */

/* 64-bit hash of a byte string (the sets' hash; exposed for the compiler,
 * e.g. to emit its own tables). Deterministic across runs. */
uint64_t op_hash(const void *p, size_t n, uint64_t seed);

/* An exact-bytes hash set of strings (or of raw IP address bytes, ...).
 * Duplicates are folded; the set remembers how often each was given. */
struct op_strset;
struct op_strset *op_strset_build(const char *const *items, const size_t *lens, size_t n);
bool op_strset_has(const struct op_strset *set, const char *s, size_t n);
size_t op_strset_count(const struct op_strset *set, const char *s, size_t n); /* multiplicity */
size_t op_strset_size(const struct op_strset *set);                           /* distinct items */
void op_strset_free(struct op_strset *set);

/* A set of 64-bit integers for numeric 'in'. Callers widen values the way the
 * field's type says (sign-extend signed types) before building and looking up. */
struct op_intset;
struct op_intset *op_intset_build(const uint64_t *vals, size_t n);
bool op_intset_has(const struct op_intset *set, uint64_t v);
void op_intset_free(struct op_intset *set);

/* List-valued left side (6.3): 'in' is true when every element is in the set
 * (vacuously true for zero elements); 'intersects' when at least one is. */
bool op_strset_all(const struct op_strset *set, const char *const *vals, const size_t *lens,
                   size_t n);
bool op_strset_any(const struct op_strset *set, const char *const *vals, const size_t *lens,
                   size_t n);
bool op_intset_all(const struct op_intset *set, const uint64_t *vals, size_t n);
bool op_intset_any(const struct op_intset *set, const uint64_t *vals, size_t n);

/* ---------------------------------------------------------------------- */
/* Modifiers: OP oneof / anyof / allof (list)                              */
/* ---------------------------------------------------------------------- */

enum op_strop {
    OP_EQ,
    OP_NE,
    OP_CONTAINS,
    OP_ICONTAINS,
    OP_STARTSWITH,
    OP_ENDSWITH,
    OP_GLOB,
    OP_IGLOB,
    OP_REGEX,
    OP_BCONTAINS,
    OP_BSTARTSWITH,
};

enum op_mod {
    OP_ONEOF, /* exactly one list element satisfies (duplicates count) */
    OP_ANYOF, /* at least one */
    OP_ALLOF, /* every one */
};

/* `v OP MOD (items...)`: every item is prepared once (hex decoded for the b*
 * operators, glob and regex compiled). An empty list is false for all three
 * modifiers. NULL on error with a message in err (bad hex, bad regex) or on
 * out of memory (err says so). */
struct op_modset;
struct op_modset *op_modset_build(enum op_strop op, enum op_mod mod, const char *const *items,
                                  const size_t *lens, size_t n, char *err, size_t errsz);
bool op_modset_eval(const struct op_modset *m, const char *s, size_t n);
void op_modset_free(struct op_modset *m);

/* Combine per-element outcomes: how many of n elements satisfied. For
 * operators evaluated elsewhere (IP '=' / '!=' with a modifier). */
static inline bool op_mod_result(enum op_mod mod, size_t nsat, size_t n)
{
    if (n == 0)
        return false;
    return mod == OP_ONEOF ? nsat == 1 : mod == OP_ANYOF ? nsat >= 1 : nsat == n;
}

/* ---------------------------------------------------------------------- */
/* regex                                                                   */
/* ---------------------------------------------------------------------- */

/* Falco's regex: RE2 in POSIX (egrep) syntax, full match (anchored at both
 * ends), UTF-8. The pattern is checked against RE2's POSIX grammar (no \d,
 * \b, (?...), back-references, lazy or possessive quantifiers; counted
 * repetition at most 1000, also nested) and translated to an equivalent
 * PCRE2 pattern, compiled with PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED
 * and JIT. '^' / '$' match at line starts / ends as in RE2 without one_line;
 * '.' matches any character but '\n'; negated classes match '\n'. Subjects
 * are UTF-8; invalid sequences are replaced by U+FFFD before matching (as the
 * newest Falco does), so invalid input never errors. The pattern ends at its
 * first NUL. On compile failure returns NULL and writes "<reason>: <where>"
 * into err: RE2's wording where RE2 fails too, else a limit of ours
 * ("expression nested too deeply", beyond 1000 levels) or PCRE2's
 * ("regular expression is too large").
 * Matching backtracks under a step limit and then falls back to PCRE2's
 * automaton with a bounded workspace; if both give up (pathological pattern
 * and subject) the result is false. */
struct op_regex;
struct op_regex *op_regex_compile(const char *pattern, size_t plen, char *err, size_t errsz);
bool op_regex_match(const struct op_regex *re, const char *s, size_t n);
void op_regex_free(struct op_regex *re);

/* Matching uses per-thread scratch (PCRE2 match data, a buffer for the
 * U+FFFD rewrite) created on a thread's first match and released when the
 * thread exits; a thread may release it earlier with this call. */
void op_regex_thread_release(void);

/* ---------------------------------------------------------------------- */
/* IP addresses and networks                                               */
/* ---------------------------------------------------------------------- */

enum op_af {
    OP_AF_ANY = 0, /* IPADDR/IPNET rule: text containing '.' is IPv4, else IPv6 */
    OP_AF_INET = 4,
    OP_AF_INET6 = 6,
};

struct op_ip {
    uint8_t family;   /* OP_AF_INET or OP_AF_INET6 */
    uint8_t addr[16]; /* network byte order; IPv4 uses the first 4 bytes, rest zero */
};

struct op_net {
    struct op_ip base; /* host bits cleared */
    uint8_t prefix;    /* 0..32 for IPv4, 1..128 for IPv6 */
};

/* Parse an address exactly as inet_pton(3) does for its family (dotted quad
 * without leading zeros; IPv6 with '::' and an optional trailing dotted quad).
 * Returns 0 or -EINVAL. */
int op_ip_parse(const char *s, size_t n, enum op_af af, struct op_ip *out);

/* Parse "address/prefix" (decimal prefix, required slash) and mask the host
 * bits: 142.251.0.0/8 becomes 142.0.0.0/8. IPv4 prefixes 0..32, IPv6 1..128
 * (Falco rejects /0 for IPv6). Returns 0 or -EINVAL. */
int op_net_parse(const char *s, size_t n, enum op_af af, struct op_net *out);

/* Address equality; a family mismatch is unequal. */
bool op_ip_eq(const struct op_ip *a, const struct op_ip *b);

/* CIDR membership; a family mismatch is false. */
bool op_net_contains(const struct op_net *net, const struct op_ip *ip);

/* Raw address bytes as a fixed 4- or 16-byte key, for op_strset of addresses. */
static inline size_t op_ip_keylen(const struct op_ip *ip)
{
    return ip->family == OP_AF_INET ? 4 : 16;
}

/* ---------------------------------------------------------------------- */
/* Numbers: constant conversion (6.2)                                      */
/* ---------------------------------------------------------------------- */

/* Falco converts numeric constants with sscanf("%<d|u>%c") and we reproduce
 * it: optional leading white space, optional '+' or '-', at least one decimal
 * digit, nothing after. Out of range values saturate like strtoll/strtoull
 * (signed: INT64_MIN/MAX; unsigned: UINT64_MAX); for unsigned a leading '-'
 * negates modulo 2^64 ("-1" is all ones). The 32-bit forms are what Falco
 * uses for narrow types: the 64-bit reading truncated to 32 bits (the caller
 * truncates further to 8 or 16 bits). Return 0 or -EINVAL. */
int op_parse_int64(const char *s, size_t n, int64_t *out);
int op_parse_uint64(const char *s, size_t n, uint64_t *out);
int op_parse_int32(const char *s, size_t n, int32_t *out);
int op_parse_uint32(const char *s, size_t n, uint32_t *out);

/* ---------------------------------------------------------------------- */
/* Transformers (6.5)                                                      */
/* ---------------------------------------------------------------------- */

/* ASCII case mapping of n bytes into dst (room for n bytes; dst may be src).
 * Bytes other than A-Z / a-z are copied unchanged. Returns n. */
size_t op_tolower(char *dst, const char *src, size_t n);
size_t op_toupper(char *dst, const char *src, size_t n);

/* Base64 decoding as Falco's b64 transformer: standard alphabet, up to two
 * trailing '=' optional, no white space, length % 4 != 1, unused bits of the
 * last character must be zero. Returns the decoded length, -EINVAL on invalid
 * input (the check is then false), -ENOSPC when dstsz is too small
 * (op_b64_decoded_max(n) always suffices). */
ssize_t op_b64_decode(const char *src, size_t n, unsigned char *dst, size_t dstsz);

static inline size_t op_b64_decoded_max(size_t n)
{
    return n / 4 * 3 + 2;
}

/* The part after the last '/': a view into s (no copy); "" when s ends with
 * '/', s itself when it has none. */
const char *op_basename(const char *s, size_t n, size_t *outn);

/* len(): bytes of a string or buffer (elements of a list are counted by the
 * caller). Here for the operator table's sake. */
static inline uint64_t op_len(size_t n)
{
    return (uint64_t)n;
}

#endif
