/* Sutures and knots: a throw embeds a node at each bite point and joins them by a loop in
 * Bullet's solver, taken up while the tissue pulls back less than the pull; a lock ties it
 * (a loose lock slips). The tension, compression and the wound's gape are measured each step. */
#include <algorithm>
#include <cstring>

#define SCRUB_LOG_MODULE "tissue"
extern "C" {
#include "log.h"
}
#include "tissue_internal.hpp"

namespace tissue {
namespace {

/* The elastic force of the tissue on a node from its links (knot loops left out). */
btVector3 node_force(scrub_tissue *t, int n)
{
	btSoftBody *sb = t->sb;
	btVector3 f(0, 0, 0);
	for (int li : t->node_links[(size_t)n]) {
		if (t->link_suture[(size_t)li])
			continue;
		const btSoftBody::Link &l = sb->m_links[li];
		const int a = node_index(t, l.m_n[0]), b = node_index(t, l.m_n[1]);
		const int o = a == n ? b : a;
		const btVector3 dv = sb->m_nodes[o].m_x - sb->m_nodes[n].m_x;
		const float len = dv.length();
		if (len < 1e-9f)
			continue;
		const float kk = t->desc.material[t->link_layer[(size_t)li]].youngs_pa * l.m_rl * 0.25f;
		f += dv * (kk * (len - l.m_rl) / len);
	}
	return f;
}

/* Opening of the wound at a suture: the mean separation of the (up to) two split node pairs at
 * skin level nearest the suture's midpoint in the material. */
float suture_gape(const scrub_tissue *t, const Suture &su)
{
	const btVector3 m = (su.rest[0] + su.rest[1]) * 0.5f;
	float d1 = 1e30f, d2 = 1e30f, g1 = 0, g2 = 0;
	for (const auto &sp : t->splits) {
		const btVector3 &r = t->rest[(size_t)sp.first];
		if (r.z() < -1e-5f)
			continue;
		const float dx = r.x() - m.x(), dy = r.y() - m.y(), d = dx * dx + dy * dy;
		const float g = (t->sb->m_nodes[sp.first].m_x - t->sb->m_nodes[sp.second].m_x).length();
		if (d < d1) {
			d2 = d1; g2 = g1;
			d1 = d; g1 = g;
		} else if (d < d2) {
			d2 = d; g2 = g;
		}
	}
	if (d1 > 1e29f)
		return 0;
	return d2 > 1e29f ? g1 : 0.5f * (g1 + g2);
}

/* A knot's loop pulls on the bite point itself, not on one node: a node is embedded at the
 * point (its place in the tet now), joined to the tet's four nodes by stiff links of their
 * current lengths, with the mass of the tet's free nodes together (lighter, it would be drawn
 * out of its tet by a hard pull). The loop's pull thus reaches the tet's nodes according to
 * where the bite lies in it, and changes continuously with the bite's place. */
int embed_bite(scrub_tissue *t, int tet, const float bary[4])
{
	btSoftBody *sb = t->sb;
	const Tet tt = t->tets[(size_t)tet];
	float m = 0;
	int nfree = 0;
	for (int k = 0; k < 4; k++) {
		const btSoftBody::Node &nd = sb->m_nodes[tt.n[k]];
		if (nd.m_im > 0) {
			m += 1.0f / nd.m_im;
			nfree++;
		}
	}
	if (nfree == 0)
		return -1;
	const btVector3 x = material_point(t, tet, bary);
	btVector3 rest(0, 0, 0);
	for (int k = 0; k < 4; k++)
		rest += t->rest[(size_t)tt.n[k]] * bary[k];
	const int e = append_node(t, x, m, rest, (uint8_t)layer_at_depth(t, -rest.z()), t->node_damp[(size_t)tt.n[0]], 0, 1,
	                          x);
	btSoftBody::Node &nd = sb->m_nodes[e];
	nd.m_q = x;
	nd.m_v = btVector3(0, 0, 0);
	nd.m_material = t->mat_suture;
	for (int k = 0; k < 4; k++) {
		const int n = tt.n[k];
		sb->appendLink(node_ptr(t, e), node_ptr(t, n), t->mat_suture, false);
		const int li = sb->m_links.size() - 1;
		btSoftBody::Link &l = sb->m_links[li];
		l.m_rl = (sb->m_nodes[n].m_x - x).length();
		set_link_constants(t, l);
		t->link_layer.push_back(SCRUB_TISSUE_LAYER_SKIN);
		t->link_suture.push_back(1);
		t->node_links[(size_t)e].push_back(li);
		t->node_links[(size_t)n].push_back(li);
	}
	sb->m_bUpdateRtCst = false;
	return e;
}

/* The tissue's pull on an embedded bite point along u: the elastic force of the tissue on its
 * tet's nodes (their links to each other cancel). */
float bite_pull(scrub_tissue *t, int e, const btVector3 &u)
{
	btSoftBody *sb = t->sb;
	float f = 0;
	for (int li : t->node_links[(size_t)e]) {
		const btSoftBody::Link &l = sb->m_links[li];
		const int a = node_index(t, l.m_n[0]), b = node_index(t, l.m_n[1]);
		const int o = a == e ? b : a;
		if (t->embedded[(size_t)o] || sb->m_nodes[o].m_im <= 0)
			continue;
		f += node_force(t, o).dot(u);
	}
	return f;
}

void suture_measure(scrub_tissue *t, Suture &su)
{
	/* asleep, the nodes do not move: the last figures hold (only the tension's low-pass goes on) */
	if (t->asleep && su.still) {
		su.pub.tension = 0.8f * su.pub.tension + 0.2f * su.ten_raw;
		return;
	}
	su.still = t->asleep;
	const btVector3 pa = material_point(t, su.tet[0], su.bary[0]), pb = material_point(t, su.tet[1], su.bary[1]);
	const float len = (pb - pa).length();
	for (int k = 0; k < 3; k++) {
		su.pub.entry[k] = pa[k];
		su.pub.exit[k] = pb[k];
	}
	su.pub.distance = len;
	su.pub.compression = su.pub.rest_distance > 1e-9f ? 1 - len / su.pub.rest_distance : 0;
	if (su.node[0] >= 0 && su.node[1] >= 0) {
		const btVector3 d = t->sb->m_nodes[su.node[1]].m_x - t->sb->m_nodes[su.node[0]].m_x;
		const float l = d.length();
		const btVector3 u = l > 1e-9f ? d / l : btVector3(1, 0, 0);
		const float ten = 0.5f * (-bite_pull(t, su.node[0], u) + bite_pull(t, su.node[1], u));
		if (std::isfinite(ten))
			su.pub.tension = 0.8f * su.pub.tension + 0.2f * ten;
		else
			su.still = false;
		su.ten_raw = ten;
	}
	su.pub.gape = suture_gape(t, su);
}

}  // namespace

/* The knot's loop is a link of Bullet's solver between the free node of each bite's tet with
 * the largest weight (so the tissue and the loop are solved together). While the throws are
 * made, its length is taken up as long as the tissue pulls back less than the pull. */
void suture_pass(scrub_tissue *t)
{
	const float dt = t->desc.dt;
	for (Suture &su : t->sutures) {
		suture_measure(t, su);
		scrub_suture &p = su.pub;
		if (p.state != SCRUB_SUTURE_TIGHTENING || su.link < 0)
			continue;
		const float before = p.loop_length;
		if (p.tension < p.pull)
			p.loop_length -= kCinchSpeed * dt;
		else if (p.tension > 1.2f * p.pull)
			p.loop_length += 0.25f * kCinchSpeed * dt;
		p.loop_length = std::max(0.1f * su.max_loop, std::min(su.max_loop, p.loop_length));
		if (p.loop_length == before)
			continue;
		t->wake = true;  /* the loop pulls the tissue: it cannot sleep */
		btSoftBody::Link &l = t->sb->m_links[su.link];
		l.m_rl = p.loop_length;
		set_link_constants(t, l);
	}
}

}  // namespace tissue

