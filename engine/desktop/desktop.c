/* Desktop mode: GLFW window, Vulkan swapchain, free camera, per-frame callback (see scrub_desktop.h). */
#define SCRUB_LOG_MODULE "desktop"
#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "scrub_desktop.h"
#include "scrub_render_vk.h"
#include "scrub_vk.h"

#define MAX_IMAGES 8
#define MAX_SLOTS 3

struct scrub_desktop {
	GLFWwindow *window;
	scrub_renderer *r;
	VkInstance instance;
	VkPhysicalDevice phys;
	VkDevice device;
	VkQueue queue;
	VkSurfaceKHR surface;
	VkSwapchainKHR swapchain;
	VkFormat format;
	VkExtent2D extent;
	uint32_t image_count;
	VkImage images[MAX_IMAGES];
	VkImageView views[MAX_IMAGES];
	VkImageLayout layouts[MAX_IMAGES];
	VkSemaphore render_done[MAX_IMAGES];
	VkSemaphore acquired[MAX_SLOTS];
	VkSemaphore shot_done;
	bool vsync, can_copy, resized;
	char *shot_path;
	/* free camera */
	float eye[3], yaw, pitch, fovy;
	double last_x, last_y;
	bool looking;
	/* application input */
	scrub_desktop_input_fn input_fn;
	void *input_user;
};

static void on_resize(GLFWwindow *w, int width, int height)
{
	(void)width, (void)height;
	scrub_desktop *d = glfwGetWindowUserPointer(w);
	d->resized = true;
}

static void on_scroll(GLFWwindow *w, double dx, double dy)
{
	(void)dx;
	scrub_desktop *d = glfwGetWindowUserPointer(w);
	float cp = cosf(d->pitch);
	float fwd[3] = {cp * sinf(d->yaw), sinf(d->pitch), -cp * cosf(d->yaw)};
	for (int i = 0; i < 3; i++)
		d->eye[i] += fwd[i] * (float)dy * 0.05f;
}

static int key_from_glfw(int key)
{
	if ((key >= GLFW_KEY_0 && key <= GLFW_KEY_9) || (key >= GLFW_KEY_A && key <= GLFW_KEY_Z) || key == GLFW_KEY_SPACE)
		return key; /* GLFW's printable keys are their ASCII codes, as Scrub's */
	switch (key) {
	case GLFW_KEY_ESCAPE: return SCRUB_KEY_ESCAPE;
	case GLFW_KEY_ENTER: return SCRUB_KEY_ENTER;
	case GLFW_KEY_KP_ENTER: return SCRUB_KEY_KP_ENTER;
	case GLFW_KEY_TAB: return SCRUB_KEY_TAB;
	case GLFW_KEY_UP: return SCRUB_KEY_UP;
	case GLFW_KEY_DOWN: return SCRUB_KEY_DOWN;
	case GLFW_KEY_PAGE_UP: return SCRUB_KEY_PAGE_UP;
	case GLFW_KEY_PAGE_DOWN: return SCRUB_KEY_PAGE_DOWN;
	case GLFW_KEY_F1: return SCRUB_KEY_F1;
	default: return SCRUB_KEY_UNKNOWN;
	}
}

static int mods_from_glfw(int mods)
{
	return (mods & GLFW_MOD_SHIFT ? SCRUB_MOD_SHIFT : 0) | (mods & GLFW_MOD_CONTROL ? SCRUB_MOD_CONTROL : 0);
}

static void on_key(GLFWwindow *w, int key, int scancode, int action, int mods)
{
	(void)scancode;
	scrub_desktop *d = glfwGetWindowUserPointer(w);
	if (action != GLFW_PRESS || !d->input_fn)
		return;
	scrub_desktop_input in = {.kind = SCRUB_DESKTOP_KEY, .key = key_from_glfw(key), .mods = mods_from_glfw(mods)};
	if (in.key == SCRUB_KEY_UNKNOWN)
		return;
	d->input_fn(d->input_user, d, &in);
}

