/* Scrub XR: an OpenXR 1.0 headset session around the renderer (engine/xr, docs/xr.md).
 *
 * OpenXR through the system loader with XR_KHR_vulkan_enable2: the runtime creates the VkInstance and VkDevice,
 * the renderer draws into the runtime's swapchain images. One stereo projection layer (a 2-layer colour swapchain,
 * both eyes in one renderer call) and up to SCRUB_XR_MAX_PANELS quad layers cut from one panel image (the patient
 * monitor, the action menu, the results), drawn by the renderer's 2D overlay.
 *
 * The frame loop is the caller's, in the order hello_xr uses:
 *
 *   while (!xr_state.exit) {
 *       scrub_xr_poll(xr, &st);                     // events: session state, loss, profile changes
 *       if (!st.running) { sleep a little; continue; }
 *       scrub_xr_frame_begin(xr, &frame);            // xrWaitFrame, xrBeginFrame, input, view poses
 *       ... step the simulation to frame.time_ns, fill the snapshots ...
 *       scrub_xr_frame_end(xr, &scene, &panel, panels, n);  // renders only if shouldRender; always xrEndFrame
 *   }
 *
 * Every function returns SCRUB_ERR_RUNTIME once the runtime is lost (XR_ERROR_SESSION_LOST, INSTANCE_LOST,
 * LOSS_PENDING); the state then says lost and exit. */
#ifndef SCRUB_XR_H
#define SCRUB_XR_H

#include <stdbool.h>
#include <stdint.h>

#include "result.h"
#include "scrub_render.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct scrub_xr scrub_xr;

/* Why scrub_xr_create failed (for the message the CLI prints). */
typedef enum scrub_xr_failure {
	SCRUB_XR_FAIL_NONE = 0,
	SCRUB_XR_FAIL_NO_RUNTIME,    /* no OpenXR runtime installed or active (xrCreateInstance refused) */
	SCRUB_XR_FAIL_NO_HEADSET,    /* a runtime, but no head-mounted display (XR_ERROR_FORM_FACTOR_UNAVAILABLE) */
	SCRUB_XR_FAIL_NO_VULKAN,     /* the runtime lacks XR_KHR_vulkan_enable2, or no suitable Vulkan device */
	SCRUB_XR_FAIL_OTHER,
} scrub_xr_failure;

typedef struct scrub_xr_desc {
	const char *app_name;        /* NULL = "Scrub" */
	float eye_scale;             /* swapchain size as a fraction of the recommended one; 0 = 1 */
	uint32_t panel_width, panel_height; /* the panel image (0 = 1024 x 640) */
	bool validation;             /* enable VK_LAYER_KHRONOS_validation on the runtime's instance if present */
} scrub_xr_desc;

/* Creates the instance, system, Vulkan instance and device, session, spaces, actions and swapchains.
 * On failure *out_failure (may be NULL) says why; the log has the OpenXR result. */
scrub_result scrub_xr_create(const scrub_xr_desc *desc, scrub_xr **out_xr, scrub_xr_failure *out_failure);
/* Ends the session if running, destroys everything; accepts NULL and clears the pointer. */
void scrub_xr_destroy(scrub_xr **xr);

const char *scrub_xr_runtime_name(const scrub_xr *xr);
const char *scrub_xr_system_name(const scrub_xr *xr);
/* "STAGE" or "LOCAL". */
const char *scrub_xr_reference_space(const scrub_xr *xr);
/* 2 (stereo) or 1 (a mono headset: the camera of each frame then has one view). */
uint32_t scrub_xr_view_count(const scrub_xr *xr);
/* The headset shows the world through the picture (additive or alpha blend): draw no room, clear to transparent. */
bool scrub_xr_see_through(const scrub_xr *xr);
const char *scrub_xr_blend_mode(const scrub_xr *xr);   /* "opaque", "additive", "alpha blend" */
uint32_t scrub_xr_eye_width(const scrub_xr *xr);
uint32_t scrub_xr_eye_height(const scrub_xr *xr);

typedef struct scrub_xr_state {
	bool running;                /* the session runs: frames must be waited, begun and ended */
	bool focused;                /* input reaches the app */
	bool exit;                   /* leave the loop: EXITING, loss, or an exit request completed */
	bool lost;                   /* the runtime was lost (LOSS_PENDING, INSTANCE_LOSS_PENDING, *_LOST) */
	bool stopped_by_runtime;     /* the runtime stopped the session without the app asking */
} scrub_xr_state;

