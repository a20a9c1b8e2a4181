/* The render snapshot of a running session (see scene_from_sim.h). */
#include "scene_from_sim.h"

#include "actions.h"
#include "care_input.h"
#include "scene_tissue.h"
#include "scrub_body.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PI_F 3.14159265358979f
#define TABLE_TOP SCENE_TABLE_TOP
#define PATIENT_X SCENE_PATIENT_X   /* the pads' leads (bodygen.c) reach the cart from here */

/* snprintf for display text, where cutting a long line short is what we want */
static void txt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void txt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

static int find_var(const scenario *scn, const char *name)
{
	return scenario_find_var(scn, name, strlen(name));
}

void scene_sim_init(scene_sim *sc, const scenario *scn)
{
	memset(sc, 0, sizeof *sc);
	sc->scn = scn;
	sc->var_hr = find_var(scn, "hr");
	sc->var_sbp = find_var(scn, "sbp");
	sc->var_dbp = find_var(scn, "dbp");
	sc->var_spo2 = find_var(scn, "spo2");
	sc->var_etco2 = find_var(scn, "etco2");
	sc->var_rr = find_var(scn, "rr");
	sc->var_rhythm = find_var(scn, "rhythm");
	sc->var_pads = find_var(scn, "pads");
	sc->var_cpr = find_var(scn, "cpr");
	patient_signs_init(&sc->signs, scn);
}

void scene_sim_step(scene_sim *sc, const sim_session *s) { patient_signs_step(&sc->signs, s); }

void scene_sim_default_camera(float eye[3], float target[3], float *fovy)
{
	/* at the patient's right side, a little towards the feet, looking down at the chest */
	eye[0] = -0.45f, eye[1] = 2.05f, eye[2] = -2.05f;
	target[0] = 0.30f, target[1] = 1.02f, target[2] = 0.20f;
	*fovy = 0.80f;
}

bool scene_sim_view(const char *name, float eye[3], float target[3], float *fovy)
{
	static const struct {
		const char *name;
		float eye[3], target[3], fovy;
	} views[] = {
		/* world = body frame + (PATIENT_X, TABLE_TOP, 0); the trainee stands at the patient's right (-Z) */
		{"body", {0.05f, 2.75f, -1.55f}, {0.05f, 0.98f, 0.0f}, 0.75f},
		{"face", {0.64f, 1.56f, -0.10f}, {0.79f, 1.05f, 0.0f}, 0.40f},
		{"neck", {0.52f, 1.40f, -0.03f}, {0.64f, 1.03f, 0.0f}, 0.42f},
		{"chest", {0.44f, 1.74f, -0.78f}, {0.42f, 1.07f, 0.0f}, 0.62f},
		{"hands", {0.02f, 1.38f, -0.60f}, {0.02f, 0.96f, -0.26f}, 0.55f},
		{"feet", {-0.50f, 1.45f, -0.55f}, {-0.80f, 1.02f, 0.0f}, 0.55f},
		{"profile", {0.80f, 1.07f, -0.40f}, {0.81f, 1.07f, 0.0f}, 0.25f},
	};
	if (!strcmp(name, "bed")) {
		scene_sim_default_camera(eye, target, fovy);
		return true;
	}
	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
		if (!strcmp(name, views[i].name)) {
			memcpy(eye, views[i].eye, sizeof views[i].eye);
			memcpy(target, views[i].target, sizeof views[i].target);
			*fovy = views[i].fovy;
			return true;
		}
	return false;
}

void scene_sim_camera_for(const scenario *scn, float eye[3], float target[3], float *fovy)
{
	if (!scene_tissue_camera(scn, eye, target, fovy))
		scene_sim_default_camera(eye, target, fovy);
}

