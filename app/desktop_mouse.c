/* Care by hand with the mouse (care_input.h): the window's pixels to the body and back, what the cursor is over, the
 * hand the mouse moves. */
#define SCRUB_LOG_MODULE "run"
#include "run_desktop_internal.h"

#include "log.h"

#include <math.h>
#include <string.h>

static void mat4_mulv(const float m[16], const float v[4], float out[4])
{
	for (int i = 0; i < 4; i++)
		out[i] = m[i] * v[0] + m[4 + i] * v[1] + m[8 + i] * v[2] + m[12 + i] * v[3];
}

/* inverse of a 4x4 matrix (cofactors); false when singular */
static bool mat4_inverse(const float m[16], float inv[16])
{
	float t[16];
	t[0] = m[5] * m[10] * m[15] - m[5] * m[11] * m[14] - m[9] * m[6] * m[15] + m[9] * m[7] * m[14] + m[13] * m[6] * m[11] - m[13] * m[7] * m[10];
	t[4] = -m[4] * m[10] * m[15] + m[4] * m[11] * m[14] + m[8] * m[6] * m[15] - m[8] * m[7] * m[14] - m[12] * m[6] * m[11] + m[12] * m[7] * m[10];
	t[8] = m[4] * m[9] * m[15] - m[4] * m[11] * m[13] - m[8] * m[5] * m[15] + m[8] * m[7] * m[13] + m[12] * m[5] * m[11] - m[12] * m[7] * m[9];
	t[12] = -m[4] * m[9] * m[14] + m[4] * m[10] * m[13] + m[8] * m[5] * m[14] - m[8] * m[6] * m[13] - m[12] * m[5] * m[10] + m[12] * m[6] * m[9];
	t[1] = -m[1] * m[10] * m[15] + m[1] * m[11] * m[14] + m[9] * m[2] * m[15] - m[9] * m[3] * m[14] - m[13] * m[2] * m[11] + m[13] * m[3] * m[10];
	t[5] = m[0] * m[10] * m[15] - m[0] * m[11] * m[14] - m[8] * m[2] * m[15] + m[8] * m[3] * m[14] + m[12] * m[2] * m[11] - m[12] * m[3] * m[10];
	t[9] = -m[0] * m[9] * m[15] + m[0] * m[11] * m[13] + m[8] * m[1] * m[15] - m[8] * m[3] * m[13] - m[12] * m[1] * m[11] + m[12] * m[3] * m[9];
	t[13] = m[0] * m[9] * m[14] - m[0] * m[10] * m[13] - m[8] * m[1] * m[14] + m[8] * m[2] * m[13] + m[12] * m[1] * m[10] - m[12] * m[2] * m[9];
	t[2] = m[1] * m[6] * m[15] - m[1] * m[7] * m[14] - m[5] * m[2] * m[15] + m[5] * m[3] * m[14] + m[13] * m[2] * m[7] - m[13] * m[3] * m[6];
	t[6] = -m[0] * m[6] * m[15] + m[0] * m[7] * m[14] + m[4] * m[2] * m[15] - m[4] * m[3] * m[14] - m[12] * m[2] * m[7] + m[12] * m[3] * m[6];
	t[10] = m[0] * m[5] * m[15] - m[0] * m[7] * m[13] - m[4] * m[1] * m[15] + m[4] * m[3] * m[13] + m[12] * m[1] * m[7] - m[12] * m[3] * m[5];
	t[14] = -m[0] * m[5] * m[14] + m[0] * m[6] * m[13] + m[4] * m[1] * m[14] - m[4] * m[2] * m[13] - m[12] * m[1] * m[6] + m[12] * m[2] * m[5];
	t[3] = -m[1] * m[6] * m[11] + m[1] * m[7] * m[10] + m[5] * m[2] * m[11] - m[5] * m[3] * m[10] - m[9] * m[2] * m[7] + m[9] * m[3] * m[6];
	t[7] = m[0] * m[6] * m[11] - m[0] * m[7] * m[10] - m[4] * m[2] * m[11] + m[4] * m[3] * m[10] + m[8] * m[2] * m[7] - m[8] * m[3] * m[6];
	t[11] = -m[0] * m[5] * m[11] + m[0] * m[7] * m[9] + m[4] * m[1] * m[11] - m[4] * m[3] * m[9] - m[8] * m[1] * m[7] + m[8] * m[3] * m[5];
	t[15] = m[0] * m[5] * m[10] - m[0] * m[6] * m[9] - m[4] * m[1] * m[10] + m[4] * m[2] * m[9] + m[8] * m[1] * m[6] - m[8] * m[2] * m[5];
	float det = m[0] * t[0] + m[1] * t[4] + m[2] * t[8] + m[3] * t[12];
	if (fabsf(det) < 1e-20f)
		return false;
	for (int i = 0; i < 16; i++)
		inv[i] = t[i] / det;
	return true;
}

