/* simxr: a simulated OpenXR runtime for tests and for developers without a headset.
 *
 * This file: loader negotiation, the function table, paths and the event queue. The instance,
 * system and view configuration are in simxr_instance.c; the session, spaces and views in
 * simxr_session.c; frame timing and layer validation in simxr_frame.c; hand tracking in
 * simxr_hands.c; input in simxr_input.c; Vulkan and swapchains in simxr_vk.c. Configuration:
 * environment variables and a script file, see docs/simxr.md. */
#define _GNU_SOURCE /* dladdr, RTLD_NODELETE */
#define SCRUB_LOG_MODULE "simxr"
#include "simxr_internal.h"
#include "log.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIMXR_EXPORT __attribute__((visibility("default")))

/* ---- loader negotiation (the 1.0.20 SDK has no loader_interfaces.h; these follow the
 * OpenXR loader design document, "Runtime Interface Negotiation") ---- */
typedef enum XrLoaderInterfaceStructs {
	XR_LOADER_INTERFACE_STRUCT_UNINTIALIZED = 0,
	XR_LOADER_INTERFACE_STRUCT_LOADER_INFO,
	XR_LOADER_INTERFACE_STRUCT_API_LAYER_REQUEST,
	XR_LOADER_INTERFACE_STRUCT_RUNTIME_REQUEST,
	XR_LOADER_INTERFACE_STRUCT_API_LAYER_CREATE_INFO,
	XR_LOADER_INTERFACE_STRUCT_API_LAYER_NEXT_INFO,
} XrLoaderInterfaceStructs;

#define XR_LOADER_INFO_STRUCT_VERSION 1
typedef struct XrNegotiateLoaderInfo {
	XrLoaderInterfaceStructs structType;
	uint32_t structVersion;
	size_t structSize;
	uint32_t minInterfaceVersion;
	uint32_t maxInterfaceVersion;
	XrVersion minApiVersion;
	XrVersion maxApiVersion;
} XrNegotiateLoaderInfo;

#define XR_RUNTIME_INFO_STRUCT_VERSION 1
typedef struct XrNegotiateRuntimeRequest {
	XrLoaderInterfaceStructs structType;
	uint32_t structVersion;
	size_t structSize;
	uint32_t runtimeInterfaceVersion;
	XrVersion runtimeApiVersion;
	PFN_xrGetInstanceProcAddr getInstanceProcAddr;
} XrNegotiateRuntimeRequest;

#define XR_CURRENT_LOADER_RUNTIME_VERSION 1

SIMXR_EXPORT XrResult XRAPI_CALL xrNegotiateLoaderRuntimeInterface(const XrNegotiateLoaderInfo *loaderInfo,
                                                                   XrNegotiateRuntimeRequest *runtimeRequest);

/* ---- small helpers ---- */

XrTime simxr_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (XrTime)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

XrResult simxr_two_call(uint32_t cap, uint32_t *count, uint32_t n)
{
	if (count == NULL)
		return XR_ERROR_VALIDATION_FAILURE;
	*count = n;
	if (cap != 0 && cap < n)
		return XR_ERROR_SIZE_INSUFFICIENT;
	return XR_SUCCESS;
}

static const char *state_name(XrSessionState st)
{
	switch (st) {
	case XR_SESSION_STATE_IDLE: return "IDLE";
	case XR_SESSION_STATE_READY: return "READY";
	case XR_SESSION_STATE_SYNCHRONIZED: return "SYNCHRONIZED";
	case XR_SESSION_STATE_VISIBLE: return "VISIBLE";
	case XR_SESSION_STATE_FOCUSED: return "FOCUSED";
	case XR_SESSION_STATE_STOPPING: return "STOPPING";
	case XR_SESSION_STATE_LOSS_PENDING: return "LOSS_PENDING";
	case XR_SESSION_STATE_EXITING: return "EXITING";
	default: return "UNKNOWN";
	}
}

/* ---- paths ---- */
const char *simxr_path_str(const simxr_instance *inst, XrPath p)
{
	if (p == XR_NULL_PATH || p > inst->npaths)
		return NULL;
	return inst->paths[p - 1];
}

XrPath simxr_path_get(simxr_instance *inst, const char *s)
{
	for (uint32_t i = 0; i < inst->npaths; i++)
		if (strcmp(inst->paths[i], s) == 0)
			return i + 1;
	if (inst->npaths == inst->cap_paths) {
		uint32_t ncap = inst->cap_paths ? inst->cap_paths * 2 : 64;
		char **n = realloc(inst->paths, ncap * sizeof *n);
		if (!n)
			return XR_NULL_PATH;
		inst->paths = n;
		inst->cap_paths = ncap;
	}
	char *copy = strdup(s);
	if (!copy)
		return XR_NULL_PATH;
	inst->paths[inst->npaths++] = copy;
	return inst->npaths;
}

