/* Small matrix helpers for cameras and instance transforms (column-major, like cglm). */
#include <math.h>
#include <string.h>

#include "scrub_render.h"

void scrub_render_identity(float out_m[16])
{
	memset(out_m, 0, 16 * sizeof(float));
	out_m[0] = out_m[5] = out_m[10] = out_m[15] = 1.f;
}

void scrub_render_mul(const float a[16], const float b[16], float out_m[16])
{
	for (int c = 0; c < 4; c++)
		for (int r = 0; r < 4; r++) {
			float s = 0.f;
			for (int k = 0; k < 4; k++)
				s += a[k * 4 + r] * b[c * 4 + k];
			out_m[c * 4 + r] = s;
		}
}

void scrub_render_perspective(float fovy, float aspect, float znear, float zfar, float out_m[16])
{
	float f = 1.f / tanf(fovy * 0.5f);
	memset(out_m, 0, 16 * sizeof(float));
	out_m[0] = f / aspect;
	out_m[5] = -f; /* Vulkan: clip +Y points down */
	out_m[10] = zfar / (znear - zfar);
	out_m[11] = -1.f;
	out_m[14] = znear * zfar / (znear - zfar);
}

void scrub_render_look_at(const float eye[3], const float center[3], const float up[3], float out_m[16])
{
	float f[3] = {center[0] - eye[0], center[1] - eye[1], center[2] - eye[2]};
	float fl = sqrtf(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]);
	for (int i = 0; i < 3; i++)
		f[i] /= fl;
	float s[3] = {f[1] * up[2] - f[2] * up[1], f[2] * up[0] - f[0] * up[2], f[0] * up[1] - f[1] * up[0]};
	float sl = sqrtf(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]);
	for (int i = 0; i < 3; i++)
		s[i] /= sl;
	float u[3] = {s[1] * f[2] - s[2] * f[1], s[2] * f[0] - s[0] * f[2], s[0] * f[1] - s[1] * f[0]};
	scrub_render_identity(out_m);
	for (int i = 0; i < 3; i++) {
		out_m[i * 4 + 0] = s[i];
		out_m[i * 4 + 1] = u[i];
		out_m[i * 4 + 2] = -f[i];
	}
	out_m[12] = -(s[0] * eye[0] + s[1] * eye[1] + s[2] * eye[2]);
	out_m[13] = -(u[0] * eye[0] + u[1] * eye[1] + u[2] * eye[2]);
	out_m[14] = f[0] * eye[0] + f[1] * eye[1] + f[2] * eye[2];
}

void scrub_render_trs(float x, float y, float z, float yaw, float scale, float out_m[16])
{
	scrub_render_identity(out_m);
	float c = cosf(yaw) * scale, s = sinf(yaw) * scale;
	out_m[0] = c;
	out_m[2] = -s;
	out_m[5] = scale;
	out_m[8] = s;
	out_m[10] = c;
	out_m[12] = x;
	out_m[13] = y;
	out_m[14] = z;
}

void scrub_render_camera_look(scrub_render_camera *camera, const float eye[3], const float center[3], float fovy,
                              float aspect)
{
	static const float up[3] = {0, 1, 0};
	memset(camera, 0, sizeof(*camera));
	camera->view_count = 1;
	scrub_render_look_at(eye, center, up, camera->views[0].view);
	scrub_render_perspective(fovy, aspect, 0.02f, 30.f, camera->views[0].proj);
	memcpy(camera->views[0].eye_pos, eye, 3 * sizeof(float));
}
