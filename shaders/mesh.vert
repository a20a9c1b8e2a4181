#version 450
#extension GL_EXT_multiview : require
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

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
layout(location = 0) out vec3 v_world;
layout(location = 1) out vec3 v_normal;
#ifdef TISSUE
layout(location = 2) out vec2 v_uv;
#endif

void main()
{
	vec4 w = pc.model * vec4(in_pos, 1.0);
	v_world = w.xyz;
	v_normal = mat3(pc.model) * in_normal;
#ifdef TISSUE
	v_uv = in_uv;
	v_layer = in_layer;
#else
	v_color = in_color * pc.color;
#endif
	gl_Position = frame.view_proj[gl_ViewIndex + int(pc.material.z)] * w;
}
