/* The session's checklist: matching actions to items, deciding them, explaining a miss. */
#define SCRUB_LOG_MODULE "session"
#include "session_internal.h"
#include "vocab.h"
#include "expr.h"
#include "log.h"
#include "script.h"
#include "surgery.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void item_decide(sim_session *s, int i, item_status st, double t, const char *fmt, ...)
{
	sim_item_result *r = &s->items[i];
	const scn_item *it = &s->scn->checklist.items[i];
	r->status = st;
	if (s->cur && st != ITEM_MISSED)
		memcpy(r->by, s->cur->by, sizeof r->by);
	if (t >= 0)
		r->time = t;
	r->note[0] = '\0';
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->note, sizeof r->note, fmt, ap);
		va_end(ap);
	}
	/* late or out of order after an earlier attempt that did not count: say why it did not */
	if ((st == ITEM_LATE || st == ITEM_OUT_OF_ORDER) && r->attempt[0] && r->note[0] && !r->attempt_noted) {
		size_t l = strlen(r->note);
		snprintf(r->note + l, sizeof r->note - l, "; before that, %s", r->attempt);
		r->attempt_noted = true;
	}
	switch (st) {
	case ITEM_DONE: r->points = it->points; r->penalty = 0; break;
	case ITEM_LATE:
	case ITEM_OUT_OF_ORDER: r->points = it->points * it->partial; r->penalty = 0; break;
	case ITEM_VIOLATED: r->points = 0; r->penalty = it->penalty; break;
	default: r->points = 0; r->penalty = 0; break;
	}
	s->item_done[i] = st == ITEM_DONE || st == ITEM_LATE || st == ITEM_OUT_OF_ORDER;
	sim_event ev = {.kind = SIM_EV_ITEM, .t = t >= 0 ? t : s->t, .item = i, .status = st, .note = r->note[0] ? r->note : NULL};
	emit(s, &ev);
}

static const char *fmt_t(double t, char *buf, size_t n)
{
	return scrub_format_time(t, buf, n);
}

/* When the item's window starts counting, or -1 if its anchor has not happened yet. */
double anchor_time(const sim_session *s, const scn_item *it)
{
	switch (it->anchor) {
	case SCN_FROM_START: return 0;
	case SCN_FROM_STATE: return s->state_first[it->anchor_ref];
	case SCN_FROM_ITEM: {
		/* from the end of the action that met the anchor item (a 10 s pulse check ends 10 s after it
		 * began), or of an attempt at it that did not meet it: that item fails for its own reason */
		const sim_item_result *r = &s->items[it->anchor_ref];
		return s->item_done[it->anchor_ref] ? r->end_t : r->attempt_t >= 0 ? r->attempt_end : -1;
	}
	}
	return 0;
}

static const char *anchor_name(const sim_session *s, const scn_item *it, char *buf, size_t n)
{
	switch (it->anchor) {
	case SCN_FROM_START: snprintf(buf, n, "the start"); break;
	case SCN_FROM_STATE: snprintf(buf, n, "state %s", s->scn->states[it->anchor_ref].name); break;
	case SCN_FROM_ITEM: snprintf(buf, n, "'%s'", s->scn->checklist.items[it->anchor_ref].id); break;
	}
	return buf;
}

/* An expected action or state happened at t (and ended at t_end): decide the item (first occurrence). */
void item_happened(sim_session *s, int i, double t, double t_end)
{
	const scn_item *it = &s->scn->checklist.items[i];
	sim_item_result *r = &s->items[i];
	char b1[32], b2[32], an[96];
	if (r->status != ITEM_PENDING) {
		if (!it->repeat || r->status == ITEM_VIOLATED)
			return;
		if (it->while_state >= 0 && s->state != it->while_state)
			return;
		/* swap: only another participant than the last one counts as the next repetition */
		if (it->swap && s->cur && strcmp(s->cur->by, r->by) == 0)
			return;
		if (s->cur)
			memcpy(r->by, s->cur->by, sizeof r->by);
		double gap = t - r->last_t;
		r->reps++;
		r->last_t = t;
		if (gap < it->every_lo - 1e-9) {
			item_decide(s, i, ITEM_VIOLATED, t, "repeated after %s, sooner than the minimum %s",
			            fmt_t(gap, b1, sizeof b1), fmt_t(it->every_lo, b2, sizeof b2));
			r->points = 0;
		} else if (gap > it->every_hi + 1e-9 && r->status == ITEM_DONE) {
			r->time = t;
			item_decide(s, i, ITEM_LATE, t, "repeated after %s, later than the maximum %s",
			            fmt_t(gap, b1, sizeof b1), fmt_t(it->every_hi, b2, sizeof b2));
		}
		return;
	}
	r->reps = 1;
	r->last_t = t;
	r->end_t = t_end;
	for (int k = 0; k < it->nafter; k++) {
		int a = it->after[k];
		/* an attempt at the earlier item that did not meet it still puts this one in order */
		if (!s->item_done[a] && s->items[a].attempt_t < 0) {
			item_decide(s, i, ITEM_OUT_OF_ORDER, t, "done before '%s'", s->scn->checklist.items[a].id);
			return;
		}
	}
	/* A window counts from its anchor: before the anchor an action does not count for this
	 * item (ordering mistakes are what `after:` is for). */
	double a0 = it->has_window ? anchor_time(s, it) : 0;
	if (a0 < 0) {
		r->reps = 0;
		return;
	}
	/* the anchor's end lies ahead (a pulse check recorded when the hands let go, or cut short by the
	 * next action): the timed action ended when this one began */
	if (it->anchor == SCN_FROM_ITEM && a0 > t)
		a0 = t;
	if (it->has_window) {
		if (t - a0 > it->win_hi + 1e-9) {
			item_decide(s, i, ITEM_LATE, t, "%s after %s; expected within %s", fmt_t(t - a0, b1, sizeof b1),
			            anchor_name(s, it, an, sizeof an), fmt_t(it->win_hi, b2, sizeof b2));
			return;
		}
		if (t - a0 < it->win_lo - 1e-9) {
			item_decide(s, i, ITEM_OUT_OF_ORDER, t, "%s after %s; expected no sooner than %s",
			            fmt_t(t - a0, b1, sizeof b1), anchor_name(s, it, an, sizeof an), fmt_t(it->win_lo, b2, sizeof b2));
			return;
		}
	}
	item_decide(s, i, ITEM_DONE, t, NULL);
}

