/* A running session: creating it, acting, stepping the state machine, finishing and scoring (session_internal.h). */
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

const char *item_status_name(item_status s)
{
	switch (s) {
	case ITEM_PENDING: return "pending";
	case ITEM_DONE: return "done";
	case ITEM_LATE: return "late";
	case ITEM_OUT_OF_ORDER: return "out_of_order";
	case ITEM_MISSED: return "missed";
	case ITEM_VIOLATED: return "violated";
	}
	return "?";
}

const char *item_status_label(item_status s)
{
	return s == ITEM_OUT_OF_ORDER ? "out of order" : item_status_name(s);
}

void emit(sim_session *s, const sim_event *ev)
{
	if (s->opts.on_event)
		s->opts.on_event(s->opts.user, ev);
}

static expr_env env_of(const sim_session *s)
{
	return (expr_env){
		.vars = s->vars,
		.time = s->t,
		.time_in_state = s->t - s->state_t,
		.state = s->state,
		.action_count = s->action_count,
		.action_last = s->action_last,
		.item_done = s->item_done,
		.tally = s->tally,
	};
}

static void apply_effects(sim_session *s, const scn_effects *fx, double t)
{
	for (int i = 0; i < fx->n; i++) {
		const scn_effect *e = &fx->v[i];
		if (s->scn->vars[e->var].model_field == SCN_MODEL_RHYTHM && s->pt) {
			patient_action pa = {.kind = PATIENT_ACT_SET_RHYTHM};
			pa.set_rhythm.rhythm = (patient_rhythm)(int)e->value;
			patient_apply(s->pt, &pa, NULL);
			read_model(s);
			continue;
		}
		if (e->kind == SCN_SET) {
			s->vars[e->var] = e->value;
			s->trends[e->var].active = false;
		} else {
			s->trends[e->var] = (trend_rt){.active = true, .from = s->vars[e->var], .to = e->value, .t0 = t, .dur = e->over_s};
		}
	}
}

static void end_session(sim_session *s, double t, const char *outcome)
{
	if (s->ended)
		return;
	s->ended = true;
	s->end_t = t;
	s->outcome = outcome;
	sim_event ev = {.kind = SIM_EV_END, .t = t, .outcome = outcome};
	emit(s, &ev);
}

static void enter_state(sim_session *s, int to, double t, const char *cause)
{
	int from = s->state;
	if (from >= 0 && from != to)
		check_repeat_gaps(s, from, t);
	s->state = to;
	s->state_t = t;
	if (s->state_first[to] < 0)
		s->state_first[to] = t;
	const scn_state *st = &s->scn->states[to];
	memset(s->tr_prev, 0, (size_t)s->ntr_prev);
	sim_event ev = {.kind = SIM_EV_STATE, .t = t, .from = from, .to = to, .cause = cause};
	emit(s, &ev);
	apply_effects(s, &st->on_enter, t);
	const scn_checklist *c = &s->scn->checklist;
	expr_env env = env_of(s);
	env.time = t;
	env.time_in_state = 0;
	for (int i = 0; i < c->n; i++) {
		const scn_item *it = &c->items[i];
		if (it->kind == SCN_ITEM_REACH && it->reach_state == to && (!it->guard || expr_eval(it->guard, &env)))
			item_happened(s, i, t, t);
	}
	if (st->is_end)
		end_session(s, t, st->outcome);
}

