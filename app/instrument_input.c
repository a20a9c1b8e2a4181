/* Live instrument control (see instrument_input.h). */
#include "instrument_input.h"

#include "tissue.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const instr_names[INSTR_KINDS] = {"-", "scalpel", "forceps", "needle driver", "scissors"};

static act_id find(const char *name) { return actions_find(name, strlen(name)); }

void instr_ctl_init(instr_ctl *c, const scenario *scn, instr_emit_fn emit, void *user)
{
	memset(c, 0, sizeof *c);
	c->emit = emit;
	c->user = user;
	c->active = INSTR_RIGHT;
	c->enabled = scn && scn->tissue.present;
	c->id_pick = find("pick");
	c->id_pose = find("pose");
	c->id_grasp = find("grasp");
	c->id_release = find("release");
	c->id_throw = find("throw");
	c->id_cut = find("cut_thread");
	if (!c->enabled)
		return;
	const scrub_tissue_desc *d = &scn->tissue.desc;
	double th = 0;
	for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++)
		th += d->thickness[l] * 1e3;
	for (int h = 0; h < INSTR_HANDS; h++) {
		/* as sim/surgery.c: 40 mm above the block, left and right of its middle */
		c->pose[h][0] = d->size_x * 1000.0 * (h == INSTR_LEFT ? 0.25 : 0.75);
		c->pose[h][1] = d->size_y * 1000.0 * 0.5;
		c->pose[h][2] = 40.0;
		for (int k = 0; k < 3; k++)
			c->pose[h][k] = round(c->pose[h][k] * 100.0) / 100.0;
		memcpy(c->sent[h], c->pose[h], sizeof c->sent[h]);
		c->sent_valid[h] = true;
	}
	c->lo[0] = -20, c->hi[0] = d->size_x * 1e3 + 20;
	c->lo[1] = -20, c->hi[1] = d->size_y * 1e3 + 20;
	c->lo[2] = -th - 5, c->hi[2] = 120;
}

static void emit_hand(instr_ctl *c, act_id type, int hand)
{
	if (type == ACT_NONE || !c->emit)
		return;
	sim_action a = {.type = type};
	a.params[0] = (act_value){.set = true, .sym = hand};
	c->emit(c->user, &a);
}

void instr_ctl_pick(instr_ctl *c, int hand, int instrument)
{
	if (!c->enabled || hand < 0 || hand >= INSTR_HANDS || instrument < 0 || instrument >= INSTR_KINDS ||
	    c->id_pick == ACT_NONE)
		return;
	sim_action a = {.type = c->id_pick};
	a.params[0] = (act_value){.set = true, .sym = hand};
	a.params[1] = (act_value){.set = true, .sym = instrument};
	c->instr[hand] = instrument;
	c->grasp[hand] = false;
	if (c->emit)
		c->emit(c->user, &a);
	c->sent_valid[hand] = false; /* the new instrument gets the hand's pose at once */
}

void instr_ctl_next_instrument(instr_ctl *c, int hand)
{
	if (hand >= 0 && hand < INSTR_HANDS)
		instr_ctl_pick(c, hand, (c->instr[hand] + 1) % INSTR_KINDS);
}

void instr_ctl_grasp(instr_ctl *c, int hand, bool closed)
{
	if (!c->enabled || hand < 0 || hand >= INSTR_HANDS || c->grasp[hand] == closed)
		return;
	c->grasp[hand] = closed;
	emit_hand(c, closed ? c->id_grasp : c->id_release, hand);
}

void instr_ctl_throw(instr_ctl *c, int hand, int direction)
{
	if (!c->enabled || hand < 0 || hand >= INSTR_HANDS || c->id_throw == ACT_NONE || !c->emit)
		return;
	sim_action a = {.type = c->id_throw};
	a.params[0] = (act_value){.set = true, .sym = hand};
	a.params[1] = (act_value){.set = true, .sym = direction ? 1 : 0};
	c->emit(c->user, &a);
}

void instr_ctl_cut_thread(instr_ctl *c, int hand)
{
	if (c->enabled && hand >= 0 && hand < INSTR_HANDS)
		emit_hand(c, c->id_cut, hand);
}

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }
static double q2(double v) { return round(v * 100.0) / 100.0 + 0.0; /* no -0 */ }

