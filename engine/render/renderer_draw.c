/* Drawing a snapshot into a target: attachments, the frame's uniforms and stream, the passes (tissue, body,
 * instances, overlay), resolve, depth hand-over and submission. */
#define SCRUB_LOG_MODULE "render"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "renderer_vk.h"

scrub_result rvk_ensure_attachments(scrub_renderer *r, uint32_t w, uint32_t h, uint32_t layers, VkFormat format)
{
	if (r->att_w == w && r->att_h == h && r->att_layers == layers && r->att_format == format)
		return SCRUB_OK;
	VK_CHECK(vkDeviceWaitIdle(r->device));
	rvk_destroy_attachments(r);
	scrub_result res = SCRUB_OK;
	if (r->samples > 1)
		res = rvk_image_create(r, w, h, layers, format, r->samples,
		                       VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
		                           (layers > 1 ? VK_IMAGE_USAGE_TRANSFER_SRC_BIT : VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT),
		                       VK_IMAGE_ASPECT_COLOR_BIT, &r->msaa);
	if (res == SCRUB_OK)
		res = rvk_image_create(r, w, h, layers, r->depth_format, r->samples,
		                       VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT |
		                           (r->samples == 1 ? VK_IMAGE_USAGE_TRANSFER_SRC_BIT : VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT),
		                       VK_IMAGE_ASPECT_DEPTH_BIT, &r->depth);
	for (uint32_t l = 0; l < layers && layers > 1 && res == SCRUB_OK; l++) {
		if (r->samples > 1)
			res = rvk_layer_view(r, r->msaa.img, format, VK_IMAGE_ASPECT_COLOR_BIT, l, &r->msaa_layers[l]);
		if (res == SCRUB_OK)
			res = rvk_layer_view(r, r->depth.img, r->depth_format, VK_IMAGE_ASPECT_DEPTH_BIT, l, &r->depth_layers[l]);
	}
	if (res != SCRUB_OK) {
		rvk_destroy_attachments(r);
		return res;
	}
	r->att_w = w;
	r->att_h = h;
	r->att_layers = layers;
	r->att_format = format;
	return SCRUB_OK;
}

static bool format_is_srgb(VkFormat f)
{
	return f == VK_FORMAT_R8G8B8A8_SRGB || f == VK_FORMAT_B8G8R8A8_SRGB || f == VK_FORMAT_A8B8G8R8_SRGB_PACK32;
}

static void fill_frame_data(gpu_frame_data *d, const scrub_render_snapshot *s, const scrub_render_vk_target *t)
{
	memset(d, 0, sizeof(*d));
	for (uint32_t v = 0; v < 2; v++) {
		const scrub_render_view *view = &s->camera.views[v < s->camera.view_count ? v : 0];
		scrub_render_mul(view->proj, view->view, d->view_proj[v]);
		memcpy(d->eye_pos[v], view->eye_pos, 3 * sizeof(float));
	}
	/* the surgical lamp: a warm key light from above the table, slightly towards the surgeon */
	const float l[3] = {0.25f, 1.f, 0.45f};
	float n = sqrtf(l[0] * l[0] + l[1] * l[1] + l[2] * l[2]);
	for (int i = 0; i < 3; i++)
		d->light_dir[i] = l[i] / n;
	const float lc[4] = {1.0f, 0.97f, 0.92f, 0}, sky[4] = {0.30f, 0.33f, 0.34f, 0}, gr[4] = {0.10f, 0.09f, 0.08f, 0};
	memcpy(d->light_color, lc, sizeof(lc));
	memcpy(d->sky, sky, sizeof(sky));
	memcpy(d->ground, gr, sizeof(gr));
	d->params[0] = format_is_srgb(t->format) ? 0.f : 1.f;
	d->params[1] = (float)t->width;
	d->params[2] = (float)t->height;
	const scrub_render_body *b = s->body;
	if (b) {
		const float v[5][4] = {
			{b->chest_rise[0], b->chest_rise[1], b->abdomen_rise, b->compression},
			{b->jolt, b->head_tilt, b->eyes_open, b->trachea_shift},
			{b->neck_veins, b->bag_squeeze, b->sweat, b->time},
			{b->cyanosis_central, b->cyanosis_peripheral, b->pallor, b->flush},
			{b->urticaria, b->mottling, b->posture[0], b->posture[1]},
		};
		memcpy(d->body, v, sizeof v);
	}
	const float geo[4][4] = {
		{BODY_EYE_X, BODY_EYE_Y, BODY_EYE_Z, BODY_LID_CLOSE_RAD},
		{BODY_EYE_X, BODY_EYE_Y, -BODY_EYE_Z, 0},
		{BODY_NECK_PIVOT_X, BODY_NECK_PIVOT_Y, 0, 0},
		{BODY_CPR_X, 0, BODY_CPR_Z, 0.075f},
	};
	memcpy(d->body[5], geo, sizeof geo);
}

