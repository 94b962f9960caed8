/*
 * fc_rt.h - setting up an evaluation context, and the helpers behind the
 * entry points of fc_abi.h (rt.c).
 *
 * A context reads one event at a time: fc_ctx_init() gives it a provider, a
 * field table, one cache slot per field reference and a scratch buffer;
 * the caller then points c->data at the event (and c->k at the constants of
 * fc_konst_build, c->evtype at the event code) and calls
 * fc_ctx_next_event() each time it moves to another event. Values that
 * the entry points (fc_rt_get, fc_rt_xf, fc_rt_join, fc_rt_text, ...)
 * return stay valid until then. They need the slots and the scratch buffer,
 * so every context they see is set up by fc_ctx_init.
 *
 * The scratch buffer is a bump allocator: it grows (by whole chunks, kept
 * until the next event) when an event needs more than it has ever needed,
 * and otherwise allocates nothing, so the per-event path does not call
 * malloc once the buffer has reached its working size.
 *
 * Ownership: fc_ctx_init allocates the slots and the scratch buffer, which
 * fc_ctx_fini releases; the provider, the field table, the event and the
 * constants stay the caller's.
 */
#ifndef FALCOC_FC_RT_H
#define FALCOC_FC_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fc_abi.h"

/* ---- contexts ---- */

/* Zeroes *c and fills in prov, frefs, nfrefs, the slots (all empty), the
 * scratch buffer and gen. False when out of memory (nothing is left
 * allocated). */
bool fc_ctx_init(struct fc_ctx *c, const struct fc_provider *p, const struct fc_fref *frefs,
                 uint32_t nfrefs);
/* Releases the slots and the scratch buffer; *c is zeroed. */
void fc_ctx_fini(struct fc_ctx *c);

/* ---- scratch ---- */

struct fc_scratch *fc_scratch_new(void); /* NULL when out of memory */
void fc_scratch_free(struct fc_scratch *s);
/* n bytes aligned for any fc_val, valid until the next reset; NULL only when
 * the buffer had to grow and could not. */
void *fc_scratch_alloc(struct fc_scratch *s, size_t n);
/* Drops everything allocated since the last reset (fc_ctx_next_event). */
void fc_scratch_reset(struct fc_scratch *s);

/* ---- value types ---- */

/* How a value of an event parameter type is represented and compared
 * (rules-language.md §6.2, §6.3): numbers and booleans in fc_val.n, strings
 * (compared as C strings) and byte buffers in p/n, addresses and networks in
 * ip/family/prefix. Types no operator applies to are FC_TK_OTHER and are
 * read as bytes, like buffers. */
enum fc_tkind {
    FC_TK_NUM,
    FC_TK_BOOL,
    FC_TK_STR,
    FC_TK_BYTES,
    FC_TK_IPADDR,
    FC_TK_IPNET,
    FC_TK_OTHER,
};

enum fc_tkind fc_type_kind(uint32_t type); /* type: enum ppm_param_type */
bool fc_type_signed(uint32_t type);        /* INT*, ERRNO, FD, PID, FD32, PID32 */

/*
 * The text of one value of type `type`, as join/concat use it: strings and
 * buffers as they are, booleans "true"/"false", numbers in decimal (signed
 * or not after the type), addresses and networks as inet_ntop(3) writes the
 * address. The result (a string value) is in scratch; NULL when v is NULL
 * or scratch cannot grow. A list value gives the list of its elements'
 * texts (itself when they are strings or buffers already).
 *
 * fc_rt_join takes its parts as strings: code generation converts a part
 * that is not a string with fc_rt_text first. A part that was not converted
 * and holds no text (p == NULL: a number or an address straight from
 * fc_rt_get) is written as a signed decimal number or an address, which is
 * right for every type but booleans and unsigned values above INT64_MAX.
 */
const struct fc_val *fc_rt_text(struct fc_ctx *c, uint32_t type, const struct fc_val *v);

#endif
