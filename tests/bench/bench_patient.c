/* Benchmark of patient_step with waveform generation: a 10-minute VF arrest with CPR, breaths,
 * drugs and shocks at dt = 0.01 s, every sample appended to a ring. Prints one JSON line:
 * the median over the runs of the mean time per step, in ns.
 *
 *   bench_patient [--runs N] [--dt S] [--minutes M] */
#include "patient.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static float ecg[4096], pleth[4096], co2[4096];

/* One scenario; returns seconds spent in patient_step and patient_waves_append only. */
static double run_once(double dt, double minutes, uint64_t seed, double *checksum)
{
	patient *p;
	patient_config cfg = {.seed = seed, .arrest = {.present = true, .rhythm = PATIENT_RHYTHM_VF_COARSE}};
	if (patient_create(&cfg, &p) != SCRUB_OK)
		return -1;
	patient_wave_ring ring = {.ecg_mv = ecg, .pleth = pleth, .co2_mmhg = co2, .capacity = 4096};
	patient_apply(p, &(patient_action){.kind = PATIENT_ACT_CPR_START}, NULL);
	patient_apply(p, &(patient_action){.kind = PATIENT_ACT_AIRWAY_OPEN}, NULL);
	patient_apply(p, &(patient_action){.kind = PATIENT_ACT_PADS, .pads = {.position = PATIENT_PADS_ANTEROLATERAL}}, NULL);
	patient_apply(p, &(patient_action){.kind = PATIENT_ACT_VASCULAR_ACCESS, .access = {.route = PATIENT_ROUTE_IO}}, NULL);
	long steps = (long)(minutes * 60.0 / dt + 0.5);
	long breath_every = (long)(6.0 / dt + 0.5), shock_every = (long)(120.0 / dt + 0.5);
	double spent = 0, t0 = now_s();
	for (long i = 0; i < steps; i++) {
		if (i % breath_every == 0 || i % shock_every == 0) {
			spent += now_s() - t0; /* actions are not part of the step budget */
			if (i % breath_every == 0)
				patient_apply(p, &(patient_action){.kind = PATIENT_ACT_BVM_BREATH}, NULL);
			if (i > 0 && i % shock_every == 0) {
				patient_apply(p, &(patient_action){.kind = PATIENT_ACT_SHOCK, .shock = {.energy_j = 200}}, NULL);
				patient_apply(p, &(patient_action){.kind = PATIENT_ACT_DRUG,
				                                   .drug = {.drug = PATIENT_DRUG_EPINEPHRINE, .dose_mg = 1,
				                                            .route = PATIENT_ROUTE_IO}},
				              NULL);
			}
			t0 = now_s();
		}
		patient_step(p, dt);
		patient_waves_append(p, &ring);
	}
	spent += now_s() - t0;
	*checksum += patient_vitals_get(p)->etco2 + ecg[ring.written % 4096];
	patient_destroy(&p);
	return spent / (double)steps;
}

int main(int argc, char **argv)
{
	int runs = 7;
	double dt = 0.01, minutes = 10;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			printf("usage: bench_patient [--runs N (>= 5)] [--dt S] [--minutes M]\n");
			return 0;
		} else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			runs = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--dt") && i + 1 < argc) {
			dt = atof(argv[++i]);
		} else if (!strcmp(argv[i], "--minutes") && i + 1 < argc) {
			minutes = atof(argv[++i]);
		} else {
			fprintf(stderr, "bench_patient: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	if (runs < 5 || runs > 1000 || !(dt >= PATIENT_DT_MIN && dt <= PATIENT_DT_MAX) || !(minutes > 0)) {
		fprintf(stderr, "bench_patient: need --runs >= 5, dt within %g..%g, minutes > 0\n", PATIENT_DT_MIN,
		        PATIENT_DT_MAX);
		return 2;
	}
	double *per = calloc((size_t)runs, sizeof *per);
	double checksum = 0;
	if (!per)
		return 3;
	run_once(dt, 1, 99, &checksum); /* warm-up */
	for (int r = 0; r < runs; r++) {
		per[r] = run_once(dt, minutes, (uint64_t)r + 1, &checksum);
		if (per[r] < 0)
			return 3;
	}
	qsort(per, (size_t)runs, sizeof *per, cmp_double);
	double med = per[runs / 2];
	printf("{\"bench\":\"patient_step\",\"dt_s\":%g,\"sim_minutes\":%g,\"runs\":%d,\"step_ns_median\":%.1f,"
	       "\"step_ns_min\":%.1f,\"step_ns_max\":%.1f,\"realtime_factor_median\":%.0f,\"wave_hz\":%d,"
	       "\"checksum\":%.3f}\n",
	       dt, minutes, runs, med * 1e9, per[0] * 1e9, per[runs - 1] * 1e9, dt / med, PATIENT_WAVE_HZ, checksum);
	free(per);
	return 0;
}
