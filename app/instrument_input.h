/* Live instrument control for surgical scenarios: what desktop mode (mouse and keys) and XR mode (controllers)
 * turn into the surgery's input actions (sim/surgery.h): pick, pose, grasp, release, throw, cut_thread.
 *
 * The controller keeps each hand's instrument, jaws and target pose (x, y, z in mm in the tissue frame; yaw, pitch,
 * roll in degrees), and writes a `pose` only when the target moved beyond a threshold since the last one written
 * (sample and hold: what the record holds is exactly what the physics was given). Values are rounded to 0.01 mm and
 * 0.01 deg so that the record, actions.txt and a headless replay read the same numbers. Everything goes through the
 * caller's emit function, which feeds the session and the record. See docs/desktop.md and docs/xr.md. */
#ifndef SCRUB_INSTRUMENT_INPUT_H
#define SCRUB_INSTRUMENT_INPUT_H

#include "actions.h"
#include "scenario.h"
#include "session.h"

#include <stdbool.h>

#define INSTR_HANDS 2
#define INSTR_LEFT 0
#define INSTR_RIGHT 1

/* Instruments in the order of the pick action's symbols (sim/surgery.c): none, scalpel, forceps, needle_driver,
 * scissors (tests/desktop/desktop_incision.sh cycles through them and reads the words back from the record). */
enum { INSTR_NONE = 0, INSTR_SCALPEL, INSTR_FORCEPS, INSTR_NEEDLE_DRIVER, INSTR_SCISSORS, INSTR_KINDS };

/* Modifier bits of a desktop drag (the same values as SCRUB_MOD_SHIFT and SCRUB_MOD_CONTROL). */
#define INSTR_MOD_SHIFT 0x1
#define INSTR_MOD_CTRL 0x2

/* Desktop mouse scale: millimetres per pixel of drag, degrees per pixel with Ctrl. */
#define INSTR_DESK_MM_PER_PX 0.1
#define INSTR_DESK_DEG_PER_PX 0.25
/* XR: the instrument's tip is this far in front of the controller's grip (along the grip's -Z), metres. */
#define INSTR_XR_TIP_OFFSET 0.10f

typedef void (*instr_emit_fn)(void *user, const sim_action *a);

typedef struct instr_ctl {
	bool enabled;                 /* the scenario has tissue */
	int active;                   /* desktop: the hand the mouse moves */
	int instr[INSTR_HANDS];
	bool grasp[INSTR_HANDS];
	double pose[INSTR_HANDS][6];  /* target: x y z mm, yaw pitch roll deg */
	double sent[INSTR_HANDS][6];  /* the last pose written */
	bool sent_valid[INSTR_HANDS];
	double min_mm, min_deg;       /* a pose is written when it moved at least this much (0: any change) */
	double lo[3], hi[3];          /* the field a desktop target may move in, mm */
	act_id id_pick, id_pose, id_grasp, id_release, id_throw, id_cut;
	instr_emit_fn emit;
	void *user;
} instr_ctl;

/* Hands start where sim/surgery.c puts them: 40 mm above the block, at a quarter and three quarters of its width. */
void instr_ctl_init(instr_ctl *c, const scenario *scn, instr_emit_fn emit, void *user);

void instr_ctl_pick(instr_ctl *c, int hand, int instrument);
/* none -> scalpel -> forceps -> needle driver -> scissors -> none */
void instr_ctl_next_instrument(instr_ctl *c, int hand);
void instr_ctl_grasp(instr_ctl *c, int hand, bool closed);
/* direction: 0 clockwise, 1 counterclockwise */
void instr_ctl_throw(instr_ctl *c, int hand, int direction);
void instr_ctl_cut_thread(instr_ctl *c, int hand);
/* Sets a hand's target (rounded; not written until instr_ctl_flush). */
void instr_ctl_set_pose(instr_ctl *c, int hand, const double pose[6]);
/* Writes a pose for every hand whose target moved beyond the threshold (call once per frame). */
void instr_ctl_flush(instr_ctl *c);
/* Keeps the controller in step with instrument actions that came from elsewhere (a menu pick). */
void instr_ctl_observe(instr_ctl *c, const sim_action *a);
/* True for the surgery's input actions (pick, pose, move, grasp, ...), which the controller writes itself. */
bool instr_ctl_is_input(const instr_ctl *c, act_id type);

/* Desktop: a mouse drag of (dx, dy) pixels (y down) with modifiers moves the active hand's target. Plain: x/y in
 * the skin plane (right = +x, up = +y); Shift: depth (up = higher); Ctrl: yaw (horizontal) and pitch (vertical);
 * Ctrl+Shift: roll (horizontal). */
void instr_ctl_drag(instr_ctl *c, double dx, double dy, int mods);
/* Desktop: the active hand's target up (+) or down (-) by mm. */
void instr_ctl_depth(instr_ctl *c, double mm);

/* XR: a controller's grip pose (position m, quaternion x y z w, in the frame `frame_to_tissue` maps from)
 * becomes the hand's target: the tip INSTR_XR_TIP_OFFSET ahead of the grip, the shaft along the grip's +Z. */
void instr_ctl_set_grip(instr_ctl *c, int hand, const float frame_to_tissue[16], const float pos[3],
                        const float rot[4]);

/* HUD lines about the hands (instrument, target, contact): writes up to max lines of `width` chars. */
int instr_ctl_status(const instr_ctl *c, const sim_session *s, char *lines, int width, int max);

#endif
