/* The virtual patient: a lumped, deterministic physiology model for emergency scenarios.
 *
 *   patient *p;
 *   patient_create(&(patient_config){ .seed = 7, .arrest = { .present = true,
 *                                     .rhythm = PATIENT_RHYTHM_VF_COARSE } }, &p);
 *   patient_apply(p, &(patient_action){ .kind = PATIENT_ACT_CPR_START }, &outcome);
 *   for (...) patient_step(p, 0.01);
 *   const patient_vitals *v = patient_vitals_get(p);
 *   patient_destroy(&p);
 *
 * Headless and pure: the state advances only through patient_step() with the caller's fixed dt and
 * through patient_apply(); every random draw comes from a PRNG seeded by the config, so one seed,
 * one dt and one sequence of actions always give bitwise identical vitals and waveforms.
 * The equations and their sources are in docs/physiology.md. No allocation after create. */
#ifndef SCRUB_PATIENT_H
#define SCRUB_PATIENT_H

#include "result.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct patient patient;

/* ---- Enumerations (each has a name function returning a stable lower-case identifier) ---- */

typedef enum patient_rhythm {
	PATIENT_RHYTHM_SINUS = 0,
	PATIENT_RHYTHM_SINUS_TACHY,
	PATIENT_RHYTHM_SINUS_BRADY,
	PATIENT_RHYTHM_VF_COARSE,
	PATIENT_RHYTHM_VF_FINE,
	PATIENT_RHYTHM_PVT,      /* pulseless ventricular tachycardia */
	PATIENT_RHYTHM_VT_PULSE, /* ventricular tachycardia with a pulse */
	PATIENT_RHYTHM_ASYSTOLE,
	PATIENT_RHYTHM_PEA,      /* pulseless electrical activity */
	PATIENT_RHYTHM_AVB2_MOBITZ2, /* second-degree AV block, Mobitz II (2:1, 3:1 at fast atrial rates) */
	PATIENT_RHYTHM_AVB3,     /* third-degree (complete) AV block with an escape rhythm */
	PATIENT_RHYTHM_SVT,      /* supraventricular (AV nodal re-entry) tachycardia: narrow, regular, no P waves */
	PATIENT_RHYTHM_COUNT_
} patient_rhythm;

typedef enum patient_avpu {
	PATIENT_AVPU_ALERT = 0,
	PATIENT_AVPU_VOICE,
	PATIENT_AVPU_PAIN,
	PATIENT_AVPU_UNRESPONSIVE,
	PATIENT_AVPU_COUNT_
} patient_avpu;

typedef enum patient_sex { PATIENT_SEX_UNSPECIFIED = 0, PATIENT_SEX_MALE, PATIENT_SEX_FEMALE } patient_sex;

typedef enum patient_side { PATIENT_SIDE_NONE = 0, PATIENT_SIDE_LEFT, PATIENT_SIDE_RIGHT } patient_side;

/* Vertical lines of the chest wall, medial to lateral. PARASTERNAL stands for any site medial to the
 * mid-clavicular (nipple) line. */
typedef enum patient_line {
	PATIENT_LINE_PARASTERNAL = 0,
	PATIENT_LINE_MIDCLAVICULAR,
	PATIENT_LINE_ANTERIOR_AXILLARY,
	PATIENT_LINE_MID_AXILLARY,
	PATIENT_LINE_COUNT_
} patient_line;

