/*
 * num.c - numeric constants as Falco converts them (rules-language 6.2).
 *
 * Input: the constant's text. Output: the value, or -EINVAL.
 *
 * Falco parses with sscanf("%" PRId64 "%c") and friends and accepts the
 * constant when exactly the number was consumed. That means glibc's strtol
 * grammar (leading isspace, an optional sign, decimal digits), saturation on
 * overflow, a '-' that wraps for unsigned conversions, and for the 32-bit
 * conversions a 64-bit reading truncated to 32 bits. Written out here so the
 * result does not depend on the locale or on scanf, and so a length-delimited
 * text with a NUL inside is simply not a number.
 */
#include <errno.h>

#include "ops.h"

struct reading {
    bool neg;
    bool overflow; /* magnitude above UINT64_MAX */
    uint64_t mag;  /* saturated at UINT64_MAX */
};

static int read_decimal(const char *s, size_t n, struct reading *r)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        i++;
    r->neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        r->neg = s[i++] == '-';
    if (i == n || s[i] < '0' || s[i] > '9')
        return -EINVAL;
    r->mag = 0;
    r->overflow = false;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (r->mag > (UINT64_MAX - d) / 10)
            r->overflow = true;
        else
            r->mag = r->mag * 10 + d;
    }
    if (r->overflow)
        r->mag = UINT64_MAX;
    return i == n ? 0 : -EINVAL; /* anything after the digits: "%c" would match */
}

int op_parse_int64(const char *s, size_t n, int64_t *out)
{
    struct reading r;
    if (read_decimal(s, n, &r))
        return -EINVAL;
    if (r.neg)
        *out = r.mag > (uint64_t)INT64_MAX + 1 ? INT64_MIN : (int64_t)(0 - r.mag);
    else
        *out = r.mag > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)r.mag;
    return 0;
}

int op_parse_uint64(const char *s, size_t n, uint64_t *out)
{
    struct reading r;
    if (read_decimal(s, n, &r))
        return -EINVAL;
    /* strtoull: an out-of-range magnitude gives UINT64_MAX whatever the sign. */
    *out = r.overflow ? UINT64_MAX : r.neg ? 0 - r.mag : r.mag;
    return 0;
}

int op_parse_int32(const char *s, size_t n, int32_t *out)
{
    int64_t v;
    if (op_parse_int64(s, n, &v))
        return -EINVAL;
    *out = (int32_t)(uint32_t)(uint64_t)v;
    return 0;
}

int op_parse_uint32(const char *s, size_t n, uint32_t *out)
{
    uint64_t v;
    if (op_parse_uint64(s, n, &v))
        return -EINVAL;
    *out = (uint32_t)v;
    return 0;
}
