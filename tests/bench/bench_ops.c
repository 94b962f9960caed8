/*
 * bench_ops.c - microbenchmark of the native operators against the naive
 * (and libc / Falco-style) way of doing the same thing.
 *
 * Input: none (built-in samples of realistic paths and command lines).
 * Output: one line per operator: ns per check for ours and for the
 * reference, and the ratio. Not a timed test; run by hand:
 *   bench_ops [iterations-scale]
 *
 * References: contains - strstr on a C string (what Falco does), memmem on
 * (pointer, length) as ours takes, and a naive loop; icontains - strcasestr (Falco); glob - fnmatch
 * (Falco); pmatch - a linear scan of the entries, splitting the value each time; in - strcmp over
 * the list; regex - glibc's POSIX regexec on "^(...)$".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strcasestr */
#endif
#include <fnmatch.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ops.h"

static const char *const paths[] = {
    "/usr/bin/python3.11",
    "/etc/shadow",
    "/home/alice/.ssh/authorized_keys",
    "/var/lib/docker/overlay2/3f5e1c0a9b7d/merged/usr/lib/x86_64-linux-gnu/libc.so.6",
    "/proc/1234/fd/17",
    "/tmp/.X11-unix/X0",
    "/usr/local/bin/kubectl",
    "/opt/app/releases/2024-05-01/bin/server",
    "/dev/pts/3",
    "/usr/share/zoneinfo/Europe/Berlin",
    "/var/log/nginx/access.log",
    "/root/.bash_history",
};

static const char *const cmdlines[] = {
    "python3 -m http.server 8080 --bind 0.0.0.0",
    "bash -c curl -fsSL https://example.com/install.sh | sh",
    "/usr/sbin/nginx -g daemon off; master_process on;",
    "java -Xmx2g -Dspring.profiles.active=prod -jar /opt/app/app.jar --server.port=8080",
    "sshd: alice@pts/3",
    "kubectl get pods --all-namespaces -o wide --field-selector=status.phase=Running",
    "node /usr/lib/node_modules/npm/bin/npm-cli.js install --production --no-audit",
    "containerd-shim-runc-v2 -namespace moby -id 3f5e1c0a9b7d -address /run/containerd.sock",
    "cat /etc/passwd",
    "nc -lvnp 4444 -e /bin/bash",
};

#define NP (sizeof paths / sizeof *paths)
#define NC (sizeof cmdlines / sizeof *cmdlines)

static volatile long sink;
static long scale = 1;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void report(const char *name, double ours, double ref, const char *refname)
{
    printf("%-34s %9.1f ns   %-22s %9.1f ns   x%.1f\n", name, ours, refname, ref, ref / ours);
}

/* Time `body` over all samples, `iters` rounds; result in ns per check.
 * The empty asm with a memory clobber keeps the compiler from hoisting pure
 * calls (strstr, fnmatch, ...) out of the rounds. */
#define TIME(iters, nsamples, body)                                                                \
    ({                                                                                             \
        long hits_ = 0;                                                                            \
        double t0_ = now();                                                                        \
        for (long it_ = 0; it_ < (iters); it_++)                                                   \
            for (size_t i = 0; i < (nsamples); i++) {                                              \
                __asm__ volatile("" ::: "memory");                                                 \
                hits_ += (body);                                                                   \
            }                                                                                      \
        sink += hits_;                                                                             \
        (now() - t0_) / ((double)(iters) * (double)(nsamples));                                    \
    })

static int naive_contains(const char *h, size_t n, const char *nd, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(h + i, nd, m) == 0)
            return 1;
    return 0;
}

