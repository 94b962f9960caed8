/*
 * session.c - runs the stages over every file of one invocation; see session.h.
 */
#include "session.h"

#include <errno.h>
#include <string.h>

#include "ynode.h"

void session_init(struct session *s)
{
    memset(s, 0, sizeof(*s));
    arena_init(&s->arena);
    diags_init(&s->diags, &s->arena);
    rl_set_init(&s->set);
}

void session_free(struct session *s)
{
    arena_free(&s->arena);
}

static void add_file(struct session *s, struct source *src)
{
    if (s->nfiles == s->capfiles) {
        size_t cap = s->capfiles ? s->capfiles * 2 : 8;
        s->files = arena_realloc(&s->arena, s->files, s->capfiles * sizeof(*s->files),
                                 cap * sizeof(*s->files));
        s->capfiles = cap;
    }
    s->files[s->nfiles++] = src;
}

static bool load_source(struct session *s, struct source *src)
{
    add_file(s, src);
    struct ydoc *docs = NULL;
    size_t ndocs = 0;
    bool ok = yaml_parse(&s->arena, &s->diags, src, &docs, &ndocs);
    /* Documents completed before a YAML error are still loaded. */
    ok = rl_load_file(&s->arena, &s->diags, &s->set, src, docs, ndocs) && ok;
    return ok;
}

bool session_load_bytes(struct session *s, const char *name, const char *bytes, size_t len)
{
    return load_source(s, src_from_bytes(&s->arena, name, bytes, len));
}

bool session_load_file(struct session *s, const char *path)
{
    struct source *src = src_read_file(&s->arena, path);
    if (!src) {
        int e = errno;
        /* An empty stand-in keeps the file in the report, in its place. */
        src = src_from_bytes(&s->arena, path, "", 0);
        add_file(s, src);
        struct diag *g = diag_add(&s->diags, DIAG_LOAD_ERR_FILE_READ, (struct src_pos){src, 0}, 0,
                                  "could not read file: %s", strerror(e));
        (void)g;
        return false;
    }
    return load_source(s, src);
}

bool session_compile_step(struct session *s, const struct source *result)
{
    s->diags.step_result = result;
    s->diags.step_start = s->diags.n;
    s->diags.step_errors = 0;
    bool ok = session_compile(s);
    s->diags.step_result = NULL;
    return ok;
}

bool session_compile(struct session *s)
{
    size_t before = s->diags.nerrors;
    res_run(s);
    chk_run(s);
    s->compiled = true;
    return s->diags.nerrors == before;
}

const char *rl_text_join(struct arena *a, const struct rl_text *t)
{
    struct buf b;
    buf_init(&b, a);
    buf_add(&b, "", 0);
    for (size_t i = 0; i < t->n; i++) {
        if (i)
            buf_addc(&b, ' ');
        buf_add(&b, t->parts[i]->value, t->parts[i]->len);
    }
    /* Falco trims outputs; the other texts read the same trimmed. */
    const char *s = buf_cstr(&b);
    while (*s == ' ' || *s == '\n' || *s == '\t')
        s++;
    char *d = arena_strdup(a, s);
    size_t n = strlen(d);
    while (n && (d[n - 1] == ' ' || d[n - 1] == '\n' || d[n - 1] == '\t'))
        d[--n] = '\0';
    return d;
}
