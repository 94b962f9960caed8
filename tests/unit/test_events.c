/*
 * test_events.c - the event schema (driver/events.def through events.h)
 * against the reference dump shared/spec/events.tsv, row by row, plus the
 * evt.type name -> code sets of rules-language.md §7.2, parameter lookups,
 * the syscall codes and struct ev_set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "tharness.h"

/* Token -> value tables from the same X-macros the enums come from. */
struct tok {
    const char *name;
    unsigned value;
};

#define TOK_ROW_(sym, value, ...) {#sym, (unsigned)(value)},
static const struct tok pt_toks[] = {PPM_PARAM_TYPES(TOK_ROW_){NULL, 0}};
static const struct tok pf_toks[] = {PPM_PRINT_FORMATS(TOK_ROW_){NULL, 0}};
static const struct tok ec_toks[] = {PPM_EVENT_CATEGORIES(TOK_ROW_){NULL, 0}};
static const struct tok ef_toks[] = {PPM_EVENT_FLAGS(TOK_ROW_){NULL, 0}};
#undef TOK_ROW_

static bool tok_value(const struct tok *t, const char *name, size_t len, unsigned *out)
{
    for (; t->name; t++)
        if (strlen(t->name) == len && !memcmp(t->name, name, len)) {
            *out = t->value;
            return true;
        }
    return false;
}

/* "A|B|C" -> OR of the token values; false on an unknown token. */
static bool tok_or(const struct tok *t, const char *s, unsigned *out)
{
    *out = 0;
    while (*s) {
        size_t n = strcspn(s, "|");
        unsigned v;
        if (!tok_value(t, s, n, &v))
            return false;
        *out |= v;
        s += n + (s[n] == '|');
    }
    return true;
}

/* Split LINE in place on tabs; returns the number of columns. */
static int split_tabs(char *line, char **cols, int max)
{
    int n = 0;
    line[strcspn(line, "\n")] = '\0';
    cols[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = '\0';
            cols[n++] = p + 1;
        }
    return n;
}

static void check_params(int code, const char *spec)
{
    char *copy = strdup(spec);
    uint32_t i = 0;
    for (char *save = NULL, *item = strtok_r(copy, ";", &save); item;
         item = strtok_r(NULL, ";", &save), i++) {
        char *pt = strchr(item, ':');
        char *pf = pt ? strchr(pt + 1, ':') : NULL;
        CHECK(pt && pf, "event %d: bad param spec '%s'", code, item);
        if (!pt || !pf)
            break;
        *pt++ = '\0';
        *pf++ = '\0';
        const struct ev_param *p = ev_param_at(code, i);
        CHECK(p != NULL, "event %d: param %u missing", code, i);
        if (!p)
            continue;
        CHECK(p->name && !strcmp(p->name, item), "event %d param %u: name '%s', want '%s'", code, i,
              p->name ? p->name : "(null)", item);
        unsigned t = 0, f = 0;
        CHECK(tok_value(pt_toks, pt, strlen(pt), &t) && t == (unsigned)p->type,
              "event %d param %s: type %d, want %s", code, item, (int)p->type, pt);
        CHECK(tok_value(pf_toks, pf, strlen(pf), &f) && f == (unsigned)p->fmt,
              "event %d param %s: format %d, want %s", code, item, (int)p->fmt, pf);
    }
    CHECK(ev_nparams(code) == i, "event %d: %u params, want %u", code, ev_nparams(code), i);
    CHECK(ev_param_at(code, i) == NULL, "event %d: param past the end", code);
    free(copy);
}

