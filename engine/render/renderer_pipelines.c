/* The renderer's shaders (embedded SPIR-V), descriptor and pipeline layouts, and the pipelines of each target
 * format and view mask (a variant), made when a target first needs them. */
#define SCRUB_LOG_MODULE "render"
#include <string.h>

#include "log.h"
#include "meshgen.h"
#include "renderer_vk.h"

static const uint32_t spv_mesh_vert[] =
#include "mesh_vert.spv.h"
	;
static const uint32_t spv_mesh_frag[] =
#include "mesh_frag.spv.h"
	;
static const uint32_t spv_mesh_vlit_vert[] =
#include "mesh_vlit_vert.spv.h"
	;
static const uint32_t spv_mesh_vlit_frag[] =
#include "mesh_vlit_frag.spv.h"
	;
static const uint32_t spv_tissue_vert[] =
#include "tissue_vert.spv.h"
	;
static const uint32_t spv_tissue_frag[] =
#include "tissue_frag.spv.h"
	;
static const uint32_t spv_body_vert[] =
#include "body_vert.spv.h"
	;
static const uint32_t spv_body_frag[] =
#include "body_frag.spv.h"
	;
static const uint32_t spv_body_vlit_vert[] =
#include "body_vlit_vert.spv.h"
	;
static const uint32_t spv_body_vlit_frag[] =
#include "body_vlit_frag.spv.h"
	;
static const uint32_t spv_ui_vert[] =
#include "ui_vert.spv.h"
	;
static const uint32_t spv_ui_frag[] =
#include "ui_frag.spv.h"
	;

static scrub_result create_module(scrub_renderer *r, const uint32_t *code, size_t size, VkShaderModule *out)
{
	VkShaderModuleCreateInfo ci = {
		.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
		.codeSize = size,
		.pCode = code,
	};
	VK_CHECK(vkCreateShaderModule(r->device, &ci, NULL, out));
	return SCRUB_OK;
}

scrub_result rvk_create_layouts(scrub_renderer *r)
{
	VkDescriptorSetLayoutBinding binds[2] = {
		{0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, NULL},
		{1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, NULL},
	};
	VkDescriptorSetLayoutCreateInfo dl = {
		.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
		.bindingCount = 2,
		.pBindings = binds,
	};
	VK_CHECK(vkCreateDescriptorSetLayout(r->device, &dl, NULL, &r->set_layout));
	VkPushConstantRange pcr = {VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(gpu_push)};
	VkPipelineLayoutCreateInfo pl = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
		.setLayoutCount = 1,
		.pSetLayouts = &r->set_layout,
		.pushConstantRangeCount = 1,
		.pPushConstantRanges = &pcr,
	};
	VK_CHECK(vkCreatePipelineLayout(r->device, &pl, NULL, &r->layout));
	scrub_result res = SCRUB_OK;
	const struct {
		const uint32_t *code;
		size_t size;
	} src[12] = {
		{spv_mesh_vert, sizeof(spv_mesh_vert)},           {spv_mesh_frag, sizeof(spv_mesh_frag)},
		{spv_mesh_vlit_vert, sizeof(spv_mesh_vlit_vert)}, {spv_mesh_vlit_frag, sizeof(spv_mesh_vlit_frag)},
		{spv_tissue_vert, sizeof(spv_tissue_vert)},       {spv_tissue_frag, sizeof(spv_tissue_frag)},
		{spv_ui_vert, sizeof(spv_ui_vert)},               {spv_ui_frag, sizeof(spv_ui_frag)},
		{spv_body_vert, sizeof(spv_body_vert)},           {spv_body_frag, sizeof(spv_body_frag)},
		{spv_body_vlit_vert, sizeof(spv_body_vlit_vert)}, {spv_body_vlit_frag, sizeof(spv_body_vlit_frag)},
	};
	for (int i = 0; i < 12 && res == SCRUB_OK; i++)
		res = create_module(r, src[i].code, src[i].size, &r->mods[i]);
	return res;
}

