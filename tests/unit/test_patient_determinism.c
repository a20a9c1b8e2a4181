/* The virtual patient is deterministic: one seed, one dt and one sequence of actions give bitwise
 * identical vitals and waveforms; different seeds give different shock outcomes. */
#include "check.h"
#include "patient_test_util.h"

#include <string.h>

#define STEPS 36000 /* 6 minutes at 10 ms */
#define CAP 131072

typedef struct trace {
	patient_vitals v[STEPS / 100];
	float ecg[CAP], pleth[CAP], co2[CAP];
	uint64_t written;
	int shocks_effective;
	int first_rosc_step;
} trace;

/* An ACLS-style run: CPR, a shock every 2 minutes, epinephrine and amiodarone, breaths. */
static void acls_run(uint64_t seed, trace *t)
{
	memset(t, 0, sizeof *t);
	t->first_rosc_step = -1;
	patient *p = mk(arrest_cfg(PATIENT_RHYTHM_VF_COARSE, seed));
	patient_wave_ring ring = {.ecg_mv = t->ecg, .pleth = t->pleth, .co2_mmhg = t->co2, .capacity = CAP};
	act(p, CPR_GOOD);
	act(p, AIRWAY);
	act(p, PADS_AL);
	act(p, (patient_action){.kind = PATIENT_ACT_VASCULAR_ACCESS, .access = {.route = PATIENT_ROUTE_IO}});
	for (int i = 0; i < STEPS; i++) {
		if (i % 600 == 0)
			act(p, (patient_action){.kind = PATIENT_ACT_BVM_BREATH});
		if (i > 0 && i % 12000 == 0 && patient_rhythm_shockable(vit(p)->rhythm)) {
			t->shocks_effective += act(p, shock(200)).effective;
			if (i == 24000)
				act(p, drug(PATIENT_DRUG_EPINEPHRINE, 1, PATIENT_ROUTE_IO));
		}
		if (i == 30000)
			act(p, drug(PATIENT_DRUG_AMIODARONE, 300, PATIENT_ROUTE_IO));
		patient_step(p, 0.01);
		patient_waves_append(p, &ring);
		if (i % 100 == 0)
			memcpy(&t->v[i / 100], vit(p), sizeof(patient_vitals));
		if (t->first_rosc_step < 0 && vit(p)->rosc)
			t->first_rosc_step = i;
	}
	t->written = ring.written;
	patient_destroy(&p);
}

static trace ta, tb;

int main(void)
{
	acls_run(42, &ta);
	acls_run(42, &tb);
	CHECK(ta.written == tb.written && ta.written > 80000);
	CHECK(memcmp(ta.v, tb.v, sizeof ta.v) == 0);
	CHECK(memcmp(ta.ecg, tb.ecg, sizeof ta.ecg) == 0);
	CHECK(memcmp(ta.pleth, tb.pleth, sizeof ta.pleth) == 0);
	CHECK(memcmp(ta.co2, tb.co2, sizeof ta.co2) == 0);
	CHECK(ta.first_rosc_step == tb.first_rosc_step);

	/* different seeds: shock outcomes differ (some runs reach ROSC at the first shock, some not) */
	int first_ok = 0, first_fail = 0;
	for (uint64_t seed = 1; seed <= 12; seed++) {
		acls_run(seed, &ta);
		if (ta.first_rosc_step >= 0 && ta.first_rosc_step < 15000) /* within 30 s of the first shock */
			first_ok++;
		else
			first_fail++;
	}
	fprintf(stderr, "first shock: %d ROSC, %d not\n", first_ok, first_fail);
	CHECK(first_ok > 0 && first_fail > 0);

	/* a seed also changes the waveform noise */
	acls_run(7, &ta);
	acls_run(8, &tb);
	CHECK(memcmp(ta.ecg, tb.ecg, sizeof ta.ecg) != 0);
	return CHECK_DONE();
}
