/*
 * fvec.c - the field-vector provider; see fc_fvec.h.
 */
#include "fc_fvec.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "fc_fields.h"

struct fvec_entry {
    struct fc_fref ref; /* key is owned (strdup) */
    bool has_index;
    char **vals;
    size_t nvals;
};

void fvec_init(struct fvec *fv)
{
    memset(fv, 0, sizeof(*fv));
    fv->evtype = -1;
}

void fvec_free(struct fvec *fv)
{
    for (size_t i = 0; i < fv->n; i++) {
        for (size_t k = 0; k < fv->v[i].nvals; k++)
            free(fv->v[i].vals[k]);
        free(fv->v[i].vals);
        free((char *)fv->v[i].ref.key);
    }
    free(fv->v);
    fvec_init(fv);
}

static bool is_ancestor_field(uint32_t f)
{
    return f == FC_F_PROC_ANAME || f == FC_F_PROC_APID || f == FC_F_PROC_AEXE ||
           f == FC_F_PROC_AEXEPATH || f == FC_F_PROC_ACMDLINE || f == FC_F_PROC_AENV;
}

bool fvec_add(struct fvec *fv, const char *key, const char *const *vals, size_t nvals, char *err,
              size_t errsz)
{
    const char *br = strchr(key, '[');
    size_t nlen = br ? (size_t)(br - key) : strlen(key);
    const char *arg = NULL;
    size_t alen = 0;
    if (br) {
        const char *end = strrchr(key, ']');
        if (!end || end < br || end[1]) {
            snprintf(err, errsz, "'%s': unbalanced '['", key);
            return false;
        }
        arg = br + 1;
        alen = (size_t)(end - arg);
        if (alen >= 2 && (arg[0] == '"' || arg[0] == '\'') && arg[alen - 1] == arg[0])
            arg++, alen -= 2;
    }
    char msg[256];
    struct fc_field_ref r = fc_field_resolve(key, nlen, arg, alen, br != NULL, msg, sizeof(msg));
    if (r.status != FC_RESOLVE_OK) {
        snprintf(err, errsz, "'%s': %s", key, msg);
        return false;
    }
    if (fv->n == fv->cap) {
        size_t cap = fv->cap ? fv->cap * 2 : 16;
        struct fvec_entry *n = realloc(fv->v, cap * sizeof(*n));
        if (!n) {
            snprintf(err, errsz, "out of memory");
            return false;
        }
        fv->v = n;
        fv->cap = cap;
    }
    struct fvec_entry *e = &fv->v[fv->n++];
    memset(e, 0, sizeof(*e));
    if (!fc_fref_make(&r, &e->ref)) {
        fv->n--;
        snprintf(err, errsz, "out of memory");
        return false;
    }
    e->has_index = r.argkind == FC_ARGV_INDEX;
    e->vals = calloc(nvals ? nvals : 1, sizeof(char *));
    for (size_t i = 0; i < nvals; i++)
        e->vals[i] = strdup(vals[i]);
    e->nvals = nvals;
    if (r.field->id == FC_F_EVT_TYPE && nvals) {
        fv->evt_name = e->vals[0];
        fv->evtype = ev_code_by_name(e->vals[0]);
    }
    return true;
}

static bool same_arg(const struct fc_fref *a, const struct fc_fref *b)
{
    if (a->argkind != b->argkind)
        return false;
    switch (a->argkind) {
    case FC_ARGV_NONE:
    case FC_ARGV_SRC:
    case FC_ARGV_DST:
        return true;
    case FC_ARGV_INDEX:
        return a->index == b->index;
    case FC_ARGV_EVTYPE:
        return a->index == b->index;
    default:
        return a->key_len == b->key_len && !memcmp(a->key, b->key, a->key_len);
    }
}

