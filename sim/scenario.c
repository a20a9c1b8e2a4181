/* Loading a scenario: the shared parsing helpers, the top level, reading files (scenario_internal.h). */
#define SCRUB_LOG_MODULE "scenario"
#include "scenario_internal.h"
#include "vocab.h"
#include "expr.h"
#include "log.h"
#include "script.h"
#include "yaml.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sha2.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- diagnostics helpers ---- */

int span_of(const yaml_node *n)
{
	if (!n || n->type != YAML_SCALAR || n->style == YAML_BLOCK)
		return 1;
	if (memchr(n->str, '\n', n->len))
		return 1;
	return (int)n->len + (n->style == YAML_QUOTED ? 2 : 0);
}

/* The key node for a value in a mapping (to point at "duration:" rather than its value). */
yaml_node *key_of(yaml_node *map, yaml_node *value)
{
	if (!map || map->type != YAML_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (map->values[i] == value)
			return map->items[i];
	return NULL;
}

/* Reports keys of `map` that were never looked up. */
void check_fields(loader *L, yaml_node *map, const char *const *allowed, const char *what)
{
	if (!map || map->type != YAML_MAP)
		return;
	for (size_t i = 0; i < map->n; i++) {
		yaml_node *k = map->items[i];
		if (k->used || k->type != YAML_SCALAR)
			continue;
		size_t na = 0;
		while (allowed[na])
			na++;
		char list[512] = "";
		size_t l = 0;
		for (size_t j = 0; j < na && l < sizeof list - 40; j++)
			l += (size_t)snprintf(list + l, sizeof list - l, "%s%s", j ? ", " : "", allowed[j]);
		const char *sug = scrub_suggest(k->str, allowed, na);
		if (sug)
			ERR_AT(L, k, SCRUB_DIAG_UNKNOWN_FIELD, "unknown field '%s' in %s (did you mean '%s'?)", k->str, what, sug);
		else
			ERR_AT(L, k, SCRUB_DIAG_UNKNOWN_FIELD, "unknown field '%s' in %s; expected one of: %s", k->str, what, list);
	}
}

bool expect_type(loader *L, yaml_node *n, yaml_type t, const char *what)
{
	if (n && n->type == t)
		return true;
	static const char *names[] = {"a single value", "a mapping (key: value lines)", "a list"};
	ERR_AT(L, n, SCRUB_DIAG_TYPE, "%s should be %s, but is %s", what, names[t], yaml_type_name(n));
	return false;
}

const char *get_text(loader *L, yaml_node *map, const char *key, bool required, const char *what)
{
	yaml_node *v = yaml_get(map, key);
	if (!v) {
		if (required) {
			yaml_node *at = map;
			ERR_AT(L, at, SCRUB_DIAG_MISSING, "%s needs '%s:'", what, key);
		}
		return NULL;
	}
	char w[128];
	snprintf(w, sizeof w, "'%s'", key);
	if (!expect_type(L, v, YAML_SCALAR, w))
		return NULL;
	if (required && v->len == 0) {
		ERR_AT(L, v, SCRUB_DIAG_MISSING, "'%s' is empty", key);
		return NULL;
	}
	return v->str;
}

bool is_name(const char *s)
{
	if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

bool check_name(loader *L, yaml_node *n, const char *what)
{
	if (is_name(n->str) && n->len <= 64)
		return true;
	ERR_AT(L, n, SCRUB_DIAG_VALUE, "'%s' is not a valid %s: use letters, digits and '_' (start with a letter, at most 64)",
	       n->str, what);
	return false;
}

bool parse_number(loader *L, yaml_node *n, double *out, const char *what)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return false;
	char *end;
	errno = 0;
	double v = n->len ? strtod(n->str, &end) : 0;
	if (!n->len || *end != '\0' || errno || !isfinite(v)) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s should be a number, found '%s'", what, n->str);
		return false;
	}
	*out = v;
	return true;
}

bool parse_bool(loader *L, yaml_node *n, bool *out, const char *what)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return false;
	if (strcmp(n->str, "true") == 0 || strcmp(n->str, "yes") == 0) {
		*out = true;
		return true;
	}
	if (strcmp(n->str, "false") == 0 || strcmp(n->str, "no") == 0) {
		*out = false;
		return true;
	}
	ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s should be true or false, found '%s'", what, n->str);
	return false;
}

