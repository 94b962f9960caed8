/*
 * sprov.c - fc_state_provider: the accessors of fc_abi.h over processed
 * events (struct fc_pevent). Each field family has its extractor file
 * (extract.h); this file only routes a field to its family, once per
 * catalogue row, and converts the extracted value to what the accessor
 * returns.
 */
#include <string.h>

#include "extract.h"
#include "fc_fields.h"

enum family { FAM_NONE, FAM_EVT, FAM_PROC, FAM_FD, FAM_CONT };

static const struct {
    const char *prefix;
    enum family fam;
} prefixes[] = {
    {"evt.", FAM_EVT},     {"fs.", FAM_EVT},         {"syscall.", FAM_EVT}, {"proc.", FAM_PROC},
    {"thread.", FAM_PROC}, {"user.", FAM_PROC},      {"group.", FAM_PROC},  {"fd.", FAM_FD},
    {"fdlist.", FAM_FD},   {"container.", FAM_CONT}, {"k8s.", FAM_CONT},
};

static enum family family_of(uint32_t field)
{
    static unsigned char fam[FC_FIELD_COUNT];
    static bool ready;
    if (!ready) { /* the catalogue is static: filling it twice is harmless */
        for (int id = 0; id < FC_FIELD_COUNT; id++) {
            const char *name = fc_field_get(id)->name;
            for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++)
                if (!strncmp(name, prefixes[k].prefix, strlen(prefixes[k].prefix)))
                    fam[id] = (unsigned char)prefixes[k].fam;
        }
        ready = true;
    }
    return field < FC_FIELD_COUNT ? (enum family)fam[field] : FAM_NONE;
}

static bool extract(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i, struct fc_xv *v)
{
    const struct fc_pevent *pe = c->data;
    memset(v, 0, sizeof(*v));
    switch (family_of(f->field)) {
    case FAM_EVT:
        return fc_x_evt(c, pe, f, i, v);
    case FAM_PROC:
        return fc_x_proc(c, pe, f, i, v);
    case FAM_FD:
        return fc_x_fd(c, pe, f, i, v);
    case FAM_CONT:
        return fc_x_cont(c, pe, f, i, v);
    default:
        return false;
    }
}

static struct fc_str get_str(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i)
{
    struct fc_xv v;
    if (!extract(c, f, i, &v) || !v.p)
        return (struct fc_str){0};
    return (struct fc_str){v.p, v.len, 1};
}

static struct fc_num get_num(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i)
{
    struct fc_xv v;
    if (!extract(c, f, i, &v))
        return (struct fc_num){0};
    return (struct fc_num){v.n, 1};
}

static struct fc_ip get_ip(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i)
{
    struct fc_xv v;
    if (!extract(c, f, i, &v))
        return (struct fc_ip){0};
    return v.ip;
}

static uint32_t count(const struct fc_ctx *c, const struct fc_fref *f)
{
    const struct fc_pevent *pe = c->data;
    switch (family_of(f->field)) {
    case FAM_EVT:
        return fc_xc_evt(c, pe, f);
    case FAM_PROC:
        return fc_xc_proc(c, pe, f);
    case FAM_FD:
        return fc_xc_fd(c, pe, f);
    case FAM_CONT:
        return fc_xc_cont(c, pe, f);
    default:
        return 0;
    }
}

char *fc_x_strdup(const struct fc_ctx *c, const char *p, uint32_t n)
{
    char *d = fc_scratch_alloc(c->scratch, (size_t)n + 1);
    if (d) {
        if (n)
            memcpy(d, p, n);
        d[n] = '\0';
    }
    return d;
}

const struct fc_provider fc_state_provider = {get_str, get_num, get_ip, count};
