#include "report.h"
#include "event_json.h"
#include "script.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void report_timeline_init(report_timeline *t)
{
	memset(t, 0, sizeof *t);
}

void report_timeline_fini(report_timeline *t)
{
	free(t->v);
	memset(t, 0, sizeof *t);
}

void report_timeline_on_event(void *user, const sim_event *ev)
{
	report_timeline *t = user;
	/* high-rate input (instrument poses every frame) stays in the record, not in the report */
	if (ev->kind == SIM_EV_ACTION && act_is_tracking(actions_get(ev->action->type)))
		return;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		report_entry *v = realloc(t->v, cap * sizeof *v);
		if (!v) {
			t->oom = true;
			return;
		}
		t->v = v;
		t->cap = cap;
	}
	report_entry *e = &t->v[t->n++];
	memset(e, 0, sizeof *e);
	e->ev = *ev;
	e->ev.action = NULL;
	e->ev.cause = NULL;
	e->ev.note = NULL;
	if (ev->action) {
		e->action = *ev->action;
		e->has_action = true;
	}
	const char *txt = ev->kind == SIM_EV_STATE ? ev->cause : ev->kind == SIM_EV_ITEM ? ev->note : NULL;
	if (txt) {
		snprintf(e->text, sizeof e->text, "%s", txt);
		e->has_text = true;
	}
}

/* The entry's event with its pointers set to the entry's own copies. */
static sim_event entry_event(const report_entry *e)
{
	sim_event ev = e->ev;
	if (e->has_action)
		ev.action = &e->action;
	if (e->has_text) {
		if (ev.kind == SIM_EV_STATE)
			ev.cause = e->text;
		else
			ev.note = e->text;
	}
	return ev;
}

/* The items a participant did (DONE, LATE, ORDR by their action), broke (VIOLATED by their action), or that
 * their role missed (an item of their role never done). */
typedef enum part_kind { PART_DONE, PART_VIOLATED, PART_MISSED } part_kind;

static bool part_has(const scenario *scn, const sim_item_result *r, const scn_item *it, const sim_participant *p, part_kind k)
{
	switch (k) {
	case PART_DONE:
		return (r->status == ITEM_DONE || r->status == ITEM_LATE || r->status == ITEM_OUT_OF_ORDER) &&
		       it->kind == SCN_ITEM_DO && strcmp(r->by, p->name) == 0;
	case PART_VIOLATED:
		return r->status == ITEM_VIOLATED && strcmp(r->by, p->name) == 0;
	case PART_MISSED:
		return it->role >= 0 && (r->status == ITEM_MISSED || r->status == ITEM_PENDING) &&
		       strcmp(scn->roles[it->role].name, p->role) == 0;
	}
	return false;
}

static void json_team(scrub_json *j, const sim_session *s)
{
	int np;
	const sim_participant *ps = sim_session_participants(s, &np);
	if (np == 0)
		return;
	const scenario *scn = sim_session_scenario(s);
	const sim_item_result *res = sim_session_items(s);
	static const char *const kinds[] = {"done", "violated", "missed"};
	scrub_json_array_begin(j, "participants");
	for (int p = 0; p < np; p++) {
		scrub_json_object_begin(j, NULL);
		scrub_json_str(j, "name", ps[p].name);
		scrub_json_str(j, "role", ps[p].role[0] ? ps[p].role : NULL);
		scrub_json_int(j, "actions", ps[p].actions);
		scrub_json_int(j, "out_of_role", ps[p].out_of_role);
		for (int k = 0; k < 3; k++) {
			scrub_json_array_begin(j, kinds[k]);
			for (int i = 0; i < scn->checklist.n; i++)
				if (part_has(scn, &res[i], &scn->checklist.items[i], &ps[p], (part_kind)k))
					scrub_json_str(j, NULL, scn->checklist.items[i].id);
			scrub_json_array_end(j);
		}
		scrub_json_object_end(j);
	}
	scrub_json_array_end(j);
}

static void print_team(const sim_session *s, FILE *f)
{
	int np;
	const sim_participant *ps = sim_session_participants(s, &np);
	if (np == 0)
		return;
	const scenario *scn = sim_session_scenario(s);
	const sim_item_result *res = sim_session_items(s);
	static const char *const kinds[] = {"done", "violated", "missed by the role"};
	fprintf(f, "\nTeam (the score above is the team's):\n");
	for (int p = 0; p < np; p++) {
		fprintf(f, "  %s%s%s%s: %d action%s", ps[p].name, ps[p].role[0] ? " (" : "", ps[p].role, ps[p].role[0] ? ")" : "",
		        ps[p].actions, ps[p].actions == 1 ? "" : "s");
		if (ps[p].out_of_role)
			fprintf(f, ", %d outside the role", ps[p].out_of_role);
		for (int k = 0; k < 3; k++) {
			int n = 0;
			for (int i = 0; i < scn->checklist.n; i++) {
				if (!part_has(scn, &res[i], &scn->checklist.items[i], &ps[p], (part_kind)k))
					continue;
				if (n++)
					fprintf(f, ", %s", scn->checklist.items[i].id);
				else
					fprintf(f, "; %s: %s", kinds[k], scn->checklist.items[i].id);
			}
		}
		fprintf(f, "\n");
	}
}