typedef enum patient_drug {
	PATIENT_DRUG_EPINEPHRINE = 0, /* adrenaline */
	PATIENT_DRUG_AMIODARONE,
	PATIENT_DRUG_LIDOCAINE,
	PATIENT_DRUG_ATROPINE,
	PATIENT_DRUG_ADENOSINE,
	PATIENT_DRUG_SALBUTAMOL,     /* albuterol: nebulised (or IV/IO); relieves bronchospasm only */
	PATIENT_DRUG_CHLORPHENAMINE, /* H1 antihistamine: skin symptoms only, no effect on BP or airway */
	PATIENT_DRUG_HYDROCORTISONE, /* no acute effect (hours) */
	PATIENT_DRUG_NALOXONE,       /* opioid antagonist, shorter-acting than most opioids */
	PATIENT_DRUG_DEXTROSE,       /* glucose: dose in mg (25 g = 25000 mg), IV/IO or PO */
	PATIENT_DRUG_GLUCAGON,       /* raises hepatic glucose output: IM or IV */
	PATIENT_DRUG_INSULIN,        /* dose in mg: PATIENT_INSULIN_MG_PER_UNIT per international unit */
	PATIENT_DRUG_DOPAMINE,       /* by infusion only (PATIENT_ACT_INFUSION) */
	PATIENT_DRUG_IPRATROPIUM,    /* nebulised anticholinergic bronchodilator (asthma) */
	PATIENT_DRUG_MAGNESIUM,      /* magnesium sulfate: IV over 20 min, bronchodilator in severe asthma */
	PATIENT_DRUG_PREDNISOLONE,   /* oral corticosteroid: acts over hours, like hydrocortisone */
	PATIENT_DRUG_NOREPINEPHRINE, /* noradrenaline: by infusion only, alpha-1 vasoconstrictor */
	PATIENT_DRUG_CEFTRIAXONE,    /* antibiotics: stop the progression of sepsis */
	PATIENT_DRUG_PIPERACILLIN_TAZOBACTAM,
	PATIENT_DRUG_MIDAZOLAM,      /* sedatives (before a cardioversion): consciousness only */
	PATIENT_DRUG_PROPOFOL,
	PATIENT_DRUG_KETAMINE,
	PATIENT_DRUG_CALCIUM_CHLORIDE,  /* membrane stabilisation in hyperkalaemia (10 mL of 10 % = 1 g) */
	PATIENT_DRUG_CALCIUM_GLUCONATE, /* the same with a third of the calcium per gram */
	PATIENT_DRUG_COUNT_
} patient_drug;

/* Insulin doses are given in mg like every other drug: 1 IU of human insulin = 0.0347 mg. */
#define PATIENT_INSULIN_MG_PER_UNIT 0.0347

typedef enum patient_route {
	PATIENT_ROUTE_IV = 0,
	PATIENT_ROUTE_IO,
	PATIENT_ROUTE_IM,
	PATIENT_ROUTE_NEB, /* nebulised */
	PATIENT_ROUTE_PO,  /* by mouth: needs an alert patient */
	PATIENT_ROUTE_IN,  /* intranasal (naloxone): a depot absorbed in part (in_bioavailability) */
	PATIENT_ROUTE_COUNT_
} patient_route;

typedef enum patient_im_site {
	PATIENT_IM_SITE_THIGH = 0, /* anterolateral thigh (vastus lateralis), the recommended site */
	PATIENT_IM_SITE_DELTOID,
	PATIENT_IM_SITE_GLUTEAL,
	PATIENT_IM_SITE_COUNT_
} patient_im_site;

typedef enum patient_o2_device {
	PATIENT_O2_NONE = 0,
	PATIENT_O2_NASAL,          /* nasal cannula, 1-6 L/min */
	PATIENT_O2_MASK,           /* simple face mask, 5-10 L/min */
	PATIENT_O2_NONREBREATHER,  /* mask with reservoir, 10-15 L/min */
	PATIENT_O2_BVM,            /* bag-valve-mask (or bag on a tube) with reservoir */
	PATIENT_O2_COUNT_
} patient_o2_device;

/* Defibrillator pads. NONE: no pads (removed); a shock needs pads. Anterolateral (right
 * infraclavicular + left mid-axillary at V6) and anteroposterior (left precordium + left infrascapular)
 * are the standard positions (AHA 2020, ERC 2021); they are equivalent for a first shock, and after
 * three failed shocks the anteroposterior "vector change" raises the success odds (DOSE-VF, Cheskes et
 * al., NEJM 2022). MISPLACED: any other position (both pads on the front of the chest, pads touching,
 * over the breast tissue, too medial): the current misses most of the heart. */
typedef enum patient_pads {
	PATIENT_PADS_NONE = 0,
	PATIENT_PADS_ANTEROLATERAL,
	PATIENT_PADS_ANTEROPOSTERIOR,
	PATIENT_PADS_MISPLACED,
	PATIENT_PADS_COUNT_
} patient_pads;

/* Body position. SITTING stands for any upright posture (sat up or stood): with hypotension it lowers
 * the venous return and is flagged (RCUK 2021 anaphylaxis). */
