/* Instruments: the proxy coupled to the hand's pose (critically damped, clamped), the forceps'
 * grasp, the capsules that push nodes aside, the force the tissue returns, motion metrics and the
 * tracking of a blade's or needle's tip through the layers (needle passes). */
#include <algorithm>
#include <cstring>

#define SCRUB_LOG_MODULE "tissue"
extern "C" {
#include "log.h"
}
#include "tissue_internal.hpp"

namespace tissue {
namespace {

void needle_tip(const Hand &hd, btVector3 *tip, btVector3 *dir)
{
	const btVector3 lt(kNeedleRadius * std::cos(kNeedleArc), kNeedleRadius * std::sin(kNeedleArc), 0);
	const btVector3 ld(-std::sin(kNeedleArc), std::cos(kNeedleArc), 0);
	*tip = hd.pos + rotate(hd.rot, lt);
	*dir = rotate(hd.rot, ld);
}

float wound_distance(const scrub_tissue *t, const btVector3 &rest)
{
	if (t->cut_centroids.empty())
		return -1;
	float best = 1e30f;
	for (const btVector3 &c : t->cut_centroids) {
		const float dx = c.x() - rest.x(), dy = c.y() - rest.y();
		best = std::min(best, dx * dx + dy * dy);
	}
	return std::sqrt(best);
}

}  // namespace

void couple(scrub_tissue *t, int hi)
{
	Hand &hd = t->hands[hi];
	const float dt = t->desc.dt;
	hd.prev_pos = hd.pos;
	hd.prev_rot = hd.rot;
	if (!hd.has_target)
		return;
	if (!hd.placed) {
		hd.pos = hd.prev_pos = hd.target_pos;
		hd.rot = hd.prev_rot = hd.target_rot;
		hd.vel = hd.ang = btVector3(0, 0, 0);
		hd.placed = true;
	} else {
		bool clamped = false;
		const float w = kCouplingOmega;
		btVector3 fc = kCouplingMass * (w * w * (hd.target_pos - hd.pos) - 2 * w * hd.vel);
		if (fc.length() > kCouplingMaxForce) {
			fc *= kCouplingMaxForce / fc.length();
			clamped = true;
		}
		btVector3 ft = hd.force_fb;
		if (ft.length() > kCouplingMaxForce)
			ft *= kCouplingMaxForce / ft.length();
		hd.vel += (fc + ft) * (dt / kCouplingMass);
		if (hd.vel.length() > kMaxToolSpeed) {
			hd.vel *= kMaxToolSpeed / hd.vel.length();
			clamped = true;
		}
		hd.pos += hd.vel * dt;

		btQuaternion qe = hd.target_rot * hd.rot.inverse();
		if (qe.w() < 0)
			qe = -qe;
		const btVector3 ev(qe.x(), qe.y(), qe.z());
		const float s = ev.length();
		btVector3 err(0, 0, 0);
		if (s > 1e-9f)
			err = ev * (2 * std::atan2(s, qe.w()) / s);
		const float wr = 60.0f;
		hd.ang += (wr * wr * err - 2 * wr * hd.ang) * dt;
		if (hd.ang.length() > kMaxToolSpin) {
			hd.ang *= kMaxToolSpin / hd.ang.length();
			clamped = true;
		}
		const btQuaternion dq(hd.ang.x() * dt * 0.5f, hd.ang.y() * dt * 0.5f, hd.ang.z() * dt * 0.5f, 0);
		hd.rot += dq * hd.rot;
		hd.rot.normalize();
		if (clamped) {
			/* counted; said once, when the tissue goes (scrub_tissue_destroy) */
			t->stats.clamped_instrument++;
			LOG_D("step %llu: hand %d: instrument coupling clamped (%llu steps so far)",
			      (unsigned long long)t->step_no, hi, (unsigned long long)t->stats.clamped_instrument);
		}
	}

	/* metrics */
	const float moved = (hd.pos - hd.prev_pos).length();
	hd.m.path_length += moved;
	if (moved / dt > kIdleSpeed) {
		if (!hd.moved_once)
			hd.first_move = t->step_no;
		else
			hd.idle_steps += hd.idle_pending;
		hd.idle_pending = 0;
		hd.moved_once = true;
		hd.last_move = t->step_no;
	} else if (hd.moved_once) {
		hd.idle_pending++;
	}
	if (hd.moved_once) {
		hd.m.active_time = (double)(hd.last_move - hd.first_move + 1) * dt;
		hd.m.idle_time = (double)hd.idle_steps * dt;
	}
}

void release(scrub_tissue *t, int hi, scrub_tissue_event_kind why)
{
	Hand &hd = t->hands[hi];
	for (int n : hd.grasped)
		t->sb->m_nodes[n].m_battach = 0;
	hd.grasp_local.clear();
	if (hd.grasping)
		push_event(t, why, hi, SCRUB_TISSUE_LAYER_NONE, hd.pos, (float)hd.grasped.size());
	hd.grasped.clear();
	hd.grasping = false;
}

void grasp(scrub_tissue *t, int hi)
{
	Hand &hd = t->hands[hi];
	btSoftBody *sb = t->sb;
	hd.grasping = true;  /* closed jaws stay closed until released, holding or not */
	const float r2 = kGraspRadius * kGraspRadius;
	int layer = SCRUB_TISSUE_LAYER_NONE;
	for (int n = 0; n < sb->m_nodes.size(); n++) {
		if ((sb->m_nodes[n].m_x - hd.pos).length2() > r2 || t->pinned[n] || t->embedded[n])
			continue;
		if (hd.grasped.size() >= 64)
			break;
		sb->m_nodes[n].m_battach = -1; /* a signed one-bit field: -1 is "set" */
		hd.grasped.push_back(n);
		hd.grasp_local.push_back(quatRotate(hd.rot.inverse(), sb->m_nodes[n].m_x - hd.pos));
		if (layer == SCRUB_TISSUE_LAYER_NONE || t->node_layer[n] < layer)
			layer = t->node_layer[n];
	}
	if (!hd.grasped.empty())
		push_event(t, SCRUB_TEV_GRASP, hi, layer, hd.pos, (float)hd.grasped.size());
}

/* Grasped nodes move rigidly with the jaws (a hard attachment after Bullet's solve; Bullet's own
 * anchors add a velocity term that rings against the coupling). */
void attach_pass(scrub_tissue *t)
{
	btSoftBody *sb = t->sb;
	const float idt = 1.0f / t->desc.dt;
	for (Hand &hd : t->hands)
		for (size_t i = 0; i < hd.grasped.size(); i++) {
			btSoftBody::Node &nd = sb->m_nodes[hd.grasped[i]];
			nd.m_x = hd.pos + quatRotate(hd.rot, hd.grasp_local[i]);
			nd.m_v = (nd.m_x - nd.m_q) * idt;
		}
}

/* Pushes nodes out of a capsule a-b of radius r; marks them as contact nodes of the hand. */
void push_capsule(scrub_tissue *t, int hi, const btVector3 &a, const btVector3 &b, float r)
{
	/* contact is node against capsule: at least 0.6 of a cell, or a thin tip slips between nodes */
	r = std::max(r, 0.6f * t->h);
	btSoftBody *sb = t->sb;
	Hand &hd = t->hands[hi];
	btVector3 lo = a, hi3 = a;
	lo.setMin(b);
	hi3.setMax(b);
	lo -= btVector3(r, r, r);
	hi3 += btVector3(r, r, r);
	const btVector3 ab = b - a;
	const float ab2 = std::max(ab.length2(), 1e-12f);
	const float idt = 1.0f / t->desc.dt;
	const btVector3 back = hd.vel.length2() > 1e-12f ? -hd.vel.normalized() : btVector3(0, 0, 1);
	for (int n = 0; n < sb->m_nodes.size(); n++) {
		btSoftBody::Node &nd = sb->m_nodes[n];
		const btVector3 &x = nd.m_x;
		if (x.x() < lo.x() || x.y() < lo.y() || x.z() < lo.z() || x.x() > hi3.x() || x.y() > hi3.y() ||
		    x.z() > hi3.z())
			continue;
		if (nd.m_im == 0 || nd.m_battach || t->embedded[n])
			continue;
		const float s = std::min(1.0f, std::max(0.0f, (x - a).dot(ab) / ab2));
		const btVector3 c = a + ab * s;
		const btVector3 dv = x - c;
		const float dist = dv.length();
		if (dist >= r)
			continue;
		const btVector3 dir = dist > 1e-7f ? dv / dist : back;
		const btVector3 dx = dir * (r - dist);
		nd.m_x += dx;
		nd.m_v += dx * idt;
		hd.contact.push_back(n);
		t->node_flag[n] |= (uint8_t)(1u << hi);
	}
}

/* The force the tissue exerts on the nodes a hand holds or pushes: the elastic force of the
 * links from those nodes to the rest of the tissue (k = E * rest length / 4). */
btVector3 tissue_force(scrub_tissue *t, int hi, const std::vector<int> &held)
{
	btSoftBody *sb = t->sb;
	btVector3 f(0, 0, 0);
	const uint8_t bit = (uint8_t)(1u << hi);
	for (int n : held)
		for (int li : t->node_links[n]) {
			if (t->link_suture[(size_t)li])
				continue;
			const btSoftBody::Link &l = sb->m_links[li];
			const int a = node_index(t, l.m_n[0]), b = node_index(t, l.m_n[1]);
			const int o = a == n ? b : a;
			if (t->node_flag[o] & bit)
				continue;
			const btVector3 dv = sb->m_nodes[o].m_x - sb->m_nodes[n].m_x;
			const float len = dv.length();
			if (len < 1e-9f)
				continue;
			const float k = t->desc.material[t->link_layer[li]].youngs_pa * l.m_rl * 0.25f;
			f += dv * (k * (len - l.m_rl) / len);
		}
	return f;
}

void track_tip(scrub_tissue *t, int hi)
{
	Hand &hd = t->hands[hi];
	btVector3 tip, dir;
	if (hd.kind == SCRUB_INSTR_NEEDLE_DRIVER)
		needle_tip(hd, &tip, &dir);
	else {
		tip = hd.pos;
		dir = rotate(hd.rot, btVector3(0, 0, -1));
	}
	Located loc;
	const bool inside = locate(t, tip, &loc);
	hd.in_tissue = inside;
	hd.tip_layer = inside ? layer_at_depth(t, -loc.rest.z()) : SCRUB_TISSUE_LAYER_NONE;
	if (hd.kind != SCRUB_INSTR_NEEDLE_DRIVER) {
		if (!inside)
			hd.cutting = false;
		return;
	}
	if (inside && !hd.needle_inside) {
		scrub_needle_pass &p = hd.pass;
		std::memset(&p, 0, sizeof p);
		p.hand = hi;
		p.entry[0] = loc.rest.x();
		p.entry[1] = loc.rest.y();
		p.entry[2] = loc.rest.z();
		/* angle between the tip's motion and the surface plane (the rest skin is z = 0; use
		 * the motion when there is one, else the needle's tangent) */
		btVector3 mv = tip - hd.needle_prev_tip;
		if (mv.length2() < 1e-14f)
			mv = dir;
		mv.normalize();
		p.entry_angle_deg = std::asin(std::min(1.0f, std::fabs(mv.z()))) * 180.0f / kPi;
		p.bite_depth = -loc.rest.z();
		p.deepest_layer = layer_at_depth(t, p.bite_depth);
		p.entry_wound_distance = wound_distance(t, loc.rest);
		p.exit_wound_distance = -1;
		p.entry_step = t->step_no;
		hd.pass_entry = hd.pass_exit = loc;
		hd.needle_inside = true;
		push_event(t, SCRUB_TEV_NEEDLE_ENTRY, hi, p.deepest_layer, tip, p.entry_angle_deg);
	} else if (inside) {
		const float depth = -loc.rest.z();
		if (depth > hd.pass.bite_depth) {
			hd.pass.bite_depth = depth;
			hd.pass.deepest_layer = layer_at_depth(t, depth);
		}
		hd.pass.exit[0] = loc.rest.x();
		hd.pass.exit[1] = loc.rest.y();
		hd.pass.exit[2] = loc.rest.z();
		hd.pass_exit = loc;
	} else if (hd.needle_inside) {
		scrub_needle_pass &p = hd.pass;
		p.complete = true;
		p.exit_step = t->step_no;
		p.exit_wound_distance = wound_distance(t, btVector3(p.exit[0], p.exit[1], p.exit[2]));
		t->passes.push_back(p);
		t->pass_loc.push_back({hd.pass_entry, hd.pass_exit});
		hd.needle_inside = false;
		if (t->th_hand == hi)
			thread_pierce(t, hi, (int)t->passes.size() - 1);
		push_event(t, SCRUB_TEV_NEEDLE_EXIT, hi, p.deepest_layer, tip, p.bite_depth);
	}
	hd.needle_prev_tip = tip;
}

}  // namespace tissue

