/* scrub run in a window (desktop mode) and the offscreen screenshot of a headless run.
 *
 * Desktop mode: the session steps at the scenario's fixed dt, as many steps per frame as the (unpaused) wall clock
 * demands, or a fixed simulated time per frame under an input script. Every action the trainee takes (a menu pick, a
 * compression on the space bar, a start_cpr/stop_cpr inferred from the rhythm) is a timed sim_action fed to the
 * session at the current step and written to the same session record as a headless run, so that
 * `scrub report DIR/session.jsonl` gives the same report.json byte for byte. See docs/desktop.md for the keymap and
 * the input script format. */
#ifndef SCRUB_RUN_DESKTOP_H
#define SCRUB_RUN_DESKTOP_H

#include "record.h"
#include "report.h"
#include "scenario.h"
#include "session.h"

#include <stdbool.h>
#include <stdint.h>

/* Returned by run_desktop() when no window could be opened (nothing was written): run headless instead. */
#define RUN_DESKTOP_UNAVAILABLE (-1)

typedef struct run_desktop_opts {
	const scenario *scn;
	const char *out_dir;        /* exists; session.jsonl, report.json and actions.txt go here */
	const char *trainee;        /* NULL: "anonymous" */
	bool force;                 /* replace an existing record */
	bool quiet;
	const char *screenshot;     /* PNG of the window at shot_at (simulated seconds; < 0: after the end) */
	double shot_at;
	const char *input_script;   /* drive the window from this file (tests, demos) */
	uint32_t width, height;     /* 0: 1280 x 720 */
	bool validation;            /* Vulkan validation layer (tests) */
	const char *view;           /* the camera to start with (scene_sim_view); NULL: the scenario's */
} run_desktop_opts;

/* True when a display is announced (DISPLAY or WAYLAND_DISPLAY set). */
bool run_desktop_has_display(void);
/* Runs the scenario in a window. Returns the exit status, or RUN_DESKTOP_UNAVAILABLE when the window could not be
 * created (no display server answering, no Vulkan device that presents). */
int run_desktop(const run_desktop_opts *opts);

/* Offscreen screenshot of a headless run: renders the session when it reaches `at` (or at its end, results panel
 * included, when it ends first or at < 0). */
typedef struct run_shot run_shot;
scrub_result run_shot_create(const scenario *scn, const char *path, double at, uint32_t width, uint32_t height,
                             const char *view, bool no_hud, run_shot **out);
void run_shot_on_event(run_shot *shot, const sim_event *ev);
/* Call after every step; renders once the session time reaches `at`. */
void run_shot_on_step(run_shot *shot, const sim_session *s);
/* Call after the run: renders now if it has not yet. Returns the result of writing the PNG. */
scrub_result run_shot_finish(run_shot *shot, const sim_session *s);
void run_shot_destroy(run_shot **shot);

#endif
