/* Shared by the fuzz targets. */
#ifndef SCRUB_FUZZ_UTIL_H
#define SCRUB_FUZZ_UTIL_H

#include "diag.h"

#include <stdio.h>

/* Prints the diagnostics to /dev/null (printing exercises the caret and quoting code on arbitrary positions)
 * and frees them. */
static inline void fuzz_diags_done(scrub_diags *d)
{
	FILE *null = fopen("/dev/null", "w");
	if (null) {
		scrub_diags_print(d, null);
		fclose(null);
	}
	scrub_diags_fini(d);
}

#ifdef FUZZ_SCENARIO
#include "scenario.h"

/* The scenario a target checks its input against (FUZZ_SCENARIO), loaded once; a broken one stops the fuzzer. */
static inline const scenario *fuzz_scenario(void)
{
	static scenario *scn;
	if (!scn) {
		scrub_diags d;
		scrub_diags_init(&d, FUZZ_SCENARIO, NULL, 0);
		scenario_load_opts lo = {.no_model_runs = true};
		if (scenario_load_file(FUZZ_SCENARIO, &lo, &d, &scn) != SCRUB_OK) {
			scrub_diags_print(&d, stderr);
			__builtin_trap();
		}
		scrub_diags_fini(&d);
	}
	return scn;
}
#endif

#endif
