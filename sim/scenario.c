#define SCRUB_LOG_MODULE "scenario"
#include "scenario.h"
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

/* Limits for untrusted files. */
#define MAX_FILE_BYTES (1u << 20)
#define MAX_VARS 256
#define MAX_STATES 256
#define MAX_TRANSITIONS 64
#define MAX_EFFECTS 64
#define MAX_ITEMS 512
#define MAX_RUNS 64
#define MAX_LIST 64
#define MAX_DURATION_S (4 * 3600.0)
#define MAX_STEPS 1500000

typedef struct loader {
	scenario *s;
	scrub_arena *a;
	scrub_diags *d;
	const char *base_dir;
	bool no_runs;
} loader;

/* ---- diagnostics helpers ---- */

static int span_of(const yaml_node *n)
{
	if (!n || n->type != YAML_SCALAR || n->style == YAML_BLOCK)
		return 1;
	if (memchr(n->str, '\n', n->len))
		return 1;
	return (int)n->len + (n->style == YAML_QUOTED ? 2 : 0);
}

#define ERR_AT(L, node, code, ...) \
	scrub_diag_add((L)->d, SCRUB_SEV_ERROR, code, (node) ? (node)->line : 0, (node) ? (node)->col : 0, span_of(node), __VA_ARGS__)
#define WARN_AT(L, node, code, ...) \
	scrub_diag_add((L)->d, SCRUB_SEV_WARNING, code, (node) ? (node)->line : 0, (node) ? (node)->col : 0, span_of(node), __VA_ARGS__)

/* The key node for a value in a mapping (to point at "duration:" rather than its value). */
static yaml_node *key_of(yaml_node *map, yaml_node *value)
{
	if (!map || map->type != YAML_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (map->values[i] == value)
			return map->items[i];
	return NULL;
}

/* Reports keys of `map` that were never looked up. */
static void check_fields(loader *L, yaml_node *map, const char *const *allowed, const char *what)
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

static bool expect_type(loader *L, yaml_node *n, yaml_type t, const char *what)
{
	if (n && n->type == t)
		return true;
	static const char *names[] = {"a single value", "a mapping (key: value lines)", "a list"};
	ERR_AT(L, n, SCRUB_DIAG_TYPE, "%s should be %s, but is %s", what, names[t], yaml_type_name(n));
	return false;
}

static const char *get_text(loader *L, yaml_node *map, const char *key, bool required, const char *what)
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

static bool is_name(const char *s)
{
	if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

static bool check_name(loader *L, yaml_node *n, const char *what)
{
	if (is_name(n->str) && n->len <= 64)
		return true;
	ERR_AT(L, n, SCRUB_DIAG_VALUE, "'%s' is not a valid %s: use letters, digits and '_' (start with a letter, at most 64)",
	       n->str, what);
	return false;
}

static bool parse_number(loader *L, yaml_node *n, double *out, const char *what)
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

static bool parse_bool(loader *L, yaml_node *n, bool *out, const char *what)
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

static bool parse_duration(loader *L, yaml_node *n, double *out, const char *what)
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
static bool parse_time_range(loader *L, yaml_node *n, double *lo, double *hi, bool single_is_max, const char *what)
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

static int col_in(const yaml_node *n, size_t off)
{
	return n->col + (n->style == YAML_QUOTED ? 1 : 0) + (int)off;
}

/* ---- variables ---- */

static bool parse_var_value(loader *L, const scn_var *v, yaml_node *n, double *out, const char *what)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return false;
	if (v->is_symbol) {
		for (int i = 0; i < v->nsymbols; i++) {
			if (strcmp(v->symbols[i], n->str) == 0) {
				*out = i;
				return true;
			}
		}
		const char *sug = scrub_suggest(n->str, v->symbols, (size_t)v->nsymbols);
		char list[512] = "";
		size_t l = 0;
		for (int i = 0; i < v->nsymbols && l < sizeof list - 40; i++)
			l += (size_t)snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", v->symbols[i]);
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "'%s' is not a value of '%s'%s%s%s; expected one of: %s", n->str, v->name,
		       sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "", list);
		return false;
	}
	scrub_quantity q;
	int bad;
	size_t used = scrub_quantity_parse(n->str, n->len, &q, &bad);
	if (used == 0 || (used != n->len && bad < 0)) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s should be a number%s%s, found '%s'", what, v->unit ? " in " : "",
		       v->unit ? v->unit->name : "", n->str);
		return false;
	}
	if (bad >= 0) {
		const scrub_unit *su = scrub_unit_suggest(n->str + bad, n->len - (size_t)bad, v->unit ? v->unit->dim : SCRUB_DIM_NONE);
		scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_UNIT, n->line, col_in(n, (size_t)bad), (int)(n->len - (size_t)bad),
		               "unknown unit '%s'%s%s%s", n->str + bad, su ? " (did you mean '" : "", su ? su->name : "", su ? "'?)" : "");
		return false;
	}
	double val = q.value;
	if (q.unit) {
		if (!v->unit || q.unit->dim != v->unit->dim) {
			ERR_AT(L, n, SCRUB_DIAG_UNIT, "unit mismatch: '%s' is %s%s%s%s, but '%s' is %s", v->name,
			       v->unit ? scrub_dim_name(v->unit->dim) : "a plain number", v->unit ? " (" : "",
			       v->unit ? v->unit->name : "", v->unit ? ")" : "", q.unit->name, scrub_dim_name(q.unit->dim));
			return false;
		}
		val = q.value * q.unit->factor / v->unit->factor;
	}
	if (val < v->min || val > v->max) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s: %s is outside %s's range %g..%g%s%s", what, n->str, v->name, v->min,
		       v->max, v->unit ? " " : "", v->unit ? v->unit->name : "");
		return false;
	}
	*out = val;
	return true;
}

static void parse_variables(loader *L, yaml_node *vars)
{
	if (!vars)
		return;
	if (!expect_type(L, vars, YAML_MAP, "'variables'"))
		return;
	if (vars->n > MAX_VARS) {
		ERR_AT(L, vars, SCRUB_DIAG_LIMIT, "%zu variables; a scenario may have at most %d", vars->n, MAX_VARS);
		return;
	}
	scenario *s = L->s;
	s->vars = SCRUB_ARENA_NEW(L->a, scn_var, vars->n + SCN_MODEL_COUNT_ + SCN_TISSUE_COUNT_ + 1);
	for (size_t i = 0; i < vars->n; i++) {
		yaml_node *k = vars->items[i], *v = vars->values[i];
		k->used = true;
		scn_var *var = &s->vars[s->nvars];
		var->name = k->str;
		var->line = k->line;
		var->col = k->col;
		var->min = -INFINITY;
		var->max = INFINITY;
		var->model_field = -1;
		if (!check_name(L, k, "variable name"))
			continue;
		static const char *reserved[] = {"time", "time_in_state", "state", "count", "since", "done", "true",
		                                 "false", "and", "or", "not"};
		bool bad = false;
		for (size_t r = 0; r < sizeof reserved / sizeof *reserved; r++)
			if (strcmp(k->str, reserved[r]) == 0)
				bad = true;
		if (bad) {
			ERR_AT(L, k, SCRUB_DIAG_VALUE, "'%s' is a built-in name in conditions; choose another variable name", k->str);
			continue;
		}
		yaml_node *value_node = v;
		if (v->type == YAML_MAP) {
			value_node = yaml_get(v, "value");
			yaml_node *unit = yaml_get(v, "unit");
			yaml_node *one_of = yaml_get(v, "one_of");
			const char *label = get_text(L, v, "label", false, "variable");
			var->label = label;
			if (unit && expect_type(L, unit, YAML_SCALAR, "'unit'")) {
				var->unit = scrub_unit_find(unit->str, unit->len);
				const scrub_unit *su = var->unit ? NULL : scrub_unit_suggest(unit->str, unit->len, SCRUB_DIM_NONE);
				if (!var->unit)
					ERR_AT(L, unit, SCRUB_DIAG_UNIT, "unknown unit '%s'%s%s%s", unit->str, su ? " (did you mean '" : "", su ? su->name : "", su ? "'?)" : "");
			}
			if (one_of && expect_type(L, one_of, YAML_SEQ, "'one_of'")) {
				if (unit)
					ERR_AT(L, unit, SCRUB_DIAG_VALUE, "a variable with one_of takes words, not a unit");
				if (one_of->n == 0 || one_of->n > MAX_LIST) {
					ERR_AT(L, one_of, SCRUB_DIAG_LIMIT, "one_of needs 1 to %d words", MAX_LIST);
				} else {
					var->is_symbol = true;
					var->symbols = SCRUB_ARENA_NEW(L->a, const char *, one_of->n);
					for (size_t j = 0; j < one_of->n; j++) {
						yaml_node *w = one_of->items[j];
						if (!expect_type(L, w, YAML_SCALAR, "a one_of entry") || !check_name(L, w, "word"))
							continue;
						for (int q = 0; q < var->nsymbols; q++)
							if (strcmp(var->symbols[q], w->str) == 0)
								ERR_AT(L, w, SCRUB_DIAG_DUPLICATE, "'%s' is listed twice", w->str);
						var->symbols[var->nsymbols++] = w->str;
					}
				}
			}
			yaml_node *mn = yaml_get(v, "min"), *mx = yaml_get(v, "max");
			if (mn)
				parse_number(L, mn, &var->min, "'min'");
			if (mx)
				parse_number(L, mx, &var->max, "'max'");
			if (var->min > var->max)
				ERR_AT(L, mn, SCRUB_DIAG_VALUE, "min is above max");
			static const char *fields[] = {"value", "unit", "one_of", "label", "min", "max", NULL};
			check_fields(L, v, fields, "a variable");
			if (!value_node) {
				ERR_AT(L, k, SCRUB_DIAG_MISSING, "variable '%s' needs 'value:' (its value at the start)", k->str);
				s->nvars++;
				continue;
			}
		} else if (v->type == YAML_SCALAR) {
			/* short form: "hr: 120 /min" */
			scrub_quantity q;
			int badu;
			size_t used = scrub_quantity_parse(v->str, v->len, &q, &badu);
			if (used == v->len && badu < 0)
				var->unit = q.unit;
			else if (used == 0 && is_name(v->str)) {
				ERR_AT(L, v, SCRUB_DIAG_TYPE, "'%s' looks like a word; a word variable needs its list of values: "
				       "%s: {value: %s, one_of: [%s, ...]}", v->str, k->str, v->str, v->str);
				s->nvars++;
				continue;
			}
		} else {
			expect_type(L, v, YAML_MAP, "a variable");
			s->nvars++;
			continue;
		}
		parse_var_value(L, var, value_node, &var->init, "the start value");
		for (int q = 0; q < s->nvars; q++)
			if (strcmp(s->vars[q].name, var->name) == 0)
				ERR_AT(L, k, SCRUB_DIAG_DUPLICATE, "variable '%s' is declared twice", var->name);
		s->nvars++;
	}
}

/* ---- action matchers ---- */

