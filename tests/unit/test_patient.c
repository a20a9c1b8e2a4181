/* The virtual patient: direction and size of each response within the ranges documented in
 * docs/physiology.md, parameter table validation and abuse. */
#include "check.h"
#include "patient_test_util.h"

#include <math.h>
#include <string.h>

#define DT 0.01

static void test_healthy_baseline(void)
{
	patient *p = mk((patient_config){.seed = 1});
	run_for(p, 120, DT, 0);
	const patient_vitals *v = vit(p);
	CHECK(v->rhythm == PATIENT_RHYTHM_SINUS);
	CHECK(v->pulse_present && !v->rosc);
	CHECK(v->heart_rate > 65 && v->heart_rate < 85);
	CHECK(v->map > 85 && v->map < 100);
	CHECK(v->sbp > 110 && v->sbp < 130 && v->dbp > 70 && v->dbp < 90);
	CHECK(v->spo2 >= 95 && v->spo2 <= 100);
	CHECK(v->etco2 >= 35 && v->etco2 <= 45);
	CHECK(v->resp_rate >= 12 && v->resp_rate <= 18);
	CHECK(v->avpu == PATIENT_AVPU_ALERT);
	CHECK_NEAR(v->cardiac_output, 5.0, 0.3);
	CHECK_NEAR(v->temperature_c, 36.8, 0.01);
	patient_destroy(&p);
	CHECK(p == NULL);
	patient_destroy(&p);
	patient_destroy(NULL);
}

/* Good CPR: EtCO2 10-20 mmHg, CPP 15-30 mmHg; no CPR: EtCO2 < 10; poor CPR in between. */
static void test_cpr_quality_drives_etco2(void)
{
	patient *good = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 1));
	patient *none = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 1));
	patient *poor = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 1));
	act(good, CPR_GOOD);
	act(poor, (patient_action){.kind = PATIENT_ACT_CPR_START, .cpr = {.rate_per_min = 70, .depth_cm = 3.0}});
	patient *all[] = {good, none, poor};
	for (int i = 0; i < 3; i++) {
		act(all[i], AIRWAY);
		run_for(all[i], 120, DT, 6.0);
	}
	CHECK(vit(good)->etco2 >= 10 && vit(good)->etco2 <= 20);
	CHECK(vit(good)->cpp >= 15 && vit(good)->cpp <= 30);
	CHECK(vit(good)->cpr_active && fabs(vit(good)->cpr_rate - 110) < 1e-9);
	CHECK(vit(none)->etco2 < 10);
	CHECK(vit(none)->cpp < 1);
	CHECK(vit(poor)->etco2 < vit(good)->etco2 - 5);
	CHECK(vit(poor)->cpp < vit(good)->cpp - 5);
	CHECK(!vit(good)->pulse_present && !vit(none)->pulse_present);
	/* a pause: flow and EtCO2 fall within seconds */
	act(good, (patient_action){.kind = PATIENT_ACT_CPR_STOP});
	double et = vit(good)->etco2;
	run_for(good, 10, DT, 0);
	CHECK(!vit(good)->cpr_active);
	CHECK(vit(good)->cpp < 3);
	CHECK(vit(good)->etco2 < et - 5);
	for (int i = 0; i < 3; i++)
		patient_destroy(&all[i]);
}

/* Compressions given as samples (depth, timing) are measured and count like declared CPR. */
static void test_cpr_samples(void)
{
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 2));
	act(p, AIRWAY);
	/* 110 /min = one compression every 0.545 s; here every 55 steps of 10 ms (109 /min) */
	for (int i = 0; i < 12000; i++) {
		if (i % 55 == 0) {
			patient_outcome o = act(p, (patient_action){.kind = PATIENT_ACT_COMPRESSION, .compression = {.depth_cm = 5.5}});
			CHECK(o.applied && !o.complication);
		}
		if (i % 600 == 0)
			act(p, (patient_action){.kind = PATIENT_ACT_BVM_BREATH});
		patient_step(p, DT);
	}
	const patient_vitals *v = vit(p);
	CHECK(v->cpr_active);
	CHECK(fabs(v->cpr_rate - 109.1) < 1.0);
	CHECK_NEAR(v->cpr_depth_cm, 5.5, 1e-9);
	CHECK(v->etco2 >= 10 && v->etco2 <= 20);
	/* too deep: flagged */
	patient_outcome o = act(p, (patient_action){.kind = PATIENT_ACT_COMPRESSION, .compression = {.depth_cm = 8}});
	CHECK(o.applied && o.complication);
	/* stop compressing: after 2 s CPR is no longer active */
	run_for(p, 3, DT, 0);
	CHECK(!vit(p)->cpr_active);
	patient_destroy(&p);
}

/* CPR, then a shock: over seeds some give ROSC (pulse, EtCO2 >= 35 and a rise of >= 15) and
 * some do not; the failures stay in VF. */
