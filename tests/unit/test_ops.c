/*
 * test_ops.c - unit tests of the native operators (stdlib/ops).
 *
 * Each operator gets hand-written cases (the spec's examples, edge cases:
 * empty strings, empty needles, NUL bytes, non-ASCII bytes) and, where a
 * trusted reference exists, a differential run on random inputs:
 * glob/iglob against glibc fnmatch(3), pmatch against a naive component
 * matcher, sets against a linear scan, substring search against a naive
 * loop, regex against glibc's POSIX ERE engine (on the common subset), IP
 * parsing against inet_pton(3), number parsing against sscanf(3).
 * Differential loops count mismatches and report the first few; the
 * checks themselves are one per loop, so the pass count stays readable.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ops.h"
#include "ops_int.h" /* ops_regex_match_dfa: the regex fallback path */
#include "tharness.h"

#define S(lit) lit, sizeof(lit) - 1

static uint64_t rng = 0x1234567887654321ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static void rand_str(char *out, size_t len, const char *alpha)
{
    size_t na = strlen(alpha);
    for (size_t i = 0; i < len; i++)
        out[i] = alpha[below((unsigned)na)];
    out[len] = 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Print at most a few mismatches per differential loop. */
#define MISMATCH(count, ...)                                                                       \
    do {                                                                                           \
        if ((count)++ < 5) {                                                                       \
            fprintf(stderr, "  mismatch: ");                                                       \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

/* ---------------------------------------------------------------------- */

static void test_compare(void)
{
    CHECK(op_eq(S("abc"), S("abc")), "eq");
    CHECK(!op_eq(S("abc"), S("abd")), "ne");
    CHECK(!op_eq(S("abc"), S("ab")), "length differs");
    CHECK(op_eq("", 0, "", 0), "empty equals empty");
    CHECK(!op_eq("", 0, S("a")), "empty vs a");
    CHECK(op_eq(S("a\0b"), S("a\0b")), "embedded NUL is a byte");
    CHECK(!op_eq(S("a\0b"), S("a\0c")), "bytes after NUL are compared");

    CHECK(op_cmp(S("abc"), S("abd")) < 0, "abc < abd");
    CHECK(op_cmp(S("abd"), S("abc")) > 0, "abd > abc");
    CHECK(op_cmp(S("ab"), S("abc")) < 0, "prefix sorts first");
    CHECK(op_cmp(S("abc"), S("ab")) > 0, "longer sorts after");
    CHECK(op_cmp("", 0, "", 0) == 0, "empty == empty");
    CHECK(op_cmp("", 0, S("a")) < 0, "empty first");
    CHECK(op_cmp(S("\xff"), S("a")) > 0, "bytes compare unsigned");
    CHECK(op_cmp(S("Z"), S("a")) < 0, "byte order, not case order");

    int bad = 0;
    for (int k = 0; k < 5000; k++) {
        char a[8], b[8];
        rand_str(a, below(6), "ab\x80\xff");
        rand_str(b, below(6), "ab\x80\xff");
        int want = strcmp(a, b), got = op_cmp(a, strlen(a), b, strlen(b));
        if ((want < 0) != (got < 0) || (want > 0) != (got > 0))
            MISMATCH(bad, "cmp '%s' '%s'", a, b);
    }
    CHECK(bad == 0, "op_cmp agrees with strcmp on 5000 random pairs (%d bad)", bad);

    CHECK(op_startswith(S("/usr/bin/ls"), S("/usr/")), "startswith");
    CHECK(!op_startswith(S("/usr"), S("/usr/")), "startswith longer prefix");
    CHECK(op_startswith(S("abc"), "", 0), "startswith empty");
    CHECK(op_startswith("", 0, "", 0), "empty startswith empty");
    CHECK(!op_startswith(S("Abc"), S("a")), "startswith is case-sensitive");
    CHECK(op_endswith(S("/etc/passwd"), S("passwd")), "endswith");
    CHECK(!op_endswith(S("wd"), S("passwd")), "endswith longer suffix");
    CHECK(op_endswith(S("abc"), "", 0), "endswith empty");
    CHECK(op_endswith(S("abc"), S("abc")), "endswith whole");
    CHECK(!op_endswith(S("abc"), S("abd")), "endswith mismatch");
}

/* ---------------------------------------------------------------------- */

static bool naive_contains(const char *h, size_t n, const char *nd, size_t m, bool icase)
{
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m) {
            unsigned char a = (unsigned char)h[i + k], b = (unsigned char)nd[k];
            if (icase) {
                if (a >= 'A' && a <= 'Z')
                    a += 32;
                if (b >= 'A' && b <= 'Z')
                    b += 32;
            }
            if (a != b)
                break;
            k++;
        }
        if (k == m)
            return true;
    }
    return false;
}

static void test_contains(void)
{
    CHECK(op_contains(S("/usr/bin/curl -s http://x"), S("curl")), "contains");
    CHECK(!op_contains(S("/usr/bin/curl"), S("wget")), "not contains");
    CHECK(op_contains(S("abc"), "", 0), "empty needle matches");
    CHECK(op_contains("", 0, "", 0), "empty needle matches empty value");
    CHECK(!op_contains("", 0, S("a")), "empty value, non-empty needle");
    CHECK(!op_contains(S("ab"), S("abc")), "needle longer than value");
    CHECK(op_contains(S("abc"), S("abc")), "whole");
    CHECK(op_contains(S("xxabc"), S("abc")), "at end");
    CHECK(op_contains(S("abcxx"), S("abc")), "at start");
    CHECK(!op_contains(S("ABC"), S("abc")), "contains is case-sensitive");
    CHECK(op_contains(S("a\0bc"), S("\0b")), "NUL bytes searched as bytes");
    CHECK(op_contains(S("x/"), S("/")), "single byte needle");

    CHECK(op_icontains(S("/opt/dir/SUBDIR/file.txt"), S("/subdir")), "spec: icontains /subdir");
    CHECK(op_icontains(S("CURL"), S("cUrL")), "icontains mixed case");
    CHECK(op_icontains(S("abc"), "", 0), "icontains empty needle");
    CHECK(!op_icontains(S("abc"), S("abd")), "icontains mismatch");
    CHECK(!op_icontains(S("\xc9"), S("\xe9")), "icontains folds ASCII only (E-acute)");
    CHECK(op_icontains(S("\xc9t\xc9"), S("\xc9T")), "non-ASCII bytes compared exactly");
    CHECK(!op_icontains(S("["), S("{")), "'[' and '{' differ by 0x20 but are not letters");
    CHECK(!op_icontains(S("@"), S("`")), "'@' and '`' are not letters");

    /* Adversarial input must stay linear: the fallbacks kick in. */
    static char hay[200001];
    memset(hay, 'a', sizeof hay - 1);
    static char needle[301];
    memset(needle, 'a', 300);
    needle[299] = 'b';
    double t0 = now();
    bool r1 = op_contains(hay, sizeof hay - 1, needle, 300);
    bool r2 = op_icontains(hay, sizeof hay - 1, needle, 300);
    struct op_needle *nd = op_needle_new(needle, 300, true);
    bool r3 = op_needle_find(nd, hay, sizeof hay - 1);
    op_needle_free(nd);
    double dt = now() - t0;
    CHECK(!r1 && !r2 && !r3, "adversarial search finds nothing");
    CHECK(dt < 2.0, "adversarial search is linear (%.3fs)", dt);
    hay[150000] = 'B';
    memcpy(hay + 150000 - 299, needle, 299);
    CHECK(op_icontains(hay, sizeof hay - 1, needle, 300), "adversarial hit found (icase)");
    hay[150000] = 'b';
    CHECK(op_contains(hay, sizeof hay - 1, needle, 300), "adversarial hit found");

    int bad = 0;
    for (int k = 0; k < 20000; k++) {
        char h[128], n[12];
        const char *alpha = k % 2 ? "aAbB/-" : "abcAB./ ";
        rand_str(h, below(k % 3 ? 40 : 110), alpha); /* scalar, SSE2 and AVX2 kernels */
        rand_str(n, below(k % 5 ? 5 : 10), alpha);
        size_t hn = strlen(h), nn = strlen(n);
        bool e = naive_contains(h, hn, n, nn, false), i = naive_contains(h, hn, n, nn, true);
        struct op_needle *ne = op_needle_new(n, nn, false), *ni = op_needle_new(n, nn, true);
        if (op_contains(h, hn, n, nn) != e || op_needle_find(ne, h, hn) != e)
            MISMATCH(bad, "contains '%s' '%s'", h, n);
        if (op_icontains(h, hn, n, nn) != i || op_needle_find(ni, h, hn) != i)
            MISMATCH(bad, "icontains '%s' '%s'", h, n);
        op_needle_free(ne);
        op_needle_free(ni);
    }
    CHECK(bad == 0, "contains/icontains/needles agree with naive search, 20000 cases (%d bad)",
          bad);

    /* Needles longer than op_icontains lowers on the stack take a plain loop. */
    static char big[1500], bigh[3000];
    memset(big, 'Q', sizeof big);
    memset(bigh, 'q', sizeof bigh);
    CHECK(op_icontains(bigh, sizeof bigh, big, sizeof big), "icontains, 1500-byte needle");
    bigh[700] = 'x';
    bigh[2200] = 'x';
    CHECK(!op_icontains(bigh, sizeof bigh, big, sizeof big), "icontains, 1500-byte needle, miss");
}

/* ---------------------------------------------------------------------- */

static void test_hex(void)
{
    unsigned char out[16];
    CHECK(op_hex_decode(S("656c6C"), out, sizeof out) == 3 && !memcmp(out, "ell", 3),
          "hex either case");
    CHECK(op_hex_decode(S("48545450"), out, sizeof out) == 4 && !memcmp(out, "HTTP", 4),
          "hex HTTP");
    CHECK(op_hex_decode("", 0, out, sizeof out) == 0, "empty hex is empty bytes");
    CHECK(op_hex_decode(S("2"), out, sizeof out) == -EINVAL, "odd length");
    CHECK(op_hex_decode(S("zz"), out, sizeof out) == -EINVAL, "not hex");
    CHECK(op_hex_decode(S("0x10"), out, sizeof out) == -EINVAL, "0x prefix is not hex");
    CHECK(op_hex_decode(S("00ff"), out, 1) == -ENOSPC, "buffer too small");
    CHECK(op_hex_decode(S("00fF"), out, 2) == 2 && out[0] == 0 && out[1] == 0xff, "NUL and 0xff");

    ssize_t n = op_hex_decode(S("656c6C"), out, sizeof out);
    CHECK(op_bcontains("hello", 5, out, (size_t)n), "spec: bcontains 656c6C on hello");
    n = op_hex_decode(S("65"), out, sizeof out);
    CHECK(!op_bstartswith("hello", 5, out, (size_t)n), "spec: bstartswith 65 on hello");
    n = op_hex_decode(S("6865"), out, sizeof out);
    CHECK(op_bstartswith("hello", 5, out, (size_t)n), "bstartswith 6865 on hello");
    CHECK(op_bcontains("a\0b", 3, "\0", 1), "bcontains a NUL byte");
    CHECK(op_bcontains("abc", 3, "", 0), "bcontains empty");
}

/* ---------------------------------------------------------------------- */

static bool globc(const char *pat, const char *s, bool icase)
{
    struct op_glob *g = op_glob_compile(pat, strlen(pat), icase);
    bool r = op_glob_match(g, s, strlen(s));
    op_glob_free(g);
    return r;
}

static void test_glob_examples(void)
{
    CHECK(globc("*", "", false), "* matches empty");
    CHECK(globc("*", "/a/.b", false), "* matches / and dots");
    CHECK(globc("", "", false), "empty pattern matches empty");
    CHECK(!globc("", "a", false), "empty pattern vs a");
    CHECK(globc("/usr/bin/*", "/usr/bin/ls", false), "prefix glob");
    CHECK(globc("/usr/*/ls", "/usr/local/bin/ls", false), "* crosses /");
    CHECK(globc("*.sh", ".hidden.sh", false), "* matches a leading dot");
    CHECK(globc("?", "/", false), "? matches /");
    CHECK(globc("?", ".", false), "? matches .");
    CHECK(!globc("?", "", false), "? needs a byte");
    CHECK(globc("a?c", "abc", false), "?");
    CHECK(globc("[abc]", "b", false), "class");
    CHECK(!globc("[abc]", "d", false), "class miss");
    CHECK(globc("[!abc]", "d", false), "negated class");
    CHECK(globc("[^abc]", "d", false), "^ negates too (glibc)");
    CHECK(!globc("[!abc]", "a", false), "negated class miss");
    CHECK(globc("[a-c]", "b", false), "range");
    CHECK(!globc("[a-c]", "d", false), "range miss");
    CHECK(globc("[]]", "]", false), "] first is literal");
    CHECK(globc("[a-]", "-", false), "- last is literal");
    CHECK(globc("[[:digit:]]x", "7x", false), "[:digit:]");
    CHECK(!globc("[[:digit:]]x", "ax", false), "[:digit:] miss");
    CHECK(globc("\\*", "*", false), "escaped *");
    CHECK(!globc("\\*", "a", false), "escaped * is literal");
    CHECK(!globc("abc\\", "abc\\", false), "trailing backslash never matches");
    CHECK(globc("[ab", "[ab", false), "unterminated [ is literal");
    CHECK(!globc("[ab", "a", false), "unterminated [ is not a class");
    CHECK(globc("*a*a*a*b", "aaab", false), "several stars");
    CHECK(!globc("*a*a*a*b", "aaa", false), "several stars, no match");
    CHECK(globc("*/passwd", "/etc/passwd", false), "suffix");
    CHECK(!globc("*/passwd", "/etc/passwd2", false), "suffix miss");
    CHECK(globc("a*b*c", "abc", false), "stars match empty");
    CHECK(globc("a*b*c", "aXbYbZc", false), "stars, leftmost is enough");
    CHECK(!globc("a*b*c", "acb", false), "order matters");
    CHECK(!globc("abc", "ABC", false), "glob is case-sensitive");
    CHECK(globc("abc", "ABC", true), "iglob");
    CHECK(globc("/USR/*/LS", "/usr/local/bin/ls", true), "iglob with star");
    CHECK(globc("[A-C]x", "bX", true), "iglob range folds");
    CHECK(!globc("[[:upper:]]", "a", true), "iglob: classes test the raw byte (glibc)");
    CHECK(!globc("\xc9", "\xe9", true), "iglob folds ASCII only");
    struct op_glob *g = op_glob_compile(S("a\0b"), false);
    CHECK(op_glob_match(g, "a", 1) && !op_glob_match(g, "a\0b", 3), "pattern truncated at NUL");
    op_glob_free(g);
    g = op_glob_compile(S("a?c"), false);
    CHECK(op_glob_match(g, "a\0c", 3), "? matches a NUL byte in the subject");
    op_glob_free(g);

    CHECK(op_glob(S("/tmp/*.sh"), S("/tmp/x.sh"), false), "op_glob convenience");
    CHECK(!op_glob(S("/tmp/*.sh"), S("/tmp/x.py"), false), "op_glob convenience miss");
    char longpat[400];
    memset(longpat, 'a', sizeof longpat);
    longpat[0] = '*';
    CHECK(op_glob(longpat, sizeof longpat, longpat + 1, sizeof longpat - 1, false),
          "op_glob with a long pattern (heap path)");

    /* No exponential blow-up on many stars, nor quadratic surprise. */
    static char subject[20001];
    memset(subject, 'a', sizeof subject - 1);
    const char *evil[] = {"*a*a*a*a*a*a*a*a*a*a*a*a*b", "*a*a*a*a*a*a*a*a*a*a*a*a*b*",
                          "*?a?*?a?*?a?*?a?*c*", "*[ab]*[ab]*[ab]*[ab]*[!a]*"};
    double t0 = now();
    bool any = false;
    for (size_t k = 0; k < sizeof evil / sizeof *evil; k++)
        any |= globc(evil[k], subject, false);
    double dt = now() - t0;
    CHECK(!any, "pathological globs do not match");
    CHECK(dt < 2.0, "pathological globs finish quickly (%.3fs)", dt);
}

static const char *const glob_pieces[] = {
    "a",     "b",     "A",     "*",       "*",   "?",  "[", "]",         "!",
    "^",     "-",     "\\",    ":",       ".",   "=",  "/", "[:alpha:]", "[:upper:]",
    "[=a=]", "[.a.]", "[.b.]", "[:bad:]", "a-c", "[a", "]",
};

static void glob_random_pattern(char *out, size_t cap)
{
    size_t len = 0, pieces = below(8);
    out[0] = 0;
    for (size_t k = 0; k < pieces; k++) {
        const char *p = glob_pieces[below(sizeof glob_pieces / sizeof *glob_pieces)];
        size_t l = strlen(p);
        if (len + l + 1 > cap)
            break;
        memcpy(out + len, p, l + 1);
        len += l;
    }
}

static void test_glob_fnmatch(void)
{
    int bad = 0, cases = 0, inexact = 0, patterns = 0;
    for (int pass = 0; pass < 2; pass++) {
        bool icase = pass == 1;
        for (int k = 0; k < 30000; k++) {
            char pat[64];
            glob_random_pattern(pat, sizeof pat);
            struct op_glob *g = op_glob_compile(pat, strlen(pat), icase);
            patterns++;
            if (!op_glob_is_exact(g)) {
                inexact++;
                op_glob_free(g);
                continue;
            }
            for (int j = 0; j < 6; j++) {
                char s[16];
                rand_str(s, below(7), "abAB[]!^-\\:.=/c");
                bool want = fnmatch(pat, s, icase ? FNM_CASEFOLD : 0) == 0;
                bool got = op_glob_match(g, s, strlen(s));
                bool got2 = op_glob(pat, strlen(pat), s, strlen(s), icase);
                cases++;
                if (want != got || got != got2)
                    MISMATCH(bad, "%s '%s' vs '%s': fnmatch %d, ours %d/%d",
                             icase ? "iglob" : "glob", pat, s, want, got, got2);
            }
            op_glob_free(g);
        }
    }
    /* Paths and shell-style patterns from rules, with realistic subjects. */
    const char *pats[] = {"/usr/bin/*",        "*/.ssh/*",  "/etc/*.d/*",     "*.[ch]",
                          "/proc/[0-9]*/fd/*", "*[!/]",     "/dev/tty[0-9]*", "*/bin/?sh",
                          "*redis*",           "*.so.[0-9]"};
    const char *subjects[] = {"/usr/bin/ls",  "/home/u/.ssh/id_rsa", "/etc/cron.d/job",
                              "main.c",       "/proc/12/fd/3",       "/etc/",
                              "/dev/tty0",    "/bin/bash",           "/usr/local/bin/zsh",
                              "redis-server", "libc.so.6",           "/PROC/1/FD/2"};
    for (size_t p = 0; p < sizeof pats / sizeof *pats; p++)
        for (size_t s = 0; s < sizeof subjects / sizeof *subjects; s++)
            for (int icase = 0; icase < 2; icase++) {
                bool want = fnmatch(pats[p], subjects[s], icase ? FNM_CASEFOLD : 0) == 0;
                if (globc(pats[p], subjects[s], icase) != want)
                    MISMATCH(bad, "'%s' vs '%s'", pats[p], subjects[s]);
                cases++;
            }
    CHECK(bad == 0, "glob/iglob agree with fnmatch on %d cases (%d bad)", cases, bad);
    CHECK(cases >= 20000, "at least 20000 differential glob cases (%d)", cases);
    CHECK(inexact * 100 < patterns, "inexact patterns are rare (%d of %d)", inexact, patterns);
    printf("glob: %d differential cases, %d of %d random patterns flagged inexact\n", cases,
           inexact, patterns);

    /* The known disagreement of glibc's two bracket parsers is flagged. */
    struct op_glob *g = op_glob_compile(S("[xA-[:alpha:]]"), false);
    CHECK(!op_glob_is_exact(g), "[xA-[:alpha:]] is flagged inexact");
    op_glob_free(g);
    g = op_glob_compile(S("[a-z]*.txt"), false);
    CHECK(op_glob_is_exact(g), "ordinary patterns are exact");
    op_glob_free(g);
}

/* ---------------------------------------------------------------------- */

static bool pmatch1(const char *entry, const char *path)
{
    size_t len = strlen(entry);
    struct op_pmatch *pm = op_pmatch_build(&entry, &len, 1);
    bool r = op_pmatch(pm, path, strlen(path));
    op_pmatch_free(pm);
    return r;
}

/* Split into components, dropping empty ones. */
static size_t split(const char *s, char comps[][16], size_t max)
{
    size_t n = 0;
    while (*s) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        size_t l = strcspn(s, "/");
        if (n < max) {
            memcpy(comps[n], s, l);
            comps[n][l] = 0;
            n++;
        }
        s += l;
    }
    return n;
}

