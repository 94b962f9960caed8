/*
 * session.h - one run of the compiler: owns the arena, the sources, the
 * diagnostics and the rules model, and runs the stages in order
 * (yaml → load → resolve → check). Only main.c prints.
 */
#ifndef FALCOC_SESSION_H
#define FALCOC_SESSION_H

#include <stdbool.h>

#include "arena.h"
#include "diag.h"
#include "mtext.h"
#include "rules.h"
#include "source.h"

struct ast_node;
struct out_fmt;
struct chk_info;

/* Resolution results hung on rl_list/rl_macro/rl_rule ->resolved. */
struct res_list {
    const char **items;         /* items after one-level list expansion */
    const struct ynode **nodes; /* where each item was written */
    size_t n;
    size_t pos; /* position in the set's list table */
};

enum res_state { RES_TODO, RES_ACTIVE, RES_DONE, RES_FAILED };

/* Lists whose names were substituted into a text (explain, lint). */
struct res_lists {
    struct rl_list **v;
    size_t n, cap;
};

struct res_macro {
    enum res_state state;
    struct res_lists lists;
    struct mtext text;      /* condition after list substitution */
    struct ast_node *tree;  /* identifiers point (->user) at their rl_macro */
    bool evaluated_in_rule; /* type-checked through some rule */
};

struct res_rule {
    bool ok; /* resolved and checked without error */
    struct res_lists lists;
    bool skipped;      /* skip-if-unknown-filter dropped it */
    struct mtext text; /* condition with exceptions and lists substituted */
    struct ast_node *tree;
    struct out_fmt *output; /* parsed output format */
    struct chk_info *info;  /* event types, fields, operators (check.c) */
};

struct session {
    struct arena arena;
    struct diags diags;
    struct source **files;
    size_t nfiles, capfiles;
    struct rl_set set;
    bool compiled;
};

void session_init(struct session *s);
void session_free(struct session *s);
/* Reads, parses and loads one rules file (in command-line order). */
bool session_load_file(struct session *s, const char *path);
/* Same, for rules text already in memory (tests, fuzzing). */
bool session_load_bytes(struct session *s, const char *name, const char *bytes, size_t len);
/* Resolves and checks everything loaded; false if any error was reported. */
bool session_compile(struct session *s);

/* Compiles what is loaded so far on behalf of the file just loaded, as
 * Falco does after each file: what it finds goes to that file's result;
 * errors an earlier step reported are not repeated, warnings are (marked). */
bool session_compile_step(struct session *s, const struct source *result);

/* Stages (resolve.c, check.c). */
bool res_run(struct session *s);
bool chk_run(struct session *s);

/* A text as Falco assembles it (parts joined by one space), trimmed. */
const char *rl_text_join(struct arena *a, const struct rl_text *t);

/* The file position of an item, for contexts. */
struct src_pos item_pos(const struct ynode *item);

#endif
