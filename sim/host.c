/* The session host (host.h): steps the session, feeds it input, fans its events out to the sinks. */
#include "host.h"
#include "clock.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct host {
	host_desc desc;
	sim_session *s;
	host_sink *sinks[HOST_MAX_SINKS];
	int nsinks;
	const sim_action *queue;
	int nqueue, iqueue;
	bool paused, finished;
	scrub_result finish_result;
	const char *error;
	volatile sig_atomic_t end_requested;
	double clock;               /* EXTERNAL: simulated time asked for */
	int counts[HOST_SRC_COUNT_];
};

static void host_on_event(void *user, const sim_event *ev)
{
	host *h = user;
	for (int i = 0; i < h->nsinks; i++)
		if (h->sinks[i]->event)
			h->sinks[i]->event(h->sinks[i], ev);
}

scrub_result host_create(const host_desc *desc, host **out)
{
	*out = NULL;
	host *h = calloc(1, sizeof *h);
	if (!h)
		return SCRUB_ERR_NOMEM;
	h->desc = *desc;
	if (desc->nsinks > HOST_MAX_SINKS) {
		free(h);
		return SCRUB_ERR_LIMIT;
	}
	for (int i = 0; i < desc->nsinks; i++)
		if (desc->sinks[i])
			h->sinks[h->nsinks++] = desc->sinks[i];
	h->desc.sinks = NULL;
	h->desc.nsinks = 0;
	if (!(h->desc.speed > 0))
		h->desc.speed = 1;
	sim_session_opts so = {.on_event = host_on_event, .user = h};
	scrub_result r = sim_session_create(desc->scn, &so, &h->s);
	if (r != SCRUB_OK) {
		free(h);
		return r;
	}
	*out = h;
	return SCRUB_OK;
}

void host_destroy(host **hp)
{
	host *h = *hp;
	if (!h)
		return;
	sim_session_destroy(&h->s);
	free(h);
	*hp = NULL;
}

void host_queue(host *h, const sim_action *acts, int n)
{
	h->queue = acts;
	h->nqueue = n;
	h->iqueue = 0;
}

static bool accepting(const host *h)
{
	return !h->paused && !h->finished && !h->end_requested && !sim_session_ended(h->s);
}

bool host_act(host *h, const sim_action *a, host_source src)
{
	if (!accepting(h))
		return false;
	sim_action c = *a;
	c.t = sim_session_time(h->s);
	sim_session_act(h->s, &c);
	h->counts[src]++;
	return true;
}

void host_pause(host *h, bool paused) { h->paused = paused; }
bool host_paused(const host *h) { return h->paused; }
void host_request_end(host *h) { h->end_requested = 1; }
bool host_end_requested(const host *h) { return h->end_requested != 0; }

bool host_jump(host *h, const char *state)
{
	act_id jump = actions_find(ACT_JUMP_NAME, sizeof ACT_JUMP_NAME - 1);
	int to = scenario_find_state(h->desc.scn, state);
	if (jump == ACT_NONE || to < 0 || !h->desc.scn->states[to].jump_target)
		return false;
	sim_action a = {.type = jump};
	a.params[0] = (act_value){.set = true, .text = h->desc.scn->states[to].name};
	return host_act(h, &a, HOST_SRC_INSTRUCTOR);
}

/* The queued actions due before the end of the next step take effect at its start. */
static void apply_due(host *h, double stop)
{
	double t_next = (double)(sim_session_steps(h->s) + 1) * h->desc.scn->dt;
	while (h->iqueue < h->nqueue && h->queue[h->iqueue].t < t_next - 1e-9 && h->queue[h->iqueue].t <= stop) {
		sim_session_act(h->s, &h->queue[h->iqueue++]);
		h->counts[HOST_SRC_SCRIPT]++;
	}
}

void host_step(host *h)
{
	sim_session_step(h->s);
	for (int i = 0; i < h->nsinks; i++)
		if (h->sinks[i]->step)
			h->sinks[i]->step(h->sinks[i], h->s);
}

bool host_run(host *h)
{
	const scenario *scn = h->desc.scn;
	double stop = h->desc.stop_at > 0 ? h->desc.stop_at : INFINITY;
	bool paced = h->desc.clock == HOST_CLOCK_PACED;
	double wall0 = scrub_now();
	bool cut = false;
	for (;;) {
		apply_due(h, stop);
		if (sim_session_time(h->s) >= stop - 1e-9) {
			cut = isfinite(stop) && !sim_session_ended(h->s);
			break;
		}
		if (sim_session_ended(h->s) && !(h->desc.past_end && sim_session_time(h->s) < scn->duration_s - 1e-9))
			break;
		if (h->end_requested) {
			cut = true;
			break;
		}
		host_step(h);
		if (paced)
			scrub_sleep_until(wall0 + sim_session_time(h->s) / h->desc.speed);
	}
	return !cut;
}

