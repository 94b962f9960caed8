/*
 * evbuild.h - hand-built events for the parameter and extractor tests: a
 * scap_event whose parameters are appended one by one into its own buffer.
 */
#ifndef FALCOC_EVBUILD_H
#define FALCOC_EVBUILD_H

#include <stdint.h>
#include <string.h>

#include "fc_scap.h"

struct evb {
    struct scap_event ev;
    uint8_t buf[2048];
    size_t used;
};

static inline void ev_init(struct evb *b, uint16_t type)
{
    memset(b, 0, sizeof(*b));
    b->ev.type = type;
    b->ev.tid = 1;
}

static inline void add(struct evb *b, const void *p, uint32_t len)
{
    uint32_t n = b->ev.nparams++;
    memcpy(b->buf + b->used, p, len);
    b->ev.param[n] = b->buf + b->used;
    b->ev.len[n] = len;
    b->used += len;
}

static inline void add_i64(struct evb *b, int64_t v)
{
    add(b, &v, 8);
}

static inline void add_u16(struct evb *b, uint16_t v)
{
    add(b, &v, 2);
}

static inline void add_u32(struct evb *b, uint32_t v)
{
    add(b, &v, 4);
}

static inline void add_str(struct evb *b, const char *s)
{
    add(b, s, (uint32_t)strlen(s) + 1);
}

#endif
