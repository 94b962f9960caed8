/*
 * x_cont.c - extractors of container.*, k8s.* (extract.h). Placeholder: no values yet.
 */
#include "extract.h"

bool fc_x_cont(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f,
               uint32_t i, struct fc_xv *out)
{
    (void)c, (void)pe, (void)f, (void)i, (void)out;
    return false;
}

uint32_t fc_xc_cont(const struct fc_ctx *c, const struct fc_pevent *pe, const struct fc_fref *f)
{
    (void)c, (void)pe, (void)f;
    return 0;
}
