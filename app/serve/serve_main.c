/* scrub serve: the command line of the instructor's web pages (docs/server.md).
 *   scrub serve [--store URL] [--listen ADDR:PORT] [--threads N] ...   the server
 *   scrub serve users add NAME --role trainee|instructor|admin          an account (password from stdin)
 *   scrub serve cohort add COHORT MEMBER                                an instructor or trainee into a cohort
 *   scrub serve token add USER [--days N]                               an upload token for trainees' machines */
#include "cli.h"
#include "serve.h"

#include <sodium.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"usage: scrub serve [--store URL] [--listen ADDR:PORT] [--threads N] [--secure-cookies] [--origin URL]\n"
	"                   [--trust-proxy] [--max-upload-mb N] [--login-rate N] [--session-hours N]\n"
	"       scrub serve users add NAME --role trainee|instructor|admin [--store URL]\n"
	"       scrub serve cohort add COHORT MEMBER [--store URL]\n"
	"       scrub serve token add USER [--days N] [--store URL]\n"
	"\n"
	"The instructor's web pages: sessions, debriefs, trainees' progress and the cohort view of each scenario\n"
	"(docs/server.md). The store is SQLite (a path; default $SCRUB_STORE, else $XDG_DATA_HOME/scrub/records.db)\n"
	"or PostgreSQL (postgresql://...). --listen defaults to 127.0.0.1:8080: put TLS at a reverse proxy and pass\n"
	"--secure-cookies --trust-proxy --origin https://HOST. 'users add' reads the password from standard input\n"
	"(a prompt without echo on a terminal). 'token add' prints a new upload token for POST /api/records.\n";

static scrub_store *open_store(const char *url)
{
	char buf[1024];
	if (!url)
		url = store_default_url(buf, sizeof buf);
	scrub_store *s = NULL;
	store_err err;
	if (store_open(url, &s, &err) != SCRUB_OK) {
		fprintf(stderr, "scrub serve: %s: %s\n", url, err.msg);
		return NULL;
	}
	return s;
}

/* A password from a terminal without echo (twice), or the first line of standard input. */
static bool read_password(char *pw, size_t size)
{
	bool tty = isatty(STDIN_FILENO);
	for (int round = 0; round < (tty ? 2 : 1); round++) {
		char *dst = round ? pw + size / 2 : pw;
		size_t cap = round ? size / 2 : size / 2;
		struct termios old, quiet;
		if (tty) {
			fputs(round ? "Again: " : "Password: ", stderr);
			tcgetattr(STDIN_FILENO, &old);
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		}
		bool got = fgets(dst, (int)cap, stdin) != NULL;
		if (tty) {
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
			fputs("\n", stderr);
		}
		if (!got)
			return false;
		dst[strcspn(dst, "\r\n")] = 0;
	}
	if (tty && strcmp(pw, pw + size / 2) != 0) {
		fputs("scrub serve: the passwords differ\n", stderr);
		return false;
	}
	return true;
}

static int users_add(int argc, char **argv)
{
	const char *role_s = NULL, *store_url = NULL;
	cli_opt opts[] = {{"role", true, &role_s, NULL}, {"store", true, &store_url, NULL}, {0}};
	const char *pos[3];
	int npos;
	int go = cli_args(argc, argv, opts, pos, 0, 3, &npos, usage, NULL);
	if (go != CLI_GO_ON)
		return go;
	if (npos != 2 || strcmp(pos[0], "add") != 0 || !role_s) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	store_role role;
	if (strcmp(role_s, "trainee") == 0)
		role = STORE_ROLE_TRAINEE;
	else if (strcmp(role_s, "instructor") == 0)
		role = STORE_ROLE_INSTRUCTOR;
	else if (strcmp(role_s, "admin") == 0)
		role = STORE_ROLE_ADMIN;
	else {
		fprintf(stderr, "scrub serve users: --role is trainee, instructor or admin\n");
		return EXIT_USAGE;
	}
	const char *name = pos[1];
	if (!*name || strlen(name) > 64 || strpbrk(name, "/\\\r\n\t ")) {
		fprintf(stderr, "scrub serve users: a name is 1 to 64 characters without spaces or slashes\n");
		return EXIT_USAGE;
	}
	char pw[2048];
	if (!read_password(pw, sizeof pw))
		return EXIT_USAGE;
	if (strlen(pw) < 8) {
		sodium_memzero(pw, sizeof pw);
		fprintf(stderr, "scrub serve users: a password has at least 8 characters\n");
		return EXIT_USAGE;
	}
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		sodium_memzero(pw, sizeof pw);
		fprintf(stderr, "scrub serve users: out of memory hashing the password\n");
		return EXIT_RUNTIME;
	}
	sodium_memzero(pw, sizeof pw);
	scrub_store *s = open_store(store_url);
	if (!s)
		return EXIT_RUNTIME;
	int64_t id;
	store_err err;
	int rc = EXIT_DONE;
	if (store_put_user(s, name, role, hash, &id, &err) != SCRUB_OK) {
		fprintf(stderr, "scrub serve users: %s\n", err.msg);
		rc = EXIT_RUNTIME;
	} else {
		printf("user %s (%s)\n", name, role_s);
	}
	store_close(s);
	return rc;
}

