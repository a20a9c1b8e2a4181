#define SCRUB_LOG_MODULE "session"
#include "session.h"
#include "vocab.h"
#include "expr.h"
#include "log.h"
#include "script.h"
#include "surgery.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
};

const char *item_status_name(item_status s)
{
	switch (s) {
	case ITEM_PENDING: return "pending";
	case ITEM_DONE: return "done";
	case ITEM_LATE: return "late";
	case ITEM_OUT_OF_ORDER: return "out_of_order";
	case ITEM_MISSED: return "missed";
	case ITEM_VIOLATED: return "violated";
	}
	return "?";
}

static void emit(sim_session *s, const sim_event *ev)
{
	if (s->opts.on_event)
		s->opts.on_event(s->opts.user, ev);
}

static expr_env env_of(const sim_session *s)
{
	return (expr_env){
		.vars = s->vars,
		.time = s->t,
		.time_in_state = s->t - s->state_t,
		.state = s->state,
		.action_count = s->action_count,
		.action_last = s->action_last,
		.item_done = s->item_done,
		.tally = s->tally,
	};
}


/* ---- the patient model ---- */

static void read_model(sim_session *s)
{
	if (!s->pt)
		return;
	const patient_vitals *v = patient_vitals_get(s->pt);
	double *x = s->vars + s->scn->model.first_var;
	x[SCN_MODEL_HR] = v->heart_rate;
	x[SCN_MODEL_SBP] = v->sbp;
	x[SCN_MODEL_DBP] = v->dbp;
	x[SCN_MODEL_MAP] = v->map;
	x[SCN_MODEL_SPO2] = v->spo2;
	x[SCN_MODEL_RR] = v->resp_rate;
	x[SCN_MODEL_ETCO2] = v->etco2;
	x[SCN_MODEL_TEMP] = v->temperature_c;
	x[SCN_MODEL_CO] = v->cardiac_output;
	x[SCN_MODEL_CPP] = v->cpp;
	x[SCN_MODEL_RHYTHM] = v->rhythm;
	x[SCN_MODEL_PULSE] = v->pulse_present;
	x[SCN_MODEL_AVPU] = v->avpu;
	x[SCN_MODEL_ROSC] = v->rosc;
	x[SCN_MODEL_SHOCKS] = v->shocks;
	x[SCN_MODEL_GLUCOSE] = v->glucose_mmol_l;
	x[SCN_MODEL_CAPTURE] = v->pacing_capture;
	x[SCN_MODEL_LACTATE] = v->lactate_mmol_l;
	x[SCN_MODEL_PEF] = v->peak_flow_pct;
	x[SCN_MODEL_WHEEZE] = v->wheeze > 0.15;
	x[SCN_MODEL_POTASSIUM] = v->potassium_mmol_l;
	const cpr_meter *m = &s->cpr;
	double cpr = m->cpr_s > 0 ? m->cpr_s : 1;
	x[SCN_MODEL_CCF] = m->arrest_s > 0 ? 100.0 * m->cpr_s / m->arrest_s : 0;
	x[SCN_MODEL_CPR_RATE_OK] = m->cpr_s > 0 ? fmin(100, 100.0 * m->rate_ok_s / cpr) : 0;
	x[SCN_MODEL_CPR_DEPTH_OK] = m->cpr_s > 0 ? fmin(100, 100.0 * m->depth_ok_s / cpr) : 0;
	x[SCN_MODEL_CPR_RECOIL_OK] = m->cpr_s > 0 ? fmin(100, 100.0 * m->recoil_ok_s / cpr) : 0;
	x[SCN_MODEL_LONGEST_PAUSE] = m->longest_pause_s > m->pause_s ? m->longest_pause_s : m->pause_s;
	x[SCN_MODEL_LONG_PAUSES] = m->long_pauses + (m->pause_s > CPR_PAUSE_LIMIT_S + 1e-9 ? 1 : 0);
	x[SCN_MODEL_ETCO2_LOW] = m->etco2_judged_s > 0 ? 100.0 * m->etco2_low_s / m->etco2_judged_s : 0;
}

/* What the trainee's action does to the meter: compressions declared, stopped, or one sampled. */
static void cpr_meter_action(cpr_meter *m, const char *name, const judgement *j, double t)
{
	if (strcmp(name, "start_cpr") == 0 && (j->delivered || (j->not_delivered && strcmp(j->not_delivered, "already_running") == 0))) {
		m->declared = true;
	} else if ((strcmp(name, "stop_cpr") == 0 || strcmp(name, "stand_clear") == 0) && j->judged && j->delivered) {
		m->declared = false;
	} else if (strcmp(name, "compression") == 0 && j->delivered) {
		double gap = m->last_sample_t >= 0 ? t - m->last_sample_t : 0;
		if (m->started && !m->declared && gap > CPR_SAMPLE_GAP_S) {
			/* the step counted the first CPR_SAMPLE_GAP_S of this gap as compressions: it was a pause */
			double tail = CPR_SAMPLE_GAP_S;
			m->cpr_s = fmax(0, m->cpr_s - tail);
			m->rate_ok_s = fmax(0, m->rate_ok_s - tail);
			m->depth_ok_s = fmax(0, m->depth_ok_s - tail);
			m->recoil_ok_s = fmax(0, m->recoil_ok_s - tail);
			m->pause_s = gap;
		}
		m->last_sample_t = t;
	}
}

/* One step of the CPR meter (targets: AHA/ERC 2020-2025, docs/scenario-format.md "CPR quality"). */
static void cpr_meter_step(cpr_meter *m, const patient_vitals *v, double t, double dt)
{
	bool active = m->declared || (m->last_sample_t >= 0 && t - m->last_sample_t <= CPR_SAMPLE_GAP_S + 1e-9);
	if (!m->started) {
		if (!active)
			return;
		m->started = true;
	}
	if (v->pulse_present) {
		m->pause_s = 0;
		m->run_s = 0;
		return;
	}
	m->arrest_s += dt;
	if (!active) {
		m->pause_s += dt;
		m->run_s = 0;
		return;
	}
	if (m->pause_s > 0) {
		if (m->pause_s > m->longest_pause_s)
			m->longest_pause_s = m->pause_s;
		if (m->pause_s > CPR_PAUSE_LIMIT_S + 1e-9)
			m->long_pauses++;
		m->pause_s = 0;
	}
	m->cpr_s += dt;
	m->run_s += dt;
	if (v->cpr_rate >= 100 - 1e-9 && v->cpr_rate <= 120 + 1e-9)
		m->rate_ok_s += dt;
	if (v->cpr_depth_cm >= 5.0 - 1e-9 && v->cpr_depth_cm <= 6.0 + 1e-9)
		m->depth_ok_s += dt;
	if (m->recoil_pct >= 95)
		m->recoil_ok_s += dt;
	/* EtCO2 needs about a minute of compressions to reflect them */
	if (m->run_s > 60) {
		m->etco2_judged_s += dt;
		if (v->etco2 < 10)
			m->etco2_low_s += dt;
	}
}

static void read_tissue(sim_session *s)
{
	if (s->surg)
		surgery_read_vars(s->surg, s->vars + s->scn->tissue.first_var);
}

