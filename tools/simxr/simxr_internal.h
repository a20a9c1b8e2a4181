/* simxr: the simulated OpenXR runtime's internal types. Nothing outside tools/simxr includes this. */
#ifndef SIMXR_INTERNAL_H
#define SIMXR_INTERNAL_H

#include <vulkan/vulkan.h>
#define XR_USE_GRAPHICS_API_VULKAN
#include <openxr/openxr.h>
#include <openxr/openxr_platform.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "simxr_script.h"

#define SIMXR_SYSTEM_ID ((XrSystemId)0x5152)
#define SIMXR_MAX_EVENTS 64
#define SIMXR_MAX_SUBACTIONS 8
#define SIMXR_MAX_BINDINGS 64
#define SIMXR_MAX_SWAPCHAIN_IMAGES 3
#define SIMXR_MAX_LAYERS 16
#define SIMXR_NUM_PROFILES 13
#define SIMXR_NUM_CORE_PROFILES 5   /* the first five need no extension */

enum { SIMXR_HAND_LEFT = 0, SIMXR_HAND_RIGHT = 1, SIMXR_HANDS = 2 };

typedef enum simxr_magic {
	SIMXR_MAGIC_INSTANCE = 0x58494e53,
	SIMXR_MAGIC_SESSION = 0x58534553,
	SIMXR_MAGIC_SPACE = 0x58535043,
	SIMXR_MAGIC_ACTIONSET = 0x58415354,
	SIMXR_MAGIC_ACTION = 0x58414354,
	SIMXR_MAGIC_SWAPCHAIN = 0x58535743,
} simxr_magic;

struct simxr_session;

typedef struct simxr_binding {
	XrPath profile;
	XrPath path; /* the full binding path, e.g. /user/hand/left/input/trigger/value */
	char channel[SIMXR_PATH_MAX + 16]; /* resolved script channel, e.g. "left/trigger/value" */
	int hand;                     /* SIMXR_HAND_LEFT/RIGHT */
	bool haptic;
} simxr_binding;

struct XrActionSet_T {
	uint32_t magic;
	struct simxr_instance *inst;
	char name[XR_MAX_ACTION_SET_NAME_SIZE];
	uint32_t priority;
	bool attached;
	bool active; /* listed in the last xrSyncActions */
	struct XrAction_T **actions;
	int nactions, cap;
};

typedef struct simxr_action_value {
	bool active;
	float v[SIMXR_MAX_COMPONENTS];
	bool changed;
	XrTime last_change;
} simxr_action_value;

struct XrAction_T {
	uint32_t magic;
	struct XrActionSet_T *set;
	char name[XR_MAX_ACTION_NAME_SIZE];
	XrActionType type;
	XrPath subactions[SIMXR_MAX_SUBACTIONS];
	uint32_t nsub;
	simxr_binding bindings[SIMXR_MAX_BINDINGS];
	int nbindings;
	simxr_action_value hand[SIMXR_HANDS]; /* per hand, after xrSyncActions */
	simxr_action_value any;               /* combined over hands */
};

typedef enum simxr_space_kind { SIMXR_SPACE_REF, SIMXR_SPACE_ACTION } simxr_space_kind;

struct XrSpace_T {
	uint32_t magic;
	struct simxr_session *sess;
	simxr_space_kind kind;
	XrReferenceSpaceType ref;
	struct XrAction_T *action;
	XrPath subaction;
	XrPosef offset;
};

typedef struct simxr_vk simxr_vk; /* per session Vulkan state, simxr_vk.c */

struct XrSwapchain_T {
	uint32_t magic;
	struct simxr_session *sess;
	XrSwapchainCreateInfo info;
	uint32_t nimages;
	VkImage images[SIMXR_MAX_SWAPCHAIN_IMAGES];
	VkDeviceMemory memory[SIMXR_MAX_SWAPCHAIN_IMAGES];
	uint32_t next;            /* next index to acquire */
	uint32_t acquired[SIMXR_MAX_SWAPCHAIN_IMAGES]; /* FIFO of acquired, not yet released indices */
	uint32_t nacquired;
	bool waited;              /* the oldest acquired image was waited on */
	int64_t last_released;    /* -1 until the first release */
	bool is_depth;
};

