/* The xAPI queue (xapi_queue.h). */
#include "xapi_queue.h"
#include "record.h"
#include "replay.h"
#include "report.h"
#include "spool.h"
#include "upload.h"
#include "yaml.h"

#include <limits.h>
#include <sha2.h>
#include <stdlib.h>
#include <string.h>

/* The largest statement sent: a checklist item's text and note are short, so this is generous. */

/* "started" from the record's first line (its header). */
static const char *record_started(const char *text, size_t len, scrub_arena *a)
{
	const char *nl = memchr(text, '\n', len);
	size_t n = nl ? (size_t)(nl - text) : len;
	scrub_diags d;
	scrub_diags_init(&d, "record", NULL, 0);
	yaml_limits lim = {.max_bytes = n + 1};
	yaml_node *h = yaml_parse(text, n, &lim, a, &d);
	yaml_node *s = h && h->type == YAML_MAP ? yaml_get(h, "started") : NULL;
	scrub_diags_fini(&d);
	return s && yaml_is_scalar(s) ? s->str : NULL;
}

scrub_result xapi_statements_of_record(const xapi_config *cfg, const char *record_path, scrub_arena *a,
                                       xapi_statement **out, int *n, char *err, size_t errsize)
{
	*out = NULL;
	*n = 0;
	char dir[PATH_MAX];
	const char *slash = strrchr(record_path, '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - record_path) : 1, slash ? record_path : ".");
	char *text;
	size_t len;
	scrub_result r = spool_read(dir, slash ? slash + 1 : record_path, UPLOAD_MAX_RECORD, &text, &len, err, errsize);
	if (r != SCRUB_OK)
		return r;
	r = xapi_statements_of_text(cfg, record_path, text, len, a, out, n, err, errsize);
	free(text);
	return r;
}

scrub_result xapi_statements_of_text(const xapi_config *cfg, const char *display, const char *text, size_t len,
                                     scrub_arena *a, xapi_statement **out, int *n, char *err, size_t errsize)
{
	*out = NULL;
	*n = 0;
	char sha[65];
	SHA256Data((const uint8_t *)text, len, sha);
	scrub_diags d;
	scrub_diags_init(&d, display, NULL, 0);
	record_data rec;
	scrub_result r = record_read_text(display, text, len, &rec, &d);
	const char *started = r == SCRUB_OK ? record_started(text, len, a) : NULL;
	scenario *scn = NULL;
	sim_session *s = NULL;
	report_timeline tl;
	report_timeline_init(&tl);
	if (r == SCRUB_OK)
		r = record_replay(&rec, display, &d, &tl, &scn, &s);
	if (r != SCRUB_OK) {
		snprintf(err, errsize, "%s: %s", display, d.n ? d.v[0].msg : "not a readable session record");
	} else if (tl.oom) {
		r = SCRUB_ERR_NOMEM;
	} else {
		scrub_buf b;
		scrub_buf_init(&b);
		report_info info = {.trainee = rec.trainee, .input = rec.input, .complete = rec.complete};
		report_write_json(s, &tl, &info, &b);
		xapi_input in = {.report = b.data, .report_len = b.len, .record_sha256 = sha, .started = started,
		                 .description = scn->summary};
		r = b.oom ? SCRUB_ERR_NOMEM : xapi_build(cfg, &in, a, out, n, err, errsize);
		scrub_buf_fini(&b);
	}
	scrub_diags_fini(&d);
	sim_session_destroy(&s);
	report_timeline_fini(&tl);
	scenario_destroy(&scn);
	record_data_fini(&rec);
	return r;
}

scrub_result xapi_enqueue(const xapi_statement *v, int n, char *err, size_t errsize)
{
	char dir[PATH_MAX];
	scrub_result r = spool_dir("xapi", dir, sizeof dir, err, errsize);
	for (int i = 0; r == SCRUB_OK && i < n; i++) {
		char name[48];
		snprintf(name, sizeof name, "%s.json", v[i].id);
		r = spool_put(dir, name, v[i].json, v[i].len, err, errsize);
	}
	return r;
}

scrub_result xapi_send_one(void *ctx, const char *name, const char *data, size_t len, long *status,
                                   char *why, size_t whysize)
{
	const xapi_lrs *lrs = ((const xapi_lrs *)ctx);
	char url[4200], path[128];
	snprintf(path, sizeof path, "statements?statementId=%.36s", name);
	if (!net_url_join(lrs->endpoint, path, url, sizeof url)) {
		*status = 0;
		snprintf(why, whysize, "the LRS's URL is too long");
		return SCRUB_OK;
	}
	static const char *const hdrs[] = {"X-Experience-API-Version: 1.0.3", NULL};
	net_request req = {
		.method = "PUT", .url = url, .content_type = "application/json", .body = data, .body_len = len,
		.user = lrs->user, .password = lrs->password, .headers = hdrs, .timeout_s = 60,
	};
	net_response res;
	scrub_result r = net_http(&req, &res);
	*status = r == SCRUB_OK ? res.status : 0;
	if (r != SCRUB_OK)
		snprintf(why, whysize, "%s", res.error);
	else if (res.status == 409) {
		/* xAPI 1.0.3 (Data 2.2.s3, Communication 2.1.2): the LRS has a statement with this id and keeps it; the
		 * ids are Scrub's own, derived from the record, so it is this statement sent before */
		*status = 200;
		snprintf(why, whysize, "already stored (409)");
	} else {
		snprintf(why, whysize, "%.300s", res.body_len ? res.body : "");
		for (char *p = why; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
	}
	net_response_fini(&res);
	return r == SCRUB_ERR_NOMEM ? r : SCRUB_OK;
}

void xapi_note(void *ctx, const char *name, net_verdict v, long status, const char *why)
{
	FILE *f = ((const xapi_lrs *)ctx)->log;
	if (!f)
		return;
	switch (v) {
	case NET_DONE: fprintf(f, "xapi: %.36s stored%s%s\n", name, *why ? ": " : "", why); break;
	case NET_REJECTED: fprintf(f, "xapi: %.36s refused by the LRS (%ld: %s); kept in the queue's rejected/\n", name, status, why); break;
	case NET_AUTH: fprintf(f, "xapi: the LRS refused the credentials (%ld: %s)\n", status, why); break;
	case NET_RETRY:
		if (status)
			fprintf(f, "xapi: %.36s not taken (%ld: %s); will retry\n", name, status, why);
		else
			fprintf(f, "xapi: %.36s not sent (%s); will retry\n", name, why);
		break;
	}
}

scrub_result xapi_flush(const xapi_lrs *lrs, net_flush_result *out)
{
	memset(out, 0, sizeof *out);
	char dir[PATH_MAX];
	scrub_result r = spool_dir("xapi", dir, sizeof dir, out->error, sizeof out->error);
	if (r != SCRUB_OK)
		return r;
	net_queue q = {.dir = dir, .max_item = XAPI_MAX_STATEMENT, .send = xapi_send_one, .ctx = (void *)lrs, .note = xapi_note};
	return net_flush(&q, &lrs->retry, out);
}
