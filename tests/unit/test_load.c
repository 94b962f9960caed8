/*
 * test_load.c - the item loader (compiler/load.c): every message of
 * rules-language.md §1-§3 and §10 with its code, position and context chain;
 * define / append / override / replace / enable for lists, macros and rules;
 * several files into one set; the upstream ruleset.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fc_alert.h"
#include "rules.h"
#include "source.h"
#include "tharness.h"
#include "ynode.h"

struct ctx {
    struct arena a;
    struct diags d;
    struct rl_set s;
    size_t first; /* diagnostics before this index belong to earlier files */
};

static void begin(struct ctx *c)
{
    arena_init(&c->a);
    diags_init(&c->d, &c->a);
    rl_set_init(&c->s);
    c->first = 0;
}

static void end(struct ctx *c)
{
    arena_free(&c->a);
}

/* Parses and loads one in-memory file into the set; returns rl_load_file's
 * verdict (false on a YAML error too). */
static bool load(struct ctx *c, const char *name, const char *text)
{
    c->first = c->d.n;
    struct source *src = src_from_bytes(&c->a, name, text, strlen(text));
    struct ydoc *docs;
    size_t ndocs;
    bool ok = yaml_parse(&c->a, &c->d, src, &docs, &ndocs);
    return rl_load_file(&c->a, &c->d, &c->s, src, docs, ndocs) && ok;
}

/* "rule 'r' > value for 'priority'" */
static const char *locs_str(struct arena *a, const struct diag *g)
{
    struct buf b;
    buf_init(&b, a);
    buf_adds(&b, "");
    for (int i = 0; i < g->nlocs; i++) {
        if (i)
            buf_adds(&b, " > ");
        buf_adds(&b, g->locs[i].item_type);
        if (g->locs[i].item_name[0])
            buf_printf(&b, " '%s'", g->locs[i].item_name);
    }
    return buf_cstr(&b);
}

static void dump(const struct ctx *c)
{
    for (size_t i = 0; i < c->d.n; i++) {
        const struct diag *g = c->d.v[i];
        uint32_t l = 0, col = 0;
        if (g->pos.src)
            src_linecol(g->pos.src, g->pos.off, &l, &col);
        fprintf(stderr, "    have %s %u:%u %s [%s]\n", diag_code_name(g->code), l, col, g->msg,
                locs_str((struct arena *)&c->a, g));
    }
}

/* The diagnostic of the last file with this code and exact message. */
static const struct diag *find(const struct ctx *c, enum diag_code code, const char *msg)
{
    for (size_t i = c->first; i < c->d.n; i++)
        if (c->d.v[i]->code == code && !strcmp(c->d.v[i]->msg, msg))
            return c->d.v[i];
    return NULL;
}

static size_t count(const struct ctx *c, enum diag_severity sev)
{
    size_t n = 0;
    for (size_t i = c->first; i < c->d.n; i++)
        n += diag_severity(c->d.v[i]->code) == sev;
    return n;
}

/* Checks code, message, 1-based line:column, and (when given) the context. */
static bool expect(struct ctx *c, enum diag_code code, const char *msg, unsigned line, unsigned col,
                   const char *locs)
{
    const struct diag *g = find(c, code, msg);
    if (!g) {
        fprintf(stderr, "  missing %s: %s\n", diag_code_name(code), msg);
        dump(c);
        return false;
    }
    uint32_t l, cl;
    src_linecol(g->pos.src, g->pos.off, &l, &cl);
    bool ok = l == line && cl == col;
    if (!ok)
        fprintf(stderr, "  '%s' at %u:%u, expected %u:%u\n", msg, l, cl, line, col);
    if (locs) {
        const char *have = locs_str(&c->a, g);
        if (strcmp(have, locs)) {
            fprintf(stderr, "  '%s' context [%s], expected [%s]\n", msg, have, locs);
            ok = false;
        }
    }
    return ok;
}

#define ERR_V DIAG_LOAD_ERR_VALIDATE
#define ERR_Y DIAG_LOAD_ERR_YAML_VALIDATE

#define R "- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n"
#define RX R "  exceptions:\n    - name: e\n      fields: [proc.name]\n      values: [[a]]\n"