static VkDeviceSize align16(VkDeviceSize x) { return (x + 15) & ~(VkDeviceSize)15; }

static scrub_result validate_snapshot(const scrub_renderer *r, const scrub_render_snapshot *s,
                                       const scrub_render_vk_target *t)
{
	if (s->camera.view_count < 1 || s->camera.view_count > SCRUB_RENDER_MAX_VIEWS) {
		LOG_E("camera.view_count %u: must be 1 or 2", s->camera.view_count);
		return SCRUB_ERR_INVALID;
	}
	if (s->camera.view_count != t->layers) {
		LOG_E("camera.view_count %u does not match the target's %u layers", s->camera.view_count, t->layers);
		return SCRUB_ERR_INVALID;
	}
	for (uint32_t i = 0; i < s->instance_count; i++)
		if (s->instances[i].mesh >= r->mesh_count) {
			LOG_E("instance %u: unknown mesh %u", i, s->instances[i].mesh);
			return SCRUB_ERR_INVALID;
		}
	const scrub_render_tissue *ts = s->tissue;
	if (ts && ts->index_count) {
		if (!ts->positions || !ts->normals || !ts->layers || !ts->indices || ts->index_count % 3) {
			LOG_E("tissue: positions, normals, layers and a triangle list of indices are required");
			return SCRUB_ERR_INVALID;
		}
		for (uint32_t i = 0; i < ts->index_count; i++)
			if (ts->indices[i] >= ts->vertex_count) {
				LOG_E("tissue: index %u = %u is out of range (%u vertices)", i, ts->indices[i], ts->vertex_count);
				return SCRUB_ERR_INVALID;
			}
	}
	return SCRUB_OK;
}

/* Front-to-back order of the instances (a mesh that surrounds everything, the room, last): a CPU rasteriser like
 * lavapipe then skips shading most hidden fragments. */
static scrub_result sort_instances(scrub_renderer *r, const scrub_render_snapshot *s)
{
	if (s->instance_count > r->order_cap) {
		uint32_t *o = realloc(r->order, s->instance_count * sizeof(*o));
		if (o)
			r->order = o;
		float *k = realloc(r->order_key, s->instance_count * sizeof(*k));
		if (k)
			r->order_key = k;
		if (!o || !k)
			return SCRUB_ERR_NOMEM;
		r->order_cap = s->instance_count;
	}
	const float *eye = s->camera.views[0].eye_pos;
	for (uint32_t i = 0; i < s->instance_count; i++) {
		const float *m = s->instances[i].model;
		float dx = m[12] - eye[0], dy = m[13] - eye[1], dz = m[14] - eye[2];
		r->order_key[i] = r->meshes[s->instances[i].mesh].surrounds ? 1e30f : dx * dx + dy * dy + dz * dz;
		/* insertion sort: a scene has tens of instances */
		uint32_t j = i;
		while (j > 0 && r->order_key[r->order[j - 1]] > r->order_key[i]) {
			r->order[j] = r->order[j - 1];
			j--;
		}
		r->order[j] = i;
	}
	return SCRUB_OK;
}

