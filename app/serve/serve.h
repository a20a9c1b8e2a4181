/* scrub serve: the instructor's web pages (docs/server.md). Internal interface between the files of app/serve/:
 *   serve_main.c    the command line (scrub serve, users add, cohort add, token add)
 *   serve_http.c    civetweb: the one handler, limits, security headers, login sessions, CSRF, rate limits
 *   serve_pages.c   the pages (sessions, a debrief, a trainee, a scenario and its CSV)
 *   serve_api.c     POST /api/records (uploads from trainees' machines)
 *   serve_html.c    HTML escaping, the page frame and the style sheet compiled into the binary
 *   serve_svg.c     the plots as SVG
 * A request is handled on one civetweb worker thread with that thread's own store connection. */
#ifndef SCRUB_SERVE_H
#define SCRUB_SERVE_H

#include "arena.h"
#include "json.h"
#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct mg_connection;

typedef struct serve_config {
	const char *store_url;
	const char *listen;           /* "127.0.0.1:8080" */
	int threads;
	bool secure_cookies;          /* behind TLS (a reverse proxy): the cookie gets Secure */
	const char *origin;           /* the public origin ("https://sim.example.org"); NULL: the Host header's */
	size_t max_form;              /* bytes of a form's body */
	size_t max_upload;            /* bytes of an uploaded record */
	int login_per_min;            /* login attempts per IP per minute */
	int session_hours;            /* a login lasts this long */
} serve_config;

/* One request being answered: what the handlers share. */
typedef struct serve_req {
	struct mg_connection *conn;
	const serve_config *cfg;
	scrub_store *store;
	scrub_arena arena;            /* freed after the response */
	const char *method;
	const char *path;             /* URL-decoded, without the query */
	const char *query;            /* raw query string or "" */
	const char *body;             /* a POST's body (NUL-terminated) */
	size_t body_len;
	bool have_user;
	store_user user;
	const char *csrf;             /* the login session's CSRF token (hex), when logged in */
	char nonce[33];               /* the CSP nonce of this response */
	struct timespec t0;           /* when the handler started: the Server-Timing header of the response */
} serve_req;

/* ---- serve_http.c ---- */
struct mg_context;
/* Runs until SIGINT or SIGTERM; returns the exit status. */
int serve_run(const serve_config *cfg);
/* Starts the server's threads (the bench runs one inside itself); *port is the port it listens on. */
struct mg_context *serve_start(const serve_config *cfg, int *port);
void serve_stop(struct mg_context *ctx);
/* Writes a whole response: status, the security headers, the type and the body. */
void serve_respond(serve_req *r, int status, const char *type, const char *body, size_t len, const char *extra_headers);
void serve_error(serve_req *r, int status, const char *why);
void serve_redirect(serve_req *r, const char *to);
/* A form field (URL-decoded into the arena) from the query (`from_body` false) or the body; NULL when absent. */
const char *serve_field(serve_req *r, const char *name, bool from_body);
/* The checks of a state-changing request: POST, the CSRF token field "csrf" and the Origin. False: answered. */
bool serve_check_post(serve_req *r);
void serve_sha256_hex(const void *data, size_t len, char out[65]);
/* A random secret as hex (2 * nbytes characters). */
void serve_random_hex(char *out, size_t nbytes);

/* ---- serve_html.c ---- */
extern const char serve_css[];
void html_escape(scrub_buf *b, const char *s);
void html_escape_attr(scrub_buf *b, const char *s);
/* The page frame up to the start of <main>, and its end. */
void html_begin(scrub_buf *b, serve_req *r, const char *title);
void html_end(scrub_buf *b);
/* A value for a URL's query or path: percent-encoded. */
void url_escape(scrub_buf *b, const char *s);
/* The hidden CSRF field of a form. */
void html_csrf_field(scrub_buf *b, serve_req *r);
void html_fmt_duration(char *buf, size_t size, double s);
/* "2026-12-04T04:14:52Z" as "2026-12-04 04:14" (anything else as it is), escaped. */
void html_date(scrub_buf *b, const char *iso);

/* ---- serve_pages.c ---- */
void page_sessions(serve_req *r);
void page_session(serve_req *r, int64_t id);
void page_session_note(serve_req *r, int64_t id);
void page_trainee(serve_req *r, const char *name);
void page_scenario(serve_req *r, const char *id, bool csv);
/* May the logged-in user see this trainee's sessions? (an admin: all; an instructor: their cohorts; a trainee:
 * themselves). For an instructor, *cohort and *ncohort are the trainees they may see (NULL for all). */
bool serve_may_see(serve_req *r, const char *trainee);
bool serve_cohort(serve_req *r, const char *const **trainees, int *n);

/* ---- serve_api.c ---- */
void api_records(serve_req *r);

/* ---- serve_svg.c ---- */
typedef struct svg_point {
	double x, y;
	const char *label;            /* a tooltip (<title>), or NULL */
	bool ok;                      /* drawn green (passed), else red */
} svg_point;
/* A line plot of y over x (the points in order), y within [ymin, ymax]. */
void svg_line_plot(scrub_buf *b, const char *title, const svg_point *p, int n, double ymin, double ymax,
                   const char *xlabel, const char *ylabel);
/* Horizontal bars of values in [0, 1] (fractions), one per label. */
void svg_bar_chart(scrub_buf *b, const char *title, const char *const *labels, const double *values,
                   const bool *highlight, int n);
/* A box plot with the points beside it, one row per label; v[i] has nv[i] values (seconds), ascending. */
void svg_box_plot(scrub_buf *b, const char *title, const char *const *labels, double *const *v, const int *nv, int n);

#endif
