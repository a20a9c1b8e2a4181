/* Outgoing HTTP for Scrub (libcurl): one bounded request at a time, and the retry policy the upload outbox and
 * the xAPI queue share. Nothing here prints; the caller reports what happened. */
#ifndef SCRUB_NET_HTTP_H
#define SCRUB_NET_HTTP_H

#include "result.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct net_request {
	const char *method;        /* "POST", "PUT", "GET" */
	const char *url;
	const char *content_type;  /* NULL: none */
	const char *body;          /* NULL: no body */
	size_t body_len;
	const char *bearer;        /* Authorization: Bearer TOKEN, or NULL */
	const char *user;          /* basic authentication when not NULL */
	const char *password;
	const char *const *headers; /* more "Name: value" lines, NULL-terminated (or NULL) */
	long connect_timeout_s;    /* 0: 10 s */
	long timeout_s;            /* the whole request, 0: 120 s */
	size_t max_response;       /* bytes of response body kept, 0: 64 KiB; more fails the request */
} net_request;

typedef struct net_response {
	long status;               /* the HTTP status; 0 when no answer came (error says why) */
	char *body;                /* NUL-terminated (malloc'd; net_response_fini) */
	size_t body_len;
	char error[256];           /* the transport error (refused, timed out, reset, too big) when status is 0 */
} net_response;

/* SCRUB_OK when an HTTP answer came (any status); SCRUB_ERR_IO when none did (out->error says why);
 * SCRUB_ERR_NOMEM. */
scrub_result net_http(const net_request *req, net_response *out);
void net_response_fini(net_response *r);

/* What to do with an item after an attempt, from the answer's status (0: no answer). */
typedef enum net_verdict {
	NET_DONE,         /* 2xx: the peer has it */
	NET_RETRY,        /* no answer, 408, 429, 5xx: try again later */
	NET_REJECTED,     /* another 4xx: the peer will never take this item as it is */
	NET_AUTH,         /* 401, 403: the credentials are wrong; stop sending anything */
} net_verdict;

net_verdict net_verdict_for(long status);

/* Retries: the delay before round `round` (1, 2, ...) is initial * 2^(round-1), at most `max` seconds. */
typedef struct net_retry {
	int tries;                 /* attempts per item in one flush, >= 1 */
	double initial_s;          /* the first delay */
	double max_s;              /* the cap */
} net_retry;

double net_retry_delay(const net_retry *r, int round);
/* Sleeps `s` seconds (restarting after a signal handler returns). */
void net_sleep(double s);

/* Appends `path` to `base` with exactly one '/' between them, into buf. False when it does not fit. */
bool net_url_join(const char *base, const char *path, char *buf, size_t size);

#endif
