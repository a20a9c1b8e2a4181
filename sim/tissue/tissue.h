/* Soft-tissue physics: a layered tetrahedral block (skin, fat, muscle) on Bullet's btSoftBody,
 * surgical instruments coupled to hand poses, grasping, continuous incision, damage events,
 * needle passes and motion metrics.
 *
 * C types only. The implementation (tissue_bullet.cpp) is the only file in Scrub that includes
 * Bullet. Units: metres, kilograms, seconds, newtons. Frame: x right, y forward, z up; the block
 * spans [0,size_x] x [0,size_y] x [-thickness,0] at rest, skin on top (z = 0).
 *
 * The step is deterministic: a fixed dt, no wall clock, no random numbers. Every public call
 * that takes input validates it; a pose with NaN or infinite values is refused for that step
 * (the instrument holds its last good target) and counted. */
#ifndef SCRUB_TISSUE_H
#define SCRUB_TISSUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct scrub_tissue scrub_tissue;

typedef enum scrub_tissue_layer {
	SCRUB_TISSUE_LAYER_SKIN = 0,
	SCRUB_TISSUE_LAYER_FAT = 1,
	SCRUB_TISSUE_LAYER_MUSCLE = 2,
	SCRUB_TISSUE_LAYER_COUNT = 3,
	SCRUB_TISSUE_LAYER_NONE = -1,
} scrub_tissue_layer;

const char *scrub_tissue_layer_name(int layer);

/* One material per layer. Zero means "default for this layer" (see docs/tissue.md). */
typedef struct scrub_tissue_material {
	float stiffness;        /* Bullet link stiffness kLST, (0,1] */
	float youngs_pa;        /* Young's modulus, for exported forces and damage thresholds */
	float damping;          /* per-step velocity damping, [0,1) */
	float volume;           /* per-tetrahedron volume preservation, [0,1] (0 = off) */
	float density;          /* kg/m^3 */
	float damage_strain;    /* a link stretched beyond this strain is an injury event */
	float tear_strain;      /* beyond this the link tears (only with desc.tearing) */
} scrub_tissue_material;

typedef struct scrub_tissue_desc {
	float size_x, size_y;                       /* m (default 0.10 x 0.06) */
	float thickness[SCRUB_TISSUE_LAYER_COUNT];         /* m (default 2, 6, 12 mm) */
	float element_size;                         /* target edge of a grid cell, m (default 2.5 mm) */
	int target_tets;                            /* if > 0, overrides element_size */
	scrub_tissue_material material[SCRUB_TISSUE_LAYER_COUNT];
	float skin_tension;                         /* skin pre-strain, 0..0.2 (default 0.05): wounds gape */
	float dt;                                   /* s (default 0.001) */
	int iterations;                             /* Bullet position iterations (default 2) */
	float gravity;                              /* m/s^2 downwards (default 9.81; <0 disables) */
	bool no_pin_sides, no_pin_bottom;           /* the boundary is pinned unless these are set */
	bool tearing;                               /* links over tear_strain break */
	float max_node_speed;                       /* m/s; faster nodes are clamped (default 5) */
	bool no_sleep;                              /* never skip a step at rest (docs/tissue.md, "Sleep") */
} scrub_tissue_desc;

/* Fills every zero field of *desc with its default. */
void scrub_tissue_desc_defaults(scrub_tissue_desc *desc);

scrub_result scrub_tissue_create(const scrub_tissue_desc *desc, scrub_tissue **out_tissue);
/* Accepts NULL and clears the pointer. */
void scrub_tissue_destroy(scrub_tissue **tissue);
/* A copy of the tissue as it is now (mesh, cuts, nodes, instruments, thread, sutures, events):
 * stepped with the same inputs, the copy and the source stay identical to the bit. */
scrub_result scrub_tissue_clone(const scrub_tissue *src, scrub_tissue **out_tissue);

/* ---- Instruments ------------------------------------------------------------------------- */

#define SCRUB_TISSUE_HANDS 2

