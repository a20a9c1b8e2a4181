/* Diagnostics: problems in an input file, collected and printed together.
 *
 *   bls.yaml:42:11: error: unknown action 'shok' (did you mean 'shock'?) [unknown-name]
 *      42 |       do: shok
 *         |           ^~~~
 *
 * Every diagnostic has a code from the table below, so tests can assert codes. Nothing is
 * printed until the caller asks: a loader collects everything, then refuses the whole file. */
#ifndef SCRUB_DIAG_H
#define SCRUB_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define SCRUB_DIAG_CODES(X)                                                              \
	X(YAML_SYNTAX, "yaml-syntax")       /* the YAML itself does not parse */         \
	X(UNSUPPORTED, "unsupported")       /* valid YAML Scrub refuses: anchors, tags */ \
	X(LIMIT, "limit")                   /* file size, nesting, counts */              \
	X(TYPE, "type")                     /* a mapping where a list was expected... */  \
	X(MISSING, "missing-field")         /* a required field is absent */              \
	X(UNKNOWN_FIELD, "unknown-field")   /* a field Scrub does not know */             \
	X(UNKNOWN_NAME, "unknown-name")     /* a state, item, action, variable... */      \
	X(DUPLICATE, "duplicate")           /* two things with one id */                  \
	X(UNIT, "unit")                     /* unknown unit or the wrong kind of unit */  \
	X(EXPR, "expression")               /* a condition that does not parse or type */ \
	X(VALUE, "value")                   /* a value out of range or not allowed */     \
	X(UNREACHABLE, "unreachable")       /* a state no path leads to */                \
	X(WINDOW, "window")                 /* a time window that can never be met */     \
	X(CYCLE, "cycle")                   /* items ordered after each other in a loop */ \
	X(FILE, "file")                     /* a referenced file is missing or outside */ \
	X(ACTIONS, "actions")               /* a line of an action script */              \
	X(MODEL_RUN, "model-run")           /* a model run did not give its outcome */    \
	X(SUSPICIOUS, "suspicious")         /* valid, but probably not what was meant */

typedef enum scrub_diag_code {
#define X(id, name) SCRUB_DIAG_##id,
	SCRUB_DIAG_CODES(X)
#undef X
	SCRUB_DIAG_COUNT_
} scrub_diag_code;

typedef enum scrub_diag_severity {
	SCRUB_SEV_ERROR,
	SCRUB_SEV_WARNING,
	SCRUB_SEV_NOTE,
} scrub_diag_severity;

typedef struct scrub_diag {
	scrub_diag_severity severity;
	scrub_diag_code code;
	int line, col;   /* 1-based; 0 when the problem is the whole file */
	int span;        /* characters to underline, at least 1 */
	char *file;      /* the file the problem is in (a scenario may point into an action file) */
	char *msg;
	unsigned seq;    /* insertion order, keeps the sort stable */
} scrub_diag;

typedef struct scrub_diags {
	const char *file;     /* default file name for new diagnostics */
	const char *src;      /* its text, for quoting lines (may be NULL) */
	size_t src_len;
	scrub_diag *v;
	size_t n, cap;
	int errors, warnings;
	size_t max;           /* stop collecting after this many (default 200) */
	bool truncated;
	char *owned_file, *owned_src; /* copies made by scrub_diags_own */
} scrub_diags;

void scrub_diags_init(scrub_diags *d, const char *file, const char *src, size_t src_len);
void scrub_diags_fini(scrub_diags *d);
/* Points the diagnostics at their own copies of the file name and text (kept until fini). */
void scrub_diags_own(scrub_diags *d, const char *file, const char *src, size_t src_len);

void scrub_diag_add(scrub_diags *d, scrub_diag_severity sev, scrub_diag_code code, int line,
                    int col, int span, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* The same, for a location in another file (whose text is not quoted). */
void scrub_diag_add_in(scrub_diags *d, const char *file, scrub_diag_severity sev,
                       scrub_diag_code code, int line, int col, int span, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* Sorted by file order, line and column; quotes the source line with a caret when known. */
void scrub_diags_print(const scrub_diags *d, FILE *out);
const char *scrub_diag_code_name(scrub_diag_code code);

/* "did you mean": the candidate closest to `word` (edit distance), or NULL if none is close. */
const char *scrub_suggest(const char *word, const char *const *candidates, size_t n);
/* "a, b, c" (", ..." when it does not fit): the candidates, for a message that has no suggestion. */
void scrub_list_words(char *buf, size_t size, const char *const *words, size_t n);

#endif
