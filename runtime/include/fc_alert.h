/*
 * fc_alert.h - one rule alert rendered as Falco prints it (outputs.md §2-§5):
 * the text line `TIME: Priority output` or the JSON object with hostname,
 * output, output_fields, priority, rule, source, tags and time.
 *
 * Inputs: the rule's descriptor (name, priority, source, sorted tags and
 * its output compiled over the rule context's field table), the evaluation
 * context of the event that matched, and the alerter's options. No LLVM and
 * no compiler: `falcoc run` and falcod render through the same code.
 *
 * Falco's default configuration appends the container plugin's suggested
 * fields to every rule output (`container_id=%container.id ...`, the fields
 * fields.def marks FC_FF_FORMAT_SUGGESTED, in catalogue order): the alerter
 * reads them, and the event time, through a context of its own over the
 * same event.
 *
 * Ownership: a struct fc_alerter owns its formats, its context and its
 * buffers; the hostname is copied. Rendering allocates nothing once the
 * buffers have grown to their working size.
 */
#ifndef FALCOC_FC_ALERT_H
#define FALCOC_FC_ALERT_H

#include <stdbool.h>
#include <stdint.h>

#include "fc_abi.h"
#include "fc_format.h"
#include "fc_object.h"

enum fc_alert_flag {
    FC_ALERT_JSON = 1u << 0,       /* json_output */
    FC_ALERT_ISO8601 = 1u << 1,    /* time_format_iso_8601 */
    FC_ALERT_SUGGESTED = 1u << 2,  /* append_output suggested_output (Falco's default) */
    FC_ALERT_RAW_VALUES = 1u << 3, /* no 0.44 sanitisation of field values */
    /* the json_include_* switches whose value is not Falco's default */
    FC_ALERT_JSON_MESSAGE = 1u << 4,   /* json_include_message_property: true */
    FC_ALERT_JSON_NO_OUTPUT = 1u << 5, /* json_include_output_property: false */
    FC_ALERT_JSON_NO_FIELDS = 1u << 6, /* json_include_output_fields_property: false */
    FC_ALERT_JSON_NO_TAGS = 1u << 7,   /* json_include_tags_property: false */
};

/* "Emergency" .. "Debug" (outputs.md §2); "?" out of range. */
const char *fc_priority_name(uint32_t prio);
/* The upper-case short form of Falco's end-of-run counts: "INFO" for 6. */
const char *fc_priority_short(uint32_t prio);
/* A priority as rules and the priority key write it, in any case
 * ("warning", "INFO", "informational"): 0-7, or -1. */
int fc_priority_parse(const char *s);

struct fc_alert_key; /* alert.c: one output_fields entry */

struct fc_alerter {
    uint32_t flags;
    char *hostname;
    struct fc_format fmt; /* time fields, then the suggested tail */
    uint32_t tail;        /* first token of the tail in fmt.toks */
    struct fc_ctx ctx;    /* over fmt.frefs, moved to each alert's event */
    struct fc_fmt_buf msg, tmp, val;
    struct fc_alert_key *keys;
    uint32_t nkeys, capkeys;
};

/*
 * Sets up an alerter reading events of provider prov (the provider of the
 * contexts passed to fc_alert_render). hostname NULL: FALCO_HOSTNAME when
 * set (even empty), else gethostname(). 0, -ENOMEM, or -errno of
 * gethostname.
 */
int fc_alerter_init(struct fc_alerter *a, const struct fc_provider *prov, uint32_t flags,
                    const char *hostname);
void fc_alerter_free(struct fc_alerter *a);

/*
 * Renders the alert of rule r for the event of context c (c->data and
 * c->evtype set, the rule's field table in c->frefs) into out, without a
 * trailing newline. Returns 0, or -ENOMEM.
 */
int fc_alert_render(struct fc_alerter *a, const struct fc_rule_desc *r, struct fc_ctx *c,
                    struct fc_fmt_buf *out);

/* Appends s[0, n) to b as the body of a JSON string (no quotes): control
 * characters escaped, invalid UTF-8 as U+FFFD. False when out of memory. */
bool fc_json_escape(struct fc_fmt_buf *b, const char *s, size_t n);

#endif
