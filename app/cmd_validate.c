/* scrub validate: load scenario files, report every problem at once, execute the model runs.
 * Model runs are independent: they run in parallel, one thread per core (--jobs), each into its own
 * diagnostics, merged in the file's order so that the output does not depend on the timing. */
#include "cli.h"
#include "session.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"usage: scrub validate FILE... [--quiet] [--no-runs] [--jobs N]\n"
	"\n"
	"Checks each scenario file (YAML syntax, then meaning: names, units, reachability, windows,\n"
	"ordering) and executes its model runs, which must give the outcome they expect. Every problem\n"
	"is printed as file:line:col: error: message. Exit status 1 if any file has an error.\n"
	"Model runs execute in parallel; on a terminal a progress line shows how far they are.\n"
	"\n"
	"options:\n"
	"  --quiet     print errors only\n"
	"  --no-runs   do not execute the model runs\n"
	"  --jobs N    model runs at once (default: the number of cores)\n";

#define MAX_RUNS 64

typedef struct run_pool {
	const scenario *scn;
	int n;
	int order[MAX_RUNS];       /* the runs by their scripts' length, longest first */
	atomic_int next, done;
	scrub_diags diags[MAX_RUNS];
	model_run_result res[MAX_RUNS];
} run_pool;

static void *run_worker(void *arg)
{
	run_pool *p = arg;
	for (;;) {
		int k = atomic_fetch_add(&p->next, 1);
		if (k >= p->n)
			break;
		int i = p->order[k];
		model_run_check(p->scn, i, &p->diags[i], &p->res[i]);
		atomic_fetch_add(&p->done, 1);
	}
	return NULL;
}

/* When its last action comes: how long a run's session lasts, about (a run that waits for the
 * time limit after it is longer, but rare). */
static double script_end(const scn_model_run *r)
{
	double end = 0;
	for (int i = 0; i < r->nactions; i++)
		if (r->actions[i].t > end)
			end = r->actions[i].t;
	return end;
}

/* Longest first, so that no long run starts last and keeps one core busy alone at the end (the
 * order the runs execute in changes nothing else: each has its own session and diagnostics). */
static void order_runs(run_pool *p)
{
	double end[MAX_RUNS];
	for (int i = 0; i < p->n; i++) {
		end[i] = script_end(&p->scn->runs[i]);
		int k = i;
		while (k > 0 && end[p->order[k - 1]] < end[i]) {
			p->order[k] = p->order[k - 1];
			k--;
		}
		p->order[k] = i;
	}
}

