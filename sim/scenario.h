/* A loaded, validated scenario: metadata, the patient's named variables, a state machine and a
 * checklist. Everything lives in the scenario's arena. A scenario that has any error is never
 * returned: scenario_load() reports every problem and returns NULL. */
#ifndef SCRUB_SCENARIO_H
#define SCRUB_SCENARIO_H

#include "actions.h"
#include "arena.h"
#include "diag.h"
#include "result.h"
#include "units.h"
#include "patient/patient.h"
#include "surgery.h"
#include "tissue/tissue.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct expr_prog expr_prog;

typedef struct scn_var {
	const char *name;
	const char *label;
	bool is_symbol;            /* takes one word from `symbols` */
	const scrub_unit *unit;    /* numbers: the unit values are written in (NULL: plain number) */
	double init;               /* in `unit`, or the symbol index */
	double min, max;           /* in `unit` (-inf/inf when not given) */
	const char **symbols;
	int nsymbols;
	int model_field;           /* >= 0: a vital sign the patient model provides (read-only) */
	int line, col;
} scn_var;

/* The vital signs a patient model provides as variables (see docs/physiology.md). */
typedef enum scn_model_field {
	SCN_MODEL_HR, SCN_MODEL_SBP, SCN_MODEL_DBP, SCN_MODEL_MAP, SCN_MODEL_SPO2, SCN_MODEL_RR,
	SCN_MODEL_ETCO2, SCN_MODEL_TEMP, SCN_MODEL_CO, SCN_MODEL_CPP, SCN_MODEL_RHYTHM, SCN_MODEL_PULSE,
	SCN_MODEL_AVPU, SCN_MODEL_ROSC, SCN_MODEL_SHOCKS,
	/* CPR quality over the whole session, measured by the session like a feedback manikin
	 * (see docs/scenario-format.md, "CPR quality") */
	SCN_MODEL_CCF, SCN_MODEL_CPR_RATE_OK, SCN_MODEL_CPR_DEPTH_OK, SCN_MODEL_CPR_RECOIL_OK,
	SCN_MODEL_LONGEST_PAUSE, SCN_MODEL_LONG_PAUSES, SCN_MODEL_ETCO2_LOW,
	SCN_MODEL_GLUCOSE, SCN_MODEL_CAPTURE, SCN_MODEL_LACTATE, SCN_MODEL_PEF, SCN_MODEL_WHEEZE, SCN_MODEL_POTASSIUM,
	SCN_MODEL_COUNT_
} scn_model_field;

/* `patient: model:` - the physiology model that drives the vital signs. */
typedef struct scn_model {
	bool present;
	patient_config cfg;        /* overrides point into the scenario's arena */
	int first_var;             /* index of the first model variable in vars[] */
} scn_model;

/* `tissue:` - the soft-tissue block the instruments work on (see sim/surgery.h). */
struct scn_tissue {
	bool present;
	scrub_tissue_desc desc;    /* defaults filled in */
	double physics_dt;         /* s; the scenario's dt is a whole number of these */
	bool has_wound;            /* a laceration at the start */
	double wound_from[2], wound_to[2], wound_depth;   /* mm */
	bool has_mark;             /* a line drawn on the skin where the incision should go */
	double mark_from[2], mark_to[2];                  /* mm */
	int first_var;             /* index of the first tissue variable in vars[] */
	int line, col;
};

/* A constraint on one action parameter: one of some words, or a numeric range (base unit). */
typedef struct scn_constraint {
	int param;
	bool is_symbol;
	uint64_t symbols;          /* bit i: symbol i accepted */
	double lo, hi;             /* inclusive */
} scn_constraint;

typedef struct scn_match {
	act_id action;
	int n;
	scn_constraint c[ACT_MAX_PARAMS];
	/* what the patient model judged (-1: not written). Unwritten `delivered` means "yes" for
	 * expected actions and transitions, "either" for forbidden ones. */
	int8_t delivered, effective;
	int line, col;
} scn_match;

typedef enum scn_effect_kind { SCN_SET, SCN_TREND } scn_effect_kind;

