/* Tissue under abuse: 10 m/s instruments, a cut through a single element, grasp-and-pull at the
 * maximum force, poses full of NaN, a corrupted node. No NaN, no explosion, and the step says
 * what it clamped. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "test_tissue_util.h"
#include "tissue.h"

static scrub_tissue *make(float element, bool tearing)
{
	scrub_tissue_desc d;
	memset(&d, 0, sizeof d);
	d.size_x = 0.04f;
	d.size_y = 0.03f;
	d.element_size = element;
	d.tearing = tearing;
	scrub_tissue *t = NULL;
	CHECK(scrub_tissue_create(&d, &t) == SCRUB_OK);
	return t;
}

static float hand_speed(const scrub_tissue *t, int hand)
{
	scrub_hand_state hs;
	scrub_tissue_hand_state(t, hand, &hs);
	return sqrtf(hs.velocity[0] * hs.velocity[0] + hs.velocity[1] * hs.velocity[1] + hs.velocity[2] * hs.velocity[2]);
}

static void test_ten_metres_per_second(void)
{
	scrub_tissue *t = make(0.0025f, false);
	if (!t)
		return;
	scrub_tissue_set_instrument(t, 0, SCRUB_INSTR_SCALPEL);
	scrub_tissue_set_instrument(t, 1, SCRUB_INSTR_FORCEPS);
	bool ok = true;
	float vmax = 0;
	/* the hands are driven through the block at 10 m/s (10 mm per 1 ms step): 100 mm strokes,
	 * each followed by a hold, back and forth */
	for (int i = 0; i < 800; i++) {
		int ph = i % 200;
		float u = ph < 10 ? (float)ph / 10.0f : (ph < 100 ? 1.0f : (ph < 110 ? 1.0f - (float)(ph - 100) / 10.0f : 0.0f));
		scrub_hand_input a = tu_pose(-0.03f + 0.1f * u, 0.0153f, -0.006f, 0);
		scrub_hand_input b = tu_pose(0.02f, 0.01f, 0.05f - 0.1f * u, 0);
		CHECK(scrub_tissue_set_hand(t, 0, &a) == SCRUB_OK);
		CHECK(scrub_tissue_set_hand(t, 1, &b) == SCRUB_OK);
		CHECK(scrub_tissue_step(t) == SCRUB_OK);
		ok = ok && scrub_tissue_state_ok(t);
		vmax = fmaxf(vmax, fmaxf(hand_speed(t, 0), hand_speed(t, 1)));
	}
	CHECK(ok);
	CHECK(vmax <= 1.0f + 1e-3f); /* the coupling never lets the physics see 10 m/s */
	scrub_tissue_stats st;
	scrub_tissue_get_stats(t, &st);
	CHECK(st.clamped_instrument > 0);
	CHECK(st.cut_faces > 0);
	CHECK(tu_max_displacement(t) < 0.03f);
	CHECK(tu_surface_closed(t));
	fprintf(stderr, "10 m/s: clamped %llu steps, %d cut faces, %d split nodes, max displacement %.1f mm\n",
	        (unsigned long long)st.clamped_instrument, st.cut_faces, st.split_nodes, tu_max_displacement(t) * 1e3);
	scrub_tissue_destroy(&t);
}

static void test_cut_single_element(void)
{
	/* 10 mm cells: 4 x 3 cells, one per layer; the blade sweeps 4 mm inside one cell, then
	 * across exactly one cell */
	scrub_tissue *t = make(0.01f, false);
	if (!t)
		return;
	scrub_tissue_set_instrument(t, 0, SCRUB_INSTR_SCALPEL);
	for (int i = 0; i < 600; i++) {
		float x = i < 200 ? 0.013f : (i < 400 ? 0.013f + 0.004f * (float)(i - 200) / 200.0f
		                                      : 0.010f + 0.010f * (float)(i - 400) / 200.0f);
		scrub_hand_input in = tu_pose(x, 0.0153f, -0.0015f, 0);
		scrub_tissue_set_hand(t, 0, &in);
		CHECK(scrub_tissue_step(t) == SCRUB_OK);
	}
	scrub_tissue_stats st;
	scrub_tissue_get_stats(t, &st);
	fprintf(stderr, "single element: %d cut faces, %d split nodes\n", st.cut_faces, st.split_nodes);
	CHECK(st.cut_faces >= 1);
	CHECK(scrub_tissue_state_ok(t));
	CHECK(tu_surface_closed(t));
	for (int i = 0; i < 200; i++)
		CHECK(scrub_tissue_step(t) == SCRUB_OK);
	CHECK(scrub_tissue_state_ok(t));
	scrub_tissue_destroy(&t);
}

