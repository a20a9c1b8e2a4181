/* Drives the simulated runtime through Debian's OpenXR loader, as an application would:
 * instance, system, session with XR_KHR_vulkan_enable2 on whatever Vulkan device is present
 * (lavapipe here), swapchains, the frame loop, actions and poses that follow the script,
 * haptics, captures, and a clean shutdown.
 *
 *   test_simxr_api DATA_DIR            full run (data/api.simxr)
 *   test_simxr_api DATA_DIR --paced    xrWaitFrame keeps the script's 100 Hz
 *   test_simxr_api DATA_DIR --lose     the script loses the runtime: LOSS_PENDING, SESSION_LOST
 *   test_simxr_api DATA_DIR --bad      a script with an error: xrCreateInstance fails
 */
#define _GNU_SOURCE
#include <vulkan/vulkan.h>
#define XR_USE_GRAPHICS_API_VULKAN
#include <openxr/openxr.h>
#include <openxr/openxr_platform.h>

#include "check.h"

#include <dlfcn.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

#define XR_OK(call)                                                                          \
	do {                                                                                 \
		XrResult r_ = (call);                                                        \
		check_count++;                                                               \
		if (XR_FAILED(r_)) {                                                         \
			check_failures++;                                                    \
			fprintf(stderr, "%s:%d: %s failed: %d\n", __FILE__, __LINE__, #call, (int)r_); \
		}                                                                            \
	} while (0)

#define XR_IS(call, want) CHECK((call) == (want))

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct app {
	XrInstance instance;
	XrSystemId system;
	XrSession session;
	XrSpace stage, local, view, right_grip, left_aim;
	XrActionSet set;
	XrAction grab, select, move, pose, aim, haptic;
	XrPath left, right;
	VkInstance vki;
	VkPhysicalDevice phys;
	VkDevice dev;
	uint32_t qfam;
	VkQueue queue;
	VkCommandPool pool;
	VkCommandBuffer cmd;
	VkFence fence;
	XrSwapchain color[2], depth[2];
	VkImage images[2][8];
	uint32_t nimages[2];
	int64_t color_format;
	uint32_t w, h;
	XrSessionState state;
	bool running, exiting, lost_event, loss_state;
	int profile_events;
} app;

#define PFN(name) PFN_##name name = NULL; XR_OK(xrGetInstanceProcAddr(a->instance, #name, (PFN_xrVoidFunction *)&name))

static void create_instance(app *a)
{
	uint32_t n = 0;
	XR_OK(xrEnumerateInstanceExtensionProperties(NULL, 0, &n, NULL));
	XrExtensionProperties props[16];
	for (uint32_t i = 0; i < 16; i++)
		props[i] = (XrExtensionProperties){.type = XR_TYPE_EXTENSION_PROPERTIES};
	CHECK(n >= 3 && n <= 16);
	XR_OK(xrEnumerateInstanceExtensionProperties(NULL, n, &n, props));
	bool vk2 = false, depth = false;
	for (uint32_t i = 0; i < n; i++) {
		vk2 |= !strcmp(props[i].extensionName, XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME);
		depth |= !strcmp(props[i].extensionName, XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME);
	}
	CHECK(vk2 && depth);
	const char *exts[] = {XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME, XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME};
	XrInstanceCreateInfo ci = {.type = XR_TYPE_INSTANCE_CREATE_INFO, .enabledExtensionCount = 2,
	                           .enabledExtensionNames = exts};
	snprintf(ci.applicationInfo.applicationName, sizeof ci.applicationInfo.applicationName, "test_simxr_api");
	ci.applicationInfo.apiVersion = XR_CURRENT_API_VERSION;
	XR_OK(xrCreateInstance(&ci, &a->instance));
	XrInstanceProperties ip = {.type = XR_TYPE_INSTANCE_PROPERTIES};
	XR_OK(xrGetInstanceProperties(a->instance, &ip));
	CHECK(strstr(ip.runtimeName, "simxr") != NULL);
	XrSystemGetInfo gi = {.type = XR_TYPE_SYSTEM_GET_INFO, .formFactor = XR_FORM_FACTOR_HEAD_MOUNTED_DISPLAY};
	XR_OK(xrGetSystem(a->instance, &gi, &a->system));
	XR_OK(xrStringToPath(a->instance, "/user/hand/left", &a->left));
	XR_OK(xrStringToPath(a->instance, "/user/hand/right", &a->right));
}

static void create_vulkan(app *a)
{
	PFN(xrGetVulkanGraphicsRequirements2KHR);
	PFN(xrCreateVulkanInstanceKHR);
	PFN(xrGetVulkanGraphicsDevice2KHR);
	PFN(xrCreateVulkanDeviceKHR);
	if (!xrCreateVulkanDeviceKHR || !xrGetVulkanGraphicsRequirements2KHR || !xrCreateVulkanInstanceKHR ||
	    !xrGetVulkanGraphicsDevice2KHR)
		return;
	XrGraphicsRequirementsVulkan2KHR req = {.type = XR_TYPE_GRAPHICS_REQUIREMENTS_VULKAN2_KHR};
	XR_OK(xrGetVulkanGraphicsRequirements2KHR(a->instance, a->system, &req));
	CHECK(XR_VERSION_MAJOR(req.minApiVersionSupported) == 1);
	VkApplicationInfo ai = {.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO, .pApplicationName = "test_simxr_api",
	                        .apiVersion = VK_API_VERSION_1_0};
	VkInstanceCreateInfo ici = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, .pApplicationInfo = &ai};
	XrVulkanInstanceCreateInfoKHR xi = {.type = XR_TYPE_VULKAN_INSTANCE_CREATE_INFO_KHR, .systemId = a->system,
	                                    .pfnGetInstanceProcAddr = vkGetInstanceProcAddr,
	                                    .vulkanCreateInfo = &ici};
	VkResult vr = VK_ERROR_UNKNOWN;
	XR_OK(xrCreateVulkanInstanceKHR(a->instance, &xi, &a->vki, &vr));
	CHECK(vr == VK_SUCCESS);
	XrVulkanGraphicsDeviceGetInfoKHR dgi = {.type = XR_TYPE_VULKAN_GRAPHICS_DEVICE_GET_INFO_KHR,
	                                        .systemId = a->system, .vulkanInstance = a->vki};
	XR_OK(xrGetVulkanGraphicsDevice2KHR(a->instance, &dgi, &a->phys));
	CHECK(a->phys != VK_NULL_HANDLE);
	uint32_t nq = 0;
	VkQueueFamilyProperties qp[8];
	vkGetPhysicalDeviceQueueFamilyProperties(a->phys, &nq, NULL);
	nq = nq > 8 ? 8 : nq;
	vkGetPhysicalDeviceQueueFamilyProperties(a->phys, &nq, qp);
	for (a->qfam = 0; a->qfam < nq && !(qp[a->qfam].queueFlags & VK_QUEUE_GRAPHICS_BIT); a->qfam++) {
	}
	CHECK(a->qfam < nq);
	float prio = 1;
	VkDeviceQueueCreateInfo qci = {.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, .queueFamilyIndex = a->qfam,
	                               .queueCount = 1, .pQueuePriorities = &prio};
	VkDeviceCreateInfo dci = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .queueCreateInfoCount = 1,
	                          .pQueueCreateInfos = &qci};
	XrVulkanDeviceCreateInfoKHR xd = {.type = XR_TYPE_VULKAN_DEVICE_CREATE_INFO_KHR, .systemId = a->system,
	                                  .pfnGetInstanceProcAddr = vkGetInstanceProcAddr,
	                                  .vulkanPhysicalDevice = a->phys, .vulkanCreateInfo = &dci};
	vr = VK_ERROR_UNKNOWN;
	XR_OK(xrCreateVulkanDeviceKHR(a->instance, &xd, &a->dev, &vr));
	CHECK(vr == VK_SUCCESS);
	vkGetDeviceQueue(a->dev, a->qfam, 0, &a->queue);
	VkCommandPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
	                               .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
	                               .queueFamilyIndex = a->qfam};
	CHECK(vkCreateCommandPool(a->dev, &pci, NULL, &a->pool) == VK_SUCCESS);
	VkCommandBufferAllocateInfo cai = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
	                                   .commandPool = a->pool, .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
	                                   .commandBufferCount = 1};
	CHECK(vkAllocateCommandBuffers(a->dev, &cai, &a->cmd) == VK_SUCCESS);
	VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
	CHECK(vkCreateFence(a->dev, &fci, NULL, &a->fence) == VK_SUCCESS);
}

