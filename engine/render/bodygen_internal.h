/* What the body generator's files share (bodygen.c, bodygen_shapes.c, bodygen_mesh.c): vectors, distance
 * functions, the regions that decide a vertex's weights, and the mesh builders. Private to engine/render. */
#ifndef SCRUB_BODYGEN_INTERNAL_H
#define SCRUB_BODYGEN_INTERNAL_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "bodygen.h"

#define PI_F 3.14159265358979f

/* ---- vectors ---------------------------------------------------------------------------------------------- */

typedef struct v3 {
	float x, y, z;
} v3;

static inline v3 V(float x, float y, float z) { return (v3){x, y, z}; }
static inline v3 add(v3 a, v3 b) { return V(a.x + b.x, a.y + b.y, a.z + b.z); }
static inline v3 sub(v3 a, v3 b) { return V(a.x - b.x, a.y - b.y, a.z - b.z); }
static inline v3 scl(v3 a, float s) { return V(a.x * s, a.y * s, a.z * s); }
static inline float dot(v3 a, v3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static inline v3 cross(v3 a, v3 b) { return V(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x); }
static inline float len(v3 a) { return sqrtf(dot(a, a)); }
static inline v3 norm(v3 a)
{
	float l = len(a);
	return l > 1e-12f ? scl(a, 1.f / l) : V(0, 1, 0);
}
static inline v3 lerp3(v3 a, v3 b, float t) { return add(a, scl(sub(b, a), t)); }
static inline float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }
static inline float smoothstep(float e0, float e1, float x)
{
	float t = clampf((x - e0) / (e1 - e0), 0.f, 1.f);
	return t * t * (3.f - 2.f * t);
}
static inline float mixf(float a, float b, float t) { return a + (b - a) * t; }

/* ---- distance functions ----------------------------------------------------------------------------------- */

static inline float sd_ellipsoid(v3 p, v3 c, v3 r)
{
	v3 q = V((p.x - c.x) / r.x, (p.y - c.y) / r.y, (p.z - c.z) / r.z);
	float k0 = len(q);
	float k1 = len(V(q.x / r.x, q.y / r.y, q.z / r.z));
	return k1 > 1e-9f ? k0 * (k0 - 1.f) / k1 : -fminf(r.x, fminf(r.y, r.z));
}

static inline float sd_sphere(v3 p, v3 c, float r) { return len(sub(p, c)) - r; }

/* a capsule whose radius goes from ra at a to rb at b */
static inline float sd_capsule(v3 p, v3 a, v3 b, float ra, float rb)
{
	v3 ab = sub(b, a), ap = sub(p, a);
	float t = clampf(dot(ap, ab) / fmaxf(dot(ab, ab), 1e-12f), 0.f, 1.f);
	return len(sub(ap, scl(ab, t))) - mixf(ra, rb, t);
}

static inline float smin(float a, float b, float k)
{
	float h = fmaxf(k - fabsf(a - b), 0.f) / k;
	return fminf(a, b) - h * h * k * 0.25f;
}
static inline float smax(float a, float b, float k) { return -smin(-a, -b, k); }

typedef float (*sdf_fn)(v3 p, const void *ctx);

typedef struct sdf {
	sdf_fn f;
	const void *ctx;
	float offset;  /* the surface offset outwards (a gown over the skin) */
} sdf;

static inline float F(const sdf *s, v3 p) { return s->f(p, s->ctx) - s->offset; }

/* Head frame: the head's centre; u = +X (crown), f = +Y (face), l = +Z (left). */
#define HEAD_X 0.718f
#define HEAD_Y 0.100f

static inline v3 hp(float u, float f, float l) { return V(HEAD_X + u, HEAD_Y + f, l); }

/* arm / leg joints, per side (s = +1 left, -1 right) */
static inline v3 shoulder(float s) { return V(0.462f, 0.106f, 0.180f * s); }
static inline v3 elbow(float s) { return V(0.170f, 0.080f, 0.245f * s); }
static inline v3 wrist(float s) { return V(-0.072f, 0.062f, 0.262f * s); }
static inline v3 hip(float s) { return V(0.0f, 0.090f, 0.092f * s); }
static inline v3 knee(float s) { return V(-0.450f, 0.072f, 0.100f * s); }
static inline v3 ankle(float s) { return V(-0.868f, 0.062f, 0.108f * s); }

