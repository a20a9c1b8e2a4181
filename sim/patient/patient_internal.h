/* Internal state of the patient model, shared by patient.c, patient_model.c and patient_wave.c. */
#ifndef SCRUB_PATIENT_INTERNAL_H
#define SCRUB_PATIENT_INTERNAL_H

#include "patient.h"
#include "patient_params.h"

#define PATIENT_SLOW_DT 0.1          /* the physiology tick, s */
#define PATIENT_MAX_PENDING 16       /* IM doses waiting for their onset lag */
#define PATIENT_ECG_TPL_N 800        /* ECG beat template, 1 ms resolution, -0.25 .. +0.55 s around R */
#define PATIENT_ECG_TPL_T0 (-0.25)
#define PATIENT_SHAPE_N 256          /* pleth and VT shapes over one cycle */
#define PATIENT_SINE_N 1024

typedef struct patient_rng {
	uint64_t s[4];
} patient_rng;

uint64_t patient_rng_next(patient_rng *r);
double patient_rng_uniform(patient_rng *r); /* [0, 1) */
void patient_rng_seed(patient_rng *r, uint64_t seed);

typedef struct patient_pk {
	double line;     /* mg given IV/IO, not yet in the central circulation */
	double depot;    /* mg in an IM depot */
	double depot_tau;/* s, absorption time constant of that depot */
	patient_route depot_route; /* IM, NEB or PO: what limits the absorption (perfusion or ventilation) */
	double central;  /* mg, effective central amount */
	double effect;   /* 0..1 */
} patient_pk;

typedef struct patient_pending_dose {
	double release_t;
	double dose_mg;
	double tau_s;
	patient_drug drug;
	patient_route route;
} patient_pending_dose;

struct patient {
	double par[PP_COUNT_];
	double weight_kg, age_years;
	patient_sex sex;
	patient_rng rng;       /* outcomes: shocks, hazards */
	patient_rng wave_rng;  /* waveform noise only, so drawing never changes an outcome */

	double t;
	double slow_acc;

	/* cached per-tick factors (depend on parameters) */
	double decay[PATIENT_DRUG_COUNT_];

	/* rhythm and heart */
	patient_rhythm rhythm;
	bool was_arrest;        /* an arrest happened: a later perfusing rhythm is ROSC */
	bool primary_pea;       /* PEA of cardiac origin (ROSC only by the hazard) */
	double reserve;         /* myocardial reserve 0..1 */
	double stun;            /* 0..1 post-arrest myocardial dysfunction, recovers over hours */
	double arrest_s;        /* time spent in the current (or last) arrest */
	double lactate;         /* mmol/L */
	double surge;           /* 0..1 epinephrine surge the circulation answers (after lactate blunting) */
	double vf_amp;          /* mV */
	double pvt_s;           /* time in pVT */
	double below_s, above_s;/* time with the intrinsic SBP below / above the pulse threshold */
	int shocks;
	int failed_shocks;      /* delivered shocks in VF/pVT that failed since the last conversion */
	patient_pads pads;
	patient_position position;
	patient_rhythm brady_rhythm; /* SINUS: none; SINUS_BRADY, AVB2_MOBITZ2 or AVB3: the conduction disease */
	double brady_rate;      /* its ventricular (or sinus) rate without drugs */
	double atrial_rate;     /* /min */
	double pace_rate, pace_ma; /* 0: off */
	bool pace_capture;
	bool paced;             /* the pacemaker drives the ventricle (captures and is faster) */
	double infusion[PATIENT_DRUG_COUNT_]; /* mg/min into the IV line */

	/* CPR */
	bool cpr_declared;
	double cpr_decl_rate, cpr_decl_depth;
	double decl_next_t;     /* time of the next declared compression */
	double last_comp_t;     /* time of the last compression (declared or sampled) */
	bool comp_seen;         /* a compression (declared or sampled) has happened */
	double comp_interval;   /* s, last interval */
	double comp_rate, comp_depth; /* EMA of the measured rate and depth */
	int comp_count;
	double cpr_flow;        /* lagged CPR output, fraction of baseline_co */
	double cpr_fraction;

	/* airway and breathing */
	bool airway_open, intubated;
	patient_o2_device o2_device;
	double o2_flow;
	int breaths_since_tick;
	double bvm_rate;        /* EMA, /min */
	double va;              /* alveolar ventilation of the last tick, fraction of normal */
	double last_breath_t;
	double spont_rr;

