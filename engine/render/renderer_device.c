/* The renderer's Vulkan plumbing: instance (validation layers, debug messages), device and queue, memory, buffers,
 * images and their views, barriers, one-shot command buffers. */
#define SCRUB_LOG_MODULE "render"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "renderer_vk.h"

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

scrub_result rvk_create_instance(scrub_renderer *r, const scrub_render_desc *desc)
{
	bool want_validation = desc->validation || env_flag("SCRUB_VK_VALIDATION");
	if (want_validation && !scrub_vk_layer_available(SCRUB_VK_VALIDATION_LAYER)) {
		LOG_E("validation requested but %s is not installed (Debian: vulkan-validationlayers)",
		      SCRUB_VK_VALIDATION_LAYER);
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
	scrub_vk_instance_info ii;
	scrub_vk_instance_info_init(&ii, want_validation, exts, n);
	ii.ci.pNext = want_validation ? &dbg : NULL;
	VK_CHECK(vkCreateInstance(&ii.ci, NULL, &r->instance));
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

scrub_result rvk_create_device(scrub_renderer *r, const scrub_render_desc *desc)
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
		VkPhysicalDeviceProperties props;
		int s = scrub_vk_device_score(pds[i], &family, &props);
		if (want && !strstr(props.deviceName, want))
			s = -1;
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
	scrub_vk_device_info di;
	scrub_vk_device_info_init(&di, r->qfamily, desc->device_extensions, desc->device_extension_count);
	VK_CHECK(vkCreateDevice(r->phys, &di.ci, NULL, &r->device));
	r->owns_device = true;
	return SCRUB_OK;
}

scrub_result rvk_buffer_create(scrub_renderer *r, VkDeviceSize size, VkBufferUsageFlags usage,
                               VkMemoryPropertyFlags props, buffer *out)
{
	VkResult vr = scrub_vk_buffer_create(&r->vkd, size, usage, props, out);
	if (vr != VK_SUCCESS) {
		LOG_E("a buffer of %llu bytes: %s", (unsigned long long)size,
		      vr == VK_ERROR_UNKNOWN ? "no memory type" : "VkResult error");
		return vr == VK_ERROR_OUT_OF_HOST_MEMORY ? SCRUB_ERR_NOMEM : SCRUB_ERR_RUNTIME;
	}
	return SCRUB_OK;
}

void rvk_buffer_destroy(scrub_renderer *r, buffer *b) { scrub_vk_buffer_destroy(&r->vkd, b); }

scrub_result rvk_image_create(scrub_renderer *r, uint32_t w, uint32_t h, uint32_t layers, VkFormat format,
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
	VkResult vr = scrub_vk_image_memory(&r->vkd, out->img, &out->mem);
	if (vr != VK_SUCCESS) {
		LOG_E("memory for a %ux%u image: %s", w, h, vr == VK_ERROR_UNKNOWN ? "no memory type" : "VkResult error");
		return vr == VK_ERROR_OUT_OF_HOST_MEMORY ? SCRUB_ERR_NOMEM : SCRUB_ERR_RUNTIME;
	}
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

scrub_result rvk_layer_view(scrub_renderer *r, VkImage img, VkFormat format, VkImageAspectFlags aspect,
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

void rvk_destroy_view(scrub_renderer *r, VkImageView *v)
{
	if (*v)
		vkDestroyImageView(r->device, *v, NULL);
	*v = VK_NULL_HANDLE;
}

void rvk_image_destroy(scrub_renderer *r, image *im)
{
	if (im->view)
		vkDestroyImageView(r->device, im->view, NULL);
	if (im->img)
		vkDestroyImage(r->device, im->img, NULL);
	if (im->mem)
		vkFreeMemory(r->device, im->mem, NULL);
	memset(im, 0, sizeof(*im));
}

void rvk_barrier(VkCommandBuffer cmd, VkImage img, VkImageAspectFlags aspect, uint32_t layers,
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
scrub_result rvk_oneshot_begin(scrub_renderer *r, VkCommandBuffer *out_cmd)
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

scrub_result rvk_oneshot_submit_wait(scrub_renderer *r, VkCommandBuffer cmd)
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
