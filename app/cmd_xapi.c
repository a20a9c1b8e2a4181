/* scrub xapi: a session's xAPI statements, printed or sent to a Learning Record Store (docs/xapi.md). */
#include "cli.h"
#include "net_cli.h"
#include "xapi_queue.h"
#include "xapi_store.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: scrub xapi statements RECORD [options]\n"
	"       scrub xapi send [RECORD...] [--lrs URL --user U --password P] [options]\n"
	"       scrub xapi send --store URL [--all] [RECORD...] [--lrs URL ...] [options]\n"
	"\n"
	"`statements` prints the xAPI 1.0.3 statements of a session (a JSON array): the trainee attempted,\n"
	"completed, passed or failed the scenario, and passed or failed each checklist item. `send` puts\n"
	"the statements of each RECORD in the xAPI queue ($XDG_STATE_HOME/scrub/xapi) and sends\n"
	"everything queued to the Learning Record Store; a statement leaves the queue only when the LRS\n"
	"has it. Statement ids come from the record's sha256: sending again duplicates nothing.\n"
	"With --store (a school's server) the queue is the records store's: --all queues the statements\n"
	"of every session in the store (a statement queued before is not queued again).\n"
	"\n"
	"options:\n"
	"  --lrs URL         the LRS's xAPI endpoint (default: $SCRUB_LRS)\n"
	"  --user U          basic authentication (default: $SCRUB_LRS_USER)\n"
	"  --password P      (default: $SCRUB_LRS_PASSWORD; prefer the variable: a command line is visible)\n"
	"  --homepage IRL    the trainees' accounts' homePage (default: $SCRUB_XAPI_HOMEPAGE, else\n"
	"                    " XAPI_DEFAULT_HOMEPAGE ")\n"
	"  --activity-base IRI  where scenario activities live (default: $SCRUB_XAPI_BASE, else\n"
	"                    " XAPI_DEFAULT_BASE ")\n"
	"  --lang TAG        the language of names and descriptions (default en)\n"
	"  --store URL       use the records store's queue (SQLite path or postgresql://...)\n"
	"  --all             with --store: queue the statements of every stored session\n"
	NET_RETRY_USAGE
	"  --quiet           print only the summary\n"
	"\n"
	"Exit status: 0 nothing waits; 1 an unreadable record, or the LRS refused a statement for good;\n"
	"2 bad command line; 3 statements still wait (network, LRS down, credentials refused).\n";

#define MAX_RECORDS 256

/* --all: the statements of every session in the store into its queue. */
static scrub_result queue_store(scrub_store *st, const xapi_config *cfg, bool quiet)
{
	int sessions = 0, statements = 0, total = 0;
	for (int offset = 0;; offset += 100) {
		scrub_arena a;
		scrub_arena_init(&a);
		store_filter f = {.passed = -1, .complete = -1, .offset = offset, .limit = 100};
		store_session *v;
		int n;
		store_err se;
		scrub_result r = store_list_sessions(st, &f, &a, &v, &n, &total, &se);
		if (r != SCRUB_OK)
			fprintf(stderr, "scrub xapi: %s\n", se.msg);
		for (int i = 0; r == SCRUB_OK && i < n; i++) {
			char err[768];
			int k;
			r = xapi_store_enqueue_session(st, cfg, v[i].id, &k, err, sizeof err);
			if (r != SCRUB_OK)
				fprintf(stderr, "scrub xapi: %s\n", err);
			statements += k;
			sessions++;
		}
		scrub_arena_fini(&a);
		if (r != SCRUB_OK)
			return r;
		if (n < 100)
			break;
	}
	if (!quiet)
		fprintf(stderr, "xapi: %d statements of %d stored sessions queued (those queued before are kept once)\n",
		        statements, sessions);
	return SCRUB_OK;
}