/* One draw: what it draws into and from, the frame slot and pipelines it uses, and the stream's layout. */
typedef struct draw_ctx {
	scrub_renderer *r;
	const scrub_render_vk_target *t;
	const scrub_render_snapshot *s;
	frame *f;
	variant *var;
	const scrub_render_tissue *ts; /* NULL: no tissue this frame */
	bool per_view;                 /* a stereo target drawn one pass per view (no multiview) */
	uint32_t passes;
	VkImageView tviews[2];         /* the target's view of each pass */
	bool manual_resolve;           /* MSAA resolved by vkCmdResolveImage after the passes */
	bool give_depth;               /* the frame's depth copied to the caller's image */
	VkImageLayout work_layout;     /* the target's layout while it is drawn */
	/* the stream: tissue positions, normals, uvs, layers, indices, then the overlay and its occluders */
	VkDeviceSize off[7];
	uint32_t occluder_vertices;
} draw_ctx;

/* The frame slot free again, the attachments and views of the target, the pipelines of its format, the instances
 * sorted and the frame's uniforms written. */
static scrub_result draw_prepare(draw_ctx *c)
{
	scrub_renderer *r = c->r;
	const scrub_render_vk_target *t = c->t;
	const scrub_render_snapshot *s = c->s;
	scrub_result res = validate_snapshot(r, s, t);
	if (res != SCRUB_OK)
		return res;
	if (s->body && s->body->parts && !r->body_vb.buf) { /* the body is made when it is first drawn */
		res = rvk_upload_body(r);
		if (res != SCRUB_OK)
			return res;
	}
	frame *f = c->f = &r->frames[r->frame_index];
	if (f->submitted) {
		VK_CHECK(vkWaitForFences(r->device, 1, &f->fence, VK_TRUE, UINT64_MAX));
		VK_CHECK(vkResetFences(r->device, 1, &f->fence));
		f->submitted = false;
	}
	rvk_destroy_view(r, &f->target_layers[0]);
	rvk_destroy_view(r, &f->target_layers[1]);
	c->per_view = t->layers > 1 && !r->multiview;
	c->passes = c->per_view ? t->layers : 1;
	c->tviews[0] = t->view;
	c->tviews[1] = VK_NULL_HANDLE;
	res = rvk_ensure_attachments(r, t->width, t->height, t->layers, t->format);
	for (uint32_t l = 0; c->per_view && l < t->layers && res == SCRUB_OK; l++) {
		res = rvk_layer_view(r, t->image, t->format, VK_IMAGE_ASPECT_COLOR_BIT, l, &f->target_layers[l]);
		c->tviews[l] = f->target_layers[l];
	}
	if (res == SCRUB_OK)
		res = rvk_get_variant(r, t->format, t->layers == 2 && !c->per_view ? 0x3u : 0u, &c->var);
	if (res != SCRUB_OK)
		return res;

	res = sort_instances(r, s);
	if (res != SCRUB_OK)
		return res;
	fill_frame_data(f->ubo.map, s, t);
	return SCRUB_OK;
}

/* The overlay built, and the frame's stream (grown when too small) filled. */
static scrub_result fill_stream(draw_ctx *c)
{
	scrub_renderer *r = c->r;
	frame *f = c->f;
	ui_begin(&r->ui, &r->font, (float)c->t->width, (float)c->t->height);
	ui_build_snapshot(&r->ui, c->s);
	if (r->ui.failed)
		return SCRUB_ERR_NOMEM;
	const scrub_render_tissue *ts = c->ts = c->s->tissue && c->s->tissue->index_count ? c->s->tissue : NULL;
	VkDeviceSize nv = ts ? ts->vertex_count : 0, *off = c->off, size = 0;
	off[0] = 0;
	off[1] = align16(off[0] + nv * 12);
	off[2] = align16(off[1] + nv * 12);
	off[3] = align16(off[2] + nv * 8);
	off[4] = align16(off[3] + nv);
	off[5] = align16(off[4] + (ts ? ts->index_count : 0) * 4u);
	off[6] = off[5] + (VkDeviceSize)r->ui.count * sizeof(ui_vertex);
	size = off[6] + (VkDeviceSize)6 * UI_MAX_OCCLUDERS * sizeof(ui_vertex) + 16;
	if (f->stream.size < size) {
		rvk_buffer_destroy(r, &f->stream);
		scrub_result res = rvk_buffer_create(r, size + size / 2,
		                                     VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_INDEX_BUFFER_BIT,
		                                     VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
		                                     &f->stream);
		if (res != SCRUB_OK)
			return res;
	}
	char *map = f->stream.map;
	if (ts) {
		memcpy(map + off[0], ts->positions, nv * 12);
		memcpy(map + off[1], ts->normals, nv * 12);
		if (ts->uvs)
			memcpy(map + off[2], ts->uvs, nv * 8);
		else
			memset(map + off[2], 0, nv * 8);
		memcpy(map + off[3], ts->layers, nv);
		memcpy(map + off[4], ts->indices, (size_t)ts->index_count * 4);
	}
	if (r->ui.count) /* a frame may have no overlay at all (the eyes in XR) */
		memcpy(map + off[5], r->ui.v, (size_t)r->ui.count * sizeof(ui_vertex));
	c->occluder_vertices = ui_occluder_vertices(&r->ui, (ui_vertex *)(void *)(map + off[6]));
	return SCRUB_OK;
}

