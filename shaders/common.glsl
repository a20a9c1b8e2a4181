// Shared by the scene shaders: per-frame uniforms (std140) and push constants.
layout(set = 0, binding = 0) uniform Frame {
	mat4 view_proj[2];
	vec4 eye_pos[2];
	vec4 light_dir;    // xyz: towards the surgical lamp
	vec4 light_color;  // rgb
	vec4 sky;          // hemispheric ambient, upper
	vec4 ground;       // hemispheric ambient, lower
	vec4 params;       // x: 1 = encode sRGB in the shader, yz: target size in pixels
	// The patient's body (engine/render/renderer.c fills these from scrub_render_body; see shaders/body.vert):
	// [0] chest rise left, right, abdomen rise, sternum down (m)
	// [1] jolt (m), head tilt (rad), eyes open (0..1), trachea shift towards +Z (m)
	// [2] neck veins (0..1), bag squeeze (0..1), sweat (0..1), time (s)
	// [3] cyanosis central, peripheral, pallor, flush (0..1)
	// [4] urticaria, mottling (0..1)
	// [5] left eye centre, lid closing angle (rad); [6] right eye centre
	// [7] neck pivot of the head tilt; [8] compression point (x, _, z), width of the sternum's dent (m)
	vec4 body[9];
} frame;

layout(push_constant) uniform Push {
	mat4 model;
	vec4 color;
	vec4 material;     // x: kind (0 matte, 1 metal, 2 emissive), y: roughness, z: first view index
} pc;

// c^(1/2.2) within 0.8/255 from two square roots: a CPU rasteriser pays for pow() (log2 and exp2) per channel
// and per pixel
vec3 encode_output(vec3 c)
{
	if (frame.params.x > 0.5) {
		vec3 s = sqrt(clamp(c, 0.0, 1.0));
		return min(s * (1.3713614 - 0.5801641 * sqrt(s)) + 0.2094945 * s * s, vec3(1.0));
	}
	return c;
}

vec3 ambient(vec3 n)
{
	return mix(frame.ground.rgb, frame.sky.rgb, n.y * 0.5 + 0.5);
}

// Diffuse with hemispheric ambient and a faint specular: walls, plastic, cloth.
vec3 shade_matte(vec3 albedo, vec3 n, vec3 v, float rough)
{
	vec3 l = frame.light_dir.xyz;
	float ndl = dot(n, l);
	float ndh = max(dot(n, normalize(l + v)), 0.0);
	float shin = mix(120.0, 8.0, rough);
	vec3 lc = frame.light_color.rgb;
	return albedo * (ambient(n) + lc * max(ndl, 0.0)) + lc * 0.04 * pow(ndh, shin) * step(0.0, ndl);
}