static void json_time(scrub_json *j, const char *key, double t)
{
	if (t < 0)
		scrub_json_null(j, key);
	else
		scrub_json_num(j, key, t, 2);
}

void report_write_json(const sim_session *s, const report_timeline *tl, const report_info *info, scrub_buf *out)
{
	const scenario *scn = sim_session_scenario(s);
	const sim_item_result *res = sim_session_items(s);
	sim_score sc;
	sim_session_score(s, &sc);
	scrub_json j;
	scrub_json_init(&j, out, true);
	scrub_json_object_begin(&j, NULL);
	scrub_json_int(&j, "report_format", 1);
	scrub_json_object_begin(&j, "scenario");
	scrub_json_str(&j, "id", scn->id);
	scrub_json_str(&j, "title", scn->title);
	scrub_json_str(&j, "version", scn->version);
	scrub_json_str(&j, "sha256", scn->sha256);
	scrub_json_object_end(&j);
	scrub_json_str(&j, "trainee", info->trainee);
	scrub_json_str(&j, "input", info->input);
	scrub_json_int(&j, "seed", (int64_t)scn->seed);
	scrub_json_num(&j, "dt", scn->dt, 6);
	scrub_json_bool(&j, "complete", info->complete);
	scrub_json_str(&j, "outcome", sim_session_outcome(s));
	int st = sim_session_state(s);
	scrub_json_str(&j, "end_state", st >= 0 ? scn->states[st].name : NULL);
	scrub_json_num(&j, "ended_at_s", sim_session_end_time(s), 2);
	scrub_json_num(&j, "score", sc.score, 1);
	/* a session cut short (a crash) cannot pass: what it would have become is unknown */
	scrub_json_bool(&j, "passed", sc.passed && info->complete);
	scrub_json_object_begin(&j, "pass_rule");
	scrub_json_num(&j, "score", scn->checklist.pass_score, 2);
	scrub_json_bool(&j, "all_critical", scn->checklist.all_critical);
	scrub_json_object_end(&j);
	scrub_json_num(&j, "points_earned", sc.earned, 2);
	scrub_json_num(&j, "points_possible", sc.possible, 2);
	scrub_json_num(&j, "penalties", sc.penalties, 2);
	scrub_json_array_begin(&j, "critical_failures");
	for (int i = 0; i < scn->checklist.n; i++)
		if (scn->checklist.items[i].critical && res[i].status != ITEM_DONE)
			scrub_json_str(&j, NULL, scn->checklist.items[i].id);
	scrub_json_array_end(&j);
	scrub_json_array_begin(&j, "items");
	for (int i = 0; i < scn->checklist.n; i++) {
		const scn_item *it = &scn->checklist.items[i];
		const sim_item_result *r = &res[i];
		scrub_json_object_begin(&j, NULL);
		scrub_json_str(&j, "id", it->id);
		scrub_json_str(&j, "text", it->text);
		scrub_json_str(&j, "kind", it->kind == SCN_ITEM_DO ? "do" : it->kind == SCN_ITEM_FORBID ? "forbid"
		                           : it->kind == SCN_ITEM_CHECK ? "check" : "reach");
		scrub_json_bool(&j, "critical", it->critical);
		scrub_json_str(&j, "status", item_status_name(r->status));
		json_time(&j, "time_s", r->status == ITEM_DONE && it->kind == SCN_ITEM_FORBID ? -1 : r->time);
		scrub_json_num(&j, "points", r->points, 2);
		scrub_json_num(&j, "max_points", it->points, 2);
		if (it->kind == SCN_ITEM_FORBID)
			scrub_json_num(&j, "penalty", r->penalty, 2);
		if (it->repeat)
			scrub_json_int(&j, "repetitions", r->reps);
		if (r->note[0])
			scrub_json_str(&j, "note", r->note);
		if (it->reference)
			scrub_json_str(&j, "ref", it->reference);
		if (it->role >= 0)
			scrub_json_str(&j, "role", scn->roles[it->role].name);
		if (r->by[0])
			scrub_json_str(&j, "by", r->by);
		scrub_json_object_end(&j);
	}
	scrub_json_array_end(&j);
	json_team(&j, s);
	sim_cpr_quality q;
	if (sim_session_cpr_quality(s, &q)) {
		scrub_json_object_begin(&j, "cpr_quality");
		scrub_json_num(&j, "arrest_s", q.arrest_s, 2);
		scrub_json_num(&j, "compressions_s", q.compressions_s, 2);
		scrub_json_num(&j, "compression_fraction_pct", q.fraction, 1);
		scrub_json_num(&j, "rate_in_target_pct", q.rate_ok, 1);
		scrub_json_num(&j, "depth_in_target_pct", q.depth_ok, 1);
		scrub_json_num(&j, "full_recoil_pct", q.recoil_ok, 1);
		scrub_json_num(&j, "longest_pause_s", q.longest_pause_s, 2);
		scrub_json_int(&j, "pauses_over_10s", q.long_pauses);
		scrub_json_num(&j, "etco2_under_10_pct", q.etco2_low, 1);
		scrub_json_object_end(&j);
	}
	scrub_json_array_begin(&j, "timeline");
	for (size_t k = 0; tl && k < tl->n; k++) {
		const sim_event evc = entry_event(&tl->v[k]);
		const sim_event *ev = &evc;
		scrub_json_object_begin(&j, NULL);
		event_json(&j, scn, ev, EVENT_JSON_REPORT);
		scrub_json_object_end(&j);
	}
	scrub_json_array_end(&j);
	scrub_json_object_end(&j);
	scrub_buf_puts(out, "\n");
}

