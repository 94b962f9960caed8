/*
 * tharness.h - the smallest test harness that does the job: CHECK records a
 * failure with its location and goes on; tests end with th_done(), which
 * prints "N passed, N failed" and returns the exit status.
 */
#ifndef FALCOC_THARNESS_H
#define FALCOC_THARNESS_H

#include <stdio.h>

static int th_pass, th_fail;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            th_pass++;                                                                             \
        } else {                                                                                   \
            th_fail++;                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

static inline int th_done(void)
{
    printf("%d passed, %d failed\n", th_pass, th_fail);
    return th_fail ? 1 : 0;
}

#endif
