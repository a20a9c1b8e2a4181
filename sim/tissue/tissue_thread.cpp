/* The suture thread: a chain of particles (position-based, Gauss-Seidel), anchored at the
 * needle's swage, threaded through the bites (eyelets fixed in the material), kept above the
 * skin and off the instruments; it sleeps like the tissue. Scissors cut it. */
#include <algorithm>
#include <cstring>

#define SCRUB_LOG_MODULE "tissue"
extern "C" {
#include "log.h"
}
#include "tissue_internal.hpp"

namespace tissue {
namespace {

btVector3 swage_pos(const Hand &hd)
{
	return hd.pos + rotate(hd.rot, btVector3(kNeedleRadius, 0, 0));
}

/* The top grid of the skin, read once per thread step (the skin does not move while the thread
 * is solved): its nodes' heights and the figures skin_height needs, copied out of the tissue so
 * that the compiler need not reload them after every write to a thread particle. */
struct SkinGrid {
	float size_x, size_y, fnx, fny;
	int gnx, gny;
	std::vector<float> z;  /* (gnx + 1) x (gny + 1), row by row */
};

void skin_grid(const scrub_tissue *t, SkinGrid *g)
{
	g->size_x = t->desc.size_x;
	g->size_y = t->desc.size_y;
	g->gnx = t->gnx;
	g->gny = t->gny;
	g->fnx = (float)t->gnx;
	g->fny = (float)t->gny;
	const int nz = (t->gnx + 1) * (t->gny + 1);
	g->z.resize((size_t)nz);
	for (int k = 0; k < nz; k++)
		g->z[(size_t)k] = t->sb->m_nodes[t->gtop + k].m_x.z();
}

/* Height of the skin under (x, y): bilinear in the nodes of the top grid; off the block, the
 * drape around it at z = 0. */
inline float skin_height(const SkinGrid &g, float x, float y)
{
	const float fx = x / g.size_x * g.fnx, fy = y / g.size_y * g.fny;
	if (!(fx >= 0 && fy >= 0 && fx <= g.fnx && fy <= g.fny))
		return 0;
	const int i = std::min((int)fx, g.gnx - 1), j = std::min((int)fy, g.gny - 1);
	const float u = fx - (float)i, v = fy - (float)j;
	const int sx = g.gnx + 1;
	const float *z = g.z.data();
	return (1 - u) * (1 - v) * z[i + sx * j] + u * (1 - v) * z[i + 1 + sx * j] + (1 - u) * v * z[i + sx * (j + 1)] +
	       u * v * z[i + 1 + sx * (j + 1)];
}

float th_seg(const scrub_tissue *t, int i)
{
	return i == (int)t->th_x.size() - 2 ? t->th_last : kThreadSeg;
}

float th_total(const scrub_tissue *t)
{
	const int n = (int)t->th_x.size();
	return n < 2 ? 0 : (float)(n - 2) * kThreadSeg + t->th_last;
}

/* Segment and fraction of arc length s. */
void th_at(const scrub_tissue *t, float s, int *out_i, float *out_f)
{
	const int n = (int)t->th_x.size();
	int i = std::max(0, std::min((int)(s / kThreadSeg), n - 2));
	*out_i = i;
	*out_f = std::min(1.0f, std::max(0.0f, (s - (float)i * kThreadSeg) / th_seg(t, i)));
}

void thread_make(scrub_tissue *t, const Hand &hd)
{
	const btVector3 s0 = swage_pos(hd);
	t->th_x.resize(kThreadNodes);
	for (int i = 0; i < kThreadNodes; i++)
		t->th_x[(size_t)i] = s0 + btVector3(kThreadSeg * (float)i, 0, 0);
	t->th_p = t->th_good = t->th_x;
	t->th_last = kThreadSeg;
	t->eyes.clear();
}

/* Closest points of segments p1-q1 and p2-q2 (Ericson, Real-Time Collision Detection 5.1.9). */
float segment_segment(const btVector3 &p1, const btVector3 &q1, const btVector3 &p2, const btVector3 &q2,
                      float *out_s, float *out_t)
{
	const btVector3 d1 = q1 - p1, d2 = q2 - p2, r = p1 - p2;
	const float a = d1.length2(), e = d2.length2(), f = d2.dot(r);
	float s = 0, u = 0;
	if (a <= 1e-12f && e <= 1e-12f) {
		s = u = 0;
	} else if (a <= 1e-12f) {
		u = std::min(1.0f, std::max(0.0f, f / e));
	} else {
		const float c = d1.dot(r);
		if (e <= 1e-12f) {
			s = std::min(1.0f, std::max(0.0f, -c / a));
		} else {
			const float b = d1.dot(d2), den = a * e - b * b;
			s = den > 1e-12f ? std::min(1.0f, std::max(0.0f, (b * f - c * e) / den)) : 0;
			u = (b * s + f) / e;
			if (u < 0) {
				u = 0;
				s = std::min(1.0f, std::max(0.0f, -c / a));
			} else if (u > 1) {
				u = 1;
				s = std::min(1.0f, std::max(0.0f, (b - c) / a));
			}
		}
	}
	*out_s = s;
	*out_t = u;
	return ((p1 + d1 * s) - (p2 + d2 * u)).length();
}

void thread_push_capsule(scrub_tissue *t, const btVector3 &a, const btVector3 &b, float r, int from)
{
	const btVector3 ab = b - a;
	const float ab2 = std::max(ab.length2(), 1e-12f);
	/* a particle outside the capsule's box grown by r (and a margin for rounding) is farther
	 * than r from the segment: it is not pushed, so it is not looked at */
	const float g = r * 1.01f + 1e-6f;
	btVector3 lo = a, hi = a;
	lo.setMin(b);
	hi.setMax(b);
	lo -= btVector3(g, g, g);
	hi += btVector3(g, g, g);
	const size_t n = t->th_x.size();
	btVector3 *xs = t->th_x.data();
	for (size_t i = (size_t)from; i < n; i++) {
		btVector3 &x = xs[i];
		if (x.x() < lo.x() || x.y() < lo.y() || x.z() < lo.z() || x.x() > hi.x() || x.y() > hi.y() || x.z() > hi.z())
			continue;
		const float s = std::min(1.0f, std::max(0.0f, (x - a).dot(ab) / ab2));
		const btVector3 dv = x - (a + ab * s);
		const float d = dv.length();
		if (d < r && d > 1e-7f)
			x += dv * ((r - d) / d);
	}
}

/* Every instrument held still since the last step (the thread's anchor and the capsules it
 * collides with did not move). */
bool hands_still(const scrub_tissue *t)
{
	for (const Hand &hd : t->hands)
		if (hd.placed && hd.kind != SCRUB_INSTR_NONE && (hd.pos != hd.prev_pos || !(hd.rot == hd.prev_rot)))
			return false;
	return true;
}

}  // namespace

/* A completed pass threads the needle end of the thread through the bite: the thread is laid
 * from the swage to the exit, through the tissue to the entry and on along its old course, and
 * the entry and exit become eyelets. The tail end gives up the length that was laid. */
void thread_pierce(scrub_tissue *t, int hi, int pass)
{
	t->th_wake = true;
	const Hand &hd = t->hands[hi];
	const int n = (int)t->th_x.size();
	if (n < 2 || pass < 0 || pass >= (int)t->pass_loc.size())
		return;
	const Located &le = t->pass_loc[(size_t)pass].first, &lx = t->pass_loc[(size_t)pass].second;
	const btVector3 S = swage_pos(hd), E2 = material_point(t, lx.tet, lx.bary), E1 = material_point(t, le.tet, le.bary);
	const float a = (E2 - S).length(), b = (E1 - E2).length();
	const int k = (int)std::ceil((a + b) / kThreadSeg) + 1;
	int jmax = std::min(n - 1, 40);
	for (const Eyelet &e : t->eyes)
		jmax = std::min(jmax, (int)(e.s / kThreadSeg));
	int j = 0;
	float best = 1e30f;
	for (int i = 0; i <= jmax; i++) {
		const float d2 = (t->th_x[(size_t)i] - E1).length2();
		if (d2 < best) {
			best = d2;
			j = i;
		}
	}
	if (n - k + j < 3 || k >= n - 2) {
		LOG_W("the thread is too short for another bite (%.0f mm left)", th_total(t) * 1e3);
		return;
	}
	std::vector<btVector3> nx((size_t)n);
	for (int i = 0; i < n; i++) {
		if (i < k) {
			const float s = std::min((float)i * kThreadSeg, a + b);
			nx[(size_t)i] = s <= a ? S + (E2 - S) * (a > 1e-9f ? s / a : 0) : E2 + (E1 - E2) * (b > 1e-9f ? (s - a) / b : 0);
		} else {
			nx[(size_t)i] = t->th_x[(size_t)std::min(n - 1, j + i - k)];
		}
	}
	t->th_x = nx;
	t->th_p = nx;
	const float shift = (float)(k - j) * kThreadSeg;
	for (Eyelet &e : t->eyes)
		e.s += shift;
	Eyelet ex{lx.tet, {lx.bary[0], lx.bary[1], lx.bary[2], lx.bary[3]}, a, pass, true};
	Eyelet en{le.tet, {le.bary[0], le.bary[1], le.bary[2], le.bary[3]}, a + b, pass, false};
	t->eyes.insert(t->eyes.begin(), en);
	t->eyes.insert(t->eyes.begin(), ex);
	/* what the tail end gave up */
	while (!t->eyes.empty() && t->eyes.back().s >= th_total(t) - 1e-4f) {
		push_event(t, SCRUB_TEV_THREAD_PULLED_OUT, hi, SCRUB_TISSUE_LAYER_NONE, material_point(t, t->eyes.back().tet, t->eyes.back().bary), 0);
		t->eyes.pop_back();
	}
}

void thread_step(scrub_tissue *t)
{
	int h = -1;
	for (int hi = 0; hi < SCRUB_TISSUE_HANDS && h < 0; hi++)
		if (t->hands[hi].kind == SCRUB_INSTR_NEEDLE_DRIVER && t->hands[hi].placed)
			h = hi;
	if (h >= 0 && t->th_x.empty())
		thread_make(t, t->hands[h]);
	if (h != t->th_hand)
		t->th_wake = true;
	t->th_hand = h;
	const int n = (int)t->th_x.size();
	if (n < 2)
		return;
	/* The thread sleeps like the tissue: while the tissue sleeps (skin and bites stay put), no
	 * instrument moves and it has come to rest, its step is skipped. */
	const bool can_rest = t->asleep && !t->th_wake && hands_still(t);
	t->th_wake = false;
	if (!can_rest) {
		t->th_asleep = false;
		t->th_quiet = 0;
	}
	if (t->th_asleep) {
		t->stats.thread_sleeping_steps++;
		return;
	}
	const float dt = t->desc.dt;
	const float g = t->desc.gravity > 0 ? t->desc.gravity : 0;
	const float vmax = kThreadMaxSpeed * dt;
	const float margin = 0.5f;
	const btVector3 lo(-margin, -margin, -t->thickness - margin), hi(t->desc.size_x + margin, t->desc.size_y + margin, margin);
	uint64_t repaired = 0;
	for (int i = 0; i < n; i++) {
		btVector3 &x = t->th_x[(size_t)i], &p = t->th_p[(size_t)i];
		if (!finite3(x) || !finite3(p) || x.x() < lo.x() || x.y() < lo.y() || x.z() < lo.z() || x.x() > hi.x() ||
		    x.y() > hi.y() || x.z() > hi.z()) {
			x = p = t->th_good[(size_t)i];
			repaired++;
			continue;
		}
		/* inside the tissue the thread is held by friction: damped hard, no gravity */
		const bool held = i < (int)t->th_inside.size() && t->th_inside[(size_t)i];
		btVector3 v = (x - p) * (held ? 0.5f : 1 - kThreadDamp);
		const float vl = v.length();
		if (vl > vmax)
			v *= vmax / vl;
		p = x;
		x += v + btVector3(0, 0, held ? 0.0f : -g * dt * dt);
	}
	if (repaired) {
		const uint64_t before = t->th_repaired;
		t->th_repaired += repaired;
		if (before == 0 || before / 1000 != t->th_repaired / 1000)
			LOG_W("step %llu: restored %llu non-finite or runaway thread particles (%llu so far)",
			      (unsigned long long)t->step_no, (unsigned long long)repaired, (unsigned long long)t->th_repaired);
		push_event(t, SCRUB_TEV_CLAMP, -1, SCRUB_TISSUE_LAYER_NONE, btVector3(0, 0, 0), (float)repaired);
	}
	const bool anchored = h >= 0;
	const btVector3 S = anchored ? swage_pos(t->hands[h]) : t->th_x[0];
	if (anchored)
		t->th_x[0] = S;

	/* the thread slides through the eyelets: each finds its new arc length near the old one */
	const float total = th_total(t);
	std::vector<btVector3> ep(t->eyes.size());
	for (size_t e = 0; e < t->eyes.size(); e++) {
		Eyelet &ey = t->eyes[e];
		ep[e] = material_point(t, ey.tet, ey.bary);
		int i0;
		float f0;
		th_at(t, ey.s, &i0, &f0);
		float best = 1e30f, bs = ey.s;
		for (int i = std::max(0, i0 - 3); i <= std::min(n - 2, i0 + 3); i++) {
			const btVector3 &a = t->th_x[(size_t)i], &b = t->th_x[(size_t)i + 1];
			const btVector3 ab = b - a;
			const float f = std::min(1.0f, std::max(0.0f, (ep[e] - a).dot(ab) / std::max(ab.length2(), 1e-14f)));
			const float d2 = (a + ab * f - ep[e]).length2();
			if (d2 < best) {
				best = d2;
				bs = (float)i * kThreadSeg + f * th_seg(t, i);
			}
		}
		const float lo_s = e > 0 ? t->eyes[e - 1].s + 1e-4f : 0.0f;
		ey.s = std::max(lo_s, bs);
	}
	while (!t->eyes.empty() && t->eyes.back().s >= total - 1e-5f) {
		push_event(t, SCRUB_TEV_THREAD_PULLED_OUT, h, SCRUB_TISSUE_LAYER_NONE, ep[t->eyes.size() - 1], 0);
		LOG_I("step %llu: the thread's end slid out of a bite", (unsigned long long)t->step_no);
		t->eyes.pop_back();
	}

	/* inside the tissue (no skin collision): between the exit and the entry of one pass, and
	 * next to the needle */
	t->th_inside.assign((size_t)n, 0);
	for (int i = 0; i < std::min(n, kThreadFreeNearSwage) && anchored; i++)
		t->th_inside[(size_t)i] = 1;
	for (size_t e = 0; e + 1 < t->eyes.size(); e++) {
		const Eyelet &a = t->eyes[e], &b = t->eyes[e + 1];
		if (!a.is_exit || b.is_exit || a.pass != b.pass)
			continue;
		for (int i = std::max(0, (int)(a.s / kThreadSeg)); i <= std::min(n - 1, (int)(b.s / kThreadSeg) + 1); i++)
			t->th_inside[(size_t)i] = 1;
	}

	/* what the sweeps read and do not change, read once: the skin, the segments' rest lengths,
	 * the instruments' capsules */
	SkinGrid grid;
	skin_grid(t, &grid);
	btVector3 *X = t->th_x.data();
	const uint8_t *inside = t->th_inside.data();
	const float last_seg = t->th_last;
	btVector3 cap_a[SCRUB_TISSUE_HANDS], cap_b[SCRUB_TISSUE_HANDS];
	int ncap = 0;
	for (const Hand &hd : t->hands) {
		if (!hd.placed)
			continue;
		const btVector3 axis = rotate(hd.rot, btVector3(0, 0, 1));
		if (hd.kind == SCRUB_INSTR_FORCEPS) {
			cap_a[ncap] = hd.pos;
			cap_b[ncap++] = hd.pos + axis * kForcepsShaft;
		} else if (hd.kind == SCRUB_INSTR_SCISSORS && !hd.blades_closed) {
			cap_a[ncap] = hd.pos + axis * kScissorsBlade;
			cap_b[ncap++] = hd.pos + axis * kForcepsShaft;
		}
	}
	for (int it = 0; it < kThreadIters; it++) {
		for (int q = 0; q < n - 1; q++) {
			const int i = (it & 1) ? n - 2 - q : q;
			btVector3 &a = X[i], &b = X[i + 1];
			const float wa = (i == 0 && anchored) ? 0.0f : 1.0f, wb = 1.0f;
			const btVector3 d = b - a;
			const float len = d.length();
			if (len < 1e-9f)
				continue;
			const float seg = i == n - 2 ? last_seg : kThreadSeg;
			const btVector3 corr = d * ((len - seg) / (len * (wa + wb)));
			a += corr * wa;
			b -= corr * wb;
		}
		for (size_t e = 0; e < t->eyes.size(); e++) {
			int i;
			float f;
			th_at(t, t->eyes[e].s, &i, &f);
			const float wi = (i == 0 && anchored) ? 0.0f : 1.0f, wj = 1.0f;
			btVector3 &a = X[i], &b = X[i + 1];
			const btVector3 c = ep[e] - (a * (1 - f) + b * f);
			/* next to the fixed swage with f near 0 the free particle would move by c / f: the
			 * correction is limited to a segment per sweep */
			const float den = std::max((1 - f) * (1 - f) * wi + f * f * wj, 0.25f);
			btVector3 ca = c * ((1 - f) * wi / den), cb = c * (f * wj / den);
			const float lim = kThreadSeg;
			if (ca.length() > lim)
				ca *= lim / ca.length();
			if (cb.length() > lim)
				cb *= lim / cb.length();
			a += ca;
			b += cb;
		}
		for (int i = 0; i < n; i++) {
			if (inside[i])
				continue;
			btVector3 &x = X[i];
			const float zmin = skin_height(grid, x.x(), x.y()) + kThreadRadius;
			if (x.z() < zmin)
				x.setZ(zmin);
		}
		for (int c = 0; c < ncap; c++)
			thread_push_capsule(t, cap_a[c], cap_b[c], kForcepsTipRadius, 1);
		if (anchored)
			X[0] = S;
	}
	t->th_out.resize((size_t)n * 3);
	for (int i = 0; i < n; i++) {
		const btVector3 &x = t->th_x[(size_t)i];
		if (finite3(x) && x.x() >= lo.x() && x.y() >= lo.y() && x.z() >= lo.z() && x.x() <= hi.x() &&
		    x.y() <= hi.y() && x.z() <= hi.z())
			t->th_good[(size_t)i] = x;
		t->th_out[(size_t)i * 3 + 0] = x.x();
		t->th_out[(size_t)i * 3 + 1] = x.y();
		t->th_out[(size_t)i * 3 + 2] = x.z();
	}
	/* at rest for kSleepSteps steps in a row: asleep, still */
	float move2 = 0;
	for (int i = 0; i < n; i++)
		move2 = std::max(move2, (t->th_x[(size_t)i] - t->th_p[(size_t)i]).length2());
	if (!can_rest || move2 >= kThreadSleepMove * kThreadSleepMove) {
		t->th_quiet = 0;
	} else if (++t->th_quiet >= kSleepSteps) {
		t->th_asleep = true;
		for (int i = 0; i < n; i++)
			t->th_p[(size_t)i] = t->th_x[(size_t)i];
	}
}

/* Scissors closing: the thread segment nearest the blades within reach is cut. The needle side
 * stays on the needle; the rest (the tail and the tied loops) is let go. The tail is the
 * thread from the cut to where it enters the skin at the next bite. */
void scissors_cut(scrub_tissue *t, int hi)
{
	t->th_wake = true;
	const Hand &hd = t->hands[hi];
	const int n = (int)t->th_x.size();
	if (n < 2)
		return;
	const btVector3 axis = rotate(hd.rot, btVector3(0, 0, 1));
	const btVector3 A = hd.pos, B = hd.pos + axis * kScissorsBlade;
	int bi = -1;
	float bd = kScissorsCatch, bf = 0;
	for (int i = 0; i < n - 1; i++) {
		float s, u;
		const float d = segment_segment(t->th_x[(size_t)i], t->th_x[(size_t)i + 1], A, B, &s, &u);
		if (d < bd) {
			bd = d;
			bi = i;
			bf = s;
		}
	}
	if (bi < 0)
		return;
	const float s_cut = (float)bi * kThreadSeg + bf * th_seg(t, bi);
	const btVector3 cp = t->th_x[(size_t)bi] * (1 - bf) + t->th_x[(size_t)bi + 1] * bf;
	float tail = -1;
	int suture = -1;
	for (const Eyelet &e : t->eyes)
		if (e.s > s_cut) {
			tail = e.s - s_cut;
			for (size_t k = 0; k < t->sutures.size(); k++)
				if (t->sutures[k].pub.pass_in == e.pass || t->sutures[k].pub.pass_out == e.pass)
					suture = (int)k;
			break;
		}
	const float last = bf * th_seg(t, bi);
	t->th_x.resize((size_t)bi + 2);
	t->th_p.resize((size_t)bi + 2);
	t->th_good.resize((size_t)bi + 2);
	t->th_x[(size_t)bi + 1] = t->th_p[(size_t)bi + 1] = t->th_good[(size_t)bi + 1] = cp;
	t->th_last = std::max(1e-4f, last);
	while (!t->eyes.empty() && t->eyes.back().s >= s_cut)
		t->eyes.pop_back();
	push_event(t, SCRUB_TEV_THREAD_CUT, hi, suture, cp, tail);
	LOG_D("step %llu: scissors cut the thread %.1f mm from the needle (tail %.1f mm, suture %d)",
	      (unsigned long long)t->step_no, s_cut * 1e3, tail * 1e3, suture);
}

}  // namespace tissue

using namespace tissue;

extern "C" {

void scrub_tissue_get_thread(const scrub_tissue *t, scrub_thread_state *out)
{
	if (!out)
		return;
	std::memset(out, 0, sizeof *out);
	if (!t)
		return;
	out->node_count = (int)t->th_out.size() / 3;
	out->positions = t->th_out.empty() ? nullptr : t->th_out.data();
	out->segment = kThreadSeg;
	out->length = th_total(t);
	out->eyelets = (int)t->eyes.size();
	out->attached = t->th_hand >= 0;
	out->repaired = t->th_repaired;
}

scrub_result scrub_tissue_thread_set_position(scrub_tissue *t, int particle, const float pos[3])
{
	if (!t || !pos || particle < 0 || particle >= (int)t->th_x.size())
		return SCRUB_ERR_INVALID;
	t->th_wake = true;
	t->th_x[(size_t)particle] = btVector3(pos[0], pos[1], pos[2]);
	return SCRUB_OK;
}

}  // extern "C"
