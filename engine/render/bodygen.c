/* The patient's body and what care puts on it, meshed from distance fields at start-up (see bodygen.h). */
#include "bodygen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI_F 3.14159265358979f

/* ---- vectors ---------------------------------------------------------------------------------------------- */

typedef struct v3 {
	float x, y, z;
} v3;

static v3 V(float x, float y, float z) { return (v3){x, y, z}; }
static v3 add(v3 a, v3 b) { return V(a.x + b.x, a.y + b.y, a.z + b.z); }
static v3 sub(v3 a, v3 b) { return V(a.x - b.x, a.y - b.y, a.z - b.z); }
static v3 scl(v3 a, float s) { return V(a.x * s, a.y * s, a.z * s); }
static float dot(v3 a, v3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static v3 cross(v3 a, v3 b) { return V(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x); }
static float len(v3 a) { return sqrtf(dot(a, a)); }
static v3 norm(v3 a)
{
	float l = len(a);
	return l > 1e-12f ? scl(a, 1.f / l) : V(0, 1, 0);
}
static v3 lerp3(v3 a, v3 b, float t) { return add(a, scl(sub(b, a), t)); }
static float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }
static float smoothstep(float e0, float e1, float x)
{
	float t = clampf((x - e0) / (e1 - e0), 0.f, 1.f);
	return t * t * (3.f - 2.f * t);
}
static float mixf(float a, float b, float t) { return a + (b - a) * t; }

/* ---- distance functions ----------------------------------------------------------------------------------- */

static float sd_ellipsoid(v3 p, v3 c, v3 r)
{
	v3 q = V((p.x - c.x) / r.x, (p.y - c.y) / r.y, (p.z - c.z) / r.z);
	float k0 = len(q);
	float k1 = len(V(q.x / r.x, q.y / r.y, q.z / r.z));
	return k1 > 1e-9f ? k0 * (k0 - 1.f) / k1 : -fminf(r.x, fminf(r.y, r.z));
}

static float sd_sphere(v3 p, v3 c, float r) { return len(sub(p, c)) - r; }

/* a capsule whose radius goes from ra at a to rb at b */
static float sd_capsule(v3 p, v3 a, v3 b, float ra, float rb)
{
	v3 ab = sub(b, a), ap = sub(p, a);
	float t = clampf(dot(ap, ab) / fmaxf(dot(ab, ab), 1e-12f), 0.f, 1.f);
	return len(sub(ap, scl(ab, t))) - mixf(ra, rb, t);
}

static float smin(float a, float b, float k)
{
	float h = fmaxf(k - fabsf(a - b), 0.f) / k;
	return fminf(a, b) - h * h * k * 0.25f;
}
static float smax(float a, float b, float k) { return -smin(-a, -b, k); }

typedef float (*sdf_fn)(v3 p, const void *ctx);

typedef struct sdf {
	sdf_fn f;
	const void *ctx;
	float offset;  /* the surface offset outwards (a gown over the skin) */
} sdf;

static float F(const sdf *s, v3 p) { return s->f(p, s->ctx) - s->offset; }

static v3 grad(const sdf *s, v3 p)
{
	const float e = 2.5e-4f;
	return norm(V(F(s, add(p, V(e, 0, 0))) - F(s, sub(p, V(e, 0, 0))), F(s, add(p, V(0, e, 0))) - F(s, sub(p, V(0, e, 0))),
	              F(s, add(p, V(0, 0, e))) - F(s, sub(p, V(0, 0, e)))));
}

/* Walks from c (inside) along d to the surface; returns false when c is outside (out = c). */
static bool ray_to_surface(const sdf *s, v3 c, v3 d, float rmax, v3 *out)
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
static v3 project(const sdf *s, v3 p)
{
	for (int i = 0; i < 4; i++) {
		float f = F(s, p);
		if (fabsf(f) < 1e-6f)
			break;
		p = sub(p, scl(grad(s, p), f));
	}
	return p;
}

/* ---- the body's shapes ------------------------------------------------------------------------------------ */

/* Head frame: the head's centre; u = +X (crown), f = +Y (face), l = +Z (left). */
#define HEAD_X 0.718f
#define HEAD_Y 0.100f

static v3 hp(float u, float f, float l) { return V(HEAD_X + u, HEAD_Y + f, l); }

static const v3 eye_c[2] = {{BODY_EYE_X, BODY_EYE_Y, BODY_EYE_Z}, {BODY_EYE_X, BODY_EYE_Y, -BODY_EYE_Z}};

/* The trunk with the neck (one smooth shape: pelvis, abdomen, ribcage, shoulders, neck, larynx, clavicles). */
static float sd_torso(v3 p, const void *ctx)
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

static float sd_head(v3 p, const void *ctx)
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

/* arm / leg joints, per side (s = +1 left, -1 right) */
static v3 shoulder(float s) { return V(0.462f, 0.106f, 0.180f * s); }
static v3 elbow(float s) { return V(0.170f, 0.080f, 0.245f * s); }
static v3 wrist(float s) { return V(-0.072f, 0.062f, 0.262f * s); }
static v3 hip(float s) { return V(0.0f, 0.090f, 0.092f * s); }
static v3 knee(float s) { return V(-0.450f, 0.072f, 0.100f * s); }
static v3 ankle(float s) { return V(-0.868f, 0.062f, 0.108f * s); }

static float sd_arm(v3 p, const void *ctx)
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

static float sd_leg(v3 p, const void *ctx)
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

/* A hand, palm up, in its own frame: a along the hand (to the fingertips), b out of the palm, c to the thumb. */
typedef struct hand_frame {
	v3 o, a, b, c;
	float s;
} hand_frame;

static hand_frame hand_of(float s)
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

static float sd_hand(v3 p, const void *ctx)
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

/* A foot of a supine patient: toes up, a little turned out. */
typedef struct foot_frame {
	v3 o, a, b, c; /* a heel to toes, b the top of the foot, c to the little toe */
	float s;
} foot_frame;

static foot_frame foot_of(float s)
{
	foot_frame f;
	f.s = s;
	f.o = ankle(s);
	f.a = norm(V(-0.50f, 0.85f, 0.16f * s));
	f.b = norm(sub(V(1.f, 0.25f, 0), scl(f.a, dot(V(1.f, 0.25f, 0), f.a))));
	f.c = norm(scl(cross(f.a, f.b), -s));
	return f;
}

static float sd_foot(v3 p, const void *ctx)
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

/* What a vertex belongs to: decides its weights and colour. */
typedef enum region {
	R_TORSO, R_HEAD, R_ARM, R_HAND, R_LEG, R_FOOT, R_EYE, R_LID_UP, R_LID_LOW, R_VEIN,
	R_GOWN,         /* cloth over the trunk: moves as the chest does */
	R_ON_CHEST,     /* things stuck to the chest: pads, drains */
	R_ON_HEAD,      /* masks, airways: move with the head */
	R_BAG,          /* the bag of a bag-valve-mask: squeezed, moves with the head */
	R_FIXED,        /* lines and cables away from the body */
	R_HAIR,         /* long hair: moves with the head */
} region;

static uint32_t pack4(float a, float b, float c, float d)
{
	uint32_t r = (uint32_t)lrintf(clampf(a, 0, 1) * 255.f), g = (uint32_t)lrintf(clampf(b, 0, 1) * 255.f);
	uint32_t bb = (uint32_t)lrintf(clampf(c, 0, 1) * 255.f), aa = (uint32_t)lrintf(clampf(d, 0, 1) * 255.f);
	return r | g << 8 | bb << 16 | aa << 24;
}

static uint32_t rgbm(float r, float g, float b, int mat) { return pack4(r, g, b, 0) | (uint32_t)mat << 24; }

/* linear albedo of the skin (a light skin tone) and its features */
static const v3 SKIN = {0.58f, 0.37f, 0.27f};
static const v3 LIPS = {0.52f, 0.20f, 0.18f};
static const v3 BROW = {0.10f, 0.06f, 0.035f};
static const v3 HAIR = {0.075f, 0.045f, 0.028f};
static const v3 AREOLA = {0.38f, 0.20f, 0.15f};

/* The scalp's hair: 0 (skin) .. 1, from the head frame (hairline above the forehead, over the ears, the nape). */
static float hair_amount(v3 p)
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

