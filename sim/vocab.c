#include "vocab.h"
#include "patient.h"
#include "units.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* sim/vocabulary/actions.yaml and drugs.yaml, embedded by the build (sim/vocabulary/embed.c) */
extern const char *const vocab_actions_yaml;
extern const size_t vocab_actions_yaml_len;
extern const char *const vocab_drugs_yaml;
extern const size_t vocab_drugs_yaml_len;

#define MAX_DRUGS ACT_MAX_SYMBOLS
#define MAX_BUILTIN 128

static void load_builtin(void);

/* A vocabulary read from the two files: the built-in one, or one a test reads (vocab_check_text). */
struct vocab_set {
	scrub_arena arena;
	vocab_drug drugs[MAX_DRUGS];
	int ndrugs;
	act_def actions[MAX_BUILTIN];
	int nactions;
};

static vocab_set builtin;
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define ERR(d, n, code, ...) scrub_diag_add((d), SCRUB_SEV_ERROR, (code), (n)->line, (n)->col, \
                                            (int)((n)->type == YAML_SCALAR && (n)->len ? (n)->len : 1), __VA_ARGS__)

/* Every key of a mapping must be one of `allowed`: a misspelt field is an error, not ignored. */
static bool check_keys(yaml_node *map, const char *const *allowed, size_t na, scrub_diags *d)
{
	bool ok = true;
	for (size_t i = 0; i < map->n; i++) {
		yaml_node *k = map->items[i];
		bool known = false;
		for (size_t a = 0; a < na && !known; a++)
			known = strcmp(k->str, allowed[a]) == 0;
		if (known)
			continue;
		char list[400];
		scrub_list_words(list, sizeof list, allowed, na);
		const char *sug = scrub_suggest(k->str, allowed, na);
		if (sug)
			ERR(d, k, SCRUB_DIAG_UNKNOWN_FIELD, "unknown field '%s' (did you mean '%s'?)", k->str, sug);
		else
			ERR(d, k, SCRUB_DIAG_UNKNOWN_FIELD, "unknown field '%s'; expected one of: %s", k->str, list);
		ok = false;
	}
	return ok;
}