static scrub_result create_pipeline(scrub_renderer *r, enum pipe_kind kind, VkFormat format, uint32_t view_mask,
                                    VkPipeline *out)
{
	const uint32_t mod = kind == PIPE_OCCLUDER ? 2 * PIPE_UI : 2 * (uint32_t)kind;
	VkPipelineShaderStageCreateInfo stages[2] = {
		{.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
		 .stage = VK_SHADER_STAGE_VERTEX_BIT,
		 .module = r->mods[mod],
		 .pName = "main"},
		{.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
		 .stage = VK_SHADER_STAGE_FRAGMENT_BIT,
		 .module = r->mods[mod + 1],
		 .pName = "main"},
	};
	const bool is_mesh = kind == PIPE_MESH || kind == PIPE_MESH_VLIT, is_ui = kind == PIPE_UI;
	const bool is_body = kind == PIPE_BODY || kind == PIPE_BODY_VLIT, culled = is_mesh || is_body;
	VkVertexInputBindingDescription vb[4];
	VkVertexInputAttributeDescription va[6];
	uint32_t nb = 0, na = 0;
	if (is_mesh) {
		vb[nb++] = (VkVertexInputBindingDescription){0, sizeof(meshgen_vertex), VK_VERTEX_INPUT_RATE_VERTEX};
		va[na++] = (VkVertexInputAttributeDescription){0, 0, VK_FORMAT_R32G32B32_SFLOAT, 0};
		va[na++] = (VkVertexInputAttributeDescription){1, 0, VK_FORMAT_R32G32B32_SFLOAT, 12};
		/* uv (offset 24) is unused by the static shading */
		va[na++] = (VkVertexInputAttributeDescription){3, 0, VK_FORMAT_R8G8B8A8_UNORM, 32};
	} else if (is_body) {
		vb[nb++] = (VkVertexInputBindingDescription){0, sizeof(body_vertex), VK_VERTEX_INPUT_RATE_VERTEX};
		va[na++] = (VkVertexInputAttributeDescription){0, 0, VK_FORMAT_R32G32B32_SFLOAT, 0};
		va[na++] = (VkVertexInputAttributeDescription){1, 0, VK_FORMAT_R32G32B32_SFLOAT, 12};
		for (uint32_t i = 0; i < 4; i++) /* colour and the three weight sets */
			va[na++] = (VkVertexInputAttributeDescription){2 + i, 0, VK_FORMAT_R8G8B8A8_UNORM, 24 + 4 * i};
	} else if (kind == PIPE_TISSUE) {
		const uint32_t stride[4] = {12, 12, 8, 1};
		const VkFormat fmt[4] = {VK_FORMAT_R32G32B32_SFLOAT, VK_FORMAT_R32G32B32_SFLOAT, VK_FORMAT_R32G32_SFLOAT,
		                         VK_FORMAT_R8_UINT};
		for (uint32_t i = 0; i < 4; i++) {
			vb[nb++] = (VkVertexInputBindingDescription){i, stride[i], VK_VERTEX_INPUT_RATE_VERTEX};
			va[na++] = (VkVertexInputAttributeDescription){i, i, fmt[i], 0};
		}
	} else {
		vb[nb++] = (VkVertexInputBindingDescription){0, sizeof(ui_vertex), VK_VERTEX_INPUT_RATE_VERTEX};
		va[na++] = (VkVertexInputAttributeDescription){0, 0, VK_FORMAT_R32G32_SFLOAT, 0};
		va[na++] = (VkVertexInputAttributeDescription){1, 0, VK_FORMAT_R32G32_SFLOAT, 8};
		va[na++] = (VkVertexInputAttributeDescription){2, 0, VK_FORMAT_R8G8B8A8_UNORM, 16};
	}
	VkPipelineVertexInputStateCreateInfo vi = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO,
		.vertexBindingDescriptionCount = nb,
		.pVertexBindingDescriptions = vb,
		.vertexAttributeDescriptionCount = na,
		.pVertexAttributeDescriptions = va,
	};
	VkPipelineInputAssemblyStateCreateInfo ia = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO,
		.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST,
	};
	VkPipelineViewportStateCreateInfo vp = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO,
		.viewportCount = 1,
		.scissorCount = 1,
	};
	VkPipelineRasterizationStateCreateInfo rs = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO,
		.polygonMode = VK_POLYGON_MODE_FILL,
		/* the projection flips Y, so world counter-clockwise stays counter-clockwise on screen */
		.cullMode = culled ? VK_CULL_MODE_BACK_BIT : VK_CULL_MODE_NONE,
		.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE,
		.lineWidth = 1.f,
	};
	VkPipelineMultisampleStateCreateInfo ms = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO,
		.rasterizationSamples = (VkSampleCountFlagBits)r->samples,
	};
	VkPipelineDepthStencilStateCreateInfo ds = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO,
		.depthTestEnable = !is_ui,
		.depthWriteEnable = !is_ui,
		.depthCompareOp = VK_COMPARE_OP_LESS,
	};
	VkPipelineColorBlendAttachmentState cba = {
		.blendEnable = is_ui,
		.srcColorBlendFactor = VK_BLEND_FACTOR_SRC_ALPHA,
		.dstColorBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA,
		.colorBlendOp = VK_BLEND_OP_ADD,
		.srcAlphaBlendFactor = VK_BLEND_FACTOR_ONE,
		.dstAlphaBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA,
		.alphaBlendOp = VK_BLEND_OP_ADD,
		.colorWriteMask = kind == PIPE_OCCLUDER ? 0u : 0xfu,
	};
	VkPipelineColorBlendStateCreateInfo cb = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO,
		.attachmentCount = 1,
		.pAttachments = &cba,
	};
	const VkDynamicState dyn[2] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
	VkPipelineDynamicStateCreateInfo dy = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO,
		.dynamicStateCount = 2,
		.pDynamicStates = dyn,
	};
	VkPipelineRenderingCreateInfo rci = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_RENDERING_CREATE_INFO,
		.viewMask = view_mask,
		.colorAttachmentCount = 1,
		.pColorAttachmentFormats = &format,
		.depthAttachmentFormat = r->depth_format,
	};
	VkGraphicsPipelineCreateInfo gci = {
		.sType = VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO,
		.pNext = &rci,
		.stageCount = 2,
		.pStages = stages,
		.pVertexInputState = &vi,
		.pInputAssemblyState = &ia,
		.pViewportState = &vp,
		.pRasterizationState = &rs,
		.pMultisampleState = &ms,
		.pDepthStencilState = &ds,
		.pColorBlendState = &cb,
		.pDynamicState = &dy,
		.layout = r->layout,
	};
	VK_CHECK(vkCreateGraphicsPipelines(r->device, VK_NULL_HANDLE, 1, &gci, NULL, out));
	return SCRUB_OK;
}

