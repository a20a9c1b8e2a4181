/* The one C++ file of Scrub: soft tissue on Bullet's btSoftBody behind the C API of tissue.h.
 *
 * Why btSoftBody in a btSoftRigidDynamicsWorld (and not btDeformableMultiBodyDynamicsWorld): the
 * deformable world solves an implicit FEM system with conjugate gradients every step, which at
 * 20k tets costs several milliseconds; the classic btSoftBody position solver (links per tet edge,
 * anchors) is a few hundred microseconds and the target is 1 kHz on one core. Volume
 * preservation per layer, damping per layer, instrument contact, cutting and the guards run here
 * around Bullet's step. See docs/tissue.md. */
#include <btBulletDynamicsCommon.h>
#include <BulletSoftBody/btSoftBody.h>
#include <BulletSoftBody/btSoftBodyHelpers.h>
#include <BulletSoftBody/btSoftBodyRigidBodyCollisionConfiguration.h>
#include <BulletSoftBody/btSoftRigidDynamicsWorld.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <new>
#include <unordered_map>
#include <vector>

#define SCRUB_LOG_MODULE "tissue"
extern "C" {
#include "log.h"
}
#include "tissue.h"

namespace {

const float kPi = 3.14159265358979f;
const float kNeedleRadius = 0.008f;
const float kNeedleArc = 0.75f * kPi;      /* 3/8 of a circle */
const float kBladeLength = 0.020f;
const float kForcepsTipRadius = 0.0015f;
const float kForcepsShaft = 0.040f;
const float kGraspRadius = 0.0025f;
const float kCouplingMass = 0.05f;         /* kg, the instrument proxy */
const float kCouplingOmega = 200.0f;       /* rad/s, critically damped: 2000 N/m on 50 g */
const float kCouplingMaxForce = 20.0f;     /* N: the hardest pull a hand can exert */
const float kMaxToolSpeed = 1.0f;          /* m/s */
const float kMaxToolSpin = 20.0f;          /* rad/s */
const float kGraspMaxForce = 15.0f;        /* N: the jaws slip beyond this */
const float kDamageForce = 8.0f;           /* N: instrument force counted as an injury */
const float kIdleSpeed = 0.005f;           /* m/s */
const int kMaxEvents = 256;
/* suture thread (4-0: 0.15 mm; drawn and collided as 0.3 mm) */
const float kThreadSeg = 0.002f;           /* m between particles */
const int kThreadNodes = 121;              /* 240 mm of thread */
const int kThreadIters = 6;                /* Gauss-Seidel sweeps per step */
const float kThreadDamp = 0.02f;           /* per-step velocity damping */
const float kThreadRadius = 0.0003f;       /* kept above the skin by this much */
const float kThreadMaxSpeed = 5.0f;        /* m/s: faster particles are slowed */
const int kThreadFreeNearSwage = 4;        /* particles next to the needle may enter the tissue */
const float kScissorsBlade = 0.015f;       /* m of blade from the tip up the shaft */
const float kScissorsCatch = 0.002f;       /* m: the blades close on thread this near */
const float kCinchSpeed = 0.010f;          /* m/s: how fast a throw takes up the loop */
/* sleep (see docs/tissue.md, "Sleep"): every node slower than this for kSleepSteps full steps,
 * and no instrument within kSleepMargin of the tissue */
const float kSleepSpeed = 1e-4f;           /* m/s */
const int kSleepSteps = 20;
const float kSleepMargin = 0.002f;         /* m, plus the farthest an instrument moves in a step */
const float kThreadSleepMove = 1e-7f;      /* m per step: the thread rests below this */

struct Tet {
	int n[4];
	int nbr[4];     /* tet across the face opposite n[i], -1 on the boundary or a cut */
	int layer;
	float rest_vol;
};

struct Located {
	int tet;
	float bary[4];
	btVector3 rest;
};

struct Hand {
	scrub_instrument_kind kind = SCRUB_INSTR_NONE;
	bool has_target = false;
	btVector3 target_pos{0, 0, 0};
	btQuaternion target_rot{0, 0, 0, 1};
	float grip = 0;
	btVector3 pos{0, 0, 0}, vel{0, 0, 0};
	btQuaternion rot{0, 0, 0, 1};
	btVector3 ang{0, 0, 0};
	btVector3 prev_pos{0, 0, 0};
	btQuaternion prev_rot{0, 0, 0, 1};
	bool placed = false;          /* the proxy starts at the first target, then follows it */
	bool grasping = false;
	std::vector<int> grasped;
	std::vector<btVector3> grasp_local;  /* grasped node in the instrument frame */
	btVector3 force_fb{0, 0, 0};         /* low-pass tissue force fed back to the coupling */
	std::vector<int> contact;
	btVector3 force{0, 0, 0};
	bool over_force = false;
	bool in_tissue = false;
	int tip_layer = SCRUB_TISSUE_LAYER_NONE;
	/* needle pass in progress */
	bool needle_inside = false;
	btVector3 needle_prev_tip{0, 0, 0};
	scrub_needle_pass pass{};
	Located pass_entry{}, pass_exit{};
	bool blades_closed = false;
	/* incision stroke */
	bool cutting = false;
	int stroke_layer = SCRUB_TISSUE_LAYER_NONE;
	/* metrics */
	scrub_instrument_metrics m{};
	bool moved_once = false;
	uint64_t first_move = 0, last_move = 0;
	uint64_t idle_steps = 0, idle_pending = 0;
};


/* A bite the thread runs through: a point fixed in the material (tet + barycentric) and the
 * arc length s (from the swage) of the thread where it passes. */
struct Eyelet {
	int tet;
	float bary[4];
	float s;
	int pass;
	bool is_exit;
};

struct Suture {
	scrub_suture pub{};
	int tet[2];
	float bary[2][4];
	btVector3 rest[2];
	float max_loop = 0;          /* the loop length when the first throw began */
	int node[2] = {-1, -1};      /* the loop's ends: a node embedded at each bite point */
	int link = -1;               /* the loop: a link in Bullet's solver, or -1 */
	bool still = false;          /* measured while the tissue slept: ten_raw and the figures hold */
	float ten_raw = 0;           /* the tissue's pull before the low-pass */
};

}  // namespace

