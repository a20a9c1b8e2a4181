/* The records store (app/store/store.h), the same checks on each back end:
 *   test_store SCENARIO sqlite        a new SQLite file in a temporary folder
 *   test_store SCENARIO postgresql    the server of tests/store/with_pg.sh ($SCRUB_TEST_PG_URL, an empty database)
 * Records are made here by running the scenario's model runs through the session host and the record sink. */
#include "check.h"
#include "host.h"
#include "record.h"
#include "replay.h"
#include "scenario.h"
#include "session_out.h"
#include "store_internal.h"

#include <stdlib.h>
#include <unistd.h>

typedef struct rec {
	char *text;
	size_t len;
	char *report;                /* the report.json the run wrote */
	size_t report_len;
	bool pass;                   /* the model run is expected to pass */
} rec;

static scrub_store *st;
static char tmpdir[] = "/tmp/scrub-test-store-XXXXXX";

static void rm_run(const char *dir)
{
	char p[4300];
	snprintf(p, sizeof p, "%s/session.jsonl", dir);
	remove(p);
	snprintf(p, sizeof p, "%s/report.json", dir);
	remove(p);
	rmdir(dir);
}

static bool make_record(const scenario *scn, int run, const char *trainee, rec *out)
{
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/run%d", tmpdir, run);
	memset(out, 0, sizeof *out);
	session_out so;
	host *h = NULL;
	bool ok = false;
	char input[300];
	snprintf(input, sizeof input, "model run %s", scn->runs[run].name);
	if (session_out_open(&so, scn, dir, true, trainee, input) == SCRUB_OK) {
		host_sink *sinks[] = {&so.sink};
		host_desc hd = {.scn = scn, .clock = HOST_CLOCK_FAST, .sinks = sinks, .nsinks = 1};
		if (host_create(&hd, &h) == SCRUB_OK) {
			host_queue(h, scn->runs[run].actions, scn->runs[run].nactions);
			ok = host_finish(h, host_run(h)) == SCRUB_OK &&
			     scrub_read_file(so.record_path, 1u << 28, &out->text, &out->len) == SCRUB_OK &&
			     scrub_read_file(so.report_path, 1u << 28, &out->report, &out->report_len) == SCRUB_OK;
		}
		host_destroy(&h);
		session_out_fini(&so);
	}
	rm_run(dir);
	out->pass = scn->runs[run].expect_pass;
	return ok;
}

/* The record with another trainee and start time in its header. */
static char *variant(const rec *r, const char *trainee, const char *started, size_t *len)
{
	scrub_buf b;
	scrub_buf_init(&b);
	const char *tr = strstr(r->text, "\"trainee\":\"");
	const char *stt = strstr(r->text, "\"started\":\"") + strlen("\"started\":\"");
	scrub_buf_append(&b, r->text, (size_t)(stt - r->text));
	scrub_buf_puts(&b, started);
	const char *after = strchr(stt, '"');
	scrub_buf_append(&b, after, (size_t)(tr - after));
	scrub_buf_printf(&b, "\"trainee\":\"%s\"", trainee);
	const char *rest = strchr(tr + strlen("\"trainee\":\""), '"') + 1;
	scrub_buf_append(&b, rest, r->len - (size_t)(rest - r->text));
	*len = b.len;
	return b.data;
}

static store_put_result put(const char *text, size_t len, scrub_result want)
{
	store_put_result res;
	store_err err = {{0}};
	scrub_result r = store_put_record(st, text, len, "test", &res, &err);
	CHECK(r == want);
	if (r != want)
		fprintf(stderr, "  store_put_record: %d (%s), expected %d\n", r, err.msg, want);
	return res;
}