static int sym_of(const sim_action *a, const act_def *def, const char *param, const char **out_word)
{
	int pi = act_param_find(def, param, strlen(param));
	if (pi < 0 || !a->params[pi].set)
		return -1;
	if (out_word)
		*out_word = def->params[pi].symbols[a->params[pi].sym];
	return a->params[pi].sym;
}

static double num_of(const sim_action *a, const act_def *def, const char *param, double fallback)
{
	int pi = act_param_find(def, param, strlen(param));
	return pi >= 0 && a->params[pi].set ? a->params[pi].num : fallback;
}

/* The model's drug for a give_drug word (drugs.yaml's model:, "glucose" is dextrose), or -1 when it
 * does not simulate it. */
static int drug_index(const char *w)
{
	int g = w ? vocab_drug_find(w, strlen(w)) : -1;
	const char *m = g >= 0 ? vocab_drug_get(g)->model : NULL;
	for (int i = 0; m && i < PATIENT_DRUG_COUNT_; i++)
		if (strcmp(m, patient_drug_name((patient_drug)i)) == 0)
			return i;
	return -1;
}

static int word_index(const char *const *words, int n, const char *w)
{
	for (int i = 0; w && i < n; i++)
		if (strcmp(words[i], w) == 0)
			return i;
	return -1;
}

/* Hands a trainee's action to the physiology model (the model ignores what it does not model) and
 * returns its judgement: whether it was delivered, whether it worked, what harm it did. */
static judgement apply_to_patient(sim_session *s, const sim_action *a)
{
	judgement j = {.delivered = true, .effective = true};
	const act_def *def = actions_get(a->type);
	const char *n = def->name;
	const char *w = NULL;
	patient_action pa;
	memset(&pa, 0, sizeof pa);
	int count = 1;
	if (strcmp(n, "open_airway") == 0) {
		pa.kind = PATIENT_ACT_AIRWAY_OPEN;
		sym_of(a, def, "method", &w);
		pa.airway.manoeuvre = w && strcmp(w, "jaw_thrust") == 0 ? PATIENT_AIRWAY_JAW_THRUST : PATIENT_AIRWAY_HEAD_TILT;
	} else if (strcmp(n, "start_cpr") == 0) {
		pa.kind = PATIENT_ACT_CPR_START;
		pa.cpr.rate_per_min = num_of(a, def, "rate", 0);
		pa.cpr.depth_cm = num_of(a, def, "depth", 0) / 10.0;
		s->cpr.recoil_pct = num_of(a, def, "recoil", 100);
	} else if (strcmp(n, "stop_cpr") == 0) {
		pa.kind = PATIENT_ACT_CPR_STOP;
	} else if (strcmp(n, "stand_clear") == 0) {
		/* hands off: compressions pause, if they were running */
		if (!patient_vitals_get(s->pt)->cpr_active)
			return j;
		pa.kind = PATIENT_ACT_CPR_STOP;
	} else if (strcmp(n, "compression") == 0) {
		pa.kind = PATIENT_ACT_COMPRESSION;
		pa.compression.depth_cm = num_of(a, def, "depth", 0) / 10.0;
		s->cpr.recoil_pct = num_of(a, def, "recoil", 100);
	} else if (strcmp(n, "give_breaths") == 0 || strcmp(n, "bvm_ventilation") == 0) {
		pa.kind = PATIENT_ACT_BVM_BREATH;
		count = strcmp(n, "give_breaths") == 0 ? (int)num_of(a, def, "count", 2) : 1;
	} else if (strcmp(n, "intubate") == 0) {
		pa.kind = PATIENT_ACT_INTUBATE;
	} else if (strcmp(n, "oxygen") == 0) {
		pa.kind = PATIENT_ACT_OXYGEN;
		sym_of(a, def, "device", &w);
		pa.oxygen.device = !w ? PATIENT_O2_NONREBREATHER
		                 : strcmp(w, "nasal_cannula") == 0 ? PATIENT_O2_NASAL
		                 : strcmp(w, "face_mask") == 0 ? PATIENT_O2_MASK
		                 : strcmp(w, "non_rebreather") == 0 ? PATIENT_O2_NONREBREATHER : PATIENT_O2_BVM;
		pa.oxygen.flow_l_min = num_of(a, def, "flow", 15);
	} else if (strcmp(n, "attach_pads") == 0) {
		sym_of(a, def, "position", &w);
		pa.kind = PATIENT_ACT_PADS;
		pa.pads.position = !w || strcmp(w, "anterolateral") == 0 ? PATIENT_PADS_ANTEROLATERAL
		                 : strcmp(w, "anteroposterior") == 0 ? PATIENT_PADS_ANTEROPOSTERIOR : PATIENT_PADS_MISPLACED;
	} else if (strcmp(n, "position_patient") == 0) {
		static const char *pos[PATIENT_POS_COUNT_] = {"supine", "legs_raised", "sitting", "recovery", "left_lateral"};
		sym_of(a, def, "position", &w);
		int k = word_index(pos, PATIENT_POS_COUNT_, w);
		if (k < 0)
			return j;
		pa.kind = PATIENT_ACT_POSITION;
		pa.position.position = (patient_position)k;
	} else if (strcmp(n, "remove_trigger") == 0) {
		pa.kind = PATIENT_ACT_REMOVE_TRIGGER;
	} else if (strcmp(n, "shock") == 0) {
		pa.kind = PATIENT_ACT_SHOCK;
		pa.shock.energy_j = num_of(a, def, "energy", 200);
		sym_of(a, def, "synchronised", &w);
		pa.shock.synchronised = w && strcmp(w, "yes") == 0;
		w = NULL;
		sym_of(a, def, "dsed", &w);
		pa.shock.dsed = w && strcmp(w, "yes") == 0;
	} else if (strcmp(n, "give_drug") == 0) {
		const char *route = NULL, *site = NULL;
		sym_of(a, def, "drug", &w);
		sym_of(a, def, "route", &route);
		sym_of(a, def, "site", &site);
		int d = drug_index(w);
		int r = -1;
		for (int i = 0; route && i < PATIENT_ROUTE_COUNT_; i++)
			if (strcasecmp(route, patient_route_name((patient_route)i)) == 0)
				r = i;
		if (d < 0 || r < 0)
			return j; /* a drug or route the model does not simulate */
		pa.kind = PATIENT_ACT_DRUG;
		pa.drug.drug = (patient_drug)d;
		/* the amount: a dose, units (insulin), or a volume of a solution of some strength (dextrose
		 * 10 % is 100 mg/mL: 150 mL of it is 15 g) */
		pa.drug.dose_mg = num_of(a, def, "dose", 0);
		if (pa.drug.dose_mg <= 0 && num_of(a, def, "units", 0) > 0)
			pa.drug.dose_mg = num_of(a, def, "units", 0) * PATIENT_INSULIN_MG_PER_UNIT;
		if (pa.drug.dose_mg <= 0 && num_of(a, def, "volume", 0) > 0)
			pa.drug.dose_mg = num_of(a, def, "volume", 0) * num_of(a, def, "concentration", 0) * 10.0;
		pa.drug.route = (patient_route)r;
		pa.drug.site = site && strcmp(site, "deltoid") == 0 ? PATIENT_IM_SITE_DELTOID
		             : site && strcmp(site, "gluteal") == 0 ? PATIENT_IM_SITE_GLUTEAL : PATIENT_IM_SITE_THIGH;
		pa.drug.over_s = num_of(a, def, "over", 0);
		pa.drug.distal_vein = site && strcmp(site, "hand") == 0;
	} else if (strcmp(n, "pacing") == 0 || strcmp(n, "stop_pacing") == 0) {
		pa.kind = PATIENT_ACT_PACING;
		pa.pacing.rate_per_min = n[0] == 'p' ? num_of(a, def, "rate", 0) : 0;
		pa.pacing.current_ma = n[0] == 'p' ? num_of(a, def, "current", 0) : 0;
	} else if (strcmp(n, "start_infusion") == 0 || strcmp(n, "stop_infusion") == 0) {
		sym_of(a, def, "drug", &w);
		int d = drug_index(w);
		if (d < 0)
			return j;
		pa.kind = PATIENT_ACT_INFUSION;
		pa.infusion.drug = (patient_drug)d;
		pa.infusion.rate_mcg_min = n[2] == 'o' ? 0 /* stop */
		                         : num_of(a, def, "rate", 0) > 0 ? num_of(a, def, "rate", 0)
		                         : num_of(a, def, "rate_per_kg", 0) * (s->scn->patient_weight > 0 ? s->scn->patient_weight : 70);
	} else if (strcmp(n, "vagal_manoeuvre") == 0) {
		sym_of(a, def, "type", &w);
		pa.kind = PATIENT_ACT_VAGAL;
		pa.vagal.manoeuvre = w && strcmp(w, "modified_valsalva") == 0 ? PATIENT_VAGAL_MODIFIED_VALSALVA
		                   : w && strcmp(w, "carotid_sinus_massage") == 0 ? PATIENT_VAGAL_CAROTID_MASSAGE
		                                                                 : PATIENT_VAGAL_VALSALVA;
	} else if (strcmp(n, "iv_access") == 0 || strcmp(n, "io_access") == 0) {
		pa.kind = PATIENT_ACT_VASCULAR_ACCESS;
		pa.access.route = n[0] == 'i' && n[1] == 'v' ? PATIENT_ROUTE_IV : PATIENT_ROUTE_IO;
	} else if (strcmp(n, "fluid_bolus") == 0) {
		pa.kind = PATIENT_ACT_FLUID_BOLUS;
		pa.fluid.volume_ml = num_of(a, def, "volume", 0);
		sym_of(a, def, "fluid", &w);
		pa.fluid.blood = w && (strcmp(w, "blood") == 0 || strcmp(w, "plasma") == 0);
	} else if (strcmp(n, "needle_decompression") == 0 || strcmp(n, "chest_tube") == 0) {
		sym_of(a, def, "side", &w);
		patient_side side = w && strcmp(w, "left") == 0 ? PATIENT_SIDE_LEFT : PATIENT_SIDE_RIGHT;
		if (n[0] == 'c') {
			pa.kind = PATIENT_ACT_CHEST_TUBE;
			pa.chest_tube.side = side;
		} else {
			const char *line = NULL;
			sym_of(a, def, "line", &line);
			pa.kind = PATIENT_ACT_NEEDLE_DECOMPRESSION;
			pa.needle.side = side;
			pa.needle.ics = (int)num_of(a, def, "ics", 0);
			pa.needle.line = !line || strcmp(line, "parasternal") == 0 ? PATIENT_LINE_PARASTERNAL
			               : strcmp(line, "midclavicular") == 0 ? PATIENT_LINE_MIDCLAVICULAR
			               : strcmp(line, "anterior_axillary") == 0 ? PATIENT_LINE_ANTERIOR_AXILLARY : PATIENT_LINE_MID_AXILLARY;
		}
	} else {
		return j;
	}
	j.judged = true;
	j.delivered = false;
	j.effective = false;
	for (int i = 0; i < count; i++) {
		patient_outcome out;
		if (patient_apply(s->pt, &pa, &out) != SCRUB_OK) {
			LOG_D("t=%.2f %s: the patient model refused it", a->t, n);
			j.not_delivered = "invalid";
			j.reason = out.reason;
			continue;
		}
		LOG_D("t=%.2f %s: %s", a->t, n, out.reason);
		j.delivered = j.delivered || out.applied;
		j.effective = j.effective || (out.applied && out.effective);
		if (out.kind != PATIENT_COMP_NONE)
			j.complication = patient_complication_name(out.kind);
		if (!out.applied && !j.not_delivered)
			j.not_delivered = out.not_delivered ? out.not_delivered : "other";
		j.reason = out.reason;
	}
	if (j.delivered)
		j.not_delivered = NULL;
	read_model(s);
	return j;
}

