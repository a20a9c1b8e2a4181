/* simxr: a simulated OpenXR runtime for tests and for developers without a headset.
 *
 * Loader negotiation, instance, system, view configuration, events, session life cycle,
 * reference spaces, frame timing and layer validation. Input lives in simxr_input.c, Vulkan
 * and swapchains in simxr_vk.c. Configuration: environment variables and a script file, see
 * docs/simxr.md. */
#define _GNU_SOURCE /* dladdr, RTLD_NODELETE */
#define SCRUB_LOG_MODULE "simxr"
#include "simxr_internal.h"
#include "log.h"

#include <openxr/openxr_reflection.h>

#include <dlfcn.h>
#include <errno.h>
#include <math.h>
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
static simxr_instance *g_instance; /* one instance per process */
static bool g_lost_once;           /* a scripted loss happens once per process */

XrTime simxr_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (XrTime)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static XrResult two_call(uint32_t cap, uint32_t *count, uint32_t n)
{
	if (count == NULL)
		return XR_ERROR_VALIDATION_FAILURE;
	*count = n;
	if (cap != 0 && cap < n)
		return XR_ERROR_SIZE_INSUFFICIENT;
	return XR_SUCCESS;
}

static simxr_instance *get_instance(XrInstance h)
{
	simxr_instance *i = (simxr_instance *)(void *)h;
	return (i && i == g_instance && i->magic == SIMXR_MAGIC_INSTANCE) ? i : NULL;
}

