/* The patient's body and what care puts on it, meshed from distance fields at start-up (see bodygen.h). */
#include "bodygen_internal.h"

#include <stdlib.h>
#include <string.h>

static uint32_t color_skin(region rg, v3 p, const void *ctx)
{
	(void)ctx;
	return bg_skin_color(rg, p);
}

static uint32_t color_fixed(region rg, v3 p, const void *ctx)
{
	(void)rg;
	(void)p;
	return *(const uint32_t *)ctx;
}

/* ---- the skin ----------------------------------------------------------------------------------------------- */

static const uint32_t lod_div[BODY_LODS] = {1, 2};

static void build_trunk(bodygen *bg, uint32_t lod, float offset, region rg, color_fn col, const void *cctx)
{
	sdf s = {bg_sd_torso, NULL, offset};
	const v3 axis[2] = {{-0.17f, 0.095f, 0}, {0.665f, 0.100f, 0}};
	bg_loft(bg, rg, &s, axis, 2, 0.f, 1.f, lod ? 40 : 84, lod ? 30 : 64, col, cctx);
}

static void build_limbs(bodygen *bg, uint32_t lod)
{
	for (int si = 0; si < 2; si++) {
		float s = si ? 1.f : -1.f;
		sdf arm = {bg_sd_arm, &s, 0};
		v3 wr = wrist(s);
		const v3 apts[4] = {shoulder(s), elbow(s), wr, add(wr, scl(norm(sub(wr, elbow(s))), 0.03f))};
		bg_loft(bg, R_ARM, &arm, apts, 4, 0.f, 1.f, lod ? 22 : 40, lod ? 14 : 26, color_skin, NULL);
		sdf leg = {bg_sd_leg, &s, 0};
		v3 an = ankle(s);
		const v3 lpts[4] = {add(hip(s), V(0.04f, 0, -0.01f * s)), knee(s), an, add(an, scl(norm(sub(an, knee(s))), 0.02f))};
		bg_loft(bg, R_LEG, &leg, lpts, 4, 0.f, 1.f, lod ? 26 : 50, lod ? 16 : 30, color_skin, NULL);
		hand_frame hf = bg_hand_of(s);
		sdf hand = {bg_sd_hand, &hf, 0};
		v3 hlo = V(wr.x - 0.215f, wr.y - 0.035f, wr.z - 0.085f), hhi = V(wr.x + 0.03f, wr.y + 0.065f, wr.z + 0.085f);
		bg_surface_nets(bg, R_HAND, &hand, hlo, hhi, lod ? 0.0085f : 0.0046f, color_skin, NULL);
		foot_frame ff = bg_foot_of(s);
		sdf foot = {bg_sd_foot, &ff, 0};
		v3 flo = V(an.x - 0.20f, an.y - 0.06f, an.z - 0.09f), fhi = V(an.x + 0.05f, an.y + 0.26f, an.z + 0.09f);
		bg_surface_nets(bg, R_FOOT, &foot, flo, fhi, lod ? 0.014f : 0.0068f, color_skin, NULL);
	}
}

static void build_head(bodygen *bg, uint32_t lod)
{
	sdf s = {bg_sd_head, NULL, 0};
	/* short hair: the scalp pushed out a little where hair grows */
	const radial_focus face = {-0.75f, 0.40f, 0.62f, 2.6f};
	bg_radial(bg, R_HEAD, &s, hp(0.0f, 0.01f, 0), V(1, 0, 0), V(0, 1, 0), lod ? 44 : 100, lod ? 34 : 72,
	       -PI_F / 2 + 0.01f, PI_F / 2 - 0.01f, &face, color_skin, NULL, NULL, NULL);
	for (uint32_t i = bg->vcount - (lod ? 44u : 100u) * (lod ? 34u : 72u); i < bg->vcount; i++) {
		v3 p = vpos(bg, i);
		float hair = bg_hair_amount(p);
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
		v3 c = bg_eye_c[e];
		if (!bg_reserve(bg, nlat * nlon, nlat * nlon * 6))
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
				bg_vert(bg, R_EYE, add(c, scl(d, BODY_EYE_R)), d, rgbm(col.x, col.y, col.z, BODY_MAT_EYE));
			}
		}
		bg_grid_quads(bg, base, nlon, nlat, true, NULL);
		/* lids: u = +X up, f = +Y front, l = +Z; latitude from the front towards up */
		for (int lid = 0; lid < 2; lid++) {
			const float r = BODY_EYE_R + 0.0012f;
			float la0 = lid ? 24.f : -84.f, la1 = lid ? 86.f : -16.f;
			uint32_t nl = lod ? 5 : 14, no = lod ? 8 : 20;
			if (!bg_reserve(bg, (nl + 2) * no, (nl + 1) * no * 6))
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
					uint32_t colr = margin ? rgbm(0.09f, 0.05f, 0.035f, BODY_MAT_HAIR) : bg_skin_color(rg, p);
					bg_vert(bg, rg, p, d, colr);
				}
			}
			bg_grid_quads(bg, b0, no, nl, false, NULL);
			/* the lid's edge: a rounded margin (a short tube) so that it does not look like paper */
			uint32_t mrow = lid ? b0 : b0 + (nl - 1) * no;
			uint32_t b1 = bg->vcount;
			for (uint32_t i = 0; i < no; i++) {
				v3 p = vpos(bg, mrow + i), out = norm(sub(p, c));
				v3 ins = add(c, scl(out, BODY_EYE_R + 0.0001f));
				float la = (lid ? la0 : la1) * PI_F / 180.f;
				v3 dn = lid ? V(-cosf(la), sinf(la), 0) : V(cosf(la), -sinf(la), 0);
				(void)dn;
				bg_vert(bg, rg, ins, out, rgbm(0.35f, 0.18f, 0.15f, BODY_MAT_SKIN));
			}
			for (uint32_t i = 0; i + 1 < no; i++)
				bg_quad(bg, mrow + i, mrow + i + 1, b1 + i + 1, b1 + i);
		}
	}
}

