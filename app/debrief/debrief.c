/* The debrief page (debrief.h): the header, the checklist with why, the timeline and the notes; the plots and the
 * monitor are in debrief_plot.c and debrief_monitor.c, the style and the script in debrief_assets.c. */
#include "debrief_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dbf_esc(scrub_buf *b, const char *s)
{
	if (!s)
		return;
	const char *run = s;
	for (; *s; s++) {
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		scrub_buf_append(b, run, (size_t)(s - run));
		scrub_buf_puts(b, rep);
		run = s + 1;
	}
	scrub_buf_append(b, run, (size_t)(s - run));
}

void dbf_js_str(scrub_buf *b, const char *s)
{
	scrub_buf_append(b, "\"", 1);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\'' || c == '"' || c == '\\')
			scrub_buf_printf(b, "\\u%04x", c);
		else
			scrub_buf_append(b, s, 1);
	}
	scrub_buf_append(b, "\"", 1);
}

const char *dbf_clock(double t, char *buf, size_t size)
{
	if (!isfinite(t) || t < 0 || t > 1e9) {
		snprintf(buf, size, "-");
		return buf;
	}
	long tenths = lround(t * 10);
	long s = tenths / 10, h = s / 3600, m = s / 60 % 60, sec = s % 60;
	int len = h ? snprintf(buf, size, "%ld:%02ld:%02ld", h, m, sec) : snprintf(buf, size, "%ld:%02ld", s / 60, sec);
	if (tenths % 10 && len > 0 && (size_t)len < size)
		snprintf(buf + len, size - (size_t)len, ".%ld", tenths % 10);
	return buf;
}

const char *dbf_num_text(double v, int decimals, char *buf, size_t size)
{
	return scrub_json_format_num(v, decimals, buf, size);
}

/* ---- the header ---- */

static void fact(scrub_buf *b, const char *label, const char *value)
{
	scrub_buf_printf(b, "<div><dt>%s</dt><dd>", label);
	dbf_esc(b, value && *value ? value : "-");
	scrub_buf_puts(b, "</dd></div>\n");
}

static void header(dbf *D)
{
	scrub_buf *b = D->out;
	yaml_node *R = D->report, *scn = yaml_get(R, "scenario");
	bool passed = dbf_bool(R, "passed"), complete = dbf_bool(R, "complete") && D->complete;
	double score = 0, mark = 0, earned = 0, possible = 0, pen = 0, ended = D->end_t;
	dbf_num(R, "score", &score);
	dbf_num(R, "points_earned", &earned);
	dbf_num(R, "points_possible", &possible);
	dbf_num(R, "penalties", &pen);
	dbf_num(R, "ended_at_s", &ended);
	yaml_node *rule = yaml_get(R, "pass_rule");
	bool has_mark = rule && dbf_num(rule, "score", &mark);
	char n1[32], n2[32], n3[32], tm[32];
	scrub_buf_printf(b, "<header class=\"dbf-head %s\">\n<div class=\"dbf-verdict\"><span class=\"dbf-score\">%s</span>"
	                 "<span class=\"dbf-of\">/ 100</span><span class=\"dbf-pf\">%s</span>%s</div>\n",
	                 passed ? "dbf-pass" : "dbf-fail", dbf_num_text(score, 1, n1, sizeof n1),
	                 passed ? "Passed" : "Not passed", complete ? "" : "<span class=\"dbf-inc\">Incomplete</span>");
	scrub_buf_puts(b, "<div class=\"dbf-title\"><p class=\"dbf-kicker\">Debrief</p><h1>");
	dbf_esc(b, scn ? dbf_str(scn, "title") : NULL);
	scrub_buf_puts(b, "</h1>\n<p class=\"dbf-sub\">");
	dbf_esc(b, scn ? dbf_str(scn, "id") : NULL);
	if (scn && dbf_str(scn, "version")) {
		scrub_buf_puts(b, " v");
		dbf_esc(b, dbf_str(scn, "version"));
	}
	scrub_buf_puts(b, "</p></div>\n<dl class=\"dbf-facts\">\n");
	fact(b, "Trainee", dbf_str(R, "trainee") ? dbf_str(R, "trainee") : D->trainee_rec);
	char date[64] = "";
	if (D->started)
		snprintf(date, sizeof date, "%.10s %.5s UTC", D->started, strlen(D->started) > 11 ? D->started + 11 : "");
	fact(b, "Date", D->started ? date : NULL);
	fact(b, "Input", dbf_str(R, "input") ? dbf_str(R, "input") : D->input);
	char line[256];
	snprintf(line, sizeof line, "%s at %s", dbf_str(R, "outcome") ? dbf_str(R, "outcome") : "-", dbf_clock(ended, tm, sizeof tm));
	fact(b, "Outcome", line);
	snprintf(line, sizeof line, "%s / %s points%s%s%s", dbf_num_text(earned, 1, n1, sizeof n1), dbf_num_text(possible, 1, n2, sizeof n2),
	         pen > 0 ? ", penalties " : "", pen > 0 ? dbf_num_text(pen, 1, n3, sizeof n3) : "", "");
	fact(b, "Points", line);
	snprintf(line, sizeof line, "%s%s", has_mark ? dbf_num_text(mark, 1, n1, sizeof n1) : "-",
	         rule && dbf_bool(rule, "all_critical") ? " and every critical item" : "");
	fact(b, "Pass mark", line);
	snprintf(line, sizeof line, complete ? "Complete" : "Incomplete: cut short at %s, scored up to its last event",
	         dbf_clock(D->end_t, tm, sizeof tm));
	fact(b, "Record", line);
	scrub_buf_puts(b, "</dl>\n");
	yaml_node *cf = yaml_get(R, "critical_failures");
	if (cf && cf->type == YAML_SEQ && cf->n) {
		scrub_buf_puts(b, "<p class=\"dbf-critical\">Critical items not done: ");
		for (size_t i = 0; i < cf->n; i++) {
			if (cf->items[i]->type != YAML_SCALAR)
				continue;
			scrub_buf_printf(b, "%s<code>", i ? ", " : "");
			dbf_esc(b, cf->items[i]->str);
			scrub_buf_puts(b, "</code>");
		}
		scrub_buf_puts(b, "</p>\n");
	}
	scrub_buf_puts(b, "</header>\n");
}

