/* Care given with the hands, shared by desktop mode (the mouse) and XR mode (controllers or tracked hands): what the
 * hands do at the patient becomes the session's actions, exactly as menu picks do, in the same record, scored by the
 * same checklist (docs/desktop.md, docs/xr.md).
 *
 *   compressions     a hand pushed into the lower half of the sternum: one `compression {depth, recoil}` per stroke,
 *                    from how deep it went and how far it came back up; `start_cpr {rate, depth}` after 4 in rhythm,
 *                    `stop_cpr` 2 s after the last
 *   pads             the two pads carried from the cart and let go on the body: each lands on the nearest pad site;
 *                    with both on, `attach_pads {position}` (anterolateral, anteroposterior or misplaced)
 *   the bag          the bag-valve-mask put on the face, then squeezed: `give_breaths {count, device: bvm}` 2.5 s
 *                    after the last squeeze of a group
 *   head tilt        the forehead pushed back and held 0.5 s past 15 degrees: `open_airway {head_tilt_chin_lift}`
 *   responsiveness   a hand takes or presses a shoulder (shake and shout): `check_responsiveness`
 *   call for help    a hand raised over the head (0.95 m above the table) and held there 1 s: `call_for_help {who}`,
 *                    whom the scenario's own runs call (the arrest team, an ambulance), else the team
 *   pulse            two fingers held on a carotid or a radial pulse: `check_pulse {site, duration}` when they leave
 *   defibrillator    its buttons: power (`power_on_aed`), energy (120, 150, 200, 360 J), charge and shock
 *                    (`charge` / `shock {energy}`), analyse (`analyse_rhythm`)
 *
 * Everything is in the body frame (engine/include/scrub_body.h); the caller turns a mouse ray or a controller pose
 * into a hand position there. Sat up or with the legs raised, the body's points move (scrub_body_pose); the hands are
 * taken back onto the supine body, where the landmarks are, and the targets given out where the body is drawn. The
 * controller keeps what the hands hold and what the scene should show live (the depth under the hands, the head's
 * tilt, the pads in flight) between the recorded actions. */
#ifndef SCRUB_CARE_INPUT_H
#define SCRUB_CARE_INPUT_H

#include "actions.h"
#include "patient_signs.h"
#include "scenario.h"
#include "session.h"

#include <stdbool.h>

#define CARE_HANDS 2

typedef enum care_target {
	CARE_NONE = 0,
	CARE_CHEST,           /* the lower half of the sternum */
	CARE_FOREHEAD,
	CARE_CAROTID_LEFT,
	CARE_CAROTID_RIGHT,
	CARE_RADIAL_LEFT,
	CARE_RADIAL_RIGHT,
	CARE_SHOULDER_LEFT,   /* a hand shakes a shoulder: check_responsiveness */
	CARE_SHOULDER_RIGHT,
	CARE_PAD_1,           /* the pads: on the cart, in a hand or on the body */
	CARE_PAD_2,
	CARE_BVM,             /* the bag-valve-mask: beside the head, or on the face */
	CARE_BTN_POWER,       /* the defibrillator's buttons */
	CARE_BTN_ENERGY,
	CARE_BTN_CHARGE,
	CARE_BTN_ANALYSE,
	CARE_BTN_SHOCK,
	CARE_TARGET_COUNT
} care_target;

/* A hand this frame, in the body frame. */
typedef struct care_hand {
	bool tracked;
	float pos[3];         /* the palm: what it holds, where it pushes */
	float tip[3];         /* the fingertips: a pulse, a button (the mouse: the same point as pos) */
	bool grab;            /* holding: the left mouse button, a controller's squeeze, a pinch */
	bool press;           /* fingers pressing: the mouse button, a controller's trigger */
	bool under;           /* a pad let go now goes under the patient's back (desktop: Shift) */
} care_hand;

typedef void (*care_emit_fn)(void *user, const sim_action *a);

