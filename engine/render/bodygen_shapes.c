/* The body's shapes as distance functions, and what each vertex carries (see bodygen.h). */
#include "bodygen_internal.h"

#include <string.h>

v3 bg_grad(const sdf *s, v3 p)
{
	const float e = 2.5e-4f;
	return norm(V(F(s, add(p, V(e, 0, 0))) - F(s, sub(p, V(e, 0, 0))), F(s, add(p, V(0, e, 0))) - F(s, sub(p, V(0, e, 0))),
	              F(s, add(p, V(0, 0, e))) - F(s, sub(p, V(0, 0, e)))));
}

/* Walks from c (inside) along d to the surface; returns false when c is outside (out = c). */
bool bg_ray_to_surface(const sdf *s, v3 c, v3 d, float rmax, v3 *out)
{
	float f0 = F(s, c);
	if (f0 >= 0.f) {
		*out = c;
		return false;
	}
	float r0 = 0.f, r1 = 0.f;
	for (int it = 0; it < 400; it++) {
		float f = F(s, add(c, scl(d, r1)));
		if (f >= 0.f || r1 >= rmax)
			break;
		r0 = r1;
		r1 += fmaxf(-f * 0.7f, 4e-4f);
	}
	if (r1 > rmax)
		r1 = rmax;
	for (int it = 0; it < 22; it++) {
		float m = 0.5f * (r0 + r1);
		if (F(s, add(c, scl(d, m))) < 0.f)
			r0 = m;
		else
			r1 = m;
	}
	*out = add(c, scl(d, 0.5f * (r0 + r1)));
	return true;
}

/* Newton steps onto the surface along the gradient */
v3 bg_project(const sdf *s, v3 p)
{
	for (int i = 0; i < 4; i++) {
		float f = F(s, p);
		if (fabsf(f) < 1e-6f)
			break;
		p = sub(p, scl(bg_grad(s, p), f));
	}
	return p;
}

/* ---- the body's shapes ------------------------------------------------------------------------------------ */

const v3 bg_eye_c[2] = {{BODY_EYE_X, BODY_EYE_Y, BODY_EYE_Z}, {BODY_EYE_X, BODY_EYE_Y, -BODY_EYE_Z}};

/* The trunk with the neck (one smooth shape: pelvis, abdomen, ribcage, shoulders, neck, larynx, clavicles). */
float bg_sd_torso(v3 p, const void *ctx)
{
	(void)ctx;
	float az = fabsf(p.z);
	v3 q = V(p.x, p.y, az); /* symmetric parts */
	float d = sd_ellipsoid(p, V(-0.01f, 0.100f, 0), V(0.13f, 0.100f, 0.168f));
	d = smin(d, sd_ellipsoid(q, V(-0.045f, 0.078f, 0.075f), V(0.11f, 0.078f, 0.092f)), 0.04f);
	d = smin(d, sd_ellipsoid(p, V(0.15f, 0.096f, 0), V(0.17f, 0.096f, 0.150f)), 0.06f);
	d = smin(d, sd_ellipsoid(p, V(0.33f, 0.110f, 0), V(0.20f, 0.110f, 0.160f)), 0.06f);
	d = smin(d, sd_ellipsoid(p, V(0.365f, 0.148f, 0), V(0.15f, 0.080f, 0.128f)), 0.05f);
	d = smin(d, sd_ellipsoid(q, V(0.405f, 0.168f, 0.075f), V(0.075f, 0.052f, 0.085f)), 0.04f);
	d = smin(d, sd_capsule(p, V(0.455f, 0.105f, -0.155f), V(0.455f, 0.105f, 0.155f), 0.068f, 0.068f), 0.05f);
	d = smin(d, sd_ellipsoid(q, V(0.458f, 0.112f, 0.180f), V(0.060f, 0.050f, 0.050f)), 0.035f);
	/* neck, its slope into the shoulders, the muscles that frame it */
	d = smin(d, sd_capsule(p, V(0.46f, 0.100f, 0), V(0.68f, 0.105f, 0), 0.058f, 0.052f), 0.05f);
	d = smin(d, sd_capsule(q, V(0.47f, 0.085f, 0.11f), V(0.575f, 0.090f, 0.02f), 0.04f, 0.03f), 0.04f);
	d = smin(d, sd_capsule(q, V(0.655f, 0.095f, 0.048f), V(0.512f, 0.142f, 0.016f), 0.013f, 0.012f), 0.015f);
	d = smin(d, sd_ellipsoid(p, V(0.578f, 0.158f, 0), V(0.020f, 0.012f, 0.013f)), 0.012f);
	d = smin(d, sd_capsule(q, V(0.505f, 0.150f, 0.022f), V(0.486f, 0.138f, 0.160f), 0.0105f, 0.0105f), 0.012f);
	/* the navel */
	d = smax(d, -sd_sphere(p, V(0.115f, 0.197f, 0), 0.007f), 0.006f);
	/* the back flattened on the table */
	d = smax(d, 0.004f - p.y, 0.02f);
	return d;
}

