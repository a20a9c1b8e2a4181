/* Procedural meshes: primitives composed into the scene's static meshes (metres, +Y up, front faces CCW). */
#include "meshgen.h"
#include "bodygen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI_F 3.14159265358979f

void meshgen_init(meshgen *mg)
{
	memset(mg, 0, sizeof(*mg));
	scrub_render_identity(mg->xf);
	mg->color = 0xffffffffu;
}

void meshgen_fini(meshgen *mg)
{
	free(mg->v);
	free(mg->idx);
	memset(mg, 0, sizeof(*mg));
}

uint32_t meshgen_rgba(float r, float g, float b)
{
	uint32_t ri = (uint32_t)lrintf(fminf(fmaxf(r, 0.f), 1.f) * 255.f);
	uint32_t gi = (uint32_t)lrintf(fminf(fmaxf(g, 0.f), 1.f) * 255.f);
	uint32_t bi = (uint32_t)lrintf(fminf(fmaxf(b, 0.f), 1.f) * 255.f);
	return ri | gi << 8 | bi << 16 | 0xffu << 24;
}

static bool reserve(meshgen *mg, uint32_t nv, uint32_t ni)
{
	if (mg->failed)
		return false;
	if (mg->vcount + nv > mg->vcap) {
		uint32_t cap = mg->vcap ? mg->vcap : 256;
		while (cap < mg->vcount + nv)
			cap *= 2;
		meshgen_vertex *v = realloc(mg->v, cap * sizeof(*v));
		if (!v) {
			mg->failed = true;
			return false;
		}
		mg->v = v;
		mg->vcap = cap;
	}
	if (mg->icount + ni > mg->icap) {
		uint32_t cap = mg->icap ? mg->icap : 512;
		while (cap < mg->icount + ni)
			cap *= 2;
		uint32_t *idx = realloc(mg->idx, cap * sizeof(*idx));
		if (!idx) {
			mg->failed = true;
			return false;
		}
		mg->idx = idx;
		mg->icap = cap;
	}
	return true;
}

static uint32_t vert(meshgen *mg, const float p[3], const float n[3], float u, float v)
{
	const float *m = mg->xf;
	meshgen_vertex *o = &mg->v[mg->vcount];
	for (int i = 0; i < 3; i++) {
		o->pos[i] = m[i] * p[0] + m[4 + i] * p[1] + m[8 + i] * p[2] + m[12 + i];
		o->normal[i] = m[i] * n[0] + m[4 + i] * n[1] + m[8 + i] * n[2];
	}
	float len = sqrtf(o->normal[0] * o->normal[0] + o->normal[1] * o->normal[1] + o->normal[2] * o->normal[2]);
	if (len > 0.f)
		for (int i = 0; i < 3; i++)
			o->normal[i] /= len;
	o->uv[0] = u;
	o->uv[1] = v;
	o->color = mg->color;
	return mg->vcount++;
}

static void tri(meshgen *mg, uint32_t a, uint32_t b, uint32_t c)
{
	mg->idx[mg->icount++] = a;
	mg->idx[mg->icount++] = b;
	mg->idx[mg->icount++] = c;
}

static void quad(meshgen *mg, const float c[3], const float n[3], const float u[3], const float v[3])
{
	if (!reserve(mg, 4, 6))
		return;
	float p[4][3];
	static const float su[4] = {-1, 1, 1, -1}, sv[4] = {-1, -1, 1, 1};
	uint32_t base = mg->vcount;
	for (int k = 0; k < 4; k++) {
		for (int i = 0; i < 3; i++)
			p[k][i] = c[i] + su[k] * u[i] + sv[k] * v[i];
		vert(mg, p[k], n, (su[k] + 1) * 0.5f, (sv[k] + 1) * 0.5f);
	}
	tri(mg, base, base + 1, base + 2);
	tri(mg, base, base + 2, base + 3);
}