void scene_action_label(const sim_action *a, char *buf, size_t size)
{
	const act_def *def = actions_get(a->type);
	if (!def) {
		snprintf(buf, size, "?");
		return;
	}
	size_t l = 0;
	int drug = strcmp(def->name, "give_drug") == 0 ? act_param_find(def, "drug", 4) : -1;
	const char *first = def->name;
	if (drug >= 0 && a->params[drug].set)
		first = def->params[drug].symbols[a->params[drug].sym];
	for (const char *c = first; *c && l + 1 < size; c++, l++)
		buf[l] = *c == '_' ? ' ' : (char)(c == first ? toupper((unsigned char)*c) : *c);
	buf[l] = '\0';
	for (char *w = strstr(buf, "cpr"); w; w = strstr(w + 3, "cpr"))
		memcpy(w, "CPR", 3);
	for (char *w = strstr(buf, "aed"); w; w = strstr(w + 3, "aed"))
		memcpy(w, "AED", 3);
	for (int i = 0; i < ACT_MAX_PARAMS && def->params[i].name && l + 1 < size; i++) {
		const act_param_def *p = &def->params[i];
		const act_value *v = &a->params[i];
		if (!v->set || i == drug || p->kind == ACT_PARAM_TEXT)
			continue;
		int n = 0;
		if (p->kind == ACT_PARAM_QUANTITY) {
			const scrub_unit *u = scrub_unit_base(p->dim);
			n = snprintf(buf + l, size - l, " %g %s", v->num, u ? u->name : "");
		} else if (p->kind == ACT_PARAM_COUNT) {
			n = snprintf(buf + l, size - l, " %g", v->num);
		} else {
			n = snprintf(buf + l, size - l, " %s", p->symbols[v->sym]);
			for (char *c = buf + l; *c; c++)
				if (*c == '_')
					*c = ' ';
		}
		if (n < 0)
			break;
		l += (size_t)n;
		if (l >= size)
			l = size - 1;
	}
}

void scene_sim_on_event(scene_sim *sc, const sim_event *ev)
{
	patient_signs_on_event(&sc->signs, ev);
	if (ev->kind != SIM_EV_ACTION || ev->ignored || !ev->action)
		return;
	const act_def *def = actions_get(ev->action->type);
	if (def && (strcmp(def->name, "compression") == 0 || strcmp(def->name, "pose") == 0))
		return; /* one every half second, or every frame: the HUD shows the CPR rate, the hands' poses instead */
	char label[SCENE_TEXT - 16], tm[16];
	scene_action_label(ev->action, label, sizeof label);
	int secs = (int)ev->t;
	snprintf(tm, sizeof tm, "%02d:%02d", secs / 60, secs % 60);
	txt(sc->last_action, sizeof sc->last_action, "Last: %s (%s)", label, tm);
}

/* ---- monitor ---------------------------------------------------------------------------------------------- */

static float g1(float x, float mu, float sigma) { return expf(-(x - mu) * (x - mu) / (2 * sigma * sigma)); }

static float pqrst(float ph)
{
	return 0.08f * g1(ph, 0.18f, 0.025f) - 0.06f * g1(ph, 0.285f, 0.008f) + 0.62f * g1(ph, 0.30f, 0.009f) -
	       0.12f * g1(ph, 0.32f, 0.01f) + 0.16f * g1(ph, 0.55f, 0.045f);
}

static float frac(double x) { return (float)(x - floor(x)); }

typedef enum synth_rhythm { SYN_SINUS, SYN_VF, SYN_VT, SYN_ASYSTOLE, SYN_PEA } synth_rhythm;

/* Traces for a scenario without a patient model, drawn from its variables at sample time ts. */
static void synth_sample(synth_rhythm rh, float hr, bool cpr, bool perfusing, float etco2, float rr, double ts,
                         float *ecg, float *pleth, float *co2)
{
	float e = 0.f;
	switch (rh) {
	case SYN_SINUS:
	case SYN_PEA: e = hr > 0.f ? pqrst(frac(ts * hr / 60.0)) : 0.f; break;
	case SYN_VF:
		e = 0.22f * sinf(2 * PI_F * (float)fmod(ts * 4.7, 1000.0)) + 0.14f * sinf(2 * PI_F * (float)fmod(ts * 6.3, 1000.0) + 1.f) +
		    0.09f * sinf(2 * PI_F * (float)fmod(ts * 2.9, 1000.0) + 2.f);
		break;
	case SYN_VT: e = 0.45f * sinf(2 * PI_F * frac(ts * 180.0 / 60.0)); break;
	case SYN_ASYSTOLE: e = 0.01f * sinf(2 * PI_F * (float)fmod(ts * 0.3, 1000.0)); break;
	}
	if (cpr) /* compression artefact at 110 /min */
		e += 0.25f * sinf(2 * PI_F * frac(ts * 110.0 / 60.0));
	*ecg = 0.40f + 0.75f * e;
	float pl = 0.10f;
	if (perfusing && hr > 0.f) {
		float ph = frac(ts * hr / 60.0 - 0.15);
		pl = 0.12f + 0.7f * g1(ph, 0.42f, 0.09f) + 0.25f * g1(ph, 0.65f, 0.07f);
	} else if (cpr) {
		pl = 0.12f + 0.25f * g1(frac(ts * 110.0 / 60.0), 0.4f, 0.12f);
	}
	*pleth = pl;
	float c = 0.05f;
	if (etco2 > 0.f) {
		float ph = frac(ts * (rr > 0.f ? rr : 10.f) / 60.0), top = 0.05f + 0.85f * fminf(etco2 / 50.f, 1.f);
		if (ph < 0.05f)
			c = 0.05f + (top - 0.05f) * ph / 0.05f;
		else if (ph < 0.55f)
			c = top + 0.02f * (ph - 0.05f);
		else if (ph < 0.60f)
			c = top - (top - 0.05f) * (ph - 0.55f) / 0.05f;
	}
	*co2 = c;
}

