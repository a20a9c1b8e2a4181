#include "log.h"
#include "result.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RULES 16
#define MAX_NAME 32

static struct {
	bool configured;
	scrub_log_level def;
	int nrules;
	struct {
		char module[MAX_NAME];
		scrub_log_level level;
	} rules[MAX_RULES];
} g_log;

static const char *level_names[] = {"trace", "debug", "info", "warn", "error", "off"};

static bool parse_level(const char *s, size_t n, scrub_log_level *out)
{
	for (int i = 0; i <= SCRUB_LOG_OFF; i++) {
		if (strlen(level_names[i]) == n && strncmp(level_names[i], s, n) == 0) {
			*out = (scrub_log_level)i;
			return true;
		}
	}
	if (n == 7 && strncmp(s, "warning", 7) == 0) {
		*out = SCRUB_LOG_WARN;
		return true;
	}
	return false;
}

void scrub_log_configure(const char *spec)
{
	g_log.configured = true;
	g_log.def = SCRUB_LOG_WARN;
	g_log.nrules = 0;
	if (spec == NULL)
		return;
	const char *p = spec;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		scrub_log_level lvl;
		if (eq == NULL) {
			if (parse_level(p, len, &lvl))
				g_log.def = lvl;
			else
				fprintf(stderr, "scrub: SCRUB_LOG: unknown level '%.*s' (expected trace, debug, info, warn, error or off)\n", (int)len, p);
		} else {
			size_t mlen = (size_t)(eq - p);
			size_t llen = len - mlen - 1;
			if (mlen == 0 || mlen >= MAX_NAME || !parse_level(eq + 1, llen, &lvl)) {
				fprintf(stderr, "scrub: SCRUB_LOG: ignoring '%.*s' (expected module=level)\n", (int)len, p);
			} else if (g_log.nrules < MAX_RULES) {
				memcpy(g_log.rules[g_log.nrules].module, p, mlen);
				g_log.rules[g_log.nrules].module[mlen] = '\0';
				g_log.rules[g_log.nrules].level = lvl;
				g_log.nrules++;
			}
		}
		p += len;
		if (*p == ',')
			p++;
	}
}

static pthread_once_t log_once = PTHREAD_ONCE_INIT;

static void configure_from_env(void)
{
	if (!g_log.configured)
		scrub_log_configure(getenv("SCRUB_LOG"));
}

bool scrub_log_enabled(const char *module, scrub_log_level level)
{
	pthread_once(&log_once, configure_from_env);
	scrub_log_level min = g_log.def;
	for (int i = 0; i < g_log.nrules; i++) {
		if (strcmp(g_log.rules[i].module, module) == 0) {
			min = g_log.rules[i].level;
			break;
		}
	}
	return level >= min && level < SCRUB_LOG_OFF;
}

void scrub_log_write(const char *module, scrub_log_level level, const char *file, int line,
                     const char *fmt, ...)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* the source location helps developers (debug, trace), not instructors (info and above) */
	if (level <= SCRUB_LOG_DEBUG)
		fprintf(stderr, "[%s] %s (%s:%d): %s\n", level_names[level], module, base, line, msg);
	else
		fprintf(stderr, "[%s] %s: %s\n", level_names[level], module, msg);
}

const char *scrub_result_str(scrub_result r)
{
	switch (r) {
	case SCRUB_OK: return "ok";
	case SCRUB_DONE: return "done";
	case SCRUB_ERR_INVALID: return "invalid input";
	case SCRUB_ERR_USAGE: return "usage error";
	case SCRUB_ERR_IO: return "input/output error";
	case SCRUB_ERR_NOMEM: return "out of memory";
	case SCRUB_ERR_RUNTIME: return "runtime failure";
	case SCRUB_ERR_LIMIT: return "limit exceeded";
	}
	return "unknown result";
}