bool parse_duration(loader *L, yaml_node *n, double *out, const char *what)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return false;
	const char *why;
	if (!scrub_duration_parse(n->str, n->len, out, &why)) {
		ERR_AT(L, n, SCRUB_DIAG_UNIT, "%s: %s (found '%s')", what, why, n->str);
		return false;
	}
	return true;
}

/* "3..5 min", "180..300 s", "2 min" (-> 0..2 min when `single_is_max`), "1:00..2:00" */
bool parse_time_range(loader *L, yaml_node *n, double *lo, double *hi, bool single_is_max, const char *what)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return false;
	const char *dots = strstr(n->str, "..");
	const char *why = NULL;
	if (!dots) {
		double v;
		if (!scrub_duration_parse(n->str, n->len, &v, &why)) {
			ERR_AT(L, n, SCRUB_DIAG_UNIT, "%s: %s (found '%s')", what, why, n->str);
			return false;
		}
		*lo = single_is_max ? 0 : v;
		*hi = v;
		return true;
	}
	size_t l1 = (size_t)(dots - n->str);
	const char *r = dots + 2;
	size_t l2 = n->len - l1 - 2;
	/* "3..5 min": the unit after the second number applies to both */
	double a, b;
	if (!scrub_duration_parse(r, l2, &b, &why)) {
		ERR_AT(L, n, SCRUB_DIAG_UNIT, "%s: %s (found '%s')", what, why, n->str);
		return false;
	}
	if (!scrub_duration_parse(n->str, l1, &a, &why)) {
		/* bare first number: take the second's unit */
		scrub_quantity q2, q1;
		int bad;
		size_t u2 = scrub_quantity_parse(r, l2, &q2, &bad);
		size_t u1 = scrub_quantity_parse(n->str, l1, &q1, &bad);
		if (u1 == 0 || q1.unit || u2 == 0 || !q2.unit) {
			ERR_AT(L, n, SCRUB_DIAG_UNIT, "%s: expected a range such as 3..5 min or 1:00..2:30 (found '%s')", what, n->str);
			return false;
		}
		a = q1.value * q2.unit->factor;
	}
	if (a > b) {
		ERR_AT(L, n, SCRUB_DIAG_WINDOW, "%s: the range starts after it ends (found '%s')", what, n->str);
		return false;
	}
	*lo = a;
	*hi = b;
	return true;
}

/* N (a scalar: WHAT) names one of NAMES (a KIND, e.g. "state", one of PLURAL, "the states"): its index, else -1
 * after an error that suggests the nearest name or lists them all. */
int find_name(loader *L, yaml_node *n, const char *what, const char *kind, const char *plural, const char *const *names,
              int count)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return -1;
	for (int i = 0; i < count; i++)
		if (names[i] && strcmp(names[i], n->str) == 0)
			return i;
	const char *sug = scrub_suggest(n->str, names, (size_t)count);
	char list[400];
	scrub_list_words(list, sizeof list, names, (size_t)count);
	if (sug)
		ERR_AT(L, n, SCRUB_DIAG_UNKNOWN_NAME, "unknown %s '%s' (did you mean '%s'?)", kind, n->str, sug);
	else
		ERR_AT(L, n, SCRUB_DIAG_UNKNOWN_NAME, "unknown %s '%s'; %s are: %s", kind, n->str, plural, list);
	return -1;
}

/* A variable the patient model or the tissue provides, appended to the scenario's, or NULL after an error when
 * the scenario declares one of the same name (PROVIDER: who provides it, e.g. "the tissue (tissue:)"). */
scn_var *provided_var(loader *L, const char *name, const char *provider)
{
	scenario *s = L->s;
	int clash = scenario_find_var(s, name, strlen(name));
	if (clash >= 0) {
		scn_var *cv = &s->vars[clash];
		scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_DUPLICATE, cv->line, cv->col, (int)strlen(cv->name),
		               "'%s' is provided by %s; remove it from variables", cv->name, provider);
		return NULL;
	}
	scn_var *v = &s->vars[s->nvars++];
	memset(v, 0, sizeof *v);
	v->name = name;
	return v;
}

