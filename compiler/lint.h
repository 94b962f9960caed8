/*
 * lint.h - falcoc's own warnings beyond Falco's (LINT_* codes): run after
 * checking when lint mode is on. Input: a checked session; output: diagnostics.
 */
#ifndef FALCOC_LINT_H
#define FALCOC_LINT_H

#include "session.h"

void lint_run(struct session *s);

#endif
