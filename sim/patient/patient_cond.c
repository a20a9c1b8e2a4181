/* The tachyarrhythmia (SVT, VT with a pulse), acute asthma and sepsis conditions: their state, their
 * answer to treatment and the model's judgement of that treatment. Every decision is a rule on the
 * scenario's numbers, never a random draw. Equations and sources: docs/physiology.md. */
#define SCRUB_LOG_MODULE "patient"
#include "patient_internal.h"

#include "log.h"

#include <math.h>

#define H PATIENT_SLOW_DT

static bool within(double v, double lo, double hi)
{
	return v >= lo && v <= hi;
}

#define CFG_FAIL(...)                     \
	do {                              \
		LOG_E(__VA_ARGS__);       \
		return SCRUB_ERR_INVALID; \
	} while (0)

scrub_result patient_cond_validate(const patient_config *c)
{
	patient_rhythm t = c->tachycardia.rhythm;
	if (t != PATIENT_RHYTHM_SINUS && t != PATIENT_RHYTHM_SVT && t != PATIENT_RHYTHM_VT_PULSE)
		CFG_FAIL("tachycardia.rhythm '%s' is not svt or vt_pulse", patient_rhythm_name(t));
	if (!within(c->tachycardia.rate, 0, 260) || (c->tachycardia.rate > 0 && c->tachycardia.rate < 120))
		CFG_FAIL("tachycardia.rate %g is outside 120..260 /min", c->tachycardia.rate);
	if (!within(c->tachycardia.vagal_rank, 0, 1))
		CFG_FAIL("tachycardia.vagal_rank %g is outside 0..1", c->tachycardia.vagal_rank);
	if (!within(c->tachycardia.adenosine_mg, 0, 100))
		CFG_FAIL("tachycardia.adenosine_mg %g is outside 0..100", c->tachycardia.adenosine_mg);
	if (c->tachycardia.shocks_to_convert < 0 || c->tachycardia.shocks_to_convert > 10)
		CFG_FAIL("tachycardia.shocks_to_convert %d is outside 0..10", c->tachycardia.shocks_to_convert);
	if (!within(c->asthma.severity, 0, 1))
		CFG_FAIL("asthma.severity %g is outside 0..1", c->asthma.severity);
	if (!within(c->sepsis.severity, 0, 1))
		CFG_FAIL("sepsis.severity %g is outside 0..1", c->sepsis.severity);
	double k = c->hyperkalaemia.potassium_mmol_l;
	if (!within(k, 0, 10) || (k > 0 && k < 3))
		CFG_FAIL("hyperkalaemia.potassium_mmol_l %g is outside 3..10", k);
	if (t != PATIENT_RHYTHM_SINUS && (c->bradycardia.rhythm != PATIENT_RHYTHM_SINUS || c->arrest.present))
		CFG_FAIL("a tachycardia cannot start together with a bradycardia or a cardiac arrest");
	return SCRUB_OK;
}

void patient_cond_init(patient *p, const patient_config *c)
{
	patient_rhythm t = c->tachycardia.rhythm;
	if (t == PATIENT_RHYTHM_SVT || t == PATIENT_RHYTHM_VT_PULSE) {
		p->tachy_rhythm = t;
		p->tachy_rate = c->tachycardia.rate > 0 ? c->tachycardia.rate : (t == PATIENT_RHYTHM_SVT ? 190 : 170);
		p->vagal_rank = c->tachycardia.vagal_rank > 0 ? c->tachycardia.vagal_rank : 0.6;
		p->aden_mg = c->tachycardia.adenosine_mg > 0 ? c->tachycardia.adenosine_mg : 9;
		p->vt_shocks_needed = c->tachycardia.shocks_to_convert > 0 ? c->tachycardia.shocks_to_convert : 1;
		p->rhythm = t;
		p->hr = p->tachy_rate;
	}
	if (c->asthma.severity > 0)
		p->asthma_sev = p->asthma_a = p->asthma_b = c->asthma.severity;
	if (c->hyperkalaemia.potassium_mmol_l > 0) {
		p->hyperk = true;
		p->k0 = c->hyperkalaemia.potassium_mmol_l;
	}
	if (c->sepsis.severity > 0) {
		double s = c->sepsis.severity;
		p->sepsis_a = s;
		p->blood_vol *= 1.0 - p->par[PP_SEPSIS_VOLUME_DEFICIT] * s;
		p->lactate = 1.0 + 8.5 * s * s; /* 0.6: 4.1 mmol/L */
	}
}

