/*
 * explain.c - `falcoc explain RULES.yaml... [RULE]`: for each rule its
 * condition as written, the resolved condition (macros expanded, exceptions
 * and lists applied, in Falco's printed form), event types, fields read,
 * operators, macros and lists, output fields and its warnings. Text for
 * people, --json in the shape of Falco's describe output (§9.7).
 */
#include "explain.h"
#include "fc_alert.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "session.h"

/* A copy of the tree with every macro reference replaced by its body. */
static struct ast_node *expand(struct arena *a, const struct ast_node *n, int depth)
{
    if (n->kind == AST_ID && n->user && depth < 256) {
        const struct rl_macro *m = n->user;
        const struct res_macro *rm = m->resolved;
        if (rm && rm->tree)
            return expand(a, rm->tree, depth + 1);
    }
    if (n->kind != AST_AND && n->kind != AST_OR && n->kind != AST_NOT)
        return (struct ast_node *)n;
    struct ast_node *c = arena_alloc(a, sizeof(*c));
    *c = *n;
    c->kids = arena_alloc(a, n->nkids * sizeof(*c->kids));
    for (size_t i = 0; i < n->nkids; i++)
        c->kids[i] = expand(a, n->kids[i], depth);
    return c;
}

static void json_list(FILE *o, const char *key, const char *const *v, size_t n, bool comma)
{
    fprintf(o, "\"%s\":[", key);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', o);
        json_str(o, v[i], strlen(v[i]));
    }
    fputc(']', o);
    if (comma)
        fputc(',', o);
}

static void json_kv(FILE *o, const char *key, const char *v, bool comma)
{
    fprintf(o, "\"%s\":", key);
    json_str(o, v, strlen(v));
    if (comma)
        fputc(',', o);
}

static const struct diag *const *rule_diags(struct session *s, const struct rl_rule *r, size_t *n)
{
    const struct diag **v = arena_alloc(&s->arena, (s->diags.n + 1) * sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < s->diags.n; i++) {
        const struct diag *g = s->diags.v[i];
        if (g->nlocs && !strcmp(g->locs[0].item_type, "rule") &&
            !strcmp(g->locs[0].item_name, r->name))
            v[k++] = g;
    }
    *n = k;
    return v;
}

struct facts {
    const char *cond, *resolved, *events, *output;
    const char **macros, **lists, **exc;
    size_t nmacros, nlists, nexc;
};

static void gather(struct session *s, const struct rl_rule *r, struct facts *f)
{
    struct arena *a = &s->arena;
    const struct res_rule *rr = r->resolved;
    memset(f, 0, sizeof(*f));
    f->cond = rl_text_join(a, &r->cond);
    f->output = rl_text_join(a, &r->output);
    f->resolved = "";
    f->events = "";
    if (rr && rr->tree) {
        struct buf b;
        buf_init(&b, a);
        ast_print(&b, expand(a, rr->tree, 0));
        f->resolved = buf_cstr(&b);
    }
    if (rr && rr->info) {
        struct buf b;
        buf_init(&b, a);
        chk_evttypes_str(&b, &rr->info->evttypes);
        f->events = buf_cstr(&b);
        f->macros = arena_alloc(a, (rr->info->nmacros + 1) * sizeof(char *));
        for (size_t i = 0; i < rr->info->nmacros; i++)
            f->macros[f->nmacros++] = rr->info->macros[i]->name;
    }
    size_t nl = rr ? rr->lists.n : 0;
    f->lists = arena_alloc(a, (nl + 1) * sizeof(char *));
    for (size_t i = 0; i < nl; i++)
        f->lists[f->nlists++] = rr->lists.v[i]->name;
    f->exc = arena_alloc(a, (r->nexceptions + 1) * sizeof(char *));
    for (size_t i = 0; i < r->nexceptions; i++)
        f->exc[f->nexc++] = r->exceptions[i].name;
}

static void print_row(const char *key, const char *const *v, size_t n)
{
    printf("  %-14s", key);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "", v[i]);
    printf("%s\n", n ? "" : "-");
}

