/* Logging: one macro family, file and line on every message, a level per module.
 *
 * SCRUB_LOG=debug                 every module at debug
 * SCRUB_LOG=warn,scenario=trace   default warn, the "scenario" module at trace
 *
 * Each source file defines SCRUB_LOG_MODULE before including this header. */
#ifndef SCRUB_LOG_H
#define SCRUB_LOG_H

#include <stdbool.h>

typedef enum scrub_log_level {
	SCRUB_LOG_TRACE = 0,
	SCRUB_LOG_DEBUG,
	SCRUB_LOG_INFO,
	SCRUB_LOG_WARN,
	SCRUB_LOG_ERROR,
	SCRUB_LOG_OFF,
} scrub_log_level;

/* Reads SCRUB_LOG again (called lazily on first use; tests call it after setenv). */
void scrub_log_configure(const char *spec);
bool scrub_log_enabled(const char *module, scrub_log_level level);
void scrub_log_write(const char *module, scrub_log_level level, const char *file, int line,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#ifndef SCRUB_LOG_MODULE
#define SCRUB_LOG_MODULE "scrub"
#endif

#define SCRUB_LOG_AT(level, ...)                                                              \
	do {                                                                                  \
		if (scrub_log_enabled(SCRUB_LOG_MODULE, level))                               \
			scrub_log_write(SCRUB_LOG_MODULE, level, __FILE__, __LINE__, __VA_ARGS__); \
	} while (0)

#define LOG_T(...) SCRUB_LOG_AT(SCRUB_LOG_TRACE, __VA_ARGS__)
#define LOG_D(...) SCRUB_LOG_AT(SCRUB_LOG_DEBUG, __VA_ARGS__)
#define LOG_I(...) SCRUB_LOG_AT(SCRUB_LOG_INFO, __VA_ARGS__)
#define LOG_W(...) SCRUB_LOG_AT(SCRUB_LOG_WARN, __VA_ARGS__)
#define LOG_E(...) SCRUB_LOG_AT(SCRUB_LOG_ERROR, __VA_ARGS__)

#endif
