/* scrub run in a window: input mapping, the session driven by the frame loop, the record; and the offscreen
 * screenshot of a headless run (see run_desktop.h, docs/desktop.md). */
#define SCRUB_LOG_MODULE "run"
#include "run_desktop.h"
#include "session_out.h"

#include "cli.h"
#include "log.h"
#include "scene_from_sim.h"
#include "instrument_input.h"
#include "script.h"
#include "scrub_desktop.h"

#include <GLFW/glfw3.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


#define MENU_PAGE 10            /* keys 1..9 and 0 */
#define CPR_DEPTH_MM 55.0       /* a key press cannot measure depth: every compression is recorded at 55 mm */
#define CPR_START_PRESSES 4     /* start_cpr is inferred after this many compressions in rhythm... */
#define CPR_GAP_S 2.0           /* ...and stop_cpr once no compression came for this long */
#define MAX_EXTRA 24

/* ---- the vocabulary: what the menu offers ----------------------------------------------------------------- */

typedef struct vocab_entry {
	sim_action a;
	char label[72];
} vocab_entry;

typedef struct vocab {
	vocab_entry *v;
	int n, cap;
} vocab;

static bool match_ok(const scn_match *m, const sim_action *a)
{
	if (m->action != a->type)
		return false;
	for (int i = 0; i < m->n; i++) {
		const scn_constraint *c = &m->c[i];
		const act_value *v = &a->params[c->param];
		if (!v->set)
			return false;
		if (c->is_symbol ? !(v->sym >= 0 && v->sym < 64 && (c->symbols >> v->sym) & 1)
		                 : !(v->num >= c->lo - 1e-9 && v->num <= c->hi + 1e-9))
			return false;
	}
	return true;
}

static bool same_symbols(const sim_action *a, const sim_action *b)
{
	if (a->type != b->type)
		return false;
	const act_def *def = actions_get(a->type);
	for (int i = 0; i < ACT_MAX_PARAMS && def->params[i].name; i++)
		if (def->params[i].kind == ACT_PARAM_SYMBOL &&
		    (a->params[i].set != b->params[i].set || (a->params[i].set && a->params[i].sym != b->params[i].sym)))
			return false;
	return true;
}

static bool vocab_skip(act_id type)
{
	const act_def *def = actions_get(type);
	/* instrument poses and the tissue's derived outcomes are no menu entries (instrument_input.c writes poses) */
	return !def || !strcmp(def->name, "compression") || !strcmp(def->name, ACT_JUMP_NAME) ||
	       !strcmp(def->category, "derived") || !strcmp(def->category, "tracking") || !strcmp(def->name, "move");
}

static void vocab_add(vocab *vb, const sim_action *a)
{
	if (vb->n == vb->cap) {
		int cap = vb->cap ? 2 * vb->cap : 16;
		vocab_entry *nv = realloc(vb->v, sizeof(*nv) * (size_t)cap);
		if (!nv)
			return;
		vb->v = nv;
		vb->cap = cap;
	}
	vocab_entry *e = &vb->v[vb->n++];
	memset(e, 0, sizeof *e);
	e->a = *a;
	e->a.t = 0;
	e->a.line = e->a.col = 0;
	for (int i = 0; i < ACT_MAX_PARAMS; i++)
		if (e->a.params[i].set && actions_get(a->type)->params[i].kind == ACT_PARAM_TEXT)
			e->a.params[i] = (act_value){0}; /* notes are not offered */
	scene_action_label(&e->a, e->label, sizeof e->label);
}

/* A value inside [lo, hi] for a range constraint: its middle, or the finite end. */
static double pick_value(double lo, double hi)
{
	if (!isfinite(lo))
		return isfinite(hi) ? hi : 0.0;
	if (!isfinite(hi))
		return lo;
	return 0.5 * (lo + hi);
}

static void vocab_add_match(vocab *vb, const scn_match *m)
{
	if (m->action == ACT_NONE || vocab_skip(m->action))
		return;
	for (int i = 0; i < vb->n; i++)
		if (match_ok(m, &vb->v[i].a))
			return; /* an entry already does what this transition or item expects */
	sim_action a = {.type = m->action};
	for (int i = 0; i < m->n; i++) {
		const scn_constraint *c = &m->c[i];
		act_value *v = &a.params[c->param];
		v->set = true;
		if (c->is_symbol) {
			int k = 0;
			while (k < 63 && !((c->symbols >> k) & 1))
				k++;
			v->sym = k;
		} else {
			v->num = pick_value(c->lo, c->hi);
		}
	}
	const act_def *def = actions_get(m->action);
	for (int i = 0; i < ACT_MAX_PARAMS && def->params[i].name; i++) {
		if (a.params[i].set || !def->params[i].required)
			continue;
		if (def->params[i].kind != ACT_PARAM_SYMBOL)
			return; /* a required amount nobody stated: not offered */
		a.params[i] = (act_value){.set = true, .sym = 0};
	}
	vocab_add(vb, &a);
}