static void test_migrations(const char *url)
{
	CHECK(store_schema_version(st) == 2);
	/* opening again (a second connection, while the first is open) applies nothing and agrees on the version */
	scrub_store *again = NULL;
	store_err err = {{0}};
	CHECK(store_open(url, &again, &err) == SCRUB_OK);
	if (again) {
		CHECK(store_schema_version(again) == 2);
		scrub_arena a;
		scrub_arena_init(&a);
		db_rows rows;
		CHECK(store_q(again, &a, &rows, &err, "SELECT version FROM schema_migrations ORDER BY version", 0) == SCRUB_OK);
		CHECK(rows.nrows == 2);
		scrub_arena_fini(&a);
		store_close(again);
	}
	CHECK(store_open("", &again, &err) == SCRUB_ERR_USAGE);
	CHECK(store_open("postgresql://nobody@/nodb?host=/nonexistent", &again, &err) == SCRUB_ERR_IO && again == NULL);
	CHECK(strstr(err.msg, "postgresql") != NULL);
}

static void test_put(const rec *a, const rec *b)
{
	store_put_result r1 = put(a->text, a->len, SCRUB_OK);
	CHECK(r1.outcome == STORE_PUT_NEW && r1.complete && r1.session_id > 0);
	store_put_result r2 = put(a->text, a->len, SCRUB_OK);
	CHECK(r2.outcome == STORE_PUT_SAME && r2.session_id == r1.session_id);
	CHECK_STR(r2.sha256, r1.sha256);

	/* b cut short (as by kill -9: in the middle of a line), then the whole of it */
	size_t cut = b->len * 6 / 10, cut2 = b->len * 4 / 10;
	store_put_result c1 = put(b->text, cut, SCRUB_OK);
	CHECK(c1.outcome == STORE_PUT_NEW && !c1.complete);
	CHECK(put(b->text, cut, SCRUB_OK).outcome == STORE_PUT_SAME);
	store_put_result full = put(b->text, b->len, SCRUB_OK);
	CHECK(full.outcome == STORE_PUT_LONGER && full.session_id == c1.session_id && full.complete);
	if (full.outcome != STORE_PUT_LONGER || full.session_id != c1.session_id)
		fprintf(stderr, "  longer: outcome %d, session %lld (cut short: %lld)\n", full.outcome, (long long)full.session_id, (long long)c1.session_id);
	store_put_result sh = put(b->text, cut, SCRUB_OK);
	CHECK(sh.outcome == STORE_PUT_SHORTER && sh.session_id == c1.session_id && sh.complete);
	CHECK(put(b->text, cut2, SCRUB_OK).outcome == STORE_PUT_SHORTER);
	/* the store kept the whole record, and its report is the one the run wrote, byte for byte */
	scrub_arena ar;
	scrub_arena_init(&ar);
	const char *text, *report;
	size_t tl, rl;
	store_err err = {{0}};
	CHECK(store_get_record(st, c1.session_id, &ar, &text, &tl, &report, &rl, &err) == SCRUB_OK);
	CHECK(tl == b->len && memcmp(text, b->text, tl) == 0);
	CHECK(rl == b->report_len && memcmp(report, b->report, rl) == 0);
	CHECK(store_get_record(st, r1.session_id, &ar, &text, &tl, &report, &rl, &err) == SCRUB_OK);
	CHECK(rl == a->report_len && memcmp(report, a->report, rl) == 0);
	CHECK(store_get_record(st, 999999, &ar, &text, &tl, &report, &rl, &err) == SCRUB_DONE);
	scrub_arena_fini(&ar);

	/* not records */
	store_put_result bad;
	CHECK(store_put_record(st, "hello\n", 6, "test", &bad, &err) == SCRUB_ERR_INVALID);
	CHECK(strstr(err.msg, "not a Scrub session record") != NULL);
	CHECK(store_put_record(st, "", 0, "test", &bad, &err) == SCRUB_ERR_INVALID);
	char *nul = malloc(a->len);
	memcpy(nul, a->text, a->len);
	nul[a->len / 2] = '\0';
	CHECK(store_put_record(st, nul, a->len, "test", &bad, &err) == SCRUB_ERR_INVALID);
	CHECK(strstr(err.msg, "UTF-8") != NULL);
	/* a damaged line in the middle */
	const char *second = strchr(a->text, '\n') + 1;
	size_t off = (size_t)(second - a->text);
	memcpy(nul, a->text, a->len);
	memcpy(nul + off, "{{{{", 4);
	CHECK(store_put_record(st, nul, a->len, "test", &bad, &err) == SCRUB_ERR_INVALID);
	CHECK(strncmp(err.msg, "line 2: ", 8) == 0);
	free(nul);
}

