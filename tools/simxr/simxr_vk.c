/* simxr Vulkan: XR_KHR_vulkan_enable and _enable2, swapchain images on the application's
 * device, and the read-back of submitted eye images for PNG capture. */
#define SCRUB_LOG_MODULE "simxr"
#include "simxr_internal.h"
#include "log.h"
#include "scrub_vk.h"

#include <stdlib.h>
#include <string.h>

#define VK_DEVICE_FUNCTIONS(X)          \
	X(GetDeviceQueue)               \
	X(CreateImage)                  \
	X(DestroyImage)                 \
	X(CreateCommandPool)            \
	X(DestroyCommandPool)           \
	X(AllocateCommandBuffers)       \
	X(BeginCommandBuffer)           \
	X(EndCommandBuffer)             \
	X(ResetCommandBuffer)           \
	X(CmdPipelineBarrier)           \
	X(CmdCopyImageToBuffer)         \
	X(QueueSubmit)                  \
	X(CreateFence)                  \
	X(DestroyFence)                 \
	X(WaitForFences)                \
	X(ResetFences)

struct simxr_vk {
	VkInstance instance;
	VkPhysicalDevice phys;
	VkDevice device;
	uint32_t qfam, qidx;
	VkQueue queue;
	scrub_vk_fns fns; /* the device functions engine/vk calls, from the app's loader */
	scrub_vk_device vkd;
	VkCommandPool pool;
	VkCommandBuffer cmd;
	VkFence fence;
	int64_t formats[8];
	uint32_t nformats;
#define DECL(name) PFN_vk##name name;
	VK_DEVICE_FUNCTIONS(DECL)
#undef DECL
};

static simxr_instance *inst_of(XrInstance h)
{
	simxr_instance *i = (simxr_instance *)(void *)h;
	return (i && i->magic == SIMXR_MAGIC_INSTANCE) ? i : NULL;
}

static simxr_session *sess_of(XrSession h)
{
	simxr_session *s = (simxr_session *)(void *)h;
	return (s && s->magic == SIMXR_MAGIC_SESSION) ? s : NULL;
}

/* ---- graphics requirements and device selection ---- */
XrResult simxr_xrGetVulkanGraphicsRequirementsKHR(XrInstance instance, XrSystemId sys,
                                                  XrGraphicsRequirementsVulkanKHR *req)
{
	simxr_instance *inst = inst_of(instance);
	if (!inst)
		return XR_ERROR_HANDLE_INVALID;
	if (sys != SIMXR_SYSTEM_ID)
		return XR_ERROR_SYSTEM_INVALID;
	if (!req || req->type != XR_TYPE_GRAPHICS_REQUIREMENTS_VULKAN_KHR)
		return XR_ERROR_VALIDATION_FAILURE;
	req->minApiVersionSupported = XR_MAKE_VERSION(1, 0, 0);
	req->maxApiVersionSupported = XR_MAKE_VERSION(1, 3, 0);
	inst->graphics_requirements_queried = true;
	return XR_SUCCESS;
}

static XrResult empty_list(XrInstance instance, XrSystemId sys, uint32_t cap, uint32_t *count, char *buffer)
{
	if (!inst_of(instance))
		return XR_ERROR_HANDLE_INVALID;
	if (sys != SIMXR_SYSTEM_ID)
		return XR_ERROR_SYSTEM_INVALID;
	if (!count)
		return XR_ERROR_VALIDATION_FAILURE;
	*count = 1; /* simxr needs no Vulkan extensions: the list is "" */
	if (cap == 0)
		return XR_SUCCESS;
	buffer[0] = '\0';
	return XR_SUCCESS;
}

XrResult simxr_xrGetVulkanInstanceExtensionsKHR(XrInstance instance, XrSystemId sys, uint32_t cap, uint32_t *count,
                                                char *buffer)
{
	return empty_list(instance, sys, cap, count, buffer);
}

XrResult simxr_xrGetVulkanDeviceExtensionsKHR(XrInstance instance, XrSystemId sys, uint32_t cap, uint32_t *count,
                                              char *buffer)
{
	return empty_list(instance, sys, cap, count, buffer);
}