typedef enum patient_position {
	PATIENT_POS_SUPINE = 0,
	PATIENT_POS_LEGS_RAISED,  /* supine with the legs raised */
	PATIENT_POS_SITTING,
	PATIENT_POS_RECOVERY,     /* lateral recovery position */
	PATIENT_POS_LEFT_LATERAL,
	PATIENT_POS_COUNT_
} patient_position;

/* Harmful or dangerous side effects of an action, reported in patient_outcome.kind. One kind per
 * outcome; when several apply the most serious is reported: vf_induced > shock_during_compressions >
 * shock_non_shockable > shock_on_perfusing_rhythm. */
typedef enum patient_complication {
	PATIENT_COMP_NONE = 0,
	PATIENT_COMP_SHOCK_PERFUSING,     /* unsynchronised shock with a pulse (or any shock on sinus rhythm) */
	PATIENT_COMP_SHOCK_NON_SHOCKABLE, /* asystole or PEA */
	PATIENT_COMP_SHOCK_DURING_CPR,    /* compressions running when a shock is delivered: hands on the chest */
	PATIENT_COMP_VF_INDUCED,          /* a shock on a perfusing rhythm induced VF */
	PATIENT_COMP_EPI_IV_BOLUS,        /* IV/IO epinephrine >= 0.1 mg with a pulse */
	PATIENT_COMP_NEEDLE_MEDIAL,       /* needle medial to the mid-clavicular line: heart, great vessels */
	PATIENT_COMP_NEEDLE_LOW,          /* below the 5th ICS: diaphragm, liver, spleen */
	PATIENT_COMP_NEEDLE_WRONG_SIDE,   /* no tension pneumothorax on that side: iatrogenic pneumothorax */
	PATIENT_COMP_DRAIN_WRONG_SIDE,    /* chest tube on the side without a pneumothorax */
	PATIENT_COMP_COMPRESSION_TOO_DEEP,/* deeper than cpr_depth_max + 0.5 cm */
	PATIENT_COMP_UPRIGHT_HYPOTENSIVE, /* sat up or stood while hypotensive (RCUK anaphylaxis) */
	PATIENT_COMP_SHOCK_AWAKE,         /* a synchronised shock on a patient responding to voice: no sedation */
	PATIENT_COMP_INJECTION_TOO_FAST,  /* amiodarone with a pulse, or magnesium, pushed in under 5 min */
	PATIENT_COMP_COUNT_
} patient_complication;

/* Vagal manoeuvres for a narrow-complex tachycardia (each has its success rate in the parameter table). */
typedef enum patient_vagal {
	PATIENT_VAGAL_VALSALVA = 0,      /* standard: strain against a closed glottis (40 mmHg, 15 s), semi-recumbent */
	PATIENT_VAGAL_MODIFIED_VALSALVA, /* the same strain, then supine with the legs raised (REVERT) */
	PATIENT_VAGAL_CAROTID_MASSAGE,   /* carotid sinus massage */
	PATIENT_VAGAL_COUNT_
} patient_vagal;

typedef enum patient_airway_manoeuvre {
	PATIENT_AIRWAY_HEAD_TILT = 0, /* head tilt, chin lift */
	PATIENT_AIRWAY_JAW_THRUST,
	PATIENT_AIRWAY_COUNT_
} patient_airway_manoeuvre;

const char *patient_rhythm_name(patient_rhythm r);
const char *patient_avpu_name(patient_avpu a);
const char *patient_side_name(patient_side s);
const char *patient_line_name(patient_line l);
const char *patient_drug_name(patient_drug d);
const char *patient_route_name(patient_route r);
const char *patient_im_site_name(patient_im_site s);
const char *patient_o2_device_name(patient_o2_device d);
const char *patient_pads_name(patient_pads p);          /* "none", "anterolateral", "anteroposterior", "misplaced" */
const char *patient_position_name(patient_position p);  /* "supine", "legs_raised", "sitting", "recovery", "left_lateral" */
/* "none", "shock_on_perfusing_rhythm", "shock_non_shockable", "shock_during_compressions", "vf_induced",
 * "iv_bolus_epinephrine", "needle_medial", "needle_too_low", "needle_wrong_side", "drain_wrong_side",
 * "compression_too_deep", "upright_while_hypotensive", "shock_while_awake", "injection_too_fast" */
