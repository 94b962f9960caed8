/*
 * test_grammar.c - unit tests of the condition grammar (grammar/).
 *
 * Input: shared/spec/condition-cases.tsv (read at run time) and the cases
 * below. Every parse-level vector must give exactly its `ast:` tree or fail
 * with its `msg:`; conditions of the other levels that are expected to work
 * must at least parse. The extra cases pin the printed form (§5.9), error
 * messages and offsets, the depth limit and the context rules of §5.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "tharness.h"

/* ---- helpers ---- */

struct result {
    struct arena a;
    struct ast_node *n;
    struct cond_error err;
    const char *dump, *print;
};

static void parse(struct result *r, const char *text, size_t len)
{
    arena_init(&r->a);
    r->n = cond_parse(&r->a, text, len, &r->err);
    r->dump = r->print = NULL;
    if (r->n) {
        struct buf d, p;
        buf_init(&d, &r->a);
        buf_init(&p, &r->a);
        ast_dump(&d, r->n);
        ast_print(&p, r->n);
        r->dump = buf_cstr(&d);
        r->print = buf_cstr(&p);
    }
}

static void done(struct result *r)
{
    arena_free(&r->a);
}

/* The condition parses to this s-expression. */
static void ok(const char *cond, const char *sexp)
{
    struct result r;
    parse(&r, cond, strlen(cond));
    CHECK(r.n && strcmp(r.dump, sexp) == 0, "%s: got %s (%s), want %s", cond,
          r.n ? r.dump : "error", r.n ? "" : r.err.msg, sexp);
    done(&r);
}

/* The condition prints in Falco's canonical form as this. */
static void printed(const char *cond, const char *want)
{
    struct result r;
    parse(&r, cond, strlen(cond));
    CHECK(r.n && strcmp(r.print, want) == 0, "%s: printed %s (%s), want %s", cond,
          r.n ? r.print : "error", r.n ? "" : r.err.msg, want);
    done(&r);
}

/* The condition fails; msg (if not NULL) and offset (if >= 0) are checked. */
static void bad(const char *cond, const char *msg, int offset)
{
    struct result r;
    parse(&r, cond, strlen(cond));
    CHECK(!r.n, "%s: parsed as %s, want an error", cond, r.n ? r.dump : "");
    if (!r.n && msg)
        CHECK(strcmp(r.err.msg, msg) == 0, "%s: message '%s', want '%s'", cond, r.err.msg, msg);
    if (!r.n && offset >= 0)
        CHECK(r.err.offset == (uint32_t)offset, "%s: offset %u, want %d (%s)", cond, r.err.offset,
              offset, r.err.msg);
    done(&r);
}

static void accept(const char *cond)
{
    struct result r;
    parse(&r, cond, strlen(cond));
    CHECK(r.n != NULL, "%s: %s (offset %u)", cond, r.err.msg, r.err.offset);
    done(&r);
}

/* ---- condition-cases.tsv ---- */

/* §0.4: \t \n \r \\ are the only escapes of the condition column. */
static size_t unescape(char *s)
{
    char *d = s;
    for (const char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            char c = p[1];
            char o = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == '\\' ? '\\' : 0;
            if (o) {
                *d++ = o;
                p++;
                continue;
            }
        }
        *d++ = *p;
    }
    *d = '\0';
    return (size_t)(d - s);
}

/* The value of "key: value" in a " ;; "-separated note, copied into out. */
static bool note_get(const char *note, const char *key, char *out, size_t cap)
{
    size_t klen = strlen(key);
    const char *p = note;
    while (p && *p) {
        if (strncmp(p, key, klen) == 0 && p[klen] == ':' && p[klen + 1] == ' ') {
            const char *v = p + klen + 2, *e = strstr(v, " ;; ");
            size_t n = e ? (size_t)(e - v) : strlen(v);
            if (n >= cap)
                n = cap - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return true;
        }
        p = strstr(p, " ;; ");
        if (p)
            p += 4;
    }
    return false;
}