/* The external jugular veins: from below the angle of the jaw across the neck to the middle of the clavicle, just
 * under the skin; the shader swells them out along their normals when distended. */
static void build_neck_veins(bodygen *bg, uint32_t lod)
{
	sdf s = {bg_sd_torso, NULL, 0};
	const uint32_t nseg = lod ? 10 : 18, nring = lod ? 6 : 10;
	for (int si = 0; si < 2; si++) {
		float sz = si ? 1.f : -1.f;
		v3 a = V(0.645f, 0.118f, 0.050f * sz), b = V(0.505f, 0.122f, 0.080f * sz);
		if (!bg_reserve(bg, (nseg + 1) * nring, nseg * nring * 6))
			return;
		uint32_t base = bg->vcount;
		for (uint32_t k = 0; k <= nseg; k++) {
			float t = (float)k / (float)nseg;
			v3 q = lerp3(a, b, t);
			/* onto the skin, seen from the neck's axis */
			v3 axis = V(q.x, 0.100f, 0);
			v3 onskin;
			bg_ray_to_surface(&s, axis, norm(sub(q, axis)), 0.3f, &onskin);
			v3 n = bg_grad(&s, onskin);
			float taper = sinf(PI_F * (0.08f + 0.84f * t));
			v3 ctr = sub(onskin, scl(n, 0.0022f));
			v3 tdir = norm(sub(b, a));
			v3 e1 = norm(cross(tdir, n)), e2 = cross(e1, tdir);
			for (uint32_t r = 0; r < nring; r++) {
				float ang = 2.f * PI_F * (float)r / (float)nring;
				v3 d = add(scl(e1, cosf(ang)), scl(e2, sinf(ang)));
				bg_vert(bg, R_VEIN, add(ctr, scl(d, 0.0015f)), scl(d, taper), rgbm(0.38f, 0.29f, 0.40f, BODY_MAT_SKIN));
			}
		}
		bg_grid_quads(bg, base, nring, nseg + 1, true, NULL);
	}
}

/* ---- the gown --------------------------------------------------------------------------------------------- */

