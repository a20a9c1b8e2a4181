/* The plots of scrub serve as SVG made on the server (no script, no library from the network): a line plot (a
 * trainee's score over attempts), horizontal bars (item miss rates) and box plots with their points (times to
 * each critical action). Every label is escaped. */
#include "serve.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void svg_begin(scrub_buf *b, const char *title, int w, int h)
{
	scrub_buf_printf(b, "<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" "
	                    "aria-label=\"", w, h);
	html_escape_attr(b, title);
	scrub_buf_puts(b, "\"><text class=\"title\" x=\"8\" y=\"17\">");
	html_escape(b, title);
	scrub_buf_puts(b, "</text>\n");
}

/* A label cut to `max` characters (on a UTF-8 boundary) with an ellipsis. */
static void label_cut(scrub_buf *b, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max) {
		html_escape(b, s);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	char tmp[256];
	if (max >= sizeof tmp)
		max = sizeof tmp - 1;
	memcpy(tmp, s, max);
	tmp[max] = 0;
	html_escape(b, tmp);
	scrub_buf_puts(b, "\xE2\x80\xA6");
}

void svg_line_plot(scrub_buf *b, const char *title, const svg_point *p, int n, double ymin, double ymax,
                   const char *xlabel, const char *ylabel)
{
	const int W = 640, H = 260, L = 48, R = 16, T = 40, B = 40;
	const double pw = W - L - R, ph = H - T - B;
	svg_begin(b, title, W, H);
	double x0 = n ? p[0].x : 0, x1 = x0;
	for (int i = 0; i < n; i++) {
		x0 = fmin(x0, p[i].x);
		x1 = fmax(x1, p[i].x);
	}
	if (x1 - x0 < 1e-9) {
		x0 -= 1;
		x1 += 1;
	}
#define SX(v) (L + ((v) - x0) / (x1 - x0) * pw)
#define SY(v) (T + ph - (fmin(fmax((v), ymin), ymax) - ymin) / (ymax - ymin) * ph)
	for (int k = 0; k <= 4; k++) {
		double v = ymin + (ymax - ymin) * k / 4.0;
		scrub_buf_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e8ee\"/>"
		                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
		                 L, W - R, SY(v), SY(v), L - 6, SY(v) + 4, v);
	}
	scrub_buf_printf(b, "<circle cx=\"%d\" cy=\"14\" r=\"4\" fill=\"#1a7f37\"/><text x=\"%d\" y=\"18\">passed</text>"
	                    "<circle cx=\"%d\" cy=\"14\" r=\"4\" fill=\"#c62828\"/><text x=\"%d\" y=\"18\">not passed</text>\n",
	                 W - R - 130, W - R - 122, W - R - 70, W - R - 62);
	/* x ticks: whole numbers when the range is small */
	int step = (int)ceil((x1 - x0) / 10.0);
	if (step < 1)
		step = 1;
	for (double v = ceil(x0); v <= x1 + 1e-9; v += step)
		scrub_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n", SX(v), H - B + 16, v);
	scrub_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", L + pw / 2, H - 6);
	html_escape(b, xlabel);
	scrub_buf_printf(b, "</text><text x=\"12\" y=\"%.1f\" transform=\"rotate(-90 12 %.1f)\" text-anchor=\"middle\">",
	                 T + ph / 2, T + ph / 2);
	html_escape(b, ylabel);
	scrub_buf_puts(b, "</text>\n");
	if (n > 1) {
		scrub_buf_puts(b, "<polyline fill=\"none\" stroke=\"#0b6bcb\" stroke-width=\"2\" points=\"");
		for (int i = 0; i < n; i++)
			scrub_buf_printf(b, "%.1f,%.1f ", SX(p[i].x), SY(p[i].y));
		scrub_buf_puts(b, "\"/>\n");
	}
	for (int i = 0; i < n; i++) {
		scrub_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\">", SX(p[i].x), SY(p[i].y),
		                 p[i].ok ? "#1a7f37" : "#c62828");
		if (p[i].label) {
			scrub_buf_puts(b, "<title>");
			html_escape(b, p[i].label);
			scrub_buf_puts(b, "</title>");
		}
		scrub_buf_puts(b, "</circle>\n");
	}
#undef SX
#undef SY
	scrub_buf_puts(b, "</svg>\n");
}

