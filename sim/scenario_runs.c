/* The scenario loader: model runs and the check of their actions. */
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

void parse_model_runs(loader *L, yaml_node *runs)
{
	scenario *s = L->s;
	if (!expect_seq(L, runs, "'model_runs'", MAX_RUNS, "more than %d model runs"))
		return;
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

static bool model_simulates_drug(const char *word)
{
	int g = vocab_drug_find(word, strlen(word));
	return g >= 0 && vocab_drug_get(g)->model;
}

/* A bvm_ventilation with a rate and no other breath within two of its intervals before or after it:
 * written, most likely, as if one action ventilated at that rate until stopped. */
static bool lone_breath(const sim_action *acts, int n, int i, act_id bvm, act_id breaths)
{
	const act_def *def = actions_get(bvm);
	int pi = def ? act_param_find(def, "rate", 4) : -1;
	if (pi < 0 || !acts[i].params[pi].set || !(acts[i].params[pi].num > 0))
		return false;
	double span = 2 * 60.0 / acts[i].params[pi].num;
	for (int k = 0; k < n; k++)
		if (k != i && (acts[k].type == bvm || acts[k].type == breaths) && fabs(acts[k].t - acts[i].t) <= span)
			return false;
	return true;
}

void scenario_check_actions(const scenario *scn, const sim_action *acts, int n, const char *file, scrub_diags *d,
                            uint64_t *warned_drugs)
{
	act_id jump = actions_find(ACT_JUMP_NAME, strlen(ACT_JUMP_NAME));
	act_id give = actions_find("give_drug", 9);
	act_id bvm = actions_find("bvm_ventilation", 15), breaths = actions_find("give_breaths", 12);
	bool bvm_warned = false;
	uint64_t local = 0, *warned_p = warned_drugs ? warned_drugs : &local;
	uint64_t warned = *warned_p;
	act_id set = actions_find(ACT_SET_NAME, sizeof ACT_SET_NAME - 1);
	check_action_roles(scn, acts, n, file, d);
	for (int i = 0; i < n; i++) {
		if (acts[i].type == give && scn->model.present && acts[i].params[0].set) {
			/* a drug the model ignores changes nothing: say so once per drug */
			const act_def *def = actions_get(give);
			int k = acts[i].params[0].sym;
			const char *w = def->params[0].symbols[k];
			if (!model_simulates_drug(w) && k < 64 && !(warned & (1ull << k))) {
				warned |= 1ull << k;
				*warned_p = warned;
				/* file NULL: the scenario itself */
				scrub_diag_add_in(d, file, SCRUB_SEV_WARNING, SCRUB_DIAG_SUSPICIOUS, acts[i].line, acts[i].col, 1,
				                  "the patient model does not simulate %s: giving it is recorded and scored, but the vital "
				                  "signs do not respond (docs/physiology.md lists what the model simulates)", w);
			}
		}
		if (acts[i].type == bvm && !bvm_warned && lone_breath(acts, n, i, bvm, breaths)) {
			bvm_warned = true;
			const act_def *def = actions_get(bvm);
			double rate = acts[i].params[act_param_find(def, "rate", 4)].num;
			scrub_diag_add_in(d, file, SCRUB_SEV_WARNING, SCRUB_DIAG_SUSPICIOUS, acts[i].line, acts[i].col, 1,
			                  "bvm_ventilation is one breath: rate=%g/min is recorded and scored, but the patient "
			                  "is ventilated only by the breaths given, and no other breath comes within %.0f s; "
			                  "repeat it every %.0f s for as long as you ventilate", rate, 2 * 60.0 / rate, 60.0 / rate);
		}
		if (acts[i].type == set) {
			int vi;
			double v;
			char why[200];
			if (!scenario_instructor_value(scn, acts[i].params[0].text, acts[i].params[1].text, &vi, &v, why, sizeof why))
				scrub_diag_add_in(d, file, SCRUB_SEV_ERROR, SCRUB_DIAG_ACTIONS, acts[i].line, acts[i].col, 1, "instructor_set: %s", why);
			else if (scn->vars[vi].is_symbol && acts[i].params[2].set && acts[i].params[2].num > 0)
				scrub_diag_add_in(d, file, SCRUB_SEV_ERROR, SCRUB_DIAG_ACTIONS, acts[i].line, acts[i].col, 1,
				                  "instructor_set: a word cannot change over time (over= is for numbers)");
			continue;
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