typedef struct simxr_instance {
	uint32_t magic;
	char app_name[XR_MAX_APPLICATION_NAME_SIZE];
	bool ext_vulkan, ext_vulkan2, ext_depth, ext_hands;
	bool profile_enabled[SIMXR_NUM_PROFILES]; /* core, or its extension enabled */
	/* paths: XrPath n is strings[n-1] */
	char **paths;
	uint32_t npaths, cap_paths;
	XrPath profiles[SIMXR_NUM_PROFILES];
	XrPath suggested_order[SIMXR_NUM_PROFILES]; /* profiles in the order the app first suggested them */
	int nsuggested;
	/* events */
	pthread_mutex_t ev_lock;
	XrEventDataBuffer events[SIMXR_MAX_EVENTS];
	uint32_t ev_head, ev_count;
	uint32_t ev_lost; /* events dropped since the last poll (queue full) */
	/* config, from the environment and the script */
	simxr_script script;
	bool have_script;
	double rate_hz;
	bool paced;
	uint32_t width, height;
	XrViewConfigurationType view_config;   /* the one offered: PRIMARY_STEREO (default) or PRIMARY_MONO */
	uint32_t nviews;                       /* 2 or 1 */
	XrEnvironmentBlendMode blend;          /* the one offered: OPAQUE (default), ADDITIVE or ALPHA_BLEND */
	FILE *frame_log;
	FILE *haptic_log;
	char capture_dir[512];
	int64_t env_captures[SIMXR_MAX_CAPTURES];
	int nenv_captures;
	bool graphics_requirements_queried;
	VkPhysicalDevice vk_phys; /* the one we reported */
	VkInstance vk_instance;   /* the instance it came from */
	struct simxr_session *session;
	struct XrActionSet_T **all_sets;
	int nsets, cap_sets;
} simxr_instance;

typedef struct simxr_session {
	uint32_t magic;
	simxr_instance *inst;
	XrSessionState state;
	bool running;      /* between xrBeginSession and xrEndSession */
	bool exit_pending; /* the runtime (script) or app asked to exit: EXITING after xrEndSession */
	bool lost;
	bool actions_attached;
	struct XrActionSet_T **attached;
	int nattached;
	XrPath current_profile[SIMXR_HANDS];
	bool profile_announced;
	/* frame loop */
	XrTime t0;             /* time of xrBeginSession */
	int64_t period_ns;
	int64_t wait_index;    /* xrWaitFrame calls */
	int64_t display_index; /* display periods since t0 of the last waited frame */
	int64_t frames_ended;  /* xrEndFrame calls = frame index of the next end */
	uint32_t depth_views;  /* depth infos in the frame being ended (frame log) */
	bool frame_waited;     /* waited, not yet begun */
	bool frame_begun;      /* begun, not yet ended */
	XrTime last_predicted;
	bool sync_events_sent; /* SYNCHRONIZED/VISIBLE/FOCUSED queued */
	XrTime last_sync_time;
	simxr_vk *vk;
	struct XrSpace_T **spaces;
	int nspaces, cap_spaces;
	struct XrSwapchain_T **swapchains;
	int nswapchains, cap_swapchains;
} simxr_session;

/* simxr.c */
XrTime simxr_now_ns(void);
/* The two-call idiom: *count = n; SIZE_INSUFFICIENT when cap is neither 0 nor n or more. */
XrResult simxr_two_call(uint32_t cap, uint32_t *count, uint32_t n);
const char *simxr_path_str(const simxr_instance *inst, XrPath p);
XrPath simxr_path_get(simxr_instance *inst, const char *s);
void simxr_push_event(simxr_instance *inst, const void *ev, size_t size);
void simxr_set_state(simxr_session *s, XrSessionState st);
double simxr_script_time(const simxr_session *s, XrTime t);
bool simxr_eval_channel(const simxr_instance *inst, const char *name, double t, float *out);

/* simxr_instance.c: the one instance of the process and the handles that lead to it */
simxr_instance *simxr_get_instance(XrInstance h);
simxr_session *simxr_get_session(XrSession h);
simxr_session *simxr_current_session(void); /* NULL when none */
XrResult simxr_xrEnumerateInstanceExtensionProperties(const char *layerName, uint32_t cap, uint32_t *count,
                                                      XrExtensionProperties *props);
XrResult simxr_xrCreateInstance(const XrInstanceCreateInfo *info, XrInstance *out);
XrResult simxr_xrDestroyInstance(XrInstance instance);
XrResult simxr_xrGetInstanceProperties(XrInstance instance, XrInstanceProperties *props);
XrResult simxr_xrResultToString(XrInstance instance, XrResult value, char buffer[XR_MAX_RESULT_STRING_SIZE]);
XrResult simxr_xrStructureTypeToString(XrInstance instance, XrStructureType value,
                                       char buffer[XR_MAX_STRUCTURE_NAME_SIZE]);
