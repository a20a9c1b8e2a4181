/* The rules that make scores trustworthy, each with runs that must pass and runs that must fail for
 * a named reason: the patient model's judgements (delivered, effective, complications) as derived
 * actions the checklist sees; alternatives with per-kg doses; `each:`; whole-session `check:` items
 * and the CPR quality meter; windows that count from the end of a timed action; attempts that keep
 * a later item in order; reports that say what was measured against what was expected. */
#include "check.h"
#include "scenario_test_util.h"
#include "scenario.h"
#include "script.h"
#include "session.h"

#include <math.h>
#include <stdlib.h>

/* An arrest in coarse VF with the physiology model, and a checklist that uses every new rule. */
static const char *arrest =
	"scrub: 1\n"
	"id: j\n"
	"title: J\n"
	"version: '1'\n"
	"duration: 6 min\n"
	"seed: 634\n"
	"patient:\n"
	"  weight: 80 kg\n"
	"  model:\n"
	"    condition:\n"
	"      cardiac_arrest: {rhythm: vf_coarse}\n"
	"states:\n"
	"  arrest:\n"
	"    transitions:\n"
	"      - on: shock\n"
	"        to: shocked\n"
	"  shocked:\n"
	"    transitions:\n"
	"      - after: 10 min\n"
	"        to: arrest\n"
	"checklist:\n"
	"  pass: {score: 50, all_critical: true}\n"
	"  items:\n"
	"    - {id: check, text: pulse check 5-10 s, do: {action: check_pulse, duration: 5..10 s}, points: 5, critical: true}\n"
	"    - {id: cpr, text: compressions within 10 s of the check's end, do: start_cpr, after: check, within: 10 s, from: item check, points: 5, critical: true}\n"
	"    - {id: each_cpr, text: every start 100-120 and 5-6 cm, do: {action: start_cpr, rate: 100..120 /min, depth: 50..60 mm}, each: true, points: 5, critical: true}\n"
	"    - {id: shock1, text: a delivered shock, do: {action: shock, energy: 150..200 J}, points: 5, critical: true}\n"
	"    - {id: safe, text: stand clear, forbid: {action: complication, kind: [no_stand_clear, shock_during_compressions]}, points: 0, penalty: 20, critical: true}\n"
	"    - {id: no_pads_press, text: no shock without pads, forbid: {action: shock, delivered: no}, points: 0, penalty: 5}\n"
	"    - {id: access, text: IV or IO, do: [iv_access, io_access], points: 5}\n"
	"    - id: anti\n"
	"      text: amiodarone 300 or lidocaine 1-1.5 mg/kg\n"
	"      do:\n"
	"        - {action: give_drug, drug: amiodarone, dose: 300 mg ± 15 mg, route: [IV, IO]}\n"
	"        - {action: give_drug, drug: lidocaine, dose: 1..1.5 mg/kg, route: [IV, IO]}\n"
	"      points: 5\n"
	"    - {id: quality, text: CPR quality, check: ccf >= 80 % and cpr_rate_ok >= 80 % and cpr_depth_ok >= 80 %, points: 5}\n"
	"    - {id: pauses, text: pauses, check: longest_pause <= 10 s, points: 5}\n";

static scenario *load_text(const char *src, scrub_diags *d, bool quiet)
{
	scenario *s = NULL;
	scrub_diags_init(d, "j.yaml", src, strlen(src));
	scenario_load_text("j.yaml", src, strlen(src), NULL, d, &s);
	if (!s && !quiet)
		scrub_diags_print(d, stderr);
	return s;
}

typedef struct seen {
	char kinds[8][48];
	int n;
} seen;

static void on_event(void *user, const sim_event *ev)
{
	seen *w = user;
	if (ev->kind != SIM_EV_ACTION || !ev->derived || w->n >= 8)
		return;
	const act_def *def = actions_get(ev->action->type);
	snprintf(w->kinds[w->n++], sizeof w->kinds[0], "%s:%s", def->name, def->params[0].symbols[ev->action->params[0].sym]);
}