static simxr_session *get_session(XrSession h)
{
	simxr_session *s = (simxr_session *)(void *)h;
	return (s && g_instance && s == g_instance->session && s->magic == SIMXR_MAGIC_SESSION) ? s : NULL;
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

/* ---- pose math (x y z w quaternions) ---- */
static XrQuaternionf quat_mul(XrQuaternionf a, XrQuaternionf b)
{
	return (XrQuaternionf){
		a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
		a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
		a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w,
		a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
	};
}

static XrVector3f quat_rotate(XrQuaternionf q, XrVector3f v)
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

static XrPosef pose_mul(XrPosef a, XrPosef b)
{
	XrVector3f p = quat_rotate(a.orientation, b.position);
	return (XrPosef){quat_mul(a.orientation, b.orientation),
	                 {a.position.x + p.x, a.position.y + p.y, a.position.z + p.z}};
}

static XrPosef pose_inv(XrPosef a)
{
	XrQuaternionf c = {-a.orientation.x, -a.orientation.y, -a.orientation.z, a.orientation.w};
	XrVector3f p = quat_rotate(c, a.position);
	return (XrPosef){c, {-p.x, -p.y, -p.z}};
}

static const XrPosef POSE_IDENTITY = {{0, 0, 0, 1}, {0, 0, 0}};

static bool pose_valid(const XrPosef *p)
{
	const XrQuaternionf *q = &p->orientation;
	float n = q->x * q->x + q->y * q->y + q->z * q->z + q->w * q->w;
	return isfinite(n) && fabsf(n - 1.0f) < 1e-2f && isfinite(p->position.x) && isfinite(p->position.y) &&
	       isfinite(p->position.z);
}

static XrPosef pose_from(const float *v)
{
	return (XrPosef){{v[3], v[4], v[5], v[6]}, {v[0], v[1], v[2]}};
}

bool simxr_eval_channel(const simxr_instance *inst, const char *name, double t, float *out)
{
	if (!inst->have_script)
		return false;
	const simxr_channel *c = simxr_script_channel(&inst->script, name);
	if (!c)
		return false;
	simxr_channel_eval(c, t, out);
	return true;
}

double simxr_script_time(const simxr_session *s, XrTime t)
{
	if (!s->running && s->t0 == 0)
		return 0;
	return (double)(t - s->t0) * 1e-9;
}

static XrPosef head_pose(const simxr_instance *inst, double t)
{
	float v[7];
	if (simxr_eval_channel(inst, "head/pose", t, v))
		return pose_from(v);
	return (XrPosef){{0, 0, 0, 1}, {0, 1.6f, 0}};
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
	simxr_instance *inst = get_instance(instance);
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

/* ---- instance ---- */
static const XrExtensionProperties k_extensions[] = {
	{XR_TYPE_EXTENSION_PROPERTIES, NULL, XR_KHR_VULKAN_ENABLE_EXTENSION_NAME, XR_KHR_vulkan_enable_SPEC_VERSION},
	{XR_TYPE_EXTENSION_PROPERTIES, NULL, XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME, XR_KHR_vulkan_enable2_SPEC_VERSION},
	{XR_TYPE_EXTENSION_PROPERTIES, NULL, XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME,
	 XR_KHR_composition_layer_depth_SPEC_VERSION},
	{XR_TYPE_EXTENSION_PROPERTIES, NULL, XR_EXT_HAND_TRACKING_EXTENSION_NAME, XR_EXT_hand_tracking_SPEC_VERSION},
	/* the interaction profiles beyond the five of OpenXR 1.0's core (k_profile_paths below) */
	{XR_TYPE_EXTENSION_PROPERTIES, NULL, "XR_EXT_hp_mixed_reality_controller", 1},
	{XR_TYPE_EXTENSION_PROPERTIES, NULL, "XR_HTC_vive_cosmos_controller_interaction", 1},
	{XR_TYPE_EXTENSION_PROPERTIES, NULL, "XR_HTC_vive_focus3_controller_interaction", 2},
	{XR_TYPE_EXTENSION_PROPERTIES, NULL, "XR_BD_controller_interaction", 2},
	{XR_TYPE_EXTENSION_PROPERTIES, NULL, "XR_ML_ml2_controller_interaction", 1},
	{XR_TYPE_EXTENSION_PROPERTIES, NULL, "XR_EXT_samsung_odyssey_controller", 1},
	{XR_TYPE_EXTENSION_PROPERTIES, NULL, "XR_FB_touch_controller_pro", 1},
	{XR_TYPE_EXTENSION_PROPERTIES, NULL, "XR_META_touch_controller_plus", 1},
};

/* the interaction profiles simxr simulates, and the extension each needs ("" for the core) */
static const struct {
	const char *path, *ext;
} k_profile_paths[SIMXR_NUM_PROFILES] = {
	{"/interaction_profiles/khr/simple_controller", ""},
	{"/interaction_profiles/oculus/touch_controller", ""},
	{"/interaction_profiles/valve/index_controller", ""},
	{"/interaction_profiles/htc/vive_controller", ""},
	{"/interaction_profiles/microsoft/motion_controller", ""},
	{"/interaction_profiles/hp/mixed_reality_controller", "XR_EXT_hp_mixed_reality_controller"},
	{"/interaction_profiles/htc/vive_cosmos_controller", "XR_HTC_vive_cosmos_controller_interaction"},
	{"/interaction_profiles/htc/vive_focus3_controller", "XR_HTC_vive_focus3_controller_interaction"},
	{"/interaction_profiles/bytedance/pico4_controller", "XR_BD_controller_interaction"},
	{"/interaction_profiles/ml/ml2_controller", "XR_ML_ml2_controller_interaction"},
	{"/interaction_profiles/samsung/odyssey_controller", "XR_EXT_samsung_odyssey_controller"},
	{"/interaction_profiles/facebook/touch_controller_pro", "XR_FB_touch_controller_pro"},
	{"/interaction_profiles/meta/touch_controller_plus", "XR_META_touch_controller_plus"},
};
#define NUM_EXTENSIONS (sizeof k_extensions / sizeof k_extensions[0])

/* the profile an extension brings, or -1 */
static int profile_ext(const char *e)
{
	for (int i = SIMXR_NUM_CORE_PROFILES; i < SIMXR_NUM_PROFILES; i++)
		if (!strcmp(k_profile_paths[i].ext, e))
			return i;
	return -1;
}

static XrResult xr_EnumerateInstanceExtensionProperties(const char *layerName, uint32_t cap, uint32_t *count,
                                                        XrExtensionProperties *props)
{
	if (layerName != NULL && layerName[0] != '\0')
		return XR_ERROR_API_LAYER_NOT_PRESENT;
	XrResult r = two_call(cap, count, NUM_EXTENSIONS);
	if (r != XR_SUCCESS || cap == 0)
		return r;
	for (uint32_t i = 0; i < NUM_EXTENSIONS; i++) {
		if (props[i].type != XR_TYPE_EXTENSION_PROPERTIES)
			return XR_ERROR_VALIDATION_FAILURE;
		void *next = props[i].next;
		props[i] = k_extensions[i];
		props[i].next = next;
	}
	return XR_SUCCESS;
}

static bool env_bool(const char *name, bool *out)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return false;
	if (!strcmp(v, "0") || !strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no"))
		*out = false;
	else
		*out = true;
	return true;
}

/* Logs are truncated by the first instance of a process and appended to by later ones (an app
 * that recreates its instance after a loss keeps one log). */
static bool g_logs_opened;

static FILE *open_log(const char *env)
{
	const char *path = getenv(env);
	if (!path || !*path)
		return NULL;
	FILE *f = fopen(path, g_logs_opened ? "a" : "w");
	if (!f)
		LOG_E("%s=%s: cannot open: %s", env, path, strerror(errno));
	return f;
}

static XrResult configure(simxr_instance *inst)
{
	const char *script = getenv("SIMXR_SCRIPT");
	if (script && *script) {
		char err[512];
		scrub_result r = simxr_script_load(script, &inst->script, err, sizeof err);
		if (r != SCRUB_OK) {
			LOG_E("SIMXR_SCRIPT: %s", err);
			return XR_ERROR_RUNTIME_FAILURE;
		}
		inst->have_script = true;
	} else {
		simxr_script_init(&inst->script);
	}
	inst->rate_hz = inst->script.rate_hz > 0 ? inst->script.rate_hz : 90.0;
	const char *rate = getenv("SIMXR_RATE");
	if (rate && *rate) {
		char *end;
		double hz = strtod(rate, &end);
		if (*end || !(hz >= 1 && hz <= 1000)) {
			LOG_E("SIMXR_RATE=%s: expected a display rate in Hz, 1 to 1000", rate);
			return XR_ERROR_RUNTIME_FAILURE;
		}
		inst->rate_hz = hz;
	}
	inst->paced = inst->script.pace != 0;
	env_bool("SIMXR_PACE", &inst->paced);
	inst->width = inst->script.width ? (uint32_t)inst->script.width : 1440;
	inst->height = inst->script.height ? (uint32_t)inst->script.height : 1600;
	const char *dir = getenv("SIMXR_CAPTURE_DIR");
	snprintf(inst->capture_dir, sizeof inst->capture_dir, "%s", dir && *dir ? dir : ".");
	const char *cap = getenv("SIMXR_CAPTURE");
	if (cap && *cap) {
		const char *p = cap;
		while (*p) {
			char *end;
			long long f = strtoll(p, &end, 10);
			if (end == p || f < 0 || (*end && *end != ',')) {
				LOG_E("SIMXR_CAPTURE=%s: expected frame indices separated by commas", cap);
				return XR_ERROR_RUNTIME_FAILURE;
			}
			if (inst->nenv_captures < SIMXR_MAX_CAPTURES)
				inst->env_captures[inst->nenv_captures++] = f;
			p = *end ? end + 1 : end;
		}
	}
	/* the view configuration and the blend mode offered: the script's, SIMXR_VIEWS / SIMXR_BLEND win */
	int views = inst->script.views, blend = inst->script.blend;
	const char *ev = getenv("SIMXR_VIEWS"), *eb = getenv("SIMXR_BLEND");
	if (ev && *ev)
		views = !strcmp(ev, "mono") ? 1 : !strcmp(ev, "stereo") ? 2 : -1;
	if (eb && *eb)
		blend = !strcmp(eb, "opaque") ? 1 : !strcmp(eb, "additive") ? 2 : !strcmp(eb, "alpha_blend") ? 3 : -1;
	if (views < 0 || blend < 0) {
		LOG_E("SIMXR_VIEWS is mono or stereo; SIMXR_BLEND is opaque, additive or alpha_blend");
		return XR_ERROR_RUNTIME_FAILURE;
	}
	inst->view_config = views == 1 ? XR_VIEW_CONFIGURATION_TYPE_PRIMARY_MONO : XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
	inst->nviews = views == 1 ? 1 : 2;
	inst->blend = blend == 2 ? XR_ENVIRONMENT_BLEND_MODE_ADDITIVE
	              : blend == 3 ? XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND
	                           : XR_ENVIRONMENT_BLEND_MODE_OPAQUE;
	inst->frame_log = open_log("SIMXR_FRAME_LOG");
	inst->haptic_log = open_log("SIMXR_HAPTIC_LOG");
	g_logs_opened = true;
	return XR_SUCCESS;
}

static void instance_free(simxr_instance *inst)
{
	simxr_input_destroy_all(inst);
	for (uint32_t i = 0; i < inst->npaths; i++)
		free(inst->paths[i]);
	free(inst->paths);
	simxr_script_fini(&inst->script);
	if (inst->frame_log)
		fclose(inst->frame_log);
	if (inst->haptic_log)
		fclose(inst->haptic_log);
	pthread_mutex_destroy(&inst->ev_lock);
	inst->magic = 0;
	free(inst);
}

static XrResult xr_DestroySession(XrSession session);

static XrResult xr_CreateInstance(const XrInstanceCreateInfo *info, XrInstance *out)
{
	if (!info || info->type != XR_TYPE_INSTANCE_CREATE_INFO || !out)
		return XR_ERROR_VALIDATION_FAILURE;
	if (g_instance)
		return XR_ERROR_LIMIT_REACHED;
	if (XR_VERSION_MAJOR(info->applicationInfo.apiVersion) != 1)
		return XR_ERROR_API_VERSION_UNSUPPORTED;
	if (info->applicationInfo.applicationName[0] == '\0')
		return XR_ERROR_NAME_INVALID;
	simxr_instance *inst = calloc(1, sizeof *inst);
	if (!inst)
		return XR_ERROR_OUT_OF_MEMORY;
	pthread_mutex_init(&inst->ev_lock, NULL);
	inst->magic = SIMXR_MAGIC_INSTANCE;
	snprintf(inst->app_name, sizeof inst->app_name, "%s", info->applicationInfo.applicationName);
	for (uint32_t i = 0; i < info->enabledExtensionCount; i++) {
		const char *e = info->enabledExtensionNames[i];
		if (!strcmp(e, XR_KHR_VULKAN_ENABLE_EXTENSION_NAME))
			inst->ext_vulkan = true;
		else if (!strcmp(e, XR_KHR_VULKAN_ENABLE2_EXTENSION_NAME))
			inst->ext_vulkan2 = true;
		else if (!strcmp(e, XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME))
			inst->ext_depth = true;
		else if (!strcmp(e, XR_EXT_HAND_TRACKING_EXTENSION_NAME))
			inst->ext_hands = true;
		else if (profile_ext(e) >= 0)
			inst->profile_enabled[profile_ext(e)] = true;
		else {
			LOG_W("application asked for extension %s, which simxr does not offer", e);
			pthread_mutex_destroy(&inst->ev_lock);
			free(inst);
			return XR_ERROR_EXTENSION_NOT_PRESENT;
		}
	}
	XrResult r = configure(inst);
	if (r != XR_SUCCESS) {
		instance_free(inst);
		return r;
	}
	for (int i = 0; i < SIMXR_NUM_PROFILES; i++) {
		inst->profiles[i] = simxr_path_get(inst, k_profile_paths[i].path);
		if (i < SIMXR_NUM_CORE_PROFILES)
			inst->profile_enabled[i] = true;
	}
	g_instance = inst;
	*out = (XrInstance)(void *)inst;
	LOG_I("instance created for '%s' (%s, %.1f Hz, %ux%u per eye)", inst->app_name,
	      inst->paced ? "paced" : "unpaced", inst->rate_hz, inst->width, inst->height);
	return XR_SUCCESS;
}

static XrResult xr_DestroyInstance(XrInstance instance)
{
	simxr_instance *inst = get_instance(instance);
	if (!inst)
		return XR_ERROR_HANDLE_INVALID;
	if (inst->session)
		xr_DestroySession((XrSession)(void *)inst->session);
	instance_free(inst);
	g_instance = NULL;
	return XR_SUCCESS;
}

static XrResult xr_GetInstanceProperties(XrInstance instance, XrInstanceProperties *props)
{
	if (!get_instance(instance))
		return XR_ERROR_HANDLE_INVALID;
	if (!props || props->type != XR_TYPE_INSTANCE_PROPERTIES)
		return XR_ERROR_VALIDATION_FAILURE;
	props->runtimeVersion = XR_MAKE_VERSION(0, 1, 0);
	snprintf(props->runtimeName, sizeof props->runtimeName, "simxr (Scrub simulated runtime)");
	return XR_SUCCESS;
}

#define CASE_STR(name, val) \
	case name:          \
		s = #name;  \
		break;

static XrResult xr_ResultToString(XrInstance instance, XrResult value, char buffer[XR_MAX_RESULT_STRING_SIZE])
{
	if (!get_instance(instance))
		return XR_ERROR_HANDLE_INVALID;
	const char *s = NULL;
	switch (value) {
		XR_LIST_ENUM_XrResult(CASE_STR)
	default:
		break;
	}
	if (s)
		snprintf(buffer, XR_MAX_RESULT_STRING_SIZE, "%s", s);
	else
		snprintf(buffer, XR_MAX_RESULT_STRING_SIZE, "XR_%s_%d", value < 0 ? "UNKNOWN_FAILURE" : "UNKNOWN_SUCCESS",
		         (int)value);
	return XR_SUCCESS;
}

static XrResult xr_StructureTypeToString(XrInstance instance, XrStructureType value,
                                         char buffer[XR_MAX_STRUCTURE_NAME_SIZE])
{
	if (!get_instance(instance))
		return XR_ERROR_HANDLE_INVALID;
	const char *s = NULL;
	switch (value) {
		XR_LIST_ENUM_XrStructureType(CASE_STR)
	default:
		break;
	}
	if (s)
		snprintf(buffer, XR_MAX_STRUCTURE_NAME_SIZE, "%s", s);
	else
		snprintf(buffer, XR_MAX_STRUCTURE_NAME_SIZE, "XR_UNKNOWN_STRUCTURE_TYPE_%d", (int)value);
	return XR_SUCCESS;
}

/* ---- system and view configuration ---- */
static XrResult check_system(XrInstance instance, XrSystemId sys)
{
	if (!get_instance(instance))
		return XR_ERROR_HANDLE_INVALID;
	return sys == SIMXR_SYSTEM_ID ? XR_SUCCESS : XR_ERROR_SYSTEM_INVALID;
}

static XrResult xr_GetSystem(XrInstance instance, const XrSystemGetInfo *info, XrSystemId *out)
{
	if (!get_instance(instance))
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_SYSTEM_GET_INFO || !out)
		return XR_ERROR_VALIDATION_FAILURE;
	if (info->formFactor == XR_FORM_FACTOR_HEAD_MOUNTED_DISPLAY) {
		*out = SIMXR_SYSTEM_ID;
		return XR_SUCCESS;
	}
	if (info->formFactor == XR_FORM_FACTOR_HANDHELD_DISPLAY)
		return XR_ERROR_FORM_FACTOR_UNSUPPORTED;
	return XR_ERROR_VALIDATION_FAILURE;
}

static XrResult xr_GetSystemProperties(XrInstance instance, XrSystemId sys, XrSystemProperties *p)
{
	XrResult r = check_system(instance, sys);
	if (r != XR_SUCCESS)
		return r;
	if (!p || p->type != XR_TYPE_SYSTEM_PROPERTIES)
		return XR_ERROR_VALIDATION_FAILURE;
	p->systemId = sys;
	p->vendorId = 0x5c20;
	snprintf(p->systemName, sizeof p->systemName, "simxr simulated headset");
	p->graphicsProperties.maxSwapchainImageWidth = 4096;
	p->graphicsProperties.maxSwapchainImageHeight = 4096;
	p->graphicsProperties.maxLayerCount = SIMXR_MAX_LAYERS;
	p->trackingProperties.orientationTracking = XR_TRUE;
	p->trackingProperties.positionTracking = XR_TRUE;
	for (XrBaseOutStructure *n = (XrBaseOutStructure *)p->next; n; n = n->next)
		if (n->type == XR_TYPE_SYSTEM_HAND_TRACKING_PROPERTIES_EXT)
			((XrSystemHandTrackingPropertiesEXT *)(void *)n)->supportsHandTracking = get_instance(instance)->ext_hands;
	return XR_SUCCESS;
}

static XrResult xr_EnumerateEnvironmentBlendModes(XrInstance instance, XrSystemId sys, XrViewConfigurationType vct,
                                                  uint32_t cap, uint32_t *count, XrEnvironmentBlendMode *modes)
{
	XrResult r = check_system(instance, sys);
	if (r != XR_SUCCESS)
		return r;
	if (vct != get_instance(instance)->view_config)
		return XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED;
	r = two_call(cap, count, 1);
	if (r == XR_SUCCESS && cap)
		modes[0] = get_instance(instance)->blend;
	return r;
}

static XrResult xr_EnumerateViewConfigurations(XrInstance instance, XrSystemId sys, uint32_t cap, uint32_t *count,
                                               XrViewConfigurationType *types)
{
	XrResult r = check_system(instance, sys);
	if (r != XR_SUCCESS)
		return r;
	r = two_call(cap, count, 1);
	if (r == XR_SUCCESS && cap)
		types[0] = get_instance(instance)->view_config;
	return r;
}

static XrResult xr_GetViewConfigurationProperties(XrInstance instance, XrSystemId sys, XrViewConfigurationType vct,
                                                  XrViewConfigurationProperties *p)
{
	XrResult r = check_system(instance, sys);
	if (r != XR_SUCCESS)
		return r;
	if (!p || p->type != XR_TYPE_VIEW_CONFIGURATION_PROPERTIES)
		return XR_ERROR_VALIDATION_FAILURE;
	if (vct != get_instance(instance)->view_config)
		return XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED;
	p->viewConfigurationType = vct;
	p->fovMutable = XR_TRUE;
	return XR_SUCCESS;
}

static XrResult xr_EnumerateViewConfigurationViews(XrInstance instance, XrSystemId sys, XrViewConfigurationType vct,
                                                   uint32_t cap, uint32_t *count, XrViewConfigurationView *views)
{
	XrResult r = check_system(instance, sys);
	if (r != XR_SUCCESS)
		return r;
	simxr_instance *inst = get_instance(instance);
	if (vct != inst->view_config)
		return XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED;
	r = two_call(cap, count, inst->nviews);
	if (r != XR_SUCCESS || cap == 0)
		return r;
	for (uint32_t i = 0; i < inst->nviews; i++) {
		if (views[i].type != XR_TYPE_VIEW_CONFIGURATION_VIEW)
			return XR_ERROR_VALIDATION_FAILURE;
		views[i].recommendedImageRectWidth = inst->width;
		views[i].recommendedImageRectHeight = inst->height;
		views[i].maxImageRectWidth = 4096;
		views[i].maxImageRectHeight = 4096;
		views[i].recommendedSwapchainSampleCount = 1;
		views[i].maxSwapchainSampleCount = 4;
	}
	return XR_SUCCESS;
}

/* ---- session ---- */
static XrResult xr_CreateSession(XrInstance instance, const XrSessionCreateInfo *info, XrSession *out)
{
	simxr_instance *inst = get_instance(instance);
	if (!inst)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_SESSION_CREATE_INFO || !out)
		return XR_ERROR_VALIDATION_FAILURE;
	if (info->systemId != SIMXR_SYSTEM_ID)
		return XR_ERROR_SYSTEM_INVALID;
	if (inst->session)
		return XR_ERROR_LIMIT_REACHED;
	const XrGraphicsBindingVulkanKHR *binding = NULL;
	for (const XrBaseInStructure *n = info->next; n; n = n->next)
		if (n->type == XR_TYPE_GRAPHICS_BINDING_VULKAN_KHR)
			binding = (const XrGraphicsBindingVulkanKHR *)(const void *)n;
	if (!binding) {
		LOG_E("xrCreateSession: no XrGraphicsBindingVulkanKHR (simxr supports Vulkan only)");
		return XR_ERROR_GRAPHICS_DEVICE_INVALID;
	}
	if (!inst->graphics_requirements_queried)
		return XR_ERROR_GRAPHICS_REQUIREMENTS_CALL_MISSING;
	simxr_session *s = calloc(1, sizeof *s);
	if (!s)
		return XR_ERROR_OUT_OF_MEMORY;
	s->magic = SIMXR_MAGIC_SESSION;
	s->inst = inst;
	XrResult r = simxr_vk_session_init(s, binding);
	if (r != XR_SUCCESS) {
		free(s);
		return r;
	}
	inst->session = s;
	s->period_ns = (int64_t)llround(1e9 / inst->rate_hz);
	simxr_set_state(s, XR_SESSION_STATE_IDLE);
	simxr_set_state(s, XR_SESSION_STATE_READY);
	*out = (XrSession)(void *)s;
	return XR_SUCCESS;
}

