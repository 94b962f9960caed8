/*
 * aot.c - `falcoc compile`: the module of cg.c plus its descriptor
 * (fc_object.h) and JSON metadata, optimised, emitted as an object for the
 * target and linked by ld.lld into an ELF shared object (.fco).
 *
 * The descriptor's LLVM types are built here from the C definitions; every
 * pointer member is an i8* in LLVM (the layout is the same), and test_cg
 * compares the offsets. The object imports the runtime's entry points by
 * name; falcod provides them when it dlopens the file.
 */
#include "aot.h"
#include "fc_alert.h"

#include <errno.h>
#include <llvm-c/Analysis.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cg.h"
#include "check.h"
#include "diag.h"
#include "fc_object.h"
#include "jit.h"

extern char **environ;

struct aot {
    LLVMContextRef c;
    LLVMModuleRef m;
    LLVMTypeRef i8, i16, i32, i64, p8;
    LLVMTypeRef t_fref, t_kdesc, t_rule, t_obj;
};

static LLVMTypeRef named(LLVMContextRef c, const char *name, LLVMTypeRef *el, unsigned n)
{
    LLVMTypeRef t = LLVMGetTypeByName2(c, name);
    if (t)
        return t;
    t = LLVMStructCreateNamed(c, name);
    LLVMStructSetBody(t, el, n, 0);
    return t;
}

void aot_types(LLVMContextRef c, LLVMTypeRef out[5])
{
    LLVMTypeRef i16 = LLVMInt16TypeInContext(c), i32 = LLVMInt32TypeInContext(c),
                i64 = LLVMInt64TypeInContext(c), p = LLVMPointerType(LLVMInt8TypeInContext(c), 0);
    (void)i16;
    LLVMTypeRef fref[] = {i32, i32, i64, p, i32, i32};
    LLVMTypeRef kdesc[] = {i32, i32, i32, i32, i32, p, p};
    LLVMTypeRef rule[] = {p, p, p, p, p, i32, i32, i32, i32, p, p, p, i32, i32};
    LLVMTypeRef obj[] = {i32, i32, i64, i64, p, p, p, i32, i32, p};
    LLVMTypeRef tok[] = {p, i32, i32, i32, i32};
    out[0] = named(c, "fc_fref", fref, 6);
    out[1] = named(c, "fc_kdesc", kdesc, 7);
    out[2] = named(c, "fc_rule_desc", rule, 14);
    out[3] = named(c, "fc_object", obj, 10);
    out[4] = named(c, "fc_out_tok", tok, 5);
}

static LLVMValueRef private_global(struct aot *a, LLVMValueRef init, const char *name)
{
    LLVMValueRef g = LLVMAddGlobal(a->m, LLVMTypeOf(init), name);
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, 1);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    return g;
}

static LLVMValueRef as_p8(struct aot *a, LLVMValueRef g)
{
    return LLVMConstPointerCast(g, a->p8);
}

static LLVMValueRef str(struct aot *a, const char *s)
{
    if (!s)
        return LLVMConstNull(a->p8);
    return as_p8(a,
                 private_global(a, LLVMConstStringInContext(a->c, s, (unsigned)strlen(s), 0), "s"));
}

static LLVMValueRef u32(struct aot *a, uint64_t v)
{
    return LLVMConstInt(a->i32, v, 0);
}

static LLVMValueRef array_of(struct aot *a, LLVMTypeRef t, LLVMValueRef *v, unsigned n,
                             const char *name)
{
    if (!n)
        return LLVMConstNull(a->p8);
    return as_p8(a, private_global(a, LLVMConstArray(t, v, n), name));
}

/* FNV-1a of every rules file, in command-line order. */
static uint64_t digest(const struct session *s)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t f = 0; f < s->nfiles; f++)
        for (size_t i = 0; i < s->files[f]->len; i++)
            h = (h ^ (unsigned char)s->files[f]->text[i]) * 1099511628211ull;
    return h;
}

static void json_esc(struct buf *b, const char *s)
{
    buf_addc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            buf_printf(b, "\\u%04x", c);
        else
            buf_addc(b, (char)c);
    }
    buf_addc(b, '"');
}

