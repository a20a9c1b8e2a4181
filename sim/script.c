#include "script.h"
#include "units.h"
#include "vocab.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCRIPT_MAX_ACTIONS 100000

static bool parse_time_token(const char *s, size_t n, double *out, const char **why)
{
	/* "95s", "1.5min", "1:30", "0:05.5" */
	if (n && isdigit((unsigned char)s[n - 1]) && !memchr(s, ':', n)) {
		*why = "a time needs a unit or minutes:seconds: write 1:35 or 95s";
		return false;
	}
	return scrub_duration_parse(s, n, out, why);
}

static void format_exact(double v, scrub_buf *out)
{
	char buf[64];
	scrub_buf_puts(out, scrub_format_exact(v, buf, sizeof buf));
}

void script_format_value(const act_param_def *p, const act_value *v, scrub_buf *out)
{
	switch (p->kind) {
	case ACT_PARAM_QUANTITY: {
		const scrub_unit *u = scrub_unit_base(p->dim);
		format_exact(v->num, out);
		scrub_buf_puts(out, u ? u->name : "");
		break;
	}
	case ACT_PARAM_COUNT:
		format_exact(v->num, out);
		break;
	case ACT_PARAM_SYMBOL:
		scrub_buf_puts(out, p->symbols[v->sym]);
		break;
	case ACT_PARAM_TEXT:
		scrub_buf_puts(out, v->text ? v->text : "");
		break;
	}
}

void script_format_params(const sim_action *a, scrub_buf *out)
{
	const act_def *def = actions_get(a->type);
	bool first = true;
	for (int i = 0; i < ACT_MAX_PARAMS && def->params[i].name; i++) {
		if (!a->params[i].set)
			continue;
		scrub_buf_printf(out, "%s%s=", first ? "" : " ", def->params[i].name);
		first = false;
		if (def->params[i].kind == ACT_PARAM_TEXT) {
			const char *t = a->params[i].text ? a->params[i].text : "";
			scrub_buf_puts(out, "\"");
			for (const char *c = t; *c; c++) {
				if (*c == '"' || *c == '\\')
					scrub_buf_append(out, "\\", 1);
				scrub_buf_append(out, c, 1);
			}
			scrub_buf_puts(out, "\"");
		} else {
			script_format_value(&def->params[i], &a->params[i], out);
		}
	}
}

void script_format_author(const sim_action *a, scrub_buf *out)
{
	/* names are plain words: no quoting needed */
	if (a->by[0])
		scrub_buf_printf(out, "%sby=%s", out->len ? " " : "", a->by);
	if (a->role[0])
		scrub_buf_printf(out, "%srole=%s", out->len ? " " : "", a->role);
}

/* A drug (or alias) of the parameter's list written in capitals or with '-' or ' ' for '_'
 * ("Adrenaline", "magnesium-sulfate"): the same word, safe to suggest unlike a near miss. */
static const char *drug_written_otherwise(const act_param_def *p, const char *w)
{
	char norm[64];
	size_t n = 0;
	for (; w[n] && n < sizeof norm - 1; n++)
		norm[n] = w[n] == '-' || w[n] == ' ' ? '_' : (char)tolower((unsigned char)w[n]);
	norm[n] = 0;
	int g = vocab_drug_find(norm, n);
	if (g < 0 || strcmp(norm, w) == 0)
		return NULL;
	const vocab_drug *d = vocab_drug_get(g);
	if (act_symbol_find(p, d->name, strlen(d->name)) < 0)
		return NULL;
	if (strcmp(d->name, norm) == 0)
		return d->name;
	for (int a = 0; d->aliases[a]; a++)
		if (strcmp(d->aliases[a], norm) == 0)
			return d->aliases[a];
	return NULL;
}

