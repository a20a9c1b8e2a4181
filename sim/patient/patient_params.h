/* The table of named tunable parameters (internal). One X-macro row per parameter:
 *   X(ID, "name", "unit", default, min, max, "description")
 * Sources and the role of each parameter: docs/physiology.md. */
#ifndef SCRUB_PATIENT_PARAMS_H
#define SCRUB_PATIENT_PARAMS_H

#define PATIENT_PARAMS(X) \
	/* circulation */ \
	X(BASELINE_HR, "baseline_hr", "/min", 75, 30, 150, "resting heart rate") \
	X(HR_MAX, "hr_max", "/min", 180, 100, 240, "highest sinus rate the reflexes and drugs reach") \
	X(BASELINE_CO, "baseline_co", "L/min", 5.0, 2, 10, "resting cardiac output") \
	X(SVR, "svr", "mmHg*min/L", 17.6, 8, 40, "resting systemic vascular resistance") \
	X(BASELINE_CVP, "baseline_cvp", "mmHg", 5, 0, 15, "resting central venous pressure") \
	X(BLOOD_VOLUME_PER_KG, "blood_volume_per_kg", "mL/kg", 70, 50, 100, "circulating volume per kg") \
	X(PRELOAD_EXPONENT, "preload_volume_exponent", "1", 2.0, 0.5, 4, "stroke volume ~ (volume ratio)^k") \
	X(PULSE_PRESSURE_PER_SV, "pulse_pressure_per_sv", "mmHg/mL", 0.6, 0.2, 1.5, "pulse pressure per mL stroke volume") \
	X(BARO_GAIN, "baroreflex_gain", "1", 1.0, 0, 3, "sympathetic response to a fall in MAP") \
	X(MAP_SETPOINT, "map_setpoint", "mmHg", 93, 60, 110, "baroreflex set point") \
	X(BRADY_SV_GAIN, "brady_stroke_volume_gain", "fraction", 0.25, 0, 1, "stroke volume gained at 30 /min from the longer filling (Frank-Starling), from 0 at 60 /min") \
	X(AVB2_CONDUCTION_LIMIT, "avb2_conduction_limit", "/min", 115, 60, 200, "atrial rate above which Mobitz II block goes from 2:1 to 3:1") \
	X(PACED_SV_FRACTION, "paced_stroke_volume_fraction", "fraction", 0.85, 0.5, 1, "stroke volume of a paced beat (no atrial kick, dyssynchrony)") \
	X(PACING_THRESHOLD_MA, "pacing_threshold_ma", "mA", 65, 10, 200, "transcutaneous pacing current needed for capture") \
	X(PULSE_PALPABLE_SBP, "pulse_palpable_sbp", "mmHg", 50, 30, 80, "systolic pressure below which no central pulse is felt") \
	X(HYPOTENSION_SBP, "hypotension_sbp", "mmHg", 90, 60, 120, "systolic pressure below which sitting the patient up is flagged") \
	X(SITTING_PRELOAD_DROP, "sitting_preload_drop", "fraction", 0.1, 0, 0.5, "venous return lost on sitting up when venous tone compensates") \
	X(SITTING_UNCOMPENSATED_DROP, "sitting_uncompensated_drop", "fraction", 0.3, 0, 0.8, "further venous return lost sitting up with full vasodilation or hypovolaemia") \
	X(LEGS_RAISED_PRELOAD_GAIN, "legs_raised_preload_gain", "fraction", 0.08, 0, 0.3, "venous return gained by raising the legs (about 300 mL autotransfused)") \
	X(PEA_ONSET_S, "pea_onset_s", "s", 10, 1, 60, "time without a palpable pulse before an organised rhythm is called PEA") \
	/* CPR */ \
	X(CPR_MAX_CO_FRACTION, "cpr_max_co_fraction", "fraction", 0.30, 0.05, 0.6, "cardiac output of ideal CPR relative to baseline_co") \
	X(CPR_RATE_MIN, "cpr_rate_min", "/min", 100, 60, 140, "lower bound of the ideal compression rate") \
	X(CPR_RATE_MAX, "cpr_rate_max", "/min", 120, 80, 160, "upper bound of the ideal compression rate") \
	X(CPR_DEPTH_MIN, "cpr_depth_min", "cm", 5.0, 2, 8, "lower bound of the ideal compression depth") \
	X(CPR_DEPTH_MAX, "cpr_depth_max", "cm", 6.0, 3, 10, "upper bound of the ideal compression depth") \
	X(CPR_BUILDUP_S, "cpr_buildup_s", "s", 8, 0.5, 60, "time constant of the rise of CPR flow after compressions (re)start") \
	X(CPR_DECAY_S, "cpr_decay_s", "s", 1.5, 0.2, 20, "time constant of the fall of CPR flow in a pause") \
	X(CPR_ARREST_SVR_FRACTION, "arrest_svr_fraction", "fraction", 0.8, 0.2, 1.5, "vascular tone in arrest relative to svr") \
	/* arrest and defibrillation */ \
	X(ISCHEMIA_TAU_S, "ischemia_tau_s", "s", 300, 30, 3600, "decay time constant of the myocardial reserve without flow") \
	X(REPERFUSION_TAU_S, "reperfusion_tau_s", "s", 120, 10, 3600, "recovery time constant of the myocardial reserve with flow") \
	X(CPP_NORMAL, "cpp_normal", "mmHg", 60, 20, 100, "coronary perfusion pressure that fully perfuses the myocardium") \
	X(VF_AMP_MV, "vf_amplitude_mv", "mV", 1.0, 0.2, 3, "VF amplitude at full myocardial reserve") \
	X(VF_FINE_MV, "vf_fine_threshold_mv", "mV", 0.2, 0.05, 1, "VF amplitude below which VF is fine") \
	X(ASYSTOLE_MV, "asystole_threshold_mv", "mV", 0.05, 0.01, 0.2, "VF amplitude below which the rhythm is asystole") \
	X(PVT_TO_VF_S, "pvt_to_vf_s", "s", 90, 5, 1800, "time for pulseless VT to degenerate into VF") \
	X(VF_SHOCK_SUCCESS, "vf_shock_success_200j", "fraction", 0.60, 0, 1, "probability a 200 J shock gives ROSC in coarse VF, full reserve, no drugs") \
	X(VF_FINE_SHOCK_SUCCESS, "vf_fine_shock_success_200j", "fraction", 0.50, 0, 1, "the same in fine VF (at full reserve; fine VF usually has a reserve near 0.15)") \
	X(PVT_SHOCK_SUCCESS, "pvt_shock_success_200j", "fraction", 0.70, 0, 1, "the same in pulseless VT") \
	X(SHOCK_ENERGY_EXPONENT, "shock_energy_exponent", "1", 0.6, 0, 3, "odds of success ~ (energy/200 J)^k") \
	X(SHOCK_RESERVE_EXPONENT, "shock_reserve_exponent", "1", 1.0, 0, 4, "odds of success ~ reserve^k") \
	X(EPI_SHOCK_OR, "epi_shock_odds_ratio", "1", 1.5, 0.2, 5, "odds ratio of shock success at full epinephrine effect") \
	X(AMIO_SHOCK_OR, "amio_shock_odds_ratio", "1", 1.6, 0.2, 5, "odds ratio of shock success at full amiodarone effect") \
	X(LIDO_SHOCK_OR, "lido_shock_odds_ratio", "1", 1.3, 0.2, 5, "odds ratio of shock success at full lidocaine effect") \
	X(REFRACTORY_VF_SHOCKS, "refractory_vf_shocks", "1", 3, 1, 10, "failed shocks after which VF counts as refractory (DOSE-VF: 3)") \
	X(VECTOR_CHANGE_SHOCK_OR, "vector_change_shock_odds_ratio", "1", 1.5, 0.2, 5, "odds ratio of shock success with anteroposterior pads in refractory VF (DOSE-VF ROSC 35.4% vs 26.5%)") \
	X(DSED_SHOCK_OR, "dsed_shock_odds_ratio", "1", 2.4, 0.2, 8, "odds ratio of shock success of a DSED in refractory VF (DOSE-VF ROSC 46.4% vs 26.5%)") \
	X(MISPLACED_PADS_SHOCK_OR, "misplaced_pads_shock_odds_ratio", "1", 0.15, 0.01, 1, "odds ratio of shock success with misplaced pads (the current misses the heart)") \
	X(CARDIOVERSION_SUCCESS, "cardioversion_success_100j", "fraction", 0.8, 0, 1, "probability a synchronised 100 J shock converts VT with a pulse") \
	X(UNSYNC_VF_RISK, "unsync_shock_vf_risk", "fraction", 0.3, 0, 1, "probability an unsynchronised shock with a pulse induces VF") \
	X(PEA_ROSC_HAZARD, "pea_rosc_hazard_per_min", "/min", 0.2, 0, 5, "ROSC hazard in primary PEA with ideal CPR and full epinephrine effect") \
	X(ASYSTOLE_ROSC_HAZARD, "asystole_rosc_hazard_per_min", "/min", 0.04, 0, 5, "the same in asystole") \
	X(ROSC_STUN_S, "rosc_stun_s", "s", 14400, 1, 259200, "time constant of recovery from post-arrest myocardial dysfunction") \
	X(POST_ARREST_CONTRACTILITY_LOSS, "post_arrest_contractility_loss", "fraction", 0.6, 0, 0.9, "contractility lost at full post-arrest myocardial dysfunction") \
	X(POST_ARREST_VASOPLEGIA, "post_arrest_vasoplegia", "fraction", 0.2, 0, 0.6, "SVR lost at full post-arrest dysfunction (the sepsis-like syndrome)") \
	X(POST_ARREST_STUN_PER_MIN, "post_arrest_stun_per_min", "/min", 0.15, 0, 1, "post-arrest dysfunction per minute of arrest (from 0.3, at most 1)") \
	X(LACTATE_MAX_RATE, "lactate_max_rate", "mmol/L/min", 0.8, 0, 5, "lactate production with no oxygen delivery") \
	X(DO2_CRITICAL, "do2_critical", "fraction", 0.5, 0.1, 1, "oxygen delivery (fraction of normal) below which lactate is produced") \
	X(LACTATE_CLEARANCE_S, "lactate_clearance_s", "s", 3600, 300, 36000, "time constant of lactate clearance at normal flow") \
	X(LACTATE_CATECHOLAMINE_K, "lactate_catecholamine_k", "mmol/L", 3, 0.5, 20, "lactate excess that halves the catecholamine surge response") \
	/* breathing and gas exchange */ \
	X(BASELINE_RR, "baseline_rr", "/min", 14, 6, 30, "resting respiratory rate") \
	X(BASELINE_SHUNT, "baseline_shunt", "fraction", 0.03, 0, 0.3, "resting intrapulmonary shunt") \
	X(P50, "p50", "mmHg", 26.8, 15, 40, "PO2 at 50% haemoglobin saturation") \
	X(HILL_N, "hill_n", "1", 2.7, 1.5, 4, "Hill coefficient of the dissociation curve") \
	X(BASELINE_PACO2, "baseline_paco2", "mmHg", 40, 30, 50, "resting arterial PCO2 (defines the CO2 balance)") \
	X(CO2_ACCUMULATION, "co2_accumulation", "mmHg/min", 3, 0.5, 20, "rise of body CO2 with no flow to the lungs") \
	X(ETCO2_FULL_PERFUSION, "etco2_full_perfusion_co", "fraction", 0.75, 0.1, 1, "cardiac output fraction that perfuses all ventilated alveoli") \
	X(BASELINE_TEMP, "baseline_temp", "C", 36.8, 30, 42, "body temperature") \
	/* drugs */ \
	X(EPI_HALF_LIFE_S, "epi_half_life_s", "s", 120, 30, 1800, "elimination half-life of epinephrine") \
	X(EPI_EC50_MG, "epi_ec50_mg", "mg", 0.2, 0.005, 1, "central amount of epinephrine giving half its maximal effect") \
	X(EPI_BETA_EC50_MG, "epi_beta_ec50_mg", "mg", 0.04, 0.002, 1, "central epinephrine giving half its beta effects (rate, contractility): low doses act on beta receptors first") \
	X(EPI_SVR_GAIN, "epi_svr_gain", "fraction", 0.5, 0, 3, "SVR increase at full epinephrine effect (alpha-1)") \
	X(EPI_HR_GAIN, "epi_hr_gain", "/min", 45, 0, 120, "heart rate increase at full epinephrine effect (beta-1)") \
	X(EPI_INOTROPY, "epi_inotropy", "fraction", 0.25, 0, 2, "contractility increase at full epinephrine effect") \
	X(EPI_IM_ONSET_S, "epi_im_onset_s", "s", 60, 0, 600, "lag before an IM dose starts to be absorbed") \
	X(EPI_IM_THIGH_TAU_S, "epi_im_thigh_tau_s", "s", 420, 30, 3600, "absorption time constant, IM anterolateral thigh") \
	X(EPI_IM_DELTOID_TAU_S, "epi_im_deltoid_tau_s", "s", 1500, 30, 7200, "absorption time constant, IM deltoid or gluteal") \
	X(EPI_SURGE_EC50_MG, "epi_surge_ec50_mg", "mg", 0.35, 0.02, 5, "central epinephrine giving half the surge of an intact circulation (an IV bolus with a pulse)") \
	X(EPI_SURGE_SVR_GAIN, "epi_surge_svr_gain", "fraction", 0.75, 0, 6, "further SVR increase at full surge (alpha-1 at high concentration)") \
	X(EPI_SURGE_HR_GAIN, "epi_surge_hr_gain", "/min", 40, 0, 150, "further heart rate increase at full surge") \
	X(EPI_SURGE_INOTROPY, "epi_surge_inotropy", "fraction", 0.3, 0, 3, "further contractility increase at full surge") \
	X(EPI_TOXIC_VT_HAZARD, "epi_toxic_vt_hazard_per_min", "/min", 0.5, 0, 10, "VT hazard with a pulse at full surge (times surge squared)") \
	X(IV_CIRCULATION_S, "iv_circulation_s", "s", 20, 2, 120, "time constant from an IV/IO bolus to the central circulation at normal flow") \
	X(AMIO_HALF_LIFE_S, "amio_half_life_s", "s", 3600, 60, 86400, "effective half-life of an amiodarone bolus") \
	X(AMIO_EC50_MG, "amio_ec50_mg", "mg", 150, 10, 1000, "amiodarone amount giving half its maximal effect") \
	X(LIDO_HALF_LIFE_S, "lido_half_life_s", "s", 600, 60, 7200, "effective (redistribution) half-life of a lidocaine bolus") \
	X(LIDO_EC50_MG, "lido_ec50_mg", "mg", 60, 5, 500, "lidocaine amount giving half its maximal effect") \
	X(ATROPINE_HALF_LIFE_S, "atropine_half_life_s", "s", 2400, 60, 36000, "effective half-life of atropine") \
	X(ATROPINE_EC50_MG, "atropine_ec50_mg", "mg", 0.4, 0.05, 5, "atropine amount giving half its maximal effect") \
	X(ATROPINE_HR_GAIN, "atropine_hr_gain", "/min", 40, 0, 100, "heart rate increase at full atropine effect") \
	X(ADENOSINE_HALF_LIFE_S, "adenosine_half_life_s", "s", 10, 1, 120, "half-life of adenosine") \
	X(ADENOSINE_EC50_MG, "adenosine_ec50_mg", "mg", 3, 0.5, 24, "adenosine amount giving half its maximal effect") \
	X(SALBUTAMOL_HALF_LIFE_S, "salbutamol_half_life_s", "s", 14400, 600, 86400, "effective half-life of salbutamol") \
	X(SALBUTAMOL_EC50_MG, "salbutamol_ec50_mg", "mg", 1.0, 0.05, 20, "salbutamol amount (absorbed) giving half its maximal effect") \
	X(SALBUTAMOL_BRONCHODILATION, "salbutamol_bronchodilation", "fraction", 0.6, 0, 1, "bronchospasm relieved at full salbutamol effect") \
	X(SALBUTAMOL_HR_GAIN, "salbutamol_hr_gain", "/min", 15, 0, 60, "heart rate increase at full salbutamol effect") \
	X(NEB_TAU_S, "neb_tau_s", "s", 300, 30, 3600, "absorption time constant of a nebulised dose at normal ventilation") \
	X(CHLORPHENAMINE_HALF_LIFE_S, "chlorphenamine_half_life_s", "s", 72000, 600, 259200, "half-life of chlorphenamine") \
	X(CHLORPHENAMINE_EC50_MG, "chlorphenamine_ec50_mg", "mg", 4, 0.5, 50, "chlorphenamine amount giving half its maximal effect") \
	X(CHLORPHENAMINE_SKIN, "chlorphenamine_skin_relief", "fraction", 0.8, 0, 1, "urticaria and itch relieved at full chlorphenamine effect") \
	X(HYDROCORTISONE_HALF_LIFE_S, "hydrocortisone_half_life_s", "s", 5400, 600, 86400, "half-life of hydrocortisone") \
	X(HYDROCORTISONE_EC50_MG, "hydrocortisone_ec50_mg", "mg", 100, 5, 1000, "hydrocortisone amount giving half its (delayed) effect") \
	X(NALOXONE_HALF_LIFE_S, "naloxone_half_life_s", "s", 1200, 60, 14400, "effective half-life of naloxone (redistribution: 30-90 min of action)") \
	X(IN_BIOAVAILABILITY, "in_bioavailability", "fraction", 0.5, 0.05, 1, "share of an intranasal dose (naloxone) that is absorbed") \
	X(IN_TAU_S, "in_tau_s", "s", 600, 30, 3600, "absorption time constant of an intranasal dose (after the IM onset lag)") \
	X(NALOXONE_EC50_MG, "naloxone_ec50_mg", "mg", 0.02, 0.001, 1, "naloxone amount that doubles the opioid needed for the same effect (competitive)") \
	X(GLUCOSE_TURNOVER, "glucose_turnover_mg_kg_min", "mg/kg/min", 2.0, 0.5, 6, "basal hepatic glucose output, balanced by uptake at 5.5 mmol/L") \
	X(GLUCOSE_VOLUME, "glucose_volume_l_per_kg", "L/kg", 0.2, 0.1, 0.4, "distribution volume of glucose (extracellular fluid)") \
	X(INSULIN_HALF_LIFE_S, "insulin_half_life_s", "s", 1800, 120, 14400, "effective half-life of the effect of insulin") \
	X(INSULIN_EC50_MG, "insulin_ec50_mg", "mg", 0.17, 0.01, 5, "insulin amount giving half its maximal effect (0.17 mg = 5 IU)") \
	X(INSULIN_UPTAKE_GAIN, "insulin_uptake_gain", "fraction", 4, 0, 10, "rise of glucose uptake at full insulin effect") \
	X(INSULIN_SC_TAU_S, "insulin_sc_tau_s", "s", 10800, 600, 86400, "absorption time constant of a subcutaneous insulin overdose") \
	X(GLUCOSE_COUNTERREG_GAIN, "glucose_counterregulation_gain", "fraction", 1.5, 0, 5, "rise of hepatic glucose output at 1.9 mmol/L and below (counter-regulation starts at 3.9)") \
	X(GLUCAGON_HALF_LIFE_S, "glucagon_half_life_s", "s", 1200, 120, 7200, "effective half-life of the effect of glucagon") \
	X(GLUCAGON_EC50_MG, "glucagon_ec50_mg", "mg", 0.3, 0.01, 5, "glucagon amount giving half its maximal effect") \
	X(GLUCAGON_OUTPUT_GAIN, "glucagon_output_gain", "fraction", 4, 0, 10, "rise of hepatic glucose output at full glucagon effect") \
	X(DEXTROSE_PO_ONSET_S, "dextrose_po_onset_s", "s", 300, 0, 3600, "lag before oral glucose starts to be absorbed") \
	X(DEXTROSE_PO_TAU_S, "dextrose_po_tau_s", "s", 900, 60, 7200, "absorption time constant of oral glucose") \
	X(GLUCOSE_BRAIN_LOW, "glucose_brain_low", "mmol/L", 1.2, 0.5, 3, "blood glucose at which the brain fails (unresponsive)") \
	X(GLUCOSE_BRAIN_FULL, "glucose_brain_full", "mmol/L", 3.3, 2, 6, "blood glucose above which consciousness is not affected") \
	X(PO_ONSET_S, "po_onset_s", "s", 900, 0, 7200, "lag before an oral dose starts to be absorbed") \
	X(PO_TAU_S, "po_tau_s", "s", 1800, 60, 14400, "absorption time constant of an oral dose") \
	X(DOPAMINE_HALF_LIFE_S, "dopamine_half_life_s", "s", 120, 30, 1200, "half-life of dopamine") \
	X(DOPAMINE_EC50_MG, "dopamine_ec50_mg", "mg", 1.5, 0.1, 20, "central dopamine giving half its beta effects (about 7 mcg/kg/min at 70 kg)") \
	X(DOPAMINE_HR_GAIN, "dopamine_hr_gain", "/min", 40, 0, 100, "heart rate increase at full dopamine effect") \
	X(DOPAMINE_INOTROPY, "dopamine_inotropy", "fraction", 0.2, 0, 2, "contractility increase at full dopamine effect") \
	X(DOPAMINE_SVR_GAIN, "dopamine_svr_gain", "fraction", 0.4, 0, 3, "SVR increase at full dopamine effect squared (alpha at the higher doses)") \
	X(ATROPINE_AVB3_FRACTION, "atropine_avb3_fraction", "fraction", 0.1, 0, 1, "fraction of the atropine rate effect an AV-block escape rhythm shows") \
	X(CHRONOTROPE_ESCAPE_FRACTION, "chronotrope_escape_fraction", "fraction", 0.5, 0, 1, "fraction of the epinephrine/dopamine rate effect an escape rhythm shows") \
	X(CRYSTALLOID_RETENTION, "crystalloid_retention", "fraction", 0.5, 0.1, 1, "fraction of a crystalloid bolus that stays intravascular") \
	X(BLOOD_RETENTION, "blood_retention", "fraction", 1.0, 0.5, 1, "fraction of a blood or plasma transfusion that stays intravascular") \
	X(BLEED_PRESSURE_EXPONENT, "bleed_pressure_exponent", "1", 0, 0, 2, "ongoing bleeding ~ (MAP/map_setpoint)^k: 0 constant, 1 proportional to the pressure (permissive hypotension)") \
	X(FLUID_RATE, "fluid_rate", "mL/min", 250, 10, 2000, "infusion rate of a fluid bolus (pressure bag)") \
	/* conditions */ \
	X(ANAPH_PROGRESSION_S, "anaph_progression_s", "s", 600, 30, 7200, "time constant of the worsening of untreated anaphylaxis") \
	X(ANAPH_RECOVERY_S, "anaph_recovery_s", "s", 600, 30, 7200, "time constant of the resolution of anaphylaxis under epinephrine") \
	X(ANAPH_EPI_EFFICACY, "anaph_epi_efficacy", "fraction", 1.0, 0, 1, "fraction of the mediator effects epinephrine can block") \
	X(ANAPH_TRIGGER_WASHOUT_S, "anaph_trigger_washout_s", "s", 120, 10, 3600, "time constant of the fall of the allergen drive once the trigger is removed") \
	X(ANAPH_SPONT_RECOVERY, "anaph_spontaneous_recovery", "fraction", 0.05, 0, 1, "resolution without epinephrine once the trigger has washed out, relative to full epinephrine block") \
	X(ANAPH_SVR_DROP, "anaph_svr_drop", "fraction", 0.6, 0, 0.9, "SVR reduction at full vasodilation") \
	X(ANAPH_VENODILATION, "anaph_venodilation", "fraction", 0.35, 0, 0.9, "preload reduction at full vasodilation") \
	X(ANAPH_LEAK, "anaph_leak", "mL/min", 80, 0, 500, "capillary leak at full vasodilation") \
	X(ANAPH_SHUNT, "anaph_shunt", "fraction", 0.35, 0, 0.6, "shunt and V/Q mismatch at full bronchospasm") \
	X(ANAPH_OEDEMA_OBSTRUCTION, "anaph_oedema_obstruction", "fraction", 0.7, 0, 1, "loss of airway patency at full airway oedema") \
	X(PTX_MAX_PRESSURE, "ptx_max_pressure", "mmHg", 25, 5, 50, "intrathoracic pressure a severity-1 tension pneumothorax reaches") \
	X(PTX_TAU_S, "ptx_tau_s", "s", 300, 10, 3600, "time constant of the rise of the tension") \
	X(PTX_CRITICAL_PRESSURE, "ptx_critical_pressure", "mmHg", 25, 10, 60, "intrathoracic pressure that stops venous return") \
	X(PTX_SHUNT, "ptx_shunt", "fraction", 0.35, 0, 0.6, "shunt of a fully collapsed lung") \
	X(NEEDLE_RELIEF, "needle_relief_fraction", "fraction", 0.75, 0, 1, "fraction of the tension a patent decompression catheter vents (the rest stays until a chest tube)") \
	X(NEEDLE_VENT_TAU_S, "needle_vent_tau_s", "s", 45, 1, 600, "time constant of the fall of the tension through a decompression catheter") \
	X(NEEDLE_REACCUMULATION_S, "needle_reaccumulation_s", "s", 900, 60, 36000, "time constant of the gradual failure (clotting, displacement) of a decompression catheter") \
	X(NEEDLE_KINK_HAZARD, "needle_kink_hazard_per_min", "/min", 0.03, 0, 2, "hazard of the catheter kinking or blocking outright (one seeded draw at insertion)") \
	X(CHEST_TUBE_TAU_S, "chest_tube_tau_s", "s", 8, 1, 120, "time constant of the fall of the tension through a chest tube") \
	/* consciousness */ \
	X(CONSCIOUS_FLOW_THRESHOLD, "conscious_flow_threshold", "fraction", 0.35, 0.1, 0.8, "cardiac output (fraction of normal) below which the brain is not perfused enough for consciousness") \
	/* tachyarrhythmias (sim/patient/patient_cond.c) */ \
	X(SVT_FILL, "svt_stroke_volume_fraction", "fraction", 0.4, 0.1, 1, "stroke volume in SVT relative to rest (short diastole, atria contracting against closed valves)") \
	X(VT_FILL, "vt_condition_stroke_volume_fraction", "fraction", 0.26, 0.1, 1, "stroke volume in the ventricular_tachycardia condition (an ischaemic ventricle): hypotension") \
	X(VAGAL_MODIFIED_SUCCESS, "vagal_modified_valsalva_success", "fraction", 0.43, 0, 1, "SVT terminated by the modified Valsalva manoeuvre (REVERT: 43%)") \
	X(VAGAL_STANDARD_SUCCESS, "vagal_valsalva_success", "fraction", 0.17, 0, 1, "SVT terminated by the standard Valsalva manoeuvre (REVERT: 17%)") \
	X(VAGAL_CSM_SUCCESS, "vagal_carotid_massage_success", "fraction", 0.1, 0, 1, "SVT terminated by carotid sinus massage") \
	X(ADENOSINE_DISTAL_FRACTION, "adenosine_distal_fraction", "fraction", 0.5, 0, 1, "fraction of an adenosine push into a hand vein that reaches the heart") \
	X(SVT_CARDIOVERSION_J, "svt_cardioversion_j", "J", 70, 1, 360, "synchronised energy that terminates SVT (ERC: 70-120 J)") \
	X(VT_CARDIOVERSION_J, "vt_cardioversion_j", "J", 100, 1, 360, "synchronised energy that can convert VT with a pulse (ERC: 120-150 J)") \
	X(MIDAZOLAM_HALF_LIFE_S, "midazolam_half_life_s", "s", 2400, 300, 36000, "effective half-life of the sedation of a midazolam bolus") \
	X(MIDAZOLAM_EC50_MG, "midazolam_ec50_mg", "mg", 2.5, 0.2, 20, "midazolam amount giving half its sedation") \
	X(PROPOFOL_HALF_LIFE_S, "propofol_half_life_s", "s", 360, 60, 7200, "effective (redistribution) half-life of a propofol bolus") \
	X(PROPOFOL_EC50_MG, "propofol_ec50_mg", "mg", 40, 5, 500, "propofol amount giving half its sedation") \
	X(KETAMINE_HALF_LIFE_S, "ketamine_half_life_s", "s", 900, 60, 7200, "effective (redistribution) half-life of a ketamine bolus") \
	X(KETAMINE_EC50_MG, "ketamine_ec50_mg", "mg", 35, 5, 500, "ketamine amount giving half its dissociation") \
	/* acute asthma */ \
	X(ASTHMA_PROGRESSION_S, "asthma_progression_s", "s", 2400, 60, 36000, "time constant of the worsening of untreated acute asthma") \
	X(ASTHMA_VQ, "asthma_vq_mismatch", "fraction", 0.5, 0, 0.9, "blood through poorly ventilated (low V/Q) units at full bronchospasm") \
	X(ASTHMA_VQ_PO2, "asthma_low_vq_po2_fraction", "fraction", 0.55, 0.1, 1, "alveolar PO2 of those units relative to the ventilated ones (oxygen corrects it)") \
	X(ASTHMA_SALB_MAX, "asthma_salbutamol_relief", "fraction", 0.5, 0, 1, "bronchospasm relieved at full salbutamol effect in asthma") \
	X(ASTHMA_SALB_EC50_MG, "asthma_salbutamol_ec50_mg", "mg", 6, 0.1, 50, "nebulised salbutamol (absorbed) giving half its relief in asthma") \
	X(IPRATROPIUM_HALF_LIFE_S, "ipratropium_half_life_s", "s", 10800, 600, 86400, "effective half-life of nebulised ipratropium") \
	X(IPRATROPIUM_EC50_MG, "ipratropium_ec50_mg", "mg", 0.2, 0.01, 5, "ipratropium amount giving half its effect") \
	X(ASTHMA_IPRA_MAX, "asthma_ipratropium_relief", "fraction", 0.1, 0, 1, "further bronchospasm relieved at full ipratropium effect") \
	X(MAGNESIUM_HALF_LIFE_S, "magnesium_half_life_s", "s", 14400, 600, 86400, "effective half-life of IV magnesium") \
	X(MAGNESIUM_EC50_MG, "magnesium_ec50_mg", "mg", 1000, 50, 10000, "magnesium sulfate amount giving half its effect") \
	X(ASTHMA_MG_MAX, "asthma_magnesium_relief", "fraction", 0.2, 0, 1, "further bronchospasm relieved at full magnesium effect") \
	X(PREDNISOLONE_HALF_LIFE_S, "prednisolone_half_life_s", "s", 10800, 600, 86400, "half-life of prednisolone") \
	X(PREDNISOLONE_EC50_MG, "prednisolone_ec50_mg", "mg", 20, 1, 500, "prednisolone amount giving half its (delayed) effect") \
	X(STEROID_ONSET_S, "steroid_onset_s", "s", 10800, 600, 86400, "time constant of the anti-inflammatory action of a steroid (hours)") \
	X(ASTHMA_STEROID_RESOLUTION_S, "asthma_steroid_resolution_s", "s", 14400, 600, 172800, "time constant of the resolution of asthma under full steroid action") \
	X(ASTHMA_HR_GAIN, "asthma_hr_gain", "/min", 65, 0, 100, "heart rate increase at full bronchospasm (work of breathing, stress)") \
	X(PEF_PREDICTED, "pef_predicted", "L/min", 500, 100, 800, "predicted peak expiratory flow") \
	/* sepsis */ \
	X(SEPSIS_PROGRESSION_S, "sepsis_progression_s", "s", 3600, 60, 86400, "time constant of the worsening of sepsis without antibiotics") \
	X(SEPSIS_RESOLUTION_S, "sepsis_resolution_s", "s", 43200, 600, 604800, "time constant of the resolution of sepsis under full antibiotic effect") \
	X(SEPSIS_SVR_DROP, "sepsis_svr_drop", "fraction", 0.72, 0, 0.9, "SVR reduction at full sepsis (vasodilation)") \
	X(SEPSIS_VOLUME_DEFICIT, "sepsis_volume_deficit", "fraction", 0.3, 0, 0.5, "effective circulating volume missing at the start at full sepsis (venous pooling, leak, intake)") \
	X(SEPSIS_LEAK, "sepsis_leak", "mL/min", 20, 0, 200, "capillary leak at full sepsis") \
	X(SEPSIS_LACTATE_RATE, "sepsis_lactate_rate", "mmol/L/min", 0.1, 0, 1, "lactate production of the septic process at full sepsis (besides any oxygen debt)") \
	X(SEPSIS_HR_GAIN, "sepsis_hr_gain", "/min", 30, 0, 100, "heart rate increase at full sepsis (fever, cytokines)") \
	X(SEPSIS_FEVER, "sepsis_fever", "C", 2.4, 0, 4, "temperature rise at full sepsis") \
	X(SEPSIS_CONTRACTILITY_LOSS, "sepsis_contractility_loss", "fraction", 0.15, 0, 0.8, "contractility lost at full sepsis (septic cardiomyopathy)") \
	X(ANTIBIOTIC_EC50_MG, "antibiotic_ec50_mg", "mg", 200, 1, 5000, "ceftriaxone or piperacillin-tazobactam amount giving half the antibiotic effect") \
	X(CEFTRIAXONE_HALF_LIFE_S, "ceftriaxone_half_life_s", "s", 28800, 600, 172800, "half-life of ceftriaxone") \
	X(PIPTAZ_HALF_LIFE_S, "piperacillin_tazobactam_half_life_s", "s", 3600, 600, 86400, "half-life of piperacillin-tazobactam") \
	X(NOREPI_HALF_LIFE_S, "norepinephrine_half_life_s", "s", 150, 30, 1200, "half-life of norepinephrine") \
	X(NOREPI_EC50_MG, "norepinephrine_ec50_mg", "mg", 0.03, 0.002, 1, "central norepinephrine giving half its effect (about 8 mcg/min at steady state)") \
	X(NOREPI_SVR_GAIN, "norepinephrine_svr_gain", "fraction", 1.2, 0, 5, "SVR increase at full norepinephrine effect (alpha-1)") \
	X(NOREPI_INOTROPY, "norepinephrine_inotropy", "fraction", 0.1, 0, 1, "contractility increase at full norepinephrine effect (beta-1)") \
	/* hyperkalaemia */ \
	X(K_RISE, "potassium_rise_per_h", "mmol/L/h", 0.5, 0, 5, "rise of the potassium without treatment (renal failure)") \
	X(K_TOXIC_LOW, "potassium_toxic_low", "mmol/L", 6.0, 5, 8, "potassium above which the heart is affected") \
	X(K_TOXIC_SPAN, "potassium_toxic_span", "mmol/L", 2.0, 0.5, 6, "further potassium that gives full cardiotoxicity") \
	X(K_HR_LOSS, "potassium_hr_loss", "fraction", 0.7, 0, 1, "heart rate lost at full cardiotoxicity (bradycardia, block)") \
	X(K_CONTRACTILITY_LOSS, "potassium_contractility_loss", "fraction", 0.5, 0, 1, "contractility lost at full cardiotoxicity") \
	X(CALCIUM_HALF_LIFE_S, "calcium_half_life_s", "s", 2400, 300, 14400, "effective half-life of the membrane stabilisation of IV calcium (30-60 min)") \
	X(CALCIUM_EC50_MG, "calcium_chloride_ec50_mg", "mg", 400, 50, 5000, "calcium chloride giving half its stabilisation (gluconate: three times as much)") \
	X(CALCIUM_STABILISATION, "calcium_stabilisation", "fraction", 0.9, 0, 1, "cardiotoxicity blocked at full calcium effect") \
	X(K_INSULIN_SHIFT, "potassium_insulin_shift", "mmol/L", 1.0, 0, 3, "potassium moved into cells at full insulin effect") \
	X(K_SALB_SHIFT, "potassium_salbutamol_shift", "mmol/L", 1.0, 0, 3, "potassium moved into cells at full salbutamol effect (10-20 mg nebulised)") \
	X(K_SALB_EC50_MG, "potassium_salbutamol_ec50_mg", "mg", 6, 0.5, 50, "absorbed salbutamol giving half its potassium shift") \
	X(K_SHIFT_TAU_S, "potassium_shift_tau_s", "s", 900, 60, 7200, "time constant of the shift of potassium into cells")

typedef enum patient_param_id {
#define X(id, name, unit, def, lo, hi, desc) PP_##id,
	PATIENT_PARAMS(X)
#undef X
	PP_COUNT_
} patient_param_id;

#endif
