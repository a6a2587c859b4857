/*
 * dns_cache - bounded TTL cache of DNS answers (see dns_cache.h).
 *
 * Open hashing with chains for lookup, and a doubly-linked list in use
 * order for eviction: get moves an entry to the front, a full put drops the
 * tail. Expired entries are dropped when met on lookup.
 *
 * Thread-safety: none; callers serialize.
 */
#include "dns_cache.h"

#include <stdlib.h>
#include <string.h>

struct entry {
	struct entry *chain;		/* next in hash bucket */
	struct entry *prev, *next;	/* use order: head is most recent */
	uint64_t hash;
	uint64_t expires_ms;
	uint16_t type;
	struct dns_answer *answer;
	char name[];
};

struct dns_cache {
	struct entry **buckets;
	size_t nbuckets;
	size_t count, max_entries;
	struct entry *head, *tail;
};

/* key_hash - FNV-1a over the type and the name */
static uint64_t
key_hash(const char *name, uint16_t type)
{
	uint64_t h = 1469598103934665603ULL;

	h = (h ^ (type & 0xff)) * 1099511628211ULL;
	h = (h ^ (type >> 8)) * 1099511628211ULL;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

struct dns_cache *
dns_cache_new(size_t max_entries)
{
	struct dns_cache *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->max_entries = max_entries ? max_entries : 1;
	c->nbuckets = 16;
	while (c->nbuckets < c->max_entries)
		c->nbuckets <<= 1;
	if ((c->buckets = calloc(c->nbuckets, sizeof(*c->buckets))) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

static void
list_unlink(struct dns_cache *c, struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void
list_push_front(struct dns_cache *c, struct entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (c->tail == NULL)
		c->tail = e;
}

/* entry_remove - take e out of its bucket and the list, and free it */
static void
entry_remove(struct dns_cache *c, struct entry *e)
{
	struct entry **pp = &c->buckets[e->hash & (c->nbuckets - 1)];

	while (*pp != e)
		pp = &(*pp)->chain;
	*pp = e->chain;
	list_unlink(c, e);
	dns_answer_unref(&e->answer);
	free(e);
	c->count--;
}

static struct entry *
entry_find(struct dns_cache *c, const char *name, uint16_t type, uint64_t h)
{
	for (struct entry *e = c->buckets[h & (c->nbuckets - 1)]; e; e = e->chain)
		if (e->hash == h && e->type == type && strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

void
dns_cache_free(struct dns_cache **cachep)
{
	struct dns_cache *c = *cachep;

	if (c == NULL)
		return;
	*cachep = NULL;
	while (c->head)
		entry_remove(c, c->head);
	free(c->buckets);
	free(c);
}

static uint32_t
min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

uint32_t
dns_cache_lifetime(const struct dns_answer *answer,
		   const struct dns_cache_limits *limits)
{
	switch (answer->status) {
	case DNS_STATUS_ANSWER:
		return min32(answer->ttl, limits->max_ttl);
	case DNS_STATUS_NXDOMAIN:
	case DNS_STATUS_NODATA:
		return min32(answer->ttl, limits->max_negative_ttl);
	case DNS_STATUS_TEMPFAIL:
		return limits->tempfail_ttl;
	}
	return 0;
}

struct dns_answer *
dns_cache_get(struct dns_cache *c, const char *name, uint16_t type,
	      uint64_t now_ms)
{
	uint64_t h = key_hash(name, type);
	struct entry *e = entry_find(c, name, type, h);

	if (e == NULL)
		return NULL;
	if (e->expires_ms <= now_ms) {
		entry_remove(c, e);
		return NULL;
	}
	list_unlink(c, e);
	list_push_front(c, e);
	return dns_answer_ref(e->answer);
}

void
dns_cache_put(struct dns_cache *c, const char *name, uint16_t type,
	      struct dns_answer *answer, uint64_t now_ms, uint64_t expires_ms)
{
	uint64_t h = key_hash(name, type);
	struct entry *e;
	size_t len = strlen(name);

	if (expires_ms <= now_ms)
		return;
	if ((e = entry_find(c, name, type, h)) != NULL)
		entry_remove(c, e);
	while (c->count >= c->max_entries && c->tail)
		entry_remove(c, c->tail);
	if ((e = calloc(1, sizeof(*e) + len + 1)) == NULL)
		return;		/* a cache may forget */
	memcpy(e->name, name, len + 1);
	e->hash = h;
	e->type = type;
	e->expires_ms = expires_ms;
	e->answer = dns_answer_ref(answer);
	e->chain = c->buckets[h & (c->nbuckets - 1)];
	c->buckets[h & (c->nbuckets - 1)] = e;
	list_push_front(c, e);
	c->count++;
}

size_t
dns_cache_count(const struct dns_cache *c)
{
	return c->count;
}