/* ---- events ---- */
void simxr_push_event(simxr_instance *inst, const void *ev, size_t size)
{
	pthread_mutex_lock(&inst->ev_lock);
	if (inst->ev_count == SIMXR_MAX_EVENTS) {
		/* queue full: drop the oldest and tell the app on the next poll */
		inst->ev_head = (inst->ev_head + 1) % SIMXR_MAX_EVENTS;
		inst->ev_count--;
		inst->ev_lost++;
		LOG_W("event queue full, dropping the oldest event");
	}
	XrEventDataBuffer *slot = &inst->events[(inst->ev_head + inst->ev_count) % SIMXR_MAX_EVENTS];
	memset(slot, 0, sizeof *slot);
	memcpy(slot, ev, size < sizeof *slot ? size : sizeof *slot);
	inst->ev_count++;
	pthread_mutex_unlock(&inst->ev_lock);
}

void simxr_set_state(simxr_session *s, XrSessionState st)
{
	XrTime now = simxr_now_ns();
	s->state = st;
	XrEventDataSessionStateChanged ev = {
		.type = XR_TYPE_EVENT_DATA_SESSION_STATE_CHANGED,
		.session = (XrSession)(void *)s,
		.state = st,
		.time = now,
	};
	simxr_push_event(s->inst, &ev, sizeof ev);
	if (s->inst->frame_log)
		fprintf(s->inst->frame_log, "state %s frame=%lld\n", state_name(st), (long long)s->frames_ended);
	LOG_D("session state %s", state_name(st));
}

static XrResult xr_PollEvent(XrInstance instance, XrEventDataBuffer *eventData)
{
	simxr_instance *inst = simxr_get_instance(instance);
	if (!inst)
		return XR_ERROR_HANDLE_INVALID;
	if (!eventData || eventData->type != XR_TYPE_EVENT_DATA_BUFFER)
		return XR_ERROR_VALIDATION_FAILURE;
	pthread_mutex_lock(&inst->ev_lock);
	if (inst->ev_lost > 0) {
		XrEventDataEventsLost *lost = (XrEventDataEventsLost *)(void *)eventData;
		memset(eventData, 0, sizeof *eventData);
		lost->type = XR_TYPE_EVENT_DATA_EVENTS_LOST;
		lost->lostEventCount = inst->ev_lost;
		inst->ev_lost = 0;
		pthread_mutex_unlock(&inst->ev_lock);
		return XR_SUCCESS;
	}
	if (inst->ev_count == 0) {
		pthread_mutex_unlock(&inst->ev_lock);
		return XR_EVENT_UNAVAILABLE;
	}
	*eventData = inst->events[inst->ev_head];
	inst->ev_head = (inst->ev_head + 1) % SIMXR_MAX_EVENTS;
	inst->ev_count--;
	pthread_mutex_unlock(&inst->ev_lock);
	return XR_SUCCESS;
}

/* ---- dispatch ---- */
static XrResult xr_GetInstanceProcAddr(XrInstance instance, const char *name, PFN_xrVoidFunction *function);

