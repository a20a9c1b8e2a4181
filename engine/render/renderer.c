/* The Vulkan 1.3 renderer: dynamic rendering, synchronization2, frames in flight, staging uploads for static data,
 * MSAA with resolve into the caller's target, multiview (viewMask 0b11) for stereo targets. */
#define SCRUB_LOG_MODULE "render"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "renderer_vk.h"

#define DEFAULT_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

static scrub_result create_frames(scrub_renderer *r)
{
	VkDescriptorPoolSize sizes[2] = {
		{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, MAX_FRAMES},
		{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, MAX_FRAMES},
	};
	VkDescriptorPoolCreateInfo dp = {
		.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
		.maxSets = MAX_FRAMES,
		.poolSizeCount = 2,
		.pPoolSizes = sizes,
	};
	VK_CHECK(vkCreateDescriptorPool(r->device, &dp, NULL, &r->dpool));
	VkSamplerCreateInfo sci = {
		.sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO,
		.magFilter = VK_FILTER_LINEAR,
		.minFilter = VK_FILTER_LINEAR,
		.addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
		.addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
		.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
	};
	VK_CHECK(vkCreateSampler(r->device, &sci, NULL, &r->sampler));
	for (uint32_t i = 0; i < r->frame_count; i++) {
		frame *f = &r->frames[i];
		VkCommandBufferAllocateInfo ai = {
			.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
			.commandPool = r->pool,
			.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
			.commandBufferCount = 1,
		};
		VK_CHECK(vkAllocateCommandBuffers(r->device, &ai, &f->cmd));
		VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
		VK_CHECK(vkCreateFence(r->device, &fci, NULL, &f->fence));
		scrub_result res = rvk_buffer_create(r, sizeof(gpu_frame_data), VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT,
		                                     VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
		                                     &f->ubo);
		if (res != SCRUB_OK)
			return res;
		VkDescriptorSetAllocateInfo dai = {
			.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
			.descriptorPool = r->dpool,
			.descriptorSetCount = 1,
			.pSetLayouts = &r->set_layout,
		};
		VK_CHECK(vkAllocateDescriptorSets(r->device, &dai, &f->set));
		VkDescriptorBufferInfo dbi = {f->ubo.buf, 0, sizeof(gpu_frame_data)};
		VkDescriptorImageInfo dii = {r->sampler, r->atlas.view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
		VkWriteDescriptorSet w[2] = {
			{.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
			 .dstSet = f->set,
			 .dstBinding = 0,
			 .descriptorCount = 1,
			 .descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER,
			 .pBufferInfo = &dbi},
			{.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
			 .dstSet = f->set,
			 .dstBinding = 1,
			 .descriptorCount = 1,
			 .descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
			 .pImageInfo = &dii},
		};
		vkUpdateDescriptorSets(r->device, 2, w, 0, NULL);
	}
	return SCRUB_OK;
}

static scrub_result renderer_init(scrub_renderer *r, const scrub_render_desc *desc)
{
	r->vkd.fn = scrub_vk_loader_fns();
	r->vkd.device = r->device;
	vkGetPhysicalDeviceMemoryProperties(r->phys, &r->vkd.memprops);
	VkPhysicalDeviceProperties props;
	vkGetPhysicalDeviceProperties(r->phys, &props);
	snprintf(r->device_name, sizeof(r->device_name), "%s", props.deviceName);
	vkGetDeviceQueue(r->device, r->qfamily, 0, &r->queue);

	/* default MSAA: 4x on GPUs; off on CPU devices (lavapipe), where 4x costs about 3.5x the frame time */
	uint32_t want = desc->samples ? desc->samples : props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU ? 1 : 4;
	VkSampleCountFlags ok = props.limits.framebufferColorSampleCounts & props.limits.framebufferDepthSampleCounts;
	r->samples = 1;
	for (uint32_t s = 2; s <= want && s <= 8; s *= 2)
		if (ok & s)
			r->samples = s;
	r->frame_count = desc->frames_in_flight ? desc->frames_in_flight : 2;
	if (r->frame_count > MAX_FRAMES)
		r->frame_count = MAX_FRAMES;
	const VkFormat depths[3] = {VK_FORMAT_D32_SFLOAT, VK_FORMAT_X8_D24_UNORM_PACK32, VK_FORMAT_D16_UNORM};
	for (int i = 0; i < 3 && !r->depth_format; i++) {
		VkFormatProperties fp;
		vkGetPhysicalDeviceFormatProperties(r->phys, depths[i], &fp);
		if (fp.optimalTilingFeatures & VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT)
			r->depth_format = depths[i];
	}
	/* lavapipe (Mesa 22.3) mixes the depth of the two views of a multiview pass (the right eye's depth test sees
	 * the left eye's depth; tests/render shows it): there, stereo is drawn as one pass per view.
	 * SCRUB_VK_MULTIVIEW=0/1 overrides. */
	VkPhysicalDeviceVulkan12Properties p12 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES};
	VkPhysicalDeviceProperties2 p2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &p12};
	vkGetPhysicalDeviceProperties2(r->phys, &p2);
	r->multiview = p12.driverID != VK_DRIVER_ID_MESA_LLVMPIPE;
	const char *mv = getenv("SCRUB_VK_MULTIVIEW");
	if (mv && *mv)
		r->multiview = strcmp(mv, "0") != 0;
	LOG_I("device %s, MSAA %ux, %u frames in flight, stereo %s", r->device_name, r->samples, r->frame_count,
	      r->multiview ? "multiview" : "one pass per view");

	VkCommandPoolCreateInfo cpi = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
		.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
		.queueFamilyIndex = r->qfamily,
	};
	VK_CHECK(vkCreateCommandPool(r->device, &cpi, NULL, &r->pool));
	const char *font = getenv("SCRUB_FONT");
	scrub_result res = ui_font_init(&r->font, font && *font ? font : DEFAULT_FONT);
	if (res == SCRUB_OK)
		res = rvk_upload_static(r);
	if (res == SCRUB_OK)
		res = rvk_create_layouts(r);
	if (res == SCRUB_OK)
		res = create_frames(r);
	return res;
}