static sim_session *play(scenario *scn, const char *script, scrub_arena *a, seen *w)
{
	sim_run_opts o = {.session = {.on_event = w ? on_event : NULL, .user = w}};
	return play_script(scn, script, a, &o);
}

static const sim_item_result *item(sim_session *s, const char *id)
{
	return &sim_session_items(s)[scenario_find_item(sim_session_scenario(s), id)];
}

static bool saw(const seen *w, const char *k)
{
	for (int i = 0; i < w->n; i++)
		if (strcmp(w->kinds[i], k) == 0)
			return true;
	return false;
}

#define GOOD "0:02 check_pulse duration=8s\n0:12 start_cpr rate=110/min depth=55mm\n0:30 attach_pads position=anterolateral\n" \
             "0:40 iv_access\n"

static void test_correct_run(scenario *scn)
{
	scrub_arena a;
	scrub_arena_init(&a);
	seen w = {0};
	/* compressions 2 s after the end of an 8 s check (10 s after it began) */
	sim_session *s = play(scn, GOOD "1:00 charge energy=200J\n1:03 stand_clear\n1:05 shock energy=200J\n"
	                           "1:07 start_cpr rate=110/min depth=55mm\n1:20 give_drug drug=lidocaine dose=100mg route=IV\n", &a, &w);
	CHECK(item(s, "check")->status == ITEM_DONE);
	CHECK(item(s, "cpr")->status == ITEM_DONE);
	CHECK(item(s, "each_cpr")->status == ITEM_DONE);
	CHECK(item(s, "shock1")->status == ITEM_DONE);
	CHECK(item(s, "safe")->status == ITEM_DONE);
	CHECK(item(s, "access")->status == ITEM_DONE);
	CHECK(item(s, "anti")->status == ITEM_DONE); /* lidocaine 100 mg = 1.25 mg/kg for 80 kg */
	CHECK(item(s, "quality")->status == ITEM_DONE);
	CHECK(item(s, "pauses")->status == ITEM_DONE);
	CHECK(w.n == 0);
	sim_cpr_quality q;
	CHECK(sim_session_cpr_quality(s, &q));
	CHECK(q.fraction > 95 && q.rate_ok > 99 && q.depth_ok > 99);
	CHECK_NEAR(q.longest_pause_s, 4, 0.05); /* stand clear at 1:03 to 1:07 */
	sim_score sc;
	sim_session_score(s, &sc);
	CHECK(sc.passed);
	sim_session_destroy(&s);

	/* IO instead of IV meets the list of alternatives; amiodarone 300 mg the other form */
	s = play(scn, "0:02 check_pulse duration=8s\n0:12 start_cpr rate=110/min depth=55mm\n0:30 attach_pads\n0:40 io_access\n"
	              "1:03 stand_clear\n1:05 shock energy=150J\n1:07 start_cpr rate=110/min depth=55mm\n"
	              "1:20 give_drug drug=amiodarone dose=300mg route=IO\n", &a, NULL);
	CHECK(item(s, "access")->status == ITEM_DONE);
	CHECK(item(s, "anti")->status == ITEM_DONE);
	sim_session_destroy(&s);
	scrub_arena_fini(&a);
}

