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
		act(p, PADS_AL);
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
		act(p, PADS_AL);
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
		act(a, PADS_AL);
		act(b, PADS_AL);
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
		act(p, PADS_AL);
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
	act(p, PADS_AL);
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
	CHECK(vit(right)->intrathoracic_pressure > 3 && vit(right)->intrathoracic_pressure < 10); /* partial */
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

	/* blood stays in the vessels, crystalloid half of it */
	patient *cr = mk((patient_config){.seed = 8, .hypovolaemia = {.blood_loss_ml = 1500}});
	p = mk((patient_config){.seed = 8, .hypovolaemia = {.blood_loss_ml = 1500}});
	act(cr, ACCESS);
	act(p, ACCESS);
	const double bv0 = vit(p)->blood_volume_ml;
	act(cr, (patient_action){.kind = PATIENT_ACT_FLUID_BOLUS, .fluid = {.volume_ml = 500}});
	act(p, (patient_action){.kind = PATIENT_ACT_FLUID_BOLUS, .fluid = {.volume_ml = 500, .blood = true}});
	run_for(cr, 180, DT, 0);
	run_for(p, 180, DT, 0);
	CHECK_NEAR(vit(cr)->blood_volume_ml - bv0, 250, 1);
	CHECK_NEAR(vit(p)->blood_volume_ml - bv0, 500, 1);
	CHECK(vit(p)->map > vit(cr)->map + 3);
	patient_destroy(&cr);
	patient_destroy(&p);

	/* with bleed_pressure_exponent 1 the bleed slows as the pressure falls (100 mL/min at MAP 93) */
	const patient_param_override k1 = {"bleed_pressure_exponent", 1};
	patient *flat = mk((patient_config){.seed = 8, .hypovolaemia = {.bleed_ml_per_min = 100}});
	p = mk((patient_config){.seed = 8, .hypovolaemia = {.bleed_ml_per_min = 100}, .overrides = &k1, .override_count = 1});
	const double full = vit(p)->blood_volume_ml;
	run_for(flat, 600, DT, 0);
	run_for(p, 600, DT, 0);
	fprintf(stderr, "  bleeding 100 mL/min for 10 min: %.0f mL lost at a constant rate, %.0f mL pressure-driven (MAP %.0f vs %.0f)\n",
	        full - vit(flat)->blood_volume_ml, full - vit(p)->blood_volume_ml, vit(flat)->map, vit(p)->map);
	CHECK(vit(p)->blood_volume_ml > vit(flat)->blood_volume_ml + 30);
	patient_destroy(&flat);
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
		act(p, PADS_AL);
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
	act(p, PADS_AL);
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

/* ---- The outcome contract: complication kinds, not_delivered words, pads, position, trigger ---- */

static const patient_action SET_VF = {.kind = PATIENT_ACT_SET_RHYTHM, .set_rhythm = {.rhythm = PATIENT_RHYTHM_VF_COARSE}};

static patient_action sync_shock(double j)
{
	return (patient_action){.kind = PATIENT_ACT_SHOCK, .shock = {.energy_j = j, .synchronised = true}};
}

static patient_action pads(patient_pads where)
{
	return (patient_action){.kind = PATIENT_ACT_PADS, .pads = {.position = where}};
}

static patient_action position(patient_position where)
{
	return (patient_action){.kind = PATIENT_ACT_POSITION, .position = {.position = where}};
}

static void test_names(void)
{
	static const char *const comp[] = {"none", "shock_on_perfusing_rhythm", "shock_non_shockable",
	                                   "shock_during_compressions", "vf_induced", "iv_bolus_epinephrine",
	                                   "needle_medial", "needle_too_low", "needle_wrong_side", "drain_wrong_side",
	                                   "compression_too_deep", "upright_while_hypotensive", "shock_while_awake",
	                                   "injection_too_fast"};
	CHECK(sizeof comp / sizeof comp[0] == PATIENT_COMP_COUNT_);
	for (int c = 0; c < PATIENT_COMP_COUNT_; c++)
		CHECK_STR(patient_complication_name((patient_complication)c), comp[c]);
	CHECK_STR(patient_complication_name(PATIENT_COMP_COUNT_), "?");
	CHECK_STR(patient_complication_name(PATIENT_COMP_SHOCK_DURING_CPR), "shock_during_compressions");
	CHECK_STR(patient_pads_name(PATIENT_PADS_NONE), "none");
	CHECK_STR(patient_pads_name(PATIENT_PADS_ANTEROLATERAL), "anterolateral");
	CHECK_STR(patient_pads_name(PATIENT_PADS_ANTEROPOSTERIOR), "anteroposterior");
	CHECK_STR(patient_pads_name(PATIENT_PADS_MISPLACED), "misplaced");
	CHECK_STR(patient_pads_name(PATIENT_PADS_COUNT_), "?");
	CHECK_STR(patient_position_name(PATIENT_POS_SUPINE), "supine");
	CHECK_STR(patient_position_name(PATIENT_POS_LEGS_RAISED), "legs_raised");
	CHECK_STR(patient_position_name(PATIENT_POS_SITTING), "sitting");
	CHECK_STR(patient_position_name(PATIENT_POS_RECOVERY), "recovery");
	CHECK_STR(patient_position_name(PATIENT_POS_LEFT_LATERAL), "left_lateral");
	CHECK_STR(patient_action_kind_name(PATIENT_ACT_PADS), "pads");
	CHECK_STR(patient_action_kind_name(PATIENT_ACT_POSITION), "position");
	CHECK_STR(patient_action_kind_name(PATIENT_ACT_REMOVE_TRIGGER), "remove_trigger");
	CHECK_STR(patient_action_kind_name(PATIENT_ACT_COUNT_), "?");
	/* the new kinds come after the old ones: recorded action numbers keep their meaning */
	CHECK(PATIENT_ACT_SET_RHYTHM == 13 && PATIENT_ACT_PADS == 14 && PATIENT_ACT_REMOVE_TRIGGER == 16);
}

/* No pads: nothing delivered, no shock counted and no random draw (the next shock's outcome is the
 * one it would have been). Pads on: the synchronised shock in VF has no R wave. */
static void test_shock_needs_pads(void)
{
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 21));
	patient_outcome o = act(p, shock(200));
	CHECK(!o.applied && !o.effective && !o.complication && o.kind == PATIENT_COMP_NONE);
	CHECK_STR(o.not_delivered, "no_pads");
	CHECK(vit(p)->shocks == 0 && vit(p)->pads == PATIENT_PADS_NONE);
	CHECK(vit(p)->rhythm == PATIENT_RHYTHM_VF_COARSE);
	o = act(p, pads(PATIENT_PADS_ANTEROLATERAL));
	CHECK(o.applied && o.not_delivered == NULL && vit(p)->pads == PATIENT_PADS_ANTEROLATERAL);
	o = act(p, sync_shock(200));
	CHECK(!o.applied);
	CHECK_STR(o.not_delivered, "no_r_wave");
	CHECK(vit(p)->shocks == 0);
	o = act(p, shock(200));
	CHECK(o.applied && o.not_delivered == NULL && vit(p)->shocks == 1);
	o = act(p, pads(PATIENT_PADS_NONE));
	CHECK(o.applied && vit(p)->pads == PATIENT_PADS_NONE);
	o = act(p, pads(PATIENT_PADS_NONE));
	CHECK(!o.applied);
	CHECK_STR(o.not_delivered, "no_pads");
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_PADS, .pads = {.position = PATIENT_PADS_COUNT_}}, &o) ==
	      SCRUB_ERR_INVALID);
	CHECK_STR(o.not_delivered, "invalid");
	/* asystole: no R wave either */
	patient_destroy(&p);
	p = mk(arrest_cfg(PATIENT_RHYTHM_ASYSTOLE, 21));
	act(p, PADS_AL);
	o = act(p, sync_shock(150));
	CHECK(!o.applied);
	CHECK_STR(o.not_delivered, "no_r_wave");
	patient_destroy(&p);

	/* the refused shock draws nothing: same seed, with and without a refused attempt first */
	int same = 0, differ = 0, ok = 0;
	for (uint64_t seed = 1; seed <= 60; seed++) {
		patient *a = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, seed));
		patient *b = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, seed));
		act(a, shock(200)); /* refused: no pads */
		act(a, sync_shock(200));
		act(a, PADS_AL);
		act(b, PADS_AL);
		act(a, sync_shock(200)); /* refused: no R wave */
		patient_outcome oa = act(a, shock(200)), ob = act(b, shock(200));
		ok += oa.effective;
		if (oa.effective == ob.effective && vit(a)->rhythm == vit(b)->rhythm)
			same++;
		else
			differ++;
		patient_destroy(&a);
		patient_destroy(&b);
	}
	CHECK(same == 60 && differ == 0);
	CHECK(ok > 10 && ok < 50); /* the draws themselves vary */
}

/* Compressions running when the shock is delivered: delivered, flagged shock_during_compressions. */
static void test_shock_during_cpr(void)
{
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 22));
	act(p, PADS_AL);
	act(p, CPR_GOOD);
	run_for(p, 30, DT, 0);
	patient_outcome o = act(p, shock(200));
	CHECK(o.applied && o.complication && o.not_delivered == NULL);
	CHECK(o.kind == PATIENT_COMP_SHOCK_DURING_CPR);
	CHECK(vit(p)->shocks == 1);
	/* stop, wait 2 s: hands off, no flag */
	act(p, SET_VF);
	act(p, (patient_action){.kind = PATIENT_ACT_CPR_STOP});
	run_for(p, 2, DT, 0);
	o = act(p, shock(200));
	CHECK(o.applied && !o.complication && o.kind == PATIENT_COMP_NONE);
	/* right after the stop the last compression is < 1.5 s old, but the stop took the hands off:
	 * whatever the phase of the last compression, no flag (a flag that depended on the phase would
	 * score the same care differently) */
	act(p, SET_VF);
	act(p, CPR_GOOD);
	run_for(p, 5, DT, 0);
	act(p, (patient_action){.kind = PATIENT_ACT_CPR_STOP});
	run_for(p, 0.5, DT, 0);
	o = act(p, shock(200));
	CHECK(o.applied && o.kind == PATIENT_COMP_NONE);
	patient_destroy(&p);

	/* sampled compressions: 1 s after the last one still on the chest, 2 s after not */
	p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 23));
	act(p, PADS_AL);
	for (int i = 0; i < 10; i++) {
		act(p, (patient_action){.kind = PATIENT_ACT_COMPRESSION, .compression = {.depth_cm = 5.5}});
		run_for(p, 0.55, DT, 0);
	}
	run_for(p, 0.45, DT, 0);
	o = act(p, shock(200));
	CHECK(o.kind == PATIENT_COMP_SHOCK_DURING_CPR);
	act(p, SET_VF);
	act(p, (patient_action){.kind = PATIENT_ACT_COMPRESSION, .compression = {.depth_cm = 5.5}});
	run_for(p, 2.0, DT, 0);
	o = act(p, shock(200));
	CHECK(o.applied && o.kind == PATIENT_COMP_NONE);
	patient_destroy(&p);

	/* asystole: shock_non_shockable; during compressions the hands-on flag wins */
	p = mk(arrest_cfg(PATIENT_RHYTHM_ASYSTOLE, 24));
	act(p, PADS_AL);
	o = act(p, shock(200));
	CHECK(o.applied && !o.effective && o.kind == PATIENT_COMP_SHOCK_NON_SHOCKABLE);
	act(p, CPR_GOOD);
	run_for(p, 3, DT, 0);
	o = act(p, shock(200));
	CHECK(o.kind == PATIENT_COMP_SHOCK_DURING_CPR);
	patient_destroy(&p);
}

