/* The vocabulary as data (sim/vocabulary/actions.yaml, drugs.yaml) and the actions a scenario declares. */
#include "check.h"
#include "patient.h"
#include "scenario.h"
#include "script.h"
#include "session.h"
#include "vocab.h"

#include <pthread.h>
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

extern const char *const vocab_actions_yaml;
extern const size_t vocab_actions_yaml_len;
extern const char *const vocab_drugs_yaml;
extern const size_t vocab_drugs_yaml_len;

/* `text` with the first `old` replaced by `new` (malloc'd) */
static char *replaced(const char *text, const char *old, const char *new_)
{
	const char *at = strstr(text, old);
	CHECK(at != NULL);
	if (!at)
		return strdup(text);
	size_t n = strlen(text) - strlen(old) + strlen(new_);
	char *out = malloc(n + 1);
	snprintf(out, n + 1, "%.*s%s%s", (int)(at - text), text, new_, at + strlen(old));
	return out;
}

/* The checks made when the files are read: each fails on a file broken on purpose, with its message. */
static void test_file_checks(void)
{
	static const struct {
		int file; /* 0: drugs.yaml, 1: actions.yaml */
		const char *old, *new_, *msg;
	} cases[] = {
		{0, "    model: epinephrine\n", "", "the patient model simulates 'epinephrine', but no drug of drugs.yaml has model: epinephrine"},
		{0, "    model: atropine\n", "    model: atropin\n", "drug 'atropine': model: atropin is not a drug the patient model simulates"},
		{0, "aliases: [lignocaine]", "aliases: [adrenaline]", "drug 'lidocaine': alias 'adrenaline' is another drug's name or alias"},
		{0, "routes: [PO]", "routes: [oral]", "drug 'aspirin': route 'oral' is not a route of give_drug"},
		{0, "    infusion: [mcg/h]\n", "", "start_infusion lists 'fentanyl', but drugs.yaml gives it no infusion: units"},
		{0, "dose: [mg, mg/kg]", "dose: [mg, mg/kilo]", "unknown unit 'mg/kilo'"},
		{0, "class: antiarrhythmic (class III)", "klass: antiarrhythmic", "unknown field 'klass' (did you mean 'class'?)"},
		{1, "quantity: 0..60 s", "quantity: 0..60 secondz", "unknown unit 'secondz'"},
		{1, "category: assessment\n", "", "action 'check_responsiveness' needs a category:"},
	};
	scrub_diags dd, da;
	scrub_diags_init(&dd, "drugs.yaml", NULL, 0);
	scrub_diags_init(&da, "actions.yaml", NULL, 0);
	CHECK(vocab_check_text(vocab_actions_yaml, vocab_actions_yaml_len, vocab_drugs_yaml, vocab_drugs_yaml_len, &dd, &da));
	CHECK(dd.errors == 0 && da.errors == 0);
	scrub_diags_fini(&dd);
	scrub_diags_fini(&da);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *drugs = cases[i].file == 0 ? replaced(vocab_drugs_yaml, cases[i].old, cases[i].new_) : strdup(vocab_drugs_yaml);
		char *acts = cases[i].file == 1 ? replaced(vocab_actions_yaml, cases[i].old, cases[i].new_) : strdup(vocab_actions_yaml);
		scrub_diags_init(&dd, "drugs.yaml", NULL, 0);
		scrub_diags_init(&da, "actions.yaml", NULL, 0);
		CHECK(!vocab_check_text(acts, strlen(acts), drugs, strlen(drugs), &dd, &da));
		bool found = false;
		for (size_t k = 0; k < dd.n; k++)
			found = found || strstr(dd.v[k].msg, cases[i].msg);
		for (size_t k = 0; k < da.n; k++)
			found = found || strstr(da.v[k].msg, cases[i].msg);
		if (!found) {
			fprintf(stderr, "case %zu: expected \"%s\"\n", i, cases[i].msg);
			scrub_diags_print(&dd, stderr);
			scrub_diags_print(&da, stderr);
		}
		CHECK(found);
		scrub_diags_fini(&dd);
		scrub_diags_fini(&da);
		free(drugs);
		free(acts);
	}
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
	/* every reason the patient model gives for not delivering an action is a word of not_delivered
	 * (a missing one was recorded as `other`: not_given_io and not_running were) */
	const act_def *nd = actions_get(actions_find(ACT_NOT_DELIVERED_NAME, strlen(ACT_NOT_DELIVERED_NAME)));
	CHECK(nd != NULL);
	int nwords = 0;
	for (int i = 0; nd && patient_not_delivered_words[i]; i++, nwords++) {
		const char *w = patient_not_delivered_words[i];
		if (act_symbol_find(&nd->params[0], w, strlen(w)) < 0) {
			fprintf(stderr, "not_delivered has no word '%s'\n", w);
			CHECK(false);
		}
	}
	CHECK(nwords >= 17);
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

