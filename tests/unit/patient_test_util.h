/* Helpers shared by the patient tests. */
#ifndef SCRUB_PATIENT_TEST_UTIL_H
#define SCRUB_PATIENT_TEST_UTIL_H

#include "patient.h"

#include <stdio.h>
#include <stdlib.h>

static inline patient *mk(patient_config cfg)
{
	patient *p = NULL;
	if (patient_create(&cfg, &p) != SCRUB_OK || !p) {
		fprintf(stderr, "patient_create failed\n");
		exit(1);
	}
	return p;
}

static inline patient_outcome act(patient *p, patient_action a)
{
	patient_outcome o = {0};
	patient_apply(p, &a, &o);
	return o;
}

/* Steps for `seconds` at dt; with `breath_every_s` > 0 gives a BVM breath at that interval. */
static inline void run_for(patient *p, double seconds, double dt, double breath_every_s)
{
	long n = (long)(seconds / dt + 0.5);
	long every = breath_every_s > 0 ? (long)(breath_every_s / dt + 0.5) : 0;
	for (long i = 0; i < n; i++) {
		if (every && i % every == 0)
			act(p, (patient_action){.kind = PATIENT_ACT_BVM_BREATH});
		patient_step(p, dt);
	}
}

static inline const patient_vitals *vit(const patient *p)
{
	return patient_vitals_get(p);
}

static inline patient_action shock(double j)
{
	return (patient_action){.kind = PATIENT_ACT_SHOCK, .shock = {.energy_j = j}};
}

static inline patient_action drug(patient_drug d, double mg, patient_route r)
{
	return (patient_action){.kind = PATIENT_ACT_DRUG, .drug = {.drug = d, .dose_mg = mg, .route = r}};
}

static inline patient_action needle(patient_side s, int ics, patient_line l)
{
	return (patient_action){.kind = PATIENT_ACT_NEEDLE_DECOMPRESSION, .needle = {.side = s, .ics = ics, .line = l}};
}

static const patient_action CPR_GOOD = {.kind = PATIENT_ACT_CPR_START, .cpr = {.rate_per_min = 110, .depth_cm = 5.5}};
static const patient_action AIRWAY = {.kind = PATIENT_ACT_AIRWAY_OPEN};
static const patient_action PADS_AL = {.kind = PATIENT_ACT_PADS, .pads = {.position = PATIENT_PADS_ANTEROLATERAL}};
static const patient_action ACCESS = {.kind = PATIENT_ACT_VASCULAR_ACCESS, .access = {.route = PATIENT_ROUTE_IV}};

static inline patient_config arrest_cfg(patient_rhythm r, uint64_t seed)
{
	return (patient_config){.seed = seed, .arrest = {.present = true, .rhythm = r}};
}

#endif