static void apply_effects(sim_session *s, const scn_effects *fx, double t)
{
	for (int i = 0; i < fx->n; i++) {
		const scn_effect *e = &fx->v[i];
		if (s->scn->vars[e->var].model_field == SCN_MODEL_RHYTHM && s->pt) {
			patient_action pa = {.kind = PATIENT_ACT_SET_RHYTHM};
			pa.set_rhythm.rhythm = (patient_rhythm)(int)e->value;
			patient_apply(s->pt, &pa, NULL);
			read_model(s);
			continue;
		}
		if (e->kind == SCN_SET) {
			s->vars[e->var] = e->value;
			s->trends[e->var].active = false;
		} else {
			s->trends[e->var] = (trend_rt){.active = true, .from = s->vars[e->var], .to = e->value, .t0 = t, .dur = e->over_s};
		}
	}
}

static void item_decide(sim_session *s, int i, item_status st, double t, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void item_decide(sim_session *s, int i, item_status st, double t, const char *fmt, ...)
{
	sim_item_result *r = &s->items[i];
	const scn_item *it = &s->scn->checklist.items[i];
	r->status = st;
	if (t >= 0)
		r->time = t;
	r->note[0] = '\0';
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->note, sizeof r->note, fmt, ap);
		va_end(ap);
	}
	/* late or out of order after an earlier attempt that did not count: say why it did not */
	if ((st == ITEM_LATE || st == ITEM_OUT_OF_ORDER) && r->attempt[0] && r->note[0] && !r->attempt_noted) {
		size_t l = strlen(r->note);
		snprintf(r->note + l, sizeof r->note - l, "; before that, %s", r->attempt);
		r->attempt_noted = true;
	}
	switch (st) {
	case ITEM_DONE: r->points = it->points; r->penalty = 0; break;
	case ITEM_LATE:
	case ITEM_OUT_OF_ORDER: r->points = it->points * it->partial; r->penalty = 0; break;
	case ITEM_VIOLATED: r->points = 0; r->penalty = it->penalty; break;
	default: r->points = 0; r->penalty = 0; break;
	}
	s->item_done[i] = st == ITEM_DONE || st == ITEM_LATE || st == ITEM_OUT_OF_ORDER;
	sim_event ev = {.kind = SIM_EV_ITEM, .t = t >= 0 ? t : s->t, .item = i, .status = st, .note = r->note[0] ? r->note : NULL};
	emit(s, &ev);
}

static const char *fmt_t(double t, char *buf, size_t n)
{
	return scrub_format_time(t, buf, n);
}