/* One file, exactly one error: code, message, position, context. */
static const struct err_case {
    const char *yaml;
    enum diag_code code;
    const char *msg;
    unsigned line, col;
    const char *locs;
} err_cases[] = {
    /* §1.1 */
    {"x\n", ERR_Y, "Rules content is not yaml", 1, 1, ""},
    {"a: b\n", ERR_Y, "Rules content is not yaml array of objects", 1, 1, ""},
    {"- x\n", ERR_Y, "Unexpected element type. Each element should be a yaml associative array.", 1,
     3, "rules content item"},
    /* §1.3 */
    {"- macro: m\n", ERR_Y, "Item has no mapping for key 'condition'", 1, 3, "macro 'm'"},
    {"- macro: m\n  condition:\n", ERR_Y, "Mapping for key 'condition' is empty", 2, 3,
     "macro 'm'"},
    {"- macro: m\n  condition: [a]\n", ERR_Y, "Value is not a scalar value", 2, 14,
     "macro 'm' > value for 'condition'"},
    {"- macro: m\n  condition: ''\n", ERR_Y, "Value must be non-empty", 2, 14,
     "macro 'm' > value for 'condition'"},
    {"- macro:\n  condition: a\n", ERR_Y, "Mapping for key 'macro' is empty", 1, 3, "macro"},
    {R "  enabled: maybe\n", ERR_Y, "Can't decode YAML scalar value", 6, 12,
     "rule 'r' > value for 'enabled'"},
    {R "  capture_duration: -1\n", ERR_Y, "Can't decode YAML scalar value", 6, 21,
     "rule 'r' > value for 'capture_duration'"},
    {R "  capture_duration: 12abc\n", ERR_Y, "Can't decode YAML scalar value", 6, 21, NULL},
    {R "  capture_duration: 4294967296\n", ERR_Y, "Can't decode YAML scalar value", 6, 21, NULL},
    {R "  capture_duration: 08\n", ERR_Y, "Can't decode YAML scalar value", 6, 21, NULL},
    {R "  append: sometimes\n", ERR_Y, "Can't decode YAML scalar value", 6, 11,
     "rule 'r' > value for 'append'"},
    {"- list: l\n  items: a\n", ERR_Y, "Value is not a sequence", 2, 10,
     "list 'l' > value for 'items'"},
    {"- list: l\n  items:\n", ERR_Y, "Value is not a sequence", 2, 9, NULL},
    {"- list: l\n  items: [a, [b]]\n", ERR_Y, "sequence value is not scalar", 2, 14,
     "list 'l' > value for 'items' > list item"},
    {"- list: l\n", ERR_Y, "Item has no mapping for key 'items'", 1, 3, "list 'l'"},
    {R "  tags: [a, ~]\n", ERR_Y, "sequence value is not scalar", 6, 13,
     "rule 'r' > value for 'tags' > list item"},
    /* §1.4 */
    {"- rule: r\n  condition: a\n", ERR_Y, "Item has no mapping for key 'output'", 1, 3,
     "rule 'r'"},
    {"- rule: r\n  output: a\n", ERR_Y, "Item has no mapping for key 'condition'", 1, 3,
     "rule 'r'"},
    {"- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: LOUD\n", ERR_Y,
     "Invalid priority", 5, 13, "rule 'r' > rule priority"},
    {R "  source: ''\n", ERR_Y, "Value must be non-empty", 6, 11, "rule 'r' > value for 'source'"},
    {R "  source:\n", ERR_Y, "Mapping for key 'source' is empty", 6, 3, "rule 'r'"},
    {"- rule: ''\n", ERR_Y, "Value must be non-empty", 1, 9, "rule > value for 'rule'"},
    /* §1.7, §10 */
    {"- required_engine_version: 0.63.0\n", ERR_V,
     "Rules require engine version 0.63.0, but engine version is 0.62.0", 1, 28,
     "required_engine_version"},
    {"- required_engine_version: 1.0.0\n", ERR_V,
     "Rules require engine version 1.0.0, but engine version is 0.62.0", 1, 28, NULL},
    {"- required_engine_version: 63\n", ERR_V,
     "Rules require engine version 0.63.0, but engine version is 0.62.0", 1, 28, NULL},
    {"- required_engine_version: abc\n", ERR_Y,
     "Unable to parse engine version 'abc' as a semver string. Expected \"x.y.z\" semver "
     "format.",
     1, 28, "required_engine_version"},
    {"- required_engine_version: 0.57\n", ERR_Y,
     "Unable to parse engine version '0.57' as a semver string. Expected \"x.y.z\" semver "
     "format.",
     1, 28, NULL},
    {"- required_engine_version:\n", ERR_Y, "Mapping for key 'required_engine_version' is empty", 1,
     3, "required_engine_version"},
    {"- required_plugin_versions: x\n", ERR_Y,
     "Value of required_plugin_versions must be a sequence", 1, 29, "required plugin versions"},
    {"- required_plugin_versions:\n  - x\n", ERR_Y, "Plugin version must be a mapping", 2, 5,
     "required plugin versions > required plugin versions entry"},
    {"- required_plugin_versions:\n  - name: p\n", ERR_Y, "Item has no mapping for key 'version'",
     2, 5, "required plugin versions > required plugin versions entry 'p'"},
    {"- required_plugin_versions:\n  - version: 1.0.0\n", ERR_Y,
     "Item has no mapping for key 'name'", 2, 5,
     "required plugin versions > required plugin versions entry"},
    {"- required_plugin_versions:\n  - name: p\n    version: 1.0.0\n    alternatives: x\n", ERR_Y,
     "Value of plugin version alternatives must be a sequence", 4, 19,
     "required plugin versions > required plugin versions entry 'p'"},
    {"- required_plugin_versions:\n  - name: p\n    version: 1.0.0\n    alternatives: [x]\n", ERR_Y,
     "Plugin version alternative must be a mapping", 4, 20,
     "required plugin versions > required plugin versions entry 'p' > required plugin versions "
     "alternative"},
    {"- required_plugin_versions:\n  - name: p\n    version: 1.0.0\n    alternatives: [{name: "
     "q}]\n",
     ERR_Y, "Item has no mapping for key 'version'", 4, 20,
     "required plugin versions > required plugin versions entry 'p' > required plugin versions "
     "alternative 'q'"},
    {"- required_plugin_versions:\n  - name: p\n    version: abc\n", ERR_V,
     "Invalid required version 'abc' for plugin 'p'", 3, 14,
     "required plugin versions > required plugin versions entry 'p'"},
    {"- required_plugin_versions:\n  - name: p\n    version: 1.0.0\n    alternatives: [{name: "
     "p, version: 1.0.0}]\n",
     ERR_V, "Defined multiple alternative version requirements for plugin 'p'", 4, 27,
     "required plugin versions > required plugin versions entry 'p'"},
    /* §2.2 lists */
    {"- list: l\n  items: [a]\n  append: true\n", ERR_V,
     "List uses 'append' or 'override.items: append' but no list by that name already exists", 1, 9,
     "list 'l'"},
    {"- list: l\n  items: [a]\n  override:\n    items: append\n", ERR_V,
     "List uses 'append' or 'override.items: append' but no list by that name already exists", 1, 9,
     "list 'l'"},
    {"- list: l\n  items: [a]\n  append: true\n  override:\n    items: append\n", ERR_Y,
     "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. "
     "'condition: append') under 'override' instead.",
     3, 3, "list 'l'"},
    {"- list: l\n  items: [a]\n  override:\n    condition: append\n", ERR_Y,
     "Key 'condition' cannot be appended to, use 'replace' instead", 4, 5,
     "list 'l' > overrides > overrides 'condition'"},
    {"- list: l\n  items: [a]\n  override:\n    items: prepend\n", ERR_Y,
     "Invalid override operation for key 'items': 'prepend'. Allowed values are: append replace ",
     4, 12, "list 'l' > overrides > value for 'items'"},
    {"- list: l\n  items: [a]\n  override: replace\n", ERR_Y,
     "Value of 'override' must be a mapping", 3, 13, "list 'l' > value for 'override'"},
    /* §2.3 macros */
    {"- macro: m\n  condition: a\n  override:\n    condition: append\n", ERR_V,
     "Macro uses 'append' or 'override.condition: append' but no macro by that name already "
     "exists",
     1, 10, "macro 'm'"},
    {"- macro: m\n  condition: a\n  append: true\n", ERR_V,
     "Macro uses 'append' or 'override.condition: append' but no macro by that name already "
     "exists",
     1, 10, "macro 'm'"},
    {"- macro: m\n  condition: a\n  override:\n    items: replace\n", ERR_Y,
     "Key 'items' cannot be replaced", 4, 5, "macro 'm' > overrides > overrides 'items'"},
    {"- macro: m\n  condition: a\n  append: false\n  override:\n    condition: replace\n  append2: "
     "1\n  override2: 1\n- macro: m\n  condition: b\n  append: true\n  override:\n    condition: "
     "replace\n",
     ERR_Y,
     "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. "
     "'condition: append') under 'override' instead.",
     10, 3, "macro 'm'"},
    /* §2.4 rules */
    {R "- rule: r\n  condition: and x\n  override:\n    condition: merge\n", ERR_Y,
     "Invalid override operation for key 'condition': 'merge'. Allowed values are: append "
     "replace ",
     9, 16, "rule 'r' > overrides > value for 'condition'"},
    {R "- rule: r\n  source: x\n  override:\n    source: merge\n", ERR_Y,
     "Invalid override operation for key 'source': 'merge'. Allowed values are: ", 9, 13, NULL},
    {R "- rule: r\n  priority: ERROR\n  override:\n    priority: append\n", ERR_Y,
     "Key 'priority' cannot be appended to, use 'replace' instead", 9, 5,
     "rule 'r' > overrides > overrides 'priority'"},
    {R "- rule: r\n  source: syscall\n  override:\n    source: replace\n", ERR_Y,
     "Key 'source' cannot be replaced", 9, 5, "rule 'r' > overrides > overrides 'source'"},
    {R "- rule: r\n  output: x\n  override:\n    condition: append\n    output: append\n", ERR_Y,
     "An append override for 'condition' was specified but 'condition' is not defined", 9, 5,
     "rule 'r'"},
    {R "- rule: r\n  override:\n    priority: replace\n", ERR_Y,
     "An replace override for 'priority' was specified but 'priority' is not defined", 8, 5,
     "rule 'r'"},
    {R "- rule: r\n  condition: and x\n  output: more\n  override:\n    condition: append\n", ERR_Y,
     "Unexpected key 'output': no corresponding entry under 'override' is defined.", 8, 3,
     "rule 'r' > overrides 'output'"},
    {R "- rule: r\n  condition: x\n  append: true\n  override:\n    condition: append\n", ERR_Y,
     "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. "
     "'condition: append') under 'override' instead.",
     8, 3, "rule 'r'"},
    {R "- rule: r\n  priority: LOUD\n  override:\n    priority: replace\n", ERR_Y,
     "Invalid priority", 7, 13, "rule 'r' > rule priority"},
    {"- rule: r\n  condition: x\n  override:\n    condition: append\n", ERR_V,
     "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists", 1, 9,
     "rule 'r'"},
    {"- rule: r\n  priority: INFO\n  override:\n    priority: replace\n", ERR_V,
     "An 'override.<key>: replace' to a rule was requested but no rule by that name already "
     "exists",
     1, 9, "rule 'r'"},
    {"- rule: r\n  condition: x\n  append: true\n", ERR_V,
     "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists", 1, 9,
     "rule 'r'"},
    {R "- rule: r\n  append: true\n  output: x\n", ERR_V,
     "Appended rule must have exceptions or condition property", 6, 3, "rule 'r'"},
    {"- rule: r\n  enabled: false\n", ERR_V,
     "Rule has 'enabled' key but no rule by that name already exists", 1, 9, "rule 'r'"},
    {"- rule: r\n", ERR_Y, "Item has no mapping for key 'enabled'", 1, 3, "rule 'r'"},
    {"- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  source: k8s_audit\n" R,
     ERR_V, "Rule has been re-defined with a different source", 7, 3, "rule 'r'"},
    {R R "  source: k8s_audit\n", ERR_V, "Rule has been re-defined with a different source", 11, 11,
     "rule 'r'"},
    {R "- rule: r\n  source: k8s_audit\n  condition: and x\n  override:\n    condition: append\n",
     ERR_V, "Rule has been re-defined with a different source", 7, 11, "rule 'r'"},
    {R "- rule: r\n  source: k8s_audit\n  condition: and x\n  append: true\n", ERR_V,
     "Rule has been re-defined with a different source", 7, 11, "rule 'r'"},
    /* §3.1, §3.2 exceptions */
    {R "  exceptions: x\n", ERR_Y, "Rule exceptions must be a sequence", 6, 15,
     "rule 'r' > exceptions"},
    {R "  exceptions:\n    - x\n", ERR_Y, "Rule exception must be a mapping", 7, 7,
     "rule 'r' > exceptions > exception"},
    {R "  exceptions:\n    - fields: [a]\n", ERR_Y, "Item has no mapping for key 'name'", 7, 7,
     "rule 'r' > exceptions > exception"},
    {R "  exceptions:\n    - name: e\n", ERR_Y, "Item has no mapping for key 'fields'", 7, 7,
     "rule 'r' > exception 'e'"},
    {R "  exceptions:\n    - name: e\n      fields: [a]\n      values: x\n", ERR_Y,
     "Rule exception values must be a sequence", 9, 15,
     "rule 'r' > exception 'e' > exception values"},
    {R "  exceptions:\n    - name: e\n      fields: [a]\n      values: ['']\n", ERR_Y,
     "Value must be non-empty", 9, 16,
     "rule 'r' > exception 'e' > exception values > exception value > value for"},
    {R "  exceptions:\n    - name: e\n      fields: [a, '']\n", ERR_Y, "Value must be non-empty", 8,
     19, "rule 'r' > exception 'e' > value for 'fields' > exception"},
    {R "  exceptions:\n    - name: e\n      fields: [a, b]\n      comps: [=]\n", ERR_V,
     "Fields and comps lists must have equal length", 9, 14, "rule 'r' > exception 'e'"},
    {R "  exceptions:\n    - name: e\n      fields: [a, b]\n      comps: in\n", ERR_V,
     "Fields and comps lists must have equal length", 9, 14, "rule 'r' > exception 'e'"},
    {R "  exceptions:\n    - name: e\n      fields: a\n      comps: [in]\n", ERR_V,
     "Fields and comps must both be strings", 9, 14, "rule 'r' > exception 'e'"},
    {R "  exceptions:\n    - name: e\n      fields: a\n      comps: =\n", ERR_V,
     "When fields is a single value, comps must be one of (in, pmatch, intersects) or a "
     "modifier operator (e.g. startswith oneof)",
     9, 14, "rule 'r' > exception 'e'"},
    {R "  exceptions:\n    - name: e\n      fields: [a, b]\n      comps: [=, like]\n", ERR_V,
     "'like' is not a supported comparison operator", 9, 18, "rule 'r' > exception 'e'"},
    {R "  exceptions:\n    - name: e\n      fields: [a]\n      comps: [in oneof]\n", ERR_V,
     "'in oneof' is not a supported comparison operator", 9, 15, NULL},
    {R "  exceptions:\n    - name: e\n      fields: []\n", ERR_V,
     "Rule exception item must have fields property with a list of fields", 8, 15,
     "rule 'r' > exception 'e'"},
    /* §3.4 */
    {RX "- rule: r\n  exceptions:\n    - name: e\n      fields: [proc.pname]\n      values: "
        "[[b]]\n  override:\n    exceptions: append\n",
     ERR_V, "Can not append exception fields to existing exception, only values", 13, 7,
     "rule 'r' > exception 'e'"},
    {RX "- rule: r\n  exceptions:\n    - name: e\n      comps: [in]\n      values: [[b]]\n  "
        "append: true\n",
     ERR_V, "Can not append exception comps to existing exception, only values", 13, 7,
     "rule 'r' > exception 'e'"},
    {RX "- rule: r\n  exceptions:\n    - name: f\n      values: [[b]]\n  override:\n    "
        "exceptions: append\n",
     ERR_V, "Rule exception must have fields property with a list of fields", 12, 7,
     "rule 'r' > exception 'f'"},
    {RX "- rule: r\n  exceptions:\n    - name: f\n      fields: a\n  override:\n    exceptions: "
        "append\n",
     ERR_V, "Rule exception must have values property with a list of values", 12, 7,
     "rule 'r' > exception 'f'"},
    {RX "- rule: r\n  exceptions:\n    - name: f\n      values: [[b]]\n  override:\n    "
        "exceptions: replace\n",
     ERR_Y, "Item has no mapping for key 'fields'", 12, 7, "rule 'r' > exception 'f'"},
};