static const char *status_mark(item_status st)
{
	switch (st) {
	case ITEM_DONE: return "ok  ";
	case ITEM_LATE: return "LATE";
	case ITEM_OUT_OF_ORDER: return "ORDR";
	case ITEM_MISSED: return "MISS";
	case ITEM_VIOLATED: return "VIOL";
	default: return "    ";
	}
}

void report_print_summary(const sim_session *s, const report_info *info, FILE *f)
{
	const scenario *scn = sim_session_scenario(s);
	const sim_item_result *res = sim_session_items(s);
	sim_score sc;
	sim_session_score(s, &sc);
	char tb[32];
	fprintf(f, "%s (%s v%s)\n", scn->title, scn->id, scn->version);
	fprintf(f, "Trainee: %s    Input: %s\n", info->trainee ? info->trainee : "-", info->input ? info->input : "-");
	int st = sim_session_state(s);
	fprintf(f, "Outcome: %s at %s (state %s)%s\n", sim_session_outcome(s) ? sim_session_outcome(s) : "-",
	        scrub_format_time(sim_session_end_time(s), tb, sizeof tb), st >= 0 ? scn->states[st].name : "-",
	        info->complete ? "" : "  [record cut short: scored up to its last event]");
	fprintf(f, "\n  %-4s %-9s %-7s %s\n", "", "time", "points", "checklist item");
	for (int i = 0; i < scn->checklist.n; i++) {
		const scn_item *it = &scn->checklist.items[i];
		const sim_item_result *r = &res[i];
		char pts[32];
		if (it->kind == SCN_ITEM_FORBID && r->status == ITEM_VIOLATED && r->penalty > 0)
			snprintf(pts, sizeof pts, "-%g%%", r->penalty);
		else
			snprintf(pts, sizeof pts, "%g/%g", r->points, it->points);
		bool show_time = r->time >= 0 && !(it->kind == SCN_ITEM_FORBID && r->status == ITEM_DONE);
		char reps[32] = "";
		if (it->repeat && r->reps > 0)
			snprintf(reps, sizeof reps, ", done %d time%s", r->reps, r->reps == 1 ? "" : "s");
		fprintf(f, "  %s %-9s %-7s %s%s%s%s%s%s\n", status_mark(r->status),
		        show_time ? scrub_format_time(r->time, tb, sizeof tb) : "-", pts, it->critical ? "[critical] " : "",
		        it->text, it->reference || reps[0] ? " [" : "", it->reference ? it->reference : "", reps,
		        it->reference || reps[0] ? "]" : "");
		if (r->note[0])
			fprintf(f, "  %-4s %-9s %-7s %s %s\n", "", "", "", r->status == ITEM_DONE ? "measured:" : "why:", r->note);
	}
	print_team(s, f);
	sim_cpr_quality q;
	if (sim_session_cpr_quality(s, &q))
		fprintf(f, "\nCPR quality: compression fraction %.0f %%, rate 100-120 /min %.0f %%, depth 5-6 cm %.0f %%, "
		        "full recoil %.0f %%, longest pause %.1f s (%d over 10 s), EtCO2 under 10 mmHg %.0f %% of CPR\n",
		        q.fraction, q.rate_ok, q.depth_ok, q.recoil_ok, q.longest_pause_s, q.long_pauses, q.etco2_low);
	fprintf(f, "\nScore: %.1f / 100 (pass mark %g%s)  ->  %s\n", sc.score, scn->checklist.pass_score,
	        scn->checklist.all_critical ? ", every critical item" : "",
	        !info->complete ? "NOT PASSED (incomplete)" : sc.passed ? "PASSED" : "NOT PASSED");
	if (sc.ncritical_failures) {
		fprintf(f, "Critical items not met:");
		for (int i = 0; i < scn->checklist.n; i++)
			if (scn->checklist.items[i].critical && res[i].status != ITEM_DONE)
				fprintf(f, " %s", scn->checklist.items[i].id);
		fprintf(f, "\n");
	}
}
