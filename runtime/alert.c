/*
 * alert.c - Falco's alert line and JSON object for one matched rule (see
 * fc_alert.h; outputs.md §2-§5).
 *
 * The text line is `TIME: Priority MESSAGE`: TIME is the event time as the
 * engine prints %evt.time (or %evt.time.iso8601), MESSAGE the rule output
 * plus the suggested tail, every field value sanitised as Falco 0.44 does.
 * The JSON object carries that line as `output` and, in `output_fields`,
 * one typed value per distinct field of the message (transformed tokens
 * contribute their plain field) and the event time in nanoseconds; keys at
 * both levels come out in ascending byte order like Falco's ordered map.
 */
#include "fc_alert.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "fc_fields.h"
#include "fc_rt.h"
#include "ppm_types.h"

static const char *const prio_names[8] = {"Emergency", "Alert",  "Critical",      "Error",
                                          "Warning",   "Notice", "Informational", "Debug"};
static const char *const prio_short[8] = {"EMERGENCY", "ALERT",  "CRITICAL", "ERROR",
                                          "WARNING",   "NOTICE", "INFO",     "DEBUG"};

const char *fc_priority_name(uint32_t prio)
{
    return prio < 8 ? prio_names[prio] : "?";
}

const char *fc_priority_short(uint32_t prio)
{
    return prio < 8 ? prio_short[prio] : "?";
}

int fc_priority_parse(const char *s)
{
    /* the short forms include "info", the long ones "informational" */
    for (int p = 0; p < 8; p++)
        if (!strcasecmp(s, prio_short[p]) || !strcasecmp(s, prio_names[p]))
            return p;
    return -1;
}

/* One output_fields entry: its key and the token that gives its value. */
struct fc_alert_key {
    const char *name;
    uint32_t len;
    struct fc_ctx *c; /* the context whose table the token indexes; NULL: event time */
    const struct fc_out_tok *tok;
};

/* The alerter's own format: the raw time, the printed time, then the tail. */
enum { TOK_RAWTIME = 0, TOK_TIME = 2, TOK_TAIL = 3 };

int fc_alerter_init(struct fc_alerter *a, const struct fc_provider *prov, uint32_t flags,
                    const char *hostname)
{
    memset(a, 0, sizeof(*a));
    a->flags = flags;
    char host[256];
    if (!hostname)
        hostname = getenv("FALCO_HOSTNAME");
    if (!hostname) {
        if (gethostname(host, sizeof(host)) < 0)
            return -errno;
        host[sizeof(host) - 1] = '\0';
        hostname = host;
    }
    struct fc_fmt_buf text = {0};
    bool ok =
        (a->hostname = strdup(hostname)) && fc_fmt_put(&text, "%evt.rawtime %evt.outputtime", 28);
    for (int id = 0; ok && (flags & FC_ALERT_SUGGESTED) && id < fc_field_count(); id++) {
        const struct fc_field *fd = fc_field_get(id);
        if (!(fd->flags & FC_FF_FORMAT_SUGGESTED))
            continue;
        /* name_with_underscores=%name (outputs.md §6.1) */
        size_t start = text.len;
        ok = fc_fmt_put(&text, " ", 1) && fc_fmt_put(&text, fd->name, strlen(fd->name));
        for (size_t i = start; ok && i < text.len; i++)
            text.p[i] = text.p[i] == '.' ? '_' : text.p[i];
        ok = ok && fc_fmt_put(&text, "=%", 2) && fc_fmt_put(&text, fd->name, strlen(fd->name));
    }
    int rc = -ENOMEM;
    if (ok) {
        struct fc_fmt_error err;
        rc = fc_format_compile(&a->fmt, text.p, text.len,
                               flags & FC_ALERT_ISO8601 ? FC_FMT_ISO8601 : 0, &err);
        /* The catalogue's own names always compile. */
        if (rc == -EINVAL)
            rc = -ENOMEM;
    }
    fc_fmt_buf_free(&text);
    if (!rc && !fc_ctx_init(&a->ctx, prov, a->fmt.frefs, a->fmt.nfrefs))
        rc = -ENOMEM;
    if (rc)
        fc_alerter_free(a);
    return rc;
}

void fc_alerter_free(struct fc_alerter *a)
{
    if (a->ctx.slots)
        fc_ctx_fini(&a->ctx);
    fc_format_free(&a->fmt);
    fc_fmt_buf_free(&a->msg);
    fc_fmt_buf_free(&a->tmp);
    fc_fmt_buf_free(&a->val);
    free(a->keys);
    free(a->hostname);
    memset(a, 0, sizeof(*a));
}

