/* The scenario engine end to end on small scenarios written inline: expressions, state machine,
 * checklist statuses, scores and pass rules. */
#include "check.h"
#include "scenario_test_util.h"
#include "expr.h"
#include "scenario.h"
#include "script.h"
#include "session.h"

#include <stdlib.h>

static const char *base =
	"scrub: 1\n"
	"id: t\n"
	"title: T\n"
	"version: '1'\n"
	"duration: 10 min\n"
	"variables:\n"
	"  spo2: {value: 95, unit: '%%'}\n"
	"  rhythm: {value: vf, one_of: [vf, asystole, sinus]}\n"
	"  map: 60 mmHg\n"
	"states:\n"
	"  a:\n"
	"    transitions:\n"
	"      - on: shock\n"
	"        with: {energy: '>= 150 J'}\n"
	"        if: rhythm == vf\n"
	"        to: b\n"
	"      - on: oxygen\n"
	"        trend: {spo2: 99 over 10 s}\n"
	"      - when: spo2 < 80 and time_in_state > 30 s\n"
	"        to: c\n"
	"      - after: 5 min\n"
	"        to: c\n"
	"  b:\n"
	"    on_enter: {set: {rhythm: sinus}}\n"
	"    transitions:\n"
	"      - on: instructor_jump\n"
	"        to: c\n"
	"  c:\n"
	"    jump_target: true\n"
	"    end: done\n"
	"checklist:\n"
	"  pass: {score: 60}\n"
	"  items:\n"
	"    - {id: o2, text: oxygen, do: oxygen, within: 1 min, points: 10}\n"
	"    - {id: shock1, text: shock, do: shock, with: {energy: 150..200 J}, after: o2, points: 10, critical: true}\n"
	"    - {id: epi, text: epi, do: {action: give_drug, drug: epinephrine, dose: 1 mg ± 0.1 mg, route: [IV, IO]}, within: 30 s, from: item shock1, points: 10}\n"
	"    - {id: noshock, text: no asystole shock, forbid: shock, if: rhythm == asystole, critical: true, points: 0, penalty: 30}\n"
	"    - {id: reach_b, text: reach b, reach: b, points: 10}\n";

/* A scenario loaded from text, its diagnostics, and an arena for the actions played on it. */
typedef struct fixture {
	scrub_diags d;
	scenario *scn;
	scrub_arena a;
} fixture;

/* Loads SRC (NULL: the base scenario) as NAME; false, with the diagnostics printed, when it does not load. */
static bool fixture_load(fixture *f, const char *name, const char *src)
{
	char text[8192];
	if (!src) {
		snprintf(text, sizeof text, base);
		src = text;
	}
	f->scn = NULL;
	scrub_diags_init(&f->d, name, NULL, 0);
	CHECK(scenario_load_text(name, src, strlen(src), NULL, &f->d, &f->scn) == SCRUB_OK);
	if (!f->scn) {
		scrub_diags_print(&f->d, stderr);
		return false;
	}
	scrub_arena_init(&f->a);
	return true;
}

static void fixture_fini(fixture *f)
{
	scrub_arena_fini(&f->a);
	scenario_destroy(&f->scn);
	scrub_diags_fini(&f->d);
}

static sim_session *play(scenario *scn, const char *script, scrub_arena *a)
{
	return play_script(scn, script, a, NULL);
}

static sim_score score_of(const sim_session *s)
{
	sim_score sc;
	sim_session_score(s, &sc);
	return sc;
}

static item_status status(sim_session *s, const char *id)
{
	int i = scenario_find_item(sim_session_scenario(s), id);
	return sim_session_items(s)[i].status;
}

static void test_good_run(fixture *f)
{
	CHECK(f->d.errors == 0);
	sim_session *s = play(f->scn, "0:10 oxygen device=face_mask flow=15L/min\n"
	                             "0:40 shock energy=200J\n"
	                             "0:50 give_drug drug=epinephrine dose=1mg route=IV\n"
	                             "1:00 instructor_jump to=c\n", &f->a);
	CHECK(status(s, "o2") == ITEM_DONE);
	CHECK(status(s, "shock1") == ITEM_DONE);
	CHECK(status(s, "epi") == ITEM_DONE);
	CHECK(status(s, "noshock") == ITEM_DONE);
	CHECK(status(s, "reach_b") == ITEM_DONE);
	CHECK_STR(sim_session_outcome(s), "done");
	CHECK_NEAR(sim_session_end_time(s), 60, 1e-9);
	CHECK(sim_session_vars(s)[1] == 2); /* rhythm = sinus after entering b */
	sim_score sc = score_of(s);
	CHECK_NEAR(sc.score, 100, 1e-9);
	CHECK(sc.passed);
	sim_session_destroy(&s);
}

