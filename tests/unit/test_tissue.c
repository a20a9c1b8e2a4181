/* Tissue: build, rest, grasp and retract, incision, needle pass, motion metrics. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "test_tissue_util.h"
#include "tissue.h"

static scrub_tissue *make(float sx, float sy, float element)
{
	scrub_tissue_desc d;
	memset(&d, 0, sizeof d);
	d.size_x = sx;
	d.size_y = sy;
	d.element_size = element;
	scrub_tissue *t = NULL;
	CHECK(scrub_tissue_create(&d, &t) == SCRUB_OK);
	return t;
}

static void test_build_and_rest(void)
{
	scrub_tissue *t = make(0.04f, 0.03f, 0.0025f);
	if (!t)
		return;
	scrub_tissue_stats st;
	scrub_tissue_get_stats(t, &st);
	/* 16 x 12 cells, layers 1 + 2 + 5 cells: 6 tets per cell */
	CHECK(st.tets == 16 * 12 * 8 * 6);
	CHECK(st.nodes == 17 * 13 * 9);
	CHECK(st.links > st.nodes * 5);
	CHECK(tu_surface_closed(t));
	scrub_tissue_surface s;
	scrub_tissue_get_surface(t, &s);
	int top = 0, top_up = 0, bottom_muscle = 1;
	for (uint32_t v = 0; v < s.vertex_count; v++) {
		const float *p = s.positions + v * 3, *n = s.normals + v * 3;
		CHECK(s.uvs[v * 2] >= 0 && s.uvs[v * 2] <= 1 && s.uvs[v * 2 + 1] >= 0 && s.uvs[v * 2 + 1] <= 1);
		if (p[2] > -1e-6f && p[0] > 0.001f && p[0] < 0.039f && p[1] > 0.001f && p[1] < 0.029f) {
			top++;
			top_up += n[2] > 0.99f && s.layers[v] == SCRUB_TISSUE_LAYER_SKIN;
		}
		if (p[2] < -0.0199f && s.layers[v] != SCRUB_TISSUE_LAYER_MUSCLE)
			bottom_muscle = 0;
	}
	CHECK(top == 15 * 11);
	CHECK(top_up == top);
	CHECK(bottom_muscle);

	/* settles under gravity with the pretensioned skin: small sag, pinned sides stay */
	for (int i = 0; i < 300; i++)
		CHECK(scrub_tissue_step(t) == SCRUB_OK);
	CHECK(scrub_tissue_state_ok(t));
	float md = tu_max_displacement(t);
	CHECK(md < 0.002f);
	float x0[3], r0[3];
	scrub_tissue_node_position(t, 0, x0);
	scrub_tissue_node_rest(t, 0, r0);
	CHECK(x0[0] == r0[0] && x0[1] == r0[1] && x0[2] == r0[2]);
	scrub_tissue_destroy(&t);
	CHECK(t == NULL);
	scrub_tissue_destroy(&t); /* NULL is fine */
}

static float node_z_near(const scrub_tissue *t, float x, float y, int *out_node)
{
	int best = -1;
	float bd = 1e9f;
	for (int n = 0; n < scrub_tissue_node_count(t); n++) {
		float r[3];
		scrub_tissue_node_rest(t, n, r);
		float d = (r[0] - x) * (r[0] - x) + (r[1] - y) * (r[1] - y) + r[2] * r[2];
		if (d < bd) {
			bd = d;
			best = n;
		}
	}
	*out_node = best;
	float p[3];
	scrub_tissue_node_position(t, best, p);
	return p[2];
}

