/* The records store's accounts (store.h): users and roles, cohorts, login and upload tokens, and the queue of
 * xAPI statements waiting for the Learning Record Store. */
#include "store_internal.h"

#include <stdio.h>

static const char *const role_names[] = {"trainee", "instructor", "admin"};

static scrub_result oom(store_err *err) { return store_fail(err, SCRUB_ERR_NOMEM, "out of memory"); }

static bool role_parse(const char *s, store_role *out)
{
	for (int i = 0; i < 3; i++)
		if (s && strcmp(s, role_names[i]) == 0) {
			*out = (store_role)i;
			return true;
		}
	return false;
}

scrub_result store_put_user(scrub_store *s, const char *name, store_role role, const char *pwhash, int64_t *id,
                            store_err *err)
{
	if (!name || !*name)
		return store_fail(err, SCRUB_ERR_INVALID, "a user needs a name");
	if ((int)role < 0 || (int)role > 2)
		return store_fail(err, SCRUB_ERR_INVALID, "no such role");
	scrub_arena a;
	scrub_arena_init(&a);
	db_rows rows;
	char now[32];
	store_now_iso(now);
	/* a new user, or the same name with a new role or password */
	scrub_result r = store_q(s, &a, &rows, err,
	                         "INSERT INTO users (name, role, pwhash, created_at) VALUES (?, ?, ?, ?)"
	                         " ON CONFLICT (name) DO UPDATE SET role = excluded.role, pwhash = excluded.pwhash"
	                         " RETURNING id", 4, db_s(name), db_s(role_names[role]), db_s(pwhash ? pwhash : ""),
	                         db_s(now));
	if (r == SCRUB_OK && id)
		*id = db_int(&rows, 0, 0);
	scrub_arena_fini(&a);
	return r;
}

static scrub_result user_from_row(const db_rows *rows, int i, store_user *out, store_err *err)
{
	out->id = db_int(rows, i, 0);
	out->name = db_cell(rows, i, 1);
	out->pwhash = db_cell(rows, i, 3);
	if (!role_parse(db_cell(rows, i, 2), &out->role))
		return store_fail(err, SCRUB_ERR_INVALID, "user %s has an unknown role", out->name);
	return SCRUB_OK;
}

scrub_result store_get_user(scrub_store *s, const char *name, scrub_arena *a, store_user *out, store_err *err)
{
	db_rows rows;
	scrub_result r = store_q(s, a, &rows, err, "SELECT id, name, role, pwhash FROM users WHERE name = ?", 1,
	                         db_s(name));
	if (r != SCRUB_OK)
		return r;
	if (rows.nrows == 0)
		return store_fail(err, SCRUB_DONE, "no user %s", name);
	return user_from_row(&rows, 0, out, err);
}

scrub_result store_cohort_add(scrub_store *s, const char *cohort, const char *member, store_err *err)
{
	if (!cohort || !*cohort || !member || !*member)
		return store_fail(err, SCRUB_ERR_INVALID, "a cohort and a member, please");
	return store_q(s, NULL, NULL, err, "INSERT INTO cohorts (cohort, member) VALUES (?, ?) ON CONFLICT DO NOTHING", 2,
	               db_s(cohort), db_s(member));
}

scrub_result store_cohort_trainees(scrub_store *s, const char *instructor, scrub_arena *a, const char ***out, int *n,
                                   store_err *err)
{
	*out = NULL, *n = 0;
	db_rows rows;
	/* the other members of the instructor's cohorts, less those with an instructor's or admin's account (a
	 * trainee needs no account to be in a cohort: their records name them) */
	scrub_result r = store_q(s, a, &rows, err,
	                         "SELECT DISTINCT c2.member FROM cohorts c1 JOIN cohorts c2 ON c2.cohort = c1.cohort"
	                         " WHERE c1.member = ? AND c2.member <> c1.member AND NOT EXISTS (SELECT 1 FROM users u"
	                         " WHERE u.name = c2.member AND u.role <> 'trainee') ORDER BY c2.member", 1,
	                         db_s(instructor));
	if (r != SCRUB_OK)
		return r;
	const char **v = SCRUB_ARENA_NEW(a, const char *, rows.nrows ? rows.nrows : 1);
	if (!v)
		return oom(err);
	for (int i = 0; i < rows.nrows; i++)
		v[i] = db_cell(&rows, i, 0);
	*out = v;
	*n = rows.nrows;
	return SCRUB_OK;
}