/* Scenarios loaded at once on several threads (scrub validate's workers): an identical declaration
 * gets one id whichever thread registers it first, a different one its own. */
#define NTHREADS 4
static const char *const thread_texts[2] = {
	SCN("      level: {count: 1..3, required: true}\n", "  - {name: ok, expect: pass, actions: ['0:10 page level=2']}\n"),
	SCN("      level: {count: 1..4, required: true}\n", "  - {name: ok, expect: pass, actions: ['0:10 page level=2']}\n"),
};
static act_id thread_ids[NTHREADS][10];

static void *load_many(void *arg)
{
	int t = (int)(size_t)arg;
	for (int i = 0; i < 10; i++) {
		const char *text = thread_texts[(t + i) % 2];
		scrub_diags d;
		scenario *s = load("threads.yaml", text, &d);
		thread_ids[t][i] = s && s->actions.n == 1 ? s->actions.ids[0] : ACT_NONE;
		scenario_destroy(&s);
		scrub_diags_fini(&d);
	}
	return NULL;
}

static void test_threads(void)
{
	pthread_t th[NTHREADS];
	for (int t = 0; t < NTHREADS; t++)
		CHECK(pthread_create(&th[t], NULL, load_many, (void *)(size_t)t) == 0);
	for (int t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	act_id first[2] = {thread_ids[0][0], thread_ids[0][1]};
	CHECK(first[0] != ACT_NONE && first[1] != ACT_NONE && first[0] != first[1]);
	for (int t = 0; t < NTHREADS; t++)
		for (int i = 0; i < 10; i++)
			CHECK(thread_ids[t][i] == first[(t + i) % 2]);
}

/* A drug the patient model does not simulate is said once per scenario, not once per model run; a
 * lone bvm_ventilation with a rate is said too. */
static void test_unsimulated_once(void)
{
	static const char text[] =
		"scrub: 1\nid: u\ntitle: U\nversion: '1'\nduration: 5 min\n"
		"patient:\n  model:\n    condition:\n      sepsis: {}\n"
		"states:\n  a:\n    transitions:\n      - {on: handover, to: b}\n  b:\n    end: b\n"
		"checklist:\n  pass: {score: 100}\n  items:\n    - {id: h, text: Hands over, do: handover, within: 4 min}\n"
		"model_runs:\n"
		"  - {name: one, expect: pass, actions: ['0:10 give_drug drug=morphine dose=5mg route=IV', '1:00 handover']}\n"
		"  - {name: two, expect: pass, actions: ['0:10 give_drug drug=morphine dose=5mg route=IV', '1:00 handover']}\n"
		"  - {name: late, expect: {fail: h}, actions: ['0:10 give_drug drug=fentanyl dose=50mcg route=IV']}\n"
		"  - {name: one bag, expect: pass, actions: ['0:10 bvm_ventilation rate=10/min', '1:00 handover']}\n"
		"  - {name: bagging, expect: pass, actions: ['0:10 bvm_ventilation rate=10/min', '0:16 bvm_ventilation rate=10/min',\n"
		"     '0:22 bvm_ventilation rate=10/min', '1:00 handover']}\n";
	scrub_diags d;
	scenario *s = load("u.yaml", text, &d);
	CHECK(s != NULL);
	int morphine = 0, fentanyl = 0, lone = 0;
	for (size_t i = 0; i < d.n; i++) {
		morphine += strstr(d.v[i].msg, "does not simulate morphine") != NULL;
		fentanyl += strstr(d.v[i].msg, "does not simulate fentanyl") != NULL;
		/* bvm_ventilation is one breath: a lone one with a rate is said (run "one bag", not "bagging") */
		lone += strstr(d.v[i].msg, "bvm_ventilation is one breath: rate=10/min") != NULL;
	}
	CHECK(morphine == 1 && fentanyl == 1);
	CHECK(lone == 1);
	scenario_destroy(&s);
	scrub_diags_fini(&d);
}

int main(void)
{
	test_unsimulated_once();
	test_drugs();
	test_file_checks();
	test_builtin_actions();
	test_declared();
	test_threads();
	return CHECK_DONE();
}