/* A numeric constraint: "1 mg", "1 mg ± 0.1 mg", "1 mg +- 0.1", "120..200 J", ">= 150 J", "< 6 cm". */
static bool parse_num_constraint(loader *L, yaml_node *n, const act_param_def *p, scn_constraint *c)
{
	const char *s = n->str;
	size_t len = n->len;
	bool need_unit = p->kind == ACT_PARAM_QUANTITY;
	const scrub_unit *base = need_unit ? scrub_unit_base(p->dim) : NULL;
	size_t i = 0;
	while (i < len && s[i] == ' ')
		i++;
	int cmp = 0; /* 1: >=, 2: >, 3: <=, 4: < */
	if (i + 1 < len && s[i] == '>' && s[i + 1] == '=') { cmp = 1; i += 2; }
	else if (i < len && s[i] == '>') { cmp = 2; i += 1; }
	else if (i + 1 < len && s[i] == '<' && s[i + 1] == '=') { cmp = 3; i += 2; }
	else if (i < len && s[i] == '<') { cmp = 4; i += 1; }

	scrub_quantity q1, q2 = {0}, tol = {0};
	int bad;
	size_t u = scrub_quantity_parse(s + i, len - i, &q1, &bad);
	if (u == 0) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "'%s' for %s: expected a number%s%s, a range (120..200%s%s), a tolerance (1%s ± 0.1%s) or a bound (>= 150%s)",
		       s, p->name, need_unit ? " with its unit, e.g. 1 " : "", need_unit ? base->name : "",
		       need_unit ? " " : "", need_unit ? base->name : "", need_unit ? base->name : "", need_unit ? base->name : "",
		       need_unit ? base->name : "");
		return false;
	}
	if (bad >= 0) {
		const scrub_unit *su = scrub_unit_suggest(s + i + bad, strlen(s + i + bad), p->dim);
		scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_UNIT, n->line, col_in(n, i + (size_t)bad), 1,
		               "unknown unit in '%s'%s%s%s; %s is %s (%s)", s, su ? " (did you mean '" : "", su ? su->name : "", su ? "'?)" : "", p->name, scrub_dim_name(p->dim),
		               scrub_dim_units(p->dim));
		return false;
	}
	i += u;
	int kind = 0; /* 0 exact, 1 range, 2 tolerance */
	if (!cmp && i + 1 < len && s[i] == '.' && s[i + 1] == '.') {
		kind = 1;
		i += 2;
		size_t u2 = scrub_quantity_parse(s + i, len - i, &q2, &bad);
		if (u2 == 0 || bad >= 0) {
			ERR_AT(L, n, SCRUB_DIAG_VALUE, "'%s' for %s: expected a range such as 120..200%s%s", s, p->name,
			       need_unit ? " " : "", need_unit ? base->name : "");
			return false;
		}
		i += u2;
	} else if (!cmp && i < len && (strncmp(s + i, "\xc2\xb1", 2) == 0 || strncmp(s + i, "+-", 2) == 0 || strncmp(s + i, "+/-", 3) == 0)) {
		kind = 2;
		i += strncmp(s + i, "+/-", 3) == 0 ? 3 : 2;
		size_t u2 = scrub_quantity_parse(s + i, len - i, &tol, &bad);
		if (u2 == 0 || bad >= 0 || tol.value < 0) {
			ERR_AT(L, n, SCRUB_DIAG_VALUE, "'%s' for %s: expected a tolerance such as 1%s%s ± 0.1%s%s", s, p->name,
			       need_unit ? " " : "", need_unit ? base->name : "", need_unit ? " " : "", need_unit ? base->name : "");
			return false;
		}
		i += u2;
	}
	if (i != len) {
		scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_VALUE, n->line, col_in(n, i), (int)(len - i),
		               "unexpected '%s' in the value of %s", s + i, p->name);
		return false;
	}
	/* units: the last written unit applies to numbers written without one */
	const scrub_unit *unit = kind == 1 && q2.unit ? q2.unit : q1.unit;
	if (kind == 1 && q1.unit && q2.unit && q1.unit->dim != q2.unit->dim) {
		ERR_AT(L, n, SCRUB_DIAG_UNIT, "'%s': the two ends of the range have different kinds of unit", s);
		return false;
	}
	if (kind == 2 && tol.unit && unit && tol.unit->dim != unit->dim) {
		ERR_AT(L, n, SCRUB_DIAG_UNIT, "'%s': the tolerance's unit does not match the value's", s);
		return false;
	}
	/* a dose per kilogram of the patient's weight (1..1.5 mg/kg): turned into mg for this patient */
	if (need_unit && unit && scrub_dim_without_kg(unit->dim) == p->dim && p->dim != SCRUB_DIM_NONE) {
		if (!(L->s->patient_weight > 0)) {
			ERR_AT(L, n, SCRUB_DIAG_UNIT, "'%s' is a dose per kg: give the patient's weight (patient: weight: 70 kg)", s);
			return false;
		}
		scrub_quantity *qs[3] = {&q1, kind == 1 ? &q2 : NULL, kind == 2 ? &tol : NULL};
		for (int k = 0; k < 3; k++) {
			if (!qs[k])
				continue;
			if (qs[k]->unit && qs[k]->unit->dim != unit->dim) {
				ERR_AT(L, n, SCRUB_DIAG_UNIT, "'%s': write every part per kg (mg/kg), or none", s);
				return false;
			}
			qs[k]->value *= L->s->patient_weight * (qs[k]->unit ? qs[k]->unit->factor : unit->factor);
			qs[k]->unit = NULL;
		}
		unit = scrub_unit_base(p->dim);
	}
	if (need_unit) {
		if (!unit) {
			ERR_AT(L, n, SCRUB_DIAG_UNIT, "write the unit of %s: '%s %s' (%s is %s: %s)", p->name, s, base->name,
			       p->name, scrub_dim_name(p->dim), scrub_dim_units(p->dim));
			return false;
		}
		if (unit->dim != p->dim) {
			ERR_AT(L, n, SCRUB_DIAG_UNIT, "unit mismatch: %s is %s (%s), but '%s' is %s", p->name,
			       scrub_dim_name(p->dim), scrub_dim_units(p->dim), unit->name, scrub_dim_name(unit->dim));
			return false;
		}
	} else if (unit) {
		ERR_AT(L, n, SCRUB_DIAG_UNIT, "%s is a plain count; remove the unit '%s'", p->name, unit->name);
		return false;
	}
	double f = unit ? unit->factor : 1.0;
	double a = q1.value * (q1.unit ? q1.unit->factor : f);
	double eps = 1e-9 * (fabs(a) > 1 ? fabs(a) : 1);
	switch (cmp) {
	case 1: c->lo = a; c->hi = INFINITY; break;
	case 2: c->lo = a + eps; c->hi = INFINITY; break;
	case 3: c->lo = -INFINITY; c->hi = a; break;
	case 4: c->lo = -INFINITY; c->hi = a - eps; break;
	default:
		if (kind == 1) {
			c->lo = a;
			c->hi = q2.value * f;
			if (c->lo > c->hi) {
				ERR_AT(L, n, SCRUB_DIAG_VALUE, "'%s': the range starts above where it ends", s);
				return false;
			}
		} else if (kind == 2) {
			double t = tol.value * (tol.unit ? tol.unit->factor : f);
			c->lo = a - t;
			c->hi = a + t;
		} else {
			c->lo = a - eps;
			c->hi = a + eps;
		}
	}
	if (c->hi < p->min || c->lo > p->max) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "'%s' can never match: %s accepts %g..%g%s%s", s, p->name, p->min, p->max,
		       base ? " " : "", base ? base->name : "");
		return false;
	}
	return true;
}

static bool parse_constraint(loader *L, const act_def *def, yaml_node *key, yaml_node *val, scn_match *m)
{
	int pi = act_param_find(def, key->str, key->len);
	if (pi < 0) {
		const char *cands[ACT_MAX_PARAMS];
		size_t nc = 0;
		char list[256] = "";
		size_t l = 0;
		for (int k = 0; k < ACT_MAX_PARAMS && def->params[k].name; k++) {
			cands[nc++] = def->params[k].name;
			l += (size_t)snprintf(list + l, sizeof list - l, "%s%s", k ? ", " : "", def->params[k].name);
		}
		const char *sug = scrub_suggest(key->str, cands, nc);
		ERR_AT(L, key, SCRUB_DIAG_UNKNOWN_NAME, "%s has no parameter '%s'%s%s%s%s%s", def->name, key->str,
		       sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "", nc ? "; it takes: " : " (it takes none)", list);
		return false;
	}
	const act_param_def *p = &def->params[pi];
	for (int k = 0; k < m->n; k++) {
		if (m->c[k].param == pi) {
			ERR_AT(L, key, SCRUB_DIAG_DUPLICATE, "%s is constrained twice", p->name);
			return false;
		}
	}
	scn_constraint c = {.param = pi};
	switch (p->kind) {
	case ACT_PARAM_TEXT:
		ERR_AT(L, key, SCRUB_DIAG_VALUE, "%s is free text and cannot be matched on", p->name);
		return false;
	case ACT_PARAM_SYMBOL: {
		c.is_symbol = true;
		yaml_node *one = val;
		size_t cnt = val->type == YAML_SEQ ? val->n : 1;
		if (val->type == YAML_MAP) {
			expect_type(L, val, YAML_SCALAR, p->name);
			return false;
		}
		bool ok = true;
		for (size_t j = 0; j < cnt; j++) {
			one = val->type == YAML_SEQ ? val->items[j] : val;
			if (!expect_type(L, one, YAML_SCALAR, p->name)) {
				ok = false;
				continue;
			}
			act_value av = {0};
			char why[1024];
			const char *w = script_parse_value(p, one->str, one->len, L->a, &av, why, sizeof why);
			if (w) {
				ERR_AT(L, one, SCRUB_DIAG_VALUE, "%s", w);
				ok = false;
				continue;
			}
			c.symbols |= 1ull << av.sym;
		}
		if (!ok)
			return false;
		break;
	}
	case ACT_PARAM_QUANTITY:
	case ACT_PARAM_COUNT:
		if (!expect_type(L, val, YAML_SCALAR, p->name))
			return false;
		if (!parse_num_constraint(L, val, p, &c))
			return false;
		break;
	}
	m->c[m->n++] = c;
	return true;
}

/* `on:` / `do:` / `forbid:` value: an action name or {action: name, param: constraint...};
 * `with` (may be NULL) adds constraints. */
static bool parse_match(loader *L, yaml_node *v, yaml_node *with, scn_match *m)
{
	yaml_node *name = v;
	if (v->type == YAML_MAP) {
		name = yaml_get(v, "action");
		if (!name) {
			ERR_AT(L, v->n ? v->items[0] : v, SCRUB_DIAG_MISSING, "an action written as a mapping needs 'action:' (its name)");
			return false;
		}
	}
	m->delivered = m->effective = -1;
	if (!expect_type(L, name, YAML_SCALAR, "an action name"))
		return false;
	m->line = name->line;
	m->col = name->col;
	m->action = actions_find_in(&L->s->actions, name->str, name->len);
	if (m->action == ACT_NONE && actions_declared_broken(&L->s->actions, name->str, name->len))
		return false; /* its declaration's errors are reported */
	if (m->action == ACT_NONE) {
		const char *sug = actions_suggest(&L->s->actions, name->str);
		ERR_AT(L, name, SCRUB_DIAG_UNKNOWN_NAME, "unknown action '%s'%s%s%s (run 'scrub list actions' for the full list)", name->str,
		       sug ? "; did you mean '" : "", sug ? sug : "", sug ? "'?" : "");
		return false;
	}
	const act_def *def = actions_get(m->action);
	bool ok = true;
	for (int pass = 0; pass < 2; pass++) {
		yaml_node *map = pass == 0 ? (v->type == YAML_MAP ? v : NULL) : with;
		if (!map)
			continue;
		if (!expect_type(L, map, YAML_MAP, "'with'")) {
			ok = false;
			continue;
		}
		for (size_t i = 0; i < map->n; i++) {
			yaml_node *k = map->items[i];
			if (pass == 0 && strcmp(k->str, "action") == 0)
				continue;
			k->used = true;
			if (strcmp(k->str, "delivered") == 0 || strcmp(k->str, "effective") == 0) {
				/* the patient model's judgement of the action (docs: "What the patient model judges") */
				bool b;
				if (parse_bool(L, map->values[i], &b, k->str[0] == 'd' ? "'delivered'" : "'effective'"))
					*(k->str[0] == 'd' ? &m->delivered : &m->effective) = b;
				else
					ok = false;
				continue;
			}
			ok = parse_constraint(L, def, k, map->values[i], m) && ok;
		}
	}
	return ok;
}

/* ---- effects ---- */

static void parse_effects(loader *L, yaml_node *set, yaml_node *trend, scn_effects *fx)
{
	size_t total = (set && set->type == YAML_MAP ? set->n : 0) + (trend && trend->type == YAML_MAP ? trend->n : 0);
	if (set && !expect_type(L, set, YAML_MAP, "'set'"))
		set = NULL;
	if (trend && !expect_type(L, trend, YAML_MAP, "'trend'"))
		trend = NULL;
	if (total == 0)
		return;
	if (total > MAX_EFFECTS) {
		ERR_AT(L, set ? set : trend, SCRUB_DIAG_LIMIT, "more than %d effects in one place", MAX_EFFECTS);
		return;
	}
	fx->v = SCRUB_ARENA_NEW(L->a, scn_effect, total);
	for (int pass = 0; pass < 2; pass++) {
		yaml_node *map = pass ? trend : set;
		if (!map)
			continue;
		for (size_t i = 0; i < map->n; i++) {
			yaml_node *k = map->items[i], *v = map->values[i];
			k->used = true;
			int vi = scenario_find_var(L->s, k->str, k->len);
			if (vi < 0) {
				const char *c[MAX_VARS];
				for (int q = 0; q < L->s->nvars; q++)
					c[q] = L->s->vars[q].name;
				const char *sug = scrub_suggest(k->str, c, (size_t)L->s->nvars);
				ERR_AT(L, k, SCRUB_DIAG_UNKNOWN_NAME, "unknown variable '%s'%s%s%s; declare it under variables:", k->str,
				       sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
				continue;
			}
			const scn_var *var = &L->s->vars[vi];
			scn_effect e = {.kind = pass ? SCN_TREND : SCN_SET, .var = vi};
			if (var->model_field >= 0 && !(var->model_field == SCN_MODEL_RHYTHM && !pass)) {
				if (var->model_field >= SCN_TISSUE_FIELD_BASE)
					ERR_AT(L, k, SCRUB_DIAG_VALUE, "'%s' comes from the tissue and cannot be %s; it follows what the instruments do",
					       k->str, pass ? "trended" : "set");
				else
					ERR_AT(L, k, SCRUB_DIAG_VALUE, "'%s' comes from the patient model and cannot be %s; the model answers "
					       "interventions (and only its rhythm can be set by the scenario)", k->str, pass ? "trended" : "set");
				continue;
			}
			if (!pass) {
				if (!parse_var_value(L, var, v, &e.value, "the value"))
					continue;
			} else {
				if (var->is_symbol) {
					ERR_AT(L, k, SCRUB_DIAG_VALUE, "'%s' takes words; a trend needs a number (use set:)", k->str);
					continue;
				}
				yaml_node *to = NULL, *over = NULL;
				if (v->type == YAML_MAP) {
					to = yaml_get(v, "to");
					over = yaml_get(v, "over");
					static const char *f[] = {"to", "over", NULL};
					check_fields(L, v, f, "a trend");
					if (!to || !over) {
						ERR_AT(L, k, SCRUB_DIAG_MISSING, "a trend needs 'to:' and 'over:', e.g. %s: {to: 60, over: 5 min}", k->str);
						continue;
					}
					if (!parse_var_value(L, var, to, &e.value, "the trend's target") ||
					    !parse_duration(L, over, &e.over_s, "'over'"))
						continue;
				} else if (v->type == YAML_SCALAR) {
					/* "60 over 5 min" */
					const char *o = strstr(v->str, " over ");
					if (!o) {
						ERR_AT(L, v, SCRUB_DIAG_VALUE, "a trend is written 'TARGET over DURATION', e.g. '60 over 5 min'");
						continue;
					}
					yaml_node tn = *v, on = *v;
					tn.len = (size_t)(o - v->str);
					tn.str = scrub_arena_strndup(L->a, v->str, tn.len);
					on.str = o + 6;
					on.len = v->len - tn.len - 6;
					on.col = col_in(v, tn.len + 6);
					on.style = YAML_PLAIN;
					if (!parse_var_value(L, var, &tn, &e.value, "the trend's target") ||
					    !parse_duration(L, &on, &e.over_s, "the trend's duration"))
						continue;
				} else {
					expect_type(L, v, YAML_MAP, "a trend");
					continue;
				}
				if (e.over_s <= 0) {
					ERR_AT(L, v, SCRUB_DIAG_VALUE, "a trend must last longer than 0 s (use set: for an instant change)");
					continue;
				}
			}
			fx->v[fx->n++] = e;
		}
	}
}

/* ---- states ---- */

static int find_state_node(loader *L, yaml_node *n, const char *what)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return -1;
	int s = scenario_find_state(L->s, n->str);
	if (s < 0) {
		const char *c[MAX_STATES];
		for (int i = 0; i < L->s->nstates; i++)
			c[i] = L->s->states[i].name;
		const char *sug = scrub_suggest(n->str, c, (size_t)L->s->nstates);
		char list[400];
		scrub_list_words(list, sizeof list, c, (size_t)L->s->nstates);
		if (sug)
			ERR_AT(L, n, SCRUB_DIAG_UNKNOWN_NAME, "unknown state '%s' (did you mean '%s'?)", n->str, sug);
		else
			ERR_AT(L, n, SCRUB_DIAG_UNKNOWN_NAME, "unknown state '%s'; the states are: %s", n->str, list);
	}
	return s;
}