/* ---- JSON ---- */

bool fc_json_escape(struct fc_fmt_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t run = i; /* bytes copied as they are */
        uint32_t cp;
        int l;
        while (run < n && u[run] >= 0x20 && u[run] != '"' && u[run] != '\\' &&
               (u[run] < 0x80 || fc_utf8_seq(u + run, n - run, &cp) > 0)) {
            run += u[run] < 0x80 ? 1 : (size_t)fc_utf8_seq(u + run, n - run, &cp);
        }
        if (run > i && !fc_fmt_put(b, s + i, run - i))
            return false;
        if ((i = run) >= n)
            break;
        char esc[8];
        const char *e = esc;
        size_t el = 2;
        switch (u[i]) {
        case '"':
            e = "\\\"";
            break;
        case '\\':
            e = "\\\\";
            break;
        case '\b':
            e = "\\b";
            break;
        case '\t':
            e = "\\t";
            break;
        case '\n':
            e = "\\n";
            break;
        case '\f':
            e = "\\f";
            break;
        case '\r':
            e = "\\r";
            break;
        default:
            if (u[i] < 0x20) {
                el = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", u[i]);
            } else { /* an invalid UTF-8 subpart */
                e = "\xEF\xBF\xBD";
                el = 3;
            }
        }
        if (!fc_fmt_put(b, e, el))
            return false;
        l = u[i] < 0x80 ? 1 : fc_utf8_seq(u + i, n - i, &cp);
        i += (size_t)(l > 0 ? l : -l);
    }
    return fc_fmt_put(b, "", 0);
}

static bool json_str(struct fc_fmt_buf *b, const char *s, size_t n)
{
    return fc_fmt_put(b, "\"", 1) && fc_json_escape(b, s, n) && fc_fmt_put(b, "\"", 1);
}

static bool json_cstr(struct fc_fmt_buf *b, const char *s)
{
    return json_str(b, s, strlen(s));
}

static bool json_u64(struct fc_fmt_buf *b, uint64_t v)
{
    char tmp[24];
    return fc_fmt_put(b, tmp, (size_t)snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v));
}

/* A double in its shortest round-trip form, with ".0" when integral
 * (nlohmann's style); NaN and infinities have no JSON form. */
