#define SCRUB_LOG_MODULE "record"
#include "record.h"
#include "event_json.h"
#include "clock.h"
#include "vocab.h"
#include "json.h"
#include "log.h"
#include "script.h"
#include "yaml.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct sim_record {
	FILE *f;
	uint64_t waves_done;   /* samples of the ring already written */
	scrub_buf line;
	double last_flush;     /* monotonic seconds */
	const scenario *scn;
	bool failed;
};

static void put_line(sim_record *r)
{
	scrub_buf_append(&r->line, "\n", 1);
	if (r->line.oom || fwrite(r->line.data, 1, r->line.len, r->f) != r->line.len) {
		if (!r->failed)
			LOG_E("cannot write the session record: %s", strerror(errno));
		r->failed = true;
	}
	scrub_buf_clear(&r->line);
	record_maybe_flush(r);
}

/* Times are written so that they read back to exactly the same double. */
/* A line {"type": TYPE, "t": T, ... (the caller ends the object). */
static void line_begin(sim_record *r, scrub_json *j, const char *type, double t)
{
	scrub_json_init(j, &r->line, false);
	scrub_json_object_begin(j, NULL);
	scrub_json_str(j, "type", type);
	scrub_json_num_exact(j, "t", t);
}

scrub_result record_create(const char *path, bool force, const record_header *h, sim_record **out)
{
	*out = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | (force ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			LOG_E("%s already holds a session record; choose another --out folder (or --force to replace it)", path);
		else
			LOG_E("cannot create %s: %s", path, strerror(errno));
		return SCRUB_ERR_IO;
	}
	sim_record *r = calloc(1, sizeof *r);
	if (!r) {
		close(fd);
		return SCRUB_ERR_NOMEM;
	}
	r->f = fdopen(fd, "w");
	if (!r->f) {
		close(fd);
		free(r);
		return SCRUB_ERR_IO;
	}
	scrub_buf_init(&r->line);
	r->scn = h->scn;
	r->last_flush = scrub_now();

	char stamp[32];
	time_t now = time(NULL);
	struct tm tmv;
	gmtime_r(&now, &tmv);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tmv);

	scrub_json j;
	scrub_json_init(&j, &r->line, false);
	scrub_json_object_begin(&j, NULL);
	scrub_json_str(&j, "type", "session");
	scrub_json_int(&j, "format", 1);
	scrub_json_str(&j, "scrub", SCRUB_VERSION);
	scrub_json_str(&j, "started", stamp);
	scrub_json_str(&j, "trainee", h->trainee);
	scrub_json_str(&j, "input", h->input);
	scrub_json_object_begin(&j, "scenario");
	scrub_json_str(&j, "id", h->scn->id);
	scrub_json_str(&j, "title", h->scn->title);
	scrub_json_str(&j, "version", h->scn->version);
	scrub_json_str(&j, "path", h->scn->path);
	scrub_json_str(&j, "sha256", h->scn->sha256);
	scrub_json_int(&j, "seed", (int64_t)h->scn->seed);
	scrub_json_num(&j, "dt", h->scn->dt, 6);
	scrub_json_strn(&j, "source", h->scn->source, h->scn->source_len);
	scrub_json_object_end(&j);
	scrub_json_object_end(&j);
	put_line(r);
	fflush(r->f);
	*out = r;
	return SCRUB_OK;
}

void record_event(sim_record *r, const sim_event *ev)
{
	if (!r)
		return;
	const scenario *scn = r->scn;
	scrub_json j;
	scrub_json_init(&j, &r->line, false);
	scrub_json_object_begin(&j, NULL);
	event_json(&j, scn, ev, EVENT_JSON_RECORD);
	scrub_json_object_end(&j);
	put_line(r);
}

void record_vars(sim_record *r, double t, const scenario *scn, const double *vars)
{
	if (!r || scn->nvars == 0)
		return;
	scrub_json j;
	line_begin(r, &j, "vars", t);
	scrub_json_object_begin(&j, "values");
	for (int i = 0; i < scn->nvars; i++) {
		const scn_var *v = &scn->vars[i];
		double x = vars ? vars[i] : v->init;
		if (v->model_field >= 0 && !vars)
			continue; /* the model's values appear from the first step */
		if (v->is_symbol)
			scrub_json_str(&j, v->name, v->symbols[(int)x]);
		else
			scrub_json_num(&j, v->name, x, 3);
	}
	scrub_json_object_end(&j);
	scrub_json_object_end(&j);
	put_line(r);
}