/* The target, the MSAA and the depth attachments into the layouts the passes draw in. */
static void barriers_before(const draw_ctx *c, VkCommandBuffer cmd)
{
	const scrub_renderer *r = c->r;
	const scrub_render_vk_target *t = c->t;
	const bool manual_resolve = c->manual_resolve;
	rvk_barrier(cmd, t->image, VK_IMAGE_ASPECT_COLOR_BIT, t->layers, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, 0,
	            manual_resolve ? VK_PIPELINE_STAGE_2_RESOLVE_BIT : VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
	            manual_resolve ? VK_ACCESS_2_TRANSFER_WRITE_BIT : VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, t->old_layout,
	            c->work_layout);
	if (r->samples > 1)
		rvk_barrier(cmd, r->msaa.img, VK_IMAGE_ASPECT_COLOR_BIT, t->layers,
		            VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_2_RESOLVE_BIT,
		            VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
		            VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
		            VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL);
	rvk_barrier(cmd, r->depth.img, VK_IMAGE_ASPECT_DEPTH_BIT, t->layers,
	            VK_PIPELINE_STAGE_2_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT |
	                    VK_PIPELINE_STAGE_2_COPY_BIT, /* the previous frame may have copied it out */
	            VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT,
	            VK_PIPELINE_STAGE_2_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT,
	            VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_READ_BIT | VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT,
	            VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL);
}

/* Dynamic rendering of one pass begun (cleared to clear), with its viewport, scissor and the frame's set. */
static void pass_begin(const draw_ctx *c, VkCommandBuffer cmd, uint32_t pass, VkClearValue clear)
{
	const scrub_renderer *r = c->r;
	const scrub_render_vk_target *t = c->t;
	const bool resolve = r->samples > 1 && !c->manual_resolve;
	VkRenderingAttachmentInfo color = {
		.sType = VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO,
		.imageView = r->samples > 1 ? (c->per_view ? r->msaa_layers[pass] : r->msaa.view) : c->tviews[pass],
		.imageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
		.resolveMode = resolve ? VK_RESOLVE_MODE_AVERAGE_BIT : VK_RESOLVE_MODE_NONE,
		.resolveImageView = resolve ? c->tviews[pass] : VK_NULL_HANDLE,
		.resolveImageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
		.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR,
		.storeOp = resolve ? VK_ATTACHMENT_STORE_OP_DONT_CARE : VK_ATTACHMENT_STORE_OP_STORE,
		.clearValue = clear,
	};
	VkRenderingAttachmentInfo depth = {
		.sType = VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO,
		.imageView = c->per_view ? r->depth_layers[pass] : r->depth.view,
		.imageLayout = VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL,
		.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR,
		.storeOp = c->give_depth ? VK_ATTACHMENT_STORE_OP_STORE : VK_ATTACHMENT_STORE_OP_DONT_CARE,
		.clearValue = {.depthStencil = {1.f, 0}},
	};
	VkRenderingInfo ri = {
		.sType = VK_STRUCTURE_TYPE_RENDERING_INFO,
		.renderArea = {{0, 0}, {t->width, t->height}},
		.layerCount = 1,
		.viewMask = c->var->view_mask,
		.colorAttachmentCount = 1,
		.pColorAttachments = &color,
		.pDepthAttachment = &depth,
	};
	vkCmdBeginRendering(cmd, &ri);
	VkViewport vp = {0, 0, (float)t->width, (float)t->height, 0.f, 1.f};
	VkRect2D sc = {{0, 0}, {t->width, t->height}};
	vkCmdSetViewport(cmd, 0, 1, &vp);
	vkCmdSetScissor(cmd, 0, 1, &sc);
	vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, r->layout, 0, 1, &c->f->set, 0, NULL);
}

