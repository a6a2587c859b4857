/*
 * lookalike_index - string multimap (see private/lookalike_index.h).
 *
 * Slots hold the key's 64-bit FNV-1a hash, its place in the arena and the
 * value. Entries with one key are found by probing to the first empty
 * slot, in no particular order: callers that want the lowest value visit
 * them all.
 *
 * Thread-safety: read-only after building.
 */
#include "lookalike_index.h"

#include <stdlib.h>
#include <string.h>

struct slot {
	uint64_t hash;		/* 0: empty */
	uint32_t key_off;
	uint32_t key_len;
	uint32_t value;
};

struct lookalike_index {
	struct slot *slots;
	size_t capacity, used;	/* capacity is a power of two */
	char *arena;
	size_t arena_len, arena_size;
};

static uint64_t
hash_key(const char *key, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ULL;
	}
	/* FNV's low bits cluster for near-identical keys (a label and its
	 * deletions); the slot comes from the low bits, so mix them (fmix64) */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h != 0 ? h : 1;
}

struct lookalike_index *
lookalike_index_new(void)
{
	struct lookalike_index *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return NULL;
	x->capacity = 64;
	if ((x->slots = calloc(x->capacity, sizeof(*x->slots))) == NULL) {
		free(x);
		return NULL;
	}
	return x;
}

void
lookalike_index_free(struct lookalike_index **xp)
{
	struct lookalike_index *x = *xp;

	if (x == NULL)
		return;
	*xp = NULL;
	free(x->slots);
	free(x->arena);
	free(x);
}

/* place - put a slot into a table (no growth, no arena work) */
static void
place(struct slot *slots, size_t capacity, const struct slot *s)
{
	size_t i = (size_t)s->hash & (capacity - 1);

	while (slots[i].hash != 0)
		i = (i + 1) & (capacity - 1);
	slots[i] = *s;
}

/* grow - double the table */
static int
grow(struct lookalike_index *x)
{
	size_t capacity = x->capacity * 2;
	struct slot *slots = calloc(capacity, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (size_t k = 0; k < x->capacity; k++)
		if (x->slots[k].hash != 0)
			place(slots, capacity, &x->slots[k]);
	free(x->slots);
	x->slots = slots;
	x->capacity = capacity;
	return 0;
}

int
lookalike_index_add(struct lookalike_index *x, const char *key, size_t len, uint32_t value)
{
	struct slot s = { .hash = hash_key(key, len), .key_len = (uint32_t)len, .value = value };

	if ((x->used + 1) * 2 > x->capacity && grow(x) < 0)
		return -1;
	if (x->arena_len + len > x->arena_size) {
		size_t size = x->arena_size ? x->arena_size * 2 : 1024;
		char *arena;

		while (size < x->arena_len + len)
			size *= 2;
		if ((arena = realloc(x->arena, size)) == NULL)
			return -1;
		x->arena = arena;
		x->arena_size = size;
	}
	memcpy(x->arena + x->arena_len, key, len);
	s.key_off = (uint32_t)x->arena_len;
	x->arena_len += len;
	place(x->slots, x->capacity, &s);
	x->used++;
	return 0;
}

int
lookalike_index_each(const struct lookalike_index *x, const char *key, size_t len,
		     lookalike_index_fn *fn, void *context)
{
	uint64_t h = hash_key(key, len);

	for (size_t i = (size_t)h & (x->capacity - 1); x->slots[i].hash != 0;
	     i = (i + 1) & (x->capacity - 1)) {
		const struct slot *s = &x->slots[i];

		if (s->hash == h && s->key_len == len
		    && memcmp(x->arena + s->key_off, key, len) == 0 && fn(s->value, context))
			return 1;
	}
	return 0;
}

static int
stop(uint32_t value, void *context)
{
	(void)value;
	(void)context;
	return 1;
}

int
lookalike_index_contains(const struct lookalike_index *x, const char *key, size_t len)
{
	return lookalike_index_each(x, key, len, stop, NULL);
}

size_t
lookalike_index_memory(const struct lookalike_index *x)
{
	return sizeof(*x) + x->capacity * sizeof(*x->slots) + x->arena_size;
}
