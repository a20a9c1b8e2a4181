/* libFuzzer target: the live sessions' messages (app/live/live_msg.c), validated against the team BLS
 * scenario. Any bytes must be refused with a close code and a reason, or parse; never crash, hang or leak.
 * An accepted action's parameters, written as the record writes them, read back. */
#include "live_msg.h"
#include "script.h"

#include "fuzz_util.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const scenario *scn = fuzz_scenario();
	scrub_arena arena;
	scrub_arena_init(&arena);
	live_msg m;
	char why[256];
	int r = live_msg_parse((const char *)data, size, scn, &arena, &m, why, sizeof why);
	if (r != 0 && r != LIVE_CLOSE_POLICY && r != LIVE_CLOSE_TOO_BIG)
		__builtin_trap();
	if (r != 0 && !why[0])
		__builtin_trap(); /* every refusal says why */
	if (r == 0 && m.kind == LIVE_ACT) {
		const act_def *def = actions_get(m.action.type);
		for (int i = 0; i < ACT_MAX_PARAMS && def->params[i].name; i++) {
			if (!m.action.params[i].set || def->params[i].kind == ACT_PARAM_TEXT)
				continue;
			scrub_buf b;
			scrub_buf_init(&b);
			script_format_value(&def->params[i], &m.action.params[i], &b);
			act_value back = {0};
			char w[256];
			if (b.oom || script_parse_value(&def->params[i], b.data ? b.data : "", b.len, &arena, &back, w, sizeof w))
				__builtin_trap();
			scrub_buf_fini(&b);
		}
	}
	scrub_arena_fini(&arena);
	return 0;
}
