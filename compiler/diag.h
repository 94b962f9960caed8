/*
 * diag.h - diagnostics: collected, never thrown; rendered as text, Falco's
 * validation JSON, or SARIF 2.1.0.
 *
 * A diagnostic has a code (diag.def), a message, a primary position with a
 * span length for the caret underline, a context chain in Falco's shape
 * (rules content → item → detail, §9.4), and notes (macro expansion chains).
 * All memory comes from the session arena.
 */
#ifndef FALCOC_DIAG_H
#define FALCOC_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "arena.h"
#include "source.h"

enum diag_code {
#define DIAG(id, sev, desc) DIAG_##id,
#include "diag.def"
    DIAG_COUNT
};

enum diag_severity { DIAG_SEV_ERROR, DIAG_SEV_WARNING };

struct diag_loc {
    const char *item_type; /* "rule", "macro", "value for", "rule condition", ... */
    const char *item_name; /* may be "" */
    struct src_pos pos;
};

struct diag_note {
    const char *msg;
    struct src_pos pos;
};

enum { DIAG_MAX_LOCS = 6, DIAG_MAX_NOTES = 8 };

struct diag {
    enum diag_code code;
    const char *msg;
    struct src_pos pos;                  /* primary position; src NULL for positionless ones */
    uint32_t span;                       /* bytes to underline from pos (0 or 1: a caret) */
    struct diag_loc locs[DIAG_MAX_LOCS]; /* after the implicit "rules content" */
    int nlocs;
    struct diag_note notes[DIAG_MAX_NOTES];
    int nnotes;
    const char *deprecated_field; /* for deprecated-field warnings */
    unsigned seq;                 /* emission order, for stable sorting */
    /* The file whose load result this belongs to: its own file for what
     * reading found; for what compiling found, the file whose load
     * triggered that compile (Falco recompiles after every file). */
    const struct source *result;
    bool repeat; /* a warning an earlier file's compile already gave */
};

struct diags {
    struct arena *a;
    struct diag **v;
    size_t n, cap;
    size_t nerrors, nwarnings;
    bool lint; /* LINT_* codes are kept only when set */
    /* Set by the session around a compile step (see session_compile_step):
     * diagnostics from index step_start on belong to that step. */
    const struct source *step_result;
    size_t step_start;
    size_t step_errors; /* errors found in this step, repeats included */
};

void diags_init(struct diags *d, struct arena *a);
enum diag_severity diag_severity(enum diag_code c);
const char *diag_code_name(enum diag_code c);
const char *diag_code_desc(enum diag_code c);

/* Adds a diagnostic; returns NULL (and records nothing) for a LINT_* code
 * when lint mode is off. */
struct diag *diag_add(struct diags *d, enum diag_code code, struct src_pos pos, uint32_t span,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void diag_loc(struct diag *g, const char *item_type, const char *item_name, struct src_pos pos);
void diag_note(struct diags *d, struct diag *g, struct src_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sorts by file order of the command line, then position, then emission. */
void diags_sort(struct diags *d, const struct source *const *files, size_t nfiles);

/* Renderers. `files` are the sources in command-line order. */
void diag_render_text(FILE *out, const struct diags *d, bool color);
void diag_render_falco_json(FILE *out, const struct diags *d, const struct source *const *files,
                            size_t nfiles);
void diag_render_sarif(FILE *out, const struct diags *d);

/* JSON string escaping shared by every JSON writer. */
void json_str(FILE *out, const char *s, size_t len);

#endif
