/*
 * format.c - output formats: compile a format string into tokens over a
 * field table (fc_format_compile), render one event through an evaluation
 * context (fc_format_render). See fc_format.h for the contract.
 *
 * Compiling follows Falco's formatter: after '%' come optional width
 * digits, then either a one-argument transformer around a field or a
 * field; the field is the longest text that resolves against the
 * catalogue, so `%proc.namex` is proc.name followed by "x".
 *
 * Rendering follows libsinsp's value-to-text conversion: integers in
 * decimal at their type's width, FMT_HEX as upper-case hex, FMT_10_PADDED_DEC
 * zero-padded to 9 digits, doubles with one decimal, buffers with bytes
 * that are not printable ASCII as '.', whole (sysdig prints every byte of
 * a 1480-byte evt.buffer in the corpus). Nothing is allocated per event once
 * the output buffer has reached its working size.
 */
#include "fc_format.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "fc_fields.h"
#include "fc_konst.h"
#include "fc_params.h"
#include "fc_rt.h"
#include "ppm_types.h"

/* ---- transformers: names and arities from the grammar's table (ast.def) ---- */

static const struct {
    const char *name;
    int min, max;
} xf_info[AST_XF_COUNT] = {
#define AST_XF(id, name, min, max) {name, min, max},
#include "ast.def"
};

/* ---- output buffer ---- */

void fc_fmt_buf_free(struct fc_fmt_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

/* Room for n more bytes and a NUL. */
static bool reserve(struct fc_fmt_buf *b, size_t n)
{
    if (b->len + n < b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap <= b->len + n) {
        if (cap > SIZE_MAX / 2)
            return false;
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p)
        return false;
    b->p = p;
    b->cap = cap;
    return true;
}

static bool put(struct fc_fmt_buf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return false;
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    return true;
}

static bool puts_(struct fc_fmt_buf *b, const char *s)
{
    return put(b, s, strlen(s));
}

/* ---- values ---- */

/* Digits of x in base 10 or 16 (upper case), at least `pad` of them, at
 * the end of tmp; returns where they start. snprintf costs more than the
 * rest of a line, and numbers are most of a line. */
static char *digits(char *end, uint64_t x, unsigned base, unsigned pad)
{
    char *p = end;
    do {
        *--p = "0123456789ABCDEF"[x % base];
        x /= base;
    } while (x);
    while ((unsigned)(end - p) < pad)
        *--p = '0';
    return p;
}

static bool put_num(struct fc_fmt_buf *b, uint32_t type, uint32_t ff, uint64_t n)
{
    char tmp[40], *end = tmp + sizeof(tmp), *p;
    if (type == PT_DOUBLE) {
        double d;
        memcpy(&d, &n, sizeof(d));
        int k = snprintf(tmp, sizeof(tmp), "%.1f", d);
        return put(b, tmp, (size_t)k);
    }
    unsigned pad = ff & FC_FF_FMT_10_PADDED_DEC ? 9 : 1;
    if (ff & FC_FF_FMT_HEX) {
        int bits = fc_type_bits(type); /* hex shows the type's width */
        p = digits(end, bits == 64 ? n : n & (((uint64_t)1 << bits) - 1), 16, 1);
    } else if (ff & FC_FF_FMT_DIR) {
        p = end - 1;
        *p = n & 1 ? '<' : '>';
    } else if (fc_type_signed(type) && (int64_t)n < 0) {
        /* "%09d" pads after the sign: -00000005 */
        p = digits(end, -n, 10, pad > 1 ? pad - 1 : 1);
        *--p = '-';
    } else {
        p = digits(end, n, 10, pad);
    }
    return put(b, p, (size_t)(end - p));
}

static bool put_bytes(struct fc_fmt_buf *b, const char *p, size_t n)
{
    if (!reserve(b, n))
        return false;
    fc_text_dots(b->p + b->len, (const uint8_t *)p, n);
    b->len += n;
    return true;
}

static bool put_val(struct fc_fmt_buf *b, uint32_t type, uint32_t ff, const struct fc_val *v)
{
    if (!v)
        return puts_(b, "<NA>");
    switch (fc_type_kind(type)) {
    case FC_TK_BOOL:
        return puts_(b, v->n ? "true" : "false");
    case FC_TK_NUM:
        return put_num(b, type, ff, v->n);
    case FC_TK_STR:
        return put(b, v->p, (size_t)v->n);
    case FC_TK_IPADDR: {
        char tmp[INET6_ADDRSTRLEN];
        if (!inet_ntop(v->family == 6 ? AF_INET6 : AF_INET, v->ip, tmp, sizeof(tmp)))
            return puts_(b, "<NA>");
        return puts_(b, tmp);
    }
    case FC_TK_IPNET:
        return puts_(b, "<IPNET>"); /* libsinsp has no text for networks */
    default:
        return put_bytes(b, v->p, (size_t)v->n);
    }
}

/* The NUL after the text (reserve keeps room for it). */
static bool terminate(struct fc_fmt_buf *b)
{
    if (!reserve(b, 0))
        return false;
    b->p[b->len] = '\0';
    return true;
}

bool fc_format_value(struct fc_fmt_buf *b, uint32_t type, uint32_t ff, const struct fc_val *v)
{
    return put_val(b, type, ff, v) && terminate(b);
}

bool fc_fmt_put(struct fc_fmt_buf *b, const char *s, size_t n)
{
    return put(b, s, n) && terminate(b);
}

/* ---- sanitisation (Falco 0.44) ---- */

/*
 * Length of the well-formed UTF-8 sequence at s[0, n), or minus the length
 * of its maximal invalid subpart (Unicode's "substitution of maximal
 * subparts": the longest prefix that could start a valid sequence, at
 * least one byte). *cp receives the code point of a valid sequence.
 */
int fc_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else {
        return -1;
    }
    uint32_t v = c & (0x7f >> len);
    for (int i = 1; i < len; i++) {
        if ((size_t)i >= n || s[i] < lo || s[i] > hi)
            return -i;
        v = (v << 6) | (s[i] & 0x3f);
        lo = 0x80;
        hi = 0xbf;
    }
    *cp = v;
    return len;
}

