#define SCRUB_LOG_MODULE "yaml"
#include "yaml.h"
#include "log.h"

#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

#define STACK_MAX 64

typedef struct builder {
	scrub_arena *arena;
	scrub_diags *diags;
	size_t nodes;
	/* Open collections; children gathered in growable temporary arrays. */
	struct frame {
		yaml_node *node;
		yaml_node **kids;
		size_t n, cap;
	} stack[STACK_MAX];
	int depth;
	yaml_node *root;
	bool failed;
} builder;

static bool push_child(builder *b, yaml_node *child)
{
	if (b->depth == 0) {
		b->root = child;
		return true;
	}
	struct frame *f = &b->stack[b->depth - 1];
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		yaml_node **k = realloc(f->kids, cap * sizeof *k);
		if (!k)
			return false;
		f->kids = k;
		f->cap = cap;
	}
	f->kids[f->n++] = child;
	return true;
}

static yaml_node *new_node(builder *b, yaml_type type, const struct fy_mark *m)
{
	yaml_node *n = SCRUB_ARENA_NEW(b->arena, yaml_node, 1);
	if (!n)
		return NULL;
	n->type = type;
	n->line = m ? m->line + 1 : 0;
	n->col = m ? m->column + 1 : 0;
	b->nodes++;
	return n;
}

/* Closes the innermost collection: copies its children into the arena. */
static bool close_frame(builder *b)
{
	struct frame *f = &b->stack[b->depth - 1];
	yaml_node *n = f->node;
	if (n->type == YAML_MAP) {
		n->n = f->n / 2;
		n->items = SCRUB_ARENA_NEW(b->arena, yaml_node *, n->n + 1);
		n->values = SCRUB_ARENA_NEW(b->arena, yaml_node *, n->n + 1);
		if (!n->items || !n->values)
			return false;
		for (size_t i = 0; i < n->n; i++) {
			n->items[i] = f->kids[2 * i];
			n->values[i] = f->kids[2 * i + 1];
		}
		/* Duplicate keys: YAML forbids them, and the second silently winning would lose data. */
		for (size_t i = 0; i < n->n; i++) {
			yaml_node *k = n->items[i];
			if (k->type != YAML_SCALAR) {
				scrub_diag_add(b->diags, SCRUB_SEV_ERROR, SCRUB_DIAG_UNSUPPORTED, k->line, k->col, 1,
				               "a key must be a plain name, not %s", yaml_type_name(k));
				b->failed = true;
				continue;
			}
			for (size_t j = 0; j < i; j++) {
				yaml_node *p = n->items[j];
				if (p->type == YAML_SCALAR && p->len == k->len && memcmp(p->str, k->str, k->len) == 0) {
					scrub_diag_add(b->diags, SCRUB_SEV_ERROR, SCRUB_DIAG_DUPLICATE, k->line, k->col,
					               (int)k->len, "'%s' is given twice in this mapping (first at line %d)",
					               k->str, p->line);
					b->failed = true;
					break;
				}
			}
		}
	} else {
		n->n = f->n;
		n->items = SCRUB_ARENA_NEW(b->arena, yaml_node *, n->n + 1);
		if (!n->items)
			return false;
		if (f->n)
			memcpy(n->items, f->kids, f->n * sizeof *f->kids);
	}
	free(f->kids);
	f->kids = NULL;
	f->n = f->cap = 0;
	b->depth--;
	return push_child(b, n);
}

static void unsupported(builder *b, const struct fy_mark *m, const char *what)
{
	scrub_diag_add(b->diags, SCRUB_SEV_ERROR, SCRUB_DIAG_UNSUPPORTED, m ? m->line + 1 : 0,
	               m ? m->column + 1 : 0, 1, "%s are not supported in scenario files; write the value out in full", what);
	b->failed = true;
}

/* Checks what libfyaml is not asked to judge: valid UTF-8 text (an editor saving Latin-1 is a
 * common mistake), and no directives (%YAML, %TAG), which scenario files never need and which
 * made libfyaml 0.7.12 loop forever on some malformed input (found by fuzzing). */
