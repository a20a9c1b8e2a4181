/* The scenario loader: the patient and its physiology model. */
#define SCRUB_LOG_MODULE "scenario"
#include "scenario_internal.h"
#include "vocab.h"
#include "expr.h"
#include "log.h"
#include "script.h"
#include "yaml.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sha2.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the patient model ---- */

static const struct {
	const char *name;
	const char *unit;
	const char *label;
} model_vars[SCN_MODEL_COUNT_] = {
	[SCN_MODEL_HR] = {"hr", "/min", "Heart rate"},
	[SCN_MODEL_SBP] = {"sbp", "mmHg", "Systolic pressure"},
	[SCN_MODEL_DBP] = {"dbp", "mmHg", "Diastolic pressure"},
	[SCN_MODEL_MAP] = {"map", "mmHg", "Mean arterial pressure"},
	[SCN_MODEL_SPO2] = {"spo2", "%", "SpO2"},
	[SCN_MODEL_RR] = {"rr", "/min", "Respiratory rate"},
	[SCN_MODEL_ETCO2] = {"etco2", "mmHg", "End-tidal CO2"},
	[SCN_MODEL_TEMP] = {"temp", "C", "Temperature"},
	[SCN_MODEL_CO] = {"co", "L/min", "Cardiac output"},
	[SCN_MODEL_CPP] = {"cpp", "mmHg", "Coronary perfusion pressure"},
	[SCN_MODEL_RHYTHM] = {"rhythm", NULL, "Cardiac rhythm"},
	[SCN_MODEL_PULSE] = {"pulse", NULL, "Central pulse"},
	[SCN_MODEL_AVPU] = {"avpu", NULL, "Level of consciousness"},
	[SCN_MODEL_ROSC] = {"rosc", NULL, "Return of spontaneous circulation"},
	[SCN_MODEL_SHOCKS] = {"shocks", NULL, "Shocks delivered"},
	[SCN_MODEL_CCF] = {"ccf", "%", "Chest compression fraction"},
	[SCN_MODEL_CPR_RATE_OK] = {"cpr_rate_ok", "%", "Compressions at 100-120 /min"},
	[SCN_MODEL_CPR_DEPTH_OK] = {"cpr_depth_ok", "%", "Compressions 5-6 cm deep"},
	[SCN_MODEL_CPR_RECOIL_OK] = {"cpr_recoil_ok", "%", "Compressions with full recoil"},
	[SCN_MODEL_LONGEST_PAUSE] = {"longest_pause", "s", "Longest pause in compressions"},
	[SCN_MODEL_LONG_PAUSES] = {"long_pauses", NULL, "Pauses in compressions over 10 s"},
	[SCN_MODEL_ETCO2_LOW] = {"etco2_low", "%", "CPR time with EtCO2 under 10 mmHg"},
	[SCN_MODEL_GLUCOSE] = {"glucose", "mmol/L", "Blood glucose"},
	[SCN_MODEL_CAPTURE] = {"capture", NULL, "Pacing captures"},
	[SCN_MODEL_LACTATE] = {"lactate", "mmol/L", "Lactate"},
	[SCN_MODEL_PEF] = {"peak_flow", "%", "Peak expiratory flow (% of predicted)"},
	[SCN_MODEL_WHEEZE] = {"wheeze", NULL, "Audible wheeze"},
	[SCN_MODEL_POTASSIUM] = {"potassium", "mmol/L", "Serum potassium"},
};

static const char *no_yes[] = {"no", "yes"};
static const char *pulse_words[] = {"absent", "present"};

const char *scenario_model_var_name(int field)
{
	return field >= 0 && field < SCN_MODEL_COUNT_ ? model_vars[field].name : NULL;
}

const char *scenario_model_var_unit(int field)
{
	return field >= 0 && field < SCN_MODEL_COUNT_ ? model_vars[field].unit : NULL;
}

const char *scenario_model_var_label(int field)
{
	return field >= 0 && field < SCN_MODEL_COUNT_ ? model_vars[field].label : NULL;
}