/* " (also accepted: adrenaline, ...)": the aliases of the drugs a parameter lists */
static void drug_aliases(const act_param_def *p, char *out, size_t size)
{
	size_t l = 0;
	for (int i = 0; i < vocab_drug_count(); i++) {
		const vocab_drug *g = vocab_drug_get(i);
		if (act_symbol_find(p, g->name, strlen(g->name)) < 0)
			continue;
		for (int a = 0; g->aliases[a] && l + 40 < size; a++)
			l += (size_t)snprintf(out + l, size - l, "%s%s", l ? ", " : " (also accepted: ", g->aliases[a]);
	}
	if (l)
		snprintf(out + l, size - l, ")");
}

const char *script_parse_value(const act_param_def *p, const char *s, size_t n, scrub_arena *arena,
                               act_value *out, char *why, size_t why_size)
{
	switch (p->kind) {
	case ACT_PARAM_SYMBOL: {
		int k = act_symbol_find(p, s, n);
		/* other names of a drug (drugs.yaml: aliases) are accepted as that drug, never guessed */
		bool drug = strcmp(p->name, "drug") == 0;
		int g = k < 0 && drug ? vocab_drug_find(s, n) : -1;
		if (g >= 0)
			k = act_symbol_find(p, vocab_drug_get(g)->name, strlen(vocab_drug_get(g)->name));
		if (k < 0) {
			char list[900] = "";
			size_t l = 0;
			for (int i = 0; i < ACT_MAX_SYMBOLS && p->symbols[i] && l < sizeof list - 40; i++)
				l += (size_t)snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", p->symbols[i]);
			char word[64];
			snprintf(word, sizeof word, "%.*s", (int)(n < 63 ? n : 63), s);
			/* one drug is never suggested for another: a near miss in spelling can be a different drug */
			const char *sug = drug ? drug_written_otherwise(p, word) : scrub_suggest(word, p->symbols, (size_t)act_param_nsymbols(p));
			char also[300] = "";
			if (drug)
				drug_aliases(p, also, sizeof also);
			snprintf(why, why_size, "%s '%s' is not accepted%s%s%s; expected one of: %s%s", p->name, word,
			         sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "", list, also);
			return why;
		}
		out->sym = k;
		break;
	}
	case ACT_PARAM_QUANTITY:
	case ACT_PARAM_COUNT: {
		scrub_quantity q;
		int bad;
		size_t used = scrub_quantity_parse(s, n, &q, &bad);
		if (used == 0 || (used != n && bad < 0)) {
			snprintf(why, why_size, "'%.*s' is not a number; expected %s%s%s", (int)(n < 40 ? n : 40), s,
			         p->kind == ACT_PARAM_COUNT ? "a whole number" : "a number with a unit, e.g. 1",
			         p->kind == ACT_PARAM_COUNT ? "" : scrub_unit_base(p->dim)->name, "");
			return why;
		}
		if (bad >= 0) {
			const scrub_unit *su = scrub_unit_suggest(s + bad, n - (size_t)bad, p->dim);
			snprintf(why, why_size, "unknown unit '%.*s'%s%s%s; %s is %s (%s)", (int)(n - (size_t)bad), s + bad,
			         su ? " (did you mean '" : "", su ? su->name : "", su ? "'?)" : "", p->name, scrub_dim_name(p->dim),
			         scrub_dim_units(p->dim));
			return why;
		}
		if (p->kind == ACT_PARAM_COUNT) {
			if (q.unit) {
				snprintf(why, why_size, "%s is a plain count; remove the unit '%s'", p->name, q.unit->name);
				return why;
			}
			if (q.value != floor(q.value)) {
				snprintf(why, why_size, "%s must be a whole number", p->name);
				return why;
			}
			out->num = q.value;
		} else {
			if (!q.unit) {
				snprintf(why, why_size, "write the unit of %s: e.g. %g%s (%s)", p->name, q.value,
				         scrub_unit_base(p->dim)->name, scrub_dim_units(p->dim));
				return why;
			}
			if (q.unit->dim != p->dim) {
				snprintf(why, why_size, "unit mismatch: %s is %s (%s), but '%s' is %s", p->name,
				         scrub_dim_name(p->dim), scrub_dim_units(p->dim), q.unit->name,
				         scrub_dim_name(q.unit->dim));
				return why;
			}
			out->num = q.value * q.unit->factor;
		}
		if (out->num < p->min || out->num > p->max) {
			const scrub_unit *u = p->kind == ACT_PARAM_QUANTITY ? scrub_unit_base(p->dim) : NULL;
			snprintf(why, why_size, "%s %.*s is outside the accepted range %g..%g%s%s", p->name,
			         (int)(n < 40 ? n : 40), s, p->min, p->max, u ? " " : "", u ? u->name : "");
			return why;
		}
		break;
	}
	case ACT_PARAM_TEXT:
		out->text = scrub_arena_strndup(arena, s, n);
		break;
	}
	out->set = true;
	return NULL;
}

