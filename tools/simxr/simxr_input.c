/* simxr input: paths, action sets, actions, suggested bindings, interaction profiles,
 * action state from the script, haptics to a log. */
#define SCRUB_LOG_MODULE "simxr"
#include "simxr_internal.h"
#include "log.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- interaction profiles: the input and output paths each one has (OpenXR 1.0, 6.4) ---- */
enum { L = 1, R = 2, B = 3 };
typedef struct component {
	const char *path; /* after /user/hand/<side>/ */
	int hands;
} component;

#define HAND_COMMON {"input/grip/pose", B}, {"input/aim/pose", B}, {"output/haptic", B}
static const component k_simple[] = {{"input/select/click", B}, {"input/menu/click", B}, HAND_COMMON, {NULL, 0}};
static const component k_touch[] = {
	{"input/x/click", L}, {"input/x/touch", L}, {"input/y/click", L}, {"input/y/touch", L}, {"input/menu/click", L},
	{"input/a/click", R}, {"input/a/touch", R}, {"input/b/click", R}, {"input/b/touch", R}, {"input/system/click", R},
	{"input/squeeze/value", B}, {"input/trigger/value", B}, {"input/trigger/touch", B},
	{"input/thumbstick/x", B}, {"input/thumbstick/y", B}, {"input/thumbstick/click", B},
	{"input/thumbstick/touch", B}, {"input/thumbstick", B}, {"input/thumbrest/touch", B}, HAND_COMMON, {NULL, 0}};
static const component k_index[] = {
	{"input/system/click", B}, {"input/system/touch", B}, {"input/a/click", B}, {"input/a/touch", B},
	{"input/b/click", B}, {"input/b/touch", B}, {"input/squeeze/value", B}, {"input/squeeze/force", B},
	{"input/trigger/click", B}, {"input/trigger/value", B}, {"input/trigger/touch", B},
	{"input/thumbstick/x", B}, {"input/thumbstick/y", B}, {"input/thumbstick/click", B},
	{"input/thumbstick/touch", B}, {"input/thumbstick", B}, {"input/trackpad/x", B}, {"input/trackpad/y", B},
	{"input/trackpad/force", B}, {"input/trackpad/touch", B}, {"input/trackpad", B}, HAND_COMMON, {NULL, 0}};
static const component k_vive[] = {
	{"input/system/click", B}, {"input/squeeze/click", B}, {"input/menu/click", B}, {"input/trigger/click", B},
	{"input/trigger/value", B}, {"input/trackpad/x", B}, {"input/trackpad/y", B}, {"input/trackpad/click", B},
	{"input/trackpad/touch", B}, {"input/trackpad", B}, HAND_COMMON, {NULL, 0}};
static const component k_wmr[] = {
	{"input/menu/click", B}, {"input/squeeze/click", B}, {"input/trigger/value", B}, {"input/thumbstick/x", B},
	{"input/thumbstick/y", B}, {"input/thumbstick/click", B}, {"input/thumbstick", B}, {"input/trackpad/x", B},
	{"input/trackpad/y", B}, {"input/trackpad/click", B}, {"input/trackpad/touch", B}, {"input/trackpad", B},
	HAND_COMMON, {NULL, 0}};
/* profiles behind extensions (their specifications' component lists) */
static const component k_hp[] = {
	{"input/x/click", L}, {"input/y/click", L}, {"input/a/click", R}, {"input/b/click", R}, {"input/menu/click", B},
	{"input/squeeze/value", B}, {"input/trigger/value", B}, {"input/thumbstick/x", B}, {"input/thumbstick/y", B},
	{"input/thumbstick/click", B}, {"input/thumbstick", B}, HAND_COMMON, {NULL, 0}};
static const component k_cosmos[] = {
	{"input/x/click", L}, {"input/y/click", L}, {"input/menu/click", L}, {"input/a/click", R}, {"input/b/click", R},
	{"input/system/click", R}, {"input/shoulder/click", B}, {"input/squeeze/click", B}, {"input/trigger/click", B},
	{"input/trigger/value", B}, {"input/thumbstick/x", B}, {"input/thumbstick/y", B}, {"input/thumbstick/click", B},
	{"input/thumbstick/touch", B}, {"input/thumbstick", B}, HAND_COMMON, {NULL, 0}};
static const component k_focus3[] = {
	{"input/x/click", L}, {"input/y/click", L}, {"input/menu/click", L}, {"input/a/click", R}, {"input/b/click", R},
	{"input/system/click", R}, {"input/squeeze/click", B}, {"input/squeeze/touch", B}, {"input/trigger/click", B},
	{"input/trigger/touch", B}, {"input/trigger/value", B}, {"input/thumbstick/x", B}, {"input/thumbstick/y", B},
	{"input/thumbstick/click", B}, {"input/thumbstick/touch", B}, {"input/thumbstick", B},
	{"input/thumbrest/touch", B}, HAND_COMMON, {NULL, 0}};
static const component k_pico4[] = {
	{"input/x/click", L}, {"input/x/touch", L}, {"input/y/click", L}, {"input/y/touch", L}, {"input/menu/click", L},
	{"input/a/click", R}, {"input/a/touch", R}, {"input/b/click", R}, {"input/b/touch", R}, {"input/system/click", B},
	{"input/trigger/click", B}, {"input/trigger/value", B}, {"input/trigger/touch", B}, {"input/thumbstick/x", B},
	{"input/thumbstick/y", B}, {"input/thumbstick/click", B}, {"input/thumbstick/touch", B}, {"input/thumbstick", B},
	{"input/squeeze/click", B}, {"input/squeeze/value", B}, {"input/thumbrest/touch", B}, HAND_COMMON, {NULL, 0}};
static const component k_ml2[] = {
	{"input/menu/click", B}, {"input/home/click", B}, {"input/trigger/click", B}, {"input/trigger/value", B},
	{"input/trackpad/y", B}, {"input/trackpad/x", B}, {"input/trackpad/click", B}, {"input/trackpad/force", B},
	{"input/trackpad/touch", B}, {"input/trackpad", B}, {"input/shoulder/click", B}, HAND_COMMON, {NULL, 0}};