/* Push constants for a draw of a model with no colour or material of its own (tissue, body). */
static void push_model(const draw_ctx *c, VkCommandBuffer cmd, const float model[16], uint32_t pass)
{
	gpu_push pc;
	memset(&pc, 0, sizeof(pc));
	memcpy(pc.model, model, sizeof(pc.model));
	pc.material[2] = (float)pass;
	vkCmdPushConstants(cmd, c->r->layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(pc),
	                   &pc);
}

static void draw_tissue(const draw_ctx *c, VkCommandBuffer cmd, uint32_t pass)
{
	const frame *f = c->f;
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, c->var->tissue);
	VkBuffer bufs[4] = {f->stream.buf, f->stream.buf, f->stream.buf, f->stream.buf};
	vkCmdBindVertexBuffers(cmd, 0, 4, bufs, c->off);
	vkCmdBindIndexBuffer(cmd, f->stream.buf, c->off[4], VK_INDEX_TYPE_UINT32);
	push_model(c, cmd, c->ts->model, pass);
	vkCmdDrawIndexed(cmd, c->ts->index_count, 1, 0, 0, 0);
}

static void draw_body(const draw_ctx *c, VkCommandBuffer cmd, uint32_t pass)
{
	const scrub_renderer *r = c->r;
	const scrub_render_body *b = c->s->body;
	int lod = b->lod;
	if (lod < 0) { /* the close mesh within 1.8 m of the (first) eye */
		const float *e = c->s->camera.views[0].eye_pos;
		float dx = b->model[12] - e[0], dy = b->model[13] - e[1], dz = b->model[14] - e[2];
		lod = dx * dx + dy * dy + dz * dz < 1.8f * 1.8f ? 0 : 1;
	}
	if (lod >= BODY_LODS)
		lod = BODY_LODS - 1;
	/* far away (LOD 1) the body is lit per vertex: per pixel it is most of a CPU rasteriser's frame */
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, lod ? c->var->body_vlit : c->var->body);
	VkDeviceSize zero = 0;
	vkCmdBindVertexBuffers(cmd, 0, 1, &r->body_vb.buf, &zero);
	vkCmdBindIndexBuffer(cmd, r->body_ib.buf, 0, VK_INDEX_TYPE_UINT32);
	push_model(c, cmd, b->model, pass);
	/* outer parts (what care put on, the gown) before the skin they cover: the covered skin then fails the
	 * depth test before it is shaded */
	for (int part = SCRUB_BODY_PART_COUNT - 1; part >= 0; part--)
		if (b->parts & (1u << part) && r->body_parts[lod][part].index_count)
			vkCmdDrawIndexed(cmd, r->body_parts[lod][part].index_count, 1, r->body_parts[lod][part].first_index,
			                 r->body_parts[lod][part].vertex_offset, 0);
}