static void test_error_table(void)
{
    for (size_t i = 0; i < sizeof(err_cases) / sizeof(*err_cases); i++) {
        const struct err_case *e = &err_cases[i];
        struct ctx c;
        begin(&c);
        bool ok = load(&c, "t.yaml", e->yaml);
        CHECK(!ok, "case %zu: load fails", i);
        CHECK(count(&c, DIAG_SEV_ERROR) == 1, "case %zu: one error, got %zu", i,
              count(&c, DIAG_SEV_ERROR));
        CHECK(expect(&c, e->code, e->msg, e->line, e->col, e->locs), "case %zu: %s", i, e->msg);
        end(&c);
    }
}

static const struct warn_case {
    const char *yaml;
    enum diag_code code;
    const char *msg;
    unsigned line, col;
    const char *locs;
} warn_cases[] = {
    {"- list: l\n  items: [a]\n- list: l\n  items: [b]\n  append: true\n",
     DIAG_LOAD_DEPRECATED_ITEM,
     "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under "
     "'override' instead.",
     5, 3, "list 'l'"},
    {R "- rule: r\n  condition: and x\n  append: true\n", DIAG_LOAD_DEPRECATED_ITEM,
     "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under "
     "'override' instead.",
     8, 3, "rule 'r'"},
    {R "- rule: r\n  enabled: false\n", DIAG_LOAD_DEPRECATED_ITEM,
     "The standalone 'enabled' key usage is deprecated. The correct approach requires also a "
     "'replace' entry under the 'override' key (i.e. 'enabled: replace').",
     7, 3, "rule 'r'"},
    {"- macro: m\n  condition: a\n  foo: 1\n", DIAG_LOAD_UNKNOWN_KEY,
     "Unknown key 'foo'. The key will be ignored.", 3, 3, "macro 'm'"},
    {"- list: l\n  items: []\n  macro: m\n", DIAG_LOAD_UNKNOWN_KEY,
     "Unknown key 'macro'. The key will be ignored.", 3, 3, "list 'l'"},
    {"- required_engine_version: 0.10.0\n  rule: x\n", DIAG_LOAD_UNKNOWN_KEY,
     "Unknown key 'rule'. The key will be ignored.", 2, 3, "required_engine_version"},
    {"- required_plugin_versions: []\n  x: 1\n", DIAG_LOAD_UNKNOWN_KEY,
     "Unknown key 'x'. The key will be ignored.", 2, 3, "required plugin versions"},
    {R "  extra: 1\n", DIAG_LOAD_UNKNOWN_KEY, "Unknown key 'extra'. The key will be ignored.", 6, 3,
     "rule 'r'"},
    {"- foo: 1\n", DIAG_LOAD_UNKNOWN_ITEM, "Unknown top level item", 1, 3, "rules content item"},
    {R "  source: k8s_audit\n", DIAG_LOAD_UNKNOWN_SOURCE, "Unknown source k8s_audit, skipping", 6,
     11, "rule 'r'"},
    {"- macro: my-macro\n  condition: a\n", DIAG_LOAD_INVALID_MACRO_NAME,
     "Macro has an invalid name. Macro names should match a regular expression: "
     "([a-zA-Z]+[a-zA-Z0-9_]*)",
     1, 10, "macro 'my-macro'"},
    {"- macro: 1m\n  condition: a\n", DIAG_LOAD_INVALID_MACRO_NAME,
     "Macro has an invalid name. Macro names should match a regular expression: "
     "([a-zA-Z]+[a-zA-Z0-9_]*)",
     1, 10, NULL},
    {"- list: 'a b'\n  items: []\n", DIAG_LOAD_INVALID_LIST_NAME,
     "List has an invalid name. List names should match a regular expression: "
     "([^()\"'[:space:]=,]+)",
     1, 9, "list 'a b'"},
    {"- list: a,b\n  items: []\n", DIAG_LOAD_INVALID_LIST_NAME,
     "List has an invalid name. List names should match a regular expression: "
     "([^()\"'[:space:]=,]+)",
     1, 9, NULL},
    {RX "- rule: r\n  exceptions:\n    - name: e\n      value: [[b]]\n  override:\n    "
        "exceptions: append\n",
     DIAG_LOAD_APPEND_NO_VALUES, "Overriding/appending exception with no values", 12, 7,
     "rule 'r' > exception 'e'"},
    {R "  exceptions:\n    - name: e\n      fields: a\n    - name: e\n      fields: b\n",
     DIAG_LOAD_EXCEPTION_NAME_NOT_UNIQUE, "Multiple definitions of exception 'e' in the same rule",
     9, 13, "rule 'r' > exception 'e'"},
};

