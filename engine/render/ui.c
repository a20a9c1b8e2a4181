/* The 2D overlay: glyph atlas (stb_truetype), text, patient monitor traces and numbers, HUD, results panel.
 * Everything becomes screen-space triangles (6 vertices per quad) drawn by one pipeline in one draw call. */
#define SCRUB_LOG_MODULE "render"
#include "render_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stb_truetype.h>

#include "log.h"

scrub_result ui_font_init(ui_font *font, const char *path)
{
	memset(font, 0, sizeof(*font));
	FILE *f = fopen(path, "rb");
	if (!f) {
		LOG_E("cannot open font %s (install fonts-dejavu-core or set SCRUB_FONT)", path);
		return SCRUB_ERR_RUNTIME;
	}
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *ttf = size > 0 ? malloc((size_t)size) : NULL;
	if (!ttf || fread(ttf, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		free(ttf);
		LOG_E("cannot read font %s", path);
		return SCRUB_ERR_IO;
	}
	fclose(f);

	font->w = 512;
	font->h = 256;
	font->bake_px = 32.f;
	font->atlas = calloc((size_t)font->w * font->h, 1);
	stbtt_bakedchar baked[UI_CHAR_COUNT];
	int rows = font->atlas ? stbtt_BakeFontBitmap(ttf, 0, font->bake_px, font->atlas, (int)font->w, (int)font->h,
	                                              UI_FIRST_CHAR, UI_CHAR_COUNT, baked)
	                       : 0;
	stbtt_fontinfo info;
	int ascent = 0, descent = 0, gap = 0;
	if (rows > 0 && stbtt_InitFont(&info, ttf, 0)) {
		stbtt_GetFontVMetrics(&info, &ascent, &descent, &gap);
		font->ascent = stbtt_ScaleForPixelHeight(&info, font->bake_px) * (float)ascent / font->bake_px;
	}
	free(ttf);
	if (rows <= 0 || (uint32_t)rows + 4 > font->h) {
		LOG_E("font %s does not fit a %ux%u atlas", path, font->w, font->h);
		ui_font_fini(font);
		return SCRUB_ERR_RUNTIME;
	}
	/* a white block under the glyphs for solid fills and lines */
	memset(font->atlas + (size_t)rows * font->w, 255, (size_t)4 * font->w);
	font->white_u = 8.5f / (float)font->w;
	font->white_v = ((float)rows + 2.f) / (float)font->h;
	for (int i = 0; i < UI_CHAR_COUNT; i++) {
		font->glyphs[i] = (ui_glyph){baked[i].x0, baked[i].y0, baked[i].x1, baked[i].y1,
		                             baked[i].xoff, baked[i].yoff, baked[i].xadvance};
	}
	return SCRUB_OK;
}

void ui_font_fini(ui_font *font)
{
	free(font->atlas);
	memset(font, 0, sizeof(*font));
}

void ui_begin(ui_builder *b, const ui_font *font, float w, float h)
{
	b->count = 0;
	b->occluder_count = 0;
	b->failed = false;
	b->font = font;
	b->w = w;
	b->h = h;
}

void ui_builder_fini(ui_builder *b)
{
	free(b->v);
	memset(b, 0, sizeof(*b));
}

static ui_vertex *push(ui_builder *b, uint32_t n)
{
	if (b->failed)
		return NULL;
	if (b->count + n > b->cap) {
		uint32_t cap = b->cap ? b->cap : 1024;
		while (cap < b->count + n)
			cap *= 2;
		ui_vertex *v = realloc(b->v, cap * sizeof(*v));
		if (!v) {
			b->failed = true;
			return NULL;
		}
		b->v = v;
		b->cap = cap;
	}
	ui_vertex *out = &b->v[b->count];
	b->count += n;
	return out;
}

static void quad(ui_builder *b, const float xy[8], float u0, float v0, float u1, float v1, uint32_t color)
{
	ui_vertex *v = push(b, 6);
	if (!v)
		return;
	/* corners 0 (u0,v0) 1 (u1,v0) 2 (u1,v1) 3 (u0,v1) */
	const float uv[4][2] = {{u0, v0}, {u1, v0}, {u1, v1}, {u0, v1}};
	static const int order[6] = {0, 1, 2, 0, 2, 3};
	for (int i = 0; i < 6; i++) {
		int k = order[i];
		v[i] = (ui_vertex){xy[2 * k], xy[2 * k + 1], uv[k][0], uv[k][1], color};
	}
}

void ui_rect(ui_builder *b, float x, float y, float w, float h, uint32_t color)
{
	const float xy[8] = {x, y, x + w, y, x + w, y + h, x, y + h};
	quad(b, xy, b->font->white_u, b->font->white_v, b->font->white_u, b->font->white_v, color);
	/* an opaque panel of some size hides the scene: remember it unless a known one already contains it */
	if ((color >> 24) != 255 || w * h < 1024.f || b->occluder_count == UI_MAX_OCCLUDERS)
		return;
	for (uint32_t i = 0; i < b->occluder_count; i++) {
		const float *o = b->occluders[i];
		if (x >= o[0] && y >= o[1] && x + w <= o[2] && y + h <= o[3])
			return;
	}
	float *o = b->occluders[b->occluder_count++];
	o[0] = x, o[1] = y, o[2] = x + w, o[3] = y + h;
}

uint32_t ui_occluder_vertices(const ui_builder *b, ui_vertex *out)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < b->occluder_count; i++) {
		const float *o = b->occluders[i];
		const float c[4][2] = {{o[0], o[1]}, {o[2], o[1]}, {o[2], o[3]}, {o[0], o[3]}};
		static const int order[6] = {0, 1, 2, 0, 2, 3};
		for (int k = 0; k < 6; k++)
			out[n++] = (ui_vertex){c[order[k]][0], c[order[k]][1], b->font->white_u, b->font->white_v, 0};
	}
	return n;
}

