/* The demo snapshot: procedural incised tissue block, instruments, monitor waveforms (see scrub_render_demo.h). */
#include "scrub_render_demo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI_F 3.14159265358979f

/* Tissue block (metres): top at y = 0, layers skin / fat / muscle by depth. */
#define BLOCK_W 0.20f
#define BLOCK_D 0.14f
#define BLOCK_H 0.025f
#define SKIN_DEPTH 0.003f
#define FAT_DEPTH 0.012f
#define CUT_XA -0.055f
#define CUT_XB 0.055f
#define CUT_GAP 0.012f
#define CUT_DEPTH 0.016f

scrub_result scrub_render_demo_init(scrub_render_demo *d, uint32_t grid)
{
	memset(d, 0, sizeof(*d));
	if (grid < 8)
		grid = 8;
	grid &= ~1u;
	d->grid = grid;
	uint32_t nz = grid / 2;
	uint32_t walls_rows = 8;
	d->vertex_cap = 2 * (grid + 1) * (nz + 1) + 2 * (grid + 1) * walls_rows + 64;
	d->index_cap = 2 * grid * nz * 6 + 2 * grid * walls_rows * 6 + grid * 6 + 128;
	d->positions = malloc((size_t)d->vertex_cap * 12);
	d->normals = malloc((size_t)d->vertex_cap * 12);
	d->uvs = malloc((size_t)d->vertex_cap * 8);
	d->layers = malloc(d->vertex_cap);
	d->indices = malloc((size_t)d->index_cap * 4);
	if (!d->positions || !d->normals || !d->uvs || !d->layers || !d->indices) {
		scrub_render_demo_fini(d);
		return SCRUB_ERR_NOMEM;
	}
	return SCRUB_OK;
}

void scrub_render_demo_fini(scrub_render_demo *d)
{
	free(d->positions);
	free(d->normals);
	free(d->uvs);
	free(d->layers);
	free(d->indices);
	memset(d, 0, sizeof(*d));
}

typedef struct tbuild {
	scrub_render_demo *d;
	uint32_t nv, ni;
} tbuild;

static uint32_t tv(tbuild *b, float x, float y, float z, uint8_t layer)
{
	uint32_t i = b->nv++;
	b->d->positions[3 * i] = x;
	b->d->positions[3 * i + 1] = y;
	b->d->positions[3 * i + 2] = z;
	memset(&b->d->normals[3 * i], 0, 12);
	b->d->uvs[2 * i] = x / BLOCK_W + 0.5f;
	b->d->uvs[2 * i + 1] = z / BLOCK_D + 0.5f;
	b->d->layers[i] = layer;
	return i;
}

/* A quad a b c d, counter-clockwise seen from its front. */
static void tq(tbuild *b, uint32_t a, uint32_t bb, uint32_t c, uint32_t dd)
{
	uint32_t *o = &b->d->indices[b->ni];
	o[0] = a, o[1] = bb, o[2] = c, o[3] = a, o[4] = c, o[5] = dd;
	b->ni += 6;
}

static float cut_shape(float x)
{
	if (x <= CUT_XA || x >= CUT_XB)
		return 0.f;
	return sinf(PI_F * (x - CUT_XA) / (CUT_XB - CUT_XA));
}

static void smooth_normals(scrub_render_demo *d, uint32_t i0, uint32_t i1)
{
	for (uint32_t t = i0; t < i1; t += 3) {
		const uint32_t *ix = &d->indices[t];
		const float *p0 = &d->positions[3 * ix[0]], *p1 = &d->positions[3 * ix[1]], *p2 = &d->positions[3 * ix[2]];
		float e1[3] = {p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]};
		float e2[3] = {p2[0] - p0[0], p2[1] - p0[1], p2[2] - p0[2]};
		float n[3] = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]};
		for (int k = 0; k < 3; k++)
			for (int c = 0; c < 3; c++)
				d->normals[3 * ix[k] + c] += n[c];
	}
}

static void normalize_normals(scrub_render_demo *d, uint32_t v0, uint32_t v1)
{
	for (uint32_t i = v0; i < v1; i++) {
		float *n = &d->normals[3 * i];
		float l = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
		if (l > 1e-20f) {
			n[0] /= l, n[1] /= l, n[2] /= l;
		} else {
			n[0] = 0, n[1] = 1, n[2] = 0;
		}
	}
}