/* The actions the scenario's model runs, transitions and checklist mention, with the values they use or expect. */
static void vocab_build(vocab *vb, const scenario *scn)
{
	for (int r = 0; r < scn->nruns; r++)
		for (int i = 0; i < scn->runs[r].nactions; i++) {
			const sim_action *a = &scn->runs[r].actions[i];
			if (vocab_skip(a->type))
				continue;
			bool dup = false;
			for (int k = 0; k < vb->n && !dup; k++)
				dup = same_symbols(&vb->v[k].a, a);
			if (!dup)
				vocab_add(vb, a);
		}
	for (int s = 0; s < scn->nstates; s++)
		for (int t = 0; t < scn->states[s].ntransitions; t++)
			if (scn->states[s].transitions[t].trigger == SCN_ON_ACTION)
				vocab_add_match(vb, &scn->states[s].transitions[t].match);
	for (int i = 0; i < scn->checklist.n; i++)
		if (scn->checklist.items[i].kind == SCN_ITEM_DO)
			vocab_add_match(vb, &scn->checklist.items[i].match);
}

/* ---- input scripts ---------------------------------------------------------------------------------------- */

typedef enum script_kind { EV_KEY, EV_PICK, EV_CLICK, EV_QUIT, EV_DRAG } script_kind;

typedef struct script_ev {
	double t;          /* on the script's clock */
	int seq;           /* order in the file (ties keep it) */
	script_kind kind;
	int key;           /* KEY */
	char name[64];     /* PICK: action name or entry number */
	double x, y;       /* CLICK: fraction of the window; DRAG: pixels (key: modifier bits) */
	int line;
} script_ev;

typedef struct input_script {
	script_ev *v;
	int n, cap;
	double frame_dt;
} input_script;

static const struct {
	const char *name;
	int key;
} key_names[] = {
	{"space", GLFW_KEY_SPACE}, {"tab", GLFW_KEY_TAB}, {"enter", GLFW_KEY_ENTER}, {"up", GLFW_KEY_UP},
	{"down", GLFW_KEY_DOWN}, {"escape", GLFW_KEY_ESCAPE}, {"esc", GLFW_KEY_ESCAPE}, {"f1", GLFW_KEY_F1},
	{"p", GLFW_KEY_P}, {"r", GLFW_KEY_R}, {"0", GLFW_KEY_0}, {"1", GLFW_KEY_1}, {"2", GLFW_KEY_2},
	{"3", GLFW_KEY_3}, {"4", GLFW_KEY_4}, {"5", GLFW_KEY_5}, {"6", GLFW_KEY_6}, {"7", GLFW_KEY_7},
	{"8", GLFW_KEY_8}, {"9", GLFW_KEY_9},
	/* instruments (surgical scenarios, instrument_input.h) */
	{"h", GLFW_KEY_H}, {"i", GLFW_KEY_I}, {"u", GLFW_KEY_U}, {"g", GLFW_KEY_G}, {"t", GLFW_KEY_T},
	{"y", GLFW_KEY_Y}, {"c", GLFW_KEY_C}, {"pageup", GLFW_KEY_PAGE_UP}, {"pagedown", GLFW_KEY_PAGE_DOWN},
};

static script_ev *script_push(input_script *sc)
{
	if (sc->n == sc->cap) {
		int cap = sc->cap ? 2 * sc->cap : 64;
		if (cap > 1000000)
			return NULL;
		script_ev *nv = realloc(sc->v, sizeof(*nv) * (size_t)cap);
		if (!nv)
			return NULL;
		sc->v = nv;
		sc->cap = cap;
	}
	script_ev *e = &sc->v[sc->n++];
	memset(e, 0, sizeof *e);
	return e;
}