float bg_sd_head(v3 p, const void *ctx)
{
	(void)ctx;
	float l = fabsf(p.z);
	v3 q = V(p.x, p.y, l);
	float d = sd_ellipsoid(p, hp(0.020f, -0.005f, 0), V(0.105f, 0.100f, 0.077f));
	d = smin(d, sd_ellipsoid(p, hp(-0.045f, 0.030f, 0), V(0.075f, 0.068f, 0.058f)), 0.03f);
	d = smin(d, sd_capsule(q, hp(-0.070f, -0.020f, 0.056f), hp(-0.112f, 0.052f, 0.018f), 0.018f, 0.017f), 0.025f);
	d = smin(d, sd_sphere(p, hp(-0.113f, 0.066f, 0), 0.021f), 0.02f);
	d = smin(d, sd_sphere(q, hp(-0.012f, 0.060f, 0.047f), 0.022f), 0.02f);
	d = smin(d, sd_capsule(p, hp(0.036f, 0.076f, -0.036f), hp(0.036f, 0.076f, 0.036f), 0.018f, 0.018f), 0.02f);
	/* nose: bridge to tip, and the alae */
	d = smin(d, sd_capsule(p, hp(0.022f, 0.090f, 0), hp(-0.030f, 0.123f, 0), 0.0085f, 0.0115f), 0.012f);
	d = smin(d, sd_sphere(q, hp(-0.038f, 0.101f, 0.0125f), 0.0092f), 0.007f);
	/* under the nose down to the lip, filled: no undercut that rays from the head's centre could not reach */
	d = smin(d, sd_ellipsoid(p, hp(-0.047f, 0.104f, 0), V(0.012f, 0.011f, 0.012f)), 0.010f);
	/* lips and the line between them */
	d = smin(d, sd_capsule(p, hp(-0.058f, 0.097f, -0.021f), hp(-0.058f, 0.097f, 0.021f), 0.0072f, 0.0072f), 0.01f);
	d = smin(d, sd_capsule(p, hp(-0.072f, 0.093f, -0.018f), hp(-0.072f, 0.093f, 0.018f), 0.0082f, 0.0082f), 0.01f);
	d = smax(d, -sd_capsule(q, hp(-0.0655f, 0.106f, 0), hp(-0.0655f, 0.099f, 0.0245f), 0.0016f, 0.0012f), 0.002f);
	/* eye sockets */
	d = smax(d, -sd_ellipsoid(q, V(BODY_EYE_X + 0.001f, BODY_EYE_Y + 0.006f, BODY_EYE_Z + 0.002f), V(0.0150f, 0.0150f, 0.0175f)),
	         0.008f);
	/* ears */
	d = smin(d, sd_ellipsoid(q, hp(-0.010f, -0.012f, 0.078f), V(0.031f, 0.019f, 0.011f)), 0.008f);
	d = smax(d, -sd_sphere(q, hp(-0.014f, -0.006f, 0.092f), 0.0085f), 0.004f);
	return d;
}