static int cohort_add(int argc, char **argv)
{
	const char *store_url = NULL;
	cli_opt opts[] = {{"store", true, &store_url, NULL}, {0}};
	const char *pos[4];
	int npos;
	int go = cli_args(argc, argv, opts, pos, 0, 4, &npos, usage, NULL);
	if (go != CLI_GO_ON)
		return go;
	if (npos != 3 || strcmp(pos[0], "add") != 0) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	scrub_store *s = open_store(store_url);
	if (!s)
		return EXIT_RUNTIME;
	store_err err;
	int rc = EXIT_DONE;
	if (store_cohort_add(s, pos[1], pos[2], &err) != SCRUB_OK) {
		fprintf(stderr, "scrub serve cohort: %s\n", err.msg);
		rc = EXIT_RUNTIME;
	} else {
		printf("%s is in cohort %s\n", pos[2], pos[1]);
	}
	store_close(s);
	return rc;
}

static int token_add(int argc, char **argv)
{
	const char *store_url = NULL, *days_s = NULL;
	cli_opt opts[] = {{"store", true, &store_url, NULL}, {"days", true, &days_s, NULL}, {0}};
	const char *pos[3];
	int npos;
	int go = cli_args(argc, argv, opts, pos, 0, 3, &npos, usage, NULL);
	if (go != CLI_GO_ON)
		return go;
	long days = 365;
	if (npos != 2 || strcmp(pos[0], "add") != 0 || (days_s && !cli_whole(days_s, 1, 3650, &days))) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	scrub_store *s = open_store(store_url);
	if (!s)
		return EXIT_RUNTIME;
	scrub_arena a;
	scrub_arena_init(&a);
	store_user u;
	store_err err;
	int rc = EXIT_DONE;
	scrub_result sr = store_get_user(s, pos[1], &a, &u, &err);
	if (sr != SCRUB_OK) {
		fprintf(stderr, "scrub serve token: %s\n", sr == SCRUB_DONE ? "no such user" : err.msg);
		rc = sr == SCRUB_DONE ? EXIT_INVALID : EXIT_RUNTIME;
	} else {
		char secret[65], hash[65];
		serve_random_hex(secret, 32);
		serve_sha256_hex(secret, 64, hash);
		if (store_put_token(s, "upload", hash, u.id, (int64_t)time(NULL) + days * 86400, &err) != SCRUB_OK) {
			fprintf(stderr, "scrub serve token: %s\n", err.msg);
			rc = EXIT_RUNTIME;
		} else {
			printf("%s\n", secret);
		}
		sodium_memzero(secret, sizeof secret);
	}
	scrub_arena_fini(&a);
	store_close(s);
	return rc;
}

int scrub_cmd_serve(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "scrub serve: libsodium cannot start\n");
		return EXIT_RUNTIME;
	}
	if (argc >= 2 && strcmp(argv[1], "users") == 0)
		return users_add(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "cohort") == 0)
		return cohort_add(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "token") == 0)
		return token_add(argc - 1, argv + 1);
	const char *store_url = NULL, *listen = "127.0.0.1:8080", *threads_s = NULL, *origin = NULL, *upload_s = NULL,
	           *rate_s = NULL, *hours_s = NULL;
	bool secure = false, trust_proxy = false;
	cli_opt opts[] = {{"store", true, &store_url, NULL},     {"listen", true, &listen, NULL},
	                  {"threads", true, &threads_s, NULL},   {"origin", true, &origin, NULL},
	                  {"max-upload-mb", true, &upload_s, NULL}, {"login-rate", true, &rate_s, NULL},
	                  {"session-hours", true, &hours_s, NULL}, {"secure-cookies", false, NULL, &secure},
	                  {"trust-proxy", false, NULL, &trust_proxy}, {0}};
	const char *pos[1];
	int npos;
	int go = cli_args(argc, argv, opts, pos, 0, 0, &npos, usage, NULL);
	if (go != CLI_GO_ON)
		return go;
	long threads = 8, upload_mb = 64, rate = 10, hours = 12;
	if ((threads_s && !cli_whole(threads_s, 1, 256, &threads)) || (upload_s && !cli_whole(upload_s, 1, 4096, &upload_mb)) ||
	    (rate_s && !cli_whole(rate_s, 1, 100000, &rate)) || (hours_s && !cli_whole(hours_s, 1, 24 * 90, &hours))) {
		fprintf(stderr, "scrub serve: --threads 1..256, --max-upload-mb 1..4096, --login-rate 1..100000, "
		                "--session-hours 1..2160\n");
		return EXIT_USAGE;
	}
	char buf[1024];
	if (!store_url)
		store_url = store_default_url(buf, sizeof buf);
	/* open once here: the schema's migrations run before any worker connects, and a bad URL fails at once */
	scrub_store *s = open_store(store_url);
	if (!s)
		return EXIT_RUNTIME;
	store_close(s);
	serve_config cfg = {
		.store_url = store_url, .listen = listen, .threads = (int)threads, .secure_cookies = secure,
		.trust_proxy = trust_proxy, .origin = origin, .max_form = 64 * 1024, .max_upload = (size_t)upload_mb << 20,
		.login_per_min = (int)rate, .session_hours = (int)hours,
	};
	return serve_run(&cfg);
}
