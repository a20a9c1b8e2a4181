/* The clinical signs on the body (engine/app/patient_signs.c, docs/patient-signs.md), from the bundled scenarios'
 * model runs: each sign appears when the patient model (or the scenario) says so, on the right side, and goes when
 * the care given takes it away. No rendering: the values the body shader gets, step by step.
 *
 * usage: test_patient_signs SCENARIO_DIR */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "patient_signs.h"
#include "scenario.h"
#include "session.h"

typedef struct series {
	scrub_render_body *b;   /* one per step */
	double *t;
	int n, cap;
	patient_signs ps;
} series;

static void on_event(void *user, const sim_event *ev) { patient_signs_on_event(&((series *)user)->ps, ev); }

static void on_step(void *user, const sim_session *s)
{
	series *se = user;
	patient_signs_step(&se->ps, s);
	if (se->n == se->cap) {
		se->cap = se->cap ? 2 * se->cap : 4096;
		se->b = realloc(se->b, sizeof *se->b * (size_t)se->cap);
		se->t = realloc(se->t, sizeof *se->t * (size_t)se->cap);
		if (!se->b || !se->t) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
	}
	se->t[se->n] = sim_session_time(s);
	patient_signs_fill(&se->ps, s, &se->b[se->n]);
	se->n++;
}

/* Plays model run `run` of dir/file (the whole scenario, to its end) and keeps the body of every step. */
static bool play(const char *dir, const char *file, const char *run, series *se)
{
	memset(se, 0, sizeof *se);
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	scrub_diags d;
	scrub_diags_init(&d, path, NULL, 0);
	scenario *scn = NULL;
	if (scenario_load_file(path, NULL, &d, &scn) != SCRUB_OK) {
		scrub_diags_print(&d, stderr);
		scrub_diags_fini(&d);
		return false;
	}
	scrub_diags_fini(&d);
	int ri = -1;
	for (int i = 0; i < scn->nruns; i++)
		if (!strcmp(scn->runs[i].name, run))
			ri = i;
	CHECK(ri >= 0);
	if (ri < 0)
		return false;
	patient_signs_init(&se->ps, scn);
	sim_run_opts ro = {.session = {.on_event = on_event, .user = se}, .on_step = on_step, .step_user = se};
	sim_session *s = NULL;
	bool ok = sim_run(scn, scn->runs[ri].actions, scn->runs[ri].nactions, &ro, &s) == SCRUB_OK;
	sim_session_destroy(&s);
	/* the scenario is not needed after the run: the series holds plain values (se->ps.scn is left dangling) */
	scenario_destroy(&scn);
	se->ps.scn = NULL;
	return ok;
}

static int at(const series *se, double t)
{
	int i = 0;
	while (i + 1 < se->n && se->t[i] < t - 1e-9)
		i++;
	return i;
}

/* max - min of a value over [t0, t1] */
static double range(const series *se, double t0, double t1, size_t offset)
{
	double lo = 1e9, hi = -1e9;
	for (int i = at(se, t0); i < se->n && se->t[i] <= t1; i++) {
		double v = *(const float *)((const char *)&se->b[i] + offset);
		lo = fmin(lo, v), hi = fmax(hi, v);
	}
	return hi - lo;
}

static double peak(const series *se, double t0, double t1, size_t offset)
{
	double hi = -1e9;
	for (int i = at(se, t0); i < se->n && se->t[i] <= t1; i++)
		hi = fmax(hi, *(const float *)((const char *)&se->b[i] + offset));
	return hi;
}

#define OFF(field) offsetof(scrub_render_body, field)
#define HAS(b, part) (((b).parts >> (part)) & 1u)