bool sim_match_params(const scn_match *m, const sim_action *a)
{
	if (m->action != a->type)
		return false;
	for (int k = 0; k < m->n; k++) {
		const scn_constraint *c = &m->c[k];
		const act_value *v = &a->params[c->param];
		if (!v->set)
			return false;
		if (c->is_symbol) {
			if (!(c->symbols & (1ull << v->sym)))
				return false;
		} else if (v->num < c->lo || v->num > c->hi) {
			return false;
		}
	}
	return true;
}

/* Does the action meet the match? `want_delivered`: an unwritten `delivered:` means "yes". */
bool match(const scn_match *m, const sim_action *a, const judgement *j, bool want_delivered)
{
	if (!sim_match_params(m, a))
		return false;
	int d = m->delivered >= 0 ? m->delivered : want_delivered ? 1 : -1;
	if (d >= 0 && j->delivered != (d == 1))
		return false;
	if (m->effective >= 0 && j->effective != (m->effective == 1))
		return false;
	return true;
}

static int constraint_misses(const scn_match *m, const sim_action *a);

bool item_match(const scn_item *it, const sim_action *a, const judgement *j)
{
	bool want = it->kind == SCN_ITEM_DO;
	if (match(&it->match, a, j, want))
		return true;
	for (int k = 0; k < it->nalts; k++)
		if (match(&it->alts[k], a, j, want))
			return true;
	return false;
}

/* The parameters meet one of the item's forms (what the model judged aside). */
bool item_constraints_met(const scn_item *it, const sim_action *a)
{
	for (int k = -1; k < it->nalts; k++) {
		const scn_match *m = k < 0 ? &it->match : &it->alts[k];
		if (m->action == a->type && constraint_misses(m, a) == 0)
			return true;
	}
	return false;
}

/* The item's accepted form for this kind of action (NULL: the item is about other actions). */
const scn_match *item_form(const scn_item *it, const sim_action *a)
{
	if (it->match.action == a->type)
		return &it->match;
	for (int k = 0; k < it->nalts; k++)
		if (it->alts[k].action == a->type)
			return &it->alts[k];
	return NULL;
}

static int constraint_misses(const scn_match *m, const sim_action *a)
{
	int bad = 0;
	for (int k = 0; k < m->n; k++) {
		const scn_constraint *c = &m->c[k];
		const act_value *v = &a->params[c->param];
		if (!v->set || (c->is_symbol ? !(c->symbols & (1ull << v->sym)) : (v->num < c->lo || v->num > c->hi)))
			bad += c->is_symbol ? 2 : 1; /* another drug is further off than another dose */
	}
	return bad;
}

/* Of the item's accepted forms for this kind of action, the one it comes closest to. */
static const scn_match *closest_form(const scn_item *it, const sim_action *a)
{
	const scn_match *best = NULL;
	int best_bad = 0;
	for (int k = -1; k < it->nalts; k++) {
		const scn_match *m = k < 0 ? &it->match : &it->alts[k];
		if (m->action != a->type)
			continue;
		int bad = constraint_misses(m, a);
		if (!best || bad < best_bad) {
			best = m;
			best_bad = bad;
		}
	}
	return best;
}