/* When the item's window starts counting, or -1 if its anchor has not happened yet. */
static double anchor_time(const sim_session *s, const scn_item *it)
{
	switch (it->anchor) {
	case SCN_FROM_START: return 0;
	case SCN_FROM_STATE: return s->state_first[it->anchor_ref];
	case SCN_FROM_ITEM: {
		/* from the end of the action that met the anchor item (a 10 s pulse check ends 10 s after it
		 * began), or of an attempt at it that did not meet it: that item fails for its own reason */
		const sim_item_result *r = &s->items[it->anchor_ref];
		return s->item_done[it->anchor_ref] ? r->end_t : r->attempt_t >= 0 ? r->attempt_end : -1;
	}
	}
	return 0;
}

static const char *anchor_name(const sim_session *s, const scn_item *it, char *buf, size_t n)
{
	switch (it->anchor) {
	case SCN_FROM_START: snprintf(buf, n, "the start"); break;
	case SCN_FROM_STATE: snprintf(buf, n, "state %s", s->scn->states[it->anchor_ref].name); break;
	case SCN_FROM_ITEM: snprintf(buf, n, "'%s'", s->scn->checklist.items[it->anchor_ref].id); break;
	}
	return buf;
}

/* An expected action or state happened at t (and ended at t_end): decide the item (first occurrence). */
static void item_happened(sim_session *s, int i, double t, double t_end)
{
	const scn_item *it = &s->scn->checklist.items[i];
	sim_item_result *r = &s->items[i];
	char b1[32], b2[32], an[96];
	if (r->status != ITEM_PENDING) {
		if (!it->repeat || r->status == ITEM_VIOLATED)
			return;
		if (it->while_state >= 0 && s->state != it->while_state)
			return;
		double gap = t - r->last_t;
		r->reps++;
		r->last_t = t;
		if (gap < it->every_lo - 1e-9) {
			item_decide(s, i, ITEM_VIOLATED, t, "repeated after %s, sooner than the minimum %s",
			            fmt_t(gap, b1, sizeof b1), fmt_t(it->every_lo, b2, sizeof b2));
			r->points = 0;
		} else if (gap > it->every_hi + 1e-9 && r->status == ITEM_DONE) {
			r->time = t;
			item_decide(s, i, ITEM_LATE, t, "repeated after %s, later than the maximum %s",
			            fmt_t(gap, b1, sizeof b1), fmt_t(it->every_hi, b2, sizeof b2));
		}
		return;
	}
	r->reps = 1;
	r->last_t = t;
	r->end_t = t_end;
	for (int k = 0; k < it->nafter; k++) {
		int a = it->after[k];
		/* an attempt at the earlier item that did not meet it still puts this one in order */
		if (!s->item_done[a] && s->items[a].attempt_t < 0) {
			item_decide(s, i, ITEM_OUT_OF_ORDER, t, "done before '%s'", s->scn->checklist.items[a].id);
			return;
		}
	}
	/* A window counts from its anchor: before the anchor an action does not count for this
	 * item (ordering mistakes are what `after:` is for). */
	double a0 = it->has_window ? anchor_time(s, it) : 0;
	if (a0 < 0) {
		r->reps = 0;
		return;
	}
	/* the anchor's end lies ahead (a pulse check recorded when the hands let go, or cut short by the
	 * next action): the timed action ended when this one began */
	if (it->anchor == SCN_FROM_ITEM && a0 > t)
		a0 = t;
	if (it->has_window) {
		if (t - a0 > it->win_hi + 1e-9) {
			item_decide(s, i, ITEM_LATE, t, "%s after %s; expected within %s", fmt_t(t - a0, b1, sizeof b1),
			            anchor_name(s, it, an, sizeof an), fmt_t(it->win_hi, b2, sizeof b2));
			return;
		}
		if (t - a0 < it->win_lo - 1e-9) {
			item_decide(s, i, ITEM_OUT_OF_ORDER, t, "%s after %s; expected no sooner than %s",
			            fmt_t(t - a0, b1, sizeof b1), anchor_name(s, it, an, sizeof an), fmt_t(it->win_lo, b2, sizeof b2));
			return;
		}
	}
	item_decide(s, i, ITEM_DONE, t, NULL);
}

bool sim_match_params(const scn_match *m, const sim_action *a)
{
	if (m->action != a->type)
		return false;
	for (int k = 0; k < m->n; k++) {
		const scn_constraint *c = &m->c[k];
		const act_value *v = &a->params[c->param];
		if (!v->set)
			return false;
		if (c->is_symbol) {
			if (!(c->symbols & (1ull << v->sym)))
				return false;
		} else if (v->num < c->lo || v->num > c->hi) {
			return false;
		}
	}
	return true;
}

/* Does the action meet the match? `want_delivered`: an unwritten `delivered:` means "yes". */
static bool match(const scn_match *m, const sim_action *a, const judgement *j, bool want_delivered)
{
	if (!sim_match_params(m, a))
		return false;
	int d = m->delivered >= 0 ? m->delivered : want_delivered ? 1 : -1;
	if (d >= 0 && j->delivered != (d == 1))
		return false;
	if (m->effective >= 0 && j->effective != (m->effective == 1))
		return false;
	return true;
}

static int constraint_misses(const scn_match *m, const sim_action *a);

static bool item_match(const scn_item *it, const sim_action *a, const judgement *j)
{
	bool want = it->kind == SCN_ITEM_DO;
	if (match(&it->match, a, j, want))
		return true;
	for (int k = 0; k < it->nalts; k++)
		if (match(&it->alts[k], a, j, want))
			return true;
	return false;
}

/* The parameters meet one of the item's forms (what the model judged aside). */
static bool item_constraints_met(const scn_item *it, const sim_action *a)
{
	for (int k = -1; k < it->nalts; k++) {
		const scn_match *m = k < 0 ? &it->match : &it->alts[k];
		if (m->action == a->type && constraint_misses(m, a) == 0)
			return true;
	}
	return false;
}

/* The item's accepted form for this kind of action (NULL: the item is about other actions). */
static const scn_match *item_form(const scn_item *it, const sim_action *a)
{
	if (it->match.action == a->type)
		return &it->match;
	for (int k = 0; k < it->nalts; k++)
		if (it->alts[k].action == a->type)
			return &it->alts[k];
	return NULL;
}

static int constraint_misses(const scn_match *m, const sim_action *a)
{
	int bad = 0;
	for (int k = 0; k < m->n; k++) {
		const scn_constraint *c = &m->c[k];
		const act_value *v = &a->params[c->param];
		if (!v->set || (c->is_symbol ? !(c->symbols & (1ull << v->sym)) : (v->num < c->lo || v->num > c->hi)))
			bad += c->is_symbol ? 2 : 1; /* another drug is further off than another dose */
	}
	return bad;
}

/* Of the item's accepted forms for this kind of action, the one it comes closest to. */
static const scn_match *closest_form(const scn_item *it, const sim_action *a)
{
	const scn_match *best = NULL;
	int best_bad = 0;
	for (int k = -1; k < it->nalts; k++) {
		const scn_match *m = k < 0 ? &it->match : &it->alts[k];
		if (m->action != a->type)
			continue;
		int bad = constraint_misses(m, a);
		if (!best || bad < best_bad) {
			best = m;
			best_bad = bad;
		}
	}
	return best;
}

