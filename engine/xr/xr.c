/* Scrub XR: instance, Vulkan through XR_KHR_vulkan_enable2, session state machine, swapchains, the frame loop
 * (see scrub_xr.h and docs/xr.md). */
#define _GNU_SOURCE
#define SCRUB_LOG_MODULE "xr"
#include "log.h"
#include "scrub_vk.h"
#include "xr_internal.h"

#include <dlfcn.h>
#include <link.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZNEAR 0.02f
#define ZFAR 30.f

const char *xr_result_str(scrub_xr *xr, XrResult r)
{
	static char buf[XR_MAX_RESULT_STRING_SIZE];
	if (!xr || !xr->instance || xrResultToString(xr->instance, r, buf) != XR_SUCCESS)
		snprintf(buf, sizeof buf, "XrResult %d", (int)r);
	return buf;
}

scrub_result xr_check(scrub_xr *xr, XrResult r, const char *what)
{
	if (XR_SUCCEEDED(r))
		return SCRUB_OK;
	if (r == XR_ERROR_SESSION_LOST || r == XR_ERROR_INSTANCE_LOST) {
		if (!xr->lost)
			LOG_W("%s: %s: the runtime was lost", what, xr_result_str(xr, r));
		xr->lost = true;
		xr->exit = true;
		return SCRUB_ERR_RUNTIME;
	}
	LOG_E("%s failed: %s", what, xr_result_str(xr, r));
	return SCRUB_ERR_RUNTIME;
}

#define XR_TRY(call, what)                                    \
	do {                                                  \
		scrub_result r_ = xr_check(xr, (call), (what)); \
		if (r_ != SCRUB_OK)                           \
			return r_;                            \
	} while (0)

static bool has_extension(const XrExtensionProperties *exts, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(exts[i].extensionName, name) == 0)
			return true;
	return false;
}

const char *const xr_ext_profile_names[XR_NUM_EXT_PROFILES] = {
	"XR_EXT_hp_mixed_reality_controller",        "XR_HTC_vive_cosmos_controller_interaction",
	"XR_HTC_vive_focus3_controller_interaction", "XR_BD_controller_interaction",
	"XR_ML_ml2_controller_interaction",          "XR_EXT_samsung_odyssey_controller",
	"XR_FB_touch_controller_pro",                "XR_META_touch_controller_plus",
};

static const char *blend_name(XrEnvironmentBlendMode b)
{
	return b == XR_ENVIRONMENT_BLEND_MODE_OPAQUE     ? "opaque"
	       : b == XR_ENVIRONMENT_BLEND_MODE_ADDITIVE ? "additive"
	                                                 : "alpha blend";
}

/* The view configuration (stereo, else mono) and the blend mode (opaque, else additive or alpha blend: a see-through
 * headset) the system offers; a runtime that offers neither view configuration is refused. */
static scrub_result choose_views(scrub_xr *xr, scrub_xr_failure *fail)
{
	XrViewConfigurationType types[16];
	uint32_t n = 0;
	XR_TRY(xrEnumerateViewConfigurations(xr->instance, xr->system, 16, &n, types), "xrEnumerateViewConfigurations");
	bool stereo = false, mono = false;
	for (uint32_t i = 0; i < n; i++) {
		stereo = stereo || types[i] == XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
		mono = mono || types[i] == XR_VIEW_CONFIGURATION_TYPE_PRIMARY_MONO;
	}
	if (!stereo && !mono) {
		LOG_E("the headset offers neither a stereo nor a mono view configuration");
		*fail = SCRUB_XR_FAIL_NO_HEADSET;
		return SCRUB_ERR_RUNTIME;
	}
	xr->view_config = stereo ? XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO : XR_VIEW_CONFIGURATION_TYPE_PRIMARY_MONO;
	xr->nviews = stereo ? 2 : 1;
	XrEnvironmentBlendMode modes[8];
	XR_TRY(xrEnumerateEnvironmentBlendModes(xr->instance, xr->system, xr->view_config, 8, &n, modes),
	       "xrEnumerateEnvironmentBlendModes");
	bool has[4] = {false};
	for (uint32_t i = 0; i < n; i++)
		if (modes[i] >= XR_ENVIRONMENT_BLEND_MODE_OPAQUE && modes[i] <= XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND)
			has[modes[i]] = true;
	if (!has[XR_ENVIRONMENT_BLEND_MODE_OPAQUE] && !has[XR_ENVIRONMENT_BLEND_MODE_ADDITIVE] &&
	    !has[XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND]) {
		LOG_E("the headset offers no environment blend mode");
		return SCRUB_ERR_RUNTIME;
	}
	xr->blend = has[XR_ENVIRONMENT_BLEND_MODE_OPAQUE]     ? XR_ENVIRONMENT_BLEND_MODE_OPAQUE
	            : has[XR_ENVIRONMENT_BLEND_MODE_ADDITIVE] ? XR_ENVIRONMENT_BLEND_MODE_ADDITIVE
	                                                      : XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND;
	LOG_I("view configuration %s, blend mode %s", stereo ? "stereo" : "mono", blend_name(xr->blend));
	return SCRUB_OK;
}

