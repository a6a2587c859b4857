/*
 * hashtab - the two hash tables behind the aggregates: strmap, from a
 * byte-string key to a fixed-size zeroed value, and u64set, a set of
 * 64-bit hashes used to count distinct pairs (domain and address, ...)
 * without keeping the pairs themselves.
 *
 * Both use open addressing with linear probing and double when half full,
 * so a look-up costs one hash and, nearly always, one or two probes.
 * strmap copies keys and allocates values in its own arena: a value
 * pointer stays valid until strmap_free. u64set counts with a 64-bit
 * hash, so two different pairs collide with a probability near 2^-64 per
 * pair; that is the only approximation in the reports.
 *
 * Thread-safety: a table belongs to one thread.
 */
#ifndef DMARCGUARD_ALERTS_HASHTAB_H
#define DMARCGUARD_ALERTS_HASHTAB_H

#include <stddef.h>
#include <stdint.h>

/* hash_bytes - a 64-bit hash of n bytes (not cryptographic) */
uint64_t hash_bytes(const void *p, size_t n);
/* hash_pair - one 64-bit hash for an ordered pair of hashes and a kind */
uint64_t hash_pair(uint64_t a, uint64_t b, unsigned kind);

struct strmap;

struct strmap_entry {
	const char *key;	/* NUL-terminated copy */
	size_t len;
	void *value;
};

struct strmap *strmap_new(size_t value_size);
/* strmap_upsert - the value for key, added zeroed when new (*added_r 1) */
void *strmap_upsert(struct strmap *map, const char *key, size_t len, int *added_r);
/* strmap_value_key - the (NUL-terminated) key a value of the map belongs to */
const char *strmap_value_key(const void *value);
/* strmap_find - the value for key, or NULL */
void *strmap_find(const struct strmap *map, const char *key, size_t len);
size_t strmap_count(const struct strmap *map);
/* strmap_entries - every entry in no order; a malloc'ed array the caller frees */
struct strmap_entry *strmap_entries(const struct strmap *map, size_t *count_r);
void strmap_free(struct strmap **map);

struct u64set;

struct u64set *u64set_new(void);
/* u64set_add - 1 if key was not in the set yet, else 0 */
int u64set_add(struct u64set *set, uint64_t key);
size_t u64set_count(const struct u64set *set);
void u64set_free(struct u64set **set);

#endif
