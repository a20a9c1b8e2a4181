/* Allocation-failure injection: the Nth allocation made by Scrub's own code fails (malloc, calloc and realloc
 * are wrapped at link time: -Wl,--wrap), for every N from 1 until a pass needs no more, in three phases:
 * loading a scenario (with its model runs checked), running a session through the host with the record
 * written, reading that record back and replaying it (`scrub report`), and making its debrief page
 * (`scrub report --html`, app/debrief). Each pass must end without a
 * crash and with an error or a complete result; under AddressSanitizer (CI) LeakSanitizer also fails the
 * test on any leak on the failure paths. Allocations inside libraries (libfyaml, libc's stdio) are not
 * counted: they are the libraries' own to handle. */
#include "check.h"
#include "debrief.h"
#include "host.h"
#include "record.h"
#include "replay.h"
#include "report.h"
#include "scenario.h"
#include "session.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static long fail_at;   /* 0: never */
static long counted;
static bool failed;    /* the failure was injected in this pass */

static bool should_fail(void)
{
	if (!fail_at)
		return false;
	if (++counted == fail_at) {
		failed = true;
		return true;
	}
	return false;
}

void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return should_fail() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return should_fail() ? NULL : __real_realloc(p, n); }

static void arm(long n)
{
	fail_at = n;
	counted = 0;
	failed = false;
}

static const char *path;
static int ref_runs, ref_states; /* the scenario loaded without failures */
static char record_path[256];

/* Loads the scenario and checks its first model run. True when it loaded. */
static bool phase_load(void)
{
	scrub_diags d;
	scrub_diags_init(&d, path, NULL, 0);
	scenario *scn = NULL;
	scrub_result r = scenario_load_file(path, NULL, &d, &scn);
	bool ok = r == SCRUB_OK;
	/* a load that goes through in spite of a failed allocation must have lost nothing */
	CHECK(!ok || (scn->nruns == ref_runs && scn->nstates == ref_states));
	if (ok && scn->nruns > 0) {
		model_run_result mr;
		model_run_check(scn, 0, &d, &mr);
	}
	CHECK(ok || failed); /* it only fails when an allocation did */
	scenario_destroy(&scn);
	scrub_diags_fini(&d);
	return ok;
}

static void on_event(void *user, const sim_event *ev) { record_event(user, ev); }

/* Runs the first model run through a host for 40 s, writing the record. */
static bool phase_run(const scenario *scn)
{
	sim_record *rec = NULL;
	record_header hdr = {.scn = scn, .trainee = "alloc", .input = "alloc test"};
	if (record_create(record_path, true, &hdr, &rec) != SCRUB_OK) {
		CHECK(failed);
		return false;
	}
	sim_run_opts ro = {.session = {.on_event = on_event, .user = rec}, .stop_at = 40};
	sim_session *s = NULL;
	scrub_result r = sim_run(scn, scn->runs[0].actions, scn->runs[0].nactions, &ro, &s);
	CHECK(r == SCRUB_OK || failed);
	if (s) {
		sim_score sc;
		sim_session_score(s, &sc);
	}
	sim_session_destroy(&s);
	scrub_result rc = record_close(&rec);
	return r == SCRUB_OK && rc == SCRUB_OK;
}

static scrub_buf ref_json;   /* the report of the record, made without failures */
static size_t ref_page_len;  /* its debrief page's length, made without failures (0: not yet) */

/* Reads the record back, replays it and writes the report's JSON (into ref_json when given). */
static bool replay_json(scrub_buf *keep)
{
	scrub_diags d;
	scrub_diags_init(&d, record_path, NULL, 0);
	record_data rec;
	bool ok = record_read(record_path, &rec, &d) == SCRUB_OK;
	if (ok) {
		scenario *scn = NULL;
		sim_session *s = NULL;
		report_timeline tl;
		report_timeline_init(&tl);
		ok = record_replay(&rec, record_path, &d, &tl, &scn, &s) == SCRUB_OK;
		if (ok) {
			scrub_buf json;
			scrub_buf_init(&json);
			report_info info = {.trainee = rec.trainee, .input = rec.input, .complete = rec.complete};
			report_write_json(s, &tl, &info, &json);
			ok = !json.oom && !tl.oom && json.len > 100;
			if (keep && ok)
				scrub_buf_append(keep, json.data, json.len);
			scrub_buf_fini(&json);
		}
		sim_session_destroy(&s);
		report_timeline_fini(&tl);
		scenario_destroy(&scn);
	}
	CHECK(ok || failed);
	record_data_fini(&rec);
	scrub_diags_fini(&d);
	return ok;
}

