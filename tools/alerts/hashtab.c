/*
 * hashtab - string map and 64-bit set with open addressing (see hashtab.h).
 *
 * Thread-safety: see hashtab.h.
 */
#include "hashtab.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#define INITIAL_SLOTS 64

/* mix - a 64-bit finaliser: every input bit reaches every output bit */
static inline uint64_t
mix(uint64_t x)
{
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	return x;
}

uint64_t
hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL), w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ mix(w)) * 0x9fb21c651e98df25ULL;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ mix(w ^ ((uint64_t)n << 56))) * 0x9fb21c651e98df25ULL;
	return mix(h);
}

uint64_t
hash_pair(uint64_t a, uint64_t b, unsigned kind)
{
	return mix(a * 0x9fb21c651e98df25ULL + mix(b ^ kind));
}

struct slot {
	uint64_t hash;
	struct strmap_entry entry;	/* key NULL: empty slot */
};

struct strmap {
	struct slot *slots;
	size_t mask, count, value_size;
	struct arena *arena;
};

struct strmap *
strmap_new(size_t value_size)
{
	struct strmap *m = xcalloc(1, sizeof(*m));

	m->slots = xcalloc(INITIAL_SLOTS, sizeof(struct slot));
	m->mask = INITIAL_SLOTS - 1;
	m->value_size = value_size;
	m->arena = arena_new();
	return m;
}

/* strmap_grow - double the slots and place every entry again */
static void
strmap_grow(struct strmap *m)
{
	size_t n = (m->mask + 1) * 2;
	struct slot *slots = xcalloc(n, sizeof(struct slot));

	for (size_t i = 0; i <= m->mask; i++) {
		size_t j;

		if (m->slots[i].entry.key == NULL)
			continue;
		for (j = m->slots[i].hash & (n - 1); slots[j].entry.key != NULL; j = (j + 1) & (n - 1))
			;
		slots[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->mask = n - 1;
}

/* lookup - the slot holding key, or the empty slot where it would go */
static struct slot *
lookup(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
	size_t i;

	for (i = h & m->mask; m->slots[i].entry.key != NULL; i = (i + 1) & m->mask) {
		const struct slot *s = &m->slots[i];

		if (s->hash == h && s->entry.len == len && memcmp(s->entry.key, key, len) == 0)
			break;
	}
	return &m->slots[i];
}

void *
strmap_upsert(struct strmap *m, const char *key, size_t len, int *added_r)
{
	uint64_t h = hash_bytes(key, len);
	struct slot *s = lookup(m, key, len, h);
	const char **key_slot;

	if (added_r != NULL)
		*added_r = s->entry.key == NULL;
	if (s->entry.key != NULL)
		return s->entry.value;
	if ((m->count + 1) * 2 > m->mask + 1) {
		strmap_grow(m);
		s = lookup(m, key, len, h);
	}
	s->hash = h;
	s->entry.key = arena_strndup(m->arena, key, len);
	s->entry.len = len;
	/* The key pointer sits just before the value (strmap_value_key). */
	key_slot = arena_alloc(m->arena, sizeof(char *) + m->value_size);
	*key_slot = s->entry.key;
	s->entry.value = key_slot + 1;
	m->count++;
	return s->entry.value;
}

const char *
strmap_value_key(const void *value)
{
	return ((const char *const *)value)[-1];
}

void *
strmap_find(const struct strmap *m, const char *key, size_t len)
{
	const struct slot *s = lookup(m, key, len, hash_bytes(key, len));

	return s->entry.key != NULL ? s->entry.value : NULL;
}

size_t
strmap_count(const struct strmap *m)
{
	return m->count;
}

struct strmap_entry *
strmap_entries(const struct strmap *m, size_t *count_r)
{
	struct strmap_entry *out = xcalloc(m->count + 1, sizeof(*out));
	size_t n = 0;

	for (size_t i = 0; i <= m->mask; i++)
		if (m->slots[i].entry.key != NULL)
			out[n++] = m->slots[i].entry;
	*count_r = n;
	return out;
}

void
strmap_free(struct strmap **mp)
{
	if (mp == NULL || *mp == NULL)
		return;
	free((*mp)->slots);
	arena_free(&(*mp)->arena);
	free(*mp);
	*mp = NULL;
}

struct u64set {
	uint64_t *keys;		/* 0: empty slot */
	size_t mask, count;
};

struct u64set *
u64set_new(void)
{
	struct u64set *s = xcalloc(1, sizeof(*s));

	s->keys = xcalloc(INITIAL_SLOTS, sizeof(uint64_t));
	s->mask = INITIAL_SLOTS - 1;
	return s;
}

/* u64set_grow - double the slots and place every key again */
static void
u64set_grow(struct u64set *s)
{
	size_t n = (s->mask + 1) * 2;
	uint64_t *keys = xcalloc(n, sizeof(uint64_t));

	for (size_t i = 0; i <= s->mask; i++) {
		size_t j;

		if (s->keys[i] == 0)
			continue;
		for (j = s->keys[i] & (n - 1); keys[j] != 0; j = (j + 1) & (n - 1))
			;
		keys[j] = s->keys[i];
	}
	free(s->keys);
	s->keys = keys;
	s->mask = n - 1;
}

int
u64set_add(struct u64set *s, uint64_t key)
{
	size_t i;

	if (key == 0)
		key = 1;	/* 0 marks empty slots */
	for (i = key & s->mask; s->keys[i] != 0; i = (i + 1) & s->mask)
		if (s->keys[i] == key)
			return 0;
	if ((s->count + 1) * 2 > s->mask + 1) {
		u64set_grow(s);
		for (i = key & s->mask; s->keys[i] != 0; i = (i + 1) & s->mask)
			;
	}
	s->keys[i] = key;
	s->count++;
	return 1;
}

size_t
u64set_count(const struct u64set *s)
{
	return s->count;
}

void
u64set_free(struct u64set **sp)
{
	if (sp == NULL || *sp == NULL)
		return;
	free((*sp)->keys);
	free(*sp);
	*sp = NULL;
}