static expr_prog *compile(loader *L, yaml_node *n, const char *what)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return NULL;
	return expr_compile(n->str, n->len, n->line, col_in(n, 0), L->s, L->a, L->d);
}

static void parse_transition(loader *L, scn_state *st, yaml_node *t, scn_transition *tr)
{
	tr->line = t->line;
	tr->col = t->col;
	tr->to = -1;
	if (!expect_type(L, t, YAML_MAP, "a transition"))
		return;
	yaml_node *on = yaml_get(t, "on"), *when = yaml_get(t, "when"), *after = yaml_get(t, "after");
	yaml_node *with = yaml_get(t, "with"), *iff = yaml_get(t, "if"), *to = yaml_get(t, "to");
	yaml_node *set = yaml_get(t, "set"), *trend = yaml_get(t, "trend");
	yaml_node *label = yaml_get(t, "note");
	(void)label;
	int triggers = (on != NULL) + (when != NULL) + (after != NULL);
	if (triggers != 1) {
		ERR_AT(L, t->n ? t->items[0] : t, SCRUB_DIAG_MISSING,
		       triggers ? "a transition has exactly one of 'on:' (an action), 'when:' (a condition) or 'after:' (time in state); this one has %d"
		                : "a transition needs one of 'on:' (an action), 'when:' (a condition) or 'after:' (time in state)%.0d",
		       triggers);
	}
	if (on) {
		tr->trigger = SCN_ON_ACTION;
		parse_match(L, on, with, &tr->match);
		if (iff)
			tr->guard = compile(L, iff, "'if'");
	} else {
		if (with)
			ERR_AT(L, key_of(t, with), SCRUB_DIAG_VALUE, "'with:' belongs to 'on:' (an action)");
		if (iff)
			ERR_AT(L, key_of(t, iff), SCRUB_DIAG_VALUE, "'if:' belongs to 'on:'; with 'when:' write one condition");
	}
	if (when) {
		tr->trigger = SCN_WHEN;
		tr->guard = compile(L, when, "'when'");
	}
	if (after) {
		tr->trigger = SCN_AFTER;
		parse_duration(L, after, &tr->after_s, "'after'");
	}
	if (to)
		tr->to = find_state_node(L, to, "'to'");
	parse_effects(L, set, trend, &tr->effects);
	if (!to && !set && !trend)
		ERR_AT(L, t->n ? t->items[0] : t, SCRUB_DIAG_MISSING, "a transition needs 'to:' (the next state) or effects (set:, trend:)");
	if (to && tr->to >= 0 && &L->s->states[tr->to] == st && tr->trigger != SCN_ON_ACTION)
		WARN_AT(L, to, SCRUB_DIAG_SUSPICIOUS, "this transition re-enters its own state; it will fire again and again");
	static const char *fields[] = {"on", "with", "if", "when", "after", "to", "set", "trend", "note", NULL};
	check_fields(L, t, fields, "a transition");
}

static void collect_states(loader *L, yaml_node *states)
{
	scenario *s = L->s;
	if (!states || !expect_type(L, states, YAML_MAP, "'states'"))
		return;
	if (states->n > MAX_STATES) {
		ERR_AT(L, states, SCRUB_DIAG_LIMIT, "%zu states; a scenario may have at most %d", states->n, MAX_STATES);
		return;
	}
	s->states = SCRUB_ARENA_NEW(L->a, scn_state, states->n + 1);
	for (size_t i = 0; i < states->n; i++) {
		yaml_node *k = states->items[i];
		k->used = true;
		check_name(L, k, "state name");
		scn_state *st = &s->states[s->nstates++];
		st->name = k->str;
		st->line = k->line;
		st->col = k->col;
	}
}

static void parse_states(loader *L, yaml_node *states)
{
	scenario *s = L->s;
	if (!states || states->type != YAML_MAP || !s->states)
		return;
	for (size_t i = 0; i < states->n; i++) {
		yaml_node *v = states->values[i];
		scn_state *st = &s->states[i];
		if (v->type == YAML_SCALAR && v->len == 0) {
			ERR_AT(L, states->items[i], SCRUB_DIAG_MISSING, "state '%s' is empty; give it a description and transitions, or end: ...", st->name);
			continue;
		}
		if (!expect_type(L, v, YAML_MAP, "a state"))
			continue;
		st->description = get_text(L, v, "description", false, "a state");
		yaml_node *on_enter = yaml_get(v, "on_enter");
		if (on_enter && expect_type(L, on_enter, YAML_MAP, "'on_enter'")) {
			parse_effects(L, yaml_get(on_enter, "set"), yaml_get(on_enter, "trend"), &st->on_enter);
			static const char *f[] = {"set", "trend", NULL};
			check_fields(L, on_enter, f, "on_enter");
		}
		yaml_node *jt = yaml_get(v, "jump_target");
		if (jt)
			parse_bool(L, jt, &st->jump_target, "'jump_target'");
		yaml_node *end = yaml_get(v, "end");
		if (end) {
			st->is_end = true;
			if (end->type == YAML_MAP) {
				st->outcome = get_text(L, end, "outcome", true, "'end'");
				static const char *f[] = {"outcome", NULL};
				check_fields(L, end, f, "'end'");
			} else if (end->type == YAML_SCALAR && end->len) {
				st->outcome = end->str;
			} else {
				ERR_AT(L, end, SCRUB_DIAG_TYPE, "'end' should name the outcome, e.g. end: rosc");
			}
			if (st->outcome && !is_name(st->outcome))
				ERR_AT(L, end, SCRUB_DIAG_VALUE, "an outcome is one word (letters, digits, '_'), found '%s'", st->outcome);
		}
		yaml_node *trs = yaml_get(v, "transitions");
		if (trs && expect_type(L, trs, YAML_SEQ, "'transitions'")) {
			if (st->is_end && trs->n)
				ERR_AT(L, trs, SCRUB_DIAG_VALUE, "an end state has no transitions: the scenario stops here");
			else if (trs->n > MAX_TRANSITIONS)
				ERR_AT(L, trs, SCRUB_DIAG_LIMIT, "more than %d transitions in one state", MAX_TRANSITIONS);
			else {
				st->transitions = SCRUB_ARENA_NEW(L->a, scn_transition, trs->n + 1);
				for (size_t j = 0; j < trs->n; j++)
					parse_transition(L, st, trs->items[j], &st->transitions[st->ntransitions++]);
			}
		}
		static const char *fields[] = {"description", "on_enter", "transitions", "jump_target", "end", NULL};
		check_fields(L, v, fields, "a state");
	}
}

/* ---- checklist ---- */

static void collect_items(loader *L, yaml_node *items)
{
	scn_checklist *c = &L->s->checklist;
	if (items->n > MAX_ITEMS) {
		ERR_AT(L, items, SCRUB_DIAG_LIMIT, "%zu checklist items; a scenario may have at most %d", items->n, MAX_ITEMS);
		return;
	}
	c->items = SCRUB_ARENA_NEW(L->a, scn_item, items->n + 1);
	for (size_t i = 0; i < items->n; i++) {
		scn_item *it = &c->items[c->n++];
		yaml_node *n = items->items[i];
		it->line = n->line;
		it->col = n->col;
		it->id = "";
		if (n->type != YAML_MAP)
			continue;
		yaml_node *id = yaml_get(n, "id");
		if (!id) {
			ERR_AT(L, n->n ? n->items[0] : n, SCRUB_DIAG_MISSING, "a checklist item needs 'id:' (a short name used in reports and in after:)");
			continue;
		}
		if (!expect_type(L, id, YAML_SCALAR, "'id'") || !check_name(L, id, "item id"))
			continue;
		it->id = id->str;
		it->line = id->line;
		it->col = id->col;
		for (int j = 0; j < c->n - 1; j++)
			if (strcmp(c->items[j].id, it->id) == 0)
				ERR_AT(L, id, SCRUB_DIAG_DUPLICATE, "checklist item '%s' is defined twice (first at line %d)", it->id, c->items[j].line);
	}
}

static int find_item_node(loader *L, yaml_node *n, const char *what)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return -1;
	int k = scenario_find_item(L->s, n->str);
	if (k < 0) {
		const char *c[MAX_ITEMS];
		for (int i = 0; i < L->s->checklist.n; i++)
			c[i] = L->s->checklist.items[i].id;
		const char *sug = scrub_suggest(n->str, c, (size_t)L->s->checklist.n);
		char list[400];
		scrub_list_words(list, sizeof list, c, (size_t)L->s->checklist.n);
		if (sug)
			ERR_AT(L, n, SCRUB_DIAG_UNKNOWN_NAME, "unknown checklist item '%s' (did you mean '%s'?)", n->str, sug);
		else
			ERR_AT(L, n, SCRUB_DIAG_UNKNOWN_NAME, "unknown checklist item '%s'; the items are: %s", n->str, list);
	}
	return k;
}