static void run_vectors(void)
{
    const char *path = FALCOC_SHARED "/spec/condition-cases.tsv";
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "cannot open %s", path);
    if (!f)
        return;
    static char line[1 << 16];
    int rows = 0, parse_rows = 0;
    bool header = true;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (header || !line[0]) {
            header = false;
            continue;
        }
        char *id = line, *cond = strchr(id, '\t');
        char *expect = cond ? strchr(cond + 1, '\t') : NULL;
        char *note = expect ? strchr(expect + 1, '\t') : NULL;
        CHECK(note != NULL, "malformed row: %s", line);
        if (!note)
            continue;
        *cond++ = *expect++ = *note++ = '\0';
        size_t len = unescape(cond);
        char level[32] = "", ast[8192], msg[512];
        note_get(note, "level", level, sizeof(level));
        bool want_ok = strcmp(expect, "ok") == 0;
        rows++;

        struct result r;
        parse(&r, cond, len);
        if (strcmp(level, "parse") == 0) {
            parse_rows++;
            if (want_ok) {
                bool has_ast = note_get(note, "ast", ast, sizeof(ast));
                CHECK(has_ast, "%s: no ast note", id);
                CHECK(r.n && has_ast && strcmp(r.dump, ast) == 0, "%s: %s\n   got  %s\n   want %s",
                      id, r.n ? "wrong tree" : r.err.msg, r.n ? r.dump : "error", ast);
            } else {
                CHECK(!r.n, "%s: parsed as %s, want an error", id, r.n ? r.dump : "");
                if (!r.n && note_get(note, "msg", msg, sizeof(msg)))
                    CHECK(strcmp(r.err.msg, msg) == 0, "%s: message '%s', want '%s'", id, r.err.msg,
                          msg);
            }
        } else if (want_ok) {
            CHECK(r.n != NULL, "%s (level %s): %s at %u", id, level, r.err.msg, r.err.offset);
        }
        done(&r);
    }
    fclose(f);
    CHECK(rows > 200 && parse_rows > 100, "only %d rows (%d at level parse) in %s", rows,
          parse_rows, path);
}

/* ---- extra cases ---- */

static void test_prose_cases(void)
{
    /* §5.2 notes and §5.6 */
    ok("proc.name inx", "(in proc.name \"x\")");
    ok("test.op existsand macro", "(and (exists test.op) (id macro))");
    bad("a and or b", "unexpected token after 'or', expecting 'or', 'and'", 9);
    ok("not", "(id not)");
    ok("not not", "(not (id not))");
    ok("a and not", "(and (id a) (id not))");
    ok("proc.name == anyof and fd.name exists", "(and (== proc.name \"anyof\") (exists fd.name))");
    ok("proc.name == oneof or fd.name exists", "(or (== proc.name \"oneof\") (exists fd.name))");
    ok("proc.name == oneof nothing", "(==:oneof proc.name \"nothing\")");
    ok("proc.name == oneof andx", "(==:oneof proc.name \"andx\")");
    ok("proc.name == oneof or1", "(==:oneof proc.name \"or1\")");
    bad("proc.name == oneof and_x", "expected blank or '(' after 'and'", 22);
    ok("proc.name ==oneof", "(== proc.name \"oneof\")");
    bad("proc.name ==oneof (a)", NULL, 18);
    ok("proc.name glob allof\t(a,b)", "(glob:allof proc.name (list \"a\" \"b\"))");
    ok("proc.name regex oneof (a)", "(regex:oneof proc.name (list \"a\"))");
    ok("proc.name != oneof ()", "(!=:oneof proc.name (list))");
    ok("(proc.name = oneof )", "(= proc.name \"oneof\")");
    bad("proc.name = oneof ) x", NULL, -1);
    ok("proc.name = oneofx", "(= proc.name \"oneofx\")");
    bad("proc.name > oneof (a)", NULL, 12);
    bad("proc.name in oneof (cat)", "unexpected token after 'oneof', expecting 'or', 'and'", 19);
    ok("a and and", "(and (id a) (id and))");
    ok("a or or", "(or (id a) (id or))");
    ok("not nota", "(not (id nota))");
    ok("not not.x exists", "(not (exists not.x))");
    ok("a and(b) or c", "(or (and (id a) (id b)) (id c))");
    ok("a or(b) or c and d", "(or (id a) (id b) (and (id c) (id d)))");
    bad("a or(b) and c", "unexpected token after ')', expecting 'or', 'and'", 8);
    bad("(a or(b) and c)", "expected a ')' token", 9);
    ok("a or (b) and c", "(or (id a) (and (id b) (id c)))");
    ok("a and (b and c)", "(and (id a) (and (id b) (id c)))");
    ok("not (not a)", "(not (not (id a)))");
    ok("not not not a", "(not (id a))");
    ok("x.y containsin (a)", "(in x.y (list \"a\"))");
    ok("x.y globpmatch (a)", "(pmatch x.y (list \"a\"))");
    ok("x.y > 1and z", "(and (> x.y \"1\") (id z))");
    ok("x.y > 1.e+5", "(> x.y \"1.e+5\")");
    bad("x.y > 1e5", "unexpected token after '1', expecting 'or', 'and'", 7);
    ok("x.y < -0.1222e+10", "(< x.y \"-0.1222e+10\")");
    bad("x.y < 0xAAA.1", "unexpected token after '0xAAA', expecting 'or', 'and'", 11);
    ok("x.y = 0xAAA.1", "(= x.y \"0xAAA.1\")");
    bad("evt.arg.0 exists", NULL, 7);
    ok("proc.name = proc.pname", "(= proc.name \"proc.pname\")");
    ok("a.b=<", "(= a.b \"<\")");
    ok("evt.dir=> and fd.name=*.log", "(and (= evt.dir \">\") (= fd.name \"*.log\"))");
    ok("some.field = b64 and(some_macro)", "(and (= some.field \"b64\") (id some_macro))");
    bad("some.field = b64and(some_macro)", "unexpected token after 'b64and', expecting 'or', 'and'",
        19);
    ok("a.g in (1, 'a', b.c)", "(in a.g (list \"1\" \"a\" \"b.c\"))");
    bad("x.y in (a=b)", "expected a ')' token", 9);
    bad("x in (a=b", NULL, -1);
}

