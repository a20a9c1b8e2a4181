/* The Vulkan 1.3 renderer: dynamic rendering, synchronization2, frames in flight, staging uploads for static data,
 * MSAA with resolve into the caller's target, multiview (viewMask 0b11) for stereo targets. */
#define SCRUB_LOG_MODULE "render"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bodygen.h"
#include "log.h"
#include "meshgen.h"
#include "render_internal.h"
#include "scrub_render_vk.h"

#define MAX_FRAMES 3
#define MAX_VARIANTS 8
#define DEFAULT_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

static const uint32_t spv_mesh_vert[] =
#include "mesh_vert.spv.h"
	;
static const uint32_t spv_mesh_frag[] =
#include "mesh_frag.spv.h"
	;
static const uint32_t spv_mesh_vlit_vert[] =
#include "mesh_vlit_vert.spv.h"
	;
static const uint32_t spv_mesh_vlit_frag[] =
#include "mesh_vlit_frag.spv.h"
	;
static const uint32_t spv_tissue_vert[] =
#include "tissue_vert.spv.h"
	;
static const uint32_t spv_tissue_frag[] =
#include "tissue_frag.spv.h"
	;
static const uint32_t spv_body_vert[] =
#include "body_vert.spv.h"
	;
static const uint32_t spv_body_frag[] =
#include "body_frag.spv.h"
	;
static const uint32_t spv_body_vlit_vert[] =
#include "body_vlit_vert.spv.h"
	;
static const uint32_t spv_body_vlit_frag[] =
#include "body_vlit_frag.spv.h"
	;
static const uint32_t spv_ui_vert[] =
#include "ui_vert.spv.h"
	;
static const uint32_t spv_ui_frag[] =
#include "ui_frag.spv.h"
	;

typedef struct buffer {
	VkBuffer buf;
	VkDeviceMemory mem;
	VkDeviceSize size;
	void *map;
} buffer;

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
	VkPhysicalDeviceMemoryProperties memprops;
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

	buffer mesh_vb, mesh_ib;
	struct {
		uint32_t first_index, index_count;
		int32_t vertex_offset;
	} meshes[SCRUB_MESH_COUNT];
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

/* ------------------------------------------------------------------------------------------------------------- */

static VKAPI_ATTR VkBool32 VKAPI_CALL debug_cb(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                               VkDebugUtilsMessageTypeFlagsEXT type,
                                               const VkDebugUtilsMessengerCallbackDataEXT *data, void *user)
{
	scrub_renderer *r = user;
	/* validation and performance warnings count: tests require zero */
	if ((type & (VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT)) ||
	    severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
		r->validation_messages++;
		LOG_E("vulkan validation: %s", data->pMessage);
	} else {
		LOG_W("vulkan: %s", data->pMessage);
	}
	return VK_FALSE;
}

static bool env_flag(const char *name)
{
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0") != 0;
}

static bool layer_available(const char *name)
{
	uint32_t n = 0;
	vkEnumerateInstanceLayerProperties(&n, NULL);
	VkLayerProperties *props = calloc(n ? n : 1, sizeof(*props));
	bool found = false;
	if (props && vkEnumerateInstanceLayerProperties(&n, props) == VK_SUCCESS)
		for (uint32_t i = 0; i < n; i++)
			if (strcmp(props[i].layerName, name) == 0)
				found = true;
	free(props);
	return found;
}

static scrub_result create_instance(scrub_renderer *r, const scrub_render_desc *desc)
{
	bool want_validation = desc->validation || env_flag("SCRUB_VK_VALIDATION");
	const char *layer = "VK_LAYER_KHRONOS_validation";
	if (want_validation && !layer_available(layer)) {
		LOG_E("validation requested but %s is not installed (Debian: vulkan-validationlayers)", layer);
		return SCRUB_ERR_RUNTIME;
	}
	const char *exts[32];
	uint32_t n = 0;
	for (uint32_t i = 0; i < desc->instance_extension_count && n < 31; i++)
		exts[n++] = desc->instance_extensions[i];
	if (want_validation)
		exts[n++] = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
	VkDebugUtilsMessengerCreateInfoEXT dbg = {
		.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
		.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
		                   VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
		.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
		               VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
		.pfnUserCallback = debug_cb,
		.pUserData = r,
	};
	VkApplicationInfo app = {
		.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
		.pApplicationName = "scrub",
		.applicationVersion = 1,
		.pEngineName = "scrub",
		.apiVersion = VK_API_VERSION_1_3,
	};
	VkInstanceCreateInfo ci = {
		.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
		.pNext = want_validation ? &dbg : NULL,
		.pApplicationInfo = &app,
		.enabledLayerCount = want_validation ? 1 : 0,
		.ppEnabledLayerNames = &layer,
		.enabledExtensionCount = n,
		.ppEnabledExtensionNames = exts,
	};
	VK_CHECK(vkCreateInstance(&ci, NULL, &r->instance));
	if (want_validation) {
		PFN_vkCreateDebugUtilsMessengerEXT create = (PFN_vkCreateDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
			r->instance, "vkCreateDebugUtilsMessengerEXT");
		if (!create) {
			LOG_E("vkCreateDebugUtilsMessengerEXT not found");
			return SCRUB_ERR_RUNTIME;
		}
		VK_CHECK(create(r->instance, &dbg, NULL, &r->messenger));
	}
	return SCRUB_OK;
}

static int device_score(VkPhysicalDevice pd, const char *want, uint32_t *out_family)
{
	VkPhysicalDeviceProperties props;
	vkGetPhysicalDeviceProperties(pd, &props);
	if (props.apiVersion < VK_API_VERSION_1_3)
		return -1;
	if (want && !strstr(props.deviceName, want))
		return -1;
	VkPhysicalDeviceVulkan11Features f11 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
	VkPhysicalDeviceVulkan13Features f13 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
	                                        .pNext = &f11};
	VkPhysicalDeviceFeatures2 f = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &f13};
	vkGetPhysicalDeviceFeatures2(pd, &f);
	if (!f13.dynamicRendering || !f13.synchronization2 || !f11.multiview)
		return -1;
	uint32_t nq = 0;
	vkGetPhysicalDeviceQueueFamilyProperties(pd, &nq, NULL);
	VkQueueFamilyProperties qp[16];
	if (nq > 16)
		nq = 16;
	vkGetPhysicalDeviceQueueFamilyProperties(pd, &nq, qp);
	int family = -1;
	for (uint32_t i = 0; i < nq && family < 0; i++)
		if (qp[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)
			family = (int)i;
	if (family < 0)
		return -1;
	*out_family = (uint32_t)family;
	switch (props.deviceType) {
	case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 4;
	case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 3;
	case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
	default: return 1;
	}
}

static scrub_result create_device(scrub_renderer *r, const scrub_render_desc *desc)
{
	uint32_t n = 0;
	VK_CHECK(vkEnumeratePhysicalDevices(r->instance, &n, NULL));
	VkPhysicalDevice pds[16];
	if (n > 16)
		n = 16;
	VK_CHECK(vkEnumeratePhysicalDevices(r->instance, &n, pds));
	const char *want = desc->device_name ? desc->device_name : getenv("SCRUB_VK_DEVICE");
	if (want && !*want)
		want = NULL;
	int best = -1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t family = 0;
		int s = device_score(pds[i], want, &family);
		if (s > best) {
			best = s;
			r->phys = pds[i];
			r->qfamily = family;
		}
	}
	if (best < 0) {
		LOG_E("no Vulkan 1.3 device with dynamic rendering, synchronization2 and multiview%s%s%s", want ? " named \"" : "",
		      want ? want : "", want ? "\"" : "");
		return SCRUB_ERR_RUNTIME;
	}
	float prio = 1.f;
	VkDeviceQueueCreateInfo qci = {
		.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
		.queueFamilyIndex = r->qfamily,
		.queueCount = 1,
		.pQueuePriorities = &prio,
	};
	VkPhysicalDeviceVulkan11Features f11 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES,
	                                        .multiview = VK_TRUE};
	VkPhysicalDeviceVulkan13Features f13 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
	                                        .pNext = &f11,
	                                        .dynamicRendering = VK_TRUE,
	                                        .synchronization2 = VK_TRUE};
	VkDeviceCreateInfo dci = {
		.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
		.pNext = &f13,
		.queueCreateInfoCount = 1,
		.pQueueCreateInfos = &qci,
		.enabledExtensionCount = desc->device_extension_count,
		.ppEnabledExtensionNames = desc->device_extensions,
	};
	VK_CHECK(vkCreateDevice(r->phys, &dci, NULL, &r->device));
	r->owns_device = true;
	return SCRUB_OK;
}

