/* Outgoing HTTP with libcurl (http.h). */
#include "http.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void) { curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

typedef struct sink {
	char *data;
	size_t len, cap, max;
	bool too_big, oom;
} sink;

static size_t on_data(char *p, size_t size, size_t n, void *user)
{
	sink *s = user;
	size_t add = size * n;
	if (s->len + add > s->max) {
		s->too_big = true;
		return 0;
	}
	if (s->len + add + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 1024;
		while (cap < s->len + add + 1)
			cap *= 2;
		char *d = realloc(s->data, cap);
		if (!d) {
			s->oom = true;
			return 0;
		}
		s->data = d;
		s->cap = cap;
	}
	memcpy(s->data + s->len, p, add);
	s->len += add;
	s->data[s->len] = '\0';
	return add;
}

scrub_result net_http(const net_request *req, net_response *out)
{
	memset(out, 0, sizeof *out);
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK) {
		snprintf(out->error, sizeof out->error, "libcurl: %s", curl_easy_strerror(curl_init_rc));
		return SCRUB_ERR_IO;
	}
	CURL *c = curl_easy_init();
	if (!c)
		return SCRUB_ERR_NOMEM;
	struct curl_slist *hdrs = NULL, *t;
	char line[4200];
	bool ok = true;
	if (req->content_type) {
		snprintf(line, sizeof line, "Content-Type: %s", req->content_type);
		ok = ok && (t = curl_slist_append(hdrs, line)) && (hdrs = t);
	}
	if (ok && req->bearer) {
		if ((size_t)snprintf(line, sizeof line, "Authorization: Bearer %s", req->bearer) >= sizeof line) {
			snprintf(out->error, sizeof out->error, "the token is too long");
			curl_easy_cleanup(c);
			return SCRUB_ERR_IO;
		}
		ok = (t = curl_slist_append(hdrs, line)) && (hdrs = t);
	}
	/* no "Expect: 100-continue" round trip before a large body */
	ok = ok && (t = curl_slist_append(hdrs, "Expect:")) && (hdrs = t);
	for (const char *const *h = req->headers; ok && h && *h; h++)
		ok = (t = curl_slist_append(hdrs, *h)) && (hdrs = t);
	if (!ok) {
		curl_slist_free_all(hdrs);
		curl_easy_cleanup(c);
		return SCRUB_ERR_NOMEM;
	}
	sink s = {.max = req->max_response ? req->max_response : 64 * 1024};
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	if (req->body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	}
	if (req->user) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, req->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, req->password ? req->password : "");
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, req->connect_timeout_s > 0 ? req->connect_timeout_s : 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, req->timeout_s > 0 ? req->timeout_s : 120L);
	/* a peer that stops answering mid-way: under 1 byte/s for 30 s ends the request */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "scrub/" SCRUB_VERSION);
	CURLcode rc = curl_easy_perform(c);
	scrub_result r = SCRUB_OK;
	if (s.oom) {
		r = SCRUB_ERR_NOMEM;
	} else if (s.too_big) {
		snprintf(out->error, sizeof out->error, "the answer is larger than %zu bytes", s.max);
		r = SCRUB_ERR_IO;
	} else if (rc != CURLE_OK) {
		snprintf(out->error, sizeof out->error, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
		r = SCRUB_ERR_IO;
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
		out->body = s.data;
		out->body_len = s.len;
		s.data = NULL;
		if (!out->body) {
			out->body = calloc(1, 1);
			if (!out->body)
				r = SCRUB_ERR_NOMEM;
		}
	}
	free(s.data);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return r;
}

void net_response_fini(net_response *r)
{
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
}

net_verdict net_verdict_for(long status)
{
	if (status >= 200 && status < 300)
		return NET_DONE;
	if (status == 401 || status == 403)
		return NET_AUTH;
	if (status == 0 || status == 408 || status == 429 || status >= 500 || status < 200 || (status >= 300 && status < 400))
		return NET_RETRY;
	return NET_REJECTED;
}

double net_retry_delay(const net_retry *r, int round)
{
	double d = r->initial_s * pow(2.0, round > 1 ? round - 1 : 0);
	return d < r->max_s ? d : r->max_s;
}

void net_sleep(double s)
{
	if (!(s > 0))
		return;
	struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = (long)((s - floor(s)) * 1e9)};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

bool net_url_join(const char *base, const char *path, char *buf, size_t size)
{
	size_t bl = strlen(base);
	while (bl && base[bl - 1] == '/')
		bl--;
	while (*path == '/')
		path++;
	return (size_t)snprintf(buf, size, "%.*s/%s", (int)bl, base, path) < size;
}