struct scrub_tissue {
	scrub_tissue_desc desc{};
	btSoftBodyRigidBodyCollisionConfiguration *config = nullptr;
	btCollisionDispatcher *dispatcher = nullptr;
	btDbvtBroadphase *broadphase = nullptr;
	btSequentialImpulseConstraintSolver *solver = nullptr;
	btSoftRigidDynamicsWorld *world = nullptr;
	btSoftBody *sb = nullptr;
	btSoftBody::Material *mat[SCRUB_TISSUE_LAYER_COUNT] = {};

	float h = 0;                  /* grid cell edge */
	float thickness = 0;          /* total */
	float layer_bottom[SCRUB_TISSUE_LAYER_COUNT] = {};  /* depth of each layer's bottom */
	std::vector<btVector3> rest;
	std::vector<uint8_t> node_layer;
	std::vector<float> node_damp;
	std::vector<uint8_t> pinned;
	std::vector<uint8_t> embedded;  /* 1: a knot's bite point, held in its tet by links, not tissue */
	std::vector<btVector3> last_good;
	std::vector<Tet> tets;
	std::vector<std::vector<int>> node_tets;
	std::vector<std::vector<int>> node_links;
	std::vector<uint8_t> link_layer;
	std::vector<uint8_t> link_suture;  /* 1: a knot's loop, not tissue */
	btSoftBody::Material *mat_suture = nullptr;
	std::unordered_map<uint64_t, int> link_of;
	std::vector<uint32_t> tet_stamp, node_stamp;
	uint32_t stamp = 0;
	bool any_volume = false;
	std::vector<uint8_t> node_flag;  /* bit per hand: held or pushed this step */
	bool over_strain[SCRUB_TISSUE_HANDS + 1] = {};  /* [0]: no hand, [1 + h]: hand h */

	Hand hands[SCRUB_TISSUE_HANDS];

	/* incision */
	std::vector<btVector3> cut_centroids;  /* rest-frame centroids of cut faces */
	std::vector<btVector3> path;           /* rest-frame blade path (x, y) */
	std::vector<std::pair<int, int>> splits;
	float cut_max_depth = 0;
	int cut_deepest = SCRUB_TISSUE_LAYER_NONE;
	bool topology_dirty = true;
	bool surface_stale = true;    /* node positions moved since the surface was refreshed */

	/* sleep: Bullet's step is skipped while the tissue is at rest and no instrument is near */
	bool asleep = false;
	int quiet_steps = 0;          /* full steps in a row with every node slower than kSleepSpeed */
	bool wake = false;            /* something changed the tissue from outside the step */
	btVector3 sleep_lo{0, 0, 0}, sleep_hi{0, 0, 0};  /* the nodes' bounds while asleep */
	float max_speed = 0;          /* fastest node after the last full step, m/s */

	std::vector<scrub_needle_pass> passes;
	std::vector<std::pair<Located, Located>> pass_loc;  /* entry, exit of each pass */

	/* grid of the top surface (skin height field for the thread) */
	int gnx = 0, gny = 0, gtop = 0;

	/* suture thread */
	std::vector<btVector3> th_x, th_p, th_good;
	std::vector<float> th_out;
	std::vector<uint8_t> th_inside;
	std::vector<Eyelet> eyes;       /* sorted by s */
	float th_last = kThreadSeg;     /* length of the last segment (shorter after a cut) */
	int th_hand = -1;
	uint64_t th_repaired = 0;
	bool th_asleep = false;         /* the thread rests: its step is skipped (see thread_step) */
	int th_quiet = 0;
	bool th_wake = false;           /* changed from outside the step (a pass, a cut) */
	std::vector<Suture> sutures;

	/* surface */
	std::vector<int> vert_node, node_vert;
	std::vector<float> s_pos, s_nrm, s_uv;
	std::vector<uint8_t> s_layer;
	std::vector<uint32_t> s_idx;
	uint32_t s_version = 0;

	scrub_tissue_event events[kMaxEvents];
	int ev_head = 0, ev_count = 0;

	scrub_tissue_stats stats{};
	uint64_t step_no = 0;
};

namespace {

bool finite3(const btVector3 &v)
{
	return std::isfinite(v.x()) && std::isfinite(v.y()) && std::isfinite(v.z());
}

uint64_t edge_key(int a, int b)
{
	if (a > b)
		std::swap(a, b);
	return ((uint64_t)(uint32_t)a << 32) | (uint32_t)b;
}

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

int layer_at_depth(const scrub_tissue *t, float depth)
{
	for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++)
		if (depth <= t->layer_bottom[l] + 1e-6f)
			return l;
	return SCRUB_TISSUE_LAYER_MUSCLE;
}

