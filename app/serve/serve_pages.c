/* The pages of scrub serve: the sessions (filtered, paged), one session's debrief with the instructor's notes, a
 * trainee's progress, a scenario's cohort view and its CSV. What a user may see: an admin everything, an
 * instructor the trainees of their cohorts, a trainee their own sessions; anything else is "no such page" (404),
 * so a page never tells whether a session someone else may see exists. */
#include "serve.h"

#include "debrief.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_SIZE 50

static void send_html(serve_req *r, scrub_buf *b)
{
	serve_respond(r, 200, "text/html; charset=utf-8", b->data, b->len, NULL);
}

bool serve_cohort(serve_req *r, const char *const **trainees, int *n)
{
	*trainees = NULL;
	*n = 0;
	if (r->user.role == STORE_ROLE_ADMIN)
		return true;
	if (r->user.role == STORE_ROLE_TRAINEE) {
		const char **one = scrub_arena_alloc(&r->arena, sizeof *one);
		if (!one)
			return false;
		one[0] = r->user.name;
		*trainees = one;
		*n = 1;
		return true;
	}
	const char **list = NULL;
	store_err err;
	if (store_cohort_trainees(r->store, r->user.name, &r->arena, &list, n, &err) < 0)
		return false;
	static const char *const none[1] = {""};
	*trainees = *n ? list : none;   /* an instructor without a cohort sees nothing, never everything */
	return true;
}

bool serve_may_see(serve_req *r, const char *trainee)
{
	const char *const *list;
	int n;
	if (!trainee || !serve_cohort(r, &list, &n))
		return false;
	if (!list)
		return true;
	for (int i = 0; i < n; i++)
		if (strcmp(list[i], trainee) == 0)
			return true;
	return false;
}

static void result_badge(scrub_buf *b, const store_session *s)
{
	if (!s->complete)
		scrub_buf_puts(b, "<span class=\"badge incomplete\">incomplete</span> ");
	scrub_buf_puts(b, s->passed ? "<span class=\"badge pass\">passed</span>" : "<span class=\"badge fail\">failed</span>");
}

/* ---- /sessions ----------------------------------------------------------------------------------- */

static void filter_input(scrub_buf *b, const char *label, const char *name, const char *type, const char *value)
{
	scrub_buf_printf(b, "<label>%s<input name=\"%s\" type=\"%s\" value=\"", label, name, type);
	html_escape_attr(b, value ? value : "");
	scrub_buf_puts(b, "\"></label>\n");
}