int scrub_cmd_xapi(int argc, char **argv)
{
	const char *lrs = getenv("SCRUB_LRS"), *user = getenv("SCRUB_LRS_USER"), *password = getenv("SCRUB_LRS_PASSWORD");
	xapi_config cfg = {.homepage = getenv("SCRUB_XAPI_HOMEPAGE"), .activity_base = getenv("SCRUB_XAPI_BASE")};
	const char *tries_s = NULL, *backoff_s = NULL, *max_s = NULL;
	const char *store_url = NULL;
	bool quiet = false, all = false;
	cli_opt opts[] = {
		{"store", true, &store_url, NULL},
		{"all", false, NULL, &all},
		{"lrs", true, &lrs, NULL},
		{"user", true, &user, NULL},
		{"password", true, &password, NULL},
		{"homepage", true, &cfg.homepage, NULL},
		{"activity-base", true, &cfg.activity_base, NULL},
		{"lang", true, &cfg.lang, NULL},
		NET_RETRY_OPTS(tries_s, backoff_s, max_s),
		{"quiet", false, NULL, &quiet},
		{0},
	};
	const char *pos[MAX_RECORDS + 1];
	int npos;
	int go = cli_args(argc, argv, opts, pos, 0, MAX_RECORDS + 1, &npos, usage, NULL);
	if (go != CLI_GO_ON)
		return go;
	bool send = npos >= 1 && strcmp(pos[0], "send") == 0;
	if (npos < 1 || (!send && strcmp(pos[0], "statements") != 0) || (!send && npos != 2)) {
		fprintf(stderr, "scrub xapi: say `statements RECORD` or `send [RECORD...]`\n\n%s", usage);
		return EXIT_USAGE;
	}
	xapi_lrs l = {.endpoint = lrs, .user = user, .password = password, .retry = NET_RETRY_DEFAULT,
	              .log = quiet ? NULL : stderr};
	if (!net_cli_retry(tries_s, backoff_s, max_s, &l.retry, "xapi"))
		return EXIT_USAGE;
	if (send && (!lrs || !*lrs)) {
		fprintf(stderr, "scrub xapi: send where? --lrs URL or SCRUB_LRS\n");
		return EXIT_USAGE;
	}
	if ((store_url || all) && !send) {
		fprintf(stderr, "scrub xapi: --store and --all go with `send`\n");
		return EXIT_USAGE;
	}
	if (all && !store_url) {
		fprintf(stderr, "scrub xapi: --all queues the sessions of a store: give --store URL\n");
		return EXIT_USAGE;
	}
	scrub_store *st = NULL;
	if (store_url) {
		store_err se;
		if (store_open(store_url, &st, &se) != SCRUB_OK) {
			fprintf(stderr, "scrub xapi: %s: %s\n", store_url, se.msg);
			return EXIT_RUNTIME;
		}
	}
	int rc = EXIT_DONE;
	if (all && queue_store(st, &cfg, quiet) != SCRUB_OK)
		rc = EXIT_RUNTIME;
	for (int i = 1; i < npos; i++) {
		scrub_arena a;
		scrub_arena_init(&a);
		xapi_statement *v;
		int n;
		char err[768];
		scrub_result r = xapi_statements_of_record(&cfg, pos[i], &a, &v, &n, err, sizeof err);
		if (r == SCRUB_OK && send)
			r = st ? xapi_store_enqueue(st, v, n, err, sizeof err) : xapi_enqueue(v, n, err, sizeof err);
		if (r != SCRUB_OK) {
			fprintf(stderr, "scrub xapi: %s\n", r == SCRUB_ERR_NOMEM ? "out of memory" : err);
			rc = cli_exit_for(r);
		} else if (!send) {
			fputs("[\n", stdout);
			for (int k = 0; k < n; k++)
				printf("%s%s\n", v[k].json, k + 1 < n ? "," : "");
			fputs("]\n", stdout);
		} else if (!quiet) {
			fprintf(stderr, "xapi: %d statement%s of %s queued\n", n, n == 1 ? "" : "s", pos[i]);
		}
		scrub_arena_fini(&a);
	}
	if (!send)
		return rc;
	char dir[PATH_MAX], err[512];
	net_flush_result f;
	scrub_result r;
	if (st) {
		snprintf(dir, sizeof dir, "the store's queue");
		r = xapi_store_flush(st, &l, &f);
		store_close(st);
	} else {
		if (spool_dir("xapi", dir, sizeof dir, err, sizeof err) != SCRUB_OK) {
			fprintf(stderr, "scrub xapi: %s\n", err);
			return EXIT_RUNTIME;
		}
		r = xapi_flush(&l, &f);
	}
	int frc = net_cli_report("scrub xapi", lrs, &f, r, dir);
	return frc != EXIT_DONE ? frc : rc;
}