/* `ref:` names one of the scenario's references. */
static const char *parse_ref(loader *L, yaml_node *ref)
{
	if (!ref || !expect_type(L, ref, YAML_SCALAR, "'ref'"))
		return NULL;
	bool found = false;
	const char *c[64];
	size_t nc = 0;
	for (int r = 0; r < L->s->nreferences; r++) {
		if (strcmp(L->s->references[r].id, ref->str) == 0)
			found = true;
		if (nc < 64)
			c[nc++] = L->s->references[r].id;
	}
	if (!found) {
		const char *sug = scrub_suggest(ref->str, c, nc);
		ERR_AT(L, ref, SCRUB_DIAG_UNKNOWN_NAME, "unknown reference '%s'%s%s%s; list it under references:", ref->str,
		       sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
	}
	return ref->str;
}

static void parse_item(loader *L, yaml_node *n, scn_item *it, double default_partial)
{
	it->points = 1;
	it->partial = default_partial;
	it->anchor = SCN_FROM_START;
	it->while_state = -1;
	it->reach_state = -1;
	if (!expect_type(L, n, YAML_MAP, "a checklist item"))
		return;
	yaml_node *idn = yaml_get(n, "id");
	(void)idn;
	it->text = get_text(L, n, "text", true, "a checklist item");
	yaml_node *do_ = yaml_get(n, "do"), *forbid = yaml_get(n, "forbid"), *reach = yaml_get(n, "reach");
	yaml_node *checkn = yaml_get(n, "check");
	yaml_node *with = yaml_get(n, "with");
	int kinds = (do_ != NULL) + (forbid != NULL) + (reach != NULL) + (checkn != NULL);
	if (kinds != 1)
		ERR_AT(L, idn ? idn : n, SCRUB_DIAG_MISSING,
		       "checklist item '%s' needs exactly one of 'do:' (an expected action), 'forbid:' (an action that must not happen), "
		       "'reach:' (a state) or 'check:' (a condition that must hold at the end)",
		       it->id);
	if (checkn && kinds == 1) {
		it->kind = SCN_ITEM_CHECK;
		it->check = compile(L, checkn, "'check'");
		if (with)
			ERR_AT(L, key_of(n, with), SCRUB_DIAG_VALUE, "'with:' belongs to 'do:' or 'forbid:'");
	}
	if (do_ || forbid) {
		it->kind = do_ ? SCN_ITEM_DO : SCN_ITEM_FORBID;
		yaml_node *m = do_ ? do_ : forbid;
		if (m->type == YAML_SEQ) {
			/* alternatives: any one of the listed forms meets the item */
			if (m->n == 0 || m->n > MAX_LIST) {
				ERR_AT(L, m, SCRUB_DIAG_VALUE, "a list of accepted actions has 1 to %d entries", MAX_LIST);
			} else {
				if (with)
					ERR_AT(L, key_of(n, with), SCRUB_DIAG_VALUE,
					       "'with:' cannot go with a list of alternatives: write the parameters in each one");
				parse_match(L, m->items[0], NULL, &it->match);
				it->alts = SCRUB_ARENA_NEW(L->a, scn_match, m->n);
				for (size_t j = 1; j < m->n; j++)
					parse_match(L, m->items[j], NULL, &it->alts[it->nalts++]);
			}
		} else {
			parse_match(L, m, with, &it->match);
		}
	} else if (reach) {
		it->kind = SCN_ITEM_REACH;
		it->reach_state = find_state_node(L, reach, "'reach'");
		if (with)
			ERR_AT(L, key_of(n, with), SCRUB_DIAG_VALUE, "'with:' belongs to 'do:' or 'forbid:'");
	}
	yaml_node *iff = yaml_get(n, "if");
	if (iff)
		it->guard = compile(L, iff, "'if'");
	yaml_node *after = yaml_get(n, "after");
	if (after && it->kind == SCN_ITEM_FORBID) {
		ERR_AT(L, key_of(n, after), SCRUB_DIAG_VALUE, "'after:' orders expected actions; a forbidden action is forbidden whenever it happens "
		       "(limit it with if:, e.g. if: done(other_item))");
		after = NULL;
	}
	if (after) {
		size_t cnt = after->type == YAML_SEQ ? after->n : 1;
		if (after->type == YAML_MAP) {
			expect_type(L, after, YAML_SEQ, "'after'");
			cnt = 0;
		}
		it->after = SCRUB_ARENA_NEW(L->a, int, cnt + 1);
		for (size_t j = 0; j < cnt; j++) {
			yaml_node *a = after->type == YAML_SEQ ? after->items[j] : after;
			int k = find_item_node(L, a, "'after'");
			if (k < 0)
				continue;
			if (strcmp(L->s->checklist.items[k].id, it->id) == 0) {
				ERR_AT(L, a, SCRUB_DIAG_CYCLE, "item '%s' cannot come after itself", it->id);
				continue;
			}
			it->after[it->nafter++] = k;
		}
	}
	yaml_node *within = yaml_get(n, "within");
	if (within) {
		it->has_window = parse_time_range(L, within, &it->win_lo, &it->win_hi, true, "'within'");
	}
	yaml_node *from = yaml_get(n, "from");
	if (from && expect_type(L, from, YAML_SCALAR, "'from'")) {
		if (!within)
			ERR_AT(L, key_of(n, from), SCRUB_DIAG_VALUE, "'from:' sets where 'within:' counts from; add within:");
		if (strcmp(from->str, "start") == 0) {
			it->anchor = SCN_FROM_START;
		} else if (strncmp(from->str, "state ", 6) == 0 || strncmp(from->str, "item ", 5) == 0) {
			bool st = from->str[0] == 's';
			size_t off = st ? 6 : 5;
			yaml_node sub = *from;
			sub.str = from->str + off;
			sub.len = from->len - off;
			sub.col = col_in(from, off);
			sub.style = YAML_PLAIN;
			if (st) {
				it->anchor = SCN_FROM_STATE;
				it->anchor_ref = find_state_node(L, &sub, "'from'");
			} else {
				it->anchor = SCN_FROM_ITEM;
				it->anchor_ref = find_item_node(L, &sub, "'from'");
				if (it->anchor_ref >= 0 && strcmp(L->s->checklist.items[it->anchor_ref].id, it->id) == 0)
					ERR_AT(L, from, SCRUB_DIAG_WINDOW, "an item cannot be timed from itself");
			}
			if (it->anchor_ref < 0)
				it->has_window = false;
		} else {
			ERR_AT(L, from, SCRUB_DIAG_VALUE, "'from: %s': expected 'start', 'state NAME' or 'item ID'", from->str);
		}
	}
	yaml_node *every = yaml_get(n, "every"), *while_in = yaml_get(n, "while_in");
	if (every) {
		if (it->kind != SCN_ITEM_DO)
			ERR_AT(L, key_of(n, every), SCRUB_DIAG_VALUE, "'every:' is for repeated expected actions (do:)");
		/* "every: 3..5 min" is a range; "every: 5 min" means at most 5 min apart */
		it->repeat = parse_time_range(L, every, &it->every_lo, &it->every_hi, true, "'every'");
		if (it->repeat && it->every_hi <= 0) {
			ERR_AT(L, every, SCRUB_DIAG_WINDOW, "'every' must be longer than 0 s");
			it->repeat = false;
		}
	}
	if (while_in) {
		if (!every)
			ERR_AT(L, key_of(n, while_in), SCRUB_DIAG_VALUE, "'while_in:' goes with 'every:' (a repeated action)");
		it->while_state = find_state_node(L, while_in, "'while_in'");
	}
	yaml_node *each = yaml_get(n, "each");
	if (each && parse_bool(L, each, &it->each, "'each'") && it->each && it->kind != SCN_ITEM_DO)
		ERR_AT(L, key_of(n, each), SCRUB_DIAG_VALUE, "'each:' is for expected actions (do:): every occurrence must meet the item");
	if (it->kind == SCN_ITEM_CHECK) {
		static const char *timing[] = {"after", "within", "from", "every", "while_in", "if"};
		for (size_t k = 0; k < sizeof timing / sizeof timing[0]; k++) {
			yaml_node *x = yaml_get(n, timing[k]);
			if (x)
				ERR_AT(L, key_of(n, x), SCRUB_DIAG_VALUE, "'%s:' does not apply to a check: item (it is decided when the session ends)", timing[k]);
		}
	}
	yaml_node *pts = yaml_get(n, "points"), *pen = yaml_get(n, "penalty"), *crit = yaml_get(n, "critical");
	yaml_node *part = yaml_get(n, "partial_credit");
	if (pts && parse_number(L, pts, &it->points, "'points'") && (it->points < 0 || it->points > 1000))
		ERR_AT(L, pts, SCRUB_DIAG_VALUE, "points must be between 0 and 1000");
	if (pen && parse_number(L, pen, &it->penalty, "'penalty'") && (it->penalty < 0 || it->penalty > 100))
		ERR_AT(L, pen, SCRUB_DIAG_VALUE, "a penalty is between 0 and 100 (percentage points of the score)");
	if (pen && it->kind != SCN_ITEM_FORBID)
		ERR_AT(L, key_of(n, pen), SCRUB_DIAG_VALUE, "a penalty applies to forbid: items (an action that must not happen)");
	if (crit)
		parse_bool(L, crit, &it->critical, "'critical'");
	if (part && parse_number(L, part, &it->partial, "'partial_credit'") && (it->partial < 0 || it->partial > 1))
		ERR_AT(L, part, SCRUB_DIAG_VALUE, "partial_credit is a share between 0 and 1");
	it->reference = parse_ref(L, yaml_get(n, "ref"));
	if (!it->critical && it->points == 0 && it->penalty == 0 && kinds == 1)
		WARN_AT(L, idn ? idn : n, SCRUB_DIAG_SUSPICIOUS, "item '%s' has no points, no penalty and is not critical: it counts for nothing", it->id);
	static const char *fields[] = {"id", "text", "do", "forbid", "reach", "check", "with", "each", "if", "after", "within", "from",
	                               "every", "while_in", "points", "penalty", "critical", "partial_credit", "ref", NULL};
	check_fields(L, n, fields, "a checklist item");
}

static void parse_checklist_head(loader *L, yaml_node *cl, double *partial)
{
	scn_checklist *c = &L->s->checklist;
	*partial = 0.5;
	c->all_critical = true;
	c->feedback = "end";
	yaml_node *pass = yaml_get(cl, "pass");
	if (!pass) {
		ERR_AT(L, cl->n ? cl->items[0] : cl, SCRUB_DIAG_MISSING, "the checklist needs a pass rule: pass: {score: 80, all_critical: true}");
	} else if (expect_type(L, pass, YAML_MAP, "'pass'")) {
		yaml_node *sc = yaml_get(pass, "score"), *ac = yaml_get(pass, "all_critical");
		if (!sc)
			ERR_AT(L, key_of(cl, pass), SCRUB_DIAG_MISSING, "the pass rule needs 'score:' (the pass mark, 0 to 100)");
		else if (parse_number(L, sc, &c->pass_score, "'score'") && (c->pass_score < 0 || c->pass_score > 100))
			ERR_AT(L, sc, SCRUB_DIAG_VALUE, "the pass mark is between 0 and 100");
		if (ac)
			parse_bool(L, ac, &c->all_critical, "'all_critical'");
		static const char *f[] = {"score", "all_critical", NULL};
		check_fields(L, pass, f, "the pass rule");
	}
	yaml_node *part = yaml_get(cl, "partial_credit");
	if (part && parse_number(L, part, partial, "'partial_credit'") && (*partial < 0 || *partial > 1))
		ERR_AT(L, part, SCRUB_DIAG_VALUE, "partial_credit is a share between 0 and 1");
	yaml_node *fb = yaml_get(cl, "feedback");
	if (fb && expect_type(L, fb, YAML_SCALAR, "'feedback'")) {
		if (strcmp(fb->str, "live") && strcmp(fb->str, "end") && strcmp(fb->str, "none"))
			ERR_AT(L, fb, SCRUB_DIAG_VALUE, "feedback is live, end or none, found '%s'", fb->str);
		else
			c->feedback = fb->str;
	}
}

/* ---- model runs ---- */

static bool path_inside(const char *base, const char *rel, char *out, size_t size)
{
	if (rel[0] == '/' || strstr(rel, ".."))
		return false;
	snprintf(out, size, "%s/%s", base, rel);
	char rb[PATH_MAX], rp[PATH_MAX];
	if (!realpath(base, rb) || !realpath(out, rp))
		return true; /* missing file: reported by the reader */
	size_t bl = strlen(rb);
	return strncmp(rb, rp, bl) == 0 && (rp[bl] == '/' || rp[bl] == '\0');
}

static void parse_actions_node(loader *L, yaml_node *an, scn_model_run *r)
{
	scenario *s = L->s;
	if (an->type == YAML_SEQ) {
		r->actions = SCRUB_ARENA_NEW(L->a, sim_action, an->n + 1);
		double last = 0;
		for (size_t j = 0; j < an->n; j++) {
			yaml_node *ln = an->items[j];
			if (!expect_type(L, ln, YAML_SCALAR, "an action line"))
				continue;
			sim_action a = {0};
			scrub_result res = script_parse_line(ln->str, ln->len, NULL, ln->line, col_in(ln, 0), &L->s->actions, L->a, L->d, &a);
			if (res == SCRUB_OK) {
				if (a.t < last)
					ERR_AT(L, ln, SCRUB_DIAG_ACTIONS, "this action's time is before the previous one's; actions must be in time order");
				last = a.t;
				r->actions[r->nactions++] = a;
			} else if (res == SCRUB_DONE) {
				ERR_AT(L, ln, SCRUB_DIAG_ACTIONS, "empty action line");
			}
		}
	} else if (an->type == YAML_SCALAR && an->style == YAML_BLOCK && an->folded) {
		ERR_AT(L, an, SCRUB_DIAG_TYPE, "write an action block with 'actions: |' (each line kept), not 'actions: >' (lines folded together)");
	} else if (an->type == YAML_SCALAR && an->style == YAML_BLOCK) {
		/* A literal block: line i of the text is source line an->line + i; its column is
		 * the indentation of that source line. */
		size_t cap = 1;
		for (size_t i = 0; i < an->len; i++)
			cap += an->str[i] == '\n';
		r->actions = SCRUB_ARENA_NEW(L->a, sim_action, cap);
		size_t i = 0;
		int line = an->line;
		double last = 0;
		while (i < an->len) {
			const char *nl = memchr(an->str + i, '\n', an->len - i);
			size_t e = nl ? (size_t)(nl - an->str) : an->len;
			int col = 1;
			/* find the source line's indentation */
			const char *src = s->source;
			int l = 1;
			size_t k = 0;
			while (k < s->source_len && l < line) {
				if (src[k] == '\n')
					l++;
				k++;
			}
			while (k < s->source_len && src[k] == ' ') {
				k++;
				col++;
			}
			sim_action a = {0};
			scrub_result res = script_parse_line(an->str + i, e - i, NULL, line, col, &L->s->actions, L->a, L->d, &a);
			if (res == SCRUB_OK) {
				if (a.t < last)
					scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_ACTIONS, line, col, 1,
					               "this action's time is before the previous one's; actions must be in time order");
				last = a.t;
				r->actions[r->nactions++] = a;
			}
			line++;
			i = e + 1;
		}
	} else {
		ERR_AT(L, an, SCRUB_DIAG_TYPE, "'actions' should be a list of lines such as \"0:05 check_responsiveness\", or a block after 'actions: |'");
	}
}

