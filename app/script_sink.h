/* The actions a live session was given, as an action script (OUT/actions.txt): a sink of the session host.
 * `scrub run --actions` of that file gives the same report, which is how a window or headset session is
 * checked against its headless replay. Derived actions (the simulation's own) are left out. */
#ifndef SCRUB_SCRIPT_SINK_H
#define SCRUB_SCRIPT_SINK_H

#include "host.h"
#include "json.h"

typedef struct script_sink {
	host_sink sink;            /* give &s->sink to the host */
	scrub_buf text;
	char path[4300];
	char error[4400];
} script_sink;

/* `dir`/actions.txt, starting with the comment line "# actions taken in WHERE (SCENARIO), as an action script". */
void script_sink_init(script_sink *s, const char *dir, const char *where, const char *scenario_name);
void script_sink_fini(script_sink *s);

#endif
