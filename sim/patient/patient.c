/* The virtual patient: API, configuration and interventions (the parameter table: patient_param.c). */
#define SCRUB_LOG_MODULE "patient"
#include "patient_internal.h"

#include "log.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- PRNG: xoshiro256** seeded through splitmix64 ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void patient_rng_seed(patient_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t patient_rng_next(patient_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double patient_rng_uniform(patient_rng *r)
{
	return (double)(patient_rng_next(r) >> 11) * 0x1.0p-53;
}

/* ---- names ---- */

#define NAME_FN(fn, type, count, ...)                                  \
	const char *fn(type v)                                         \
	{                                                              \
		static const char *const names[] = {__VA_ARGS__};      \
		_Static_assert(sizeof names / sizeof names[0] == count, #fn); \
		return (unsigned)v < (unsigned)(count) ? names[v] : "?"; \
	}

NAME_FN(patient_rhythm_name, patient_rhythm, PATIENT_RHYTHM_COUNT_, "sinus", "sinus_tachy", "sinus_brady", "vf_coarse",
        "vf_fine", "pvt", "vt_pulse", "asystole", "pea", "avb2_mobitz2", "avb3", "svt")
NAME_FN(patient_avpu_name, patient_avpu, PATIENT_AVPU_COUNT_, "alert", "voice", "pain", "unresponsive")
NAME_FN(patient_side_name, patient_side, 3, "none", "left", "right")
NAME_FN(patient_line_name, patient_line, PATIENT_LINE_COUNT_, "parasternal", "midclavicular", "anterior_axillary",
        "mid_axillary")
NAME_FN(patient_drug_name, patient_drug, PATIENT_DRUG_COUNT_, "epinephrine", "amiodarone", "lidocaine", "atropine",
        "adenosine", "salbutamol", "chlorphenamine", "hydrocortisone", "naloxone", "dextrose", "glucagon", "insulin",
        "dopamine", "ipratropium", "magnesium_sulfate", "prednisolone", "norepinephrine", "ceftriaxone",
        "piperacillin_tazobactam", "midazolam", "propofol", "ketamine", "calcium_chloride", "calcium_gluconate")
NAME_FN(patient_route_name, patient_route, PATIENT_ROUTE_COUNT_, "iv", "io", "im", "neb", "po", "in")
NAME_FN(patient_im_site_name, patient_im_site, PATIENT_IM_SITE_COUNT_, "thigh", "deltoid", "gluteal")
NAME_FN(patient_o2_device_name, patient_o2_device, PATIENT_O2_COUNT_, "none", "nasal", "mask", "nonrebreather", "bvm")
NAME_FN(patient_action_kind_name, patient_action_kind, PATIENT_ACT_COUNT_, "airway_open", "cpr_start", "cpr_stop",
        "compression", "bvm_breath", "intubate", "oxygen", "shock", "drug", "vascular_access", "fluid_bolus",
        "needle_decompression", "chest_tube", "set_rhythm", "pads", "position", "remove_trigger", "pacing", "infusion",
        "vagal")
NAME_FN(patient_pads_name, patient_pads, PATIENT_PADS_COUNT_, "none", "anterolateral", "anteroposterior", "misplaced")
NAME_FN(patient_position_name, patient_position, PATIENT_POS_COUNT_, "supine", "legs_raised", "sitting", "recovery",
        "left_lateral")
NAME_FN(patient_complication_name, patient_complication, PATIENT_COMP_COUNT_, "none", "shock_on_perfusing_rhythm",
        "shock_non_shockable", "shock_during_compressions", "vf_induced", "iv_bolus_epinephrine", "needle_medial",
        "needle_too_low", "needle_wrong_side", "drain_wrong_side", "compression_too_deep", "upright_while_hypotensive",
        "shock_while_awake", "injection_too_fast")

bool patient_rhythm_shockable(patient_rhythm r)
{
	return r == PATIENT_RHYTHM_VF_COARSE || r == PATIENT_RHYTHM_VF_FINE || r == PATIENT_RHYTHM_PVT;
}

bool patient_rhythm_is_arrest(patient_rhythm r)
{
	return patient_rhythm_shockable(r) || r == PATIENT_RHYTHM_ASYSTOLE || r == PATIENT_RHYTHM_PEA;
}

bool patient_needle_site_accepted(int ics, patient_line line)
{
	return (line == PATIENT_LINE_MID_AXILLARY && (ics == 4 || ics == 5)) ||   /* ATLS 10 */
	       (line == PATIENT_LINE_ANTERIOR_AXILLARY && ics == 5) ||           /* TCCC */
	       (line == PATIENT_LINE_MIDCLAVICULAR && ics == 2);                 /* TCCC, and children */
}

/* ---- create / destroy ---- */

static bool finite_in(double v, double lo, double hi)
{
	return v >= lo && v <= hi;
}

#define CFG_FAIL(...)                     \
	do {                              \
		LOG_E(__VA_ARGS__);       \
		return SCRUB_ERR_INVALID; \
	} while (0)

static scrub_result validate_config(const patient_config *c)
{
	if (!finite_in(c->age_years, 0, 120))
		CFG_FAIL("age_years %g is outside 0..120", c->age_years);
	if (!finite_in(c->weight_kg, 0, 300) || (c->weight_kg > 0 && c->weight_kg < 2))
		CFG_FAIL("weight_kg %g is outside 2..300", c->weight_kg);
	if ((unsigned)c->sex > PATIENT_SEX_FEMALE)
		CFG_FAIL("sex %d is not a patient_sex", (int)c->sex);
	if (c->arrest.present) {
		patient_rhythm r = c->arrest.rhythm;
		if (r != PATIENT_RHYTHM_SINUS && !patient_rhythm_is_arrest(r))
			CFG_FAIL("arrest.rhythm '%s' is not a rhythm of cardiac arrest", patient_rhythm_name(r));
	}
	if (!finite_in(c->anaphylaxis.severity, 0, 1))
		CFG_FAIL("anaphylaxis.severity %g is outside 0..1", c->anaphylaxis.severity);
	if (!finite_in(c->anaphylaxis.airway_oedema, 0, 1) || !finite_in(c->anaphylaxis.bronchospasm, 0, 1) ||
	    !finite_in(c->anaphylaxis.vasodilation, 0, 1))
		CFG_FAIL("anaphylaxis component weights must be within 0..1");
	if ((unsigned)c->tension_ptx.side > PATIENT_SIDE_RIGHT)
		CFG_FAIL("tension_ptx.side %d is not a patient_side", (int)c->tension_ptx.side);
	if (!finite_in(c->tension_ptx.severity, 0, 1))
		CFG_FAIL("tension_ptx.severity %g is outside 0..1", c->tension_ptx.severity);
	if (!finite_in(c->hypovolaemia.blood_loss_ml, 0, 5000))
		CFG_FAIL("hypovolaemia.blood_loss_ml %g is outside 0..5000", c->hypovolaemia.blood_loss_ml);
	if (!finite_in(c->hypovolaemia.bleed_ml_per_min, 0, 1000))
		CFG_FAIL("hypovolaemia.bleed_ml_per_min %g is outside 0..1000", c->hypovolaemia.bleed_ml_per_min);
	if (!finite_in(c->opioid.severity, 0, 0.98))
		CFG_FAIL("opioid.severity %g is outside 0..0.98", c->opioid.severity);
	if (!finite_in(c->opioid.half_life_s, 0, 172800) || (c->opioid.half_life_s > 0 && c->opioid.half_life_s < 60))
		CFG_FAIL("opioid.half_life_s %g is outside 60..172800 s", c->opioid.half_life_s);
	{
		patient_rhythm b = c->bradycardia.rhythm;
		if (b != PATIENT_RHYTHM_SINUS && b != PATIENT_RHYTHM_SINUS_BRADY && b != PATIENT_RHYTHM_AVB2_MOBITZ2 &&
		    b != PATIENT_RHYTHM_AVB3)
			CFG_FAIL("bradycardia.rhythm '%s' is not sinus_brady, avb2_mobitz2 or avb3", patient_rhythm_name(b));
		if (!finite_in(c->bradycardia.rate, 0, 59) || (c->bradycardia.rate > 0 && c->bradycardia.rate < 15))
			CFG_FAIL("bradycardia.rate %g is outside 15..59 /min", c->bradycardia.rate);
	}
	if (!finite_in(c->glycaemia.glucose_mmol_l, 0, 50) || (c->glycaemia.glucose_mmol_l > 0 && c->glycaemia.glucose_mmol_l < 0.5))
		CFG_FAIL("glycaemia.glucose_mmol_l %g is outside 0.5..50", c->glycaemia.glucose_mmol_l);
	if (!finite_in(c->glycaemia.insulin_units, 0, 5000))
		CFG_FAIL("glycaemia.insulin_units %g is outside 0..5000", c->glycaemia.insulin_units);
	if (patient_cond_validate(c) != SCRUB_OK)
		return SCRUB_ERR_INVALID;
	if (c->override_count && !c->overrides)
		CFG_FAIL("override_count %zu with no overrides", c->override_count);
	for (size_t i = 0; i < c->override_count; i++) {
		int idx;
		if (patient_param_check(c->overrides[i].name, c->overrides[i].value, &idx) != SCRUB_OK)
			return SCRUB_ERR_INVALID;
	}
	return SCRUB_OK;
}

static void init_state(patient *p, const patient_config *c)
{
	patient_model_refresh(p);
	p->blood_vol = p->blood_vol0;
	p->reserve = 1.0;
	p->rhythm = PATIENT_RHYTHM_SINUS;
	p->pa_co2 = p->par[PP_BASELINE_PACO2];
	p->pv_co2 = p->pa_co2 + 6.0;
	p->etco2 = p->pa_co2 * 0.95;
	p->pao2_eff = 0.21 * 713.0 - p->pa_co2 / 0.8;
	p->sao2 = 0.97;
	p->spo2 = 97;
	p->hr = p->par[PP_BASELINE_HR];
	p->atrial_rate = p->hr;
	p->q = 1.0;
	p->co = p->par[PP_BASELINE_CO];
	p->map = p->par[PP_MAP_SETPOINT];
	p->sbp = p->map + 27;
	p->dbp = p->map - 13;
	p->cpp = p->dbp - p->par[PP_BASELINE_CVP];
	p->cvp = p->par[PP_BASELINE_CVP];
	p->svr = p->par[PP_SVR];
	p->sv = p->par[PP_BASELINE_CO] * 1000.0 / p->par[PP_BASELINE_HR];
	p->sbp_native = p->sbp;
	p->brain = 1.0;
	p->stem = 1.0;
	p->spont_rr = p->par[PP_BASELINE_RR];
	p->airway_pressure = 15;
	p->v.temperature_c = p->par[PP_BASELINE_TEMP];
	p->lactate = 1.0;

	if (c->hypovolaemia.blood_loss_ml > 0)
		p->blood_vol = fmax(0.3 * p->blood_vol0, p->blood_vol0 - c->hypovolaemia.blood_loss_ml);
	p->bleed_rate = c->hypovolaemia.bleed_ml_per_min;

	if (c->opioid.severity > 0) {
		p->opioid = c->opioid.severity / (1.0 - c->opioid.severity); /* effect o/(1 + o) = severity */
		p->opioid_effect = c->opioid.severity;
		p->opioid_decay = exp(-log(2.0) * PATIENT_SLOW_DT / (c->opioid.half_life_s > 0 ? c->opioid.half_life_s : 14400));
	}
	p->glucose = c->glycaemia.glucose_mmol_l > 0 ? c->glycaemia.glucose_mmol_l : 5.5;
	if (c->bradycardia.rhythm != PATIENT_RHYTHM_SINUS) {
		patient_rhythm b = c->bradycardia.rhythm;
		p->brady_rhythm = b;
		p->brady_rate = c->bradycardia.rate > 0 ? c->bradycardia.rate : (b == PATIENT_RHYTHM_AVB3 ? 35 : 40);
		p->rhythm = b == PATIENT_RHYTHM_SINUS_BRADY ? PATIENT_RHYTHM_SINUS_BRADY : b;
		p->hr = p->brady_rate;
		p->atrial_rate = b == PATIENT_RHYTHM_AVB2_MOBITZ2 ? 2 * p->brady_rate
		               : b == PATIENT_RHYTHM_AVB3 ? p->par[PP_BASELINE_HR] : p->brady_rate;
	}
	patient_cond_init(p, c);
	if (c->glycaemia.insulin_units > 0) {
		patient_pk *k = &p->pk[PATIENT_DRUG_INSULIN];
		k->depot = c->glycaemia.insulin_units * PATIENT_INSULIN_MG_PER_UNIT;
		k->depot_tau = p->par[PP_INSULIN_SC_TAU_S];
		k->depot_route = PATIENT_ROUTE_IM;
	}

	if (c->anaphylaxis.severity > 0) {
		p->anaph_sev = c->anaphylaxis.severity;
		p->anaph_a = c->anaphylaxis.severity;
		bool any = c->anaphylaxis.airway_oedema > 0 || c->anaphylaxis.bronchospasm > 0 ||
		           c->anaphylaxis.vasodilation > 0;
		p->w_oedema = any ? c->anaphylaxis.airway_oedema : 1.0;
		p->w_bronch = any ? c->anaphylaxis.bronchospasm : 1.0;
		p->w_vaso = any ? c->anaphylaxis.vasodilation : 1.0;
		p->oedema_eff = p->w_oedema * p->anaph_a;
		p->bronch_eff = p->w_bronch * p->anaph_a;
		p->vaso_eff = p->w_vaso * p->anaph_a;
		p->skin_eff = p->anaph_a;
		p->trigger_active = true;
		p->anaph_drive = 1.0;
	}
	if (c->tension_ptx.side != PATIENT_SIDE_NONE) {
		p->ptx_side = c->tension_ptx.side;
		p->ptx_sev = c->tension_ptx.severity > 0 ? c->tension_ptx.severity : 0.8;
		p->ptx_p = 0.8 * p->par[PP_PTX_MAX_PRESSURE] * p->ptx_sev;
		p->ptx_collapse = p->ptx_sev;
	}
	if (c->arrest.present) {
		patient_rhythm r = c->arrest.rhythm == PATIENT_RHYTHM_SINUS ? PATIENT_RHYTHM_VF_COARSE : c->arrest.rhythm;
		switch (r) {
		case PATIENT_RHYTHM_VF_FINE:
			p->reserve = 0.15;
			break;
		case PATIENT_RHYTHM_ASYSTOLE:
			p->reserve = 0.3;
			break;
		case PATIENT_RHYTHM_PEA:
			p->reserve = 0.6;
			p->primary_pea = true;
			break;
		default:
			p->reserve = 1.0;
			break;
		}
		p->vf_amp = p->par[PP_VF_AMP_MV] * p->reserve;
		/* the time without flow that drained the reserve this far (ischaemia_tau_s), and its lactate */
		p->arrest_s = -p->par[PP_ISCHEMIA_TAU_S] * log(p->reserve);
		p->lactate += p->par[PP_LACTATE_MAX_RATE] * p->arrest_s / 60.0;
		p->rhythm = r;
		p->was_arrest = true;
		p->q = 0;
		p->co = 0;
		p->map = p->sbp = p->dbp = p->cvp = p->par[PP_BASELINE_CVP];
		p->cpp = 0;
		p->etco2 = 0;
		p->brain = 0;
		p->stem = 0;
		p->spont_rr = 0;
		p->sv = 0;
		p->sbp_native = 0;
		p->symp = 0;
		p->hr = r == PATIENT_RHYTHM_PEA ? 40 : (r == PATIENT_RHYTHM_PVT ? 190 : 0);
	}
	p->v.rhythm = p->rhythm;
	p->v.fio2 = 0.21;
	p->v.resp_rate = p->spont_rr;
	patient_model_update_vitals(p);
}

scrub_result patient_create(const patient_config *cfg, patient **out)
{
	if (!out)
		return SCRUB_ERR_INVALID;
	*out = NULL;
	patient_config def = {0};
	const patient_config *c = cfg ? cfg : &def;
	scrub_result r = validate_config(c);
	if (r != SCRUB_OK)
		return r;
	patient *p = calloc(1, sizeof *p);
	if (!p) {
		LOG_E("out of memory allocating the patient");
		return SCRUB_ERR_NOMEM;
	}
	for (int i = 0; i < PP_COUNT_; i++)
		p->par[i] = patient_param_info_at((size_t)i)->def;
	for (size_t i = 0; i < c->override_count; i++)
		p->par[patient_param_find(c->overrides[i].name)] = c->overrides[i].value;
	p->age_years = c->age_years > 0 ? c->age_years : 40;
	p->weight_kg = c->weight_kg > 0 ? c->weight_kg : 70;
	p->sex = c->sex;
	patient_rng_seed(&p->rng, c->seed);
	patient_rng_seed(&p->wave_rng, c->seed ^ 0x5741564553ull); /* "WAVES": an independent stream */
	init_state(p, c);
	patient_wave_init(p);
	*out = p;
	return SCRUB_OK;
}

void patient_destroy(patient **p)
{
	if (!p || !*p)
		return;
	free(*p);
	*p = NULL;
}

/* ---- time ---- */

scrub_result patient_step(patient *p, double dt)
{
	if (!p || !(dt >= PATIENT_DT_MIN && dt <= PATIENT_DT_MAX))
		return SCRUB_ERR_INVALID;
	p->t += dt;
	if (p->cpr_declared) {
		double period = 60.0 / p->cpr_decl_rate;
		while (p->decl_next_t <= p->t) {
			p->comp_phase_t = p->t - p->decl_next_t;
			p->last_comp_t = p->decl_next_t;
			p->comp_seen = true;
			p->decl_next_t += period;
		}
	}
	p->slow_acc += dt;
	while (p->slow_acc >= PATIENT_SLOW_DT - 1e-9) {
		p->slow_acc -= PATIENT_SLOW_DT;
		patient_model_tick(p);
	}
	p->v.time_s = p->t;
	patient_wave_generate(p);
	return SCRUB_OK;
}

double patient_time(const patient *p)
{
	return p->t;
}

const patient_vitals *patient_vitals_get(const patient *p)
{
	return &p->v;
}

/* ---- interventions ---- */

/* The action took place; kind says whether it was harmful. */
static scrub_result done(patient_outcome *o, bool effective, patient_complication kind, const char *reason)
{
	*o = (patient_outcome){.applied = true, .effective = effective, .complication = kind != PATIENT_COMP_NONE,
	                       .kind = kind, .reason = reason};
	return SCRUB_OK;
}

/* A well-formed action that did not take place; word is the stable not_delivered code. */
const char *const patient_not_delivered_words[] = {
	"invalid", "no_pads", "no_r_wave", "no_access", "already_running", "not_given_iv", "not_given_io",
	"not_given_im", "not_given_neb", "not_given_po", "not_given_in", "cannot_swallow", "tube_blocked",
	"no_trigger", "not_given_infusion", "not_running", "slow_push", NULL};

static bool known_word(const char *word)
{
	for (int i = 0; patient_not_delivered_words[i]; i++)
		if (strcmp(patient_not_delivered_words[i], word) == 0)
			return true;
	return false;
}

static scrub_result refused(patient_outcome *o, const char *word, const char *reason)
{
	assert(known_word(word)); /* a new word goes into patient_not_delivered_words (and sim/actions.c) */
	(void)known_word;
	*o = (patient_outcome){.not_delivered = word, .reason = reason};
	return SCRUB_OK;
}

static scrub_result invalid(patient_outcome *o, const char *reason)
{
	*o = (patient_outcome){.not_delivered = "invalid", .reason = reason};
	return SCRUB_ERR_INVALID;
}

#define INVALID(why) invalid(o, why)

static bool has_pulse(const patient *p)
{
	return !patient_rhythm_is_arrest(p->rhythm);
}

/* Compressions running: declared, or a compression (declared or sampled) in the last 1.5 s. */
static bool compressions_running(const patient *p)
{
	/* declared compressions until stopped; sampled ones until 1.5 s after the last (CPR_STOP and
	 * "stand clear" reset comp_count: hands off means off, whatever the phase of the last one) */
	return p->cpr_declared || (p->comp_count > 0 && p->t - p->last_comp_t < 1.5);
}

static double shock_probability(const patient *p, double energy, bool dsed)
{
	double base;
	switch (p->rhythm) {
	case PATIENT_RHYTHM_VF_COARSE:
		base = p->par[PP_VF_SHOCK_SUCCESS];
		break;
	case PATIENT_RHYTHM_VF_FINE:
		base = p->par[PP_VF_FINE_SHOCK_SUCCESS];
		break;
	case PATIENT_RHYTHM_PVT:
		base = p->par[PP_PVT_SHOCK_SUCCESS];
		break;
	default:
		return 0;
	}
	base = patient_clamp(base, 1e-6, 1 - 1e-6);
	double odds = base / (1.0 - base);
	odds *= pow(energy / 200.0, p->par[PP_SHOCK_ENERGY_EXPONENT]);
	odds *= pow(fmax(p->reserve, 1e-6), p->par[PP_SHOCK_RESERVE_EXPONENT]);
	odds *= pow(p->par[PP_EPI_SHOCK_OR], p->pk[PATIENT_DRUG_EPINEPHRINE].effect);
	odds *= pow(p->par[PP_AMIO_SHOCK_OR], p->pk[PATIENT_DRUG_AMIODARONE].effect);
	odds *= pow(p->par[PP_LIDO_SHOCK_OR], p->pk[PATIENT_DRUG_LIDOCAINE].effect);
	/* pads: refractory VF responds to a new vector (DOSE-VF); misplaced pads miss the heart. A DSED's
	 * second set of pads is anteroposterior whatever the first set. */
	bool refractory = p->failed_shocks >= (int)p->par[PP_REFRACTORY_VF_SHOCKS];
	if (dsed) {
		if (refractory)
			odds *= p->par[PP_DSED_SHOCK_OR];
	} else if (p->pads == PATIENT_PADS_MISPLACED) {
		odds *= p->par[PP_MISPLACED_PADS_SHOCK_OR];
	} else if (p->pads == PATIENT_PADS_ANTEROPOSTERIOR && refractory) {
		odds *= p->par[PP_VECTOR_CHANGE_SHOCK_OR];
	}
	return odds / (1.0 + odds);
}

/* The rhythm's answer to a delivered shock; *kind gets the rhythm's complication. */
static bool shock_rhythm(patient *p, const patient_action *a, double u, patient_complication *kind, const char **why)
{
	double e = a->shock.energy_j;
	patient_rhythm r = p->rhythm;
	bool sync = a->shock.synchronised, effective;
	*kind = PATIENT_COMP_NONE;
	if (patient_cond_shock(p, a, &effective, kind, why))
		return effective;
	if (patient_rhythm_shockable(r)) {
		double prob = shock_probability(p, e, a->shock.dsed);
		LOG_D("t=%.2f shock %.0f J%s in %s, pads %s, %d failed: p=%.3f u=%.3f", p->t, e, a->shock.dsed ? " DSED" : "",
		      patient_rhythm_name(r), patient_pads_name(p->pads), p->failed_shocks, prob, u);
		if (u < prob) {
			patient_model_set_rhythm(p, PATIENT_RHYTHM_SINUS);
			p->primary_pea = false;
			p->failed_shocks = 0;
			*why = "shock delivered: organised rhythm";
			return true;
		}
		p->failed_shocks++;
		*why = "shock delivered: rhythm persists";
		return false;
	}
	if (r == PATIENT_RHYTHM_VT_PULSE) {
		double prob = p->par[PP_CARDIOVERSION_SUCCESS] * sqrt(e / 100.0);
		if (p->pads == PATIENT_PADS_MISPLACED && !a->shock.dsed) {
			double odds = prob / fmax(1e-6, 1.0 - prob) * p->par[PP_MISPLACED_PADS_SHOCK_OR];
			prob = odds / (1.0 + odds);
		}
		prob = patient_clamp(prob, 0, 0.98);
		if (!sync && u < p->par[PP_UNSYNC_VF_RISK]) {
			patient_model_set_rhythm(p, PATIENT_RHYTHM_VF_COARSE);
			*kind = PATIENT_COMP_VF_INDUCED;
			*why = "unsynchronised shock on a pulse: VF induced";
			return false;
		}
		*kind = sync ? PATIENT_COMP_NONE : PATIENT_COMP_SHOCK_PERFUSING;
		if (u < prob) {
			patient_model_set_rhythm(p, PATIENT_RHYTHM_SINUS_TACHY);
			*why = "cardioverted to sinus rhythm";
			return true;
		}
		*why = "shock delivered: VT persists";
		return false;
	}
	if (r == PATIENT_RHYTHM_ASYSTOLE || r == PATIENT_RHYTHM_PEA) {
		*kind = PATIENT_COMP_SHOCK_NON_SHOCKABLE;
		*why = "shock delivered: rhythm not shockable";
		return false;
	}
	/* sinus rhythm with a pulse */
	if (!sync && u < p->par[PP_UNSYNC_VF_RISK]) {
		patient_model_set_rhythm(p, PATIENT_RHYTHM_VF_COARSE);
		*kind = PATIENT_COMP_VF_INDUCED;
		*why = "shock on a perfusing rhythm: VF induced";
		return false;
	}
	*kind = PATIENT_COMP_SHOCK_PERFUSING;
	*why = "shock on a perfusing rhythm";
	return false;
}

static scrub_result apply_shock(patient *p, const patient_action *a, patient_outcome *o)
{
	if (!finite_in(a->shock.energy_j, 1, 400))
		return INVALID("energy must be within 1..400 J");
	if (a->shock.dsed && a->shock.synchronised)
		return INVALID("a DSED is an unsynchronised defibrillation");
	if (p->pads == PATIENT_PADS_NONE)
		return refused(o, "no_pads", "shock not delivered: no pads attached");
	patient_rhythm r = p->rhythm;
	bool no_r_wave = r == PATIENT_RHYTHM_VF_COARSE || r == PATIENT_RHYTHM_VF_FINE || r == PATIENT_RHYTHM_ASYSTOLE;
	if (a->shock.synchronised && no_r_wave)
		return refused(o, "no_r_wave", "synchronised shock not delivered: no R wave to synchronise on");
	bool hands_on = compressions_running(p);
	p->shocks++;
	double u = patient_rng_uniform(&p->rng); /* one draw per delivered shock, whatever the rhythm */
	p->reserve *= 0.98; /* each shock injures the myocardium a little */
	patient_complication kind;
	const char *why;
	bool effective = shock_rhythm(p, a, u, &kind, &why);
	if (a->shock.dsed)
		p->reserve *= 0.98; /* the second defibrillator's shock */
	if (kind == PATIENT_COMP_NONE && a->shock.synchronised && !patient_rhythm_is_arrest(r) && p->v.avpu <= PATIENT_AVPU_VOICE)
		kind = PATIENT_COMP_SHOCK_AWAKE; /* judged on the patient before the shock */
	if (hands_on && kind != PATIENT_COMP_VF_INDUCED) {
		kind = PATIENT_COMP_SHOCK_DURING_CPR;
		why = effective ? "shock delivered during compressions (hands on the chest): organised rhythm"
		                : "shock delivered during compressions (hands on the chest)";
	}
	return done(o, effective, kind, why);
}

/* The routes each drug is given by (bit per patient_route). */
static unsigned drug_routes(patient_drug d)
{
	const unsigned iv = 1u << PATIENT_ROUTE_IV | 1u << PATIENT_ROUTE_IO, im = 1u << PATIENT_ROUTE_IM,
	               neb = 1u << PATIENT_ROUTE_NEB, po = 1u << PATIENT_ROUTE_PO, in = 1u << PATIENT_ROUTE_IN;
	switch (d) {
	case PATIENT_DRUG_EPINEPHRINE:
	case PATIENT_DRUG_ATROPINE:
		return iv | im;
	case PATIENT_DRUG_SALBUTAMOL:
		return iv | neb;
	case PATIENT_DRUG_CHLORPHENAMINE:
	case PATIENT_DRUG_HYDROCORTISONE:
		return iv | im | po;
	case PATIENT_DRUG_NALOXONE:
		return iv | im | in;
	case PATIENT_DRUG_GLUCAGON:
		return iv | im;
	case PATIENT_DRUG_DEXTROSE:
		return iv | po;
	case PATIENT_DRUG_DOPAMINE:
	case PATIENT_DRUG_NOREPINEPHRINE:
		return 0; /* infusion only */
	case PATIENT_DRUG_IPRATROPIUM:
		return neb;
	case PATIENT_DRUG_PREDNISOLONE:
		return po;
	case PATIENT_DRUG_CEFTRIAXONE:
	case PATIENT_DRUG_MIDAZOLAM:
	case PATIENT_DRUG_KETAMINE:
		return iv | im;
	case PATIENT_DRUG_MAGNESIUM:
	case PATIENT_DRUG_CALCIUM_CHLORIDE:
	case PATIENT_DRUG_CALCIUM_GLUCONATE:
	case PATIENT_DRUG_PIPERACILLIN_TAZOBACTAM:
	case PATIENT_DRUG_PROPOFOL:
	case PATIENT_DRUG_INSULIN:
	case PATIENT_DRUG_AMIODARONE:
	case PATIENT_DRUG_LIDOCAINE:
	case PATIENT_DRUG_ADENOSINE:
	case PATIENT_DRUG_COUNT_:
		break;
	}
	return iv;
}

static void add_depot(patient *p, patient_drug d, patient_route rt, double dose, double onset, double tau)
{
	patient_pk *k = &p->pk[d];
	if (p->npending < PATIENT_MAX_PENDING) {
		p->pending[p->npending++] = (patient_pending_dose){
			.release_t = p->t + onset, .dose_mg = dose, .tau_s = tau, .drug = d, .route = rt};
	} else {
		k->depot += dose;
		k->depot_tau = tau;
		k->depot_route = rt;
	}
}

static scrub_result apply_drug(patient *p, const patient_action *a, patient_outcome *o)
{
	patient_drug d = a->drug.drug;
	patient_route rt = a->drug.route;
	double dose = a->drug.dose_mg;
	if ((unsigned)d >= PATIENT_DRUG_COUNT_)
		return INVALID("unknown drug");
	if ((unsigned)rt >= PATIENT_ROUTE_COUNT_)
		return INVALID("unknown route");
	if (!(dose > 0 && dose <= (d == PATIENT_DRUG_DEXTROSE ? 100000 : 10000)))
		return INVALID("dose must be a positive number of mg (at most 10 g; dextrose 100 g)");
	if (rt == PATIENT_ROUTE_IM && (unsigned)a->drug.site >= PATIENT_IM_SITE_COUNT_)
		return INVALID("unknown IM site");
	if (!finite_in(a->drug.over_s, 0, 86400))
		return INVALID("over must be within 0..24 h");
	if (!(drug_routes(d) & 1u << rt)) {
		static const char *const word[] = {"not_given_iv", "not_given_io", "not_given_im",
		                                                       "not_given_neb", "not_given_po", "not_given_in"};
		static const char *const why[] = {
			"this drug is not given IV", "this drug is not given IO", "this drug is not given IM",
			"this drug is not given nebulised", "this drug is not given by mouth",
			"this drug is not given intranasally"};
		_Static_assert(sizeof word / sizeof word[0] == PATIENT_ROUTE_COUNT_ &&
		                       sizeof why / sizeof why[0] == PATIENT_ROUTE_COUNT_,
		               "a refusal for every route");
		return refused(o, word[rt], why[rt]);
	}
	switch (rt) {
	case PATIENT_ROUTE_IM: {
		double tau = a->drug.site == PATIENT_IM_SITE_THIGH ? p->par[PP_EPI_IM_THIGH_TAU_S]
		                                                   : p->par[PP_EPI_IM_DELTOID_TAU_S];
		add_depot(p, d, rt, dose, p->par[PP_EPI_IM_ONSET_S], tau);
		return done(o, true, PATIENT_COMP_NONE, "given IM");
	}
	case PATIENT_ROUTE_IN:
		/* a nasal spray: part of the dose is absorbed through the mucosa, more slowly than IM */
		add_depot(p, d, rt, dose * p->par[PP_IN_BIOAVAILABILITY], p->par[PP_EPI_IM_ONSET_S], p->par[PP_IN_TAU_S]);
		return done(o, true, PATIENT_COMP_NONE, "given intranasally");
	case PATIENT_ROUTE_NEB:
		add_depot(p, d, rt, dose, 0, p->par[PP_NEB_TAU_S]);
		return done(o, true, PATIENT_COMP_NONE, "nebuliser running");
	case PATIENT_ROUTE_PO:
		if (p->v.avpu != PATIENT_AVPU_ALERT || p->intubated)
			return refused(o, "cannot_swallow", "not alert enough to swallow");
		if (d == PATIENT_DRUG_DEXTROSE)
			add_depot(p, d, rt, dose, p->par[PP_DEXTROSE_PO_ONSET_S], p->par[PP_DEXTROSE_PO_TAU_S]);
		else
			add_depot(p, d, rt, dose, p->par[PP_PO_ONSET_S], p->par[PP_PO_TAU_S]);
		return done(o, true, PATIENT_COMP_NONE, "given by mouth");
	case PATIENT_ROUTE_IV:
	case PATIENT_ROUTE_IO:
	case PATIENT_ROUTE_COUNT_:
		break;
	}
	if (patient_cond_drug(p, a, o))
		return SCRUB_OK;
	if (!p->access)
		return refused(o, "no_access", "no IV/IO access");
	p->pk[d].line += dose;
	if (d == PATIENT_DRUG_EPINEPHRINE && dose >= 0.1 && has_pulse(p))
		return done(o, true, PATIENT_COMP_EPI_IV_BOLUS,
		            "IV bolus of epinephrine with a pulse: risk of severe hypertension and arrhythmia");
	return done(o, true, PATIENT_COMP_NONE, rt == PATIENT_ROUTE_IO ? "given IO" : "given IV");
}

static scrub_result apply_needle(patient *p, const patient_action *a, patient_outcome *o)
{
	patient_side side = a->needle.side;
	int ics = a->needle.ics;
	patient_line line = a->needle.line;
	if (side != PATIENT_SIDE_LEFT && side != PATIENT_SIDE_RIGHT)
		return INVALID("side must be left or right");
	if (ics < 2 || ics > 6)
		return INVALID("intercostal space must be within 2..6");
	if ((unsigned)line >= PATIENT_LINE_COUNT_)
		return INVALID("unknown line");
	if (line == PATIENT_LINE_PARASTERNAL)
		return done(o, false, PATIENT_COMP_NEEDLE_MEDIAL, "medial to the nipple line: risk to the heart and great vessels");
	if (ics == 6)
		return done(o, false, PATIENT_COMP_NEEDLE_LOW, "below the 5th intercostal space: risk to the diaphragm, liver or spleen");
	if (p->ptx_side != side)
		return done(o, false, PATIENT_COMP_NEEDLE_WRONG_SIDE,
		            "no tension pneumothorax on this side: risk of an iatrogenic pneumothorax");
	if (!patient_needle_site_accepted(ics, line))
		return done(o, false, PATIENT_COMP_NONE, "site not accepted for needle decompression");
	if (p->chest_tube)
		return done(o, false, PATIENT_COMP_NONE, "already drained by a chest tube");
	if (!p->needle_in) {
		/* one draw per catheter: when it kinks or blocks outright (exponential, never at hazard 0) */
		double u = patient_rng_uniform(&p->rng);
		double hz = p->par[PP_NEEDLE_KINK_HAZARD] / 60.0;
		p->needle_kink_t = hz > 0 ? p->t - log(1.0 - u) / hz : INFINITY;
	}
	p->needle_in = true;
	p->needle_patency = 1.0;
	return done(o, true, PATIENT_COMP_NONE, "rush of air: tension partly relieved");
}

static scrub_result apply_cpr_start(patient *p, const patient_action *a, patient_outcome *o)
{
	double rate = a->cpr.rate_per_min, depth = a->cpr.depth_cm;
	if (rate == 0)
		rate = 110;
	if (depth == 0)
		depth = 5.5;
	if (!finite_in(rate, 10, 300) || !finite_in(depth, 0.1, 15))
		return INVALID("CPR rate must be within 10..300 /min and depth within 0.1..15 cm");
	bool running = p->cpr_declared;
	if (!running)
		p->decl_next_t = p->t;
	p->cpr_declared = true;
	p->cpr_decl_rate = rate; /* a running declaration still follows what is being done */
	p->cpr_decl_depth = depth;
	bool deep = depth > p->par[PP_CPR_DEPTH_MAX] + 0.5;
	if (running) {
		refused(o, "already_running", "compressions already running (declared rate and depth updated)");
		if (deep) {
			o->complication = true;
			o->kind = PATIENT_COMP_COMPRESSION_TOO_DEEP;
		}
		return SCRUB_OK;
	}
	return deep ? done(o, true, PATIENT_COMP_COMPRESSION_TOO_DEEP, "CPR started deeper than 6 cm: risk of injury")
	            : done(o, true, PATIENT_COMP_NONE, "CPR started");
}

static scrub_result apply_compression(patient *p, const patient_action *a, patient_outcome *o)
{
	double d = a->compression.depth_cm;
	if (!finite_in(d, 0, 15))
		return INVALID("compression depth must be within 0..15 cm");
	double iv = p->t - p->last_comp_t;
	if (p->comp_count > 0 && iv > 0.15 && iv < 3.0) {
		p->comp_interval = iv;
		double rate = 60.0 / iv;
		p->comp_rate = p->comp_count > 1 ? p->comp_rate + (rate - p->comp_rate) * 0.3 : rate;
	} else if (p->comp_count > 0 && iv >= 3.0) {
		p->comp_count = 0; /* a pause: start measuring again */
	}
	p->comp_depth = p->comp_count > 0 ? p->comp_depth + (d - p->comp_depth) * 0.3 : d;
	p->comp_count++;
	p->last_comp_t = p->t;
	p->comp_seen = true;
	p->comp_phase_t = 0;
	if (d > p->par[PP_CPR_DEPTH_MAX] + 0.5)
		return done(o, true, PATIENT_COMP_COMPRESSION_TOO_DEEP, "compression deeper than 6 cm: risk of injury");
	return done(o, d >= p->par[PP_CPR_DEPTH_MIN], PATIENT_COMP_NONE, "compression");
}

static scrub_result apply_position(patient *p, const patient_action *a, patient_outcome *o)
{
	patient_position pos = a->position.position;
	if ((unsigned)pos >= PATIENT_POS_COUNT_)
		return INVALID("unknown position");
	p->position = pos;
	if (pos == PATIENT_POS_SITTING && p->sbp < p->par[PP_HYPOTENSION_SBP])
		return done(o, false, PATIENT_COMP_UPRIGHT_HYPOTENSIVE,
		            "sat up while hypotensive: venous return falls, risk of cardiac arrest");
	return done(o, true, PATIENT_COMP_NONE, "position changed");
}

static scrub_result apply_pacing(patient *p, const patient_action *a, patient_outcome *o)
{
	double rate = a->pacing.rate_per_min, ma = a->pacing.current_ma;
	if (rate == 0 && ma == 0) {
		if (p->pace_rate == 0)
			return refused(o, "not_running", "pacing is not running");
		p->pace_rate = p->pace_ma = 0;
		p->pace_capture = p->paced = false;
		return done(o, true, PATIENT_COMP_NONE, "pacing stopped");
	}
	if (!finite_in(rate, 30, 200) || !finite_in(ma, 0, 200))
		return INVALID("pacing rate must be within 30..200 /min and current within 0..200 mA");
	if (p->pads == PATIENT_PADS_NONE)
		return refused(o, "no_pads", "pacing needs pads");
	p->pace_rate = rate;
	p->pace_ma = ma;
	patient_model_pacing(p);
	if (p->pace_capture)
		return done(o, true, PATIENT_COMP_NONE, "pacing: electrical capture");
	return done(o, false, PATIENT_COMP_NONE,
	            patient_rhythm_is_arrest(p->rhythm) ? "pacing: no capture in cardiac arrest"
	                                                : "pacing: no capture, raise the current");
}

static scrub_result apply_infusion(patient *p, const patient_action *a, patient_outcome *o)
{
	patient_drug d = a->infusion.drug;
	double r = a->infusion.rate_mcg_min;
	if ((unsigned)d >= PATIENT_DRUG_COUNT_)
		return INVALID("unknown drug");
	if (!finite_in(r, 0, 1e6))
		return INVALID("infusion rate must be within 0..1 000 000 mcg/min");
	if (d != PATIENT_DRUG_EPINEPHRINE && d != PATIENT_DRUG_DOPAMINE && d != PATIENT_DRUG_AMIODARONE &&
	    d != PATIENT_DRUG_LIDOCAINE && d != PATIENT_DRUG_INSULIN && d != PATIENT_DRUG_DEXTROSE &&
	    d != PATIENT_DRUG_NOREPINEPHRINE && d != PATIENT_DRUG_MAGNESIUM)
		return refused(o, "not_given_infusion", "the model does not infuse this drug");
	if (r == 0) {
		if (p->infusion[d] == 0)
			return refused(o, "not_running", "no infusion of this drug is running");
		p->infusion[d] = 0;
		return done(o, true, PATIENT_COMP_NONE, "infusion stopped");
	}
	if (!p->access)
		return refused(o, "no_access", "no IV/IO access");
	p->infusion[d] = r / 1000.0; /* mg/min */
	return done(o, true, PATIENT_COMP_NONE, "infusion running");
}

static scrub_result apply(patient *p, const patient_action *a, patient_outcome *o)
{
	switch (a->kind) {
	case PATIENT_ACT_AIRWAY_OPEN:
		if ((unsigned)a->airway.manoeuvre >= PATIENT_AIRWAY_COUNT_)
			return INVALID("unknown airway manoeuvre");
		p->airway_open = true;
		return done(o, true, PATIENT_COMP_NONE, "airway opened");
	case PATIENT_ACT_CPR_START:
		return apply_cpr_start(p, a, o);
	case PATIENT_ACT_CPR_STOP:
		p->cpr_declared = false;
		p->comp_count = 0;
		return done(o, true, PATIENT_COMP_NONE, "CPR stopped");
	case PATIENT_ACT_COMPRESSION:
		return apply_compression(p, a, o);
	case PATIENT_ACT_BVM_BREATH: {
		double v = a->breath.volume_ml;
		if (v == 0)
			v = 500;
		if (!finite_in(v, 1, 2000))
			return INVALID("breath volume must be within 1..2000 mL");
		p->breaths_since_tick += 1;
		p->last_breath_t = p->t;
		p->breath_t = 0;
		p->breath_event_mode = true;
		bool sealed = p->intubated || p->airway_open;
		return done(o, sealed, PATIENT_COMP_NONE, sealed ? "breath given" : "breath given, airway not opened");
	}
	case PATIENT_ACT_INTUBATE:
		if (p->oedema_eff * p->par[PP_ANAPH_OEDEMA_OBSTRUCTION] > 0.5)
			return refused(o, "tube_blocked", "laryngeal oedema: the tube does not pass");
		p->intubated = true;
		p->airway_open = true;
		return done(o, true, PATIENT_COMP_NONE, "intubated");
	case PATIENT_ACT_OXYGEN:
		if ((unsigned)a->oxygen.device >= PATIENT_O2_COUNT_)
			return INVALID("unknown oxygen device");
		if (!finite_in(a->oxygen.flow_l_min, 0, 60))
			return INVALID("oxygen flow must be within 0..60 L/min");
		p->o2_device = a->oxygen.device;
		p->o2_flow = a->oxygen.flow_l_min;
		return done(o, true, PATIENT_COMP_NONE, a->oxygen.device ? "oxygen on" : "oxygen off");
	case PATIENT_ACT_SHOCK:
		return apply_shock(p, a, o);
	case PATIENT_ACT_DRUG:
		return apply_drug(p, a, o);
	case PATIENT_ACT_VASCULAR_ACCESS:
		if (a->access.route != PATIENT_ROUTE_IV && a->access.route != PATIENT_ROUTE_IO)
			return INVALID("access route must be IV or IO");
		p->access = true;
		return done(o, true, PATIENT_COMP_NONE, "access established");
	case PATIENT_ACT_FLUID_BOLUS:
		if (!finite_in(a->fluid.volume_ml, 1, 5000))
			return INVALID("fluid volume must be within 1..5000 mL");
		if (!p->access)
			return refused(o, "no_access", "no IV/IO access");
		if (a->fluid.blood)
			p->blood_pending += a->fluid.volume_ml;
		else
			p->fluid_pending += a->fluid.volume_ml;
		return done(o, true, PATIENT_COMP_NONE, "fluid running");
	case PATIENT_ACT_NEEDLE_DECOMPRESSION:
		return apply_needle(p, a, o);
	case PATIENT_ACT_CHEST_TUBE:
		if (a->chest_tube.side != PATIENT_SIDE_LEFT && a->chest_tube.side != PATIENT_SIDE_RIGHT)
			return INVALID("side must be left or right");
		if (p->ptx_side != a->chest_tube.side)
			return done(o, false, PATIENT_COMP_DRAIN_WRONG_SIDE, "no pneumothorax on this side");
		p->chest_tube = true;
		return done(o, true, PATIENT_COMP_NONE, "chest drained");
	case PATIENT_ACT_SET_RHYTHM: {
		patient_rhythm r = a->set_rhythm.rhythm;
		if ((unsigned)r >= PATIENT_RHYTHM_COUNT_)
			return INVALID("unknown rhythm");
		if (r == PATIENT_RHYTHM_VF_FINE)
			p->reserve = fmin(p->reserve, 0.15);
		if (r == PATIENT_RHYTHM_VF_COARSE)
			p->reserve = fmax(p->reserve, 0.5);
		p->primary_pea = r == PATIENT_RHYTHM_PEA;
		if (r == PATIENT_RHYTHM_AVB2_MOBITZ2 || r == PATIENT_RHYTHM_AVB3) {
			if (p->brady_rhythm != r)
				p->brady_rate = r == PATIENT_RHYTHM_AVB3 ? 35 : 40;
			p->brady_rhythm = r; /* a block the scenario imposes stays until it sets another rhythm */
		} else if (!patient_rhythm_is_arrest(r) && r != PATIENT_RHYTHM_VT_PULSE) {
			p->brady_rhythm = PATIENT_RHYTHM_SINUS;
		}
		patient_model_set_rhythm(p, r);
		if (r == PATIENT_RHYTHM_VF_COARSE || r == PATIENT_RHYTHM_VF_FINE)
			p->vf_amp = p->par[PP_VF_AMP_MV] * p->reserve;
		return done(o, true, PATIENT_COMP_NONE, "rhythm set");
	}
	case PATIENT_ACT_PADS:
		if ((unsigned)a->pads.position >= PATIENT_PADS_COUNT_)
			return INVALID("unknown pad position");
		if (a->pads.position == PATIENT_PADS_NONE && p->pads == PATIENT_PADS_NONE)
			return refused(o, "no_pads", "no pads to remove");
		p->pads = a->pads.position;
		if (p->pads == PATIENT_PADS_NONE) { /* pacing goes through the pads */
			p->pace_rate = p->pace_ma = 0;
			p->pace_capture = p->paced = false;
		}
		return done(o, p->pads != PATIENT_PADS_MISPLACED, PATIENT_COMP_NONE,
		            p->pads == PATIENT_PADS_NONE ? "pads removed"
		            : p->pads == PATIENT_PADS_MISPLACED ? "pads attached in a wrong position"
		                                                : "pads attached");
	case PATIENT_ACT_POSITION:
		return apply_position(p, a, o);
	case PATIENT_ACT_REMOVE_TRIGGER:
		if (!p->trigger_active)
			return refused(o, "no_trigger", "no anaphylactic trigger running");
		p->trigger_active = false;
		return done(o, true, PATIENT_COMP_NONE, "trigger removed");
	case PATIENT_ACT_PACING:
		return apply_pacing(p, a, o);
	case PATIENT_ACT_INFUSION:
		return apply_infusion(p, a, o);
	case PATIENT_ACT_VAGAL:
		return patient_cond_vagal(p, a, o);
	case PATIENT_ACT_COUNT_:
		break;
	}
	return INVALID("unknown action kind");
}

scrub_result patient_apply(patient *p, const patient_action *a, patient_outcome *out)
{
	patient_outcome dummy;
	patient_outcome *o = out ? out : &dummy;
	if (!p || !a)
		return invalid(o, "no patient or no action");
	scrub_result r = apply(p, a, o);
	if (r == SCRUB_OK)
		patient_model_update_vitals(p); /* a new rhythm, shock count or pad position shows at once */
	return r;
}
