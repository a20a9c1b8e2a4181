/* Scrub XR input: one action set, suggested bindings for five controller profiles, grip and aim poses, trigger,
 * squeeze, thumbstick or trackpad, menu, recentre, haptics; XR_EXT_hand_tracking palms when the runtime offers it. */
#define SCRUB_LOG_MODULE "xr"
#include "log.h"
#include "xr_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define XR_TRY(call, what)                                    \
	do {                                                  \
		scrub_result r_ = xr_check(xr, (call), (what)); \
		if (r_ != SCRUB_OK)                           \
			return r_;                            \
	} while (0)

static scrub_result make_action(scrub_xr *xr, XrAction *out, const char *name, const char *label, XrActionType type)
{
	XrActionCreateInfo ci = {.type = XR_TYPE_ACTION_CREATE_INFO, .actionType = type, .countSubactionPaths = 2,
	                         .subactionPaths = xr->in.hand};
	snprintf(ci.actionName, sizeof ci.actionName, "%s", name);
	snprintf(ci.localizedActionName, sizeof ci.localizedActionName, "%s", label);
	XR_TRY(xrCreateAction(xr->in.set, &ci, out), name);
	return SCRUB_OK;
}

typedef struct binding {
	XrAction *action;
	const char *path;
} binding;

static scrub_result suggest(scrub_xr *xr, const char *profile, const binding *b, uint32_t n)
{
	XrActionSuggestedBinding sb[32];
	for (uint32_t i = 0; i < n && i < 32; i++) {
		sb[i].action = *b[i].action;
		XR_TRY(xrStringToPath(xr->instance, b[i].path, &sb[i].binding), b[i].path);
	}
	XrInteractionProfileSuggestedBinding ps = {.type = XR_TYPE_INTERACTION_PROFILE_SUGGESTED_BINDING,
	                                           .countSuggestedBindings = n,
	                                           .suggestedBindings = sb};
	XR_TRY(xrStringToPath(xr->instance, profile, &ps.interactionProfile), profile);
	XR_TRY(xrSuggestInteractionProfileBindings(xr->instance, &ps), profile);
	return SCRUB_OK;
}

#define L "/user/hand/left/input/"
#define R "/user/hand/right/input/"
#define HL "/user/hand/left/output/haptic"
#define HR "/user/hand/right/output/haptic"
#define N(a) (uint32_t)(sizeof(a) / sizeof(a[0]))

