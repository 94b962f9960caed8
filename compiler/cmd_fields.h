/*
 * cmd_fields.h - `falcoc fields [--json]`: print the field catalogue.
 */
#ifndef FALCOC_CMD_FIELDS_H
#define FALCOC_CMD_FIELDS_H

/*
 * argv[0] is "fields". Prints the catalogue on stdout, as text grouped by
 * class (like `falco --list`) or, with --json, as one JSON array. Returns 0,
 * or 2 after a usage message on stderr for an unknown option or argument.
 */
int cmd_fields(int argc, char **argv);

#endif