/* body frame <-> world: the body lies at (SCENE_PATIENT_X, SCENE_TABLE_TOP, 0), not turned */
static void body_world(const float b[3], float w[3])
{
	w[0] = b[0] + SCENE_PATIENT_X, w[1] = b[1] + SCENE_TABLE_TOP, w[2] = b[2];
}

/* A point of the body frame on the window, in framebuffer pixels; false behind the eye. */
static bool desk_project(const desk *c, const float b[3], double *px, double *py)
{
	const scrub_render_view *v = &c->scene.snapshot.camera.views[0];
	float vp[16], w[4], clip[4];
	scrub_render_mul(v->proj, v->view, vp);
	body_world(b, w);
	w[3] = 1.f;
	mat4_mulv(vp, w, clip);
	if (clip[3] <= 1e-4f)
		return false;
	*px = (clip[0] / clip[3] * 0.5 + 0.5) * c->fb_w;
	*py = (clip[1] / clip[3] * 0.5 + 0.5) * c->fb_h;
	return true;
}

/* The ray under a pixel, in the body frame. */
static bool desk_ray(const desk *c, double px, double py, float o[3], float d[3])
{
	const scrub_render_view *v = &c->scene.snapshot.camera.views[0];
	float vp[16], inv[16];
	scrub_render_mul(v->proj, v->view, vp);
	if (!c->fb_w || !c->fb_h || !mat4_inverse(vp, inv))
		return false;
	float nx = (float)(px / c->fb_w * 2 - 1), ny = (float)(py / c->fb_h * 2 - 1), p[2][4];
	for (int k = 0; k < 2; k++) {
		float ndc[4] = {nx, ny, k ? 1.f : 0.f, 1.f};
		mat4_mulv(inv, ndc, p[k]);
		for (int i = 0; i < 3; i++)
			p[k][i] /= p[k][3];
	}
	float len = 0;
	for (int i = 0; i < 3; i++)
		d[i] = p[1][i] - p[0][i], len += d[i] * d[i];
	len = sqrtf(len);
	o[0] = p[0][0] - SCENE_PATIENT_X, o[1] = p[0][1] - SCENE_TABLE_TOP, o[2] = p[0][2];
	for (int i = 0; i < 3; i++)
		d[i] /= len;
	return true;
}

/* Where the ray meets the front of the trunk (body frame); false when it misses. */
static bool desk_hit_trunk(const desk *c, double px, double py, float hit[3])
{
	float o[3], d[3];
	if (!desk_ray(c, px, py, o, d))
		return false;
	/* the trunk is found on the supine body: each point of the ray is taken back there (scrub_body_unpose) */
	const float pose[2] = {c->scene.body.posture[0], c->scene.body.posture[1]};
	float prev = 0;
	for (float t = 0.05f; t < 6.f; t += 0.01f) {
		float p[3] = {o[0] + d[0] * t, o[1] + d[1] * t, o[2] + d[2] * t};
		if (p[1] > (pose[0] > 0.f ? 1.0f : 0.30f) || p[1] < 0.f) {
			prev = t;
			continue;
		}
		scrub_body_unpose(pose, p, p);
		float top = scrub_body_torso_top(p[0], p[2]);
		if (!isnan(top) && p[1] <= top) {
			float lo = prev, hi = t; /* refine between the last point above and this one */
			for (int i = 0; i < 14; i++) {
				float m = 0.5f * (lo + hi), q[3] = {o[0] + d[0] * m, o[1] + d[1] * m, o[2] + d[2] * m};
				scrub_body_unpose(pose, q, q);
				float tq = scrub_body_torso_top(q[0], q[2]);
				if (!isnan(tq) && q[1] <= tq)
					hi = m;
				else
					lo = m;
			}
			for (int i = 0; i < 3; i++)
				hit[i] = o[i] + d[i] * hi;
			return true;
		}
		prev = t;
	}
	return false;
}

/* What the mouse takes at a pixel: the nearest target on the window within its reach (the pads, the bag, the
 * defibrillator's buttons, the pulses, the forehead, the shoulders unless the chest is under the cursor), else the
 * chest under the cursor. */
static care_target desk_pick(const desk *c, double px, double py, float at[3])
{
	care_target best = CARE_NONE;
	double best_score = 1.0;
	const scrub_render_view *v = &c->scene.snapshot.camera.views[0];
	float hit[3];
	bool chest = desk_hit_trunk(c, px, py, hit) && care_target_at(&c->care, hit) == CARE_CHEST;
	for (int t = CARE_FOREHEAD; t < CARE_TARGET_COUNT; t++) {
		float q[3], w[3];
		double sx, sy;
		if (chest && (t == CARE_SHOULDER_LEFT || t == CARE_SHOULDER_RIGHT))
			continue; /* the chest under the cursor, not the shoulder beside it on the window */
		if (!care_target_pos(&c->care, (care_target)t, q) || !desk_project(c, q, &sx, &sy))
			continue;
		body_world(q, w);
		double dz = 0;
		for (int i = 0; i < 3; i++)
			dz += (w[i] - v->eye_pos[i]) * (w[i] - v->eye_pos[i]);
		/* the target's reach on the window: its radius at its distance, at least 6 pixels */
		double reach = fmax(6.0, care_target_radius((care_target)t) / sqrt(dz) * v->proj[5] * 0.5 * c->fb_h);
		double score = hypot(px - sx, py - sy) / reach;
		if (score < best_score)
			best = (care_target)t, best_score = score, memcpy(at, q, sizeof q);
	}
	if (best == CARE_NONE && chest) {
		best = CARE_CHEST;
		care_target_pos(&c->care, CARE_CHEST, at);
	}
	return best;
}