static bool find_memory(const scrub_renderer *r, uint32_t bits, VkMemoryPropertyFlags want, uint32_t *out_type)
{
	for (uint32_t i = 0; i < r->memprops.memoryTypeCount; i++)
		if ((bits & (1u << i)) && (r->memprops.memoryTypes[i].propertyFlags & want) == want) {
			*out_type = i;
			return true;
		}
	return false;
}

static scrub_result buffer_create(scrub_renderer *r, VkDeviceSize size, VkBufferUsageFlags usage,
                                  VkMemoryPropertyFlags props, buffer *out)
{
	memset(out, 0, sizeof(*out));
	VkBufferCreateInfo bci = {
		.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
		.size = size,
		.usage = usage,
		.sharingMode = VK_SHARING_MODE_EXCLUSIVE,
	};
	VK_CHECK(vkCreateBuffer(r->device, &bci, NULL, &out->buf));
	VkMemoryRequirements req;
	vkGetBufferMemoryRequirements(r->device, out->buf, &req);
	uint32_t type = 0;
	bool host = props & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
	/* readback and streaming prefer cached/coherent host memory; fall back to plain coherent */
	if (!find_memory(r, req.memoryTypeBits, props, &type) &&
	    !(host && find_memory(r, req.memoryTypeBits,
	                          VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, &type))) {
		LOG_E("no memory type for a buffer of %llu bytes", (unsigned long long)size);
		return SCRUB_ERR_RUNTIME;
	}
	VkMemoryAllocateInfo mai = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
		.allocationSize = req.size,
		.memoryTypeIndex = type,
	};
	VK_CHECK(vkAllocateMemory(r->device, &mai, NULL, &out->mem));
	VK_CHECK(vkBindBufferMemory(r->device, out->buf, out->mem, 0));
	if (host)
		VK_CHECK(vkMapMemory(r->device, out->mem, 0, VK_WHOLE_SIZE, 0, &out->map));
	out->size = size;
	return SCRUB_OK;
}

static void buffer_destroy(scrub_renderer *r, buffer *b)
{
	if (b->buf)
		vkDestroyBuffer(r->device, b->buf, NULL);
	if (b->mem)
		vkFreeMemory(r->device, b->mem, NULL);
	memset(b, 0, sizeof(*b));
}

static scrub_result image_create(scrub_renderer *r, uint32_t w, uint32_t h, uint32_t layers, VkFormat format,
                                 uint32_t samples, VkImageUsageFlags usage, VkImageAspectFlags aspect, image *out)
{
	memset(out, 0, sizeof(*out));
	VkImageCreateInfo ici = {
		.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
		.imageType = VK_IMAGE_TYPE_2D,
		.format = format,
		.extent = {w, h, 1},
		.mipLevels = 1,
		.arrayLayers = layers,
		.samples = (VkSampleCountFlagBits)samples,
		.tiling = VK_IMAGE_TILING_OPTIMAL,
		.usage = usage,
		.sharingMode = VK_SHARING_MODE_EXCLUSIVE,
		.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
	};
	VK_CHECK(vkCreateImage(r->device, &ici, NULL, &out->img));
	VkMemoryRequirements req;
	vkGetImageMemoryRequirements(r->device, out->img, &req);
	uint32_t type = 0;
	if (!find_memory(r, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &type) &&
	    !find_memory(r, req.memoryTypeBits, 0, &type)) {
		LOG_E("no memory type for a %ux%u image", w, h);
		return SCRUB_ERR_RUNTIME;
	}
	VkMemoryAllocateInfo mai = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
		.allocationSize = req.size,
		.memoryTypeIndex = type,
	};
	VK_CHECK(vkAllocateMemory(r->device, &mai, NULL, &out->mem));
	VK_CHECK(vkBindImageMemory(r->device, out->img, out->mem, 0));
	VkImageViewCreateInfo vci = {
		.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
		.image = out->img,
		.viewType = layers > 1 ? VK_IMAGE_VIEW_TYPE_2D_ARRAY : VK_IMAGE_VIEW_TYPE_2D,
		.format = format,
		.subresourceRange = {aspect, 0, 1, 0, layers},
	};
	VK_CHECK(vkCreateImageView(r->device, &vci, NULL, &out->view));
	return SCRUB_OK;
}

static scrub_result layer_view(scrub_renderer *r, VkImage img, VkFormat format, VkImageAspectFlags aspect,
                               uint32_t layer, VkImageView *out)
{
	VkImageViewCreateInfo vci = {
		.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
		.image = img,
		.viewType = VK_IMAGE_VIEW_TYPE_2D,
		.format = format,
		.subresourceRange = {aspect, 0, 1, layer, 1},
	};
	VK_CHECK(vkCreateImageView(r->device, &vci, NULL, out));
	return SCRUB_OK;
}

static void destroy_view(scrub_renderer *r, VkImageView *v)
{
	if (*v)
		vkDestroyImageView(r->device, *v, NULL);
	*v = VK_NULL_HANDLE;
}

static void image_destroy(scrub_renderer *r, image *im)
{
	if (im->view)
		vkDestroyImageView(r->device, im->view, NULL);
	if (im->img)
		vkDestroyImage(r->device, im->img, NULL);
	if (im->mem)
		vkFreeMemory(r->device, im->mem, NULL);
	memset(im, 0, sizeof(*im));
}

static void barrier(VkCommandBuffer cmd, VkImage img, VkImageAspectFlags aspect, uint32_t layers,
                    VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access, VkPipelineStageFlags2 dst_stage,
                    VkAccessFlags2 dst_access, VkImageLayout from, VkImageLayout to)
{
	VkImageMemoryBarrier2 b = {
		.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2,
		.srcStageMask = src_stage,
		.srcAccessMask = src_access,
		.dstStageMask = dst_stage,
		.dstAccessMask = dst_access,
		.oldLayout = from,
		.newLayout = to,
		.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.image = img,
		.subresourceRange = {aspect, 0, 1, 0, layers},
	};
	VkDependencyInfo dep = {
		.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
		.imageMemoryBarrierCount = 1,
		.pImageMemoryBarriers = &b,
	};
	vkCmdPipelineBarrier2(cmd, &dep);
}

/* One-shot command buffer: begin, the caller records, submit_wait ends, submits and waits. */
static scrub_result oneshot_begin(scrub_renderer *r, VkCommandBuffer *out_cmd)
{
	VkCommandBufferAllocateInfo ai = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
		.commandPool = r->pool,
		.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
		.commandBufferCount = 1,
	};
	VK_CHECK(vkAllocateCommandBuffers(r->device, &ai, out_cmd));
	VkCommandBufferBeginInfo bi = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
		.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
	};
	VK_CHECK(vkBeginCommandBuffer(*out_cmd, &bi));
	return SCRUB_OK;
}

static scrub_result oneshot_submit_wait(scrub_renderer *r, VkCommandBuffer cmd)
{
	scrub_result res = SCRUB_OK;
	VkFence fence = VK_NULL_HANDLE;
	VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
	VkCommandBufferSubmitInfo cbi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO, .commandBuffer = cmd};
	VkSubmitInfo2 si = {
		.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
		.commandBufferInfoCount = 1,
		.pCommandBufferInfos = &cbi,
	};
	if (vkEndCommandBuffer(cmd) != VK_SUCCESS || vkCreateFence(r->device, &fci, NULL, &fence) != VK_SUCCESS ||
	    vkQueueSubmit2(r->queue, 1, &si, fence) != VK_SUCCESS ||
	    vkWaitForFences(r->device, 1, &fence, VK_TRUE, UINT64_MAX) != VK_SUCCESS) {
		LOG_E("one-shot command buffer failed");
		res = SCRUB_ERR_RUNTIME;
	}
	if (fence)
		vkDestroyFence(r->device, fence, NULL);
	vkFreeCommandBuffers(r->device, r->pool, 1, &cmd);
	return res;
}

