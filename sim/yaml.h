/* A YAML document as a small tree with a position on every node, built from libfyaml's event
 * parser. Scrub accepts a safe subset: one document, no anchors, aliases or tags, bounded size
 * and nesting. Problems are reported as diagnostics; on any error no tree is returned. */
#ifndef SCRUB_YAML_H
#define SCRUB_YAML_H

#include "arena.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum yaml_type {
	YAML_SCALAR,
	YAML_MAP,
	YAML_SEQ,
} yaml_type;

typedef enum yaml_style {
	YAML_PLAIN,
	YAML_QUOTED,     /* single or double quoted */
	YAML_BLOCK,      /* literal | or folded > */
} yaml_style;

typedef struct yaml_node yaml_node;
struct yaml_node {
	yaml_type type;
	yaml_style style;
	int line, col;       /* 1-based position of the node's first character */
	const char *str;     /* scalar text (NUL-terminated, escapes resolved) */
	size_t len;
	size_t n;            /* sequence items, or mapping pairs */
	yaml_node **items;   /* sequence items; mapping: keys */
	yaml_node **values;  /* mapping values */
	bool used;           /* set by the loader when a mapping key was understood */
	bool folded;         /* YAML_BLOCK written with '>' */
};

typedef struct yaml_limits {
	size_t max_bytes;     /* default 1 MiB */
	int max_depth;        /* default 24 */
	size_t max_nodes;     /* default 200000 */
} yaml_limits;

/* Parses src into a tree allocated in `arena`. Returns NULL after adding diagnostics. */
yaml_node *yaml_parse(const char *src, size_t len, const yaml_limits *limits, scrub_arena *arena,
                      scrub_diags *diags);

/* Looks up a key in a mapping and marks it used; NULL when absent or not a mapping. */
yaml_node *yaml_get(yaml_node *map, const char *key);
/* The key node of a pair, for reporting (index as in items/values). */
bool yaml_is_scalar(const yaml_node *n);
/* A display name for a node type: "a mapping", "a list", "text". */
const char *yaml_type_name(const yaml_node *n);

#endif