static bool naive_pmatch(const char *const *entries, size_t ne, const char *path)
{
    char vc[16][16], ec[16][16];
    size_t nv = split(path, vc, 16);
    for (size_t e = 0; e < ne; e++) {
        size_t n = split(entries[e], ec, 16);
        if (n > nv)
            continue;
        size_t k = 0;
        for (; k < n; k++) {
            bool glob = strpbrk(ec[k], "*?[") != NULL;
            if (glob ? fnmatch(ec[k], vc[k], 0) != 0 : strcmp(ec[k], vc[k]) != 0)
                break;
        }
        if (k == n)
            return true;
    }
    return false;
}

static void test_pmatch(void)
{
    CHECK(pmatch1("/opt/dir", "/opt/dir"), "spec: /opt/dir matches itself");
    CHECK(pmatch1("/opt/dir", "/opt/dir/x"), "spec: /opt/dir matches /opt/dir/x");
    CHECK(pmatch1("/opt/dir", "/opt/dir/subdir/file.txt"), "spec eval-005");
    CHECK(!pmatch1("/opt/dir", "/opt/dir2"), "spec: not /opt/dir2");
    CHECK(!pmatch1("/opt/dir", "/opt"), "entry longer than value");
    CHECK(pmatch1("/opt/*/subdir", "/opt/dir/subdir/file"), "spec: glob component");
    CHECK(pmatch1("/opt/*/subdir", "/opt/dir/subdir/file.txt"), "spec eval-007");
    CHECK(!pmatch1("/opt/di[!r]/subdir", "/opt/dir/subdir/file.txt"), "spec eval-008");
    CHECK(pmatch1("/opt/di[!r]/subdir", "/opt/dix/subdir/file.txt"), "negated class component");
    CHECK(!pmatch1("/tmp/hello", "/tmp/hello_world"), "spec eval-010");
    CHECK(pmatch1("/opt//dir/", "/opt/dir/x"), "empty components in the entry ignored");
    CHECK(pmatch1("/opt/dir", "//opt///dir//"), "empty components in the value ignored");
    CHECK(pmatch1("opt/dir", "/opt/dir/x"), "leading slash does not matter");
    CHECK(pmatch1("/", "/anything/at/all"), "'/' matches everything");
    CHECK(pmatch1("/", ""), "'/' matches the empty value");
    CHECK(pmatch1("", "/x"), "empty entry matches everything");
    CHECK(!pmatch1("/a", ""), "empty value matches only empty entries");
    CHECK(!pmatch1("/a", "/"), "'/' value has no components");
    CHECK(!pmatch1("/opt/*", "/opt"), "glob component needs a value component");
    CHECK(pmatch1("/opt/*", "/opt/x/y"), "glob then anything");
    CHECK(!pmatch1("/opt/d?r", "/opt/dr"), "? needs a byte");
    CHECK(pmatch1("/opt/d?r", "/opt/dir"), "? component");
    CHECK(pmatch1("/a\\*b", "/a*b/c"), "escaped star in a component");
    CHECK(!pmatch1("/a\\*b", "/axb"), "escaped star is literal");
    CHECK(!pmatch1("/Opt", "/opt"), "pmatch is case-sensitive");

    size_t zero = 0;
    struct op_pmatch *pm = op_pmatch_build(NULL, &zero, 0);
    CHECK(pm && !op_pmatch(pm, S("/x")) && !op_pmatch(pm, "", 0), "empty list matches nothing");
    op_pmatch_free(pm);

    /* Backtracking between a literal and glob children of the same node. */
    const char *ents[] = {"/a/b/c", "/a/*/d", "/a/?/e/f", "/x/[yz]*"};
    size_t lens[4];
    for (int k = 0; k < 4; k++)
        lens[k] = strlen(ents[k]);
    pm = op_pmatch_build(ents, lens, 4);
    CHECK(op_pmatch(pm, S("/a/b/d")), "literal child fails, glob child matches");
    CHECK(op_pmatch(pm, S("/a/b/e/f/g")), "second glob child matches");
    CHECK(op_pmatch(pm, S("/a/b/c")), "literal path");
    CHECK(!op_pmatch(pm, S("/a/bb/e/f")), "? is one byte");
    CHECK(op_pmatch(pm, S("/x/zoo")), "class glob");
    CHECK(!op_pmatch(pm, S("/x/a")), "class glob miss");
    op_pmatch_free(pm);

    /* Random differential against a naive matcher. */
    int bad = 0, cases = 0;
    const char *comp[] = {"a", "b", "ab", "a*", "*", "?", "[ab]", "b?", "c", "[!a]*"};
    const char *vcomp[] = {"a", "b", "ab", "abc", "c", "ba", "bb", ""};
    for (int k = 0; k < 3000; k++) {
        char ebuf[8][64];
        const char *e[8];
        size_t el[8];
        size_t ne = below(6);
        for (size_t i = 0; i < ne; i++) {
            ebuf[i][0] = 0;
            size_t nc = below(4);
            for (size_t c = 0; c < nc; c++) {
                strcat(ebuf[i], below(4) ? "/" : "//");
                strcat(ebuf[i], comp[below(10)]);
            }
            if (below(4) == 0)
                strcat(ebuf[i], "/");
            e[i] = ebuf[i];
            el[i] = strlen(ebuf[i]);
        }
        pm = op_pmatch_build(e, el, ne);
        for (int j = 0; j < 10; j++) {
            char v[64] = "";
            size_t nc = below(5);
            for (size_t c = 0; c < nc; c++) {
                strcat(v, "/");
                strcat(v, vcomp[below(8)]);
            }
            bool want = naive_pmatch(e, ne, v), got = op_pmatch(pm, v, strlen(v));
            cases++;
            if (want != got)
                MISMATCH(bad, "pmatch value '%s' entries[0]='%s' n=%zu: naive %d ours %d", v,
                         ne ? e[0] : "", ne, want, got);
        }
        op_pmatch_free(pm);
    }
    CHECK(bad == 0, "pmatch agrees with the naive matcher on %d cases (%d bad)", cases, bad);

    /* A realistic 50-entry list. */
    const char *dirs[] = {"/bin",  "/sbin", "/usr/bin", "/usr/sbin",       "/usr/local/bin", "/etc",
                          "/boot", "/lib",  "/usr/lib", "/var/lib/*/data", "/opt/*/bin"};
    char many[50][48];
    const char *mp[50];
    size_t ml[50];
    for (int k = 0; k < 50; k++) {
        snprintf(many[k], sizeof many[k], "%s/app%d", dirs[k % 11], k);
        mp[k] = many[k];
        ml[k] = strlen(many[k]);
    }
    pm = op_pmatch_build(mp, ml, 50);
    CHECK(op_pmatch(pm, S("/usr/bin/app2/x")), "50 entries: hit");
    CHECK(op_pmatch(pm, S("/var/lib/pg/data/app9/f")), "50 entries: glob hit");
    CHECK(!op_pmatch(pm, S("/usr/bin/app3")), "50 entries: miss");
    op_pmatch_free(pm);
}