/* The re-entry is broken: sinus rhythm (the tick classifies it by its rate). */
static void end_tachycardia(patient *p)
{
	p->tachy_rhythm = PATIENT_RHYTHM_SINUS;
	patient_model_set_rhythm(p, PATIENT_RHYTHM_SINUS);
}

void patient_cond_tick(patient *p)
{
	const double *par = p->par;
	if (p->asthma_sev > 0 || p->sepsis_a > 0) {
		double e_st = fmax(p->pk[PATIENT_DRUG_HYDROCORTISONE].effect, p->pk[PATIENT_DRUG_PREDNISOLONE].effect);
		p->steroid += H * (e_st - p->steroid) / par[PP_STEROID_ONSET_S];
	}
	if (p->asthma_sev > 0) {
		/* the inflammation worsens towards 1 unless steroids (hours) turn it round */
		double a = p->asthma_a;
		a += H * ((1.0 - a) * (1.0 - p->steroid) / par[PP_ASTHMA_PROGRESSION_S] -
		          a * p->steroid / par[PP_ASTHMA_STEROID_RESOLUTION_S]);
		p->asthma_a = patient_clamp(a, 0, 1);
		/* bronchodilators relax the smooth muscle, each a fraction of what is left */
		double cs = p->pk[PATIENT_DRUG_SALBUTAMOL].central;
		double rs = par[PP_ASTHMA_SALB_MAX] * cs / (cs + par[PP_ASTHMA_SALB_EC50_MG]);
		double ri = par[PP_ASTHMA_IPRA_MAX] * p->pk[PATIENT_DRUG_IPRATROPIUM].effect;
		double rm = par[PP_ASTHMA_MG_MAX] * p->pk[PATIENT_DRUG_MAGNESIUM].effect;
		p->asthma_b = p->asthma_a * (1.0 - rs) * (1.0 - ri) * (1.0 - rm);
	}
	if (p->hyperk) {
		/* calcium stabilises the membrane at once (it lowers nothing); insulin and salbutamol shift
		 * potassium into the cells over minutes; the kidneys keep adding to it */
		double cca = p->pk[PATIENT_DRUG_CALCIUM_CHLORIDE].central + p->pk[PATIENT_DRUG_CALCIUM_GLUCONATE].central / 3.0;
		double e_ca = cca / (cca + par[PP_CALCIUM_EC50_MG]);
		double cs = p->pk[PATIENT_DRUG_SALBUTAMOL].central;
		double shift = par[PP_K_INSULIN_SHIFT] * p->pk[PATIENT_DRUG_INSULIN].effect +
		               par[PP_K_SALB_SHIFT] * cs / (cs + par[PP_K_SALB_EC50_MG]);
		p->k_shift += H * (shift - p->k_shift) / par[PP_K_SHIFT_TAU_S];
		p->k0 += par[PP_K_RISE] * H / 3600.0;
		double k = p->k0 - p->k_shift;
		p->k_tox = patient_clamp((k - par[PP_K_TOXIC_LOW]) / par[PP_K_TOXIC_SPAN], 0, 1) *
		           (1.0 - par[PP_CALCIUM_STABILISATION] * e_ca);
	}
	if (p->sepsis_a > 0) {
		double e_abx = fmax(p->pk[PATIENT_DRUG_CEFTRIAXONE].effect, p->pk[PATIENT_DRUG_PIPERACILLIN_TAZOBACTAM].effect);
		double s = p->sepsis_a;
		s += H * (s * (1.0 - s) * (1.0 - e_abx) / par[PP_SEPSIS_PROGRESSION_S] - s * e_abx / par[PP_SEPSIS_RESOLUTION_S]);
		p->sepsis_a = patient_clamp(s, 0, 1);
		p->blood_vol -= par[PP_SEPSIS_LEAK] * s * H / 60.0;
		p->lactate += par[PP_SEPSIS_LACTATE_RATE] * s * H / 60.0;
	}
}

