/*
 * diag.c - the diagnostics engine and its three renderers (text with source
 * line and caret, Falco's validation JSON, SARIF 2.1.0). See diag.h.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    enum diag_severity sev;
    const char *desc;
} codes[DIAG_COUNT] = {
#define DIAG(id, sev, desc) {#id, DIAG_SEV_##sev, desc},
#include "diag.def"
};

void diags_init(struct diags *d, struct arena *a)
{
    memset(d, 0, sizeof(*d));
    d->a = a;
}

enum diag_severity diag_severity(enum diag_code c)
{
    return codes[c].sev;
}
const char *diag_code_name(enum diag_code c)
{
    return codes[c].name;
}
const char *diag_code_desc(enum diag_code c)
{
    return codes[c].desc;
}

static bool is_lint(enum diag_code c)
{
    return strncmp(codes[c].name, "LINT_", 5) == 0;
}

struct diag *diag_add(struct diags *d, enum diag_code code, struct src_pos pos, uint32_t span,
                      const char *fmt, ...)
{
    if (is_lint(code) && !d->lint)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(d->a, fmt, ap);
    va_end(ap);
    bool err = codes[code].sev == DIAG_SEV_ERROR;
    if (d->step_result && err)
        d->step_errors++;
    /* A later compile step finds again what an earlier one found: errors
     * are reported once, warnings are repeated in each file's result as
     * Falco does, but marked so that people read them once. */
    bool repeat = false;
    for (size_t i = 0; d->step_result && i < d->step_start; i++) {
        const struct diag *o = d->v[i];
        if (o->code == code && o->pos.src == pos.src && o->pos.off == pos.off &&
            !strcmp(o->msg, msg)) {
            if (err)
                return NULL;
            repeat = true;
            break;
        }
    }
    struct diag *g = arena_alloc(d->a, sizeof(*g));
    g->msg = msg;
    g->code = code;
    g->pos = pos;
    g->span = span;
    g->seq = (unsigned)d->n;
    g->result = d->step_result ? d->step_result : pos.src;
    g->repeat = repeat;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        d->v = arena_realloc(d->a, d->v, d->cap * sizeof(*d->v), cap * sizeof(*d->v));
        d->cap = cap;
    }
    d->v[d->n++] = g;
    if (codes[code].sev == DIAG_SEV_ERROR)
        d->nerrors++;
    else
        d->nwarnings++;
    return g;
}

void diag_loc(struct diag *g, const char *item_type, const char *item_name, struct src_pos pos)
{
    if (!g || g->nlocs == DIAG_MAX_LOCS)
        return;
    g->locs[g->nlocs++] = (struct diag_loc){item_type, item_name ? item_name : "", pos};
}

void diag_note(struct diags *d, struct diag *g, struct src_pos pos, const char *fmt, ...)
{
    if (!g || g->nnotes == DIAG_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    g->notes[g->nnotes++] = (struct diag_note){arena_vprintf(d->a, fmt, ap), pos};
    va_end(ap);
}

static const struct source *const *sort_files;
static size_t sort_nfiles;

static size_t file_rank(const struct source *s)
{
    for (size_t i = 0; i < sort_nfiles; i++)
        if (sort_files[i] == s)
            return i;
    return sort_nfiles;
}

static int cmp_diag(const void *pa, const void *pb)
{
    const struct diag *a = *(struct diag *const *)pa, *b = *(struct diag *const *)pb;
    size_t fa = file_rank(a->pos.src), fb = file_rank(b->pos.src);
    if (fa != fb)
        return fa < fb ? -1 : 1;
    if (a->pos.off != b->pos.off)
        return a->pos.off < b->pos.off ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void diags_sort(struct diags *d, const struct source *const *files, size_t nfiles)
{
    sort_files = files;
    sort_nfiles = nfiles;
    if (d->n > 1)
        qsort(d->v, d->n, sizeof(*d->v), cmp_diag);
}

/* ---- JSON helpers ------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (0 when invalid). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t need = s[0] < 0x80             ? 1
                  : (s[0] & 0xE0) == 0xC0 ? 2
                  : (s[0] & 0xF0) == 0xE0 ? 3
                  : (s[0] & 0xF8) == 0xF0 ? 4
                                          : 0;
    if (!need || need > n || (need == 2 && s[0] < 0xC2) || (need == 4 && s[0] > 0xF4))
        return 0;
    for (size_t i = 1; i < need; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((need == 3 && s[0] == 0xE0 && s[1] < 0xA0) || (need == 3 && s[0] == 0xED && s[1] > 0x9F) ||
        (need == 4 && s[0] == 0xF0 && s[1] < 0x90) || (need == 4 && s[0] == 0xF4 && s[1] > 0x8F))
        return 0; /* overlong, surrogate or past U+10FFFF */
    return need;
}

void json_str(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            /* JSON is UTF-8: bytes that are not become U+FFFD. */
            size_t n = utf8_len((const unsigned char *)s + i, len - i);
            if (n) {
                fwrite(s + i, 1, n, out);
                i += n - 1;
            } else {
                fputs("\\ufffd", out);
            }
            continue;
        }
        switch (c) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                fprintf(out, "\\u%04x", c);
            else
                fputc(c, out);
        }
    }
    fputc('"', out);
}