/* Shocks with a pulse: VF induced (the more serious kind) or shock_on_perfusing_rhythm; synchronised
 * cardioversion of VT with a pulse is no complication. */
static void test_shock_with_pulse(void)
{
	int induced = 0, perfusing = 0;
	for (uint64_t seed = 1; seed <= 60; seed++) {
		patient *p = mk((patient_config){.seed = seed});
		act(p, PADS_AL);
		run_for(p, 3, DT, 0);
		patient_outcome o = act(p, shock(200));
		CHECK(o.applied && o.complication && !o.effective);
		if (vit(p)->rhythm == PATIENT_RHYTHM_VF_COARSE) {
			CHECK(o.kind == PATIENT_COMP_VF_INDUCED);
			induced++;
		} else {
			CHECK(o.kind == PATIENT_COMP_SHOCK_PERFUSING);
			perfusing++;
		}
		patient_destroy(&p);
	}
	CHECK(induced > 8 && perfusing > 25); /* unsync_shock_vf_risk 0.3 */
	/* VF induced during compressions is still vf_induced */
	for (uint64_t seed = 1; seed <= 30; seed++) {
		patient *p = mk((patient_config){.seed = seed});
		act(p, PADS_AL);
		act(p, CPR_GOOD);
		run_for(p, 1, DT, 0);
		patient_outcome o = act(p, shock(200));
		CHECK(o.kind == (vit(p)->rhythm == PATIENT_RHYTHM_VF_COARSE ? PATIENT_COMP_VF_INDUCED
		                                                              : PATIENT_COMP_SHOCK_DURING_CPR));
		patient_destroy(&p);
	}
	/* VT with a pulse: synchronised is the treatment, unsynchronised is flagged */
	int conv = 0;
	for (uint64_t seed = 1; seed <= 40; seed++) {
		patient *p = mk((patient_config){.seed = seed});
		act(p, PADS_AL);
		act(p, (patient_action){.kind = PATIENT_ACT_SET_RHYTHM, .set_rhythm = {.rhythm = PATIENT_RHYTHM_VT_PULSE}});
		patient_outcome o = act(p, sync_shock(100));
		/* the patient is alert: a shock without sedation is flagged (test_tachycardia: sedated) */
		CHECK(o.applied && o.kind == PATIENT_COMP_SHOCK_AWAKE && o.complication);
		conv += o.effective;
		patient_destroy(&p);
		p = mk((patient_config){.seed = seed});
		act(p, PADS_AL);
		act(p, (patient_action){.kind = PATIENT_ACT_SET_RHYTHM, .set_rhythm = {.rhythm = PATIENT_RHYTHM_VT_PULSE}});
		o = act(p, shock(100));
		CHECK(o.kind == (vit(p)->rhythm == PATIENT_RHYTHM_VF_COARSE ? PATIENT_COMP_VF_INDUCED
		                                                              : PATIENT_COMP_SHOCK_PERFUSING));
		patient_destroy(&p);
	}
	CHECK(conv > 25); /* cardioversion_success_100j 0.8 */
}

/* Refractory VF (3 failed shocks): anteroposterior pads and DSED raise the odds (DOSE-VF); before
 * that the pad position makes no difference; misplaced pads lower the odds from the first shock. */
static int refractory_success(uint64_t seed, patient_pads where, bool dsed, int failed_first)
{
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, seed));
	act(p, AIRWAY);
	act(p, PADS_AL);
	act(p, CPR_GOOD);
	run_for(p, 60, 0.05, 6.0);
	CHECK(patient_set_param(p, "vf_shock_success_200j", 0) == SCRUB_OK);
	CHECK(patient_set_param(p, "vf_fine_shock_success_200j", 0) == SCRUB_OK);
	for (int i = 0; i < failed_first; i++) {
		act(p, (patient_action){.kind = PATIENT_ACT_CPR_STOP});
		run_for(p, 2, 0.05, 0);
		patient_outcome o = act(p, shock(200));
		CHECK(o.applied && !o.effective);
		act(p, CPR_GOOD);
		run_for(p, 120, 0.05, 6.0);
	}
	CHECK(patient_set_param(p, "vf_shock_success_200j", 0.6) == SCRUB_OK);
	CHECK(patient_set_param(p, "vf_fine_shock_success_200j", 0.5) == SCRUB_OK);
	act(p, pads(where));
	act(p, (patient_action){.kind = PATIENT_ACT_CPR_STOP});
	run_for(p, 2, 0.05, 0);
	patient_outcome o = act(p, (patient_action){.kind = PATIENT_ACT_SHOCK, .shock = {.energy_j = 200, .dsed = dsed}});
	CHECK(o.applied && o.kind == PATIENT_COMP_NONE);
	int ok = o.effective;
	patient_destroy(&p);
	return ok;
}

static void test_refractory_vf_pads(void)
{
	const int n = 200;
	int al = 0, ap = 0, ds = 0, mis = 0, al1 = 0, ap1 = 0, mis1 = 0, monotone = 1;
	for (int s = 0; s < n; s++) {
		uint64_t seed = 7000 + (uint64_t)s;
		int a = refractory_success(seed, PATIENT_PADS_ANTEROLATERAL, false, 3);
		int b = refractory_success(seed, PATIENT_PADS_ANTEROPOSTERIOR, false, 3);
		int c = refractory_success(seed, PATIENT_PADS_ANTEROLATERAL, true, 3);
		int d = refractory_success(seed, PATIENT_PADS_MISPLACED, false, 3);
		al += a, ap += b, ds += c, mis += d;
		if (a > b || b > c || d > a) /* same draw: a better vector never turns a success into a failure */
			monotone = 0;
		al1 += refractory_success(seed, PATIENT_PADS_ANTEROLATERAL, false, 0);
		ap1 += refractory_success(seed, PATIENT_PADS_ANTEROPOSTERIOR, false, 0);
		mis1 += refractory_success(seed, PATIENT_PADS_MISPLACED, false, 0);
	}
	fprintf(stderr, "refractory VF, 4th shock success over %d seeds: anterolateral %.3f, anteroposterior %.3f, DSED %.3f, "
	                "misplaced %.3f; first shock: anterolateral %.3f, anteroposterior %.3f, misplaced %.3f\n",
	        n, (double)al / n, (double)ap / n, (double)ds / n, (double)mis / n, (double)al1 / n, (double)ap1 / n,
	        (double)mis1 / n);
	CHECK(monotone);
	CHECK(ap1 == al1);               /* no vector effect before refractoriness */
	CHECK(ap > al + n / 20);         /* vector change helps */
	CHECK(ds > ap + n / 20);         /* DSED helps more */
	CHECK(mis1 < al1 / 2);           /* misplaced pads miss the heart */
	CHECK(mis < al);
	/* the odds ratios are the named parameters: with them at 1 the pads stop mattering */
	patient_param_override ones[] = {{"vector_change_shock_odds_ratio", 1}, {"dsed_shock_odds_ratio", 1}};
	int diff = 0;
	for (int s = 0; s < 40; s++) {
		patient *a = mk((patient_config){.seed = 9000 + (uint64_t)s, .arrest = {.present = true}, .overrides = ones, .override_count = 2});
		patient *b = mk((patient_config){.seed = 9000 + (uint64_t)s, .arrest = {.present = true}, .overrides = ones, .override_count = 2});
		act(a, pads(PATIENT_PADS_ANTEROPOSTERIOR));
		act(b, PADS_AL);
		for (int k = 0; k < 6; k++) {
			patient_outcome oa = act(a, (patient_action){.kind = PATIENT_ACT_SHOCK, .shock = {.energy_j = 200, .dsed = k == 5}});
			patient_outcome ob = act(b, shock(200));
			diff += oa.effective != ob.effective;
			act(a, SET_VF);
			act(b, SET_VF);
		}
		patient_destroy(&a);
		patient_destroy(&b);
	}
	CHECK(diff == 0);
	/* a DSED counts as one shock and cannot be synchronised */
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 25));
	act(p, PADS_AL);
	act(p, (patient_action){.kind = PATIENT_ACT_SHOCK, .shock = {.energy_j = 200, .dsed = true}});
	CHECK(vit(p)->shocks == 1);
	patient_outcome o;
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_SHOCK, .shock = {.energy_j = 200, .dsed = true, .synchronised = true}}, &o) ==
	      SCRUB_ERR_INVALID);
	CHECK_STR(o.not_delivered, "invalid");
	CHECK(vit(p)->shocks == 1);
	patient_destroy(&p);
}

/* CPR start while compressions run: not applied, "already_running", but the declared rate and depth
 * follow; a declared depth beyond 6.5 cm is flagged. */
static void test_cpr_already_running(void)
{
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 26));
	patient_outcome o = act(p, CPR_GOOD);
	CHECK(o.applied && o.not_delivered == NULL && o.kind == PATIENT_COMP_NONE);
	run_for(p, 10, DT, 0);
	o = act(p, (patient_action){.kind = PATIENT_ACT_CPR_START, .cpr = {.rate_per_min = 90, .depth_cm = 4}});
	CHECK(!o.applied && !o.complication);
	CHECK_STR(o.not_delivered, "already_running");
	CHECK(vit(p)->cpr_rate == 90 && vit(p)->cpr_depth_cm == 4);
	o = act(p, (patient_action){.kind = PATIENT_ACT_CPR_START, .cpr = {.rate_per_min = 110, .depth_cm = 8}});
	CHECK(!o.applied && o.complication && o.kind == PATIENT_COMP_COMPRESSION_TOO_DEEP);
	CHECK_STR(o.not_delivered, "already_running");
	act(p, (patient_action){.kind = PATIENT_ACT_CPR_STOP});
	o = act(p, (patient_action){.kind = PATIENT_ACT_CPR_START, .cpr = {.rate_per_min = 110, .depth_cm = 7}});
	CHECK(o.applied && o.kind == PATIENT_COMP_COMPRESSION_TOO_DEEP);
	o = act(p, (patient_action){.kind = PATIENT_ACT_COMPRESSION, .compression = {.depth_cm = 7.5}});
	CHECK(o.applied && o.kind == PATIENT_COMP_COMPRESSION_TOO_DEEP);
	patient_destroy(&p);
}

