/* Care given with the hands (see care_input.h). */
#include "care_input.h"

#include "scene_from_sim.h"
#include "scrub_body.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define STROKE_START_MM 10.0   /* a compression begins when the hand is this deep */
#define STROKE_TURN_MM 6.0     /* ... turns when it has come this far back up */
#define CPR_START_PRESSES 4    /* start_cpr after this many compressions in rhythm */
#define CPR_GAP_S 2.0          /* stop_cpr after this long without one */
#define BREATH_GROUP_S 2.5     /* give_breaths after this long without a squeeze */
#define BVM_REST_S 30.0        /* the bag goes back beside the head after this long unused */
#define TILT_MIN_RAD 0.26      /* 15 degrees */
#define TILT_HOLD_S 0.5
#define PULSE_MIN_S 1.0        /* shorter touches are no pulse check */
#define CALL_HAND_Y 0.95f      /* a hand this high over the table (1.85 m over the floor: raised over the head) ... */
#define CALL_HOLD_S 1.0        /* ... for this long calls for help */

static const double energies[] = {120, 150, 200, 360};

static act_id find(const char *name) { return actions_find(name, strlen(name)); }

void care_init(care_ctl *c, const scenario *scn, patient_signs *signs, care_emit_fn emit, void *user)
{
	memset(c, 0, sizeof *c);
	c->scn = scn;
	c->signs = signs;
	c->emit = emit;
	c->user = user;
	c->enabled = !scn->tissue.present;
	c->id_compression = find("compression");
	c->id_start = find("start_cpr");
	c->id_stop = find("stop_cpr");
	c->id_breaths = find("give_breaths");
	c->id_airway = find("open_airway");
	c->id_pulse = find("check_pulse");
	c->id_pads = find("attach_pads");
	c->id_power = find("power_on_aed");
	c->id_analyse = find("analyse_rhythm");
	c->id_charge = find("charge");
	c->id_shock = find("shock");
	c->id_responsive = find("check_responsiveness");
	c->id_call = find("call_for_help");
	/* whom a raised hand calls: whom the scenario's own runs call (the arrest team, an ambulance), else the team */
	c->call_who = -1;
	const act_def *call = actions_get(c->id_call);
	int who = call ? act_param_find(call, "who", 3) : -1;
	c->call_param = who;
	for (int r = 0; who >= 0 && r < scn->nruns && c->call_who < 0; r++)
		for (int i = 0; i < scn->runs[r].nactions && c->call_who < 0; i++)
			if (scn->runs[r].actions[i].type == c->id_call && scn->runs[r].actions[i].params[who].set)
				c->call_who = scn->runs[r].actions[i].params[who].sym;
	if (c->call_who < 0 && who >= 0)
		c->call_who = act_symbol_find(&call->params[who], "team", 4);
	for (int h = 0; h < CARE_HANDS; h++)
		c->raise_t0[h] = -1;
	c->pad_site[0] = c->pad_site[1] = -1;
	c->pads_sent[0] = c->pads_sent[1] = -1;
	c->energy_idx = 2; /* 200 J */
	c->tilt_since = -1;
	c->bvm_last_t = -1e9;
}

/* ---- actions ---------------------------------------------------------------------------------------------- */

static void set_num(sim_action *a, const char *param, double v)
{
	const act_def *d = actions_get(a->type);
	int i = d ? act_param_find(d, param, strlen(param)) : -1;
	if (i >= 0)
		a->params[i] = (act_value){.set = true, .num = v};
}

static bool set_sym(sim_action *a, const char *param, const char *word)
{
	const act_def *d = actions_get(a->type);
	int i = d ? act_param_find(d, param, strlen(param)) : -1;
	int k = i >= 0 ? act_symbol_find(&d->params[i], word, strlen(word)) : -1;
	if (k < 0)
		return false;
	a->params[i] = (act_value){.set = true, .sym = k};
	return true;
}

static void emit(care_ctl *c, const sim_action *a, const char *what)
{
	if (a->type == ACT_NONE)
		return;
	c->emit(c->user, a);
	if (what) { /* a gesture's action (compressions and what they imply are counted as strokes) */
		c->done++;
		snprintf(c->last, sizeof c->last, "%s", what);
	}
}