static void test_rosc_after_shock(void)
{
	int rosc = 0, fail = 0;
	for (uint64_t seed = 1; seed <= 40; seed++) {
		patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, seed));
		act(p, CPR_GOOD);
		act(p, AIRWAY);
		run_for(p, 120, DT, 6.0);
		double et_before = vit(p)->etco2;
		patient_outcome o = act(p, shock(200));
		CHECK(o.applied);
		CHECK(vit(p)->shocks == 1);
		if (o.effective) {
			CHECK(!patient_rhythm_is_arrest(vit(p)->rhythm));
			act(p, (patient_action){.kind = PATIENT_ACT_CPR_STOP});
			run_for(p, 60, DT, 6.0);
			const patient_vitals *v = vit(p);
			CHECK(v->pulse_present && v->rosc);
			CHECK(v->etco2 >= 35);
			CHECK(v->etco2 >= et_before + 15);
			CHECK(v->map >= 65);
			CHECK(v->heart_rate > 50 && v->heart_rate < 130);
			rosc++;
		} else {
			CHECK(patient_rhythm_shockable(vit(p)->rhythm));
			run_for(p, 10, DT, 6.0);
			CHECK(!vit(p)->pulse_present);
			CHECK(vit(p)->etco2 < 25);
			fail++;
		}
		patient_destroy(&p);
	}
	CHECK(rosc >= 5);
	CHECK(fail >= 5);
}

static double shock_success_rate(patient_rhythm r, int n, double prior_cpr_s)
{
	int ok = 0;
	for (int s = 0; s < n; s++) {
		patient *p = mk(arrest_cfg(r, 1000 + (uint64_t)s));
		if (prior_cpr_s > 0) {
			act(p, CPR_GOOD);
			run_for(p, prior_cpr_s, 0.05, 6.0);
		}
		ok += act(p, shock(200)).effective;
		patient_destroy(&p);
	}
	return (double)ok / n;
}

/* Coarse VF is shocked back far more often than fine VF; documented ranges in docs/physiology.md. */
static void test_shock_coarse_vs_fine(void)
{
	double coarse = shock_success_rate(PATIENT_RHYTHM_VF_COARSE, 400, 0);
	double fine = shock_success_rate(PATIENT_RHYTHM_VF_FINE, 400, 0);
	fprintf(stderr, "shock success: coarse %.3f fine %.3f\n", coarse, fine);
	CHECK(coarse > 0.50 && coarse < 0.70);
	CHECK(fine > 0.05 && fine < 0.25);
	CHECK(coarse - fine > 0.35);
	/* lower energy lowers the odds */
	int lo = 0, hi = 0;
	for (int s = 0; s < 400; s++) {
		patient *a = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 5000 + (uint64_t)s));
		patient *b = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 5000 + (uint64_t)s));
		lo += act(a, shock(50)).effective;
		hi += act(b, shock(360)).effective;
		patient_destroy(&a);
		patient_destroy(&b);
	}
	CHECK(hi > lo + 40);
}

/* Asystole is never shocked back, whatever the seed; a synchronised shock in VF does not fire. */
static void test_asystole_and_sync(void)
{
	for (uint64_t seed = 1; seed <= 100; seed++) {
		patient *p = mk(arrest_cfg(PATIENT_RHYTHM_ASYSTOLE, seed));
		act(p, CPR_GOOD);
		for (int k = 0; k < 3; k++) {
			run_for(p, 20, 0.05, 0);
			patient_outcome o = act(p, shock(360));
			CHECK(o.applied && !o.effective && o.complication);
			CHECK(vit(p)->rhythm == PATIENT_RHYTHM_ASYSTOLE);
		}
		run_for(p, 10, 0.05, 0);
		CHECK(!vit(p)->pulse_present);
		patient_destroy(&p);
	}
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 3));
	patient_outcome o = act(p, (patient_action){.kind = PATIENT_ACT_SHOCK, .shock = {.energy_j = 200, .synchronised = true}});
	CHECK(!o.applied);
	CHECK(o.reason && strstr(o.reason, "R wave"));
	CHECK(vit(p)->shocks == 0 && vit(p)->rhythm == PATIENT_RHYTHM_VF_COARSE);
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_SHOCK, .shock = {.energy_j = -5}}, &o) ==
	      SCRUB_ERR_INVALID);
	CHECK(!o.applied && vit(p)->shocks == 0);
	patient_destroy(&p);
}