static float clamp01(float v) { return v < 0.f ? 0.f : v > 1.f ? 1.f : v; }

static double var_value(const scene_sim *sc, const double *vars, int i) { return i >= 0 ? vars[i] : -1.0; }

static const char *var_symbol(const scene_sim *sc, const double *vars, int i)
{
	if (i < 0 || !sc->scn->vars[i].is_symbol)
		return NULL;
	int k = (int)vars[i];
	return k >= 0 && k < sc->scn->vars[i].nsymbols ? sc->scn->vars[i].symbols[k] : NULL;
}

static void monitor(scene_sim *sc, const sim_session *s)
{
	scrub_render_monitor *m = &sc->snapshot.monitor;
	const double *vars = sim_session_vars(s);
	const patient_vitals *pv = sim_session_vitals(s);
	const patient_wave_ring *ring = sim_session_waves(s);
	m->visible = true;
	sc->alarm[0] = '\0';
	const uint32_t n = SCENE_WAVE_SAMPLES;
	uint64_t total = (uint64_t)floor(sim_session_time(s) * PATIENT_WAVE_HZ + 1e-6); /* samples up to now */
	if (pv) {
		m->hr = (float)pv->heart_rate;
		m->bp_sys = (float)pv->sbp;
		m->bp_dia = (float)pv->dbp;
		m->spo2 = pv->pulse_present ? (float)pv->spo2 : -1.f;
		m->etco2 = (float)pv->etco2;
		m->rr = (float)pv->resp_rate;
		if (patient_rhythm_is_arrest(pv->rhythm))
			snprintf(sc->alarm, sizeof sc->alarm, "%s", patient_rhythm_name(pv->rhythm));
	} else {
		m->hr = (float)var_value(sc, vars, sc->var_hr);
		m->bp_sys = (float)var_value(sc, vars, sc->var_sbp);
		m->bp_dia = (float)var_value(sc, vars, sc->var_dbp);
		m->spo2 = (float)var_value(sc, vars, sc->var_spo2);
		m->etco2 = (float)var_value(sc, vars, sc->var_etco2);
		m->rr = (float)var_value(sc, vars, sc->var_rr);
	}
	if (ring && ring->written > 0 && ring->capacity >= n) {
		/* the sweep: sample k is drawn at k % n; the newest sample marks the cursor */
		uint64_t last = ring->written - 1;
		for (uint32_t p = 0; p < n; p++) {
			uint64_t back = (last + n - p) % n;
			if (back > last || last - back + ring->capacity < ring->written) {
				sc->ecg[p] = sc->pleth[p] = sc->capno[p] = 0.f;
				continue;
			}
			size_t k = (size_t)((last - back) % ring->capacity);
			sc->ecg[p] = clamp01((ring->ecg_mv[k] + 0.8f) / 2.6f);
			sc->pleth[p] = clamp01(ring->pleth[k] / 1.3f);
			sc->capno[p] = clamp01(0.05f + ring->co2_mmhg[k] / 55.f);
		}
		uint32_t cur = (uint32_t)(last % n);
		m->ecg = (scrub_render_waveform){sc->ecg, n, cur};
		m->pleth = (scrub_render_waveform){sc->pleth, n, cur};
		m->capno = (scrub_render_waveform){sc->capno, n, cur};
		return;
	}
	const char *rs = var_symbol(sc, vars, sc->var_rhythm);
	synth_rhythm rh = SYN_SINUS;
	if (rs) {
		if (!strcmp(rs, "vf") || !strncmp(rs, "vf_", 3))
			rh = SYN_VF, snprintf(sc->alarm, sizeof sc->alarm, "VF");
		else if (!strcmp(rs, "vt") || !strcmp(rs, "pvt"))
			rh = SYN_VT, snprintf(sc->alarm, sizeof sc->alarm, "VT");
		else if (!strcmp(rs, "asystole"))
			rh = SYN_ASYSTOLE, snprintf(sc->alarm, sizeof sc->alarm, "ASYSTOLE");
		else if (!strcmp(rs, "pea"))
			rh = SYN_PEA, snprintf(sc->alarm, sizeof sc->alarm, "PEA");
	}
	const char *cs = var_symbol(sc, vars, sc->var_cpr);
	bool cpr = cs && !strcmp(cs, "on");
	float hr = m->hr > 0.f ? m->hr : 0.f;
	bool perfusing = (rh == SYN_SINUS) && hr > 0.f && (sc->var_sbp < 0 || m->bp_sys > 40.f);
	uint64_t last = total ? total - 1 : 0;
	for (uint32_t p = 0; p < n; p++) {
		uint64_t back = (last + n - p) % n;
		if (back > last) {
			sc->ecg[p] = sc->pleth[p] = sc->capno[p] = 0.f;
			continue;
		}
		double ts = (double)(last - back) / PATIENT_WAVE_HZ;
		synth_sample(rh, hr, cpr, perfusing, m->etco2, m->rr, ts, &sc->ecg[p], &sc->pleth[p], &sc->capno[p]);
	}
	uint32_t cur = (uint32_t)(last % n);
	m->ecg = (scrub_render_waveform){sc->ecg, n, cur};
	m->pleth = (scrub_render_waveform){sc->pleth, n, cur};
	m->capno = (scrub_render_waveform){sc->capno, n, cur};
}

