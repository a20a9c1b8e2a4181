/* The soft-tissue block of the render bench, behind plain types: sim/tissue/tissue.h and scrub_render.h both
 * defined the same layer names (the tissue's are now SCRUB_TISSUE_LAYER_*). */
#ifndef SCRUB_BENCH_TISSUE_H
#define SCRUB_BENCH_TISSUE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct bench_tissue_mesh {
	const float *positions, *normals, *uvs;
	const uint8_t *layers;     /* tissue layer per vertex: 0 skin, 1 fat, 2 muscle (as scrub_render_layer) */
	const uint32_t *indices;
	uint32_t vertex_count, index_count;
} bench_tissue_mesh;

typedef struct bench_tissue bench_tissue;

/* A block of about `tets` tetrahedra; its size on the skin in metres. */
bool bench_tissue_create(uint32_t tets, float *out_size_x, float *out_size_y, bench_tissue **out);
/* One physics step, then the surface (valid until the next step). */
bool bench_tissue_step(bench_tissue *bt, bench_tissue_mesh *out);
void bench_tissue_destroy(bench_tissue **bt);

#endif