static void put_range(char *buf, size_t n, double lo, double hi, const char *unit)
{
	const char *u = unit ? unit : "";
	const char *sp = unit ? " " : "";
	if (isinf(hi) && !isinf(lo))
		snprintf(buf, n, "at least %g%s%s", lo, sp, u);
	else if (isinf(lo) && !isinf(hi))
		snprintf(buf, n, "at most %g%s%s", hi, sp, u);
	else if (fabs(hi - lo) <= 1e-6 * (fabs(lo) > 1 ? fabs(lo) : 1))
		snprintf(buf, n, "%g%s%s", (lo + hi) / 2, sp, u);
	else
		snprintf(buf, n, "%g..%g%s%s", lo, hi, sp, u);
}

/* Why an action of the item's kind did not meet it, measured against what was expected:
 * "check_pulse at 0:08: duration 15 s, expected at most 10 s". */
void describe_miss(const scn_item *it, const sim_action *a, const judgement *j, bool guard_ok, const char *guard_src,
                          char *buf, size_t n)
{
	const act_def *def = actions_get(a->type);
	char tb[32];
	size_t l = (size_t)snprintf(buf, n, "%s at %s:", def->name, scrub_format_time(a->t, tb, sizeof tb));
	const scn_match *m = closest_form(it, a);
	int nbad = 0;
	for (int k = 0; m && k < m->n && l < n; k++) {
		const scn_constraint *c = &m->c[k];
		const act_param_def *p = &def->params[c->param];
		const act_value *v = &a->params[c->param];
		char exp[96] = "";
		if (c->is_symbol) {
			size_t el = 0;
			int ns = act_param_nsymbols(p), shown = 0;
			for (int q = 0; q < ns && el < sizeof exp - 20; q++)
				if (c->symbols & (1ull << q))
					el += (size_t)snprintf(exp + el, sizeof exp - el, "%s%s", shown++ ? " or " : "", p->symbols[q]);
			if (v->set && (c->symbols & (1ull << v->sym)))
				continue;
			l += (size_t)snprintf(buf + l, n - l, "%s %s %s, expected %s", nbad++ ? ";" : "", p->name,
			                      v->set ? p->symbols[v->sym] : "not given", exp);
		} else {
			if (v->set && v->num >= c->lo && v->num <= c->hi)
				continue;
			const scrub_unit *u = p->kind == ACT_PARAM_QUANTITY ? scrub_unit_base(p->dim) : NULL;
			put_range(exp, sizeof exp, c->lo, c->hi, u ? u->name : NULL);
			if (v->set)
				l += (size_t)snprintf(buf + l, n - l, "%s %s %g%s%s, expected %s", nbad++ ? ";" : "", p->name, v->num,
				                      u ? " " : "", u ? u->name : "", exp);
			else
				l += (size_t)snprintf(buf + l, n - l, "%s %s not given, expected %s", nbad++ ? ";" : "", p->name, exp);
		}
	}
	if (l < n && m) {
		int d = m->delivered >= 0 ? m->delivered : it->kind == SCN_ITEM_DO ? 1 : -1;
		if (d == 1 && !j->delivered)
			l += (size_t)snprintf(buf + l, n - l, "%s not delivered (%s)", nbad++ ? ";" : "", j->reason ? j->reason : j->not_delivered);
		else if (d == 0 && j->delivered)
			l += (size_t)snprintf(buf + l, n - l, "%s delivered", nbad++ ? ";" : "");
		if (m->effective >= 0 && j->effective != (m->effective == 1))
			l += (size_t)snprintf(buf + l, n - l, "%s %s (%s)", nbad++ ? ";" : "", j->effective ? "effective" : "not effective",
			                      j->reason ? j->reason : "the patient model's judgement");
	}
	if (nbad == 0 && !guard_ok && l < n)
		snprintf(buf + l, n - l, " when '%s' did not hold", guard_src);
	else if (nbad == 0 && l < n)
		snprintf(buf + l, n - l, " did not count");
}

/* Leaving a state (or finishing): repeated items required while in it must not be overdue. */
void check_repeat_gaps(sim_session *s, int leaving, double t)
{
	const scn_checklist *c = &s->scn->checklist;
	/* decided by the clock, not by whoever acted last */
	const sim_action *cur = s->cur;
	s->cur = NULL;
	for (int i = 0; i < c->n; i++) {
		const scn_item *it = &c->items[i];
		sim_item_result *r = &s->items[i];
		if (!it->repeat || r->status != ITEM_DONE)
			continue;
		if (it->while_state >= 0 && it->while_state != leaving)
			continue;
		double gap = t - r->last_t;
		if (gap > it->every_hi + 1e-9) {
			char b1[32], b2[32], b3[32];
			item_decide(s, i, ITEM_LATE, r->last_t + it->every_hi, "not repeated within %s of the previous one at %s (next was due at %s)",
			            fmt_t(it->every_hi, b1, sizeof b1), fmt_t(r->last_t, b2, sizeof b2),
			            fmt_t(r->last_t + it->every_hi, b3, sizeof b3));
		}
	}
	s->cur = cur;
}
