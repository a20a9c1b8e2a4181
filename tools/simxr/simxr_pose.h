/* simxr: pose math (x y z w quaternions), shared by the session, frame and hand-tracking files. */
#ifndef SIMXR_POSE_H
#define SIMXR_POSE_H

#include <math.h>
#include <stdbool.h>

#include <openxr/openxr.h>

static inline XrQuaternionf quat_mul(XrQuaternionf a, XrQuaternionf b)
{
	return (XrQuaternionf){
		a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
		a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
		a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w,
		a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
	};
}

static inline XrVector3f quat_rotate(XrQuaternionf q, XrVector3f v)
{
	/* v' = v + 2w (u x v) + 2 u x (u x v) */
	XrVector3f u = {q.x, q.y, q.z};
	XrVector3f t = {2 * (u.y * v.z - u.z * v.y), 2 * (u.z * v.x - u.x * v.z), 2 * (u.x * v.y - u.y * v.x)};
	return (XrVector3f){
		v.x + q.w * t.x + (u.y * t.z - u.z * t.y),
		v.y + q.w * t.y + (u.z * t.x - u.x * t.z),
		v.z + q.w * t.z + (u.x * t.y - u.y * t.x),
	};
}

static inline XrPosef pose_mul(XrPosef a, XrPosef b)
{
	XrVector3f p = quat_rotate(a.orientation, b.position);
	return (XrPosef){quat_mul(a.orientation, b.orientation),
	                 {a.position.x + p.x, a.position.y + p.y, a.position.z + p.z}};
}

static inline XrPosef pose_inv(XrPosef a)
{
	XrQuaternionf c = {-a.orientation.x, -a.orientation.y, -a.orientation.z, a.orientation.w};
	XrVector3f p = quat_rotate(c, a.position);
	return (XrPosef){c, {-p.x, -p.y, -p.z}};
}

static const XrPosef POSE_IDENTITY = {{0, 0, 0, 1}, {0, 0, 0}};

static inline bool pose_valid(const XrPosef *p)
{
	const XrQuaternionf *q = &p->orientation;
	float n = q->x * q->x + q->y * q->y + q->z * q->z + q->w * q->w;
	return isfinite(n) && fabsf(n - 1.0f) < 1e-2f && isfinite(p->position.x) && isfinite(p->position.y) &&
	       isfinite(p->position.z);
}

static inline XrPosef pose_from(const float *v)
{
	return (XrPosef){{v[3], v[4], v[5], v[6]}, {v[0], v[1], v[2]}};
}

#endif
