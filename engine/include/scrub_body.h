/* Landmarks of the patient's body (engine/render/bodygen.c), in the body frame: metres, +X towards the head, +Y up
 * (the patient lies supine on y = 0, the table top), +Z the patient's left, the origin on the midline at the level of
 * the hip joints. The renderer's shaders, the scene (app/scene_from_sim.c) and the care given with the hands
 * (app/care_input.c) share them. */
#ifndef SCRUB_BODY_H
#define SCRUB_BODY_H

#define BODY_EYE_X 0.721f
#define BODY_EYE_Y 0.168f
#define BODY_EYE_Z 0.032f            /* left eye at +Z, right eye at -Z */
#define BODY_EYE_R 0.0118f
#define BODY_LID_CLOSE_RAD 0.84f     /* the upper lid turns this far down about the eye's centre to close */
#define BODY_NECK_PIVOT_X 0.625f     /* head tilt: rotation about +Z through this point */
#define BODY_NECK_PIVOT_Y 0.080f
#define BODY_CPR_X 0.345f            /* compression point: the lower half of the sternum */
#define BODY_CPR_Z 0.0f
#define BODY_CHEST_TOP_Y 0.236f      /* the skin over the compression point, at rest */
#define BODY_CAROTID_X 0.585f        /* the carotid pulse, either side of the larynx */
#define BODY_CAROTID_Y 0.135f
#define BODY_CAROTID_Z 0.048f
#define BODY_RADIAL_X (-0.060f)      /* the radial pulse, at the wrist, thumb side (palms up) */
#define BODY_RADIAL_Y 0.088f
#define BODY_RADIAL_Z 0.274f
#define BODY_SHOULDER_X 0.462f       /* where a hand shakes a shoulder: in front of the joint, either side */
#define BODY_SHOULDER_Y 0.160f
#define BODY_SHOULDER_Z 0.185f
#define BODY_FOREHEAD_X 0.783f       /* where a hand tilts the head */
#define BODY_FOREHEAD_Y 0.186f

#include "scrub_body_pose.h"
#include "scrub_render.h"

#include <math.h>

/* The skin's height over the table at (x, z) on the front of the trunk (pads, hands on the chest, picking with the
 * mouse); NAN off the trunk. Exact on the body generator's distance field (engine/render/bodygen.c). */
float scrub_body_torso_top(float x, float z);

/* A defibrillator pad's site (SCRUB_BODY_PAD_*): its centre near the skin, the way it faces, its long side. The
 * generator lays each pad on the skin from here; the hands' care puts a pad that lands near a site on it. */
static inline void body_pad_site(int part, float c[3], float n[3], float along[3])
{
	static const float sites[8][9] = {
		/* centre                  normal               along */
		{0.425f, 0.25f, -0.075f, 0, 1, -0.15f, 0, 0, 1},   /* right infraclavicular */
		{0.275f, 0.13f, 0.165f, 0, 0.55f, 1, 1, 0, 0},     /* left apex (mid-axillary) */
		{0.33f, 0.25f, 0.06f, 0, 1, 0.2f, 1, 0, 0},        /* left precordium */
		{0.33f, 0.0f, 0.07f, 0, -1, 0, 1, 0, 0},           /* left back (under the patient) */
		{0.37f, 0.25f, 0.0f, 0, 1, 0, 1, 0, 0},            /* over the sternum */
		{0.12f, 0.22f, 0.02f, 0, 1, 0, 0, 0, 1},           /* upper abdomen */
		{0.425f, 0.25f, 0.075f, 0, 1, 0.15f, 0, 0, 1},     /* left infraclavicular */
		{0.275f, 0.13f, -0.165f, 0, 0.55f, -1, 1, 0, 0},   /* right apex */
	};
	int k = part - SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR;
	if (k < 0 || k > 7)
		k = 0;
	for (int i = 0; i < 3; i++)
		c[i] = sites[k][i], n[i] = sites[k][3 + i], along[i] = sites[k][6 + i];
}

static inline float body_smoothstep(float e0, float e1, float x)
{
	float t = (x - e0) / (e1 - e0);
	t = t < 0.f ? 0.f : t > 1.f ? 1.f : t;
	return t * t * (3.f - 2.f * t);
}

/* The shares of the trunk's and the legs' turns of a point of the supine body (scrub_body_pose.h). */
static inline void body_pose_weights(const float p[3], float *trunk, float *legs)
{
	float az = fabsf(p[2]);
	*trunk = body_smoothstep(BODY_TRUNK_X0, BODY_TRUNK_X1, p[0]) * (1.f - body_smoothstep(BODY_TRUNK_Z0, BODY_TRUNK_Z1, az));
	*legs = body_smoothstep(BODY_LEGS_X0, BODY_LEGS_X1, -p[0]) * (1.f - body_smoothstep(BODY_LEGS_Z0, BODY_LEGS_Z1, az));
}

static inline void body_turn(float p[3], float px, float py, float a)
{
	float c = cosf(a), s = sinf(a), x = p[0] - px, y = p[1] - py;
	p[0] = px + c * x - s * y;
	p[1] = py + s * x + c * y;
}

/* A point of the supine body where the posture puts it: pose[0] the trunk raised (radians, sitting up), pose[1] the
 * legs raised. The body's vertex shader does the same. */
static inline void scrub_body_pose(const float pose[2], const float p[3], float out[3])
{
	float wt, wl;
	body_pose_weights(p, &wt, &wl); /* before out, which may be p, changes */
	out[0] = p[0], out[1] = p[1], out[2] = p[2];
	if (wt > 0.f && pose[0] != 0.f)
		body_turn(out, BODY_TRUNK_PIVOT_X, BODY_TRUNK_PIVOT_Y, pose[0] * wt);
	if (wl > 0.f && pose[1] != 0.f)
		body_turn(out, BODY_LEGS_PIVOT_X, BODY_LEGS_PIVOT_Y, -pose[1] * wl);
}

/* The point of the supine body that the posture puts at p: the inverse of scrub_body_pose by damped fixed-point
 * steps (within 0.3 mm: the turns spread over the hips gently enough that the body nowhere folds over itself). */
static inline void scrub_body_unpose(const float pose[2], const float p[3], float out[3])
{
	const float at[3] = {p[0], p[1], p[2]}; /* out may be p */
	out[0] = at[0], out[1] = at[1], out[2] = at[2];
	if (pose[0] == 0.f && pose[1] == 0.f)
		return;
	for (int it = 0; it < 32; it++) {
		float wt, wl, q[3] = {at[0], at[1], at[2]};
		body_pose_weights(out, &wt, &wl);
		if (wl > 0.f && pose[1] != 0.f)
			body_turn(q, BODY_LEGS_PIVOT_X, BODY_LEGS_PIVOT_Y, pose[1] * wl);
		if (wt > 0.f && pose[0] != 0.f)
			body_turn(q, BODY_TRUNK_PIVOT_X, BODY_TRUNK_PIVOT_Y, -pose[0] * wt);
		float dx = q[0] - out[0], dy = q[1] - out[1];
		out[0] += 0.7f * dx, out[1] += 0.7f * dy;
		if (dx * dx + dy * dy < 1e-8f)
			break;
	}
}

#endif
