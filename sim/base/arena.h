/* A bump allocator: everything a loaded scenario owns lives in one arena and goes at once. */
#ifndef SCRUB_ARENA_H
#define SCRUB_ARENA_H

#include <setjmp.h>
#include <stddef.h>

typedef struct scrub_arena_block scrub_arena_block;

typedef struct scrub_arena {
	scrub_arena_block *head;
	size_t used_total;
	/* When set, running out of memory jumps here (longjmp) instead of returning NULL: the way Lua raises its
	 * memory errors. A caller sets it around code that allocates only in the arena (everything it made then
	 * goes with the arena), so that code need not check each allocation. Code that holds memory from
	 * elsewhere while it allocates here clears it for that while (see scrub_arena_nojump). */
	jmp_buf *oom;
} scrub_arena;

void scrub_arena_init(scrub_arena *a);
void scrub_arena_fini(scrub_arena *a);
/* Zeroed memory, aligned for any type; NULL when out of memory (or a jump to a->oom). */
void *scrub_arena_alloc(scrub_arena *a, size_t size);
char *scrub_arena_strndup(scrub_arena *a, const char *s, size_t n);
char *scrub_arena_strdup(scrub_arena *a, const char *s);
char *scrub_arena_printf(scrub_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Suspends the out-of-memory jump: returns the jump to give back to scrub_arena_jump. */
static inline jmp_buf *scrub_arena_nojump(scrub_arena *a)
{
	jmp_buf *j = a->oom;
	a->oom = NULL;
	return j;
}
static inline void scrub_arena_jump(scrub_arena *a, jmp_buf *j) { a->oom = j; }

#define SCRUB_ARENA_NEW(a, type, count) ((type *)scrub_arena_alloc((a), sizeof(type) * (size_t)(count)))

#endif
