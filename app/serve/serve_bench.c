/* scrub bench serve: the server time of the cohort page of a scenario and of one debrief page, on an existing
 * store (make one of 10,000 sessions with `scrub bench import`, docs/server.md). The bench starts the server
 * inside itself on a free local port, signs in as an admin it adds for the purpose ("scrub-bench", its login
 * dropped at the end), asks each page N times over HTTP and reports the medians of the Server-Timing header
 * (the handler's time, from the request read to the response written) and of the wall time seen by the client. */
#include "cli.h"
#include "serve.h"

#include <sodium.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char usage[] =
	"usage: scrub bench serve --store URL [--scenario ID] [--session ID] [--runs N] [--threads N]\n"
	"\n"
	"Times the cohort page of a scenario (default: the scenario of the newest session) and one debrief page\n"
	"(default: the newest session of that scenario) N times each (default 21) on a server started inside the\n"
	"bench, and prints one JSON line with the medians: server time and the server thread's CPU time (the\n"
	"Server-Timing header), and the client's time.\n"
	"Adds an admin account 'scrub-bench' to the store (no password can sign in as it).\n";

/* One GET over a fresh connection; returns the HTTP status, the server's time and the client's time. */
static int http_get(int port, const char *path, const char *cookie, double *server_ms, double *cpu_ms,
                    double *client_ms, size_t *bytes)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	char req[1024];
	int n = snprintf(req, sizeof req,
	                 "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: scrub_session=%s\r\nConnection: close\r\n\r\n",
	                 path, port, cookie);
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	scrub_buf b;
	scrub_buf_init(&b);
	char chunk[65536];
	ssize_t got;
	while ((got = read(fd, chunk, sizeof chunk)) > 0)
		scrub_buf_append(&b, chunk, (size_t)got);
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*client_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	int status = -1;
	*server_ms = -1;
	*bytes = b.len;
	if (b.data && sscanf(b.data, "HTTP/1.1 %d", &status) == 1) {
		const char *st = strstr(b.data, "Server-Timing: app;dur="), *cpu = strstr(b.data, ", cpu;dur=");
		if (st && cpu) {
			*server_ms = strtod(st + strlen("Server-Timing: app;dur="), NULL);
			*cpu_ms = strtod(cpu + strlen(", cpu;dur="), NULL);
		}
	}
	scrub_buf_fini(&b);
	return status;
}

/* med[0]: server time, med[1]: the server thread's CPU time, med[2]: the client's time (medians, ms) */
static bool time_page(int port, const char *path, const char *cookie, int runs, double med[3], size_t *bytes)
{
	double *sv = calloc((size_t)runs, sizeof *sv), *cl = calloc((size_t)runs, sizeof *cl),
	       *cp = calloc((size_t)runs, sizeof *cp);
	bool ok = sv && cl && cp;
	for (int i = 0; ok && i < runs; i++) {
		int st = http_get(port, path, cookie, &sv[i], &cp[i], &cl[i], bytes);
		if (st != 200 || sv[i] < 0) {
			fprintf(stderr, "scrub bench serve: GET %s answered %d\n", path, st);
			ok = false;
		}
	}
	if (ok) {
		med[0] = cli_percentile(sv, (size_t)runs, 0.5);
		med[1] = cli_percentile(cp, (size_t)runs, 0.5);
		med[2] = cli_percentile(cl, (size_t)runs, 0.5);
	}
	free(sv);
	free(cl);
	free(cp);
	return ok;
}