/* ------------------------------------------------------------------------------------------------------------- */
/* Static data: meshes and the glyph atlas, uploaded once through staging buffers                                */

static scrub_result upload_static(scrub_renderer *r)
{
	meshgen mg;
	meshgen_init(&mg);
	for (int m = 0; m < SCRUB_MESH_COUNT; m++) {
		uint32_t v0 = mg.vcount, i0 = mg.icount;
		meshgen_build(&mg, (scrub_render_mesh)m);
		/* indices are relative to the mesh's first vertex */
		for (uint32_t i = i0; i < mg.icount; i++)
			mg.idx[i] -= v0;
		r->meshes[m].first_index = i0;
		r->meshes[m].index_count = mg.icount - i0;
		r->meshes[m].vertex_offset = (int32_t)v0;
	}
	if (mg.failed) {
		meshgen_fini(&mg);
		return SCRUB_ERR_NOMEM;
	}
	VkDeviceSize vsize = (VkDeviceSize)mg.vcount * sizeof(meshgen_vertex);
	VkDeviceSize isize = (VkDeviceSize)mg.icount * sizeof(uint32_t);
	VkDeviceSize asize = (VkDeviceSize)r->font.w * r->font.h;
	buffer staging;
	scrub_result res = buffer_create(r, vsize + isize + asize, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
	                                 VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, &staging);
	if (res == SCRUB_OK) {
		memcpy(staging.map, mg.v, vsize);
		memcpy((char *)staging.map + vsize, mg.idx, isize);
		memcpy((char *)staging.map + vsize + isize, r->font.atlas, asize);
	}
	LOG_D("static meshes: %u vertices, %u triangles", mg.vcount, mg.icount / 3);
	meshgen_fini(&mg);
	if (res == SCRUB_OK)
		res = buffer_create(r, vsize, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
		                    VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &r->mesh_vb);
	if (res == SCRUB_OK)
		res = buffer_create(r, isize, VK_BUFFER_USAGE_INDEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
		                    VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &r->mesh_ib);
	if (res == SCRUB_OK)
		res = image_create(r, r->font.w, r->font.h, 1, VK_FORMAT_R8_UNORM, 1,
		                   VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, VK_IMAGE_ASPECT_COLOR_BIT,
		                   &r->atlas);
	VkCommandBuffer cmd = VK_NULL_HANDLE;
	if (res == SCRUB_OK)
		res = oneshot_begin(r, &cmd);
	if (res == SCRUB_OK) {
		VkBufferCopy vc = {0, 0, vsize}, ic = {vsize, 0, isize};
		vkCmdCopyBuffer(cmd, staging.buf, r->mesh_vb.buf, 1, &vc);
		vkCmdCopyBuffer(cmd, staging.buf, r->mesh_ib.buf, 1, &ic);
		barrier(cmd, r->atlas.img, VK_IMAGE_ASPECT_COLOR_BIT, 1, VK_PIPELINE_STAGE_2_NONE, 0,
		        VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
		        VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
		VkBufferImageCopy bic = {
			.bufferOffset = vsize + isize,
			.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
			.imageExtent = {r->font.w, r->font.h, 1},
		};
		vkCmdCopyBufferToImage(cmd, staging.buf, r->atlas.img, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &bic);
		barrier(cmd, r->atlas.img, VK_IMAGE_ASPECT_COLOR_BIT, 1, VK_PIPELINE_STAGE_2_COPY_BIT,
		        VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT, VK_ACCESS_2_SHADER_SAMPLED_READ_BIT,
		        VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
		/* vertex/index reads of the copied data happen in later submissions, ordered by the fence wait */
		res = oneshot_submit_wait(r, cmd);
	}
	buffer_destroy(r, &staging);
	return res;
}

/* The patient's body: generated here (bodygen.c) when a snapshot first has one (about half a second on a CPU; a
 * renderer that never draws a patient never pays), every part at both levels of detail; parts without levels share
 * one mesh. */
static scrub_result upload_body(scrub_renderer *r)
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
	buffer staging;
	scrub_result res = buffer_create(r, vsize + isize, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
	                                 VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, &staging);
	if (res == SCRUB_OK) {
		memcpy(staging.map, bg.v, vsize);
		memcpy((char *)staging.map + vsize, bg.idx, isize);
	}
	bodygen_fini(&bg);
	if (res != SCRUB_OK)
		return res;
	res = buffer_create(r, vsize, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
	                    VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &r->body_vb);
	if (res == SCRUB_OK)
		res = buffer_create(r, isize, VK_BUFFER_USAGE_INDEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
		                    VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &r->body_ib);
	VkCommandBuffer cmd = VK_NULL_HANDLE;
	if (res == SCRUB_OK)
		res = oneshot_begin(r, &cmd);
	if (res == SCRUB_OK) {
		VkBufferCopy vc = {0, 0, vsize}, ic = {vsize, 0, isize};
		vkCmdCopyBuffer(cmd, staging.buf, r->body_vb.buf, 1, &vc);
		vkCmdCopyBuffer(cmd, staging.buf, r->body_ib.buf, 1, &ic);
		res = oneshot_submit_wait(r, cmd);
	}
	buffer_destroy(r, &staging);
	return res;
}

/* ------------------------------------------------------------------------------------------------------------- */
/* Pipelines                                                                                                     */

static scrub_result create_module(scrub_renderer *r, const uint32_t *code, size_t size, VkShaderModule *out)
{
	VkShaderModuleCreateInfo ci = {
		.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
		.codeSize = size,
		.pCode = code,
	};
	VK_CHECK(vkCreateShaderModule(r->device, &ci, NULL, out));
	return SCRUB_OK;
}

static scrub_result create_layouts(scrub_renderer *r)
{
	VkDescriptorSetLayoutBinding binds[2] = {
		{0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, NULL},
		{1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, NULL},
	};
	VkDescriptorSetLayoutCreateInfo dl = {
		.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
		.bindingCount = 2,
		.pBindings = binds,
	};
	VK_CHECK(vkCreateDescriptorSetLayout(r->device, &dl, NULL, &r->set_layout));
	VkPushConstantRange pcr = {VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(gpu_push)};
	VkPipelineLayoutCreateInfo pl = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
		.setLayoutCount = 1,
		.pSetLayouts = &r->set_layout,
		.pushConstantRangeCount = 1,
		.pPushConstantRanges = &pcr,
	};
	VK_CHECK(vkCreatePipelineLayout(r->device, &pl, NULL, &r->layout));
	scrub_result res = SCRUB_OK;
	const struct {
		const uint32_t *code;
		size_t size;
	} src[12] = {
		{spv_mesh_vert, sizeof(spv_mesh_vert)},           {spv_mesh_frag, sizeof(spv_mesh_frag)},
		{spv_mesh_vlit_vert, sizeof(spv_mesh_vlit_vert)}, {spv_mesh_vlit_frag, sizeof(spv_mesh_vlit_frag)},
		{spv_tissue_vert, sizeof(spv_tissue_vert)},       {spv_tissue_frag, sizeof(spv_tissue_frag)},
		{spv_ui_vert, sizeof(spv_ui_vert)},               {spv_ui_frag, sizeof(spv_ui_frag)},
		{spv_body_vert, sizeof(spv_body_vert)},           {spv_body_frag, sizeof(spv_body_frag)},
		{spv_body_vlit_vert, sizeof(spv_body_vlit_vert)}, {spv_body_vlit_frag, sizeof(spv_body_vlit_frag)},
	};
	for (int i = 0; i < 12 && res == SCRUB_OK; i++)
		res = create_module(r, src[i].code, src[i].size, &r->mods[i]);
	return res;
}

/* PIPE_OCCLUDER: the overlay's opaque panels drawn first, depth only (at depth 0), so that the scene behind them
 * fails the depth test before it is shaded. */
enum pipe_kind { PIPE_MESH, PIPE_MESH_VLIT, PIPE_TISSUE, PIPE_UI, PIPE_BODY, PIPE_BODY_VLIT, PIPE_OCCLUDER };