bool fc_utf8_printable(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
        return false;
    if (cp >= 0xfdd0 && cp <= 0xfdef)
        return false;
    return (cp & 0xfffe) != 0xfffe;
}

bool fc_format_sanitize(struct fc_fmt_buf *b, size_t start)
{
    size_t n = b->len - start, i = 0;
    const unsigned char *s = (const unsigned char *)b->p + start;
    uint32_t cp;
    for (int l; i < n && (l = fc_utf8_seq(s + i, n - i, &cp)) > 0 && fc_utf8_printable(cp);)
        i += (size_t)l;
    if (i == n)
        return true; /* the usual case: nothing to replace */
    /* Move the rest past the room its replacement can take (3 bytes per
     * input byte at most), then write it back from i: the writer never
     * overtakes the reader. */
    size_t rest = n - i;
    if (!reserve(b, 3 * rest))
        return false;
    char *src = b->p + start + i + 3 * rest;
    memmove(src, b->p + start + i, rest);
    char *d = b->p + start + i;
    for (size_t k = 0; k < rest;) {
        int l = fc_utf8_seq((const unsigned char *)src + k, rest - k, &cp);
        if (l > 0 && fc_utf8_printable(cp)) {
            memmove(d, src + k, (size_t)l);
            d += l;
            k += (size_t)l;
        } else {
            memcpy(d, "\xEF\xBF\xBD", 3);
            d += 3;
            k += (size_t)(l > 0 ? l : -l);
        }
    }
    b->len = (size_t)(d - b->p);
    return true;
}

/* ---- rendering ---- */

/* A field read many times without index: the ancestor forms (proc.aname
 * & co.), whose text is every ancestor's value joined by spaces. */
static bool multi_read(const struct fc_field *fd, const struct fc_fref *f)
{
    return f->argkind == FC_ARGV_NONE && !(fd->flags & FC_FF_LIST) &&
           (fd->argform == FC_ARG_OPT_INDEX || fd->argform == FC_ARG_OPT_INDEX_OR_KEY);
}

