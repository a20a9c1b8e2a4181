/* scrub run --xr: play a scenario in an OpenXR headset (docs/xr.md).
 *
 * The session runs at the scenario's fixed dt on the headset's clock: each frame the simulation steps up to the
 * frame's predicted display time (counted only while the session is FOCUSED), then the controllers' input of that
 * frame becomes actions at that simulation time. The actions go into the same session record as a headless run,
 * so `scrub report` on the record replays them to the same report.json.
 *
 * In the headset: a hand-held action menu on the left controller (thumbstick or trackpad up/down, or the menu
 * button, choose; the right trigger performs), the patient monitor as a panel in the room, and the results panel
 * in front of the trainee at the end. */
#define SCRUB_LOG_MODULE "xr"
#include "run_xr.h"
#include "input_menu.h"
#include "scene_from_sim.h"
#include "instrument_input.h"
#include "care_input.h"
#include "scene_tissue.h"
#include "tissue.h"
#include "session_out.h"
#include "script_sink.h"
#include "host.h"

#include "cli.h"
#include "log.h"
#include "record.h"
#include "report.h"
#include "scrub_render.h"
#include "scrub_xr.h"
#include "script.h"
#include "session.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>


#define MENU_SHOWN 9
#define RESULTS_HOLD_S 5.0

typedef struct xr_run {
	const scenario *scn;
	host *h;                   /* the session host: steps the session, pause, end */
	session_out out;           /* sinks: the session folder, record and report; */
	script_sink script;        /* ... actions.txt; */
	host_sink scene_sink;      /* ... the scene */
	input_menu menu;           /* the scenario's actions and the instructor's controls (input_menu.h) */
	int sel;
	int last_action;           /* menu index of the last performed action, -1 */
	bool end_asked;            /* scenario control: the trainee ended the session */
	double last_action_t;
	/* render data */
	scrub_render_instance inst[24];
	uint32_t ninst;
	scene_sim scene;           /* the room, monitor and results, as desktop mode builds them */
	/* surgical scenarios: the controllers drive the instruments (xr_instruments below, docs/xr.md) */
	instr_ctl ic;
	float tissue_from_stage[16], stage_from_tissue[16];
	scrub_render_tissue tissue;
	scrub_render_body body;    /* the patient, placed in the stage */
	const sim_session *s;      /* the host's session */
	bool squeeze_down[SCRUB_XR_HANDS], trigger_down[SCRUB_XR_HANDS];
	int64_t haptic_ns[SCRUB_XR_HANDS];
	/* emergency scenarios: care by hand (care_input.h); the body frame in the stage */
	care_ctl care;
	float body_from_stage[16];
	bool see_through;
	uint32_t care_strokes, care_done;
	int64_t pulse_beat_ns;
	char care_text[6][SCENE_TEXT];
	char instr_text[2][SCENE_TEXT];
	char hud_text[MENU_SHOWN + 3][160];
	const char *hud[MENU_SHOWN + 3];
} xr_run;

#define XR_OF_SCENE(sinkp) ((xr_run *)((char *)(sinkp) - offsetof(xr_run, scene_sink)))
static void scene_event(host_sink *sink, const sim_event *ev) { scene_sim_on_event(&XR_OF_SCENE(sink)->scene, ev); }
static void scene_step(host_sink *sink, const sim_session *s) { scene_sim_step(&XR_OF_SCENE(sink)->scene, s); }

static void pose_matrix(const scrub_xr_pose *p, float m[16])
{
	float x = p->rot[0], y = p->rot[1], z = p->rot[2], w = p->rot[3];
	m[0] = 1 - 2 * (y * y + z * z), m[1] = 2 * (x * y + z * w), m[2] = 2 * (x * z - y * w), m[3] = 0;
	m[4] = 2 * (x * y - z * w), m[5] = 1 - 2 * (x * x + z * z), m[6] = 2 * (y * z + x * w), m[7] = 0;
	m[8] = 2 * (x * z + y * w), m[9] = 2 * (y * z - x * w), m[10] = 1 - 2 * (x * x + y * y), m[11] = 0;
	m[12] = p->pos[0], m[13] = p->pos[1], m[14] = p->pos[2], m[15] = 1;
}