void material_defaults(int layer, scrub_tissue_material *m)
{
	/* skin, fat, muscle: stiff and tough; soft and nearly incompressible; in between */
	static const scrub_tissue_material def[SCRUB_TISSUE_LAYER_COUNT] = {
		{0.9f, 1.0e5f, 0.02f, 0.0f, 1100.0f, 0.45f, 0.70f},
		{0.25f, 5.0e3f, 0.05f, 0.5f, 920.0f, 0.60f, 0.90f},
		{0.5f, 2.0e4f, 0.04f, 0.0f, 1060.0f, 0.40f, 0.60f},
	};
	const scrub_tissue_material &d = def[layer];
	if (m->stiffness <= 0) m->stiffness = d.stiffness;
	if (m->youngs_pa <= 0) m->youngs_pa = d.youngs_pa;
	if (m->damping <= 0) m->damping = d.damping;
	if (m->volume <= 0) m->volume = d.volume;
	if (m->density <= 0) m->density = d.density;
	if (m->damage_strain <= 0) m->damage_strain = d.damage_strain;
	if (m->tear_strain <= 0) m->tear_strain = d.tear_strain;
}

btVector3 rotate(const btQuaternion &q, const btVector3 &v) { return quatRotate(q, v); }

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

/* ---- topology helpers ---- */

btSoftBody::Node *node_ptr(scrub_tissue *t, int i) { return &t->sb->m_nodes[i]; }
int node_index(scrub_tissue *t, const btSoftBody::Node *n) { return (int)(n - &t->sb->m_nodes[0]); }

void set_link_constants(scrub_tissue *t, btSoftBody::Link &l)
{
	l.m_c1 = l.m_rl * l.m_rl;
	l.m_c0 = (l.m_n[0]->m_im + l.m_n[1]->m_im) / l.m_material->m_kLST;
	(void)t;
}

int add_link(scrub_tissue *t, int a, int b, float rl, int layer)
{
	btSoftBody *sb = t->sb;
	sb->appendLink(node_ptr(t, a), node_ptr(t, b), t->mat[layer], false);
	const int li = sb->m_links.size() - 1;
	btSoftBody::Link &l = sb->m_links[li];
	l.m_rl = rl;
	set_link_constants(t, l);
	t->link_layer.push_back((uint8_t)layer);
	t->link_suture.push_back(0);
	t->link_of[edge_key(a, b)] = li;
	t->node_links[a].push_back(li);
	t->node_links[b].push_back(li);
	sb->m_bUpdateRtCst = false;  /* appendLink asks Bullet to reset every rest length: no */
	return li;
}

void erase_value(std::vector<int> &v, int x)
{
	for (size_t i = 0; i < v.size(); i++)
		if (v[i] == x) {
			v[i] = v.back();
			v.pop_back();
			return;
		}
}

void replace_value(std::vector<int> &v, int from, int to)
{
	for (int &x : v)
		if (x == from) {
			x = to;
			return;
		}
}

void remove_link(scrub_tissue *t, int li)
{
	btSoftBody *sb = t->sb;
	const int last = sb->m_links.size() - 1;
	const int a = node_index(t, sb->m_links[li].m_n[0]), b = node_index(t, sb->m_links[li].m_n[1]);
	auto own = t->link_of.find(edge_key(a, b));
	if (own != t->link_of.end() && own->second == li)
		t->link_of.erase(own);
	erase_value(t->node_links[a], li);
	erase_value(t->node_links[b], li);
	if (li != last) {
		const int c = node_index(t, sb->m_links[last].m_n[0]);
		const int d = node_index(t, sb->m_links[last].m_n[1]);
		sb->m_links.swap(li, last);
		t->link_layer[li] = t->link_layer[last];
		t->link_suture[li] = t->link_suture[last];
		if (t->link_suture[li]) {
			for (Suture &su : t->sutures)
				if (su.link == last)
					su.link = li;
		} else {
			t->link_of[edge_key(c, d)] = li;
		}
		replace_value(t->node_links[c], last, li);
		replace_value(t->node_links[d], last, li);
	}
	if (t->link_suture[(size_t)last] && li == last)
		for (Suture &su : t->sutures)
			if (su.link == li)
				su.link = -1;
	sb->m_links.pop_back();
	t->link_layer.pop_back();
	t->link_suture.pop_back();
}

void update_node_mass(scrub_tissue *t, int n)
{
	float m = 0;
	for (int ti : t->node_tets[n])
		m += t->tets[ti].rest_vol * t->desc.material[t->tets[ti].layer].density * 0.25f;
	btSoftBody::Node &nd = t->sb->m_nodes[n];
	nd.m_im = (t->pinned[n] || m <= 0) ? 0 : 1.0f / m;
	for (int li : t->node_links[n])
		set_link_constants(t, t->sb->m_links[li]);
}

void repoint_tetras(scrub_tissue *t)
{
	for (size_t i = 0; i < t->tets.size(); i++)
		for (int k = 0; k < 4; k++)
			t->sb->m_tetras[(int)i].m_n[k] = node_ptr(t, t->tets[i].n[k]);
}

int new_stamp(scrub_tissue *t)
{
	if (++t->stamp == 0) {
		std::fill(t->tet_stamp.begin(), t->tet_stamp.end(), 0);
		std::fill(t->node_stamp.begin(), t->node_stamp.end(), 0);
		t->stamp = 1;
	}
	return (int)t->stamp;
}

/* ---- build ---- */