static int count_sessions(const store_filter *f, int *total)
{
	scrub_arena a;
	scrub_arena_init(&a);
	store_session *v;
	int n = -1;
	store_err err = {{0}};
	CHECK(store_list_sessions(st, f, &a, &v, &n, total, &err) == SCRUB_OK);
	scrub_arena_fini(&a);
	return n;
}

/* alice: pass, fail, pass of the scenario (Jan 3, Feb 5, Feb 6); bob: fail (Mar 1, cut short) */
static void test_list(const rec *pass, const rec *fail)
{
	size_t l;
	char *t;
	t = variant(pass, "alice", "2026-01-03T10:00:00Z", &l), put(t, l, SCRUB_OK), free(t);
	t = variant(fail, "alice", "2026-02-05T09:00:00Z", &l), put(t, l, SCRUB_OK), free(t);
	t = variant(pass, "alice", "2026-02-06T23:59:59Z", &l), put(t, l, SCRUB_OK), free(t);
	t = variant(fail, "bob", "2026-03-01T08:00:00Z", &l), put(t, l * 7 / 10, SCRUB_OK), free(t);

	store_filter any = {.passed = -1, .complete = -1};
	int total = -1;
	int all = count_sessions(&any, &total);
	CHECK(all >= 6 && total == all);
	store_filter f = any;
	f.trainee = "alice";
	CHECK(count_sessions(&f, NULL) == 3);
	f.passed = 1;
	CHECK(count_sessions(&f, NULL) == 2);
	f.passed = 0;
	CHECK(count_sessions(&f, NULL) == 1);
	f = any, f.from = "2026-02-05", f.to = "2026-02-06";   /* inclusive, whole days */
	CHECK(count_sessions(&f, NULL) == 2);
	f = any, f.to = "2026-02-05";
	CHECK(count_sessions(&f, NULL) == 2);
	f = any, f.from = "2026-03-01", f.to = "2026-03-31";
	CHECK(count_sessions(&f, NULL) == 1);
	f = any, f.complete = 0;
	int incomplete = count_sessions(&f, NULL);
	f.trainee = "bob";
	CHECK(incomplete >= 1 && count_sessions(&f, NULL) == 1);
	f = any, f.complete = 1;
	CHECK(count_sessions(&f, NULL) == all - incomplete);
	f = any, f.scenario_id = "bls-aed-adult";
	CHECK(count_sessions(&f, NULL) == all);
	f.scenario_id = "no-such-scenario";
	CHECK(count_sessions(&f, NULL) == 0);
	const char *only_bob[] = {"bob"}, *both[] = {"bob", "alice"};
	f = any, f.trainees = only_bob, f.ntrainees = 1;
	CHECK(count_sessions(&f, NULL) == 1);
	f.trainees = both, f.ntrainees = 2;
	CHECK(count_sessions(&f, NULL) == 4);
	f.ntrainees = 0;
	CHECK(count_sessions(&f, NULL) == 0);
	/* pages, newest first, attempts by start time */
	f = any, f.trainee = "alice", f.limit = 2;
	scrub_arena a;
	scrub_arena_init(&a);
	store_session *v;
	int n;
	store_err err = {{0}};
	CHECK(store_list_sessions(st, &f, &a, &v, &n, &total, &err) == SCRUB_OK);
	CHECK(n == 2 && total == 3);
	if (n == 2) {
		CHECK_STR(v[0].started_at, "2026-02-06T23:59:59Z");
		CHECK(v[0].attempt == 3 && v[1].attempt == 2 && v[0].passed && !v[1].passed);
		CHECK_STR(v[0].trainee, "alice");
		CHECK_STR(v[0].scenario_id, "bls-aed-adult");
		CHECK(v[0].complete && v[0].duration_s > 0 && v[0].score > 0 && strlen(v[0].sha256) == 64);
		store_session one;
		CHECK(store_get_session(st, v[1].id, &a, &one, &err) == SCRUB_OK);
		CHECK(one.id == v[1].id && one.attempt == 2 && strcmp(one.started_at, "2026-02-05T09:00:00Z") == 0);
	}
	f.offset = 2;
	CHECK(store_list_sessions(st, &f, &a, &v, &n, &total, &err) == SCRUB_OK);
	CHECK(n == 1 && total == 3 && n == 1 && v[0].attempt == 1);
	store_session none;
	CHECK(store_get_session(st, 999999, &a, &none, &err) == SCRUB_DONE);
	scrub_arena_fini(&a);
}