static void parse_model_runs(loader *L, yaml_node *runs)
{
	scenario *s = L->s;
	if (!expect_type(L, runs, YAML_SEQ, "'model_runs'"))
		return;
	if (runs->n > MAX_RUNS) {
		ERR_AT(L, runs, SCRUB_DIAG_LIMIT, "more than %d model runs", MAX_RUNS);
		return;
	}
	s->runs = SCRUB_ARENA_NEW(L->a, scn_model_run, runs->n + 1);
	for (size_t i = 0; i < runs->n; i++) {
		yaml_node *n = runs->items[i];
		scn_model_run *r = &s->runs[s->nruns];
		r->line = n->line;
		r->col = n->col;
		if (!expect_type(L, n, YAML_MAP, "a model run"))
			continue;
		s->nruns++;
		r->name = get_text(L, n, "name", true, "a model run");
		if (!r->name)
			r->name = "?";
		for (int j = 0; j < s->nruns - 1; j++)
			if (strcmp(s->runs[j].name, r->name) == 0)
				ERR_AT(L, yaml_get(n, "name"), SCRUB_DIAG_DUPLICATE, "model run '%s' is defined twice", r->name);
		yaml_node *ex = yaml_get(n, "expect");
		if (!ex) {
			ERR_AT(L, n->n ? n->items[0] : n, SCRUB_DIAG_MISSING, "model run '%s' needs 'expect:' (pass, {fail: [item ids]} or {lose: [item ids]})", r->name);
		} else {
			r->expect_line = ex->line;
			r->expect_col = ex->col;
			if (ex->type == YAML_SCALAR && strcmp(ex->str, "pass") == 0) {
				r->expect_pass = true;
			} else if (ex->type == YAML_MAP && (yaml_get(ex, "fail") || yaml_get(ex, "lose"))) {
				/* {fail: [ids]}: the run fails, on these items; {lose: [ids]}: a minor mistake, the run
				 * passes but these items are not met */
				bool lose = yaml_get(ex, "fail") == NULL;
				yaml_node *f = yaml_get(ex, lose ? "lose" : "fail");
				r->expect_pass = lose;
				size_t cnt = f->type == YAML_SEQ ? f->n : 1;
				if (f->type == YAML_MAP || cnt == 0) {
					ERR_AT(L, f, SCRUB_DIAG_TYPE, "'%s' names the checklist items the run must %s", lose ? "lose" : "fail",
					       lose ? "lose points on" : "fail on");
					cnt = 0;
				}
				r->expect_items = SCRUB_ARENA_NEW(L->a, int, cnt + 1);
				for (size_t j = 0; j < cnt; j++) {
					int k = find_item_node(L, f->type == YAML_SEQ ? f->items[j] : f, lose ? "'lose'" : "'fail'");
					if (k >= 0)
						r->expect_items[r->nexpect++] = k;
				}
				static const char *fl[] = {"fail", "lose", NULL};
				check_fields(L, ex, fl, "'expect'");
				if (yaml_get(ex, "fail") && yaml_get(ex, "lose"))
					ERR_AT(L, ex, SCRUB_DIAG_VALUE, "expect has either 'fail:' (the run fails) or 'lose:' (it passes, losing points)");
			} else {
				ERR_AT(L, ex, SCRUB_DIAG_VALUE, "expect is 'pass', {fail: [item ids]} or {lose: [item ids]}");
			}
		}
		yaml_node *an = yaml_get(n, "actions"), *af = yaml_get(n, "actions_file");
		if ((an != NULL) == (af != NULL)) {
			ERR_AT(L, n->n ? n->items[0] : n, SCRUB_DIAG_MISSING, "model run '%s' needs either 'actions:' or 'actions_file:'", r->name);
		} else if (an) {
			parse_actions_node(L, an, r);
		} else if (expect_type(L, af, YAML_SCALAR, "'actions_file'")) {
			char path[PATH_MAX];
			r->actions_file = af->str;
			if (!path_inside(L->base_dir, af->str, path, sizeof path)) {
				ERR_AT(L, af, SCRUB_DIAG_FILE, "'%s' is outside the scenario's folder; action files must sit beside the scenario", af->str);
			} else if (!L->no_runs) {
				char *text = NULL;
				size_t len = 0;
				scrub_result rr = scrub_read_file(path, 4u << 20, &text, &len);
				if (rr != SCRUB_OK) {
					ERR_AT(L, af, SCRUB_DIAG_FILE, "cannot read '%s': %s", af->str,
					       rr == SCRUB_ERR_LIMIT ? "larger than 4 MiB" : strerror(errno));
				} else {
					/* the text into the arena first: nothing of ours is held when an allocation jumps */
					jmp_buf *jump = scrub_arena_nojump(L->a);
					char *kept = scrub_arena_strndup(L->a, text, len);
					scrub_arena_jump(L->a, jump);
					free(text);
					if (!kept && jump)
						longjmp(*jump, 1);
					r->actions_file = scrub_arena_strdup(L->a, path);
					script_loc loc = {.file = r->actions_file, .line = 1, .col = 1, .scope = &L->s->actions};
					if (kept)
						script_parse(kept, len, &loc, L->a, L->d, &r->actions, &r->nactions);
				}
			}
		}
		static const char *fields[] = {"name", "description", "trainee", "expect", "actions", "actions_file", "ref", NULL};
		r->description = get_text(L, n, "description", false, "a model run");
		r->reference = parse_ref(L, yaml_get(n, "ref"));
		yaml_get(n, "trainee");
		check_fields(L, n, fields, "a model run");
	}
}

/* ---- whole-scenario checks ---- */

static void check_graph(loader *L)
{
	scenario *s = L->s;
	if (s->nstates == 0 || s->initial < 0)
		return;
	bool *seen = calloc((size_t)s->nstates, sizeof *seen);
	int *queue = calloc((size_t)s->nstates, sizeof *queue);
	if (!seen || !queue) {
		free(seen);
		free(queue);
		return;
	}
	int qh = 0, qt = 0;
	seen[s->initial] = true;
	queue[qt++] = s->initial;
	for (int i = 0; i < s->nstates; i++) {
		if (s->states[i].jump_target && !seen[i]) {
			seen[i] = true;
			queue[qt++] = i;
		}
	}
	while (qh < qt) {
		const scn_state *st = &s->states[queue[qh++]];
		for (int t = 0; t < st->ntransitions; t++) {
			int to = st->transitions[t].to;
			if (to >= 0 && !seen[to]) {
				seen[to] = true;
				queue[qt++] = to;
			}
		}
	}
	bool any_end = false;
	for (int i = 0; i < s->nstates; i++) {
		const scn_state *st = &s->states[i];
		any_end |= st->is_end;
		if (!seen[i])
			scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_UNREACHABLE, st->line, st->col, (int)strlen(st->name),
			               "state '%s' can never be entered: no transition leads to it from '%s' and it is not a jump_target",
			               st->name, s->states[s->initial].name);
		if (!st->is_end && st->ntransitions == 0)
			scrub_diag_add(L->d, SCRUB_SEV_WARNING, SCRUB_DIAG_SUSPICIOUS, st->line, st->col, (int)strlen(st->name),
			               "state '%s' has no transitions and is not an end state; the scenario stays there until its duration runs out",
			               st->name);
	}
	if (!any_end)
		scrub_diag_add(L->d, SCRUB_SEV_WARNING, SCRUB_DIAG_SUSPICIOUS, s->states[0].line, s->states[0].col, 1,
		               "no state is an end state (end: OUTCOME); every run will last the full duration");
	free(seen);
	free(queue);
}

static void check_items(loader *L)
{
	scenario *s = L->s;
	scn_checklist *c = &s->checklist;
	int n = c->n;
	/* cycles in after: (depth-first search, colours 0 white 1 grey 2 black) */
	int *colour = calloc((size_t)n + 1, sizeof *colour);
	int *stack = calloc((size_t)n + 1, sizeof *stack);
	int *edge = calloc((size_t)n + 1, sizeof *edge);
	bool *reported = calloc((size_t)n + 1, sizeof *reported);
	if (colour && stack && edge && reported) {
		for (int root = 0; root < n; root++) {
			if (colour[root])
				continue;
			int sp = 0;
			stack[sp] = root;
			edge[sp] = 0;
			colour[root] = 1;
			while (sp >= 0) {
				int u = stack[sp];
				const scn_item *it = &c->items[u];
				if (edge[sp] < it->nafter) {
					int v = it->after[edge[sp]++];
					if (colour[v] == 1) {
						/* cycle: v ... u -> v */
						if (!reported[v]) {
							char path[512] = "";
							size_t l = 0;
							int from = 0;
							for (int k = 0; k <= sp; k++)
								if (stack[k] == v)
									from = k;
							for (int k = from; k <= sp && l < sizeof path - 80; k++) {
								l += (size_t)snprintf(path + l, sizeof path - l, "'%s' after ", c->items[stack[k]].id);
								reported[stack[k]] = true;
							}
							snprintf(path + l, sizeof path - l, "'%s'", c->items[v].id);
							const scn_item *iv = &c->items[v];
							scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_CYCLE, iv->line, iv->col, (int)strlen(iv->id),
							               "checklist items are ordered after each other in a loop: %s; none of them can ever be in order", path);
						}
					} else if (colour[v] == 0) {
						colour[v] = 1;
						sp++;
						stack[sp] = v;
						edge[sp] = 0;
					}
				} else {
					colour[u] = 2;
					sp--;
				}
			}
		}
	}
	free(colour);
	free(stack);
	free(edge);
	free(reported);

	for (int i = 0; i < n; i++) {
		const scn_item *it = &c->items[i];
		if (!it->id[0])
			continue;
		if (it->has_window && it->win_lo >= s->duration_s && s->duration_s > 0) {
			char b1[32], b2[32];
			scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_WINDOW, it->line, it->col, (int)strlen(it->id),
			               "item '%s' can never be met: its window opens at %s but the scenario lasts %s", it->id,
			               scrub_format_time(it->win_lo, b1, sizeof b1), scrub_format_time(s->duration_s, b2, sizeof b2));
		}
		if (it->has_window && it->win_hi > s->duration_s && it->anchor == SCN_FROM_START && s->duration_s > 0)
			scrub_diag_add(L->d, SCRUB_SEV_WARNING, SCRUB_DIAG_WINDOW, it->line, it->col, (int)strlen(it->id),
			               "item '%s': its window runs past the end of the scenario", it->id);
		/* items that cannot anchor or precede others: forbidden actions (they never happen when it goes
		 * right) and whole-session checks (decided only at the end) */
		static const char *why_not[] = {[SCN_ITEM_FORBID] = "which is a forbidden action: when it goes right it never happens",
		                                [SCN_ITEM_CHECK] = "a check: item that is decided only when the session ends"};
		if (it->anchor == SCN_FROM_ITEM && it->anchor_ref >= 0 && why_not[c->items[it->anchor_ref].kind])
			scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_WINDOW, it->line, it->col, (int)strlen(it->id),
			               "item '%s' is timed from '%s', %s", it->id, c->items[it->anchor_ref].id,
			               why_not[c->items[it->anchor_ref].kind]);
		for (int k = 0; k < it->nafter; k++)
			if (why_not[c->items[it->after[k]].kind])
				scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_CYCLE, it->line, it->col, (int)strlen(it->id),
				               "item '%s' comes after '%s', %s%s", it->id, c->items[it->after[k]].id,
				               why_not[c->items[it->after[k]].kind],
				               c->items[it->after[k]].kind == SCN_ITEM_FORBID ? ": it could only be in order after a mistake" : "");
		if (!s->model.present && (it->kind == SCN_ITEM_DO || it->kind == SCN_ITEM_FORBID)) {
			bool judged = it->match.delivered >= 0 || it->match.effective >= 0;
			for (int k = 0; k < it->nalts; k++)
				judged = judged || it->alts[k].delivered >= 0 || it->alts[k].effective >= 0;
			if (judged)
				scrub_diag_add(L->d, SCRUB_SEV_WARNING, SCRUB_DIAG_SUSPICIOUS, it->line, it->col, (int)strlen(it->id),
				               "item '%s': 'delivered:' and 'effective:' are judged by the patient model; without "
				               "patient: model: every action counts as delivered and effective", it->id);
		}
		if (it->kind == SCN_ITEM_REACH && it->reach_state == s->initial && s->initial >= 0)
			scrub_diag_add(L->d, SCRUB_SEV_WARNING, SCRUB_DIAG_SUSPICIOUS, it->line, it->col, (int)strlen(it->id),
			               "item '%s' is reached at the start: the initial state is entered before anyone acts", it->id);
	}
}

/* Does the physiology model simulate this drug (by its give_drug word)? drugs.yaml says (model:). */
static bool model_simulates_drug(const char *word)
{
	int g = vocab_drug_find(word, strlen(word));
	return g >= 0 && vocab_drug_get(g)->model;
}

