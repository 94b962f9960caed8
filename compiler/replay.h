/*
 * replay.h - the capture replay shared by `falcoc filter` and `falcoc run`:
 * a capture read through a fresh state engine, each event the user would
 * see handed to a callback; and the compiled rule set both commands
 * evaluate on those events.
 *
 * The front end never touches LLVM: a builder (from the code generation
 * module, see llvm_module.c) turns a checked session into a matcher.
 */
#ifndef FALCOC_REPLAY_H
#define FALCOC_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fc_abi.h"
#include "fc_object.h"
#include "fc_scap.h"
#include "fc_state.h"
#include "session.h"

/* Falco's rule_matching: stop at the first matching rule, or report all
 * (the values of the compiled entry point's mode, cg.h). */
enum { MATCH_FIRST = 0, MATCH_ALL = 1 };

/* A compiled rule set evaluating contexts over the state provider. */
struct matcher {
    const struct fc_fref *frefs; /* the field table its contexts use */
    uint32_t nfrefs;
    void *const *k;                   /* prebuilt constants, for fc_ctx.k */
    const struct fc_rule_desc *rules; /* what the indexes match writes stand for */
    uint32_t nrules;
    /* Writes the indexes of the matching rules (at most nrules) to out. */
    uint32_t (*match)(const struct matcher *m, struct fc_ctx *c, uint32_t evtype, uint32_t *out,
                      uint32_t mode);
    void (*release)(struct matcher *m);
    void *priv; /* the builder's */
};

/* Builds a matcher for the enabled rules of a checked session (at opt
 * level 0-3); false with a message in err. */
typedef bool (*matcher_build_fn)(struct session *s, int opt, struct matcher *m, char *err,
                                 size_t errsz);

/* Called for every shown event, after the state engine parsed it: 0 goes
 * on, 1 stops the replay, -ENOMEM stops it as an internal failure. */
typedef int (*replay_fn)(void *user, const struct scap_event *ev, struct fc_pevent *pe);

/*
 * Replays the capture at path. Like sysdig and Falco, state-only and
 * internal events (procinfo, ...) and the metadata at the start of each
 * section update the state but are not shown. *nread counts the events
 * read. Returns 0 at the end of the capture (or when fn stopped it), 1
 * when the capture cannot be opened or is damaged (reported on stderr as
 * "falcoc: CMD: PATH: reason", after the events before the damage), 3 on
 * an internal failure.
 */
int replay_capture(const char *cmd, const char *path, replay_fn fn, void *user, uint64_t *nread);

#endif
