/* The scenario loader: the checklist (items, references between them, checks). */
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

/* ---- checklist ---- */

void collect_items(loader *L, yaml_node *items)
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
		it->role = -1;
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

int find_item_node(loader *L, yaml_node *n, const char *what)
{
	const char *c[MAX_ITEMS];
	for (int i = 0; i < L->s->checklist.n; i++)
		c[i] = L->s->checklist.items[i].id;
	return find_name(L, n, what, "checklist item", "the items", c, L->s->checklist.n);
}

/* `ref:` names one of the scenario's references. */
const char *parse_ref(loader *L, yaml_node *ref)
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

void parse_item(loader *L, yaml_node *n, scn_item *it, double default_partial)
{
	it->points = 1;
	it->role = -1;
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
	yaml_node *role = yaml_get(n, "role"), *swap = yaml_get(n, "swap");
	if (role) {
		if (it->kind != SCN_ITEM_DO && it->kind != SCN_ITEM_FORBID)
			ERR_AT(L, key_of(n, role), SCRUB_DIAG_VALUE, "'role:' is for actions (do: or forbid:): who must do it, or who must not");
		else
			it->role = find_role_node(L, role, "'role'");
	}
	if (swap && parse_bool(L, swap, &it->swap, "'swap'") && it->swap && !it->repeat)
		ERR_AT(L, key_of(n, swap), SCRUB_DIAG_VALUE, "'swap:' goes with 'every:' (each repetition by another participant)");
	if (!it->critical && it->points == 0 && it->penalty == 0 && kinds == 1)
		WARN_AT(L, idn ? idn : n, SCRUB_DIAG_SUSPICIOUS, "item '%s' has no points, no penalty and is not critical: it counts for nothing", it->id);
	static const char *fields[] = {"id", "text", "do", "forbid", "reach", "check", "with", "each", "if", "after", "within", "from",
	                               "every", "while_in", "points", "penalty", "critical", "partial_credit", "ref", "role", "swap", NULL};
	check_fields(L, n, fields, "a checklist item");
}

void parse_checklist_head(loader *L, yaml_node *cl, double *partial)
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

void check_items(loader *L)
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