/* ---------------------------------------------------------------------- */

static void test_sets(void)
{
    const char *items[] = {
        "bash", "sh", "zsh",
        "",     "sh", "a-very-long-name-beyond-63-bytes-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"};
    size_t lens[6];
    for (int k = 0; k < 6; k++)
        lens[k] = strlen(items[k]);
    struct op_strset *set = op_strset_build(items, lens, 6);
    CHECK(op_strset_has(set, S("bash")), "has bash");
    CHECK(op_strset_has(set, S("sh")), "has sh");
    CHECK(!op_strset_has(set, S("ksh")), "no ksh");
    CHECK(!op_strset_has(set, S("Bash")), "exact bytes");
    CHECK(op_strset_has(set, "", 0), "empty string member");
    CHECK(op_strset_has(set, items[5], lens[5]), "long member");
    CHECK(!op_strset_has(set, items[5], lens[5] - 1), "long prefix is not a member");
    CHECK(op_strset_size(set) == 5, "duplicates folded (%zu)", op_strset_size(set));
    CHECK(op_strset_count(set, S("sh")) == 2, "multiplicity kept");
    CHECK(op_strset_count(set, S("zsh")) == 1, "multiplicity one");
    CHECK(op_strset_count(set, S("csh")) == 0, "multiplicity zero");
    CHECK(!op_strset_has(set, S("bash\0")), "embedded NUL makes a different key");

    const char *vals[] = {"bash", "sh"};
    size_t vl[] = {4, 2};
    CHECK(op_strset_all(set, vals, vl, 2), "in: every element");
    vals[1] = "ksh";
    vl[1] = 3;
    CHECK(!op_strset_all(set, vals, vl, 2), "in: one element missing");
    CHECK(op_strset_any(set, vals, vl, 2), "intersects: one element present");
    CHECK(op_strset_all(set, vals, vl, 0), "in: zero elements is vacuously true");
    CHECK(!op_strset_any(set, vals, vl, 0), "intersects: zero elements is false");
    op_strset_free(set);

    set = op_strset_build(NULL, NULL, 0);
    CHECK(set && !op_strset_has(set, "", 0) && !op_strset_has(set, S("x")), "empty set");
    op_strset_free(set);

    /* The spec: (b,c,d) in (a,b,c) is false. */
    const char *abc[] = {"a", "b", "c"}, *bcd[] = {"b", "c", "d"};
    size_t ones[] = {1, 1, 1};
    set = op_strset_build(abc, ones, 3);
    CHECK(!op_strset_all(set, bcd, ones, 3), "spec: (b,c,d) in (a,b,c) is false");
    CHECK(op_strset_any(set, bcd, ones, 3), "(b,c,d) intersects (a,b,c)");
    op_strset_free(set);

    /* Random sets against a linear scan. */
    int bad = 0;
    for (int k = 0; k < 300; k++) {
        size_t n = below(200);
        char buf[200][12];
        const char *it[200];
        size_t il[200];
        for (size_t i = 0; i < n; i++) {
            rand_str(buf[i], below(10), "abc/-");
            it[i] = buf[i];
            il[i] = strlen(buf[i]);
        }
        set = op_strset_build(it, il, n);
        for (int j = 0; j < 100; j++) {
            char q[12];
            rand_str(q, below(10), "abc/-");
            size_t cnt = 0;
            for (size_t i = 0; i < n; i++)
                cnt += strcmp(q, it[i]) == 0;
            if (op_strset_has(set, q, strlen(q)) != (cnt > 0) ||
                op_strset_count(set, q, strlen(q)) != cnt)
                MISMATCH(bad, "strset '%s'", q);
        }
        op_strset_free(set);
    }
    CHECK(bad == 0, "strset agrees with a linear scan, 30000 lookups (%d bad)", bad);

    uint64_t iv[] = {5, 1, 5, (uint64_t)-1, 0, 1000000};
    struct op_intset *is = op_intset_build(iv, 6);
    CHECK(op_intset_has(is, 5) && op_intset_has(is, 1) && op_intset_has(is, 0), "intset hits");
    CHECK(op_intset_has(is, (uint64_t)-1), "intset all-ones (-1 widened)");
    CHECK(!op_intset_has(is, 2) && !op_intset_has(is, 999999), "intset misses");
    uint64_t q2[] = {5, 0};
    CHECK(op_intset_all(is, q2, 2) && op_intset_any(is, q2, 2), "intset all/any");
    CHECK(op_intset_all(is, q2, 0) && !op_intset_any(is, q2, 0), "intset zero elements");
    op_intset_free(is);
    is = op_intset_build(NULL, 0);
    CHECK(!op_intset_has(is, 0), "empty intset");
    op_intset_free(is);

    bad = 0;
    for (int k = 0; k < 300; k++) {
        size_t n = below(100);
        uint64_t v[100];
        for (size_t i = 0; i < n; i++)
            v[i] = below(64);
        is = op_intset_build(v, n);
        for (uint64_t q = 0; q < 70; q++) {
            bool want = false;
            for (size_t i = 0; i < n; i++)
                want |= v[i] == q;
            if (op_intset_has(is, q) != want)
                MISMATCH(bad, "intset %" PRIu64, q);
        }
        op_intset_free(is);
    }
    CHECK(bad == 0, "intset agrees with a linear scan (%d bad)", bad);

    CHECK(op_hash("abc", 3, 0) == op_hash("abc", 3, 0), "hash is deterministic");
    CHECK(op_hash("abc", 3, 0) != op_hash("abd", 3, 0), "hash differs");
    CHECK(op_hash("abc", 3, 0) != op_hash("abc", 3, 1), "seed matters");
}

