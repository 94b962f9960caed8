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

#define FC_ABI_VERSION 1u

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

/* The context of one evaluation: one event of one provider. */
struct fc_ctx {
    const struct fc_provider *prov;
    void *data;                  /* the provider's event */
    const struct fc_fref *frefs; /* the object's field table */
    uint16_t evtype;             /* event code, for the rule index */
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

#endif
