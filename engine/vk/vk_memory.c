/* Memory types, buffers and image memory through a table of device functions (scrub_vk.h). */
#include <string.h>

#include "scrub_vk.h"

bool scrub_vk_memory_type(const VkPhysicalDeviceMemoryProperties *mp, uint32_t bits, VkMemoryPropertyFlags want,
                          uint32_t *out_type)
{
	for (uint32_t i = 0; i < mp->memoryTypeCount; i++)
		if ((bits & (1u << i)) && (mp->memoryTypes[i].propertyFlags & want) == want) {
			*out_type = i;
			return true;
		}
	return false;
}

VkResult scrub_vk_buffer_create(const scrub_vk_device *d, VkDeviceSize size, VkBufferUsageFlags usage,
                                VkMemoryPropertyFlags props, scrub_vk_buffer *out)
{
	memset(out, 0, sizeof(*out));
	VkBufferCreateInfo bci = {
		.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
		.size = size,
		.usage = usage,
		.sharingMode = VK_SHARING_MODE_EXCLUSIVE,
	};
	VkResult vr = d->fn->CreateBuffer(d->device, &bci, NULL, &out->buf);
	if (vr != VK_SUCCESS)
		return vr;
	VkMemoryRequirements req;
	d->fn->GetBufferMemoryRequirements(d->device, out->buf, &req);
	uint32_t type = 0;
	bool host = props & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
	/* readback and streaming prefer cached/coherent host memory; fall back to plain coherent */
	if (!scrub_vk_memory_type(&d->memprops, req.memoryTypeBits, props, &type) &&
	    !(host && scrub_vk_memory_type(&d->memprops, req.memoryTypeBits,
	                                   VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
	                                   &type)))
		vr = VK_ERROR_UNKNOWN;
	VkMemoryAllocateInfo mai = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
		.allocationSize = req.size,
		.memoryTypeIndex = type,
	};
	if (vr == VK_SUCCESS)
		vr = d->fn->AllocateMemory(d->device, &mai, NULL, &out->mem);
	if (vr == VK_SUCCESS)
		vr = d->fn->BindBufferMemory(d->device, out->buf, out->mem, 0);
	if (vr == VK_SUCCESS && host)
		vr = d->fn->MapMemory(d->device, out->mem, 0, VK_WHOLE_SIZE, 0, &out->map);
	if (vr != VK_SUCCESS) {
		scrub_vk_buffer_destroy(d, out);
		return vr;
	}
	out->size = size;
	return VK_SUCCESS;
}

void scrub_vk_buffer_destroy(const scrub_vk_device *d, scrub_vk_buffer *b)
{
	if (b->buf)
		d->fn->DestroyBuffer(d->device, b->buf, NULL);
	if (b->mem)
		d->fn->FreeMemory(d->device, b->mem, NULL);
	memset(b, 0, sizeof(*b));
}

VkResult scrub_vk_image_memory(const scrub_vk_device *d, VkImage image, VkDeviceMemory *out_mem)
{
	*out_mem = VK_NULL_HANDLE;
	VkMemoryRequirements req;
	d->fn->GetImageMemoryRequirements(d->device, image, &req);
	uint32_t type = 0;
	if (!scrub_vk_memory_type(&d->memprops, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &type) &&
	    !scrub_vk_memory_type(&d->memprops, req.memoryTypeBits, 0, &type))
		return VK_ERROR_UNKNOWN;
	VkMemoryAllocateInfo mai = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
		.allocationSize = req.size,
		.memoryTypeIndex = type,
	};
	VkResult vr = d->fn->AllocateMemory(d->device, &mai, NULL, out_mem);
	if (vr == VK_SUCCESS)
		vr = d->fn->BindImageMemory(d->device, image, *out_mem, 0);
	if (vr != VK_SUCCESS && *out_mem) {
		d->fn->FreeMemory(d->device, *out_mem, NULL);
		*out_mem = VK_NULL_HANDLE;
	}
	return vr;
}