static void test_warning_table(void)
{
    for (size_t i = 0; i < sizeof(warn_cases) / sizeof(*warn_cases); i++) {
        const struct warn_case *w = &warn_cases[i];
        struct ctx c;
        begin(&c);
        bool ok = load(&c, "t.yaml", w->yaml);
        CHECK(ok && count(&c, DIAG_SEV_ERROR) == 0, "warning case %zu loads", i);
        CHECK(count(&c, DIAG_SEV_WARNING) == 1, "warning case %zu: one warning, got %zu", i,
              count(&c, DIAG_SEV_WARNING));
        CHECK(expect(&c, w->code, w->msg, w->line, w->col, w->locs), "warning case %zu", i);
        if (!ok)
            dump(&c);
        end(&c);
    }
}

/* ---- reading ------------------------------------------------------------------------ */

static const char *text_joined(struct arena *a, const struct rl_text *t)
{
    struct buf b;
    buf_init(&b, a);
    buf_adds(&b, "");
    for (size_t i = 0; i < t->n; i++) {
        if (i)
            buf_addc(&b, ' ');
        buf_add(&b, t->parts[i]->value, t->parts[i]->len);
    }
    return buf_cstr(&b);
}

static const char *tags_joined(struct arena *a, const struct rl_rule *r)
{
    struct buf b;
    buf_init(&b, a);
    buf_adds(&b, "");
    for (size_t i = 0; i < r->ntags; i++)
        buf_printf(&b, "%s%s", i ? "," : "", r->tags[i]);
    return buf_cstr(&b);
}

static const char *items_joined(struct arena *a, const struct rl_list *l)
{
    struct buf b;
    buf_init(&b, a);
    buf_adds(&b, "");
    for (size_t i = 0; i < l->nitems; i++)
        buf_printf(&b, "%s%s", i ? "," : "", l->items[i]->value);
    return buf_cstr(&b);
}