	/* conditions */
	double anaph_sev, anaph_a;
	bool trigger_active;    /* the anaphylactic trigger still runs */
	double anaph_drive;     /* 0..1 allergen drive: 1 while the trigger runs, washes out after */
	double w_oedema, w_bronch, w_vaso;
	double oedema_eff, bronch_eff, vaso_eff, skin_eff;
	double opioid, opioid_decay; /* opioid receptor drive (effect o/(1 + o) without naloxone), its decay per tick */
	double opioid_effect;        /* 0..1, with naloxone */
	double glucose;              /* mmol/L */
	/* tachyarrhythmia, asthma and sepsis conditions (patient_cond.c) */
	patient_rhythm tachy_rhythm; /* SINUS: none; SVT or VT_PULSE: the condition's rhythm */
	double tachy_rate, vagal_rank, aden_mg;
	int vt_shocks_needed, vt_sync_shocks;
	double asthma_sev, asthma_a; /* severity at the start; the airway inflammation and spasm 0..1 */
	double asthma_b;             /* effective bronchospasm after bronchodilators */
	double steroid;              /* 0..1 anti-inflammatory steroid action (lagged hours behind the drug) */
	double sepsis_a;             /* 0..1 the septic process */
	bool hyperk;                 /* the hyperkalaemia condition */
	double k0, k_shift, k_tox;   /* potassium without shifts (rises), shifted into cells, cardiotoxicity */
	patient_side ptx_side;
	double ptx_sev, ptx_p, ptx_collapse, needle_patency;
	double needle_kink_t;   /* time the catheter kinks outright (drawn at insertion) */
	bool needle_in, chest_tube;

	/* volume */
	double blood_vol0, blood_vol, bleed_rate, fluid_pending, blood_pending;
	bool access;

	/* drugs */
	patient_pk pk[PATIENT_DRUG_COUNT_];
	patient_pending_dose pending[PATIENT_MAX_PENDING];
	int npending;

	/* gases */
	double pv_co2, pa_co2, pao2_eff, sao2, spo2, etco2;

	/* haemodynamics (lagged, displayed) */
	double hr, map, sbp, dbp, co, cpp, cvp, svr, symp, brain, q;
	double stem;            /* brainstem perfusion index (pressure, flow, oxygen): drives breathing */
	double sv;              /* mL, for the pleth amplitude */
	double sbp_native;      /* mmHg, lagged systolic pressure the heart itself generates (the palpable pulse) */
	double airway_pressure;

	patient_vitals v;

	/* waveform generator */
	double beat_t, rr;      /* time since the last R wave, current R-R interval */
	double p_t, p_rr;       /* atrial clock: time since the last P wave, P-P interval */
	double pace_t;          /* time since the last pacing spike */
	double vf_ph[3], vf_slow;
	double breath_t, breath_period;
	bool breath_event_mode; /* last breath came from a BVM event */
	double comp_phase_t;    /* time since the last compression */
	double wander_ph;
	uint64_t sample_index;  /* samples generated since time 0 */
	uint64_t last_first_index;
	int wave_n;
	float w_ecg[PATIENT_WAVE_MAX_PER_STEP], w_pleth[PATIENT_WAVE_MAX_PER_STEP],
		w_co2[PATIENT_WAVE_MAX_PER_STEP];
	float ecg_tpl[PATIENT_ECG_TPL_N];
	float ecg_qrst[PATIENT_ECG_TPL_N];  /* the same beat without its P wave */
	float ecg_wide[PATIENT_ECG_TPL_N];  /* a wide ventricular (escape or paced) beat */
	float pleth_shape[PATIENT_SHAPE_N];
	float sine[PATIENT_SINE_N];
};

/* a known parameter within its range: its index in *out_i (logs the error otherwise) */
scrub_result patient_param_check(const char *name, double value, int *out_i);
void patient_model_tick(patient *p);      /* one PATIENT_SLOW_DT physiology step */
void patient_model_refresh(patient *p);   /* recompute cached factors after a parameter change */
void patient_model_update_vitals(patient *p);
void patient_model_set_rhythm(patient *p, patient_rhythm r);
void patient_model_pacing(patient *p);    /* recompute the capture after a change of pacing or rhythm */
/* patient_cond.c: the tachyarrhythmia, asthma and sepsis conditions */
void patient_cond_init(patient *p, const patient_config *c);
scrub_result patient_cond_validate(const patient_config *c);
void patient_cond_tick(patient *p);       /* after the other conditions, before breathing */
/* Drugs whose delivery the conditions judge (adenosine, injections over time); false: not handled. */
bool patient_cond_drug(patient *p, const patient_action *a, patient_outcome *o);
/* A delivered shock on an SVT or the VT condition: true when handled (*effective, *kind, *why set). */
bool patient_cond_shock(patient *p, const patient_action *a, bool *effective, patient_complication *kind, const char **why);
scrub_result patient_cond_vagal(patient *p, const patient_action *a, patient_outcome *o);
/* Sedation 0..1 from midazolam, propofol and ketamine. */
double patient_cond_sedation(const patient *p);
void patient_cond_vitals(patient *p);
void patient_wave_init(patient *p);
void patient_wave_generate(patient *p);   /* samples up to p->t */

static inline double patient_clamp(double x, double lo, double hi)
{
	return x < lo ? lo : (x > hi ? hi : x);
}

#endif
