/* scrub run: play a scenario headless (scripted trainee or an action file), write the session
 * record and the report, print the score. */
#define SCRUB_LOG_MODULE "run"
#include "cli.h"
#include "cli_store.h"
#include "log.h"
#include "record.h"
#include "report.h"
#include "run_desktop.h"
#include "run_xr.h"
#include "scene_from_sim.h"
#include "session_out.h"
#include "script.h"
#include "session.h"
#include "host.h"
#include "net_cli.h"

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
	"Runs a scenario and scores the trainee against its checklist. With a display (DISPLAY or\n"
	"WAYLAND_DISPLAY) it opens a window where the trainee acts with the keyboard and mouse (F1 shows\n"
	"the keys; see docs/desktop.md). Without one, with --headless, or with --actions/--model-run it runs\n"
	"headless: the trainee's actions come from --actions FILE, or else from the scenario's first passing\n"
	"model run (the scripted trainee).\n"
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
	"  --store URL         put the session into the records store when it ends (a path, sqlite:PATH or\n"
	"                      postgresql://...; see docs/records-store.md); SCRUB_STORE=URL does the same\n"
	"  --quiet             print only the score line\n"
	"  --screenshot FILE   write what the trainee sees as PNG when the session reaches --at\n"
	"                      (headless: rendered offscreen; in the window: a copy of the window)\n"
	"  --at TIME           simulated time of the screenshot (90, 1:30, 90s) or 'end' (default: end,\n"
	"                      with the results panel); a session that ends earlier is shown at its end\n"
	"  --width N, --height N  screenshot or window size (default 1280 x 720)\n"
	"  --view NAME         the camera: " SCENE_VIEW_NAMES " (default: bed,\n"
	"                      beside the bed; a surgical scenario frames its tissue)\n"
	"  --no-hud            a headless screenshot without HUD, monitor and results: the scene alone\n"
	"  --input-script FILE drive the window from a file of timed key presses and menu picks\n"
	"  --validation        enable the Vulkan validation layer; its messages fail the run\n"
	"  --server URL        at the end, send the record to a school's server (default: $SCRUB_SERVER);\n"
	"                      it waits in the outbox until the server has it (see `scrub upload`)\n"
	"  --token TOKEN       the server's upload token (default: $SCRUB_TOKEN)\n"
	"With SCRUB_LRS set, the session's xAPI statements go to that Learning Record Store (docs/xapi.md).\n"
	"\n"
	"Ctrl-C or SIGTERM ends the session (window, headset or headless): the record is closed, the report\n"
	"written and marked incomplete, and scrub exits with 130 (Ctrl-C) or 143 (SIGTERM).\n"
	"Exit status: 0 done (whatever the score), 1 invalid scenario or action file, 2 bad command line,\n"
	"3 missing device, runtime or file, 128 + N stopped by signal N.\n";

/* The session's record into the records store (--store or SCRUB_STORE), once the session has ended: a record
 * cut short by Ctrl-C goes in as incomplete. Returns the exit status to use. */
static int put_in_store(const char *url, const char *dir, int rc, bool quiet)
{
	if (!url || (rc != EXIT_DONE && !cli_signal_received()))
		return rc;
	char path[4200];
	snprintf(path, sizeof path, "%s/session.jsonl", dir);
	scrub_store *st = NULL;
	int src = cli_store_open(url, &st);
	if (src == EXIT_DONE) {
		store_put_outcome o;
		bool invalid;
		src = cli_store_put_file(st, path, &o, &invalid);
		static const char *const words[] = {"new", "already there", "replaced a shorter copy", "a longer copy kept"};
		if (src == EXIT_DONE && !quiet)
			printf("Records store: %s (%s)\n", url, words[o]);
		store_close(st);
	}
	return rc == EXIT_DONE && src != EXIT_DONE ? EXIT_RUNTIME : rc;
}

/* The screenshot, as a sink of the host: it watches the session step by step. */
typedef struct shot_sink {
	host_sink base;
	run_shot *shot;
} shot_sink;

static void shot_event(host_sink *sink, const sim_event *ev) { run_shot_on_event(((shot_sink *)sink)->shot, ev); }
static void shot_step(host_sink *sink, const sim_session *s) { run_shot_on_step(((shot_sink *)sink)->shot, s); }