static int check_against_tsv(void)
{
    FILE *f = fopen(FALCOC_SHARED "/spec/events.tsv", "r");
    CHECK(f != NULL, "cannot open %s", FALCOC_SHARED "/spec/events.tsv");
    if (!f)
        return 0;
    char *line = NULL;
    size_t cap = 0;
    int rows = 0;
    while (getline(&line, &cap, f) > 0) {
        if (line[0] == '#')
            continue;
        char *c[8];
        int n = split_tabs(line, c, 8);
        CHECK(n == 7, "events.tsv: %d columns in row %d", n, rows);
        if (n != 7)
            continue;
        int code = atoi(c[0]);
        CHECK(code == rows, "events.tsv row %d has code %d", rows, code);
        const struct ev_info *e = ev_get(code);
        CHECK(e != NULL, "no event %d", code);
        rows++;
        if (!e)
            continue;
        CHECK(!strcmp(e->name, c[1]), "event %d: name '%s', want '%s'", code, e->name, c[1]);
        CHECK(!strcmp(ev_name(code), c[1]), "ev_name(%d)", code);
        CHECK(!strcmp(e->sym, c[6]), "event %d: symbol %s, want %s", code, e->sym, c[6]);
        CHECK(e->dir == (c[2][0] == 'E' ? EV_DIR_E : EV_DIR_X), "event %d: direction", code);
        CHECK(ev_direction(code) == e->dir, "ev_direction(%d)", code);
        unsigned cat = 0, fl = 0;
        CHECK(tok_or(ec_toks, c[3], &cat) && cat == e->category, "event %d: category %#x, want %s",
              code, e->category, c[3]);
        CHECK(tok_or(ef_toks, c[4], &fl) && fl == e->flags, "event %d: flags %#x, want %s", code,
              e->flags, c[4]);
        CHECK(ev_category(code) == cat && ev_flags(code) == fl, "accessors of %d", code);
        check_params(code, c[5]);
    }
    free(line);
    fclose(f);
    return rows;
}

static struct ev_set set_of(const int *codes, int n)
{
    struct ev_set s;
    ev_set_clear(&s);
    for (int i = 0; i < n; i++)
        ev_set_add(&s, codes[i]);
    return s;
}

/* Codes of the table named NAME, by a plain scan (the expected answer). */
static struct ev_set named(const char *name)
{
    struct ev_set s;
    ev_set_clear(&s);
    for (int c = 0; c < ev_count(); c++)
        if (!strcmp(ev_name(c), name) && !(ev_flags(c) & EF_UNUSED))
            ev_set_add(&s, c);
    return s;
}

