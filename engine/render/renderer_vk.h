/* Internal to engine/render: the renderer's state and the Vulkan helpers its files share (renderer.c: creation
 * and destruction, offscreen targets; renderer_device.c: instance, device, memory, buffers, images, barriers;
 * renderer_meshes.c: static geometry; renderer_pipelines.c: shaders and pipelines; renderer_draw.c: a frame). */
#ifndef SCRUB_RENDERER_VK_H
#define SCRUB_RENDERER_VK_H

#include <stdbool.h>
#include <stdint.h>

#include "bodygen.h"
#include "render_internal.h"
#include "scrub_render_vk.h"
#include "scrub_vk.h"

#define MAX_FRAMES 3
#define MAX_VARIANTS 8

typedef scrub_vk_buffer buffer;

typedef struct image {
	VkImage img;
	VkDeviceMemory mem;
	VkImageView view;
} image;

typedef struct frame {
	VkCommandBuffer cmd;
	VkFence fence;
	bool submitted;
	buffer ubo;
	buffer stream;   /* tissue vertices and indices, overlay vertices: rewritten every frame */
	VkDescriptorSet set;
	VkImageView target_layers[2]; /* single-layer views of a stereo target (per-view passes) */
} frame;

typedef struct variant {
	VkFormat format;
	uint32_t view_mask;
	VkPipeline mesh, mesh_vlit, tissue, ui, occluder, body, body_vlit;
} variant;

typedef struct gpu_frame_data { /* std140, matches shaders/common.glsl */
	float view_proj[2][16];
	float eye_pos[2][4];
	float light_dir[4];
	float light_color[4];
	float sky[4];
	float ground[4];
	float params[4];
	float body[9][4];
} gpu_frame_data;

typedef struct gpu_push {
	float model[16];
	float color[4];
	float material[4];
} gpu_push;

struct scrub_renderer {
	VkInstance instance;
	VkDebugUtilsMessengerEXT messenger;
	VkPhysicalDevice phys;
	VkDevice device;
	VkQueue queue;
	uint32_t qfamily;
	bool owns_device;
	scrub_vk_device vkd; /* device, memory properties and functions for engine/vk */
	char device_name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
	uint32_t samples;
	VkFormat depth_format;
	uint32_t validation_messages;

	VkCommandPool pool;
	uint32_t frame_count, frame_index;
	frame frames[MAX_FRAMES];

	VkDescriptorSetLayout set_layout;
	VkPipelineLayout layout;
	VkDescriptorPool dpool;
	VkShaderModule mods[12];
	variant variants[MAX_VARIANTS];
	uint32_t variant_count;

	/* meshes (scrub_renderer_mesh_upload): the handle is the index; the built-in ones first, at their enum values */
	struct rmesh {
		buffer vb, ib;
		uint32_t index_count;
		bool surrounds;  /* drawn after everything else (it surrounds the viewer) */
	} *meshes;
	uint32_t mesh_count, mesh_cap;
	/* the patient's body (bodygen.c): every part at every level of detail in one vertex and index buffer */
	buffer body_vb, body_ib;
	struct {
		uint32_t first_index, index_count;
		int32_t vertex_offset;
	} body_parts[BODY_LODS][SCRUB_BODY_PART_COUNT];

	ui_font font;
	image atlas;
	VkSampler sampler;
	ui_builder ui;
	uint32_t *order;        /* instance draw order: front to back, the room last (early depth rejection) */
	float *order_key;
	uint32_t order_cap;

	image msaa, depth;
	VkImageView msaa_layers[2], depth_layers[2]; /* single-layer views for per-view passes */
	bool multiview;                               /* stereo in one pass; false: one pass per view */
	uint32_t att_w, att_h, att_layers;
	VkFormat att_format;
};

struct scrub_render_offscreen {
	scrub_renderer *r;
	image target;
	buffer readback;
	uint32_t width, height, layers;
	bool drawn;
};

#define VK_CHECK(call)                                                                          \
	do {                                                                                    \
		VkResult vr_ = (call);                                                          \
		if (vr_ != VK_SUCCESS) {                                                        \
			LOG_E("%s failed: VkResult %d", #call, (int)vr_);                        \
			return vr_ == VK_ERROR_OUT_OF_HOST_MEMORY ? SCRUB_ERR_NOMEM : SCRUB_ERR_RUNTIME; \
		}                                                                               \
	} while (0)

/* PIPE_OCCLUDER: the overlay's opaque panels drawn first, depth only (at depth 0), so that the scene behind them
 * fails the depth test before it is shaded. */
enum pipe_kind { PIPE_MESH, PIPE_MESH_VLIT, PIPE_TISSUE, PIPE_UI, PIPE_BODY, PIPE_BODY_VLIT, PIPE_OCCLUDER };

/* renderer_device.c */
scrub_result rvk_create_instance(scrub_renderer *r, const scrub_render_desc *desc);
scrub_result rvk_create_device(scrub_renderer *r, const scrub_render_desc *desc);
scrub_result rvk_buffer_create(scrub_renderer *r, VkDeviceSize size, VkBufferUsageFlags usage,
                               VkMemoryPropertyFlags props, buffer *out);
void rvk_buffer_destroy(scrub_renderer *r, buffer *b);
scrub_result rvk_image_create(scrub_renderer *r, uint32_t w, uint32_t h, uint32_t layers, VkFormat format,
                              uint32_t samples, VkImageUsageFlags usage, VkImageAspectFlags aspect, image *out);
scrub_result rvk_layer_view(scrub_renderer *r, VkImage img, VkFormat format, VkImageAspectFlags aspect,
                            uint32_t layer, VkImageView *out);
void rvk_destroy_view(scrub_renderer *r, VkImageView *v);
void rvk_image_destroy(scrub_renderer *r, image *im);
void rvk_barrier(VkCommandBuffer cmd, VkImage img, VkImageAspectFlags aspect, uint32_t layers,
                 VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access, VkPipelineStageFlags2 dst_stage,
                 VkAccessFlags2 dst_access, VkImageLayout from, VkImageLayout to);
scrub_result rvk_oneshot_begin(scrub_renderer *r, VkCommandBuffer *out_cmd);
scrub_result rvk_oneshot_submit_wait(scrub_renderer *r, VkCommandBuffer cmd);

/* renderer_meshes.c */
scrub_result rvk_upload_static(scrub_renderer *r);
scrub_result rvk_upload_geometry(scrub_renderer *r, const void *vertices, VkDeviceSize vsize, const uint32_t *indices,
                                 VkDeviceSize isize, buffer *vb, buffer *ib);
scrub_result rvk_upload_body(scrub_renderer *r);

/* renderer_pipelines.c */
scrub_result rvk_create_layouts(scrub_renderer *r);
scrub_result rvk_get_variant(scrub_renderer *r, VkFormat format, uint32_t view_mask, variant **out);

/* renderer.c */
void rvk_destroy_attachments(scrub_renderer *r);

/* renderer_draw.c */
scrub_result rvk_ensure_attachments(scrub_renderer *r, uint32_t w, uint32_t h, uint32_t layers, VkFormat format);

#endif
