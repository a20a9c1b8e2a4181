/* engine/xr internals shared by xr.c (instance, session, swapchains, frames) and xr_input.c (actions). */
#ifndef SCRUB_XR_INTERNAL_H
#define SCRUB_XR_INTERNAL_H

#include <vulkan/vulkan.h>
#define XR_USE_GRAPHICS_API_VULKAN
#include <openxr/openxr.h>
#include <openxr/openxr_platform.h>

#include "scrub_render_vk.h"
#include "scrub_xr.h"

#define XR_MAX_IMAGES 8

/* Interaction profiles beyond OpenXR 1.0's core, each behind its extension (xr_input.c suggests bindings for those the
 * runtime offers). The extension names are strings: older headers (1.0.20) do not define them all. */
#define XR_NUM_EXT_PROFILES 8
extern const char *const xr_ext_profile_names[XR_NUM_EXT_PROFILES];

typedef struct xr_swapchain {
	XrSwapchain handle;
	uint32_t width, height, layers;
	VkFormat format;
	uint32_t count;
	VkImage images[XR_MAX_IMAGES];
	VkImageView views[XR_MAX_IMAGES];
} xr_swapchain;

typedef struct xr_input {
	XrActionSet set;
	XrAction grip, aim, trigger, squeeze, scroll, menu, recentre, haptic;
	XrPath hand[SCRUB_XR_HANDS];
	XrSpace grip_space[SCRUB_XR_HANDS], aim_space[SCRUB_XR_HANDS];
	float prev_trigger[SCRUB_XR_HANDS], prev_scroll_y[SCRUB_XR_HANDS];
	/* XR_EXT_hand_tracking, when offered */
	bool hand_tracking;
	XrHandTrackerEXT tracker[SCRUB_XR_HANDS];
	PFN_xrCreateHandTrackerEXT create_tracker;
	PFN_xrDestroyHandTrackerEXT destroy_tracker;
	PFN_xrLocateHandJointsEXT locate_joints;
} xr_input;

struct scrub_xr {
	XrInstance instance;
	XrSystemId system;
	XrSession session;
	XrSpace space;           /* STAGE, or LOCAL when STAGE is not offered */
	XrSpace view_space;
	bool stage;
	bool ext_depth, ext_hands;
	bool ext_profile[XR_NUM_EXT_PROFILES];     /* the profile extensions enabled */
	XrViewConfigurationType view_config;       /* PRIMARY_STEREO, else PRIMARY_MONO */
	uint32_t nviews;                           /* 2 or 1 */
	XrEnvironmentBlendMode blend;              /* OPAQUE, else ADDITIVE, else ALPHA_BLEND (see-through) */
	char runtime_name[XR_MAX_RUNTIME_NAME_SIZE];
	char system_name[XR_MAX_SYSTEM_NAME_SIZE];
	char profile[XR_MAX_PATH_LENGTH];

	VkInstance vk_instance;
	VkPhysicalDevice phys;
	VkDevice device;
	uint32_t qfamily;
	scrub_renderer *eyes, *panel_renderer;
	xr_swapchain eye_sc, panel_sc;
	xr_swapchain depth_sc;      /* the eyes' depth (XR_KHR_composition_layer_depth); handle 0 when not used */

	XrSessionState state;
	bool running, exit, lost, exit_requested, stopped_by_runtime;
	XrFrameState fs;
	bool frame_begun;
	XrView views[2];                          /* nviews of them */
	bool views_valid;
	scrub_xr_frame last;     /* the frame being rendered: head and hand poses for anchored panels */

	/* recentring: scene = rotY(-yaw) * (reference - origin) */
	float rc_yaw, rc_origin[3];
	bool recentre_pending;

	xr_input in;
	scrub_xr_stats stats;
};

/* engine/xr/xr.c */
const char *xr_result_str(scrub_xr *xr, XrResult r);
/* Marks the runtime lost for the results that mean so; returns the scrub_result for r. */
scrub_result xr_check(scrub_xr *xr, XrResult r, const char *what);

/* engine/xr/xr_input.c */
scrub_result xr_input_init(scrub_xr *xr);
void xr_input_fini(scrub_xr *xr);
scrub_result xr_input_attach(scrub_xr *xr);
scrub_result xr_input_sync(scrub_xr *xr, scrub_xr_frame *frame);
void xr_input_profile_changed(scrub_xr *xr);

/* engine/xr/xr_math.c */
void xr_pose_to_scene(const scrub_xr *xr, const XrPosef *in, scrub_xr_pose *out);
void xr_pose_from_scene(const scrub_xr *xr, const scrub_xr_pose *in, XrPosef *out);
void xr_view_matrix(const scrub_xr_pose *eye, float out_m[16]);
void xr_projection(const XrFovf *fov, float znear, float zfar, float out_m[16]);
void xr_quat_yaw(float yaw, float out_q[4]);
void xr_quat_mul(const float a[4], const float b[4], float out_q[4]);
void xr_quat_rotate(const float q[4], const float v[3], float out_v[3]);
float xr_quat_yaw_of(const float q[4]);

#endif
