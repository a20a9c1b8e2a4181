#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scrub_arena_block {
	scrub_arena_block *next;
	size_t size, used;
	max_align_t data[];
};

#define BLOCK_MIN (64 * 1024)

void scrub_arena_init(scrub_arena *a)
{
	a->head = NULL;
	a->used_total = 0;
	a->oom = NULL;
}

void scrub_arena_fini(scrub_arena *a)
{
	scrub_arena_block *b = a->head;
	while (b) {
		scrub_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->used_total = 0;
}

void *scrub_arena_alloc(scrub_arena *a, size_t size)
{
	const size_t align = _Alignof(max_align_t);
	size = (size + align - 1) & ~(align - 1);
	if (size == 0)
		size = align;
	scrub_arena_block *b = a->head;
	if (!b || b->size - b->used < size) {
		size_t bsize = size > BLOCK_MIN ? size : BLOCK_MIN;
		b = malloc(sizeof *b + bsize);
		if (!b) {
			if (a->oom)
				longjmp(*a->oom, 1);
			return NULL;
		}
		b->size = bsize;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	a->used_total += size;
	memset(p, 0, size);
	return p;
}

char *scrub_arena_strndup(scrub_arena *a, const char *s, size_t n)
{
	char *p = scrub_arena_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *scrub_arena_strdup(scrub_arena *a, const char *s)
{
	return scrub_arena_strndup(a, s, strlen(s));
}

char *scrub_arena_printf(scrub_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = scrub_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
