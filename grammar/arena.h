/*
 * arena.h - bump allocator owned by one compilation session.
 *
 * Everything a compile produces (AST nodes, strings, diagnostics) lives in
 * one arena and is released at once by arena_free(); nothing is freed one by
 * one. Allocation failure is fatal (we abort with a message): a compiler that
 * runs out of memory on a rules file has nothing useful left to report.
 */
#ifndef FALCOC_ARENA_H
#define FALCOC_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head; /* current block, linked to older ones */
    size_t total;             /* bytes obtained from malloc, for reports */
};

void arena_init(struct arena *a);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t size); /* zeroed, 16-aligned */
void *arena_realloc(struct arena *a, void *p, size_t old, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n); /* NUL-terminated copy */
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Growable byte buffer whose storage comes from an arena. */
struct buf {
    struct arena *a;
    char *data;
    size_t len, cap;
};

void buf_init(struct buf *b, struct arena *a);
void buf_add(struct buf *b, const char *s, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *buf_cstr(struct buf *b); /* NUL-terminated view; len excludes the NUL */

#endif