static void explain_text(struct session *s, const struct rl_rule *r)
{
    struct facts f;
    gather(s, r, &f);
    const struct res_rule *rr = r->resolved;
    uint32_t l, c;
    struct src_pos p = item_pos(r->item);
    src_linecol(p.src, p.off, &l, &c);
    printf("rule '%s' (%s:%u:%u)\n", r->name, p.src->name, l, c);
    printf("  %-14s%s\n", "source", r->source);
    printf("  %-14s%s\n", "priority", fc_priority_name(r->priority));
    printf("  %-14s%s\n", "enabled", r->enabled ? "true" : "false");
    print_row("tags", r->tags, r->ntags);
    printf("  %-14s%s\n", "condition", f.cond);
    if (rr && rr->tree)
        printf("  %-14s%s\n", "resolved", f.resolved);
    if (!r->source_known)
        printf("  %-14s%s\n", "status", "unknown source: not compiled");
    else if (rr && rr->skipped)
        printf("  %-14s%s\n", "status", "skipped (skip-if-unknown-filter)");
    else if (!rr || !rr->ok)
        printf("  %-14s%s\n", "status", "invalid");
    if (rr && rr->info) {
        printf("  %-14s%s\n", "event types", f.events);
        print_row("fields", rr->info->fields, rr->info->nfields);
        print_row("operators", rr->info->ops, rr->info->nops);
    }
    print_row("macros", f.macros, f.nmacros);
    print_row("lists", f.lists, f.nlists);
    print_row("exceptions", f.exc, f.nexc);
    printf("  %-14s%s\n", "output", f.output);
    if (rr && rr->info)
        print_row("output fields", rr->info->out_fields, rr->info->nout_fields);
    size_t nd;
    const struct diag *const *d = rule_diags(s, r, &nd);
    for (size_t i = 0; i < nd; i++) {
        uint32_t dl = 0, dc = 0;
        if (d[i]->pos.src)
            src_linecol(d[i]->pos.src, d[i]->pos.off, &dl, &dc);
        printf("  %-14s%s:%u:%u: %s[%s]: %s\n", i ? "" : "diagnostics",
               d[i]->pos.src ? d[i]->pos.src->name : "", dl, dc,
               diag_severity(d[i]->code) == DIAG_SEV_ERROR ? "error" : "warning",
               diag_code_name(d[i]->code), d[i]->msg);
    }
    putchar('\n');
}

