/* The records store (store.h): URLs, the schema's migrations, putting a record (replayed to score it) and
 * rebuilding the index from the records kept. The queries are in store_query.c, accounts in store_account.c;
 * the back ends in store_sqlite.c and store_pg.c (store_internal.h). */
#include "store_internal.h"

#include "record.h"
#include "replay.h"
#include "report.h"
#include "yaml.h"

#include <errno.h>
#include <sha256.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

scrub_result store_fail(store_err *err, scrub_result res, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return res;
}

int64_t db_int(const db_rows *r, int row, int col)
{
	const char *v = db_cell(r, row, col);
	return v ? strtoll(v, NULL, 10) : 0;
}

double db_real(const db_rows *r, int row, int col)
{
	const char *v = db_cell(r, row, col);
	return v ? strtod(v, NULL) : 0;
}

void store_sha256_hex(const void *data, size_t len, char out[65])
{
	SHA256Data(data, len, out);
}

void store_now_iso(char out[32])
{
	time_t now = time(NULL);
	struct tm tmv;
	gmtime_r(&now, &tmv);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tmv);
}

scrub_result store_q(scrub_store *s, scrub_arena *a, db_rows *out, store_err *err, const char *sql, int np, ...)
{
	db_val p[24];
	if (np > (int)(sizeof p / sizeof p[0]))
		return store_fail(err, SCRUB_ERR_RUNTIME, "too many parameters");
	va_list ap;
	va_start(ap, np);
	for (int i = 0; i < np; i++)
		p[i] = va_arg(ap, db_val);
	va_end(ap);
	return s->ops->query(s, sql, p, np, a, out, err);
}

scrub_result store_begin(scrub_store *s, store_err *err)
{
	scrub_result r = s->ops->exec(s, s->ops->begin_sql, err);
	s->in_tx = r == SCRUB_OK;
	return r;
}

scrub_result store_commit(scrub_store *s, store_err *err)
{
	scrub_result r = s->ops->exec(s, "COMMIT", err);
	if (r != SCRUB_OK)
		store_rollback(s);
	s->in_tx = 0;
	return r;
}

void store_rollback(scrub_store *s)
{
	store_err ignore;
	if (s->in_tx)
		s->ops->exec(s, "ROLLBACK", &ignore);
	s->in_tx = 0;
}

/* ---- URLs and opening ------------------------------------------------------------------------- */

const char *store_default_url(char *buf, size_t size)
{
	const char *env = getenv("SCRUB_STORE");
	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return buf;
	}
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg == '/')
		snprintf(buf, size, "%s/scrub/records.db", xdg);
	else
		snprintf(buf, size, "%s/.local/share/scrub/records.db", home && *home ? home : ".");
	return buf;
}

