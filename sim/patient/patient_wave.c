/* Monitor waveforms at PATIENT_WAVE_HZ: ECG lead II, plethysmogram and capnogram.
 *
 * Shapes come from tables built once at create (an ECG beat as a sum of Gaussians, a pleth pulse,
 * a sine table); a sample costs a few lookups and no transcendental function. Noise comes from the
 * patient's wave PRNG stream, so waveforms are reproducible and never change an outcome. */
#include "patient_internal.h"

#include <math.h>

#define DS (1.0 / PATIENT_WAVE_HZ)
#define TWO_PI 6.283185307179586

static double gauss(double x, double mu, double sigma)
{
	double z = (x - mu) / sigma;
	return exp(-0.5 * z * z);
}

void patient_wave_init(patient *p)
{
	for (int i = 0; i < PATIENT_SINE_N; i++)
		p->sine[i] = (float)sin(TWO_PI * i / PATIENT_SINE_N);
	/* Lead II beat around the R peak (t = 0): P, Q, R, S, T (mV, s). */
	for (int i = 0; i < PATIENT_ECG_TPL_N; i++) {
		double t = PATIENT_ECG_TPL_T0 + i * 0.001;
		double qrst = -0.10 * gauss(t, -0.028, 0.008) + 1.20 * gauss(t, 0.0, 0.010) - 0.25 * gauss(t, 0.030, 0.009) +
		              0.30 * gauss(t, 0.27, 0.045);
		p->ecg_tpl[i] = (float)(0.15 * gauss(t, -0.16, 0.022) + qrst);
		p->ecg_qrst[i] = (float)qrst;
		/* a beat born in the ventricle (escape or paced): broad QRS, discordant T */
		p->ecg_wide[i] = (float)(0.95 * gauss(t, 0.0, 0.030) - 0.40 * gauss(t, 0.075, 0.030) -
		                         0.30 * gauss(t, 0.32, 0.060));
	}
	/* Pleth pulse over one beat: systolic upstroke, dicrotic notch, diastolic run-off. */
	double mx = 0;
	double tmp[PATIENT_SHAPE_N];
	for (int i = 0; i < PATIENT_SHAPE_N; i++) {
		double u = (double)i / PATIENT_SHAPE_N;
		double v = gauss(u, 0.20, 0.075) + 0.45 * gauss(u, 0.45, 0.09) + 0.15 * gauss(u, 1.20, 0.25) +
		           0.15 * gauss(u, -0.20, 0.25);
		tmp[i] = v;
		if (v > mx)
			mx = v;
	}
	for (int i = 0; i < PATIENT_SHAPE_N; i++)
		p->pleth_shape[i] = (float)(tmp[i] / mx);
	p->rr = 60.0 / p->par[PP_BASELINE_HR];
	p->p_rr = p->rr;
	p->breath_period = 60.0 / p->par[PP_BASELINE_RR];
}

/* sin(2 pi x) for x in cycles, any sign */
static double sine(const patient *p, double x)
{
	x -= floor(x);
	int i = (int)(x * PATIENT_SINE_N);
	return p->sine[i & (PATIENT_SINE_N - 1)];
}

static double tpl_at(const float *tpl, double t)
{
	double x = (t - PATIENT_ECG_TPL_T0) * 1000.0;
	if (x < 0 || x >= PATIENT_ECG_TPL_N - 1)
		return 0;
	int i = (int)x;
	double f = x - i;
	return tpl[i] + (tpl[i + 1] - tpl[i]) * f;
}

/* A P wave on its own, t seconds after the start of the atrial beat (peak at 0.06 s). */
static double p_wave(const patient *p, double t)
{
	return tpl_at(p->ecg_tpl, t - 0.22) - tpl_at(p->ecg_qrst, t - 0.22);
}

static double ecg_tpl(const patient *p, double t)
{
	double x = (t - PATIENT_ECG_TPL_T0) * 1000.0;
	if (x < 0 || x >= PATIENT_ECG_TPL_N - 1)
		return 0;
	int i = (int)x;
	double f = x - i;
	return p->ecg_tpl[i] + (p->ecg_tpl[i + 1] - p->ecg_tpl[i]) * f;
}

static double wrap01(double u)
{
	return u - floor(u);
}

static double pleth_at(const patient *p, double u)
{
	int i = (int)(wrap01(u) * PATIENT_SHAPE_N);
	return p->pleth_shape[i & (PATIENT_SHAPE_N - 1)];
}