static XrResult xr_DestroySession(XrSession session)
{
	simxr_session *s = get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	while (s->nswapchains > 0)
		simxr_xrDestroySwapchain((XrSwapchain)(void *)s->swapchains[s->nswapchains - 1]);
	free(s->swapchains);
	for (int i = 0; i < s->nspaces; i++) {
		s->spaces[i]->magic = 0;
		free(s->spaces[i]);
	}
	free(s->spaces);
	free(s->attached);
	simxr_vk_session_fini(s);
	/* drop queued events that name this session */
	simxr_instance *inst = s->inst;
	pthread_mutex_lock(&inst->ev_lock);
	uint32_t kept = 0;
	XrEventDataBuffer tmp[SIMXR_MAX_EVENTS];
	for (uint32_t i = 0; i < inst->ev_count; i++) {
		XrEventDataBuffer *e = &inst->events[(inst->ev_head + i) % SIMXR_MAX_EVENTS];
		if (e->type == XR_TYPE_EVENT_DATA_SESSION_STATE_CHANGED &&
		    ((XrEventDataSessionStateChanged *)(void *)e)->session == session)
			continue;
		if (e->type == XR_TYPE_EVENT_DATA_INTERACTION_PROFILE_CHANGED &&
		    ((XrEventDataInteractionProfileChanged *)(void *)e)->session == session)
			continue;
		tmp[kept++] = *e;
	}
	memcpy(inst->events, tmp, kept * sizeof tmp[0]);
	inst->ev_head = 0;
	inst->ev_count = kept;
	pthread_mutex_unlock(&inst->ev_lock);
	if (inst->frame_log)
		fflush(inst->frame_log);
	inst->session = NULL;
	s->magic = 0;
	free(s);
	return XR_SUCCESS;
}