/* ---- HUD and results ------------------------------------------------------------------------------------- */

static void hud_add(scene_sim *sc, const char *fmt, const char *a, const char *b)
{
	uint32_t i = sc->snapshot.hud_line_count;
	if (i >= SCENE_MAX_HUD)
		return;
	txt(sc->hud_text[i], SCENE_TEXT, fmt, a ? a : "", b ? b : "");
	sc->hud[i] = sc->hud_text[i];
	sc->snapshot.hud_line_count = i + 1;
}

/* Adds `text` wrapped at `width` characters, at most `max_lines` lines (the last one cut with "..."). */
static void hud_wrap(scene_sim *sc, const char *text, size_t width, int max_lines)
{
	const char *p = text;
	for (int line = 0; *p && line < max_lines; line++) {
		while (*p == ' ')
			p++;
		size_t len = strlen(p);
		if (len <= width) {
			hud_add(sc, "  %s", p, NULL);
			return;
		}
		size_t cut = width;
		while (cut > 0 && p[cut] != ' ')
			cut--;
		if (cut == 0)
			cut = width;
		char buf[SCENE_TEXT];
		if (line == max_lines - 1)
			snprintf(buf, sizeof buf, "%.*s...", (int)(cut < sizeof buf - 4 ? cut : sizeof buf - 4), p);
		else
			snprintf(buf, sizeof buf, "%.*s", (int)(cut < sizeof buf - 1 ? cut : sizeof buf - 1), p);
		hud_add(sc, "  %s", buf, NULL);
		p += cut;
	}
}

static void fmt_time(double t, char *buf, size_t size)
{
	int secs = t > 0 ? (int)(t + 1e-6) : 0;
	snprintf(buf, size, "%02d:%02d", secs / 60, secs % 60);
}