static int mkdir_parents(const char *path)
{
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

/* The schema, one migration per version. {ID} and {CTEXT} are the back end's id column and byte-compared text;
 * everything else is SQL both accept. A migration, once released, never changes: a new version is added. */
static const char *const migrations[] = {
	/* 1: sessions, their checklist items, notes, accounts, cohorts, tokens, the xAPI queue */
	"CREATE TABLE sessions ("
	" id {ID},"
	" sha256 {CTEXT} NOT NULL UNIQUE,"           /* of the record's text */
	" header_sha256 {CTEXT} NOT NULL,"           /* of its first line: one session, however much was written */
	" trainee TEXT NOT NULL,"
	" scenario_id TEXT NOT NULL,"
	" scenario_title TEXT NOT NULL,"
	" scenario_sha256 {CTEXT} NOT NULL,"
	" started_at {CTEXT} NOT NULL,"
	" duration_s DOUBLE PRECISION NOT NULL,"
	" complete INTEGER NOT NULL,"
	" passed INTEGER NOT NULL,"
	" score DOUBLE PRECISION NOT NULL,"
	" outcome TEXT NOT NULL,"
	" attempt INTEGER NOT NULL,"
	" origin TEXT NOT NULL,"
	" imported_at TEXT NOT NULL,"
	" record TEXT NOT NULL,"
	" report TEXT NOT NULL);"
	"CREATE INDEX sessions_header ON sessions (header_sha256);"
	"CREATE INDEX sessions_trainee ON sessions (trainee, scenario_id, started_at);"
	"CREATE INDEX sessions_scenario ON sessions (scenario_id, started_at);"
	"CREATE INDEX sessions_started ON sessions (started_at);"
	"CREATE TABLE items ("
	" session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
	" idx INTEGER NOT NULL,"
	" item_id TEXT NOT NULL,"
	" text TEXT NOT NULL,"
	" critical INTEGER NOT NULL,"
	" status TEXT NOT NULL,"
	" time_s DOUBLE PRECISION,"
	" points DOUBLE PRECISION NOT NULL,"
	" PRIMARY KEY (session_id, idx));"
	"CREATE TABLE notes ("
	" id {ID},"
	" session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
	" t DOUBLE PRECISION NOT NULL,"
	" author TEXT NOT NULL,"
	" text TEXT NOT NULL,"
	" created_at TEXT NOT NULL);"
	"CREATE INDEX notes_session ON notes (session_id, t);"
	"CREATE TABLE users ("
	" id {ID},"
	" name TEXT NOT NULL UNIQUE,"
	" role TEXT NOT NULL CHECK (role IN ('trainee', 'instructor', 'admin')),"
	" pwhash TEXT NOT NULL,"
	" created_at TEXT NOT NULL);"
	"CREATE TABLE cohorts ("
	" cohort TEXT NOT NULL,"
	" member TEXT NOT NULL,"
	" PRIMARY KEY (cohort, member));"
	"CREATE INDEX cohorts_member ON cohorts (member);"
	"CREATE TABLE tokens ("
	" kind TEXT NOT NULL,"
	" secret_sha256 TEXT NOT NULL,"
	" user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	" expires_unix BIGINT NOT NULL,"
	" PRIMARY KEY (kind, secret_sha256));"
	"CREATE TABLE xapi_queue ("
	" id {ID},"
	" session_id BIGINT REFERENCES sessions (id) ON DELETE SET NULL,"
	" statement_id TEXT NOT NULL UNIQUE,"
	" statement TEXT NOT NULL,"
	" tries INTEGER NOT NULL DEFAULT 0,"
	" next_unix BIGINT NOT NULL DEFAULT 0,"
	" last_error TEXT,"
	" done INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX xapi_due ON xapi_queue (done, next_unix, id);",
	/* 2: the cohort view reads items from this index alone (no row of the table) */
	"CREATE INDEX items_cohort ON items (session_id, item_id, status, time_s, critical, idx);"
	"CREATE INDEX sessions_cohort ON sessions (scenario_id, started_at, trainee, passed, complete, attempt);"
	"DROP INDEX sessions_scenario;",
};

static scrub_result expand_migration(const scrub_store *s, const char *sql, scrub_buf *out)
{
	for (const char *p = sql; *p;) {
		if (strncmp(p, "{ID}", 4) == 0) {
			scrub_buf_puts(out, s->ops->id_type);
			p += 4;
		} else if (strncmp(p, "{CTEXT}", 7) == 0) {
			scrub_buf_puts(out, s->ops->ctext_type);
			p += 7;
		} else {
			scrub_buf_append(out, p++, 1);
		}
	}
	return out->oom ? SCRUB_ERR_NOMEM : SCRUB_OK;
}

static scrub_result read_version(scrub_store *s, int *v, store_err *err)
{
	scrub_arena a;
	scrub_arena_init(&a);
	db_rows rows;
	scrub_result r = store_q(s, &a, &rows, err, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", 0);
	if (r == SCRUB_OK)
		*v = (int)db_int(&rows, 0, 0);
	scrub_arena_fini(&a);
	return r;
}

static scrub_result migrate(scrub_store *s, store_err *err)
{
	/* PostgreSQL's CREATE TABLE IF NOT EXISTS races when two processes open a new database at once (both see no
	 * table; the second fails on the catalog's unique index): a transaction-level advisory lock orders them */
	bool pg = s->ops == &store_pg_ops;
	scrub_result r = pg ? store_begin(s, err) : SCRUB_OK;
	if (r == SCRUB_OK && pg)
		r = store_q(s, NULL, NULL, err, "SELECT pg_advisory_xact_lock(?)", 1, db_i(0x5c2b5707));
	if (r == SCRUB_OK)
		r = s->ops->exec(s, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
		                 "applied_at TEXT NOT NULL)", err);
	if (pg)
		r = r == SCRUB_OK ? store_commit(s, err) : (store_rollback(s), r);
	int n = (int)(sizeof migrations / sizeof migrations[0]);
	int current = 0;
	if (r == SCRUB_OK)
		r = read_version(s, &current, err);
	/* an up-to-date store (the usual case: a server opens one connection per worker) takes no lock */
	for (int v = current + 1; r == SCRUB_OK && v <= n; v++) {
		/* each in its own transaction; the version is read again inside it, so that two processes opening a
		 * new store at once apply each migration once (the second waits for the first's lock) */
		if ((r = store_begin(s, err)) != SCRUB_OK)
			break;
		if (s->ops == &store_pg_ops)
			r = s->ops->exec(s, "LOCK TABLE schema_migrations IN EXCLUSIVE MODE", err);
		int have = 0;
		if (r == SCRUB_OK)
			r = read_version(s, &have, err);
		if (r == SCRUB_OK && have < v) {
			scrub_buf sql;
			scrub_buf_init(&sql);
			r = expand_migration(s, migrations[v - 1], &sql);
			if (r == SCRUB_OK)
				r = s->ops->exec(s, sql.data, err);
			scrub_buf_fini(&sql);
			char now[32];
			store_now_iso(now);
			if (r == SCRUB_OK)
				r = store_q(s, NULL, NULL, err, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", 2,
				            db_i(v), db_s(now));
			if (r != SCRUB_OK) {
				char why[sizeof err->msg];
				snprintf(why, sizeof why, "%s", err->msg);
				store_fail(err, r, "migration %d failed: %s", v, why);
			}
		}
		if (r == SCRUB_OK)
			r = store_commit(s, err);
		else
			store_rollback(s);
	}
	if (r == SCRUB_OK)
		r = read_version(s, &s->version, err);
	if (r == SCRUB_OK && s->version > n)
		r = store_fail(err, SCRUB_ERR_RUNTIME, "the store's schema is version %d, newer than this scrub knows (%d): "
		               "use a newer scrub", s->version, n);
	return r;
}

scrub_result store_open(const char *url, scrub_store **out, store_err *err)
{
	*out = NULL;
	if (!url || !*url)
		return store_fail(err, SCRUB_ERR_USAGE, "no store given (a path, sqlite:PATH or postgresql://...)");
	scrub_store *s = calloc(1, sizeof *s);
	if (!s)
		return store_fail(err, SCRUB_ERR_NOMEM, "out of memory");
	const char *target = url;
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		s->ops = &store_pg_ops;
	} else {
		s->ops = &store_sqlite_ops;
		if (strncmp(url, "sqlite:", 7) == 0)
			target = url + 7;
		if (strncmp(target, "//", 2) == 0)
			target += 2; /* sqlite:///abs/path */
		if (!*target) {
			free(s);
			return store_fail(err, SCRUB_ERR_USAGE, "no path in the store URL '%s'", url);
		}
		if (strchr(target, '/') && mkdir_parents(target) != 0) {
			free(s);
			return store_fail(err, SCRUB_ERR_IO, "cannot create the folder of %s: %s", target, strerror(errno));
		}
	}
	scrub_result r = s->ops->open(s, target, err);
	if (r != SCRUB_OK) {
		free(s);
		return r;
	}
	r = migrate(s, err);
	if (r != SCRUB_OK) {
		store_close(s);
		return r;
	}
	*out = s;
	return SCRUB_OK;
}

void store_close(scrub_store *s)
{
	if (!s)
		return;
	store_rollback(s);
	if (s->conn)
		s->ops->close(s);
	free(s);
}

int store_schema_version(scrub_store *s) { return s->version; }
const char *store_backend(const scrub_store *s) { return s->ops->name; }

/* ---- What a record gives: the replay's session, its report and index rows ------------------------------ */

typedef struct derived {
	record_data rec;
	scenario *scn;
	sim_session *sess;
	scrub_buf report;
	scrub_arena a;
	char sha256[65], header_sha256[65];
	const char *started;
	size_t body_len;             /* up to the last newline: the lines written whole */
	sim_score score;
} derived;

/* What PostgreSQL accepts as text: UTF-8 without NUL, overlong forms or surrogates (SQLite gets the same rule). */
static bool utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t k = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
		if (!k || c < 0xC2 || c > 0xF4 || i + k >= n)
			return false;
		for (size_t j = 1; j <= k; j++)
			if ((s[i + j] & 0xC0) != 0x80)
				return false;
		unsigned c1 = s[i + 1];
		if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))
			return false;
		i += k + 1;
	}
	return true;
}

