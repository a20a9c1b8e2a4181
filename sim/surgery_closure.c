/* The surgery model: the wound line, the sutures placed along it and the closure's figures. */
#define SCRUB_LOG_MODULE "surgery"
#include "surgery_internal.h"
#include "log.h"
#include "scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

static double line_dist(const surgery *g, const float p[3], int *side)
{
	const double ax = g->wound[0][0], ay = g->wound[0][1];
	const double dx = g->wound[1][0] - ax, dy = g->wound[1][1] - ay;
	const double px = p[0] * 1e3 - ax, py = p[1] * 1e3 - ay;
	const double l2 = dx * dx + dy * dy;
	double f = l2 > 0 ? clampd((px * dx + py * dy) / l2, 0, 1) : 0;
	double cross = dx * py - dy * px;
	*side = cross > 0 ? 1 : cross < 0 ? -1 : 0;
	return hypot(px - f * dx, py - f * dy);
}

static double line_along(const surgery *g, double x, double y)
{
	const double dx = g->wound[1][0] - g->wound[0][0], dy = g->wound[1][1] - g->wound[0][1];
	const double l = hypot(dx, dy);
	return l > 0 ? ((x - g->wound[0][0]) * dx + (y - g->wound[0][1]) * dy) / l : 0;
}

static void ensure_line(surgery *g)
{
	if (g->has_line)
		return;
	scrub_tissue_incision inc;
	scrub_tissue_get_incision(g->t, &inc);
	if (inc.cut_faces > 0) {
		g->wound[0][0] = inc.start[0] * 1e3;
		g->wound[0][1] = inc.start[1] * 1e3;
		g->wound[1][0] = inc.end[0] * 1e3;
		g->wound[1][1] = inc.end[1] * 1e3;
		g->has_line = true;
	}
}

static double wound_length(const surgery *g)
{
	return hypot(g->wound[1][0] - g->wound[0][0], g->wound[1][1] - g->wound[0][1]);
}

/* The wound's depth for bites: the configured wound's, else the incision's deepest point. */
static double current_wound_depth(const surgery *g)
{
	if (g->cfg->has_wound)
		return g->wound_depth;
	scrub_tissue_incision inc;
	scrub_tissue_get_incision(g->t, &inc);
	return inc.max_depth * 1e3;
}

static bool add_placed(surgery *g, double along, double depth)
{
	if (g->nsutures_all == g->capsutures) {
		int c = g->capsutures ? g->capsutures * 2 : 16;
		suture_rt *nv = realloc(g->placed, (size_t)c * sizeof *nv);
		if (!nv)
			return false;
		g->placed = nv;
		g->capsutures = c;
	}
	g->placed[g->nsutures_all++] = (suture_rt){.along = along, .depth = depth};
	return true;
}

/* One suture from the entry of `a` to the exit of `b` (the same pass, or the two halves of a
 * two-bite pass that came out in the wound and went in again from its other wall). */
static void derive_suture(surgery *g, const scrub_needle_pass *a, int ia, const scrub_needle_pass *b, int ib)
{
	sim_action act = {0}, site = {0};
	bool crosses = false;
	const double depth = fmax(a->bite_depth, b->bite_depth) * 1e3;
	if (g->has_line) {
		int s_in, s_out;
		double d_in = line_dist(g, a->entry, &s_in), d_out = line_dist(g, b->exit, &s_out);
		crosses = s_in != 0 && s_out != 0 && s_in != s_out;
		set_num(&act, 0, fmin(d_in, d_out));
		set_num(&act, 1, fmax(d_in, d_out));
		set_num(&act, 2, fabs(d_in - d_out));
		double along = line_along(g, 0.5e3 * (a->entry[0] + b->exit[0]), 0.5e3 * (a->entry[1] + b->exit[1]));
		if (crosses) {
			double best = INFINITY;
			for (int i = 0; i < g->nsutures_all; i++)
				best = fmin(best, fabs(g->placed[i].along - along));
			if (isfinite(best))
				set_num(&act, 5, best);
			const double wd = current_wound_depth(g);
			set_num(&site, 0, along);
			set_num(&site, 1, d_in);
			set_num(&site, 2, d_out);
			set_num(&site, 3, wd);
			set_num(&site, 4, wd > 0 ? 100.0 * depth / wd : 0);
			if (!add_placed(g, along, depth))
				LOG_E("out of memory: a suture is left out of the closure");
		}
	}
	set_num(&act, 3, depth);
	set_num(&act, 4, clampd(a->entry_angle_deg, 0, 90));
	set_sym(&act, 6, layer_sym(a->deepest_layer > b->deepest_layer ? a->deepest_layer : b->deepest_layer));
	set_sym(&act, 7, crosses);
	if (crosses) {
		if (g->knot_pending) /* the last suture was never tied: its knot is left out */
			LOG_D("a suture was left without a knot");
		g->sutures++;
		g->knot_pending = true;
		g->throws = 0;
		g->alternating = true;
		g->pass_in = ia;
		g->pass_out = ib;
		g->knot_suture = -1;
		g->knot_placed = g->nsutures_all - 1;
	}
	derive(g, A_SUTURE, &act);
	if (crosses)
		derive(g, A_SUTURE_SITE, &site);
}

