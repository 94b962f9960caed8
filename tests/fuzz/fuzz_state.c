/*
 * fuzz_state.c - libFuzzer target for everything a capture's bytes reach
 * after the reader: the state engine (runtime/state*.c), parameter decoding
 * and rendering (params.c) and every field extractor (x_*.c).
 *
 * Input: any bytes, read as a capture like fuzz_scap does. Each event goes
 * through fc_state_event, then every field of the catalogue is read through
 * fc_state_provider in each argument form it takes (with and without an
 * argument where it is optional), every value of multi-valued reads
 * included, and evt.args is rendered.
 *
 * Invariants checked (abort on violation): no crash, no hang, no leak, no
 * sanitizer report; a string value's bytes are all readable; a read the
 * provider counts is a read it answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc_fields.h"
#include "fc_params.h"
#include "fc_rt.h"
#include "fc_scap.h"
#include "fc_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;
static struct fc_fref *frefs;
static uint32_t nfrefs;

static void add_ref(const char *text)
{
    if (fc_fref_parse(text, &frefs[nfrefs], NULL, 0))
        nfrefs++;
}

/* Every field, in every argument form it accepts. */
static void build_refs(void)
{
    int n = fc_field_count();
    frefs = calloc((size_t)n * 3, sizeof(*frefs));
    char buf[256];
    for (int id = 0; id < n; id++) {
        const struct fc_field *f = fc_field_get(id);
        if (f->flags & FC_FF_REMOVED)
            continue;
        const char *nm = f->name;
        if (!fc_argform_required(f->argform))
            add_ref(nm);
        switch (f->argform) {
        case FC_ARG_OPT_INDEX:
        case FC_ARG_REQ_INDEX:
        case FC_ARG_OPT_INDEX_OR_KEY:
        case FC_ARG_REQ_INDEX_OR_KEY:
            snprintf(buf, sizeof(buf), "%s[1]", nm);
            add_ref(buf);
            snprintf(buf, sizeof(buf), "%s[HOME]", nm);
            add_ref(buf);
            break;
        case FC_ARG_OPT_KEY:
        case FC_ARG_REQ_KEY:
            snprintf(buf, sizeof(buf), "%s[HOME]", nm);
            add_ref(buf);
            break;
        case FC_ARG_REQ_SUBSYS:
            snprintf(buf, sizeof(buf), "%s.cpu", nm);
            add_ref(buf);
            break;
        case FC_ARG_REQ_EVTYPE:
            snprintf(buf, sizeof(buf), "%s.open", nm);
            add_ref(buf);
            break;
        case FC_ARG_REQ_PARAM:
            snprintf(buf, sizeof(buf), "%s[0]", nm);
            add_ref(buf);
            /* fall through */
        case FC_ARG_REQ_PARAM_NAME:
            snprintf(buf, sizeof(buf), "%s.fd", nm);
            add_ref(buf);
            snprintf(buf, sizeof(buf), "%s.name", nm);
            add_ref(buf);
            break;
        case FC_ARG_OPT_SRC_DST:
            snprintf(buf, sizeof(buf), "%s.src", nm);
            add_ref(buf);
            break;
        default:
            break;
        }
    }
}

static void read_all(struct fc_ctx *c)
{
    for (uint32_t k = 0; k < nfrefs; k++) {
        uint32_t cnt = fc_rt_count(c, k);
        for (uint32_t i = 0; i < cnt && i < 64; i++) {
            const struct fc_val *v = fc_rt_get(c, k, i);
            if (!v)
                abort(); /* counted but not answered */
            if (v->p) {
                uint8_t x = 0;
                for (uint64_t b = 0; b < v->n && b < (1u << 20); b++)
                    x ^= (uint8_t)v->p[b];
                sink ^= x;
            }
        }
        (void)fc_rt_get(c, k, 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!frefs)
        build_refs();
    int err = 0;
    struct scap_reader *r = scap_open_mem(data, size, &err);
    if (!r)
        return 0;
    struct fc_state *st =
        fc_state_new(&(struct fc_state_opts){.max_threads = 512, .max_fds_per_process = 256});
    struct fc_ctx c;
    if (!st || !fc_ctx_init(&c, &fc_state_provider, frefs, nfrefs)) {
        fc_state_free(st);
        scap_close(r);
        return 0;
    }
    if (!err)
        fc_state_load_scap(st, r);
    struct scap_event ev;
    struct fc_pevent pe;
    char args[512];
    while (!err && fc_state_next(st, r, &ev, &pe) == 1) {
        c.data = &pe;
        c.evtype = ev.type;
        fc_ctx_next_event(&c);
        read_all(&c);
        size_t n = fc_event_args(&pe, args, sizeof(args));
        if (n < sizeof(args) && args[n] != '\0')
            abort();
    }
    fc_ctx_fini(&c);
    fc_state_free(st);
    scap_close(r);
    return 0;
}
