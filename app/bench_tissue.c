/* The render bench's soft-tissue block (see bench_tissue.h). */
#include "bench_tissue.h"

#include <stdlib.h>

#include "tissue/tissue.h"

struct bench_tissue {
	scrub_tissue *t;
};

bool bench_tissue_create(uint32_t tets, float *size_x, float *size_y, bench_tissue **out)
{
	*out = NULL;
	bench_tissue *bt = calloc(1, sizeof(*bt));
	if (!bt)
		return false;
	scrub_tissue_desc td = {.target_tets = (int)tets};
	scrub_tissue_desc_defaults(&td);
	if (scrub_tissue_create(&td, &bt->t) != SCRUB_OK) {
		free(bt);
		return false;
	}
	*size_x = td.size_x;
	*size_y = td.size_y;
	*out = bt;
	return true;
}

bool bench_tissue_step(bench_tissue *bt, bench_tissue_mesh *m)
{
	if (scrub_tissue_step(bt->t) != SCRUB_OK)
		return false;
	scrub_tissue_surface s;
	scrub_tissue_get_surface(bt->t, &s);
	*m = (bench_tissue_mesh){s.positions, s.normals, s.uvs, s.layers, s.indices, s.vertex_count, s.triangle_count * 3};
	return true;
}

void bench_tissue_destroy(bench_tissue **bt)
{
	if (!bt || !*bt)
		return;
	scrub_tissue_destroy(&(*bt)->t);
	free(*bt);
	*bt = NULL;
}
