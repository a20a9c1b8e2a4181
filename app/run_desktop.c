/* scrub run in a window: input mapping, the session driven by the frame loop, the record (see run_desktop.h,
 * docs/desktop.md). The menu is input_menu.c (shared with the headset), input scripts in desktop_script.c, care by hand with the mouse in
 * desktop_mouse.c, the headless run's screenshot in run_shot.c. */
#define SCRUB_LOG_MODULE "run"
#include "run_desktop_internal.h"

#include "cli.h"
#include "log.h"
#include "session_out.h"

#include <dlfcn.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DESK_OF_SCENE(sinkp) ((desk *)((char *)(sinkp) - offsetof(desk, scene_sink)))
static void scene_event(host_sink *sink, const sim_event *ev) { scene_sim_on_event(&DESK_OF_SCENE(sink)->scene, ev); }
static void scene_step(host_sink *sink, const sim_session *s) { scene_sim_step(&DESK_OF_SCENE(sink)->scene, s); }

/* The session takes input (not paused, not over). */
static bool live(const desk *c) { return c->h && !c->finished && !host_ended(c->h) && !host_paused(c->h); }

static void desk_emit(void *user, const sim_action *a);

static const char *who(const desk *c) { return c->o->trainee ? c->o->trainee : "anonymous"; }

static bool attempt_start(desk *c)
{
	c->attempt++;
	if (c->attempt == 1)
		snprintf(c->dir, sizeof c->dir, "%s", c->o->out_dir);
	else
		snprintf(c->dir, sizeof c->dir, "%s-%d", c->o->out_dir, c->attempt);
	if (session_out_open(&c->out, c->scn, c->dir, c->o->force, who(c), "desktop") != SCRUB_OK) {
		fprintf(stderr, "scrub run: %s\n", c->out.error);
		session_out_fini(&c->out);
		return false;
	}
	script_sink_init(&c->actions_txt, c->dir, "the desktop window", c->scn->path ? c->scn->path : c->scn->id);
	c->scene_sink = (host_sink){.event = scene_event, .step = scene_step};
	scene_sim_init(&c->scene, c->scn);
	instr_ctl_init(&c->ic, c->scn, desk_emit, c);
	care_init(&c->care, c->scn, &c->scene.signs, desk_emit, c);
	c->mtarget = CARE_NONE;
	c->mdown = c->mdown_prev = c->mblocked = false;
	host_sink *sinks[] = {&c->out.sink, &c->scene_sink, &c->actions_txt.sink};
	host_desc hd = {.scn = c->scn, .clock = HOST_CLOCK_EXTERNAL, .step_at_half = true, .sinks = sinks, .nsinks = 3};
	if (host_create(&hd, &c->h) != SCRUB_OK) {
		fprintf(stderr, "scrub run: cannot start the session (out of memory)\n");
		return false;
	}
	c->s = host_session(c->h);
	cli_signals_install(c->h);
	c->finished = false;
	c->menu_shown = !c->care.enabled;
	c->page = c->sel = 0;
	if (!c->o->quiet)
		fprintf(stderr, "Session record: %s\n", c->out.record_path);
	return true;
}

/* Scores the attempt and writes its record, report and action script. `quitting`: the trainee left before the
 * scenario's end; the record then has no "end" line and is scored, like one cut short, up to the last event. */
static void attempt_finish(desk *c, bool quitting)
{
	if (!c->h || c->finished)
		return;
	c->finished = true;
	int rc = cli_session_end(c->h, &c->out, !quitting, c->o->quiet);
	if (rc != EXIT_DONE || c->rc == EXIT_DONE)
		c->rc = rc;
	if (!c->o->quiet)
		printf("Actions: %s\n", c->actions_txt.path);
	fflush(stdout);
}

static void attempt_free(desk *c)
{
	host_destroy(&c->h);
	c->s = NULL;
	session_out_fini(&c->out);
	script_sink_fini(&c->actions_txt);
}