/* A pad let go at a pixel: the pad site whose centre is nearest on the window within 6 cm there (the left apex lies
 * on the far side of the chest from the trainee: let go at the chest's far edge); sets pos to the site's centre. */
static void desk_pad_site(const desk *c, double px, double py, float pos[3])
{
	const scrub_render_view *v = &c->scene.snapshot.camera.views[0];
	double best = 1.0;
	for (int site = SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR; site <= SCRUB_BODY_PAD_RIGHT_APEX; site++) {
		float q[3], n[3], al[3], w[3];
		double sx, sy;
		body_pad_site(site, q, n, al);
		const float pose[2] = {c->scene.body.posture[0], c->scene.body.posture[1]};
		scrub_body_pose(pose, q, q);
		if (site == SCRUB_BODY_PAD_LEFT_BACK || !desk_project(c, q, &sx, &sy))
			continue;
		body_world(q, w);
		double dz = 0;
		for (int i = 0; i < 3; i++)
			dz += (w[i] - v->eye_pos[i]) * (w[i] - v->eye_pos[i]);
		double reach = fmax(8.0, 0.06 / sqrt(dz) * v->proj[5] * 0.5 * c->fb_h);
		double score = hypot(px - sx, py - sy) / reach;
		if (score < best) {
			best = score;
			memcpy(pos, q, sizeof q);
		}
	}
}

/* The mouse as a hand in the body frame: pressed on a target it takes it; on the chest, dragging down pushes
 * (CPR_MM_PER_PX); on the forehead, dragging tilts; a pad follows the cursor over the trunk; Shift: under. */
void desk_hand(desk *c, care_hand *hand)
{
	memset(hand, 0, sizeof *hand);
	bool press_edge = c->mdown && !c->mdown_prev;
	if (press_edge) {
		c->mtarget = c->mblocked ? CARE_NONE : desk_pick(c, c->mpx, c->mpy, c->mstart);
		c->mx0 = c->mpx, c->my0 = c->mpy;
		memcpy(c->mhover, c->mstart, sizeof c->mhover);
	}
	bool active = c->mdown || c->mdown_prev;
	c->mdown_prev = c->mdown;
	if (!active || c->mtarget == CARE_NONE)
		return;
	hand->tracked = true;
	hand->grab = hand->press = c->mdown;
	hand->under = c->mshift;
	memcpy(hand->pos, c->mstart, sizeof hand->pos);
	switch (c->mtarget) {
	case CARE_CHEST: {
		double depth = fmax(0, (c->my - c->my0) * CPR_MM_PER_PX) * 1e-3;
		hand->pos[1] = (float)(BODY_CHEST_TOP_Y - depth);
		break;
	}
	case CARE_FOREHEAD:
		hand->pos[0] += (float)(hypot(c->mx - c->mx0, c->my - c->my0) * TILT_M_PER_PX);
		break;
	case CARE_PAD_1:
	case CARE_PAD_2:
		if (!press_edge) {
			float hit[3];
			if (desk_hit_trunk(c, c->mx, c->my, hit)) {
				memcpy(c->mhover, hit, sizeof hit);
			} else { /* off the trunk: in the air over the table; let go there, it goes back to the cart */
				float o[3], d[3];
				if (desk_ray(c, c->mx, c->my, o, d) && d[1] < -1e-3f) {
					float t = (0.30f - o[1]) / d[1];
					for (int i = 0; i < 3; i++)
						c->mhover[i] = o[i] + d[i] * t;
				}
			}
		}
		memcpy(hand->pos, c->mhover, sizeof hand->pos);
		if (!c->mdown) /* let go: on the pad site nearest on the window, if one is within reach */
			desk_pad_site(c, c->mx, c->my, hand->pos);
		break;
	default: break;
	}
	if (!c->mdown)
		c->mtarget = CARE_NONE;
	memcpy(hand->tip, hand->pos, sizeof hand->tip);
}

/* A named point's pixel now, or the fractions of the window. */
void desk_point(const desk *c, int point, double x, double y, double *px, double *py)
{
	*px = x * c->fb_w, *py = y * c->fb_h;
	if (point < 0)
		return;
	float q[3], n[3], al[3];
	int target, site;
	desk_script_point(point, &target, &site);
	if (target != CARE_NONE) {
		care_target_pos(&c->care, (care_target)target, q);
	} else {
		const float pose[2] = {c->scene.body.posture[0], c->scene.body.posture[1]};
		body_pad_site(site, q, n, al);
		scrub_body_pose(pose, q, q);
	}
	desk_project(c, q, px, py);
}