static void draw_instances(const draw_ctx *c, VkCommandBuffer cmd, uint32_t pass)
{
	const scrub_renderer *r = c->r;
	const scrub_render_snapshot *s = c->s;
	VkPipeline bound = VK_NULL_HANDLE;
	VkDeviceSize zero = 0;
	const struct rmesh *mesh_bound = NULL;
	for (uint32_t i = 0; i < s->instance_count; i++) {
		const scrub_render_instance *in = &s->instances[r->order[i]];
		const struct rmesh *m = &r->meshes[in->mesh];
		if (m != mesh_bound) {
			vkCmdBindVertexBuffers(cmd, 0, 1, &m->vb.buf, &zero);
			vkCmdBindIndexBuffer(cmd, m->ib.buf, 0, VK_INDEX_TYPE_UINT32);
			mesh_bound = m;
		}
		/* metal is lit per pixel; matte and emissive per vertex (see shaders/mesh.vert) */
		VkPipeline want = in->material.kind == SCRUB_MATERIAL_METAL ? c->var->mesh : c->var->mesh_vlit;
		if (want != bound) {
			vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, want);
			bound = want;
		}
		gpu_push pc;
		memcpy(pc.model, in->model, sizeof(pc.model));
		memcpy(pc.color, in->material.color, sizeof(pc.color));
		float rough = in->material.roughness;
		if (rough <= 0.f)
			rough = in->material.kind == SCRUB_MATERIAL_METAL ? 0.25f : 0.6f;
		pc.material[0] = (float)in->material.kind;
		pc.material[1] = rough;
		pc.material[2] = (float)pass; /* view index base in per-view passes */
		pc.material[3] = 0.f;
		vkCmdPushConstants(cmd, r->layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(pc),
		                   &pc);
		vkCmdDrawIndexed(cmd, m->index_count, 1, 0, 0, 0);
	}
}

/* One pass: the overlay's occluders, the tissue, the body, the instances, then the overlay. */
static void record_pass(const draw_ctx *c, VkCommandBuffer cmd, uint32_t pass, VkClearValue clear)
{
	const scrub_renderer *r = c->r;
	const frame *f = c->f;
	pass_begin(c, cmd, pass, clear);
	if (c->occluder_vertices) {
		vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, c->var->occluder);
		vkCmdBindVertexBuffers(cmd, 0, 1, &f->stream.buf, &c->off[6]);
		vkCmdDraw(cmd, c->occluder_vertices, 1, 0, 0);
	}
	if (c->ts)
		draw_tissue(c, cmd, pass);
	if (c->s->body && c->s->body->parts)
		draw_body(c, cmd, pass);
	if (c->s->instance_count)
		draw_instances(c, cmd, pass);
	if (r->ui.count) {
		vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, c->var->ui);
		vkCmdBindVertexBuffers(cmd, 0, 1, &f->stream.buf, &c->off[5]);
		vkCmdDraw(cmd, r->ui.count, 1, 0, 0);
	}
	vkCmdEndRendering(cmd);
}