float bg_sd_arm(v3 p, const void *ctx)
{
	float s = *(const float *)ctx;
	v3 sh = shoulder(s), el = elbow(s), wr = wrist(s);
	float d = sd_capsule(p, sh, el, 0.047f, 0.036f);
	d = smin(d, sd_capsule(p, el, wr, 0.038f, 0.025f), 0.03f);
	d = smin(d, sd_ellipsoid(p, add(lerp3(sh, el, 0.45f), V(0, 0.010f, 0)), V(0.09f, 0.038f, 0.040f)), 0.03f);
	d = smin(d, sd_ellipsoid(p, add(lerp3(el, wr, 0.25f), V(0, 0.006f, 0)), V(0.085f, 0.038f, 0.044f)), 0.03f);
	d = smin(d, sd_ellipsoid(p, add(wr, V(0.025f, 0, 0)), V(0.045f, 0.019f, 0.029f)), 0.02f);
	return smax(d, 0.003f - p.y, 0.01f);
}

float bg_sd_leg(v3 p, const void *ctx)
{
	float s = *(const float *)ctx;
	v3 hi = hip(s), kn = knee(s), an = ankle(s);
	float d = sd_capsule(p, hi, kn, 0.082f, 0.050f);
	d = smin(d, sd_ellipsoid(p, lerp3(hi, kn, 0.35f), V(0.20f, 0.075f, 0.078f)), 0.05f);
	d = smin(d, sd_sphere(p, add(kn, V(0, 0.006f, 0)), 0.052f), 0.03f);
	d = smin(d, sd_capsule(p, kn, an, 0.048f, 0.030f), 0.03f);
	d = smin(d, sd_ellipsoid(p, add(lerp3(kn, an, 0.28f), V(0, -0.008f, 0)), V(0.12f, 0.050f, 0.050f)), 0.04f);
	/* the kneecap */
	d = smin(d, sd_ellipsoid(p, add(kn, V(0.01f, 0.045f, 0)), V(0.028f, 0.012f, 0.025f)), 0.015f);
	return smax(d, 0.003f - p.y, 0.015f);
}

hand_frame bg_hand_of(float s)
{
	hand_frame h;
	h.s = s;
	h.o = wrist(s);
	h.a = norm(V(-1.f, -0.04f, 0.10f * s));
	h.b = V(0, 1, 0);
	h.b = norm(sub(h.b, scl(h.a, dot(h.b, h.a))));
	h.c = norm(scl(cross(h.a, h.b), -s)); /* thumb away from the body */
	return h;
}

static v3 hand_pt(const hand_frame *h, float a, float b, float c)
{
	return add(h->o, add(scl(h->a, a), add(scl(h->b, b), scl(h->c, c))));
}

/* a finger: three phalanges bending towards the palm side (+b) */
static float sd_finger(v3 p, const hand_frame *h, float c0, float length, float r, float spread, float curl)
{
	float ang = 0.f, a = 0.095f, b = 0.002f, c = c0;
	const float part[3] = {0.45f, 0.32f, 0.23f};
	float d = 1e9f;
	for (int k = 0; k < 3; k++) {
		ang += curl * (k == 0 ? 0.6f : 1.f);
		float la = length * part[k];
		float na = a + la * cosf(ang), nb = b + la * sinf(ang), nc = c + la * spread;
		float r1 = r * (k == 2 ? 0.78f : 0.92f - 0.05f * (float)k);
		d = fminf(d, sd_capsule(p, hand_pt(h, a, b, c), hand_pt(h, na, nb, nc), r * (1.f - 0.06f * (float)k), r1));
		a = na, b = nb, c = nc;
	}
	return d;
}

