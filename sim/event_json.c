#include "event_json.h"
#include "script.h"

static void action_params(scrub_json *j, const sim_action *a, event_json_form form)
{
	if (form == EVENT_JSON_REPORT) {
		scrub_buf p;
		scrub_buf_init(&p);
		script_format_params(a, &p);
		if (p.len)
			scrub_json_strn(j, "params", p.data, p.len);
		scrub_buf_fini(&p);
		return;
	}
	const act_def *def = actions_get(a->type);
	scrub_json_object_begin(j, "params");
	for (int i = 0; i < ACT_MAX_PARAMS && def->params[i].name; i++) {
		if (!a->params[i].set)
			continue;
		scrub_buf v;
		scrub_buf_init(&v);
		script_format_value(&def->params[i], &a->params[i], &v);
		scrub_json_strn(j, def->params[i].name, v.data ? v.data : "", v.len);
		scrub_buf_fini(&v);
	}
	scrub_json_object_end(j);
}

void event_json(scrub_json *j, const scenario *scn, const sim_event *ev, event_json_form form)
{
	static const char *const types[] = {
		[SIM_EV_ACTION] = "action", [SIM_EV_STATE] = "state", [SIM_EV_ITEM] = "item", [SIM_EV_END] = "end"};
	if (form == EVENT_JSON_REPORT)
		scrub_json_num(j, "t", ev->t, 2);
	scrub_json_str(j, "type", types[ev->kind]);
	if (form == EVENT_JSON_RECORD)
		scrub_json_num_exact(j, "t", ev->t);
	switch (ev->kind) {
	case SIM_EV_ACTION:
		scrub_json_str(j, "action", actions_get(ev->action->type)->name);
		action_params(j, ev->action, form);
		if (ev->action->by[0])
			scrub_json_str(j, "by", ev->action->by);
		if (ev->action->role[0])
			scrub_json_str(j, "role", ev->action->role);
		if (ev->ignored)
			scrub_json_bool(j, "ignored", true);
		if (ev->derived)
			scrub_json_bool(j, "derived", true);
		break;
	case SIM_EV_STATE:
		scrub_json_str(j, "from", ev->from >= 0 ? scn->states[ev->from].name : NULL);
		scrub_json_str(j, "to", scn->states[ev->to].name);
		scrub_json_str(j, "cause", ev->cause);
		break;
	case SIM_EV_ITEM:
		scrub_json_str(j, "id", scn->checklist.items[ev->item].id);
		scrub_json_str(j, "status", item_status_name(ev->status));
		if (ev->note)
			scrub_json_str(j, "note", ev->note);
		break;
	case SIM_EV_END:
		scrub_json_str(j, "outcome", ev->outcome);
		break;
	}
}