static const component k_touch_pro[] = {
	{"input/x/click", L}, {"input/x/touch", L}, {"input/y/click", L}, {"input/y/touch", L}, {"input/menu/click", L},
	{"input/a/click", R}, {"input/a/touch", R}, {"input/b/click", R}, {"input/b/touch", R}, {"input/system/click", R},
	{"input/squeeze/value", B}, {"input/trigger/value", B}, {"input/trigger/touch", B},
	{"input/trigger/proximity", B}, {"input/trigger_curl/value", B}, {"input/trigger_slide/value", B},
	{"input/thumbstick/x", B}, {"input/thumbstick/y", B}, {"input/thumbstick/click", B},
	{"input/thumbstick/touch", B}, {"input/thumbstick", B}, {"input/thumbrest/touch", B},
	{"input/thumbrest/force", B}, {"input/stylus_fb/force", B}, {"output/haptic_trigger_fb", B},
	{"output/haptic_thumb_fb", B}, HAND_COMMON, {NULL, 0}};
static const component k_touch_plus[] = {
	{"input/x/click", L}, {"input/x/touch", L}, {"input/y/click", L}, {"input/y/touch", L}, {"input/menu/click", L},
	{"input/a/click", R}, {"input/a/touch", R}, {"input/b/click", R}, {"input/b/touch", R}, {"input/system/click", R},
	{"input/squeeze/value", B}, {"input/trigger/value", B}, {"input/trigger/touch", B},
	{"input/trigger/force", B}, {"input/trigger/proximity_meta", B}, {"input/trigger_curl_meta/value", B},
	{"input/trigger_slide_meta/value", B}, {"input/thumbstick/x", B}, {"input/thumbstick/y", B},
	{"input/thumbstick/click", B}, {"input/thumbstick/touch", B}, {"input/thumbstick", B},
	{"input/thumbrest/touch", B}, HAND_COMMON, {NULL, 0}};
/* same order as simxr_instance.profiles (simxr.c: k_profile_paths) */
static const component *const k_profiles[SIMXR_NUM_PROFILES] = {
	k_simple, k_touch, k_index, k_vive, k_wmr, k_hp, k_cosmos, k_focus3, k_pico4, k_ml2, k_wmr /* samsung odyssey */,
	k_touch_pro, k_touch_plus};

static simxr_instance *inst_of(XrInstance h)
{
	simxr_instance *i = (simxr_instance *)(void *)h;
	return (i && i->magic == SIMXR_MAGIC_INSTANCE) ? i : NULL;
}

static simxr_session *sess_of(XrSession h)
{
	simxr_session *s = (simxr_session *)(void *)h;
	return (s && s->magic == SIMXR_MAGIC_SESSION) ? s : NULL;
}

static struct XrAction_T *action_of(XrAction h)
{
	return (h && h->magic == SIMXR_MAGIC_ACTION) ? h : NULL;
}

static int profile_index(const simxr_instance *inst, XrPath p)
{
	for (int i = 0; i < SIMXR_NUM_PROFILES; i++)
		if (inst->profiles[i] == p)
			return i;
	return -1;
}

/* /user/hand/left -> 0, /user/hand/right -> 1, other top-level paths -> -1 */
static int hand_of(const simxr_instance *inst, XrPath p)
{
	const char *s = simxr_path_str(inst, p);
	if (!s)
		return -1;
	if (!strcmp(s, "/user/hand/left"))
		return SIMXR_HAND_LEFT;
	if (!strcmp(s, "/user/hand/right"))
		return SIMXR_HAND_RIGHT;
	return -1;
}

/* ---- paths ---- */
static bool path_well_formed(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n >= XR_MAX_PATH_LENGTH || s[0] != '/' || s[n - 1] == '/')
		return false;
	const char *comp = s + 1;
	for (const char *c = s + 1;; c++) {
		if (*c == '/' || *c == '\0') {
			size_t len = (size_t)(c - comp);
			if (len == 0 || (len == 1 && comp[0] == '.') || (len == 2 && comp[0] == '.' && comp[1] == '.'))
				return false;
			if (*c == '\0')
				return true;
			comp = c + 1;
		} else if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.')) {
			return false;
		}
	}
}

XrResult simxr_xrStringToPath(XrInstance instance, const char *pathString, XrPath *path)
{
	simxr_instance *inst = inst_of(instance);
	if (!inst)
		return XR_ERROR_HANDLE_INVALID;
	if (!pathString || !path)
		return XR_ERROR_VALIDATION_FAILURE;
	if (!path_well_formed(pathString))
		return XR_ERROR_PATH_FORMAT_INVALID;
	XrPath p = simxr_path_get(inst, pathString);
	if (p == XR_NULL_PATH)
		return XR_ERROR_PATH_COUNT_EXCEEDED;
	*path = p;
	return XR_SUCCESS;
}

XrResult simxr_xrPathToString(XrInstance instance, XrPath path, uint32_t cap, uint32_t *count, char *buffer)
{
	simxr_instance *inst = inst_of(instance);
	if (!inst)
		return XR_ERROR_HANDLE_INVALID;
	const char *s = simxr_path_str(inst, path);
	if (!s)
		return XR_ERROR_PATH_INVALID;
	if (!count)
		return XR_ERROR_VALIDATION_FAILURE;
	uint32_t n = (uint32_t)strlen(s) + 1;
	*count = n;
	if (cap == 0)
		return XR_SUCCESS;
	if (cap < n)
		return XR_ERROR_SIZE_INSUFFICIENT;
	memcpy(buffer, s, n);
	return XR_SUCCESS;
}

/* ---- action sets and actions ---- */
static bool name_valid(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	if (n == 0 || n == max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' ||
		      s[i] == '.'))
			return false;
	return true;
}