#define SIMXR_FUNCTIONS(X)                                                                     \
	X(xrGetInstanceProcAddr, xr_GetInstanceProcAddr)                                       \
	X(xrEnumerateInstanceExtensionProperties, simxr_xrEnumerateInstanceExtensionProperties)     \
	X(xrCreateInstance, simxr_xrCreateInstance)                                                 \
	X(xrDestroyInstance, simxr_xrDestroyInstance)                                               \
	X(xrGetInstanceProperties, simxr_xrGetInstanceProperties)                                   \
	X(xrPollEvent, xr_PollEvent)                                                           \
	X(xrResultToString, simxr_xrResultToString)                                                 \
	X(xrStructureTypeToString, simxr_xrStructureTypeToString)                                   \
	X(xrGetSystem, simxr_xrGetSystem)                                                           \
	X(xrGetSystemProperties, simxr_xrGetSystemProperties)                                       \
	X(xrEnumerateEnvironmentBlendModes, simxr_xrEnumerateEnvironmentBlendModes)                 \
	X(xrCreateSession, simxr_xrCreateSession)                                                   \
	X(xrDestroySession, simxr_xrDestroySession)                                                 \
	X(xrEnumerateReferenceSpaces, simxr_xrEnumerateReferenceSpaces)                             \
	X(xrCreateReferenceSpace, simxr_xrCreateReferenceSpace)                                     \
	X(xrGetReferenceSpaceBoundsRect, simxr_xrGetReferenceSpaceBoundsRect)                       \
	X(xrCreateActionSpace, simxr_xrCreateActionSpace)                                           \
	X(xrLocateSpace, simxr_xrLocateSpace)                                                       \
	X(xrDestroySpace, simxr_xrDestroySpace)                                                     \
	X(xrEnumerateViewConfigurations, simxr_xrEnumerateViewConfigurations)                       \
	X(xrGetViewConfigurationProperties, simxr_xrGetViewConfigurationProperties)                 \
	X(xrEnumerateViewConfigurationViews, simxr_xrEnumerateViewConfigurationViews)               \
	X(xrEnumerateSwapchainFormats, simxr_xrEnumerateSwapchainFormats)                      \
	X(xrCreateSwapchain, simxr_xrCreateSwapchain)                                          \
	X(xrDestroySwapchain, simxr_xrDestroySwapchain)                                        \
	X(xrEnumerateSwapchainImages, simxr_xrEnumerateSwapchainImages)                        \
	X(xrAcquireSwapchainImage, simxr_xrAcquireSwapchainImage)                              \
	X(xrWaitSwapchainImage, simxr_xrWaitSwapchainImage)                                    \
	X(xrReleaseSwapchainImage, simxr_xrReleaseSwapchainImage)                              \
	X(xrBeginSession, simxr_xrBeginSession)                                                     \
	X(xrEndSession, simxr_xrEndSession)                                                         \
	X(xrRequestExitSession, simxr_xrRequestExitSession)                                         \
	X(xrWaitFrame, simxr_xrWaitFrame)                                                           \
	X(xrBeginFrame, simxr_xrBeginFrame)                                                         \
	X(xrEndFrame, simxr_xrEndFrame)                                                             \
	X(xrLocateViews, simxr_xrLocateViews)                                                       \
	X(xrStringToPath, simxr_xrStringToPath)                                                \
	X(xrPathToString, simxr_xrPathToString)                                                \
	X(xrCreateActionSet, simxr_xrCreateActionSet)                                          \
	X(xrDestroyActionSet, simxr_xrDestroyActionSet)                                        \
	X(xrCreateAction, simxr_xrCreateAction)                                                \
	X(xrDestroyAction, simxr_xrDestroyAction)                                              \
	X(xrSuggestInteractionProfileBindings, simxr_xrSuggestInteractionProfileBindings)      \
	X(xrAttachSessionActionSets, simxr_xrAttachSessionActionSets)                          \
	X(xrGetCurrentInteractionProfile, simxr_xrGetCurrentInteractionProfile)                \
	X(xrGetActionStateBoolean, simxr_xrGetActionStateBoolean)                              \
	X(xrGetActionStateFloat, simxr_xrGetActionStateFloat)                                  \
	X(xrGetActionStateVector2f, simxr_xrGetActionStateVector2f)                            \
	X(xrGetActionStatePose, simxr_xrGetActionStatePose)                                    \
	X(xrSyncActions, simxr_xrSyncActions)                                                  \
	X(xrEnumerateBoundSourcesForAction, simxr_xrEnumerateBoundSourcesForAction)            \
	X(xrGetInputSourceLocalizedName, simxr_xrGetInputSourceLocalizedName)                  \
	X(xrApplyHapticFeedback, simxr_xrApplyHapticFeedback)                                  \
	X(xrStopHapticFeedback, simxr_xrStopHapticFeedback)

#define SIMXR_VULKAN_FUNCTIONS(X)                                                              \
	X(xrGetVulkanInstanceExtensionsKHR, simxr_xrGetVulkanInstanceExtensionsKHR)             \
	X(xrGetVulkanDeviceExtensionsKHR, simxr_xrGetVulkanDeviceExtensionsKHR)                 \
	X(xrGetVulkanGraphicsDeviceKHR, simxr_xrGetVulkanGraphicsDeviceKHR)                     \
	X(xrGetVulkanGraphicsRequirementsKHR, simxr_xrGetVulkanGraphicsRequirementsKHR)

#define SIMXR_VULKAN2_FUNCTIONS(X)                                                             \
	X(xrCreateVulkanInstanceKHR, simxr_xrCreateVulkanInstanceKHR)                           \
	X(xrCreateVulkanDeviceKHR, simxr_xrCreateVulkanDeviceKHR)                               \
	X(xrGetVulkanGraphicsDevice2KHR, simxr_xrGetVulkanGraphicsDevice2KHR)                   \
	X(xrGetVulkanGraphicsRequirements2KHR, simxr_xrGetVulkanGraphicsRequirementsKHR)

typedef struct simxr_fn {
	const char *name;
	PFN_xrVoidFunction fn;
} simxr_fn;