/* ---------------------------------------------------------------------- */

static bool mod(enum op_strop op, enum op_mod m, const char *v, const char *const *items, size_t n)
{
    size_t lens[16];
    char err[128];
    for (size_t k = 0; k < n; k++)
        lens[k] = strlen(items[k]);
    struct op_modset *ms = op_modset_build(op, m, items, lens, n, err, sizeof err);
    if (!ms) {
        fprintf(stderr, "modset build failed: %s\n", err);
        return false;
    }
    bool r = op_modset_eval(ms, v, strlen(v));
    op_modset_free(ms);
    return r;
}

static void test_modifiers(void)
{
    const char *myexe2[] = {"myexe", "myexe"}, *myexe_bash[] = {"myexe", "bash"};
    const char *my_exe[] = {"my", "exe"}, *re2[] = {"my.*", ".*exe"};
    const char *cat_nginx[] = {"cat", "nginx"}, *x2[] = {"x", "x"}, *ab[] = {"a", "b"};
    CHECK(mod(OP_EQ, OP_ANYOF, "myexe", myexe2, 2), "spec mod-019: == anyof (myexe, myexe)");
    CHECK(!mod(OP_NE, OP_ALLOF, "myexe", myexe_bash, 2), "spec mod-020: != allof");
    CHECK(mod(OP_CONTAINS, OP_ALLOF, "myexe", my_exe, 2), "spec mod-022: contains allof");
    CHECK(!mod(OP_CONTAINS, OP_ONEOF, "myexe", my_exe, 2), "spec mod-023: contains oneof");
    CHECK(!mod(OP_REGEX, OP_ONEOF, "myexe", re2, 2), "spec mod-025: regex oneof");
    CHECK(!mod(OP_NE, OP_ALLOF, "myexe", NULL, 0), "spec mod-026: empty list is false");
    CHECK(!mod(OP_EQ, OP_ONEOF, "getcwd", NULL, 0), "spec eval-026: == oneof ()");
    CHECK(!mod(OP_EQ, OP_ANYOF, "x", NULL, 0), "anyof () is false");
    CHECK(!mod(OP_EQ, OP_ALLOF, "x", NULL, 0), "allof () is false");
    CHECK(!mod(OP_EQ, OP_ONEOF, "x", x2, 2), "spec: == oneof (x, x) is false for x");
    CHECK(mod(OP_EQ, OP_ALLOF, "x", x2, 2), "== allof (x, x)");
    CHECK(mod(OP_EQ, OP_ONEOF, "cat", cat_nginx, 2), "== oneof (cat, nginx)");
    CHECK(!mod(OP_EQ, OP_ANYOF, "ls", cat_nginx, 2), "== anyof miss");
    CHECK(mod(OP_NE, OP_ANYOF, "a", ab, 2), "spec: != anyof (a, b) true when v differs from one");
    CHECK(!mod(OP_NE, OP_ALLOF, "a", ab, 2), "spec: != allof (a, b) means neither");
    CHECK(mod(OP_NE, OP_ALLOF, "c", ab, 2), "!= allof: neither");
    CHECK(mod(OP_NE, OP_ONEOF, "a", ab, 2), "!= oneof: exactly one differs");
    CHECK(!mod(OP_NE, OP_ONEOF, "c", ab, 2), "!= oneof: both differ");
    CHECK(!mod(OP_NE, OP_ANYOF, "x", x2, 2), "!= anyof (x, x) for x");

    const char *pre[] = {"ssh", "su"}, *globs[] = {"*.sh", "/tmp/*"}, *hex[] = {"6865", "6c6c"};
    CHECK(mod(OP_STARTSWITH, OP_ONEOF, "sshd", pre, 2), "startswith oneof (ssh, su): sshd");
    CHECK(mod(OP_STARTSWITH, OP_ANYOF, "sudo", pre, 2), "startswith anyof: sudo");
    CHECK(!mod(OP_STARTSWITH, OP_ALLOF, "sshd", pre, 2), "startswith allof: sshd");
    CHECK(mod(OP_ENDSWITH, OP_ANYOF, "/bin/su", pre, 2), "endswith anyof");
    CHECK(mod(OP_GLOB, OP_ALLOF, "/tmp/x.sh", globs, 2), "glob allof");
    CHECK(mod(OP_GLOB, OP_ONEOF, "/home/x.sh", globs, 2), "glob oneof");
    CHECK(mod(OP_IGLOB, OP_ANYOF, "/TMP/X", globs, 2), "iglob anyof");
    CHECK(mod(OP_ICONTAINS, OP_ALLOF, "MyExe", my_exe, 2), "icontains allof");
    CHECK(mod(OP_BCONTAINS, OP_ALLOF, "hello", hex, 2), "bcontains allof (he, ll)");
    CHECK(mod(OP_BSTARTSWITH, OP_ONEOF, "hello", hex, 2), "bstartswith oneof");
    CHECK(mod(OP_REGEX, OP_ALLOF, "myexe", re2, 2), "regex allof");

    char err[128] = "";
    const char *badhex[] = {"zz"};
    size_t l1 = 2;
    CHECK(!op_modset_build(OP_BCONTAINS, OP_ANYOF, badhex, &l1, 1, err, sizeof err) &&
              strstr(err, "hex strings only"),
          "bad hex is a build error (%s)", err);
    const char *badre[] = {"a(b"};
    l1 = 3;
    CHECK(!op_modset_build(OP_REGEX, OP_ANYOF, badre, &l1, 1, err, sizeof err) &&
              strstr(err, "missing )"),
          "bad regex is a build error (%s)", err);

    CHECK(op_mod_result(OP_ONEOF, 1, 3) && !op_mod_result(OP_ONEOF, 2, 3), "mod_result oneof");
    CHECK(op_mod_result(OP_ALLOF, 3, 3) && !op_mod_result(OP_ALLOF, 2, 3), "mod_result allof");
    CHECK(!op_mod_result(OP_ANYOF, 0, 0) && !op_mod_result(OP_ALLOF, 0, 0), "mod_result empty");
}

