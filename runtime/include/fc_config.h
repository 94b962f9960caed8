/*
 * fc_config.h - falcod's configuration: a falco.yaml and the files its
 * config_files names, ${VAR} expansion, then -o key=value overrides, read
 * back by key path with typed getters (shared/spec/config.md §1).
 *
 * Key paths: "a.b.c" walks maps, "list[2]" indexes a sequence; a backslash
 * escapes a literal '.', '[', ']' or '\' inside a key. The typed getters
 * never fail: a missing key, or a value that does not convert to the type
 * asked, gives the caller's default (the latter also records a warning, as
 * Falco falls back to the default after its schema warning).
 *
 * Errors (unreadable or malformed YAML, a bad -o option, an included file
 * that includes again) are reported as "FILE:LINE:COL: message" (or
 * "-o OPTION: message") and leave what was loaded before them in place;
 * the exception is a failing -o config_files option, after which the
 * document is the main file, what merged before the error and the options
 * given before it (falcod stops there anyway).
 */
#ifndef FALCOC_FC_CONFIG_H
#define FALCOC_FC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fc_config;

struct fc_config *fc_config_new(void);
void fc_config_free(struct fc_config *c);

/* Loads the main file, then the files and directories its config_files
 * lists (strategies append, override, add-only; missing entries skipped).
 * 0, or -1 with the message in err. */
int fc_config_load_file(struct fc_config *c, const char *path, char *err, size_t errsz);

/* Loads YAML text as if it were the main file named name (tests, fuzzing). */
int fc_config_load_text(struct fc_config *c, const char *name, const char *text, size_t len,
                        char *err, size_t errsz);

/* Applies one -o option, "key=value" (a value in {...} is a YAML flow map,
 * anything else a scalar; "list[]" appends). 0, or -1 with err. */
int fc_config_override(struct fc_config *c, const char *option, char *err, size_t errsz);

/* Is there a value (of any kind) at key? */
bool fc_config_has(const struct fc_config *c, const char *key);

bool fc_config_bool(struct fc_config *c, const char *key, bool def);
int64_t fc_config_int(struct fc_config *c, const char *key, int64_t def);
uint64_t fc_config_uint(struct fc_config *c, const char *key, uint64_t def);
double fc_config_double(struct fc_config *c, const char *key, double def);
/* The scalar at key (after ${VAR} expansion), or def; owned by c and valid
 * until the next load or override. A single string where a list is
 * expected (rules_files) is for the caller to treat as a list of one, as
 * Falco does: fc_config_len gives 0 for it. */
const char *fc_config_str(struct fc_config *c, const char *key, const char *def);
/* Number of items of the sequence at key (0 when absent or not a sequence). */
size_t fc_config_len(const struct fc_config *c, const char *key);

/* Warnings recorded so far (type mismatches, removed keys), in order. */
size_t fc_config_nwarnings(const struct fc_config *c);
const char *fc_config_warning(const struct fc_config *c, size_t i);

/* The files loaded, in load order (Falco lists them at startup). */
size_t fc_config_nfiles(const struct fc_config *c);
const char *fc_config_file(const struct fc_config *c, size_t i);

#endif