scrub_result rvk_get_variant(scrub_renderer *r, VkFormat format, uint32_t view_mask, variant **out)
{
	for (uint32_t i = 0; i < r->variant_count; i++)
		if (r->variants[i].format == format && r->variants[i].view_mask == view_mask) {
			*out = &r->variants[i];
			return SCRUB_OK;
		}
	if (r->variant_count == MAX_VARIANTS) {
		LOG_E("too many target formats");
		return SCRUB_ERR_LIMIT;
	}
	variant *v = &r->variants[r->variant_count];
	memset(v, 0, sizeof(*v));
	v->format = format;
	v->view_mask = view_mask;
	scrub_result res = create_pipeline(r, PIPE_MESH, format, view_mask, &v->mesh);
	if (res == SCRUB_OK)
		res = create_pipeline(r, PIPE_MESH_VLIT, format, view_mask, &v->mesh_vlit);
	if (res == SCRUB_OK)
		res = create_pipeline(r, PIPE_OCCLUDER, format, view_mask, &v->occluder);
	if (res == SCRUB_OK)
		res = create_pipeline(r, PIPE_TISSUE, format, view_mask, &v->tissue);
	if (res == SCRUB_OK)
		res = create_pipeline(r, PIPE_UI, format, view_mask, &v->ui);
	if (res == SCRUB_OK)
		res = create_pipeline(r, PIPE_BODY, format, view_mask, &v->body);
	if (res == SCRUB_OK)
		res = create_pipeline(r, PIPE_BODY_VLIT, format, view_mask, &v->body_vlit);
	r->variant_count++; /* counted even on failure so destroy frees what was made */
	*out = v;
	return res;
}