/* Feeds an action to the session now (at the current step) and keeps it for the action script. */
static void act(desk *c, const sim_action *src)
{
	if (!live(c))
		return;
	sim_action a = *src;
	a.line = a.col = 0;
	host_act(c->h, &a, input_menu_source(&a));
}

static void desk_emit(void *user, const sim_action *a) { act(user, a); }

static void pick(desk *c, int index)
{
	if (index < 0 || index >= c->menu.n || !live(c))
		return;
	const input_menu_entry *e = &c->menu.v[index];
	c->sel = index;
	if (e->kind == INPUT_MENU_PAUSE) {
		host_pause(c->h, !host_paused(c->h));
		return;
	}
	if (e->kind == INPUT_MENU_END) {
		c->quit = true;
		return;
	}
	act(c, &e->act);
	care_observe(&c->care, &e->act);
	instr_ctl_observe(&c->ic, &e->act);
}

/* One press of the space bar: a compression of 55 mm (a key cannot measure depth); care_input.c infers start_cpr
 * from a rhythm of them and stop_cpr when they stop. */
static void compression(desk *c)
{
	if (!live(c))
		return;
	care_compression(&c->care, sim_session_time(c->s), CPR_DEPTH_MM, -1);
}

static void restart(desk *c)
{
	attempt_finish(c, true);
	attempt_free(c);
	if (!attempt_start(c)) {
		c->rc = EXIT_RUNTIME;
		c->quit = true;
	}
}

/* The instrument keys of a surgical scenario; false for any other key. */
static bool instrument_key(desk *c, int key)
{
	instr_ctl *ic = &c->ic;
	switch (key) {
	case SCRUB_KEY_H: ic->active = 1 - ic->active; return true;
	case SCRUB_KEY_I: instr_ctl_next_instrument(ic, ic->active); return true;
	case SCRUB_KEY_U: instr_ctl_pick(ic, ic->active, INSTR_NONE); return true;
	case SCRUB_KEY_G: instr_ctl_grasp(ic, ic->active, !ic->grasp[ic->active]); return true;
	case SCRUB_KEY_T: instr_ctl_throw(ic, ic->active, 0); return true;
	case SCRUB_KEY_Y: instr_ctl_throw(ic, ic->active, 1); return true;
	case SCRUB_KEY_C: instr_ctl_cut_thread(ic, ic->active); return true;
	case SCRUB_KEY_PAGE_UP: instr_ctl_depth(ic, 0.5); return true;
	case SCRUB_KEY_PAGE_DOWN: instr_ctl_depth(ic, -0.5); return true;
	default: return false;
	}
}

static void handle_key(desk *c, int key)
{
	int pages = (c->menu.n + MENU_PAGE - 1) / MENU_PAGE;
	switch (key) {
	case SCRUB_KEY_F1: c->help = !c->help; break;
	case SCRUB_KEY_M: c->menu_shown = !c->menu_shown; break;
	case SCRUB_KEY_P:
		if (!c->finished)
			host_pause(c->h, !host_paused(c->h));
		break;
	case SCRUB_KEY_R: restart(c); break;
	case SCRUB_KEY_ESCAPE: c->quit = true; break;
	case SCRUB_KEY_SPACE: compression(c); break;
	case SCRUB_KEY_TAB:
		c->page = pages ? (c->page + 1) % pages : 0;
		c->sel = c->page * MENU_PAGE;
		break;
	case SCRUB_KEY_UP:
		if (c->sel > 0)
			c->sel--;
		c->page = c->sel / MENU_PAGE;
		break;
	case SCRUB_KEY_DOWN:
		if (c->sel + 1 < c->menu.n)
			c->sel++;
		c->page = c->sel / MENU_PAGE;
		break;
	case SCRUB_KEY_ENTER:
	case SCRUB_KEY_KP_ENTER: pick(c, c->sel); break;
	default:
		if (c->ic.enabled && !host_paused(c->h) && !c->finished && instrument_key(c, key))
			break;
		if (key >= SCRUB_KEY_0 && key <= SCRUB_KEY_9)
			pick(c, c->page * MENU_PAGE + (key == SCRUB_KEY_0 ? 9 : key - SCRUB_KEY_1));
		break;
	}
}