static void derived_fini(derived *d)
{
	sim_session_destroy(&d->sess);
	scenario_destroy(&d->scn);
	record_data_fini(&d->rec);
	scrub_buf_fini(&d->report);
	scrub_arena_fini(&d->a);
}

static scrub_result derive(const char *text, size_t len, derived *d, store_err *err)
{
	memset(d, 0, sizeof *d);
	scrub_buf_init(&d->report);
	scrub_arena_init(&d->a);
	scrub_arena_init(&d->rec.arena);
	if (len == 0)
		return store_fail(err, SCRUB_ERR_INVALID, "the record is empty");
	if (!utf8_ok((const unsigned char *)text, len))
		return store_fail(err, SCRUB_ERR_INVALID, "the record is not UTF-8 text (or holds NUL bytes)");
	store_sha256_hex(text, len, d->sha256);
	const char *nl = memchr(text, '\n', len);
	size_t hlen = nl ? (size_t)(nl - text) : len;
	store_sha256_hex(text, hlen, d->header_sha256);
	d->body_len = len;
	while (d->body_len && text[d->body_len - 1] != '\n')
		d->body_len--;

	scrub_diags diags;
	scrub_diags_init(&diags, "record", NULL, 0);
	record_data_fini(&d->rec);
	scrub_result r = record_read_text("record", text, len, &d->rec, &diags);
	report_timeline tl;
	report_timeline_init(&tl);
	if (r == SCRUB_OK)
		r = record_replay(&d->rec, "record", &diags, &tl, &d->scn, &d->sess);
	if (r != SCRUB_OK) {
		const scrub_diag *first = NULL;
		for (size_t i = 0; i < diags.n && !first; i++)
			if (diags.v[i].severity == SCRUB_SEV_ERROR)
				first = &diags.v[i];
		if (first && first->line > 0)
			store_fail(err, r, "line %d: %s", first->line, first->msg);
		else if (first) {
			store_fail(err, r, "%s", first->msg);
		} else {
			store_fail(err, r, "the record cannot be replayed: %s", scrub_result_str(r));
		}
		r = r == SCRUB_ERR_NOMEM ? r : SCRUB_ERR_INVALID;
	}
	if (r == SCRUB_OK && tl.oom)
		r = store_fail(err, SCRUB_ERR_NOMEM, "out of memory");
	if (r == SCRUB_OK) {
		report_info info = {.trainee = d->rec.trainee, .input = d->rec.input, .complete = d->rec.complete};
		report_write_json(d->sess, &tl, &info, &d->report);
		if (d->report.oom)
			r = store_fail(err, SCRUB_ERR_NOMEM, "out of memory");
		sim_session_score(d->sess, &d->score);
	}
	if (r == SCRUB_OK) {
		/* the header's start time (the record reader keeps what the replay needs) */
		scrub_diags hd;
		scrub_diags_init(&hd, "record", NULL, 0);
		yaml_limits lim = {.max_bytes = 64u << 20};
		yaml_node *h = yaml_parse(text, hlen, &lim, &d->a, &hd);
		yaml_node *st = h ? yaml_get(h, "started") : NULL;
		d->started = st && yaml_is_scalar(st) ? st->str : "";
		scrub_diags_fini(&hd);
	}
	report_timeline_fini(&tl);
	scrub_diags_fini(&diags);
	return r;
}

