/*
 * test_cg.c - code generation: the LLVM view of struct fc_val and of the
 * rule-object descriptor agree with the C one, and compiled rules agree with
 * the reference evaluator: JIT at -O0 and -O2, and an AOT object (-O2) loaded
 * the way falcod loads it.
 */
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aot.h"
#include "cg.h"
#include "check.h"
#include "fc_fvec.h"
#include "fc_object.h"
#include "fc_rt.h"
#include "interp.h"
#include "jit.h"
#include "tharness.h"

static void test_layout(void)
{
    LLVMInitializeNativeTarget();
    LLVMContextRef c = LLVMContextCreate();
    LLVMTypeRef t = cg_val_type(c);
    char *triple = LLVMGetDefaultTargetTriple();
    LLVMTargetRef target;
    char *msg = NULL;
    CHECK(!LLVMGetTargetFromTriple(triple, &target, &msg), "no target: %s", msg ? msg : "");
    LLVMTargetMachineRef tm = LLVMCreateTargetMachine(
        target, triple, "", "", LLVMCodeGenLevelDefault, LLVMRelocPIC, LLVMCodeModelDefault);
    LLVMTargetDataRef td = LLVMCreateTargetDataLayout(tm);
    static const size_t offs[] = {offsetof(struct fc_val, p),      offsetof(struct fc_val, n),
                                  offsetof(struct fc_val, ip),     offsetof(struct fc_val, family),
                                  offsetof(struct fc_val, prefix), offsetof(struct fc_val, list),
                                  offsetof(struct fc_val, pad)};
    for (unsigned i = 0; i < 7; i++)
        CHECK(LLVMOffsetOfElement(td, t, i) == offs[i], "fc_val member %u: LLVM %llu, C %zu", i,
              (unsigned long long)LLVMOffsetOfElement(td, t, i), offs[i]);
    CHECK(LLVMABISizeOfType(td, t) == sizeof(struct fc_val), "fc_val size: LLVM %llu, C %zu",
          (unsigned long long)LLVMABISizeOfType(td, t), sizeof(struct fc_val));
    /* The descriptor of rule objects, built by aot.c. */
    LLVMTypeRef d[5];
    aot_types(c, d);
#define OFFS(T, ...)                                                                               \
    {                                                                                              \
        static const size_t o[] = {__VA_ARGS__};                                                   \
        for (unsigned i = 0; i < sizeof(o) / sizeof(*o); i++)                                      \
            CHECK(LLVMOffsetOfElement(td, T, i) == o[i], #T " member %u: LLVM %llu, C %zu", i,     \
                  (unsigned long long)LLVMOffsetOfElement(td, T, i), o[i]);                        \
    }
    OFFS(d[0], offsetof(struct fc_fref, field), offsetof(struct fc_fref, argkind),
         offsetof(struct fc_fref, index), offsetof(struct fc_fref, key),
         offsetof(struct fc_fref, key_len), offsetof(struct fc_fref, type));
    OFFS(d[1], offsetof(struct fc_kdesc, kind), offsetof(struct fc_kdesc, op),
         offsetof(struct fc_kdesc, mod), offsetof(struct fc_kdesc, type),
         offsetof(struct fc_kdesc, n), offsetof(struct fc_kdesc, items),
         offsetof(struct fc_kdesc, lens));
    OFFS(d[2], offsetof(struct fc_rule_desc, name), offsetof(struct fc_rule_desc, desc),
         offsetof(struct fc_rule_desc, output), offsetof(struct fc_rule_desc, source),
         offsetof(struct fc_rule_desc, tags), offsetof(struct fc_rule_desc, ntags),
         offsetof(struct fc_rule_desc, priority), offsetof(struct fc_rule_desc, enabled),
         offsetof(struct fc_rule_desc, nevt), offsetof(struct fc_rule_desc, evttypes),
         offsetof(struct fc_rule_desc, out), offsetof(struct fc_rule_desc, frefs),
         offsetof(struct fc_rule_desc, nout), offsetof(struct fc_rule_desc, nfrefs));
    OFFS(d[4], offsetof(struct fc_out_tok, text), offsetof(struct fc_out_tok, len),
         offsetof(struct fc_out_tok, fref), offsetof(struct fc_out_tok, xf),
         offsetof(struct fc_out_tok, width));
    OFFS(d[3], offsetof(struct fc_object, abi_version), offsetof(struct fc_object, nrules),
         offsetof(struct fc_object, schema_hash), offsetof(struct fc_object, source_digest),
         offsetof(struct fc_object, rules), offsetof(struct fc_object, frefs),
         offsetof(struct fc_object, k), offsetof(struct fc_object, nfrefs),
         offsetof(struct fc_object, nk), offsetof(struct fc_object, match));
#undef OFFS
    CHECK(LLVMABISizeOfType(td, d[0]) == sizeof(struct fc_fref) &&
              LLVMABISizeOfType(td, d[1]) == sizeof(struct fc_kdesc) &&
              LLVMABISizeOfType(td, d[2]) == sizeof(struct fc_rule_desc) &&
              LLVMABISizeOfType(td, d[3]) == sizeof(struct fc_object) &&
              LLVMABISizeOfType(td, d[4]) == sizeof(struct fc_out_tok),
          "descriptor sizes differ between LLVM and C");
    LLVMDisposeTargetData(td);
    LLVMDisposeTargetMachine(tm);
    LLVMDisposeMessage(triple);
    LLVMContextDispose(c);
}

