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

#include "replay.h"

/* Does the command line give a condition (so a builder is needed)? */
bool filter_has_condition(int argc, char **argv);

/* The command; argv[0] is "filter". build may be NULL when there is no
 * condition. Exit codes: 0 ok, 1 bad capture or condition, 2 usage. */
int cmd_filter(int argc, char **argv, matcher_build_fn build);

#endif