static void test_transformers(void)
{
    ok("b64(test.field) exists", "(exists (b64 test.field))");
    ok("tolower( b64(\ntest.field ) )\n exists", "(exists (tolower (b64 test.field)))");
    ok("some.field in val(test.field)", "(in some.field (val test.field))");
    ok("some.field in val", "(in some.field \"val\")");
    ok("some.field = val( x.y[1] )", "(= some.field (val (field x.y \"1\")))");
    ok("fd.name = val(proc.name)[x]", "(= fd.name (val proc.name :arg \"x\"))");
    ok("concat(proc.name, \"-\", 1, tolower(proc.pname)) = a",
       "(= (concat proc.name \"-\" \"1\" (tolower proc.pname)) \"a\")");
    ok("join(\",\", (evt.num, 'x', 0x1F, b64(a.b))) = \"1,1\"",
       "(= (join \",\" (tlist evt.num \"x\" \"0x1F\" (b64 a.b))) \"1,1\")");
    ok("len(join(\"-\", (fd.name, fd.directory))) >= 5",
       "(>= (len (join \"-\" (tlist fd.name fd.directory))) \"5\")");
    ok("getopt(proc.args, \"nt:\")[\"t\"] = value",
       "(= (getopt proc.args \"nt:\" :arg \"t\") \"value\")");
    ok("len(tolower.x) > 1", "(> (len tolower.x) \"1\")");
    bad("val(test.field) exists", "unexpected token after 'val', expecting 'or', 'and'", 3);
    bad("b64(val(test.field)) exists",
        "expected field transformer argument: field, transformer, quoted string, number, or "
        "transformer list",
        4);
    bad("some.field = val(val(test.field))", "expected a field within 'val' transformer", 17);
    bad("some.field = val(test.field", "expected a ')' token closing the transformer", 27);
    bad("b64(test.field [1]) exists", "expected a ')' token closing the transformer", 15);
    bad("b64 (test.field) exists", "unexpected token after 'b64', expecting 'or', 'and'", 4);
    bad("some.field = (b64(test.field))",
        "expected a string value or a field with a valid transformer: 'val', 'tolower', "
        "'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt'",
        13);
    bad("x.y > abc",
        "expected a number value or a field with a valid transformer: 'val', 'tolower', "
        "'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt'",
        6);
    bad("x.y in",
        "expected a list, an identifier, or a field with a valid transformer: 'val', 'tolower', "
        "'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt'",
        6);
    bad("join(\"-\", (fd.name,)) = /tmp",
        "expected transformer list argument: field, transformer, quoted string, or number", 19);
    bad("join(\"-\", (fd.name x)) = /tmp", "expected ')'", 19);
    bad("join(\"-\", ((a.b))) = /tmp", NULL, 11);
    bad("some.field in (a, b64(test.field))", "expected a ')' token", 21);
    bad("getopt(proc.args, \"nt:\")[] = value",
        "expected a valid field argument: a quoted string or a bare string", 25);
}