/* N is a sequence (WHAT) of at most MAX entries; TOO_MANY is the error's format, with MAX in it. */
bool expect_seq(loader *L, yaml_node *n, const char *what, int max, const char *too_many)
{
	if (!expect_type(L, n, YAML_SEQ, what))
		return false;
	if (n->n > (size_t)max) {
		ERR_AT(L, n, SCRUB_DIAG_LIMIT, too_many, max);
		return false;
	}
	return true;
}

int col_in(const yaml_node *n, size_t off)
{
	return n->col + (n->style == YAML_QUOTED ? 1 : 0) + (int)off;
}

/* ---- top level ---- */

static void parse_string_list(loader *L, yaml_node *n, const char ***out, int *count, const char *what)
{
	if (!n)
		return;
	if (n->type == YAML_SCALAR) {
		*out = SCRUB_ARENA_NEW(L->a, const char *, 1);
		(*out)[0] = n->str;
		*count = 1;
		return;
	}
	if (!expect_type(L, n, YAML_SEQ, what))
		return;
	if (n->n > MAX_LIST) {
		ERR_AT(L, n, SCRUB_DIAG_LIMIT, "%s: at most %d entries", what, MAX_LIST);
		return;
	}
	*out = SCRUB_ARENA_NEW(L->a, const char *, n->n + 1);
	for (size_t i = 0; i < n->n; i++)
		if (expect_type(L, n->items[i], YAML_SCALAR, what))
			(*out)[(*count)++] = n->items[i]->str;
}

static void parse_references(loader *L, yaml_node *n)
{
	scenario *s = L->s;
	if (!n || !expect_seq(L, n, "'references'", MAX_LIST, "'references': at most %d entries"))
		return;
	s->references = SCRUB_ARENA_NEW(L->a, scn_reference, n->n + 1);
	for (size_t i = 0; i < n->n; i++) {
		yaml_node *r = n->items[i];
		if (!expect_type(L, r, YAML_MAP, "a reference"))
			continue;
		scn_reference *ref = &s->references[s->nreferences++];
		yaml_node *idn = yaml_get(r, "id");
		ref->id = get_text(L, r, "id", true, "a reference");
		if (!ref->id)
			ref->id = "";
		else if (strpbrk(ref->id, " \t"))
			ERR_AT(L, idn, SCRUB_DIAG_VALUE, "a reference id is one word (no spaces), found '%s'", ref->id);
		ref->text = get_text(L, r, "cite", true, "a reference");
		ref->url = get_text(L, r, "url", false, "a reference");
		static const char *f[] = {"id", "cite", "url", NULL};
		check_fields(L, r, f, "a reference");
	}
}