static void test_rule_defaults(void)
{
    struct ctx c;
    begin(&c);
    bool ok = load(&c, "t.yaml",
                   "- rule: Write below etc (test)\n  desc: >\n    a description\n"
                   "  condition: |\n    evt.type = open\n    and fd.name startswith /etc\n"
                   "  output: \"  opened %fd.name  \"\n  priority: informational\n"
                   "  tags: [b, a, b, c]\n");
    CHECK(ok && c.d.n == 0, "rule loads");
    const struct rl_rule *r = rl_find_rule(&c.s, "Write below etc (test)");
    CHECK(r != NULL, "found by name with spaces");
    if (r) {
        CHECK(r->enabled && r->warn_evttypes && !r->skip_if_unknown_filter && !r->capture &&
                  r->capture_duration == 0,
              "defaults");
        CHECK(!strcmp(r->source, "syscall") && r->source_known, "default source");
        CHECK(r->priority == RL_PRIO_INFORMATIONAL, "priority");
        CHECK(r->nexceptions == 0 && !r->cond_appended, "no exceptions");
        CHECK(!strcmp(tags_joined(&c.a, r), "a,b,c"), "tags as a sorted set: %s",
              tags_joined(&c.a, r));
        CHECK(r->cond.n == 1 && r->cond.parts[0]->style == YS_LITERAL, "condition node kept");
        CHECK(r->output.n == 1 && !strcmp(r->output.parts[0]->value, "  opened %fd.name  "),
              "output untrimmed in the node");
        CHECK(r->index == 0 && r->visibility == 0 && c.s.counter == 1, "counter");
        CHECK(r->priority_node && !strcmp(r->priority_node->value, "informational"),
              "priority node");
        CHECK(r->name_node && r->item && r->item->kind == YN_MAP, "nodes");
    }
    CHECK(!strcmp(fc_priority_name(RL_PRIO_INFORMATIONAL), "Informational") &&
              !strcmp(fc_priority_name(0), "Emergency") && !strcmp(fc_priority_name(7), "Debug"),
          "priority names");
    end(&c);

    begin(&c);
    ok = load(&c, "t.yaml",
              "- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: ERROR\n"
              "  enabled: \"no\"\n  warn_evttypes: Off\n  skip-if-unknown-filter: YES\n"
              "  capture: y\n  capture_duration: 0x10\n  source: aws_cloudtrail\n");
    r = rl_find_rule(&c.s, "r");
    CHECK(ok && r, "rule with every key");
    if (r) {
        CHECK(!r->enabled && !r->warn_evttypes && r->skip_if_unknown_filter && r->capture,
              "booleans");
        CHECK(r->capture_duration == 16, "hex duration %u", r->capture_duration);
        CHECK(!strcmp(r->source, "aws_cloudtrail") && !r->source_known, "unknown source kept");
        CHECK(r->priority == RL_PRIO_ERROR, "priority");
    }
    CHECK(find(&c, DIAG_LOAD_UNKNOWN_SOURCE, "Unknown source aws_cloudtrail, skipping"),
          "unknown source warned");
    end(&c);
}

static void test_scalars(void)
{
    struct {
        const char *s;
        bool ok, v;
    } bools[] = {
        {"true", true, true},   {"True", true, true},   {"TRUE", true, true},
        {"yes", true, true},    {"Y", true, true},      {"on", true, true},
        {"ON", true, true},     {"false", true, false}, {"No", true, false},
        {"n", true, false},     {"OFF", true, false},   {"FALSE", true, false},
        {"TRue", false, false}, {"tRUE", false, false}, {"1", false, false},
        {"yess", false, false}, {"", false, false},     {"oN", false, false},
    };
    for (size_t i = 0; i < sizeof(bools) / sizeof(*bools); i++) {
        bool v = !bools[i].v;
        bool ok = rl_parse_bool(bools[i].s, &v);
        CHECK(ok == bools[i].ok && (!ok || v == bools[i].v), "bool '%s'", bools[i].s);
    }
    enum rl_priority p;
    CHECK(rl_parse_priority("INFO", &p) && p == RL_PRIO_INFORMATIONAL, "INFO");
    CHECK(rl_parse_priority("Emergency", &p) && p == RL_PRIO_EMERGENCY, "Emergency");
    CHECK(rl_parse_priority("dEbUg", &p) && p == RL_PRIO_DEBUG, "dEbUg");
    CHECK(!rl_parse_priority("fatal", &p), "fatal");

    struct {
        const char *v;
        uint32_t want;
    } durations[] = {{"010", 8},     {"0x1F", 31}, {"0", 0}, {"4294967295", 4294967295u},
                     {"\" 7 \"", 7}, {"+5", 5}};
    for (size_t i = 0; i < sizeof(durations) / sizeof(*durations); i++) {
        struct ctx c;
        begin(&c);
        char *y = arena_printf(&c.a, R "  capture_duration: %s\n", durations[i].v);
        bool ok = load(&c, "t.yaml", y);
        const struct rl_rule *r = rl_find_rule(&c.s, "r");
        CHECK(ok && r && r->capture_duration == durations[i].want, "duration %s → %u",
              durations[i].v, r ? r->capture_duration : 0);
        end(&c);
    }

    /* list items: numbers as text; empty strings allowed; order and copies kept */
    struct ctx c;
    begin(&c);
    bool ok = load(&c, "t.yaml", "- list: l\n  items: [1, 2.5, '', a, a, \"b c\"]\n");
    const struct rl_list *l = rl_find_list(&c.s, "l");
    CHECK(ok && l && l->nitems == 6 && !strcmp(items_joined(&c.a, l), "1,2.5,,a,a,b c"), "items %s",
          l ? items_joined(&c.a, l) : "");
    end(&c);

    /* empty things are skipped, and loading goes on after an error */
    begin(&c);
    ok = load(&c, "t.yaml",
              "---\n---\n- \n- bad\n- list: l\n  items: []\n- macro: m\n- macro: m2\n  condition: "
              "a\n---\nx\n---\n- list: l2\n  items: [q]\n");
    CHECK(!ok, "file with errors fails");
    CHECK(count(&c, DIAG_SEV_ERROR) == 3, "three errors: %zu", count(&c, DIAG_SEV_ERROR));
    CHECK(rl_find_list(&c.s, "l") && rl_find_macro(&c.s, "m2") && rl_find_list(&c.s, "l2") &&
              !rl_find_macro(&c.s, "m"),
          "good items around bad ones are kept");
    CHECK(c.s.counter == 3, "dropped items take no number: %u", c.s.counter);
    end(&c);

    /* a YAML error stops only its own file */
    begin(&c);
    ok = load(&c, "bad.yaml", "- list: a\n  items: [x\n");
    CHECK(!ok && c.d.v[0]->code == DIAG_LOAD_ERR_YAML_PARSE, "YAML error");
    ok = load(&c, "good.yaml", "- list: b\n  items: [y]\n");
    CHECK(ok && rl_find_list(&c.s, "b") && !rl_find_list(&c.s, "a"), "next file loads");
    end(&c);
}

