/* The debrief's SVG (made here, no library): the events strip (states, actions, checklist decisions, notes on one
 * time axis), the vital signs over time with the state changes and notes marked, and CPR quality. */
#include "debrief_internal.h"
#include "scenario.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { W = 960, PL = 64, PR = 16, PT = 12, PB = 28 };

typedef struct frame {
	double end, lo, hi;
	int h;                   /* the SVG's height */
} frame;

static double fx(const frame *f, double t)
{
	return PL + (f->end > 0 ? t / f->end : 0) * (W - PL - PR);
}

static double fy(const frame *f, double v)
{
	return PT + (f->hi - v) / (f->hi - f->lo) * (f->h - PT - PB);
}

static double nice_step(double range, int target)
{
	double raw = range / target, p = pow(10, floor(log10(raw))), m = raw / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

static double time_step(double end)
{
	static const double steps[] = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (end / steps[i] <= 10)
			return steps[i];
	return 86400;
}

static void time_axis(scrub_buf *b, const frame *f)
{
	double step = time_step(f->end), y = f->h - PB;
	scrub_buf_printf(b, "<g class=\"dbf-axis\"><line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", PL, y, W - PR, y);
	for (double t = 0; t <= f->end + 1e-9 && step > 0; t += step) {
		char tm[32];
		double x = fx(f, t);
		scrub_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
		                 x, y, x, y + 4, x, y + 16, dbf_clock(t, tm, sizeof tm));
	}
	scrub_buf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" class=\"dbf-unit\">min:s</text></g>\n", W - PR, y + 16);
}