static scrub_result create_pipeline(scrub_renderer *r, enum pipe_kind kind, VkFormat format, uint32_t view_mask,
                                    VkPipeline *out)
{
	const uint32_t mod = kind == PIPE_OCCLUDER ? 2 * PIPE_UI : 2 * (uint32_t)kind;
	VkPipelineShaderStageCreateInfo stages[2] = {
		{.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
		 .stage = VK_SHADER_STAGE_VERTEX_BIT,
		 .module = r->mods[mod],
		 .pName = "main"},
		{.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
		 .stage = VK_SHADER_STAGE_FRAGMENT_BIT,
		 .module = r->mods[mod + 1],
		 .pName = "main"},
	};
	const bool is_mesh = kind == PIPE_MESH || kind == PIPE_MESH_VLIT, is_ui = kind == PIPE_UI;
	const bool is_body = kind == PIPE_BODY || kind == PIPE_BODY_VLIT, culled = is_mesh || is_body;
	VkVertexInputBindingDescription vb[4];
	VkVertexInputAttributeDescription va[6];
	uint32_t nb = 0, na = 0;
	if (is_mesh) {
		vb[nb++] = (VkVertexInputBindingDescription){0, sizeof(meshgen_vertex), VK_VERTEX_INPUT_RATE_VERTEX};
		va[na++] = (VkVertexInputAttributeDescription){0, 0, VK_FORMAT_R32G32B32_SFLOAT, 0};
		va[na++] = (VkVertexInputAttributeDescription){1, 0, VK_FORMAT_R32G32B32_SFLOAT, 12};
		/* uv (offset 24) is unused by the static shading */
		va[na++] = (VkVertexInputAttributeDescription){3, 0, VK_FORMAT_R8G8B8A8_UNORM, 32};
	} else if (is_body) {
		vb[nb++] = (VkVertexInputBindingDescription){0, sizeof(body_vertex), VK_VERTEX_INPUT_RATE_VERTEX};
		va[na++] = (VkVertexInputAttributeDescription){0, 0, VK_FORMAT_R32G32B32_SFLOAT, 0};
		va[na++] = (VkVertexInputAttributeDescription){1, 0, VK_FORMAT_R32G32B32_SFLOAT, 12};
		for (uint32_t i = 0; i < 4; i++) /* colour and the three weight sets */
			va[na++] = (VkVertexInputAttributeDescription){2 + i, 0, VK_FORMAT_R8G8B8A8_UNORM, 24 + 4 * i};
	} else if (kind == PIPE_TISSUE) {
		const uint32_t stride[4] = {12, 12, 8, 1};
		const VkFormat fmt[4] = {VK_FORMAT_R32G32B32_SFLOAT, VK_FORMAT_R32G32B32_SFLOAT, VK_FORMAT_R32G32_SFLOAT,
		                         VK_FORMAT_R8_UINT};
		for (uint32_t i = 0; i < 4; i++) {
			vb[nb++] = (VkVertexInputBindingDescription){i, stride[i], VK_VERTEX_INPUT_RATE_VERTEX};
			va[na++] = (VkVertexInputAttributeDescription){i, i, fmt[i], 0};
		}
	} else {
		vb[nb++] = (VkVertexInputBindingDescription){0, sizeof(ui_vertex), VK_VERTEX_INPUT_RATE_VERTEX};
		va[na++] = (VkVertexInputAttributeDescription){0, 0, VK_FORMAT_R32G32_SFLOAT, 0};
		va[na++] = (VkVertexInputAttributeDescription){1, 0, VK_FORMAT_R32G32_SFLOAT, 8};
		va[na++] = (VkVertexInputAttributeDescription){2, 0, VK_FORMAT_R8G8B8A8_UNORM, 16};
	}
	VkPipelineVertexInputStateCreateInfo vi = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO,
		.vertexBindingDescriptionCount = nb,
		.pVertexBindingDescriptions = vb,
		.vertexAttributeDescriptionCount = na,
		.pVertexAttributeDescriptions = va,
	};
	VkPipelineInputAssemblyStateCreateInfo ia = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO,
		.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST,
	};
	VkPipelineViewportStateCreateInfo vp = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO,
		.viewportCount = 1,
		.scissorCount = 1,
	};
	VkPipelineRasterizationStateCreateInfo rs = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO,
		.polygonMode = VK_POLYGON_MODE_FILL,
		/* the projection flips Y, so world counter-clockwise stays counter-clockwise on screen */
		.cullMode = culled ? VK_CULL_MODE_BACK_BIT : VK_CULL_MODE_NONE,
		.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE,
		.lineWidth = 1.f,
	};
	VkPipelineMultisampleStateCreateInfo ms = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO,
		.rasterizationSamples = (VkSampleCountFlagBits)r->samples,
	};
	VkPipelineDepthStencilStateCreateInfo ds = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO,
		.depthTestEnable = !is_ui,
		.depthWriteEnable = !is_ui,
		.depthCompareOp = VK_COMPARE_OP_LESS,
	};
	VkPipelineColorBlendAttachmentState cba = {
		.blendEnable = is_ui,
		.srcColorBlendFactor = VK_BLEND_FACTOR_SRC_ALPHA,
		.dstColorBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA,
		.colorBlendOp = VK_BLEND_OP_ADD,
		.srcAlphaBlendFactor = VK_BLEND_FACTOR_ONE,
		.dstAlphaBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA,
		.alphaBlendOp = VK_BLEND_OP_ADD,
		.colorWriteMask = kind == PIPE_OCCLUDER ? 0u : 0xfu,
	};
	VkPipelineColorBlendStateCreateInfo cb = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO,
		.attachmentCount = 1,
		.pAttachments = &cba,
	};
	const VkDynamicState dyn[2] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
	VkPipelineDynamicStateCreateInfo dy = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO,
		.dynamicStateCount = 2,
		.pDynamicStates = dyn,
	};
	VkPipelineRenderingCreateInfo rci = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_RENDERING_CREATE_INFO,
		.viewMask = view_mask,
		.colorAttachmentCount = 1,
		.pColorAttachmentFormats = &format,
		.depthAttachmentFormat = r->depth_format,
	};
	VkGraphicsPipelineCreateInfo gci = {
		.sType = VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO,
		.pNext = &rci,
		.stageCount = 2,
		.pStages = stages,
		.pVertexInputState = &vi,
		.pInputAssemblyState = &ia,
		.pViewportState = &vp,
		.pRasterizationState = &rs,
		.pMultisampleState = &ms,
		.pDepthStencilState = &ds,
		.pColorBlendState = &cb,
		.pDynamicState = &dy,
		.layout = r->layout,
	};
	VK_CHECK(vkCreateGraphicsPipelines(r->device, VK_NULL_HANDLE, 1, &gci, NULL, out));
	return SCRUB_OK;
}

static scrub_result get_variant(scrub_renderer *r, VkFormat format, uint32_t view_mask, variant **out)
{
	for (uint32_t i = 0; i < r->variant_count; i++)
		if (r->variants[i].format == format && r->variants[i].view_mask == view_mask) {
			*out = &r->variants[i];
			return SCRUB_OK;
		}
	if (r->variant_count == MAX_VARIANTS) {
		LOG_E("too many target formats");
		return SCRUB_ERR_LIMIT;
	}
	variant *v = &r->variants[r->variant_count];
	memset(v, 0, sizeof(*v));
	v->format = format;
	v->view_mask = view_mask;
	scrub_result res = create_pipeline(r, PIPE_MESH, format, view_mask, &v->mesh);
	if (res == SCRUB_OK)
		res = create_pipeline(r, PIPE_MESH_VLIT, format, view_mask, &v->mesh_vlit);
	if (res == SCRUB_OK)
		res = create_pipeline(r, PIPE_OCCLUDER, format, view_mask, &v->occluder);
	if (res == SCRUB_OK)
		res = create_pipeline(r, PIPE_TISSUE, format, view_mask, &v->tissue);
	if (res == SCRUB_OK)
		res = create_pipeline(r, PIPE_UI, format, view_mask, &v->ui);
	if (res == SCRUB_OK)
		res = create_pipeline(r, PIPE_BODY, format, view_mask, &v->body);
	if (res == SCRUB_OK)
		res = create_pipeline(r, PIPE_BODY_VLIT, format, view_mask, &v->body_vlit);
	r->variant_count++; /* counted even on failure so destroy frees what was made */
	*out = v;
	return res;
}

