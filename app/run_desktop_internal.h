/* Internal to the desktop front-end (run_desktop.c, desktop_script.c, desktop_mouse.c). */
#ifndef SCRUB_RUN_DESKTOP_INTERNAL_H
#define SCRUB_RUN_DESKTOP_INTERNAL_H

#include "run_desktop.h"

#include "care_input.h"
#include "instrument_input.h"
#include "scene_from_sim.h"
#include "scrub_body.h"
#include "scrub_desktop.h"
#include "script.h"
#include "session_out.h"
#include "script_sink.h"
#include "host.h"
#include "input_menu.h"

#define MENU_PAGE 10            /* keys 1..9 and 0 */
#define CPR_DEPTH_MM 55.0       /* a key press cannot measure depth: every compression is recorded at 55 mm */
#define CPR_MM_PER_PX 0.25      /* compressions with the mouse: 0.25 mm of depth per pixel dragged down */
#define TILT_M_PER_PX 0.0004    /* head tilt with the mouse: the hand moves 0.4 mm per pixel dragged */
#define MAX_EXTRA 24

/* ---- input scripts (desktop_script.c) ---- */

typedef enum script_kind { EV_KEY, EV_PICK, EV_CLICK, EV_QUIT, EV_DRAG, EV_MDOWN, EV_MMOVE, EV_MUP, EV_MREL } script_kind;

typedef struct script_ev {
	double t;          /* on the script's clock */
	int seq;           /* order in the file (ties keep it) */
	script_kind kind;
	int key;           /* KEY */
	char name[64];     /* PICK: action name or entry number */
	double x, y;       /* CLICK, MDOWN, MMOVE: fraction of the window (or `name`); DRAG, MREL: pixels (key: modifier
	                    * bits); MUP: key = 1 with 'under' */
	int k, n;          /* MMOVE: step k of n frames */
	int line;
} script_ev;

typedef struct input_script {
	script_ev *v;
	int n, cap;
	double frame_dt;
} input_script;

/* Reads an input script (events sorted by time); false with the reason logged. */
bool desk_script_load(const char *path, input_script *sc);
/* The care target (CARE_NONE for a pad site) and pad site (-1 for a care target) of a named point. */
void desk_script_point(int point, int *out_target, int *out_site);

/* ---- the desktop session (run_desktop.c) ---- */

typedef struct desk {
	const run_desktop_opts *o;
	const scenario *scn;
	scrub_desktop *d;
	input_menu menu;        /* the actions and the instructor's controls (input_menu.h) */
	input_script script;
	bool scripted;
	int iev;
	double script_clock;
	/* the current attempt (R starts another) */
	int attempt;
	char dir[4200];
	host *h;                /* this attempt's session host (steps, pause, end) and its sinks: */
	const sim_session *s;   /* (the host's session) */
	session_out out;        /* ... the folder, record and report, */
	script_sink actions_txt; /* ... actions.txt, */
	host_sink scene_sink;   /* ... the picture */
	bool finished;          /* scored and written */
	bool help, quit;
	bool menu_shown;        /* the menu's lines in the HUD (M); hidden at a patient: the hands act there */
	int page, sel;
	/* care by hand (care_input.h): the space bar's compressions and the mouse */
	care_ctl care;
	double mx, my;              /* the cursor, framebuffer pixels */
	bool mdown, mdown_prev, mshift, mblocked;
	care_target mtarget;        /* what the held button took */
	double mx0, my0;            /* where the button went down */
	double mpx, mpy;            /* ... as the press reported it (a script may move on in the same frame) */
	float mstart[3];            /* ... on what (body frame) */
	float mhover[3];            /* a carried pad: over where */
	double move_from[2], move_to[2]; /* a scripted move under way */
	/* screenshot */
	bool shot_done;
	/* the picture */
	scene_sim scene;
	char extra_text[MAX_EXTRA][SCENE_TEXT];
	const char *extra[MAX_EXTRA];
	uint32_t nextra;
	int menu_line0, menu_count; /* HUD lines of the menu entries, for mouse picks */
	/* instruments (surgical scenarios): keys and left-button drags (instrument_input.h) */
	instr_ctl ic;
	bool drag_live, drag_blocked;
	double drag_x, drag_y;
	char instr_text[2][SCENE_TEXT];
	uint32_t fb_w, fb_h;
	int rc;
} desk;

/* Tests under LeakSanitizer: keeps the library SCRUB_TEST_PIN_LIB names (the Vulkan driver) loaded. */
void desk_pin_test_driver(void);

/* ---- care by hand with the mouse (desktop_mouse.c) ---- */

void desk_hand(desk *c, care_hand *hand);
void desk_point(const desk *c, int point, double x, double y, double *px, double *py);

#endif
