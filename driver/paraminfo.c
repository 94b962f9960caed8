/*
 * paraminfo.c - the tables of flags.def and paraminfo.def and their
 * lookups (paraminfo.h). paraminfo.def rows are in code order, so a
 * parameter is found by a binary search on the code and a short scan.
 */
#include "paraminfo.h"

#include <string.h>

/* One name array per table, then the table directory. */
// clang-format off
#define FLAG_TABLE(t) static const struct pi_flag flags_##t[] = {
#define FLAG(t, name, value) {name, value},
#define FLAG_TABLE_END(t) };
#include "flags.def"

enum table_id {
#define FLAG_TABLE(t) TABLE_##t,
#include "flags.def"
    TABLE_COUNT
};

static const struct pi_table tables[TABLE_COUNT] = {
#define FLAG_TABLE(t) [TABLE_##t] = {#t, flags_##t, sizeof(flags_##t) / sizeof(flags_##t[0])},
#include "flags.def"
};
// clang-format on

enum kind { K_FLAGS, K_DIRFD, K_DYN };

struct row {
    uint16_t code;
    uint8_t index;
    uint8_t kind;
    uint16_t arg; /* table id, dirfd index or selector */
    uint8_t type, fmt;
};

static const struct row rows[] = {
#define PARAM_FLAGS(code, index, table) {code, index, K_FLAGS, TABLE_##table, 0, 0},
#define PARAM_DIRFD(code, index, dirfd) {code, index, K_DIRFD, dirfd, 0, 0},
#define PARAM_DYN(code, index, sel, type, fmt) {code, index, K_DYN, sel, type, fmt},
#include "paraminfo.def"
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

const struct pi_table *pi_table_by_name(const char *name)
{
    for (int i = 0; i < TABLE_COUNT; i++)
        if (!strcmp(tables[i].name, name))
            return &tables[i];
    return NULL;
}

/* First row of (code, index) with the given kind, or NULL. */
static const struct row *find(int code, uint32_t index, enum kind kind, int arg)
{
    size_t lo = 0, hi = NROWS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (rows[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < NROWS && rows[i].code == code; i++)
        if (rows[i].index == index && rows[i].kind == kind && (arg < 0 || rows[i].arg == arg))
            return &rows[i];
    return NULL;
}

const struct pi_table *pi_param_table(int code, uint32_t index)
{
    const struct row *r = find(code, index, K_FLAGS, -1);
    return r ? &tables[r->arg] : NULL;
}

int pi_param_dirfd(int code, uint32_t index)
{
    const struct row *r = find(code, index, K_DIRFD, -1);
    return r ? r->arg : -1;
}

bool pi_param_dyn(int code, uint32_t index, uint8_t sel, enum ppm_param_type *type,
                  enum ppm_print_format *fmt)
{
    const struct row *r = find(code, index, K_DYN, sel);
    if (!r)
        return false;
    *type = (enum ppm_param_type)r->type;
    *fmt = (enum ppm_print_format)r->fmt;
    return true;
}
