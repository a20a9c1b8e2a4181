/* The slow physiology tick (PATIENT_SLOW_DT): pharmacokinetics, conditions, CPR, breathing, gas
 * exchange, haemodynamics, rhythm transitions and consciousness. Equations: docs/physiology.md. */
#define SCRUB_LOG_MODULE "patient"
#include "patient_internal.h"

#include "log.h"

#include <math.h>

#define H PATIENT_SLOW_DT

static double lag(double x, double target, double tau)
{
	double a = H / tau;
	if (a > 1.0)
		a = 1.0;
	return x + (target - x) * a;
}

static double lag2(double x, double target, double tau_up, double tau_down)
{
	return lag(x, target, target > x ? tau_up : tau_down);
}

static bool rhythm_sinus(patient_rhythm r)
{
	return r == PATIENT_RHYTHM_SINUS || r == PATIENT_RHYTHM_SINUS_TACHY || r == PATIENT_RHYTHM_SINUS_BRADY;
}

static bool rhythm_av_block(patient_rhythm r)
{
	return r == PATIENT_RHYTHM_AVB2_MOBITZ2 || r == PATIENT_RHYTHM_AVB3;
}

/* Rhythms whose complexes can eject blood: sinus variants, AV blocks, SVT, VT with a pulse, PEA. */
static bool rhythm_organised(patient_rhythm r)
{
	return rhythm_sinus(r) || rhythm_av_block(r) || r == PATIENT_RHYTHM_SVT || r == PATIENT_RHYTHM_VT_PULSE ||
	       r == PATIENT_RHYTHM_PEA;
}


static patient_rhythm classify_sinus(double hr, patient_rhythm cur)
{
	/* 2 /min of hysteresis so a rate sitting on a boundary does not flicker */
	double up = cur == PATIENT_RHYTHM_SINUS_TACHY ? 98 : 100;
	double lo = cur == PATIENT_RHYTHM_SINUS_BRADY ? 62 : 60;
	if (hr > up)
		return PATIENT_RHYTHM_SINUS_TACHY;
	if (hr < lo)
		return PATIENT_RHYTHM_SINUS_BRADY;
	return PATIENT_RHYTHM_SINUS;
}

/* The perfusing rhythm a return of circulation comes back in: the AV block the patient has, or sinus. */
static patient_rhythm perfusing_rhythm(const patient *p, double hr, patient_rhythm cur)
{
	return rhythm_av_block(p->brady_rhythm) ? p->brady_rhythm : classify_sinus(hr, cur);
}

void patient_model_pacing(patient *p)
{
	patient_rhythm r = p->rhythm;
	p->pace_capture = p->pace_rate > 0 && p->pads != PATIENT_PADS_NONE &&
	                  p->pace_ma >= p->par[PP_PACING_THRESHOLD_MA] && rhythm_organised(r) &&
	                  r != PATIENT_RHYTHM_VT_PULSE && r != PATIENT_RHYTHM_SVT && !(r == PATIENT_RHYTHM_PEA && p->primary_pea);
}

void patient_model_refresh(patient *p)
{
	static const patient_param_id hl[] = {
		PP_EPI_HALF_LIFE_S, PP_AMIO_HALF_LIFE_S, PP_LIDO_HALF_LIFE_S, PP_ATROPINE_HALF_LIFE_S,
		PP_ADENOSINE_HALF_LIFE_S, PP_SALBUTAMOL_HALF_LIFE_S, PP_CHLORPHENAMINE_HALF_LIFE_S,
		PP_HYDROCORTISONE_HALF_LIFE_S, PP_NALOXONE_HALF_LIFE_S,
		PP_COUNT_, /* dextrose: joins the blood glucose pool as it arrives (tick_drugs) */
		PP_GLUCAGON_HALF_LIFE_S, PP_INSULIN_HALF_LIFE_S, PP_DOPAMINE_HALF_LIFE_S,
		PP_IPRATROPIUM_HALF_LIFE_S, PP_MAGNESIUM_HALF_LIFE_S, PP_PREDNISOLONE_HALF_LIFE_S, PP_NOREPI_HALF_LIFE_S,
		PP_CEFTRIAXONE_HALF_LIFE_S, PP_PIPTAZ_HALF_LIFE_S, PP_MIDAZOLAM_HALF_LIFE_S, PP_PROPOFOL_HALF_LIFE_S,
		PP_KETAMINE_HALF_LIFE_S, PP_CALCIUM_HALF_LIFE_S, PP_CALCIUM_HALF_LIFE_S,
	};
	_Static_assert(sizeof hl / sizeof hl[0] == PATIENT_DRUG_COUNT_, "a half-life for every drug");
	for (int d = 0; d < PATIENT_DRUG_COUNT_; d++)
		p->decay[d] = hl[d] == PP_COUNT_ ? 1.0 : exp(-log(2.0) * H / p->par[hl[d]]);
	p->blood_vol0 = p->par[PP_BLOOD_VOLUME_PER_KG] * p->weight_kg;
}

void patient_model_set_rhythm(patient *p, patient_rhythm r)
{
	bool was = patient_rhythm_is_arrest(p->rhythm);
	bool now = patient_rhythm_is_arrest(r);
	if (now)
		p->was_arrest = true;
	if (now && !was)
		p->arrest_s = 0;
	if (was && !now) /* post-arrest myocardial dysfunction, deeper after a longer arrest */
		p->stun = fmax(p->stun, patient_clamp(0.3 + p->par[PP_POST_ARREST_STUN_PER_MIN] * p->arrest_s / 60.0, 0.3, 1));
	if (r == PATIENT_RHYTHM_PVT && p->rhythm != PATIENT_RHYTHM_PVT)
		p->pvt_s = 0;
	if (r == PATIENT_RHYTHM_VF_COARSE || r == PATIENT_RHYTHM_VF_FINE) {
		if (p->vf_amp < p->par[PP_ASYSTOLE_MV] * 2)
			p->vf_amp = p->par[PP_VF_AMP_MV] * p->reserve;
	}
	if (r != p->rhythm) {
		p->below_s = p->above_s = 0;
		LOG_D("t=%.2f rhythm %s -> %s", p->t, patient_rhythm_name(p->rhythm), patient_rhythm_name(r));
	}
	p->rhythm = r;
	p->v.rhythm = r;
}

