/*
 * fc_fields.h - the field catalogue (fields.def) as C: field ids, types,
 * argument forms and flags, and the resolver the compiler uses to turn a
 * written field (`proc.aname[2]`, `evt.arg.flags`, `thread.cgroup.cpuset`)
 * into a catalogue row plus a parsed argument (rules-language.md §5.5).
 *
 * Field types are the event parameter types (enum ppm_param_type of
 * ppm_types.h), as in Falco, so evt.rawarg.NAME can take the type of the
 * parameter it names.
 *
 * Ownership: the catalogue is static and const. A resolved reference points
 * into the catalogue, into the event table, or into the text the caller
 * passed to fc_field_resolve (for keys), never into memory of its own;
 * nothing is allocated.
 */
#ifndef FALCOC_FC_FIELDS_H
#define FALCOC_FC_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppm_types.h"

/* X(SUFFIX, bit, name): FC_FF_<SUFFIX> flag bits and their printed names. */
#define FC_FIELD_FLAGS(X)                                                                          \
    X(GENERIC, 0, "generic")                      /* defined for every event source */             \
    X(DEPRECATED, 1, "deprecated")                /* still resolves; the compiler may warn */      \
    X(FILTER_ONLY, 2, "filter_only")              /* not allowed in outputs */                     \
    X(OUTPUT_ONLY, 3, "output_only")              /* not allowed in conditions */                  \
    X(NO_RHS, 4, "no_rhs")                        /* not usable in field-to-field comparisons */   \
    X(NO_TRANSFORMER, 5, "no_transformer")        /* refuses transformers */                       \
    X(LIST, 6, "list")                            /* list-valued */                                \
    X(HIDDEN, 7, "hidden")                        /* table-only: not listed, still resolves */     \
    X(FORMAT_SUGGESTED, 8, "format_suggested")    /* suggested for output formats */               \
    X(REMOVED, 9, "removed")                      /* gone upstream: resolves as unknown */         \
    X(PLUGIN_CONTAINER, 10, "plugin_container")   /* a plugin in Falco, native here */             \
    X(FMT_HEX, 11, "fmt_hex")                     /* print in hexadecimal */                       \
    X(FMT_10_PADDED_DEC, 12, "fmt_10_padded_dec") /* print as 10 padded digits */                  \
    X(FMT_DIR, 13, "fmt_dir")                     /* print as a direction, > or < */

enum fc_field_flag {
#define FC_FLAG_ROW_(sfx, bit, name) FC_FF_##sfx = 1u << (bit),
    FC_FIELD_FLAGS(FC_FLAG_ROW_)
#undef FC_FLAG_ROW_
};

/*
 * X(SUFFIX, required, bracket, dotted, "syntax"): the argument forms of
 * fields.def. `bracket`: accepts field[ARG]; `dotted`: accepts a further
 * dotted component (field.ARG); `required`: one of them must be written.
 */
#define FC_ARGFORMS(X)                                                                             \
    X(NONE, false, false, false, "")                                                               \
    X(OPT_INDEX, false, true, false, "[N]")                                                        \
    X(OPT_KEY, false, true, false, "[KEY]")                                                        \
    X(OPT_INDEX_OR_KEY, false, true, false, "[N] or [KEY]")                                        \
    X(REQ_INDEX, true, true, false, "[N]")                                                         \
    X(REQ_KEY, true, true, false, "[KEY]")                                                         \
    X(REQ_INDEX_OR_KEY, true, true, false, "[N] or [KEY]")                                         \
    X(REQ_SUBSYS, true, false, true, ".SUBSYS")                                                    \
    X(REQ_EVTYPE, true, false, true, ".TYPE")                                                      \
    X(REQ_PARAM, true, true, true, ".NAME or [N]")                                                 \
    X(REQ_PARAM_NAME, true, false, true, ".NAME")                                                  \
    X(OPT_SRC_DST, false, false, true, ".src or .dst")

enum fc_argform {
#define FC_ARGFORM_ROW_(sfx, ...) FC_ARG_##sfx,
    FC_ARGFORMS(FC_ARGFORM_ROW_)
#undef FC_ARGFORM_ROW_
};

/* FC_F_<ID> for every row of fields.def, in table order. */
enum fc_field_id {
#define FIELD(id, ...) FC_F_##id,
#include "fields.def"
    FC_FIELD_COUNT
};

