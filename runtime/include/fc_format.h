/*
 * fc_format.h - output formats at run time: a format string such as
 * `%evt.num %proc.name (%thread.tid) %fd.name` (rules-language.md §8.1,
 * sysdig's -p) compiled into tokens over a field table, and one event's
 * text rendered through an evaluation context (fc_abi.h) the way Falco and
 * sysdig print values (outputs.md §3).
 *
 * Compiling needs only the field catalogue: no compiler front end, no LLVM,
 * so falcod can format alerts with it. Rule objects carry their outputs
 * already compiled (fc_rule_desc.out over the object's field table); the
 * renderer takes those tokens as well as the ones fc_format_compile makes.
 *
 * Rendering: literal text as written; a field as its value's text (numbers
 * in decimal or the field's display base, booleans true/false, addresses
 * in text form, buffers with non-printable bytes as '.', list fields as
 * (a,b,c), the no-index ancestor forms as the values of all ancestors
 * joined by spaces), cut or padded to the token's width; `<NA>` for an
 * absent field, or no line at all under FC_FMT_REQUIRE_ALL.
 *
 * Ownership: a struct fc_format owns its copy of the text, its tokens and
 * its field table (fc_format_free). Rendering writes into a caller-owned
 * struct fc_fmt_buf that grows geometrically and is reused, so rendering
 * allocates nothing once the buffer (and the context's scratch) are warm.
 */
#ifndef FALCOC_FC_FORMAT_H
#define FALCOC_FC_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fc_abi.h"
#include "fc_object.h"

enum fc_fmt_flag {
    /* Render: an absent field abandons the line (sysdig's -p without a
     * leading '*'). Set by fc_format_compile from the text. */
    FC_FMT_REQUIRE_ALL = 1u << 0,
    /* Render: Falco 0.44's sanitisation of string values from the engine's
     * own fields (not the container fields, a plugin in Falco): every
     * maximal invalid UTF-8 subpart and every control, C1 or noncharacter
     * code point becomes U+FFFD. sysdig prints values raw. */
    FC_FMT_SANITIZE = 1u << 1,
    /* Compile: %evt.outputtime stands for evt.time.iso8601 instead of
     * evt.time (Falco's time_format_iso_8601). */
    FC_FMT_ISO8601 = 1u << 2,
};

struct fc_format {
    char *text; /* the format as given; tokens point into it */
    struct fc_out_tok *toks;
    uint32_t ntoks;
    struct fc_fref *frefs; /* one entry per field token: the contexts' field table */
    uint32_t nfrefs;
    uint32_t flags; /* FC_FMT_REQUIRE_ALL unless the text starts with '*' */
};

struct fc_fmt_error {
    uint32_t off; /* byte offset in the text where the fault starts */
    char msg[256];
};

/*
 * Compiles text[0, len) (flags: FC_FMT_ISO8601). 0 on success; -EINVAL with
 * *err filled for a malformed format (unknown field, filter-only field,
 * trailing '%', transformer misuse); -ENOMEM. On failure *f holds nothing
 * to free. A `%` must be followed by a field; there is no escape for a
 * literal `%` (Falco and sysdig have none).
 */
int fc_format_compile(struct fc_format *f, const char *text, size_t len, uint32_t flags,
                      struct fc_fmt_error *err);
void fc_format_free(struct fc_format *f);

/* A growable output buffer; zero-initialise it, release with fc_fmt_buf_free. */
struct fc_fmt_buf {
    char *p; /* NUL-terminated after a successful render */
    size_t len, cap;
};
void fc_fmt_buf_free(struct fc_fmt_buf *b);

/*
 * Renders tokens for the context's current event into b (replacing what it
 * held). The tokens' frefs index c->frefs. Returns 1 when rendered, 0 when
 * FC_FMT_REQUIRE_ALL is set and a field was absent (b then holds a partial
 * line), -ENOMEM.
 */
int fc_format_render(struct fc_ctx *c, const struct fc_out_tok *toks, uint32_t n, uint32_t flags,
                     struct fc_fmt_buf *b);

/*
 * Appends the text of one field token (transformer and width applied, no
 * `<NA>`) to b: what JSON output_fields need. Returns 1 when the field has
 * a value, 0 when it is absent (nothing appended), -ENOMEM.
 */
int fc_format_field(struct fc_ctx *c, const struct fc_out_tok *tok, uint32_t flags,
                    struct fc_fmt_buf *b);

/* Appends the text of one value of a field of `type` with field flags ff
 * (FC_FF_FMT_*) as fc_format_render prints it; NULL prints <NA>. Appends
 * s[0, n) raw with fc_fmt_put. Both keep b NUL-terminated; false when out
 * of memory. */
bool fc_format_value(struct fc_fmt_buf *b, uint32_t type, uint32_t ff, const struct fc_val *v);
bool fc_fmt_put(struct fc_fmt_buf *b, const char *s, size_t n);

/* Falco 0.44's sanitisation (FC_FMT_SANITIZE) of b->p[start, b->len), in
 * place; the text may grow. False when out of memory. */
bool fc_format_sanitize(struct fc_fmt_buf *b, size_t start);

/* Length of the well-formed UTF-8 sequence at s[0, n) (n >= 1), with its
 * code point in *cp; or minus the length of its maximal invalid subpart. */
int fc_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp);
/* Not a control (C0, DEL, C1) or noncharacter code point. */
bool fc_utf8_printable(uint32_t cp);

#endif