static void svg_begin(scrub_buf *b, int h, const char *label)
{
	scrub_buf_printf(b, "<svg class=\"dbf-svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"", W, h, W, h);
	dbf_esc(b, label);
	scrub_buf_puts(b, "\">\n");
}

/* a marker's tooltip */
static void title(scrub_buf *b, double t, const char *a, const char *c)
{
	char tm[32];
	scrub_buf_printf(b, "<title>%s ", dbf_clock(t, tm, sizeof tm));
	dbf_esc(b, a);
	if (c) {
		scrub_buf_puts(b, ": ");
		dbf_esc(b, c);
	}
	scrub_buf_puts(b, "</title>");
}

/* the state changes, the notes and the end as vertical lines across a plot */
static void markers(dbf *D, const frame *f)
{
	scrub_buf *b = D->out;
	double y0 = PT, y1 = f->h - PB;
	scrub_buf_puts(b, "<g class=\"dbf-markers\">");
	for (int i = 0; i < D->nev; i++) {
		const dbf_event *e = &D->ev[i];
		if (e->kind != DBF_STATE && e->kind != DBF_END)
			continue;
		if (e->t <= 0 && e->kind == DBF_STATE)
			continue;
		double x = fx(f, e->t);
		scrub_buf_printf(b, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\">", e->kind == DBF_END ? "dbf-mk-end" : "dbf-mk-state",
		                 x, y0, x, y1);
		title(b, e->t, e->kind == DBF_END ? "end" : "state", e->name);
		scrub_buf_puts(b, "</line>");
	}
	for (int i = 0; i < D->d->nnotes && D->d->notes; i++) {
		const debrief_note *n = &D->d->notes[i];
		double x = fx(f, n->t < 0 ? 0 : n->t > f->end ? f->end : n->t);
		scrub_buf_printf(b, "<g class=\"dbf-mk-note\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>",
		                 x, y0, x, y1, x, y0);
		title(b, n->t, "note", n->text);
		scrub_buf_puts(b, "</g>");
	}
	scrub_buf_puts(b, "</g>\n");
}

/* one series as a path, at most DBF_MAX_PLOT_POINTS points: each bucket gives its lowest and highest value */
static void series_path(scrub_buf *b, const frame *f, const dbf_var *v, const char *color, bool dashed)
{
	int n = v->n, buckets = DBF_MAX_PLOT_POINTS / 2, per = n > DBF_MAX_PLOT_POINTS ? (n + buckets - 1) / buckets : 1;
	scrub_buf_printf(b, "<path class=\"dbf-line\" stroke=\"%s\"%s d=\"", color, dashed ? " stroke-dasharray=\"5 3\"" : "");
	bool pen = false;
	for (int i = 0; i < n; i += per) {
		int lo = -1, hi = -1, end = i + per < n ? i + per : n;
		for (int k = i; k < end; k++) {
			if (isnan(v->v[k]))
				continue;
			if (lo < 0 || v->v[k] < v->v[lo])
				lo = k;
			if (hi < 0 || v->v[k] > v->v[hi])
				hi = k;
		}
		if (lo < 0) {
			pen = false; /* a gap */
			continue;
		}
		int a = lo < hi ? lo : hi, c = lo < hi ? hi : lo;
		scrub_buf_printf(b, "%c%.1f %.1f", pen ? 'L' : 'M', fx(f, v->t[a]), fy(f, v->v[a]));
		if (c != a)
			scrub_buf_printf(b, "L%.1f %.1f", fx(f, v->t[c]), fy(f, v->v[c]));
		pen = true;
	}
	scrub_buf_puts(b, "\"/>\n");
}

typedef struct plot_desc {
	const char *id, *title, *unit;
	const dbf_var *v[4];
	const char *labels[4], *colors[4];
	int n;
	double lo, hi;           /* a fixed range when lo < hi */
	double ref;              /* a target line (NAN: none) */
	const char *ref_label;
} plot_desc;

static void plot(dbf *D, const plot_desc *p)
{
	scrub_buf *b = D->out;
	frame f = {.end = D->end_t > 0 ? D->end_t : 1, .h = 190};
	double lo = INFINITY, hi = -INFINITY;
	for (int s = 0; s < p->n; s++)
		for (int i = 0; i < p->v[s]->n; i++)
			if (!isnan(p->v[s]->v[i])) {
				lo = fmin(lo, p->v[s]->v[i]);
				hi = fmax(hi, p->v[s]->v[i]);
			}
	if (!isfinite(lo))
		return;
	if (isfinite(p->ref)) {
		lo = fmin(lo, p->ref);
		hi = fmax(hi, p->ref);
	}
	if (p->lo < p->hi) {
		lo = fmin(lo, p->lo);
		hi = fmax(hi, p->hi);
	} else if (lo >= 0 && lo < 0.5 * hi) {
		lo = 0;
	}
	if (hi - lo < 1e-9) {
		double pad = fabs(hi) > 1 ? fabs(hi) * 0.1 : 1;
		lo -= pad;
		hi += pad;
	}
	double step = nice_step(hi - lo, 4);
	f.lo = floor(lo / step) * step;
	f.hi = ceil(hi / step) * step;
	if (f.lo < 0 && lo >= 0)
		f.lo = 0;
	scrub_buf_printf(b, "<figure class=\"dbf-plot\" id=\"dbf-plot-%s\" data-var=\"%s\">\n<figcaption><b>", p->id, p->id);
	dbf_esc(b, p->title);
	scrub_buf_puts(b, "</b>");
	if (p->unit) {
		scrub_buf_puts(b, " <span class=\"dbf-unit\">");
		dbf_esc(b, p->unit);
		scrub_buf_puts(b, "</span>");
	}
	for (int s = 0; p->n > 1 && s < p->n; s++) {
		scrub_buf_printf(b, " <span class=\"dbf-key\"><i style=\"background:%s\"></i>", p->colors[s]);
		dbf_esc(b, p->labels[s]);
		scrub_buf_puts(b, "</span>");
	}
	scrub_buf_puts(b, "</figcaption>\n");
	svg_begin(b, f.h, p->title);
	scrub_buf_puts(b, "<g class=\"dbf-axis dbf-grid\">");
	for (double v = f.lo; v <= f.hi + step * 1e-6; v += step) {
		char n[32];
		double y = fy(&f, v);
		scrub_buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
		                 PL, y, W - PR, y, PL - 6, y + 4, dbf_num_text(v, 2, n, sizeof n));
	}
	if (p->unit) {
		scrub_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"start\" class=\"dbf-unit\">", 4, PT + 4);
		dbf_esc(b, p->unit);
		scrub_buf_puts(b, "</text>");
	}
	scrub_buf_puts(b, "</g>\n");
	time_axis(b, &f);
	if (isfinite(p->ref)) {
		double y = fy(&f, p->ref);
		scrub_buf_printf(b, "<g class=\"dbf-ref\"><line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
		                 PL, y, W - PR, y, W - PR - 4, y - 4);
		dbf_esc(b, p->ref_label);
		scrub_buf_puts(b, "</text></g>\n");
	}
	markers(D, &f);
	for (int s = 0; s < p->n; s++)
		series_path(b, &f, p->v[s], p->colors[s], s == 1 && p->n == 3);
	scrub_buf_puts(b, "</svg>\n</figure>\n");
}

