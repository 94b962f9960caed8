/*
 * source.c - rules file bytes and position mapping; see source.h.
 */
#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct source *src_from_bytes(struct arena *a, const char *name, const char *bytes, size_t len)
{
    struct source *s = arena_alloc(a, sizeof(*s));
    s->name = arena_strdup(a, name);
    s->text = arena_strndup(a, bytes, len);
    s->len = len;
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += bytes[i] == '\n';
    s->line_start = arena_alloc(a, n * sizeof(uint32_t));
    s->nlines = 0;
    s->line_start[s->nlines++] = 0;
    for (size_t i = 0; i < len; i++)
        if (bytes[i] == '\n')
            s->line_start[s->nlines++] = (uint32_t)(i + 1);
    return s;
}

struct source *src_read_file(struct arena *a, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *data = malloc(cap);
    for (;;) {
        if (!data) {
            fclose(f);
            errno = ENOMEM;
            return NULL;
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
        if (len == cap) {
            cap *= 2;
            char *n = realloc(data, cap);
            if (!n)
                free(data);
            data = n;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (err || len > UINT32_MAX - 1) {
        free(data);
        errno = err ? EIO : EFBIG;
        return NULL;
    }
    struct source *s = src_from_bytes(a, path, data, len);
    free(data);
    return s;
}

static size_t line_of(const struct source *s, uint32_t off)
{
    size_t lo = 0, hi = s->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->line_start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void src_linecol(const struct source *s, uint32_t off, uint32_t *line, uint32_t *col)
{
    if (off > s->len)
        off = (uint32_t)s->len;
    size_t l = line_of(s, off);
    *line = (uint32_t)l + 1;
    *col = off - s->line_start[l] + 1;
}

uint32_t src_offset_of(const struct source *s, size_t line0, size_t col_chars)
{
    if (line0 >= s->nlines)
        return (uint32_t)s->len;
    uint32_t off = s->line_start[line0];
    while (col_chars > 0 && off < s->len && s->text[off] != '\n') {
        off++;
        while (off < s->len && ((unsigned char)s->text[off] & 0xC0) == 0x80)
            off++;
        col_chars--;
    }
    return off;
}

const char *src_line(const struct source *s, uint32_t off, size_t *len)
{
    if (off > s->len)
        off = (uint32_t)s->len;
    size_t l = line_of(s, off);
    const char *start = s->text + s->line_start[l];
    const char *end = memchr(start, '\n', s->len - s->line_start[l]);
    *len = end ? (size_t)(end - start) : s->len - s->line_start[l];
    if (*len && start[*len - 1] == '\r')
        (*len)--;
    return start;
}