/* The metadata `falcoc show` prints: JSON, in its own section. */
static const char *meta_json(struct session *s, const struct cg_rules *cg, uint64_t dig,
                             const char *triple)
{
    struct buf b;
    buf_init(&b, &s->arena);
    buf_printf(&b,
               "{\"abi_version\":%u,\"schema_hash\":\"%016llx\",\"source_digest\":\"%016llx\","
               "\"target\":",
               FC_ABI_VERSION, (unsigned long long)fc_schema_hash(), (unsigned long long)dig);
    json_esc(&b, triple);
    buf_printf(&b, ",\"fields\":%u,\"constants\":%u,\"rules\":[", cg->nfrefs, cg->nk);
    for (uint32_t i = 0; i < cg->nrules; i++) {
        const struct rl_rule *r = cg->rules[i];
        const struct res_rule *rr = r->resolved;
        buf_adds(&b, i ? ",{\"name\":" : "{\"name\":");
        json_esc(&b, r->name);
        buf_printf(&b,
                   ",\"priority\":\"%s\",\"enabled\":%s,\"source\":", fc_priority_name(r->priority),
                   r->enabled ? "true" : "false");
        json_esc(&b, r->source);
        buf_adds(&b, ",\"tags\":[");
        for (size_t t = 0; t < r->ntags; t++) {
            if (t)
                buf_addc(&b, ',');
            json_esc(&b, r->tags[t]);
        }
        struct buf ev;
        buf_init(&ev, &s->arena);
        chk_evttypes_str(&ev, &rr->info->evttypes);
        buf_adds(&b, "],\"event_types\":");
        json_esc(&b, buf_cstr(&ev));
        buf_adds(&b, ",\"output\":");
        json_esc(&b, rl_text_join(&s->arena, &r->output));
        buf_addc(&b, '}');
    }
    buf_adds(&b, "]}");
    return buf_cstr(&b);
}