static void filter_select(scrub_buf *b, const char *label, const char *name, const char *value, const char *a,
                          const char *b_)
{
	const char *v = value ? value : "";
	scrub_buf_printf(b, "<label>%s<select name=\"%s\"><option value=\"\">any</option>"
	                    "<option%s>%s</option><option%s>%s</option></select></label>\n",
	                 label, name, strcmp(v, a) == 0 ? " selected" : "", a, strcmp(v, b_) == 0 ? " selected" : "", b_);
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* A date filter: YYYY-MM-DD only (what the form's date input sends). */
static const char *date_or_null(const char *s)
{
	if (!s || strlen(s) != 10)
		return NULL;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return NULL;
	return s;
}

void page_sessions(serve_req *r)
{
	const char *trainee = nonempty(serve_field(r, "trainee", false));
	const char *scn = nonempty(serve_field(r, "scenario", false));
	const char *from_in = serve_field(r, "from", false), *to_in = serve_field(r, "to", false);
	const char *result = serve_field(r, "result", false), *state = serve_field(r, "state", false);
	const char *page_s = serve_field(r, "page", false);
	int page = page_s ? atoi(page_s) : 1;
	if (page < 1 || page > 100000)
		page = 1;
	store_filter f = {.trainee = trainee, .scenario_id = scn, .passed = -1, .complete = -1,
	                  .offset = (page - 1) * PAGE_SIZE, .limit = PAGE_SIZE};
	f.from = date_or_null(from_in);
	f.to = date_or_null(to_in);
	if (f.to)   /* the whole day of "to" */
		f.to = scrub_arena_printf(&r->arena, "%sT23:59:59Z", f.to);
	if (result && strcmp(result, "passed") == 0)
		f.passed = 1;
	else if (result && strcmp(result, "failed") == 0)
		f.passed = 0;
	if (state && strcmp(state, "complete") == 0)
		f.complete = 1;
	else if (state && strcmp(state, "incomplete") == 0)
		f.complete = 0;
	if (!serve_cohort(r, &f.trainees, &f.ntrainees)) {
		serve_error(r, 500, "The store did not answer.");
		return;
	}
	store_session *ss = NULL;
	int n = 0, total = 0;
	store_err err;
	if (store_list_sessions(r->store, &f, &r->arena, &ss, &n, &total, &err) < 0) {
		serve_error(r, 500, err.msg);
		return;
	}
	scrub_buf b;
	scrub_buf_init(&b);
	html_begin(&b, r, "Sessions");
	scrub_buf_puts(&b, "<h1>Sessions</h1>\n<form class=\"filters card\" method=\"get\" action=\"/sessions\">\n");
	if (r->user.role != STORE_ROLE_TRAINEE)
		filter_input(&b, "Trainee", "trainee", "text", trainee);
	filter_input(&b, "Scenario", "scenario", "text", scn);
	filter_input(&b, "From", "from", "date", f.from);
	filter_input(&b, "To", "to", "date", date_or_null(to_in));
	filter_select(&b, "Result", "result", result, "passed", "failed");
	filter_select(&b, "Record", "state", state, "complete", "incomplete");
	scrub_buf_puts(&b, "<button type=\"submit\">Filter</button> <a href=\"/sessions\">clear</a>\n</form>\n");
	scrub_buf_printf(&b, "<p class=\"muted\" id=\"count\">%d session%s</p>\n", total, total == 1 ? "" : "s");
	scrub_buf_puts(&b, "<table id=\"sessions\">\n<thead><tr><th>Started (UTC)</th><th>Trainee</th><th>Scenario</th>"
	                   "<th class=\"num\">Attempt</th><th class=\"num\">Duration</th><th class=\"num\">Score</th>"
	                   "<th>Result</th><th></th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		const store_session *s = &ss[i];
		char dur[32];
		html_fmt_duration(dur, sizeof dur, s->duration_s);
		scrub_buf_puts(&b, "<tr><td class=\"date\">");
		html_date(&b, s->started_at);
		scrub_buf_puts(&b, "</td><td><a href=\"/trainees/");
		url_escape(&b, s->trainee);
		scrub_buf_puts(&b, "\">");
		html_escape(&b, s->trainee);
		scrub_buf_puts(&b, "</a></td><td>");
		if (r->user.role != STORE_ROLE_TRAINEE) {
			scrub_buf_puts(&b, "<a href=\"/scenarios/");
			url_escape(&b, s->scenario_id);
			scrub_buf_puts(&b, "\">");
		}
		html_escape(&b, s->scenario_title && *s->scenario_title ? s->scenario_title : s->scenario_id);
		if (r->user.role != STORE_ROLE_TRAINEE)
			scrub_buf_puts(&b, "</a>");
		scrub_buf_printf(&b, "</td><td class=\"num\">%d</td><td class=\"num\">%s</td><td class=\"num\">%.1f</td><td>",
		                 s->attempt, dur, s->score);
		result_badge(&b, s);
		scrub_buf_printf(&b, "</td><td><a class=\"open\" href=\"/sessions/%lld\">Debrief</a></td></tr>\n", (long long)s->id);
	}
	scrub_buf_puts(&b, "</tbody>\n</table>\n");
	int pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
	if (pages > 1) {
		/* the same filters on the neighbouring pages */
		scrub_buf q;
		scrub_buf_init(&q);
		const char *keys[] = {"trainee", "scenario", "from", "to", "result", "state"};
		const char *vals[] = {trainee, scn, f.from, date_or_null(to_in), result, state};
		for (int k = 0; k < 6; k++)
			if (nonempty(vals[k])) {
				scrub_buf_printf(&q, "%s=", keys[k]);
				url_escape(&q, vals[k]);
				scrub_buf_puts(&q, "&amp;");
			}
		scrub_buf_puts(&b, "<nav class=\"pager\">");
		if (page > 1)
			scrub_buf_printf(&b, "<a href=\"/sessions?%spage=%d\" rel=\"prev\">&larr; newer</a>", q.len ? q.data : "",
			                 page - 1);
		scrub_buf_printf(&b, "<span>page %d of %d</span>", page, pages);
		if (page < pages)
			scrub_buf_printf(&b, "<a href=\"/sessions?%spage=%d\" rel=\"next\">older &rarr;</a>", q.len ? q.data : "",
			                 page + 1);
		scrub_buf_puts(&b, "</nav>\n");
		scrub_buf_fini(&q);
	}
	html_end(&b);
	send_html(r, &b);
	scrub_buf_fini(&b);
}

/* ---- /sessions/ID ------------------------------------------------------------------------------- */

/* The debrief's own <script> and <style> elements get this response's nonce (everything from the record inside
 * the fragment is escaped, so these tags are the debrief's own). */
static void append_with_nonce(scrub_buf *b, const char *s, size_t len, const char *nonce)
{
	const char *end = s + len, *run = s;
	while (s < end) {
		const char *lt = memchr(s, '<', (size_t)(end - s));
		if (!lt)
			break;
		size_t rest = (size_t)(end - lt);
		size_t tag = rest >= 7 && strncmp(lt, "<script", 7) == 0 ? 7 : rest >= 6 && strncmp(lt, "<style", 6) == 0 ? 6 : 0;
		if (tag && (lt[tag] == '>' || lt[tag] == ' ')) {
			scrub_buf_append(b, run, (size_t)(lt + tag - run));
			scrub_buf_printf(b, " nonce=\"%s\"", nonce);
			run = lt + tag;
		}
		s = lt + 1;
	}
	scrub_buf_append(b, run, (size_t)(end - run));
}

void page_session(serve_req *r, int64_t id)
{
	store_session s;
	store_err err;
	scrub_result sr = store_get_session(r->store, id, &r->arena, &s, &err);
	if (sr < 0) {
		serve_error(r, 500, err.msg);
		return;
	}
	if (sr == SCRUB_DONE || !serve_may_see(r, s.trainee)) {
		serve_error(r, 404, "There is no such page.");
		return;
	}
	const char *rec = NULL, *rep = NULL;
	size_t rec_len = 0, rep_len = 0;
	store_note *notes = NULL;
	int nnotes = 0;
	if (store_get_record(r->store, id, &r->arena, &rec, &rec_len, &rep, &rep_len, &err) != SCRUB_OK ||
	    store_list_notes(r->store, id, &r->arena, &notes, &nnotes, &err) != SCRUB_OK) {
		serve_error(r, 500, err.msg);
		return;
	}
	debrief_note *dn = scrub_arena_alloc(&r->arena, sizeof *dn * (size_t)(nnotes ? nnotes : 1));
	if (!dn) {
		serve_error(r, 500, "Out of memory.");
		return;
	}
	for (int i = 0; i < nnotes; i++)
		dn[i] = (debrief_note){.t = notes[i].t, .author = notes[i].author, .text = notes[i].text};
	bool may_note = r->user.role != STORE_ROLE_TRAINEE;
	debrief_desc d = {
		.record = rec, .record_len = rec_len, .report = rep, .report_len = rep_len, .notes = dn, .nnotes = nnotes,
		.fragment = true,
		.note_action = may_note ? scrub_arena_printf(&r->arena, "/sessions/%lld/notes", (long long)id) : NULL,
		.csrf_token = may_note ? r->csrf : NULL,
	};
	scrub_buf frag;
	scrub_buf_init(&frag);
	char why[256] = "";
	if (debrief_html(&d, &frag, why, sizeof why) != SCRUB_OK) {
		scrub_buf_fini(&frag);
		serve_error(r, 500, why[0] ? why : "The debrief could not be made.");
		return;
	}
	scrub_buf b;
	scrub_buf_init(&b);
	char title[256];
	snprintf(title, sizeof title, "%s: %s", s.trainee, s.scenario_title && *s.scenario_title ? s.scenario_title : s.scenario_id);
	html_begin(&b, r, title);
	scrub_buf_puts(&b, "<p class=\"muted\"><a href=\"/sessions\">Sessions</a> / <a href=\"/trainees/");
	url_escape(&b, s.trainee);
	scrub_buf_puts(&b, "\">");
	html_escape(&b, s.trainee);
	scrub_buf_puts(&b, "</a>");
	if (r->user.role != STORE_ROLE_TRAINEE) {
		scrub_buf_puts(&b, " / <a href=\"/scenarios/");
		url_escape(&b, s.scenario_id);
		scrub_buf_puts(&b, "\">");
		html_escape(&b, s.scenario_id);
		scrub_buf_puts(&b, "</a>");
	}
	scrub_buf_printf(&b, " / attempt %d, ", s.attempt);
	html_date(&b, s.started_at);
	scrub_buf_puts(&b, " ");
	result_badge(&b, &s);
	scrub_buf_puts(&b, "</p>\n");
	append_with_nonce(&b, frag.data ? frag.data : "", frag.len, r->nonce);
	scrub_buf_fini(&frag);
	html_end(&b);
	send_html(r, &b);
	scrub_buf_fini(&b);
}

/* Reads a note's time: seconds ("95.5") or minutes and seconds ("1:35"). */
static bool parse_time(const char *s, double *out)
{
	if (!s || !*s)
		return false;
	char *end;
	double a = strtod(s, &end);
	if (*end == ':') {
		double sec = strtod(end + 1, &end);
		if (*end || sec < 0 || sec >= 60)
			return false;
		a = a * 60 + sec;
	} else if (*end) {
		return false;
	}
	if (!(a >= 0 && a < 1e7))
		return false;
	*out = a;
	return true;
}

void page_session_note(serve_req *r, int64_t id)
{
	store_session s;
	store_err err;
	scrub_result sr = store_get_session(r->store, id, &r->arena, &s, &err);
	if (sr < 0) {
		serve_error(r, 500, err.msg);
		return;
	}
	if (sr == SCRUB_DONE || !serve_may_see(r, s.trainee)) {
		serve_error(r, 404, "There is no such page.");
		return;
	}
	if (r->user.role == STORE_ROLE_TRAINEE) {
		serve_error(r, 403, "Only instructors add notes.");
		return;
	}
	const char *t_s = serve_field(r, "t", true), *text = serve_field(r, "text", true);
	double t = 0;
	if (!parse_time(t_s, &t) || !text || !*text || strlen(text) > 4000) {
		serve_error(r, 400, "A note needs a time (seconds, or m:ss) and a text of at most 4,000 characters.");
		return;
	}
	int64_t nid;
	if (store_add_note(r->store, id, t, r->user.name, text, &nid, &err) != SCRUB_OK) {
		serve_error(r, 500, err.msg);
		return;
	}
	char to[64];
	snprintf(to, sizeof to, "/sessions/%lld#notes", (long long)id);
	serve_redirect(r, to);
}

/* ---- /trainees/NAME ----------------------------------------------------------------------------- */

typedef struct scn_group {
	const char *id, *title;
	int attempts, passed;
	double best, last;
	svg_point *pts;
	int npts;
} scn_group;

void page_trainee(serve_req *r, const char *name)
{
	if (!serve_may_see(r, name)) {
		serve_error(r, 404, "There is no such page.");
		return;
	}
	store_filter f = {.trainee = name, .passed = -1, .complete = -1, .limit = 1000};
	store_session *ss = NULL;
	int n = 0, total = 0;
	store_err err;
	store_item_stat *missed = NULL;
	int nmissed = 0;
	if (store_list_sessions(r->store, &f, &r->arena, &ss, &n, &total, &err) < 0 ||
	    store_trainee_missed(r->store, name, &r->arena, &missed, &nmissed, &err) < 0) {
		serve_error(r, 500, err.msg);
		return;
	}
	/* group by scenario; the sessions come newest first */
	scn_group *g = scrub_arena_alloc(&r->arena, sizeof *g * (size_t)(n ? n : 1));
	int ng = 0;
	if (!g) {
		serve_error(r, 500, "Out of memory.");
		return;
	}
	for (int i = n - 1; i >= 0; i--) {
		const store_session *s = &ss[i];
		int k = 0;
		while (k < ng && strcmp(g[k].id, s->scenario_id) != 0)
			k++;
		if (k == ng) {
			g[ng++] = (scn_group){.id = s->scenario_id, .title = s->scenario_title, .best = s->score,
			                      .pts = scrub_arena_alloc(&r->arena, sizeof(svg_point) * (size_t)n)};
			if (!g[k].pts) {
				serve_error(r, 500, "Out of memory.");
				return;
			}
		}
		g[k].attempts++;
		g[k].passed += s->passed;
		g[k].best = fmax(g[k].best, s->score);
		g[k].last = s->score;
		g[k].pts[g[k].npts++] = (svg_point){.x = s->attempt, .y = s->score, .ok = s->passed,
		                                   .label = scrub_arena_printf(&r->arena, "attempt %d, %s: %.1f", s->attempt,
		                                                               s->started_at, s->score)};
	}
	scrub_buf b;
	scrub_buf_init(&b);
	html_begin(&b, r, name);
	scrub_buf_puts(&b, "<h1>");
	html_escape(&b, name);
	scrub_buf_printf(&b, "</h1>\n<div class=\"card stats\"><div><b>%d</b><span>sessions</span></div>"
	                     "<div><b>%d</b><span>scenarios</span></div></div>\n", total, ng);
	scrub_buf_puts(&b, "<h2>Attempts per scenario</h2>\n<table id=\"attempts\"><thead><tr><th>Scenario</th>"
	                   "<th class=\"num\">Attempts</th><th class=\"num\">Passed</th><th class=\"num\">Best score</th>"
	                   "<th class=\"num\">Last score</th><th></th></tr></thead><tbody>\n");
	for (int k = 0; k < ng; k++) {
		scrub_buf_puts(&b, "<tr><td>");
		html_escape(&b, g[k].title && *g[k].title ? g[k].title : g[k].id);
		scrub_buf_printf(&b, "</td><td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%.1f</td>"
		                     "<td class=\"num\">%.1f</td><td><a href=\"/sessions?trainee=",
		                 g[k].attempts, g[k].passed, g[k].best, g[k].last);
		url_escape(&b, name);
		scrub_buf_puts(&b, "&amp;scenario=");
		url_escape(&b, g[k].id);
		scrub_buf_puts(&b, "\">sessions</a></td></tr>\n");
	}
	scrub_buf_puts(&b, "</tbody></table>\n<h2>Score over time</h2>\n<div class=\"grid\">\n");
	for (int k = 0; k < ng; k++) {
		scrub_buf_puts(&b, "<div class=\"card\">");
		svg_line_plot(&b, g[k].title && *g[k].title ? g[k].title : g[k].id, g[k].pts, g[k].npts, 0, 100, "attempt",
		              "score");
		scrub_buf_puts(&b, "</div>\n");
	}
	scrub_buf_puts(&b, "</div>\n<h2>Items most often missed</h2>\n<table id=\"missed\"><thead><tr><th>Item</th>"
	                   "<th class=\"num\">Missed</th><th class=\"num\">Sessions</th></tr></thead><tbody>\n");
	for (int i = 0; i < nmissed && i < 15; i++) {
		if (!missed[i].missed)
			continue;
		scrub_buf_puts(&b, "<tr><td>");
		html_escape(&b, missed[i].text && *missed[i].text ? missed[i].text : missed[i].item_id);
		if (missed[i].critical)
			scrub_buf_puts(&b, " <span class=\"badge fail\">critical</span>");
		scrub_buf_printf(&b, "</td><td class=\"num\">%d</td><td class=\"num\">%d</td></tr>\n", missed[i].missed,
		                 missed[i].sessions);
	}
	scrub_buf_puts(&b, "</tbody></table>\n");
	html_end(&b);
	send_html(r, &b);
	scrub_buf_fini(&b);
}

/* ---- /scenarios/ID and /scenarios/ID.csv -------------------------------------------------------- */

/* A CSV cell: quoted when needed; a cell that a spreadsheet would read as a formula starts with a quote mark. */
static void csv_cell(scrub_buf *b, const char *s)
{
	if (!s)
		s = "";
	bool formula = strchr("=+-@\t\r", s[0]) && s[0];
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		scrub_buf_puts(b, s);
		return;
	}
	scrub_buf_puts(b, formula ? "\"'" : "\"");
	for (; *s; s++) {
		if (*s == '"')
			scrub_buf_puts(b, "\"");
		scrub_buf_append(b, s, 1);
	}
	scrub_buf_puts(b, "\"");
}

static void scenario_csv(serve_req *r, const char *id, store_filter *f)
{
	scrub_buf b;
	scrub_buf_init(&b);
	scrub_buf_puts(&b, "session_id,trainee,scenario_id,started_at,attempt,duration_s,score,passed,complete,outcome\r\n");
	store_err err;
	for (f->offset = 0;; f->offset += f->limit) {
		store_session *ss = NULL;
		int n = 0, total = 0;
		if (store_list_sessions(r->store, f, &r->arena, &ss, &n, &total, &err) < 0) {
			scrub_buf_fini(&b);
			serve_error(r, 500, err.msg);
			return;
		}
		for (int i = 0; i < n; i++) {
			scrub_buf_printf(&b, "%lld,", (long long)ss[i].id);
			csv_cell(&b, ss[i].trainee);
			scrub_buf_puts(&b, ",");
			csv_cell(&b, ss[i].scenario_id);
			scrub_buf_puts(&b, ",");
			csv_cell(&b, ss[i].started_at);
			scrub_buf_printf(&b, ",%d,%.1f,%.1f,%s,%s,", ss[i].attempt, ss[i].duration_s, ss[i].score,
			                 ss[i].passed ? "true" : "false", ss[i].complete ? "true" : "false");
			csv_cell(&b, ss[i].outcome);
			scrub_buf_puts(&b, "\r\n");
		}
		if (n < f->limit || f->offset + n >= total)
			break;
	}
	char h[300];
	char safe[128];
	size_t k = 0;
	for (const char *p = id; *p && k < sizeof safe - 1; p++)
		safe[k++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		                    *p == '-' ? *p : '_';
	safe[k] = 0;
	snprintf(h, sizeof h, "Content-Disposition: attachment; filename=\"%s.csv\"\r\n", safe);
	serve_respond(r, 200, "text/csv; charset=utf-8", b.data, b.len, h);
	scrub_buf_fini(&b);
}

void page_scenario(serve_req *r, const char *id, bool csv)
{
	if (r->user.role == STORE_ROLE_TRAINEE) {
		serve_error(r, 403, "The cohort pages are for instructors.");
		return;
	}
	store_filter f = {.scenario_id = id, .passed = -1, .complete = -1, .limit = 1};
	f.from = date_or_null(serve_field(r, "from", false));
	const char *to = date_or_null(serve_field(r, "to", false));
	if (to)
		f.to = scrub_arena_printf(&r->arena, "%sT23:59:59Z", to);
	if (!serve_cohort(r, &f.trainees, &f.ntrainees)) {
		serve_error(r, 500, "The store did not answer.");
		return;
	}
	store_session *first = NULL;
	int n = 0, total = 0;
	store_err err;
	if (store_list_sessions(r->store, &f, &r->arena, &first, &n, &total, &err) < 0) {
		serve_error(r, 500, err.msg);
		return;
	}
	if (!total) {
		serve_error(r, 404, "There is no session of this scenario that you may see.");
		return;
	}
	if (csv) {
		f.limit = 1000;
		scenario_csv(r, id, &f);
		return;
	}
	store_item_stat *items = NULL;
	store_attempt_stat *att = NULL;
	int nitems = 0, natt = 0;
	f.limit = 0;
	if (store_scenario_stats(r->store, id, &f, &r->arena, &items, &nitems, &att, &natt, &err) < 0) {
		serve_error(r, 500, err.msg);
		return;
	}
	int passed = 0;
	for (int i = 0; i < natt; i++)
		passed += att[i].passed;
	const char *title = first[0].scenario_title && *first[0].scenario_title ? first[0].scenario_title : id;
	size_t na = (size_t)(nitems ? nitems : 1);
	const char **labels = scrub_arena_alloc(&r->arena, sizeof *labels * na);
	double *rates = scrub_arena_alloc(&r->arena, sizeof *rates * na);
	bool *crit = scrub_arena_alloc(&r->arena, sizeof *crit * na);
	const char **clabels = scrub_arena_alloc(&r->arena, sizeof *clabels * na);
	double **ctimes = scrub_arena_alloc(&r->arena, sizeof *ctimes * na);
	int *cn = scrub_arena_alloc(&r->arena, sizeof *cn * na), nc = 0;
	if (!labels || !rates || !crit || !clabels || !ctimes || !cn) {
		serve_error(r, 500, "Out of memory.");
		return;
	}
	for (int i = 0; i < nitems; i++) {
		labels[i] = items[i].text && *items[i].text ? items[i].text : items[i].item_id;
		rates[i] = items[i].sessions ? (double)items[i].missed / items[i].sessions : 0;
		crit[i] = items[i].critical;
		if (items[i].critical) {
			clabels[nc] = labels[i];
			ctimes[nc] = items[i].times_s;
			cn[nc++] = items[i].ntimes;
		}
	}
	scrub_buf b;
	scrub_buf_init(&b);
	html_begin(&b, r, title);
	scrub_buf_puts(&b, "<h1>");
	html_escape(&b, title);
	scrub_buf_puts(&b, "</h1>\n<p class=\"muted\">");
	html_escape(&b, id);
	scrub_buf_puts(&b, r->user.role == STORE_ROLE_ADMIN ? ": every trainee" : ": the trainees of your cohorts");
	scrub_buf_puts(&b, " &middot; <a id=\"csv\" href=\"/scenarios/");
	url_escape(&b, id);
	scrub_buf_puts(&b, ".csv\">CSV of the sessions</a> &middot; <a href=\"/sessions?scenario=");
	url_escape(&b, id);
	scrub_buf_printf(&b, "\">the sessions</a></p>\n<div class=\"card stats\"><div><b>%d</b><span>sessions</span></div>"
	                     "<div><b>%.0f%%</b><span>passed</span></div><div><b>%d</b><span>checklist items</span></div>"
	                     "</div>\n<div class=\"card\">",
	                 total, total ? 100.0 * passed / total : 0, nitems);
	/* the chart with the most missed first (the table below keeps the checklist's order) */
	const char **sl = scrub_arena_alloc(&r->arena, sizeof *sl * na);
	double *sr = scrub_arena_alloc(&r->arena, sizeof *sr * na);
	bool *sc = scrub_arena_alloc(&r->arena, sizeof *sc * na);
	if (!sl || !sr || !sc) {
		scrub_buf_fini(&b);
		serve_error(r, 500, "Out of memory.");
		return;
	}
	for (int i = 0; i < nitems; i++) {   /* insertion sort: stable, and a checklist is short */
		int k = i;
		while (k > 0 && sr[k - 1] < rates[i]) {
			sl[k] = sl[k - 1];
			sr[k] = sr[k - 1];
			sc[k] = sc[k - 1];
			k--;
		}
		sl[k] = labels[i];
		sr[k] = rates[i];
		sc[k] = crit[i];
	}
	svg_bar_chart(&b, "Item miss rate, most missed first (red: critical items)", sl, sr, sc, nitems);
	scrub_buf_puts(&b, "</div>\n<div class=\"card\">");
	svg_box_plot(&b, "Time to each critical action (box: quartiles, bar: median, whiskers: range)", clabels, ctimes,
	             cn, nc);
	scrub_buf_puts(&b, "</div>\n<h2>Pass rate by attempt</h2>\n<table id=\"by-attempt\"><thead><tr>"
	                   "<th class=\"num\">Attempt</th><th class=\"num\">Sessions</th><th class=\"num\">Passed</th>"
	                   "<th class=\"num\">Pass rate</th></tr></thead><tbody>\n");
	for (int i = 0; i < natt; i++)
		scrub_buf_printf(&b, "<tr><td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%d</td>"
		                     "<td class=\"num\">%.0f%%</td></tr>\n",
		                 att[i].attempt, att[i].sessions, att[i].passed,
		                 att[i].sessions ? 100.0 * att[i].passed / att[i].sessions : 0);
	scrub_buf_puts(&b, "</tbody></table>\n<h2>Checklist items</h2>\n<table id=\"items\"><thead><tr><th>Item</th>"
	                   "<th class=\"num\">Sessions</th><th class=\"num\">Missed</th><th class=\"num\">Miss rate</th>"
	                   "<th class=\"num\">Median time</th></tr></thead><tbody>\n");
	for (int i = 0; i < nitems; i++) {
		scrub_buf_puts(&b, "<tr><td>");
		html_escape(&b, labels[i]);
		if (crit[i])
			scrub_buf_puts(&b, " <span class=\"badge fail\">critical</span>");
		scrub_buf_printf(&b, "</td><td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%.0f%%</td>",
		                 items[i].sessions, items[i].missed, rates[i] * 100);
		if (items[i].ntimes)
			scrub_buf_printf(&b, "<td class=\"num\">%.1f s</td></tr>\n", items[i].times_s[items[i].ntimes / 2]);
		else
			scrub_buf_puts(&b, "<td class=\"num\">-</td></tr>\n");
	}
	scrub_buf_puts(&b, "</tbody></table>\n");
	html_end(&b);
	send_html(r, &b);
	scrub_buf_fini(&b);
}
