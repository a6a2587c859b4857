/*
 * spf_rewrite - the text libspf2 1.2.10 is given for a record that
 * spf_record_parse accepted.
 *
 * libspf2 is kept as the evaluator, but it refuses a "/0" prefix length,
 * refuses modifier names with '.' or '_', and acts on redirect= even when
 * the record has an "all" mechanism. So the record is written again from
 * its checked terms, with the same meaning:
 *
 * - mechanisms in their order, each with its qualifier; unknown modifiers
 *   are left out (RFC 7208 6: they are ignored); redirect= is left out when
 *   an "all" mechanism is present (RFC 7208 6.1), then exp=;
 * - only the prefix length of the client's family matters to a check, so
 *   the other one is dropped when it is 0;
 * - ip4:N/0 (ip6:N/0) matches every client of its family: it becomes
 *   ip4:CLIENT/32 (ip6:CLIENT/128); for a client of the other family,
 *   ip4:N (ip6:N), which cannot match either;
 * - a/0 and mx/0 (a//0, mx//0 for IPv6) match when the name (each MX
 *   name) has any address of the client's family: the term becomes
 *   a:MARKER.<domain-spec>/32 (//128), and the DNS layer, seeing the
 *   marker label, looks up the name without it and answers any non-empty
 *   address set with the client's own address (see spf_dns.h).
 *
 * Thread-safety: pure.
 */
#ifndef DMARCGUARD_SPF_REWRITE_H
#define DMARCGUARD_SPF_REWRITE_H

#include <stddef.h>
#include <netinet/in.h>

struct spf_record;

struct spf_rewrite_client {
	int family;		/* AF_INET or AF_INET6 */
	struct in_addr v4;
	struct in6_addr v6;
};

/*
 * spf_rewrite - libspf2's text for the record, NUL-terminated, in
 * *text_r (the caller frees it); marker is the label the DNS layer
 * recognises. Returns its length, or -1 when memory runs out.
 */
long spf_rewrite(const struct spf_record *record,
		 const struct spf_rewrite_client *client, const char *marker,
		 char **text_r)
	__attribute__((warn_unused_result));

#endif