using namespace tissue;

extern "C" {

scrub_result scrub_tissue_set_instrument(scrub_tissue *t, int hand, scrub_instrument_kind kind)
{
	if (bad_hand(t, hand) || kind < SCRUB_INSTR_NONE || kind >= SCRUB_INSTR_COUNT_)
		return SCRUB_ERR_INVALID;
	Hand &hd = t->hands[hand];
	if (hd.kind != kind) {
		t->th_wake = true;  /* an instrument the thread collides with may appear */
		release(t, hand, SCRUB_TEV_RELEASE);
		if (hd.needle_inside)
			hd.needle_inside = false;
		hd.cutting = false;
		hd.blades_closed = false;
	}
	hd.kind = kind;
	return SCRUB_OK;
}

scrub_result scrub_tissue_set_hand(scrub_tissue *t, int hand, const scrub_hand_input *in)
{
	if (bad_hand(t, hand) || !in)
		return SCRUB_ERR_INVALID;
	const scrub_pose &p = in->pose;
	bool ok = std::isfinite(in->grip);
	for (int i = 0; i < 3; i++) ok = ok && std::isfinite(p.pos[i]) && std::fabs(p.pos[i]) < 100.0f;
	for (int i = 0; i < 4; i++) ok = ok && std::isfinite(p.rot[i]);
	float qn = 0;
	for (int i = 0; i < 4; i++) qn += ok ? p.rot[i] * p.rot[i] : 0;
	if (!ok || qn < 0.8f || qn > 1.2f) {
		t->stats.rejected_poses++;
		if (t->stats.rejected_poses == 1 || t->stats.rejected_poses % 1000 == 0)
			LOG_W("hand %d: refused a pose that is not finite or not a unit quaternion (%llu so far); "
			      "the instrument holds its last good target", hand, (unsigned long long)t->stats.rejected_poses);
		return SCRUB_ERR_INVALID;
	}
	Hand &hd = t->hands[hand];
	hd.target_pos = btVector3(p.pos[0], p.pos[1], p.pos[2]);
	hd.target_rot = btQuaternion(p.rot[0], p.rot[1], p.rot[2], p.rot[3]).normalized();
	hd.grip = std::min(1.0f, std::max(0.0f, in->grip));
	hd.has_target = true;
	return SCRUB_OK;
}

scrub_result scrub_tissue_hand_state(const scrub_tissue *t, int hand, scrub_hand_state *out)
{
	if (bad_hand(t, hand) || !out)
		return SCRUB_ERR_INVALID;
	const Hand &hd = t->hands[hand];
	std::memset(out, 0, sizeof *out);
	out->kind = hd.kind;
	out->pose.pos[0] = hd.pos.x();
	out->pose.pos[1] = hd.pos.y();
	out->pose.pos[2] = hd.pos.z();
	out->pose.rot[0] = hd.rot.x();
	out->pose.rot[1] = hd.rot.y();
	out->pose.rot[2] = hd.rot.z();
	out->pose.rot[3] = hd.rot.w();
	for (int k = 0; k < 3; k++) {
		out->velocity[k] = hd.vel[k];
		out->force[k] = hd.force[k];
	}
	out->force_magnitude = hd.force.length();
	out->contact_nodes = (int)hd.contact.size();
	out->grasped_nodes = (int)hd.grasped.size();
	out->in_tissue = hd.in_tissue;
	out->tip_layer = hd.tip_layer;
	out->metrics = hd.m;
	return SCRUB_OK;
}

int scrub_tissue_needle_pass_count(const scrub_tissue *t) { return t ? (int)t->passes.size() : 0; }

scrub_result scrub_tissue_needle_pass_get(const scrub_tissue *t, int index, scrub_needle_pass *out)
{
	if (!t || !out || index < 0 || index >= (int)t->passes.size())
		return SCRUB_ERR_INVALID;
	*out = t->passes[(size_t)index];
	return SCRUB_OK;
}

void scrub_tissue_needle_tip_local(float out_tip[3], float out_dir[3])
{
	out_tip[0] = kNeedleRadius * std::cos(kNeedleArc);
	out_tip[1] = kNeedleRadius * std::sin(kNeedleArc);
	out_tip[2] = 0;
	out_dir[0] = -std::sin(kNeedleArc);
	out_dir[1] = std::cos(kNeedleArc);
	out_dir[2] = 0;
}

}  // extern "C"
