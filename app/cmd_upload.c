/* scrub upload: send the outbox's session records to a school's server; and what `scrub run --server` does at the
 * end of a session (docs/uploads.md). */
#include "cli.h"
#include "net_cli.h"
#include "upload.h"
#include "xapi_queue.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: scrub upload [--server URL] [--token TOKEN] [options]\n"
	"\n"
	"Sends every session record waiting in the outbox ($XDG_STATE_HOME/scrub/outbox, else\n"
	"~/.local/state/scrub/outbox) to a school's server (POST URL/api/records). A record leaves the\n"
	"outbox only when the server has committed it; one the server refuses for good (400) moves to\n"
	"the outbox's rejected/ folder. `scrub run --server URL` puts each session's record there.\n"
	"\n"
	"options:\n"
	"  --server URL      the server (default: $SCRUB_SERVER)\n"
	"  --token TOKEN     the upload token the server gave (default: $SCRUB_TOKEN)\n"
	NET_RETRY_USAGE
	"  --list            list what waits in the outbox and send nothing\n"
	"  --quiet           print only the summary\n"
	"\n"
	"Exit status: 0 the outbox is empty; 1 the server refused a record for good (and nothing waits);\n"
	"2 bad command line; 3 records still wait (the network or the server failed, or the token was refused).\n";

bool net_cli_retry(const char *tries_s, const char *backoff_s, const char *max_s, net_retry *r, const char *cmd)
{
	long tries;
	if (tries_s && !cli_whole(tries_s, 1, 1000, &tries)) {
		fprintf(stderr, "scrub %s: --tries needs a whole number 1..1000, found '%s'\n", cmd, tries_s);
		return false;
	}
	if (tries_s)
		r->tries = (int)tries;
	if (backoff_s && !cli_real(backoff_s, 0, 3600, &r->initial_s)) {
		fprintf(stderr, "scrub %s: --backoff needs seconds (0..3600), found '%s'\n", cmd, backoff_s);
		return false;
	}
	if (max_s && !cli_real(max_s, 0, 86400, &r->max_s)) {
		fprintf(stderr, "scrub %s: --max-backoff needs seconds (0..86400), found '%s'\n", cmd, max_s);
		return false;
	}
	return true;
}

int net_cli_report(const char *what, const char *where, const net_flush_result *f, scrub_result r, const char *dir)
{
	if (r != SCRUB_OK) {
		fprintf(stderr, "%s: %s\n", what, f->error[0] ? f->error : scrub_result_str(r));
		return EXIT_RUNTIME;
	}
	printf("%s: %d sent to %s in %d attempt%s, %d refused for good, %d waiting in %s\n", what, f->sent, where,
	       f->attempts, f->attempts == 1 ? "" : "s", f->rejected, f->left, dir);
	if (f->auth_failed)
		fprintf(stderr, "%s: the credentials were refused: nothing more was sent\n", what);
	return f->left ? EXIT_RUNTIME : f->rejected ? EXIT_INVALID : EXIT_DONE;
}

static int list_outbox(const char *dir)
{
	scrub_arena a;
	scrub_arena_init(&a);
	spool_item *items;
	int n;
	char err[512];
	if (spool_list(dir, &a, &items, &n, err, sizeof err) != SCRUB_OK) {
		fprintf(stderr, "scrub upload: %s\n", err);
		scrub_arena_fini(&a);
		return EXIT_RUNTIME;
	}
	for (int i = 0; i < n; i++)
		printf("%s  %d failed attempt%s%s%s\n", items[i].name, items[i].tries, items[i].tries == 1 ? "" : "s",
		       *items[i].why ? ": " : "", items[i].why);
	printf("%d record%s waiting in %s\n", n, n == 1 ? "" : "s", dir);
	scrub_arena_fini(&a);
	return EXIT_DONE;
}