/* ---- the vital signs ---- */

static const char *cpr_vars[] = {"ccf", "cpr_rate_ok", "cpr_depth_ok", "cpr_recoil_ok", "longest_pause", "long_pauses", "etco2_low"};

static bool is_cpr_var(const char *name)
{
	for (size_t i = 0; i < sizeof cpr_vars / sizeof cpr_vars[0]; i++)
		if (strcmp(cpr_vars[i], name) == 0)
			return true;
	return false;
}

static int model_field(const char *name)
{
	for (int f = 0; f < SCN_MODEL_COUNT_; f++)
		if (strcmp(scenario_model_var_name(f), name) == 0)
			return f;
	return -1;
}

static bool varies(const dbf_var *v)
{
	for (int i = 1; i < v->n; i++)
		if (v->v[i] != v->v[0])
			return true;
	return false;
}

static const dbf_var *numeric(const dbf *D, const char *name)
{
	const dbf_var *v = dbf_var_find(D, name);
	return v && !v->words && v->n ? v : NULL;
}

static const struct {
	const char *id, *title, *unit, *vars[3], *labels[3], *colors[3];
	double lo, hi;
} main_plots[] = {
	{"hr", "Heart rate", "/min", {"hr"}, {"HR"}, {"#15803d"}, 0, 0},
	{"bp", "Blood pressure", "mmHg", {"sbp", "map", "dbp"}, {"Systolic", "Mean", "Diastolic"}, {"#dc2626", "#991b1b", "#f87171"}, 0, 0},
	{"spo2", "SpO2", "%", {"spo2"}, {"SpO2"}, {"#0284c7"}, 0, 100},
	{"etco2", "End-tidal CO2", "mmHg", {"etco2"}, {"EtCO2"}, {"#b45309"}, 0, 0},
	{"rr", "Respiratory rate", "/min", {"rr"}, {"RR"}, {"#7c3aed"}, 0, 0},
};

static bool in_main(const char *name)
{
	for (size_t i = 0; i < sizeof main_plots / sizeof main_plots[0]; i++)
		for (int k = 0; k < 3 && main_plots[i].vars[k]; k++)
			if (strcmp(main_plots[i].vars[k], name) == 0)
				return true;
	return false;
}

void dbf_plots(dbf *D)
{
	scrub_buf *b = D->out;
	scrub_buf_puts(b, "<section class=\"dbf-sec\" id=\"dbf-vitals\">\n<h2>Vital signs</h2>\n"
	                  "<p class=\"dbf-legend\"><span class=\"dbf-lg-state\"></span> state change <span class=\"dbf-lg-note\"></span> "
	                  "instructor note <span class=\"dbf-lg-end\"></span> end &middot; hover a marker for what it was</p>\n");
	int plotted = 0;
	for (size_t i = 0; i < sizeof main_plots / sizeof main_plots[0]; i++) {
		plot_desc p = {.id = main_plots[i].id, .title = main_plots[i].title, .unit = main_plots[i].unit,
		               .lo = main_plots[i].lo, .hi = main_plots[i].hi, .ref = NAN};
		for (int k = 0; k < 3 && main_plots[i].vars[k]; k++) {
			const dbf_var *v = numeric(D, main_plots[i].vars[k]);
			if (v) {
				p.v[p.n] = v;
				p.labels[p.n] = main_plots[i].labels[k];
				p.colors[p.n++] = main_plots[i].colors[k];
			}
		}
		if (p.n) {
			plot(D, &p);
			plotted++;
		}
	}
	/* the other numbers the scenario records, when they change */
	for (int i = 0; i < D->nvars; i++) {
		const dbf_var *v = &D->vars[i];
		if (v->words || !v->n || in_main(v->name) || is_cpr_var(v->name) || !varies(v))
			continue;
		int f = model_field(v->name);
		plot_desc p = {.id = v->name, .title = f >= 0 ? scenario_model_var_label(f) : v->name,
		               .unit = f >= 0 ? scenario_model_var_unit(f) : NULL, .v = {v}, .labels = {v->name}, .colors = {"#334155"}, .n = 1, .ref = NAN};
		plot(D, &p);
		plotted++;
	}
	if (!plotted)
		scrub_buf_puts(b, "<p class=\"dbf-muted\">This scenario records no vital signs.</p>\n");
	scrub_buf_puts(b, "</section>\n");
}