const char *patient_complication_name(patient_complication c);
/* True for VF (coarse or fine) and pulseless VT. */
bool patient_rhythm_shockable(patient_rhythm r);
/* True for the rhythms of cardiac arrest: VF, pVT, asystole, PEA. */
bool patient_rhythm_is_arrest(patient_rhythm r);
/* The accepted sites for needle decompression of a tension pneumothorax in an adult: the 4th or 5th
 * intercostal space just anterior to the mid-axillary line (ATLS 10th edition), the 5th ICS in the
 * anterior axillary line and the 2nd ICS in the mid-clavicular line (TCCC). This is the single table:
 * the model's judgement of a PATIENT_ACT_NEEDLE_DECOMPRESSION and the scenario checklists both use it. */
bool patient_needle_site_accepted(int ics, patient_line line);

/* ---- Named tunable parameters ---- */

typedef struct patient_param_info {
	const char *name;        /* "baseline_hr" */
	const char *unit;        /* "/min", "mmHg", "fraction", "s" ... ("1" when dimensionless) */
	double def, min, max;    /* default and accepted range (inclusive) */
	const char *description;
} patient_param_info;

size_t patient_param_count(void);
/* NULL when i is out of range. */
const patient_param_info *patient_param_info_at(size_t i);
/* Index of a parameter, or -1 for an unknown name. */
int patient_param_find(const char *name);

typedef struct patient_param_override {
	const char *name;
	double value;
} patient_param_override;

/* ---- Configuration: zero means default everywhere ---- */

typedef struct patient_config {
	double age_years;  /* 0: 40 */
	double weight_kg;  /* 0: 70 */
	patient_sex sex;
	uint64_t seed;     /* any value, 0 included, is a valid seed */

	struct {
		bool present;
		/* VF_COARSE, VF_FINE, PVT, ASYSTOLE or PEA; SINUS (0) means VF_COARSE. */
		patient_rhythm rhythm;
	} arrest;

	struct {
		double severity;      /* 0 (absent) .. 1 */
		/* Component weights 0..1; all three zero means 1, 1, 1 (a full reaction). */
		double airway_oedema, bronchospasm, vasodilation;
	} anaphylaxis;

	struct {
		patient_side side;    /* NONE: absent */
		double severity;      /* 0..1; 0 means 0.8 */
	} tension_ptx;

	struct {
		double blood_loss_ml;       /* lost before the start */
		double bleed_ml_per_min;    /* ongoing loss, 0 for none */
	} hypovolaemia;

	struct {
		/* 0 (absent) .. 0.98: the opioid's effect at the start without naloxone (0.5 drowsy and slow
		 * breathing, 0.85 unresponsive with ~6 breaths/min, 0.95 near apnoea) */
		double severity;
		double half_life_s;   /* of the opioid's effect; 0: 4 h (a longer-acting opioid than naloxone) */
	} opioid;

	struct {
		/* SINUS (0): absent; SINUS_BRADY (sinus node disease or vagal), AVB2_MOBITZ2 or AVB3 */
		patient_rhythm rhythm;
		/* ventricular rate at the start without drugs; 0: 40 (sinus), 40 (Mobitz II 2:1 of 80), 35 (AVB3) */
		double rate;
	} bradycardia;

	struct {
		double glucose_mmol_l; /* blood glucose at the start; 0: 5.5 */
		double insulin_units;  /* an insulin overdose still in a subcutaneous depot, absorbed over hours */
	} glycaemia;

	struct {
		/* SINUS (0): absent; SVT (AV nodal re-entry) or VT_PULSE (monomorphic VT with a pulse) */
		patient_rhythm rhythm;
		double rate;          /* /min; 0: 190 (SVT), 170 (VT) */
		/* SVT: this patient's place in the trial population, 0..1: a vagal manoeuvre terminates the SVT
		 * when its success rate (vagal_*_success parameters) exceeds it; 0 means 0.6 (none terminates) */
		double vagal_rank;
		/* SVT: the adenosine dose (mg, rapid push, reaching the heart) that terminates it; 0: 9 mg (6 mg
		 * fails, 12 mg works) */
		double adenosine_mg;
		/* VT: the synchronised shocks (>= 100 J) it takes to convert; after three failed shocks an
		 * amiodarone effect >= 0.5 converts at the next one; 0: 1 */
		int shocks_to_convert;
	} tachycardia;

	struct {
		/* 0 (absent) .. 1: 0.5 moderate (PEF > 50 %), 0.7 acute severe (PEF 33-50 %), 0.9
		 * life-threatening (PEF < 33 %, SpO2 < 92 %); worsens without treatment */
		double severity;
	} asthma;

	struct {
		/* 0 (absent) .. 1: vasodilation, capillary leak, fever and lactate; 0.6 septic shock (MAP about
		 * 60 mmHg, lactate about 4 mmol/L); worsens until antibiotics */
		double severity;
	} sepsis;

	struct {
		/* serum potassium at the start, mmol/L; 0: absent (normal, 4.2). Above 6 the heart slows, conducts
		 * wide complexes and contracts less; it rises further (renal failure) until treated */
		double potassium_mmol_l;
	} hyperkalaemia;

	const patient_param_override *overrides;
	size_t override_count;
} patient_config;

