/* The patient monitor replayed at any moment: the record's waveforms and variables embedded as JSON in the page,
 * drawn by the page's small script (debrief_assets.c) at the time of a slider. Without JavaScript the section
 * says so and the rest of the page is whole. */
#include "debrief_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* an integer in text, quickly (the waveforms are tens of thousands of numbers) */
static void put_int(scrub_buf *b, long v)
{
	char tmp[24];
	int n = 0;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[n++] = '-';
	char out[24];
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	scrub_buf_append(b, out, (size_t)n);
}

/* values times 1000, as integers (the record keeps 3 decimals) */
static void wave_array(scrub_buf *b, const char *key, const float *v, int64_t n)
{
	scrub_buf_printf(b, ",\"%s\":[", key);
	for (int64_t i = 0; i < n; i++) {
		if (i)
			scrub_buf_append(b, ",", 1);
		if (isnan(v[i]))
			scrub_buf_append(b, "null", 4);
		else
			put_int(b, lround((double)v[i] * 1000));
	}
	scrub_buf_append(b, "]", 1);
}

static void var_json(scrub_buf *b, const dbf_var *v, bool *first)
{
	int per = v->n > DBF_MAX_PLOT_POINTS ? (v->n + DBF_MAX_PLOT_POINTS - 1) / DBF_MAX_PLOT_POINTS : 1;
	char n[32];
	scrub_buf_puts(b, *first ? "" : ",");
	*first = false;
	dbf_js_str(b, v->name);
	scrub_buf_puts(b, ":{\"t\":[");
	for (int i = 0; i < v->n; i += per)
		scrub_buf_printf(b, "%s%s", i ? "," : "", dbf_num_text(v->t[i], 2, n, sizeof n));
	scrub_buf_puts(b, "],\"x\":[");
	for (int i = 0; i < v->n; i += per) {
		if (i)
			scrub_buf_append(b, ",", 1);
		if (v->words)
			dbf_js_str(b, v->w[i]);
		else if (isnan(v->v[i]))
			scrub_buf_puts(b, "null");
		else
			scrub_buf_puts(b, dbf_num_text(v->v[i], 1, n, sizeof n));
	}
	scrub_buf_puts(b, "]}");
}

static const struct {
	const char *var, *label, *unit, *color;
} numerics[] = {
	{"hr", "HR", "/min", "#22c55e"},
	{"bp", "BP", "mmHg", "#f87171"},
	{"spo2", "SpO2", "%", "#38bdf8"},
	{"etco2", "EtCO2", "mmHg", "#facc15"},
	{"rr", "RR", "/min", "#e5e7eb"},
	{"temp", "Temp", "C", "#e5e7eb"},
	{"rhythm", "Rhythm", "", "#22c55e"},
	{"pulse", "Pulse", "", "#e5e7eb"},
};

void dbf_monitor(dbf *D)
{
	scrub_buf *b = D->out;
	const dbf_waves *W = &D->waves;
	char n1[32], n2[32], tm[32];
	scrub_buf_puts(b, "<section class=\"dbf-sec\" id=\"dbf-monitor\">\n<h2>Patient monitor replay</h2>\n"
	                  "<noscript><p class=\"dbf-muted\">The monitor replay needs JavaScript; the rest of this page does not.</p></noscript>\n"
	                  "<div class=\"dbf-mon\" hidden=\"hidden\">\n<div class=\"dbf-mon-ctl\"><label for=\"dbf-slider\">Time</label> ");
	scrub_buf_printf(b, "<input type=\"range\" id=\"dbf-slider\" class=\"dbf-slider\" min=\"0\" max=\"%s\" step=\"0.1\" value=\"0\"> "
	                    "<output class=\"dbf-mon-t\">0:00</output> <span class=\"dbf-muted\">of %s &middot; click any time on this page to jump there</span></div>\n"
	                    "<div class=\"dbf-mon-screen\"><canvas class=\"dbf-mon-canvas\" width=\"760\" height=\"330\"></canvas>\n<div class=\"dbf-mon-nums\">",
	                 dbf_num_text(D->end_t, 2, n1, sizeof n1), dbf_clock(D->end_t, tm, sizeof tm));
	for (size_t i = 0; i < sizeof numerics / sizeof numerics[0]; i++) {
		bool have = strcmp(numerics[i].var, "bp") == 0 ? dbf_var_find(D, "sbp") != NULL : dbf_var_find(D, numerics[i].var) != NULL;
		if (!have)
			continue;
		scrub_buf_printf(b, "<div class=\"dbf-num\" data-v=\"%s\" style=\"color:%s\"><span>%s</span><b>--</b><small>%s</small></div>",
		                 numerics[i].var, numerics[i].color, numerics[i].label, numerics[i].unit);
	}
	scrub_buf_puts(b, "</div></div>\n</div>\n");
	/* the data: waveforms x1000 as integers, the variables as (t, x) */
	scrub_buf_printf(b, "<script type=\"application/json\" class=\"dbf-data\">{\"end\":%s,\"scale\":1000",
	                 dbf_num_text(D->end_t, 2, n1, sizeof n1));
	if (W->n) {
		scrub_buf_printf(b, ",\"hz\":%s,\"t0\":%s", dbf_num_text(W->hz / (double)W->stride, 6, n1, sizeof n1),
		                 dbf_num_text((double)W->first / W->hz, 6, n2, sizeof n2));
		static const char *keys[3] = {"ecg", "pleth", "co2"};
		for (int c = 0; c < 3; c++)
			wave_array(b, keys[c], W->ch[c], W->n);
	}
	scrub_buf_puts(b, ",\"v\":{");
	bool first = true;
	for (int i = 0; i < D->nvars; i++)
		if (D->vars[i].n)
			var_json(b, &D->vars[i], &first);
	scrub_buf_puts(b, "}}</script>\n</section>\n");
}
