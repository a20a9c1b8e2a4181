#include "session_out.h"
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int mkdir_p(const char *path)
{
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

const char *session_out_default_dir(const scenario *scn, char *buf, size_t size)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tmv;
	gmtime_r(&now, &tmv);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
	snprintf(buf, size, "sessions/%s-%s", scn->id, stamp);
	return buf;
}

int session_out_open(session_out *o, const scenario *scn, const char *out_dir, bool force, const char *trainee,
                     const char *input)
{
	memset(o, 0, sizeof *o);
	o->scn = scn;
	o->trainee = trainee;
	o->input = input;
	o->next_vars = 5.0;
	o->next_waves = 1.0;
	report_timeline_init(&o->timeline);
	if (out_dir)
		snprintf(o->dir, sizeof o->dir, "%s", out_dir);
	else
		session_out_default_dir(scn, o->dir, sizeof o->dir);
	snprintf(o->record_path, sizeof o->record_path, "%s/session.jsonl", o->dir);
	snprintf(o->report_path, sizeof o->report_path, "%s/report.json", o->dir);
	if (mkdir_p(o->dir) != 0) {
		fprintf(stderr, "scrub run: cannot create %s: %s\n", o->dir, strerror(errno));
		return EXIT_RUNTIME;
	}
	record_header hdr = {.scn = scn, .trainee = trainee, .input = input};
	if (record_create(o->record_path, force, &hdr, &o->record) != SCRUB_OK) {
		fprintf(stderr, "scrub run: cannot write the session record %s%s\n", o->record_path,
		        errno == EEXIST ? ": it already exists (use another --out, or --force)" : "");
		return EXIT_RUNTIME;
	}
	record_vars(o->record, 0, scn, NULL);
	return EXIT_DONE;
}

void session_out_on_event(void *user, const sim_event *ev)
{
	session_out *o = user;
	report_timeline_on_event(&o->timeline, ev);
	if (!(o->drop_end && ev->kind == SIM_EV_END))
		record_event(o->record, ev);
}

void session_out_after_step(session_out *o, const sim_session *s)
{
	double t = sim_session_time(s);
	if (t >= o->next_vars - 1e-9) {
		record_vars(o->record, t, o->scn, sim_session_vars(s));
		o->next_vars += 5.0;
	}
	if (t >= o->next_waves - 1e-9) {
		/* the monitor's traces at 25 Hz, one line a second, for the debrief */
		record_waves(o->record, t, sim_session_waves(s), 10);
		o->next_waves += 1.0;
	}
	record_maybe_flush(o->record);
}

int session_out_finish(session_out *o, sim_session *s, bool complete, bool quiet)
{
	if (!complete)
		o->drop_end = true;
	sim_session_finish(s, complete ? NULL : "incomplete");
	record_vars(o->record, sim_session_time(s), o->scn, sim_session_vars(s));
	scrub_result rc_close = record_close(&o->record);
	if (rc_close != SCRUB_OK || o->timeline.oom) {
		fprintf(stderr, "scrub run: the session record %s could not be completed: %s\n", o->record_path,
		        scrub_result_str(rc_close != SCRUB_OK ? rc_close : SCRUB_ERR_NOMEM));
		return EXIT_RUNTIME;
	}
	report_info info = {.trainee = o->trainee, .input = o->input, .complete = complete};
	int rc = cli_write_report(s, &o->timeline, &info, o->report_path, quiet);
	if (rc == EXIT_DONE && !quiet)
		printf("Session record: %s\n", o->record_path);
	return rc;
}

void session_out_fini(session_out *o)
{
	if (o->record)
		record_close(&o->record);
	report_timeline_fini(&o->timeline);
}

/* Writes `text` to `path` through a temporary file, so a reader never sees half a report. */
static scrub_result write_atomic(const char *path, const char *text, size_t len)
{
	char tmp[4300];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return SCRUB_ERR_IO;
	bool ok = fwrite(text, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		remove(tmp);
		return SCRUB_ERR_IO;
	}
	return SCRUB_OK;
}

int cli_write_report(const sim_session *s, const report_timeline *tl, const report_info *info,
                     const char *report_path, bool quiet)
{
	scrub_buf json;
	scrub_buf_init(&json);
	report_write_json(s, tl, info, &json);
	if (json.oom || write_atomic(report_path, json.data, json.len) != SCRUB_OK) {
		fprintf(stderr, "scrub: cannot write %s: %s\n", report_path, strerror(errno));
		scrub_buf_fini(&json);
		return EXIT_RUNTIME;
	}
	scrub_buf_fini(&json);
	if (quiet) {
		sim_score sc;
		sim_session_score(s, &sc);
		printf("score %.1f %s\n", sc.score, !info->complete ? "NOT PASSED (incomplete)" : sc.passed ? "PASSED" : "NOT PASSED");
	} else {
		report_print_summary(s, info, stdout);
		printf("Report: %s\n", report_path);
	}
	return EXIT_DONE;
}