static void explain_json(struct session *s, const struct rl_rule *r, FILE *o)
{
    struct facts f;
    gather(s, r, &f);
    const struct res_rule *rr = r->resolved;
    static const char *const none[1];
    fputs("{\"details\":{", o);
    json_kv(o, "condition_compiled", f.resolved, true);
    json_list(o, "condition_fields", rr && rr->info ? rr->info->fields : none,
              rr && rr->info ? rr->info->nfields : 0, true);
    json_list(o, "condition_operators", rr && rr->info ? rr->info->ops : none,
              rr && rr->info ? rr->info->nops : 0, true);
    /* Event names as describe lists them: every rule is also indexed
     * under asyncevent. */
    const char **ev = arena_alloc(&s->arena, (PPM_EVENT_MAX + 1) * sizeof(*ev));
    size_t nev = rr && rr->info ? chk_evttypes_names(&rr->info->evttypes, ev, PPM_EVENT_MAX) : 0;
    bool async = false;
    for (size_t i = 0; i < nev; i++)
        async |= !strcmp(ev[i], "asyncevent");
    if (!async && rr && rr->info)
        ev[nev++] = "asyncevent";
    json_list(o, "events", ev, nev, true);
    const char **xf = arena_alloc(&s->arena, 64 * sizeof(*xf));
    const char **xo = arena_alloc(&s->arena, 64 * sizeof(*xo));
    size_t nxf = 0, nxo = 0;
    for (size_t i = 0; i < r->nexceptions; i++)
        for (size_t k = 0; k < r->exceptions[i].nfields; k++) {
            const char *fv = r->exceptions[i].fields[k]->value, *op = r->exceptions[i].comps[k];
            bool seen_f = false, seen_o = false;
            for (size_t j = 0; j < nxf; j++)
                seen_f |= !strcmp(xf[j], fv);
            for (size_t j = 0; j < nxo; j++)
                seen_o |= !strcmp(xo[j], op);
            if (!seen_f && nxf < 64)
                xf[nxf++] = fv;
            if (!seen_o && nxo < 64)
                xo[nxo++] = op;
        }
    json_list(o, "exception_fields", xf, nxf, true);
    json_list(o, "exception_names", f.exc, f.nexc, true);
    json_list(o, "exception_operators", xo, nxo, true);
    json_list(o, "lists", f.lists, f.nlists, true);
    json_list(o, "macros", f.macros, f.nmacros, true);
    json_kv(o, "output_compiled", rr && rr->output ? mt_str(&rr->output->text) : f.output, true);
    json_list(o, "output_fields", rr && rr->info ? rr->info->out_fields : none,
              rr && rr->info ? rr->info->nout_fields : 0, true);
    /* Falco names the plugin that provides a field; ours are built in,
     * but the container fields keep the container plugin's name. */
    bool container = false;
    for (size_t i = 0; rr && rr->info && i < rr->info->nfields + rr->info->nout_fields; i++) {
        const char *nm = i < rr->info->nfields ? rr->info->fields[i]
                                               : rr->info->out_fields[i - rr->info->nfields];
        container |= !strncmp(nm, "container.", 10) || !strncmp(nm, "k8s.", 4);
    }
    static const char *const cont[] = {"container"};
    json_list(o, "plugins", cont, container ? 1 : 0, false);
    fputs("},\"info\":{", o);
    fprintf(o, "\"capture\":%s,\"capture_duration\":%u,", r->capture ? "true" : "false",
            r->capture_duration);
    json_kv(o, "condition", f.cond, true);
    json_kv(o, "description", rl_text_join(&s->arena, &r->desc), true);
    fprintf(o, "\"enabled\":%s,", r->enabled ? "true" : "false");
    json_kv(o, "name", r->name, true);
    json_kv(o, "output", f.output, true);
    json_kv(o, "priority", fc_priority_name(r->priority), true);
    json_kv(o, "source", r->source, true);
    json_list(o, "tags", r->tags, r->ntags, false);
    fputs("},\"warnings\":[", o);
    size_t nd;
    const struct diag *const *d = rule_diags(s, r, &nd);
    for (size_t i = 0; i < nd; i++) {
        if (i)
            fputc(',', o);
        fputs("{\"code\":", o);
        json_str(o, diag_code_name(d[i]->code), strlen(diag_code_name(d[i]->code)));
        fputs(",\"message\":", o);
        json_str(o, d[i]->msg, strlen(d[i]->msg));
        fputc('}', o);
    }
    fputs("]}", o);
}

int cmd_explain(int argc, char **argv)
{
    bool json = false;
    const char *only = NULL;
    struct session s;
    session_init(&s);
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (stat(argv[i], &st) == 0 && !S_ISDIR(st.st_mode)) {
            session_load_file(&s, argv[i]);
            nfiles++;
        } else if (i == argc - 1 && nfiles) {
            only = argv[i]; /* the last word, not a file: a rule name */
        } else {
            fprintf(stderr, "falcoc: explain: cannot read '%s'\n", argv[i]);
            session_free(&s);
            return 2;
        }
    }
    if (!nfiles) {
        fputs("usage: falcoc explain [--json] RULES.yaml... [RULE]\n", stderr);
        session_free(&s);
        return 2;
    }
    session_compile(&s);
    diags_sort(&s.diags, (const struct source *const *)s.files, s.nfiles);
    int found = 0;
    if (json)
        fputs("{\"rules\":[", stdout);
    for (size_t i = 0; i < s.set.nrules; i++) {
        const struct rl_rule *r = s.set.rules[i];
        if (only && strcmp(r->name, only))
            continue;
        if (json) {
            if (found)
                fputc(',', stdout);
            explain_json(&s, r, stdout);
        } else {
            explain_text(&s, r);
        }
        found++;
    }
    if (json)
        fputs("]}\n", stdout);
    int rc = s.diags.nerrors ? 1 : 0;
    if (only && !found) {
        fprintf(stderr, "falcoc: explain: no rule named '%s'\n", only);
        rc = 1;
    }
    if (s.diags.nerrors && !json) {
        fprintf(stderr, "falcoc: %zu error(s); run 'falcoc validate' for details\n",
                s.diags.nerrors);
    }
    session_free(&s);
    return rc;
}