static bool precheck(const char *src, size_t len, scrub_diags *diags)
{
	int line = 1, col = 1;
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)src[i];
		if (col == 1 && c == '%') {
			scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_UNSUPPORTED, line, col, 1,
			               "YAML directives (lines starting with '%%') are not supported in scenario files");
			return false;
		}
		size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
		bool ok = n > 0 && i + n <= len && !(n == 2 && c < 0xC2);
		for (size_t k = 1; ok && k < n; k++)
			ok = ((unsigned char)src[i + k] & 0xC0) == 0x80;
		if (ok && n == 3) {
			unsigned cp = ((c & 0x0Fu) << 12) | (((unsigned char)src[i + 1] & 0x3Fu) << 6);
			ok = cp >= 0x800 && !(cp >= 0xD800 && cp <= 0xDFFF);
		}
		if (ok && n == 4) {
			unsigned cp = ((c & 0x07u) << 18) | (((unsigned char)src[i + 1] & 0x3Fu) << 12);
			ok = cp >= 0x10000 && cp <= 0x10FFFF;
		}
		if (!ok) {
			scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_YAML_SYNTAX, line, col, 1,
			               "this is not UTF-8 text (byte 0x%02x); save the file as UTF-8", c);
			return false;
		}
		if (c == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
		i += n;
	}
	return true;
}