void instr_ctl_set_pose(instr_ctl *c, int hand, const double p[6])
{
	if (!c->enabled || hand < 0 || hand >= INSTR_HANDS)
		return;
	for (int k = 0; k < 6; k++)
		if (!isfinite(p[k]))
			return; /* a broken tracker: keep the last good target */
	for (int k = 0; k < 3; k++)
		c->pose[hand][k] = q2(clampd(p[k], -1000, 1000));
	for (int k = 3; k < 6; k++) {
		double a = fmod(p[k], 360.0);
		if (a > 180)
			a -= 360;
		else if (a < -180)
			a += 360;
		c->pose[hand][k] = q2(a);
	}
}

void instr_ctl_flush(instr_ctl *c)
{
	if (!c->enabled || c->id_pose == ACT_NONE || !c->emit)
		return;
	for (int h = 0; h < INSTR_HANDS; h++) {
		const double *p = c->pose[h], *s = c->sent[h];
		bool move = !c->sent_valid[h];
		double dmm = sqrt((p[0] - s[0]) * (p[0] - s[0]) + (p[1] - s[1]) * (p[1] - s[1]) + (p[2] - s[2]) * (p[2] - s[2]));
		double ddeg = fmax(fabs(p[3] - s[3]), fmax(fabs(p[4] - s[4]), fabs(p[5] - s[5])));
		bool changed = memcmp(p, s, sizeof c->sent[h]) != 0;
		if (changed && (dmm >= c->min_mm || ddeg >= c->min_deg) && (dmm > 0 || ddeg > 0))
			move = true;
		if (!move)
			continue;
		sim_action a = {.type = c->id_pose};
		a.params[0] = (act_value){.set = true, .sym = h};
		for (int k = 0; k < 6; k++)
			a.params[1 + k] = (act_value){.set = true, .num = p[k]};
		memcpy(c->sent[h], p, sizeof c->sent[h]);
		c->sent_valid[h] = true;
		c->emit(c->user, &a);
	}
}

void instr_ctl_observe(instr_ctl *c, const sim_action *a)
{
	if (!c->enabled || !a->params[0].set)
		return;
	int h = a->params[0].sym;
	if (h < 0 || h >= INSTR_HANDS)
		return;
	if (a->type == c->id_pick && a->params[1].set && a->params[1].sym >= 0 && a->params[1].sym < INSTR_KINDS) {
		c->instr[h] = a->params[1].sym;
		c->grasp[h] = false;
	} else if (a->type == c->id_grasp) {
		c->grasp[h] = true;
	} else if (a->type == c->id_release) {
		c->grasp[h] = false;
	}
}

bool instr_ctl_is_input(const instr_ctl *c, act_id type)
{
	if (type == ACT_NONE)
		return false;
	if (type == c->id_pick || type == c->id_pose || type == c->id_grasp || type == c->id_release ||
	    type == c->id_throw || type == c->id_cut)
		return true;
	const act_def *d = actions_get(type);
	return d && (!strcmp(d->name, "move") || !strcmp(d->category, "derived"));
}

void instr_ctl_drag(instr_ctl *c, double dx, double dy, int mods)
{
	if (!c->enabled)
		return;
	double p[6];
	memcpy(p, c->pose[c->active], sizeof p);
	if ((mods & INSTR_MOD_CTRL) && (mods & INSTR_MOD_SHIFT)) {
		p[5] += dx * INSTR_DESK_DEG_PER_PX;
	} else if (mods & INSTR_MOD_CTRL) {
		p[3] -= dx * INSTR_DESK_DEG_PER_PX;
		p[4] += dy * INSTR_DESK_DEG_PER_PX;
	} else if (mods & INSTR_MOD_SHIFT) {
		p[2] = clampd(p[2] - dy * INSTR_DESK_MM_PER_PX, c->lo[2], c->hi[2]);
	} else {
		p[0] = clampd(p[0] + dx * INSTR_DESK_MM_PER_PX, c->lo[0], c->hi[0]);
		p[1] = clampd(p[1] - dy * INSTR_DESK_MM_PER_PX, c->lo[1], c->hi[1]);
	}
	instr_ctl_set_pose(c, c->active, p);
}

