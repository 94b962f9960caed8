/*
 * jit.h - compiled rules in this process: code generation, LLVM's
 * optimisation at the chosen level, and ORC LLJIT. Used by `falcoc test`
 * and the differential tests; `falcoc compile` writes the same code to an
 * object instead. Ownership: a struct jit owns the JIT, its LLVM context,
 * the built constants; jit_free releases all of them.
 */
#ifndef FALCOC_JIT_H
#define FALCOC_JIT_H

#include <llvm-c/LLJIT.h>
#include <stdbool.h>

#include "cg.h"

struct jit {
    LLVMOrcLLJITRef lljit;
    cg_match_fn match;
    struct cg_rules cg;
    void **k; /* built constants, for fc_ctx.k */
};

/* Compiles every rule of a checked session at opt level 0-3; false with a
 * diagnostic (code generation) or a message in err (LLVM). */
bool jit_build(struct session *s, int opt, struct jit *j, char *err, size_t errsz);
void jit_free(struct jit *j);

/* Registers every LLVM target (once). */
void jit_init_llvm(void);

/* Runs LLVM's default pipeline at `opt` on a module (shared with AOT). */
bool jit_optimize(LLVMModuleRef m, int opt, char *err, size_t errsz);

#endif
