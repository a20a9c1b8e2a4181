/* Soft tissue on Bullet's btSoftBody behind the C API of tissue.h: creating, cloning and
 * destroying a block, the step (the order of the passes around Bullet's), the event queue and
 * the node queries. The other passes are in the files listed in tissue_internal.hpp. */
#include <algorithm>
#include <cstring>
#include <new>

#define SCRUB_LOG_MODULE "tissue"
extern "C" {
#include "log.h"
}
#include "tissue_desc.h"
#include "tissue_internal.hpp"

namespace tissue {

void push_event(scrub_tissue *t, scrub_tissue_event_kind kind, int hand, int layer,
                const btVector3 &pos, float value)
{
	if (t->ev_count == kMaxEvents) {
		t->ev_head = (t->ev_head + 1) % kMaxEvents;
		t->ev_count--;
		t->stats.dropped_events++;
	}
	scrub_tissue_event &e = t->events[(t->ev_head + t->ev_count) % kMaxEvents];
	e.kind = kind;
	e.step = t->step_no;
	e.hand = hand;
	e.layer = layer;
	e.pos[0] = pos.x();
	e.pos[1] = pos.y();
	e.pos[2] = pos.z();
	e.value = value;
	t->ev_count++;
	if (hand >= 0 && (kind == SCRUB_TEV_DAMAGE_FORCE || kind == SCRUB_TEV_DAMAGE_STRAIN ||
	                  kind == SCRUB_TEV_TEAR))
		t->hands[hand].m.injury_events++;
}

}  // namespace tissue

using namespace tissue;