static void put_range(char *buf, size_t n, double lo, double hi, const char *unit)
{
	const char *u = unit ? unit : "";
	const char *sp = unit ? " " : "";
	if (isinf(hi) && !isinf(lo))
		snprintf(buf, n, "at least %g%s%s", lo, sp, u);
	else if (isinf(lo) && !isinf(hi))
		snprintf(buf, n, "at most %g%s%s", hi, sp, u);
	else if (fabs(hi - lo) <= 1e-6 * (fabs(lo) > 1 ? fabs(lo) : 1))
		snprintf(buf, n, "%g%s%s", (lo + hi) / 2, sp, u);
	else
		snprintf(buf, n, "%g..%g%s%s", lo, hi, sp, u);
}

/* Why an action of the item's kind did not meet it, measured against what was expected:
 * "check_pulse at 0:08: duration 15 s, expected at most 10 s". */
static void describe_miss(const scn_item *it, const sim_action *a, const judgement *j, bool guard_ok, const char *guard_src,
                          char *buf, size_t n)
{
	const act_def *def = actions_get(a->type);
	char tb[32];
	size_t l = (size_t)snprintf(buf, n, "%s at %s:", def->name, scrub_format_time(a->t, tb, sizeof tb));
	const scn_match *m = closest_form(it, a);
	int nbad = 0;
	for (int k = 0; m && k < m->n && l < n; k++) {
		const scn_constraint *c = &m->c[k];
		const act_param_def *p = &def->params[c->param];
		const act_value *v = &a->params[c->param];
		char exp[96] = "";
		if (c->is_symbol) {
			size_t el = 0;
			int ns = act_param_nsymbols(p), shown = 0;
			for (int q = 0; q < ns && el < sizeof exp - 20; q++)
				if (c->symbols & (1ull << q))
					el += (size_t)snprintf(exp + el, sizeof exp - el, "%s%s", shown++ ? " or " : "", p->symbols[q]);
			if (v->set && (c->symbols & (1ull << v->sym)))
				continue;
			l += (size_t)snprintf(buf + l, n - l, "%s %s %s, expected %s", nbad++ ? ";" : "", p->name,
			                      v->set ? p->symbols[v->sym] : "not given", exp);
		} else {
			if (v->set && v->num >= c->lo && v->num <= c->hi)
				continue;
			const scrub_unit *u = p->kind == ACT_PARAM_QUANTITY ? scrub_unit_base(p->dim) : NULL;
			put_range(exp, sizeof exp, c->lo, c->hi, u ? u->name : NULL);
			if (v->set)
				l += (size_t)snprintf(buf + l, n - l, "%s %s %g%s%s, expected %s", nbad++ ? ";" : "", p->name, v->num,
				                      u ? " " : "", u ? u->name : "", exp);
			else
				l += (size_t)snprintf(buf + l, n - l, "%s %s not given, expected %s", nbad++ ? ";" : "", p->name, exp);
		}
	}
	if (l < n && m) {
		int d = m->delivered >= 0 ? m->delivered : it->kind == SCN_ITEM_DO ? 1 : -1;
		if (d == 1 && !j->delivered)
			l += (size_t)snprintf(buf + l, n - l, "%s not delivered (%s)", nbad++ ? ";" : "", j->reason ? j->reason : j->not_delivered);
		else if (d == 0 && j->delivered)
			l += (size_t)snprintf(buf + l, n - l, "%s delivered", nbad++ ? ";" : "");
		if (m->effective >= 0 && j->effective != (m->effective == 1))
			l += (size_t)snprintf(buf + l, n - l, "%s %s (%s)", nbad++ ? ";" : "", j->effective ? "effective" : "not effective",
			                      j->reason ? j->reason : "the patient model's judgement");
	}
	if (nbad == 0 && !guard_ok && l < n)
		snprintf(buf + l, n - l, " when '%s' did not hold", guard_src);
	else if (nbad == 0 && l < n)
		snprintf(buf + l, n - l, " did not count");
}

/* Leaving a state (or finishing): repeated items required while in it must not be overdue. */
static void check_repeat_gaps(sim_session *s, int leaving, double t)
{
	const scn_checklist *c = &s->scn->checklist;
	for (int i = 0; i < c->n; i++) {
		const scn_item *it = &c->items[i];
		sim_item_result *r = &s->items[i];
		if (!it->repeat || r->status != ITEM_DONE)
			continue;
		if (it->while_state >= 0 && it->while_state != leaving)
			continue;
		double gap = t - r->last_t;
		if (gap > it->every_hi + 1e-9) {
			char b1[32], b2[32], b3[32];
			item_decide(s, i, ITEM_LATE, r->last_t + it->every_hi, "not repeated within %s of the previous one at %s (next was due at %s)",
			            fmt_t(it->every_hi, b1, sizeof b1), fmt_t(r->last_t, b2, sizeof b2),
			            fmt_t(r->last_t + it->every_hi, b3, sizeof b3));
		}
	}
}

static void end_session(sim_session *s, double t, const char *outcome)
{
	if (s->ended)
		return;
	s->ended = true;
	s->end_t = t;
	s->outcome = outcome;
	sim_event ev = {.kind = SIM_EV_END, .t = t, .outcome = outcome};
	emit(s, &ev);
}

static void enter_state(sim_session *s, int to, double t, const char *cause)
{
	int from = s->state;
	if (from >= 0 && from != to)
		check_repeat_gaps(s, from, t);
	s->state = to;
	s->state_t = t;
	if (s->state_first[to] < 0)
		s->state_first[to] = t;
	const scn_state *st = &s->scn->states[to];
	memset(s->tr_prev, 0, (size_t)s->ntr_prev);
	sim_event ev = {.kind = SIM_EV_STATE, .t = t, .from = from, .to = to, .cause = cause};
	emit(s, &ev);
	apply_effects(s, &st->on_enter, t);
	const scn_checklist *c = &s->scn->checklist;
	expr_env env = env_of(s);
	env.time = t;
	env.time_in_state = 0;
	for (int i = 0; i < c->n; i++) {
		const scn_item *it = &c->items[i];
		if (it->kind == SCN_ITEM_REACH && it->reach_state == to && (!it->guard || expr_eval(it->guard, &env)))
			item_happened(s, i, t, t);
	}
	if (st->is_end)
		end_session(s, t, st->outcome);
}

