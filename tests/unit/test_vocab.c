/* The vocabulary as data (sim/vocabulary/actions.yaml, drugs.yaml) and the actions a scenario declares. */
#include "check.h"
#include "patient.h"
#include "scenario.h"
#include "script.h"
#include "session.h"
#include "vocab.h"

#include <stdlib.h>

static void test_drugs(void)
{
	CHECK(vocab_drug_count() >= 40);
	int epi = vocab_drug_find("epinephrine", 11);
	CHECK(epi == 0);
	CHECK(vocab_drug_find("adrenaline", 10) == epi);
	CHECK(vocab_drug_find("Adrenaline", 10) < 0); /* never guessed */
	CHECK(vocab_drug_find("adrenalin", 9) < 0);
	CHECK_STR(vocab_drug_get(vocab_drug_find("lignocaine", 10))->name, "lidocaine");
	/* every drug the patient model simulates is in the data, under the same model name */
	for (int m = 0; m < PATIENT_DRUG_COUNT_; m++) {
		int found = 0;
		for (int i = 0; i < vocab_drug_count(); i++)
			found += vocab_drug_get(i)->model && strcmp(vocab_drug_get(i)->model, patient_drug_name((patient_drug)m)) == 0;
		CHECK(found >= 1);
	}
	CHECK_STR(vocab_drug_get(vocab_drug_find("glucose", 7))->model, "dextrose");
	CHECK(vocab_drug_get(vocab_drug_find("morphine", 8))->model == NULL);
	/* give_drug lists every drug, in the file's order */
	const act_def *give = actions_get(actions_find("give_drug", 9));
	CHECK(give && act_param_nsymbols(&give->params[0]) == vocab_drug_count());
	for (int i = 0; give && i < vocab_drug_count(); i++)
		CHECK_STR(give->params[0].symbols[i], vocab_drug_get(i)->name);
	/* an alias is read as its drug */
	scrub_arena a;
	scrub_arena_init(&a);
	act_value v = {0};
	char why[2048];
	CHECK(script_parse_value(&give->params[0], "noradrenaline", 13, &a, &v, why, sizeof why) == NULL);
	CHECK_STR(give->params[0].symbols[v.sym], "norepinephrine");
	CHECK(script_parse_value(&give->params[0], "Noradrenaline", 13, &a, &v, why, sizeof why) != NULL);
	CHECK(strstr(why, "did you mean 'noradrenaline'?") != NULL);
	scrub_arena_fini(&a);
}

static void test_builtin_actions(void)
{
	CHECK(vocab_action_count() >= 40);
	for (int i = 0; i < vocab_action_count(); i++) {
		const act_def *d = vocab_action_get(i);
		CHECK(actions_find(d->name, strlen(d->name)) == (act_id)i); /* the data comes first, in order */
		CHECK(d->category[0] && d->help[0]);
	}
	const act_def *cpr = actions_get(actions_find("start_cpr", 9));
	CHECK(cpr && cpr->params[0].kind == ACT_PARAM_QUANTITY && cpr->params[0].dim == SCRUB_DIM_RATE && cpr->params[0].max == 300);
	/* the actions code makes are still there */
	CHECK(actions_find(ACT_COMPLICATION_NAME, strlen(ACT_COMPLICATION_NAME)) != ACT_NONE);
	CHECK(actions_find("incision", 8) != ACT_NONE);
}

static scenario *load(const char *name, const char *text, scrub_diags *d)
{
	scrub_diags_init(d, name, text, strlen(text));
	scenario *s = NULL;
	scenario_load_text(name, text, strlen(text), NULL, d, &s);
	if (!s)
		scrub_diags_print(d, stderr);
	return s;
}

#define SCN(params, runs)                                                                                 \
	"scrub: 1\nid: t\ntitle: T\nversion: '1'\nduration: 2 min\n"                                    \
	"actions:\n  page:\n    help: page someone\n    params:\n" params                                \
	"states:\n  a:\n    transitions:\n      - {on: page, to: b}\n  b:\n    end: b\n"              \
	"checklist:\n  pass: {score: 100}\n  items:\n    - {id: paged, text: Pages, do: page, within: 1 min}\n" \
	"model_runs:\n" runs

