/* The surgery model on the session side: input, stepping the tissue, incisions and knots (surgery_internal.h). */
#define SCRUB_LOG_MODULE "surgery"
#include "surgery_internal.h"
#include "log.h"
#include "scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

static void to_quat(const double *ypr, float out[4])
{
	const double d = M_PI / 360.0; /* half angle, rad per deg */
	double cy = cos(ypr[0] * d), sy = sin(ypr[0] * d);
	double cp = cos(ypr[1] * d), sp = sin(ypr[1] * d);
	double cr = cos(ypr[2] * d), sr = sin(ypr[2] * d);
	/* q = qz(yaw) * qy(pitch) * qx(roll) */
	out[3] = (float)(cy * cp * cr + sy * sp * sr);
	out[0] = (float)(cy * cp * sr - sy * sp * cr);
	out[1] = (float)(cy * sp * cr + sy * cp * sr);
	out[2] = (float)(sy * cp * cr - cy * sp * sr);
}

static bool push(sim_action **v, int *n, int *cap, const sim_action *a)
{
	if (*n == *cap) {
		int c = *cap ? *cap * 2 : 32;
		sim_action *nv = realloc(*v, (size_t)c * sizeof *nv);
		if (!nv)
			return false;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = *a;
	return true;
}

/* Derived figures are kept to 0.01 (mm, deg, N...): readable in reports, the same on a replay. */
void set_num(sim_action *a, int param, double v)
{
	a->params[param].set = true;
	a->params[param].num = round(v * 100.0) / 100.0;
}

void set_sym(sim_action *a, int param, int sym)
{
	a->params[param].set = true;
	a->params[param].sym = sym;
}

void derive(surgery *g, int kind, sim_action *a)
{
	a->type = g->ids[kind];
	a->t = g->now;
	if (!push(&g->out, &g->nout, &g->capout, a))
		LOG_E("out of memory: a derived %s was lost", surgery_actions[kind].name);
}

int layer_sym(int layer)
{
	return layer < 0 ? 0 : layer > 2 ? 2 : layer;
}

/* The laceration the trainee finds: a scalpel stroke, 10 mm/s at the wound's depth, before the
 * session starts (some 2300 physics steps for 4 cm at 2 ms). */
static void make_wound(scrub_tissue *t, const scn_tissue *cfg)
{
	const double *a = cfg->wound_from, *b = cfg->wound_to;
	scrub_tissue_set_instrument(t, 0, SCRUB_INSTR_SCALPEL);
	const double depth = cfg->wound_depth;
	const int down = 150, along = (int)ceil(hypot(b[0] - a[0], b[1] - a[1]) / 0.02) + 1, up = 150;
	for (int i = 0; i < down + along + up; i++) {
		double x, y, z;
		if (i < down) {
			double f = (double)i / (down - 1);
			x = a[0]; y = a[1]; z = 4.0 - (4.0 + depth) * f;
		} else if (i < down + along) {
			double f = (double)(i - down) / (along - 1);
			x = a[0] + (b[0] - a[0]) * f; y = a[1] + (b[1] - a[1]) * f; z = -depth;
		} else {
			double f = (double)(i - down - along + 1) / up;
			x = b[0]; y = b[1]; z = -depth + (30.0 + depth) * f;
		}
		scrub_hand_input in = {.pose = {.pos = {(float)(x * 1e-3), (float)(y * 1e-3), (float)(z * 1e-3)}, .rot = {0, 0, 0, 1}}};
		scrub_tissue_set_hand(t, 0, &in);
		scrub_tissue_step(t);
	}
	scrub_tissue_set_instrument(t, 0, SCRUB_INSTR_NONE);
	scrub_tissue_event ev;
	while (scrub_tissue_poll_event(t, &ev))
		;
}

/* Every session of a scenario starts from the same wounded tissue: the last one made is kept
 * and cloned (scrub_tissue_clone: identical to the bit), so `scrub validate`, which plays all
 * of a scenario's model runs in one process, makes the wound once. The key is the tissue's
 * description and the wound, byte for byte (the loader zeroes the description first). */
static struct {
	bool set;
	unsigned char key[sizeof(scrub_tissue_desc) + 5 * sizeof(double)];
	scrub_tissue *t;
} wound_cache;
static mtx_t wound_mtx;
static once_flag wound_once = ONCE_FLAG_INIT;
static bool wound_mtx_ok;

static void wound_init(void)
{
	wound_mtx_ok = mtx_init(&wound_mtx, mtx_plain) == thrd_success;
}

static void wound_key(const scn_tissue *cfg, unsigned char *key)
{
	memcpy(key, &cfg->desc, sizeof cfg->desc);
	unsigned char *k = key + sizeof cfg->desc;
	memcpy(k, cfg->wound_from, 2 * sizeof(double));
	memcpy(k + 2 * sizeof(double), cfg->wound_to, 2 * sizeof(double));
	memcpy(k + 4 * sizeof(double), &cfg->wound_depth, sizeof(double));
}

static scrub_result wounded_tissue(const scn_tissue *cfg, scrub_tissue **out)
{
	if (!cfg->has_wound)
		return scrub_tissue_create(&cfg->desc, out);
	unsigned char key[sizeof wound_cache.key];
	wound_key(cfg, key);
	call_once(&wound_once, wound_init);
	if (wound_mtx_ok && mtx_lock(&wound_mtx) == thrd_success) {
		scrub_result r = SCRUB_ERR_INVALID;
		if (wound_cache.set && memcmp(wound_cache.key, key, sizeof key) == 0)
			r = scrub_tissue_clone(wound_cache.t, out);
		mtx_unlock(&wound_mtx);
		if (r == SCRUB_OK)
			return SCRUB_OK;
	}
	scrub_result r = scrub_tissue_create(&cfg->desc, out);
	if (r != SCRUB_OK)
		return r;
	make_wound(*out, cfg);
	scrub_tissue *keep = NULL;
	if (wound_mtx_ok && scrub_tissue_clone(*out, &keep) == SCRUB_OK && mtx_lock(&wound_mtx) == thrd_success) {
		scrub_tissue_destroy(&wound_cache.t);
		wound_cache.t = keep;
		keep = NULL;
		memcpy(wound_cache.key, key, sizeof key);
		wound_cache.set = true;
		mtx_unlock(&wound_mtx);
	}
	scrub_tissue_destroy(&keep);
	return SCRUB_OK;
}

scrub_result surgery_create(const scn_tissue *cfg, surgery **out)
{
	*out = NULL;
	surgery *g = calloc(1, sizeof *g);
	if (!g)
		return SCRUB_ERR_NOMEM;
	g->cfg = cfg;
	g->knot_suture = -1;
	g->knot_placed = -1;
	g->incision_end_hand = -1;
	for (int k = 0; k < A_COUNT_; k++)
		g->ids[k] = actions_find(surgery_actions[k].name, strlen(surgery_actions[k].name));
	scrub_result r = wounded_tissue(cfg, &g->t);
	if (r != SCRUB_OK) {
		free(g);
		return r;
	}
	const scrub_tissue_desc *d = &cfg->desc;
	for (int h = 0; h < SCRUB_TISSUE_HANDS; h++) {
		hand_rt *hd = &g->hands[h];
		hd->pts = malloc(MAX_STROKE_PTS * sizeof *hd->pts);
		hd->axis = malloc(MAX_STROKE_PTS * sizeof *hd->axis);
		if (!hd->pts || !hd->axis) {
			surgery_destroy(&g);
			return SCRUB_ERR_NOMEM;
		}
		/* hands wait 40 mm above the block, left and right of its middle */
		hd->target[0] = d->size_x * 1000.0 * (h == 0 ? 0.25 : 0.75);
		hd->target[1] = d->size_y * 1000.0 * 0.5;
		hd->target[2] = 40.0;
	}
	if (cfg->has_wound) {
		const double *a = cfg->wound_from, *b = cfg->wound_to;
		for (int h = 0; h < SCRUB_TISSUE_HANDS; h++) {
			scrub_hand_state hs;
			scrub_tissue_hand_state(g->t, h, &hs);
			g->base[h] = hs.metrics;
		}
		memcpy(g->wound[0], a, sizeof g->wound[0]);
		memcpy(g->wound[1], b, sizeof g->wound[1]);
		g->wound_depth = cfg->wound_depth;
		g->has_line = true;
	}
	*out = g;
	return SCRUB_OK;
}

void surgery_destroy(surgery **gp)
{
	if (!gp || !*gp)
		return;
	surgery *g = *gp;
	scrub_tissue_destroy(&g->t);
	for (int h = 0; h < SCRUB_TISSUE_HANDS; h++) {
		free(g->hands[h].pts);
		free(g->hands[h].axis);
	}
	free(g->cut_pts);
	free(g->queue);
	free(g->out);
	free(g->placed);
	free(g);
	*gp = NULL;
}

bool surgery_is_input(const surgery *g, act_id type)
{
	for (int k = A_PICK; k <= A_CUT_THREAD; k++)
		if (g->ids[k] == type)
			return true;
	return false;
}

void surgery_input(surgery *g, const sim_action *a)
{
	if (!push(&g->queue, &g->nqueue, &g->capqueue, a))
		LOG_E("out of memory: an instrument input was lost");
}

static int kind_of(const surgery *g, act_id type)
{
	for (int k = 0; k < A_COUNT_; k++)
		if (g->ids[k] == type)
			return k;
	return -1;
}

static void current_target(const hand_rt *hd, double t, double out[6])
{
	if (!hd->moving) {
		memcpy(out, hd->target, sizeof hd->target);
		return;
	}
	double f = hd->mv_dur > 0 ? clampd((t - hd->mv_t0) / hd->mv_dur, 0, 1) : 1;
	for (int k = 0; k < 6; k++)
		out[k] = hd->mv_from[k] + (hd->mv_to[k] - hd->mv_from[k]) * f;
}

/* The throws since the last suture make its knot: lock it (a knot that is not square slips)
 * and measure it once it has settled. */
static void finish_knot(surgery *g, double t)
{
	if (!g->knot_pending)
		return;
	const bool square = g->throws >= 2 && g->alternating;
	if (g->knot_suture >= 0)
		scrub_tissue_knot_lock(g->t, g->knot_suture, square);
	if (g->nsettling < (int)(sizeof g->settling / sizeof g->settling[0])) {
		g->settling[g->nsettling].at = t + KNOT_SETTLE_S;
		g->settling[g->nsettling].suture = g->knot_suture;
		g->settling[g->nsettling].throws = g->throws;
		g->settling[g->nsettling].placed = g->knot_placed;
		g->settling[g->nsettling].square = square;
		g->nsettling++;
	} else {
		LOG_W("t=%.3f too many knots settling at once: this one is not measured", t);
	}
	g->knot_pending = false;
	g->throws = 0;
	g->knot_suture = -1;
	g->knot_placed = -1;
}

static void report_knot(surgery *g, int i)
{
	sim_action k = {0};
	set_num(&k, 0, g->settling[i].throws);
	set_sym(&k, 1, g->settling[i].square);
	scrub_suture su;
	if (g->settling[i].suture >= 0 && scrub_tissue_suture_get(g->t, g->settling[i].suture, &su) == SCRUB_OK) {
		set_num(&k, 2, su.tension);
		set_num(&k, 3, su.gape * 1e3);
		set_num(&k, 4, su.gape_before * 1e3);
		set_num(&k, 5, su.compression * 100.0);
		set_sym(&k, 6, su.gape * 1e3 <= APPOSED_GAPE_MM);
		set_sym(&k, 7, su.compression > STRANGULATION_COMPRESSION);
	}
	derive(g, A_KNOT, &k);
	if (g->settling[i].placed >= 0 && g->settling[i].placed < g->nsutures_all)
		g->placed[g->settling[i].placed].tied = true;
	g->knots++;
	g->square_knots += g->settling[i].square;
	memmove(&g->settling[i], &g->settling[i + 1], (size_t)(g->nsettling - i - 1) * sizeof g->settling[0]);
	g->nsettling--;
}

/* An input takes effect at physics time t. */
static void apply_input(surgery *g, const sim_action *a, double t)
{
	int kind = kind_of(g, a->type);
	int h = a->params[0].set ? a->params[0].sym : 0;
	hand_rt *hd = &g->hands[h];
	switch (kind) {
	case A_PICK: {
		static const scrub_instrument_kind map[] = {SCRUB_INSTR_NONE, SCRUB_INSTR_SCALPEL, SCRUB_INSTR_FORCEPS,
		                                            SCRUB_INSTR_NEEDLE_DRIVER, SCRUB_INSTR_SCISSORS};
		hd->instr = map[a->params[1].sym];
		hd->held_driver |= hd->instr == SCRUB_INSTR_NEEDLE_DRIVER;
		/* put down (none; exchanging an instrument is not the end of the work): the hand that
		 * sutured reports the closure, the hand that cut the incision */
		if (hd->instr == SCRUB_INSTR_NONE && hd->held_driver && g->sutures > 0)
			g->closure_pending = true;
		if (hd->instr == SCRUB_INSTR_NONE && (hd->cut || hd->stroke))
			g->incision_end_hand = h;
		scrub_tissue_set_instrument(g->t, h, (scrub_instrument_kind)hd->instr);
		hd->grip = 0;
		break;
	}
	case A_POSE:
	case A_MOVE: {
		double cur[6];
		current_target(hd, t, cur);
		double to[6];
		for (int k = 0; k < 6; k++)
			to[k] = a->params[1 + k].set ? a->params[1 + k].num : cur[k];
		double over = kind == A_MOVE ? a->params[7].num : 0;
		if (over <= 0) {
			memcpy(hd->target, to, sizeof to);
			hd->moving = false;
		} else {
			memcpy(hd->mv_from, cur, sizeof cur);
			memcpy(hd->mv_to, to, sizeof to);
			memcpy(hd->target, to, sizeof to);
			hd->mv_t0 = t;
			hd->mv_dur = over;
			hd->moving = true;
		}
		break;
	}
	case A_GRASP: hd->grip = 1; break;
	case A_RELEASE: hd->grip = 0; break;
	case A_THROW:
		if (!g->knot_pending) {
			LOG_D("t=%.3f throw with no suture to tie: ignored", t);
			break;
		}
		if (g->throws > 0 && a->params[1].sym == g->last_dir)
			g->alternating = false;
		g->last_dir = a->params[1].sym;
		g->throws++;
		{
			const double pull = a->params[3].set ? a->params[3].num : DEFAULT_PULL_N;
			int idx = -1;
			if (scrub_tissue_knot_throw(g->t, g->pass_in, g->pass_out, (float)pull, &idx) == SCRUB_OK)
				g->knot_suture = idx;
		}
		break;
	case A_CUT_THREAD:
		finish_knot(g, t);
		break;
	default:
		break;
	}
}

/* Distance (mm) of a material point from the wound line, and which side of it. */
static double stroke_deviation(const hand_rt *hd)
{
	if (hd->npts < 3)
		return 0;
	const float *a = hd->pts[0], *b = hd->pts[hd->npts - 1];
	double dx = b[0] - a[0], dy = b[1] - a[1], l = hypot(dx, dy);
	double m = 0;
	for (int i = 1; i < hd->npts - 1; i++) {
		double px = hd->pts[i][0] - a[0], py = hd->pts[i][1] - a[1];
		double d = l > 1e-9 ? fabs(dx * py - dy * px) / l : hypot(px, py);
		m = fmax(m, d);
	}
	return m * 1e3;
}

/* The blade's mean sideways lean from the vertical over a stroke (deg): its direction at each
 * point, across the stroke's chord. Leaning forward or back along the stroke does not bevel. */
static double stroke_tilt(const hand_rt *hd)
{
	if (hd->npts < 2)
		return 0;
	const float *a = hd->pts[0], *b = hd->pts[hd->npts - 1];
	double dx = b[0] - a[0], dy = b[1] - a[1], l = hypot(dx, dy);
	if (l < 1e-9)
		return 0;
	const double nx = -dy / l, ny = dx / l; /* across the stroke, in the skin plane */
	double sum = 0;
	for (int i = 0; i < hd->npts; i++) {
		const float *u = hd->axis[i];
		sum += fabs(atan2(u[0] * nx + u[1] * ny, u[2])) * 180.0 / M_PI;
	}
	return sum / hd->npts;
}

static void add_cut_pts(surgery *g, const hand_rt *hd)
{
	if (g->ncut_pts + hd->npts > g->capcut_pts) {
		int c = g->capcut_pts ? g->capcut_pts : 1024;
		while (c < g->ncut_pts + hd->npts)
			c *= 2;
		float (*nv)[2] = realloc(g->cut_pts, (size_t)c * sizeof *nv);
		if (!nv) {
			LOG_E("out of memory: a stroke is left out of the incision's position");
			return;
		}
		g->cut_pts = nv;
		g->capcut_pts = c;
	}
	for (int i = 0; i < hd->npts; i++) {
		g->cut_pts[g->ncut_pts][0] = hd->pts[i][0] * 1e3f;
		g->cut_pts[g->ncut_pts][1] = hd->pts[i][1] * 1e3f;
		g->ncut_pts++;
	}
}

static void end_stroke(surgery *g, int h)
{
	hand_rt *hd = &g->hands[h];
	scrub_tissue_incision inc;
	scrub_tissue_get_incision(g->t, &inc);
	double dev = stroke_deviation(hd);
	g->max_deviation = fmax(g->max_deviation, dev);
	g->max_tilt = fmax(g->max_tilt, stroke_tilt(hd));
	g->strokes++;
	hd->cut = true;
	add_cut_pts(g, hd);
	sim_action a = {0};
	set_num(&a, 0, inc.length * 1e3);
	set_num(&a, 1, inc.max_depth * 1e3);
	set_sym(&a, 2, layer_sym(inc.deepest_layer));
	set_num(&a, 3, dev);
	set_num(&a, 4, clampd(inc.straightness * 100.0, 0, 100));
	derive(g, A_INCISION, &a);
	hd->stroke = false;
	hd->npts = 0;
}

/* The whole incision on the skin: the line through every stroke's points (principal axis),
 * the extent along it, the box around the points. */
static void report_incision_end(surgery *g)
{
	g->incision_end_hand = -1;
	if (g->ncut_pts == 0)
		return;
	double mx = 0, my = 0;
	double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
	for (int i = 0; i < g->ncut_pts; i++) {
		const double x = g->cut_pts[i][0], y = g->cut_pts[i][1];
		mx += x;
		my += y;
		x0 = fmin(x0, x);
		x1 = fmax(x1, x);
		y0 = fmin(y0, y);
		y1 = fmax(y1, y);
	}
	mx /= g->ncut_pts;
	my /= g->ncut_pts;
	double sxx = 0, sxy = 0, syy = 0;
	for (int i = 0; i < g->ncut_pts; i++) {
		const double dx = g->cut_pts[i][0] - mx, dy = g->cut_pts[i][1] - my;
		sxx += dx * dx;
		sxy += dx * dy;
		syy += dy * dy;
	}
	double ang = 0.5 * atan2(2 * sxy, sxx - syy); /* the principal axis, -90..90 deg */
	const double ux = cos(ang), uy = sin(ang);
	double lo = INFINITY, hi = -INFINITY;
	for (int i = 0; i < g->ncut_pts; i++) {
		const double p = (g->cut_pts[i][0] - mx) * ux + (g->cut_pts[i][1] - my) * uy;
		lo = fmin(lo, p);
		hi = fmax(hi, p);
	}
	double deg = ang * 180.0 / M_PI;
	if (deg <= -90.0 + 1e-9)
		deg += 180.0;
	sim_action a = {0};
	set_num(&a, 0, hi - lo);
	set_num(&a, 1, deg);
	set_num(&a, 2, x0);
	set_num(&a, 3, x1);
	set_num(&a, 4, y0);
	set_num(&a, 5, y1);
	set_num(&a, 6, g->strokes);
	set_num(&a, 7, clampd(g->max_tilt, 0, 90));
	derive(g, A_INCISION_END, &a);
}

scrub_result surgery_step(surgery *g, double t0, double dt, const sim_action **out_actions, int *out_n)
{
	g->nout = 0;
	const double pdt = g->cfg->physics_dt;
	const int n = (int)llround(dt / pdt);
	int qi = 0;
	for (int k = 0; k < n; k++) {
		const double tk = t0 + k * pdt;
		while (qi < g->nqueue && g->queue[qi].t <= tk + 1e-9) {
			apply_input(g, &g->queue[qi], fmax(tk, g->queue[qi].t));
			qi++;
		}
		g->now = tk + pdt;
		for (int h = 0; h < SCRUB_TISSUE_HANDS; h++) {
			hand_rt *hd = &g->hands[h];
			double p[6];
			current_target(hd, g->now, p);
			if (hd->moving && g->now >= hd->mv_t0 + hd->mv_dur - 1e-9)
				hd->moving = false;
			scrub_hand_input in = {.pose = {.pos = {(float)(p[0] * 1e-3), (float)(p[1] * 1e-3), (float)(p[2] * 1e-3)}}, .grip = hd->grip};
			to_quat(p + 3, in.pose.rot);
			scrub_tissue_set_hand(g->t, h, &in);
		}
		scrub_result r = scrub_tissue_step(g->t);
		if (r != SCRUB_OK)
			return r;
		scrub_tissue_event ev;
		while (scrub_tissue_poll_event(g->t, &ev)) {
			switch (ev.kind) {
			case SCRUB_TEV_INCISION:
			case SCRUB_TEV_INCISION_LAYER:
				if (ev.hand >= 0 && ev.hand < SCRUB_TISSUE_HANDS)
					g->hands[ev.hand].stroke = true;
				break;
			case SCRUB_TEV_DAMAGE_FORCE:
			case SCRUB_TEV_DAMAGE_STRAIN:
			case SCRUB_TEV_TEAR: {
				sim_action a = {0};
				if (ev.hand >= 0 && ev.hand < SCRUB_TISSUE_HANDS)
					set_sym(&a, 0, ev.hand);
				if (ev.kind == SCRUB_TEV_DAMAGE_FORCE)
					set_num(&a, 1, ev.value);
				set_sym(&a, 2, ev.kind == SCRUB_TEV_DAMAGE_FORCE ? 0 : ev.kind == SCRUB_TEV_DAMAGE_STRAIN ? 1 : 2);
				if (ev.layer >= 0)
					set_sym(&a, 3, layer_sym(ev.layer));
				g->injuries++;
				derive(g, A_INJURY, &a);
				break;
			}
			case SCRUB_TEV_THREAD_CUT: {
				sim_action a = {0};
				if (ev.value >= 0)
					set_num(&a, 0, ev.value * 1e3);
				derive(g, A_CUT, &a);
				finish_knot(g, g->now);
				break;
			}
			case SCRUB_TEV_NEEDLE_EXIT: {
				int np = scrub_tissue_needle_pass_count(g->t);
				for (; g->npasses_seen < np; g->npasses_seen++) {
					scrub_needle_pass p;
					if (scrub_tissue_needle_pass_get(g->t, g->npasses_seen, &p) == SCRUB_OK && p.complete)
						on_pass(g, &p, g->npasses_seen);
				}
				break;
			}
			default:
				break;
			}
		}
		for (int i = 0; i < g->nsettling;)
			if (g->now >= g->settling[i].at - 1e-9)
				report_knot(g, i);
			else
				i++;
		for (int h = 0; h < SCRUB_TISSUE_HANDS; h++) {
			hand_rt *hd = &g->hands[h];
			if (!hd->stroke)
				continue;
			scrub_hand_state hs;
			scrub_tissue_hand_state(g->t, h, &hs);
			if (!hs.in_tissue || hs.kind != SCRUB_INSTR_SCALPEL) {
				end_stroke(g, h);
				continue;
			}
			float x = hs.pose.pos[0], y = hs.pose.pos[1];
			if (hd->npts == 0 || (hd->npts < MAX_STROKE_PTS && hypotf(x - hd->pts[hd->npts - 1][0], y - hd->pts[hd->npts - 1][1]) >= 0.0005f)) {
				hd->pts[hd->npts][0] = x;
				hd->pts[hd->npts][1] = y;
				/* the blade runs along the instrument's local +z: that axis of the rotation */
				const float *q = hs.pose.rot;
				hd->axis[hd->npts][0] = 2 * (q[0] * q[2] + q[3] * q[1]);
				hd->axis[hd->npts][1] = 2 * (q[1] * q[2] - q[3] * q[0]);
				hd->axis[hd->npts][2] = 1 - 2 * (q[0] * q[0] + q[1] * q[1]);
				hd->npts++;
			}
		}
		if (g->incision_end_hand >= 0 && !g->hands[g->incision_end_hand].stroke)
			report_incision_end(g);
		if (g->closure_pending && g->nsettling == 0)
			report_closure(g);
	}
	/* inputs later than this step (a live caller may act ahead) stay queued */
	if (qi > 0) {
		memmove(g->queue, g->queue + qi, (size_t)(g->nqueue - qi) * sizeof *g->queue);
		g->nqueue -= qi;
	}
	*out_actions = g->out;
	*out_n = g->nout;
	return SCRUB_OK;
}

void surgery_read_vars(const surgery *g, double *x)
{
	scrub_tissue_incision inc;
	scrub_tissue_get_incision(g->t, &inc);
	x[SCN_TISSUE_INCISION_LENGTH] = inc.length * 1e3;
	x[SCN_TISSUE_INCISION_DEPTH] = inc.max_depth * 1e3;
	x[SCN_TISSUE_DEEPEST_LAYER] = inc.deepest_layer < 0 ? 0 : inc.deepest_layer + 1;
	x[SCN_TISSUE_INCISION_DEVIATION] = g->max_deviation;
	x[SCN_TISSUE_SUTURES] = g->sutures;
	x[SCN_TISSUE_KNOTS] = g->knots;
	x[SCN_TISSUE_SQUARE_KNOTS] = g->square_knots;
	x[SCN_TISSUE_INJURIES] = g->injuries;
	double path = 0, idle = 0;
	for (int h = 0; h < SCRUB_TISSUE_HANDS; h++) {
		scrub_hand_state hs;
		scrub_tissue_hand_state(g->t, h, &hs);
		path += hs.metrics.path_length - g->base[h].path_length;
		idle += hs.metrics.idle_time - g->base[h].idle_time;
	}
	x[SCN_TISSUE_PATH_LENGTH] = path * 1e3;
	x[SCN_TISSUE_IDLE_TIME] = idle;
	x[SCN_TISSUE_GAPE] = inc.gape * 1e3;
	closure_fig c;
	closure_figures(g, &c);
	x[SCN_TISSUE_TIED_SUTURES] = c.tied;
	x[SCN_TISSUE_OPEN_START] = c.open_start;
	x[SCN_TISSUE_OPEN_END] = c.open_end;
	x[SCN_TISSUE_OPEN_MAX] = c.open_max;
	x[SCN_TISSUE_SPACING_MIN] = c.spacing_min;
	x[SCN_TISSUE_SPACING_MAX] = c.spacing_max;
	x[SCN_TISSUE_DEPTH_RATIO_MIN] = c.depth_ratio_min;
	x[SCN_TISSUE_STROKES] = g->strokes;
}

const struct scrub_tissue *surgery_tissue(const surgery *g)
{
	return g ? g->t : NULL;
}