void scenario_check_actions(const scenario *scn, const sim_action *acts, int n, const char *file, scrub_diags *d)
{
	act_id jump = actions_find(ACT_JUMP_NAME, strlen(ACT_JUMP_NAME));
	act_id give = actions_find("give_drug", 9);
	uint64_t warned = 0;
	for (int i = 0; i < n; i++) {
		if (acts[i].type == give && scn->model.present && acts[i].params[0].set) {
			/* a drug the model ignores changes nothing: say so once per drug */
			const act_def *def = actions_get(give);
			int k = acts[i].params[0].sym;
			const char *w = def->params[0].symbols[k];
			if (!model_simulates_drug(w) && k < 64 && !(warned & (1ull << k))) {
				warned |= 1ull << k;
				/* file NULL: the scenario itself */
				scrub_diag_add_in(d, file, SCRUB_SEV_WARNING, SCRUB_DIAG_SUSPICIOUS, acts[i].line, acts[i].col, 1,
				                  "the patient model does not simulate %s: giving it is recorded and scored, but the vital "
				                  "signs do not respond (docs/physiology.md lists what the model simulates)", w);
			}
		}
		if (acts[i].type != jump)
			continue;
		const char *to = acts[i].params[0].text;
		int st = scenario_find_state(scn, to);
		if (st < 0 || !scn->states[st].jump_target) {
			/* the jump targets, and the nearest of them */
			const char *targets[256];
			size_t nt = 0;
			for (int k = 0; k < scn->nstates && nt < 256; k++)
				if (scn->states[k].jump_target)
					targets[nt++] = scn->states[k].name;
			const char *sug = st < 0 ? scrub_suggest(to, targets, nt) : NULL;
			char list[400];
			scrub_list_words(list, sizeof list, targets, nt);
			scrub_diag_add_in(d, file, SCRUB_SEV_ERROR, SCRUB_DIAG_ACTIONS, acts[i].line, acts[i].col, 1,
			                  "instructor_jump to '%s': %s%s%s%s; %s%s", to,
			                  st < 0 ? "no such state" : "that state is not marked jump_target: true",
			                  sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "",
			                  nt ? "the jump targets are: " : "no state is marked jump_target: true", nt ? list : "");
		}
	}
}


/* ---- the patient model ---- */

static const struct {
	const char *name;
	const char *unit;
	const char *label;
} model_vars[SCN_MODEL_COUNT_] = {
	[SCN_MODEL_HR] = {"hr", "/min", "Heart rate"},
	[SCN_MODEL_SBP] = {"sbp", "mmHg", "Systolic pressure"},
	[SCN_MODEL_DBP] = {"dbp", "mmHg", "Diastolic pressure"},
	[SCN_MODEL_MAP] = {"map", "mmHg", "Mean arterial pressure"},
	[SCN_MODEL_SPO2] = {"spo2", "%", "SpO2"},
	[SCN_MODEL_RR] = {"rr", "/min", "Respiratory rate"},
	[SCN_MODEL_ETCO2] = {"etco2", "mmHg", "End-tidal CO2"},
	[SCN_MODEL_TEMP] = {"temp", "C", "Temperature"},
	[SCN_MODEL_CO] = {"co", "L/min", "Cardiac output"},
	[SCN_MODEL_CPP] = {"cpp", "mmHg", "Coronary perfusion pressure"},
	[SCN_MODEL_RHYTHM] = {"rhythm", NULL, "Cardiac rhythm"},
	[SCN_MODEL_PULSE] = {"pulse", NULL, "Central pulse"},
	[SCN_MODEL_AVPU] = {"avpu", NULL, "Level of consciousness"},
	[SCN_MODEL_ROSC] = {"rosc", NULL, "Return of spontaneous circulation"},
	[SCN_MODEL_SHOCKS] = {"shocks", NULL, "Shocks delivered"},
	[SCN_MODEL_CCF] = {"ccf", "%", "Chest compression fraction"},
	[SCN_MODEL_CPR_RATE_OK] = {"cpr_rate_ok", "%", "Compressions at 100-120 /min"},
	[SCN_MODEL_CPR_DEPTH_OK] = {"cpr_depth_ok", "%", "Compressions 5-6 cm deep"},
	[SCN_MODEL_CPR_RECOIL_OK] = {"cpr_recoil_ok", "%", "Compressions with full recoil"},
	[SCN_MODEL_LONGEST_PAUSE] = {"longest_pause", "s", "Longest pause in compressions"},
	[SCN_MODEL_LONG_PAUSES] = {"long_pauses", NULL, "Pauses in compressions over 10 s"},
	[SCN_MODEL_ETCO2_LOW] = {"etco2_low", "%", "CPR time with EtCO2 under 10 mmHg"},
	[SCN_MODEL_GLUCOSE] = {"glucose", "mmol/L", "Blood glucose"},
	[SCN_MODEL_CAPTURE] = {"capture", NULL, "Pacing captures"},
	[SCN_MODEL_LACTATE] = {"lactate", "mmol/L", "Lactate"},
	[SCN_MODEL_PEF] = {"peak_flow", "%", "Peak expiratory flow (% of predicted)"},
	[SCN_MODEL_WHEEZE] = {"wheeze", NULL, "Audible wheeze"},
	[SCN_MODEL_POTASSIUM] = {"potassium", "mmol/L", "Serum potassium"},
};

static const char *no_yes[] = {"no", "yes"};
static const char *pulse_words[] = {"absent", "present"};

const char *scenario_model_var_name(int field)
{
	return field >= 0 && field < SCN_MODEL_COUNT_ ? model_vars[field].name : NULL;
}

const char *scenario_model_var_unit(int field)
{
	return field >= 0 && field < SCN_MODEL_COUNT_ ? model_vars[field].unit : NULL;
}

const char *scenario_model_var_label(int field)
{
	return field >= 0 && field < SCN_MODEL_COUNT_ ? model_vars[field].label : NULL;
}

static bool model_number(loader *L, yaml_node *n, const char *what, double lo, double hi, const char *unit, double *out)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return false;
	scrub_quantity q;
	int bad;
	size_t used = scrub_quantity_parse(n->str, n->len, &q, &bad);
	if (used != n->len || bad >= 0) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s should be a number%s%s, found '%s'", what, unit ? " in " : "", unit ? unit : "", n->str);
		return false;
	}
	double v = q.value;
	if (q.unit) {
		const scrub_unit *want = unit ? scrub_unit_find(unit, strlen(unit)) : NULL;
		if (!want || want->dim != q.unit->dim) {
			ERR_AT(L, n, SCRUB_DIAG_UNIT, "unit mismatch: %s is %s%s%s, but '%s' is %s", what, unit ? "in " : "a plain number",
			       unit ? unit : "", "", q.unit->name, scrub_dim_name(q.unit->dim));
			return false;
		}
		v = q.value * q.unit->factor / want->factor;
	}
	if (!(v >= lo && v <= hi)) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s %s is outside %g..%g%s%s", what, n->str, lo, hi, unit ? " " : "", unit ? unit : "");
		return false;
	}
	*out = v;
	return true;
}

static int model_word(loader *L, yaml_node *n, const char *what, const char *const *words, int nwords)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return -1;
	for (int i = 0; i < nwords; i++)
		if (words[i] && strcmp(words[i], n->str) == 0)
			return i;
	char list[256] = "";
	size_t l = 0;
	for (int i = 0; i < nwords && l < sizeof list - 40; i++)
		if (words[i])
			l += (size_t)snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", words[i]);
	const char *sug = scrub_suggest(n->str, words, (size_t)nwords);
	ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s '%s' is not accepted%s%s%s; expected one of: %s", what, n->str,
	       sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "", list);
	return -1;
}

