/*
 * resolver_upstream - the resolver's upstream: the Nameservers list
 * ("host[@port]" entries, IPv4 or IPv6 literals, separated by white space
 * or commas) parsed and checked, and a libunbound context pointed at those
 * forwarders, at the system's resolv.conf, or at the root with DNSSEC's
 * trust anchor. Only resolver.c uses it.
 *
 * Thread-safety: reentrant; a context is configured by one thread before
 * its first query.
 */
#ifndef DMARCGUARD_RESOLVER_UPSTREAM_H
#define DMARCGUARD_RESOLVER_UPSTREAM_H

#include "resolver.h"

struct ub_ctx;

/* resolver_upstream_check - the entry count of a nameserver list, or -1 with *error_r */
int resolver_upstream_check(const char *list, const char **error_r);

/*
 * resolver_upstream_configure - forwarders from s->nameservers when it
 * names any, else recursion (s->recursive), else resolv.conf; forwarding
 * hands the special-use and private reverse zones to the upstream. 0, or
 * -1 with *error_r (static text or libunbound's).
 */
int resolver_upstream_configure(struct ub_ctx *ub, const struct resolver_settings *s,
				const char **error_r);

#endif