scrub_result sim_session_create(const scenario *scn, const sim_session_opts *opts, sim_session **out)
{
	*out = NULL;
	sim_session *s = calloc(1, sizeof *s);
	if (!s)
		return SCRUB_ERR_NOMEM;
	s->scn = scn;
	if (opts)
		s->opts = *opts;
	int na = actions_count();
	int maxtr = 1;
	for (int i = 0; i < scn->nstates; i++)
		if (scn->states[i].ntransitions > maxtr)
			maxtr = scn->states[i].ntransitions;
	s->vars = calloc((size_t)scn->nvars + 1, sizeof *s->vars);
	s->trends = calloc((size_t)scn->nvars + 1, sizeof *s->trends);
	s->action_count = calloc((size_t)na, sizeof *s->action_count);
	s->action_last = calloc((size_t)na, sizeof *s->action_last);
	s->item_done = calloc((size_t)scn->checklist.n + 1, 1);
	s->items = calloc((size_t)scn->checklist.n + 1, sizeof *s->items);
	s->state_first = calloc((size_t)scn->nstates + 1, sizeof *s->state_first);
	s->tr_prev = calloc((size_t)maxtr, 1);
	s->vars_pre = calloc((size_t)scn->nvars + 1, sizeof *s->vars_pre);
	s->stand_clear_t = -1;
	s->cpr.recoil_pct = 100;
	s->cpr.last_sample_t = -1;
	s->ntr_prev = maxtr;
	if (!s->vars || !s->trends || !s->action_count || !s->action_last || !s->item_done || !s->items ||
	    !s->state_first || !s->tr_prev || !s->vars_pre) {
		sim_session_destroy(&s);
		return SCRUB_ERR_NOMEM;
	}
	for (int i = 0; i < scn->nvars; i++)
		s->vars[i] = scn->vars[i].init;
	if (scn->model.present) {
		if (patient_create(&scn->model.cfg, &s->pt) != SCRUB_OK) {
			sim_session_destroy(&s);
			return SCRUB_ERR_RUNTIME;
		}
		s->waves = (patient_wave_ring){.ecg_mv = s->wave_buf[0], .pleth = s->wave_buf[1], .co2_mmhg = s->wave_buf[2],
		                               .capacity = SIM_WAVE_RING};
		read_model(s);
	}
	if (scn->tissue.present) {
		if (surgery_create(&scn->tissue, &s->surg) != SCRUB_OK) {
			sim_session_destroy(&s);
			return SCRUB_ERR_RUNTIME;
		}
		read_tissue(s);
	}
	for (int i = 0; i < na; i++)
		s->action_last[i] = -1;
	for (int i = 0; i < scn->nstates; i++)
		s->state_first[i] = -1;
	for (int i = 0; i < scn->checklist.n; i++) {
		s->items[i].time = -1;
		s->items[i].end_t = -1;
		s->items[i].attempt_t = -1;
	}
	s->state = -1;
	enter_state(s, scn->initial, 0, "start");
	*out = s;
	return SCRUB_OK;
}

void sim_session_destroy(sim_session **sp)
{
	if (!sp || !*sp)
		return;
	sim_session *s = *sp;
	free(s->vars);
	free(s->trends);
	free(s->action_count);
	free(s->action_last);
	free(s->item_done);
	free(s->items);
	free(s->state_first);
	free(s->tr_prev);
	free(s->vars_pre);
	patient_destroy(&s->pt);
	surgery_destroy(&s->surg);
	free(s);
	*sp = NULL;
}

/* A shock needs a "stand clear" this recently (s): everyone's hands off the patient. */
#define STAND_CLEAR_S 20.0

static void act(sim_session *s, const sim_action *a, bool derived);

/* Records the model's judgement of `cause` as a derived action the checklist can see. */
static void act_derived(sim_session *s, const sim_action *cause, const char *name, const char *word, const char *reason)
{
	act_id id = actions_find(name, strlen(name));
	const act_def *def = actions_get(id);
	int k = act_symbol_find(&def->params[0], word, strlen(word));
	if (k < 0)
		k = act_symbol_find(&def->params[0], "other", 5);
	sim_action d = {.t = cause->t, .type = id};
	memcpy(d.by, cause->by, sizeof d.by);
	memcpy(d.role, cause->role, sizeof d.role);
	d.params[0] = (act_value){.set = true, .sym = k};
	d.params[1] = (act_value){.set = true, .text = actions_get(cause->type)->name};
	if (reason)
		d.params[2] = (act_value){.set = true, .text = reason};
	act(s, &d, true);
}

/* An action by a participant whose role may not do it: recorded as a derived out_of_role, which a
 * checklist item can forbid. */