static void create_session(app *a)
{
	XrGraphicsBindingVulkan2KHR gb = {.type = XR_TYPE_GRAPHICS_BINDING_VULKAN2_KHR, .instance = a->vki,
	                                  .physicalDevice = a->phys, .device = a->dev, .queueFamilyIndex = a->qfam};
	XrSessionCreateInfo sci = {.type = XR_TYPE_SESSION_CREATE_INFO, .next = &gb, .systemId = a->system};
	XR_OK(xrCreateSession(a->instance, &sci, &a->session));
	XrReferenceSpaceCreateInfo rs = {.type = XR_TYPE_REFERENCE_SPACE_CREATE_INFO,
	                                 .poseInReferenceSpace = {{0, 0, 0, 1}, {0, 0, 0}}};
	rs.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_STAGE;
	XR_OK(xrCreateReferenceSpace(a->session, &rs, &a->stage));
	rs.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_LOCAL;
	XR_OK(xrCreateReferenceSpace(a->session, &rs, &a->local));
	rs.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_VIEW;
	XR_OK(xrCreateReferenceSpace(a->session, &rs, &a->view));
}

static void create_swapchains(app *a)
{
	uint32_t n = 0;
	int64_t formats[16];
	XR_OK(xrEnumerateSwapchainFormats(a->session, 0, &n, NULL));
	CHECK(n > 0 && n <= 16);
	XR_OK(xrEnumerateSwapchainFormats(a->session, n, &n, formats));
	a->color_format = formats[0];
	bool has_depth = false;
	for (uint32_t i = 0; i < n; i++)
		has_depth |= formats[i] == VK_FORMAT_D32_SFLOAT;
	CHECK(a->color_format == VK_FORMAT_R8G8B8A8_SRGB);
	CHECK(has_depth);
	XrViewConfigurationView vcv[2] = {{.type = XR_TYPE_VIEW_CONFIGURATION_VIEW}, {.type = XR_TYPE_VIEW_CONFIGURATION_VIEW}};
	XR_OK(xrEnumerateViewConfigurationViews(a->instance, a->system, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO, 2, &n, vcv));
	CHECK(n == 2);
	a->w = vcv[0].recommendedImageRectWidth;
	a->h = vcv[0].recommendedImageRectHeight;
	for (int e = 0; e < 2; e++) {
		XrSwapchainCreateInfo ci = {.type = XR_TYPE_SWAPCHAIN_CREATE_INFO,
		                            .usageFlags = XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT |
		                                          XR_SWAPCHAIN_USAGE_TRANSFER_DST_BIT,
		                            .format = a->color_format, .sampleCount = 1, .width = a->w, .height = a->h,
		                            .faceCount = 1, .arraySize = 1, .mipCount = 1};
		XR_OK(xrCreateSwapchain(a->session, &ci, &a->color[e]));
		ci.usageFlags = XR_SWAPCHAIN_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT;
		ci.format = VK_FORMAT_D32_SFLOAT;
		XR_OK(xrCreateSwapchain(a->session, &ci, &a->depth[e]));
		XrSwapchainImageVulkan2KHR imgs[8];
		for (int i = 0; i < 8; i++)
			imgs[i] = (XrSwapchainImageVulkan2KHR){.type = XR_TYPE_SWAPCHAIN_IMAGE_VULKAN2_KHR};
		XR_OK(xrEnumerateSwapchainImages(a->color[e], 0, &a->nimages[e], NULL));
		CHECK(a->nimages[e] >= 1 && a->nimages[e] <= 8);
		XR_OK(xrEnumerateSwapchainImages(a->color[e], a->nimages[e], &a->nimages[e],
		                                 (XrSwapchainImageBaseHeader *)imgs));
		for (uint32_t i = 0; i < a->nimages[e]; i++)
			a->images[e][i] = imgs[i].image;
	}
}

