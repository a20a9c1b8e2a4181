#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void scrub_buf_init(scrub_buf *b)
{
	memset(b, 0, sizeof *b);
}

void scrub_buf_fini(scrub_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

void scrub_buf_clear(scrub_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static bool reserve(scrub_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *d = realloc(b->data, cap);
	if (!d) {
		b->oom = true;
		return false;
	}
	b->data = d;
	b->cap = cap;
	return true;
}

void scrub_buf_append(scrub_buf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void scrub_buf_puts(scrub_buf *b, const char *s)
{
	scrub_buf_append(b, s, strlen(s));
}

void scrub_buf_printf(scrub_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void scrub_json_init(scrub_json *j, scrub_buf *out, bool pretty)
{
	memset(j, 0, sizeof *j);
	j->out = out;
	j->pretty = pretty;
}

void scrub_json_escape(scrub_buf *b, const char *s, size_t n)
{
	scrub_buf_append(b, "\"", 1);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char tmp[8];
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (c < 0x20) {
				snprintf(tmp, sizeof tmp, "\\u%04x", c);
				esc = tmp;
			}
		}
		if (esc) {
			scrub_buf_append(b, s + i - run, run);
			run = 0;
			scrub_buf_puts(b, esc);
		} else {
			run++;
		}
	}
	scrub_buf_append(b, s + n - run, run);
	scrub_buf_append(b, "\"", 1);
}

static void newline(scrub_json *j)
{
	if (!j->pretty)
		return;
	scrub_buf_append(j->out, "\n", 1);
	for (int i = 0; i < j->depth; i++)
		scrub_buf_append(j->out, "  ", 2);
}

static void member(scrub_json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->has_items[j->depth])
			scrub_buf_append(j->out, ",", 1);
		j->has_items[j->depth] = true;
		newline(j);
	}
	if (key) {
		scrub_json_escape(j->out, key, strlen(key));
		scrub_buf_append(j->out, j->pretty ? ": " : ":", j->pretty ? 2 : 1);
	}
}

static void open(scrub_json *j, const char *key, char c)
{
	member(j, key);
	scrub_buf_append(j->out, &c, 1);
	if (j->depth < SCRUB_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->has_items[j->depth] = false;
}

static void close_(scrub_json *j, char c)
{
	bool had = j->has_items[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (had)
		newline(j);
	scrub_buf_append(j->out, &c, 1);
}

void scrub_json_object_begin(scrub_json *j, const char *key) { open(j, key, '{'); }
void scrub_json_object_end(scrub_json *j) { close_(j, '}'); }
void scrub_json_array_begin(scrub_json *j, const char *key) { open(j, key, '['); }
void scrub_json_array_end(scrub_json *j) { close_(j, ']'); }

void scrub_json_strn(scrub_json *j, const char *key, const char *value, size_t n)
{
	member(j, key);
	scrub_json_escape(j->out, value, n);
}

void scrub_json_str(scrub_json *j, const char *key, const char *value)
{
	if (!value) {
		scrub_json_null(j, key);
		return;
	}
	scrub_json_strn(j, key, value, strlen(value));
}

const char *scrub_json_format_num(double v, int decimals, char *buf, size_t size)
{
	if (!isfinite(v)) {
		snprintf(buf, size, "null");
		return buf;
	}
	snprintf(buf, size, "%.*f", decimals, v);
	if (decimals > 0) {
		char *end = buf + strlen(buf) - 1;
		while (*end == '0')
			*end-- = '\0';
		if (*end == '.')
			*end = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		snprintf(buf, size, "0");
	return buf;
}

void scrub_json_num(scrub_json *j, const char *key, double value, int decimals)
{
	char buf[64];
	member(j, key);
	scrub_buf_puts(j->out, scrub_json_format_num(value, decimals, buf, sizeof buf));
}

void scrub_json_int(scrub_json *j, const char *key, int64_t value)
{
	member(j, key);
	scrub_buf_printf(j->out, "%lld", (long long)value);
}

void scrub_json_bool(scrub_json *j, const char *key, bool value)
{
	member(j, key);
	scrub_buf_puts(j->out, value ? "true" : "false");
}

void scrub_json_null(scrub_json *j, const char *key)
{
	member(j, key);
	scrub_buf_puts(j->out, "null");
}

const char *scrub_format_exact(double v, char *buf, size_t size)
{
	for (int d = 0; d <= 9; d++) {
		snprintf(buf, size, "%.*f", d, v);
		if (strtod(buf, NULL) == v) {
			if (strcmp(buf, "-0") == 0)
				snprintf(buf, size, "0");
			return buf;
		}
	}
	snprintf(buf, size, "%.17g", v);
	return buf;
}

void scrub_json_num_exact(scrub_json *j, const char *key, double value)
{
	char buf[64];
	member(j, key);
	if (!isfinite(value))
		scrub_buf_puts(j->out, "null");
	else
		scrub_buf_puts(j->out, scrub_format_exact(value, buf, sizeof buf));
}