void record_waves(sim_record *r, double t, const patient_wave_ring *ring, int decimate)
{
	if (!r || !ring || decimate < 1)
		return;
	uint64_t from = r->waves_done;
	if (ring->written > ring->capacity && from < ring->written - ring->capacity)
		from = ring->written - ring->capacity; /* older samples were overwritten */
	from = (from + (uint64_t)decimate - 1) / (uint64_t)decimate * (uint64_t)decimate;
	if (from >= ring->written)
		return;
	scrub_json j;
	line_begin(r, &j, "waves", t);
	scrub_json_num(&j, "hz", (double)PATIENT_WAVE_HZ / decimate, 3);
	scrub_json_int(&j, "first", (int64_t)(from / (uint64_t)decimate));
	const float *arrays[3] = {ring->ecg_mv, ring->pleth, ring->co2_mmhg};
	static const char *names[3] = {"ecg_mv", "pleth", "co2_mmhg"};
	for (int a = 0; a < 3; a++) {
		scrub_json_array_begin(&j, names[a]);
		for (uint64_t k = from; k < ring->written; k += (uint64_t)decimate)
			scrub_json_num(&j, NULL, arrays[a][k % ring->capacity], 3);
		scrub_json_array_end(&j);
	}
	scrub_json_object_end(&j);
	r->waves_done = ring->written;
	put_line(r);
}

void record_maybe_flush(sim_record *r)
{
	double now = scrub_now();
	if (now - r->last_flush >= 1.0) {
		fflush(r->f);
		r->last_flush = now;
	}
}

scrub_result record_close(sim_record **rp)
{
	if (!rp || !*rp)
		return SCRUB_OK;
	sim_record *r = *rp;
	bool ok = !r->failed && fflush(r->f) == 0 && fsync(fileno(r->f)) == 0;
	ok = fclose(r->f) == 0 && ok;
	scrub_buf_fini(&r->line);
	free(r);
	*rp = NULL;
	return ok ? SCRUB_OK : SCRUB_ERR_IO;
}

/* ---- reading ---- */

static const char *str_field(yaml_node *obj, const char *key)
{
	yaml_node *v = yaml_get(obj, key);
	return v && v->type == YAML_SCALAR ? v->str : NULL;
}

scrub_result record_read(const char *path, record_data *out, scrub_diags *diags)
{
	char *text = NULL;
	size_t len = 0;
	scrub_result r = scrub_read_file(path, 256u << 20, &text, &len);
	if (r != SCRUB_OK) {
		memset(out, 0, sizeof *out);
		scrub_arena_init(&out->arena);
		scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_FILE, 0, 0, 1, "cannot read the record: %s",
		               r == SCRUB_ERR_LIMIT ? "larger than 256 MiB" : strerror(errno));
		return r == SCRUB_ERR_LIMIT ? SCRUB_ERR_INVALID : SCRUB_ERR_IO;
	}
	r = record_read_text(path, text, len, out, diags);
	free(text);
	return r;
}

void record_each_line(const char *path, const char *text, size_t len, record_line_fn fn, void *user)
{
	size_t i = 0;
	int line = 0;
	bool go = true;
	while (i < len && go) {
		line++;
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		record_line L = {.line = line, .last = !nl || e + 1 >= len, .empty = e == i};
		scrub_arena tmp;
		scrub_arena_init(&tmp);
		scrub_diags ld;
		scrub_diags_init(&ld, path, NULL, 0);
		yaml_limits lim = {.max_bytes = 64u << 20};
		L.obj = e > i ? yaml_parse(text + i, e - i, &lim, &tmp, &ld) : NULL;
		L.oom = !L.obj && e > i && ld.errors == 0; /* no tree and no complaint */
		L.type = L.obj && L.obj->type == YAML_MAP ? str_field(L.obj, "type") : NULL;
		go = fn(user, &L);
		scrub_diags_fini(&ld);
		scrub_arena_fini(&tmp);
		i = e + 1;
	}
}

typedef struct reader {
	const char *path;
	record_data *out;
	scrub_diags *diags;
	bool header, ok;
	act_scope scope;
} reader;

