/* A durable queue in a folder (spool.h). */
#include "spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static scrub_result fail(char *err, size_t errsize, const char *what, const char *path)
{
	if (err)
		snprintf(err, errsize, "%s %s: %s", what, path, strerror(errno));
	return SCRUB_ERR_IO;
}

static bool mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0700);
		*p = '/';
		if (rc != 0 && errno != EEXIST)
			return false;
	}
	return mkdir(path, 0700) == 0 || errno == EEXIST;
}

scrub_result spool_dir(const char *what, char *buf, size_t size, char *err, size_t errsize)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;
	if (state && state[0] == '/')
		n = snprintf(buf, size, "%s/scrub/%s", state, what);
	else if (home && *home)
		n = snprintf(buf, size, "%s/.local/state/scrub/%s", home, what);
	else {
		snprintf(err, errsize, "neither XDG_STATE_HOME nor HOME is set: no place for the %s", what);
		return SCRUB_ERR_IO;
	}
	if (n < 0 || (size_t)n >= size) {
		snprintf(err, errsize, "the path of the %s is too long", what);
		return SCRUB_ERR_IO;
	}
	if (!mkdirs(buf))
		return fail(err, errsize, "cannot create", buf);
	return SCRUB_OK;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static void dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(buf, size, ".");
	else if (slash == path)
		snprintf(buf, size, "/");
	else
		snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

scrub_result spool_write_file(const char *path, const char *data, size_t len)
{
	char tmp[PATH_MAX + 32], dir[PATH_MAX];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return SCRUB_ERR_IO;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return SCRUB_ERR_IO;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = errno;
			close(fd);
			unlink(tmp);
			errno = e;
			return SCRUB_ERR_IO;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return SCRUB_ERR_IO;
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return SCRUB_ERR_IO;
	}
	dir_of(path, dir, sizeof dir);
	return sync_dir(dir) == 0 ? SCRUB_OK : SCRUB_ERR_IO;
}

static bool path_in(const char *dir, const char *name, const char *suffix, char *buf, size_t size)
{
	/* names come from the folder or from hex digests: never a path of their own */
	if (!*name || strchr(name, '/') || name[0] == '.')
		return false;
	return (size_t)snprintf(buf, size, "%s/%s%s", dir, name, suffix) < size;
}

scrub_result spool_put(const char *dir, const char *name, const char *data, size_t len, char *err, size_t errsize)
{
	char path[PATH_MAX];
	if (!path_in(dir, name, "", path, sizeof path)) {
		snprintf(err, errsize, "bad item name '%s'", name);
		return SCRUB_ERR_INVALID;
	}
	if (access(path, F_OK) == 0)
		return SCRUB_OK;
	if (spool_write_file(path, data, len) != SCRUB_OK)
		return fail(err, errsize, "cannot write", path);
	return SCRUB_OK;
}

static bool is_item(const char *name)
{
	size_t n = strlen(name);
	if (name[0] == '.' || strstr(name, ".tmp"))
		return false;
	if (n > 4 && strcmp(name + n - 4, ".try") == 0)
		return false;
	if (n > 4 && strcmp(name + n - 4, ".why") == 0)
		return false;
	return true;
}

typedef struct entry {
	spool_item item;
	int64_t mtime_ns;
} entry;

static int cmp_entry(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	if (x->mtime_ns != y->mtime_ns)
		return x->mtime_ns < y->mtime_ns ? -1 : 1;
	return strcmp(x->item.name, y->item.name);
}

static void read_try(const char *dir, const char *name, spool_item *it, scrub_arena *a)
{
	char path[PATH_MAX], line[600];
	it->why = "";
	if (!path_in(dir, name, ".try", path, sizeof path))
		return;
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	long long next = 0;
	int tries = 0;
	if (fgets(line, sizeof line, f) && sscanf(line, "%d %lld", &tries, &next) == 2) {
		it->tries = tries;
		it->next_unix = next;
		if (fgets(line, sizeof line, f)) {
			line[strcspn(line, "\n")] = '\0';
			const char *w = scrub_arena_strdup(a, line);
			it->why = w ? w : "";
		}
	}
	fclose(f);
}