static XrResult xr_BeginSession(XrSession session, const XrSessionBeginInfo *info)
{
	simxr_session *s = get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_SESSION_BEGIN_INFO)
		return XR_ERROR_VALIDATION_FAILURE;
	if (s->lost)
		return XR_ERROR_SESSION_LOST;
	if (s->running)
		return XR_ERROR_SESSION_RUNNING;
	if (s->state != XR_SESSION_STATE_READY)
		return XR_ERROR_SESSION_NOT_READY;
	if (info->primaryViewConfigurationType != s->inst->view_config)
		return XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED;
	s->running = true;
	s->t0 = simxr_now_ns();
	s->wait_index = 0;
	s->display_index = 0;
	s->frames_ended = 0;
	s->frame_waited = s->frame_begun = false;
	s->sync_events_sent = false;
	LOG_I("session begun");
	return XR_SUCCESS;
}

static void go_down_to_stopping(simxr_session *s)
{
	if (s->state == XR_SESSION_STATE_FOCUSED)
		simxr_set_state(s, XR_SESSION_STATE_VISIBLE);
	if (s->state == XR_SESSION_STATE_VISIBLE)
		simxr_set_state(s, XR_SESSION_STATE_SYNCHRONIZED);
	simxr_set_state(s, XR_SESSION_STATE_STOPPING);
}

static XrResult xr_EndSession(XrSession session)
{
	simxr_session *s = get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (s->lost)
		return XR_ERROR_SESSION_LOST;
	if (!s->running)
		return XR_ERROR_SESSION_NOT_RUNNING;
	if (s->state != XR_SESSION_STATE_STOPPING)
		return XR_ERROR_SESSION_NOT_STOPPING;
	s->running = false;
	simxr_set_state(s, XR_SESSION_STATE_IDLE);
	if (s->exit_pending)
		simxr_set_state(s, XR_SESSION_STATE_EXITING);
	if (s->inst->frame_log)
		fflush(s->inst->frame_log);
	LOG_I("session ended after %lld frames", (long long)s->frames_ended);
	return XR_SUCCESS;
}

