/*
 * interp.h - the reference evaluator: walks a checked condition tree and
 * evaluates it on one event through the evaluation ABI (fc_abi.h), with
 * Falco's semantics (rules-language.md §6). It is the oracle that compiled
 * code is tested against and what `falcoc test` explains failures with;
 * it is never on the hot path.
 */
#ifndef FALCOC_INTERP_H
#define FALCOC_INTERP_H

#include <stdbool.h>

#include "ast.h"
#include "fc_abi.h"
#include "mtext.h"

/* Where a verdict came from: the check that decided it, inside which text
 * (the rule's condition or a macro's), and through which macro. */
struct interp_why {
    const struct ast_node *check;
    const struct mtext *text;
    const char *macro; /* NULL when the check is in the rule itself */
    bool value;        /* what the check itself evaluated to */
};

/* Evaluates a resolved tree (identifiers point at macros). `why` may be NULL. */
bool interp_eval(const struct ast_node *n, const struct fc_ctx *ctx, const struct mtext *text,
                 struct interp_why *why);

#endif
