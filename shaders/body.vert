#version 450
#extension GL_EXT_multiview : require
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "body_common.glsl"
#include "../engine/include/scrub_body_pose.h"

// The patient's body (engine/render/bodygen.c): the clinical signs move and colour it here, per vertex, from the
// weights the generator gave each vertex and the values in frame.body (see common.glsl, docs/patient-signs.md).
// Built twice: lit per pixel (close, LOD 0) and lit per vertex (VERTEX_LIT: far, LOD 1). Everything per pixel is
// branch-free: a CPU rasteriser runs every branch of a fragment shader.
layout(location = 0) in vec3 in_pos;
layout(location = 1) in vec3 in_normal;
layout(location = 2) in vec4 in_color;   // albedo, a = material / 255
layout(location = 3) in vec4 in_wa;      // chest left, chest right, abdomen, head
layout(location = 4) in vec4 in_wb;      // sternum, neck veins, trachea, upper eyelid
layout(location = 5) in vec4 in_wc;      // lips, fingers and toes, flush area, bag

#ifdef VERTEX_LIT
layout(location = 0) out vec3 v_color;
layout(location = 1) flat out float v_clear;
#else
layout(location = 0) out vec3 v_world;
layout(location = 1) out vec3 v_normal;
layout(location = 2) out vec3 v_albedo;
layout(location = 3) out vec4 v_mat;     // specular (broad, sharp), wrap, subsurface
#endif

vec2 rot(vec2 v, float a)
{
	float c = cos(a), s = sin(a);
	return vec2(c * v.x - s * v.y, s * v.x + c * v.y);
}

// The skin's colour with the signs: pallor, flushing, urticaria, mottling, cyanosis.
vec3 skin_signs(vec3 albedo)
{
	vec4 b3 = frame.body[3], b4 = frame.body[4];
	float lum = dot(albedo, vec3(0.30, 0.59, 0.11));
	albedo = mix(albedo, vec3(1.12, 1.02, 0.90) * lum * 1.15, b3.z * 0.7);
	albedo = mix(albedo, albedo * vec3(1.30, 0.58, 0.52), b3.w * (0.30 + 0.70 * in_wc.z));
	if (b4.x > 0.0) { // wheals: raised pale centres with a red flare around them
		vec3 q = in_pos * 36.0;
		float h = sin(q.x) * sin(q.y * 1.3 + 1.7) * sin(q.z * 1.1 + 0.5) +
		          0.6 * sin(q.x * 2.3 + q.z * 1.7) * sin(q.y * 1.9 - q.x * 0.7 + 2.0);
		float flare = smoothstep(0.05, 0.45, h), wheal = smoothstep(0.55, 0.85, h);
		albedo = mix(albedo, albedo * vec3(1.35, 0.55, 0.50), b4.x * flare * 0.85);
		albedo = mix(albedo, vec3(0.74, 0.52, 0.45), b4.x * wheal * 0.75);
	}
	if (b4.y > 0.0) { // mottling: a violet lace
		vec3 q = in_pos * 24.0;
		float m = abs(sin(q.x + 1.3 * sin(q.z * 1.7)) * sin(q.z * 1.2 + 1.1 * sin(q.x * 1.3 + q.y)));
		albedo = mix(albedo, vec3(0.36, 0.22, 0.32) * (lum * 2.0 + 0.1), b4.y * (1.0 - smoothstep(0.0, 0.18, m)) * 0.4);
	}
	float cy = clamp(b3.x * (0.30 + 0.70 * in_wc.x) + b3.y * in_wc.y * 0.85, 0.0, 0.85);
	return mix(albedo, vec3(0.20, 0.23, 0.42) * (lum * 1.8 + 0.05), cy);
}