scrub_result xr_input_init(scrub_xr *xr)
{
	xr_input *in = &xr->in;
	XR_TRY(xrStringToPath(xr->instance, "/user/hand/left", &in->hand[SCRUB_XR_LEFT]), "left hand path");
	XR_TRY(xrStringToPath(xr->instance, "/user/hand/right", &in->hand[SCRUB_XR_RIGHT]), "right hand path");
	XrActionSetCreateInfo sci = {.type = XR_TYPE_ACTION_SET_CREATE_INFO, .priority = 0};
	snprintf(sci.actionSetName, sizeof sci.actionSetName, "scrub");
	snprintf(sci.localizedActionSetName, sizeof sci.localizedActionSetName, "Scrub");
	XR_TRY(xrCreateActionSet(xr->instance, &sci, &in->set), "xrCreateActionSet");
	scrub_result r = SCRUB_OK;
	if (!r) r = make_action(xr, &in->grip, "hand_pose", "Hand pose", XR_ACTION_TYPE_POSE_INPUT);
	if (!r) r = make_action(xr, &in->aim, "aim_pose", "Pointing pose", XR_ACTION_TYPE_POSE_INPUT);
	if (!r) r = make_action(xr, &in->trigger, "trigger", "Perform / cut", XR_ACTION_TYPE_FLOAT_INPUT);
	if (!r) r = make_action(xr, &in->squeeze, "squeeze", "Grasp", XR_ACTION_TYPE_FLOAT_INPUT);
	if (!r) r = make_action(xr, &in->scroll, "scroll", "Choose an action", XR_ACTION_TYPE_VECTOR2F_INPUT);
	if (!r) r = make_action(xr, &in->menu, "menu", "Next action", XR_ACTION_TYPE_BOOLEAN_INPUT);
	if (!r) r = make_action(xr, &in->recentre, "recentre", "Recentre", XR_ACTION_TYPE_BOOLEAN_INPUT);
	if (!r) r = make_action(xr, &in->haptic, "vibrate", "Touch feedback", XR_ACTION_TYPE_VIBRATION_OUTPUT);
	if (r)
		return r;

	const binding simple[] = {
		{&in->grip, L "grip/pose"}, {&in->grip, R "grip/pose"}, {&in->aim, L "aim/pose"},
		{&in->aim, R "aim/pose"}, {&in->trigger, L "select/click"}, {&in->trigger, R "select/click"},
		{&in->menu, L "menu/click"}, {&in->menu, R "menu/click"}, {&in->haptic, HL}, {&in->haptic, HR},
	};
	const binding touch[] = {
		{&in->grip, L "grip/pose"}, {&in->grip, R "grip/pose"}, {&in->aim, L "aim/pose"},
		{&in->aim, R "aim/pose"}, {&in->trigger, L "trigger/value"}, {&in->trigger, R "trigger/value"},
		{&in->squeeze, L "squeeze/value"}, {&in->squeeze, R "squeeze/value"}, {&in->scroll, L "thumbstick"},
		{&in->scroll, R "thumbstick"}, {&in->menu, L "menu/click"}, {&in->menu, R "b/click"},
		{&in->recentre, L "thumbstick/click"}, {&in->haptic, HL}, {&in->haptic, HR},
	};
	const binding index[] = {
		{&in->grip, L "grip/pose"}, {&in->grip, R "grip/pose"}, {&in->aim, L "aim/pose"},
		{&in->aim, R "aim/pose"}, {&in->trigger, L "trigger/value"}, {&in->trigger, R "trigger/value"},
		{&in->squeeze, L "squeeze/value"}, {&in->squeeze, R "squeeze/value"}, {&in->scroll, L "thumbstick"},
		{&in->scroll, R "thumbstick"}, {&in->menu, L "b/click"}, {&in->menu, R "b/click"},
		{&in->recentre, L "thumbstick/click"}, {&in->haptic, HL}, {&in->haptic, HR},
	};
	const binding vive[] = {
		{&in->grip, L "grip/pose"}, {&in->grip, R "grip/pose"}, {&in->aim, L "aim/pose"},
		{&in->aim, R "aim/pose"}, {&in->trigger, L "trigger/value"}, {&in->trigger, R "trigger/value"},
		{&in->squeeze, L "squeeze/click"}, {&in->squeeze, R "squeeze/click"}, {&in->scroll, L "trackpad"},
		{&in->scroll, R "trackpad"}, {&in->menu, L "menu/click"}, {&in->menu, R "menu/click"},
		{&in->recentre, L "trackpad/click"}, {&in->haptic, HL}, {&in->haptic, HR},
	};
	const binding wmr[] = {
		{&in->grip, L "grip/pose"}, {&in->grip, R "grip/pose"}, {&in->aim, L "aim/pose"},
		{&in->aim, R "aim/pose"}, {&in->trigger, L "trigger/value"}, {&in->trigger, R "trigger/value"},
		{&in->squeeze, L "squeeze/click"}, {&in->squeeze, R "squeeze/click"}, {&in->scroll, L "thumbstick"},
		{&in->scroll, R "thumbstick"}, {&in->menu, L "menu/click"}, {&in->menu, R "menu/click"},
		{&in->recentre, L "thumbstick/click"}, {&in->haptic, HL}, {&in->haptic, HR},
	};
	if (!r) r = suggest(xr, "/interaction_profiles/khr/simple_controller", simple, N(simple));
	if (!r) r = suggest(xr, "/interaction_profiles/oculus/touch_controller", touch, N(touch));
	if (!r) r = suggest(xr, "/interaction_profiles/valve/index_controller", index, N(index));
	if (!r) r = suggest(xr, "/interaction_profiles/htc/vive_controller", vive, N(vive));
	if (!r) r = suggest(xr, "/interaction_profiles/microsoft/motion_controller", wmr, N(wmr));

	/* profiles behind extensions (xr_ext_profile_names), where the runtime offered them */
	const binding hp[] = {
		{&in->grip, L "grip/pose"}, {&in->grip, R "grip/pose"}, {&in->aim, L "aim/pose"},
		{&in->aim, R "aim/pose"}, {&in->trigger, L "trigger/value"}, {&in->trigger, R "trigger/value"},
		{&in->squeeze, L "squeeze/value"}, {&in->squeeze, R "squeeze/value"}, {&in->scroll, L "thumbstick"},
		{&in->scroll, R "thumbstick"}, {&in->menu, L "menu/click"}, {&in->menu, R "menu/click"},
		{&in->recentre, L "thumbstick/click"}, {&in->haptic, HL}, {&in->haptic, HR},
	};
	const binding htc[] = { /* vive cosmos, vive focus 3: the menu button on the left, B on the right */
		{&in->grip, L "grip/pose"}, {&in->grip, R "grip/pose"}, {&in->aim, L "aim/pose"},
		{&in->aim, R "aim/pose"}, {&in->trigger, L "trigger/value"}, {&in->trigger, R "trigger/value"},
		{&in->squeeze, L "squeeze/click"}, {&in->squeeze, R "squeeze/click"}, {&in->scroll, L "thumbstick"},
		{&in->scroll, R "thumbstick"}, {&in->menu, L "menu/click"}, {&in->menu, R "b/click"},
		{&in->recentre, L "thumbstick/click"}, {&in->haptic, HL}, {&in->haptic, HR},
	};
	const binding pico[] = {
		{&in->grip, L "grip/pose"}, {&in->grip, R "grip/pose"}, {&in->aim, L "aim/pose"},
		{&in->aim, R "aim/pose"}, {&in->trigger, L "trigger/value"}, {&in->trigger, R "trigger/value"},
		{&in->squeeze, L "squeeze/value"}, {&in->squeeze, R "squeeze/value"}, {&in->scroll, L "thumbstick"},
		{&in->scroll, R "thumbstick"}, {&in->menu, L "menu/click"}, {&in->menu, R "b/click"},
		{&in->recentre, L "thumbstick/click"}, {&in->haptic, HL}, {&in->haptic, HR},
	};
	const binding ml2[] = { /* no squeeze: the bumper (shoulder) grasps; the trackpad chooses */
		{&in->grip, L "grip/pose"}, {&in->grip, R "grip/pose"}, {&in->aim, L "aim/pose"},
		{&in->aim, R "aim/pose"}, {&in->trigger, L "trigger/value"}, {&in->trigger, R "trigger/value"},
		{&in->squeeze, L "shoulder/click"}, {&in->squeeze, R "shoulder/click"}, {&in->scroll, L "trackpad"},
		{&in->scroll, R "trackpad"}, {&in->menu, L "menu/click"}, {&in->menu, R "menu/click"},
		{&in->recentre, L "trackpad/click"}, {&in->haptic, HL}, {&in->haptic, HR},
	};
	static const char *const ext_profile[XR_NUM_EXT_PROFILES] = {
		"/interaction_profiles/hp/mixed_reality_controller", "/interaction_profiles/htc/vive_cosmos_controller",
		"/interaction_profiles/htc/vive_focus3_controller",   "/interaction_profiles/bytedance/pico4_controller",
		"/interaction_profiles/ml/ml2_controller",            "/interaction_profiles/samsung/odyssey_controller",
		"/interaction_profiles/facebook/touch_controller_pro", "/interaction_profiles/meta/touch_controller_plus",
	};
	const binding *ext_binding[XR_NUM_EXT_PROFILES] = {hp, htc, htc, pico, ml2, wmr, touch, touch};
	const uint32_t ext_count[XR_NUM_EXT_PROFILES] = {N(hp), N(htc), N(htc), N(pico), N(ml2), N(wmr), N(touch), N(touch)};
	for (int i = 0; i < XR_NUM_EXT_PROFILES && !r; i++)
		if (xr->ext_profile[i]) {
			r = suggest(xr, ext_profile[i], ext_binding[i], ext_count[i]);
			LOG_D("bindings suggested for %s", ext_profile[i]);
		}
	return r;
}