typedef struct scn_effect {
	scn_effect_kind kind;
	int var;
	double value;              /* in the variable's unit, or the symbol index */
	double over_s;             /* SCN_TREND: duration */
} scn_effect;

typedef struct scn_effects {
	scn_effect *v;
	int n;
} scn_effects;

typedef enum scn_trigger { SCN_ON_ACTION, SCN_WHEN, SCN_AFTER } scn_trigger;

typedef struct scn_transition {
	scn_trigger trigger;
	scn_match match;           /* SCN_ON_ACTION */
	expr_prog *guard;          /* `if:` (SCN_ON_ACTION) or the condition (SCN_WHEN); may be NULL */
	double after_s;            /* SCN_AFTER: time in state */
	int to;                    /* target state, or -1 for a reaction that stays */
	scn_effects effects;
	int line, col;
} scn_transition;

typedef struct scn_state {
	const char *name;
	const char *description;
	scn_effects on_enter;
	scn_transition *transitions;
	int ntransitions;
	bool jump_target;          /* the instructor may jump here */
	bool is_end;
	const char *outcome;       /* end states: a word for the report (rosc, death, ...) */
	int line, col;
} scn_state;

typedef enum scn_item_kind {
	SCN_ITEM_DO,       /* an expected action */
	SCN_ITEM_FORBID,   /* an action that must not happen */
	SCN_ITEM_REACH,    /* a state to reach */
	SCN_ITEM_CHECK,    /* a condition that must hold when the session ends (CPR quality...) */
} scn_item_kind;
typedef enum scn_anchor { SCN_FROM_START, SCN_FROM_STATE, SCN_FROM_ITEM } scn_anchor;

typedef struct scn_item {
	const char *id;
	const char *text;
	const char *reference;     /* the id of one of the scenario's references */
	scn_item_kind kind;
	scn_match match;           /* DO / FORBID: the first (or only) accepted form */
	scn_match *alts;           /* ... and the other accepted forms (`do:` written as a list) */
	int nalts;
	bool each;                 /* DO: every occurrence of the action must meet the constraints */
	int reach_state;           /* REACH */
	expr_prog *check;          /* CHECK */
	expr_prog *guard;          /* counts only while this holds */
	int *after;                /* items that must come first */
	int nafter;
	scn_anchor anchor;
	int anchor_ref;            /* state or item index */
	bool has_window;
	double win_lo, win_hi;     /* seconds after the anchor */
	bool repeat;
	double every_lo, every_hi; /* seconds between repetitions */
	int while_state;           /* repetition required while in this state */
	double points;
	double penalty;            /* subtracted from the score (percentage points) when violated */
	int role;                  /* DO / FORBID: counts only when done by this role (-1: by anyone) */
	bool swap;                 /* DO with every: each repetition by another participant than the last */
	double partial;            /* share of points for late / out of order */
	bool critical;
	int line, col;
} scn_item;

typedef struct scn_checklist {
	scn_item *items;
	int n;
	double pass_score;         /* 0..100 */
	bool all_critical;
	const char *feedback;      /* live | end | none */
} scn_checklist;

typedef struct scn_model_run {
	const char *name;
	bool expect_pass;
	int *expect_items;         /* items named in `expect: {fail: [...]}` or `{lose: [...]}` (expect_pass) */
	int nexpect;
	sim_action *actions;
	int nactions;
	const char *actions_file;  /* when the script lives beside the scenario */
	const char *description;
	const char *reference;     /* the guideline the run's mistake (or variant) is judged by */
	int line, col;
	int expect_line, expect_col;
} scn_model_run;

/* A tally the session keeps: the number of delivered `action`s matching the constraints, or the sum
 * of their `param` (in its base unit): count(give_drug, drug == atropine), total(give_drug, dose, ...). */
#define SCN_MAX_TALLIES 32
typedef struct scn_tally {
	act_id action;
	int param;                 /* -1: count */
	int n;
	scn_constraint c[ACT_MAX_PARAMS];
} scn_tally;

