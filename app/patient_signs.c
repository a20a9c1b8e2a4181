/* The clinical signs on the patient's body (see patient_signs.h and docs/patient-signs.md). */
#include "patient_signs.h"

#include "actions.h"
#include "scrub_body.h"

#include <math.h>
#include <string.h>

#define PI 3.14159265358979

static double clamp(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }
static double sstep(double e0, double e1, double x)
{
	double t = clamp((x - e0) / (e1 - e0), 0, 1);
	return t * t * (3 - 2 * t);
}

static int find_var(const scenario *scn, const char *name) { return scenario_find_var(scn, name, strlen(name)); }

/* a parameter of the patient model: the scenario's override, else the default */
static double model_param(const patient_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->override_count; i++)
		if (!strcmp(cfg->overrides[i].name, name))
			return cfg->overrides[i].value;
	int k = patient_param_find(name);
	return k >= 0 ? patient_param_info_at((size_t)k)->def : 0;
}

void patient_signs_init(patient_signs *ps, const scenario *scn)
{
	memset(ps, 0, sizeof *ps);
	ps->scn = scn;
	ps->var_rhythm = find_var(scn, "rhythm");
	ps->var_cpr = find_var(scn, "cpr");
	ps->var_pads = find_var(scn, "pads");
	ps->var_hr = find_var(scn, "hr");
	ps->var_sbp = find_var(scn, "sbp");
	ps->var_spo2 = find_var(scn, "spo2");
	ps->var_rr = find_var(scn, "rr");
	ps->female = scn->patient_sex && !strcmp(scn->patient_sex, "female");
	if (scn->model.present) {
		const patient_config *cfg = &scn->model.cfg;
		if (cfg->tension_ptx.side != PATIENT_SIDE_NONE)
			ps->ptx_side = cfg->tension_ptx.side == PATIENT_SIDE_LEFT ? 1 : -1;
		double vaso = cfg->anaphylaxis.airway_oedema == 0 && cfg->anaphylaxis.bronchospasm == 0 &&
		                              cfg->anaphylaxis.vasodilation == 0
		                      ? 1.0
		                      : cfg->anaphylaxis.vasodilation;
		ps->anaph = cfg->anaphylaxis.severity * (0.5 + 0.5 * vaso);
		ps->anaph_a = ps->anaph_m = cfg->anaphylaxis.severity;
		ps->anaph_prog_s = model_param(cfg, "anaph_progression_s");
		ps->anaph_recov_s = model_param(cfg, "anaph_recovery_s");
		ps->anaph_epi_eff = model_param(cfg, "anaph_epi_efficacy");
	}
	/* a trauma patient is exposed in the primary survey: the chest is bare from the start */
	ps->exposed = ps->ptx_side != 0;
	ps->last_compression_t = ps->shock_t = ps->airway_t = ps->jaw_thrust_t = ps->bvm_t = -1e9;
	ps->arrest_since = -1;
	ps->pads = -1;
	ps->pad_sites_kind = -1;
	ps->oxygen = -1;
	ps->cpr_rate = 110;
	ps->cpr_depth_mm = 55;
}

/* an action's parameter: its symbol (NULL when not set), its number (dflt when not set) */
static const char *sym(const sim_action *a, const act_def *d, const char *name)
{
	int i = act_param_find(d, name, strlen(name));
	if (i < 0 || !a->params[i].set || d->params[i].kind != ACT_PARAM_SYMBOL)
		return NULL;
	return d->params[i].symbols[a->params[i].sym];
}

static double num(const sim_action *a, const act_def *d, const char *name, double dflt)
{
	int i = act_param_find(d, name, strlen(name));
	return i >= 0 && a->params[i].set ? a->params[i].num : dflt;
}

static bool is(const char *a, const char *b) { return a && !strcmp(a, b); }

static void set_pads(patient_signs *ps, int kind)
{
	ps->pads = kind;
	ps->exposed = true;
	if (ps->pad_sites_kind == kind)
		return; /* placed by hand where they landed */
	ps->pad_sites_kind = -1;
	static const int sites[3][2] = {
		{SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR, SCRUB_BODY_PAD_LEFT_APEX},
		{SCRUB_BODY_PAD_LEFT_PRECORDIUM, SCRUB_BODY_PAD_LEFT_BACK},
		{SCRUB_BODY_PAD_STERNUM, SCRUB_BODY_PAD_ABDOMEN},
	};
	ps->pad_sites[0] = sites[kind][0];
	ps->pad_sites[1] = sites[kind][1];
}

