/* scrub run --xr: a scenario played in an OpenXR headset (app/run_xr.c, docs/xr.md).
 * Also the loop behind `scrub bench xr` (app/cmd_bench_xr.c). */
#ifndef SCRUB_RUN_XR_H
#define SCRUB_RUN_XR_H

#include "actions.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct run_xr_opts {
	const char *scenario_path;
	const char *out_dir;        /* NULL: sessions/ID-TIME */
	const char *trainee;        /* NULL: anonymous */
	bool force, quiet;
	float eye_scale;            /* swapchain size as a fraction of the runtime's recommendation (0 = 1) */
	/* bench: perform the scenario's first passing model run at its times instead of reading the controllers,
	 * and write no report */
	bool bench;
	uint64_t max_frames;        /* stop after this many waited frames (0 = no limit) */
	double *frame_cpu_ms;       /* per focused frame: CPU time of the simulation and the recording */
	size_t frame_cpu_cap;
	double *frame_scene_ms;     /* per rendered frame: CPU time building the scene and the panel (the body's signs,
	                             * the instances, the HUD), not the rendering; up to frame_cpu_cap entries */
} run_xr_opts;

typedef struct run_xr_result {
	size_t frames_timed;        /* entries written to frame_cpu_ms */
	size_t scenes_timed;        /* entries written to frame_scene_ms */
	uint64_t frames, rendered;
	double wall_s;              /* wall-clock seconds from the first to the last frame */
	double sim_s;               /* simulated time */
	char runtime[128];
} run_xr_result;

/* Returns the process exit status (EXIT_*). Exit 3 with a message naming desktop and headless modes when
 * no OpenXR runtime or headset is available. `out` may be NULL. */
int scrub_run_xr(const run_xr_opts *opts, run_xr_result *out);

#endif
