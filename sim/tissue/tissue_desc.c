/* The tissue's names, the description's defaults and its checks: C, no Bullet (tissue.h). */
#include <math.h>
#include <stddef.h>

#define SCRUB_LOG_MODULE "tissue"
#include "log.h"
#include "tissue_desc.h"

static void material_defaults(int layer, scrub_tissue_material *m)
{
	/* skin, fat, muscle: stiff and tough; soft and nearly incompressible; in between */
	static const scrub_tissue_material def[SCRUB_TISSUE_LAYER_COUNT] = {
		{0.9f, 1.0e5f, 0.02f, 0.0f, 1100.0f, 0.45f, 0.70f},
		{0.25f, 5.0e3f, 0.05f, 0.5f, 920.0f, 0.60f, 0.90f},
		{0.5f, 2.0e4f, 0.04f, 0.0f, 1060.0f, 0.40f, 0.60f},
	};
	const scrub_tissue_material *d = &def[layer];
	if (m->stiffness <= 0) m->stiffness = d->stiffness;
	if (m->youngs_pa <= 0) m->youngs_pa = d->youngs_pa;
	if (m->damping <= 0) m->damping = d->damping;
	if (m->volume <= 0) m->volume = d->volume;
	if (m->density <= 0) m->density = d->density;
	if (m->damage_strain <= 0) m->damage_strain = d->damage_strain;
	if (m->tear_strain <= 0) m->tear_strain = d->tear_strain;
}

const char *scrub_tissue_layer_name(int layer)
{
	switch (layer) {
	case SCRUB_TISSUE_LAYER_SKIN: return "skin";
	case SCRUB_TISSUE_LAYER_FAT: return "fat";
	case SCRUB_TISSUE_LAYER_MUSCLE: return "muscle";
	default: return "none";
	}
}

const char *scrub_instrument_name(scrub_instrument_kind kind)
{
	switch (kind) {
	case SCRUB_INSTR_SCALPEL: return "scalpel";
	case SCRUB_INSTR_FORCEPS: return "forceps";
	case SCRUB_INSTR_NEEDLE_DRIVER: return "needle_driver";
	case SCRUB_INSTR_SCISSORS: return "scissors";
	default: return "none";
	}
}

const char *scrub_tissue_event_name(scrub_tissue_event_kind kind)
{
	switch (kind) {
	case SCRUB_TEV_GRASP: return "grasp";
	case SCRUB_TEV_RELEASE: return "release";
	case SCRUB_TEV_SLIP: return "slip";
	case SCRUB_TEV_INCISION: return "incision";
	case SCRUB_TEV_INCISION_LAYER: return "incision_layer";
	case SCRUB_TEV_DAMAGE_FORCE: return "damage_force";
	case SCRUB_TEV_DAMAGE_STRAIN: return "damage_strain";
	case SCRUB_TEV_TEAR: return "tear";
	case SCRUB_TEV_NEEDLE_ENTRY: return "needle_entry";
	case SCRUB_TEV_NEEDLE_EXIT: return "needle_exit";
	case SCRUB_TEV_CLAMP: return "clamp";
	case SCRUB_TEV_THREAD_CUT: return "thread_cut";
	case SCRUB_TEV_THREAD_PULLED_OUT: return "thread_pulled_out";
	}
	return "unknown";
}

void scrub_tissue_desc_defaults(scrub_tissue_desc *d)
{
	static const float thick[SCRUB_TISSUE_LAYER_COUNT] = {0.002f, 0.006f, 0.012f};
	if (d->size_x <= 0) d->size_x = 0.10f;
	if (d->size_y <= 0) d->size_y = 0.06f;
	for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++) {
		if (d->thickness[l] <= 0) d->thickness[l] = thick[l];
		material_defaults(l, &d->material[l]);
	}
	if (d->element_size <= 0) d->element_size = 0.0025f;
	if (d->skin_tension <= 0) d->skin_tension = 0.05f;
	if (d->dt <= 0) d->dt = 0.001f;
	if (d->iterations <= 0) d->iterations = 2;
	if (d->gravity == 0) d->gravity = 9.81f;
	if (d->max_node_speed <= 0) d->max_node_speed = 5.0f;
}

scrub_result tissue_desc_check(const scrub_tissue_desc *d)
{
	const float vals[] = {d->size_x, d->size_y, d->thickness[0], d->thickness[1], d->thickness[2],
	                      d->element_size, d->skin_tension, d->dt, d->gravity, d->max_node_speed};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		if (!isfinite(vals[i])) {
			LOG_E("tissue description has a non-finite value");
			return SCRUB_ERR_INVALID;
		}
	if (d->size_x > 1 || d->size_y > 1 || d->thickness[0] + d->thickness[1] + d->thickness[2] > 0.5f) {
		LOG_E("tissue block %.3f x %.3f m is larger than 1 m", d->size_x, d->size_y);
		return SCRUB_ERR_LIMIT;
	}
	if (d->skin_tension > 0.2f || d->dt > 0.01f || d->iterations > 64 || d->element_size < 2e-4f) {
		LOG_E("tissue description out of range (skin_tension %.3f, dt %.4f, iterations %d, element %.5f)",
		      d->skin_tension, d->dt, d->iterations, d->element_size);
		return SCRUB_ERR_INVALID;
	}
	for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++) {
		const scrub_tissue_material *m = &d->material[l];
		if (!(m->stiffness <= 1) || !(m->damping < 1) || !(m->volume <= 1) || !isfinite(m->youngs_pa) ||
		    !isfinite(m->density) || !isfinite(m->damage_strain) || !isfinite(m->tear_strain)) {
			LOG_E("tissue material of layer %s out of range", scrub_tissue_layer_name(l));
			return SCRUB_ERR_INVALID;
		}
	}
	return SCRUB_OK;
}