void care_observe(care_ctl *c, const sim_action *a)
{
	if (a->type == c->id_start)
		c->cpr_active = true;
	else if (a->type == c->id_stop)
		c->cpr_active = false, c->npress = 0;
}

static double cpr_rate(const care_ctl *c)
{
	if (c->npress < 2 || c->press_t[c->npress - 1] <= c->press_t[0])
		return -1;
	return 60.0 * (c->npress - 1) / (c->press_t[c->npress - 1] - c->press_t[0]);
}

void care_compression(care_ctl *c, double t, double depth_mm, double recoil)
{
	c->t = t;
	sim_action a = {.type = c->id_compression};
	set_num(&a, "depth", depth_mm);
	if (recoil >= 0)
		set_num(&a, "recoil", recoil);
	emit(c, &a, NULL);
	if (c->npress && c->t - c->press_t[c->npress - 1] > CPR_GAP_S)
		c->npress = 0;
	if (c->npress == 8) {
		memmove(c->press_t, c->press_t + 1, sizeof(double) * 7);
		memmove(c->press_mm, c->press_mm + 1, sizeof(double) * 7);
		c->npress = 7;
	}
	c->press_t[c->npress] = c->t;
	c->press_mm[c->npress++] = depth_mm;
	c->strokes++;
	if (!c->cpr_active && c->npress >= CPR_START_PRESSES) {
		double rate = cpr_rate(c), depth = 0;
		for (int i = 0; i < c->npress; i++)
			depth += c->press_mm[i];
		depth /= c->npress;
		if (rate > 0) {
			sim_action s = {.type = c->id_start};
			set_num(&s, "rate", floor(rate + 0.5));
			set_num(&s, "depth", floor(depth + 0.5));
			emit(c, &s, NULL);
			c->cpr_active = true;
		}
	}
}

/* ---- targets ---------------------------------------------------------------------------------------------- */

const char *care_target_name(care_target t)
{
	static const char *const names[CARE_TARGET_COUNT] = {
		"nothing", "the chest", "the forehead", "the left carotid", "the right carotid", "the left radial pulse",
		"the right radial pulse", "the left shoulder", "the right shoulder", "pad 1", "pad 2", "the bag-valve-mask", "power", "energy", "charge", "analyse",
		"shock",
	};
	return (unsigned)t < CARE_TARGET_COUNT ? names[t] : "?";
}

/* a point of the defibrillator (its own frame) in the body frame: it stands on the cart turned to face the table */
static void defib_point(float lx, float ly, float lz, float out[3])
{
	out[0] = SCENE_CART_X - lx - SCENE_PATIENT_X;
	out[1] = SCENE_CART_TOP + ly - SCENE_TABLE_TOP;
	out[2] = SCENE_CART_Z - lz;
}

/* the posture now (scrub_body_pose.h): the body frame's points move with it, the supine ones do not */
static void care_pose(const care_ctl *c, float pose[2])
{
	pose[0] = c->signs ? (float)c->signs->posture[0] : 0.f;
	pose[1] = c->signs ? (float)c->signs->posture[1] : 0.f;
}

static void unposed(const care_ctl *c, const float p[3], float out[3])
{
	float pose[2];
	care_pose(c, pose);
	scrub_body_unpose(pose, p, out);
}

/* Where a target is on the supine body (the frame of the landmarks; the cart's things are beyond the posture's
 * reach). Everything below works there: the hands are brought into it first. */