void ui_line(ui_builder *b, float x0, float y0, float x1, float y1, float thickness, uint32_t color)
{
	float dx = x1 - x0, dy = y1 - y0, l = sqrtf(dx * dx + dy * dy);
	if (l <= 1e-6f)
		return;
	/* extend by half the thickness so consecutive segments overlap at the joints */
	float t = thickness * 0.5f, nx = -dy / l * t, ny = dx / l * t, ex = dx / l * t * 0.5f, ey = dy / l * t * 0.5f;
	const float xy[8] = {x0 + nx - ex, y0 + ny - ey, x1 + nx + ex, y1 + ny + ey,
	                     x1 - nx + ex, y1 - ny + ey, x0 - nx - ex, y0 - ny - ey};
	quad(b, xy, b->font->white_u, b->font->white_v, b->font->white_u, b->font->white_v, color);
}

float ui_text_width(const ui_font *font, float size, const char *text)
{
	float s = size / font->bake_px, x = 0.f;
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		if (*c >= UI_FIRST_CHAR && *c < UI_FIRST_CHAR + UI_CHAR_COUNT)
			x += font->glyphs[*c - UI_FIRST_CHAR].xadvance * s;
	return x;
}

float ui_text(ui_builder *b, float x, float y, float size, uint32_t color, const char *text)
{
	const ui_font *f = b->font;
	float s = size / f->bake_px, pen = x, base = y + f->ascent * size;
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if (*c < UI_FIRST_CHAR || *c >= UI_FIRST_CHAR + UI_CHAR_COUNT)
			continue;
		const ui_glyph *g = &f->glyphs[*c - UI_FIRST_CHAR];
		if (g->x1 > g->x0) {
			float qx0 = pen + g->xoff * s, qy0 = base + g->yoff * s;
			float qx1 = qx0 + (float)(g->x1 - g->x0) * s, qy1 = qy0 + (float)(g->y1 - g->y0) * s;
			const float xy[8] = {qx0, qy0, qx1, qy0, qx1, qy1, qx0, qy1};
			quad(b, xy, (float)g->x0 / (float)f->w, (float)g->y0 / (float)f->h, (float)g->x1 / (float)f->w,
			     (float)g->y1 / (float)f->h, color);
		}
		pen += g->xadvance * s;
	}
	return pen - x;
}