/* A team role (`roles:`): who may do what in a team session. */
typedef struct scn_role {
	const char *name;
	const char *description;
	act_id *actions;           /* what the role may do (NULL: anything) */
	int nactions;
	int line, col;
} scn_role;

typedef struct scn_reference {
	const char *id;
	const char *text;
	const char *url;
} scn_reference;

typedef struct scenario {
	scrub_arena arena;
	const char *path;          /* as given */
	const char *dir;           /* folder files may be read from */
	const char *source;        /* the file's text */
	size_t source_len;
	char sha256[65];

	const char *id, *title, *version, *summary, *setting;
	const char **authors;
	int nauthors;
	const char **objectives;
	int nobjectives;
	scn_reference *references;
	int nreferences;
	double duration_s;
	double dt;
	uint64_t seed;

	const char *patient_description;
	double patient_age, patient_weight;
	const char *patient_sex;
	scn_model model;
	scn_tissue tissue;

	scn_var *vars;
	int nvars;
	scn_state *states;
	int nstates;
	int initial;
	scn_checklist checklist;
	scn_model_run *runs;
	int nruns;
	scn_tally tallies[SCN_MAX_TALLIES];
	int ntallies;
	act_scope actions;         /* the actions its `actions:` section declares */
	scn_role *roles;           /* team roles (`roles:`), none for a single trainee */
	int nroles;
} scenario;

typedef struct scenario_load_opts {
	const char *display_path;  /* name used in diagnostics (default: path) */
	const char *base_dir;      /* folder referenced files must stay in (default: the file's) */
	bool no_model_runs;        /* skip parsing model runs (record replay) */
} scenario_load_opts;

/* Loads and validates a scenario from a file. On any error, prints nothing, fills diags and
 * returns SCRUB_ERR_INVALID (or SCRUB_ERR_IO when the file cannot be read). */
scrub_result scenario_load_file(const char *path, const scenario_load_opts *opts, scrub_diags *diags,
                                scenario **out);
/* The same from text already in memory (`path` names it in messages). The text is copied. */
scrub_result scenario_load_text(const char *path, const char *text, size_t len,
                                const scenario_load_opts *opts, scrub_diags *diags, scenario **out);
void scenario_destroy(scenario **s);

/* Checks actions against the scenario (an instructor_jump must name a jump_target state);
 * problems are located in `file` (NULL: the scenario file). A drug the patient model does not
 * simulate is warned about once: `warned_drugs` (a bit per give_drug word) carries what was said
 * across calls (the model runs of one scenario), or NULL. */
void scenario_check_actions(const scenario *scn, const sim_action *acts, int n, const char *file,
                            scrub_diags *diags, uint64_t *warned_drugs);

/* The variable name of a model field ("hr", "rhythm"...). */
const char *scenario_model_var_name(int field);
/* Its unit as written in records ("mmHg", "/min"; NULL for words and counts) and its label ("Heart rate"). */
const char *scenario_model_var_unit(int field);
const char *scenario_model_var_label(int field);

int scenario_find_state(const scenario *s, const char *name);
/* What an instructor_set may do: `value` (a number in the variable's unit, or one of its words) for
 * variable `var`, which must be the scenario's own (or the model's rhythm). False with the reason. */
bool scenario_instructor_value(const scenario *s, const char *var, const char *value, int *vi, double *out, char *why,
                               size_t why_size);
/* A role by name (-1: none). */
int scenario_find_role(const scenario *s, const char *name);
/* May `role` (a role's name) do action `type`? True for an empty or unknown role, for a role without an
 * action list, and for the actions no participant performs (derived ones, the instructor's). */
bool scenario_role_may(const scenario *s, const char *role, act_id type);
int scenario_find_item(const scenario *s, const char *id);
int scenario_find_var(const scenario *s, const char *name, size_t len);

/* Reads a whole file (limit in bytes); returns SCRUB_ERR_IO or SCRUB_ERR_LIMIT on failure. */
scrub_result scrub_read_file(const char *path, size_t limit, char **out, size_t *out_len);

#endif