scrub_result sim_session_create(const scenario *scn, const sim_session_opts *opts, sim_session **out)
{
	*out = NULL;
	sim_session *s = calloc(1, sizeof *s);
	if (!s)
		return SCRUB_ERR_NOMEM;
	s->scn = scn;
	if (opts)
		s->opts = *opts;
	int na = actions_count();
	int maxtr = 1;
	for (int i = 0; i < scn->nstates; i++)
		if (scn->states[i].ntransitions > maxtr)
			maxtr = scn->states[i].ntransitions;
	s->vars = calloc((size_t)scn->nvars + 1, sizeof *s->vars);
	s->trends = calloc((size_t)scn->nvars + 1, sizeof *s->trends);
	s->action_count = calloc((size_t)na, sizeof *s->action_count);
	s->action_last = calloc((size_t)na, sizeof *s->action_last);
	s->item_done = calloc((size_t)scn->checklist.n + 1, 1);
	s->items = calloc((size_t)scn->checklist.n + 1, sizeof *s->items);
	s->state_first = calloc((size_t)scn->nstates + 1, sizeof *s->state_first);
	s->tr_prev = calloc((size_t)maxtr, 1);
	s->vars_pre = calloc((size_t)scn->nvars + 1, sizeof *s->vars_pre);
	s->stand_clear_t = -1;
	s->cpr.recoil_pct = 100;
	s->cpr.last_sample_t = -1;
	s->ntr_prev = maxtr;
	if (!s->vars || !s->trends || !s->action_count || !s->action_last || !s->item_done || !s->items ||
	    !s->state_first || !s->tr_prev || !s->vars_pre) {
		sim_session_destroy(&s);
		return SCRUB_ERR_NOMEM;
	}
	for (int i = 0; i < scn->nvars; i++)
		s->vars[i] = scn->vars[i].init;
	if (scn->model.present) {
		if (patient_create(&scn->model.cfg, &s->pt) != SCRUB_OK) {
			sim_session_destroy(&s);
			return SCRUB_ERR_RUNTIME;
		}
		s->waves = (patient_wave_ring){.ecg_mv = s->wave_buf[0], .pleth = s->wave_buf[1], .co2_mmhg = s->wave_buf[2],
		                               .capacity = SIM_WAVE_RING};
		read_model(s);
	}
	if (scn->tissue.present) {
		if (surgery_create(&scn->tissue, &s->surg) != SCRUB_OK) {
			sim_session_destroy(&s);
			return SCRUB_ERR_RUNTIME;
		}
		read_tissue(s);
	}
	for (int i = 0; i < na; i++)
		s->action_last[i] = -1;
	for (int i = 0; i < scn->nstates; i++)
		s->state_first[i] = -1;
	for (int i = 0; i < scn->checklist.n; i++) {
		s->items[i].time = -1;
		s->items[i].end_t = -1;
		s->items[i].attempt_t = -1;
	}
	s->state = -1;
	enter_state(s, scn->initial, 0, "start");
	*out = s;
	return SCRUB_OK;
}

void sim_session_destroy(sim_session **sp)
{
	if (!sp || !*sp)
		return;
	sim_session *s = *sp;
	free(s->vars);
	free(s->trends);
	free(s->action_count);
	free(s->action_last);
	free(s->item_done);
	free(s->items);
	free(s->state_first);
	free(s->tr_prev);
	free(s->vars_pre);
	patient_destroy(&s->pt);
	surgery_destroy(&s->surg);
	free(s);
	*sp = NULL;
}

/* A shock needs a "stand clear" this recently (s): everyone's hands off the patient. */
#define STAND_CLEAR_S 20.0

static void act(sim_session *s, const sim_action *a, bool derived);

/* Records the model's judgement of `cause` as a derived action the checklist can see. */
static void act_derived(sim_session *s, const sim_action *cause, const char *name, const char *word, const char *reason)
{
	act_id id = actions_find(name, strlen(name));
	const act_def *def = actions_get(id);
	int k = act_symbol_find(&def->params[0], word, strlen(word));
	if (k < 0)
		k = act_symbol_find(&def->params[0], "other", 5);
	sim_action d = {.t = cause->t, .type = id};
	d.params[0] = (act_value){.set = true, .sym = k};
	d.params[1] = (act_value){.set = true, .text = actions_get(cause->type)->name};
	if (reason)
		d.params[2] = (act_value){.set = true, .text = reason};
	act(s, &d, true);
}

static void act(sim_session *s, const sim_action *a, bool derived)
{
	sim_event ev = {.kind = SIM_EV_ACTION, .t = a->t, .action = a, .ignored = s->ended, .derived = derived};
	emit(s, &ev);
	if (s->ended)
		return;
	if (s->surg && !derived && surgery_is_input(s->surg, a->type))
		surgery_input(s->surg, a);
	s->nactions++;
	const scenario *scn = s->scn;
	const act_def *def = actions_get(a->type);
	/* The checklist sees the world as it was when the trainee acted, and what the model made of it. */
	memcpy(s->vars_pre, s->vars, (size_t)scn->nvars * sizeof *s->vars);
	judgement j = {.delivered = true, .effective = true};
	if (s->pt && !derived) {
		j = apply_to_patient(s, a);
		cpr_meter_action(&s->cpr, def->name, &j, a->t);
	}
	const char *safety = NULL;
	if (strcmp(def->name, "stand_clear") == 0)
		s->stand_clear_t = a->t;
	if (!derived && strcmp(def->name, "shock") == 0 && j.delivered &&
	    (s->stand_clear_t < 0 || a->t - s->stand_clear_t > STAND_CLEAR_S))
		safety = "no_stand_clear";
	double t_end = a->t + num_of(a, def, "duration", 0);
	expr_env env = env_of(s);
	env.vars = s->vars_pre;
	env.time = a->t;
	env.time_in_state = a->t - s->state_t;
	const scn_checklist *c = &scn->checklist;
	char tb[32];
	for (int i = 0; i < c->n; i++) {
		const scn_item *it = &c->items[i];
		if (it->kind == SCN_ITEM_REACH || it->kind == SCN_ITEM_CHECK || !item_form(it, a))
			continue;
		sim_item_result *r = &s->items[i];
		bool guard_ok = !it->guard || expr_eval(it->guard, &env);
		bool ok = guard_ok && item_match(it, a, &j);
		/* `each:` judges what was done (the constraints), also when the model says it was not news
		 * (a start_cpr while compressions run reports their rate and depth) */
		bool each_ok = ok || (it->each && guard_ok && item_constraints_met(it, a));
		if (it->kind == SCN_ITEM_FORBID) {
			if (!ok || r->status != ITEM_PENDING)
				continue;
			if (it->has_window) {
				double a0 = anchor_time(s, it);
				if (a0 < 0 || a->t - a0 < it->win_lo || a->t - a0 > it->win_hi)
					continue;
			}
			/* what was done, with its parameters, and the model's words when it judged it */
			const char *why = derived && a->params[2].set ? a->params[2].text : j.complication ? j.reason : NULL;
			scrub_buf pb;
			scrub_buf_init(&pb);
			if (!derived)
				script_format_params(a, &pb);
			item_decide(s, i, ITEM_VIOLATED, a->t, "%s%s%s at %s%s%s", derived && a->params[1].set ? a->params[1].text : def->name,
			            pb.len ? " " : "", pb.len ? pb.data : "", scrub_format_time(a->t, tb, sizeof tb), why ? ": " : "",
			            why ? why : "");
			scrub_buf_fini(&pb);
			continue;
		}
		if (ok) {
			item_happened(s, i, a->t, t_end);
			continue;
		}
		/* an action of the item's kind that does not meet it: say why */
		if (it->each && guard_ok && !each_ok && r->status != ITEM_VIOLATED && r->status != ITEM_PENDING) {
			char why[200];
			describe_miss(it, a, &j, guard_ok, NULL, why, sizeof why);
			item_decide(s, i, ITEM_VIOLATED, a->t, "%s", why);
			continue;
		}
		if (r->status != ITEM_PENDING)
			continue;
		if (guard_ok && r->attempt_t < 0) {
			r->attempt_t = a->t;
			r->attempt_end = t_end;
			describe_miss(it, a, &j, true, NULL, r->attempt, sizeof r->attempt);
			if (it->each && !each_ok) {
				item_decide(s, i, ITEM_VIOLATED, a->t, "%s", r->attempt);
				continue;
			}
		} else if (!guard_ok && r->attempt_t < 0) {
			/* the latest try when its condition did not hold says most about why the item was missed */
			describe_miss(it, a, &j, false, expr_source(it->guard), r->attempt, sizeof r->attempt);
		}
	}
	s->action_count[a->type]++;
	s->action_last[a->type] = a->t;
	for (int k = 0; k < scn->ntallies; k++) {
		const scn_tally *t = &scn->tallies[k];
		scn_match m = {.action = t->action, .n = t->n, .delivered = 1, .effective = -1};
		memcpy(m.c, t->c, sizeof t->c);
		if (match(&m, a, &j, true))
			s->tally[k] += t->param < 0 ? 1 : a->params[t->param].set ? a->params[t->param].num : 0;
	}

	act_id jump = actions_find(ACT_JUMP_NAME, sizeof ACT_JUMP_NAME - 1);
	if (a->type == jump) {
		int to = scenario_find_state(scn, a->params[0].text ? a->params[0].text : "");
		if (to >= 0 && scn->states[to].jump_target) {
			enter_state(s, to, a->t, "instructor");
		} else {
			LOG_W("instructor_jump to '%s' ignored: not a jump target", a->params[0].text ? a->params[0].text : "");
		}
		return;
	}
	/* First action transition of the current state that matches wins. */
	env = env_of(s);
	env.time = a->t;
	env.time_in_state = a->t - s->state_t;
	const scn_state *st = &scn->states[s->state];
	for (int k = 0; k < st->ntransitions; k++) {
		const scn_transition *tr = &st->transitions[k];
		if (tr->trigger != SCN_ON_ACTION || !match(&tr->match, a, &j, true))
			continue;
		if (tr->guard && !expr_eval(tr->guard, &env))
			continue;
		apply_effects(s, &tr->effects, a->t);
		if (tr->to >= 0) {
			snprintf(s->cause, sizeof s->cause, "action %s", def->name);
			enter_state(s, tr->to, a->t, s->cause);
		}
		break;
	}
	/* a bedside test shows its result, in the record too */
	if (s->pt && !derived && strcmp(def->name, "check_glucose") == 0) {
		act_id gr = actions_find("glucose_reading", 15);
		sim_action r = {.t = a->t, .type = gr};
		/* meters show one decimal in mmol/L */
		r.params[0] = (act_value){.set = true, .num = round(patient_vitals_get(s->pt)->glucose_mmol_l * 10.0) / 10.0};
		act(s, &r, true);
	}
	/* what the model judged goes into the record, where the checklist can see it */
	if (j.not_delivered)
		act_derived(s, a, ACT_NOT_DELIVERED_NAME, j.not_delivered, j.reason);
	if (j.complication)
		act_derived(s, a, ACT_COMPLICATION_NAME, j.complication, j.reason);
	if (safety)
		act_derived(s, a, ACT_COMPLICATION_NAME, safety, "shock without a \"stand clear\" call: hands may be on the patient");
}