static void test_statuses(fixture *f)
{
	/* shock before oxygen: out of order; oxygen late; epi 1:10 after the shock is late;
	 * wrong energy for the transition (100 J) does not move the state. */
	sim_session *s = play(f->scn, "0:20 shock energy=160J\n"
	                             "1:30 oxygen\n"
	                             "2:50 give_drug drug=epinephrine dose=1mg route=IO\n", &f->a);
	CHECK(status(s, "shock1") == ITEM_OUT_OF_ORDER); /* before o2 */
	CHECK(status(s, "o2") == ITEM_LATE);             /* window 1 min */
	CHECK(status(s, "epi") == ITEM_LATE);            /* 2:30 after the shock, window 30 s */
	sim_score sc = score_of(s);
	CHECK(sc.ncritical_failures == 1);
	CHECK(!sc.passed);
	sim_session_destroy(&s);

	/* the 100 J shock does not match shock1 (150..200 J): only the 150 J one counts */
	s = play(f->scn, "0:10 oxygen\n0:20 shock energy=100J\n0:30 shock energy=150J\n1:30 give_drug drug=epinephrine dose=1mg route=IV\n", &f->a);
	CHECK(status(s, "shock1") == ITEM_DONE);
	CHECK_NEAR(sim_session_items(s)[scenario_find_item(f->scn, "shock1")].time, 30, 1e-9);
	CHECK(status(s, "epi") == ITEM_LATE); /* 60 s after the shock, window 30 s */
	CHECK_NEAR(sim_session_items(s)[scenario_find_item(f->scn, "epi")].points, 5, 1e-9); /* partial 0.5 */
	sim_session_destroy(&s);

	/* wrong dose (10 mg) and wrong route do not match; the item is missed */
	s = play(f->scn, "0:10 oxygen\n0:30 shock energy=150J\n0:35 give_drug drug=epinephrine dose=10mg route=IV\n"
	                "0:40 give_drug drug=epinephrine dose=1mg route=IM\n", &f->a);
	CHECK(status(s, "epi") == ITEM_MISSED);
	sim_session_destroy(&s);
}

static void test_conditions_and_penalties(fixture *f)
{
	/* no action: after 5 min in a, state c (timeout transition), everything missed */
	sim_session *s = play(f->scn, "", &f->a);
	CHECK_STR(sim_session_outcome(s), "done");
	CHECK_NEAR(sim_session_end_time(s), 300, 0.011);
	CHECK(status(s, "o2") == ITEM_MISSED);
	sim_score sc = score_of(s);
	CHECK_NEAR(sc.score, 0, 1e-9);
	sim_session_destroy(&s);

	/* instructor jumps are only allowed to jump targets: b is not one */
	s = play(f->scn, "0:10 instructor_jump to=b\n", &f->a);
	CHECK(status(s, "reach_b") == ITEM_MISSED);
	sim_session_destroy(&s);
}

static void test_forbidden(void)
{
	/* a scenario where the rhythm is asystole: shocking it violates the critical forbid item */
	const char *src =
		"scrub: 1\nid: f\ntitle: F\nversion: '1'\nduration: 2 min\n"
		"variables:\n  rhythm: {value: asystole, one_of: [vf, asystole]}\n"
		"states:\n  a:\n    transitions:\n      - {after: 1 min, to: z}\n  z: {end: over}\n"
		"checklist:\n  pass: {score: 50}\n  items:\n"
		"    - {id: cpr, text: CPR, do: start_cpr, points: 10}\n"
		"    - {id: noshock, text: never shock asystole, forbid: shock, if: rhythm == asystole, critical: true, points: 0, penalty: 30}\n"
		"    - {id: reps, text: analyse every 20-40 s, do: analyse_rhythm, every: 20..40 s, while_in: a, points: 10}\n";
	fixture f;
	if (!fixture_load(&f, "f.yaml", src))
		return;
	sim_session *s = play(f.scn, "0:05 start_cpr\n0:06 analyse_rhythm\n0:10 shock energy=200J\n0:36 analyse_rhythm\n", &f.a);
	CHECK(status(s, "noshock") == ITEM_VIOLATED);
	/* the repetition: 0:06, 0:36 (30 s, fine), then nothing until the state ends at 1:00 (24 s gap) */
	CHECK(status(s, "reps") == ITEM_DONE);
	sim_score sc = score_of(s);
	CHECK_NEAR(sc.score, 70, 1e-9); /* 100 % of points - 30 penalty */
	CHECK(!sc.passed);              /* a critical item was violated */
	sim_session_destroy(&s);

	/* repeated too soon (10 s) is a violation; not repeated in time is late */
	s = play(f.scn, "0:06 analyse_rhythm\n0:16 analyse_rhythm\n", &f.a);
	CHECK(status(s, "reps") == ITEM_VIOLATED);
	sim_session_destroy(&s);
	s = play(f.scn, "0:06 analyse_rhythm\n", &f.a);
	CHECK(status(s, "reps") == ITEM_LATE); /* state a lasts until 1:00: 54 s without a repeat */
	sim_session_destroy(&s);
	fixture_fini(&f);
}