/* the trunk and the thighs under one drape */
static float sd_drape(v3 p, const void *ctx)
{
	(void)ctx;
	float d = bg_sd_torso(p, NULL);
	float s = -1.f, t = 1.f;
	float legs = smin(bg_sd_leg(p, &s), bg_sd_leg(p, &t), 0.12f);
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
	if (!bg_reserve(bg, nring * nang, nring * nang * 6))
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
			bg_ray_to_surface(&s, c, d, 0.5f, &p);
			bg_vert(bg, R_GOWN, p, bg_grad(&s, p), gown_color(R_GOWN, p, NULL));
		}
	}
	bg_grid_quads(bg, base, nang, nring, true, NULL);
	if (open) { /* the folded edge: a roll around the waist */
		uint32_t top = base + (nring - 1) * nang, b0 = bg->vcount;
		const uint32_t nr = 8;
		if (!bg_reserve(bg, nang * nr, nang * nr * 6))
			return;
		for (uint32_t a = 0; a < nang; a++) {
			v3 p = vpos(bg, top + a), n = vnrm(bg, top + a);
			for (uint32_t k = 0; k < nr; k++) {
				float ang = 2.f * PI_F * (float)k / (float)nr;
				v3 d = add(scl(n, cosf(ang)), scl(V(1, 0, 0), sinf(ang)));
				bg_vert(bg, R_GOWN, add(add(p, scl(n, 0.008f)), scl(d, 0.010f)), d, gown_color(R_GOWN, p, NULL));
			}
		}
		bg_grid_quads(bg, b0, nr, nang, true, NULL);
		/* rows: each gown vertex's ring is a row of nr; wrap over nang too */
		for (uint32_t k = 0; k < nr; k++)
			bg_quad(bg, b0 + (nang - 1) * nr + k, b0 + (nang - 1) * nr + (k + 1) % nr, b0 + (k + 1) % nr, b0 + k);
		return;
	}
	/* short sleeves */
	for (int si = 0; si < 2; si++) {
		float sd = si ? 1.f : -1.f;
		sdf arm = {bg_sd_arm, &sd, 0.007f};
		const v3 pts[3] = {sub(shoulder(sd), V(0, 0, 0.02f * sd)), elbow(sd), wrist(sd)};
		bg_loft(bg, R_GOWN, &arm, pts, 3, 0.f, 0.27f, 14 / lod_div[lod] + 2, 28 / lod_div[lod] + 2, gown_color, NULL);
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
	return rgbm(bg_hair.x, bg_hair.y, bg_hair.z, BODY_MAT_HAIR);
}

static void build_long_hair(bodygen *bg, uint32_t lod)
{
	sdf s = {sd_long_hair, NULL, 0};
	bg_radial(bg, R_HAIR, &s, V(HEAD_X + 0.05f, 0.06f, 0), V(1, 0, 0), V(0, 1, 0), 64 / lod_div[lod], 40 / lod_div[lod],
	       -PI_F / 2 + 0.05f, PI_F / 2 - 0.05f, NULL, color_hair, NULL, keep_behind_head, NULL);
}

/* ---- things on the body ----------------------------------------------------------------------------------- */

/* A tube along a polyline (cables, lines, tubing). */
static void tube(bodygen *bg, region rg, const v3 *pts, int n, float radius, uint32_t color)
{
	const uint32_t nr = 8;
	if (n < 2 || !bg_reserve(bg, (uint32_t)n * nr, (uint32_t)n * nr * 6))
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
			bg_vert(bg, rg, add(pts[i], scl(d, radius)), d, color);
		}
	}
	bg_grid_quads(bg, base, nr, (uint32_t)n, true, NULL);
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
	sdf s = {bg_sd_torso, NULL, 0};
	n = norm(n);
	along = norm(sub(along, scl(n, dot(along, n))));
	v3 across = cross(n, along);
	if (!bg_reserve(bg, NU * NV + NB, NU * NV * 6 + NB * 6))
		return;
	uint32_t base = bg->vcount;
	for (int j = 0; j < NV; j++)
		for (int i = 0; i < NU; i++) {
			float u = ((float)i / (float)(NU - 1) - 0.5f) * w, v = ((float)j / (float)(NV - 1) - 0.5f) * h;
			if ((i == 0 || i == NU - 1) && (j == 0 || j == NV - 1)) /* rounded corners */
				u *= 0.86f, v *= 0.86f;
			v3 q = add(c, add(scl(along, u), scl(across, v))), p;
			bg_ray_to_surface(&s, add(q, scl(n, -0.08f)), n, 0.3f, &p);
			v3 sn = bg_grad(&s, p);
			bg_vert(bg, rg, add(p, scl(sn, thick)), sn, top);
		}
	bg_grid_quads(bg, base, NU, NV, false, NULL);
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
		bg_vert(bg, rg, sub(p, scl(sn, thick * 1.3f)), out, rim);
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
		/* straight into the index list: bg_tri() would orient by the top's normals */
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
	return bg_sd_head(p, NULL) > 0.003f;
}