/* Runs every model run of `scn` on `jobs` threads; their diagnostics go into `d` in run order. */
static void run_all(const scenario *scn, const char *file, int jobs, bool progress, scrub_diags *d, model_run_result *out)
{
	run_pool *p = calloc(1, sizeof *p);
	if (!p) {
		scrub_diag_add(d, SCRUB_SEV_ERROR, SCRUB_DIAG_MODEL_RUN, 0, 0, 1, "out of memory for the model runs");
		return;
	}
	p->scn = scn;
	p->n = scn->nruns < MAX_RUNS ? scn->nruns : MAX_RUNS;
	for (int i = 0; i < p->n; i++)
		scrub_diags_init(&p->diags[i], file, NULL, 0);
	order_runs(p);
	if (jobs > p->n)
		jobs = p->n;
	pthread_t th[64];
	int started = 0;
	/* with a progress line the calling thread only watches: `jobs` workers; without, it is one */
	for (int k = progress ? 0 : 1; k < jobs && k < 64; k++)
		if (pthread_create(&th[started], NULL, run_worker, p) == 0)
			started++;
	if (!progress) {
		run_worker(p);
	} else {
		/* the calling thread reports progress (and runs what is left when no worker started) */
		double t0 = scrub_now();
		if (started == 0)
			run_worker(p);
		while (atomic_load(&p->done) < p->n) {
			int done = atomic_load(&p->done);
			double el = scrub_now() - t0;
			if (el > 0.5 && done == 0)
				fprintf(stderr, "\r%s: model runs 0/%d, %.0f s   ", file, p->n, el);
			else if (el > 0.5)
				fprintf(stderr, "\r%s: model runs %d/%d, %.1f runs/s, about %.0f s left   ", file, done, p->n,
				        done / el, el / done * (p->n - done));
			nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
		}
		if (scrub_now() - t0 > 0.5)
			fprintf(stderr, "\r%*s\r", (int)strlen(file) + 60, "");
	}
	for (int k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	for (int i = 0; i < p->n; i++) {
		const scrub_diags *di = &p->diags[i];
		for (size_t k = 0; k < di->n; k++) {
			const scrub_diag *g = &di->v[k];
			scrub_diag_add_in(d, g->file, g->severity, g->code, g->line, g->col, g->span, "%s", g->msg);
		}
		scrub_diags_fini(&p->diags[i]);
		out[i] = p->res[i];
	}
	free(p);
}

int scrub_cmd_validate(int argc, char **argv)
{
	bool quiet = false, no_runs = false;
	const char *jobs_s = NULL;
	cli_opt opts[] = {{"quiet", false, NULL, &quiet}, {"no-runs", false, NULL, &no_runs}, {"jobs", true, &jobs_s, NULL}, {0}};
	const char *pos[256];
	int npos, st = cli_args(argc, argv, opts, pos, 1, 256, &npos, usage,
	                        "scrub validate: name at least one scenario file");
	if (st != CLI_GO_ON)
		return st;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int jobs = ncpu > 0 ? (int)(ncpu < 64 ? ncpu : 64) : 1;
	if (jobs_s) {
		long j;
		if (!cli_whole(jobs_s, 1, 64, &j)) {
			fprintf(stderr, "scrub validate: --jobs takes a whole number from 1 to 64, not '%s'\n", jobs_s);
			return EXIT_USAGE;
		}
		jobs = (int)j;
	}
	bool progress = isatty(STDERR_FILENO) && !quiet;
	if (quiet)
		cli_quiet_log();
	(void)actions_count(); /* the registry is filled before any thread asks */
	int worst = EXIT_DONE;
	for (int f = 0; f < npos; f++) {
		scrub_diags d;
		scrub_diags_init(&d, pos[f], NULL, 0);
		scenario *scn = NULL;
		scrub_result r = scenario_load_file(pos[f], NULL, &d, &scn);
		model_run_result mr[MAX_RUNS];
		int nmr = 0;
		if (r == SCRUB_OK && !no_runs && scn->nruns > 0) {
			run_all(scn, pos[f], jobs, progress, &d, mr);
			nmr = scn->nruns < MAX_RUNS ? scn->nruns : MAX_RUNS;
		}
		if (d.n && (!quiet || d.errors)) {
			if (quiet) {
				/* errors only */
				scrub_diags e = d;
				size_t k = 0;
				scrub_diag *v = d.v;
				for (size_t i = 0; i < d.n; i++)
					if (v[i].severity == SCRUB_SEV_ERROR)
						v[k++] = v[i];
				e.n = k;
				scrub_diags_print(&e, stderr);
				d.n = k;
			} else {
				scrub_diags_print(&d, stderr);
			}
		}
		int status = r == SCRUB_ERR_IO ? EXIT_RUNTIME : d.errors ? EXIT_INVALID : cli_exit_for(r);
		if (status == EXIT_DONE && !quiet) {
			printf("%s: ok: %s (%d states, %d checklist items, %d model run%s)\n", pos[f], scn->title, scn->nstates,
			       scn->checklist.n, scn->nruns, scn->nruns == 1 ? "" : "s");
			for (int i = 0; i < nmr; i++) {
				const scn_model_run *run = &scn->runs[i];
				printf("  model run '%s': %s, score %.1f, outcome %s", run->name, mr[i].passed ? "passed" : "not passed",
				       mr[i].score, mr[i].outcome ? mr[i].outcome : "-");
				if (run->expect_pass && run->nexpect) {
					printf("; not met: %s (expected: pass, losing points on", mr[i].failed_items);
					for (int k = 0; k < run->nexpect; k++)
						printf("%s %s", k ? "," : "", scn->checklist.items[run->expect_items[k]].id);
					printf(")\n");
				} else if (run->expect_pass) {
					printf(" (expected: pass)\n");
				} else {
					printf("; not met: %s (expected: fail on", mr[i].failed_items);
					for (int k = 0; k < run->nexpect; k++)
						printf("%s %s", k ? "," : "", scn->checklist.items[run->expect_items[k]].id);
					printf(")\n");
				}
			}
		} else if (status != EXIT_DONE) {
			fprintf(stderr, "%s: %d error%s, %d warning%s\n", pos[f], d.errors, d.errors == 1 ? "" : "s",
			        d.warnings, d.warnings == 1 ? "" : "s");
		}
		if (status > worst)
			worst = status;
		scrub_diags_fini(&d);
		scenario_destroy(&scn);
	}
	return worst;
}

static const char usage_bench[] =
	"usage: scrub bench validate FILE... [--runs N] [--jobs N]\n"
	"\n"
	"Times `scrub validate` of each file (loading and every model run, --jobs at once, default: the\n"
	"number of cores) N times (default 5) and prints one JSON line with each file's median and the\n"
	"slowest file's median, in seconds.\n";

int scrub_cmd_bench_validate(int argc, char **argv)
{
	const char *runs_s = NULL, *jobs_s = NULL;
	cli_opt opts[] = {{"runs", true, &runs_s, NULL}, {"jobs", true, &jobs_s, NULL}, {0}};
	const char *pos[64];
	int npos, st = cli_args(argc, argv, opts, pos, 1, 64, &npos, usage_bench, NULL);
	if (st != CLI_GO_ON)
		return st;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	long runs_l = 5, jobs_l = ncpu > 0 ? (ncpu < 64 ? ncpu : 64) : 1;
	if ((runs_s && !cli_whole(runs_s, 1, 100, &runs_l)) || (jobs_s && !cli_whole(jobs_s, 1, 64, &jobs_l)))
		return cli_usage_error(NULL, usage_bench);
	int runs = (int)runs_l, jobs = (int)jobs_l;
	(void)actions_count();
	double *wall = calloc((size_t)runs * (size_t)npos, sizeof *wall);
	model_run_result *mr = calloc(MAX_RUNS, sizeof *mr);
	if (!wall || !mr) {
		free(wall);
		free(mr);
		return EXIT_RUNTIME;
	}
	int nruns_total = 0;
	for (int f = 0; f < npos; f++) {
		for (int r = 0; r < runs; r++) {
			double t0 = scrub_now();
			scrub_diags d;
			scrub_diags_init(&d, pos[f], NULL, 0);
			scenario *scn = NULL;
			if (scenario_load_file(pos[f], NULL, &d, &scn) != SCRUB_OK) {
				scrub_diags_print(&d, stderr);
				scrub_diags_fini(&d);
				free(wall);
				free(mr);
				return EXIT_INVALID;
			}
			if (r == 0)
				nruns_total += scn->nruns;
			if (scn->nruns > 0)
				run_all(scn, pos[f], jobs, false, &d, mr);
			wall[f * runs + r] = scrub_now() - t0;
			scenario_destroy(&scn);
			scrub_diags_fini(&d);
		}
	}
	printf("{\"bench\":\"validate\",\"jobs\":%d,\"runs\":%d,\"model_runs\":%d,\"files\":[", jobs, runs, nruns_total);
	double slowest = 0;
	for (int f = 0; f < npos; f++) {
		double med = cli_percentile(wall + f * runs, (size_t)runs, 0.5);
		if (med > slowest)
			slowest = med;
		printf("%s{\"file\":\"%s\",\"wall_s_median\":%.3f,\"wall_s_min\":%.3f}", f ? "," : "", pos[f], med, wall[f * runs]);
	}
	printf("],\"slowest_s_median\":%.3f}\n", slowest);
	free(wall);
	free(mr);
	return EXIT_DONE;
}