void svg_bar_chart(scrub_buf *b, const char *title, const char *const *labels, const double *values,
                   const bool *highlight, int n)
{
	const int W = 1000, row = 24, T = 34, L = 430, R = 56;
	const int H = T + row * (n ? n : 1) + 24;
	const double pw = W - L - R;
	svg_begin(b, title, W, H);
	for (int k = 0; k <= 4; k++) {
		double x = L + pw * k / 4.0;
		scrub_buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#e3e8ee\"/>"
		                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d%%</text>\n",
		                 x, x, T - 4, H - 20, x, H - 6, k * 25);
	}
	if (!n)
		scrub_buf_printf(b, "<text x=\"%d\" y=\"%d\">no sessions</text>\n", L, T + 16);
	for (int i = 0; i < n; i++) {
		double v = fmin(fmax(values[i], 0), 1);
		int y = T + i * row;
		scrub_buf_printf(b, "<g><title>");
		html_escape(b, labels[i]);
		scrub_buf_printf(b, ": %.0f%% missed</title><text x=\"%d\" y=\"%d\" text-anchor=\"end\">", v * 100, L - 8,
		                 y + 16);
		label_cut(b, labels[i], 64);
		scrub_buf_printf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"2\" fill=\"%s\"/>"
		                    "<text x=\"%.1f\" y=\"%d\">%.0f%%</text></g>\n",
		                 L, y + 4, pw * v, row - 8, highlight && highlight[i] ? "#c62828" : "#5b8fc7",
		                 L + pw * v + 6, y + 16, v * 100);
	}
	scrub_buf_puts(b, "</svg>\n");
}

static double quantile(const double *v, int n, double q)
{
	if (n <= 0)
		return 0;
	double pos = q * (n - 1);
	int i = (int)floor(pos);
	if (i >= n - 1)
		return v[n - 1];
	return v[i] + (v[i + 1] - v[i]) * (pos - i);
}

void svg_box_plot(scrub_buf *b, const char *title, const char *const *labels, double *const *v, const int *nv, int n)
{
	const int W = 1000, row = 30, T = 34, L = 430, R = 24;
	const int H = T + row * (n ? n : 1) + 34;
	const double pw = W - L - R;
	double xmax = 0;
	for (int i = 0; i < n; i++)
		if (nv[i])
			xmax = fmax(xmax, v[i][nv[i] - 1]);
	/* a round upper bound: 1, 2 or 5 times a power of ten */
	double mag = pow(10, floor(log10(xmax > 0 ? xmax : 1))), top = mag;
	while (top < xmax)
		top += top < 2 * mag ? mag : top < 5 * mag ? 3 * mag : 5 * mag;
	svg_begin(b, title, W, H);
#define SX(t) (L + (t) / top * pw)
	for (int k = 0; k <= 5; k++) {
		double t = top * k / 5.0;
		scrub_buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#e3e8ee\"/>"
		                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g s</text>\n",
		                 SX(t), SX(t), T - 4, H - 30, SX(t), H - 16, t);
	}
	if (!n)
		scrub_buf_printf(b, "<text x=\"%d\" y=\"%d\">no critical actions done yet</text>\n", L, T + 16);
	for (int i = 0; i < n; i++) {
		int y = T + i * row, mid = y + row / 2;
		scrub_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", L - 8, mid + 4);
		label_cut(b, labels[i], 64);
		scrub_buf_puts(b, "</text>\n");
		if (!nv[i])
			continue;
		const double *d = v[i];
		double q1 = quantile(d, nv[i], .25), md = quantile(d, nv[i], .5), q3 = quantile(d, nv[i], .75);
		scrub_buf_printf(b, "<g><title>");
		html_escape(b, labels[i]);
		scrub_buf_printf(b, ": median %.1f s, quartiles %.1f-%.1f s, %d sessions</title>"
		                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#6b7785\"/>"
		                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#dbe8f6\" stroke=\"#5b8fc7\"/>"
		                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#15324f\" stroke-width=\"2\"/>",
		                 md, q1, q3, nv[i], SX(d[0]), SX(d[nv[i] - 1]), mid, mid, SX(q1), y + 7,
		                 fmax(SX(q3) - SX(q1), 1), row - 14, SX(md), SX(md), y + 7, y + row - 7);
		/* the points (at most 200 drawn, evenly chosen), spread over the row by their index */
		int stride = nv[i] > 200 ? (nv[i] + 199) / 200 : 1;
		for (int k = 0; k < nv[i]; k += stride)
			scrub_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.8\" fill=\"#15324f\" fill-opacity=\".45\"/>",
			                 SX(d[k]), y + 8 + (double)((k * 7919) % 17) / 16.0 * (row - 16));
		scrub_buf_puts(b, "</g>\n");
	}
#undef SX
	scrub_buf_puts(b, "</svg>\n");
}