/* The cohort view against the same sums made here from each stored record's replay. */
static void test_stats(const scenario *scn)
{
	scrub_arena a;
	scrub_arena_init(&a);
	store_filter any = {.passed = -1, .complete = -1};
	store_session *v;
	int n, total;
	store_err err = {{0}};
	any.limit = 1000;
	CHECK(store_list_sessions(st, &any, &a, &v, &n, &total, &err) == SCRUB_OK);
	int ni = scn->checklist.n;
	int *missed = calloc((size_t)ni, sizeof *missed), *done = calloc((size_t)ni, sizeof *done);
	int alice_missed_total = 0;
	for (int i = 0; i < n; i++) {
		const char *text, *report;
		size_t tl, rl;
		CHECK(store_get_record(st, v[i].id, &a, &text, &tl, &report, &rl, &err) == SCRUB_OK);
		record_data rd;
		scrub_diags d;
		scrub_diags_init(&d, "t", NULL, 0);
		scenario *rs = NULL;
		sim_session *s = NULL;
		if (record_read_text("t", text, tl, &rd, &d) == SCRUB_OK &&
		    record_replay(&rd, "t", &d, NULL, &rs, &s) == SCRUB_OK) {
			const sim_item_result *res = sim_session_items(s);
			for (int k = 0; k < ni; k++) {
				missed[k] += res[k].status != ITEM_DONE;
				done[k] += res[k].status == ITEM_DONE && res[k].time >= 0;
				if (strcmp(v[i].trainee, "alice") == 0)
					alice_missed_total += res[k].status != ITEM_DONE;
			}
		} else {
			CHECK(!"a stored record replays");
		}
		sim_session_destroy(&s);
		scenario_destroy(&rs);
		record_data_fini(&rd);
		scrub_diags_fini(&d);
	}
	store_item_stat *items;
	store_attempt_stat *att;
	int nitems, natt;
	CHECK(store_scenario_stats(st, scn->id, &any, &a, &items, &nitems, &att, &natt, &err) == SCRUB_OK);
	CHECK(nitems == ni);
	for (int k = 0; k < nitems && k < ni; k++) {
		CHECK_STR(items[k].item_id, scn->checklist.items[k].id);
		CHECK(items[k].critical == scn->checklist.items[k].critical);
		CHECK(items[k].sessions == n);
		CHECK(items[k].missed == missed[k]);
		CHECK(items[k].ntimes == done[k]);
		for (int j = 1; j < items[k].ntimes; j++)
			CHECK(items[k].times_s[j - 1] <= items[k].times_s[j]);
	}
	int sum = 0, passed = 0;
	for (int i = 0; i < natt; i++) {
		CHECK(att[i].attempt == i + 1);
		sum += att[i].sessions;
		passed += att[i].passed;
	}
	CHECK(sum == n);
	int want_passed = 0;
	for (int i = 0; i < n; i++)
		want_passed += v[i].passed;
	CHECK(passed == want_passed);
	/* alice only: attempts 1 (pass), 2 (fail), 3 (pass) */
	store_filter fa = any;
	fa.trainee = "alice";
	CHECK(store_scenario_stats(st, scn->id, &fa, &a, &items, &nitems, &att, &natt, &err) == SCRUB_OK);
	CHECK(natt == 3);
	if (natt == 3)
		CHECK(att[0].passed == 1 && att[1].passed == 0 && att[2].passed == 1 && att[2].sessions == 1);
	/* what alice missed most, most first */
	CHECK(store_trainee_missed(st, "alice", &a, &items, &nitems, &err) == SCRUB_OK);
	int msum = 0;
	for (int k = 0; k < nitems; k++) {
		CHECK(items[k].missed > 0 && items[k].sessions == 3);
		if (k)
			CHECK(items[k - 1].missed >= items[k].missed);
		msum += items[k].missed;
	}
	CHECK(nitems > 0 && msum == alice_missed_total);
	CHECK(store_trainee_missed(st, "nobody", &a, &items, &nitems, &err) == SCRUB_OK && nitems == 0);
	free(missed);
	free(done);
	scrub_arena_fini(&a);
}