/* The single needle-site table and the model's judgement of every site. */
static void test_needle_sites(void)
{
	int accepted = 0;
	for (int ics = 2; ics <= 6; ics++)
		for (int l = 0; l < PATIENT_LINE_COUNT_; l++) {
			patient_line line = (patient_line)l;
			bool acc = patient_needle_site_accepted(ics, line);
			bool expect = (line == PATIENT_LINE_MID_AXILLARY && (ics == 4 || ics == 5)) ||
			              (line == PATIENT_LINE_ANTERIOR_AXILLARY && ics == 5) ||
			              (line == PATIENT_LINE_MIDCLAVICULAR && ics == 2);
			CHECK(acc == expect);
			accepted += acc;
			patient *p = mk((patient_config){.seed = 27, .tension_ptx = {.side = PATIENT_SIDE_LEFT}});
			patient_outcome o = act(p, needle(PATIENT_SIDE_LEFT, ics, line));
			CHECK(o.applied && o.not_delivered == NULL);
			patient_complication k = line == PATIENT_LINE_PARASTERNAL ? PATIENT_COMP_NEEDLE_MEDIAL
			                       : ics == 6 ? PATIENT_COMP_NEEDLE_LOW : PATIENT_COMP_NONE;
			CHECK(o.kind == k && o.complication == (k != PATIENT_COMP_NONE));
			CHECK(o.effective == acc); /* the model relieves exactly the accepted sites */
			patient_destroy(&p);
			p = mk((patient_config){.seed = 27, .tension_ptx = {.side = PATIENT_SIDE_LEFT}});
			o = act(p, needle(PATIENT_SIDE_RIGHT, ics, line));
			CHECK(!o.effective && o.kind == (k != PATIENT_COMP_NONE ? k : PATIENT_COMP_NEEDLE_WRONG_SIDE));
			patient_destroy(&p);
		}
	CHECK(accepted == 4);
	CHECK(!patient_needle_site_accepted(1, PATIENT_LINE_MIDCLAVICULAR) && !patient_needle_site_accepted(7, PATIENT_LINE_MID_AXILLARY));
	CHECK(!patient_needle_site_accepted(5, PATIENT_LINE_COUNT_));
	patient *p = mk((patient_config){.seed = 27, .tension_ptx = {.side = PATIENT_SIDE_LEFT}});
	patient_outcome o = act(p, (patient_action){.kind = PATIENT_ACT_CHEST_TUBE, .chest_tube = {.side = PATIENT_SIDE_RIGHT}});
	CHECK(o.applied && !o.effective && o.kind == PATIENT_COMP_DRAIN_WRONG_SIDE);
	o = act(p, (patient_action){.kind = PATIENT_ACT_CHEST_TUBE, .chest_tube = {.side = PATIENT_SIDE_LEFT}});
	CHECK(o.applied && o.effective && o.kind == PATIENT_COMP_NONE);
	patient_destroy(&p);
}

/* not_delivered words of the other refusals; the IV bolus of epinephrine with a pulse. */
static void test_not_delivered_words(void)
{
	patient *p = mk((patient_config){.seed = 28});
	patient_outcome o = act(p, drug(PATIENT_DRUG_EPINEPHRINE, 1, PATIENT_ROUTE_IV));
	CHECK(!o.applied);
	CHECK_STR(o.not_delivered, "no_access");
	o = act(p, (patient_action){.kind = PATIENT_ACT_FLUID_BOLUS, .fluid = {.volume_ml = 500}});
	CHECK_STR(o.not_delivered, "no_access");
	o = act(p, drug(PATIENT_DRUG_AMIODARONE, 300, PATIENT_ROUTE_IM));
	CHECK(!o.applied);
	CHECK_STR(o.not_delivered, "not_given_im");
	act(p, ACCESS);
	o = act(p, drug(PATIENT_DRUG_EPINEPHRINE, 0.5, PATIENT_ROUTE_IV));
	CHECK(o.applied && o.complication && o.kind == PATIENT_COMP_EPI_IV_BOLUS && o.not_delivered == NULL);
	o = act(p, drug(PATIENT_DRUG_EPINEPHRINE, 0.05, PATIENT_ROUTE_IV)); /* a titrated 50 mcg: not flagged */
	CHECK(o.applied && o.kind == PATIENT_COMP_NONE);
	o = act(p, (patient_action){.kind = PATIENT_ACT_REMOVE_TRIGGER});
	CHECK(!o.applied);
	CHECK_STR(o.not_delivered, "no_trigger");
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_COUNT_}, &o) == SCRUB_ERR_INVALID);
	CHECK(!o.applied);
	CHECK_STR(o.not_delivered, "invalid");
	CHECK(patient_apply(NULL, &(patient_action){.kind = PATIENT_ACT_CPR_STOP}, &o) == SCRUB_ERR_INVALID);
	CHECK_STR(o.not_delivered, "invalid");
	patient_destroy(&p);
	/* in arrest the same epinephrine is the treatment */
	p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 28));
	act(p, ACCESS);
	o = act(p, drug(PATIENT_DRUG_EPINEPHRINE, 1, PATIENT_ROUTE_IV));
	CHECK(o.applied && o.kind == PATIENT_COMP_NONE);
	patient_destroy(&p);
	/* laryngeal oedema: the tube does not pass */
	p = mk((patient_config){.seed = 28, .anaphylaxis = {.severity = 1, .airway_oedema = 1}});
	o = act(p, (patient_action){.kind = PATIENT_ACT_INTUBATE});
	CHECK(!o.applied);
	CHECK_STR(o.not_delivered, "tube_blocked");
	/* the trigger */
	CHECK(vit(p)->trigger_active);
	o = act(p, (patient_action){.kind = PATIENT_ACT_REMOVE_TRIGGER});
	CHECK(o.applied && o.effective && o.not_delivered == NULL && !vit(p)->trigger_active);
	o = act(p, (patient_action){.kind = PATIENT_ACT_REMOVE_TRIGGER});
	CHECK(!o.applied);
	CHECK_STR(o.not_delivered, "no_trigger");
	patient_destroy(&p);
}

/* Sitting a hypotensive patient up is flagged; a normotensive one is not. */
static void test_position_flag(void)
{
	patient *p = mk((patient_config){.seed = 29, .anaphylaxis = {.severity = 0.7}});
	run_for(p, 60, DT, 0);
	CHECK(vit(p)->sbp < 90);
	CHECK(vit(p)->position == PATIENT_POS_SUPINE);
	patient_outcome o = act(p, position(PATIENT_POS_SITTING));
	CHECK(o.applied && o.complication && o.kind == PATIENT_COMP_UPRIGHT_HYPOTENSIVE);
	CHECK(vit(p)->position == PATIENT_POS_SITTING);
	o = act(p, position(PATIENT_POS_LEGS_RAISED));
	CHECK(o.applied && o.kind == PATIENT_COMP_NONE && vit(p)->position == PATIENT_POS_LEGS_RAISED);
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_POSITION, .position = {.position = PATIENT_POS_COUNT_}}, &o) ==
	      SCRUB_ERR_INVALID);
	patient_destroy(&p);
	p = mk((patient_config){.seed = 29});
	run_for(p, 30, DT, 0);
	o = act(p, position(PATIENT_POS_SITTING));
	CHECK(o.applied && o.effective && o.kind == PATIENT_COMP_NONE);
	patient_destroy(&p);
}

/* Anaphylaxis keeps progressing while its trigger runs and stops progressing once it is removed.
 * Severity 0.5, no epinephrine, trigger removed at 2 min. Measured: peak airway pressure (the mediator
 * activity) 29.8 cmH2O at 2 min; 12 min: kept 36.2, removed 31.0; MAP kept 48, removed 64 (the leak
 * still drains volume); kept arrests (PEA) at ~13 min, removed keeps a pulse at 17 min (MAP 59). */
static void test_remove_trigger(void)
{
	patient_config cfg = {.seed = 6, .anaphylaxis = {.severity = 0.5}};
	patient *kept = mk(cfg), *removed = mk(cfg);
	run_for(kept, 120, DT, 0);
	run_for(removed, 120, DT, 0);
	double paw2 = vit(removed)->airway_pressure;
	CHECK(vit(kept)->trigger_active && vit(removed)->trigger_active);
	patient_outcome o = act(removed, (patient_action){.kind = PATIENT_ACT_REMOVE_TRIGGER});
	CHECK(o.applied && !vit(removed)->trigger_active);
	run_for(kept, 600, DT, 0);
	run_for(removed, 600, DT, 0);
	CHECK(vit(removed)->airway_pressure < paw2 + 1.5); /* no longer progressing */
	CHECK(vit(kept)->airway_pressure > paw2 + 5);      /* still progressing */
	CHECK(vit(removed)->pulse_present);
	CHECK(vit(kept)->map < vit(removed)->map - 12);
	CHECK(vit(kept)->spo2 < vit(removed)->spo2 - 5);
	run_for(kept, 300, DT, 0);
	run_for(removed, 300, DT, 0);
	CHECK(!vit(kept)->pulse_present);
	CHECK(vit(removed)->pulse_present && vit(removed)->map > 55);
	patient_destroy(&kept);
	patient_destroy(&removed);
}

/* Over random actions in random states: complication == (kind != NONE); not_delivered is NULL exactly
 * when the action was applied (one exception: already_running may carry compression_too_deep). */
