/*
 * fields.c - the field catalogue table expanded from fields.def, its
 * lookups, and fc_field_resolve: written field text -> catalogue row plus
 * parsed argument (rules-language.md §5.5), or an error message.
 *
 * Input is what the lexer saw (a dotted name, maybe a bracket argument);
 * output is a struct fc_field_ref by value. Nothing is allocated; messages
 * go into the caller's buffer.
 */
#include "fc_fields.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "fc_abi.h"

static const struct fc_field fields[FC_FIELD_COUNT] = {
#define FIELD(id, name, type, argform, flags, desc)                                                \
    [FC_F_##id] = {FC_F_##id, name, PT_##type, FC_ARG_##argform, (uint32_t)(flags), desc},
#include "fields.def"
};

struct argform_info {
    bool required, bracket, dotted;
    const char *syntax;
};

static const struct argform_info argforms[] = {
#define FC_ARGFORM_ROW_(sfx, req, br, dot, syn) [FC_ARG_##sfx] = {req, br, dot, syn},
    FC_ARGFORMS(FC_ARGFORM_ROW_)
#undef FC_ARGFORM_ROW_
};

static const char *const type_names[PT_MAX] = {
#define PT_NAME_ROW_(sym, value, name, ...) [sym] = name,
    PPM_PARAM_TYPES(PT_NAME_ROW_)
#undef PT_NAME_ROW_
};

int fc_field_count(void)
{
    return FC_FIELD_COUNT;
}

const struct fc_field *fc_field_get(int id)
{
    if (id < 0 || id >= FC_FIELD_COUNT)
        return NULL;
    return &fields[id];
}

const struct fc_field *fc_field_by_name(const char *name)
{
    for (int i = 0; i < FC_FIELD_COUNT; i++)
        if (!strcmp(fields[i].name, name))
            return &fields[i];
    return NULL;
}

const char *fc_type_name(enum ppm_param_type type)
{
    if ((int)type < 0 || type >= PT_MAX || !type_names[type])
        return "?";
    return type_names[type];
}

const char *fc_flag_name(uint32_t flag)
{
    switch (flag) {
#define FC_FLAG_CASE_(sfx, bit, name)                                                              \
    case FC_FF_##sfx:                                                                              \
        return name;
        FC_FIELD_FLAGS(FC_FLAG_CASE_)
#undef FC_FLAG_CASE_
    }
    return NULL;
}

static const struct argform_info *form_info(enum fc_argform form)
{
    static const struct argform_info none = {false, false, false, ""};
    if ((int)form < 0 || (size_t)form >= sizeof(argforms) / sizeof(argforms[0]))
        return &none;
    return &argforms[form];
}

const char *fc_argform_syntax(enum fc_argform form)
{
    return form_info(form)->syntax;
}

bool fc_argform_required(enum fc_argform form)
{
    return form_info(form)->required;
}

bool fc_argform_bracket(enum fc_argform form)
{
    return form_info(form)->bracket;
}

bool fc_argform_dotted(enum fc_argform form)
{
    return form_info(form)->dotted;
}

/* --- resolution --- */

/* Everything a failing branch needs to word its message. */
struct rctx {
    const char *name;
    size_t name_len;
    char *err;
    size_t err_size;
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static struct fc_field_ref
fail(const struct rctx *cx, enum fc_resolve_status st, const char *fmt, ...)
{
    struct fc_field_ref r = {.status = st, .type = PT_NONE};
    if (cx->err && cx->err_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(cx->err, cx->err_size, fmt, ap);
        va_end(ap);
    }
    return r;
}

/* Falco's wording for a name no field accepts; skip-if-unknown-filter keys on it. */
static struct fc_field_ref nonexistent(const struct rctx *cx)
{
    return fail(cx, FC_RESOLVE_UNKNOWN, "filter_check called with nonexistent field %.*s",
                (int)cx->name_len, cx->name);
}

/* The longest catalogue name equal to NAME or followed in it by '.'. */
static const struct fc_field *longest_field(const char *name, size_t len)
{
    const struct fc_field *best = NULL;
    size_t best_len = 0;
    for (int i = 0; i < FC_FIELD_COUNT; i++) {
        size_t n = strlen(fields[i].name);
        if (n > len || n <= best_len || memcmp(fields[i].name, name, n) != 0)
            continue;
        if (n == len || name[n] == '.') {
            best = &fields[i];
            best_len = n;
        }
    }
    return best;
}

/* Decimal digits only (no sign, no blanks), fitting in 64 bits. */
static bool parse_u64(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static bool all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return len > 0;
}

/* A bracket argument for the [N] / [KEY] / [N] or [KEY] forms. */
/* A bracket argument that must be a number: an index, level or position. */
static struct fc_field_ref index_arg(const struct rctx *cx, struct fc_field_ref r,
                                     const struct fc_field *f, const char *arg, size_t arg_len)
{
    if (!all_digits(arg, arg_len))
        return fail(cx, FC_RESOLVE_BAD_ARG, "field '%s' needs a numeric argument, got '%.*s'",
                    f->name, (int)arg_len, arg);
    if (!parse_u64(arg, arg_len, &r.index))
        return fail(cx, FC_RESOLVE_BAD_ARG, "argument of field '%s' is out of range: '%.*s'",
                    f->name, (int)arg_len, arg);
    r.argkind = FC_ARGV_INDEX;
    return r;
}

static struct fc_field_ref bracket_arg(const struct rctx *cx, struct fc_field_ref r,
                                       const char *arg, size_t arg_len)
{
    const struct fc_field *f = r.field;
    bool numeric = f->argform == FC_ARG_OPT_INDEX || f->argform == FC_ARG_REQ_INDEX;
    bool either = f->argform == FC_ARG_OPT_INDEX_OR_KEY || f->argform == FC_ARG_REQ_INDEX_OR_KEY;

    if (arg_len == 0)
        return fail(cx, FC_RESOLVE_BAD_ARG, "field '%s' needs a non-empty argument %s", f->name,
                    fc_argform_syntax(f->argform));
    if (numeric || (either && all_digits(arg, arg_len)))
        return index_arg(cx, r, f, arg, arg_len);
    r.argkind = FC_ARGV_KEY;
    r.key = arg;
    r.key_len = arg_len;
    return r;
}

/* evt.arg.NAME / evt.rawarg.NAME: Falco takes the longest parameter name
 * that prefixes the suffix; whatever is left over makes the field unknown. */
static struct fc_field_ref param_suffix(const struct rctx *cx, struct fc_field_ref r,
                                        const char *sfx, size_t sfx_len)
{
    const struct ev_param *p = ev_param_longest_prefix(sfx, sfx_len);
    if (!p)
        return fail(cx, FC_RESOLVE_BAD_ARG, "unknown event argument %.*s", (int)sfx_len, sfx);
    if (strlen(p->name) != sfx_len)
        return nonexistent(cx);
    r.argkind = FC_ARGV_PARAM;
    r.key = p->name;
    r.key_len = sfx_len;
    if (r.field->argform == FC_ARG_REQ_PARAM_NAME)
        r.type = p->type; /* evt.rawarg compares in the parameter's own type */
    return r;
}

/* The field is known and current: read the dotted suffix and the bracket
 * argument as its argform says. */
static struct fc_field_ref read_arg(const struct rctx *cx, const struct fc_field *f,
                                    const char *arg, size_t arg_len, bool has_arg)
{
    const char *name = cx->name;
    size_t name_len = cx->name_len;
    struct fc_field_ref r = {.status = FC_RESOLVE_OK, .field = f, .type = f->type};
    size_t flen = strlen(f->name);
    bool dotted = name_len > flen;                    /* then name[flen] is the '.' */
    const char *sfx = name + flen + (dotted ? 1 : 0); /* the dotted suffix */
    size_t sfx_len = dotted ? name_len - flen - 1 : 0;
    const struct argform_info *fi = form_info(f->argform);

    /* A suffix the field does not read means the written name is no field. */
    if (dotted && !fi->dotted)
        return nonexistent(cx);
    if (has_arg && !fi->bracket) {
        if (!fi->dotted)
            return fail(cx, FC_RESOLVE_BAD_ARG, "field '%s' does not take an argument", f->name);
        return fail(cx, FC_RESOLVE_BAD_ARG, "field '%s' takes its argument as %s, not in brackets",
                    f->name, fi->syntax);
    }
    if (dotted && has_arg)
        return fail(cx, FC_RESOLVE_BAD_ARG, "field '%s' takes %s, not both", f->name, fi->syntax);
    if (!dotted && !has_arg) {
        if (fi->required)
            return fail(cx, FC_RESOLVE_BAD_ARG, "field '%s' requires an argument %s", f->name,
                        fi->syntax);
        return r;
    }

    switch (f->argform) {
    case FC_ARG_REQ_SUBSYS:
        /* Falco reads letters and '_' only; anything after them is left over. */
        for (size_t i = 0; i < sfx_len; i++) {
            char c = sfx[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
                return nonexistent(cx);
        }
        r.argkind = FC_ARGV_SUBSYS;
        r.key = sfx;
        r.key_len = sfx_len;
        return r;

    case FC_ARG_REQ_EVTYPE: {
        int code = -1;
        uint64_t n;
        if (parse_u64(sfx, sfx_len, &n)) {
            code = n < (uint64_t)PPM_EVENT_MAX ? (int)n : -1;
        } else {
            char buf[64];
            if (sfx_len < sizeof(buf)) {
                memcpy(buf, sfx, sfx_len);
                buf[sfx_len] = '\0';
                code = ev_code_by_name(buf);
            }
        }
        if (code < 0)
            return nonexistent(cx);
        r.argkind = FC_ARGV_EVTYPE;
        r.index = (uint64_t)code;
        r.key = ev_name(code);
        r.key_len = strlen(r.key);
        return r;
    }

    case FC_ARG_OPT_SRC_DST:
        if (sfx_len == 3 && !memcmp(sfx, "src", 3))
            r.argkind = FC_ARGV_SRC;
        else if (sfx_len == 3 && !memcmp(sfx, "dst", 3))
            r.argkind = FC_ARGV_DST;
        else
            return nonexistent(cx);
        return r;

    case FC_ARG_REQ_PARAM:
    case FC_ARG_REQ_PARAM_NAME:
        if (dotted)
            return param_suffix(cx, r, sfx, sfx_len);
        /* evt.arg[N]: a parameter position. */
        return index_arg(cx, r, f, arg, arg_len);

    default:
        return bracket_arg(cx, r, arg, arg_len);
    }
}

struct fc_field_ref fc_field_resolve(const char *name, size_t name_len, const char *arg,
                                     size_t arg_len, bool has_arg, char *err, size_t err_size)
{
    const struct rctx cx = {name, name_len, err, err_size};
    const struct fc_field *f = longest_field(name, name_len);
    struct fc_field_ref r;

    if (err && err_size)
        err[0] = '\0';
    if (!f)
        return nonexistent(&cx);
    if (f->flags & FC_FF_REMOVED) {
        /* Gone upstream, so Falco says "nonexistent"; the row lets the
         * caller add why. */
        r = nonexistent(&cx);
        r.status = FC_RESOLVE_REMOVED;
        r.field = f;
        return r;
    }
    r = read_arg(&cx, f, arg, arg_len, has_arg);
    if (r.status == FC_RESOLVE_BAD_ARG)
        r.field = f; /* known field, wrong argument: keep the row for the diagnostic */
    return r;
}

bool fc_fref_make(const struct fc_field_ref *r, struct fc_fref *out)
{
    *out = (struct fc_fref){(uint32_t)r->field->id, (uint32_t)r->argkind, r->index, NULL,
                            (uint32_t)r->key_len,   (uint32_t)r->type};
    if (r->key) {
        char *k = malloc(r->key_len + 1);
        if (!k)
            return false;
        memcpy(k, r->key, r->key_len);
        k[r->key_len] = '\0';
        out->key = k;
    }
    return true;
}

bool fc_fref_parse(const char *text, struct fc_fref *out, char *err, size_t err_size)
{
    const char *br = strchr(text, '[');
    size_t nlen = br ? (size_t)(br - text) : strlen(text);
    const char *arg = br ? br + 1 : NULL;
    size_t alen = br ? strcspn(arg, "]") : 0;
    struct fc_field_ref r = fc_field_resolve(text, nlen, arg, alen, br != NULL, err, err_size);
    if (r.status != FC_RESOLVE_OK)
        return false;
    if (!fc_fref_make(&r, out)) {
        if (err && err_size)
            snprintf(err, err_size, "out of memory");
        return false;
    }
    return true;
}

void fc_fref_release(struct fc_fref *f)
{
    free((char *)f->key);
    f->key = NULL;
}
