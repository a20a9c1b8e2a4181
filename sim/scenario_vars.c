/* The scenario loader: variables, action matchers and effects. */
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

void parse_variables(loader *L, yaml_node *vars)
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
bool parse_match(loader *L, yaml_node *v, yaml_node *with, scn_match *m)
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

void parse_effects(loader *L, yaml_node *set, yaml_node *trend, scn_effects *fx)
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