static bool target_supine(const care_ctl *c, care_target t, float out[3])
{
	float n[3], al[3];
	switch (t) {
	case CARE_CHEST: out[0] = BODY_CPR_X, out[1] = BODY_CHEST_TOP_Y, out[2] = BODY_CPR_Z; return true;
	case CARE_FOREHEAD: out[0] = BODY_FOREHEAD_X, out[1] = BODY_FOREHEAD_Y, out[2] = 0; return true;
	case CARE_CAROTID_LEFT:
	case CARE_CAROTID_RIGHT:
		out[0] = BODY_CAROTID_X, out[1] = BODY_CAROTID_Y;
		out[2] = t == CARE_CAROTID_LEFT ? BODY_CAROTID_Z : -BODY_CAROTID_Z;
		return true;
	case CARE_RADIAL_LEFT:
	case CARE_RADIAL_RIGHT:
		out[0] = BODY_RADIAL_X, out[1] = BODY_RADIAL_Y;
		out[2] = t == CARE_RADIAL_LEFT ? BODY_RADIAL_Z : -BODY_RADIAL_Z;
		return true;
	case CARE_SHOULDER_LEFT:
	case CARE_SHOULDER_RIGHT: /* over the shoulder joint, in front */
		out[0] = BODY_SHOULDER_X, out[1] = BODY_SHOULDER_Y;
		out[2] = t == CARE_SHOULDER_LEFT ? BODY_SHOULDER_Z : -BODY_SHOULDER_Z;
		return true;
	case CARE_PAD_1:
	case CARE_PAD_2: {
		int k = t - CARE_PAD_1;
		if (c->pad_site[k] == -2) {
			unposed(c, c->pad_pos[k], out);
		} else if (c->pad_site[k] >= 0) {
			body_pad_site(c->pad_site[k], out, n, al);
		} else { /* on the cart, in front of the defibrillator */
			defib_point(k ? -0.08f : 0.08f, 0.006f, 0.20f, out);
			out[1] = SCENE_CART_TOP + 0.006f - SCENE_TABLE_TOP;
		}
		return true;
	}
	case CARE_BVM:
		if (c->bvm_on_face)
			out[0] = BODY_FOREHEAD_X - 0.08f, out[1] = 0.25f, out[2] = 0;
		else /* on the cart, beside the defibrillator */
			out[0] = 0.20f, out[1] = 0.17f, out[2] = 0.84f;
		return true;
	case CARE_BTN_POWER: defib_point(SCRUB_DEFIB_BUTTON_X, SCRUB_DEFIB_POWER_Y, SCRUB_DEFIB_BUTTON_Z, out); return true;
	case CARE_BTN_ENERGY: defib_point(SCRUB_DEFIB_BUTTON_X, SCRUB_DEFIB_ENERGY_Y, SCRUB_DEFIB_BUTTON_Z, out); return true;
	case CARE_BTN_ANALYSE: defib_point(SCRUB_DEFIB_BUTTON_X, SCRUB_DEFIB_ANALYSE_Y, SCRUB_DEFIB_BUTTON_Z, out); return true;
	case CARE_BTN_CHARGE: defib_point(SCRUB_DEFIB_BUTTON_X, SCRUB_DEFIB_CHARGE_Y, SCRUB_DEFIB_BUTTON_Z, out); return true;
	case CARE_BTN_SHOCK: defib_point(SCRUB_DEFIB_BUTTON_X, SCRUB_DEFIB_SHOCK_Y, SCRUB_DEFIB_BUTTON_Z, out); return true;
	default: return false;
	}
}

bool care_target_pos(const care_ctl *c, care_target t, float out[3])
{
	if ((t == CARE_PAD_1 || t == CARE_PAD_2) && c->pad_site[t - CARE_PAD_1] == -2) {
		memcpy(out, c->pad_pos[t - CARE_PAD_1], sizeof c->pad_pos[0]); /* in the hand: where the hand is */
		return true;
	}
	float q[3], pose[2];
	if (!target_supine(c, t, q))
		return false;
	care_pose(c, pose);
	scrub_body_pose(pose, q, out);
	return true;
}

float care_target_radius(care_target t)
{
	switch (t) {
	case CARE_CHEST: return 0.07f;
	case CARE_FOREHEAD: return 0.06f;
	case CARE_SHOULDER_LEFT:
	case CARE_SHOULDER_RIGHT: return 0.06f;
	case CARE_PAD_1:
	case CARE_PAD_2: return 0.07f;
	case CARE_BVM: return 0.10f;
	case CARE_CAROTID_LEFT:
	case CARE_CAROTID_RIGHT:
	case CARE_RADIAL_LEFT:
	case CARE_RADIAL_RIGHT: return 0.03f;
	default: return 0.025f; /* the defibrillator's buttons */
	}
}

static float dist3(const float a[3], const float b[3])
{
	float dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
	return sqrtf(dx * dx + dy * dy + dz * dz);
}

/* the chest (supine): within 7 cm across of the compression point, from 4 cm above the skin to 9 cm into it */
static bool on_chest(const float p[3])
{
	float dx = p[0] - BODY_CPR_X, dz = p[2] - BODY_CPR_Z;
	return dx * dx + dz * dz < 0.07f * 0.07f && p[1] < BODY_CHEST_TOP_Y + 0.04f && p[1] > BODY_CHEST_TOP_Y - 0.09f;
}

