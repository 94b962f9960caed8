/*
 * ynode.h - libyaml events → a tree of positioned nodes.
 *
 * Input: a source; output: its documents as trees of struct ynode in the
 * session arena. Every node knows its byte span in the file and its scalar
 * style, so later stages can map an offset inside a scalar's value back to
 * the file (yaml_value_pos). Aliases are resolved to the anchored node.
 */
#ifndef FALCOC_YAML_H
#define FALCOC_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "source.h"

enum ynode_kind { YN_SCALAR, YN_SEQ, YN_MAP };

enum ynode_style { YS_PLAIN, YS_SINGLE, YS_DOUBLE, YS_LITERAL, YS_FOLDED };

struct ynode {
    enum ynode_kind kind;
    enum ynode_style style; /* scalars */
    const struct source *src;
    uint32_t start, end;   /* byte span in the file ([start, end)) */
    const char *value;     /* scalars: the decoded value, NUL-terminated */
    size_t len;            /* scalars: value length in bytes */
    bool is_null;          /* plain scalar "", "~", "null", "Null", "NULL" */
    int32_t parent_indent; /* block scalars: column (characters) of the enclosing block
                              collection, -1 at the top level; resolves an explicit
                              indentation indicator in yaml_value_pos */
    struct ynode **keys;   /* maps: keys[i] → vals[i]; seqs: vals[i] */
    struct ynode **vals;
    size_t n;
};

struct ydoc {
    struct ynode *root; /* NULL for an empty document */
    uint32_t start;     /* byte offset of the document start */
};

/*
 * Parses every document of src. On a YAML error, reports LOAD_ERR_YAML_PARSE
 * at the error's position (and LOAD_ERR_YAML_PARSE for duplicate keys in a
 * mapping), and returns false; documents completed before the error are
 * still returned in *docs so nothing already accepted is lost.
 */
bool yaml_parse(struct arena *a, struct diags *d, const struct source *src, struct ydoc **docs,
                size_t *ndocs);

/* Map lookup by key text; NULL when absent. */
struct ynode *ymap_get(const struct ynode *map, const char *key);
/* The key node itself (for positions of "key is ..." diagnostics); NULL when absent. */
struct ynode *ymap_key(const struct ynode *map, const char *key);

/* File position of byte `off` of a scalar's decoded value (off == len is
 * the end of the value). Handles every scalar style, folding and escapes. */
struct src_pos yaml_value_pos(const struct ynode *scalar, size_t off);

#endif