static scrub_result create_instance(scrub_xr *xr, const scrub_xr_desc *desc, scrub_xr_failure *fail)
{
	uint32_t n = 0;
	XrResult r = xrEnumerateInstanceExtensionProperties(NULL, 0, &n, NULL);
	if (XR_FAILED(r)) {
		LOG_I("xrEnumerateInstanceExtensionProperties: %d (no OpenXR runtime is active)", (int)r);
		*fail = SCRUB_XR_FAIL_NO_RUNTIME;
		return SCRUB_ERR_RUNTIME;
	}
	XrExtensionProperties *exts = calloc(n ? n : 1, sizeof *exts);
	if (!exts)
		return SCRUB_ERR_NOMEM;
	for (uint32_t i = 0; i < n; i++)
		exts[i].type = XR_TYPE_EXTENSION_PROPERTIES;
	r = xrEnumerateInstanceExtensionProperties(NULL, n, &n, exts);
	if (XR_FAILED(r) || !has_extension(exts, n, XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME)) {
		LOG_E("the OpenXR runtime does not offer %s, which Scrub needs", XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME);
		free(exts);
		*fail = XR_FAILED(r) ? SCRUB_XR_FAIL_NO_RUNTIME : SCRUB_XR_FAIL_NO_VULKAN;
		return SCRUB_ERR_RUNTIME;
	}
	const char *enable[3 + XR_NUM_EXT_PROFILES] = {XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME};
	uint32_t ne = 1;
	xr->ext_depth = has_extension(exts, n, XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME);
	if (xr->ext_depth)
		enable[ne++] = XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME;
	xr->ext_hands = has_extension(exts, n, XR_EXT_HAND_TRACKING_EXTENSION_NAME);
	if (xr->ext_hands)
		enable[ne++] = XR_EXT_HAND_TRACKING_EXTENSION_NAME;
	for (int i = 0; i < XR_NUM_EXT_PROFILES; i++) /* more controllers: bindings for them, so haptics reach them */
		if ((xr->ext_profile[i] = has_extension(exts, n, xr_ext_profile_names[i])))
			enable[ne++] = xr_ext_profile_names[i];
	free(exts);

	XrInstanceCreateInfo ci = {
		.type = XR_TYPE_INSTANCE_CREATE_INFO,
		.applicationInfo = {.applicationVersion = 1, .engineVersion = 1, .apiVersion = XR_MAKE_VERSION(1, 0, 0)},
		.enabledExtensionCount = ne,
		.enabledExtensionNames = enable,
	};
	snprintf(ci.applicationInfo.applicationName, sizeof ci.applicationInfo.applicationName, "%s",
	         desc->app_name ? desc->app_name : "Scrub");
	snprintf(ci.applicationInfo.engineName, sizeof ci.applicationInfo.engineName, "Scrub");
	r = xrCreateInstance(&ci, &xr->instance);
	if (XR_FAILED(r)) {
		LOG_E("xrCreateInstance failed: %d", (int)r);
		*fail = (r == XR_ERROR_RUNTIME_UNAVAILABLE || r == XR_ERROR_INSTANCE_LOST || r == XR_ERROR_RUNTIME_FAILURE)
		                ? SCRUB_XR_FAIL_NO_RUNTIME
		                : SCRUB_XR_FAIL_OTHER;
		xr->instance = XR_NULL_HANDLE;
		return SCRUB_ERR_RUNTIME;
	}
	XrInstanceProperties ip = {.type = XR_TYPE_INSTANCE_PROPERTIES};
	if (XR_SUCCEEDED(xrGetInstanceProperties(xr->instance, &ip)))
		snprintf(xr->runtime_name, sizeof xr->runtime_name, "%s", ip.runtimeName);

	XrSystemGetInfo si = {.type = XR_TYPE_SYSTEM_GET_INFO, .formFactor = XR_FORM_FACTOR_HEAD_MOUNTED_DISPLAY};
	r = xrGetSystem(xr->instance, &si, &xr->system);
	if (XR_FAILED(r)) {
		LOG_E("xrGetSystem (head-mounted display): %s", xr_result_str(xr, r));
		*fail = r == XR_ERROR_FORM_FACTOR_UNAVAILABLE ? SCRUB_XR_FAIL_NO_HEADSET : SCRUB_XR_FAIL_OTHER;
		return SCRUB_ERR_RUNTIME;
	}
	XrSystemProperties sp = {.type = XR_TYPE_SYSTEM_PROPERTIES};
	if (XR_SUCCEEDED(xrGetSystemProperties(xr->instance, xr->system, &sp)))
		snprintf(xr->system_name, sizeof xr->system_name, "%s", sp.systemName);
	LOG_I("OpenXR runtime '%s', system '%s'", xr->runtime_name, xr->system_name);
	return choose_views(xr, fail);
}

static scrub_result get_proc(scrub_xr *xr, const char *name, PFN_xrVoidFunction *out)
{
	XR_TRY(xrGetInstanceProcAddr(xr->instance, name, out), name);
	return SCRUB_OK;
}

