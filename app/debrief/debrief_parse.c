/* Reading the debrief's inputs: the record's lines (events, variables, waveforms) and the report, both
 * parsed with libfyaml through sim/yaml.h (JSON is YAML), line by line for the record as record.c does. */
#include "debrief_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *dbf_str(yaml_node *obj, const char *key)
{
	yaml_node *v = yaml_get(obj, key);
	if (!v || v->type != YAML_SCALAR)
		return NULL;
	if (v->style == YAML_PLAIN && strcmp(v->str, "null") == 0)
		return NULL;
	return v->str;
}

bool dbf_num(yaml_node *obj, const char *key, double *out)
{
	yaml_node *v = yaml_get(obj, key);
	if (!v || v->type != YAML_SCALAR || v->style != YAML_PLAIN)
		return false;
	char *end;
	double x = strtod(v->str, &end);
	if (end == v->str || *end || !isfinite(x))
		return false;
	*out = x;
	return true;
}

bool dbf_bool(yaml_node *obj, const char *key)
{
	yaml_node *v = yaml_get(obj, key);
	return v && v->type == YAML_SCALAR && v->style == YAML_PLAIN && strcmp(v->str, "true") == 0;
}

static const char *keep(dbf *D, const char *s)
{
	if (!s)
		return NULL;
	char *c = scrub_arena_strdup(&D->arena, s);
	if (!c)
		D->oom = true;
	return c;
}

const dbf_var *dbf_var_find(const dbf *D, const char *name)
{
	for (int i = 0; i < D->nvars; i++)
		if (strcmp(D->vars[i].name, name) == 0)
			return &D->vars[i];
	return NULL;
}

static bool grow(void **p, int *cap, int need, size_t size)
{
	if (need <= *cap)
		return true;
	int c = *cap ? *cap * 2 : 64;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, (size_t)c * size);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

static dbf_event *new_event(dbf *D, double t, dbf_kind kind)
{
	if (!grow((void **)&D->ev, &D->evcap, D->nev + 1, sizeof *D->ev)) {
		D->oom = true;
		return NULL;
	}
	dbf_event *e = &D->ev[D->nev++];
	memset(e, 0, sizeof *e);
	e->t = t;
	e->kind = kind;
	return e;
}

static void read_action(dbf *D, yaml_node *obj, double t)
{
	dbf_event *e = new_event(D, t, DBF_ACTION);
	if (!e)
		return;
	e->name = keep(D, dbf_str(obj, "action"));
	e->source = keep(D, dbf_str(obj, "source"));
	e->ignored = dbf_bool(obj, "ignored");
	e->derived = dbf_bool(obj, "derived");
	yaml_node *p = yaml_get(obj, "params");
	if (p && p->type == YAML_MAP && p->n) {
		scrub_buf b;
		scrub_buf_init(&b);
		for (size_t k = 0; k < p->n; k++)
			if (p->values[k]->type == YAML_SCALAR)
				scrub_buf_printf(&b, "%s%s=%s", k ? " " : "", p->items[k]->str, p->values[k]->str);
		e->detail = b.data ? keep(D, b.data) : NULL;
		D->oom |= b.oom;
		scrub_buf_fini(&b);
	}
}

static void read_vars(dbf *D, yaml_node *obj, double t)
{
	yaml_node *vals = yaml_get(obj, "values");
	if (!vals || vals->type != YAML_MAP)
		return;
	for (size_t k = 0; k < vals->n; k++) {
		yaml_node *key = vals->items[k], *val = vals->values[k];
		if (val->type != YAML_SCALAR)
			continue;
		dbf_var *v = (dbf_var *)dbf_var_find(D, key->str);
		if (!v) {
			if (D->nvars == DBF_MAX_VARS)
				continue;
			v = &D->vars[D->nvars++];
			memset(v, 0, sizeof *v);
			v->name = keep(D, key->str);
			v->words = val->style != YAML_PLAIN;
		}
		int cap = v->cap;
		if (!grow((void **)&v->t, &cap, v->n + 1, sizeof *v->t) ||
		    !(v->words ? grow((void **)&v->w, &v->cap, v->n + 1, sizeof *v->w) : grow((void **)&v->v, &v->cap, v->n + 1, sizeof *v->v))) {
			D->oom = true;
			return;
		}
		v->t[v->n] = t;
		if (v->words) {
			/* words repeat: keep each once */
			const char *w = v->n && strcmp(v->w[v->n - 1], val->str) == 0 ? v->w[v->n - 1] : keep(D, val->str);
			v->w[v->n] = w ? w : "";
		} else {
			char *end;
			double x = strtod(val->str, &end);
			v->v[v->n] = end != val->str && !*end && isfinite(x) ? x : NAN;
		}
		v->n++;
	}
}