/* ---- versions --------------------------------------------------------------------------- */

static void test_versions(void)
{
    const char *good[] = {"0.57.0", "8", "0.26.0-rc1", "0.62.0", "\"0.10.3\"", "0x10", "62"};
    for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
        struct ctx c;
        begin(&c);
        char *y = arena_printf(&c.a, "- required_engine_version: %s\n", good[i]);
        CHECK(load(&c, "t.yaml", y) && c.d.n == 0, "engine version %s accepted", good[i]);
        end(&c);
    }
    struct ctx c;
    begin(&c);
    CHECK(load(&c, "t.yaml",
               "- required_engine_version: 0.40.0\n- required_engine_version: 0.57.1\n"
               "- required_engine_version: 10\n- list: l\n  items: []\n"),
          "several versions");
    CHECK(c.s.has_engine_required && c.s.engine_req[0] == 0 && c.s.engine_req[1] == 57 &&
              c.s.engine_req[2] == 1,
          "highest kept: %u.%u.%u", c.s.engine_req[0], c.s.engine_req[1], c.s.engine_req[2]);
    CHECK(c.s.engine_required == RL_VERSION_PACK(0, 57, 1), "packed");
    CHECK(c.s.engine_req_node && !strcmp(c.s.engine_req_node->value, "0.57.1"), "node");
    CHECK(c.s.counter == 1, "version items take no number");
    end(&c);

    begin(&c);
    CHECK(load(&c, "t.yaml",
               "- required_plugin_versions:\n  - name: container\n    version: 0.4.0\n"
               "  - name: k8saudit\n    version: 0.7.0\n    alternatives:\n"
               "      - name: k8saudit-eks\n        version: 0.4.0\n"
               "- required_plugin_versions:\n  - name: json\n    version: 0.7.0\n"),
          "plugin versions");
    CHECK(c.s.nplugin_reqs == 3, "three requirements: %zu", c.s.nplugin_reqs);
    if (c.s.nplugin_reqs == 3) {
        CHECK(c.s.plugin_nalts[0] == 1 && !strcmp(c.s.plugin_reqs[0][0].name, "container") &&
                  !strcmp(c.s.plugin_reqs[0][0].version, "0.4.0"),
              "container");
        CHECK(c.s.plugin_nalts[1] == 2 && !strcmp(c.s.plugin_reqs[1][1].name, "k8saudit-eks"),
              "alternatives");
        CHECK(!strcmp(c.s.plugin_reqs[2][0].name, "json") && c.s.plugin_reqs[2][0].node, "json");
    }
    end(&c);
}

/* ---- lists and macros -------------------------------------------------------------------- */

static void test_lists_macros(void)
{
    struct ctx c;
    begin(&c);
    bool ok = load(&c, "t.yaml",
                   "- list: l\n  items: [a, b]\n"                                    /* 0 */
                   "- macro: m\n  condition: evt.type = open\n"                      /* 1 */
                   "- list: l\n  items: [c]\n  append: true\n"                       /* 2 */
                   "- list: l\n  items: [c, d]\n  override:\n    items: append\n"    /* 3 */
                   "- list: k\n  items: [x]\n  override:\n    items: replace\n"      /* 4 */
                   "- macro: m\n  condition: or evt.type = openat\n  append: true\n" /* 5 */
                   "- macro: m\n  condition: or evt.type = openat2\n  override:\n"
                   "    condition: append\n"                                           /* 6 */
                   "- macro: n\n  condition: a\n"                                      /* 7 */
                   "- macro: n\n  condition: b\n  override:\n    condition: replace\n" /* 8 */
                   "- list: k\n  items: [y]\n" /* 9 */);
    CHECK(ok, "loads");
    const struct rl_list *l = rl_find_list(&c.s, "l"), *k = rl_find_list(&c.s, "k");
    const struct rl_macro *m = rl_find_macro(&c.s, "m"), *n = rl_find_macro(&c.s, "n");
    CHECK(l && !strcmp(items_joined(&c.a, l), "a,b,c,c,d"), "list appends keep copies: %s",
          l ? items_joined(&c.a, l) : "");
    CHECK(l && l->index == 0 && l->visibility == 3, "list index/visibility %u/%u", l ? l->index : 0,
          l ? l->visibility : 0);
    CHECK(k && !strcmp(items_joined(&c.a, k), "y") && k->index == 4 && k->visibility == 9,
          "replace defines, redefinition replaces");
    CHECK(m && m->cond.n == 3 && m->cond_appended && m->index == 1 && m->visibility == 6,
          "macro appends");
    CHECK(m && !strcmp(text_joined(&c.a, &m->cond),
                       "evt.type = open or evt.type = openat or evt.type = openat2"),
          "appended text: %s", m ? text_joined(&c.a, &m->cond) : "");
    CHECK(n && n->cond.n == 1 && !strcmp(n->cond.parts[0]->value, "b") && n->index == 7 &&
              n->visibility == 8 && !n->cond_appended,
          "macro replace");
    CHECK(c.s.counter == 10 && c.s.nlists == 2 && c.s.nmacros == 2, "counter %u", c.s.counter);
    CHECK(count(&c, DIAG_SEV_WARNING) == 2, "two deprecated appends");
    /* the latest full definition is the defining item */
    CHECK(k && k->item && k->name_node && k->name_node->start > k->item->start, "nodes");
    end(&c);

    /* a macro redefinition after an append resets the texts */
    begin(&c);
    ok = load(&c, "t.yaml",
              "- macro: m\n  condition: a\n- macro: m\n  condition: and b\n  append: true\n"
              "- macro: m\n  condition: c\n");
    m = rl_find_macro(&c.s, "m");
    CHECK(ok && m && m->cond.n == 1 && !m->cond_appended && m->index == 0 && m->visibility == 2,
          "redefinition");
    end(&c);
}

/* ---- rules: redefinition, append, override, enable -------------------------------------- */

static const struct rl_exception *exc(const struct rl_rule *r, const char *name)
{
    for (size_t i = 0; r && i < r->nexceptions; i++)
        if (!strcmp(r->exceptions[i].name, name))
            return &r->exceptions[i];
    return NULL;
}