static bool json_double(struct fc_fmt_buf *b, double d)
{
    if (!isfinite(d))
        return fc_fmt_put(b, "null", 4);
    char tmp[40];
    int k = 0;
    for (int prec = 1; prec <= 17; prec++) {
        k = snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    if (!strpbrk(tmp, ".e"))
        k += snprintf(tmp + k, sizeof(tmp) - (size_t)k, ".0");
    return fc_fmt_put(b, tmp, (size_t)k);
}

/* The event-time fields whose JSON value is the time in nanoseconds. */
static bool time_field(uint32_t field)
{
    switch (field) {
    case FC_F_EVT_TIME:
    case FC_F_EVT_TIME_S:
    case FC_F_EVT_TIME_ISO8601:
    case FC_F_EVT_DATETIME:
    case FC_F_EVT_DATETIME_S:
        return true;
    default:
        return false;
    }
}

static bool sanitized(const struct fc_alerter *a, const struct fc_field *fd)
{
    return !(a->flags & FC_ALERT_RAW_VALUES) && !(fd->flags & FC_FF_PLUGIN_CONTAINER);
}

/* One value of a field as JSON: numbers and booleans bare, the rest as
 * the string the text line shows. */
static bool json_scalar(struct fc_alerter *a, const struct fc_field *fd, uint32_t type,
                        const struct fc_val *v, struct fc_fmt_buf *out)
{
    enum fc_tkind k = fc_type_kind(type);
    if (k == FC_TK_BOOL)
        return v->n ? fc_fmt_put(out, "true", 4) : fc_fmt_put(out, "false", 5);
    if (k == FC_TK_NUM && !(fd->flags & (FC_FF_FMT_HEX | FC_FF_FMT_DIR))) {
        if (type == PT_DOUBLE) {
            double d;
            memcpy(&d, &v->n, sizeof(d));
            return json_double(out, d);
        }
        if (fc_type_signed(type) && (int64_t)v->n < 0) {
            char tmp[24];
            return fc_fmt_put(out, tmp,
                              (size_t)snprintf(tmp, sizeof(tmp), "%lld", (long long)(int64_t)v->n));
        }
        return json_u64(out, v->n);
    }
    a->val.len = 0;
    if (!fc_format_value(&a->val, type, fd->flags, v))
        return false;
    if (sanitized(a, fd) && !fc_format_sanitize(&a->val, 0))
        return false;
    return json_str(out, a->val.p, a->val.len);
}

/* The value of output_fields key k; null when the field has no value. */
static bool json_field(struct fc_alerter *a, const struct fc_alert_key *k, uint64_t ts,
                       struct fc_fmt_buf *out)
{
    if (!k->c)
        return json_u64(out, ts);
    struct fc_ctx *c = k->c;
    uint32_t fref = (uint32_t)k->tok->fref;
    const struct fc_fref *f = &c->frefs[fref];
    const struct fc_field *fd = fc_field_get((int)f->field);
    if (!fd)
        return fc_fmt_put(out, "null", 4);
    if (time_field(f->field))
        return json_u64(out, ts);
    if (fd->flags & FC_FF_LIST) {
        uint32_t n = fc_rt_count(c, fref);
        if (!n)
            return fc_fmt_put(out, "null", 4);
        bool ok = fc_fmt_put(out, "[", 1);
        for (uint32_t i = 0, shown = 0; ok && i < n; i++) {
            const struct fc_val *v = fc_rt_get(c, fref, i);
            if (v)
                ok = (!shown++ || fc_fmt_put(out, ",", 1)) && json_scalar(a, fd, f->type, v, out);
        }
        return ok && fc_fmt_put(out, "]", 1);
    }
    enum fc_tkind kind = fc_type_kind(f->type);
    if ((kind == FC_TK_NUM || kind == FC_TK_BOOL) &&
        !(fd->flags & (FC_FF_FMT_HEX | FC_FF_FMT_DIR))) {
        const struct fc_val *v = fc_rt_get(c, fref, 0);
        return v ? json_scalar(a, fd, f->type, v, out) : fc_fmt_put(out, "null", 4);
    }
    /* Text: what the line shows for the plain field (ancestor forms
     * joined), without transformer or width. */
    struct fc_out_tok plain = *k->tok;
    plain.xf = FC_OUT_NO_XF;
    plain.width = 0;
    a->val.len = 0;
    int r = fc_format_field(c, &plain, sanitized(a, fd) ? FC_FMT_SANITIZE : 0, &a->val);
    if (r < 0)
        return false;
    return r ? json_str(out, a->val.p, a->val.len) : fc_fmt_put(out, "null", 4);
}

/* ---- output_fields keys ---- */

static bool add_key(struct fc_alerter *a, const char *name, size_t len, struct fc_ctx *c,
                    const struct fc_out_tok *tok)
{
    if (a->nkeys == a->capkeys) {
        uint32_t cap = a->capkeys ? 2 * a->capkeys : 16;
        struct fc_alert_key *k = realloc(a->keys, cap * sizeof(*k));
        if (!k)
            return false;
        a->keys = k;
        a->capkeys = cap;
    }
    a->keys[a->nkeys++] = (struct fc_alert_key){name, (uint32_t)len, c, tok};
    return true;
}

/* The key of a field token: the field as written; for xf(field), the
 * field inside. */
static bool add_tok_keys(struct fc_alerter *a, struct fc_ctx *c, const struct fc_out_tok *t,
                         uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (t[i].fref < 0)
            continue;
        const char *s = t[i].text;
        size_t len = t[i].len;
        if (t[i].xf != FC_OUT_NO_XF) {
            const char *open = memchr(s, '(', len);
            const char *close = s + len;
            while (close > s && close[-1] != ')')
                close--;
            if (open && close > open + 1) {
                s = open + 1;
                len = (size_t)(close - 1 - s);
                while (len && (*s == ' ' || *s == '\t'))
                    s++, len--;
                while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
                    len--;
            }
        }
        if (!add_key(a, s, len, c, &t[i]))
            return false;
    }
    return true;
}

static int key_cmp(const void *x, const void *y)
{
    const struct fc_alert_key *p = x, *q = y;
    int d = memcmp(p->name, q->name, p->len < q->len ? p->len : q->len);
    if (d)
        return d;
    return p->len < q->len ? -1 : p->len > q->len;
}

/* ---- the alert ---- */

static bool put_cstr(struct fc_fmt_buf *b, const char *s)
{
    return fc_fmt_put(b, s, strlen(s));
}

int fc_alert_render(struct fc_alerter *a, const struct fc_rule_desc *r, struct fc_ctx *c,
                    struct fc_fmt_buf *out)
{
    uint32_t sflag = a->flags & FC_ALERT_RAW_VALUES ? 0 : FC_FMT_SANITIZE;
    a->ctx.data = c->data;
    a->ctx.evtype = c->evtype;
    fc_ctx_next_event(&a->ctx);
    const struct fc_val *tv = fc_rt_get(&a->ctx, (uint32_t)a->fmt.toks[TOK_RAWTIME].fref, 0);
    uint64_t ts = tv ? tv->n : 0;