bool simxr_is_action_set(const simxr_instance *inst, XrActionSet set)
{
	for (int i = 0; i < inst->nsets; i++)
		if (inst->all_sets[i] == set)
			return true;
	return false;
}

XrResult simxr_xrCreateActionSet(XrInstance instance, const XrActionSetCreateInfo *info, XrActionSet *out)
{
	simxr_instance *inst = inst_of(instance);
	if (!inst)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_ACTION_SET_CREATE_INFO || !out)
		return XR_ERROR_VALIDATION_FAILURE;
	if (!name_valid(info->actionSetName, XR_MAX_ACTION_SET_NAME_SIZE))
		return XR_ERROR_PATH_FORMAT_INVALID;
	if (info->localizedActionSetName[0] == '\0')
		return XR_ERROR_LOCALIZED_NAME_INVALID;
	for (int i = 0; i < inst->nsets; i++)
		if (!strcmp(inst->all_sets[i]->name, info->actionSetName))
			return XR_ERROR_NAME_DUPLICATED;
	if (inst->nsets == inst->cap_sets) {
		int ncap = inst->cap_sets ? inst->cap_sets * 2 : 8;
		struct XrActionSet_T **n = realloc(inst->all_sets, (size_t)ncap * sizeof *n);
		if (!n)
			return XR_ERROR_OUT_OF_MEMORY;
		inst->all_sets = n;
		inst->cap_sets = ncap;
	}
	struct XrActionSet_T *set = calloc(1, sizeof *set);
	if (!set)
		return XR_ERROR_OUT_OF_MEMORY;
	set->magic = SIMXR_MAGIC_ACTIONSET;
	set->inst = inst;
	snprintf(set->name, sizeof set->name, "%s", info->actionSetName);
	set->priority = info->priority;
	inst->all_sets[inst->nsets++] = set;
	*out = set;
	return XR_SUCCESS;
}

static void action_free(struct XrAction_T *a)
{
	a->magic = 0;
	free(a);
}

XrResult simxr_xrDestroyActionSet(XrActionSet set)
{
	if (!set || set->magic != SIMXR_MAGIC_ACTIONSET)
		return XR_ERROR_HANDLE_INVALID;
	simxr_instance *inst = set->inst;
	for (int i = 0; i < set->nactions; i++)
		action_free(set->actions[i]);
	free(set->actions);
	for (int i = 0; i < inst->nsets; i++) {
		if (inst->all_sets[i] == set) {
			inst->all_sets[i] = inst->all_sets[--inst->nsets];
			break;
		}
	}
	set->magic = 0;
	free(set);
	return XR_SUCCESS;
}

void simxr_input_destroy_all(simxr_instance *inst)
{
	while (inst->nsets > 0)
		simxr_xrDestroyActionSet(inst->all_sets[inst->nsets - 1]);
	free(inst->all_sets);
	inst->all_sets = NULL;
	inst->cap_sets = 0;
}

XrResult simxr_xrCreateAction(XrActionSet set, const XrActionCreateInfo *info, XrAction *out)
{
	if (!set || set->magic != SIMXR_MAGIC_ACTIONSET)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_ACTION_CREATE_INFO || !out)
		return XR_ERROR_VALIDATION_FAILURE;
	if (set->attached)
		return XR_ERROR_ACTIONSETS_ALREADY_ATTACHED;
	if (!name_valid(info->actionName, XR_MAX_ACTION_NAME_SIZE))
		return XR_ERROR_PATH_FORMAT_INVALID;
	if (info->localizedActionName[0] == '\0')
		return XR_ERROR_LOCALIZED_NAME_INVALID;
	switch (info->actionType) {
	case XR_ACTION_TYPE_BOOLEAN_INPUT:
	case XR_ACTION_TYPE_FLOAT_INPUT:
	case XR_ACTION_TYPE_VECTOR2F_INPUT:
	case XR_ACTION_TYPE_POSE_INPUT:
	case XR_ACTION_TYPE_VIBRATION_OUTPUT:
		break;
	default:
		return XR_ERROR_VALIDATION_FAILURE;
	}
	for (int i = 0; i < set->nactions; i++)
		if (!strcmp(set->actions[i]->name, info->actionName))
			return XR_ERROR_NAME_DUPLICATED;
	if (info->countSubactionPaths > SIMXR_MAX_SUBACTIONS)
		return XR_ERROR_PATH_COUNT_EXCEEDED;
	static const char *top[] = {"/user/hand/left", "/user/hand/right", "/user/head", "/user/gamepad",
	                            "/user/treadmill"};
	for (uint32_t i = 0; i < info->countSubactionPaths; i++) {
		const char *s = simxr_path_str(set->inst, info->subactionPaths[i]);
		bool ok = false;
		for (size_t k = 0; s && k < sizeof top / sizeof top[0]; k++)
			ok |= !strcmp(s, top[k]);
		for (uint32_t j = 0; j < i; j++)
			ok &= info->subactionPaths[j] != info->subactionPaths[i];
		if (!ok)
			return XR_ERROR_PATH_UNSUPPORTED;
	}
	if (set->nactions == set->cap) {
		int ncap = set->cap ? set->cap * 2 : 8;
		struct XrAction_T **n = realloc(set->actions, (size_t)ncap * sizeof *n);
		if (!n)
			return XR_ERROR_OUT_OF_MEMORY;
		set->actions = n;
		set->cap = ncap;
	}
	struct XrAction_T *a = calloc(1, sizeof *a);
	if (!a)
		return XR_ERROR_OUT_OF_MEMORY;
	a->magic = SIMXR_MAGIC_ACTION;
	a->set = set;
	snprintf(a->name, sizeof a->name, "%s", info->actionName);
	a->type = info->actionType;
	a->nsub = info->countSubactionPaths;
	for (uint32_t i = 0; i < a->nsub; i++)
		a->subactions[i] = info->subactionPaths[i];
	set->actions[set->nactions++] = a;
	*out = a;
	return XR_SUCCESS;
}