static void act_out_of_role(sim_session *s, const sim_action *cause)
{
	act_id id = actions_find(ACT_OUT_OF_ROLE_NAME, sizeof ACT_OUT_OF_ROLE_NAME - 1);
	const char *name = actions_get(cause->type)->name;
	sim_action d = {.t = cause->t, .type = id};
	memcpy(d.by, cause->by, sizeof d.by);
	memcpy(d.role, cause->role, sizeof d.role);
	snprintf(s->role_why, sizeof s->role_why, "%s%s%s may not %s", cause->by[0] ? cause->by : "", cause->by[0] ? " as " : "",
	         cause->role, name);
	d.params[0] = (act_value){.set = true, .text = name};
	d.params[1] = (act_value){.set = true, .text = s->role_why};
	act(s, &d, true);
}

/* The participant who did `a` (by name), counted; NULL for an action without an author. */
static sim_participant *participant_of(sim_session *s, const sim_action *a)
{
	if (!a->by[0])
		return NULL;
	for (int i = 0; i < s->nparticipants; i++)
		if (strcmp(s->participants[i].name, a->by) == 0)
			return &s->participants[i];
	if (s->nparticipants == SIM_MAX_PARTICIPANTS)
		return NULL;
	sim_participant *p = &s->participants[s->nparticipants++];
	memcpy(p->name, a->by, sizeof p->name);
	memcpy(p->role, a->role, sizeof p->role);
	return p;
}