/* Validates the config (unknown override names, values out of range, bad enums: SCRUB_ERR_INVALID
 * with a LOG_E message naming the field) and allocates the patient. */
scrub_result patient_create(const patient_config *cfg, patient **out);
/* Accepts NULL and *p == NULL; clears the pointer. */
void patient_destroy(patient **p);

/* SCRUB_ERR_INVALID for an unknown name or a value out of range (nothing changes). */
scrub_result patient_set_param(patient *p, const char *name, double value);
scrub_result patient_get_param(const patient *p, const char *name, double *out_value);

/* ---- Time ---- */

#define PATIENT_DT_MIN 0.001
#define PATIENT_DT_MAX 0.05
/* Advances the model by dt seconds (PATIENT_DT_MIN..PATIENT_DT_MAX, else SCRUB_ERR_INVALID).
 * The slow physiology runs on an internal fixed 0.1 s tick; waveforms at PATIENT_WAVE_HZ. */
scrub_result patient_step(patient *p, double dt);
double patient_time(const patient *p);

/* ---- Interventions ---- */

typedef enum patient_action_kind {
	PATIENT_ACT_AIRWAY_OPEN = 0,  /* airway.manoeuvre */
	/* cpr: declared rate and depth (0: 110 /min, 5.5 cm). While declared compressions already run it is
	 * not applied (not_delivered "already_running") but the declared rate and depth still update, so the
	 * quality measurement follows what is being done. */
	PATIENT_ACT_CPR_START,
	PATIENT_ACT_CPR_STOP,
	PATIENT_ACT_COMPRESSION,      /* compression.depth_cm: one compression, now */
	PATIENT_ACT_BVM_BREATH,       /* breath.volume_ml (0: 500): one breath, now */
	PATIENT_ACT_INTUBATE,
	PATIENT_ACT_OXYGEN,           /* oxygen.device, oxygen.flow_l_min; device NONE removes it */
	/* shock.energy_j, synchronised, dsed. Needs pads (else not delivered: "no_pads", no shock counted, no
	 * random draw); a synchronised shock in VF or asystole is not delivered ("no_r_wave"); a shock
	 * delivered while compressions run (declared, or a sampled one in the last 1.5 s) is flagged
	 * shock_during_compressions. dsed: double sequential external defibrillation (a second defibrillator,
	 * its pads anteroposterior, < 1 s apart); counts as one shock. */
	PATIENT_ACT_SHOCK,
	PATIENT_ACT_DRUG,             /* drug.drug, dose_mg, route, site (IM only) */
	PATIENT_ACT_VASCULAR_ACCESS,  /* access.route: IV or IO */
	PATIENT_ACT_FLUID_BOLUS,      /* fluid.volume_ml of crystalloid, or of blood products (fluid.blood) */
	PATIENT_ACT_NEEDLE_DECOMPRESSION, /* needle.side, needle.ics (2..6), needle.line */
	PATIENT_ACT_CHEST_TUBE,       /* chest_tube.side */
	PATIENT_ACT_SET_RHYTHM,       /* set_rhythm.rhythm: a transition the scenario imposes */
	PATIENT_ACT_PADS,             /* pads.position: attach, move or (NONE) remove the defibrillator pads */
	PATIENT_ACT_POSITION,         /* position.position */
	PATIENT_ACT_REMOVE_TRIGGER,   /* stops an ongoing anaphylactic trigger (a culprit infusion); not
	                               * applied ("no_trigger") without an active one */
	/* pacing.rate_per_min, current_ma: transcutaneous pacing through the pads (demand mode); both 0
	 * stop it. Needs pads ("no_pads"); effective when it captures (current >= the threshold). */
	PATIENT_ACT_PACING,
	/* infusion.drug, rate_mcg_min: a continuous IV/IO infusion (0 stops it); needs access ("no_access");
	 * epinephrine, dopamine, amiodarone, lidocaine, insulin, dextrose ("not_given_infusion" otherwise) */
	PATIENT_ACT_INFUSION,
	/* vagal.manoeuvre: terminates an SVT whose vagal_rank is below the manoeuvre's success rate;
	 * effective when it does; no effect on other rhythms */
	PATIENT_ACT_VAGAL,
	PATIENT_ACT_COUNT_
} patient_action_kind;

