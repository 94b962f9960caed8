/*
 * fc_fvec.h - the field-vector provider: an "event" given as a map of
 * field → values, for rule unit tests (`falcoc test`) and differential tests.
 *
 * Keys are fields as a condition writes them (`proc.name`, `proc.aname[2]`,
 * `evt.arg.flags`); fields not given are unavailable, with Falco's
 * semantics. Reading an ancestor field (proc.aname, proc.apid, ...) without
 * index yields the values of every indexed entry given from level 1 up, in
 * level order, unless the field was also given without index. Values are
 * kept as text and converted on read to the type the reference asks for.
 * Ownership: an fvec owns copies of everything added; fvec_free releases it.
 */
#ifndef FALCOC_FC_FVEC_H
#define FALCOC_FC_FVEC_H

#include <stdbool.h>
#include <stddef.h>

#include "fc_abi.h"

struct fvec_entry;

struct fvec {
    struct fvec_entry *v;
    size_t n, cap;
    int evtype;           /* code of the given evt.type's first event, -1 if none */
    const char *evt_name; /* the given evt.type */
};

void fvec_init(struct fvec *fv);
void fvec_free(struct fvec *fv);
/* Adds `key: values`. False, with a message, when the key is not a field. */
bool fvec_add(struct fvec *fv, const char *key, const char *const *vals, size_t nvals, char *err,
              size_t errsz);
/* The provider reading an fvec: ctx->data is the struct fvec. */
extern const struct fc_provider fvec_provider;

#endif