bool care_on_chest(const care_ctl *c, const float p[3])
{
	float q[3];
	unposed(c, p, q);
	return on_chest(q);
}

/* the target nearest a point of the supine body */
static care_target target_at(const care_ctl *c, const float p[3])
{
	care_target best = CARE_NONE;
	float best_d = 1e9f;
	for (int t = CARE_FOREHEAD; t < CARE_TARGET_COUNT; t++) {
		float q[3];
		if (!target_supine(c, (care_target)t, q))
			continue;
		float d = dist3(p, q) / care_target_radius((care_target)t);
		if (d < 1.f && d < best_d)
			best = (care_target)t, best_d = d;
	}
	if (best == CARE_NONE && on_chest(p))
		best = CARE_CHEST;
	return best;
}

care_target care_target_at(const care_ctl *c, const float p[3])
{
	float q[3];
	unposed(c, p, q);
	return target_at(c, q);
}

/* ---- pads ------------------------------------------------------------------------------------------------- */

/* The pad site a pad let go at p lands on: the nearest within 9 cm; under the back when asked; -1 when off the trunk. */
static int pad_site_at(const float p[3], bool under)
{
	if (under && p[0] > 0.18f && p[0] < 0.50f && p[2] > -0.02f && p[2] < 0.20f)
		return SCRUB_BODY_PAD_LEFT_BACK;
	int best = -1;
	float best_d = 0.09f;
	for (int site = SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR; site <= SCRUB_BODY_PAD_RIGHT_APEX; site++) {
		if (site == SCRUB_BODY_PAD_LEFT_BACK)
			continue;
		float c[3], n[3], al[3];
		body_pad_site(site, c, n, al);
		float d = dist3(p, c);
		if (d < best_d)
			best = site, best_d = d;
	}
	return best;
}

/* 0 anterolateral, 1 anteroposterior, 2 misplaced (the patient model's order, less 'none') */
static int pads_position(int a, int b)
{
	if ((a == SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR && b == SCRUB_BODY_PAD_LEFT_APEX) ||
	    (b == SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR && a == SCRUB_BODY_PAD_LEFT_APEX))
		return 0;
	if ((a == SCRUB_BODY_PAD_LEFT_PRECORDIUM && b == SCRUB_BODY_PAD_LEFT_BACK) ||
	    (b == SCRUB_BODY_PAD_LEFT_PRECORDIUM && a == SCRUB_BODY_PAD_LEFT_BACK))
		return 1;
	return 2;
}

static void pads_landed(care_ctl *c)
{
	int a = c->pad_site[0], b = c->pad_site[1];
	if (a < 0 || b < 0 || a == b || (a == c->pads_sent[0] && b == c->pads_sent[1]))
		return;
	static const char *const words[3] = {"anterolateral", "anteroposterior", "misplaced"};
	int kind = pads_position(a, b);
	sim_action act = {.type = c->id_pads};
	if (!set_sym(&act, "position", words[kind]))
		return; /* cannot happen: the registry has the three words */
	patient_signs_place_pads(c->signs, kind, a, b);
	char what[64];
	snprintf(what, sizeof what, "pads on: %s", words[kind]);
	emit(c, &act, what);
	c->pads_sent[0] = a, c->pads_sent[1] = b;
}

/* ---- the frame -------------------------------------------------------------------------------------------- */

static void button(care_ctl *c, care_target t)
{
	sim_action a = {.type = ACT_NONE};
	char what[64];
	switch (t) {
	case CARE_BTN_POWER: a.type = c->id_power; snprintf(what, sizeof what, "defibrillator on"); break;
	case CARE_BTN_ANALYSE: a.type = c->id_analyse; snprintf(what, sizeof what, "analysing"); break;
	case CARE_BTN_ENERGY:
		c->energy_idx = (c->energy_idx + 1) % (int)(sizeof energies / sizeof energies[0]);
		snprintf(c->last, sizeof c->last, "energy %.0f J", care_energy(c));
		return;
	case CARE_BTN_CHARGE:
	case CARE_BTN_SHOCK:
		a.type = t == CARE_BTN_CHARGE ? c->id_charge : c->id_shock;
		set_num(&a, "energy", care_energy(c));
		snprintf(what, sizeof what, "%s %.0f J", t == CARE_BTN_CHARGE ? "charged" : "shock", care_energy(c));
		break;
	default: return;
	}
	emit(c, &a, what);
}