static void bench_contains(void)
{
    size_t lens[NC];
    for (size_t i = 0; i < NC; i++)
        lens[i] = strlen(cmdlines[i]);
    const char *needles[] = {"/bin/bash", "curl", "--bind", "authorized_keys"};
    long n = 400000 * scale;
    for (size_t k = 0; k < 4; k++) {
        const char *nd = needles[k];
        size_t m = strlen(nd);
        struct op_needle *pn = op_needle_new(nd, m, false);
        double a = TIME(n, NC, op_needle_find(pn, cmdlines[i], lens[i]));
        double b = TIME(n, NC, op_contains(cmdlines[i], lens[i], nd, m));
        double c = TIME(n, NC, strstr(cmdlines[i], nd) != NULL);
        double d = TIME(n, NC, naive_contains(cmdlines[i], lens[i], nd, m));
        double e = TIME(n, NC, memmem(cmdlines[i], lens[i], nd, m) != NULL);
        char name[64];
        snprintf(name, sizeof name, "contains '%s'", nd);
        report(name, a, c, "strstr (Falco, C str)");
        report("  prepared needle", a, e, "memmem (ptr, len)");
        report("  op_contains (unprepared)", b, d, "naive loop");
        op_needle_free(pn);
    }
}

static void bench_icontains(void)
{
    size_t lens[NC];
    for (size_t i = 0; i < NC; i++)
        lens[i] = strlen(cmdlines[i]);
    const char *needles[] = {"/BIN/BASH", "Curl", "-jar"};
    long n = 300000 * scale;
    for (size_t k = 0; k < 3; k++) {
        const char *nd = needles[k];
        size_t m = strlen(nd);
        struct op_needle *pn = op_needle_new(nd, m, true);
        double a = TIME(n, NC, op_needle_find(pn, cmdlines[i], lens[i]));
        double b = TIME(n, NC, op_icontains(cmdlines[i], lens[i], nd, m));
        double c = TIME(n, NC, strcasestr(cmdlines[i], nd) != NULL);
        char name[64];
        snprintf(name, sizeof name, "icontains '%s'", nd);
        report(name, a, c, "strcasestr (Falco)");
        report("  op_icontains (unprepared)", b, c, "strcasestr (Falco)");
        op_needle_free(pn);
    }
}

static void bench_glob(void)
{
    size_t lens[NP];
    for (size_t i = 0; i < NP; i++)
        lens[i] = strlen(paths[i]);
    const char *pats[] = {"/usr/*/python*", "*/.ssh/*", "/proc/[0-9]*/fd/*", "*.so.[0-9]",
                          "/var/lib/docker/*/merged/*"};
    long n = 200000 * scale;
    for (size_t k = 0; k < 5; k++) {
        struct op_glob *g = op_glob_compile(pats[k], strlen(pats[k]), false);
        struct op_glob *gi = op_glob_compile(pats[k], strlen(pats[k]), true);
        double a = TIME(n, NP, op_glob_match(g, paths[i], lens[i]));
        double b = TIME(n, NP, fnmatch(pats[k], paths[i], 0) == 0);
        double c = TIME(n, NP, op_glob_match(gi, paths[i], lens[i]));
        double d = TIME(n, NP, fnmatch(pats[k], paths[i], FNM_CASEFOLD) == 0);
        char name[64];
        snprintf(name, sizeof name, "glob '%s'", pats[k]);
        report(name, a, b, "fnmatch (Falco)");
        report("  iglob", c, d, "fnmatch CASEFOLD");
        op_glob_free(g);
        op_glob_free(gi);
    }
}

/* The naive pmatch: split the value, then test each entry component-wise. */
static int naive_pmatch(const char *const *ents, size_t ne, const char *path)
{
    char comps[64][64];
    size_t nc = 0;
    for (const char *s = path; *s;) {
        while (*s == '/')
            s++;
        size_t l = strcspn(s, "/");
        if (l && nc < 64 && l < 64) {
            memcpy(comps[nc], s, l);
            comps[nc++][l] = 0;
        }
        s += l;
    }
    for (size_t e = 0; e < ne; e++) {
        const char *s = ents[e];
        size_t k = 0;
        int ok = 1;
        while (*s && ok) {
            while (*s == '/')
                s++;
            size_t l = strcspn(s, "/");
            if (!l)
                break;
            char c[64];
            memcpy(c, s, l);
            c[l] = 0;
            if (k >= nc)
                ok = 0;
            else if (strpbrk(c, "*?[") ? fnmatch(c, comps[k], 0) != 0 : strcmp(c, comps[k]) != 0)
                ok = 0;
            k++;
            s += l;
        }
        if (ok)
            return 1;
    }
    return 0;
}