static void hud(scene_sim *sc, const sim_session *s)
{
	const scenario *scn = sc->scn;
	sc->snapshot.hud_line_count = 0;
	hud_add(sc, "%s", scn->title ? scn->title : scn->id, NULL);
	char now[16], dur[16], line[SCENE_TEXT];
	fmt_time(sim_session_time(s), now, sizeof now);
	fmt_time(scn->duration_s, dur, sizeof dur);
	snprintf(line, sizeof line, "Time %s / %s", now, dur);
	hud_add(sc, "%s", line, NULL);
	int st = sim_session_state(s);
	if (st >= 0 && st < scn->nstates) {
		hud_add(sc, "State: %s", scn->states[st].name, NULL);
		if (scn->states[st].description)
			hud_wrap(sc, scn->states[st].description, 48, 3);
	}
	hud_add(sc, "%s", sc->last_action[0] ? sc->last_action : "Last: -", NULL);
	if (sim_session_ended(s))
		hud_add(sc, "Ended: %s", sim_session_outcome(s) ? sim_session_outcome(s) : "-", NULL);
}

/* checklist.feedback: live (the HUD lists the items decided so far), end (the results panel only), none */
static bool feedback_is(const scenario *scn, const char *mode)
{
	return scn->checklist.feedback && !strcmp(scn->checklist.feedback, mode);
}

/* Live feedback: "Checklist d/n decided", then the last SCENE_LIVE_ITEMS items decided, latest last. */
#define SCENE_LIVE_ITEMS 6
static void hud_checklist(scene_sim *sc, const sim_session *s)
{
	const scenario *scn = sc->scn;
	const sim_item_result *res = sim_session_items(s);
	int shown[SCENE_LIVE_ITEMS], nshown = 0, decided = 0;
	for (int i = 0; i < scn->checklist.n; i++) {
		if (res[i].status == ITEM_PENDING)
			continue;
		decided++;
		/* keep the SCENE_LIVE_ITEMS latest, ordered by decision time (ties: checklist order) */
		int k = nshown < SCENE_LIVE_ITEMS ? nshown++ : SCENE_LIVE_ITEMS;
		if (k == SCENE_LIVE_ITEMS) {
			if (res[i].time < res[shown[0]].time)
				continue;
			memmove(shown, shown + 1, (SCENE_LIVE_ITEMS - 1) * sizeof shown[0]);
			k = SCENE_LIVE_ITEMS - 1;
		}
		while (k > 0 && res[shown[k - 1]].time > res[i].time) {
			shown[k] = shown[k - 1];
			k--;
		}
		shown[k] = i;
	}
	char line[SCENE_TEXT];
	snprintf(line, sizeof line, "Checklist: %d of %d decided", decided, scn->checklist.n);
	hud_add(sc, "%s", line, NULL);
	for (int j = 0; j < nshown; j++) {
		const scn_item *it = &scn->checklist.items[shown[j]];
		const char *text = it->text ? it->text : it->id;
		char when[16];
		fmt_time(res[shown[j]].time, when, sizeof when);
		snprintf(line, sizeof line, "  %s %-8s %.44s%s", when, item_status_label(res[shown[j]].status), text,
		         strlen(text) > 44 ? "..." : "");
		hud_add(sc, "%s", line, NULL);
	}
}

static void results(scene_sim *sc, const sim_session *s)
{
	const scenario *scn = sc->scn;
	const sim_item_result *res = sim_session_items(s);
	uint32_t n = 0;
	for (int i = 0; i < scn->checklist.n && n < SCENE_MAX_RESULTS; i++, n++) {
		const scn_item *it = &scn->checklist.items[i];
		const char *text = it->text ? it->text : it->id;
		if (strlen(text) > 70)
			snprintf(sc->result_text[n], SCENE_TEXT, "%.67s...", text);
		else
			snprintf(sc->result_text[n], SCENE_TEXT, "%s", text);
		sc->result_lines[n] = (scrub_render_result_line){sc->result_text[n], res[i].status == ITEM_DONE};
	}
	sim_score score;
	sim_session_score(s, &score);
	snprintf(sc->results_title, sizeof sc->results_title, "Results: %.80s", scn->title ? scn->title : scn->id);
	const char *outcome = sim_session_outcome(s);
	snprintf(sc->results_summary, sizeof sc->results_summary, "Score %.1f / 100  %s   (outcome: %.30s)", score.score,
	         score.passed ? "PASSED" : "NOT PASSED", outcome ? outcome : "-");
	sc->snapshot.results = (scrub_render_results){true, sc->results_title, sc->result_lines, n, sc->results_summary};
}

/* ---- scene ----------------------------------------------------------------------------------------------- */