using namespace tissue;

extern "C" {

scrub_result scrub_tissue_knot_throw(scrub_tissue *t, int pass_in, int pass_out, float pull, int *out_index)
{
	if (!t || pass_in < 0 || pass_out < pass_in || pass_out >= (int)t->pass_loc.size() || !std::isfinite(pull) ||
	    pull <= 0 || pull > 100)
		return SCRUB_ERR_INVALID;
	t->wake = true;
	try {
		for (size_t i = 0; i < t->sutures.size(); i++) {
			Suture &su = t->sutures[i];
			if (su.pub.pass_in != pass_in || su.pub.pass_out != pass_out)
				continue;
			if (su.pub.state == SCRUB_SUTURE_TIED)
				return SCRUB_ERR_INVALID;
			su.pub.state = SCRUB_SUTURE_TIGHTENING;
			su.pub.pull = pull;
			if (out_index)
				*out_index = (int)i;
			return SCRUB_OK;
		}
		Suture su;
		const Located &a = t->pass_loc[(size_t)pass_in].first, &b = t->pass_loc[(size_t)pass_out].second;
		su.tet[0] = a.tet;
		su.tet[1] = b.tet;
		std::memcpy(su.bary[0], a.bary, sizeof a.bary);
		std::memcpy(su.bary[1], b.bary, sizeof b.bary);
		su.rest[0] = a.rest;
		su.rest[1] = b.rest;
		su.pub.pass_in = pass_in;
		su.pub.pass_out = pass_out;
		su.pub.rest_distance = (a.rest - b.rest).length();
		su.pub.state = SCRUB_SUTURE_TIGHTENING;
		su.pub.pull = pull;
		su.node[0] = embed_bite(t, a.tet, a.bary);
		su.node[1] = su.node[0] >= 0 ? embed_bite(t, b.tet, b.bary) : -1;
		suture_measure(t, su);
		su.pub.tension = 0;
		su.pub.gape_before = su.pub.gape;
		su.pub.loop_length = su.pub.distance;
		if (su.node[0] >= 0 && su.node[1] >= 0 && su.node[0] != su.node[1]) {
			btSoftBody *sb = t->sb;
			const float len = (sb->m_nodes[su.node[0]].m_x - sb->m_nodes[su.node[1]].m_x).length();
			sb->appendLink(node_ptr(t, su.node[0]), node_ptr(t, su.node[1]), t->mat_suture, false);
			su.link = sb->m_links.size() - 1;
			btSoftBody::Link &l = sb->m_links[su.link];
			l.m_rl = su.pub.loop_length = len;
			set_link_constants(t, l);
			sb->m_bUpdateRtCst = false;
			t->link_layer.push_back(SCRUB_TISSUE_LAYER_SKIN);
			t->link_suture.push_back(1);
			t->node_links[(size_t)su.node[0]].push_back(su.link);
			t->node_links[(size_t)su.node[1]].push_back(su.link);
		}
		su.max_loop = su.pub.loop_length;
		t->sutures.push_back(su);
	} catch (const std::bad_alloc &) {
		return SCRUB_ERR_NOMEM;
	}
	if (out_index)
		*out_index = (int)t->sutures.size() - 1;
	return SCRUB_OK;
}

scrub_result scrub_tissue_knot_lock(scrub_tissue *t, int suture, bool secure)
{
	if (!t || suture < 0 || suture >= (int)t->sutures.size())
		return SCRUB_ERR_INVALID;
	Suture &su = t->sutures[(size_t)suture];
	if (su.pub.state == SCRUB_SUTURE_TIED)
		return SCRUB_OK;
	t->wake = true;
	su.pub.state = SCRUB_SUTURE_TIED;
	if (!secure) {
		su.pub.loop_length += 0.5f * (su.max_loop - su.pub.loop_length);
		su.pub.slipped = true;
		if (su.link >= 0) {
			t->sb->m_links[su.link].m_rl = su.pub.loop_length;
			set_link_constants(t, t->sb->m_links[su.link]);
		}
	}
	return SCRUB_OK;
}

int scrub_tissue_suture_count(const scrub_tissue *t) { return t ? (int)t->sutures.size() : 0; }

scrub_result scrub_tissue_suture_get(const scrub_tissue *t, int index, scrub_suture *out)
{
	if (!t || !out || index < 0 || index >= (int)t->sutures.size())
		return SCRUB_ERR_INVALID;
	*out = t->sutures[(size_t)index].pub;
	return SCRUB_OK;
}

}  // extern "C"