static void build_tissue(scrub_render_demo *d, float open)
{
	tbuild b = {d, 0, 0};
	const uint32_t nx = d->grid, nz = d->grid / 2;
	/* top surface: two halves meeting along z = 0, pulled apart along the incision */
	for (int h = -1; h <= 1; h += 2) {
		uint32_t base = b.nv;
		for (uint32_t i = 0; i <= nx; i++) {
			float x = -BLOCK_W / 2 + BLOCK_W * (float)i / (float)nx, s = cut_shape(x), g = open * CUT_GAP * s;
			for (uint32_t j = 0; j <= nz; j++) {
				float f = powf((float)j / (float)nz, 1.5f), a = g + (BLOCK_D / 2 - g) * f;
				float lip = (a - g) / 0.004f;
				float y = -0.0015f * open * s * expf(-lip * lip);
				tv(&b, x, y, (float)h * a, SCRUB_LAYER_SKIN);
			}
		}
		for (uint32_t i = 0; i < nx; i++)
			for (uint32_t j = 0; j < nz; j++) {
				uint32_t p00 = base + i * (nz + 1) + j, p10 = p00 + nz + 1, p01 = p00 + 1, p11 = p10 + 1;
				if (h > 0)
					tq(&b, p00, p01, p11, p10);
				else
					tq(&b, p00, p10, p11, p01);
			}
	}
	/* the walls of the cut: bands of skin, fat and muscle down to the bottom line where they meet */
	if (open > 0.f) {
		static const float levels[8] = {0.f, SKIN_DEPTH, SKIN_DEPTH, 0.0075f, FAT_DEPTH, FAT_DEPTH, 0.014f, CUT_DEPTH};
		static const uint8_t level_layer[8] = {0, 0, 1, 1, 1, 2, 2, 2};
		static const int band_start[3] = {0, 2, 5}, band_rows[3] = {2, 3, 3};
		uint32_t i0 = 0, i1 = nx;
		while (i0 < nx && cut_shape(-BLOCK_W / 2 + BLOCK_W * (float)(i0 + 1) / (float)nx) <= 0.f)
			i0++;
		while (i1 > 0 && cut_shape(-BLOCK_W / 2 + BLOCK_W * (float)(i1 - 1) / (float)nx) <= 0.f)
			i1--;
		for (int h = -1; h <= 1; h += 2) {
			uint32_t base = b.nv, cols = i1 - i0 + 1;
			for (uint32_t i = i0; i <= i1; i++) {
				float x = -BLOCK_W / 2 + BLOCK_W * (float)i / (float)nx, s = cut_shape(x);
				float g = open * CUT_GAP * s, depth = CUT_DEPTH * sqrtf(s), top = -0.0015f * open * s;
				for (int k = 0; k < 8; k++) {
					float dk = fminf(levels[k], depth);
					float z = depth > 0.f ? g * (1.f - 0.65f * dk / depth) : 0.f;
					tv(&b, x, top - dk, (float)h * z, level_layer[k]);
				}
			}
			for (uint32_t c = 0; c + 1 < cols; c++)
				for (int band = 0; band < 3; band++)
					for (int r = 0; r + 1 < band_rows[band]; r++) {
						uint32_t k = (uint32_t)(band_start[band] + r);
						uint32_t p00 = base + c * 8 + k, p10 = p00 + 8, p01 = p00 + 1, p11 = p10 + 1;
						if (h > 0)
							tq(&b, p00, p10, p11, p01);
						else
							tq(&b, p00, p01, p11, p10);
					}
		}
		/* the floor of the wound, in muscle, between the bottom rows of the two walls */
		uint32_t cols = i1 - i0 + 1, left = b.nv - 2 * cols * 8, right = b.nv - cols * 8;
		for (uint32_t c = 0; c + 1 < cols; c++) {
			uint32_t l0 = left + c * 8 + 7, l1 = l0 + 8, r0 = right + c * 8 + 7, r1 = r0 + 8;
			tq(&b, l0, l1, r1, r0);
		}
	}
	smooth_normals(d, 0, b.ni);
	normalize_normals(d, 0, b.nv);
	/* the block's sides: flat bands showing the layers */
	static const float band_top[3] = {0.f, SKIN_DEPTH, FAT_DEPTH}, band_bot[3] = {SKIN_DEPTH, FAT_DEPTH, BLOCK_H};
	const float hw = BLOCK_W / 2, hd = BLOCK_D / 2;
	const float side[4][2][2] = {/* bottom-left and bottom-right (x, z) seen from outside */
	                             {{-hw, hd}, {hw, hd}},
	                             {{hw, -hd}, {-hw, -hd}},
	                             {{hw, hd}, {hw, -hd}},
	                             {{-hw, -hd}, {-hw, hd}}};
	const float side_n[4][3] = {{0, 0, 1}, {0, 0, -1}, {1, 0, 0}, {-1, 0, 0}};
	for (int sd = 0; sd < 4; sd++)
		for (int band = 0; band < 3; band++) {
			uint32_t v0 = b.nv;
			uint32_t a = tv(&b, side[sd][0][0], -band_bot[band], side[sd][0][1], (uint8_t)band);
			uint32_t c = tv(&b, side[sd][1][0], -band_bot[band], side[sd][1][1], (uint8_t)band);
			uint32_t e = tv(&b, side[sd][1][0], -band_top[band], side[sd][1][1], (uint8_t)band);
			uint32_t f = tv(&b, side[sd][0][0], -band_top[band], side[sd][0][1], (uint8_t)band);
			tq(&b, a, c, e, f);
			for (uint32_t v = v0; v < b.nv; v++)
				memcpy(&d->normals[3 * v], side_n[sd], 12);
		}
	d->tissue = (scrub_render_tissue){
		.positions = d->positions,
		.normals = d->normals,
		.uvs = d->uvs,
		.layers = d->layers,
		.vertex_count = b.nv,
		.indices = d->indices,
		.index_count = b.ni,
	};
	scrub_render_trs(0.f, 0.90f + BLOCK_H, 0.f, 0.f, 1.f, d->tissue.model);
}

