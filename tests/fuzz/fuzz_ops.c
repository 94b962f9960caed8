/*
 * fuzz_ops.c - libFuzzer target for the native operators (stdlib/ops).
 *
 * Input: one control byte, then a pattern, a '\n', and a subject (any bytes,
 * NUL included; no '\n' means an empty subject). Each run compiles the
 * pattern as a glob, iglob, pmatch list (entries separated by ','), regex,
 * needle and constant set, and matches the subject with all of them; it also
 * feeds the pattern to the parsers (IP, network, number, base64, hex).
 *
 * Invariants checked (abort on violation): no crash, no hang, no leak;
 * glob/iglob equal fnmatch(3) whenever the program says it is exact (checked
 * on patterns with few stars, as fnmatch itself is exponential in them);
 * op_glob() equals the compiled program; contains/icontains equal a naive
 * search; strset equals a linear scan; the regex answers the same through
 * PCRE2's backtracker and its DFA fallback (where the DFA does not give up);
 * a failed regex compile always says why; b64 never needs more than
 * op_b64_decoded_max().
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "ops_int.h" /* ops_regex_match_dfa */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool naive_find(const char *h, size_t n, const char *nd, size_t m, bool icase)
{
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m &&
               (icase ? ops_lower[(uchar)h[i + k]] == ops_lower[(uchar)nd[k]] : h[i + k] == nd[k]))
            k++;
        if (k == m)
            return true;
    }
    return false;
}

static void check_glob(const char *pat, size_t plen, const char *subj, size_t slen, bool icase)
{
    struct op_glob *g = op_glob_compile(pat, plen, icase);
    if (!g)
        return;
    bool got = op_glob_match(g, subj, slen);
    if (op_glob(pat, plen, subj, slen, icase) != got)
        abort();
    /* fnmatch sees C strings: compare where both sides read the same bytes. */
    size_t stars = 0;
    for (size_t i = 0; i < plen && pat[i]; i++)
        stars += pat[i] == '*';
    if (op_glob_is_exact(g) && stars <= 3 && slen <= 256 && !memchr(subj, 0, slen)) {
        char *p = strndup(pat, plen), *s = strndup(subj, slen);
        if (p && s && (fnmatch(p, s, icase ? FNM_CASEFOLD : 0) == 0) != got)
            abort();
        free(p);
        free(s);
    }
    op_glob_free(g);
}

static void check_pmatch(const char *pat, size_t plen, const char *subj, size_t slen)
{
    const char *ents[64];
    size_t lens[64], n = 0, start = 0;
    for (size_t i = 0; i <= plen && n < 64; i++) {
        if (i == plen || pat[i] == ',') {
            ents[n] = pat + start;
            lens[n++] = i - start;
            start = i + 1;
        }
    }
    struct op_pmatch *pm = op_pmatch_build(ents, lens, n);
    if (!pm)
        return;
    (void)op_pmatch(pm, subj, slen);
    op_pmatch_free(pm);

    struct op_strset *set = op_strset_build(ents, lens, n);
    if (set) {
        bool want = false;
        for (size_t k = 0; k < n; k++)
            want |= op_eq(ents[k], lens[k], subj, slen);
        if (op_strset_has(set, subj, slen) != want)
            abort();
        op_strset_free(set);
    }

    char err[128];
    struct op_modset *m = op_modset_build((enum op_strop)(plen % 11), (enum op_mod)(slen % 3), ents,
                                          lens, n, err, sizeof err);
    if (m) {
        (void)op_modset_eval(m, subj, slen);
        op_modset_free(m);
    }
}

static void check_regex(const char *pat, size_t plen, const char *subj, size_t slen)
{
    char err[128];
    struct op_regex *re = op_regex_compile(pat, plen, err, sizeof err);
    if (!re) {
        if (!err[0])
            abort(); /* a failure always says why */
        return;
    }
    bool got = op_regex_match(re, subj, slen);
    /* The automaton alone must agree wherever it does not give up. */
    if (slen <= 4096) {
        int dfa = ops_regex_match_dfa(re, subj, slen);
        if (dfa >= 0 && dfa != got)
            abort();
    }
    op_regex_free(re);
}

static void check_parsers(const char *p, size_t n)
{
    struct op_ip ip;
    struct op_net net;
    int64_t i;
    uint64_t u;
    (void)op_ip_parse(p, n, OP_AF_ANY, &ip);
    (void)op_ip_parse(p, n, OP_AF_INET6, &ip);
    if (op_net_parse(p, n, OP_AF_ANY, &net) == 0 && op_ip_parse(p, n, OP_AF_ANY, &ip) == 0)
        (void)op_net_contains(&net, &ip);
    (void)op_parse_int64(p, n, &i);
    (void)op_parse_uint64(p, n, &u);
    unsigned char *out = malloc(op_b64_decoded_max(n) + 1);
    if (out) {
        ssize_t r = op_b64_decode(p, n, out, op_b64_decoded_max(n));
        if (r > (ssize_t)op_b64_decoded_max(n) || r == -ENOSPC)
            abort();
        (void)op_hex_decode(p, n, out, op_b64_decoded_max(n));
        free(out);
    }
    size_t bn;
    const char *b = op_basename(p, n, &bn);
    if (b < p || b + bn != p + n)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t ctl = data[0];
    const char *pat = (const char *)data + 1;
    size_t rest = size - 1;
    const char *nl = memchr(pat, '\n', rest);
    size_t plen = nl ? (size_t)(nl - pat) : rest;
    const char *subj = nl ? nl + 1 : pat + rest;
    size_t slen = nl ? rest - plen - 1 : 0;

    if (ctl & 1)
        check_glob(pat, plen, subj, slen, ctl & 2);
    if (ctl & 4)
        check_pmatch(pat, plen, subj, slen);
    if (ctl & 8)
        check_regex(pat, plen, subj, slen);
    if (ctl & 16) {
        bool icase = ctl & 32;
        struct op_needle *nd = op_needle_new(pat, plen, icase);
        bool want = naive_find(subj, slen, pat, plen, icase);
        if (nd && op_needle_find(nd, subj, slen) != want)
            abort();
        if ((icase ? op_icontains(subj, slen, pat, plen) : op_contains(subj, slen, pat, plen)) !=
            want)
            abort();
        op_needle_free(nd);
    }
    if (ctl & 64)
        check_parsers(pat, plen);
    op_regex_thread_release();
    return 0;
}