scrub_result scrub_renderer_create_vk(const scrub_render_desc *desc, const scrub_render_vk_external *external,
                                      scrub_renderer **out_renderer)
{
	static const scrub_render_desc defaults = {0};
	if (!desc)
		desc = &defaults;
	*out_renderer = NULL;
	scrub_renderer *r = calloc(1, sizeof(*r));
	if (!r)
		return SCRUB_ERR_NOMEM;
	scrub_result res = SCRUB_OK;
	if (external) {
		r->instance = external->instance;
		r->phys = external->physical_device;
		r->device = external->device;
		r->qfamily = external->queue_family;
	} else {
		res = rvk_create_instance(r, desc);
		if (res == SCRUB_OK)
			res = rvk_create_device(r, desc);
	}
	if (res == SCRUB_OK)
		res = renderer_init(r, desc);
	if (res != SCRUB_OK) {
		scrub_renderer_destroy(&r);
		return res;
	}
	*out_renderer = r;
	return SCRUB_OK;
}

scrub_result scrub_renderer_create(const scrub_render_desc *desc, scrub_renderer **out_renderer)
{
	return scrub_renderer_create_vk(desc, NULL, out_renderer);
}

void rvk_destroy_attachments(scrub_renderer *r)
{
	for (int i = 0; i < 2; i++) {
		rvk_destroy_view(r, &r->msaa_layers[i]);
		rvk_destroy_view(r, &r->depth_layers[i]);
	}
	rvk_image_destroy(r, &r->msaa);
	rvk_image_destroy(r, &r->depth);
	r->att_w = r->att_h = r->att_layers = 0;
}