/* Without CPR VF fades from coarse to fine within minutes; CPR coarsens it again. */
static void test_vf_coarse_to_fine(void)
{
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 4));
	run_for(p, 180, 0.05, 0);
	CHECK(vit(p)->rhythm == PATIENT_RHYTHM_VF_COARSE);
	double amp3 = vit(p)->vf_amplitude_mv;
	run_for(p, 420, 0.05, 0);
	CHECK(vit(p)->rhythm == PATIENT_RHYTHM_VF_FINE);
	CHECK(vit(p)->vf_amplitude_mv < amp3 && vit(p)->vf_amplitude_mv < 0.2);
	act(p, CPR_GOOD);
	act(p, AIRWAY);
	run_for(p, 300, 0.05, 6.0);
	CHECK(vit(p)->rhythm == PATIENT_RHYTHM_VF_COARSE);
	patient_destroy(&p);
	/* long untreated VF ends in asystole */
	p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 4));
	run_for(p, 1500, 0.05, 0);
	CHECK(vit(p)->rhythm == PATIENT_RHYTHM_ASYSTOLE);
	patient_destroy(&p);
}

/* Epinephrine IV during CPR reaches the heart and raises CPP; with no flow it stays in the vein. */
static void test_epinephrine_in_arrest(void)
{
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 5));
	act(p, CPR_GOOD);
	act(p, AIRWAY);
	CHECK(!act(p, drug(PATIENT_DRUG_EPINEPHRINE, 1, PATIENT_ROUTE_IV)).applied); /* no access yet */
	act(p, ACCESS);
	run_for(p, 90, DT, 6.0);
	double cpp0 = vit(p)->cpp;
	patient_outcome o = act(p, drug(PATIENT_DRUG_EPINEPHRINE, 1, PATIENT_ROUTE_IV));
	CHECK(o.applied && !o.complication);
	run_for(p, 90, DT, 6.0);
	CHECK(vit(p)->drug_effect[PATIENT_DRUG_EPINEPHRINE] > 0.6);
	CHECK(vit(p)->cpp > cpp0 + 5);
	patient_destroy(&p);

	p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 5));
	act(p, ACCESS);
	act(p, drug(PATIENT_DRUG_EPINEPHRINE, 1, PATIENT_ROUTE_IV));
	run_for(p, 60, DT, 0);
	CHECK(vit(p)->drug_effect[PATIENT_DRUG_EPINEPHRINE] < 0.05);
	patient_destroy(&p);
}

/* Anaphylaxis: IM adrenaline 0.5 mg raises MAP and SpO2 within 5 minutes; without it they fall. */
static void test_anaphylaxis(void)
{
	patient_config cfg = {.seed = 6, .anaphylaxis = {.severity = 0.7}};
	patient *rx = mk(cfg), *no = mk(cfg);
	run_for(rx, 60, DT, 0);
	run_for(no, 60, DT, 0);
	const patient_vitals v0 = *vit(no);
	CHECK(v0.map < 80 && v0.heart_rate > 100 && v0.spo2 < 92);
	CHECK(v0.airway_pressure > 25);
	patient_action im = {.kind = PATIENT_ACT_DRUG,
	                     .drug = {.drug = PATIENT_DRUG_EPINEPHRINE, .dose_mg = 0.5, .route = PATIENT_ROUTE_IM,
	                              .site = PATIENT_IM_SITE_THIGH}};
	patient_outcome o = act(rx, im);
	CHECK(o.applied && !o.complication);
	run_for(rx, 300, DT, 0);
	run_for(no, 300, DT, 0);
	CHECK(vit(rx)->map > v0.map + 15);
	CHECK(vit(rx)->spo2 > v0.spo2 + 3);
	CHECK(vit(rx)->airway_pressure < v0.airway_pressure - 5);
	CHECK(vit(no)->map < v0.map - 5);
	CHECK(vit(no)->spo2 < v0.spo2 - 2);
	CHECK(vit(rx)->map > vit(no)->map + 25);
	patient_destroy(&rx);
	patient_destroy(&no);

	/* the deltoid absorbs more slowly than the thigh */
	patient *th = mk(cfg), *de = mk(cfg);
	act(th, im);
	im.drug.site = PATIENT_IM_SITE_DELTOID;
	act(de, im);
	run_for(th, 240, DT, 0);
	run_for(de, 240, DT, 0);
	CHECK(vit(th)->drug_effect[PATIENT_DRUG_EPINEPHRINE] > vit(de)->drug_effect[PATIENT_DRUG_EPINEPHRINE] + 0.15);
	patient_destroy(&th);
	patient_destroy(&de);

	/* the classic error: the IM dose as an IV bolus is flagged and overshoots */
	patient *iv = mk(cfg), *imp = mk(cfg);
	act(iv, ACCESS);
	o = act(iv, drug(PATIENT_DRUG_EPINEPHRINE, 0.5, PATIENT_ROUTE_IV));
	CHECK(o.applied && o.complication);
	im.drug.site = PATIENT_IM_SITE_THIGH;
	act(imp, im);
	run_for(iv, 60, DT, 0);
	run_for(imp, 60, DT, 0);
	CHECK(vit(iv)->drug_effect[PATIENT_DRUG_EPINEPHRINE] > 0.6);
	CHECK(vit(imp)->drug_effect[PATIENT_DRUG_EPINEPHRINE] < 0.1); /* IM: still in its onset lag */
	CHECK(vit(iv)->map > vit(imp)->map + 25);
	patient_destroy(&iv);
	patient_destroy(&imp);
}

