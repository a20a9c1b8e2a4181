/* scrub import: session records (session.jsonl) into the records store (app/store/store.h). */
#include "cli.h"
#include "cli_store.h"
#include "clock.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
	"usage: scrub import [--store URL] DIR|FILE...\n"
	"       scrub import [--store URL] --rebuild\n"
	"       scrub import [--store URL] --dump\n"
	"\n"
	"Puts session records into the records store: each FILE, and every session.jsonl under each DIR (the\n"
	"session folders scrub run writes). A record already kept is left alone; a record cut short by a crash\n"
	"is kept as incomplete and replaced when a longer copy of the same session comes. Each record is\n"
	"replayed to score it, as `scrub report` does. Prints \"N new, N same, N longer, N shorter, N invalid\".\n"
	"\n"
	"options:\n"
	"  --store URL   the store: a path or sqlite:PATH (SQLite), or postgresql://USER@HOST/DB (PostgreSQL);\n"
	"                default $SCRUB_STORE, else $XDG_DATA_HOME/scrub/records.db (~/.local/share/scrub/records.db)\n"
	"  --rebuild     replay every record the store keeps and write its scores, items and attempts again\n"
	"  --dump        print every session's derived rows (without ids): two stores with the same records\n"
	"                print the same text\n"
	"  --quiet       print nothing but errors\n"
	"\n"
	"Progress (counts, rate, time left) is shown when stderr is a terminal.\n"
	"Exit status: 0 done, 1 some records were invalid (each named as PATH: error: ...), 2 bad command line,\n"
	"3 the store could not be opened or written.\n";

typedef struct path_list {
	char **v;
	size_t n, cap;
} path_list;

static bool paths_add(path_list *l, const char *p)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		char **nv = realloc(l->v, nc * sizeof *nv);
		if (!nv)
			return false;
		l->v = nv, l->cap = nc;
	}
	return (l->v[l->n++] = strdup(p)) != NULL;
}

static void paths_free(path_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every session.jsonl under dir (symbolic links are not followed). */
static bool find_records(const char *dir, path_list *out, int depth)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "%s: error: cannot read the folder: %s\n", dir, strerror(errno));
		return false;
	}
	bool ok = true;
	struct dirent *e;
	while ((e = readdir(d)) && ok) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
			continue;
		struct stat st;
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 32)
			ok = find_records(path, out, depth + 1);
		else if (S_ISREG(st.st_mode) && strcmp(e->d_name, "session.jsonl") == 0)
			ok = paths_add(out, path);
	}
	closedir(d);
	return ok;
}

/* Progress on a terminal: counts, rate and time left, on one line rewritten in place. */
typedef struct progress {
	bool on;
	double t0, last;
	const char *what;
} progress;

static void progress_show(progress *p, size_t done, size_t total, bool final)
{
	if (!p->on)
		return;
	double now = scrub_now();
	if (!final && now - p->last < 0.2)
		return;
	p->last = now;
	double el = now - p->t0, rate = el > 0 ? (double)done / el : 0;
	double left = rate > 0 ? (double)(total - done) / rate : 0;
	fprintf(stderr, "\r%s %zu/%zu  %.0f/s  %.0f s left   ", p->what, done, total, rate, left);
	if (final)
		fputc('\n', stderr);
	fflush(stderr);
}

static void rebuild_progress(void *user, int done, int total) { progress_show(user, (size_t)done, (size_t)total, false); }

int cli_store_open(const char *url, scrub_store **out)
{
	char def[4200];
	if (!url)
		url = store_default_url(def, sizeof def);
	store_err err = {{0}};
	scrub_result r = store_open(url, out, &err);
	if (r != SCRUB_OK) {
		fprintf(stderr, "scrub: cannot open the records store %s: %s\n", url, err.msg);
		return r == SCRUB_ERR_USAGE ? EXIT_USAGE : EXIT_RUNTIME;
	}
	return EXIT_DONE;
}

int cli_store_put_file(scrub_store *st, const char *path, store_put_outcome *outcome, bool *invalid)
{
	*invalid = false;
	char *text = NULL;
	size_t len = 0;
	scrub_result r = scrub_read_file(path, 256u << 20, &text, &len);
	if (r != SCRUB_OK) {
		*invalid = true;
		fprintf(stderr, "%s: error: %s\n", path, r == SCRUB_ERR_LIMIT ? "larger than 256 MiB" : strerror(errno));
		return EXIT_INVALID;
	}
	char origin[4200];
	char abs[4096];
	snprintf(origin, sizeof origin, "import %s", realpath(path, abs) ? abs : path);
	store_put_result res;
	store_err err = {{0}};
	r = store_put_record(st, text, len, origin, &res, &err);
	free(text);
	if (r == SCRUB_ERR_INVALID) {
		*invalid = true;
		int line = 0, used = 0;
		if (sscanf(err.msg, "line %d: %n", &line, &used) == 1 && used > 0)
			fprintf(stderr, "%s:%d:1: error: %s\n", path, line, err.msg + used);
		else
			fprintf(stderr, "%s: error: %s\n", path, err.msg);
		return EXIT_INVALID;
	}
	if (r != SCRUB_OK) {
		fprintf(stderr, "%s: error: the store refused it: %s\n", path, err.msg);
		return EXIT_RUNTIME;
	}
	*outcome = res.outcome;
	return EXIT_DONE;
}