static void load(loader *L, yaml_node *root)
{
	scenario *s = L->s;
	if (!expect_type(L, root, YAML_MAP, "a scenario file"))
		return;
	yaml_node *fmt = yaml_get(root, "scrub");
	if (!fmt) {
		ERR_AT(L, root->n ? root->items[0] : root, SCRUB_DIAG_MISSING, "a scenario file starts with 'scrub: 1' (the format version)");
	} else if (!(fmt->type == YAML_SCALAR && strcmp(fmt->str, "1") == 0)) {
		ERR_AT(L, fmt, SCRUB_DIAG_VALUE, "unsupported format version '%s'; this Scrub reads 'scrub: 1'", fmt->type == YAML_SCALAR ? fmt->str : "?");
	}
	yaml_node *idn = yaml_get(root, "id");
	s->id = get_text(L, root, "id", true, "a scenario");
	if (idn && idn->type == YAML_SCALAR && s->id) {
		for (const char *c = s->id; *c; c++)
			if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.')) {
				ERR_AT(L, idn, SCRUB_DIAG_VALUE, "an id uses letters, digits, '-', '_' and '.', found '%s'", s->id);
				break;
			}
	}
	s->title = get_text(L, root, "title", true, "a scenario");
	s->version = get_text(L, root, "version", true, "a scenario");
	s->summary = get_text(L, root, "summary", false, "a scenario");
	s->setting = get_text(L, root, "setting", false, "a scenario");
	parse_string_list(L, yaml_get(root, "authors"), &s->authors, &s->nauthors, "'authors'");
	parse_string_list(L, yaml_get(root, "objectives"), &s->objectives, &s->nobjectives, "'objectives'");
	parse_references(L, yaml_get(root, "references"));
	yaml_node *dur = yaml_get(root, "duration");
	if (!dur)
		ERR_AT(L, root->n ? root->items[0] : root, SCRUB_DIAG_MISSING, "a scenario needs 'duration:' (how long it may run, e.g. 10 min)");
	else if (parse_duration(L, dur, &s->duration_s, "'duration'") && (s->duration_s <= 0 || s->duration_s > MAX_DURATION_S))
		ERR_AT(L, dur, SCRUB_DIAG_VALUE, "the duration must be longer than 0 and at most 4 h");
	s->dt = 0.01;
	yaml_node *dt = yaml_get(root, "dt");
	if (dt && parse_duration(L, dt, &s->dt, "'dt'") && (s->dt < 0.001 || s->dt > 0.1))
		ERR_AT(L, dt, SCRUB_DIAG_VALUE, "dt (the simulation step) must be between 1 ms and 100 ms");
	s->seed = 1;
	yaml_node *seed = yaml_get(root, "seed");
	double sd;
	if (seed && parse_number(L, seed, &sd, "'seed'")) {
		if (sd < 0 || sd != floor(sd) || sd > 9007199254740991.0)
			ERR_AT(L, seed, SCRUB_DIAG_VALUE, "the seed is a whole number from 0");
		else
			s->seed = (uint64_t)sd;
	}
	if (s->duration_s > 0 && s->dt > 0 && s->duration_s / s->dt > MAX_STEPS)
		ERR_AT(L, dt ? dt : dur, SCRUB_DIAG_LIMIT, "%.0f steps of %g s in %g s; a scenario is limited to %d steps (use a larger dt or a shorter duration)",
		       s->duration_s / s->dt, s->dt, s->duration_s, MAX_STEPS);
	vocab_declare_actions(yaml_get(root, "actions"), L->a, L->d, &s->actions);
	parse_roles(L, yaml_get(root, "roles"));
	parse_variables(L, yaml_get(root, "variables"));
	parse_patient(L, yaml_get(root, "patient"));
	yaml_node *tissue = yaml_get(root, "tissue");
	if (tissue)
		parse_tissue(L, key_of(root, tissue), tissue);

	yaml_node *states = yaml_get(root, "states");
	if (!states)
		ERR_AT(L, root->n ? root->items[0] : root, SCRUB_DIAG_MISSING, "a scenario needs 'states:' (at least one)");
	collect_states(L, states);
	if (states && states->type == YAML_MAP && states->n == 0)
		ERR_AT(L, states, SCRUB_DIAG_MISSING, "'states' is empty");
	s->initial = -1;
	yaml_node *init = yaml_get(root, "initial");
	if (init)
		s->initial = find_state_node(L, init, "'initial'");
	else if (s->nstates)
		s->initial = 0; /* documented: the first state listed */

	yaml_node *cl = yaml_get(root, "checklist");
	yaml_node *items = NULL;
	double partial = 0.5;
	if (!cl) {
		ERR_AT(L, root->n ? root->items[0] : root, SCRUB_DIAG_MISSING, "a scenario needs 'checklist:' (what the trainee is scored on)");
	} else if (expect_type(L, cl, YAML_MAP, "'checklist'")) {
		items = yaml_get(cl, "items");
		if (!items)
			ERR_AT(L, key_of(root, cl), SCRUB_DIAG_MISSING, "the checklist needs 'items:'");
		else if (expect_type(L, items, YAML_SEQ, "'items'"))
			collect_items(L, items);
		else
			items = NULL;
		parse_checklist_head(L, cl, &partial);
		static const char *f[] = {"pass", "partial_credit", "feedback", "items", NULL};
		check_fields(L, cl, f, "the checklist");
	}
	/* names are known: now the parts that refer to each other */
	parse_states(L, states);
	if (items)
		for (size_t i = 0; i < items->n; i++)
			parse_item(L, items->items[i], &s->checklist.items[i], partial);
	if (s->checklist.n == 0 && items)
		ERR_AT(L, items, SCRUB_DIAG_MISSING, "the checklist has no items");

	yaml_node *runs = yaml_get(root, "model_runs");
	if (runs && !L->no_runs)
		parse_model_runs(L, runs);
	if (!runs && !L->no_runs)
		WARN_AT(L, root->n ? root->items[0] : root, SCRUB_DIAG_SUSPICIOUS,
		        "no model_runs: nothing proves the checklist can be passed (add one that passes and some that fail)");
	uint64_t warned_drugs = 0; /* once per scenario, not once per run */
	for (int i = 0; i < s->nruns; i++)
		scenario_check_actions(s, s->runs[i].actions, s->runs[i].nactions, s->runs[i].actions_file ? s->runs[i].actions_file : NULL, L->d,
		                       &warned_drugs);

	static const char *fields[] = {"scrub", "id", "title", "version", "summary", "authors", "objectives",
	                               "references", "duration", "dt", "seed", "setting", "patient", "variables",
	                               "initial", "states", "checklist", "model_runs", "tissue", "actions", "roles", NULL};
	check_fields(L, root, fields, "the scenario");
	check_graph(L);
	check_items(L);
}