static void test_grasp_retract(void)
{
	scrub_tissue *t = make(0.04f, 0.03f, 0.0025f);
	if (!t)
		return;
	CHECK(scrub_tissue_set_instrument(t, 1, SCRUB_INSTR_FORCEPS) == SCRUB_OK);
	int node;
	const float z_rest = node_z_near(t, 0.02f, 0.015f, &node);
	int ev[16] = {0};
	/* approach from 5 mm above to 0.5 mm into the skin, open */
	for (int i = 0; i < 300; i++) {
		float z = 0.005f - 0.0055f * (float)i / 299.0f;
		scrub_hand_input in = tu_pose(0.02f, 0.015f, z, 0);
		CHECK(scrub_tissue_set_hand(t, 1, &in) == SCRUB_OK);
		scrub_tissue_step(t);
	}
	scrub_hand_state hs;
	scrub_tissue_hand_state(t, 1, &hs);
	CHECK(hs.contact_nodes > 0);
	CHECK(hs.force[2] > 0); /* pressing in: the tissue pushes back up */
	/* close and lift 8 mm */
	for (int i = 0; i < 600; i++) {
		float z = -0.0005f + 0.008f * fminf(1.0f, (float)i / 400.0f);
		scrub_hand_input in = tu_pose(0.02f, 0.015f, z, 1);
		scrub_tissue_set_hand(t, 1, &in);
		scrub_tissue_step(t);
	}
	scrub_tissue_hand_state(t, 1, &hs);
	CHECK(hs.grasped_nodes > 0);
	float p[3];
	scrub_tissue_node_position(t, node, p);
	fprintf(stderr, "grasp: %d nodes, node rose %.1f mm, force %.2f %.2f %.2f N, tool z %.1f mm\n", hs.grasped_nodes,
	        (p[2] - z_rest) * 1e3, hs.force[0], hs.force[1], hs.force[2], hs.pose.pos[2] * 1e3);
	CHECK(p[2] - z_rest > 0.003f);
	CHECK(hs.pose.pos[2] < 0.0075f - 0.001f); /* under load the instrument lags the hand */
	CHECK(hs.force[2] < -0.05f); /* retracting: the tissue pulls down */
	CHECK(hs.force_magnitude < 20.0f);
	tu_drain(t, ev);
	CHECK(ev[SCRUB_TEV_GRASP] == 1);
	/* release and step away: the tissue returns */
	for (int i = 0; i < 1500; i++) {
		scrub_hand_input in = tu_pose(0.02f, 0.015f, 0.03f, 0);
		scrub_tissue_set_hand(t, 1, &in);
		scrub_tissue_step(t);
	}
	tu_drain(t, ev);
	CHECK(ev[SCRUB_TEV_RELEASE] == 1);
	scrub_tissue_hand_state(t, 1, &hs);
	CHECK(hs.grasped_nodes == 0);
	scrub_tissue_node_position(t, node, p);
	CHECK(fabsf(p[2] - z_rest) < 0.001f);
	CHECK(scrub_tissue_state_ok(t));
	scrub_tissue_destroy(&t);
}

static void set_needle(scrub_tissue *t, float yc, float zc, float phi)
{
	/* arc in the y-z plane, shaft along +x: local x -> y, local y -> z, local z -> x, then
	 * turned by phi about the shaft */
	const float b[4] = {0.5f, 0.5f, 0.5f, 0.5f};
	const float s = sinf(phi * 0.5f), c = cosf(phi * 0.5f);
	/* q = b * (0, 0, s, c) */
	scrub_hand_input in = tu_pose(0.02f, yc, zc, 0);
	in.pose.rot[0] = b[3] * 0 + b[0] * c + b[1] * s - b[2] * 0;
	in.pose.rot[1] = b[3] * 0 - b[0] * s + b[1] * c + b[2] * 0;
	in.pose.rot[2] = b[3] * s + b[0] * 0 - b[1] * 0 + b[2] * c;
	in.pose.rot[3] = b[3] * c - b[0] * 0 - b[1] * 0 - b[2] * s;
	scrub_tissue_set_hand(t, 0, &in);
}

