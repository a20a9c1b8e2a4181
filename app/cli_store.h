/* The command line's side of the records store (app/store/store.h): opening it and putting a record file in,
 * with the messages (cmd_import.c). */
#ifndef SCRUB_CLI_STORE_H
#define SCRUB_CLI_STORE_H

#include "store.h"

#include <stdbool.h>

/* Opens `url` (NULL: store_default_url); prints why not. Returns the exit status. */
int cli_store_open(const char *url, scrub_store **out);
/* Puts one record file; prints `PATH: error: ...` for an invalid one (*invalid set). Returns the exit status. */
int cli_store_put_file(scrub_store *st, const char *path, store_put_outcome *outcome, bool *invalid);

#endif
