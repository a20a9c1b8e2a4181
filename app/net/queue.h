/* Sending a spool (spool.h) to its peer with retries: every item is tried; what the peer has is removed, what it
 * refuses for good goes to rejected/, the rest waits `net_retry_delay` and is tried again, up to `tries` rounds.
 * Wrong credentials stop the flush at once (nothing is lost: the items stay). An item that gets no answer at all
 * (refused, timed out) ends its round: the peer cannot be reached, and each further item would wait for the same
 * timeout, so a round costs at most one timeout. The upload outbox and the xAPI
 * queue both flush through this. */
#ifndef SCRUB_NET_QUEUE_H
#define SCRUB_NET_QUEUE_H

#include "http.h"

#include <stdio.h>

typedef struct net_queue {
	const char *dir;           /* the spool */
	size_t max_item;           /* bytes; a larger item is rejected without being sent */
	/* Sends one item; fills *status (0: no answer) and `why` (the transport error or the peer's answer). */
	scrub_result (*send)(void *ctx, const char *name, const char *data, size_t len, long *status, char *why,
	                     size_t whysize);
	void *ctx;
	/* Told about each attempt (may be NULL). */
	void (*note)(void *ctx, const char *name, net_verdict v, long status, const char *why);
} net_queue;

typedef struct net_flush_result {
	int sent;                  /* the peer has them now */
	int rejected;              /* moved to rejected/ */
	int left;                  /* still in the spool */
	int attempts;              /* requests made */
	bool auth_failed;
	char error[512];           /* a local failure (the spool could not be read or written) */
} net_flush_result;

/* SCRUB_OK when the flush ran (whatever the peer said: see out); an error when the spool failed. */
scrub_result net_flush(const net_queue *q, const net_retry *retry, net_flush_result *out);

#endif