static void pulse_end(care_ctl *c)
{
	if (c->pulse_site == CARE_NONE)
		return;
	double dur = c->t - c->pulse_t0;
	if (dur >= PULSE_MIN_S) {
		sim_action a = {.type = c->id_pulse};
		set_sym(&a, "site", c->pulse_site == CARE_CAROTID_LEFT || c->pulse_site == CARE_CAROTID_RIGHT ? "carotid" : "radial");
		set_num(&a, "duration", floor(dur * 10 + 0.5) / 10);
		char what[64];
		snprintf(what, sizeof what, "pulse check at %s, %.1f s", care_target_name(c->pulse_site), dur);
		emit(c, &a, what);
	}
	c->pulse_site = CARE_NONE;
}

/* compressions: the deepest hand on the chest this frame */
static void compressions(care_ctl *c, const care_hand hands[CARE_HANDS])
{
	double depth = -1;
	for (int h = 0; h < CARE_HANDS; h++)
		if (hands[h].tracked && on_chest(hands[h].pos) && c->held[h] == CARE_NONE)
			depth = fmax(depth, (BODY_CHEST_TOP_Y - hands[h].pos[1]) * 1000.0);
	c->on_chest = depth >= 0;
	double d = depth < 0 ? 0 : depth > 80 ? 80 : depth;
	c->depth_now = d * 1e-3;
	if (c->stroke == 0) {
		if (d >= STROKE_START_MM)
			c->stroke = 1, c->stroke_max = d;
		return;
	}
	if (c->stroke == 1) {
		if (d > c->stroke_max)
			c->stroke_max = d;
		else if (d < c->stroke_max - STROKE_TURN_MM || !c->on_chest)
			c->stroke = 2, c->stroke_min = d;
	}
	if (c->stroke == 2) {
		c->stroke_min = fmin(c->stroke_min, d);
		/* the stroke ends: fully back up, the hand pushing again, or gone */
		bool again = d > c->stroke_min + STROKE_TURN_MM && d >= STROKE_START_MM;
		if (d < 1.0 || again || !c->on_chest) {
			double recoil = 100.0 * (c->stroke_max - c->stroke_min) / c->stroke_max;
			care_compression(c, c->t, floor(c->stroke_max + 0.5), floor(recoil + 0.5));
			c->stroke = 0;
			if (again)
				c->stroke = 1, c->stroke_max = d;
		}
	}
}