/* Appends the field's text; 1 present, 0 absent (b unchanged), -ENOMEM. */
static int put_field(struct fc_ctx *c, const struct fc_out_tok *tok, uint32_t flags,
                     struct fc_fmt_buf *b)
{
    const struct fc_fref *f = &c->frefs[tok->fref];
    const struct fc_field *fd = fc_field_get((int)f->field);
    if (!fd)
        return 0;
    bool list = fd->flags & FC_FF_LIST, multi = multi_read(fd, f);
    uint32_t type = f->type, n = 1;
    if (list || multi) {
        n = fc_rt_count(c, (uint32_t)tok->fref);
        if (!n)
            return 0;
    }
    size_t start = b->len;
    if (tok->xf == AST_XF_LEN && list) { /* len() of a list: its number of values */
        struct fc_val v = {.n = n};
        return put_val(b, PT_UINT64, 0, &v) ? 1 : -ENOMEM;
    }
    if (tok->xf == AST_XF_LEN)
        type = PT_UINT64;
    if (list && !put(b, "(", 1))
        return -ENOMEM;
    uint32_t shown = 0;
    for (uint32_t i = 0; i < n; i++) {
        const struct fc_val *v = fc_rt_get(c, (uint32_t)tok->fref, i);
        if (v && tok->xf != FC_OUT_NO_XF)
            v = fc_rt_xf(c, tok->xf, f->type, v);
        if (!v)
            continue;
        if (shown++ && !put(b, list ? "," : " ", 1))
            return -ENOMEM;
        if (!put_val(b, type, fd->flags, v))
            return -ENOMEM;
    }
    if (!shown && !list) {
        b->len = start;
        return 0;
    }
    if (list && !put(b, ")", 1))
        return -ENOMEM;
    if ((flags & FC_FMT_SANITIZE) && !(fd->flags & FC_FF_PLUGIN_CONTAINER) &&
        !fc_format_sanitize(b, start))
        return -ENOMEM;
    return 1;
}

/* Cuts or pads with spaces what was appended since start to width bytes. */
static bool apply_width(struct fc_fmt_buf *b, size_t start, uint32_t width)
{
    size_t have = b->len - start;
    if (!width || have == width)
        return true;
    if (have > width) {
        b->len = start + width;
        return true;
    }
    if (!reserve(b, width - have))
        return false;
    memset(b->p + b->len, ' ', width - have);
    b->len = start + width;
    return true;
}

int fc_format_field(struct fc_ctx *c, const struct fc_out_tok *tok, uint32_t flags,
                    struct fc_fmt_buf *b)
{
    size_t start = b->len;
    int r = put_field(c, tok, flags, b);
    if (r > 0 && !apply_width(b, start, tok->width))
        return -ENOMEM;
    if (r >= 0 && !reserve(b, 0))
        return -ENOMEM;
    if (b->p)
        b->p[b->len] = '\0';
    return r;
}

int fc_format_render(struct fc_ctx *c, const struct fc_out_tok *toks, uint32_t n, uint32_t flags,
                     struct fc_fmt_buf *b)
{
    b->len = 0;
    if (!reserve(b, 0))
        return -ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        const struct fc_out_tok *t = &toks[i];
        if (t->fref < 0) {
            if (!put(b, t->text, t->len))
                return -ENOMEM;
            continue;
        }
        size_t start = b->len;
        int r = put_field(c, t, flags, b);
        if (r < 0)
            return r;
        if (!r) {
            if (flags & FC_FMT_REQUIRE_ALL) {
                b->p[b->len] = '\0';
                return 0;
            }
            if (!put(b, "<NA>", 4))
                return -ENOMEM;
        }
        if (!apply_width(b, start, t->width))
            return -ENOMEM;
    }
    b->p[b->len] = '\0';
    return 1;
}

/* ---- compiling ---- */

static int fail(struct fc_fmt_error *err, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct fc_fmt_error *err, size_t off, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
        err->off = (uint32_t)off;
    }
    return -EINVAL;
}

static bool field_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '.';
}

/* End of a bracket argument starting at s[i] == '[' (quotes respected);
 * 0 when it is not closed. */
static size_t bracket_end(const char *s, size_t len, size_t i)
{
    char q = 0;
    for (size_t k = i + 1; k < len; k++) {
        if (q) {
            if (s[k] == q)
                q = 0;
        } else if (k == i + 1 && (s[k] == '"' || s[k] == '\'')) {
            q = s[k];
        } else if (s[k] == ']') {
            return k + 1;
        }
    }
    return 0;
}

/* A bracket argument without its brackets and one level of quotes. */
static void bracket_arg(const char *s, size_t open, size_t end, const char **arg, size_t *n)
{
    size_t a = open + 1, z = end - 1;
    if (z > a + 1 && (s[a] == '"' || s[a] == '\'') && s[z - 1] == s[a]) {
        a++;
        z--;
    }
    *arg = s + a;
    *n = z - a;
}