/* ---- Tokens ----------------------------------------------------------------------------------------------- */

scrub_result store_put_token(scrub_store *s, const char *kind, const char *secret_sha256, int64_t user_id,
                             int64_t expires_unix, store_err *err)
{
	return store_q(s, NULL, NULL, err,
	               "INSERT INTO tokens (kind, secret_sha256, user_id, expires_unix) VALUES (?, ?, ?, ?)"
	               " ON CONFLICT (kind, secret_sha256) DO UPDATE SET user_id = excluded.user_id,"
	               " expires_unix = excluded.expires_unix", 4, db_s(kind), db_s(secret_sha256), db_i(user_id),
	               db_i(expires_unix));
}

scrub_result store_check_token(scrub_store *s, const char *kind, const char *secret_sha256, int64_t now_unix,
                               scrub_arena *a, store_user *out, store_err *err)
{
	db_rows rows;
	scrub_result r = store_q(s, a, &rows, err,
	                         "SELECT u.id, u.name, u.role, u.pwhash FROM tokens t JOIN users u ON u.id = t.user_id"
	                         " WHERE t.kind = ? AND t.secret_sha256 = ? AND t.expires_unix > ?", 3, db_s(kind),
	                         db_s(secret_sha256), db_i(now_unix));
	if (r != SCRUB_OK)
		return r;
	if (rows.nrows == 0)
		return store_fail(err, SCRUB_DONE, "unknown or expired token");
	return user_from_row(&rows, 0, out, err);
}

scrub_result store_drop_token(scrub_store *s, const char *kind, const char *secret_sha256, store_err *err)
{
	return store_q(s, NULL, NULL, err, "DELETE FROM tokens WHERE kind = ? AND secret_sha256 = ?", 2, db_s(kind),
	               db_s(secret_sha256));
}

/* ---- The xAPI queue --------------------------------------------------------------------------------------- */

scrub_result store_xapi_enqueue(scrub_store *s, int64_t session_id, const char *statement_id, const char *statement,
                                store_err *err)
{
	/* a statement id once queued is not queued again (a session put twice sends its statements once) */
	db_val sid = db_i(session_id);
	sid.null = session_id <= 0;
	return store_q(s, NULL, NULL, err,
	               "INSERT INTO xapi_queue (session_id, statement_id, statement, tries, next_unix, done)"
	               " VALUES (?, ?, ?, 0, 0, 0) ON CONFLICT (statement_id) DO NOTHING", 3, sid, db_s(statement_id),
	               db_s(statement));
}

scrub_result store_xapi_due(scrub_store *s, int64_t now_unix, int max, scrub_arena *a, store_xapi_item **out, int *n,
                            store_err *err)
{
	*out = NULL, *n = 0;
	db_rows rows;
	scrub_result r = store_q(s, a, &rows, err,
	                         "SELECT id, statement, tries FROM xapi_queue WHERE done = 0 AND next_unix <= ?"
	                         " ORDER BY id LIMIT ?", 2, db_i(now_unix), db_i(max > 0 ? max : 100));
	if (r != SCRUB_OK)
		return r;
	store_xapi_item *v = SCRUB_ARENA_NEW(a, store_xapi_item, rows.nrows ? rows.nrows : 1);
	if (!v)
		return oom(err);
	for (int i = 0; i < rows.nrows; i++)
		v[i] = (store_xapi_item){.id = db_int(&rows, i, 0), .statement = db_cell(&rows, i, 1),
		                         .tries = (int)db_int(&rows, i, 2)};
	*out = v;
	*n = rows.nrows;
	return SCRUB_OK;
}

scrub_result store_xapi_done(scrub_store *s, int64_t id, store_err *err)
{
	return store_q(s, NULL, NULL, err, "UPDATE xapi_queue SET done = 1, last_error = NULL WHERE id = ?", 1, db_i(id));
}

scrub_result store_xapi_retry(scrub_store *s, int64_t id, int64_t next_unix, const char *why, store_err *err)
{
	return store_q(s, NULL, NULL, err, "UPDATE xapi_queue SET tries = tries + 1, next_unix = ?, last_error = ?"
	               " WHERE id = ?", 3, db_i(next_unix), db_s(why), db_i(id));
}