static void test_rules(void)
{
    struct ctx c;
    begin(&c);
    bool ok =
        load(&c, "t.yaml",
             R "  tags: [x, y]\n  enabled: false\n"                                     /* r: 0 */
               "- rule: s\n  desc: d\n  condition: c\n  output: o\n  priority: DEBUG\n" /* 1 */
               "- rule: r\n  desc: d2\n  condition: evt.type = close\n  output: o2\n"
               "  priority: WARNING\n" /* 2: full redefinition */);
    const struct rl_rule *r = rl_find_rule(&c.s, "r");
    CHECK(ok && r && c.s.nrules == 2 && c.s.rules[0] == r, "redefinition keeps the position");
    if (r) {
        CHECK(r->index == 0 && r->visibility == 2, "index/visibility %u/%u", r->index,
              r->visibility);
        CHECK(r->enabled && r->ntags == 0 && r->priority == RL_PRIO_WARNING,
              "defaults re-applied, content replaced");
        CHECK(!strcmp(text_joined(&c.a, &r->cond), "evt.type = close"), "condition replaced");
    }
    end(&c);

    /* legacy append: condition and exceptions only */
    begin(&c);
    ok =
        load(&c, "t.yaml",
             RX "- rule: r\n  condition: and proc.name = cat\n  output: ignored\n  enabled: false\n"
                "  priority: DEBUG\n  append: true\n  exceptions:\n    - name: e\n"
                "      values: [[b], [c]]\n    - name: f\n      fields: fd.name\n"
                "      values: [/tmp]\n");
    r = rl_find_rule(&c.s, "r");
    CHECK(ok && r, "legacy append loads");
    if (r) {
        CHECK(r->cond.n == 2 && r->cond_appended &&
                  !strcmp(text_joined(&c.a, &r->cond), "evt.type = open and proc.name = cat"),
              "condition appended");
        CHECK(r->output.n == 1 && r->enabled && r->priority == RL_PRIO_INFORMATIONAL,
              "other keys ignored");
        const struct rl_exception *e = exc(r, "e"), *f = exc(r, "f");
        CHECK(e && e->nvalues == 3 && e->form == RL_EXC_LIST && e->nfields == 1 &&
                  !strcmp(e->comps[0], "=") && !e->comp_nodes[0],
              "values merged into e");
        CHECK(f && f->form == RL_EXC_SINGLE && !strcmp(f->comps[0], "in") && f->nvalues == 1,
              "new exception f defaulted to in");
        CHECK(r->nexceptions == 2 && r->visibility == 1, "two exceptions, visibility 1");
    }
    CHECK(count(&c, DIAG_SEV_WARNING) == 1, "one deprecation warning");
    end(&c);

    /* override: append and replace in one item; appends first */
    begin(&c);
    ok = load(&c, "t.yaml",
              RX "  tags: [b, a]\n"
                 "- rule: r\n  condition: and proc.name = cat\n  output: extra\n  desc: more\n"
                 "  tags: [c, a]\n  priority: CRITICAL\n  enabled: false\n  warn_evttypes: false\n"
                 "  skip-if-unknown-filter: true\n  capture: true\n  capture_duration: 500\n"
                 "  source: syscall\n"
                 "  exceptions:\n    - name: e\n      values: [[z]]\n"
                 "  override:\n    condition: append\n    output: append\n    desc: append\n"
                 "    tags: append\n    priority: replace\n    enabled: replace\n"
                 "    warn_evttypes: replace\n    skip-if-unknown-filter: replace\n"
                 "    capture: replace\n    capture_duration: replace\n    exceptions: append\n");
    r = rl_find_rule(&c.s, "r");
    CHECK(ok && c.d.n == 0, "override loads cleanly");
    if (!ok)
        dump(&c);
    if (r) {
        CHECK(!strcmp(text_joined(&c.a, &r->cond), "evt.type = open and proc.name = cat") &&
                  r->cond_appended,
              "condition");
        CHECK(!strcmp(text_joined(&c.a, &r->output), "o extra"), "output parts");
        CHECK(!strcmp(text_joined(&c.a, &r->desc), "d more"), "desc parts");
        CHECK(!strcmp(tags_joined(&c.a, r), "a,b,c"), "tags union: %s", tags_joined(&c.a, r));
        CHECK(r->priority == RL_PRIO_CRITICAL && !r->enabled && !r->warn_evttypes &&
                  r->skip_if_unknown_filter && r->capture && r->capture_duration == 500,
              "replaced values");
        CHECK(exc(r, "e") && exc(r, "e")->nvalues == 2, "exception values appended");
        CHECK(r->index == 0 && r->visibility == 2 && c.s.counter == 3,
              "append and replace take a number each: vis %u counter %u", r->visibility,
              c.s.counter);
        CHECK(r->priority_node && !strcmp(r->priority_node->value, "CRITICAL"), "priority node");
    }
    end(&c);

    /* override replace of texts, tags and exceptions */
    begin(&c);
    ok =
        load(&c, "t.yaml",
             RX "  tags: [b]\n- rule: r\n  condition: and x\n  override:\n    condition: append\n"
                "- rule: r\n  condition: evt.type = close\n  output: new\n  desc: nd\n  tags: [z]\n"
                "  exceptions:\n    - name: g\n      fields: [fd.name, proc.name]\n"
                "      comps: [' startswith ', 'endswith oneof']\n      values: [[/a, b]]\n"
                "  override:\n    condition: replace\n    output: replace\n    desc: replace\n"
                "    tags: replace\n    exceptions: replace\n");
    r = rl_find_rule(&c.s, "r");
    CHECK(ok && r, "replace loads");
    if (!ok)
        dump(&c);
    if (r) {
        CHECK(r->cond.n == 1 && !r->cond_appended &&
                  !strcmp(r->cond.parts[0]->value, "evt.type = close"),
              "condition replaced");
        CHECK(r->output.n == 1 && r->desc.n == 1 && !strcmp(tags_joined(&c.a, r), "z"),
              "output, desc, tags replaced");
        const struct rl_exception *g = exc(r, "g");
        CHECK(r->nexceptions == 1 && g && g->nfields == 2 && !strcmp(g->comps[0], "startswith") &&
                  !strcmp(g->comps[1], "endswith oneof") && g->comp_nodes[1],
              "exceptions replaced, comps trimmed");
        CHECK(r->visibility == 2, "visibility");
    }
    end(&c);

    /* enable items take no number and change only the flag */
    begin(&c);
    ok = load(&c, "t.yaml", R "- rule: r\n  enabled: false\n- list: l\n  items: []\n");
    r = rl_find_rule(&c.s, "r");
    CHECK(ok && r && !r->enabled && r->visibility == 0 && rl_find_list(&c.s, "l")->index == 1,
          "enable item");
    end(&c);

    /* the modern form */
    begin(&c);
    ok = load(&c, "t.yaml", R "- rule: r\n  enabled: false\n  override:\n    enabled: replace\n");
    r = rl_find_rule(&c.s, "r");
    CHECK(ok && c.d.n == 0 && r && !r->enabled, "enabled: replace");
    end(&c);

    /* rules for unknown sources are kept and can be appended to */
    begin(&c);
    ok = load(&c, "t.yaml",
              "- rule: k\n  desc: d\n  condition: ka.verb = get\n  output: o\n  priority: INFO\n"
              "  source: k8s_audit\n"
              "- rule: k\n  condition: and ka.user.name = x\n  override:\n    condition: append\n"
              "- rule: k\n  source: k8s_audit\n  condition: or y\n  append: true\n");
    r = rl_find_rule(&c.s, "k");
    CHECK(ok && r && !r->source_known && r->cond.n == 3, "unknown source rule appended to");
    CHECK(count(&c, DIAG_SEV_WARNING) == 2, "unknown source + deprecated append");
    end(&c);

    /* an empty appended text is ignored (rules), kept (macros) */
    begin(&c);
    ok = load(&c, "t.yaml", R "- rule: r\n  output: \" \"\n  override:\n    output: append\n");
    r = rl_find_rule(&c.s, "r");
    CHECK(ok && r && r->output.n == 2, "a blank (non-empty) text is appended");
    end(&c);

    /* exceptions: defaults, modifiers, duplicates kept, values of every shape */
    begin(&c);
    ok = load(&c, "t.yaml",
              R "  exceptions:\n"
                "    - name: a\n      fields: [proc.name, fd.name]\n"
                "      values: [[cat, /etc], [dog, [/a, /b]], [~, x]]\n"
                "    - name: b\n      fields: proc.name\n      comps: startswith oneof\n"
                "      values: [sh, bash]\n"
                "    - name: c\n      fields: fd.name\n      comps: ' pmatch '\n"
                "    - name: c\n      fields: [fd.name]\n      comps: [exists]\n"
                "    - name: d\n      fields: [proc.name]\n      comps: ['startswith   anyof']\n"
                "      values: [[(a, b)]]\n");
    r = rl_find_rule(&c.s, "r");
    CHECK(ok && r && r->nexceptions == 5, "exceptions loaded");
    if (r && r->nexceptions == 5) {
        const struct rl_exception *e = &r->exceptions[0];
        CHECK(e->form == RL_EXC_LIST && e->nfields == 2 && e->nvalues == 3 &&
                  !strcmp(e->comps[0], "=") && !strcmp(e->comps[1], "="),
              "list defaults");
        CHECK(e->values[1]->kind == YN_SEQ && e->values[1]->vals[1]->kind == YN_SEQ,
              "tuple element list kept");
        e = &r->exceptions[1];
        CHECK(e->form == RL_EXC_SINGLE && !strcmp(e->comps[0], "startswith oneof") &&
                  e->nvalues == 2,
              "single with modifier");
        CHECK(!strcmp(r->exceptions[2].comps[0], "pmatch") && r->exceptions[2].nvalues == 0,
              "single trimmed, no values");
        CHECK(!strcmp(r->exceptions[3].name, "c") && !strcmp(r->exceptions[3].comps[0], "exists"),
              "duplicate name kept");
        CHECK(!strcmp(r->exceptions[4].comps[0], "startswith   anyof"), "modifier spacing kept");
        CHECK(r->exceptions[0].node && r->exceptions[0].fields[1]->kind == YN_SCALAR, "nodes");
    }
    CHECK(find(&c, DIAG_LOAD_EXCEPTION_NAME_NOT_UNIQUE,
               "Multiple definitions of exception 'c' in the same rule"),
          "duplicate warned");
    end(&c);

    /* `exceptions:` null is none; replacing with null clears them */
    begin(&c);
    ok = load(&c, "t.yaml", RX "- rule: r\n  exceptions:\n  override:\n    exceptions: replace\n");
    r = rl_find_rule(&c.s, "r");
    CHECK(ok && r && r->nexceptions == 0, "exceptions cleared");
    end(&c);
}