typedef enum scrub_instrument_kind {
	SCRUB_INSTR_NONE = 0,
	SCRUB_INSTR_SCALPEL,        /* blade edge: tip to 20 mm up the shaft, cuts where it sweeps */
	SCRUB_INSTR_FORCEPS,        /* toothed forceps: blunt tip, grasps what is within the jaws */
	SCRUB_INSTR_NEEDLE_DRIVER,  /* holds a curved 3/8-circle needle (radius 8 mm) with its thread */
	SCRUB_INSTR_SCISSORS,       /* suture scissors: blades from the tip 15 mm up; closing cuts the thread */
	SCRUB_INSTR_COUNT_,
} scrub_instrument_kind;

const char *scrub_instrument_name(scrub_instrument_kind kind);

/* A hand pose: position (m) and orientation as a unit quaternion (x, y, z, w). For the scalpel
 * and the forceps, pos is the tip and the shaft runs along local +z towards the hand. For the
 * needle driver, pos is the centre of the needle's arc, which lies in the local x-y plane from
 * the swage at (R,0,0) to the tip at angle 135 degrees; turning the driver about local +z
 * drives the tip forward along the arc. */
typedef struct scrub_pose {
	float pos[3];
	float rot[4];
} scrub_pose;

typedef struct scrub_hand_input {
	scrub_pose pose;
	float grip;     /* 0 open .. 1 closed (forceps jaws, scissors blades; the needle driver always
	                 * holds its needle) */
} scrub_hand_input;

scrub_result scrub_tissue_set_instrument(scrub_tissue *t, int hand, scrub_instrument_kind kind);
/* Sets the target the instrument is coupled to for the next step. Non-finite values or a
 * quaternion far from unit length return SCRUB_ERR_INVALID; the previous target stays. */
scrub_result scrub_tissue_set_hand(scrub_tissue *t, int hand, const scrub_hand_input *in);

typedef struct scrub_instrument_metrics {
	double path_length;        /* m, travelled by the instrument (not the hand) */
	double active_time;        /* s, from the first to the last step it moved */
	double idle_time;          /* s, steps within active_time below 5 mm/s */
	int injury_events;         /* damage events caused by this hand */
} scrub_instrument_metrics;

typedef struct scrub_hand_state {
	scrub_instrument_kind kind;
	scrub_pose pose;           /* the coupled instrument, what the renderer should draw */
	float velocity[3];
	float force[3];            /* force the tissue exerts on the instrument, N (for haptics) */
	float force_magnitude;
	int contact_nodes;         /* nodes pushed by the instrument this step */
	int grasped_nodes;         /* nodes held in the jaws */
	bool in_tissue;            /* blade or needle tip inside the tissue */
	int tip_layer;             /* layer the blade or needle tip is in, or SCRUB_TISSUE_LAYER_NONE */
	scrub_instrument_metrics metrics;
} scrub_hand_state;

scrub_result scrub_tissue_hand_state(const scrub_tissue *t, int hand, scrub_hand_state *out_state);

/* ---- Step -------------------------------------------------------------------------------- */

scrub_result scrub_tissue_step(scrub_tissue *t);

typedef struct scrub_tissue_stats {
	int nodes, links, tets;
	int surface_vertices, surface_triangles;
	uint64_t steps;
	int cut_faces;             /* faces separated by incision */
	int split_nodes;           /* nodes duplicated by incision */
	int torn_links;
	uint64_t rejected_poses;   /* poses refused (NaN, infinite, bad quaternion) */
	uint64_t clamped_instrument;  /* steps an instrument's speed or force was clamped */
	uint64_t clamped_nodes;    /* node velocities clamped */
	uint64_t repaired_nodes;   /* non-finite nodes restored to their last good position */
	uint64_t dropped_events;   /* events lost because nobody polled */
	uint64_t sleeping_steps;   /* steps skipped at rest with no instrument near (docs/tissue.md) */
	uint64_t thread_sleeping_steps; /* steps the resting thread was not moved (docs/tissue.md) */
} scrub_tissue_stats;

void scrub_tissue_get_stats(const scrub_tissue *t, scrub_tissue_stats *out_stats);

/* True if every node position and velocity is finite and inside the sanity box. */
bool scrub_tissue_state_ok(const scrub_tissue *t);