float bg_sd_hand(v3 p, const void *ctx)
{
	const hand_frame *h = ctx;
	float d = sd_capsule(p, hand_pt(h, -0.06f, 0, 0), hand_pt(h, 0.012f, 0, 0), 0.022f, 0.021f);
	d = smin(d, sd_ellipsoid(p, hand_pt(h, -0.02f, 0, 0), V(0.05f, 0.019f, 0.028f)), 0.01f);
	/* the palm: a rounded slab */
	float palm = 1e9f;
	for (int i = 0; i < 3; i++) {
		float c = -0.024f + 0.024f * (float)i;
		palm = smin(palm, sd_capsule(p, hand_pt(h, 0.018f, 0, c * 0.8f), hand_pt(h, 0.088f, 0.0f, c), 0.0145f, 0.013f),
		            0.02f);
	}
	d = smin(d, palm, 0.015f);
	d = smin(d, sd_ellipsoid(p, hand_pt(h, 0.032f, 0.009f, 0.022f), V(0.032f, 0.015f, 0.020f)), 0.012f);
	d = smin(d, sd_ellipsoid(p, hand_pt(h, 0.050f, 0.006f, -0.026f), V(0.035f, 0.012f, 0.014f)), 0.012f);
	/* fingers: index (thumb side) to little */
	float f = sd_finger(p, h, 0.0265f, 0.078f, 0.0093f, 0.05f, 0.20f);
	f = fminf(f, sd_finger(p, h, 0.0085f, 0.085f, 0.0096f, 0.0f, 0.22f));
	f = fminf(f, sd_finger(p, h, -0.0095f, 0.080f, 0.0090f, -0.05f, 0.24f));
	f = fminf(f, sd_finger(p, h, -0.0265f, 0.064f, 0.0080f, -0.12f, 0.28f));
	d = smin(d, f, 0.008f);
	/* the thumb, from the thenar eminence, turned towards the palm */
	v3 t0 = hand_pt(h, 0.018f, 0.006f, 0.030f), t1 = hand_pt(h, 0.052f, 0.018f, 0.052f);
	v3 t2 = hand_pt(h, 0.080f, 0.030f, 0.060f);
	d = smin(d, sd_capsule(p, t0, t1, 0.0125f, 0.0108f), 0.01f);
	d = smin(d, sd_capsule(p, t1, t2, 0.0106f, 0.0088f), 0.004f);
	return d;
}

foot_frame bg_foot_of(float s)
{
	foot_frame f;
	f.s = s;
	f.o = ankle(s);
	f.a = norm(V(-0.50f, 0.85f, 0.16f * s));
	f.b = norm(sub(V(1.f, 0.25f, 0), scl(f.a, dot(V(1.f, 0.25f, 0), f.a))));
	f.c = norm(scl(cross(f.a, f.b), -s));
	return f;
}

float bg_sd_foot(v3 p, const void *ctx)
{
	const foot_frame *f = ctx;
	v3 up = norm(sub(knee(f->s), ankle(f->s)));
	float d = sd_capsule(p, f->o, add(f->o, scl(up, 0.07f)), 0.032f, 0.033f);
	/* the rest in the foot's frame: a heel to toes, b the top of the foot, c to the little toe */
	v3 r = sub(p, f->o), q = V(dot(r, f->a), dot(r, f->b), dot(r, f->c));
	d = smin(d, sd_sphere(q, V(-0.035f, -0.030f, 0.0f), 0.031f), 0.03f);
	d = smin(d, sd_ellipsoid(q, V(0.050f, -0.022f, 0.004f), V(0.085f, 0.030f, 0.038f)), 0.03f);
	d = smin(d, sd_ellipsoid(q, V(0.130f, -0.028f, 0.008f), V(0.045f, 0.020f, 0.045f)), 0.03f);
	d = smin(d, sd_sphere(q, V(0.0f, -0.004f, 0.030f), 0.012f), 0.01f);
	d = smin(d, sd_sphere(q, V(0.003f, -0.004f, -0.027f), 0.012f), 0.01f);
	/* toes, the big toe on the inner side (-c) */
	const float tc[5] = {-0.028f, -0.008f, 0.009f, 0.025f, 0.039f}, tl[5] = {0.040f, 0.034f, 0.030f, 0.026f, 0.021f};
	const float tr[5] = {0.0120f, 0.0085f, 0.008f, 0.0075f, 0.007f};
	for (int i = 0; i < 5; i++) {
		float a0 = 0.155f - 0.009f * (float)i;
		d = smin(d, sd_capsule(q, V(a0, -0.026f, tc[i]), V(a0 + tl[i], -0.030f, tc[i] * 1.1f), tr[i], tr[i] * 0.85f),
		         0.006f);
	}
	return d;
}