/* The first physical device, or the first whose name contains SIMXR_VK_DEVICE. */
static XrResult pick_device(simxr_instance *inst, VkInstance vki, VkPhysicalDevice *out)
{
	PFN_vkEnumeratePhysicalDevices enumerate =
		(PFN_vkEnumeratePhysicalDevices)vkGetInstanceProcAddr(vki, "vkEnumeratePhysicalDevices");
	PFN_vkGetPhysicalDeviceProperties props =
		(PFN_vkGetPhysicalDeviceProperties)vkGetInstanceProcAddr(vki, "vkGetPhysicalDeviceProperties");
	if (!enumerate || !props)
		return XR_ERROR_RUNTIME_FAILURE;
	VkPhysicalDevice devs[16];
	uint32_t n = 16;
	VkResult vr = enumerate(vki, &n, devs);
	if ((vr != VK_SUCCESS && vr != VK_INCOMPLETE) || n == 0) {
		LOG_E("no Vulkan physical device (VkResult %d)", (int)vr);
		return XR_ERROR_RUNTIME_FAILURE;
	}
	const char *want = getenv("SIMXR_VK_DEVICE");
	uint32_t pick = 0;
	for (uint32_t i = 0; want && *want && i < n; i++) {
		VkPhysicalDeviceProperties p;
		props(devs[i], &p);
		if (strstr(p.deviceName, want)) {
			pick = i;
			break;
		}
	}
	VkPhysicalDeviceProperties p;
	props(devs[pick], &p);
	LOG_I("Vulkan device: %s", p.deviceName);
	inst->vk_phys = devs[pick];
	inst->vk_instance = vki;
	*out = devs[pick];
	return XR_SUCCESS;
}

XrResult simxr_xrGetVulkanGraphicsDeviceKHR(XrInstance instance, XrSystemId sys, VkInstance vki,
                                            VkPhysicalDevice *out)
{
	simxr_instance *inst = inst_of(instance);
	if (!inst)
		return XR_ERROR_HANDLE_INVALID;
	if (sys != SIMXR_SYSTEM_ID)
		return XR_ERROR_SYSTEM_INVALID;
	if (!vki || !out)
		return XR_ERROR_VALIDATION_FAILURE;
	return pick_device(inst, vki, out);
}

XrResult simxr_xrGetVulkanGraphicsDevice2KHR(XrInstance instance, const XrVulkanGraphicsDeviceGetInfoKHR *info,
                                             VkPhysicalDevice *out)
{
	simxr_instance *inst = inst_of(instance);
	if (!inst)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_VULKAN_GRAPHICS_DEVICE_GET_INFO_KHR || !info->vulkanInstance || !out)
		return XR_ERROR_VALIDATION_FAILURE;
	if (info->systemId != SIMXR_SYSTEM_ID)
		return XR_ERROR_SYSTEM_INVALID;
	return pick_device(inst, info->vulkanInstance, out);
}

XrResult simxr_xrCreateVulkanInstanceKHR(XrInstance instance, const XrVulkanInstanceCreateInfoKHR *info,
                                         VkInstance *out, VkResult *out_vk)
{
	simxr_instance *inst = inst_of(instance);
	if (!inst)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_VULKAN_INSTANCE_CREATE_INFO_KHR || !info->pfnGetInstanceProcAddr ||
	    !info->vulkanCreateInfo || !out || !out_vk)
		return XR_ERROR_VALIDATION_FAILURE;
	if (info->systemId != SIMXR_SYSTEM_ID)
		return XR_ERROR_SYSTEM_INVALID;
	if (!inst->graphics_requirements_queried)
		return XR_ERROR_GRAPHICS_REQUIREMENTS_CALL_MISSING;
	PFN_vkCreateInstance create = (PFN_vkCreateInstance)info->pfnGetInstanceProcAddr(VK_NULL_HANDLE, "vkCreateInstance");
	if (!create)
		return XR_ERROR_RUNTIME_FAILURE;
	/* simxr needs no instance extensions or layers of its own: the app's create info goes as is */
	*out_vk = create(info->vulkanCreateInfo, info->vulkanAllocator, out);
	if (*out_vk != VK_SUCCESS)
		LOG_E("vkCreateInstance failed: VkResult %d", (int)*out_vk);
	return XR_SUCCESS;
}