void sim_session_act(sim_session *s, const sim_action *a)
{
	const act_def *def = actions_get(a->type);
	if (act_is_derived(def)) {
		LOG_W("t=%.3f %s is derived by the simulation, not an input: ignored", a->t, def->name);
		return;
	}
	act(s, a, false);
}

void sim_session_step(sim_session *s)
{
	const scenario *scn = s->scn;
	const double t0 = s->t;
	s->step++;
	/* on the step grid, rounded to the nanosecond so that 60730 steps of 0.01 s read 607.3 */
	s->t = round((double)s->step * scn->dt * 1e9) / 1e9;
	if (s->pt) {
		patient_step(s->pt, scn->dt);
		patient_waves_append(s->pt, &s->waves);
		if (!s->ended)
			cpr_meter_step(&s->cpr, patient_vitals_get(s->pt), s->t, scn->dt);
		read_model(s);
	}
	if (s->surg) {
		/* the physics' outcomes are scored as actions at the time they happened */
		const sim_action *der = NULL;
		int nder = 0;
		if (surgery_step(s->surg, t0, scn->dt, &der, &nder) != SCRUB_OK)
			LOG_E("t=%.3f the tissue step failed", s->t);
		read_tissue(s);
		for (int i = 0; i < nder; i++)
			act(s, &der[i], true);
	}
	for (int i = 0; i < scn->nvars; i++) {
		trend_rt *tr = &s->trends[i];
		if (!tr->active)
			continue;
		double f = (s->t - tr->t0) / tr->dur;
		if (f >= 1) {
			f = 1;
			tr->active = false;
		}
		s->vars[i] = tr->from + (tr->to - tr->from) * f;
	}
	if (s->ended)
		return;
	const scn_state *st = &scn->states[s->state];
	expr_env env = env_of(s);
	for (int k = 0; k < st->ntransitions; k++) {
		const scn_transition *tr = &st->transitions[k];
		bool fire;
		if (tr->trigger == SCN_WHEN) {
			bool v = expr_eval(tr->guard, &env);
			/* A reaction that stays fires when its condition becomes true, not every step. */
			fire = tr->to >= 0 ? v : (v && !s->tr_prev[k]);
			s->tr_prev[k] = v;
		} else if (tr->trigger == SCN_AFTER) {
			fire = env.time_in_state >= tr->after_s - 1e-9 && !(tr->to < 0 && s->tr_prev[k]);
			if (fire)
				s->tr_prev[k] = 1;
		} else {
			continue;
		}
		if (!fire)
			continue;
		apply_effects(s, &tr->effects, s->t);
		if (tr->to >= 0) {
			if (tr->trigger == SCN_WHEN) {
				snprintf(s->cause, sizeof s->cause, "condition %s", expr_source(tr->guard));
			} else {
				char b[32];
				snprintf(s->cause, sizeof s->cause, "after %s", scrub_format_time(tr->after_s, b, sizeof b));
			}
			enter_state(s, tr->to, s->t, s->cause);
			break;
		}
	}
	if (!s->ended && s->t >= scn->duration_s - 1e-9)
		end_session(s, scn->duration_s, "timeout");
}

/* "ccf 64 %, longest_pause 14.2 s": the variables a condition reads, as they are now. */
static void measured(const sim_session *s, const expr_prog *p, char *buf, size_t n)
{
	const char *src = expr_source(p);
	const scenario *scn = s->scn;
	size_t l = 0;
	buf[0] = '\0';
	uint64_t seen[4] = {0};
	for (const char *q = src; *q && l < n;) {
		if (!(isalpha((unsigned char)*q) || *q == '_')) {
			q++;
			continue;
		}
		const char *b = q;
		while (isalnum((unsigned char)*q) || *q == '_')
			q++;
		int v = scenario_find_var(scn, b, (size_t)(q - b));
		if (v < 0 || v >= 256 || (seen[v / 64] & (1ull << (v % 64))))
			continue;
		seen[v / 64] |= 1ull << (v % 64);
		const scn_var *sv = &scn->vars[v];
		if (sv->is_symbol) {
			int k = (int)s->vars[v];
			l += (size_t)snprintf(buf + l, n - l, "%s%s %s", l ? ", " : "", sv->name,
			                      k >= 0 && k < sv->nsymbols ? sv->symbols[k] : "?");
		} else {
			l += (size_t)snprintf(buf + l, n - l, "%s%s %.3g%s%s", l ? ", " : "", sv->name, s->vars[v],
			                      sv->unit ? " " : "", sv->unit ? sv->unit->name : "");
		}
	}
}

