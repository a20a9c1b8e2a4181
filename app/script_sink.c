#include "script_sink.h"
#include "script.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define SCRIPT_OF(sinkp) ((script_sink *)((char *)(sinkp) - offsetof(script_sink, sink)))

static void script_event(host_sink *sink, const sim_event *ev)
{
	script_sink *s = SCRIPT_OF(sink);
	if (ev->kind != SIM_EV_ACTION || ev->derived || ev->ignored)
		return;
	const sim_action *a = ev->action;
	scrub_buf_printf(&s->text, "%.17gs %s", a->t, actions_get(a->type)->name);
	scrub_buf params;
	scrub_buf_init(&params);
	script_format_params(a, &params);
	script_format_author(a, &params);
	if (params.len)
		scrub_buf_printf(&s->text, " %.*s", (int)params.len, params.data);
	scrub_buf_fini(&params);
	scrub_buf_puts(&s->text, "\n");
}

static scrub_result script_finish(host_sink *sink, const sim_session *ss, bool complete)
{
	script_sink *s = SCRIPT_OF(sink);
	FILE *f = fopen(s->path, "wb");
	bool ok = f && !s->text.oom && fwrite(s->text.data ? s->text.data : "", 1, s->text.len, f) == s->text.len;
	if (f)
		ok = fclose(f) == 0 && ok;
	if (ok)
		return SCRUB_OK;
	s->sink.error = s->error;
	snprintf(s->error, sizeof s->error, "cannot write %s: %s", s->path, s->text.oom ? "out of memory" : strerror(errno));
	return s->text.oom ? SCRUB_ERR_NOMEM : SCRUB_ERR_IO;
}

void script_sink_init(script_sink *s, const char *dir, const char *where, const char *scenario_name)
{
	memset(s, 0, sizeof *s);
	s->sink = (host_sink){.event = script_event, .finish = script_finish};
	snprintf(s->path, sizeof s->path, "%s/actions.txt", dir);
	scrub_buf_init(&s->text);
	scrub_buf_printf(&s->text, "# actions taken in %s (%s), as an action script\n", where, scenario_name);
}

void script_sink_fini(script_sink *s) { scrub_buf_fini(&s->text); }
