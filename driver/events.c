/*
 * events.c - the C tables expanded from events.def and syscalls.def, and
 * the lookups declared in events.h.
 *
 * events.def -> one sentinel-terminated parameter array per code, then the
 * per-code info array that points at them (the parameter count is the array
 * length, so it cannot disagree with the rows). syscalls.def -> a name,
 * kind and x86_64 number per PPM_SC code. All tables are const and static; lookups are linear
 * scans, which is fine for the compile-time callers (a few hundred rows).
 */
#include "events.h"

#include <string.h>

/* Rows must be dense and in code order: the row number is the code. */
#define EV_BEGIN(code, ...) _Static_assert(EV_ROW_##code == (code), "events.def out of order");
#include "events.def"

/* One parameter array per code, closed by a NULL-named sentinel so that an
 * event without parameters is still a valid array. */
// clang-format off
#define EV_BEGIN(code, ...) static const struct ev_param params_##code[] = {
/* Designated by index: a repeated index is a compile error (-Woverride-init),
 * a skipped one leaves a NULL name that the unit test reports. */
#define EV_PARAM(code, index, name, type, format) [index] = {name, type, format},
#define EV_END(code) {NULL, PT_NONE, PF_NA} };
// clang-format on
#include "events.def"

#define NPARAMS(code) ((uint32_t)(sizeof(params_##code) / sizeof(params_##code[0]) - 1))

