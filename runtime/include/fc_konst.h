/*
 * fc_konst.h - the constants of compiled checks and the check kernels that
 * use them.
 *
 * A rule object describes the constants its checks compare against (one
 * fc_kdesc each: a string with its operator, a set for `in`, pmatch entries,
 * a modifier list, numbers, addresses or networks). When rules are loaded
 * the runtime builds them once (glob programs, hash sets, tries, compiled
 * regexes) into the table that fc_ctx.k points at, and compiled code calls a
 * kernel with the constant's index. Ownership: fc_konst_build allocates the
 * table and everything in it; fc_konst_free releases them.
 */
#ifndef FALCOC_FC_KONST_H
#define FALCOC_FC_KONST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fc_abi.h"

enum fc_kkind {
    FC_K_STR,    /* one string constant, any string operator (op: enum ast_op) */
    FC_K_STRSET, /* in / intersects over strings */
    FC_K_PMATCH, /* pmatch entries */
    FC_K_MODSET, /* a string operator (op) with a modifier (mod: enum ast_mod) over items */
    FC_K_NUMSET, /* in / intersects over numbers: items are decimal texts (type gives sign) */
    FC_K_IPSET,  /* addresses (type IPADDR...) or networks (type IPNET...): match any item */
};

struct fc_kdesc {
    uint32_t kind; /* enum fc_kkind */
    uint32_t op;   /* enum ast_op */
    uint32_t mod;  /* enum ast_mod */
    uint32_t type; /* enum ppm_param_type of the left side */
    uint32_t n;    /* items */
    const char *const *items;
    const uint32_t *lens;
};

/* Builds every constant; NULL with a message when one cannot be built
 * (a regex that does not compile). */
void **fc_konst_build(const struct fc_kdesc *d, size_t n, char *err, size_t errsz);
void fc_konst_free(void **k, const struct fc_kdesc *d, size_t n);

/* A numeric or boolean constant as a 64-bit value (§6.2), cut to the width of
 * `type` (enum ppm_param_type) and sign-extended for signed types; false when
 * the text is not one. The compiler converts with this same function. */
bool fc_const_num(uint32_t type, const char *s, size_t n, uint64_t *out);
int fc_type_bits(uint32_t type);

/* Kernels: does value v satisfy constant k? (v is never NULL.) */
bool fc_k_str(const struct fc_ctx *c, uint32_t k, const struct fc_val *v);
bool fc_k_num(const struct fc_ctx *c, uint32_t k, const struct fc_val *v);
bool fc_k_ip(const struct fc_ctx *c, uint32_t k, const struct fc_val *v);

/* Two extracted values compared with op (field on the right), for a left
 * side of type `type`. Operators that need a constant (pmatch, regex) are
 * refused by the compiler and answer false here. */
bool fc_cmp_vals(uint32_t op, uint32_t type, const struct fc_val *a, const struct fc_val *b);

#endif