void instr_ctl_depth(instr_ctl *c, double mm)
{
	if (!c->enabled)
		return;
	double p[6];
	memcpy(p, c->pose[c->active], sizeof p);
	p[2] = clampd(p[2] + mm, c->lo[2], c->hi[2]);
	instr_ctl_set_pose(c, c->active, p);
}

static void mat3_of_quat(const float q[4], double r[3][3])
{
	double x = q[0], y = q[1], z = q[2], w = q[3], n = sqrt(x * x + y * y + z * z + w * w);
	if (n > 0)
		x /= n, y /= n, z /= n, w /= n;
	r[0][0] = 1 - 2 * (y * y + z * z), r[0][1] = 2 * (x * y - z * w), r[0][2] = 2 * (x * z + y * w);
	r[1][0] = 2 * (x * y + z * w), r[1][1] = 1 - 2 * (x * x + z * z), r[1][2] = 2 * (y * z - x * w);
	r[2][0] = 2 * (x * z - y * w), r[2][1] = 2 * (y * z + x * w), r[2][2] = 1 - 2 * (x * x + y * y);
}

void instr_ctl_set_grip(instr_ctl *c, int hand, const float m[16], const float pos[3], const float rot[4])
{
	if (!c->enabled)
		return;
	double g[3][3], r[3][3];
	mat3_of_quat(rot, g);
	/* the tip, ahead of the grip along its -Z, in the source frame */
	double tip[3];
	for (int i = 0; i < 3; i++)
		tip[i] = pos[i] - g[i][2] * INSTR_XR_TIP_OFFSET;
	double p[6];
	for (int i = 0; i < 3; i++)
		p[i] = 1e3 * (m[i] * tip[0] + m[4 + i] * tip[1] + m[8 + i] * tip[2] + m[12 + i]);
	/* the orientation in the tissue frame: R = M * G; yaw-pitch-roll as sim/surgery.c builds q = qz qy qx */
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			r[i][j] = m[i] * g[0][j] + m[4 + i] * g[1][j] + m[8 + i] * g[2][j];
	const double deg = 180.0 / M_PI;
	p[3] = atan2(r[1][0], r[0][0]) * deg;
	p[4] = asin(clampd(-r[2][0], -1, 1)) * deg;
	p[5] = atan2(r[2][1], r[2][2]) * deg;
	instr_ctl_set_pose(c, hand, p);
}

int instr_ctl_status(const instr_ctl *c, const sim_session *s, char *lines, int width, int max)
{
	if (!c->enabled || max <= 0)
		return 0;
	const scrub_tissue *t = s ? sim_session_tissue(s) : NULL;
	int n = 0;
	for (int h = INSTR_RIGHT; h >= INSTR_LEFT && n < max; h--) {
		char extra[48] = "";
		scrub_hand_state hs;
		if (t && scrub_tissue_hand_state(t, h, &hs) == SCRUB_OK && hs.kind != SCRUB_INSTR_NONE) {
			if (hs.in_tissue && hs.tip_layer >= 0)
				snprintf(extra, sizeof extra, "  in %s, %.1f N", scrub_tissue_layer_name(hs.tip_layer),
				         (double)hs.force_magnitude);
			else if (hs.grasped_nodes > 0)
				snprintf(extra, sizeof extra, "  holding, %.1f N", (double)hs.force_magnitude);
			else if (hs.contact_nodes > 0)
				snprintf(extra, sizeof extra, "  touching, %.1f N", (double)hs.force_magnitude);
		}
		const double *p = c->pose[h];
		snprintf(lines + (size_t)n * (size_t)width, (size_t)width, "%s%s: %s%s  x%.1f y%.1f z%.1f mm%s",
		         c->active == h ? "> " : "  ", h == INSTR_LEFT ? "Left" : "Right", instr_names[c->instr[h]],
		         c->grasp[h] ? " (closed)" : "", p[0], p[1], p[2], extra);
		n++;
	}
	return n;
}
