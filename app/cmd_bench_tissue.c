/* scrub bench tissue: steps a layered block with a scalpel cutting and forceps pressing, and
 * ends with one JSON line of medians over the runs. */
#define SCRUB_LOG_MODULE "bench"
#include "cli.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "log.h"
#include "result.h"
#include "tissue.h"

int scrub_cmd_bench_tissue(int argc, char **argv);

static const char usage[] =
	"usage: scrub bench tissue [--tets N] [--steps S] [--runs R] [--warmup W]\n"
	"  Steps a skin/fat/muscle block of about N tetrahedra (default 20000) at 1 kHz with a\n"
	"  scalpel cutting and forceps pressing on it; R runs (default 5, at least 5) of S steps\n"
	"  (default 1000) after W warm-up steps (default 300). Prints one JSON line: tets,\n"
	"  step_ms_median (median over runs of each run's median step), steps_per_s,\n"
	"  peak_rss_mb.\n";

static scrub_hand_input pose_at(float x, float y, float z)
{
	scrub_hand_input in;
	memset(&in, 0, sizeof in);
	in.pose.pos[0] = x;
	in.pose.pos[1] = y;
	in.pose.pos[2] = z;
	in.pose.rot[3] = 1;
	return in;
}

int scrub_cmd_bench_tissue(int argc, char **argv)
{
	const char *vals[4] = {NULL, NULL, NULL, NULL};
	cli_opt opts[] = {{"tets", true, &vals[0], NULL}, {"steps", true, &vals[1], NULL}, {"runs", true, &vals[2], NULL},
	                  {"warmup", true, &vals[3], NULL}, {0}};
	int npos, done = cli_args(argc, argv, opts, NULL, 0, 0, &npos, usage, NULL);
	if (done != CLI_GO_ON)
		return done;
	long tets = 20000, steps = 1000, runs = 5, warmup = 300;
	long *dst[4] = {&tets, &steps, &runs, &warmup};
	static const long range[4][2] = {{100, 1000000}, {10, 1000000}, {5, 1000}, {0, 1000000}};
	for (int k = 0; k < 4; k++)
		if (vals[k] && !cli_whole(vals[k], range[k][0], range[k][1], dst[k])) {
			fprintf(stderr, "bench tissue: --%s wants an integer in [%ld, %ld], got '%s'\n", opts[k].name, range[k][0],
			        range[k][1], vals[k]);
			return 1;
		}

	scrub_tissue_desc desc;
	memset(&desc, 0, sizeof desc);
	desc.target_tets = (int)tets;
	scrub_tissue_desc_defaults(&desc);
	scrub_tissue *t = NULL;
	scrub_result r = scrub_tissue_create(&desc, &t);
	if (r != SCRUB_OK) {
		fprintf(stderr, "bench tissue: cannot create the tissue: %s\n", scrub_result_str(r));
		return r == SCRUB_ERR_NOMEM ? 3 : 1;
	}
	scrub_tissue_set_instrument(t, 0, SCRUB_INSTR_SCALPEL);
	scrub_tissue_set_instrument(t, 1, SCRUB_INSTR_FORCEPS);
	const float y_cut = desc.size_y * 0.5f, depth = 0.004f;
	const float x0 = desc.size_x * 0.15f, speed = 0.01f; /* 10 mm/s along x */
	const long total = warmup + steps * runs;
	double *ms = malloc(sizeof(double) * (size_t)steps);
	double *medians = malloc(sizeof(double) * (size_t)runs);
	if (!ms || !medians) {
		free(ms);
		free(medians);
		scrub_tissue_destroy(&t);
		return 3;
	}
	/* the blade enters at x0 and cuts along x; the forceps press 3 mm into the skin beside it */
	long s = 0;
	int contact_steps = 0;
	for (long run = -1; run < runs; run++) {
		const long n = run < 0 ? warmup : steps;
		for (long i = 0; i < n; i++, s++) {
			const float tt = (float)s * desc.dt;
			const float z = tt < 0.1f ? -depth * tt / 0.1f : -depth;
			scrub_hand_input blade = pose_at(x0 + speed * tt, y_cut, z);
			const float zf = tt < 0.2f ? 0.005f - 0.008f * tt / 0.2f : -0.003f;
			scrub_hand_input forceps = pose_at(desc.size_x * 0.5f, desc.size_y * 0.25f, zf);
			scrub_tissue_set_hand(t, 0, &blade);
			scrub_tissue_set_hand(t, 1, &forceps);
			const double t0 = (scrub_now() * 1e3);
			r = scrub_tissue_step(t);
			const double t1 = (scrub_now() * 1e3);
			if (r != SCRUB_OK) {
				fprintf(stderr, "bench tissue: step failed: %s\n", scrub_result_str(r));
				free(ms);
				free(medians);
				scrub_tissue_destroy(&t);
				return 3;
			}
			if (run >= 0) {
				ms[i] = t1 - t0;
				scrub_hand_state hs;
				scrub_tissue_hand_state(t, 1, &hs);
				contact_steps += hs.contact_nodes > 0;
			}
		}
		if (run >= 0) {
			medians[run] = cli_percentile(ms, (size_t)steps, 0.5);
		}
	}
	(void)total;
	const double med = cli_percentile(medians, (size_t)runs, 0.5);
	scrub_tissue_stats st;
	scrub_tissue_get_stats(t, &st);
	scrub_tissue_incision inc;
	scrub_tissue_get_incision(t, &inc);
	const bool ok = scrub_tissue_state_ok(t);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"bench\":\"tissue\",\"tets\":%d,\"nodes\":%d,\"links\":%d,\"runs\":%ld,\"steps_per_run\":%ld,"
	       "\"step_ms_median\":%.4f,\"step_ms_min_run\":%.4f,\"step_ms_max_run\":%.4f,\"steps_per_s\":%.0f,"
	       "\"peak_rss_mb\":%.1f,\"cut_faces\":%d,\"split_nodes\":%d,\"incision_mm\":%.1f,"
	       "\"contact_step_fraction\":%.2f,\"state_ok\":%s}\n",
	       st.tets, st.nodes, st.links, runs, steps, med, medians[0], medians[runs - 1], 1000.0 / med,
	       ru.ru_maxrss / 1024.0, st.cut_faces, st.split_nodes, inc.length * 1000.0,
	       (double)contact_steps / (double)(steps * runs), ok ? "true" : "false");
	free(ms);
	free(medians);
	scrub_tissue_destroy(&t);
	return ok ? 0 : 3;
}