static void act(sim_session *s, const sim_action *a, bool derived)
{
	sim_event ev = {.kind = SIM_EV_ACTION, .t = a->t, .action = a, .ignored = s->ended, .derived = derived};
	emit(s, &ev);
	if (s->ended)
		return;
	sim_participant *who = derived ? NULL : participant_of(s, a);
	if (who)
		who->actions++;
	if (s->surg && !derived && surgery_is_input(s->surg, a->type))
		surgery_input(s->surg, a);
	s->nactions++;
	const scenario *scn = s->scn;
	const act_def *def = actions_get(a->type);
	/* The checklist sees the world as it was when the trainee acted, and what the model made of it. */
	memcpy(s->vars_pre, s->vars, (size_t)scn->nvars * sizeof *s->vars);
	judgement j = {.delivered = true, .effective = true};
	if (s->pt && !derived) {
		j = apply_to_patient(s, a);
		cpr_meter_action(&s->cpr, def->name, &j, a->t);
	}
	const char *safety = NULL;
	if (strcmp(def->name, "stand_clear") == 0)
		s->stand_clear_t = a->t;
	if (!derived && strcmp(def->name, "shock") == 0 && j.delivered &&
	    (s->stand_clear_t < 0 || a->t - s->stand_clear_t > STAND_CLEAR_S))
		safety = "no_stand_clear";
	double t_end = a->t + num_of(a, def, "duration", 0);
	expr_env env = env_of(s);
	env.vars = s->vars_pre;
	env.time = a->t;
	env.time_in_state = a->t - s->state_t;
	const scn_checklist *c = &scn->checklist;
	char tb[32];
	const sim_action *outer = s->cur;
	s->cur = a;
	for (int i = 0; i < c->n; i++) {
		const scn_item *it = &c->items[i];
		if (it->kind == SCN_ITEM_REACH || it->kind == SCN_ITEM_CHECK || !item_form(it, a))
			continue;
		/* an item of a role is about what that role does: the others' actions are not its business */
		if (it->role >= 0 && strcmp(a->role, scn->roles[it->role].name) != 0)
			continue;
		sim_item_result *r = &s->items[i];
		bool guard_ok = !it->guard || expr_eval(it->guard, &env);
		bool ok = guard_ok && item_match(it, a, &j);
		/* `each:` judges what was done (the constraints), also when the model says it was not news
		 * (a start_cpr while compressions run reports their rate and depth) */
		bool each_ok = ok || (it->each && guard_ok && item_constraints_met(it, a));
		if (it->kind == SCN_ITEM_FORBID) {
			if (!ok || r->status != ITEM_PENDING)
				continue;
			if (it->has_window) {
				double a0 = anchor_time(s, it);
				if (a0 < 0 || a->t - a0 < it->win_lo || a->t - a0 > it->win_hi)
					continue;
			}
			/* what was done, with its parameters, and the model's words when it judged it */
			const char *why = derived && a->params[2].set ? a->params[2].text : j.complication ? j.reason : NULL;
			scrub_buf pb;
			scrub_buf_init(&pb);
			if (!derived)
				script_format_params(a, &pb);
			item_decide(s, i, ITEM_VIOLATED, a->t, "%s%s%s at %s%s%s", derived && a->params[1].set ? a->params[1].text : def->name,
			            pb.len ? " " : "", pb.len ? pb.data : "", scrub_format_time(a->t, tb, sizeof tb), why ? ": " : "",
			            why ? why : "");
			scrub_buf_fini(&pb);
			continue;
		}
		if (ok) {
			item_happened(s, i, a->t, t_end);
			continue;
		}
		/* an action of the item's kind that does not meet it: say why */
		if (it->each && guard_ok && !each_ok && r->status != ITEM_VIOLATED && r->status != ITEM_PENDING) {
			char why[200];
			describe_miss(it, a, &j, guard_ok, NULL, why, sizeof why);
			item_decide(s, i, ITEM_VIOLATED, a->t, "%s", why);
			continue;
		}
		if (r->status != ITEM_PENDING)
			continue;
		if (guard_ok && r->attempt_t < 0) {
			r->attempt_t = a->t;
			r->attempt_end = t_end;
			describe_miss(it, a, &j, true, NULL, r->attempt, sizeof r->attempt);
			if (it->each && !each_ok) {
				item_decide(s, i, ITEM_VIOLATED, a->t, "%s", r->attempt);
				continue;
			}
		} else if (!guard_ok && r->attempt_t < 0) {
			/* the latest try when its condition did not hold says most about why the item was missed */
			describe_miss(it, a, &j, false, expr_source(it->guard), r->attempt, sizeof r->attempt);
		}
	}
	s->cur = outer;
	s->action_count[a->type]++;
	s->action_last[a->type] = a->t;
	for (int k = 0; k < scn->ntallies; k++) {
		const scn_tally *t = &scn->tallies[k];
		scn_match m = {.action = t->action, .n = t->n, .delivered = 1, .effective = -1};
		memcpy(m.c, t->c, sizeof t->c);
		if (match(&m, a, &j, true))
			s->tally[k] += t->param < 0 ? 1 : a->params[t->param].set ? a->params[t->param].num : 0;
	}

	act_id jump = actions_find(ACT_JUMP_NAME, sizeof ACT_JUMP_NAME - 1);
	if (a->type == actions_find(ACT_SET_NAME, sizeof ACT_SET_NAME - 1)) {
		/* the instructor changes the patient: as a state's set: (at once) or trend: (over=) would */
		int vi;
		double v;
		char why[200];
		if (!scenario_instructor_value(scn, a->params[0].text, a->params[1].text, &vi, &v, why, sizeof why)) {
			LOG_W("instructor_set ignored: %s", why);
			return;
		}
		bool trend = a->params[2].set && a->params[2].num > 0 && !scn->vars[vi].is_symbol;
		scn_effect e = {.kind = trend ? SCN_TREND : SCN_SET, .var = vi, .value = v, .over_s = trend ? a->params[2].num : 0};
		scn_effects fx = {.v = &e, .n = 1};
		apply_effects(s, &fx, a->t);
		return;
	}
	if (a->type == actions_find(ACT_MARK_NAME, sizeof ACT_MARK_NAME - 1))
		return; /* a marker for the debrief: in the record and the timeline, nothing else */
	if (a->type == jump) {
		int to = scenario_find_state(scn, a->params[0].text ? a->params[0].text : "");
		if (to >= 0 && scn->states[to].jump_target) {
			enter_state(s, to, a->t, "instructor");
		} else {
			LOG_W("instructor_jump to '%s' ignored: not a jump target", a->params[0].text ? a->params[0].text : "");
		}
		return;
	}
	/* First action transition of the current state that matches wins. */
	env = env_of(s);
	env.time = a->t;
	env.time_in_state = a->t - s->state_t;
	const scn_state *st = &scn->states[s->state];
	for (int k = 0; k < st->ntransitions; k++) {
		const scn_transition *tr = &st->transitions[k];
		if (tr->trigger != SCN_ON_ACTION || !match(&tr->match, a, &j, true))
			continue;
		if (tr->guard && !expr_eval(tr->guard, &env))
			continue;
		apply_effects(s, &tr->effects, a->t);
		if (tr->to >= 0) {
			snprintf(s->cause, sizeof s->cause, "action %s", def->name);
			enter_state(s, tr->to, a->t, s->cause);
		}
		break;
	}
	/* a bedside test shows its result, in the record too */
	if (s->pt && !derived && strcmp(def->name, "check_glucose") == 0) {
		act_id gr = actions_find("glucose_reading", 15);
		sim_action r = {.t = a->t, .type = gr};
		memcpy(r.by, a->by, sizeof r.by);
		memcpy(r.role, a->role, sizeof r.role);
		/* meters show one decimal in mmol/L */
		r.params[0] = (act_value){.set = true, .num = round(patient_vitals_get(s->pt)->glucose_mmol_l * 10.0) / 10.0};
		act(s, &r, true);
	}
	/* what the model judged goes into the record, where the checklist can see it */
	if (j.not_delivered)
		act_derived(s, a, ACT_NOT_DELIVERED_NAME, j.not_delivered, j.reason);
	if (j.complication)
		act_derived(s, a, ACT_COMPLICATION_NAME, j.complication, j.reason);
	if (safety)
		act_derived(s, a, ACT_COMPLICATION_NAME, safety, "shock without a \"stand clear\" call: hands may be on the patient");
	if (!derived && a->role[0] && !scenario_role_may(scn, a->role, a->type)) {
		if (who)
			who->out_of_role++;
		act_out_of_role(s, a);
	}
}

