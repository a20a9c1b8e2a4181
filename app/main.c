/* scrub: the command-line entry point. Owns main(); everything else returns errors. */
#include "cli.h"
#include "log.h"
#include "script.h"

#include <errno.h>
#include <math.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"usage: scrub <command> [options]\n"
	"\n"
	"Scrub runs medical training scenarios and scores the trainee against the scenario's checklist.\n"
	"\n"
	"commands:\n"
	"  run       run a scenario (a window when a display exists, else headless with the scripted trainee)\n"
	"  validate  check scenario files and execute their model runs\n"
	"  list      list bundled scenarios, the actions a scenario can use, or the units\n"
	"  report    rebuild the score report from a session record (session.jsonl)\n"
	"  import    put session records into the records store (SQLite or PostgreSQL)\n"
	"  serve     the instructor's web pages (sessions, debriefs, cohorts) and the upload API\n"
	"  bench     measure performance (scenario, ...)\n"
	"  upload    send the session records waiting in the outbox to a school's server\n"
	"  xapi      a session's xAPI statements, printed or sent to a Learning Record Store\n"
	"\n"
	"Run 'scrub <command> --help' for a command's options.\n"
	"Exit status: 0 done; 1 invalid input; 2 usage error; 3 runtime failure (missing device, runtime or file).\n"
	"Logging: SCRUB_LOG=debug (or e.g. SCRUB_LOG=warn,scenario=debug).\n";

int main(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(NULL, usage);
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return EXIT_DONE;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("scrub %s\n", SCRUB_VERSION);
		return EXIT_DONE;
	}
	static const cli_cmd cmds[] = {
		{"run", scrub_cmd_run},
		{"validate", scrub_cmd_validate},
		{"list", scrub_cmd_list},
		{"report", scrub_cmd_report},
		{"bench", scrub_cmd_bench},
		{"upload", scrub_cmd_upload},
		{"xapi", scrub_cmd_xapi},
		{"import", scrub_cmd_import},
		{"serve", scrub_cmd_serve},
	};
	return cli_dispatch(cmds, sizeof cmds / sizeof cmds[0], argc, argv, "scrub: unknown command", usage);
}

int cli_dispatch(const cli_cmd *cmds, size_t ncmds, int argc, char **argv, const char *unknown, const char *use)
{
	for (size_t i = 0; i < ncmds; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s '%s'\n\n%s", unknown, argv[1], use);
	return EXIT_USAGE;
}

int cli_usage_error(const char *message, const char *use)
{
	if (message)
		fprintf(stderr, "%s\n\n", message);
	fputs(use, stderr);
	return EXIT_USAGE;
}

/* argv[1..] into options and positional arguments; false after printing a usage error. */
static bool cli_parse(int argc, char **argv, const cli_opt *opts, const char **pos, int max_pos, int *npos,
                      bool *help, const char *use)
{
	*npos = 0;
	*help = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			*help = true;
			continue;
		}
		if (strncmp(a, "--", 2) == 0 && a[2]) {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t nl = eq ? (size_t)(eq - name) : strlen(name);
			const cli_opt *o = NULL;
			for (const cli_opt *p = opts; p && p->name; p++)
				if (strlen(p->name) == nl && strncmp(p->name, name, nl) == 0)
					o = p;
			if (!o) {
				fprintf(stderr, "scrub %s: unknown option '%s'\n\n%s", argv[0], a, use);
				return false;
			}
			if (o->takes_value) {
				if (eq) {
					*o->value = eq + 1;
				} else if (i + 1 < argc) {
					*o->value = argv[++i];
				} else {
					fprintf(stderr, "scrub %s: option '--%s' needs a value\n\n%s", argv[0], o->name, use);
					return false;
				}
			} else {
				if (eq) {
					fprintf(stderr, "scrub %s: option '--%s' takes no value\n", argv[0], o->name);
					return false;
				}
				*o->flag = true;
			}
			continue;
		}
		if (*npos >= max_pos) {
			fprintf(stderr, "scrub %s: unexpected argument '%s'\n\n%s", argv[0], a, use);
			return false;
		}
		pos[(*npos)++] = a;
	}
	return true;
}

int cli_args(int argc, char **argv, const cli_opt *opts, const char **pos, int min_pos, int max_pos, int *npos,
             const char *use, const char *missing)
{
	bool help;
	if (!cli_parse(argc, argv, opts, pos, max_pos, npos, &help, use))
		return EXIT_USAGE;
	if (help) {
		fputs(use, stdout);
		return EXIT_DONE;
	}
	if (*npos < min_pos)
		return cli_usage_error(missing, use);
	return CLI_GO_ON;
}