/* Synthetic waveforms, one period each, phase in [0, 1). */
static float g1(float x, float mu, float sigma) { return expf(-(x - mu) * (x - mu) / (2 * sigma * sigma)); }

static float ecg_at(float ph)
{
	return 0.3f + 0.08f * g1(ph, 0.18f, 0.025f) - 0.06f * g1(ph, 0.285f, 0.008f) + 0.62f * g1(ph, 0.30f, 0.009f) -
	       0.12f * g1(ph, 0.32f, 0.01f) + 0.16f * g1(ph, 0.55f, 0.045f);
}

static float pleth_at(float ph)
{
	return 0.12f + 0.7f * g1(ph, 0.42f, 0.09f) + 0.25f * g1(ph, 0.65f, 0.07f);
}

static float capno_at(float ph)
{
	/* expiration: rise, alveolar plateau, inspiration: fall */
	if (ph < 0.05f)
		return 0.05f + 0.75f * ph / 0.05f;
	if (ph < 0.55f)
		return 0.80f + 0.08f * (ph - 0.05f);
	if (ph < 0.60f)
		return 0.84f - 0.79f * (ph - 0.55f) / 0.05f;
	return 0.05f;
}

static void waves(scrub_render_demo *d, float t, float hr, float rr)
{
	const float window = 6.f; /* seconds across the trace */
	const uint32_t n = SCRUB_DEMO_WAVE_SAMPLES;
	float sweep_start = floorf(t / window) * window;
	uint32_t cursor = (uint32_t)((t - sweep_start) / window * (float)n) % n;
	for (uint32_t i = 0; i < n; i++) {
		float ti = sweep_start + window * (float)i / (float)n - (i > cursor ? window : 0.f);
		float pc = ti * hr / 60.f, pr = ti * rr / 60.f;
		d->ecg[i] = ecg_at(pc - floorf(pc));
		float pp = pc - 0.15f;
		d->pleth[i] = pleth_at(pp - floorf(pp));
		d->capno[i] = capno_at(pr - floorf(pr));
	}
	scrub_render_monitor *m = &d->snapshot.monitor;
	m->ecg = (scrub_render_waveform){d->ecg, n, cursor};
	m->pleth = (scrub_render_waveform){d->pleth, n, cursor};
	m->capno = (scrub_render_waveform){d->capno, n, cursor};
}

static void instance(scrub_render_demo *d, scrub_render_mesh mesh, float x, float y, float z, float yaw,
                     scrub_render_material_kind kind, float r, float g, float b)
{
	if (d->snapshot.instance_count >= SCRUB_DEMO_MAX_INSTANCES)
		return;
	scrub_render_instance *in = &d->instances[d->snapshot.instance_count++];
	in->mesh = mesh;
	scrub_render_trs(x, y, z, yaw, 1.f, in->model);
	in->material = (scrub_render_material){kind, {r, g, b, 1.f}, 0.f};
}

