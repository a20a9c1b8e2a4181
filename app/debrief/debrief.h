/* The debrief of one session as HTML, made from its record and its report: the checklist with each item's
 * status and why, the timeline of actions, state changes and decisions, the vital signs plotted over time
 * (SVG made here, with the events marked), the patient monitor replayed at any moment from the record's
 * waveforms (ECG, pleth, capnography), CPR quality over time where the scenario has CPR, and the
 * instructor's notes pinned to moments.
 *
 * The same code makes `scrub report --html FILE` (one self-contained file: no network, no external
 * script, style or font) and the debrief page of `scrub serve` (a fragment inside the server's page). The page
 * carries one inline <style> (every rule under .scrub-debrief) and one inline <script> (the monitor replay, found
 * from document.currentScript): a Content-Security-Policy must allow them (a hash of each, or a nonce). */
#ifndef SCRUB_DEBRIEF_H
#define SCRUB_DEBRIEF_H

#include "json.h"
#include "result.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct debrief_note {
	double t;
	const char *author;
	const char *text;
} debrief_note;

typedef struct debrief_desc {
	const char *record;          /* session.jsonl's text */
	size_t record_len;
	const char *report;          /* the report.json made from it */
	size_t report_len;
	const debrief_note *notes;   /* instructor's annotations, by time */
	int nnotes;
	bool fragment;               /* true: a <section> for a server page; false: a whole HTML document */
	const char *note_action;     /* when set (server, instructor): a form posting a note to this URL; its
	                              * fields: t (seconds), text, csrf */
	const char *csrf_token;      /* the form's CSRF token (with note_action) */
} debrief_desc;

/* Appends the HTML to `out`. SCRUB_ERR_INVALID with the reason in `err` for a record or report it cannot
 * read. Every text from the record (names, notes, free text) is escaped. */
scrub_result debrief_html(const debrief_desc *d, scrub_buf *out, char *err, size_t errsize);

#endif