/* ---- the checklist ---- */

static const char *status_label(const char *status, bool forbid)
{
	static const struct {
		const char *status, *label;
	} labels[] = {{"done", "Done"}, {"late", "Late"}, {"out_of_order", "Out of order"}, {"missed", "Missed"}, {"violated", "Violated"}};
	if (!status)
		return "-";
	if (forbid && strcmp(status, "done") == 0)
		return "Avoided";
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i].status, status) == 0)
			return labels[i].label;
	return status;
}

static const char *status_class(const char *status)
{
	if (!status)
		return "dbf-s-none";
	if (strcmp(status, "done") == 0)
		return "dbf-s-ok";
	if (strcmp(status, "late") == 0 || strcmp(status, "out_of_order") == 0)
		return "dbf-s-warn";
	return "dbf-s-bad";
}

static void badge(scrub_buf *b, const char *status, bool forbid)
{
	scrub_buf_printf(b, "<span class=\"dbf-badge %s\" data-status=\"", status_class(status));
	dbf_esc(b, status);
	scrub_buf_puts(b, "\">");
	dbf_esc(b, status_label(status, forbid));
	scrub_buf_puts(b, "</span>");
}

static void checklist(dbf *D)
{
	scrub_buf *b = D->out;
	yaml_node *items = yaml_get(D->report, "items");
	scrub_buf_puts(b, "<section class=\"dbf-sec\" id=\"dbf-checklist\">\n<h2>Checklist</h2>\n"
	                  "<table class=\"dbf-table dbf-items\">\n<thead><tr><th>Status</th><th>Item</th><th>Time</th>"
	                  "<th class=\"dbf-r\">Points</th><th>Why</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; items && items->type == YAML_SEQ && i < items->n; i++) {
		yaml_node *it = items->items[i];
		if (it->type != YAML_MAP)
			continue;
		const char *status = dbf_str(it, "status"), *kind = dbf_str(it, "kind"), *note = dbf_str(it, "note");
		bool forbid = kind && strcmp(kind, "forbid") == 0, critical = dbf_bool(it, "critical");
		double ts = NAN, pts = 0, maxp = 0, pen = 0, reps = 0;
		dbf_num(it, "time_s", &ts);
		dbf_num(it, "points", &pts);
		dbf_num(it, "max_points", &maxp);
		bool has_pen = dbf_num(it, "penalty", &pen), has_reps = dbf_num(it, "repetitions", &reps);
		char n1[32], n2[32], tm[32];
		scrub_buf_puts(b, "<tr class=\"dbf-item\" data-item=\"");
		dbf_esc(b, dbf_str(it, "id"));
		scrub_buf_puts(b, "\"><td>");
		badge(b, status, forbid);
		scrub_buf_puts(b, "</td><td><span class=\"dbf-itext\">");
		dbf_esc(b, dbf_str(it, "text"));
		scrub_buf_puts(b, "</span><span class=\"dbf-meta\"><code>");
		dbf_esc(b, dbf_str(it, "id"));
		scrub_buf_puts(b, "</code>");
		if (critical)
			scrub_buf_puts(b, " <span class=\"dbf-crit\">critical</span>");
		if (forbid)
			scrub_buf_puts(b, " <span class=\"dbf-tag\">must not</span>");
		if (dbf_str(it, "ref")) {
			scrub_buf_puts(b, " <span class=\"dbf-tag\">ref ");
			dbf_esc(b, dbf_str(it, "ref"));
			scrub_buf_puts(b, "</span>");
		}
		scrub_buf_printf(b, "</span></td><td class=\"dbf-t\"");
		if (isfinite(ts))
			scrub_buf_printf(b, " data-t=\"%s\"", dbf_num_text(ts, 2, n1, sizeof n1));
		scrub_buf_printf(b, ">%s</td><td class=\"dbf-r\">", dbf_clock(ts, tm, sizeof tm));
		if (forbid && has_pen)
			scrub_buf_printf(b, "%s%s", pen > 0 ? "&minus;" : "", dbf_num_text(pen, 1, n1, sizeof n1));
		else
			scrub_buf_printf(b, "%s/%s", dbf_num_text(pts, 1, n1, sizeof n1), dbf_num_text(maxp, 1, n2, sizeof n2));
		scrub_buf_puts(b, "</td><td class=\"dbf-why\">");
		if (note)
			dbf_esc(b, note);
		else if (status && strcmp(status, "done") == 0)
			scrub_buf_puts(b, forbid ? "Not done" : "In time");
		else if (status && strcmp(status, "missed") == 0)
			scrub_buf_puts(b, "Never done");
		if (has_reps)
			scrub_buf_printf(b, "%sdone %s times", note || status ? "; " : "", dbf_num_text(reps, 0, n1, sizeof n1));
		scrub_buf_puts(b, "</td></tr>\n");
	}
	scrub_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

/* ---- the timeline ---- */

static const char *item_text(dbf *D, const char *id)
{
	yaml_node *items = yaml_get(D->report, "items");
	for (size_t i = 0; id && items && items->type == YAML_SEQ && i < items->n; i++) {
		const char *iid = items->items[i]->type == YAML_MAP ? dbf_str(items->items[i], "id") : NULL;
		if (iid && strcmp(iid, id) == 0)
			return dbf_str(items->items[i], "text");
	}
	return NULL;
}

static bool item_forbid(dbf *D, const char *id)
{
	yaml_node *items = yaml_get(D->report, "items");
	for (size_t i = 0; id && items && items->type == YAML_SEQ && i < items->n; i++) {
		yaml_node *it = items->items[i];
		const char *iid = it->type == YAML_MAP ? dbf_str(it, "id") : NULL;
		if (iid && strcmp(iid, id) == 0)
			return dbf_str(it, "kind") && strcmp(dbf_str(it, "kind"), "forbid") == 0;
	}
	return false;
}

static void row_start(scrub_buf *b, double t, const char *cls, const char *who)
{
	char tm[32], n[32];
	scrub_buf_printf(b, "<tr class=\"%s\"><td class=\"dbf-t\" data-t=\"%s\">%s</td><td class=\"dbf-who\">", cls,
	                 dbf_num_text(t, 2, n, sizeof n), dbf_clock(t, tm, sizeof tm));
	dbf_esc(b, who);
	scrub_buf_puts(b, "</td><td>");
}

static void event_row(dbf *D, const dbf_event *e)
{
	scrub_buf *b = D->out;
	switch (e->kind) {
	case DBF_ACTION: {
		const char *who = e->source ? e->source
		                : e->derived ? "simulation"
		                : e->name && strncmp(e->name, "instructor", 10) == 0 ? "instructor" : "trainee";
		row_start(b, e->t, e->ignored ? "dbf-ev-action dbf-ignored" : "dbf-ev-action", who);
		scrub_buf_puts(b, "<code>");
		dbf_esc(b, e->name);
		scrub_buf_puts(b, "</code>");
		if (e->detail) {
			scrub_buf_puts(b, " <span class=\"dbf-params\">");
			dbf_esc(b, e->detail);
			scrub_buf_puts(b, "</span>");
		}
		if (e->ignored)
			scrub_buf_puts(b, " <span class=\"dbf-tag\">after the end: ignored</span>");
		break;
	}
	case DBF_STATE:
		row_start(b, e->t, "dbf-ev-state", e->detail && strcmp(e->detail, "instructor") == 0 ? "instructor" : "scenario");
		scrub_buf_puts(b, "State <b>");
		dbf_esc(b, e->name);
		scrub_buf_puts(b, "</b>");
		if (e->detail) {
			scrub_buf_puts(b, " <span class=\"dbf-params\">");
			if (e->status) {
				scrub_buf_puts(b, "from ");
				dbf_esc(b, e->status);
				scrub_buf_puts(b, ", ");
			}
			dbf_esc(b, e->detail);
			scrub_buf_puts(b, "</span>");
		}
		break;
	case DBF_ITEM:
		row_start(b, e->t, "dbf-ev-item", "checklist");
		badge(b, e->status, item_forbid(D, e->name));
		scrub_buf_puts(b, " ");
		dbf_esc(b, item_text(D, e->name) ? item_text(D, e->name) : e->name);
		if (e->detail) {
			scrub_buf_puts(b, " <span class=\"dbf-params\">");
			dbf_esc(b, e->detail);
			scrub_buf_puts(b, "</span>");
		}
		break;
	case DBF_END:
		row_start(b, e->t, "dbf-ev-end", "scenario");
		scrub_buf_puts(b, "End: <b>");
		dbf_esc(b, e->name);
		scrub_buf_puts(b, "</b>");
		break;
	}
	scrub_buf_puts(b, "</td></tr>\n");
}

static void note_row(dbf *D, const debrief_note *n)
{
	row_start(D->out, n->t, "dbf-ev-note", n->author ? n->author : "instructor");
	scrub_buf_puts(D->out, "<span class=\"dbf-note-mark\">Note</span> ");
	dbf_esc(D->out, n->text);
}

static int note_cmp(const void *a, const void *b)
{
	const debrief_note *x = *(const debrief_note *const *)a, *y = *(const debrief_note *const *)b;
	return (x->t > y->t) - (x->t < y->t);
}

static const debrief_note **sorted_notes(dbf *D)
{
	if (D->d->nnotes <= 0 || !D->d->notes)
		return NULL;
	const debrief_note **v = malloc((size_t)D->d->nnotes * sizeof *v);
	if (!v) {
		D->oom = true;
		return NULL;
	}
	for (int i = 0; i < D->d->nnotes; i++)
		v[i] = &D->d->notes[i];
	qsort(v, (size_t)D->d->nnotes, sizeof *v, note_cmp);
	return v;
}

static void timeline(dbf *D, const debrief_note **notes)
{
	scrub_buf *b = D->out;
	scrub_buf_puts(b, "<section class=\"dbf-sec\" id=\"dbf-timeline\">\n<h2>Timeline</h2>\n");
	dbf_events_strip(D);
	scrub_buf_puts(b, "<table class=\"dbf-table dbf-events\">\n<thead><tr><th>Time</th><th>Who</th><th>What</th></tr></thead>\n<tbody>\n");
	int k = 0, nn = notes ? D->d->nnotes : 0;
	for (int i = 0; i < D->nev; i++) {
		for (; k < nn && notes[k]->t <= D->ev[i].t; k++) {
			note_row(D, notes[k]);
			scrub_buf_puts(b, "</td></tr>\n");
		}
		event_row(D, &D->ev[i]);
	}
	for (; k < nn; k++) {
		note_row(D, notes[k]);
		scrub_buf_puts(b, "</td></tr>\n");
	}
	scrub_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

/* ---- the notes ---- */

static void notes_section(dbf *D, const debrief_note **notes)
{
	scrub_buf *b = D->out;
	if (!notes && !D->d->note_action)
		return;
	scrub_buf_puts(b, "<section class=\"dbf-sec\" id=\"dbf-notes\">\n<h2>Instructor notes</h2>\n");
	if (notes) {
		scrub_buf_puts(b, "<ol class=\"dbf-notes\">\n");
		for (int i = 0; i < D->d->nnotes; i++) {
			char tm[32], n[32];
			scrub_buf_printf(b, "<li><span class=\"dbf-t\" data-t=\"%s\">%s</span> <span class=\"dbf-who\">",
			                 dbf_num_text(notes[i]->t, 2, n, sizeof n), dbf_clock(notes[i]->t, tm, sizeof tm));
			dbf_esc(b, notes[i]->author ? notes[i]->author : "instructor");
			scrub_buf_puts(b, "</span> <span class=\"dbf-note-text\">");
			dbf_esc(b, notes[i]->text);
			scrub_buf_puts(b, "</span></li>\n");
		}
		scrub_buf_puts(b, "</ol>\n");
	} else {
		scrub_buf_puts(b, "<p class=\"dbf-muted\">No notes yet.</p>\n");
	}
	if (D->d->note_action) {
		scrub_buf_puts(b, "<form class=\"dbf-note-form\" method=\"post\" action=\"");
		dbf_esc(b, D->d->note_action);
		scrub_buf_puts(b, "\">\n<input type=\"hidden\" name=\"csrf\" value=\"");
		dbf_esc(b, D->d->csrf_token);
		char n[32];
		scrub_buf_printf(b, "\">\n<label>Time (s) <input type=\"number\" name=\"t\" min=\"0\" max=\"%s\" step=\"0.1\" value=\"0\" required=\"required\"></label>\n"
		                    "<label class=\"dbf-grow\">Note <input type=\"text\" name=\"text\" maxlength=\"2000\" required=\"required\"></label>\n"
		                    "<button type=\"submit\">Add note</button>\n</form>\n",
		                 dbf_num_text(ceil(D->end_t), 0, n, sizeof n));
	}
	scrub_buf_puts(b, "</section>\n");
}

/* ---- the page ---- */

scrub_result debrief_html(const debrief_desc *d, scrub_buf *out, char *err, size_t errsize)
{
	if (errsize)
		err[0] = 0;
	dbf *D = calloc(1, sizeof *D);
	if (!D)
		return SCRUB_ERR_NOMEM;
	D->d = d;
	D->out = out;
	scrub_result r = dbf_parse(D, err, errsize);
	if (r != SCRUB_OK) {
		dbf_fini(D);
		free(D);
		return r;
	}
	const debrief_note **notes = sorted_notes(D);
	yaml_node *scn = yaml_get(D->report, "scenario");
	if (!d->fragment) {
		scrub_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Debrief: ");
		dbf_esc(out, scn ? dbf_str(scn, "title") : NULL);
		scrub_buf_puts(out, " - ");
		dbf_esc(out, dbf_str(D->report, "trainee"));
		scrub_buf_puts(out, "</title>\n</head>\n<body>\n");
	}
	scrub_buf_puts(out, "<section class=\"scrub-debrief\">\n<style>\n");
	for (int i = 0; dbf_css[i]; i++)
		scrub_buf_puts(out, dbf_css[i]);
	scrub_buf_puts(out, "</style>\n");
	header(D);
	scrub_buf_puts(out, "<nav class=\"dbf-nav\"><a href=\"#dbf-checklist\">Checklist</a> <a href=\"#dbf-timeline\">Timeline</a> "
	                    "<a href=\"#dbf-vitals\">Vital signs</a> <a href=\"#dbf-monitor\">Monitor</a>");
	if (notes || d->note_action)
		scrub_buf_puts(out, " <a href=\"#dbf-notes\">Notes</a>");
	scrub_buf_puts(out, "</nav>\n");
	checklist(D);
	timeline(D, notes);
	dbf_plots(D);
	dbf_cpr(D);
	dbf_monitor(D);
	notes_section(D, notes);
	scrub_buf_puts(out, "<footer class=\"dbf-foot\">Made by Scrub from the session record and its report.</footer>\n<script>\n");
	for (int i = 0; dbf_script[i]; i++)
		scrub_buf_puts(out, dbf_script[i]);
	scrub_buf_puts(out, "</script>\n</section>\n");
	if (!d->fragment)
		scrub_buf_puts(out, "</body>\n</html>\n");
	free(notes);
	bool oom = D->oom || out->oom;
	dbf_fini(D);
	free(D);
	return oom ? SCRUB_ERR_NOMEM : SCRUB_OK;
}