XrResult simxr_xrCreateVulkanDeviceKHR(XrInstance instance, const XrVulkanDeviceCreateInfoKHR *info, VkDevice *out,
                                       VkResult *out_vk)
{
	simxr_instance *inst = inst_of(instance);
	if (!inst)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_VULKAN_DEVICE_CREATE_INFO_KHR || !info->pfnGetInstanceProcAddr ||
	    !info->vulkanCreateInfo || !out || !out_vk)
		return XR_ERROR_VALIDATION_FAILURE;
	if (info->systemId != SIMXR_SYSTEM_ID)
		return XR_ERROR_SYSTEM_INVALID;
	if (!inst->vk_phys || info->vulkanPhysicalDevice != inst->vk_phys) {
		LOG_E("xrCreateVulkanDeviceKHR: the physical device is not the one xrGetVulkanGraphicsDevice2KHR returned");
		return XR_ERROR_VALIDATION_FAILURE;
	}
	PFN_vkCreateDevice create =
		(PFN_vkCreateDevice)info->pfnGetInstanceProcAddr(inst->vk_instance, "vkCreateDevice");
	if (!create)
		return XR_ERROR_RUNTIME_FAILURE;
	*out_vk = create(info->vulkanPhysicalDevice, info->vulkanCreateInfo, info->vulkanAllocator, out);
	if (*out_vk != VK_SUCCESS)
		LOG_E("vkCreateDevice failed: VkResult %d", (int)*out_vk);
	return XR_SUCCESS;
}

/* ---- session ---- */
static const VkFormat k_color_formats[] = {VK_FORMAT_R8G8B8A8_SRGB, VK_FORMAT_B8G8R8A8_SRGB, VK_FORMAT_R8G8B8A8_UNORM,
                                           VK_FORMAT_B8G8R8A8_UNORM};
static const VkFormat k_depth_formats[] = {VK_FORMAT_D32_SFLOAT, VK_FORMAT_D16_UNORM, VK_FORMAT_D24_UNORM_S8_UINT,
                                           VK_FORMAT_D32_SFLOAT_S8_UINT};

static bool is_depth_format(int64_t f)
{
	for (size_t i = 0; i < sizeof k_depth_formats / sizeof k_depth_formats[0]; i++)
		if (f == k_depth_formats[i])
			return true;
	return false;
}