static void add_inst(xr_run *c, scrub_render_mesh mesh, const float model[16], scrub_render_material_kind kind)
{
	if (c->ninst >= sizeof c->inst / sizeof c->inst[0])
		return;
	scrub_render_instance *in = &c->inst[c->ninst++];
	in->mesh = mesh;
	memcpy(in->model, model, sizeof in->model);
	in->material = (scrub_render_material){kind, {1, 1, 1, 1}, 0.f};
}

/* The room as desktop mode shows it (app/scene_from_sim.c), placed in the headset's stage: the trainee stands
 * at the origin facing -Z with the patient's right side before them, the instruments in the hands. The eyes see
 * only the 3D scene; the monitor, the menu and the results go on the hand-held panel (a quad layer). */
#define XR_TABLE_Z (-0.9f)

static void build_scene(xr_run *c, const sim_session *s, const scrub_xr_frame *f, scrub_render_snapshot *out)
{
	scene_sim_params sp = {.use_camera = true, .care = &c->care};
	c->scene.snapshot.camera = f->camera;
	scene_sim_update(&c->scene, s, &sp);
	float world[16], m[16];
	scrub_render_trs(0, 0, XR_TABLE_Z, 3.14159265f, 1, world); /* the desktop's scene, turned to face the trainee */
	c->ninst = 0;
	for (uint32_t i = 0; i < c->scene.snapshot.instance_count; i++) {
		const scrub_render_instance *in = &c->scene.snapshot.instances[i];
		if (c->see_through && in->mesh == SCRUB_MESH_ROOM)
			continue; /* the real room shows through */
		scrub_render_mul(world, in->model, m);
		add_inst(c, in->mesh, m, in->material.kind);
	}
	if (c->scene.snapshot.tissue) {
		c->tissue = *c->scene.snapshot.tissue;
		scrub_render_mul(world, c->scene.snapshot.tissue->model, c->tissue.model);
	}
	if (c->scene.snapshot.body) {
		c->body = *c->scene.snapshot.body;
		scrub_render_mul(world, c->scene.snapshot.body->model, c->body.model);
	}
	for (int h = 0; h < SCRUB_XR_HANDS && !c->ic.enabled; h++) { /* surgical: the instruments are in the scene */
		const scrub_xr_hand *hd = &f->hands[h];
		if (!hd->active && !hd->hand_tracked)
			continue;
		pose_matrix(hd->hand_tracked ? &hd->palm : &hd->grip, m);
		add_inst(c, h == SCRUB_XR_RIGHT ? SCRUB_MESH_GLOVE_RIGHT : SCRUB_MESH_GLOVE_LEFT, m, SCRUB_MATERIAL_MATTE);
	}
	memset(out, 0, sizeof *out);
	out->camera = f->camera;
	out->instances = c->inst;
	out->instance_count = c->ninst;
	out->tissue = c->scene.snapshot.tissue ? &c->tissue : NULL;
	out->body = c->scene.snapshot.body ? &c->body : NULL;
	memcpy(out->clear_color, c->scene.snapshot.clear_color, sizeof out->clear_color);
	if (c->see_through) /* nothing where nothing is drawn: black adds no light, alpha 0 blends none */
		out->clear_color[0] = out->clear_color[1] = out->clear_color[2] = out->clear_color[3] = 0.f;
}

/* The panel image: the monitor (top right) and the action menu (top left) or, at the end, the results, all from
 * the same scene as desktop mode. Call after build_scene (which updated c->scene this frame). */
