/*
 * engine.c - rule evaluation and alerting over parsed events (fc_engine.h).
 *
 * Per event, each ruleset in load order: its context is moved to the event,
 * its entry point lists the matching rules of the event's type, and each
 * one that passes the priority threshold is rendered and emitted. With
 * rule_matching first, the first such rule ends the event. A ruleset that
 * holds rules below the threshold is asked for all its matches, since its
 * own first match might be one of those.
 */
#include "fc_engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fc_rt.h"
#include "ops.h"

struct fc_engine_set {
    const struct fc_ruleset *rs;
    struct fc_ctx ctx;
    uint32_t *hits;     /* match output, rs->nrules entries */
    uint64_t *per_rule; /* alerts per rule */
    bool *off;          /* turned off by a `rules:` selector */
    bool below;         /* holds rules that never alert (threshold, selectors) */
};

static uint32_t object_match(const struct fc_ruleset *rs, struct fc_ctx *c, uint32_t evtype,
                             uint32_t *out, uint32_t mode)
{
    const struct fc_object *obj = rs->priv;
    return obj->match(c, evtype, out, mode);
}

void fc_ruleset_of_object(struct fc_ruleset *rs, const struct fc_loaded *l)
{
    *rs = (struct fc_ruleset){
        .frefs = l->obj->frefs,
        .nfrefs = l->obj->nfrefs,
        .k = l->k,
        .rules = l->obj->rules,
        .nrules = l->obj->nrules,
        .match = object_match,
        .priv = (void *)l->obj,
    };
}

/* Does the set hold rules that never alert (below the threshold, or turned
 * off)? Then its entry point is asked for every match, not the first. */
static void note_below(const struct fc_engine *e, struct fc_engine_set *s)
{
    s->below = false;
    for (uint32_t r = 0; r < s->rs->nrules; r++)
        s->below |= s->off[r] || s->rs->rules[r].priority > e->o.min_priority;
}

int fc_engine_init(struct fc_engine *e, const struct fc_ruleset *sets, uint32_t nsets,
                   const struct fc_engine_opts *o)
{
    memset(e, 0, sizeof(*e));
    e->o = *o;
    int rc = fc_alerter_init(&e->al, &fc_state_provider, o->alert_flags, o->hostname);
    if (rc)
        return rc;
    e->sets = calloc(nsets ? nsets : 1, sizeof(*e->sets));
    if (!e->sets)
        return -ENOMEM;
    for (uint32_t i = 0; i < nsets; i++) {
        struct fc_engine_set *s = &e->sets[i];
        e->nsets++;
        s->rs = &sets[i];
        s->hits = calloc(sets[i].nrules + 1, sizeof(*s->hits));
        s->per_rule = calloc(sets[i].nrules + 1, sizeof(*s->per_rule));
        s->off = calloc(sets[i].nrules + 1, sizeof(*s->off));
        if (!s->hits || !s->per_rule || !s->off ||
            !fc_ctx_init(&s->ctx, &fc_state_provider, sets[i].frefs, sets[i].nfrefs))
            return -ENOMEM;
        s->ctx.k = sets[i].k;
        note_below(e, s);
    }
    return 0;
}

void fc_engine_fini(struct fc_engine *e)
{
    for (uint32_t i = 0; i < e->nsets; i++) {
        if (e->sets[i].ctx.slots)
            fc_ctx_fini(&e->sets[i].ctx);
        free(e->sets[i].hits);
        free(e->sets[i].per_rule);
        free(e->sets[i].off);
    }
    free(e->sets);
    fc_alerter_free(&e->al);
    fc_fmt_buf_free(&e->text);
    memset(e, 0, sizeof(*e));
}

int fc_engine_event(struct fc_engine *e, const struct scap_event *ev, struct fc_pevent *pe)
{
    bool first = e->o.mode == FC_MATCH_FIRST;
    for (uint32_t i = 0; i < e->nsets; i++) {
        struct fc_engine_set *s = &e->sets[i];
        s->ctx.data = pe;
        s->ctx.evtype = ev->type;
        fc_ctx_next_event(&s->ctx);
        uint32_t mode = first && !s->below ? FC_MATCH_FIRST : FC_MATCH_ALL;
        uint32_t n = s->rs->match(s->rs, &s->ctx, ev->type, s->hits, mode);
        for (uint32_t j = 0; j < n; j++) {
            const struct fc_rule_desc *d = &s->rs->rules[s->hits[j]];
            if (d->priority > e->o.min_priority || s->off[s->hits[j]])
                continue;
            s->per_rule[s->hits[j]]++;
            e->per_prio[d->priority & 7]++;
            e->alerts++;
            if (e->o.emit) {
                if (fc_alert_render(&e->al, d, &s->ctx, &e->text) < 0)
                    return -ENOMEM;
                int rc = e->o.emit(e->o.user, d, e->text.p, e->text.len);
                if (rc < 0)
                    return rc;
            }
            if (first)
                return 0;
        }
    }
    return 0;
}

static bool has_tag(const struct fc_rule_desc *d, const char *tag)
{
    for (uint32_t t = 0; t < d->ntags; t++)
        if (!strcmp(d->tags[t], tag))
            return true;
    return false;
}

uint32_t fc_engine_select(struct fc_engine *e, const char *pattern, const char *tag, bool on)
{
    /* the glob operator's matcher: '*' as Falco's selectors use it */
    struct op_glob *g = pattern ? op_glob_compile(pattern, strlen(pattern), false) : NULL;
    uint32_t n = 0;
    for (uint32_t i = 0; i < e->nsets; i++) {
        struct fc_engine_set *s = &e->sets[i];
        for (uint32_t r = 0; r < s->rs->nrules; r++) {
            const struct fc_rule_desc *d = &s->rs->rules[r];
            const char *name = d->name ? d->name : "";
            if ((g && op_glob_match(g, name, strlen(name))) || (tag && has_tag(d, tag))) {
                s->off[r] = !on;
                n++;
            }
        }
        note_below(e, s);
    }
    op_glob_free(g);
    return n;
}

void fc_engine_summary(const struct fc_engine *e, FILE *f)
{
    fprintf(f, "Events detected: %llu\n", (unsigned long long)e->alerts);
    fputs("Rule counts by severity:\n", f);
    for (uint32_t p = 0; p < 8; p++)
        if (e->per_prio[p])
            fprintf(f, "   %s: %llu\n", fc_priority_short(p), (unsigned long long)e->per_prio[p]);
    fputs("Triggered rules by rule name:\n", f);
    for (uint32_t i = 0; i < e->nsets; i++) {
        const struct fc_engine_set *s = &e->sets[i];
        for (uint32_t r = 0; r < s->rs->nrules; r++)
            if (s->per_rule[r])
                fprintf(f, "   %s: %llu\n", s->rs->rules[r].name,
                        (unsigned long long)s->per_rule[r]);
    }
}
