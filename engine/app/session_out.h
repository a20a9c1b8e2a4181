/* What every way of running a scenario writes (headless, desktop window, headset): the session folder, the
 * append-only session record while the session runs, and the report when it ends. One implementation, so that a
 * desktop or XR session and its headless replay produce the same files. */
#ifndef SCRUB_SESSION_OUT_H
#define SCRUB_SESSION_OUT_H

#include "record.h"
#include "report.h"
#include "session.h"

#include <stdbool.h>

typedef struct session_out {
	const scenario *scn;
	const char *trainee;       /* the caller's strings, kept until fini */
	const char *input;
	report_timeline timeline;
	sim_record *record;
	bool drop_end;             /* cut short: the record gets no "end" line, so it reads as cut short */
	double next_vars, next_waves;
	char dir[4096];
	char record_path[4200], report_path[4200];
} session_out;

/* sessions/ID-YYYYmmdd-HHMMSS, the folder used when none is given. */
const char *session_out_default_dir(const scenario *scn, char *buf, size_t size);

/* Creates the folder (`out_dir`, or sessions/ID-TIME when NULL) and its session.jsonl (refusing to replace one
 * unless `force`). Prints what went wrong; returns an exit status (EXIT_DONE when open). */
int session_out_open(session_out *o, const scenario *scn, const char *out_dir, bool force, const char *trainee,
                     const char *input);
/* The session's event callback (user = the session_out): the report's timeline and the record. */
void session_out_on_event(void *o, const sim_event *ev);
/* Call after every step: the scenario's variables every 5 s and the monitor's waveforms every second. */
void session_out_after_step(session_out *o, const sim_session *s);
/* Finishes the session (`complete` false: cut short, scored up to now), closes the record and writes the report.
 * Prints the summary (or one line with `quiet`); returns an exit status. */
int session_out_finish(session_out *o, sim_session *s, bool complete, bool quiet);
void session_out_fini(session_out *o);

/* Writes report.json for a finished session and prints its summary; returns an exit status. */
int cli_write_report(const sim_session *s, const report_timeline *tl, const report_info *info,
                     const char *report_path, bool quiet);

#endif