scrub_result xr_input_attach(scrub_xr *xr)
{
	xr_input *in = &xr->in;
	for (int h = 0; h < SCRUB_XR_HANDS; h++) {
		XrActionSpaceCreateInfo ci = {.type = XR_TYPE_ACTION_SPACE_CREATE_INFO,
		                              .action = in->grip,
		                              .subactionPath = in->hand[h],
		                              .poseInActionSpace = {.orientation = {0, 0, 0, 1}}};
		XR_TRY(xrCreateActionSpace(xr->session, &ci, &in->grip_space[h]), "xrCreateActionSpace(grip)");
		ci.action = in->aim;
		XR_TRY(xrCreateActionSpace(xr->session, &ci, &in->aim_space[h]), "xrCreateActionSpace(aim)");
	}
	XrSessionActionSetsAttachInfo ai = {.type = XR_TYPE_SESSION_ACTION_SETS_ATTACH_INFO, .countActionSets = 1,
	                                    .actionSets = &in->set};
	XR_TRY(xrAttachSessionActionSets(xr->session, &ai), "xrAttachSessionActionSets");

	if (xr->ext_hands) {
		XrSystemHandTrackingPropertiesEXT ht = {.type = XR_TYPE_SYSTEM_HAND_TRACKING_PROPERTIES_EXT};
		XrSystemProperties sp = {.type = XR_TYPE_SYSTEM_PROPERTIES, .next = &ht};
		if (XR_SUCCEEDED(xrGetSystemProperties(xr->instance, xr->system, &sp)) && ht.supportsHandTracking &&
		    XR_SUCCEEDED(xrGetInstanceProcAddr(xr->instance, "xrCreateHandTrackerEXT",
		                                       (PFN_xrVoidFunction *)&in->create_tracker)) &&
		    XR_SUCCEEDED(xrGetInstanceProcAddr(xr->instance, "xrDestroyHandTrackerEXT",
		                                       (PFN_xrVoidFunction *)&in->destroy_tracker)) &&
		    XR_SUCCEEDED(xrGetInstanceProcAddr(xr->instance, "xrLocateHandJointsEXT",
		                                       (PFN_xrVoidFunction *)&in->locate_joints))) {
			in->hand_tracking = true;
			for (int h = 0; h < SCRUB_XR_HANDS && in->hand_tracking; h++) {
				XrHandTrackerCreateInfoEXT tci = {.type = XR_TYPE_HAND_TRACKER_CREATE_INFO_EXT,
				                                  .hand = h == SCRUB_XR_LEFT ? XR_HAND_LEFT_EXT : XR_HAND_RIGHT_EXT,
				                                  .handJointSet = XR_HAND_JOINT_SET_DEFAULT_EXT};
				if (XR_FAILED(in->create_tracker(xr->session, &tci, &in->tracker[h])))
					in->hand_tracking = false;
			}
			LOG_I("XR_EXT_hand_tracking: %s", in->hand_tracking ? "on" : "trackers refused, off");
		}
	}
	return SCRUB_OK;
}