yaml_node *yaml_parse(const char *src, size_t len, const yaml_limits *limits, scrub_arena *arena,
                      scrub_diags *diags)
{
	yaml_limits lim = {.max_bytes = 1 << 20, .max_depth = 24, .max_nodes = 200000};
	if (limits) {
		if (limits->max_bytes)
			lim.max_bytes = limits->max_bytes;
		if (limits->max_depth)
			lim.max_depth = limits->max_depth;
		if (limits->max_nodes)
			lim.max_nodes = limits->max_nodes;
	}
	if (lim.max_depth > STACK_MAX)
		lim.max_depth = STACK_MAX;
	if (len > lim.max_bytes) {
		scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_LIMIT, 0, 0, 1,
		               "the file is %zu bytes; scenario files are limited to %zu bytes", len,
		               lim.max_bytes);
		return NULL;
	}
	if (memchr(src, '\0', len)) {
		scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_YAML_SYNTAX, 0, 0, 1,
		               "the file contains a NUL byte; expected a UTF-8 text file");
		return NULL;
	}

	if (!precheck(src, len, diags))
		return NULL;

	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = NULL;
	dcfg.colorize = false;
	struct fy_diag *fdiag = fy_diag_create(&dcfg);
	if (!fdiag)
		return NULL;
	fy_diag_set_collect_errors(fdiag, true);
	struct fy_parse_cfg pcfg = {
		.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_JSON_NONE | FYPCF_DISABLE_MMAP_OPT,
		.diag = fdiag,
	};
	struct fy_parser *fyp = fy_parser_create(&pcfg);
	if (!fyp || fy_parser_set_string(fyp, src, len) != 0) {
		if (fyp)
			fy_parser_destroy(fyp);
		fy_diag_destroy(fdiag);
		return NULL;
	}

	builder b = {.arena = arena, .diags = diags};
	int docs = 0;
	bool oom = false;
	struct fy_event *ev;
	while (!b.failed && (ev = fy_parser_parse(fyp)) != NULL) {
		const struct fy_mark *m = fy_event_start_mark(ev);
		switch (ev->type) {
		case FYET_DOCUMENT_START:
			if (++docs > 1) {
				scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_UNSUPPORTED, m ? m->line + 1 : 0,
				               m ? m->column + 1 : 0, 3, "a scenario file holds one YAML document; found a second one ('---')");
				b.failed = true;
			}
			break;
		case FYET_MAPPING_START:
		case FYET_SEQUENCE_START: {
			struct fy_token *anchor = ev->type == FYET_MAPPING_START ? ev->mapping_start.anchor : ev->sequence_start.anchor;
			struct fy_token *tag = ev->type == FYET_MAPPING_START ? ev->mapping_start.tag : ev->sequence_start.tag;
			if (anchor) {
				unsupported(&b, m, "anchors (&name)");
				break;
			}
			if (tag) {
				unsupported(&b, m, "tags (!name)");
				break;
			}
			if (b.depth >= lim.max_depth) {
				scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_LIMIT, m ? m->line + 1 : 0,
				               m ? m->column + 1 : 0, 1, "nesting deeper than %d levels; scenario files are limited to %d",
				               lim.max_depth, lim.max_depth);
				b.failed = true;
				break;
			}
			yaml_node *n = new_node(&b, ev->type == FYET_MAPPING_START ? YAML_MAP : YAML_SEQ, m);
			if (!n) {
				oom = b.failed = true;
				break;
			}
			b.stack[b.depth++] = (struct frame){.node = n};
			break;
		}
		case FYET_MAPPING_END:
		case FYET_SEQUENCE_END:
			if (b.depth > 0 && !close_frame(&b))
				oom = b.failed = true;
			break;
		case FYET_SCALAR: {
			if (ev->scalar.anchor) {
				unsupported(&b, m, "anchors (&name)");
				break;
			}
			if (ev->scalar.tag) {
				unsupported(&b, m, "tags (!name)");
				break;
			}
			yaml_node *n = new_node(&b, YAML_SCALAR, m);
			size_t sl = 0;
			const char *s = fy_token_get_text(ev->scalar.value, &sl);
			if (!n || !s || !(n->str = scrub_arena_strndup(arena, s, sl))) {
				/* An empty plain scalar ("key:" with nothing) has no text. */
				if (n && !s) {
					n->str = "";
					sl = 0;
				} else {
					oom = b.failed = true;
					break;
				}
			}
			n->len = sl;
			enum fy_scalar_style st = fy_token_scalar_style(ev->scalar.value);
			n->style = st == FYSS_PLAIN || st == FYSS_ANY ? YAML_PLAIN
			         : (st == FYSS_LITERAL || st == FYSS_FOLDED) ? YAML_BLOCK
			         : YAML_QUOTED;
			n->folded = st == FYSS_FOLDED;
			if (!push_child(&b, n))
				oom = b.failed = true;
			break;
		}
		case FYET_ALIAS:
			unsupported(&b, m, "aliases (*name)");
			break;
		default:
			break;
		}
		if (!b.failed && b.nodes > lim.max_nodes) {
			scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_LIMIT, m ? m->line + 1 : 0,
			               m ? m->column + 1 : 0, 1, "more than %zu values; scenario files are limited to %zu",
			               lim.max_nodes, lim.max_nodes);
			b.failed = true;
		}
		fy_parser_event_free(fyp, ev);
	}

	bool syntax_error = fy_parser_get_stream_error(fyp);
	if (syntax_error) {
		void *it = NULL;
		struct fy_diag_error *e;
		int reported = 0;
		while ((e = fy_diag_errors_iterate(fdiag, &it)) != NULL) {
			if (e->type < FYET_ERROR)
				continue;
			scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_YAML_SYNTAX, e->line, e->column, 1,
			               "YAML syntax: %s", e->msg);
			reported++;
		}
		if (!reported)
			scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_YAML_SYNTAX, 0, 0, 1,
			               "YAML syntax error");
		b.failed = true;
	}
	if (oom)
		LOG_E("out of memory while building the YAML tree");
	for (int i = 0; i < b.depth; i++)
		free(b.stack[i].kids);
	fy_parser_destroy(fyp);
	fy_diag_destroy(fdiag);
	if (b.failed)
		return NULL;
	if (!b.root) {
		scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_MISSING, 0, 0, 1, "the file is empty");
		return NULL;
	}
	return b.root;
}

yaml_node *yaml_get(yaml_node *map, const char *key)
{
	if (!map || map->type != YAML_MAP)
		return NULL;
	size_t kl = strlen(key);
	for (size_t i = 0; i < map->n; i++) {
		yaml_node *k = map->items[i];
		if (k->type == YAML_SCALAR && k->len == kl && memcmp(k->str, key, kl) == 0) {
			k->used = true;
			return map->values[i];
		}
	}
	return NULL;
}

bool yaml_is_scalar(const yaml_node *n)
{
	return n && n->type == YAML_SCALAR;
}

const char *yaml_type_name(const yaml_node *n)
{
	if (!n)
		return "nothing";
	switch (n->type) {
	case YAML_MAP: return "a mapping (key: value lines)";
	case YAML_SEQ: return "a list";
	case YAML_SCALAR: return n->len ? "a single value" : "an empty value";
	}
	return "?";
}
