/* scrub validate: load scenario files, report every problem at once, execute the model runs. */
#include "cli.h"
#include "session.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: scrub validate FILE... [--quiet] [--no-runs]\n"
	"\n"
	"Checks each scenario file (YAML syntax, then meaning: names, units, reachability, windows,\n"
	"ordering) and executes its model runs, which must give the outcome they expect. Every problem\n"
	"is printed as file:line:col: error: message. Exit status 1 if any file has an error.\n"
	"\n"
	"options:\n"
	"  --quiet     print errors only\n"
	"  --no-runs   do not execute the model runs\n";

int scrub_cmd_validate(int argc, char **argv)
{
	bool quiet = false, no_runs = false, help = false;
	cli_opt opts[] = {{"quiet", false, NULL, &quiet}, {"no-runs", false, NULL, &no_runs}, {0}};
	const char *pos[256];
	int npos;
	if (!cli_parse(argc, argv, opts, pos, 256, &npos, &help, usage))
		return EXIT_USAGE;
	if (help) {
		fputs(usage, stdout);
		return EXIT_DONE;
	}
	if (npos == 0) {
		fprintf(stderr, "scrub validate: name at least one scenario file\n\n%s", usage);
		return EXIT_USAGE;
	}
	int worst = EXIT_DONE;
	for (int f = 0; f < npos; f++) {
		scrub_diags d;
		scrub_diags_init(&d, pos[f], NULL, 0);
		scenario *scn = NULL;
		scrub_result r = scenario_load_file(pos[f], NULL, &d, &scn);
		model_run_result mr[64];
		int nmr = 0;
		if (r == SCRUB_OK && !no_runs) {
			for (int i = 0; i < scn->nruns && i < 64; i++) {
				model_run_check(scn, i, &d, &mr[i]);
				nmr++;
			}
		}
		if (d.n && (!quiet || d.errors)) {
			if (quiet) {
				/* errors only */
				scrub_diags e = d;
				size_t k = 0;
				scrub_diag *v = d.v;
				for (size_t i = 0; i < d.n; i++)
					if (v[i].severity == SCRUB_SEV_ERROR)
						v[k++] = v[i];
				e.n = k;
				scrub_diags_print(&e, stderr);
				d.n = k;
			} else {
				scrub_diags_print(&d, stderr);
			}
		}
		int status = r == SCRUB_ERR_IO ? EXIT_RUNTIME : d.errors ? EXIT_INVALID : cli_exit_for(r);
		if (status == EXIT_DONE && !quiet) {
			printf("%s: ok: %s (%d states, %d checklist items, %d model run%s)\n", pos[f], scn->title, scn->nstates,
			       scn->checklist.n, scn->nruns, scn->nruns == 1 ? "" : "s");
			for (int i = 0; i < nmr; i++) {
				const scn_model_run *run = &scn->runs[i];
				printf("  model run '%s': %s, score %.1f, outcome %s", run->name, mr[i].passed ? "passed" : "not passed",
				       mr[i].score, mr[i].outcome ? mr[i].outcome : "-");
				if (run->expect_pass) {
					printf(" (expected: pass)\n");
				} else {
					printf("; not met: %s (expected: fail on", mr[i].failed_items);
					for (int k = 0; k < run->nexpect; k++)
						printf("%s %s", k ? "," : "", scn->checklist.items[run->expect_items[k]].id);
					printf(")\n");
				}
			}
		} else if (status != EXIT_DONE) {
			fprintf(stderr, "%s: %d error%s, %d warning%s\n", pos[f], d.errors, d.errors == 1 ? "" : "s",
			        d.warnings, d.warnings == 1 ? "" : "s");
		}
		if (status > worst)
			worst = status;
		scrub_diags_fini(&d);
		scenario_destroy(&scn);
	}
	return worst;
}