/* ---------------------------------------------------------------------- */

static int rx_match(const char *pat, const char *s, size_t n)
{
    char err[128];
    struct op_regex *re = op_regex_compile(pat, strlen(pat), err, sizeof err);
    if (!re)
        return -1;
    int r = op_regex_match(re, s, n);
    op_regex_free(re);
    return r;
}

#define RE(p, s) rx_match(p, s, strlen(s))

static bool re_error(const char *pat, const char *want)
{
    char err[128] = "";
    struct op_regex *re = op_regex_compile(pat, strlen(pat), err, sizeof err);
    if (re) {
        op_regex_free(re);
        fprintf(stderr, "  '%s' compiled, expected error '%s'\n", pat, want);
        return false;
    }
    if (!strstr(err, want)) {
        fprintf(stderr, "  '%s' error '%s', expected '%s'\n", pat, err, want);
        return false;
    }
    return true;
}

/* Regex from a small grammar both RE2-POSIX and glibc ERE accept. */
static void gen_re(char *out, size_t cap, int depth)
{
    static const char *atoms[] = {"a", "b", "c", ".", "[ab]", "[^a]", "[a-c]", "\\."};
    static const char *quants[] = {"", "", "", "*", "+", "?", "{2}", "{0,2}", "{1,}"};
    size_t nalt = 1 + below(depth > 1 ? 1 : 2);
    for (size_t a = 0; a < nalt; a++) {
        if (a)
            strncat(out, "|", cap - strlen(out) - 1);
        size_t nseq = 1 + below(3);
        for (size_t k = 0; k < nseq; k++) {
            if (depth < 2 && below(5) == 0) {
                strncat(out, "(", cap - strlen(out) - 1);
                gen_re(out, cap, depth + 1);
                strncat(out, ")", cap - strlen(out) - 1);
            } else {
                strncat(out, atoms[below(8)], cap - strlen(out) - 1);
            }
            strncat(out, quants[below(9)], cap - strlen(out) - 1);
        }
    }
}

static void *re_thread(void *arg)
{
    const struct op_regex *re = arg;
    long ok = 0;
    for (int k = 0; k < 2000; k++)
        ok += op_regex_match(re, "/usr/bin/python3", 16) && !op_regex_match(re, "/bin/sh", 7);
    op_regex_thread_release();
    return (void *)ok;
}

