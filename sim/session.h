/* A running scenario: the state machine, the variables, the checklist as it is being scored.
 *
 * The session advances in fixed steps of the scenario's dt and is driven only by the actions
 * given to it, so the same scenario and the same actions always give the same result. It knows
 * nothing of wall-clock time, files or displays: the caller feeds actions and steps. */
#ifndef SCRUB_SESSION_H
#define SCRUB_SESSION_H

#include "scenario.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum item_status {
	ITEM_PENDING,
	ITEM_DONE,
	ITEM_LATE,
	ITEM_OUT_OF_ORDER,
	ITEM_MISSED,
	ITEM_VIOLATED,
} item_status;

const char *item_status_name(item_status s);
/* The same for people: "out of order" (the HUD's word). */
const char *item_status_label(item_status s);

typedef enum sim_event_kind {
	SIM_EV_ACTION,   /* the trainee (or instructor) acted */
	SIM_EV_STATE,    /* the scenario moved to another state */
	SIM_EV_ITEM,     /* a checklist item was decided */
	SIM_EV_END,      /* the scenario ended */
} sim_event_kind;

typedef struct sim_event {
	sim_event_kind kind;
	double t;
	const sim_action *action;     /* ACTION */
	bool ignored;                 /* ACTION: came after the end */
	bool derived;                 /* ACTION: made by the simulation (tissue outcomes), not an input */
	int from, to;                 /* STATE (from is -1 at the start) */
	const char *cause;            /* STATE: "start", "action shock", "condition", "after 2:00.00", "instructor" */
	int item;                     /* ITEM */
	item_status status;
	const char *note;             /* ITEM: why (late by..., before ...) */
	const char *outcome;          /* END */
} sim_event;

typedef void (*sim_event_fn)(void *user, const sim_event *ev);

typedef struct sim_item_result {
	item_status status;
	double time;                  /* when it was decided by an action or a state; -1 if never */
	double points;                /* awarded */
	double penalty;               /* subtracted from the score */
	int reps;                     /* repeated items: how many times done */
	double last_t;
	double end_t;                 /* when the deciding action ended (its `duration` after `time`) */
	double attempt_t, attempt_end;/* first action of the item's kind that did not meet it; -1 if none */
	char note[360];
	char attempt[200];            /* why that attempt did not count (measured against expected) */
	bool attempt_noted;           /* the attempt is already in the note */
	bool window_unopened;         /* missed because the case ended before its window opened */
	char by[ACT_NAME_MAX];        /* the participant whose action decided it (empty: none named) */
} sim_item_result;

/* The participants of a team session (actions with a `by`), in the order they first acted. */
#define SIM_MAX_PARTICIPANTS 16
typedef struct sim_participant {
	char name[ACT_NAME_MAX];
	char role[ACT_NAME_MAX];      /* the role of their first action */
	int actions;                  /* actions they did */
	int out_of_role;              /* ... of which their role may not do */
} sim_participant;

typedef struct sim_session_opts {
	sim_event_fn on_event;        /* may be NULL */
	void *user;
} sim_session_opts;

typedef struct sim_session sim_session;

/* Monitor waveforms kept by a session with a patient model: 2 s at 250 Hz. */
#define SIM_WAVE_RING 512

scrub_result sim_session_create(const scenario *scn, const sim_session_opts *opts, sim_session **out);
void sim_session_destroy(sim_session **s);

/* Applies an action now. Its `t` should lie within the current step; it is copied. */
void sim_session_act(sim_session *s, const sim_action *a);
/* Advances by one dt: trends, then conditions and timers (first to fire wins). */
void sim_session_step(sim_session *s);
/* Ends the session at the current time (if not ended) and decides every open item. */
void sim_session_finish(sim_session *s, const char *outcome);

bool sim_session_ended(const sim_session *s);
/* Does the action have the type and the parameters a match (a transition's or a checklist item's) asks for?
 * (The checklist also asks whether it was delivered and effective: that needs the session's judgement.) */
bool sim_match_params(const scn_match *m, const sim_action *a);
double sim_session_time(const sim_session *s);
uint64_t sim_session_steps(const sim_session *s);
int sim_session_state(const sim_session *s);
const double *sim_session_vars(const sim_session *s);
const sim_item_result *sim_session_items(const sim_session *s);
const char *sim_session_outcome(const sim_session *s);
double sim_session_end_time(const sim_session *s);
const scenario *sim_session_scenario(const sim_session *s);
/* The patient model's waveforms and vital signs (NULL without a model). */
const patient_wave_ring *sim_session_waves(const sim_session *s);
const patient_vitals *sim_session_vitals(const sim_session *s);
/* The soft-tissue physics of a scenario with `tissue:` (NULL without), for renderers and haptics: read only. */
struct scrub_tissue;
const struct scrub_tissue *sim_session_tissue(const sim_session *s);

/* CPR quality over the session, as a feedback manikin reports it: from the first compression, while
 * the patient has no pulse (percentages 0..100; targets 100-120 /min, 5-6 cm, full recoil). */
typedef struct sim_cpr_quality {
	double arrest_s, compressions_s;
	double fraction;          /* compression fraction, % */
	double rate_ok, depth_ok, recoil_ok; /* % of compression time in target */
	double longest_pause_s;
	int long_pauses;          /* pauses over 10 s */
	double etco2_low;         /* % of CPR time (after its first minute) with EtCO2 under 10 mmHg */
} sim_cpr_quality;

/* The participants so far (n: how many; none in a single-trainee session). */
const sim_participant *sim_session_participants(const sim_session *s, int *n);

/* False when there was no CPR (or no patient model). */
bool sim_session_cpr_quality(const sim_session *s, sim_cpr_quality *out);

typedef struct sim_score {
	double score;                 /* 0..100 */
	double earned, possible, penalties;
	bool passed;
	int ncritical_failures;
} sim_score;

void sim_session_score(const sim_session *s, sim_score *out);

/* Runs `actions` from the start until the scenario ends, its duration runs out or `stop_at`
 * (seconds; <= 0: no limit) is reached, then finishes. With `past_end` the steps go on to the
 * full duration after an end state (for benchmarks). */
typedef struct sim_run_opts {
	sim_session_opts session;
	double stop_at;
	bool past_end;
	/* called after every step (pacing, snapshots); may be NULL */
	void (*on_step)(void *user, const sim_session *s);
	void *step_user;
} sim_run_opts;

scrub_result sim_run(const scenario *scn, const sim_action *actions, int n, const sim_run_opts *opts,
                     sim_session **out);

/* Runs model run `index` of the scenario and compares its outcome with what it expects.
 * A mismatch is reported as an error located at the run's `expect:`. Returns true when the
 * run gave its expected outcome. */
typedef struct model_run_result {
	bool passed;
	double score;
	const char *outcome;
	char failed_items[512];    /* "id (status), ..." of the items not done */
} model_run_result;

bool model_run_check(const scenario *scn, int index, scrub_diags *diags, model_run_result *out);

#endif