XrResult simxr_vk_session_init(simxr_session *s, const XrGraphicsBindingVulkanKHR *b)
{
	simxr_instance *inst = s->inst;
	if (!b->instance || !b->physicalDevice || !b->device) {
		LOG_E("xrCreateSession: the Vulkan binding has a null instance, physical device or device");
		return XR_ERROR_GRAPHICS_DEVICE_INVALID;
	}
	if (inst->vk_phys && b->physicalDevice != inst->vk_phys) {
		LOG_E("xrCreateSession: the binding's physical device is not the one simxr reported");
		return XR_ERROR_GRAPHICS_DEVICE_INVALID;
	}
	simxr_vk *vk = calloc(1, sizeof *vk);
	if (!vk)
		return XR_ERROR_OUT_OF_MEMORY;
	vk->instance = b->instance;
	vk->phys = b->physicalDevice;
	vk->device = b->device;
	vk->qfam = b->queueFamilyIndex;
	vk->qidx = b->queueIndex;
	PFN_vkGetDeviceProcAddr gdpa = (PFN_vkGetDeviceProcAddr)vkGetInstanceProcAddr(b->instance, "vkGetDeviceProcAddr");
	PFN_vkGetPhysicalDeviceMemoryProperties gmem = (PFN_vkGetPhysicalDeviceMemoryProperties)vkGetInstanceProcAddr(
		b->instance, "vkGetPhysicalDeviceMemoryProperties");
	PFN_vkGetPhysicalDeviceFormatProperties gfmt = (PFN_vkGetPhysicalDeviceFormatProperties)vkGetInstanceProcAddr(
		b->instance, "vkGetPhysicalDeviceFormatProperties");
	bool ok = gdpa && gmem && gfmt;
#define LOAD(name)                                                        \
	vk->name = ok ? (PFN_vk##name)gdpa(b->device, "vk" #name) : NULL; \
	ok = ok && vk->name;
	VK_DEVICE_FUNCTIONS(LOAD)
#undef LOAD
#define LOAD_SHARED(name)                                                         \
	vk->fns.name = ok ? (PFN_vk##name)gdpa(b->device, "vk" #name) : NULL; \
	ok = ok && vk->fns.name;
	SCRUB_VK_FNS(LOAD_SHARED)
#undef LOAD_SHARED
	if (!ok) {
		LOG_E("xrCreateSession: could not load Vulkan device functions");
		free(vk);
		return XR_ERROR_GRAPHICS_DEVICE_INVALID;
	}
	vk->vkd = (scrub_vk_device){.fn = &vk->fns, .device = vk->device};
	gmem(vk->phys, &vk->vkd.memprops);
	vk->GetDeviceQueue(vk->device, vk->qfam, vk->qidx, &vk->queue);
	VkCommandPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
	                               .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
	                               .queueFamilyIndex = vk->qfam};
	VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
	if (!vk->queue || vk->CreateCommandPool(vk->device, &pci, NULL, &vk->pool) != VK_SUCCESS ||
	    vk->AllocateCommandBuffers(vk->device,
	                               &(VkCommandBufferAllocateInfo){.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
	                                                              .commandPool = vk->pool,
	                                                              .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
	                                                              .commandBufferCount = 1},
	                               &vk->cmd) != VK_SUCCESS ||
	    vk->CreateFence(vk->device, &fci, NULL, &vk->fence) != VK_SUCCESS) {
		LOG_E("xrCreateSession: could not create the runtime's command pool or fence on the app's queue family %u",
		      vk->qfam);
		if (vk->pool)
			vk->DestroyCommandPool(vk->device, vk->pool, NULL);
		free(vk);
		return XR_ERROR_GRAPHICS_DEVICE_INVALID;
	}
	/* offer the formats the device can render to, colour first (sRGB preferred) then depth */
	for (size_t i = 0; i < sizeof k_color_formats / sizeof k_color_formats[0]; i++) {
		VkFormatProperties fp;
		gfmt(vk->phys, k_color_formats[i], &fp);
		if (fp.optimalTilingFeatures & VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BIT)
			vk->formats[vk->nformats++] = k_color_formats[i];
	}
	for (size_t i = 0; i < sizeof k_depth_formats / sizeof k_depth_formats[0]; i++) {
		VkFormatProperties fp;
		gfmt(vk->phys, k_depth_formats[i], &fp);
		if (fp.optimalTilingFeatures & VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT)
			vk->formats[vk->nformats++] = k_depth_formats[i];
	}
	s->vk = vk;
	return XR_SUCCESS;
}

void simxr_vk_session_fini(simxr_session *s)
{
	simxr_vk *vk = s->vk;
	if (!vk)
		return;
	vk->DestroyFence(vk->device, vk->fence, NULL);
	vk->DestroyCommandPool(vk->device, vk->pool, NULL);
	free(vk);
	s->vk = NULL;
}

static VkResult submit_and_wait(simxr_vk *vk)
{
	VkSubmitInfo si = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1, .pCommandBuffers = &vk->cmd};
	VkResult r = vk->QueueSubmit(vk->queue, 1, &si, vk->fence);
	if (r != VK_SUCCESS)
		return r;
	r = vk->WaitForFences(vk->device, 1, &vk->fence, VK_TRUE, UINT64_MAX);
	vk->ResetFences(vk->device, 1, &vk->fence);
	return r;
}

