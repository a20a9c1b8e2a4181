/* scrub report: rebuild the report from a session record, even one cut short by a crash; --html writes the
 * debrief (app/debrief). `scrub bench report-html` times both. */
#include "cli.h"
#include "debrief.h"
#include "record.h"
#include "replay.h"
#include "report.h"
#include "session.h"
#include "session_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static const char usage[] =
	"usage: scrub report SESSION.jsonl [--out FILE] [--html FILE] [--quiet]\n"
	"\n"
	"Re-scores a session from its record: the scenario (kept in the record) is replayed with the\n"
	"recorded actions, giving the same report.json as the original run. A record cut short (a crash,\n"
	"kill -9) is scored up to its last readable event and marked incomplete.\n"
	"\n"
	"options:\n"
	"  --out FILE   where to write the report (default: report.json beside the record, unless --html\n"
	"               is given without --out)\n"
	"  --html FILE  write the debrief as one self-contained HTML page (docs/debrief.md): the checklist\n"
	"               with why, the timeline, the vital signs plotted, CPR quality, the monitor replayed\n"
	"  --quiet      print only the score line\n";

/* A record read and replayed: the session as its report scores it. */
typedef struct rebuilt {
	record_data rec;
	scenario *scn;
	sim_session *s;
	report_timeline tl;
	report_info info;
} rebuilt;

static void rebuilt_fini(rebuilt *o)
{
	sim_session_destroy(&o->s);
	report_timeline_fini(&o->tl);
	scenario_destroy(&o->scn);
	record_data_fini(&o->rec);
}

/* Reads and replays the record's text; the diagnostics go to stderr. Returns an exit status. */
static int rebuild(const char *path, const char *text, size_t len, bool quiet, rebuilt *o)
{
	memset(o, 0, sizeof *o);
	report_timeline_init(&o->tl);
	scrub_diags d;
	scrub_diags_init(&d, path, NULL, 0);
	scrub_result r = record_read_text(path, text, len, &o->rec, &d);
	if (r == SCRUB_OK) {
		if (o->rec.torn && !quiet)
			fprintf(stderr, "%s: note: the last line was cut off (the session stopped while writing it) and was ignored\n", path);
		r = record_replay(&o->rec, path, &d, &o->tl, &o->scn, &o->s);
		if (r != SCRUB_OK) /* the scenario's warnings were given when it ran */
			scrub_diags_print(&d, stderr);
		else if (o->tl.oom)
			r = SCRUB_ERR_NOMEM;
	} else {
		scrub_diags_print(&d, stderr);
	}
	scrub_diags_fini(&d);
	o->info = (report_info){.trainee = o->rec.trainee, .input = o->rec.input, .complete = o->rec.complete};
	return r == SCRUB_OK ? EXIT_DONE : r == SCRUB_ERR_INVALID ? EXIT_INVALID : EXIT_RUNTIME;
}

static scrub_result read_record(const char *path, char **text, size_t *len)
{
	scrub_result r = scrub_read_file(path, 256u << 20, text, len);
	if (r != SCRUB_OK)
		fprintf(stderr, "%s: error: cannot read the record: %s\n", path, r == SCRUB_ERR_LIMIT ? "larger than 256 MiB" : strerror(errno));
	return r;
}

int scrub_cmd_report(int argc, char **argv)
{
	const char *out = NULL, *html = NULL;
	bool quiet = false;
	cli_opt opts[] = {{"out", true, &out, NULL}, {"html", true, &html, NULL}, {"quiet", false, NULL, &quiet}, {0}};
	const char *pos[1];
	int npos, st = cli_args(argc, argv, opts, pos, 1, 1, &npos, usage,
	                        "scrub report: which session record? e.g. scrub report sessions/x/session.jsonl");
	if (st != CLI_GO_ON)
		return st;
	char *text = NULL;
	size_t len = 0;
	scrub_result rr = read_record(pos[0], &text, &len);
	if (rr != SCRUB_OK)
		return rr == SCRUB_ERR_LIMIT ? EXIT_INVALID : EXIT_RUNTIME;
	rebuilt rb;
	int rc = rebuild(pos[0], text, len, quiet, &rb);
	scrub_buf json, page;
	scrub_buf_init(&json);
	scrub_buf_init(&page);
	if (rc == EXIT_DONE) {
		report_write_json(rb.s, &rb.tl, &rb.info, &json);
		char path[4200];
		if (!out && !html) {
			const char *slash = strrchr(pos[0], '/');
			if (slash)
				snprintf(path, sizeof path, "%.*s/report.json", (int)(slash - pos[0]), pos[0]);
			else
				snprintf(path, sizeof path, "report.json");
			out = path;
		}
		char err[256];
		scrub_result r = json.oom ? SCRUB_ERR_NOMEM : SCRUB_OK;
		if (r == SCRUB_OK && out && (r = write_file_atomic(out, json.data, json.len)) != SCRUB_OK)
			fprintf(stderr, "scrub report: cannot write %s: %s\n", out, strerror(errno));
		if (r == SCRUB_OK && html) {
			debrief_desc dd = {.record = text, .record_len = len, .report = json.data, .report_len = json.len};
			r = debrief_html(&dd, &page, err, sizeof err);
			if (r != SCRUB_OK)
				fprintf(stderr, "scrub report: cannot make the debrief: %s\n", r == SCRUB_ERR_NOMEM ? "out of memory" : err);
			else if ((r = write_file_atomic(html, page.data, page.len)) != SCRUB_OK)
				fprintf(stderr, "scrub report: cannot write %s: %s\n", html, strerror(errno));
		}
		if (r == SCRUB_OK) {
			if (out || quiet)
				report_print(rb.s, &rb.info, out, quiet, stdout); /* quiet: the score line alone */
			else
				report_print_summary(rb.s, &rb.info, stdout);
			if (html && !quiet)
				printf("Debrief: %s\n", html);
		}
		rc = r == SCRUB_OK ? EXIT_DONE : EXIT_RUNTIME;
	}
	scrub_buf_fini(&page);
	scrub_buf_fini(&json);
	rebuilt_fini(&rb);
	free(text);
	return rc;
}