/* Tension pneumothorax: the wrong side does nothing; 5th ICS mid-axillary on the right side
 * restores BP; then a chest tube drains it. */
static void test_tension_pneumothorax(void)
{
	patient_config cfg = {.seed = 7, .tension_ptx = {.side = PATIENT_SIDE_RIGHT, .severity = 0.8}};
	patient *wrong = mk(cfg), *right = mk(cfg);
	run_for(wrong, 60, DT, 0);
	run_for(right, 60, DT, 0);
	const patient_vitals v0 = *vit(right);
	CHECK(v0.map < 80 && v0.heart_rate > 90 && v0.spo2 < 90);
	CHECK(v0.intrathoracic_pressure > 10 && v0.cvp > 12);

	patient_outcome o = act(wrong, needle(PATIENT_SIDE_LEFT, 5, PATIENT_LINE_MID_AXILLARY));
	CHECK(o.applied && !o.effective && o.complication);
	o = act(right, needle(PATIENT_SIDE_RIGHT, 5, PATIENT_LINE_MID_AXILLARY));
	CHECK(o.applied && o.effective && !o.complication);
	run_for(wrong, 60, DT, 0);
	run_for(right, 60, DT, 0);
	CHECK(vit(wrong)->map <= v0.map + 1);
	CHECK(vit(right)->map > v0.map + 10);
	CHECK(vit(right)->heart_rate < v0.heart_rate - 10);
	CHECK(vit(right)->spo2 > v0.spo2 + 3);
	CHECK(vit(right)->intrathoracic_pressure < 3);
	o = act(right, (patient_action){.kind = PATIENT_ACT_CHEST_TUBE, .chest_tube = {.side = PATIENT_SIDE_RIGHT}});
	CHECK(o.applied && o.effective);
	run_for(right, 300, DT, 0);
	CHECK(vit(right)->intrathoracic_pressure < 0.1);
	CHECK(vit(right)->spo2 > 94);
	patient_destroy(&wrong);
	patient_destroy(&right);

	/* sites */
	struct {
		int ics;
		patient_line line;
		bool effective, complication;
	} sites[] = {
		{4, PATIENT_LINE_MID_AXILLARY, true, false},       {5, PATIENT_LINE_ANTERIOR_AXILLARY, true, false},
		{2, PATIENT_LINE_MIDCLAVICULAR, true, false},      {2, PATIENT_LINE_PARASTERNAL, false, true},
		{5, PATIENT_LINE_PARASTERNAL, false, true},        {3, PATIENT_LINE_MID_AXILLARY, false, false},
		{4, PATIENT_LINE_ANTERIOR_AXILLARY, false, false}, {6, PATIENT_LINE_MID_AXILLARY, false, true},
	};
	for (size_t i = 0; i < sizeof sites / sizeof sites[0]; i++) {
		patient *p = mk(cfg);
		o = act(p, needle(PATIENT_SIDE_RIGHT, sites[i].ics, sites[i].line));
		CHECK(o.applied);
		if (o.effective != sites[i].effective || o.complication != sites[i].complication)
			fprintf(stderr, "  site %zu: ICS %d %s\n", i, sites[i].ics, patient_line_name(sites[i].line));
		CHECK(o.effective == sites[i].effective);
		CHECK(o.complication == sites[i].complication);
		patient_destroy(&p);
	}
	patient *p = mk(cfg);
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_NEEDLE_DECOMPRESSION,
	                                         .needle = {.side = PATIENT_SIDE_RIGHT, .ics = 7}},
	                    &o) == SCRUB_ERR_INVALID);
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_NEEDLE_DECOMPRESSION, .needle = {.ics = 5}}, &o) ==
	      SCRUB_ERR_INVALID);
	/* untreated it gets worse */
	double map0 = vit(p)->map;
	run_for(p, 600, 0.05, 0);
	CHECK(vit(p)->map < map0 - 10);
	patient_destroy(&p);
}