/* Polls and handles every pending event (begins and ends the session as the state machine says). */
scrub_result scrub_xr_poll(scrub_xr *xr, scrub_xr_state *out_state);
/* Asks the runtime to end the session (xrRequestExitSession); the loop goes on until state.exit. */
void scrub_xr_request_exit(scrub_xr *xr);
/* The scene turns so that the user's current head position and heading become the origin, facing -Z. */
void scrub_xr_recentre(scrub_xr *xr);

enum { SCRUB_XR_LEFT = 0, SCRUB_XR_RIGHT = 1, SCRUB_XR_HANDS = 2 };

typedef struct scrub_xr_pose {
	float pos[3];                /* metres, scene space (after recentring) */
	float rot[4];                /* unit quaternion x y z w */
} scrub_xr_pose;

typedef struct scrub_xr_hand {
	bool active;                 /* the controller is tracked (grip pose valid) */
	scrub_xr_pose grip, aim;
	float trigger;               /* 0..1 */
	float squeeze;               /* 0..1 */
	float scroll[2];             /* thumbstick or trackpad */
	bool trigger_pressed;        /* edges this frame (trigger >= 0.5 after < 0.5) */
	bool menu_pressed;
	bool recentre_pressed;
	int scroll_steps;            /* +1 up / -1 down when the stick crossed 0.6 this frame */
	bool hand_tracked;           /* XR_EXT_hand_tracking gave the hand's joints (only when the runtime offers it) */
	scrub_xr_pose palm;          /* the joints, in scene space: the palm (fingers along -Z, the palm facing -Y) */
	float thumb_tip[3], index_tip[3], middle_tip[3];
	bool pinch;                  /* the thumb's tip on the index's (within 2.5 cm) */
} scrub_xr_hand;

typedef struct scrub_xr_frame {
	int64_t time_ns;             /* predicted display time (XrTime) */
	int64_t period_ns;
	bool should_render;
	scrub_xr_pose head;
	scrub_xr_hand hands[SCRUB_XR_HANDS];
	char profile[256];           /* current interaction profile path, "" if none */
	scrub_render_camera camera;  /* two views from xrLocateViews, ready for the scene snapshot */
} scrub_xr_frame;

/* xrWaitFrame, xrBeginFrame, xrSyncActions (when focused) and the view and hand poses. */
scrub_result scrub_xr_frame_begin(scrub_xr *xr, scrub_xr_frame *out_frame);

/* A quad layer cut from the panel image. */
typedef enum scrub_xr_anchor {
	SCRUB_XR_ANCHOR_SCENE = 0,   /* pose in scene space */
	SCRUB_XR_ANCHOR_LEFT_HAND,   /* pose relative to the left grip */
	SCRUB_XR_ANCHOR_RIGHT_HAND,
	SCRUB_XR_ANCHOR_HEAD,        /* pose relative to the head at this frame, placed in scene space */
} scrub_xr_anchor;

#define SCRUB_XR_MAX_PANELS 3

typedef struct scrub_xr_panel {
	scrub_xr_anchor anchor;
	scrub_xr_pose pose;
	float width_m;               /* height follows the rectangle's aspect */
	float rect[4];               /* x y w h as fractions of the panel image */
} scrub_xr_panel;

/* Renders the scene (camera from frame_begin) into the eye swapchain and, if given, the panel snapshot (a mono
 * overlay-only snapshot; its camera is filled here) into the panel swapchain, then xrEndFrame with the projection
 * layer and the panels. Rendering happens only when the frame's shouldRender is set; xrEndFrame always. */
scrub_result scrub_xr_frame_end(scrub_xr *xr, const scrub_render_snapshot *scene, scrub_render_snapshot *panel,
                                const scrub_xr_panel *panels, uint32_t panel_count);

/* A vibration on a hand (amplitude 0..1, seconds; 0 = the runtime's minimum pulse). */
scrub_result scrub_xr_haptic(scrub_xr *xr, int hand, float amplitude, float seconds);

/* Counters since creation (tests and benches). */
typedef struct scrub_xr_stats {
	uint64_t frames, rendered, haptics;
	uint32_t session_state;      /* the last XrSessionState */
	bool depth_layer;            /* XR_KHR_composition_layer_depth is enabled (see docs/xr.md) */
	bool hand_tracking;          /* XR_EXT_hand_tracking is enabled */
	uint64_t hand_frames;        /* hand-frames in which tracked joints were read */
	uint32_t view_count;         /* 2 stereo, 1 mono */
	bool see_through;            /* additive or alpha-blend environment */
} scrub_xr_stats;
void scrub_xr_get_stats(const scrub_xr *xr, scrub_xr_stats *out_stats);

#ifdef __cplusplus
}
#endif

#endif