static void check_names(void)
{
    struct ev_set s, want;

    ev_set_clear(&s);
    CHECK(ev_codes_for_name("openat", &s), "openat is an event");
    want = set_of((const int[]){102, 103, 306, 307}, 4);
    CHECK(ev_set_equal(&s, &want), "openat -> 4 codes, got %d", ev_set_count(&s));

    ev_set_clear(&s);
    CHECK(ev_codes_for_name("execve", &s), "execve is an event");
    want = named("execve");
    CHECK(ev_set_count(&want) == 16, "16 execve codes in the table, got %d", ev_set_count(&want));
    CHECK(ev_set_equal(&s, &want), "execve -> every execve version");
    CHECK(ev_set_has(&s, PPME_SYSCALL_EXECVE_19_X) && ev_set_has(&s, PPME_SYSCALL_EXECVE_8_E),
          "execve newest and oldest");
    CHECK(!ev_set_has(&s, EV_GENERIC_E), "execve is not generic");

    /* A syscall with no event of its own means the generic pair. */
    ev_set_clear(&s);
    CHECK(ev_codes_for_name("exit_group", &s), "exit_group is a syscall");
    want = set_of((const int[]){0, 1}, 2);
    CHECK(ev_set_equal(&s, &want), "exit_group -> generic codes");
    ev_set_clear(&s);
    CHECK(ev_codes_for_name("fstatat64", &s) && ev_set_equal(&s, &want), "fstatat64 -> generic");

    /* mprotect has had its own event (328/329) since 2022: not generic. */
    ev_set_clear(&s);
    CHECK(ev_codes_for_name("mprotect", &s), "mprotect is known");
    want = set_of((const int[]){328, 329}, 2);
    CHECK(ev_set_equal(&s, &want), "mprotect -> its event codes");

    /* Meta-events also cover the async-event code. */
    ev_set_clear(&s);
    CHECK(ev_codes_for_name("container", &s), "container is known");
    want = set_of((const int[]){228, 272, 324, EV_ASYNC}, 4);
    CHECK(ev_set_equal(&s, &want), "container -> its codes and asyncevent, got %d codes",
          ev_set_count(&s));
    ev_set_clear(&s);
    CHECK(ev_codes_for_name("asyncevent", &s) && ev_set_count(&s) == 1 && ev_set_has(&s, EV_ASYNC),
          "asyncevent -> 402");
    ev_set_clear(&s);
    CHECK(ev_codes_for_name("procexit", &s), "procexit");
    want = set_of((const int[]){16, 186}, 2);
    CHECK(ev_set_equal(&s, &want), "procexit -> 16 and 186 (tracepoint, not meta)");

    ev_set_clear(&s);
    CHECK(ev_codes_for_name("syscall", &s), "syscall names the generic rows");
    want = set_of((const int[]){0, 1}, 2);
    CHECK(ev_set_equal(&s, &want), "syscall -> 0, 1");

    /* Unknown names leave the set alone. */
    ev_set_clear(&s);
    ev_set_add(&s, 5);
    CHECK(!ev_codes_for_name("nosuchsyscall", &s), "nosuchsyscall is unknown");
    CHECK(ev_set_count(&s) == 1 && ev_set_has(&s, 5), "unknown name leaves the set");
    CHECK(!ev_codes_for_name("NA", &s), "unused slots are not names");
    CHECK(!ev_codes_for_name("unknown", &s), "the unknown syscall placeholder is not a name");
    CHECK(!ev_codes_for_name("", &s), "empty name");
    CHECK(!ev_codes_for_name("OPENAT", &s), "names are case-sensitive");

    /* Adding accumulates. */
    ev_set_clear(&s);
    CHECK(ev_codes_for_name("open", &s) && ev_codes_for_name("openat", &s), "open, openat");
    want = named("open");
    CHECK(ev_set_count(&s) == ev_set_count(&want) + 4, "open + openat accumulate, got %d",
          ev_set_count(&s));

    CHECK(ev_code_by_name("openat") == 102, "first openat code");
    CHECK(ev_code_by_name("NA") == -1 && ev_code_by_name("exit_group") == -1,
          "code_by_name misses");
}

static void check_params_lookup(void)
{
    const struct ev_param *p = ev_param_by_name("res");
    CHECK(p && p->type == PT_ERRNO, "res is an errno (first: close exit)");
    p = ev_param_by_name("flags");
    CHECK(p && p->type == PT_FLAGS32, "flags exists (open enter: flags32)");
    CHECK(ev_param_by_name("nosuchparam") == NULL, "nosuchparam");
    CHECK(ev_param_by_name("") == NULL, "empty param name");

    p = ev_param_longest_prefix("flagsx", 6);
    CHECK(p && !strcmp(p->name, "flags"), "longest prefix of flagsx is flags");
    p = ev_param_longest_prefix("res_or_fd", 9);
    CHECK(p && !strcmp(p->name, "res_or_fd"), "longest wins over res");
    CHECK(ev_param_longest_prefix("zzz", 3) == NULL, "no prefix");

    CHECK(ev_param_index(PPME_SYSCALL_OPEN_X, "flags") == 2, "open exit flags at 2");
    CHECK(ev_param_index(PPME_SYSCALL_OPEN_X, "nope") == -1, "no such param");
    CHECK(ev_get(-1) == NULL && ev_get(PPM_EVENT_MAX) == NULL, "range");
    CHECK(ev_name(PPM_EVENT_MAX) == NULL && ev_nparams(-3) == 0, "range accessors");
}