static scrub_result create_vulkan(scrub_xr *xr, const scrub_xr_desc *desc, scrub_xr_failure *fail)
{
	PFN_xrGetVulkanGraphicsRequirements2KHR get_req;
	PFN_xrCreateVulkanInstanceKHR create_inst;
	PFN_xrGetVulkanGraphicsDevice2KHR get_dev;
	PFN_xrCreateVulkanDeviceKHR create_dev;
	*fail = SCRUB_XR_FAIL_NO_VULKAN;
	if (get_proc(xr, "xrGetVulkanGraphicsRequirements2KHR", (PFN_xrVoidFunction *)&get_req) ||
	    get_proc(xr, "xrCreateVulkanInstanceKHR", (PFN_xrVoidFunction *)&create_inst) ||
	    get_proc(xr, "xrGetVulkanGraphicsDevice2KHR", (PFN_xrVoidFunction *)&get_dev) ||
	    get_proc(xr, "xrCreateVulkanDeviceKHR", (PFN_xrVoidFunction *)&create_dev))
		return SCRUB_ERR_RUNTIME;
	XrGraphicsRequirementsVulkan2KHR req = {.type = XR_TYPE_GRAPHICS_REQUIREMENTS_VULKAN2_KHR};
	XR_TRY(get_req(xr->instance, xr->system, &req), "xrGetVulkanGraphicsRequirements2KHR");
	if (XR_VERSION_MAJOR(req.minApiVersionSupported) > 1 ||
	    (XR_VERSION_MAJOR(req.minApiVersionSupported) == 1 && XR_VERSION_MINOR(req.minApiVersionSupported) > 3)) {
		LOG_E("the runtime needs Vulkan %u.%u; Scrub uses 1.3", XR_VERSION_MAJOR(req.minApiVersionSupported),
		      XR_VERSION_MINOR(req.minApiVersionSupported));
		return SCRUB_ERR_RUNTIME;
	}

	/* the validation layer, when asked for and installed */
	bool validation = desc->validation;
	const char *env = getenv("SCRUB_VK_VALIDATION");
	if (env && strcmp(env, "1") == 0)
		validation = true;
	if (validation && !scrub_vk_layer_available(SCRUB_VK_VALIDATION_LAYER)) {
		LOG_W("%s is not installed; running without it", SCRUB_VK_VALIDATION_LAYER);
		validation = false;
	}
	scrub_vk_instance_info ii;
	scrub_vk_instance_info_init(&ii, validation, NULL, 0);
	XrVulkanInstanceCreateInfoKHR xici = {
		.type = XR_TYPE_VULKAN_INSTANCE_CREATE_INFO_KHR,
		.systemId = xr->system,
		.pfnGetInstanceProcAddr = vkGetInstanceProcAddr,
		.vulkanCreateInfo = &ii.ci,
	};
	VkResult vr = VK_SUCCESS;
	XR_TRY(create_inst(xr->instance, &xici, &xr->vk_instance, &vr), "xrCreateVulkanInstanceKHR");
	if (vr != VK_SUCCESS) {
		LOG_E("xrCreateVulkanInstanceKHR: vkCreateInstance returned %d", (int)vr);
		xr->vk_instance = VK_NULL_HANDLE;
		return SCRUB_ERR_RUNTIME;
	}
	XrVulkanGraphicsDeviceGetInfoKHR gi = {
		.type = XR_TYPE_VULKAN_GRAPHICS_DEVICE_GET_INFO_KHR,
		.systemId = xr->system,
		.vulkanInstance = xr->vk_instance,
	};
	XR_TRY(get_dev(xr->instance, &gi, &xr->phys), "xrGetVulkanGraphicsDevice2KHR");

	VkPhysicalDeviceProperties props;
	if (scrub_vk_device_score(xr->phys, &xr->qfamily, &props) < 0) {
		LOG_E("the headset's Vulkan device '%s' lacks Vulkan 1.3 with dynamic rendering, synchronization2, "
		      "multiview or a graphics queue",
		      props.deviceName);
		return SCRUB_ERR_RUNTIME;
	}
	scrub_vk_device_info di;
	scrub_vk_device_info_init(&di, xr->qfamily, NULL, 0);
	XrVulkanDeviceCreateInfoKHR xdci = {
		.type = XR_TYPE_VULKAN_DEVICE_CREATE_INFO_KHR,
		.systemId = xr->system,
		.pfnGetInstanceProcAddr = vkGetInstanceProcAddr,
		.vulkanPhysicalDevice = xr->phys,
		.vulkanCreateInfo = &di.ci,
	};
	XR_TRY(create_dev(xr->instance, &xdci, &xr->device, &vr), "xrCreateVulkanDeviceKHR");
	if (vr != VK_SUCCESS) {
		LOG_E("xrCreateVulkanDeviceKHR: vkCreateDevice returned %d", (int)vr);
		xr->device = VK_NULL_HANDLE;
		return SCRUB_ERR_RUNTIME;
	}
	LOG_I("Vulkan device '%s' (from the runtime)", props.deviceName);
	*fail = SCRUB_XR_FAIL_NONE;
	return SCRUB_OK;
}

static scrub_result create_swapchain(scrub_xr *xr, uint32_t w, uint32_t h, uint32_t layers, xr_swapchain *sc)
{
	uint32_t n = 0;
	XR_TRY(xrEnumerateSwapchainFormats(xr->session, 0, &n, NULL), "xrEnumerateSwapchainFormats");
	int64_t fmts[64];
	if (n > 64)
		n = 64;
	XR_TRY(xrEnumerateSwapchainFormats(xr->session, n, &n, fmts), "xrEnumerateSwapchainFormats");
	static const VkFormat want[] = {VK_FORMAT_R8G8B8A8_SRGB, VK_FORMAT_B8G8R8A8_SRGB, VK_FORMAT_R8G8B8A8_UNORM,
	                                VK_FORMAT_B8G8R8A8_UNORM};
	VkFormat fmt = VK_FORMAT_UNDEFINED;
	for (size_t k = 0; k < sizeof want / sizeof want[0] && fmt == VK_FORMAT_UNDEFINED; k++)
		for (uint32_t i = 0; i < n; i++)
			if (fmts[i] == want[k]) {
				fmt = want[k];
				break;
			}
	if (fmt == VK_FORMAT_UNDEFINED) {
		LOG_E("the runtime offers no 8-bit RGBA colour swapchain format");
		return SCRUB_ERR_RUNTIME;
	}
	XrSwapchainCreateInfo ci = {
		.type = XR_TYPE_SWAPCHAIN_CREATE_INFO,
		.usageFlags = XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT | XR_SWAPCHAIN_USAGE_SAMPLED_BIT |
		              XR_SWAPCHAIN_USAGE_TRANSFER_DST_BIT,
		.format = fmt,
		.sampleCount = 1,
		.width = w,
		.height = h,
		.faceCount = 1,
		.arraySize = layers,
		.mipCount = 1,
	};
	XR_TRY(xrCreateSwapchain(xr->session, &ci, &sc->handle), "xrCreateSwapchain");
	sc->width = w, sc->height = h, sc->layers = layers, sc->format = fmt;
	XrSwapchainImageVulkanKHR imgs[XR_MAX_IMAGES];
	for (int i = 0; i < XR_MAX_IMAGES; i++)
		imgs[i] = (XrSwapchainImageVulkanKHR){.type = XR_TYPE_SWAPCHAIN_IMAGE_VULKAN_KHR};
	XR_TRY(xrEnumerateSwapchainImages(sc->handle, 0, &sc->count, NULL), "xrEnumerateSwapchainImages");
	if (sc->count > XR_MAX_IMAGES) {
		LOG_E("the runtime's swapchain has %u images; at most %d are supported", sc->count, XR_MAX_IMAGES);
		return SCRUB_ERR_RUNTIME;
	}
	XR_TRY(xrEnumerateSwapchainImages(sc->handle, sc->count, &sc->count, (XrSwapchainImageBaseHeader *)imgs),
	       "xrEnumerateSwapchainImages");
	for (uint32_t i = 0; i < sc->count; i++) {
		sc->images[i] = imgs[i].image;
		VkImageViewCreateInfo vi = {
			.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
			.image = imgs[i].image,
			.viewType = layers > 1 ? VK_IMAGE_VIEW_TYPE_2D_ARRAY : VK_IMAGE_VIEW_TYPE_2D,
			.format = fmt,
			.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, layers},
		};
		if (vkCreateImageView(xr->device, &vi, NULL, &sc->views[i]) != VK_SUCCESS) {
			LOG_E("vkCreateImageView failed for a swapchain image");
			return SCRUB_ERR_RUNTIME;
		}
	}
	return SCRUB_OK;
}