scrub_result scrub_read_file(const char *path, size_t limit, char **out, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return SCRUB_ERR_IO;
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		errno = EISDIR;
		return SCRUB_ERR_IO;
	}
	if ((size_t)st.st_size > limit) {
		fclose(f);
		return SCRUB_ERR_LIMIT;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(f);
		return SCRUB_ERR_NOMEM;
	}
	size_t n = fread(buf, 1, (size_t)st.st_size, f);
	int e = ferror(f);
	fclose(f);
	if (e) {
		free(buf);
		return SCRUB_ERR_IO;
	}
	buf[n] = '\0';
	*out = buf;
	*out_len = n;
	return SCRUB_OK;
}

/* load() with out-of-memory raised from the arena (see arena.h): a jump back here, where everything load() made
 * goes with the arena. False when memory ran out. Only volatile locals live across the setjmp. */
static bool load_guarded(loader *L, yaml_node *root)
{
	loader *volatile vl = L;
	yaml_node *volatile vroot = root;
	scrub_arena *volatile arena = L->a;
	jmp_buf oom;
	if (setjmp(oom)) {
		arena->oom = NULL;
		return false;
	}
	arena->oom = &oom;
	load(vl, vroot);
	arena->oom = NULL;
	return true;
}

scrub_result scenario_load_text(const char *path, const char *text, size_t len,
                                const scenario_load_opts *opts, scrub_diags *diags, scenario **out)
{
	*out = NULL;
	scenario *s = calloc(1, sizeof *s);
	if (!s)
		return SCRUB_ERR_NOMEM;
	scrub_arena_init(&s->arena);
	s->path = scrub_arena_strdup(&s->arena, path);
	char *src = scrub_arena_strndup(&s->arena, text, len);
	s->source = src;
	s->source_len = len;
	if (!s->path || !src) {
		scenario_destroy(&s);
		return SCRUB_ERR_NOMEM;
	}
	SHA256Data((const uint8_t *)text, len, s->sha256);
	/* the folder files may be read from */
	const char *base = opts && opts->base_dir ? opts->base_dir : NULL;
	if (!base) {
		const char *slash = strrchr(path, '/');
		base = slash ? scrub_arena_strndup(&s->arena, path, (size_t)(slash - path)) : ".";
		if (slash == path)
			base = "/";
	}
	s->dir = scrub_arena_strdup(&s->arena, base);

	const char *display = opts && opts->display_path ? opts->display_path : path;
	scrub_diags_fini(diags);
	scrub_diags_init(diags, display, NULL, 0);
	scrub_diags_own(diags, display, text, len);

	loader L = {.s = s, .a = &s->arena, .d = diags, .base_dir = s->dir, .no_runs = opts && opts->no_model_runs};
	yaml_node *root = yaml_parse(src, len, NULL, &s->arena, diags);
	if (!root && diags->errors == 0) { /* out of memory while reading it */
		scenario_destroy(&s);
		return SCRUB_ERR_NOMEM;
	}
	if (root && !load_guarded(&L, root)) {
		scenario_destroy(&s);
		scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_LIMIT, 0, 0, 1, "out of memory while loading the scenario");
		return SCRUB_ERR_NOMEM;
	}
	if (diags->errors > 0) {
		LOG_D("%s: %d errors, %d warnings", display, diags->errors, diags->warnings);
		scenario_destroy(&s);
		return SCRUB_ERR_INVALID;
	}
	*out = s;
	return SCRUB_OK;
}