scrub_result build(scrub_tissue *t)
{
	const scrub_tissue_desc &d = t->desc;
	t->thickness = d.thickness[0] + d.thickness[1] + d.thickness[2];
	float acc = 0;
	for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++) {
		acc += d.thickness[l];
		t->layer_bottom[l] = acc;
	}
	float h = d.element_size;
	if (d.target_tets > 0) {
		const double cells = d.target_tets / 6.0;
		h = (float)std::cbrt((double)d.size_x * d.size_y * t->thickness / cells);
	}
	const int nx = std::max(2, (int)std::lround(d.size_x / h));
	const int ny = std::max(2, (int)std::lround(d.size_y / h));
	/* z cells per layer, at least one each, proportional to thickness */
	int nzl[SCRUB_TISSUE_LAYER_COUNT];
	int nz = 0;
	for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++) {
		nzl[l] = std::max(1, (int)std::lround(d.thickness[l] / h));
		nz += nzl[l];
	}
	const long ncell = (long)nx * ny * nz;
	if (ncell * 6 > 2000000) {
		LOG_E("tissue of %ld tets exceeds the limit of 2000000", ncell * 6);
		return SCRUB_ERR_LIMIT;
	}
	t->h = std::min(d.size_x / nx, d.size_y / ny);
	/* z coordinate of each level, bottom (k = 0) to top (k = nz) */
	std::vector<float> zl(nz + 1);
	std::vector<int> cell_layer(nz);
	{
		int k = nz;
		float z = 0;
		zl[k] = 0;
		for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++)
			for (int c = 0; c < nzl[l]; c++) {
				z -= d.thickness[l] / nzl[l];
				cell_layer[k - 1] = l;
				zl[--k] = z;
			}
		zl[0] = -t->thickness;
	}
	const int sx = nx + 1, sy = ny + 1;
	const int nn = sx * sy * (nz + 1);
	t->gnx = nx;
	t->gny = ny;
	t->gtop = sx * sy * nz;
	auto nid = [&](int i, int j, int k) { return i + sx * (j + sy * k); };

	t->rest.resize(nn);
	t->node_layer.resize(nn);
	t->pinned.assign(nn, 0);
	for (int k = 0; k <= nz; k++)
		for (int j = 0; j <= ny; j++)
			for (int i = 0; i <= nx; i++) {
				const int n = nid(i, j, k);
				t->rest[n] = btVector3(d.size_x * i / nx, d.size_y * j / ny, zl[k]);
				t->node_layer[n] = (uint8_t)layer_at_depth(t, -zl[k]);
				const bool side = i == 0 || i == nx || j == 0 || j == ny;
				t->pinned[n] = (uint8_t)((side && !d.no_pin_sides) || (k == 0 && !d.no_pin_bottom));
			}

	/* Freudenthal split: 6 tets per cube along the main diagonal, conforming across cubes */
	static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	t->tets.reserve((size_t)ncell * 6);
	for (int k = 0; k < nz; k++)
		for (int j = 0; j < ny; j++)
			for (int i = 0; i < nx; i++)
				for (int p = 0; p < 6; p++) {
					int c[3] = {i, j, k};
					Tet tt;
					tt.n[0] = nid(c[0], c[1], c[2]);
					for (int s = 0; s < 3; s++) {
						c[perm[p][s]]++;
						tt.n[s + 1] = nid(c[0], c[1], c[2]);
					}
					const btVector3 &a = t->rest[tt.n[0]];
					float v = (t->rest[tt.n[1]] - a).dot((t->rest[tt.n[2]] - a).cross(t->rest[tt.n[3]] - a)) / 6;
					if (v < 0) {
						std::swap(tt.n[2], tt.n[3]);
						v = -v;
					}
					tt.rest_vol = v;
					tt.layer = cell_layer[k];
					for (int &x : tt.nbr) x = -1;
					t->tets.push_back(tt);
				}
	const int nt = (int)t->tets.size();

	/* face adjacency by sorting face keys */
	{
		struct FK { uint64_t k; int tf; };
		std::vector<FK> fk;
		fk.reserve((size_t)nt * 4);
		for (int ti = 0; ti < nt; ti++)
			for (int f = 0; f < 4; f++) {
				int v[3], m = 0;
				for (int q = 0; q < 4; q++)
					if (q != f) v[m++] = t->tets[ti].n[q];
				std::sort(v, v + 3);
				fk.push_back({((uint64_t)v[0] << 42) | ((uint64_t)v[1] << 21) | (uint64_t)v[2], ti * 4 + f});
			}
		std::sort(fk.begin(), fk.end(), [](const FK &a, const FK &b) { return a.k < b.k || (a.k == b.k && a.tf < b.tf); });
		for (size_t i = 0; i + 1 < fk.size(); i++)
			if (fk[i].k == fk[i + 1].k) {
				t->tets[fk[i].tf / 4].nbr[fk[i].tf % 4] = fk[i + 1].tf / 4;
				t->tets[fk[i + 1].tf / 4].nbr[fk[i + 1].tf % 4] = fk[i].tf / 4;
				i++;
			}
	}

	/* Bullet world and body */
	t->config = new btSoftBodyRigidBodyCollisionConfiguration();
	t->dispatcher = new btCollisionDispatcher(t->config);
	t->broadphase = new btDbvtBroadphase();
	t->solver = new btSequentialImpulseConstraintSolver();
	t->world = new btSoftRigidDynamicsWorld(t->dispatcher, t->broadphase, t->solver, t->config);
	const btVector3 g(0, 0, d.gravity > 0 ? -d.gravity : 0);
	t->world->setGravity(g);
	btSoftBodyWorldInfo &wi = t->world->getWorldInfo();
	wi.m_gravity = g;
	wi.m_broadphase = t->broadphase;
	wi.m_dispatcher = t->dispatcher;
	wi.air_density = 0;
	wi.m_maxDisplacement = 0.01f;  /* Bullet's own clamp on force-driven motion per step */
	wi.m_sparsesdf.Initialize();

	btSoftBody *sb = new btSoftBody(&wi);
	t->sb = sb;
	sb->getCollisionShape()->setMargin(t->h * 0.25f);
	t->mat_suture = sb->appendMaterial();
	t->mat_suture->m_kLST = 1;
	t->mat_suture->m_kAST = 0;
	t->mat_suture->m_kVST = 0;
	for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++) {
		t->mat[l] = sb->appendMaterial();
		t->mat[l]->m_kLST = d.material[l].stiffness;
		t->mat[l]->m_kAST = 0;
		t->mat[l]->m_kVST = 0;
		if (d.material[l].volume > 0)
			t->any_volume = true;
	}
	sb->m_nodes.reserve(nn * 2 + 64);
	for (int n = 0; n < nn; n++)
		sb->appendNode(t->rest[n], 0);
	for (int n = 0; n < nn; n++)
		sb->m_nodes[n].m_material = t->mat[t->node_layer[n]];
	sb->m_tetras.reserve(nt);
	for (const Tet &tt : t->tets)
		sb->appendTetra(tt.n[0], tt.n[1], tt.n[2], tt.n[3], t->mat[tt.layer]);
	t->node_tets.assign(nn, {});
	for (int ti = 0; ti < nt; ti++)
		for (int k = 0; k < 4; k++)
			t->node_tets[t->tets[ti].n[k]].push_back(ti);

	/* links: unique tet edges; an edge shared by layers takes the upper (lower index) layer */
	{
		std::vector<std::pair<uint64_t, int>> e;
		e.reserve((size_t)nt * 6);
		for (const Tet &tt : t->tets)
			for (int a = 0; a < 4; a++)
				for (int b = a + 1; b < 4; b++)
					e.push_back({edge_key(tt.n[a], tt.n[b]), tt.layer});
		std::sort(e.begin(), e.end());
		t->node_links.assign(nn, {});
		sb->m_links.reserve((int)(e.size() / 2 + 1024));
		t->link_of.reserve(e.size() / 2 + 1024);
		const float tension = d.skin_tension;
		for (size_t i = 0; i < e.size(); i++) {
			if (i > 0 && e[i].first == e[i - 1].first)
				continue;
			const int a = (int)(e[i].first >> 32), b = (int)(e[i].first & 0xffffffffu);
			float rl = (t->rest[a] - t->rest[b]).length();
			if (e[i].second == SCRUB_TISSUE_LAYER_SKIN)
				rl *= 1.0f - tension;
			add_link(t, a, b, rl, e[i].second);
		}
	}
	for (int n = 0; n < nn; n++)
		update_node_mass(t, n);
	sb->updateArea();
	sb->m_bUpdateRtCst = false;

	sb->m_cfg.piterations = d.iterations;
	sb->m_cfg.kDP = 0;
	sb->m_cfg.collisions = 0;  /* instruments are handled here, not by Bullet's SDF contacts */
	sb->setSolver(btSoftBody::eSolverPresets::Positions);
	/* links only: no rigid contacts (instruments are handled here) and no anchors (grasp is a
	 * hard attachment, see attach_pass) */
	sb->m_cfg.m_psequence.clear();
	sb->m_cfg.m_psequence.push_back(btSoftBody::ePSolver::Linear);
	t->world->addSoftBody(sb, 1, 0);


	t->last_good.resize(nn);
	for (int n = 0; n < nn; n++)
		t->last_good[n] = t->rest[n];
	t->embedded.assign(nn, 0);
	t->tet_stamp.assign(nt, 0);
	t->node_stamp.assign(nn, 0);
	t->node_flag.assign(nn, 0);
	LOG_I("tissue %dx%dx%d cells, %d nodes, %d tets, %d links, h=%.2f mm", nx, ny, nz, nn, nt,
	      sb->m_links.size(), t->h * 1000);
	return SCRUB_OK;
}