static double hill(const patient *p, double po2)
{
	if (po2 <= 0)
		return 0;
	double x = pow(po2 / p->par[PP_P50], p->par[PP_HILL_N]);
	return x / (1.0 + x);
}

static void tick_drugs(patient *p)
{
	static const patient_param_id ec50[] = {
		PP_EPI_EC50_MG, PP_AMIO_EC50_MG, PP_LIDO_EC50_MG, PP_ATROPINE_EC50_MG, PP_ADENOSINE_EC50_MG,
		PP_SALBUTAMOL_EC50_MG, PP_CHLORPHENAMINE_EC50_MG, PP_HYDROCORTISONE_EC50_MG, PP_NALOXONE_EC50_MG,
		PP_COUNT_, /* dextrose: no effect of its own, it is glucose */
		PP_GLUCAGON_EC50_MG, PP_INSULIN_EC50_MG, PP_DOPAMINE_EC50_MG,
		PP_IPRATROPIUM_EC50_MG, PP_MAGNESIUM_EC50_MG, PP_PREDNISOLONE_EC50_MG, PP_NOREPI_EC50_MG,
		PP_ANTIBIOTIC_EC50_MG, PP_ANTIBIOTIC_EC50_MG, PP_MIDAZOLAM_EC50_MG, PP_PROPOFOL_EC50_MG, PP_KETAMINE_EC50_MG,
		PP_CALCIUM_EC50_MG, PP_COUNT_, /* gluconate: patient_cond_tick, a third of the chloride's calcium */
	};
	_Static_assert(sizeof ec50 / sizeof ec50[0] == PATIENT_DRUG_COUNT_, "an EC50 for every drug");
	for (int i = 0; i < p->npending;) {
		patient_pending_dose *d = &p->pending[i];
		if (p->t >= d->release_t) {
			patient_pk *k = &p->pk[d->drug];
			k->depot += d->dose_mg;
			k->depot_tau = d->tau_s;
			k->depot_route = d->route;
			p->pending[i] = p->pending[--p->npending];
		} else {
			i++;
		}
	}
	double q = patient_clamp(p->q, 0, 1.5);
	double k_line = patient_clamp(q / p->par[PP_IV_CIRCULATION_S] * H, 0, 1);
	/* IM and oral absorption need perfusion (some continues by diffusion with no flow); a nebulised
	 * dose reaches the airways only with ventilation */
	double k_im_flow = 0.15 + 0.85 * patient_clamp(p->q, 0, 1);
	double k_neb = patient_clamp(p->va, 0, 1);
	for (int d = 0; d < PATIENT_DRUG_COUNT_; d++) {
		patient_pk *k = &p->pk[d];
		k->line += p->infusion[d] * H / 60.0;
		k->central *= p->decay[d];
		double m = k->line * k_line;
		k->line -= m;
		k->central += m;
		if (k->depot > 0) {
			/* an IV depot is an injection given over a time: it runs in whatever the flow */
			double f = k->depot_route == PATIENT_ROUTE_NEB ? k_neb : k->depot_route == PATIENT_ROUTE_IV ? 1.0 : k_im_flow;
			double a = patient_clamp(f / k->depot_tau * H, 0, 1);
			m = k->depot * a;
			k->depot -= m;
			k->central += m;
		}
		k->effect = ec50[d] == PP_COUNT_ ? 0 : k->central / (k->central + p->par[ec50[d]]);
	}
	/* dextrose that reached the circulation is blood glucose (mg -> mmol in the glucose volume) */
	patient_pk *dx = &p->pk[PATIENT_DRUG_DEXTROSE];
	p->glucose += dx->central / 180.16 / (p->par[PP_GLUCOSE_VOLUME] * p->weight_kg);
	dx->central = 0;
}

/* Blood glucose: hepatic output (raised by glucagon, suppressed by insulin) against uptake (in
 * proportion to the glucose, raised by insulin), balanced at 5.5 mmol/L. */
static void tick_glucose(patient *p)
{
	double k = p->par[PP_GLUCOSE_TURNOVER] / (180.16 * p->par[PP_GLUCOSE_VOLUME]); /* mmol/L/min */
	double e_ins = p->pk[PATIENT_DRUG_INSULIN].effect, e_gn = p->pk[PATIENT_DRUG_GLUCAGON].effect;
	/* counter-regulation (glucagon, epinephrine, cortisol) raises the output below 3.9 mmol/L */
	double counter = p->par[PP_GLUCOSE_COUNTERREG_GAIN] * patient_clamp((3.9 - p->glucose) / 2.0, 0, 1);
	double out = k * (1.0 + p->par[PP_GLUCAGON_OUTPUT_GAIN] * e_gn + counter) * (1.0 - 0.7 * e_ins);
	double use = k * p->glucose / 5.5 * (1.0 + p->par[PP_INSULIN_UPTAKE_GAIN] * e_ins);
	p->glucose = patient_clamp(p->glucose + H / 60.0 * (out - use), 0.3, 60);
}

