/* The score report of a finished session: report.json (byte-identical for the same scenario and
 * actions) and a readable summary for the terminal. */
#ifndef SCRUB_REPORT_H
#define SCRUB_REPORT_H

#include "json.h"
#include "session.h"

#include <stdio.h>

/* Collects a session's events, as the report's timeline. Use report_timeline_on_event as
 * the session's event callback (or call it from yours). */
typedef struct report_entry {
	sim_event ev;              /* its pointers are cleared: the array moves as it grows */
	bool has_action, has_text;
	sim_action action;         /* ev.action's copy */
	char text[360];            /* ev.cause's or ev.note's copy */
} report_entry;

typedef struct report_timeline {
	report_entry *v;
	size_t n, cap;
	bool oom;
} report_timeline;

void report_timeline_init(report_timeline *t);
void report_timeline_fini(report_timeline *t);
void report_timeline_on_event(void *timeline, const sim_event *ev);

typedef struct report_info {
	const char *trainee;
	const char *input;         /* where the actions came from */
	bool complete;             /* false when rebuilt from a record cut short */
} report_info;

/* Writes report.json's text into `out`. */
void report_write_json(const sim_session *s, const report_timeline *tl, const report_info *info, scrub_buf *out);
/* A readable summary: outcome, score, pass/fail, each item. */
void report_print_summary(const sim_session *s, const report_info *info, FILE *f);

#endif