static void trace(ui_builder *b, const scrub_render_waveform *wf, float x, float y, float w, float h, float thick,
                  uint32_t color)
{
	if (!wf->samples || wf->count < 2)
		return;
	uint32_t gap = wf->count / 25 + 1;
	for (uint32_t i = 0; i + 1 < wf->count; i++) {
		/* blank a short gap just after the sweep cursor, like a real monitor */
		if (wf->cursor < wf->count && (i + wf->count - wf->cursor) % wf->count < gap)
			continue;
		float v0 = fminf(fmaxf(wf->samples[i], 0.f), 1.f), v1 = fminf(fmaxf(wf->samples[i + 1], 0.f), 1.f);
		float x0 = x + w * (float)i / (float)(wf->count - 1), x1 = x + w * (float)(i + 1) / (float)(wf->count - 1);
		ui_line(b, x0, y + h * (1.f - v0), x1, y + h * (1.f - v1), thick, color);
	}
}

static void number(char *buf, size_t n, float v)
{
	if (v < 0.f)
		snprintf(buf, n, "--");
	else
		snprintf(buf, n, "%d", (int)lrintf(v));
}

static void monitor(ui_builder *b, const scrub_render_monitor *m)
{
	const uint32_t green = UI_RGBA(70, 255, 90, 255), cyan = UI_RGBA(80, 220, 255, 255);
	const uint32_t yellow = UI_RGBA(255, 225, 60, 255), white = UI_RGBA(235, 235, 235, 255);
	float margin = b->h * 0.02f, pw = b->w * 0.40f, ph = b->h * 0.46f;
	float px = b->w - pw - margin, py = margin;
	ui_rect(b, px - 2, py - 2, pw + 4, ph + 4, UI_RGBA(90, 95, 100, 255));
	ui_rect(b, px, py, pw, ph, UI_RGBA(8, 10, 12, 255));
	float strip = ph * 0.16f, rh = (ph - strip) / 3.f, tw = pw * 0.62f, pad = pw * 0.02f;
	float thick = fmaxf(1.f, b->h / 300.f), small = fmaxf(6.f, rh * 0.24f), big = rh * 0.62f;
	const scrub_render_waveform *wf[3] = {&m->ecg, &m->pleth, &m->capno};
	const uint32_t col[3] = {green, cyan, yellow};
	const char *label[3] = {"II", "Pleth", "CO2"};
	const char *name[3] = {"HR", "SpO2", "EtCO2"};
	const float val[3] = {m->hr, m->spo2, m->etco2};
	char buf[64];
	for (int r = 0; r < 3; r++) {
		float ry = py + rh * (float)r;
		if (r > 0)
			ui_rect(b, px, ry, pw, 1.f, UI_RGBA(40, 44, 48, 255));
		ui_text(b, px + pad, ry + pad * 0.5f, small, col[r], label[r]);
		trace(b, wf[r], px + pad, ry + rh * 0.18f, tw - pad, rh * 0.74f, thick, col[r]);
		ui_text(b, px + tw + pad, ry + pad * 0.5f, small, col[r], name[r]);
		number(buf, sizeof(buf), val[r]);
		ui_text(b, px + pw - pad - ui_text_width(b->font, big, buf), ry + rh * 0.3f, big, col[r], buf);
	}
	float sy = py + ph - strip;
	ui_rect(b, px, sy, pw, 1.f, UI_RGBA(40, 44, 48, 255));
	char sys[16], dia[16], rr[16];
	number(sys, sizeof(sys), m->bp_sys);
	number(dia, sizeof(dia), m->bp_dia);
	number(rr, sizeof(rr), m->rr);
	snprintf(buf, sizeof(buf), "NIBP %s/%s", sys, dia);
	float ts = strip * 0.6f;
	ui_text(b, px + pad, sy + strip * 0.2f, ts, white, buf);
	snprintf(buf, sizeof(buf), "RR %s", rr);
	ui_text(b, px + tw + pad, sy + strip * 0.2f, ts, yellow, buf);
	if (m->alarm) {
		float w = ui_text_width(b->font, small * 1.2f, m->alarm);
		ui_rect(b, px + pw * 0.5f - w * 0.5f - pad, py + ph + margin * 0.5f, w + 2 * pad, small * 1.6f,
		        UI_RGBA(200, 20, 20, 255));
		ui_text(b, px + pw * 0.5f - w * 0.5f, py + ph + margin * 0.5f + small * 0.2f, small * 1.2f, white, m->alarm);
	}
}