static void halve(dbf_waves *W)
{
	for (int c = 0; c < 3; c++)
		for (int64_t j = 0; 2 * j < W->n; j++)
			W->ch[c][j] = W->ch[c][2 * j];
	W->n = (W->n + 1) / 2;
	W->stride *= 2;
}

static void read_waves(dbf *D, yaml_node *obj)
{
	dbf_waves *W = &D->waves;
	double hz, first;
	if (!dbf_num(obj, "hz", &hz) || !dbf_num(obj, "first", &first) || !(hz > 0 && hz <= 10000) || first < 0 || first > 1e15)
		return;
	static const char *names[3] = {"ecg_mv", "pleth", "co2_mmhg"};
	yaml_node *arr[3];
	size_t n = SIZE_MAX;
	for (int c = 0; c < 3; c++) {
		arr[c] = yaml_get(obj, names[c]);
		if (!arr[c] || arr[c]->type != YAML_SEQ)
			return;
		n = arr[c]->n < n ? arr[c]->n : n;
	}
	if (W->stride == 0) {
		W->hz = hz;
		W->first = (int64_t)first;
		W->stride = 1;
	}
	if (hz != W->hz || (int64_t)first < W->first)
		return; /* one rate per record, in order */
	for (size_t i = 0; i < n; i++) {
		int64_t idx = (int64_t)first + (int64_t)i - W->first;
		while (idx / W->stride >= DBF_MAX_WAVE_SAMPLES)
			halve(W);
		if (idx % W->stride || idx / W->stride < W->n)
			continue; /* not kept at this stride, or already read */
		int64_t at = idx / W->stride;
		if (at >= W->cap) {
			int64_t c = W->cap ? W->cap : 4096;
			while (c <= at)
				c *= 2;
			c = c > DBF_MAX_WAVE_SAMPLES ? DBF_MAX_WAVE_SAMPLES : c;
			for (int k = 0; k < 3; k++) {
				float *q = realloc(W->ch[k], (size_t)c * sizeof *q);
				if (!q) {
					D->oom = true;
					return;
				}
				W->ch[k] = q;
			}
			W->cap = c;
		}
		for (int c = 0; c < 3; c++) {
			for (int64_t j = W->n; j < at; j++)
				W->ch[c][j] = NAN; /* a gap: the ring was overrun */
			yaml_node *x = arr[c]->items[i];
			char *end;
			double v = x->type == YAML_SCALAR ? strtod(x->str, &end) : NAN;
			W->ch[c][at] = x->type == YAML_SCALAR && end != x->str && !*end && isfinite(v) ? (float)v : NAN;
		}
		W->n = at + 1;
	}
}

