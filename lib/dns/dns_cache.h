/*
 * dns_cache - bounded, TTL-bounded cache of dns_answer by (name, type).
 *
 * The resolver keeps one in front of libunbound so that the many look-ups
 * of one message (SPF record, includes, DKIM keys, _dmarc records) and of
 * a burst of similar messages cost a hash probe, not a round trip to the
 * resolver thread. How long an answer may stay is dns_cache_lifetime: the
 * record TTL for answers, the SOA minimum for NXDOMAIN/NODATA, a few
 * seconds at most for temporary failures, each capped. When the cache is
 * full the least recently used entry goes.
 *
 * Names must already be normalized (dns_name_normalize). Times are
 * monotonic milliseconds supplied by the caller, so the cache has no clock
 * of its own and tests drive it directly.
 *
 * Thread-safety: none; the owner serializes calls (the resolver holds its
 * lock around them). Answers handed out are new references and outlive
 * eviction.
 */
#ifndef DMARCGUARD_DNS_CACHE_H
#define DMARCGUARD_DNS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "dns_answer.h"

struct dns_cache_limits {
	uint32_t max_ttl;		/* seconds; cap for positive answers */
	uint32_t max_negative_ttl;	/* seconds; cap for NXDOMAIN/NODATA */
	uint32_t tempfail_ttl;		/* seconds; SERVFAIL & co. (0: never) */
};

struct dns_cache;

/* dns_cache_new - room for max_entries answers (at least 1) */
struct dns_cache *dns_cache_new(size_t max_entries);
void dns_cache_free(struct dns_cache **cache);

/* dns_cache_lifetime - seconds this answer may be served from the cache */
uint32_t dns_cache_lifetime(const struct dns_answer *answer,
			    const struct dns_cache_limits *limits);

/* dns_cache_get - a new reference to a live entry, or NULL */
struct dns_answer *dns_cache_get(struct dns_cache *cache, const char *name,
				 uint16_t type, uint64_t now_ms);

/*
 * dns_cache_put - store (a new reference to) answer until expires_ms,
 * replacing an entry with the same key. Does nothing if expires_ms <= now_ms.
 */
void dns_cache_put(struct dns_cache *cache, const char *name, uint16_t type,
		   struct dns_answer *answer, uint64_t now_ms, uint64_t expires_ms);

/* dns_cache_count - entries held, live or expired but not yet dropped */
size_t dns_cache_count(const struct dns_cache *cache);

#endif