void care_frame(care_ctl *c, const sim_session *s, const care_hand hands[CARE_HANDS])
{
	if (!c->enabled)
		return;
	c->t = sim_session_time(s);
	/* the hands on the supine body (what the posture put where they are) */
	care_hand none[CARE_HANDS], local[CARE_HANDS];
	memset(none, 0, sizeof none);
	if (!hands)
		hands = none;
	for (int h = 0; h < CARE_HANDS; h++) {
		local[h] = hands[h];
		unposed(c, hands[h].pos, local[h].pos);
		unposed(c, hands[h].tip, local[h].tip);
	}
	bool ended = sim_session_ended(s);
	for (int h = 0; h < CARE_HANDS && !ended; h++) {
		const care_hand *hd = &local[h];
		bool grab = hd->tracked && hd->grab, press = hd->tracked && hd->press;
		bool grab_edge = grab && !c->was_grab[h], press_edge = press && !c->was_press[h];
		if (grab_edge || press_edge) {
			/* what the palm takes, or what the fingertips press */
			care_target t = target_at(c, grab_edge ? hd->pos : hd->tip);
			if (press_edge && !grab_edge && t == CARE_NONE)
				t = target_at(c, hd->pos);
			c->last_hand = h;
			if (t >= CARE_BTN_POWER && press_edge) {
				button(c, t);
			} else if (grab_edge && (t == CARE_PAD_1 || t == CARE_PAD_2) && c->pad_site[t - CARE_PAD_1] != -2) {
				c->pad_site[t - CARE_PAD_1] = -2;
				c->held[h] = t;
			} else if (grab_edge && t == CARE_BVM && !c->bvm_on_face) {
				c->bvm_on_face = true;
				c->bvm_last_t = c->t;
				snprintf(c->last, sizeof c->last, "mask on the face: squeeze the bag");
			} else if (t == CARE_BVM && c->bvm_on_face) { /* a squeeze */
				if (c->nsqueeze < 8)
					c->squeeze_t[c->nsqueeze++] = c->t;
				c->bvm_last_t = c->t;
			} else if (t == CARE_SHOULDER_LEFT || t == CARE_SHOULDER_RIGHT) { /* shake and shout */
				sim_action a = {.type = c->id_responsive};
				emit(c, &a, "shaking the shoulder: are you all right?");
			} else if (grab_edge && t == CARE_FOREHEAD) {
				c->held[h] = t;
				c->tilt_since = -1;
				c->tilt_sent = false;
			} else if (t >= CARE_CAROTID_LEFT && t <= CARE_RADIAL_RIGHT && c->pulse_site == CARE_NONE) {
				c->held[h] = t;
				c->pulse_site = t;
				c->pulse_t0 = c->t;
			}
			memcpy(c->start[h], hd->pos, sizeof c->start[h]);
		}
		care_target held = c->held[h];
		if (held == CARE_PAD_1 || held == CARE_PAD_2) {
			int k = held - CARE_PAD_1;
			memcpy(c->pad_pos[k], hands[h].pos, sizeof c->pad_pos[k]); /* as the hand holds it */
			if (!grab) { /* let go: on a pad site, or back to the cart */
				int site = pad_site_at(hd->pos, hd->under);
				c->pad_site[k] = site >= 0 ? site : -1;
				c->held[h] = CARE_NONE;
				if (site >= 0)
					snprintf(c->last, sizeof c->last, "pad %d on the skin", k + 1);
				pads_landed(c);
			}
		} else if (held == CARE_FOREHEAD) {
			/* pushing the forehead back (towards the head's end) and down tilts the head */
			double tilt = (hd->pos[0] - c->start[h][0]) * 4.0 + (c->start[h][1] - hd->pos[1]) * 2.0;
			c->tilt_now = tilt < 0 ? 0 : tilt > 0.6 ? 0.6 : tilt;
			if (c->tilt_now >= TILT_MIN_RAD && c->tilt_since < 0)
				c->tilt_since = c->t;
			if (c->tilt_now < TILT_MIN_RAD)
				c->tilt_since = -1;
			if (!c->tilt_sent && c->tilt_since >= 0 && c->t - c->tilt_since >= TILT_HOLD_S) {
				sim_action a = {.type = c->id_airway};
				set_sym(&a, "method", "head_tilt_chin_lift");
				emit(c, &a, "head tilt, chin lift");
				c->tilt_sent = true;
			}
			if (!grab)
				c->held[h] = CARE_NONE, c->tilt_now = 0;
		} else if (held >= CARE_CAROTID_LEFT && held <= CARE_RADIAL_RIGHT) {
			float q[3];
			target_supine(c, held, q);
			if (!(grab || press) || dist3(hd->tip, q) > 2.f * care_target_radius(held)) {
				pulse_end(c);
				c->held[h] = CARE_NONE;
			}
		}
		c->was_grab[h] = grab;
		c->was_press[h] = press;
		/* a hand raised over the head, held there: a call for help (once until it comes down) */
		if (hands[h].tracked && hands[h].pos[1] > CALL_HAND_Y && c->held[h] == CARE_NONE) {
			if (c->raise_t0[h] < 0)
				c->raise_t0[h] = c->t;
			if (!c->raise_sent[h] && c->t - c->raise_t0[h] >= CALL_HOLD_S - 1e-9 && c->call_who >= 0) {
				sim_action a = {.type = c->id_call};
				a.params[c->call_param] = (act_value){.set = true, .sym = c->call_who};
				c->last_hand = h;
				emit(c, &a, "hand raised: calling for help");
				c->raise_sent[h] = true;
			}
		} else {
			c->raise_t0[h] = -1;
			c->raise_sent[h] = false;
		}
	}
	compressions(c, local);
	/* stop_cpr once compressions stop */
	if (c->cpr_active && c->npress && c->t - c->press_t[c->npress - 1] > CPR_GAP_S && !ended) {
		sim_action a = {.type = c->id_stop};
		emit(c, &a, NULL);
		c->cpr_active = false;
		c->npress = 0;
	}
	/* the bag: a group of squeezes is given as breaths once it ends */
	if (c->nsqueeze && c->t - c->squeeze_t[c->nsqueeze - 1] > BREATH_GROUP_S && !ended) {
		sim_action a = {.type = c->id_breaths};
		set_num(&a, "count", c->nsqueeze);
		set_sym(&a, "device", "bvm");
		char what[64];
		snprintf(what, sizeof what, "%d breath%s with the bag", c->nsqueeze, c->nsqueeze > 1 ? "s" : "");
		emit(c, &a, what);
		c->nsqueeze = 0;
	}
	double since = c->nsqueeze ? c->t - c->squeeze_t[c->nsqueeze - 1] : 1e9;
	c->squeeze_now = since < 0.6 ? sin(3.14159265 * since / 0.6) : 0;
	if (c->bvm_on_face && c->t - c->bvm_last_t > BVM_REST_S && !c->nsqueeze)
		c->bvm_on_face = false;
}