static bool is_space(char c) { return c == ' ' || c == '\t'; }

scrub_result script_parse_line(const char *s, size_t n, const char *file, int line, int line_col,
                               const act_scope *scope, scrub_arena *arena, scrub_diags *diags, sim_action *out)
{
#define ERR(pos, span, ...)                                                                          \
	do {                                                                                         \
		if (file)                                                                            \
			scrub_diag_add_in(diags, file, SCRUB_SEV_ERROR, SCRUB_DIAG_ACTIONS, line,    \
			                  line_col + (int)(pos), (int)(span), __VA_ARGS__);          \
		else                                                                                 \
			scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_ACTIONS, line,             \
			               line_col + (int)(pos), (int)(span), __VA_ARGS__);             \
		ok = false;                                                                          \
	} while (0)
	bool ok = true;
	/* strip comment (outside quotes) */
	size_t end = 0;
	bool inq = false;
	for (; end < n; end++) {
		if (s[end] == '"' && (end == 0 || s[end - 1] != '\\'))
			inq = !inq;
		if (s[end] == '#' && !inq)
			break;
	}
	size_t i = 0;
	while (i < end && is_space(s[i]))
		i++;
	while (end > i && (is_space(s[end - 1]) || s[end - 1] == '\r'))
		end--;
	if (i == end)
		return SCRUB_DONE;

	/* time */
	size_t ts = i;
	while (i < end && !is_space(s[i]))
		i++;
	const char *why = NULL;
	if (!parse_time_token(s + ts, i - ts, &out->t, &why)) {
		ERR(ts, i - ts, "'%.*s': %s", (int)(i - ts), s + ts, why);
		return SCRUB_ERR_INVALID;
	}
	while (i < end && is_space(s[i]))
		i++;
	size_t as = i;
	while (i < end && !is_space(s[i]))
		i++;
	if (as == i) {
		ERR(as, 1, "expected an action name after the time");
		return SCRUB_ERR_INVALID;
	}
	out->type = actions_find_in(scope, s + as, i - as);
	out->line = line;
	out->col = line_col + (int)ts;
	if (out->type == ACT_NONE && actions_declared_broken(scope, s + as, i - as)) {
		ERR(as, i - as, "action '%.*s' cannot be used: its declaration in the scenario's 'actions:' has errors",
		    (int)(i - as), s + as);
		return SCRUB_ERR_INVALID;
	}
	if (out->type == ACT_NONE) {
		char word[64];
		snprintf(word, sizeof word, "%.*s", (int)(i - as < 63 ? i - as : 63), s + as);
		const char *sug = actions_suggest(scope, word);
		ERR(as, i - as, "unknown action '%s'%s%s%s (run 'scrub list actions' for the full list)", word,
		    sug ? "; did you mean '" : "", sug ? sug : "", sug ? "'?" : "");
		return SCRUB_ERR_INVALID;
	}
	const act_def *def = actions_get(out->type);
	if (act_is_derived(def)) {
		ERR(as, i - as, "'%s' is derived by the simulation from what the instruments do; it cannot be written as an input",
		    def->name);
		return SCRUB_ERR_INVALID;
	}

	/* parameters: name=value, a value's unit may follow after a space */
	while (i < end) {
		while (i < end && is_space(s[i]))
			i++;
		if (i >= end)
			break;
		size_t ks = i;
		while (i < end && !is_space(s[i]) && s[i] != '=')
			i++;
		size_t ke = i;
		if (i >= end || s[i] != '=') {
			ERR(ks, ke - ks, "expected name=value, found '%.*s'", (int)(ke - ks), s + ks);
			break;
		}
		i++; /* = */
		size_t vs = i, ve;
		char *text = NULL;
		if (i < end && s[i] == '"') {
			/* quoted text */
			scrub_buf b;
			scrub_buf_init(&b);
			i++;
			bool closed = false;
			while (i < end) {
				if (s[i] == '\\' && i + 1 < end) {
					scrub_buf_append(&b, s + i + 1, 1);
					i += 2;
					continue;
				}
				if (s[i] == '"') {
					closed = true;
					i++;
					break;
				}
				scrub_buf_append(&b, s + i, 1);
				i++;
			}
			if (!closed) {
				ERR(vs, end - vs, "missing closing '\"'");
				scrub_buf_fini(&b);
				break;
			}
			text = scrub_arena_strndup(arena, b.data ? b.data : "", b.len);
			scrub_buf_fini(&b);
			ve = i;
		} else {
			while (i < end && !is_space(s[i]))
				i++;
			ve = i;
			/* "dose=1 mg": a unit word after a number belongs to it */
			size_t j = i;
			while (j < end && is_space(s[j]))
				j++;
			size_t us = j;
			while (j < end && !is_space(s[j]) && s[j] != '=')
				j++;
			if (us < j && (j >= end || s[j] != '=') && ve > vs &&
			    (isdigit((unsigned char)s[ve - 1]) || s[ve - 1] == '.') && scrub_unit_find(s + us, j - us)) {
				ve = j;
				i = j;
			}
		}
		int pi = act_param_find(def, s + ks, ke - ks);
		bool is_by = pi < 0 && ke - ks == 2 && memcmp(s + ks, "by", 2) == 0;
		if (is_by || (pi < 0 && ke - ks == 4 && memcmp(s + ks, "role", 4) == 0)) {
			/* who did it: by=NAME role=ROLE (any action) */
			char *dst = is_by ? out->by : out->role;
			const char *v = text ? text : s + vs;
			size_t vn = text ? strlen(text) : ve - vs;
			if (dst[0])
				ERR(ks, ke - ks, "%s is given twice", is_by ? "by" : "role");
			else if (!act_name_valid(v, vn))
				ERR(vs, ve - vs, "%s '%.*s' is not a name: 1 to %d letters, digits, '_', '-' or '.'", is_by ? "by" : "role",
				    (int)(vn < 40 ? vn : 40), v, ACT_NAME_MAX - 1);
			else
				act_name_set(dst, v, vn);
			continue;
		}
		if (pi < 0) {
			char list[256] = "";
			size_t l = 0;
			for (int k = 0; k < ACT_MAX_PARAMS && def->params[k].name && l < sizeof list - 40; k++)
				l += (size_t)snprintf(list + l, sizeof list - l, "%s%s", k ? ", " : "", def->params[k].name);
			ERR(ks, ke - ks, "%s has no parameter '%.*s'%s%s", def->name, (int)(ke - ks), s + ks,
			    l ? "; expected " : " (it takes none)", list);
			continue;
		}
		if (out->params[pi].set) {
			ERR(ks, ke - ks, "%s is given twice", def->params[pi].name);
			continue;
		}
		char whybuf[1024];
		if (ve == vs) {
			ERR(ks, ke - ks + 1, "%s has no value after '='", def->params[pi].name);
			continue;
		}
		if (text && def->params[pi].kind == ACT_PARAM_TEXT) {
			out->params[pi].text = text;
			out->params[pi].set = true;
			continue;
		}
		const char *w = script_parse_value(&def->params[pi], text ? text : s + vs, text ? strlen(text) : ve - vs,
		                                   arena, &out->params[pi], whybuf, sizeof whybuf);
		if (w)
			ERR(vs, ve - vs, "%s", w);
	}
	for (int k = 0; k < ACT_MAX_PARAMS && def->params[k].name; k++) {
		if (def->params[k].required && !out->params[k].set && ok)
			ERR(as, strlen(def->name), "%s needs %s=...%s%s%s", def->name, def->params[k].name,
			    def->params[k].help[0] ? " (" : "", def->params[k].help, def->params[k].help[0] ? ")" : "");
	}
	if (ok) {
		/* an amount given one of several ways (dose=, units= or volume=) */
		bool any = false;
		int nalt = 0;
		char list[160] = "";
		size_t l = 0;
		for (int k = 0; k < ACT_MAX_PARAMS && def->params[k].name; k++) {
			if (!def->params[k].one_of)
				continue;
			any = any || out->params[k].set;
			l += (size_t)snprintf(list + l, sizeof list - l, "%s%s=...", nalt++ ? ", " : "", def->params[k].name);
		}
		if (nalt && !any)
			ERR(as, strlen(def->name), "%s needs one of %s", def->name, list);
	}
	return ok ? SCRUB_OK : SCRUB_ERR_INVALID;
