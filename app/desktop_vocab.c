/* The desktop's menu: the actions the scenario's checklist and runs name, with a value where they take one. */
#define SCRUB_LOG_MODULE "run"
#include "run_desktop_internal.h"

#include "log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool match_ok(const scn_match *m, const sim_action *a)
{
	if (m->action != a->type)
		return false;
	for (int i = 0; i < m->n; i++) {
		const scn_constraint *c = &m->c[i];
		const act_value *v = &a->params[c->param];
		if (!v->set)
			return false;
		if (c->is_symbol ? !(v->sym >= 0 && v->sym < 64 && (c->symbols >> v->sym) & 1)
		                 : !(v->num >= c->lo - 1e-9 && v->num <= c->hi + 1e-9))
			return false;
	}
	return true;
}

static bool same_symbols(const sim_action *a, const sim_action *b)
{
	if (a->type != b->type)
		return false;
	const act_def *def = actions_get(a->type);
	for (int i = 0; i < ACT_MAX_PARAMS && def->params[i].name; i++)
		if (def->params[i].kind == ACT_PARAM_SYMBOL &&
		    (a->params[i].set != b->params[i].set || (a->params[i].set && a->params[i].sym != b->params[i].sym)))
			return false;
	return true;
}

static bool vocab_skip(act_id type)
{
	const act_def *def = actions_get(type);
	/* instrument poses and the tissue's derived outcomes are no menu entries (instrument_input.c writes poses) */
	return !def || !strcmp(def->name, "compression") || !strcmp(def->name, ACT_JUMP_NAME) ||
	       !strcmp(def->category, "derived") || !strcmp(def->category, "tracking") || !strcmp(def->name, "move");
}

static void vocab_add(vocab *vb, const sim_action *a)
{
	if (vb->n == vb->cap) {
		int cap = vb->cap ? 2 * vb->cap : 16;
		vocab_entry *nv = realloc(vb->v, sizeof(*nv) * (size_t)cap);
		if (!nv)
			return;
		vb->v = nv;
		vb->cap = cap;
	}
	vocab_entry *e = &vb->v[vb->n++];
	memset(e, 0, sizeof *e);
	e->a = *a;
	e->a.t = 0;
	e->a.line = e->a.col = 0;
	for (int i = 0; i < ACT_MAX_PARAMS; i++)
		if (e->a.params[i].set && actions_get(a->type)->params[i].kind == ACT_PARAM_TEXT)
			e->a.params[i] = (act_value){0}; /* notes are not offered */
	scene_action_label(&e->a, e->label, sizeof e->label);
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

static void vocab_add_match(vocab *vb, const scn_match *m)
{
	if (m->action == ACT_NONE || vocab_skip(m->action))
		return;
	for (int i = 0; i < vb->n; i++)
		if (match_ok(m, &vb->v[i].a))
			return; /* an entry already does what this transition or item expects */
	sim_action a = {.type = m->action};
	for (int i = 0; i < m->n; i++) {
		const scn_constraint *c = &m->c[i];
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
	const act_def *def = actions_get(m->action);
	for (int i = 0; i < ACT_MAX_PARAMS && def->params[i].name; i++) {
		if (a.params[i].set || !def->params[i].required)
			continue;
		if (def->params[i].kind != ACT_PARAM_SYMBOL)
			return; /* a required amount nobody stated: not offered */
		a.params[i] = (act_value){.set = true, .sym = 0};
	}
	vocab_add(vb, &a);
}

/* The actions the scenario's model runs, transitions and checklist mention, with the values they use or expect. */
void desk_vocab_build(vocab *vb, const scenario *scn)
{
	for (int r = 0; r < scn->nruns; r++)
		for (int i = 0; i < scn->runs[r].nactions; i++) {
			const sim_action *a = &scn->runs[r].actions[i];
			if (vocab_skip(a->type))
				continue;
			bool dup = false;
			for (int k = 0; k < vb->n && !dup; k++)
				dup = same_symbols(&vb->v[k].a, a);
			if (!dup)
				vocab_add(vb, a);
		}
	for (int s = 0; s < scn->nstates; s++)
		for (int t = 0; t < scn->states[s].ntransitions; t++)
			if (scn->states[s].transitions[t].trigger == SCN_ON_ACTION)
				vocab_add_match(vb, &scn->states[s].transitions[t].match);
	for (int i = 0; i < scn->checklist.n; i++)
		if (scn->checklist.items[i].kind == SCN_ITEM_DO)
			vocab_add_match(vb, &scn->checklist.items[i].match);
}