void sim_session_act(sim_session *s, const sim_action *a)
{
	const act_def *def = actions_get(a->type);
	if (act_is_derived(def)) {
		LOG_W("t=%.3f %s is derived by the simulation, not an input: ignored", a->t, def->name);
		return;
	}
	act(s, a, false);
}

void sim_session_step(sim_session *s)
{
	const scenario *scn = s->scn;
	const double t0 = s->t;
	s->step++;
	/* on the step grid, rounded to the nanosecond so that 60730 steps of 0.01 s read 607.3 */
	s->t = round((double)s->step * scn->dt * 1e9) / 1e9;
	if (s->pt) {
		patient_step(s->pt, scn->dt);
		patient_waves_append(s->pt, &s->waves);
		if (!s->ended)
			cpr_meter_step(&s->cpr, patient_vitals_get(s->pt), s->t, scn->dt);
		read_model(s);
	}
	if (s->surg) {
		/* the physics' outcomes are scored as actions at the time they happened */
		const sim_action *der = NULL;
		int nder = 0;
		if (surgery_step(s->surg, t0, scn->dt, &der, &nder) != SCRUB_OK)
			LOG_E("t=%.3f the tissue step failed", s->t);
		read_tissue(s);
		for (int i = 0; i < nder; i++)
			act(s, &der[i], true);
	}
	for (int i = 0; i < scn->nvars; i++) {
		trend_rt *tr = &s->trends[i];
		if (!tr->active)
			continue;
		double f = (s->t - tr->t0) / tr->dur;
		if (f >= 1) {
			f = 1;
			tr->active = false;
		}
		s->vars[i] = tr->from + (tr->to - tr->from) * f;
	}
	if (s->ended)
		return;
	const scn_state *st = &scn->states[s->state];
	expr_env env = env_of(s);
	for (int k = 0; k < st->ntransitions; k++) {
		const scn_transition *tr = &st->transitions[k];
		bool fire;
		if (tr->trigger == SCN_WHEN) {
			bool v = expr_eval(tr->guard, &env);
			/* A reaction that stays fires when its condition becomes true, not every step. */
			fire = tr->to >= 0 ? v : (v && !s->tr_prev[k]);
			s->tr_prev[k] = v;
		} else if (tr->trigger == SCN_AFTER) {
			fire = env.time_in_state >= tr->after_s - 1e-9 && !(tr->to < 0 && s->tr_prev[k]);
			if (fire)
				s->tr_prev[k] = 1;
		} else {
			continue;
		}
		if (!fire)
			continue;
		apply_effects(s, &tr->effects, s->t);
		if (tr->to >= 0) {
			if (tr->trigger == SCN_WHEN) {
				snprintf(s->cause, sizeof s->cause, "condition %s", expr_source(tr->guard));
			} else {
				char b[32];
				snprintf(s->cause, sizeof s->cause, "after %s", scrub_format_time(tr->after_s, b, sizeof b));
			}
			enter_state(s, tr->to, s->t, s->cause);
			break;
		}
	}
	if (!s->ended && s->t >= scn->duration_s - 1e-9)
		end_session(s, scn->duration_s, "timeout");
}