void sim_session_finish(sim_session *s, const char *outcome)
{
	if (s->finished)
		return;
	if (!s->ended)
		end_session(s, s->t, outcome ? outcome : "stopped");
	s->finished = true;
	double t = s->end_t;
	check_repeat_gaps(s, s->state, t);
	const scn_checklist *c = &s->scn->checklist;
	expr_env env = env_of(s);
	env.time = t;
	for (int i = 0; i < c->n; i++) {
		const scn_item *it = &c->items[i];
		sim_item_result *r = &s->items[i];
		if (r->status != ITEM_PENDING)
			continue;
		if (it->kind == SCN_ITEM_FORBID) {
			item_decide(s, i, ITEM_DONE, -1, NULL);
		} else if (it->kind == SCN_ITEM_CHECK) {
			char m[200];
			measured(s, it->check, m, sizeof m);
			if (expr_eval(it->check, &env))
				item_decide(s, i, ITEM_DONE, t, "%s", m);
			else
				item_decide(s, i, ITEM_MISSED, t, "%s%sexpected %s", m, m[0] ? "; " : "", expr_source(it->check));
		} else if (r->attempt[0]) {
			char note[sizeof r->attempt];
			memcpy(note, r->attempt, sizeof note);
			item_decide(s, i, ITEM_MISSED, -1, "%s", note);
		} else {
			/* the trainee never had the chance (model_run_check says so; the report keeps "missed") */
			r->window_unopened = it->has_window && (anchor_time(s, it) < 0 || anchor_time(s, it) + it->win_lo > t);
			item_decide(s, i, ITEM_MISSED, -1, NULL);
		}
	}
}

void sim_session_score(const sim_session *s, sim_score *out)
{
	const scn_checklist *c = &s->scn->checklist;
	memset(out, 0, sizeof *out);
	for (int i = 0; i < c->n; i++) {
		const scn_item *it = &c->items[i];
		const sim_item_result *r = &s->items[i];
		out->possible += it->points;
		out->earned += r->points;
		out->penalties += r->penalty;
		if (it->critical && r->status != ITEM_DONE)
			out->ncritical_failures++;
	}
	double score = out->possible > 0 ? 100.0 * out->earned / out->possible : 100.0;
	score -= out->penalties;
	if (score < 0)
		score = 0;
	if (score > 100)
		score = 100;
	/* one decimal, so that the report and the pass decision agree exactly */
	out->score = round(score * 10.0) / 10.0;
	out->passed = out->score >= c->pass_score - 1e-9 && (!c->all_critical || out->ncritical_failures == 0);
}

bool sim_session_ended(const sim_session *s) { return s->ended; }
double sim_session_time(const sim_session *s) { return s->t; }
uint64_t sim_session_steps(const sim_session *s) { return s->step; }
int sim_session_state(const sim_session *s) { return s->state; }
const double *sim_session_vars(const sim_session *s) { return s->vars; }
const sim_item_result *sim_session_items(const sim_session *s) { return s->items; }
const char *sim_session_outcome(const sim_session *s) { return s->outcome; }
double sim_session_end_time(const sim_session *s) { return s->end_t; }
const scenario *sim_session_scenario(const sim_session *s) { return s->scn; }

bool model_run_check(const scenario *scn, int index, scrub_diags *diags, model_run_result *out)
{
	const scn_model_run *run = &scn->runs[index];
	memset(out, 0, sizeof *out);
	sim_session *s = NULL;
	if (sim_run(scn, run->actions, run->nactions, NULL, &s) != SCRUB_OK) {
		scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_MODEL_RUN, run->line, run->col, 1,
		               "model run '%s' could not be run (out of memory)", run->name);
		return false;
	}
	sim_score sc;
	sim_session_score(s, &sc);
	out->passed = sc.passed;
	out->score = sc.score;
	out->outcome = sim_session_outcome(s);
	const sim_item_result *res = sim_session_items(s);
	size_t l = 0;
	for (int i = 0; i < scn->checklist.n; i++) {
		if (res[i].status == ITEM_DONE)
			continue;
		l += (size_t)snprintf(out->failed_items + l, sizeof out->failed_items - l, "%s%s (%s)", l ? ", " : "",
		                      scn->checklist.items[i].id,
		                      res[i].window_unopened ? "missed: the case ended before its window opened" : item_status_name(res[i].status));
		if (l >= sizeof out->failed_items)
			break;
	}
	bool ok = true;
	if (run->expect_pass && !sc.passed) {
		scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_MODEL_RUN, run->expect_line, run->expect_col, 4,
		               "model run '%s' was expected to pass but did not: score %.1f (pass mark %g)%s%s; items not met: %s",
		               run->name, sc.score, scn->checklist.pass_score,
		               sc.ncritical_failures ? ", critical items not met" : "", "", out->failed_items[0] ? out->failed_items : "none");
		ok = false;
	} else if (!run->expect_pass && sc.passed) {
		scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_MODEL_RUN, run->expect_line, run->expect_col, 1,
		               "model run '%s' was expected to fail but passed with score %.1f", run->name, sc.score);
		ok = false;
	}
	/* the items named ({fail: [...]}, or {lose: [...]} for a minor mistake that passes) must not be done */
	for (int k = 0; k < run->nexpect; k++) {
		int it = run->expect_items[k];
		if (res[it].status == ITEM_DONE) {
			scrub_diag_add(diags, SCRUB_SEV_ERROR, SCRUB_DIAG_MODEL_RUN, run->expect_line, run->expect_col, 1,
			               "model run '%s' was expected to %s '%s', but that item was done", run->name,
			               run->expect_pass ? "lose points on" : "fail on", scn->checklist.items[it].id);
			ok = false;
		}
	}
	sim_session_destroy(&s);
	return ok;
}

const patient_wave_ring *sim_session_waves(const sim_session *s)
{
	return s->pt ? &s->waves : NULL;
}

const patient_vitals *sim_session_vitals(const sim_session *s)
{
	return s->pt ? patient_vitals_get(s->pt) : NULL;
}

bool sim_session_cpr_quality(const sim_session *s, sim_cpr_quality *out)
{
	memset(out, 0, sizeof *out);
	if (!s->pt || !s->cpr.started)
		return false;
	const double *x = s->vars + s->scn->model.first_var;
	out->arrest_s = s->cpr.arrest_s;
	out->compressions_s = s->cpr.cpr_s;
	out->fraction = x[SCN_MODEL_CCF];
	out->rate_ok = x[SCN_MODEL_CPR_RATE_OK];
	out->depth_ok = x[SCN_MODEL_CPR_DEPTH_OK];
	out->recoil_ok = x[SCN_MODEL_CPR_RECOIL_OK];
	out->longest_pause_s = x[SCN_MODEL_LONGEST_PAUSE];
	out->long_pauses = (int)x[SCN_MODEL_LONG_PAUSES];
	out->etco2_low = x[SCN_MODEL_ETCO2_LOW];
	return true;
}

const struct scrub_tissue *sim_session_tissue(const sim_session *s)
{
	return s->surg ? surgery_tissue(s->surg) : NULL;
}
