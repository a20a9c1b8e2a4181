/* The session's patient model and tissue: reading them, applying the trainee's actions to them, CPR quality. */
#define SCRUB_LOG_MODULE "session"
#include "session_internal.h"
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

/* ---- the patient model ---- */

void read_model(sim_session *s)
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
void cpr_meter_action(cpr_meter *m, const char *name, const judgement *j, double t)
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
void cpr_meter_step(cpr_meter *m, const patient_vitals *v, double t, double dt)
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

void read_tissue(sim_session *s)
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

double num_of(const sim_action *a, const act_def *def, const char *param, double fallback)
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
judgement apply_to_patient(sim_session *s, const sim_action *a)
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
