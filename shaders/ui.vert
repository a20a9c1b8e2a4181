#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(location = 0) in vec2 in_pos;   // pixels, top-left origin
layout(location = 1) in vec2 in_uv;
layout(location = 2) in vec4 in_color; // sRGB encoded
layout(location = 0) out vec2 v_uv;
layout(location = 1) out vec4 v_color;

void main()
{
	v_uv = in_uv;
	// an sRGB target encodes in hardware: hand it linear values
	v_color = frame.params.x > 0.5 ? in_color : vec4(pow(in_color.rgb, vec3(2.2)), in_color.a);
	gl_Position = vec4(in_pos / frame.params.yz * 2.0 - 1.0, 0.0, 1.0);
}
