/* Sending session records to a school's server (`scrub serve`): POST SERVER/api/records with
 * `Authorization: Bearer TOKEN` and the record's text as the body. A record is first copied into the outbox
 * ($XDG_STATE_HOME/scrub/outbox/<sha256>.jsonl, written durably: spool.h) and leaves it only when the server
 * answered 2xx, which it does only once the record is committed; so a dropped network, a server down or a
 * crash of either side never loses a session. docs/uploads.md. */
#ifndef SCRUB_NET_UPLOAD_H
#define SCRUB_NET_UPLOAD_H

#include "queue.h"

#include <stdio.h>

/* The largest record sent (the server bounds what it takes too). */
#define UPLOAD_MAX_RECORD ((size_t)64 << 20)

typedef struct upload_config {
	const char *server;        /* the server's base URL: https://sim.school.example */
	const char *token;         /* the upload token (scrub serve gives it to a trainee or a machine) */
	net_retry retry;
	FILE *log;                 /* each attempt, one line (NULL: quiet) */
} upload_config;

/* The outbox folder (created when missing). */
scrub_result upload_outbox(char *buf, size_t size, char *err, size_t errsize);
/* Copies the record at `path` into the outbox (nothing changes when it is there already); `sha256` gets its
 * name's digest. SCRUB_ERR_LIMIT for a record over UPLOAD_MAX_RECORD. */
scrub_result upload_enqueue(const char *record_path, char sha256[65], char *err, size_t errsize);
/* Sends everything in the outbox. */
scrub_result upload_flush(const upload_config *cfg, net_flush_result *out);

#endif