/* The eyes' depth swapchain, in the renderer's depth format when the runtime offers it; the renderer copies each
 * frame's depth into it (scrub_render_vk_target.depth_image). Without it the frame goes without depth. */
static void create_depth_swapchain(scrub_xr *xr)
{
	VkFormat fmt = scrub_renderer_vk_depth_format(xr->eyes);
	if (!xr->ext_depth || scrub_renderer_vk_samples(xr->eyes) != 1) {
		LOG_I("no depth layer: %s", xr->ext_depth ? "the eye renderer uses MSAA" : "the runtime does not offer XR_KHR_composition_layer_depth");
		return;
	}
	uint32_t n = 0;
	int64_t fmts[64];
	if (XR_FAILED(xrEnumerateSwapchainFormats(xr->session, 0, &n, NULL)))
		return;
	n = n > 64 ? 64 : n;
	if (XR_FAILED(xrEnumerateSwapchainFormats(xr->session, n, &n, fmts)))
		return;
	bool offered = false;
	for (uint32_t i = 0; i < n; i++)
		offered = offered || fmts[i] == fmt;
	if (!offered) {
		LOG_I("no depth layer: the runtime has no swapchain in the renderer's depth format %d", (int)fmt);
		return;
	}
	xr_swapchain *sc = &xr->depth_sc;
	XrSwapchainCreateInfo ci = {
		.type = XR_TYPE_SWAPCHAIN_CREATE_INFO,
		.usageFlags = XR_SWAPCHAIN_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | XR_SWAPCHAIN_USAGE_TRANSFER_DST_BIT,
		.format = fmt,
		.sampleCount = 1,
		.width = xr->eye_sc.width,
		.height = xr->eye_sc.height,
		.faceCount = 1,
		.arraySize = xr->eye_sc.layers,
		.mipCount = 1,
	};
	XrSwapchainImageVulkanKHR imgs[XR_MAX_IMAGES];
	for (int i = 0; i < XR_MAX_IMAGES; i++)
		imgs[i] = (XrSwapchainImageVulkanKHR){.type = XR_TYPE_SWAPCHAIN_IMAGE_VULKAN_KHR};
	if (XR_FAILED(xrCreateSwapchain(xr->session, &ci, &sc->handle)) ||
	    XR_FAILED(xrEnumerateSwapchainImages(sc->handle, 0, &sc->count, NULL)) || sc->count > XR_MAX_IMAGES ||
	    XR_FAILED(xrEnumerateSwapchainImages(sc->handle, sc->count, &sc->count, (XrSwapchainImageBaseHeader *)imgs))) {
		LOG_W("no depth layer: the depth swapchain could not be created");
		if (sc->handle)
			xrDestroySwapchain(sc->handle);
		memset(sc, 0, sizeof *sc);
		return;
	}
	sc->width = ci.width, sc->height = ci.height, sc->layers = ci.arraySize, sc->format = fmt;
	for (uint32_t i = 0; i < sc->count; i++)
		sc->images[i] = imgs[i].image;
	xr->stats.depth_layer = true;
	LOG_I("depth layer: %ux%u, format %d", sc->width, sc->height, (int)fmt);
}

static void destroy_swapchain(scrub_xr *xr, xr_swapchain *sc)
{
	for (uint32_t i = 0; i < sc->count; i++)
		if (sc->views[i])
			vkDestroyImageView(xr->device, sc->views[i], NULL);
	if (sc->handle)
		xrDestroySwapchain(sc->handle);
	memset(sc, 0, sizeof *sc);
}

static scrub_result create_session(scrub_xr *xr, const scrub_xr_desc *desc)
{
	XrGraphicsBindingVulkan2KHR binding = {
		.type = XR_TYPE_GRAPHICS_BINDING_VULKAN2_KHR,
		.instance = xr->vk_instance,
		.physicalDevice = xr->phys,
		.device = xr->device,
		.queueFamilyIndex = xr->qfamily,
		.queueIndex = 0,
	};
	XrSessionCreateInfo ci = {.type = XR_TYPE_SESSION_CREATE_INFO, .next = &binding, .systemId = xr->system};
	XR_TRY(xrCreateSession(xr->instance, &ci, &xr->session), "xrCreateSession");

	/* STAGE when the runtime has one, else LOCAL */
	uint32_t n = 0;
	XrReferenceSpaceType types[16];
	XR_TRY(xrEnumerateReferenceSpaces(xr->session, 16, &n, types), "xrEnumerateReferenceSpaces");
	xr->stage = false;
	for (uint32_t i = 0; i < n; i++)
		xr->stage = xr->stage || types[i] == XR_REFERENCE_SPACE_TYPE_STAGE;
	XrReferenceSpaceCreateInfo rs = {
		.type = XR_TYPE_REFERENCE_SPACE_CREATE_INFO,
		.referenceSpaceType = xr->stage ? XR_REFERENCE_SPACE_TYPE_STAGE : XR_REFERENCE_SPACE_TYPE_LOCAL,
		.poseInReferenceSpace = {.orientation = {0, 0, 0, 1}},
	};
	XR_TRY(xrCreateReferenceSpace(xr->session, &rs, &xr->space), "xrCreateReferenceSpace");
	if (!xr->stage) {
		/* LOCAL has its origin at the head: the floor is about 1.6 m below */
		xr->rc_origin[1] = -1.6f;
		LOG_I("no STAGE reference space; using LOCAL with the floor 1.6 m below the start position");
	}
	rs.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_VIEW;
	XR_TRY(xrCreateReferenceSpace(xr->session, &rs, &xr->view_space), "xrCreateReferenceSpace(VIEW)");

	/* views and swapchains */
	XrViewConfigurationView vcv[2] = {{.type = XR_TYPE_VIEW_CONFIGURATION_VIEW},
	                                  {.type = XR_TYPE_VIEW_CONFIGURATION_VIEW}};
	XR_TRY(xrEnumerateViewConfigurationViews(xr->instance, xr->system, xr->view_config, xr->nviews, &n, vcv),
	       "xrEnumerateViewConfigurationViews");
	if (n != xr->nviews) {
		LOG_E("the %s view configuration has %u views", xr->nviews == 2 ? "stereo" : "mono", n);
		return SCRUB_ERR_RUNTIME;
	}
	float scale = desc->eye_scale > 0 ? desc->eye_scale : 1.f;
	uint32_t w = (uint32_t)lrintf((float)vcv[0].recommendedImageRectWidth * scale);
	uint32_t h = (uint32_t)lrintf((float)vcv[0].recommendedImageRectHeight * scale);
	w = w < 16 ? 16 : w > vcv[0].maxImageRectWidth ? vcv[0].maxImageRectWidth : w;
	h = h < 16 ? 16 : h > vcv[0].maxImageRectHeight ? vcv[0].maxImageRectHeight : h;
	scrub_result r = create_swapchain(xr, w, h, xr->nviews, &xr->eye_sc);
	if (r == SCRUB_OK)
		r = create_swapchain(xr, desc->panel_width ? desc->panel_width : 1024,
		                     desc->panel_height ? desc->panel_height : 640, 1, &xr->panel_sc);
	if (r != SCRUB_OK)
		return r;
	LOG_I("eye images %ux%u (%u layer%s), reference space %s", w, h, xr->nviews, xr->nviews > 1 ? "s" : "",
	      xr->stage ? "STAGE" : "LOCAL");
	return SCRUB_OK;
}

