/* The records store on PostgreSQL (store_internal.h), through libpq: one connection, parameterised statements
 * only (PQexecParams with typed parameters); the store's constant SQL has its `?` numbered as $1, $2 ... */
#include "store_internal.h"

#include <libpq-fe.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#define CONN(s) ((PGconn *)(s)->conn)

enum { OID_INT8 = 20, OID_TEXT = 25, OID_FLOAT8 = 701 };

static void quiet_notices(void *arg, const char *msg) { (void)arg, (void)msg; }

static scrub_result pg_fail(scrub_store *s, PGresult *res, store_err *err)
{
	const char *m = res ? PQresultErrorMessage(res) : NULL;
	if (!m || !*m)
		m = PQerrorMessage(CONN(s));
	char buf[sizeof err->msg];
	snprintf(buf, sizeof buf, "%s", m);
	size_t l = strlen(buf);
	while (l && (buf[l - 1] == '\n' || buf[l - 1] == ' '))
		buf[--l] = '\0';
	if (res)
		PQclear(res);
	return store_fail(err, SCRUB_ERR_IO, "postgresql: %s", buf);
}

static scrub_result pg_open(scrub_store *s, const char *url, store_err *err)
{
	PGconn *c = PQconnectdb(url);
	s->conn = c;
	if (!c)
		return store_fail(err, SCRUB_ERR_NOMEM, "out of memory");
	if (PQstatus(c) != CONNECTION_OK) {
		scrub_result r = pg_fail(s, NULL, err);
		PQfinish(c);
		s->conn = NULL;
		return r;
	}
	PQsetNoticeProcessor(c, quiet_notices, NULL);
	if (PQsetClientEncoding(c, "UTF8") != 0) {
		scrub_result r = pg_fail(s, NULL, err);
		PQfinish(c);
		s->conn = NULL;
		return r;
	}
	return SCRUB_OK;
}

static void pg_close(scrub_store *s)
{
	PQfinish(CONN(s));
	s->conn = NULL;
}

static scrub_result pg_exec(scrub_store *s, const char *sql, store_err *err)
{
	PGresult *res = PQexec(CONN(s), sql);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return pg_fail(s, res, err);
	PQclear(res);
	return SCRUB_OK;
}

/* `?` -> $n outside quoted text. */
static void number_params(const char *sql, scrub_buf *out)
{
	int n = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '?') {
			scrub_buf_printf(out, "$%d", ++n);
			continue;
		}
		scrub_buf_append(out, p, 1);
	}
}

static scrub_result pg_query(scrub_store *s, const char *sql, const db_val *p, int np, scrub_arena *a, db_rows *out,
                             store_err *err)
{
	if (out)
		*out = (db_rows){0};
	scrub_buf q;
	scrub_buf_init(&q);
	number_params(sql, &q);
	Oid *types = calloc((size_t)np + 1, sizeof *types);
	const char **vals = calloc((size_t)np + 1, sizeof *vals);
	int *lens = calloc((size_t)np + 1, sizeof *lens), *formats = calloc((size_t)np + 1, sizeof *formats);
	char (*num)[40] = calloc((size_t)np + 1, sizeof *num);
	scrub_result r = SCRUB_OK;
	if (q.oom || !types || !vals || !lens || !formats || !num) {
		r = store_fail(err, SCRUB_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (int i = 0; i < np; i++) {
		types[i] = p[i].type == DB_TEXT ? OID_TEXT : p[i].type == DB_INT ? OID_INT8 : OID_FLOAT8;
		if (p[i].null) {
			vals[i] = NULL;
		} else if (p[i].type == DB_TEXT) {
			/* text in the binary format: its bytes, with their length (a part of a longer string may be given) */
			if (p[i].len > INT_MAX) {
				r = store_fail(err, SCRUB_ERR_LIMIT, "a value larger than 2 GiB");
				goto done;
			}
			vals[i] = p[i].s;
			lens[i] = (int)p[i].len;
			formats[i] = 1;
		} else if (p[i].type == DB_INT) {
			snprintf(num[i], sizeof num[i], "%lld", (long long)p[i].i);
			vals[i] = num[i];
		} else {
			snprintf(num[i], sizeof num[i], "%.17g", p[i].d);
			vals[i] = num[i];
		}
	}
	PGresult *res = PQexecParams(CONN(s), q.data, np, types, vals, lens, formats, 0);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		r = pg_fail(s, res, err);
		goto done;
	}
	if (out && st == PGRES_TUPLES_OK) {
		int nr = PQntuples(res), nc = PQnfields(res);
		const char **cells = SCRUB_ARENA_NEW(a, const char *, (size_t)(nr ? nr : 1) * (size_t)(nc ? nc : 1));
		size_t *cl = SCRUB_ARENA_NEW(a, size_t, (size_t)(nr ? nr : 1) * (size_t)(nc ? nc : 1));
		if (!cells || !cl) {
			r = store_fail(err, SCRUB_ERR_NOMEM, "out of memory");
		}
		for (int i = 0; i < nr && r == SCRUB_OK; i++) {
			for (int c = 0; c < nc && r == SCRUB_OK; c++) {
				size_t k = (size_t)i * (size_t)nc + (size_t)c;
				if (PQgetisnull(res, i, c)) {
					cells[k] = NULL, cl[k] = 0;
					continue;
				}
				size_t len = (size_t)PQgetlength(res, i, c);
				cells[k] = scrub_arena_strndup(a, PQgetvalue(res, i, c), len);
				cl[k] = len;
				if (!cells[k])
					r = store_fail(err, SCRUB_ERR_NOMEM, "out of memory");
			}
		}
		if (r == SCRUB_OK)
			*out = (db_rows){.nrows = nr, .ncols = nc, .cells = cells, .lens = cl};
	}
	PQclear(res);
done:
	scrub_buf_fini(&q);
	free(types);
	free(vals);
	free(lens);
	free(formats);
	free(num);
	return r;
}

const db_ops store_pg_ops = {
	.name = "postgresql",
	.begin_sql = "BEGIN",
	.id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.ctext_type = "TEXT COLLATE \"C\"",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.query = pg_query,
};
