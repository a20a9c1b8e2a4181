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

#endif