/* letters, digits and _ (a symbol may start with a digit: 14G) */
static bool is_word(const yaml_node *n)
{
	if (n->type != YAML_SCALAR || n->len == 0 || n->len > 64)
		return false;
	for (size_t i = 0; i < n->len; i++) {
		char c = n->str[i];
		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

static bool is_name(const yaml_node *n)
{
	return is_word(n) && !(n->str[0] >= '0' && n->str[0] <= '9');
}

static const char *text_of(yaml_node *n, const char *what, scrub_diags *d)
{
	if (!n)
		return NULL;
	if (n->type != YAML_SCALAR) {
		ERR(d, n, SCRUB_DIAG_TYPE, "%s must be text, not %s", what, yaml_type_name(n));
		return NULL;
	}
	return n->str;
}

static bool flag_of(yaml_node *n, const char *what, scrub_diags *d)
{
	if (!n)
		return false;
	if (n->type == YAML_SCALAR && (strcmp(n->str, "true") == 0 || strcmp(n->str, "false") == 0))
		return n->str[0] == 't';
	ERR(d, n, SCRUB_DIAG_TYPE, "%s must be true or false", what);
	return false;
}

/* A list of words into a NULL-terminated array of at most `cap - 1`. */
static bool words_of(yaml_node *n, const char *what, const char **out, int cap, bool names, scrub_diags *d)
{
	out[0] = NULL;
	if (!n)
		return true;
	if (n->type != YAML_SEQ) {
		ERR(d, n, SCRUB_DIAG_TYPE, "%s must be a list, e.g. [a, b], not %s", what, yaml_type_name(n));
		return false;
	}
	if (n->n >= (size_t)cap) {
		ERR(d, n, SCRUB_DIAG_LIMIT, "%s: at most %d entries", what, cap - 1);
		return false;
	}
	for (size_t i = 0; i < n->n; i++) {
		yaml_node *w = n->items[i];
		if (w->type != YAML_SCALAR || (names && !is_word(w))) {
			ERR(d, w, SCRUB_DIAG_TYPE, "%s: each entry must be %s", what, names ? "a word (letters, digits, _)" : "text");
			return false;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(out[k], w->str) == 0) {
				ERR(d, w, SCRUB_DIAG_DUPLICATE, "%s: '%s' is listed twice", what, w->str);
				return false;
			}
		out[i] = w->str;
		out[i + 1] = NULL;
	}
	return true;
}

/* "LO..HI UNIT" (quantity) or "LO..HI" (count) */
static bool range_of(yaml_node *n, bool with_unit, act_param_def *p, scrub_diags *d)
{
	const char *s = n->type == YAML_SCALAR ? n->str : NULL;
	const char *dots = s ? strstr(s, "..") : NULL;
	if (!dots) {
		ERR(d, n, SCRUB_DIAG_VALUE, "write the accepted range as LO..HI%s, e.g. %s", with_unit ? " UNIT" : "",
		    with_unit ? "0..60 s or 1..400 J" : "1..10");
		return false;
	}
	scrub_quantity lo, hi;
	int bad_lo, bad_hi;
	size_t ll = (size_t)(dots - s), hl = strlen(dots + 2);
	size_t ul = scrub_quantity_parse(s, ll, &lo, &bad_lo);
	size_t uh = scrub_quantity_parse(dots + 2, hl, &hi, &bad_hi);
	if (ul != ll || uh != hl || lo.unit || bad_lo >= 0 || bad_hi >= 0 || !isfinite(lo.value) || !isfinite(hi.value)) {
		const scrub_unit *su = bad_hi >= 0 ? scrub_unit_suggest(dots + 2 + bad_hi, strlen(dots + 2 + bad_hi), SCRUB_DIM_NONE) : NULL;
		if (bad_hi >= 0)
			ERR(d, n, SCRUB_DIAG_UNIT, "unknown unit '%s'%s%s%s (scrub list units shows them all)", dots + 2 + bad_hi,
			    su ? " (did you mean '" : "", su ? su->name : "", su ? "'?)" : "");
		else
			ERR(d, n, SCRUB_DIAG_VALUE, "'%s' is not a range LO..HI%s (the unit once, after HI)", s, with_unit ? " UNIT" : "");
		return false;
	}
	if (with_unit && !hi.unit) {
		ERR(d, n, SCRUB_DIAG_UNIT, "a quantity needs its unit after the range, e.g. %s s", s);
		return false;
	}
	if (!with_unit && hi.unit) {
		ERR(d, n, SCRUB_DIAG_UNIT, "a count is a plain number: remove the unit '%s' (or use quantity:)", hi.unit->name);
		return false;
	}
	double f = hi.unit ? hi.unit->factor : 1;
	p->dim = hi.unit ? hi.unit->dim : SCRUB_DIM_NONE;
	p->min = lo.value * f;
	p->max = hi.value * f;
	if (p->min > p->max) {
		ERR(d, n, SCRUB_DIAG_VALUE, "the range '%s' is empty (LO above HI)", s);
		return false;
	}
	return true;
}

static bool parse_param(const vocab_set *v, yaml_node *key, yaml_node *val, scrub_diags *d, act_param_def *p)
{
	static const char *const fields[] = {"quantity", "count", "symbols", "text", "required", "one_of", "help"};
	if (!is_name(key)) {
		ERR(d, key, SCRUB_DIAG_VALUE, "a parameter's name uses letters, digits and _ (at most 64)");
		return false;
	}
	if (val->type != YAML_MAP) {
		ERR(d, val, SCRUB_DIAG_TYPE, "parameter '%s' must be a mapping, e.g. {symbols: [a, b]} or {quantity: 0..60 s}", key->str);
		return false;
	}
	int errors = d->errors; /* a bad flag or help is reported where it is read: count it too */
	bool ok = check_keys(val, fields, sizeof fields / sizeof fields[0], d);
	p->name = key->str;
	yaml_node *q = yaml_get(val, "quantity"), *c = yaml_get(val, "count"), *sy = yaml_get(val, "symbols"),
	          *tx = yaml_get(val, "text");
	int kinds = !!q + !!c + !!sy + !!tx;
	if (kinds != 1) {
		ERR(d, kinds ? val : key, SCRUB_DIAG_MISSING, "parameter '%s' needs exactly one of quantity: LO..HI UNIT, "
		    "count: LO..HI, symbols: [words] or text: true", key->str);
		return false;
	}
	if (q) {
		p->kind = ACT_PARAM_QUANTITY;
		ok = range_of(q, true, p, d) && ok;
	} else if (c) {
		p->kind = ACT_PARAM_COUNT;
		ok = range_of(c, false, p, d) && ok;
	} else if (tx) {
		p->kind = ACT_PARAM_TEXT;
		if (!flag_of(tx, "text", d)) {
			ERR(d, tx, SCRUB_DIAG_VALUE, "write text: true for a free-text parameter");
			ok = false;
		}
	} else {
		p->kind = ACT_PARAM_SYMBOL;
		if (sy->type == YAML_SCALAR && strcmp(sy->str, "drugs") == 0) {
			for (int i = 0; i < v->ndrugs; i++)
				p->symbols[i] = v->drugs[i].name;
		} else if (!words_of(sy, "symbols", p->symbols, ACT_MAX_SYMBOLS, true, d)) {
			ok = false;
		} else if (!p->symbols[0]) {
			ERR(d, sy, SCRUB_DIAG_VALUE, "symbols: list at least one word");
			ok = false;
		}
	}
	p->required = flag_of(yaml_get(val, "required"), "required", d);
	p->one_of = flag_of(yaml_get(val, "one_of"), "one_of", d);
	const char *h = text_of(yaml_get(val, "help"), "help", d);
	p->help = h ? h : "";
	return ok && d->errors == errors;
}

static bool parse_action(const vocab_set *v, yaml_node *key, yaml_node *val, bool scenario, scrub_diags *d, act_def *out)
{
	static const char *const fields[] = {"category", "help", "params"};
	static const char *const reserved[] = {"derived", "tracking", "instructor"};
	memset(out, 0, sizeof *out);
	if (!is_name(key)) {
		ERR(d, key, SCRUB_DIAG_VALUE, "an action's name uses letters, digits and _, starts with a letter or _ (at most 64)");
		return false;
	}
	out->name = key->str;
	out->category = scenario ? "scenario" : "";
	out->help = "";
	if (val->type == YAML_SCALAR && val->len == 0 && scenario)
		return true; /* `call_cath_lab:` alone: no parameters */
	if (val->type != YAML_MAP) {
		ERR(d, val, SCRUB_DIAG_TYPE, "action '%s' must be a mapping with help: and params:, not %s", key->str, yaml_type_name(val));
		return false;
	}
	int errors = d->errors;
	bool ok = check_keys(val, fields, sizeof fields / sizeof fields[0], d);
	yaml_node *cat = yaml_get(val, "category");
	if (cat) {
		if (!is_name(cat)) {
			ERR(d, cat, SCRUB_DIAG_VALUE, "category is one word (letters, digits, _)");
			ok = false;
		} else {
			out->category = cat->str;
			for (size_t i = 0; scenario && i < sizeof reserved / sizeof reserved[0]; i++)
				if (strcmp(cat->str, reserved[i]) == 0) {
					ERR(d, cat, SCRUB_DIAG_VALUE, "category '%s' is for actions Scrub makes itself; choose another word",
					    cat->str);
					ok = false;
				}
		}
	} else if (!scenario) {
		ERR(d, key, SCRUB_DIAG_MISSING, "action '%s' needs a category:", key->str);
		ok = false;
	}
	const char *h = text_of(yaml_get(val, "help"), "help", d);
	if (h)
		out->help = h;
	yaml_node *ps = yaml_get(val, "params");
	if (ps && ps->type != YAML_MAP && !(ps->type == YAML_SCALAR && ps->len == 0)) {
		ERR(d, ps, SCRUB_DIAG_TYPE, "params must be a mapping of parameter names, e.g. {team: {symbols: [cardiology]}}");
		return false;
	}
	if (ps && ps->type == YAML_MAP && ps->n > ACT_MAX_PARAMS) {
		ERR(d, ps, SCRUB_DIAG_LIMIT, "an action has at most %d parameters", ACT_MAX_PARAMS);
		return false;
	}
	for (size_t i = 0; ps && ps->type == YAML_MAP && i < ps->n; i++) {
		for (size_t k = 0; k < i; k++)
			if (strcmp(ps->items[k]->str, ps->items[i]->str) == 0) {
				ERR(d, ps->items[i], SCRUB_DIAG_DUPLICATE, "parameter '%s' is declared twice", ps->items[i]->str);
				ok = false;
			}
		ok = parse_param(v, ps->items[i], ps->values[i], d, &out->params[i]) && ok;
	}
	return ok && d->errors == errors;
}

bool vocab_parse_action(yaml_node *key, yaml_node *val, bool scenario, scrub_diags *d, act_def *out)
{
	pthread_once(&once, load_builtin);
	return parse_action(&builtin, key, val, scenario, d, out);
}

bool vocab_declare_actions(yaml_node *section, scrub_arena *a, scrub_diags *d, act_scope *out)
{
	*out = (act_scope){0};
	if (!section)
		return true;
	if (section->type != YAML_MAP) {
		ERR(d, section, SCRUB_DIAG_TYPE, "'actions' must be a mapping of action names, e.g. actions: {call_cath_lab: {help: ...}}");
		return false;
	}
	act_id *ids = SCRUB_ARENA_NEW(a, act_id, section->n + 1);
	const char **broken = SCRUB_ARENA_NEW(a, const char *, section->n + 1);
	out->broken = broken;
	bool ok = true;
	for (size_t i = 0; i < section->n; i++) {
		yaml_node *k = section->items[i];
		act_def def;
		if (!vocab_parse_action(k, section->values[i], true, d, &def)) {
			broken[out->nbroken++] = k->str;
			ok = false;
			continue;
		}
		if (actions_find(k->str, k->len) != ACT_NONE) {
			ERR(d, k, SCRUB_DIAG_DUPLICATE, "'%s' is a built-in action (scrub list actions): use it as it is, or give "
			    "yours another name", k->str);
			ok = false;
			continue;
		}
		act_id id = actions_declare(&def);
		if (id == ACT_NONE) {
			ERR(d, k, SCRUB_DIAG_LIMIT, "too many actions declared by the scenarios loaded so far");
			ok = false;
			continue;
		}
		ids[out->n++] = id;
	}
	out->ids = ids;
	return ok;
}

void vocab_declare_from_source(const char *src, size_t len, scrub_arena *a, act_scope *out)
{
	*out = (act_scope){0};
	scrub_diags d;
	scrub_diags_init(&d, "scenario", NULL, 0);
	yaml_node *root = yaml_parse(src, len, NULL, a, &d);
	yaml_node *section = root && root->type == YAML_MAP ? yaml_get(root, "actions") : NULL;
	if (section && !vocab_declare_actions(section, a, &d, out))
		out->n = 0;
	scrub_diags_fini(&d);
}

/* ---- the embedded files ---- */

static bool parse_drug(yaml_node *key, yaml_node *val, scrub_diags *d, vocab_drug *g)
{
	static const char *const fields[] = {"aliases", "class", "forms", "routes", "dose", "infusion", "model"};
	if (!is_name(key) || val->type != YAML_MAP) {
		ERR(d, key, SCRUB_DIAG_TYPE, "a drug is a name with a mapping of its fields");
		return false;
	}
	bool ok = check_keys(val, fields, sizeof fields / sizeof fields[0], d);
	g->name = key->str;
	g->line = key->line;
	g->klass = text_of(yaml_get(val, "class"), "class", d);
	g->model = text_of(yaml_get(val, "model"), "model", d);
	ok = words_of(yaml_get(val, "aliases"), "aliases", g->aliases, VOCAB_MAX_LIST, true, d) && ok;
	ok = words_of(yaml_get(val, "forms"), "forms", g->forms, VOCAB_MAX_LIST, false, d) && ok;
	ok = words_of(yaml_get(val, "routes"), "routes", g->routes, VOCAB_MAX_LIST, false, d) && ok;
	ok = words_of(yaml_get(val, "dose"), "dose", g->dose_units, VOCAB_MAX_LIST, false, d) && ok;
	ok = words_of(yaml_get(val, "infusion"), "infusion", g->infusion_units, VOCAB_MAX_LIST, false, d) && ok;
	if (!g->klass) {
		ERR(d, key, SCRUB_DIAG_MISSING, "drug '%s' needs a class:", g->name);
		ok = false;
	}
	const char *const *units[] = {g->dose_units, g->infusion_units};
	for (int u = 0; u < 2; u++)
		for (int i = 0; units[u][i]; i++)
			if (!scrub_unit_find(units[u][i], strlen(units[u][i]))) {
				ERR(d, key, SCRUB_DIAG_UNIT, "drug '%s': unknown unit '%s'", g->name, units[u][i]);
				ok = false;
			}
	return ok;
}

static yaml_node *top(yaml_node *root, const char *key, scrub_diags *d)
{
	yaml_node *n = root && root->type == YAML_MAP ? yaml_get(root, key) : NULL;
	if (!n || n->type != YAML_MAP) {
		scrub_diag_add(d, SCRUB_SEV_ERROR, SCRUB_DIAG_MISSING, 1, 1, 1, "the file needs a mapping '%s:'", key);
		return NULL;
	}
	return n;
}

static bool same(const char *a, const char *s, size_t n)
{
	return strlen(a) == n && memcmp(a, s, n) == 0;
}

static int find_drug(const vocab_set *v, const char *s, size_t n)
{
	for (int i = 0; i < v->ndrugs; i++)
		if (same(v->drugs[i].name, s, n))
			return i;
	for (int i = 0; i < v->ndrugs; i++)
		for (int a = 0; v->drugs[i].aliases[a]; a++)
			if (same(v->drugs[i].aliases[a], s, n))
				return i;
	return -1;
}

static const act_param_def *param_named(const vocab_set *v, const char *action, const char *param)
{
	for (int i = 0; i < v->nactions; i++)
		if (strcmp(v->actions[i].name, action) == 0) {
			int k = act_param_find(&v->actions[i], param, strlen(param));
			return k >= 0 ? &v->actions[i].params[k] : NULL;
		}
	return NULL;
}

/* What the files must agree on with each other and with the patient model. */
static void cross_check(const vocab_set *v, scrub_diags *d)
{
#define CHECK(cond, line, ...) \
	do { \
		if (!(cond)) \
			scrub_diag_add(d, SCRUB_SEV_ERROR, SCRUB_DIAG_VALUE, (line), 1, 1, __VA_ARGS__); \
	} while (0)
	for (int m = 0; m < PATIENT_DRUG_COUNT_; m++) {
		const char *mn = patient_drug_name((patient_drug)m);
		bool found = false;
		for (int i = 0; i < v->ndrugs && !found; i++)
			found = v->drugs[i].model && strcmp(v->drugs[i].model, mn) == 0;
		CHECK(found, 1, "the patient model simulates '%s', but no drug of drugs.yaml has model: %s", mn, mn);
	}
	const act_param_def *route = param_named(v, "give_drug", "route");
	CHECK(route, 1, "actions.yaml: give_drug needs a route parameter");
	for (int i = 0; i < v->ndrugs; i++) {
		const vocab_drug *g = &v->drugs[i];
		bool simulated = !g->model;
		for (int m = 0; m < PATIENT_DRUG_COUNT_ && !simulated; m++)
			simulated = strcmp(g->model, patient_drug_name((patient_drug)m)) == 0;
		CHECK(simulated, g->line, "drug '%s': model: %s is not a drug the patient model simulates", g->name, g->model);
		for (int r = 0; route && g->routes[r]; r++)
			CHECK(act_symbol_find(route, g->routes[r], strlen(g->routes[r])) >= 0, g->line,
			      "drug '%s': route '%s' is not a route of give_drug", g->name, g->routes[r]);
		for (int a = 0; g->aliases[a]; a++)
			CHECK(find_drug(v, g->aliases[a], strlen(g->aliases[a])) == i, g->line,
			      "drug '%s': alias '%s' is another drug's name or alias", g->name, g->aliases[a]);
	}
	/* the infusion actions list drugs that have infusion units (and fluids, which are not drugs) */
	const char *const infusing[] = {"start_infusion", "stop_infusion"};
	for (size_t k = 0; k < 2; k++) {
		const act_param_def *p = param_named(v, infusing[k], "drug");
		for (int s = 0; p && s < ACT_MAX_SYMBOLS && p->symbols[s]; s++) {
			int g = find_drug(v, p->symbols[s], strlen(p->symbols[s]));
			CHECK(g < 0 || v->drugs[g].infusion_units[0], v->drugs[g < 0 ? 0 : g].line,
			      "%s lists '%s', but drugs.yaml gives it no infusion: units", infusing[k], p->symbols[s]);
		}
	}
#undef CHECK
}

/* Reads both files into `v` (cleared first); false after diagnostics in `dd` (drugs.yaml) or
 * `da` (actions.yaml). */
static bool load_text(vocab_set *v, const char *actions, size_t alen, const char *drugs, size_t dlen,
                      scrub_diags *dd, scrub_diags *da)
{
	v->ndrugs = v->nactions = 0;
	yaml_node *dr = top(yaml_parse(drugs, dlen, NULL, &v->arena, dd), "drugs", dd);
	for (size_t i = 0; dr && i < dr->n && !dd->errors; i++) {
		if (v->ndrugs == MAX_DRUGS) {
			ERR(dd, dr->items[i], SCRUB_DIAG_LIMIT, "at most %d drugs", MAX_DRUGS);
			break;
		}
		memset(&v->drugs[v->ndrugs], 0, sizeof v->drugs[0]);
		parse_drug(dr->items[i], dr->values[i], dd, &v->drugs[v->ndrugs++]);
	}
	if (dd->errors)
		return false;
	yaml_node *ac = top(yaml_parse(actions, alen, NULL, &v->arena, da), "actions", da);
	for (size_t i = 0; ac && i < ac->n; i++) {
		if (v->nactions == MAX_BUILTIN) {
			ERR(da, ac->items[i], SCRUB_DIAG_LIMIT, "at most %d actions", MAX_BUILTIN);
			break;
		}
		parse_action(v, ac->items[i], ac->values[i], false, da, &v->actions[v->nactions++]);
	}
	if (!da->errors)
		cross_check(v, da);
	return !da->errors;
}

static void load_builtin(void)
{
	scrub_arena_init(&builtin.arena);
	scrub_diags dd, da;
	scrub_diags_init(&dd, "sim/vocabulary/drugs.yaml", vocab_drugs_yaml, vocab_drugs_yaml_len);
	scrub_diags_init(&da, "sim/vocabulary/actions.yaml", vocab_actions_yaml, vocab_actions_yaml_len);
	if (!load_text(&builtin, vocab_actions_yaml, vocab_actions_yaml_len, vocab_drugs_yaml, vocab_drugs_yaml_len, &dd, &da)) {
		scrub_diags_print(&dd, stderr);
		scrub_diags_print(&da, stderr);
		fprintf(stderr, "scrub: the built-in vocabulary (sim/vocabulary) is broken; fix it and rebuild\n");
		abort();
	}
	scrub_diags_fini(&dd);
	scrub_diags_fini(&da);
}

bool vocab_check_text(const char *actions, size_t alen, const char *drugs, size_t dlen, scrub_diags *dd, scrub_diags *da)
{
	vocab_set *v = calloc(1, sizeof *v);
	if (!v)
		return false;
	scrub_arena_init(&v->arena);
	bool ok = load_text(v, actions, alen, drugs, dlen, dd, da);
	scrub_arena_fini(&v->arena);
	free(v);
	return ok;
}

static void ensure(void)
{
	pthread_once(&once, load_builtin);
}

int vocab_drug_count(void)
{
	ensure();
	return builtin.ndrugs;
}

const vocab_drug *vocab_drug_get(int i)
{
	ensure();
	return i >= 0 && i < builtin.ndrugs ? &builtin.drugs[i] : NULL;
}

int vocab_drug_find(const char *s, size_t n)
{
	ensure();
	return find_drug(&builtin, s, n);
}

int vocab_action_count(void)
{
	ensure();
	return builtin.nactions;
}

const act_def *vocab_action_get(int i)
{
	ensure();
	return i >= 0 && i < builtin.nactions ? &builtin.actions[i] : NULL;
}