int scrub_cmd_run(int argc, char **argv)
{
	const char *actions_path = NULL, *model_run = NULL, *out_dir = NULL, *trainee = NULL, *speed_s = NULL;
	const char *server = getenv("SCRUB_SERVER"), *token = getenv("SCRUB_TOKEN");
	const char *store_url = NULL;
	const char *shot_path = NULL, *at_s = NULL, *width_s = NULL, *height_s = NULL, *input_script = NULL, *view = NULL;
	bool headless = false, xr = false, force = false, quiet = false, validation = false, no_hud = false;
	cli_opt opts[] = {
		{"headless", false, NULL, &headless}, {"xr", false, NULL, &xr}, {"actions", true, &actions_path, NULL},
		{"model-run", true, &model_run, NULL}, {"out", true, &out_dir, NULL}, {"trainee", true, &trainee, NULL},
		{"speed", true, &speed_s, NULL}, {"force", false, NULL, &force}, {"quiet", false, NULL, &quiet},
		{"store", true, &store_url, NULL},
		{"screenshot", true, &shot_path, NULL}, {"at", true, &at_s, NULL}, {"width", true, &width_s, NULL},
		{"height", true, &height_s, NULL}, {"input-script", true, &input_script, NULL},
		{"validation", false, NULL, &validation}, {"view", true, &view, NULL}, {"no-hud", false, NULL, &no_hud},
		{"server", true, &server, NULL}, {"token", true, &token, NULL},
		{0},
	};
	const char *pos[1];
	int npos, st = cli_args(argc, argv, opts, pos, 1, 1, &npos, usage,
	                        "scrub run: which scenario? e.g. scrub run scenarios/bls_aed_adult.yaml");
	if (st != CLI_GO_ON)
		return st;
	if (!store_url && getenv("SCRUB_STORE") && *getenv("SCRUB_STORE"))
		store_url = getenv("SCRUB_STORE");
	net_cli_configure(server, token);
	if (!net_cli_check("run"))
		return EXIT_USAGE;
	if (actions_path && model_run) {
		fprintf(stderr, "scrub run: give --actions or --model-run, not both\n");
		return EXIT_USAGE;
	}
	double speed = 0;
	if (speed_s) {
		if (!cli_real(speed_s, 1e-6, 1e6, &speed)) {
			fprintf(stderr, "scrub run: --speed needs a positive number, found '%s'\n", speed_s);
			return EXIT_USAGE;
		}
	}
	double shot_at = -1; /* end */
	if (at_s && strcmp(at_s, "end") != 0) {
		const char *why = NULL;
		char *end;
		if (!scrub_duration_parse(at_s, strlen(at_s), &shot_at, &why)) {
			shot_at = strtod(at_s, &end);
			if (*end || end == at_s)
				shot_at = -1, why = why ? why : "not a time";
			else
				why = NULL;
		}
		if (why || !(shot_at >= 0) || !isfinite(shot_at)) {
			fprintf(stderr, "scrub run: --at needs a simulated time (90, 1:30, 90s) or 'end', found '%s'\n", at_s);
			return EXIT_USAGE;
		}
	}
	float vdummy[3], vfov;
	if (view && !scene_sim_view(view, vdummy, vdummy, &vfov)) {
		fprintf(stderr, "scrub run: --view is one of %s, found '%s'\n", SCENE_VIEW_NAMES, view);
		return EXIT_USAGE;
	}
	if (at_s && !shot_path) {
		fprintf(stderr, "scrub run: --at goes with --screenshot FILE\n");
		return EXIT_USAGE;
	}
	uint32_t size[2] = {1280, 720};
	const char *size_s[2] = {width_s, height_s};
	for (int i = 0; i < 2; i++) {
		if (!size_s[i])
			continue;
		long v;
		if (!cli_whole(size_s[i], 64, 8192, &v)) {
			fprintf(stderr, "scrub run: --%s needs a number of pixels (64..8192), found '%s'\n", i ? "height" : "width", size_s[i]);
			return EXIT_USAGE;
		}
		size[i] = (uint32_t)v;
	}
	bool want_window = !headless && !actions_path && !model_run;
	if (input_script && !want_window) {
		fprintf(stderr, "scrub run: --input-script drives the window: it goes without --headless, --actions and --model-run\n");
		return EXIT_USAGE;
	}
	if (xr) {
		if (headless || actions_path || model_run || speed_s || shot_path || input_script) {
			fprintf(stderr, "scrub run: --xr takes its actions from the headset; it cannot be combined with --headless, --actions, --model-run, --speed, --screenshot or --input-script\n");
			return EXIT_USAGE;
		}
		if (store_url && !out_dir) {
			fprintf(stderr, "scrub run: --store with --xr needs --out DIR (or scrub import the session folder later)\n");
			return EXIT_USAGE;
		}
		run_xr_opts xo = {.scenario_path = pos[0], .out_dir = out_dir, .trainee = trainee, .force = force, .quiet = quiet};
		return put_in_store(store_url, out_dir, scrub_run_xr(&xo, NULL), quiet);
	}

	if (quiet)
		cli_quiet_log();
	scenario *scn = NULL;
	int rc = cli_load_scenario(pos[0], quiet, &scn);
	if (rc != EXIT_DONE)
		return rc;

	char dirbuf[4096];
	if (!out_dir)
		out_dir = session_out_default_dir(scn, dirbuf, sizeof dirbuf);
	if (want_window) {
		if (!run_desktop_has_display()) {
			fprintf(stderr, "scrub run: no display (DISPLAY and WAYLAND_DISPLAY are unset); running headless with the scripted trainee\n");
		} else {
			run_desktop_opts dopts = {
				.scn = scn, .out_dir = out_dir, .trainee = trainee, .force = force, .quiet = quiet,
				.screenshot = shot_path, .shot_at = shot_at, .input_script = input_script,
				.width = width_s ? size[0] : 0, .height = height_s ? size[1] : 0, .validation = validation,
				.view = view,
			};
			rc = run_desktop(&dopts);
			if (rc != RUN_DESKTOP_UNAVAILABLE) {
				scenario_destroy(&scn);
				return put_in_store(store_url, out_dir, rc, quiet);
			}
			if (input_script) {
				fprintf(stderr, "scrub run: cannot open a window for --input-script\n");
				scenario_destroy(&scn);
				return EXIT_RUNTIME;
			}
			fprintf(stderr, "scrub run: cannot open a window (see above); running headless with the scripted trainee\n");
		}
	}

	/* the trainee's actions */
	cli_trainee tr;
	rc = cli_trainee_actions(scn, actions_path, model_run, &tr);
	if (rc != EXIT_DONE) {
		scenario_destroy(&scn);
		return rc;
	}
	const char *who = trainee;
	if (!who)
		who = actions_path ? "anonymous" : scrub_arena_printf(&tr.arena, "model:%s", tr.label + strlen("model run "));
	if (!actions_path && !quiet)
		fprintf(stderr, "Scripted trainee: %s\n", tr.label);

	run_shot *shot = NULL;
	if (shot_path) {
		scrub_result sr = run_shot_create(scn, shot_path, shot_at, size[0], size[1], view, no_hud, &shot);
		if (sr != SCRUB_OK) {
			fprintf(stderr, "scrub run: cannot render the screenshot: %s (no usable Vulkan device?)\n", scrub_result_str(sr));
			cli_trainee_fini(&tr);
			scenario_destroy(&scn);
			return EXIT_RUNTIME;
		}
	}
	session_out out;
	host *h = NULL;
	if (session_out_open(&out, scn, out_dir, force, who, tr.label) != SCRUB_OK) {
		fprintf(stderr, "scrub run: %s\n", out.error);
		rc = EXIT_RUNTIME;
	} else {
		shot_sink ss = {.base = {.event = shot_event, .step = shot_step}, .shot = shot};
		host_sink *sinks[] = {shot ? &ss.base : NULL, &out.sink};
		host_desc hd = {.scn = scn, .clock = speed > 0 ? HOST_CLOCK_PACED : HOST_CLOCK_FAST, .speed = speed,
		                .sinks = sinks, .nsinks = 2};
		if (host_create(&hd, &h) != SCRUB_OK) {
			fprintf(stderr, "scrub run: cannot start the session (out of memory)\n");
			rc = EXIT_RUNTIME;
		} else {
			host_queue(h, tr.acts, tr.n);
			cli_signals_install(h);
			rc = cli_session_end(h, &out, host_run(h), quiet);
			cli_signals_clear();
		}
	}
	if (rc == EXIT_DONE && shot) {
		scrub_result sr = run_shot_finish(shot, host_session(h));
		if (sr != SCRUB_OK) {
			fprintf(stderr, "scrub run: cannot write the screenshot %s: %s\n", shot_path, scrub_result_str(sr));
			rc = EXIT_RUNTIME;
		} else if (!quiet) {
			printf("Screenshot: %s\n", shot_path);
		}
	}
	session_out_fini(&out);
	if (out.record_path[0])
		rc = put_in_store(store_url, out_dir, rc, quiet);
	run_shot_destroy(&shot);
	host_destroy(&h);
	cli_trainee_fini(&tr);
	scenario_destroy(&scn);
	return cli_exit_after_session(rc);
}