static void test_strings(void)
{
    /* \x00 inside a string: kept with its length, NUL-terminated as well */
    struct result r;
    const char *c = "a.b = \"x\\x00y\"";
    parse(&r, c, strlen(c));
    CHECK(r.n && r.n->rhs && r.n->rhs->str.len == 3 && memcmp(r.n->rhs->str.s, "x\0y", 4) == 0,
          "\\x00 not decoded");
    CHECK(r.n && strcmp(r.print, "a.b = \"x") == 0, "printed %s", r.n ? r.print : "-");
    done(&r);

    ok("a.b = \"\\x41\\x4a\\x6b\"", "(= a.b \"AJk\")");
    ok("a.b = '\\b\\f\\n\\r\\t\\/\\\\x'", "(= a.b \"\b\f\\n\\r\\t/\\\\x\")");
    ok("a.b = \"a\\ b\"", "(= a.b \"a\\\\b\")");
    bad("a.b = \"\\q\"", "unsupported string escape sequence: \\q", 7);
    bad("a.b = 'x\\\"'", "invalid \\\" escape in '-quoted string", 8);
    bad("a.b = \"x\\'\"", "invalid \\' escape in \"-quoted string", 8);
    bad("a.b = \"\\x4\"", NULL, 7);
    bad("a.b = \"\\x4g\"", NULL, 7);
    bad("a.b = 'unterminated", NULL, 6);
    bad("a.b = 'a\\\\'", NULL, 6);
    ok("a.b = 'a\\\\' '", "(= a.b \"a\\\\' \")");
    ok("test.str[0a!@#456:/\\.;!$%^&*(){}|] = testval",
       "(= (field test.str \"0a!@#456:/\\\\.;!$%^&*(){}|\") \"testval\")");
    ok("test.str[+0.25e+10] = a", "(= (field test.str \"+0.25e+10\") \"a\")");
    bad("test.str[[] = testval",
        "expected a valid field argument: a quoted string or a bare string", 9);
    bad("test.str[aaa\"] = a", "expected a ']' token", 12);
    bad("test.str[ = testval", NULL, 9);
    bad("test.str[\"\\q\"] = a", "unsupported string escape sequence: \\q", 10);
    ok("a.b = x\bb", "(= a.b \"x\bb\")");
    bad("a.b = x\vb", NULL, 7);
    /* a raw NUL is a byte of a bare string, and ends a quoted string */
    parse(&r, "a.b = x\0y", 9);
    CHECK(r.n && r.n->rhs->str.len == 3, "raw NUL in a bare string");
    done(&r);
    parse(&r, "a.b = 'x\0y'", 11);
    CHECK(!r.n, "raw NUL inside quotes must not end well");
    done(&r);
}

static void test_print(void)
{
    printed("proc.name=nginx and fd.name=/etc/passwd",
            "(proc.name = nginx and fd.name = /etc/passwd)");
    printed("proc.name='some proc'", "proc.name = \"some proc\"");
    printed("getopt(proc.args, \"nt:\")[\"t\"] = value", "getopt(proc.args,nt:)[t] = value");
    printed("not a.b = 1", "not a.b = 1");
    printed("not (a or b)", "not (a or b)");
    printed("a or b and not c", "(a or (b and not c))");
    printed("proc.name in (a,'b c',  \"d\")", "proc.name in (a, \"b c\", d)");
    printed("proc.name in ()", "proc.name in ()");
    printed("proc.name == oneof (cat, nginx)", "proc.name == oneof (cat, nginx)");
    printed("proc.name startswith anyof my_list", "proc.name startswith anyof my_list");
    printed("join(\",\", (a.b, 'x y')) = z", "join(,,(a.b,\"x y\")) = z");
    printed("proc.aname[2] exists", "proc.aname[2] exists");
    printed("test.str[\"\"] = empty", "test.str[\"\"] = empty");
    printed("test.str['a b'] = a", "test.str[\"a b\"] = a");
    printed("a.b = 'x=y'", "a.b = \"x=y\"");
    printed("a.b = \"it's\"", "a.b = \"it's\"");
    printed("a.b = 'q\"\\\\\\t'", "a.b = \"q\\\"\\\\\\t\"");
    printed("a.b = \"\\x01\\x7f\"", "a.b = \x01\x7f");
    printed("a.b = \"\\b\\f\"", "a.b = \"\\b\\f\"");
    printed("a.b != val(c.d)", "a.b != val(c.d)");
    printed("tolower(a.b) contains b64(c.d)", "tolower(a.b) contains b64(c.d)");
    printed("x.y exists", "x.y exists");
    printed("not not a", "a");
}

