#define SCRUB_LOG_MODULE "simxr"
#include "simxr_script.h"
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 16
#define MAX_LINE 1024
#define MAX_SCRIPT_BYTES (16u << 20)

typedef struct token {
	const char *s;
	int len;
	int col;
} token;

typedef struct parser {
	const char *name;
	int line;
	char *err;
	size_t errlen;
} parser;

static scrub_result fail(parser *p, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static scrub_result fail(parser *p, int col, const char *fmt, ...)
{
	if (p->err && p->errlen) {
		int n = snprintf(p->err, p->errlen, "%s:%d:%d: error: ", p->name, p->line, col);
		if (n >= 0 && (size_t)n < p->errlen) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return SCRUB_ERR_INVALID;
}

void simxr_script_init(simxr_script *s)
{
	memset(s, 0, sizeof *s);
	s->pace = -1;
	s->stop.frame = -1;
	s->stop.time = -1;
	s->lose.frame = -1;
	s->lose.time = -1;
}

void simxr_script_fini(simxr_script *s)
{
	for (int i = 0; i < s->nchannels; i++)
		free(s->channels[i].keys);
	free(s->channels);
	simxr_script_init(s);
}

static bool tok_is(const token *t, const char *word)
{
	return (size_t)t->len == strlen(word) && strncmp(t->s, word, (size_t)t->len) == 0;
}

static bool tok_number(const token *t, double *out)
{
	char buf[64];
	if (t->len <= 0 || t->len >= (int)sizeof buf)
		return false;
	memcpy(buf, t->s, (size_t)t->len);
	buf[t->len] = '\0';
	char *end = NULL;
	errno = 0;
	double v = strtod(buf, &end);
	if (end == buf || *end != '\0' || errno == ERANGE || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static bool tok_int(const token *t, int64_t *out)
{
	double v;
	if (!tok_number(t, &v) || v < 0 || v > 1e15 || floor(v) != v)
		return false;
	*out = (int64_t)v;
	return true;
}

/* Channel name grammar: head/pose | (left|right)/IDENT[/COMPONENT]. Returns the kind and the
 * number of values a keyframe carries, or false. */
static bool channel_kind(const char *name, simxr_channel_kind *out_kind, int *out_ncomp)
{
	if (strcmp(name, "head/pose") == 0) {
		*out_kind = SIMXR_CHANNEL_POSE;
		*out_ncomp = 7;
		return true;
	}
	const char *rest;
	if (strncmp(name, "left/", 5) == 0)
		rest = name + 5;
	else if (strncmp(name, "right/", 6) == 0)
		rest = name + 6;
	else
		return false;
	if (!*rest)
		return false;
	for (const char *c = rest; *c; c++)
		if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_' || *c == '/' || *c == '-'))
			return false;
	const char *slash = strchr(rest, '/');
	if (slash == NULL) { /* a 2D identifier: thumbstick, trackpad */
		*out_kind = SIMXR_CHANNEL_VALUE;
		*out_ncomp = 2;
		return true;
	}
	const char *comp = slash + 1;
	if (slash == rest || strchr(comp, '/') != NULL || !*comp)
		return false;
	if (strcmp(comp, "pose") == 0) {
		*out_kind = SIMXR_CHANNEL_POSE;
		*out_ncomp = 7;
	} else if (strcmp(comp, "click") == 0 || strcmp(comp, "touch") == 0) {
		*out_kind = SIMXR_CHANNEL_STEP;
		*out_ncomp = 1;
	} else if (strcmp(comp, "value") == 0 || strcmp(comp, "force") == 0 || strcmp(comp, "x") == 0 ||
	           strcmp(comp, "y") == 0) {
		*out_kind = SIMXR_CHANNEL_VALUE;
		*out_ncomp = 1;
	} else {
		return false;
	}
	return true;
}

const simxr_channel *simxr_script_channel(const simxr_script *s, const char *name)
{
	for (int i = 0; i < s->nchannels; i++)
		if (strcmp(s->channels[i].name, name) == 0)
			return &s->channels[i];
	return NULL;
}

static simxr_channel *channel_get(simxr_script *s, const char *name, simxr_channel_kind kind, int ncomp)
{
	simxr_channel *c = (simxr_channel *)simxr_script_channel(s, name);
	if (c)
		return c;
	if (s->nchannels == s->cap) {
		int ncap = s->cap ? s->cap * 2 : 8;
		simxr_channel *n = realloc(s->channels, (size_t)ncap * sizeof *n);
		if (!n)
			return NULL;
		s->channels = n;
		s->cap = ncap;
	}
	simxr_channel fresh = {.kind = kind, .ncomp = ncomp};
	size_t n = strlen(name);
	if (n >= sizeof fresh.name)
		n = sizeof fresh.name - 1;
	memcpy(fresh.name, name, n);
	s->channels[s->nchannels] = fresh;
	return &s->channels[s->nchannels++];
}

static scrub_result parse_trigger(parser *p, token *tk, int n, simxr_trigger *out)
{
	if (n != 3 || !(tok_is(&tk[1], "frame") || tok_is(&tk[1], "time")))
		return fail(p, tk[0].col, "expected '%.*s frame N' or '%.*s time SECONDS'", tk[0].len, tk[0].s,
		            tk[0].len, tk[0].s);
	if (tok_is(&tk[1], "frame")) {
		int64_t f;
		if (!tok_int(&tk[2], &f))
			return fail(p, tk[2].col, "expected a frame index (an integer >= 0), got '%.*s'", tk[2].len, tk[2].s);
		out->frame = f;
		out->time = -1;
	} else {
		double t;
		if (!tok_number(&tk[2], &t) || t < 0)
			return fail(p, tk[2].col, "expected a time in seconds >= 0, got '%.*s'", tk[2].len, tk[2].s);
		out->time = t;
		out->frame = -1;
	}
	return SCRUB_OK;
}

static scrub_result parse_line(parser *p, simxr_script *s, token *tk, int n)
{
	double t;
	if (tok_is(&tk[0], "rate")) {
		double hz;
		if (n != 2 || !tok_number(&tk[1], &hz) || hz < 1 || hz > 1000)
			return fail(p, tk[0].col, "expected 'rate HZ' with 1 <= HZ <= 1000");
		s->rate_hz = hz;
	} else if (tok_is(&tk[0], "pace")) {
		if (n != 2 || !(tok_is(&tk[1], "on") || tok_is(&tk[1], "off")))
			return fail(p, tk[0].col, "expected 'pace on' or 'pace off'");
		s->pace = tok_is(&tk[1], "on");
	} else if (tok_is(&tk[0], "resolution")) {
		int64_t w, h;
		if (n != 3 || !tok_int(&tk[1], &w) || !tok_int(&tk[2], &h) || w < 16 || h < 16 || w > 8192 || h > 8192)
			return fail(p, tk[0].col, "expected 'resolution WIDTH HEIGHT' with 16..8192 pixels");
		s->width = (int)w;
		s->height = (int)h;
	} else if (tok_is(&tk[0], "profile")) {
		if (n != 2 || tk[1].len >= SIMXR_PATH_MAX || strncmp(tk[1].s, "/interaction_profiles/", 22) != 0)
			return fail(p, tk[0].col, "expected 'profile /interaction_profiles/VENDOR/NAME'");
		memcpy(s->profile, tk[1].s, (size_t)tk[1].len);
		s->profile[tk[1].len] = '\0';
	} else if (tok_is(&tk[0], "views")) {
		if (n != 2 || !(tok_is(&tk[1], "mono") || tok_is(&tk[1], "stereo")))
			return fail(p, tk[0].col, "expected 'views mono' or 'views stereo'");
		s->views = tok_is(&tk[1], "mono") ? 1 : 2;
	} else if (tok_is(&tk[0], "blend")) {
		if (n != 2 || !(tok_is(&tk[1], "opaque") || tok_is(&tk[1], "additive") || tok_is(&tk[1], "alpha_blend")))
			return fail(p, tk[0].col, "expected 'blend opaque', 'blend additive' or 'blend alpha_blend'");
		s->blend = tok_is(&tk[1], "opaque") ? 1 : tok_is(&tk[1], "additive") ? 2 : 3;
	} else if (tok_is(&tk[0], "stop")) {
		return parse_trigger(p, tk, n, &s->stop);
	} else if (tok_is(&tk[0], "lose")) {
		return parse_trigger(p, tk, n, &s->lose);
	} else if (tok_is(&tk[0], "capture")) {
		if (n < 2)
			return fail(p, tk[0].col, "expected 'capture FRAME...'");
		for (int i = 1; i < n; i++) {
			int64_t f;
			if (!tok_int(&tk[i], &f))
				return fail(p, tk[i].col, "expected a frame index (an integer >= 0), got '%.*s'", tk[i].len, tk[i].s);
			if (s->ncaptures == SIMXR_MAX_CAPTURES)
				return fail(p, tk[i].col, "too many capture frames (at most %d)", SIMXR_MAX_CAPTURES);
			s->captures[s->ncaptures++] = f;
		}
	} else if (tok_number(&tk[0], &t)) {
		if (t < 0)
			return fail(p, tk[0].col, "keyframe time must be >= 0, got %g", t);
		if (n < 2)
			return fail(p, tk[0].col, "expected 'TIME CHANNEL VALUE...' after the time");
		char name[SIMXR_NAME_MAX];
		simxr_channel_kind kind;
		int ncomp;
		if (tk[1].len >= (int)sizeof name)
			return fail(p, tk[1].col, "channel name too long");
		memcpy(name, tk[1].s, (size_t)tk[1].len);
		name[tk[1].len] = '\0';
		if (!channel_kind(name, &kind, &ncomp))
			return fail(p, tk[1].col,
			            "unknown channel '%s' (expected head/pose, or left/ or right/ followed by "
			            "IDENTIFIER/COMPONENT with COMPONENT one of pose, click, touch, value, force, x, y, "
			            "or a bare 2D IDENTIFIER such as thumbstick)", name);
		if (n - 2 != ncomp)
			return fail(p, tk[1].col, "channel '%s' takes %d value%s, got %d", name, ncomp,
			            ncomp == 1 ? "" : "s", n - 2);
		simxr_key key = {.t = t};
		for (int i = 0; i < ncomp; i++) {
			double v;
			if (!tok_number(&tk[2 + i], &v))
				return fail(p, tk[2 + i].col, "expected a number, got '%.*s'", tk[2 + i].len, tk[2 + i].s);
			key.v[i] = (float)v;
		}
		if (kind == SIMXR_CHANNEL_POSE) {
			double q2 = 0;
			for (int i = 3; i < 7; i++)
				q2 += (double)key.v[i] * key.v[i];
			if (q2 < 1e-12)
				return fail(p, tk[5].col, "orientation quaternion (qx qy qz qw) has zero length");
			float inv = (float)(1.0 / sqrt(q2));
			for (int i = 3; i < 7; i++)
				key.v[i] *= inv;
		} else if (kind == SIMXR_CHANNEL_STEP && key.v[0] != 0.0f && key.v[0] != 1.0f) {
			return fail(p, tk[2].col, "channel '%s' is a click/touch: its value is 0 or 1", name);
		}
		simxr_channel *c = channel_get(s, name, kind, ncomp);
		if (!c)
			return SCRUB_ERR_NOMEM;
		if (c->nkeys > 0 && t < c->keys[c->nkeys - 1].t)
			return fail(p, tk[0].col, "keyframe at %g s comes before the previous keyframe of '%s' (%g s)", t,
			            name, c->keys[c->nkeys - 1].t);
		if (c->nkeys == c->cap) {
			int ncap = c->cap ? c->cap * 2 : 8;
			simxr_key *k = realloc(c->keys, (size_t)ncap * sizeof *k);
			if (!k)
				return SCRUB_ERR_NOMEM;
			c->keys = k;
			c->cap = ncap;
		}
		c->keys[c->nkeys++] = key;
	} else {
		return fail(p, tk[0].col,
		            "unknown line '%.*s' (expected rate, pace, resolution, profile, views, blend, stop, lose, "
		            "capture or a keyframe starting with its time)", tk[0].len, tk[0].s);
	}
	return SCRUB_OK;
}

scrub_result simxr_script_parse(const char *text, const char *name, simxr_script *out_script, char *err, size_t errlen)
{
	simxr_script_init(out_script);
	parser p = {.name = name ? name : "<script>", .line = 0, .err = err, .errlen = errlen};
	if (err && errlen)
		err[0] = '\0';
	const char *line = text;
	while (*line) {
		p.line++;
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > MAX_LINE)
			return fail(&p, 1, "line longer than %d characters", MAX_LINE);
		token tk[MAX_TOKENS];
		int n = 0;
		size_t i = 0;
		while (i < len) {
			while (i < len && isspace((unsigned char)line[i]))
				i++;
			if (i >= len || line[i] == '#')
				break;
			size_t start = i;
			while (i < len && !isspace((unsigned char)line[i]) && line[i] != '#')
				i++;
			if (n == MAX_TOKENS)
				return fail(&p, (int)start + 1, "too many fields on one line (at most %d)", MAX_TOKENS);
			tk[n++] = (token){line + start, (int)(i - start), (int)start + 1};
		}
		if (n > 0) {
			scrub_result r = parse_line(&p, out_script, tk, n);
			if (r != SCRUB_OK)
				return r;
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	return SCRUB_OK;
}

scrub_result simxr_script_load(const char *path, simxr_script *out_script, char *err, size_t errlen)
{
	simxr_script_init(out_script);
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: error: cannot open: %s", path, strerror(errno));
		return SCRUB_ERR_IO;
	}
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	scrub_result r = SCRUB_OK;
	while (buf) {
		if (len + 1 >= cap) {
			if (cap >= MAX_SCRIPT_BYTES) {
				snprintf(err, errlen, "%s: error: larger than %u bytes", path, MAX_SCRIPT_BYTES);
				r = SCRUB_ERR_LIMIT;
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	bool ioerr = ferror(f);
	fclose(f);
	if (!buf)
		return SCRUB_ERR_NOMEM;
	if (r == SCRUB_OK && ioerr) {
		snprintf(err, errlen, "%s: error: read failed", path);
		r = SCRUB_ERR_IO;
	}
	if (r == SCRUB_OK) {
		buf[len] = '\0';
		if (memchr(buf, '\0', len)) {
			snprintf(err, errlen, "%s: error: contains a NUL byte (not a text file)", path);
			r = SCRUB_ERR_INVALID;
		} else {
			r = simxr_script_parse(buf, path, out_script, err, errlen);
		}
	}
	free(buf);
	return r;
}

static void slerp(const float *a, const float *b, float u, float *out)
{
	double d = (double)a[0] * b[0] + (double)a[1] * b[1] + (double)a[2] * b[2] + (double)a[3] * b[3];
	double sb = 1.0;
	if (d < 0) { /* the short way round */
		d = -d;
		sb = -1.0;
	}
	double wa, wb;
	if (d > 0.9995) {
		wa = 1.0 - u;
		wb = u;
	} else {
		double th = acos(d), s = sin(th);
		wa = sin((1.0 - u) * th) / s;
		wb = sin(u * th) / s;
	}
	wb *= sb;
	double q[4], n = 0;
	for (int i = 0; i < 4; i++) {
		q[i] = wa * a[i] + wb * b[i];
		n += q[i] * q[i];
	}
	n = 1.0 / sqrt(n);
	for (int i = 0; i < 4; i++)
		out[i] = (float)(q[i] * n);
}

void simxr_channel_eval(const simxr_channel *c, double t, float *out)
{
	if (c->nkeys == 0) {
		memset(out, 0, sizeof(float) * (size_t)c->ncomp);
		return;
	}
	const simxr_key *k = c->keys;
	if (t <= k[0].t || c->nkeys == 1) {
		memcpy(out, k[0].v, sizeof(float) * (size_t)c->ncomp);
		return;
	}
	if (t >= k[c->nkeys - 1].t) {
		memcpy(out, k[c->nkeys - 1].v, sizeof(float) * (size_t)c->ncomp);
		return;
	}
	/* the last key with k.t <= t */
	int lo = 0, hi = c->nkeys - 1;
	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;
		if (k[mid].t <= t)
			lo = mid;
		else
			hi = mid;
	}
	const simxr_key *a = &k[lo], *b = &k[hi];
	double span = b->t - a->t;
	if (c->kind == SIMXR_CHANNEL_STEP || span <= 0) {
		memcpy(out, a->v, sizeof(float) * (size_t)c->ncomp);
		return;
	}
	float u = (float)((t - a->t) / span);
	int nlin = c->kind == SIMXR_CHANNEL_POSE ? 3 : c->ncomp;
	for (int i = 0; i < nlin; i++)
		out[i] = a->v[i] + (b->v[i] - a->v[i]) * u;
	if (c->kind == SIMXR_CHANNEL_POSE)
		slerp(&a->v[3], &b->v[3], u, &out[3]);
}

bool simxr_script_captures(const simxr_script *s, int64_t frame)
{
	for (int i = 0; i < s->ncaptures; i++)
		if (s->captures[i] == frame)
			return true;
	return false;
}
