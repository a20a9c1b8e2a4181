/* The session's private parts, shared by its files: session.c (creating, acting, stepping, finishing),
 * session_patient.c (the patient model and the tissue under the session: reading them, applying actions
 * to them, CPR quality), session_checklist.c (matching actions to checklist items and deciding them). */
#ifndef SCRUB_SESSION_INTERNAL_H
#define SCRUB_SESSION_INTERNAL_H

#include "session.h"
#include "expr.h"
#include "surgery.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct trend_rt {
	bool active;
	double from, to, t0, dur;
} trend_rt;

/* CPR quality measured like a feedback manikin: from the first compression, while the patient has
 * no pulse. Times in seconds. */
typedef struct cpr_meter {
	bool started;
	double arrest_s;         /* pulseless time since the first compression */
	double cpr_s;            /* ... of which with compressions */
	double rate_ok_s, depth_ok_s, recoil_ok_s, etco2_low_s, etco2_judged_s;
	double pause_s;          /* the pause running now */
	double longest_pause_s;
	int long_pauses;         /* pauses over 10 s */
	double recoil_pct;       /* the compressions' recoil as last reported (100: full) */
	double run_s;            /* compressions without a break, now */
	bool declared;           /* start_cpr ... stop_cpr / stand_clear */
	double last_sample_t;    /* the last `compression` sample, or -1 */
} cpr_meter;

/* Sampled compressions (a manikin, a controller) count as running this long after the last one:
 * at 100-120 /min they come every 0.5-0.6 s. A longer gap is a pause, measured from compression to
 * compression as a feedback manikin does. */
#define CPR_SAMPLE_GAP_S 1.0

/* What the patient model made of an action. Actions it does not judge are delivered and effective. */
typedef struct judgement {
	bool judged;
	bool delivered;
	bool effective;
	const char *complication;     /* a word of the complication action's `kind`, or NULL */
	const char *not_delivered;    /* a word of the not_delivered action's `why`, or NULL */
	const char *reason;
} judgement;

#define CPR_PAUSE_LIMIT_S 10.0

struct sim_session {
	const scenario *scn;
	sim_session_opts opts;
	uint64_t step;
	double t;
	int state;
	double state_t;                 /* when the current state was entered */
	bool ended;
	double end_t;
	const char *outcome;
	double *vars;
	trend_rt *trends;
	uint32_t *action_count;
	double *action_last;
	uint8_t *item_done;
	double *state_first;            /* first entry time per state, -1 before */
	uint8_t *tr_prev;               /* per transition of the current state: last condition value / fired */
	int ntr_prev;
	sim_item_result *items;
	bool finished;
	int nactions;
	char cause[160];                /* the last state change's cause (events point here) */
	patient *pt;                    /* the physiology model, when the scenario has one */
	patient_wave_ring waves;
	float wave_buf[3][SIM_WAVE_RING];
	surgery *surg;                  /* the tissue and instruments, when the scenario has them */
	double *vars_pre;               /* the variables as they were when the trainee acted */
	double tally[SCN_MAX_TALLIES];  /* count(...)/total(...) with conditions */
	double stand_clear_t;           /* the last "stand clear", or -1 */
	cpr_meter cpr;                  /* CPR quality over the session */
	const sim_action *cur;          /* the action being matched to the checklist (NULL: a step decides) */
	sim_participant participants[SIM_MAX_PARTICIPANTS];
	int nparticipants;
	char role_why[96];              /* the last out_of_role's reason (its event points here) */
};

/* session.c */
void emit(sim_session *s, const sim_event *ev);

/* session_patient.c */
void read_model(sim_session *s);
void cpr_meter_action(cpr_meter *m, const char *name, const judgement *j, double t);
void cpr_meter_step(cpr_meter *m, const patient_vitals *v, double t, double dt);
void read_tissue(sim_session *s);
double num_of(const sim_action *a, const act_def *def, const char *param, double fallback);
judgement apply_to_patient(sim_session *s, const sim_action *a);

/* session_checklist.c */
void item_decide(sim_session *s, int i, item_status st, double t, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
double anchor_time(const sim_session *s, const scn_item *it);
void item_happened(sim_session *s, int i, double t, double t_end);
bool match(const scn_match *m, const sim_action *a, const judgement *j, bool want_delivered);
bool item_match(const scn_item *it, const sim_action *a, const judgement *j);
bool item_constraints_met(const scn_item *it, const sim_action *a);
const scn_match *item_form(const scn_item *it, const sim_action *a);
void describe_miss(const scn_item *it, const sim_action *a, const judgement *j, bool guard_ok, const char *guard_src,
                   char *buf, size_t n);
void check_repeat_gaps(sim_session *s, int leaving, double t);

#endif
