/* The action registry: every trainee (or instructor) action Scrub understands, with typed
 * parameters and units. Scenario files, action scripts, the desktop and XR input all name
 * actions from this one table; later modules add theirs with actions_register().
 *
 *   defibrillate / shock {energy: 200 J}
 *   give_drug {drug: epinephrine, dose: 1 mg, route: IV}
 */
#ifndef SCRUB_ACTIONS_H
#define SCRUB_ACTIONS_H

#include "result.h"
#include "units.h"

#include <stdbool.h>
#include <stdint.h>

#define ACT_MAX_PARAMS 8
#define ACT_MAX_SYMBOLS 64

typedef enum act_param_kind {
	ACT_PARAM_QUANTITY,   /* a number with a unit of one dimension */
	ACT_PARAM_SYMBOL,     /* one word from a fixed list */
	ACT_PARAM_COUNT,      /* a whole number, no unit */
	ACT_PARAM_TEXT,       /* free text (a note); never matched on */
} act_param_kind;

typedef struct act_param_def {
	const char *name;
	act_param_kind kind;
	scrub_dim dim;                        /* QUANTITY: its dimension */
	double min, max;                      /* QUANTITY/COUNT: accepted range in the base unit */
	const char *symbols[ACT_MAX_SYMBOLS]; /* SYMBOL: accepted words, NULL-terminated */
	bool required;
	/* at least one of an action's parameters marked `one_of` must be given: give_drug needs dose=,
	 * units= (insulin) or volume= (dextrose 10 % 150 mL) */
	bool one_of;
	const char *help;
} act_param_def;

typedef struct act_def {
	const char *name;
	const char *category;   /* "assessment", "airway", "circulation", "drugs", "procedure", "instructor"... */
	const char *help;
	act_param_def params[ACT_MAX_PARAMS];
} act_def;

/* Category "derived": made by the simulation (tissue outcomes), never an input. */
bool act_is_derived(const act_def *def);
/* Category "tracking": high-rate input (hand poses every frame), recorded but left out of the
 * report's timeline. */
bool act_is_tracking(const act_def *def);

typedef uint16_t act_id;
#define ACT_NONE ((act_id)0xffff)

/* One performed action. Quantities are stored in the base unit of their dimension,
 * symbols as the index into the parameter's list. */
typedef struct act_value {
	bool set;
	double num;      /* QUANTITY (base unit) or COUNT */
	int sym;         /* SYMBOL */
	const char *text;/* TEXT (owned by whoever owns the action list) */
} act_value;

typedef struct sim_action {
	double t;                     /* seconds since scenario start */
	act_id type;
	act_value params[ACT_MAX_PARAMS];
	int line, col;                /* where it was written (action script or scenario), 0 if live */
} sim_action;

int actions_count(void);
const act_def *actions_get(act_id id);
act_id actions_find(const char *name, size_t len);
int act_param_find(const act_def *def, const char *name, size_t len);
int act_symbol_find(const act_param_def *p, const char *s, size_t len);
int act_param_nsymbols(const act_param_def *p);

/* Adds a definition (copied pointer: it must outlive the registry). Fails on duplicates. */
scrub_result actions_register(const act_def *def);

/* Names of all actions, for "did you mean"; valid until the next register. */
const char *const *actions_names(void);

/* The reserved instructor action that jumps the scenario to a state marked jump_target. */
#define ACT_JUMP_NAME "instructor_jump"
/* Derived actions the session makes from the patient model's judgements (see docs/scenario-format.md). */
#define ACT_COMPLICATION_NAME "complication"
#define ACT_NOT_DELIVERED_NAME "not_delivered"

#endif
