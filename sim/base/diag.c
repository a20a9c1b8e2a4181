#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *code_names[] = {
#define X(id, name) name,
	SCRUB_DIAG_CODES(X)
#undef X
};

const char *scrub_diag_code_name(scrub_diag_code code)
{
	return code < SCRUB_DIAG_COUNT_ ? code_names[code] : "?";
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

void scrub_diags_init(scrub_diags *d, const char *file, const char *src, size_t src_len)
{
	memset(d, 0, sizeof *d);
	d->file = file;
	d->src = src;
	d->src_len = src_len;
	d->max = 200;
}

void scrub_diags_fini(scrub_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].msg);
		free(d->v[i].file);
	}
	free(d->v);
	free(d->owned_file);
	free(d->owned_src);
	memset(d, 0, sizeof *d);
}

void scrub_diags_own(scrub_diags *d, const char *file, const char *src, size_t src_len)
{
	free(d->owned_file);
	free(d->owned_src);
	d->owned_file = xstrdup(file);
	d->owned_src = NULL;
	if (src) {
		d->owned_src = malloc(src_len + 1);
		if (d->owned_src) {
			memcpy(d->owned_src, src, src_len);
			d->owned_src[src_len] = '\0';
		}
	}
	d->file = d->owned_file ? d->owned_file : "?";
	d->src = d->owned_src;
	d->src_len = d->owned_src ? src_len : 0;
}

static void vadd(scrub_diags *d, const char *file, scrub_diag_severity sev, scrub_diag_code code,
                 int line, int col, int span, const char *fmt, va_list ap)
{
	if (sev == SCRUB_SEV_ERROR)
		d->errors++;
	else if (sev == SCRUB_SEV_WARNING)
		d->warnings++;
	if (d->n >= d->max) {
		d->truncated = true;
		return;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		scrub_diag *v = realloc(d->v, cap * sizeof *v);
		if (!v)
			return;
		d->v = v;
		d->cap = cap;
	}
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	scrub_diag *g = &d->v[d->n];
	g->severity = sev;
	g->code = code;
	g->line = line;
	g->col = col;
	g->span = span > 0 ? span : 1;
	g->file = file ? xstrdup(file) : NULL;
	g->msg = xstrdup(buf);
	g->seq = (unsigned)d->n;
	d->n++;
}

void scrub_diag_add(scrub_diags *d, scrub_diag_severity sev, scrub_diag_code code, int line,
                    int col, int span, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(d, NULL, sev, code, line, col, span, fmt, ap);
	va_end(ap);
}

void scrub_diag_add_in(scrub_diags *d, const char *file, scrub_diag_severity sev,
                       scrub_diag_code code, int line, int col, int span, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(d, file, sev, code, line, col, span, fmt, ap);
	va_end(ap);
}

static int cmp_diag(const void *a, const void *b)
{
	const scrub_diag *x = a, *y = b;
	/* Diagnostics in the main file first, then those in other files, each by position. */
	int xo = x->file != NULL, yo = y->file != NULL;
	if (xo != yo)
		return xo - yo;
	if (xo && yo) {
		int c = strcmp(x->file, y->file);
		if (c)
			return c;
	}
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

/* Finds line `line` (1-based) of src; returns its start and length, or NULL. */
static const char *find_line(const char *src, size_t len, int line, size_t *out_len)
{
	if (!src || line < 1)
		return NULL;
	const char *p = src, *end = src + len;
	for (int l = 1; l < line; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
	if (n && p[n - 1] == '\r')
		n--;
	*out_len = n;
	return p;
}

void scrub_diags_print(const scrub_diags *d, FILE *out)
{
	static const char *sev_names[] = {"error", "warning", "note"};
	if (d->n == 0)
		return;
	scrub_diag *v = malloc(d->n * sizeof *v);
	if (!v)
		return;
	memcpy(v, d->v, d->n * sizeof *v);
	qsort(v, d->n, sizeof *v, cmp_diag);
	for (size_t i = 0; i < d->n; i++) {
		const scrub_diag *g = &v[i];
		const char *file = g->file ? g->file : d->file;
		if (g->line > 0)
			fprintf(out, "%s:%d:%d: %s: %s [%s]\n", file, g->line, g->col,
			        sev_names[g->severity], g->msg, code_names[g->code]);
		else
			fprintf(out, "%s: %s: %s [%s]\n", file, sev_names[g->severity], g->msg,
			        code_names[g->code]);
		size_t llen;
		const char *ltext = g->file ? NULL : find_line(d->src, d->src_len, g->line, &llen);
		if (ltext && llen <= 200) {
			fprintf(out, "%5d | %.*s\n      | ", g->line, (int)llen, ltext);
			for (int c = 1; c < g->col; c++)
				fputc(c - 1 < (int)llen && ltext[c - 1] == '\t' ? '\t' : ' ', out);
			fputc('^', out);
			for (int c = 1; c < g->span && g->col + c <= (int)llen; c++)
				fputc('~', out);
			fputc('\n', out);
		}
	}
	if (d->truncated)
		fprintf(out, "%s: note: more problems were found; only the first %zu are shown\n",
		        d->file, d->max);
	free(v);
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return (size_t)-1;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t sub = prev + (a[i - 1] != b[j - 1]);
			size_t del = row[j] + 1, ins = row[j - 1] + 1;
			row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			prev = cur;
		}
	}
	return row[lb];
}

const char *scrub_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	size_t wl = strlen(word);
	size_t limit = wl < 4 ? 1 : (wl < 8 ? 2 : 3);
	for (size_t i = 0; i < n; i++) {
		if (!candidates[i])
			continue;
		size_t dist = edit_distance(word, candidates[i]);
		if (dist < best_d) {
			best_d = dist;
			best = candidates[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

void scrub_list_words(char *buf, size_t size, const char *const *words, size_t n)
{
	size_t l = 0;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < n && size; i++) {
		size_t w = strlen(words[i]);
		if (l + w + 8 >= size) {
			snprintf(buf + l, size - l, ", ...");
			return;
		}
		l += (size_t)snprintf(buf + l, size - l, "%s%s", i ? ", " : "", words[i]);
	}
}