static void test_declared(void)
{
	/* two scenarios declare `page` differently; each reads its own, the built-in vocabulary has neither */
	scrub_diags d1, d2, d3;
	scenario *s1 = load("one.yaml", SCN("      who: {symbols: [cardiology, icu], required: true}\n",
	                                    "  - {name: ok, expect: pass, actions: ['0:10 page who=icu']}\n"
	                                    "  - {name: late, expect: {fail: paged}, actions: ['1:30 page who=icu']}\n"), &d1);
	scenario *s2 = load("two.yaml", SCN("      minutes: {quantity: 0..60 min}\n",
	                                    "  - {name: ok, expect: pass, actions: ['0:10 page minutes=5min']}\n"), &d2);
	scenario *s3 = load("one_again.yaml", SCN("      who: {symbols: [cardiology, icu], required: true}\n",
	                                          "  - {name: ok, expect: pass, actions: ['0:10 page who=icu']}\n"), &d3);
	CHECK(s1 && s2 && s3);
	if (s1 && s2 && s3) {
		CHECK(s1->actions.n == 1 && s2->actions.n == 1 && s3->actions.n == 1);
		CHECK(s1->actions.ids[0] != s2->actions.ids[0]);
		CHECK(s1->actions.ids[0] == s3->actions.ids[0]); /* the same declaration, the same id */
		CHECK(actions_find("page", 4) == ACT_NONE);
		CHECK(actions_find_in(&s1->actions, "page", 4) == s1->actions.ids[0]);
		CHECK(actions_find_in(&s2->actions, "page", 4) == s2->actions.ids[0]);
		/* model runs read them */
		CHECK(s1->nruns == 2 && s1->runs[0].nactions == 1 && s1->runs[0].actions[0].type == s1->actions.ids[0]);
		scrub_diags d;
		scrub_diags_init(&d, "x.actions", NULL, 0);
		scrub_arena a;
		scrub_arena_init(&a);
		sim_action act = {0};
		/* s2's parameter is not s1's */
		CHECK(script_parse_line("0:10 page minutes=5min", 22, NULL, 1, 1, &s1->actions, &a, &d, &act) == SCRUB_ERR_INVALID);
		memset(&act, 0, sizeof act);
		CHECK(script_parse_line("0:10 page minutes=5min", 22, NULL, 1, 1, &s2->actions, &a, &d, &act) == SCRUB_OK);
		CHECK(act.params[0].set && act.params[0].num == 300);
		memset(&act, 0, sizeof act);
		CHECK(script_parse_line("0:10 page minutes=5min", 22, NULL, 1, 1, NULL, &a, &d, &act) == SCRUB_ERR_INVALID);
		/* scored like a built-in action: on time, and too late */
		for (int late = 0; late < 2; late++) {
			sim_session *s = NULL;
			sim_action pg = {.t = late ? 90 : 10, .type = s1->actions.ids[0]};
			pg.params[0] = (act_value){.set = true, .sym = 1};
			CHECK(sim_run(s1, &pg, 1, NULL, &s) == SCRUB_OK);
			sim_score sc;
			sim_session_score(s, &sc);
			CHECK(late ? sc.earned < sc.possible : sc.earned == sc.possible);
			CHECK(!late == sc.passed);
			sim_session_destroy(&s);
		}
		scrub_arena_fini(&a);
		scrub_diags_fini(&d);
	}
	scenario_destroy(&s1);
	scenario_destroy(&s2);
	scenario_destroy(&s3);
	scrub_diags_fini(&d1);
	scrub_diags_fini(&d2);
	scrub_diags_fini(&d3);
}

int main(void)
{
	test_drugs();
	test_builtin_actions();
	test_declared();
	return CHECK_DONE();
}