// clang-format off
static const struct ev_info events[PPM_EVENT_MAX] = {
#define EV_BEGIN(code, sym, name, dir, category, flags)                                           \
    [code] = {name, #sym, EV_DIR_##dir, (uint32_t)(category), (uint32_t)(flags), NPARAMS(code),   \
              params_##code},
#include "events.def"
};
// clang-format on

#define EV_BEGIN(code, sym, name, dir, category, flags)                                            \
    _Static_assert(NPARAMS(code) <= PPM_MAX_EVENT_PARAMS, "too many parameters");                  \
    _Static_assert((code) % 2 == EV_DIR_##dir, "direction disagrees with code parity");
#include "events.def"

struct sc_row {
    const char *name;
    enum ev_sc_kind kind;
    int16_t x86_64; /* native number, -1 for none */
};

static const struct sc_row syscalls[PPM_SC_MAX] = {
#define PPM_SC(sym, code, name, kind, x86_64) [code] = {name, EV_SC_##kind, x86_64},
#include "syscalls.def"
};

const struct ev_info *ev_get(int code)
{
    if (code < 0 || code >= PPM_EVENT_MAX)
        return NULL;
    return &events[code];
}

int ev_count(void)
{
    return PPM_EVENT_MAX;
}

const char *ev_name(int code)
{
    const struct ev_info *e = ev_get(code);
    return e ? e->name : NULL;
}

enum ev_dir ev_direction(int code)
{
    return (code & 1) ? EV_DIR_X : EV_DIR_E;
}

uint32_t ev_category(int code)
{
    const struct ev_info *e = ev_get(code);
    return e ? e->category : 0;
}

uint32_t ev_flags(int code)
{
    const struct ev_info *e = ev_get(code);
    return e ? e->flags : 0;
}

uint32_t ev_nparams(int code)
{
    const struct ev_info *e = ev_get(code);
    return e ? e->nparams : 0;
}

const struct ev_param *ev_param_at(int code, uint32_t index)
{
    const struct ev_info *e = ev_get(code);
    if (!e || index >= e->nparams)
        return NULL;
    return &e->params[index];
}

int ev_param_index(int code, const char *name)
{
    const struct ev_info *e = ev_get(code);
    if (!e)
        return -1;
    for (uint32_t i = 0; i < e->nparams; i++)
        if (!strcmp(e->params[i].name, name))
            return (int)i;
    return -1;
}

int ev_code_by_name(const char *name)
{
    for (int c = 0; c < PPM_EVENT_MAX; c++) {
        /* "NA" placeholders are not events anyone can ask for. */
        if (events[c].flags & EF_UNUSED)
            continue;
        if (!strcmp(events[c].name, name))
            return c;
    }
    return -1;
}

const struct ev_param *ev_param_by_name(const char *name)
{
    for (int c = 0; c < PPM_EVENT_MAX; c++)
        for (uint32_t i = 0; i < events[c].nparams; i++)
            if (!strcmp(events[c].params[i].name, name))
                return &events[c].params[i];
    return NULL;
}

const struct ev_param *ev_param_longest_prefix(const char *text, size_t len)
{
    const struct ev_param *best = NULL;
    size_t best_len = 0;
    for (int c = 0; c < PPM_EVENT_MAX; c++) {
        for (uint32_t i = 0; i < events[c].nparams; i++) {
            const struct ev_param *p = &events[c].params[i];
            size_t n = strlen(p->name);
            /* Strictly longer only: on a tie the lowest code wins, as in libsinsp. */
            if (n > len || n <= best_len)
                continue;
            if (!memcmp(p->name, text, n)) {
                best = p;
                best_len = n;
            }
        }
    }
    return best;
}

int ev_sc_count(void)
{
    return PPM_SC_MAX;
}

const char *ev_sc_name(int sc)
{
    if (sc < 0 || sc >= PPM_SC_MAX)
        return NULL;
    return syscalls[sc].name;
}

enum ev_sc_kind ev_sc_kind(int sc)
{
    if (sc < 0 || sc >= PPM_SC_MAX || !syscalls[sc].name)
        return EV_SC_NONE;
    return syscalls[sc].kind;
}

int ev_sc_from_x86_64(int nr)
{
    /* A scan: only generic events whose ID the writer did not know get here. */
    for (int sc = 1; nr >= 0 && sc < PPM_SC_MAX; sc++)
        if (syscalls[sc].name && syscalls[sc].x86_64 == nr)
            return sc;
    return PPM_SC_UNKNOWN;
}

int ev_sc_by_name(const char *name)
{
    for (int sc = 0; sc < PPM_SC_MAX; sc++)
        if (syscalls[sc].name && !strcmp(syscalls[sc].name, name))
            return sc;
    return -1;
}

bool ev_codes_for_name(const char *name, struct ev_set *out)
{
    struct ev_set found;
    bool meta = false;

    ev_set_clear(&found);
    for (int c = 0; c < PPM_EVENT_MAX; c++) {
        if (events[c].flags & EF_UNUSED)
            continue;
        if (strcmp(events[c].name, name) != 0)
            continue;
        ev_set_add(&found, c);
        if (events[c].category & EC_METAEVENT)
            meta = true;
    }
    if (meta)
        ev_set_add(&found, EV_ASYNC);
    if (ev_set_is_empty(&found)) {
        /* Not an event: a syscall without its own event, reported through
         * the generic pair. The "unknown" placeholder is not a syscall. */
        int sc = ev_sc_by_name(name);
        if (sc < 0 || ev_sc_kind(sc) == EV_SC_NONE)
            return false;
        ev_set_add(&found, EV_GENERIC_E);
        ev_set_add(&found, EV_GENERIC_X);
    }
    ev_set_union(out, &found);
    return true;
}

/* --- event sets --- */

enum { NWORDS = (PPM_EVENT_MAX + 63) / 64 };

/* Keeps the bits past PPM_EVENT_MAX clear after a whole-word operation. */
static void trim(struct ev_set *s)
{
    if (PPM_EVENT_MAX % 64)
        s->bits[NWORDS - 1] &= ((uint64_t)1 << (PPM_EVENT_MAX % 64)) - 1;
}

void ev_set_clear(struct ev_set *s)
{
    memset(s, 0, sizeof(*s));
}

void ev_set_all(struct ev_set *s)
{
    memset(s, 0xff, sizeof(*s));
    trim(s);
}

void ev_set_del(struct ev_set *s, int code)
{
    if (code >= 0 && code < PPM_EVENT_MAX)
        s->bits[code / 64] &= ~((uint64_t)1 << (code % 64));
}

int ev_set_count(const struct ev_set *s)
{
    int n = 0;
    for (int i = 0; i < NWORDS; i++)
        n += __builtin_popcountll(s->bits[i]);
    return n;
}

bool ev_set_is_empty(const struct ev_set *s)
{
    for (int i = 0; i < NWORDS; i++)
        if (s->bits[i])
            return false;
    return true;
}

bool ev_set_is_all(const struct ev_set *s)
{
    return ev_set_count(s) == PPM_EVENT_MAX;
}

bool ev_set_equal(const struct ev_set *a, const struct ev_set *b)
{
    return memcmp(a->bits, b->bits, sizeof(a->bits)) == 0;
}

void ev_set_union(struct ev_set *dst, const struct ev_set *src)
{
    for (int i = 0; i < NWORDS; i++)
        dst->bits[i] |= src->bits[i];
}

void ev_set_intersect(struct ev_set *dst, const struct ev_set *src)
{
    for (int i = 0; i < NWORDS; i++)
        dst->bits[i] &= src->bits[i];
}

void ev_set_subtract(struct ev_set *dst, const struct ev_set *src)
{
    for (int i = 0; i < NWORDS; i++)
        dst->bits[i] &= ~src->bits[i];
}

void ev_set_complement(struct ev_set *s)
{
    for (int i = 0; i < NWORDS; i++)
        s->bits[i] = ~s->bits[i];
    trim(s);
}

int ev_set_next(const struct ev_set *s, int from)
{
    if (from < 0)
        from = 0;
    for (int c = from; c < PPM_EVENT_MAX;) {
        uint64_t w = s->bits[c / 64] >> (c % 64);
        if (w)
            return c + __builtin_ctzll(w);
        c = (c / 64 + 1) * 64;
    }
    return -1;
}