struct fc_field {
    enum fc_field_id id;
    const char *name;         /* "proc.aname" */
    enum ppm_param_type type; /* PT_DYN for evt.rawarg */
    enum fc_argform argform;  /* how it takes an argument */
    uint32_t flags;           /* FC_FF_* */
    const char *desc;         /* one or two sentences */
};

int fc_field_count(void);                    /* FC_FIELD_COUNT */
const struct fc_field *fc_field_get(int id); /* NULL when out of range */
/* Exact catalogue name, removed fields included; NULL when absent. */
const struct fc_field *fc_field_by_name(const char *name);

const char *fc_type_name(enum ppm_param_type type); /* "uint32", "charbuf", ...; "?" if unknown */
const char *fc_flag_name(uint32_t flag);            /* one FC_FF_ bit -> "no_rhs"; NULL otherwise */
const char *fc_argform_syntax(enum fc_argform form); /* "[N]", ".NAME or [N]", ""; never NULL */
bool fc_argform_required(enum fc_argform form);
bool fc_argform_bracket(enum fc_argform form); /* accepts field[ARG] */
bool fc_argform_dotted(enum fc_argform form);  /* accepts field.ARG */

enum fc_resolve_status {
    FC_RESOLVE_OK,
    FC_RESOLVE_UNKNOWN, /* no such field ("... nonexistent field ...") */
    FC_RESOLVE_REMOVED, /* a removed field: same message as unknown, .field set for a note */
    FC_RESOLVE_BAD_ARG, /* the field exists; its argument is missing, forbidden or malformed */
};

/* What the argument of a resolved reference turned out to be. */
enum fc_argkind {
    FC_ARGV_NONE,   /* none written (or none taken) */
    FC_ARGV_INDEX,  /* .index: ancestor level, argument or fd number, timestamp, evt.arg[N] */
    FC_ARGV_KEY,    /* .key: variable, label or path glob, from the caller's text */
    FC_ARGV_PARAM,  /* evt.arg.NAME / evt.rawarg.NAME: .key is the event table's parameter name */
    FC_ARGV_EVTYPE, /* evt.type.is.TYPE: .index is an event code, .key its name */
    FC_ARGV_SUBSYS, /* thread.cgroup.SUBSYS: .key from the caller's text */
    FC_ARGV_SRC,    /* evt.abspath.src */
    FC_ARGV_DST,    /* evt.abspath.dst */
};

struct fc_field_ref {
    enum fc_resolve_status status;
    const struct fc_field *field; /* catalogue row; NULL when unknown */
    enum ppm_param_type type;     /* value type: the field's, or for evt.rawarg the parameter's */
    enum fc_argkind argkind;
    uint64_t index;  /* FC_ARGV_INDEX, FC_ARGV_EVTYPE */
    const char *key; /* FC_ARGV_KEY, _PARAM, _EVTYPE, _SUBSYS; not NUL-terminated */
    size_t key_len;
};

/*
 * Resolve a field as written: NAME[0..name_len) is the dotted name the
 * lexer produced; ARG[0..arg_len) the text between brackets when HAS_ARG
 * (an empty argument `[""]` is has_arg with arg_len 0). The longest
 * catalogue name that equals NAME or is followed in it by a '.' is the
 * field; the field then reads the rest of the dotted name and the bracket
 * argument according to its argform. On anything but FC_RESOLVE_OK a
 * message in Falco's wording where one exists (lower case, no final period)
 * is written to ERR (truncated to ERR_SIZE, always terminated if
 * ERR_SIZE > 0); ERR may be NULL.
 */
struct fc_field_ref fc_field_resolve(const char *name, size_t name_len, const char *arg,
                                     size_t arg_len, bool has_arg, char *err, size_t err_size);

struct fc_fref;

/*
 * The evaluation ABI's reference (fc_abi.h) for a resolved field. The key is
 * copied NUL-terminated into memory of its own, released with
 * fc_fref_release; false when that allocation fails.
 */
bool fc_fref_make(const struct fc_field_ref *r, struct fc_fref *out);

/*
 * A field written as one piece of text ("proc.aname[2]", "fd.name"): the
 * name up to the first '[' and, after it, the argument up to the next ']'
 * (or the end). Resolves it and makes its reference as fc_fref_make; false,
 * with the message in ERR as fc_field_resolve writes it, when it does not
 * resolve or memory runs out.
 */
bool fc_fref_parse(const char *text, struct fc_fref *out, char *err, size_t err_size);

/* Frees what fc_fref_make copied; the reference is left without a key. */
void fc_fref_release(struct fc_fref *f);

#endif
