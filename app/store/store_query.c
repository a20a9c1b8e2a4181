/* The records store's views (store.h): sessions by filter, one session, its record, the cohort and trainee views
 * and the instructor's notes. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>

db_val *store_filter_build(const store_filter *f, scrub_arena *a, scrub_buf *sql, const db_val *first, int nfirst,
                           int *np)
{
	int cap = nfirst + 8 + (f && f->trainees ? f->ntrainees : 0);
	db_val *p = SCRUB_ARENA_NEW(a, db_val, cap);
	if (!p)
		return NULL;
	int n = 0;
	for (int i = 0; i < nfirst; i++)
		p[n++] = first[i];
	if (f) {
		if (f->trainee)
			scrub_buf_puts(sql, " AND s.trainee = ?"), p[n++] = db_s(f->trainee);
		if (f->scenario_id)
			scrub_buf_puts(sql, " AND s.scenario_id = ?"), p[n++] = db_s(f->scenario_id);
		if (f->from)
			scrub_buf_puts(sql, " AND s.started_at >= ?"), p[n++] = db_s(f->from);
		if (f->to) {
			/* inclusive: a date takes in the whole day ("~" sorts after the digits, "T", ":" and "Z") */
			char *to = scrub_arena_printf(a, "%s~", f->to);
			if (!to)
				return NULL;
			scrub_buf_puts(sql, " AND s.started_at < ?"), p[n++] = db_s(to);
		}
		if (f->passed >= 0)
			scrub_buf_puts(sql, " AND s.passed = ?"), p[n++] = db_i(f->passed != 0);
		if (f->complete >= 0)
			scrub_buf_puts(sql, " AND s.complete = ?"), p[n++] = db_i(f->complete != 0);
		if (f->trainees && f->ntrainees <= 0) {
			scrub_buf_puts(sql, " AND 1 = 0");
		} else if (f->trainees) {
			scrub_buf_puts(sql, " AND s.trainee IN (");
			for (int i = 0; i < f->ntrainees; i++) {
				scrub_buf_puts(sql, i ? ", ?" : "?");
				p[n++] = db_s(f->trainees[i]);
			}
			scrub_buf_puts(sql, ")");
		}
	}
	*np = n;
	return sql->oom ? NULL : p;
}

#define SESSION_COLS "s.id, s.sha256, s.trainee, s.scenario_id, s.scenario_title, s.started_at, s.duration_s," \
	" s.complete, s.passed, s.score, s.outcome, s.attempt"

static void session_from_row(const db_rows *r, int i, store_session *o)
{
	memset(o, 0, sizeof *o);
	o->id = db_int(r, i, 0);
	snprintf(o->sha256, sizeof o->sha256, "%s", db_cell(r, i, 1));
	o->trainee = db_cell(r, i, 2);
	o->scenario_id = db_cell(r, i, 3);
	o->scenario_title = db_cell(r, i, 4);
	o->started_at = db_cell(r, i, 5);
	o->duration_s = db_real(r, i, 6);
	o->complete = db_int(r, i, 7) != 0;
	o->passed = db_int(r, i, 8) != 0;
	o->score = db_real(r, i, 9);
	o->outcome = db_cell(r, i, 10);
	o->attempt = (int)db_int(r, i, 11);
}

static scrub_result oom(store_err *err) { return store_fail(err, SCRUB_ERR_NOMEM, "out of memory"); }

scrub_result store_list_sessions(scrub_store *s, const store_filter *f, scrub_arena *a, store_session **out,
                                 int *n, int *total, store_err *err)
{
	*out = NULL;
	*n = 0;
	if (total)
		*total = 0;
	scrub_buf where;
	scrub_buf_init(&where);
	scrub_buf_puts(&where, " WHERE 1 = 1");
	int np = 0;
	db_val *p = store_filter_build(f, a, &where, NULL, 0, &np);
	scrub_buf sql;
	scrub_buf_init(&sql);
	scrub_result r = SCRUB_OK;
	db_rows rows;
	if (!p) {
		r = oom(err);
		goto done;
	}
	if (total) {
		scrub_buf_printf(&sql, "SELECT COUNT(*) FROM sessions s%s", where.data);
		if (sql.oom) {
			r = oom(err);
			goto done;
		}
		r = s->ops->query(s, sql.data, p, np, a, &rows, err);
		if (r != SCRUB_OK)
			goto done;
		*total = (int)db_int(&rows, 0, 0);
		scrub_buf_clear(&sql);
	}
	db_val *pl = SCRUB_ARENA_NEW(a, db_val, np + 2);
	if (!pl) {
		r = oom(err);
		goto done;
	}
	memcpy(pl, p, sizeof *p * (size_t)np);
	int limit = f && f->limit > 0 ? f->limit : 100;
	pl[np] = db_i(limit);
	pl[np + 1] = db_i(f && f->offset > 0 ? f->offset : 0);
	scrub_buf_printf(&sql, "SELECT " SESSION_COLS " FROM sessions s%s ORDER BY s.started_at DESC, s.id DESC"
	                 " LIMIT ? OFFSET ?", where.data);
	if (sql.oom) {
		r = oom(err);
		goto done;
	}
	r = s->ops->query(s, sql.data, pl, np + 2, a, &rows, err);
	if (r != SCRUB_OK)
		goto done;
	store_session *v = SCRUB_ARENA_NEW(a, store_session, rows.nrows ? rows.nrows : 1);
	if (!v) {
		r = oom(err);
		goto done;
	}
	for (int i = 0; i < rows.nrows; i++)
		session_from_row(&rows, i, &v[i]);
	*out = v;
	*n = rows.nrows;
done:
	scrub_buf_fini(&sql);
	scrub_buf_fini(&where);
	return r;
}

