/* A durable queue in a folder: one file per item, written to a temporary file, synced and renamed into place
 * (then the folder synced), so after a crash or a power cut an item is either whole or absent. Items are named
 * by their content's identity (a record's sha256, a statement's id): putting the same item twice changes
 * nothing. Beside an item, NAME.try keeps its attempts, when it is next due and the last error. Items the peer
 * refused for good move to rejected/ (kept, never deleted). The upload outbox and the xAPI queue are spools. */
#ifndef SCRUB_NET_SPOOL_H
#define SCRUB_NET_SPOOL_H

#include "arena.h"
#include "result.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct spool_item {
	const char *name;          /* the file name in the folder */
	int tries;                 /* failed attempts so far */
	int64_t next_unix;         /* not to be sent before this time (0: now) */
	const char *why;           /* the last failure, or "" */
} spool_item;

/* $XDG_STATE_HOME/scrub/<what> (else ~/.local/state/scrub/<what>), created with its parents. */
scrub_result spool_dir(const char *what, char *buf, size_t size, char *err, size_t errsize);

/* Writes `data` as dir/name (atomically, durably). An item already there is left as it is. */
scrub_result spool_put(const char *dir, const char *name, const char *data, size_t len, char *err, size_t errsize);
/* The items, oldest first (by the time they were put, then by name); strings in `a`. */
scrub_result spool_list(const char *dir, scrub_arena *a, spool_item **out, int *n, char *err, size_t errsize);
/* Reads an item (at most `max` bytes: SCRUB_ERR_LIMIT beyond) into a malloc'd NUL-terminated buffer. */
scrub_result spool_read(const char *dir, const char *name, size_t max, char **data, size_t *len, char *err,
                        size_t errsize);
/* Records a failed attempt: tries, when it is next due, why. */
scrub_result spool_retry(const char *dir, const char *name, int tries, int64_t next_unix, const char *why);
/* The peer has it: removes the item and its NAME.try (and syncs the folder). */
scrub_result spool_done(const char *dir, const char *name);
/* The peer will never take it: moves it to dir/rejected/ with the reason in NAME.why. */
scrub_result spool_reject(const char *dir, const char *name, const char *why);

/* Writes `path` atomically and durably (temporary file beside it, fsync, rename, fsync of the folder). */
scrub_result spool_write_file(const char *path, const char *data, size_t len);

#endif
