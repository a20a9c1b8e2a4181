/* simxr: the session's life cycle (create, begin, end, exit), the script's clock and channels,
 * reference and action spaces, and the views (field of view and eye offsets). */
#define SCRUB_LOG_MODULE "simxr"
#include "simxr_internal.h"
#include "log.h"
#include "simxr_pose.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- session ---- */
XrResult simxr_xrCreateSession(XrInstance instance, const XrSessionCreateInfo *info, XrSession *out)
{
	simxr_instance *inst = simxr_get_instance(instance);
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

XrResult simxr_xrDestroySession(XrSession session)
{
	simxr_session *s = simxr_get_session(session);
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

XrResult simxr_xrBeginSession(XrSession session, const XrSessionBeginInfo *info)
{
	simxr_session *s = simxr_get_session(session);
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

XrResult simxr_session_running(const simxr_session *s)
{
	if (s->lost)
		return XR_ERROR_SESSION_LOST;
	if (!s->running)
		return XR_ERROR_SESSION_NOT_RUNNING;
	return XR_SUCCESS;
}

void simxr_go_down_to_stopping(simxr_session *s)
{
	if (s->state == XR_SESSION_STATE_FOCUSED)
		simxr_set_state(s, XR_SESSION_STATE_VISIBLE);
	if (s->state == XR_SESSION_STATE_VISIBLE)
		simxr_set_state(s, XR_SESSION_STATE_SYNCHRONIZED);
	simxr_set_state(s, XR_SESSION_STATE_STOPPING);
}

XrResult simxr_xrEndSession(XrSession session)
{
	simxr_session *s = simxr_get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	const XrResult running = simxr_session_running(s);
	if (running != XR_SUCCESS)
		return running;
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

XrResult simxr_xrRequestExitSession(XrSession session)
{
	simxr_session *s = simxr_get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	const XrResult running = simxr_session_running(s);
	if (running != XR_SUCCESS)
		return running;
	if (!s->exit_pending) {
		s->exit_pending = true;
		simxr_go_down_to_stopping(s);
	}
	return XR_SUCCESS;
}


/* ---- spaces ---- */
/* A new space of the session, a copy of v. */
static XrResult add_space(simxr_session *s, struct XrSpace_T v, XrSpace *out)
{
	struct XrSpace_T *sp = calloc(1, sizeof *sp);
	if (!sp)
		return XR_ERROR_OUT_OF_MEMORY;
	*sp = v;
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

struct XrSpace_T *simxr_get_space(XrSpace h)
{
	simxr_session *s = simxr_current_session();
	if (!s || !h)
		return NULL;
	for (int i = 0; i < s->nspaces; i++)
		if (s->spaces[i] == h)
			return h;
	return NULL;
}

XrResult simxr_xrEnumerateReferenceSpaces(XrSession session, uint32_t cap, uint32_t *count, XrReferenceSpaceType *out)
{
	if (!simxr_get_session(session))
		return XR_ERROR_HANDLE_INVALID;
	XrResult r = simxr_two_call(cap, count, 3);
	if (r == XR_SUCCESS && cap) {
		out[0] = XR_REFERENCE_SPACE_TYPE_VIEW;
		out[1] = XR_REFERENCE_SPACE_TYPE_LOCAL;
		out[2] = XR_REFERENCE_SPACE_TYPE_STAGE;
	}
	return r;
}

XrResult simxr_xrCreateReferenceSpace(XrSession session, const XrReferenceSpaceCreateInfo *info, XrSpace *out)
{
	simxr_session *s = simxr_get_session(session);
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
	return add_space(s, (struct XrSpace_T){.magic = SIMXR_MAGIC_SPACE, .sess = s, .kind = SIMXR_SPACE_REF,
	                                       .ref = info->referenceSpaceType, .offset = info->poseInReferenceSpace},
	                 out);
}

XrResult simxr_xrCreateActionSpace(XrSession session, const XrActionSpaceCreateInfo *info, XrSpace *out)
{
	simxr_session *s = simxr_get_session(session);
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
	return add_space(s, (struct XrSpace_T){.magic = SIMXR_MAGIC_SPACE, .sess = s, .kind = SIMXR_SPACE_ACTION,
	                                       .action = a, .subaction = info->subactionPath,
	                                       .offset = info->poseInActionSpace},
	                 out);
}

XrResult simxr_xrDestroySpace(XrSpace space)
{
	struct XrSpace_T *sp = simxr_get_space(space);
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

XrResult simxr_xrGetReferenceSpaceBoundsRect(XrSession session, XrReferenceSpaceType type, XrExtent2Df *bounds)
{
	if (!simxr_get_session(session))
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
bool simxr_space_pose(struct XrSpace_T *sp, double t, XrPosef *out)
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

XrResult simxr_xrLocateSpace(XrSpace space, XrSpace baseSpace, XrTime time, XrSpaceLocation *loc)
{
	struct XrSpace_T *sp = simxr_get_space(space), *bs = simxr_get_space(baseSpace);
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
	if (!simxr_space_pose(sp, t, &a) || !simxr_space_pose(bs, t, &b)) {
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

XrResult simxr_xrLocateViews(XrSession session, const XrViewLocateInfo *info, XrViewState *state, uint32_t cap,
                             uint32_t *count, XrView *views)
{
	simxr_session *s = simxr_get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_VIEW_LOCATE_INFO || !state || state->type != XR_TYPE_VIEW_STATE)
		return XR_ERROR_VALIDATION_FAILURE;
	if (info->viewConfigurationType != s->inst->view_config)
		return XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED;
	const uint32_t nv = s->inst->nviews;
	struct XrSpace_T *base = simxr_get_space(info->space);
	if (!base)
		return XR_ERROR_HANDLE_INVALID;
	if (info->displayTime <= 0)
		return XR_ERROR_TIME_INVALID;
	XrResult r = simxr_two_call(cap, count, nv);
	if (r != XR_SUCCESS || cap == 0)
		return r;
	double t = simxr_script_time(s, info->displayTime);
	XrPosef b;
	if (!simxr_space_pose(base, t, &b)) {
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

