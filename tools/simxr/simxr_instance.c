/* simxr: the instance (extensions, configuration from the environment and the script, the
 * one instance of the process and its handles), the system and the view configuration. */
#define SCRUB_LOG_MODULE "simxr"
#include "simxr_internal.h"
#include "log.h"

#include <openxr/openxr_reflection.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static simxr_instance *g_instance; /* one instance per process */

simxr_instance *simxr_get_instance(XrInstance h)
{
	simxr_instance *i = (simxr_instance *)(void *)h;
	return (i && i == g_instance && i->magic == SIMXR_MAGIC_INSTANCE) ? i : NULL;
}

simxr_session *simxr_get_session(XrSession h)
{
	simxr_session *s = (simxr_session *)(void *)h;
	return (s && g_instance && s == g_instance->session && s->magic == SIMXR_MAGIC_SESSION) ? s : NULL;
}

simxr_session *simxr_current_session(void)
{
	return g_instance ? g_instance->session : NULL;
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

XrResult simxr_xrEnumerateInstanceExtensionProperties(const char *layerName, uint32_t cap, uint32_t *count,
                                                      XrExtensionProperties *props)
{
	if (layerName != NULL && layerName[0] != '\0')
		return XR_ERROR_API_LAYER_NOT_PRESENT;
	XrResult r = simxr_two_call(cap, count, NUM_EXTENSIONS);
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

XrResult simxr_xrCreateInstance(const XrInstanceCreateInfo *info, XrInstance *out)
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

XrResult simxr_xrDestroyInstance(XrInstance instance)
{
	simxr_instance *inst = simxr_get_instance(instance);
	if (!inst)
		return XR_ERROR_HANDLE_INVALID;
	if (inst->session)
		simxr_xrDestroySession((XrSession)(void *)inst->session);
	instance_free(inst);
	g_instance = NULL;
	return XR_SUCCESS;
}

XrResult simxr_xrGetInstanceProperties(XrInstance instance, XrInstanceProperties *props)
{
	if (!simxr_get_instance(instance))
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

XrResult simxr_xrResultToString(XrInstance instance, XrResult value, char buffer[XR_MAX_RESULT_STRING_SIZE])
{
	if (!simxr_get_instance(instance))
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

XrResult simxr_xrStructureTypeToString(XrInstance instance, XrStructureType value,
                                       char buffer[XR_MAX_STRUCTURE_NAME_SIZE])
{
	if (!simxr_get_instance(instance))
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
	if (!simxr_get_instance(instance))
		return XR_ERROR_HANDLE_INVALID;
	return sys == SIMXR_SYSTEM_ID ? XR_SUCCESS : XR_ERROR_SYSTEM_INVALID;
}

XrResult simxr_xrGetSystem(XrInstance instance, const XrSystemGetInfo *info, XrSystemId *out)
{
	if (!simxr_get_instance(instance))
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

XrResult simxr_xrGetSystemProperties(XrInstance instance, XrSystemId sys, XrSystemProperties *p)
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
			((XrSystemHandTrackingPropertiesEXT *)(void *)n)->supportsHandTracking = simxr_get_instance(instance)->ext_hands;
	return XR_SUCCESS;
}

XrResult simxr_xrEnumerateEnvironmentBlendModes(XrInstance instance, XrSystemId sys, XrViewConfigurationType vct,
                                                uint32_t cap, uint32_t *count, XrEnvironmentBlendMode *modes)
{
	XrResult r = check_system(instance, sys);
	if (r != XR_SUCCESS)
		return r;
	if (vct != simxr_get_instance(instance)->view_config)
		return XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED;
	r = simxr_two_call(cap, count, 1);
	if (r == XR_SUCCESS && cap)
		modes[0] = simxr_get_instance(instance)->blend;
	return r;
}

XrResult simxr_xrEnumerateViewConfigurations(XrInstance instance, XrSystemId sys, uint32_t cap, uint32_t *count,
                                             XrViewConfigurationType *types)
{
	XrResult r = check_system(instance, sys);
	if (r != XR_SUCCESS)
		return r;
	r = simxr_two_call(cap, count, 1);
	if (r == XR_SUCCESS && cap)
		types[0] = simxr_get_instance(instance)->view_config;
	return r;
}

XrResult simxr_xrGetViewConfigurationProperties(XrInstance instance, XrSystemId sys, XrViewConfigurationType vct,
                                                XrViewConfigurationProperties *p)
{
	XrResult r = check_system(instance, sys);
	if (r != XR_SUCCESS)
		return r;
	if (!p || p->type != XR_TYPE_VIEW_CONFIGURATION_PROPERTIES)
		return XR_ERROR_VALIDATION_FAILURE;
	if (vct != simxr_get_instance(instance)->view_config)
		return XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED;
	p->viewConfigurationType = vct;
	p->fovMutable = XR_TRUE;
	return XR_SUCCESS;
}

XrResult simxr_xrEnumerateViewConfigurationViews(XrInstance instance, XrSystemId sys, XrViewConfigurationType vct,
                                                 uint32_t cap, uint32_t *count, XrViewConfigurationView *views)
{
	XrResult r = check_system(instance, sys);
	if (r != XR_SUCCESS)
		return r;
	simxr_instance *inst = simxr_get_instance(instance);
	if (vct != inst->view_config)
		return XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED;
	r = simxr_two_call(cap, count, inst->nviews);
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

