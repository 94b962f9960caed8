/*
 * fc_abi.h - the evaluation ABI: what compiled rules (and the reference
 * interpreter) see of an event.
 *
 * A condition reads fields through accessors. Each accessor takes the event
 * context and a field reference (an index into the object's table of
 * resolved fields: catalogue field + parsed argument) and returns a small
 * struct by value: the value and whether it could be extracted. Values are
 * borrowed: they stay valid until the provider moves to the next event.
 *
 * Behind the accessors sits a provider: the state engine for live events and
 * captures, or the field-vector provider (fvec.h) for rule unit tests. The
 * accessors are pure for the length of one event, which is why compiled code
 * may declare them read-only and compute a shared macro once per event.
 *
 * Multi-valued reads (list fields, proc.aname & co. without index, which
 * test every ancestor) take a 0-based position `i`; a read past the last
 * value is not ok. Single-valued fields answer only i == 0.
 */
#ifndef FALCOC_FC_ABI_H
#define FALCOC_FC_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 2: list values (fc_val.list, fc_rt_list, FC_GETOPT_ALL). */
#define FC_ABI_VERSION 2u

/* A field as a condition names it: catalogue row plus parsed argument. */
struct fc_fref {
    uint32_t field;   /* enum fc_field_id */
    uint32_t argkind; /* enum fc_argkind */
    uint64_t index;   /* FC_ARGV_INDEX, FC_ARGV_EVTYPE */
    const char *key;  /* FC_ARGV_KEY/_PARAM/_SUBSYS: NUL-terminated */
    uint32_t key_len;
    uint32_t type; /* enum ppm_param_type of the value (resolved for DYN) */
};

/* Strings and byte buffers. */
struct fc_str {
    const char *p;
    uint32_t len;
    uint32_t ok;
};

/* Integers (signed values sign-extended), booleans (0/1), doubles (bits). */
struct fc_num {
    uint64_t v;
    uint64_t ok;
};

/* IPv4 (family 4, first 4 bytes) or IPv6 (family 6) address or network. */
struct fc_ip {
    uint8_t addr[16];
    uint8_t family; /* 0: not ok */
    uint8_t prefix; /* networks only */
};

struct fc_ctx;

struct fc_provider {
    struct fc_str (*get_str)(const struct fc_ctx *ctx, const struct fc_fref *f, uint32_t i);
    struct fc_num (*get_num)(const struct fc_ctx *ctx, const struct fc_fref *f, uint32_t i);
    struct fc_ip (*get_ip)(const struct fc_ctx *ctx, const struct fc_fref *f, uint32_t i);
    /* Number of values of a multi-valued read (list field, ancestors);
     * 0 when the field cannot be extracted at all. */
    uint32_t (*count)(const struct fc_ctx *ctx, const struct fc_fref *f);
};

/*
 * One extracted value as compiled code reads it: the same struct for every
 * type, so one accessor serves all. Strings and buffers use p/n, numbers n
 * (signed values sign-extended, booleans 0/1), addresses ip/family/prefix.
 *
 * A list value (a list field read whole, getopt() without [x], a
 * transformer over a list) has `list` set: p points at its n elements, an
 * array of struct fc_val (in scratch), each a single value. The entry
 * points below that take a value accept a list where the expression they
 * compute does: transformers then work element by element.
 */
struct fc_val {
    const char *p;
    uint64_t n;
    uint8_t ip[16];
    uint8_t family; /* 4 or 6; 0 for non-addresses */
    uint8_t prefix;
    uint8_t list; /* 1: a list value (p: the elements, n: how many) */
    uint8_t pad[5];
};

/* Per-event cache of the first value of every field reference. */
struct fc_slot {
    uint32_t gen; /* equals the context's gen when filled for this event */
    uint32_t ok;
    struct fc_val v;
};

struct fc_scratch;

/*
 * The context of one evaluation: one event of one provider, plus what the
 * loaded rules need (their field table, their prebuilt constants).
 * fc_ctx_next_event() starts a new event: cached values and scratch space
 * of the previous one are dropped.
 */
struct fc_ctx {
    const struct fc_provider *prov;
    void *data;                  /* the provider's event */
    const struct fc_fref *frefs; /* the rules' field table */
    uint16_t evtype;             /* event code, for the rule index */
    uint32_t nfrefs;
    uint32_t gen;               /* event generation, for the slots */
    struct fc_slot *slots;      /* nfrefs entries, owned by whoever set up the context */
    void *const *k;             /* prebuilt constants (fc_konst.h) */
    struct fc_scratch *scratch; /* transformer results of this event */
};

static inline struct fc_str fc_get_str(const struct fc_ctx *c, uint32_t fref, uint32_t i)
{
    return c->prov->get_str(c, &c->frefs[fref], i);
}

static inline struct fc_num fc_get_num(const struct fc_ctx *c, uint32_t fref, uint32_t i)
{
    return c->prov->get_num(c, &c->frefs[fref], i);
}

static inline struct fc_ip fc_get_ip(const struct fc_ctx *c, uint32_t fref, uint32_t i)
{
    return c->prov->get_ip(c, &c->frefs[fref], i);
}

static inline uint32_t fc_count(const struct fc_ctx *c, uint32_t fref)
{
    return c->prov->count(c, &c->frefs[fref]);
}

/*
 * Entry points that compiled code imports by name (rt.c). fc_rt_get and
 * fc_rt_count are pure for one event, so code generation marks them
 * read-only: a field read by many rules is extracted once per event.
 */
const struct fc_val *fc_rt_get(struct fc_ctx *c, uint32_t fref, uint32_t i); /* NULL: unavailable */
uint32_t fc_rt_count(struct fc_ctx *c, uint32_t fref);
/* tolower, toupper, b64, basename, len (enum ast_xf values) on one value of
 * type `type`; NULL when the transformer fails (invalid base64). On a list
 * value: the list of the results, NULL when one fails; len counts elements. */
const struct fc_val *fc_rt_xf(struct fc_ctx *c, uint32_t xf, uint32_t type,
                              const struct fc_val *in);
/* join / concat: the parts (strings) joined by sep (concat: sep NULL); a
 * list part adds each of its elements as a part. */
const struct fc_val *fc_rt_join(struct fc_ctx *c, const struct fc_val *sep, uint32_t n,
                                const struct fc_val *const *parts);
/* getopt(ARGV, OPTSTRING)[x]: the argument of the last -x (x = letter);
 * with letter FC_GETOPT_ALL, getopt(ARGV, OPTSTRING): the list of option
 * letters and arguments. ARGV is a string (split into words at spaces) or a
 * list (one word per element; a single element is split). */
#define FC_GETOPT_ALL 256u
const struct fc_val *fc_rt_getopt(struct fc_ctx *c, const struct fc_val *argv,
                                  const struct fc_val *opts, uint32_t letter);
/* len() of a list-valued field: its number of values; NULL when it has none. */
const struct fc_val *fc_rt_count_val(struct fc_ctx *c, uint32_t fref);
/* Every value of a multi-valued read (a list field, an ancestor field without
 * index) as a list value, the values that cannot be read left out. NULL when
 * the read has no value at all, and with need_one also when none could be
 * read (ancestors). */
const struct fc_val *fc_rt_list(struct fc_ctx *c, uint32_t fref, uint32_t need_one);
void fc_ctx_next_event(struct fc_ctx *c);

#endif
