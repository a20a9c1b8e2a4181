/* Scrub renderer: the Vulkan-specific part of the API.
 *
 * The renderer does not own a swapchain. A window (engine/desktop) or an OpenXR session (engine/xr) hands it the
 * image to render into; with 2 layers the two eyes are drawn in one multiview pass (viewMask 0b11). */
#ifndef SCRUB_RENDER_VK_H
#define SCRUB_RENDER_VK_H

#include <vulkan/vulkan.h>

#include "scrub_render.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An image the caller owns, rendered into as the resolve target (or directly when MSAA is off). */
typedef struct scrub_render_vk_target {
	VkImage image;
	VkImageView view;            /* 2D for 1 layer, 2D array with `layers` layers for stereo */
	VkFormat format;             /* *_UNORM: the shader encodes sRGB; *_SRGB: the hardware does */
	uint32_t width, height;
	uint32_t layers;             /* 1 or 2; must equal the snapshot's camera.view_count */
	VkImageLayout old_layout;    /* layout at the start of the frame; UNDEFINED discards the contents */
	VkImageLayout final_layout;  /* layout left at the end, e.g. PRESENT_SRC_KHR or COLOR_ATTACHMENT_OPTIMAL */
	/* Optional: an image (format scrub_renderer_vk_depth_format, `layers` layers, TRANSFER_DST usage) that receives
	 * the frame's depth, for an XR compositor's reprojection. Only without MSAA (samples 1); otherwise ignored. */
	VkImage depth_image;
	VkImageLayout depth_final_layout;
} scrub_render_vk_target;

/* Optional semaphores for a swapchain: wait before writing the target, signal when the frame is done. */
typedef struct scrub_render_vk_sync {
	VkSemaphore wait;            /* VK_NULL_HANDLE = none */
	VkSemaphore signal;          /* VK_NULL_HANDLE = none */
} scrub_render_vk_sync;

/* Instance and device made by someone else (OpenXR's xrCreateVulkanDeviceKHR). The renderer does not destroy them. */
typedef struct scrub_render_vk_external {
	VkInstance instance;
	VkPhysicalDevice physical_device;
	VkDevice device;
	uint32_t queue_family;
	uint32_t queue_index;
} scrub_render_vk_external;

scrub_result scrub_renderer_create_vk(const scrub_render_desc *desc, const scrub_render_vk_external *external,
                                      scrub_renderer **out_renderer);

/* Records and submits one frame into the target. Waits only for the frame-in-flight slot it reuses. */
scrub_result scrub_renderer_vk_draw(scrub_renderer *renderer, const scrub_render_vk_target *target,
                                    const scrub_render_snapshot *snapshot, const scrub_render_vk_sync *sync);

/* Waits until the frame-in-flight slot the next draw will use is free and returns its index (0 .. count-1): a
 * swapchain owner uses it to pick per-slot acquire semaphores that are no longer in use. */
scrub_result scrub_renderer_vk_next_slot(scrub_renderer *renderer, uint32_t *out_slot, uint32_t *out_slot_count);

/* The depth format the renderer draws with, and its sample count (depth can be handed out only at 1). */
VkFormat scrub_renderer_vk_depth_format(const scrub_renderer *renderer);
uint32_t scrub_renderer_vk_samples(const scrub_renderer *renderer);

VkInstance scrub_renderer_vk_instance(const scrub_renderer *renderer);
VkPhysicalDevice scrub_renderer_vk_physical_device(const scrub_renderer *renderer);
VkDevice scrub_renderer_vk_device(const scrub_renderer *renderer);
VkQueue scrub_renderer_vk_queue(const scrub_renderer *renderer);
uint32_t scrub_renderer_vk_queue_family(const scrub_renderer *renderer);

#ifdef __cplusplus
}
#endif

#endif
