/* A growable text buffer and a JSON writer with deterministic number formatting.
 * Reports must be byte-identical for the same input, so numbers are written with a fixed
 * number of decimals (trailing zeros removed), never with %g. */
#ifndef SCRUB_JSON_H
#define SCRUB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct scrub_buf {
	char *data;
	size_t len, cap;
	bool oom;
} scrub_buf;

void scrub_buf_init(scrub_buf *b);
void scrub_buf_fini(scrub_buf *b);
void scrub_buf_clear(scrub_buf *b);
void scrub_buf_append(scrub_buf *b, const char *s, size_t n);
void scrub_buf_puts(scrub_buf *b, const char *s);
void scrub_buf_printf(scrub_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define SCRUB_JSON_MAX_DEPTH 32

typedef struct scrub_json {
	scrub_buf *out;
	bool pretty;
	int depth;
	bool has_items[SCRUB_JSON_MAX_DEPTH];
} scrub_json;

void scrub_json_init(scrub_json *j, scrub_buf *out, bool pretty);
/* `key` is the member name inside an object, NULL inside an array or at the top. */
void scrub_json_object_begin(scrub_json *j, const char *key);
void scrub_json_object_end(scrub_json *j);
void scrub_json_array_begin(scrub_json *j, const char *key);
void scrub_json_array_end(scrub_json *j);
void scrub_json_str(scrub_json *j, const char *key, const char *value);   /* NULL -> null */
void scrub_json_strn(scrub_json *j, const char *key, const char *value, size_t n);
void scrub_json_num(scrub_json *j, const char *key, double value, int decimals);
/* A number written in the shortest decimal form that reads back to the same double. */
void scrub_json_num_exact(scrub_json *j, const char *key, double value);
void scrub_json_int(scrub_json *j, const char *key, int64_t value);
void scrub_json_bool(scrub_json *j, const char *key, bool value);
void scrub_json_null(scrub_json *j, const char *key);

/* Writes a JSON string literal (with quotes) for s[0..n). */
void scrub_json_escape(scrub_buf *b, const char *s, size_t n);
/* Formats a number as the writer does: fixed decimals, trailing zeros removed, no "-0". */
const char *scrub_json_format_num(double v, int decimals, char *buf, size_t size);

/* Shortest decimal text (at most 9 decimals, else 17 significant digits) that strtod reads
 * back to exactly `v`. */
const char *scrub_format_exact(double v, char *buf, size_t size);

#endif
