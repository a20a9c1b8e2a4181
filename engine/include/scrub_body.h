/* Landmarks of the patient's body (engine/render/bodygen.c), in the body frame: metres, +X towards the head, +Y up
 * (the patient lies supine on y = 0, the table top), +Z the patient's left, the origin on the midline at the level of
 * the hip joints. The renderer's shaders, the scene (engine/app/scene_from_sim.c) and the care given with the hands
 * (engine/app/care_input.c) share them. */
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
#define BODY_FOREHEAD_X 0.783f       /* where a hand tilts the head */
#define BODY_FOREHEAD_Y 0.186f

#include "scrub_render.h"

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

#endif
