/*
 * llvm_module.c - the entry point of falcoc-llvm.so, the code generation
 * module falcoc loads for the commands that need LLVM (see main.c).
 */
#include <string.h>

#include "aot.h"
#include "testcmd.h"

int falcoc_llvm_command(const char *cmd, int argc, char **argv);

int falcoc_llvm_command(const char *cmd, int argc, char **argv)
{
    if (!strcmp(cmd, "test"))
        return cmd_test(argc, argv);
    if (!strcmp(cmd, "compile"))
        return cmd_compile(argc, argv);
    return 2;
}
