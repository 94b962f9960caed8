/*
 * ip.c - IPv4/IPv6 addresses and networks: parsing constants, equality and
 * CIDR membership.
 *
 * Input: constant text (length-delimited); addresses from events as struct
 * op_ip. Output: struct op_ip / struct op_net values (plain structs, no
 * ownership).
 *
 * The address grammars are exactly those of inet_pton(3), which Falco uses:
 * IPv4 is four decimal octets without leading zeros; IPv6 is up to eight
 * groups of at most four hex digits, one '::', and optionally a trailing
 * dotted quad. Networks carry their base with the host bits cleared, so the
 * membership test is a masked compare of whole bytes plus one partial byte.
 */
#include <errno.h>

#include "ops.h"

static int parse_v4(const char *s, size_t n, uint8_t out[4])
{
    uint8_t tmp[4] = {0};
    int octets = 0;
    bool digit = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (digit && tmp[octets - 1] == 0)
                return -EINVAL; /* leading zero */
            unsigned v = tmp[digit ? octets - 1 : octets] * 10u + (unsigned)(c - '0');
            if (v > 255)
                return -EINVAL;
            if (!digit) {
                if (++octets > 4)
                    return -EINVAL;
                digit = true;
            }
            tmp[octets - 1] = (uint8_t)v;
        } else if (c == '.' && digit) {
            if (octets == 4)
                return -EINVAL;
            digit = false;
        } else {
            return -EINVAL;
        }
    }
    if (octets < 4 || !digit)
        return -EINVAL;
    memcpy(out, tmp, 4);
    return 0;
}

static int hexdigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int parse_v6(const char *s, size_t n, uint8_t out[16])
{
    uint8_t tmp[16] = {0};
    size_t at = 0;           /* bytes written */
    size_t gap = (size_t)-1; /* where '::' stood, in bytes */
    size_t i = 0, tok = 0;   /* tok: start of the current group */
    unsigned val = 0;
    int ndig = 0;

    if (n == 0)
        return -EINVAL;
    if (s[0] == ':') {
        if (n < 2 || s[1] != ':')
            return -EINVAL;
        i = 1; /* the second ':' opens the gap below */
    }
    tok = i;
    while (i < n) {
        char c = s[i++];
        int d = hexdigit(c);
        if (d >= 0) {
            if (ndig == 4)
                return -EINVAL;
            val = val << 4 | (unsigned)d;
            ndig++;
            continue;
        }
        if (c == ':') {
            tok = i;
            if (ndig == 0) {
                if (gap != (size_t)-1)
                    return -EINVAL;
                gap = at;
                continue;
            }
            if (i == n || at + 2 > 16)
                return -EINVAL; /* trailing single ':' or too many groups */
            tmp[at++] = (uint8_t)(val >> 8);
            tmp[at++] = (uint8_t)val;
            ndig = 0;
            val = 0;
            continue;
        }
        /* A dotted quad may end the address, from the current group on. */
        if (c == '.' && at + 4 <= 16 && parse_v4(s + tok, n - tok, tmp + at) == 0) {
            at += 4;
            ndig = 0;
            break;
        }
        return -EINVAL;
    }
    if (ndig > 0) {
        if (at + 2 > 16)
            return -EINVAL;
        tmp[at++] = (uint8_t)(val >> 8);
        tmp[at++] = (uint8_t)val;
    }
    if (gap != (size_t)-1) {
        if (at == 16)
            return -EINVAL; /* '::' must stand for at least one group */
        size_t tail = at - gap;
        memmove(tmp + 16 - tail, tmp + gap, tail);
        memset(tmp + gap, 0, 16 - tail - gap);
        at = 16;
    }
    if (at != 16)
        return -EINVAL;
    memcpy(out, tmp, 16);
    return 0;
}

static enum op_af pick_family(const char *s, size_t n, enum op_af af)
{
    if (af != OP_AF_ANY)
        return af;
    return memchr(s, '.', n) ? OP_AF_INET : OP_AF_INET6;
}

int op_ip_parse(const char *s, size_t n, enum op_af af, struct op_ip *out)
{
    struct op_ip ip = {0};
    ip.family = (uint8_t)pick_family(s, n, af);
    int r = ip.family == OP_AF_INET ? parse_v4(s, n, ip.addr) : parse_v6(s, n, ip.addr);
    if (r)
        return r;
    *out = ip;
    return 0;
}

int op_net_parse(const char *s, size_t n, enum op_af af, struct op_net *out)
{
    const char *slash = memchr(s, '/', n);
    if (!slash)
        return -EINVAL;
    size_t alen = (size_t)(slash - s), plen = n - alen - 1;
    struct op_net net = {0};
    if (op_ip_parse(s, alen, pick_family(s, n, af), &net.base))
        return -EINVAL;
    unsigned prefix = 0;
    if (plen == 0 || plen > 3)
        return -EINVAL;
    for (size_t i = 0; i < plen; i++) {
        char c = slash[1 + i];
        if (c < '0' || c > '9')
            return -EINVAL;
        prefix = prefix * 10 + (unsigned)(c - '0');
    }
    unsigned bits = net.base.family == OP_AF_INET ? 32 : 128;
    if (prefix > bits || (bits == 128 && prefix == 0))
        return -EINVAL;
    net.prefix = (uint8_t)prefix;
    for (unsigned b = prefix; b < bits; b++)
        net.base.addr[b / 8] &= (uint8_t) ~(0x80u >> (b % 8));
    *out = net;
    return 0;
}

bool op_ip_eq(const struct op_ip *a, const struct op_ip *b)
{
    return a->family == b->family && memcmp(a->addr, b->addr, op_ip_keylen(a)) == 0;
}

bool op_net_contains(const struct op_net *net, const struct op_ip *ip)
{
    if (net->base.family != ip->family)
        return false;
    unsigned whole = net->prefix / 8, rest = net->prefix % 8;
    if (memcmp(net->base.addr, ip->addr, whole) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (ip->addr[whole] & mask) == net->base.addr[whole];
}
