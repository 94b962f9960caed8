/*
 * replay.h - the compiled rule set `falcoc filter` and `falcoc run`
 * evaluate on the events of a replayed capture (fc_replay.h).
 *
 * The front end never touches LLVM: a builder (from the code generation
 * module, see llvm_module.c) turns a checked session into a ruleset.
 */
#ifndef FALCOC_REPLAY_H
#define FALCOC_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fc_abi.h"
#include "fc_engine.h"
#include "fc_object.h"
#include "fc_replay.h"
#include "fc_scap.h"
#include "fc_state.h"
#include "session.h"

/* Builds a ruleset of the enabled rules of a checked session (at opt
 * level 0-3); false with a message in err. */
typedef bool (*matcher_build_fn)(struct session *s, int opt, struct fc_ruleset *m, char *err,
                                 size_t errsz);

#endif