static void tension_pneumothorax(const char *dir)
{
	series se;
	CHECK(play(dir, "../tests/data/tension_frontend.yaml", "textbook", &se));
	/* right tension: the right chest hardly moves (and stays up), the trachea goes left (+Z), the neck veins fill */
	double left = range(&se, 30, 40, OFF(chest_rise[0])), right = range(&se, 30, 40, OFF(chest_rise[1]));
	fprintf(stderr, "tension 0:30-0:40: chest movement left %.4f m, right %.4f m\n", left, right);
	CHECK(left > 0.003);
	CHECK(right < 0.3 * left);
	const scrub_render_body *b = &se.b[at(&se, 40)];
	fprintf(stderr, "tension 0:40: trachea %.4f m, neck veins %.2f, cyanosis %.2f, sweat %.2f, eyes %.2f\n",
	        b->trachea_shift, b->neck_veins, b->cyanosis_central, b->sweat, b->eyes_open);
	CHECK(b->trachea_shift > 0.008f);
	CHECK(b->neck_veins > 0.6f);
	CHECK(b->cyanosis_central > 0.3f);
	CHECK(b->sweat > 0.3f);
	/* more awake at first than at 0:40 (the model makes this patient drowsy from the start: AVPU voice at
	 * SBP 76, see docs/physiology.md, so the eyes are not fully open even then) */
	CHECK(peak(&se, 2, 8, OFF(eyes_open)) > b->eyes_open + 0.2f);
	CHECK(b->eyes_open < 0.5f);                     /* hypoxic at 0:40: drowsy (AVPU: voice) */
	/* a trauma patient: the chest bare from the start; the mask from 0:10, the needle from 1:00, the drain at 4:00 */
	CHECK(HAS(se.b[0], SCRUB_BODY_GOWN_OPEN) && !HAS(se.b[0], SCRUB_BODY_GOWN));
	CHECK(!HAS(se.b[at(&se, 9)], SCRUB_BODY_NONREBREATHER) && HAS(se.b[at(&se, 11)], SCRUB_BODY_NONREBREATHER));
	CHECK(!HAS(se.b[at(&se, 59)], SCRUB_BODY_NEEDLE_RIGHT_5ICS) && HAS(se.b[at(&se, 61)], SCRUB_BODY_NEEDLE_RIGHT_5ICS));
	CHECK(HAS(se.b[at(&se, 241)], SCRUB_BODY_DRAIN_RIGHT) && !HAS(se.b[at(&se, 241)], SCRUB_BODY_DRAIN_LEFT));
	CHECK(HAS(se.b[at(&se, 121)], SCRUB_BODY_IV));
	/* drained: the trachea back in the midline, the veins flat, both sides moving */
	b = &se.b[at(&se, 300)];
	left = range(&se, 290, 300, OFF(chest_rise[0])), right = range(&se, 290, 300, OFF(chest_rise[1]));
	fprintf(stderr, "tension 5:00: trachea %.4f m, neck veins %.2f, chest left %.4f right %.4f\n", b->trachea_shift,
	        b->neck_veins, left, right);
	CHECK(fabsf(b->trachea_shift) < 0.003f);
	CHECK(b->neck_veins < 0.2f);
	CHECK(right > 0.7 * left && right > 0.003);
	free(se.b);
	free(se.t);
}

static void anaphylaxis(const char *dir)
{
	series se;
	CHECK(play(dir, "../tests/data/anaphylaxis_frontend.yaml", "textbook", &se));
	const scrub_render_body *b = &se.b[at(&se, 30)];
	fprintf(stderr, "anaphylaxis 0:30: flush %.2f, urticaria %.2f, sweat %.2f, pallor %.2f\n", b->flush, b->urticaria,
	        b->sweat, b->pallor);
	CHECK(b->flush > 0.4f);
	CHECK(b->urticaria > 0.4f);
	CHECK(b->sweat > 0.2f);
	CHECK(b->neck_veins < 0.1f);
	CHECK(b->trachea_shift == 0.f);
	/* breathing fast and shallow: more than 4 breaths in 10 s */
	int rises = 0;
	for (int i = at(&se, 20) + 1; i < at(&se, 30); i++)
		rises += se.b[i].chest_rise[0] > 0.002f && se.b[i - 1].chest_rise[0] <= 0.002f;
	fprintf(stderr, "anaphylaxis 0:20-0:30: %d breaths\n", rises);
	CHECK(rises >= 4);
	CHECK(HAS(*b, SCRUB_BODY_HAIR_LONG)); /* the scenario's patient is a woman */
	CHECK(HAS(*b, SCRUB_BODY_GOWN));      /* nothing has bared her chest */
	/* two doses of adrenaline later the wheals and the flush fade */
	const scrub_render_body *e = &se.b[se.n - 1];
	fprintf(stderr, "anaphylaxis end (%.0f s): flush %.2f, urticaria %.2f\n", se.t[se.n - 1], e->flush, e->urticaria);
	CHECK(e->urticaria < b->urticaria - 0.1f);
	CHECK(e->flush < b->flush);
	free(se.b);
	free(se.t);
}

