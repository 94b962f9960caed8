/*
 * jit.c - ORC LLJIT over the module of cg.c (see jit.h).
 *
 * The runtime entry points compiled code imports are given to the JIT as
 * absolute symbols taken from this process, so nothing depends on dynamic
 * symbol export; the same names are what an AOT object imports from falcod.
 */
#include "jit.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Error.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <stdio.h>
#include <string.h>

#include "fc_konst.h"
#include "fc_rt.h"

static bool llvm_err(LLVMErrorRef e, char *err, size_t errsz)
{
    if (!e)
        return true;
    char *m = LLVMGetErrorMessage(e);
    snprintf(err, errsz, "%s", m);
    LLVMDisposeErrorMessage(m);
    return false;
}

void jit_init_llvm(void)
{
    static bool done;
    if (done)
        return;
    /* The two architectures falcod runs on, whichever this host is:
     * `falcoc compile --target` cross-compiles between them. The module links
     * only these targets (compiler/CMakeLists.txt). */
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
    done = true;
}

bool jit_optimize(LLVMModuleRef m, int opt, char *err, size_t errsz)
{
    if (opt <= 0)
        return true;
    jit_init_llvm();
    char *triple = LLVMGetDefaultTargetTriple();
    if (*LLVMGetTarget(m)) {
        LLVMDisposeMessage(triple);
        triple = LLVMCreateMessage(LLVMGetTarget(m));
    }
    LLVMTargetRef t;
    char *msg = NULL;
    if (LLVMGetTargetFromTriple(triple, &t, &msg)) {
        snprintf(err, errsz, "%s", msg);
        LLVMDisposeMessage(msg);
        LLVMDisposeMessage(triple);
        return false;
    }
    LLVMTargetMachineRef tm = LLVMCreateTargetMachine(t, triple, "", "", LLVMCodeGenLevelDefault,
                                                      LLVMRelocPIC, LLVMCodeModelDefault);
    LLVMDisposeMessage(triple);
    char pipeline[32];
    snprintf(pipeline, sizeof(pipeline), "default<O%d>", opt > 3 ? 3 : opt);
    LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
    bool ok = llvm_err(LLVMRunPasses(m, pipeline, tm, po), err, errsz);
    LLVMDisposePassBuilderOptions(po);
    LLVMDisposeTargetMachine(tm);
    return ok;
}

/* The runtime symbols compiled code may import, with their addresses here. */
static const struct {
    const char *name;
    void *addr;
} runtime_syms[] = {
    {"fc_rt_get", (void *)fc_rt_get},
    {"fc_rt_count", (void *)fc_rt_count},
    {"fc_rt_xf", (void *)fc_rt_xf},
    {"fc_rt_getopt", (void *)fc_rt_getopt},
    {"fc_rt_count_val", (void *)fc_rt_count_val},
    {"fc_rt_list", (void *)fc_rt_list},
    {"fc_rt_join", (void *)fc_rt_join},
    {"fc_rt_text", (void *)fc_rt_text},
    {"fc_k_str", (void *)fc_k_str},
    {"fc_k_num", (void *)fc_k_num},
    {"fc_k_ip", (void *)fc_k_ip},
    {"fc_cmp_vals", (void *)fc_cmp_vals},
    {"memcmp", (void *)memcmp},
    {"bcmp", (void *)memcmp},
    {"memcpy", (void *)memcpy},
    {"memset", (void *)memset},
};

bool jit_build(struct session *s, int opt, struct jit *j, char *err, size_t errsz)
{
    memset(j, 0, sizeof(*j));
    jit_init_llvm();
    LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
    LLVMContextRef c = LLVMOrcThreadSafeContextGetContext(tsc);
    if (!cg_build(s, c, &j->cg)) {
        LLVMOrcDisposeThreadSafeContext(tsc);
        snprintf(err, errsz, "code generation failed");
        return false;
    }
    char *verr = NULL;
    if (LLVMVerifyModule(j->cg.mod, LLVMReturnStatusAction, &verr)) {
        snprintf(err, errsz, "internal error: invalid IR: %s", verr);
        LLVMDisposeMessage(verr);
        LLVMDisposeModule(j->cg.mod);
        LLVMOrcDisposeThreadSafeContext(tsc);
        return false;
    }
    LLVMDisposeMessage(verr);
    if (!jit_optimize(j->cg.mod, opt, err, errsz)) {
        LLVMDisposeModule(j->cg.mod);
        LLVMOrcDisposeThreadSafeContext(tsc);
        return false;
    }
    j->k = fc_konst_build(j->cg.k, j->cg.nk, err, errsz);
    if (!j->k && j->cg.nk) {
        LLVMDisposeModule(j->cg.mod);
        LLVMOrcDisposeThreadSafeContext(tsc);
        return false;
    }
    if (!llvm_err(LLVMOrcCreateLLJIT(&j->lljit, NULL), err, errsz)) {
        LLVMDisposeModule(j->cg.mod);
        LLVMOrcDisposeThreadSafeContext(tsc);
        jit_free(j);
        return false;
    }
    LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(j->lljit);
    enum { NSYM = sizeof(runtime_syms) / sizeof(*runtime_syms) };
    LLVMJITCSymbolMapPair pairs[NSYM];
    for (size_t i = 0; i < NSYM; i++) {
        pairs[i].Name = LLVMOrcLLJITMangleAndIntern(j->lljit, runtime_syms[i].name);
        pairs[i].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)runtime_syms[i].addr;
        pairs[i].Sym.Flags.GenericFlags =
            LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
        pairs[i].Sym.Flags.TargetFlags = 0;
    }
    if (!llvm_err(LLVMOrcJITDylibDefine(jd, LLVMOrcAbsoluteSymbols(pairs, NSYM)), err, errsz)) {
        LLVMDisposeModule(j->cg.mod);
        LLVMOrcDisposeThreadSafeContext(tsc);
        jit_free(j);
        return false;
    }
    /* The JIT takes the module and, through it, the context. */
    LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(j->cg.mod, tsc);
    LLVMOrcDisposeThreadSafeContext(tsc);
    j->cg.mod = NULL;
    if (!llvm_err(LLVMOrcLLJITAddLLVMIRModule(j->lljit, jd, tsm), err, errsz)) {
        LLVMOrcDisposeThreadSafeModule(tsm);
        jit_free(j);
        return false;
    }
    LLVMOrcExecutorAddress addr = 0;
    if (!llvm_err(LLVMOrcLLJITLookup(j->lljit, &addr, "fc_match"), err, errsz)) {
        jit_free(j);
        return false;
    }
    j->match = (cg_match_fn)(uintptr_t)addr;
    return true;
}

void jit_free(struct jit *j)
{
    if (j->lljit)
        LLVMOrcDisposeLLJIT(j->lljit);
    if (j->k)
        fc_konst_free(j->k, j->cg.k, j->cg.nk);
    memset(j, 0, sizeof(*j));
}
