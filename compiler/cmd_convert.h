/*
 * cmd_convert.h - `falcoc convert IN.scap -o OUT.scap [--legacy] [--gzip]`:
 * rewrite a capture with our writer.
 */
#ifndef FALCOC_CMD_CONVERT_H
#define FALCOC_CMD_CONVERT_H

/*
 * argv[0] is "convert". Reads every section of IN and writes it to OUT in
 * the current format (--legacy: events and process list that sysdig
 * 0.29.3 reads correctly; --gzip: compressed). Returns 0, 1 after an error
 * message on stderr (unreadable input, write failure: OUT is then not
 * created), or 2 after a usage message.
 */
int cmd_convert(int argc, char **argv);

#endif
