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
	tu_incise(t, 0.003f, 200, 400);
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
	/* with the needle held still it comes to rest (it creeps along the drape for a few seconds)
	 * and sleeps; the needle moving wakes it */
	for (int i = 0; i < 6000; i++) {
		set_needle(t, 0, 0.02f, 0.015f, 0.02f, 0);
		scrub_tissue_step(t);
	}
	scrub_tissue_get_thread(t, &th);
	scrub_tissue_stats st;
	scrub_tissue_get_stats(t, &st);
	const uint64_t slept = st.thread_sleeping_steps;
	CHECK(slept > 100);
	float before[3];
	memcpy(before, th.positions + 10 * 3, sizeof before);
	for (int i = 0; i < 200; i++) {
		set_needle(t, 0, 0.02f + 0.01f * (float)(i + 1) / 200.0f, 0.015f, 0.02f, 0);
		scrub_tissue_step(t);
	}
	scrub_tissue_get_thread(t, &th);
	scrub_tissue_get_stats(t, &st);
	CHECK(st.thread_sleeping_steps == slept);
	CHECK(fabsf(th.positions[10 * 3] - before[0]) > 0.001f);
	fprintf(stderr, "thread: asleep %llu of 6800 steps held still, woke when the needle moved (particle 10 moved %.1f mm)\n",
	        (unsigned long long)slept, (th.positions[10 * 3] - before[0]) * 1e3);
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

/* Bitwise equal: every node, every thread particle, every suture's figures, the incision. */
static bool same_state(const scrub_tissue *a, const scrub_tissue *b)
{
	if (scrub_tissue_node_count(a) != scrub_tissue_node_count(b))
		return false;
	for (int n = 0; n < scrub_tissue_node_count(a); n++) {
		float pa[3], pb[3];
		scrub_tissue_node_position(a, n, pa);
		scrub_tissue_node_position(b, n, pb);
		if (memcmp(pa, pb, sizeof pa) != 0)
			return false;
	}
	scrub_thread_state ta, tb;
	scrub_tissue_get_thread(a, &ta);
	scrub_tissue_get_thread(b, &tb);
	if (ta.node_count != tb.node_count || ta.eyelets != tb.eyelets ||
	    memcmp(ta.positions, tb.positions, (size_t)ta.node_count * 3 * sizeof(float)) != 0)
		return false;
	if (scrub_tissue_suture_count(a) != scrub_tissue_suture_count(b))
		return false;
	for (int i = 0; i < scrub_tissue_suture_count(a); i++) {
		scrub_suture sa, sb;
		scrub_tissue_suture_get(a, i, &sa);
		scrub_tissue_suture_get(b, i, &sb);
		if (sa.state != sb.state || sa.tension != sb.tension || sa.gape != sb.gape || sa.loop_length != sb.loop_length ||
		    sa.compression != sb.compression)
			return false;
	}
	scrub_tissue_incision ia, ib;
	scrub_tissue_get_incision(a, &ia);
	scrub_tissue_get_incision(b, &ib);
	return ia.cut_faces == ib.cut_faces && ia.length == ib.length && ia.gape == ib.gape;
}

/* A clone taken in the middle of everything (a cut wound, the thread through two bites, a knot
 * being cinched) and stepped with the same inputs stays identical to the original, to the bit;
 * the original is untouched by the clone's steps. */
static void test_clone(void)
{
	scrub_tissue *t = make();
	if (!t)
		return;
	incise(t);
	scrub_tissue_set_instrument(t, 1, SCRUB_INSTR_NEEDLE_DRIVER);
	for (int i = 0; i < 1700; i++) {
		set_needle(t, 1, 0.02f, 0.0153f, 0.002f, 4.7f * fminf(1.0f, (float)i / 1500.0f));
		scrub_tissue_step(t);
	}
	int idx = -1;
	CHECK(scrub_tissue_knot_throw(t, 0, 0, 0.25f, &idx) == SCRUB_OK);
	for (int i = 0; i < 200; i++)
		scrub_tissue_step(t);
	scrub_tissue *c = NULL;
	CHECK(scrub_tissue_clone(t, &c) == SCRUB_OK);
	CHECK(scrub_tissue_clone(NULL, &c) == SCRUB_ERR_INVALID);
	if (!c) {
		scrub_tissue_destroy(&t);
		return;
	}
	CHECK(same_state(t, c));
	scrub_tissue *both[2] = {t, c};
	int events[2][16] = {{0}};
	for (int i = 0; i < 900; i++) {
		for (int k = 0; k < 2; k++) {
			/* forceps press beside the wound and let go; the knot is locked half way */
			if (i == 450)
				CHECK(scrub_tissue_knot_lock(both[k], 0, true) == SCRUB_OK);
			scrub_tissue_set_instrument(both[k], 0, SCRUB_INSTR_FORCEPS);
			scrub_hand_input in = tu_pose(0.012f, 0.01f, 0.004f - 0.006f * fminf(1.0f, (float)i / 300.0f), 0);
			scrub_tissue_set_hand(both[k], 0, &in);
			scrub_tissue_step(both[k]);
			tu_drain(both[k], events[k]);
		}
	}
	CHECK(same_state(t, c));
	CHECK(memcmp(events[0], events[1], sizeof events[0]) == 0);
	scrub_tissue_stats sa, sb;
	scrub_tissue_get_stats(t, &sa);
	scrub_tissue_get_stats(c, &sb);
	CHECK(sa.steps == sb.steps && sa.nodes == sb.nodes && sa.links == sb.links && sa.cut_faces == sb.cut_faces &&
	      sa.sleeping_steps == sb.sleeping_steps);
	scrub_hand_state ha, hb;
	scrub_tissue_hand_state(t, 0, &ha);
	scrub_tissue_hand_state(c, 0, &hb);
	CHECK(ha.contact_nodes > 0 && ha.contact_nodes == hb.contact_nodes && ha.force[2] == hb.force[2]);
	/* the clone goes on alone: the original stays where it was */
	float before[3], after[3];
	scrub_tissue_node_position(t, scrub_tissue_node_count(t) / 2, before);
	for (int i = 0; i < 100; i++) {
		scrub_hand_input in = tu_pose(0.02f, 0.015f, -0.004f, 0);
		scrub_tissue_set_hand(c, 0, &in);
		scrub_tissue_step(c);
	}
	scrub_tissue_node_position(t, scrub_tissue_node_count(t) / 2, after);
	CHECK(memcmp(before, after, sizeof before) == 0);
	CHECK(scrub_tissue_state_ok(c));
	scrub_tissue_destroy(&c);
	scrub_tissue_destroy(&t);
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
	test_clone();
	test_scissors_cut();
	return CHECK_DONE();
}