#undef ERR
}

scrub_result script_parse(const char *text, size_t len, const script_loc *loc, scrub_arena *arena,
                          scrub_diags *diags, sim_action **out, int *out_n)
{
	int cap = 0, n = 0;
	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	cap++;
	if (cap > SCRIPT_MAX_ACTIONS + 1) {
		if (loc->file)
			scrub_diag_add_in(diags, loc->file, SCRUB_SEV_ERROR, SCRUB_DIAG_LIMIT, 0, 0, 1,
			                  "more than %d lines; action scripts are limited to %d actions", SCRIPT_MAX_ACTIONS, SCRIPT_MAX_ACTIONS);
		else
			scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_LIMIT, loc->line, loc->col, 1,
			               "more than %d lines; action scripts are limited to %d actions", SCRIPT_MAX_ACTIONS, SCRIPT_MAX_ACTIONS);
		return SCRUB_ERR_INVALID;
	}
	sim_action *v = SCRUB_ARENA_NEW(arena, sim_action, cap);
	if (!v)
		return SCRUB_ERR_NOMEM;
	bool ok = true;
	int line = loc->line;
	double last_t = 0;
	size_t i = 0;
	while (i <= len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		int col = loc->col;
		sim_action a = {0};
		scrub_result r = script_parse_line(text + i, e - i, loc->file, line, col, loc->scope, arena, diags, &a);
		if (r == SCRUB_OK) {
			if (a.t < last_t) {
				char b1[32], b2[32];
				if (loc->file)
					scrub_diag_add_in(diags, loc->file, SCRUB_SEV_ERROR, SCRUB_DIAG_ACTIONS, line, a.col, 1,
					                  "time %s is before the previous action's %s; actions must be in time order",
					                  scrub_format_time(a.t, b1, sizeof b1), scrub_format_time(last_t, b2, sizeof b2));
				else
					scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_ACTIONS, line, a.col, 1,
					               "time %s is before the previous action's %s; actions must be in time order",
					               scrub_format_time(a.t, b1, sizeof b1), scrub_format_time(last_t, b2, sizeof b2));
				ok = false;
			}
			last_t = a.t;
			v[n++] = a;
		} else if (r != SCRUB_DONE) {
			ok = false;
		}
		if (!nl)
			break;
		i = e + 1;
		line++;
	}
	*out = v;
	*out_n = n;
	return ok ? SCRUB_OK : SCRUB_ERR_INVALID;
}