static void test_incision_and_needle(void)
{
	scrub_tissue *t = make(0.04f, 0.03f, 0.002f);
	if (!t)
		return;
	scrub_tissue_surface s;
	scrub_tissue_get_surface(t, &s);
	const uint32_t v0 = s.version, tri0 = s.triangle_count;
	tu_incise(t, 0.0035f, 150, 600);
	scrub_tissue_stats st;
	scrub_tissue_get_stats(t, &st);
	scrub_tissue_incision inc;
	scrub_tissue_get_incision(t, &inc);
	fprintf(stderr, "incision: %d faces, %d split, length %.1f mm, depth %.1f mm, layer %s, gape %.2f mm, straight %.2f\n",
	        inc.cut_faces, st.split_nodes, inc.length * 1e3, inc.max_depth * 1e3,
	        scrub_tissue_layer_name(inc.deepest_layer), inc.gape * 1e3, inc.straightness);
	CHECK(inc.cut_faces > 20);
	CHECK(st.split_nodes > 8);
	CHECK(inc.deepest_layer == SCRUB_TISSUE_LAYER_FAT);
	CHECK(inc.max_depth > 0.002f && inc.max_depth < 0.006f);
	CHECK(inc.length > 0.018f && inc.length < 0.028f);
	CHECK(inc.straightness > 0.9f);
	CHECK(inc.gape > 0.0002f); /* the pretensioned skin opens the wound */
	scrub_tissue_get_surface(t, &s);
	CHECK(s.version != v0);
	CHECK(s.triangle_count > tri0);
	CHECK(tu_surface_closed(t));
	CHECK(scrub_tissue_state_ok(t));
	int ev[16] = {0};
	tu_drain(t, ev);
	CHECK(ev[SCRUB_TEV_INCISION] >= 1);

	/* a needle pass across the wound: centre 2 mm above the skin over the wound, 8 mm radius */
	scrub_tissue_set_instrument(t, 0, SCRUB_INSTR_NEEDLE_DRIVER);
	const int n = 1500;
	for (int i = 0; i < n + 200; i++) {
		float phi = 4.7f * fminf(1.0f, (float)i / (float)n);
		set_needle(t, 0.0153f, 0.002f, phi);
		scrub_tissue_step(t);
	}
	CHECK(scrub_tissue_needle_pass_count(t) >= 1);
	scrub_needle_pass p;
	if (scrub_tissue_needle_pass_get(t, 0, &p) == SCRUB_OK) {
		fprintf(stderr, "needle: entry y %.1f exit y %.1f mm, angle %.0f deg, bite %.1f mm (%s), wound %.1f / %.1f mm\n",
		        p.entry[1] * 1e3, p.exit[1] * 1e3, p.entry_angle_deg, p.bite_depth * 1e3,
		        scrub_tissue_layer_name(p.deepest_layer), p.entry_wound_distance * 1e3, p.exit_wound_distance * 1e3);
		CHECK(p.complete);
		CHECK(p.entry[1] < 0.0153f && p.exit[1] > 0.0153f);
		CHECK(p.bite_depth > 0.004f && p.bite_depth < 0.0075f);
		CHECK(fabsf(p.entry_wound_distance - 0.00775f) < 0.0025f);
		CHECK(fabsf(p.exit_wound_distance - 0.00775f) < 0.0025f);
		CHECK(p.entry_angle_deg > 30 && p.entry_angle_deg <= 90);
	}
	CHECK(scrub_tissue_needle_pass_count(t) == 1);
	CHECK(scrub_tissue_needle_pass_get(t, 5, &p) == SCRUB_ERR_INVALID);
	CHECK(scrub_tissue_state_ok(t));
	scrub_tissue_destroy(&t);
}

static void test_deep_cut_reaches_muscle(void)
{
	scrub_tissue *t = make(0.04f, 0.03f, 0.0025f);
	if (!t)
		return;
	tu_incise(t, 0.011f, 200, 400);
	scrub_tissue_incision inc;
	scrub_tissue_get_incision(t, &inc);
	CHECK(inc.deepest_layer == SCRUB_TISSUE_LAYER_MUSCLE);
	int ev[16] = {0};
	tu_drain(t, ev);
	CHECK(ev[SCRUB_TEV_INCISION] + ev[SCRUB_TEV_INCISION_LAYER] >= 1);
	CHECK(scrub_tissue_state_ok(t));
	scrub_tissue_destroy(&t);
}