static void tick_conditions(patient *p)
{
	double e_epi = p->pk[PATIENT_DRUG_EPINEPHRINE].effect;
	if (p->anaph_sev > 0) {
		double block = patient_clamp(2.0 * e_epi * p->par[PP_ANAPH_EPI_EFFICACY], 0, 1);
		/* the allergen drive: 1 while the trigger runs, washes out once it is removed */
		p->anaph_drive = p->trigger_active ? 1.0 : lag(p->anaph_drive, 0, p->par[PP_ANAPH_TRIGGER_WASHOUT_S]);
		double dr = p->anaph_drive;
		double a = p->anaph_a;
		a += H * (dr * (1.0 - a) * (1.0 - block) / p->par[PP_ANAPH_PROGRESSION_S] -
		          a * (block + (1.0 - dr) * p->par[PP_ANAPH_SPONT_RECOVERY]) / p->par[PP_ANAPH_RECOVERY_S]);
		p->anaph_a = patient_clamp(a, 0, 1);
		double m = p->anaph_a * (1.0 - block);
		p->oedema_eff = p->w_oedema * m;
		/* salbutamol relaxes bronchial smooth muscle; it touches neither the oedema nor the vessels */
		p->bronch_eff = p->w_bronch * m *
		                (1.0 - p->par[PP_SALBUTAMOL_BRONCHODILATION] * p->pk[PATIENT_DRUG_SALBUTAMOL].effect);
		p->vaso_eff = p->w_vaso * m;
		/* skin: what an H1 antihistamine treats, and all it treats */
		p->skin_eff = m * (1.0 - p->par[PP_CHLORPHENAMINE_SKIN] * p->pk[PATIENT_DRUG_CHLORPHENAMINE].effect);
	}
	if (p->ptx_side != PATIENT_SIDE_NONE) {
		double pmax = p->par[PP_PTX_MAX_PRESSURE] * p->ptx_sev;
		double tau = p->par[PP_PTX_TAU_S];
		if (p->bvm_rate > 2 || p->intubated)
			tau *= 0.5; /* positive pressure ventilation pumps air into the pleura faster */
		double target, ctarget, vent_tau = p->par[PP_NEEDLE_VENT_TAU_S];
		if (p->chest_tube) {
			target = 0;
			ctarget = 0;
			vent_tau = p->par[PP_CHEST_TUBE_TAU_S];
		} else if (p->needle_in) {
			/* a 14 G catheter vents part of the tension, over a minute or two, and fails: slowly
			 * (clot, displacement) and, at a seeded time, outright (kink) */
			if (p->t >= p->needle_kink_t) {
				p->needle_patency *= 0.1;
				p->needle_kink_t = INFINITY;
				LOG_D("t=%.2f decompression catheter kinked", p->t);
			}
			p->needle_patency *= exp(-H / p->par[PP_NEEDLE_REACCUMULATION_S]);
			target = pmax * (1.0 - p->par[PP_NEEDLE_RELIEF] * p->needle_patency);
			ctarget = p->ptx_sev * (0.5 + 0.5 * (pmax > 0 ? p->ptx_p / pmax : 0));
		} else {
			target = pmax;
			ctarget = p->ptx_sev;
		}
		p->ptx_p = lag2(p->ptx_p, target, tau, vent_tau);
		p->ptx_collapse = lag2(p->ptx_collapse, ctarget, 30.0, 120.0);
	}
	/* bleeding from an uncontrolled vessel injury follows the pressure driving it (exponent 0: constant) */
	double bleed = p->bleed_rate;
	if (bleed > 0 && p->par[PP_BLEED_PRESSURE_EXPONENT] > 0)
		bleed *= pow(fmax(p->map, 0) / p->par[PP_MAP_SETPOINT], p->par[PP_BLEED_PRESSURE_EXPONENT]);
	double loss = (bleed + p->par[PP_ANAPH_LEAK] * p->vaso_eff) * H / 60.0;
	p->blood_vol -= loss;
	if (p->fluid_pending > 0) {
		double inf = p->par[PP_FLUID_RATE] * H / 60.0;
		if (inf > p->fluid_pending)
			inf = p->fluid_pending;
		p->fluid_pending -= inf;
		p->blood_vol += inf * p->par[PP_CRYSTALLOID_RETENTION];
	}
	if (p->blood_pending > 0) { /* a second line: blood runs alongside crystalloid */
		double inf = p->par[PP_FLUID_RATE] * H / 60.0;
		if (inf > p->blood_pending)
			inf = p->blood_pending;
		p->blood_pending -= inf;
		p->blood_vol += inf * p->par[PP_BLOOD_RETENTION];
	}
	p->blood_vol = patient_clamp(p->blood_vol, 0.3 * p->blood_vol0, 1.5 * p->blood_vol0);
}

static bool cpr_active(const patient *p)
{
	if (p->cpr_declared)
		return true;
	if (p->comp_count == 0)
		return false;
	double gap = 2.0 * p->comp_interval;
	if (gap < 1.5)
		gap = 1.5;
	return p->t - p->last_comp_t < gap;
}

static void tick_cpr(patient *p, bool active)
{
	double target = 0;
	if (active) {
		double rate = p->cpr_declared ? p->cpr_decl_rate : p->comp_rate;
		double depth = p->cpr_declared ? p->cpr_decl_depth : p->comp_depth;
		double rmin = p->par[PP_CPR_RATE_MIN], rmax = p->par[PP_CPR_RATE_MAX];
		double qr = 1.0;
		if (rate < rmin)
			qr = patient_clamp((rate - 40.0) / (rmin - 40.0), 0, 1);
		else if (rate > rmax)
			qr = patient_clamp(1.0 - (rate - rmax) / 100.0, 0.3, 1); /* too fast: poor filling */
		double dmin = p->par[PP_CPR_DEPTH_MIN];
		double qd = depth >= dmin ? 1.0 : pow(patient_clamp(depth / dmin, 0, 1), 1.5);
		target = p->par[PP_CPR_MAX_CO_FRACTION] * qr * qd;
	}
	p->cpr_flow = lag2(p->cpr_flow, target, p->par[PP_CPR_BUILDUP_S], p->par[PP_CPR_DECAY_S]);
	p->cpr_fraction = lag(p->cpr_fraction, active ? 1.0 : 0.0, 60.0);
}

