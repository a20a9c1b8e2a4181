/* The renderer's static geometry: the meshes of meshgen.c and the body of bodygen.c, uploaded once through
 * staging buffers. */
#define SCRUB_LOG_MODULE "render"
#include <stdlib.h>
#include <string.h>

#include "bodygen.h"
#include "log.h"
#include "meshgen.h"
#include "renderer_vk.h"

/* Device-local vertex and index buffers, filled through a staging buffer. */
scrub_result rvk_upload_geometry(scrub_renderer *r, const void *vertices, VkDeviceSize vsize, const uint32_t *indices,
                                 VkDeviceSize isize, buffer *vb, buffer *ib)
{
	buffer staging;
	scrub_result res = rvk_buffer_create(r, vsize + isize, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
	                                     VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, &staging);
	if (res != SCRUB_OK)
		return res;
	memcpy(staging.map, vertices, vsize);
	memcpy((char *)staging.map + vsize, indices, isize);
	res = rvk_buffer_create(r, vsize, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
	                        VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, vb);
	if (res == SCRUB_OK)
		res = rvk_buffer_create(r, isize, VK_BUFFER_USAGE_INDEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
		                        VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, ib);
	VkCommandBuffer cmd = VK_NULL_HANDLE;
	if (res == SCRUB_OK)
		res = rvk_oneshot_begin(r, &cmd);
	if (res == SCRUB_OK) {
		VkBufferCopy vc = {0, 0, vsize}, ic = {vsize, 0, isize};
		vkCmdCopyBuffer(cmd, staging.buf, vb->buf, 1, &vc);
		vkCmdCopyBuffer(cmd, staging.buf, ib->buf, 1, &ic);
		/* vertex/index reads of the copied data happen in later submissions, ordered by the fence wait */
		res = rvk_oneshot_submit_wait(r, cmd);
	}
	rvk_buffer_destroy(r, &staging);
	return res;
}

scrub_result scrub_renderer_mesh_upload(scrub_renderer *r, const scrub_render_mesh_desc *desc,
                                        scrub_render_mesh *out_mesh)
{
	if (!r || !desc || !out_mesh || !desc->vertices || !desc->indices || !desc->vertex_count || !desc->index_count ||
	    desc->index_count % 3)
		return SCRUB_ERR_INVALID;
	for (uint32_t i = 0; i < desc->index_count; i++)
		if (desc->indices[i] >= desc->vertex_count) {
			LOG_E("mesh: index %u = %u is out of range (%u vertices)", i, desc->indices[i], desc->vertex_count);
			return SCRUB_ERR_INVALID;
		}
	if (r->mesh_count == r->mesh_cap) {
		uint32_t cap = r->mesh_cap ? 2 * r->mesh_cap : 32;
		struct rmesh *m = realloc(r->meshes, cap * sizeof(*m));
		if (!m)
			return SCRUB_ERR_NOMEM;
		r->meshes = m;
		r->mesh_cap = cap;
	}
	struct rmesh *m = &r->meshes[r->mesh_count];
	memset(m, 0, sizeof(*m));
	scrub_result res = rvk_upload_geometry(r, desc->vertices, (VkDeviceSize)desc->vertex_count * sizeof(*desc->vertices),
	                                       desc->indices, (VkDeviceSize)desc->index_count * sizeof(uint32_t), &m->vb,
	                                       &m->ib);
	if (res != SCRUB_OK) {
		rvk_buffer_destroy(r, &m->vb);
		rvk_buffer_destroy(r, &m->ib);
		return res;
	}
	m->index_count = desc->index_count;
	m->surrounds = desc->surrounds;
	*out_mesh = r->mesh_count++;
	return SCRUB_OK;
}