int scrub_cmd_upload(int argc, char **argv)
{
	const char *server = getenv("SCRUB_SERVER"), *token = getenv("SCRUB_TOKEN");
	const char *tries_s = NULL, *backoff_s = NULL, *max_s = NULL;
	bool quiet = false, list = false;
	cli_opt opts[] = {
		{"server", true, &server, NULL},
		{"token", true, &token, NULL},
		NET_RETRY_OPTS(tries_s, backoff_s, max_s),
		{"list", false, NULL, &list},
		{"quiet", false, NULL, &quiet},
		{0},
	};
	int npos;
	int go = cli_args(argc, argv, opts, NULL, 0, 0, &npos, usage, NULL);
	if (go != CLI_GO_ON)
		return go;
	char dir[PATH_MAX], err[512];
	if (upload_outbox(dir, sizeof dir, err, sizeof err) != SCRUB_OK) {
		fprintf(stderr, "scrub upload: %s\n", err);
		return EXIT_RUNTIME;
	}
	if (list)
		return list_outbox(dir);
	if (!server || !*server || !token || !*token) {
		fprintf(stderr, "scrub upload: give the server and its token (--server URL --token TOKEN, or SCRUB_SERVER "
		        "and SCRUB_TOKEN)\n");
		return EXIT_USAGE;
	}
	upload_config cfg = {.server = server, .token = token, .retry = NET_RETRY_DEFAULT, .log = quiet ? NULL : stderr};
	if (!net_cli_retry(tries_s, backoff_s, max_s, &cfg.retry, "upload"))
		return EXIT_USAGE;
	net_flush_result f;
	scrub_result r = upload_flush(&cfg, &f);
	return net_cli_report("scrub upload", server, &f, r, dir);
}

/* ---- At the end of a session ------------------------------------------------------------------- */

static const char *run_server, *run_token;

void net_cli_configure(const char *server, const char *token)
{
	run_server = server && *server ? server : NULL;
	run_token = token;
}

bool net_cli_check(const char *cmd)
{
	if (run_server && (!run_token || !*run_token)) {
		fprintf(stderr, "scrub %s: --server needs the upload token too (--token TOKEN or SCRUB_TOKEN)\n", cmd);
		return false;
	}
	return true;
}

void net_cli_after_session(const char *record_path, bool quiet)
{
	/* a few quick tries: the trainee is waiting; what is not sent waits in the outbox, safe */
	net_retry quick = {.tries = 3, .initial_s = 1, .max_s = 4};
	if (run_server) {
		char sha[65], err[512], dir[PATH_MAX] = "the outbox";
		upload_outbox(dir, sizeof dir, err, sizeof err);
		if (upload_enqueue(record_path, sha, err, sizeof err) != SCRUB_OK) {
			fprintf(stderr, "scrub run: the record cannot go to the outbox: %s (it stays in %s)\n", err, record_path);
		} else {
			upload_config cfg = {.server = run_server, .token = run_token, .retry = quick, .log = quiet ? NULL : stderr};
			net_flush_result f;
			scrub_result r = upload_flush(&cfg, &f);
			if (r != SCRUB_OK)
				fprintf(stderr, "scrub run: upload: %s\n", f.error);
			else if (f.left)
				fprintf(stderr, "scrub run: %d record%s not uploaded yet, kept in %s: `scrub upload` sends them\n", f.left,
				        f.left == 1 ? "" : "s", dir);
			else if (!quiet)
				printf("Uploaded to %s\n", run_server);
		}
	}
	const char *lrs = getenv("SCRUB_LRS");
	if (lrs && *lrs) {
		xapi_config xc = {.homepage = getenv("SCRUB_XAPI_HOMEPAGE"), .activity_base = getenv("SCRUB_XAPI_BASE")};
		xapi_lrs l = {.endpoint = lrs, .user = getenv("SCRUB_LRS_USER"), .password = getenv("SCRUB_LRS_PASSWORD"),
		              .retry = quick, .log = quiet ? NULL : stderr};
		scrub_arena a;
		scrub_arena_init(&a);
		xapi_statement *v;
		int n;
		char err[512];
		net_flush_result f;
		if (xapi_statements_of_record(&xc, record_path, &a, &v, &n, err, sizeof err) != SCRUB_OK ||
		    xapi_enqueue(v, n, err, sizeof err) != SCRUB_OK)
			fprintf(stderr, "scrub run: xAPI: %s\n", err);
		else if (xapi_flush(&l, &f) != SCRUB_OK)
			fprintf(stderr, "scrub run: xAPI: %s\n", f.error);
		else if (f.left)
			fprintf(stderr, "scrub run: %d xAPI statement%s not sent yet: `scrub xapi send` sends them\n", f.left,
			        f.left == 1 ? "" : "s");
		scrub_arena_fini(&a);
	}
}