/* After the passes: the MSAA resolve done by hand, the target into its final layout, the depth handed over. */
static void barriers_after(const draw_ctx *c, VkCommandBuffer cmd)
{
	const scrub_renderer *r = c->r;
	const scrub_render_vk_target *t = c->t;
	const bool manual_resolve = c->manual_resolve;
	if (manual_resolve) {
		rvk_barrier(cmd, r->msaa.img, VK_IMAGE_ASPECT_COLOR_BIT, t->layers,
		            VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT, VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT,
		            VK_PIPELINE_STAGE_2_RESOLVE_BIT, VK_ACCESS_2_TRANSFER_READ_BIT,
		            VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
		VkImageResolve region = {
			.srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, t->layers},
			.dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, t->layers},
			.extent = {t->width, t->height, 1},
		};
		vkCmdResolveImage(cmd, r->msaa.img, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, t->image,
		                  VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
	}
	VkPipelineStageFlags2 dst_stage = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
	VkAccessFlags2 dst_access = 0;
	if (t->final_layout == VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL) {
		dst_stage = VK_PIPELINE_STAGE_2_COPY_BIT;
		dst_access = VK_ACCESS_2_TRANSFER_READ_BIT;
	}
	if (t->final_layout != c->work_layout)
		rvk_barrier(cmd, t->image, VK_IMAGE_ASPECT_COLOR_BIT, t->layers,
		            manual_resolve ? VK_PIPELINE_STAGE_2_RESOLVE_BIT : VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
		            manual_resolve ? VK_ACCESS_2_TRANSFER_WRITE_BIT : VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT,
		            dst_stage, dst_access, c->work_layout, t->final_layout);
	if (c->give_depth) {
		/* the frame's depth to the caller's image (an XR depth swapchain) */
		rvk_barrier(cmd, r->depth.img, VK_IMAGE_ASPECT_DEPTH_BIT, t->layers,
		            VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT, VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT,
		            VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_READ_BIT,
		            VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
		rvk_barrier(cmd, t->depth_image, VK_IMAGE_ASPECT_DEPTH_BIT, t->layers, VK_PIPELINE_STAGE_2_NONE, 0,
		            VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
		            VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
		VkImageCopy region = {
			.srcSubresource = {VK_IMAGE_ASPECT_DEPTH_BIT, 0, 0, t->layers},
			.dstSubresource = {VK_IMAGE_ASPECT_DEPTH_BIT, 0, 0, t->layers},
			.extent = {t->width, t->height, 1},
		};
		vkCmdCopyImage(cmd, r->depth.img, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, t->depth_image,
		               VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
		rvk_barrier(cmd, t->depth_image, VK_IMAGE_ASPECT_DEPTH_BIT, t->layers, VK_PIPELINE_STAGE_2_COPY_BIT,
		            VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, 0,
		            VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
		            t->depth_final_layout ? t->depth_final_layout : VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL);
	}
}

/* The commands submitted (waiting on and signalling the caller's semaphores), the next frame slot taken. */
static scrub_result submit(draw_ctx *c, VkCommandBuffer cmd, const scrub_render_vk_sync *sync)
{
	scrub_renderer *r = c->r;
	VkSemaphoreSubmitInfo wait = {
		.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
		.semaphore = sync ? sync->wait : VK_NULL_HANDLE,
		.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
	};
	VkSemaphoreSubmitInfo signal = {
		.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
		.semaphore = sync ? sync->signal : VK_NULL_HANDLE,
		.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
	};
	VkCommandBufferSubmitInfo cbi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO, .commandBuffer = cmd};
	VkSubmitInfo2 si = {
		.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
		.waitSemaphoreInfoCount = wait.semaphore ? 1 : 0,
		.pWaitSemaphoreInfos = &wait,
		.commandBufferInfoCount = 1,
		.pCommandBufferInfos = &cbi,
		.signalSemaphoreInfoCount = signal.semaphore ? 1 : 0,
		.pSignalSemaphoreInfos = &signal,
	};
	VK_CHECK(vkQueueSubmit2(r->queue, 1, &si, c->f->fence));
	c->f->submitted = true;
	r->frame_index = (r->frame_index + 1) % r->frame_count;
	return SCRUB_OK;
}

scrub_result scrub_renderer_vk_draw(scrub_renderer *r, const scrub_render_vk_target *t,
                                    const scrub_render_snapshot *s, const scrub_render_vk_sync *sync)
{
	draw_ctx c = {.r = r, .t = t, .s = s};
	scrub_result res = draw_prepare(&c);
	if (res == SCRUB_OK)
		res = fill_stream(&c);
	if (res != SCRUB_OK)
		return res;

	VkCommandBuffer cmd = c.f->cmd;
	VkCommandBufferBeginInfo bi = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
		.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
	};
	VK_CHECK(vkResetCommandBuffer(cmd, 0));
	VK_CHECK(vkBeginCommandBuffer(cmd, &bi));
	/* lavapipe also resolves a single-layer view of layer 1 into layer 0: per-view passes with MSAA resolve
	 * with vkCmdResolveImage after the passes (the target then needs TRANSFER_DST usage) */
	c.manual_resolve = c.per_view && r->samples > 1;
	c.give_depth = t->depth_image != VK_NULL_HANDLE && r->samples == 1;
	c.work_layout = c.manual_resolve ? VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL : VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
	barriers_before(&c, cmd);

	VkClearValue clear = {.color = {{0, 0, 0, 1}}};
	for (int i = 0; i < 3; i++) /* clear colour is linear; the shader path encodes, so do the same here */
		clear.color.float32[i] = format_is_srgb(t->format) ? s->clear_color[i] : powf(s->clear_color[i], 1.f / 2.2f);
	clear.color.float32[3] = s->clear_color[3]; /* 0: see-through where nothing is drawn (an XR alpha-blend layer) */
	for (uint32_t pass = 0; pass < c.passes; pass++)
		record_pass(&c, cmd, pass, clear);
	barriers_after(&c, cmd);
	VK_CHECK(vkEndCommandBuffer(cmd));
	return submit(&c, cmd, sync);
}
