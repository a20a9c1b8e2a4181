/* The menu of a running scenario, shared by the window and the headset (input_menu.h). */
#include "input_menu.h"

#include "actions.h"
#include "scene_from_sim.h"
#include "script.h"
#include "session.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool menu_skip(act_id type)
{
	const act_def *def = actions_get(type);
	/* instrument poses and the tissue's derived outcomes are no menu entries (instrument_input.c writes poses) */
	return !def || !strcmp(def->name, "compression") || !strcmp(def->name, ACT_JUMP_NAME) ||
	       !strcmp(def->category, "derived") || !strcmp(def->category, "tracking") || !strcmp(def->name, "move");
}

static input_menu_entry *menu_push(input_menu *m, input_menu_kind kind)
{
	if (m->n == m->cap) {
		int cap = m->cap ? 2 * m->cap : 16;
		input_menu_entry *nv = realloc(m->v, sizeof(*nv) * (size_t)cap);
		if (!nv) {
			m->failed = true;
			return NULL;
		}
		m->v = nv;
		m->cap = cap;
	}
	input_menu_entry *e = &m->v[m->n++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	return e;
}

static void action_text(const sim_action *a, char *text, size_t size)
{
	scrub_buf b;
	scrub_buf_init(&b);
	script_format_params(a, &b);
	snprintf(text, size, "%s%s%.*s", actions_get(a->type)->name, b.len ? " " : "", (int)b.len,
	         b.data ? b.data : "");
	scrub_buf_fini(&b);
}

/* A trainee action, unless an entry already is the same action with the same values. */
static void add_action(input_menu *m, const sim_action *src)
{
	sim_action a = *src;
	a.t = 0;
	a.line = a.col = 0;
	const act_def *def = actions_get(a.type);
	for (int i = 0; i < ACT_MAX_PARAMS; i++)
		if (a.params[i].set && def->params[i].kind == ACT_PARAM_TEXT)
			a.params[i] = (act_value){0}; /* notes are not offered */
	char text[sizeof m->v[0].text];
	action_text(&a, text, sizeof text);
	for (int k = 0; k < m->n; k++)
		if (!strcmp(m->v[k].text, text))
			return;
	input_menu_entry *e = menu_push(m, INPUT_MENU_ACTION);
	if (!e)
		return;
	e->act = a;
	memcpy(e->text, text, sizeof e->text);
	scene_action_label(&e->act, e->label, sizeof e->label);
}

/* A value inside [lo, hi] for a range constraint: its middle, or the finite end. */
static double pick_value(double lo, double hi)
{
	if (!isfinite(lo))
		return isfinite(hi) ? hi : 0.0;
	if (!isfinite(hi))
		return lo;
	return 0.5 * (lo + hi);
}

/* What a transition or a checklist item expects, unless an entry already does it. */
static void add_match(input_menu *m, const scn_match *mt)
{
	if (mt->action == ACT_NONE || menu_skip(mt->action))
		return;
	for (int i = 0; i < m->n; i++)
		if (sim_match_params(mt, &m->v[i].act))
			return;
	sim_action a = {.type = mt->action};
	for (int i = 0; i < mt->n; i++) {
		const scn_constraint *c = &mt->c[i];
		act_value *v = &a.params[c->param];
		v->set = true;
		if (c->is_symbol) {
			int k = 0;
			while (k < 63 && !((c->symbols >> k) & 1))
				k++;
			v->sym = k;
		} else {
			v->num = pick_value(c->lo, c->hi);
		}
	}
	const act_def *def = actions_get(mt->action);
	for (int i = 0; i < ACT_MAX_PARAMS && def->params[i].name; i++) {
		if (a.params[i].set || !def->params[i].required)
			continue;
		if (def->params[i].kind != ACT_PARAM_SYMBOL)
			return; /* a required amount nobody stated: not offered */
		a.params[i] = (act_value){.set = true, .sym = 0};
	}
	add_action(m, &a);
}

static void add_control(input_menu *m, input_menu_kind kind, const char *text)
{
	input_menu_entry *e = menu_push(m, kind);
	if (!e)
		return;
	snprintf(e->text, sizeof e->text, "%s", text);
	snprintf(e->label, sizeof e->label, "%s", text);
}

void input_menu_build(input_menu *m, const scenario *scn)
{
	memset(m, 0, sizeof *m);
	for (int r = 0; r < scn->nruns; r++)
		for (int i = 0; i < scn->runs[r].nactions; i++)
			if (!menu_skip(scn->runs[r].actions[i].type))
				add_action(m, &scn->runs[r].actions[i]);
	for (int s = 0; s < scn->nstates; s++)
		for (int t = 0; t < scn->states[s].ntransitions; t++)
			if (scn->states[s].transitions[t].trigger == SCN_ON_ACTION)
				add_match(m, &scn->states[s].transitions[t].match);
	for (int i = 0; i < scn->checklist.n; i++)
		if (scn->checklist.items[i].kind == SCN_ITEM_DO)
			add_match(m, &scn->checklist.items[i].match);
	for (int id = 0; m->n == 0 && id < actions_count(); id++) {
		const act_def *d = actions_get((act_id)id);
		bool needs = false;
		for (int p = 0; p < ACT_MAX_PARAMS && d->params[p].name; p++)
			needs = needs || d->params[p].required;
		if (!needs && !menu_skip((act_id)id))
			add_action(m, &(sim_action){.type = (act_id)id});
	}
	m->nactions = m->n;
	/* the instructor's controls, after the trainee's actions: pause, the jumps, end */
	add_control(m, INPUT_MENU_PAUSE, "[pause / resume]");
	act_id jump = actions_find(ACT_JUMP_NAME, strlen(ACT_JUMP_NAME));
	for (int i = 0; i < scn->nstates; i++) {
		if (!scn->states[i].jump_target)
			continue;
		input_menu_entry *e = menu_push(m, INPUT_MENU_JUMP);
		if (!e)
			continue;
		e->act.type = jump;
		e->act.params[0] = (act_value){.set = true, .text = scn->states[i].name};
		snprintf(e->text, sizeof e->text, "[instructor: jump to %s]", scn->states[i].name);
		snprintf(e->label, sizeof e->label, "[instructor: jump to %s]", scn->states[i].name);
	}
	add_control(m, INPUT_MENU_END, "[end the session]");
}

void input_menu_free(input_menu *m)
{
	free(m->v);
	memset(m, 0, sizeof *m);
}

host_source input_menu_source(const sim_action *a)
{
	return strcmp(actions_get(a->type)->name, ACT_JUMP_NAME) == 0 ? HOST_SRC_INSTRUCTOR : HOST_SRC_TRAINEE;
}