static void check_syscalls(void)
{
    CHECK(ev_sc_count() == 443 && PPM_SC_MAX == 443, "PPM_SC_MAX %d", ev_sc_count());
    CHECK(ev_sc_by_name("mprotect") == PPM_SC_MPROTECT && PPM_SC_MPROTECT == 75, "mprotect 75");
    CHECK(ev_sc_by_name("exit_group") == 164, "exit_group 164");
    CHECK(ev_sc_by_name("sigreturn") == 410 && ev_sc_by_name("rt_sigreturn") == 298, "sigreturn");
    CHECK(ev_sc_by_name("mseal") == 442, "mseal last");
    CHECK(ev_sc_name(382) == NULL && ev_sc_kind(382) == EV_SC_NONE, "382 is a gap");
    CHECK(ev_sc_kind(PPM_SC_SCHED_SWITCH) == EV_SC_TRACEPOINT, "sched_switch is a tracepoint");
    CHECK(ev_sc_kind(PPM_SC_UNKNOWN) == EV_SC_NONE, "unknown placeholder");
    CHECK(ev_sc_kind(PPM_SC_OPENAT) == EV_SC_SYSCALL, "openat is a syscall");
    CHECK(ev_sc_by_name("nosuchsyscall") == -1 && ev_sc_name(-1) == NULL, "misses");
    int named_scs = 0;
    for (int sc = 0; sc < ev_sc_count(); sc++)
        named_scs += ev_sc_name(sc) != NULL;
    CHECK(named_scs == 442, "442 named codes (one gap), got %d", named_scs);

    /* x86_64 numbers (the kernel's unistd_64.h): generic events' nativeID */
    CHECK(ev_sc_from_x86_64(0) == PPM_SC_READ, "x86_64 0 is read");
    CHECK(ev_sc_from_x86_64(15) == PPM_SC_RT_SIGRETURN, "x86_64 15 is rt_sigreturn");
    CHECK(ev_sc_from_x86_64(221) == PPM_SC_FADVISE64, "x86_64 221 is fadvise64");
    CHECK(ev_sc_from_x86_64(318) == PPM_SC_GETRANDOM, "x86_64 318 is getrandom");
    CHECK(ev_sc_from_x86_64(462) == PPM_SC_MSEAL, "x86_64 462 is mseal");
    CHECK(ev_sc_from_x86_64(-1) == PPM_SC_UNKNOWN && ev_sc_from_x86_64(9999) == PPM_SC_UNKNOWN,
          "no such number");
    /* 32-bit-only calls and tracepoints have none; numbers are unique */
    int seen[1024] = {0}, numbered = 0;
    for (int nr = 0; nr < 1024; nr++) {
        int sc = ev_sc_from_x86_64(nr);
        if (sc != PPM_SC_UNKNOWN) {
            numbered++;
            CHECK(ev_sc_kind(sc) == EV_SC_SYSCALL, "x86_64 %d names a syscall", nr);
            CHECK(!seen[sc]++, "code %d has one number", sc);
        }
    }
    /* 362 numbers in Linux 6.1's unistd_64.h, less 5 never implemented
     * (afs_syscall, putpmsg, security, tuxcall, vserver: no PPM_SC code),
     * plus the 12 added up to mseal (451..462) */
    CHECK(numbered == 369, "369 x86_64 syscalls, got %d", numbered);
}