/* Node access for tests and tools (deformed and rest positions, 3 floats each). */
int scrub_tissue_node_count(const scrub_tissue *t);
void scrub_tissue_node_position(const scrub_tissue *t, int node, float out_pos[3]);
void scrub_tissue_node_rest(const scrub_tissue *t, int node, float out_pos[3]);
/* Overwrites a node's position (any value, NaN included: tests use it to corrupt the state; the
 * next step's guard restores non-finite or runaway nodes and counts them). */
scrub_result scrub_tissue_node_set_position(scrub_tissue *t, int node, const float pos[3]);

/* ---- Render surface ---------------------------------------------------------------------- */

/* The boundary of the tet mesh, wound walls included, rebuilt when topology changes (version
 * increments) and refreshed every step. Arrays belong to the tissue and are valid until the
 * next step. Triangles are counter-clockwise seen from outside. */
typedef struct scrub_tissue_surface {
	uint32_t vertex_count, triangle_count;
	const float *positions;    /* 3 per vertex */
	const float *normals;      /* 3 per vertex, unit */
	const float *uvs;          /* 2 per vertex, from rest x, y over the block size */
	const uint8_t *layers;     /* scrub_tissue_layer per vertex */
	const uint32_t *indices;   /* 3 per triangle */
	uint32_t version;          /* changes when the triangle list changes */
} scrub_tissue_surface;

void scrub_tissue_get_surface(const scrub_tissue *t, scrub_tissue_surface *out_surface);

/* ---- Events and measurements ------------------------------------------------------------- */

typedef enum scrub_tissue_event_kind {
	SCRUB_TEV_GRASP = 1,        /* value: grasped nodes */
	SCRUB_TEV_RELEASE,
	SCRUB_TEV_SLIP,             /* the grasp let go: holding force over the grasp limit */
	SCRUB_TEV_INCISION,         /* first cut of a stroke; layer: layer reached */
	SCRUB_TEV_INCISION_LAYER,   /* the incision reached a deeper layer */
	SCRUB_TEV_DAMAGE_FORCE,     /* instrument force over the layer's limit; value: N */
	SCRUB_TEV_DAMAGE_STRAIN,    /* tissue overstretched; value: strain */
	SCRUB_TEV_TEAR,             /* a link tore (desc.tearing) */
	SCRUB_TEV_NEEDLE_ENTRY,
	SCRUB_TEV_NEEDLE_EXIT,
	SCRUB_TEV_CLAMP,            /* the robustness guard clamped something; value: what count */
	SCRUB_TEV_THREAD_CUT,       /* scissors cut the thread; value: tail left at the knot (m), or -1
	                             * when no tied suture was near; layer: the suture's index */
	SCRUB_TEV_THREAD_PULLED_OUT,/* the thread's end slid out of a bite */
} scrub_tissue_event_kind;

const char *scrub_tissue_event_name(scrub_tissue_event_kind kind);

typedef struct scrub_tissue_event {
	scrub_tissue_event_kind kind;
	uint64_t step;
	int hand;                  /* -1 when no hand caused it */
	int layer;
	float pos[3];              /* world position */
	float value;
} scrub_tissue_event;

/* Pops the oldest pending event; returns false when there is none. At most 256 are kept; the
 * oldest are dropped (and counted in stats.dropped_events) when nobody polls. */
bool scrub_tissue_poll_event(scrub_tissue *t, scrub_tissue_event *out_event);

typedef struct scrub_tissue_incision {
	int cut_faces;
	float length;              /* m, along the blade path in the material frame */
	float max_depth;           /* m below the rest skin surface */
	int deepest_layer;         /* SCRUB_TISSUE_LAYER_NONE if nothing was cut */
	float start[3], end[3];    /* material (rest) coordinates of the blade path */
	float straightness;        /* chord / path length, 1 = straight */
	float gape;                /* m, widest current opening between split node pairs */
} scrub_tissue_incision;

void scrub_tissue_get_incision(const scrub_tissue *t, scrub_tissue_incision *out_incision);

