/* The records store: every session a Scrub installation has seen, indexed for the instructor's pages.
 *
 * The session record (session.jsonl) is the source of truth. The store keeps each record's text, indexed
 * by its sha256, and what the pages need from it (the report, the items, the trainee and scenario), so the
 * store can be rebuilt from the records alone (`scrub import` of the same records gives the same rows).
 * Importing the same record twice changes nothing; a record cut short by a crash is kept as incomplete
 * (a later, longer copy of the same session replaces it: same session id, more events).
 *
 * Two back ends with one schema and one list of versioned migrations:
 *   a path or sqlite:PATH     SQLite, embedded (the default: $XDG_DATA_HOME/scrub/records.db)
 *   postgresql://...          PostgreSQL, for a school; several `scrub serve` may share one database.
 *
 * Threading: a scrub_store is one connection; use one per thread (the server opens one per worker).
 * Every function returns SCRUB_OK or an error with a message in `err` (never prints). */
#ifndef SCRUB_STORE_H
#define SCRUB_STORE_H

#include "arena.h"
#include "json.h"
#include "result.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct scrub_store scrub_store;

typedef struct store_err {
	char msg[512];               /* an invalid record's message starts "line N: " when a line is at fault */
} store_err;

/* Opens (and creates, for SQLite) the store and brings its schema to the newest version
 * (migrations run in one transaction each; the version is kept in the store). */
scrub_result store_open(const char *url, scrub_store **out, store_err *err);
void store_close(scrub_store *s);
int store_schema_version(scrub_store *s);
/* The store used when none is given: $SCRUB_STORE, else $XDG_DATA_HOME/scrub/records.db, else
 * ~/.local/share/scrub/records.db. Returns buf. */
const char *store_default_url(char *buf, size_t size);
const char *store_backend(const scrub_store *s);   /* "sqlite" or "postgresql" */

/* ---- Records ---------------------------------------------------------------------------------- */

typedef enum store_put_outcome {
	STORE_PUT_NEW,          /* a session the store did not have */
	STORE_PUT_SAME,         /* this exact record (same sha256) was already there: nothing changed */
	STORE_PUT_LONGER,       /* a longer copy of a session kept incomplete: replaced */
	STORE_PUT_SHORTER,      /* a shorter copy of a session already kept: ignored */
} store_put_outcome;

typedef struct store_put_result {
	store_put_outcome outcome;
	int64_t session_id;
	bool complete;
	char sha256[65];
} store_put_result;

/* Puts one record (its text): replays it to score it, then keeps the text, the report and the index rows
 * in one transaction. `origin` says where it came from ("import /path", "upload user@host", "run").
 * SCRUB_ERR_INVALID with the reason in err for text that is not a readable record. */
scrub_result store_put_record(scrub_store *s, const char *text, size_t len, const char *origin,
                              store_put_result *out, store_err *err);

/* Replays every record kept and writes its derived rows (report, items, attempt numbers) again: the index is
 * rebuilt from the records alone. `progress` (may be NULL) is told after each session. */
scrub_result store_rebuild(scrub_store *s, void (*progress)(void *user, int done, int total), void *user,
                           int *nsessions, store_err *err);
/* Every session's derived rows and items as text, by sha256, without the store's own ids and import times:
 * two stores made from the same records give the same dump (the rebuild test and `scrub import --check`). */
scrub_result store_dump(scrub_store *s, scrub_buf *out, store_err *err);

typedef struct store_session {
	int64_t id;
	char sha256[65];
	const char *trainee;
	const char *scenario_id;
	const char *scenario_title;
	const char *started_at;      /* ISO 8601 UTC from the record's header */
	double duration_s;
	bool complete;
	bool passed;
	double score;
	const char *outcome;
	int attempt;                 /* 1 for this trainee's first attempt at this scenario, 2 for the next ... */
} store_session;

typedef struct store_filter {
	const char *trainee;         /* NULL: any */
	const char *scenario_id;
	const char *from, *to;       /* ISO 8601 dates, inclusive; NULL: open */
	int passed;                  /* -1 any, 0 failed, 1 passed */
	int complete;                /* -1 any, 0 incomplete, 1 complete */
	const char *const *trainees; /* when not NULL: only these (an instructor's cohorts); ntrainees entries */
	int ntrainees;
	int offset, limit;           /* limit 0: 100 */
} store_filter;

/* Sessions matching `f`, newest first; arrays and strings live in `a`. `total` counts all matches. */
scrub_result store_list_sessions(scrub_store *s, const store_filter *f, scrub_arena *a, store_session **out,
                                 int *n, int *total, store_err *err);
