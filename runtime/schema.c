/*
 * schema.c - the schema hash stamped into compiled objects: FNV-1a over
 * every row of the field catalogue (name, type, argument form, flags) and
 * of the event table (code, name, direction, parameters and their types).
 * Descriptions do not count: rewording one does not invalidate objects.
 */
#include <string.h>

#include "events.h"
#include "fc_fields.h"
#include "fc_object.h"

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

static uint64_t mix_u32(uint64_t h, uint32_t v)
{
    return mix(h, &v, sizeof(v));
}

static uint64_t mix_str(uint64_t h, const char *s)
{
    return mix(h, s, strlen(s) + 1);
}

uint64_t fc_schema_hash(void)
{
    uint64_t h = 1469598103934665603ull;
    h = mix_u32(h, FC_ABI_VERSION);
    for (int i = 0; i < fc_field_count(); i++) {
        const struct fc_field *f = fc_field_get(i);
        h = mix_str(h, f->name);
        h = mix_u32(h, f->type);
        h = mix_u32(h, f->argform);
        h = mix_u32(h, f->flags);
    }
    for (int c = 0; c < ev_count(); c++) {
        h = mix_u32(h, (uint32_t)c);
        h = mix_str(h, ev_name(c));
        h = mix_u32(h, ev_direction(c));
        for (uint32_t p = 0; p < ev_nparams(c); p++) {
            const struct ev_param *ep = ev_param_at(c, p);
            h = mix_str(h, ep->name);
            h = mix_u32(h, ep->type);
        }
    }
    return h;
}