XrResult simxr_xrDestroyAction(XrAction action)
{
	struct XrAction_T *a = action_of(action);
	if (!a)
		return XR_ERROR_HANDLE_INVALID;
	struct XrActionSet_T *set = a->set;
	for (int i = 0; i < set->nactions; i++) {
		if (set->actions[i] == a) {
			memmove(&set->actions[i], &set->actions[i + 1], (size_t)(set->nactions - i - 1) * sizeof a);
			set->nactions--;
			break;
		}
	}
	action_free(a);
	return XR_SUCCESS;
}

/* ---- suggested bindings ---- */
static bool has_component(const component *prof, int hand, const char *path)
{
	for (const component *c = prof; c->path; c++)
		if ((c->hands & (1 << hand)) && !strcmp(c->path, path))
			return true;
	return false;
}

/* Resolves a binding path for an action type to a profile component, e.g. "input/trigger" for a
 * float action to "input/trigger/value". Returns false when the profile has nothing that fits. */
static bool resolve_component(const component *prof, int hand, const char *rest, XrActionType type, char *out,
                              size_t outlen)
{
	static const char *const prefer_bool[] = {"/click", "/value", "/touch", NULL};
	static const char *const prefer_float[] = {"/value", "/click", "/force", NULL};
	static const char *const prefer_pose[] = {"/pose", NULL};
	const char *const *prefer = type == XR_ACTION_TYPE_BOOLEAN_INPUT ? prefer_bool
	                            : type == XR_ACTION_TYPE_FLOAT_INPUT ? prefer_float
	                            : type == XR_ACTION_TYPE_POSE_INPUT  ? prefer_pose
	                                                                 : NULL;
	if (type == XR_ACTION_TYPE_VIBRATION_OUTPUT) {
		if (strcmp(rest, "output/haptic") || !has_component(prof, hand, rest))
			return false;
		snprintf(out, outlen, "%s", rest);
		return true;
	}
	if (strncmp(rest, "input/", 6) != 0)
		return false;
	if (has_component(prof, hand, rest)) {
		const char *last = strrchr(rest, '/');
		bool is2d = (last == rest + 5); /* "input/thumbstick": no component */
		bool ispose = !strcmp(last, "/pose");
		if (type == XR_ACTION_TYPE_VECTOR2F_INPUT ? !is2d
		    : type == XR_ACTION_TYPE_POSE_INPUT   ? !ispose
		                                          : (is2d || ispose))
			return false;
		snprintf(out, outlen, "%s", rest);
		return true;
	}
	for (int i = 0; prefer && prefer[i]; i++) {
		char buf[SIMXR_PATH_MAX];
		snprintf(buf, sizeof buf, "%s%s", rest, prefer[i]);
		if (has_component(prof, hand, buf)) {
			snprintf(out, outlen, "%s", buf);
			return true;
		}
	}
	return false;
}

XrResult simxr_xrSuggestInteractionProfileBindings(XrInstance instance, const XrInteractionProfileSuggestedBinding *sb)
{
	simxr_instance *inst = inst_of(instance);
	if (!inst)
		return XR_ERROR_HANDLE_INVALID;
	if (!sb || sb->type != XR_TYPE_INTERACTION_PROFILE_SUGGESTED_BINDING || sb->countSuggestedBindings == 0 ||
	    !sb->suggestedBindings)
		return XR_ERROR_VALIDATION_FAILURE;
	const char *pname = simxr_path_str(inst, sb->interactionProfile);
	if (!pname)
		return XR_ERROR_PATH_INVALID;
	int pi = profile_index(inst, sb->interactionProfile);
	if (pi < 0) {
		LOG_W("xrSuggestInteractionProfileBindings: simxr does not simulate %s", pname);
		return XR_ERROR_PATH_UNSUPPORTED;
	}
	if (!inst->profile_enabled[pi]) {
		LOG_W("xrSuggestInteractionProfileBindings: %s needs its extension enabled", pname);
		return XR_ERROR_PATH_UNSUPPORTED;
	}
	/* validate everything first: a rejected call changes nothing */
	for (uint32_t i = 0; i < sb->countSuggestedBindings; i++) {
		struct XrAction_T *a = action_of(sb->suggestedBindings[i].action);
		if (!a)
			return XR_ERROR_HANDLE_INVALID;
		if (a->set->attached)
			return XR_ERROR_ACTIONSETS_ALREADY_ATTACHED;
		const char *b = simxr_path_str(inst, sb->suggestedBindings[i].binding);
		if (!b)
			return XR_ERROR_PATH_INVALID;
		int hand = !strncmp(b, "/user/hand/left/", 16) ? 0 : !strncmp(b, "/user/hand/right/", 17) ? 1 : -1;
		char comp[SIMXR_PATH_MAX];
		if (hand < 0 || !resolve_component(k_profiles[pi], hand, b + (hand ? 17 : 16), a->type, comp, sizeof comp)) {
			LOG_E("xrSuggestInteractionProfileBindings: %s has no %s for %s action '%s'", pname, b,
			      a->type == XR_ACTION_TYPE_BOOLEAN_INPUT    ? "boolean"
			      : a->type == XR_ACTION_TYPE_FLOAT_INPUT    ? "float"
			      : a->type == XR_ACTION_TYPE_VECTOR2F_INPUT ? "vector2f"
			      : a->type == XR_ACTION_TYPE_POSE_INPUT     ? "pose"
			                                                 : "vibration",
			      a->name);
			return XR_ERROR_PATH_UNSUPPORTED;
		}
	}
	/* replace earlier suggestions for this profile */
	for (int s = 0; s < inst->nsets; s++) {
		struct XrActionSet_T *set = inst->all_sets[s];
		for (int i = 0; i < set->nactions; i++) {
			struct XrAction_T *a = set->actions[i];
			int k = 0;
			for (int j = 0; j < a->nbindings; j++)
				if (a->bindings[j].profile != sb->interactionProfile)
					a->bindings[k++] = a->bindings[j];
			a->nbindings = k;
		}
	}
	for (uint32_t i = 0; i < sb->countSuggestedBindings; i++) {
		struct XrAction_T *a = sb->suggestedBindings[i].action;
		const char *b = simxr_path_str(inst, sb->suggestedBindings[i].binding);
		int hand = !strncmp(b, "/user/hand/left/", 16) ? 0 : 1;
		char comp[SIMXR_PATH_MAX];
		resolve_component(k_profiles[pi], hand, b + (hand ? 17 : 16), a->type, comp, sizeof comp);
		if (a->nbindings == SIMXR_MAX_BINDINGS)
			return XR_ERROR_LIMIT_REACHED;
		simxr_binding *bd = &a->bindings[a->nbindings++];
		memset(bd, 0, sizeof *bd);
		bd->profile = sb->interactionProfile;
		bd->hand = hand;
		bd->haptic = a->type == XR_ACTION_TYPE_VIBRATION_OUTPUT;
		char full[SIMXR_PATH_MAX + 32];
		snprintf(full, sizeof full, "/user/hand/%s/%s", hand ? "right" : "left", comp);
		bd->path = simxr_path_get(inst, full);
		/* script channel: "left/trigger/value" for ".../input/trigger/value" */
		snprintf(bd->channel, sizeof bd->channel, "%s/%s", hand ? "right" : "left",
		         strncmp(comp, "input/", 6) == 0 ? comp + 6 : comp);
	}
	bool seen = false;
	for (int i = 0; i < inst->nsuggested; i++)
		seen |= inst->suggested_order[i] == sb->interactionProfile;
	if (!seen)
		inst->suggested_order[inst->nsuggested++] = sb->interactionProfile;
	return XR_SUCCESS;
}

