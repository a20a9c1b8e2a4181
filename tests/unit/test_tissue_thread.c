/* The suture thread, knots that close the wound, and scissors (sim/tissue). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "test_tissue_util.h"
#include "tissue.h"

static scrub_tissue *make(void)
{
	scrub_tissue_desc d;
	memset(&d, 0, sizeof d);
	d.size_x = 0.04f;
	d.size_y = 0.03f;
	d.element_size = 0.0025f;
	scrub_tissue *t = NULL;
	CHECK(scrub_tissue_create(&d, &t) == SCRUB_OK);
	return t;
}

/* needle arc in the y-z plane (as in test_tissue.c), centre at (0.02, yc, zc), turned by phi */
static void set_needle(scrub_tissue *t, int hand, float x, float yc, float zc, float phi)
{
	const float b[4] = {0.5f, 0.5f, 0.5f, 0.5f};
	const float s = sinf(phi * 0.5f), c = cosf(phi * 0.5f);
	scrub_hand_input in = tu_pose(x, yc, zc, 0);
	in.pose.rot[0] = b[0] * c + b[1] * s;
	in.pose.rot[1] = -b[0] * s + b[1] * c;
	in.pose.rot[2] = b[3] * s + b[2] * c;
	in.pose.rot[3] = b[3] * c - b[2] * s;
	scrub_tissue_set_hand(t, hand, &in);
}

static void incise(scrub_tissue *t)
{
	scrub_tissue_set_instrument(t, 0, SCRUB_INSTR_SCALPEL);
	for (int i = 0; i < 600; i++) {
		float x = 0.008f, z;
		if (i < 200)
			z = 0.004f - 0.007f * (float)i / 199.0f;
		else {
			z = -0.003f;
			x += 0.024f * (float)(i - 200) / 399.0f;
		}
		scrub_hand_input in = tu_pose(x, 0.0153f, z, 0);
		scrub_tissue_set_hand(t, 0, &in);
		scrub_tissue_step(t);
	}
	for (int i = 0; i < 200; i++) {
		scrub_hand_input in = tu_pose(0.032f, 0.0153f, 0.03f, 0);
		scrub_tissue_set_hand(t, 0, &in);
		scrub_tissue_step(t);
	}
	scrub_tissue_set_instrument(t, 0, SCRUB_INSTR_NONE);
}

static bool thread_finite(const scrub_tissue *t, float *out_min_z)
{
	scrub_thread_state th;
	scrub_tissue_get_thread(t, &th);
	float mz = 1e9f;
	for (int i = 0; i < th.node_count * 3; i++)
		if (!isfinite(th.positions[i]))
			return false;
	for (int i = 0; i < th.node_count; i++)
		mz = fminf(mz, th.positions[i * 3 + 2]);
	if (out_min_z)
		*out_min_z = mz;
	return th.node_count > 0;
}