/* ---- swapchains ---- */
XrResult simxr_xrEnumerateSwapchainFormats(XrSession session, uint32_t cap, uint32_t *count, int64_t *formats)
{
	simxr_session *s = sess_of(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!count)
		return XR_ERROR_VALIDATION_FAILURE;
	*count = s->vk->nformats;
	if (cap == 0)
		return XR_SUCCESS;
	if (cap < s->vk->nformats)
		return XR_ERROR_SIZE_INSUFFICIENT;
	memcpy(formats, s->vk->formats, s->vk->nformats * sizeof formats[0]);
	return XR_SUCCESS;
}

bool simxr_is_swapchain(const simxr_session *s, XrSwapchain sc)
{
	if (!sc)
		return false;
	for (int i = 0; i < s->nswapchains; i++)
		if (s->swapchains[i] == sc)
			return true;
	return false;
}

static void swapchain_free(simxr_session *s, struct XrSwapchain_T *sc)
{
	simxr_vk *vk = s->vk;
	for (uint32_t i = 0; i < sc->nimages; i++) {
		if (sc->images[i])
			vk->DestroyImage(vk->device, sc->images[i], NULL);
		if (sc->memory[i])
			vk->fns.FreeMemory(vk->device, sc->memory[i], NULL);
	}
	sc->magic = 0;
	free(sc);
}