static void arrest(const char *dir)
{
	series se;
	CHECK(play(dir, "acls_vf_arrest.yaml", "textbook", &se));
	const scrub_render_body *b = &se.b[at(&se, 5)];
	fprintf(stderr, "arrest 0:05: eyes %.2f, pallor %.2f, cyanosis %.2f/%.2f, mottling %.2f\n", b->eyes_open, b->pallor,
	        b->cyanosis_central, b->cyanosis_peripheral, b->mottling);
	CHECK(b->eyes_open < 0.1f);
	CHECK(b->pallor > 0.5f);
	CHECK(b->cyanosis_peripheral > 0.4f);
	/* no breathing but agonal gasps before CPR starts at 0:15 */
	double gasp = peak(&se, 1, 14.9, OFF(chest_rise[0]));
	fprintf(stderr, "arrest 0:01-0:15: largest gasp %.4f m\n", gasp);
	CHECK(gasp > 0.005);
	CHECK(peak(&se, 1, 14.9, OFF(compression)) == 0);
	/* compressions at the declared 110 /min and 55 mm, paused for the breaths at 0:20 */
	CHECK(fabs(peak(&se, 15.5, 19.5, OFF(compression)) - 0.055) < 0.002);
	CHECK(peak(&se, 20.4, 22.0, OFF(compression)) == 0);
	CHECK(peak(&se, 20.3, 21.3, OFF(bag_squeeze)) > 0.9);
	int strokes = 0;
	for (int i = at(&se, 23) + 1; i <= at(&se, 33); i++)
		strokes += se.b[i].compression > 0.03f && se.b[i - 1].compression <= 0.03f;
	fprintf(stderr, "arrest 0:23-0:33: %d compressions\n", strokes);
	CHECK(strokes >= 17 && strokes <= 20);
	/* the shock at 1:05 jolts the body (pads on since 0:40), briefly */
	CHECK(peak(&se, 64.0, 64.99, OFF(jolt)) == 0);
	CHECK(peak(&se, 65.0, 65.2, OFF(jolt)) > 0.03);
	CHECK(peak(&se, 66.0, 66.5, OFF(jolt)) == 0);
	CHECK(!HAS(se.b[at(&se, 39)], SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR));
	CHECK(HAS(se.b[at(&se, 41)], SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR) && HAS(se.b[at(&se, 41)], SCRUB_BODY_PAD_LEFT_APEX));
	CHECK(!HAS(se.b[at(&se, 41)], SCRUB_BODY_PAD_STERNUM));
	CHECK(HAS(se.b[at(&se, 21)], SCRUB_BODY_BVM_MASK));
	CHECK(se.b[at(&se, 7)].head_tilt > 0.3f); /* the airway opened at 0:06 */
	CHECK(HAS(se.b[at(&se, 16)], SCRUB_BODY_GOWN_OPEN) && !HAS(se.b[at(&se, 14)], SCRUB_BODY_GOWN_OPEN));
	free(se.b);
	free(se.t);
}

static void bls(const char *dir)
{
	/* no patient model: the scenario's variables */
	series se;
	CHECK(play(dir, "../tests/data/bls_frontend.yaml", "textbook", &se));
	CHECK(se.b[at(&se, 3)].eyes_open < 0.1f);
	CHECK(se.b[at(&se, 3)].pallor > 0.5f);
	CHECK(HAS(se.b[at(&se, 61)], SCRUB_BODY_PAD_LEFT_APEX) && !HAS(se.b[at(&se, 59)], SCRUB_BODY_PAD_LEFT_APEX));
	CHECK(peak(&se, 77.0, 77.2, OFF(jolt)) > 0.03);
	/* after the return of circulation (about 4:21) the patient breathes again and the colour comes back */
	double t_end = se.t[se.n - 1];
	CHECK(range(&se, t_end - 10, t_end, OFF(chest_rise[0])) > 0.003);
	CHECK(peak(&se, 2, 20, OFF(chest_rise[0])) > 0.005); /* gasps before CPR */
	free(se.b);
	free(se.t);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s SCENARIO_DIR\n", argv[0]);
		return 2;
	}
	tension_pneumothorax(argv[1]);
	anaphylaxis(argv[1]);
	arrest(argv[1]);
	bls(argv[1]);
	return CHECK_DONE();
}