/* ---- point location ---- */

bool locate(scrub_tissue *t, const btVector3 &p, Located *out)
{
	btSoftBody *sb = t->sb;
	/* asleep, the nodes' bounds are exact: a point well outside them is in no tet */
	const float pad = 0.001f;
	if (t->asleep && (p.x() < t->sleep_lo.x() - pad || p.y() < t->sleep_lo.y() - pad || p.z() < t->sleep_lo.z() - pad ||
	                  p.x() > t->sleep_hi.x() + pad || p.y() > t->sleep_hi.y() + pad || p.z() > t->sleep_hi.z() + pad))
		return false;
	const float r2 = (1.5f * t->h) * (1.5f * t->h);
	const int st = new_stamp(t);
	const int nn = sb->m_nodes.size();
	for (int n = 0; n < nn; n++) {
		if ((sb->m_nodes[n].m_x - p).length2() > r2)
			continue;
		for (int ti : t->node_tets[n]) {
			if (t->tet_stamp[ti] == (uint32_t)st)
				continue;
			t->tet_stamp[ti] = st;
			const Tet &tt = t->tets[ti];
			const btVector3 &a = sb->m_nodes[tt.n[0]].m_x, &b = sb->m_nodes[tt.n[1]].m_x;
			const btVector3 &c = sb->m_nodes[tt.n[2]].m_x, &dd = sb->m_nodes[tt.n[3]].m_x;
			const float v = (b - a).dot((c - a).cross(dd - a));
			if (std::fabs(v) < 1e-18f)
				continue;
			float w[4];
			w[1] = (p - a).dot((c - a).cross(dd - a)) / v;
			w[2] = (b - a).dot((p - a).cross(dd - a)) / v;
			w[3] = (b - a).dot((c - a).cross(p - a)) / v;
			w[0] = 1 - w[1] - w[2] - w[3];
			if (w[0] >= -1e-4f && w[1] >= -1e-4f && w[2] >= -1e-4f && w[3] >= -1e-4f) {
				out->tet = ti;
				out->rest = btVector3(0, 0, 0);
				for (int k = 0; k < 4; k++) {
					out->bary[k] = w[k];
					out->rest += t->rest[tt.n[k]] * w[k];
				}
				return true;
			}
		}
	}
	return false;
}