static void create_actions(app *a)
{
	XrActionSetCreateInfo sci = {.type = XR_TYPE_ACTION_SET_CREATE_INFO};
	strcpy(sci.actionSetName, "gameplay");
	strcpy(sci.localizedActionSetName, "Gameplay");
	XR_OK(xrCreateActionSet(a->instance, &sci, &a->set));
	XR_IS(xrCreateActionSet(a->instance, &sci, &(XrActionSet){0}), XR_ERROR_NAME_DUPLICATED);
	XrPath hands[2] = {a->left, a->right};
	struct {
		XrAction *out;
		const char *name;
		XrActionType type;
	} acts[] = {
		{&a->grab, "grab", XR_ACTION_TYPE_FLOAT_INPUT},       {&a->select, "select", XR_ACTION_TYPE_BOOLEAN_INPUT},
		{&a->move, "move", XR_ACTION_TYPE_VECTOR2F_INPUT},    {&a->pose, "hand_pose", XR_ACTION_TYPE_POSE_INPUT},
		{&a->aim, "aim_pose", XR_ACTION_TYPE_POSE_INPUT},     {&a->haptic, "haptic", XR_ACTION_TYPE_VIBRATION_OUTPUT},
	};
	for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
		XrActionCreateInfo ci = {.type = XR_TYPE_ACTION_CREATE_INFO, .actionType = acts[i].type,
		                         .countSubactionPaths = 2, .subactionPaths = hands};
		strcpy(ci.actionName, acts[i].name);
		strcpy(ci.localizedActionName, acts[i].name);
		XR_OK(xrCreateAction(a->set, &ci, acts[i].out));
	}
	struct sb {
		XrAction act;
		const char *path;
	};
#define SUGGEST(profile, expect, ...)                                                                  \
	do {                                                                                           \
		struct sb list_[] = {__VA_ARGS__};                                                     \
		XrActionSuggestedBinding b_[16];                                                       \
		uint32_t n_ = sizeof list_ / sizeof list_[0];                                          \
		for (uint32_t i_ = 0; i_ < n_; i_++) {                                                 \
			b_[i_].action = list_[i_].act;                                                 \
			XR_OK(xrStringToPath(a->instance, list_[i_].path, &b_[i_].binding));           \
		}                                                                                      \
		XrInteractionProfileSuggestedBinding s_ = {.type = XR_TYPE_INTERACTION_PROFILE_SUGGESTED_BINDING, \
		                                           .countSuggestedBindings = n_, .suggestedBindings = b_}; \
		XR_OK(xrStringToPath(a->instance, profile, &s_.interactionProfile));                   \
		XR_IS(xrSuggestInteractionProfileBindings(a->instance, &s_), expect);                  \
	} while (0)
	SUGGEST("/interaction_profiles/khr/simple_controller", XR_SUCCESS,
	        {a->grab, "/user/hand/right/input/select/click"}, {a->select, "/user/hand/left/input/select/click"},
	        {a->pose, "/user/hand/right/input/grip/pose"}, {a->haptic, "/user/hand/right/output/haptic"});
	SUGGEST("/interaction_profiles/oculus/touch_controller", XR_SUCCESS,
	        {a->grab, "/user/hand/right/input/trigger"}, /* shorthand: resolves to trigger/value */
	        {a->grab, "/user/hand/left/input/trigger/value"}, {a->select, "/user/hand/left/input/x/click"},
	        {a->select, "/user/hand/right/input/a/click"}, {a->move, "/user/hand/left/input/thumbstick"},
	        {a->pose, "/user/hand/right/input/grip/pose"}, {a->pose, "/user/hand/left/input/grip/pose"},
	        {a->aim, "/user/hand/left/input/aim/pose"}, {a->haptic, "/user/hand/right/output/haptic"},
	        {a->haptic, "/user/hand/left/output/haptic"});
	SUGGEST("/interaction_profiles/valve/index_controller", XR_SUCCESS,
	        {a->grab, "/user/hand/right/input/trigger/value"}, {a->select, "/user/hand/left/input/a/click"},
	        {a->move, "/user/hand/left/input/thumbstick"}, {a->pose, "/user/hand/right/input/grip/pose"});
	SUGGEST("/interaction_profiles/htc/vive_controller", XR_SUCCESS,
	        {a->grab, "/user/hand/right/input/trigger/value"}, {a->move, "/user/hand/left/input/trackpad"},
	        {a->pose, "/user/hand/right/input/grip/pose"});
	SUGGEST("/interaction_profiles/microsoft/motion_controller", XR_SUCCESS,
	        {a->grab, "/user/hand/right/input/trigger/value"}, {a->select, "/user/hand/left/input/menu/click"},
	        {a->pose, "/user/hand/right/input/grip/pose"});
	/* the left Touch controller has no A button; a pose action cannot bind a trigger; an unknown profile */
	SUGGEST("/interaction_profiles/oculus/touch_controller", XR_ERROR_PATH_UNSUPPORTED,
	        {a->select, "/user/hand/left/input/a/click"});
	SUGGEST("/interaction_profiles/oculus/touch_controller", XR_ERROR_PATH_UNSUPPORTED,
	        {a->pose, "/user/hand/left/input/trigger/value"});
	SUGGEST("/interaction_profiles/acme/scalpel", XR_ERROR_PATH_UNSUPPORTED, {a->grab, "/user/hand/left/input/x/click"});
}