XrResult simxr_xrGetSystem(XrInstance instance, const XrSystemGetInfo *info, XrSystemId *out);
XrResult simxr_xrGetSystemProperties(XrInstance instance, XrSystemId sys, XrSystemProperties *p);
XrResult simxr_xrEnumerateEnvironmentBlendModes(XrInstance instance, XrSystemId sys, XrViewConfigurationType vct,
                                                uint32_t cap, uint32_t *count, XrEnvironmentBlendMode *modes);
XrResult simxr_xrEnumerateViewConfigurations(XrInstance instance, XrSystemId sys, uint32_t cap, uint32_t *count,
                                             XrViewConfigurationType *types);
XrResult simxr_xrGetViewConfigurationProperties(XrInstance instance, XrSystemId sys, XrViewConfigurationType vct,
                                                XrViewConfigurationProperties *p);
XrResult simxr_xrEnumerateViewConfigurationViews(XrInstance instance, XrSystemId sys, XrViewConfigurationType vct,
                                                 uint32_t cap, uint32_t *count, XrViewConfigurationView *views);

/* simxr_session.c */
XrResult simxr_xrCreateSession(XrInstance instance, const XrSessionCreateInfo *info, XrSession *out);
XrResult simxr_xrDestroySession(XrSession session);
XrResult simxr_xrBeginSession(XrSession session, const XrSessionBeginInfo *info);
XrResult simxr_xrEndSession(XrSession session);
XrResult simxr_xrRequestExitSession(XrSession session);
XrResult simxr_xrEnumerateReferenceSpaces(XrSession session, uint32_t cap, uint32_t *count, XrReferenceSpaceType *out);
XrResult simxr_xrCreateReferenceSpace(XrSession session, const XrReferenceSpaceCreateInfo *info, XrSpace *out);
XrResult simxr_xrCreateActionSpace(XrSession session, const XrActionSpaceCreateInfo *info, XrSpace *out);
XrResult simxr_xrDestroySpace(XrSpace space);
XrResult simxr_xrGetReferenceSpaceBoundsRect(XrSession session, XrReferenceSpaceType type, XrExtent2Df *bounds);
XrResult simxr_xrLocateSpace(XrSpace space, XrSpace baseSpace, XrTime time, XrSpaceLocation *loc);
XrResult simxr_xrLocateViews(XrSession session, const XrViewLocateInfo *info, XrViewState *state, uint32_t cap,
                             uint32_t *count, XrView *views);
/* STOPPING (through the states before it) for an exit or a loss the script asked for. */
void simxr_go_down_to_stopping(simxr_session *s);
/* Lost, not running: the error xrEndSession, xrRequestExitSession and the frame calls return; else XR_SUCCESS. */
XrResult simxr_session_running(const simxr_session *s);
struct XrSpace_T *simxr_get_space(XrSpace h);
/* The pose of a space in STAGE space at script time t; false when it has none (an inactive action). */
bool simxr_space_pose(struct XrSpace_T *sp, double t, XrPosef *out);

/* simxr_frame.c */
XrResult simxr_xrWaitFrame(XrSession session, const XrFrameWaitInfo *info, XrFrameState *state);
XrResult simxr_xrBeginFrame(XrSession session, const XrFrameBeginInfo *info);
XrResult simxr_xrEndFrame(XrSession session, const XrFrameEndInfo *info);

/* simxr_hands.c */
XrResult simxr_xrCreateHandTrackerEXT(XrSession session, const XrHandTrackerCreateInfoEXT *info,
                                      XrHandTrackerEXT *out);
XrResult simxr_xrDestroyHandTrackerEXT(XrHandTrackerEXT tracker);
XrResult simxr_xrLocateHandJointsEXT(XrHandTrackerEXT tracker, const XrHandJointsLocateInfoEXT *info,
                                     XrHandJointLocationsEXT *loc);

/* simxr_input.c */
XrResult simxr_xrStringToPath(XrInstance instance, const char *pathString, XrPath *path);
XrResult simxr_xrPathToString(XrInstance instance, XrPath path, uint32_t cap, uint32_t *count, char *buffer);
XrResult simxr_xrCreateActionSet(XrInstance instance, const XrActionSetCreateInfo *info, XrActionSet *out);
XrResult simxr_xrDestroyActionSet(XrActionSet set);
XrResult simxr_xrCreateAction(XrActionSet set, const XrActionCreateInfo *info, XrAction *out);
XrResult simxr_xrDestroyAction(XrAction action);
XrResult simxr_xrSuggestInteractionProfileBindings(XrInstance instance,
                                                   const XrInteractionProfileSuggestedBinding *s);
