/* Shared by the scenario-engine tests: play an action script (written inline) through a scenario. */
#ifndef SCRUB_SCENARIO_TEST_UTIL_H
#define SCRUB_SCENARIO_TEST_UTIL_H

#include "check.h"
#include "script.h"
#include "session.h"

/* Parses `script` (one timed action per line) and runs it from the start to the end; `opts` may be NULL. */
static inline sim_session *play_script(const scenario *scn, const char *script, scrub_arena *a, const sim_run_opts *opts)
{
	scrub_diags d;
	scrub_diags_init(&d, "script", script, strlen(script));
	sim_action *acts = NULL;
	int n = 0;
	script_loc loc = {.line = 1, .col = 1};
	scrub_result r = script_parse(script, strlen(script), &loc, a, &d, &acts, &n);
	if (r != SCRUB_OK)
		scrub_diags_print(&d, stderr);
	CHECK(r == SCRUB_OK);
	scrub_diags_fini(&d);
	sim_session *s = NULL;
	CHECK(sim_run(scn, acts, n, opts, &s) == SCRUB_OK);
	return s;
}

/* Loads the scenario file PATH; NULL, with its diagnostics printed, when it does not load. */
static inline scenario *load_scenario_file(const char *path)
{
	scrub_diags d;
	scrub_diags_init(&d, path, NULL, 0);
	scenario *scn = NULL;
	if (scenario_load_file(path, NULL, &d, &scn) != SCRUB_OK)
		scrub_diags_print(&d, stderr);
	scrub_diags_fini(&d);
	return scn;
}

#endif
