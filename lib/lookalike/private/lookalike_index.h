/*
 * lookalike_index - a string multimap (key bytes -> 32-bit values) for the
 * precomputed look-alike data: open addressing with linear probing, keys
 * copied into one arena, at most half full. Several values may share a
 * key; a look-up visits all of them, in no particular order.
 *
 * Life cycle: lookalike_index_new, lookalike_index_add while building,
 * then only lookalike_index_each; lookalike_index_free.
 *
 * Thread-safety: built by one thread; read-only afterwards, then any
 * number of threads may look up at once.
 */
#ifndef DMARCGUARD_LOOKALIKE_INDEX_H
#define DMARCGUARD_LOOKALIKE_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct lookalike_index;

/* lookalike_index_fn - called per value; nonzero stops the walk */
typedef int lookalike_index_fn(uint32_t value, void *context);

struct lookalike_index *lookalike_index_new(void);
void lookalike_index_free(struct lookalike_index **index);
/* lookalike_index_add - 0, or -1 when out of memory */
int lookalike_index_add(struct lookalike_index *index, const char *key, size_t len,
			uint32_t value);
/* lookalike_index_each - visit the values stored under key; 1 if fn stopped it */
int lookalike_index_each(const struct lookalike_index *index, const char *key, size_t len,
			 lookalike_index_fn *fn, void *context);
/* lookalike_index_contains - 1 if key has at least one value */
int lookalike_index_contains(const struct lookalike_index *index, const char *key, size_t len);
/* lookalike_index_memory - bytes allocated */
size_t lookalike_index_memory(const struct lookalike_index *index);

#endif
