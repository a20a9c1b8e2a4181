/* The records store's inside: one small interface over the two back ends (store_sqlite.c, store_pg.c), so that
 * the store's logic and its SQL are written once (store.c, store_query.c, store_account.c).
 *
 * SQL is constant text with `?` placeholders; the PostgreSQL back end numbers them ($1, $2 ...). The only SQL
 * assembled at run time is made of constant pieces (a list of `?` for an IN list, the pieces of a filter): never
 * of a value. Values travel as typed parameters. Results come back as text (NULL for SQL NULL) in an arena. */
#ifndef SCRUB_STORE_INTERNAL_H
#define SCRUB_STORE_INTERNAL_H

#include "store.h"

#include <string.h>

typedef enum db_type { DB_TEXT, DB_INT, DB_REAL } db_type;

typedef struct db_val {
	db_type type;
	bool null;
	const char *s;
	size_t len;
	int64_t i;
	double d;
} db_val;

static inline db_val db_s(const char *s) { return (db_val){.type = DB_TEXT, .null = !s, .s = s, .len = s ? strlen(s) : 0}; }
static inline db_val db_sn(const char *s, size_t n) { return (db_val){.type = DB_TEXT, .s = s, .len = n}; }
static inline db_val db_i(int64_t i) { return (db_val){.type = DB_INT, .i = i}; }
static inline db_val db_r(double d) { return (db_val){.type = DB_REAL, .d = d}; }

typedef struct db_rows {
	int nrows, ncols;
	const char **cells;          /* nrows * ncols; NULL for SQL NULL */
	size_t *lens;
} db_rows;

typedef struct db_ops {
	const char *name;            /* "sqlite", "postgresql" */
	const char *begin_sql;       /* a write transaction */
	const char *id_type;         /* an id column that numbers itself */
	const char *ctext_type;      /* text compared byte by byte (ISO dates, hashes) */
	scrub_result (*open)(scrub_store *s, const char *target, store_err *err);
	void (*close)(scrub_store *s);
	/* Statements without parameters (several, separated by ';'). */
	scrub_result (*exec)(scrub_store *s, const char *sql, store_err *err);
	/* One statement; `out` (may be NULL) gets its rows in `a`. */
	scrub_result (*query)(scrub_store *s, const char *sql, const db_val *p, int np, scrub_arena *a, db_rows *out,
	                      store_err *err);
} db_ops;

struct scrub_store {
	const db_ops *ops;
	void *conn;
	int version;
	int in_tx;
};

extern const db_ops store_sqlite_ops;
extern const db_ops store_pg_ops;

static inline const char *db_cell(const db_rows *r, int row, int col) { return r->cells[row * r->ncols + col]; }
int64_t db_int(const db_rows *r, int row, int col);
double db_real(const db_rows *r, int row, int col);

/* store_err's message, printf style; returns `res`. */
scrub_result store_fail(store_err *err, scrub_result res, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

scrub_result store_begin(scrub_store *s, store_err *err);
scrub_result store_commit(scrub_store *s, store_err *err);
void store_rollback(scrub_store *s);

/* A query with its parameters as arguments: q(s, a, &rows, err, SQL, n, v0, v1...). */
scrub_result store_q(scrub_store *s, scrub_arena *a, db_rows *out, store_err *err, const char *sql, int np, ...);

/* Appends the filter's conditions (" AND ...", on sessions aliased `s`) to `sql`; returns the parameters in `a`:
 * first[0..nfirst) and then the filter's (*np in all). NULL when out of memory. */
db_val *store_filter_build(const store_filter *f, scrub_arena *a, scrub_buf *sql, const db_val *first, int nfirst,
                           int *np);

/* sha256 of bytes, as 64 hex digits. */
void store_sha256_hex(const void *data, size_t len, char out[65]);
/* Now, ISO 8601 UTC. */
void store_now_iso(char out[32]);

#endif