static bool model_number(loader *L, yaml_node *n, const char *what, double lo, double hi, const char *unit, double *out)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return false;
	scrub_quantity q;
	int bad;
	size_t used = scrub_quantity_parse(n->str, n->len, &q, &bad);
	if (used != n->len || bad >= 0) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s should be a number%s%s, found '%s'", what, unit ? " in " : "", unit ? unit : "", n->str);
		return false;
	}
	double v = q.value;
	if (q.unit) {
		const scrub_unit *want = unit ? scrub_unit_find(unit, strlen(unit)) : NULL;
		if (!want || want->dim != q.unit->dim) {
			ERR_AT(L, n, SCRUB_DIAG_UNIT, "unit mismatch: %s is %s%s%s, but '%s' is %s", what, unit ? "in " : "a plain number",
			       unit ? unit : "", "", q.unit->name, scrub_dim_name(q.unit->dim));
			return false;
		}
		v = q.value * q.unit->factor / want->factor;
	}
	if (!(v >= lo && v <= hi)) {
		ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s %s is outside %g..%g%s%s", what, n->str, lo, hi, unit ? " " : "", unit ? unit : "");
		return false;
	}
	*out = v;
	return true;
}

static int model_word(loader *L, yaml_node *n, const char *what, const char *const *words, int nwords)
{
	if (!expect_type(L, n, YAML_SCALAR, what))
		return -1;
	for (int i = 0; i < nwords; i++)
		if (words[i] && strcmp(words[i], n->str) == 0)
			return i;
	char list[256] = "";
	size_t l = 0;
	for (int i = 0; i < nwords && l < sizeof list - 40; i++)
		if (words[i])
			l += (size_t)snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", words[i]);
	const char *sug = scrub_suggest(n->str, words, (size_t)nwords);
	ERR_AT(L, n, SCRUB_DIAG_VALUE, "%s '%s' is not accepted%s%s%s; expected one of: %s", what, n->str,
	       sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "", list);
	return -1;
}

