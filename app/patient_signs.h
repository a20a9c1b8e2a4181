/* The clinical signs on the patient's body, from the session: what the renderer's body shows (scrub_render_body).
 *
 * Every sign is driven by the patient model's vital signs (sim_session_vitals) when the scenario has a model, else by
 * the scenario's own variables (rhythm, cpr, pads, hr, sbp, spo2, rr), and by the actions that happened (events):
 * pads, masks, airways, lines, drains, compressions, breaths and shocks. docs/patient-signs.md lists each sign with
 * the variable that drives it. Deterministic: the same session gives the same body at the same step, however often
 * it is drawn (the breathing and CPR phases advance in patient_signs_step, once per session step). */
#ifndef SCRUB_PATIENT_SIGNS_H
#define SCRUB_PATIENT_SIGNS_H

#include "scrub_render.h"
#include "session.h"

#include <stdbool.h>

#define SIGNS_MAX_BREATHS 8   /* rescue breaths queued from give_breaths */

/* The state behind the signs. */
typedef struct patient_signs {
	const scenario *scn;
	int var_rhythm, var_cpr, var_pads, var_hr, var_sbp, var_spo2, var_rr;
	bool female;
	int ptx_side;                 /* 0 none, +1 left, -1 right (the scenario's tension pneumothorax) */
	double anaph;                 /* the scenario's anaphylaxis severity x vasodilation */
	double anaph_a, anaph_m;      /* the reaction now and its mediator effect (patient_model.c's equations) */
	double anaph_prog_s, anaph_recov_s, anaph_epi_eff;
	/* integrated each step */
	double breath_phase;          /* spontaneous breathing, cycles */
	double cpr_phase;             /* compressions declared by start_cpr without samples, cycles */
	double arrest_since;          /* < 0: not in arrest */
	double skin[7];               /* smoothed: cyanosis central, peripheral, pallor, flush, urticaria, sweat, mottling */
	bool skin_init;
	double posture[2];            /* radians now: the trunk raised, the legs raised (easing towards the position) */
	/* from events */
	double last_compression_t, last_compression_mm, last_recoil;
	double shock_t;
	double breaths_t[SIGNS_MAX_BREATHS];
	int nbreaths;
	double airway_t;              /* last open_airway, or a breath given (the head held tilted) */
	double jaw_thrust_t;
	double bvm_t;                 /* last use of a bag-valve-mask */
	double cpr_rate, cpr_depth_mm;/* declared by start_cpr */
	bool cpr_declared;
	bool exposed;                 /* the chest bared: pads, CPR, a needle or drain, trauma */
	int pads;                     /* -1 none, else 0 anterolateral, 1 anteroposterior, 2 misplaced */
	int pad_sites[2];             /* scrub_body_part of each pad (hand-placed pads say where) */
	int pad_sites_kind;           /* the kind of pads placed by hand at pad_sites, -1 none */
	int oxygen;                   /* -1 none, else the oxygen action's device symbol */
	bool opa, npa, sga, ett, iv, io;
	uint32_t needles, drains;     /* scrub_body_part bits */
	int position;                 /* position_patient's word, as patient_position (no model: the last one given) */
} patient_signs;

void patient_signs_init(patient_signs *ps, const scenario *scn);
/* Remembers what the actions did (call from the session's event callback). */
void patient_signs_on_event(patient_signs *ps, const sim_event *ev);
/* Advances the breathing and CPR phases and the skin (call after every sim_session_step). */
void patient_signs_step(patient_signs *ps, const sim_session *s);
/* Where hand-placed pads lie (scrub_body_part of each) and their kind (as 'pads'); pads of that kind are shown
 * there, pads of another kind (from the menu) at that kind's standard sites. */
void patient_signs_place_pads(patient_signs *ps, int kind, int site_a, int site_b);
/* True while compressions go on (a sample in the last 1.5 s, or CPR declared and running): the rescuer's hands are on
 * the chest. */
bool patient_signs_compressing(const patient_signs *ps, const sim_session *s);
/* Fills the body (parts and signs) for the session now; the model matrix is the caller's. */
void patient_signs_fill(const patient_signs *ps, const sim_session *s, scrub_render_body *out);

#endif