static inline uint32_t pack4(float a, float b, float c, float d)
{
	uint32_t r = (uint32_t)lrintf(clampf(a, 0, 1) * 255.f), g = (uint32_t)lrintf(clampf(b, 0, 1) * 255.f);
	uint32_t bb = (uint32_t)lrintf(clampf(c, 0, 1) * 255.f), aa = (uint32_t)lrintf(clampf(d, 0, 1) * 255.f);
	return r | g << 8 | bb << 16 | aa << 24;
}

static inline uint32_t rgbm(float r, float g, float b, int mat) { return pack4(r, g, b, 0) | (uint32_t)mat << 24; }

/* A hand, palm up, in its own frame: a along the hand (to the fingertips), b out of the palm, c to the thumb. */
typedef struct hand_frame {
	v3 o, a, b, c;
	float s;
} hand_frame;

/* A foot of a supine patient: toes up, a little turned out. */
typedef struct foot_frame {
	v3 o, a, b, c; /* a heel to toes, b the top of the foot, c to the little toe */
	float s;
} foot_frame;

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

static inline v3 vpos(const bodygen *bg, uint32_t i) { return V(bg->v[i].pos[0], bg->v[i].pos[1], bg->v[i].pos[2]); }
static inline v3 vnrm(const bodygen *bg, uint32_t i) { return V(bg->v[i].normal[0], bg->v[i].normal[1], bg->v[i].normal[2]); }

typedef uint32_t (*color_fn)(region rg, v3 p, const void *ctx);

/* A mesh around a centre: directions on a sphere with its poles along `pole`, cast to the surface of s; `keep` is
 * asked per vertex (NULL: everything). */
typedef bool (*keep_fn)(v3 p, const void *ctx);

/* Where a radial mesh puts more samples: latitudes lat_lo..lat_hi and longitudes within lon_half of the front get
 * (1 + gain) times the density (the face of the head). */
typedef struct radial_focus {
	float lat_lo, lat_hi, lon_half, gain;
} radial_focus;

/* bodygen_shapes.c: the body's shapes and its vertices' attributes */
v3 bg_grad(const sdf *s, v3 p);
bool bg_ray_to_surface(const sdf *s, v3 c, v3 d, float rmax, v3 *out);
v3 bg_project(const sdf *s, v3 p);
extern const v3 bg_eye_c[2];
float bg_sd_torso(v3 p, const void *ctx);
float bg_sd_head(v3 p, const void *ctx);
float bg_sd_arm(v3 p, const void *ctx);
float bg_sd_leg(v3 p, const void *ctx);
hand_frame bg_hand_of(float s);
float bg_sd_hand(v3 p, const void *ctx);
foot_frame bg_foot_of(float s);
float bg_sd_foot(v3 p, const void *ctx);
float bg_hair_amount(v3 p);
void bg_attrs(body_vertex *o, region rg, v3 p, uint32_t color);
uint32_t bg_skin_color(region rg, v3 p);

extern const v3 bg_hair;  /* the hair's linear albedo */

/* bodygen_mesh.c: building meshes from distance fields */
bool bg_reserve(bodygen *bg, uint32_t nv, uint32_t ni);
uint32_t bg_vert(bodygen *bg, region rg, v3 p, v3 n, uint32_t color);
void bg_tri(bodygen *bg, uint32_t a, uint32_t b, uint32_t c);
void bg_quad(bodygen *bg, uint32_t a, uint32_t b, uint32_t c, uint32_t d);
void bg_grid_quads(bodygen *bg, uint32_t base, uint32_t nu, uint32_t nv, bool wrap, const bool *keep);
void bg_loft(bodygen *bg, region rg, const sdf *s, const v3 *pts, int npts, float t0, float t1, uint32_t nring,
             uint32_t nang, color_fn col, const void *cctx);
void bg_radial(bodygen *bg, region rg, const sdf *s, v3 c, v3 pole, v3 front, uint32_t nlon, uint32_t nlat,
               float lat0, float lat1, const radial_focus *focus, color_fn col, const void *cctx, keep_fn keep,
               const void *kctx);
void bg_surface_nets(bodygen *bg, region rg, const sdf *s, v3 lo, v3 hi, float h, color_fn col, const void *cctx);

#endif
