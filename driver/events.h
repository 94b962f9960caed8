/*
 * events.h - lookups over the event schema (events.def) and the syscall
 * codes (syscalls.def): per-code name, direction, category, flags and
 * parameters; event names to code sets for evt.type (rules-language.md
 * §7.2); parameter names for evt.arg / evt.rawarg; and struct ev_set, the
 * bitset of event codes the compiler derives rule event types with.
 *
 * Everything returned points into static tables: nothing is allocated and
 * nothing needs freeing. Codes outside 0..PPM_EVENT_MAX-1 are rejected
 * (NULL, 0 or false) rather than trusted, because they come from captures.
 */
#ifndef FALCOC_EVENTS_H
#define FALCOC_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppm_types.h"

/* PPME_* symbols, valued by their code. */
enum ppm_event_code {
#define EV_BEGIN(code, sym, ...) sym = (code),
#include "events.def"
};

/* One enumerator per row: the last one counts the rows, so the size of the
 * table is never written down by hand. events.c checks rows are dense. */
enum ev_row {
#define EV_BEGIN(code, ...) EV_ROW_##code,
#include "events.def"
    PPM_EVENT_MAX
};

/* PPM_SC_* codes; PPM_SC_MAX is one past the highest. */
enum ppm_sc_code {
#define PPM_SC(sym, code, ...) PPM_SC_##sym = (code),
#include "syscalls.def"
    PPM_SC_MAX
};

enum ev_sc_kind { EV_SC_NONE, EV_SC_SYSCALL, EV_SC_TRACEPOINT };

/* The codes every rule set needs by name. */
enum {
    EV_GENERIC_E = PPME_GENERIC_E,  /* syscalls without an event of their own */
    EV_GENERIC_X = PPME_GENERIC_X,  /* ... exit half, the one live drivers send */
    EV_ASYNC = PPME_ASYNCEVENT_E,   /* every rule is also indexed here */
    EV_PLUGIN = PPME_PLUGINEVENT_E, /* events of non-syscall sources */
};

enum ev_dir { EV_DIR_E = 0, EV_DIR_X = 1 }; /* equals the code's parity */

struct ev_param {
    const char *name;          /* "fd", "res", ... */
    enum ppm_param_type type;  /* wire type */
    enum ppm_print_format fmt; /* rendering hint for numbers */
};

struct ev_info {
    const char *name;              /* "open"; "NA" for unused slots */
    const char *sym;               /* "PPME_SYSCALL_OPEN_E" */
    enum ev_dir dir;               /* enter or exit */
    uint32_t category;             /* one EC_ class | EC_ source bits */
    uint32_t flags;                /* EF_* bits */
    uint32_t nparams;              /* parameters in the current layout */
    const struct ev_param *params; /* nparams entries */
};

/* Schema of one code; NULL when out of range. */
const struct ev_info *ev_get(int code);
int ev_count(void);            /* PPM_EVENT_MAX */
const char *ev_name(int code); /* NULL when out of range */
enum ev_dir ev_direction(int code);
uint32_t ev_category(int code);                               /* 0 when out of range */
uint32_t ev_flags(int code);                                  /* 0 when out of range */
uint32_t ev_nparams(int code);                                /* 0 when out of range */
const struct ev_param *ev_param_at(int code, uint32_t index); /* NULL past the end */
int ev_param_index(int code, const char *name);               /* -1 when absent */

/* First code (lowest) whose name is NAME, -1 if none. Unused "NA" slots
 * never match. */
int ev_code_by_name(const char *name);

/*
 * Does any event have a parameter named NAME? Returns the first such
 * parameter in code order (its type is what evt.rawarg.NAME compares as),
 * or NULL.
 */
const struct ev_param *ev_param_by_name(const char *name);

/*
 * The longest parameter name (over all events, first one in code order on
 * ties) that is a prefix of TEXT[0..len). This is how Falco reads the
 * suffix of evt.arg.NAME: the caller then checks the whole text was used.
 */
const struct ev_param *ev_param_longest_prefix(const char *text, size_t len);

/* The syscall codes of syscalls.def. */
int ev_sc_count(void);               /* PPM_SC_MAX */
const char *ev_sc_name(int sc);      /* NULL for gaps and out of range */
enum ev_sc_kind ev_sc_kind(int sc);  /* EV_SC_NONE for gaps */
int ev_sc_by_name(const char *name); /* -1 when unknown */
/* The PPM_SC code of x86_64 syscall number NR (a generic event's nativeID);
 * PPM_SC_UNKNOWN (0) when none. */
int ev_sc_from_x86_64(int nr);

/* A set of event codes 0..PPM_EVENT_MAX-1; bits past the end stay clear. */
struct ev_set {
    uint64_t bits[(PPM_EVENT_MAX + 63) / 64];
};

static inline bool ev_set_has(const struct ev_set *s, int code)
{
    return code >= 0 && code < PPM_EVENT_MAX && (s->bits[code / 64] >> (code % 64)) & 1;
}

static inline void ev_set_add(struct ev_set *s, int code)
{
    if (code >= 0 && code < PPM_EVENT_MAX)
        s->bits[code / 64] |= (uint64_t)1 << (code % 64);
}

void ev_set_clear(struct ev_set *s);
void ev_set_all(struct ev_set *s); /* ALL: every code of the table */
void ev_set_del(struct ev_set *s, int code);
int ev_set_count(const struct ev_set *s);
bool ev_set_is_empty(const struct ev_set *s);
bool ev_set_is_all(const struct ev_set *s);
bool ev_set_equal(const struct ev_set *a, const struct ev_set *b);
void ev_set_union(struct ev_set *dst, const struct ev_set *src);     /* dst |= src */
void ev_set_intersect(struct ev_set *dst, const struct ev_set *src); /* dst &= src */
void ev_set_subtract(struct ev_set *dst, const struct ev_set *src);  /* dst &= ~src */
void ev_set_complement(struct ev_set *s);                            /* ALL - s */
/* Smallest code >= FROM in S, or -1: for (c = ev_set_next(s, 0); c >= 0; c = ev_set_next(s, c + 1))
 */
int ev_set_next(const struct ev_set *s, int from);

/*
 * evt.type names to codes (rules-language.md §7.2), added to OUT:
 *  - every code of the event table with that name, both directions and all
 *    versions ("openat" is four codes);
 *  - meta-event names (category EC_METAEVENT: container, useradded, ...)
 *    also add EV_ASYNC, since current engines deliver such metadata, and
 *    plugins their async events, inside asyncevent;
 *  - any other name of syscalls.def means the generic codes 0 and 1.
 * Returns false, leaving OUT untouched, for a name that is none of these
 * (Falco: "unknown event type <name>").
 */
bool ev_codes_for_name(const char *name, struct ev_set *out);

#endif