int scrub_cmd_import(int argc, char **argv)
{
	const char *url = NULL;
	bool rebuild = false, dump = false, quiet = false;
	cli_opt opts[] = {{"store", true, &url, NULL}, {"rebuild", false, NULL, &rebuild}, {"dump", false, NULL, &dump},
	                  {"quiet", false, NULL, &quiet}, {0}};
	const char **pos = calloc((size_t)argc + 1, sizeof *pos);
	int npos = 0;
	if (!pos)
		return EXIT_RUNTIME;
	int go = cli_args(argc, argv, opts, pos, 0, argc, &npos, usage, NULL);
	if (go != CLI_GO_ON) {
		free(pos);
		return go;
	}
	if ((rebuild || dump) == (npos > 0) || (rebuild && dump)) {
		fprintf(stderr, "scrub import: give record files or folders, or --rebuild, or --dump\n\n%s", usage);
		free(pos);
		return EXIT_USAGE;
	}
	scrub_store *st = NULL;
	int rc = cli_store_open(url, &st);
	if (rc != EXIT_DONE) {
		free(pos);
		return rc;
	}
	progress pg = {.on = !quiet && isatty(STDERR_FILENO), .t0 = scrub_now(), .what = "imported"};
	store_err err = {{0}};
	if (dump || rebuild) {
		scrub_result r;
		if (dump) {
			scrub_buf b;
			scrub_buf_init(&b);
			r = store_dump(st, &b, &err);
			if (r == SCRUB_OK && b.len)
				fwrite(b.data, 1, b.len, stdout);
			scrub_buf_fini(&b);
		} else {
			int n = 0;
			pg.what = "rebuilt";
			r = store_rebuild(st, rebuild_progress, &pg, &n, &err);
			progress_show(&pg, (size_t)n, (size_t)n, true);
			if (r == SCRUB_OK && !quiet)
				printf("%d sessions rebuilt from their records\n", n);
		}
		if (r != SCRUB_OK)
			fprintf(stderr, "scrub import: %s\n", err.msg);
		store_close(st);
		free(pos);
		return r == SCRUB_OK ? EXIT_DONE : r == SCRUB_ERR_INVALID ? EXIT_INVALID : EXIT_RUNTIME;
	}

	path_list files = {0};
	bool ok = true;
	int bad_args = 0;
	for (int i = 0; i < npos && ok; i++) {
		struct stat sb;
		if (stat(pos[i], &sb) != 0) {
			fprintf(stderr, "%s: error: %s\n", pos[i], strerror(errno));
			bad_args++;
		} else if (S_ISDIR(sb.st_mode)) {
			size_t before = files.n;
			if (!find_records(pos[i], &files, 0))
				bad_args++;
			qsort(files.v + before, files.n - before, sizeof *files.v, cmp_str);
		} else {
			ok = paths_add(&files, pos[i]);
		}
	}
	int counts[4] = {0}, invalid = bad_args;
	for (size_t i = 0; i < files.n && ok && rc == EXIT_DONE; i++) {
		store_put_outcome o;
		bool inv;
		int frc = cli_store_put_file(st, files.v[i], &o, &inv);
		if (inv)
			invalid++;
		else if (frc == EXIT_DONE)
			counts[o]++;
		else
			rc = frc;
		progress_show(&pg, i + 1, files.n, false);
	}
	progress_show(&pg, files.n, files.n, true);
	if (!ok) {
		fprintf(stderr, "scrub import: out of memory\n");
		rc = EXIT_RUNTIME;
	}
	if (!quiet)
		printf("%d new, %d same, %d longer, %d shorter, %d invalid\n", counts[STORE_PUT_NEW], counts[STORE_PUT_SAME],
		       counts[STORE_PUT_LONGER], counts[STORE_PUT_SHORTER], invalid);
	paths_free(&files);
	store_close(st);
	free(pos);
	if (rc == EXIT_DONE && invalid)
		rc = EXIT_INVALID;
	return rc;
}