static void test_metrics(void)
{
	scrub_tissue *t = make(0.04f, 0.03f, 0.005f);
	if (!t)
		return;
	scrub_tissue_set_instrument(t, 1, SCRUB_INSTR_FORCEPS);
	/* 20 mm in 1 s, still for 0.5 s, 10 mm in 0.5 s: all in the air */
	for (int i = 0; i < 2200; i++) {
		float x;
		if (i < 1000) x = 0.01f + 0.02f * (float)i / 1000.0f;
		else if (i < 1500) x = 0.03f;
		else if (i < 2000) x = 0.03f - 0.01f * (float)(i - 1500) / 500.0f;
		else x = 0.02f;
		scrub_hand_input in = tu_pose(x, 0.015f, 0.02f, 0);
		scrub_tissue_set_hand(t, 1, &in);
		scrub_tissue_step(t);
	}
	scrub_hand_state hs;
	scrub_tissue_hand_state(t, 1, &hs);
	fprintf(stderr, "metrics: path %.1f mm, active %.2f s, idle %.2f s\n", hs.metrics.path_length * 1e3,
	        hs.metrics.active_time, hs.metrics.idle_time);
	CHECK_NEAR(hs.metrics.path_length, 0.030, 0.002);
	CHECK_NEAR(hs.metrics.idle_time, 0.5, 0.06);
	CHECK_NEAR(hs.metrics.active_time, 2.0, 0.1);
	CHECK(hs.metrics.injury_events == 0);
	scrub_tissue_destroy(&t);
}

/* Sleep: at rest with no instrument near, the step is skipped; an instrument coming near wakes
 * the tissue, which then answers as one that never slept. */
static void test_sleep(void)
{
	scrub_tissue *t[2] = {NULL, NULL};
	for (int k = 0; k < 2; k++) {
		scrub_tissue_desc d;
		memset(&d, 0, sizeof d);
		d.size_x = 0.04f;
		d.size_y = 0.03f;
		d.element_size = 0.0025f;
		d.no_sleep = k == 1;
		CHECK(scrub_tissue_create(&d, &t[k]) == SCRUB_OK);
		if (!t[k])
			return;
		CHECK(scrub_tissue_set_instrument(t[k], 1, SCRUB_INSTR_FORCEPS) == SCRUB_OK);
	}
	scrub_tissue_stats st[2];
	/* the forceps wait 30 mm above the skin: the tissue settles, then sleeps */
	for (int i = 0; i < 600; i++)
		for (int k = 0; k < 2; k++) {
			scrub_hand_input in = tu_pose(0.02f, 0.015f, 0.03f, 0);
			scrub_tissue_set_hand(t[k], 1, &in);
			CHECK(scrub_tissue_step(t[k]) == SCRUB_OK);
		}
	for (int k = 0; k < 2; k++)
		scrub_tissue_get_stats(t[k], &st[k]);
	CHECK(st[0].sleeping_steps > 100);
	CHECK(st[1].sleeping_steps == 0);
	const uint64_t slept = st[0].sleeping_steps;
	/* they come down 0.5 mm into the skin and stay: awake from before the touch */
	int contact[2] = {0, 0};
	for (int i = 0; i < 700; i++)
		for (int k = 0; k < 2; k++) {
			float z = 0.03f - 0.0305f * fminf(1.0f, (float)i / 400.0f);
			scrub_hand_input in = tu_pose(0.02f, 0.015f, z, 0);
			scrub_tissue_set_hand(t[k], 1, &in);
			scrub_tissue_step(t[k]);
			scrub_hand_state hs;
			scrub_tissue_hand_state(t[k], 1, &hs);
			if (hs.contact_nodes > 0 && !contact[k])
				contact[k] = i;
		}
	scrub_tissue_get_stats(t[0], &st[0]);
	CHECK(contact[0] > 0 && contact[0] == contact[1]);
	CHECK(st[0].sleeping_steps < slept + 400); /* woke before the forceps reached the skin */
	float worst = 0;
	for (int n = 0; n < scrub_tissue_node_count(t[0]); n++) {
		float a[3], b[3];
		scrub_tissue_node_position(t[0], n, a);
		scrub_tissue_node_position(t[1], n, b);
		worst = fmaxf(worst, sqrtf((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2])));
	}
	scrub_hand_state hs[2];
	for (int k = 0; k < 2; k++)
		scrub_tissue_hand_state(t[k], 1, &hs[k]);
	fprintf(stderr, "sleep: %llu of 600 steps asleep, then pressed: nodes differ by %.2f um, force %.4f / %.4f N\n",
	        (unsigned long long)slept, worst * 1e6, hs[0].force[2], hs[1].force[2]);
	CHECK(worst < 20e-6f);
	CHECK(hs[0].force[2] > 0.01f);
	CHECK_NEAR(hs[0].force[2], hs[1].force[2], 0.02 * fabs(hs[1].force[2]) + 0.002);
	/* lifted away, it sleeps again; a node moved from outside wakes it and springs back */
	for (int i = 0; i < 600; i++) {
		scrub_hand_input in = tu_pose(0.02f, 0.015f, 0.03f, 0);
		scrub_tissue_set_hand(t[0], 1, &in);
		scrub_tissue_step(t[0]);
	}
	scrub_tissue_get_stats(t[0], &st[0]);
	CHECK(st[0].sleeping_steps > slept + 100);
	int node;
	node_z_near(t[0], 0.02f, 0.015f, &node);
	float p[3];
	scrub_tissue_node_position(t[0], node, p);
	const float z0 = p[2];
	p[2] += 0.002f;
	CHECK(scrub_tissue_node_set_position(t[0], node, p) == SCRUB_OK);
	for (int i = 0; i < 200; i++)
		scrub_tissue_step(t[0]);
	scrub_tissue_node_position(t[0], node, p);
	CHECK(fabsf(p[2] - z0) < 0.0005f);
	for (int k = 0; k < 2; k++)
		scrub_tissue_destroy(&t[k]);
}

