/* libFuzzer target: action scripts (`scrub run --actions FILE`). Parsing any bytes must never crash, hang or
 * leak; a script that parses is run for 30 s on the BLS front-end scenario (a patient model that judges
 * every kind of action), and each action's parameters, written as the record and actions.txt write them, are
 * read back, so every accepted action is also one the session, the record and the replay
 * accept. */
#include "scenario.h"
#include "script.h"
#include "session.h"

#include "fuzz_util.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const scenario *scn = fuzz_scenario();
	scrub_diags d;
	scrub_diags_init(&d, "fuzz.actions", NULL, 0);
	scrub_arena arena;
	scrub_arena_init(&arena);
	sim_action *acts = NULL;
	int n = 0;
	script_loc loc = {.line = 1, .col = 1, .scope = &scn->actions};
	if (script_parse((const char *)data, size, &loc, &arena, &d, &acts, &n) == SCRUB_OK) {
		sim_session *s = NULL;
		sim_run_opts ro = {.stop_at = 30}; /* the first 30 s: quick under the fuzzer */
		if (sim_run(scn, acts, n, &ro, &s) == SCRUB_OK) {
			sim_score sc;
			sim_session_score(s, &sc);
		}
		sim_session_destroy(&s);
		/* every accepted parameter is written so that it reads back */
		for (int i = 0; i < n; i++) {
			scrub_buf b;
			scrub_buf_init(&b);
			script_format_params(&acts[i], &b);
			sim_action back;
			memset(&back, 0, sizeof back);
			scrub_buf line;
			scrub_buf_init(&line);
			scrub_buf_printf(&line, "0s %s %.*s", actions_get(acts[i].type)->name, (int)b.len, b.data ? b.data : "");
			scrub_diags d2;
			scrub_diags_init(&d2, "back.actions", NULL, 0);
			if (!line.oom && script_parse_line(line.data, line.len, NULL, 1, 1, &scn->actions, &arena, &d2, &back) == SCRUB_ERR_INVALID) {
				scrub_diags_print(&d2, stderr);
				__builtin_trap(); /* written but not readable */
			}
			scrub_diags_fini(&d2);
			scrub_buf_fini(&line);
			scrub_buf_fini(&b);
		}
	}
	fuzz_diags_done(&d);
	scrub_arena_fini(&arena);
	return 0;
}
