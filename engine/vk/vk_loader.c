/* The device functions of the Vulkan loader the engine links (scrub_vk.h). */
#include "scrub_vk.h"

const scrub_vk_fns *scrub_vk_loader_fns(void)
{
#define FROM_LOADER(name) .name = vk##name,
	static const scrub_vk_fns fns = {SCRUB_VK_FNS(FROM_LOADER)};
#undef FROM_LOADER
	return &fns;
}
