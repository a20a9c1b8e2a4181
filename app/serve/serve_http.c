/* scrub serve over civetweb: one handler for every URL (no URL maps to a file: civetweb has no document root
 * here), the limits, the security headers of every response, login sessions and CSRF, the login rate limit. */
#include "serve.h"

#include <civetweb.h>
#include <sodium.h>

#include <ctype.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COOKIE_NAME "scrub_session"

/* ---- Small helpers ------------------------------------------------------------------------------ */

void serve_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, 65, h, sizeof h);
}

void serve_random_hex(char *out, size_t nbytes)
{
	unsigned char b[64];
	if (nbytes > sizeof b)
		nbytes = sizeof b;
	randombytes_buf(b, nbytes);
	sodium_bin2hex(out, nbytes * 2 + 1, b, nbytes);
}

/* The CSRF token of a login session: derived from its secret (which only the cookie holds, HttpOnly), so a
 * page from another origin can neither read nor compute it; the server recomputes it from the cookie. */
static void csrf_of(const char *secret, char out[65])
{
	char tmp[160];
	int n = snprintf(tmp, sizeof tmp, "scrub-csrf:%s", secret);
	serve_sha256_hex(tmp, (size_t)n, out);
}

/* ---- Responses ---------------------------------------------------------------------------------- */

void serve_respond(serve_req *r, int status, const char *type, const char *body, size_t len, const char *extra)
{
	const char *text = mg_get_response_code_text(r->conn, status);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double ms = (double)(now.tv_sec - r->t0.tv_sec) * 1e3 + (double)(now.tv_nsec - r->t0.tv_nsec) / 1e6;
	mg_printf(r->conn,
	          "HTTP/1.1 %d %s\r\n"
	          "Server-Timing: app;dur=%.3f\r\n"
	          "Content-Type: %s\r\n"
	          "Content-Length: %zu\r\n"
	          "Content-Security-Policy: default-src 'self'; script-src 'nonce-%s'; style-src 'self' 'unsafe-inline'; "
	          "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'\r\n"
	          "X-Content-Type-Options: nosniff\r\n"
	          "X-Frame-Options: DENY\r\n"
	          "Referrer-Policy: same-origin\r\n"
	          "Cache-Control: no-store\r\n"
	          "%s"
	          "\r\n",
	          status, text ? text : "", ms, type, len, r->nonce, extra ? extra : "");
	if (strcmp(r->method, "HEAD") != 0 && len)
		mg_write(r->conn, body, len);
}

void serve_error(serve_req *r, int status, const char *why)
{
	scrub_buf b;
	scrub_buf_init(&b);
	const char *text = mg_get_response_code_text(r->conn, status);
	char title[64];
	snprintf(title, sizeof title, "%d %s", status, text ? text : "");
	html_begin(&b, r, title);
	scrub_buf_puts(&b, "<h1>");
	html_escape(&b, title);
	scrub_buf_puts(&b, "</h1>\n<p>");
	html_escape(&b, why);
	scrub_buf_puts(&b, "</p>\n");
	html_end(&b);
	serve_respond(r, status, "text/html; charset=utf-8", b.data, b.len,
	              status == 429 ? "Retry-After: 60\r\n" : NULL);
	scrub_buf_fini(&b);
}

void serve_redirect(serve_req *r, const char *to)
{
	char h[512];
	snprintf(h, sizeof h, "Location: %s\r\n", to);
	serve_respond(r, 303, "text/plain; charset=utf-8", "", 0, h);
}

/* ---- Forms -------------------------------------------------------------------------------------- */

const char *serve_field(serve_req *r, const char *name, bool from_body)
{
	const char *data = from_body ? r->body : r->query;
	size_t len = from_body ? r->body_len : strlen(r->query);
	if (!data || !len)
		return NULL;
	char *buf = scrub_arena_alloc(&r->arena, len + 1);
	if (!buf)
		return NULL;
	int n = mg_get_var(data, len, name, buf, len + 1);
	if (n < 0)
		return NULL;
	if (strlen(buf) != (size_t)n)   /* an encoded NUL inside a value */
		return NULL;
	return buf;
}

static const char *header_of(serve_req *r, const char *name)
{
	return mg_get_header(r->conn, name);
}