/* The closure as the tied sutures leave it (mm along the wound, ends clamped to the wound). */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void closure_figures(const surgery *g, closure_fig *c)
{
	memset(c, 0, sizeof *c);
	const double len = g->has_line ? wound_length(g) : 0;
	double *al = g->nsutures_all ? malloc((size_t)g->nsutures_all * sizeof *al) : NULL;
	const double wd = current_wound_depth(g);
	c->depth_ratio_min = INFINITY;
	for (int i = 0; i < g->nsutures_all; i++) {
		const suture_rt *p = &g->placed[i];
		c->depth_ratio_min = fmin(c->depth_ratio_min, wd > 0 ? 100.0 * p->depth / wd : 0);
		if (!p->tied) {
			c->untied++;
			continue;
		}
		if (al)
			al[c->tied] = clampd(p->along, 0, len);
		c->tied++;
	}
	if (!isfinite(c->depth_ratio_min))
		c->depth_ratio_min = 0;
	if (!al || c->tied == 0) {
		c->tied = 0; /* (out of memory: nothing is counted as closed) */
		c->open_start = c->open_end = c->open_max = len;
		free(al);
		return;
	}
	qsort(al, (size_t)c->tied, sizeof *al, cmp_double);
	c->open_start = al[0];
	c->open_end = len - al[c->tied - 1];
	c->spacing_min = INFINITY;
	for (int i = 1; i < c->tied; i++) {
		const double d = al[i] - al[i - 1];
		c->spacing_min = fmin(c->spacing_min, d);
		c->spacing_max = fmax(c->spacing_max, d);
	}
	if (c->tied < 2)
		c->spacing_min = 0;
	c->open_max = fmax(fmax(c->open_start, c->open_end), c->spacing_max);
	free(al);
}

void report_closure(surgery *g)
{
	closure_fig c;
	closure_figures(g, &c);
	sim_action a = {0};
	set_num(&a, 0, c.tied);
	set_num(&a, 1, c.untied);
	set_num(&a, 2, c.open_start);
	set_num(&a, 3, c.open_end);
	set_num(&a, 4, c.open_max);
	if (c.tied >= 2) {
		set_num(&a, 5, c.spacing_min);
		set_num(&a, 6, c.spacing_max);
	}
	if (g->nsutures_all > 0)
		set_num(&a, 7, c.depth_ratio_min);
	derive(g, A_CLOSURE, &a);
	g->closure_pending = false;
}

/* Where a pass met the wound: an end below the skin surface close to the wound line went
 * through the wound's wall, not through the skin. */
#define WALL_DEPTH_MM 0.4
#define WALL_DIST_MM 2.5

static bool in_wall(const surgery *g, const float p[3])
{
	int side;
	return g->has_line && -p[2] * 1e3 > WALL_DEPTH_MM && line_dist(g, p, &side) < WALL_DIST_MM;
}

void on_pass(surgery *g, const scrub_needle_pass *p, int idx)
{
	ensure_line(g);
	int h = p->hand >= 0 && p->hand < SCRUB_TISSUE_HANDS ? p->hand : 0;
	hand_rt *hd = &g->hands[h];
	if (hd->has_half && in_wall(g, p->entry)) {
		derive_suture(g, &hd->half, hd->half_idx, p, idx);
		hd->has_half = false;
		return;
	}
	if (hd->has_half) {
		/* the first half came out in the wound and the needle went elsewhere */
		derive_suture(g, &hd->half, hd->half_idx, &hd->half, hd->half_idx);
		hd->has_half = false;
	}
	if (in_wall(g, p->exit) && !in_wall(g, p->entry)) {
		hd->half = *p;
		hd->half_idx = idx;
		hd->has_half = true;
		return;
	}
	derive_suture(g, p, idx, p, idx);
}

/* Largest distance (mm) of the stroke's points from the line through its first and last. */
