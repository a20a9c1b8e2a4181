#version 450
#extension GL_EXT_multiview : require
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "body_common.glsl"

// The patient's body: lit per pixel with one branch-free model (body_common.glsl); colours and material come from
// the vertex shader. VERTEX_LIT: lit per vertex, passed through.
#ifdef VERTEX_LIT
layout(location = 0) in vec3 v_color;
layout(location = 1) flat in float v_clear;
#else
layout(location = 0) in vec3 v_world;
layout(location = 1) in vec3 v_normal;
layout(location = 2) in vec3 v_albedo;
layout(location = 3) in vec4 v_mat;
#endif
layout(location = 0) out vec4 out_color;

void main()
{
#ifdef VERTEX_LIT
	float clear = v_clear;
#else
	float clear = v_mat.w;
#endif
	if (clear < 0.0 && ((int(gl_FragCoord.x) + int(gl_FragCoord.y)) & 1) == 0)
		discard; // clear plastic: a screen door
#ifdef VERTEX_LIT
	out_color = vec4(v_color, 1.0);
#else
	vec3 n = normalize(v_normal);
	vec3 v = normalize(frame.eye_pos[gl_ViewIndex + int(pc.material.z)].xyz - v_world);
	out_color = vec4(encode_output(body_light(v_albedo, n, v, v_mat)), 1.0);
#endif
}