static void test_hypovolaemia(void)
{
	patient *p = mk((patient_config){.seed = 8, .hypovolaemia = {.blood_loss_ml = 1500}});
	run_for(p, 60, DT, 0);
	const patient_vitals v0 = *vit(p);
	CHECK(v0.heart_rate > 95 && v0.map < 80 && v0.pulse_present);
	patient_outcome o = act(p, (patient_action){.kind = PATIENT_ACT_FLUID_BOLUS, .fluid = {.volume_ml = 1000}});
	CHECK(!o.applied && strstr(o.reason, "access"));
	act(p, ACCESS);
	o = act(p, (patient_action){.kind = PATIENT_ACT_FLUID_BOLUS, .fluid = {.volume_ml = 1000}});
	CHECK(o.applied);
	run_for(p, 300, DT, 0);
	CHECK(vit(p)->map > v0.map + 5);
	CHECK(vit(p)->heart_rate < v0.heart_rate - 5);
	CHECK(vit(p)->blood_volume_ml > v0.blood_volume_ml + 400);
	patient_destroy(&p);

	/* ongoing bleeding without treatment ends in PEA */
	p = mk((patient_config){.seed = 8, .hypovolaemia = {.blood_loss_ml = 1500, .bleed_ml_per_min = 150}});
	run_for(p, 900, 0.05, 0);
	CHECK(vit(p)->rhythm == PATIENT_RHYTHM_PEA && !vit(p)->pulse_present);
	patient_destroy(&p);
}

static void test_action_validation(void)
{
	patient *p = mk((patient_config){.seed = 9});
	patient_outcome o;
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_DRUG, .drug = {.drug = PATIENT_DRUG_COUNT_, .dose_mg = 1}},
	                    &o) == SCRUB_ERR_INVALID);
	CHECK(o.reason && strstr(o.reason, "drug"));
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_DRUG, .drug = {.dose_mg = -1}}, &o) == SCRUB_ERR_INVALID);
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_DRUG, .drug = {.dose_mg = NAN}}, &o) == SCRUB_ERR_INVALID);
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_OXYGEN, .oxygen = {.device = 99}}, &o) == SCRUB_ERR_INVALID);
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_COUNT_}, &o) == SCRUB_ERR_INVALID);
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_FLUID_BOLUS}, &o) == SCRUB_ERR_INVALID);
	CHECK(patient_apply(p, NULL, &o) == SCRUB_ERR_INVALID);
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_CPR_STOP}, NULL) == SCRUB_OK);
	o = act(p, drug(PATIENT_DRUG_AMIODARONE, 300, PATIENT_ROUTE_IM));
	CHECK(!o.applied && strstr(o.reason, "IM"));
	o = act(p, drug(PATIENT_DRUG_AMIODARONE, 300, PATIENT_ROUTE_IO));
	CHECK(!o.applied && strstr(o.reason, "access"));
	CHECK_STR(patient_rhythm_name(PATIENT_RHYTHM_VF_FINE), "vf_fine");
	CHECK_STR(patient_rhythm_name(PATIENT_RHYTHM_COUNT_), "?");
	CHECK_STR(patient_action_kind_name(PATIENT_ACT_NEEDLE_DECOMPRESSION), "needle_decompression");
	CHECK_STR(patient_line_name(PATIENT_LINE_ANTERIOR_AXILLARY), "anterior_axillary");
	patient_destroy(&p);

	/* oxygen raises SpO2 in a hypoxic (bronchospasm) patient, not past the shunt */
	patient_config cfg = {.seed = 9, .anaphylaxis = {.severity = 0.6, .bronchospasm = 1}};
	patient *a = mk(cfg), *b = mk(cfg);
	act(b, (patient_action){.kind = PATIENT_ACT_OXYGEN, .oxygen = {.device = PATIENT_O2_NONREBREATHER, .flow_l_min = 15}});
	run_for(a, 120, DT, 0);
	run_for(b, 120, DT, 0);
	CHECK(vit(b)->fio2 > 0.8 && vit(a)->fio2 < 0.22);
	CHECK(vit(b)->spo2 > vit(a)->spo2 + 2);
	CHECK(vit(b)->pao2 > vit(a)->pao2);
	patient_destroy(&a);
	patient_destroy(&b);
}