typedef struct patient_action {
	patient_action_kind kind;
	union {
		struct { patient_airway_manoeuvre manoeuvre; } airway;
		struct { double rate_per_min, depth_cm; } cpr;
		struct { double depth_cm; } compression;
		struct { double volume_ml; } breath;
		struct { patient_o2_device device; double flow_l_min; } oxygen;
		struct { double energy_j; bool synchronised; bool dsed; } shock;
		/* over_s: given over that time (0: a push); distal_vein: IV into a hand or wrist vein (an
		 * adenosine push loses half its dose before the heart). Adenosine over >= 5 s is a slow push,
		 * broken down before it arrives: not delivered ("slow_push"). */
		struct { patient_drug drug; double dose_mg; patient_route route; patient_im_site site; double over_s; bool distal_vein; } drug;
		struct { patient_route route; } access;
		struct {
			double volume_ml;
			bool blood; /* red cells or plasma: stays in the vessels (blood_retention) */
		} fluid;
		struct { patient_side side; int ics; patient_line line; } needle;
		struct { patient_side side; } chest_tube;
		struct { patient_rhythm rhythm; } set_rhythm;
		struct { patient_pads position; } pads;
		struct { patient_position position; } position;
		struct { double rate_per_min, current_ma; } pacing;
		struct { patient_drug drug; double rate_mcg_min; } infusion;
		struct { patient_vagal manoeuvre; } vagal;
	};
} patient_action;

typedef struct patient_outcome {
	bool applied;       /* the action had its physical effect (a needle went in, a shock was delivered) */
	bool effective;     /* ... and it did what it is for (tension relieved, VF terminated) */
	bool complication;  /* a harmful or dangerous side effect to flag: always kind != PATIENT_COMP_NONE */
	patient_complication kind;
	/* NULL when applied; otherwise a stable snake_case word saying why not: "invalid" (the call returned
	 * SCRUB_ERR_INVALID), "no_pads", "no_r_wave" (synchronised shock in VF/asystole), "no_access",
	 * "already_running" (CPR start while declared compressions run), "not_given_iv", "not_given_io",
	 * "not_given_im", "not_given_neb", "not_given_po" (a route the drug is not given by),
	 * "cannot_swallow" (PO without an alert patient), "tube_blocked" (intubation through laryngeal
	 * oedema), "no_trigger" (no active anaphylactic trigger),
	 * "not_given_infusion" (a drug the model does not infuse), "not_running" (stopping a pacing or an
	 * infusion that is not running), "slow_push" (adenosine pushed over 5 s or more). */
	const char *not_delivered;
	const char *reason; /* short static human text; never NULL after patient_apply */
} patient_outcome;

/* Every word patient_outcome.not_delivered can be, NULL-terminated: the session records them as the
 * `why` of a not_delivered action, whose words (sim/actions.c) must include each of these. */
extern const char *const patient_not_delivered_words[];

/* SCRUB_ERR_INVALID for malformed parameters (negative energy, unknown drug, dose not a positive
 * finite number, ICS outside 2..6, ...); SCRUB_OK otherwise, with out->applied telling whether the
 * action took effect. out may be NULL. */
scrub_result patient_apply(patient *p, const patient_action *a, patient_outcome *out);
const char *patient_action_kind_name(patient_action_kind k);

/* ---- Outputs ---- */