/* ---- vertex attributes ------------------------------------------------------------------------------------ */

/* linear albedo of the skin (a light skin tone) and its features */
static const v3 SKIN = {0.58f, 0.37f, 0.27f};
static const v3 LIPS = {0.52f, 0.20f, 0.18f};
static const v3 BROW = {0.10f, 0.06f, 0.035f};
const v3 bg_hair = {0.075f, 0.045f, 0.028f};
static const v3 AREOLA = {0.38f, 0.20f, 0.15f};

/* The scalp's hair: 0 (skin) .. 1, from the head frame (hairline above the forehead, over the ears, the nape). */
float bg_hair_amount(v3 p)
{
	float u = p.x - HEAD_X, f = p.y - HEAD_Y, l = fabsf(p.z);
	float front = smoothstep(0.040f, 0.058f, u + 0.25f * fmaxf(f - 0.06f, 0.f) - 0.06f * fmaxf(l - 0.03f, 0.f));
	float side = smoothstep(-0.020f, 0.015f, u) * smoothstep(0.072f, 0.05f, f + 0.012f);
	float back = smoothstep(0.02f, -0.02f, f) * smoothstep(-0.07f, -0.045f, u);
	float around_ear = 1.f - smoothstep(0.010f, 0.026f, sqrtf((u + 0.01f) * (u + 0.01f) + (f + 0.012f) * (f + 0.012f))) *
	                             smoothstep(0.06f, 0.07f, l);
	return clampf(fmaxf(front, fmaxf(side, back)), 0.f, 1.f) * clampf(around_ear + (1.f - smoothstep(0.06f, 0.074f, l)), 0, 1);
}

static float chest_weight(v3 p)
{
	return smoothstep(0.17f, 0.27f, p.x) * (1.f - smoothstep(0.47f, 0.56f, p.x)) * smoothstep(0.02f, 0.10f, p.y);
}

static float sternum_weight(v3 p)
{
	float dx = p.x - BODY_CPR_X, dz = p.z - BODY_CPR_Z, r2 = dx * dx + dz * dz;
	float w = fmaxf(expf(-r2 / (0.075f * 0.075f)), 0.55f * expf(-r2 / (0.17f * 0.17f)));
	return w * smoothstep(0.05f, 0.15f, p.y);
}

