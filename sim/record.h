/* Session records: an append-only JSON Lines file written while a session runs.
 *
 *   {"type":"session", ...header: scenario id, sha256 and full text, trainee, seed, dt...}
 *   {"type":"state","t":0,"from":null,"to":"unresponsive","cause":"start"}
 *   {"type":"action","t":5,"action":"check_responsiveness","params":{}}
 *   {"type":"item","t":5,"id":"check_response","status":"done"}
 *   {"type":"vars","t":5,"values":{"hr":0,"spo2":84}}
 *   {"type":"waves","t":6,"hz":25,"first":125,"ecg_mv":[...],"pleth":[...],"co2_mmhg":[...]}
 *   {"type":"end","t":372.5,"outcome":"rosc"}
 *
 * Lines are flushed at least every second of wall-clock time, so after a crash (even kill -9)
 * every flushed event is readable; a torn last line is ignored by the reader. The header
 * carries the scenario's text, so a record can be re-scored without the scenario file. */
#ifndef SCRUB_RECORD_H
#define SCRUB_RECORD_H

#include "diag.h"
#include "scenario.h"
#include "session.h"

#include <stdbool.h>

typedef struct sim_record sim_record;

typedef struct record_header {
	const scenario *scn;
	const char *trainee;
	const char *input;         /* where the actions came from ("model run textbook", a file, "desktop") */
} record_header;

/* Creates `path`; refuses to replace an existing record unless `force`. */
scrub_result record_create(const char *path, bool force, const record_header *h, sim_record **out);
void record_event(sim_record *r, const sim_event *ev);
/* A snapshot of the scenario's variables (for the debrief). */
void record_vars(sim_record *r, double t, const scenario *scn, const double *vars);
/* The monitor waveforms since the last call, downsampled by `decimate` (the debrief's traces). */
void record_waves(sim_record *r, double t, const patient_wave_ring *ring, int decimate);
/* Flushes if a second of wall-clock time has passed since the last flush. */
void record_maybe_flush(sim_record *r);
/* Flushes, syncs to disk and closes. */
scrub_result record_close(sim_record **r);

typedef struct record_data {
	scrub_arena arena;
	const char *scenario_path;
	const char *source;
	size_t source_len;
	const char *sha256;
	const char *trainee;
	const char *input;
	sim_action *actions;
	int nactions;
	bool complete;             /* an "end" line was found */
	double last_t;             /* the time of the last readable event */
	bool torn;                 /* the last line was cut off (and ignored) */
} record_data;

/* Reads a record. Errors (not a record, a damaged line before the last) go to diags. */
scrub_result record_read(const char *path, record_data *out, scrub_diags *diags);
/* The same from text in memory (`path` names it in the diagnostics). */
scrub_result record_read_text(const char *path, const char *text, size_t len, record_data *out, scrub_diags *diags);
void record_data_fini(record_data *d);

/* One line of a record's text, parsed as JSON (libfyaml, through yaml.h), valid during the callback. */
typedef struct record_line {
	int line;                  /* 1-based */
	struct yaml_node *obj;     /* NULL when the line is empty or does not parse */
	const char *type;          /* its "type", NULL when it has none */
	bool last;                 /* the text's last line (it may be torn) */
	bool empty;
	bool oom;                  /* it did not parse for want of memory */
} record_line;
typedef bool (*record_line_fn)(void *user, const record_line *line);

/* Calls `fn` for each line of a record's text, in order, until it returns false: the one reader of record lines
 * (record_read_text and the debrief). */
void record_each_line(const char *path, const char *text, size_t len, record_line_fn fn, void *user);

#endif