static void test_mistakes(scenario *scn)
{
	scrub_arena a;
	scrub_arena_init(&a);
	seen w = {0};

	/* no pads: the shock is pressed but nothing is delivered; it is recorded and it does not count */
	sim_session *s = play(scn, "0:02 check_pulse duration=8s\n0:12 start_cpr rate=110/min depth=55mm\n"
	                           "1:03 stand_clear\n1:05 shock energy=200J\n1:07 start_cpr rate=110/min depth=55mm\n", &a, &w);
	CHECK(saw(&w, "not_delivered:no_pads"));
	CHECK(item(s, "shock1")->status == ITEM_MISSED);
	CHECK(strstr(item(s, "shock1")->note, "not delivered") != NULL);
	CHECK(item(s, "no_pads_press")->status == ITEM_VIOLATED);
	CHECK(sim_session_state(s) == scenario_find_state(scn, "arrest")); /* the transition needs a delivered shock */
	sim_session_destroy(&s);

	/* hands on the chest: compressions never stop, no stand clear; the restart restarts nothing */
	w.n = 0;
	s = play(scn, GOOD "1:05 shock energy=200J\n1:07 start_cpr rate=110/min depth=55mm\n", &a, &w);
	CHECK(saw(&w, "complication:shock_during_compressions"));
	CHECK(saw(&w, "complication:no_stand_clear"));
	CHECK(saw(&w, "not_delivered:already_running"));
	CHECK(item(s, "safe")->status == ITEM_VIOLATED);
	sim_score sc;
	sim_session_score(s, &sc);
	CHECK(!sc.passed);
	sim_session_destroy(&s);

	/* a synchronised shock in VF is not delivered (no R wave) */
	w.n = 0;
	s = play(scn, GOOD "1:03 stand_clear\n1:05 shock energy=200J synchronised=yes\n", &a, &w);
	CHECK(saw(&w, "not_delivered:no_r_wave"));
	CHECK(item(s, "shock1")->status == ITEM_MISSED);
	sim_session_destroy(&s);

	/* every later start must meet it: 140/min and 3 cm after the shock violates each_cpr, and says why */
	s = play(scn, GOOD "1:03 stand_clear\n1:05 shock energy=200J\n1:07 start_cpr rate=140/min depth=30mm\n", &a, NULL);
	CHECK(item(s, "each_cpr")->status == ITEM_VIOLATED);
	CHECK_STR(item(s, "each_cpr")->note, "start_cpr at 1:07.00: rate 140 /min, expected 100..120 /min; depth 30 mm, expected 50..60 mm");
	CHECK(item(s, "quality")->status == ITEM_MISSED); /* most compression time at 140/min */
	CHECK(strstr(item(s, "quality")->note, "cpr_rate_ok") != NULL);
	sim_session_destroy(&s);

	/* the wrong first antiarrhythmic dose, and a lidocaine overdose; the note names the closest form */
	s = play(scn, GOOD "1:20 give_drug drug=amiodarone dose=150mg route=IV\n", &a, NULL);
	CHECK(item(s, "anti")->status == ITEM_MISSED);
	CHECK_STR(item(s, "anti")->note, "give_drug at 1:20.00: dose 150 mg, expected 285..315 mg");
	sim_session_destroy(&s);
	s = play(scn, GOOD "1:20 give_drug drug=lidocaine dose=330mg route=IV\n", &a, NULL);
	CHECK(item(s, "anti")->status == ITEM_MISSED);
	CHECK_STR(item(s, "anti")->note, "give_drug at 1:20.00: dose 330 mg, expected 80..120 mg");
	sim_session_destroy(&s);

	/* a 15 s pulse check fails the check, not the compressions that follow its end */
	s = play(scn, "0:02 check_pulse duration=15s\n0:20 start_cpr rate=110/min depth=55mm\n", &a, NULL);
	CHECK(item(s, "check")->status == ITEM_MISSED);
	CHECK_STR(item(s, "check")->note, "check_pulse at 0:02.00: duration 15 s, expected 5..10 s");
	CHECK(item(s, "cpr")->status == ITEM_DONE);
	sim_session_destroy(&s);

	/* compressions 12 s after the check's end are late, measured from its end */
	s = play(scn, "0:02 check_pulse duration=8s\n0:22 start_cpr rate=110/min depth=55mm\n", &a, NULL);
	CHECK(item(s, "cpr")->status == ITEM_LATE);
	sim_session_destroy(&s);

	/* an 18 s pause fails the pause check with the measured pause */
	s = play(scn, GOOD "1:00 stop_cpr\n1:18 start_cpr rate=110/min depth=55mm\n", &a, NULL);
	CHECK(item(s, "pauses")->status == ITEM_MISSED);
	CHECK(strstr(item(s, "pauses")->note, "longest_pause 18 s") != NULL);
	sim_session_destroy(&s);
	scrub_arena_fini(&a);
}