/* The Origin of a state-changing request must be ours when the browser says it (browsers send it with every
 * POST; a client that is not a browser cannot be made to send one by another site). */
static bool origin_ok(serve_req *r)
{
	const char *origin = header_of(r, "Origin");
	if (!origin)
		return true;
	char want[512];
	if (r->cfg->origin) {
		snprintf(want, sizeof want, "%s", r->cfg->origin);
	} else {
		const char *host = header_of(r, "Host");
		if (!host)
			return false;
		const struct mg_request_info *ri = mg_get_request_info(r->conn);
		snprintf(want, sizeof want, "%s://%s", ri->is_ssl || r->cfg->secure_cookies ? "https" : "http", host);
	}
	return strcmp(origin, want) == 0;
}

bool serve_check_post(serve_req *r)
{
	if (strcmp(r->method, "POST") != 0) {
		serve_error(r, 405, "This address changes something: it takes a POST from a form.");
		return false;
	}
	if (!origin_ok(r)) {
		serve_error(r, 403, "The request came from another site (Origin).");
		return false;
	}
	const char *tok = serve_field(r, "csrf", true);
	if (!r->csrf || !tok || strlen(tok) != 64 || sodium_memcmp(tok, r->csrf, 64) != 0) {
		serve_error(r, 403, "The form's token is missing or stale: reload the page and try again.");
		return false;
	}
	return true;
}

/* ---- The login rate limit: a fixed window per minute per IP, in a small table --------------------- */

#define RATE_SLOTS 1024
static struct {
	char ip[48];
	time_t window;
	int count;
} rate_tab[RATE_SLOTS];
static pthread_mutex_t rate_lock = PTHREAD_MUTEX_INITIALIZER;

static bool rate_allow(const char *ip, int per_min)
{
	char h[65];
	serve_sha256_hex(ip, strlen(ip), h);
	unsigned slot = (unsigned)strtoul((char[9]){h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 0}, NULL, 16) %
	                RATE_SLOTS;
	time_t now = time(NULL) / 60;
	pthread_mutex_lock(&rate_lock);
	/* a slot shared by another address: the newest takes it (a collision can only reset a count early) */
	if (strcmp(rate_tab[slot].ip, ip) != 0 || rate_tab[slot].window != now) {
		snprintf(rate_tab[slot].ip, sizeof rate_tab[slot].ip, "%s", ip);
		rate_tab[slot].window = now;
		rate_tab[slot].count = 0;
	}
	bool ok = rate_tab[slot].count < per_min;
	if (ok)
		rate_tab[slot].count++;
	pthread_mutex_unlock(&rate_lock);
	return ok;
}

/* ---- Login and logout --------------------------------------------------------------------------- */

static char dummy_hash[crypto_pwhash_STRBYTES];   /* verified against for unknown names: the same time */

static void login_form(serve_req *r, int status, const char *msg)
{
	scrub_buf b;
	scrub_buf_init(&b);
	html_begin(&b, r, "Sign in");
	scrub_buf_puts(&b, "<section class=\"login\">\n<h1>Sign in to Scrub</h1>\n");
	if (msg) {
		scrub_buf_puts(&b, "<p class=\"error\" role=\"alert\">");
		html_escape(&b, msg);
		scrub_buf_puts(&b, "</p>\n");
	}
	scrub_buf_puts(&b, "<form method=\"post\" action=\"/login\">\n"
	                   "<label>Name <input name=\"name\" autocomplete=\"username\" required autofocus></label>\n"
	                   "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" "
	                   "required></label>\n"
	                   "<button type=\"submit\">Sign in</button>\n</form>\n</section>\n");
	html_end(&b);
	serve_respond(r, status, "text/html; charset=utf-8", b.data, b.len, NULL);
	scrub_buf_fini(&b);
}