static void test_notes(void)
{
	store_err err = {{0}};
	scrub_arena a;
	scrub_arena_init(&a);
	store_filter any = {.passed = -1, .complete = -1, .limit = 1};
	store_session *v;
	int n;
	CHECK(store_list_sessions(st, &any, &a, &v, &n, NULL, &err) == SCRUB_OK && n == 1);
	int64_t id1 = 0, id2 = 0;
	CHECK(store_add_note(st, v[0].id, 42.5, "carol", "Late: check the pads' placement", &id1, &err) == SCRUB_OK);
	CHECK(store_add_note(st, v[0].id, 10, "carol", "Good call for help \xe2\x9c\x93", &id2, &err) == SCRUB_OK);
	CHECK(id1 > 0 && id2 > id1);
	CHECK(store_add_note(st, 999999, 1, "carol", "x", &id1, &err) == SCRUB_DONE);
	store_note *notes;
	CHECK(store_list_notes(st, v[0].id, &a, &notes, &n, &err) == SCRUB_OK && n == 2);
	if (n == 2) {
		CHECK(notes[0].t == 10 && notes[1].t == 42.5);
		CHECK_STR(notes[0].text, "Good call for help \xe2\x9c\x93");
		CHECK_STR(notes[1].author, "carol");
		CHECK(strlen(notes[0].created_at) == 20);
	}
	scrub_arena_fini(&a);
}

