/* The clinical signs on the body (app/patient_signs.c, docs/patient-signs.md), from the bundled scenarios'
 * model runs: each sign appears when the patient model (or the scenario) says so, on the right side, and goes when
 * the care given takes it away. No rendering: the values the body shader gets, step by step.
 *
 * usage: test_patient_signs SCENARIO_DIR */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "scenario_test_util.h"
#include "actions.h"
#include "patient_signs.h"
#include "scenario.h"
#include "scrub_body.h"
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

/* One more action for a model run: `name param=word` at t (NULL: none). */
typedef struct extra_action {
	double t;
	const char *name, *param, *word;
} extra_action;

/* Plays model run `run` of dir/file, with `extra` put in at its time (NULL: none), the whole scenario to its end,
 * and keeps the body of every step. */
static bool play_with(const char *dir, const char *file, const char *run, const extra_action *extra, series *se)
{
	memset(se, 0, sizeof *se);
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	scenario *scn = load_scenario_file(path);
	if (!scn)
		return false;
	int ri = -1;
	for (int i = 0; i < scn->nruns; i++)
		if (!strcmp(scn->runs[i].name, run))
			ri = i;
	CHECK(ri >= 0);
	if (ri < 0)
		return false;
	int n = scn->runs[ri].nactions;
	sim_action *acts = calloc((size_t)n + 1, sizeof *acts);
	CHECK(acts != NULL);
	if (!acts)
		return false;
	int pos = n;
	for (int i = 0; extra && i < n; i++)
		if (scn->runs[ri].actions[i].t > extra->t) {
			pos = i;
			break;
		}
	for (int i = 0, j = 0; i < n; i++, j++) {
		if (extra && i == pos)
			j++;
		acts[j] = scn->runs[ri].actions[i];
	}
	if (extra) {
		sim_action *x = &acts[pos];
		x->t = extra->t;
		x->type = actions_find(extra->name, strlen(extra->name));
		const act_def *def = actions_get(x->type);
		int pi = def ? act_param_find(def, extra->param, strlen(extra->param)) : -1;
		int wi = pi >= 0 ? act_symbol_find(&def->params[pi], extra->word, strlen(extra->word)) : -1;
		CHECK(wi >= 0);
		if (wi >= 0)
			x->params[pi] = (act_value){.set = true, .sym = wi};
	}
	patient_signs_init(&se->ps, scn);
	sim_run_opts ro = {.session = {.on_event = on_event, .user = se}, .on_step = on_step, .step_user = se};
	sim_session *s = NULL;
	bool ok = sim_run(scn, acts, n + (extra != NULL), &ro, &s) == SCRUB_OK;
	free(acts);
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

static bool play(const char *dir, const char *file, const char *run, series *se)
{
	return play_with(dir, file, run, NULL, se);
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
	CHECK(play(dir, "../tests/data/acls_frontend.yaml", "textbook", &se));
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

/* the posture: legs raised (the anaphylaxis textbook at 0:40), sat up (the tension patient sat up at 0:03, given in
 * addition), each turning there in about a second; what the hands touch follows the body */
static void posture(const char *dir)
{
	series se;
	CHECK(play(dir, "../tests/data/anaphylaxis_frontend.yaml", "textbook", &se));
	const scrub_render_body *b0 = &se.b[at(&se, 39.9)], *b1 = &se.b[at(&se, 40.4)], *b2 = &se.b[at(&se, 42)];
	fprintf(stderr, "legs raised: %.3f, %.3f, %.3f rad at 0:39.9, 0:40.4, 0:42\n", b0->posture[1], b1->posture[1],
	        b2->posture[1]);
	CHECK(b0->posture[1] == 0.f && b1->posture[1] > 0.05f && b1->posture[1] < BODY_LEGS_RAD - 0.05f);
	CHECK(fabsf(b2->posture[1] - BODY_LEGS_RAD) < 1e-6f && b2->posture[0] == 0.f);
	CHECK(!HAS(*b0, SCRUB_BODY_LEG_REST) && !HAS(*b1, SCRUB_BODY_LEG_REST) && HAS(*b2, SCRUB_BODY_LEG_REST));
	CHECK(!HAS(*b2, SCRUB_BODY_BACKREST));
	free(se.b);
	free(se.t);

	const extra_action sit = {3.0, "position_patient", "position", "sitting"};
	CHECK(play_with(dir, "../tests/data/tension_frontend.yaml", "textbook", &sit, &se));
	b0 = &se.b[at(&se, 2.9)], b1 = &se.b[at(&se, 3.5)], b2 = &se.b[at(&se, 5)];
	fprintf(stderr, "sat up: %.3f, %.3f, %.3f rad at 0:02.9, 0:03.5, 0:05\n", b0->posture[0], b1->posture[0],
	        b2->posture[0]);
	CHECK(b0->posture[0] == 0.f && b1->posture[0] > 0.2f && b1->posture[0] < BODY_SIT_RAD - 0.2f);
	CHECK(fabsf(b2->posture[0] - BODY_SIT_RAD) < 1e-6f && b2->posture[1] == 0.f);
	CHECK(!HAS(*b0, SCRUB_BODY_BACKREST) && HAS(*b1, SCRUB_BODY_BACKREST) && HAS(*b2, SCRUB_BODY_BACKREST));
	free(se.b);
	free(se.t);

	/* the pose and its inverse agree over the body and at the pad sites (the turns spread over the hips gently enough
	 * that no part of the body folds over another); the head turns whole with the trunk, the feet with the legs, the
	 * hands stay where they lie (within a millimetre) */
	const float poses[3][2] = {{BODY_SIT_RAD, 0}, {0, BODY_LEGS_RAD}, {BODY_SIT_RAD, BODY_LEGS_RAD}};
	float worst = 0;
	for (int k = 0; k < 3; k++) {
		for (float x = -0.95f; x <= 0.95f; x += 0.01f)
			for (float y = 0.f; y <= 0.25f; y += 0.05f)
				for (float z = -0.35f; z <= 0.35f; z += 0.05f) {
					float p[3] = {x, y, z}, q[3], r[3];
					scrub_body_pose(poses[k], p, q);
					scrub_body_unpose(poses[k], q, r);
					worst = fmaxf(worst, fmaxf(fabsf(r[0] - p[0]), fmaxf(fabsf(r[1] - p[1]), fabsf(r[2] - p[2]))));
				}
		for (int site = SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR; site <= SCRUB_BODY_PAD_RIGHT_APEX; site++) {
			float p[3], n[3], al[3], q[3], r[3];
			body_pad_site(site, p, n, al);
			scrub_body_pose(poses[k], p, q);
			scrub_body_unpose(poses[k], q, r);
			worst = fmaxf(worst, fmaxf(fabsf(r[0] - p[0]), fmaxf(fabsf(r[1] - p[1]), fabsf(r[2] - p[2]))));
		}
	}
	fprintf(stderr, "pose then unpose: worst %.2g m\n", worst);
	CHECK(worst < 3e-4f);
	const float eye[3] = {BODY_EYE_X, BODY_EYE_Y, BODY_EYE_Z}, heel[3] = {-0.90f, 0.03f, 0.10f};
	const float wrist[3] = {BODY_RADIAL_X, BODY_RADIAL_Y, BODY_RADIAL_Z};
	float q[3];
	scrub_body_pose(poses[2], eye, q);
	float r0 = hypotf(eye[0] - BODY_TRUNK_PIVOT_X, eye[1] - BODY_TRUNK_PIVOT_Y);
	float a0 = atan2f(eye[1] - BODY_TRUNK_PIVOT_Y, eye[0] - BODY_TRUNK_PIVOT_X);
	CHECK(fabsf(hypotf(q[0] - BODY_TRUNK_PIVOT_X, q[1] - BODY_TRUNK_PIVOT_Y) - r0) < 1e-5f);
	CHECK(fabsf(atan2f(q[1] - BODY_TRUNK_PIVOT_Y, q[0] - BODY_TRUNK_PIVOT_X) - a0 - BODY_SIT_RAD) < 1e-5f);
	scrub_body_pose(poses[2], heel, q);
	fprintf(stderr, "heel raised %.3f m\n", q[1] - heel[1]);
	CHECK(q[1] - heel[1] > 0.30f && q[1] - heel[1] < 0.40f);
	scrub_body_pose(poses[2], wrist, q);
	CHECK(hypotf(q[0] - wrist[0], q[1] - wrist[1]) < 1e-3f && q[2] == wrist[2]);
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
	posture(argv[1]);
	return CHECK_DONE();
}
