/* The scalpel's incision: the faces between tets that the blade swept through this step are cut,
 * the nodes on them split into one copy per side (with their links), and the stroke's path,
 * depth and events recorded. */
#include <algorithm>
#include <cstring>

#define SCRUB_LOG_MODULE "tissue"
extern "C" {
#include "log.h"
}
#include "tissue_internal.hpp"

namespace tissue {
namespace {

/* The segment p->q against triangle abc (inclusive edges). */
bool segment_hits_triangle(const btVector3 &p, const btVector3 &q, const btVector3 &a,
                           const btVector3 &b, const btVector3 &c)
{
	const btVector3 d = q - p, e1 = b - a, e2 = c - a;
	const btVector3 s = d.cross(e2);
	const float det = e1.dot(s);
	if (std::fabs(det) < 1e-18f)
		return false;
	const float inv = 1.0f / det;
	const btVector3 o = p - a;
	const float u = o.dot(s) * inv;
	if (u < -1e-5f || u > 1 + 1e-5f)
		return false;
	const btVector3 r = o.cross(e1);
	const float v = d.dot(r) * inv;
	if (v < -1e-5f || u + v > 1 + 1e-5f)
		return false;
	const float tt = e2.dot(r) * inv;
	return tt >= 0 && tt <= 1;
}

void stale_links_of(scrub_tissue *t, int n)
{
	btSoftBody *sb = t->sb;
	std::vector<int> ls = t->node_links[n];
	for (int li : ls) {
		const btSoftBody::Link &l = sb->m_links[li];
		const int a = node_index(t, l.m_n[0]), b = node_index(t, l.m_n[1]);
		const int o = a == n ? b : a;
		bool used = false;
		for (int ti : t->node_tets[n]) {
			const Tet &tt = t->tets[ti];
			if (tt.n[0] == o || tt.n[1] == o || tt.n[2] == o || tt.n[3] == o) {
				used = true;
				break;
			}
		}
		if (!used) {
			const auto it = t->link_of.find(edge_key(n, o));
			if (it != t->link_of.end())
				remove_link(t, it->second);
		}
	}
}

void split_node(scrub_tissue *t, int n, std::vector<int> &touched)
{
	btSoftBody *sb = t->sb;
	const std::vector<int> inc = t->node_tets[n];  /* a copy: node_tets grows below */
	const int m = (int)inc.size();
	if (m < 2)
		return;
	/* union-find over the tets around n, joined across uncut faces that contain n */
	std::vector<int> parent(m);
	for (int i = 0; i < m; i++) parent[i] = i;
	auto find = [&](int x) {
		while (parent[x] != x) x = parent[x] = parent[parent[x]];
		return x;
	};
	for (int i = 0; i < m; i++) {
		const Tet &tt = t->tets[inc[i]];
		for (int f = 0; f < 4; f++) {
			if (tt.n[f] == n || tt.nbr[f] < 0)
				continue;
			for (int j = 0; j < m; j++)
				if (inc[j] == tt.nbr[f]) {
					parent[find(i)] = find(j);
					break;
				}
		}
	}
	const int root0 = find(0);
	std::vector<int> roots;
	for (int i = 0; i < m; i++) {
		const int r = find(i);
		if (r != root0 && std::find(roots.begin(), roots.end(), r) == roots.end())
			roots.push_back(r);
	}
	if (roots.empty())
		return;
	for (int r : roots) {
		const btSoftBody::Node src = sb->m_nodes[n];
		const int nn = append_node(t, src.m_x, 1, t->rest[n], t->node_layer[n], t->node_damp[n], t->pinned[n], 0,
		                           t->last_good[n]);
		btSoftBody::Node &nd = sb->m_nodes[nn];
		nd.m_q = src.m_q;
		nd.m_v = src.m_v;
		nd.m_n = src.m_n;
		nd.m_material = src.m_material;
		/* move the component's tets to the new node */
		std::vector<int> keep;
		for (int i = 0; i < m; i++) {
			const int ti = inc[i];
			if (find(i) != r) {
				keep.push_back(ti);
				continue;
			}
			Tet &tt = t->tets[ti];
			for (int k = 0; k < 4; k++)
				if (tt.n[k] == n) {
					tt.n[k] = nn;
					sb->m_tetras[ti].m_n[k] = &sb->m_nodes[nn];
				}
			t->node_tets[nn].push_back(ti);
		}
		/* links of the moved tets */
		for (int ti : t->node_tets[nn])
			for (int k = 0; k < 4; k++) {
				const int x = t->tets[ti].n[k];
				if (x == nn || t->link_of.count(edge_key(nn, x)))
					continue;
				auto it = t->link_of.find(edge_key(n, x));
				float rl = (t->rest[nn] - t->rest[x]).length();
				int layer = t->tets[ti].layer;
				if (it != t->link_of.end()) {
					rl = sb->m_links[it->second].m_rl;
					layer = t->link_layer[it->second];
				}
				add_link(t, nn, x, rl, layer);
			}
		t->node_tets[n].swap(keep);
		t->splits.push_back({n, nn});
		t->stats.split_nodes++;
		touched.push_back(nn);
		break;  /* one component at a time: the recursion below finds the next */
	}
	/* links of n no tet uses any more */
	stale_links_of(t, n);
	touched.push_back(n);
	split_node(t, n, touched);  /* another component may remain */
}

}  // namespace

void cut(scrub_tissue *t, int hi)
{
	Hand &hd = t->hands[hi];
	btSoftBody *sb = t->sb;
	const btVector3 up0 = rotate(hd.prev_rot, btVector3(0, 0, kBladeLength));
	const btVector3 up1 = rotate(hd.rot, btVector3(0, 0, kBladeLength));
	const btVector3 A0 = hd.prev_pos, B0 = hd.prev_pos + up0, A1 = hd.pos, B1 = hd.pos + up1;
	if ((A1 - A0).length2() < 1e-14f && (B1 - B0).length2() < 1e-14f)
		return;
	btVector3 lo = A0, hi3 = A0;
	for (const btVector3 *p : {&B0, &A1, &B1}) {
		lo.setMin(*p);
		hi3.setMax(*p);
	}
	const float pad = 1.2f * t->h;
	lo -= btVector3(pad, pad, pad);
	hi3 += btVector3(pad, pad, pad);
	const int st = new_stamp(t);
	std::vector<int> cand;
	for (int n = 0; n < sb->m_nodes.size(); n++) {
		const btVector3 &x = sb->m_nodes[n].m_x;
		if (x.x() < lo.x() || x.y() < lo.y() || x.z() < lo.z() || x.x() > hi3.x() || x.y() > hi3.y() ||
		    x.z() > hi3.z())
			continue;
		for (int ti : t->node_tets[n])
			if (t->tet_stamp[ti] != (uint32_t)st) {
				t->tet_stamp[ti] = st;
				cand.push_back(ti);
			}
	}
	if (cand.empty())
		return;
	auto centroid = [&](int ti) {
		const Tet &tt = t->tets[ti];
		return (sb->m_nodes[tt.n[0]].m_x + sb->m_nodes[tt.n[1]].m_x + sb->m_nodes[tt.n[2]].m_x +
		        sb->m_nodes[tt.n[3]].m_x) * 0.25f;
	};
	/* the swept quad's box, grown by far more than the tests' tolerance and rounding: a segment
	 * between centroids wholly outside it cannot hit either triangle */
	btVector3 qlo = A0, qhi = A0;
	for (const btVector3 *p : {&B0, &A1, &B1}) {
		qlo.setMin(*p);
		qhi.setMax(*p);
	}
	const float qm = 1e-3f * (qhi - qlo).length() + 1e-6f;
	qlo -= btVector3(qm, qm, qm);
	qhi += btVector3(qm, qm, qm);
	auto outside = [&](const btVector3 &p, const btVector3 &q) {
		return (p.x() < qlo.x() && q.x() < qlo.x()) || (p.y() < qlo.y() && q.y() < qlo.y()) ||
		       (p.z() < qlo.z() && q.z() < qlo.z()) || (p.x() > qhi.x() && q.x() > qhi.x()) ||
		       (p.y() > qhi.y() && q.y() > qhi.y()) || (p.z() > qhi.z() && q.z() > qhi.z());
	};
	std::vector<int> affected;
	btVector3 sum(0, 0, 0);
	int ncut = 0, deepest = SCRUB_TISSUE_LAYER_NONE;
	for (int ti : cand) {
		const btVector3 c0 = centroid(ti);
		for (int f = 0; f < 4; f++) {
			const int u = t->tets[ti].nbr[f];
			if (u < 0)
				continue;
			const btVector3 c1 = centroid(u);
			if (outside(c0, c1) ||
			    (!segment_hits_triangle(c0, c1, A0, B0, A1) && !segment_hits_triangle(c0, c1, B0, B1, A1)))
				continue;
			Tet &a = t->tets[ti];
			Tet &b = t->tets[u];
			a.nbr[f] = -1;
			for (int g = 0; g < 4; g++)
				if (b.nbr[g] == ti)
					b.nbr[g] = -1;
			btVector3 rc(0, 0, 0);
			float depth = 0;
			for (int k = 0; k < 4; k++)
				if (k != f) {
					affected.push_back(a.n[k]);
					rc += t->rest[a.n[k]] / 3.0f;
					depth = std::max(depth, -t->rest[a.n[k]].z());
				}
			t->cut_centroids.push_back(rc);
			sum += rc;
			ncut++;
			t->stats.cut_faces++;
			t->cut_max_depth = std::max(t->cut_max_depth, depth);
			deepest = std::max(deepest, std::max(a.layer, b.layer));
		}
	}
	if (ncut == 0)
		return;
	t->topology_dirty = true;
	t->wake = true;
	std::sort(affected.begin(), affected.end());
	affected.erase(std::unique(affected.begin(), affected.end()), affected.end());
	std::vector<int> touched;
	for (int n : affected)
		split_node(t, n, touched);
	std::sort(touched.begin(), touched.end());
	touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
	for (int n : touched)
		stale_links_of(t, n);
	for (int n : touched)
		update_node_mass(t, n);
	sb->m_bUpdateRtCst = false;
	if (t->tet_stamp.size() != t->tets.size())
		t->tet_stamp.resize(t->tets.size(), 0);

	/* path and events */
	const btVector3 pc = sum / (float)ncut;
	const btVector3 p2(pc.x(), pc.y(), 0);
	if (t->path.empty() || (t->path.back() - p2).length() > 0.5f * t->h)
		t->path.push_back(p2);
	if (!hd.cutting) {
		hd.cutting = true;
		hd.stroke_layer = deepest;
		push_event(t, SCRUB_TEV_INCISION, hi, deepest, hd.pos, (float)ncut);
	} else if (deepest > hd.stroke_layer) {
		hd.stroke_layer = deepest;
		push_event(t, SCRUB_TEV_INCISION_LAYER, hi, deepest, hd.pos, (float)ncut);
	}
	if (deepest > t->cut_deepest)
		t->cut_deepest = deepest;
}

}  // namespace tissue

using namespace tissue;

extern "C" {

void scrub_tissue_get_incision(const scrub_tissue *t, scrub_tissue_incision *out)
{
	if (!t || !out)
		return;
	std::memset(out, 0, sizeof *out);
	out->cut_faces = t->stats.cut_faces;
	out->max_depth = t->cut_max_depth;
	out->deepest_layer = t->cut_deepest;
	float len = 0;
	for (size_t i = 1; i < t->path.size(); i++)
		len += (t->path[i] - t->path[i - 1]).length();
	out->length = len;
	if (!t->path.empty()) {
		for (int k = 0; k < 3; k++) {
			out->start[k] = t->path.front()[k];
			out->end[k] = t->path.back()[k];
		}
		out->straightness = len > 0 ? (t->path.back() - t->path.front()).length() / len : 1;
	}
	float gape = 0;
	for (const auto &s : t->splits)
		gape = std::max(gape, (t->sb->m_nodes[s.first].m_x - t->sb->m_nodes[s.second].m_x).length());
	out->gape = gape;
}

}  // extern "C"
