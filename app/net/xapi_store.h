/* The xAPI queue in the records store (store_xapi_*, app/store/store.h): on a school's server, the statements of
 * the sessions in the store wait in its xapi_queue table (durable as the store is, shared by every `scrub serve`
 * of one PostgreSQL) instead of a folder on one machine. Same statements, same LRS protocol and rules as
 * xapi_queue.h. docs/xapi.md. */
#ifndef SCRUB_NET_XAPI_STORE_H
#define SCRUB_NET_XAPI_STORE_H

#include "store.h"
#include "xapi_queue.h"

/* Queues the statements of stored session `session_id` (rebuilt from its record; a statement queued before is
 * not queued again). *n gets how many it has. */
scrub_result xapi_store_enqueue_session(scrub_store *s, const xapi_config *cfg, int64_t session_id, int *n,
                                        char *err, size_t errsize);
/* Queues statements of no stored session (from a record file). */
scrub_result xapi_store_enqueue(scrub_store *s, const xapi_statement *v, int n, char *err, size_t errsize);
/* Sends every statement of the store's queue not yet sent, in rounds with backoff as net_flush does. One the LRS
 * refuses for good is kept, never due again, with the LRS's answer as its last error. At most 10,000 statements a
 * round. */
scrub_result xapi_store_flush(scrub_store *s, const xapi_lrs *lrs, net_flush_result *out);

#endif