static void pull(bool tearing)
{
	scrub_tissue *t = make(0.0025f, tearing);
	if (!t)
		return;
	scrub_tissue_set_instrument(t, 1, SCRUB_INSTR_FORCEPS);
	for (int i = 0; i < 200; i++) {
		scrub_hand_input in = tu_pose(0.02f, 0.015f, 0.004f - 0.0045f * (float)i / 199.0f, 0);
		scrub_tissue_set_hand(t, 1, &in);
		scrub_tissue_step(t);
	}
	/* close, then the hand jumps half a metre up and stays there */
	int ev[16] = {0};
	float fmax = 0;
	bool ok = true;
	for (int i = 0; i < 2000; i++) {
		scrub_hand_input in = tu_pose(0.02f, 0.015f, i < 20 ? -0.0005f : 0.5f, 1);
		scrub_tissue_set_hand(t, 1, &in);
		CHECK(scrub_tissue_step(t) == SCRUB_OK);
		ok = ok && scrub_tissue_state_ok(t);
		tu_drain(t, ev);
		scrub_hand_state hs;
		scrub_tissue_hand_state(t, 1, &hs);
		fmax = fmaxf(fmax, hs.force_magnitude);
	}
	tu_drain(t, ev);
	scrub_tissue_stats st;
	scrub_tissue_get_stats(t, &st);
	fprintf(stderr, "pull (tearing %d): max force %.1f N, grasp %d slip %d force-injury %d strain-injury %d tear %d, torn links %d\n",
	        tearing, fmax, ev[SCRUB_TEV_GRASP], ev[SCRUB_TEV_SLIP], ev[SCRUB_TEV_DAMAGE_FORCE],
	        ev[SCRUB_TEV_DAMAGE_STRAIN], ev[SCRUB_TEV_TEAR], st.torn_links);
	CHECK(ok);
	CHECK(ev[SCRUB_TEV_GRASP] == 1);
	CHECK(ev[SCRUB_TEV_SLIP] + ev[SCRUB_TEV_DAMAGE_FORCE] + ev[SCRUB_TEV_DAMAGE_STRAIN] >= 1);
	if (tearing)
		CHECK(st.torn_links > 0 || ev[SCRUB_TEV_SLIP] > 0);
	CHECK(fmax < 40.0f);
	CHECK(st.clamped_instrument > 0);
	scrub_hand_state hs;
	scrub_tissue_hand_state(t, 1, &hs);
	CHECK(hs.metrics.injury_events >= 1 || ev[SCRUB_TEV_SLIP] > 0);
	/* the hand gives up: the tissue comes back to rest */
	for (int i = 0; i < 1500; i++) {
		scrub_hand_input in = tu_pose(0.02f, 0.015f, 0.05f, 0);
		scrub_tissue_set_hand(t, 1, &in);
		scrub_tissue_step(t);
	}
	CHECK(scrub_tissue_state_ok(t));
	if (!tearing)
		CHECK(tu_max_displacement(t) < 0.002f);
	scrub_tissue_destroy(&t);
}

static void test_pull_max_force(void)
{
	pull(false);
	pull(true);
}