static void test_regex(void)
{
    CHECK(RE("yscal.*", "syscall") == 0, "spec: 'yscal.*' does not match syscall (full match)");
    CHECK(RE("sys.*", "syscall") == 1, "spec: 'sys.*' matches syscall");
    CHECK(RE("^[a-z]+$", "syscall") == 1, "^[a-z]+$");
    CHECK(RE("^[A-Z]+$", "SYSCALL") == 1, "spec eval-022 (after toupper)");
    CHECK(RE(".*syscall.*", "a syscall b") == 1, ".*x.*");
    CHECK(RE("/home/.*/dev", "/home/u/dev") == 1, "paths");
    CHECK(RE("/home/.*/dev", "/home/u/dev/x") == 0, "full match, not search");
    CHECK(RE("", "") == 1 && RE("", "a") == 0, "empty pattern");
    CHECK(RE("a|b", "b") == 1 && RE("a|b", "ab") == 0, "alternation");
    CHECK(RE("ab|cd", "ab") == 1 && RE("(ab|cd)+", "abcdab") == 1, "groups");
    CHECK(RE("a{2,3}", "aaa") == 1 && RE("a{2,3}", "aaaa") == 0, "counted repetition");
    CHECK(RE("a{2,}", "aaaaa") == 1 && RE("a{2}", "a") == 0, "counted forms");
    CHECK(RE("a{,2}", "a{,2}") == 1, "{,2} is literal (RE2)");
    CHECK(RE("a{01}", "a{01}") == 1, "leading zero: literal (RE2)");
    CHECK(RE("x{", "x{") == 1 && RE("}", "}") == 1, "lone braces are literal");
    CHECK(RE("a**", "aaa") == 1, "stacked ** is legal in POSIX RE2");
    CHECK(RE("a*+?", "") == 1 && RE("(a+)+b", "aab") == 1, "stacked repetitions");
    CHECK(RE("a{2}{3}", "aaaaaa") == 1 && RE("a{2}{3}", "aaaaa") == 0, "stacked counts");
    CHECK(RE("[[:alpha:]]+[[:digit:]]", "abc1") == 1, "POSIX classes");
    CHECK(RE("[[:^alpha:]]", "1") == 1 && RE("[[:^alpha:]]", "a") == 0, "negated POSIX class");
    CHECK(RE("[[:word:]]+", "a_1") == 1, "[:word:]");
    CHECK(RE("[]a]+", "]a]") == 1, "] first in a class");
    CHECK(RE("[a-]+", "-a") == 1 && RE("[-a]+", "a-") == 1, "- first or last");
    CHECK(RE("[^a]", "\n") == 1, "negated class matches newline (RE2 ClassNL)");
    CHECK(RE(".", "\n") == 0, ". does not match newline");
    CHECK(RE("a.c", "a\nc") == 0, ". and newline");
    CHECK(RE("a$\n^b", "a\nb") == 1, "^ and $ at line boundaries (RE2 POSIX, not one_line)");
    CHECK(RE("\\x41\\x{42}\\103", "ABC") == 1, "hex and octal escapes");
    CHECK(RE("\\.\\*\\_", ".*_") == 1, "escaped punctuation");
    CHECK(RE("\\t\\n", "\t\n") == 1, "C escapes");
    CHECK(RE("\\v", "\v") == 1, "\\v is a vertical tab in RE2");
    CHECK(RE("\\0", "") == 0 && rx_match("\\0", "\0", 1) == 1, "\\0 is NUL");
    CHECK(RE("caf\xc3\xa9", "caf\xc3\xa9") == 1, "UTF-8 literal");
    CHECK(RE("^.$", "\xc3\xa9") == 1, ". matches one UTF-8 character");
    CHECK(RE("^..$", "\xc3\xa9") == 0, "not two bytes");
    CHECK(RE("[\xc3\xa9]", "\xc3\xa9") == 1, "UTF-8 in a class");
    CHECK(RE("\\x{e9}", "\xc3\xa9") == 1, "\\x{e9} is U+00E9");
    CHECK(RE(".", "\xff") == 1, "invalid UTF-8 becomes U+FFFD, which . matches");
    CHECK(RE("a.b", "a\xc3\x28"
                    "b") == 0,
          "a broken sequence and the next byte stay apart");
    CHECK(RE("a..b", "a\xc3(b") == 1, "\\xc3 then '(': two characters");
    CHECK(RE("\\x{fffd}+", "\xff\xfe") == 1, "each invalid byte is one U+FFFD");
    CHECK(RE("x\\x{fffd}y", "x\xe2\x82y") == 1, "a truncated sequence is one U+FFFD");
    CHECK(RE("[^a]", "\xed\xa0\x80") == 0, "encoded surrogate: three U+FFFD, not one char");
    CHECK(rx_match("a\\x00b", "a\0b", 3) == 1, "NUL in the subject");
    CHECK(RE("[\\x{d800}-\\x{dfff}]", "a") == 0, "surrogate class matches nothing");
    CHECK(RE("[^\\x{d800}]", "a") == 1, "negated surrogate class matches anything");

    CHECK(re_error("\\d", "invalid escape sequence: \\d"), "\\d rejected (POSIX)");
    CHECK(re_error("\\b", "invalid escape sequence"), "\\b rejected");
    CHECK(re_error("\\pL", "invalid escape sequence"), "\\p rejected");
    CHECK(re_error("\\1", "invalid escape sequence"), "back-reference rejected");
    CHECK(re_error("(a)\\1", "invalid escape sequence"), "back-reference after a group");
    CHECK(re_error("\\8", "invalid escape sequence"), "\\8 rejected");
    CHECK(re_error("(?i)a", "no argument for repetition operator: ?"), "(?i) rejected");
    CHECK(re_error("(?:a)", "no argument for repetition operator"), "(?:) rejected");
    CHECK(re_error("*a", "no argument for repetition operator: *"), "leading *");
    CHECK(re_error("a|+", "no argument for repetition operator: +"), "+ after |");
    CHECK(re_error("{2}", "no argument for repetition operator: {2}"), "leading {2}");
    CHECK(re_error("a{1001}", "invalid repetition size: {1001}"), "count above 1000");
    CHECK(re_error("a{3,2}", "invalid repetition size"), "max below min");
    CHECK(re_error("(a{100}){100}", "invalid repetition size"), "nested product above 1000");
    CHECK(RE("(a{10}){100}", "") == 0, "nested product of exactly 1000 compiles");
    CHECK(re_error("[z-a]", "invalid character class range: z-a"), "reversed range");
    CHECK(re_error("[[:foo:]]", "invalid character class range: [:foo:]"), "unknown class");
    CHECK(re_error("[a-b-c]", "invalid character class range"), "- inside a class (POSIX)");
    CHECK(re_error("[abc", "missing ]: [abc"), "missing ]");
    CHECK(re_error("[]", "missing ]"), "[] is unterminated");
    CHECK(re_error("(abc", "missing ): (abc"), "missing )");
    CHECK(re_error("abc)", "unexpected ): abc)"), "unexpected )");
    CHECK(re_error("abc\\", "trailing \\"), "trailing backslash");
    CHECK(re_error("a\xff", "invalid UTF-8"), "invalid UTF-8 in the pattern");
    CHECK(re_error("\\x{110000}", "invalid escape sequence"), "code point too large");
    CHECK(re_error("\\xZZ", "invalid escape sequence"), "bad \\x");
    CHECK(re_error("\\\xc3\xa9", "invalid escape sequence"), "escaped non-ASCII");

    /* Many quantifiers are fine; only nesting is limited. */
    static char many[2201];
    for (int k = 0; k < 1100; k++)
        memcpy(many + 2 * k, "a*", 2);
    CHECK(RE(many, "aaaa") == 1, "1100 quantifiers in a row compile and match");
    for (int k = 0; k < 1001; k++)
        many[k] = '(', many[1001 + k] = ')';
    many[2002] = 0;
    CHECK(re_error(many, "expression nested too deeply"), "1001 nested groups rejected");
    memmove(many, many + 2, 1999);
    many[1998] = 0;
    CHECK(RE(many, "") == 1, "999 nested groups accepted");

    char err[64];
    struct op_regex *re = op_regex_compile(S("a\0("), err, sizeof err);
    CHECK(re && op_regex_match(re, "a", 1), "pattern ends at NUL (C string)");
    op_regex_free(re);

    /* Catastrophic backtracking is cut short and answered by the DFA. */
    char as[64];
    memset(as, 'a', 40);
    as[40] = 0;
    double t0 = now();
    int r1 = RE("(a*)*b", as), r2 = RE("(a|aa)+c", as), r3 = RE("(a|a)*", as);
    as[39] = 'b';
    int r4 = RE("(a*)*b", as);
    double dt = now() - t0;
    CHECK(r1 == 0 && r2 == 0 && r3 == 1 && r4 == 1, "pathological regexes answer correctly");
    CHECK(dt < 2.0, "pathological regexes finish quickly (%.3fs)", dt);

    /* Differential against glibc's POSIX ERE engine on a shared subset. */
    int bad = 0, cases = 0;
    for (int k = 0; k < 3000; k++) {
        char pat[128] = "";
        gen_re(pat, sizeof pat, 0);
        char full[160];
        snprintf(full, sizeof full, "^(%s)$", pat);
        regex_t posix;
        if (regcomp(&posix, full, REG_EXTENDED | REG_NOSUB) != 0)
            continue;
        struct op_regex *ours = op_regex_compile(pat, strlen(pat), err, sizeof err);
        if (!ours) {
            MISMATCH(bad, "'%s' rejected: %s", pat, err);
            regfree(&posix);
            continue;
        }
        for (int j = 0; j < 8; j++) {
            char s[12];
            rand_str(s, below(7), "abc.");
            bool want = regexec(&posix, s, 0, NULL, 0) == 0;
            bool got = op_regex_match(ours, s, strlen(s));
            int dfa = ops_regex_match_dfa(ours, s, strlen(s));
            cases++;
            if (want != got || (int)want != dfa)
                MISMATCH(bad, "regex '%s' on '%s': posix %d ours %d dfa %d", pat, s, want, got,
                         dfa);
        }
        op_regex_free(ours);
        regfree(&posix);
    }
    CHECK(bad == 0, "regex agrees with POSIX ERE on %d cases (%d bad)", cases, bad);

    /* Shared compiled regex, several threads, per-thread scratch. */
    re = op_regex_compile(S("/usr/bin/python[23]?"), err, sizeof err);
    pthread_t th[4];
    long total = 0;
    for (int k = 0; k < 4; k++)
        pthread_create(&th[k], NULL, re_thread, re);
    for (int k = 0; k < 4; k++) {
        void *v;
        pthread_join(th[k], &v);
        total += (long)v;
    }
    CHECK(total == 8000, "regex shared across 4 threads (%ld)", total);
    op_regex_free(re);
    op_regex_thread_release();
}