static void add_descriptor(struct aot *a, struct session *s, const struct cg_rules *cg,
                           const char *triple)
{
    LLVMTypeRef ts[5];
    aot_types(a->c, ts);
    LLVMTypeRef t_tok = ts[4];
    a->t_fref = ts[0];
    a->t_kdesc = ts[1];
    a->t_rule = ts[2];
    a->t_obj = ts[3];
    /* field references */
    LLVMValueRef *fv = calloc(cg->nfrefs + 1, sizeof(*fv));
    for (uint32_t i = 0; i < cg->nfrefs; i++) {
        const struct fc_fref *f = &cg->frefs[i];
        LLVMValueRef el[] = {u32(a, f->field),
                             u32(a, f->argkind),
                             LLVMConstInt(a->i64, f->index, 0),
                             f->key ? str(a, f->key) : LLVMConstNull(a->p8),
                             u32(a, f->key_len),
                             u32(a, f->type)};
        fv[i] = LLVMConstNamedStruct(a->t_fref, el, 6);
    }
    LLVMValueRef frefs = array_of(a, a->t_fref, fv, cg->nfrefs, "frefs");
    free(fv);
    /* constants */
    LLVMValueRef *kv = calloc(cg->nk + 1, sizeof(*kv));
    for (uint32_t i = 0; i < cg->nk; i++) {
        const struct fc_kdesc *k = &cg->k[i];
        LLVMValueRef *items = calloc(k->n + 1, sizeof(*items));
        LLVMValueRef *lens = calloc(k->n + 1, sizeof(*lens));
        for (uint32_t j = 0; j < k->n; j++) {
            /* items may hold any bytes: emit with their length */
            items[j] =
                as_p8(a, private_global(
                             a, LLVMConstStringInContext(a->c, k->items[j], k->lens[j], 0), "ki"));
            lens[j] = u32(a, k->lens[j]);
        }
        LLVMValueRef el[] = {u32(a, k->kind),
                             u32(a, k->op),
                             u32(a, k->mod),
                             u32(a, k->type),
                             u32(a, k->n),
                             array_of(a, a->p8, items, k->n, "kitems"),
                             array_of(a, a->i32, lens, k->n, "klens")};
        kv[i] = LLVMConstNamedStruct(a->t_kdesc, el, 7);
        free(items);
        free(lens);
    }
    LLVMValueRef konsts = array_of(a, a->t_kdesc, kv, cg->nk, "konst");
    free(kv);
    /* rules */
    LLVMValueRef *rv = calloc(cg->nrules + 1, sizeof(*rv));
    for (uint32_t i = 0; i < cg->nrules; i++) {
        const struct rl_rule *r = cg->rules[i];
        const struct res_rule *rr = r->resolved;
        LLVMValueRef *tags = calloc(r->ntags + 1, sizeof(*tags));
        for (size_t t = 0; t < r->ntags; t++)
            tags[t] = str(a, r->tags[t]);
        LLVMValueRef codes[PPM_EVENT_MAX];
        unsigned nc = 0;
        for (int c = ev_set_next(&rr->info->evttypes, 0); c >= 0;
             c = ev_set_next(&rr->info->evttypes, c + 1))
            codes[nc++] = LLVMConstInt(a->i16, (uint64_t)c, 0);
        uint32_t nt = cg->nout[i], nf = cg->rule_nfrefs[i];
        LLVMValueRef *toks = calloc(nt + 1, sizeof(*toks));
        for (uint32_t t = 0; t < nt; t++) {
            const struct fc_out_tok *k = &cg->out[i][t];
            LLVMValueRef txt = as_p8(
                a, private_global(a, LLVMConstStringInContext(a->c, k->text, k->len, 0), "tok"));
            LLVMValueRef tel[] = {txt, u32(a, k->len), u32(a, (uint32_t)k->fref), u32(a, k->xf),
                                  u32(a, k->width)};
            toks[t] = LLVMConstNamedStruct(t_tok, tel, 5);
        }
        LLVMValueRef *fr = calloc(nf + 1, sizeof(*fr));
        for (uint32_t f = 0; f < nf; f++)
            fr[f] = u32(a, cg->rule_frefs[i][f]);
        LLVMValueRef el[] = {str(a, r->name),
                             str(a, rl_text_join(&s->arena, &r->desc)),
                             str(a, rl_text_join(&s->arena, &r->output)),
                             str(a, r->source),
                             array_of(a, a->p8, tags, (unsigned)r->ntags, "tags"),
                             u32(a, r->ntags),
                             u32(a, r->priority),
                             u32(a, r->enabled),
                             u32(a, nc),
                             array_of(a, a->i16, codes, nc, "evt"),
                             array_of(a, t_tok, toks, nt, "out"),
                             array_of(a, a->i32, fr, nf, "rfrefs"),
                             u32(a, nt),
                             u32(a, nf)};
        rv[i] = LLVMConstNamedStruct(a->t_rule, el, 14);
        free(toks);
        free(fr);
        free(tags);
    }
    LLVMValueRef rules = array_of(a, a->t_rule, rv, cg->nrules, "rules");
    free(rv);
    uint64_t dig = digest(s);
    LLVMValueRef match = LLVMGetNamedFunction(a->m, "fc_match");
    LLVMValueRef el[] = {u32(a, FC_ABI_VERSION),
                         u32(a, cg->nrules),
                         LLVMConstInt(a->i64, fc_schema_hash(), 0),
                         LLVMConstInt(a->i64, dig, 0),
                         rules,
                         frefs,
                         konsts,
                         u32(a, cg->nfrefs),
                         u32(a, cg->nk),
                         as_p8(a, match)};
    LLVMValueRef obj = LLVMAddGlobal(a->m, a->t_obj, FC_OBJECT_SYMBOL);
    LLVMSetInitializer(obj, LLVMConstNamedStruct(a->t_obj, el, 10));
    LLVMSetGlobalConstant(obj, 1);
    /* Metadata for `falcoc show`, in a section of its own; exported so the
     * linker keeps it. */
    const char *meta = meta_json(s, cg, dig, triple);
    LLVMValueRef mg =
        LLVMAddGlobal(a->m, LLVMArrayType(a->i8, (unsigned)strlen(meta) + 1), "fc_object_meta_v1");
    LLVMSetInitializer(mg, LLVMConstStringInContext(a->c, meta, (unsigned)strlen(meta), 0));
    LLVMSetGlobalConstant(mg, 1);
    LLVMSetSection(mg, FC_OBJECT_META_SECTION);
}

static bool run_linker(const char *obj, const char *out, char *err, size_t errsz)
{
    char *argv[] = {"ld.lld", "-shared", "--hash-style=both", "-o", (char *)out, (char *)obj, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "ld.lld", NULL, NULL, argv, environ);
    if (rc) {
        snprintf(err, errsz, "cannot run ld.lld: %s", strerror(rc));
        return false;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st)) {
        snprintf(err, errsz, "ld.lld failed linking %s", out);
        return false;
    }
    return true;
}

