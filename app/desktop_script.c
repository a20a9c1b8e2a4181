/* Input scripts for the desktop (tests, demos): keys, picks, clicks and mouse moves on a clock (docs/desktop.md). */
#define SCRUB_LOG_MODULE "run"
#include "run_desktop_internal.h"

#include "log.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static const struct {
	const char *name;
	int key;
} key_names[] = {
	{"space", SCRUB_KEY_SPACE}, {"tab", SCRUB_KEY_TAB}, {"enter", SCRUB_KEY_ENTER}, {"up", SCRUB_KEY_UP},
	{"down", SCRUB_KEY_DOWN}, {"escape", SCRUB_KEY_ESCAPE}, {"esc", SCRUB_KEY_ESCAPE}, {"f1", SCRUB_KEY_F1},
	{"p", SCRUB_KEY_P}, {"r", SCRUB_KEY_R}, {"0", SCRUB_KEY_0}, {"1", SCRUB_KEY_1}, {"2", SCRUB_KEY_2},
	{"3", SCRUB_KEY_3}, {"4", SCRUB_KEY_4}, {"5", SCRUB_KEY_5}, {"6", SCRUB_KEY_6}, {"7", SCRUB_KEY_7},
	{"8", SCRUB_KEY_8}, {"9", SCRUB_KEY_9},
	/* instruments (surgical scenarios, instrument_input.h) */
	{"h", SCRUB_KEY_H}, {"i", SCRUB_KEY_I}, {"u", SCRUB_KEY_U}, {"g", SCRUB_KEY_G}, {"t", SCRUB_KEY_T},
	{"y", SCRUB_KEY_Y}, {"c", SCRUB_KEY_C}, {"pageup", SCRUB_KEY_PAGE_UP}, {"pagedown", SCRUB_KEY_PAGE_DOWN},
	{"m", SCRUB_KEY_M},
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
bool desk_script_load(const char *path, input_script *sc)
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
					*e = (script_ev){.t = k, .kind = EV_KEY, .key = SCRUB_KEY_SPACE, .line = lineno};
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


/* The care target (CARE_NONE for a pad site) and pad site (-1 for a care target) of a named point. */
void desk_script_point(int point, int *out_target, int *out_site)
{
	*out_target = point_names[point].target;
	*out_site = point_names[point].site;
}
