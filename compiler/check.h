/*
 * check.h - type checking results shared with explain and lint.
 *
 * check.c types every resolved rule condition against the field catalogue
 * (rules-language.md §6), derives its event-type set (§7), parses and checks
 * its output (§8), and records what explain reports. Memory: session arena.
 */
#ifndef FALCOC_CHECK_H
#define FALCOC_CHECK_H

#include <stdbool.h>

#include "ast.h"
#include "events.h"
#include "fc_fields.h"
#include "fc_rt.h"
#include "session.h"

/* The type of a value: a field type, possibly list-valued. */
struct chk_type {
    enum ppm_param_type t;
    bool list;
};

/* fd.ip, fd.net, fd.port, fd.proto (§6.4): true on either endpoint. They
 * are read at two positions, 0 the client (source) end and 1 the server
 * end, whether or not the socket has a role yet, as libsinsp compares them;
 * t is the type they compare as. */
enum { CHK_END_CLIENT = 0, CHK_END_SERVER = 1 };
/* evt.around[T] = D: true when the event lies within D milliseconds of T.
 * The field reads the distance |ts - T| in ns; the check is distance <=
 * D * 1000000 (chk_around_limit, saturated). Only = is allowed. */
bool chk_around_field(const struct ast_node *lhs);
uint64_t chk_around_limit(const struct ast_node *c);
bool chk_endpoint_field(const struct ast_node *lhs, enum ppm_param_type *t);
/* A numeric or boolean constant (already accepted by checking) as 64 bits,
 * cut to the type's width and sign-extended for signed types. */
bool chk_const_num(const struct ast_node *c, enum ppm_param_type t, uint64_t *out);

/* One output token: literal text or a field/transformer expression. */
struct out_tok {
    bool is_field;
    const char *text; /* literal text, or the expression as written */
    size_t len;
    int width; /* %Nfield: 0 when none */
    struct ast_node *expr;
    uint32_t off; /* offset in the output text */
};

struct out_fmt {
    struct mtext text; /* the output, trimmed, %container.info removed */
    struct out_tok *toks;
    size_t n;
};

/* Per-rule facts for explain and lint. */
struct chk_info {
    struct ev_set evttypes;
    const char **fields; /* distinct fields read by the condition, as written */
    size_t nfields;
    const char **ops; /* distinct operators used */
    size_t nops;
    struct rl_macro **macros; /* macros referenced directly or through others */
    size_t nmacros;
    const char **out_fields; /* distinct fields of the output */
    size_t nout_fields;
};

/* Resolves a field or transformer expression (no diagnostics). On error
 * returns false and writes a message to err. */
bool chk_expr_type(const struct ast_node *e, struct chk_type *out, char *err, size_t errsz);

/* Parses s[0, n) as exactly one field or transformer that resolves against
 * the catalogue; NULL when it is not one. */
struct ast_node *chk_parse_lhs(struct arena *a, const char *s, size_t n);

/* Parses an output format (§8.1) into tokens; false with a message on error. */
bool out_parse(struct arena *a, const char *s, size_t len, struct out_tok **toks, size_t *n,
               char *err, size_t errsz, uint32_t *err_off);

/* Event-type set of a tree under `neg` negations, through macros (§7.1).
 * Returns false (with a message) for the evt.type misuses that are errors. */
bool chk_evttypes(const struct ast_node *n, bool neg, struct ev_set *out, char *err, size_t errsz);

/* The distinct event names of a set, sorted; returns how many (≤ max). */
size_t chk_evttypes_names(const struct ev_set *s, const char **v, size_t max);

/* "{a,b}", "ALL", "ALL-{a}" or "{}" with event names. */
void chk_evttypes_str(struct buf *b, const struct ev_set *s);

#endif