scrub_result scenario_load_file(const char *path, const scenario_load_opts *opts, scrub_diags *diags,
                                scenario **out)
{
	*out = NULL;
	char *text = NULL;
	size_t len = 0;
	scrub_result r = scrub_read_file(path, MAX_FILE_BYTES, &text, &len);
	if (r != SCRUB_OK) {
		scrub_diags_fini(diags);
		scrub_diags_init(diags, NULL, NULL, 0);
		scrub_diags_own(diags, opts && opts->display_path ? opts->display_path : path, NULL, 0);
		if (r == SCRUB_ERR_LIMIT) {
			scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_LIMIT, 0, 0, 1,
			               "the file is larger than %u bytes; scenario files are limited to 1 MiB", MAX_FILE_BYTES);
			return SCRUB_ERR_INVALID;
		}
		scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_FILE, 0, 0, 1, "cannot read the file: %s", strerror(errno));
		return SCRUB_ERR_IO;
	}
	r = scenario_load_text(path, text, len, opts, diags, out);
	free(text);
	return r;
}

void scenario_destroy(scenario **sp)
{
	if (!sp || !*sp)
		return;
	scrub_arena_fini(&(*sp)->arena);
	free(*sp);
	*sp = NULL;
}

int scenario_find_state(const scenario *s, const char *name)
{
	for (int i = 0; i < s->nstates; i++)
		if (strcmp(s->states[i].name, name) == 0)
			return i;
	return -1;
}

int scenario_find_item(const scenario *s, const char *id)
{
	for (int i = 0; i < s->checklist.n; i++)
		if (s->checklist.items[i].id && strcmp(s->checklist.items[i].id, id) == 0)
			return i;
	return -1;
}

int scenario_find_var(const scenario *s, const char *name, size_t len)
{
	for (int i = 0; i < s->nvars; i++)
		if (strlen(s->vars[i].name) == len && memcmp(s->vars[i].name, name, len) == 0)
			return i;
	return -1;
}

bool scenario_instructor_value(const scenario *s, const char *var, const char *value, int *vi, double *out, char *why,
                               size_t why_size)
{
	*vi = var ? scenario_find_var(s, var, strlen(var)) : -1;
	if (*vi < 0) {
		snprintf(why, why_size, "unknown variable '%s'", var ? var : "");
		return false;
	}
	const scn_var *v = &s->vars[*vi];
	if (v->model_field >= 0 && v->model_field != SCN_MODEL_RHYTHM) {
		snprintf(why, why_size, "'%s' comes from the patient model and cannot be set (its rhythm can)", v->name);
		return false;
	}
	if (v->is_symbol) {
		for (int k = 0; value && k < v->nsymbols; k++) {
			if (strcmp(v->symbols[k], value) == 0) {
				*out = k;
				return true;
			}
		}
		snprintf(why, why_size, "'%s' is not a value of '%s'", value ? value : "", v->name);
		return false;
	}
	char *end = NULL;
	double x = value && *value ? strtod(value, &end) : NAN;
	if (!end || *end || !isfinite(x) || x < v->min || x > v->max) {
		snprintf(why, why_size, "'%s' needs a number%s%s from %g to %g", v->name, v->unit ? " in " : "", v->unit ? v->unit->name : "",
		         v->min, v->max);
		return false;
	}
	*out = x;
	return true;
}