scrub_result store_get_session(scrub_store *s, int64_t id, scrub_arena *a, store_session *out, store_err *err)
{
	db_rows rows;
	scrub_result r = store_q(s, a, &rows, err, "SELECT " SESSION_COLS " FROM sessions s WHERE s.id = ?", 1, db_i(id));
	if (r != SCRUB_OK)
		return r;
	if (rows.nrows == 0)
		return store_fail(err, SCRUB_DONE, "no session %lld", (long long)id);
	session_from_row(&rows, 0, out);
	return SCRUB_OK;
}

scrub_result store_get_record(scrub_store *s, int64_t id, scrub_arena *a, const char **record, size_t *record_len,
                              const char **report, size_t *report_len, store_err *err)
{
	db_rows rows;
	scrub_result r = store_q(s, a, &rows, err, "SELECT record, report FROM sessions WHERE id = ?", 1, db_i(id));
	if (r != SCRUB_OK)
		return r;
	if (rows.nrows == 0)
		return store_fail(err, SCRUB_DONE, "no session %lld", (long long)id);
	*record = db_cell(&rows, 0, 0);
	*record_len = rows.lens[0];
	*report = db_cell(&rows, 0, 1);
	*report_len = rows.lens[1];
	return SCRUB_OK;
}

/* The grouped item rows (item_id, text, critical, sessions, missed, ntimes) as store_item_stat, times to come. */
static scrub_result items_from_rows(const db_rows *rows, scrub_arena *a, store_item_stat **items, int *nitems,
                                    store_err *err)
{
	store_item_stat *v = SCRUB_ARENA_NEW(a, store_item_stat, rows->nrows ? rows->nrows : 1);
	if (!v)
		return oom(err);
	for (int i = 0; i < rows->nrows; i++) {
		v[i].item_id = db_cell(rows, i, 0);
		v[i].text = db_cell(rows, i, 1);
		v[i].critical = db_int(rows, i, 2) != 0;
		v[i].sessions = (int)db_int(rows, i, 3);
		v[i].missed = (int)db_int(rows, i, 4);
		int nt = (int)db_int(rows, i, 5);
		v[i].times_s = nt ? SCRUB_ARENA_NEW(a, double, nt) : NULL;
		if (nt && !v[i].times_s)
			return oom(err);
	}
	*items = v;
	*nitems = rows->nrows;
	return SCRUB_OK;
}

scrub_result store_scenario_stats(scrub_store *s, const char *scenario_id, const store_filter *f, scrub_arena *a,
                                  store_item_stat **items, int *nitems, store_attempt_stat **attempts,
                                  int *nattempts, store_err *err)
{
	*items = NULL, *nitems = 0;
	if (attempts)
		*attempts = NULL, *nattempts = 0;
	scrub_buf where, sql;
	scrub_buf_init(&where);
	scrub_buf_init(&sql);
	scrub_buf_puts(&where, " WHERE s.scenario_id = ?");
	db_val first = db_s(scenario_id);
	int np = 0;
	db_val *p = store_filter_build(f, a, &where, &first, 1, &np);
	scrub_result r = SCRUB_OK;
	db_rows rows;
	if (!p) {
		r = oom(err);
		goto done;
	}
	scrub_buf_printf(&sql, "SELECT i.item_id, MIN(i.text), MAX(i.critical), COUNT(*),"
	                 " SUM(CASE WHEN i.status <> 'done' THEN 1 ELSE 0 END),"
	                 " SUM(CASE WHEN i.status = 'done' AND i.time_s IS NOT NULL THEN 1 ELSE 0 END)"
	                 " FROM sessions s JOIN items i ON i.session_id = s.id%s"
	                 " GROUP BY i.item_id ORDER BY MIN(i.idx), i.item_id", where.data);
	if (sql.oom || (r = s->ops->query(s, sql.data, p, np, a, &rows, err)) != SCRUB_OK) {
		r = sql.oom ? oom(err) : r;
		goto done;
	}
	if ((r = items_from_rows(&rows, a, items, nitems, err)) != SCRUB_OK)
		goto done;
	/* the times of the done items, ascending (the distribution of time to each action) */
	scrub_buf_clear(&sql);
	scrub_buf_printf(&sql, "SELECT i.item_id, i.time_s FROM sessions s JOIN items i ON i.session_id = s.id%s"
	                 " AND i.status = 'done' AND i.time_s IS NOT NULL ORDER BY i.item_id, i.time_s", where.data);
	if (sql.oom || (r = s->ops->query(s, sql.data, p, np, a, &rows, err)) != SCRUB_OK) {
		r = sql.oom ? oom(err) : r;
		goto done;
	}
	store_item_stat *cur = NULL;
	for (int i = 0; i < rows.nrows; i++) {
		const char *id = db_cell(&rows, i, 0);
		if (!cur || strcmp(cur->item_id, id) != 0) {
			cur = NULL;
			for (int k = 0; k < *nitems && !cur; k++)
				if (strcmp((*items)[k].item_id, id) == 0)
					cur = &(*items)[k];
		}
		if (cur && cur->times_s)
			cur->times_s[cur->ntimes++] = db_real(&rows, i, 1);
	}
	if (attempts) {
		scrub_buf_clear(&sql);
		scrub_buf_printf(&sql, "SELECT s.attempt, COUNT(*), SUM(s.passed) FROM sessions s%s GROUP BY s.attempt"
		                 " ORDER BY s.attempt", where.data);
		if (sql.oom || (r = s->ops->query(s, sql.data, p, np, a, &rows, err)) != SCRUB_OK) {
			r = sql.oom ? oom(err) : r;
			goto done;
		}
		store_attempt_stat *v = SCRUB_ARENA_NEW(a, store_attempt_stat, rows.nrows ? rows.nrows : 1);
		if (!v) {
			r = oom(err);
			goto done;
		}
		for (int i = 0; i < rows.nrows; i++)
			v[i] = (store_attempt_stat){.attempt = (int)db_int(&rows, i, 0), .sessions = (int)db_int(&rows, i, 1),
			                            .passed = (int)db_int(&rows, i, 2)};
		*attempts = v;
		*nattempts = rows.nrows;
	}
done:
	scrub_buf_fini(&sql);
	scrub_buf_fini(&where);
	return r;
}

