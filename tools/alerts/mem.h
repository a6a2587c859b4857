/*
 * mem - allocation for dmarcguard-alerts: x-prefixed wrappers that abort
 * on exhaustion (a report tool has nothing sensible to do without memory),
 * and an arena for the many small strings the aggregates keep until exit.
 *
 * An arena hands out pieces of large blocks and frees them all at once in
 * arena_free; nothing is freed one by one.
 *
 * Thread-safety: an arena belongs to one thread; the x-wrappers are as
 * safe as malloc.
 */
#ifndef DMARCGUARD_ALERTS_MEM_H
#define DMARCGUARD_ALERTS_MEM_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

struct arena;

struct arena *arena_new(void);
/* arena_alloc - size bytes, zeroed, 8-byte aligned, valid until arena_free */
void *arena_alloc(struct arena *arena, size_t size);
/* arena_strndup - a NUL-terminated copy of the n bytes at s */
char *arena_strndup(struct arena *arena, const char *s, size_t n);
void arena_free(struct arena **arena);

#endif