    /* the message: rule output, then the suggested tail */
    if (fc_format_render(c, r->out, r->nout, sflag, &a->msg) < 0 ||
        fc_format_render(&a->ctx, a->fmt.toks + TOK_TAIL, a->fmt.ntoks - TOK_TAIL, sflag, &a->tmp) <
            0 ||
        !fc_fmt_put(&a->msg, a->tmp.p, a->tmp.len))
        return -ENOMEM;
    /* the line: TIME: Priority message */
    if (fc_format_render(&a->ctx, a->fmt.toks + TOK_TIME, 1, 0, &a->tmp) < 0 ||
        !fc_fmt_put(&a->tmp, ": ", 2) || !put_cstr(&a->tmp, fc_priority_name(r->priority)) ||
        !fc_fmt_put(&a->tmp, " ", 1) || !fc_fmt_put(&a->tmp, a->msg.p, a->msg.len))
        return -ENOMEM;
    out->len = 0;
    if (!(a->flags & FC_ALERT_JSON))
        return fc_fmt_put(out, a->tmp.p, a->tmp.len) ? 0 : -ENOMEM;

    /* keys in ascending order, as Falco's ordered map writes them */
    uint32_t f = a->flags;
    bool ok = fc_fmt_put(out, "{\"hostname\":", 12) && json_cstr(out, a->hostname);
    if (f & FC_ALERT_JSON_MESSAGE)
        ok = ok && fc_fmt_put(out, ",\"message\":", 11) && json_str(out, a->msg.p, a->msg.len);
    if (!(f & FC_ALERT_JSON_NO_OUTPUT))
        ok = ok && fc_fmt_put(out, ",\"output\":", 10) && json_str(out, a->tmp.p, a->tmp.len);
    if (!(f & FC_ALERT_JSON_NO_FIELDS)) {
        ok = ok && fc_fmt_put(out, ",\"output_fields\":{", 18);
        a->nkeys = 0;
        const char *tkey = f & FC_ALERT_ISO8601 ? "evt.time.iso8601" : "evt.time";
        ok = ok && add_key(a, tkey, strlen(tkey), NULL, NULL) &&
             add_tok_keys(a, c, r->out, r->nout) &&
             add_tok_keys(a, &a->ctx, a->fmt.toks + TOK_TAIL, a->fmt.ntoks - TOK_TAIL);
        if (ok)
            qsort(a->keys, a->nkeys, sizeof(*a->keys), key_cmp);
        for (uint32_t i = 0, shown = 0; ok && i < a->nkeys; i++) {
            const struct fc_alert_key *k = &a->keys[i];
            if (i && !key_cmp(k, k - 1))
                continue; /* one key per distinct field */
            ok = (!shown++ || fc_fmt_put(out, ",", 1)) && json_str(out, k->name, k->len) &&
                 fc_fmt_put(out, ":", 1) && json_field(a, k, ts, out);
        }
        ok = ok && fc_fmt_put(out, "}", 1);
    }
    ok = ok && fc_fmt_put(out, ",\"priority\":", 12) &&
         json_cstr(out, fc_priority_name(r->priority)) && fc_fmt_put(out, ",\"rule\":", 8) &&
         json_cstr(out, r->name ? r->name : "") && fc_fmt_put(out, ",\"source\":", 10) &&
         json_cstr(out, r->source ? r->source : "syscall");
    if (!(f & FC_ALERT_JSON_NO_TAGS)) {
        ok = ok && fc_fmt_put(out, ",\"tags\":[", 9);
        for (uint32_t i = 0; ok && i < r->ntags; i++)
            ok = (!i || fc_fmt_put(out, ",", 1)) && json_cstr(out, r->tags[i]);
        ok = ok && fc_fmt_put(out, "]", 1);
    }
    /* time: UTC, nanoseconds, 'Z' */
    char tbuf[64];
    time_t secs = (time_t)(ts / 1000000000u);
    struct tm tm;
    size_t tl = gmtime_r(&secs, &tm) ? strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%S", &tm) : 0;
    tl += (size_t)snprintf(tbuf + tl, sizeof(tbuf) - tl, ".%09uZ", (unsigned)(ts % 1000000000u));
    ok = ok && fc_fmt_put(out, ",\"time\":\"", 9) && fc_fmt_put(out, tbuf, tl) &&
         fc_fmt_put(out, "\"}", 2);
    return ok ? 0 : -ENOMEM;
}