#define FN_ENTRY(name, impl) {#name, (PFN_xrVoidFunction)(impl)},
static const simxr_fn k_core[] = {SIMXR_FUNCTIONS(FN_ENTRY)};
static const simxr_fn k_vk1[] = {SIMXR_VULKAN_FUNCTIONS(FN_ENTRY)};
static const simxr_fn k_vk2[] = {SIMXR_VULKAN2_FUNCTIONS(FN_ENTRY)};
static const simxr_fn k_hands[] = {
	FN_ENTRY(xrCreateHandTrackerEXT, simxr_xrCreateHandTrackerEXT) FN_ENTRY(xrDestroyHandTrackerEXT, simxr_xrDestroyHandTrackerEXT)
	FN_ENTRY(xrLocateHandJointsEXT, simxr_xrLocateHandJointsEXT)};

static PFN_xrVoidFunction find_fn(const simxr_fn *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].fn;
	return NULL;
}

static XrResult xr_GetInstanceProcAddr(XrInstance instance, const char *name, PFN_xrVoidFunction *function)
{
	if (!name || !function)
		return XR_ERROR_VALIDATION_FAILURE;
	*function = NULL;
	if (instance == XR_NULL_HANDLE) {
		if (strcmp(name, "xrEnumerateInstanceExtensionProperties") && strcmp(name, "xrCreateInstance") &&
		    strcmp(name, "xrGetInstanceProcAddr"))
			return XR_ERROR_HANDLE_INVALID;
		*function = find_fn(k_core, sizeof k_core / sizeof k_core[0], name);
		return XR_SUCCESS;
	}
	simxr_instance *inst = simxr_get_instance(instance);
	if (!inst)
		return XR_ERROR_HANDLE_INVALID;
	PFN_xrVoidFunction f = find_fn(k_core, sizeof k_core / sizeof k_core[0], name);
	if (!f && inst->ext_vulkan)
		f = find_fn(k_vk1, sizeof k_vk1 / sizeof k_vk1[0], name);
	if (!f && inst->ext_vulkan2)
		f = find_fn(k_vk2, sizeof k_vk2 / sizeof k_vk2[0], name);
	if (!f && inst->ext_hands)
		f = find_fn(k_hands, sizeof k_hands / sizeof k_hands[0], name);
	*function = f;
	return f ? XR_SUCCESS : XR_ERROR_FUNCTION_UNSUPPORTED;
}

SIMXR_EXPORT XrResult XRAPI_CALL xrNegotiateLoaderRuntimeInterface(const XrNegotiateLoaderInfo *loaderInfo,
                                                                   XrNegotiateRuntimeRequest *runtimeRequest)
{
	if (!loaderInfo || !runtimeRequest || loaderInfo->structType != XR_LOADER_INTERFACE_STRUCT_LOADER_INFO ||
	    loaderInfo->structVersion != XR_LOADER_INFO_STRUCT_VERSION ||
	    loaderInfo->structSize != sizeof(XrNegotiateLoaderInfo) ||
	    runtimeRequest->structType != XR_LOADER_INTERFACE_STRUCT_RUNTIME_REQUEST ||
	    runtimeRequest->structVersion != XR_RUNTIME_INFO_STRUCT_VERSION ||
	    runtimeRequest->structSize != sizeof(XrNegotiateRuntimeRequest))
		return XR_ERROR_INITIALIZATION_FAILED;
	if (loaderInfo->minInterfaceVersion > XR_CURRENT_LOADER_RUNTIME_VERSION ||
	    loaderInfo->maxInterfaceVersion < XR_CURRENT_LOADER_RUNTIME_VERSION)
		return XR_ERROR_INITIALIZATION_FAILED;
	if (XR_VERSION_MAJOR(loaderInfo->minApiVersion) > 1 || XR_VERSION_MAJOR(loaderInfo->maxApiVersion) < 1)
		return XR_ERROR_INITIALIZATION_FAILED;
	/* The loader unloads the runtime when the last instance is destroyed. simxr keeps state that
	 * belongs to the process (a scripted loss happens once, logs are truncated once), so it
	 * stays loaded: an app that recreates its instance after a loss must not be lost again. */
	Dl_info self;
	if (dladdr((const void *)k_core, &self) && self.dli_fname)
		(void)dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
	runtimeRequest->runtimeInterfaceVersion = XR_CURRENT_LOADER_RUNTIME_VERSION;
	runtimeRequest->runtimeApiVersion = XR_CURRENT_API_VERSION;
	runtimeRequest->getInstanceProcAddr = xr_GetInstanceProcAddr;
	return XR_SUCCESS;
}
