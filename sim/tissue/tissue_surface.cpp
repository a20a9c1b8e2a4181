/* The render surface: the boundary faces of the tets (cut faces included), rebuilt when the
 * topology changes, its positions and normals refreshed when it is read. */
#include <algorithm>

#define SCRUB_LOG_MODULE "tissue"
extern "C" {
#include "log.h"
}
#include "tissue_internal.hpp"

namespace tissue {
namespace {

void rebuild_surface(scrub_tissue *t)
{
	const int nn = t->sb->m_nodes.size();
	t->node_vert.assign(nn, -1);
	t->vert_node.clear();
	t->s_idx.clear();
	static const int face[4][3] = {{1, 2, 3}, {0, 3, 2}, {0, 1, 3}, {0, 2, 1}};
	for (const Tet &tt : t->tets)
		for (int f = 0; f < 4; f++) {
			if (tt.nbr[f] >= 0)
				continue;
			int v[3] = {tt.n[face[f][0]], tt.n[face[f][1]], tt.n[face[f][2]]};
			const btVector3 nrm = (t->rest[v[1]] - t->rest[v[0]]).cross(t->rest[v[2]] - t->rest[v[0]]);
			if (nrm.dot(t->rest[v[0]] - t->rest[tt.n[f]]) < 0)
				std::swap(v[1], v[2]);
			for (int k = 0; k < 3; k++) {
				if (t->node_vert[v[k]] < 0) {
					t->node_vert[v[k]] = (int)t->vert_node.size();
					t->vert_node.push_back(v[k]);
				}
				t->s_idx.push_back((uint32_t)t->node_vert[v[k]]);
			}
		}
	const size_t nv = t->vert_node.size();
	t->s_pos.resize(nv * 3);
	t->s_nrm.resize(nv * 3);
	t->s_uv.resize(nv * 2);
	t->s_layer.resize(nv);
	for (size_t i = 0; i < nv; i++) {
		const int n = t->vert_node[i];
		t->s_uv[i * 2] = t->rest[n].x() / t->desc.size_x;
		t->s_uv[i * 2 + 1] = t->rest[n].y() / t->desc.size_y;
		t->s_layer[i] = t->node_layer[n];
	}
	t->s_version++;
	t->topology_dirty = false;
}

}  // namespace

/* The surface is made when it is read (a renderer reads it every frame; a headless session
 * never does), from the node positions of the last step. */
void refresh_surface(scrub_tissue *t)
{
	if (!t->surface_stale && !t->topology_dirty)
		return;
	t->surface_stale = false;
	if (t->topology_dirty)
		rebuild_surface(t);
	const size_t nv = t->vert_node.size();
	btSoftBody *sb = t->sb;
	for (size_t i = 0; i < nv; i++) {
		const btVector3 &x = sb->m_nodes[t->vert_node[i]].m_x;
		t->s_pos[i * 3] = x.x();
		t->s_pos[i * 3 + 1] = x.y();
		t->s_pos[i * 3 + 2] = x.z();
	}
	std::fill(t->s_nrm.begin(), t->s_nrm.end(), 0.0f);
	const float *p = t->s_pos.data();
	float *nr = t->s_nrm.data();
	for (size_t f = 0; f + 2 < t->s_idx.size(); f += 3) {
		const uint32_t a = t->s_idx[f], b = t->s_idx[f + 1], c = t->s_idx[f + 2];
		const float e1[3] = {p[b * 3] - p[a * 3], p[b * 3 + 1] - p[a * 3 + 1], p[b * 3 + 2] - p[a * 3 + 2]};
		const float e2[3] = {p[c * 3] - p[a * 3], p[c * 3 + 1] - p[a * 3 + 1], p[c * 3 + 2] - p[a * 3 + 2]};
		const float n[3] = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]};
		for (uint32_t v : {a, b, c})
			for (int k = 0; k < 3; k++)
				nr[v * 3 + k] += n[k];
	}
	for (size_t i = 0; i < nv; i++) {
		float *v = nr + i * 3;
		const float l = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
		if (l > 1e-20f) {
			v[0] /= l; v[1] /= l; v[2] /= l;
		} else {
			v[0] = 0; v[1] = 0; v[2] = 1;
		}
	}
}

}  // namespace tissue

using namespace tissue;

extern "C" {

void scrub_tissue_get_surface(const scrub_tissue *t, scrub_tissue_surface *out)
{
	if (!t || !out)
		return;
	refresh_surface(const_cast<scrub_tissue *>(t));  /* allocated non-const: the cache may change */
	out->vertex_count = (uint32_t)t->vert_node.size();
	out->triangle_count = (uint32_t)(t->s_idx.size() / 3);
	out->positions = t->s_pos.data();
	out->normals = t->s_nrm.data();
	out->uvs = t->s_uv.data();
	out->layers = t->s_layer.data();
	out->indices = t->s_idx.data();
	out->version = t->s_version;
}

}  // extern "C"
