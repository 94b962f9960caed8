/*
 * params.c - event parameter decoding and rendering (fc_params.h).
 * Placeholder: nothing decodes yet.
 */
#include "fc_params.h"

bool fc_param_get(const struct scap_event *ev, uint32_t idx, enum ppm_param_type *type,
                  const uint8_t **p, uint32_t *len)
{
    (void)ev, (void)idx, (void)type, (void)p, (void)len;
    return false;
}

bool fc_param_int(const struct scap_event *ev, uint32_t idx, int64_t *out)
{
    (void)ev, (void)idx, (void)out;
    return false;
}

int fc_param_index(const struct scap_event *ev, const char *name)
{
    (void)ev, (void)name;
    return -1;
}

size_t fc_param_text(const struct fc_pevent *pe, uint32_t idx, bool resolved, char *buf, size_t cap)
{
    (void)pe, (void)idx, (void)resolved;
    if (cap)
        buf[0] = '\0';
    return 0;
}

bool fc_param_has_resolved(const struct fc_pevent *pe, uint32_t idx)
{
    (void)pe, (void)idx;
    return false;
}

size_t fc_event_args(const struct fc_pevent *pe, char *buf, size_t cap)
{
    (void)pe;
    if (cap)
        buf[0] = '\0';
    return 0;
}

const char *fc_errno_name(int64_t err)
{
    (void)err;
    return NULL;
}

size_t fc_flags_text(const char *table, uint64_t value, bool is_enum, char *buf, size_t cap)
{
    (void)table, (void)value, (void)is_enum;
    if (cap)
        buf[0] = '\0';
    return 0;
}

size_t fc_sockaddr_text(const uint8_t *p, uint32_t len, char *buf, size_t cap)
{
    (void)p, (void)len;
    if (cap)
        buf[0] = '\0';
    return 0;
}

size_t fc_socktuple_text(const uint8_t *p, uint32_t len, char *buf, size_t cap)
{
    (void)p, (void)len;
    if (cap)
        buf[0] = '\0';
    return 0;
}

size_t fc_caps_text(uint64_t caps, char *buf, size_t cap)
{
    (void)caps;
    if (cap)
        buf[0] = '\0';
    return 0;
}
