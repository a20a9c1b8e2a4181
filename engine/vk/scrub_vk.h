/* The Vulkan setup that the renderer, the desktop window, the headset (engine/xr) and the simulated runtime
 * (tools/simxr) share: the instance's create info, which device and queue Scrub can draw with, the device's create
 * info, memory types, buffers and image memory. It sees base and Vulkan only, so simxr links it without seeing the
 * renderer.
 *
 * The helpers that create objects go through a table of device functions (scrub_vk_fns): the engine fills it from
 * the loader it links (scrub_vk_loader_fns), simxr from the application's vkGetInstanceProcAddr. */
#ifndef SCRUB_VK_H
#define SCRUB_VK_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SCRUB_VK_VALIDATION_LAYER "VK_LAYER_KHRONOS_validation"

/* The device functions the helpers call (X(name) for vkname). */
#define SCRUB_VK_FNS(X)                  \
	X(CreateBuffer)                  \
	X(DestroyBuffer)                 \
	X(GetBufferMemoryRequirements)   \
	X(BindBufferMemory)              \
	X(GetImageMemoryRequirements)    \
	X(BindImageMemory)               \
	X(AllocateMemory)                \
	X(FreeMemory)                    \
	X(MapMemory)

typedef struct scrub_vk_fns {
#define SCRUB_VK_FN_DECL(name) PFN_vk##name name;
	SCRUB_VK_FNS(SCRUB_VK_FN_DECL)
#undef SCRUB_VK_FN_DECL
} scrub_vk_fns;

/* The functions of the Vulkan loader the engine links (vk_loader.c: simxr does not pull it in). */
const scrub_vk_fns *scrub_vk_loader_fns(void);

/* A device and what the helpers need to know of it. */
typedef struct scrub_vk_device {
	const scrub_vk_fns *fn;
	VkDevice device;
	VkPhysicalDeviceMemoryProperties memprops;
} scrub_vk_device;

/* Whether an instance layer is installed. */
bool scrub_vk_layer_available(const char *name);

/* What Scrub creates its instance with (Vulkan 1.3, "scrub"): fill, then adjust ci (pNext, extensions) if needed. */
typedef struct scrub_vk_instance_info {
	VkApplicationInfo app;
	VkInstanceCreateInfo ci;
	const char *layer;
} scrub_vk_instance_info;
void scrub_vk_instance_info_init(scrub_vk_instance_info *ii, bool validation, const char *const *extensions,
                                 uint32_t extension_count);

/* Whether Scrub can draw with a physical device: Vulkan 1.3 with dynamic rendering, synchronization2 and multiview,
 * and a graphics queue (its family in out_family). Returns a score (discrete 4, integrated 3, virtual 2, other 1)
 * or -1 when it cannot; out_props (may be NULL) receives the device's properties. */
int scrub_vk_device_score(VkPhysicalDevice pd, uint32_t *out_family, VkPhysicalDeviceProperties *out_props);

/* What Scrub creates its device with: one queue of `family` and the features scrub_vk_device_score asks for. */
typedef struct scrub_vk_device_info {
	float priority;
	VkDeviceQueueCreateInfo queue;
	VkPhysicalDeviceVulkan11Features f11;
	VkPhysicalDeviceVulkan13Features f13;
	VkDeviceCreateInfo ci;
} scrub_vk_device_info;
/* The structure points into itself: do not copy it after this. */
void scrub_vk_device_info_init(scrub_vk_device_info *di, uint32_t family, const char *const *extensions,
                               uint32_t extension_count);

/* The first memory type among `bits` with all the `want` properties. */
bool scrub_vk_memory_type(const VkPhysicalDeviceMemoryProperties *mp, uint32_t bits, VkMemoryPropertyFlags want,
                          uint32_t *out_type);

typedef struct scrub_vk_buffer {
	VkBuffer buf;
	VkDeviceMemory mem;
	VkDeviceSize size;
	void *map;  /* mapped when the memory is host visible */
} scrub_vk_buffer;

/* A buffer with its own memory; host-visible memory falls back to plain host-coherent and is mapped. On failure
 * nothing is left behind (out zeroed) and the VkResult says why (VK_ERROR_UNKNOWN: no memory type). */
VkResult scrub_vk_buffer_create(const scrub_vk_device *d, VkDeviceSize size, VkBufferUsageFlags usage,
                                VkMemoryPropertyFlags props, scrub_vk_buffer *out);
void scrub_vk_buffer_destroy(const scrub_vk_device *d, scrub_vk_buffer *b);

/* Memory for an image (device-local where there is such a type), bound to it. */
VkResult scrub_vk_image_memory(const scrub_vk_device *d, VkImage image, VkDeviceMemory *out_mem);

#ifdef __cplusplus
}
#endif

#endif