static void test_thread_drapes(void)
{
	scrub_tissue *t = make();
	if (!t)
		return;
	scrub_thread_state th;
	scrub_tissue_get_thread(t, &th);
	CHECK(th.node_count == 0);
	scrub_tissue_set_instrument(t, 0, SCRUB_INSTR_NEEDLE_DRIVER);
	for (int i = 0; i < 800; i++) {
		set_needle(t, 0, 0.02f, 0.015f, 0.02f, 0);
		CHECK(scrub_tissue_step(t) == SCRUB_OK);
	}
	scrub_tissue_get_thread(t, &th);
	CHECK(th.node_count > 100);
	CHECK(th.attached);
	CHECK(fabsf(th.length - 0.24f) < 1e-4f);
	float mz = 0;
	CHECK(thread_finite(t, &mz));
	/* it fell onto the skin (and the drape around the block) and lies on it, not in it */
	CHECK(mz > -0.0005f);
	CHECK(th.positions[(th.node_count - 1) * 3 + 2] < 0.002f);
	/* consecutive particles stay about a segment apart */
	float worst = 0;
	for (int i = 0; i + 1 < th.node_count; i++) {
		const float *a = th.positions + i * 3, *b = a + 3;
		float d = sqrtf((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
		worst = fmaxf(worst, fabsf(d - th.segment) / th.segment);
	}
	fprintf(stderr, "thread: %d particles, lowest %.2f mm, worst segment error %.1f %%\n", th.node_count, mz * 1e3, worst * 100);
	CHECK(worst < 0.5f);
	CHECK(scrub_tissue_state_ok(t));
	scrub_tissue_destroy(&t);
}

/* A pass across an incision threads the thread through two eyelets; a knot cinched at a
 * moderate pull narrows the wound at the suture, a hard pull squeezes the tissue more. */
static void pass_and_tie(float pull, scrub_suture *out)
{
	memset(out, 0, sizeof *out);
	scrub_tissue *t = make();
	if (!t)
		return;
	incise(t);
	scrub_tissue_set_instrument(t, 1, SCRUB_INSTR_NEEDLE_DRIVER);
	const int n = 1500;
	for (int i = 0; i < n + 200; i++) {
		float phi = 4.7f * fminf(1.0f, (float)i / (float)n);
		set_needle(t, 1, 0.02f, 0.0153f, 0.002f, phi);
		scrub_tissue_step(t);
	}
	CHECK(scrub_tissue_needle_pass_count(t) >= 1);
	scrub_thread_state th;
	scrub_tissue_get_thread(t, &th);
	CHECK(th.eyelets == 2);
	/* pull the needle away: the thread slides through the bites, which hold it */
	for (int i = 0; i < 400; i++) {
		set_needle(t, 1, 0.02f + 0.02f * (float)i / 399.0f, 0.0153f, 0.002f + 0.02f * (float)i / 399.0f, 4.7f);
		scrub_tissue_step(t);
	}
	scrub_tissue_get_thread(t, &th);
	CHECK(th.eyelets == 2);
	CHECK(thread_finite(t, NULL));
	int idx = -1;
	CHECK(scrub_tissue_knot_throw(t, 0, 0, pull, &idx) == SCRUB_OK);
	CHECK(idx == 0);
	CHECK(scrub_tissue_knot_throw(t, 0, 5, pull, &idx) == SCRUB_ERR_INVALID);
	for (int i = 0; i < 800; i++)
		scrub_tissue_step(t);
	CHECK(scrub_tissue_knot_lock(t, 0, true) == SCRUB_OK);
	for (int i = 0; i < 300; i++)
		scrub_tissue_step(t);
	CHECK(scrub_tissue_suture_count(t) == 1);
	CHECK(scrub_tissue_suture_get(t, 0, out) == SCRUB_OK);
	CHECK(out->state == SCRUB_SUTURE_TIED);
	CHECK(scrub_tissue_state_ok(t));
	CHECK(tu_surface_closed(t));
	CHECK(tu_max_displacement(t) < 0.03f);
	fprintf(stderr, "knot at %.2f N: tension %.2f N, gape %.2f -> %.2f mm, distance %.2f (rest %.2f) mm, compression %.1f %%\n",
	        pull, out->tension, out->gape_before * 1e3, out->gape * 1e3, out->distance * 1e3, out->rest_distance * 1e3,
	        out->compression * 100);
	scrub_tissue_destroy(&t);
}

static void test_knot_closes(void)
{
	scrub_suture snug, hard;
	pass_and_tie(0.25f, &snug);
	pass_and_tie(2.0f, &hard);
	CHECK(snug.gape_before > 0.0005f);
	CHECK(snug.gape < snug.gape_before - 0.00005f);   /* the wound narrows at the suture */
	CHECK(snug.tension > 0.1f && snug.tension < 0.6f);
	CHECK(hard.compression > snug.compression + 0.1f);
	CHECK(hard.tension > snug.tension);
}

static void test_scissors_cut(void)
{
	scrub_tissue *t = make();
	if (!t)
		return;
	scrub_tissue_set_instrument(t, 0, SCRUB_INSTR_NEEDLE_DRIVER);
	for (int i = 0; i < 800; i++) {
		set_needle(t, 0, 0.02f, 0.015f, 0.02f, 0);
		scrub_tissue_step(t);
	}
	scrub_thread_state th;
	scrub_tissue_get_thread(t, &th);
	const int before = th.node_count;
	const float *p = th.positions + 40 * 3;
	float at[3] = {p[0], p[1], p[2]};
	/* scissors upright over particle 40, tip 1 mm above it: blades open, then closed */
	scrub_tissue_set_instrument(t, 1, SCRUB_INSTR_SCISSORS);
	int ev[16] = {0};
	tu_drain(t, ev);
	for (int i = 0; i < 100; i++) {
		scrub_hand_input in = tu_pose(at[0], at[1], at[2] + 0.001f, i < 50 ? 0.0f : 1.0f);
		scrub_tissue_set_hand(t, 1, &in);
		scrub_tissue_step(t);
	}
	scrub_tissue_event e;
	bool cut = false;
	while (scrub_tissue_poll_event(t, &e))
		if (e.kind == SCRUB_TEV_THREAD_CUT) {
			cut = true;
			CHECK(e.value < 0); /* no bite beyond the cut: a free end */
		}
	CHECK(cut);
	scrub_tissue_get_thread(t, &th);
	CHECK(th.node_count < before && th.node_count >= 38 && th.node_count <= 44);
	CHECK(th.length < 0.1f);
	CHECK(thread_finite(t, NULL));
	CHECK_STR(scrub_instrument_name(SCRUB_INSTR_SCISSORS), "scissors");
	CHECK_STR(scrub_tissue_event_name(SCRUB_TEV_THREAD_CUT), "thread_cut");
	scrub_tissue_destroy(&t);
}

int main(void)
{
	test_thread_drapes();
	test_knot_closes();
	test_scissors_cut();
	return CHECK_DONE();
}
