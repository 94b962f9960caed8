/*
 * run.h - `falcoc run RULES.yaml... -e CAPTURE [-o text|json] [--all]
 * [-O0..3]`: the development loop. Loads and checks the rules like
 * `falcoc validate`, JIT-compiles them, replays the capture through the
 * state engine and prints every alert the way Falco prints it on stdout
 * (fc_alert.h), then Falco's end-of-run counts on stderr.
 */
#ifndef FALCOC_RUN_H
#define FALCOC_RUN_H

#include "replay.h"

/* argv[0] is "run". Exit codes: 0 ok (with or without alerts), 1 bad
 * rules or capture, 2 usage, 3 internal failure. */
int cmd_run(int argc, char **argv, matcher_build_fn build);

#endif