static int ev_cmp(const void *a, const void *b)
{
	const script_ev *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static bool parse_time(const char *s, double *out)
{
	const char *why = NULL;
	if (scrub_duration_parse(s, strlen(s), out, &why))
		return *out >= 0;
	char *end;
	*out = strtod(s, &end);
	return end != s && !*end && isfinite(*out) && *out >= 0;
}

/* `TIME drag DX DY [shift|ctrl|ctrl+shift] [over DURATION]`: a left-button drag of DX, DY pixels (y down), spread
 * evenly over the frames of DURATION (default: one frame). `line` is the line with its comment cut off. */
static const char *script_drag(input_script *sc, double t, const char *line, int lineno)
{
	char w[7][64] = {{0}};
	int nw = sscanf(line, "%63s %63s %63s %63s %63s %63s %63s", w[0], w[1], w[2], w[3], w[4], w[5], w[6]);
	char *e1, *e2;
	double dx = strtod(w[2], &e1), dy = strtod(w[3], &e2), over = 0;
	if (*e1 || *e2 || !isfinite(dx) || !isfinite(dy) || fabs(dx) > 1e5 || fabs(dy) > 1e5)
		return "drag needs DX and DY in pixels, e.g. 'drag 120 -40 shift over 1s'";
	int mods = 0, i = 4;
	if (i < nw && (!strcmp(w[i], "shift") || !strcmp(w[i], "ctrl") || !strcmp(w[i], "ctrl+shift"))) {
		mods = !strcmp(w[i], "shift") ? INSTR_MOD_SHIFT : !strcmp(w[i], "ctrl") ? INSTR_MOD_CTRL
		                                                                          : INSTR_MOD_CTRL | INSTR_MOD_SHIFT;
		i++;
	}
	if (i < nw) {
		if (strcmp(w[i], "over") != 0 || i + 2 != nw || !parse_time(w[i + 1], &over) || over > 600)
			return "drag: after DX DY come an optional modifier (shift, ctrl, ctrl+shift) and 'over DURATION'";
	}
	int n = over > 0 ? (int)ceil(over / sc->frame_dt - 1e-9) : 1;
	for (int k = 0; k < n; k++) {
		script_ev *e = script_push(sc);
		if (!e)
			return "too many events";
		*e = (script_ev){.t = t + k * sc->frame_dt, .kind = EV_DRAG, .x = dx / n, .y = dy / n, .key = mods,
		                 .line = lineno};
	}
	return NULL;
}

/* Reads an input script; prints "FILE:LINE: error: ..." and returns false on any problem. */
static bool script_load(const char *path, input_script *sc)
{
	memset(sc, 0, sizeof *sc);
	sc->frame_dt = 1.0 / 30.0;
	char *text = NULL;
	size_t len = 0;
	if (scrub_read_file(path, 4u << 20, &text, &len) != SCRUB_OK) {
		fprintf(stderr, "scrub run: cannot read the input script %s: %s\n", path, strerror(errno));
		return false;
	}
	bool ok = true;
	int lineno = 0;
	double prev = 0;
	for (char *line = text, *next; line && ok; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char w[4][64] = {{0}};
		int nw = sscanf(line, "%63s %63s %63s %63s", w[0], w[1], w[2], w[3]);
		if (nw <= 0)
			continue;
		const char *err = NULL;
		double t = 0;
		if (!strcmp(w[0], "frame_dt")) {
			double v = 0;
			if (nw != 2 || !parse_time(w[1], &v) || !(v > 0 && v <= 10))
				err = "frame_dt needs a time per frame between 0 and 10 s, e.g. 'frame_dt 0.1'";
			else
				sc->frame_dt = v;
		} else if (!parse_time(w[0], &t)) {
			err = "expected a time (0:05, 12.5s) or 'frame_dt'";
		} else if (t < prev) {
			err = "times must not go back";
		} else if (nw >= 2 && !strcmp(w[1], "key") && nw == 3) {
			int key = -1;
			for (size_t k = 0; k < sizeof key_names / sizeof key_names[0]; k++)
				if (!strcmp(key_names[k].name, w[2]))
					key = key_names[k].key;
			script_ev *e = key >= 0 ? script_push(sc) : NULL;
			if (key < 0)
				err = "unknown key (space, tab, enter, up, down, escape, f1, p, r, 0-9, h, i, u, g, t, y, c, pageup, pagedown)";
			else if (e)
				*e = (script_ev){.t = t, .kind = EV_KEY, .key = key, .line = lineno};
		} else if (nw >= 2 && !strcmp(w[1], "pick") && nw == 3) {
			script_ev *e = script_push(sc);
			if (e) {
				*e = (script_ev){.t = t, .kind = EV_PICK, .line = lineno};
				snprintf(e->name, sizeof e->name, "%s", w[2]);
			}
		} else if (nw >= 2 && !strcmp(w[1], "click") && nw == 4) {
			char *e1, *e2;
			double x = strtod(w[2], &e1), y = strtod(w[3], &e2);
			script_ev *e = (!*e1 && !*e2 && x >= 0 && x <= 1 && y >= 0 && y <= 1) ? script_push(sc) : NULL;
			if (!e)
				err = "click needs x and y as fractions of the window (0..1)";
			else
				*e = (script_ev){.t = t, .kind = EV_CLICK, .x = x, .y = y, .line = lineno};
		} else if (nw >= 2 && !strcmp(w[1], "cpr") && nw == 4) {
			char *e1;
			double rate = strtod(w[2], &e1), dur = 0;
			if (*e1 || !(rate >= 10 && rate <= 300) || !parse_time(w[3], &dur))
				err = "cpr needs a rate (/min, 10..300) and a duration, e.g. 'cpr 110 60s'";
			for (double k = t; !err && k < t + dur - 1e-9; k += 60.0 / rate) {
				script_ev *e = script_push(sc);
				if (!e)
					err = "too many events";
				else
					*e = (script_ev){.t = k, .kind = EV_KEY, .key = GLFW_KEY_SPACE, .line = lineno};
			}
		} else if (nw >= 4 && !strcmp(w[1], "drag")) {
			err = script_drag(sc, t, line, lineno);
		} else if (nw == 2 && !strcmp(w[1], "quit")) {
			script_ev *e = script_push(sc);
			if (e)
				*e = (script_ev){.t = t, .kind = EV_QUIT, .line = lineno};
		} else {
			err = "expected 'TIME key KEY', 'TIME pick ACTION|N', 'TIME click X Y', 'TIME cpr RATE DURATION', "
			      "'TIME drag DX DY [shift|ctrl|ctrl+shift] [over DURATION]' or 'TIME quit'";
		}
		if (!err && sc->n && !sc->v) /* an allocation failed */
			err = "out of memory";
		if (err) {
			fprintf(stderr, "%s:%d: error: %s\n", path, lineno, err);
			ok = false;
		}
		if (strcmp(w[0], "frame_dt") != 0)
			prev = t;
	}
	free(text);
	if (!ok) {
		free(sc->v);
		memset(sc, 0, sizeof *sc);
		return false;
	}
	/* a cpr block's presses interleave with the lines after it */
	for (int i = 0; i < sc->n; i++)
		sc->v[i].seq = i;
	if (sc->n)
		qsort(sc->v, (size_t)sc->n, sizeof *sc->v, ev_cmp);
	return true;
}

/* ---- the desktop session --------------------------------------------------------------------------------- */

typedef struct desk {
	const run_desktop_opts *o;
	const scenario *scn;
	scrub_desktop *d;
	vocab vb;
	input_script script;
	bool scripted;
	int iev;
	double script_clock;
	/* the current attempt (R starts another) */
	int attempt;
	char dir[4200], act_path[4300];
	sim_session *s;
	session_out out;        /* this attempt's folder, record and report */
	scrub_buf actions_txt;
	bool finished;          /* scored and written */
	bool paused, help, quit;
	double clock;           /* simulated time the frames have asked for */
	int page, sel;
	/* CPR on the space bar */
	bool cpr_active;
	double press_t[8];
	int npress;
	/* screenshot */
	bool shot_done;
	/* the picture */
	scene_sim scene;
	char extra_text[MAX_EXTRA][SCENE_TEXT];
	const char *extra[MAX_EXTRA];
	uint32_t nextra;
	int menu_line0, menu_count; /* HUD lines of the menu entries, for mouse picks */
	/* instruments (surgical scenarios): keys and left-button drags (instrument_input.h) */
	instr_ctl ic;
	bool drag_live, drag_blocked;
	double drag_x, drag_y;
	char instr_text[2][SCENE_TEXT];
	uint32_t fb_w, fb_h;
	int rc;
} desk;

static void desk_on_event(void *user, const sim_event *ev)
{
	desk *c = user;
	session_out_on_event(&c->out, ev);
	scene_sim_on_event(&c->scene, ev);
}

static void desk_emit(void *user, const sim_action *a);

static const char *who(const desk *c) { return c->o->trainee ? c->o->trainee : "anonymous"; }

static bool attempt_start(desk *c)
{
	c->attempt++;
	if (c->attempt == 1)
		snprintf(c->dir, sizeof c->dir, "%s", c->o->out_dir);
	else
		snprintf(c->dir, sizeof c->dir, "%s-%d", c->o->out_dir, c->attempt);
	snprintf(c->act_path, sizeof c->act_path, "%s/actions.txt", c->dir);
	if (session_out_open(&c->out, c->scn, c->dir, c->o->force, who(c), "desktop") != EXIT_DONE)
		return false;
	scrub_buf_init(&c->actions_txt);
	scrub_buf_printf(&c->actions_txt, "# actions taken in the desktop window (%s), as an action script\n",
	                 c->scn->path ? c->scn->path : c->scn->id);
	scene_sim_init(&c->scene, c->scn);
	instr_ctl_init(&c->ic, c->scn, desk_emit, c);
	sim_session_opts so = {.on_event = desk_on_event, .user = c};
	if (sim_session_create(c->scn, &so, &c->s) != SCRUB_OK) {
		fprintf(stderr, "scrub run: cannot start the session (out of memory)\n");
		return false;
	}
	c->finished = c->paused = false;
	c->clock = 0;
	c->cpr_active = false;
	c->npress = 0;
	c->page = c->sel = 0;
	if (!c->o->quiet)
		fprintf(stderr, "Session record: %s\n", c->out.record_path);
	return true;
}

/* Scores the attempt and writes its record, report and action script. `quitting`: the trainee left before the
 * scenario's end; the record then has no "end" line and is scored, like one cut short, up to the last event. */
static void attempt_finish(desk *c, bool quitting)
{
	if (!c->s || c->finished)
		return;
	if (quitting && sim_session_time(c->s) <= 0) { /* a record needs one step to be cut short after */
		sim_session_step(c->s);
		session_out_after_step(&c->out, c->s);
	}
	c->finished = true;
	FILE *f = fopen(c->act_path, "wb");
	bool act_ok = f && fwrite(c->actions_txt.data ? c->actions_txt.data : "", 1, c->actions_txt.len, f) ==
	                           c->actions_txt.len;
	if (f)
		act_ok = fclose(f) == 0 && act_ok;
	if (c->actions_txt.oom || !act_ok) {
		fprintf(stderr, "scrub run: cannot write %s\n", c->act_path);
		c->rc = EXIT_RUNTIME;
	}
	int rc = session_out_finish(&c->out, c->s, !quitting, c->o->quiet);
	if (rc != EXIT_DONE || c->rc == EXIT_DONE)
		c->rc = rc;
	if (!c->o->quiet)
		printf("Actions: %s\n", c->act_path);
	fflush(stdout);
}

static void attempt_free(desk *c)
{
	sim_session_destroy(&c->s);
	session_out_fini(&c->out);
	scrub_buf_fini(&c->actions_txt);
}

/* Feeds an action to the session now (at the current step) and keeps it for the action script. */
static void act(desk *c, const sim_action *src)
{
	if (!c->s || c->finished || sim_session_ended(c->s) || c->paused)
		return;
	sim_action a = *src;
	a.t = sim_session_time(c->s);
	a.line = a.col = 0;
	sim_session_act(c->s, &a);
	const act_def *def = actions_get(a.type);
	scrub_buf_printf(&c->actions_txt, "%.17gs %s", a.t, def->name);
	scrub_buf params;
	scrub_buf_init(&params);
	script_format_params(&a, &params);
	if (params.len)
		scrub_buf_printf(&c->actions_txt, " %.*s", (int)params.len, params.data);
	scrub_buf_fini(&params);
	scrub_buf_puts(&c->actions_txt, "\n");
}

static void desk_emit(void *user, const sim_action *a) { act(user, a); }

static void act_named(desk *c, const char *name, const char *p1, double v1, const char *p2, double v2)
{
	sim_action a = {.type = actions_find(name, strlen(name))};
	if (a.type == ACT_NONE)
		return;
	const act_def *def = actions_get(a.type);
	int i1 = p1 ? act_param_find(def, p1, strlen(p1)) : -1, i2 = p2 ? act_param_find(def, p2, strlen(p2)) : -1;
	if (i1 >= 0)
		a.params[i1] = (act_value){.set = true, .num = v1};
	if (i2 >= 0)
		a.params[i2] = (act_value){.set = true, .num = v2};
	act(c, &a);
}

static void note_cpr_pick(desk *c, act_id type)
{
	const act_def *def = actions_get(type);
	if (!strcmp(def->name, "start_cpr"))
		c->cpr_active = true;
	else if (!strcmp(def->name, "stop_cpr"))
		c->cpr_active = false, c->npress = 0;
}

static void pick(desk *c, int index)
{
	if (index < 0 || index >= c->vb.n || c->finished || c->paused)
		return;
	act(c, &c->vb.v[index].a);
	note_cpr_pick(c, c->vb.v[index].a.type);
	instr_ctl_observe(&c->ic, &c->vb.v[index].a);
	c->sel = index;
}

static double cpr_rate(const desk *c)
{
	if (c->npress < 2 || c->press_t[c->npress - 1] <= c->press_t[0])
		return -1;
	return 60.0 * (c->npress - 1) / (c->press_t[c->npress - 1] - c->press_t[0]);
}

/* One press of the space bar: a compression; a rhythm of them starts CPR (start_cpr with the measured rate). */
static void compression(desk *c)
{
	if (!c->s || c->finished || sim_session_ended(c->s) || c->paused)
		return;
	double t = sim_session_time(c->s);
	act_named(c, "compression", "depth", CPR_DEPTH_MM, NULL, 0);
	if (c->npress && t - c->press_t[c->npress - 1] > CPR_GAP_S)
		c->npress = 0;
	if (c->npress == 8) {
		memmove(c->press_t, c->press_t + 1, sizeof(double) * 7);
		c->npress = 7;
	}
	c->press_t[c->npress++] = t;
	if (!c->cpr_active && c->npress >= CPR_START_PRESSES) {
		double rate = cpr_rate(c);
		if (rate > 0) {
			act_named(c, "start_cpr", "rate", floor(rate + 0.5), "depth", CPR_DEPTH_MM);
			c->cpr_active = true;
		}
	}
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
	case GLFW_KEY_H: ic->active = 1 - ic->active; return true;
	case GLFW_KEY_I: instr_ctl_next_instrument(ic, ic->active); return true;
	case GLFW_KEY_U: instr_ctl_pick(ic, ic->active, INSTR_NONE); return true;
	case GLFW_KEY_G: instr_ctl_grasp(ic, ic->active, !ic->grasp[ic->active]); return true;
	case GLFW_KEY_T: instr_ctl_throw(ic, ic->active, 0); return true;
	case GLFW_KEY_Y: instr_ctl_throw(ic, ic->active, 1); return true;
	case GLFW_KEY_C: instr_ctl_cut_thread(ic, ic->active); return true;
	case GLFW_KEY_PAGE_UP: instr_ctl_depth(ic, 0.5); return true;
	case GLFW_KEY_PAGE_DOWN: instr_ctl_depth(ic, -0.5); return true;
	default: return false;
	}
}