void scrub_renderer_destroy(scrub_renderer **renderer)
{
	if (!renderer || !*renderer)
		return;
	scrub_renderer *r = *renderer;
	if (r->device) {
		vkDeviceWaitIdle(r->device);
		rvk_destroy_attachments(r);
		for (uint32_t i = 0; i < MAX_FRAMES; i++) {
			frame *f = &r->frames[i];
			rvk_buffer_destroy(r, &f->ubo);
			rvk_buffer_destroy(r, &f->stream);
			rvk_destroy_view(r, &f->target_layers[0]);
			rvk_destroy_view(r, &f->target_layers[1]);
			if (f->fence)
				vkDestroyFence(r->device, f->fence, NULL);
		}
		for (uint32_t i = 0; i < r->variant_count; i++) {
			vkDestroyPipeline(r->device, r->variants[i].mesh, NULL);
			vkDestroyPipeline(r->device, r->variants[i].mesh_vlit, NULL);
			vkDestroyPipeline(r->device, r->variants[i].occluder, NULL);
			vkDestroyPipeline(r->device, r->variants[i].tissue, NULL);
			vkDestroyPipeline(r->device, r->variants[i].ui, NULL);
			vkDestroyPipeline(r->device, r->variants[i].body, NULL);
			vkDestroyPipeline(r->device, r->variants[i].body_vlit, NULL);
		}
		for (int i = 0; i < 12; i++)
			if (r->mods[i])
				vkDestroyShaderModule(r->device, r->mods[i], NULL);
		if (r->layout)
			vkDestroyPipelineLayout(r->device, r->layout, NULL);
		if (r->set_layout)
			vkDestroyDescriptorSetLayout(r->device, r->set_layout, NULL);
		if (r->dpool)
			vkDestroyDescriptorPool(r->device, r->dpool, NULL);
		if (r->sampler)
			vkDestroySampler(r->device, r->sampler, NULL);
		rvk_image_destroy(r, &r->atlas);
		for (uint32_t i = 0; i < r->mesh_count; i++) {
			rvk_buffer_destroy(r, &r->meshes[i].vb);
			rvk_buffer_destroy(r, &r->meshes[i].ib);
		}
		rvk_buffer_destroy(r, &r->body_vb);
		rvk_buffer_destroy(r, &r->body_ib);
		if (r->pool)
			vkDestroyCommandPool(r->device, r->pool, NULL);
		if (r->owns_device)
			vkDestroyDevice(r->device, NULL);
	}
	if (r->messenger) {
		PFN_vkDestroyDebugUtilsMessengerEXT destroy = (PFN_vkDestroyDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
			r->instance, "vkDestroyDebugUtilsMessengerEXT");
		if (destroy)
			destroy(r->instance, r->messenger, NULL);
	}
	if (r->instance && r->owns_device)
		vkDestroyInstance(r->instance, NULL);
	else if (r->instance && !r->device)
		vkDestroyInstance(r->instance, NULL); /* our instance, device creation failed */
	ui_font_fini(&r->font);
	ui_builder_fini(&r->ui);
	free(r->order);
	free(r->order_key);
	free(r->meshes);
	free(r);
	*renderer = NULL;
}

const char *scrub_renderer_device_name(const scrub_renderer *r) { return r->device_name; }
uint32_t scrub_renderer_validation_messages(const scrub_renderer *r) { return r->validation_messages; }
uint32_t scrub_renderer_samples(const scrub_renderer *r) { return r->samples; }
VkInstance scrub_renderer_vk_instance(const scrub_renderer *r) { return r->instance; }
VkPhysicalDevice scrub_renderer_vk_physical_device(const scrub_renderer *r) { return r->phys; }
VkDevice scrub_renderer_vk_device(const scrub_renderer *r) { return r->device; }
VkQueue scrub_renderer_vk_queue(const scrub_renderer *r) { return r->queue; }
uint32_t scrub_renderer_vk_queue_family(const scrub_renderer *r) { return r->qfamily; }

scrub_result scrub_renderer_vk_next_slot(scrub_renderer *r, uint32_t *out_slot, uint32_t *out_slot_count)
{
	frame *f = &r->frames[r->frame_index];
	if (f->submitted) {
		VK_CHECK(vkWaitForFences(r->device, 1, &f->fence, VK_TRUE, UINT64_MAX));
		VK_CHECK(vkResetFences(r->device, 1, &f->fence));
		f->submitted = false;
	}
	*out_slot = r->frame_index;
	*out_slot_count = r->frame_count;
	return SCRUB_OK;
}

scrub_result scrub_renderer_wait_idle(scrub_renderer *r)
{
	VK_CHECK(vkDeviceWaitIdle(r->device));
	return SCRUB_OK;
}

