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

scrub_result rvk_create_instance(scrub_renderer *r, const scrub_render_desc *desc)
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

bool rvk_find_memory(const scrub_renderer *r, uint32_t bits, VkMemoryPropertyFlags want, uint32_t *out_type)
{
	for (uint32_t i = 0; i < r->memprops.memoryTypeCount; i++)
		if ((bits & (1u << i)) && (r->memprops.memoryTypes[i].propertyFlags & want) == want) {
			*out_type = i;
			return true;
		}
	return false;
}

scrub_result rvk_buffer_create(scrub_renderer *r, VkDeviceSize size, VkBufferUsageFlags usage,
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
	if (!rvk_find_memory(r, req.memoryTypeBits, props, &type) &&
	    !(host && rvk_find_memory(r, req.memoryTypeBits,
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

void rvk_buffer_destroy(scrub_renderer *r, buffer *b)
{
	if (b->buf)
		vkDestroyBuffer(r->device, b->buf, NULL);
	if (b->mem)
		vkFreeMemory(r->device, b->mem, NULL);
	memset(b, 0, sizeof(*b));
}

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
	VkMemoryRequirements req;
	vkGetImageMemoryRequirements(r->device, out->img, &req);
	uint32_t type = 0;
	if (!rvk_find_memory(r, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &type) &&
	    !rvk_find_memory(r, req.memoryTypeBits, 0, &type)) {
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