XrResult simxr_xrAttachSessionActionSets(XrSession session, const XrSessionActionSetsAttachInfo *info);
XrResult simxr_xrGetCurrentInteractionProfile(XrSession session, XrPath top, XrInteractionProfileState *out);
XrResult simxr_xrGetActionStateBoolean(XrSession session, const XrActionStateGetInfo *gi, XrActionStateBoolean *out);
XrResult simxr_xrGetActionStateFloat(XrSession session, const XrActionStateGetInfo *gi, XrActionStateFloat *out);
XrResult simxr_xrGetActionStateVector2f(XrSession session, const XrActionStateGetInfo *gi,
                                        XrActionStateVector2f *out);
XrResult simxr_xrGetActionStatePose(XrSession session, const XrActionStateGetInfo *gi, XrActionStatePose *out);
XrResult simxr_xrSyncActions(XrSession session, const XrActionsSyncInfo *info);
XrResult simxr_xrEnumerateBoundSourcesForAction(XrSession session, const XrBoundSourcesForActionEnumerateInfo *info,
                                                uint32_t cap, uint32_t *count, XrPath *out);
XrResult simxr_xrGetInputSourceLocalizedName(XrSession session, const XrInputSourceLocalizedNameGetInfo *info,
                                             uint32_t cap, uint32_t *count, char *buffer);
XrResult simxr_xrApplyHapticFeedback(XrSession session, const XrHapticActionInfo *info,
                                     const XrHapticBaseHeader *haptic);
XrResult simxr_xrStopHapticFeedback(XrSession session, const XrHapticActionInfo *info);
/* The pose of an action space's action for a hand, in STAGE space; false when not active. */
bool simxr_action_pose(simxr_session *s, struct XrAction_T *a, XrPath subaction, double t, XrPosef *out);
void simxr_input_destroy_all(simxr_instance *inst);
bool simxr_is_action_set(const simxr_instance *inst, XrActionSet set);

/* simxr_vk.c */
XrResult simxr_xrGetVulkanGraphicsRequirementsKHR(XrInstance instance, XrSystemId sys,
                                                  XrGraphicsRequirementsVulkanKHR *req);
XrResult simxr_xrGetVulkanInstanceExtensionsKHR(XrInstance instance, XrSystemId sys, uint32_t cap, uint32_t *count,
                                                char *buffer);
XrResult simxr_xrGetVulkanDeviceExtensionsKHR(XrInstance instance, XrSystemId sys, uint32_t cap, uint32_t *count,
                                              char *buffer);
XrResult simxr_xrGetVulkanGraphicsDeviceKHR(XrInstance instance, XrSystemId sys, VkInstance vki,
                                            VkPhysicalDevice *out);
XrResult simxr_xrCreateVulkanInstanceKHR(XrInstance instance, const XrVulkanInstanceCreateInfoKHR *info,
                                         VkInstance *out, VkResult *out_vk);
XrResult simxr_xrCreateVulkanDeviceKHR(XrInstance instance, const XrVulkanDeviceCreateInfoKHR *info, VkDevice *out,
                                       VkResult *out_vk);
XrResult simxr_xrGetVulkanGraphicsDevice2KHR(XrInstance instance, const XrVulkanGraphicsDeviceGetInfoKHR *info,
                                             VkPhysicalDevice *out);
XrResult simxr_vk_session_init(simxr_session *s, const XrGraphicsBindingVulkanKHR *binding);
void simxr_vk_session_fini(simxr_session *s);
XrResult simxr_xrEnumerateSwapchainFormats(XrSession session, uint32_t cap, uint32_t *count, int64_t *formats);
XrResult simxr_xrCreateSwapchain(XrSession session, const XrSwapchainCreateInfo *info, XrSwapchain *out);
XrResult simxr_xrDestroySwapchain(XrSwapchain sc);
XrResult simxr_xrEnumerateSwapchainImages(XrSwapchain sc, uint32_t cap, uint32_t *count,
                                          XrSwapchainImageBaseHeader *images);
XrResult simxr_xrAcquireSwapchainImage(XrSwapchain sc, const XrSwapchainImageAcquireInfo *info, uint32_t *index);
XrResult simxr_xrWaitSwapchainImage(XrSwapchain sc, const XrSwapchainImageWaitInfo *info);
XrResult simxr_xrReleaseSwapchainImage(XrSwapchain sc, const XrSwapchainImageReleaseInfo *info);
bool simxr_is_swapchain(const simxr_session *s, XrSwapchain sc);
/* Copies one view's sub-image back and writes it as PNG. */
XrResult simxr_vk_capture(simxr_session *s, const XrSwapchainSubImage *sub, const char *path);

/* simxr_png.c */
bool simxr_png_write(const char *path, int w, int h, const uint8_t *rgba);

#endif