extern "C" {

scrub_result scrub_tissue_create(const scrub_tissue_desc *desc, scrub_tissue **out_tissue)
{
	if (!out_tissue)
		return SCRUB_ERR_INVALID;
	*out_tissue = nullptr;
	scrub_tissue_desc d{};
	if (desc)
		d = *desc;
	scrub_tissue_desc_defaults(&d);
	const scrub_result c = tissue_desc_check(&d);
	if (c != SCRUB_OK)
		return c;
	scrub_tissue *t = new (std::nothrow) scrub_tissue();
	if (!t)
		return SCRUB_ERR_NOMEM;
	t->desc = d;
	scrub_result r;
	try {
		r = build(t);
	} catch (const std::bad_alloc &) {
		r = SCRUB_ERR_NOMEM;
	}
	if (r != SCRUB_OK) {
		destroy_all(t);
		return r;
	}
	t->node_damp.resize(t->rest.size());
	for (size_t n = 0; n < t->rest.size(); n++) {
		float s = 0;
		for (int ti : t->node_tets[n])
			s += t->desc.material[t->tets[ti].layer].damping;
		t->node_damp[n] = t->node_tets[n].empty() ? 0 : s / (float)t->node_tets[n].size();
	}
	t->stats.tets = (int)t->tets.size();
	*out_tissue = t;
	return SCRUB_OK;
}

scrub_result scrub_tissue_clone(const scrub_tissue *src, scrub_tissue **out_tissue)
{
	if (!src || !out_tissue)
		return SCRUB_ERR_INVALID;
	*out_tissue = nullptr;
	scrub_tissue *t = new (std::nothrow) scrub_tissue();
	if (!t)
		return SCRUB_ERR_NOMEM;
	t->desc = src->desc;
	try {
		/* a fresh Bullet world and body of the same block, then the source's state in them */
		scrub_result r = build(t);
		if (r != SCRUB_OK) {
			destroy_all(t);
			return r;
		}
		btSoftBodyRigidBodyCollisionConfiguration *config = t->config;
		btCollisionDispatcher *dispatcher = t->dispatcher;
		btDbvtBroadphase *broadphase = t->broadphase;
		btSequentialImpulseConstraintSolver *solver = t->solver;
		btSoftRigidDynamicsWorld *world = t->world;
		btSoftBody *sb = t->sb;
		btSoftBody::Material *mat[SCRUB_TISSUE_LAYER_COUNT], *mat_suture = t->mat_suture;
		std::memcpy(mat, t->mat, sizeof mat);
		*t = *src;  /* every vector, map and number of the source: node and link tables, hands, cut, thread, sutures */
		t->clamped_before = src->stats.clamped_instrument;
		t->config = config;
		t->dispatcher = dispatcher;
		t->broadphase = broadphase;
		t->solver = solver;
		t->world = world;
		t->sb = sb;
		std::memcpy(t->mat, mat, sizeof mat);
		t->mat_suture = mat_suture;

		const btSoftBody *ss = src->sb;
		auto material = [&](const btSoftBody::Material *m) {
			for (int k = 0; k < ss->m_materials.size(); k++)
				if (ss->m_materials[k] == m)
					return sb->m_materials[k];
			return sb->m_materials[0];
		};
		auto node_of = [&](const btSoftBody::Node *n) { return &sb->m_nodes[(int)(n - &ss->m_nodes[0])]; };
		while (sb->m_nodes.size() < ss->m_nodes.size())
			sb->appendNode(btVector3(0, 0, 0), 0);
		for (int n = 0; n < ss->m_nodes.size(); n++) {
			btDbvtNode *leaf = sb->m_nodes[n].m_leaf;  /* the body's own tree */
			sb->m_nodes[n] = ss->m_nodes[n];
			sb->m_nodes[n].m_leaf = leaf;
			sb->m_nodes[n].m_material = material(ss->m_nodes[n].m_material);
		}
		sb->m_links.resize(0);
		for (int li = 0; li < ss->m_links.size(); li++) {
			btSoftBody::Link l = ss->m_links[li];
			l.m_n[0] = node_of(l.m_n[0]);
			l.m_n[1] = node_of(l.m_n[1]);
			l.m_material = material(l.m_material);
			sb->m_links.push_back(l);
		}
		for (int ti = 0; ti < ss->m_tetras.size(); ti++) {
			btDbvtNode *leaf = sb->m_tetras[ti].m_leaf;
			sb->m_tetras[ti] = ss->m_tetras[ti];
			sb->m_tetras[ti].m_leaf = leaf;
			sb->m_tetras[ti].m_material = material(ss->m_tetras[ti].m_material);
			for (int k = 0; k < 4; k++)
				sb->m_tetras[ti].m_n[k] = node_of(ss->m_tetras[ti].m_n[k]);
		}
		sb->m_bUpdateRtCst = false;
		sb->m_timeacc = ss->m_timeacc;
		sb->m_bounds[0] = ss->m_bounds[0];
		sb->m_bounds[1] = ss->m_bounds[1];
	} catch (const std::bad_alloc &) {
		destroy_all(t);
		return SCRUB_ERR_NOMEM;
	}
	*out_tissue = t;
	return SCRUB_OK;
}

void scrub_tissue_destroy(scrub_tissue **t)
{
	if (!t || !*t)
		return;
	/* one line for the tissue's life (a session), not one per clamped step */
	const uint64_t clamped = (*t)->stats.clamped_instrument - (*t)->clamped_before;
	if (clamped)
		LOG_W("an instrument was held back for %.3f s (%llu steps): its hand asked for more than %.0f m/s "
		      "or %.0f rad/s, and the instrument followed as fast as it could",
		      (double)clamped * (double)(*t)->desc.dt, (unsigned long long)clamped, (double)kMaxToolSpeed,
		      (double)kMaxToolSpin);
	destroy_all(*t);
	*t = nullptr;
}

scrub_result scrub_tissue_step(scrub_tissue *t)
{
	if (!t)
		return SCRUB_ERR_INVALID;
	t->step_no++;
	std::fill(t->node_flag.begin(), t->node_flag.end(), 0);

	for (int hi = 0; hi < SCRUB_TISSUE_HANDS; hi++) {
		Hand &hd = t->hands[hi];
		couple(t, hi);
		hd.contact.clear();
		if (hd.kind == SCRUB_INSTR_FORCEPS) {
			if (!hd.grasping && hd.grip > 0.5f)
				grasp(t, hi);
			else if (hd.grasping && hd.grip < 0.4f)
				release(t, hi, SCRUB_TEV_RELEASE);
		} else if (hd.grasping) {
			release(t, hi, SCRUB_TEV_RELEASE);
		}
		for (int n : hd.grasped)
			t->node_flag[n] |= (uint8_t)(1u << hi);
	}
	/* Asleep, the nodes stay where they are: nothing below that moves or reads a node's
	 * motion runs (Bullet's step, volume, contact, cutting, guards, strain); instruments,
	 * needle tracking, the thread and the sutures' measurements run as always. */
	const bool awake_reason = must_be_awake(t);
	if (t->asleep && awake_reason) {
		t->asleep = false;
		t->quiet_steps = 0;
	}
	const bool active = !t->asleep;
	t->wake = false;
	if (!active)
		t->stats.sleeping_steps++;

	try {
		if (active) {
			guard_pass(t, false);
			t->world->stepSimulation(t->desc.dt, 0, t->desc.dt);
			if (t->any_volume)
				volume_pass(t);
			attach_pass(t);
		}

		for (int hi = 0; hi < SCRUB_TISSUE_HANDS; hi++) {
			Hand &hd = t->hands[hi];
			if (!hd.placed)
				continue;
			const btVector3 axis = rotate(hd.rot, btVector3(0, 0, 1));
			switch (active ? hd.kind : SCRUB_INSTR_NONE) {
			case SCRUB_INSTR_FORCEPS:
				if (!hd.grasping)
					push_capsule(t, hi, hd.pos, hd.pos + axis * kForcepsShaft, kForcepsTipRadius);
				break;
			case SCRUB_INSTR_SCALPEL:
				push_capsule(t, hi, hd.pos + axis * (kBladeLength + 0.004f), hd.pos + axis * 0.1f, 0.004f);
				cut(t, hi);
				break;
			case SCRUB_INSTR_SCISSORS:
				push_capsule(t, hi, hd.pos, hd.pos + axis * kForcepsShaft, kForcepsTipRadius);
				break;
			default:
				break;
			}
			if (hd.kind == SCRUB_INSTR_SCISSORS) {
				if (!hd.blades_closed && hd.grip > 0.5f) {
					hd.blades_closed = true;
					scissors_cut(t, hi);
				} else if (hd.blades_closed && hd.grip < 0.4f) {
					hd.blades_closed = false;
				}
			}
			if (hd.kind == SCRUB_INSTR_SCALPEL || hd.kind == SCRUB_INSTR_NEEDLE_DRIVER)
				track_tip(t, hi);
			else {
				hd.in_tissue = false;
				hd.tip_layer = SCRUB_TISSUE_LAYER_NONE;
			}
		}
		if (!t->sutures.empty())
			suture_pass(t);
		if (active)
			guard_pass(t, true);
		thread_step(t);

		for (int hi = 0; hi < SCRUB_TISSUE_HANDS; hi++) {
			Hand &hd = t->hands[hi];
			btVector3 f = tissue_force(t, hi, hd.grasping ? hd.grasped : hd.contact);
			if (!finite3(f))
				f = btVector3(0, 0, 0);
			/* smoothed for haptics; fed back to the coupling through a slower filter (20 ms) so
			 * the loop through the tissue cannot ring */
			hd.force = hd.force * 0.5f + f * 0.5f;
			hd.force_fb = hd.force_fb * 0.95f + f * 0.05f;
			const float fm = hd.force.length();
			if (hd.grasping && !hd.grasped.empty() && fm > kGraspMaxForce) {
				release(t, hi, SCRUB_TEV_SLIP);
				hd.grasping = true;  /* jaws still closed: no regrasp until reopened */
			}
			if (!hd.over_force && fm > kDamageForce) {
				hd.over_force = true;
				int layer = (int)SCRUB_TISSUE_LAYER_NONE;
				if (!hd.grasped.empty())
					layer = t->node_layer[hd.grasped[0]];
				else if (!hd.contact.empty())
					layer = t->node_layer[hd.contact[0]];
				push_event(t, SCRUB_TEV_DAMAGE_FORCE, hi, layer, hd.pos, fm);
			} else if (hd.over_force && fm < 0.8f * kDamageForce) {
				hd.over_force = false;
			}
		}
		if (active) {
			if (t->step_no % 8 == 0)
				strain_pass(t);
			t->surface_stale = true;
			update_sleep(t, awake_reason || t->wake);
		}
	} catch (const std::bad_alloc &) {
		LOG_E("out of memory in the tissue step");
		return SCRUB_ERR_NOMEM;
	}
	t->stats.steps = t->step_no;
	return SCRUB_OK;
}

void scrub_tissue_get_stats(const scrub_tissue *t, scrub_tissue_stats *out)
{
	if (!t || !out)
		return;
	refresh_surface(const_cast<scrub_tissue *>(t));  /* allocated non-const: the cache may change */
	*out = t->stats;
	out->nodes = t->sb->m_nodes.size();
	out->links = t->sb->m_links.size();
	out->tets = (int)t->tets.size();
	out->surface_vertices = (int)t->vert_node.size();
	out->surface_triangles = (int)(t->s_idx.size() / 3);
}

bool scrub_tissue_state_ok(const scrub_tissue *t)
{
	if (!t)
		return false;
	const float margin = 0.2f;
	for (int n = 0; n < t->sb->m_nodes.size(); n++) {
		const btSoftBody::Node &nd = t->sb->m_nodes[n];
		if (!finite3(nd.m_x) || !finite3(nd.m_v))
			return false;
		if (nd.m_x.x() < -margin || nd.m_x.x() > t->desc.size_x + margin || nd.m_x.y() < -margin ||
		    nd.m_x.y() > t->desc.size_y + margin || nd.m_x.z() < -t->thickness - margin || nd.m_x.z() > margin)
			return false;
	}
	for (const Hand &hd : t->hands)
		if (!finite3(hd.pos) || !finite3(hd.vel) || !finite3(hd.force))
			return false;
	return true;
}

int scrub_tissue_node_count(const scrub_tissue *t) { return t ? t->sb->m_nodes.size() : 0; }

void scrub_tissue_node_position(const scrub_tissue *t, int node, float out_pos[3])
{
	if (!t || node < 0 || node >= t->sb->m_nodes.size())
		return;
	const btVector3 &x = t->sb->m_nodes[node].m_x;
	out_pos[0] = x.x();
	out_pos[1] = x.y();
	out_pos[2] = x.z();
}

void scrub_tissue_node_rest(const scrub_tissue *t, int node, float out_pos[3])
{
	if (!t || node < 0 || node >= (int)t->rest.size())
		return;
	out_pos[0] = t->rest[node].x();
	out_pos[1] = t->rest[node].y();
	out_pos[2] = t->rest[node].z();
}

scrub_result scrub_tissue_node_set_position(scrub_tissue *t, int node, const float pos[3])
{
	if (!t || !pos || node < 0 || node >= t->sb->m_nodes.size())
		return SCRUB_ERR_INVALID;
	t->sb->m_nodes[node].m_x = btVector3(pos[0], pos[1], pos[2]);
	t->wake = true;
	t->surface_stale = true;
	return SCRUB_OK;
}

bool scrub_tissue_poll_event(scrub_tissue *t, scrub_tissue_event *out)
{
	if (!t || !out || t->ev_count == 0)
		return false;
	*out = t->events[t->ev_head];
	t->ev_head = (t->ev_head + 1) % kMaxEvents;
	t->ev_count--;
	return true;
}

}  // extern "C"