/* A left click on a menu line picks it (the HUD's geometry: engine/render/ui.c). */
static bool handle_click(desk *c, double x, double y)
{
	if (!c->fb_h || c->help)
		return false;
	float h = (float)c->fb_h, size = fmaxf(10.f, h / 32.f), lh = size * 1.3f, margin = h * 0.02f;
	double line = floor((y - margin - size * 0.2f) / lh);
	if (x > c->fb_w * 0.6 || line < c->menu_line0 || line >= c->menu_line0 + c->menu_count)
		return false;
	pick(c, c->page * MENU_PAGE + (int)line - c->menu_line0);
	return true;
}

static void on_input(void *user, scrub_desktop *d, const scrub_desktop_input *in)
{
	(void)d;
	desk *c = user;
	if (in->kind == SCRUB_DESKTOP_KEY)
		handle_key(c, in->key);
	else if (in->kind == SCRUB_DESKTOP_MOUSE_BUTTON && in->key == SCRUB_MOUSE_LEFT)
		c->drag_blocked = c->mblocked = handle_click(c, in->x, in->y); /* a press on a menu line drags nothing */
}


static void run_script_event(desk *c, const script_ev *e)
{
	switch (e->kind) {
	case EV_KEY: handle_key(c, e->key); break;
	case EV_QUIT: c->quit = true; break;
	case EV_CLICK: handle_click(c, e->x * c->fb_w, e->y * c->fb_h); break;
	case EV_DRAG:
		if (!host_paused(c->h) && !c->finished)
			instr_ctl_drag(&c->ic, e->x, e->y, e->key);
		break;
	case EV_MDOWN:
		desk_point(c, e->key, e->x, e->y, &c->mx, &c->my);
		c->mblocked = handle_click(c, c->mx, c->my);
		c->mdown = true;
		c->mpx = c->mx, c->mpy = c->my;
		c->mshift = false;
		break;
	case EV_MUP:
		c->mdown = false;
		c->mshift = e->key == 1;
		break;
	case EV_MREL:
		c->mx += e->x, c->my += e->y;
		break;
	case EV_MMOVE:
		if (e->k == 0) {
			c->move_from[0] = c->mx, c->move_from[1] = c->my;
			desk_point(c, e->key, e->x, e->y, &c->move_to[0], &c->move_to[1]);
		}
		c->mx = c->move_from[0] + (c->move_to[0] - c->move_from[0]) * (e->k + 1) / e->n;
		c->my = c->move_from[1] + (c->move_to[1] - c->move_from[1]) * (e->k + 1) / e->n;
		break;
	case EV_PICK: {
		char *end;
		long k = strtol(e->name, &end, 10);
		if (!*end && k >= 1 && k <= c->menu.n) {
			pick(c, (int)k - 1);
			break;
		}
		for (int i = 0; i < c->menu.n; i++)
			if (c->menu.v[i].kind == INPUT_MENU_ACTION && !strcmp(actions_get(c->menu.v[i].act.type)->name, e->name)) {
				pick(c, i);
				return;
			}
		LOG_W("input script line %d: no menu entry for '%s'", e->line, e->name);
		break;
	}
	}
}

static void extra_line(desk *c, const char *fmt, const char *a, const char *b)
{
	if (c->nextra >= MAX_EXTRA)
		return;
	snprintf(c->extra_text[c->nextra], SCENE_TEXT, fmt, a ? a : "", b ? b : "");
	c->extra[c->nextra] = c->extra_text[c->nextra];
	c->nextra++;
}