static void parse_model(loader *L, yaml_node *m)
{
	scenario *s = L->s;
	scn_model *md = &s->model;
	if (!expect_type(L, m, YAML_MAP, "'model'"))
		return;
	md->present = true;
	patient_config *c = &md->cfg;
	c->seed = s->seed;
	c->age_years = s->patient_age;
	c->weight_kg = s->patient_weight;
	c->sex = s->patient_sex && strcmp(s->patient_sex, "male") == 0 ? PATIENT_SEX_MALE
	       : s->patient_sex && strcmp(s->patient_sex, "female") == 0 ? PATIENT_SEX_FEMALE : PATIENT_SEX_UNSPECIFIED;
	yaml_node *cond = yaml_get(m, "condition");
	if (cond && expect_type(L, cond, YAML_MAP, "'condition'")) {
		yaml_node *ca = yaml_get(cond, "cardiac_arrest");
		if (ca && expect_type(L, ca, YAML_MAP, "'cardiac_arrest'")) {
			c->arrest.present = true;
			c->arrest.rhythm = PATIENT_RHYTHM_VF_COARSE;
			yaml_node *r = yaml_get(ca, "rhythm");
			if (r) {
				static const char *arrest_rhythms[PATIENT_RHYTHM_COUNT_] = {
					[PATIENT_RHYTHM_VF_COARSE] = "vf_coarse", [PATIENT_RHYTHM_VF_FINE] = "vf_fine",
					[PATIENT_RHYTHM_PVT] = "pvt", [PATIENT_RHYTHM_ASYSTOLE] = "asystole", [PATIENT_RHYTHM_PEA] = "pea"};
				int k = model_word(L, r, "the arrest rhythm", arrest_rhythms, PATIENT_RHYTHM_COUNT_);
				if (k >= 0)
					c->arrest.rhythm = (patient_rhythm)k;
			}
			static const char *f[] = {"rhythm", NULL};
			check_fields(L, ca, f, "cardiac_arrest");
		}
		yaml_node *an = yaml_get(cond, "anaphylaxis");
		if (an && expect_type(L, an, YAML_MAP, "'anaphylaxis'")) {
			yaml_node *sv = yaml_get(an, "severity");
			if (!sv)
				ERR_AT(L, key_of(cond, an), SCRUB_DIAG_MISSING, "anaphylaxis needs 'severity:' (0 to 1)");
			else
				model_number(L, sv, "severity", 0.01, 1, NULL, &c->anaphylaxis.severity);
			yaml_node *x;
			if ((x = yaml_get(an, "airway_oedema")))
				model_number(L, x, "airway_oedema", 0, 1, NULL, &c->anaphylaxis.airway_oedema);
			if ((x = yaml_get(an, "bronchospasm")))
				model_number(L, x, "bronchospasm", 0, 1, NULL, &c->anaphylaxis.bronchospasm);
			if ((x = yaml_get(an, "vasodilation")))
				model_number(L, x, "vasodilation", 0, 1, NULL, &c->anaphylaxis.vasodilation);
			static const char *f[] = {"severity", "airway_oedema", "bronchospasm", "vasodilation", NULL};
			check_fields(L, an, f, "anaphylaxis");
		}
		yaml_node *tp = yaml_get(cond, "tension_pneumothorax");
		if (tp && expect_type(L, tp, YAML_MAP, "'tension_pneumothorax'")) {
			yaml_node *side = yaml_get(tp, "side"), *sv = yaml_get(tp, "severity");
			static const char *sides[] = {NULL, "left", "right"};
			if (!side)
				ERR_AT(L, key_of(cond, tp), SCRUB_DIAG_MISSING, "tension_pneumothorax needs 'side:' (left or right)");
			else {
				int k = model_word(L, side, "side", sides, 3);
				if (k > 0)
					c->tension_ptx.side = (patient_side)k;
			}
			if (sv)
				model_number(L, sv, "severity", 0.01, 1, NULL, &c->tension_ptx.severity);
			static const char *f[] = {"side", "severity", NULL};
			check_fields(L, tp, f, "tension_pneumothorax");
		}
		yaml_node *hv = yaml_get(cond, "hypovolaemia");
		if (hv && expect_type(L, hv, YAML_MAP, "'hypovolaemia'")) {
			yaml_node *bl = yaml_get(hv, "blood_loss"), *bd = yaml_get(hv, "bleeding");
			if (bl)
				model_number(L, bl, "blood_loss", 0, 5000, "mL", &c->hypovolaemia.blood_loss_ml);
			if (bd) {
				double lpm = 0;
				if (model_number(L, bd, "bleeding", 0, 1, "L/min", &lpm))
					c->hypovolaemia.bleed_ml_per_min = lpm * 1000.0;
			}
			if (!bl && !bd)
				ERR_AT(L, key_of(cond, hv), SCRUB_DIAG_MISSING, "hypovolaemia needs 'blood_loss:' (e.g. 1500 mL) and/or 'bleeding:' (e.g. 100 mL/min)");
			static const char *f[] = {"blood_loss", "bleeding", NULL};
			check_fields(L, hv, f, "hypovolaemia");
		}
		yaml_node *op = yaml_get(cond, "opioid_toxicity");
		if (op && expect_type(L, op, YAML_MAP, "'opioid_toxicity'")) {
			yaml_node *sv = yaml_get(op, "severity"), *hl = yaml_get(op, "half_life");
			c->opioid.severity = 0.85; /* unresponsive, about 6 breaths/min */
			if (sv)
				model_number(L, sv, "severity", 0.05, 0.98, NULL, &c->opioid.severity);
			if (hl && parse_duration(L, hl, &c->opioid.half_life_s, "'half_life'") && (c->opioid.half_life_s < 60 || c->opioid.half_life_s > 86400))
				ERR_AT(L, hl, SCRUB_DIAG_VALUE, "the opioid's half_life is between 1 min and 24 h");
			static const char *f[] = {"severity", "half_life", NULL};
			check_fields(L, op, f, "opioid_toxicity");
		}
		static const struct {
			const char *name;
			patient_rhythm rhythm;
		} bradys[] = {{"sinus_bradycardia", PATIENT_RHYTHM_SINUS_BRADY},
		              {"second_degree_av_block", PATIENT_RHYTHM_AVB2_MOBITZ2},
		              {"third_degree_av_block", PATIENT_RHYTHM_AVB3}};
		for (size_t k = 0; k < sizeof bradys / sizeof bradys[0]; k++) {
			yaml_node *br = yaml_get(cond, bradys[k].name);
			if (!br || !expect_type(L, br, YAML_MAP, bradys[k].name))
				continue;
			if (c->bradycardia.rhythm != PATIENT_RHYTHM_SINUS)
				ERR_AT(L, key_of(cond, br), SCRUB_DIAG_DUPLICATE, "only one bradycardia per patient");
			c->bradycardia.rhythm = bradys[k].rhythm;
			yaml_node *rt = yaml_get(br, "rate");
			if (rt)
				model_number(L, rt, "rate", 20, 59, "/min", &c->bradycardia.rate);
			static const char *f[] = {"rate", NULL};
			check_fields(L, br, f, bradys[k].name);
		}
		yaml_node *gl = yaml_get(cond, "hypoglycaemia");
		if (gl && expect_type(L, gl, YAML_MAP, "'hypoglycaemia'")) {
			yaml_node *g = yaml_get(gl, "glucose"), *ins = yaml_get(gl, "insulin_depot");
			c->glycaemia.glucose_mmol_l = 1.8;
			if (g)
				model_number(L, g, "glucose", 0.5, 3.9, "mmol/L", &c->glycaemia.glucose_mmol_l);
			if (ins)
				model_number(L, ins, "insulin_depot", 0, 1000, "units", &c->glycaemia.insulin_units);
			static const char *f[] = {"glucose", "insulin_depot", NULL};
			check_fields(L, gl, f, "hypoglycaemia");
		}
		/* tachyarrhythmias, acute asthma, sepsis (sim/patient/patient_cond.c) */
		yaml_node *tc = yaml_get(cond, "svt");
		if (tc && expect_type(L, tc, YAML_MAP, "'svt'")) {
			c->tachycardia.rhythm = PATIENT_RHYTHM_SVT;
			yaml_node *x;
			if ((x = yaml_get(tc, "rate")))
				model_number(L, x, "rate", 140, 260, "/min", &c->tachycardia.rate);
			if ((x = yaml_get(tc, "vagal_rank")))
				model_number(L, x, "vagal_rank", 0.01, 1, NULL, &c->tachycardia.vagal_rank);
			if ((x = yaml_get(tc, "adenosine_dose")))
				model_number(L, x, "adenosine_dose", 1, 100, "mg", &c->tachycardia.adenosine_mg);
			static const char *f[] = {"rate", "vagal_rank", "adenosine_dose", NULL};
			check_fields(L, tc, f, "svt");
		}
		yaml_node *vt = yaml_get(cond, "ventricular_tachycardia");
		if (vt && expect_type(L, vt, YAML_MAP, "'ventricular_tachycardia'")) {
			if (tc)
				ERR_AT(L, key_of(cond, vt), SCRUB_DIAG_DUPLICATE, "only one tachycardia per patient");
			c->tachycardia.rhythm = PATIENT_RHYTHM_VT_PULSE;
			yaml_node *x;
			double n = 0;
			if ((x = yaml_get(vt, "rate")))
				model_number(L, x, "rate", 120, 260, "/min", &c->tachycardia.rate);
			if ((x = yaml_get(vt, "shocks_to_convert")) && model_number(L, x, "shocks_to_convert", 1, 10, NULL, &n))
				c->tachycardia.shocks_to_convert = (int)n;
			static const char *f[] = {"rate", "shocks_to_convert", NULL};
			check_fields(L, vt, f, "ventricular_tachycardia");
		}
		static const struct {
			const char *name;
			double def;
		} sev_conds[] = {{"asthma", 0.7}, {"sepsis", 0.6}};
		for (size_t k = 0; k < 2; k++) {
			yaml_node *sc = yaml_get(cond, sev_conds[k].name);
			if (!sc || !expect_type(L, sc, YAML_MAP, sev_conds[k].name))
				continue;
			double *sev = k == 0 ? &c->asthma.severity : &c->sepsis.severity;
			*sev = sev_conds[k].def;
			yaml_node *x = yaml_get(sc, "severity");
			if (x)
				model_number(L, x, "severity", 0.05, 1, NULL, sev);
			static const char *f[] = {"severity", NULL};
			check_fields(L, sc, f, sev_conds[k].name);
		}
		yaml_node *hk = yaml_get(cond, "hyperkalaemia");
		if (hk && expect_type(L, hk, YAML_MAP, "'hyperkalaemia'")) {
			yaml_node *x = yaml_get(hk, "potassium");
			c->hyperkalaemia.potassium_mmol_l = 7.5;
			if (x)
				model_number(L, x, "potassium", 5.5, 9.5, "mmol/L", &c->hyperkalaemia.potassium_mmol_l);
			static const char *f[] = {"potassium", NULL};
			check_fields(L, hk, f, "hyperkalaemia");
		}
		static const char *f[] = {"cardiac_arrest", "anaphylaxis", "tension_pneumothorax", "hypovolaemia",
		                          "opioid_toxicity", "sinus_bradycardia", "second_degree_av_block",
		                          "third_degree_av_block", "hypoglycaemia", "svt", "ventricular_tachycardia",
		                          "asthma", "sepsis", "hyperkalaemia", NULL};
		check_fields(L, cond, f, "the patient's condition");
	}
	yaml_node *params = yaml_get(m, "params");
	if (params && expect_type(L, params, YAML_MAP, "'params'")) {
		patient_param_override *ov = SCRUB_ARENA_NEW(L->a, patient_param_override, params->n + 1);
		size_t n = 0;
		for (size_t i = 0; i < params->n; i++) {
			yaml_node *k = params->items[i];
			k->used = true;
			int pi = patient_param_find(k->str);
			if (pi < 0) {
				const char *cands[256];
				size_t nc = 0;
				for (size_t q = 0; q < patient_param_count() && nc < 256; q++)
					cands[nc++] = patient_param_info_at(q)->name;
				const char *sug = scrub_suggest(k->str, cands, nc);
				ERR_AT(L, k, SCRUB_DIAG_UNKNOWN_NAME, "unknown model parameter '%s'%s%s%s; the parameters are listed in docs/physiology.md",
				       k->str, sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
				continue;
			}
			const patient_param_info *info = patient_param_info_at((size_t)pi);
			const char *unit = strcmp(info->unit, "1") && strcmp(info->unit, "fraction") ? info->unit : NULL;
			char what[96];
			snprintf(what, sizeof what, "model parameter '%s'", info->name);
			double v;
			if (model_number(L, params->values[i], what, info->min, info->max, unit, &v))
				ov[n++] = (patient_param_override){.name = info->name, .value = v};
		}
		c->overrides = ov;
		c->override_count = n;
	}
	static const char *f[] = {"condition", "params", NULL};
	check_fields(L, m, f, "the patient model");

	/* The model's vital signs become read-only variables. */
	if (!s->vars)
		s->vars = SCRUB_ARENA_NEW(L->a, scn_var, SCN_MODEL_COUNT_ + SCN_TISSUE_COUNT_ + 1);
	md->first_var = s->nvars;
	static const char *avpu_words[] = {"alert", "voice", "pain", "unresponsive"};
	static const char *rhythm_words[PATIENT_RHYTHM_COUNT_];
	for (int r = 0; r < PATIENT_RHYTHM_COUNT_; r++)
		rhythm_words[r] = patient_rhythm_name((patient_rhythm)r);
	for (int fld = 0; fld < SCN_MODEL_COUNT_; fld++) {
		int clash = scenario_find_var(s, model_vars[fld].name, strlen(model_vars[fld].name));
		if (clash >= 0) {
			scn_var *cv = &s->vars[clash];
			scrub_diag_add(L->d, SCRUB_SEV_ERROR, SCRUB_DIAG_DUPLICATE, cv->line, cv->col, (int)strlen(cv->name),
			               "'%s' is provided by the patient model (patient: model:); remove it from variables", cv->name);
			continue;
		}
		scn_var *v = &s->vars[s->nvars++];
		memset(v, 0, sizeof *v);
		v->name = model_vars[fld].name;
		v->label = model_vars[fld].label;
		v->model_field = fld;
		v->min = -INFINITY;
		v->max = INFINITY;
		v->line = m->line;
		v->col = m->col;
		if (model_vars[fld].unit)
			v->unit = scrub_unit_find(model_vars[fld].unit, strlen(model_vars[fld].unit));
		if (fld == SCN_MODEL_RHYTHM || fld == SCN_MODEL_PULSE || fld == SCN_MODEL_AVPU || fld == SCN_MODEL_ROSC ||
		    fld == SCN_MODEL_CAPTURE || fld == SCN_MODEL_WHEEZE) {
			v->is_symbol = true;
			v->symbols = fld == SCN_MODEL_RHYTHM ? rhythm_words : fld == SCN_MODEL_PULSE ? pulse_words
			           : fld == SCN_MODEL_AVPU ? avpu_words : no_yes;
			v->nsymbols = fld == SCN_MODEL_RHYTHM ? PATIENT_RHYTHM_COUNT_ : fld == SCN_MODEL_AVPU ? 4 : 2;
		}
	}
	/* The model has the last word on its configuration. */
	patient *probe = NULL;
	if (L->d->errors == 0 && patient_create(c, &probe) != SCRUB_OK)
		ERR_AT(L, key_of(NULL, m) ? key_of(NULL, m) : m, SCRUB_DIAG_VALUE, "the patient model refused this configuration (run with SCRUB_LOG=patient=error for its reason)");
	patient_destroy(&probe);
}

void parse_patient(loader *L, yaml_node *p)
{
	scenario *s = L->s;
	if (!p || !expect_type(L, p, YAML_MAP, "'patient'"))
		return;
	s->patient_description = get_text(L, p, "description", false, "the patient");
	s->patient_sex = get_text(L, p, "sex", false, "the patient");
	if (s->patient_sex && strcmp(s->patient_sex, "male") && strcmp(s->patient_sex, "female") && strcmp(s->patient_sex, "other"))
		ERR_AT(L, yaml_get(p, "sex"), SCRUB_DIAG_VALUE, "sex is male, female or other, found '%s'", s->patient_sex);
	yaml_node *age = yaml_get(p, "age"), *w = yaml_get(p, "weight");
	if (age && parse_number(L, age, &s->patient_age, "'age' (years)") && (s->patient_age < 0 || s->patient_age > 120))
		ERR_AT(L, age, SCRUB_DIAG_VALUE, "age is in years, 0 to 120");
	if (w && expect_type(L, w, YAML_SCALAR, "'weight'")) {
		scrub_quantity q;
		int bad;
		size_t used = scrub_quantity_parse(w->str, w->len, &q, &bad);
		if (used != w->len || !q.unit || q.unit->dim != SCRUB_DIM_WEIGHT)
			ERR_AT(L, w, SCRUB_DIAG_UNIT, "weight is written with its unit, e.g. 80 kg");
		else if (q.value <= 0 || q.value > 400)
			ERR_AT(L, w, SCRUB_DIAG_VALUE, "weight must be between 0 and 400 kg");
		else
			s->patient_weight = q.value;
	}
	yaml_node *model = yaml_get(p, "model");
	if (model)
		parse_model(L, model);
	static const char *f[] = {"description", "age", "sex", "weight", "model", NULL};
	check_fields(L, p, f, "the patient");
}