static void test_outcome_invariants(void)
{
	uint64_t x = 12345;
	int applied = 0, refused = 0;
	for (int pat = 0; pat < 8; pat++) {
		patient_config cfg = {.seed = (uint64_t)pat};
		if (pat % 4 == 1)
			cfg.arrest.present = true;
		if (pat % 4 == 2)
			cfg.anaphylaxis.severity = 0.8;
		if (pat % 4 == 3)
			cfg.tension_ptx.side = PATIENT_SIDE_RIGHT;
		patient *p = mk(cfg);
		for (int i = 0; i < 3000; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			unsigned r = (unsigned)(x >> 33);
			patient_action a = {.kind = (patient_action_kind)(r % (PATIENT_ACT_COUNT_ + 1))};
			unsigned q = r >> 5;
			switch (a.kind) {
			case PATIENT_ACT_SHOCK: a.shock.energy_j = 50 + q % 300; a.shock.synchronised = q & 1; a.shock.dsed = (q >> 1) % 5 == 0; break;
			case PATIENT_ACT_DRUG: a.drug.drug = (patient_drug)(q % PATIENT_DRUG_COUNT_); a.drug.dose_mg = 0.1 + q % 7; a.drug.route = (patient_route)((q >> 4) % PATIENT_ROUTE_COUNT_); break;
			case PATIENT_ACT_NEEDLE_DECOMPRESSION: a.needle.side = (patient_side)(1 + q % 2); a.needle.ics = 2 + (int)((q >> 2) % 5); a.needle.line = (patient_line)((q >> 5) % PATIENT_LINE_COUNT_); break;
			case PATIENT_ACT_CHEST_TUBE: a.chest_tube.side = (patient_side)(1 + q % 2); break;
			case PATIENT_ACT_PADS: a.pads.position = (patient_pads)(q % PATIENT_PADS_COUNT_); break;
			case PATIENT_ACT_POSITION: a.position.position = (patient_position)(q % PATIENT_POS_COUNT_); break;
			case PATIENT_ACT_CPR_START: a.cpr.rate_per_min = 60 + q % 80; a.cpr.depth_cm = 3 + (q >> 7) % 6; break;
			case PATIENT_ACT_COMPRESSION: a.compression.depth_cm = (q % 90) / 10.0; break;
			case PATIENT_ACT_SET_RHYTHM: a.set_rhythm.rhythm = (patient_rhythm)(q % PATIENT_RHYTHM_COUNT_); break;
			case PATIENT_ACT_OXYGEN: a.oxygen.device = (patient_o2_device)(q % PATIENT_O2_COUNT_); a.oxygen.flow_l_min = q % 16; break;
			case PATIENT_ACT_VASCULAR_ACCESS: a.access.route = (patient_route)(q % 2); break;
			case PATIENT_ACT_FLUID_BOLUS: a.fluid.volume_ml = 250; break;
			default: break;
			}
			patient_outcome o;
			memset(&o, 0x5a, sizeof o);
			scrub_result res = patient_apply(p, &a, &o);
			bool ok = o.complication == (o.kind != PATIENT_COMP_NONE) && (unsigned)o.kind < PATIENT_COMP_COUNT_ && o.reason;
			if (o.applied)
				ok = ok && o.not_delivered == NULL && res == SCRUB_OK;
			else
				ok = ok && o.not_delivered && o.not_delivered[0] && !o.effective &&
				     (!o.complication || (strcmp(o.not_delivered, "already_running") == 0 && o.kind == PATIENT_COMP_COMPRESSION_TOO_DEEP)) &&
				     ((res == SCRUB_ERR_INVALID) == (strcmp(o.not_delivered, "invalid") == 0));
			if (!ok) {
				fprintf(stderr, "  outcome of %s: applied %d kind %s not_delivered %s\n", patient_action_kind_name(a.kind),
				        o.applied, patient_complication_name(o.kind), o.applied ? "-" : o.not_delivered);
				CHECK(ok);
				break;
			}
			applied += o.applied;
			refused += !o.applied;
			patient_step(p, 0.05);
		}
		patient_destroy(&p);
	}
	CHECK(applied > 5000 && refused > 2000);
}

/* ---- Physiology that must teach the right lesson (each prints its figures) ---- */

static patient_action im_epi(double mg)
{
	return (patient_action){.kind = PATIENT_ACT_DRUG,
	                        .drug = {.drug = PATIENT_DRUG_EPINEPHRINE, .dose_mg = mg, .route = PATIENT_ROUTE_IM,
	                                 .site = PATIENT_IM_SITE_THIGH}};
}

/* Runs to t (s from now) recording the highest SBP and HR and whether VT/VF appeared. */
static void run_peak(patient *p, double seconds, double *sbp_max, double *hr_max, bool *vt)
{
	long n = (long)(seconds / DT + 0.5);
	for (long i = 0; i < n; i++) {
		patient_step(p, DT);
		const patient_vitals *v = vit(p);
		if (v->sbp > *sbp_max)
			*sbp_max = v->sbp;
		if (v->heart_rate > *hr_max)
			*hr_max = v->heart_rate;
		if (v->rhythm == PATIENT_RHYTHM_VT_PULSE || v->rhythm == PATIENT_RHYTHM_VF_COARSE || v->rhythm == PATIENT_RHYTHM_PVT)
			*vt = true;
	}
}

/* The IM dose given as an IV bolus with a pulse: a hypertensive surge (SBP > 200 within a minute) and
 * a risk of VT; the same dose IM helps without either. */
static void test_iv_bolus_surge(void)
{
	patient_config cfg = {.seed = 6, .anaphylaxis = {.severity = 0.7}};
	patient *iv = mk(cfg), *im = mk(cfg);
	run_for(iv, 60, DT, 0);
	run_for(im, 60, DT, 0);
	double sbp0 = vit(iv)->sbp, hr0 = vit(iv)->heart_rate;
	act(iv, ACCESS);
	act(iv, drug(PATIENT_DRUG_EPINEPHRINE, 0.5, PATIENT_ROUTE_IV));
	act(im, im_epi(0.5));
	double s_iv = 0, h_iv = 0, s_im = 0, h_im = 0;
	bool vt_iv = false, vt_im = false;
	run_peak(iv, 60, &s_iv, &h_iv, &vt_iv);
	run_peak(im, 60, &s_im, &h_im, &vt_im);
	double sbp60 = vit(iv)->sbp;
	run_peak(iv, 240, &s_iv, &h_iv, &vt_iv);
	run_peak(im, 240, &s_im, &h_im, &vt_im);
	fprintf(stderr, "IV bolus 0.5 mg (anaphylaxis 0.7): SBP %.0f -> %.0f at 60 s, peak %.0f; HR %.0f -> peak %.0f; "
	                "IM 0.5 mg: peak SBP %.0f; SBP at 5 min IV %.0f IM %.0f\n",
	        sbp0, sbp60, s_iv, hr0, h_iv, s_im, vit(iv)->sbp, vit(im)->sbp);
	CHECK(sbp0 < 95);
	CHECK(sbp60 > 200);
	CHECK(h_iv > hr0 + 5); /* beta-1: tachycardia, not the reflex bradycardia of a pure vasoconstrictor */
	CHECK(s_im < 150);     /* the IM dose lifts the pressure without a surge */
	CHECK(vit(im)->sbp > sbp0 + 10);
	patient_destroy(&iv);
	patient_destroy(&im);

	/* the bundled scenario's patient (severity 1, vasodilation 1, beta-blocked: anaph_epi_efficacy 0.25,
	 * epi_beta_ec50_mg 0.4): the alpha surge still wins */
	patient_param_override ov[] = {{"anaph_epi_efficacy", 0.25}, {"epi_beta_ec50_mg", 0.4}};
	patient_config sc = {.seed = 7, .anaphylaxis = {.severity = 1, .airway_oedema = 0.3, .bronchospasm = 0.6, .vasodilation = 1},
	                     .overrides = ov, .override_count = 2};
	patient *p = mk(sc);
	run_for(p, 60, DT, 0);
	sbp0 = vit(p)->sbp;
	act(p, ACCESS);
	act(p, drug(PATIENT_DRUG_EPINEPHRINE, 0.5, PATIENT_ROUTE_IV));
	double smax = 0, hmax = 0;
	bool vt = false;
	run_peak(p, 60, &smax, &hmax, &vt);
	fprintf(stderr, "  scenario patient: SBP %.0f -> peak %.0f within 60 s\n", sbp0, smax);
	CHECK(sbp0 < 80 && smax > 200);
	patient_destroy(&p);

	/* tachyarrhythmia: a seeded risk after the IV bolus, none after the IM dose */
	int vt_after_iv = 0, vt_after_im = 0;
	for (uint64_t seed = 1; seed <= 100; seed++) {
		cfg.seed = seed;
		patient *a = mk(cfg), *b = mk(cfg);
		run_for(a, 60, DT, 0);
		run_for(b, 60, DT, 0);
		act(a, ACCESS);
		act(a, drug(PATIENT_DRUG_EPINEPHRINE, 0.5, PATIENT_ROUTE_IV));
		act(b, im_epi(0.5));
		double x = 0, y = 0;
		bool va = false, vb = false;
		run_peak(a, 300, &x, &y, &va);
		run_peak(b, 300, &x, &y, &vb);
		vt_after_iv += va;
		vt_after_im += vb;
		patient_destroy(&a);
		patient_destroy(&b);
	}
	fprintf(stderr, "  VT within 5 min over 100 seeds: IV bolus %d, IM %d\n", vt_after_iv, vt_after_im);
	CHECK(vt_after_iv >= 8 && vt_after_iv <= 45);
	CHECK(vt_after_im == 0);

	/* in cardiac arrest the same drug at 1 mg is the treatment: no surge, CPP within the CPR range */
	p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 6));
	act(p, CPR_GOOD);
	act(p, AIRWAY);
	act(p, ACCESS);
	run_for(p, 60, DT, 6);
	act(p, drug(PATIENT_DRUG_EPINEPHRINE, 1, PATIENT_ROUTE_IV));
	run_for(p, 120, DT, 6);
	CHECK(vit(p)->cpp > 20 && vit(p)->cpp < 35);
	CHECK(vit(p)->sbp < 120);
	patient_destroy(&p);
}

/* Posture in anaphylaxis: sitting up worsens it (and can arrest a severe case); legs raised helps a
 * little; a normotensive patient sits up safely. */