static bool phase_replay(void) { return replay_json(NULL); }

/* Makes the record's debrief page with its notes and note form. */
static bool phase_debrief(void)
{
	char *text = NULL;
	size_t len = 0;
	if (scrub_read_file(record_path, 64u << 20, &text, &len) != SCRUB_OK) {
		CHECK(failed);
		return false;
	}
	debrief_note notes[] = {{12, "instructor", "a note"}, {3, NULL, "an earlier one"}};
	debrief_desc dd = {.record = text, .record_len = len, .report = ref_json.data, .report_len = ref_json.len,
	                   .notes = notes, .nnotes = 2, .fragment = true, .note_action = "/notes", .csrf_token = "t"};
	scrub_buf page;
	scrub_buf_init(&page);
	char err[256];
	scrub_result r = debrief_html(&dd, &page, err, sizeof err);
	bool ok = r == SCRUB_OK && !page.oom;
	CHECK(ok || failed);
	/* a page made in spite of a failed allocation must be whole */
	CHECK(!ok || !ref_page_len || page.len == ref_page_len);
	if (ok && !ref_page_len)
		ref_page_len = page.len;
	scrub_buf_fini(&page);
	free(text);
	return ok;
}

/* Fails allocation 1, 2, ... of `phase` until a pass goes through without reaching the failure. Returns how
 * many failure points were tried. */
static long sweep(const char *name, bool (*phase)(const void *), const void *arg)
{
	long n = 1;
	for (;; n++) {
		arm(n);
		bool ok = phase(arg);
		bool hit = failed;
		arm(0);
		if (!hit) {
			CHECK(ok); /* with no failure it must succeed */
			break;
		}
	}
	fprintf(stderr, "%s: %ld allocations, each made to fail once\n", name, n - 1);
	return n - 1;
}

static bool load_thunk(const void *arg) { (void)arg; return phase_load(); }
static bool run_thunk(const void *arg) { return phase_run(arg); }
static bool replay_thunk(const void *arg) { (void)arg; return phase_replay(); }
static bool debrief_thunk(const void *arg) { (void)arg; return phase_debrief(); }

int main(int argc, char **argv)
{
	path = argc > 1 ? argv[1] : "tests/data/bls_frontend.yaml";
	snprintf(record_path, sizeof record_path, "/tmp/scrub-alloc-%ld.jsonl", (long)getpid());
	scrub_diags d;
	scrub_diags_init(&d, path, NULL, 0);
	scenario *scn = NULL;
	CHECK(scenario_load_file(path, NULL, &d, &scn) == SCRUB_OK);
	scrub_diags_fini(&d);
	if (scn) {
		ref_runs = scn->nruns;
		ref_states = scn->nstates;
	}
	CHECK(sweep("load", load_thunk, NULL) > 100);

	if (scn && scn->nruns > 0) {
		CHECK(sweep("run", run_thunk, scn) > 10);
		CHECK(phase_run(scn)); /* a whole record for the replay phase */
		CHECK(sweep("replay", replay_thunk, NULL) > 50);
		scrub_buf_init(&ref_json);
		CHECK(replay_json(&ref_json));
		CHECK(phase_debrief()); /* the page's length without failures */
		CHECK(sweep("debrief", debrief_thunk, NULL) > 50);
		scrub_buf_fini(&ref_json);
	}
	scenario_destroy(&scn);
	remove(record_path);
	printf("%d checks, %d failed\n", check_count, check_failures);
	return check_failures != 0;
}