/* The derived columns of a session row (13 values, in the order of the INSERT and UPDATE below). */
static void row_values(const derived *d, db_val *v)
{
	const char *outcome = sim_session_outcome(d->sess);
	v[0] = db_s(d->rec.trainee ? d->rec.trainee : "");
	v[1] = db_s(d->scn->id);
	v[2] = db_s(d->scn->title ? d->scn->title : "");
	v[3] = db_s(d->scn->sha256);
	v[4] = db_s(d->started);
	v[5] = db_r(sim_session_time(d->sess));
	v[6] = db_i(d->rec.complete);
	v[7] = db_i(d->rec.complete && d->score.passed);
	v[8] = db_r(d->score.score);
	v[9] = db_s(outcome ? outcome : "");
	v[10] = db_sn(d->report.data ? d->report.data : "", d->report.len);
	v[11] = db_s(d->header_sha256);
	v[12] = db_s(d->sha256);
}

static scrub_result write_items(scrub_store *s, int64_t id, const derived *d, store_err *err)
{
	scrub_result r = store_q(s, NULL, NULL, err, "DELETE FROM items WHERE session_id = ?", 1, db_i(id));
	const scn_checklist *cl = &d->scn->checklist;
	const sim_item_result *res = sim_session_items(d->sess);
	/* one INSERT of up to 64 rows: fewer round trips to a server */
	for (int first = 0; r == SCRUB_OK && first < cl->n; first += 64) {
		int n = cl->n - first < 64 ? cl->n - first : 64;
		scrub_buf sql;
		scrub_buf_init(&sql);
		scrub_buf_puts(&sql, "INSERT INTO items (session_id, idx, item_id, text, critical, status, time_s, points) VALUES ");
		db_val *p = malloc(sizeof *p * (size_t)n * 8);
		for (int k = 0; k < n && p; k++) {
			int i = first + k;
			scrub_buf_puts(&sql, k ? ", (?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?)");
			db_val *q = p + k * 8;
			q[0] = db_i(id);
			q[1] = db_i(i);
			q[2] = db_s(cl->items[i].id);
			q[3] = db_s(cl->items[i].text ? cl->items[i].text : "");
			q[4] = db_i(cl->items[i].critical);
			q[5] = db_s(item_status_name(res[i].status));
			q[6] = db_r(res[i].time);
			q[6].null = !(res[i].time >= 0);
			q[7] = db_r(res[i].points);
		}
		if (!p || sql.oom)
			r = store_fail(err, SCRUB_ERR_NOMEM, "out of memory");
		else
			r = s->ops->query(s, sql.data, p, n * 8, NULL, NULL, err);
		free(p);
		scrub_buf_fini(&sql);
	}
	return r;
}