/* ---- scrub bench report-html ---- */

/* the process's CPU time: on a shared machine it says what the work costs, whatever else runs */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char usage_bench[] =
	"usage: scrub bench report-html SESSION.jsonl [--runs N]\n"
	"\n"
	"Times `scrub report --html` without the files: reading and replaying the record into report.json's\n"
	"text (replay), and making the debrief's HTML from the record and that report (html), N times\n"
	"(default 5). Prints one JSON line with the medians in milliseconds, of wall-clock time and of the\n"
	"process's CPU time (_cpu_: what the work costs on a machine busy with other work).\n";

int scrub_cmd_bench_report_html(int argc, char **argv)
{
	const char *runs_s = NULL;
	cli_opt opts[] = {{"runs", true, &runs_s, NULL}, {0}};
	const char *pos[1];
	int npos;
	int go = cli_args(argc, argv, opts, pos, 0, 1, &npos, usage_bench, NULL);
	if (go != CLI_GO_ON)
		return go;
	long runs = 5;
	if (npos != 1 || (runs_s && !cli_whole(runs_s, 1, 1000, &runs))) {
		fputs(usage_bench, stderr);
		return EXIT_USAGE;
	}
	char *text = NULL;
	size_t len = 0;
	scrub_result rr = read_record(pos[0], &text, &len);
	if (rr != SCRUB_OK)
		return rr == SCRUB_ERR_LIMIT ? EXIT_INVALID : EXIT_RUNTIME;
	double *replay = calloc((size_t)runs * 4, sizeof *replay), *make = replay ? replay + runs : NULL;
	double *replay_cpu = replay ? replay + 2 * runs : NULL, *make_cpu = replay ? replay + 3 * runs : NULL;
	size_t html_bytes = 0;
	double session_s = 0;
	int rc = replay ? EXIT_DONE : EXIT_RUNTIME;
	for (long i = 0; i < runs && rc == EXIT_DONE; i++) {
		double t0 = scrub_now(), c0 = cpu_now();
		rebuilt rb;
		rc = rebuild(pos[0], text, len, true, &rb);
		scrub_buf json, page;
		scrub_buf_init(&json);
		scrub_buf_init(&page);
		if (rc == EXIT_DONE) {
			report_write_json(rb.s, &rb.tl, &rb.info, &json);
			double t1 = scrub_now(), c1 = cpu_now();
			char err[256];
			debrief_desc dd = {.record = text, .record_len = len, .report = json.data, .report_len = json.len};
			if (json.oom || debrief_html(&dd, &page, err, sizeof err) != SCRUB_OK) {
				fprintf(stderr, "scrub bench report-html: cannot make the debrief: %s\n", json.oom ? "out of memory" : err);
				rc = EXIT_RUNTIME;
			}
			replay[i] = t1 - t0;
			make[i] = scrub_now() - t1;
			replay_cpu[i] = c1 - c0;
			make_cpu[i] = cpu_now() - c1;
			html_bytes = page.len;
			session_s = sim_session_time(rb.s);
		}
		scrub_buf_fini(&page);
		scrub_buf_fini(&json);
		rebuilt_fini(&rb);
	}
	if (rc == EXIT_DONE) {
		double rep = cli_percentile(replay, (size_t)runs, 0.5), mk = cli_percentile(make, (size_t)runs, 0.5);
		double rep_cpu = cli_percentile(replay_cpu, (size_t)runs, 0.5), mk_cpu = cli_percentile(make_cpu, (size_t)runs, 0.5);
		scrub_buf b;
		scrub_buf_init(&b);
		scrub_json j;
		scrub_json_init(&j, &b, false);
		scrub_json_object_begin(&j, NULL);
		scrub_json_str(&j, "bench", "report-html");
		scrub_json_str(&j, "record", pos[0]);
		scrub_json_int(&j, "record_bytes", (int64_t)len);
		scrub_json_num(&j, "session_s", session_s, 2);
		scrub_json_int(&j, "runs", runs);
		scrub_json_num(&j, "replay_ms_median", rep * 1e3, 2);
		scrub_json_num(&j, "html_ms_median", mk * 1e3, 2);
		scrub_json_num(&j, "html_ms_min", make[0] * 1e3, 2);
		scrub_json_num(&j, "replay_cpu_ms_median", rep_cpu * 1e3, 2);
		scrub_json_num(&j, "html_cpu_ms_median", mk_cpu * 1e3, 2);
		scrub_json_int(&j, "html_bytes", (int64_t)html_bytes);
		scrub_json_object_end(&j);
		printf("%s\n", b.data);
		scrub_buf_fini(&b);
	}
	free(replay);
	free(text);
	return rc;
}