static const char *const help_lines[] = {
	"Keys (F1 closes this help)",
	"M           show / hide the menu of actions",
	"1-9, 0      pick an action from the menu",
	"Tab         more actions   Up/Down, Enter  pick",
	"Left click  pick the menu line under the mouse",
	"Space       one chest compression: keep 100-120 /min",
	"            (CPR starts after 4 in rhythm, stops",
	"            after 2 s without one)",
	"P pause   R restart   Esc quit",
	"Right mouse + move  look   W/A/S/D/Q/E  move",
	"Mouse wheel  closer   Shift  faster",
	"Hands (left mouse button): drag down on the chest",
	"  to compress; carry the pads from the cart to the",
	"  chest (Shift: under the back); hold a carotid or",
	"  wrist to feel a pulse; drag the forehead to tilt",
	"  the head; click the bag, then squeeze it; click",
	"  the defibrillator's buttons",
};

static const char *const instrument_help[] = {
	"Instruments (surgical scenarios):",
	"H  switch hand   I  next instrument   U  put it down",
	"Left drag  move in the skin plane",
	"Shift+drag  up/down   PgUp/PgDn  0.5 mm up/down",
	"Ctrl+drag  turn (yaw, pitch)   Ctrl+Shift+drag  roll",
	"G  close/open the jaws   T/Y  throw cw/ccw   C  cut",
};

static void build_extra(desk *c)
{
	c->nextra = 0;
	c->menu_count = 0;
	if (c->help) {
		for (size_t i = 0; i < sizeof help_lines / sizeof help_lines[0]; i++)
			extra_line(c, "%s", help_lines[i], NULL);
		for (size_t i = 0; c->ic.enabled && i < sizeof instrument_help / sizeof instrument_help[0]; i++)
			extra_line(c, "%s", instrument_help[i], NULL);
		return;
	}
	char buf[SCENE_TEXT];
	if (c->finished) {
		extra_line(c, "Session over: R restart, Esc quit", NULL, NULL);
		return;
	}
	if (host_paused(c->h))
		extra_line(c, "PAUSED - P resumes", NULL, NULL);
	int ni = instr_ctl_status(&c->ic, c->s, c->instr_text[0], SCENE_TEXT, 2);
	for (int i = 0; i < ni; i++)
		extra_line(c, "%s", c->instr_text[i], NULL);
	if (ni)
		extra_line(c, "H hand, I instrument, drag/Shift/Ctrl move, G jaws, F1 keys", NULL, NULL);
	if (!ni) { /* care by hand (no CPR at the tissue pad) */
		char lines[6][SCENE_TEXT];
		int nc = care_status(&c->care, c->s, lines[0], SCENE_TEXT, 6);
		for (int i = 0; i < nc; i++)
			extra_line(c, "%.94s", lines[i], NULL);
		if (c->care.npress >= 2 && c->care.press_t[c->care.npress - 1] > c->care.press_t[0]) {
			double rate = 60.0 * (c->care.npress - 1) / (c->care.press_t[c->care.npress - 1] - c->care.press_t[0]);
			snprintf(buf, sizeof buf, "CPR %s: %.0f /min", c->care.cpr_active ? "on" : "starting", rate);
		} else {
			snprintf(buf, sizeof buf, "CPR %s: Space, or drag down on the chest", c->care.cpr_active ? "on" : "off");
		}
		extra_line(c, "%s", buf, NULL);
	}
	int pages = (c->menu.n + MENU_PAGE - 1) / MENU_PAGE;
	if (!c->menu_shown) {
		extra_line(c, "M: the menu of actions (F1: help)", NULL, NULL);
		return;
	}
	if (pages > 1)
		snprintf(buf, sizeof buf, "Actions %d/%d (1-0, Tab: more, F1: help)", c->page + 1, pages);
	else
		snprintf(buf, sizeof buf, "Actions (1-0, F1: help)");
	extra_line(c, "%s", buf, NULL);
	c->menu_line0 = (int)c->nextra;
	for (int i = c->page * MENU_PAGE; i < c->menu.n && i < (c->page + 1) * MENU_PAGE; i++) {
		snprintf(buf, sizeof buf, "%s%d  %.60s", i == c->sel ? "> " : "  ", (i % MENU_PAGE + 1) % 10, c->menu.v[i].label);
		extra_line(c, "%s", buf, NULL);
		c->menu_count++;
	}
}