/* The font atlas. */
static scrub_result upload_atlas(scrub_renderer *r)
{
	VkDeviceSize asize = (VkDeviceSize)r->font.w * r->font.h;
	buffer staging;
	scrub_result res = rvk_buffer_create(r, asize, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
	                                     VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, &staging);
	if (res != SCRUB_OK)
		return res;
	memcpy(staging.map, r->font.atlas, asize);
	res = rvk_image_create(r, r->font.w, r->font.h, 1, VK_FORMAT_R8_UNORM, 1,
	                       VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, VK_IMAGE_ASPECT_COLOR_BIT,
	                       &r->atlas);
	VkCommandBuffer cmd = VK_NULL_HANDLE;
	if (res == SCRUB_OK)
		res = rvk_oneshot_begin(r, &cmd);
	if (res == SCRUB_OK) {
		rvk_barrier(cmd, r->atlas.img, VK_IMAGE_ASPECT_COLOR_BIT, 1, VK_PIPELINE_STAGE_2_NONE, 0,
		            VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
		            VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
		VkBufferImageCopy bic = {
			.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
			.imageExtent = {r->font.w, r->font.h, 1},
		};
		vkCmdCopyBufferToImage(cmd, staging.buf, r->atlas.img, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &bic);
		rvk_barrier(cmd, r->atlas.img, VK_IMAGE_ASPECT_COLOR_BIT, 1, VK_PIPELINE_STAGE_2_COPY_BIT,
		            VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT, VK_ACCESS_2_SHADER_SAMPLED_READ_BIT,
		            VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
		res = rvk_oneshot_submit_wait(r, cmd);
	}
	rvk_buffer_destroy(r, &staging);
	return res;
}

/* The font atlas and the built-in meshes of meshgen.c, uploaded as meshes whose handles are their enum values. */
scrub_result rvk_upload_static(scrub_renderer *r)
{
	scrub_result res = upload_atlas(r);
	meshgen mg;
	meshgen_init(&mg);
	for (int m = 0; m < SCRUB_MESH_COUNT && res == SCRUB_OK; m++) {
		uint32_t v0 = mg.vcount, i0 = mg.icount;
		meshgen_build(&mg, (scrub_render_mesh)m);
		if (mg.failed) {
			res = SCRUB_ERR_NOMEM;
			break;
		}
		/* indices are relative to the mesh's first vertex */
		for (uint32_t i = i0; i < mg.icount; i++)
			mg.idx[i] -= v0;
		scrub_render_mesh_desc md = {
			.vertices = (const scrub_render_vertex *)&mg.v[v0],
			.vertex_count = mg.vcount - v0,
			.indices = &mg.idx[i0],
			.index_count = mg.icount - i0,
			.surrounds = m == SCRUB_MESH_ROOM,
		};
		scrub_render_mesh handle = 0;
		res = scrub_renderer_mesh_upload(r, &md, &handle);
	}
	LOG_D("static meshes: %u vertices, %u triangles", mg.vcount, mg.icount / 3);
	meshgen_fini(&mg);
	return res;
}

/* The patient's body: generated here (bodygen.c) when a snapshot first has one (about half a second on a CPU; a
 * renderer that never draws a patient never pays), every part at both levels of detail; parts without levels share
 * one mesh. */
scrub_result rvk_upload_body(scrub_renderer *r)
{
	bodygen bg;
	bodygen_init(&bg);
	for (uint32_t lod = 0; lod < BODY_LODS; lod++)
		for (int part = 0; part < SCRUB_BODY_PART_COUNT; part++) {
			bool has_lods = part == SCRUB_BODY_SKIN || part == SCRUB_BODY_HAIR_LONG || part == SCRUB_BODY_GOWN ||
			                part == SCRUB_BODY_GOWN_OPEN || part == SCRUB_BODY_NECK_VEINS;
			if (lod > 0 && !has_lods) {
				r->body_parts[lod][part] = r->body_parts[0][part];
				continue;
			}
			uint32_t v0 = bg.vcount, i0 = bg.icount;
			bodygen_build(&bg, (scrub_body_part)part, lod);
			for (uint32_t i = i0; i < bg.icount; i++)
				bg.idx[i] -= v0;
			r->body_parts[lod][part].first_index = i0;
			r->body_parts[lod][part].index_count = bg.icount - i0;
			r->body_parts[lod][part].vertex_offset = (int32_t)v0;
		}
	if (bg.failed || !bg.vcount) {
		bodygen_fini(&bg);
		return SCRUB_ERR_NOMEM;
	}
	LOG_D("body: %u vertices, %u triangles (skin %u / %u triangles at LOD 0 / 1)", bg.vcount, bg.icount / 3,
	      r->body_parts[0][SCRUB_BODY_SKIN].index_count / 3, r->body_parts[1][SCRUB_BODY_SKIN].index_count / 3);
	VkDeviceSize vsize = (VkDeviceSize)bg.vcount * sizeof(body_vertex), isize = (VkDeviceSize)bg.icount * 4u;
	scrub_result res = rvk_upload_geometry(r, bg.v, vsize, bg.idx, isize, &r->body_vb, &r->body_ib);
	bodygen_fini(&bg);
	return res;
}