static void test_load_errors(void)
{
	/* a dose per kg needs the patient's weight; with: cannot go with alternatives; check: takes no window */
	const char *bad =
		"scrub: 1\nid: b\ntitle: B\nversion: '1'\nduration: 5 min\n"
		"states:\n  a: {}\n"
		"checklist:\n  pass: {score: 50}\n  items:\n"
		"    - {id: x, text: x, do: {action: give_drug, drug: lidocaine, dose: 1..1.5 mg/kg, route: IV}}\n"
		"    - {id: y, text: y, do: [iv_access, io_access], with: {site: femoral}}\n"
		"    - {id: z, text: z, check: time > 1 min, within: 2 min}\n"
		"    - {id: w, text: w, forbid: shock, each: true}\n"
		"model_runs:\n  - {name: r, expect: pass, actions: ['0:01 iv_access']}\n";
	scrub_diags d;
	scenario *s = load_text(bad, &d, true);
	CHECK(s == NULL);
	CHECK(d.errors == 4);
	scrub_diags_fini(&d);
	scenario_destroy(&s);
}

/* Totals of one drug and counts of one kind of action: the 3 mg atropine maximum (AHA bradycardia). */
static void test_tallies(void)
{
	const char *src =
		"scrub: 1\nid: b\ntitle: B\nversion: '1'\nduration: 20 min\n"
		"states:\n  a:\n    transitions:\n      - {after: 15 min, to: z}\n  z: {end: done}\n"
		"checklist:\n  pass: {score: 50}\n  items:\n"
		"    - {id: atropine, text: atropine 1 mg, do: {action: give_drug, drug: atropine, dose: 1 mg, route: IV}, points: 5}\n"
		"    - {id: max, text: at most 3 mg atropine, forbid: {action: give_drug, drug: atropine}, "
		"if: 'total(give_drug, dose, drug == atropine) >= 3 mg', points: 0, penalty: 20, critical: true}\n"
		"    - {id: two_sync, text: two synchronised shocks, check: 'count(shock, synchronised == yes) == 2', points: 5}\n"
		"model_runs:\n  - {name: r, expect: pass, actions: ['0:10 give_drug drug=atropine dose=1mg route=IV',"
		" '0:20 shock synchronised=yes', '0:30 shock synchronised=yes', '0:40 shock']}\n";
	scrub_diags d;
	scenario *scn = load_text(src, &d, false);
	CHECK(scn != NULL);
	CHECK(scn && scn->ntallies == 2);
	if (!scn) {
		scrub_diags_fini(&d);
		return;
	}
	scrub_arena a;
	scrub_arena_init(&a);
	/* three doses of 1 mg (and 0.5 mg of epinephrine, not counted): within the maximum */
	sim_session *s = play(scn, "0:10 give_drug drug=atropine dose=1mg route=IV\n1:00 shock synchronised=yes\n"
	                           "3:10 give_drug drug=atropine dose=1mg route=IV\n4:00 give_drug drug=epinephrine dose=0.5mg route=IM\n"
	                           "6:10 give_drug drug=atropine dose=1mg route=IV\n", &a, NULL);
	CHECK(item(s, "max")->status == ITEM_DONE);
	sim_session_destroy(&s);
	/* a fourth dose goes over 3 mg */
	s = play(scn, "0:10 give_drug drug=atropine dose=1mg route=IV\n3:10 give_drug drug=atropine dose=1mg route=IV\n"
	              "6:10 give_drug drug=atropine dose=1mg route=IV\n9:10 give_drug drug=atropine dose=1mg route=IV\n", &a, NULL);
	CHECK(item(s, "max")->status == ITEM_VIOLATED);
	CHECK_NEAR(item(s, "max")->time, 550, 1e-9);
	CHECK(item(s, "two_sync")->status == ITEM_MISSED);
	CHECK_STR(item(s, "two_sync")->note, "expected count(shock, synchronised == yes) == 2");
	sim_session_destroy(&s);
	scrub_arena_fini(&a);
	scenario_destroy(&scn);
	scrub_diags_fini(&d);

	/* located errors: a total of a word parameter, an unknown drug (never guessed: a near miss in
	 * spelling can be another drug, as in scripts) */
	const char *bad =
		"scrub: 1\nid: b\ntitle: B\nversion: '1'\nduration: 5 min\nstates:\n  a: {end: x}\n"
		"checklist:\n  pass: {score: 50}\n  items:\n"
		"    - {id: x, text: x, check: 'total(give_drug, route) > 1'}\n"
		"    - {id: y, text: y, check: 'count(give_drug, drug == atropin) > 1'}\n";
	scenario *b = load_text(bad, &d, true);
	CHECK(b == NULL);
	CHECK(d.errors == 2);
	bool found = false;
	for (size_t k = 0; k < d.n; k++)
		found = found || (strstr(d.v[k].msg, "drug 'atropin' is not accepted") && !strstr(d.v[k].msg, "did you mean"));
	CHECK(found);
	scrub_diags_fini(&d);
	scenario_destroy(&b);
}