static void test_posture(void)
{
	patient_config cfg = {.seed = 6, .anaphylaxis = {.severity = 0.7}};
	patient *sup = mk(cfg), *legs = mk(cfg), *sit = mk(cfg);
	patient *all[] = {sup, legs, sit};
	for (int i = 0; i < 3; i++)
		run_for(all[i], 60, DT, 0);
	double map0 = vit(sup)->map;
	act(legs, position(PATIENT_POS_LEGS_RAISED));
	act(sit, position(PATIENT_POS_SITTING));
	for (int i = 0; i < 3; i++)
		run_for(all[i], 60, DT, 0);
	fprintf(stderr, "posture, anaphylaxis 0.7 (MAP %.0f at 60 s), 1 min later: supine %.0f, legs raised %.0f, sitting %.0f\n",
	        map0, vit(sup)->map, vit(legs)->map, vit(sit)->map);
	CHECK(vit(sit)->map < vit(sup)->map - 10);
	CHECK(vit(legs)->map > vit(sup)->map + 1.5 && vit(legs)->map < vit(sup)->map + 10);
	/* lying her back down restores what sitting took */
	act(sit, position(PATIENT_POS_SUPINE));
	run_for(sit, 30, DT, 0);
	run_for(sup, 30, DT, 0);
	CHECK(fabs(vit(sit)->map - vit(sup)->map) < 6);
	for (int i = 0; i < 3; i++)
		patient_destroy(&all[i]);

	/* severe: sitting up precipitates a PEA arrest within a minute; supine keeps a pulse for 3 */
	cfg.anaphylaxis.severity = 0.9;
	sup = mk(cfg);
	sit = mk(cfg);
	run_for(sup, 60, DT, 0);
	run_for(sit, 60, DT, 0);
	CHECK(vit(sit)->pulse_present);
	act(sit, position(PATIENT_POS_SITTING));
	run_for(sit, 60, DT, 0);
	run_for(sup, 180, DT, 0);
	CHECK(!vit(sit)->pulse_present);
	CHECK(vit(sup)->pulse_present);
	patient_destroy(&sup);
	patient_destroy(&sit);

	/* healthy: venous tone compensates */
	patient *h = mk((patient_config){.seed = 6});
	run_for(h, 30, DT, 0);
	double m = vit(h)->map;
	act(h, position(PATIENT_POS_SITTING));
	run_for(h, 60, DT, 0);
	CHECK(fabs(vit(h)->map - m) < 8 && vit(h)->pulse_present);
	patient_destroy(&h);
}

/* Salbutamol relieves bronchospasm only; chlorphenamine the skin only; hydrocortisone nothing acute. */
static void test_anaphylaxis_adjuncts(void)
{
	patient_config cfg = {.seed = 8, .anaphylaxis = {.severity = 0.6}};
	patient *ctl = mk(cfg), *salb = mk(cfg), *chl = mk(cfg), *hyd = mk(cfg);
	patient *all[] = {ctl, salb, chl, hyd};
	for (int i = 0; i < 4; i++) {
		run_for(all[i], 60, DT, 0);
		act(all[i], ACCESS);
	}
	CHECK(vit(ctl)->urticaria > 0.5);
	patient_outcome o = act(salb, drug(PATIENT_DRUG_SALBUTAMOL, 5, PATIENT_ROUTE_NEB));
	CHECK(o.applied && o.kind == PATIENT_COMP_NONE);
	o = act(chl, drug(PATIENT_DRUG_CHLORPHENAMINE, 10, PATIENT_ROUTE_IV));
	CHECK(o.applied);
	o = act(hyd, drug(PATIENT_DRUG_HYDROCORTISONE, 200, PATIENT_ROUTE_IV));
	CHECK(o.applied);
	for (int i = 0; i < 4; i++)
		run_for(all[i], 600, DT, 0);
	fprintf(stderr, "adjuncts at 10 min (control / salbutamol 5 mg neb / chlorphenamine 10 mg IV / hydrocortisone 200 mg IV): "
	                "airway pressure %.1f / %.1f / %.1f / %.1f cmH2O, SpO2 %.1f / %.1f, MAP %.1f / %.1f / %.1f / %.1f, "
	                "urticaria %.2f / %.2f / %.2f\n",
	        vit(ctl)->airway_pressure, vit(salb)->airway_pressure, vit(chl)->airway_pressure, vit(hyd)->airway_pressure,
	        vit(ctl)->spo2, vit(salb)->spo2, vit(ctl)->map, vit(salb)->map, vit(chl)->map, vit(hyd)->map,
	        vit(ctl)->urticaria, vit(chl)->urticaria, vit(hyd)->urticaria);
	CHECK(vit(salb)->airway_pressure < vit(ctl)->airway_pressure - 5);
	CHECK(vit(salb)->spo2 > vit(ctl)->spo2 + 2);
	CHECK(fabs(vit(salb)->map - vit(ctl)->map) < 6); /* no pressor effect */
	CHECK(vit(salb)->drug_effect[PATIENT_DRUG_SALBUTAMOL] > 0.5);
	CHECK(vit(chl)->urticaria < vit(ctl)->urticaria - 0.3);
	/* chlorphenamine and hydrocortisone leave blood pressure, airway and oxygenation exactly alone */
	CHECK(vit(chl)->map == vit(ctl)->map && vit(chl)->airway_pressure == vit(ctl)->airway_pressure &&
	      vit(chl)->spo2 == vit(ctl)->spo2 && vit(chl)->heart_rate == vit(ctl)->heart_rate);
	CHECK(vit(hyd)->map == vit(ctl)->map && vit(hyd)->airway_pressure == vit(ctl)->airway_pressure &&
	      vit(hyd)->spo2 == vit(ctl)->spo2 && vit(hyd)->urticaria == vit(ctl)->urticaria);
	CHECK(vit(hyd)->drug_effect[PATIENT_DRUG_HYDROCORTISONE] > 0.3); /* it is in the body */
	for (int i = 0; i < 4; i++)
		patient_destroy(&all[i]);

	/* routes */
	patient *p = mk((patient_config){.seed = 8});
	run_for(p, 10, DT, 0);
	o = act(p, drug(PATIENT_DRUG_SALBUTAMOL, 5, PATIENT_ROUTE_IM));
	CHECK_STR(o.not_delivered, "not_given_im");
	o = act(p, drug(PATIENT_DRUG_EPINEPHRINE, 1, PATIENT_ROUTE_NEB));
	CHECK_STR(o.not_delivered, "not_given_neb");
	o = act(p, drug(PATIENT_DRUG_AMIODARONE, 200, PATIENT_ROUTE_PO));
	CHECK_STR(o.not_delivered, "not_given_po");
	o = act(p, drug(PATIENT_DRUG_CHLORPHENAMINE, 4, PATIENT_ROUTE_PO));
	CHECK(o.applied && o.not_delivered == NULL);
	o = act(p, drug(PATIENT_DRUG_HYDROCORTISONE, 100, PATIENT_ROUTE_IM));
	CHECK(o.applied);
	o = act(p, drug(PATIENT_DRUG_CHLORPHENAMINE, 10, PATIENT_ROUTE_IV));
	CHECK_STR(o.not_delivered, "no_access");
	patient_destroy(&p);
	p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 8));
	o = act(p, drug(PATIENT_DRUG_HYDROCORTISONE, 100, PATIENT_ROUTE_PO));
	CHECK_STR(o.not_delivered, "cannot_swallow");
	patient_destroy(&p);
	CHECK_STR(patient_drug_name(PATIENT_DRUG_SALBUTAMOL), "salbutamol");
	CHECK_STR(patient_drug_name(PATIENT_DRUG_CHLORPHENAMINE), "chlorphenamine");
	CHECK_STR(patient_drug_name(PATIENT_DRUG_HYDROCORTISONE), "hydrocortisone");
	CHECK_STR(patient_route_name(PATIENT_ROUTE_NEB), "neb");
	CHECK_STR(patient_route_name(PATIENT_ROUTE_PO), "po");
	/* appended: the old numbers keep their meaning */
	CHECK(PATIENT_DRUG_ADENOSINE == 4 && PATIENT_DRUG_SALBUTAMOL == 5 && PATIENT_ROUTE_IM == 2 && PATIENT_ROUTE_NEB == 3);
}

/* After ROSC the heart is stunned: MAP 60-85 for minutes, tachycardic, not hyperdynamic. */
static void test_post_rosc_stunning(void)
{
	int n = 0, stunned = 0;
	double lo = 1e9, hi = 0;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, seed));
		act(p, CPR_GOOD);
		act(p, AIRWAY);
		act(p, ACCESS);
		act(p, PADS_AL);
		run_for(p, 240, DT, 6); /* 4 minutes of CPR, then epinephrine */
		act(p, drug(PATIENT_DRUG_EPINEPHRINE, 1, PATIENT_ROUTE_IV));
		run_for(p, 60, DT, 6);
		bool rosc = false;
		for (int k = 0; k < 5 && !rosc; k++) {
			act(p, (patient_action){.kind = PATIENT_ACT_CPR_STOP});
			run_for(p, 2, DT, 0);
			rosc = act(p, shock(200)).effective;
			act(p, CPR_GOOD);
			if (!rosc)
				run_for(p, 120, DT, 6);
		}
		act(p, (patient_action){.kind = PATIENT_ACT_CPR_STOP});
		if (!rosc) {
			patient_destroy(&p);
			continue;
		}
		n++;
		bool ok = true;
		for (int m = 1; m <= 5; m++) {
			run_for(p, 60, DT, 6);
			const patient_vitals *v = vit(p);
			lo = fmin(lo, v->map);
			hi = fmax(hi, v->map);
			ok = ok && v->pulse_present && v->map >= 55 && v->map <= 85;
		}
		stunned += ok && vit(p)->heart_rate > 90;
		patient_destroy(&p);
	}
	fprintf(stderr, "post-ROSC (arrest >= 5 min, epinephrine 1 mg): %d/%d runs with MAP 55-85 and HR > 90 for 5 min; MAP range %.0f-%.0f\n",
	        stunned, n, lo, hi);
	CHECK(n >= 10);
	CHECK(stunned >= n - 1);
	CHECK(hi < 90);

	/* support helps: a fluid bolus raises the stunned MAP */
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 3));
	act(p, PADS_AL);
	act(p, ACCESS);
	act(p, CPR_GOOD);
	act(p, AIRWAY);
	run_for(p, 360, DT, 6);
	act(p, (patient_action){.kind = PATIENT_ACT_SET_RHYTHM, .set_rhythm = {.rhythm = PATIENT_RHYTHM_SINUS}});
	act(p, (patient_action){.kind = PATIENT_ACT_CPR_STOP});
	run_for(p, 120, DT, 6);
	double m0 = vit(p)->map;
	act(p, (patient_action){.kind = PATIENT_ACT_FLUID_BOLUS, .fluid = {.volume_ml = 1000}});
	run_for(p, 300, DT, 6);
	fprintf(stderr, "  6-min arrest, ROSC: MAP %.0f at 2 min; 1 L fluid: %.0f\n", m0, vit(p)->map);
	CHECK(m0 < 80 && vit(p)->map > m0 + 4);
	patient_destroy(&p);
}