XrResult simxr_xrCreateSwapchain(XrSession session, const XrSwapchainCreateInfo *info, XrSwapchain *out)
{
	simxr_session *s = sess_of(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_SWAPCHAIN_CREATE_INFO || !out)
		return XR_ERROR_VALIDATION_FAILURE;
	if (s->lost)
		return XR_ERROR_SESSION_LOST;
	if (info->createFlags & XR_SWAPCHAIN_CREATE_PROTECTED_CONTENT_BIT)
		return XR_ERROR_FEATURE_UNSUPPORTED;
	bool known = false;
	for (uint32_t i = 0; i < s->vk->nformats; i++)
		known |= s->vk->formats[i] == info->format;
	if (!known)
		return XR_ERROR_SWAPCHAIN_FORMAT_UNSUPPORTED;
	if (info->width == 0 || info->height == 0 || info->width > 4096 || info->height > 4096 || info->arraySize == 0 ||
	    info->mipCount == 0 || (info->faceCount != 1 && info->faceCount != 6) ||
	    !(info->sampleCount == 1 || info->sampleCount == 2 || info->sampleCount == 4))
		return XR_ERROR_VALIDATION_FAILURE;
	bool depth = is_depth_format(info->format);
	VkImageUsageFlags usage = 0;
	if (info->usageFlags & XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT)
		usage |= VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT;
	if (info->usageFlags & XR_SWAPCHAIN_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT)
		usage |= VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT;
	if (info->usageFlags & XR_SWAPCHAIN_USAGE_UNORDERED_ACCESS_BIT)
		usage |= VK_IMAGE_USAGE_STORAGE_BIT;
	if (info->usageFlags & XR_SWAPCHAIN_USAGE_TRANSFER_SRC_BIT)
		usage |= VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
	if (info->usageFlags & XR_SWAPCHAIN_USAGE_TRANSFER_DST_BIT)
		usage |= VK_IMAGE_USAGE_TRANSFER_DST_BIT;
	if (info->usageFlags & XR_SWAPCHAIN_USAGE_SAMPLED_BIT)
		usage |= VK_IMAGE_USAGE_SAMPLED_BIT;
	if (info->usageFlags & XR_SWAPCHAIN_USAGE_INPUT_ATTACHMENT_BIT_KHR)
		usage |= VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT;
	if ((usage & VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT) && depth)
		return XR_ERROR_VALIDATION_FAILURE;
	usage |= VK_IMAGE_USAGE_TRANSFER_SRC_BIT; /* the compositor reads images back for capture */
	if (s->nswapchains == s->cap_swapchains) {
		int ncap = s->cap_swapchains ? s->cap_swapchains * 2 : 8;
		struct XrSwapchain_T **n = realloc(s->swapchains, (size_t)ncap * sizeof *n);
		if (!n)
			return XR_ERROR_OUT_OF_MEMORY;
		s->swapchains = n;
		s->cap_swapchains = ncap;
	}
	struct XrSwapchain_T *sc = calloc(1, sizeof *sc);
	if (!sc)
		return XR_ERROR_OUT_OF_MEMORY;
	sc->magic = SIMXR_MAGIC_SWAPCHAIN;
	sc->sess = s;
	sc->info = *info;
	sc->info.next = NULL;
	sc->last_released = -1;
	sc->is_depth = depth;
	sc->nimages = (info->createFlags & XR_SWAPCHAIN_CREATE_STATIC_IMAGE_BIT) ? 1 : SIMXR_MAX_SWAPCHAIN_IMAGES;
	simxr_vk *vk = s->vk;
	VkImageCreateInfo ici = {
		.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
		.flags = (info->faceCount == 6 ? VK_IMAGE_CREATE_CUBE_COMPATIBLE_BIT : 0) |
		         ((info->usageFlags & XR_SWAPCHAIN_USAGE_MUTABLE_FORMAT_BIT) ? VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT : 0),
		.imageType = VK_IMAGE_TYPE_2D,
		.format = (VkFormat)info->format,
		.extent = {info->width, info->height, 1},
		.mipLevels = info->mipCount,
		.arrayLayers = info->arraySize * info->faceCount,
		.samples = (VkSampleCountFlagBits)info->sampleCount,
		.tiling = VK_IMAGE_TILING_OPTIMAL,
		.usage = usage,
		.sharingMode = VK_SHARING_MODE_EXCLUSIVE,
		.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
	};
	XrResult xr = XR_SUCCESS;
	for (uint32_t i = 0; i < sc->nimages && xr == XR_SUCCESS; i++) {
		if (vk->CreateImage(vk->device, &ici, NULL, &sc->images[i]) != VK_SUCCESS ||
		    scrub_vk_image_memory(&vk->vkd, sc->images[i], &sc->memory[i]) != VK_SUCCESS)
			xr = XR_ERROR_RUNTIME_FAILURE;
	}
	/* images are handed out in the layout the spec promises: colour or depth attachment optimal */
	if (xr == XR_SUCCESS) {
		VkImageMemoryBarrier bars[SIMXR_MAX_SWAPCHAIN_IMAGES];
		for (uint32_t i = 0; i < sc->nimages; i++) {
			bars[i] = (VkImageMemoryBarrier){
				.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
				.srcAccessMask = 0,
				.dstAccessMask = depth ? VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT
				                       : VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
				.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED,
				.newLayout = depth ? VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL
				                   : VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
				.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
				.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
				.image = sc->images[i],
				.subresourceRange = {depth ? (VK_IMAGE_ASPECT_DEPTH_BIT |
				                              ((info->format == VK_FORMAT_D24_UNORM_S8_UINT ||
				                                info->format == VK_FORMAT_D32_SFLOAT_S8_UINT)
				                                       ? VK_IMAGE_ASPECT_STENCIL_BIT
				                                       : 0))
				                           : VK_IMAGE_ASPECT_COLOR_BIT,
				                     0, VK_REMAINING_MIP_LEVELS, 0, VK_REMAINING_ARRAY_LAYERS},
			};
		}
		VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
		                               .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
		vk->ResetCommandBuffer(vk->cmd, 0);
		vk->BeginCommandBuffer(vk->cmd, &bi);
		vk->CmdPipelineBarrier(vk->cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 0,
		                       NULL, 0, NULL, sc->nimages, bars);
		vk->EndCommandBuffer(vk->cmd);
		if (submit_and_wait(vk) != VK_SUCCESS)
			xr = XR_ERROR_RUNTIME_FAILURE;
	}
	if (xr != XR_SUCCESS) {
		LOG_E("xrCreateSwapchain: Vulkan failed to create %ux%u images of format %lld", info->width, info->height,
		      (long long)info->format);
		swapchain_free(s, sc);
		return xr;
	}
	s->swapchains[s->nswapchains++] = sc;
	*out = sc;
	return XR_SUCCESS;
}

static struct XrSwapchain_T *swapchain_of(XrSwapchain h)
{
	if (!h || h->magic != SIMXR_MAGIC_SWAPCHAIN || !simxr_is_swapchain(h->sess, h))
		return NULL;
	return h;
}