static bool read_line(void *user, const record_line *L)
{
	reader *R = user;
	record_data *out = R->out;
	scrub_diags *diags = R->diags;
	int line = L->line;
	yaml_node *obj = L->obj;
	const char *type = L->type;
	bool ok = true;
	if (!type) {
		if (L->last && R->header) {
			/* a torn last line: the session stopped while writing it */
			out->torn = true;
		} else if (!L->empty || !L->last) {
			scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_FILE, line, 1, 1,
			               line == 1 ? "this is not a Scrub session record (expected a JSON line with \"type\":\"session\")"
			                         : "damaged line in the session record");
			ok = false;
		}
	} else if (!R->header) {
		yaml_node *scn = yaml_get(obj, "scenario");
		const char *src = scn ? str_field(scn, "source") : NULL;
		if (strcmp(type, "session") != 0 || !src) {
			scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_FILE, line, 1, 1,
			               "this is not a Scrub session record (the first line must be the session header)");
			ok = false;
		} else {
			yaml_node *sn = yaml_get(scn, "source");
			out->source = scrub_arena_strndup(&out->arena, sn->str, sn->len);
			out->source_len = sn->len;
			/* the scenario's own actions, named in the lines that follow */
			vocab_declare_from_source(out->source, out->source_len, &out->arena, &R->scope);
			const char *p = str_field(scn, "path");
			const char *h = str_field(scn, "sha256");
			const char *tr = str_field(obj, "trainee");
			const char *in = str_field(obj, "input");
			out->scenario_path = scrub_arena_strdup(&out->arena, p ? p : "scenario");
			out->sha256 = h ? scrub_arena_strdup(&out->arena, h) : NULL;
			out->trainee = tr ? scrub_arena_strdup(&out->arena, tr) : NULL;
			out->input = in ? scrub_arena_strdup(&out->arena, in) : NULL;
			R->header = true;
		}
	} else {
		yaml_node *tn = yaml_get(obj, "t");
		double t = tn && tn->type == YAML_SCALAR ? strtod(tn->str, NULL) : NAN;
		if (!isfinite(t)) {
			scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_FILE, line, 1, 1, "record line without a time");
			ok = false;
		} else {
			out->last_t = t;
		}
		if (ok && strcmp(type, "end") == 0)
			out->complete = true;
		yaml_node *ign = yaml_get(obj, "ignored");
		/* derived actions (tissue outcomes) are made again by the replay, never read as input */
		yaml_node *der = yaml_get(obj, "derived");
		bool derived = der && der->type == YAML_SCALAR && strcmp(der->str, "true") == 0;
		if (ok && strcmp(type, "action") == 0 && !derived && !(ign && ign->type == YAML_SCALAR && strcmp(ign->str, "true") == 0)) {
			const char *name = str_field(obj, "action");
			sim_action *a = &out->actions[out->nactions];
			memset(a, 0, sizeof *a);
			a->t = t;
			a->line = line;
			a->col = 1;
			a->type = name ? actions_find_in(&R->scope, name, strlen(name)) : ACT_NONE;
			if (a->type == ACT_NONE) {
				scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_ACTIONS, line, 1, 1,
				               "unknown action '%s' in the record", name ? name : "?");
				ok = false;
			} else {
				const act_def *def = actions_get(a->type);
				yaml_node *params = yaml_get(obj, "params");
				for (size_t k = 0; params && params->type == YAML_MAP && k < params->n && ok; k++) {
					yaml_node *key = params->items[k], *val = params->values[k];
					int pi = act_param_find(def, key->str, key->len);
					char why[256];
					if (pi < 0 || val->type != YAML_SCALAR ||
					    script_parse_value(&def->params[pi], val->str, val->len, &out->arena, &a->params[pi], why, sizeof why)) {
						scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_ACTIONS, line, 1, 1,
						               "bad parameter '%s' of %s in the record", key->str, def->name);
						ok = false;
					}
				}
				/* who did it (absent in single-trainee records) */
				static const char *const who[2] = {"by", "role"};
				for (int w = 0; w < 2 && ok; w++) {
					yaml_node *wn = yaml_get(obj, who[w]);
					if (!wn)
						continue;
					if (wn->type != YAML_SCALAR || !act_name_valid(wn->str, wn->len)) {
						scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_ACTIONS, line, 1, 1,
						               "bad '%s' of %s in the record (a name of 1 to %d letters, digits, '_', '-' or '.')",
						               who[w], def->name, ACT_NAME_MAX - 1);
						ok = false;
					} else {
						act_name_set(w ? a->role : a->by, wn->str, wn->len);
					}
				}
				out->nactions++;
			}
		}
	}
	R->ok = ok;
	return ok;
}

scrub_result record_read_text(const char *path, const char *text, size_t len, record_data *out, scrub_diags *diags)
{
	memset(out, 0, sizeof *out);
	scrub_arena_init(&out->arena);
	int cap = 1;
	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	out->actions = SCRUB_ARENA_NEW(&out->arena, sim_action, cap);
	if (!out->actions)
		return SCRUB_ERR_NOMEM;
	reader R = {.path = path, .out = out, .diags = diags, .ok = true};
	record_each_line(path, text, len, read_line, &R);
	if (R.ok && !R.header) {
		scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_FILE, 0, 0, 1, "the record is empty (no session header)");
		R.ok = false;
	}
	return R.ok ? SCRUB_OK : SCRUB_ERR_INVALID;
}

void record_data_fini(record_data *d)
{
	scrub_arena_fini(&d->arena);
	memset(d, 0, sizeof *d);
}
