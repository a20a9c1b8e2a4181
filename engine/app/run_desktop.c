/* scrub run in a window: input mapping, the session driven by the frame loop, the record; and the offscreen
 * screenshot of a headless run (see run_desktop.h, docs/desktop.md). */
#define SCRUB_LOG_MODULE "run"
#include "run_desktop.h"
#include "session_out.h"

#include "cli.h"
#include "log.h"
#include "scene_from_sim.h"
#include "care_input.h"
#include "instrument_input.h"
#include "scrub_body.h"
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
#define CPR_MM_PER_PX 0.25      /* compressions with the mouse: 0.25 mm of depth per pixel dragged down */
#define TILT_M_PER_PX 0.0004    /* head tilt with the mouse: the hand moves 0.4 mm per pixel dragged */
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

typedef enum script_kind { EV_KEY, EV_PICK, EV_CLICK, EV_QUIT, EV_DRAG, EV_MDOWN, EV_MMOVE, EV_MUP, EV_MREL } script_kind;

typedef struct script_ev {
	double t;          /* on the script's clock */
	int seq;           /* order in the file (ties keep it) */
	script_kind kind;
	int key;           /* KEY */
	char name[64];     /* PICK: action name or entry number */
	double x, y;       /* CLICK, MDOWN, MMOVE: fraction of the window (or `name`); DRAG, MREL: pixels (key: modifier
	                    * bits); MUP: key = 1 with 'under' */
	int k, n;          /* MMOVE: step k of n frames */
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
	{"m", GLFW_KEY_M},
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

/* Points of the scene a script's mouse can go to by name: what care_input.c reaches for, and the pad sites (where a
 * carried pad is let go; "site_left_back" is the left chest, to be let go with 'under'). */
static const struct {
	const char *name;
	int target;   /* care_target, or CARE_NONE for a pad site */
	int site;     /* scrub_body_part of a pad site, or -1 */
} point_names[] = {
	{"chest", CARE_CHEST, -1}, {"forehead", CARE_FOREHEAD, -1}, {"carotid_left", CARE_CAROTID_LEFT, -1},
	{"carotid_right", CARE_CAROTID_RIGHT, -1}, {"radial_left", CARE_RADIAL_LEFT, -1},
	{"radial_right", CARE_RADIAL_RIGHT, -1}, {"shoulder_left", CARE_SHOULDER_LEFT, -1},
	{"shoulder_right", CARE_SHOULDER_RIGHT, -1}, {"pad_1", CARE_PAD_1, -1}, {"pad_2", CARE_PAD_2, -1},
	{"bvm", CARE_BVM, -1}, {"power", CARE_BTN_POWER, -1}, {"energy", CARE_BTN_ENERGY, -1},
	{"analyse", CARE_BTN_ANALYSE, -1}, {"charge", CARE_BTN_CHARGE, -1}, {"shock", CARE_BTN_SHOCK, -1},
	{"site_right_infraclavicular", CARE_NONE, SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR},
	{"site_left_apex", CARE_NONE, SCRUB_BODY_PAD_LEFT_APEX},
	{"site_left_precordium", CARE_NONE, SCRUB_BODY_PAD_LEFT_PRECORDIUM},
	{"site_left_back", CARE_NONE, SCRUB_BODY_PAD_LEFT_PRECORDIUM},
	{"site_sternum", CARE_NONE, SCRUB_BODY_PAD_STERNUM}, {"site_abdomen", CARE_NONE, SCRUB_BODY_PAD_ABDOMEN},
	{"site_left_infraclavicular", CARE_NONE, SCRUB_BODY_PAD_LEFT_INFRACLAVICULAR},
	{"site_right_apex", CARE_NONE, SCRUB_BODY_PAD_RIGHT_APEX},
};
#define NPOINTS (int)(sizeof point_names / sizeof point_names[0])

static int point_find(const char *name)
{
	for (int i = 0; i < NPOINTS; i++)
		if (!strcmp(point_names[i].name, name))
			return i;
	return -1;
}

/* `NAME` or `X Y` (fractions of the window) from words w[i..]: sets *point (-1 for X Y) and x, y; returns the
 * number of words used (0: neither). */
static int script_where(char (*w)[64], int nw, int i, int *point, double *x, double *y)
{
	if (i < nw && (*point = point_find(w[i])) >= 0)
		return 1;
	char *e1, *e2;
	if (i + 1 < nw) {
		*x = strtod(w[i], &e1), *y = strtod(w[i + 1], &e2);
		if (!*e1 && !*e2 && *x >= 0 && *x <= 1 && *y >= 0 && *y <= 1) {
			*point = -1;
			return 2;
		}
	}
	return 0;
}

/* Care by hand with the mouse (care_input.h):
 *   TIME mouse down NAME|X Y        the left button pressed there (NAME: chest, forehead, carotid_left, ..., pad_1,
 *                                   bvm, power, energy, analyse, charge, shock, site_left_apex, ...)
 *   TIME mouse move NAME|X Y [over D]   the cursor moves there (the button as it is)
 *   TIME mouse drag DX DY [over D]  the cursor moves by DX, DY pixels
 *   TIME mouse up [under]           the button released ('under': with Shift, a pad goes under the back)
 *   TIME compress RATE DURATION DEPTH [RECOIL]   compressions with the button held on the chest: the cursor down by
 *                                   DEPTH (mm, 0.25 mm per pixel) and back up by RECOIL % of it, at RATE /min
 *   TIME hold NAME DURATION         the button pressed on NAME and released DURATION later (a pulse, a button) */
static const char *script_mouse(input_script *sc, double t, const char *line, int lineno)
{
	char w[9][64] = {{0}};
	int nw = sscanf(line, "%63s %63s %63s %63s %63s %63s %63s %63s %63s", w[0], w[1], w[2], w[3], w[4], w[5], w[6],
	                w[7], w[8]);
	script_ev *e;
	if (!strcmp(w[1], "hold")) {
		int point;
		double x, y, dur = 0;
		if (nw != 4 || script_where(w, nw, 2, &point, &x, &y) != 1 || !parse_time(w[3], &dur) || dur > 600)
			return "hold needs a named point and a duration, e.g. 'hold carotid_left 7s'";
		if (!(e = script_push(sc)))
			return "too many events";
		*e = (script_ev){.t = t, .kind = EV_MDOWN, .key = point, .line = lineno};
		if (!(e = script_push(sc)))
			return "too many events";
		*e = (script_ev){.t = t + dur, .kind = EV_MUP, .line = lineno};
		return NULL;
	}
	if (!strcmp(w[1], "compress")) {
		char *e1, *e2, *e3;
		double rate = strtod(w[2], &e1), dur = 0, depth = nw > 4 ? strtod(w[4], &e2) : -1, recoil = 100;
		if (nw < 5 || nw > 6 || *e1 || !(rate >= 20 && rate <= 200) || !parse_time(w[3], &dur) || dur > 600 ||
		    !(depth > 0 && depth <= 80) || (*e2 && strcmp(e2, "mm")))
			return "compress needs a rate (/min), a duration and a depth (mm), e.g. 'compress 110 30s 55mm [90%]'";
		if (nw == 6) {
			recoil = strtod(w[5], &e3);
			if ((*e3 && strcmp(e3, "%")) || !(recoil >= 0 && recoil <= 100))
				return "compress: the recoil is a percentage, 0 to 100";
		}
		/* each stroke: down over half a period, back up over the other half, in whole frames */
		double period = 60.0 / rate;
		int half = (int)floor(period * 0.5 / sc->frame_dt + 1e-9);
		if (half < 1)
			return "compress: the strokes are shorter than two frames; lower frame_dt";
		double res = 0, px = depth / CPR_MM_PER_PX, rest = (1 - recoil / 100.0) * px;
		for (double t0 = t; t0 < t + dur - 1e-9; t0 += period) {
			for (int k = 0; k < 2 * half; k++) {
				if (!(e = script_push(sc)))
					return "too many events";
				double dy = k < half ? (px - res) / half : -(px - rest) / half;
				*e = (script_ev){.t = t0 + k * sc->frame_dt, .kind = EV_MREL, .y = dy, .line = lineno};
			}
			res = rest;
		}
		if (rest > 0) { /* the hands come off the chest at the end */
			if (!(e = script_push(sc)))
				return "too many events";
			*e = (script_ev){.t = t + ceil(dur / period) * period, .kind = EV_MREL, .y = -rest, .line = lineno};
		}
		return NULL;
	}
	/* mouse ... */
	int point = -1;
	double x = 0, y = 0, over = 0;
	if (!strcmp(w[2], "down")) {
		if (nw != 3 + script_where(w, nw, 3, &point, &x, &y) || nw < 4)
			return "mouse down needs a named point or X Y (fractions of the window)";
		if (!(e = script_push(sc)))
			return "too many events";
		*e = (script_ev){.t = t, .kind = EV_MDOWN, .key = point, .x = x, .y = y, .line = lineno};
		return NULL;
	}
	if (!strcmp(w[2], "up")) {
		if (nw > 4 || (nw == 4 && strcmp(w[3], "under")))
			return "mouse up takes nothing or 'under'";
		if (!(e = script_push(sc)))
			return "too many events";
		*e = (script_ev){.t = t, .kind = EV_MUP, .key = nw == 4, .line = lineno};
		return NULL;
	}
	bool move = !strcmp(w[2], "move"), drag = !strcmp(w[2], "drag");
	if (!move && !drag)
		return "mouse down, move, drag or up";
	int used = 0;
	if (move) {
		used = script_where(w, nw, 3, &point, &x, &y);
	} else {
		char *e1, *e2;
		x = strtod(w[3], &e1), y = strtod(w[4], &e2);
		used = nw >= 5 && !*e1 && !*e2 && fabs(x) <= 1e5 && fabs(y) <= 1e5 ? 2 : 0;
	}
	if (!used)
		return move ? "mouse move needs a named point or X Y" : "mouse drag needs DX DY in pixels";
	int i = 3 + used;
	if (i < nw && (strcmp(w[i], "over") || i + 2 != nw || !parse_time(w[i + 1], &over) || over > 600))
		return "after the point comes an optional 'over DURATION'";
	int n = over > 0 ? (int)ceil(over / sc->frame_dt - 1e-9) : 1;
	for (int k = 0; k < n; k++) {
		if (!(e = script_push(sc)))
			return "too many events";
		if (move)
			*e = (script_ev){.t = t + k * sc->frame_dt, .kind = EV_MMOVE, .key = point, .x = x, .y = y, .k = k,
			                 .n = n, .line = lineno};
		else
			*e = (script_ev){.t = t + k * sc->frame_dt, .kind = EV_MREL, .x = x / n, .y = y / n, .line = lineno};
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
				err = "unknown key (space, tab, enter, up, down, escape, f1, m, p, r, 0-9, h, i, u, g, t, y, c, pageup, "
				      "pagedown)";
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
		} else if (nw >= 3 && (!strcmp(w[1], "mouse") || !strcmp(w[1], "compress") || !strcmp(w[1], "hold"))) {
			err = script_mouse(sc, t, line, lineno);
		} else if (nw == 2 && !strcmp(w[1], "quit")) {
			script_ev *e = script_push(sc);
			if (e)
				*e = (script_ev){.t = t, .kind = EV_QUIT, .line = lineno};
		} else {
			err = "expected 'TIME key KEY', 'TIME pick ACTION|N', 'TIME click X Y', 'TIME cpr RATE DURATION', "
			      "'TIME drag DX DY [shift|ctrl|ctrl+shift] [over DURATION]', 'TIME mouse ...', 'TIME compress ...', "
			      "'TIME hold ...' or 'TIME quit'";
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
	bool menu_shown;        /* the menu's lines in the HUD (M); hidden at a patient: the hands act there */
	double clock;           /* simulated time the frames have asked for */
	int page, sel;
	/* care by hand (care_input.h): the space bar's compressions and the mouse */
	care_ctl care;
	double mx, my;              /* the cursor, framebuffer pixels */
	bool mdown, mdown_prev, mshift, mblocked;
	care_target mtarget;        /* what the held button took */
	double mx0, my0;            /* where the button went down */
	double mpx, mpy;            /* ... as the press reported it (a script may move on in the same frame) */
	float mstart[3];            /* ... on what (body frame) */
	float mhover[3];            /* a carried pad: over where */
	double move_from[2], move_to[2]; /* a scripted move under way */
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
	care_init(&c->care, c->scn, &c->scene.signs, desk_emit, c);
	c->mtarget = CARE_NONE;
	c->mdown = c->mdown_prev = c->mblocked = false;
	sim_session_opts so = {.on_event = desk_on_event, .user = c};
	if (sim_session_create(c->scn, &so, &c->s) != SCRUB_OK) {
		fprintf(stderr, "scrub run: cannot start the session (out of memory)\n");
		return false;
	}
	c->finished = c->paused = false;
	c->menu_shown = !c->care.enabled;
	c->clock = 0;
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

static void pick(desk *c, int index)
{
	if (index < 0 || index >= c->vb.n || c->finished || c->paused)
		return;
	act(c, &c->vb.v[index].a);
	care_observe(&c->care, &c->vb.v[index].a);
	instr_ctl_observe(&c->ic, &c->vb.v[index].a);
	c->sel = index;
}

/* One press of the space bar: a compression of 55 mm (a key cannot measure depth); care_input.c infers start_cpr
 * from a rhythm of them and stop_cpr when they stop. */
static void compression(desk *c)
{
	if (!c->s || c->finished || sim_session_ended(c->s) || c->paused)
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
	case GLFW_KEY_M: c->menu_shown = !c->menu_shown; break;
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
		c->drag_blocked = c->mblocked = handle_click(c, in->x, in->y); /* a press on a menu line drags nothing */
}

/* ---- care by hand with the mouse (care_input.h) ---------------------------------------------------------- */

static void mat4_mulv(const float m[16], const float v[4], float out[4])
{
	for (int i = 0; i < 4; i++)
		out[i] = m[i] * v[0] + m[4 + i] * v[1] + m[8 + i] * v[2] + m[12 + i] * v[3];
}

/* inverse of a 4x4 matrix (cofactors); false when singular */
static bool mat4_inverse(const float m[16], float inv[16])
{
	float t[16];
	t[0] = m[5] * m[10] * m[15] - m[5] * m[11] * m[14] - m[9] * m[6] * m[15] + m[9] * m[7] * m[14] + m[13] * m[6] * m[11] - m[13] * m[7] * m[10];
	t[4] = -m[4] * m[10] * m[15] + m[4] * m[11] * m[14] + m[8] * m[6] * m[15] - m[8] * m[7] * m[14] - m[12] * m[6] * m[11] + m[12] * m[7] * m[10];
	t[8] = m[4] * m[9] * m[15] - m[4] * m[11] * m[13] - m[8] * m[5] * m[15] + m[8] * m[7] * m[13] + m[12] * m[5] * m[11] - m[12] * m[7] * m[9];
	t[12] = -m[4] * m[9] * m[14] + m[4] * m[10] * m[13] + m[8] * m[5] * m[14] - m[8] * m[6] * m[13] - m[12] * m[5] * m[10] + m[12] * m[6] * m[9];
	t[1] = -m[1] * m[10] * m[15] + m[1] * m[11] * m[14] + m[9] * m[2] * m[15] - m[9] * m[3] * m[14] - m[13] * m[2] * m[11] + m[13] * m[3] * m[10];
	t[5] = m[0] * m[10] * m[15] - m[0] * m[11] * m[14] - m[8] * m[2] * m[15] + m[8] * m[3] * m[14] + m[12] * m[2] * m[11] - m[12] * m[3] * m[10];
	t[9] = -m[0] * m[9] * m[15] + m[0] * m[11] * m[13] + m[8] * m[1] * m[15] - m[8] * m[3] * m[13] - m[12] * m[1] * m[11] + m[12] * m[3] * m[9];
	t[13] = m[0] * m[9] * m[14] - m[0] * m[10] * m[13] - m[8] * m[1] * m[14] + m[8] * m[2] * m[13] + m[12] * m[1] * m[10] - m[12] * m[2] * m[9];
	t[2] = m[1] * m[6] * m[15] - m[1] * m[7] * m[14] - m[5] * m[2] * m[15] + m[5] * m[3] * m[14] + m[13] * m[2] * m[7] - m[13] * m[3] * m[6];
	t[6] = -m[0] * m[6] * m[15] + m[0] * m[7] * m[14] + m[4] * m[2] * m[15] - m[4] * m[3] * m[14] - m[12] * m[2] * m[7] + m[12] * m[3] * m[6];
	t[10] = m[0] * m[5] * m[15] - m[0] * m[7] * m[13] - m[4] * m[1] * m[15] + m[4] * m[3] * m[13] + m[12] * m[1] * m[7] - m[12] * m[3] * m[5];
	t[14] = -m[0] * m[5] * m[14] + m[0] * m[6] * m[13] + m[4] * m[1] * m[14] - m[4] * m[2] * m[13] - m[12] * m[1] * m[6] + m[12] * m[2] * m[5];
	t[3] = -m[1] * m[6] * m[11] + m[1] * m[7] * m[10] + m[5] * m[2] * m[11] - m[5] * m[3] * m[10] - m[9] * m[2] * m[7] + m[9] * m[3] * m[6];
	t[7] = m[0] * m[6] * m[11] - m[0] * m[7] * m[10] - m[4] * m[2] * m[11] + m[4] * m[3] * m[10] + m[8] * m[2] * m[7] - m[8] * m[3] * m[6];
	t[11] = -m[0] * m[5] * m[11] + m[0] * m[7] * m[9] + m[4] * m[1] * m[11] - m[4] * m[3] * m[9] - m[8] * m[1] * m[7] + m[8] * m[3] * m[5];
	t[15] = m[0] * m[5] * m[10] - m[0] * m[6] * m[9] - m[4] * m[1] * m[10] + m[4] * m[2] * m[9] + m[8] * m[1] * m[6] - m[8] * m[2] * m[5];
	float det = m[0] * t[0] + m[1] * t[4] + m[2] * t[8] + m[3] * t[12];
	if (fabsf(det) < 1e-20f)
		return false;
	for (int i = 0; i < 16; i++)
		inv[i] = t[i] / det;
	return true;
}

/* body frame <-> world: the body lies at (SCENE_PATIENT_X, SCENE_TABLE_TOP, 0), not turned */
static void body_world(const float b[3], float w[3])
{
	w[0] = b[0] + SCENE_PATIENT_X, w[1] = b[1] + SCENE_TABLE_TOP, w[2] = b[2];
}

/* A point of the body frame on the window, in framebuffer pixels; false behind the eye. */
static bool desk_project(const desk *c, const float b[3], double *px, double *py)
{
	const scrub_render_view *v = &c->scene.snapshot.camera.views[0];
	float vp[16], w[4], clip[4];
	scrub_render_mul(v->proj, v->view, vp);
	body_world(b, w);
	w[3] = 1.f;
	mat4_mulv(vp, w, clip);
	if (clip[3] <= 1e-4f)
		return false;
	*px = (clip[0] / clip[3] * 0.5 + 0.5) * c->fb_w;
	*py = (clip[1] / clip[3] * 0.5 + 0.5) * c->fb_h;
	return true;
}

/* The ray under a pixel, in the body frame. */
static bool desk_ray(const desk *c, double px, double py, float o[3], float d[3])
{
	const scrub_render_view *v = &c->scene.snapshot.camera.views[0];
	float vp[16], inv[16];
	scrub_render_mul(v->proj, v->view, vp);
	if (!c->fb_w || !c->fb_h || !mat4_inverse(vp, inv))
		return false;
	float nx = (float)(px / c->fb_w * 2 - 1), ny = (float)(py / c->fb_h * 2 - 1), p[2][4];
	for (int k = 0; k < 2; k++) {
		float ndc[4] = {nx, ny, k ? 1.f : 0.f, 1.f};
		mat4_mulv(inv, ndc, p[k]);
		for (int i = 0; i < 3; i++)
			p[k][i] /= p[k][3];
	}
	float len = 0;
	for (int i = 0; i < 3; i++)
		d[i] = p[1][i] - p[0][i], len += d[i] * d[i];
	len = sqrtf(len);
	o[0] = p[0][0] - SCENE_PATIENT_X, o[1] = p[0][1] - SCENE_TABLE_TOP, o[2] = p[0][2];
	for (int i = 0; i < 3; i++)
		d[i] /= len;
	return true;
}

/* Where the ray meets the front of the trunk (body frame); false when it misses. */
static bool desk_hit_trunk(const desk *c, double px, double py, float hit[3])
{
	float o[3], d[3];
	if (!desk_ray(c, px, py, o, d))
		return false;
	/* the trunk is found on the supine body: each point of the ray is taken back there (scrub_body_unpose) */
	const float pose[2] = {c->scene.body.posture[0], c->scene.body.posture[1]};
	float prev = 0;
	for (float t = 0.05f; t < 6.f; t += 0.01f) {
		float p[3] = {o[0] + d[0] * t, o[1] + d[1] * t, o[2] + d[2] * t};
		if (p[1] > (pose[0] > 0.f ? 1.0f : 0.30f) || p[1] < 0.f) {
			prev = t;
			continue;
		}
		scrub_body_unpose(pose, p, p);
		float top = scrub_body_torso_top(p[0], p[2]);
		if (!isnan(top) && p[1] <= top) {
			float lo = prev, hi = t; /* refine between the last point above and this one */
			for (int i = 0; i < 14; i++) {
				float m = 0.5f * (lo + hi), q[3] = {o[0] + d[0] * m, o[1] + d[1] * m, o[2] + d[2] * m};
				scrub_body_unpose(pose, q, q);
				float tq = scrub_body_torso_top(q[0], q[2]);
				if (!isnan(tq) && q[1] <= tq)
					hi = m;
				else
					lo = m;
			}
			for (int i = 0; i < 3; i++)
				hit[i] = o[i] + d[i] * hi;
			return true;
		}
		prev = t;
	}
	return false;
}

/* What the mouse takes at a pixel: the nearest target on the window within its reach (the pads, the bag, the
 * defibrillator's buttons, the pulses, the forehead, the shoulders unless the chest is under the cursor), else the
 * chest under the cursor. */
static care_target desk_pick(const desk *c, double px, double py, float at[3])
{
	care_target best = CARE_NONE;
	double best_score = 1.0;
	const scrub_render_view *v = &c->scene.snapshot.camera.views[0];
	float hit[3];
	bool chest = desk_hit_trunk(c, px, py, hit) && care_target_at(&c->care, hit) == CARE_CHEST;
	for (int t = CARE_FOREHEAD; t < CARE_TARGET_COUNT; t++) {
		float q[3], w[3];
		double sx, sy;
		if (chest && (t == CARE_SHOULDER_LEFT || t == CARE_SHOULDER_RIGHT))
			continue; /* the chest under the cursor, not the shoulder beside it on the window */
		if (!care_target_pos(&c->care, (care_target)t, q) || !desk_project(c, q, &sx, &sy))
			continue;
		body_world(q, w);
		double dz = 0;
		for (int i = 0; i < 3; i++)
			dz += (w[i] - v->eye_pos[i]) * (w[i] - v->eye_pos[i]);
		/* the target's reach on the window: its radius at its distance, at least 6 pixels */
		double reach = fmax(6.0, care_target_radius((care_target)t) / sqrt(dz) * v->proj[5] * 0.5 * c->fb_h);
		double score = hypot(px - sx, py - sy) / reach;
		if (score < best_score)
			best = (care_target)t, best_score = score, memcpy(at, q, sizeof q);
	}
	if (best == CARE_NONE && chest) {
		best = CARE_CHEST;
		care_target_pos(&c->care, CARE_CHEST, at);
	}
	return best;
}

/* A pad let go at a pixel: the pad site whose centre is nearest on the window within 6 cm there (the left apex lies
 * on the far side of the chest from the trainee: let go at the chest's far edge); sets pos to the site's centre. */
static void desk_pad_site(const desk *c, double px, double py, float pos[3])
{
	const scrub_render_view *v = &c->scene.snapshot.camera.views[0];
	double best = 1.0;
	for (int site = SCRUB_BODY_PAD_RIGHT_INFRACLAVICULAR; site <= SCRUB_BODY_PAD_RIGHT_APEX; site++) {
		float q[3], n[3], al[3], w[3];
		double sx, sy;
		body_pad_site(site, q, n, al);
		const float pose[2] = {c->scene.body.posture[0], c->scene.body.posture[1]};
		scrub_body_pose(pose, q, q);
		if (site == SCRUB_BODY_PAD_LEFT_BACK || !desk_project(c, q, &sx, &sy))
			continue;
		body_world(q, w);
		double dz = 0;
		for (int i = 0; i < 3; i++)
			dz += (w[i] - v->eye_pos[i]) * (w[i] - v->eye_pos[i]);
		double reach = fmax(8.0, 0.06 / sqrt(dz) * v->proj[5] * 0.5 * c->fb_h);
		double score = hypot(px - sx, py - sy) / reach;
		if (score < best) {
			best = score;
			memcpy(pos, q, sizeof q);
		}
	}
}

/* The mouse as a hand in the body frame: pressed on a target it takes it; on the chest, dragging down pushes
 * (CPR_MM_PER_PX); on the forehead, dragging tilts; a pad follows the cursor over the trunk; Shift: under. */
static void desk_hand(desk *c, care_hand *hand)
{
	memset(hand, 0, sizeof *hand);
	bool press_edge = c->mdown && !c->mdown_prev;
	if (press_edge) {
		c->mtarget = c->mblocked ? CARE_NONE : desk_pick(c, c->mpx, c->mpy, c->mstart);
		c->mx0 = c->mpx, c->my0 = c->mpy;
		memcpy(c->mhover, c->mstart, sizeof c->mhover);
	}
	bool active = c->mdown || c->mdown_prev;
	c->mdown_prev = c->mdown;
	if (!active || c->mtarget == CARE_NONE)
		return;
	hand->tracked = true;
	hand->grab = hand->press = c->mdown;
	hand->under = c->mshift;
	memcpy(hand->pos, c->mstart, sizeof hand->pos);
	switch (c->mtarget) {
	case CARE_CHEST: {
		double depth = fmax(0, (c->my - c->my0) * CPR_MM_PER_PX) * 1e-3;
		hand->pos[1] = (float)(BODY_CHEST_TOP_Y - depth);
		break;
	}
	case CARE_FOREHEAD:
		hand->pos[0] += (float)(hypot(c->mx - c->mx0, c->my - c->my0) * TILT_M_PER_PX);
		break;
	case CARE_PAD_1:
	case CARE_PAD_2:
		if (!press_edge) {
			float hit[3];
			if (desk_hit_trunk(c, c->mx, c->my, hit)) {
				memcpy(c->mhover, hit, sizeof hit);
			} else { /* off the trunk: in the air over the table; let go there, it goes back to the cart */
				float o[3], d[3];
				if (desk_ray(c, c->mx, c->my, o, d) && d[1] < -1e-3f) {
					float t = (0.30f - o[1]) / d[1];
					for (int i = 0; i < 3; i++)
						c->mhover[i] = o[i] + d[i] * t;
				}
			}
		}
		memcpy(hand->pos, c->mhover, sizeof hand->pos);
		if (!c->mdown) /* let go: on the pad site nearest on the window, if one is within reach */
			desk_pad_site(c, c->mx, c->my, hand->pos);
		break;
	default: break;
	}
	if (!c->mdown)
		c->mtarget = CARE_NONE;
	memcpy(hand->tip, hand->pos, sizeof hand->tip);
}

/* A named point's pixel now, or the fractions of the window. */
static void desk_point(const desk *c, int point, double x, double y, double *px, double *py)
{
	*px = x * c->fb_w, *py = y * c->fb_h;
	if (point < 0)
		return;
	float q[3], n[3], al[3];
	if (point_names[point].target != CARE_NONE) {
		care_target_pos(&c->care, (care_target)point_names[point].target, q);
	} else {
		const float pose[2] = {c->scene.body.posture[0], c->scene.body.posture[1]};
		body_pad_site(point_names[point].site, q, n, al);
		scrub_body_pose(pose, q, q);
	}
	desk_project(c, q, px, py);
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
	if (c->paused)
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
	int pages = (c->vb.n + MENU_PAGE - 1) / MENU_PAGE;
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

/* The mouse, read every frame, for care by hand (the left button; Shift when letting go of a pad). */
static void live_mouse(desk *c, scrub_desktop *d)
{
	GLFWwindow *w = scrub_desktop_glfw_window(d);
	if (!w)
		return;
	glfwGetCursorPos(w, &c->mx, &c->my);
	bool down = glfwGetMouseButton(w, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS;
	if (down && !c->mdown_prev && !c->mdown) {
		c->mblocked = c->drag_blocked; /* set by the press event: a menu line */
		c->mpx = c->mx, c->mpy = c->my;
	}
	c->mdown = down;
	c->mshift = glfwGetKey(w, GLFW_KEY_LEFT_SHIFT) == GLFW_PRESS || glfwGetKey(w, GLFW_KEY_RIGHT_SHIFT) == GLFW_PRESS;
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
	if (!c->finished && !c->paused)
		instr_ctl_flush(&c->ic); /* the hands' poses of this frame, before the step */
	if (c->care.enabled && !c->scene.snapshot.camera.view_count)
		scrub_desktop_camera(d, &c->scene.snapshot.camera); /* picking needs the camera from the first frame */
	if (!c->finished && !c->paused && c->care.enabled) {
		care_hand hands[CARE_HANDS] = {{0}};
		desk_hand(c, &hands[0]);
		care_frame(&c->care, c->s, hands); /* the hands of this frame, before the step */
	}
	if (!c->finished) {
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
	                      .hide_results = c->help, .care = &c->care, .draw_hands = true};
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
