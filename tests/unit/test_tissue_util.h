/* Helpers shared by the tissue tests. */
#ifndef SCRUB_TEST_TISSUE_UTIL_H
#define SCRUB_TEST_TISSUE_UTIL_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tissue.h"

static scrub_hand_input tu_pose(float x, float y, float z, float grip)
{
	scrub_hand_input in;
	memset(&in, 0, sizeof in);
	in.pose.pos[0] = x;
	in.pose.pos[1] = y;
	in.pose.pos[2] = z;
	in.pose.rot[3] = 1;
	in.grip = grip;
	return in;
}

/* One step with HAND held at (x, y, z), not gripping. */
static inline void tu_step_at(scrub_tissue *t, int hand, float x, float y, float z)
{
	scrub_hand_input in = tu_pose(x, y, z, 0);
	scrub_tissue_set_hand(t, hand, &in);
	scrub_tissue_step(t);
}

/* A scalpel stroke along x at y = 15.3 mm, `depth` below the skin. */
static inline void tu_incise(scrub_tissue *t, float depth, int steps_down, int steps_cut)
{
	scrub_tissue_set_instrument(t, 0, SCRUB_INSTR_SCALPEL);
	for (int i = 0; i < steps_down + steps_cut; i++) {
		float x = 0.008f, z;
		if (i < steps_down)
			z = 0.004f - (0.004f + depth) * (float)i / (float)(steps_down - 1);
		else {
			z = -depth;
			x += 0.024f * (float)(i - steps_down) / (float)(steps_cut - 1);
		}
		tu_step_at(t, 0, x, 0.0153f, z);
	}
	/* lift out */
	for (int i = 0; i < 200; i++)
		tu_step_at(t, 0, 0.032f, 0.0153f, 0.03f);
}

static int tu_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The surface is closed and consistently oriented: every directed edge appears as often as its
 * reverse (zero-width cracks at the end of a cut make some edges non-manifold, which is fine). */
static bool tu_surface_closed(const scrub_tissue *t)
{
	scrub_tissue_surface s;
	scrub_tissue_get_surface(t, &s);
	if (s.triangle_count == 0)
		return false;
	size_t ne = (size_t)s.triangle_count * 3;
	uint64_t *e = malloc(ne * sizeof *e);
	if (!e)
		return false;
	for (uint32_t f = 0; f < s.triangle_count; f++)
		for (int k = 0; k < 3; k++) {
			uint32_t a = s.indices[f * 3 + k], b = s.indices[f * 3 + (k + 1) % 3];
			if (a >= s.vertex_count || b >= s.vertex_count || a == b) {
				free(e);
				return false;
			}
			e[f * 3 + k] = ((uint64_t)a << 32) | b;
		}
	qsort(e, ne, sizeof *e, tu_cmp_u64);
	bool ok = true;
	for (size_t i = 0; ok && i < ne;) {
		size_t j = i;
		while (j < ne && e[j] == e[i])
			j++;
		uint64_t rev = (e[i] << 32) | (e[i] >> 32);
		size_t lo = 0, hi = ne;
		while (lo < hi) { /* first index >= rev */
			size_t mid = (lo + hi) / 2;
			if (e[mid] < rev) lo = mid + 1; else hi = mid;
		}
		size_t k = lo;
		while (k < ne && e[k] == rev)
			k++;
		if (k - lo != j - i)
			ok = false;
		i = j;
	}
	free(e);
	return ok;
}

static float tu_max_displacement(const scrub_tissue *t)
{
	float m = 0;
	for (int n = 0; n < scrub_tissue_node_count(t); n++) {
		float x[3], r[3];
		scrub_tissue_node_position(t, n, x);
		scrub_tissue_node_rest(t, n, r);
		float d = sqrtf((x[0] - r[0]) * (x[0] - r[0]) + (x[1] - r[1]) * (x[1] - r[1]) + (x[2] - r[2]) * (x[2] - r[2]));
		if (d > m)
			m = d;
	}
	return m;
}

/* Counts pending events of a kind (draining the queue); *out_last gets the last one. */
static int tu_drain(scrub_tissue *t, int counts[16])
{
	scrub_tissue_event ev;
	int n = 0;
	while (scrub_tissue_poll_event(t, &ev)) {
		if (ev.kind > 0 && ev.kind < 16)
			counts[ev.kind]++;
		n++;
	}
	return n;
}

#endif