/* ---------------------------------------------------------------------- */

static void test_ip(void)
{
    struct op_ip ip, ip2;
    struct op_net net;
    CHECK(op_ip_parse(S("142.251.111.147"), OP_AF_ANY, &ip) == 0 && ip.family == OP_AF_INET &&
              ip.addr[0] == 142 && ip.addr[3] == 147,
          "IPv4 parse");
    CHECK(op_net_parse(S("142.251.0.0/8"), OP_AF_ANY, &net) == 0 && net.prefix == 8 &&
              net.base.addr[0] == 142 && net.base.addr[1] == 0,
          "net parse masks host bits");
    CHECK(op_net_contains(&net, &ip), "spec: 142.251.0.0/8 contains 142.251.111.147");
    op_ip_parse(S("143.0.0.1"), OP_AF_INET, &ip2);
    CHECK(!op_net_contains(&net, &ip2), "outside /8");
    CHECK(op_net_parse(S("10.1.2.3/32"), OP_AF_INET, &net) == 0, "/32");
    op_ip_parse(S("10.1.2.3"), OP_AF_INET, &ip2);
    CHECK(op_net_contains(&net, &ip2), "/32 contains itself");
    op_ip_parse(S("10.1.2.4"), OP_AF_INET, &ip2);
    CHECK(!op_net_contains(&net, &ip2), "/32 excludes neighbour");
    CHECK(op_net_parse(S("0.0.0.0/0"), OP_AF_INET, &net) == 0 && op_net_contains(&net, &ip2),
          "/0 contains every IPv4");
    CHECK(op_net_parse(S("192.168.1.0/23"), OP_AF_INET, &net) == 0 && net.base.addr[2] == 0,
          "/23 masks a partial byte");
    op_ip_parse(S("192.168.1.77"), OP_AF_INET, &ip2);
    CHECK(op_net_contains(&net, &ip2), "/23 partial byte in");
    op_ip_parse(S("192.168.2.1"), OP_AF_INET, &ip2);
    CHECK(!op_net_contains(&net, &ip2), "/23 partial byte out");

    CHECK(op_net_parse(S("2001:db8:abcd:0012::0/64"), OP_AF_ANY, &net) == 0 &&
              net.base.family == OP_AF_INET6 && net.prefix == 64,
          "IPv6 net parse");
    op_ip_parse(S("172.40.111.222"), OP_AF_ANY, &ip);
    CHECK(!op_net_contains(&net, &ip), "spec eval-017: family mismatch is not contained");
    op_ip_parse(S("2001:db8:abcd:12:ffff::1"), OP_AF_ANY, &ip);
    CHECK(op_net_contains(&net, &ip), "IPv6 /64 contains");
    op_ip_parse(S("2001:db8:abcd:13::1"), OP_AF_ANY, &ip);
    CHECK(!op_net_contains(&net, &ip), "IPv6 /64 excludes");
    CHECK(op_net_parse(S("2001:db8::/36"), OP_AF_INET6, &net) == 0, "IPv6 /36");
    op_ip_parse(S("2001:db8:0fff::1"), OP_AF_INET6, &ip);
    CHECK(op_net_contains(&net, &ip), "IPv6 /36 partial byte in");
    op_ip_parse(S("2001:db8:1000::1"), OP_AF_INET6, &ip);
    CHECK(!op_net_contains(&net, &ip), "IPv6 /36 partial byte out");

    CHECK(op_net_parse(S("10.0.0.0"), OP_AF_INET, &net) == -EINVAL, "network needs a slash");
    CHECK(op_net_parse(S("10.0.0.0/33"), OP_AF_INET, &net) == -EINVAL, "IPv4 prefix above 32");
    CHECK(op_net_parse(S("10.0.0.0/"), OP_AF_INET, &net) == -EINVAL, "empty prefix");
    CHECK(op_net_parse(S("10.0.0.0/x"), OP_AF_INET, &net) == -EINVAL, "non-numeric prefix");
    CHECK(op_net_parse(S("::/0"), OP_AF_INET6, &net) == -EINVAL, "IPv6 /0 rejected (Falco)");
    CHECK(op_net_parse(S("::/129"), OP_AF_INET6, &net) == -EINVAL, "IPv6 prefix above 128");
    CHECK(op_net_parse(S("::1/128"), OP_AF_INET6, &net) == 0, "IPv6 /128");
    CHECK(op_net_parse(S("300.0.0.0/8"), OP_AF_INET, &net) == -EINVAL, "bad address part");

    op_ip_parse(S("::1"), OP_AF_ANY, &ip);
    op_ip_parse(S("0:0:0:0:0:0:0:1"), OP_AF_ANY, &ip2);
    CHECK(ip.family == OP_AF_INET6 && op_ip_eq(&ip, &ip2), "spec eval-020: ::1 equality");
    op_ip_parse(S("0.0.0.1"), OP_AF_ANY, &ip2);
    CHECK(!op_ip_eq(&ip, &ip2), "family mismatch is unequal");
    CHECK(op_ip_parse(S("::ffff:1.2.3.4"), OP_AF_ANY, &ip) == -EINVAL,
          "IPADDR rule: a '.' means IPv4");
    CHECK(op_ip_parse(S("::ffff:1.2.3.4"), OP_AF_INET6, &ip) == 0 && ip.addr[10] == 0xff &&
              ip.addr[15] == 4,
          "IPv4-mapped IPv6");
    CHECK(op_ip_parse(S("01.2.3.4"), OP_AF_INET, &ip) == -EINVAL, "leading zero rejected");
    CHECK(op_ip_parse(S("1.2.3"), OP_AF_INET, &ip) == -EINVAL, "three octets");
    CHECK(op_ip_parse(S("1.2.3.4 "), OP_AF_INET, &ip) == -EINVAL, "trailing blank");
    CHECK(op_ip_parse("", 0, OP_AF_INET6, &ip) == -EINVAL, "empty");
    CHECK(op_ip_keylen(&ip2) == 4, "IPv4 key length");

    /* Differential against inet_pton on random text. */
    int bad = 0, cases = 0;
    for (int k = 0; k < 40000; k++) {
        char s[48];
        bool v6 = k & 1;
        rand_str(s, below(v6 ? 24 : 16), v6 ? "0123456789abcdefABF:::.." : "0123456789...");
        if (k % 7 == 0)
            snprintf(s, sizeof s, "%u.%u.%u.%u", below(300), below(300), below(300), below(300));
        if (k % 11 == 0)
            snprintf(s, sizeof s, "%x::%x:%u.%u.%u.%u", below(0x1ffff), below(0x1ffff), below(256),
                     below(256), below(256), below(256));
        unsigned char want[16];
        int w = inet_pton(v6 ? AF_INET6 : AF_INET, s, want);
        int g = op_ip_parse(s, strlen(s), v6 ? OP_AF_INET6 : OP_AF_INET, &ip);
        cases++;
        if ((w == 1) != (g == 0) || (w == 1 && memcmp(want, ip.addr, v6 ? 16 : 4) != 0))
            MISMATCH(bad, "inet_pton(%s, '%s') = %d, ours %d", v6 ? "v6" : "v4", s, w, g);
    }
    const char *v6ok[] = {"::",
                          "::1",
                          "1::",
                          "1:2:3:4:5:6:7:8",
                          "1::8",
                          "fe80::1:2",
                          "::ffff:10.0.0.1",
                          "1:2:3:4:5:6:1.2.3.4"};
    const char *v6bad[] = {
        ":",       ":::", "1:::2", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "1:2:3:4:5:6:7:8::",
        "::1.2.3", "1:",  ":1"};
    for (size_t k = 0; k < sizeof v6ok / sizeof *v6ok; k++) {
        unsigned char want[16];
        bool w = inet_pton(AF_INET6, v6ok[k], want) == 1;
        bool g = op_ip_parse(v6ok[k], strlen(v6ok[k]), OP_AF_INET6, &ip) == 0;
        CHECK(w && g && !memcmp(want, ip.addr, 16), "IPv6 '%s' parses like inet_pton", v6ok[k]);
    }
    for (size_t k = 0; k < sizeof v6bad / sizeof *v6bad; k++) {
        unsigned char want[16];
        bool w = inet_pton(AF_INET6, v6bad[k], want) == 1;
        bool g = op_ip_parse(v6bad[k], strlen(v6bad[k]), OP_AF_INET6, &ip) == 0;
        CHECK(!w && !g, "IPv6 '%s' rejected like inet_pton", v6bad[k]);
    }
    CHECK(bad == 0, "IP parsing agrees with inet_pton on %d random strings (%d bad)", cases, bad);
}