static void test_offsets_and_messages(void)
{
    bad("a and b not", "unexpected token after 'b', expecting 'or', 'and'", 8);
    bad("a.b = b = 1", "unexpected token after 'b', expecting 'or', 'and'", 8);
    bad("a not b", "unexpected token after 'a', expecting 'or', 'and'", 2);
    bad("test.op exists something", "unexpected token after 'exists', expecting 'or', 'and'", 15);
    bad("a andb", "expected blank or '(' after 'and'", 5);
    bad("a orb", "expected blank or '(' after 'or'", 4);
    bad("a and b and", "expected blank or '(' after 'and'", 11);
    bad("a and ", "expected a '(' token, a field check, or an identifier", 6);
    bad("(a.b = 1", "expected a ')' token", 8);
    /* A quote that never closes is named as such, where a value belongs. */
    bad("a.b = 'abc", "unterminated string: the single quote opened here is never closed", 6);
    bad("a.b in (x, \"y)", "unterminated string: the double quote opened here is never closed", 11);
    bad("a.b contains \"x", "unterminated string: the double quote opened here is never closed",
        13);
    bad("(a b)", "expected a ')' token", 3);
    bad("()", "expected a '(' token, a field check, or an identifier", 1);
    bad("a)", "unexpected token after 'a', expecting 'or', 'and'", 1);
    bad("test.str[] = testval", "expected a valid field argument: a quoted string or a bare string",
        9);
    bad("test.str[   test   ] = testval", NULL, 9);
    bad("test.op === value", NULL, 10);
    /* Falco consumes the word and fails where the blank is missing; we say
     * so instead of listing every operator. */
    bad("test.op startswithvalue", "operator 'startswith' must be followed by a blank", 18);
    bad("test.op ExIsTs", NULL, 8);
    bad("macro > 12", "unexpected token after 'macro', expecting 'or', 'and'", 6);
    bad("test.list in (value,)", "expected a string value", 20);
    bad("test.list in (,)", "expected a ')' token", 14);
    bad("test.list in (a b)", "expected a ')' token", 16);
    bad("test.list in (", "expected a ')' token", 14);
    bad("test.list in )", NULL, 13);
    bad("test.str = 'x' y", "unexpected token after 'x', expecting 'or', 'and'", 15);
    bad("#a and b; a and b", "expected a '(' token, a field check, or an identifier", 0);
    bad("", "filter input string is empty", 0);
    bad(" \t\n\r", "filter input string is empty", 0);
    bad("a.b = \"\\z\" and", "unsupported string escape sequence: \\z", 7);

    /* spans */
    struct result r;
    parse(&r, "  (a.b = 1 and (c)) or not d", 28);
    CHECK(r.n && r.n->kind == AST_OR && r.n->start == 2 && r.n->end == 28, "or span");
    if (r.n && r.n->kind == AST_OR && r.n->nkids == 2) {
        struct ast_node *and = r.n->kids[0], *not = r.n->kids[1];
        CHECK(and->kind == AST_AND && and->start == 3 && and->end == 18,
              "and span %u-%u", and->start, and->end);
        CHECK(and->kids[0]->kind == AST_CHECK && and->kids[0]->start == 3 &&
                                                     and->kids[0]->end == 10,
              "check span");
        CHECK(and->kids[0]->rhs->start == 9, "value span");
        CHECK(not ->kind == AST_NOT && not ->start == 23 && not ->end == 28, "not span");
    }
    done(&r);
    parse(&r, "proc.aname[\"x\"] in (a, b)", 25);
    CHECK(r.n && r.n->lhs->has_arg && r.n->lhs->arg_start == 11 && r.n->lhs->end == 15 &&
              r.n->rhs->kind == AST_LIST && r.n->rhs->start == 19 && r.n->rhs->end == 25 &&
              r.n->end == 25,
          "field / list spans");
    done(&r);
    parse(&r, "getopt(a.b, \"x\")[y] = 1", 23);
    CHECK(r.n && r.n->lhs->kind == AST_XFORM && r.n->lhs->start == 0 && r.n->lhs->end == 19 &&
              r.n->lhs->arg_start == 17,
          "transformer span");
    done(&r);
}