scrub_result scrub_render_offscreen_create(scrub_renderer *r, uint32_t width, uint32_t height, uint32_t layers,
                                           scrub_render_offscreen **out_offscreen)
{
	*out_offscreen = NULL;
	if (!width || !height || width > 8192 || height > 8192 || layers < 1 || layers > 2) {
		LOG_E("offscreen %ux%u with %u layers: out of range", width, height, layers);
		return SCRUB_ERR_INVALID;
	}
	scrub_render_offscreen *o = calloc(1, sizeof(*o));
	if (!o)
		return SCRUB_ERR_NOMEM;
	o->r = r;
	o->width = width;
	o->height = height;
	o->layers = layers;
	scrub_result res = rvk_image_create(r, width, height, layers, VK_FORMAT_R8G8B8A8_UNORM, 1,
	                                    VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
	                                        VK_IMAGE_USAGE_TRANSFER_DST_BIT,
	                                    VK_IMAGE_ASPECT_COLOR_BIT, &o->target);
	if (res == SCRUB_OK)
		res = rvk_buffer_create(r, (VkDeviceSize)width * height * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
		                        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT |
		                            VK_MEMORY_PROPERTY_HOST_CACHED_BIT,
		                        &o->readback);
	if (res != SCRUB_OK) {
		scrub_render_offscreen_destroy(&o);
		return res;
	}
	*out_offscreen = o;
	return SCRUB_OK;
}

void scrub_render_offscreen_destroy(scrub_render_offscreen **offscreen)
{
	if (!offscreen || !*offscreen)
		return;
	scrub_render_offscreen *o = *offscreen;
	vkDeviceWaitIdle(o->r->device);
	rvk_image_destroy(o->r, &o->target);
	rvk_buffer_destroy(o->r, &o->readback);
	free(o);
	*offscreen = NULL;
}

scrub_result scrub_render_offscreen_draw(scrub_renderer *r, scrub_render_offscreen *o, const scrub_render_snapshot *s)
{
	scrub_render_vk_target t = {
		.image = o->target.img,
		.view = o->target.view,
		.format = VK_FORMAT_R8G8B8A8_UNORM,
		.width = o->width,
		.height = o->height,
		.layers = o->layers,
		.old_layout = VK_IMAGE_LAYOUT_UNDEFINED,
		.final_layout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
	};
	scrub_result res = scrub_renderer_vk_draw(r, &t, s, NULL);
	if (res == SCRUB_OK)
		o->drawn = true;
	return res;
}

scrub_result scrub_render_offscreen_read(scrub_renderer *r, scrub_render_offscreen *o, uint32_t layer,
                                         uint8_t *out_rgba)
{
	if (!o->drawn || layer >= o->layers) {
		LOG_E("offscreen read of layer %u: %s", layer, o->drawn ? "no such layer" : "nothing drawn yet");
		return SCRUB_ERR_INVALID;
	}
	VkCommandBuffer cmd;
	scrub_result res = rvk_oneshot_begin(r, &cmd);
	if (res != SCRUB_OK)
		return res;
	/* the frame's final barrier made the image a transfer source; queue order does the rest */
	VkBufferImageCopy bic = {
		.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, layer, 1},
		.imageExtent = {o->width, o->height, 1},
	};
	vkCmdCopyImageToBuffer(cmd, o->target.img, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, o->readback.buf, 1, &bic);
	VkBufferMemoryBarrier2 bb = {
		.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
		.srcStageMask = VK_PIPELINE_STAGE_2_COPY_BIT,
		.srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT,
		.dstStageMask = VK_PIPELINE_STAGE_2_HOST_BIT,
		.dstAccessMask = VK_ACCESS_2_HOST_READ_BIT,
		.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.buffer = o->readback.buf,
		.size = VK_WHOLE_SIZE,
	};
	VkDependencyInfo dep = {
		.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
		.bufferMemoryBarrierCount = 1,
		.pBufferMemoryBarriers = &bb,
	};
	vkCmdPipelineBarrier2(cmd, &dep);
	res = rvk_oneshot_submit_wait(r, cmd);
	if (res == SCRUB_OK)
		memcpy(out_rgba, o->readback.map, (size_t)o->width * o->height * 4);
	return res;
}

VkFormat scrub_renderer_vk_depth_format(const scrub_renderer *r)
{
	return r->depth_format;
}

uint32_t scrub_renderer_vk_samples(const scrub_renderer *r)
{
	return (uint32_t)r->samples;
}