double patient_cond_sedation(const patient *p)
{
	return 1.0 - (1.0 - p->pk[PATIENT_DRUG_MIDAZOLAM].effect) * (1.0 - p->pk[PATIENT_DRUG_PROPOFOL].effect) *
	                     (1.0 - p->pk[PATIENT_DRUG_KETAMINE].effect);
}

void patient_cond_vitals(patient *p)
{
	patient_vitals *v = &p->v;
	double b = fmax(p->asthma_b, p->bronch_eff);
	/* a peak flow needs a patient who can blow */
	v->peak_flow_pct = v->avpu == PATIENT_AVPU_ALERT ? 100.0 * (1.0 - 0.85 * b) : 0;
	v->peak_flow_l_min = p->par[PP_PEF_PREDICTED] * v->peak_flow_pct / 100.0;
	v->wheeze = b;
	v->sepsis = p->sepsis_a;
	v->potassium_mmol_l = p->hyperk ? p->k0 - p->k_shift : 4.2;
	v->k_cardiotoxicity = p->k_tox;
	if (p->sepsis_a > 0)
		v->temperature_c = p->par[PP_BASELINE_TEMP] + p->par[PP_SEPSIS_FEVER] * p->sepsis_a;
	if (p->rhythm == PATIENT_RHYTHM_SVT)
		v->atrial_rate = p->hr; /* retrograde P waves, hidden in the QRS */
}

static scrub_result given(patient_outcome *o, bool effective, patient_complication kind, const char *reason)
{
	*o = (patient_outcome){.applied = true, .effective = effective, .complication = kind != PATIENT_COMP_NONE,
	                       .kind = kind, .reason = reason};
	return SCRUB_OK;
}

bool patient_cond_drug(patient *p, const patient_action *a, patient_outcome *o)
{
	patient_drug d = a->drug.drug;
	double dose = a->drug.dose_mg, over = a->drug.over_s;
	bool pulse = !patient_rhythm_is_arrest(p->rhythm);
	if ((a->drug.route != PATIENT_ROUTE_IV && a->drug.route != PATIENT_ROUTE_IO) || !p->access)
		return false;
	if (d == PATIENT_DRUG_ADENOSINE) {
		if (over >= 5) {
			*o = (patient_outcome){.not_delivered = "slow_push",
			                       .reason = "adenosine pushed slowly: broken down before it reaches the heart"};
			return true;
		}
		/* half a life of 10 s: what a hand vein loses on the way does not arrive */
		double f = a->drug.distal_vein ? p->par[PP_ADENOSINE_DISTAL_FRACTION] : 1.0;
		p->pk[d].line += dose * f;
		if (p->rhythm != PATIENT_RHYTHM_SVT) {
			given(o, false, PATIENT_COMP_NONE, "adenosine given: no re-entry through the AV node to break");
			return true;
		}
		if (dose * f >= p->aden_mg - 1e-9) {
			end_tachycardia(p);
			given(o, true, PATIENT_COMP_NONE, "adenosine: a pause, then sinus rhythm (SVT terminated)");
		} else {
			given(o, false, PATIENT_COMP_NONE,
			      f < 1 ? "adenosine into a hand vein: too little reached the heart, SVT persists"
			            : "adenosine: a brief slowing, SVT persists (dose too small)");
		}
		return true;
	}
	bool too_fast = over < 300 && ((d == PATIENT_DRUG_AMIODARONE && pulse) || d == PATIENT_DRUG_MAGNESIUM);
	if (over <= 0 && !too_fast)
		return false;
	patient_pk *k = &p->pk[d];
	if (over > 0) { /* about 95 % in by the end of the injection or short infusion */
		k->depot += dose;
		k->depot_tau = over / 3.0;
		k->depot_route = PATIENT_ROUTE_IV;
	} else {
		k->line += dose;
	}
	if (too_fast)
		given(o, true, PATIENT_COMP_INJECTION_TOO_FAST,
		      d == PATIENT_DRUG_MAGNESIUM ? "magnesium pushed in under 5 minutes: hypotension, flushing, arrhythmia (give over 20 min)"
		                                  : "amiodarone pushed in under 5 minutes with a pulse: hypotension (give over 10-20 min)");
	else
		given(o, true, PATIENT_COMP_NONE, "given IV over time");
	return true;
}

