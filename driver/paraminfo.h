/*
 * paraminfo.h - lookups over flags.def (flag and enum name tables) and
 * paraminfo.def (which table renders a parameter, which parameter is the
 * dirfd of a relative path, which type a PT_DYN selector chooses).
 *
 * Everything returned points into static tables: nothing is allocated.
 * Codes and indexes come from captures, so anything out of range simply
 * finds nothing.
 */
#ifndef FALCOC_PARAMINFO_H
#define FALCOC_PARAMINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "ppm_types.h"

struct pi_flag {
    const char *name;
    uint32_t value;
};

/* One flags.def table: its names in table order. */
struct pi_table {
    const char *name; /* "file_flags" */
    const struct pi_flag *flags;
    uint32_t n;
};

const struct pi_table *pi_table_by_name(const char *name); /* NULL when unknown */

/* The table that renders parameter index of event code; NULL when none. */
const struct pi_table *pi_param_table(int code, uint32_t index);

/* Index of the dirfd parameter a PT_FSRELPATH is relative to; -1 when none. */
int pi_param_dirfd(int code, uint32_t index);

/* Type and print format a PT_DYN parameter has for selector sel; false
 * when the parameter is not dynamic or the selector is unknown. */
bool pi_param_dyn(int code, uint32_t index, uint8_t sel, enum ppm_param_type *type,
                  enum ppm_print_format *fmt);

#endif
