/* Sending session records to a school's server through the outbox (upload.h). */
#include "upload.h"
#include "spool.h"
#include "yaml.h"

#include <errno.h>
#include <limits.h>
#include <sha2.h>
#include <stdlib.h>
#include <string.h>

scrub_result upload_outbox(char *buf, size_t size, char *err, size_t errsize)
{
	return spool_dir("outbox", buf, size, err, errsize);
}

scrub_result upload_enqueue(const char *record_path, char sha256[65], char *err, size_t errsize)
{
	char dir[PATH_MAX], name[80];
	scrub_result r = upload_outbox(dir, sizeof dir, err, errsize);
	if (r != SCRUB_OK)
		return r;
	/* the record is read whole: spool_read's bound and message serve here too */
	char rdir[PATH_MAX];
	const char *slash = strrchr(record_path, '/');
	snprintf(rdir, sizeof rdir, "%.*s", slash ? (int)(slash - record_path) : 1, slash ? record_path : ".");
	char *data;
	size_t len;
	r = spool_read(rdir, slash ? slash + 1 : record_path, UPLOAD_MAX_RECORD, &data, &len, err, errsize);
	if (r != SCRUB_OK)
		return r;
	SHA256Data((const uint8_t *)data, len, sha256);
	snprintf(name, sizeof name, "%s.jsonl", sha256);
	r = spool_put(dir, name, data, len, err, errsize);
	free(data);
	return r;
}

typedef struct upload_ctx {
	const upload_config *cfg;
	char url[4200];
} upload_ctx;

/* "new (session 12)" from the server's {"session_id":12,"outcome":"new"}, or the body's start. */
static void describe_answer(const char *body, size_t len, char *why, size_t whysize)
{
	scrub_arena a;
	scrub_arena_init(&a);
	scrub_diags d;
	scrub_diags_init(&d, "answer", NULL, 0);
	yaml_node *root = len ? yaml_parse(body, len, NULL, &a, &d) : NULL;
	yaml_node *outcome = root ? yaml_get(root, "outcome") : NULL, *id = root ? yaml_get(root, "session_id") : NULL;
	if (outcome && yaml_is_scalar(outcome))
		snprintf(why, whysize, "%s (session %s)", outcome->str, id && yaml_is_scalar(id) ? id->str : "?");
	else
		snprintf(why, whysize, "%.200s", body);
	for (char *p = why; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	scrub_diags_fini(&d);
	scrub_arena_fini(&a);
}

static scrub_result send_record(void *ctx, const char *name, const char *data, size_t len, long *status, char *why,
                                size_t whysize)
{
	upload_ctx *u = ctx;
	net_request req = {
		.method = "POST", .url = u->url, .content_type = "application/x-ndjson", .body = data, .body_len = len,
		.bearer = u->cfg->token, .timeout_s = 300,
	};
	net_response res;
	scrub_result r = net_http(&req, &res);
	if (r == SCRUB_OK) {
		*status = res.status;
		describe_answer(res.body, res.body_len, why, whysize);
	} else {
		*status = 0;
		snprintf(why, whysize, "%s", res.error);
	}
	net_response_fini(&res);
	return r == SCRUB_ERR_NOMEM ? r : SCRUB_OK;
}

static void note_upload(void *ctx, const char *name, net_verdict v, long status, const char *why)
{
	upload_ctx *u = ctx;
	FILE *f = u->cfg->log;
	if (!f)
		return;
	int n = (int)(strchr(name, '.') ? strchr(name, '.') - name : (long)strlen(name));
	n = n > 12 ? 12 : n;
	switch (v) {
	case NET_DONE: fprintf(f, "upload: %.*s sent: %s\n", n, name, why); break;
	case NET_REJECTED: fprintf(f, "upload: %.*s refused by the server (%ld: %s); kept in the outbox's rejected/\n", n, name, status, why); break;
	case NET_AUTH: fprintf(f, "upload: the server refused the token (%ld: %s)\n", status, why); break;
	case NET_RETRY:
		if (status)
			fprintf(f, "upload: %.*s not taken (%ld: %s); will retry\n", n, name, status, why);
		else
			fprintf(f, "upload: %.*s not sent (%s); will retry\n", n, name, why);
		break;
	}
}

scrub_result upload_flush(const upload_config *cfg, net_flush_result *out)
{
	memset(out, 0, sizeof *out);
	char dir[PATH_MAX];
	scrub_result r = upload_outbox(dir, sizeof dir, out->error, sizeof out->error);
	if (r != SCRUB_OK)
		return r;
	upload_ctx u = {.cfg = cfg};
	if (!net_url_join(cfg->server, "api/records", u.url, sizeof u.url)) {
		snprintf(out->error, sizeof out->error, "the server's URL is too long");
		return SCRUB_ERR_USAGE;
	}
	net_queue q = {.dir = dir, .max_item = UPLOAD_MAX_RECORD, .send = send_record, .ctx = &u, .note = note_upload};
	return net_flush(&q, &cfg->retry, out);
}
