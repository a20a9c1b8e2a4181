/* The instance's and the device's create info, and which devices Scrub can draw with (scrub_vk.h). */
#include <stdlib.h>
#include <string.h>

#include "scrub_vk.h"

bool scrub_vk_layer_available(const char *name)
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

void scrub_vk_instance_info_init(scrub_vk_instance_info *ii, bool validation, const char *const *extensions,
                                 uint32_t extension_count)
{
	ii->layer = SCRUB_VK_VALIDATION_LAYER;
	ii->app = (VkApplicationInfo){
		.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
		.pApplicationName = "scrub",
		.applicationVersion = 1,
		.pEngineName = "scrub",
		.apiVersion = VK_API_VERSION_1_3,
	};
	ii->ci = (VkInstanceCreateInfo){
		.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
		.pApplicationInfo = &ii->app,
		.enabledLayerCount = validation ? 1 : 0,
		.ppEnabledLayerNames = &ii->layer,
		.enabledExtensionCount = extension_count,
		.ppEnabledExtensionNames = extensions,
	};
}

int scrub_vk_device_score(VkPhysicalDevice pd, uint32_t *out_family, VkPhysicalDeviceProperties *out_props)
{
	VkPhysicalDeviceProperties props;
	vkGetPhysicalDeviceProperties(pd, &props);
	if (out_props)
		*out_props = props;
	if (props.apiVersion < VK_API_VERSION_1_3)
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

void scrub_vk_device_info_init(scrub_vk_device_info *di, uint32_t family, const char *const *extensions,
                               uint32_t extension_count)
{
	di->priority = 1.f;
	di->queue = (VkDeviceQueueCreateInfo){
		.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
		.queueFamilyIndex = family,
		.queueCount = 1,
		.pQueuePriorities = &di->priority,
	};
	di->f11 = (VkPhysicalDeviceVulkan11Features){.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES,
	                                             .multiview = VK_TRUE};
	di->f13 = (VkPhysicalDeviceVulkan13Features){.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
	                                             .pNext = &di->f11,
	                                             .dynamicRendering = VK_TRUE,
	                                             .synchronization2 = VK_TRUE};
	di->ci = (VkDeviceCreateInfo){
		.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
		.pNext = &di->f13,
		.queueCreateInfoCount = 1,
		.pQueueCreateInfos = &di->queue,
		.enabledExtensionCount = extension_count,
		.ppEnabledExtensionNames = extensions,
	};
}