void main()
{
	vec4 b0 = frame.body[0], b1 = frame.body[1], b2 = frame.body[2];
	vec3 p = in_pos, n = in_normal;
	// breathing: the chest walls and the abdomen move out along their normals
	p += n * (in_wa.x * b0.x + in_wa.y * b0.y + in_wa.z * b0.z);
	// compressions: the sternum goes down; the dent tilts the normals towards its centre
	if (b0.w != 0.0 && in_wb.x > 0.0) {
		vec4 cp = frame.body[8];
		vec2 d = p.xz - cp.xz;
		float s2 = cp.w * cp.w, g = exp(-dot(d, d) / s2);
		n = normalize(n - vec3(d.x, 0.0, d.y) * (2.0 * b0.w * g / s2) * max(n.y, 0.0));
		p.y -= b0.w * in_wb.x;
	}
	// the trachea pushed aside, the neck veins standing out
	p.z += in_wb.z * b1.w;
	p += n * (in_wb.y * b2.x * 0.0055);
	// the upper eyelid turns down about the eye's centre to close
	if (in_wb.w > 0.0) {
		vec4 e = p.z > 0.0 ? frame.body[5] : frame.body[6];
		float a = (1.0 - b1.z) * frame.body[5].w * in_wb.w; // from above the eye towards its front
		vec3 q = p - e.xyz;
		p = e.xyz + vec3(rot(q.xy, a), q.z);
		n = vec3(rot(n.xy, a), n.z);
	}
	// the bag of a bag-valve-mask squeezed
	p -= n * (in_wc.w * b2.y * 0.03);
	// head tilt: extension about the neck (the face turns towards +X), bending along the neck's weights
	if (in_wa.w > 0.0 && b1.y != 0.0) {
		float a = -b1.y * in_wa.w;
		vec3 pv = frame.body[7].xyz;
		vec3 q = p - pv;
		p = pv + vec3(rot(q.xy, a), q.z);
		n = vec3(rot(n.xy, a), n.z);
	}
	// a shock lifts the body, most at the chest
	float dx = (in_pos.x - 0.25) / 0.55;
	p.y += b1.x * exp(-dx * dx);
	// posture (scrub_body_pose.h, as scrub_body_pose() in C): the trunk raised about the hips, the legs about the hip
	// joints, each point by its share of the turn
	vec4 b4 = frame.body[4];
	if (b4.z != 0.0 || b4.w != 0.0) {
		float az = abs(in_pos.z);
		float wt = smoothstep(BODY_TRUNK_X0, BODY_TRUNK_X1, in_pos.x) * (1.0 - smoothstep(BODY_TRUNK_Z0, BODY_TRUNK_Z1, az));
		float wl = smoothstep(BODY_LEGS_X0, BODY_LEGS_X1, -in_pos.x) * (1.0 - smoothstep(BODY_LEGS_Z0, BODY_LEGS_Z1, az));
		vec2 tp = vec2(BODY_TRUNK_PIVOT_X, BODY_TRUNK_PIVOT_Y), lp = vec2(BODY_LEGS_PIVOT_X, BODY_LEGS_PIVOT_Y);
		p.xy = tp + rot(p.xy - tp, b4.z * wt);
		n.xy = rot(n.xy, b4.z * wt);
		p.xy = lp + rot(p.xy - lp, -b4.w * wl);
		n.xy = rot(n.xy, -b4.w * wl);
	}

	vec4 w = pc.model * vec4(p, 1.0);
	int view = gl_ViewIndex + int(pc.material.z);
	int mat = int(in_color.a * 255.0 + 0.5);
	vec3 albedo = mat == BODY_SKIN ? skin_signs(in_color.rgb) : in_color.rgb;
	vec4 m = body_material(mat, b2.z);
	vec3 wn = normalize(mat3(pc.model) * n);
#ifdef VERTEX_LIT
	v_color = encode_output(body_light(albedo, wn, normalize(frame.eye_pos[view].xyz - w.xyz), m));
	v_clear = m.w;
#else
	v_world = w.xyz;
	v_normal = wn;
	v_albedo = albedo;
	v_mat = m;
#endif
	gl_Position = frame.view_proj[view] * w;
}