/* ---- CPR quality ---- */

static const struct {
	const char *key, *label, *unit, *target;
	int good;                /* 1: >= limit is good, -1: <= limit is good, 0: no verdict */
	double limit;
} cpr_rows[] = {
	{"arrest_s", "Time in cardiac arrest", "time", NULL, 0, 0},
	{"compressions_s", "Time with compressions", "time", NULL, 0, 0},
	{"compression_fraction_pct", "Chest compression fraction", "%", "at least 80 %", 1, 80},
	{"rate_in_target_pct", "Compressions at 100-120 /min", "%", NULL, 0, 0},
	{"depth_in_target_pct", "Compressions 5-6 cm deep", "%", NULL, 0, 0},
	{"full_recoil_pct", "Compressions with full recoil", "%", NULL, 0, 0},
	{"longest_pause_s", "Longest pause in compressions", "s", "under 10 s", -1, 9.999},
	{"pauses_over_10s", "Pauses over 10 s", "", "none", -1, 0},
	{"etco2_under_10_pct", "CPR time with EtCO2 under 10 mmHg", "%", NULL, 0, 0},
};

void dbf_cpr(dbf *D)
{
	scrub_buf *b = D->out;
	yaml_node *q = yaml_get(D->report, "cpr_quality");
	const dbf_var *ccf = numeric(D, "ccf");
	if (!(q && q->type == YAML_MAP) && !(ccf && varies(ccf)))
		return;
	scrub_buf_puts(b, "<section class=\"dbf-sec\" id=\"dbf-cpr\">\n<h2>CPR quality</h2>\n");
	if (q && q->type == YAML_MAP) {
		scrub_buf_puts(b, "<table class=\"dbf-table dbf-cprq\">\n<thead><tr><th>Measure</th><th class=\"dbf-r\">Measured</th><th>Target</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < q->n; i++) {
			const char *key = q->items[i]->str;
			double v;
			if (!dbf_num(q, key, &v))
				continue;
			size_t r = 0;
			while (r < sizeof cpr_rows / sizeof cpr_rows[0] && strcmp(cpr_rows[r].key, key) != 0)
				r++;
			bool known = r < sizeof cpr_rows / sizeof cpr_rows[0];
			const char *cls = !known || !cpr_rows[r].good ? ""
			                : (cpr_rows[r].good > 0 ? v >= cpr_rows[r].limit : v <= cpr_rows[r].limit) ? " class=\"dbf-good\"" : " class=\"dbf-bad\"";
			char n[32], tm[32];
			scrub_buf_puts(b, "<tr><td>");
			dbf_esc(b, known ? cpr_rows[r].label : key);
			scrub_buf_printf(b, "</td><td class=\"dbf-r\"><span%s>", cls);
			if (known && strcmp(cpr_rows[r].unit, "time") == 0)
				scrub_buf_puts(b, dbf_clock(v, tm, sizeof tm));
			else
				scrub_buf_printf(b, "%s%s%s", dbf_num_text(v, 1, n, sizeof n), known && *cpr_rows[r].unit ? " " : "", known ? cpr_rows[r].unit : "");
			scrub_buf_printf(b, "</span></td><td>%s</td></tr>\n", known && cpr_rows[r].target ? cpr_rows[r].target : "");
		}
		scrub_buf_puts(b, "</tbody>\n</table>\n");
	}
	plot_desc p = {.id = "cpr", .title = "CPR quality so far (cumulative)", .unit = "%", .lo = 0, .hi = 100, .ref = 80,
	               .ref_label = "compression fraction target 80 %"};
	static const char *names[] = {"ccf", "cpr_rate_ok", "cpr_depth_ok", "cpr_recoil_ok"};
	static const char *labels[] = {"Compression fraction", "Rate in target", "Depth in target", "Full recoil"};
	static const char *colors[] = {"#0f766e", "#2563eb", "#c026d3", "#ea580c"};
	for (int k = 0; k < 4; k++) {
		const dbf_var *v = numeric(D, names[k]);
		if (v) {
			p.v[p.n] = v;
			p.labels[p.n] = labels[k];
			p.colors[p.n++] = colors[k];
		}
	}
	if (p.n)
		plot(D, &p);
	const dbf_var *lp = numeric(D, "longest_pause");
	if (lp && varies(lp)) {
		plot_desc pp = {.id = "longest_pause", .title = "Longest pause in compressions so far", .unit = "s", .v = {lp},
		                .labels = {"longest pause"}, .colors = {"#be123c"}, .n = 1, .ref = 10, .ref_label = "10 s"};
		plot(D, &pp);
	}
	scrub_buf_puts(b, "</section>\n");
}