/* "ccf 64 %, longest_pause 14.2 s": the variables a condition reads, as they are now. */
static void measured(const sim_session *s, const expr_prog *p, char *buf, size_t n)
{
	const char *src = expr_source(p);
	const scenario *scn = s->scn;
	size_t l = 0;
	buf[0] = '\0';
	uint64_t seen[4] = {0};
	for (const char *q = src; *q && l < n;) {
		if (!(isalpha((unsigned char)*q) || *q == '_')) {
			q++;
			continue;
		}
		const char *b = q;
		while (isalnum((unsigned char)*q) || *q == '_')
			q++;
		int v = scenario_find_var(scn, b, (size_t)(q - b));
		if (v < 0 || v >= 256 || (seen[v / 64] & (1ull << (v % 64))))
			continue;
		seen[v / 64] |= 1ull << (v % 64);
		const scn_var *sv = &scn->vars[v];
		if (sv->is_symbol) {
			int k = (int)s->vars[v];
			l += (size_t)snprintf(buf + l, n - l, "%s%s %s", l ? ", " : "", sv->name,
			                      k >= 0 && k < sv->nsymbols ? sv->symbols[k] : "?");
		} else {
			l += (size_t)snprintf(buf + l, n - l, "%s%s %.3g%s%s", l ? ", " : "", sv->name, s->vars[v],
			                      sv->unit ? " " : "", sv->unit ? sv->unit->name : "");
		}
	}
}

void sim_session_finish(sim_session *s, const char *outcome)
{
	if (s->finished)
		return;
	if (!s->ended)
		end_session(s, s->t, outcome ? outcome : "stopped");
	s->finished = true;
	double t = s->end_t;
	check_repeat_gaps(s, s->state, t);
	const scn_checklist *c = &s->scn->checklist;
	expr_env env = env_of(s);
	env.time = t;
	for (int i = 0; i < c->n; i++) {
		const scn_item *it = &c->items[i];
		sim_item_result *r = &s->items[i];
		if (r->status != ITEM_PENDING)
			continue;
		if (it->kind == SCN_ITEM_FORBID) {
			item_decide(s, i, ITEM_DONE, -1, NULL);
		} else if (it->kind == SCN_ITEM_CHECK) {
			char m[200];
			measured(s, it->check, m, sizeof m);
			if (expr_eval(it->check, &env))
				item_decide(s, i, ITEM_DONE, t, "%s", m);
			else
				item_decide(s, i, ITEM_MISSED, t, "%s%sexpected %s", m, m[0] ? "; " : "", expr_source(it->check));
		} else if (r->attempt[0]) {
			char note[sizeof r->attempt];
			memcpy(note, r->attempt, sizeof note);
			item_decide(s, i, ITEM_MISSED, -1, "%s", note);
		} else {
			/* the trainee never had the chance (model_run_check says so; the report keeps "missed") */
			r->window_unopened = it->has_window && (anchor_time(s, it) < 0 || anchor_time(s, it) + it->win_lo > t);
			item_decide(s, i, ITEM_MISSED, -1, NULL);
		}
	}
}

