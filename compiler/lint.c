/*
 * lint.c - warnings Falco does not give (`falcoc lint`): duplicate list
 * items, lists nested deeper than Falco expands, rules that can never match
 * or that run on every event, regexes Falco's RE2 would refuse or that only
 * sit in unchecked macros, output fields no event of the rule carries,
 * appends whose meaning changes through precedence, exception values that
 * corrupt the generated condition, and exceptions without values.
 */
#include <stdio.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "check.h"
#include "lint.h"

static struct diag *item_warn(struct session *s, enum diag_code code, const char *kind,
                              const char *name, const struct ynode *item, struct src_pos p,
                              uint32_t span, const char *msg)
{
    struct diag *g = diag_add(&s->diags, code, p, span, "%s", msg);
    diag_loc(g, kind, name, item_pos(item));
    return g;
}

static void lint_lists(struct session *s)
{
    for (size_t i = 0; i < s->set.nlists; i++) {
        struct rl_list *l = s->set.lists[i];
        for (size_t k = 0; k < l->nitems; k++) {
            const struct ynode *it = l->items[k];
            for (size_t j = 0; j < k; j++) {
                if (strcmp(l->items[j]->value, it->value))
                    continue;
                char msg[300];
                snprintf(msg, sizeof(msg), "item '%.200s' is already in list '%.60s'", it->value,
                         l->name);
                item_warn(s, DIAG_LINT_DUPLICATE_ITEM, "list", l->name, l->item,
                          (struct src_pos){it->src, it->start}, (uint32_t)(it->end - it->start),
                          msg);
                break;
            }
            /* A nested list whose own items name lists: Falco stops at one level. */
            struct rl_list *m = rl_find_list(&s->set, it->value);
            if (!m || m == l || m->index >= l->visibility)
                continue;
            for (size_t j = 0; j < m->nitems; j++) {
                struct rl_list *deep = rl_find_list(&s->set, m->items[j]->value);
                if (deep && deep != m) {
                    char msg[300];
                    snprintf(msg, sizeof(msg),
                             "list '%.60s' includes '%.60s', whose item '%.60s' names a list "
                             "that is not expanded",
                             l->name, m->name, deep->name);
                    item_warn(s, DIAG_LINT_NESTED_LIST, "list", l->name, l->item,
                              (struct src_pos){it->src, it->start}, (uint32_t)(it->end - it->start),
                              msg);
                    break;
                }
            }
        }
    }
}