static void parse_model(loader *L, yaml_node *m)
{
	scenario *s = L->s;
	scn_model *md = &s->model;
	if (!expect_type(L, m, YAML_MAP, "'model'"))
		return;
	md->present = true;
	patient_config *c = &md->cfg;
	c->seed = s->seed;
	c->age_years = s->patient_age;
	c->weight_kg = s->patient_weight;
	c->sex = s->patient_sex && strcmp(s->patient_sex, "male") == 0 ? PATIENT_SEX_MALE
	       : s->patient_sex && strcmp(s->patient_sex, "female") == 0 ? PATIENT_SEX_FEMALE : PATIENT_SEX_UNSPECIFIED;
	yaml_node *cond = yaml_get(m, "condition");
	if (cond && expect_type(L, cond, YAML_MAP, "'condition'")) {
		yaml_node *ca = yaml_get(cond, "cardiac_arrest");
		if (ca && expect_type(L, ca, YAML_MAP, "'cardiac_arrest'")) {
			c->arrest.present = true;
			c->arrest.rhythm = PATIENT_RHYTHM_VF_COARSE;
			yaml_node *r = yaml_get(ca, "rhythm");
			if (r) {
				static const char *arrest_rhythms[PATIENT_RHYTHM_COUNT_] = {
					[PATIENT_RHYTHM_VF_COARSE] = "vf_coarse", [PATIENT_RHYTHM_VF_FINE] = "vf_fine",
					[PATIENT_RHYTHM_PVT] = "pvt", [PATIENT_RHYTHM_ASYSTOLE] = "asystole", [PATIENT_RHYTHM_PEA] = "pea"};
				int k = model_word(L, r, "the arrest rhythm", arrest_rhythms, PATIENT_RHYTHM_COUNT_);
				if (k >= 0)
					c->arrest.rhythm = (patient_rhythm)k;
			}
			static const char *f[] = {"rhythm", NULL};
			check_fields(L, ca, f, "cardiac_arrest");
		}
		yaml_node *an = yaml_get(cond, "anaphylaxis");
		if (an && expect_type(L, an, YAML_MAP, "'anaphylaxis'")) {
			yaml_node *sv = yaml_get(an, "severity");
			if (!sv)
				ERR_AT(L, key_of(cond, an), SCRUB_DIAG_MISSING, "anaphylaxis needs 'severity:' (0 to 1)");
			else
				model_number(L, sv, "severity", 0.01, 1, NULL, &c->anaphylaxis.severity);
			yaml_node *x;
			if ((x = yaml_get(an, "airway_oedema")))
				model_number(L, x, "airway_oedema", 0, 1, NULL, &c->anaphylaxis.airway_oedema);
			if ((x = yaml_get(an, "bronchospasm")))
				model_number(L, x, "bronchospasm", 0, 1, NULL, &c->anaphylaxis.bronchospasm);
			if ((x = yaml_get(an, "vasodilation")))
				model_number(L, x, "vasodilation", 0, 1, NULL, &c->anaphylaxis.vasodilation);
			static const char *f[] = {"severity", "airway_oedema", "bronchospasm", "vasodilation", NULL};
			check_fields(L, an, f, "anaphylaxis");
		}
		yaml_node *tp = yaml_get(cond, "tension_pneumothorax");
		if (tp && expect_type(L, tp, YAML_MAP, "'tension_pneumothorax'")) {
			yaml_node *side = yaml_get(tp, "side"), *sv = yaml_get(tp, "severity");
			static const char *sides[] = {NULL, "left", "right"};
			if (!side)
				ERR_AT(L, key_of(cond, tp), SCRUB_DIAG_MISSING, "tension_pneumothorax needs 'side:' (left or right)");
			else {
				int k = model_word(L, side, "side", sides, 3);
				if (k > 0)
					c->tension_ptx.side = (patient_side)k;
			}
			if (sv)
				model_number(L, sv, "severity", 0.01, 1, NULL, &c->tension_ptx.severity);
			static const char *f[] = {"side", "severity", NULL};
			check_fields(L, tp, f, "tension_pneumothorax");
		}
		yaml_node *hv = yaml_get(cond, "hypovolaemia");
		if (hv && expect_type(L, hv, YAML_MAP, "'hypovolaemia'")) {
			yaml_node *bl = yaml_get(hv, "blood_loss"), *bd = yaml_get(hv, "bleeding");
			if (bl)
				model_number(L, bl, "blood_loss", 0, 5000, "mL", &c->hypovolaemia.blood_loss_ml);
			if (bd) {
				double lpm = 0;
				if (model_number(L, bd, "bleeding", 0, 1, "L/min", &lpm))
					c->hypovolaemia.bleed_ml_per_min = lpm * 1000.0;
			}
			if (!bl && !bd)
				ERR_AT(L, key_of(cond, hv), SCRUB_DIAG_MISSING, "hypovolaemia needs 'blood_loss:' (e.g. 1500 mL) and/or 'bleeding:' (e.g. 100 mL/min)");
			static const char *f[] = {"blood_loss", "bleeding", NULL};
			check_fields(L, hv, f, "hypovolaemia");
		}
		yaml_node *op = yaml_get(cond, "opioid_toxicity");
		if (op && expect_type(L, op, YAML_MAP, "'opioid_toxicity'")) {
			yaml_node *sv = yaml_get(op, "severity"), *hl = yaml_get(op, "half_life");
			c->opioid.severity = 0.85; /* unresponsive, about 6 breaths/min */
			if (sv)
				model_number(L, sv, "severity", 0.05, 0.98, NULL, &c->opioid.severity);
			if (hl && parse_duration(L, hl, &c->opioid.half_life_s, "'half_life'") && (c->opioid.half_life_s < 60 || c->opioid.half_life_s > 86400))
				ERR_AT(L, hl, SCRUB_DIAG_VALUE, "the opioid's half_life is between 1 min and 24 h");
			static const char *f[] = {"severity", "half_life", NULL};
			check_fields(L, op, f, "opioid_toxicity");
		}
		static const struct {
			const char *name;
			patient_rhythm rhythm;
		} bradys[] = {{"sinus_bradycardia", PATIENT_RHYTHM_SINUS_BRADY},
		              {"second_degree_av_block", PATIENT_RHYTHM_AVB2_MOBITZ2},
		              {"third_degree_av_block", PATIENT_RHYTHM_AVB3}};
		for (size_t k = 0; k < sizeof bradys / sizeof bradys[0]; k++) {
			yaml_node *br = yaml_get(cond, bradys[k].name);
			if (!br || !expect_type(L, br, YAML_MAP, bradys[k].name))
				continue;
			if (c->bradycardia.rhythm != PATIENT_RHYTHM_SINUS)
				ERR_AT(L, key_of(cond, br), SCRUB_DIAG_DUPLICATE, "only one bradycardia per patient");
			c->bradycardia.rhythm = bradys[k].rhythm;
			yaml_node *rt = yaml_get(br, "rate");
			if (rt)
				model_number(L, rt, "rate", 20, 59, "/min", &c->bradycardia.rate);
			static const char *f[] = {"rate", NULL};
			check_fields(L, br, f, bradys[k].name);
		}
		yaml_node *gl = yaml_get(cond, "hypoglycaemia");
		if (gl && expect_type(L, gl, YAML_MAP, "'hypoglycaemia'")) {
			yaml_node *g = yaml_get(gl, "glucose"), *ins = yaml_get(gl, "insulin_depot");
			c->glycaemia.glucose_mmol_l = 1.8;
			if (g)
				model_number(L, g, "glucose", 0.5, 3.9, "mmol/L", &c->glycaemia.glucose_mmol_l);
			if (ins)
				model_number(L, ins, "insulin_depot", 0, 1000, "units", &c->glycaemia.insulin_units);
			static const char *f[] = {"glucose", "insulin_depot", NULL};
			check_fields(L, gl, f, "hypoglycaemia");
		}
		/* tachyarrhythmias, acute asthma, sepsis (sim/patient/patient_cond.c) */
		yaml_node *tc = yaml_get(cond, "svt");
		if (tc && expect_type(L, tc, YAML_MAP, "'svt'")) {
			c->tachycardia.rhythm = PATIENT_RHYTHM_SVT;
			yaml_node *x;
			if ((x = yaml_get(tc, "rate")))
				model_number(L, x, "rate", 140, 260, "/min", &c->tachycardia.rate);
			if ((x = yaml_get(tc, "vagal_rank")))
				model_number(L, x, "vagal_rank", 0.01, 1, NULL, &c->tachycardia.vagal_rank);
			if ((x = yaml_get(tc, "adenosine_dose")))
				model_number(L, x, "adenosine_dose", 1, 100, "mg", &c->tachycardia.adenosine_mg);
			static const char *f[] = {"rate", "vagal_rank", "adenosine_dose", NULL};
			check_fields(L, tc, f, "svt");
		}
		yaml_node *vt = yaml_get(cond, "ventricular_tachycardia");
		if (vt && expect_type(L, vt, YAML_MAP, "'ventricular_tachycardia'")) {
			if (tc)
				ERR_AT(L, key_of(cond, vt), SCRUB_DIAG_DUPLICATE, "only one tachycardia per patient");
			c->tachycardia.rhythm = PATIENT_RHYTHM_VT_PULSE;
			yaml_node *x;
			double n = 0;
			if ((x = yaml_get(vt, "rate")))
				model_number(L, x, "rate", 120, 260, "/min", &c->tachycardia.rate);
			if ((x = yaml_get(vt, "shocks_to_convert")) && model_number(L, x, "shocks_to_convert", 1, 10, NULL, &n))
				c->tachycardia.shocks_to_convert = (int)n;
			static const char *f[] = {"rate", "shocks_to_convert", NULL};
			check_fields(L, vt, f, "ventricular_tachycardia");
		}
		static const struct {
			const char *name;
			double def;
		} sev_conds[] = {{"asthma", 0.7}, {"sepsis", 0.6}};
		for (size_t k = 0; k < 2; k++) {
			yaml_node *sc = yaml_get(cond, sev_conds[k].name);
			if (!sc || !expect_type(L, sc, YAML_MAP, sev_conds[k].name))
				continue;
			double *sev = k == 0 ? &c->asthma.severity : &c->sepsis.severity;
			*sev = sev_conds[k].def;
			yaml_node *x = yaml_get(sc, "severity");
			if (x)
				model_number(L, x, "severity", 0.05, 1, NULL, sev);
			static const char *f[] = {"severity", NULL};
			check_fields(L, sc, f, sev_conds[k].name);
		}
		yaml_node *hk = yaml_get(cond, "hyperkalaemia");
		if (hk && expect_type(L, hk, YAML_MAP, "'hyperkalaemia'")) {
			yaml_node *x = yaml_get(hk, "potassium");
			c->hyperkalaemia.potassium_mmol_l = 7.5;
			if (x)
				model_number(L, x, "potassium", 5.5, 9.5, "mmol/L", &c->hyperkalaemia.potassium_mmol_l);
			static const char *f[] = {"potassium", NULL};
			check_fields(L, hk, f, "hyperkalaemia");
		}
		static const char *f[] = {"cardiac_arrest", "anaphylaxis", "tension_pneumothorax", "hypovolaemia",
		                          "opioid_toxicity", "sinus_bradycardia", "second_degree_av_block",
		                          "third_degree_av_block", "hypoglycaemia", "svt", "ventricular_tachycardia",
		                          "asthma", "sepsis", "hyperkalaemia", NULL};
		check_fields(L, cond, f, "the patient's condition");
	}
	yaml_node *params = yaml_get(m, "params");
	if (params && expect_type(L, params, YAML_MAP, "'params'")) {
		patient_param_override *ov = SCRUB_ARENA_NEW(L->a, patient_param_override, params->n + 1);
		size_t n = 0;
		for (size_t i = 0; i < params->n; i++) {
			yaml_node *k = params->items[i];
			k->used = true;
			int pi = patient_param_find(k->str);
			if (pi < 0) {
				const char *cands[256];
				size_t nc = 0;
				for (size_t q = 0; q < patient_param_count() && nc < 256; q++)
					cands[nc++] = patient_param_info_at(q)->name;
				const char *sug = scrub_suggest(k->str, cands, nc);
				ERR_AT(L, k, SCRUB_DIAG_UNKNOWN_NAME, "unknown model parameter '%s'%s%s%s; the parameters are listed in docs/physiology.md",
				       k->str, sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
				continue;
			}
			const patient_param_info *info = patient_param_info_at((size_t)pi);
			const char *unit = strcmp(info->unit, "1") && strcmp(info->unit, "fraction") ? info->unit : NULL;
			char what[96];
			snprintf(what, sizeof what, "model parameter '%s'", info->name);
			double v;
			if (model_number(L, params->values[i], what, info->min, info->max, unit, &v))
				ov[n++] = (patient_param_override){.name = info->name, .value = v};
		}
		c->overrides = ov;
		c->override_count = n;
	}
	static const char *f[] = {"condition", "params", NULL};
	check_fields(L, m, f, "the patient model");

	/* The model's vital signs become read-only variables. */
	if (!s->vars)
		s->vars = SCRUB_ARENA_NEW(L->a, scn_var, SCN_MODEL_COUNT_ + SCN_TISSUE_COUNT_ + 1);
	md->first_var = s->nvars;
	static const char *avpu_words[] = {"alert", "voice", "pain", "unresponsive"};
	static const char *rhythm_words[PATIENT_RHYTHM_COUNT_];
	for (int r = 0; r < PATIENT_RHYTHM_COUNT_; r++)
		rhythm_words[r] = patient_rhythm_name((patient_rhythm)r);
	for (int fld = 0; fld < SCN_MODEL_COUNT_; fld++) {
		int clash = scenario_find_var(s, model_vars[fld].name, strlen(model_vars[fld].name));
		if (clash >= 0) {
			scn_var *cv = &s->vars[clash];
			scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_DUPLICATE, cv->line, cv->col, (int)strlen(cv->name),
			               "'%s' is provided by the patient model (patient: model:); remove it from variables", cv->name);
			continue;
		}
		scn_var *v = &s->vars[s->nvars++];
		memset(v, 0, sizeof *v);
		v->name = model_vars[fld].name;
		v->label = model_vars[fld].label;
		v->model_field = fld;
		v->min = -INFINITY;
		v->max = INFINITY;
		v->line = m->line;
		v->col = m->col;
		if (model_vars[fld].unit)
			v->unit = scrub_unit_find(model_vars[fld].unit, strlen(model_vars[fld].unit));
		if (fld == SCN_MODEL_RHYTHM || fld == SCN_MODEL_PULSE || fld == SCN_MODEL_AVPU || fld == SCN_MODEL_ROSC ||
		    fld == SCN_MODEL_CAPTURE || fld == SCN_MODEL_WHEEZE) {
			v->is_symbol = true;
			v->symbols = fld == SCN_MODEL_RHYTHM ? rhythm_words : fld == SCN_MODEL_PULSE ? pulse_words
			           : fld == SCN_MODEL_AVPU ? avpu_words : no_yes;
			v->nsymbols = fld == SCN_MODEL_RHYTHM ? PATIENT_RHYTHM_COUNT_ : fld == SCN_MODEL_AVPU ? 4 : 2;
		}
	}
	/* The model has the last word on its configuration. */
	patient *probe = NULL;
	if (L->d->errors == 0 && patient_create(c, &probe) != SCRUB_OK)
		ERR_AT(L, key_of(NULL, m) ? key_of(NULL, m) : m, SCRUB_DIAG_VALUE, "the patient model refused this configuration (run with SCRUB_LOG=patient=error for its reason)");
	patient_destroy(&probe);
}

/* ---- the tissue (sim/surgery.h) ---- */

#define MAX_TISSUE_TETS 60000

/* A quantity with its unit written, of dimension `dim`, within lo..hi (base unit). */
static bool tissue_qty(loader *L, yaml_node *n, const char *what, scrub_dim dim, double lo, double hi, double *out)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return false;
	scrub_quantity q;
	int bad;
	size_t used = scrub_quantity_parse(n->str, n->len, &q, &bad);
	const scrub_unit *base = scrub_unit_base(dim);
	if (used == 0 || (used != n->len && bad < 0)) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s should be a number%s%s, found '%s'", what, dim ? " with its unit, e.g. 2 " : "",
		       dim ? base->name : "", n->str);
		return false;
	}
	if (bad >= 0) {
		const scrub_unit *su = scrub_unit_suggest(n->str + bad, n->len - (size_t)bad, dim);
		scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_UNIT, n->line, col_in(n, (size_t)bad), (int)(n->len - (size_t)bad),
		               "unknown unit '%s'%s%s%s; %s is %s (%s)", n->str + bad, su ? " (did you mean '" : "", su ? su->name : "", su ? "'?)" : "", what, scrub_dim_name(dim),
		               scrub_dim_units(dim));
		return false;
	}
	double v = q.value;
	if (dim == SCRUB_DIM_NONE) {
		if (q.unit) {
			ERR_AT(L, n, SCRUB_DIAG_UNIT, "%s is a plain number; remove the unit '%s'", what, q.unit->name);
			return false;
		}
	} else if (!q.unit) {
		ERR_AT(L, n, SCRUB_DIAG_UNIT, "write the unit of %s: '%s %s' (%s)", what, n->str, base->name, scrub_dim_units(dim));
		return false;
	} else if (q.unit->dim != dim) {
		ERR_AT(L, n, SCRUB_DIAG_UNIT, "unit mismatch: %s is %s (%s), but '%s' is %s", what, scrub_dim_name(dim),
		       scrub_dim_units(dim), q.unit->name, scrub_dim_name(q.unit->dim));
		return false;
	} else {
		v = q.value * q.unit->factor;
	}
	if (!(v >= lo && v <= hi)) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s %s is outside %g..%g%s%s", what, n->str, lo, hi, dim ? " " : "", dim ? base->name : "");
		return false;
	}
	*out = v;
	return true;
}

/* [x, y] lengths in mm */
static bool tissue_point(loader *L, yaml_node *n, const char *what, double out[2])
{
	if (!expect_type(L, n, YAML_SEQ, what))
		return false;
	if (n->n != 2) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s is a point [x, y] on the skin, e.g. [10 mm, 20 mm]; found %zu value%s", what, n->n,
		       n->n == 1 ? "" : "s");
		return false;
	}
	bool ok = tissue_qty(L, n->items[0], what, SCRUB_DIM_LENGTH, -1e6, 1e6, &out[0]);
	return tissue_qty(L, n->items[1], what, SCRUB_DIM_LENGTH, -1e6, 1e6, &out[1]) && ok;
}

