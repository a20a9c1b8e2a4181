/* The one clock of Scrub: monotonic wall time and CPU time, in seconds. Wall time only paces and
 * measures (frames, benchmarks, flushing the record); it never decides what happens in a session,
 * which runs on its own fixed-step simulated time. Thread-safe. */
#ifndef SCRUB_CLOCK_H
#define SCRUB_CLOCK_H

/* Monotonic seconds since an arbitrary start. */
double scrub_now(void);
/* CPU seconds used by the whole process (all threads: lavapipe's rasteriser included). */
double scrub_cpu_process(void);
/* CPU seconds used by the calling thread. */
double scrub_cpu_thread(void);
/* Sleeps until scrub_now() >= t (returns at once when t is past; an interrupting signal ends it early). */
void scrub_sleep_until(double t);

#endif