scrub_result scrub_xr_create(const scrub_xr_desc *desc, scrub_xr **out_xr, scrub_xr_failure *out_failure)
{
	static const scrub_xr_desc defaults = {0};
	scrub_xr_failure dummy;
	if (!out_failure)
		out_failure = &dummy;
	*out_failure = SCRUB_XR_FAIL_OTHER;
	*out_xr = NULL;
	if (!desc)
		desc = &defaults;
	scrub_xr *xr = calloc(1, sizeof *xr);
	if (!xr)
		return SCRUB_ERR_NOMEM;
	scrub_xr_failure fail = SCRUB_XR_FAIL_OTHER;
	scrub_result r = create_instance(xr, desc, &fail);
	if (r == SCRUB_OK)
		r = create_vulkan(xr, desc, &fail);
	if (r == SCRUB_OK) {
		fail = SCRUB_XR_FAIL_OTHER;
		r = xr_input_init(xr);
	}
	if (r == SCRUB_OK)
		r = create_session(xr, desc);
	if (r == SCRUB_OK)
		r = xr_input_attach(xr);
	if (r == SCRUB_OK) {
		scrub_render_vk_external ext = {
			.instance = xr->vk_instance,
			.physical_device = xr->phys,
			.device = xr->device,
			.queue_family = xr->qfamily,
		};
		scrub_render_desc rd = {.samples = 0};
		r = scrub_renderer_create_vk(&rd, &ext, &xr->eyes);
		if (r == SCRUB_OK) {
			rd.samples = 1;
			r = scrub_renderer_create_vk(&rd, &ext, &xr->panel_renderer);
		}
		if (r == SCRUB_OK)
			create_depth_swapchain(xr);
	}
	if (r != SCRUB_OK) {
		*out_failure = fail;
		scrub_xr_destroy(&xr);
		return r;
	}
	xr->stats.hand_tracking = xr->in.hand_tracking;
	*out_failure = SCRUB_XR_FAIL_NONE;
	*out_xr = xr;
	return SCRUB_OK;
}

/* Keeps the Vulkan driver and layers loaded after vkDestroyInstance: lavapipe keeps memory in a global that
 * would otherwise be unmapped (and reported as leaked under LeakSanitizer). The process is about to end. */