static void attach_and_spaces(app *a)
{
	XrSessionActionSetsAttachInfo ai = {.type = XR_TYPE_SESSION_ACTION_SETS_ATTACH_INFO, .countActionSets = 1,
	                                    .actionSets = &a->set};
	XR_OK(xrAttachSessionActionSets(a->session, &ai));
	XrActionSpaceCreateInfo as = {.type = XR_TYPE_ACTION_SPACE_CREATE_INFO, .action = a->pose,
	                              .subactionPath = a->right, .poseInActionSpace = {{0, 0, 0, 1}, {0, 0, 0}}};
	XR_OK(xrCreateActionSpace(a->session, &as, &a->right_grip));
	as.action = a->aim;
	as.subactionPath = a->left;
	XR_OK(xrCreateActionSpace(a->session, &as, &a->left_aim));
}

static void poll(app *a)
{
	XrEventDataBuffer ev = {.type = XR_TYPE_EVENT_DATA_BUFFER};
	while (xrPollEvent(a->instance, &ev) == XR_SUCCESS) {
		if (ev.type == XR_TYPE_EVENT_DATA_SESSION_STATE_CHANGED) {
			XrEventDataSessionStateChanged *sc = (XrEventDataSessionStateChanged *)&ev;
			a->state = sc->state;
			if (sc->state == XR_SESSION_STATE_READY) {
				XrSessionBeginInfo bi = {.type = XR_TYPE_SESSION_BEGIN_INFO,
				                         .primaryViewConfigurationType = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO};
				XR_OK(xrBeginSession(a->session, &bi));
				a->running = true;
				/* beginning a frame before waiting for one is a call order error */
				XR_IS(xrBeginFrame(a->session, NULL), XR_ERROR_CALL_ORDER_INVALID);
			} else if (sc->state == XR_SESSION_STATE_STOPPING) {
				XR_OK(xrEndSession(a->session));
				a->running = false;
			} else if (sc->state == XR_SESSION_STATE_EXITING) {
				a->exiting = true;
			} else if (sc->state == XR_SESSION_STATE_LOSS_PENDING) {
				a->loss_state = true;
			}
		} else if (ev.type == XR_TYPE_EVENT_DATA_INSTANCE_LOSS_PENDING) {
			a->lost_event = true;
		} else if (ev.type == XR_TYPE_EVENT_DATA_INTERACTION_PROFILE_CHANGED) {
			a->profile_events++;
		}
		ev = (XrEventDataBuffer){.type = XR_TYPE_EVENT_DATA_BUFFER};
	}
}

static void clear_image(app *a, VkImage img, float r, float g, float b)
{
	VkImageSubresourceRange range = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
	VkImageMemoryBarrier bar = {.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
	                            .srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
	                            .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
	                            .oldLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
	                            .newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
	                            .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
	                            .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED, .image = img, .subresourceRange = range};
	VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
	vkResetCommandBuffer(a->cmd, 0);
	vkBeginCommandBuffer(a->cmd, &bi);
	vkCmdPipelineBarrier(a->cmd, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0,
	                     NULL, 0, NULL, 1, &bar);
	VkClearColorValue c = {.float32 = {r, g, b, 1}};
	vkCmdClearColorImage(a->cmd, img, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &c, 1, &range);
	bar.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
	bar.dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
	bar.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
	bar.newLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
	vkCmdPipelineBarrier(a->cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT, 0, 0,
	                     NULL, 0, NULL, 1, &bar);
	vkEndCommandBuffer(a->cmd);
	VkSubmitInfo si = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1, .pCommandBuffers = &a->cmd};
	vkQueueSubmit(a->queue, 1, &si, a->fence);
	vkWaitForFences(a->dev, 1, &a->fence, VK_TRUE, UINT64_MAX);
	vkResetFences(a->dev, 1, &a->fence);
}

/* LeakSanitizer sees memory held by a library's globals as leaked once the library is
 * dlclose()d: the Vulkan loader unloads Mesa's driver (and layers) in vkDestroyInstance, and
 * lavapipe keeps a small allocation in a global. Pinning them keeps such memory reachable, so
 * that what LSan reports at exit is what simxr (or this test) leaked. */
static int pin_vulkan_module(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	(void)data;
	if (info->dlpi_name && (strstr(info->dlpi_name, "libvulkan_") || strstr(info->dlpi_name, "libVkLayer_")))
		(void)dlopen(info->dlpi_name, RTLD_NOW | RTLD_NOLOAD);
	return 0;
}