/* The i-th value of a read, or NULL. */
static const char *value_at(const struct fvec *fv, const struct fc_fref *f, uint32_t i)
{
    for (size_t k = 0; k < fv->n; k++) {
        const struct fvec_entry *e = &fv->v[k];
        if (e->ref.field == f->field && same_arg(&e->ref, f))
            return i < e->nvals ? e->vals[i] : NULL;
    }
    /* fd.snet & co. read the address of their endpoint; tests give that. */
    static const struct {
        uint32_t net, addr;
    } nets[] = {{FC_F_FD_SNET, FC_F_FD_SIP},
                {FC_F_FD_CNET, FC_F_FD_CIP},
                {FC_F_FD_LNET, FC_F_FD_LIP},
                {FC_F_FD_RNET, FC_F_FD_RIP}};
    for (size_t k = 0; k < sizeof(nets) / sizeof(*nets); k++)
        if (f->field == nets[k].net) {
            struct fc_fref a = *f;
            a.field = nets[k].addr;
            return value_at(fv, &a, i);
        }
    /* fd.ip & co. not given: position 0 is the client end, 1 the server's. */
    static const struct {
        uint32_t either, cli, srv;
    } ends[] = {{FC_F_FD_IP, FC_F_FD_CIP, FC_F_FD_SIP},
                {FC_F_FD_NET, FC_F_FD_CIP, FC_F_FD_SIP},
                {FC_F_FD_PORT, FC_F_FD_CPORT, FC_F_FD_SPORT},
                {FC_F_FD_PROTO, FC_F_FD_CPORT, FC_F_FD_SPORT}};
    for (size_t k = 0; k < sizeof(ends) / sizeof(*ends); k++)
        if (f->field == ends[k].either && i < 2) {
            struct fc_fref a = *f;
            a.field = i == 0 ? ends[k].cli : ends[k].srv;
            return value_at(fv, &a, 0);
        }
    if (f->argkind != FC_ARGV_NONE || !is_ancestor_field(f->field))
        return NULL;
    /* Any-ancestor read: the indexed entries from level 1 up. */
    uint32_t seen = 0;
    for (uint64_t level = 1; level < 4096; level++) {
        bool found = false;
        for (size_t k = 0; k < fv->n && !found; k++) {
            const struct fvec_entry *e = &fv->v[k];
            if (e->ref.field == f->field && e->has_index && e->ref.index == level && e->nvals) {
                found = true;
                if (seen++ == i)
                    return e->vals[0];
            }
        }
        if (!found)
            break;
    }
    return NULL;
}

static uint32_t fv_count(const struct fc_ctx *c, const struct fc_fref *f)
{
    uint32_t n = 0;
    while (value_at(c->data, f, n))
        n++;
    return n;
}

static struct fc_str fv_str(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i)
{
    const char *v = value_at(c->data, f, i);
    return v ? (struct fc_str){v, (uint32_t)strlen(v), 1} : (struct fc_str){NULL, 0, 0};
}

static struct fc_num fv_num(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i)
{
    const char *v = value_at(c->data, f, i);
    if (!v)
        return (struct fc_num){0, 0};
    if (!strcmp(v, "true"))
        return (struct fc_num){1, 1};
    if (!strcmp(v, "false"))
        return (struct fc_num){0, 1};
    char *end;
    uint64_t n = v[0] == '-' ? (uint64_t)strtoll(v, &end, 0) : strtoull(v, &end, 0);
    if (end == v || *end)
        return (struct fc_num){0, 0};
    return (struct fc_num){n, 1};
}

static struct fc_ip fv_ip(const struct fc_ctx *c, const struct fc_fref *f, uint32_t i)
{
    struct fc_ip ip = {0};
    const char *v = value_at(c->data, f, i);
    if (!v)
        return ip;
    char addr[64];
    snprintf(addr, sizeof(addr), "%s", v);
    char *slash = strchr(addr, '/');
    int prefix = -1;
    if (slash) {
        *slash = '\0';
        prefix = atoi(slash + 1);
    }
    if (inet_pton(AF_INET, addr, ip.addr) == 1)
        ip.family = 4;
    else if (inet_pton(AF_INET6, addr, ip.addr) == 1)
        ip.family = 6;
    ip.prefix = (uint8_t)(prefix >= 0 ? prefix : ip.family == 4 ? 32 : 128);
    return ip;
}

const struct fc_provider fvec_provider = {fv_str, fv_num, fv_ip, fv_count};
