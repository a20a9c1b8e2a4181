/* The virtual patient's parameter table (sim/patient/patient_params.h): lookup, checks, get and set. */
#define SCRUB_LOG_MODULE "patient"
#include "patient_internal.h"

#include "log.h"

#include <string.h>

static const patient_param_info param_table[PP_COUNT_] = {
#define X(id, name, unit, def, lo, hi, desc) {name, unit, def, lo, hi, desc},
	PATIENT_PARAMS(X)
#undef X
};

size_t patient_param_count(void)
{
	return PP_COUNT_;
}

const patient_param_info *patient_param_info_at(size_t i)
{
	return i < PP_COUNT_ ? &param_table[i] : NULL;
}

int patient_param_find(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < PP_COUNT_; i++)
		if (strcmp(param_table[i].name, name) == 0)
			return i;
	return -1;
}

scrub_result patient_param_check(const char *name, double value, int *out_i)
{
	int i = patient_param_find(name);
	if (i < 0) {
		LOG_E("unknown patient parameter '%s'", name ? name : "(null)");
		return SCRUB_ERR_INVALID;
	}
	const patient_param_info *pi = &param_table[i];
	if (!(value >= pi->min && value <= pi->max)) { /* also rejects NaN */
		LOG_E("patient parameter '%s' = %g %s is outside %g..%g", name, value, pi->unit, pi->min, pi->max);
		return SCRUB_ERR_INVALID;
	}
	*out_i = i;
	return SCRUB_OK;
}

scrub_result patient_set_param(patient *p, const char *name, double value)
{
	int i;
	if (!p)
		return SCRUB_ERR_INVALID;
	scrub_result r = patient_param_check(name, value, &i);
	if (r != SCRUB_OK)
		return r;
	p->par[i] = value;
	double vol_ratio = p->blood_vol / p->blood_vol0;
	patient_model_refresh(p);
	p->blood_vol = vol_ratio * p->blood_vol0;
	return SCRUB_OK;
}

scrub_result patient_get_param(const patient *p, const char *name, double *out_value)
{
	int i = patient_param_find(name);
	if (i < 0 || !p || !out_value)
		return SCRUB_ERR_INVALID;
	*out_value = p->par[i];
	return SCRUB_OK;
}

