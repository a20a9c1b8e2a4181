// The body's materials and lighting, shared by its vertex and fragment shaders (engine/render/bodygen.h: materials).
const int BODY_SKIN = 0, BODY_CLOTH = 1, BODY_EYE = 2, BODY_HAIR = 3, BODY_PLASTIC = 4, BODY_GEL = 5, BODY_CLEAR = 6;

// x: broad specular, y: sharp specular, z: wrap of the diffuse light, w: subsurface tint (< 0: clear plastic)
vec4 body_material(int mat, float sweat)
{
	if (mat == BODY_SKIN)
		return vec4(0.05 + 0.10 * sweat, 0.55 * sweat, 0.45, 0.18);
	if (mat == BODY_EYE)
		return vec4(0.0, 3.0, 0.1, 0.0);
	if (mat == BODY_HAIR)
		return vec4(0.06, 0.0, 0.2, 0.0);
	if (mat == BODY_PLASTIC)
		return vec4(0.25, 0.6, 0.1, 0.0);
	if (mat == BODY_CLEAR)
		return vec4(0.3, 0.9, 0.1, -1.0);
	return vec4(0.02, 0.0, 0.3, 0.0); // cloth, gel
}

vec3 body_light(vec3 albedo, vec3 n, vec3 v, vec4 m)
{
	vec3 l = frame.light_dir.xyz, lc = frame.light_color.rgb;
	float ndl = dot(n, l), ndv = max(dot(n, v), 0.0);
	float ndh = max(dot(n, normalize(l + v)), 0.0);
	float p16 = ndh * ndh;
	p16 *= p16;
	p16 *= p16;
	p16 *= p16;
	float p128 = p16 * p16;
	p128 *= p128;
	p128 *= p128;
	float f = 1.0 - ndv, f2 = f * f;
	float fres = 0.04 + 0.96 * f2 * f2 * f;
	float wrap = max((ndl + m.z) / (1.0 + m.z), 0.0);
	vec3 sss = vec3(0.55, 0.16, 0.08) * lc * (1.0 - max(ndl, 0.0)) * max(m.w, 0.0);
	float spec = (m.x * p16 + m.y * p128) * (0.5 + fres) * step(0.0, ndl);
	return albedo * (ambient(n) + lc * wrap + 0.16 * ndv) + sss + lc * spec;
}