static void test_param_table(void)
{
	size_t n = patient_param_count();
	CHECK(n >= 60);
	CHECK(patient_param_info_at(n) == NULL);
	for (size_t i = 0; i < n; i++) {
		const patient_param_info *pi = patient_param_info_at(i);
		CHECK(pi && pi->name && pi->unit && pi->description && pi->unit[0]);
		CHECK(pi->min <= pi->def && pi->def <= pi->max);
		CHECK(patient_param_find(pi->name) == (int)i); /* names are unique */
	}
	CHECK(patient_param_find("baseline_hr") >= 0);
	CHECK(patient_param_find("vf_shock_success_200j") >= 0);
	CHECK(patient_param_find("epi_im_onset_s") >= 0);
	CHECK(patient_param_find("svr") >= 0);
	CHECK(patient_param_find("baseline_hrr") == -1);
	CHECK(patient_param_find(NULL) == -1);
	CHECK_STR(patient_param_info_at((size_t)patient_param_find("svr"))->unit, "mmHg*min/L");

	patient *p = mk((patient_config){.seed = 10});
	double v;
	CHECK(patient_set_param(p, "baseline_hrr", 60) == SCRUB_ERR_INVALID);
	CHECK(patient_set_param(p, "baseline_hr", 10) == SCRUB_ERR_INVALID);
	CHECK(patient_set_param(p, "baseline_hr", NAN) == SCRUB_ERR_INVALID);
	CHECK(patient_get_param(p, "baseline_hr", &v) == SCRUB_OK && v == 75);
	CHECK(patient_set_param(p, "baseline_hr", 60) == SCRUB_OK);
	CHECK(patient_get_param(p, "baseline_hr", &v) == SCRUB_OK && v == 60);
	CHECK(patient_get_param(p, "nope", &v) == SCRUB_ERR_INVALID);
	patient_destroy(&p);

	/* overrides at create: validated, then in effect */
	patient_param_override bad[] = {{"baseline_hr", 55}, {"svr_typo", 20}};
	patient *q = (patient *)&v; /* must be cleared on failure */
	patient_config cfg = {.overrides = bad, .override_count = 2};
	CHECK(patient_create(&cfg, &q) == SCRUB_ERR_INVALID && q == NULL);
	patient_param_override range[] = {{"baseline_hr", 500}};
	cfg = (patient_config){.overrides = range, .override_count = 1};
	CHECK(patient_create(&cfg, &q) == SCRUB_ERR_INVALID && q == NULL);
	patient_param_override good[] = {{"baseline_hr", 55}};
	q = mk((patient_config){.overrides = good, .override_count = 1});
	run_for(q, 60, DT, 0);
	CHECK(vit(q)->heart_rate > 50 && vit(q)->heart_rate < 60);
	CHECK(vit(q)->rhythm == PATIENT_RHYTHM_SINUS_BRADY);
	patient_destroy(&q);

	/* config validation */
	CHECK(patient_create(&(patient_config){.anaphylaxis = {.severity = 2}}, &q) == SCRUB_ERR_INVALID);
	CHECK(patient_create(&(patient_config){.tension_ptx = {.side = 7}}, &q) == SCRUB_ERR_INVALID);
	CHECK(patient_create(&(patient_config){.weight_kg = -1}, &q) == SCRUB_ERR_INVALID);
	CHECK(patient_create(&(patient_config){.arrest = {.present = true, .rhythm = PATIENT_RHYTHM_VT_PULSE}}, &q) ==
	      SCRUB_ERR_INVALID);
	CHECK(patient_create(NULL, &q) == SCRUB_OK && q);
	patient_destroy(&q);
	CHECK(patient_create(NULL, NULL) == SCRUB_ERR_INVALID);
}

static bool vitals_finite(const patient_vitals *v)
{
	double xs[] = {v->heart_rate, v->sbp, v->dbp, v->map, v->spo2, v->resp_rate, v->etco2, v->temperature_c,
	               v->cardiac_output, v->cpp, v->cvp, v->svr, v->fio2, v->paco2, v->pao2, v->airway_pressure,
	               v->intrathoracic_pressure, v->blood_volume_ml, v->vf_amplitude_mv, v->myocardial_reserve,
	               v->cpr_rate, v->cpr_depth_cm, v->cpr_fraction};
	for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
		if (!isfinite(xs[i]))
			return false;
	for (int d = 0; d < PATIENT_DRUG_COUNT_; d++)
		if (!isfinite(v->drug_effect[d]) || v->drug_effect[d] < 0 || v->drug_effect[d] > 1)
			return false;
	return v->spo2 >= 0 && v->spo2 <= 100 && v->etco2 >= 0 && (unsigned)v->rhythm < PATIENT_RHYTHM_COUNT_;
}