static void teardown(app *a)
{
	dl_iterate_phdr(pin_vulkan_module, NULL);
	if (a->session) {
		for (int e = 0; e < 2; e++) {
			if (a->color[e])
				XR_OK(xrDestroySwapchain(a->color[e]));
			if (a->depth[e])
				XR_OK(xrDestroySwapchain(a->depth[e]));
		}
		XR_OK(xrDestroySpace(a->stage));
		XR_OK(xrDestroySession(a->session));
	}
	if (a->set)
		XR_OK(xrDestroyActionSet(a->set));
	if (a->dev) {
		vkDestroyFence(a->dev, a->fence, NULL);
		vkDestroyCommandPool(a->dev, a->pool, NULL);
		vkDestroyDevice(a->dev, NULL);
	}
	if (a->vki)
		vkDestroyInstance(a->vki, NULL);
	XR_OK(xrDestroyInstance(a->instance));
}

static void expect_pos(XrVector3f p, float x, float y, float z, double tol)
{
	CHECK_NEAR(p.x, x, tol);
	CHECK_NEAR(p.y, y, tol);
	CHECK_NEAR(p.z, z, tol);
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* One frame of the app's loop: returns the frame's predicted display time (0 if none). */
static XrTime frame(app *a, int index, bool render, double *xr_seconds)
{
	double t0 = now_s();
	XrFrameState fs = {.type = XR_TYPE_FRAME_STATE};
	XrResult r = xrWaitFrame(a->session, NULL, &fs);
	if (r == XR_ERROR_SESSION_LOST)
		return -1;
	XR_OK(r);
	XR_OK(xrBeginFrame(a->session, NULL));
	double spent = now_s() - t0;
	XrCompositionLayerProjectionView pv[2];
	XrCompositionLayerDepthInfoKHR di[2];
	XrCompositionLayerProjection proj = {.type = XR_TYPE_COMPOSITION_LAYER_PROJECTION, .space = a->stage,
	                                     .viewCount = 2, .views = pv};
	const XrCompositionLayerBaseHeader *layers[1] = {(const XrCompositionLayerBaseHeader *)&proj};
	uint32_t nlayers = 0;
	if (fs.shouldRender && render) {
		XrView views[2] = {{.type = XR_TYPE_VIEW}, {.type = XR_TYPE_VIEW}};
		XrViewState vs = {.type = XR_TYPE_VIEW_STATE};
		XrViewLocateInfo li = {.type = XR_TYPE_VIEW_LOCATE_INFO,
		                       .viewConfigurationType = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO,
		                       .displayTime = fs.predictedDisplayTime, .space = a->stage};
		uint32_t nv = 0;
		t0 = now_s();
		XR_OK(xrLocateViews(a->session, &li, &vs, 2, &nv, views));
		spent += now_s() - t0;
		for (int e = 0; e < 2; e++) {
			uint32_t idx = 0;
			XR_OK(xrAcquireSwapchainImage(a->color[e], NULL, &idx));
			XrSwapchainImageWaitInfo wi = {.type = XR_TYPE_SWAPCHAIN_IMAGE_WAIT_INFO, .timeout = XR_INFINITE_DURATION};
			XR_OK(xrWaitSwapchainImage(a->color[e], &wi));
			/* left eye red, right eye blue, green grows with the frame index */
			clear_image(a, a->images[e][idx], e == 0 ? 1.0f : 0.0f, (float)(index % 256) / 255.0f, e == 1 ? 1.0f : 0.0f);
			XR_OK(xrReleaseSwapchainImage(a->color[e], NULL));
			uint32_t didx;
			XR_OK(xrAcquireSwapchainImage(a->depth[e], NULL, &didx));
			XR_OK(xrWaitSwapchainImage(a->depth[e], &wi));
			XR_OK(xrReleaseSwapchainImage(a->depth[e], NULL));
			di[e] = (XrCompositionLayerDepthInfoKHR){
				.type = XR_TYPE_COMPOSITION_LAYER_DEPTH_INFO_KHR, .subImage = {a->depth[e], {{0, 0}, {(int32_t)a->w, (int32_t)a->h}}, 0},
				.minDepth = 0, .maxDepth = 1, .nearZ = 0.05f, .farZ = 100.0f};
			pv[e] = (XrCompositionLayerProjectionView){.type = XR_TYPE_COMPOSITION_LAYER_PROJECTION_VIEW, .next = &di[e],
			                                           .pose = views[e].pose, .fov = views[e].fov,
			                                           .subImage = {a->color[e], {{0, 0}, {(int32_t)a->w, (int32_t)a->h}}, 0}};
		}
		nlayers = 1;
		if (index == 5) {
			/* layer validation: a rect outside the image, a projection with one view */
			pv[1].subImage.imageRect.extent.width = (int32_t)a->w + 1;
			XrFrameEndInfo bad = {.type = XR_TYPE_FRAME_END_INFO, .displayTime = fs.predictedDisplayTime,
			                      .environmentBlendMode = XR_ENVIRONMENT_BLEND_MODE_OPAQUE, .layerCount = 1,
			                      .layers = layers};
			XR_IS(xrEndFrame(a->session, &bad), XR_ERROR_SWAPCHAIN_RECT_INVALID);
			pv[1].subImage.imageRect.extent.width = (int32_t)a->w;
			proj.viewCount = 1;
			XR_IS(xrEndFrame(a->session, &bad), XR_ERROR_VALIDATION_FAILURE);
			proj.viewCount = 2;
			bad.environmentBlendMode = XR_ENVIRONMENT_BLEND_MODE_ADDITIVE;
			XR_IS(xrEndFrame(a->session, &bad), XR_ERROR_ENVIRONMENT_BLEND_MODE_UNSUPPORTED);
		}
	}
	XrFrameEndInfo ei = {.type = XR_TYPE_FRAME_END_INFO, .displayTime = fs.predictedDisplayTime,
	                     .environmentBlendMode = XR_ENVIRONMENT_BLEND_MODE_OPAQUE, .layerCount = nlayers,
	                     .layers = layers};
	t0 = now_s();
	XR_OK(xrEndFrame(a->session, &ei));
	spent += now_s() - t0;
	if (xr_seconds)
		*xr_seconds += spent;
	return fs.predictedDisplayTime;
}

static int count_lines(const char *path, const char *prefix)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[512];
	int n = 0;
	while (fgets(line, sizeof line, f))
		n += strncmp(line, prefix, strlen(prefix)) == 0;
	fclose(f);
	return n;
}

