/* Meshing distance fields: lofts, radial meshes and surface nets (see bodygen.h). */
#include "bodygen_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- mesh building ---------------------------------------------------------------------------------------- */

void bodygen_init(bodygen *bg) { memset(bg, 0, sizeof *bg); }

void bodygen_fini(bodygen *bg)
{
	free(bg->v);
	free(bg->idx);
	memset(bg, 0, sizeof *bg);
}

bool bg_reserve(bodygen *bg, uint32_t nv, uint32_t ni)
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

uint32_t bg_vert(bodygen *bg, region rg, v3 p, v3 n, uint32_t color)
{
	body_vertex *o = &bg->v[bg->vcount];
	bg_attrs(o, rg, p, color);
	n = norm(n);
	memcpy(o->normal, &n, sizeof o->normal);
	return bg->vcount++;
}


/* A triangle wound counter-clockwise seen from the side its vertices' normals point to; degenerate ones dropped. */
void bg_tri(bodygen *bg, uint32_t a, uint32_t b, uint32_t c)
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

void bg_quad(bodygen *bg, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	/* split along the shorter diagonal */
	if (len(sub(vpos(bg, a), vpos(bg, c))) <= len(sub(vpos(bg, b), vpos(bg, d)))) {
		bg_tri(bg, a, b, c);
		bg_tri(bg, a, c, d);
	} else {
		bg_tri(bg, a, b, d);
		bg_tri(bg, b, c, d);
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
void bg_grid_quads(bodygen *bg, uint32_t base, uint32_t nu, uint32_t nv, bool wrap, const bool *keep)
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
void bg_loft(bodygen *bg, region rg, const sdf *s, const v3 *pts, int npts, float t0, float t1, uint32_t nring,
             uint32_t nang, color_fn col, const void *cctx)
{
	if (!bg_reserve(bg, nring * nang, (nring - 1) * nang * 6))
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
			bool hit = bg_ray_to_surface(s, c, d, 0.4f, &p);
			v3 n = hit ? bg_grad(s, p) : tan;
			bg_vert(bg, rg, p, n, col(rg, p, cctx));
		}
	}
	bg_grid_quads(bg, base, nang, nring, true, NULL);
}

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

void bg_radial(bodygen *bg, region rg, const sdf *s, v3 c, v3 pole, v3 front, uint32_t nlon, uint32_t nlat,
               float lat0, float lat1, const radial_focus *focus, color_fn col, const void *cctx, keep_fn keep,
               const void *kctx)
{
	if (!bg_reserve(bg, nlon * nlat, nlon * (nlat - 1) * 6))
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
			bg_ray_to_surface(s, c, d, 0.4f, &p);
			bg_vert(bg, rg, p, bg_grad(s, p), col(rg, p, cctx));
			if (kept)
				kept[j * nlon + i] = keep(p, kctx);
		}
	}
	bg_grid_quads(bg, base, nlon, nlat, true, kept);
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

void bg_surface_nets(bodygen *bg, region rg, const sdf *s, v3 lo, v3 hi, float h, color_fn col, const void *cctx)
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
				v3 p = bg_project(s, add(lo, scl(sum, h / (float)m)));
				if (!bg_reserve(bg, 1, 0))
					goto out;
				n.cell[NIDX(&n, i, j, k)] = bg_vert(bg, rg, p, bg_grad(s, p), col(rg, p, cctx));
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
					if (ok && bg_reserve(bg, 0, 6))
						bg_quad(bg, vv[0], vv[1], vv[2], vv[3]);
				}
			}
out:
	free(n.val);
	free(n.cell);
	free(n.block);
}
