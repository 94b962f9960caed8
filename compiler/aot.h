/*
 * aot.h - ahead-of-time compilation to a rule object (.fco), and the LLVM
 * types of its descriptor (fc_object.h).
 */
#ifndef FALCOC_AOT_H
#define FALCOC_AOT_H

#include <llvm-c/Core.h>
#include <stdbool.h>

#include "session.h"

/* Compiles every rule of a checked session into the shared object `out`,
 * for `triple` (NULL: this machine) at opt level 0-3. */
bool aot_compile(struct session *s, int opt, const char *triple, const char *out, char *err,
                 size_t errsz);

/* `falcoc compile RULES.yaml... -o RULES.fco [-O0..3] [--target TRIPLE]`. */
int cmd_compile(int argc, char **argv);

/* fc_fref, fc_kdesc, fc_rule_desc, fc_object, fc_out_tok as LLVM types. */
void aot_types(LLVMContextRef c, LLVMTypeRef out[5]);

#endif