static void run_full(app *a)
{
	/* strings */
	char buf[XR_MAX_RESULT_STRING_SIZE];
	XR_OK(xrResultToString(a->instance, XR_ERROR_SESSION_LOST, buf));
	CHECK_STR(buf, "XR_ERROR_SESSION_LOST");
	char sbuf[XR_MAX_STRUCTURE_NAME_SIZE];
	XR_OK(xrStructureTypeToString(a->instance, XR_TYPE_FRAME_STATE, sbuf));
	CHECK_STR(sbuf, "XR_TYPE_FRAME_STATE");
	XrPath p;
	XR_OK(xrStringToPath(a->instance, "/user/hand/left/input/trigger/value", &p));
	char pbuf[XR_MAX_PATH_LENGTH];
	uint32_t n = 0;
	XR_OK(xrPathToString(a->instance, p, sizeof pbuf, &n, pbuf));
	CHECK_STR(pbuf, "/user/hand/left/input/trigger/value");
	CHECK(n == strlen(pbuf) + 1);
	XrPath again;
	XR_OK(xrStringToPath(a->instance, "/user/hand/left/input/trigger/value", &again));
	CHECK(again == p);
	XR_IS(xrStringToPath(a->instance, "/user//hand", &p), XR_ERROR_PATH_FORMAT_INVALID);
	XR_IS(xrStringToPath(a->instance, "/User/Hand", &p), XR_ERROR_PATH_FORMAT_INVALID);
	XrSystemGetInfo hh = {.type = XR_TYPE_SYSTEM_GET_INFO, .formFactor = XR_FORM_FACTOR_HANDHELD_DISPLAY};
	XrSystemId sys;
	XR_IS(xrGetSystem(a->instance, &hh, &sys), XR_ERROR_FORM_FACTOR_UNSUPPORTED);
	XrSystemProperties sp = {.type = XR_TYPE_SYSTEM_PROPERTIES};
	XR_OK(xrGetSystemProperties(a->instance, a->system, &sp));
	CHECK(sp.trackingProperties.positionTracking && sp.graphicsProperties.maxLayerCount >= 1);
	XrEnvironmentBlendMode bm[4];
	XR_OK(xrEnumerateEnvironmentBlendModes(a->instance, a->system, XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO, 4, &n, bm));
	CHECK(n == 1 && bm[0] == XR_ENVIRONMENT_BLEND_MODE_OPAQUE);

	/* a session before the graphics requirements were asked for is refused */
	XrGraphicsBindingVulkan2KHR gb0 = {.type = XR_TYPE_GRAPHICS_BINDING_VULKAN2_KHR};
	XrSessionCreateInfo sci0 = {.type = XR_TYPE_SESSION_CREATE_INFO, .next = &gb0, .systemId = a->system};
	XrSession s0;
	XR_IS(xrCreateSession(a->instance, &sci0, &s0), XR_ERROR_GRAPHICS_REQUIREMENTS_CALL_MISSING);

	create_vulkan(a);
	create_actions(a);
	create_session(a);
	uint32_t nspaces = 0;
	XR_OK(xrEnumerateReferenceSpaces(a->session, 0, &nspaces, NULL));
	CHECK(nspaces == 3);
	create_swapchains(a);
	CHECK(a->w == 256 && a->h == 256);
	attach_and_spaces(a);
	XrInteractionProfileState ps = {.type = XR_TYPE_INTERACTION_PROFILE_STATE};
	XR_OK(xrGetCurrentInteractionProfile(a->session, a->right, &ps));
	XR_OK(xrPathToString(a->instance, ps.interactionProfile, sizeof pbuf, &n, pbuf));
	CHECK_STR(pbuf, "/interaction_profiles/oculus/touch_controller"); /* the script's profile */

	XrTime first = 0, prev = 0;
	const int64_t period = 11111111; /* 90 Hz, the script's rate */
	int frames = 0, rendered = 0, haptics = 0, checked = 0;
	double xr_times[512];
	for (int it = 0; it < 400 && !a->exiting; it++) {
		poll(a);
		if (!a->running)
			continue;
		double xr_s = 0;
		double t_sync0 = now_s();
		XrActiveActionSet active = {a->set, XR_NULL_PATH};
		XrActionsSyncInfo si = {.type = XR_TYPE_ACTIONS_SYNC_INFO, .countActiveActionSets = 1,
		                        .activeActionSets = &active};
		XrResult sr = xrSyncActions(a->session, &si);
		CHECK(sr == XR_SUCCESS || sr == XR_SESSION_NOT_FOCUSED);
		XrActionStateGetInfo g = {.type = XR_TYPE_ACTION_STATE_GET_INFO, .action = a->grab};
		XrActionStateFloat grab = {.type = XR_TYPE_ACTION_STATE_FLOAT};
		XR_OK(xrGetActionStateFloat(a->session, &g, &grab));
		g.action = a->select;
		XrActionStateBoolean sel = {.type = XR_TYPE_ACTION_STATE_BOOLEAN};
		XR_OK(xrGetActionStateBoolean(a->session, &g, &sel));
		g.action = a->move;
		g.subactionPath = a->left;
		XrActionStateVector2f mv = {.type = XR_TYPE_ACTION_STATE_VECTOR2F};
		XR_OK(xrGetActionStateVector2f(a->session, &g, &mv));
		g.action = a->pose;
		g.subactionPath = a->right;
		XrActionStatePose pose = {.type = XR_TYPE_ACTION_STATE_POSE};
		XR_OK(xrGetActionStatePose(a->session, &g, &pose));
		XrActionStateFloat wrong = {.type = XR_TYPE_ACTION_STATE_FLOAT};
		XR_IS(xrGetActionStateFloat(a->session, &g, &wrong), XR_ERROR_ACTION_TYPE_MISMATCH);
		if (grab.isActive && grab.currentState > 0.9f) {
			XrHapticVibration vib = {.type = XR_TYPE_HAPTIC_VIBRATION, .amplitude = grab.currentState,
			                         .duration = XR_MIN_HAPTIC_DURATION, .frequency = XR_FREQUENCY_UNSPECIFIED};
			XrHapticActionInfo hi = {.type = XR_TYPE_HAPTIC_ACTION_INFO, .action = a->haptic, .subactionPath = a->right};
			XR_OK(xrApplyHapticFeedback(a->session, &hi, (XrHapticBaseHeader *)&vib));
			haptics++;
		}
		xr_s += now_s() - t_sync0;
		/* the action state was sampled at the previous frame's display time */
		if (sr == XR_SUCCESS && prev != 0) {
			double t = (double)(prev - first) * 1e-9 + (double)period * 1e-9;
			double u = t < 1 ? t : 1;
			CHECK(grab.isActive);
			CHECK_NEAR(grab.currentState, u, 1e-4);
			CHECK(sel.isActive && sel.currentState == (t >= 0.5));
			CHECK(mv.isActive);
			CHECK_NEAR(mv.currentState.x, 0.5 * u, 1e-4);
			CHECK_NEAR(mv.currentState.y, -u, 1e-4);
			CHECK(pose.isActive);
			checked++;
		}
		XrTime pdt = frame(a, frames, true, &xr_s);
		if (frames == 0) {
			first = pdt;
		} else {
			CHECK(pdt - prev == period); /* unpaced: exactly one display period per frame */
		}
		/* poses at this frame's display time follow the script */
		if (a->state == XR_SESSION_STATE_FOCUSED) {
			double t = (double)(pdt - first) * 1e-9 + (double)period * 1e-9;
			double u = t < 1 ? t : 1;
			XrSpaceLocation loc = {.type = XR_TYPE_SPACE_LOCATION};
			double t1 = now_s();
			XR_OK(xrLocateSpace(a->right_grip, a->stage, pdt, &loc));
			xr_s += now_s() - t1;
			CHECK(loc.locationFlags & XR_SPACE_LOCATION_POSITION_VALID_BIT);
			expect_pos(loc.pose.position, 0.3f, (float)(1.2 + 0.2 * u), (float)(-0.4 - 0.2 * u), 1e-4);
			XR_OK(xrLocateSpace(a->view, a->stage, pdt, &loc));
			expect_pos(loc.pose.position, (float)(0.5 * u), (float)(1.6 + 0.1 * u), (float)(-0.5 * u), 1e-4);
			CHECK_NEAR(loc.pose.orientation.y, sin(u * 3.14159265358979 / 8), 1e-4); /* up to 45 deg of yaw */
			/* LOCAL is the head's position at time 0, so the view in LOCAL is the offset from there */
			XR_OK(xrLocateSpace(a->view, a->local, pdt, &loc));
			expect_pos(loc.pose.position, (float)(0.5 * u), (float)(0.1 * u), (float)(-0.5 * u), 1e-4);
			/* the left aim pose is not scripted: it falls back to the default left hand position */
			XR_OK(xrLocateSpace(a->left_aim, a->stage, pdt, &loc));
			CHECK(loc.locationFlags & XR_SPACE_LOCATION_POSITION_VALID_BIT);
			expect_pos(loc.pose.position, -0.2f, 1.3f, -0.35f, 1e-5);
			XrView views[2] = {{.type = XR_TYPE_VIEW}, {.type = XR_TYPE_VIEW}};
			XrViewState vs = {.type = XR_TYPE_VIEW_STATE};
			XrViewLocateInfo li = {.type = XR_TYPE_VIEW_LOCATE_INFO,
			                       .viewConfigurationType = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO,
			                       .displayTime = pdt, .space = a->stage};
			XR_OK(xrLocateViews(a->session, &li, &vs, 2, &n, views));
			XrVector3f l = views[0].pose.position, r = views[1].pose.position;
			CHECK_NEAR(sqrt((l.x - r.x) * (l.x - r.x) + (l.y - r.y) * (l.y - r.y) + (l.z - r.z) * (l.z - r.z)), 0.063, 1e-5);
			expect_pos((XrVector3f){(l.x + r.x) / 2, (l.y + r.y) / 2, (l.z + r.z) / 2}, (float)(0.5 * u),
			           (float)(1.6 + 0.1 * u), (float)(-0.5 * u), 1e-4);
			CHECK(views[0].fov.angleLeft < 0 && views[0].fov.angleRight > 0 && views[0].fov.angleUp > 0);
			rendered++;
		}
		if (frames < 512)
			xr_times[frames] = xr_s;
		prev = pdt;
		frames++;
	}
	CHECK(a->exiting);
	CHECK(frames == 111); /* the script stops after frame 110 */
	CHECK(rendered >= 100);
	CHECK(checked >= 100);
	CHECK(haptics > 0);
	CHECK(a->profile_events == 1);
	int nf = frames < 512 ? frames : 512;
	qsort(xr_times, (size_t)nf, sizeof xr_times[0], cmp_double);
	printf("simxr api: %d frames, runtime calls per frame (sync, 4 getters, wait, begin, locate views, end, 1 locate): "
	       "median %.1f us, p99 %.1f us\n",
	       frames, xr_times[nf / 2] * 1e6, xr_times[(nf * 99) / 100] * 1e6);

	/* the runtime's logs */
	CHECK(count_lines(getenv("SIMXR_FRAME_LOG"), "frame ") == 111);
	CHECK(count_lines(getenv("SIMXR_FRAME_LOG"), "state EXITING") == 1);
	CHECK(count_lines(getenv("SIMXR_HAPTIC_LOG"), "haptic ") == haptics);
	/* the capture of frame 10: the left eye red, the right blue, green = 10/255 */
	for (int e = 0; e < 2; e++) {
		char path[512];
		snprintf(path, sizeof path, "%s/simxr-frame00010-%s.png", getenv("SIMXR_CAPTURE_DIR"), e ? "right" : "left");
		int w = 0, h = 0, c = 0;
		unsigned char *px = stbi_load(path, &w, &h, &c, 4);
		CHECK(px != NULL);
		if (!px)
			continue;
		CHECK(w == 256 && h == 256);
		unsigned char *mid = px + 4 * (128 * w + 128);
		CHECK(mid[0] == (e ? 0 : 255));
		CHECK(mid[2] == (e ? 255 : 0));
		CHECK(mid[1] > 30 && mid[1] < 70); /* 10/255 linear, stored as sRGB: about 56 */
		stbi_image_free(px);
	}
}

