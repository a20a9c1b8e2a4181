/* The xAPI queue in the records store (xapi_store.h). */
#include "xapi_store.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define ROUND_MAX 10000
#define NEVER INT64_MAX        /* next_unix of a statement refused for good */

scrub_result xapi_store_enqueue_session(scrub_store *s, const xapi_config *cfg, int64_t session_id, int *n,
                                        char *err, size_t errsize)
{
	*n = 0;
	scrub_arena a;
	scrub_arena_init(&a);
	const char *record, *report;
	size_t record_len, report_len;
	store_err se;
	scrub_result r = store_get_record(s, session_id, &a, &record, &record_len, &report, &report_len, &se);
	if (r != SCRUB_OK)
		snprintf(err, errsize, "session %lld: %s", (long long)session_id, se.msg);
	char display[64];
	snprintf(display, sizeof display, "session %lld", (long long)session_id);
	xapi_statement *v = NULL;
	if (r == SCRUB_OK)
		r = xapi_statements_of_text(cfg, display, record, record_len, &a, &v, n, err, errsize);
	for (int i = 0; r == SCRUB_OK && i < *n; i++) {
		r = store_xapi_enqueue(s, session_id, v[i].id, v[i].json, &se);
		if (r != SCRUB_OK)
			snprintf(err, errsize, "%s", se.msg);
	}
	scrub_arena_fini(&a);
	return r;
}

scrub_result xapi_store_enqueue(scrub_store *s, const xapi_statement *v, int n, char *err, size_t errsize)
{
	store_err se;
	for (int i = 0; i < n; i++)
		if (store_xapi_enqueue(s, 0, v[i].id, v[i].json, &se) != SCRUB_OK) {
			snprintf(err, errsize, "%s", se.msg);
			return SCRUB_ERR_IO;
		}
	return SCRUB_OK;
}

/* The statement's id, from its JSON (Scrub's statements begin {"id":"...). */
static bool statement_id(const char *json, char id[37])
{
	const char *p = strstr(json, "\"id\":\"");
	if (!p || strlen(p + 6) < 36)
		return false;
	memcpy(id, p + 6, 36);
	id[36] = '\0';
	return true;
}

static scrub_result round_once(scrub_store *s, const xapi_lrs *lrs, int round, net_flush_result *out, int *waiting)
{
	scrub_arena a;
	scrub_arena_init(&a);
	store_xapi_item *items;
	int n;
	store_err se;
	*waiting = 0;
	/* everything not sent and not refused, whenever it is due: this flush does its own waiting */
	scrub_result r = store_xapi_due(s, NEVER - 1, ROUND_MAX, &a, &items, &n, &se);
	if (r != SCRUB_OK)
		snprintf(out->error, sizeof out->error, "%s", se.msg);
	bool unreachable = false;
	for (int i = 0; r == SCRUB_OK && i < n && !out->auth_failed && !unreachable; i++) {
		char id[37], why[512] = "";
		long status = 0;
		size_t len = strlen(items[i].statement);
		net_verdict v;
		if (!statement_id(items[i].statement, id)) {
			v = NET_REJECTED;
			snprintf(why, sizeof why, "not a statement with an id");
		} else if (len > XAPI_MAX_STATEMENT) {
			v = NET_REJECTED;
			snprintf(why, sizeof why, "%zu bytes, over the limit of %zu", len, XAPI_MAX_STATEMENT);
		} else {
			r = xapi_send_one((void *)lrs, id, items[i].statement, len, &status, why, sizeof why);
			if (r != SCRUB_OK)
				break;
			out->attempts++;
			v = net_verdict_for(status);
		}
		xapi_note((void *)lrs, id, v, status, why);
		switch (v) {
		case NET_DONE:
			r = store_xapi_done(s, items[i].id, &se);
			out->sent++;
			break;
		case NET_REJECTED:
			r = store_xapi_retry(s, items[i].id, NEVER, why, &se);
			out->rejected++;
			break;
		case NET_AUTH:
		case NET_RETRY:
			if (v == NET_AUTH)
				out->auth_failed = true;
			r = store_xapi_retry(s, items[i].id, (int64_t)time(NULL) + (int64_t)net_retry_delay(&lrs->retry, round),
			                     why, &se);
			(*waiting)++;
			if (status == 0 && i + 1 < n) { /* the LRS cannot be reached: the rest waits for the next round */
				unreachable = true;
				*waiting += n - i - 1;
			}
			break;
		}
		if (r != SCRUB_OK)
			snprintf(out->error, sizeof out->error, "%s", se.msg);
	}
	scrub_arena_fini(&a);
	return r;
}

scrub_result xapi_store_flush(scrub_store *s, const xapi_lrs *lrs, net_flush_result *out)
{
	memset(out, 0, sizeof *out);
	scrub_result r = SCRUB_OK;
	int waiting = 0;
	for (int round = 1; round <= lrs->retry.tries; round++) {
		r = round_once(s, lrs, round, out, &waiting);
		if (r != SCRUB_OK || waiting == 0 || out->auth_failed)
			break;
		if (round < lrs->retry.tries)
			net_sleep(net_retry_delay(&lrs->retry, round));
	}
	if (r == SCRUB_OK) {
		scrub_arena a;
		scrub_arena_init(&a);
		store_xapi_item *items;
		store_err se;
		if (store_xapi_due(s, NEVER - 1, ROUND_MAX, &a, &items, &out->left, &se) != SCRUB_OK)
			out->left = waiting;
		scrub_arena_fini(&a);
	}
	return r;
}