/* Good CPR in VF: unresponsive (the cortex needs more flow than CPR gives); the oximeter has no
 * signal without a pulse; the lactate rises. */
static void test_cpr_unresponsive_no_spo2(void)
{
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 4));
	act(p, CPR_GOOD);
	act(p, AIRWAY);
	act(p, ACCESS);
	act(p, (patient_action){.kind = PATIENT_ACT_OXYGEN, .oxygen = {.device = PATIENT_O2_BVM, .flow_l_min = 15}});
	bool always_u = true, never_spo2 = true;
	double lact = vit(p)->lactate_mmol_l;
	for (int s = 0; s < 360; s++) {
		if (s == 120)
			act(p, drug(PATIENT_DRUG_EPINEPHRINE, 1, PATIENT_ROUTE_IV));
		if (s % 6 == 0)
			act(p, (patient_action){.kind = PATIENT_ACT_BVM_BREATH});
		run_for(p, 1, DT, 0);
		always_u = always_u && vit(p)->avpu == PATIENT_AVPU_UNRESPONSIVE;
		never_spo2 = never_spo2 && vit(p)->spo2 == 0 && !vit(p)->spo2_valid;
	}
	fprintf(stderr, "VF with good CPR 6 min: AVPU %s, SpO2 %.0f (valid %d), PaO2 %.0f mmHg, MAP %.0f, lactate %.1f -> %.1f mmol/L\n",
	        patient_avpu_name(vit(p)->avpu), vit(p)->spo2, vit(p)->spo2_valid, vit(p)->pao2, vit(p)->map, lact,
	        vit(p)->lactate_mmol_l);
	CHECK(always_u);
	CHECK(never_spo2);
	CHECK(vit(p)->pao2 > 60); /* the blood is oxygenated; the oximeter just cannot see it */
	CHECK(vit(p)->lactate_mmol_l > lact + 1.5);
	patient_destroy(&p);
	/* with a pulse the oximeter reads */
	p = mk((patient_config){.seed = 4});
	run_for(p, 30, DT, 0);
	CHECK(vit(p)->spo2_valid && vit(p)->spo2 > 94);
	CHECK_NEAR(vit(p)->lactate_mmol_l, 1.0, 0.05);
	patient_destroy(&p);
	/* lactate: no CPR rises faster than good CPR */
	patient *none = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 4)), *cpr = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 4));
	act(cpr, CPR_GOOD);
	act(cpr, AIRWAY);
	run_for(none, 600, 0.05, 0);
	run_for(cpr, 600, 0.05, 6);
	fprintf(stderr, "  lactate after 10 min: no CPR %.1f, good CPR %.1f mmol/L\n", vit(none)->lactate_mmol_l, vit(cpr)->lactate_mmol_l);
	CHECK(vit(none)->lactate_mmol_l > 7 && vit(cpr)->lactate_mmol_l < vit(none)->lactate_mmol_l - 2);
	patient_destroy(&none);
	patient_destroy(&cpr);
}

/* VF untreated: coarse -> fine in 5-10 min, asystole after 10-20 min; good CPR keeps it coarse. */
static void test_vf_timeline(void)
{
	double t_fine = -1, t_asy = -1;
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 4));
	for (int i = 1; i <= 30 * 60 * 20 && t_asy < 0; i++) {
		patient_step(p, 0.05);
		if (t_fine < 0 && vit(p)->rhythm == PATIENT_RHYTHM_VF_FINE)
			t_fine = i * 0.05;
		if (vit(p)->rhythm == PATIENT_RHYTHM_ASYSTOLE)
			t_asy = i * 0.05;
	}
	patient_destroy(&p);
	p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 4));
	act(p, CPR_GOOD);
	act(p, AIRWAY);
	run_for(p, 1200, 0.05, 6);
	fprintf(stderr, "VF untreated: fine at %.1f min, asystole at %.1f min; good CPR for 20 min: %s (%.2f mV)\n", t_fine / 60,
	        t_asy / 60, patient_rhythm_name(vit(p)->rhythm), vit(p)->vf_amplitude_mv);
	CHECK(t_fine > 5 * 60 && t_fine < 10 * 60);
	CHECK(t_asy > 12 * 60 && t_asy < 20 * 60);
	CHECK(vit(p)->rhythm == PATIENT_RHYTHM_VF_COARSE);
	patient_destroy(&p);
}

/* Needle decompression relieves part of the tension over a minute or two and fails with time (or
 * kinks); a chest tube drains it, also when it goes in under full tension. */
static void test_needle_partial(void)
{
	patient_config cfg = {.seed = 7, .tension_ptx = {.side = PATIENT_SIDE_RIGHT, .severity = 0.8}};
	patient *p = mk(cfg);
	act(p, (patient_action){.kind = PATIENT_ACT_OXYGEN, .oxygen = {.device = PATIENT_O2_NONREBREATHER, .flow_l_min = 15}});
	run_for(p, 60, DT, 0);
	const patient_vitals v0 = *vit(p);
	act(p, needle(PATIENT_SIDE_RIGHT, 5, PATIENT_LINE_MID_AXILLARY));
	run_for(p, 15, DT, 0);
	const patient_vitals v15 = *vit(p);
	run_for(p, 105, DT, 0);
	const patient_vitals v120 = *vit(p);
	run_for(p, 780, DT, 0);
	const patient_vitals v900 = *vit(p);
	fprintf(stderr, "needle at 60 s (tension 0.8): HR %.0f -> %.0f (15 s) -> %.0f (2 min) -> %.0f (15 min); SBP %.0f -> %.0f -> %.0f -> %.0f; "
	                "P_it %.1f -> %.1f -> %.1f -> %.1f mmHg\n",
	        v0.heart_rate, v15.heart_rate, v120.heart_rate, v900.heart_rate, v0.sbp, v15.sbp, v120.sbp, v900.sbp,
	        v0.intrathoracic_pressure, v15.intrathoracic_pressure, v120.intrathoracic_pressure, v900.intrathoracic_pressure);
	CHECK(v0.heart_rate - v15.heart_rate < 0.5 * (v0.heart_rate - v120.heart_rate)); /* over minutes, not seconds */
	CHECK(v120.intrathoracic_pressure > 0.25 * v0.intrathoracic_pressure);          /* partial */
	CHECK(v120.intrathoracic_pressure < 0.6 * v0.intrathoracic_pressure);
	CHECK(v120.sbp > 100 && v120.heart_rate < v0.heart_rate - 15);
	CHECK(v900.intrathoracic_pressure > v120.intrathoracic_pressure + 3); /* the catheter fails */
	CHECK(v900.sbp < v120.sbp - 5);
	act(p, (patient_action){.kind = PATIENT_ACT_CHEST_TUBE, .chest_tube = {.side = PATIENT_SIDE_RIGHT}});
	run_for(p, 60, DT, 0);
	CHECK(vit(p)->intrathoracic_pressure < 0.5 && vit(p)->sbp > 110);
	patient_destroy(&p);

	/* a kink: with a high kink hazard the tension returns within minutes */
	patient_param_override kink[] = {{"needle_kink_hazard_per_min", 2}};
	int returned = 0;
	for (uint64_t seed = 1; seed <= 10; seed++) {
		patient_config c = cfg;
		c.seed = seed;
		patient *plain = mk(c);
		c.overrides = kink;
		c.override_count = 1;
		p = mk(c);
		run_for(p, 60, DT, 0);
		run_for(plain, 60, DT, 0);
		act(p, needle(PATIENT_SIDE_RIGHT, 5, PATIENT_LINE_MID_AXILLARY));
		act(plain, needle(PATIENT_SIDE_RIGHT, 5, PATIENT_LINE_MID_AXILLARY));
		run_for(p, 360, DT, 0);
		run_for(plain, 360, DT, 0);
		returned += vit(p)->intrathoracic_pressure > vit(plain)->intrathoracic_pressure + 4;
		patient_destroy(&p);
		patient_destroy(&plain);
	}
	CHECK(returned >= 8);

	/* chest tube straight into a full tension (no needle first): drains within seconds */
	p = mk(cfg);
	run_for(p, 120, DT, 0);
	double pit = vit(p)->intrathoracic_pressure, sbp = vit(p)->sbp;
	patient_outcome o = act(p, (patient_action){.kind = PATIENT_ACT_CHEST_TUBE, .chest_tube = {.side = PATIENT_SIDE_RIGHT}});
	CHECK(o.applied && o.effective);
	run_for(p, 30, DT, 0);
	fprintf(stderr, "  chest tube under tension: P_it %.1f -> %.1f mmHg, SBP %.0f -> %.0f in 30 s\n", pit,
	        vit(p)->intrathoracic_pressure, sbp, vit(p)->sbp);
	CHECK(pit > 15 && vit(p)->intrathoracic_pressure < 1);
	CHECK(vit(p)->sbp > 100);
	patient_destroy(&p);
}

/* ---- Clinical breadth: opioid toxicity, glycaemia ---- */

/* Opioid toxicity: slow breathing, hypoxia, hypercapnia, unresponsive; naloxone reverses it and wears
 * off before the opioid (re-sedation); ventilation support works without it; near-apnoea arrests. */
