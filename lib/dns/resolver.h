/*
 * resolver - the one DNS service of dmarcguard.
 *
 * SPF, DKIM key and DMARC record look-ups all come here. Behind it is one
 * libunbound context in threaded asynchronous mode, driven by one poller
 * thread, and a bounded TTL cache (dns_cache) in front. Identical look-ups
 * in flight at the same time are merged into one upstream query. Every
 * look-up has a deadline: when it passes, the caller gets a TEMPFAIL
 * answer with reason "timeout" while the upstream query may finish later
 * and still fill the cache.
 *
 * Upstream: the `nameservers` list ("host[@port]", IP literals only) when
 * given, and then only those; otherwise the nameservers of resolv.conf; or,
 * with `recursive` set and no list, full recursion from the root with the
 * DNSSEC trust anchor when its file is present (answers that fail
 * validation are TEMPFAIL "dnssec-bogus").
 *
 * Life cycle: resolver_new once per process, after daemonizing and before
 * worker threads start; resolver_free after they have stopped.
 *
 * Thread-safety: resolver_lookup and resolver_get_stats may be called by
 * any number of threads at once.
 */
#ifndef DMARCGUARD_RESOLVER_H
#define DMARCGUARD_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "dns_answer.h"
#include "dns_cache.h"

struct resolver_settings {
	const char *nameservers;	/* "host[@port] ..." or NULL/"" */
	int recursive;			/* no nameservers: recurse, not resolv.conf */
	const char *resolv_conf;	/* NULL: /etc/resolv.conf */
	const char *trust_anchor_file;	/* NULL: Debian's dns-root-data key */
	unsigned timeout_ms;		/* default deadline of one look-up */
	size_t cache_entries;
	struct dns_cache_limits cache_limits;
};

struct resolver_stats {
	uint64_t lookups;	/* resolver_lookup calls */
	uint64_t cache_hits;	/* answered from our cache */
	uint64_t merged;	/* joined an identical look-up in flight */
	uint64_t upstream;	/* queries handed to libunbound */
	uint64_t timeouts;	/* callers whose deadline passed */
	uint64_t by_status[4];	/* answers returned, by enum dns_status */
	uint64_t in_flight;	/* resolver_lookup calls not yet returned */
};

struct resolver;

/* resolver_settings_init - the documented defaults */
void resolver_settings_init(struct resolver_settings *settings);

/*
 * resolver_check_nameservers - validate a "host[@port]" list (spaces or
 * commas between entries). Returns the number of entries, or -1 with
 * *error_r set to a static message.
 */
int resolver_check_nameservers(const char *list, const char **error_r);

/*
 * resolver_new - start the resolver. Returns NULL with *error_r (static
 * text, or a libunbound message) when the settings cannot be applied.
 */
struct resolver *resolver_new(const struct resolver_settings *settings,
			      const char **error_r);

/* resolver_free - stop the poller and free everything; accepts NULL */
void resolver_free(struct resolver **resolver);

/*
 * resolver_lookup - resolve (name, type) within timeout_ms (0: the
 * configured default). Always returns an answer reference the caller must
 * dns_answer_unref. An invalid name (empty label, over-long, control
 * bytes) is NXDOMAIN with TTL 0: no such name can exist.
 */
struct dns_answer *resolver_lookup(struct resolver *resolver, const char *name,
				   uint16_t type, unsigned timeout_ms);

void resolver_get_stats(struct resolver *resolver, struct resolver_stats *stats);

#endif