XrResult simxr_xrDestroySwapchain(XrSwapchain h)
{
	struct XrSwapchain_T *sc = swapchain_of(h);
	if (!sc)
		return XR_ERROR_HANDLE_INVALID;
	simxr_session *s = sc->sess;
	for (int i = 0; i < s->nswapchains; i++) {
		if (s->swapchains[i] == sc) {
			s->swapchains[i] = s->swapchains[--s->nswapchains];
			break;
		}
	}
	swapchain_free(s, sc);
	return XR_SUCCESS;
}

XrResult simxr_xrEnumerateSwapchainImages(XrSwapchain h, uint32_t cap, uint32_t *count,
                                          XrSwapchainImageBaseHeader *images)
{
	struct XrSwapchain_T *sc = swapchain_of(h);
	if (!sc)
		return XR_ERROR_HANDLE_INVALID;
	if (!count)
		return XR_ERROR_VALIDATION_FAILURE;
	*count = sc->nimages;
	if (cap == 0)
		return XR_SUCCESS;
	if (cap < sc->nimages)
		return XR_ERROR_SIZE_INSUFFICIENT;
	XrSwapchainImageVulkanKHR *vi = (XrSwapchainImageVulkanKHR *)(void *)images;
	for (uint32_t i = 0; i < sc->nimages; i++) {
		if (vi[i].type != XR_TYPE_SWAPCHAIN_IMAGE_VULKAN_KHR)
			return XR_ERROR_VALIDATION_FAILURE;
		vi[i].image = sc->images[i];
	}
	return XR_SUCCESS;
}

XrResult simxr_xrAcquireSwapchainImage(XrSwapchain h, const XrSwapchainImageAcquireInfo *info, uint32_t *index)
{
	struct XrSwapchain_T *sc = swapchain_of(h);
	if (!sc)
		return XR_ERROR_HANDLE_INVALID;
	if ((info && info->type != XR_TYPE_SWAPCHAIN_IMAGE_ACQUIRE_INFO) || !index)
		return XR_ERROR_VALIDATION_FAILURE;
	if (sc->sess->lost)
		return XR_ERROR_SESSION_LOST;
	if (sc->nacquired == sc->nimages)
		return XR_ERROR_CALL_ORDER_INVALID;
	if ((sc->info.createFlags & XR_SWAPCHAIN_CREATE_STATIC_IMAGE_BIT) && sc->last_released >= 0)
		return XR_ERROR_CALL_ORDER_INVALID; /* a static image is acquired once */
	*index = sc->next;
	sc->acquired[sc->nacquired++] = sc->next;
	sc->next = (sc->next + 1) % sc->nimages;
	return XR_SUCCESS;
}

XrResult simxr_xrWaitSwapchainImage(XrSwapchain h, const XrSwapchainImageWaitInfo *info)
{
	struct XrSwapchain_T *sc = swapchain_of(h);
	if (!sc)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_SWAPCHAIN_IMAGE_WAIT_INFO)
		return XR_ERROR_VALIDATION_FAILURE;
	if (sc->sess->lost)
		return XR_ERROR_SESSION_LOST;
	if (sc->nacquired == 0 || sc->waited)
		return XR_ERROR_CALL_ORDER_INVALID;
	/* the compositor never holds an image: it is ready at once */
	sc->waited = true;
	return XR_SUCCESS;
}

XrResult simxr_xrReleaseSwapchainImage(XrSwapchain h, const XrSwapchainImageReleaseInfo *info)
{
	struct XrSwapchain_T *sc = swapchain_of(h);
	if (!sc)
		return XR_ERROR_HANDLE_INVALID;
	if (info && info->type != XR_TYPE_SWAPCHAIN_IMAGE_RELEASE_INFO)
		return XR_ERROR_VALIDATION_FAILURE;
	if (sc->sess->lost)
		return XR_ERROR_SESSION_LOST;
	if (sc->nacquired == 0 || !sc->waited)
		return XR_ERROR_CALL_ORDER_INVALID;
	sc->last_released = sc->acquired[0];
	memmove(&sc->acquired[0], &sc->acquired[1], (sc->nacquired - 1) * sizeof sc->acquired[0]);
	sc->nacquired--;
	sc->waited = false;
	return XR_SUCCESS;
}