/* a mask over the nose and mouth: an ellipsoid's cap clear of the face */
static void build_mask(bodygen *bg, region rg, float scale, uint32_t color)
{
	mask_ctx m = {hp(-0.042f, 0.088f, 0), V(0.058f * scale, 0.05f * scale, 0.045f * scale)};
	sdf s = {sd_mask_shell, &m, 0};
	bg_radial(bg, rg, &s, m.c, V(0, 1, 0), V(1, 0, 0), 40, 20, 0.f, PI_F / 2 - 0.05f, NULL, color_fixed, &color, keep_off_face,
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
	bg_radial(bg, R_BAG, &s, lerp3(g.a, g.b, 0.5f), norm(sub(g.b, g.a)), V(0, 1, 0), 28, 20, -PI_F / 2 + 0.08f,
	       PI_F / 2 - 0.08f, NULL, color_fixed, &col, NULL, NULL);
	const v3 valve[2] = {from, g.a};
	tube(bg, R_ON_HEAD, valve, 2, 0.011f, rgbm(0.1f, 0.1f, 0.11f, BODY_MAT_PLASTIC));
	/* the oxygen reservoir behind the bag */
	bag_ctx r = {add(g.b, V(0.01f, 0, 0)), add(g.b, V(0.17f, -0.02f, 0)), 0.045f};
	sdf rs = {sd_bag, &r, 0};
	uint32_t rc = rgbm(0.45f, 0.65f, 0.50f, BODY_MAT_PLASTIC);
	bg_radial(bg, R_ON_HEAD, &rs, lerp3(r.a, r.b, 0.5f), norm(sub(r.b, r.a)), V(0, 1, 0), 20, 12, -PI_F / 2 + 0.1f,
	       PI_F / 2 - 0.1f, NULL, color_fixed, &rc, NULL, NULL);
}

static void build_needle(bodygen *bg, bool left, bool second)
{
	float s = left ? 1.f : -1.f;
	v3 site = second ? V(0.445f, 0.26f, 0.078f * s) : V(0.255f, 0.17f, 0.148f * s);
	v3 n = second ? V(0, 1, 0.12f * s) : V(0, 0.5f, 1.f * s);
	sdf t = {bg_sd_torso, NULL, 0};
	v3 p;
	bg_ray_to_surface(&t, sub(site, scl(norm(n), 0.05f)), norm(n), 0.2f, &p);
	v3 nn = bg_grad(&t, p);
	const v3 hub[2] = {add(p, scl(nn, 0.003f)), add(p, scl(nn, 0.022f))};
	tube(bg, R_ON_CHEST, hub, 2, 0.004f, rgbm(0.75f, 0.55f, 0.10f, BODY_MAT_PLASTIC));
	const v3 cap[2] = {add(p, scl(nn, 0.022f)), add(p, scl(nn, 0.032f))};
	tube(bg, R_ON_CHEST, cap, 2, 0.0055f, rgbm(0.9f, 0.9f, 0.9f, BODY_MAT_PLASTIC));
}

static void build_drain(bodygen *bg, bool left)
{
	float s = left ? 1.f : -1.f;
	sdf t = {bg_sd_torso, NULL, 0};
	v3 from = V(0.25f, 0.10f, 0.0f), p;
	bg_ray_to_surface(&t, from, norm(V(0, -0.1f, s)), 0.3f, &p);
	v3 n = bg_grad(&t, p);
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
	if (!bg_reserve(bg, 4, 6))
		return;
	v3 n = norm(cross(sub(b, a), sub(d, a)));
	if (dot(n, sub(lerp3(a, c, 0.5f), inside)) < 0.f)
		n = scl(n, -1.f);
	uint32_t base = bg->vcount;
	bg_vert(bg, R_FIXED, a, n, color);
	bg_vert(bg, R_FIXED, b, n, color);
	bg_vert(bg, R_FIXED, c, n, color);
	bg_vert(bg, R_FIXED, d, n, color);
	bg_quad(bg, base, base + 1, base + 2, base + 3);
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
			bg_radial(bg, R_ON_HEAD, &rs, lerp3(r.a, r.b, 0.5f), norm(sub(r.b, r.a)), V(0, 1, 0), 24, 14, -PI_F / 2 + 0.1f,
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
		sdf arm = {bg_sd_arm, &(float){-1.f}, 0};
		v3 p;
		bg_ray_to_surface(&arm, el, V(0, 1, 0), 0.2f, &p);
		v3 n = bg_grad(&arm, p);
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
		sdf leg = {bg_sd_leg, &(float){-1.f}, 0};
		v3 p;
		bg_ray_to_surface(&leg, site, V(0, 1, 0), 0.2f, &p);
		v3 n = bg_grad(&leg, p);
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
		sdf s = {bg_sd_hand, &h, 0};
		uint32_t glove = rgbm(0.25f, 0.42f, 0.80f, BODY_MAT_PLASTIC);
		bg_surface_nets(bg, R_FIXED, &s, V(-0.09f, -0.06f, -0.17f), V(0.09f, 0.05f, 0.115f), 0.0045f, color_fixed, &glove);
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
	sdf s = {bg_sd_torso, NULL, 0};
	v3 from = V(x, 0.02f, z), p;
	if (x < -0.1f || x > 0.52f || F(&s, from) >= 0.f)
		return NAN;
	bg_ray_to_surface(&s, from, V(0, 1, 0), 0.4f, &p);
	return p.y;
}