static double fio2_of(const patient *p)
{
	double f = p->o2_flow;
	switch (p->o2_device) {
	case PATIENT_O2_NASAL:
		return 0.21 + 0.04 * patient_clamp(f, 0, 6);
	case PATIENT_O2_MASK:
		return f < 5 ? 0.21 + 0.028 * f : 0.35 + 0.04 * (patient_clamp(f, 5, 10) - 5);
	case PATIENT_O2_NONREBREATHER:
		return f < 10 ? 0.21 + 0.04 * f : 0.61 + 0.05 * (patient_clamp(f, 10, 15) - 10);
	case PATIENT_O2_BVM:
		return 0.21 + 0.79 * patient_clamp(f, 0, 15) / 15.0;
	case PATIENT_O2_NONE:
	case PATIENT_O2_COUNT_:
		break;
	}
	return 0.21;
}

void patient_model_tick(patient *p)
{
	tick_drugs(p);
	tick_glucose(p);
	p->opioid *= p->opioid_decay;
	tick_conditions(p);
	patient_cond_tick(p);
	bool active = cpr_active(p);
	tick_cpr(p, active);

	const double e_epi = p->pk[PATIENT_DRUG_EPINEPHRINE].effect;
	/* low concentrations act on beta receptors first (rate, contractility), alpha tone needs more */
	const double c_epi = p->pk[PATIENT_DRUG_EPINEPHRINE].central;
	const double e_beta = c_epi / (c_epi + p->par[PP_EPI_BETA_EC50_MG]);
	const double e_amio = p->pk[PATIENT_DRUG_AMIODARONE].effect;
	const double e_atro = p->pk[PATIENT_DRUG_ATROPINE].effect;
	const double e_aden = p->pk[PATIENT_DRUG_ADENOSINE].effect;
	const double e_salb = p->pk[PATIENT_DRUG_SALBUTAMOL].effect;
	const double e_dopa = p->pk[PATIENT_DRUG_DOPAMINE].effect;
	const double e_ne = p->pk[PATIENT_DRUG_NOREPINEPHRINE].effect;
	const double asth = p->asthma_b, seps = p->sepsis_a, ktox = p->k_tox;
	patient_rhythm r = p->rhythm;
	bool organised = rhythm_organised(r);
	/* opioid at the mu receptor, naloxone competing for it */
	const double e_opi = p->opioid / (p->opioid + 1.0 + p->pk[PATIENT_DRUG_NALOXONE].central / p->par[PP_NALOXONE_EC50_MG]);
	p->opioid_effect = e_opi;
	if (patient_rhythm_is_arrest(r))
		p->arrest_s += H;

	/* ---- oxygen debt: lactate ---- */
	double do2 = patient_clamp(p->q, 0, 2) * p->sao2 / 0.97;
	double deficit = patient_clamp(1.0 - do2 / p->par[PP_DO2_CRITICAL], 0, 1);
	p->lactate += H * (p->par[PP_LACTATE_MAX_RATE] / 60.0 * deficit -
	                   (p->lactate - 1.0) * patient_clamp(p->q, 0, 1) / p->par[PP_LACTATE_CLEARANCE_S]);
	p->lactate = patient_clamp(p->lactate, 0.5, 30);

	/* ---- the epinephrine surge: the answer of an intact circulation (a beating heart) to high
	 * concentrations, blunted by acidosis (lactate) and absent from a stunned post-arrest heart ---- */
	double ce = p->pk[PATIENT_DRUG_EPINEPHRINE].central / p->par[PP_EPI_SURGE_EC50_MG];
	double surge = ce * ce * ce / (1.0 + ce * ce * ce);
	double lx = fmax(0, p->lactate - 1.0) / p->par[PP_LACTATE_CATECHOLAMINE_K];
	p->surge = organised && r != PATIENT_RHYTHM_PEA ? surge / (1.0 + lx * lx) * (1.0 - p->stun) : 0;
	const double sg = p->surge;

	/* ---- breathing ---- */
	p->bvm_rate = lag(p->bvm_rate, p->breaths_since_tick * 60.0 / H, 20.0);
	p->breaths_since_tick = 0;
	double obstruction = p->oedema_eff * p->par[PP_ANAPH_OEDEMA_OBSTRUCTION];
	double patency;
	if (p->intubated)
		patency = 1.0;
	else
		/* an unconscious patient's tongue and soft palate fall back unless the airway is opened */
		patency = (1.0 - obstruction) *
		          (p->airway_open ? 1.0 : 0.3 + 0.7 * patient_clamp((p->brain - 0.1) / 0.25, 0, 1));
	double mech = (1.0 - 0.6 * p->bronch_eff) * (1.0 - 0.45 * p->ptx_collapse) * (1.0 - 0.35 * asth) *
	              (p->position == PATIENT_POS_SITTING ? 1.1 : 1.0); /* upright: the diaphragm works better */
	double mech_pp = (1.0 - 0.4 * p->bronch_eff) * (1.0 - 0.45 * p->ptx_collapse) * (1.0 - 0.3 * asth);
	double rr0 = p->par[PP_BASELINE_RR];
	/* the respiratory centre needs a perfused, oxygenated brainstem; a coma of other causes (glucose,
	 * opioids act on the drive separately) leaves it breathing */
	if (organised && r != PATIENT_RHYTHM_PEA && p->stem > 0.25) {
		double drive = 1.0 + 2.0 * fmax(0, 0.92 - p->sao2) / 0.3 + fmax(0, p->pa_co2 - 40) / 10.0 +
		               0.6 * p->bronch_eff + 0.8 * p->ptx_collapse + (p->map < 65 ? 0.3 : 0) + 1.2 * asth +
		               0.5 * seps;
		/* opioids depress the rate and its response to CO2 and hypoxia, down to apnoea */
		double rr = rr0 * drive * (p->stem < 0.6 ? p->stem / 0.6 : 1.0) * (1.0 - e_opi);
		p->spont_rr = lag(p->spont_rr, patient_clamp(rr, 4.0 * (1.0 - e_opi), 45), 10.0);
	} else {
		p->spont_rr = lag(p->spont_rr, 0, 3.0);
	}
	double va_spont = fmin(p->spont_rr / rr0, 2.5) * (p->spont_rr > 24 ? 0.8 : 1.0) * patency * mech;
	double seal = p->intubated ? 1.0
	                           : ((p->airway_open || p->brain > 0.6) ? 0.8 : 0.35) * (1.0 - obstruction);
	double va_bvm = p->bvm_rate / 12.0 * seal * mech_pp;
	double va = va_spont + va_bvm;
	if (va > 3.0)
		va = 3.0;
	p->va = va;
	p->airway_pressure = 15.0 + 25.0 * fmax(p->bronch_eff, asth) + 0.5 * p->ptx_p;

	/* ---- gas exchange ---- */
	double q = p->q;
	double fio2 = fio2_of(p);
	double kq = p->par[PP_BASELINE_PACO2] / 6.0 * q;
	double pa_target = va > 1e-3 ? p->pv_co2 * kq / (kq + va) : p->pv_co2;
	p->pa_co2 = lag(p->pa_co2, pa_target, 10.0);
	p->pv_co2 += p->par[PP_CO2_ACCUMULATION] / 60.0 * H * (1.0 - q * (p->pv_co2 - p->pa_co2) / 6.0);
	p->pv_co2 = patient_clamp(p->pv_co2, 15, 150);
	bool exhaling = va > 0.02 || active;
	double pf = patient_clamp(q / p->par[PP_ETCO2_FULL_PERFUSION], 0, 1);
	double et = exhaling ? p->pa_co2 * pf * (1.0 - 0.3 * fmax(p->bronch_eff, asth)) * 0.95 : 0;
	p->etco2 = lag2(p->etco2, et, 2.0, 4.0);

	double pA = fmax(0, fio2 * 713.0 - p->pa_co2 / 0.8);
	/* alveolar O2 follows the alveolar gas equation at the rate ventilation renews it, and is
	 * consumed by the pulmonary blood flow when ventilation falls short (apnoeic desaturation) */
	double vv = fmin(va, 1.5);
	p->pao2_eff += H * ((pA - p->pao2_eff) * vv / 8.0 - 1.0 * q * fmax(0, 1.0 - vv));
	p->pao2_eff = patient_clamp(p->pao2_eff, 0, 713);
	double sc = hill(p, p->pao2_eff);
	double shunt = p->par[PP_BASELINE_SHUNT] + p->par[PP_ANAPH_SHUNT] * p->bronch_eff +
	               p->par[PP_PTX_SHUNT] * p->ptx_collapse;
	shunt = patient_clamp(shunt, 0, 0.8);
	double svo2 = patient_clamp(p->sao2 - 0.25 / fmax(q, 0.2), 0.05, 1);
	/* arterial blood changes only as fast as it flows */
	/* asthma: blood through poorly ventilated units (low V/Q), which oxygen corrects, unlike a shunt */
	double vq = p->par[PP_ASTHMA_VQ] * asth;
	double s_vq = vq > 0 ? hill(p, p->pao2_eff * p->par[PP_ASTHMA_VQ_PO2]) : 0;
	double sa_t = (1.0 - shunt - vq) * sc + vq * s_vq + shunt * svo2;
	p->sao2 = lag(p->sao2, patient_clamp(sa_t, 0, 1), 3.0 / fmax(q, 0.05));
	p->spo2 = lag(p->spo2, p->sao2 * 100.0, 10.0);

	/* ---- haemodynamics ---- */
	double vol_ratio = p->blood_vol / p->blood_vol0;
	double ptx_factor = patient_clamp(1.0 - p->ptx_p / p->par[PP_PTX_CRITICAL_PRESSURE], 0, 1);
	double vol_preload = pow(patient_clamp(vol_ratio, 0.2, 1.5), p->par[PP_PRELOAD_EXPONENT]);
	/* posture: sitting up pools blood in the legs; venous tone compensates unless the veins are dilated
	 * (anaphylaxis, where the surge's alpha tone counters it) or already maximally constricted
	 * (hypovolaemia); raising the legs returns some */
	double posture = 1.0;
	if (p->position == PATIENT_POS_SITTING) {
		double uncomp = fmax(p->vaso_eff * (1.0 - sg), patient_clamp((1.0 - vol_ratio) / 0.3, 0, 1));
		posture = 1.0 - p->par[PP_SITTING_PRELOAD_DROP] - p->par[PP_SITTING_UNCOMPENSATED_DROP] * uncomp;
	} else if (p->position == PATIENT_POS_LEGS_RAISED) {
		posture = 1.0 + p->par[PP_LEGS_RAISED_PRELOAD_GAIN];
	}
	double preload = vol_preload * ptx_factor * posture *
	                 (1.0 - p->par[PP_ANAPH_VENODILATION] * p->vaso_eff * (1.0 - sg));
	double hyp = patient_clamp((p->sao2 - 0.4) / 0.35, 0, 1);
	double contract = p->reserve * (1.0 - p->par[PP_POST_ARREST_CONTRACTILITY_LOSS] * p->stun) * hyp *
	                  (1.0 + p->par[PP_EPI_INOTROPY] * e_beta + p->par[PP_EPI_SURGE_INOTROPY] * sg +
	                   p->par[PP_DOPAMINE_INOTROPY] * e_dopa + p->par[PP_NOREPI_INOTROPY] * e_ne) *
	                  (1.0 - 0.15 * e_amio) * (1.0 - p->par[PP_SEPSIS_CONTRACTILITY_LOSS] * seps) *
	                  (1.0 - p->par[PP_K_CONTRACTILITY_LOSS] * ktox);
	if (r == PATIENT_RHYTHM_PEA && p->primary_pea)
		contract *= 0.1;

	/* the sinus node: its own rate (diseased in sinus bradycardia; twice the ventricular rate of a 2:1
	 * Mobitz II) moved by the autonomic tone and the chronotropes */
	const patient_rhythm blk = p->brady_rhythm;
	double sinus_base = blk == PATIENT_RHYTHM_SINUS_BRADY ? p->brady_rate
	                  : blk == PATIENT_RHYTHM_AVB2_MOBITZ2 ? 2.0 * p->brady_rate : p->par[PP_BASELINE_HR];
	double chrono = p->par[PP_EPI_HR_GAIN] * e_beta + p->par[PP_EPI_SURGE_HR_GAIN] * sg +
	                p->par[PP_DOPAMINE_HR_GAIN] * e_dopa;
	double hypoxic = p->sao2 < 0.6 ? patient_clamp((p->sao2 - 0.25) / 0.35, 0.3, 1) : 1.0;
	/* a diseased sinus node barely answers the baroreflex (chronotropic incompetence) */
	double atrial = (sinus_base + (blk == PATIENT_RHYTHM_SINUS_BRADY ? 5.0 : 40.0) * p->symp + chrono +
	                 p->par[PP_ATROPINE_HR_GAIN] * e_atro + p->par[PP_SALBUTAMOL_HR_GAIN] * e_salb - 10.0 * e_amio +
	                 p->par[PP_ASTHMA_HR_GAIN] * asth + p->par[PP_SEPSIS_HR_GAIN] * seps) *
	                hypoxic * (1.0 - 0.9 * e_aden);
	atrial = patient_clamp(atrial * (1.0 - p->par[PP_K_HR_LOSS] * ktox), 20, p->par[PP_HR_MAX]);
	p->atrial_rate = lag(p->atrial_rate, atrial, 1.5);
	double hr_t = 0;
	bool block = rhythm_av_block(r) || (r == PATIENT_RHYTHM_PEA && rhythm_av_block(blk));
	if (block && blk == PATIENT_RHYTHM_AVB2_MOBITZ2) {
		/* infranodal block: faster atrial rates (atropine) meet a refractory His-Purkinje system */
		double lim = p->par[PP_AVB2_CONDUCTION_LIMIT];
		double ratio = p->atrial_rate > lim ? 3.0 : 2.0;
		hr_t = atrial / ratio;
	} else if (block) {
		/* complete block: an escape pacemaker, little moved by atropine, somewhat by catecholamines */
		hr_t = (p->brady_rate + 3.0 * p->symp + p->par[PP_CHRONOTROPE_ESCAPE_FRACTION] * chrono +
		        p->par[PP_ATROPINE_AVB3_FRACTION] * p->par[PP_ATROPINE_HR_GAIN] * e_atro) * hypoxic;
		hr_t = patient_clamp(hr_t, 15, p->par[PP_HR_MAX]);
	} else if (rhythm_sinus(r) || r == PATIENT_RHYTHM_PEA) {
		hr_t = atrial;
	} else if (r == PATIENT_RHYTHM_SVT) {
		hr_t = p->tachy_rate; /* a re-entry circuit: its own rate, deaf to the autonomic tone */
	} else if (r == PATIENT_RHYTHM_VT_PULSE) {
		hr_t = p->tachy_rhythm == PATIENT_RHYTHM_VT_PULSE ? p->tachy_rate : 170;
	} else if (r == PATIENT_RHYTHM_PVT) {
		hr_t = 190;
	}
	/* demand pacing: the pacemaker drives the ventricle when it is faster */
	patient_model_pacing(p);
	bool paced = p->pace_capture && p->pace_rate > hr_t;
	p->paced = paced;
	if (paced)
		hr_t = p->pace_rate;
	p->hr = lag(p->hr, hr_t, paced ? 0.5 : 1.5);
	double hr = p->hr;
	double fill = r == PATIENT_RHYTHM_SVT ? p->par[PP_SVT_FILL]
	            : r == PATIENT_RHYTHM_VT_PULSE ? (p->tachy_rhythm == PATIENT_RHYTHM_VT_PULSE ? p->par[PP_VT_FILL] : 0.55)
	            : hr > 100 ? patient_clamp(1.0 - (hr - 100) / 200.0, 0.45, 1)
	                       : 1.0 + p->par[PP_BRADY_SV_GAIN] * patient_clamp((60.0 - hr) / 30.0, 0, 1);
	if (paced)
		fill *= p->par[PP_PACED_SV_FRACTION];
	double sv0 = p->par[PP_BASELINE_CO] * 1000.0 / p->par[PP_BASELINE_HR];
	double sv = organised ? sv0 * contract * preload * fill : 0;
	double co_i = hr * sv / 1000.0;
	double svr = p->par[PP_SVR] * (1.0 - p->par[PP_ANAPH_SVR_DROP] * p->vaso_eff * (1.0 - sg)) *
	             (1.0 + p->par[PP_EPI_SVR_GAIN] * e_epi + p->par[PP_EPI_SURGE_SVR_GAIN] * sg +
	              p->par[PP_DOPAMINE_SVR_GAIN] * e_dopa * e_dopa) *
	             (1.0 + 0.4 * p->symp) * (1.0 - 0.1 * e_amio) * (1.0 - p->par[PP_POST_ARREST_VASOPLEGIA] * p->stun) *
	             (1.0 - p->par[PP_SEPSIS_SVR_DROP] * seps) * (1.0 + p->par[PP_NOREPI_SVR_GAIN] * e_ne);
	double cvp = p->par[PP_BASELINE_CVP] * patient_clamp(vol_ratio, 0.3, 1.5) * posture *
	                     (1.0 - p->par[PP_ANAPH_VENODILATION] * p->vaso_eff * (1.0 - sg)) +
	             0.8 * p->ptx_p;
	double map_i = co_i * svr + cvp;
	double pp_i = sv * p->par[PP_PULSE_PRESSURE_PER_SV];
	double sbp_i = map_i + pp_i * 2.0 / 3.0;
	double dbp_i = map_i - pp_i / 3.0;

	double co_cpr = p->cpr_flow * p->par[PP_BASELINE_CO] * ptx_factor * fmin(1.0, vol_preload);
	bool perfusing = organised && r != PATIENT_RHYTHM_PEA;
	double map_t, sbp_t, dbp_t, cpp, co;
	if (perfusing) {
		co = co_i;
		map_t = map_i;
		sbp_t = sbp_i;
		dbp_t = dbp_i;
		cpp = dbp_i - cvp;
	} else {
		co = co_i + co_cpr;
		double svr_a = svr * p->par[PP_CPR_ARREST_SVR_FRACTION];
		double mc = co_cpr * svr_a;
		double mi = co_i * svr_a;
		cpp = 0.9 * (mc + mi);
		dbp_t = cvp + cpp;
		map_t = cvp + 1.5 * mc + mi;
		sbp_t = cvp + 2.8 * mc + mi + pp_i * 2.0 / 3.0;
	}
	if (cpp < 0)
		cpp = 0;
	p->q = co / p->par[PP_BASELINE_CO];
	p->co = lag(p->co, co, 1.0);
	p->cpp = lag(p->cpp, cpp, 1.0);
	p->map = lag(p->map, map_t, 1.5);
	p->sbp = lag(p->sbp, sbp_t, 1.5);
	p->dbp = lag(p->dbp, dbp_t, 1.5);
	p->sbp_native = lag(p->sbp_native, organised ? sbp_i : 0, 1.5);
	p->cvp = cvp;
	p->svr = svr;
	p->sv = sv;

	/* baroreflex: sympathetic tone from the MAP error, only with a beating heart */
	double symp_t = organised ? patient_clamp(p->par[PP_BARO_GAIN] * (p->par[PP_MAP_SETPOINT] - map_i) / 30.0, -0.3, 1.5)
	                          : 0;
	p->symp = lag(p->symp, symp_t, 5.0);
	p->stun = lag(p->stun, 0, p->par[PP_ROSC_STUN_S]);

	/* ---- myocardial reserve and rhythm ---- */
	double perf = patient_clamp(cpp / p->par[PP_CPP_NORMAL], 0, 1) * patient_clamp(p->sao2 / 0.9, 0, 1);
	p->reserve += H * (-p->reserve * (1.0 - perf) / p->par[PP_ISCHEMIA_TAU_S] +
	                   (1.0 - p->reserve) * perf / p->par[PP_REPERFUSION_TAU_S]);
	p->reserve = patient_clamp(p->reserve, 0, 1);
	p->vf_amp = lag(p->vf_amp, p->par[PP_VF_AMP_MV] * p->reserve * (1.0 + 0.3 * e_epi), 10.0);

	switch (r) {
	case PATIENT_RHYTHM_VF_COARSE:
	case PATIENT_RHYTHM_VF_FINE: {
		double fine = p->par[PP_VF_FINE_MV];
		if (p->vf_amp < p->par[PP_ASYSTOLE_MV])
			patient_model_set_rhythm(p, PATIENT_RHYTHM_ASYSTOLE);
		else if (r == PATIENT_RHYTHM_VF_COARSE && p->vf_amp < fine * 0.95)
			patient_model_set_rhythm(p, PATIENT_RHYTHM_VF_FINE);
		else if (r == PATIENT_RHYTHM_VF_FINE && p->vf_amp > fine * 1.05)
			patient_model_set_rhythm(p, PATIENT_RHYTHM_VF_COARSE);
		break;
	}
	case PATIENT_RHYTHM_PVT:
		p->pvt_s += H;
		if (p->pvt_s >= p->par[PP_PVT_TO_VF_S])
			patient_model_set_rhythm(p, p->vf_amp >= p->par[PP_VF_FINE_MV] ? PATIENT_RHYTHM_VF_COARSE
			                                                               : PATIENT_RHYTHM_VF_FINE);
		break;
	case PATIENT_RHYTHM_ASYSTOLE:
	case PATIENT_RHYTHM_PEA:
		if (r == PATIENT_RHYTHM_ASYSTOLE || p->primary_pea) {
			double base = r == PATIENT_RHYTHM_ASYSTOLE ? p->par[PP_ASYSTOLE_ROSC_HAZARD] : p->par[PP_PEA_ROSC_HAZARD];
			double quality = patient_clamp(p->cpr_flow / p->par[PP_CPR_MAX_CO_FRACTION], 0, 1);
			double hz = base / 60.0 * quality * e_epi;
			if (hz > 0 && patient_rng_uniform(&p->rng) < hz * H) {
				/* an organised rhythm that may (with the reserve) perfuse */
				p->primary_pea = false;
				if (r == PATIENT_RHYTHM_ASYSTOLE)
					patient_model_set_rhythm(p, PATIENT_RHYTHM_PEA);
			}
		}
		if (p->rhythm == PATIENT_RHYTHM_PEA) {
			p->above_s = sbp_i >= p->par[PP_PULSE_PALPABLE_SBP] + 10 ? p->above_s + H : 0;
			if (p->above_s >= 3.0)
				patient_model_set_rhythm(p, perfusing_rhythm(p, hr, PATIENT_RHYTHM_SINUS));
		}
		break;
	case PATIENT_RHYTHM_SINUS:
	case PATIENT_RHYTHM_SINUS_TACHY:
	case PATIENT_RHYTHM_SINUS_BRADY:
	case PATIENT_RHYTHM_AVB2_MOBITZ2:
	case PATIENT_RHYTHM_AVB3:
	case PATIENT_RHYTHM_SVT:
	case PATIENT_RHYTHM_VT_PULSE:
		p->below_s = sbp_i < p->par[PP_PULSE_PALPABLE_SBP] ? p->below_s + H : 0;
		if (p->below_s >= p->par[PP_PEA_ONSET_S]) {
			p->primary_pea = false;
			patient_model_set_rhythm(p, PATIENT_RHYTHM_PEA);
		} else if (r == PATIENT_RHYTHM_VT_PULSE && p->tachy_rhythm != PATIENT_RHYTHM_VT_PULSE) {
			/* VT driven by catecholamine excess settles when the surge wears off */
			if (sg < 0.2 && patient_rng_uniform(&p->rng) < H / 60.0)
				patient_model_set_rhythm(p, perfusing_rhythm(p, hr, PATIENT_RHYTHM_SINUS));
		} else {
			/* catecholamine excess: ventricular ectopy runs into VT (a draw only during a surge) */
			if (sg > 0.05 && patient_rng_uniform(&p->rng) < p->par[PP_EPI_TOXIC_VT_HAZARD] * sg * sg / 60.0 * H)
				patient_model_set_rhythm(p, PATIENT_RHYTHM_VT_PULSE);
			else if (!rhythm_av_block(r) && r != PATIENT_RHYTHM_SVT && r != PATIENT_RHYTHM_VT_PULSE)
				patient_model_set_rhythm(p, perfusing_rhythm(p, hr, r));
		}
		break;
	case PATIENT_RHYTHM_COUNT_:
		break;
	}

	/* ---- consciousness ---- */
	double ox = patient_clamp((p->sao2 - 0.5) / 0.35, 0, 1);
	/* cerebral perfusion needs pressure and flow: below conscious_flow_threshold of the normal output
	 * (good CPR gives 0.3) the cortex is ischaemic (EEG silence below ~40% of normal cerebral flow) */
	double pb = patient_clamp((map_t - 25.0) / 40.0, 0, 1) *
	            patient_clamp((p->q - p->par[PP_CONSCIOUS_FLOW_THRESHOLD]) / 0.25, 0, 1);
	double narc = p->pa_co2 > 70 ? patient_clamp(1.0 - (p->pa_co2 - 70) / 50.0, 0.3, 1) : 1.0;
	double glu = patient_clamp((p->glucose - p->par[PP_GLUCOSE_BRAIN_LOW]) /
	                           (p->par[PP_GLUCOSE_BRAIN_FULL] - p->par[PP_GLUCOSE_BRAIN_LOW]), 0, 1);
	double sed = (1.0 - 0.9 * e_opi) * (1.0 - patient_cond_sedation(p));
	p->brain = lag2(p->brain, pb * ox * narc * glu * sed, 90.0, 6.0);
	p->stem = lag2(p->stem, pb * ox, 90.0, 6.0);

	if (patient_rhythm_is_arrest(p->rhythm))
		p->v.temperature_c -= 0.5 / 3600.0 * H;

	/* ---- displayed respiratory rate ---- */
	p->v.resp_rate = p->spont_rr + p->bvm_rate;
	p->v.fio2 = fio2;
	p->v.cpr_active = active;
	patient_model_update_vitals(p);
}