static void on_mouse_button(GLFWwindow *w, int button, int action, int mods)
{
	scrub_desktop *d = glfwGetWindowUserPointer(w);
	if (action != GLFW_PRESS || !d->input_fn)
		return;
	double x, y;
	int ww, wh, fw, fh;
	glfwGetCursorPos(w, &x, &y);
	glfwGetWindowSize(w, &ww, &wh);
	glfwGetFramebufferSize(w, &fw, &fh);
	int b = button == GLFW_MOUSE_BUTTON_LEFT ? SCRUB_MOUSE_LEFT : button == GLFW_MOUSE_BUTTON_RIGHT ? 1 : 2;
	scrub_desktop_input in = {.kind = SCRUB_DESKTOP_MOUSE_BUTTON, .key = b, .mods = mods_from_glfw(mods),
	                          .x = ww > 0 ? x * fw / ww : x, .y = wh > 0 ? y * fh / wh : y};
	d->input_fn(d->input_user, d, &in);
}

void scrub_desktop_set_input_fn(scrub_desktop *d, scrub_desktop_input_fn fn, void *user)
{
	d->input_fn = fn;
	d->input_user = user;
}

void scrub_desktop_close(scrub_desktop *d) { glfwSetWindowShouldClose(d->window, GLFW_TRUE); }

static void destroy_swapchain(scrub_desktop *d)
{
	for (uint32_t i = 0; i < d->image_count; i++) {
		if (d->views[i])
			vkDestroyImageView(d->device, d->views[i], NULL);
		if (d->render_done[i])
			vkDestroySemaphore(d->device, d->render_done[i], NULL);
		d->views[i] = VK_NULL_HANDLE;
		d->render_done[i] = VK_NULL_HANDLE;
	}
	if (d->swapchain)
		vkDestroySwapchainKHR(d->device, d->swapchain, NULL);
	d->swapchain = VK_NULL_HANDLE;
	d->image_count = 0;
}

