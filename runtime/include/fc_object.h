/*
 * fc_object.h - the compiled rule object (.fco): an ELF shared object made
 * by `falcoc compile`, loaded by falcod (and tests) with fc_object_load.
 *
 * The object exports one symbol, FC_OBJECT_SYMBOL, a struct fc_object that
 * describes everything in it: the ABI version and the schema hash of the
 * field catalogue and event table it was compiled against (both must match
 * the loading runtime's), a digest of the rules source, the rule table, the
 * field references and constants its code uses, and the entry point.
 * compiler/aot.c builds the LLVM constants from these same definitions; a
 * unit test compares the LLVM layout with the C one. The object also holds
 * a `.fco_meta` section (JSON) that `falcoc show` reads without running or
 * even relocating the code.
 */
#ifndef FALCOC_FC_OBJECT_H
#define FALCOC_FC_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fc_abi.h"
#include "fc_konst.h"

#define FC_OBJECT_SYMBOL "fc_object_v1"
#define FC_OBJECT_META_SECTION ".fco_meta"

/* One piece of a rule's output: literal text, or a field to render
 * (fref >= 0), possibly through a one-argument transformer. */
struct fc_out_tok {
    const char *text; /* literal text, or the token as written */
    uint32_t len;
    int32_t fref;   /* index into the object's field table; -1: literal */
    uint32_t xf;    /* enum ast_xf applied to the field, or FC_OUT_NO_XF */
    uint32_t width; /* %Nfield: pad or cut to N characters; 0: as is */
};
#define FC_OUT_NO_XF 0xffffffffu

struct fc_rule_desc {
    const char *name;
    const char *desc;
    const char *output;
    const char *source;
    const char *const *tags;
    uint32_t ntags;
    uint32_t priority; /* 0 emergency .. 7 debug */
    uint32_t enabled;
    uint32_t nevt;                /* event codes the rule is indexed under */
    const uint16_t *evttypes;     /* nevt codes, ascending */
    const struct fc_out_tok *out; /* the output, compiled: nout tokens */
    const uint32_t *frefs;        /* the fields its condition reads (table indexes) */
    uint32_t nout;
    uint32_t nfrefs;
};

typedef uint32_t (*fc_match_fn)(struct fc_ctx *ctx, uint32_t evtype, uint32_t *out, uint32_t mode);

struct fc_object {
    uint32_t abi_version; /* FC_ABI_VERSION */
    uint32_t nrules;
    uint64_t schema_hash;   /* fc_schema_hash() of the compiler */
    uint64_t source_digest; /* FNV-1a of the rules files, in order */
    const struct fc_rule_desc *rules;
    const struct fc_fref *frefs;
    const struct fc_kdesc *k;
    uint32_t nfrefs;
    uint32_t nk;
    fc_match_fn match;
};

/* Hash of the field catalogue and the event schema as this build has them. */
uint64_t fc_schema_hash(void);

/* A loaded object: the dlopen handle, its descriptor, its built constants. */
struct fc_loaded {
    void *handle;
    const struct fc_object *obj;
    void **k;
};

/*
 * Loads an object: refuses one that is not a regular file, is writable by
 * group or others, or is owned by a user other than root and the caller;
 * then dlopens it and checks the descriptor (ABI version, schema hash) and
 * builds its constants. False with a message in err on any refusal.
 */
bool fc_object_load(const char *path, struct fc_loaded *out, char *err, size_t errsz);
void fc_object_unload(struct fc_loaded *l);

#endif