/* Attempt numbers of one trainee at one scenario: by start time (then by session and record, so the numbers do
 * not depend on the order the records came in). */
static scrub_result renumber(scrub_store *s, const char *trainee, const char *scenario_id, store_err *err)
{
	return store_q(s, NULL, NULL, err,
	               "UPDATE sessions SET attempt = (SELECT COUNT(*) FROM sessions s2 WHERE s2.trainee = sessions.trainee"
	               " AND s2.scenario_id = sessions.scenario_id AND (s2.started_at < sessions.started_at OR"
	               " (s2.started_at = sessions.started_at AND (s2.header_sha256 < sessions.header_sha256 OR"
	               " (s2.header_sha256 = sessions.header_sha256 AND s2.sha256 <= sessions.sha256)))))"
	               " WHERE trainee = ? AND scenario_id = ?", 2, db_s(trainee), db_s(scenario_id));
}

static bool starts_with(const char *s, size_t n, const char *prefix, size_t pn)
{
	return pn <= n && memcmp(s, prefix, pn) == 0;
}

scrub_result store_put_record(scrub_store *s, const char *text, size_t len, const char *origin,
                              store_put_result *out, store_err *err)
{
	memset(out, 0, sizeof *out);
	store_err local;
	if (!err)
		err = &local;
	/* the same record again: nothing to replay */
	char sha[65];
	if (len)
		store_sha256_hex(text, len, sha);
	scrub_arena a;
	scrub_arena_init(&a);
	db_rows rows;
	scrub_result r = len ? store_q(s, &a, &rows, err, "SELECT id, complete FROM sessions WHERE sha256 = ?", 1, db_s(sha))
	                     : SCRUB_OK;
	if (r == SCRUB_OK && len && rows.nrows) {
		*out = (store_put_result){.outcome = STORE_PUT_SAME, .session_id = db_int(&rows, 0, 0),
		                          .complete = db_int(&rows, 0, 1) != 0};
		memcpy(out->sha256, sha, sizeof sha);
		scrub_arena_fini(&a);
		return SCRUB_OK;
	}
	derived d;
	if (r != SCRUB_OK) {
		scrub_arena_fini(&a);
		return r;
	}
	r = derive(text, len, &d, err);
	if (r != SCRUB_OK) {
		derived_fini(&d);
		scrub_arena_fini(&a);
		return r;
	}
	memcpy(out->sha256, d.sha256, sizeof d.sha256);
	out->complete = d.rec.complete;
	char now[32];
	store_now_iso(now);
	r = store_begin(s, err);
	if (r == SCRUB_OK && s->ops == &store_pg_ops) {
		/* PostgreSQL: one writer at a time for one trainee at one scenario (a session's copies, and the attempt
		 * numbers, belong to that group); SQLite's write transaction already takes the whole store */
		char key[65];
		scrub_buf k;
		scrub_buf_init(&k);
		scrub_buf_printf(&k, "%s\n%s", d.rec.trainee ? d.rec.trainee : "", d.scn->id);
		store_sha256_hex(k.data ? k.data : "", k.len, key);
		scrub_buf_fini(&k);
		key[15] = '\0';
		r = store_q(s, NULL, NULL, err, "SELECT pg_advisory_xact_lock(?)", 1, db_i(strtoll(key, NULL, 16)));
	}
	/* another copy of this session (same header line)? */
	if (r == SCRUB_OK)
		r = store_q(s, &a, &rows, err, "SELECT id, record, sha256, complete FROM sessions WHERE header_sha256 = ? "
		            "ORDER BY id", 1, db_s(d.header_sha256));
	int64_t longer_than = 0;
	bool shorter = false, same = false;
	for (int i = 0; r == SCRUB_OK && i < rows.nrows && !longer_than && !shorter && !same; i++) {
		const char *old = db_cell(&rows, i, 1);
		size_t olen = rows.lens[i * rows.ncols + 1], obody = olen;
		while (obody && old[obody - 1] != '\n')
			obody--;
		if (strcmp(db_cell(&rows, i, 2), d.sha256) == 0) {
			same = true; /* put by another process since the first look */
			out->session_id = db_int(&rows, i, 0);
		} else if (d.body_len > obody && starts_with(text, d.body_len, old, obody)) {
			longer_than = db_int(&rows, i, 0);
		} else if (starts_with(old, obody, text, d.body_len)) {
			shorter = true;
			out->session_id = db_int(&rows, i, 0);
			out->complete = db_int(&rows, i, 3) != 0;
		}
		/* else: another session that happens to have the same header (same second, trainee and scenario) */
	}
	db_val v[16];
	row_values(&d, v);
	if (r == SCRUB_OK && (same || shorter)) {
		out->outcome = same ? STORE_PUT_SAME : STORE_PUT_SHORTER;
		store_rollback(s);
	} else if (r == SCRUB_OK) {
		if (longer_than) {
			out->outcome = STORE_PUT_LONGER;
			out->session_id = longer_than;
			r = store_q(s, NULL, NULL, err,
			            "UPDATE sessions SET trainee = ?, scenario_id = ?, scenario_title = ?, scenario_sha256 = ?,"
			            " started_at = ?, duration_s = ?, complete = ?, passed = ?, score = ?, outcome = ?, report = ?,"
			            " header_sha256 = ?, sha256 = ?, origin = ?, imported_at = ?, record = ? WHERE id = ?", 17,
			            v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], db_s(origin),
			            db_s(now), db_sn(text, len), db_i(longer_than));
		} else {
			out->outcome = STORE_PUT_NEW;
			r = store_q(s, &a, &rows, err,
			            "INSERT INTO sessions (trainee, scenario_id, scenario_title, scenario_sha256, started_at,"
			            " duration_s, complete, passed, score, outcome, report, header_sha256, sha256, origin,"
			            " imported_at, record, attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
			            " ON CONFLICT (sha256) DO NOTHING RETURNING id", 16,
			            v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], db_s(origin),
			            db_s(now), db_sn(text, len));
			if (r == SCRUB_OK && rows.nrows == 0)
				out->outcome = STORE_PUT_SAME; /* put by another process in between */
			else if (r == SCRUB_OK)
				out->session_id = db_int(&rows, 0, 0);
		}
		if (r == SCRUB_OK && out->outcome != STORE_PUT_SAME)
			r = write_items(s, out->session_id, &d, err);
		if (r == SCRUB_OK && out->outcome != STORE_PUT_SAME)
			r = renumber(s, d.rec.trainee ? d.rec.trainee : "", d.scn->id, err);
		if (r == SCRUB_OK && out->outcome != STORE_PUT_SAME)
			r = store_commit(s, err);
		else
			store_rollback(s);
	}
	derived_fini(&d);
	scrub_arena_fini(&a);
	return r;
}