void patient_signs_place_pads(patient_signs *ps, int kind, int site_a, int site_b)
{
	ps->pad_sites[0] = site_a;
	ps->pad_sites[1] = site_b;
	ps->pad_sites_kind = kind;
}

void patient_signs_on_event(patient_signs *ps, const sim_event *ev)
{
	if (ev->kind != SIM_EV_ACTION || ev->ignored || !ev->action)
		return;
	const sim_action *a = ev->action;
	const act_def *d = actions_get(a->type);
	if (!d)
		return;
	const char *n = d->name;
	double t = ev->t;
	if (!strcmp(n, "compression")) {
		ps->last_compression_t = t;
		ps->last_compression_mm = num(a, d, "depth", 55);
		ps->last_recoil = num(a, d, "recoil", 100);
		ps->exposed = true;
	} else if (!strcmp(n, "start_cpr")) {
		ps->cpr_declared = true;
		ps->cpr_rate = num(a, d, "rate", 110);
		ps->cpr_depth_mm = num(a, d, "depth", 55);
		ps->exposed = true;
	} else if (!strcmp(n, "stop_cpr")) {
		ps->cpr_declared = false;
	} else if (!strcmp(n, "shock")) {
		ps->shock_t = t;
	} else if (!strcmp(n, "give_breaths") || !strcmp(n, "bvm_ventilation")) {
		int count = !strcmp(n, "give_breaths") ? (int)num(a, d, "count", 2) : 1;
		const char *dev = sym(a, d, "device");
		if (!strcmp(n, "bvm_ventilation") || is(dev, "bvm"))
			ps->bvm_t = t;
		ps->airway_t = t;
		/* the oldest are dropped: only the last few breaths can still be under way */
		for (int i = 0; i < count; i++) {
			if (ps->nbreaths == SIGNS_MAX_BREATHS) {
				memmove(ps->breaths_t, ps->breaths_t + 1, sizeof ps->breaths_t[0] * (SIGNS_MAX_BREATHS - 1));
				ps->nbreaths--;
			}
			ps->breaths_t[ps->nbreaths++] = t + 0.3 + 1.6 * i;
		}
	} else if (!strcmp(n, "open_airway")) {
		if (is(sym(a, d, "method"), "jaw_thrust"))
			ps->jaw_thrust_t = t;
		else
			ps->airway_t = t;
	} else if (!strcmp(n, "attach_pads")) {
		const char *pos = sym(a, d, "position");
		set_pads(ps, is(pos, "anteroposterior") ? 1 : is(pos, "misplaced") ? 2 : 0);
	} else if (!strcmp(n, "oxygen")) {
		int i = act_param_find(d, "device", 6);
		ps->oxygen = i >= 0 && a->params[i].set ? a->params[i].sym : 1; /* no device named: a face mask */
		if (is(sym(a, d, "device"), "bvm"))
			ps->bvm_t = t;
	} else if (!strcmp(n, "insert_airway")) {
		const char *ty = sym(a, d, "type");
		ps->opa = ps->opa || is(ty, "opa");
		ps->npa = ps->npa || is(ty, "npa");
		if (is(ty, "sga"))
			ps->sga = true, ps->opa = false;
	} else if (!strcmp(n, "intubate")) {
		ps->ett = true;
		ps->sga = ps->opa = false;
	} else if (!strcmp(n, "position_patient")) {
		/* without a model the word itself (with one, the model's position wins in state_of) */
		const char *w = sym(a, d, "position");
		for (int k = 0; w && k < PATIENT_POS_COUNT_; k++)
			if (!strcmp(w, patient_position_name((patient_position)k)))
				ps->position = k;
	} else if (!strcmp(n, "iv_access")) {
		ps->iv = true;
	} else if (!strcmp(n, "io_access")) {
		ps->io = true;
	} else if (!strcmp(n, "needle_decompression")) {
		bool left = is(sym(a, d, "side"), "left");
		bool second = num(a, d, "ics", 5) <= 3 && (is(sym(a, d, "line"), "midclavicular") || is(sym(a, d, "line"), "parasternal"));
		int part = second ? (left ? SCRUB_BODY_NEEDLE_LEFT_2ICS : SCRUB_BODY_NEEDLE_RIGHT_2ICS)
		                  : (left ? SCRUB_BODY_NEEDLE_LEFT_5ICS : SCRUB_BODY_NEEDLE_RIGHT_5ICS);
		ps->needles |= 1u << part;
		ps->exposed = true;
	} else if (!strcmp(n, "chest_tube")) {
		ps->drains |= 1u << (is(sym(a, d, "side"), "left") ? SCRUB_BODY_DRAIN_LEFT : SCRUB_BODY_DRAIN_RIGHT);
		ps->exposed = true;
	}
}