static void run_paced(app *a)
{
	create_vulkan(a);
	create_session(a);
	create_swapchains(a);
	int frames = 0;
	double start = 0;
	XrTime first = 0, last = 0;
	for (int it = 0; it < 200 && !a->exiting; it++) {
		poll(a);
		if (!a->running)
			continue;
		XrTime pdt = frame(a, frames, false, NULL);
		if (frames == 0) {
			start = now_s();
			first = pdt;
		}
		last = pdt;
		frames++;
	}
	double elapsed = now_s() - start;
	CHECK(frames == 30);
	/* 29 more frames at 100 Hz: 290 ms of display time, and about as much wall time */
	CHECK(last - first == 290000000);
	CHECK(elapsed > 0.25 && elapsed < 2.0);
	printf("simxr paced: %d frames at 100 Hz in %.3f s\n", frames, elapsed);
}

static void run_lose(app *a)
{
	create_vulkan(a);
	create_session(a);
	create_swapchains(a);
	int frames = 0;
	bool session_lost = false;
	for (int it = 0; it < 200 && !a->loss_state; it++) {
		poll(a);
		if (!a->running || a->loss_state)
			continue;
		if (frame(a, frames, true, NULL) < 0)
			break;
		frames++;
	}
	poll(a);
	CHECK(a->loss_state && a->lost_event);
	CHECK(frames == 21);
	XrFrameState fs = {.type = XR_TYPE_FRAME_STATE};
	session_lost = xrWaitFrame(a->session, NULL, &fs) == XR_ERROR_SESSION_LOST;
	CHECK(session_lost);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_simxr_api DATA_DIR [--paced|--lose]\n");
		return 2;
	}
	const char *mode = argc > 2 ? argv[2] : "--full";
	char script[512];
	snprintf(script, sizeof script, "%s/%s.simxr", argv[1],
	         !strcmp(mode, "--paced") ? "paced" : !strcmp(mode, "--lose") ? "lose" : !strcmp(mode, "--bad") ? "bad" : "api");
	setenv("SIMXR_SCRIPT", script, 1);
	const char *tag = mode + 2;
	char path[256];
	snprintf(path, sizeof path, "simxr-api-%s-frames.log", tag);
	setenv("SIMXR_FRAME_LOG", path, 1);
	snprintf(path, sizeof path, "simxr-api-%s-haptics.log", tag);
	setenv("SIMXR_HAPTIC_LOG", path, 1);
	setenv("SIMXR_CAPTURE_DIR", ".", 1);
	unsetenv("SIMXR_PACE");
	unsetenv("SIMXR_RATE");
	unsetenv("SIMXR_CAPTURE");
	if (!getenv("XR_RUNTIME_JSON")) {
		fprintf(stderr, "XR_RUNTIME_JSON is not set: run through meson test\n");
		return 1;
	}
	app a = {0};
	if (!strcmp(mode, "--bad")) {
		/* the runtime refuses to start with a broken script, and says where the error is */
		XrInstanceCreateInfo ci = {.type = XR_TYPE_INSTANCE_CREATE_INFO};
		snprintf(ci.applicationInfo.applicationName, sizeof ci.applicationInfo.applicationName, "test_simxr_api");
		ci.applicationInfo.apiVersion = XR_CURRENT_API_VERSION;
		XrResult r = xrCreateInstance(&ci, &a.instance);
		CHECK(r == XR_ERROR_RUNTIME_FAILURE);
		return CHECK_DONE();
	}
	create_instance(&a);
	if (!a.instance)
		return CHECK_DONE();
	if (!strcmp(mode, "--paced"))
		run_paced(&a);
	else if (!strcmp(mode, "--lose"))
		run_lose(&a);
	else
		run_full(&a);
	teardown(&a);
	return CHECK_DONE();
}