bool patient_cond_shock(patient *p, const patient_action *a, bool *effective, patient_complication *kind, const char **why)
{
	double e = a->shock.energy_j;
	bool ok_pads = p->pads != PATIENT_PADS_MISPLACED;
	*kind = PATIENT_COMP_NONE;
	*effective = false;
	if (!a->shock.synchronised)
		return false; /* patient.c: an unsynchronised shock on a perfusing rhythm */
	if (p->rhythm == PATIENT_RHYTHM_SVT) {
		if (e >= p->par[PP_SVT_CARDIOVERSION_J] && ok_pads) {
			end_tachycardia(p);
			*effective = true;
			*why = "synchronised cardioversion: sinus rhythm";
		} else {
			*why = ok_pads ? "synchronised shock: SVT persists (energy too low)" : "synchronised shock: SVT persists (pads misplaced)";
		}
		return true;
	}
	if (p->rhythm == PATIENT_RHYTHM_VT_PULSE && p->tachy_rhythm == PATIENT_RHYTHM_VT_PULSE) {
		bool adequate = e >= p->par[PP_VT_CARDIOVERSION_J] && ok_pads;
		if (adequate)
			p->vt_sync_shocks++;
		/* up to three attempts convert a VT that needs no more; a refractory one needs amiodarone first */
		bool amio = p->pk[PATIENT_DRUG_AMIODARONE].effect >= 0.5;
		bool converts = adequate && (p->vt_shocks_needed <= 3 ? p->vt_sync_shocks >= p->vt_shocks_needed
		                                                       : amio && p->vt_sync_shocks > 3);
		if (converts) {
			end_tachycardia(p);
			*effective = true;
			*why = "synchronised cardioversion: sinus rhythm";
		} else {
			*why = !ok_pads ? "synchronised shock: VT persists (pads misplaced)"
			     : !adequate ? "synchronised shock: VT persists (energy too low)" : "synchronised shock: VT persists";
		}
		return true;
	}
	return false;
}

scrub_result patient_cond_vagal(patient *p, const patient_action *a, patient_outcome *o)
{
	static const patient_param_id success[PATIENT_VAGAL_COUNT_] = {
		PP_VAGAL_STANDARD_SUCCESS, PP_VAGAL_MODIFIED_SUCCESS, PP_VAGAL_CSM_SUCCESS};
	if ((unsigned)a->vagal.manoeuvre >= PATIENT_VAGAL_COUNT_) {
		*o = (patient_outcome){.not_delivered = "invalid", .reason = "unknown vagal manoeuvre"};
		return SCRUB_ERR_INVALID;
	}
	if (p->rhythm != PATIENT_RHYTHM_SVT)
		return given(o, false, PATIENT_COMP_NONE, "vagal manoeuvre: no re-entry to break");
	if (p->par[success[a->vagal.manoeuvre]] > p->vagal_rank) {
		end_tachycardia(p);
		return given(o, true, PATIENT_COMP_NONE, "vagal manoeuvre: SVT terminated");
	}
	return given(o, false, PATIENT_COMP_NONE, "vagal manoeuvre: SVT persists");
}
