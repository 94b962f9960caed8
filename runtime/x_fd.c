/*
 * x_fd.c - extractors of fd.*, fdlist.* (extract.h). Placeholder: no values yet.
 */
#include "extract.h"

bool fc_x_fd(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f,
             uint32_t i, struct fc_xv *out)
{
    (void)c, (void)pe, (void)f, (void)i, (void)out;
    return false;
}

uint32_t fc_xc_fd(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f)
{
    (void)c, (void)pe, (void)f;
    return 0;
}