static void do_login(serve_req *r)
{
	const struct mg_request_info *ri = mg_get_request_info(r->conn);
	if (!rate_allow(ri->remote_addr, r->cfg->login_per_min)) {
		serve_error(r, 429, "Too many sign-in attempts from this address: wait a minute.");
		return;
	}
	if (!origin_ok(r)) {
		serve_error(r, 403, "The request came from another site (Origin).");
		return;
	}
	const char *name = serve_field(r, "name", true), *pw = serve_field(r, "password", true);
	if (!name || !pw || !*name || strlen(pw) > 1024) {
		login_form(r, 400, "Give a name and a password.");
		return;
	}
	store_user u;
	store_err err;
	scrub_result sr = store_get_user(r->store, name, &r->arena, &u, &err);
	if (sr < 0) {
		serve_error(r, 500, err.msg);
		return;
	}
	bool ok;
	if (sr == SCRUB_DONE || !u.pwhash) {
		/* the same work as a real check, so the time does not tell which names exist */
		int same_work = crypto_pwhash_str_verify(dummy_hash, pw, strlen(pw));
		(void)same_work;
		ok = false;
	} else {
		ok = crypto_pwhash_str_verify(u.pwhash, pw, strlen(pw)) == 0;
	}
	if (!ok) {
		login_form(r, 401, "Wrong name or password.");
		return;
	}
	char secret[65], hash[65];
	serve_random_hex(secret, 32);
	serve_sha256_hex(secret, 64, hash);
	int64_t expires = (int64_t)time(NULL) + (int64_t)r->cfg->session_hours * 3600;
	if (store_put_token(r->store, "login", hash, u.id, expires, &err) < 0) {
		serve_error(r, 500, err.msg);
		return;
	}
	char h[512];
	snprintf(h, sizeof h,
	         "Set-Cookie: " COOKIE_NAME "=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s\r\n"
	         "Location: /sessions\r\n",
	         secret, r->cfg->session_hours * 3600, r->cfg->secure_cookies ? "; Secure" : "");
	serve_respond(r, 303, "text/plain; charset=utf-8", "", 0, h);
}

static const char *cookie_secret(serve_req *r, char buf[80])
{
	const char *c = header_of(r, "Cookie");
	if (!c || mg_get_cookie(c, COOKIE_NAME, buf, 80) != 64)
		return NULL;
	for (int i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)buf[i]))
			return NULL;
	return buf;
}

static void do_logout(serve_req *r)
{
	if (!serve_check_post(r))
		return;
	char buf[80], hash[65];
	const char *secret = cookie_secret(r, buf);
	store_err err;
	if (secret) {
		serve_sha256_hex(secret, 64, hash);
		(void)store_drop_token(r->store, "login", hash, &err);
	}
	char h[256];
	snprintf(h, sizeof h,
	         "Set-Cookie: " COOKIE_NAME "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s\r\nLocation: /login\r\n",
	         r->cfg->secure_cookies ? "; Secure" : "");
	serve_respond(r, 303, "text/plain; charset=utf-8", "", 0, h);
}

/* The user of the request's login cookie, when valid. */
static void authenticate(serve_req *r)
{
	char buf[80], hash[65];
	const char *secret = cookie_secret(r, buf);
	if (!secret)
		return;
	serve_sha256_hex(secret, 64, hash);
	store_err err;
	if (store_check_token(r->store, "login", hash, (int64_t)time(NULL), &r->arena, &r->user, &err) == SCRUB_OK) {
		r->have_user = true;
		char csrf[65];
		csrf_of(secret, csrf);
		r->csrf = scrub_arena_strdup(&r->arena, csrf);
	}
}

/* ---- The body of a POST, bounded ---------------------------------------------------------------- */

