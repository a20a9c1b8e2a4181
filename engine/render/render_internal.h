/* Internal to engine/render: the 2D overlay builder (text, monitor, HUD, results) shared by the renderer. */
#ifndef SCRUB_RENDER_INTERNAL_H
#define SCRUB_RENDER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "scrub_render.h"

#define UI_FIRST_CHAR 32
#define UI_CHAR_COUNT 95

typedef struct ui_glyph {
	uint16_t x0, y0, x1, y1;
	float xoff, yoff, xadvance;
} ui_glyph;

typedef struct ui_font {
	uint8_t *atlas;        /* R8, w * h */
	uint32_t w, h;
	float bake_px;
	float ascent;          /* per pixel of size */
	float white_u, white_v;
	ui_glyph glyphs[UI_CHAR_COUNT];
} ui_font;

typedef struct ui_vertex {
	float x, y, u, v;      /* pixels, top-left origin; atlas UV */
	uint32_t color;        /* RGBA8, sRGB encoded, R in the low byte */
} ui_vertex;

#define UI_MAX_OCCLUDERS 8

typedef struct ui_builder {
	ui_vertex *v;
	uint32_t count, cap;
	float occluders[UI_MAX_OCCLUDERS][4]; /* large opaque rectangles (x0, y0, x1, y1): the scene behind is hidden */
	uint32_t occluder_count;
	const ui_font *font;
	float w, h;            /* target size in pixels */
	bool failed;
} ui_builder;

/* Rasterises ASCII 32..126 of the TrueType font at path into an R8 atlas. */
scrub_result ui_font_init(ui_font *font, const char *path);
void ui_font_fini(ui_font *font);

void ui_begin(ui_builder *b, const ui_font *font, float w, float h);
void ui_builder_fini(ui_builder *b);
void ui_rect(ui_builder *b, float x, float y, float w, float h, uint32_t color);
void ui_line(ui_builder *b, float x0, float y0, float x1, float y1, float thickness, uint32_t color);
/* Draws ASCII text with its top at y; returns the advance width. */
float ui_text(ui_builder *b, float x, float y, float size, uint32_t color, const char *text);
float ui_text_width(const ui_font *font, float size, const char *text);
/* The occluders as triangles (6 vertices each) into out (6 * UI_MAX_OCCLUDERS at most); returns the count. */
uint32_t ui_occluder_vertices(const ui_builder *b, ui_vertex *out);
/* The whole overlay of a snapshot: HUD lines, patient monitor, results panel. */
void ui_build_snapshot(ui_builder *b, const scrub_render_snapshot *snapshot);

#define UI_RGBA(r, g, b, a) ((uint32_t)(r) | (uint32_t)(g) << 8 | (uint32_t)(b) << 16 | (uint32_t)(a) << 24)

#endif
