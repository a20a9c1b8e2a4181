/* The xAPI queue: a session's statements (xapi.h) wait in $XDG_STATE_HOME/scrub/xapi/<statement id>.json (a
 * spool: written durably, one file per statement) until the Learning Record Store has them; each is sent with
 * PUT LRS/statements?statementId=ID (basic authentication, X-Experience-API-Version: 1.0.3), so a retry of a
 * statement the LRS already stored changes nothing. On the server, the records store's xAPI queue
 * (store_xapi_*, app/store/store.h) plays the spool's part. docs/xapi.md. */
#ifndef SCRUB_NET_XAPI_QUEUE_H
#define SCRUB_NET_XAPI_QUEUE_H

#include "queue.h"
#include "xapi.h"

#include <stdio.h>

typedef struct xapi_lrs {
	const char *endpoint;      /* the LRS's xAPI endpoint: https://lrs.example/xAPI/ */
	const char *user, *password;
	net_retry retry;
	FILE *log;                 /* each attempt, one line (NULL: quiet) */
} xapi_lrs;

/* The statements of the session recorded at `record_path` (it is read and replayed to score it). The text of the
 * record is read at most once; statements live in `a`. err says what went wrong. */
scrub_result xapi_statements_of_record(const xapi_config *cfg, const char *record_path, scrub_arena *a,
                                       xapi_statement **out, int *n, char *err, size_t errsize);
/* The same from a record's text (`display` names it in messages). */
scrub_result xapi_statements_of_text(const xapi_config *cfg, const char *display, const char *text, size_t len,
                                     scrub_arena *a, xapi_statement **out, int *n, char *err, size_t errsize);
/* Puts statements in the queue (one already there is left as it is). */
scrub_result xapi_enqueue(const xapi_statement *v, int n, char *err, size_t errsize);
/* Sends everything in the queue. */
scrub_result xapi_flush(const xapi_lrs *lrs, net_flush_result *out);

/* The largest statement sent: a checklist item's text and note are short, so this is generous. */
#define XAPI_MAX_STATEMENT ((size_t)1 << 20)
/* One statement (`name` is ID or ID.json) to the LRS `ctx` (a const xapi_lrs *), as net_queue's send; and the
 * line it logs for an attempt, as net_queue's note. For the store's queue (xapi_store.c). */
scrub_result xapi_send_one(void *ctx, const char *name, const char *data, size_t len, long *status, char *why,
                           size_t whysize);
void xapi_note(void *ctx, const char *name, net_verdict v, long status, const char *why);

#endif