static void build_panel(xr_run *c, const sim_session *s, bool results, scrub_render_snapshot *p)
{
	memset(p, 0, sizeof *p);
	p->clear_color[3] = 1.f;
	if (results) {
		p->results = c->scene.snapshot.results;
		return;
	}
	p->monitor = c->scene.snapshot.monitor;
	int secs = (int)sim_session_time(s), n = 0;
	if (c->ic.enabled) { /* surgical: the hands and the controls instead of the menu */
		snprintf(c->hud_text[n++], sizeof c->hud_text[0], "%02d:%02d  squeeze: next instrument", secs / 60,
		         secs % 60);
		snprintf(c->hud_text[n++], sizeof c->hud_text[0], "trigger: jaws  stick: throw  menu: cut");
		int ni = instr_ctl_status(&c->ic, s, c->instr_text[0], SCENE_TEXT, 2);
		for (int i = 0; i < ni; i++)
			snprintf(c->hud_text[n++], sizeof c->hud_text[0], "%s", c->instr_text[i]);
		for (int i = 0; i < n; i++)
			c->hud[i] = c->hud_text[i];
		p->hud_lines = c->hud;
		p->hud_line_count = (uint32_t)n;
		return;
	}
	/* the menu, a window of MENU_SHOWN entries around the highlighted one */
	snprintf(c->hud_text[n++], sizeof c->hud_text[0], "%02d:%02d  stick: choose  trigger: do%s", secs / 60, secs % 60,
	         host_paused(c->h) ? "   PAUSED" : "");
	int first = c->sel - MENU_SHOWN / 2;
	if (first > c->menu.n - MENU_SHOWN)
		first = c->menu.n - MENU_SHOWN;
	if (first < 0)
		first = 0;
	for (int i = first; i < c->menu.n && i < first + MENU_SHOWN; i++) {
		char name[sizeof c->menu.v[0].text];
		memcpy(name, c->menu.v[i].text, sizeof name);
		snprintf(c->hud_text[n++], sizeof c->hud_text[0], "%s %s", i == c->sel ? ">" : " ", name);
	}
	if (c->last_action >= 0) {
		int ls = (int)c->last_action_t;
		char name[sizeof c->menu.v[0].text];
		memcpy(name, c->menu.v[c->last_action].text, sizeof name);
		snprintf(c->hud_text[n++], sizeof c->hud_text[0], "done %02d:%02d %s", ls / 60, ls % 60, name);
	}
	for (int i = 0; i < n; i++)
		c->hud[i] = c->hud_text[i];
	p->hud_lines = c->hud;
	p->hud_line_count = (uint32_t)n;
}

/* ---- surgical scenarios: the controllers hold the instruments ---------------------------------------------- */

/* An action at the current simulation time, through the host (into the session and every sink). */
static void xr_act(xr_run *c, const sim_action *src)
{
	if (!c->h)
		return;
	sim_action a = *src;
	a.line = a.col = 0;
	host_act(c->h, &a, input_menu_source(&a));
}

/* An input from the instruments or the hands. */
static void xr_emit(void *user, const sim_action *src) { xr_act(user, src); }

/* ---- emergency scenarios: care by hand (care_input.h, docs/xr.md) ----------------------------------------- */

static void xr_care_init(xr_run *c)
{
	care_init(&c->care, c->scn, &c->scene.signs, xr_emit, c);
	if (!c->care.enabled)
		return;
	float world[16], body[16], stage_from_body[16];
	scrub_render_trs(0, 0, XR_TABLE_Z, 3.14159265f, 1, world);
	scrub_render_trs(SCENE_PATIENT_X, SCENE_TABLE_TOP, 0, 0, 1, body);
	scrub_render_mul(world, body, stage_from_body);
	scene_rigid_inverse(stage_from_body, c->body_from_stage);
}

/* v turned by the unit quaternion q (x y z w) */
static void xr_quat_rotate_vec(const float q[4], const float v[3], float out[3])
{
	float tx = 2 * (q[1] * v[2] - q[2] * v[1]), ty = 2 * (q[2] * v[0] - q[0] * v[2]), tz = 2 * (q[0] * v[1] - q[1] * v[0]);
	out[0] = v[0] + q[3] * tx + q[1] * tz - q[2] * ty;
	out[1] = v[1] + q[3] * ty + q[2] * tx - q[0] * tz;
	out[2] = v[2] + q[3] * tz + q[0] * ty - q[1] * tx;
}

