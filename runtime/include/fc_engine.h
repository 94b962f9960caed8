/*
 * fc_engine.h - rule evaluation and alerting over a stream of parsed
 * events: the part `falcoc run` (JIT-compiled rules) and falcod (rule
 * objects) share.
 *
 * A ruleset is one compiled unit: its field table, constants, rule
 * descriptors and match entry point. The engine evaluates its rulesets in
 * load order on every event, applies Falco's rule_matching (the first
 * matching rule in load order, or all of them) and its priority threshold
 * (rules less severe than it never alert), renders each alert once and
 * hands the text to the caller's emit function. Rules can also be turned
 * off by name or tag after loading (the `rules:` selectors). It counts alerts per rule
 * and per priority for Falco's end-of-run summary.
 *
 * Ownership: the engine borrows the rulesets (they must outlive it) and
 * owns its contexts, alerter and buffers. Nothing is allocated per event
 * once the buffers have grown to their working size.
 */
#ifndef FALCOC_FC_ENGINE_H
#define FALCOC_FC_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fc_abi.h"
#include "fc_alert.h"
#include "fc_object.h"
#include "fc_scap.h"
#include "fc_state.h"

/* rule_matching: the values of the compiled entry points' mode argument. */
enum { FC_MATCH_FIRST = 0, FC_MATCH_ALL = 1 };

struct fc_ruleset {
    const struct fc_fref *frefs; /* the field table its contexts use */
    uint32_t nfrefs;
    void *const *k;                   /* prebuilt constants, for fc_ctx.k */
    const struct fc_rule_desc *rules; /* what the indexes match writes stand for */
    uint32_t nrules;
    /* Writes the indexes of the matching rules (at most nrules) to out. */
    uint32_t (*match)(const struct fc_ruleset *rs, struct fc_ctx *c, uint32_t evtype, uint32_t *out,
                      uint32_t mode);
    void (*release)(struct fc_ruleset *rs);
    void *priv; /* the builder's */
};

/* A ruleset over a loaded rule object (fc_object_load). */
void fc_ruleset_of_object(struct fc_ruleset *rs, const struct fc_loaded *l);

/* Receives each alert: the rule, its priority and the rendered text (text
 * line or JSON object, no newline). 0 goes on; < 0 stops the engine with
 * that error. */
typedef int (*fc_emit_fn)(void *user, const struct fc_rule_desc *r, const char *text, size_t len);

struct fc_engine_opts {
    uint32_t alert_flags;  /* FC_ALERT_* */
    uint32_t mode;         /* FC_MATCH_FIRST or FC_MATCH_ALL */
    uint32_t min_priority; /* 0 emergency .. 7 debug: rules with a larger number never alert */
    const char *hostname;  /* NULL: see fc_alerter_init */
    fc_emit_fn emit;       /* NULL: count only */
    void *user;
};

struct fc_engine_set; /* engine.c: a ruleset with its context and counters */

struct fc_engine {
    struct fc_engine_opts o;
    struct fc_engine_set *sets;
    uint32_t nsets;
    struct fc_alerter al;
    struct fc_fmt_buf text;
    uint64_t per_prio[8];
    uint64_t alerts;
};

/* 0, -ENOMEM, or the error of fc_alerter_init. */
int fc_engine_init(struct fc_engine *e, const struct fc_ruleset *sets, uint32_t nsets,
                   const struct fc_engine_opts *o);
void fc_engine_fini(struct fc_engine *e);

/* Falco's `rules:` selectors: turns off (or back on) every loaded rule whose
 * name matches pattern (a '*' matches any run of characters) or, when tag
 * is given, that carries tag. Returns how many rules matched. */
uint32_t fc_engine_select(struct fc_engine *e, const char *pattern, const char *tag, bool on);

/* Evaluates one event the state engine has parsed: 0, or the emit
 * function's error, or -ENOMEM. */
int fc_engine_event(struct fc_engine *e, const struct scap_event *ev, struct fc_pevent *pe);

/* Falco's counts at the end of a run ("Events detected: ...", per
 * priority, per rule); Falco prints them on stdout, after the alerts. */
void fc_engine_summary(const struct fc_engine *e, FILE *f);

#endif