static void check_sets(void)
{
    struct ev_set a, b, all;
    ev_set_all(&all);
    CHECK(ev_set_count(&all) == PPM_EVENT_MAX && ev_set_is_all(&all), "ALL has every code");
    ev_set_clear(&a);
    CHECK(ev_set_is_empty(&a) && ev_set_count(&a) == 0, "empty");
    ev_set_complement(&a);
    CHECK(ev_set_equal(&a, &all), "complement of empty is ALL (no stray bits)");
    ev_set_complement(&a);
    CHECK(ev_set_is_empty(&a), "complement of ALL is empty");

    ev_set_add(&a, 0);
    ev_set_add(&a, 63);
    ev_set_add(&a, 64);
    ev_set_add(&a, PPM_EVENT_MAX - 1);
    ev_set_add(&a, PPM_EVENT_MAX); /* ignored */
    ev_set_add(&a, -1);            /* ignored */
    CHECK(ev_set_count(&a) == 4, "4 codes, got %d", ev_set_count(&a));
    CHECK(ev_set_has(&a, 63) && ev_set_has(&a, 64) && !ev_set_has(&a, 65), "has");
    CHECK(!ev_set_has(&a, PPM_EVENT_MAX) && !ev_set_has(&a, -1), "has out of range");

    int seen[4], n = 0;
    for (int c = ev_set_next(&a, 0); c >= 0 && n < 4; c = ev_set_next(&a, c + 1))
        seen[n++] = c;
    CHECK(n == 4 && seen[0] == 0 && seen[1] == 63 && seen[2] == 64 && seen[3] == PPM_EVENT_MAX - 1,
          "iteration order");
    CHECK(ev_set_next(&a, PPM_EVENT_MAX) == -1, "next past the end");

    ev_set_clear(&b);
    ev_set_add(&b, 64);
    ev_set_add(&b, 100);
    struct ev_set u = a, in = a, d = a;
    ev_set_union(&u, &b);
    ev_set_intersect(&in, &b);
    ev_set_subtract(&d, &b);
    CHECK(ev_set_count(&u) == 5, "union");
    CHECK(ev_set_count(&in) == 1 && ev_set_has(&in, 64), "intersection");
    CHECK(ev_set_count(&d) == 3 && !ev_set_has(&d, 64), "difference");
    ev_set_del(&d, 0);
    CHECK(ev_set_count(&d) == 2 && !ev_set_has(&d, 0), "del");
    struct ev_set c = a;
    ev_set_complement(&c);
    CHECK(ev_set_count(&c) == PPM_EVENT_MAX - 4, "complement count");
}

/* Wire sizes and signedness of the parameter types, as the libs encoders
 * write them (scap-format.md). */
static void check_param_types(void)
{
    CHECK(ppm_param_size(PT_UINT8) == 1 && ppm_param_size(PT_SIGTYPE) == 1, "1-byte types");
    CHECK(ppm_param_size(PT_PORT) == 2 && ppm_param_size(PT_SYSCALLID) == 2, "2-byte types");
    CHECK(ppm_param_size(PT_FD32) == 4 && ppm_param_size(PT_IPV4ADDR) == 4, "4-byte types");
    CHECK(ppm_param_size(PT_ERRNO) == 8 && ppm_param_size(PT_DOUBLE) == 8, "8-byte types");
    CHECK(ppm_param_size(PT_IPV6ADDR) == 16, "ipv6addr size");
    CHECK(ppm_param_size(PT_CHARBUF) == 0 && ppm_param_size(PT_DYN) == 0 &&
              ppm_param_size((enum ppm_param_type)PT_MAX) == 0,
          "variable and unknown types");
    CHECK(ppm_param_int_width(PT_BOOL) == 4 && ppm_param_int_width(PT_IPV4ADDR) == 0 &&
              ppm_param_int_width(PT_DOUBLE) == 0,
          "integer widths");
    CHECK(ppm_param_signed(PT_ERRNO) && ppm_param_signed(PT_PID32) &&
              !ppm_param_signed(PT_UINT64) && !ppm_param_signed(PT_FLAGS32),
          "signedness");
}

int main(void)
{
    int rows = check_against_tsv();
    CHECK(rows == PPM_EVENT_MAX && ev_count() == PPM_EVENT_MAX, "rows %d, PPM_EVENT_MAX %d", rows,
          PPM_EVENT_MAX);
    CHECK(PPM_EVENT_MAX == 454, "PPM_EVENT_MAX is %d", PPM_EVENT_MAX);
    CHECK(EV_ASYNC == 402 && EV_PLUGIN == 322 && EV_GENERIC_X == 1, "named codes");
    check_names();
    check_params_lookup();
    check_syscalls();
    check_sets();
    check_param_types();
    return th_done();
}
