/* Surgery in a session: the soft-tissue physics (sim/tissue) driven by instrument actions, and
 * the physics' outcomes turned back into actions the checklist can score.
 *
 * Inputs (what a script, the desktop or XR writes, one record for all three):
 *   pick     {hand: left|right, instrument: scalpel|forceps|needle_driver|scissors|none}
 *   pose     {hand, x, y, z (mm), yaw, pitch, roll (deg)}    sample and hold, from its time on
 *   move     {hand, x, y, z, yaw, pitch, roll, over (s)}     linear from the current target
 *   grasp    {hand} / release {hand}                         jaws (blades) closed / open
 *   throw    {hand, direction: clockwise|counterclockwise, wraps, tension (N)}   one throw of an
 *            instrument tie: the knot's loop is cinched up to this pull
 *   cut_thread {hand}                                        the knot is finished
 *
 * Derived (made by the simulation from the physics, scored like any action, never inputs):
 *   incision      {length, depth (mm), layer, deviation (mm), straightness (%)}  when a stroke ends
 *   suture        {bite, bite_max, symmetry, depth, spacing (mm), angle (deg), layer, crosses}
 *   knot          {throws, square, tension (N), gape, gape_before (mm), compression (%),
 *                  apposed, strangulated}   0.3 s after the knot is locked (cut)
 *   cut           {tail (mm)}                   scissors closed on the thread
 *   tissue_injury {hand, force (N), kind: force|strain|tear, layer}
 *   suture_site   {along, bite_entry, bite_exit, wound_depth (mm), depth_ratio (%)}  after a
 *                 suture across the wound: where it sits on the wound, how deep against it
 *   closure       {sutures, untied, open_start, open_end, open_max, spacing_min, spacing_max (mm),
 *                  depth_ratio_min (%)}   the hand that held the needle driver puts its
 *                  instrument down (pick none), once knots have settled
 *   incision_end  {span (mm), heading (deg), x_min, x_max, y_min, y_max (mm), strokes,
 *                  tilt (deg)}   the hand that cut puts its instrument down (pick none): the
 *                  whole incision
 *
 * Everything is a pure function of the scenario and the inputs: fixed physics sub-steps, inputs
 * applied at the first sub-step at or after their time. */
#ifndef SCRUB_SURGERY_H
#define SCRUB_SURGERY_H

#include "actions.h"
#include "result.h"

#include <stdbool.h>

/* The surgical actions, added to the registry by actions.c. */
extern const act_def surgery_actions[];
extern const int surgery_action_count;

/* The variables a scenario with `tissue:` gets (read-only, like the patient model's). */
typedef enum scn_tissue_field {
	SCN_TISSUE_INCISION_LENGTH,   /* mm */
	SCN_TISSUE_INCISION_DEPTH,    /* mm */
	SCN_TISSUE_DEEPEST_LAYER,     /* none, skin, fat, muscle */
	SCN_TISSUE_INCISION_DEVIATION,/* mm, the largest of any stroke */
	SCN_TISSUE_SUTURES,           /* needle passes across the wound */
	SCN_TISSUE_KNOTS,
	SCN_TISSUE_SQUARE_KNOTS,
	SCN_TISSUE_INJURIES,
	SCN_TISSUE_PATH_LENGTH,       /* mm, both instruments */
	SCN_TISSUE_IDLE_TIME,         /* s */
	SCN_TISSUE_GAPE,              /* mm, widest opening of the wound */
	/* The closure and the incision, as the derived actions closure and incision_end measure
	 * them (plain numbers in the units given, until the loader gives these variables units). */
	SCN_TISSUE_TIED_SUTURES,      /* sutures across the wound with a finished knot */
	SCN_TISSUE_OPEN_START,        /* mm, wound from its start to the nearest tied suture */
	SCN_TISSUE_OPEN_END,          /* mm, from its end */
	SCN_TISSUE_OPEN_MAX,          /* mm, the longest stretch without a tied suture, ends included */
	SCN_TISSUE_SPACING_MIN,       /* mm, between neighbouring tied sutures (0 with fewer than two) */
	SCN_TISSUE_SPACING_MAX,       /* mm */
	SCN_TISSUE_DEPTH_RATIO_MIN,   /* %, the shallowest bite over the wound's depth (0: no suture) */
	SCN_TISSUE_STROKES,           /* scalpel strokes that cut */
	SCN_TISSUE_COUNT_
} scn_tissue_field;

/* Model fields of tissue variables start here (scn_var.model_field), so that every rule for
 * read-only model variables applies to them too. */
#define SCN_TISSUE_FIELD_BASE 100

typedef struct scn_tissue scn_tissue;
typedef struct surgery surgery;

const char *surgery_var_name(int field);

scrub_result surgery_create(const scn_tissue *cfg, surgery **out);
void surgery_destroy(surgery **g);

/* True for the input actions the surgery consumes (pick, pose, move, grasp, ...). */
bool surgery_is_input(const surgery *g, act_id type);
/* Queues an input; it takes effect at the first physics sub-step at or after a->t. */
void surgery_input(surgery *g, const sim_action *a);

/* Steps the physics from t0 over dt. Derived actions (in time order, times within the step)
 * are returned through out_actions (valid until the next call). */
scrub_result surgery_step(surgery *g, double t0, double dt, const sim_action **out_actions, int *out_n);

/* The current values of the SCN_TISSUE_COUNT_ variables. */
void surgery_read_vars(const surgery *g, double *out);

struct scrub_tissue;
const struct scrub_tissue *surgery_tissue(const surgery *g);

#endif
