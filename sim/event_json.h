/* One session event as JSON: the one encoder of sim_event, in the two forms it is written in. */
#ifndef SCRUB_EVENT_JSON_H
#define SCRUB_EVENT_JSON_H

#include "json.h"
#include "scenario.h"
#include "session.h"

typedef enum event_json_form {
	EVENT_JSON_RECORD, /* the session record (record.h): "type" first, the exact time, the parameters as an object */
	EVENT_JSON_REPORT, /* the report's timeline (report.h): the time to 0.01 s first, the parameters as one string */
} event_json_form;

/* The event's members; the caller opens and closes its object. */
void event_json(scrub_json *j, const scenario *scn, const sim_event *ev, event_json_form form);

#endif
