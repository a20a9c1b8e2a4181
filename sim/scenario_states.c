/* The scenario loader: the state machine (states, transitions, reachability). */
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

/* ---- states ---- */

int find_state_node(loader *L, yaml_node *n, const char *what)
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

expr_prog *compile(loader *L, yaml_node *n, const char *what)
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

void collect_states(loader *L, yaml_node *states)
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

void parse_states(loader *L, yaml_node *states)
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

/* ---- whole-scenario checks ---- */

void check_graph(loader *L)
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