bool aot_compile(struct session *s, int opt, const char *triple, const char *out, char *err,
                 size_t errsz)
{
    jit_init_llvm();
    LLVMContextRef c = LLVMContextCreate();
    struct cg_rules cg;
    if (!cg_build(s, c, &cg)) {
        LLVMContextDispose(c);
        snprintf(err, errsz, "code generation failed");
        return false;
    }
    struct aot a = {c,
                    cg.mod,
                    LLVMInt8TypeInContext(c),
                    LLVMInt16TypeInContext(c),
                    LLVMInt32TypeInContext(c),
                    LLVMInt64TypeInContext(c),
                    LLVMPointerType(LLVMInt8TypeInContext(c), 0),
                    NULL,
                    NULL,
                    NULL,
                    NULL};
    char *def = LLVMGetDefaultTargetTriple();
    const char *t = triple ? triple : def;
    LLVMTargetRef target;
    char *msg = NULL;
    bool ok = false;
    LLVMTargetMachineRef tm = NULL;
    char tmp[] = "/tmp/falcoc-XXXXXX.o";
    int fd = -1;
    if (LLVMGetTargetFromTriple(t, &target, &msg)) {
        snprintf(err, errsz, "unknown target '%s': %s", t, msg);
        goto done;
    }
    tm = LLVMCreateTargetMachine(target, t, "", "", LLVMCodeGenLevelDefault, LLVMRelocPIC,
                                 LLVMCodeModelDefault);
    LLVMSetTarget(cg.mod, t);
    LLVMTargetDataRef td = LLVMCreateTargetDataLayout(tm);
    LLVMSetModuleDataLayout(cg.mod, td);
    LLVMDisposeTargetData(td);
    add_descriptor(&a, s, &cg, t);
    if (LLVMVerifyModule(cg.mod, LLVMReturnStatusAction, &msg)) {
        snprintf(err, errsz, "internal error: invalid IR: %s", msg);
        goto done;
    }
    LLVMDisposeMessage(msg);
    msg = NULL;
    if (!jit_optimize(cg.mod, opt, err, errsz))
        goto done;
    fd = mkstemps(tmp, 2);
    if (fd < 0) {
        snprintf(err, errsz, "cannot create a temporary file: %s", strerror(errno));
        goto done;
    }
    close(fd);
    if (LLVMTargetMachineEmitToFile(tm, cg.mod, tmp, LLVMObjectFile, &msg)) {
        snprintf(err, errsz, "cannot emit the object: %s", msg);
        goto done;
    }
    ok = run_linker(tmp, out, err, errsz);
done:
    if (fd >= 0)
        unlink(tmp);
    if (msg)
        LLVMDisposeMessage(msg);
    if (tm)
        LLVMDisposeTargetMachine(tm);
    LLVMDisposeMessage(def);
    LLVMDisposeModule(cg.mod);
    LLVMContextDispose(c);
    return ok;
}

#define COMPILE_USAGE                                                                              \
    "usage: falcoc compile RULES.yaml... -o RULES.fco [-O0..3] [--target TRIPLE]\n"

int cmd_compile(int argc, char **argv)
{
    const char *out = NULL, *triple = NULL;
    int opt = 2;
    struct session s;
    session_init(&s);
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-o") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(a, "--target") && i + 1 < argc)
            triple = argv[++i];
        else if (a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3])
            opt = a[2] - '0';
        else if (a[0] == '-') {
            session_free(&s);
            fputs("falcoc: compile: unknown option\n" COMPILE_USAGE, stderr);
            return 2;
        } else {
            session_load_file(&s, a);
            nfiles++;
        }
    }
    if (!out || !nfiles) {
        session_free(&s);
        fputs(COMPILE_USAGE, stderr);
        return 2;
    }
    session_compile(&s);
    char err[400] = "";
    bool ok = !s.diags.nerrors && aot_compile(&s, opt, triple, out, err, sizeof(err));
    diags_sort(&s.diags, (const struct source *const *)s.files, s.nfiles);
    diag_render_text(stderr, &s.diags, isatty(STDERR_FILENO));
    if (!ok && err[0])
        fprintf(stderr, "falcoc: compile: %s\n", err);
    session_free(&s);
    return ok ? 0 : 1;
}