static bool set_is_attached(const simxr_session *s, const struct XrActionSet_T *set)
{
	for (int i = 0; i < s->nattached; i++)
		if (s->attached[i] == set)
			return true;
	return false;
}

static bool profile_has_bindings(const simxr_session *s, XrPath profile)
{
	for (int i = 0; i < s->nattached; i++)
		for (int j = 0; j < s->attached[i]->nactions; j++)
			for (int k = 0; k < s->attached[i]->actions[j]->nbindings; k++)
				if (s->attached[i]->actions[j]->bindings[k].profile == profile)
					return true;
	return false;
}

XrResult simxr_xrAttachSessionActionSets(XrSession session, const XrSessionActionSetsAttachInfo *info)
{
	simxr_session *s = sess_of(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_SESSION_ACTION_SETS_ATTACH_INFO || info->countActionSets == 0 ||
	    !info->actionSets)
		return XR_ERROR_VALIDATION_FAILURE;
	if (s->actions_attached)
		return XR_ERROR_ACTIONSETS_ALREADY_ATTACHED;
	for (uint32_t i = 0; i < info->countActionSets; i++)
		if (!simxr_is_action_set(s->inst, info->actionSets[i]))
			return XR_ERROR_HANDLE_INVALID;
	s->attached = calloc(info->countActionSets, sizeof *s->attached);
	if (!s->attached)
		return XR_ERROR_OUT_OF_MEMORY;
	for (uint32_t i = 0; i < info->countActionSets; i++) {
		s->attached[i] = info->actionSets[i];
		s->attached[i]->attached = true;
	}
	s->nattached = (int)info->countActionSets;
	s->actions_attached = true;
	/* choose the current interaction profile: the script's if the app suggested bindings for it,
	 * else the first one the app suggested */
	simxr_instance *inst = s->inst;
	XrPath chosen = XR_NULL_PATH;
	if (inst->script.profile[0]) {
		XrPath want = simxr_path_get(inst, inst->script.profile);
		if (profile_has_bindings(s, want))
			chosen = want;
		else
			LOG_W("script profile %s: the application suggested no bindings for it", inst->script.profile);
	}
	for (int i = 0; i < inst->nsuggested && chosen == XR_NULL_PATH; i++)
		if (profile_has_bindings(s, inst->suggested_order[i]))
			chosen = inst->suggested_order[i];
	s->current_profile[0] = s->current_profile[1] = chosen;
	if (chosen != XR_NULL_PATH) {
		XrEventDataInteractionProfileChanged ev = {.type = XR_TYPE_EVENT_DATA_INTERACTION_PROFILE_CHANGED,
		                                           .session = session};
		simxr_push_event(inst, &ev, sizeof ev);
		if (inst->frame_log)
			fprintf(inst->frame_log, "profile %s\n", simxr_path_str(inst, chosen));
		LOG_I("interaction profile %s", simxr_path_str(inst, chosen));
	}
	return XR_SUCCESS;
}

XrResult simxr_xrGetCurrentInteractionProfile(XrSession session, XrPath top, XrInteractionProfileState *out)
{
	simxr_session *s = sess_of(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!out || out->type != XR_TYPE_INTERACTION_PROFILE_STATE)
		return XR_ERROR_VALIDATION_FAILURE;
	if (!s->actions_attached)
		return XR_ERROR_ACTIONSET_NOT_ATTACHED;
	const char *t = simxr_path_str(s->inst, top);
	if (!t)
		return XR_ERROR_PATH_INVALID;
	int hand = hand_of(s->inst, top);
	if (hand < 0) {
		if (strcmp(t, "/user/head") && strcmp(t, "/user/gamepad") && strcmp(t, "/user/treadmill"))
			return XR_ERROR_PATH_UNSUPPORTED;
		out->interactionProfile = XR_NULL_PATH;
		return XR_SUCCESS;
	}
	out->interactionProfile = s->current_profile[hand];
	return XR_SUCCESS;
}