/* ---- the patient's state now, from the model or the scenario's variables ---------------------------------- */

typedef struct state_now {
	double t;
	bool arrest, cpr;
	double rr, spo2, map, co, cvp, itp, hr, e_epi;
	int avpu;            /* -1 unknown */
	bool pads_on;
	int pads_kind;       /* the model's pads: -1 unknown (no model), 0 none, 1 anterolateral, 2 anteroposterior, 3 misplaced */
	int position;        /* patient_position: the model's, else the last position_patient */
} state_now;

static const char *var_sym(const patient_signs *ps, const double *vars, int i)
{
	if (i < 0 || !ps->scn->vars[i].is_symbol)
		return NULL;
	int k = (int)vars[i];
	return k >= 0 && k < ps->scn->vars[i].nsymbols ? ps->scn->vars[i].symbols[k] : NULL;
}

static void state_of(const patient_signs *ps, const sim_session *s, state_now *st)
{
	memset(st, 0, sizeof *st);
	st->t = sim_session_time(s);
	st->avpu = -1;
	st->pads_kind = -1;
	const patient_vitals *pv = sim_session_vitals(s);
	const double *vars = sim_session_vars(s);
	if (pv) {
		st->arrest = patient_rhythm_is_arrest(pv->rhythm);
		st->cpr = pv->cpr_active;
		st->rr = st->arrest ? 0 : pv->resp_rate;
		st->spo2 = pv->spo2;
		st->map = pv->map;
		st->co = pv->cardiac_output;
		st->cvp = pv->cvp;
		st->itp = pv->intrathoracic_pressure;
		st->hr = pv->heart_rate;
		st->e_epi = pv->drug_effect[PATIENT_DRUG_EPINEPHRINE];
		st->avpu = (int)pv->avpu;
		st->pads_kind = (int)pv->pads;
		st->position = (int)pv->position;
	} else {
		st->position = ps->position;
		const char *rh = var_sym(ps, vars, ps->var_rhythm);
		st->arrest = rh && (!strncmp(rh, "vf", 2) || !strcmp(rh, "vt") || !strcmp(rh, "pvt") || !strcmp(rh, "asystole") ||
		                    !strcmp(rh, "pea"));
		st->cpr = is(var_sym(ps, vars, ps->var_cpr), "on");
		st->hr = ps->var_hr >= 0 ? vars[ps->var_hr] : (st->arrest ? 0 : 80);
		st->rr = st->arrest ? 0 : ps->var_rr >= 0 ? vars[ps->var_rr] : 14;
		st->spo2 = ps->var_spo2 >= 0 ? vars[ps->var_spo2] : (st->arrest ? 75 : 96);
		double sbp = ps->var_sbp >= 0 ? vars[ps->var_sbp] : (st->arrest ? 0 : 120);
		st->map = st->arrest ? 10 : sbp * 0.75;
		st->co = st->arrest ? (st->cpr ? 1.2 : 0) : 5;
		st->cvp = 5;
	}
	/* the model knows whether pads are on (and takes them off); without one, the actions and the scenario's 'pads' */
	st->pads_on = st->pads_kind >= 0 ? st->pads_kind != PATIENT_PADS_NONE
	                                 : ps->pads >= 0 || is(var_sym(ps, vars, ps->var_pads), "on");
}