typedef struct care_ctl {
	bool enabled;                       /* the scenario has a patient (not a surgical one) */
	const scenario *scn;
	patient_signs *signs;               /* hand-placed pads are shown where they lie */
	care_emit_fn emit;
	void *user;
	act_id id_compression, id_start, id_stop, id_breaths, id_airway, id_pulse, id_pads;
	act_id id_power, id_analyse, id_charge, id_shock;
	act_id id_responsive, id_call;
	int call_param, call_who;           /* call_for_help's 'who' (its index, the word) for a raised hand: whom the
	                                     * scenario's own runs call, else the team; call_who -1: no such action */
	double t;                           /* the session time of the last frame */
	/* hands */
	care_target held[CARE_HANDS];       /* what each hand holds or touches since its grab or press began */
	double raise_t0[CARE_HANDS];        /* since when each hand is raised high (call_for_help), -1 not raised */
	bool raise_sent[CARE_HANDS];
	bool was_grab[CARE_HANDS], was_press[CARE_HANDS];
	float start[CARE_HANDS][3];
	/* compressions */
	bool cpr_active;
	double press_t[8], press_mm[8];
	int npress;
	int stroke;                         /* 0 none, 1 going down, 2 coming up */
	double stroke_max, stroke_min;
	double depth_now;                   /* m, under the hands now (the scene shows it) */
	bool on_chest;
	/* pads */
	int pad_site[2];                    /* scrub_body_part where each lies; -1 on the cart; -2 in a hand */
	float pad_pos[2][3];                /* in a hand: where */
	int pads_sent[2];                   /* the sites of the last attach_pads written; -1 none */
	/* the bag */
	bool bvm_on_face;
	double squeeze_t[8];
	int nsqueeze;
	double bvm_last_t;
	double squeeze_now;                 /* 0..1 */
	/* head tilt */
	double tilt_now;                    /* rad */
	double tilt_since;                  /* when it passed 15 deg, -1 */
	bool tilt_sent;
	/* pulse */
	care_target pulse_site;
	double pulse_t0;
	/* defibrillator */
	int energy_idx;                     /* into 120, 150, 200, 360 J */
	char last[96];                      /* the last thing the hands did, for the HUD */
	uint32_t strokes, done;             /* compressions and recorded actions so far (haptics count them) */
	int last_hand;                      /* the hand that last took or pressed something */
} care_ctl;

void care_init(care_ctl *c, const scenario *scn, patient_signs *signs, care_emit_fn emit, void *user);
/* The hands this frame (call once per frame, before the session steps; t is the session's time). */
void care_frame(care_ctl *c, const sim_session *s, const care_hand hands[CARE_HANDS]);
/* One compression sample from elsewhere (the space bar) at session time t: depth in mm, recoil in % (< 0: not
 * measured). */
void care_compression(care_ctl *c, double t, double depth_mm, double recoil);
/* Keeps the controller in step with actions picked from the menu (start_cpr, stop_cpr). */
void care_observe(care_ctl *c, const sim_action *a);

/* Where a target is now (body frame, the posture included: scrub_body_pose); false for CARE_NONE. */
bool care_target_pos(const care_ctl *c, care_target t, float out[3]);
/* How close a hand must come to a target to hold or touch it (m). */
float care_target_radius(care_target t);
/* p is at the chest: within 7 cm across of the compression point, from 4 cm above the skin to 9 cm into it. */
bool care_on_chest(const care_ctl *c, const float p[3]);
/* The target nearest to p within its radius (the chest: within 7 cm across, above the sternum), or CARE_NONE. */
care_target care_target_at(const care_ctl *c, const float p[3]);
const char *care_target_name(care_target t);

/* While fingers are on a pulse: whether they feel one and its rate (haptics, the HUD). */
bool care_pulse_felt(const care_ctl *c, const sim_session *s, double *out_rate);
/* The energy the defibrillator is set to (J). */
double care_energy(const care_ctl *c);
/* HUD lines about the hands (what they hold, the CPR rate, the pads, the energy): up to max lines of width chars. */
int care_status(const care_ctl *c, const sim_session *s, char *lines, int width, int max);

#endif
