/* The action registry: every trainee (or instructor) action Scrub understands, with typed
 * parameters and units. Scenario files, action scripts, the desktop and XR input all name
 * actions from this one table (sim/vocabulary/actions.yaml and the actions code makes); a scenario
 * can declare its own (actions_declare).
 *
 *   defibrillate / shock {energy: 200 J}
 *   give_drug {drug: epinephrine, dose: 1 mg, route: IV}
 */
#ifndef SCRUB_ACTIONS_H
#define SCRUB_ACTIONS_H

#include "result.h"
#include "units.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACT_MAX_PARAMS 8
#define ACT_MAX_SYMBOLS 64
#define ACT_NAME_MAX 32        /* a participant's or a role's name, with its NUL */

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
	/* who did it (empty: the one trainee of a single-trainee session): a participant's name and the
	 * role they took (one of the scenario's `roles:` when it declares them) */
	char by[ACT_NAME_MAX];
	char role[ACT_NAME_MAX];
} sim_action;

/* Is `s` (n bytes) a valid participant or role name: 1..ACT_NAME_MAX-1 letters, digits, '_', '-', '.'? */
bool act_name_valid(const char *s, size_t n);
/* Copies a valid name into an action's `by` or `role` (truncating never happens: check first). */
void act_name_set(char dst[], const char *s, size_t n);

int actions_count(void);
/* The built-in ones come first: ids below this (scenarios' own actions come after). */
int actions_builtin_count(void);
const act_def *actions_get(act_id id);
act_id actions_find(const char *name, size_t len);
int act_param_find(const act_def *def, const char *name, size_t len);
int act_symbol_find(const act_param_def *p, const char *s, size_t len);
int act_param_nsymbols(const act_param_def *p);

/* Adds a definition to the built-in vocabulary (copied pointer: it must outlive the registry), at
 * start-up only. Fails on duplicates, and once a scenario has declared actions. */
scrub_result actions_register(const act_def *def);

/* The actions a scenario declares in its `actions:` section: their ids, found by name only
 * through the scenario's scope (another scenario may declare the same name differently). */
typedef struct act_scope {
	const act_id *ids;
	int n;
	const char *const *broken;  /* names declared with errors (already reported): not "unknown" */
	int nbroken;
} act_scope;
/* A built-in action, or else one of the scope's (scope may be NULL). */
act_id actions_find_in(const act_scope *scope, const char *name, size_t len);
/* Was `name` declared by the scope with errors? Its uses are then not reported as unknown. */
bool actions_declared_broken(const act_scope *scope, const char *name, size_t len);
/* The nearest action name to `word` among the built-in ones and the scope's, for "did you mean". */
const char *actions_suggest(const act_scope *scope, const char *word);
/* Registers a scenario's own action (deep-copied, kept for the process's life). A definition
 * identical to one declared before, by any scenario, gets the same id, so loading a scenario twice
 * gives the same ids. Thread-safe. ACT_NONE when the registry is full. The caller checks that the
 * name is not a built-in one. */
act_id actions_declare(const act_def *def);

/* Names of all actions, for "did you mean"; valid until the next register. */
const char *const *actions_names(void);

/* The reserved instructor action that jumps the scenario to a state marked jump_target. */
#define ACT_JUMP_NAME "instructor_jump"
/* Derived actions the session makes from the patient model's judgements (see docs/scenario-format.md). */
#define ACT_COMPLICATION_NAME "complication"
#define ACT_NOT_DELIVERED_NAME "not_delivered"
/* The instructor's other controls, recorded so that a live session replays to the same report. */
#define ACT_SET_NAME "instructor_set"
#define ACT_MARK_NAME "instructor_mark"
/* Derived: an action done by a participant whose role (the scenario's `roles:`) may not do it. */
#define ACT_OUT_OF_ROLE_NAME "out_of_role"

#endif