/* The mouse, read every frame: a left-button drag that did not start on a menu line moves the instrument. */
static void live_drag(desk *c, scrub_desktop *d)
{
	if (!c->ic.enabled)
		return;
	scrub_desktop_pointer pt;
	scrub_desktop_pointer_state(d, &pt);
	double x = pt.x, y = pt.y;
	bool down = pt.left;
	if (down && c->drag_live && !c->drag_blocked && !host_paused(c->h) && !c->finished) {
		int mods = (pt.mods & SCRUB_MOD_SHIFT ? INSTR_MOD_SHIFT : 0) | (pt.mods & SCRUB_MOD_CONTROL ? INSTR_MOD_CTRL : 0);
		if (x != c->drag_x || y != c->drag_y)
			instr_ctl_drag(&c->ic, x - c->drag_x, y - c->drag_y, mods);
	}
	c->drag_live = down;
	c->drag_x = x;
	c->drag_y = y;
}

/* The mouse, read every frame, for care by hand (the left button; Shift when letting go of a pad). */
static void live_mouse(desk *c, scrub_desktop *d)
{
	scrub_desktop_pointer pt;
	scrub_desktop_pointer_state(d, &pt);
	c->mx = pt.x;
	c->my = pt.y;
	bool down = pt.left;
	if (down && !c->mdown_prev && !c->mdown) {
		c->mblocked = c->drag_blocked; /* set by the press event: a menu line */
		c->mpx = c->mx, c->mpy = c->my;
	}
	c->mdown = down;
	c->mshift = (pt.mods & SCRUB_MOD_SHIFT) != 0;
}

static const scrub_render_snapshot *frame(void *user, scrub_desktop *d, const scrub_desktop_frame_info *info)
{
	desk *c = user;
	c->fb_w = info->width;
	c->fb_h = info->height;
	bool script_done = !c->scripted || c->iev >= c->script.n;
	bool shot_pending = c->o->screenshot && !c->shot_done;
	if (c->h && host_end_requested(c->h)) /* Ctrl-C or SIGTERM: ends like closing the window */
		c->quit = true;
	if (c->quit || (c->scripted && script_done && c->finished && !shot_pending))
		return NULL;
	double step = c->scripted ? c->script.frame_dt : fmin(info->dt, 0.1);
	if (c->scripted) {
		while (c->iev < c->script.n && c->script.v[c->iev].t <= c->script_clock + 1e-9 && !c->quit) {
			const script_ev *e = &c->script.v[c->iev++];
			run_script_event(c, e);
			/* one change of the button per frame: the hands must see a release before the next press */
			if ((e->kind == EV_MDOWN || e->kind == EV_MUP) && c->iev < c->script.n &&
			    (c->script.v[c->iev].kind == EV_MDOWN || c->script.v[c->iev].kind == EV_MUP))
				break;
		}
		c->script_clock += step;
	}
	if (c->quit)
		return NULL;
	if (!c->scripted)
		live_drag(c, d);
	if (!c->scripted && c->care.enabled)
		live_mouse(c, d);
	if (!c->finished && !host_paused(c->h))
		instr_ctl_flush(&c->ic); /* the hands' poses of this frame, before the step */
	if (c->care.enabled && !c->scene.snapshot.camera.view_count)
		scrub_desktop_camera(d, &c->scene.snapshot.camera); /* picking needs the camera from the first frame */
	if (!c->finished && !host_paused(c->h) && c->care.enabled) {
		care_hand hands[CARE_HANDS] = {{0}};
		desk_hand(c, &hands[0]);
		care_frame(&c->care, c->s, hands); /* the hands of this frame, before the step */
	}
	if (!c->finished) {
		host_advance(c->h, step);
		if (sim_session_ended(c->s))
			attempt_finish(c, false);
	}
	if (shot_pending && ((c->o->shot_at >= 0 && sim_session_time(c->s) >= c->o->shot_at - 1e-9) ||
	                     (c->o->shot_at < 0 && c->finished))) {
		scrub_desktop_request_screenshot(d, c->o->screenshot);
		c->shot_done = true;
	}
	build_extra(c);
	scrub_desktop_camera(d, &c->scene.snapshot.camera);
	scene_sim_params p = {.aspect = info->height ? (float)info->width / (float)info->height : 1.f,
	                      .use_camera = true, .extra_hud = c->extra, .extra_hud_count = c->nextra,
	                      .hide_results = c->help, .care = &c->care, .draw_hands = true};
	scene_sim_update(&c->scene, c->s, &p);
	c->menu_line0 += (int)(c->scene.snapshot.hud_line_count - c->nextra);
	return &c->scene.snapshot;
}

