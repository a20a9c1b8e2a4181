/* scrub run: play a scenario headless (scripted trainee or an action file), write the session
 * record and the report, print the score. */
#define SCRUB_LOG_MODULE "run"
#include "cli.h"
#include "log.h"
#include "record.h"
#include "report.h"
#include "run_xr.h"
#include "script.h"
#include "session.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char usage[] =
	"usage: scrub run [--headless | --xr] SCENARIO [options]\n"
	"\n"
	"Runs a scenario and scores the trainee against its checklist. Without a display (or with\n"
	"--headless) it runs headless: the trainee's actions come from --actions FILE, or else from the\n"
	"scenario's first passing model run (the scripted trainee).\n"
	"\n"
	"options:\n"
	"  --headless          run without a window\n"
	"  --xr                play in an OpenXR headset (see docs/xr.md)\n"
	"  --actions FILE      an action script (one timed action per line; see docs/action-scripts.md)\n"
	"  --model-run NAME    play this model run of the scenario as the trainee\n"
	"  --out DIR           write DIR/session.jsonl and DIR/report.json (default: sessions/ID-TIME)\n"
	"  --trainee ID        who is being scored (default: the model run's name, or 'anonymous')\n"
	"  --speed X           pace the simulation at X times real time (default: as fast as possible)\n"
	"  --force             replace a session record already in --out\n"
	"  --quiet             print only the score line\n";

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
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

typedef struct run_ctx {
	report_timeline timeline;
	sim_record *record;
	double speed;
	double wall0;
	double next_vars;
	double next_waves;
	const scenario *scn;
} run_ctx;

static void on_event(void *user, const sim_event *ev)
{
	run_ctx *c = user;
	report_timeline_on_event(&c->timeline, ev);
	record_event(c->record, ev);
}

static void on_step(void *user, const sim_session *s)
{
	run_ctx *c = user;
	double t = sim_session_time(s);
	if (t >= c->next_vars - 1e-9) {
		record_vars(c->record, t, c->scn, sim_session_vars(s));
		c->next_vars += 5.0;
	}
	if (t >= c->next_waves - 1e-9) {
		/* the monitor's traces at 25 Hz, one line a second, for the debrief */
		record_waves(c->record, t, sim_session_waves(s), 10);
		c->next_waves += 1.0;
	}
	if (c->speed > 0) {
		double due = c->wall0 + t / c->speed;
		double now = cli_now();
		if (due > now) {
			double d = due - now;
			struct timespec ts = {.tv_sec = (time_t)d, .tv_nsec = (long)((d - floor(d)) * 1e9)};
			nanosleep(&ts, NULL);
		}
		record_maybe_flush(c->record);
	}
}

/* Writes `text` to `path` through a temporary file, so a reader never sees half a report. */
static scrub_result write_atomic(const char *path, const char *text, size_t len)
{
	char tmp[4096];
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

/* Shared by run and report: score a session and write the report; returns the exit status. */
int cli_write_report(const sim_session *s, const report_timeline *tl, const report_info *info,
                     const char *report_path, bool quiet);

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
		printf("score %.1f %s\n", sc.score, sc.passed ? "PASSED" : "NOT PASSED");
	} else {
		report_print_summary(s, info, stdout);
		printf("Report: %s\n", report_path);
	}
	return EXIT_DONE;
}