typedef struct patient_vitals {
	double time_s;
	patient_rhythm rhythm;
	bool pulse_present;      /* a palpable central pulse */
	bool rosc;               /* a perfusing rhythm after cardiac arrest */
	double heart_rate;       /* /min, rate of organised complexes (0 in VF and asystole) */
	double sbp, dbp, map;    /* mmHg (arterial line; during CPR the compression-generated pressures) */
	/* %, pulse oximetry. The oximeter needs a pulsatile signal: without a palpable pulse (arrest, CPR
	 * included) it reads 0 and spo2_valid is false; the arterial saturation is still in pao2. */
	double spo2;
	bool spo2_valid;
	double resp_rate;        /* /min, spontaneous plus assisted */
	double etco2;            /* mmHg, 0 without exhaled gas */
	double temperature_c;
	patient_avpu avpu;
	double cardiac_output;   /* L/min, native or generated by CPR */
	double cpp;              /* mmHg, coronary perfusion pressure (aortic diastolic minus right atrial) */
	/* Model internals useful to a debrief or a test. */
	double cvp;              /* mmHg */
	double svr;              /* mmHg min/L */
	double fio2;             /* fraction */
	double paco2, pao2;      /* mmHg, arterial */
	double airway_pressure;  /* cmH2O, peak inspiratory pressure of a positive-pressure breath */
	double intrathoracic_pressure; /* mmHg above normal, from a tension pneumothorax */
	double blood_volume_ml;
	double vf_amplitude_mv;
	double myocardial_reserve; /* 0..1 */
	bool cpr_active;
	double cpr_rate, cpr_depth_cm; /* as measured from the compressions */
	double cpr_fraction;       /* fraction of the last minute with compressions (EMA, tau 60 s) */
	double drug_effect[PATIENT_DRUG_COUNT_]; /* 0..1 (dextrose: 0, it becomes glucose_mmol_l) */
	int shocks;                /* shocks delivered (a DSED counts once) */
	patient_pads pads;
	patient_position position;
	bool trigger_active;       /* an anaphylactic trigger is still running (see PATIENT_ACT_REMOVE_TRIGGER) */
	double lactate_mmol_l;     /* arterial lactate (oxygen debt: rises when delivery falls short) */
	double urticaria;          /* 0..1, hives, flushing and itch of anaphylaxis */
	double glucose_mmol_l;     /* blood glucose */
	double opioid_effect;      /* 0..1, opioid effect at the mu receptor (after naloxone) */
	double atrial_rate;        /* /min, P waves (differs from heart_rate in AV block) */
	bool pacing_capture;       /* the pacemaker captures the ventricle */
	double pacing_rate, pacing_current_ma; /* set pacing, 0 when off */
	double infusion_mcg_min[PATIENT_DRUG_COUNT_];
	double peak_flow_l_min;    /* peak expiratory flow an attempt would give (predicted 500 L/min) */
	double peak_flow_pct;      /* % of predicted */
	double wheeze;             /* 0..1, audible wheeze (asthma or anaphylaxis bronchospasm) */
	double sepsis;             /* 0..1, the septic process (infection and host response) */
	double potassium_mmol_l;   /* serum potassium */
	double k_cardiotoxicity;   /* 0..1, what the potassium does to the heart after calcium */
} patient_vitals;

const patient_vitals *patient_vitals_get(const patient *p);

/* ---- Waveforms ---- */

#define PATIENT_WAVE_HZ 250
/* Samples produced by one step: dt * PATIENT_WAVE_HZ rounded up, at most this. */
#define PATIENT_WAVE_MAX_PER_STEP 16

/* A caller-owned ring, structure of arrays. capacity > 0; `written` counts every sample ever
 * appended; sample number k (k < written) lives at index k % capacity. The model's own sample
 * number n (see patient_waves_last_first_index) was taken at time n / PATIENT_WAVE_HZ; a ring filled
 * from the first step holds sample n at k = n. */
typedef struct patient_wave_ring {
	float *ecg_mv;     /* ECG lead II, mV */
	float *pleth;      /* plethysmogram, arbitrary units 0..~1.2 */
	float *co2_mmhg;   /* capnogram, mmHg */
	size_t capacity;
	uint64_t written;
} patient_wave_ring;

/* Appends the samples produced by the last patient_step() and returns how many. */
size_t patient_waves_append(const patient *p, patient_wave_ring *ring);
/* Number n of the first sample produced by the last step (taken at n / PATIENT_WAVE_HZ s). */
uint64_t patient_waves_last_first_index(const patient *p);

#endif
