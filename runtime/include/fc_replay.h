/*
 * fc_replay.h - a capture replayed through a fresh state engine, each event
 * a user would see handed to a callback after the state engine parsed it.
 * `falcoc filter`, `falcoc run` and falcod's replay engine share it.
 */
#ifndef FALCOC_FC_REPLAY_H
#define FALCOC_FC_REPLAY_H

#include <stdint.h>

#include "fc_scap.h"
#include "fc_state.h"

/* Called for every shown event: 0 goes on, 1 stops the replay, -ENOMEM
 * stops it as an internal failure. */
typedef int (*fc_replay_fn)(void *user, const struct scap_event *ev, struct fc_pevent *pe);

/*
 * Replays the capture at path. Like sysdig and Falco, state-only and
 * internal events (procinfo, ...) and the metadata at the start of each
 * section update the state but are not shown. *nread counts the events
 * read. Returns 0 at the end of the capture (or when fn stopped it), 1
 * when the capture cannot be opened or is damaged (reported on stderr as
 * "WHO: PATH: reason", after the events before the damage), 3 on an
 * internal failure ("WHO: out of memory").
 */
int fc_replay_capture(const char *who, const char *path, fc_replay_fn fn, void *user,
                      uint64_t *nread);

#endif
