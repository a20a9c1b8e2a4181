/* The command line's side of a running session: signals and the end of a session (cli.h). */
#include "cli.h"
#include "host.h"
#include "net_cli.h"
#include "session_out.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static host *volatile signal_host;
static volatile sig_atomic_t signal_got;

static void on_signal(int sig)
{
	if (signal_got) { /* a second signal while ending: give up the default way */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	signal_got = sig;
	host *h = signal_host;
	if (h)
		host_request_end(h);
}

void cli_signals_install(host *h)
{
	signal_host = h;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void cli_signals_clear(void)
{
	signal_host = NULL;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

int cli_signal_received(void) { return signal_got; }

int cli_exit_after_session(int rc) { return signal_got ? 128 + signal_got : rc; }

int cli_session_end(host *h, session_out *o, bool complete, bool quiet)
{
	scrub_result r = host_finish(h, complete);
	if (r != SCRUB_OK) {
		fprintf(stderr, "scrub run: %s\n", host_error(h) ? host_error(h) : scrub_result_str(r));
		return EXIT_RUNTIME;
	}
	if (signal_got && !quiet)
		fprintf(stderr, "scrub run: stopped by %s at %.2f s; the report covers the session up to then and is marked "
		        "incomplete\n", signal_got == SIGINT ? "Ctrl-C" : "SIGTERM", sim_session_time(host_session(h)));
	report_info info = {.trainee = o->trainee, .input = o->input, .complete = complete};
	report_print(host_session(h), &info, o->report_path, quiet, stdout);
	if (!quiet)
		printf("Session record: %s\n", o->record_path);
	fflush(stdout);
	net_cli_after_session(o->record_path, quiet);
	fflush(stdout);
	return EXIT_DONE;
}