static void test_accounts(void)
{
	store_err err = {{0}};
	scrub_arena a;
	scrub_arena_init(&a);
	int64_t alice, carol, dave, again;
	CHECK(store_put_user(st, "alice", STORE_ROLE_TRAINEE, "$argon2id$x", &alice, &err) == SCRUB_OK);
	CHECK(store_put_user(st, "carol", STORE_ROLE_TRAINEE, "$argon2id$y", &carol, &err) == SCRUB_OK);
	CHECK(store_put_user(st, "carol", STORE_ROLE_INSTRUCTOR, "$argon2id$z", &again, &err) == SCRUB_OK);
	CHECK(again == carol);
	CHECK(store_put_user(st, "dave", STORE_ROLE_ADMIN, "$argon2id$w", &dave, &err) == SCRUB_OK);
	CHECK(store_put_user(st, "", STORE_ROLE_ADMIN, "h", &again, &err) == SCRUB_ERR_INVALID);
	store_user u;
	CHECK(store_get_user(st, "carol", &a, &u, &err) == SCRUB_OK);
	CHECK(u.id == carol && u.role == STORE_ROLE_INSTRUCTOR);
	CHECK_STR(u.pwhash, "$argon2id$z");
	CHECK_STR(u.name, "carol");
	CHECK(store_get_user(st, "mallory", &a, &u, &err) == SCRUB_DONE);
	/* an instructor's cohorts: their other members, less instructors and admins */
	CHECK(store_cohort_add(st, "y1", "carol", &err) == SCRUB_OK);
	CHECK(store_cohort_add(st, "y1", "alice", &err) == SCRUB_OK);
	CHECK(store_cohort_add(st, "y1", "alice", &err) == SCRUB_OK); /* twice: once */
	CHECK(store_cohort_add(st, "y1", "dave", &err) == SCRUB_OK);
	CHECK(store_cohort_add(st, "y2", "carol", &err) == SCRUB_OK);
	CHECK(store_cohort_add(st, "y2", "bob", &err) == SCRUB_OK);  /* no account: still a trainee */
	CHECK(store_cohort_add(st, "y3", "erin", &err) == SCRUB_OK); /* not carol's */
	const char **tr;
	int n;
	CHECK(store_cohort_trainees(st, "carol", &a, &tr, &n, &err) == SCRUB_OK && n == 2);
	if (n == 2) {
		CHECK_STR(tr[0], "alice");
		CHECK_STR(tr[1], "bob");
		store_filter f = {.passed = -1, .complete = -1, .trainees = tr, .ntrainees = n};
		CHECK(count_sessions(&f, NULL) == 4);
	}
	CHECK(store_cohort_trainees(st, "nobody", &a, &tr, &n, &err) == SCRUB_OK && n == 0);
	/* tokens: valid until their expiry, then gone */
	const char *secret = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
	CHECK(store_put_token(st, "login", secret, carol, 1000, &err) == SCRUB_OK);
	CHECK(store_check_token(st, "login", secret, 999, &a, &u, &err) == SCRUB_OK && u.id == carol);
	CHECK(store_check_token(st, "login", secret, 1000, &a, &u, &err) == SCRUB_DONE);
	CHECK(store_check_token(st, "upload", secret, 10, &a, &u, &err) == SCRUB_DONE);
	CHECK(store_put_token(st, "login", secret, alice, 2000, &err) == SCRUB_OK); /* renewed, for another user */
	CHECK(store_check_token(st, "login", secret, 1500, &a, &u, &err) == SCRUB_OK && u.id == alice);
	CHECK(store_drop_token(st, "login", secret, &err) == SCRUB_OK);
	CHECK(store_check_token(st, "login", secret, 1500, &a, &u, &err) == SCRUB_DONE);
	scrub_arena_fini(&a);
}

static void test_xapi(void)
{
	store_err err = {{0}};
	scrub_arena a;
	scrub_arena_init(&a);
	CHECK(store_xapi_enqueue(st, 1, "id-1", "{\"verb\":1}", &err) == SCRUB_OK);
	CHECK(store_xapi_enqueue(st, 1, "id-2", "{\"verb\":2}", &err) == SCRUB_OK);
	CHECK(store_xapi_enqueue(st, 1, "id-1", "{\"verb\":1}", &err) == SCRUB_OK); /* once only */
	CHECK(store_xapi_enqueue(st, 0, "id-3", "{\"verb\":3}", &err) == SCRUB_OK); /* no session */
	store_xapi_item *v;
	int n;
	CHECK(store_xapi_due(st, 0, 10, &a, &v, &n, &err) == SCRUB_OK && n == 3);
	if (n == 3) {
		CHECK_STR(v[0].statement, "{\"verb\":1}");
		CHECK(v[0].tries == 0 && v[0].id < v[1].id && v[1].id < v[2].id);
		CHECK(store_xapi_retry(st, v[0].id, 100, "HTTP 503", &err) == SCRUB_OK);
		CHECK(store_xapi_done(st, v[2].id, &err) == SCRUB_OK);
	}
	CHECK(store_xapi_due(st, 50, 10, &a, &v, &n, &err) == SCRUB_OK && n == 1);
	CHECK(store_xapi_due(st, 100, 10, &a, &v, &n, &err) == SCRUB_OK && n == 2);
	if (n == 2)
		CHECK(v[0].tries == 1 && strcmp(v[0].statement, "{\"verb\":1}") == 0);
	CHECK(store_xapi_due(st, 100, 1, &a, &v, &n, &err) == SCRUB_OK && n == 1);
	scrub_arena_fini(&a);
}