static void hud(ui_builder *b, const scrub_render_snapshot *s)
{
	if (!s->hud_line_count)
		return;
	float size = fmaxf(10.f, b->h / 32.f), lh = size * 1.3f, margin = b->h * 0.02f, w = 0.f;
	for (uint32_t i = 0; i < s->hud_line_count; i++)
		if (s->hud_lines[i])
			w = fmaxf(w, ui_text_width(b->font, size, s->hud_lines[i]));
	ui_rect(b, margin, margin, w + size, lh * (float)s->hud_line_count + size * 0.4f, UI_RGBA(0, 0, 0, 150));
	for (uint32_t i = 0; i < s->hud_line_count; i++)
		if (s->hud_lines[i])
			ui_text(b, margin + size * 0.5f, margin + size * 0.2f + lh * (float)i, size, UI_RGBA(255, 255, 255, 255),
			        s->hud_lines[i]);
}

static void results(ui_builder *b, const scrub_render_results *r)
{
	float size = fmaxf(10.f, b->h / 26.f);
	float pw = b->w * 0.6f;
	/* shrink the text until the longest line fits the panel (never below 8 px) */
	float need = r->title ? ui_text_width(b->font, size * 1.2f, r->title) : 0.f;
	for (uint32_t i = 0; i < r->line_count; i++)
		if (r->lines[i].text)
			need = fmaxf(need, size * 3.5f + ui_text_width(b->font, size, r->lines[i].text));
	if (r->summary)
		need = fmaxf(need, ui_text_width(b->font, size * 1.1f, r->summary));
	float room = pw - 2.f * size * 0.8f;
	if (need > room)
		size = fmaxf(8.f, size * room / need);
	float lh = size * 1.4f;
	float ph = lh * ((float)r->line_count + (r->summary ? 3.5f : 2.5f));
	float px = (b->w - pw) * 0.5f, py = fmaxf((b->h - ph) * 0.5f, 0.f), pad = size * 0.8f;
	ui_rect(b, px - 2, py - 2, pw + 4, ph + 4, UI_RGBA(200, 200, 200, 255));
	ui_rect(b, px, py, pw, ph, UI_RGBA(20, 24, 32, 235));
	float y = py + lh * 0.4f;
	if (r->title)
		ui_text(b, px + pad, y, size * 1.2f, UI_RGBA(255, 255, 255, 255), r->title);
	y += lh * 1.5f;
	for (uint32_t i = 0; i < r->line_count; i++, y += lh) {
		const scrub_render_result_line *l = &r->lines[i];
		const char *tag = l->passed ? "PASS" : "FAIL";
		uint32_t tc = l->passed ? UI_RGBA(80, 230, 100, 255) : UI_RGBA(255, 80, 70, 255);
		ui_text(b, px + pad, y, size, tc, tag);
		if (l->text)
			ui_text(b, px + pad + size * 3.5f, y, size, UI_RGBA(230, 230, 230, 255), l->text);
	}
	if (r->summary)
		ui_text(b, px + pad, y + lh * 0.3f, size * 1.1f, UI_RGBA(255, 230, 120, 255), r->summary);
}

void ui_build_snapshot(ui_builder *b, const scrub_render_snapshot *s)
{
	if (s->monitor.visible)
		monitor(b, &s->monitor);
	hud(b, s);
	if (s->results.visible)
		results(b, &s->results);
}