static char *repeat(const char *open, int n, const char *mid, const char *close)
{
    size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close);
    char *s = malloc((lo + lc) * (size_t)n + lm + 1), *p = s;
    for (int i = 0; i < n; i++, p += lo)
        memcpy(p, open, lo);
    memcpy(p, mid, lm);
    p += lm;
    for (int i = 0; i < n; i++, p += lc)
        memcpy(p, close, lc);
    *p = '\0';
    return s;
}

static void depth_case(const char *open, int n, const char *mid, const char *close, bool want_ok)
{
    char *s = repeat(open, n, mid, close);
    if (strncmp(open, "b64", 3) == 0) { /* a left side needs its operator */
        s = realloc(s, strlen(s) + 8);
        strcat(s, " exists");
    }
    struct result r;
    parse(&r, s, strlen(s));
    if (want_ok)
        CHECK(r.n != NULL, "%d x '%s': %s", n, open, r.err.msg);
    else
        CHECK(!r.n && strcmp(r.err.msg, "exceeded max depth limit of 1000") == 0, "%d x '%s': %s",
              n, open, r.n ? "parsed" : r.err.msg);
    done(&r);
    free(s);
}

static void test_depth(void)
{
    /* Falco's frame counter: 5 frames per '(' group, so 199 levels pass */
    depth_case("(", 199, "a", ")", true);
    depth_case("(", 200, "a", ")", false);
    depth_case("(", 1001, "a", ")", false);
    depth_case("not (", 199, "a", ")", true);
    depth_case("a or(", 497, "a", ")", true);
    depth_case("a or(", 498, "a", ")", false);
    depth_case("b64(", 497, "x.y", ")", true);
    depth_case("b64(", 498, "x.y", ")", false);
    depth_case("(", 198, "a.b = c", ")", true);
    depth_case("(", 199, "a.b = c", ")", false);
    /* a huge unbalanced input fails fast, without recursion */
    size_t n = 100000;
    char *s = malloc(n);
    memset(s, '(', n);
    struct result r;
    parse(&r, s, n);
    CHECK(!r.n && strcmp(r.err.msg, "exceeded max depth limit of 1000") == 0, "100k '(': %s",
          r.n ? "parsed" : r.err.msg);
    done(&r);
    memset(s, 'b', n);
    for (size_t i = 0; i + 4 < n; i += 4)
        memcpy(s + i, "b64(", 4);
    parse(&r, s, n);
    CHECK(!r.n, "100k 'b64(' parsed");
    done(&r);
    free(s);
    /* long flat inputs are fine */
    char *chain = repeat("a and ", 20000, "a", "");
    parse(&r, chain, strlen(chain));
    CHECK(r.n && r.n->kind == AST_AND && r.n->nkids == 20001, "long and-chain");
    done(&r);
    free(chain);
    char *nots = repeat("not ", 30001, "a", "");
    parse(&r, nots, strlen(nots));
    CHECK(r.n && r.n->kind == AST_NOT && r.n->kids[0]->kind == AST_ID, "long not run");
    done(&r);
    free(nots);
}

