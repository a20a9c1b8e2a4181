#version 450
#extension GL_EXT_multiview : require
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

#ifndef VERTEX_LIT
layout(location = 0) in vec3 v_world;
layout(location = 1) in vec3 v_normal;
#endif
#ifdef TISSUE
layout(location = 2) in float v_mottle;
layout(location = 3) flat in uint v_layer;
#else
layout(location = 3) in vec4 v_color;
#endif
layout(location = 0) out vec4 out_color;

void main()
{
#ifdef VERTEX_LIT
	out_color = v_color; // lit and encoded per vertex
#else
	vec3 n = normalize(v_normal);
	if (!gl_FrontFacing)
		n = -n;
	vec3 v = normalize(frame.eye_pos[gl_ViewIndex + int(pc.material.z)].xyz - v_world);
	vec3 l = frame.light_dir.xyz;
	vec3 h = normalize(l + v);
	float ndl = dot(n, l);
	float ndh = max(dot(n, h), 0.0);
	vec3 lc = frame.light_color.rgb;
	vec3 c;
#ifdef TISSUE
	// skin, fat, muscle: base colour, subsurface tint, wetness
	const vec3 base[3] = vec3[3](vec3(0.62, 0.36, 0.28), vec3(0.92, 0.74, 0.25), vec3(0.45, 0.05, 0.05));
	const vec3 sss[3] = vec3[3](vec3(0.55, 0.12, 0.06), vec3(0.45, 0.30, 0.05), vec3(0.35, 0.02, 0.02));
	const float wet[3] = float[3](0.25, 0.45, 0.65);
	uint layer = min(v_layer, 2u);
	vec3 albedo = base[layer];
	if (layer == 0u) // faint procedural mottling of the skin (per vertex)
		albedo *= v_mottle;
	float wrap = max((ndl + 0.5) / 1.5, 0.0);                 // wrap lighting: light bleeds past the terminator
	vec3 diffuse = albedo * (ambient(n) + lc * wrap);
	vec3 scatter = sss[layer] * lc * (1.0 - max(ndl, 0.0)) * 0.35; // cheap subsurface tint in the shadowed side
	// powers by multiplication where the exponent allows: pow() is log2 and exp2 per pixel on a CPU rasteriser
	float m = 1.0 - max(dot(n, v), 0.0), m2 = m * m;
	float fres = 0.04 + 0.96 * m2 * m2 * m;
	float p30 = pow(ndh, 30.0), p60 = p30 * p30, p150 = p60 * p60 * p30, p300 = p150 * p150;
	float spec = wet[layer] * (p300 * 3.0 + p30 * 0.15) * (0.5 + fres);
	c = diffuse + scatter + lc * spec * step(0.0, ndl);
#else
	vec3 albedo = v_color.rgb;
	float kind = pc.material.x;
	float rough = pc.material.y;
	if (kind > 1.5) {
		c = albedo;
	} else if (kind > 0.5) {
		// metal: coloured specular plus a reflection of the hemispheric environment
		vec3 r = reflect(-v, n);
		float shin = mix(400.0, 20.0, rough);
		vec3 env = ambient(r) * 1.6;
		c = albedo * (env * 0.7 + lc * max(ndl, 0.0) * 0.15) + albedo * lc * pow(ndh, shin) * (shin / 40.0);
	} else {
		c = shade_matte(albedo, n, v, rough);
	}
#endif
	out_color = vec4(encode_output(c), 1.0);
#endif
}
