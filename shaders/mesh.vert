#version 450
#extension GL_EXT_multiview : require
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

// Built three times: static meshes lit per pixel (metal), static meshes lit per vertex (VERTEX_LIT: matte and
// emissive, whose large flat faces give the same diffuse light at every pixel; on a CPU rasteriser per-pixel
// lighting of the walls, floor and table was half of the frame), and the tissue (TISSUE).
layout(location = 0) in vec3 in_pos;
layout(location = 1) in vec3 in_normal;
#ifdef TISSUE
layout(location = 2) in vec2 in_uv;
layout(location = 3) in uint in_layer;
layout(location = 3) flat out uint v_layer;
#else
layout(location = 3) in vec4 in_color;
layout(location = 3) out vec4 v_color;
#endif
#ifndef VERTEX_LIT
layout(location = 0) out vec3 v_world;
layout(location = 1) out vec3 v_normal;
#endif
#ifdef TISSUE
layout(location = 2) out float v_mottle;
#endif

void main()
{
	vec4 w = pc.model * vec4(in_pos, 1.0);
	int view = gl_ViewIndex + int(pc.material.z);
#ifdef VERTEX_LIT
	vec3 albedo = in_color.rgb * pc.color.rgb;
	vec3 c = albedo;
	if (pc.material.x < 1.5) { // matte (emissive: the base colour, unlit)
		vec3 n = normalize(mat3(pc.model) * in_normal);
		vec3 v = normalize(frame.eye_pos[view].xyz - w.xyz);
		c = shade_matte(albedo, n, v, pc.material.y);
	}
	v_color = vec4(encode_output(c), 1.0);
#else
	v_world = w.xyz;
	v_normal = mat3(pc.model) * in_normal;
#ifdef TISSUE
	// faint procedural mottling of the skin; the tissue mesh is fine enough to carry it per vertex
	v_mottle = 0.97 + 0.03 * sin(in_uv.x * 53.0 + 2.0 * sin(in_uv.y * 31.0)) * sin(in_uv.y * 41.0);
	v_layer = in_layer;
#else
	v_color = in_color * pc.color;
#endif
#endif
	gl_Position = frame.view_proj[view] * w;
}
