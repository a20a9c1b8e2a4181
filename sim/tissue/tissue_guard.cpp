/* The passes after Bullet's step that keep the block sane, and its sleep: volume preservation
 * per layer, the guard against non-finite and runaway nodes, strain injuries and tears; a
 * tissue at rest with no instrument near skips Bullet's step (docs/tissue.md, "Sleep"). */
#include <algorithm>

#define SCRUB_LOG_MODULE "tissue"
extern "C" {
#include "log.h"
}
#include "tissue_internal.hpp"

namespace tissue {
namespace {

/* Does the box around the segment a-b, grown by r, overlap the nodes' bounds? */
bool box_near(const scrub_tissue *t, const btVector3 &a, const btVector3 &b, float r)
{
	btVector3 lo = a, hi = a;
	lo.setMin(b);
	hi.setMax(b);
	lo -= btVector3(r, r, r);
	hi += btVector3(r, r, r);
	return !(hi.x() < t->sleep_lo.x() || hi.y() < t->sleep_lo.y() || hi.z() < t->sleep_lo.z() ||
	         lo.x() > t->sleep_hi.x() || lo.y() > t->sleep_hi.y() || lo.z() > t->sleep_hi.z());
}

/* An instrument near enough to the tissue to touch it this step: one of its working parts
 * (blade, shaft capsule, jaws), grown by the sleep margin and by the most it can move in one
 * step, overlaps the nodes' bounds. */
bool hand_near(const scrub_tissue *t, int hi)
{
	const Hand &hd = t->hands[hi];
	if (!hd.placed)
		return false;
	const float dt = t->desc.dt;
	/* a part reaching L from the pose moves at most this far in a step */
	auto travel = [&](float L) { return (kMaxToolSpeed + kMaxToolSpin * L) * dt; };
	const btVector3 axis = rotate(hd.rot, btVector3(0, 0, 1));
	const float contact = 0.6f * t->h;  /* push_capsule's smallest radius */
	switch (hd.kind) {
	case SCRUB_INSTR_SCALPEL:
		return box_near(t, hd.pos, hd.pos + axis * kBladeLength, kSleepMargin + travel(kBladeLength)) ||
		       box_near(t, hd.pos + axis * (kBladeLength + 0.004f), hd.pos + axis * 0.1f,
		                std::max(0.004f, contact) + kSleepMargin + travel(0.1f));
	case SCRUB_INSTR_FORCEPS:
	case SCRUB_INSTR_SCISSORS:
		return box_near(t, hd.pos, hd.pos + axis * kForcepsShaft,
		                std::max(kGraspRadius, std::max(kForcepsTipRadius, contact)) + kSleepMargin + travel(kForcepsShaft));
	default:
		/* the needle driver too: its needle is tracked through the tissue but pushes no node
		 * (docs/tissue.md, "Not done"), so a needle pass leaves a resting tissue asleep */
		return false;
	}
}

}  // namespace

void volume_pass(scrub_tissue *t)
{
	btSoftBody *sb = t->sb;
	const float idt = 1.0f / t->desc.dt;
	for (const Tet &tt : t->tets) {
		const float k = t->desc.material[tt.layer].volume;
		if (k <= 0)
			continue;
		btSoftBody::Node *n0 = &sb->m_nodes[tt.n[0]], *n1 = &sb->m_nodes[tt.n[1]];
		btSoftBody::Node *n2 = &sb->m_nodes[tt.n[2]], *n3 = &sb->m_nodes[tt.n[3]];
		const btVector3 e1 = n1->m_x - n0->m_x, e2 = n2->m_x - n0->m_x, e3 = n3->m_x - n0->m_x;
		const btVector3 g1 = e2.cross(e3) * (1.0f / 6), g2 = e3.cross(e1) * (1.0f / 6), g3 = e1.cross(e2) * (1.0f / 6);
		const btVector3 g0 = -(g1 + g2 + g3);
		const float c = e1.dot(g1) - tt.rest_vol;
		const float wsum = n0->m_im * g0.length2() + n1->m_im * g1.length2() + n2->m_im * g2.length2() +
		                   n3->m_im * g3.length2();
		if (wsum < 1e-30f)
			continue;
		const float lambda = -k * c / wsum;
		const btVector3 d0 = g0 * (lambda * n0->m_im), d1 = g1 * (lambda * n1->m_im);
		const btVector3 d2 = g2 * (lambda * n2->m_im), d3 = g3 * (lambda * n3->m_im);
		n0->m_x += d0; n0->m_v += d0 * idt;
		n1->m_x += d1; n1->m_v += d1 * idt;
		n2->m_x += d2; n2->m_v += d2 * idt;
		n3->m_x += d3; n3->m_v += d3 * idt;
	}
}

/* The guard: a non-finite node, or one far outside the block, goes back to its last good
 * position at rest; a node faster than max_node_speed is slowed. Runs before Bullet's step (so a
 * corrupted node cannot spread through its links) and after it, with the per-layer damping. */
void guard_pass(scrub_tissue *t, bool post)
{
	btSoftBody *sb = t->sb;
	const float vmax = t->desc.max_node_speed, vmax2 = vmax * vmax;
	const float margin = 0.2f;
	const btVector3 lo(-margin, -margin, -t->thickness - margin);
	const btVector3 hi(t->desc.size_x + margin, t->desc.size_y + margin, margin);
	uint64_t repaired = 0, clamped = 0;
	float vmax_seen2 = 0;
	btVector3 blo(1e30f, 1e30f, 1e30f), bhi(-1e30f, -1e30f, -1e30f);
	for (int n = 0; n < sb->m_nodes.size(); n++) {
		btSoftBody::Node &nd = sb->m_nodes[n];
		if (!finite3(nd.m_x) || !finite3(nd.m_v) || nd.m_x.x() < lo.x() || nd.m_x.y() < lo.y() ||
		    nd.m_x.z() < lo.z() || nd.m_x.x() > hi.x() || nd.m_x.y() > hi.y() || nd.m_x.z() > hi.z()) {
			nd.m_x = nd.m_q = t->last_good[n];
			nd.m_v = btVector3(0, 0, 0);
			repaired++;
			if (nd.m_battach) /* the jaws dragged it away: they lose it */
				for (Hand &hd : t->hands)
					for (size_t g = 0; g < hd.grasped.size(); g++)
						if (hd.grasped[g] == n) {
							hd.grasped.erase(hd.grasped.begin() + (long)g);
							hd.grasp_local.erase(hd.grasp_local.begin() + (long)g);
							nd.m_battach = 0;
							break;
						}
			continue;
		}
		if (!post)
			continue;
		nd.m_v *= 1.0f - t->node_damp[n];
		const float v2 = nd.m_v.length2();
		if (v2 > vmax2) {
			nd.m_v *= vmax / std::sqrt(v2);
			clamped++;
		}
		vmax_seen2 = std::max(vmax_seen2, std::min(v2, vmax2));
		blo.setMin(nd.m_x);
		bhi.setMax(nd.m_x);
		t->last_good[n] = nd.m_x;
	}
	if (post) {
		t->max_speed = repaired ? 1e30f : std::sqrt(vmax_seen2);
		t->sleep_lo = blo;
		t->sleep_hi = bhi;
	}
	if (repaired) {
		const uint64_t before = t->stats.repaired_nodes;
		t->stats.repaired_nodes += repaired;
		if (before == 0 || before / 1000 != t->stats.repaired_nodes / 1000)
			LOG_W("step %llu: restored %llu non-finite or runaway nodes to their last good position "
			      "(%llu so far)", (unsigned long long)t->step_no, (unsigned long long)repaired,
			      (unsigned long long)t->stats.repaired_nodes);
		push_event(t, SCRUB_TEV_CLAMP, -1, SCRUB_TISSUE_LAYER_NONE, btVector3(0, 0, 0), (float)repaired);
	}
	if (clamped) {
		const uint64_t before = t->stats.clamped_nodes;
		t->stats.clamped_nodes += clamped;
		if (before == 0 || before / 10000 != t->stats.clamped_nodes / 10000)
			LOG_W("step %llu: clamped %llu node velocities to %.1f m/s (%llu so far)",
			      (unsigned long long)t->step_no, (unsigned long long)clamped, vmax,
			      (unsigned long long)t->stats.clamped_nodes);
	}
}

/* Strain over the damage threshold (injury) and the tear threshold (the link breaks). Runs
 * every 8th step: a strain builds over tens of milliseconds. */
void strain_pass(scrub_tissue *t)
{
	btSoftBody *sb = t->sb;
	std::vector<int> tear;
	float worst[SCRUB_TISSUE_HANDS + 1] = {}, worst_strain[SCRUB_TISSUE_HANDS + 1] = {};
	int worst_layer[SCRUB_TISSUE_HANDS + 1] = {};
	btVector3 worst_pos[SCRUB_TISSUE_HANDS + 1];
	for (int li = 0; li < sb->m_links.size(); li++) {
		if (t->link_suture[(size_t)li])
			continue;
		const btSoftBody::Link &l = sb->m_links[li];
		const float len2 = (l.m_n[0]->m_x - l.m_n[1]->m_x).length2();
		const scrub_tissue_material &m = t->desc.material[t->link_layer[li]];
		const float lim = l.m_rl * (1 + m.damage_strain);
		if (len2 <= lim * lim)
			continue;
		const float strain = std::sqrt(len2) / l.m_rl - 1;
		const int a = node_index(t, l.m_n[0]), b = node_index(t, l.m_n[1]);
		int hand = -1;
		for (int hi = 0; hi < SCRUB_TISSUE_HANDS; hi++)
			if ((t->node_flag[a] | t->node_flag[b]) & (1u << hi))
				hand = hi;
		if (t->desc.tearing && strain > m.tear_strain) {
			tear.push_back(li);
			continue;
		}
		const float ratio = strain / m.damage_strain;
		if (ratio > worst[hand + 1]) {
			worst[hand + 1] = ratio;
			worst_layer[hand + 1] = t->link_layer[li];
			worst_pos[hand + 1] = (l.m_n[0]->m_x + l.m_n[1]->m_x) * 0.5f;
			worst_strain[hand + 1] = strain;
		}
	}
	/* one injury per episode and hand: re-armed when the worst strain falls back below 90 % */
	for (int k = 0; k <= SCRUB_TISSUE_HANDS; k++) {
		if (!t->over_strain[k] && worst[k] > 1) {
			t->over_strain[k] = true;
			push_event(t, SCRUB_TEV_DAMAGE_STRAIN, k - 1, worst_layer[k], worst_pos[k], worst_strain[k]);
		} else if (t->over_strain[k] && worst[k] < 0.9f) {
			t->over_strain[k] = false;
		}
	}
	std::sort(tear.begin(), tear.end());
	for (int i = (int)tear.size() - 1; i >= 0; i--) {
		const btSoftBody::Link &l = sb->m_links[tear[i]];
		const btVector3 mid = (l.m_n[0]->m_x + l.m_n[1]->m_x) * 0.5f;
		const int layer = t->link_layer[tear[i]];
		const int ends[2] = {node_index(t, l.m_n[0]), node_index(t, l.m_n[1])};
		remove_link(t, tear[i]);
		t->stats.torn_links++;
		push_event(t, SCRUB_TEV_TEAR, -1, layer, mid, 0);
		/* a node left without links is a torn-off fragment: the jaws let go and it stays put */
		for (int n : ends) {
			if (!t->node_links[n].empty())
				continue;
			for (Hand &hd : t->hands)
				for (size_t g = 0; g < hd.grasped.size(); g++)
					if (hd.grasped[g] == n) {
						hd.grasped.erase(hd.grasped.begin() + (long)g);
						hd.grasp_local.erase(hd.grasp_local.begin() + (long)g);
						break;
					}
			sb->m_nodes[n].m_battach = 0;
			sb->m_nodes[n].m_im = 0;
			sb->m_nodes[n].m_v = btVector3(0, 0, 0);
			t->pinned[n] = 1;
		}
	}
}

/* Something may move the tissue this step: an instrument near it or holding it, or a change
 * made since the last step (a cut, a throw or a lock, a knot's loop taken up or let out, a node
 * set by a test). */
bool must_be_awake(const scrub_tissue *t)
{
	if (t->wake)
		return true;
	for (int hi = 0; hi < SCRUB_TISSUE_HANDS; hi++)
		if (!t->hands[hi].grasped.empty() || hand_near(t, hi))
			return true;
	return false;
}

/* After a full step: kSleepSteps quiet steps in a row put the tissue to sleep, at rest. */
void update_sleep(scrub_tissue *t, bool awake_reason)
{
	if (awake_reason || t->max_speed >= kSleepSpeed) {
		t->quiet_steps = 0;
		return;
	}
	if (t->desc.no_sleep || ++t->quiet_steps < kSleepSteps)
		return;
	t->asleep = true;
	for (int n = 0; n < t->sb->m_nodes.size(); n++)
		t->sb->m_nodes[n].m_v = btVector3(0, 0, 0);
}

}  // namespace tissue