/* From upstream's parser smoke tests (libs filter_parser.ut). */
static void test_upstream_lists(void)
{
    static const char *const good[] = {
        "  a",
        "(a)",
        "a and b",
        "a and b and c",
        "(a and b)",
        "a or b or(c)",
        "(a or b)",
        "(a.a exists and b)",
        "(a.a exists) and (b)",
        "a.a exists and b",
        "not (a)",
        "not (a.b=1)",
        "not (a.a exists)",
        "not a",
        "(not not a)",
        "not not(a)",
        "not(not(a))",
        "not a.a exists",
        "a.b = bla",
        "a.b = 'bla'",
        "a.b contains bla",
        "a.b icontains 'bla'",
        "a.g in (1, 'a', b)",
        "a.b = a.a",
        "a and notb",
        "a or notb",
        "macro and not not_macro",
        "macro and not(not_macro)",
        "((macro) and (not_macro))",
        "macro and or_macro",
        "evt.arg[0] contains /bin",
        "evt.arg[a] contains /bin",
        "test.str = \"\"",
        "test.str = \"0a!@#456:/.; !$%^&*[]{}|\"",
        "test.str = \"escape double quote \\\" \"",
        "test.str = 'mixed \"'",
        "test.num >= -1",
        "test.num > 1.2",
        "test.num < -1.2",
        "test.str = 0aaaaa",
        "test.list in (a)",
        "test.list in ('single-quoted')",
        "test.list in (0a!@#456:/\\.;!$%^&*[]{}|, value)",
        "test.op == value",
        "test.op iglob value",
        "test.op startswith value",
        "test.op bstartswith 12ab001fc5",
        "test.op intersects ()",
        "b64(test.field) glob value",
        "not b64(test.field) exists or b64(test.field) contains 'a'",
        "some.field = b64(test.field)\n",
        "some.field bcontains val(test.field)",
        "some.field <= val(test.field)",
        "some.field intersects b64(test.field)",
        "some.field = b64 or(some_macro)",
        "some.field = \"some_fake_transformer(some_macro)\"",
        ("b64(evt.name) exists and tolower(toupper(evt.type)) in val(some.field) and not "
         "evt.dir=b64(some.field) or proc.name=b64(tolower(some.field))"),
    };
    static const char *const rejected[] = {
        "a and b or",
        "or a",
        "a or b and",
        "a or b or",
        "a or b not",
        "a not b and",
        "a not b or",
        "a not b not",
        "aor b",
        "a andor b",
        "anot b",
        "a andnotb",
        "a ornot b",
        "a ornotb",
        "(a)ornot(b)",
        "a.a invalidoperator xxx",
        "#a and b; # ; ; a and b",
        "evt.dir=> and fd.name=/var/lo);g/httpd.log",
        "test.str = a,",
        "test.str = '",
        "test.str = \"",
        "test.str = \"'",
        "test.str = \"broken escape double quote\"\"",
        "test.str = 'broken escape single quote''",
        "test.str[0a!@#456:/\\.;!$%^&*[]{}] = testval",
        "test.str[]] = testval",
        "test.str] = testval",
        "test.num < 0xAAA.1",
        "test.list in (value,,)",
        "test.list > (value)",
        "test.list = (value)",
        "test.list < (value)",
        "test.list bstartswith (value)",
        "test.list contains (value)",
        "test.op !==",
        "test.op bstartswithvalue",
        "test.op endswithvalue",
        "test.op icontainsvalue",
        "test.op bcontainsvalue",
        "test.op globvalue",
        "test.op iglobvalue",
        "val(val(test.field)) exists",
        "val(b64(test.field)) exists",
        "some_fake_transformer (test.field) exists",
        "some.fake.transformer(test.field) exists",
        "b64,(test.field) exists",
        "b64(test_field)) exists",
        "b64(b64)) exists",
        "b64\n(test.field) exists",
        "b64(test.field exists",
        "test.field) exists",
        "b64(b64(test.field exists",
        "b64(b64(test.field) exists",
        "(test.field exists",
        "a(test.field) exists",
        "a(b(test.field)) exists",
        "some.field = val(test.field [1])",
        "some.field = some_fake_transformer(test.field)",
        "some.field = val(toupper(test.field))",
        "some.field = b64 (test.field)",
        "some.field = b64,(test.field)",
        "some.field = (b64(test.field)",
        "some.field = ((b64(test.field)))",
        "some.field = b64\n(test.field)",
        "some.field = test.field)",
        "some.field = (test.field)",
        "some.field = a(test.field)",
        "some.field in (b64(test.field))",
        "some.field in (a, b, b64(test.field))",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        accept(good[i]);
    for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++)
        bad(rejected[i], NULL, -1);
}

static void test_tables(void)
{
    CHECK(strcmp(ast_op_spelling[AST_OP_EQEQ], "==") == 0, "op spelling");
    CHECK(ast_op_class[AST_OP_IN] == AST_OPC_LIST && ast_op_class[AST_OP_EXISTS] == AST_OPC_UNARY &&
              ast_op_class[AST_OP_LE] == AST_OPC_ORDER && ast_op_class[AST_OP_REGEX] == AST_OPC_STR,
          "op classes");
    CHECK(strcmp(ast_xf_name[AST_XF_GETOPT], "getopt") == 0, "xf name");
    CHECK(strcmp(ast_mod_word[AST_MOD_ALLOF], "allof") == 0 && ast_mod_word[AST_MOD_NONE][0] == 0,
          "mod words");
}

int main(void)
{
    run_vectors();
    test_prose_cases();
    test_transformers();
    test_strings();
    test_print();
    test_offsets_and_messages();
    test_depth();
    test_upstream_lists();
    test_tables();
    return th_done();
}