static void test_rebuild(void)
{
	store_err err = {{0}};
	scrub_buf before, tampered, after;
	scrub_buf_init(&before);
	scrub_buf_init(&tampered);
	scrub_buf_init(&after);
	CHECK(store_dump(st, &before, &err) == SCRUB_OK && before.len > 0);
	/* damage the derived rows; the records themselves are intact */
	CHECK(store_q(st, NULL, NULL, &err, "UPDATE sessions SET score = 0, attempt = 7, passed = 1 - passed", 0) == SCRUB_OK);
	CHECK(store_q(st, NULL, NULL, &err, "DELETE FROM items WHERE idx = 0", 0) == SCRUB_OK);
	CHECK(store_dump(st, &tampered, &err) == SCRUB_OK);
	CHECK(tampered.len != before.len || memcmp(tampered.data, before.data, before.len) != 0);
	int n = 0;
	CHECK(store_rebuild(st, NULL, NULL, &n, &err) == SCRUB_OK && n >= 6);
	CHECK(store_dump(st, &after, &err) == SCRUB_OK);
	CHECK(after.len == before.len && memcmp(after.data, before.data, before.len) == 0);
	scrub_buf_fini(&before);
	scrub_buf_fini(&tampered);
	scrub_buf_fini(&after);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_store SCENARIO sqlite|postgresql\n");
		return 2;
	}
	if (!mkdtemp(tmpdir))
		return 2;
	char url[4200];
	if (strcmp(argv[2], "sqlite") == 0) {
		snprintf(url, sizeof url, "sqlite:%s/store/records.db", tmpdir);
	} else {
		const char *u = getenv("SCRUB_TEST_PG_URL");
		if (!u) {
			fprintf(stderr, "test_store: SCRUB_TEST_PG_URL is not set (run under tests/store/with_pg.sh)\n");
			return 1;
		}
		snprintf(url, sizeof url, "%s", u);
	}
	scrub_diags d;
	scrub_diags_init(&d, argv[1], NULL, 0);
	scenario *scn = NULL;
	if (scenario_load_file(argv[1], NULL, &d, &scn) != SCRUB_OK) {
		scrub_diags_print(&d, stderr);
		return 1;
	}
	scrub_diags_fini(&d);
	int ipass = -1, ipass2 = -1, ifail = -1;
	for (int i = 0; i < scn->nruns; i++) {
		if (scn->runs[i].expect_pass && ipass < 0)
			ipass = i;
		else if (scn->runs[i].expect_pass && ipass2 < 0)
			ipass2 = i;
		else if (!scn->runs[i].expect_pass && ifail < 0)
			ifail = i;
	}
	rec ra, rb, rf;
	if (ipass < 0 || ipass2 < 0 || ifail < 0 || !make_record(scn, ipass, "model", &ra) ||
	    !make_record(scn, ipass2, "model", &rb) || !make_record(scn, ifail, "model", &rf)) {
		fprintf(stderr, "test_store: cannot make the records\n");
		return 1;
	}
	store_err err = {{0}};
	if (store_open(url, &st, &err) != SCRUB_OK) {
		fprintf(stderr, "test_store: cannot open %s: %s\n", url, err.msg);
		return 1;
	}
	printf("store %s (%s)\n", url, store_backend(st));
	CHECK(strcmp(store_backend(st), argv[2]) == 0);
	test_migrations(url);
	test_put(&ra, &rb);
	test_list(&ra, &rf);
	test_stats(scn);
	test_notes();
	test_accounts();
	test_xapi();
	test_rebuild();
	/* a store made by a newer scrub is refused, not damaged */
	CHECK(store_q(st, NULL, NULL, &err, "INSERT INTO schema_migrations (version, applied_at) VALUES (99, 'x')", 0) == SCRUB_OK);
	scrub_store *newer = NULL;
	CHECK(store_open(url, &newer, &err) == SCRUB_ERR_RUNTIME && !newer);
	CHECK(strstr(err.msg, "newer") != NULL);
	store_close(st);
	free(ra.text), free(rb.text), free(rf.text);
	free(ra.report), free(rb.report), free(rf.report);
	scenario_destroy(&scn);
	char p[4300];
	snprintf(p, sizeof p, "rm -rf '%s'", tmpdir);
	if (system(p) != 0)
		CHECK(!"the temporary folder is removed");
	return CHECK_DONE();
}