void sim_session_score(const sim_session *s, sim_score *out)
{
	const scn_checklist *c = &s->scn->checklist;
	memset(out, 0, sizeof *out);
	for (int i = 0; i < c->n; i++) {
		const scn_item *it = &c->items[i];
		const sim_item_result *r = &s->items[i];
		out->possible += it->points;
		out->earned += r->points;
		out->penalties += r->penalty;
		if (it->critical && r->status != ITEM_DONE)
			out->ncritical_failures++;
	}
	double score = out->possible > 0 ? 100.0 * out->earned / out->possible : 100.0;
	score -= out->penalties;
	if (score < 0)
		score = 0;
	if (score > 100)
		score = 100;
	/* one decimal, so that the report and the pass decision agree exactly */
	out->score = round(score * 10.0) / 10.0;
	out->passed = out->score >= c->pass_score - 1e-9 && (!c->all_critical || out->ncritical_failures == 0);
}

bool sim_session_ended(const sim_session *s) { return s->ended; }
double sim_session_time(const sim_session *s) { return s->t; }
uint64_t sim_session_steps(const sim_session *s) { return s->step; }
int sim_session_state(const sim_session *s) { return s->state; }
const double *sim_session_vars(const sim_session *s) { return s->vars; }
const sim_item_result *sim_session_items(const sim_session *s) { return s->items; }
const char *sim_session_outcome(const sim_session *s) { return s->outcome; }
double sim_session_end_time(const sim_session *s) { return s->end_t; }
const scenario *sim_session_scenario(const sim_session *s) { return s->scn; }

bool model_run_check(const scenario *scn, int index, scrub_diags *diags, model_run_result *out)
{
	const scn_model_run *run = &scn->runs[index];
	memset(out, 0, sizeof *out);
	sim_session *s = NULL;
	if (sim_run(scn, run->actions, run->nactions, NULL, &s) != SCRUB_OK) {
		scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_MODEL_RUN, run->line, run->col, 1,
		               "model run '%s' could not be run (out of memory)", run->name);
		return false;
	}
	sim_score sc;
	sim_session_score(s, &sc);
	out->passed = sc.passed;
	out->score = sc.score;
	out->outcome = sim_session_outcome(s);
	const sim_item_result *res = sim_session_items(s);
	size_t l = 0;
	for (int i = 0; i < scn->checklist.n; i++) {
		if (res[i].status == ITEM_DONE)
			continue;
		l += (size_t)snprintf(out->failed_items + l, sizeof out->failed_items - l, "%s%s (%s)", l ? ", " : "",
		                      scn->checklist.items[i].id,
		                      res[i].window_unopened ? "missed: the case ended before its window opened" : item_status_name(res[i].status));
		if (l >= sizeof out->failed_items)
			break;
	}
	bool ok = true;
	if (run->expect_pass && !sc.passed) {
		scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_MODEL_RUN, run->expect_line, run->expect_col, 4,
		               "model run '%s' was expected to pass but did not: score %.1f (pass mark %g)%s%s; items not met: %s",
		               run->name, sc.score, scn->checklist.pass_score,
		               sc.ncritical_failures ? ", critical items not met" : "", "", out->failed_items[0] ? out->failed_items : "none");
		ok = false;
	} else if (!run->expect_pass && sc.passed) {
		scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_MODEL_RUN, run->expect_line, run->expect_col, 1,
		               "model run '%s' was expected to fail but passed with score %.1f", run->name, sc.score);
		ok = false;
	}
	/* the items named ({fail: [...]}, or {lose: [...]} for a minor mistake that passes) must not be done */
	for (int k = 0; k < run->nexpect; k++) {
		int it = run->expect_items[k];
		if (res[it].status == ITEM_DONE) {
			scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_MODEL_RUN, run->expect_line, run->expect_col, 1,
			               "model run '%s' was expected to %s '%s', but that item was done", run->name,
			               run->expect_pass ? "lose points on" : "fail on", scn->checklist.items[it].id);
			ok = false;
		}
	}
	sim_session_destroy(&s);
	return ok;
}

const patient_wave_ring *sim_session_waves(const sim_session *s)
{
	return s->pt ? &s->waves : NULL;
}

const patient_vitals *sim_session_vitals(const sim_session *s)
{
	return s->pt ? patient_vitals_get(s->pt) : NULL;
}

const sim_participant *sim_session_participants(const sim_session *s, int *n)
{
	*n = s->nparticipants;
	return s->participants;
}
