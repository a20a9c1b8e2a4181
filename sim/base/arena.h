/* A bump allocator: everything a loaded scenario owns lives in one arena and goes at once. */
#ifndef SCRUB_ARENA_H
#define SCRUB_ARENA_H

#include <stddef.h>

typedef struct scrub_arena_block scrub_arena_block;

typedef struct scrub_arena {
	scrub_arena_block *head;
	size_t used_total;
} scrub_arena;

void scrub_arena_init(scrub_arena *a);
void scrub_arena_fini(scrub_arena *a);
/* Zeroed memory, aligned for any type; NULL when out of memory. */
void *scrub_arena_alloc(scrub_arena *a, size_t size);
char *scrub_arena_strndup(scrub_arena *a, const char *s, size_t n);
char *scrub_arena_strdup(scrub_arena *a, const char *s);
char *scrub_arena_printf(scrub_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define SCRUB_ARENA_NEW(a, type, count) ((type *)scrub_arena_alloc((a), sizeof(type) * (size_t)(count)))

#endif