/* Huge doses, dt at both bounds, ten shocks in a second, nonsense CPR: nothing becomes NaN. */
static void test_abuse(void)
{
	float ecg[64], pl[64], co2[64];
	patient_wave_ring ring = {.ecg_mv = ecg, .pleth = pl, .co2_mmhg = co2, .capacity = 64};
	for (int scen = 0; scen < 4; scen++) {
		patient_config cfg = {.seed = 11 + (uint64_t)scen};
		if (scen == 1)
			cfg.arrest.present = true;
		if (scen == 2)
			cfg = (patient_config){.seed = 12, .anaphylaxis = {.severity = 1}, .tension_ptx = {.side = PATIENT_SIDE_LEFT, .severity = 1},
			                       .hypovolaemia = {.blood_loss_ml = 5000, .bleed_ml_per_min = 1000}};
		if (scen == 3)
		{
			cfg.arrest.present = true;
			cfg.arrest.rhythm = PATIENT_RHYTHM_PEA;
		}
		patient *p = mk(cfg);
		CHECK(patient_step(p, 0) == SCRUB_ERR_INVALID);
		CHECK(patient_step(p, 0.06) == SCRUB_ERR_INVALID);
		CHECK(patient_step(p, NAN) == SCRUB_ERR_INVALID);
		CHECK(patient_step(p, -0.01) == SCRUB_ERR_INVALID);
		act(p, ACCESS);
		for (int d = 0; d < PATIENT_DRUG_COUNT_; d++)
			act(p, drug((patient_drug)d, 10000, PATIENT_ROUTE_IV));
		act(p, (patient_action){.kind = PATIENT_ACT_DRUG,
		                        .drug = {.drug = PATIENT_DRUG_EPINEPHRINE, .dose_mg = 10000, .route = PATIENT_ROUTE_IM}});
		act(p, (patient_action){.kind = PATIENT_ACT_FLUID_BOLUS, .fluid = {.volume_ml = 5000}});
		act(p, (patient_action){.kind = PATIENT_ACT_CPR_START, .cpr = {.rate_per_min = 300, .depth_cm = 15}});
		act(p, (patient_action){.kind = PATIENT_ACT_OXYGEN, .oxygen = {.device = PATIENT_O2_BVM, .flow_l_min = 60}});
		for (int i = 0; i < 100; i++) { /* ten shocks in one second */
			if (i % 10 == 0)
				act(p, shock(400));
			patient_step(p, 0.01);
		}
		for (int i = 0; i < 40; i++) /* a hundred breaths at once */
			act(p, (patient_action){.kind = PATIENT_ACT_BVM_BREATH, .breath = {.volume_ml = 2000}});
		for (int i = 0; i < 20000; i++) {
			CHECK(patient_step(p, (i / 1000) % 2 ? PATIENT_DT_MAX : PATIENT_DT_MIN) == SCRUB_OK);
			size_t n = patient_waves_append(p, &ring);
			if (n > PATIENT_WAVE_MAX_PER_STEP)
				CHECK(n <= PATIENT_WAVE_MAX_PER_STEP);
			for (size_t k = 0; k < n; k++) {
				size_t j = (size_t)((ring.written - n + k) % ring.capacity);
				if (!isfinite(ecg[j]) || !isfinite(pl[j]) || !isfinite(co2[j])) {
					CHECK(!"waveform not finite");
					break;
				}
			}
			if (i % 997 == 0)
				act(p, (patient_action){.kind = PATIENT_ACT_COMPRESSION, .compression = {.depth_cm = 15}});
			if (!vitals_finite(vit(p))) {
				CHECK(!"vitals not finite");
				break;
			}
		}
		CHECK(vitals_finite(vit(p)));
		patient_destroy(&p);
	}
}

/* Waveforms: rate, shape per rhythm, capnogram follows EtCO2. */
static void test_waveforms(void)
{
	static float ecg[4096], pl[4096], co2[4096];
	patient_wave_ring ring = {.ecg_mv = ecg, .pleth = pl, .co2_mmhg = co2, .capacity = 4096};
	patient *p = mk((patient_config){.seed = 13});
	run_for(p, 20, DT, 0); /* settle */
	size_t total = 0;
	uint64_t next = patient_waves_last_first_index(p) + (uint64_t)patient_waves_append(p, &(patient_wave_ring){.ecg_mv = ecg, .capacity = 4096});
	for (int i = 0; i < 1000; i++) { /* 10 s */
		patient_step(p, DT);
		CHECK(patient_waves_last_first_index(p) == next); /* contiguous */
		size_t n = patient_waves_append(p, &ring);
		next += n;
		total += n;
	}
	CHECK(next == 5001 + 2500); /* sample n is taken at n / 250 s: 0 .. 30 s */
	CHECK(total == 2500);
	CHECK(ring.written == 2500);
	int peaks = 0;
	float co2max = 0, plmax = 0;
	for (size_t i = 1; i + 1 < total; i++) {
		if (ecg[i] > 0.8f && ecg[i] >= ecg[i - 1] && ecg[i] > ecg[i + 1])
			peaks++;
		co2max = fmaxf(co2max, co2[i]);
		plmax = fmaxf(plmax, pl[i]);
	}
	CHECK(peaks >= 11 && peaks <= 14); /* 75 /min over 10 s */
	CHECK(fabs(co2max - vit(p)->etco2) < 4);
	CHECK(plmax > 0.5f);
	patient_destroy(&p);

	/* VF: large irregular deflections, no pleth; asystole: flat */
	p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 13));
	patient *a = mk(arrest_cfg(PATIENT_RHYTHM_ASYSTOLE, 13));
	patient_wave_ring ra = ring;
	ring.written = 0;
	static float ea[4096], pa[4096], ca[4096];
	ra = (patient_wave_ring){.ecg_mv = ea, .pleth = pa, .co2_mmhg = ca, .capacity = 4096};
	for (int i = 0; i < 500; i++) {
		patient_step(p, DT);
		patient_step(a, DT);
		patient_waves_append(p, &ring);
		patient_waves_append(a, &ra);
	}
	float vmax = 0, vmin = 0, amax = 0, plv = 0;
	for (size_t i = 0; i < ring.written; i++) {
		vmax = fmaxf(vmax, ecg[i]);
		vmin = fminf(vmin, ecg[i]);
		amax = fmaxf(amax, fabsf(ea[i]));
		plv = fmaxf(plv, pl[i]);
	}
	CHECK(vmax - vmin > 1.0f);
	CHECK(amax < 0.1f);
	CHECK(plv == 0.0f);
	patient_destroy(&p);
	patient_destroy(&a);

	/* samples per step follow dt */
	p = mk((patient_config){.seed = 13});
	ring.written = 0;
	for (int i = 0; i < 100; i++) {
		patient_step(p, PATIENT_DT_MAX);
		CHECK(patient_waves_append(p, &ring) >= 12);
	}
	CHECK(ring.written == 1250 || ring.written == 1251);
	patient_destroy(&p);
}