/* ---- instruments ---- */

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
			t->stats.clamped_instrument++;
			if (t->stats.clamped_instrument == 1 || t->stats.clamped_instrument % 1000 == 0)
				LOG_W("hand %d: instrument coupling clamped (%llu steps so far)", hi,
				      (unsigned long long)t->stats.clamped_instrument);
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

/* ---- incision ---- */

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
		const btSoftBody::Node *base = &sb->m_nodes[0];
		const btSoftBody::Node src = sb->m_nodes[n];
		sb->appendNode(src.m_x, 1);
		const int nn = sb->m_nodes.size() - 1;
		btSoftBody::Node &nd = sb->m_nodes[nn];
		nd.m_q = src.m_q;
		nd.m_v = src.m_v;
		nd.m_n = src.m_n;
		nd.m_material = src.m_material;
		t->rest.push_back(t->rest[n]);
		t->node_layer.push_back(t->node_layer[n]);
		t->node_damp.push_back(t->node_damp[n]);
		t->pinned.push_back(t->pinned[n]);
		t->embedded.push_back(0);
		t->last_good.push_back(t->last_good[n]);
		t->node_stamp.push_back(0);
		t->node_flag.push_back(0);
		t->node_tets.push_back({});
		t->node_links.push_back({});
		if (&sb->m_nodes[0] != base)
			repoint_tetras(t);
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
	std::vector<int> ls = t->node_links[n];
	for (int li : ls) {
		const btSoftBody::Link &l = sb->m_links[li];
		const int o = node_index(t, l.m_n[0]) == n ? node_index(t, l.m_n[1]) : node_index(t, l.m_n[0]);
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
	touched.push_back(n);
	split_node(t, n, touched);  /* another component may remain */
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
			if (!segment_hits_triangle(c0, c1, A0, B0, A1) && !segment_hits_triangle(c0, c1, B0, B1, A1))
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

/* ---- needle ---- */

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

void thread_pierce(scrub_tissue *t, int hi, int pass);

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

/* ---- post-step passes ---- */

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

/* ---- surface ---- */

void rebuild_surface(scrub_tissue *t)
{
	const int nn = t->sb->m_nodes.size();
	t->node_vert.assign(nn, -1);
	t->vert_node.clear();
	t->s_idx.clear();
	static const int face[4][3] = {{1, 2, 3}, {0, 3, 2}, {0, 1, 3}, {0, 2, 1}};
	for (const Tet &tt : t->tets)
		for (int f = 0; f < 4; f++) {
			if (tt.nbr[f] >= 0)
				continue;
			int v[3] = {tt.n[face[f][0]], tt.n[face[f][1]], tt.n[face[f][2]]};
			const btVector3 nrm = (t->rest[v[1]] - t->rest[v[0]]).cross(t->rest[v[2]] - t->rest[v[0]]);
			if (nrm.dot(t->rest[v[0]] - t->rest[tt.n[f]]) < 0)
				std::swap(v[1], v[2]);
			for (int k = 0; k < 3; k++) {
				if (t->node_vert[v[k]] < 0) {
					t->node_vert[v[k]] = (int)t->vert_node.size();
					t->vert_node.push_back(v[k]);
				}
				t->s_idx.push_back((uint32_t)t->node_vert[v[k]]);
			}
		}
	const size_t nv = t->vert_node.size();
	t->s_pos.resize(nv * 3);
	t->s_nrm.resize(nv * 3);
	t->s_uv.resize(nv * 2);
	t->s_layer.resize(nv);
	for (size_t i = 0; i < nv; i++) {
		const int n = t->vert_node[i];
		t->s_uv[i * 2] = t->rest[n].x() / t->desc.size_x;
		t->s_uv[i * 2 + 1] = t->rest[n].y() / t->desc.size_y;
		t->s_layer[i] = t->node_layer[n];
	}
	t->s_version++;
	t->topology_dirty = false;
}

/* The surface is made when it is read (a renderer reads it every frame; a headless session
 * never does), from the node positions of the last step. */
void refresh_surface(scrub_tissue *t)
{
	if (!t->surface_stale && !t->topology_dirty)
		return;
	t->surface_stale = false;
	if (t->topology_dirty)
		rebuild_surface(t);
	const size_t nv = t->vert_node.size();
	btSoftBody *sb = t->sb;
	for (size_t i = 0; i < nv; i++) {
		const btVector3 &x = sb->m_nodes[t->vert_node[i]].m_x;
		t->s_pos[i * 3] = x.x();
		t->s_pos[i * 3 + 1] = x.y();
		t->s_pos[i * 3 + 2] = x.z();
	}
	std::fill(t->s_nrm.begin(), t->s_nrm.end(), 0.0f);
	const float *p = t->s_pos.data();
	float *nr = t->s_nrm.data();
	for (size_t f = 0; f + 2 < t->s_idx.size(); f += 3) {
		const uint32_t a = t->s_idx[f], b = t->s_idx[f + 1], c = t->s_idx[f + 2];
		const float e1[3] = {p[b * 3] - p[a * 3], p[b * 3 + 1] - p[a * 3 + 1], p[b * 3 + 2] - p[a * 3 + 2]};
		const float e2[3] = {p[c * 3] - p[a * 3], p[c * 3 + 1] - p[a * 3 + 1], p[c * 3 + 2] - p[a * 3 + 2]};
		const float n[3] = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]};
		for (uint32_t v : {a, b, c})
			for (int k = 0; k < 3; k++)
				nr[v * 3 + k] += n[k];
	}
	for (size_t i = 0; i < nv; i++) {
		float *v = nr + i * 3;
		const float l = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
		if (l > 1e-20f) {
			v[0] /= l; v[1] /= l; v[2] /= l;
		} else {
			v[0] = 0; v[1] = 0; v[2] = 1;
		}
	}
}