/* Compressions from a manikin or controller (`compression` samples): a pause is measured from
 * compression to compression, and a stand clear stops hands-on whatever the last one's phase. */
static void test_sampled_compressions(scenario *scn)
{
	static char script[65536];
	size_t l = (size_t)snprintf(script, sizeof script, "0:02 check_pulse duration=8s\n0:05 attach_pads\n");
	double t = 12;
	for (int k = 0; k < 40; k++, t += 0.55) /* 110 /min, 55 mm */
		l += (size_t)snprintf(script + l, sizeof script - l, "%d:%05.2f compression depth=55mm\n", (int)t / 60, fmod(t, 60));
	double resume = t - 0.55 + 11.0; /* an 11 s gap from the last compression to the next */
	for (; resume < 359.5; resume += 0.55) /* to the end of the session: no pause after */
		l += (size_t)snprintf(script + l, sizeof script - l, "%d:%05.2f compression depth=55mm\n", (int)resume / 60, fmod(resume, 60));
	scrub_arena a;
	scrub_arena_init(&a);
	sim_session *s = play(scn, script, &a, NULL);
	sim_cpr_quality q;
	CHECK(sim_session_cpr_quality(s, &q));
	CHECK_NEAR(q.longest_pause_s, 11.0, 0.02);
	CHECK(q.long_pauses == 1);
	CHECK(item(s, "pauses")->status == ITEM_MISSED);
	sim_session_destroy(&s);

	/* stand clear then a shock 1 s later, with declared compressions before: hands are off */
	seen w = {0};
	s = play(scn, GOOD "2:59 stand_clear\n3:00 shock energy=200J\n", &a, &w);
	CHECK(!saw(&w, "complication:shock_during_compressions"));
	CHECK(item(s, "safe")->status == ITEM_DONE);
	sim_session_destroy(&s);
	scrub_arena_fini(&a);
}

/* start_infusion takes a dose rate: a volume rate alone (no strength) is not delivered, with the
 * reason saying what to write (it was "no infusion of this drug is running"); insulin's units_rate
 * (units per hour) is delivered; units_rate for another drug is not. */
static void test_infusion_rates(scenario *scn)
{
	scrub_arena a;
	scrub_arena_init(&a);
	seen w = {0};
	sim_session *s = play(scn, "0:05 iv_access\n0:10 start_infusion drug=dextrose volume_rate=100mL/h\n"
	                           "0:20 start_infusion drug=insulin units_rate=6units\n"
	                           "0:30 start_infusion drug=epinephrine units_rate=6units\n", &a, &w);
	CHECK(s != NULL);
	int invalid = 0;
	for (int i = 0; i < w.n; i++)
		invalid += strcmp(w.kinds[i], "not_delivered:invalid") == 0;
	CHECK(invalid == 2);
	CHECK(!saw(&w, "not_delivered:not_running"));
	sim_session_destroy(&s);
	scrub_arena_fini(&a);
}

int main(void)
{
	test_tallies();
	scrub_diags d;
	scenario *scn = load_text(arrest, &d, false);
	CHECK(scn != NULL);
	if (scn) {
		test_correct_run(scn);
		test_mistakes(scn);
		test_sampled_compressions(scn);
		test_infusion_rates(scn);
	}
	scenario_destroy(&scn);
	scrub_diags_fini(&d);
	test_load_errors();
	printf("test_judgement: %d checks, %d failed\n", check_count, check_failures);
	return check_failures ? 1 : 0;
}