static void test_expressions(fixture *f)
{
	double vars[3] = {95, 0, 60};
	uint32_t counts[256] = {0};
	double last[256];
	for (int i = 0; i < 256; i++)
		last[i] = -1;
	uint8_t done[16] = {0};
	expr_env env = {.vars = vars, .time = 100, .time_in_state = 40, .state = 0, .action_count = counts, .action_last = last, .item_done = done};
	struct {
		const char *src;
		bool expect;
	} cases[] = {
		{"spo2 < 96", true},
		{"spo2 > 0.9 * 100", true},
		{"spo2 < 0.9 * 100", false},
		{"spo2 >= 95 %", true},
		{"time_in_state > 30 s and time < 2 min", true},
		{"time > 1:00", false}, /* m:ss is not a literal in conditions: refused */
		{"rhythm == vf", true},
		{"rhythm != vf or map > 50", true},
		{"not (map > 50)", false},
		{"state == a", true},
		{"count(shock) >= 1", false},
		{"since(shock) > 10 s", true}, /* never: infinitely long ago */
		{"done(o2)", false},
		{"-map < -59", true},
		{"map + 5 mmHg == 65", true},
		{"true and not false", true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		scrub_diags ed;
		scrub_diags_init(&ed, "e", NULL, 0);
		expr_prog *p = expr_compile(cases[i].src, strlen(cases[i].src), 1, 1, f->scn, &f->a, &ed);
		if (strcmp(cases[i].src, "time > 1:00") == 0) {
			CHECK(p == NULL && ed.errors == 1);
		} else {
			if (!p) {
				fprintf(stderr, "did not compile: %s\n", cases[i].src);
				scrub_diags_print(&ed, stderr);
			}
			CHECK(p != NULL);
			if (p && expr_eval(p, &env) != cases[i].expect)
				fprintf(stderr, "wrong value: %s\n", cases[i].src);
			CHECK(p && expr_eval(p, &env) == cases[i].expect);
		}
		scrub_diags_fini(&ed);
	}
	/* errors: each must be refused with one located diagnostic */
	const char *bad[] = {"spo < 90", "rhythm == vff", "rhythm < 3", "map > 5 mg", "spo2 <", "(spo2 > 3",
	                     "count(shok) > 1", "done(nothing)", "spo2", "map > 5 furlongs", "a < b < c", "spo2 > 3 3"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		scrub_diags ed;
		scrub_diags_init(&ed, "e", NULL, 0);
		expr_prog *p = expr_compile(bad[i], strlen(bad[i]), 7, 10, f->scn, &f->a, &ed);
		CHECK(p == NULL);
		CHECK(ed.errors >= 1 && ed.n >= 1 && ed.v[0].line == 7 && ed.v[0].col >= 10);
		if (p || !ed.errors)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		scrub_diags_fini(&ed);
	}
}

static void test_determinism(fixture *f)
{
	const char *script = "0:10 oxygen\n0:40 shock energy=200J\n0:50 give_drug drug=epinephrine dose=1mg route=IV\n";
	sim_session *s1 = play(f->scn, script, &f->a), *s2 = play(f->scn, script, &f->a);
	CHECK(sim_session_steps(s1) == sim_session_steps(s2));
	CHECK(memcmp(sim_session_vars(s1), sim_session_vars(s2), 3 * sizeof(double)) == 0);
	for (int i = 0; i < f->scn->checklist.n; i++)
		CHECK(memcmp(&sim_session_items(s1)[i], &sim_session_items(s2)[i], sizeof(sim_item_result)) == 0);
	sim_session_destroy(&s1);
	sim_session_destroy(&s2);
}

/* Regressions found while documenting the format. */
static void test_review_fixes(void)
{
	const char *src =
		"scrub: 1\nid: r\ntitle: R\nversion: '1'\nduration: 5 min\n"
		"variables:\n  pao2: {value: 10, unit: kPa}\n  ok: {value: 'no', one_of: ['no', 'yes']}\n"
		"states:\n  a:\n    transitions:\n      - {when: pao2 < 2 * 4, to: low}\n      - {on: note, to: b}\n"
		"  low: {end: low}\n  b: {end: b}\n"
		"checklist:\n  pass: {score: 50}\n  items:\n"
		"    - {id: reached, text: reach b only if ok, reach: b, if: ok == yes}\n"
		"    - {id: often, text: every 5 min at most, do: note, every: 5 min}\n";
	fixture f;
	if (!fixture_load(&f, "r.yaml", src))
		return;
	/* 10 kPa is not below 2 * 4 kPa: the scenario must not go to 'low' */
	sim_session *s = play(f.scn, "0:30 note text=hi\n", &f.a);
	CHECK_STR(sim_session_outcome(s), "b");
	CHECK(status(s, "reached") == ITEM_MISSED); /* its if: was false */
	int often = scenario_find_item(f.scn, "often");
	CHECK(often >= 0 && f.scn->checklist.items[often].every_lo == 0 && f.scn->checklist.items[often].every_hi == 300);
	sim_session_destroy(&s);
	fixture_fini(&f);

	scrub_diags d;
	scenario *scn = NULL;
	scrub_arena a;
	/* a state named like a variable: "state == ok" compares with the state, not the variable */
	const char *same =
		"scrub: 1\nid: r\ntitle: R\nversion: '1'\nduration: 5 min\n"
		"variables:\n  ok: {value: 'no', one_of: ['no', 'yes']}\n"
		"states:\n  a:\n    transitions:\n      - {on: note, to: ok}\n  ok: {end: fine}\n"
		"checklist:\n  pass: {score: 50}\n  items:\n"
		"    - {id: x, text: X, do: note, if: state == a and not (state == ok)}\n";
	scrub_diags_init(&d, "r.yaml", NULL, 0);
	CHECK(scenario_load_text("r.yaml", same, strlen(same), NULL, &d, &scn) == SCRUB_OK);
	if (!scn)
		scrub_diags_print(&d, stderr);
	scenario_destroy(&scn);
	scrub_diags_fini(&d);

	/* refused: after: on a forbid item, a bare number compared with a time */
	const char *bad =
		"scrub: 1\nid: r\ntitle: R\nversion: '1'\nduration: 5 min\n"
		"states:\n  a:\n    transitions:\n      - {when: time_in_state > 30, to: b}\n  b: {end: b}\n"
		"checklist:\n  pass: {score: 50}\n  items:\n"
		"    - {id: x, text: X, do: note}\n"
		"    - {id: y, text: Y, forbid: shock, after: x, penalty: 5}\n";
	scrub_diags_init(&d, "r.yaml", NULL, 0);
	CHECK(scenario_load_text("r.yaml", bad, strlen(bad), NULL, &d, &scn) == SCRUB_ERR_INVALID);
	CHECK(d.errors == 2);
	scrub_diags_fini(&d);

	/* British drug names are accepted; near misses of a drug name are never guessed */
	scrub_arena_init(&a);
	scrub_diags_init(&d, "x", NULL, 0);
	sim_action act = {0};
	const char *line = "0:10 give_drug drug=adrenaline dose=0.5mg route=IM";
	CHECK(script_parse_line(line, strlen(line), NULL, 1, 1, NULL, &a, &d, &act) == SCRUB_OK);
	CHECK(act.params[0].sym == 0); /* epinephrine */
	sim_action act2 = {0};
	line = "0:10 give_drug drug=adenosin dose=6mg route=IV";
	CHECK(script_parse_line(line, strlen(line), NULL, 1, 1, NULL, &a, &d, &act2) == SCRUB_ERR_INVALID);
	CHECK(d.n == 1 && strstr(d.v[0].msg, "did you mean") == NULL);
	scrub_diags_fini(&d);
	scrub_arena_fini(&a);
}

/* Runs TEST on the base scenario. */
static void with_base(void (*test)(fixture *))
{
	fixture f;
	if (!fixture_load(&f, "t.yaml", NULL))
		return;
	test(&f);
	fixture_fini(&f);
}

int main(void)
{
	test_review_fixes();
	with_base(test_good_run);
	with_base(test_statuses);
	with_base(test_conditions_and_penalties);
	test_forbidden();
	with_base(test_expressions);
	with_base(test_determinism);
	return CHECK_DONE();
}