scrub_result spool_list(const char *dir, scrub_arena *a, spool_item **out, int *n, char *err, size_t errsize)
{
	*out = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return fail(err, errsize, "cannot read", dir);
	entry *v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	scrub_result r = SCRUB_OK;
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;
		if (!is_item(de->d_name) || !path_in(dir, de->d_name, "", path, sizeof path) || stat(path, &st) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			entry *nv = realloc(v, cap * sizeof *nv);
			if (!nv) {
				r = SCRUB_ERR_NOMEM;
				break;
			}
			v = nv;
		}
		entry *e = &v[cnt++];
		memset(e, 0, sizeof *e);
		e->item.name = scrub_arena_strdup(a, de->d_name);
		if (!e->item.name) {
			r = SCRUB_ERR_NOMEM;
			break;
		}
		e->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		read_try(dir, de->d_name, &e->item, a);
	}
	closedir(d);
	if (r == SCRUB_OK && cnt) {
		qsort(v, cnt, sizeof *v, cmp_entry);
		spool_item *items = SCRUB_ARENA_NEW(a, spool_item, cnt);
		if (!items) {
			free(v);
			return SCRUB_ERR_NOMEM;
		}
		for (size_t i = 0; i < cnt; i++)
			items[i] = v[i].item;
		*out = items;
		*n = (int)cnt;
	}
	free(v);
	return r;
}

scrub_result spool_read(const char *dir, const char *name, size_t max, char **data, size_t *len, char *err,
                        size_t errsize)
{
	char path[PATH_MAX];
	*data = NULL;
	*len = 0;
	if (!path_in(dir, name, "", path, sizeof path)) {
		snprintf(err, errsize, "bad item name '%s'", name);
		return SCRUB_ERR_INVALID;
	}
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail(err, errsize, "cannot read", path);
	struct stat st;
	if (fstat(fileno(f), &st) != 0) {
		fclose(f);
		return fail(err, errsize, "cannot read", path);
	}
	if ((uint64_t)st.st_size > max) {
		fclose(f);
		snprintf(err, errsize, "%s is %lld bytes, over the limit of %zu", path, (long long)st.st_size, max);
		return SCRUB_ERR_LIMIT;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(f);
		return SCRUB_ERR_NOMEM;
	}
	size_t got = fread(buf, 1, (size_t)st.st_size, f);
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return fail(err, errsize, "cannot read", path);
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return SCRUB_OK;
}

scrub_result spool_retry(const char *dir, const char *name, int tries, int64_t next_unix, const char *why)
{
	char path[PATH_MAX], text[600], one[510];
	if (!path_in(dir, name, ".try", path, sizeof path))
		return SCRUB_ERR_INVALID;
	snprintf(one, sizeof one, "%s", why ? why : "");
	for (char *p = one; *p; p++) /* the reason is one line */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	int n = snprintf(text, sizeof text, "%d %lld\n%s\n", tries, (long long)next_unix, one);
	return spool_write_file(path, text, (size_t)n);
}

scrub_result spool_done(const char *dir, const char *name)
{
	char path[PATH_MAX];
	if (!path_in(dir, name, ".try", path, sizeof path))
		return SCRUB_ERR_INVALID;
	unlink(path);
	path_in(dir, name, "", path, sizeof path);
	if (unlink(path) != 0 && errno != ENOENT)
		return SCRUB_ERR_IO;
	return sync_dir(dir) == 0 ? SCRUB_OK : SCRUB_ERR_IO;
}

scrub_result spool_reject(const char *dir, const char *name, const char *why)
{
	char from[PATH_MAX], to[PATH_MAX], rej[PATH_MAX];
	if ((size_t)snprintf(rej, sizeof rej, "%s/rejected", dir) >= sizeof rej || !path_in(dir, name, "", from, sizeof from) ||
	    !path_in(rej, name, "", to, sizeof to))
		return SCRUB_ERR_INVALID;
	if (mkdir(rej, 0700) != 0 && errno != EEXIST)
		return SCRUB_ERR_IO;
	char whyp[PATH_MAX];
	if (path_in(rej, name, ".why", whyp, sizeof whyp) && why)
		spool_write_file(whyp, why, strlen(why));
	if (rename(from, to) != 0)
		return SCRUB_ERR_IO;
	path_in(dir, name, ".try", from, sizeof from);
	unlink(from);
	return sync_dir(dir) == 0 && sync_dir(rej) == 0 ? SCRUB_OK : SCRUB_ERR_IO;
}
