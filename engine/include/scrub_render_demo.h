/* A representative operating-room snapshot for golden-image tests, benches and screenshots before the simulation
 * feeds the renderer: a tissue block on the table with an incision, instruments on a Mayo tray, a needle driver
 * over the wound, a crash cart with a defibrillator, the patient monitor with synthetic waveforms, HUD text. */
#ifndef SCRUB_RENDER_DEMO_H
#define SCRUB_RENDER_DEMO_H

#include "scrub_render.h"

#define SCRUB_DEMO_WAVE_SAMPLES 256
#define SCRUB_DEMO_MAX_INSTANCES 16

typedef struct scrub_render_demo {
	uint32_t grid;              /* tissue resolution: about 2 * grid^2 triangles */
	float *positions, *normals, *uvs;
	uint8_t *layers;
	uint32_t *indices;
	uint32_t vertex_cap, index_cap;
	scrub_render_tissue tissue;
	scrub_render_instance instances[SCRUB_DEMO_MAX_INSTANCES];
	float ecg[SCRUB_DEMO_WAVE_SAMPLES], pleth[SCRUB_DEMO_WAVE_SAMPLES], capno[SCRUB_DEMO_WAVE_SAMPLES];
	char hud_text[4][64];
	const char *hud[4];
	scrub_render_result_line result_lines[4];
	scrub_render_snapshot snapshot;
} scrub_render_demo;

typedef struct scrub_render_demo_params {
	float time;                 /* seconds: waveforms, sweep cursor, HUD clock */
	float incision_open;        /* 0 = intact skin, 1 = a fully opened incision into the muscle */
	float aspect;               /* width / height of the target */
	bool overlay;               /* monitor and HUD */
	bool results;               /* the end-of-scenario results panel */
	bool close_up;              /* camera on the wound only */
} scrub_render_demo_params;

scrub_result scrub_render_demo_init(scrub_render_demo *demo, uint32_t grid);
void scrub_render_demo_fini(scrub_render_demo *demo);
/* Rebuilds the tissue surface and fills demo->snapshot for the given parameters. */
void scrub_render_demo_update(scrub_render_demo *demo, const scrub_render_demo_params *params);

#endif
