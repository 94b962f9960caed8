/*
 * source.h - a loaded rules file and byte-offset → line:column mapping.
 *
 * A source owns a copy of the file bytes (NUL-terminated) in the session
 * arena. Lines and columns are 1-based and columns count bytes, as in the
 * diagnostics of STYLE.md; Falco's JSON positions are 0-based and are derived
 * from the same mapping.
 */
#ifndef FALCOC_SOURCE_H
#define FALCOC_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct source {
    const char *name; /* as given on the command line */
    const char *text; /* file bytes, NUL-terminated */
    size_t len;
    uint32_t *line_start; /* byte offset of each line's first byte */
    size_t nlines;
};

/* A position: a source and a byte offset into it (src NULL: no position). */
struct src_pos {
    const struct source *src;
    uint32_t off;
};

struct source *src_from_bytes(struct arena *a, const char *name, const char *bytes, size_t len);
/* Reads a file; on failure returns NULL and sets errno. */
struct source *src_read_file(struct arena *a, const char *path);
/* 1-based line and byte column of an offset (clamped to the text). */
void src_linecol(const struct source *s, uint32_t off, uint32_t *line, uint32_t *col);
/* Byte offset of a 0-based line and a 0-based column counted in UTF-8 characters. */
uint32_t src_offset_of(const struct source *s, size_t line0, size_t col_chars);
/* The line holding off, without its newline. */
const char *src_line(const struct source *s, uint32_t off, size_t *len);

#endif