static void gen_sample(patient *p, int slot)
{
	const patient_rhythm r = p->rhythm;
	const bool cpr = p->v.cpr_active;
	double ecg = 0;

	/* beat clock: every rhythm with complexes */
	const bool avb = r == PATIENT_RHYTHM_AVB2_MOBITZ2 || r == PATIENT_RHYTHM_AVB3;
	const bool paced = p->paced;
	bool beats = r == PATIENT_RHYTHM_SINUS || r == PATIENT_RHYTHM_SINUS_TACHY || r == PATIENT_RHYTHM_SINUS_BRADY ||
	             r == PATIENT_RHYTHM_PEA || r == PATIENT_RHYTHM_VT_PULSE || r == PATIENT_RHYTHM_PVT || avb ||
	             r == PATIENT_RHYTHM_SVT;
	p->beat_t += DS;
	if (p->beat_t >= p->rr) {
		p->beat_t -= p->rr;
		if (p->beat_t >= p->rr)
			p->beat_t = 0;
		double hr = p->hr > 15 ? p->hr : 15;
		double jitter = (r == PATIENT_RHYTHM_VT_PULSE || r == PATIENT_RHYTHM_PVT || r == PATIENT_RHYTHM_SVT || paced)
		                        ? 0
		                        : 0.03 * (patient_rng_uniform(&p->wave_rng) - 0.5);
		p->rr = 60.0 / hr * (1.0 + jitter);
		if (r == PATIENT_RHYTHM_AVB2_MOBITZ2) { /* the conducted P precedes this QRS by 0.16 s */
			double n = floor(p->atrial_rate / hr + 0.5);
			p->p_rr = p->rr / (n >= 2 ? n : 2);
			p->p_t = 0.22 - p->beat_t;
		}
	}
	/* atrial clock: P waves of their own in AV block and under pacing */
	p->p_t += DS;
	if (p->p_t >= p->p_rr) {
		p->p_t -= p->p_rr;
		if (r != PATIENT_RHYTHM_AVB2_MOBITZ2)
			p->p_rr = 60.0 / (p->atrial_rate > 15 ? p->atrial_rate : 15);
	}
	/* pacing spikes: the pacemaker fires at its rate while the heart is slower (or does not capture) */
	p->pace_t += DS;
	bool firing = p->pace_rate > 0 && p->pads != PATIENT_PADS_NONE && (paced || !p->pace_capture);
	if (firing && p->pace_t >= 60.0 / p->pace_rate) {
		p->pace_t = 0;
		if (paced) { /* the captured beat follows the spike */
			p->beat_t = -0.04;
			p->rr = 60.0 / p->pace_rate;
		}
	}
	if (firing && p->pace_t < 1.5 * DS)
		ecg += 2.5;
	if (beats) {
		if (r == PATIENT_RHYTHM_VT_PULSE || r == PATIENT_RHYTHM_PVT) {
			double u = p->beat_t / p->rr;
			ecg += 1.3 * sine(p, u) + 0.35 * sine(p, 2.0 * u + 0.1);
		} else if (avb || paced) {
			bool wide = paced || (r == PATIENT_RHYTHM_AVB3 && p->hr < 40);
			const float *tpl = wide ? p->ecg_wide : p->ecg_qrst;
			ecg += tpl_at(tpl, p->beat_t) + tpl_at(tpl, p->beat_t - p->rr) + p_wave(p, p->p_t);
		} else {
			/* QT shortens with rate: compress the template by sqrt(RR / 0.8 s) */
			double k = p->rr >= 0.8 ? 1.0 : (p->rr <= 0.24 ? 0.55 : sqrt(p->rr / 0.8));
			double inv = 1.0 / k;
			if (p->k_tox > 0.5) /* hyperkalaemia: wide complexes, no P waves */
				ecg += tpl_at(p->ecg_wide, p->beat_t) + tpl_at(p->ecg_wide, p->beat_t - p->rr);
			else if (r == PATIENT_RHYTHM_SVT) /* narrow and regular, the P waves hidden in the QRS */
				ecg += tpl_at(p->ecg_qrst, p->beat_t * inv) + tpl_at(p->ecg_qrst, (p->beat_t - p->rr) * inv);
			else
				ecg += ecg_tpl(p, p->beat_t * inv) + ecg_tpl(p, (p->beat_t - p->rr) * inv);
			if (r == PATIENT_RHYTHM_PEA)
				ecg *= 0.7;
		}
	} else if (r == PATIENT_RHYTHM_VF_COARSE || r == PATIENT_RHYTHM_VF_FINE) {
		p->vf_slow = wrap01(p->vf_slow + 0.13 * DS);
		double m = sine(p, p->vf_slow);
		p->vf_ph[0] = wrap01(p->vf_ph[0] + (4.3 + 0.7 * m) * DS);
		p->vf_ph[1] = wrap01(p->vf_ph[1] + (6.1 - 0.5 * m) * DS);
		p->vf_ph[2] = wrap01(p->vf_ph[2] + 8.3 * DS);
		double env = 0.8 + 0.2 * sine(p, 3.0 * p->vf_slow + 0.25);
		ecg += p->vf_amp * env * (0.75 * sine(p, p->vf_ph[0]) + 0.35 * sine(p, p->vf_ph[1]) + 0.2 * sine(p, p->vf_ph[2]));
	}
	/* baseline wander and noise */
	p->wander_ph = wrap01(p->wander_ph + 0.23 * DS);
	ecg += 0.04 * sine(p, p->wander_ph) + 0.02 * (patient_rng_uniform(&p->wave_rng) - 0.5);

	/* compression artefact: a half sine per compression, as large as the compression is deep */
	p->comp_phase_t += DS;
	double comp = 0;
	if (cpr) {
		double rate = p->cpr_declared ? p->cpr_decl_rate : (p->comp_rate > 0 ? p->comp_rate : 100);
		double depth = p->cpr_declared ? p->cpr_decl_depth : p->comp_depth;
		double u = p->comp_phase_t * rate / 60.0;
		if (u < 0.5)
			comp = sine(p, u) * depth / 5.0;
		ecg += 0.9 * comp;
	}

	/* plethysmogram */
	double pl = 0;
	if (p->v.pulse_present) {
		double amp = patient_clamp(p->sv / 60.0, 0.05, 1.3);
		pl = amp * pleth_at(p, (p->beat_t - 0.15) / p->rr);
	} else if (cpr) {
		pl = 0.3 * comp * patient_clamp(p->cpr_flow / p->par[PP_CPR_MAX_CO_FRACTION], 0, 1);
	}

	/* capnogram: inspiration (0), then expiration rising to the end-tidal plateau */
	p->breath_t += DS;
	double co2 = 0;
	double et = p->etco2;
	if (p->breath_event_mode) {
		const double ti = 1.0;
		if (p->spont_rr > 2 && p->breath_t > 60.0 / p->spont_rr + ti) {
			p->breath_event_mode = false;
			p->breath_t = 0;
		} else if (p->breath_t > ti) {
			double te = p->breath_t - ti;
			double rise = 0.12 + 0.5 * p->bronch_eff;
			double u = te / rise;
			double s = u < 1 ? u * u * (3 - 2 * u) : 1.0;
			double fade = te > 6.0 ? patient_clamp(1.0 - (te - 6.0), 0, 1) : 1.0;
			co2 = et * s * (0.92 + 0.08 * fmin(1.0, te / 3.0)) * fade;
		}
	} else if (p->spont_rr > 1) {
		double T = 60.0 / p->spont_rr;
		if (p->breath_t >= T)
			p->breath_t = p->breath_t >= 2 * T ? 0 : p->breath_t - T;
		double ti = 0.4 * T;
		if (p->breath_t > ti) {
			double te = p->breath_t - ti;
			double rise = 0.12 + 0.5 * p->bronch_eff;
			double u = te / rise;
			double s = u < 1 ? u * u * (3 - 2 * u) : 1.0;
			co2 = et * s * (0.92 + 0.08 * te / (T - ti));
		}
	}

	p->w_ecg[slot] = (float)ecg;
	p->w_pleth[slot] = (float)pl;
	p->w_co2[slot] = (float)co2;
}

void patient_wave_generate(patient *p)
{
	p->wave_n = 0;
	p->last_first_index = p->sample_index;
	while ((double)p->sample_index * DS <= p->t + 1e-9 && p->wave_n < PATIENT_WAVE_MAX_PER_STEP) {
		gen_sample(p, p->wave_n++);
		p->sample_index++;
	}
}

size_t patient_waves_append(const patient *p, patient_wave_ring *ring)
{
	if (!p || !ring || ring->capacity == 0)
		return 0;
	for (int i = 0; i < p->wave_n; i++) {
		size_t k = (size_t)(ring->written % ring->capacity);
		if (ring->ecg_mv)
			ring->ecg_mv[k] = p->w_ecg[i];
		if (ring->pleth)
			ring->pleth[k] = p->w_pleth[i];
		if (ring->co2_mmhg)
			ring->co2_mmhg[k] = p->w_co2[i];
		ring->written++;
	}
	return (size_t)p->wave_n;
}

uint64_t patient_waves_last_first_index(const patient *p)
{
	return p->last_first_index;
}
