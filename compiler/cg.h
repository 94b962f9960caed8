/*
 * cg.h - code generation: checked rules → one LLVM module.
 *
 * The module exports one entry point,
 *
 *     uint32_t fc_match(struct fc_ctx *ctx, uint32_t evtype, uint32_t *out, uint32_t mode)
 *
 * which evaluates, in load order, every enabled rule whose event types
 * include evtype, writes the indexes (into cg_rules.rules) of those that
 * match to out, and returns how many it wrote; mode CG_MATCH_FIRST stops at
 * the first match (Falco's default rule_matching), CG_MATCH_ALL does not.
 * Field reads go through fc_rt_get (declared read-only, so a field or macro
 * shared by many rules is computed once per event); constants are prebuilt
 * by the runtime (fc_konst.h) from the descriptors cg_rules lists.
 * Ownership: the module belongs to the LLVM context passed in; the tables
 * are in the session arena.
 */
#ifndef FALCOC_CG_H
#define FALCOC_CG_H

#include <llvm-c/Core.h>
#include <stdbool.h>

#include "fc_abi.h"
#include "fc_konst.h"
#include "fc_object.h"
#include "session.h"

enum { CG_MATCH_FIRST = 0, CG_MATCH_ALL = 1 };

typedef uint32_t (*cg_match_fn)(struct fc_ctx *ctx, uint32_t evtype, uint32_t *out, uint32_t mode);

struct cg_rules {
    LLVMModuleRef mod;
    struct fc_fref *frefs; /* the field table fc_ctx.frefs must point at */
    uint32_t nfrefs;
    struct fc_kdesc *k; /* constants to build for fc_ctx.k */
    uint32_t nk;
    struct rl_rule **rules; /* index written by fc_match → rule */
    uint32_t nrules;
    /* per rule: the fields its condition reads, and its output compiled */
    uint32_t **rule_frefs;
    uint32_t *rule_nfrefs;
    struct fc_out_tok **out;
    uint32_t *nout;
};

/* Builds the module for every compiled rule of a checked session. Returns
 * false (with a diagnostic) for a construct code generation cannot lower. */
bool cg_build(struct session *s, LLVMContextRef c, struct cg_rules *out);

/* The LLVM type of struct fc_val, built from the C definition (one place). */
LLVMTypeRef cg_val_type(LLVMContextRef c);

#endif