/* ---- Rebuilding the index from the records kept ----------------------------------------------------------- */

scrub_result store_rebuild(scrub_store *s, void (*progress)(void *user, int done, int total), void *user,
                           int *nsessions, store_err *err)
{
	scrub_arena a;
	scrub_arena_init(&a);
	db_rows ids;
	*nsessions = 0;
	scrub_result r = store_q(s, &a, &ids, err, "SELECT id FROM sessions ORDER BY id", 0);
	for (int i = 0; r == SCRUB_OK && i < ids.nrows; i++) {
		int64_t id = db_int(&ids, i, 0);
		scrub_arena ra;
		scrub_arena_init(&ra);
		db_rows rec;
		r = store_q(s, &ra, &rec, err, "SELECT record, trainee, scenario_id FROM sessions WHERE id = ?", 1, db_i(id));
		derived d;
		bool have_d = false;
		if (r == SCRUB_OK && rec.nrows == 1) {
			r = derive(db_cell(&rec, 0, 0), rec.lens[0], &d, err);
			have_d = true;
			if (r == SCRUB_ERR_INVALID) {
				char why[sizeof err->msg];
				snprintf(why, sizeof why, "%s", err->msg);
				r = store_fail(err, r, "session %lld: its record no longer replays: %s", (long long)id, why);
			}
			db_val v[16];
			if (r == SCRUB_OK) {
				row_values(&d, v);
				r = store_begin(s, err);
			}
			if (r == SCRUB_OK)
				r = store_q(s, NULL, NULL, err,
				            "UPDATE sessions SET trainee = ?, scenario_id = ?, scenario_title = ?, scenario_sha256 = ?,"
				            " started_at = ?, duration_s = ?, complete = ?, passed = ?, score = ?, outcome = ?,"
				            " report = ?, header_sha256 = ?, sha256 = ? WHERE id = ?", 14,
				            v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], db_i(id));
			if (r == SCRUB_OK)
				r = write_items(s, id, &d, err);
			/* the old and the new group both renumbered */
			if (r == SCRUB_OK)
				r = renumber(s, db_cell(&rec, 0, 1), db_cell(&rec, 0, 2), err);
			if (r == SCRUB_OK)
				r = renumber(s, d.rec.trainee ? d.rec.trainee : "", d.scn->id, err);
			if (r == SCRUB_OK)
				r = store_commit(s, err);
			else
				store_rollback(s);
		}
		if (have_d)
			derived_fini(&d);
		scrub_arena_fini(&ra);
		if (r == SCRUB_OK)
			++*nsessions;
		if (progress)
			progress(user, i + 1, ids.nrows);
	}
	scrub_arena_fini(&a);
	return r;
}