static void step_to_clock(host *h)
{
	const double dt = h->desc.scn->dt;
	for (;;) {
		if (sim_session_ended(h->s) || h->end_requested)
			return;
		double t = sim_session_time(h->s);
		bool due = h->desc.step_at_half ? t + 0.5 * dt <= h->clock
		                                : (double)(sim_session_steps(h->s) + 1) * dt <= h->clock + 1e-9;
		if (!due)
			return;
		apply_due(h, INFINITY);
		host_step(h);
	}
}

bool host_advance(host *h, double wall_dt)
{
	if (h->finished)
		return false;
	if (!h->paused) {
		double d = wall_dt > 0 ? wall_dt : 0;
		if (h->desc.max_frame > 0 && d > h->desc.max_frame)
			d = h->desc.max_frame;
		h->clock += d;
	}
	step_to_clock(h);
	for (int i = 0; i < h->nsinks; i++)
		if (h->sinks[i]->tick)
			h->sinks[i]->tick(h->sinks[i]);
	return !sim_session_ended(h->s);
}

bool host_advance_to(host *h, double t)
{
	return host_advance(h, t - h->clock);
}

scrub_result host_finish(host *h, bool complete)
{
	if (h->finished)
		return h->finish_result;
	if (!complete && sim_session_steps(h->s) == 0)
		host_step(h); /* a record cut short is replayed to its last event, and at least one step */
	h->finished = true;
	for (int i = 0; i < h->nsinks; i++)
		if (h->sinks[i]->ending)
			h->sinks[i]->ending(h->sinks[i], complete);
	sim_session_finish(h->s, complete ? NULL : "incomplete");
	h->finish_result = SCRUB_OK;
	for (int i = 0; i < h->nsinks; i++) {
		if (!h->sinks[i]->finish)
			continue;
		scrub_result r = h->sinks[i]->finish(h->sinks[i], h->s, complete);
		if (r != SCRUB_OK && h->finish_result == SCRUB_OK) {
			h->finish_result = r;
			h->error = h->sinks[i]->error;
		}
	}
	return h->finish_result;
}

const char *host_error(const host *h) { return h->error; }
bool host_ended(const host *h) { return h->finished || sim_session_ended(h->s); }
bool host_finished(const host *h) { return h->finished; }
double host_clock_time(const host *h) { return h->clock; }
const sim_session *host_session(const host *h) { return h->s; }
const scenario *host_scenario(const host *h) { return h->desc.scn; }
int host_count(const host *h, host_source src) { return src >= 0 && src < HOST_SRC_COUNT_ ? h->counts[src] : 0; }

sim_session *host_detach(host **hp)
{
	host *h = *hp;
	sim_session *s = h ? h->s : NULL;
	if (h)
		h->s = NULL;
	host_destroy(hp);
	return s;
}

/* sim_run (session.h): a host with the FAST clock and one sink made of the caller's callbacks. */
typedef struct run_sink {
	host_sink base;
	const sim_run_opts *o;
} run_sink;

static void run_sink_event(host_sink *sink, const sim_event *ev)
{
	const sim_run_opts *o = ((run_sink *)sink)->o;
	if (o->session.on_event)
		o->session.on_event(o->session.user, ev);
}

static void run_sink_step(host_sink *sink, const sim_session *s)
{
	const sim_run_opts *o = ((run_sink *)sink)->o;
	if (o->on_step)
		o->on_step(o->step_user, s);
}

scrub_result sim_run(const scenario *scn, const sim_action *actions, int n, const sim_run_opts *opts,
                     sim_session **out)
{
	*out = NULL;
	run_sink sink = {.base = {.event = run_sink_event, .step = run_sink_step}, .o = opts};
	host_sink *sinks[1] = {&sink.base};
	host_desc d = {.scn = scn, .clock = HOST_CLOCK_FAST, .sinks = sinks, .nsinks = opts ? 1 : 0};
	if (opts) {
		d.stop_at = opts->stop_at;
		d.past_end = opts->past_end;
	}
	host *h;
	scrub_result r = host_create(&d, &h);
	if (r != SCRUB_OK)
		return r;
	host_queue(h, actions, n);
	host_finish(h, host_run(h));
	*out = host_detach(&h);
	return SCRUB_OK;
}