static void parse_tissue(loader *L, yaml_node *key, yaml_node *m)
{
	scenario *s = L->s;
	scn_tissue *tc = &s->tissue;
	if (!expect_type(L, m, YAML_MAP, "'tissue'"))
		return;
	tc->present = true;
	tc->line = key->line;
	tc->col = key->col;
	scrub_tissue_desc *d = &tc->desc;
	memset(d, 0, sizeof *d);
	int errors0 = L->d->errors;
	double v;
	yaml_node *size = yaml_get(m, "size");
	if (size && expect_type(L, size, YAML_SEQ, "'size'")) {
		if (size->n != 2) {
			ERR_AT(L, size, SCRUB_DIAG_VALUE, "'size' is [length, width] of the block, e.g. [50 mm, 40 mm]");
		} else {
			if (tissue_qty(L, size->items[0], "the block's length", SCRUB_DIM_LENGTH, 10, 300, &v))
				d->size_x = (float)(v * 1e-3);
			if (tissue_qty(L, size->items[1], "the block's width", SCRUB_DIM_LENGTH, 10, 300, &v))
				d->size_y = (float)(v * 1e-3);
		}
	}
	yaml_node *res = yaml_get(m, "resolution");
	if (res && tissue_qty(L, res, "'resolution'", SCRUB_DIM_LENGTH, 1, 10, &v))
		d->element_size = (float)(v * 1e-3);
	yaml_node *layers = yaml_get(m, "layers");
	if (layers && expect_type(L, layers, YAML_MAP, "'layers'")) {
		static const char *names[] = {"skin", "fat", "muscle", NULL};
		for (int k = 0; k < SCRUB_TISSUE_LAYER_COUNT; k++) {
			yaml_node *ly = yaml_get(layers, names[k]);
			if (!ly || !expect_type(L, ly, YAML_MAP, names[k]))
				continue;
			scrub_tissue_material *mat = &d->material[k];
			yaml_node *x;
			char what[64];
			snprintf(what, sizeof what, "the %s's thickness", names[k]);
			if ((x = yaml_get(ly, "thickness")) && tissue_qty(L, x, what, SCRUB_DIM_LENGTH, 0.5, 50, &v))
				d->thickness[k] = (float)(v * 1e-3);
			if ((x = yaml_get(ly, "stiffness")) && tissue_qty(L, x, "'stiffness'", SCRUB_DIM_NONE, 0.01, 1, &v))
				mat->stiffness = (float)v;
			if ((x = yaml_get(ly, "damping")) && tissue_qty(L, x, "'damping'", SCRUB_DIM_NONE, 0, 0.99, &v))
				mat->damping = (float)v;
			if ((x = yaml_get(ly, "volume")) && tissue_qty(L, x, "'volume'", SCRUB_DIM_NONE, 0, 1, &v))
				mat->volume = (float)v;
			if ((x = yaml_get(ly, "damage_strain")) && tissue_qty(L, x, "'damage_strain'", SCRUB_DIM_PERCENT, 1, 500, &v))
				mat->damage_strain = (float)(v / 100.0);
			if ((x = yaml_get(ly, "tear_strain")) && tissue_qty(L, x, "'tear_strain'", SCRUB_DIM_PERCENT, 1, 1000, &v))
				mat->tear_strain = (float)(v / 100.0);
			static const char *f[] = {"thickness", "stiffness", "damping", "volume", "damage_strain", "tear_strain", NULL};
			check_fields(L, ly, f, "a tissue layer");
		}
		check_fields(L, layers, names, "'layers'");
	}
	yaml_node *x;
	if ((x = yaml_get(m, "skin_tension")) && tissue_qty(L, x, "'skin_tension'", SCRUB_DIM_PERCENT, 0, 20, &v))
		d->skin_tension = v > 0 ? (float)(v / 100.0) : 1e-6f;
	if ((x = yaml_get(m, "tearing")))
		parse_bool(L, x, &d->tearing, "'tearing'");
	tc->physics_dt = 0.001;
	yaml_node *pdt = yaml_get(m, "physics_dt");
	if (pdt && parse_duration(L, pdt, &tc->physics_dt, "'physics_dt'") && (tc->physics_dt < 0.0002 - 1e-12 || tc->physics_dt > 0.005 + 1e-12))
		ERR_AT(L, pdt, SCRUB_DIAG_VALUE, "physics_dt (the tissue's step) must be between 0.2 ms and 5 ms");
	double ratio = s->dt / tc->physics_dt;
	if (tc->physics_dt > 0 && fabs(ratio - round(ratio)) > 1e-6)
		ERR_AT(L, pdt ? pdt : key, SCRUB_DIAG_VALUE, "the scenario's dt (%g ms) must be a whole number of physics steps (%g ms)",
		       s->dt * 1e3, tc->physics_dt * 1e3);
	d->dt = (float)tc->physics_dt;
	scrub_tissue_desc_defaults(d);

	/* the size of the problem: the session steps it 1/physics_dt times a simulated second */
	double h = d->element_size;
	double cells = ceil(d->size_x / h - 1e-6) * ceil(d->size_y / h - 1e-6);
	double nz = 0;
	for (int k = 0; k < SCRUB_TISSUE_LAYER_COUNT; k++)
		nz += fmax(1, round(d->thickness[k] / h));
	double tets = 6 * cells * nz;
	if (L->d->errors == errors0 && tets > MAX_TISSUE_TETS)
		ERR_AT(L, res ? res : key, SCRUB_DIAG_LIMIT, "the tissue would have about %.0f tetrahedra; a scenario may have at most %d "
		       "(use a coarser resolution or a smaller block)", tets, MAX_TISSUE_TETS);

	yaml_node *w = yaml_get(m, "wound");
	if (w && expect_type(L, w, YAML_MAP, "'wound'")) {
		yaml_node *from = yaml_get(w, "from"), *to = yaml_get(w, "to"), *depth = yaml_get(w, "depth");
		if (!from || !to || !depth)
			ERR_AT(L, key_of(m, w), SCRUB_DIAG_MISSING, "a wound needs 'from:', 'to:' (points [x, y] on the skin) and 'depth:'");
		bool ok = from && to && depth;
		ok = from && tissue_point(L, from, "the wound's 'from'", tc->wound_from) && ok;
		ok = to && tissue_point(L, to, "the wound's 'to'", tc->wound_to) && ok;
		double total = (d->thickness[0] + d->thickness[1] + d->thickness[2]) * 1e3;
		ok = depth && tissue_qty(L, depth, "the wound's depth", SCRUB_DIM_LENGTH, 0.5, 50, &tc->wound_depth) && ok;
		if (ok) {
			const double sx = d->size_x * 1e3, sy = d->size_y * 1e3;
			yaml_node *pts[2] = {from, to};
			const double *pv[2] = {tc->wound_from, tc->wound_to};
			for (int k = 0; k < 2; k++)
				if (pv[k][0] < 3 || pv[k][0] > sx - 3 || pv[k][1] < 3 || pv[k][1] > sy - 3)
					ERR_AT(L, pts[k], SCRUB_DIAG_VALUE, "the wound's '%s' [%g mm, %g mm] is not on the block: keep 3 mm from its edges "
					       "(the block is %g x %g mm)", k ? "to" : "from", pv[k][0], pv[k][1], sx, sy);
			if (hypot(tc->wound_to[0] - tc->wound_from[0], tc->wound_to[1] - tc->wound_from[1]) < 2)
				ERR_AT(L, to, SCRUB_DIAG_VALUE, "the wound is shorter than 2 mm");
			if (tc->wound_depth > total - 1)
				ERR_AT(L, depth, SCRUB_DIAG_VALUE, "the wound's depth %s goes through the block (%g mm thick)", depth->str, total);
			tc->has_wound = true;
		}
		static const char *f[] = {"from", "to", "depth", NULL};
		check_fields(L, w, f, "the wound");
	}
	yaml_node *mk = yaml_get(m, "mark");
	if (mk && expect_type(L, mk, YAML_MAP, "'mark'")) {
		/* a line drawn on the skin, where the incision should go */
		yaml_node *from = yaml_get(mk, "from"), *to = yaml_get(mk, "to");
		if (!from || !to) {
			ERR_AT(L, key_of(m, mk), SCRUB_DIAG_MISSING, "a mark needs 'from:' and 'to:' (points [x, y] on the skin)");
		} else if (tissue_point(L, from, "the mark's 'from'", tc->mark_from) && tissue_point(L, to, "the mark's 'to'", tc->mark_to)) {
			const double sx = d->size_x * 1e3, sy = d->size_y * 1e3;
			yaml_node *pts[2] = {from, to};
			const double *pv[2] = {tc->mark_from, tc->mark_to};
			bool on = true;
			for (int k = 0; k < 2; k++)
				if (pv[k][0] < 0 || pv[k][0] > sx || pv[k][1] < 0 || pv[k][1] > sy) {
					ERR_AT(L, pts[k], SCRUB_DIAG_VALUE, "the mark's '%s' [%g mm, %g mm] is not on the block (%g x %g mm)",
					       k ? "to" : "from", pv[k][0], pv[k][1], sx, sy);
					on = false;
				}
			if (on && hypot(tc->mark_to[0] - tc->mark_from[0], tc->mark_to[1] - tc->mark_from[1]) < 2)
				ERR_AT(L, to, SCRUB_DIAG_VALUE, "the mark is shorter than 2 mm");
			else if (on)
				tc->has_mark = true;
		}
		static const char *f[] = {"from", "to", NULL};
		check_fields(L, mk, f, "the mark");
	}
	static const char *f[] = {"size", "resolution", "layers", "skin_tension", "tearing", "physics_dt", "wound", "mark", NULL};
	check_fields(L, m, f, "the tissue");

	/* The tissue's outcomes become read-only variables. */
	if (!s->vars)
		s->vars = SCRUB_ARENA_NEW(L->a, scn_var, SCN_MODEL_COUNT_ + SCN_TISSUE_COUNT_ + 1);
	tc->first_var = s->nvars;
	static const char *layer_words[] = {"none", "skin", "fat", "muscle"};
	static const char *units[SCN_TISSUE_COUNT_] = {
		[SCN_TISSUE_INCISION_LENGTH] = "mm", [SCN_TISSUE_INCISION_DEPTH] = "mm", [SCN_TISSUE_INCISION_DEVIATION] = "mm",
		[SCN_TISSUE_PATH_LENGTH] = "mm", [SCN_TISSUE_IDLE_TIME] = "s", [SCN_TISSUE_GAPE] = "mm",
		[SCN_TISSUE_OPEN_START] = "mm", [SCN_TISSUE_OPEN_END] = "mm", [SCN_TISSUE_OPEN_MAX] = "mm",
		[SCN_TISSUE_SPACING_MIN] = "mm", [SCN_TISSUE_SPACING_MAX] = "mm", [SCN_TISSUE_DEPTH_RATIO_MIN] = "%"};
	for (int fld = 0; fld < SCN_TISSUE_COUNT_; fld++) {
		const char *name = surgery_var_name(fld);
		int clash = scenario_find_var(s, name, strlen(name));
		if (clash >= 0) {
			scn_var *cv = &s->vars[clash];
			scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_DUPLICATE, cv->line, cv->col, (int)strlen(cv->name),
			               "'%s' is provided by the tissue (tissue:); remove it from variables", cv->name);
			continue;
		}
		scn_var *var = &s->vars[s->nvars++];
		memset(var, 0, sizeof *var);
		var->name = name;
		var->label = name;
		var->model_field = SCN_TISSUE_FIELD_BASE + fld;
		var->min = -INFINITY;
		var->max = INFINITY;
		var->line = key->line;
		var->col = key->col;
		if (units[fld])
			var->unit = scrub_unit_find(units[fld], strlen(units[fld]));
		if (fld == SCN_TISSUE_DEEPEST_LAYER) {
			var->is_symbol = true;
			var->symbols = layer_words;
			var->nsymbols = 4;
		}
	}
	/* The physics has the last word on its configuration. */
	scrub_tissue *probe = NULL;
	if (L->d->errors == 0 && scrub_tissue_create(d, &probe) != SCRUB_OK)
		ERR_AT(L, key, SCRUB_DIAG_VALUE, "the tissue physics refused this configuration (run with SCRUB_LOG=tissue=error for its reason)");
	scrub_tissue_destroy(&probe);
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
	if (!n || !expect_type(L, n, YAML_SEQ, "'references'"))
		return;
	if (n->n > MAX_LIST) {
		ERR_AT(L, n, SCRUB_DIAG_LIMIT, "'references': at most %d entries", MAX_LIST);
		return;
	}
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

static void parse_patient(loader *L, yaml_node *p)
{
	scenario *s = L->s;
	if (!p || !expect_type(L, p, YAML_MAP, "'patient'"))
		return;
	s->patient_description = get_text(L, p, "description", false, "the patient");
	s->patient_sex = get_text(L, p, "sex", false, "the patient");
	if (s->patient_sex && strcmp(s->patient_sex, "male") && strcmp(s->patient_sex, "female") && strcmp(s->patient_sex, "other"))
		ERR_AT(L, yaml_get(p, "sex"), SCRUB_DIAG_VALUE, "sex is male, female or other, found '%s'", s->patient_sex);
	yaml_node *age = yaml_get(p, "age"), *w = yaml_get(p, "weight");
	if (age && parse_number(L, age, &s->patient_age, "'age' (years)") && (s->patient_age < 0 || s->patient_age > 120))
		ERR_AT(L, age, SCRUB_DIAG_VALUE, "age is in years, 0 to 120");
	if (w && expect_type(L, w, YAML_SCALAR, "'weight'")) {
		scrub_quantity q;
		int bad;
		size_t used = scrub_quantity_parse(w->str, w->len, &q, &bad);
		if (used != w->len || !q.unit || q.unit->dim != SCRUB_DIM_WEIGHT)
			ERR_AT(L, w, SCRUB_DIAG_UNIT, "weight is written with its unit, e.g. 80 kg");
		else if (q.value <= 0 || q.value > 400)
			ERR_AT(L, w, SCRUB_DIAG_VALUE, "weight must be between 0 and 400 kg");
		else
			s->patient_weight = q.value;
	}
	yaml_node *model = yaml_get(p, "model");
	if (model)
		parse_model(L, model);
	static const char *f[] = {"description", "age", "sex", "weight", "model", NULL};
	check_fields(L, p, f, "the patient");
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
	for (int i = 0; i < s->nruns; i++)
		scenario_check_actions(s, s->runs[i].actions, s->runs[i].nactions, s->runs[i].actions_file ? s->runs[i].actions_file : NULL, L->d);

	static const char *fields[] = {"scrub", "id", "title", "version", "summary", "authors", "objectives",
	                               "references", "duration", "dt", "seed", "setting", "patient", "variables",
	                               "initial", "states", "checklist", "model_runs", "tissue", "actions", NULL};
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
