/* The records store on SQLite (store_internal.h): one file, write-ahead log, a busy timeout so that several
 * processes (an import beside a server) wait for each other instead of failing. */
#include "store_internal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#define DB(s) ((sqlite3 *)(s)->conn)

static scrub_result sq_exec(scrub_store *s, const char *sql, store_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(DB(s), sql, NULL, NULL, &msg) != SQLITE_OK) {
		scrub_result r = store_fail(err, SCRUB_ERR_IO, "sqlite: %s", msg ? msg : sqlite3_errmsg(DB(s)));
		sqlite3_free(msg);
		return r;
	}
	return SCRUB_OK;
}

static scrub_result sq_open(scrub_store *s, const char *path, store_err *err)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		scrub_result r = store_fail(err, SCRUB_ERR_IO, "cannot open %s: %s", path,
		                            db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return r;
	}
	s->conn = db;
	sqlite3_busy_timeout(db, 30000);
	sqlite3_extended_result_codes(db, 1);
	/* WAL: readers (the server's pages) never wait for a writer (an import); synchronous FULL: a commit
	 * that returned is on disk, even after a power cut. */
	scrub_result r = sq_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", err);
	if (r != SCRUB_OK) {
		sqlite3_close(db);
		s->conn = NULL;
	}
	return r;
}

static void sq_close(scrub_store *s)
{
	sqlite3_close(DB(s));
	s->conn = NULL;
}

static scrub_result sq_query(scrub_store *s, const char *sql, const db_val *p, int np, scrub_arena *a, db_rows *out,
                             store_err *err)
{
	sqlite3_stmt *st = NULL;
	if (out)
		*out = (db_rows){0};
	if (sqlite3_prepare_v2(DB(s), sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(err, SCRUB_ERR_IO, "sqlite: %s", sqlite3_errmsg(DB(s)));
	for (int i = 0; i < np; i++) {
		int rc;
		if (p[i].null)
			rc = sqlite3_bind_null(st, i + 1);
		else if (p[i].type == DB_TEXT)
			rc = sqlite3_bind_text64(st, i + 1, p[i].s, p[i].len, SQLITE_STATIC, SQLITE_UTF8);
		else if (p[i].type == DB_INT)
			rc = sqlite3_bind_int64(st, i + 1, p[i].i);
		else
			rc = sqlite3_bind_double(st, i + 1, p[i].d);
		if (rc != SQLITE_OK) {
			sqlite3_finalize(st);
			return store_fail(err, SCRUB_ERR_IO, "sqlite: %s", sqlite3_errstr(rc));
		}
	}
	int ncols = sqlite3_column_count(st), cap = 0, n = 0;
	const char **cells = NULL;
	size_t *lens = NULL;
	scrub_result r = SCRUB_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!out || !ncols)
			continue;
		if (n == cap) {
			int ncap = cap ? cap * 2 : 16;
			const char **nc = SCRUB_ARENA_NEW(a, const char *, (size_t)ncap * (size_t)ncols);
			size_t *nl = SCRUB_ARENA_NEW(a, size_t, (size_t)ncap * (size_t)ncols);
			if (!nc || !nl) {
				r = store_fail(err, SCRUB_ERR_NOMEM, "out of memory");
				break;
			}
			if (n) {
				memcpy(nc, cells, sizeof *cells * (size_t)n * (size_t)ncols);
				memcpy(nl, lens, sizeof *lens * (size_t)n * (size_t)ncols);
			}
			cells = nc, lens = nl, cap = ncap;
		}
		for (int c = 0; c < ncols && r == SCRUB_OK; c++) {
			size_t k = (size_t)n * (size_t)ncols + (size_t)c;
			int t = sqlite3_column_type(st, c);
			char num[40];
			const char *v = NULL;
			size_t len = 0;
			if (t == SQLITE_NULL) {
				cells[k] = NULL, lens[k] = 0;
				continue;
			} else if (t == SQLITE_FLOAT) {
				len = (size_t)snprintf(num, sizeof num, "%.17g", sqlite3_column_double(st, c));
				v = num;
			} else if (t == SQLITE_INTEGER) {
				len = (size_t)snprintf(num, sizeof num, "%lld", (long long)sqlite3_column_int64(st, c));
				v = num;
			} else {
				v = (const char *)sqlite3_column_text(st, c);
				len = (size_t)sqlite3_column_bytes(st, c);
			}
			char *copy = scrub_arena_strndup(a, v ? v : "", len);
			if (!copy)
				r = store_fail(err, SCRUB_ERR_NOMEM, "out of memory");
			cells[k] = copy, lens[k] = len;
		}
		if (r != SCRUB_OK)
			break;
		n++;
	}
	if (r == SCRUB_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = store_fail(err, SCRUB_ERR_IO, "sqlite: %s", sqlite3_errmsg(DB(s)));
	sqlite3_finalize(st);
	if (r == SCRUB_OK && out)
		*out = (db_rows){.nrows = n, .ncols = ncols, .cells = cells, .lens = lens};
	return r;
}

const db_ops store_sqlite_ops = {
	.name = "sqlite",
	.begin_sql = "BEGIN IMMEDIATE",
	.id_type = "INTEGER PRIMARY KEY",
	.ctext_type = "TEXT",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.query = sq_query,
};
