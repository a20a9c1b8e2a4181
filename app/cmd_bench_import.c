/* scrub bench import: generated sessions into the records store, and the cohort view over them. */
#include "cli.h"
#include "cli_store.h"
#include "clock.h"
#include "host.h"
#include "json.h"
#include "session_out.h"
#include "store_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: scrub bench import [--store URL] [--sessions N] [--runs N] [--scenario FILE]\n"
	"       scrub bench import --store URL --cohort-only [--runs N] [--scenario FILE]\n"
	"\n"
	"Plays every model run of the scenario (default: the bundled bls_aed_adult.yaml) once, then makes N sessions\n"
	"(default 10000) from those records - each with its own trainee (500 trainees) and start time, written into\n"
	"the record's header, so each is a valid record of a session of its own - and puts them into the store one\n"
	"by one, as scrub import does (each replayed, scored and committed in its own transaction). Then it times\n"
	"the cohort view of the scenario (store_scenario_stats over all N sessions). The sessions it put are\n"
	"deleted after each run (origin 'bench'); the default store is a temporary SQLite file.\n"
	"With --cohort-only it puts nothing and times the cohort view of the sessions the store has (--runs times).\n"
	"With --store and --keep the last run's sessions stay in the store (the store `scrub bench serve` measures).\n"
	"Prints one JSON line: sessions_per_s (median of the runs), cohort_ms (median).\n";

/* The text of each model run's record. */
static int model_records(const scenario *scn, const char *tmpdir, char ***out, size_t **lens, int *n)
{
	*out = calloc((size_t)scn->nruns + 1, sizeof **out);
	*lens = calloc((size_t)scn->nruns + 1, sizeof **lens);
	*n = 0;
	if (!*out || !*lens)
		return EXIT_RUNTIME;
	for (int i = 0; i < scn->nruns; i++) {
		cli_trainee tr;
		int rc = cli_trainee_actions(scn, NULL, scn->runs[i].name, &tr);
		char dir[4200];
		snprintf(dir, sizeof dir, "%s/run%d", tmpdir, i);
		session_out so;
		host *h = NULL;
		if (rc == EXIT_DONE && session_out_open(&so, scn, dir, true, "model", tr.label) == SCRUB_OK) {
			host_sink *sinks[] = {&so.sink};
			host_desc hd = {.scn = scn, .clock = HOST_CLOCK_FAST, .sinks = sinks, .nsinks = 1};
			if (host_create(&hd, &h) == SCRUB_OK) {
				host_queue(h, tr.acts, tr.n);
				if (host_finish(h, host_run(h)) == SCRUB_OK &&
				    scrub_read_file(so.record_path, 256u << 20, &(*out)[*n], &(*lens)[*n]) == SCRUB_OK)
					++*n;
				remove(so.report_path);
				remove(so.record_path);
			}
			host_destroy(&h);
			session_out_fini(&so);
			rmdir(dir);
		}
		if (rc == EXIT_DONE)
			cli_trainee_fini(&tr);
	}
	return *n ? EXIT_DONE : EXIT_RUNTIME;
}

/* The record with another trainee and start time in its header (the first line). */
static void variant(const char *rec, size_t len, int k, scrub_buf *b)
{
	scrub_buf_clear(b);
	const char *nl = memchr(rec, '\n', len);
	size_t hl = nl ? (size_t)(nl - rec) : len;
	const char *tr = strstr(rec, "\"trainee\":\"model\"");
	const char *stt = strstr(rec, "\"started\":\"");
	if (!tr || !stt || (size_t)(tr - rec) > hl || (size_t)(stt - rec) > hl || stt > tr) {
		scrub_buf_append(b, rec, len);
		return;
	}
	stt += strlen("\"started\":\"");
	scrub_buf_append(b, rec, (size_t)(stt - rec));
	/* one session every 7 minutes from 2026-01-01 */
	long m = (long)k * 7;
	scrub_buf_printf(b, "2026-%02ld-%02ldT%02ld:%02ld:00Z", 1 + m / (60 * 24 * 28) % 12, 1 + m / (60 * 24) % 28,
	                 m / 60 % 24, m % 60);
	const char *after = strchr(stt, '"');
	scrub_buf_append(b, after, (size_t)(tr - after));
	scrub_buf_printf(b, "\"trainee\":\"trainee-%03d\"", k % 500);
	const char *rest = tr + strlen("\"trainee\":\"model\"");
	scrub_buf_append(b, rest, len - (size_t)(rest - rec));
}