static void attrs(body_vertex *o, region rg, v3 p, uint32_t color)
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
		wflush = smoothstep(-0.02f, 0.05f, f) * (1.f - hair_amount(p));
		wacral = 0.6f * smoothstep(0.065f, 0.08f, fabsf(p.z)) + 0.4f * smoothstep(0.11f, 0.125f, f);
	}
	if (rg == R_HAND) {
		float s = p.z > 0 ? 1.f : -1.f;
		hand_frame h = hand_of(s);
		wacral = smoothstep(0.075f, 0.13f, dot(sub(p, h.o), h.a));
	}
	if (rg == R_FOOT) {
		float s = p.z > 0 ? 1.f : -1.f;
		foot_frame f = foot_of(s);
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
static uint32_t skin_color(region rg, v3 p)
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
		c = lerp3(c, HAIR, hair_amount(p));
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

/* ---- mesh building ---------------------------------------------------------------------------------------- */

void bodygen_init(bodygen *bg) { memset(bg, 0, sizeof *bg); }

void bodygen_fini(bodygen *bg)
{
	free(bg->v);
	free(bg->idx);
	memset(bg, 0, sizeof *bg);
}

static bool reserve(bodygen *bg, uint32_t nv, uint32_t ni)
{
	if (bg->failed)
		return false;
	if (bg->vcount + nv > bg->vcap) {
		uint32_t cap = bg->vcap ? bg->vcap : 4096;
		while (cap < bg->vcount + nv)
			cap *= 2;
		body_vertex *v = realloc(bg->v, cap * sizeof *v);
		if (!v) {
			bg->failed = true;
			return false;
		}
		bg->v = v;
		bg->vcap = cap;
	}
	if (bg->icount + ni > bg->icap) {
		uint32_t cap = bg->icap ? bg->icap : 8192;
		while (cap < bg->icount + ni)
			cap *= 2;
		uint32_t *ix = realloc(bg->idx, cap * sizeof *ix);
		if (!ix) {
			bg->failed = true;
			return false;
		}
		bg->idx = ix;
		bg->icap = cap;
	}
	return true;
}

typedef uint32_t (*color_fn)(region rg, v3 p, const void *ctx);

static uint32_t color_skin(region rg, v3 p, const void *ctx)
{
	(void)ctx;
	return skin_color(rg, p);
}

static uint32_t color_fixed(region rg, v3 p, const void *ctx)
{
	(void)rg;
	(void)p;
	return *(const uint32_t *)ctx;
}

static uint32_t vert(bodygen *bg, region rg, v3 p, v3 n, uint32_t color)
{
	body_vertex *o = &bg->v[bg->vcount];
	attrs(o, rg, p, color);
	n = norm(n);
	memcpy(o->normal, &n, sizeof o->normal);
	return bg->vcount++;
}

static v3 vpos(const bodygen *bg, uint32_t i) { return V(bg->v[i].pos[0], bg->v[i].pos[1], bg->v[i].pos[2]); }
static v3 vnrm(const bodygen *bg, uint32_t i) { return V(bg->v[i].normal[0], bg->v[i].normal[1], bg->v[i].normal[2]); }

/* A triangle wound counter-clockwise seen from the side its vertices' normals point to; degenerate ones dropped. */
static void tri(bodygen *bg, uint32_t a, uint32_t b, uint32_t c)
{
	v3 pa = vpos(bg, a), pb = vpos(bg, b), pc = vpos(bg, c);
	v3 g = cross(sub(pb, pa), sub(pc, pa));
	if (dot(g, g) < 1e-16f)
		return;
	v3 n = add(vnrm(bg, a), add(vnrm(bg, b), vnrm(bg, c)));
	bg->idx[bg->icount++] = a;
	if (dot(g, n) >= 0.f) {
		bg->idx[bg->icount++] = b;
		bg->idx[bg->icount++] = c;
	} else {
		bg->idx[bg->icount++] = c;
		bg->idx[bg->icount++] = b;
	}
}

static void quad(bodygen *bg, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	/* split along the shorter diagonal */
	if (len(sub(vpos(bg, a), vpos(bg, c))) <= len(sub(vpos(bg, b), vpos(bg, d)))) {
		tri(bg, a, b, c);
		tri(bg, a, c, d);
	} else {
		tri(bg, a, b, d);
		tri(bg, b, c, d);
	}
}

/* a triangle in the given winding (degenerate ones dropped) */
static void tri_fixed(bodygen *bg, uint32_t a, uint32_t b, uint32_t c, bool flip)
{
	v3 pa = vpos(bg, a), g = cross(sub(vpos(bg, b), pa), sub(vpos(bg, c), pa));
	if (dot(g, g) < 1e-16f)
		return;
	bg->idx[bg->icount++] = a;
	bg->idx[bg->icount++] = flip ? c : b;
	bg->idx[bg->icount++] = flip ? b : c;
}

/* A grid of nu x nv vertices (closed in u when wrap) made into quads; `keep` (may be NULL) drops quads. A grid is a
 * parametric surface: one winding for all of it, the one most of its quads' normals agree with (a triangle oriented
 * alone by its vertices' normals can turn inside out where the surface bends sharply, the tip of the nose). */
static void grid_quads(bodygen *bg, uint32_t base, uint32_t nu, uint32_t nv, bool wrap, const bool *keep)
{
	uint32_t cu = wrap ? nu : nu - 1;
	double vote = 0;
	for (uint32_t j = 0; j + 1 < nv; j++)
		for (uint32_t i = 0; i < cu; i++) {
			uint32_t i1 = (i + 1) % nu, a = base + j * nu + i, b = base + j * nu + i1, c = base + (j + 1) * nu + i1;
			v3 g = cross(sub(vpos(bg, b), vpos(bg, a)), sub(vpos(bg, c), vpos(bg, a)));
			vote += dot(g, add(vnrm(bg, a), add(vnrm(bg, b), vnrm(bg, c)))) > 0 ? 1 : -1;
		}
	bool flip = vote < 0;
	for (uint32_t j = 0; j + 1 < nv; j++)
		for (uint32_t i = 0; i < cu; i++) {
			uint32_t i1 = (i + 1) % nu;
			if (keep && !(keep[j * nu + i] && keep[j * nu + i1] && keep[(j + 1) * nu + i] && keep[(j + 1) * nu + i1]))
				continue;
			uint32_t a = base + j * nu + i, b = base + j * nu + i1, c = base + (j + 1) * nu + i1, d = base + (j + 1) * nu + i;
			if (len(sub(vpos(bg, a), vpos(bg, c))) <= len(sub(vpos(bg, b), vpos(bg, d)))) {
				tri_fixed(bg, a, b, c, flip);
				tri_fixed(bg, a, c, d, flip);
			} else {
				tri_fixed(bg, a, b, d, flip);
				tri_fixed(bg, b, c, d, flip);
			}
		}
}

/* A loft along a smooth axis through `pts`: rings of `nang` rays perpendicular to the axis, cast to the surface of s.
 * t0..t1 is the part of the axis used (0..1 by arc length). */
static void loft(bodygen *bg, region rg, const sdf *s, const v3 *pts, int npts, float t0, float t1, uint32_t nring,
                 uint32_t nang, color_fn col, const void *cctx)
{
	if (!reserve(bg, nring * nang, (nring - 1) * nang * 6))
		return;
	/* the axis as a polyline with arc lengths */
	float acc[16] = {0};
	for (int i = 1; i < npts; i++)
		acc[i] = acc[i - 1] + len(sub(pts[i], pts[i - 1]));
	float total = acc[npts - 1];
	uint32_t base = bg->vcount;
	v3 prev_n1 = V(0, 1, 0);
	for (uint32_t r = 0; r < nring; r++) {
		float t = t0 + (t1 - t0) * (float)r / (float)(nring - 1);
		float at = t * total;
		int k = 0;
		while (k < npts - 2 && acc[k + 1] < at)
			k++;
		float seg = acc[k + 1] - acc[k], u = seg > 0 ? (at - acc[k]) / seg : 0.f;
		v3 c = lerp3(pts[k], pts[k + 1], u);
		/* the tangent blends across joints so that rings do not cross */
		v3 tk = norm(sub(pts[k + 1], pts[k]));
		v3 tan = tk;
		const float blend = 0.05f;
		if (k > 0 && at - acc[k] < blend)
			tan = norm(lerp3(norm(sub(pts[k], pts[k - 1])), tk, 0.5f + 0.5f * (at - acc[k]) / blend));
		if (k + 2 < npts && acc[k + 1] - at < blend)
			tan = norm(lerp3(norm(sub(pts[k + 2], pts[k + 1])), tk, 0.5f + 0.5f * (acc[k + 1] - at) / blend));
		/* a frame that turns as little as it can: n1 starts pointing up (+Y) */
		v3 n1 = norm(sub(prev_n1, scl(tan, dot(prev_n1, tan))));
		v3 n2 = cross(tan, n1);
		prev_n1 = n1;
		for (uint32_t a = 0; a < nang; a++) {
			float ang = 2.f * PI_F * (float)a / (float)nang;
			v3 d = add(scl(n1, cosf(ang)), scl(n2, sinf(ang)));
			v3 p;
			bool hit = ray_to_surface(s, c, d, 0.4f, &p);
			v3 n = hit ? grad(s, p) : tan;
			vert(bg, rg, p, n, col(rg, p, cctx));
		}
	}
	grid_quads(bg, base, nang, nring, true, NULL);
}

/* A mesh around a centre: directions on a sphere with its poles along `pole`, cast to the surface of s; `keep` is
 * asked per vertex (NULL: everything). */
typedef bool (*keep_fn)(v3 p, const void *ctx);

/* Where a radial mesh puts more samples: latitudes lat_lo..lat_hi and longitudes within lon_half of the front get
 * (1 + gain) times the density (the face of the head). */
typedef struct radial_focus {
	float lat_lo, lat_hi, lon_half, gain;
} radial_focus;

/* n angles from a0 to a1 (n >= 2) spaced by the inverse of a density that is 1 + gain inside [lo, hi] */
static void warp_angles(float a0, float a1, float lo, float hi, float gain, uint32_t n, float *out, bool wrap)
{
	enum { FINE = 2048 };
	float cdf[FINE + 1];
	cdf[0] = 0;
	for (int i = 1; i <= FINE; i++) {
		float a = a0 + (a1 - a0) * ((float)i - 0.5f) / FINE;
		float in = smoothstep(lo - 0.12f, lo + 0.05f, a) * (1.f - smoothstep(hi - 0.05f, hi + 0.12f, a));
		cdf[i] = cdf[i - 1] + 1.f + gain * in;
	}
	uint32_t last = wrap ? n : n - 1;
	for (uint32_t k = 0, i = 0; k < n; k++) {
		float target = cdf[FINE] * (float)k / (float)last;
		while (i < FINE && cdf[i + 1] < target)
			i++;
		float f = cdf[i + 1] > cdf[i] ? (target - cdf[i]) / (cdf[i + 1] - cdf[i]) : 0.f;
		out[k] = a0 + (a1 - a0) * ((float)i + clampf(f, 0.f, 1.f)) / FINE;
	}
}

static void radial(bodygen *bg, region rg, const sdf *s, v3 c, v3 pole, v3 front, uint32_t nlon, uint32_t nlat,
                   float lat0, float lat1, const radial_focus *focus, color_fn col, const void *cctx, keep_fn keep,
                   const void *kctx)
{
	if (!reserve(bg, nlon * nlat, nlon * (nlat - 1) * 6))
		return;
	v3 e2 = norm(cross(pole, front)), e1 = cross(e2, pole);
	uint32_t base = bg->vcount;
	bool *kept = keep ? malloc(nlon * nlat) : NULL;
	float *lats = malloc(nlat * sizeof *lats), *lons = malloc(nlon * sizeof *lons);
	if ((keep && !kept) || !lats || !lons) {
		free(kept);
		free(lats);
		free(lons);
		bg->failed = true;
		return;
	}
	radial_focus none = {0, 0, 0, 0};
	const radial_focus *fo = focus ? focus : &none;
	warp_angles(lat0, lat1, fo->lat_lo, fo->lat_hi, fo->gain, nlat, lats, false);
	warp_angles(-PI_F, PI_F, -fo->lon_half, fo->lon_half, fo->gain, nlon, lons, true);
	for (uint32_t j = 0; j < nlat; j++) {
		float lat = lats[j];
		for (uint32_t i = 0; i < nlon; i++) {
			float lon = lons[i];
			v3 d = add(scl(pole, sinf(lat)), scl(add(scl(e1, cosf(lon)), scl(e2, sinf(lon))), cosf(lat)));
			v3 p;
			ray_to_surface(s, c, d, 0.4f, &p);
			vert(bg, rg, p, grad(s, p), col(rg, p, cctx));
			if (kept)
				kept[j * nlon + i] = keep(p, kctx);
		}
	}
	grid_quads(bg, base, nlon, nlat, true, kept);
	free(kept);
	free(lats);
	free(lons);
}

/* Surface nets: the zero set of s inside the box lo..hi at spacing h (closed surfaces; open where the box cuts).
 * Sparse: the field is evaluated only in blocks of cells that the surface may cross. */
typedef struct nets {
	const sdf *s;
	v3 lo;
	float h;
	int nx, ny, nz;
	float *val;
	uint32_t *cell;
	uint8_t *block;  /* per block of NB^3 cells: 1 when the surface may cross it */
	int bx, by, bz;
} nets;

#define NETS_B 6
#define NIDX(n, i, j, k) (((size_t)(k) * (size_t)(n)->ny + (size_t)(j)) * (size_t)(n)->nx + (size_t)(i))

static float nets_val(nets *n, int i, int j, int k)
{
	float *v = &n->val[NIDX(n, i, j, k)];
	if (isnan(*v))
		*v = F(n->s, V(n->lo.x + n->h * (float)i, n->lo.y + n->h * (float)j, n->lo.z + n->h * (float)k));
	return *v;
}

static bool nets_live(const nets *n, int i, int j, int k)
{
	return n->block[((size_t)(k / NETS_B) * (size_t)n->by + (size_t)(j / NETS_B)) * (size_t)n->bx + (size_t)(i / NETS_B)];
}

static void surface_nets(bodygen *bg, region rg, const sdf *s, v3 lo, v3 hi, float h, color_fn col, const void *cctx)
{
	nets n = {.s = s, .lo = lo, .h = h};
	n.nx = (int)ceilf((hi.x - lo.x) / h) + 1, n.ny = (int)ceilf((hi.y - lo.y) / h) + 1;
	n.nz = (int)ceilf((hi.z - lo.z) / h) + 1;
	n.bx = (n.nx + NETS_B - 1) / NETS_B, n.by = (n.ny + NETS_B - 1) / NETS_B, n.bz = (n.nz + NETS_B - 1) / NETS_B;
	size_t count = (size_t)n.nx * (size_t)n.ny * (size_t)n.nz;
	n.val = malloc(count * sizeof *n.val);
	n.cell = malloc(count * sizeof *n.cell);
	n.block = malloc((size_t)n.bx * (size_t)n.by * (size_t)n.bz);
	if (!n.val || !n.cell || !n.block) {
		bg->failed = true;
		goto out;
	}
	for (size_t i = 0; i < count; i++)
		n.val[i] = NAN, n.cell[i] = UINT32_MAX;
	/* a block is live when the field at its centre is within its half-diagonal (with a margin: the field is only
	 * close to a distance) */
	const float reach = 0.5f * 1.7320508f * h * NETS_B * 1.6f + h;
	for (int k = 0; k < n.bz; k++)
		for (int j = 0; j < n.by; j++)
			for (int i = 0; i < n.bx; i++) {
				v3 c = add(lo, scl(V(((float)i + 0.5f) * NETS_B, ((float)j + 0.5f) * NETS_B, ((float)k + 0.5f) * NETS_B), h));
				n.block[((size_t)k * (size_t)n.by + (size_t)j) * (size_t)n.bx + (size_t)i] = fabsf(F(s, c)) < reach;
			}
	/* one vertex per cell the surface crosses: the mean of its edge crossings, projected onto the surface */
	static const int corner[8][3] = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {0, 0, 1}, {1, 0, 1}, {0, 1, 1}, {1, 1, 1}};
	static const int edge[12][2] = {{0, 1}, {2, 3}, {4, 5}, {6, 7}, {0, 2}, {1, 3}, {4, 6}, {5, 7}, {0, 4}, {1, 5}, {2, 6}, {3, 7}};
	for (int k = 0; k + 1 < n.nz; k++)
		for (int j = 0; j + 1 < n.ny; j++)
			for (int i = 0; i + 1 < n.nx; i++) {
				if (!nets_live(&n, i, j, k))
					continue;
				float cv[8];
				int inside = 0;
				for (int c = 0; c < 8; c++) {
					cv[c] = nets_val(&n, i + corner[c][0], j + corner[c][1], k + corner[c][2]);
					inside += cv[c] < 0.f;
				}
				if (inside == 0 || inside == 8)
					continue;
				v3 sum = V(0, 0, 0);
				int m = 0;
				for (int e = 0; e < 12; e++) {
					float a = cv[edge[e][0]], b = cv[edge[e][1]];
					if ((a < 0.f) == (b < 0.f))
						continue;
					float t = a / (a - b);
					const int *ca = corner[edge[e][0]], *cb = corner[edge[e][1]];
					sum = add(sum, V((float)i + mixf((float)ca[0], (float)cb[0], t), (float)j + mixf((float)ca[1], (float)cb[1], t),
					                 (float)k + mixf((float)ca[2], (float)cb[2], t)));
					m++;
				}
				v3 p = project(s, add(lo, scl(sum, h / (float)m)));
				if (!reserve(bg, 1, 0))
					goto out;
				n.cell[NIDX(&n, i, j, k)] = vert(bg, rg, p, grad(s, p), col(rg, p, cctx));
			}
	/* a quad around every grid edge the surface crosses: the four cells that share the edge */
	for (int k = 1; k + 1 < n.nz; k++)
		for (int j = 1; j + 1 < n.ny; j++)
			for (int i = 1; i + 1 < n.nx; i++) {
				if (!nets_live(&n, i, j, k))
					continue;
				float v0 = nets_val(&n, i, j, k);
				const int dir[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
				for (int d = 0; d < 3; d++) {
					float v1 = nets_val(&n, i + dir[d][0], j + dir[d][1], k + dir[d][2]);
					if ((v0 < 0.f) == (v1 < 0.f))
						continue;
					int a1 = (d + 1) % 3, a2 = (d + 2) % 3;
					uint32_t vv[4];
					bool ok = true;
					for (int q = 0; q < 4 && ok; q++) {
						int c3[3] = {i, j, k};
						c3[a1] += (q == 1 || q == 2) ? 0 : -1;
						c3[a2] += q >= 2 ? 0 : -1;
						vv[q] = n.cell[NIDX(&n, c3[0], c3[1], c3[2])];
						ok = vv[q] != UINT32_MAX;
					}
					if (ok && reserve(bg, 0, 6))
						quad(bg, vv[0], vv[1], vv[2], vv[3]);
				}
			}
out:
	free(n.val);
	free(n.cell);
	free(n.block);
}

/* ---- the skin ----------------------------------------------------------------------------------------------- */

static const uint32_t lod_div[BODY_LODS] = {1, 2};

static void build_trunk(bodygen *bg, uint32_t lod, float offset, region rg, color_fn col, const void *cctx)
{
	sdf s = {sd_torso, NULL, offset};
	const v3 axis[2] = {{-0.17f, 0.095f, 0}, {0.665f, 0.100f, 0}};
	loft(bg, rg, &s, axis, 2, 0.f, 1.f, lod ? 40 : 84, lod ? 30 : 64, col, cctx);
}

static void build_limbs(bodygen *bg, uint32_t lod)
{
	for (int si = 0; si < 2; si++) {
		float s = si ? 1.f : -1.f;
		sdf arm = {sd_arm, &s, 0};
		v3 wr = wrist(s);
		const v3 apts[4] = {shoulder(s), elbow(s), wr, add(wr, scl(norm(sub(wr, elbow(s))), 0.03f))};
		loft(bg, R_ARM, &arm, apts, 4, 0.f, 1.f, lod ? 22 : 40, lod ? 14 : 26, color_skin, NULL);
		sdf leg = {sd_leg, &s, 0};
		v3 an = ankle(s);
		const v3 lpts[4] = {add(hip(s), V(0.04f, 0, -0.01f * s)), knee(s), an, add(an, scl(norm(sub(an, knee(s))), 0.02f))};
		loft(bg, R_LEG, &leg, lpts, 4, 0.f, 1.f, lod ? 26 : 50, lod ? 16 : 30, color_skin, NULL);
		hand_frame hf = hand_of(s);
		sdf hand = {sd_hand, &hf, 0};
		v3 hlo = V(wr.x - 0.215f, wr.y - 0.035f, wr.z - 0.085f), hhi = V(wr.x + 0.03f, wr.y + 0.065f, wr.z + 0.085f);
		surface_nets(bg, R_HAND, &hand, hlo, hhi, lod ? 0.0085f : 0.0046f, color_skin, NULL);
		foot_frame ff = foot_of(s);
		sdf foot = {sd_foot, &ff, 0};
		v3 flo = V(an.x - 0.20f, an.y - 0.06f, an.z - 0.09f), fhi = V(an.x + 0.05f, an.y + 0.26f, an.z + 0.09f);
		surface_nets(bg, R_FOOT, &foot, flo, fhi, lod ? 0.014f : 0.0068f, color_skin, NULL);
	}
}

static void build_head(bodygen *bg, uint32_t lod)
{
	sdf s = {sd_head, NULL, 0};
	/* short hair: the scalp pushed out a little where hair grows */
	const radial_focus face = {-0.75f, 0.40f, 0.62f, 2.6f};
	radial(bg, R_HEAD, &s, hp(0.0f, 0.01f, 0), V(1, 0, 0), V(0, 1, 0), lod ? 44 : 100, lod ? 34 : 72,
	       -PI_F / 2 + 0.01f, PI_F / 2 - 0.01f, &face, color_skin, NULL, NULL, NULL);
	for (uint32_t i = bg->vcount - (lod ? 44u : 100u) * (lod ? 34u : 72u); i < bg->vcount; i++) {
		v3 p = vpos(bg, i);
		float hair = hair_amount(p);
		if (hair > 0.f) {
			v3 n = vnrm(bg, i);
			p = add(p, scl(n, 0.005f * hair));
			memcpy(bg->v[i].pos, &p, sizeof bg->v[i].pos);
		}
	}
}

/* The eyes: a ball (sclera, iris, pupil rings at their edges) and two lids, shells that the upper one turns to close. */
static void build_eyes(bodygen *bg, uint32_t lod)
{
	static const float lat_deg[] = {-90, -60, -30, 0, 25, 45, 56.5f, 57.5f, 66, 72.5f, 73.5f, 82, 90};
	const uint32_t nlat = sizeof lat_deg / sizeof lat_deg[0], nlon = lod ? 10 : 28;
	for (int e = 0; e < 2; e++) {
		v3 c = eye_c[e];
		if (!reserve(bg, nlat * nlon, nlat * nlon * 6))
			return;
		uint32_t base = bg->vcount;
		for (uint32_t j = 0; j < nlat; j++) {
			float lat = lat_deg[j] * PI_F / 180.f;
			/* colour by the angle from the gaze (+Y): pupil, iris (blue-grey, darker at its rim), sclera */
			v3 col = lat_deg[j] >= 73 ? V(0.01f, 0.01f, 0.012f)
			         : lat_deg[j] >= 66 ? V(0.16f, 0.22f, 0.26f)
			         : lat_deg[j] >= 57 ? V(0.08f, 0.11f, 0.14f)
			                            : V(0.80f, 0.76f, 0.72f);
			for (uint32_t i = 0; i < nlon; i++) {
				float lon = 2.f * PI_F * (float)i / (float)nlon;
				v3 d = V(cosf(lat) * cosf(lon), sinf(lat), cosf(lat) * sinf(lon));
				vert(bg, R_EYE, add(c, scl(d, BODY_EYE_R)), d, rgbm(col.x, col.y, col.z, BODY_MAT_EYE));
			}
		}
		grid_quads(bg, base, nlon, nlat, true, NULL);
		/* lids: u = +X up, f = +Y front, l = +Z; latitude from the front towards up */
		for (int lid = 0; lid < 2; lid++) {
			const float r = BODY_EYE_R + 0.0012f;
			float la0 = lid ? 24.f : -84.f, la1 = lid ? 86.f : -16.f;
			uint32_t nl = lod ? 5 : 14, no = lod ? 8 : 20;
			if (!reserve(bg, (nl + 2) * no, (nl + 1) * no * 6))
				return;
			uint32_t b0 = bg->vcount;
			region rg = lid ? R_LID_UP : R_LID_LOW;
			for (uint32_t j = 0; j < nl; j++) {
				float la = (la0 + (la1 - la0) * (float)j / (float)(nl - 1)) * PI_F / 180.f;
				for (uint32_t i = 0; i < no; i++) {
					float lo = (-82.f + 164.f * (float)i / (float)(no - 1)) * PI_F / 180.f;
					v3 d = V(sinf(la), cosf(la) * cosf(lo), cosf(la) * sinf(lo));
					v3 p = add(c, scl(d, r));
					/* the margin row darker: the lashes */
					bool margin = lid ? j == 0 : j == nl - 1;
					uint32_t colr = margin ? rgbm(0.09f, 0.05f, 0.035f, BODY_MAT_HAIR) : skin_color(rg, p);
					vert(bg, rg, p, d, colr);
				}
			}
			grid_quads(bg, b0, no, nl, false, NULL);
			/* the lid's edge: a rounded margin (a short tube) so that it does not look like paper */
			uint32_t mrow = lid ? b0 : b0 + (nl - 1) * no;
			uint32_t b1 = bg->vcount;
			for (uint32_t i = 0; i < no; i++) {
				v3 p = vpos(bg, mrow + i), out = norm(sub(p, c));
				v3 ins = add(c, scl(out, BODY_EYE_R + 0.0001f));
				float la = (lid ? la0 : la1) * PI_F / 180.f;
				v3 dn = lid ? V(-cosf(la), sinf(la), 0) : V(cosf(la), -sinf(la), 0);
				(void)dn;
				vert(bg, rg, ins, out, rgbm(0.35f, 0.18f, 0.15f, BODY_MAT_SKIN));
			}
			for (uint32_t i = 0; i + 1 < no; i++)
				quad(bg, mrow + i, mrow + i + 1, b1 + i + 1, b1 + i);
		}
	}
}

/* The external jugular veins: from below the angle of the jaw across the neck to the middle of the clavicle, just
 * under the skin; the shader swells them out along their normals when distended. */
static void build_neck_veins(bodygen *bg, uint32_t lod)
{
	sdf s = {sd_torso, NULL, 0};
	const uint32_t nseg = lod ? 10 : 18, nring = lod ? 6 : 10;
	for (int si = 0; si < 2; si++) {
		float sz = si ? 1.f : -1.f;
		v3 a = V(0.645f, 0.118f, 0.050f * sz), b = V(0.505f, 0.122f, 0.080f * sz);
		if (!reserve(bg, (nseg + 1) * nring, nseg * nring * 6))
			return;
		uint32_t base = bg->vcount;
		for (uint32_t k = 0; k <= nseg; k++) {
			float t = (float)k / (float)nseg;
			v3 q = lerp3(a, b, t);
			/* onto the skin, seen from the neck's axis */
			v3 axis = V(q.x, 0.100f, 0);
			v3 onskin;
			ray_to_surface(&s, axis, norm(sub(q, axis)), 0.3f, &onskin);
			v3 n = grad(&s, onskin);
			float taper = sinf(PI_F * (0.08f + 0.84f * t));
			v3 ctr = sub(onskin, scl(n, 0.0022f));
			v3 tdir = norm(sub(b, a));
			v3 e1 = norm(cross(tdir, n)), e2 = cross(e1, tdir);
			for (uint32_t r = 0; r < nring; r++) {
				float ang = 2.f * PI_F * (float)r / (float)nring;
				v3 d = add(scl(e1, cosf(ang)), scl(e2, sinf(ang)));
				vert(bg, R_VEIN, add(ctr, scl(d, 0.0015f)), scl(d, taper), rgbm(0.38f, 0.29f, 0.40f, BODY_MAT_SKIN));
			}
		}
		grid_quads(bg, base, nring, nseg + 1, true, NULL);
	}
}

/* ---- the gown --------------------------------------------------------------------------------------------- */

/* the trunk and the thighs under one drape */
static float sd_drape(v3 p, const void *ctx)
{
	(void)ctx;
	float d = sd_torso(p, NULL);
	float s = -1.f, t = 1.f;
	float legs = smin(sd_leg(p, &s), sd_leg(p, &t), 0.12f);
	legs = smin(legs, sd_ellipsoid(p, V(-0.25f, 0.06f, 0), V(0.22f, 0.07f, 0.16f)), 0.08f);
	return smin(d, legs, 0.06f);
}

typedef struct gown_ctx {
	float top_front, top_back;  /* the neckline, or the fold when open */
	float bottom;
} gown_ctx;

static uint32_t gown_color(region rg, v3 p, const void *ctx)
{
	(void)rg;
	(void)p;
	(void)ctx;
	return rgbm(0.30f, 0.45f, 0.60f, BODY_MAT_CLOTH);
}

/* The gown: the drape offset outwards, from mid-thigh to a neckline (closed) or a fold at the waist (open). The
 * loft's rings run along +X per angle between the bottom edge and the top, so both edges are clean. */
static void build_gown(bodygen *bg, uint32_t lod, bool open)
{
	sdf s = {sd_drape, NULL, 0.007f};
	const uint32_t nring = (open ? 40 : 80) / lod_div[lod], nang = 80 / lod_div[lod];
	if (!reserve(bg, nring * nang, nring * nang * 6))
		return;
	uint32_t base = bg->vcount;
	for (uint32_t r = 0; r < nring; r++) {
		float t = (float)r / (float)(nring - 1);
		for (uint32_t a = 0; a < nang; a++) {
			float ang = 2.f * PI_F * (float)a / (float)nang;
			float front = 0.5f + 0.5f * cosf(ang); /* 1 at the front, 0 at the back */
			float top;
			if (open)
				top = 0.16f + 0.02f * front;
			else /* a round neckline, lower at the front */
				top = mixf(0.525f, 0.49f, powf(front, 4.f)) - 0.02f * fabsf(sinf(ang)) * front;
			float x = mixf(-0.36f, top, t);
			v3 c = V(x, 0.09f, 0), d = V(0, cosf(ang), sinf(ang)), p;
			ray_to_surface(&s, c, d, 0.5f, &p);
			vert(bg, R_GOWN, p, grad(&s, p), gown_color(R_GOWN, p, NULL));
		}
	}
	grid_quads(bg, base, nang, nring, true, NULL);
	if (open) { /* the folded edge: a roll around the waist */
		uint32_t top = base + (nring - 1) * nang, b0 = bg->vcount;
		const uint32_t nr = 8;
		if (!reserve(bg, nang * nr, nang * nr * 6))
			return;
		for (uint32_t a = 0; a < nang; a++) {
			v3 p = vpos(bg, top + a), n = vnrm(bg, top + a);
			for (uint32_t k = 0; k < nr; k++) {
				float ang = 2.f * PI_F * (float)k / (float)nr;
				v3 d = add(scl(n, cosf(ang)), scl(V(1, 0, 0), sinf(ang)));
				vert(bg, R_GOWN, add(add(p, scl(n, 0.008f)), scl(d, 0.010f)), d, gown_color(R_GOWN, p, NULL));
			}
		}
		grid_quads(bg, b0, nr, nang, true, NULL);
		/* rows: each gown vertex's ring is a row of nr; wrap over nang too */
		for (uint32_t k = 0; k < nr; k++)
			quad(bg, b0 + (nang - 1) * nr + k, b0 + (nang - 1) * nr + (k + 1) % nr, b0 + (k + 1) % nr, b0 + k);
		return;
	}
	/* short sleeves */
	for (int si = 0; si < 2; si++) {
		float sd = si ? 1.f : -1.f;
		sdf arm = {sd_arm, &sd, 0.007f};
		const v3 pts[3] = {sub(shoulder(sd), V(0, 0, 0.02f * sd)), elbow(sd), wrist(sd)};
		loft(bg, R_GOWN, &arm, pts, 3, 0.f, 0.27f, 14 / lod_div[lod] + 2, 28 / lod_div[lod] + 2, gown_color, NULL);
	}
}

static bool keep_behind_head(v3 p, const void *ctx)
{
	(void)ctx;
	return p.y < HEAD_Y - 0.015f || p.x > HEAD_X + 0.09f;
}

static float sd_long_hair(v3 p, const void *ctx)
{
	(void)ctx;
	float d = sd_ellipsoid(p, hp(0.03f, -0.012f, 0), V(0.118f, 0.103f, 0.088f));
	d = smin(d, sd_ellipsoid(p, V(HEAD_X + 0.13f, 0.028f, 0), V(0.14f, 0.026f, 0.13f)), 0.06f);
	return smax(d, 0.002f - p.y, 0.01f);
}

static uint32_t color_hair(region rg, v3 p, const void *ctx)
{
	(void)rg;
	(void)p;
	(void)ctx;
	return rgbm(HAIR.x, HAIR.y, HAIR.z, BODY_MAT_HAIR);
}

static void build_long_hair(bodygen *bg, uint32_t lod)
{
	sdf s = {sd_long_hair, NULL, 0};
	radial(bg, R_HAIR, &s, V(HEAD_X + 0.05f, 0.06f, 0), V(1, 0, 0), V(0, 1, 0), 64 / lod_div[lod], 40 / lod_div[lod],
	       -PI_F / 2 + 0.05f, PI_F / 2 - 0.05f, NULL, color_hair, NULL, keep_behind_head, NULL);
}

/* ---- things on the body ----------------------------------------------------------------------------------- */

/* A tube along a polyline (cables, lines, tubing). */
static void tube(bodygen *bg, region rg, const v3 *pts, int n, float radius, uint32_t color)
{
	const uint32_t nr = 8;
	if (n < 2 || !reserve(bg, (uint32_t)n * nr, (uint32_t)n * nr * 6))
		return;
	uint32_t base = bg->vcount;
	v3 prev = V(0, 1, 0);
	for (int i = 0; i < n; i++) {
		v3 t = norm(sub(pts[i < n - 1 ? i + 1 : i], pts[i > 0 ? i - 1 : i]));
		v3 e1 = sub(prev, scl(t, dot(prev, t)));
		if (len(e1) < 1e-4f)
			e1 = fabsf(t.x) < 0.9f ? V(1, 0, 0) : V(0, 0, 1);
		e1 = norm(e1);
		prev = e1;
		v3 e2 = cross(t, e1);
		for (uint32_t r = 0; r < nr; r++) {
			float a = 2.f * PI_F * (float)r / (float)nr;
			v3 d = add(scl(e1, cosf(a)), scl(e2, sinf(a)));
			vert(bg, rg, add(pts[i], scl(d, radius)), d, color);
		}
	}
	grid_quads(bg, base, nr, (uint32_t)n, true, NULL);
}

/* A smooth curve through control points (Catmull-Rom), sampled into out (n points). */
static void curve(const v3 *cp, int ncp, v3 *out, int n)
{
	for (int i = 0; i < n; i++) {
		float t = (float)i / (float)(n - 1) * (float)(ncp - 1);
		int k = (int)t;
		if (k >= ncp - 1)
			k = ncp - 2;
		float u = t - (float)k;
		v3 p0 = cp[k > 0 ? k - 1 : k], p1 = cp[k], p2 = cp[k + 1], p3 = cp[k + 2 < ncp ? k + 2 : k + 1];
		float u2 = u * u, u3 = u2 * u;
		out[i] = scl(add(add(scl(p1, 2.f), scl(sub(p2, p0), u)),
		                 add(scl(add(sub(scl(p0, 2.f), scl(p1, 5.f)), sub(scl(p2, 4.f), p3)), u2),
		                     scl(add(sub(scl(p1, 3.f), p0), sub(p3, scl(p2, 3.f))), u3))),
		             0.5f);
	}
}

static void cable(bodygen *bg, region rg, const v3 *cp, int ncp, float radius, uint32_t color)
{
	v3 pts[48];
	curve(cp, ncp, pts, 48);
	tube(bg, rg, pts, 48, radius, color);
}

/* A rounded-rectangle slab laid on the skin of the trunk at a site: the centre c is moved onto the skin along n. */
static void skin_patch(bodygen *bg, region rg, v3 c, v3 n, v3 along, float w, float h, float thick, uint32_t top,
                       uint32_t rim)
{
	enum { NU = 12, NV = 9, NB = 2 * (NU + NV) - 4 };
	sdf s = {sd_torso, NULL, 0};
	n = norm(n);
	along = norm(sub(along, scl(n, dot(along, n))));
	v3 across = cross(n, along);
	if (!reserve(bg, NU * NV + NB, NU * NV * 6 + NB * 6))
		return;
	uint32_t base = bg->vcount;
	for (int j = 0; j < NV; j++)
		for (int i = 0; i < NU; i++) {
			float u = ((float)i / (float)(NU - 1) - 0.5f) * w, v = ((float)j / (float)(NV - 1) - 0.5f) * h;
			if ((i == 0 || i == NU - 1) && (j == 0 || j == NV - 1)) /* rounded corners */
				u *= 0.86f, v *= 0.86f;
			v3 q = add(c, add(scl(along, u), scl(across, v))), p;
			ray_to_surface(&s, add(q, scl(n, -0.08f)), n, 0.3f, &p);
			v3 sn = grad(&s, p);
			vert(bg, rg, add(p, scl(sn, thick)), sn, top);
		}
	grid_quads(bg, base, NU, NV, false, NULL);
	/* the rim: the grid's border, down to the skin, facing out */
	int border[NB], nb = 0;
	for (int i = 0; i < NU; i++)
		border[nb++] = i;
	for (int j = 1; j < NV; j++)
		border[nb++] = j * NU + NU - 1;
	for (int i = NU - 2; i >= 0; i--)
		border[nb++] = (NV - 1) * NU + i;
	for (int j = NV - 2; j >= 1; j--)
		border[nb++] = j * NU;
	uint32_t b1 = bg->vcount;
	for (int k = 0; k < nb; k++) {
		uint32_t vi = base + (uint32_t)border[k];
		v3 p = vpos(bg, vi), sn = vnrm(bg, vi);
		v3 d = sub(p, c);
		v3 out = norm(sub(d, scl(sn, dot(d, sn))));
		vert(bg, rg, sub(p, scl(sn, thick * 1.3f)), out, rim);
	}
	for (int k = 0; k < nb; k++) {
		int k1 = (k + 1) % nb;
		uint32_t a = base + (uint32_t)border[k], b = base + (uint32_t)border[k1];
		/* the top vertices keep their upward normals; the quad's winding follows the rim's */
		uint32_t ra = b1 + (uint32_t)k, rb = b1 + (uint32_t)k1;
		v3 o = add(vnrm(bg, ra), vnrm(bg, rb));
		v3 g = cross(sub(vpos(bg, b), vpos(bg, a)), sub(vpos(bg, ra), vpos(bg, a)));
		uint32_t q[4] = {a, b, rb, ra};
		if (dot(g, o) < 0.f)
			q[1] = ra, q[3] = b;
		/* straight into the index list: tri() would orient by the top's normals */
		bg->idx[bg->icount++] = q[0], bg->idx[bg->icount++] = q[1], bg->idx[bg->icount++] = q[2];
		bg->idx[bg->icount++] = q[0], bg->idx[bg->icount++] = q[2], bg->idx[bg->icount++] = q[3];
	}
}

/* Defibrillator pads: where each site lies on the skin, and which way it faces. */
typedef struct pad_site {
	v3 c, n, along;
} pad_site;

static pad_site pad_site_of(scrub_body_part part)
{
	float c[3], n[3], al[3];
	body_pad_site((int)part, c, n, al);
	return (pad_site){V(c[0], c[1], c[2]), V(n[0], n[1], n[2]), V(al[0], al[1], al[2])};
}

static void build_pad(bodygen *bg, scrub_body_part part)
{
	pad_site ps = pad_site_of(part);
	const uint32_t foam = rgbm(0.86f, 0.86f, 0.84f, BODY_MAT_GEL), rim = rgbm(0.55f, 0.55f, 0.55f, BODY_MAT_GEL);
	const uint32_t wire = rgbm(0.05f, 0.05f, 0.06f, BODY_MAT_PLASTIC);
	v3 top;
	if (part != SCRUB_BODY_PAD_LEFT_BACK) {
		skin_patch(bg, R_ON_CHEST, ps.c, ps.n, ps.along, 0.125f, 0.085f, 0.0025f, foam, rim);
		/* a red heart mark in the middle of the pad */
		skin_patch(bg, R_ON_CHEST, ps.c, ps.n, ps.along, 0.03f, 0.022f, 0.0034f, rgbm(0.60f, 0.05f, 0.04f, BODY_MAT_GEL),
		           rgbm(0.60f, 0.05f, 0.04f, BODY_MAT_GEL));
		top = vpos(bg, bg->vcount - 1);
	} else {
		top = V(0.33f, 0.01f, 0.17f); /* under the patient: only the lead comes out at the left side */
	}
	/* the lead towards the defibrillator on the cart at the patient's left */
	v3 start = sub(top, V(0, 0, 0));
	const v3 cp[6] = {start, add(start, V(0.0f, 0.03f, 0.06f)), V(0.36f, 0.10f, 0.33f), V(0.40f, -0.10f, 0.45f),
	                  V(0.45f, 0.00f, 0.70f), V(0.47f, 0.13f, 0.835f)};
	cable(bg, R_FIXED, cp, 6, 0.0028f, wire);
}

typedef struct mask_ctx {
	v3 c, r;
} mask_ctx;

static float sd_mask_shell(v3 p, const void *ctx)
{
	const mask_ctx *m = ctx;
	return sd_ellipsoid(p, m->c, m->r);
}

static bool keep_off_face(v3 p, const void *ctx)
{
	(void)ctx;
	return sd_head(p, NULL) > 0.003f;
}

/* a mask over the nose and mouth: an ellipsoid's cap clear of the face */
static void build_mask(bodygen *bg, region rg, float scale, uint32_t color)
{
	mask_ctx m = {hp(-0.042f, 0.088f, 0), V(0.058f * scale, 0.05f * scale, 0.045f * scale)};
	sdf s = {sd_mask_shell, &m, 0};
	radial(bg, rg, &s, m.c, V(0, 1, 0), V(1, 0, 0), 40, 20, 0.f, PI_F / 2 - 0.05f, NULL, color_fixed, &color, keep_off_face,
	       NULL);
}

static void build_airway_tube(bodygen *bg, v3 mouth, uint32_t color, uint32_t connector)
{
	const v3 cp[4] = {sub(mouth, V(0, 0.01f, 0)), add(mouth, V(0.005f, 0.03f, 0)), add(mouth, V(0.04f, 0.06f, 0)),
	                  add(mouth, V(0.08f, 0.07f, 0))};
	cable(bg, R_ON_HEAD, cp, 4, 0.0055f, color);
	v3 end = add(mouth, V(0.08f, 0.07f, 0));
	const v3 cn[2] = {end, add(end, V(0.025f, 0.004f, 0))};
	tube(bg, R_ON_HEAD, cn, 2, 0.0078f, connector);
}

typedef struct bag_ctx {
	v3 a, b;
	float r;
} bag_ctx;

static float sd_bag(v3 p, const void *ctx)
{
	const bag_ctx *g = ctx;
	v3 c = lerp3(g->a, g->b, 0.5f), ax = norm(sub(g->b, g->a));
	float half = len(sub(g->b, g->a)) * 0.5f;
	v3 d = sub(p, c);
	float along = dot(d, ax);
	v3 perp = sub(d, scl(ax, along));
	return len(V(along / half, len(perp) / g->r, 0)) * fminf(half, g->r) - fminf(half, g->r);
}

static void build_bag(bodygen *bg, v3 from)
{
	bag_ctx g = {add(from, V(0.045f, 0.02f, 0)), add(from, V(0.30f, 0.06f, 0)), 0.058f};
	sdf s = {sd_bag, &g, 0};
	uint32_t col = rgbm(0.78f, 0.55f, 0.20f, BODY_MAT_PLASTIC);
	radial(bg, R_BAG, &s, lerp3(g.a, g.b, 0.5f), norm(sub(g.b, g.a)), V(0, 1, 0), 28, 20, -PI_F / 2 + 0.08f,
	       PI_F / 2 - 0.08f, NULL, color_fixed, &col, NULL, NULL);
	const v3 valve[2] = {from, g.a};
	tube(bg, R_ON_HEAD, valve, 2, 0.011f, rgbm(0.1f, 0.1f, 0.11f, BODY_MAT_PLASTIC));
	/* the oxygen reservoir behind the bag */
	bag_ctx r = {add(g.b, V(0.01f, 0, 0)), add(g.b, V(0.17f, -0.02f, 0)), 0.045f};
	sdf rs = {sd_bag, &r, 0};
	uint32_t rc = rgbm(0.45f, 0.65f, 0.50f, BODY_MAT_PLASTIC);
	radial(bg, R_ON_HEAD, &rs, lerp3(r.a, r.b, 0.5f), norm(sub(r.b, r.a)), V(0, 1, 0), 20, 12, -PI_F / 2 + 0.1f,
	       PI_F / 2 - 0.1f, NULL, color_fixed, &rc, NULL, NULL);
}

static void build_needle(bodygen *bg, bool left, bool second)
{
	float s = left ? 1.f : -1.f;
	v3 site = second ? V(0.445f, 0.26f, 0.078f * s) : V(0.255f, 0.17f, 0.148f * s);
	v3 n = second ? V(0, 1, 0.12f * s) : V(0, 0.5f, 1.f * s);
	sdf t = {sd_torso, NULL, 0};
	v3 p;
	ray_to_surface(&t, sub(site, scl(norm(n), 0.05f)), norm(n), 0.2f, &p);
	v3 nn = grad(&t, p);
	const v3 hub[2] = {add(p, scl(nn, 0.003f)), add(p, scl(nn, 0.022f))};
	tube(bg, R_ON_CHEST, hub, 2, 0.004f, rgbm(0.75f, 0.55f, 0.10f, BODY_MAT_PLASTIC));
	const v3 cap[2] = {add(p, scl(nn, 0.022f)), add(p, scl(nn, 0.032f))};
	tube(bg, R_ON_CHEST, cap, 2, 0.0055f, rgbm(0.9f, 0.9f, 0.9f, BODY_MAT_PLASTIC));
}

static void build_drain(bodygen *bg, bool left)
{
	float s = left ? 1.f : -1.f;
	sdf t = {sd_torso, NULL, 0};
	v3 from = V(0.25f, 0.10f, 0.0f), p;
	ray_to_surface(&t, from, norm(V(0, -0.1f, s)), 0.3f, &p);
	v3 n = grad(&t, p);
	skin_patch(bg, R_ON_CHEST, p, n, V(1, 0, 0), 0.07f, 0.06f, 0.0015f, rgbm(0.92f, 0.92f, 0.92f, BODY_MAT_CLOTH),
	           rgbm(0.8f, 0.8f, 0.8f, BODY_MAT_CLOTH));
	const v3 cp[5] = {add(p, scl(n, 0.002f)), add(p, scl(n, 0.04f)), add(add(p, scl(n, 0.12f)), V(-0.08f, -0.05f, 0)),
	                  add(p, add(scl(n, 0.25f), V(-0.20f, -0.30f, 0))), add(p, add(scl(n, 0.30f), V(-0.30f, -0.70f, 0)))};
	cable(bg, R_FIXED, cp, 5, 0.0055f, rgbm(0.80f, 0.82f, 0.85f, BODY_MAT_PLASTIC));
}

/* ---- supports for the posture (scrub_body_pose.h) ---------------------------------------------------------- */

/* a flat quad facing away from `inside` */
static void flat_quad(bodygen *bg, v3 a, v3 b, v3 c, v3 d, v3 inside, uint32_t color)
{
	if (!reserve(bg, 4, 6))
		return;
	v3 n = norm(cross(sub(b, a), sub(d, a)));
	if (dot(n, sub(lerp3(a, c, 0.5f), inside)) < 0.f)
		n = scl(n, -1.f);
	uint32_t base = bg->vcount;
	vert(bg, R_FIXED, a, n, color);
	vert(bg, R_FIXED, b, n, color);
	vert(bg, R_FIXED, c, n, color);
	vert(bg, R_FIXED, d, n, color);
	quad(bg, base, base + 1, base + 2, base + 3);
}

/* The trolley's backrest: a padded board lying in the table under the back (hidden there); raised with the trunk
 * it bends across the hips as the body does, in segments along X. */
static void build_backrest(bodygen *bg)
{
	enum { NX = 24 };
	const float x0 = 0.06f, x1 = 0.95f, z = 0.27f, y0 = -0.05f, y1 = -0.004f;
	const uint32_t pad = rgbm(0.22f, 0.30f, 0.36f, BODY_MAT_CLOTH), frame = rgbm(0.55f, 0.56f, 0.58f, BODY_MAT_PLASTIC);
	for (int i = 0; i < NX; i++) {
		float xa = x0 + (x1 - x0) * (float)i / NX, xb = x0 + (x1 - x0) * (float)(i + 1) / NX;
		v3 in = V(0.5f * (xa + xb), 0.5f * (y0 + y1), 0);
		flat_quad(bg, V(xa, y1, -z), V(xb, y1, -z), V(xb, y1, z), V(xa, y1, z), in, pad);
		flat_quad(bg, V(xa, y0, -z), V(xb, y0, -z), V(xb, y0, z), V(xa, y0, z), in, frame);
		flat_quad(bg, V(xa, y0, -z), V(xb, y0, -z), V(xb, y1, -z), V(xa, y1, -z), in, frame);
		flat_quad(bg, V(xa, y0, z), V(xb, y0, z), V(xb, y1, z), V(xa, y1, z), in, frame);
	}
	flat_quad(bg, V(x1, y0, -z), V(x1, y1, -z), V(x1, y1, z), V(x1, y0, z), V(0, 0, 0), frame);
}

/* A foam wedge under the legs raised to BODY_LEGS_RAD: its top under the calves turns with them, its base lies on the
 * table. Made where the supine legs lie and turned back by the posture, so the shader's turn puts it in place. */
static void build_leg_rest(bodygen *bg)
{
	const float pose[2] = {0.f, BODY_LEGS_RAD};
	const float x0 = -0.92f, x1 = -0.30f, z = 0.19f, y1 = -0.004f;
	const uint32_t foam = rgbm(0.62f, 0.70f, 0.74f, BODY_MAT_CLOTH);
	v3 top[4] = {V(x0, y1, -z), V(x1, y1, -z), V(x1, y1, z), V(x0, y1, z)}, bot[4];
	for (int k = 0; k < 4; k++) {
		float p[3] = {top[k].x, top[k].y, top[k].z}, q[3], u[3];
		scrub_body_pose(pose, p, q);
		q[1] = 0.f; /* straight down to the table */
		scrub_body_unpose(pose, q, u);
		bot[k] = V(u[0], u[1], u[2]);
	}
	v3 in = scl(add(add(top[0], top[2]), add(bot[0], bot[2])), 0.25f);
	flat_quad(bg, top[0], top[1], top[2], top[3], in, foam);
	flat_quad(bg, bot[0], bot[1], bot[2], bot[3], in, foam);
	for (int k = 0; k < 4; k++) {
		int k1 = (k + 1) % 4;
		flat_quad(bg, top[k], top[k1], bot[k1], bot[k], in, foam);
	}
}

void bodygen_build(bodygen *bg, scrub_body_part part, uint32_t lod)
{
	if (lod >= BODY_LODS)
		lod = BODY_LODS - 1;
	const uint32_t clear = rgbm(0.70f, 0.85f, 0.80f, BODY_MAT_CLEAR);
	const v3 mouth = hp(-0.0655f, 0.108f, 0);
	switch (part) {
	case SCRUB_BODY_SKIN:
		build_trunk(bg, lod, 0.f, R_TORSO, color_skin, NULL);
		build_head(bg, lod);
		build_eyes(bg, lod);
		build_limbs(bg, lod);
		break;
	case SCRUB_BODY_HAIR_LONG: build_long_hair(bg, lod); break;
	case SCRUB_BODY_GOWN: build_gown(bg, lod, false); break;
	case SCRUB_BODY_GOWN_OPEN: build_gown(bg, lod, true); break;
	case SCRUB_BODY_NECK_VEINS: build_neck_veins(bg, lod); break;
	case SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR:
	case SCRUB_BODY_PAD_LEFT_APEX:
	case SCRUB_BODY_PAD_LEFT_PRECORDIUM:
	case SCRUB_BODY_PAD_LEFT_BACK:
	case SCRUB_BODY_PAD_STERNUM:
	case SCRUB_BODY_PAD_ABDOMEN:
	case SCRUB_BODY_PAD_LEFT_INFRACLAVICULAR:
	case SCRUB_BODY_PAD_RIGHT_APEX: build_pad(bg, part); break;
	case SCRUB_BODY_FACE_MASK:
	case SCRUB_BODY_NONREBREATHER: {
		build_mask(bg, R_ON_HEAD, 1.f, clear);
		v3 port = hp(-0.075f, 0.13f, 0);
		const v3 cp[5] = {port, add(port, V(-0.02f, 0.02f, 0.02f)), V(0.615f, 0.19f, 0.085f), V(0.57f, 0.08f, 0.15f),
		                  V(0.48f, -0.02f, 0.32f)};
		cable(bg, R_FIXED, cp, 5, 0.0035f, rgbm(0.75f, 0.88f, 0.80f, BODY_MAT_PLASTIC));
		if (part == SCRUB_BODY_NONREBREATHER) {
			bag_ctx r = {add(port, V(-0.02f, -0.01f, 0.03f)), V(0.60f, 0.06f, 0.19f), 0.034f};
			sdf rs = {sd_bag, &r, 0};
			uint32_t rc = rgbm(0.45f, 0.70f, 0.55f, BODY_MAT_PLASTIC);
			radial(bg, R_ON_HEAD, &rs, lerp3(r.a, r.b, 0.5f), norm(sub(r.b, r.a)), V(0, 1, 0), 24, 14, -PI_F / 2 + 0.1f,
			       PI_F / 2 - 0.1f, NULL, color_fixed, &rc, NULL, NULL);
		}
		break;
	}
	case SCRUB_BODY_NASAL_CANNULA: {
		const v3 cp[7] = {V(0.62f, 0.05f, 0.10f), hp(-0.02f, 0.0f, 0.085f), hp(-0.035f, 0.075f, 0.055f),
		                  hp(-0.046f, 0.108f, 0.012f), hp(-0.046f, 0.108f, -0.012f), hp(-0.035f, 0.075f, -0.055f),
		                  hp(-0.02f, 0.0f, -0.085f)};
		cable(bg, R_ON_HEAD, cp, 7, 0.0025f, rgbm(0.75f, 0.88f, 0.80f, BODY_MAT_PLASTIC));
		break;
	}
	case SCRUB_BODY_BVM_MASK: {
		build_mask(bg, R_ON_HEAD, 1.12f, clear);
		build_bag(bg, hp(-0.04f, 0.15f, 0));
		break;
	}
	case SCRUB_BODY_BVM_TUBE: build_bag(bg, add(mouth, V(0.105f, 0.074f, 0))); break;
	case SCRUB_BODY_OPA: {
		const v3 fl[2] = {add(mouth, V(0, 0.002f, 0)), add(mouth, V(0, 0.007f, 0))};
		tube(bg, R_ON_HEAD, fl, 2, 0.011f, rgbm(0.10f, 0.55f, 0.15f, BODY_MAT_PLASTIC));
		break;
	}
	case SCRUB_BODY_NPA: {
		v3 nostril = hp(-0.041f, 0.106f, -0.0125f);
		const v3 fl[2] = {nostril, add(nostril, V(-0.004f, 0.004f, 0))};
		tube(bg, R_ON_HEAD, fl, 2, 0.0085f, rgbm(0.90f, 0.55f, 0.30f, BODY_MAT_PLASTIC));
		break;
	}
	case SCRUB_BODY_SGA:
		build_airway_tube(bg, mouth, rgbm(0.25f, 0.65f, 0.25f, BODY_MAT_PLASTIC), rgbm(0.9f, 0.9f, 0.9f, BODY_MAT_PLASTIC));
		break;
	case SCRUB_BODY_ETT: {
		build_airway_tube(bg, mouth, rgbm(0.80f, 0.85f, 0.88f, BODY_MAT_PLASTIC), rgbm(0.9f, 0.9f, 0.9f, BODY_MAT_PLASTIC));
		/* the tie around the head */
		v3 tie[24];
		for (int i = 0; i < 24; i++) {
			float a = 2.f * PI_F * (float)i / 23.f;
			tie[i] = hp(-0.066f + 0.01f * cosf(a), 0.01f + 0.108f * cosf(a), 0.086f * sinf(a));
		}
		tube(bg, R_ON_HEAD, tie, 24, 0.003f, rgbm(0.9f, 0.9f, 0.88f, BODY_MAT_CLOTH));
		break;
	}
	case SCRUB_BODY_IV: {
		/* right antecubital fossa, palm up: the front of the elbow faces +Y */
		v3 el = elbow(-1.f);
		sdf arm = {sd_arm, &(float){-1.f}, 0};
		v3 p;
		ray_to_surface(&arm, el, V(0, 1, 0), 0.2f, &p);
		v3 n = grad(&arm, p);
		const v3 hub[2] = {add(p, scl(n, 0.004f)), add(add(p, scl(n, 0.008f)), V(0.03f, 0, 0))};
		tube(bg, R_FIXED, hub, 2, 0.0045f, rgbm(0.10f, 0.55f, 0.15f, BODY_MAT_PLASTIC));
		const v3 cp[6] = {hub[1], add(hub[1], V(0.06f, 0.02f, 0)), V(0.35f, 0.20f, -0.34f), V(0.60f, 0.10f, -0.42f),
		                  V(0.80f, 0.40f, -0.44f), V(0.87f, 0.72f, -0.45f)};
		cable(bg, R_FIXED, cp, 6, 0.0022f, rgbm(0.82f, 0.86f, 0.88f, BODY_MAT_PLASTIC));
		break;
	}
	case SCRUB_BODY_IO: {
		v3 kn = knee(-1.f), an = ankle(-1.f);
		v3 site = lerp3(kn, an, 0.07f);
		sdf leg = {sd_leg, &(float){-1.f}, 0};
		v3 p;
		ray_to_surface(&leg, site, V(0, 1, 0), 0.2f, &p);
		v3 n = grad(&leg, p);
		const v3 hub[2] = {add(p, scl(n, 0.002f)), add(p, scl(n, 0.02f))};
		tube(bg, R_FIXED, hub, 2, 0.008f, rgbm(0.80f, 0.15f, 0.30f, BODY_MAT_PLASTIC));
		break;
	}
	case SCRUB_BODY_NEEDLE_LEFT_2ICS: build_needle(bg, true, true); break;
	case SCRUB_BODY_NEEDLE_RIGHT_2ICS: build_needle(bg, false, true); break;
	case SCRUB_BODY_NEEDLE_LEFT_5ICS: build_needle(bg, true, false); break;
	case SCRUB_BODY_NEEDLE_RIGHT_5ICS: build_needle(bg, false, false); break;
	case SCRUB_BODY_DRAIN_LEFT: build_drain(bg, true); break;
	case SCRUB_BODY_DRAIN_RIGHT: build_drain(bg, false); break;
	case SCRUB_BODY_BACKREST: build_backrest(bg); break;
	case SCRUB_BODY_LEG_REST: build_leg_rest(bg); break;
	case SCRUB_BODY_PART_COUNT: break;
	}
}

void bodygen_static(bodygen *bg, scrub_render_mesh mesh)
{
	if (mesh == SCRUB_MESH_GLOVE_LEFT || mesh == SCRUB_MESH_GLOVE_RIGHT) {
		/* the trainee's gloved hand, palm down, fingers along -Z, the palm's centre at the origin */
		float side = mesh == SCRUB_MESH_GLOVE_LEFT ? 1.f : -1.f;
		hand_frame h = {.o = V(0, 0, 0.05f), .a = V(0, 0, -1), .b = V(0, -1, 0), .c = V(side, 0, 0), .s = side};
		sdf s = {sd_hand, &h, 0};
		uint32_t glove = rgbm(0.25f, 0.42f, 0.80f, BODY_MAT_PLASTIC);
		surface_nets(bg, R_FIXED, &s, V(-0.09f, -0.06f, -0.17f), V(0.09f, 0.05f, 0.115f), 0.0045f, color_fixed, &glove);
	} else if (mesh == SCRUB_MESH_BVM) {
		build_mask(bg, R_FIXED, 1.12f, rgbm(0.70f, 0.82f, 0.78f, BODY_MAT_PLASTIC));
		build_bag(bg, hp(-0.04f, 0.15f, 0));
		/* to the mesh's frame: the mask's centre at the origin */
		v3 c = hp(-0.042f, 0.088f, 0);
		for (uint32_t i = 0; i < bg->vcount; i++)
			for (int k = 0; k < 3; k++)
				bg->v[i].pos[k] -= (&c.x)[k];
	}
}

float scrub_body_torso_top(float x, float z)
{
	sdf s = {sd_torso, NULL, 0};
	v3 from = V(x, 0.02f, z), p;
	if (x < -0.1f || x > 0.52f || F(&s, from) >= 0.f)
		return NAN;
	ray_to_surface(&s, from, V(0, 1, 0), 0.4f, &p);
	return p.y;
}