/* ---- several files share one set -------------------------------------------------------- */

static void test_multi_file(void)
{
    struct ctx c;
    begin(&c);
    bool ok1 = load(&c, "base.yaml",
                    "- list: shells\n  items: [sh]\n- macro: spawned\n  condition: evt.type = "
                    "execve\n" R);
    bool ok2 = load(&c, "local.yaml",
                    "- list: shells\n  items: [bash]\n  override:\n    items: append\n"
                    "- rule: r\n  condition: and proc.name in (shells)\n  override:\n"
                    "    condition: append\n"
                    "- rule: r\n  desc: x\n  override:\n    desc: nope\n");
    CHECK(ok1 && !ok2, "second file has an error");
    const struct rl_rule *r = rl_find_rule(&c.s, "r");
    const struct rl_list *l = rl_find_list(&c.s, "shells");
    CHECK(r && r->cond.n == 2 && r->cond.parts[0]->src != r->cond.parts[1]->src,
          "parts from two files");
    CHECK(r && r->cond.parts[1]->src && !strcmp(r->cond.parts[1]->src->name, "local.yaml"),
          "appended part points into local.yaml");
    CHECK(l && !strcmp(items_joined(&c.a, l), "sh,bash") && l->visibility == 3,
          "list appended across files: vis %u", l ? l->visibility : 0);
    CHECK(r && r->index == 2 && r->visibility == 4 && c.s.counter == 5, "shared counter");
    const struct diag *g = find(&c, DIAG_LOAD_ERR_YAML_VALIDATE,
                                "Invalid override operation for key 'desc': 'nope'. Allowed "
                                "values are: append replace ");
    CHECK(g && g->pos.src && !strcmp(g->pos.src->name, "local.yaml"), "error in local.yaml");
    end(&c);
}

static void test_corpus(void)
{
    struct ctx c;
    begin(&c);
    const char *path = FALCOC_SHARED "/corpus/rules/falco_rules.yaml";
    struct source *src = src_read_file(&c.a, path);
    CHECK(src != NULL, "read %s", path);
    if (src) {
        struct ydoc *docs;
        size_t ndocs;
        bool ok = yaml_parse(&c.a, &c.d, src, &docs, &ndocs) &&
                  rl_load_file(&c.a, &c.d, &c.s, src, docs, ndocs);
        CHECK(ok && c.d.nerrors == 0 && c.d.nwarnings == 0, "loads clean: %zu errors %zu warnings",
              c.d.nerrors, c.d.nwarnings);
        if (c.d.n)
            dump(&c);
        CHECK(c.s.nrules == 25 && c.s.nmacros == 87 && c.s.nlists == 49,
              "25 rules, 87 macros, 49 lists: %zu %zu %zu", c.s.nrules, c.s.nmacros, c.s.nlists);
        CHECK(c.s.has_engine_required && c.s.engine_req[1] == 57, "requires 0.57.0");
        CHECK(c.s.nplugin_reqs == 1 && !strcmp(c.s.plugin_reqs[0][0].name, "container"),
              "requires the container plugin");
        size_t disabled = 0, tagged = 0;
        for (size_t i = 0; i < c.s.nrules; i++) {
            disabled += !c.s.rules[i]->enabled;
            tagged += c.s.rules[i]->ntags > 0;
            CHECK(c.s.rules[i]->index < c.s.counter, "index");
        }
        CHECK(tagged == 25, "every rule has tags");
        (void)disabled;
        /* the counter is shared by all kinds */
        CHECK(c.s.counter == 25 + 87 + 49, "counter %u", c.s.counter);
    }
    end(&c);
}

int main(void)
{
    test_error_table();
    test_warning_table();
    test_rule_defaults();
    test_scalars();
    test_versions();
    test_lists_macros();
    test_rules();
    test_multi_file();
    test_corpus();
    return th_done();
}
