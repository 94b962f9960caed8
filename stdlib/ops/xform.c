/*
 * xform.c - the single-value transformers: tolower, toupper, b64, basename
 * (len is inline in ops.h).
 *
 * Input: one value as (pointer, length). Output: into a caller buffer
 * (tolower, toupper, b64) or as a view into the input (basename); nothing
 * allocates.
 */
#include <errno.h>

#include "ops.h"
#include "ops_int.h"

size_t op_tolower(char *dst, const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (char)ops_lower[(uchar)src[i]];
    return n;
}

size_t op_toupper(char *dst, const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (char)ops_upper[(uchar)src[i]];
    return n;
}

/* 6-bit value of a base64 character, 64 for anything else. */
static uchar b64_value(uchar c)
{
    if (c >= 'A' && c <= 'Z')
        return (uchar)(c - 'A');
    if (c >= 'a' && c <= 'z')
        return (uchar)(c - 'a' + 26);
    if (c >= '0' && c <= '9')
        return (uchar)(c - '0' + 52);
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return 64;
}

/* Falco's decoder (libsinsp Base64::decodeWithoutPadding): strip at most two
 * trailing '=', then every remaining character must be in the alphabet; a
 * final group of one character is invalid and the bits a short final group
 * leaves over must be zero, so each valid text has exactly one decoding. */
ssize_t op_b64_decode(const char *src, size_t n, unsigned char *dst, size_t dstsz)
{
    const uchar *s = (const uchar *)src;
    if (n == 0)
        return 0;
    if (s[n - 1] == '=') {
        n--;
        if (n > 0 && s[n - 1] == '=')
            n--;
    }
    if (n == 0 || n % 4 == 1)
        return -EINVAL;
    size_t out = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
    uchar v[4];
    for (size_t i = 0; i < n; i++)
        if (b64_value(s[i]) == 64)
            return -EINVAL;
    uchar last = b64_value(s[n - 1]);
    if ((n % 4 == 2 && (last & 0x0f)) || (n % 4 == 3 && (last & 0x03)))
        return -EINVAL;
    if (dstsz < out)
        return -ENOSPC;
    size_t o = 0, i = 0;
    for (; i + 4 <= n; i += 4) {
        for (int k = 0; k < 4; k++)
            v[k] = b64_value(s[i + k]);
        dst[o++] = (uchar)(v[0] << 2 | v[1] >> 4);
        dst[o++] = (uchar)(v[1] << 4 | v[2] >> 2);
        dst[o++] = (uchar)(v[2] << 6 | v[3]);
    }
    if (n - i >= 2) {
        for (size_t k = 0; k < n - i; k++)
            v[k] = b64_value(s[i + k]);
        dst[o++] = (uchar)(v[0] << 2 | v[1] >> 4);
        if (n - i == 3)
            dst[o++] = (uchar)(v[1] << 4 | v[2] >> 2);
    }
    return (ssize_t)o;
}

const char *op_basename(const char *s, size_t n, size_t *outn)
{
    size_t i = n;
    while (i > 0 && s[i - 1] != '/')
        i--;
    *outn = n - i;
    return s + i;
}