/* ------------------------------------------------------------------------------------------------------------- */
/* Creation                                                                                                      */

static scrub_result create_frames(scrub_renderer *r)
{
	VkDescriptorPoolSize sizes[2] = {
		{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, MAX_FRAMES},
		{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, MAX_FRAMES},
	};
	VkDescriptorPoolCreateInfo dp = {
		.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
		.maxSets = MAX_FRAMES,
		.poolSizeCount = 2,
		.pPoolSizes = sizes,
	};
	VK_CHECK(vkCreateDescriptorPool(r->device, &dp, NULL, &r->dpool));
	VkSamplerCreateInfo sci = {
		.sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO,
		.magFilter = VK_FILTER_LINEAR,
		.minFilter = VK_FILTER_LINEAR,
		.addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
		.addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
		.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
	};
	VK_CHECK(vkCreateSampler(r->device, &sci, NULL, &r->sampler));
	for (uint32_t i = 0; i < r->frame_count; i++) {
		frame *f = &r->frames[i];
		VkCommandBufferAllocateInfo ai = {
			.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
			.commandPool = r->pool,
			.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
			.commandBufferCount = 1,
		};
		VK_CHECK(vkAllocateCommandBuffers(r->device, &ai, &f->cmd));
		VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
		VK_CHECK(vkCreateFence(r->device, &fci, NULL, &f->fence));
		scrub_result res = buffer_create(r, sizeof(gpu_frame_data), VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT,
		                                 VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
		                                 &f->ubo);
		if (res != SCRUB_OK)
			return res;
		VkDescriptorSetAllocateInfo dai = {
			.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
			.descriptorPool = r->dpool,
			.descriptorSetCount = 1,
			.pSetLayouts = &r->set_layout,
		};
		VK_CHECK(vkAllocateDescriptorSets(r->device, &dai, &f->set));
		VkDescriptorBufferInfo dbi = {f->ubo.buf, 0, sizeof(gpu_frame_data)};
		VkDescriptorImageInfo dii = {r->sampler, r->atlas.view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
		VkWriteDescriptorSet w[2] = {
			{.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
			 .dstSet = f->set,
			 .dstBinding = 0,
			 .descriptorCount = 1,
			 .descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER,
			 .pBufferInfo = &dbi},
			{.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
			 .dstSet = f->set,
			 .dstBinding = 1,
			 .descriptorCount = 1,
			 .descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
			 .pImageInfo = &dii},
		};
		vkUpdateDescriptorSets(r->device, 2, w, 0, NULL);
	}
	return SCRUB_OK;
}

static scrub_result renderer_init(scrub_renderer *r, const scrub_render_desc *desc)
{
	vkGetPhysicalDeviceMemoryProperties(r->phys, &r->memprops);
	VkPhysicalDeviceProperties props;
	vkGetPhysicalDeviceProperties(r->phys, &props);
	snprintf(r->device_name, sizeof(r->device_name), "%s", props.deviceName);
	vkGetDeviceQueue(r->device, r->qfamily, 0, &r->queue);

	/* default MSAA: 4x on GPUs; off on CPU devices (lavapipe), where 4x costs about 3.5x the frame time */
	uint32_t want = desc->samples ? desc->samples : props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU ? 1 : 4;
	VkSampleCountFlags ok = props.limits.framebufferColorSampleCounts & props.limits.framebufferDepthSampleCounts;
	r->samples = 1;
	for (uint32_t s = 2; s <= want && s <= 8; s *= 2)
		if (ok & s)
			r->samples = s;
	r->frame_count = desc->frames_in_flight ? desc->frames_in_flight : 2;
	if (r->frame_count > MAX_FRAMES)
		r->frame_count = MAX_FRAMES;
	const VkFormat depths[3] = {VK_FORMAT_D32_SFLOAT, VK_FORMAT_X8_D24_UNORM_PACK32, VK_FORMAT_D16_UNORM};
	for (int i = 0; i < 3 && !r->depth_format; i++) {
		VkFormatProperties fp;
		vkGetPhysicalDeviceFormatProperties(r->phys, depths[i], &fp);
		if (fp.optimalTilingFeatures & VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT)
			r->depth_format = depths[i];
	}
	/* lavapipe (Mesa 22.3) mixes the depth of the two views of a multiview pass (the right eye's depth test sees
	 * the left eye's depth; tests/render shows it): there, stereo is drawn as one pass per view.
	 * SCRUB_VK_MULTIVIEW=0/1 overrides. */
	VkPhysicalDeviceVulkan12Properties p12 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES};
	VkPhysicalDeviceProperties2 p2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &p12};
	vkGetPhysicalDeviceProperties2(r->phys, &p2);
	r->multiview = p12.driverID != VK_DRIVER_ID_MESA_LLVMPIPE;
	const char *mv = getenv("SCRUB_VK_MULTIVIEW");
	if (mv && *mv)
		r->multiview = strcmp(mv, "0") != 0;
	LOG_I("device %s, MSAA %ux, %u frames in flight, stereo %s", r->device_name, r->samples, r->frame_count,
	      r->multiview ? "multiview" : "one pass per view");

	VkCommandPoolCreateInfo cpi = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
		.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
		.queueFamilyIndex = r->qfamily,
	};
	VK_CHECK(vkCreateCommandPool(r->device, &cpi, NULL, &r->pool));
	const char *font = getenv("SCRUB_FONT");
	scrub_result res = ui_font_init(&r->font, font && *font ? font : DEFAULT_FONT);
	if (res == SCRUB_OK)
		res = upload_static(r);
	if (res == SCRUB_OK)
		res = create_layouts(r);
	if (res == SCRUB_OK)
		res = create_frames(r);
	return res;
}

scrub_result scrub_renderer_create_vk(const scrub_render_desc *desc, const scrub_render_vk_external *external,
                                      scrub_renderer **out_renderer)
{
	static const scrub_render_desc defaults = {0};
	if (!desc)
		desc = &defaults;
	*out_renderer = NULL;
	scrub_renderer *r = calloc(1, sizeof(*r));
	if (!r)
		return SCRUB_ERR_NOMEM;
	scrub_result res = SCRUB_OK;
	if (external) {
		r->instance = external->instance;
		r->phys = external->physical_device;
		r->device = external->device;
		r->qfamily = external->queue_family;
	} else {
		res = create_instance(r, desc);
		if (res == SCRUB_OK)
			res = create_device(r, desc);
	}
	if (res == SCRUB_OK)
		res = renderer_init(r, desc);
	if (res != SCRUB_OK) {
		scrub_renderer_destroy(&r);
		return res;
	}
	*out_renderer = r;
	return SCRUB_OK;
}

scrub_result scrub_renderer_create(const scrub_render_desc *desc, scrub_renderer **out_renderer)
{
	return scrub_renderer_create_vk(desc, NULL, out_renderer);
}

static void destroy_attachments(scrub_renderer *r)
{
	for (int i = 0; i < 2; i++) {
		destroy_view(r, &r->msaa_layers[i]);
		destroy_view(r, &r->depth_layers[i]);
	}
	image_destroy(r, &r->msaa);
	image_destroy(r, &r->depth);
	r->att_w = r->att_h = r->att_layers = 0;
}