static void instance(scene_sim *sc, scrub_render_mesh mesh, float x, float y, float z, float yaw,
                     scrub_render_material_kind kind)
{
	if (sc->snapshot.instance_count >= SCENE_MAX_INSTANCES)
		return;
	scrub_render_instance *in = &sc->instances[sc->snapshot.instance_count++];
	in->mesh = mesh;
	scrub_render_trs(x, y, z, yaw, 1.f, in->model);
	in->material = (scrub_render_material){kind, {1.f, 1.f, 1.f, 1.f}, 0.f};
}

/* body frame to world */
static void body_to_world(const float b[3], float w[3])
{
	w[0] = b[0] + PATIENT_X, w[1] = b[1] + TABLE_TOP, w[2] = b[2];
}

/* The pads and the bag-valve-mask where nobody has taken them yet: the pads on the cart, the bag beside the head. */
static void equipment(scene_sim *sc, const care_ctl *care)
{
	uint32_t pad_parts = 0;
	for (int k = SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR; k <= SCRUB_BODY_PAD_RIGHT_APEX; k++)
		pad_parts |= 1u << k;
	bool pads_on = sc->body.parts & pad_parts;
	for (int k = 0; k < 2; k++) {
		bool on_cart = care ? care->pad_site[k] == -1 && !pads_on : !pads_on;
		if (!on_cart)
			continue;
		float b[3], w[3];
		care_ctl none; /* where the pads lie on the cart, from care_input.c's layout */
		if (!care) {
			memset(&none, 0, sizeof none);
			none.pad_site[0] = none.pad_site[1] = -1;
		}
		care_target_pos(care ? care : &none, (care_target)(CARE_PAD_1 + k), b);
		body_to_world(b, w);
		instance(sc, SCRUB_MESH_PAD, w[0], w[1], w[2], 0, SCRUB_MATERIAL_MATTE);
	}
	uint32_t bvm_parts = 1u << SCRUB_BODY_BVM_MASK | 1u << SCRUB_BODY_BVM_TUBE;
	if (!(sc->body.parts & bvm_parts) && !(care && care->bvm_on_face))
		instance(sc, SCRUB_MESH_BVM, PATIENT_X + 0.20f, SCENE_CART_TOP + 0.045f, 0.72f, -PI_F / 2, SCRUB_MATERIAL_MATTE);
}

/* the rescuer's hands, one on the other, on the lower half of the sternum, fingers across the chest; where the
 * posture puts the chest */
static void cpr_hands(scene_sim *sc)
{
	const scrub_render_body *b = &sc->body;
	float at[3] = {BODY_CPR_X, BODY_CHEST_TOP_Y - b->compression + b->jolt, BODY_CPR_Z}, w[3];
	scrub_body_pose(b->posture, at, at);
	body_to_world(at, w);
	instance(sc, SCRUB_MESH_GLOVE_LEFT, w[0], w[1] + 0.012f, w[2], PI_F, SCRUB_MATERIAL_MATTE);
	instance(sc, SCRUB_MESH_GLOVE_RIGHT, w[0] + 0.01f, w[1] + 0.036f, w[2] - 0.01f, PI_F, SCRUB_MATERIAL_MATTE);
}

/* What the hands are doing now, before it is recorded: pads in flight or on the skin, the depth under the hands,
 * the head's tilt, the bag on the face; and the desktop's hands where they touch. */
static void care_scene(scene_sim *sc, const care_ctl *care, bool draw_hands)
{
	scrub_render_body *b = &sc->body;
	for (int k = 0; k < 2; k++) {
		if (care->pad_site[k] >= 0)
			b->parts |= 1u << care->pad_site[k];
		if (care->pad_site[k] == -2) {
			float w[3];
			body_to_world(care->pad_pos[k], w);
			instance(sc, SCRUB_MESH_PAD, w[0], w[1], w[2], 0, SCRUB_MATERIAL_MATTE);
		}
	}
	if (care->on_chest)
		b->compression = (float)care->depth_now;
	if (care->tilt_now > b->head_tilt)
		b->head_tilt = (float)care->tilt_now;
	if (care->bvm_on_face) {
		b->parts |= 1u << ((b->parts & (1u << SCRUB_BODY_SGA | 1u << SCRUB_BODY_ETT)) ? SCRUB_BODY_BVM_TUBE : SCRUB_BODY_BVM_MASK);
		b->bag_squeeze = fmaxf(b->bag_squeeze, (float)care->squeeze_now);
	}
	if (!draw_hands)
		return;
	if (care->on_chest)
		cpr_hands(sc);
	for (int h = 0; h < CARE_HANDS; h++) {
		care_target t = care->held[h];
		if (t == CARE_FOREHEAD || (t >= CARE_CAROTID_LEFT && t <= CARE_RADIAL_RIGHT)) {
			float q[3], w[3];
			care_target_pos(care, t, q);
			body_to_world(q, w);
			instance(sc, h ? SCRUB_MESH_GLOVE_RIGHT : SCRUB_MESH_GLOVE_LEFT, w[0], w[1] + 0.02f, w[2] - 0.03f,
			         PI_F, SCRUB_MATERIAL_MATTE);
		}
	}
}

