/* Pose and matrix helpers for the XR module: recentring, view and projection matrices from OpenXR views. */
#include "xr_internal.h"

#include <math.h>
#include <string.h>

void xr_quat_mul(const float a[4], const float b[4], float out_q[4])
{
	float q[4] = {
		a[3] * b[0] + a[0] * b[3] + a[1] * b[2] - a[2] * b[1],
		a[3] * b[1] - a[0] * b[2] + a[1] * b[3] + a[2] * b[0],
		a[3] * b[2] + a[0] * b[1] - a[1] * b[0] + a[2] * b[3],
		a[3] * b[3] - a[0] * b[0] - a[1] * b[1] - a[2] * b[2],
	};
	memcpy(out_q, q, sizeof q);
}

void xr_quat_rotate(const float q[4], const float v[3], float out_v[3])
{
	/* v' = v + 2 w (u x v) + 2 u x (u x v), u = q.xyz */
	float u[3] = {q[0], q[1], q[2]}, w = q[3];
	float t[3] = {2 * (u[1] * v[2] - u[2] * v[1]), 2 * (u[2] * v[0] - u[0] * v[2]), 2 * (u[0] * v[1] - u[1] * v[0])};
	float r[3] = {v[0] + w * t[0] + u[1] * t[2] - u[2] * t[1], v[1] + w * t[1] + u[2] * t[0] - u[0] * t[2],
	              v[2] + w * t[2] + u[0] * t[1] - u[1] * t[0]};
	memcpy(out_v, r, sizeof r);
}

void xr_quat_yaw(float yaw, float out_q[4])
{
	out_q[0] = 0.f;
	out_q[1] = sinf(yaw * 0.5f);
	out_q[2] = 0.f;
	out_q[3] = cosf(yaw * 0.5f);
}

float xr_quat_yaw_of(const float q[4])
{
	/* heading of the rotated -Z axis in the horizontal plane */
	const float fwd[3] = {0, 0, -1};
	float f[3];
	xr_quat_rotate(q, fwd, f);
	return atan2f(-f[0], -f[2]);
}

void xr_pose_to_scene(const scrub_xr *xr, const XrPosef *in, scrub_xr_pose *out)
{
	float q[4], d[3] = {in->position.x - xr->rc_origin[0], in->position.y - xr->rc_origin[1],
	                    in->position.z - xr->rc_origin[2]};
	xr_quat_yaw(-xr->rc_yaw, q);
	xr_quat_rotate(q, d, out->pos);
	float r[4] = {in->orientation.x, in->orientation.y, in->orientation.z, in->orientation.w};
	xr_quat_mul(q, r, out->rot);
}

void xr_pose_from_scene(const scrub_xr *xr, const scrub_xr_pose *in, XrPosef *out)
{
	float q[4], p[3], r[4];
	xr_quat_yaw(xr->rc_yaw, q);
	xr_quat_rotate(q, in->pos, p);
	xr_quat_mul(q, in->rot, r);
	out->position = (XrVector3f){p[0] + xr->rc_origin[0], p[1] + xr->rc_origin[1], p[2] + xr->rc_origin[2]};
	out->orientation = (XrQuaternionf){r[0], r[1], r[2], r[3]};
}

void xr_view_matrix(const scrub_xr_pose *eye, float out_m[16])
{
	/* the inverse of the eye's rigid transform: R^T and -R^T p */
	float inv[4] = {-eye->rot[0], -eye->rot[1], -eye->rot[2], eye->rot[3]};
	const float ax[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
	float col[3][3];
	for (int c = 0; c < 3; c++)
		xr_quat_rotate(inv, ax[c], col[c]);
	float t[3];
	xr_quat_rotate(inv, eye->pos, t);
	memset(out_m, 0, 16 * sizeof(float));
	for (int c = 0; c < 3; c++)
		for (int r = 0; r < 3; r++)
			out_m[c * 4 + r] = col[c][r];
	out_m[12] = -t[0];
	out_m[13] = -t[1];
	out_m[14] = -t[2];
	out_m[15] = 1.f;
}

void xr_projection(const XrFovf *fov, float znear, float zfar, float out_m[16])
{
	/* Vulkan clip space: depth [0, 1], +Y down; asymmetric frustum from the view's four angles */
	float l = tanf(fov->angleLeft), r = tanf(fov->angleRight), u = tanf(fov->angleUp), d = tanf(fov->angleDown);
	memset(out_m, 0, 16 * sizeof(float));
	out_m[0] = 2.f / (r - l);
	out_m[8] = (r + l) / (r - l);
	out_m[5] = -2.f / (u - d);
	out_m[9] = -(u + d) / (u - d);
	out_m[10] = zfar / (znear - zfar);
	out_m[11] = -1.f;
	out_m[14] = znear * zfar / (znear - zfar);
}