static XrResult xr_RequestExitSession(XrSession session)
{
	simxr_session *s = get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (s->lost)
		return XR_ERROR_SESSION_LOST;
	if (!s->running)
		return XR_ERROR_SESSION_NOT_RUNNING;
	if (!s->exit_pending) {
		s->exit_pending = true;
		go_down_to_stopping(s);
	}
	return XR_SUCCESS;
}

/* ---- spaces ---- */
static XrResult add_space(simxr_session *s, struct XrSpace_T *sp, XrSpace *out)
{
	if (s->nspaces == s->cap_spaces) {
		int ncap = s->cap_spaces ? s->cap_spaces * 2 : 16;
		struct XrSpace_T **n = realloc(s->spaces, (size_t)ncap * sizeof *n);
		if (!n) {
			free(sp);
			return XR_ERROR_OUT_OF_MEMORY;
		}
		s->spaces = n;
		s->cap_spaces = ncap;
	}
	s->spaces[s->nspaces++] = sp;
	*out = sp;
	return XR_SUCCESS;
}

static struct XrSpace_T *get_space(XrSpace h)
{
	simxr_session *s = g_instance ? g_instance->session : NULL;
	if (!s || !h)
		return NULL;
	for (int i = 0; i < s->nspaces; i++)
		if (s->spaces[i] == h)
			return h;
	return NULL;
}

static XrResult xr_EnumerateReferenceSpaces(XrSession session, uint32_t cap, uint32_t *count, XrReferenceSpaceType *out)
{
	if (!get_session(session))
		return XR_ERROR_HANDLE_INVALID;
	XrResult r = two_call(cap, count, 3);
	if (r == XR_SUCCESS && cap) {
		out[0] = XR_REFERENCE_SPACE_TYPE_VIEW;
		out[1] = XR_REFERENCE_SPACE_TYPE_LOCAL;
		out[2] = XR_REFERENCE_SPACE_TYPE_STAGE;
	}
	return r;
}

static XrResult xr_CreateReferenceSpace(XrSession session, const XrReferenceSpaceCreateInfo *info, XrSpace *out)
{
	simxr_session *s = get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_REFERENCE_SPACE_CREATE_INFO || !out)
		return XR_ERROR_VALIDATION_FAILURE;
	if (info->referenceSpaceType != XR_REFERENCE_SPACE_TYPE_VIEW &&
	    info->referenceSpaceType != XR_REFERENCE_SPACE_TYPE_LOCAL &&
	    info->referenceSpaceType != XR_REFERENCE_SPACE_TYPE_STAGE)
		return XR_ERROR_REFERENCE_SPACE_UNSUPPORTED;
	if (!pose_valid(&info->poseInReferenceSpace))
		return XR_ERROR_POSE_INVALID;
	struct XrSpace_T *sp = calloc(1, sizeof *sp);
	if (!sp)
		return XR_ERROR_OUT_OF_MEMORY;
	*sp = (struct XrSpace_T){.magic = SIMXR_MAGIC_SPACE, .sess = s, .kind = SIMXR_SPACE_REF,
	                         .ref = info->referenceSpaceType, .offset = info->poseInReferenceSpace};
	return add_space(s, sp, out);
}

static XrResult xr_CreateActionSpace(XrSession session, const XrActionSpaceCreateInfo *info, XrSpace *out)
{
	simxr_session *s = get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_ACTION_SPACE_CREATE_INFO || !out)
		return XR_ERROR_VALIDATION_FAILURE;
	struct XrAction_T *a = info->action;
	if (!a || a->magic != SIMXR_MAGIC_ACTION)
		return XR_ERROR_HANDLE_INVALID;
	if (a->type != XR_ACTION_TYPE_POSE_INPUT)
		return XR_ERROR_ACTION_TYPE_MISMATCH;
	if (info->subactionPath != XR_NULL_PATH) {
		bool found = false;
		for (uint32_t i = 0; i < a->nsub; i++)
			found |= a->subactions[i] == info->subactionPath;
		if (!found)
			return XR_ERROR_PATH_UNSUPPORTED;
	}
	if (!pose_valid(&info->poseInActionSpace))
		return XR_ERROR_POSE_INVALID;
	struct XrSpace_T *sp = calloc(1, sizeof *sp);
	if (!sp)
		return XR_ERROR_OUT_OF_MEMORY;
	*sp = (struct XrSpace_T){.magic = SIMXR_MAGIC_SPACE, .sess = s, .kind = SIMXR_SPACE_ACTION, .action = a,
	                         .subaction = info->subactionPath, .offset = info->poseInActionSpace};
	return add_space(s, sp, out);
}

static XrResult xr_DestroySpace(XrSpace space)
{
	struct XrSpace_T *sp = get_space(space);
	if (!sp)
		return XR_ERROR_HANDLE_INVALID;
	simxr_session *s = sp->sess;
	for (int i = 0; i < s->nspaces; i++) {
		if (s->spaces[i] == sp) {
			s->spaces[i] = s->spaces[--s->nspaces];
			break;
		}
	}
	sp->magic = 0;
	free(sp);
	return XR_SUCCESS;
}

static XrResult xr_GetReferenceSpaceBoundsRect(XrSession session, XrReferenceSpaceType type, XrExtent2Df *bounds)
{
	if (!get_session(session))
		return XR_ERROR_HANDLE_INVALID;
	if (!bounds)
		return XR_ERROR_VALIDATION_FAILURE;
	if (type == XR_REFERENCE_SPACE_TYPE_STAGE) {
		bounds->width = 3.0f;
		bounds->height = 3.0f;
		return XR_SUCCESS;
	}
	if (type != XR_REFERENCE_SPACE_TYPE_VIEW && type != XR_REFERENCE_SPACE_TYPE_LOCAL)
		return XR_ERROR_REFERENCE_SPACE_UNSUPPORTED;
	bounds->width = bounds->height = 0;
	return XR_SPACE_BOUNDS_UNAVAILABLE;
}

/* The space's pose in STAGE space (the script's frame) at script time t. */
static bool space_pose(struct XrSpace_T *sp, double t, XrPosef *out)
{
	XrPosef base;
	if (sp->kind == SIMXR_SPACE_ACTION) {
		if (!simxr_action_pose(sp->sess, sp->action, sp->subaction, t, &base))
			return false;
	} else if (sp->ref == XR_REFERENCE_SPACE_TYPE_VIEW) {
		base = head_pose(sp->sess->inst, t);
	} else if (sp->ref == XR_REFERENCE_SPACE_TYPE_LOCAL) {
		/* LOCAL: the head's position at script time 0, gravity aligned, facing -Z */
		XrPosef h = head_pose(sp->sess->inst, 0);
		base = (XrPosef){{0, 0, 0, 1}, h.position};
	} else {
		base = POSE_IDENTITY;
	}
	*out = pose_mul(base, sp->offset);
	return true;
}