/* Tests under LeakSanitizer: keep the Vulkan driver loaded after the instance is gone, or its global allocations
 * read as leaks once the loader unloads it (see tests/render/test_render_golden.c). */
void desk_pin_test_driver(void)
{
	const char *pin = getenv("SCRUB_TEST_PIN_LIB");
	if (pin && *pin && !dlopen(pin, RTLD_NOW | RTLD_NODELETE))
		LOG_W("cannot pin %s: %s", pin, dlerror());
}

bool run_desktop_has_display(void)
{
	const char *x = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
	return (x && *x) || (w && *w);
}

int run_desktop(const run_desktop_opts *o)
{
	desk *c = calloc(1, sizeof *c);
	if (!c)
		return EXIT_RUNTIME;
	c->o = o;
	c->scn = o->scn;
	if (o->input_script) {
		if (!desk_script_load(o->input_script, &c->script)) {
			free(c);
			return EXIT_INVALID;
		}
		c->scripted = true;
	}
	desk_pin_test_driver();
	char title[256];
	snprintf(title, sizeof title, "Scrub - %s", o->scn->title ? o->scn->title : o->scn->id);
	scrub_desktop_desc desc = {.title = title, .width = o->width, .height = o->height, .validation = o->validation};
	if (scrub_desktop_create(&desc, &c->d) != SCRUB_OK) {
		free(c->script.v);
		free(c);
		return RUN_DESKTOP_UNAVAILABLE;
	}
	input_menu_build(&c->menu, c->scn);
	float eye[3], at[3], fovy;
	if (!o->view || !scene_sim_view(o->view, eye, at, &fovy))
		scene_sim_camera_for(c->scn, eye, at, &fovy);
	scrub_desktop_set_camera(c->d, eye, at, fovy);
	scrub_desktop_set_input_fn(c->d, on_input, c);
	if (!o->quiet)
		fprintf(stderr, "Desktop mode on %s: F1 shows the keys; Esc quits.\n",
		        scrub_renderer_device_name(scrub_desktop_renderer(c->d)));
	c->rc = EXIT_DONE;
	if (attempt_start(c)) {
		scrub_result r = scrub_desktop_run(c->d, frame, c, 0);
		if (r != SCRUB_OK) {
			fprintf(stderr, "scrub run: the window failed: %s\n", scrub_result_str(r));
			c->rc = EXIT_RUNTIME;
		}
		attempt_finish(c, true); /* closed before the end: scored up to now, marked incomplete */
		if (o->screenshot && !c->shot_done)
			fprintf(stderr, "scrub run: no screenshot: the window closed before %s\n",
			        o->shot_at >= 0 ? "the --at time" : "the end");
		if (o->validation) {
			uint32_t n = scrub_renderer_validation_messages(scrub_desktop_renderer(c->d));
			if (n) {
				fprintf(stderr, "scrub run: %u Vulkan validation messages\n", n);
				c->rc = EXIT_RUNTIME;
			}
		}
	} else {
		c->rc = EXIT_RUNTIME;
	}
	attempt_free(c);
	scrub_desktop_destroy(&c->d);
	cli_signals_clear();
	int rc = c->rc;
	input_menu_free(&c->menu);
	free(c->script.v);
	free(c);
	return cli_exit_after_session(rc);
}