/* RE2 (Falco's engine) has no lookaround and no back-references. */
static const char *re2_incompatible(const char *p)
{
    static const char *const bad[] = {"(?=", "(?!", "(?<=", "(?<!", "(?>"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        if (strstr(p, bad[i]))
            return "lookaround assertions";
    for (const char *q = p; *q; q++) {
        if (q[0] == '\\' && q[1] >= '1' && q[1] <= '9')
            return "back-references";
        if (q[0] == '\\' && q[1])
            q++;
    }
    return NULL;
}

struct rx_ctx {
    struct session *s;
    const struct mtext *text;
    struct src_pos fb;
    const char *kind, *name;
    const struct ynode *item;
    bool compile; /* the macro was never type-checked: compile here */
};

static void lint_regex_tree(struct rx_ctx *c, const struct ast_node *n)
{
    if (n->kind == AST_AND || n->kind == AST_OR || n->kind == AST_NOT) {
        for (size_t i = 0; i < n->nkids; i++)
            lint_regex_tree(c, n->kids[i]);
        return;
    }
    if (n->kind != AST_CHECK || n->op != AST_OP_REGEX || !n->rhs)
        return;
    size_t nk = n->rhs->kind == AST_LIST ? n->rhs->nkids : 1;
    for (size_t i = 0; i < nk; i++) {
        const struct ast_node *k = n->rhs->kind == AST_LIST ? n->rhs->kids[i] : n->rhs;
        if (k->kind != AST_STR)
            continue;
        char msg[400];
        const char *why = re2_incompatible(k->str.s);
        if (why) {
            snprintf(msg, sizeof(msg), "regex '%.200s' uses %s, which Falco's RE2 engine rejects",
                     k->str.s, why);
        } else if (c->compile) {
            int code;
            PCRE2_SIZE off;
            pcre2_code *re =
                pcre2_compile((PCRE2_SPTR)k->str.s, k->str.len, PCRE2_UTF, &code, &off, NULL);
            if (re) {
                pcre2_code_free(re);
                continue;
            }
            PCRE2_UCHAR err[200];
            pcre2_get_error_message(code, err, sizeof(err));
            snprintf(msg, sizeof(msg), "regex '%.150s' does not compile: %.180s", k->str.s,
                     (const char *)err);
        } else {
            continue;
        }
        struct src_pos p = mt_pos(c->text, k->start, c->fb);
        item_warn(c->s, DIAG_LINT_BAD_REGEX, c->kind, c->name, c->item, p, k->end - k->start, msg);
    }
}

static void lint_regexes(struct session *s)
{
    for (size_t i = 0; i < s->set.nmacros; i++) {
        struct rl_macro *m = s->set.macros[i];
        struct res_macro *r = m->resolved;
        if (!r || !r->tree)
            continue;
        struct rx_ctx c = {s,       &r->text, item_pos(m->item),    "macro",
                           m->name, m->item,  !r->evaluated_in_rule};
        lint_regex_tree(&c, r->tree);
    }
    for (size_t i = 0; i < s->set.nrules; i++) {
        struct rl_rule *rule = s->set.rules[i];
        struct res_rule *r = rule->resolved;
        if (!r || !r->tree)
            continue;
        struct rx_ctx c = {s,          &r->text, item_pos(rule->item), "rule", rule->name,
                           rule->item, false};
        lint_regex_tree(&c, r->tree);
    }
}

/* Is a parameter named `name` carried by some event of the set? */
static bool set_has_param(const struct ev_set *set, const char *name, size_t len)
{
    for (int c = ev_set_next(set, 0); c >= 0; c = ev_set_next(set, c + 1))
        for (uint32_t i = 0; i < ev_nparams(c); i++) {
            const struct ev_param *p = ev_param_at(c, i);
            if (strlen(p->name) == len && !strncmp(p->name, name, len))
                return true;
        }
    return false;
}

static void lint_rule(struct session *s, struct rl_rule *rule)
{
    struct res_rule *r = rule->resolved;
    if (!r || !r->ok || !r->info)
        return;
    const struct ev_set *set = &r->info->evttypes;
    struct src_pos at = item_pos(rule->item);
    if (ev_set_is_empty(set))
        item_warn(s, DIAG_LINT_NEVER_MATCHES, "rule", rule->name, rule->item, at, 1,
                  "the condition is false for every event type; the rule can never fire");
    else if (ev_set_is_all(set))
        item_warn(s, DIAG_LINT_ALL_EVTTYPES, "rule", rule->name, rule->item, at, 1,
                  "the condition does not restrict evt.type, so it is evaluated on every event");
    if (r->output && !ev_set_is_all(set) && !ev_set_is_empty(set)) {
        for (size_t i = 0; i < r->output->n; i++) {
            const struct out_tok *tk = &r->output->toks[i];
            if (!tk->is_field || tk->expr->kind != AST_FIELD)
                continue;
            const char *f = tk->expr->str.s;
            const char *param = NULL;
            if (!strncmp(f, "evt.arg.", 8))
                param = f + 8;
            else if (!strncmp(f, "evt.rawarg.", 11))
                param = f + 11;
            if (!param || set_has_param(set, param, strlen(param)))
                continue;
            char msg[300];
            snprintf(msg, sizeof(msg),
                     "output field '%.100s' is never available: no event type of this rule has "
                     "a parameter '%.60s'",
                     f, param);
            struct src_pos p = mt_pos(&r->output->text, tk->off, at);
            item_warn(s, DIAG_LINT_OUTPUT_FIELD_UNAVAILABLE, "rule", rule->name, rule->item, p,
                      (uint32_t)tk->len, msg);
        }
    }
    if (rule->cond_appended && rule->cond.n > 1) {
        const struct ynode *base = rule->cond.parts[0];
        struct arena tmp;
        arena_init(&tmp);
        struct cond_error err;
        struct ast_node *t = cond_parse(&tmp, base->value, base->len, &err);
        if (t && t->kind == AST_OR)
            item_warn(s, DIAG_LINT_APPEND_PRECEDENCE, "rule", rule->name, rule->item,
                      (struct src_pos){rule->cond.parts[1]->src, rule->cond.parts[1]->start}, 1,
                      "the base condition is an unparenthesised 'or': the appended text binds "
                      "only to its last operand");
        arena_free(&tmp);
    }
}

/* Exception problems explain errors too: checked whatever the rule's fate. */
static void lint_exceptions(struct session *s, struct rl_rule *rule)
{
    for (size_t k = 0; k < rule->nexceptions; k++) {
        const struct rl_exception *e = &rule->exceptions[k];
        if (!e->nvalues) {
            item_warn(s, DIAG_LINT_UNUSED_EXCEPTION, "rule", rule->name, rule->item,
                      (struct src_pos){e->node->src, e->node->start}, 1,
                      "exception has no values and adds nothing to the condition");
            continue;
        }
        for (size_t v = 0; v < e->nvalues; v++) {
            const struct ynode *tup = e->values[v];
            size_t n = tup->kind == YN_SEQ ? tup->n : 1;
            for (size_t j = 0; j < n; j++) {
                const struct ynode *x = tup->kind == YN_SEQ ? tup->vals[j] : tup;
                if (x->kind != YN_SCALAR || strchr(x->value, ' ') || x->value[0] == '(')
                    continue;
                if (strpbrk(x->value, ",()=\"'")) {
                    char msg[300];
                    snprintf(msg, sizeof(msg),
                             "exception value '%.200s' is pasted unquoted into the condition; "
                             "its punctuation changes the condition",
                             x->value);
                    item_warn(s, DIAG_LINT_EXCEPTION_VALUE, "rule", rule->name, rule->item,
                              (struct src_pos){x->src, x->start}, (uint32_t)(x->end - x->start),
                              msg);
                }
            }
        }
    }
}

void lint_run(struct session *s)
{
    lint_lists(s);
    lint_regexes(s);
    for (size_t i = 0; i < s->set.nrules; i++) {
        lint_rule(s, s->set.rules[i]);
        lint_exceptions(s, s->set.rules[i]);
    }
}
