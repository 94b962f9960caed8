/*
 * show.h - `falcoc show`.
 */
#ifndef FALCOC_SHOW_H
#define FALCOC_SHOW_H

int cmd_show(int argc, char **argv);

#endif
