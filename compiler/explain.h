/*
 * explain.h - `falcoc explain`: what a rule becomes once resolved.
 */
#ifndef FALCOC_EXPLAIN_H
#define FALCOC_EXPLAIN_H

int cmd_explain(int argc, char **argv);

#endif