static void test_nan_pose_and_corrupt_node(void)
{
	scrub_tissue *t = make(0.0025f, false);
	if (!t)
		return;
	scrub_tissue_set_instrument(t, 0, SCRUB_INSTR_FORCEPS);
	scrub_hand_input good = tu_pose(0.02f, 0.015f, 0.01f, 0);
	CHECK(scrub_tissue_set_hand(t, 0, &good) == SCRUB_OK);
	for (int i = 0; i < 50; i++)
		scrub_tissue_step(t);
	scrub_hand_state before;
	scrub_tissue_hand_state(t, 0, &before);
	scrub_hand_input bad = good;
	for (int k = 0; k < 3; k++)
		bad.pose.pos[k] = NAN;
	for (int k = 0; k < 4; k++)
		bad.pose.rot[k] = NAN;
	bad.grip = NAN;
	scrub_hand_input inf = good;
	inf.pose.pos[2] = INFINITY;
	scrub_hand_input zeroq = good;
	zeroq.pose.rot[3] = 0;
	int rejected = 0;
	for (int i = 0; i < 300; i++) {
		scrub_hand_input *in = i % 3 == 0 ? &bad : (i % 3 == 1 ? &inf : &zeroq);
		rejected += scrub_tissue_set_hand(t, 0, in) == SCRUB_ERR_INVALID;
		CHECK(scrub_tissue_step(t) == SCRUB_OK);
	}
	CHECK(rejected == 300);
	scrub_tissue_stats st;
	scrub_tissue_get_stats(t, &st);
	CHECK(st.rejected_poses == 300);
	scrub_hand_state after;
	scrub_tissue_hand_state(t, 0, &after);
	for (int k = 0; k < 3; k++)
		CHECK(isfinite(after.pose.pos[k]) && fabsf(after.pose.pos[k] - before.pose.pos[k]) < 1e-4f);
	CHECK(scrub_tissue_state_ok(t));

	/* a node corrupted to NaN and another thrown a kilometre away: the guard restores both */
	const float nanp[3] = {NAN, NAN, NAN}, far[3] = {1000, 0, 0};
	const int n = scrub_tissue_node_count(t) / 2;
	CHECK(scrub_tissue_node_set_position(t, n, nanp) == SCRUB_OK);
	CHECK(scrub_tissue_node_set_position(t, n + 1, far) == SCRUB_OK);
	CHECK(!scrub_tissue_state_ok(t));
	CHECK(scrub_tissue_step(t) == SCRUB_OK);
	CHECK(scrub_tissue_state_ok(t));
	scrub_tissue_get_stats(t, &st);
	CHECK(st.repaired_nodes >= 2);
	int ev[16] = {0};
	tu_drain(t, ev);
	CHECK(ev[SCRUB_TEV_CLAMP] >= 1);
	for (int i = 0; i < 100; i++)
		scrub_tissue_step(t);
	CHECK(scrub_tissue_state_ok(t));
	CHECK(tu_max_displacement(t) < 0.002f);
	scrub_tissue_destroy(&t);
}

/* The thread under abuse: the needle driver yanked back and forth at 10 m/s, poses full of NaN,
 * a thread particle set to NaN and one thrown a kilometre away. */
static void test_thread_abuse(void)
{
	scrub_tissue *t = make(0.0025f, false);
	if (!t)
		return;
	scrub_tissue_set_instrument(t, 0, SCRUB_INSTR_NEEDLE_DRIVER);
	bool ok = true;
	for (int i = 0; i < 1200; i++) {
		float u = (float)((i / 20) % 2);   /* 200 mm in 20 steps of 1 ms: 10 m/s */
		scrub_hand_input a = tu_pose(-0.08f + 0.2f * u, 0.015f, 0.01f - 0.02f * u, 0);
		if (i % 97 == 0)
			a.pose.pos[1] = NAN;
		if (i % 89 == 0)
			a.pose.rot[2] = INFINITY;
		scrub_tissue_set_hand(t, 0, &a);
		if (i == 600) {
			const float bad[3] = {NAN, 0, 0}, far[3] = {1000.0f, 0, 0};
			CHECK(scrub_tissue_thread_set_position(t, 50, bad) == SCRUB_OK);
			CHECK(scrub_tissue_thread_set_position(t, 80, far) == SCRUB_OK);
			CHECK(scrub_tissue_thread_set_position(t, 5000, far) == SCRUB_ERR_INVALID);
		}
		CHECK(scrub_tissue_step(t) == SCRUB_OK);
		ok = ok && scrub_tissue_state_ok(t);
		scrub_thread_state th;
		scrub_tissue_get_thread(t, &th);
		for (int k = 0; k < th.node_count * 3; k++)
			ok = ok && isfinite(th.positions[k]) && fabsf(th.positions[k]) < 1.0f;
	}
	CHECK(ok);
	scrub_thread_state th;
	scrub_tissue_get_thread(t, &th);
	CHECK(th.repaired >= 2);
	CHECK(th.node_count > 100);
	scrub_tissue_destroy(&t);
}

int main(void)
{
	test_thread_abuse();
	test_ten_metres_per_second();
	test_cut_single_element();
	test_pull_max_force();
	test_nan_pose_and_corrupt_node();
	return CHECK_DONE();
}