scrub_result store_trainee_missed(scrub_store *s, const char *trainee, scrub_arena *a, store_item_stat **items,
                                  int *nitems, store_err *err)
{
	*items = NULL, *nitems = 0;
	db_rows rows;
	scrub_result r = store_q(s, a, &rows, err,
	                         "SELECT i.item_id, MIN(i.text), MAX(i.critical), COUNT(*),"
	                         " SUM(CASE WHEN i.status <> 'done' THEN 1 ELSE 0 END) AS missed, 0"
	                         " FROM sessions s JOIN items i ON i.session_id = s.id WHERE s.trainee = ?"
	                         " GROUP BY i.item_id HAVING SUM(CASE WHEN i.status <> 'done' THEN 1 ELSE 0 END) > 0"
	                         " ORDER BY missed DESC, i.item_id", 1, db_s(trainee));
	if (r != SCRUB_OK)
		return r;
	return items_from_rows(&rows, a, items, nitems, err);
}

/* ---- Notes ------------------------------------------------------------------------------------------------ */

scrub_result store_add_note(scrub_store *s, int64_t session_id, double t, const char *author, const char *text,
                            int64_t *id, store_err *err)
{
	scrub_arena a;
	scrub_arena_init(&a);
	db_rows rows;
	char now[32];
	store_now_iso(now);
	scrub_result r = store_q(s, &a, &rows, err, "SELECT id FROM sessions WHERE id = ?", 1, db_i(session_id));
	if (r == SCRUB_OK && rows.nrows == 0)
		r = store_fail(err, SCRUB_DONE, "no session %lld", (long long)session_id);
	if (r == SCRUB_OK)
		r = store_q(s, &a, &rows, err, "INSERT INTO notes (session_id, t, author, text, created_at)"
		            " VALUES (?, ?, ?, ?, ?) RETURNING id", 5, db_i(session_id), db_r(t), db_s(author), db_s(text),
		            db_s(now));
	if (r == SCRUB_OK && id)
		*id = db_int(&rows, 0, 0);
	scrub_arena_fini(&a);
	return r;
}

scrub_result store_list_notes(scrub_store *s, int64_t session_id, scrub_arena *a, store_note **out, int *n,
                              store_err *err)
{
	*out = NULL, *n = 0;
	db_rows rows;
	scrub_result r = store_q(s, a, &rows, err, "SELECT id, t, author, text, created_at FROM notes"
	                         " WHERE session_id = ? ORDER BY t, id", 1, db_i(session_id));
	if (r != SCRUB_OK)
		return r;
	store_note *v = SCRUB_ARENA_NEW(a, store_note, rows.nrows ? rows.nrows : 1);
	if (!v)
		return oom(err);
	for (int i = 0; i < rows.nrows; i++)
		v[i] = (store_note){.id = db_int(&rows, i, 0), .t = db_real(&rows, i, 1), .author = db_cell(&rows, i, 2),
		                    .text = db_cell(&rows, i, 3), .created_at = db_cell(&rows, i, 4)};
	*out = v;
	*n = rows.nrows;
	return SCRUB_OK;
}
