/* xAPI statements (ADL xAPI 1.0.3, IEEE 9274.1.1) of one session, built from its report.json and its record:
 * the trainee attempted the scenario, completed it, passed or failed it (with the score and the duration), and
 * one statement per decided checklist item. Every id is a UUID version 5 of the record's sha256, so the same
 * record always gives the same statements and sending them again duplicates nothing. docs/xapi.md. */
#ifndef SCRUB_NET_XAPI_H
#define SCRUB_NET_XAPI_H

#include "arena.h"
#include "result.h"

#include <stdbool.h>
#include <stddef.h>

#define XAPI_VERB_BASE "http://adlnet.gov/expapi/verbs/"
/* The MedBiquitous Virtual Patient xAPI profile (draft 1.0): a virtual patient is an activity of type
 * http://adlnet.gov/expapi/activities/simulation and the actor an Agent with an account. */
#define XAPI_VP_PROFILE "https://w3id.org/xapi/virtual-patient"

typedef struct xapi_config {
	const char *homepage;      /* the trainees' accounts' homePage (an IRL: the school's login page) */
	const char *activity_base; /* scenarios are BASE/scenarios/ID, their items BASE/scenarios/ID/items/ITEM */
	const char *lang;          /* the language map's tag, default "en" */
} xapi_config;

/* The defaults when nothing is configured (docs/xapi.md: a school sets its own). */
#define XAPI_DEFAULT_HOMEPAGE "https://scrub.invalid/trainees"
#define XAPI_DEFAULT_BASE "https://scrub.invalid/xapi/"

typedef struct xapi_input {
	const char *report;        /* report.json's text */
	size_t report_len;
	const char *record_sha256; /* of the record's text: the seed of every id */
	const char *started;       /* the record's start, ISO 8601 UTC (YYYY-MM-DDTHH:MM:SSZ) */
	const char *description;   /* the scenario's description, or NULL */
} xapi_input;

typedef struct xapi_statement {
	char id[37];
	const char *json;          /* one statement, compact JSON */
	size_t len;
} xapi_statement;

/* Builds the statements into `a`. SCRUB_ERR_INVALID (with the reason in err) for a report that cannot be read. */
scrub_result xapi_build(const xapi_config *cfg, const xapi_input *in, scrub_arena *a, xapi_statement **out, int *n,
                        char *err, size_t errsize);

/* A UUID version 5 (RFC 4122, SHA-1) of `name` in Scrub's namespace (urn:scrub:xapi under the URL namespace). */
void xapi_uuid(const char *name, char out[37]);
/* An ISO 8601 duration, to the hundredth of a second: 364.3 -> "PT6M4.3S". */
void xapi_duration(double seconds, char *buf, size_t size);
/* `started` + `offset_s` as ISO 8601 UTC with milliseconds; false for a start that is not YYYY-MM-DDTHH:MM:SSZ. */
bool xapi_timestamp(const char *started, double offset_s, char *buf, size_t size);

#endif