/* ---------------------------------------------------------------------- */

static void test_numbers(void)
{
    int64_t i;
    uint64_t u;
    int32_t i32;
    uint32_t u32;
    CHECK(op_parse_int64(S("42"), &i) == 0 && i == 42, "42");
    CHECK(op_parse_int64(S("-42"), &i) == 0 && i == -42, "-42");
    CHECK(op_parse_int64(S("+7"), &i) == 0 && i == 7, "+7");
    CHECK(op_parse_int64(S("  \t5"), &i) == 0 && i == 5, "leading blanks");
    CHECK(op_parse_int64(S("5 "), &i) == -EINVAL, "trailing blank rejected");
    CHECK(op_parse_int64(S("1.2"), &i) == -EINVAL, "spec: 1.2 fails");
    CHECK(op_parse_int64(S("0x10"), &i) == -EINVAL, "spec: 0x10 fails");
    CHECK(op_parse_int64(S("1e3"), &i) == -EINVAL, "spec: 1e3 fails");
    CHECK(op_parse_int64("", 0, &i) == -EINVAL, "empty fails");
    CHECK(op_parse_int64(S("-"), &i) == -EINVAL, "sign alone fails");
    CHECK(op_parse_int64(S("- 5"), &i) == -EINVAL, "blank after sign fails");
    CHECK(op_parse_int64(S("5\0"), &i) == -EINVAL, "embedded NUL fails");
    CHECK(op_parse_int64(S("9223372036854775807"), &i) == 0 && i == INT64_MAX, "INT64_MAX");
    CHECK(op_parse_int64(S("-9223372036854775808"), &i) == 0 && i == INT64_MIN, "INT64_MIN");
    CHECK(op_parse_int64(S("99999999999999999999"), &i) == 0 && i == INT64_MAX, "saturates");
    CHECK(op_parse_uint64(S("-1"), &u) == 0 && u == UINT64_MAX, "spec: unsigned -1 wraps");
    CHECK(op_parse_uint64(S("18446744073709551615"), &u) == 0 && u == UINT64_MAX, "UINT64_MAX");
    CHECK(op_parse_uint64(S("18446744073709551616"), &u) == 0 && u == UINT64_MAX, "saturates");
    CHECK(op_parse_uint64(S("-18446744073709551616"), &u) == 0 && u == UINT64_MAX,
          "saturates before negating (strtoull)");
    CHECK(op_parse_int32(S("4294967297"), &i32) == 0 && i32 == 1, "32-bit truncation");
    CHECK(op_parse_uint32(S("-1"), &u32) == 0 && u32 == UINT32_MAX, "uint32 -1");

    int bad = 0;
    for (int k = 0; k < 30000; k++) {
        char s[32];
        rand_str(s, below(22), k % 3 ? "0123456789" : "0123456789 +-\tx.9");
        if (k % 5 == 0)
            s[0] = "+- 9"[below(4)];
        char c;
        int64_t wi = 0;
        uint64_t wu = 0;
        int32_t wi32 = 0;
        uint32_t wu32 = 0;
        bool oki = sscanf(s, "%" SCNd64 "%c", &wi, &c) == 1;
        bool oku = sscanf(s, "%" SCNu64 "%c", &wu, &c) == 1;
        bool oki32 = sscanf(s, "%" SCNd32 "%c", &wi32, &c) == 1;
        bool oku32 = sscanf(s, "%" SCNu32 "%c", &wu32, &c) == 1;
        size_t n = strlen(s);
        if (oki != (op_parse_int64(s, n, &i) == 0) || (oki && i != wi))
            MISMATCH(bad, "int64 '%s'", s);
        if (oku != (op_parse_uint64(s, n, &u) == 0) || (oku && u != wu))
            MISMATCH(bad, "uint64 '%s'", s);
        if (oki32 != (op_parse_int32(s, n, &i32) == 0) || (oki32 && i32 != wi32))
            MISMATCH(bad, "int32 '%s'", s);
        if (oku32 != (op_parse_uint32(s, n, &u32) == 0) || (oku32 && u32 != wu32))
            MISMATCH(bad, "uint32 '%s'", s);
    }
    CHECK(bad == 0, "number parsing agrees with sscanf on 30000 strings (%d bad)", bad);
}

/* ---------------------------------------------------------------------- */

static bool b64(const char *in, const char *want)
{
    unsigned char out[64];
    ssize_t n = op_b64_decode(in, strlen(in), out, sizeof out);
    if (!want)
        return n == -EINVAL;
    return n == (ssize_t)strlen(want) && memcmp(out, want, (size_t)n) == 0;
}

static void test_transformers(void)
{
    char buf[32];
    CHECK(op_tolower(buf, S("AbC/1\xc9")) == 6 && !memcmp(buf, "abc/1\xc9", 6),
          "tolower ASCII only");
    CHECK(op_toupper(buf, S("aBc-z\xe9")) == 6 && !memcmp(buf, "ABC-Z\xe9", 6),
          "toupper ASCII only");
    strcpy(buf, "MiXeD");
    op_tolower(buf, buf, 5);
    CHECK(!strcmp(buf, "mixed"), "tolower in place");
    CHECK(op_tolower(buf, "", 0) == 0, "tolower empty");
    CHECK(op_toupper(buf, S("a\0b")) == 3 && !memcmp(buf, "A\0B", 3), "NUL passes through");

    CHECK(b64("", ""), "b64 empty");
    CHECK(b64("aGVsbG8=", "hello"), "b64 with padding");
    CHECK(b64("aGVsbG8", "hello"), "b64 without padding");
    CHECK(b64("aGVsbA==", "hell"), "b64 two pads");
    CHECK(b64("aGVsbA", "hell"), "b64 two pads omitted");
    CHECK(b64("aGVs", "hel"), "b64 full group");
    CHECK(b64("aGVsbA=", "hell"), "b64 one of two pads (Falco accepts)");
    CHECK(b64("/+8=", "\xff\xef"), "b64 + and /");
    CHECK(b64("aGVs$G8=", NULL), "b64 invalid character");
    CHECK(b64("aGVsb", NULL), "b64 length 1 mod 4");
    CHECK(b64("aGVsbB==", NULL), "b64 non-zero leftover bits");
    CHECK(b64("aR==", NULL), "b64 non-zero leftover bits (1 byte)");
    CHECK(b64("=", NULL) && b64("==", NULL), "b64 padding alone");
    CHECK(b64("aGVs=G8=", NULL), "b64 '=' in the middle");
    CHECK(b64("aGVsbA===", NULL), "b64 three pads");
    CHECK(b64(" aGVs", NULL), "b64 white space");
    CHECK(b64("aGVs\n", NULL), "b64 newline");
    CHECK(b64("-_8=", NULL), "b64 URL alphabet is not accepted");
    unsigned char small[2];
    CHECK(op_b64_decode(S("aGVs"), small, 2) == -ENOSPC, "b64 small buffer");
    CHECK(op_b64_decoded_max(8) >= 6 && op_b64_decoded_max(7) >= 5, "b64 bound");

    size_t n;
    const char *b = op_basename(S("/usr/bin/ls"), &n);
    CHECK(n == 2 && !memcmp(b, "ls", 2), "basename /usr/bin/ls");
    b = op_basename(S("/usr/bin/"), &n);
    CHECK(n == 0, "spec: basename /usr/bin/ is empty");
    b = op_basename(S("/"), &n);
    CHECK(n == 0, "spec: basename / is empty");
    b = op_basename(S("hello"), &n);
    CHECK(n == 5 && !memcmp(b, "hello", 5), "spec: basename hello");
    b = op_basename(S("/tmp/file_to_run"), &n);
    CHECK(n == 11 && !memcmp(b, "file_to_run", 11), "spec xf-040: basename");
    b = op_basename("", 0, &n);
    CHECK(n == 0, "basename of empty");
    CHECK(op_len(16) == 16 && op_len(strlen("/tmp/file_to_run")) == 16, "spec xf-041: len");
    CHECK(op_len(0) == 0, "len of empty");
}

int main(void)
{
    unsetenv("POSIXLY_CORRECT"); /* fnmatch reads it once: '^' negates only without it */
    test_compare();
    test_contains();
    test_hex();
    test_glob_examples();
    test_glob_fnmatch();
    test_pmatch();
    test_sets();
    test_modifiers();
    test_regex();
    test_ip();
    test_numbers();
    test_transformers();
    return th_done();
}