static void json_cstr(FILE *out, const char *s)
{
    json_str(out, s ? s : "", s ? strlen(s) : 0);
}

/* ---- text --------------------------------------------------------------- */

static void print_excerpt(FILE *out, struct src_pos pos, uint32_t span, bool color)
{
    size_t llen;
    const char *line = src_line(pos.src, pos.off, &llen);
    uint32_t lno, col;
    src_linecol(pos.src, pos.off, &lno, &col);
    /* The gutter grows with the line number so the caret stays aligned. */
    int w = snprintf(NULL, 0, "%u", lno);
    w = w < 5 ? 5 : w;
    fprintf(out, "%*u | ", w, lno);
    for (size_t i = 0; i < llen; i++)
        fputc(line[i] == '\t' ? ' ' : line[i], out);
    fprintf(out, "\n%*s | ", w, "");
    for (uint32_t i = 1; i < col; i++)
        fputc(' ', out);
    if (color)
        fputs("\033[1;32m", out);
    fputc('^', out);
    /* Underline the span, but never past the end of this line. */
    for (uint32_t i = 1; i < span && col + i <= llen; i++)
        fputc('~', out);
    if (color)
        fputs("\033[0m", out);
    fputc('\n', out);
}

void diag_render_text(FILE *out, const struct diags *d, bool color)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct diag *g = d->v[i];
        if (g->repeat)
            continue;
        bool err = diag_severity(g->code) == DIAG_SEV_ERROR;
        const char *sev = err ? "error" : "warning";
        const char *on = color ? (err ? "\033[1;31m" : "\033[1;35m") : "";
        const char *off = color ? "\033[0m" : "";
        if (g->pos.src && g->pos.src->len) {
            uint32_t l, c;
            src_linecol(g->pos.src, g->pos.off, &l, &c);
            fprintf(out, "%s:%u:%u: %s%s[%s]%s: %s\n", g->pos.src->name, l, c, on, sev,
                    diag_code_name(g->code), off, g->msg);
            print_excerpt(out, g->pos, g->span, color);
        } else if (g->pos.src) {
            fprintf(out, "%s: %s%s[%s]%s: %s\n", g->pos.src->name, on, sev, diag_code_name(g->code),
                    off, g->msg);
        } else {
            fprintf(out, "falcoc: %s%s[%s]%s: %s\n", on, sev, diag_code_name(g->code), off, g->msg);
        }
        for (int k = 0; k < g->nnotes; k++) {
            const struct diag_note *nt = &g->notes[k];
            if (nt->pos.src) {
                uint32_t l, c;
                src_linecol(nt->pos.src, nt->pos.off, &l, &c);
                fprintf(out, "note: %s at %s:%u:%u\n", nt->msg, nt->pos.src->name, l, c);
            } else {
                fprintf(out, "note: %s\n", nt->msg);
            }
        }
    }
}

/* ---- Falco's validation JSON (rules-language.md §9.5) ---------------------- */

static void json_position(FILE *out, struct src_pos p)
{
    uint32_t l = 1, c = 1;
    if (p.src)
        src_linecol(p.src, p.off, &l, &c);
    fprintf(out, "{\"column\":%u,\"line\":%u,\"name\":", c - 1, l - 1);
    json_cstr(out, p.src ? p.src->name : "");
    fprintf(out, ",\"offset\":%u}", p.src ? p.off : 0);
}

static void json_snippet(FILE *out, struct src_pos p)
{
    if (!p.src || !p.src->len) {
        json_cstr(out, "");
        return;
    }
    size_t llen;
    const char *line = src_line(p.src, p.off, &llen);
    size_t col = p.off - (size_t)(line - p.src->text);
    if (col > llen)
        col = llen;
    /* At most 80 bytes on each side of the position, cut ends marked. */
    size_t from = col > 80 ? col - 80 : 0, to = llen - col > 80 ? col + 80 : llen;
    char buf[512];
    size_t n = 0;
    if (from) {
        memcpy(buf, "...", 3);
        n = 3;
    }
    memcpy(buf + n, line + from, to - from);
    n += to - from;
    size_t caret = (from ? 3 : 0) + (col - from);
    if (to < llen) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n++] = '\n';
    for (size_t i = 0; i < caret && n < sizeof(buf) - 3; i++)
        buf[n++] = ' ';
    buf[n++] = '^';
    buf[n++] = '\n';
    json_str(out, buf, n);
}