/* ---- suture thread ---- */

btVector3 material_point(const scrub_tissue *t, int tet, const float bary[4])
{
	const Tet &tt = t->tets[(size_t)tet];
	btVector3 p(0, 0, 0);
	for (int k = 0; k < 4; k++)
		p += t->sb->m_nodes[tt.n[k]].m_x * bary[k];
	return p;
}

btVector3 swage_pos(const Hand &hd)
{
	return hd.pos + rotate(hd.rot, btVector3(kNeedleRadius, 0, 0));
}

/* Height of the skin under (x, y): bilinear in the nodes of the top grid; off the block, the
 * drape around it at z = 0. */
float skin_height(const scrub_tissue *t, float x, float y)
{
	const float fx = x / t->desc.size_x * (float)t->gnx, fy = y / t->desc.size_y * (float)t->gny;
	if (!(fx >= 0 && fy >= 0 && fx <= (float)t->gnx && fy <= (float)t->gny))
		return 0;
	const int i = std::min((int)fx, t->gnx - 1), j = std::min((int)fy, t->gny - 1);
	const float u = fx - (float)i, v = fy - (float)j;
	const int sx = t->gnx + 1;
	auto z = [&](int a, int b) { return t->sb->m_nodes[t->gtop + a + sx * b].m_x.z(); };
	return (1 - u) * (1 - v) * z(i, j) + u * (1 - v) * z(i + 1, j) + (1 - u) * v * z(i, j + 1) + u * v * z(i + 1, j + 1);
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
	for (size_t i = (size_t)from; i < t->th_x.size(); i++) {
		btVector3 &x = t->th_x[i];
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

	for (int it = 0; it < kThreadIters; it++) {
		for (int q = 0; q < n - 1; q++) {
			const int i = (it & 1) ? n - 2 - q : q;
			btVector3 &a = t->th_x[(size_t)i], &b = t->th_x[(size_t)i + 1];
			const float wa = (i == 0 && anchored) ? 0.0f : 1.0f, wb = 1.0f;
			const btVector3 d = b - a;
			const float len = d.length();
			if (len < 1e-9f)
				continue;
			const btVector3 corr = d * ((len - th_seg(t, i)) / (len * (wa + wb)));
			a += corr * wa;
			b -= corr * wb;
		}
		for (size_t e = 0; e < t->eyes.size(); e++) {
			int i;
			float f;
			th_at(t, t->eyes[e].s, &i, &f);
			const float wi = (i == 0 && anchored) ? 0.0f : 1.0f, wj = 1.0f;
			btVector3 &a = t->th_x[(size_t)i], &b = t->th_x[(size_t)i + 1];
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
			if (t->th_inside[(size_t)i])
				continue;
			btVector3 &x = t->th_x[(size_t)i];
			const float zmin = skin_height(t, x.x(), x.y()) + kThreadRadius;
			if (x.z() < zmin)
				x.setZ(zmin);
		}
		for (const Hand &hd : t->hands) {
			if (!hd.placed)
				continue;
			const btVector3 axis = rotate(hd.rot, btVector3(0, 0, 1));
			if (hd.kind == SCRUB_INSTR_FORCEPS)
				thread_push_capsule(t, hd.pos, hd.pos + axis * kForcepsShaft, kForcepsTipRadius, 1);
			else if (hd.kind == SCRUB_INSTR_SCISSORS && !hd.blades_closed)
				thread_push_capsule(t, hd.pos + axis * kScissorsBlade, hd.pos + axis * kForcepsShaft, kForcepsTipRadius, 1);
		}
		if (anchored)
			t->th_x[0] = S;
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

/* ---- sutures and knots ---- */

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

float bite_pull(scrub_tissue *t, int e, const btVector3 &u);

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
	const btSoftBody::Node *base = &sb->m_nodes[0];
	sb->appendNode(x, m);
	const int e = sb->m_nodes.size() - 1;
	btSoftBody::Node &nd = sb->m_nodes[e];
	nd.m_q = x;
	nd.m_v = btVector3(0, 0, 0);
	nd.m_material = t->mat_suture;
	t->rest.push_back(rest);
	t->node_layer.push_back((uint8_t)layer_at_depth(t, -rest.z()));
	t->node_damp.push_back(t->node_damp[(size_t)tt.n[0]]);
	t->pinned.push_back(0);
	t->embedded.push_back(1);
	t->last_good.push_back(x);
	t->node_stamp.push_back(0);
	t->node_flag.push_back(0);
	t->node_tets.push_back({});
	t->node_links.push_back({});
	if (&sb->m_nodes[0] != base)
		repoint_tetras(t);
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

/* ---- sleep ---- */

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

void destroy_all(scrub_tissue *t)
{
	if (t->world) {
		if (t->sb) {
			t->world->removeSoftBody(t->sb);
		}
	}
	delete t->sb;
	delete t->world;
	delete t->solver;
	delete t->broadphase;
	delete t->dispatcher;
	delete t->config;
	delete t;
}

bool bad_hand(const scrub_tissue *t, int hand)
{
	return !t || hand < 0 || hand >= SCRUB_TISSUE_HANDS;
}

}  // namespace

/* ======================= C API ======================= */

extern "C" {

const char *scrub_tissue_layer_name(int layer)
{
	switch (layer) {
	case SCRUB_TISSUE_LAYER_SKIN: return "skin";
	case SCRUB_TISSUE_LAYER_FAT: return "fat";
	case SCRUB_TISSUE_LAYER_MUSCLE: return "muscle";
	default: return "none";
	}
}

const char *scrub_instrument_name(scrub_instrument_kind kind)
{
	switch (kind) {
	case SCRUB_INSTR_SCALPEL: return "scalpel";
	case SCRUB_INSTR_FORCEPS: return "forceps";
	case SCRUB_INSTR_NEEDLE_DRIVER: return "needle_driver";
	case SCRUB_INSTR_SCISSORS: return "scissors";
	default: return "none";
	}
}

const char *scrub_tissue_event_name(scrub_tissue_event_kind kind)
{
	switch (kind) {
	case SCRUB_TEV_GRASP: return "grasp";
	case SCRUB_TEV_RELEASE: return "release";
	case SCRUB_TEV_SLIP: return "slip";
	case SCRUB_TEV_INCISION: return "incision";
	case SCRUB_TEV_INCISION_LAYER: return "incision_layer";
	case SCRUB_TEV_DAMAGE_FORCE: return "damage_force";
	case SCRUB_TEV_DAMAGE_STRAIN: return "damage_strain";
	case SCRUB_TEV_TEAR: return "tear";
	case SCRUB_TEV_NEEDLE_ENTRY: return "needle_entry";
	case SCRUB_TEV_NEEDLE_EXIT: return "needle_exit";
	case SCRUB_TEV_CLAMP: return "clamp";
	case SCRUB_TEV_THREAD_CUT: return "thread_cut";
	case SCRUB_TEV_THREAD_PULLED_OUT: return "thread_pulled_out";
	}
	return "unknown";
}

void scrub_tissue_desc_defaults(scrub_tissue_desc *d)
{
	static const float thick[SCRUB_TISSUE_LAYER_COUNT] = {0.002f, 0.006f, 0.012f};
	if (d->size_x <= 0) d->size_x = 0.10f;
	if (d->size_y <= 0) d->size_y = 0.06f;
	for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++) {
		if (d->thickness[l] <= 0) d->thickness[l] = thick[l];
		material_defaults(l, &d->material[l]);
	}
	if (d->element_size <= 0) d->element_size = 0.0025f;
	if (d->skin_tension <= 0) d->skin_tension = 0.05f;
	if (d->dt <= 0) d->dt = 0.001f;
	if (d->iterations <= 0) d->iterations = 2;
	if (d->gravity == 0) d->gravity = 9.81f;
	if (d->max_node_speed <= 0) d->max_node_speed = 5.0f;
}

scrub_result scrub_tissue_create(const scrub_tissue_desc *desc, scrub_tissue **out_tissue)
{
	if (!out_tissue)
		return SCRUB_ERR_INVALID;
	*out_tissue = nullptr;
	scrub_tissue_desc d{};
	if (desc)
		d = *desc;
	scrub_tissue_desc_defaults(&d);
	/* validate */
	const float vals[] = {d.size_x, d.size_y, d.thickness[0], d.thickness[1], d.thickness[2],
	                      d.element_size, d.skin_tension, d.dt, d.gravity, d.max_node_speed};
	for (float v : vals)
		if (!std::isfinite(v)) {
			LOG_E("tissue description has a non-finite value");
			return SCRUB_ERR_INVALID;
		}
	if (d.size_x > 1 || d.size_y > 1 || d.thickness[0] + d.thickness[1] + d.thickness[2] > 0.5f) {
		LOG_E("tissue block %.3f x %.3f m is larger than 1 m", d.size_x, d.size_y);
		return SCRUB_ERR_LIMIT;
	}
	if (d.skin_tension > 0.2f || d.dt > 0.01f || d.iterations > 64 || d.element_size < 2e-4f) {
		LOG_E("tissue description out of range (skin_tension %.3f, dt %.4f, iterations %d, element %.5f)",
		      d.skin_tension, d.dt, d.iterations, d.element_size);
		return SCRUB_ERR_INVALID;
	}
	for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++) {
		const scrub_tissue_material &m = d.material[l];
		if (!(m.stiffness <= 1) || !(m.damping < 1) || !(m.volume <= 1) || !std::isfinite(m.youngs_pa) ||
		    !std::isfinite(m.density) || !std::isfinite(m.damage_strain) || !std::isfinite(m.tear_strain)) {
			LOG_E("tissue material of layer %s out of range", scrub_tissue_layer_name(l));
			return SCRUB_ERR_INVALID;
		}
	}
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
	destroy_all(*t);
	*t = nullptr;
}

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

void scrub_tissue_get_surface(const scrub_tissue *t, scrub_tissue_surface *out)
{
	if (!t || !out)
		return;
	refresh_surface(const_cast<scrub_tissue *>(t));  /* allocated non-const: the cache may change */
	out->vertex_count = (uint32_t)t->vert_node.size();
	out->triangle_count = (uint32_t)(t->s_idx.size() / 3);
	out->positions = t->s_pos.data();
	out->normals = t->s_nrm.data();
	out->uvs = t->s_uv.data();
	out->layers = t->s_layer.data();
	out->indices = t->s_idx.data();
	out->version = t->s_version;
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

int scrub_tissue_needle_pass_count(const scrub_tissue *t) { return t ? (int)t->passes.size() : 0; }

scrub_result scrub_tissue_needle_pass_get(const scrub_tissue *t, int index, scrub_needle_pass *out)
{
	if (!t || !out || index < 0 || index >= (int)t->passes.size())
		return SCRUB_ERR_INVALID;
	*out = t->passes[(size_t)index];
	return SCRUB_OK;
}

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