void scene_sim_update(scene_sim *sc, const sim_session *s, const scene_sim_params *p)
{
	scrub_render_snapshot *snap = &sc->snapshot;
	scrub_render_camera cam = snap->camera;
	memset(snap, 0, sizeof *snap);
	if (p && p->use_camera) {
		snap->camera = cam;
	} else {
		float eye[3], at[3], fovy;
		scene_sim_camera_for(sc->scn, eye, at, &fovy);
		scrub_render_camera_look(&snap->camera, eye, at, fovy, p && p->aspect > 0.f ? p->aspect : 16.f / 9.f);
	}
	snap->clear_color[0] = 0.05f, snap->clear_color[1] = 0.05f, snap->clear_color[2] = 0.06f;
	snap->clear_color[3] = 1.f;
	snap->instances = sc->instances;
	instance(sc, SCRUB_MESH_ROOM, 0, 0, 0, 0, SCRUB_MATERIAL_MATTE);
	instance(sc, SCRUB_MESH_TABLE, 0, 0, 0, 0, SCRUB_MATERIAL_MATTE);
	if (sc->scn->tissue.present) {
		/* a skills-lab pad on the table instead of the patient: the tissue and the instruments in hand */
		instance(sc, SCRUB_MESH_TRAY, -0.55f, 0, -0.45f, 0, SCRUB_MATERIAL_MATTE);
		if (scene_tissue_fill(s, &sc->tissue, sc->instances, &snap->instance_count, SCENE_MAX_INSTANCES))
			snap->tissue = &sc->tissue;
	} else {
		/* the patient lies on the table, head towards +X (engine/render/bodygen.h), with the clinical signs */
		scrub_render_trs(PATIENT_X, TABLE_TOP, 0, 0, 1.f, sc->body.model);
		patient_signs_fill(&sc->signs, s, &sc->body);
		snap->body = &sc->body;
		const care_ctl *care = p && p->care && p->care->enabled ? p->care : NULL;
		if (care)
			care_scene(sc, care, p->draw_hands);
		equipment(sc, care);
		if (patient_signs_compressing(&sc->signs, s) && !(care && care->on_chest))
			cpr_hands(sc);
		if (sc->body.parts & 1u << SCRUB_BODY_IV) /* the drip at the head of the bed, right side */
			instance(sc, SCRUB_MESH_IV_STAND, PATIENT_X + 0.87f, 0, -0.45f, 0, SCRUB_MATERIAL_MATTE);
		instance(sc, SCRUB_MESH_CRASH_CART, SCENE_CART_X, 0, SCENE_CART_Z, PI_F, SCRUB_MATERIAL_MATTE);
		instance(sc, SCRUB_MESH_DEFIBRILLATOR, SCENE_CART_X, SCENE_CART_TOP, SCENE_CART_Z, PI_F, SCRUB_MATERIAL_MATTE);
		monitor(sc, s);
	}
	snap->monitor.alarm = sc->alarm[0] ? sc->alarm : NULL;
	snap->hud_lines = sc->hud;
	hud(sc, s);
	if (feedback_is(sc->scn, "live"))
		hud_checklist(sc, s);
	for (uint32_t i = 0; p && i < p->extra_hud_count; i++)
		hud_add(sc, "%s", p->extra_hud[i], NULL);
	/* feedback: none keeps the checklist from the trainee: no results panel (the report is written all the same) */
	if (sim_session_ended(s) && !(p && p->hide_results) && !feedback_is(sc->scn, "none"))
		results(sc, s);
	if (p && p->no_hud) {
		snap->hud_line_count = 0;
		snap->monitor.visible = false;
		snap->results.visible = false;
	}
}