#define VK_TRY(call)                                                              \
	do {                                                                      \
		VkResult vr_ = (call);                                            \
		if (vr_ != VK_SUCCESS) {                                          \
			LOG_E("%s failed: VkResult %d", #call, (int)vr_);          \
			return SCRUB_ERR_RUNTIME;                                 \
		}                                                                 \
	} while (0)

static scrub_result create_swapchain(scrub_desktop *d)
{
	int fw = 0, fh = 0;
	glfwGetFramebufferSize(d->window, &fw, &fh);
	while ((fw == 0 || fh == 0) && !glfwWindowShouldClose(d->window)) { /* minimised */
		glfwWaitEvents();
		glfwGetFramebufferSize(d->window, &fw, &fh);
	}
	vkDeviceWaitIdle(d->device);
	VkSwapchainKHR old = d->swapchain;
	for (uint32_t i = 0; i < d->image_count; i++) {
		vkDestroyImageView(d->device, d->views[i], NULL);
		vkDestroySemaphore(d->device, d->render_done[i], NULL);
		d->views[i] = VK_NULL_HANDLE;
		d->render_done[i] = VK_NULL_HANDLE;
	}

	VkSurfaceCapabilitiesKHR caps;
	VK_TRY(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(d->phys, d->surface, &caps));
	uint32_t nf = 0;
	VK_TRY(vkGetPhysicalDeviceSurfaceFormatsKHR(d->phys, d->surface, &nf, NULL));
	VkSurfaceFormatKHR formats[32];
	if (nf > 32)
		nf = 32;
	VK_TRY(vkGetPhysicalDeviceSurfaceFormatsKHR(d->phys, d->surface, &nf, formats));
	d->format = formats[0].format;
	VkColorSpaceKHR space = formats[0].colorSpace;
	for (uint32_t i = 0; i < nf; i++) /* UNORM: the renderer encodes sRGB itself, as offscreen */
		if (formats[i].format == VK_FORMAT_B8G8R8A8_UNORM || formats[i].format == VK_FORMAT_R8G8B8A8_UNORM) {
			d->format = formats[i].format;
			space = formats[i].colorSpace;
			break;
		}
	VkPresentModeKHR mode = VK_PRESENT_MODE_FIFO_KHR;
	if (!d->vsync) {
		uint32_t nm = 0;
		VkPresentModeKHR modes[8];
		vkGetPhysicalDeviceSurfacePresentModesKHR(d->phys, d->surface, &nm, NULL);
		if (nm > 8)
			nm = 8;
		vkGetPhysicalDeviceSurfacePresentModesKHR(d->phys, d->surface, &nm, modes);
		for (uint32_t i = 0; i < nm; i++)
			if (modes[i] == VK_PRESENT_MODE_IMMEDIATE_KHR || modes[i] == VK_PRESENT_MODE_MAILBOX_KHR)
				mode = modes[i];
	}
	d->extent = caps.currentExtent;
	if (d->extent.width == UINT32_MAX) {
		d->extent.width = (uint32_t)fw;
		d->extent.height = (uint32_t)fh;
	}
	uint32_t count = caps.minImageCount + 1;
	if (caps.maxImageCount && count > caps.maxImageCount)
		count = caps.maxImageCount;
	if (count > MAX_IMAGES)
		count = MAX_IMAGES;
	d->can_copy = caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
	VkSwapchainCreateInfoKHR sci = {
		.sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR,
		.surface = d->surface,
		.minImageCount = count,
		.imageFormat = d->format,
		.imageColorSpace = space,
		.imageExtent = d->extent,
		.imageArrayLayers = 1,
		.imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | (d->can_copy ? VK_IMAGE_USAGE_TRANSFER_SRC_BIT : 0),
		.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE,
		.preTransform = caps.currentTransform,
		.compositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR,
		.presentMode = mode,
		.clipped = VK_TRUE,
		.oldSwapchain = old,
	};
	VK_TRY(vkCreateSwapchainKHR(d->device, &sci, NULL, &d->swapchain));
	if (old)
		vkDestroySwapchainKHR(d->device, old, NULL);
	d->image_count = 0;
	VK_TRY(vkGetSwapchainImagesKHR(d->device, d->swapchain, &d->image_count, NULL));
	if (d->image_count > MAX_IMAGES)
		d->image_count = MAX_IMAGES;
	VK_TRY(vkGetSwapchainImagesKHR(d->device, d->swapchain, &d->image_count, d->images));
	for (uint32_t i = 0; i < d->image_count; i++) {
		VkImageViewCreateInfo vci = {
			.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
			.image = d->images[i],
			.viewType = VK_IMAGE_VIEW_TYPE_2D,
			.format = d->format,
			.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
		};
		VK_TRY(vkCreateImageView(d->device, &vci, NULL, &d->views[i]));
		VkSemaphoreCreateInfo sem = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
		VK_TRY(vkCreateSemaphore(d->device, &sem, NULL, &d->render_done[i]));
		d->layouts[i] = VK_IMAGE_LAYOUT_UNDEFINED;
	}
	d->resized = false;
	LOG_I("swapchain %ux%u, %u images, %s", d->extent.width, d->extent.height, d->image_count,
	      mode == VK_PRESENT_MODE_FIFO_KHR ? "vsync" : "no vsync");
	return SCRUB_OK;
}

scrub_result scrub_desktop_create(const scrub_desktop_desc *desc, scrub_desktop **out_desktop)
{
	static const scrub_desktop_desc defaults = {0};
	if (!desc)
		desc = &defaults;
	*out_desktop = NULL;
	if (!glfwInit()) {
		LOG_E("cannot initialise GLFW: no display? (DISPLAY or WAYLAND_DISPLAY unset)");
		return SCRUB_ERR_RUNTIME;
	}
	if (!glfwVulkanSupported()) {
		LOG_E("GLFW finds no Vulkan loader");
		glfwTerminate();
		return SCRUB_ERR_RUNTIME;
	}
	scrub_desktop *d = calloc(1, sizeof(*d));
	if (!d) {
		glfwTerminate();
		return SCRUB_ERR_NOMEM;
	}
	d->vsync = !desc->no_vsync;
	glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
	glfwWindowHint(GLFW_RESIZABLE, GLFW_TRUE);
	glfwWindowHint(GLFW_VISIBLE, desc->hidden ? GLFW_FALSE : GLFW_TRUE);
	d->window = glfwCreateWindow(desc->width ? (int)desc->width : 1280, desc->height ? (int)desc->height : 720,
	                             desc->title ? desc->title : "Scrub", NULL, NULL);
	if (!d->window) {
		LOG_E("cannot create a window");
		scrub_desktop_destroy(&d);
		return SCRUB_ERR_RUNTIME;
	}
	glfwSetWindowUserPointer(d->window, d);
	glfwSetFramebufferSizeCallback(d->window, on_resize);
	glfwSetScrollCallback(d->window, on_scroll);
	glfwSetKeyCallback(d->window, on_key);
	glfwSetMouseButtonCallback(d->window, on_mouse_button);

	uint32_t next = 0;
	const char **exts = glfwGetRequiredInstanceExtensions(&next);
	const char *dev_ext = VK_KHR_SWAPCHAIN_EXTENSION_NAME;
	scrub_render_desc rd = {
		.validation = desc->validation,
		.samples = desc->samples,
		.instance_extensions = exts,
		.instance_extension_count = next,
		.device_extensions = &dev_ext,
		.device_extension_count = 1,
	};
	scrub_result res = scrub_renderer_create(&rd, &d->r);
	if (res != SCRUB_OK) {
		scrub_desktop_destroy(&d);
		return res;
	}
	d->instance = scrub_renderer_vk_instance(d->r);
	d->phys = scrub_renderer_vk_physical_device(d->r);
	d->device = scrub_renderer_vk_device(d->r);
	d->queue = scrub_renderer_vk_queue(d->r);
	VkBool32 present = VK_FALSE;
	if (glfwCreateWindowSurface(d->instance, d->window, NULL, &d->surface) != VK_SUCCESS ||
	    vkGetPhysicalDeviceSurfaceSupportKHR(d->phys, scrub_renderer_vk_queue_family(d->r), d->surface, &present) !=
	            VK_SUCCESS ||
	    !present) {
		LOG_E("the Vulkan device %s cannot present to this window", scrub_renderer_device_name(d->r));
		scrub_desktop_destroy(&d);
		return SCRUB_ERR_RUNTIME;
	}
	VkSemaphoreCreateInfo sem = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
	for (int i = 0; i < MAX_SLOTS; i++)
		if (vkCreateSemaphore(d->device, &sem, NULL, &d->acquired[i]) != VK_SUCCESS)
			res = SCRUB_ERR_RUNTIME;
	if (vkCreateSemaphore(d->device, &sem, NULL, &d->shot_done) != VK_SUCCESS)
		res = SCRUB_ERR_RUNTIME;
	if (res == SCRUB_OK)
		res = create_swapchain(d);
	if (res != SCRUB_OK) {
		scrub_desktop_destroy(&d);
		return res;
	}
	const float eye[3] = {0.f, 1.6f, 1.2f}, at[3] = {0.f, 0.9f, 0.f};
	scrub_desktop_set_camera(d, eye, at, 0.9f);
	*out_desktop = d;
	return SCRUB_OK;
}

void scrub_desktop_destroy(scrub_desktop **desktop)
{
	if (!desktop || !*desktop)
		return;
	scrub_desktop *d = *desktop;
	if (d->device) {
		vkDeviceWaitIdle(d->device);
		destroy_swapchain(d);
		for (int i = 0; i < MAX_SLOTS; i++)
			if (d->acquired[i])
				vkDestroySemaphore(d->device, d->acquired[i], NULL);
		if (d->shot_done)
			vkDestroySemaphore(d->device, d->shot_done, NULL);
	}
	if (d->surface)
		vkDestroySurfaceKHR(d->instance, d->surface, NULL);
	scrub_renderer_destroy(&d->r);
	if (d->window)
		glfwDestroyWindow(d->window);
	glfwTerminate();
	free(d->shot_path);
	free(d);
	*desktop = NULL;
}

void scrub_desktop_set_camera(scrub_desktop *d, const float eye[3], const float target[3], float fovy)
{
	memcpy(d->eye, eye, sizeof(d->eye));
	float dx = target[0] - eye[0], dy = target[1] - eye[1], dz = target[2] - eye[2];
	d->yaw = atan2f(dx, -dz);
	d->pitch = atan2f(dy, sqrtf(dx * dx + dz * dz));
	d->fovy = fovy;
}

void scrub_desktop_camera(const scrub_desktop *d, scrub_render_camera *out)
{
	float cp = cosf(d->pitch);
	float at[3] = {d->eye[0] + cp * sinf(d->yaw), d->eye[1] + sinf(d->pitch), d->eye[2] - cp * cosf(d->yaw)};
	float aspect = d->extent.height ? (float)d->extent.width / (float)d->extent.height : 1.f;
	scrub_render_camera_look(out, d->eye, at, d->fovy, aspect);
}

scrub_renderer *scrub_desktop_renderer(scrub_desktop *d) { return d->r; }
void scrub_desktop_pointer_state(const scrub_desktop *d, scrub_desktop_pointer *out)
{
	GLFWwindow *w = d->window;
	glfwGetCursorPos(w, &out->x, &out->y);
	out->left = glfwGetMouseButton(w, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS;
	out->mods = 0;
	if (glfwGetKey(w, GLFW_KEY_LEFT_SHIFT) == GLFW_PRESS || glfwGetKey(w, GLFW_KEY_RIGHT_SHIFT) == GLFW_PRESS)
		out->mods |= SCRUB_MOD_SHIFT;
	if (glfwGetKey(w, GLFW_KEY_LEFT_CONTROL) == GLFW_PRESS || glfwGetKey(w, GLFW_KEY_RIGHT_CONTROL) == GLFW_PRESS)
		out->mods |= SCRUB_MOD_CONTROL;
}

void scrub_desktop_request_screenshot(scrub_desktop *d, const char *path)
{
	free(d->shot_path);
	d->shot_path = path ? strdup(path) : NULL;
}

static void move_camera(scrub_desktop *d, float dt)
{
	GLFWwindow *w = d->window;
	double x, y;
	glfwGetCursorPos(w, &x, &y);
	bool look = glfwGetMouseButton(w, GLFW_MOUSE_BUTTON_RIGHT) == GLFW_PRESS;
	if (look && d->looking) {
		d->yaw += (float)(x - d->last_x) * 0.004f;
		d->pitch -= (float)(y - d->last_y) * 0.004f;
		d->pitch = fmaxf(-1.5f, fminf(1.5f, d->pitch));
	}
	d->looking = look;
	d->last_x = x;
	d->last_y = y;
	float speed = (glfwGetKey(w, GLFW_KEY_LEFT_SHIFT) == GLFW_PRESS ? 2.0f : 0.5f) * dt;
	float fwd[3] = {sinf(d->yaw), 0.f, -cosf(d->yaw)}, right[3] = {cosf(d->yaw), 0.f, sinf(d->yaw)};
	float mf = (float)(glfwGetKey(w, GLFW_KEY_W) == GLFW_PRESS) - (float)(glfwGetKey(w, GLFW_KEY_S) == GLFW_PRESS);
	float mr = (float)(glfwGetKey(w, GLFW_KEY_D) == GLFW_PRESS) - (float)(glfwGetKey(w, GLFW_KEY_A) == GLFW_PRESS);
	float mu = (float)(glfwGetKey(w, GLFW_KEY_E) == GLFW_PRESS) - (float)(glfwGetKey(w, GLFW_KEY_Q) == GLFW_PRESS);
	for (int i = 0; i < 3; i++)
		d->eye[i] += (fwd[i] * mf + right[i] * mr) * speed;
	d->eye[1] += mu * speed;
	if (glfwGetKey(w, GLFW_KEY_ESCAPE) == GLFW_PRESS)
		glfwSetWindowShouldClose(w, GLFW_TRUE);
}

/* Copies the drawn image (in TRANSFER_SRC layout) to host memory, hands it on to presentation, writes the PNG. */
static scrub_result screenshot(scrub_desktop *d, uint32_t index, VkSemaphore drawn, VkSemaphore present)
{
	uint32_t w = d->extent.width, h = d->extent.height;
	VkDeviceSize size = (VkDeviceSize)w * h * 4;
	scrub_vk_device vkd = {.fn = scrub_vk_loader_fns(), .device = d->device};
	vkGetPhysicalDeviceMemoryProperties(d->phys, &vkd.memprops);
	scrub_vk_buffer rb = {0};
	VkCommandPool pool = VK_NULL_HANDLE;
	VkFence fence = VK_NULL_HANDLE;
	scrub_result res = SCRUB_ERR_RUNTIME;
	VkCommandPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
	                               .queueFamilyIndex = scrub_renderer_vk_queue_family(d->r)};
	VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
	if (scrub_vk_buffer_create(&vkd, size, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
	                           VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
	                           &rb) != VK_SUCCESS ||
	    vkCreateCommandPool(d->device, &pci, NULL, &pool) != VK_SUCCESS ||
	    vkCreateFence(d->device, &fci, NULL, &fence) != VK_SUCCESS)
		goto out;
	VkCommandBufferAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
	                                  .commandPool = pool,
	                                  .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
	                                  .commandBufferCount = 1};
	VkCommandBuffer cmd;
	VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
	                               .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
	if (vkAllocateCommandBuffers(d->device, &ai, &cmd) != VK_SUCCESS || vkBeginCommandBuffer(cmd, &bi) != VK_SUCCESS)
		goto out;
	VkBufferImageCopy bic = {.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1}, .imageExtent = {w, h, 1}};
	vkCmdCopyImageToBuffer(cmd, d->images[index], VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, rb.buf, 1, &bic);
	VkImageMemoryBarrier2 ib = {
		.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2,
		.srcStageMask = VK_PIPELINE_STAGE_2_COPY_BIT,
		.srcAccessMask = VK_ACCESS_2_TRANSFER_READ_BIT,
		.dstStageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
		.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
		.newLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
		.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.image = d->images[index],
		.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
	};
	VkBufferMemoryBarrier2 bb = {
		.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
		.srcStageMask = VK_PIPELINE_STAGE_2_COPY_BIT,
		.srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT,
		.dstStageMask = VK_PIPELINE_STAGE_2_HOST_BIT,
		.dstAccessMask = VK_ACCESS_2_HOST_READ_BIT,
		.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.buffer = rb.buf,
		.size = VK_WHOLE_SIZE,
	};
	VkDependencyInfo dep = {.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
	                        .bufferMemoryBarrierCount = 1,
	                        .pBufferMemoryBarriers = &bb,
	                        .imageMemoryBarrierCount = 1,
	                        .pImageMemoryBarriers = &ib};
	vkCmdPipelineBarrier2(cmd, &dep);
	if (vkEndCommandBuffer(cmd) != VK_SUCCESS)
		goto out;
	VkSemaphoreSubmitInfo wait = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
	                              .semaphore = drawn,
	                              .stageMask = VK_PIPELINE_STAGE_2_COPY_BIT};
	VkSemaphoreSubmitInfo signal = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
	                                .semaphore = present,
	                                .stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT};
	VkCommandBufferSubmitInfo cbi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO, .commandBuffer = cmd};
	VkSubmitInfo2 si = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
	                    .waitSemaphoreInfoCount = 1,
	                    .pWaitSemaphoreInfos = &wait,
	                    .commandBufferInfoCount = 1,
	                    .pCommandBufferInfos = &cbi,
	                    .signalSemaphoreInfoCount = 1,
	                    .pSignalSemaphoreInfos = &signal};
	if (vkQueueSubmit2(d->queue, 1, &si, fence) != VK_SUCCESS ||
	    vkWaitForFences(d->device, 1, &fence, VK_TRUE, UINT64_MAX) != VK_SUCCESS)
		goto out;
	uint8_t *px = rb.map;
	if (d->format == VK_FORMAT_B8G8R8A8_UNORM || d->format == VK_FORMAT_B8G8R8A8_SRGB)
		for (size_t i = 0; i < (size_t)w * h; i++) {
			uint8_t t = px[4 * i];
			px[4 * i] = px[4 * i + 2];
			px[4 * i + 2] = t;
		}
	for (size_t i = 0; i < (size_t)w * h; i++)
		px[4 * i + 3] = 255;
	res = scrub_image_write_png(d->shot_path, w, h, px);
	if (res == SCRUB_OK)
		LOG_I("screenshot %ux%u written to %s", w, h, d->shot_path);