static void json_entry(FILE *out, const struct diag *g, const struct source *file)
{
    bool err = diag_severity(g->code) == DIAG_SEV_ERROR;
    fputs("{\"code\":", out);
    json_cstr(out, diag_code_name(g->code));
    fputs(",\"codedesc\":", out);
    json_cstr(out, diag_code_desc(g->code));
    fputs(",\"context\":{\"locations\":[{\"item_name\":\"\",\"item_type\":\"rules content\","
          "\"position\":",
          out);
    json_position(out, (struct src_pos){file, 0});
    fputc('}', out);
    for (int i = 0; i < g->nlocs; i++) {
        fputs(",{\"item_name\":", out);
        json_cstr(out, g->locs[i].item_name);
        fputs(",\"item_type\":", out);
        json_cstr(out, g->locs[i].item_type);
        fputs(",\"position\":", out);
        json_position(out, g->locs[i].pos.src ? g->locs[i].pos : (struct src_pos){file, 0});
        fputc('}', out);
    }
    fputs("],\"snippet\":", out);
    json_snippet(out, g->pos);
    fputc('}', out);
    if (!err && g->deprecated_field) {
        fputs(",\"deprecated_field\":", out);
        json_cstr(out, g->deprecated_field);
    }
    fputs(",\"message\":", out);
    json_cstr(out, g->msg);
    fputc('}', out);
}

void diag_render_falco_json(FILE *out, const struct diags *d, const struct source *const *files,
                            size_t nfiles)
{
    fputs("{\"falco_load_results\":[", out);
    for (size_t f = 0; f < nfiles; f++) {
        const struct source *file = files[f];
        if (f)
            fputc(',', out);
        bool ok = true;
        for (size_t i = 0; i < d->n; i++)
            if (d->v[i]->result == file && diag_severity(d->v[i]->code) == DIAG_SEV_ERROR)
                ok = false;
        for (int pass = 0; pass < 2; pass++) {
            fputs(pass ? ",\"warnings\":[" : "{\"errors\":[", out);
            bool first = true;
            for (size_t i = 0; i < d->n; i++) {
                const struct diag *g = d->v[i];
                bool err = diag_severity(g->code) == DIAG_SEV_ERROR;
                if (g->result != file || err == (pass == 1))
                    continue;
                if (!first)
                    fputc(',', out);
                first = false;
                json_entry(out, g, g->pos.src ? g->pos.src : file);
            }
            fputc(']', out);
            if (!pass) {
                fputs(",\"name\":", out);
                json_cstr(out, file->name);
                fputs(",\"schema_valid\":true,\"schema_warnings\":[],\"successful\":", out);
                fputs(ok ? "true" : "false", out);
            }
        }
        fputc('}', out);
    }
    fputs("]}\n", out);
}

/* ---- SARIF 2.1.0 ----------------------------------------------------------- */

void diag_render_sarif(FILE *out, const struct diags *d)
{
    fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
          "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"falcoc\",\"rules\":[",
          out);
    for (int c = 0; c < DIAG_COUNT; c++) {
        if (c)
            fputc(',', out);
        fputs("{\"id\":", out);
        json_cstr(out, diag_code_name((enum diag_code)c));
        fputs(",\"shortDescription\":{\"text\":", out);
        json_cstr(out, diag_code_desc((enum diag_code)c));
        fputs("},\"defaultConfiguration\":{\"level\":", out);
        json_cstr(out, diag_severity((enum diag_code)c) == DIAG_SEV_ERROR ? "error" : "warning");
        fputs("}}", out);
    }
    fputs("]}},\"columnKind\":\"unicodeCodePoints\",\"results\":[", out);
    bool first = true;
    for (size_t i = 0; i < d->n; i++) {
        const struct diag *g = d->v[i];
        if (g->repeat)
            continue;
        if (!first)
            fputc(',', out);
        first = false;
        fputs("{\"ruleId\":", out);
        json_cstr(out, diag_code_name(g->code));
        fprintf(out, ",\"ruleIndex\":%d,\"level\":", (int)g->code);
        json_cstr(out, diag_severity(g->code) == DIAG_SEV_ERROR ? "error" : "warning");
        fputs(",\"message\":{\"text\":", out);
        json_cstr(out, g->msg);
        fputc('}', out);
        if (g->pos.src) {
            uint32_t l, c;
            src_linecol(g->pos.src, g->pos.off, &l, &c);
            /* SARIF columns count characters; convert the byte column. */
            size_t llen;
            const char *line = src_line(g->pos.src, g->pos.off, &llen);
            uint32_t chars = 1;
            for (uint32_t b = 0; b + 1 < c && b < llen; b++)
                chars += ((unsigned char)line[b] & 0xC0) != 0x80;
            fputs(",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":", out);
            json_cstr(out, g->pos.src->name);
            fprintf(out, "},\"region\":{\"startLine\":%u,\"startColumn\":%u", l, chars);
            if (g->span > 1)
                fprintf(out, ",\"endColumn\":%u", chars + g->span);
            fputs("}}}]", out);
        }
        fputc('}', out);
    }
    fputs("]}]}\n", out);
}
