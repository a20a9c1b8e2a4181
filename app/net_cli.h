/* The command line's side of app/net: options shared by `scrub upload` and `scrub xapi`, and what a session's
 * end does with `scrub run --server` (or SCRUB_SERVER) and SCRUB_LRS (cmd_upload.c). */
#ifndef SCRUB_NET_CLI_H
#define SCRUB_NET_CLI_H

#include "queue.h"
#include "spool.h"

#include <stdbool.h>

#define NET_RETRY_DEFAULT ((net_retry){.tries = 6, .initial_s = 2, .max_s = 60})
#define NET_RETRY_USAGE \
	"  --tries N         attempts per item before giving up for now (default 6)\n" \
	"  --backoff S       seconds before the second round, doubling each round (default 2)\n" \
	"  --max-backoff S   the longest wait between rounds (default 60)\n"
#define NET_RETRY_OPTS(t, b, m) {"tries", true, &(t), NULL}, {"backoff", true, &(b), NULL}, \
	{"max-backoff", true, &(m), NULL}

/* Reads --tries, --backoff and --max-backoff into r (printing what is wrong). */
bool net_cli_retry(const char *tries_s, const char *backoff_s, const char *max_s, net_retry *r, const char *cmd);
/* Prints a flush's summary; returns the exit status (0 nothing waits, 1 refused for good, 3 still waiting). */
int net_cli_report(const char *what, const char *where, const net_flush_result *f, scrub_result r, const char *dir);

/* `scrub run --server URL --token T`: set before the session runs (NULL server: no upload). */
void net_cli_configure(const char *server, const char *token);
/* False (after saying why) when the configuration cannot work. */
bool net_cli_check(const char *cmd);
/* After a session's files are closed: the record to the outbox and the server; its xAPI statements to the LRS
 * when SCRUB_LRS is set. Never fails the session: what is not sent waits, and the messages say so. */
void net_cli_after_session(const char *record_path, bool quiet);

#endif