/* ---- action state ---- */
static const simxr_binding *binding_for(const simxr_session *s, const struct XrAction_T *a, int hand)
{
	XrPath prof = s->current_profile[hand];
	if (prof == XR_NULL_PATH)
		return NULL;
	for (int i = 0; i < a->nbindings; i++)
		if (a->bindings[i].profile == prof && a->bindings[i].hand == hand)
			return &a->bindings[i];
	return NULL;
}

static bool action_has_hand(const struct XrAction_T *a, const simxr_instance *inst, int hand)
{
	if (a->nsub == 0)
		return true;
	for (uint32_t i = 0; i < a->nsub; i++)
		if (hand_of(inst, a->subactions[i]) == hand)
			return true;
	return false;
}

/* Reads a script channel; "x"/"y" of a 2D control fall back to that control's channel. */
static void read_channel(const simxr_instance *inst, const char *name, double t, float *out)
{
	memset(out, 0, sizeof(float) * SIMXR_MAX_COMPONENTS);
	if (simxr_eval_channel(inst, name, t, out))
		return;
	size_t n = strlen(name);
	if (n > 2 && name[n - 2] == '/' && (name[n - 1] == 'x' || name[n - 1] == 'y')) {
		char base[SIMXR_NAME_MAX];
		snprintf(base, sizeof base, "%.*s", (int)(n - 2), name);
		float v[SIMXR_MAX_COMPONENTS] = {0};
		if (simxr_eval_channel(inst, base, t, v))
			out[0] = name[n - 1] == 'x' ? v[0] : v[1];
	}
}

static void sample(const simxr_session *s, const struct XrAction_T *a, const simxr_binding *b, double t, float *v)
{
	read_channel(s->inst, b->channel, t, v);
	size_t n = strlen(b->channel);
	bool from_click = n > 6 && (!strcmp(b->channel + n - 6, "/click") || !strcmp(b->channel + n - 6, "/touch"));
	if (a->type == XR_ACTION_TYPE_BOOLEAN_INPUT && !from_click)
		v[0] = v[0] >= 0.5f ? 1.0f : 0.0f; /* a value or force read as a button */
}

static int ncomp_of(XrActionType t)
{
	return t == XR_ACTION_TYPE_VECTOR2F_INPUT ? 2 : t == XR_ACTION_TYPE_POSE_INPUT ? 7 : 1;
}

XrResult simxr_xrSyncActions(XrSession session, const XrActionsSyncInfo *info)
{
	simxr_session *s = sess_of(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_ACTIONS_SYNC_INFO || (info->countActiveActionSets > 0 && !info->activeActionSets))
		return XR_ERROR_VALIDATION_FAILURE;
	if (s->lost)
		return XR_ERROR_SESSION_LOST;
	for (uint32_t i = 0; i < info->countActiveActionSets; i++) {
		if (!simxr_is_action_set(s->inst, info->activeActionSets[i].actionSet))
			return XR_ERROR_HANDLE_INVALID;
		if (!set_is_attached(s, info->activeActionSets[i].actionSet))
			return XR_ERROR_ACTIONSET_NOT_ATTACHED;
	}
	bool focused = s->state == XR_SESSION_STATE_FOCUSED;
	XrTime now = s->last_predicted > 0 ? s->last_predicted : simxr_now_ns();
	double t = simxr_script_time(s, now);
	s->last_sync_time = now;
	for (int si = 0; si < s->nattached; si++) {
		struct XrActionSet_T *set = s->attached[si];
		set->active = false;
		for (uint32_t i = 0; i < info->countActiveActionSets; i++)
			set->active |= info->activeActionSets[i].actionSet == set;
		for (int ai = 0; ai < set->nactions; ai++) {
			struct XrAction_T *a = set->actions[ai];
			int nc = ncomp_of(a->type);
			simxr_action_value any = {0};
			any.last_change = a->any.last_change;
			float best = -1;
			for (int h = 0; h < SIMXR_HANDS; h++) {
				simxr_action_value *hv = &a->hand[h];
				const simxr_binding *b = focused && set->active && action_has_hand(a, s->inst, h)
				                                 ? binding_for(s, a, h)
				                                 : NULL;
				float v[SIMXR_MAX_COMPONENTS] = {0};
				bool active = b != NULL;
				if (active && a->type != XR_ACTION_TYPE_POSE_INPUT && a->type != XR_ACTION_TYPE_VIBRATION_OUTPUT)
					sample(s, a, b, t, v);
				bool changed = active && hv->active && memcmp(v, hv->v, sizeof(float) * (size_t)nc) != 0;
				hv->changed = changed;
				if (changed || (active && !hv->active))
					hv->last_change = now;
				hv->active = active;
				memcpy(hv->v, v, sizeof v);
				if (!active)
					continue;
				/* combine: OR for booleans, largest magnitude otherwise */
				float mag = a->type == XR_ACTION_TYPE_VECTOR2F_INPUT ? hypotf(v[0], v[1]) : fabsf(v[0]);
				if (!any.active || mag > best) {
					best = mag;
					memcpy(any.v, v, sizeof v);
				}
				any.active = true;
			}
			any.changed = a->any.active && any.active && memcmp(any.v, a->any.v, sizeof(float) * (size_t)nc) != 0;
			if (any.changed || (any.active && !a->any.active))
				any.last_change = now;
			a->any = any;
		}
	}
	return focused ? XR_SUCCESS : XR_SESSION_NOT_FOCUSED;
}

static XrResult get_state(XrSession session, const XrActionStateGetInfo *gi, XrActionType type,
                          const simxr_action_value **out)
{
	simxr_session *s = sess_of(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!gi || gi->type != XR_TYPE_ACTION_STATE_GET_INFO)
		return XR_ERROR_VALIDATION_FAILURE;
	struct XrAction_T *a = action_of(gi->action);
	if (!a)
		return XR_ERROR_HANDLE_INVALID;
	if (!set_is_attached(s, a->set))
		return XR_ERROR_ACTIONSET_NOT_ATTACHED;
	if (a->type != type)
		return XR_ERROR_ACTION_TYPE_MISMATCH;
	if (gi->subactionPath == XR_NULL_PATH) {
		*out = &a->any;
		return XR_SUCCESS;
	}
	bool listed = false;
	for (uint32_t i = 0; i < a->nsub; i++)
		listed |= a->subactions[i] == gi->subactionPath;
	if (!listed)
		return XR_ERROR_PATH_UNSUPPORTED;
	static const simxr_action_value inactive = {0};
	int hand = hand_of(s->inst, gi->subactionPath);
	*out = hand < 0 ? &inactive : &a->hand[hand];
	return XR_SUCCESS;
}