static void bench_pmatch(void)
{
    const char *roots[] = {"/bin",      "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin",
                           "/etc",      "/boot", "/lib",     "/usr/lib",  "/var/lib/*/data",
                           "/opt/*/bin"};
    char ebuf[50][64];
    const char *ents[50];
    size_t elen[50];
    for (int k = 0; k < 50; k++) {
        snprintf(ebuf[k], sizeof ebuf[k], "%s/dir%d", roots[k % 11], k);
        ents[k] = ebuf[k];
        elen[k] = strlen(ebuf[k]);
    }
    ents[49] = "/etc/shadow"; /* one hit among the samples */
    elen[49] = strlen(ents[49]);
    struct op_pmatch *pm = op_pmatch_build(ents, elen, 50);
    size_t lens[NP];
    for (size_t i = 0; i < NP; i++)
        lens[i] = strlen(paths[i]);
    long n = 100000 * scale;
    double a = TIME(n, NP, op_pmatch(pm, paths[i], lens[i]));
    double b = TIME(n / 20 + 1, NP, naive_pmatch(ents, 50, paths[i]));
    report("pmatch (50 entries)", a, b, "linear + fnmatch");
    op_pmatch_free(pm);
}

static void bench_strset(void)
{
    char buf[100][24];
    const char *items[100];
    size_t lens[100];
    const char *names[] = {"bash", "sh",     "zsh",  "dash", "ksh",  "tcsh", "csh",
                           "fish", "python", "perl", "ruby", "node", "java", "nc",
                           "ncat", "socat",  "curl", "wget", "ssh",  "scp"};
    for (int k = 0; k < 100; k++) {
        snprintf(buf[k], sizeof buf[k], "%s%s", names[k % 20], k < 20 ? "" : "-x");
        if (k >= 40)
            snprintf(buf[k], sizeof buf[k], "proc-%d", k);
        items[k] = buf[k];
        lens[k] = strlen(buf[k]);
    }
    struct op_strset *set = op_strset_build(items, lens, 100);
    const char *probe[] = {"bash",    "systemd",    "kworker/0:1", "nginx", "curl",
                           "proc-77", "containerd", "python3",     "sshd",  "java"};
    size_t pl[10];
    for (int k = 0; k < 10; k++)
        pl[k] = strlen(probe[k]);
    long n = 1000000 * scale;
    double a = TIME(n, 10, op_strset_has(set, probe[i], pl[i]));
    double b = TIME(n / 10 + 1, 10, ({
                        int f = 0;
                        for (int k = 0; k < 100 && !f; k++)
                            f = strcmp(probe[i], items[k]) == 0;
                        f;
                    }));
    report("in (100 items)", a, b, "strcmp over the list");
    op_strset_free(set);
}

static void bench_regex(void)
{
    const char *pats[] = {"/usr/bin/python[0-9.]*", ".*/\\.ssh/.*", "/proc/[0-9]+/fd/[0-9]+",
                          "(/usr)?/s?bin/(ba|z|da)?sh"};
    size_t lens[NP];
    for (size_t i = 0; i < NP; i++)
        lens[i] = strlen(paths[i]);
    long n = 100000 * scale;
    for (size_t k = 0; k < 4; k++) {
        char err[128], full[128];
        struct op_regex *re = op_regex_compile(pats[k], strlen(pats[k]), err, sizeof err);
        regex_t posix;
        snprintf(full, sizeof full, "^(%s)$", pats[k]);
        regcomp(&posix, full, REG_EXTENDED | REG_NOSUB);
        double a = TIME(n, NP, op_regex_match(re, paths[i], lens[i]));
        double b = TIME(n / 10 + 1, NP, regexec(&posix, paths[i], 0, NULL, 0) == 0);
        char name[64];
        snprintf(name, sizeof name, "regex '%s'", pats[k]);
        report(name, a, b, "POSIX regexec");
        regfree(&posix);
        op_regex_free(re);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1)
        scale = atol(argv[1]) > 0 ? atol(argv[1]) : 1;
    printf("%-34s %12s   %-22s %12s   %s\n", "operator", "ours", "reference", "", "speedup");
    bench_contains();
    bench_icontains();
    bench_glob();
    bench_pmatch();
    bench_strset();
    bench_regex();
    op_regex_thread_release();
    return 0;
}