typedef struct scrub_needle_pass {
	int hand;
	bool complete;             /* the tip came out again */
	float entry[3], exit[3];   /* material (rest) coordinates */
	float entry_angle_deg;     /* between the needle tip direction and the skin surface; 90 = perpendicular */
	float bite_depth;          /* m, deepest point of the pass below the rest skin surface */
	int deepest_layer;
	float entry_wound_distance;  /* m, in the skin plane from the incision path; -1 if no incision */
	float exit_wound_distance;
	uint64_t entry_step, exit_step;
} scrub_needle_pass;

int scrub_tissue_needle_pass_count(const scrub_tissue *t);
scrub_result scrub_tissue_needle_pass_get(const scrub_tissue *t, int index, scrub_needle_pass *out_pass);

/* ---- Suture thread, sutures and knots ----------------------------------------------------- */

/* The thread: a chain of particles with a fixed segment length, swaged to the needle of the
 * first hand holding the needle driver (particle 0 at the swage), under gravity, colliding with
 * the skin surface and the instruments. A completed needle pass threads it through the tissue:
 * its entry and exit become sliding constraints (eyelets fixed in the material), so pulling the
 * thread slides it through the bites. Scissors closing on it cut it. */
typedef struct scrub_thread_state {
	int node_count;             /* particles (0 before a needle driver was first picked) */
	const float *positions;     /* 3 per particle, valid until the next step */
	float segment;              /* m between particles at rest */
	float length;               /* m, the thread still attached to the needle */
	int eyelets;                /* bites the thread currently runs through */
	bool attached;              /* particle 0 held by a needle driver */
	uint64_t repaired;          /* particles restored by the guard (non-finite, runaway) */
} scrub_thread_state;

void scrub_tissue_get_thread(const scrub_tissue *t, scrub_thread_state *out_thread);
/* Overwrites a thread particle (any value, NaN included: for tests; the next step's guard
 * restores it). */
scrub_result scrub_tissue_thread_set_position(scrub_tissue *t, int particle, const float pos[3]);

typedef enum scrub_suture_state {
	SCRUB_SUTURE_PLACED = 0,    /* the thread runs through it, no knot yet */
	SCRUB_SUTURE_TIGHTENING,    /* throws in progress: the loop is cinched up to the pull */
	SCRUB_SUTURE_TIED,          /* the knot is locked: the loop length is fixed */
} scrub_suture_state;

/* A suture: the loop from the entry of one needle pass to the exit of the same or a later pass
 * (a two-bite suture), closed by a knot. */
typedef struct scrub_suture {
	scrub_suture_state state;
	int pass_in, pass_out;      /* needle pass indices */
	float entry[3], exit[3];    /* world positions of the two bite points now */
	float rest_distance;        /* m, between the bite points in the material (wound closed) */
	float distance;             /* m, between them now */
	float loop_length;          /* m, the constraint's length (the tied loop across the skin) */
	float pull;                 /* N, the pull of the current throw */
	float tension;              /* N, the tissue's pull on the loop (estimate from link strain) */
	float gape;                 /* m, opening of the wound at the suture (skin level) */
	float gape_before;          /* m, the same when the first throw began */
	float compression;          /* 1 - distance / rest_distance (> 0: tissue squeezed) */
	bool slipped;               /* the knot was not secure and slipped when locked */
} scrub_suture;

/* Starts a knot on the loop from the entry of pass_in to the exit of pass_out and cinches it:
 * every step the loop shortens while the tissue pulls back less than `pull` newtons. Calling it
 * again on the same passes updates the pull (the next throw). Returns the suture index through
 * out_index. */
scrub_result scrub_tissue_knot_throw(scrub_tissue *t, int pass_in, int pass_out, float pull, int *out_index);
/* Locks the knot: the loop keeps its length from now on (the thread can pull, not push). An
 * insecure knot (not square) slips: the loop gives back half of what the cinching took up. */
scrub_result scrub_tissue_knot_lock(scrub_tissue *t, int suture, bool secure);
int scrub_tissue_suture_count(const scrub_tissue *t);
scrub_result scrub_tissue_suture_get(const scrub_tissue *t, int index, scrub_suture *out_suture);

/* Needle geometry in the instrument frame, for renderers and scripted trajectories. */
void scrub_tissue_needle_tip_local(float out_tip[3], float out_dir[3]);

#ifdef __cplusplus
}
#endif

#endif