static bool read_body(serve_req *r, size_t limit)
{
	const struct mg_request_info *ri = mg_get_request_info(r->conn);
	if (ri->content_length > (long long)limit) {
		serve_error(r, 413, "The request is larger than this server takes.");
		return false;
	}
	size_t cap = ri->content_length >= 0 ? (size_t)ri->content_length : 65536;
	char *buf = malloc(cap + 1);
	size_t len = 0;
	while (buf) {
		if (len == cap) {
			if (cap >= limit + 1)
				break;
			cap = cap * 2 > limit + 1 ? limit + 1 : cap * 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		int n = mg_read(r->conn, buf + len, cap - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (ri->content_length >= 0 && len == (size_t)ri->content_length)
			break;
	}
	if (!buf) {
		serve_error(r, 500, "Out of memory.");
		return false;
	}
	if (len > limit) {
		free(buf);
		serve_error(r, 413, "The request is larger than this server takes.");
		return false;
	}
	buf[len] = 0;
	char *copy = scrub_arena_alloc(&r->arena, len + 1);
	if (copy)
		memcpy(copy, buf, len + 1);
	free(buf);
	r->body = copy;
	r->body_len = copy ? len : 0;
	return copy != NULL;
}

/* ---- Routing ------------------------------------------------------------------------------------ */

static bool parse_id(const char *s, int64_t *out)
{
	if (!*s || strlen(s) > 18)
		return false;
	int64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return v > 0;
}

/* A path segment after a prefix, with no further '/'. */
static const char *segment(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(path, prefix, n) != 0 || !path[n] || strchr(path + n, '/'))
		return NULL;
	return path + n;
}

static void route(serve_req *r)
{
	const char *p = r->path;
	bool get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
	if (get && strcmp(p, "/static/scrub.css") == 0) {
		const char *text = mg_get_response_code_text(r->conn, 200);
		mg_printf(r->conn,
		          "HTTP/1.1 200 %s\r\nContent-Type: text/css; charset=utf-8\r\nContent-Length: %zu\r\n"
		          "X-Content-Type-Options: nosniff\r\nCache-Control: max-age=3600\r\n\r\n",
		          text, strlen(serve_css));
		if (strcmp(r->method, "HEAD") != 0)
			mg_write(r->conn, serve_css, strlen(serve_css));
		return;
	}
	if (strcmp(p, "/api/records") == 0) {
		if (strcmp(r->method, "POST") != 0)
			serve_error(r, 405, "POST a session record here.");
		else
			api_records(r);
		return;
	}
	if (strcmp(p, "/login") == 0) {
		if (get)
			login_form(r, 200, NULL);
		else
			do_login(r);
		return;
	}
	if (strcmp(p, "/logout") == 0) {
		do_logout(r);
		return;
	}
	if (!r->have_user) {
		if (get)
			serve_redirect(r, "/login");
		else
			serve_error(r, 403, "Sign in first.");
		return;
	}
	const char *s;
	int64_t id;
	if (strcmp(p, "/") == 0 && get) {
		serve_redirect(r, r->user.role == STORE_ROLE_TRAINEE ? "/sessions" : "/sessions");
	} else if (strcmp(p, "/sessions") == 0 && get) {
		page_sessions(r);
	} else if ((s = segment(p, "/sessions/")) && parse_id(s, &id) && get) {
		page_session(r, id);
	} else if (strncmp(p, "/sessions/", 10) == 0 && strlen(p) > 16 && strcmp(p + strlen(p) - 6, "/notes") == 0) {
		char num[32];
		size_t n = strlen(p) - 16;
		if (n >= sizeof num) {
			serve_error(r, 404, "There is no such page.");
			return;
		}
		memcpy(num, p + 10, n);
		num[n] = 0;
		if (!parse_id(num, &id)) {
			serve_error(r, 404, "There is no such page.");
			return;
		}
		if (serve_check_post(r))
			page_session_note(r, id);
	} else if ((s = segment(p, "/trainees/")) && get) {
		page_trainee(r, s);
	} else if ((s = segment(p, "/scenarios/")) && get) {
		size_t n = strlen(s);
		if (n > 4 && strcmp(s + n - 4, ".csv") == 0)
			page_scenario(r, scrub_arena_strndup(&r->arena, s, n - 4), true);
		else
			page_scenario(r, s, false);
	} else if (!get && (strcmp(p, "/sessions") == 0 || segment(p, "/sessions/") || segment(p, "/trainees/") ||
	                    segment(p, "/scenarios/"))) {
		serve_error(r, 405, "This page is only read.");
	} else {
		serve_error(r, 404, "There is no such page.");
	}
}

static int handler(struct mg_connection *conn, void *cbdata)
{
	const serve_config *cfg = cbdata;
	const struct mg_request_info *ri = mg_get_request_info(conn);
	serve_req r = {.conn = conn, .cfg = cfg, .store = mg_get_thread_pointer(conn), .method = ri->request_method};
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	scrub_arena_init(&r.arena);
	serve_random_hex(r.nonce, 16);
	/* civetweb leaves the path encoded (decode_url=no): decoded here, so that an encoded NUL is seen */
	const char *raw = ri->local_uri_raw ? ri->local_uri_raw : "";
	size_t rawlen = strlen(raw);
	char *path = scrub_arena_alloc(&r.arena, rawlen + 1);
	int plen = path && rawlen <= 2048 ? mg_url_decode(raw, (int)rawlen, path, (int)rawlen + 1, 0) : -1;
	r.path = path && plen >= 0 ? path : "";
	r.query = ri->query_string ? ri->query_string : "";
	int status_done = 0;
	if (strcmp(r.method, "GET") != 0 && strcmp(r.method, "HEAD") != 0 && strcmp(r.method, "POST") != 0) {
		serve_error(&r, 405, "Only GET and POST are answered here.");
		status_done = 1;
	} else if (plen < 0 || strlen(r.path) != (size_t)plen || r.path[0] != '/' || strstr(r.path, "..") ||
	           strstr(r.path, "//") || strchr(r.path, '\\') || plen > 512) {
		/* no URL reaches a file, but a path that tries to climb or hides a NUL is answered as nothing */
		serve_error(&r, 404, "There is no such page.");
		status_done = 1;
	} else if (!r.store) {
		serve_error(&r, 503, "The records store is not available.");
		status_done = 1;
	}
	if (!status_done) {
		bool post = strcmp(r.method, "POST") == 0;
		size_t limit = strcmp(r.path, "/api/records") == 0 ? cfg->max_upload : cfg->max_form;
		if (!post || read_body(&r, limit)) {
			if (strcmp(r.path, "/api/records") != 0)
				authenticate(&r);
			route(&r);
		}
	}
	scrub_arena_fini(&r.arena);
	return 1;
}

/* ---- The server's threads: one store connection per worker ------------------------------------- */

static void *init_thread(const struct mg_context *ctx, int type)
{
	if (type != 1)
		return NULL;
	const serve_config *cfg = mg_get_user_data(ctx);
	scrub_store *s = NULL;
	store_err err;
	if (store_open(cfg->store_url, &s, &err) != SCRUB_OK) {
		fprintf(stderr, "scrub serve: a worker cannot open the store: %s\n", err.msg);
		return NULL;
	}
	return s;
}

static void exit_thread(const struct mg_context *ctx, int type, void *p)
{
	if (p)
		store_close(p);
}

static int log_message(const struct mg_connection *conn, const char *msg)
{
	fprintf(stderr, "scrub serve: %s\n", msg);
	return 1;
}

struct mg_context *serve_start(const serve_config *cfg, int *port)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "scrub serve: libsodium cannot start\n");
		return NULL;
	}
	if (!dummy_hash[0] && crypto_pwhash_str(dummy_hash, "no such user", 12, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		fprintf(stderr, "scrub serve: out of memory\n");
		return NULL;
	}
	char threads[16];
	snprintf(threads, sizeof threads, "%d", cfg->threads);
	const char *opts[] = {
		"listening_ports", cfg->listen,
		"num_threads", threads,
		"request_timeout_ms", "30000",
		"keep_alive_timeout_ms", "5000",
		"enable_keep_alive", "yes",
		"max_request_size", "16384",          /* the request line and headers */
		"enable_directory_listing", "no",
		"decode_url", "no",
		NULL,
	};
	struct mg_callbacks cb = {.init_thread = init_thread, .exit_thread = exit_thread, .log_message = log_message};
	mg_init_library(0);
	struct mg_context *ctx = mg_start(&cb, (void *)cfg, opts);
	if (!ctx) {
		fprintf(stderr, "scrub serve: cannot listen on %s\n", cfg->listen);
		mg_exit_library();
		return NULL;
	}
	mg_set_request_handler(ctx, "/", handler, (void *)cfg);
	struct mg_server_port ports[4];
	int np = mg_get_server_ports(ctx, 4, ports);
	*port = np > 0 ? ports[0].port : 0;
	return ctx;
}

void serve_stop(struct mg_context *ctx)
{
	mg_stop(ctx);
	mg_exit_library();
}

int serve_run(const serve_config *cfg)
{
	/* the workers inherit a mask that leaves SIGINT and SIGTERM to sigwait below */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	int port = 0;
	struct mg_context *ctx = serve_start(cfg, &port);
	if (!ctx)
		return 3;
	printf("scrub serve: listening on %s (port %d), store %s, %d threads\n", cfg->listen, port, cfg->store_url,
	       cfg->threads);
	fflush(stdout);
	int sig = 0;
	sigwait(&set, &sig);
	fprintf(stderr, "scrub serve: stopping (signal %d)\n", sig);
	serve_stop(ctx);
	return 0;
}