/* ---- capture: copy a released colour image back on the app's queue, write PNG ---- */
XrResult simxr_vk_capture(simxr_session *s, const XrSwapchainSubImage *sub, const char *path)
{
	struct XrSwapchain_T *sc = sub->swapchain;
	simxr_vk *vk = s->vk;
	int64_t f = sc->info.format;
	bool bgra = f == VK_FORMAT_B8G8R8A8_SRGB || f == VK_FORMAT_B8G8R8A8_UNORM;
	bool rgba = f == VK_FORMAT_R8G8B8A8_SRGB || f == VK_FORMAT_R8G8B8A8_UNORM;
	if ((!bgra && !rgba) || sc->info.sampleCount != 1 || sc->last_released < 0) {
		LOG_W("capture %s: the swapchain (format %lld, %u samples) cannot be captured", path, (long long)f,
		      sc->info.sampleCount);
		return XR_ERROR_FEATURE_UNSUPPORTED;
	}
	uint32_t w = (uint32_t)sub->imageRect.extent.width, h = (uint32_t)sub->imageRect.extent.height;
	VkDeviceSize size = (VkDeviceSize)w * h * 4;
	VkImage img = sc->images[sc->last_released];
	scrub_vk_buffer rb = {0};
	XrResult xr = XR_ERROR_RUNTIME_FAILURE;
	uint8_t *pixels = NULL;
	if (scrub_vk_buffer_create(&vk->vkd, size, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
	                           VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
	                           &rb) != VK_SUCCESS)
		goto out;
	VkImageSubresourceRange range = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, sub->imageArrayIndex, 1};
	VkImageMemoryBarrier to_src = {
		.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
		.srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
		.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT,
		.oldLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
		.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
		.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.image = img,
		.subresourceRange = range,
	};
	VkImageMemoryBarrier back = to_src;
	back.srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
	back.dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_COLOR_ATTACHMENT_READ_BIT;
	back.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
	back.newLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
	VkBufferImageCopy copy = {
		.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, sub->imageArrayIndex, 1},
		.imageOffset = {sub->imageRect.offset.x, sub->imageRect.offset.y, 0},
		.imageExtent = {w, h, 1},
	};
	VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
	                               .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
	vk->ResetCommandBuffer(vk->cmd, 0);
	vk->BeginCommandBuffer(vk->cmd, &bi);
	/* the app's rendering was submitted to this queue before: ALL_COMMANDS orders after it */
	vk->CmdPipelineBarrier(vk->cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, NULL, 0,
	                       NULL, 1, &to_src);
	vk->CmdCopyImageToBuffer(vk->cmd, img, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, rb.buf, 1, &copy);
	vk->CmdPipelineBarrier(vk->cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 0, NULL, 0,
	                       NULL, 1, &back);
	vk->EndCommandBuffer(vk->cmd);
	if (submit_and_wait(vk) != VK_SUCCESS)
		goto out;
	pixels = malloc((size_t)size);
	if (!pixels) {
		xr = XR_ERROR_OUT_OF_MEMORY;
		goto out;
	}
	const uint8_t *src = rb.map;
	for (size_t i = 0; i < (size_t)w * h; i++) {
		pixels[4 * i + 0] = src[4 * i + (bgra ? 2 : 0)];
		pixels[4 * i + 1] = src[4 * i + 1];
		pixels[4 * i + 2] = src[4 * i + (bgra ? 0 : 2)];
		pixels[4 * i + 3] = 255; /* the eye image as the wearer sees it: opaque */
	}
	if (simxr_png_write(path, (int)w, (int)h, pixels))
		xr = XR_SUCCESS;
	else
		LOG_E("capture: cannot write %s", path);
out:
	if (xr != XR_SUCCESS)
		LOG_E("capture of %s failed", path);
	free(pixels);
	scrub_vk_buffer_destroy(&vk->vkd, &rb);
	return xr;
}
