/* The surgery model's private parts, shared by its files: surgery.c (the session side: input, stepping the
 * tissue, incisions and knots), surgery_actions.c (the actions and variables it adds to a scenario),
 * surgery_closure.c (the wound line, the sutures placed along it and the closure's figures). */
#ifndef SCRUB_SURGERY_INTERNAL_H
#define SCRUB_SURGERY_INTERNAL_H

#include "surgery.h"
#include "scenario.h"

#include <stdbool.h>

enum { A_PICK, A_POSE, A_MOVE, A_GRASP, A_RELEASE, A_THROW, A_CUT_THREAD, A_INCISION, A_SUTURE, A_KNOT, A_INJURY, A_CUT,
       A_SUTURE_SITE, A_CLOSURE, A_INCISION_END, A_COUNT_ };

/* A knot's outcome is measured this long after it is locked (a knot that slips opens again). */
#define KNOT_SETTLE_S 0.3
/* Edges apposed: the wound at the suture opens no more than this (mm). */
#define APPOSED_GAPE_MM 1.0
/* Strangulated: the tissue in the loop squeezed by more than this fraction of the bite. */
#define STRANGULATION_COMPRESSION 0.15
#define DEFAULT_PULL_N 0.25

#define MAX_STROKE_PTS 4096

typedef struct hand_rt {
	int instr;
	double target[6];           /* x, y, z mm; yaw, pitch, roll deg */
	bool moving;
	double mv_t0, mv_dur, mv_from[6], mv_to[6];
	float grip;
	bool stroke;                /* the scalpel is cutting: a stroke in progress */
	float (*pts)[2];            /* stroke path, material x-y in m (every 0.5 mm) */
	float (*axis)[3];           /* the blade's direction (tip to handle) at each point */
	int npts;
	bool cut;                   /* this hand cut with the scalpel (a stroke that cut) */
	bool held_driver;           /* this hand has held the needle driver */
	bool has_half;              /* a needle pass that came out in the wound */
	scrub_needle_pass half;
	int half_idx;
} hand_rt;

typedef struct suture_rt {
	double along;               /* mm along the wound */
	double depth;               /* mm, deepest point of the bite */
	bool tied;                  /* its knot was finished and measured */
} suture_rt;

struct surgery {
	const scn_tissue *cfg;
	scrub_tissue *t;
	act_id ids[A_COUNT_];
	hand_rt hands[SCRUB_TISSUE_HANDS];
	sim_action *queue;          /* inputs not yet applied */
	int nqueue, capqueue;
	sim_action *out;            /* derived actions of this step */
	int nout, capout;
	int npasses_seen;
	suture_rt *placed;
	int nsutures_all, capsutures;
	int sutures;                /* across the wound */
	bool knot_pending;          /* a suture waits for its knot */
	int throws, last_dir;
	bool alternating;
	int pass_in, pass_out;      /* the needle passes of the suture waiting for its knot */
	int knot_suture;            /* its suture in the physics once a throw began, else -1 */
	int knot_placed;            /* its index in placed[] */
	struct {                    /* knots locked, measured once they settle */
		double at;
		int suture, throws, placed;
		bool square;
	} settling[8];
	bool closure_pending;       /* the needle driver was put down: report the closure */
	int incision_end_hand;      /* the scalpel was put down by this hand: report the incision, else -1 */
	float (*cut_pts)[2];        /* every stroke's path, mm on the skin */
	int ncut_pts, capcut_pts;
	int strokes;
	double max_tilt;            /* deg, the largest mean sideways lean of the blade in a stroke */
	int nsettling;
	int knots, square_knots, injuries;
	double max_deviation;       /* mm */
	double wound[2][2];         /* mm, the wound line for bite distances */
	double wound_depth;         /* mm, the configured wound's depth, or the incision's */
	bool has_line;
	scrub_instrument_metrics base[SCRUB_TISSUE_HANDS];
	double now;                 /* physics time */
};

typedef struct closure_fig {
	int tied, untied;
	double open_start, open_end, open_max, spacing_min, spacing_max, depth_ratio_min;
} closure_fig;

/* surgery.c */
double clampd(double v, double lo, double hi);
void set_num(sim_action *a, int param, double v);
void set_sym(sim_action *a, int param, int sym);
void derive(surgery *g, int kind, sim_action *a);
int layer_sym(int layer);

/* surgery_closure.c */
void closure_figures(const surgery *g, closure_fig *c);
void report_closure(surgery *g);
void on_pass(surgery *g, const scrub_needle_pass *p, int idx);

#endif