void scrub_renderer_destroy(scrub_renderer **renderer)
{
	if (!renderer || !*renderer)
		return;
	scrub_renderer *r = *renderer;
	if (r->device) {
		vkDeviceWaitIdle(r->device);
		destroy_attachments(r);
		for (uint32_t i = 0; i < MAX_FRAMES; i++) {
			frame *f = &r->frames[i];
			buffer_destroy(r, &f->ubo);
			buffer_destroy(r, &f->stream);
			destroy_view(r, &f->target_layers[0]);
			destroy_view(r, &f->target_layers[1]);
			if (f->fence)
				vkDestroyFence(r->device, f->fence, NULL);
		}
		for (uint32_t i = 0; i < r->variant_count; i++) {
			vkDestroyPipeline(r->device, r->variants[i].mesh, NULL);
			vkDestroyPipeline(r->device, r->variants[i].mesh_vlit, NULL);
			vkDestroyPipeline(r->device, r->variants[i].occluder, NULL);
			vkDestroyPipeline(r->device, r->variants[i].tissue, NULL);
			vkDestroyPipeline(r->device, r->variants[i].ui, NULL);
			vkDestroyPipeline(r->device, r->variants[i].body, NULL);
			vkDestroyPipeline(r->device, r->variants[i].body_vlit, NULL);
		}
		for (int i = 0; i < 12; i++)
			if (r->mods[i])
				vkDestroyShaderModule(r->device, r->mods[i], NULL);
		if (r->layout)
			vkDestroyPipelineLayout(r->device, r->layout, NULL);
		if (r->set_layout)
			vkDestroyDescriptorSetLayout(r->device, r->set_layout, NULL);
		if (r->dpool)
			vkDestroyDescriptorPool(r->device, r->dpool, NULL);
		if (r->sampler)
			vkDestroySampler(r->device, r->sampler, NULL);
		image_destroy(r, &r->atlas);
		buffer_destroy(r, &r->mesh_vb);
		buffer_destroy(r, &r->mesh_ib);
		buffer_destroy(r, &r->body_vb);
		buffer_destroy(r, &r->body_ib);
		if (r->pool)
			vkDestroyCommandPool(r->device, r->pool, NULL);
		if (r->owns_device)
			vkDestroyDevice(r->device, NULL);
	}
	if (r->messenger) {
		PFN_vkDestroyDebugUtilsMessengerEXT destroy = (PFN_vkDestroyDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
			r->instance, "vkDestroyDebugUtilsMessengerEXT");
		if (destroy)
			destroy(r->instance, r->messenger, NULL);
	}
	if (r->instance && r->owns_device)
		vkDestroyInstance(r->instance, NULL);
	else if (r->instance && !r->device)
		vkDestroyInstance(r->instance, NULL); /* our instance, device creation failed */
	ui_font_fini(&r->font);
	ui_builder_fini(&r->ui);
	free(r->order);
	free(r->order_key);
	free(r);
	*renderer = NULL;
}

const char *scrub_renderer_device_name(const scrub_renderer *r) { return r->device_name; }
uint32_t scrub_renderer_validation_messages(const scrub_renderer *r) { return r->validation_messages; }
uint32_t scrub_renderer_samples(const scrub_renderer *r) { return r->samples; }
VkInstance scrub_renderer_vk_instance(const scrub_renderer *r) { return r->instance; }
VkPhysicalDevice scrub_renderer_vk_physical_device(const scrub_renderer *r) { return r->phys; }
VkDevice scrub_renderer_vk_device(const scrub_renderer *r) { return r->device; }
VkQueue scrub_renderer_vk_queue(const scrub_renderer *r) { return r->queue; }
uint32_t scrub_renderer_vk_queue_family(const scrub_renderer *r) { return r->qfamily; }

scrub_result scrub_renderer_vk_next_slot(scrub_renderer *r, uint32_t *out_slot, uint32_t *out_slot_count)
{
	frame *f = &r->frames[r->frame_index];
	if (f->submitted) {
		VK_CHECK(vkWaitForFences(r->device, 1, &f->fence, VK_TRUE, UINT64_MAX));
		VK_CHECK(vkResetFences(r->device, 1, &f->fence));
		f->submitted = false;
	}
	*out_slot = r->frame_index;
	*out_slot_count = r->frame_count;
	return SCRUB_OK;
}

scrub_result scrub_renderer_wait_idle(scrub_renderer *r)
{
	VK_CHECK(vkDeviceWaitIdle(r->device));
	return SCRUB_OK;
}

/* ------------------------------------------------------------------------------------------------------------- */
/* Drawing                                                                                                       */