int scrub_cmd_run(int argc, char **argv)
{
	const char *actions_path = NULL, *model_run = NULL, *out_dir = NULL, *trainee = NULL, *speed_s = NULL;
	bool headless = false, xr = false, force = false, quiet = false, help = false;
	cli_opt opts[] = {
		{"headless", false, NULL, &headless},
		{"xr", false, NULL, &xr},
		{"actions", true, &actions_path, NULL},
		{"model-run", true, &model_run, NULL},
		{"out", true, &out_dir, NULL},
		{"trainee", true, &trainee, NULL},
		{"speed", true, &speed_s, NULL},
		{"force", false, NULL, &force},
		{"quiet", false, NULL, &quiet},
		{0},
	};
	const char *pos[1];
	int npos;
	if (!cli_parse(argc, argv, opts, pos, 1, &npos, &help, usage))
		return EXIT_USAGE;
	if (help) {
		fputs(usage, stdout);
		return EXIT_DONE;
	}
	if (npos != 1) {
		fprintf(stderr, "scrub run: which scenario? e.g. scrub run scenarios/bls_aed_adult.yaml\n\n%s", usage);
		return EXIT_USAGE;
	}
	if (actions_path && model_run) {
		fprintf(stderr, "scrub run: give --actions or --model-run, not both\n");
		return EXIT_USAGE;
	}
	double speed = 0;
	if (speed_s) {
		char *end;
		speed = strtod(speed_s, &end);
		if (*end || !(speed > 0) || !isfinite(speed)) {
			fprintf(stderr, "scrub run: --speed needs a positive number, found '%s'\n", speed_s);
			return EXIT_USAGE;
		}
	}
	if (xr) {
		if (headless || actions_path || model_run || speed_s) {
			fprintf(stderr, "scrub run: --xr takes its actions from the headset; it cannot be combined with --headless, --actions, --model-run or --speed\n");
			return EXIT_USAGE;
		}
		run_xr_opts xo = {.scenario_path = pos[0], .out_dir = out_dir, .trainee = trainee, .force = force, .quiet = quiet};
		return scrub_run_xr(&xo, NULL);
	}
	if (!headless)
		fprintf(stderr, "scrub run: this build has no desktop window yet; running headless\n");

	scenario *scn = NULL;
	int rc = cli_load_scenario(pos[0], quiet, &scn);
	if (rc != EXIT_DONE)
		return rc;

	/* the trainee's actions */
	scrub_arena arena;
	scrub_arena_init(&arena);
	const sim_action *acts = NULL;
	int nacts = 0;
	char input[4200];
	const char *who = trainee;
	if (actions_path) {
		char *text = NULL;
		size_t len = 0;
		scrub_result r = scrub_read_file(actions_path, 16u << 20, &text, &len);
		if (r != SCRUB_OK) {
			fprintf(stderr, "scrub run: cannot read %s: %s\n", actions_path, r == SCRUB_ERR_LIMIT ? "larger than 16 MiB" : strerror(errno));
			scenario_destroy(&scn);
			return EXIT_RUNTIME;
		}
		scrub_diags d;
		scrub_diags_init(&d, actions_path, text, len);
		script_loc loc = {.file = NULL, .line = 1, .col = 1};
		sim_action *parsed = NULL;
		r = script_parse(text, len, &loc, &arena, &d, &parsed, &nacts);
		if (r == SCRUB_OK)
			scenario_check_actions(scn, parsed, nacts, NULL, &d);
		if (d.errors) {
			scrub_diags_print(&d, stderr);
			fprintf(stderr, "%s: %d error%s; nothing was run\n", actions_path, d.errors, d.errors == 1 ? "" : "s");
			scrub_diags_fini(&d);
			free(text);
			scrub_arena_fini(&arena);
			scenario_destroy(&scn);
			return EXIT_INVALID;
		}
		scrub_diags_fini(&d);
		free(text);
		acts = parsed;
		snprintf(input, sizeof input, "actions %s", actions_path);
		if (!who)
			who = "anonymous";
	} else {
		int k = -1;
		for (int i = 0; i < scn->nruns; i++) {
			if (model_run ? strcmp(scn->runs[i].name, model_run) == 0 : scn->runs[i].expect_pass) {
				k = i;
				break;
			}
		}
		if (k < 0) {
			if (model_run)
				fprintf(stderr, "scrub run: %s has no model run named '%s'\n", pos[0], model_run);
			else
				fprintf(stderr, "scrub run: %s has no passing model run to play as the scripted trainee; give --actions FILE\n", pos[0]);
			scrub_arena_fini(&arena);
			scenario_destroy(&scn);
			return EXIT_USAGE;
		}
		acts = scn->runs[k].actions;
		nacts = scn->runs[k].nactions;
		snprintf(input, sizeof input, "model run %s", scn->runs[k].name);
		if (!who)
			who = scrub_arena_printf(&arena, "model:%s", scn->runs[k].name);
		if (!quiet)
			fprintf(stderr, "Scripted trainee: model run '%s'\n", scn->runs[k].name);
	}

	char dirbuf[4096];
	if (!out_dir) {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tmv;
		gmtime_r(&now, &tmv);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
		snprintf(dirbuf, sizeof dirbuf, "sessions/%s-%s", scn->id, stamp);
		out_dir = dirbuf;
	}
	if (mkdir_p(out_dir) != 0) {
		fprintf(stderr, "scrub run: cannot create %s: %s\n", out_dir, strerror(errno));
		scrub_arena_fini(&arena);
		scenario_destroy(&scn);
		return EXIT_RUNTIME;
	}
	char rec_path[4200], rep_path[4200];
	snprintf(rec_path, sizeof rec_path, "%s/session.jsonl", out_dir);
	snprintf(rep_path, sizeof rep_path, "%s/report.json", out_dir);

	run_ctx ctx = {.speed = speed, .scn = scn, .wall0 = cli_now(), .next_vars = 5.0, .next_waves = 1.0};
	report_timeline_init(&ctx.timeline);
	record_header hdr = {.scn = scn, .trainee = who, .input = input};
	if (record_create(rec_path, force, &hdr, &ctx.record) != SCRUB_OK) {
		fprintf(stderr, "scrub run: cannot write the session record %s%s\n", rec_path,
		        errno == EEXIST ? ": it already exists (use another --out, or --force)" : "");
		scrub_arena_fini(&arena);
		scenario_destroy(&scn);
		return EXIT_RUNTIME;
	}
	sim_run_opts ro = {.session = {.on_event = on_event, .user = &ctx}, .on_step = on_step, .step_user = &ctx};
	sim_session *s = NULL;
	record_vars(ctx.record, 0, scn, NULL);
	scrub_result r = sim_run(scn, acts, nacts, &ro, &s);
	if (r == SCRUB_OK)
		record_vars(ctx.record, sim_session_time(s), scn, sim_session_vars(s));
	scrub_result rc_close = record_close(&ctx.record);
	if (r != SCRUB_OK || rc_close != SCRUB_OK || ctx.timeline.oom) {
		fprintf(stderr, "scrub run: the session failed: %s\n", scrub_result_str(r != SCRUB_OK ? r : SCRUB_ERR_IO));
		rc = EXIT_RUNTIME;
	} else {
		report_info info = {.trainee = who, .input = input, .complete = true};
		rc = cli_write_report(s, &ctx.timeline, &info, rep_path, quiet);
		if (!quiet)
			printf("Session record: %s\n", rec_path);
	}
	sim_session_destroy(&s);
	report_timeline_fini(&ctx.timeline);
	scrub_arena_fini(&arena);
	scenario_destroy(&scn);
	return rc;
}