static void to_body(const xr_run *c, const float p[3], float out[3])
{
	const float *m = c->body_from_stage;
	for (int i = 0; i < 3; i++)
		out[i] = m[i] * p[0] + m[4 + i] * p[1] + m[8 + i] * p[2] + m[12 + i];
}

/* The hands for care: a tracked hand's palm, its index and middle fingertips (a pulse, a button: touching is
 * pressing) and a pinch to hold; a controller's grip (the palm), a point 8 cm ahead of it (the fingertips), the
 * squeeze to hold and the trigger to press. */
static void xr_care_hands(const xr_run *c, const scrub_xr_frame *f, care_hand out[CARE_HANDS])
{
	for (int h = 0; h < CARE_HANDS; h++) {
		const scrub_xr_hand *hd = &f->hands[h];
		care_hand *o = &out[h];
		memset(o, 0, sizeof *o);
		if (hd->hand_tracked) {
			float tip[3];
			for (int i = 0; i < 3; i++)
				tip[i] = 0.5f * (hd->index_tip[i] + hd->middle_tip[i]);
			o->tracked = true;
			to_body(c, hd->palm.pos, o->pos);
			to_body(c, tip, o->tip);
			o->grab = hd->pinch;
			care_target t = care_target_at(&c->care, o->tip);
			o->press = t >= CARE_CAROTID_LEFT && t != CARE_PAD_1 && t != CARE_PAD_2 && t != CARE_BVM;
		} else if (hd->active) {
			float ahead[3], fwd[3] = {0, 0, -0.08f}, tip[3];
			xr_quat_rotate_vec(hd->grip.rot, fwd, ahead);
			for (int i = 0; i < 3; i++)
				tip[i] = hd->grip.pos[i] + ahead[i];
			o->tracked = true;
			to_body(c, hd->grip.pos, o->pos);
			to_body(c, tip, o->tip);
			o->grab = hd->squeeze >= 0.5f;
			o->press = hd->trigger >= 0.5f;
		}
	}
}

/* Care by hand this frame, and what the hands feel: each heartbeat under fingers on a pulse, each compression,
 * each action the hands make. */
static void xr_care_frame(xr_run *c, scrub_xr *xr, const scrub_xr_frame *f)
{
	care_hand hands[CARE_HANDS];
	xr_care_hands(c, f, hands);
	care_frame(&c->care, c->s, hands);
	for (int h = 0; h < CARE_HANDS; h++)
		if (c->care.held[h] >= CARE_CAROTID_LEFT && c->care.held[h] <= CARE_RADIAL_RIGHT) {
			double rate = 0;
			if (care_pulse_felt(&c->care, c->s, &rate) && rate > 0 &&
			    f->time_ns - c->pulse_beat_ns >= (int64_t)(60.0 / rate * 1e9)) {
				scrub_xr_haptic(xr, h, 0.6f, 0.05f);
				c->pulse_beat_ns = f->time_ns;
			}
		}
	if (c->care.strokes != c->care_strokes) { /* the bottom of a compression */
		for (int h = 0; h < CARE_HANDS; h++)
			if (hands[h].tracked && care_on_chest(&c->care, hands[h].pos))
				scrub_xr_haptic(xr, h, 0.35f, 0.03f);
		c->care_strokes = c->care.strokes;
	}
	if (c->care.done != c->care_done) { /* an action by hand: a click in the hand that made it */
		scrub_xr_haptic(xr, c->care.last_hand, 0.5f, 0.03f);
		c->care_done = c->care.done;
	}
}

/* The hand is busy with care: holding something, or its fingertips on something; its trigger is not the menu's. */
static bool xr_care_busy(const xr_run *c, const scrub_xr_frame *f, int h)
{
	if (!c->care.enabled)
		return false;
	if (c->care.held[h] != CARE_NONE)
		return true;
	care_hand hands[CARE_HANDS];
	xr_care_hands(c, f, hands);
	return hands[h].tracked && (care_target_at(&c->care, hands[h].tip) != CARE_NONE ||
	                            care_target_at(&c->care, hands[h].pos) != CARE_NONE);
}