/* One rule per condition; one event; compiled and interpreted verdicts.
 * A value with '|' gives the key several values (list fields). */
static void agree(const char *cond, const char *const *kv, size_t nkv, int expect)
{
    char yaml[4096];
    snprintf(yaml, sizeof(yaml),
             "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  warn_evttypes: false\n"
             "  condition: |\n    %s\n",
             cond);
    struct session s;
    session_init(&s);
    session_load_bytes(&s, "t.yaml", yaml, strlen(yaml));
    session_compile(&s);
    CHECK(s.diags.nerrors == 0, "'%s' does not compile: %s", cond,
          s.diags.n ? s.diags.v[0]->msg : "");
    struct fvec fv;
    fvec_init(&fv);
    for (size_t i = 0; i < nkv; i += 2) {
        char err[200], buf[256];
        const char *v[8];
        size_t nv = 0;
        snprintf(buf, sizeof(buf), "%s", kv[i + 1]);
        for (char *p = buf, *bar; nv < 8; p = bar + 1) {
            v[nv++] = p;
            if (!(bar = strchr(p, '|')))
                break;
            *bar = '\0';
        }
        CHECK(fvec_add(&fv, kv[i], v, nv, err, sizeof(err)), "%s", err);
    }
    const struct res_rule *rr = s.set.nrules ? s.set.rules[0]->resolved : NULL;
    bool want = rr && rr->ok;
    struct fc_ctx ictx = {.prov = &fvec_provider, .data = &fv};
    bool ref = want && interp_eval(rr->tree, &ictx, &rr->text, NULL);
    if (expect >= 0)
        CHECK(ref == (expect == 1), "interp: '%s' is %d, want %d", cond, ref, expect);
    for (int opt = 0; opt <= 2 && want; opt += 2) {
        struct jit j;
        char err[300];
        bool built = jit_build(&s, opt, &j, err, sizeof(err));
        CHECK(built, "-O%d '%s': %s", opt, cond, err);
        if (!built)
            continue;
        struct fc_ctx c;
        fc_ctx_init(&c, &fvec_provider, j.cg.frefs, j.cg.nfrefs);
        c.data = &fv;
        c.k = j.k;
        fc_ctx_next_event(&c);
        uint32_t out[4];
        int code = fv.evtype >= 0 ? fv.evtype : 1; /* no evt.type: any code the rule lists */
        if (fv.evtype < 0 && rr->info)
            code = ev_set_next(&rr->info->evttypes, 0);
        uint32_t n = code >= 0 ? j.match(&c, (uint32_t)code, out, CG_MATCH_ALL) : 0;
        CHECK((n == 1) == ref, "-O%d '%s': compiled %s, reference %s", opt, cond,
              n ? "true" : "false", ref ? "true" : "false");
        fc_ctx_fini(&c);
        jit_free(&j);
    }
    if (want) {
        char path[] = "/tmp/test_cg-XXXXXX.fco", err[400];
        int fd = mkstemps(path, 4);
        close(fd);
        CHECK(aot_compile(&s, 2, NULL, path, err, sizeof(err)), "AOT '%s': %s", cond, err);
        struct fc_loaded l;
        bool loaded = fc_object_load(path, &l, err, sizeof(err));
        CHECK(loaded, "load '%s': %s", cond, err);
        if (loaded) {
            struct fc_ctx c;
            fc_ctx_init(&c, &fvec_provider, l.obj->frefs, l.obj->nfrefs);
            c.data = &fv;
            c.k = l.k;
            fc_ctx_next_event(&c);
            uint32_t out[4];
            int code = fv.evtype >= 0 ? fv.evtype : l.obj->rules[0].evttypes[0];
            uint32_t n = l.obj->match(&c, (uint32_t)code, out, CG_MATCH_ALL);
            CHECK((n == 1) == ref, "AOT '%s': compiled %s, reference %s", cond,
                  n ? "true" : "false", ref ? "true" : "false");
            fc_ctx_fini(&c);
            fc_object_unload(&l);
        }
        unlink(path);
    }
    fvec_free(&fv);
    session_free(&s);
}