int scrub_cmd_bench_serve(int argc, char **argv)
{
	const char *store_url = NULL, *scn = NULL, *sess_s = NULL, *runs_s = NULL, *threads_s = NULL;
	cli_opt opts[] = {{"store", true, &store_url, NULL}, {"scenario", true, &scn, NULL},
	                  {"session", true, &sess_s, NULL},  {"runs", true, &runs_s, NULL},
	                  {"threads", true, &threads_s, NULL}, {0}};
	const char *pos[1];
	int npos;
	int go = cli_args(argc, argv, opts, pos, 0, 0, &npos, usage, NULL);
	if (go != CLI_GO_ON)
		return go;
	long runs = 21, sess = 0, threads = 2;
	if (!store_url || (runs_s && !cli_whole(runs_s, 1, 10000, &runs)) ||
	    (sess_s && !cli_whole(sess_s, 1, INT64_MAX, &sess)) || (threads_s && !cli_whole(threads_s, 1, 64, &threads))) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (sodium_init() < 0)
		return EXIT_RUNTIME;
	scrub_store *s = NULL;
	store_err err;
	if (store_open(store_url, &s, &err) != SCRUB_OK) {
		fprintf(stderr, "scrub bench serve: %s: %s\n", store_url, err.msg);
		return EXIT_RUNTIME;
	}
	scrub_arena a;
	scrub_arena_init(&a);
	int rc = EXIT_RUNTIME;
	char secret[65], hash[65], pwhash[crypto_pwhash_STRBYTES];
	store_filter f = {.scenario_id = scn, .passed = -1, .complete = -1, .limit = 1};
	store_session *first = NULL;
	int n = 0, total = 0, total_all = 0;
	int64_t uid = 0;
	/* a hash of a random password nobody knows: the account only signs in through the token below */
	serve_random_hex(secret, 32);
	if (crypto_pwhash_str(pwhash, secret, 64, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0 ||
	    store_list_sessions(s, &f, &a, &first, &n, &total, &err) < 0 ||
	    store_put_user(s, "scrub-bench", STORE_ROLE_ADMIN, pwhash, &uid, &err) != SCRUB_OK) {
		fprintf(stderr, "scrub bench serve: %s\n", err.msg);
		goto out;
	}
	if (!n) {
		fprintf(stderr, "scrub bench serve: the store has no session%s%s\n", scn ? " of " : "", scn ? scn : "");
		goto out;
	}
	{
		store_filter all = {.passed = -1, .complete = -1, .limit = 1};
		store_session *tmp;
		int nt;
		if (store_list_sessions(s, &all, &a, &tmp, &nt, &total_all, &err) < 0)
			goto out;
	}
	if (!scn)
		scn = first[0].scenario_id;
	if (!sess)
		sess = first[0].id;
	serve_random_hex(secret, 32);
	serve_sha256_hex(secret, 64, hash);
	if (store_put_token(s, "login", hash, uid, (int64_t)time(NULL) + 3600, &err) != SCRUB_OK) {
		fprintf(stderr, "scrub bench serve: %s\n", err.msg);
		goto out;
	}
	serve_config cfg = {.store_url = store_url, .listen = "127.0.0.1:0", .threads = (int)threads,
	                    .max_form = 64 * 1024, .max_upload = 64 << 20, .login_per_min = 10, .session_hours = 1};
	int port = 0;
	struct mg_context *ctx = serve_start(&cfg, &port);
	if (!ctx || !port) {
		fprintf(stderr, "scrub bench serve: the server did not start\n");
		if (ctx)
			serve_stop(ctx);
		goto out;
	}
	scrub_buf path1, path2;
	scrub_buf_init(&path1);
	scrub_buf_init(&path2);
	scrub_buf_puts(&path1, "/scenarios/");
	url_escape(&path1, scn);
	scrub_buf_printf(&path2, "/sessions/%ld", sess);
	double c[3] = {0}, d[3] = {0};
	size_t c_bytes = 0, d_bytes = 0;
	bool ok = time_page(port, path1.data, secret, (int)runs, c, &c_bytes) &&
	          time_page(port, path2.data, secret, (int)runs, d, &d_bytes);
	serve_stop(ctx);
	if (ok) {
		scrub_buf out;
		scrub_buf_init(&out);
		scrub_json j;
		scrub_json_init(&j, &out, false);
		scrub_json_object_begin(&j, NULL);
		scrub_json_str(&j, "bench", "serve");
		scrub_json_str(&j, "backend", store_backend(s));
		scrub_json_int(&j, "store_sessions", total_all);
		scrub_json_str(&j, "scenario", scn);
		scrub_json_int(&j, "scenario_sessions", total);
		scrub_json_int(&j, "debrief_session", sess);
		scrub_json_int(&j, "runs", runs);
		scrub_json_num(&j, "cohort_server_ms", c[0], 2);
		scrub_json_num(&j, "cohort_cpu_ms", c[1], 2);
		scrub_json_num(&j, "cohort_client_ms", c[2], 2);
		scrub_json_int(&j, "cohort_bytes", (int64_t)c_bytes);
		scrub_json_num(&j, "debrief_server_ms", d[0], 2);
		scrub_json_num(&j, "debrief_cpu_ms", d[1], 2);
		scrub_json_num(&j, "debrief_client_ms", d[2], 2);
		scrub_json_int(&j, "debrief_bytes", (int64_t)d_bytes);
		scrub_json_object_end(&j);
		printf("cohort page %s: median %.2f ms server (%.2f ms CPU), %.2f ms client (%d sessions of %d)\n"
		       "debrief page %s: median %.2f ms server (%.2f ms CPU), %.2f ms client\n%s\n",
		       path1.data, c[0], c[1], c[2], total, total_all, path2.data, d[0], d[1], d[2], out.data);
		scrub_buf_fini(&out);
		rc = EXIT_DONE;
	}
	scrub_buf_fini(&path1);
	scrub_buf_fini(&path2);
	(void)store_drop_token(s, "login", hash, &err);
out:
	sodium_memzero(secret, sizeof secret);
	scrub_arena_fini(&a);
	store_close(s);
	return rc;
}
