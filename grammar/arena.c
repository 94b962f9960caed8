/*
 * arena.c - bump allocator; see arena.h for the ownership rule.
 */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
    struct arena_block *prev;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

enum { BLOCK_MIN = 64 * 1024 };

static _Noreturn void oom(void)
{
    fputs("falcoc: out of memory\n", stderr);
    abort();
}

void arena_init(struct arena *a)
{
    a->head = NULL;
    a->total = 0;
}

void arena_free(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *prev = b->prev;
        free(b);
        b = prev;
    }
    a->head = NULL;
    a->total = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t bsize = size > BLOCK_MIN ? size : BLOCK_MIN;
        if (bsize > SIZE_MAX - sizeof(*b))
            oom();
        b = malloc(sizeof(*b) + bsize);
        if (!b)
            oom();
        b->prev = a->head;
        b->used = 0;
        b->size = bsize;
        a->head = b;
        a->total += bsize;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

void *arena_realloc(struct arena *a, void *p, size_t old, size_t size)
{
    if (size <= old)
        return p;
    void *n = arena_alloc(a, size);
    if (old)
        memcpy(n, p, old);
    return n;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1);
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        n = 0;
    char *d = arena_alloc(a, (size_t)n + 1);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    return d;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *d = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return d;
}

void buf_init(struct buf *b, struct arena *a)
{
    b->a = a;
    b->data = NULL;
    b->len = b->cap = 0;
}

static void reserve(struct buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = arena_realloc(b->a, b->data, b->cap, cap);
    b->cap = cap;
}

void buf_add(struct buf *b, const char *s, size_t n)
{
    reserve(b, n);
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
    buf_add(b, &c, 1);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap, cp;
    va_start(ap, fmt);
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n > 0) {
        reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        b->len += (size_t)n;
    }
    va_end(ap);
}

const char *buf_cstr(struct buf *b)
{
    reserve(b, 0);
    b->data[b->len] = '\0';
    return b->data;
}
