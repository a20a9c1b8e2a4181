/* A minimal test harness: CHECK records a failure and goes on; main returns the count. */
#ifndef SCRUB_CHECK_H
#define SCRUB_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                   \
	do {                                                                          \
		check_count++;                                                        \
		if (!(cond)) {                                                        \
			check_failures++;                                             \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                     \
	} while (0)

#define CHECK_STR(a, b)                                                               \
	do {                                                                          \
		const char *a_ = (a), *b_ = (b);                                      \
		check_count++;                                                        \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                              \
			check_failures++;                                             \
			fprintf(stderr, "%s:%d: CHECK_STR failed: %s == %s\n  got:      \"%s\"\n  expected: \"%s\"\n", \
			        __FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
		}                                                                     \
	} while (0)

#define CHECK_NEAR(a, b, tol)                                                         \
	do {                                                                          \
		double a_ = (a), b_ = (b);                                            \
		check_count++;                                                        \
		if (!(fabs(a_ - b_) <= (tol))) {                                      \
			check_failures++;                                             \
			fprintf(stderr, "%s:%d: CHECK_NEAR failed: %s = %g, expected %g +- %g\n", \
			        __FILE__, __LINE__, #a, a_, b_, (double)(tol));        \
		}                                                                     \
	} while (0)

#define CHECK_DONE()                                                                  \
	(fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures),      \
	 check_failures ? 1 : 0)

/* The lines of the file PATH that start with PREFIX (and contain CONTAINS, unless NULL); -1 when it cannot be read. */
static inline int check_count_lines(const char *path, const char *prefix, const char *contains)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[1024];
	int n = 0;
	while (fgets(line, sizeof line, f))
		n += strncmp(line, prefix, strlen(prefix)) == 0 && (!contains || strstr(line, contains));
	fclose(f);
	return n;
}

#endif
