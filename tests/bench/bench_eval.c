/*
 * bench_eval.c - compile and evaluation figures for tests/bench/run.sh.
 *
 * usage: bench_eval RULES.yaml
 * Prints tab-separated rows (benchmark, figure, unit, target, reference):
 * the JIT build time of the ruleset at -O2, and the per-event evaluation
 * time of the compiled rules against the reference evaluator on the same
 * events, in one run. The event mix is what a host produces: mostly event
 * types few rules watch (read, write, close, futex, mmap...) and some
 * execve/openat/connect that the default rules look at closely. Both
 * engines read the same field-vector events, so the ratio is the engines'.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cg.h"
#include "check.h"
#include "fc_fvec.h"
#include "fc_rt.h"
#include "interp.h"
#include "jit.h"

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Event templates: "k=v;k=v". */
static const char *const busy[] = {
    "evt.type=read;proc.name=nginx;fd.num=7;fd.name=/var/log/nginx/access.log;fd.typechar=f",
    "evt.type=write;proc.name=postgres;fd.num=12;fd.name=/var/lib/postgresql/wal;fd.typechar=f",
    "evt.type=close;proc.name=java;fd.num=33",
    "evt.type=futex;proc.name=java",
    "evt.type=mmap;proc.name=python3",
    "evt.type=epoll_wait;proc.name=nginx",
    "evt.type=recvfrom;proc.name=redis-server;fd.num=9;fd.typechar=4",
    "evt.type=stat;proc.name=bash;fd.name=/usr/bin/ls",
};
static const char *const hot[] = {
    "evt.type=execve;proc.name=bash;proc.pname=runc;container.id=0123456789ab;proc.tty=34816;"
    "proc.cmdline=bash;proc.exepath=/bin/bash;user.name=root;user.uid=0",
    "evt.type=execve;proc.name=ls;proc.pname=bash;container.id=host;proc.tty=0;"
    "proc.cmdline=ls -la;proc.exepath=/usr/bin/ls;user.name=alice;user.uid=1000",
    "evt.type=openat;proc.name=cat;proc.pname=bash;fd.name=/etc/shadow;fd.typechar=f;fd.num=3;"
    "evt.is_open_read=true;evt.is_open_write=false;container.id=host;user.name=root",
    "evt.type=openat;proc.name=vim;proc.pname=bash;fd.name=/home/alice/notes.txt;"
    "fd.typechar=f;fd.num=4;evt.is_open_read=true;evt.is_open_write=true;container.id=host",
    "evt.type=connect;proc.name=curl;fd.typechar=4;fd.sip=10.96.0.1;fd.sport=443;"
    "fd.cip=172.17.0.2;fd.cport=40000;container.id=0123456789ab;evt.rawres=0",
};

static void make_event(struct fvec *fv, const char *tmpl)
{
    fvec_init(fv);
    char *s = strdup(tmpl), *save = NULL;
    for (char *kv = strtok_r(s, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        *eq = '\0';
        const char *v = eq + 1;
        char err[200];
        if (!fvec_add(fv, kv, &v, 1, err, sizeof(err))) {
            fprintf(stderr, "bench_eval: %s\n", err);
            exit(1);
        }
    }
    free(s);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: bench_eval RULES.yaml\n", stderr);
        return 2;
    }
    struct session s;
    session_init(&s);
    session_load_file(&s, argv[1]);
    if (!session_compile(&s)) {
        fputs("bench_eval: the rules do not validate\n", stderr);
        return 1;
    }
    /* JIT build time, -O2, median of 5. */
    double tb[5];
    struct jit j;
    char err[300];
    for (int r = 0; r < 5; r++) {
        double t0 = now_ns();
        if (!jit_build(&s, 2, &j, err, sizeof(err))) {
            fprintf(stderr, "bench_eval: %s\n", err);
            return 1;
        }
        tb[r] = (now_ns() - t0) / 1e6;
        if (r < 4)
            jit_free(&j);
    }
    double build_ms = median(tb, 5);

    enum { N = 4000 };
    struct fvec *ev = calloc(N, sizeof(*ev));
    uint32_t *code = calloc(N, sizeof(*code));
    unsigned seed = 12345;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        bool h = (seed >> 16) % 100 < 12; /* ~12% of events are the interesting ones */
        const char *t = h ? hot[(seed >> 8) % (sizeof(hot) / sizeof(*hot))]
                          : busy[(seed >> 8) % (sizeof(busy) / sizeof(*busy))];
        make_event(&ev[i], t);
        code[i] = (uint32_t)ev[i].evtype;
    }
    struct fc_ctx c;
    fc_ctx_init(&c, &fvec_provider, j.cg.frefs, j.cg.nfrefs);
    c.k = j.k;
    uint32_t out[64];
    enum { PASSES = 31 };
    double tj[PASSES];
    unsigned long hits = 0;
    for (int p = 0; p < PASSES; p++) {
        double t0 = now_ns();
        for (int i = 0; i < N; i++) {
            c.data = &ev[i];
            fc_ctx_next_event(&c);
            hits += j.match(&c, code[i], out, CG_MATCH_FIRST);
        }
        tj[p] = (now_ns() - t0) / N;
    }
    double jit_ns = median(tj, PASSES);

    /* The reference evaluator on the same events, same rule order. */
    const struct rl_set *set = &s.set;
    double ti[7];
    unsigned long ihits = 0;
    for (int p = 0; p < 7; p++) {
        double t0 = now_ns();
        for (int i = 0; i < N; i++) {
            struct fc_ctx ic = {.prov = &fvec_provider, .data = &ev[i]};
            for (size_t r = 0; r < set->nrules; r++) {
                const struct rl_rule *rule = set->rules[r];
                const struct res_rule *rr = rule->resolved;
                if (!rule->enabled || !rr || !rr->ok || !rr->info ||
                    !ev_set_has(&rr->info->evttypes, (int)code[i]))
                    continue;
                if (interp_eval(rr->tree, &ic, &rr->text, NULL)) {
                    ihits++;
                    break;
                }
            }
        }
        ti[p] = (now_ns() - t0) / N;
    }
    double interp_ns = median(ti, 7);
    if (hits / PASSES != ihits / 7) {
        fprintf(stderr, "bench_eval: engines disagree (%lu vs %lu alerts per pass)\n",
                hits / PASSES, ihits / 7);
        return 1;
    }
    printf(
        "JIT -O2 build of the ruleset (%u rules)\t%.1f\tms\t< 300 (%s)\tno reference available\n",
        j.cg.nrules, build_ms, build_ms < 300 ? "met" : "MISSED");
    printf("evaluation, compiled rules, %d-event host mix\t%.0f\tns/event\t< 100 (%s)\t"
           "reference evaluator %.0f ns/event: x%.1f faster (target x10: %s)\n",
           N, jit_ns, jit_ns < 100 ? "met" : "MISSED", interp_ns, interp_ns / jit_ns,
           interp_ns / jit_ns >= 10 ? "met" : "MISSED");
    fc_ctx_fini(&c);
    jit_free(&j);
    for (int i = 0; i < N; i++)
        fvec_free(&ev[i]);
    free(ev);
    free(code);
    session_free(&s);
    return 0;
}