static bool read_line(dbf *D, yaml_node *obj, const char *type, bool *header)
{
	if (!*header) {
		if (strcmp(type, "session") != 0)
			return false;
		D->started = keep(D, dbf_str(obj, "started"));
		D->trainee_rec = keep(D, dbf_str(obj, "trainee"));
		D->input = keep(D, dbf_str(obj, "input"));
		*header = true;
		return true;
	}
	double t;
	if (!dbf_num(obj, "t", &t))
		return false;
	D->end_t = t > D->end_t ? t : D->end_t;
	if (strcmp(type, "action") == 0) {
		read_action(D, obj, t);
	} else if (strcmp(type, "state") == 0) {
		dbf_event *e = new_event(D, t, DBF_STATE);
		if (e) {
			e->name = keep(D, dbf_str(obj, "to"));
			e->status = keep(D, dbf_str(obj, "from"));
			e->detail = keep(D, dbf_str(obj, "cause"));
		}
	} else if (strcmp(type, "item") == 0) {
		dbf_event *e = new_event(D, t, DBF_ITEM);
		if (e) {
			e->name = keep(D, dbf_str(obj, "id"));
			e->status = keep(D, dbf_str(obj, "status"));
			e->detail = keep(D, dbf_str(obj, "note"));
		}
	} else if (strcmp(type, "end") == 0) {
		dbf_event *e = new_event(D, t, DBF_END);
		if (e)
			e->name = keep(D, dbf_str(obj, "outcome"));
		D->complete = true;
	} else if (strcmp(type, "vars") == 0) {
		read_vars(D, obj, t);
	} else if (strcmp(type, "waves") == 0) {
		read_waves(D, obj);
	}
	return true;
}

static scrub_result parse_record(dbf *D, char *err, size_t errsize)
{
	const char *text = D->d->record;
	size_t len = D->d->record_len, i = 0;
	int line = 0;
	bool header = false;
	while (i < len && !D->oom) {
		line++;
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		bool last = !nl || e + 1 >= len;
		scrub_arena tmp;
		scrub_arena_init(&tmp);
		scrub_diags ld;
		scrub_diags_init(&ld, "session.jsonl", NULL, 0);
		yaml_limits lim = {.max_bytes = 64u << 20};
		yaml_node *obj = e > i ? yaml_parse(text + i, e - i, &lim, &tmp, &ld) : NULL;
		const char *type = obj && obj->type == YAML_MAP ? dbf_str(obj, "type") : NULL;
		bool ok = type && read_line(D, obj, type, &header);
		scrub_diags_fini(&ld);
		scrub_arena_fini(&tmp);
		if (!ok && last && header && !type) {
			D->torn = true; /* the session stopped while writing its last line */
		} else if (!ok && (e > i || !last)) {
			snprintf(err, errsize, line == 1 || !header ? "not a Scrub session record (the first line must be the session header)"
			                                            : "damaged line %d in the session record", line);
			return SCRUB_ERR_INVALID;
		}
		i = e + 1;
	}
	if (D->oom)
		return SCRUB_ERR_NOMEM;
	if (!header) {
		snprintf(err, errsize, "the record is empty (no session header)");
		return SCRUB_ERR_INVALID;
	}
	return SCRUB_OK;
}

scrub_result dbf_parse(dbf *D, char *err, size_t errsize)
{
	scrub_arena_init(&D->arena);
	if (!D->d->record || !D->d->report) {
		snprintf(err, errsize, "a debrief needs the record and its report");
		return SCRUB_ERR_INVALID;
	}
	scrub_diags ld;
	scrub_diags_init(&ld, "report.json", NULL, 0);
	yaml_limits lim = {.max_bytes = D->d->report_len + 1, .max_nodes = 4000000};
	D->report = yaml_parse(D->d->report, D->d->report_len, &lim, &D->arena, &ld);
	scrub_diags_fini(&ld);
	double fmt;
	if (!D->report || D->report->type != YAML_MAP || !dbf_num(D->report, "report_format", &fmt)) {
		snprintf(err, errsize, "not a Scrub report (report.json)");
		return SCRUB_ERR_INVALID;
	}
	return parse_record(D, err, errsize);
}

void dbf_fini(dbf *D)
{
	free(D->ev);
	for (int i = 0; i < D->nvars; i++) {
		free(D->vars[i].t);
		free(D->vars[i].v);
		free(D->vars[i].w);
	}
	for (int c = 0; c < 3; c++)
		free(D->waves.ch[c]);
	scrub_arena_fini(&D->arena);
}