/* Whole ACLS runs over seeds: 2-minute CPR cycles with a shock, epinephrine from the 2nd shock,
 * amiodarone at the 3rd: sustained ROSC at 10 minutes in nearly every seed; CPR without shocks never;
 * shocks alone (no CPR) less often than the full algorithm. */
static int acls_rosc(int mode, uint64_t seed)
{
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, seed));
	if (mode != 1)
		act(p, CPR_GOOD);
	act(p, AIRWAY);
	act(p, ACCESS);
	int shocks = 0;
	bool rosc = false;
	for (int i = 0; i < 60000; i++) {
		if (i % 600 == 0)
			act(p, (patient_action){.kind = PATIENT_ACT_BVM_BREATH});
		if (mode != 2 && i % 12000 == 6000 && patient_rhythm_shockable(vit(p)->rhythm)) {
			act(p, shock(200));
			shocks++;
			if (shocks >= 2 && mode == 0)
				act(p, drug(PATIENT_DRUG_EPINEPHRINE, 1, PATIENT_ROUTE_IO));
			if (shocks == 3 && mode == 0)
				act(p, drug(PATIENT_DRUG_AMIODARONE, 300, PATIENT_ROUTE_IO));
		}
		patient_step(p, DT);
		if (!rosc && vit(p)->rosc) {
			rosc = true;
			act(p, (patient_action){.kind = PATIENT_ACT_CPR_STOP});
		}
	}
	int ok = vit(p)->pulse_present && vit(p)->rosc && vit(p)->map > 65;
	if (getenv("PT_DEBUG"))
		fprintf(stderr, "mode %d seed %d: %s pulse %d et %.1f map %.0f\n", mode, (int)seed, patient_rhythm_name(vit(p)->rhythm), vit(p)->pulse_present, vit(p)->etco2, vit(p)->map);
	patient_destroy(&p);
	return ok;
}

static void test_acls_outcomes(void)
{
	int n[3] = {0, 0, 0};
	for (int mode = 0; mode < 3; mode++)
		for (uint64_t seed = 1; seed <= 40; seed++)
			n[mode] += acls_rosc(mode, seed);
	fprintf(stderr, "ACLS sustained ROSC at 10 min over 40 seeds: full %d, shocks without CPR or drugs %d, CPR without shocks %d\n",
	        n[0], n[1], n[2]);
	CHECK(n[0] >= 36);
	CHECK(n[2] == 0);
	CHECK(n[1] < n[0]);
}

/* docs/physiology.md lists every parameter of the table (it is generated from patient_params.h). */
static void test_doc_in_sync(const char *path)
{
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	static char doc[1 << 17];
	size_t n = fread(doc, 1, sizeof doc - 1, f);
	fclose(f);
	doc[n] = 0;
	for (size_t i = 0; i < patient_param_count(); i++) {
		const patient_param_info *pi = patient_param_info_at(i);
		char row[160];
		snprintf(row, sizeof row, "| `%s` | %s | %g | %g | %g |", pi->name, pi->unit, pi->def, pi->min, pi->max);
		if (!strstr(doc, row))
			fprintf(stderr, "  docs/physiology.md lacks the row: %s\n", row);
		CHECK(strstr(doc, row) != NULL);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1)
		test_doc_in_sync(argv[1]);
	test_healthy_baseline();
	test_cpr_quality_drives_etco2();
	test_cpr_samples();
	test_rosc_after_shock();
	test_shock_coarse_vs_fine();
	test_asystole_and_sync();
	test_vf_coarse_to_fine();
	test_epinephrine_in_arrest();
	test_anaphylaxis();
	test_tension_pneumothorax();
	test_hypovolaemia();
	test_action_validation();
	test_param_table();
	test_abuse();
	test_waveforms();
	test_acls_outcomes();
	return CHECK_DONE();
}
