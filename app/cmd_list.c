/* scrub list: bundled scenarios, the action vocabulary, units. */
#include "actions.h"
#include "cli.h"
#include "scenario.h"
#include "units.h"
#include "vocab.h"

#include <dirent.h>
#include <limits.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: scrub list [scenarios [DIR] | runs FILE | actions [FILE] | drugs | units]\n"
	"\n"
	"  scenarios [DIR]  the scenario files in DIR (default: the bundled scenarios)\n"
	"  runs FILE        the model runs of a scenario (its mistake library), one per line:\n"
	"                   NAME, a tab, and what it expects (pass; fail on ITEMS; pass, losing ITEMS)\n"
	"  actions [FILE]   every action a scenario or action script can use, with its parameters;\n"
	"                   with FILE, also the actions that scenario declares (its actions: section)\n"
	"  drugs            every drug give_drug and start_infusion accept: aliases, class, forms,\n"
	"                   routes, dose and infusion units, and whether the patient model simulates it\n"
	"  units            the units Scrub understands\n";

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int list_scenarios(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "scrub list: cannot open %s\n", dir);
		return EXIT_RUNTIME;
	}
	char *names[512];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < 512) {
		size_t l = strlen(e->d_name);
		if (l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, cmp_str);
	/* show the folder as the user would type it: relative to here when below here */
	char real[PATH_MAX], cwd[PATH_MAX];
	const char *shown = dir;
	if (realpath(dir, real) && getcwd(cwd, sizeof cwd)) {
		size_t cl = strlen(cwd);
		shown = strncmp(real, cwd, cl) == 0 && real[cl] == '/' ? real + cl + 1 : real;
	}
	/* loaded first, printed after: each column as wide as its widest entry (a label of any length,
	 * a duration of an hour or more: 1:00:00.00) */
	struct row {
		char label[PATH_MAX + 256];
		char dur[32];
		int items;
		char *title;  /* NULL: the file does not load */
	} *rows = calloc((size_t)(n ? n : 1), sizeof *rows);
	if (!rows) {
		for (int i = 0; i < n; i++)
			free(names[i]);
		fprintf(stderr, "scrub list: out of memory\n");
		return EXIT_RUNTIME;
	}
	int wl = 44, wd = 9, wi = 6;  /* at least as wide as they always were */
	for (int i = 0; i < n; i++) {
		struct row *r = &rows[i];
		char path[PATH_MAX + 256];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		snprintf(r->label, sizeof r->label, "%s/%s", shown, names[i]);
		scrub_diags diags;
		scrub_diags_init(&diags, path, NULL, 0);
		scenario *scn = NULL;
		scenario_load_opts o = {.no_model_runs = true};
		if (scenario_load_file(path, &o, &diags, &scn) == SCRUB_OK) {
			scrub_format_time(scn->duration_s, r->dur, sizeof r->dur);
			r->items = scn->checklist.n;
			r->title = strdup(scn->title ? scn->title : "");
			char ib[16];
			int li = snprintf(ib, sizeof ib, "%d", r->items), ld = (int)strlen(r->dur);
			wd = ld > wd ? ld : wd;
			wi = li > wi ? li : wi;
		}
		int ll = (int)strlen(r->label);
		wl = ll > wl ? ll : wl;
		scenario_destroy(&scn);
		scrub_diags_fini(&diags);
		free(names[i]);
	}
	printf("%-*s %-*s %-*s %s\n", wl, "scenario", wd, "duration", wi, "items", "title");
	for (int i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		if (r->title)
			printf("%-*s %-*s %-*d %s\n", wl, r->label, wd, r->dur, wi, r->items, r->title);
		else
			printf("%-*s INVALID (run: scrub validate %s)\n", wl, r->label, r->label);
		free(r->title);
	}
	free(rows);
	if (n == 0)
		printf("(no .yaml files in %s)\n", dir);
	return EXIT_DONE;
}

static void print_action(const act_def *a)
{
	printf("  %-22s %s\n", a->name, a->help);
	for (int k = 0; k < ACT_MAX_PARAMS && a->params[k].name; k++) {
		const act_param_def *p = &a->params[k];
		printf("      %-14s %s", p->name, p->required ? "(required) " : "");
		switch (p->kind) {
		case ACT_PARAM_QUANTITY:
			printf("%s, in %s: %s\n", p->help, scrub_dim_units(p->dim), scrub_dim_name(p->dim));
			break;
		case ACT_PARAM_COUNT:
			printf("%s: a whole number %g..%g\n", p->help, p->min, p->max);
			break;
		case ACT_PARAM_TEXT:
			printf("%s: text\n", p->help);
			break;
		case ACT_PARAM_SYMBOL:
			printf("%s: one of", p->help);
			for (int s = 0; s < ACT_MAX_SYMBOLS && p->symbols[s]; s++)
				printf("%s %s", s ? "," : "", p->symbols[s]);
			printf("\n");
			break;
		}
	}
}