int scrub_cmd_bench_import(int argc, char **argv)
{
	const char *url = NULL, *sessions_s = NULL, *runs_s = NULL, *scn_path = NULL;
	bool cohort_only = false, keep = false;
	cli_opt opts[] = {{"store", true, &url, NULL}, {"sessions", true, &sessions_s, NULL}, {"runs", true, &runs_s, NULL},
	                  {"scenario", true, &scn_path, NULL}, {"cohort-only", false, NULL, &cohort_only},
	                  {"keep", false, NULL, &keep}, {0}};
	const char *pos[1];
	int npos;
	int go = cli_args(argc, argv, opts, pos, 0, 0, &npos, usage, NULL);
	if (go != CLI_GO_ON)
		return go;
	long nsessions = 10000, runs = 3;
	if ((sessions_s && !cli_whole(sessions_s, 1, 10000000, &nsessions)) || (runs_s && !cli_whole(runs_s, 1, 100, &runs))) {
		fprintf(stderr, "scrub bench import: --sessions is 1..10000000, --runs 1..100\n");
		return EXIT_USAGE;
	}
	char tmpdir[] = "/tmp/scrub-bench-import-XXXXXX";
	if (!mkdtemp(tmpdir)) {
		fprintf(stderr, "scrub bench import: cannot make a temporary folder: %s\n", strerror(errno));
		return EXIT_RUNTIME;
	}
	char path[4200], dbpath[4200];
	if (!scn_path) {
		snprintf(path, sizeof path, "%s/bls_aed_adult.yaml", cli_scenario_dir());
		scn_path = path;
	}
	snprintf(dbpath, sizeof dbpath, "%s/records.db", tmpdir);
	scenario *scn = NULL;
	int rc = cli_load_scenario(scn_path, true, &scn);
	char **recs = NULL;
	size_t *lens = NULL;
	int nrecs = 0;
	if (cohort_only && !url) {
		fprintf(stderr, "scrub bench import: --cohort-only needs --store URL\n");
		rc = EXIT_USAGE;
	}
	long in_store = 0;
	if (cohort_only)
		nsessions = 0;
	if (rc == EXIT_DONE && !cohort_only)
		rc = model_records(scn, tmpdir, &recs, &lens, &nrecs);
	scrub_store *st = NULL;
	if (rc == EXIT_DONE)
		rc = cli_store_open(url ? url : dbpath, &st);
	double *rate = calloc((size_t)runs, sizeof *rate), *cohort = calloc((size_t)runs, sizeof *cohort);
	scrub_buf b;
	scrub_buf_init(&b);
	store_err err = {{0}};
	bool tty = isatty(STDERR_FILENO);
	for (long run = 0; run < runs && rc == EXIT_DONE && rate && cohort; run++) {
		double t0 = scrub_now();
		for (long k = 0; k < nsessions && rc == EXIT_DONE; k++) {
			variant(recs[k % nrecs], lens[k % nrecs], (int)k, &b);
			store_put_result res;
			if (store_put_record(st, b.data, b.len, "bench", &res, &err) != SCRUB_OK) {
				fprintf(stderr, "scrub bench import: %s\n", err.msg);
				rc = EXIT_RUNTIME;
			} else if (res.outcome != STORE_PUT_NEW) {
				fprintf(stderr, "scrub bench import: session %ld was not new: is the store empty of bench sessions?\n", k);
				rc = EXIT_RUNTIME;
			}
			if (tty && k % 100 == 99)
				fprintf(stderr, "\rrun %ld: %ld/%ld sessions  %.0f/s   ", run + 1, k + 1, nsessions,
				        (double)(k + 1) / (scrub_now() - t0));
		}
		rate[run] = nsessions ? (double)nsessions / (scrub_now() - t0) : 0;
		if (tty)
			fputc('\n', stderr);
		/* the cohort view over all of them: median of 5 */
		double ms[5];
		for (int i = 0; i < 5 && rc == EXIT_DONE; i++) {
			scrub_arena a;
			scrub_arena_init(&a);
			store_item_stat *items;
			store_attempt_stat *att;
			int ni, na;
			store_filter any = {.passed = -1, .complete = -1};
			double c0 = scrub_now();
			if (store_scenario_stats(st, scn->id, &any, &a, &items, &ni, &att, &na, &err) != SCRUB_OK) {
				fprintf(stderr, "scrub bench import: %s\n", err.msg);
				rc = EXIT_RUNTIME;
			}
			ms[i] = (scrub_now() - c0) * 1e3;
			scrub_arena_fini(&a);
		}
		cohort[run] = cli_percentile(ms, 5, 0.5);
		if (keep && url && run == runs - 1 && !cohort_only)
			break;   /* --keep: the last run's sessions stay (the store of `scrub bench serve`) */
		if (rc == EXIT_DONE && cohort_only) {
			db_rows rows;
			scrub_arena a;
			scrub_arena_init(&a);
			if (store_q(st, &a, &rows, &err, "SELECT COUNT(*) FROM sessions WHERE scenario_id = ?", 1, db_s(scn->id)) == SCRUB_OK)
				in_store = (long)db_int(&rows, 0, 0);
			scrub_arena_fini(&a);
		} else if (store_q(st, NULL, NULL, &err, "DELETE FROM sessions WHERE origin = ?", 1, db_s("bench")) != SCRUB_OK) {
			fprintf(stderr, "scrub bench import: %s\n", err.msg);
			rc = EXIT_RUNTIME;
		}
	}
	if (rc == EXIT_DONE) {
		scrub_buf_clear(&b);
		scrub_json j;
		scrub_json_init(&j, &b, false);
		scrub_json_object_begin(&j, NULL);
		scrub_json_str(&j, "bench", "import");
		scrub_json_str(&j, "backend", store_backend(st));
		scrub_json_str(&j, "scenario", scn->id);
		scrub_json_int(&j, "model_records", nrecs);
		scrub_json_int(&j, "sessions", cohort_only ? in_store : nsessions);
		scrub_json_int(&j, "runs", runs);
		scrub_json_num(&j, "sessions_per_s", cli_percentile(rate, (size_t)runs, 0.5), 1);
		scrub_json_num(&j, "cohort_ms", cli_percentile(cohort, (size_t)runs, 0.5), 2);
		scrub_json_object_end(&j);
		printf("%s\n", b.data);
	}
	scrub_buf_fini(&b);
	free(rate);
	free(cohort);
	store_close(st);
	for (int i = 0; i < nrecs; i++)
		free(recs[i]);
	free(recs);
	free(lens);
	scenario_destroy(&scn);
	remove(dbpath);
	char side[4300];
	snprintf(side, sizeof side, "%s-wal", dbpath);
	remove(side);
	snprintf(side, sizeof side, "%s-shm", dbpath);
	remove(side);
	rmdir(tmpdir);
	return rc;
}
