/*
 * extract.h - the field extractors behind fc_state_provider (sprov.c), one
 * file per field family: x_evt.c (evt.*, fs.path.*, syscall.*), x_proc.c
 * (proc.*, thread.*, user.*, group.*), x_fd.c (fd.*, fdlist.*), x_cont.c
 * (container.*, k8s.*).
 *
 * An extractor answers one field reference at one position i (0 for
 * single-valued fields; ancestors and list items otherwise). Strings it
 * builds go to the context's scratch buffer (fc_scratch_alloc), valid
 * until the next event; strings it finds in the state are borrowed.
 * Falco's rule for missing values (state-model.md §1.4): return false.
 */
#ifndef FALCOC_EXTRACT_H
#define FALCOC_EXTRACT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fc_abi.h"
#include "fc_rt.h"
#include "fc_state.h"

struct fc_xv {
    const char *p; /* strings and buffers: not necessarily NUL-terminated */
    uint32_t len;
    uint64_t n;      /* numbers and booleans, signed values sign-extended */
    struct fc_ip ip; /* addresses and networks */
};

/* Setting an extractor's result: each returns whether there is a value, so
 * that an extractor can end with `return fc_xv_...(out, ...)`. A NULL
 * string is no value. */
static inline bool fc_xv_str(struct fc_xv *out, const char *p, size_t n)
{
    if (!p)
        return false;
    out->p = p;
    out->len = (uint32_t)n;
    return true;
}

static inline bool fc_xv_cstr(struct fc_xv *out, const char *s)
{
    return s && fc_xv_str(out, s, strlen(s));
}

static inline bool fc_xv_num(struct fc_xv *out, uint64_t n)
{
    out->n = n;
    return true;
}

typedef bool (*fc_extract_fn)(const struct fc_ctx *c, const struct fc_pevent *pe,
                              const struct fc_fref *f, uint32_t i, struct fc_xv *out);
/* Number of values of a multi-valued read; 1 or 0 for the others. */
typedef uint32_t (*fc_count_fn)(const struct fc_ctx *c, const struct fc_pevent *pe,
                                const struct fc_fref *f);

bool fc_x_evt(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f,
              uint32_t i, struct fc_xv *out);
bool fc_x_proc(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f,
               uint32_t i, struct fc_xv *out);
bool fc_x_fd(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f,
             uint32_t i, struct fc_xv *out);
bool fc_x_cont(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f,
               uint32_t i, struct fc_xv *out);
uint32_t fc_xc_evt(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f);
uint32_t fc_xc_proc(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f);
uint32_t fc_xc_fd(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f);
uint32_t fc_xc_cont(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f);

/* A copy of n bytes (plus a NUL) in the context's scratch; NULL when it
 * cannot grow. */
char *fc_x_strdup(const struct fc_ctx *c, const char *p, uint32_t n);

#endif