void xr_input_fini(scrub_xr *xr)
{
	xr_input *in = &xr->in;
	for (int h = 0; h < SCRUB_XR_HANDS; h++) {
		if (in->tracker[h] && in->destroy_tracker)
			in->destroy_tracker(in->tracker[h]);
		if (in->grip_space[h])
			xrDestroySpace(in->grip_space[h]);
		if (in->aim_space[h])
			xrDestroySpace(in->aim_space[h]);
	}
	if (in->set)
		xrDestroyActionSet(in->set); /* destroys its actions */
	memset(in, 0, sizeof *in);
}

void xr_input_profile_changed(scrub_xr *xr)
{
	XrInteractionProfileState st = {.type = XR_TYPE_INTERACTION_PROFILE_STATE};
	for (int h = 0; h < SCRUB_XR_HANDS; h++) {
		if (XR_FAILED(xrGetCurrentInteractionProfile(xr->session, xr->in.hand[h], &st)) ||
		    st.interactionProfile == XR_NULL_PATH)
			continue;
		char buf[XR_MAX_PATH_LENGTH];
		uint32_t n = 0;
		if (XR_SUCCEEDED(xrPathToString(xr->instance, st.interactionProfile, sizeof buf, &n, buf))) {
			if (strcmp(buf, xr->profile) != 0)
				LOG_I("%s hand: %s", h == SCRUB_XR_LEFT ? "left" : "right", buf);
			snprintf(xr->profile, sizeof xr->profile, "%s", buf);
		}
	}
}