/* the skin's targets: cyanosis central, peripheral, pallor, flush, urticaria, sweat, mottling */
static void skin_targets(const patient_signs *ps, const state_now *st, double out[7])
{
	double cc = clamp((92 - st->spo2) / 25, 0, 1);
	double cp = fmax(cc, 0.75 * clamp((2.8 - st->co) / 2.8, 0, 1));
	double pallor = clamp((72 - st->map) / 35, 0, 1);
	double flush = 0, urt = 0;
	if (ps->anaph > 0) {
		/* the mediators' effect: flushed and urticarial while it lasts; in deep shock the flush gives way to pallor */
		double m = ps->anaph_m / fmax(ps->scn->model.cfg.anaphylaxis.severity, 1e-6) * ps->anaph;
		flush = m * (0.45 + 0.55 * clamp((st->map - 35) / 30, 0, 1));
		urt = m * (0.75 + 0.25 * clamp(st->t / 60, 0, 1));
		pallor *= 1 - 0.5 * m; /* vasodilated: warm and red until the pressure is very low */
	}
	double sweat = clamp(0.6 * clamp((st->hr - 100) / 50, 0, 1) + 0.5 * pallor + 0.5 * cc, 0, 1);
	if (st->arrest)
		sweat = 0.35; /* cold and clammy */
	double mott = 0.8 * clamp((55 - st->map) / 30, 0, 1);
	const double v[7] = {cc, cp, pallor, clamp(flush, 0, 1), clamp(urt, 0, 1), sweat, mott};
	memcpy(out, v, sizeof v);
}

void patient_signs_step(patient_signs *ps, const sim_session *s)
{
	state_now st;
	state_of(ps, s, &st);
	double dt = ps->scn->dt;
	if (st.pads_kind > PATIENT_PADS_NONE && st.pads_kind < PATIENT_PADS_COUNT_ && ps->pads != st.pads_kind - 1)
		set_pads(ps, st.pads_kind - 1); /* the model's word for them; sites placed by hand stay where they landed */
	/* posture: sat up or legs raised, turning there in about a second (recovery and lateral positions are not shown) */
	const double goal[2] = {st.position == PATIENT_POS_SITTING ? BODY_SIT_RAD : 0,
	                        st.position == PATIENT_POS_LEGS_RAISED ? BODY_LEGS_RAD : 0};
	const double speed[2] = {0.8, 0.5}; /* rad/s */
	for (int k = 0; k < 2; k++) {
		double d = goal[k] - ps->posture[k], step = speed[k] * dt;
		ps->posture[k] += d > step ? step : d < -step ? -step : d;
	}
	if (st.rr > 0)
		ps->breath_phase = fmod(ps->breath_phase + dt * st.rr / 60.0, 1.0);
	if (st.cpr)
		ps->cpr_phase = fmod(ps->cpr_phase + dt * ps->cpr_rate / 60.0, 1.0);
	if (st.arrest && ps->arrest_since < 0)
		ps->arrest_since = st.t - dt;
	else if (!st.arrest)
		ps->arrest_since = -1;
	if (ps->anaph > 0 && ps->anaph_prog_s > 0 && ps->anaph_recov_s > 0) {
		/* the reaction as sim/patient/patient_model.c (tick_conditions) advances it: adrenaline blocks the
		 * mediators and lets the reaction resolve; vitals do not carry it (see BODY_STATUS.md) */
		double block = clamp(2.0 * st.e_epi * ps->anaph_epi_eff, 0, 1), a = ps->anaph_a;
		a += dt * ((1 - a) * (1 - block) / ps->anaph_prog_s - a * block / ps->anaph_recov_s);
		ps->anaph_a = clamp(a, 0, 1);
		ps->anaph_m = ps->anaph_a * (1 - block);
	}
	double target[7];
	skin_targets(ps, &st, target);
	double k = ps->skin_init ? 1 - exp(-dt / 4.0) : 1.0;
	for (int i = 0; i < 7; i++)
		ps->skin[i] += (target[i] - ps->skin[i]) * k;
	ps->skin_init = true;
}

/* ---- the body now ------------------------------------------------------------------------------------------- */

/* a deterministic number in [0, 1) for an index */
static double hash01(unsigned k)
{
	k = (k ^ 61u) ^ (k >> 16);
	k *= 9u;
	k ^= k >> 4;
	k *= 0x27d4eb2du;
	k ^= k >> 15;
	return (double)(k & 0xffffu) / 65536.0;
}

/* one breath: in over `tin` seconds, out over `tout` (0 .. 1) */
static double breath_shape(double tau, double tin, double tout)
{
	if (tau < 0 || tau > tin + tout)
		return 0;
	return tau < tin ? sstep(0, tin, tau) : 1 - sstep(tin, tin + tout, tau);
}