static XrResult xr_LocateSpace(XrSpace space, XrSpace baseSpace, XrTime time, XrSpaceLocation *loc)
{
	struct XrSpace_T *sp = get_space(space), *bs = get_space(baseSpace);
	if (!sp || !bs)
		return XR_ERROR_HANDLE_INVALID;
	if (!loc || loc->type != XR_TYPE_SPACE_LOCATION)
		return XR_ERROR_VALIDATION_FAILURE;
	if (time <= 0)
		return XR_ERROR_TIME_INVALID;
	double t = simxr_script_time(sp->sess, time);
	XrPosef a, b;
	XrSpaceVelocity *vel = NULL;
	for (XrBaseOutStructure *n = loc->next; n; n = n->next)
		if (n->type == XR_TYPE_SPACE_VELOCITY)
			vel = (XrSpaceVelocity *)(void *)n;
	if (vel)
		vel->velocityFlags = 0;
	if (!space_pose(sp, t, &a) || !space_pose(bs, t, &b)) {
		loc->locationFlags = 0;
		loc->pose = POSE_IDENTITY;
		return XR_SUCCESS;
	}
	loc->pose = pose_mul(pose_inv(b), a);
	loc->locationFlags = XR_SPACE_LOCATION_ORIENTATION_VALID_BIT | XR_SPACE_LOCATION_POSITION_VALID_BIT |
	                     XR_SPACE_LOCATION_ORIENTATION_TRACKED_BIT | XR_SPACE_LOCATION_POSITION_TRACKED_BIT;
	return XR_SUCCESS;
}

/* Field of view and eye offsets of a current consumer headset (about 100 degrees horizontal). */
#define DEG(d) ((float)((d)*3.14159265358979323846 / 180.0))
static const XrFovf k_fov[2] = {
	{DEG(-52), DEG(44), DEG(48), DEG(-52)}, /* left eye: angleLeft, angleRight, angleUp, angleDown */
	{DEG(-44), DEG(52), DEG(48), DEG(-52)},
};
static const XrFovf k_fov_mono = {DEG(-48), DEG(48), DEG(48), DEG(-52)}; /* one view, between the eyes */
#define SIMXR_IPD 0.063f

static XrResult xr_LocateViews(XrSession session, const XrViewLocateInfo *info, XrViewState *state, uint32_t cap,
                               uint32_t *count, XrView *views)
{
	simxr_session *s = get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_VIEW_LOCATE_INFO || !state || state->type != XR_TYPE_VIEW_STATE)
		return XR_ERROR_VALIDATION_FAILURE;
	if (info->viewConfigurationType != s->inst->view_config)
		return XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED;
	const uint32_t nv = s->inst->nviews;
	struct XrSpace_T *base = get_space(info->space);
	if (!base)
		return XR_ERROR_HANDLE_INVALID;
	if (info->displayTime <= 0)
		return XR_ERROR_TIME_INVALID;
	XrResult r = two_call(cap, count, nv);
	if (r != XR_SUCCESS || cap == 0)
		return r;
	double t = simxr_script_time(s, info->displayTime);
	XrPosef b;
	if (!space_pose(base, t, &b)) {
		state->viewStateFlags = 0;
		for (uint32_t i = 0; i < nv; i++) {
			views[i].pose = POSE_IDENTITY;
			views[i].fov = nv == 1 ? k_fov_mono : k_fov[i];
		}
		return XR_SUCCESS;
	}
	XrPosef head_in_base = pose_mul(pose_inv(b), head_pose(s->inst, t));
	for (uint32_t i = 0; i < nv; i++) {
		if (views[i].type != XR_TYPE_VIEW)
			return XR_ERROR_VALIDATION_FAILURE;
		XrPosef eye = {{0, 0, 0, 1}, {nv == 1 ? 0 : i == 0 ? -SIMXR_IPD / 2 : SIMXR_IPD / 2, 0, 0}};
		views[i].pose = pose_mul(head_in_base, eye);
		views[i].fov = nv == 1 ? k_fov_mono : k_fov[i];
	}
	state->viewStateFlags = XR_VIEW_STATE_ORIENTATION_VALID_BIT | XR_VIEW_STATE_POSITION_VALID_BIT |
	                        XR_VIEW_STATE_ORIENTATION_TRACKED_BIT | XR_VIEW_STATE_POSITION_TRACKED_BIT;
	return XR_SUCCESS;
}

/* ---- frame loop ---- */
static void sleep_until(XrTime t)
{
	struct timespec ts = {.tv_sec = t / 1000000000, .tv_nsec = t % 1000000000};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
	}
}

static XrResult xr_WaitFrame(XrSession session, const XrFrameWaitInfo *info, XrFrameState *state)
{
	simxr_session *s = get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if ((info && info->type != XR_TYPE_FRAME_WAIT_INFO) || !state || state->type != XR_TYPE_FRAME_STATE)
		return XR_ERROR_VALIDATION_FAILURE;
	if (s->lost)
		return XR_ERROR_SESSION_LOST;
	if (!s->running)
		return XR_ERROR_SESSION_NOT_RUNNING;
	int64_t k = s->wait_index == 0 ? 0 : s->display_index + 1;
	if (s->inst->paced) {
		XrTime wake = s->t0 + k * s->period_ns;
		XrTime now = simxr_now_ns();
		if (now > wake + s->period_ns) /* the app missed a period: skip to the next one */
			k = (now - s->t0) / s->period_ns + 1;
		sleep_until(s->t0 + k * s->period_ns);
	}
	s->display_index = k;
	s->wait_index++;
	s->last_predicted = s->t0 + (k + 1) * s->period_ns;
	state->predictedDisplayTime = s->last_predicted;
	state->predictedDisplayPeriod = s->period_ns;
	state->shouldRender = (s->state == XR_SESSION_STATE_VISIBLE || s->state == XR_SESSION_STATE_FOCUSED) ? XR_TRUE
	                                                                                                       : XR_FALSE;
	s->frame_waited = true;
	return XR_SUCCESS;
}

static XrResult xr_BeginFrame(XrSession session, const XrFrameBeginInfo *info)
{
	simxr_session *s = get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (info && info->type != XR_TYPE_FRAME_BEGIN_INFO)
		return XR_ERROR_VALIDATION_FAILURE;
	if (s->lost)
		return XR_ERROR_SESSION_LOST;
	if (!s->running)
		return XR_ERROR_SESSION_NOT_RUNNING;
	if (!s->frame_waited)
		return XR_ERROR_CALL_ORDER_INVALID;
	s->frame_waited = false;
	if (s->frame_begun)
		return XR_FRAME_DISCARDED; /* the previous frame was begun but never ended */
	s->frame_begun = true;
	return XR_SUCCESS;
}

