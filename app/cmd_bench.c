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
	"  report-html REC `scrub report --html` of a session record: replay and HTML, milliseconds\n"
	"  import          generated sessions into the records store (--store URL --sessions N): sessions/s\n"
	"  serve           scrub serve's cohort and debrief pages on a store (--store URL): server ms\n"
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
	bool help = false;
	cli_opt opts[] = {{"runs", true, &runs_s, NULL}, {"actions", true, &actions_path, NULL}, {"model-run", true, &model_run, NULL}, {0}};
	const char *pos[1];
	int npos;
	if (!cli_parse(argc, argv, opts, pos, 1, &npos, &help, usage_scenario))
		return EXIT_USAGE;
	if (help) {
		fputs(usage_scenario, stdout);
		return EXIT_DONE;
	}
	if (npos != 1) {
		fputs(usage_scenario, stderr);
		return EXIT_USAGE;
	}
	long runs = 7;
	if (runs_s && !cli_whole(runs_s, 1, 1000, &runs)) {
		fprintf(stderr, "scrub bench scenario: --runs is 1..1000\n");
		return EXIT_USAGE;
	}
	scenario *scn = NULL;
	int rc = cli_load_scenario(pos[0], true, &scn);
	if (rc != EXIT_DONE)
		return rc;
	scrub_arena arena;
	scrub_arena_init(&arena);
	const sim_action *acts = NULL;
	int nacts = 0;
	const char *source = NULL;
	rc = cli_trainee_actions(scn, actions_path, model_run, &arena, &acts, &nacts, &source);
	if (rc != EXIT_DONE) {
		scrub_arena_fini(&arena);
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
		sim_run(scn, acts, nacts, &ro, &s);
		wall[i] = scrub_now() - t0;
		sim_s = sim_session_time(s);
		active_s = sim_session_end_time(s);
		steps = sim_session_steps(s);
		sim_session_destroy(&s);
	}
	if (!wall) {
		scrub_arena_fini(&arena);
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
	scrub_json_str(&j, "actions", source);
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
	scrub_arena_fini(&arena);
	scenario_destroy(&scn);
	return EXIT_DONE;
}

int scrub_cmd_bench(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_DONE;
	}
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} benches[] = {
		{"scenario", scrub_cmd_bench_scenario},
		{"tissue", scrub_cmd_bench_tissue},
		{"render", scrub_cmd_bench_render},
		{"xr", scrub_cmd_bench_xr},
		{"validate", scrub_cmd_bench_validate},
		{"report-html", scrub_cmd_bench_report_html},
		{"import", scrub_cmd_bench_import},
		{"serve", scrub_cmd_bench_serve},
	};
	for (size_t i = 0; i < sizeof benches / sizeof benches[0]; i++)
		if (strcmp(argv[1], benches[i].name) == 0)
			return benches[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "scrub bench: unknown bench '%s'\n\n%s", argv[1], usage);
	return EXIT_USAGE;
}
