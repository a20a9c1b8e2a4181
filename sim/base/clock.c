#include "clock.h"

#include <math.h>
#include <time.h>

static double read_clock(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double scrub_now(void) { return read_clock(CLOCK_MONOTONIC); }
double scrub_cpu_process(void) { return read_clock(CLOCK_PROCESS_CPUTIME_ID); }
double scrub_cpu_thread(void) { return read_clock(CLOCK_THREAD_CPUTIME_ID); }

void scrub_sleep_until(double t)
{
	double d = t - scrub_now();
	if (!(d > 0))
		return;
	struct timespec ts = {.tv_sec = (time_t)d, .tv_nsec = (long)((d - floor(d)) * 1e9)};
	nanosleep(&ts, NULL); /* EINTR: a signal (Ctrl-C) wakes the caller, which checks why */
}