void scrub_render_demo_update(scrub_render_demo *d, const scrub_render_demo_params *p)
{
	scrub_render_snapshot *s = &d->snapshot;
	memset(s, 0, sizeof(*s));
	build_tissue(d, p->incision_open);
	s->tissue = &d->tissue;
	s->instances = d->instances;
	instance(d, SCRUB_MESH_ROOM, 0, 0, 0, 0, SCRUB_MATERIAL_MATTE, 1, 1, 1);
	instance(d, SCRUB_MESH_TABLE, 0, 0, 0, 0, SCRUB_MATERIAL_MATTE, 1, 1, 1);
	instance(d, SCRUB_MESH_TRAY, 0.30f, -0.06f, 0.28f, 0, SCRUB_MATERIAL_METAL, 1, 1, 1);
	instance(d, SCRUB_MESH_SCALPEL, 0.30f, 0.946f, 0.20f, 0.1f, SCRUB_MATERIAL_METAL, 1, 1, 1);
	instance(d, SCRUB_MESH_FORCEPS, 0.20f, 0.946f, 0.30f, -0.15f, SCRUB_MATERIAL_METAL, 1, 1, 1);
	/* the needle driver in the trainee's hand, over the wound */
	instance(d, SCRUB_MESH_NEEDLE_DRIVER, 0.05f, 0.945f + 0.01f * sinf(p->time * 2.f), 0.03f, 2.5f,
	         SCRUB_MATERIAL_METAL, 1, 1, 1);
	instance(d, SCRUB_MESH_CRASH_CART, -1.4f, 0, -1.2f, 0.5f, SCRUB_MATERIAL_MATTE, 1, 1, 1);
	instance(d, SCRUB_MESH_DEFIBRILLATOR, -1.4f, 1.04f, -1.2f, 0.5f, SCRUB_MATERIAL_MATTE, 1, 1, 1);

	const float eye_far[3] = {-0.12f, 1.32f, 0.62f}, at_far[3] = {0.12f, 0.90f, 0.06f};
	const float eye_near[3] = {0.0f, 1.08f, 0.11f}, at_near[3] = {0.0f, 0.92f, 0.0f};
	scrub_render_camera_look(&s->camera, p->close_up ? eye_near : eye_far, p->close_up ? at_near : at_far,
	                         p->close_up ? 0.6f : 0.9f, p->aspect);
	s->clear_color[0] = 0.05f, s->clear_color[1] = 0.05f, s->clear_color[2] = 0.06f, s->clear_color[3] = 1.f;

	if (p->overlay) {
		scrub_render_monitor *m = &s->monitor;
		m->visible = true;
		m->hr = 72.f + 3.f * sinf(p->time * 0.2f);
		m->bp_sys = 118.f;
		m->bp_dia = 76.f;
		m->spo2 = 98.f;
		m->etco2 = 35.f;
		m->rr = 14.f;
		waves(d, p->time, 72.f, 14.f);
		int secs = (int)p->time;
		snprintf(d->hud_text[0], sizeof(d->hud_text[0]), "Simple interrupted suture");
		snprintf(d->hud_text[1], sizeof(d->hud_text[1]), "Time %02d:%02d", secs / 60, secs % 60);
		snprintf(d->hud_text[2], sizeof(d->hud_text[2]), "Instrument: needle driver");
		snprintf(d->hud_text[3], sizeof(d->hud_text[3]), "Sutures 2/5");
		for (int i = 0; i < 4; i++)
			d->hud[i] = d->hud_text[i];
		s->hud_lines = d->hud;
		s->hud_line_count = 4;
	}
	if (p->results) {
		d->result_lines[0] = (scrub_render_result_line){"Hand hygiene before gloving", true};
		d->result_lines[1] = (scrub_render_result_line){"Bite 5 mm from the wound edge", true};
		d->result_lines[2] = (scrub_render_result_line){"Eversion of the edges", false};
		d->result_lines[3] = (scrub_render_result_line){"Knots placed to one side", true};
		s->results = (scrub_render_results){true, "Suture: results", d->result_lines, 4, "Score 3/4"};
	}
}
