/*
 * fcdump - developer tool: replay a capture through the state engine and
 * print chosen fields per event, keyed like tests/tools/sysdig-cmp.sh
 * expects: rawtime, tid, type, direction, then the fields, tab-separated.
 * Values are printed plainly (strings as they are, numbers in decimal,
 * addresses with inet_ntop, <NA> when absent); the output formatter of
 * `falcoc filter -p` is the product, this is only a probe.
 *
 *   fcdump CAPTURE FIELD...
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "fc_fields.h"
#include "fc_rt.h"
#include "fc_scap.h"
#include "fc_state.h"

static void put_escaped(const char *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch == '\\')
            fputs("\\\\", stdout);
        else if (ch == '\t')
            fputs("\\t", stdout);
        else if (ch == '\n')
            fputs("\\n", stdout);
        else if (ch == '\r')
            fputs("\\r", stdout);
        else
            putchar(ch);
    }
}

static void put_value(struct fc_ctx *c, uint32_t k)
{
    const struct fc_fref *f = &c->frefs[k];
    const struct fc_val *v = fc_rt_get(c, k, 0);
    if (!v) {
        fputs("<NA>", stdout);
        return;
    }
    switch (fc_type_kind(f->type)) {
    case FC_TK_NUM:
        if (fc_type_signed(f->type))
            printf("%" PRId64, (int64_t)v->n);
        else
            printf("%" PRIu64, v->n);
        break;
    case FC_TK_BOOL:
        fputs(v->n ? "true" : "false", stdout);
        break;
    case FC_TK_IPADDR:
    case FC_TK_IPNET: {
        char buf[INET6_ADDRSTRLEN];
        inet_ntop(v->family == 6 ? AF_INET6 : AF_INET, v->ip, buf, sizeof(buf));
        fputs(buf, stdout);
        break;
    }
    default:
        put_escaped(v->p, (uint32_t)v->n);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fcdump CAPTURE FIELD...\n");
        return 2;
    }
    int nf = argc - 2;
    struct fc_fref *frefs = calloc((size_t)nf + 1, sizeof(*frefs));
    for (int i = 0; i < nf; i++) {
        char err[256];
        if (!fc_fref_parse(argv[i + 2], &frefs[i], err, sizeof(err))) {
            fprintf(stderr, "fcdump: %s: %s\n", argv[i + 2], err);
            return 2;
        }
    }
    int err = 0;
    struct scap_reader *rd = scap_open(argv[1], &err);
    if (!rd) {
        fprintf(stderr, "fcdump: %s: %s\n", argv[1], strerror(-err));
        return 1;
    }
    struct fc_state *st = fc_state_new(NULL);
    struct fc_ctx c;
    if (!st || !fc_ctx_init(&c, &fc_state_provider, frefs, (uint32_t)nf))
        return 1;
    if (!err)
        fc_state_load_scap(st, rd);
    struct scap_event ev;
    struct fc_pevent pe;
    int rc;
    while ((rc = fc_state_next(st, rd, &ev, &pe)) > 0) {
        c.data = &pe;
        c.evtype = ev.type;
        fc_ctx_next_event(&c);
        printf("%" PRIu64 "\t%" PRId64 "\t%s\t%c", ev.ts, (int64_t)ev.tid,
               pe.evname ? pe.evname : ev_name(ev.type), ev.type % 2 ? '<' : '>');
        for (int i = 0; i < nf; i++) {
            putchar('\t');
            put_value(&c, (uint32_t)i);
        }
        putchar('\n');
    }
    if (rc < 0)
        fprintf(stderr, "fcdump: %s\n", scap_error(rd));
    fc_ctx_fini(&c);
    fc_state_free(st);
    scap_close(rd);
    return rc < 0;
}