XrResult simxr_xrGetActionStateBoolean(XrSession session, const XrActionStateGetInfo *gi, XrActionStateBoolean *out)
{
	if (!out || out->type != XR_TYPE_ACTION_STATE_BOOLEAN)
		return XR_ERROR_VALIDATION_FAILURE;
	const simxr_action_value *v;
	XrResult r = get_state(session, gi, XR_ACTION_TYPE_BOOLEAN_INPUT, &v);
	if (r != XR_SUCCESS)
		return r;
	out->isActive = v->active;
	out->currentState = v->active && v->v[0] != 0.0f;
	out->changedSinceLastSync = v->changed;
	out->lastChangeTime = v->active ? v->last_change : 0;
	return XR_SUCCESS;
}

XrResult simxr_xrGetActionStateFloat(XrSession session, const XrActionStateGetInfo *gi, XrActionStateFloat *out)
{
	if (!out || out->type != XR_TYPE_ACTION_STATE_FLOAT)
		return XR_ERROR_VALIDATION_FAILURE;
	const simxr_action_value *v;
	XrResult r = get_state(session, gi, XR_ACTION_TYPE_FLOAT_INPUT, &v);
	if (r != XR_SUCCESS)
		return r;
	out->isActive = v->active;
	out->currentState = v->active ? v->v[0] : 0.0f;
	out->changedSinceLastSync = v->changed;
	out->lastChangeTime = v->active ? v->last_change : 0;
	return XR_SUCCESS;
}

XrResult simxr_xrGetActionStateVector2f(XrSession session, const XrActionStateGetInfo *gi, XrActionStateVector2f *out)
{
	if (!out || out->type != XR_TYPE_ACTION_STATE_VECTOR2F)
		return XR_ERROR_VALIDATION_FAILURE;
	const simxr_action_value *v;
	XrResult r = get_state(session, gi, XR_ACTION_TYPE_VECTOR2F_INPUT, &v);
	if (r != XR_SUCCESS)
		return r;
	out->isActive = v->active;
	out->currentState.x = v->active ? v->v[0] : 0.0f;
	out->currentState.y = v->active ? v->v[1] : 0.0f;
	out->changedSinceLastSync = v->changed;
	out->lastChangeTime = v->active ? v->last_change : 0;
	return XR_SUCCESS;
}

XrResult simxr_xrGetActionStatePose(XrSession session, const XrActionStateGetInfo *gi, XrActionStatePose *out)
{
	if (!out || out->type != XR_TYPE_ACTION_STATE_POSE)
		return XR_ERROR_VALIDATION_FAILURE;
	const simxr_action_value *v;
	XrResult r = get_state(session, gi, XR_ACTION_TYPE_POSE_INPUT, &v);
	if (r != XR_SUCCESS)
		return r;
	out->isActive = v->active;
	return XR_SUCCESS;
}

static const float k_default_hand[SIMXR_HANDS][7] = {
	{-0.2f, 1.3f, -0.35f, 0, 0, 0, 1},
	{0.2f, 1.3f, -0.35f, 0, 0, 0, 1},
};

bool simxr_action_pose(simxr_session *s, struct XrAction_T *a, XrPath subaction, double t, XrPosef *out)
{
	int hands[2], n = 0;
	if (subaction != XR_NULL_PATH) {
		int h = hand_of(s->inst, subaction);
		if (h < 0)
			return false;
		hands[n++] = h;
	} else {
		hands[n++] = SIMXR_HAND_LEFT;
		hands[n++] = SIMXR_HAND_RIGHT;
	}
	for (int i = 0; i < n; i++) {
		int h = hands[i];
		if (!a->hand[h].active)
			continue;
		const simxr_binding *b = binding_for(s, a, h);
		if (!b)
			continue;
		float v[SIMXR_MAX_COMPONENTS];
		if (!simxr_eval_channel(s->inst, b->channel, t, v)) {
			/* aim falls back to grip, grip to a default hand position */
			char grip[SIMXR_NAME_MAX];
			snprintf(grip, sizeof grip, "%s/grip/pose", h ? "right" : "left");
			if (!simxr_eval_channel(s->inst, grip, t, v))
				memcpy(v, k_default_hand[h], sizeof k_default_hand[h]);
		}
		*out = (XrPosef){{v[3], v[4], v[5], v[6]}, {v[0], v[1], v[2]}};
		return true;
	}
	return false;
}

XrResult simxr_xrEnumerateBoundSourcesForAction(XrSession session, const XrBoundSourcesForActionEnumerateInfo *info,
                                                uint32_t cap, uint32_t *count, XrPath *out)
{
	simxr_session *s = sess_of(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_BOUND_SOURCES_FOR_ACTION_ENUMERATE_INFO || !count)
		return XR_ERROR_VALIDATION_FAILURE;
	struct XrAction_T *a = action_of(info->action);
	if (!a)
		return XR_ERROR_HANDLE_INVALID;
	if (!set_is_attached(s, a->set))
		return XR_ERROR_ACTIONSET_NOT_ATTACHED;
	XrPath found[SIMXR_HANDS];
	uint32_t n = 0;
	for (int h = 0; h < SIMXR_HANDS; h++) {
		const simxr_binding *b = action_has_hand(a, s->inst, h) ? binding_for(s, a, h) : NULL;
		if (b)
			found[n++] = b->path;
	}
	*count = n;
	if (cap == 0)
		return XR_SUCCESS;
	if (cap < n)
		return XR_ERROR_SIZE_INSUFFICIENT;
	memcpy(out, found, n * sizeof found[0]);
	return XR_SUCCESS;
}