static void locate(scrub_xr *xr, XrSpace space, XrTime t, bool *valid, scrub_xr_pose *out)
{
	XrSpaceLocation loc = {.type = XR_TYPE_SPACE_LOCATION};
	*valid = XR_SUCCEEDED(xrLocateSpace(space, xr->space, t, &loc)) &&
	         (loc.locationFlags & XR_SPACE_LOCATION_POSITION_VALID_BIT) &&
	         (loc.locationFlags & XR_SPACE_LOCATION_ORIENTATION_VALID_BIT);
	if (*valid)
		xr_pose_to_scene(xr, &loc.pose, out);
}

scrub_result xr_input_sync(scrub_xr *xr, scrub_xr_frame *f)
{
	xr_input *in = &xr->in;
	XrActiveActionSet as = {.actionSet = in->set, .subactionPath = XR_NULL_PATH};
	XrActionsSyncInfo si = {.type = XR_TYPE_ACTIONS_SYNC_INFO, .countActiveActionSets = 1, .activeActionSets = &as};
	XrResult sr = xrSyncActions(xr->session, &si);
	if (sr == XR_SESSION_NOT_FOCUSED)
		return SCRUB_OK;
	XR_TRY(sr, "xrSyncActions");
	XrTime t = xr->fs.predictedDisplayTime;
	for (int h = 0; h < SCRUB_XR_HANDS; h++) {
		scrub_xr_hand *hd = &f->hands[h];
		XrActionStateGetInfo gi = {.type = XR_TYPE_ACTION_STATE_GET_INFO, .subactionPath = in->hand[h]};
		XrActionStatePose ps = {.type = XR_TYPE_ACTION_STATE_POSE};
		gi.action = in->grip;
		bool valid = false;
		if (XR_SUCCEEDED(xrGetActionStatePose(xr->session, &gi, &ps)) && ps.isActive)
			locate(xr, in->grip_space[h], t, &valid, &hd->grip);
		hd->active = valid;
		hd->aim = hd->grip;
		locate(xr, in->aim_space[h], t, &valid, &hd->aim);
		if (!valid)
			hd->aim = hd->grip;

		XrActionStateFloat fs = {.type = XR_TYPE_ACTION_STATE_FLOAT};
		gi.action = in->trigger;
		hd->trigger = XR_SUCCEEDED(xrGetActionStateFloat(xr->session, &gi, &fs)) && fs.isActive ? fs.currentState : 0;
		fs = (XrActionStateFloat){.type = XR_TYPE_ACTION_STATE_FLOAT};
		gi.action = in->squeeze;
		hd->squeeze = XR_SUCCEEDED(xrGetActionStateFloat(xr->session, &gi, &fs)) && fs.isActive ? fs.currentState : 0;
		XrActionStateVector2f vs = {.type = XR_TYPE_ACTION_STATE_VECTOR2F};
		gi.action = in->scroll;
		if (XR_SUCCEEDED(xrGetActionStateVector2f(xr->session, &gi, &vs)) && vs.isActive) {
			hd->scroll[0] = vs.currentState.x;
			hd->scroll[1] = vs.currentState.y;
		}
		XrActionStateBoolean bs = {.type = XR_TYPE_ACTION_STATE_BOOLEAN};
		gi.action = in->menu;
		hd->menu_pressed = XR_SUCCEEDED(xrGetActionStateBoolean(xr->session, &gi, &bs)) && bs.isActive &&
		                   bs.changedSinceLastSync && bs.currentState;
		bs = (XrActionStateBoolean){.type = XR_TYPE_ACTION_STATE_BOOLEAN};
		gi.action = in->recentre;
		hd->recentre_pressed = XR_SUCCEEDED(xrGetActionStateBoolean(xr->session, &gi, &bs)) && bs.isActive &&
		                       bs.changedSinceLastSync && bs.currentState;

		/* edges with hysteresis-free thresholds, as the runtime's boolean conversion does (0.5) */
		hd->trigger_pressed = hd->trigger >= 0.5f && in->prev_trigger[h] < 0.5f;
		in->prev_trigger[h] = hd->trigger;
		float y = hd->scroll[1], py = in->prev_scroll_y[h];
		hd->scroll_steps = (y >= 0.6f && py < 0.6f) ? 1 : (y <= -0.6f && py > -0.6f) ? -1 : 0;
		in->prev_scroll_y[h] = y;

		if (in->hand_tracking) {
			XrHandJointLocationEXT joints[XR_HAND_JOINT_COUNT_EXT];
			XrHandJointLocationsEXT jl = {.type = XR_TYPE_HAND_JOINT_LOCATIONS_EXT,
			                              .jointCount = XR_HAND_JOINT_COUNT_EXT,
			                              .jointLocations = joints};
			XrHandJointsLocateInfoEXT li = {.type = XR_TYPE_HAND_JOINTS_LOCATE_INFO_EXT, .baseSpace = xr->space,
			                                .time = t};
			hd->hand_tracked = false;
			if (XR_SUCCEEDED(in->locate_joints(in->tracker[h], &li, &jl)) && jl.isActive) {
				const XrHandJointLocationEXT *p = &joints[XR_HAND_JOINT_PALM_EXT];
				hd->hand_tracked = (p->locationFlags & XR_SPACE_LOCATION_POSITION_VALID_BIT) != 0;
				static const int tips[3] = {XR_HAND_JOINT_THUMB_TIP_EXT, XR_HAND_JOINT_INDEX_TIP_EXT,
				                            XR_HAND_JOINT_MIDDLE_TIP_EXT};
				for (int k = 0; k < 3 && hd->hand_tracked; k++)
					hd->hand_tracked = (joints[tips[k]].locationFlags & XR_SPACE_LOCATION_POSITION_VALID_BIT) != 0;
				if (hd->hand_tracked) {
					xr_pose_to_scene(xr, &p->pose, &hd->palm);
					scrub_xr_pose tip;
					float *outs[3] = {hd->thumb_tip, hd->index_tip, hd->middle_tip};
					for (int k = 0; k < 3; k++) {
						xr_pose_to_scene(xr, &joints[tips[k]].pose, &tip);
						memcpy(outs[k], tip.pos, sizeof tip.pos);
					}
					float d = 0;
					for (int k = 0; k < 3; k++)
						d += (hd->thumb_tip[k] - hd->index_tip[k]) * (hd->thumb_tip[k] - hd->index_tip[k]);
					hd->pinch = sqrtf(d) < 0.025f; /* the thumb's tip on the index's: a pinch holds */
					xr->stats.hand_frames++;
				}
			}
		}
	}
	return SCRUB_OK;
}

scrub_result scrub_xr_haptic(scrub_xr *xr, int hand, float amplitude, float seconds)
{
	if (hand < 0 || hand >= SCRUB_XR_HANDS || !(amplitude >= 0.f))
		return SCRUB_ERR_INVALID;
	if (xr->lost || xr->state != XR_SESSION_STATE_FOCUSED)
		return SCRUB_OK;
	XrHapticVibration v = {
		.type = XR_TYPE_HAPTIC_VIBRATION,
		.duration = seconds > 0 ? (XrDuration)(seconds * 1e9) : XR_MIN_HAPTIC_DURATION,
		.frequency = XR_FREQUENCY_UNSPECIFIED,
		.amplitude = amplitude > 1.f ? 1.f : amplitude,
	};
	XrHapticActionInfo hi = {.type = XR_TYPE_HAPTIC_ACTION_INFO, .action = xr->in.haptic,
	                         .subactionPath = xr->in.hand[hand]};
	XR_TRY(xrApplyHapticFeedback(xr->session, &hi, (const XrHapticBaseHeader *)&v), "xrApplyHapticFeedback");
	xr->stats.haptics++;
	return SCRUB_OK;
}
