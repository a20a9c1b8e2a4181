/* simxr: hand tracking (XR_EXT_hand_tracking) from the script's hand poses and pinch. */
#define SCRUB_LOG_MODULE "simxr"
#include "simxr_internal.h"
#include "log.h"
#include "simxr_pose.h"

#include <stdlib.h>
#include <string.h>

/* ---- hand tracking (XR_EXT_hand_tracking) ----
 * A tracked hand is the script's `left/hand/pose` (the palm: fingers along -Z, the palm facing -Y, the thumb
 * towards the hand's outside... +X for the left hand) and `left/pinch/value` (0..1: the thumb's tip goes to the
 * index's). The joints are a relaxed flat hand around the palm. A hand is tracked while its pose channel exists. */
#define SIMXR_MAGIC_HAND_TRACKER 0x58485452

struct XrHandTrackerEXT_T {
	uint32_t magic;
	simxr_session *sess;
	int hand;
};

/* joint positions of a left hand in the palm's frame (metres); the right hand mirrors x */
static const float k_joints[XR_HAND_JOINT_COUNT_EXT][3] = {
	{0, 0, 0},              {0, 0.005f, 0.06f},                                    /* palm, wrist */
	{0.025f, 0, 0.045f},    {0.045f, 0, 0.02f},  {0.055f, 0, -0.01f}, {0.060f, 0, -0.035f}, /* thumb */
	{0.020f, 0, 0.04f},     {0.022f, 0, -0.03f}, {0.023f, 0, -0.07f}, {0.024f, 0, -0.095f}, {0.025f, 0, -0.115f},
	{0.0f, 0, 0.04f},       {0.0f, 0, -0.035f},  {0.0f, 0, -0.078f},  {0.0f, 0, -0.105f},   {0.0f, 0, -0.125f},
	{-0.020f, 0, 0.04f},    {-0.020f, 0, -0.03f}, {-0.020f, 0, -0.07f}, {-0.021f, 0, -0.095f}, {-0.022f, 0, -0.115f},
	{-0.036f, 0, 0.035f},   {-0.038f, 0, -0.025f}, {-0.039f, 0, -0.055f}, {-0.040f, 0, -0.075f}, {-0.041f, 0, -0.092f},
};

XrResult simxr_xrCreateHandTrackerEXT(XrSession session, const XrHandTrackerCreateInfoEXT *info,
                                      XrHandTrackerEXT *out)
{
	simxr_session *s = simxr_get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_HAND_TRACKER_CREATE_INFO_EXT || !out ||
	    (info->hand != XR_HAND_LEFT_EXT && info->hand != XR_HAND_RIGHT_EXT))
		return XR_ERROR_VALIDATION_FAILURE;
	if (info->handJointSet != XR_HAND_JOINT_SET_DEFAULT_EXT)
		return XR_ERROR_VALIDATION_FAILURE;
	struct XrHandTrackerEXT_T *t = calloc(1, sizeof *t);
	if (!t)
		return XR_ERROR_OUT_OF_MEMORY;
	t->magic = SIMXR_MAGIC_HAND_TRACKER;
	t->sess = s;
	t->hand = info->hand == XR_HAND_LEFT_EXT ? SIMXR_HAND_LEFT : SIMXR_HAND_RIGHT;
	*out = t;
	return XR_SUCCESS;
}

XrResult simxr_xrDestroyHandTrackerEXT(XrHandTrackerEXT tracker)
{
	if (!tracker || tracker->magic != SIMXR_MAGIC_HAND_TRACKER)
		return XR_ERROR_HANDLE_INVALID;
	tracker->magic = 0;
	free(tracker);
	return XR_SUCCESS;
}

XrResult simxr_xrLocateHandJointsEXT(XrHandTrackerEXT tracker, const XrHandJointsLocateInfoEXT *info,
                                     XrHandJointLocationsEXT *loc)
{
	if (!tracker || tracker->magic != SIMXR_MAGIC_HAND_TRACKER || !simxr_get_session((XrSession)(void *)tracker->sess))
		return XR_ERROR_HANDLE_INVALID;
	simxr_session *s = tracker->sess;
	if (!info || info->type != XR_TYPE_HAND_JOINTS_LOCATE_INFO_EXT || !loc ||
	    loc->type != XR_TYPE_HAND_JOINT_LOCATIONS_EXT || loc->jointCount != XR_HAND_JOINT_COUNT_EXT ||
	    !loc->jointLocations)
		return XR_ERROR_VALIDATION_FAILURE;
	if (s->lost)
		return XR_ERROR_SESSION_LOST;
	struct XrSpace_T *base = simxr_get_space(info->baseSpace);
	if (!base)
		return XR_ERROR_HANDLE_INVALID;
	if (info->time <= 0)
		return XR_ERROR_TIME_INVALID;
	double t = simxr_script_time(s, info->time);
	const char *side = tracker->hand == SIMXR_HAND_LEFT ? "left" : "right";
	char name[64];
	float v[7], pinch = 0;
	snprintf(name, sizeof name, "%s/hand/pose", side);
	XrPosef b;
	loc->isActive = simxr_eval_channel(s->inst, name, t, v) && simxr_space_pose(base, t, &b);
	if (!loc->isActive) {
		for (uint32_t j = 0; j < XR_HAND_JOINT_COUNT_EXT; j++)
			loc->jointLocations[j].locationFlags = 0;
		return XR_SUCCESS;
	}
	XrPosef palm = pose_mul(pose_inv(b), pose_from(v));
	snprintf(name, sizeof name, "%s/pinch/value", side);
	if (simxr_eval_channel(s->inst, name, t, v))
		pinch = v[0] < 0 ? 0 : v[0] > 1 ? 1 : v[0];
	float mirror = tracker->hand == SIMXR_HAND_LEFT ? 1.f : -1.f;
	for (uint32_t j = 0; j < XR_HAND_JOINT_COUNT_EXT; j++) {
		float p[3] = {k_joints[j][0] * mirror, k_joints[j][1], k_joints[j][2]};
		if (j == XR_HAND_JOINT_THUMB_TIP_EXT || j == XR_HAND_JOINT_THUMB_DISTAL_EXT) {
			float w = pinch * (j == XR_HAND_JOINT_THUMB_TIP_EXT ? 1.f : 0.5f);
			for (int i = 0; i < 3; i++)
				p[i] += (k_joints[XR_HAND_JOINT_INDEX_TIP_EXT][i] * (i ? 1.f : mirror) - p[i]) * w;
		}
		XrPosef local = {{0, 0, 0, 1}, {p[0], p[1], p[2]}};
		XrHandJointLocationEXT *o = &loc->jointLocations[j];
		o->pose = pose_mul(palm, local);
		o->radius = j == XR_HAND_JOINT_PALM_EXT || j == XR_HAND_JOINT_WRIST_EXT ? 0.02f : 0.009f;
		o->locationFlags = XR_SPACE_LOCATION_POSITION_VALID_BIT | XR_SPACE_LOCATION_ORIENTATION_VALID_BIT |
		                   XR_SPACE_LOCATION_POSITION_TRACKED_BIT | XR_SPACE_LOCATION_ORIENTATION_TRACKED_BIT;
	}
	return XR_SUCCESS;
}

