/* Result codes shared by every Scrub module.
 * 0 is success, positive values are non-error outcomes, negative values are errors. */
#ifndef SCRUB_RESULT_H
#define SCRUB_RESULT_H

typedef enum scrub_result {
	SCRUB_OK = 0,
	SCRUB_DONE = 1,              /* finished (end of scenario, end of input) */
	SCRUB_ERR_INVALID = -1,      /* invalid input: a scenario or action file with errors */
	SCRUB_ERR_USAGE = -2,        /* bad command line */
	SCRUB_ERR_IO = -3,           /* a file could not be read or written */
	SCRUB_ERR_NOMEM = -4,        /* out of memory */
	SCRUB_ERR_RUNTIME = -5,      /* missing device, runtime or other failure at run time */
	SCRUB_ERR_LIMIT = -6,        /* an input exceeded a documented limit */
} scrub_result;

const char *scrub_result_str(scrub_result r);

#endif