static void handle_key(desk *c, int key)
{
	int pages = (c->vb.n + MENU_PAGE - 1) / MENU_PAGE;
	switch (key) {
	case GLFW_KEY_F1: c->help = !c->help; break;
	case GLFW_KEY_P:
		if (!c->finished)
			c->paused = !c->paused;
		break;
	case GLFW_KEY_R: restart(c); break;
	case GLFW_KEY_ESCAPE: c->quit = true; break;
	case GLFW_KEY_SPACE: compression(c); break;
	case GLFW_KEY_TAB:
		c->page = pages ? (c->page + 1) % pages : 0;
		c->sel = c->page * MENU_PAGE;
		break;
	case GLFW_KEY_UP:
		if (c->sel > 0)
			c->sel--;
		c->page = c->sel / MENU_PAGE;
		break;
	case GLFW_KEY_DOWN:
		if (c->sel + 1 < c->vb.n)
			c->sel++;
		c->page = c->sel / MENU_PAGE;
		break;
	case GLFW_KEY_ENTER:
	case GLFW_KEY_KP_ENTER: pick(c, c->sel); break;
	default:
		if (c->ic.enabled && !c->paused && !c->finished && instrument_key(c, key))
			break;
		if (key >= GLFW_KEY_0 && key <= GLFW_KEY_9)
			pick(c, c->page * MENU_PAGE + (key == GLFW_KEY_0 ? 9 : key - GLFW_KEY_1));
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
	else if (in->kind == SCRUB_DESKTOP_MOUSE_BUTTON && in->key == GLFW_MOUSE_BUTTON_LEFT)
		c->drag_blocked = handle_click(c, in->x, in->y); /* a press on a menu line drags nothing */
}

static void run_script_event(desk *c, const script_ev *e)
{
	switch (e->kind) {
	case EV_KEY: handle_key(c, e->key); break;
	case EV_QUIT: c->quit = true; break;
	case EV_CLICK: handle_click(c, e->x * c->fb_w, e->y * c->fb_h); break;
	case EV_DRAG:
		if (!c->paused && !c->finished)
			instr_ctl_drag(&c->ic, e->x, e->y, e->key);
		break;
	case EV_PICK: {
		char *end;
		long k = strtol(e->name, &end, 10);
		if (!*end && k >= 1 && k <= c->vb.n) {
			pick(c, (int)k - 1);
			break;
		}
		for (int i = 0; i < c->vb.n; i++)
			if (!strcmp(actions_get(c->vb.v[i].a.type)->name, e->name)) {
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
	"1-9, 0      pick an action from the menu",
	"Tab         more actions   Up/Down, Enter  pick",
	"Left click  pick the menu line under the mouse",
	"Space       one chest compression: keep 100-120 /min",
	"            (CPR starts after 4 in rhythm, stops",
	"            after 2 s without one)",
	"P pause   R restart   Esc quit",
	"Right mouse + move  look   W/A/S/D/Q/E  move",
	"Mouse wheel  closer   Shift  faster",
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
	if (c->paused)
		extra_line(c, "PAUSED - P resumes", NULL, NULL);
	int ni = instr_ctl_status(&c->ic, c->s, c->instr_text[0], SCENE_TEXT, 2);
	for (int i = 0; i < ni; i++)
		extra_line(c, "%s", c->instr_text[i], NULL);
	if (ni)
		extra_line(c, "H hand, I instrument, drag/Shift/Ctrl move, G jaws, F1 keys", NULL, NULL);
	double rate = cpr_rate(c);
	bool recent = c->npress && sim_session_time(c->s) - c->press_t[c->npress - 1] <= CPR_GAP_S;
	if (recent && rate > 0)
		snprintf(buf, sizeof buf, "CPR %s: %.0f /min (Space)", c->cpr_active ? "on" : "starting", rate);
	else
		snprintf(buf, sizeof buf, "CPR %s: keep a rhythm on Space", c->cpr_active ? "on" : "off");
	if (!ni) /* no CPR at the tissue pad */
		extra_line(c, "%s", buf, NULL);
	int pages = (c->vb.n + MENU_PAGE - 1) / MENU_PAGE;
	if (pages > 1)
		snprintf(buf, sizeof buf, "Actions %d/%d (1-0, Tab: more, F1: help)", c->page + 1, pages);
	else
		snprintf(buf, sizeof buf, "Actions (1-0, F1: help)");
	extra_line(c, "%s", buf, NULL);
	c->menu_line0 = (int)c->nextra;
	for (int i = c->page * MENU_PAGE; i < c->vb.n && i < (c->page + 1) * MENU_PAGE; i++) {
		snprintf(buf, sizeof buf, "%s%d  %.60s", i == c->sel ? "> " : "  ", (i % MENU_PAGE + 1) % 10, c->vb.v[i].label);
		extra_line(c, "%s", buf, NULL);
		c->menu_count++;
	}
}

/* The mouse, read every frame: a left-button drag that did not start on a menu line moves the instrument. */
static void live_drag(desk *c, scrub_desktop *d)
{
	GLFWwindow *w = scrub_desktop_glfw_window(d);
	if (!c->ic.enabled || !w)
		return;
	double x, y;
	glfwGetCursorPos(w, &x, &y);
	bool down = glfwGetMouseButton(w, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS;
	if (down && c->drag_live && !c->drag_blocked && !c->paused && !c->finished) {
		int mods = 0;
		if (glfwGetKey(w, GLFW_KEY_LEFT_SHIFT) == GLFW_PRESS || glfwGetKey(w, GLFW_KEY_RIGHT_SHIFT) == GLFW_PRESS)
			mods |= INSTR_MOD_SHIFT;
		if (glfwGetKey(w, GLFW_KEY_LEFT_CONTROL) == GLFW_PRESS || glfwGetKey(w, GLFW_KEY_RIGHT_CONTROL) == GLFW_PRESS)
			mods |= INSTR_MOD_CTRL;
		if (x != c->drag_x || y != c->drag_y)
			instr_ctl_drag(&c->ic, x - c->drag_x, y - c->drag_y, mods);
	}
	c->drag_live = down;
	c->drag_x = x;
	c->drag_y = y;
}

static const scrub_render_snapshot *frame(void *user, scrub_desktop *d, const scrub_desktop_frame_info *info)
{
	desk *c = user;
	c->fb_w = info->width;
	c->fb_h = info->height;
	bool script_done = !c->scripted || c->iev >= c->script.n;
	bool shot_pending = c->o->screenshot && !c->shot_done;
	if (c->quit || (c->scripted && script_done && c->finished && !shot_pending))
		return NULL;
	double step = c->scripted ? c->script.frame_dt : fmin(info->dt, 0.1);
	if (c->scripted) {
		while (c->iev < c->script.n && c->script.v[c->iev].t <= c->script_clock + 1e-9 && !c->quit)
			run_script_event(c, &c->script.v[c->iev++]);
		c->script_clock += step;
	}
	if (c->quit)
		return NULL;
	if (!c->scripted)
		live_drag(c, d);
	if (!c->finished && !c->paused)
		instr_ctl_flush(&c->ic); /* the hands' poses of this frame, before the step */
	if (!c->finished) {
		double now = sim_session_time(c->s);
		if (c->cpr_active && c->npress && now - c->press_t[c->npress - 1] > CPR_GAP_S) {
			act_named(c, "stop_cpr", NULL, 0, NULL, 0);
			c->cpr_active = false;
			c->npress = 0;
		}
		if (!c->paused)
			c->clock += step;
		const double dt = c->scn->dt;
		while (!sim_session_ended(c->s) && sim_session_time(c->s) + 0.5 * dt <= c->clock) {
			sim_session_step(c->s);
			session_out_after_step(&c->out, c->s);
			scene_sim_step(&c->scene, c->s);
		}
		if (c->out.record)
			record_maybe_flush(c->out.record);
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
	                      .hide_results = c->help};
	scene_sim_update(&c->scene, c->s, &p);
	c->menu_line0 += (int)(c->scene.snapshot.hud_line_count - c->nextra);
	return &c->scene.snapshot;
}

/* Tests under LeakSanitizer: keep the Vulkan driver loaded after the instance is gone, or its global allocations
 * read as leaks once the loader unloads it (see tests/render/test_render_golden.c). */
static void pin_test_driver(void)
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
		if (!script_load(o->input_script, &c->script)) {
			free(c);
			return EXIT_INVALID;
		}
		c->scripted = true;
	}
	pin_test_driver();
	char title[256];
	snprintf(title, sizeof title, "Scrub - %s", o->scn->title ? o->scn->title : o->scn->id);
	scrub_desktop_desc desc = {.title = title, .width = o->width, .height = o->height, .validation = o->validation};
	if (scrub_desktop_create(&desc, &c->d) != SCRUB_OK) {
		free(c->script.v);
		free(c);
		return RUN_DESKTOP_UNAVAILABLE;
	}
	vocab_build(&c->vb, c->scn);
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
	int rc = c->rc;
	free(c->vb.v);
	free(c->script.v);
	free(c);
	return rc;
}

/* ---- offscreen screenshot of a headless run -------------------------------------------------------------- */

struct run_shot {
	scrub_renderer *r;
	scrub_render_offscreen *off;
	scene_sim scene;
	char *path;
	double at;
	uint32_t w, h;
	bool done;
	bool own_camera;   /* a named view (--view) instead of the scenario's camera */
	bool no_hud;
	scrub_result result;
};

scrub_result run_shot_create(const scenario *scn, const char *path, double at, uint32_t w, uint32_t h, const char *view,
                             bool no_hud, run_shot **out)
{
	*out = NULL;
	run_shot *sh = calloc(1, sizeof *sh);
	if (!sh || !(sh->path = strdup(path))) {
		free(sh);
		return SCRUB_ERR_NOMEM;
	}
	sh->at = at;
	sh->no_hud = no_hud;
	sh->w = w ? w : 1280;
	sh->h = h ? h : 720;
	scene_sim_init(&sh->scene, scn);
	float eye[3], at_[3], fovy;
	if (view && scene_sim_view(view, eye, at_, &fovy)) {
		scrub_render_camera_look(&sh->scene.snapshot.camera, eye, at_, fovy, (float)sh->w / (float)sh->h);
		sh->own_camera = true;
	}
	pin_test_driver();
	scrub_render_desc desc = {0};
	scrub_result r = scrub_renderer_create(&desc, &sh->r);
	if (r == SCRUB_OK)
		r = scrub_render_offscreen_create(sh->r, sh->w, sh->h, 1, &sh->off);
	if (r != SCRUB_OK) {
		run_shot_destroy(&sh);
		return r;
	}
	*out = sh;
	return SCRUB_OK;
}

void run_shot_on_event(run_shot *sh, const sim_event *ev) { scene_sim_on_event(&sh->scene, ev); }

static void shoot(run_shot *sh, const sim_session *s)
{
	sh->done = true;
	scene_sim_params p = {.aspect = (float)sh->w / (float)sh->h, .use_camera = sh->own_camera, .no_hud = sh->no_hud};
	scene_sim_update(&sh->scene, s, &p);
	uint8_t *px = malloc((size_t)sh->w * sh->h * 4);
	if (!px) {
		sh->result = SCRUB_ERR_NOMEM;
		return;
	}
	sh->result = scrub_render_offscreen_draw(sh->r, sh->off, &sh->scene.snapshot);
	if (sh->result == SCRUB_OK)
		sh->result = scrub_render_offscreen_read(sh->r, sh->off, 0, px);
	if (sh->result == SCRUB_OK)
		sh->result = scrub_image_write_png(sh->path, sh->w, sh->h, px);
	free(px);
	if (sh->result == SCRUB_OK)
		LOG_I("screenshot at %.2f s written to %s", sim_session_time(s), sh->path);
}

void run_shot_on_step(run_shot *sh, const sim_session *s)
{
	scene_sim_step(&sh->scene, s);
	if (!sh->done && sh->at >= 0 && sim_session_time(s) >= sh->at - 1e-9)
		shoot(sh, s);
}

scrub_result run_shot_finish(run_shot *sh, const sim_session *s)
{
	if (!sh->done)
		shoot(sh, s);
	return sh->result;
}

void run_shot_destroy(run_shot **psh)
{
	if (!psh || !*psh)
		return;
	run_shot *sh = *psh;
	scrub_render_offscreen_destroy(&sh->off);
	scrub_renderer_destroy(&sh->r);
	free(sh->path);
	free(sh);
	*psh = NULL;
}