bool care_pulse_felt(const care_ctl *c, const sim_session *s, double *rate)
{
	*rate = 0;
	if (c->pulse_site == CARE_NONE)
		return false;
	/* a central pulse needs a systolic pressure of about 50 mmHg, a radial one about 80 */
	bool radial = c->pulse_site == CARE_RADIAL_LEFT || c->pulse_site == CARE_RADIAL_RIGHT;
	const patient_vitals *pv = sim_session_vitals(s);
	if (pv) {
		*rate = pv->heart_rate;
		return pv->pulse_present && pv->heart_rate > 0 && pv->sbp >= (radial ? 80 : 50);
	}
	const double *vars = sim_session_vars(s);
	int hr = scenario_find_var(c->scn, "hr", 2), sbp = scenario_find_var(c->scn, "sbp", 3);
	int rh = scenario_find_var(c->scn, "rhythm", 6);
	if (rh >= 0 && c->scn->vars[rh].is_symbol) {
		int k = (int)vars[rh];
		const char *r = k >= 0 && k < c->scn->vars[rh].nsymbols ? c->scn->vars[rh].symbols[k] : "";
		if (!strncmp(r, "vf", 2) || !strcmp(r, "asystole") || !strcmp(r, "pea") || !strcmp(r, "pvt"))
			return false;
	}
	*rate = hr >= 0 ? vars[hr] : 80;
	return *rate > 0 && (sbp < 0 || vars[sbp] >= (radial ? 80 : 50));
}

double care_energy(const care_ctl *c) { return energies[c->energy_idx]; }

int care_status(const care_ctl *c, const sim_session *s, char *lines, int width, int max)
{
	int n = 0;
	if (!c->enabled || max <= 0)
		return 0;
#define LINE(...) (n < max ? snprintf(lines + (size_t)n++ * (size_t)width, (size_t)width, __VA_ARGS__) : 0)
	double rate = cpr_rate(c);
	if (c->on_chest || (c->npress && c->t - c->press_t[c->npress - 1] <= CPR_GAP_S))
		LINE("Hands on the chest: %.0f mm%s%s", c->depth_now * 1000, rate > 0 ? ", " : "",
		     rate > 0 ? (rate < 100 ? "too slow" : rate > 120 ? "too fast" : "rate ok") : "");
	if (c->pulse_site != CARE_NONE) {
		double hr = 0;
		bool felt = care_pulse_felt(c, s, &hr);
		LINE("Feeling %s, %.0f s: %s", care_target_name(c->pulse_site), c->t - c->pulse_t0,
		     c->t - c->pulse_t0 < 2 ? "..." : felt ? "a pulse" : "no pulse");
	}
	for (int k = 0; k < 2; k++)
		if (c->pad_site[k] == -2)
			LINE("Carrying pad %d: let go on the chest%s", k + 1, k == 1 && c->pad_site[0] >= 0 ? "" : "");
	if (c->bvm_on_face)
		LINE("Bag on the face: %d squeeze%s", c->nsqueeze, c->nsqueeze == 1 ? "" : "s");
	if (c->tilt_now > 0)
		LINE("Head tilt %.0f deg", c->tilt_now * 57.2958);
	LINE("Defibrillator: %.0f J", care_energy(c));
	if (c->last[0])
		LINE("Hands: %s", c->last);
#undef LINE
	return n;
}
