/* The session's files, as a sink of the session host (host.h): the session folder, the append-only
 * record while the session runs, and report.json when it ends. Every way of running a scenario
 * (headless, window, headset) uses this one sink, so a session and its headless replay give the same
 * files. It prints nothing and returns results: the front-end says what went wrong (o->error). */
#ifndef SCRUB_SESSION_OUT_H
#define SCRUB_SESSION_OUT_H

#include "host.h"
#include "record.h"
#include "report.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct session_out {
	host_sink sink;            /* give &o->sink to the host */
	const scenario *scn;
	const char *trainee;       /* the caller's strings, kept until fini */
	const char *input;
	report_timeline timeline;
	sim_record *record;
	bool drop_end;             /* cut short: the record gets no "end" line, so it reads as cut short */
	bool complete;             /* set when finished */
	double next_vars, next_waves;
	char dir[4096];
	char record_path[4200], report_path[4200];
	char error[4400];          /* what went wrong, when a call returned an error */
} session_out;

/* sessions/ID-YYYYmmdd-HHMMSS, the folder used when none is given. */
const char *session_out_default_dir(const scenario *scn, char *buf, size_t size);

/* Creates the folder (`out_dir`, or sessions/ID-TIME when NULL) and its session.jsonl (refusing to replace one
 * unless `force`: SCRUB_ERR_IO with errno EEXIST). */
scrub_result session_out_open(session_out *o, const scenario *scn, const char *out_dir, bool force,
                              const char *trainee, const char *input);
void session_out_fini(session_out *o);

/* Writes a file through a temporary file beside it (PATH.tmp, renamed): a reader never sees half of it. */
scrub_result write_file_atomic(const char *path, const char *data, size_t len);
/* Writes report.json for a finished session (through a temporary file: a reader never sees half a report). */
scrub_result report_write_file(const sim_session *s, const report_timeline *tl, const report_info *info,
                               const char *report_path);
/* Prints the summary of a finished session (one line with `quiet`). */
void report_print(const sim_session *s, const report_info *info, const char *report_path, bool quiet, FILE *f);

#endif