scrub_result store_dump(scrub_store *s, scrub_buf *out, store_err *err)
{
	scrub_arena a;
	scrub_arena_init(&a);
	db_rows rows;
	scrub_result r = store_q(s, &a, &rows, err,
	                         "SELECT sha256, header_sha256, trainee, scenario_id, scenario_title, scenario_sha256,"
	                         " started_at, duration_s, complete, passed, score, outcome, attempt, report, id"
	                         " FROM sessions ORDER BY sha256", 0);
	for (int i = 0; r == SCRUB_OK && i < rows.nrows; i++) {
		char rsha[65];
		store_sha256_hex(db_cell(&rows, i, 13), rows.lens[i * rows.ncols + 13], rsha);
		scrub_buf_printf(out, "session %s header %s trainee %s scenario %s (%s) %s started %s duration %.6f "
		                 "complete %s passed %s score %.6f outcome %s attempt %s report %s\n",
		                 db_cell(&rows, i, 0), db_cell(&rows, i, 1), db_cell(&rows, i, 2), db_cell(&rows, i, 3),
		                 db_cell(&rows, i, 4), db_cell(&rows, i, 5), db_cell(&rows, i, 6), db_real(&rows, i, 7),
		                 db_cell(&rows, i, 8), db_cell(&rows, i, 9), db_real(&rows, i, 10), db_cell(&rows, i, 11),
		                 db_cell(&rows, i, 12), rsha);
		db_rows items;
		r = store_q(s, &a, &items, err, "SELECT idx, item_id, text, critical, status, time_s, points FROM items"
		            " WHERE session_id = ? ORDER BY idx", 1, db_i(db_int(&rows, i, 14)));
		for (int k = 0; r == SCRUB_OK && k < items.nrows; k++)
			scrub_buf_printf(out, "  item %s %s critical %s status %s time %.6f points %.6f: %s\n",
			                 db_cell(&items, k, 0), db_cell(&items, k, 1), db_cell(&items, k, 3),
			                 db_cell(&items, k, 4), db_cell(&items, k, 5) ? db_real(&items, k, 5) : -1.0,
			                 db_real(&items, k, 6), db_cell(&items, k, 2));
	}
	if (r == SCRUB_OK && out->oom)
		r = store_fail(err, SCRUB_ERR_NOMEM, "out of memory");
	scrub_arena_fini(&a);
	return r;
}
