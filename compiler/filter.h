/*
 * filter.h - `falcoc filter CAPTURE ['CONDITION'] [-p FORMAT]`: the
 * sysdig-like capture viewer. Replays a capture through the state engine,
 * keeps the events the condition matches and prints each with the format
 * (sysdig's default line when no -p is given).
 *
 * This part belongs to the front end and never touches LLVM: without a
 * condition nothing else is needed. A condition is compiled into one rule
 * by the front end here, then handed to a builder (the JIT, from the code
 * generation module) that turns the checked session into a matcher.
 */
#ifndef FALCOC_FILTER_H
#define FALCOC_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fc_abi.h"
#include "session.h"

/* A compiled condition: evaluates a context over the state provider. */
struct filter_matcher {
    const struct fc_fref *frefs; /* the field table its contexts use */
    uint32_t nfrefs;
    void *const *k; /* prebuilt constants, for fc_ctx.k */
    bool (*match)(const struct filter_matcher *m, struct fc_ctx *c, uint32_t evtype);
    void (*release)(struct filter_matcher *m);
    void *priv; /* the builder's */
};

/* Builds a matcher for the single rule of a checked session (at opt level
 * 0-3); false with a message in err. */
typedef bool (*filter_build_fn)(struct session *s, int opt, struct filter_matcher *m, char *err,
                                size_t errsz);

/* Does the command line give a condition (so a builder is needed)? */
bool filter_has_condition(int argc, char **argv);

/* The command; argv[0] is "filter". build may be NULL when there is no
 * condition. Exit codes: 0 ok, 1 bad capture or condition, 2 usage. */
int cmd_filter(int argc, char **argv, filter_build_fn build);

#endif