bool patient_signs_compressing(const patient_signs *ps, const sim_session *s)
{
	state_now st;
	state_of(ps, s, &st);
	double since = st.t - ps->last_compression_t;
	return (since >= 0 && since < 1.5) || (st.cpr && ps->cpr_declared);
}

void patient_signs_fill(const patient_signs *ps, const sim_session *s, scrub_render_body *b)
{
	float model[16];
	memcpy(model, b->model, sizeof model);
	memset(b, 0, sizeof *b);
	memcpy(b->model, model, sizeof model);
	b->lod = -1;
	state_now st;
	state_of(ps, s, &st);
	double t = st.t;
	b->time = (float)t;

	/* ---- breathing ---- */
	double ptx = ps->ptx_side ? clamp(st.itp / 15.0, 0, 1) : 0;
	double amp = 0.0085 * clamp(16.0 / fmax(st.rr, 1), 0.45, 1.1);
	double ph = ps->breath_phase;
	double spont = st.rr > 0 ? amp * (ph < 0.4 ? sstep(0, 0.4, ph) : 1 - sstep(0.4, 0.9, ph)) : 0;
	double rescue = 0, squeeze = 0;
	for (int i = 0; i < ps->nbreaths; i++) {
		double r = breath_shape(t - ps->breaths_t[i], 1.0, 0.6);
		rescue = fmax(rescue, 0.013 * r);
		if (t - ps->breaths_t[i] >= 0 && t - ps->breaths_t[i] < 1.0)
			squeeze = fmax(squeeze, sin(PI * (t - ps->breaths_t[i])));
	}
	double gasp = 0;
	if (st.arrest && !st.cpr && ps->arrest_since >= 0 && t - ps->arrest_since < 240) {
		/* agonal gasps: irregular, 6 to 11 s apart, fading over the first minutes */
		double g = ps->arrest_since + 2.0;
		for (unsigned k = 0; k < 64; k++) {
			double next = g + 6.0 + 5.0 * hash01(k);
			if (next > t)
				break;
			g = next;
		}
		gasp = 0.017 * (1 - (t - ps->arrest_since) / 240.0) * breath_shape(t - g, 0.35, 1.1);
	}
	double tidal = fmax(spont, fmax(rescue, gasp));
	for (int side = 0; side < 2; side++) { /* 0 left, 1 right */
		bool affected = ps->ptx_side && ((ps->ptx_side > 0) == (side == 0));
		double a = affected ? tidal * (1 - 0.85 * ptx) + 0.006 * ptx : tidal;
		b->chest_rise[side] = (float)a;
	}
	b->abdomen_rise = (float)(0.7 * spont + 0.3 * rescue + 0.5 * gasp);
	b->bag_squeeze = (float)squeeze;

	/* ---- compressions: the last sample's stroke, or strokes at the rate start_cpr declared ---- */
	double comp = 0;
	double since = t - ps->last_compression_t;
	if (since >= 0 && since < 1.5) {
		double d = ps->last_compression_mm * 1e-3;
		comp = since < 0.5 ? d * sin(PI * since / 0.5) : 0;
		comp = fmax(comp, d * (1 - clamp(ps->last_recoil, 0, 100) / 100.0));
	} else if (st.cpr && ps->cpr_declared) {
		bool breathing = false; /* 30:2: compressions pause while rescue breaths go in */
		for (int i = 0; i < ps->nbreaths; i++)
			breathing = breathing || (t >= ps->breaths_t[i] - 0.3 && t < ps->breaths_t[i] + 1.6);
		if (!breathing) {
			double p = sin(PI * ps->cpr_phase);
			comp = ps->cpr_depth_mm * 1e-3 * p * p;
		}
	}
	b->compression = (float)comp;

	/* ---- a shock ---- */
	double ts = t - ps->shock_t;
	if (st.pads_on && ts >= 0 && ts < 0.8)
		b->jolt = (float)(0.05 * (ts < 0.05 ? ts / 0.05 : exp(-(ts - 0.05) / 0.12)));

	/* ---- head, eyes, neck ---- */
	bool airway_held = t - ps->airway_t < 20 || t - ps->bvm_t < 30 || ps->sga || ps->ett;
	double tilt = airway_held ? 0.38 : t - ps->jaw_thrust_t < 20 ? 0.12 : 0;
	b->head_tilt = (float)tilt;
	double eyes;
	if (st.arrest && ps->arrest_since >= 0)
		/* no circulation: unconscious within seconds (the model's AVPU follows the brain's perfusion slowly); an
		 * arrest that began before the scenario did is already unconscious */
		eyes = ps->arrest_since <= ps->scn->dt ? 0.04 : 0.04 + 0.96 * (1 - sstep(4, 10, t - ps->arrest_since));
	else if (st.avpu >= 0)
		eyes = st.avpu == PATIENT_AVPU_ALERT ? 1.0 : st.avpu == PATIENT_AVPU_VOICE ? 0.35 : st.avpu == PATIENT_AVPU_PAIN ? 0.1 : 0.04;
	else
		eyes = st.arrest || ps->arrest_since >= 0 ? 0.04 : 1.0;
	if (eyes >= 1.0) { /* a blink every few seconds */
		double bp = fmod(t, 4.3);
		if (bp < 0.16)
			eyes = 1 - sin(PI * bp / 0.16);
	}
	b->eyes_open = (float)eyes;
	b->trachea_shift = (float)(-ps->ptx_side * 0.014 * ptx);
	b->neck_veins = (float)clamp((st.cvp - 9) / 7, 0, 1);

	/* ---- skin ---- */
	b->cyanosis_central = (float)ps->skin[0];
	b->cyanosis_peripheral = (float)ps->skin[1];
	b->pallor = (float)ps->skin[2];
	b->flush = (float)ps->skin[3];
	b->urticaria = (float)ps->skin[4];
	b->sweat = (float)ps->skin[5];
	b->mottling = (float)ps->skin[6];

	/* ---- what the body wears ---- */
	uint32_t parts = 1u << SCRUB_BODY_SKIN | 1u << SCRUB_BODY_NECK_VEINS;
	b->posture[0] = (float)ps->posture[0];
	b->posture[1] = (float)ps->posture[1];
	if (ps->posture[0] > 0.005)
		parts |= 1u << SCRUB_BODY_BACKREST;
	if (ps->posture[1] >= 0.98 * BODY_LEGS_RAD)
		parts |= 1u << SCRUB_BODY_LEG_REST; /* the wedge is made for the legs at rest on it */
	if (ps->female)
		parts |= 1u << SCRUB_BODY_HAIR_LONG;
	bool pads = st.pads_on;
	parts |= 1u << (ps->exposed || pads || st.cpr ? SCRUB_BODY_GOWN_OPEN : SCRUB_BODY_GOWN);
	if (pads) {
		int a = ps->pads >= 0 ? ps->pad_sites[0] : SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR;
		int c = ps->pads >= 0 ? ps->pad_sites[1] : SCRUB_BODY_PAD_LEFT_APEX;
		parts |= 1u << a | 1u << c;
	}
	bool tube = ps->sga || ps->ett;
	bool bvm = t - ps->bvm_t < 30 || (ps->bvm_t > -1e8 && st.arrest);
	if (bvm)
		parts |= 1u << (tube ? SCRUB_BODY_BVM_TUBE : SCRUB_BODY_BVM_MASK);
	else if (ps->oxygen >= 0 && !tube) {
		const act_def *od = actions_get(actions_find("oxygen", 6));
		int di = od ? act_param_find(od, "device", 6) : -1;
		const char *dev = di >= 0 ? od->params[di].symbols[ps->oxygen] : NULL;
		if (is(dev, "nasal_cannula"))
			parts |= 1u << SCRUB_BODY_NASAL_CANNULA;
		else if (is(dev, "non_rebreather"))
			parts |= 1u << SCRUB_BODY_NONREBREATHER;
		else if (is(dev, "face_mask"))
			parts |= 1u << SCRUB_BODY_FACE_MASK;
	}
	if (ps->opa && !bvm)
		parts |= 1u << SCRUB_BODY_OPA;
	if (ps->npa)
		parts |= 1u << SCRUB_BODY_NPA;
	if (ps->sga)
		parts |= 1u << SCRUB_BODY_SGA;
	if (ps->ett)
		parts |= 1u << SCRUB_BODY_ETT;
	if (ps->iv)
		parts |= 1u << SCRUB_BODY_IV;
	if (ps->io)
		parts |= 1u << SCRUB_BODY_IO;
	parts |= ps->needles | ps->drains;
	b->parts = parts;
}
