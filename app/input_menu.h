/* The menu of a running scenario, the same in the window and in the headset (docs/architecture.md: app/ owns the
 * input of a session): the trainee's actions the scenario's model runs, transitions and checklist name, with the
 * values they use or expect; then the instructor's controls (pause, a jump to each state marked jump_target, end).
 * A front-end shows the entries and performs the one picked (input_menu_source says as whom). */
#ifndef SCRUB_INPUT_MENU_H
#define SCRUB_INPUT_MENU_H

#include <stdbool.h>

#include "host.h"
#include "scenario.h"

typedef enum input_menu_kind {
	INPUT_MENU_ACTION,  /* a trainee action: recorded and scored */
	INPUT_MENU_JUMP,    /* the instructor's jump to a state (an instructor_jump action in the record) */
	INPUT_MENU_PAUSE,   /* pause / resume the simulation */
	INPUT_MENU_END,     /* end the session now (scored as cut short) */
} input_menu_kind;

typedef struct input_menu_entry {
	input_menu_kind kind;
	sim_action act;     /* ACTION, JUMP */
	char label[72];     /* in words ("Check the pulse (carotid, 8 s)"): the window's menu */
	char text[120];     /* as an action script writes it ("check_pulse site=carotid duration=8s"): the headset's */
} input_menu_entry;

typedef struct input_menu {
	input_menu_entry *v;
	int n, cap;
	int nactions;       /* the trainee's actions are v[0 .. nactions-1]; the instructor's controls follow */
	bool failed;        /* an allocation failed: the menu is short */
} input_menu;

/* The actions of the model runs (each distinct action with its values, in order of first use), then those the
 * transitions and checklist items expect that no entry does yet (a value inside each range); without any, every
 * action that needs no value. Then pause, the jumps and end. Instrument poses, compressions (counted from the
 * hands or keys, care_input.c infers start_cpr and stop_cpr from them) and derived outcomes are not offered. */
void input_menu_build(input_menu *m, const scenario *scn);
void input_menu_free(input_menu *m);

/* Who performs an action picked or made by hand: the instructor for a jump, else the trainee. */
host_source input_menu_source(const sim_action *a);

#endif
