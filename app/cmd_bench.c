/* scrub bench: performance figures, each ending with one JSON line. */
#include "cli.h"
#include "cmd_bench_render.h"
#include "cmd_bench_xr.h"
#include "json.h"
#include "script.h"
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: scrub bench <what> [options]\n"
	"\n"
	"  scenario FILE   replay a scenario headless for its full duration and report realtime_factor\n"
	"  tissue          step a soft-tissue block with an incision in progress (--tets N)\n"
	"  render          render the suture scene offscreen (--width 1280 --height 720)\n"
	"  xr              XR mode on the active OpenXR runtime (default: simxr, unpaced): CPU ms per frame\n"
	"  validate FILE.. `scrub validate` of each file, model runs included: seconds per file\n"
	"\n"
	"Each bench prints one JSON line with its figures (medians of several runs).\n";

static const char usage_scenario[] =
	"usage: scrub bench scenario FILE [--runs N] [--actions FILE | --model-run NAME]\n"
	"\n"
	"Replays the scenario with the given actions (default: its first passing model run) for the\n"
	"scenario's full duration - the simulation keeps stepping after an end state - N times (default 7),\n"
	"and prints {\"realtime_factor\": simulated seconds per wall-clock second, median of the runs, ...}.\n";

int scrub_cmd_bench_scenario(int argc, char **argv)
{
	const char *runs_s = NULL, *actions_path = NULL, *model_run = NULL;
	cli_opt opts[] = {{"runs", true, &runs_s, NULL}, {"actions", true, &actions_path, NULL}, {"model-run", true, &model_run, NULL}, {0}};
	const char *pos[1];
	int npos, st = cli_args(argc, argv, opts, pos, 1, 1, &npos, usage_scenario, NULL);
	if (st != CLI_GO_ON)
		return st;
	long runs = 7;
	if (runs_s && !cli_whole(runs_s, 1, 1000, &runs)) {
		fprintf(stderr, "scrub bench scenario: --runs is 1..1000\n");
		return EXIT_USAGE;
	}
	scenario *scn = NULL;
	int rc = cli_load_scenario(pos[0], true, &scn);
	if (rc != EXIT_DONE)
		return rc;
	cli_trainee tr;
	rc = cli_trainee_actions(scn, actions_path, model_run, &tr);
	if (rc != EXIT_DONE) {
		scenario_destroy(&scn);
		return rc;
	}
	double *wall = calloc((size_t)runs, sizeof *wall);
	double sim_s = 0, active_s = 0;
	uint64_t steps = 0;
	sim_run_opts ro = {.past_end = true};
	for (int i = 0; i < runs && wall; i++) {
		sim_session *s = NULL;
		double t0 = scrub_now();
		sim_run(scn, tr.acts, tr.n, &ro, &s);
		wall[i] = scrub_now() - t0;
		sim_s = sim_session_time(s);
		active_s = sim_session_end_time(s);
		steps = sim_session_steps(s);
		sim_session_destroy(&s);
	}
	if (!wall) {
		cli_trainee_fini(&tr);
		scenario_destroy(&scn);
		return EXIT_RUNTIME;
	}
	double med = cli_percentile(wall, (size_t)runs, 0.5); /* sorts: wall[0] is the fastest */
	scrub_buf b;
	scrub_buf_init(&b);
	scrub_json j;
	scrub_json_init(&j, &b, false);
	scrub_json_object_begin(&j, NULL);
	scrub_json_str(&j, "bench", "scenario");
	scrub_json_str(&j, "scenario", scn->id);
	scrub_json_str(&j, "actions", tr.label);
	scrub_json_int(&j, "runs", runs);
	scrub_json_num(&j, "sim_s", sim_s, 2);
	scrub_json_num(&j, "scenario_ended_at_s", active_s, 2);
	scrub_json_int(&j, "steps", (int64_t)steps);
	scrub_json_num(&j, "wall_s_median", med, 6);
	scrub_json_num(&j, "wall_s_min", wall[0], 6);
	scrub_json_num(&j, "step_us_median", steps ? med / (double)steps * 1e6 : 0, 4);
	scrub_json_num(&j, "realtime_factor", med > 0 ? sim_s / med : 0, 0);
	scrub_json_object_end(&j);
	printf("%s\n", b.data);
	scrub_buf_fini(&b);
	free(wall);
	cli_trainee_fini(&tr);
	scenario_destroy(&scn);
	return EXIT_DONE;
}

int scrub_cmd_bench(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_DONE;
	}
	static const cli_cmd benches[] = {
		{"scenario", scrub_cmd_bench_scenario},
		{"tissue", scrub_cmd_bench_tissue},
		{"render", scrub_cmd_bench_render},
		{"xr", scrub_cmd_bench_xr},
		{"validate", scrub_cmd_bench_validate},
	};
	return cli_dispatch(benches, sizeof benches / sizeof benches[0], argc, argv, "scrub bench: unknown bench", usage);
}