void bg_attrs(body_vertex *o, region rg, v3 p, uint32_t color)
{
	float wl = 0, wr = 0, wab = 0, whead = 0, wst = 0, wvein = 0, wtr = 0, wlid = 0;
	float wlips = 0, wacral = 0, wflush = 0, wbag = 0;
	bool trunk = rg == R_TORSO || rg == R_GOWN || rg == R_ON_CHEST;
	if (trunk) {
		float c = chest_weight(p), side = smoothstep(-0.035f, 0.035f, p.z);
		wl = c * side;
		wr = c * (1.f - side);
		wab = smoothstep(-0.06f, 0.06f, p.x) * (1.f - smoothstep(0.16f, 0.27f, p.x)) * smoothstep(0.06f, 0.15f, p.y);
		wst = sternum_weight(p);
		whead = smoothstep(0.60f, 0.675f, p.x);
	}
	if (rg == R_TORSO) {
		/* the trachea and larynx: the front of the lower neck */
		wtr = smoothstep(0.49f, 0.53f, p.x) * (1.f - smoothstep(0.60f, 0.65f, p.x)) * expf(-p.z * p.z / (0.028f * 0.028f)) *
		      smoothstep(0.10f, 0.14f, p.y);
		wflush = p.x > 0.36f ? smoothstep(0.36f, 0.46f, p.x) * smoothstep(0.08f, 0.15f, p.y) : 0.f;
		wflush = fmaxf(wflush, smoothstep(0.50f, 0.56f, p.x));
	}
	if (rg == R_HEAD || rg == R_EYE || rg == R_LID_UP || rg == R_LID_LOW || rg == R_ON_HEAD || rg == R_BAG ||
	    rg == R_HAIR)
		whead = 1.f;
	if (rg == R_HEAD || rg == R_LID_UP || rg == R_LID_LOW) {
		float u = p.x - HEAD_X, f = p.y - HEAD_Y;
		float dm = sqrtf((u + 0.065f) * (u + 0.065f) + p.z * p.z * 0.6f);
		wlips = f > 0.06f ? 1.f - smoothstep(0.012f, 0.032f, dm) : 0.f;
		wflush = smoothstep(-0.02f, 0.05f, f) * (1.f - bg_hair_amount(p));
		wacral = 0.6f * smoothstep(0.065f, 0.08f, fabsf(p.z)) + 0.4f * smoothstep(0.11f, 0.125f, f);
	}
	if (rg == R_HAND) {
		float s = p.z > 0 ? 1.f : -1.f;
		hand_frame h = bg_hand_of(s);
		wacral = smoothstep(0.075f, 0.13f, dot(sub(p, h.o), h.a));
	}
	if (rg == R_FOOT) {
		float s = p.z > 0 ? 1.f : -1.f;
		foot_frame f = bg_foot_of(s);
		wacral = smoothstep(0.10f, 0.18f, dot(sub(p, f.o), f.a));
	}
	if (rg == R_VEIN)
		wvein = 1.f;
	if (rg == R_LID_UP)
		wlid = 1.f;
	if (rg == R_BAG)
		wbag = 1.f;
	if (rg == R_FIXED)
		whead = 0.f;
	memcpy(o->pos, &p, sizeof o->pos);
	o->color = color;
	o->wa = pack4(wl, wr, wab, whead);
	o->wb = pack4(wst, wvein, wtr, wlid);
	o->wc = pack4(wlips, wacral, wflush, wbag);
}

/* the skin's colour at a point of a region */
uint32_t bg_skin_color(region rg, v3 p)
{
	v3 c = SKIN;
	if (rg == R_HEAD) {
		float u = p.x - HEAD_X, f = p.y - HEAD_Y, l = fabsf(p.z);
		/* lips */
		float lu = (u + 0.065f) / 0.0135f, ll = l / 0.026f;
		float lip = (f > 0.08f) ? 1.f - smoothstep(0.75f, 1.05f, sqrtf(lu * lu + ll * ll)) : 0.f;
		c = lerp3(c, LIPS, lip);
		/* eyebrows: an arch above each eye */
		float bu = u - (0.029f - 9.f * (l - 0.034f) * (l - 0.034f)), bl = (l - 0.034f) / 0.024f;
		float brow = (f > 0.06f) ? (1.f - smoothstep(0.0035f, 0.0065f, fabsf(bu))) * (1.f - smoothstep(0.8f, 1.05f, fabsf(bl)))
		                         : 0.f;
		c = lerp3(c, BROW, brow * 0.9f);
		/* cheeks a little warmer, the scalp's hair */
		float cheek = expf(-((u + 0.02f) * (u + 0.02f) + (l - 0.045f) * (l - 0.045f)) / (0.02f * 0.02f)) * (f > 0.04f);
		c = lerp3(c, V(0.60f, 0.32f, 0.25f), 0.35f * cheek);
		c = lerp3(c, bg_hair, bg_hair_amount(p));
	}
	if (rg == R_TORSO) {
		for (int s = -1; s <= 1; s += 2) {
			float dx = p.x - 0.338f, dz = p.z - 0.094f * (float)s;
			float a = 1.f - smoothstep(0.011f, 0.016f, sqrtf(dx * dx + dz * dz));
			c = lerp3(c, AREOLA, a * (p.y > 0.15f));
		}
	}
	if (rg == R_HAND || rg == R_FOOT) /* palms and soles paler */
		c = lerp3(c, V(0.62f, 0.42f, 0.34f), 0.3f);
	if (rg == R_LID_LOW || rg == R_LID_UP)
		c = lerp3(c, V(0.55f, 0.33f, 0.26f), 0.3f);
	return rgbm(c.x, c.y, c.z, BODY_MAT_SKIN);
}
