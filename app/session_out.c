#include "session_out.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define OUT_OF(sinkp) ((session_out *)((char *)(sinkp) - offsetof(session_out, sink)))

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

static void out_event(host_sink *sink, const sim_event *ev)
{
	session_out *o = OUT_OF(sink);
	report_timeline_on_event(&o->timeline, ev);
	if (!(o->drop_end && ev->kind == SIM_EV_END))
		record_event(o->record, ev);
}

static void out_step(host_sink *sink, const sim_session *s)
{
	session_out *o = OUT_OF(sink);
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

static void out_tick(host_sink *sink)
{
	session_out *o = OUT_OF(sink);
	if (o->record)
		record_maybe_flush(o->record);
}

static void out_ending(host_sink *sink, bool complete)
{
	OUT_OF(sink)->drop_end = !complete;
}

static scrub_result out_finish(host_sink *sink, const sim_session *s, bool complete)
{
	session_out *o = OUT_OF(sink);
	o->complete = complete;
	record_vars(o->record, sim_session_time(s), o->scn, sim_session_vars(s));
	scrub_result r = record_close(&o->record);
	if (r == SCRUB_OK && o->timeline.oom)
		r = SCRUB_ERR_NOMEM;
	if (r != SCRUB_OK) {
		o->sink.error = o->error;
		snprintf(o->error, sizeof o->error, "the session record %s could not be completed: %s", o->record_path,
		         scrub_result_str(r));
		return r;
	}
	report_info info = {.trainee = o->trainee, .input = o->input, .complete = complete};
	r = report_write_file(s, &o->timeline, &info, o->report_path);
	if (r != SCRUB_OK) {
		o->sink.error = o->error;
		snprintf(o->error, sizeof o->error, "cannot write %s: %s", o->report_path, strerror(errno));
	}
	return r;
}

scrub_result session_out_open(session_out *o, const scenario *scn, const char *out_dir, bool force,
                              const char *trainee, const char *input)
{
	memset(o, 0, sizeof *o);
	o->sink = (host_sink){.event = out_event, .step = out_step, .tick = out_tick, .ending = out_ending, .finish = out_finish};
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
		snprintf(o->error, sizeof o->error, "cannot create %s: %s", o->dir, strerror(errno));
		return SCRUB_ERR_IO;
	}
	record_header hdr = {.scn = scn, .trainee = trainee, .input = input};
	if (record_create(o->record_path, force, &hdr, &o->record) != SCRUB_OK) {
		bool exists = errno == EEXIST;
		snprintf(o->error, sizeof o->error, "cannot write the session record %s%s", o->record_path,
		         exists ? ": it already exists (use another --out, or --force)" : "");
		errno = exists ? EEXIST : errno;
		return SCRUB_ERR_IO;
	}
	record_vars(o->record, 0, scn, NULL);
	return SCRUB_OK;
}

void session_out_fini(session_out *o)
{
	if (o->record)
		record_close(&o->record);
	report_timeline_fini(&o->timeline);
}

scrub_result write_file_atomic(const char *path, const char *data, size_t len)
{
	char tmp[4300];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	bool ok = f && fwrite(data, 1, len, f) == len;
	if (f)
		ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		int e = errno;
		remove(tmp);
		errno = e;
		return SCRUB_ERR_IO;
	}
	return SCRUB_OK;
}

scrub_result report_write_file(const sim_session *s, const report_timeline *tl, const report_info *info,
                               const char *report_path)
{
	scrub_buf json;
	scrub_buf_init(&json);
	report_write_json(s, tl, info, &json);
	scrub_result r = json.oom ? SCRUB_ERR_NOMEM : write_file_atomic(report_path, json.data ? json.data : "", json.len);
	scrub_buf_fini(&json);
	return r;
}

void report_print(const sim_session *s, const report_info *info, const char *report_path, bool quiet, FILE *f)
{
	if (quiet) {
		sim_score sc;
		sim_session_score(s, &sc);
		fprintf(f, "score %.1f %s\n", sc.score,
		        !info->complete ? "NOT PASSED (incomplete)" : sc.passed ? "PASSED" : "NOT PASSED");
	} else {
		report_print_summary(s, info, f);
		fprintf(f, "Report: %s\n", report_path);
	}
}