/* A scenario's own actions, after the built-in ones. */
static int list_declared(const char *path, scenario *scn)
{
	printf("\ndeclared by %s:\n", path);
	for (int i = 0; i < scn->actions.n; i++)
		print_action(actions_get(scn->actions.ids[i]));
	if (scn->actions.n == 0)
		printf("  (none: the scenario has no actions: section)\n");
	return EXIT_DONE;
}

/* Actions grouped by category, categories in the order they first appear. */
static int list_actions(void)
{
	int n = actions_builtin_count();
	for (int i = 0; i < n; i++) {
		const char *cat = actions_get((act_id)i)->category;
		bool seen = false;
		for (int k = 0; k < i && !seen; k++)
			seen = strcmp(actions_get((act_id)k)->category, cat) == 0;
		if (seen)
			continue;
		printf("%s%s:\n", i ? "\n" : "", cat);
		for (int k = i; k < n; k++)
			if (strcmp(actions_get((act_id)k)->category, cat) == 0)
				print_action(actions_get((act_id)k));
	}
	return EXIT_DONE;
}

static int list_runs(const char *path)
{
	scenario *scn = NULL;
	int rc = cli_load_scenario(path, true, &scn);
	if (rc != EXIT_DONE)
		return rc;
	for (int i = 0; i < scn->nruns; i++) {
		const scn_model_run *r = &scn->runs[i];
		printf("%s\t%s", r->name, !r->expect_pass ? "fail on" : r->nexpect ? "pass, losing" : "pass");
		for (int k = 0; k < r->nexpect; k++)
			printf("%s %s", k ? "," : "", scn->checklist.items[r->expect_items[k]].id);
		printf("\n");
	}
	scenario_destroy(&scn);
	return EXIT_DONE;
}

static void print_words(const char *label, const char *const *w, const char *sep)
{
	if (!w[0])
		return;
	printf("%s", label);
	for (int i = 0; w[i]; i++)
		printf("%s%s", i ? sep : "", w[i]);
}

/* drugs.yaml, in its order (docs/vocabulary.md) */
static int list_drugs(void)
{
	for (int i = 0; i < vocab_drug_count(); i++) {
		const vocab_drug *g = vocab_drug_get(i);
		printf("%s%s", i ? "\n" : "", g->name);
		print_words(" (also accepted: ", g->aliases, ", ");
		printf("%s: %s\n", g->aliases[0] ? ")" : "", g->klass);
		if (g->forms[0]) {
			print_words("    forms: ", g->forms, "; ");
			printf("\n");
		}
		print_words("    routes: ", g->routes, ", ");
		print_words("    dose in: ", g->dose_units, ", ");
		print_words("    infusion in: ", g->infusion_units, ", ");
		printf("\n    patient model: %s%s\n", g->model ? "simulated as " : "not simulated (recorded and scored only)",
		       g->model ? g->model : "");
	}
	return EXIT_DONE;
}

static int list_units(void)
{
	for (int d = 1; d < SCRUB_DIM_COUNT_; d++)
		printf("  %-26s %s\n", scrub_dim_name((scrub_dim)d), scrub_dim_units((scrub_dim)d));
	printf("  durations are written 30 s, 2 min, 1.5 h or m:ss (1:30)\n");
	return EXIT_DONE;
}

int scrub_cmd_list(int argc, char **argv)
{
	cli_opt opts[] = {{0}};
	const char *pos[2];
	int npos, st = cli_args(argc, argv, opts, pos, 0, 2, &npos, usage, NULL);
	if (st != CLI_GO_ON)
		return st;
	const char *what = npos ? pos[0] : "scenarios";
	if (strcmp(what, "scenarios") == 0)
		return list_scenarios(npos > 1 ? pos[1] : cli_scenario_dir());
	if (strcmp(what, "runs") == 0) {
		if (npos < 2)
			return cli_usage_error("scrub list runs: name a scenario file", usage);
		return list_runs(pos[1]);
	}
	if (strcmp(what, "actions") == 0 && npos > 1) {
		/* the scenario first: a file that does not load prints nothing else */
		scenario *scn = NULL;
		int rc = cli_load_scenario(pos[1], true, &scn);
		if (rc == EXIT_DONE) {
			list_actions();
			rc = list_declared(pos[1], scn);
		}
		scenario_destroy(&scn);
		return rc;
	}
	if (npos > 1) {
		fprintf(stderr, "scrub list: unexpected argument '%s'\n\n%s", pos[1], usage);
		return EXIT_USAGE;
	}
	if (strcmp(what, "actions") == 0)
		return list_actions();
	if (strcmp(what, "drugs") == 0)
		return list_drugs();
	if (strcmp(what, "units") == 0)
		return list_units();
	fprintf(stderr, "scrub list: unknown list '%s'\n\n%s", what, usage);
	return EXIT_USAGE;
}