/* SCRUB_DONE when there is no such session (also for store_get_record). */
scrub_result store_get_session(scrub_store *s, int64_t id, scrub_arena *a, store_session *out, store_err *err);
/* The record's text and the report.json made from it (both in `a`, NUL-terminated). */
scrub_result store_get_record(scrub_store *s, int64_t id, scrub_arena *a, const char **record, size_t *record_len,
                              const char **report, size_t *report_len, store_err *err);

/* ---- Cohort and trainee views ----------------------------------------------------------------- */

typedef struct store_item_stat {
	const char *item_id;
	const char *text;
	bool critical;
	int sessions;                /* sessions of the scenario that have this item */
	int missed;                  /* status missed, late, wrong or not done */
	double *times_s;             /* the time each session did it (done items only), ascending */
	int ntimes;
} store_item_stat;

typedef struct store_attempt_stat {
	int attempt;
	int sessions;
	int passed;
} store_attempt_stat;

scrub_result store_scenario_stats(scrub_store *s, const char *scenario_id, const store_filter *f, scrub_arena *a,
                                  store_item_stat **items, int *nitems, store_attempt_stat **attempts,
                                  int *nattempts, store_err *err);
/* The items a trainee missed most (over all their sessions, most missed first). */
scrub_result store_trainee_missed(scrub_store *s, const char *trainee, scrub_arena *a, store_item_stat **items,
                                  int *nitems, store_err *err);

/* ---- Annotations (an instructor's notes pinned to moments; shown to the trainee) --------------- */

typedef struct store_note {
	int64_t id;
	double t;
	const char *author;
	const char *text;
	const char *created_at;
} store_note;

scrub_result store_add_note(scrub_store *s, int64_t session_id, double t, const char *author, const char *text,
                            int64_t *id, store_err *err);
scrub_result store_list_notes(scrub_store *s, int64_t session_id, scrub_arena *a, store_note **out, int *n,
                              store_err *err);

/* ---- Accounts ---------------------------------------------------------------------------------- */

typedef enum store_role { STORE_ROLE_TRAINEE, STORE_ROLE_INSTRUCTOR, STORE_ROLE_ADMIN } store_role;

typedef struct store_user {
	int64_t id;
	const char *name;            /* the login name; a trainee's name is the `trainee` of their records */
	store_role role;
	const char *pwhash;          /* Argon2id, libsodium's crypto_pwhash_str format */
} store_user;

scrub_result store_put_user(scrub_store *s, const char *name, store_role role, const char *pwhash, int64_t *id,
                            store_err *err);
/* SCRUB_DONE when there is no such user. */
scrub_result store_get_user(scrub_store *s, const char *name, scrub_arena *a, store_user *out, store_err *err);
/* Cohorts: an instructor sees the sessions of the trainees in their cohorts. */
scrub_result store_cohort_add(scrub_store *s, const char *cohort, const char *instructor_or_trainee, store_err *err);
scrub_result store_cohort_trainees(scrub_store *s, const char *instructor, scrub_arena *a, const char ***out, int *n,
                                   store_err *err);

/* Login sessions and upload tokens: only a sha256 of the secret is stored. */
scrub_result store_put_token(scrub_store *s, const char *kind, const char *secret_sha256, int64_t user_id,
                             int64_t expires_unix, store_err *err);
/* SCRUB_DONE when unknown or expired. */
scrub_result store_check_token(scrub_store *s, const char *kind, const char *secret_sha256, int64_t now_unix,
                               scrub_arena *a, store_user *out, store_err *err);
scrub_result store_drop_token(scrub_store *s, const char *kind, const char *secret_sha256, store_err *err);

/* ---- The xAPI queue (statements waiting for the Learning Record Store) ------------------------ */

typedef struct store_xapi_item {
	int64_t id;
	const char *statement;       /* JSON */
	int tries;
} store_xapi_item;

scrub_result store_xapi_enqueue(scrub_store *s, int64_t session_id, const char *statement_id, const char *statement,
                                store_err *err);
/* Statements due at `now_unix`, oldest first. */
scrub_result store_xapi_due(scrub_store *s, int64_t now_unix, int max, scrub_arena *a, store_xapi_item **out, int *n,
                            store_err *err);
scrub_result store_xapi_done(scrub_store *s, int64_t id, store_err *err);
scrub_result store_xapi_retry(scrub_store *s, int64_t id, int64_t next_unix, const char *why, store_err *err);

#endif