out:
	if (res != SCRUB_OK)
		LOG_E("screenshot to %s failed", d->shot_path);
	if (fence)
		vkDestroyFence(d->device, fence, NULL);
	if (pool)
		vkDestroyCommandPool(d->device, pool, NULL);
	scrub_vk_buffer_destroy(&vkd, &rb);
	return res;
}

scrub_result scrub_desktop_run(scrub_desktop *d, scrub_desktop_frame_fn frame_fn, void *user, uint64_t max_frames)
{
	double prev = glfwGetTime();
	scrub_result res = SCRUB_OK;
	for (uint64_t n = 0; (!max_frames || n < max_frames) && !glfwWindowShouldClose(d->window); n++) {
		glfwPollEvents();
		double now = glfwGetTime();
		scrub_desktop_frame_info info = {n, now - prev, d->extent.width, d->extent.height};
		prev = now;
		move_camera(d, (float)info.dt);
		if (d->resized && (res = create_swapchain(d)) != SCRUB_OK)
			return res;
		uint32_t slot = 0, slots = 0;
		if ((res = scrub_renderer_vk_next_slot(d->r, &slot, &slots)) != SCRUB_OK)
			return res;
		uint32_t index = 0;
		VkResult vr = vkAcquireNextImageKHR(d->device, d->swapchain, UINT64_MAX, d->acquired[slot % MAX_SLOTS],
		                                    VK_NULL_HANDLE, &index);
		if (vr == VK_ERROR_OUT_OF_DATE_KHR) {
			d->resized = true;
			continue;
		}
		if (vr != VK_SUCCESS && vr != VK_SUBOPTIMAL_KHR) {
			LOG_E("vkAcquireNextImageKHR failed: VkResult %d", (int)vr);
			return SCRUB_ERR_RUNTIME;
		}
		info.width = d->extent.width;
		info.height = d->extent.height;
		const scrub_render_snapshot *snap = frame_fn(user, d, &info);
		bool shot = snap && d->shot_path && d->can_copy;
		scrub_render_vk_target t = {
			.image = d->images[index],
			.view = d->views[index],
			.format = d->format,
			.width = d->extent.width,
			.height = d->extent.height,
			.layers = 1,
			.old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
			.final_layout = shot ? VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL : VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
		};
		scrub_render_snapshot empty = {.camera.view_count = 1};
		scrub_render_vk_sync sync = {d->acquired[slot % MAX_SLOTS], shot ? d->shot_done : d->render_done[index]};
		/* an acquired image must be presented: with no snapshot, present a cleared frame and stop */
		if ((res = scrub_renderer_vk_draw(d->r, &t, snap ? snap : &empty, &sync)) != SCRUB_OK)
			return res;
		if (shot) {
			res = screenshot(d, index, d->shot_done, d->render_done[index]);
			free(d->shot_path);
			d->shot_path = NULL;
			if (res != SCRUB_OK)
				return res;
		} else if (snap && d->shot_path) {
			LOG_E("screenshot impossible: the swapchain images cannot be a transfer source");
			free(d->shot_path);
			d->shot_path = NULL;
		}
		VkPresentInfoKHR pi = {
			.sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR,
			.waitSemaphoreCount = 1,
			.pWaitSemaphores = &d->render_done[index],
			.swapchainCount = 1,
			.pSwapchains = &d->swapchain,
			.pImageIndices = &index,
		};
		vr = vkQueuePresentKHR(d->queue, &pi);
		if (vr == VK_ERROR_OUT_OF_DATE_KHR || vr == VK_SUBOPTIMAL_KHR)
			d->resized = true;
		else if (vr != VK_SUCCESS) {
			LOG_E("vkQueuePresentKHR failed: VkResult %d", (int)vr);
			return SCRUB_ERR_RUNTIME;
		}
		if (!snap)
			break;
	}
	return scrub_renderer_wait_idle(d->r);
}
