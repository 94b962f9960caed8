/*
 * testcmd.h - `falcoc test`: rule unit tests on field vectors.
 */
#ifndef FALCOC_TESTCMD_H
#define FALCOC_TESTCMD_H

int cmd_test(int argc, char **argv);

#endif