static XrResult check_subimage(simxr_session *s, const XrSwapchainSubImage *sub, bool depth)
{
	struct XrSwapchain_T *sc = sub->swapchain;
	if (!simxr_is_swapchain(s, sc)) {
		LOG_E("xrEndFrame: layer names an invalid swapchain");
		return XR_ERROR_HANDLE_INVALID;
	}
	if (sc->last_released < 0 || sc->nacquired > 0) {
		LOG_E("xrEndFrame: swapchain %p has %s", (void *)sc,
		      sc->last_released < 0 ? "never released an image" : "an image acquired and not released");
		return XR_ERROR_LAYER_INVALID;
	}
	if (depth != sc->is_depth) {
		LOG_E("xrEndFrame: a %s layer uses a %s swapchain", depth ? "depth" : "colour", sc->is_depth ? "depth" : "colour");
		return XR_ERROR_LAYER_INVALID;
	}
	const XrRect2Di *r = &sub->imageRect;
	if (r->offset.x < 0 || r->offset.y < 0 || r->extent.width <= 0 || r->extent.height <= 0 ||
	    (uint32_t)(r->offset.x + r->extent.width) > sc->info.width ||
	    (uint32_t)(r->offset.y + r->extent.height) > sc->info.height) {
		LOG_E("xrEndFrame: imageRect %d,%d %dx%d outside the %ux%u swapchain", r->offset.x, r->offset.y,
		      r->extent.width, r->extent.height, sc->info.width, sc->info.height);
		return XR_ERROR_SWAPCHAIN_RECT_INVALID;
	}
	if (sub->imageArrayIndex >= sc->info.arraySize) {
		LOG_E("xrEndFrame: imageArrayIndex %u >= arraySize %u", sub->imageArrayIndex, sc->info.arraySize);
		return XR_ERROR_VALIDATION_FAILURE;
	}
	return XR_SUCCESS;
}

static XrResult check_layer(simxr_session *s, const XrCompositionLayerBaseHeader *l)
{
	if (!l)
		return XR_ERROR_LAYER_INVALID;
	if (!get_space(l->space)) {
		LOG_E("xrEndFrame: layer with an invalid space");
		return XR_ERROR_HANDLE_INVALID;
	}
	if (l->type == XR_TYPE_COMPOSITION_LAYER_PROJECTION) {
		const XrCompositionLayerProjection *p = (const XrCompositionLayerProjection *)(const void *)l;
		if (p->viewCount != s->inst->nviews || !p->views) {
			LOG_E("xrEndFrame: projection layer with %u views, the view configuration has %u", p->viewCount,
			      s->inst->nviews);
			return XR_ERROR_VALIDATION_FAILURE;
		}
		for (uint32_t v = 0; v < p->viewCount; v++) {
			const XrCompositionLayerProjectionView *pv = &p->views[v];
			if (pv->type != XR_TYPE_COMPOSITION_LAYER_PROJECTION_VIEW)
				return XR_ERROR_VALIDATION_FAILURE;
			if (!pose_valid(&pv->pose))
				return XR_ERROR_POSE_INVALID;
			XrResult r = check_subimage(s, &pv->subImage, false);
			if (r != XR_SUCCESS)
				return r;
			for (const XrBaseInStructure *n = pv->next; n; n = n->next) {
				if (n->type != XR_TYPE_COMPOSITION_LAYER_DEPTH_INFO_KHR)
					continue;
				if (!s->inst->ext_depth)
					return XR_ERROR_VALIDATION_FAILURE;
				const XrCompositionLayerDepthInfoKHR *d = (const XrCompositionLayerDepthInfoKHR *)(const void *)n;
				if (!(d->minDepth >= 0 && d->minDepth <= 1 && d->maxDepth >= 0 && d->maxDepth <= 1 &&
				      d->minDepth <= d->maxDepth) || d->nearZ == d->farZ) {
					LOG_E("xrEndFrame: depth info with minDepth %g maxDepth %g nearZ %g farZ %g", (double)d->minDepth,
					      (double)d->maxDepth, (double)d->nearZ, (double)d->farZ);
					return XR_ERROR_VALIDATION_FAILURE;
				}
				r = check_subimage(s, &d->subImage, true);
				if (r != XR_SUCCESS)
					return r;
				s->depth_views++;
			}
		}
		return XR_SUCCESS;
	}
	if (l->type == XR_TYPE_COMPOSITION_LAYER_QUAD) {
		const XrCompositionLayerQuad *q = (const XrCompositionLayerQuad *)(const void *)l;
		if (!pose_valid(&q->pose))
			return XR_ERROR_POSE_INVALID;
		return check_subimage(s, &q->subImage, false);
	}
	LOG_E("xrEndFrame: layer type %d is not supported by simxr", (int)l->type);
	return XR_ERROR_LAYER_INVALID;
}

static bool trigger_fires(const simxr_session *s, const simxr_trigger *tr, int64_t frame, double t)
{
	return (tr->frame >= 0 && frame >= tr->frame) || (tr->time >= 0 && t >= tr->time);
}

static bool capture_frame(const simxr_instance *inst, int64_t frame)
{
	if (simxr_script_captures(&inst->script, frame))
		return true;
	for (int i = 0; i < inst->nenv_captures; i++)
		if (inst->env_captures[i] == frame)
			return true;
	return false;
}

static XrResult xr_EndFrame(XrSession session, const XrFrameEndInfo *info)
{
	simxr_session *s = get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_FRAME_END_INFO)
		return XR_ERROR_VALIDATION_FAILURE;
	if (s->lost)
		return XR_ERROR_SESSION_LOST;
	if (!s->running)
		return XR_ERROR_SESSION_NOT_RUNNING;
	if (!s->frame_begun)
		return XR_ERROR_CALL_ORDER_INVALID;
	if (info->displayTime <= 0)
		return XR_ERROR_TIME_INVALID;
	if (info->environmentBlendMode != s->inst->blend) {
		LOG_E("xrEndFrame: blend mode %d, the headset offers %d", (int)info->environmentBlendMode, (int)s->inst->blend);
		return XR_ERROR_ENVIRONMENT_BLEND_MODE_UNSUPPORTED;
	}
	if (info->layerCount > SIMXR_MAX_LAYERS)
		return XR_ERROR_LAYER_LIMIT_EXCEEDED;
	if (info->layerCount > 0 && !info->layers)
		return XR_ERROR_VALIDATION_FAILURE;
	uint32_t views = 0;
	s->depth_views = 0;
	for (uint32_t i = 0; i < info->layerCount; i++) {
		XrResult r = check_layer(s, info->layers[i]);
		if (r != XR_SUCCESS)
			return r;
		if (info->layers[i]->type == XR_TYPE_COMPOSITION_LAYER_PROJECTION)
			views += ((const XrCompositionLayerProjection *)(const void *)info->layers[i])->viewCount;
	}
	s->frame_begun = false;
	int64_t frame = s->frames_ended++;
	simxr_instance *inst = s->inst;
	double t = simxr_script_time(s, info->displayTime);
	if (inst->frame_log)
		fprintf(inst->frame_log, "frame %lld display_time_ns=%lld t=%.6f period_ns=%lld layers=%u views=%u depth=%u%s%s\n",
		        (long long)frame, (long long)info->displayTime, t, (long long)s->period_ns, info->layerCount, views,
		        s->depth_views, info->displayTime != s->last_predicted ? " time_mismatch" : "",
		        inst->blend == XR_ENVIRONMENT_BLEND_MODE_ADDITIVE      ? " blend=additive"
		        : inst->blend == XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND ? " blend=alpha_blend"
		                                                               : "");
	if (capture_frame(inst, frame)) {
		const XrCompositionLayerProjection *proj = NULL;
		for (uint32_t i = 0; i < info->layerCount && !proj; i++)
			if (info->layers[i]->type == XR_TYPE_COMPOSITION_LAYER_PROJECTION)
				proj = (const XrCompositionLayerProjection *)(const void *)info->layers[i];
		if (!proj) {
			LOG_W("frame %lld: asked to capture, but the frame has no projection layer", (long long)frame);
		} else {
			for (uint32_t v = 0; v < proj->viewCount; v++) {
				char path[640];
				snprintf(path, sizeof path, "%s/simxr-frame%05lld-%s.png", inst->capture_dir, (long long)frame,
				         proj->viewCount == 1 ? "mono" : v == 0 ? "left" : "right");
				if (simxr_vk_capture(s, &proj->views[v].subImage, path) == XR_SUCCESS && inst->frame_log)
					fprintf(inst->frame_log, "capture %lld %s\n", (long long)frame, path);
			}
		}
	}
	/* the first ended frame synchronises the session; it becomes visible and focused */
	if (!s->sync_events_sent && !s->exit_pending) {
		s->sync_events_sent = true;
		simxr_set_state(s, XR_SESSION_STATE_SYNCHRONIZED);
		simxr_set_state(s, XR_SESSION_STATE_VISIBLE);
		simxr_set_state(s, XR_SESSION_STATE_FOCUSED);
	}
	if (!s->exit_pending && trigger_fires(s, &inst->script.stop, frame, t)) {
		LOG_I("script: stopping the session at frame %lld", (long long)frame);
		s->exit_pending = true;
		go_down_to_stopping(s);
	}
	if (!g_lost_once && trigger_fires(s, &inst->script.lose, frame, t)) {
		LOG_I("script: losing the instance at frame %lld", (long long)frame);
		g_lost_once = true;
		XrEventDataInstanceLossPending ev = {.type = XR_TYPE_EVENT_DATA_INSTANCE_LOSS_PENDING,
		                                     .lossTime = simxr_now_ns() + 1000000000};
		simxr_set_state(s, XR_SESSION_STATE_LOSS_PENDING);
		simxr_push_event(inst, &ev, sizeof ev);
		s->lost = true;
	}
	return XR_SUCCESS;
}

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

