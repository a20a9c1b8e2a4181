/* The scrub command line: one file per subcommand, each `int scrub_cmd_X(int argc, char **argv)`
 * returning the process exit status (argv[0] is the subcommand's name). */
#ifndef SCRUB_CLI_H
#define SCRUB_CLI_H

#include "clock.h"
#include "diag.h"
#include "result.h"
#include "scenario.h"

#include <stdbool.h>
#include <stdio.h>

enum {
	EXIT_DONE = 0,
	EXIT_INVALID = 1,    /* a scenario or action file with errors */
	EXIT_USAGE = 2,      /* bad command line */
	EXIT_RUNTIME = 3,    /* missing device, runtime or file */
};

int scrub_cmd_run(int argc, char **argv);
int scrub_cmd_validate(int argc, char **argv);
int scrub_cmd_list(int argc, char **argv);
int scrub_cmd_report(int argc, char **argv);
int scrub_cmd_bench(int argc, char **argv);
int scrub_cmd_upload(int argc, char **argv);
int scrub_cmd_xapi(int argc, char **argv);
int scrub_cmd_serve(int argc, char **argv);          /* app/serve/serve_main.c */
int scrub_cmd_bench_serve(int argc, char **argv);    /* app/serve/serve_bench.c */
int scrub_cmd_bench_scenario(int argc, char **argv);
int scrub_cmd_bench_tissue(int argc, char **argv);
int scrub_cmd_bench_validate(int argc, char **argv);
int scrub_cmd_bench_report_html(int argc, char **argv);
int scrub_cmd_import(int argc, char **argv);
int scrub_cmd_bench_import(int argc, char **argv);

/* Options: a tiny getopt for "--name value" and "--flag" forms. */
typedef struct cli_opt {
	const char *name;     /* without the leading "--" */
	bool takes_value;
	const char **value;   /* takes_value: where the value goes */
	bool *flag;           /* !takes_value */
} cli_opt;

/* Parses argv[1..]; positional arguments go to `pos` (from min_pos to max_pos of them). Returns CLI_GO_ON,
 * or the exit status to return at once: EXIT_DONE after printing the usage to stdout for `--help`;
 * EXIT_USAGE after printing a usage error for a bad option or too many arguments, or `missing` (when not
 * NULL) and the usage for too few. */
enum { CLI_GO_ON = -1 };
int cli_args(int argc, char **argv, const cli_opt *opts, const char **pos, int min_pos, int max_pos, int *npos,
             const char *usage, const char *missing);

/* A usage error: prints "MESSAGE\n\n" (when there is one) and the usage to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *message, const char *usage);

/* A command with subcommands: runs the one named argv[1] with argv[1..]; for an unknown one prints
 * "UNKNOWN 'NAME'\n\n" and the usage to stderr and returns EXIT_USAGE. */
typedef struct cli_cmd {
	const char *name;
	int (*fn)(int, char **);
} cli_cmd;
int cli_dispatch(const cli_cmd *cmds, size_t ncmds, int argc, char **argv, const char *unknown, const char *usage);

/* Loads a scenario and prints its diagnostics (warnings too, unless quiet). Returns the exit
 * status to use on failure, or EXIT_DONE with *out set. */
int cli_load_scenario(const char *path, bool quiet, scenario **out);

/* The trainee's actions: an action script (--actions), a named model run, or the scenario's
 * first passing model run. `label` says which ("actions FILE", "model run NAME"). Prints
 * problems; returns the exit status: EXIT_DONE when *out holds the actions (cli_trainee_fini after),
 * else it holds nothing. */
typedef struct cli_trainee {
	scrub_arena arena;       /* the actions and the label live here */
	const sim_action *acts;
	int n;
	const char *label;
} cli_trainee;
int cli_trainee_actions(const scenario *scn, const char *actions_path, const char *model_run, cli_trainee *out);
void cli_trainee_fini(cli_trainee *t);

/* The one way the command line reads numbers: the whole string is a number within [lo, hi] (cli_whole: a
 * whole number). False otherwise (the caller says which option wanted what). */
bool cli_whole(const char *s, long lo, long hi, long *out);
bool cli_real(const char *s, double lo, double hi, double *out);

/* --quiet: the log says errors only (its warnings and notes are not printed), unless SCRUB_LOG
 * asks for more. */
void cli_quiet_log(void);

/* Exit status for a scrub_result. */
int cli_exit_for(scrub_result r);

/* The folder of bundled scenarios (SCRUB_SCENARIO_DIR, beside the build, or installed). */
const char *cli_scenario_dir(void);

/* Ctrl-C (SIGINT) and SIGTERM end a running session through its host (host_request_end): the record is
 * closed, the report written and marked incomplete, a headset session ended properly, and the process
 * exits with 128 + the signal's number (130, 143) as a shell expects. Install for the host that runs,
 * then clear. A second signal while ending kills the process the default way. */
struct host;
void cli_signals_install(struct host *h);
void cli_signals_clear(void);
/* The signal that asked the session to end, or 0. */
int cli_signal_received(void);
/* The exit status after a session: 128 + the signal when one ended it, else rc. */
int cli_exit_after_session(int rc);

/* Ends a session run by a host with a session_out sink: finishes it (complete or cut short), prints the
 * summary (one line with quiet) and where the files are, or what went wrong. Returns the exit status. */
struct session_out;
int cli_session_end(struct host *h, struct session_out *o, bool complete, bool quiet);

/* The p-quantile (0..1, nearest rank) of v[0..n); sorts v. 0 when n is 0. */
double cli_percentile(double *v, size_t n, double p);

/* The folder the running executable is in (no trailing '/'), or NULL. */
const char *cli_exe_dir(char *buf, size_t size);

#endif