#define KV(...)                                                                                    \
    ((const char *const[]){__VA_ARGS__}),                                                          \
        sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *)

int main(void)
{
    test_layout();
    agree("proc.name = bash", KV("proc.name", "bash"), 1);
    agree("proc.name = bash", KV("proc.name", "sh"), 0);
    agree("proc.name != bash", KV("evt.type", "open"), 0); /* unavailable: false */
    agree("not proc.name = bash", KV("evt.type", "open"), 1);
    agree("proc.name startswith ba and proc.name endswith sh", KV("proc.name", "bash"), 1);
    agree("proc.name in (sh, bash, zsh)", KV("proc.name", "bash"), 1);
    agree("proc.name contains as or fd.num > 3", KV("proc.name", "bin", "fd.num", "4"), 1);
    agree("fd.num < 0", KV("fd.num", "-1"), 1);
    agree("fd.num > 4294967295", KV("fd.num", "-1"), 0);
    agree("evt.cpu > -500", KV("evt.cpu", "1"), 1);
    agree("fd.name pmatch (/opt/dir)", KV("fd.name", "/opt/dir/subdir/file.txt"), 1);
    agree("fd.name glob '/tmp/*.sh'", KV("fd.name", "/tmp/a/b.sh"), 1);
    agree("fd.name icontains /subdir", KV("fd.name", "/opt/dir/SUBDIR/file.txt"), 1);
    agree("proc.name regex 'ba.*'", KV("proc.name", "bash"), 1);
    agree("proc.name == anyof (myexe, myexe)", KV("proc.name", "myexe"), 1);
    agree("proc.name contains oneof (my, exe)", KV("proc.name", "myexe"), 0);
    agree("proc.aname = bash",
          KV("proc.name", "x", "proc.aname[1]", "sshd", "proc.aname[2]", "bash"), 1);
    agree("proc.aname != sshd", KV("proc.aname[1]", "sshd"), 0);
    agree("proc.aname[2] = bash", KV("proc.aname[1]", "sshd", "proc.aname[2]", "bash"), 1);
    agree("fd.ip = 142.251.111.147", KV("fd.cip", "172.40.111.222", "fd.sip", "142.251.111.147"),
          1);
    agree("fd.net != 10.0.0.0/8", KV("fd.cip", "10.1.1.1", "fd.sip", "142.251.111.147"), 0);
    agree("fd.snet in (10.0.0.0/8, 142.251.0.0/16)", KV("fd.sip", "142.251.111.147"), 1);
    agree("fd.sport in (ssh, 443)", KV("fd.sport", "22"), 1);
    agree("toupper(proc.name) = BASH", KV("proc.name", "bash"), 1);
    agree("basename(fd.name) = x.sh and len(fd.name) = 9", KV("fd.name", "/tmp/x.sh"), 1);
    agree("b64(proc.name) = hello", KV("proc.name", "aGVsbG8="), 1);
    agree("proc.name = val(proc.pname)", KV("proc.name", "a", "proc.pname", "a"), 1);
    agree("join(\",\", (evt.num, proc.name)) = \"1,x\"", KV("evt.num", "1", "proc.name", "x"), 1);
    agree("evt.is_open_write = true and evt.type = open",
          KV("evt.type", "open", "evt.is_open_write", "true"), 1);
    agree("evt.buffer bcontains 656c6C", KV("evt.buffer", "hello"), 1);
    agree("proc.name exists and not fd.name exists", KV("proc.name", "x"), 1);
    agree("fd.num == oneof (3, 4, 3)", KV("fd.num", "4"), 1);
    agree("fd.num != allof (3, 4)", KV("fd.num", "5"), 1);
    agree("fd.sip == anyof (10.0.0.1, 142.251.111.147)", KV("fd.sip", "142.251.111.147"), 1);
    agree("fd.sip != 142.251.111.147", KV("fd.sip", "142.251.111.147"), 0);
    agree("user.uid = -1", KV("user.uid", "4294967295"), 1);
    agree("getopt(proc.args, \"nt:\")[t] = value", KV("proc.args", "-n -t value x"), 1);
    agree("getopt(proc.args, \"nt:\")[t] = other", KV("proc.args", "-ntother -t x"), 0);
    agree("getopt(proc.args, \"nt:\")[t] = x", KV("proc.args", "-ntother -t x"), 1);
    agree("getopt(proc.args, \"nt:\")[t] exists", KV("proc.args", "a -t x"), 0);
    agree("len(fd.types) = 1", KV("fd.types", "file"), 1);
    agree("len(fd.types) > 1", KV("fd.types", "file"), 0);
    /* getopt() without [x]: the letters and arguments, as a list. */
    agree("getopt(proc.args, \"nt:\") in (n, t, value)", KV("proc.args", "-n -t value x"), 1);
    agree("getopt(proc.args, \"nt:\") in (n, t)", KV("proc.args", "-n -t value x"), 0);
    agree("getopt(proc.args, \"nt:\") intersects (z, \"?\")", KV("proc.args", "-z"), 1);
    agree("getopt(proc.args, \"nt:\") in (x)", KV("proc.args", "file -n"), 1); /* none */
    agree("getopt(proc.args, \"nt:\") intersects (n)", KV("proc.args", "file -n"), 0);
    agree("getopt(proc.args, \"nt:\") exists", KV("proc.args", ""), 1);
    agree("getopt(proc.args, \"nt:\") exists", KV("proc.name", "x"), 0);
    agree("len(getopt(proc.args, \"nt:\")) = 5", KV("proc.args", "-nt5 -t x"), 1);
    agree("getopt(fd.types, \"t:\")[t] = ipv4", KV("fd.types", "-t|ipv4"), 1);
    agree("getopt(proc.args, \"t:\") intersects getopt(proc.cmdline, \"t:\")",
          KV("proc.args", "-t a", "proc.cmdline", "-t b"), 1);
    agree("getopt(proc.args, \"t:\") in getopt(proc.cmdline, \"t:\")",
          KV("proc.args", "-t a", "proc.cmdline", "-t b"), 0);
    agree("getopt(proc.args, \"t:\") in getopt(proc.cmdline, \"t:\")",
          KV("proc.args", "-t a", "proc.cmdline", "-t b -t a"), 1);
    /* Transformers over a list work element by element. */
    agree("tolower(fd.types) in (ipv4, file)", KV("fd.types", "IPV4|file"), 1);
    agree("toupper(fd.types) intersects (FILE)", KV("fd.types", "ipv4|file"), 1);
    agree("len(tolower(fd.types)) = 2", KV("fd.types", "a|b"), 1);
    agree("basename(getopt(proc.args, \"f:\")) in (f, x.sh)", KV("proc.args", "-f /tmp/x.sh"), 1);
    /* Several values inside join: each is a part. */
    agree("join(\",\", (fd.types)) = \"ipv4,file\"", KV("fd.types", "ipv4|file"), 1);
    agree("join(\"-\", (fd.types, proc.name, \"x\")) = ipv4-file-bash-x",
          KV("fd.types", "ipv4|file", "proc.name", "bash"), 1);
    agree("join(\",\", (proc.apid)) = \"10,1\"", KV("proc.apid[1]", "10", "proc.apid[2]", "1"), 1);
    agree("join(\",\", (getopt(proc.args, \"n\"), proc.name)) = bash",
          KV("proc.args", "file", "proc.name", "bash"), 1);
    agree("join(\",\", (fd.types, proc.name)) exists", KV("proc.name", "bash"), 0);
    return th_done();
}