bool cli_whole(const char *s, long lo, long hi, long *out)
{
	if (!s || !*s)
		return false;
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

bool cli_real(const char *s, double lo, double hi, double *out)
{
	if (!s || !*s)
		return false;
	char *end = NULL;
	double v = strtod(s, &end);
	if (end == s || *end || !isfinite(v) || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

int cli_exit_for(scrub_result r)
{
	switch (r) {
	case SCRUB_OK:
	case SCRUB_DONE: return EXIT_DONE;
	case SCRUB_ERR_INVALID:
	case SCRUB_ERR_LIMIT: return EXIT_INVALID;
	case SCRUB_ERR_USAGE: return EXIT_USAGE;
	default: return EXIT_RUNTIME;
	}
}

void cli_quiet_log(void)
{
	const char *spec = getenv("SCRUB_LOG");
	if (!spec || !*spec)
		scrub_log_configure("error");
}

int cli_load_scenario(const char *path, bool quiet, scenario **out)
{
	scrub_diags d;
	scrub_diags_init(&d, path, NULL, 0);
	scrub_result r = scenario_load_file(path, NULL, &d, out);
	if (r != SCRUB_OK || (!quiet && d.n)) {
		/* warnings alone are printed but do not stop */
		if (r != SCRUB_OK || !quiet)
			scrub_diags_print(&d, stderr);
	}
	if (r != SCRUB_OK && d.errors)
		fprintf(stderr, "%s: %d error%s, %d warning%s; the scenario was not loaded\n", path, d.errors,
		        d.errors == 1 ? "" : "s", d.warnings, d.warnings == 1 ? "" : "s");
	scrub_diags_fini(&d);
	return cli_exit_for(r);
}

const char *cli_exe_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return buf;
}

const char *cli_scenario_dir(void)
{
	static char dir[PATH_MAX + 64];
	const char *env = getenv("SCRUB_SCENARIO_DIR");
	if (env && *env)
		return env;
	char exe[PATH_MAX];
	if (cli_exe_dir(exe, sizeof exe)) {
		snprintf(dir, sizeof dir, "%s/../scenarios", exe);
		if (access(dir, R_OK) == 0)
			return dir;
		snprintf(dir, sizeof dir, "%s/../share/scrub/scenarios", exe);
		if (access(dir, R_OK) == 0)
			return dir;
	}
	return "scenarios";
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double cli_percentile(double *v, size_t n, double p)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	size_t k = (size_t)(p * (double)(n - 1) + 0.5);
	return v[k < n ? k : n - 1];
}

static int trainee_actions(const scenario *scn, const char *actions_path, const char *model_run, scrub_arena *arena,
                           const sim_action **out, int *out_n, const char **out_label)
{
	*out = NULL;
	*out_n = 0;
	if (actions_path) {
		char *text = NULL;
		size_t len = 0;
		scrub_result r = scrub_read_file(actions_path, 16u << 20, &text, &len);
		if (r != SCRUB_OK) {
			fprintf(stderr, "scrub: cannot read %s: %s\n", actions_path, r == SCRUB_ERR_LIMIT ? "larger than 16 MiB" : strerror(errno));
			return r == SCRUB_ERR_LIMIT ? EXIT_INVALID : EXIT_RUNTIME;
		}
		scrub_diags d;
		scrub_diags_init(&d, actions_path, text, len);
		script_loc loc = {.file = NULL, .line = 1, .col = 1, .scope = &scn->actions};
		sim_action *parsed = NULL;
		r = script_parse(text, len, &loc, arena, &d, &parsed, out_n);
		if (r == SCRUB_OK)
			scenario_check_actions(scn, parsed, *out_n, NULL, &d, NULL);
		int rc = EXIT_DONE;
		if (d.errors) {
			scrub_diags_print(&d, stderr);
			fprintf(stderr, "%s: %d error%s; nothing was run\n", actions_path, d.errors, d.errors == 1 ? "" : "s");
			rc = EXIT_INVALID;
		}
		scrub_diags_fini(&d);
		free(text);
		*out = parsed;
		*out_label = scrub_arena_printf(arena, "actions %s", actions_path);
		return rc;
	}
	for (int i = 0; i < scn->nruns; i++) {
		if (model_run ? strcmp(scn->runs[i].name, model_run) == 0 : scn->runs[i].expect_pass) {
			*out = scn->runs[i].actions;
			*out_n = scn->runs[i].nactions;
			*out_label = scrub_arena_printf(arena, "model run %s", scn->runs[i].name);
			return EXIT_DONE;
		}
	}
	if (model_run)
		fprintf(stderr, "scrub: %s has no model run named '%s'\n", scn->path, model_run);
	else
		fprintf(stderr, "scrub: %s has no passing model run to play as the scripted trainee; give --actions FILE\n", scn->path);
	return EXIT_USAGE;
}

int cli_trainee_actions(const scenario *scn, const char *actions_path, const char *model_run, cli_trainee *out)
{
	*out = (cli_trainee){0};
	scrub_arena_init(&out->arena);
	int rc = trainee_actions(scn, actions_path, model_run, &out->arena, &out->acts, &out->n, &out->label);
	if (rc != EXIT_DONE)
		scrub_arena_fini(&out->arena);
	return rc;
}

void cli_trainee_fini(cli_trainee *t)
{
	scrub_arena_fini(&t->arena);
}
