/* POST /api/records: a trainee's machine sends a session record (session.jsonl's text) with an upload token
 * (`Authorization: Bearer TOKEN`, made by `scrub serve token add USER`; the store keeps only its sha256). The
 * answer comes only after the store's transaction committed, so a client that deletes its queued copy on a 2xx
 * loses nothing: 201 for a new session, 200 for one the store had (same, longer, shorter), 400 with the reason
 * for text that is not a record, 401 without a valid token. */
#include "serve.h"

#include <civetweb.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

static void json_answer(serve_req *r, int status, scrub_buf *b)
{
	serve_respond(r, status, "application/json", b->data, b->len, NULL);
}

static void api_error(serve_req *r, int status, const char *why, const char *extra)
{
	scrub_buf b;
	scrub_buf_init(&b);
	scrub_json j;
	scrub_json_init(&j, &b, false);
	scrub_json_object_begin(&j, NULL);
	scrub_json_str(&j, "error", why);
	scrub_json_object_end(&j);
	scrub_buf_puts(&b, "\n");
	serve_respond(r, status, "application/json", b.data, b.len, extra);
	scrub_buf_fini(&b);
}

void api_records(serve_req *r)
{
	const char *auth = mg_get_header(r->conn, "Authorization");
	const char *prefix = "Bearer ";
	if (!auth || strncmp(auth, prefix, strlen(prefix)) != 0 || strlen(auth + strlen(prefix)) != 64) {
		api_error(r, 401, "an upload token is needed (Authorization: Bearer TOKEN)",
		          "WWW-Authenticate: Bearer realm=\"scrub\"\r\n");
		return;
	}
	char hash[65];
	serve_sha256_hex(auth + strlen(prefix), 64, hash);
	store_user u;
	store_err err;
	scrub_result sr = store_check_token(r->store, "upload", hash, (int64_t)time(NULL), &r->arena, &u, &err);
	if (sr != SCRUB_OK) {
		if (sr < 0)
			api_error(r, 500, err.msg, NULL);
		else
			api_error(r, 401, "unknown or expired upload token", "WWW-Authenticate: Bearer realm=\"scrub\"\r\n");
		return;
	}
	if (!r->body_len) {
		api_error(r, 400, "the body is empty: send the text of session.jsonl", NULL);
		return;
	}
	const struct mg_request_info *ri = mg_get_request_info(r->conn);
	char origin[160];
	snprintf(origin, sizeof origin, "upload %s@%s", u.name, ri->remote_addr);
	store_put_result res;
	sr = store_put_record(r->store, r->body, r->body_len, origin, &res, &err);
	if (sr == SCRUB_ERR_INVALID) {
		api_error(r, 400, err.msg, NULL);
		return;
	}
	if (sr != SCRUB_OK) {
		api_error(r, 500, err.msg, NULL);
		return;
	}
	static const char *const names[] = {"new", "same", "longer", "shorter"};
	scrub_buf b;
	scrub_buf_init(&b);
	scrub_json j;
	scrub_json_init(&j, &b, false);
	scrub_json_object_begin(&j, NULL);
	scrub_json_int(&j, "session_id", res.session_id);
	scrub_json_str(&j, "outcome", names[res.outcome]);
	scrub_json_bool(&j, "complete", res.complete);
	scrub_json_str(&j, "sha256", res.sha256);
	scrub_json_object_end(&j);
	scrub_buf_puts(&b, "\n");
	json_answer(r, res.outcome == STORE_PUT_NEW ? 201 : 200, &b);
	scrub_buf_fini(&b);
}
