/* simxr: the frame loop (xrWaitFrame's timing, paced or not; begin and end), the validation of
 * the composition layers, captures, and the script's triggers (exit, loss). */
#define SCRUB_LOG_MODULE "simxr"
#include "simxr_internal.h"
#include "log.h"
#include "simxr_pose.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool g_lost_once;           /* a scripted loss happens once per process */

/* ---- frame loop ---- */
static void sleep_until(XrTime t)
{
	struct timespec ts = {.tv_sec = t / 1000000000, .tv_nsec = t % 1000000000};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
	}
}

XrResult simxr_xrWaitFrame(XrSession session, const XrFrameWaitInfo *info, XrFrameState *state)
{
	simxr_session *s = simxr_get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if ((info && info->type != XR_TYPE_FRAME_WAIT_INFO) || !state || state->type != XR_TYPE_FRAME_STATE)
		return XR_ERROR_VALIDATION_FAILURE;
	const XrResult running = simxr_session_running(s);
	if (running != XR_SUCCESS)
		return running;
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

XrResult simxr_xrBeginFrame(XrSession session, const XrFrameBeginInfo *info)
{
	simxr_session *s = simxr_get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (info && info->type != XR_TYPE_FRAME_BEGIN_INFO)
		return XR_ERROR_VALIDATION_FAILURE;
	const XrResult running = simxr_session_running(s);
	if (running != XR_SUCCESS)
		return running;
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
	if (!simxr_get_space(l->space)) {
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

XrResult simxr_xrEndFrame(XrSession session, const XrFrameEndInfo *info)
{
	simxr_session *s = simxr_get_session(session);
	if (!s)
		return XR_ERROR_HANDLE_INVALID;
	if (!info || info->type != XR_TYPE_FRAME_END_INFO)
		return XR_ERROR_VALIDATION_FAILURE;
	const XrResult running = simxr_session_running(s);
	if (running != XR_SUCCESS)
		return running;
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
		simxr_go_down_to_stopping(s);
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