/* The tissue block where scene_tissue.c puts it in desktop mode's room, in the stage as build_scene places the room. */
static void xr_instruments_init(xr_run *c)
{
	instr_ctl_init(&c->ic, c->scn, xr_emit, c);
	c->ic.min_mm = 0.1;   /* a tracked hand trembles: a pose is written when it moved 0.1 mm or turned 0.25 deg */
	c->ic.min_deg = 0.25;
	if (!c->ic.enabled)
		return;
	float world[16], t[16];
	scrub_render_trs(0, 0, XR_TABLE_Z, 3.14159265f, 1, world);
	scene_tissue_model(c->scn, t);
	scrub_render_mul(world, t, c->stage_from_tissue);
	scene_rigid_inverse(c->stage_from_tissue, c->tissue_from_stage);
}

#define HAPTIC_FULL_N 4.0f     /* contact force that vibrates at full amplitude */
#define HAPTIC_MIN_N 0.05f
#define HAPTIC_PULSE_S 0.05f
#define HAPTIC_IN_TISSUE 0.2f

/* Each hand's grip pose becomes its instrument's pose; squeeze picks the next instrument, the trigger closes the
 * jaws, the thumbstick throws (up clockwise, down counterclockwise), the menu button cuts the thread; the tissue's
 * contact force on each instrument comes back as vibration. */
static void xr_instruments_frame(xr_run *c, scrub_xr *xr, const scrub_xr_frame *f)
{
	for (int h = 0; h < SCRUB_XR_HANDS; h++) {
		const scrub_xr_hand *hd = &f->hands[h];
		if (hd->recentre_pressed)
			scrub_xr_recentre(xr);
		if (!hd->active)
			continue; /* an untracked hand holds its last pose */
		instr_ctl_set_grip(&c->ic, h, c->tissue_from_stage, hd->grip.pos, hd->grip.rot);
		bool sq = hd->squeeze >= 0.5f, tr = hd->trigger >= 0.5f;
		if (sq && !c->squeeze_down[h])
			instr_ctl_next_instrument(&c->ic, h);
		c->squeeze_down[h] = sq;
		if (tr != c->trigger_down[h])
			instr_ctl_grasp(&c->ic, h, tr);
		c->trigger_down[h] = tr;
		if (hd->scroll_steps)
			instr_ctl_throw(&c->ic, h, hd->scroll_steps > 0 ? 0 : 1);
		if (hd->menu_pressed)
			instr_ctl_cut_thread(&c->ic, h);
	}
	instr_ctl_flush(&c->ic);
	const struct scrub_tissue *t = sim_session_tissue(c->s);
	for (int h = 0; t && h < SCRUB_XR_HANDS; h++) {
		scrub_hand_state hs;
		if (scrub_tissue_hand_state(t, h, &hs) != SCRUB_OK || (hs.force_magnitude < HAPTIC_MIN_N && !hs.in_tissue))
			continue;
		if (f->time_ns - c->haptic_ns[h] < (int64_t)(HAPTIC_PULSE_S * 1e9f))
			continue; /* the last pulse still runs */
		/* the blade separates elements with no reaction force in the physics: a tip inside the tissue (cutting,
		 * or a needle pass) gives a floor of HAPTIC_IN_TISSUE so that the cut is felt */
		float amp = hs.force_magnitude / HAPTIC_FULL_N;
		if (hs.in_tissue && amp < HAPTIC_IN_TISSUE)
			amp = HAPTIC_IN_TISSUE;
		scrub_xr_haptic(xr, h, amp > 1.f ? 1.f : amp, HAPTIC_PULSE_S);
		c->haptic_ns[h] = f->time_ns;
	}
}

static const char no_runtime_msg[] =
	"scrub run --xr: %s.\n"
	"  Play on this computer instead in desktop mode:  scrub run %s\n"
	"  or without a display in headless mode:         scrub run --headless %s\n"
	"  To try XR without a headset, select Scrub's simulated runtime:\n"
	"    XR_RUNTIME_JSON=build/simxr.json SIMXR_SCRIPT=tests/xr/data/bls_textbook.simxr scrub run --xr %s\n"
	"  (see docs/xr.md)\n";