static void test_opioid_naloxone(void)
{
	patient_config cfg = {.seed = 31, .opioid = {.severity = 0.85}};
	patient *p = mk(cfg), *im = mk(cfg), *bvm = mk(cfg);
	run_for(p, 300, DT, 0);
	run_for(im, 300, DT, 0);
	run_for(bvm, 300, DT, 0);
	const patient_vitals v0 = *vit(p);
	act(p, ACCESS);
	patient_outcome o = act(p, drug(PATIENT_DRUG_NALOXONE, 0.4, PATIENT_ROUTE_IV));
	CHECK(o.applied && o.kind == PATIENT_COMP_NONE);
	act(im, (patient_action){.kind = PATIENT_ACT_DRUG,
	                         .drug = {.drug = PATIENT_DRUG_NALOXONE, .dose_mg = 0.4, .route = PATIENT_ROUTE_IM}});
	act(bvm, AIRWAY);
	act(bvm, (patient_action){.kind = PATIENT_ACT_OXYGEN, .oxygen = {.device = PATIENT_O2_BVM, .flow_l_min = 15}});
	run_for(p, 180, DT, 0);
	run_for(im, 180, DT, 0);
	run_for(bvm, 180, DT, 6);
	const patient_vitals v3 = *vit(p), i3 = *vit(im);
	run_for(p, 720, DT, 0);
	const patient_vitals v15 = *vit(p);
	run_for(p, 2700, 0.05, 0);
	const patient_vitals v60 = *vit(p);
	fprintf(stderr, "opioid 0.85 at 5 min: RR %.1f, SpO2 %.1f, PaCO2 %.0f, %s; naloxone 0.4 mg IV +3 min: RR %.1f, SpO2 %.1f, %s "
	                "(IM: RR %.1f, %s); +15 min effect %.2f %s; +60 min effect %.2f, RR %.1f, PaCO2 %.0f, %s; BVM 1/6 s: SpO2 %.1f\n",
	        v0.resp_rate, v0.spo2, v0.paco2, patient_avpu_name(v0.avpu), v3.resp_rate, v3.spo2, patient_avpu_name(v3.avpu),
	        i3.resp_rate, patient_avpu_name(i3.avpu), v15.opioid_effect, patient_avpu_name(v15.avpu), v60.opioid_effect,
	        v60.resp_rate, v60.paco2, patient_avpu_name(v60.avpu), vit(bvm)->spo2);
	CHECK(v0.resp_rate > 2 && v0.resp_rate < 9);
	CHECK(v0.spo2 < 92 && v0.paco2 > 50 && v0.avpu == PATIENT_AVPU_UNRESPONSIVE && v0.pulse_present);
	CHECK(v3.resp_rate > 12 && v3.spo2 > 94 && v3.avpu <= PATIENT_AVPU_VOICE && v3.opioid_effect < 0.3);
	CHECK(i3.resp_rate > v0.resp_rate + 3 && i3.resp_rate < v3.resp_rate); /* IM: slower */
	CHECK(v60.opioid_effect > v15.opioid_effect + 0.2);                     /* re-sedation */
	CHECK(v60.avpu >= PATIENT_AVPU_PAIN && v60.paco2 > v15.paco2 + 3);
	CHECK(vit(bvm)->spo2 > 97 && vit(bvm)->avpu == PATIENT_AVPU_UNRESPONSIVE); /* ventilation first */
	patient_destroy(&p);
	patient_destroy(&im);
	patient_destroy(&bvm);

	/* intranasal naloxone 2 mg (AHA 2020: 2-4 mg IN): half of it absorbed, and it reverses;
	 * epinephrine is not given intranasally */
	patient *in = mk(cfg);
	run_for(in, 300, DT, 0);
	o = act(in, drug(PATIENT_DRUG_NALOXONE, 2, PATIENT_ROUTE_IN));
	CHECK(o.applied && o.kind == PATIENT_COMP_NONE);
	run_for(in, 180, DT, 0);
	const double in3 = vit(in)->resp_rate;
	run_for(in, 420, DT, 0);
	fprintf(stderr, "  naloxone 2 mg IN: RR %.1f at 3 min, %.1f at 10 min, SpO2 %.1f, %s\n", in3, vit(in)->resp_rate,
	        vit(in)->spo2, patient_avpu_name(vit(in)->avpu));
	CHECK(in3 > v0.resp_rate + 5 && vit(in)->resp_rate > 12 && vit(in)->spo2 > 94);
	CHECK_STR(act(in, drug(PATIENT_DRUG_EPINEPHRINE, 1, PATIENT_ROUTE_IN)).not_delivered, "not_given_in");
	patient_destroy(&in);

	/* near-apnoea: hypoxic PEA arrest within 5 minutes */
	p = mk((patient_config){.seed = 31, .opioid = {.severity = 0.95}});
	run_for(p, 300, DT, 0);
	CHECK(vit(p)->rhythm == PATIENT_RHYTHM_PEA && !vit(p)->pulse_present);
	patient_destroy(&p);

	/* naloxone without an opioid does nothing */
	patient *a = mk((patient_config){.seed = 31}), *b = mk((patient_config){.seed = 31});
	act(a, ACCESS);
	act(b, ACCESS);
	act(a, drug(PATIENT_DRUG_NALOXONE, 2, PATIENT_ROUTE_IV));
	run_for(a, 120, DT, 0);
	run_for(b, 120, DT, 0);
	CHECK(vit(a)->resp_rate == vit(b)->resp_rate && vit(a)->map == vit(b)->map && vit(a)->spo2 == vit(b)->spo2 &&
	      vit(a)->avpu == vit(b)->avpu);
	patient_destroy(&a);
	patient_destroy(&b);
	CHECK(patient_create(&(patient_config){.opioid = {.severity = 0.99}}, &p) == SCRUB_ERR_INVALID);
}

/* Glycaemia: hypoglycaemia lowers consciousness but not breathing; dextrose wakes the patient within
 * minutes, an insulin depot brings the glucose down again; glucagon IM works without access; IV
 * insulin lowers a normal glucose. */
static void test_glycaemia(void)
{
	patient *p = mk((patient_config){.seed = 32});
	run_for(p, 1800, 0.05, 0);
	CHECK_NEAR(vit(p)->glucose_mmol_l, 5.5, 0.05);
	patient_destroy(&p);

	p = mk((patient_config){.seed = 32, .glycaemia = {.glucose_mmol_l = 1.5, .insulin_units = 100}});
	run_for(p, 120, DT, 0);
	const patient_vitals v0 = *vit(p);
	patient_outcome o = act(p, drug(PATIENT_DRUG_DEXTROSE, 20000, PATIENT_ROUTE_IV));
	CHECK_STR(o.not_delivered, "no_access");
	o = act(p, drug(PATIENT_DRUG_DEXTROSE, 20000, PATIENT_ROUTE_PO));
	CHECK_STR(o.not_delivered, "cannot_swallow");
	act(p, ACCESS);
	o = act(p, drug(PATIENT_DRUG_DEXTROSE, 20000, PATIENT_ROUTE_IV));
	CHECK(o.applied);
	run_for(p, 120, DT, 0);
	const patient_vitals v2 = *vit(p);
	run_for(p, 180, DT, 0);
	const patient_vitals v5 = *vit(p);
	run_for(p, 3300, 0.05, 0);
	const patient_vitals v60 = *vit(p);
	fprintf(stderr, "hypoglycaemia 1.5 mmol/L + 100 IU depot: %s, RR %.0f, SpO2 %.0f; dextrose 20 g IV: %.1f mmol/L at 2 min, "
	                "%s at 5 min; %.1f mmol/L and %s at 60 min\n",
	        patient_avpu_name(v0.avpu), v0.resp_rate, v0.spo2, v2.glucose_mmol_l, patient_avpu_name(v5.avpu),
	        v60.glucose_mmol_l, patient_avpu_name(v60.avpu));
	CHECK(v0.avpu == PATIENT_AVPU_UNRESPONSIVE && v0.resp_rate > 10 && v0.spo2 > 92 && v0.pulse_present);
	CHECK(v2.glucose_mmol_l > 7);
	CHECK(v5.avpu == PATIENT_AVPU_ALERT);
	CHECK(v60.glucose_mmol_l < 3 && v60.avpu != PATIENT_AVPU_ALERT); /* the depot is still absorbing */
	patient_destroy(&p);

	/* glucagon 1 mg IM, no access */
	p = mk((patient_config){.seed = 32, .glycaemia = {.glucose_mmol_l = 2.0}});
	run_for(p, 60, DT, 0);
	CHECK(vit(p)->avpu >= PATIENT_AVPU_PAIN);
	o = act(p, (patient_action){.kind = PATIENT_ACT_DRUG, .drug = {.drug = PATIENT_DRUG_GLUCAGON, .dose_mg = 1, .route = PATIENT_ROUTE_IM}});
	CHECK(o.applied);
	run_for(p, 600, DT, 0);
	double g10 = vit(p)->glucose_mmol_l;
	run_for(p, 300, DT, 0);
	fprintf(stderr, "  glucagon 1 mg IM at 2.0 mmol/L: %.1f at 10 min, %.1f and %s at 15 min\n", g10, vit(p)->glucose_mmol_l,
	        patient_avpu_name(vit(p)->avpu));
	CHECK(g10 > 3.3 && vit(p)->avpu == PATIENT_AVPU_ALERT);
	patient_destroy(&p);

	/* oral glucose in a mild, alert hypoglycaemia */
	p = mk((patient_config){.seed = 32, .glycaemia = {.glucose_mmol_l = 3.3}});
	run_for(p, 30, DT, 0);
	o = act(p, drug(PATIENT_DRUG_DEXTROSE, 20000, PATIENT_ROUTE_PO));
	CHECK(o.applied);
	double g = vit(p)->glucose_mmol_l;
	run_for(p, 1200, 0.05, 0);
	CHECK(vit(p)->glucose_mmol_l > g + 2);
	CHECK(patient_apply(p, &(patient_action){.kind = PATIENT_ACT_DRUG, .drug = {.drug = PATIENT_DRUG_DEXTROSE, .dose_mg = 150000, .route = PATIENT_ROUTE_PO}}, &o) ==
	      SCRUB_ERR_INVALID);
	patient_destroy(&p);

	/* insulin 10 IU IV in a normoglycaemic adult: the insulin tolerance test's nadir */
	p = mk((patient_config){.seed = 32});
	act(p, ACCESS);
	act(p, drug(PATIENT_DRUG_INSULIN, 10 * PATIENT_INSULIN_MG_PER_UNIT, PATIENT_ROUTE_IV));
	double nadir = 99;
	for (int m = 0; m < 60; m++) {
		run_for(p, 60, 0.05, 0);
		nadir = fmin(nadir, vit(p)->glucose_mmol_l);
	}
	fprintf(stderr, "  insulin 10 IU IV: nadir %.1f mmol/L within 60 min\n", nadir);
	CHECK(nadir > 2 && nadir < 3.5);
	CHECK_STR(patient_drug_name(PATIENT_DRUG_INSULIN), "insulin");
	o = act(p, (patient_action){.kind = PATIENT_ACT_DRUG, .drug = {.drug = PATIENT_DRUG_INSULIN, .dose_mg = 0.3, .route = PATIENT_ROUTE_IM}});
	CHECK_STR(o.not_delivered, "not_given_im");
	patient_destroy(&p);
}

/* ---- Bradyarrhythmias: atropine, transcutaneous pacing, chronotrope infusions ---- */

static patient_action pacing(double rate, double ma)
{
	return (patient_action){.kind = PATIENT_ACT_PACING, .pacing = {.rate_per_min = rate, .current_ma = ma}};
}

static patient_action infusion(patient_drug d, double mcg_min)
{
	return (patient_action){.kind = PATIENT_ACT_INFUSION, .infusion = {.drug = d, .rate_mcg_min = mcg_min}};
}