/* The longest field at s[j..]: its reference and where it ends. */
static int parse_field(const char *s, size_t len, size_t j, struct fc_field_ref *out, size_t *end,
                       struct fc_fmt_error *err)
{
    size_t i = j;
    while (i < len && field_char(s[i]))
        i++;
    if (i == j)
        return fail(err, j, "unknown filter: %.*s", (int)(len - j > 32 ? 32 : len - j), s + j);
    size_t close = i < len && s[i] == '[' ? bracket_end(s, len, i) : 0;
    char msg[200];
    struct fc_field_ref first = {.status = FC_RESOLVE_UNKNOWN};
    if (close) {
        const char *arg;
        size_t an;
        bracket_arg(s, i, close, &arg, &an);
        first = fc_field_resolve(s + j, i - j, arg, an, true, msg, sizeof(msg));
        if (first.status == FC_RESOLVE_OK) {
            *out = first;
            *end = close;
            return 0;
        }
    }
    /* Shorter and shorter names without argument, as Falco tries them. */
    for (size_t e = i; e > j; e--) {
        char m2[200];
        struct fc_field_ref r = fc_field_resolve(s + j, e - j, NULL, 0, false, m2, sizeof(m2));
        if (e == i && !close) {
            first = r;
            memcpy(msg, m2, sizeof(msg));
        }
        if (r.status == FC_RESOLVE_OK) {
            *out = r;
            *end = e;
            return 0;
        }
    }
    size_t shown = close ? close : i;
    if (first.status == FC_RESOLVE_BAD_ARG)
        return fail(err, j, "%s", msg);
    return fail(err, j, "unknown filter: %.*s", (int)(shown - j), s + j);
}

static bool is_text_type(uint32_t t)
{
    return t == PT_CHARBUF || t == PT_FSPATH || t == PT_FSRELPATH;
}

/* Is transformer x applicable to field r (rules-language.md §6.5)? */
static int check_xf(int x, const struct fc_field_ref *r, size_t off, struct fc_fmt_error *err)
{
    if (r->field->flags & FC_FF_NO_TRANSFORMER)
        return fail(err, off, "field '%s' does not support transformers", r->field->name);
    bool ok;
    switch (x) {
    case AST_XF_TOLOWER:
    case AST_XF_TOUPPER:
    case AST_XF_BASENAME:
        ok = is_text_type(r->type);
        break;
    case AST_XF_B64:
        ok = r->type == PT_CHARBUF || r->type == PT_BYTEBUF;
        break;
    default: /* len */
        ok = is_text_type(r->type) || r->type == PT_BYTEBUF || (r->field->flags & FC_FF_LIST);
        break;
    }
    if (!ok)
        return fail(err, off,
                    "can't add field transformer: type '%s' is not supported by '%s' transformer "
                    "applied on field '%s'",
                    fc_type_name(r->type), xf_info[x].name, r->field->name);
    return 0;
}

/* The field table entry of a resolved reference (the key copied). */
static int add_fref(struct fc_format *f, const struct fc_field_ref *r, uint32_t flags)
{
    struct fc_fref fr;
    if (!fc_fref_make(r, &fr))
        return -ENOMEM;
    if (r->field->id == FC_F_EVT_OUTPUTTIME) {
        /* The time the engine prints: sysdig's default and Falco's
         * time_format_iso_8601 choice. */
        fr.field = flags & FC_FMT_ISO8601 ? FC_F_EVT_TIME_ISO8601 : FC_F_EVT_TIME;
    } else if ((r->field->id == FC_F_PROC_APID || r->field->id == FC_F_PROC_AENV) &&
               r->argkind == FC_ARGV_NONE) {
        /* proc.apid and proc.aenv without argument print the process's
         * own pid and environment (§2.8): ancestor 0. */
        fr.argkind = FC_ARGV_INDEX;
        fr.index = 0;
    }
    f->frefs[f->nfrefs] = fr;
    return (int)f->nfrefs++;
}