static void test_bad_arguments(void)
{
	scrub_tissue *t = NULL;
	scrub_tissue_desc d;
	memset(&d, 0, sizeof d);
	d.size_x = 5; /* 5 m */
	CHECK(scrub_tissue_create(&d, &t) == SCRUB_ERR_LIMIT && t == NULL);
	memset(&d, 0, sizeof d);
	d.dt = NAN;
	CHECK(scrub_tissue_create(&d, &t) == SCRUB_ERR_INVALID && t == NULL);
	memset(&d, 0, sizeof d);
	d.element_size = 0.0001f;
	CHECK(scrub_tissue_create(&d, &t) == SCRUB_ERR_INVALID);
	CHECK(scrub_tissue_create(NULL, NULL) == SCRUB_ERR_INVALID);
	t = make(0.02f, 0.02f, 0.005f);
	if (!t)
		return;
	CHECK(scrub_tissue_set_instrument(t, 2, SCRUB_INSTR_SCALPEL) == SCRUB_ERR_INVALID);
	CHECK(scrub_tissue_set_instrument(t, 0, (scrub_instrument_kind)42) == SCRUB_ERR_INVALID);
	CHECK(scrub_tissue_set_hand(t, -1, NULL) == SCRUB_ERR_INVALID);
	CHECK_STR(scrub_instrument_name(SCRUB_INSTR_NEEDLE_DRIVER), "needle_driver");
	CHECK_STR(scrub_tissue_layer_name(SCRUB_TISSUE_LAYER_FAT), "fat");
	CHECK_STR(scrub_tissue_event_name(SCRUB_TEV_NEEDLE_EXIT), "needle_exit");
	scrub_tissue_destroy(&t);
}

int main(void)
{
	test_build_and_rest();
	test_grasp_retract();
	test_incision_and_needle();
	test_deep_cut_reaches_muscle();
	test_metrics();
	test_sleep();
	test_bad_arguments();
	return CHECK_DONE();
}