static XrResult xr_CreateHandTrackerEXT(XrSession session, const XrHandTrackerCreateInfoEXT *info,
                                        XrHandTrackerEXT *out)
{
	simxr_session *s = get_session(session);
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

static XrResult xr_DestroyHandTrackerEXT(XrHandTrackerEXT tracker)
{
	if (!tracker || tracker->magic != SIMXR_MAGIC_HAND_TRACKER)
		return XR_ERROR_HANDLE_INVALID;
	tracker->magic = 0;
	free(tracker);
	return XR_SUCCESS;
}

static XrResult xr_LocateHandJointsEXT(XrHandTrackerEXT tracker, const XrHandJointsLocateInfoEXT *info,
                                       XrHandJointLocationsEXT *loc)
{
	if (!tracker || tracker->magic != SIMXR_MAGIC_HAND_TRACKER || !get_session((XrSession)(void *)tracker->sess))
		return XR_ERROR_HANDLE_INVALID;
	simxr_session *s = tracker->sess;
	if (!info || info->type != XR_TYPE_HAND_JOINTS_LOCATE_INFO_EXT || !loc ||
	    loc->type != XR_TYPE_HAND_JOINT_LOCATIONS_EXT || loc->jointCount != XR_HAND_JOINT_COUNT_EXT ||
	    !loc->jointLocations)
		return XR_ERROR_VALIDATION_FAILURE;
	if (s->lost)
		return XR_ERROR_SESSION_LOST;
	struct XrSpace_T *base = get_space(info->baseSpace);
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
	loc->isActive = simxr_eval_channel(s->inst, name, t, v) && space_pose(base, t, &b);
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

/* ---- dispatch ---- */
static XrResult xr_GetInstanceProcAddr(XrInstance instance, const char *name, PFN_xrVoidFunction *function);

#define SIMXR_FUNCTIONS(X)                                                                     \
	X(xrGetInstanceProcAddr, xr_GetInstanceProcAddr)                                       \
	X(xrEnumerateInstanceExtensionProperties, xr_EnumerateInstanceExtensionProperties)     \
	X(xrCreateInstance, xr_CreateInstance)                                                 \
	X(xrDestroyInstance, xr_DestroyInstance)                                               \
	X(xrGetInstanceProperties, xr_GetInstanceProperties)                                   \
	X(xrPollEvent, xr_PollEvent)                                                           \
	X(xrResultToString, xr_ResultToString)                                                 \
	X(xrStructureTypeToString, xr_StructureTypeToString)                                   \
	X(xrGetSystem, xr_GetSystem)                                                           \
	X(xrGetSystemProperties, xr_GetSystemProperties)                                       \
	X(xrEnumerateEnvironmentBlendModes, xr_EnumerateEnvironmentBlendModes)                 \
	X(xrCreateSession, xr_CreateSession)                                                   \
	X(xrDestroySession, xr_DestroySession)                                                 \
	X(xrEnumerateReferenceSpaces, xr_EnumerateReferenceSpaces)                             \
	X(xrCreateReferenceSpace, xr_CreateReferenceSpace)                                     \
	X(xrGetReferenceSpaceBoundsRect, xr_GetReferenceSpaceBoundsRect)                       \
	X(xrCreateActionSpace, xr_CreateActionSpace)                                           \
	X(xrLocateSpace, xr_LocateSpace)                                                       \
	X(xrDestroySpace, xr_DestroySpace)                                                     \
	X(xrEnumerateViewConfigurations, xr_EnumerateViewConfigurations)                       \
	X(xrGetViewConfigurationProperties, xr_GetViewConfigurationProperties)                 \
	X(xrEnumerateViewConfigurationViews, xr_EnumerateViewConfigurationViews)               \
	X(xrEnumerateSwapchainFormats, simxr_xrEnumerateSwapchainFormats)                      \
	X(xrCreateSwapchain, simxr_xrCreateSwapchain)                                          \
	X(xrDestroySwapchain, simxr_xrDestroySwapchain)                                        \
	X(xrEnumerateSwapchainImages, simxr_xrEnumerateSwapchainImages)                        \
	X(xrAcquireSwapchainImage, simxr_xrAcquireSwapchainImage)                              \
	X(xrWaitSwapchainImage, simxr_xrWaitSwapchainImage)                                    \
	X(xrReleaseSwapchainImage, simxr_xrReleaseSwapchainImage)                              \
	X(xrBeginSession, xr_BeginSession)                                                     \
	X(xrEndSession, xr_EndSession)                                                         \
	X(xrRequestExitSession, xr_RequestExitSession)                                         \
	X(xrWaitFrame, xr_WaitFrame)                                                           \
	X(xrBeginFrame, xr_BeginFrame)                                                         \
	X(xrEndFrame, xr_EndFrame)                                                             \
	X(xrLocateViews, xr_LocateViews)                                                       \
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
	FN_ENTRY(xrCreateHandTrackerEXT, xr_CreateHandTrackerEXT) FN_ENTRY(xrDestroyHandTrackerEXT, xr_DestroyHandTrackerEXT)
	FN_ENTRY(xrLocateHandJointsEXT, xr_LocateHandJointsEXT)};

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
	simxr_instance *inst = get_instance(instance);
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
	if (dladdr((const void *)&g_lost_once, &self) && self.dli_fname)
		(void)dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
	runtimeRequest->runtimeInterfaceVersion = XR_CURRENT_LOADER_RUNTIME_VERSION;
	runtimeRequest->runtimeApiVersion = XR_CURRENT_API_VERSION;
	runtimeRequest->getInstanceProcAddr = xr_GetInstanceProcAddr;
	return XR_SUCCESS;
}