/* Counts R waves (> 0.6 mV, narrow or wide) and pacing spikes (> 2 mV) over `seconds`. */
static void count_beats(patient *p, double seconds, int *qrs, int *spikes)
{
	static float ecg[8192];
	patient_wave_ring ring = {.ecg_mv = ecg, .capacity = 8192};
	long n = (long)(seconds / DT + 0.5);
	for (long i = 0; i < n; i++) {
		patient_step(p, DT);
		patient_waves_append(p, &ring);
	}
	*qrs = *spikes = 0;
	size_t total = (size_t)ring.written;
	for (size_t i = 1; i + 1 < total; i++) {
		if (ecg[i] > 2.0f) {
			*spikes += ecg[i - 1] <= 2.0f;
			continue;
		}
		if (ecg[i] > 0.6f && ecg[i] >= ecg[i - 1] && ecg[i] > ecg[i + 1] && ecg[i - 1] < 2.0f)
			(*qrs)++;
	}
}

static void test_bradyarrhythmias(void)
{
	/* sinus bradycardia: atropine works */
	patient *sb = mk((patient_config){.seed = 41, .bradycardia = {.rhythm = PATIENT_RHYTHM_SINUS_BRADY}});
	run_for(sb, 120, DT, 0);
	double sb0 = vit(sb)->heart_rate;
	act(sb, ACCESS);
	act(sb, drug(PATIENT_DRUG_ATROPINE, 1, PATIENT_ROUTE_IV));
	run_for(sb, 120, DT, 0);
	/* Mobitz II: 2:1; atropine speeds the atria into a 3:1 block */
	patient *m2 = mk((patient_config){.seed = 41, .bradycardia = {.rhythm = PATIENT_RHYTHM_AVB2_MOBITZ2}});
	run_for(m2, 120, DT, 0);
	const patient_vitals m0 = *vit(m2);
	act(m2, ACCESS);
	act(m2, drug(PATIENT_DRUG_ATROPINE, 1, PATIENT_ROUTE_IV));
	run_for(m2, 120, DT, 0);
	/* complete block: atropine speeds the atria only */
	patient *b3 = mk((patient_config){.seed = 41, .bradycardia = {.rhythm = PATIENT_RHYTHM_AVB3}});
	run_for(b3, 120, DT, 0);
	const patient_vitals c0 = *vit(b3);
	act(b3, ACCESS);
	act(b3, drug(PATIENT_DRUG_ATROPINE, 1, PATIENT_ROUTE_IV));
	run_for(b3, 120, DT, 0);
	fprintf(stderr, "bradycardia, atropine 1 mg IV: sinus brady HR %.0f -> %.0f; Mobitz II HR %.0f (atria %.0f) -> %.0f (atria %.0f); "
	                "complete block HR %.0f (atria %.0f, MAP %.0f) -> %.0f (atria %.0f)\n",
	        sb0, vit(sb)->heart_rate, m0.heart_rate, m0.atrial_rate, vit(m2)->heart_rate, vit(m2)->atrial_rate,
	        c0.heart_rate, c0.atrial_rate, c0.map, vit(b3)->heart_rate, vit(b3)->atrial_rate);
	CHECK(sb0 > 38 && sb0 < 48 && vit(sb)->heart_rate > 60 && vit(sb)->rhythm == PATIENT_RHYTHM_SINUS);
	CHECK(m0.rhythm == PATIENT_RHYTHM_AVB2_MOBITZ2 && fabs(m0.atrial_rate / m0.heart_rate - 2) < 0.1);
	CHECK(vit(m2)->heart_rate < m0.heart_rate && fabs(vit(m2)->atrial_rate / vit(m2)->heart_rate - 3) < 0.1);
	CHECK(c0.rhythm == PATIENT_RHYTHM_AVB3 && c0.heart_rate > 32 && c0.heart_rate < 42 && c0.atrial_rate > c0.heart_rate + 30);
	CHECK(vit(b3)->heart_rate < c0.heart_rate + 5 && vit(b3)->atrial_rate > c0.atrial_rate + 15);
	patient_destroy(&sb);
	patient_destroy(&m2);

	/* the monitor: the ventricle beats at the escape rate, not the atrial rate */
	int qrs, spikes;
	count_beats(b3, 20, &qrs, &spikes);
	CHECK(abs(qrs - (int)(vit(b3)->heart_rate / 3 + 0.5)) <= 1 && spikes == 0);

	/* transcutaneous pacing: pads, then a current above the threshold */
	patient_outcome o = act(b3, pacing(70, 80));
	CHECK(!o.applied);
	CHECK_STR(o.not_delivered, "no_pads");
	act(b3, PADS_AL);
	o = act(b3, pacing(70, 40));
	CHECK(o.applied && !o.effective && !vit(b3)->pacing_capture);
	count_beats(b3, 20, &qrs, &spikes);
	CHECK(spikes >= 22 && spikes <= 25);                     /* spikes at 70 /min, no capture */
	CHECK(abs(qrs - (int)(vit(b3)->heart_rate / 3 + 0.5)) <= 1); /* the escape rhythm goes on */
	double map_before = vit(b3)->map;
	o = act(b3, pacing(70, 80));
	CHECK(o.applied && o.effective && vit(b3)->pacing_capture);
	run_for(b3, 60, DT, 0);
	count_beats(b3, 20, &qrs, &spikes);
	fprintf(stderr, "  pacing 70 /min: 40 mA no capture; 80 mA capture: HR %.0f, MAP %.0f -> %.0f, %d spikes and %d QRS in 20 s\n",
	        vit(b3)->heart_rate, map_before, vit(b3)->map, spikes, qrs);
	CHECK(fabs(vit(b3)->heart_rate - 70) < 1 && vit(b3)->map > map_before + 5);
	CHECK(spikes >= 22 && spikes <= 25 && abs(qrs - spikes) <= 1);
	act(b3, pads(PATIENT_PADS_NONE)); /* pacing goes through the pads */
	CHECK(!vit(b3)->pacing_capture && vit(b3)->pacing_rate == 0);
	o = act(b3, pacing(0, 0));
	CHECK_STR(o.not_delivered, "not_running");
	CHECK(patient_apply(b3, &(patient_action){.kind = PATIENT_ACT_PACING, .pacing = {.rate_per_min = 300, .current_ma = 80}}, &o) ==
	      SCRUB_ERR_INVALID);
	run_for(b3, 30, DT, 0);
	CHECK(vit(b3)->heart_rate < 45);

	/* chronotropes raise the escape rate a little: pacing is the treatment */
	o = act(b3, infusion(PATIENT_DRUG_DOPAMINE, 700));
	CHECK(o.applied && vit(b3)->infusion_mcg_min[PATIENT_DRUG_DOPAMINE] == 700);
	run_for(b3, 300, DT, 0);
	double hr_dopa = vit(b3)->heart_rate;
	CHECK(hr_dopa > 44 && hr_dopa < 60);
	patient_destroy(&b3);

	/* sinus bradycardia: epinephrine 2-10 mcg/min works */
	sb = mk((patient_config){.seed = 41, .bradycardia = {.rhythm = PATIENT_RHYTHM_SINUS_BRADY}});
	o = act(sb, infusion(PATIENT_DRUG_EPINEPHRINE, 10));
	CHECK_STR(o.not_delivered, "no_access");
	act(sb, ACCESS);
	run_for(sb, 60, DT, 0);
	double hr0 = vit(sb)->heart_rate, map0 = vit(sb)->map;
	o = act(sb, infusion(PATIENT_DRUG_EPINEPHRINE, 10));
	CHECK(o.applied);
	run_for(sb, 600, DT, 0);
	fprintf(stderr, "  sinus bradycardia, epinephrine 10 mcg/min for 10 min: HR %.0f -> %.0f, MAP %.0f -> %.0f; dopamine 10 mcg/kg/min "
	                "in complete block: HR %.0f\n",
	        hr0, vit(sb)->heart_rate, map0, vit(sb)->map, hr_dopa);
	CHECK(vit(sb)->heart_rate > hr0 + 8 && vit(sb)->map > map0 + 5);
	o = act(sb, infusion(PATIENT_DRUG_EPINEPHRINE, 0));
	CHECK(o.applied && vit(sb)->infusion_mcg_min[PATIENT_DRUG_EPINEPHRINE] == 0);
	o = act(sb, infusion(PATIENT_DRUG_EPINEPHRINE, 0));
	CHECK_STR(o.not_delivered, "not_running");
	o = act(sb, infusion(PATIENT_DRUG_ADENOSINE, 100));
	CHECK_STR(o.not_delivered, "not_given_infusion");
	o = act(sb, drug(PATIENT_DRUG_DOPAMINE, 5, PATIENT_ROUTE_IV));
	CHECK_STR(o.not_delivered, "not_given_iv");
	patient_destroy(&sb);

	/* pacing does not capture in cardiac arrest */
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, 41));
	act(p, PADS_AL);
	o = act(p, pacing(70, 150));
	CHECK(o.applied && !o.effective && !vit(p)->pacing_capture);
	patient_destroy(&p);
	CHECK(patient_create(&(patient_config){.bradycardia = {.rhythm = PATIENT_RHYTHM_VF_COARSE}}, &p) == SCRUB_ERR_INVALID);
	CHECK(patient_create(&(patient_config){.bradycardia = {.rhythm = PATIENT_RHYTHM_AVB3, .rate = 70}}, &p) == SCRUB_ERR_INVALID);
	CHECK_STR(patient_rhythm_name(PATIENT_RHYTHM_AVB3), "avb3");
	CHECK_STR(patient_rhythm_name(PATIENT_RHYTHM_AVB2_MOBITZ2), "avb2_mobitz2");
	CHECK_STR(patient_action_kind_name(PATIENT_ACT_INFUSION), "infusion");
	CHECK(PATIENT_RHYTHM_PEA == 8 && PATIENT_RHYTHM_AVB2_MOBITZ2 == 9);
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
	test_names();
	test_shock_needs_pads();
	test_shock_during_cpr();
	test_shock_with_pulse();
	test_refractory_vf_pads();
	test_cpr_already_running();
	test_needle_sites();
	test_not_delivered_words();
	test_position_flag();
	test_remove_trigger();
	test_outcome_invariants();
	test_iv_bolus_surge();
	test_posture();
	test_anaphylaxis_adjuncts();
	test_post_rosc_stunning();
	test_cpr_unresponsive_no_spo2();
	test_vf_timeline();
	test_needle_partial();
	test_opioid_naloxone();
	test_glycaemia();
	test_bradyarrhythmias();
	return CHECK_DONE();
}
