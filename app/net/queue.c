/* Sending a spool with retries (queue.h). */
#include "queue.h"
#include "spool.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void note(const net_queue *q, const char *name, net_verdict v, long status, const char *why)
{
	if (q->note)
		q->note(q->ctx, name, v, status, why);
}

/* One round over every item: returns how many are still waiting. */
static scrub_result flush_round(const net_queue *q, const net_retry *retry, int round, net_flush_result *out,
                                int *waiting)
{
	scrub_arena a;
	scrub_arena_init(&a);
	spool_item *items;
	int n;
	*waiting = 0;
	scrub_result r = spool_list(q->dir, &a, &items, &n, out->error, sizeof out->error);
	bool unreachable = false;
	for (int i = 0; r == SCRUB_OK && i < n && !out->auth_failed && !unreachable; i++) {
		const spool_item *it = &items[i];
		char *data;
		size_t len;
		char why[512] = "";
		scrub_result rr = spool_read(q->dir, it->name, q->max_item, &data, &len, why, sizeof why);
		if (rr == SCRUB_ERR_LIMIT) {
			spool_reject(q->dir, it->name, why);
			out->rejected++;
			note(q, it->name, NET_REJECTED, 0, why);
			continue;
		}
		if (rr != SCRUB_OK) {
			snprintf(out->error, sizeof out->error, "%s", why);
			r = rr;
			break;
		}
		long status = 0;
		rr = q->send(q->ctx, it->name, data, len, &status, why, sizeof why);
		free(data);
		if (rr == SCRUB_ERR_NOMEM) {
			r = rr;
			break;
		}
		out->attempts++;
		net_verdict v = net_verdict_for(status);
		note(q, it->name, v, status, why);
		switch (v) {
		case NET_DONE:
			if (spool_done(q->dir, it->name) != SCRUB_OK) {
				snprintf(out->error, sizeof out->error, "sent %s but cannot remove it from %s", it->name, q->dir);
				r = SCRUB_ERR_IO;
			}
			out->sent++;
			break;
		case NET_REJECTED:
			spool_reject(q->dir, it->name, why);
			out->rejected++;
			break;
		case NET_AUTH:
		case NET_RETRY:
			if (v == NET_AUTH)
				out->auth_failed = true; /* the item stays */
			spool_retry(q->dir, it->name, it->tries + 1, (int64_t)time(NULL) + (int64_t)net_retry_delay(retry, round),
			            why);
			(*waiting)++;
			/* no answer at all: the peer cannot be reached, and the next items would each wait for the same
			 * timeout; they wait for the next round instead */
			if (status == 0 && i + 1 < n) {
				unreachable = true;
				*waiting += n - i - 1;
			}
			break;
		}
	}
	scrub_arena_fini(&a);
	return r;
}

scrub_result net_flush(const net_queue *q, const net_retry *retry, net_flush_result *out)
{
	memset(out, 0, sizeof *out);
	scrub_result r = SCRUB_OK;
	for (int round = 1; round <= retry->tries; round++) {
		int waiting;
		r = flush_round(q, retry, round, out, &waiting);
		if (r != SCRUB_OK || waiting == 0 || out->auth_failed)
			break;
		if (round < retry->tries)
			net_sleep(net_retry_delay(retry, round));
	}
	scrub_arena a;
	scrub_arena_init(&a);
	spool_item *items;
	int n = 0;
	char err[512];
	if (spool_list(q->dir, &a, &items, &n, err, sizeof err) == SCRUB_OK)
		out->left = n;
	scrub_arena_fini(&a);
	return r;
}