static scrub_result ensure_attachments(scrub_renderer *r, uint32_t w, uint32_t h, uint32_t layers, VkFormat format)
{
	if (r->att_w == w && r->att_h == h && r->att_layers == layers && r->att_format == format)
		return SCRUB_OK;
	VK_CHECK(vkDeviceWaitIdle(r->device));
	destroy_attachments(r);
	scrub_result res = SCRUB_OK;
	if (r->samples > 1)
		res = image_create(r, w, h, layers, format, r->samples,
		                   VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
		                           (layers > 1 ? VK_IMAGE_USAGE_TRANSFER_SRC_BIT : VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT),
		                   VK_IMAGE_ASPECT_COLOR_BIT, &r->msaa);
	if (res == SCRUB_OK)
		res = image_create(r, w, h, layers, r->depth_format, r->samples,
		                   VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT |
		                           (r->samples == 1 ? VK_IMAGE_USAGE_TRANSFER_SRC_BIT : VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT),
		                   VK_IMAGE_ASPECT_DEPTH_BIT, &r->depth);
	for (uint32_t l = 0; l < layers && layers > 1 && res == SCRUB_OK; l++) {
		if (r->samples > 1)
			res = layer_view(r, r->msaa.img, format, VK_IMAGE_ASPECT_COLOR_BIT, l, &r->msaa_layers[l]);
		if (res == SCRUB_OK)
			res = layer_view(r, r->depth.img, r->depth_format, VK_IMAGE_ASPECT_DEPTH_BIT, l, &r->depth_layers[l]);
	}
	if (res != SCRUB_OK) {
		destroy_attachments(r);
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

static scrub_result validate_snapshot(const scrub_render_snapshot *s, const scrub_render_vk_target *t)
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
		if ((unsigned)s->instances[i].mesh >= SCRUB_MESH_COUNT) {
			LOG_E("instance %u: unknown mesh %d", i, (int)s->instances[i].mesh);
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

/* Front-to-back order of the instances (the room, which surrounds everything, last): a CPU rasteriser like
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
		r->order_key[i] = s->instances[i].mesh == SCRUB_MESH_ROOM ? 1e30f : dx * dx + dy * dy + dz * dz;
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

scrub_result scrub_renderer_vk_draw(scrub_renderer *r, const scrub_render_vk_target *t,
                                    const scrub_render_snapshot *s, const scrub_render_vk_sync *sync)
{
	scrub_result res = validate_snapshot(s, t);
	if (res != SCRUB_OK)
		return res;
	if (s->body && s->body->parts && !r->body_vb.buf) { /* the body is made when it is first drawn */
		res = upload_body(r);
		if (res != SCRUB_OK)
			return res;
	}
	frame *f = &r->frames[r->frame_index];
	if (f->submitted) {
		VK_CHECK(vkWaitForFences(r->device, 1, &f->fence, VK_TRUE, UINT64_MAX));
		VK_CHECK(vkResetFences(r->device, 1, &f->fence));
		f->submitted = false;
	}
	destroy_view(r, &f->target_layers[0]);
	destroy_view(r, &f->target_layers[1]);
	bool per_view = t->layers > 1 && !r->multiview;
	uint32_t passes = per_view ? t->layers : 1;
	VkImageView tviews[2] = {t->view, VK_NULL_HANDLE};
	res = ensure_attachments(r, t->width, t->height, t->layers, t->format);
	for (uint32_t l = 0; per_view && l < t->layers && res == SCRUB_OK; l++) {
		res = layer_view(r, t->image, t->format, VK_IMAGE_ASPECT_COLOR_BIT, l, &f->target_layers[l]);
		tviews[l] = f->target_layers[l];
	}
	variant *var = NULL;
	if (res == SCRUB_OK)
		res = get_variant(r, t->format, t->layers == 2 && !per_view ? 0x3u : 0u, &var);
	if (res != SCRUB_OK)
		return res;

	res = sort_instances(r, s);
	if (res != SCRUB_OK)
		return res;
	fill_frame_data(f->ubo.map, s, t);

	/* the stream: tissue positions, normals, uvs, layers, indices, then the overlay */
	ui_begin(&r->ui, &r->font, (float)t->width, (float)t->height);
	ui_build_snapshot(&r->ui, s);
	if (r->ui.failed)
		return SCRUB_ERR_NOMEM;
	const scrub_render_tissue *ts = s->tissue && s->tissue->index_count ? s->tissue : NULL;
	VkDeviceSize nv = ts ? ts->vertex_count : 0, off[7], size = 0;
	off[0] = 0;
	off[1] = align16(off[0] + nv * 12);
	off[2] = align16(off[1] + nv * 12);
	off[3] = align16(off[2] + nv * 8);
	off[4] = align16(off[3] + nv);
	off[5] = align16(off[4] + (ts ? ts->index_count : 0) * 4u);
	off[6] = off[5] + (VkDeviceSize)r->ui.count * sizeof(ui_vertex);
	size = off[6] + (VkDeviceSize)6 * UI_MAX_OCCLUDERS * sizeof(ui_vertex) + 16;
	if (f->stream.size < size) {
		buffer_destroy(r, &f->stream);
		res = buffer_create(r, size + size / 2,
		                    VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_INDEX_BUFFER_BIT,
		                    VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, &f->stream);
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
	uint32_t occluder_vertices = ui_occluder_vertices(&r->ui, (ui_vertex *)(void *)(map + off[6]));

	VkCommandBuffer cmd = f->cmd;
	VkCommandBufferBeginInfo bi = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
		.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
	};
	VK_CHECK(vkResetCommandBuffer(cmd, 0));
	VK_CHECK(vkBeginCommandBuffer(cmd, &bi));
	/* lavapipe also resolves a single-layer view of layer 1 into layer 0: per-view passes with MSAA resolve
	 * with vkCmdResolveImage after the passes (the target then needs TRANSFER_DST usage) */
	bool manual_resolve = per_view && r->samples > 1;
	bool give_depth = t->depth_image != VK_NULL_HANDLE && r->samples == 1;
	VkImageLayout work_layout = manual_resolve ? VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL : VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
	barrier(cmd, t->image, VK_IMAGE_ASPECT_COLOR_BIT, t->layers, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, 0,
	        manual_resolve ? VK_PIPELINE_STAGE_2_RESOLVE_BIT : VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
	        manual_resolve ? VK_ACCESS_2_TRANSFER_WRITE_BIT : VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, t->old_layout,
	        work_layout);
	if (r->samples > 1)
		barrier(cmd, r->msaa.img, VK_IMAGE_ASPECT_COLOR_BIT, t->layers,
		        VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_2_RESOLVE_BIT,
		        VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
		        VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
		        VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL);
	barrier(cmd, r->depth.img, VK_IMAGE_ASPECT_DEPTH_BIT, t->layers,
	        VK_PIPELINE_STAGE_2_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT |
	                VK_PIPELINE_STAGE_2_COPY_BIT, /* the previous frame may have copied it out */
	        VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT,
	        VK_PIPELINE_STAGE_2_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT,
	        VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_READ_BIT | VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT,
	        VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL);

	VkClearValue clear = {.color = {{0, 0, 0, 1}}};
	for (int i = 0; i < 3; i++) /* clear colour is linear; the shader path encodes, so do the same here */
		clear.color.float32[i] = format_is_srgb(t->format) ? s->clear_color[i] : powf(s->clear_color[i], 1.f / 2.2f);
	clear.color.float32[3] = s->clear_color[3]; /* 0: see-through where nothing is drawn (an XR alpha-blend layer) */
	for (uint32_t pass = 0; pass < passes; pass++) {
		VkRenderingAttachmentInfo color = {
			.sType = VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO,
			.imageView = r->samples > 1 ? (per_view ? r->msaa_layers[pass] : r->msaa.view) : tviews[pass],
			.imageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
			.resolveMode = r->samples > 1 && !manual_resolve ? VK_RESOLVE_MODE_AVERAGE_BIT : VK_RESOLVE_MODE_NONE,
			.resolveImageView = r->samples > 1 && !manual_resolve ? tviews[pass] : VK_NULL_HANDLE,
			.resolveImageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
			.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR,
			.storeOp = r->samples > 1 && !manual_resolve ? VK_ATTACHMENT_STORE_OP_DONT_CARE : VK_ATTACHMENT_STORE_OP_STORE,
			.clearValue = clear,
		};
		VkRenderingAttachmentInfo depth = {
			.sType = VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO,
			.imageView = per_view ? r->depth_layers[pass] : r->depth.view,
			.imageLayout = VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL,
			.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR,
			.storeOp = give_depth ? VK_ATTACHMENT_STORE_OP_STORE : VK_ATTACHMENT_STORE_OP_DONT_CARE,
			.clearValue = {.depthStencil = {1.f, 0}},
		};
		VkRenderingInfo ri = {
			.sType = VK_STRUCTURE_TYPE_RENDERING_INFO,
			.renderArea = {{0, 0}, {t->width, t->height}},
			.layerCount = 1,
			.viewMask = var->view_mask,
			.colorAttachmentCount = 1,
			.pColorAttachments = &color,
			.pDepthAttachment = &depth,
		};
		vkCmdBeginRendering(cmd, &ri);
		VkViewport vp = {0, 0, (float)t->width, (float)t->height, 0.f, 1.f};
		VkRect2D sc = {{0, 0}, {t->width, t->height}};
		vkCmdSetViewport(cmd, 0, 1, &vp);
		vkCmdSetScissor(cmd, 0, 1, &sc);
		vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, r->layout, 0, 1, &f->set, 0, NULL);

		if (occluder_vertices) {
			vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, var->occluder);
			vkCmdBindVertexBuffers(cmd, 0, 1, &f->stream.buf, &off[6]);
			vkCmdDraw(cmd, occluder_vertices, 1, 0, 0);
		}
		gpu_push pc;
		if (ts) {
			vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, var->tissue);
			VkBuffer bufs[4] = {f->stream.buf, f->stream.buf, f->stream.buf, f->stream.buf};
			vkCmdBindVertexBuffers(cmd, 0, 4, bufs, off);
			vkCmdBindIndexBuffer(cmd, f->stream.buf, off[4], VK_INDEX_TYPE_UINT32);
			memset(&pc, 0, sizeof(pc));
			memcpy(pc.model, ts->model, sizeof(pc.model));
			pc.material[2] = (float)pass;
			vkCmdPushConstants(cmd, r->layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(pc),
			                   &pc);
			vkCmdDrawIndexed(cmd, ts->index_count, 1, 0, 0, 0);
		}
		if (s->body && s->body->parts) {
			const scrub_render_body *b = s->body;
			int lod = b->lod;
			if (lod < 0) { /* the close mesh within 1.8 m of the (first) eye */
				const float *e = s->camera.views[0].eye_pos;
				float dx = b->model[12] - e[0], dy = b->model[13] - e[1], dz = b->model[14] - e[2];
				lod = dx * dx + dy * dy + dz * dz < 1.8f * 1.8f ? 0 : 1;
			}
			if (lod >= BODY_LODS)
				lod = BODY_LODS - 1;
			/* far away (LOD 1) the body is lit per vertex: per pixel it is most of a CPU rasteriser's frame */
			vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, lod ? var->body_vlit : var->body);
			VkDeviceSize zero = 0;
			vkCmdBindVertexBuffers(cmd, 0, 1, &r->body_vb.buf, &zero);
			vkCmdBindIndexBuffer(cmd, r->body_ib.buf, 0, VK_INDEX_TYPE_UINT32);
			memset(&pc, 0, sizeof(pc));
			memcpy(pc.model, b->model, sizeof(pc.model));
			pc.material[2] = (float)pass;
			vkCmdPushConstants(cmd, r->layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(pc),
			                   &pc);
			/* outer parts (what care put on, the gown) before the skin they cover: the covered skin then fails the
			 * depth test before it is shaded */
			for (int part = SCRUB_BODY_PART_COUNT - 1; part >= 0; part--)
				if (b->parts & (1u << part) && r->body_parts[lod][part].index_count)
					vkCmdDrawIndexed(cmd, r->body_parts[lod][part].index_count, 1, r->body_parts[lod][part].first_index,
					                 r->body_parts[lod][part].vertex_offset, 0);
		}
		if (s->instance_count) {
			VkPipeline bound = VK_NULL_HANDLE;
			VkDeviceSize zero = 0;
			vkCmdBindVertexBuffers(cmd, 0, 1, &r->mesh_vb.buf, &zero);
			vkCmdBindIndexBuffer(cmd, r->mesh_ib.buf, 0, VK_INDEX_TYPE_UINT32);
			for (uint32_t i = 0; i < s->instance_count; i++) {
				const scrub_render_instance *in = &s->instances[r->order[i]];
				/* metal is lit per pixel; matte and emissive per vertex (see shaders/mesh.vert) */
				VkPipeline want = in->material.kind == SCRUB_MATERIAL_METAL ? var->mesh : var->mesh_vlit;
				if (want != bound) {
					vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, want);
					bound = want;
				}
				memcpy(pc.model, in->model, sizeof(pc.model));
				memcpy(pc.color, in->material.color, sizeof(pc.color));
				float rough = in->material.roughness;
				if (rough <= 0.f)
					rough = in->material.kind == SCRUB_MATERIAL_METAL ? 0.25f : 0.6f;
				pc.material[0] = (float)in->material.kind;
				pc.material[1] = rough;
				pc.material[2] = (float)pass; /* view index base in per-view passes */
				pc.material[3] = 0.f;
				vkCmdPushConstants(cmd, r->layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0,
				                   sizeof(pc), &pc);
				vkCmdDrawIndexed(cmd, r->meshes[in->mesh].index_count, 1, r->meshes[in->mesh].first_index,
				                 r->meshes[in->mesh].vertex_offset, 0);
			}
		}
		if (r->ui.count) {
			vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, var->ui);
			vkCmdBindVertexBuffers(cmd, 0, 1, &f->stream.buf, &off[5]);
			vkCmdDraw(cmd, r->ui.count, 1, 0, 0);
		}
		vkCmdEndRendering(cmd);
	}

	if (manual_resolve) {
		barrier(cmd, r->msaa.img, VK_IMAGE_ASPECT_COLOR_BIT, t->layers, VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
		        VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, VK_PIPELINE_STAGE_2_RESOLVE_BIT, VK_ACCESS_2_TRANSFER_READ_BIT,
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
	if (t->final_layout != work_layout)
		barrier(cmd, t->image, VK_IMAGE_ASPECT_COLOR_BIT, t->layers,
		        manual_resolve ? VK_PIPELINE_STAGE_2_RESOLVE_BIT : VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
		        manual_resolve ? VK_ACCESS_2_TRANSFER_WRITE_BIT : VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, dst_stage,
		        dst_access, work_layout, t->final_layout);
	if (give_depth) {
		/* the frame's depth to the caller's image (an XR depth swapchain) */
		barrier(cmd, r->depth.img, VK_IMAGE_ASPECT_DEPTH_BIT, t->layers, VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT,
		        VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_READ_BIT,
		        VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
		barrier(cmd, t->depth_image, VK_IMAGE_ASPECT_DEPTH_BIT, t->layers, VK_PIPELINE_STAGE_2_NONE, 0,
		        VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
		        VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
		VkImageCopy region = {
			.srcSubresource = {VK_IMAGE_ASPECT_DEPTH_BIT, 0, 0, t->layers},
			.dstSubresource = {VK_IMAGE_ASPECT_DEPTH_BIT, 0, 0, t->layers},
			.extent = {t->width, t->height, 1},
		};
		vkCmdCopyImage(cmd, r->depth.img, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, t->depth_image,
		               VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
		barrier(cmd, t->depth_image, VK_IMAGE_ASPECT_DEPTH_BIT, t->layers, VK_PIPELINE_STAGE_2_COPY_BIT,
		        VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, 0,
		        VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
		        t->depth_final_layout ? t->depth_final_layout : VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL);
	}
	VK_CHECK(vkEndCommandBuffer(cmd));

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
	VK_CHECK(vkQueueSubmit2(r->queue, 1, &si, f->fence));
	f->submitted = true;
	r->frame_index = (r->frame_index + 1) % r->frame_count;
	return SCRUB_OK;
}

/* ------------------------------------------------------------------------------------------------------------- */
/* Offscreen                                                                                                     */

scrub_result scrub_render_offscreen_create(scrub_renderer *r, uint32_t width, uint32_t height, uint32_t layers,
                                           scrub_render_offscreen **out_offscreen)
{
	*out_offscreen = NULL;
	if (!width || !height || width > 8192 || height > 8192 || layers < 1 || layers > 2) {
		LOG_E("offscreen %ux%u with %u layers: out of range", width, height, layers);
		return SCRUB_ERR_INVALID;
	}
	scrub_render_offscreen *o = calloc(1, sizeof(*o));
	if (!o)
		return SCRUB_ERR_NOMEM;
	o->r = r;
	o->width = width;
	o->height = height;
	o->layers = layers;
	scrub_result res = image_create(r, width, height, layers, VK_FORMAT_R8G8B8A8_UNORM, 1,
	                                VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
	                                        VK_IMAGE_USAGE_TRANSFER_DST_BIT,
	                                VK_IMAGE_ASPECT_COLOR_BIT, &o->target);
	if (res == SCRUB_OK)
		res = buffer_create(r, (VkDeviceSize)width * height * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
		                    VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT |
		                            VK_MEMORY_PROPERTY_HOST_CACHED_BIT,
		                    &o->readback);
	if (res != SCRUB_OK) {
		scrub_render_offscreen_destroy(&o);
		return res;
	}
	*out_offscreen = o;
	return SCRUB_OK;
}

void scrub_render_offscreen_destroy(scrub_render_offscreen **offscreen)
{
	if (!offscreen || !*offscreen)
		return;
	scrub_render_offscreen *o = *offscreen;
	vkDeviceWaitIdle(o->r->device);
	image_destroy(o->r, &o->target);
	buffer_destroy(o->r, &o->readback);
	free(o);
	*offscreen = NULL;
}

scrub_result scrub_render_offscreen_draw(scrub_renderer *r, scrub_render_offscreen *o, const scrub_render_snapshot *s)
{
	scrub_render_vk_target t = {
		.image = o->target.img,
		.view = o->target.view,
		.format = VK_FORMAT_R8G8B8A8_UNORM,
		.width = o->width,
		.height = o->height,
		.layers = o->layers,
		.old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
		.final_layout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
	};
	scrub_result res = scrub_renderer_vk_draw(r, &t, s, NULL);
	if (res == SCRUB_OK)
		o->drawn = true;
	return res;
}

scrub_result scrub_render_offscreen_read(scrub_renderer *r, scrub_render_offscreen *o, uint32_t layer,
                                         uint8_t *out_rgba)
{
	if (!o->drawn || layer >= o->layers) {
		LOG_E("offscreen read of layer %u: %s", layer, o->drawn ? "no such layer" : "nothing drawn yet");
		return SCRUB_ERR_INVALID;
	}
	VkCommandBuffer cmd;
	scrub_result res = oneshot_begin(r, &cmd);
	if (res != SCRUB_OK)
		return res;
	/* the frame's final barrier made the image a transfer source; queue order does the rest */
	VkBufferImageCopy bic = {
		.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, layer, 1},
		.imageExtent = {o->width, o->height, 1},
	};
	vkCmdCopyImageToBuffer(cmd, o->target.img, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, o->readback.buf, 1, &bic);
	VkBufferMemoryBarrier2 bb = {
		.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
		.srcStageMask = VK_PIPELINE_STAGE_2_COPY_BIT,
		.srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT,
		.dstStageMask = VK_PIPELINE_STAGE_2_HOST_BIT,
		.dstAccessMask = VK_ACCESS_2_HOST_READ_BIT,
		.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.buffer = o->readback.buf,
		.size = VK_WHOLE_SIZE,
	};
	VkDependencyInfo dep = {
		.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
		.bufferMemoryBarrierCount = 1,
		.pBufferMemoryBarriers = &bb,
	};
	vkCmdPipelineBarrier2(cmd, &dep);
	res = oneshot_submit_wait(r, cmd);
	if (res == SCRUB_OK)
		memcpy(out_rgba, o->readback.map, (size_t)o->width * o->height * 4);
	return res;
}

VkFormat scrub_renderer_vk_depth_format(const scrub_renderer *r)
{
	return r->depth_format;
}

uint32_t scrub_renderer_vk_samples(const scrub_renderer *r)
{
	return (uint32_t)r->samples;
}
