/* What the tissue's C++ files share (the API is tissue.h): the constants, the block's state
 * (struct scrub_tissue) and the functions one file calls in another. Every file here includes
 * Bullet; the names, the defaults and the description's checks that need no Bullet are in C
 * (tissue_desc.c).
 *
 *   tissue_bullet.cpp       create, clone, destroy, the step, the event queue, node queries
 *   tissue_mesh.cpp         the block: grid, tets, links, masses; topology edits; point location
 *   tissue_instruments.cpp  instrument coupling, grasp, contact, forces, needle tip tracking
 *   tissue_cut.cpp          the scalpel's incision: cut faces, split nodes, the incision path
 *   tissue_guard.cpp        after Bullet's step: volume, guards, strain and tears; sleep
 *   tissue_surface.cpp      the render surface, made when it is read
 *   tissue_thread.cpp       the suture thread (a particle solver) and the scissors that cut it
 *   tissue_suture.cpp       knots: embedded bite points, the loop, tension, gape
 *
 * Why btSoftBody in a btSoftRigidDynamicsWorld (and not btDeformableMultiBodyDynamicsWorld): the
 * deformable world solves an implicit FEM system with conjugate gradients every step, which at
 * 20k tets costs several milliseconds; the classic btSoftBody position solver (links per tet edge,
 * anchors) is a few hundred microseconds and the target is 1 kHz on one core. Volume
 * preservation per layer, damping per layer, instrument contact, cutting and the guards run here
 * around Bullet's step. See docs/tissue.md. */
#ifndef SCRUB_TISSUE_INTERNAL_HPP
#define SCRUB_TISSUE_INTERNAL_HPP

#include <btBulletDynamicsCommon.h>
#include <BulletSoftBody/btSoftBody.h>
#include <BulletSoftBody/btSoftBodyHelpers.h>
#include <BulletSoftBody/btSoftBodyRigidBodyCollisionConfiguration.h>
#include <BulletSoftBody/btSoftRigidDynamicsWorld.h>

#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tissue.h"

namespace tissue {

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

}  // namespace tissue

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
	std::vector<tissue::Tet> tets;
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

	tissue::Hand hands[SCRUB_TISSUE_HANDS];

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
	int quiet_steps = 0;          /* full steps in a row with every node slower than tissue::kSleepSpeed */
	bool wake = false;            /* something changed the tissue from outside the step */
	btVector3 sleep_lo{0, 0, 0}, sleep_hi{0, 0, 0};  /* the nodes' bounds while asleep */
	float max_speed = 0;          /* fastest node after the last full step, m/s */

	std::vector<scrub_needle_pass> passes;
	std::vector<std::pair<tissue::Located, tissue::Located>> pass_loc;  /* entry, exit of each pass */

	/* grid of the top surface (skin height field for the thread) */
	int gnx = 0, gny = 0, gtop = 0;

	/* suture thread */
	std::vector<btVector3> th_x, th_p, th_good;
	std::vector<float> th_out;
	std::vector<uint8_t> th_inside;
	std::vector<tissue::Eyelet> eyes;       /* sorted by s */
	float th_last = tissue::kThreadSeg;     /* length of the last segment (shorter after a cut) */
	int th_hand = -1;
	uint64_t th_repaired = 0;
	bool th_asleep = false;         /* the thread rests: its step is skipped (see thread_step) */
	int th_quiet = 0;
	bool th_wake = false;           /* changed from outside the step (a pass, a cut) */
	std::vector<tissue::Suture> sutures;

	/* surface */
	std::vector<int> vert_node, node_vert;
	std::vector<float> s_pos, s_nrm, s_uv;
	std::vector<uint8_t> s_layer;
	std::vector<uint32_t> s_idx;
	uint32_t s_version = 0;

	scrub_tissue_event events[tissue::kMaxEvents];
	int ev_head = 0, ev_count = 0;

	scrub_tissue_stats stats{};
	uint64_t step_no = 0;
	uint64_t clamped_before = 0;  /* stats.clamped_instrument when this tissue was cloned */
};

namespace tissue {

/* small helpers */

inline bool finite3(const btVector3 &v)
{
	return std::isfinite(v.x()) && std::isfinite(v.y()) && std::isfinite(v.z());
}

inline uint64_t edge_key(int a, int b)
{
	if (a > b)
		std::swap(a, b);
	return ((uint64_t)(uint32_t)a << 32) | (uint32_t)b;
}

inline btVector3 rotate(const btQuaternion &q, const btVector3 &v) { return quatRotate(q, v); }
inline btSoftBody::Node *node_ptr(scrub_tissue *t, int i) { return &t->sb->m_nodes[i]; }
inline int node_index(scrub_tissue *t, const btSoftBody::Node *n) { return (int)(n - &t->sb->m_nodes[0]); }

inline bool bad_hand(const scrub_tissue *t, int hand)
{
	return !t || hand < 0 || hand >= SCRUB_TISSUE_HANDS;
}

/* tissue_bullet.cpp */
void push_event(scrub_tissue *t, scrub_tissue_event_kind kind, int hand, int layer, const btVector3 &pos,
                float value);

/* tissue_mesh.cpp */
int layer_at_depth(const scrub_tissue *t, float depth);
void set_link_constants(scrub_tissue *t, btSoftBody::Link &l);
int add_link(scrub_tissue *t, int a, int b, float rl, int layer);
void remove_link(scrub_tissue *t, int li);
void update_node_mass(scrub_tissue *t, int n);
void repoint_tetras(scrub_tissue *t);
int append_node(scrub_tissue *t, btVector3 x, float mass, btVector3 rest, uint8_t layer, float damp, uint8_t pinned,
                uint8_t embedded, btVector3 last_good);
int new_stamp(scrub_tissue *t);
scrub_result build(scrub_tissue *t);
bool locate(scrub_tissue *t, const btVector3 &p, Located *out);
btVector3 material_point(const scrub_tissue *t, int tet, const float bary[4]);
void destroy_all(scrub_tissue *t);

/* tissue_instruments.cpp */
void couple(scrub_tissue *t, int hi);
void release(scrub_tissue *t, int hi, scrub_tissue_event_kind why);
void grasp(scrub_tissue *t, int hi);
void attach_pass(scrub_tissue *t);
void push_capsule(scrub_tissue *t, int hi, const btVector3 &a, const btVector3 &b, float r);
btVector3 tissue_force(scrub_tissue *t, int hi, const std::vector<int> &held);
void track_tip(scrub_tissue *t, int hi);

/* tissue_cut.cpp */
void cut(scrub_tissue *t, int hi);

/* tissue_guard.cpp */
void volume_pass(scrub_tissue *t);
void guard_pass(scrub_tissue *t, bool post);
void strain_pass(scrub_tissue *t);
bool must_be_awake(const scrub_tissue *t);
void update_sleep(scrub_tissue *t, bool awake_reason);

/* tissue_surface.cpp */
void refresh_surface(scrub_tissue *t);

/* tissue_thread.cpp */
void thread_pierce(scrub_tissue *t, int hi, int pass);
void thread_step(scrub_tissue *t);
void scissors_cut(scrub_tissue *t, int hi);

/* tissue_suture.cpp */
void suture_pass(scrub_tissue *t);

}  // namespace tissue

#endif
