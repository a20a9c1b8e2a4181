/* scrub report: rebuild the report from a session record, even one cut short by a crash. */
#include "cli.h"
#include "record.h"
#include "replay.h"
#include "report.h"
#include "session.h"
#include "session_out.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>


static const char usage[] =
	"usage: scrub report SESSION.jsonl [--out FILE] [--quiet]\n"
	"\n"
	"Re-scores a session from its record: the scenario (kept in the record) is replayed with the\n"
	"recorded actions, giving the same report.json as the original run. A record cut short (a crash,\n"
	"kill -9) is scored up to its last readable event and marked incomplete.\n"
	"\n"
	"options:\n"
	"  --out FILE   where to write the report (default: report.json beside the record)\n"
	"  --quiet      print only the score line\n";

int scrub_cmd_report(int argc, char **argv)
{
	const char *out = NULL;
	bool quiet = false;
	cli_opt opts[] = {{"out", true, &out, NULL}, {"quiet", false, NULL, &quiet}, {0}};
	const char *pos[1];
	int npos, st = cli_args(argc, argv, opts, pos, 1, 1, &npos, usage,
	                        "scrub report: which session record? e.g. scrub report sessions/x/session.jsonl");
	if (st != CLI_GO_ON)
		return st;
	scrub_diags d;
	scrub_diags_init(&d, pos[0], NULL, 0);
	record_data rec;
	scrub_result r = record_read(pos[0], &rec, &d);
	if (r != SCRUB_OK) {
		scrub_diags_print(&d, stderr);
		scrub_diags_fini(&d);
		record_data_fini(&rec);
		return cli_exit_for(r);
	}
	if (rec.torn && !quiet)
		fprintf(stderr, "%s: note: the last line was cut off (the session stopped while writing it) and was ignored\n", pos[0]);
	scenario *scn = NULL;
	report_timeline tl;
	report_timeline_init(&tl);
	sim_session *s = NULL;
	r = record_replay(&rec, pos[0], &d, &tl, &scn, &s);
	if (r != SCRUB_OK) /* the scenario's warnings were given when it ran */
		scrub_diags_print(&d, stderr);
	scrub_diags_fini(&d);
	int rc = r == SCRUB_ERR_INVALID ? EXIT_INVALID : EXIT_RUNTIME;
	if (r == SCRUB_OK && !tl.oom) {
		char path[4200];
		if (!out) {
			const char *slash = strrchr(pos[0], '/');
			if (slash)
				snprintf(path, sizeof path, "%.*s/report.json", (int)(slash - pos[0]), pos[0]);
			else
				snprintf(path, sizeof path, "report.json");
			out = path;
		}
		report_info info = {.trainee = rec.trainee, .input = rec.input, .complete = rec.complete};
		if (report_write_file(s, &tl, &info, out) != SCRUB_OK) {
			fprintf(stderr, "scrub report: cannot write %s: %s\n", out, strerror(errno));
		} else {
			report_print(s, &info, out, quiet, stdout);
			rc = EXIT_DONE;
		}
	}
	sim_session_destroy(&s);
	report_timeline_fini(&tl);
	scenario_destroy(&scn);
	record_data_fini(&rec);
	return rc;
}