int scrub_run_xr(const run_xr_opts *o, run_xr_result *out)
{
	run_xr_result dummy;
	if (!out)
		out = &dummy;
	memset(out, 0, sizeof *out);
	scenario *scn = NULL;
	int rc = cli_load_scenario(o->scenario_path, o->quiet, &scn);
	if (rc != EXIT_DONE)
		return rc;

	/* the headset first: without one there is nothing to create on disk */
	scrub_xr *xr = NULL;
	scrub_xr_failure fail;
	scrub_xr_desc xd = {.app_name = "Scrub", .eye_scale = o->eye_scale};
	if (scrub_xr_create(&xd, &xr, &fail) != SCRUB_OK) {
		const char *why = fail == SCRUB_XR_FAIL_NO_RUNTIME   ? "no OpenXR runtime is installed or active"
		                  : fail == SCRUB_XR_FAIL_NO_HEADSET ? "the OpenXR runtime has no headset connected"
		                  : fail == SCRUB_XR_FAIL_NO_VULKAN  ? "the OpenXR runtime cannot render with Vulkan here"
		                                                     : "the OpenXR runtime could not start a session";
		fprintf(stderr, no_runtime_msg, why, o->scenario_path, o->scenario_path, o->scenario_path);
		scenario_destroy(&scn);
		return EXIT_RUNTIME;
	}
	snprintf(out->runtime, sizeof out->runtime, "%s", scrub_xr_runtime_name(xr));

	char input[300];
	snprintf(input, sizeof input, "xr %s", scrub_xr_runtime_name(xr));
	const char *who = o->trainee ? o->trainee : "anonymous";

	xr_run *c = calloc(1, sizeof *c);
	if (!c) {
		scrub_xr_destroy(&xr);
		scenario_destroy(&scn);
		return EXIT_RUNTIME;
	}
	c->scn = scn;
	c->last_action = -1;
	input_menu_build(&c->menu, scn);
	scene_sim_init(&c->scene, scn);
	xr_instruments_init(c);
	xr_care_init(c);
	c->see_through = scrub_xr_see_through(xr);
	if (session_out_open(&c->out, scn, o->out_dir, o->force, who, input) != SCRUB_OK) {
		fprintf(stderr, "scrub run: %s\n", c->out.error);
		session_out_fini(&c->out);
		input_menu_free(&c->menu);
		free(c);
		scrub_xr_destroy(&xr);
		scenario_destroy(&scn);
		return EXIT_RUNTIME;
	}
	/* the sinks: the record and report, the scene, and (not when benchmarking) actions.txt */
	script_sink_init(&c->script, c->out.dir, "the headset", o->scenario_path);
	c->scene_sink = (host_sink){.event = scene_event, .step = scene_step};
	host_sink *sinks[] = {&c->out.sink, &c->scene_sink, o->bench ? NULL : &c->script.sink};
	host_desc hdesc = {.scn = scn, .clock = HOST_CLOCK_EXTERNAL, .max_frame = 0.25, .sinks = sinks, .nsinks = 3};
	if (host_create(&hdesc, &c->h) != SCRUB_OK) {
		session_out_fini(&c->out);
		script_sink_fini(&c->script);
		input_menu_free(&c->menu);
		free(c);
		scrub_xr_destroy(&xr);
		scenario_destroy(&scn);
		return EXIT_RUNTIME;
	}
	const sim_session *s = host_session(c->h);
	c->s = s;
	cli_signals_install(c->h);
	for (int i = 0; i < c->menu.n; i++)
		LOG_D("menu %d: %s", i, c->menu.v[i].text);
	if (!o->quiet)
		fprintf(stderr, "XR: %s, %s, %s, %s, %ux%u per eye, %d actions in the menu\n", scrub_xr_runtime_name(xr),
		        scrub_xr_view_count(xr) == 2 ? "stereo" : "mono", scrub_xr_blend_mode(xr), scrub_xr_reference_space(xr),
		        scrub_xr_eye_width(xr), scrub_xr_eye_height(xr), c->menu.n);

	bool started = false, finished = false, exit_asked = false;
	int64_t prev_ns = 0, results_ns = 0, first_ns = 0;
	for (int i = 0; o->bench && i < scn->nruns; i++)
		if (scn->runs[i].expect_pass) { /* the benchmark's trainee: the first passing model run */
			host_queue(c->h, scn->runs[i].actions, scn->runs[i].nactions);
			break;
		}
	double wall0 = 0, wall1 = 0;
	scrub_render_snapshot scene, panel;
	for (;;) {
		scrub_xr_state st;
		scrub_xr_poll(xr, &st);
		if (st.exit)
			break;
		if (!st.running) {
			struct timespec ts = {0, 10 * 1000 * 1000};
			nanosleep(&ts, NULL);
			continue;
		}
		scrub_xr_frame f;
		if (scrub_xr_frame_begin(xr, &f) != SCRUB_OK) {
			scrub_xr_state st2;
			scrub_xr_poll(xr, &st2);
			if (st2.lost || st2.exit)
				break;
			continue; /* a frame the runtime refused: try the next one */
		}
		out->frames++;
		if (!first_ns) {
			first_ns = f.time_ns;
			wall0 = scrub_now();
		}
		wall1 = scrub_now();
		bool focused = st.focused;
		if (focused && !finished) {
			struct timespec c0, c1;
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
			if (!started) {
				started = true;
				prev_ns = f.time_ns;
			}
			int64_t d = f.time_ns - prev_ns;
			prev_ns = f.time_ns;
			/* a hitch (or a long pause) does not jump the scenario ahead (max_frame); paused, it does not move */
			host_advance(c->h, (double)d * 1e-9);
			double now = sim_session_time(s);
			if (o->bench) {
				if (c->care.enabled) /* the hands are read as in a session: their cost is timed */
					xr_care_frame(c, xr, &f);
			} else if (c->ic.enabled) {
				xr_instruments_frame(c, xr, &f);
			} else {
				if (!host_paused(c->h))
					xr_care_frame(c, xr, &f);
				for (int h = 0; h < SCRUB_XR_HANDS; h++) {
					const scrub_xr_hand *hd = &f.hands[h];
					int step = -hd->scroll_steps + (hd->menu_pressed ? 1 : 0);
					if (c->menu.n)
						c->sel = ((c->sel + step) % c->menu.n + c->menu.n) % c->menu.n;
					if (hd->recentre_pressed)
						scrub_xr_recentre(xr);
				}
				const scrub_xr_hand *rh = &f.hands[SCRUB_XR_RIGHT];
				if (rh->trigger_pressed && c->menu.n && !sim_session_ended(s) && !xr_care_busy(c, &f, SCRUB_XR_RIGHT)) {
					const input_menu_entry *e = &c->menu.v[c->sel];
					LOG_I("menu pick at %.2f s: %s", now, e->text); /* tests tell the menu from the hands by it */
					if (e->kind == INPUT_MENU_PAUSE) {
						host_pause(c->h, !host_paused(c->h));
					} else if (e->kind == INPUT_MENU_END) {
						c->end_asked = true;
					} else if (!host_paused(c->h)) {
						xr_act(c, &e->act);
						care_observe(&c->care, &e->act);
						c->last_action = c->sel;
						c->last_action_t = now;
					}
					scrub_xr_haptic(xr, SCRUB_XR_RIGHT, 0.5f, 0.05f);
				}
			}
			if (sim_session_ended(s)) { /* scored and written now; the results stay in view */
				host_finish(c->h, true);
				finished = true;
				results_ns = f.time_ns;
			}
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
			if (o->frame_cpu_ms && out->frames_timed < o->frame_cpu_cap)
				o->frame_cpu_ms[out->frames_timed++] =
					(double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) * 1e-6;
		} else if (!focused) {
			prev_ns = f.time_ns; /* paused while the trainee is elsewhere */
		}
		if (finished && !exit_asked) {
			double shown = (double)(f.time_ns - results_ns) * 1e-9;
			if (shown >= RESULTS_HOLD_S || (shown >= 1.0 && f.hands[SCRUB_XR_RIGHT].trigger_pressed)) {
				scrub_xr_request_exit(xr);
				exit_asked = true;
			}
		}
		if ((c->end_asked || host_end_requested(c->h)) && !exit_asked) {
			/* the session ends here, cut short (the menu, Ctrl-C or SIGTERM): the headset session ends properly
			 * and the report says incomplete */
			scrub_xr_request_exit(xr);
			exit_asked = true;
		}
		if (o->max_frames && out->frames >= o->max_frames && !exit_asked) {
			scrub_xr_request_exit(xr);
			exit_asked = true;
		}
		scrub_xr_panel panels[2];
		uint32_t np = 0;
		if (f.should_render) {
			struct timespec c0, c1;
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
			build_scene(c, s, &f, &scene);
			build_panel(c, s, finished, &panel);
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
			if (o->frame_scene_ms && out->scenes_timed < o->frame_cpu_cap)
				o->frame_scene_ms[out->scenes_timed++] =
					(double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) * 1e-6;
			float mw = 0.41f, mh = 0.58f, mx = 1.f - 0.40f - 0.02f * 640.f / 1024.f - 0.005f;
			if (finished) {
				panels[np++] = (scrub_xr_panel){SCRUB_XR_ANCHOR_HEAD, {{0, 0, -1.1f}, {0, 0, 0, 1}}, 1.0f,
				                                {0.19f, 0.0f, 0.62f, 1.0f}};
			} else {
				panels[np++] = (scrub_xr_panel){SCRUB_XR_ANCHOR_SCENE,
				                                {{0.55f, 1.55f, -1.25f}, {0, 0.2079117f, 0, 0.9781476f}},
				                                0.6f,
				                                {mx, 0.f, mw, mh}};
				/* the menu above the left hand, tilted towards the eyes */
				panels[np++] = (scrub_xr_panel){SCRUB_XR_ANCHOR_LEFT_HAND,
				                                {{0, 0.06f, -0.08f}, {-0.4226183f, 0, 0, 0.9063078f}},
				                                0.26f,
				                                {0.f, 0.f, 0.57f, 0.62f}};
			}
		}
		scrub_result fr = scrub_xr_frame_end(xr, f.should_render ? &scene : NULL, f.should_render ? &panel : NULL,
		                                     panels, np);
		if (fr != SCRUB_OK) {
			scrub_xr_state st2;
			scrub_xr_poll(xr, &st2);
			if (st2.lost || st2.exit)
				break;
		}
	}
	scrub_xr_state st;
	scrub_xr_poll(xr, &st);
	scrub_xr_stats xs;
	scrub_xr_get_stats(xr, &xs);
	out->rendered = xs.rendered;
	out->wall_s = wall1 - wall0;

	/* cut short (runtime lost, stopped, or the trainee left): the record stops here and says so by having no end
	 * line; `scrub report` then replays it to this time and marks it incomplete, as this report is */
	bool complete = finished;
	out->sim_s = sim_session_time(s);
	rc = cli_session_end(c->h, &c->out, complete, o->quiet || o->bench);
	cli_signals_clear();
	script_sink_fini(&c->script);
	if (st.lost) {
		int t = (int)sim_session_time(s);
		fprintf(stderr,
		        "scrub run: the OpenXR runtime was lost at %d:%02d of the scenario; the session record is kept and "
		        "the report covers the session up to then\n",
		        t / 60, t % 60);
		if (rc == EXIT_DONE)
			rc = EXIT_RUNTIME;
	} else if (!complete && !o->quiet && !o->max_frames) {
		fprintf(stderr, "scrub run: the headset session ended before the scenario did; the report is marked "
		                "incomplete\n");
	}
	host_destroy(&c->h);
	session_out_fini(&c->out);
	input_menu_free(&c->menu);
	free(c);
	scrub_xr_destroy(&xr);
	scenario_destroy(&scn);
	return cli_exit_after_session(rc);
}