void patient_model_update_vitals(patient *p)
{
	patient_vitals *v = &p->v;
	v->time_s = p->t;
	v->rhythm = p->rhythm;
	bool organised = rhythm_organised(p->rhythm);
	v->pulse_present = organised && p->rhythm != PATIENT_RHYTHM_PEA && p->sbp_native >= p->par[PP_PULSE_PALPABLE_SBP];
	v->rosc = p->was_arrest && v->pulse_present;
	v->heart_rate = organised || p->rhythm == PATIENT_RHYTHM_PVT ? p->hr : 0;
	v->atrial_rate = organised ? p->atrial_rate : 0;
	v->pacing_capture = p->pace_capture;
	v->pacing_rate = p->pace_rate;
	v->pacing_current_ma = p->pace_ma;
	v->sbp = p->sbp;
	v->dbp = p->dbp;
	v->map = p->map;
	v->spo2_valid = v->pulse_present;
	v->spo2 = v->spo2_valid ? p->spo2 : 0;
	v->etco2 = p->etco2;
	double b = p->brain;
	v->avpu = b >= 0.8 ? PATIENT_AVPU_ALERT
	        : b >= 0.55 ? PATIENT_AVPU_VOICE
	        : b >= 0.3 ? PATIENT_AVPU_PAIN
	                   : PATIENT_AVPU_UNRESPONSIVE;
	v->cardiac_output = p->co;
	v->cpp = p->cpp;
	v->cvp = p->cvp;
	v->svr = p->svr;
	v->paco2 = p->pa_co2;
	double s = patient_clamp(p->sao2, 1e-4, 0.9999);
	v->pao2 = p->par[PP_P50] * pow(s / (1.0 - s), 1.0 / p->par[PP_HILL_N]);
	v->airway_pressure = p->airway_pressure;
	v->intrathoracic_pressure = p->ptx_p;
	v->blood_volume_ml = p->blood_vol;
	v->vf_amplitude_mv = (p->rhythm == PATIENT_RHYTHM_VF_COARSE || p->rhythm == PATIENT_RHYTHM_VF_FINE) ? p->vf_amp : 0;
	v->myocardial_reserve = p->reserve;
	v->cpr_rate = p->cpr_declared ? p->cpr_decl_rate : (p->comp_count > 1 ? p->comp_rate : 0);
	v->cpr_depth_cm = p->cpr_declared ? p->cpr_decl_depth : p->comp_depth;
	v->cpr_fraction = p->cpr_fraction;
	for (int d = 0; d < PATIENT_DRUG_COUNT_; d++) {
		v->drug_effect[d] = p->pk[d].effect;
		v->infusion_mcg_min[d] = p->infusion[d] * 1000.0;
	}
	v->shocks = p->shocks;
	v->pads = p->pads;
	v->position = p->position;
	v->trigger_active = p->trigger_active;
	v->lactate_mmol_l = p->lactate;
	v->urticaria = p->skin_eff;
	v->glucose_mmol_l = p->glucose;
	v->opioid_effect = p->opioid_effect;
	patient_cond_vitals(p);
}
