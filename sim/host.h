/* The session host: the one place a session is driven from.
 *
 * Every front-end (headless `scrub run` and `scrub report`, the desktop window, the headset, and the
 * server to come) is a thin client of a host: it gives the host its input and its clock, and the host
 * steps the session, feeds the actions in at the right step, pauses, jumps, ends, and hands every
 * event of the session to its sinks (the session record, the report's timeline, the HUD, ...).
 * `sim_session_step` is called from here alone.
 *
 * Clock policies (host_desc.clock):
 *   HOST_CLOCK_FAST      host_run() plays the queued script as fast as possible (replays, tests);
 *   HOST_CLOCK_PACED     host_run() plays it at `speed` times real time (a demonstration);
 *   HOST_CLOCK_EXTERNAL  the front-end calls host_advance() with the real time of each of its frames
 *                        (the window, the headset), and the host steps up to it unless paused.
 * Whatever the clock, the session only sees fixed steps and timed actions, so the same scenario and
 * the same input record give the same report.
 *
 * Sinks are small interfaces in the style of Monado's xrt_* structs: a struct of function pointers
 * that the owner embeds in its own struct (container_of style). The host does not own them.
 *
 * Threading: a host and its session belong to one thread. host_request_end() alone may be called from
 * anywhere, a signal handler included (it sets a flag the host reads at its next step). */
#ifndef SCRUB_HOST_H
#define SCRUB_HOST_H

#include "session.h"

#include <stdbool.h>

typedef enum host_clock {
	HOST_CLOCK_FAST,
	HOST_CLOCK_PACED,
	HOST_CLOCK_EXTERNAL,
} host_clock;

/* Who gave an action (kept with the action in the host's count; the record keeps the action). */
typedef enum host_source {
	HOST_SRC_SCRIPT,      /* an action script or a model run */
	HOST_SRC_TRAINEE,     /* live: keys, mouse, controllers, hands */
	HOST_SRC_INSTRUCTOR,  /* pause, jump, end, ... */
	HOST_SRC_COUNT_,
} host_source;

typedef struct host_sink host_sink;
struct host_sink {
	/* every event of the session, in order (actions, state changes, decided items, the end) */
	void (*event)(host_sink *sink, const sim_event *ev);
	/* after every step */
	void (*step)(host_sink *sink, const sim_session *s);
	/* once per host_advance (a frame of the front-end), paused or not: time-based work such as flushing */
	void (*tick)(host_sink *sink);
	/* before the session is finished: `complete` false when it is cut short (the end event that follows
	 * then says "incomplete") */
	void (*ending)(host_sink *sink, bool complete);
	/* after the session was finished and scored; returns SCRUB_OK or why the sink could not complete its
	 * output (the host reports the first failure from host_finish) */
	scrub_result (*finish)(host_sink *sink, const sim_session *s, bool complete);
	/* set by the sink when its finish fails: what went wrong, in words (host_error) */
	const char *error;
};

#define HOST_MAX_SINKS 8

typedef struct host_desc {
	const scenario *scn;
	host_clock clock;
	double speed;           /* PACED: times real time (> 0) */
	double stop_at;         /* FAST/PACED: stop there (simulated seconds; <= 0: no limit), cut short */
	bool past_end;          /* FAST: step on to the full duration after an end state (benchmarks) */
	/* EXTERNAL: step when the clock has passed the middle of a step (the window), rather than its end
	 * (the headset) */
	bool step_at_half;
	double max_frame;       /* EXTERNAL: the most one frame may advance the clock (a hitch); <= 0: no limit */
	/* the sinks, in the order they see each event (the session's first event, its start state, comes
	 * from host_create); at most HOST_MAX_SINKS, NULL entries skipped */
	host_sink *const *sinks;
	int nsinks;
} host_desc;

typedef struct host host;

/* SCRUB_ERR_LIMIT with more than HOST_MAX_SINKS sinks. */
scrub_result host_create(const host_desc *desc, host **out);
void host_destroy(host **h);

/* Input. host_act applies `a` now (its time is replaced by the session's); it is refused (false) while
 * paused, after the end, or once an end was requested. host_queue takes timed actions (sorted by time,
 * kept by the caller until the host is destroyed) that host_run and host_advance apply when due. */
bool host_act(host *h, const sim_action *a, host_source src);
void host_queue(host *h, const sim_action *acts, int n);

/* Instructor controls. */
void host_pause(host *h, bool paused);
bool host_paused(const host *h);
/* Jumps to a state marked jump_target (an instructor_jump action in the record); false when refused. */
bool host_jump(host *h, const char *state);
/* Ends the session at its next step, cut short. Async-signal-safe. */
void host_request_end(host *h);
bool host_end_requested(const host *h);

/* FAST and PACED: plays the queue to the end of the scenario, its duration, stop_at or an end request.
 * Returns true when the session is complete (false: cut short by stop_at or an end request); the caller
 * then calls host_finish with it. */
bool host_run(host *h);
/* EXTERNAL: the front-end's frame took `wall_dt` seconds; unless paused, the clock moves on and the
 * session steps up to it. Returns true while the session runs (false once it ended). */
bool host_advance(host *h, double wall_dt);
/* EXTERNAL: the same with the front-end's own clock: it moves to `t` (never back), unless paused. */
bool host_advance_to(host *h, double t);
/* Steps once, whatever the clock (a record needs a step before it can be cut short). */
void host_step(host *h);

/* Finishes the session (complete: it reached an end; else cut short, scored up to now) and lets every
 * sink complete its output. Once only; later calls return the first result. */
scrub_result host_finish(host *h, bool complete);

/* The words of the first sink whose finish failed (NULL when none did). */
const char *host_error(const host *h);

bool host_ended(const host *h);       /* the scenario reached an end (or was finished) */
bool host_finished(const host *h);
double host_clock_time(const host *h); /* EXTERNAL: simulated time the frames have asked for */
const sim_session *host_session(const host *h);
const scenario *host_scenario(const host *h);
/* Takes the session out of the host, which is destroyed (the caller then owns the session). */
sim_session *host_detach(host **h);
/* Actions applied so far from each source. */
int host_count(const host *h, host_source src);

#endif