/* ---- the events strip ---- */

static const char *state_fill(const char *name)
{
	static const char *fills[] = {"#e0e7ff", "#dcfce7", "#fef3c7", "#fce7f3", "#e0f2fe", "#ede9fe", "#ffedd5", "#f1f5f9"};
	unsigned h = 5381;
	for (const char *s = name ? name : ""; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return fills[h % (sizeof fills / sizeof fills[0])];
}

static const char *status_color(const char *status)
{
	if (!status || strcmp(status, "done") == 0)
		return "#16a34a";
	if (strcmp(status, "late") == 0 || strcmp(status, "out_of_order") == 0)
		return "#d97706";
	return "#dc2626";
}

void dbf_events_strip(dbf *D)
{
	scrub_buf *b = D->out;
	frame f = {.end = D->end_t > 0 ? D->end_t : 1, .h = 150};
	enum { ROW_STATE = 10, ROW_ACTION = 46, ROW_ITEM = 76, ROW_NOTE = 104 };
	svg_begin(b, f.h, "Timeline of states, actions, checklist decisions and notes");
	scrub_buf_printf(b, "<g class=\"dbf-rows\"><text x=\"%d\" y=\"%d\" text-anchor=\"end\">state</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">actions</text>"
	                    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">checklist</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">notes</text></g>\n",
	                 PL - 6, ROW_STATE + 17, PL - 6, ROW_ACTION + 13, PL - 6, ROW_ITEM + 9, PL - 6, ROW_NOTE + 9);
	for (int i = 0; i < D->nev; i++) {
		const dbf_event *e = &D->ev[i];
		if (e->kind != DBF_STATE)
			continue;
		double t1 = f.end;
		for (int k = i + 1; k < D->nev; k++)
			if (D->ev[k].kind == DBF_STATE) {
				t1 = D->ev[k].t;
				break;
			}
		double x0 = fx(&f, e->t), x1 = fx(&f, t1);
		scrub_buf_printf(b, "<g class=\"dbf-state\"><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"26\" fill=\"%s\"/>", x0, ROW_STATE,
		                 fmax(x1 - x0, 1), state_fill(e->name));
		title(b, e->t, "state", e->name);
		size_t len = e->name ? strlen(e->name) : 0;
		if ((double)len * 6.6 + 8 < x1 - x0) {
			scrub_buf_printf(b, "<text x=\"%.1f\" y=\"%d\">", x0 + 4, ROW_STATE + 17);
			dbf_esc(b, e->name);
			scrub_buf_puts(b, "</text>");
		}
		scrub_buf_puts(b, "</g>\n");
	}
	for (int i = 0; i < D->nev; i++) {
		const dbf_event *e = &D->ev[i];
		double x = fx(&f, e->t);
		if (e->kind == DBF_ACTION) {
			scrub_buf_printf(b, "<rect class=\"dbf-act%s\" x=\"%.1f\" y=\"%d\" width=\"3\" height=\"18\">", e->derived ? " dbf-derived" : "", x - 1.5, ROW_ACTION);
			title(b, e->t, e->name, e->detail);
			scrub_buf_puts(b, "</rect>\n");
		} else if (e->kind == DBF_ITEM) {
			scrub_buf_printf(b, "<circle class=\"dbf-dec\" cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"%s\">", x, ROW_ITEM + 5, status_color(e->status));
			title(b, e->t, e->name, e->status);
			scrub_buf_puts(b, "</circle>\n");
		}
	}
	for (int i = 0; i < D->d->nnotes && D->d->notes; i++) {
		const debrief_note *n = &D->d->notes[i];
		double x = fx(&f, n->t < 0 ? 0 : n->t > f.end ? f.end : n->t);
		scrub_buf_printf(b, "<path class=\"dbf-flag\" d=\"M%.1f %dv14M%.1f %dh9l-3 3.5l3 3.5h-9z\">", x, ROW_NOTE, x, ROW_NOTE);
		title(b, n->t, "note", n->text);
		scrub_buf_puts(b, "</path>\n");
	}
	time_axis(b, &f);
	scrub_buf_puts(b, "</svg>\n");
}