XrResult simxr_xrGetInputSourceLocalizedName(XrSession session, const XrInputSourceLocalizedNameGetInfo *info,
                                             uint32_t cap, uint32_t *count, char *buffer)
{
	simxr_session *s = sess_of(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_INPUT_SOURCE_LOCALIZED_NAME_GET_INFO || !count || info->whichComponents == 0)
		return XR_ERROR_VALIDATION_FAILURE;
	const char *p = simxr_path_str(s->inst, info->sourcePath);
	if (!p)
		return XR_ERROR_PATH_INVALID;
	char name[XR_MAX_PATH_LENGTH + 64] = "";
	int hand = !strncmp(p, "/user/hand/left/", 16) ? 0 : !strncmp(p, "/user/hand/right/", 17) ? 1 : -1;
	if (info->whichComponents & XR_INPUT_SOURCE_LOCALIZED_NAME_USER_PATH_BIT)
		strcat(name, hand == 0 ? "Left Hand " : hand == 1 ? "Right Hand " : "");
	if (info->whichComponents & XR_INPUT_SOURCE_LOCALIZED_NAME_INTERACTION_PROFILE_BIT && hand >= 0) {
		const char *prof = simxr_path_str(s->inst, s->current_profile[hand]);
		if (prof) {
			strncat(name, prof + 22, sizeof name - strlen(name) - 2);
			strcat(name, " ");
		}
	}
	if (info->whichComponents & XR_INPUT_SOURCE_LOCALIZED_NAME_COMPONENT_BIT) {
		const char *c = strstr(p, "/input/");
		c = c ? c + 7 : strstr(p, "/output/") ? strstr(p, "/output/") + 8 : p;
		strncat(name, c, sizeof name - strlen(name) - 1);
	}
	size_t n = strlen(name);
	while (n > 0 && name[n - 1] == ' ')
		name[--n] = '\0';
	*count = (uint32_t)n + 1;
	if (cap == 0)
		return XR_SUCCESS;
	if (cap < n + 1)
		return XR_ERROR_SIZE_INSUFFICIENT;
	memcpy(buffer, name, n + 1);
	return XR_SUCCESS;
}

static XrResult haptic_common(XrSession session, const XrHapticActionInfo *info, simxr_session **out_s,
                              struct XrAction_T **out_a)
{
	simxr_session *s = sess_of(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_HAPTIC_ACTION_INFO)
		return XR_ERROR_VALIDATION_FAILURE;
	struct XrAction_T *a = action_of(info->action);
	if (!a)
		return XR_ERROR_HANDLE_INVALID;
	if (!set_is_attached(s, a->set))
		return XR_ERROR_ACTIONSET_NOT_ATTACHED;
	if (a->type != XR_ACTION_TYPE_VIBRATION_OUTPUT)
		return XR_ERROR_ACTION_TYPE_MISMATCH;
	if (info->subactionPath != XR_NULL_PATH) {
		bool listed = false;
		for (uint32_t i = 0; i < a->nsub; i++)
			listed |= a->subactions[i] == info->subactionPath;
		if (!listed)
			return XR_ERROR_PATH_UNSUPPORTED;
	}
	*out_s = s;
	*out_a = a;
	return XR_SUCCESS;
}

static void haptic_log(simxr_session *s, struct XrAction_T *a, XrPath subaction, const char *what,
                       const XrHapticVibration *vib)
{
	for (int h = 0; h < SIMXR_HANDS; h++) {
		if (subaction != XR_NULL_PATH && hand_of(s->inst, subaction) != h)
			continue;
		/* the output reaches a device only while the action is bound and the session focused */
		if (!a->hand[h].active || !binding_for(s, a, h))
			continue;
		if (!s->inst->haptic_log)
			continue;
		if (vib)
			fprintf(s->inst->haptic_log,
			        "%s frame=%lld t=%.6f action=%s hand=%s amplitude=%.3f duration_ns=%lld frequency=%.1f\n", what,
			        (long long)s->frames_ended, simxr_script_time(s, s->last_sync_time), a->name,
			        h ? "right" : "left", (double)vib->amplitude, (long long)vib->duration, (double)vib->frequency);
		else
			fprintf(s->inst->haptic_log, "%s frame=%lld t=%.6f action=%s hand=%s\n", what,
			        (long long)s->frames_ended, simxr_script_time(s, s->last_sync_time), a->name,
			        h ? "right" : "left");
		fflush(s->inst->haptic_log);
	}
}

XrResult simxr_xrApplyHapticFeedback(XrSession session, const XrHapticActionInfo *info, const XrHapticBaseHeader *haptic)
{
	simxr_session *s;
	struct XrAction_T *a;
	XrResult r = haptic_common(session, info, &s, &a);
	if (r != XR_SUCCESS)
		return r;
	if (!haptic || haptic->type != XR_TYPE_HAPTIC_VIBRATION)
		return XR_ERROR_VALIDATION_FAILURE;
	haptic_log(s, a, info->subactionPath, "haptic", (const XrHapticVibration *)(const void *)haptic);
	return s->state == XR_SESSION_STATE_FOCUSED ? XR_SUCCESS : XR_SESSION_NOT_FOCUSED;
}

XrResult simxr_xrStopHapticFeedback(XrSession session, const XrHapticActionInfo *info)
{
	simxr_session *s;
	struct XrAction_T *a;
	XrResult r = haptic_common(session, info, &s, &a);
	if (r != XR_SUCCESS)
		return r;
	haptic_log(s, a, info->subactionPath, "stop", NULL);
	return s->state == XR_SESSION_STATE_FOCUSED ? XR_SUCCESS : XR_SESSION_NOT_FOCUSED;
}