/* One %-token at s[j..] (after the width): a field or xf(field). */
static int parse_token(struct fc_format *f, const char *s, size_t len, size_t j, uint32_t flags,
                       struct fc_out_tok *tok, size_t *end, struct fc_fmt_error *err)
{
    int x = -1;
    for (int k = 0; k < AST_XF_COUNT && x < 0; k++) {
        size_t nl = strlen(xf_info[k].name);
        if (j + nl < len && !strncmp(s + j, xf_info[k].name, nl) && s[j + nl] == '(')
            x = k;
    }
    struct fc_field_ref r;
    size_t e;
    int rc;
    if (x < 0) {
        if ((rc = parse_field(s, len, j, &r, &e, err)) < 0)
            return rc;
    } else {
        if (x == AST_XF_VAL || xf_info[x].min != 1 || xf_info[x].max != 1)
            return fail(err, j, "transformer '%s' is not supported in output formats",
                        xf_info[x].name);
        size_t k = j + strlen(xf_info[x].name) + 1;
        while (k < len && (s[k] == ' ' || s[k] == '\t'))
            k++;
        for (int y = 0; y < AST_XF_COUNT; y++) {
            size_t nl = strlen(xf_info[y].name);
            if (k + nl < len && !strncmp(s + k, xf_info[y].name, nl) && s[k + nl] == '(')
                return fail(err, k, "nested transformers are not supported in output formats");
        }
        if ((rc = parse_field(s, len, k, &r, &e, err)) < 0)
            return rc;
        if ((rc = check_xf(x, &r, k, err)) < 0)
            return rc;
        while (e < len && (s[e] == ' ' || s[e] == '\t'))
            e++;
        if (e >= len || s[e] != ')')
            return fail(err, e, "expected ')' to close transformer '%s'", xf_info[x].name);
        e++;
        if (e < len && s[e] == '[')
            return fail(err, j, "filter error: transformer '%s' does not support field arguments",
                        xf_info[x].name);
    }
    if (r.field->flags & FC_FF_FILTER_ONLY)
        return fail(err, j, "'%s' is filter only and cannot be used as a display field",
                    r.field->name);
    if ((rc = add_fref(f, &r, flags)) < 0)
        return rc;
    *tok = (struct fc_out_tok){s + j, (uint32_t)(e - j), rc, x < 0 ? FC_OUT_NO_XF : (uint32_t)x, 0};
    *end = e;
    return 0;
}

void fc_format_free(struct fc_format *f)
{
    for (uint32_t i = 0; f->frefs && i < f->nfrefs; i++)
        free((void *)f->frefs[i].key);
    free(f->frefs);
    free(f->toks);
    free(f->text);
    memset(f, 0, sizeof(*f));
}

int fc_format_compile(struct fc_format *f, const char *text, size_t len, uint32_t flags,
                      struct fc_fmt_error *err)
{
    memset(f, 0, sizeof(*f));
    size_t npct = 0;
    for (size_t i = 0; i < len; i++)
        npct += text[i] == '%';
    f->text = malloc(len + 1);
    f->toks = calloc(2 * npct + 1, sizeof(*f->toks));
    f->frefs = calloc(npct + 1, sizeof(*f->frefs));
    if (!f->text || !f->toks || !f->frefs) {
        fc_format_free(f);
        return -ENOMEM;
    }
    memcpy(f->text, text, len);
    f->text[len] = '\0';
    const char *s = f->text;
    size_t i = 0;
    f->flags = FC_FMT_REQUIRE_ALL;
    if (len && s[0] == '*') {
        f->flags = 0;
        i = 1;
    }
    int rc = 0;
    if (i == len)
        rc = fail(err, 0, "empty formatting token");
    while (!rc && i < len) {
        const char *pct = memchr(s + i, '%', len - i);
        size_t stop = pct ? (size_t)(pct - s) : len;
        if (stop > i)
            f->toks[f->ntoks++] =
                (struct fc_out_tok){s + i, (uint32_t)(stop - i), -1, FC_OUT_NO_XF, 0};
        if (!pct)
            break;
        size_t j = stop + 1;
        uint32_t width = 0;
        while (j < len && s[j] >= '0' && s[j] <= '9') {
            if (width < 100000)
                width = width * 10 + (uint32_t)(s[j] - '0');
            j++;
        }
        if (j >= len) {
            rc = fail(err, stop, "invalid formatting syntax: formatting cannot end with a %s",
                      j > stop + 1 ? "number" : "%");
            break;
        }
        struct fc_out_tok *tok = &f->toks[f->ntoks];
        if ((rc = parse_token(f, s, len, j, flags, tok, &i, err)) < 0)
            break;
        tok->width = width;
        f->ntoks++;
    }
    if (rc < 0)
        fc_format_free(f);
    return rc;
}
