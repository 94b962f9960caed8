/*
 * rules.h - the rules model: lists, macros and rules after loading.
 *
 * Input: YAML items of every file, in load order (load.c); output: three
 * ordered tables with Falco's redefinition, append and override semantics
 * already applied (rules-language.md §1-§3). Texts that Falco concatenates
 * (conditions, outputs, descriptions) are kept as the list of scalar nodes
 * they come from, so resolve.c can map positions back to the files. All
 * memory is in the session arena.
 */
#ifndef FALCOC_RULES_H
#define FALCOC_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "strmap.h"
#include "ynode.h"

/* Pieces of a text that Falco joins with one space (append semantics). */
struct rl_text {
    struct ynode **parts; /* scalar nodes, in order */
    size_t n;
};

struct rl_list {
    const char *name;
    struct ynode *item; /* the defining item (latest full definition) */
    struct ynode *name_node;
    uint32_t index;       /* first definition: position in the shared counter */
    uint32_t visibility;  /* latest definition or append */
    struct ynode **items; /* scalar nodes, appends included, in order */
    size_t nitems;
    bool used;
    void *resolved; /* resolve.c's state */
};

struct rl_macro {
    const char *name;
    struct ynode *item;
    struct ynode *name_node;
    uint32_t index, visibility;
    struct rl_text cond;
    bool cond_appended; /* an append joined texts: lint checks precedence */
    bool used;
    void *resolved; /* resolve.c's state */
};

enum rl_comp_form { RL_EXC_SINGLE, RL_EXC_LIST };

struct rl_exception {
    const char *name;
    struct ynode *node;        /* the exception entry that defined it */
    enum rl_comp_form form;    /* fields given as one scalar, or as a list */
    struct ynode **fields;     /* one scalar per field (one for RL_EXC_SINGLE) */
    const char **comps;        /* one operator per field, trimmed, defaulted */
    struct ynode **comp_nodes; /* where each comp was written (NULL if defaulted) */
    size_t nfields;
    struct ynode **values; /* value entries (scalars or sequences), appends included */
    size_t nvalues;
};

enum rl_priority {
    RL_PRIO_EMERGENCY,
    RL_PRIO_ALERT,
    RL_PRIO_CRITICAL,
    RL_PRIO_ERROR,
    RL_PRIO_WARNING,
    RL_PRIO_NOTICE,
    RL_PRIO_INFORMATIONAL,
    RL_PRIO_DEBUG
};

struct rl_rule {
    const char *name;
    struct ynode *item;
    struct ynode *name_node;
    uint32_t index, visibility;
    struct rl_text cond;
    struct rl_text output;
    struct rl_text desc;
    enum rl_priority priority;
    struct ynode *priority_node;
    const char *source; /* default "syscall" */
    bool source_known;  /* false: LOAD_UNKNOWN_SOURCE given, never compiled */
    bool enabled;
    const char **tags; /* sorted, unique */
    size_t ntags;
    struct rl_exception *exceptions;
    size_t nexceptions;
    bool warn_evttypes;
    bool skip_if_unknown_filter;
    bool capture;
    uint32_t capture_duration;
    bool cond_appended; /* an append joined texts: lint checks precedence */
    void *resolved;     /* resolve.c's state */
};

struct rl_plugin_req {
    const char *name;
    const char *version;
    struct ynode *node;
};

struct rl_set {
    struct rl_list **lists;
    size_t nlists, caplists;
    struct rl_macro **macros;
    size_t nmacros, capmacros;
    struct rl_rule **rules;
    size_t nrules, caprules;
    struct strmap list_ix, macro_ix, rule_ix; /* name → item, for the finds */
    uint32_t counter;                         /* shared item counter across kinds and files */
    uint32_t engine_required;                 /* highest required engine version, packed */
    bool has_engine_required;
    uint32_t engine_req[3];        /* the same, exact: major, minor, patch */
    struct ynode *engine_req_node; /* the value that required it */
    /* required_plugin_versions: groups of alternatives */
    struct rl_plugin_req **plugin_reqs;
    size_t *plugin_nalts;
    size_t nplugin_reqs;
};

/* The engine version falcoc implements (rules-language.md §10). */
#define RL_ENGINE_MAJOR 0
#define RL_ENGINE_MINOR 62
#define RL_ENGINE_PATCH 0
/* Packs a version for engine_required (components saturate at 255.4095.4095;
 * engine_req[] keeps the exact numbers). */
#define RL_VERSION_PACK(ma, mi, pa)                                                                \
    ((uint32_t)((ma) > 255 ? 255 : (ma)) << 24 | (uint32_t)((mi) > 4095 ? 4095 : (mi)) << 12 |     \
     (uint32_t)((pa) > 4095 ? 4095 : (pa)))
/* The version of the built-in container field provider, for
 * required_plugin_versions entries naming "container". */
#define RL_CONTAINER_PLUGIN_VERSION "0.6.0"

void rl_set_init(struct rl_set *s);
struct rl_list *rl_find_list(const struct rl_set *s, const char *name);
struct rl_macro *rl_find_macro(const struct rl_set *s, const char *name);
struct rl_rule *rl_find_rule(const struct rl_set *s, const char *name);

/*
 * Reads the items of one parsed file into the set (load.c). Shape errors are
 * reported and the offending item is dropped; loading goes on with the next
 * item, so one broken rule never hides the next. Returns false if any error
 * was reported for this file.
 */
bool rl_load_file(struct arena *a, struct diags *d, struct rl_set *s, const struct source *src,
                  const struct ydoc *docs, size_t ndocs);

/* Helpers shared with resolve.c. */
bool rl_parse_bool(const char *s, bool *out);
/* Priority words of §1.9, case-insensitive ("info" too). */
bool rl_parse_priority(const char *s, enum rl_priority *out);

#endif