/* The six faces of a box: normal, u, v with u x v = normal. */
static const float box_faces[6][3][3] = {
	{{-1, 0, 0}, {0, 0, 1}, {0, 1, 0}},
	{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
	{{0, -1, 0}, {1, 0, 0}, {0, 0, 1}},
	{{0, 1, 0}, {0, 0, 1}, {1, 0, 0}},
	{{0, 0, -1}, {0, 1, 0}, {1, 0, 0}},
	{{0, 0, 1}, {1, 0, 0}, {0, 1, 0}},
};

void meshgen_box(meshgen *mg, float cx, float cy, float cz, float sx, float sy, float sz)
{
	const float h[3] = {sx * 0.5f, sy * 0.5f, sz * 0.5f};
	for (int f = 0; f < 6; f++) {
		float c[3], u[3], v[3];
		for (int i = 0; i < 3; i++) {
			c[i] = (i == 0 ? cx : i == 1 ? cy : cz) + box_faces[f][0][i] * h[i];
			u[i] = box_faces[f][1][i] * h[i];
			v[i] = box_faces[f][2][i] * h[i];
		}
		quad(mg, c, box_faces[f][0], u, v);
	}
}

void meshgen_room(meshgen *mg, float sx, float sy, float sz, const uint32_t face_colors[6])
{
	const float h[3] = {sx * 0.5f, sy * 0.5f, sz * 0.5f};
	uint32_t keep = mg->color;
	for (int f = 0; f < 6; f++) {
		float c[3], u[3], v[3], n[3];
		for (int i = 0; i < 3; i++) {
			c[i] = box_faces[f][0][i] * h[i] + (i == 1 ? h[1] : 0.f);
			/* swapping u and v flips the winding: the face is seen from inside */
			u[i] = box_faces[f][2][i] * h[i];
			v[i] = box_faces[f][1][i] * h[i];
			n[i] = -box_faces[f][0][i];
		}
		mg->color = face_colors[f];
		quad(mg, c, n, u, v);
	}
	mg->color = keep;
}

static void basis(const float d[3], float e1[3], float e2[3])
{
	/* e1 x e2 = d */
	float t[3] = {0, 1, 0};
	if (fabsf(d[1]) > 0.9f) {
		t[0] = 1;
		t[1] = 0;
	}
	/* e1 = normalize(t x d) */
	e1[0] = t[1] * d[2] - t[2] * d[1];
	e1[1] = t[2] * d[0] - t[0] * d[2];
	e1[2] = t[0] * d[1] - t[1] * d[0];
	float l = sqrtf(e1[0] * e1[0] + e1[1] * e1[1] + e1[2] * e1[2]);
	for (int i = 0; i < 3; i++)
		e1[i] /= l;
	e2[0] = d[1] * e1[2] - d[2] * e1[1];
	e2[1] = d[2] * e1[0] - d[0] * e1[2];
	e2[2] = d[0] * e1[1] - d[1] * e1[0];
}

void meshgen_cylinder(meshgen *mg, const float a[3], const float b[3], float radius, uint32_t segments)
{
	float d[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
	float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
	if (len <= 0.f || segments < 3)
		return;
	for (int i = 0; i < 3; i++)
		d[i] /= len;
	float e1[3], e2[3];
	basis(d, e1, e2);
	if (!reserve(mg, (segments + 1) * 2 + 2 * (segments + 1), segments * 12))
		return;
	uint32_t side = mg->vcount;
	for (uint32_t s = 0; s <= segments; s++) {
		float th = 2.f * PI_F * (float)s / (float)segments;
		float n[3], pa[3], pb[3];
		for (int i = 0; i < 3; i++) {
			n[i] = cosf(th) * e1[i] + sinf(th) * e2[i];
			pa[i] = a[i] + radius * n[i];
			pb[i] = b[i] + radius * n[i];
		}
		vert(mg, pa, n, (float)s / (float)segments, 0.f);
		vert(mg, pb, n, (float)s / (float)segments, 1.f);
	}
	for (uint32_t s = 0; s < segments; s++) {
		uint32_t a0 = side + 2 * s, b0 = a0 + 1, a1 = a0 + 2, b1 = a0 + 3;
		tri(mg, a0, a1, b1);
		tri(mg, a0, b1, b0);
	}
	for (int cap = 0; cap < 2; cap++) {
		const float *c = cap ? b : a;
		float n[3] = {cap ? d[0] : -d[0], cap ? d[1] : -d[1], cap ? d[2] : -d[2]};
		uint32_t centre = vert(mg, c, n, 0.5f, 0.5f);
		uint32_t ring = mg->vcount;
		for (uint32_t s = 0; s < segments; s++) {
			float th = 2.f * PI_F * (float)s / (float)segments, p[3];
			for (int i = 0; i < 3; i++)
				p[i] = c[i] + radius * (cosf(th) * e1[i] + sinf(th) * e2[i]);
			vert(mg, p, n, 0.5f + 0.5f * cosf(th), 0.5f + 0.5f * sinf(th));
		}
		for (uint32_t s = 0; s < segments; s++) {
			uint32_t r0 = ring + s, r1 = ring + (s + 1) % segments;
			if (cap)
				tri(mg, centre, r0, r1);
			else
				tri(mg, centre, r1, r0);
		}
	}
}

void meshgen_sphere(meshgen *mg, const float c[3], float radius, uint32_t segments)
{
	uint32_t rings = segments / 2 < 2 ? 2 : segments / 2;
	if (!reserve(mg, (rings + 1) * (segments + 1), rings * segments * 6))
		return;
	uint32_t base = mg->vcount;
	for (uint32_t j = 0; j <= rings; j++) {
		float lat = -PI_F / 2 + PI_F * (float)j / (float)rings;
		for (uint32_t i = 0; i <= segments; i++) {
			float th = 2.f * PI_F * (float)i / (float)segments;
			float n[3] = {cosf(lat) * cosf(th), sinf(lat), cosf(lat) * sinf(th)};
			float p[3] = {c[0] + radius * n[0], c[1] + radius * n[1], c[2] + radius * n[2]};
			vert(mg, p, n, (float)i / (float)segments, (float)j / (float)rings);
		}
	}
	for (uint32_t j = 0; j < rings; j++)
		for (uint32_t i = 0; i < segments; i++) {
			uint32_t p00 = base + j * (segments + 1) + i, p01 = p00 + 1;
			uint32_t p10 = p00 + segments + 1, p11 = p10 + 1;
			tri(mg, p00, p10, p11);
			tri(mg, p00, p11, p01);
		}
}

void meshgen_capsule(meshgen *mg, const float a[3], const float b[3], float radius, uint32_t segments)
{
	meshgen_cylinder(mg, a, b, radius, segments);
	meshgen_sphere(mg, a, radius, segments);
	meshgen_sphere(mg, b, radius, segments);
}

void meshgen_torus(meshgen *mg, const float c[3], float major, float minor, uint32_t seg_major, uint32_t seg_minor)
{
	if (!reserve(mg, (seg_major + 1) * (seg_minor + 1), seg_major * seg_minor * 6))
		return;
	uint32_t base = mg->vcount;
	for (uint32_t i = 0; i <= seg_major; i++) {
		float u = 2.f * PI_F * (float)i / (float)seg_major;
		for (uint32_t j = 0; j <= seg_minor; j++) {
			float v = 2.f * PI_F * (float)j / (float)seg_minor;
			float n[3] = {cosf(v) * cosf(u), cosf(v) * sinf(u), sinf(v)};
			float p[3] = {c[0] + (major + minor * cosf(v)) * cosf(u), c[1] + (major + minor * cosf(v)) * sinf(u),
			              c[2] + minor * sinf(v)};
			vert(mg, p, n, (float)i / (float)seg_major, (float)j / (float)seg_minor);
		}
	}
	for (uint32_t i = 0; i < seg_major; i++)
		for (uint32_t j = 0; j < seg_minor; j++) {
			uint32_t p00 = base + i * (seg_minor + 1) + j, p01 = p00 + 1;
			uint32_t p10 = p00 + seg_minor + 1, p11 = p10 + 1;
			tri(mg, p00, p10, p11);
			tri(mg, p00, p11, p01);
		}
}

void meshgen_prism(meshgen *mg, const float *xy, uint32_t n, float thickness)
{
	if (n < 3 || !reserve(mg, 2 * n + 4 * n, 6 * (n - 2) + 6 * n))
		return;
	float h = thickness * 0.5f;
	for (int side = 0; side < 2; side++) {
		float nz = side ? 1.f : -1.f;
		float nn[3] = {0, 0, nz};
		uint32_t base = mg->vcount;
		for (uint32_t k = 0; k < n; k++) {
			float p[3] = {xy[2 * k], xy[2 * k + 1], nz * h};
			vert(mg, p, nn, xy[2 * k], xy[2 * k + 1]);
		}
		for (uint32_t k = 1; k + 1 < n; k++) {
			if (side)
				tri(mg, base, base + k, base + k + 1);
			else
				tri(mg, base, base + k + 1, base + k);
		}
	}
	for (uint32_t k = 0; k < n; k++) {
		const float *p0 = &xy[2 * k], *p1 = &xy[2 * ((k + 1) % n)];
		float ex = p1[0] - p0[0], ey = p1[1] - p0[1], l = sqrtf(ex * ex + ey * ey);
		if (l <= 0.f)
			continue;
		float nn[3] = {ey / l, -ex / l, 0};
		float q[4][3] = {{p0[0], p0[1], -h}, {p1[0], p1[1], -h}, {p1[0], p1[1], h}, {p0[0], p0[1], h}};
		uint32_t base = mg->vcount;
		for (int i = 0; i < 4; i++)
			vert(mg, q[i], nn, 0.f, 0.f);
		tri(mg, base, base + 1, base + 2);
		tri(mg, base, base + 2, base + 3);
	}
}

/* Rotation of +90 degrees about X: local XY plane onto world XZ (a flat profile lying down). */
static void set_flat(meshgen *mg, float tx, float ty, float tz)
{
	scrub_render_identity(mg->xf);
	mg->xf[5] = 0.f;
	mg->xf[6] = -1.f; /* y -> -z ... column 1 = image of +Y */
	mg->xf[9] = 1.f;  /* column 2 = image of +Z = +Y */
	mg->xf[10] = 0.f;
	mg->xf[12] = tx;
	mg->xf[13] = ty;
	mg->xf[14] = tz;
}

static void build_room(meshgen *mg)
{
	const uint32_t faces[6] = {
		meshgen_rgba(0.42f, 0.55f, 0.50f), meshgen_rgba(0.42f, 0.55f, 0.50f), /* walls: theatre green */
		meshgen_rgba(0.28f, 0.30f, 0.33f),                                    /* floor */
		meshgen_rgba(0.80f, 0.80f, 0.78f),                                    /* ceiling */
		meshgen_rgba(0.45f, 0.58f, 0.53f), meshgen_rgba(0.45f, 0.58f, 0.53f),
	};
	meshgen_room(mg, 7.f, 3.f, 7.f, faces);
	/* the surgical lamp above the table */
	mg->color = meshgen_rgba(0.85f, 0.85f, 0.85f);
	float a[3] = {0, 3.0f, 0}, b[3] = {0, 2.2f, 0};
	meshgen_cylinder(mg, a, b, 0.03f, 10);
	float c0[3] = {0, 2.2f, 0}, c1[3] = {0, 2.12f, 0};
	meshgen_cylinder(mg, c0, c1, 0.35f, 32);
}

static void build_table(meshgen *mg)
{
	mg->color = meshgen_rgba(0.20f, 0.26f, 0.34f);
	meshgen_box(mg, 0, 0.86f, 0, 2.0f, 0.08f, 0.60f); /* padded top, surface at y = 0.90 */
	mg->color = meshgen_rgba(0.65f, 0.66f, 0.68f);
	meshgen_box(mg, 0, 0.80f, 0, 1.9f, 0.04f, 0.5f);
	float a[3] = {0, 0.05f, 0}, b[3] = {0, 0.78f, 0};
	meshgen_cylinder(mg, a, b, 0.09f, 20);
	meshgen_box(mg, 0, 0.03f, 0, 0.9f, 0.06f, 0.45f);
}

static void build_tray(meshgen *mg)
{
	/* Mayo stand: tray 0.50 x 0.35 m at y = 1.00 with a rim, on a post */
	mg->color = meshgen_rgba(0.8f, 0.8f, 0.82f);
	meshgen_box(mg, 0, 1.0f, 0, 0.50f, 0.01f, 0.35f);
	meshgen_box(mg, 0, 1.015f, -0.17f, 0.50f, 0.03f, 0.01f);
	meshgen_box(mg, 0, 1.015f, 0.17f, 0.50f, 0.03f, 0.01f);
	meshgen_box(mg, -0.245f, 1.015f, 0, 0.01f, 0.03f, 0.35f);
	meshgen_box(mg, 0.245f, 1.015f, 0, 0.01f, 0.03f, 0.35f);
	float a[3] = {0.2f, 0.02f, 0}, b[3] = {0.2f, 0.995f, 0};
	meshgen_cylinder(mg, a, b, 0.015f, 12);
	meshgen_box(mg, 0.2f, 0.01f, 0, 0.45f, 0.02f, 0.1f);
}

static void build_scalpel(meshgen *mg)
{
	/* handle along -X, blade along +X, lying flat; origin at the handle/blade joint, 16 cm long */
	mg->color = meshgen_rgba(0.75f, 0.76f, 0.78f);
	meshgen_box(mg, -0.06f, 0.002f, 0, 0.12f, 0.004f, 0.011f);
	const float blade[] = {0.0f, -0.004f, 0.030f, -0.004f, 0.040f, 0.0f, 0.032f, 0.004f, 0.0f, 0.004f};
	mg->color = meshgen_rgba(0.92f, 0.92f, 0.95f);
	set_flat(mg, 0, 0.002f, 0);
	meshgen_prism(mg, blade, 5, 0.001f);
	scrub_render_identity(mg->xf);
}

static void build_forceps(meshgen *mg)
{
	/* two tines diverging from the hinge at the origin towards +X, 14 cm */
	mg->color = meshgen_rgba(0.78f, 0.79f, 0.81f);
	for (int s = -1; s <= 1; s += 2) {
		float a[3] = {0, 0.003f, 0}, b[3] = {0.13f, 0.003f, (float)s * 0.008f}, c[3] = {0.14f, 0.003f, (float)s * 0.004f};
		meshgen_capsule(mg, a, b, 0.0025f, 8);
		meshgen_capsule(mg, b, c, 0.002f, 8);
	}
}

/* the shanks of a ringed instrument from its joint at the origin back along -X to its two finger rings */
static void ring_handles(meshgen *mg, float shank_x, float shank_z, float ring_x, float ring_z)
{
	for (int s = -1; s <= 1; s += 2) {
		float a[3] = {0, 0.004f, 0}, b[3] = {shank_x, 0.004f, (float)s * shank_z};
		meshgen_capsule(mg, a, b, 0.0028f, 8);
		float tf[16];
		memcpy(tf, mg->xf, sizeof(tf));
		set_flat(mg, 0, 0, 0);
		/* flat: local (x, y, z) -> world (x, z, -y); rings lie in the XZ plane */
		float c[3] = {ring_x, -(float)s * ring_z, 0.004f};
		meshgen_torus(mg, c, 0.011f, 0.0025f, 20, 8);
		memcpy(mg->xf, tf, sizeof(tf));
	}
}

static void build_needle_driver(meshgen *mg)
{
	/* jaws at +X, box joint at the origin, finger rings at -X, 15 cm */
	mg->color = meshgen_rgba(0.72f, 0.73f, 0.75f);
	float j0[3] = {0.0f, 0.004f, 0}, j1[3] = {0.045f, 0.004f, 0};
	meshgen_capsule(mg, j0, j1, 0.003f, 10);
	meshgen_box(mg, 0, 0.004f, 0, 0.012f, 0.008f, 0.010f);
	ring_handles(mg, -0.085f, 0.018f, -0.097f, 0.022f);
	mg->color = meshgen_rgba(0.85f, 0.70f, 0.20f); /* gold handles: tungsten carbide inserts */
	meshgen_box(mg, 0.035f, 0.004f, 0, 0.02f, 0.007f, 0.007f);
}

static void build_scissors(meshgen *mg)
{
	/* suture scissors: two flat blades from the pivot at the origin to their blunt tips at +X (45 mm), slightly
	 * open; finger rings at -X, 14 cm */
	mg->color = meshgen_rgba(0.80f, 0.81f, 0.83f);
	for (int s = -1; s <= 1; s += 2) {
		float a[3] = {-0.004f, 0.004f, 0}, b[3] = {0.042f, 0.004f, (float)s * 0.004f};
		meshgen_capsule(mg, a, b, 0.0022f, 8);
	}
	float p[3] = {0, 0.0065f, 0}, q[3] = {0, 0.0015f, 0};
	meshgen_cylinder(mg, p, q, 0.0035f, 10); /* the screw */
	ring_handles(mg, -0.078f, 0.016f, -0.090f, 0.020f);
}

static void build_crash_cart(meshgen *mg)
{
	/* 0.60 x 1.00 x 0.50 m red cart, origin on the floor at its centre, drawers facing +Z */
	mg->color = meshgen_rgba(0.62f, 0.07f, 0.06f);
	meshgen_box(mg, 0, 0.55f, 0, 0.60f, 0.90f, 0.50f);
	mg->color = meshgen_rgba(0.85f, 0.85f, 0.85f);
	meshgen_box(mg, 0, 1.02f, 0, 0.64f, 0.04f, 0.54f);
	for (int d = 0; d < 4; d++) {
		float y = 0.22f + 0.21f * (float)d;
		mg->color = meshgen_rgba(0.75f, 0.10f, 0.08f);
		meshgen_box(mg, 0, y, 0.255f, 0.54f, 0.18f, 0.01f);
		mg->color = meshgen_rgba(0.8f, 0.8f, 0.8f);
		float a[3] = {-0.15f, y + 0.05f, 0.275f}, b[3] = {0.15f, y + 0.05f, 0.275f};
		meshgen_cylinder(mg, a, b, 0.008f, 8);
	}
	mg->color = meshgen_rgba(0.08f, 0.08f, 0.08f);
	for (int w = 0; w < 4; w++) {
		float x = (w & 1) ? 0.25f : -0.25f, z = (w & 2) ? 0.2f : -0.2f;
		float a[3] = {x - 0.02f, 0.05f, z}, b[3] = {x + 0.02f, 0.05f, z};
		meshgen_cylinder(mg, a, b, 0.05f, 14);
	}
}

static void build_defibrillator(meshgen *mg)
{
	/* 0.34 x 0.26 x 0.22 m, origin at the bottom centre, screen facing +Z; buttons as scrub_render.h places them */
	mg->color = meshgen_rgba(0.80f, 0.78f, 0.70f);
	meshgen_box(mg, 0, 0.13f, 0, 0.34f, 0.26f, 0.22f);
	mg->color = meshgen_rgba(0.03f, 0.05f, 0.04f);
	meshgen_box(mg, -0.04f, 0.16f, 0.111f, 0.18f, 0.13f, 0.004f);
	const struct {
		float y, r, g, b;
	} buttons[] = {
		{SCRUB_DEFIB_POWER_Y, 0.10f, 0.65f, 0.15f}, {SCRUB_DEFIB_ENERGY_Y, 0.55f, 0.55f, 0.58f},
		{SCRUB_DEFIB_ANALYSE_Y, 0.10f, 0.35f, 0.80f}, {SCRUB_DEFIB_CHARGE_Y, 0.90f, 0.75f, 0.05f},
		{SCRUB_DEFIB_SHOCK_Y, 0.80f, 0.10f, 0.08f},
	};
	for (size_t i = 0; i < sizeof buttons / sizeof buttons[0]; i++) {
		mg->color = meshgen_rgba(buttons[i].r, buttons[i].g, buttons[i].b);
		meshgen_box(mg, SCRUB_DEFIB_BUTTON_X, buttons[i].y, SCRUB_DEFIB_BUTTON_Z - 0.004f, 0.05f, 0.03f, 0.008f);
	}
	mg->color = meshgen_rgba(0.15f, 0.15f, 0.16f);
	for (int s = -1; s <= 1; s += 2) { /* paddles in their holders on the sides */
		float a[3] = {(float)s * 0.19f, 0.10f, 0}, b[3] = {(float)s * 0.19f, 0.22f, 0};
		meshgen_capsule(mg, a, b, 0.03f, 12);
	}
}

static void build_iv_stand(meshgen *mg)
{
	/* a drip stand with a 1 L bag, origin on the floor at the stand's foot */
	mg->color = meshgen_rgba(0.70f, 0.71f, 0.73f);
	float a[3] = {0, 0.04f, 0}, b[3] = {0, 1.85f, 0};
	meshgen_cylinder(mg, a, b, 0.012f, 10);
	for (int k = 0; k < 5; k++) {
		float ang = 2.f * PI_F * (float)k / 5.f, f[3] = {0.28f * cosf(ang), 0.03f, 0.28f * sinf(ang)};
		meshgen_cylinder(mg, a, f, 0.012f, 8);
	}
	float h0[3] = {-0.12f, 1.80f, 0}, h1[3] = {0.12f, 1.80f, 0};
	meshgen_cylinder(mg, h0, h1, 0.008f, 8);
	mg->color = meshgen_rgba(0.82f, 0.88f, 0.92f);
	meshgen_box(mg, 0.0f, 1.62f, 0, 0.12f, 0.22f, 0.04f);
	mg->color = meshgen_rgba(0.95f, 0.95f, 0.95f);
	meshgen_box(mg, 0.0f, 1.66f, 0.021f, 0.08f, 0.06f, 0.002f); /* the label */
	mg->color = meshgen_rgba(0.80f, 0.84f, 0.86f);
	float c0[3] = {0, 1.51f, 0}, c1[3] = {0, 1.44f, 0};
	meshgen_cylinder(mg, c0, c1, 0.009f, 8); /* the drip chamber */
}

static void build_pad(meshgen *mg)
{
	mg->color = meshgen_rgba(0.86f, 0.86f, 0.84f);
	meshgen_box(mg, 0, 0.002f, 0, 0.125f, 0.004f, 0.085f);
	mg->color = meshgen_rgba(0.60f, 0.05f, 0.04f);
	meshgen_box(mg, 0, 0.0045f, 0, 0.03f, 0.001f, 0.022f);
	mg->color = meshgen_rgba(0.05f, 0.05f, 0.06f);
	float a[3] = {0.06f, 0.004f, 0}, b[3] = {0.16f, 0.01f, 0};
	meshgen_cylinder(mg, a, b, 0.003f, 6);
}

/* a mesh from the body's shapes (bodygen.c), in one colour per vertex as generated */
static void build_from_body(meshgen *mg, scrub_render_mesh mesh)
{
	bodygen bg;
	bodygen_init(&bg);
	bodygen_static(&bg, mesh);
	if (bg.failed || !reserve(mg, bg.vcount, bg.icount)) {
		mg->failed = true;
		bodygen_fini(&bg);
		return;
	}
	uint32_t base = mg->vcount;
	for (uint32_t i = 0; i < bg.vcount; i++) {
		meshgen_vertex *o = &mg->v[mg->vcount++];
		memcpy(o->pos, bg.v[i].pos, sizeof o->pos);
		memcpy(o->normal, bg.v[i].normal, sizeof o->normal);
		o->uv[0] = o->uv[1] = 0.f;
		o->color = bg.v[i].color | 0xffu << 24;
	}
	for (uint32_t i = 0; i < bg.icount; i++)
		mg->idx[mg->icount++] = base + bg.idx[i];
	bodygen_fini(&bg);
}

void meshgen_build(meshgen *mg, scrub_render_mesh mesh)
{
	scrub_render_identity(mg->xf);
	switch (mesh) {
	case SCRUB_MESH_ROOM: build_room(mg); break;
	case SCRUB_MESH_TABLE: build_table(mg); break;
	case SCRUB_MESH_TRAY: build_tray(mg); break;
	case SCRUB_MESH_SCALPEL: build_scalpel(mg); break;
	case SCRUB_MESH_FORCEPS: build_forceps(mg); break;
	case SCRUB_MESH_NEEDLE_DRIVER: build_needle_driver(mg); break;
	case SCRUB_MESH_SCISSORS: build_scissors(mg); break;
	case SCRUB_MESH_CRASH_CART: build_crash_cart(mg); break;
	case SCRUB_MESH_DEFIBRILLATOR: build_defibrillator(mg); break;
	case SCRUB_MESH_IV_STAND: build_iv_stand(mg); break;
	case SCRUB_MESH_PAD: build_pad(mg); break;
	case SCRUB_MESH_GLOVE_LEFT:
	case SCRUB_MESH_GLOVE_RIGHT:
	case SCRUB_MESH_BVM: build_from_body(mg, mesh); break;
	case SCRUB_MESH_COUNT: break;
	}
	scrub_render_identity(mg->xf);
}
