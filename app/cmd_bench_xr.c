/* scrub bench xr: CPU time per stereo frame of the simulation and the session record in XR mode. */
#include "cmd_bench_xr.h"

#include "cli.h"
#include "run_xr.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: scrub bench xr [SCENARIO] [--frames N] [--runs N] [--scale S]\n"
	"\n"
	"Plays SCENARIO (default: the bundled bls_aed_adult.yaml) in XR mode for N frames (default 300), performing\n"
	"its first passing model run at its times, R times (default 5), and prints one JSON line:\n"
	"  cpu_ms_median, cpu_ms_p99  CPU time per stereo frame spent in the simulation and the session record\n"
	"                             (stepping to the frame's display time, input to actions, recording); the\n"
	"                             median over the runs of each run's median and 99th percentile\n"
	"  scene_ms_median, scene_ms_p99  CPU time per rendered frame building the scene and the panel (the body's\n"
	"                             signs, the instances, the HUD), rendering excluded; medians over the runs\n"
	"  fps                        frames per wall-clock second, rendering included (median over the runs)\n"
	"The runtime is the active one; without XR_RUNTIME_JSON, the simulated runtime built beside scrub\n"
	"(build/simxr.json), unpaced (SIMXR_PACE=0) so that the figures are not capped by the display rate.\n"
	"--scale S renders S times the runtime's recommended eye size (default 1).\n";

int scrub_cmd_bench_xr(int argc, char **argv)
{
	const char *frames_s = NULL, *runs_s = NULL, *scale_s = NULL;
	cli_opt opts[] = {{"frames", true, &frames_s, NULL}, {"runs", true, &runs_s, NULL}, {"scale", true, &scale_s, NULL},
	                  {0}};
	const char *pos[1];
	int npos, st = cli_args(argc, argv, opts, pos, 0, 1, &npos, usage, NULL);
	if (st != CLI_GO_ON)
		return st;
	long frames = 300, runs = 5;
	double scale = 1.0;
	if ((frames_s && !cli_whole(frames_s, 10, 1000000, &frames)) || (runs_s && !cli_whole(runs_s, 1, 100, &runs)) ||
	    (scale_s && !cli_real(scale_s, 0.01, 2, &scale))) {
		fprintf(stderr, "scrub bench xr: --frames 10..1000000, --runs 1..100, --scale 0.01..2\n");
		return EXIT_USAGE;
	}
	char scen[PATH_MAX + 64];
	if (npos)
		snprintf(scen, sizeof scen, "%s", pos[0]);
	else
		snprintf(scen, sizeof scen, "%s/bls_aed_adult.yaml", cli_scenario_dir());

	/* the simulated runtime beside the executable, unpaced, unless a runtime was chosen */
	char exe[PATH_MAX];
	if (!getenv("XR_RUNTIME_JSON") && cli_exe_dir(exe, sizeof exe)) {
		char json[PATH_MAX + 16];
		snprintf(json, sizeof json, "%s/simxr.json", exe);
		if (access(json, R_OK) == 0) {
			setenv("XR_RUNTIME_JSON", json, 1);
			if (!getenv("SIMXR_PACE"))
				setenv("SIMXR_PACE", "0", 1);
		}
	}
	char tmpl[] = "/tmp/scrub-bench-xr-XXXXXX";
	if (!mkdtemp(tmpl)) {
		perror("scrub bench xr: mkdtemp");
		return EXIT_RUNTIME;
	}
	double *cpu = calloc((size_t)frames, sizeof *cpu);
	double *med = calloc((size_t)runs, sizeof *med), *p99 = calloc((size_t)runs, sizeof *p99);
	double *fps = calloc((size_t)runs, sizeof *fps);
	double *scene = calloc((size_t)frames, sizeof *scene);
	double *smed = calloc((size_t)runs, sizeof *smed), *sp99 = calloc((size_t)runs, sizeof *sp99);
	int rc = EXIT_DONE;
	run_xr_result res = {0};
	uint32_t timed = 0;
	bool mem = cpu && med && p99 && fps && scene && smed && sp99;
	for (long i = 0; i < runs && mem; i++) {
		run_xr_opts o = {.scenario_path = scen, .out_dir = tmpl, .force = true, .quiet = true, .bench = true,
		                 .eye_scale = (float)scale, .max_frames = (uint64_t)frames, .frame_cpu_ms = cpu,
		                 .frame_cpu_cap = (size_t)frames, .frame_scene_ms = scene};
		rc = scrub_run_xr(&o, &res);
		if (rc != EXIT_DONE)
			break;
		med[i] = cli_percentile(cpu, res.frames_timed, 0.5);
		p99[i] = cli_percentile(cpu, res.frames_timed, 0.99);
		smed[i] = cli_percentile(scene, res.scenes_timed, 0.5);
		sp99[i] = cli_percentile(scene, res.scenes_timed, 0.99);
		fps[i] = res.wall_s > 0 ? (double)(res.frames > 1 ? res.frames - 1 : 0) / res.wall_s : 0;
		timed = (uint32_t)res.frames_timed;
		fprintf(stderr, "run %ld: %llu frames (%u timed), cpu median %.4f ms, p99 %.4f ms, scene median %.4f ms, %.1f fps\n",
		        i + 1, (unsigned long long)res.frames, timed, med[i], p99[i], smed[i], fps[i]);
	}
	char path[sizeof tmpl + 32];
	snprintf(path, sizeof path, "%s/session.jsonl", tmpl);
	remove(path);
	rmdir(tmpl);
	if (rc == EXIT_DONE && mem)
		printf("{\"bench\":\"xr\",\"runtime\":\"%s\",\"runs\":%ld,\"frames\":%ld,\"frames_timed\":%u,"
		       "\"cpu_ms_median\":%.5f,\"cpu_ms_p99\":%.5f,\"scene_ms_median\":%.5f,\"scene_ms_p99\":%.5f,"
		       "\"fps\":%.1f,\"eye_scale\":%.2f}\n",
		       res.runtime, runs, frames, timed, cli_percentile(med, (size_t)runs, 0.5), cli_percentile(p99, (size_t)runs, 0.5),
		       cli_percentile(smed, (size_t)runs, 0.5), cli_percentile(sp99, (size_t)runs, 0.5),
		       cli_percentile(fps, (size_t)runs, 0.5), scale);
	else if (rc == EXIT_DONE)
		rc = EXIT_RUNTIME;
	free(cpu);
	free(med);
	free(p99);
	free(fps);
	free(scene);
	free(smed);
	free(sp99);
	return rc;
}