static int pin_vulkan_module(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	(void)data;
	if (info->dlpi_name && (strstr(info->dlpi_name, "libvulkan_") || strstr(info->dlpi_name, "libVkLayer_")))
		(void)dlopen(info->dlpi_name, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
	return 0;
}

void scrub_xr_destroy(scrub_xr **pxr)
{
	if (!pxr || !*pxr)
		return;
	scrub_xr *xr = *pxr;
	dl_iterate_phdr(pin_vulkan_module, NULL);
	if (xr->device)
		vkDeviceWaitIdle(xr->device);
	scrub_renderer_destroy(&xr->eyes);
	scrub_renderer_destroy(&xr->panel_renderer);
	if (xr->session && xr->running && !xr->lost)
		xrEndSession(xr->session);
	destroy_swapchain(xr, &xr->depth_sc);
	destroy_swapchain(xr, &xr->eye_sc);
	destroy_swapchain(xr, &xr->panel_sc);
	xr_input_fini(xr);
	if (xr->view_space)
		xrDestroySpace(xr->view_space);
	if (xr->space)
		xrDestroySpace(xr->space);
	if (xr->session)
		xrDestroySession(xr->session);
	if (xr->device)
		vkDestroyDevice(xr->device, NULL);
	if (xr->vk_instance)
		vkDestroyInstance(xr->vk_instance, NULL);
	if (xr->instance)
		xrDestroyInstance(xr->instance);
	free(xr);
	*pxr = NULL;
}

const char *scrub_xr_runtime_name(const scrub_xr *xr) { return xr->runtime_name; }
const char *scrub_xr_system_name(const scrub_xr *xr) { return xr->system_name; }
const char *scrub_xr_reference_space(const scrub_xr *xr) { return xr->stage ? "STAGE" : "LOCAL"; }
uint32_t scrub_xr_view_count(const scrub_xr *xr) { return xr->nviews; }
bool scrub_xr_see_through(const scrub_xr *xr) { return xr->blend != XR_ENVIRONMENT_BLEND_MODE_OPAQUE; }
const char *scrub_xr_blend_mode(const scrub_xr *xr) { return blend_name(xr->blend); }
uint32_t scrub_xr_eye_width(const scrub_xr *xr) { return xr->eye_sc.width; }
uint32_t scrub_xr_eye_height(const scrub_xr *xr) { return xr->eye_sc.height; }

void scrub_xr_get_stats(const scrub_xr *xr, scrub_xr_stats *out_stats)
{
	*out_stats = xr->stats;
	out_stats->session_state = (uint32_t)xr->state;
	out_stats->view_count = xr->nviews;
	out_stats->see_through = xr->blend != XR_ENVIRONMENT_BLEND_MODE_OPAQUE;
}

static const char *state_name(XrSessionState s)
{
	switch (s) {
	case XR_SESSION_STATE_IDLE: return "IDLE";
	case XR_SESSION_STATE_READY: return "READY";
	case XR_SESSION_STATE_SYNCHRONIZED: return "SYNCHRONIZED";
	case XR_SESSION_STATE_VISIBLE: return "VISIBLE";
	case XR_SESSION_STATE_FOCUSED: return "FOCUSED";
	case XR_SESSION_STATE_STOPPING: return "STOPPING";
	case XR_SESSION_STATE_LOSS_PENDING: return "LOSS_PENDING";
	case XR_SESSION_STATE_EXITING: return "EXITING";
	default: return "UNKNOWN";
	}
}

static void fill_state(const scrub_xr *xr, scrub_xr_state *st)
{
	st->running = xr->running && !xr->lost;
	st->focused = xr->state == XR_SESSION_STATE_FOCUSED;
	st->exit = xr->exit;
	st->lost = xr->lost;
	st->stopped_by_runtime = xr->stopped_by_runtime;
}

static scrub_result on_state(scrub_xr *xr, XrSessionState s)
{
	LOG_I("session state %s -> %s", state_name(xr->state), state_name(s));
	xr->state = s;
	switch (s) {
	case XR_SESSION_STATE_READY: {
		XrSessionBeginInfo bi = {.type = XR_TYPE_SESSION_BEGIN_INFO, .primaryViewConfigurationType = xr->view_config};
		XR_TRY(xrBeginSession(xr->session, &bi), "xrBeginSession");
		xr->running = true;
		break;
	}
	case XR_SESSION_STATE_STOPPING:
		if (!xr->exit_requested)
			xr->stopped_by_runtime = true;
		xr->running = false;
		XR_TRY(xrEndSession(xr->session), "xrEndSession");
		break;
	case XR_SESSION_STATE_EXITING:
		xr->exit = true;
		break;
	case XR_SESSION_STATE_LOSS_PENDING:
		LOG_W("the OpenXR runtime is being lost (LOSS_PENDING)");
		xr->lost = true;
		xr->exit = true;
		xr->running = false;
		break;
	default:
		break;
	}
	return SCRUB_OK;
}

scrub_result scrub_xr_poll(scrub_xr *xr, scrub_xr_state *out_state)
{
	scrub_result res = SCRUB_OK;
	for (;;) {
		XrEventDataBuffer ev = {.type = XR_TYPE_EVENT_DATA_BUFFER};
		XrResult r = xrPollEvent(xr->instance, &ev);
		if (r == XR_EVENT_UNAVAILABLE)
			break;
		if (XR_FAILED(r)) {
			res = xr_check(xr, r, "xrPollEvent");
			break;
		}
		switch (ev.type) {
		case XR_TYPE_EVENT_DATA_INSTANCE_LOSS_PENDING:
			LOG_W("the OpenXR instance is being lost");
			xr->lost = true;
			xr->exit = true;
			xr->running = false;
			break;
		case XR_TYPE_EVENT_DATA_EVENTS_LOST:
			LOG_W("the runtime dropped %u events", ((XrEventDataEventsLost *)&ev)->lostEventCount);
			break;
		case XR_TYPE_EVENT_DATA_SESSION_STATE_CHANGED: {
			const XrEventDataSessionStateChanged *sc = (const XrEventDataSessionStateChanged *)&ev;
			if (sc->session == xr->session && on_state(xr, sc->state) != SCRUB_OK)
				res = SCRUB_ERR_RUNTIME;
			break;
		}
		case XR_TYPE_EVENT_DATA_INTERACTION_PROFILE_CHANGED:
			xr_input_profile_changed(xr);
			break;
		case XR_TYPE_EVENT_DATA_REFERENCE_SPACE_CHANGE_PENDING:
			LOG_I("the runtime moves a reference space (its own recentring)");
			break;
		default:
			break;
		}
	}
	fill_state(xr, out_state);
	return xr->lost ? SCRUB_ERR_RUNTIME : res;
}

void scrub_xr_request_exit(scrub_xr *xr)
{
	if (xr->exit_requested || !xr->session || xr->lost)
		return;
	xr->exit_requested = true;
	if (xr->running)
		xr_check(xr, xrRequestExitSession(xr->session), "xrRequestExitSession");
	else
		xr->exit = true;
}

void scrub_xr_recentre(scrub_xr *xr)
{
	xr->recentre_pending = true;
}

static void apply_recentre(scrub_xr *xr)
{
	XrSpaceLocation loc = {.type = XR_TYPE_SPACE_LOCATION};
	if (XR_FAILED(xrLocateSpace(xr->view_space, xr->space, xr->fs.predictedDisplayTime, &loc)) ||
	    !(loc.locationFlags & XR_SPACE_LOCATION_POSITION_VALID_BIT) ||
	    !(loc.locationFlags & XR_SPACE_LOCATION_ORIENTATION_VALID_BIT))
		return; /* try again next frame */
	float q[4] = {loc.pose.orientation.x, loc.pose.orientation.y, loc.pose.orientation.z, loc.pose.orientation.w};
	xr->rc_yaw = xr_quat_yaw_of(q);
	/* keep the floor where it is: move only horizontally */
	xr->rc_origin[0] = loc.pose.position.x;
	xr->rc_origin[2] = loc.pose.position.z;
	xr->recentre_pending = false;
	LOG_I("recentred: origin (%.2f, %.2f), heading %.1f deg", xr->rc_origin[0], xr->rc_origin[2],
	      xr->rc_yaw * 57.29578f);
}

scrub_result scrub_xr_frame_begin(scrub_xr *xr, scrub_xr_frame *out)
{
	memset(out, 0, sizeof *out);
	if (xr->lost)
		return SCRUB_ERR_RUNTIME;
	xr->fs = (XrFrameState){.type = XR_TYPE_FRAME_STATE};
	XR_TRY(xrWaitFrame(xr->session, NULL, &xr->fs), "xrWaitFrame");
	XrFrameBeginInfo bi = {.type = XR_TYPE_FRAME_BEGIN_INFO};
	XrResult r = xrBeginFrame(xr->session, &bi);
	if (r != XR_FRAME_DISCARDED)
		XR_TRY(r, "xrBeginFrame");
	xr->frame_begun = true;
	xr->stats.frames++;
	out->time_ns = xr->fs.predictedDisplayTime;
	out->period_ns = xr->fs.predictedDisplayPeriod;
	out->should_render = xr->fs.shouldRender;
	if (xr->recentre_pending)
		apply_recentre(xr);

	/* the eyes */
	XrViewLocateInfo li = {
		.type = XR_TYPE_VIEW_LOCATE_INFO,
		.viewConfigurationType = xr->view_config,
		.displayTime = xr->fs.predictedDisplayTime,
		.space = xr->space,
	};
	XrViewState vs = {.type = XR_TYPE_VIEW_STATE};
	uint32_t nv = 0;
	xr->views[0] = xr->views[1] = (XrView){.type = XR_TYPE_VIEW};
	XR_TRY(xrLocateViews(xr->session, &li, &vs, xr->nviews, &nv, xr->views), "xrLocateViews");
	xr->views_valid = nv == xr->nviews && (vs.viewStateFlags & XR_VIEW_STATE_ORIENTATION_VALID_BIT) &&
	                  (vs.viewStateFlags & XR_VIEW_STATE_POSITION_VALID_BIT);
	if (xr->views_valid) {
		out->camera.view_count = xr->nviews;
		for (uint32_t e = 0; e < xr->nviews; e++) {
			scrub_xr_pose eye;
			xr_pose_to_scene(xr, &xr->views[e].pose, &eye);
			scrub_render_view *v = &out->camera.views[e];
			xr_view_matrix(&eye, v->view);
			xr_projection(&xr->views[e].fov, ZNEAR, ZFAR, v->proj);
			memcpy(v->eye_pos, eye.pos, sizeof v->eye_pos);
		}
	}
	XrSpaceLocation head = {.type = XR_TYPE_SPACE_LOCATION};
	if (XR_SUCCEEDED(xrLocateSpace(xr->view_space, xr->space, xr->fs.predictedDisplayTime, &head)))
		xr_pose_to_scene(xr, &head.pose, &out->head);
	else
		out->head.rot[3] = 1.f;

	/* the hands (actions are active only while focused) */
	scrub_result res = SCRUB_OK;
	if (xr->state == XR_SESSION_STATE_FOCUSED)
		res = xr_input_sync(xr, out);
	snprintf(out->profile, sizeof out->profile, "%s", xr->profile);
	xr->last = *out;
	return res;
}

static scrub_result render_into(scrub_xr *xr, scrub_renderer *rd, xr_swapchain *sc, xr_swapchain *depth,
                                const scrub_render_snapshot *s)
{
	uint32_t idx = 0, didx = 0;
	XrSwapchainImageAcquireInfo ai = {.type = XR_TYPE_SWAPCHAIN_IMAGE_ACQUIRE_INFO};
	XR_TRY(xrAcquireSwapchainImage(sc->handle, &ai, &idx), "xrAcquireSwapchainImage");
	XrSwapchainImageWaitInfo wi = {.type = XR_TYPE_SWAPCHAIN_IMAGE_WAIT_INFO, .timeout = XR_INFINITE_DURATION};
	XR_TRY(xrWaitSwapchainImage(sc->handle, &wi), "xrWaitSwapchainImage");
	if (depth && depth->handle) {
		XR_TRY(xrAcquireSwapchainImage(depth->handle, &ai, &didx), "xrAcquireSwapchainImage (depth)");
		XR_TRY(xrWaitSwapchainImage(depth->handle, &wi), "xrWaitSwapchainImage (depth)");
	}
	scrub_render_vk_target t = {
		.image = sc->images[idx],
		.view = sc->views[idx],
		.format = sc->format,
		.width = sc->width,
		.height = sc->height,
		.layers = sc->layers,
		.old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
		.final_layout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
		.depth_image = depth && depth->handle ? depth->images[didx] : VK_NULL_HANDLE,
		.depth_final_layout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL,
	};
	scrub_result r = scrub_renderer_vk_draw(rd, &t, s, NULL);
	/* released even when drawing failed: the runtime must get its images back */
	XrSwapchainImageReleaseInfo ri = {.type = XR_TYPE_SWAPCHAIN_IMAGE_RELEASE_INFO};
	XR_TRY(xrReleaseSwapchainImage(sc->handle, &ri), "xrReleaseSwapchainImage");
	if (depth && depth->handle)
		XR_TRY(xrReleaseSwapchainImage(depth->handle, &ri), "xrReleaseSwapchainImage (depth)");
	if (r != SCRUB_OK)
		LOG_E("drawing into the swapchain failed: %s", scrub_result_str(r));
	return r;
}

static void panel_layer(scrub_xr *xr, const scrub_xr_panel *p, XrCompositionLayerQuad *q)
{
	const xr_swapchain *sc = &xr->panel_sc;
	int32_t x = (int32_t)lrintf(p->rect[0] * (float)sc->width), y = (int32_t)lrintf(p->rect[1] * (float)sc->height);
	int32_t w = (int32_t)lrintf(p->rect[2] * (float)sc->width), h = (int32_t)lrintf(p->rect[3] * (float)sc->height);
	x = x < 0 ? 0 : x;
	y = y < 0 ? 0 : y;
	w = w < 1 ? 1 : (x + w > (int32_t)sc->width ? (int32_t)sc->width - x : w);
	h = h < 1 ? 1 : (y + h > (int32_t)sc->height ? (int32_t)sc->height - y : h);
	*q = (XrCompositionLayerQuad){
		.type = XR_TYPE_COMPOSITION_LAYER_QUAD,
		.eyeVisibility = XR_EYE_VISIBILITY_BOTH,
		.subImage = {.swapchain = sc->handle, .imageRect = {{x, y}, {w, h}}, .imageArrayIndex = 0},
		.size = {p->width_m, p->width_m * (float)h / (float)w},
	};
	XrPosef pose = {.orientation = {p->pose.rot[0], p->pose.rot[1], p->pose.rot[2], p->pose.rot[3]},
	                .position = {p->pose.pos[0], p->pose.pos[1], p->pose.pos[2]}};
	switch (p->anchor) {
	case SCRUB_XR_ANCHOR_LEFT_HAND:
	case SCRUB_XR_ANCHOR_RIGHT_HAND:
		q->space = xr->in.grip_space[p->anchor == SCRUB_XR_ANCHOR_LEFT_HAND ? SCRUB_XR_LEFT : SCRUB_XR_RIGHT];
		q->pose = pose;
		break;
	case SCRUB_XR_ANCHOR_HEAD: {
		/* placed once per frame relative to the head's heading, then fixed in the scene for that frame */
		const scrub_xr_pose *hd = &xr->last.head;
		float yq[4], off[3], scene_pose_rot[4];
		xr_quat_yaw(xr_quat_yaw_of(hd->rot), yq);
		xr_quat_rotate(yq, p->pose.pos, off);
		xr_quat_mul(yq, p->pose.rot, scene_pose_rot);
		scrub_xr_pose sp = {{hd->pos[0] + off[0], hd->pos[1] + off[1], hd->pos[2] + off[2]},
		                    {scene_pose_rot[0], scene_pose_rot[1], scene_pose_rot[2], scene_pose_rot[3]}};
		q->space = xr->space;
		xr_pose_from_scene(xr, &sp, &q->pose);
		break;
	}
	default:
		q->space = xr->space;
		xr_pose_from_scene(xr, &p->pose, &q->pose);
		break;
	}
}

scrub_result scrub_xr_frame_end(scrub_xr *xr, const scrub_render_snapshot *scene, scrub_render_snapshot *panel,
                                const scrub_xr_panel *panels, uint32_t panel_count)
{
	if (!xr->frame_begun)
		return SCRUB_ERR_USAGE;
	xr->frame_begun = false;
	if (xr->lost)
		return SCRUB_ERR_RUNTIME;
	XrCompositionLayerProjectionView pv[2];
	XrCompositionLayerDepthInfoKHR di[2];
	XrCompositionLayerProjection proj = {.type = XR_TYPE_COMPOSITION_LAYER_PROJECTION};
	XrCompositionLayerQuad quads[SCRUB_XR_MAX_PANELS];
	const XrCompositionLayerBaseHeader *layers[1 + SCRUB_XR_MAX_PANELS];
	uint32_t nlayers = 0;
	scrub_result res = SCRUB_OK;
	if (xr->fs.shouldRender && xr->views_valid && scene) {
		res = render_into(xr, xr->eyes, &xr->eye_sc, &xr->depth_sc, scene);
		if (res == SCRUB_OK) {
			for (uint32_t e = 0; e < xr->nviews; e++)
				pv[e] = (XrCompositionLayerProjectionView){
					.type = XR_TYPE_COMPOSITION_LAYER_PROJECTION_VIEW,
					.pose = xr->views[e].pose,
					.fov = xr->views[e].fov,
					.subImage = {.swapchain = xr->eye_sc.handle,
					             .imageRect = {{0, 0}, {(int32_t)xr->eye_sc.width, (int32_t)xr->eye_sc.height}},
					             .imageArrayIndex = e},
				};
			/* the depth the renderer wrote (0 near .. 1 far, as xr_projection maps ZNEAR..ZFAR) */
			for (uint32_t e = 0; e < xr->nviews && xr->depth_sc.handle; e++) {
				di[e] = (XrCompositionLayerDepthInfoKHR){
					.type = XR_TYPE_COMPOSITION_LAYER_DEPTH_INFO_KHR,
					.subImage = {.swapchain = xr->depth_sc.handle,
					             .imageRect = {{0, 0}, {(int32_t)xr->depth_sc.width, (int32_t)xr->depth_sc.height}},
					             .imageArrayIndex = e},
					.minDepth = 0.f,
					.maxDepth = 1.f,
					.nearZ = ZNEAR,
					.farZ = ZFAR,
				};
				pv[e].next = &di[e];
			}
			proj.space = xr->space;
			proj.viewCount = xr->nviews;
			proj.views = pv;
			/* see-through: alpha blend takes the eyes' alpha (0 where nothing was drawn); additive adds light */
			if (xr->blend == XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND)
				proj.layerFlags = XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT;
			layers[nlayers++] = (const XrCompositionLayerBaseHeader *)&proj;
		}
		if (res == SCRUB_OK && panel && panel_count) {
			panel->camera = (scrub_render_camera){.view_count = 1};
			scrub_render_identity(panel->camera.views[0].view);
			scrub_render_identity(panel->camera.views[0].proj);
			res = render_into(xr, xr->panel_renderer, &xr->panel_sc, NULL, panel);
			if (panel_count > SCRUB_XR_MAX_PANELS)
				panel_count = SCRUB_XR_MAX_PANELS;
			for (uint32_t i = 0; res == SCRUB_OK && i < panel_count; i++) {
				panel_layer(xr, &panels[i], &quads[i]);
				layers[nlayers++] = (const XrCompositionLayerBaseHeader *)&quads[i];
			}
		}
		if (res == SCRUB_OK)
			xr->stats.rendered++;
	}
	/* always end the frame, even when nothing was drawn */
	XrFrameEndInfo ei = {
		.type = XR_TYPE_FRAME_END_INFO,
		.displayTime = xr->fs.predictedDisplayTime,
		.environmentBlendMode = xr->blend,
		.layerCount = nlayers,
		.layers = layers,
	};
	scrub_result re = xr_check(xr, xrEndFrame(xr->session, &ei), "xrEndFrame");
	return res != SCRUB_OK ? res : re;
}
