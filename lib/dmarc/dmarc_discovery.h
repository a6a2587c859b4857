/*
 * dmarc_discovery - find the DMARC policy of an author (RFC5322.From)
 * domain through our resolver, by one of two methods. libopendmarc's own
 * look-up is never used.
 *
 * DMARC_METHOD_TREEWALK (the default; RFC 9989 4.10.1): the DNS tree walk
 * of dmarc_treewalk.h. The author domain's own record when it has exactly
 * one; otherwise, walking up (at most 8 look-ups in all), the record of
 * its organizational domain, or else of its public suffix domain (psd=y).
 * Several DMARC records at one name count as none there and the walk goes
 * on (RFC 9989 4.10 step 2). A temporary failure at any step is TEMPERROR:
 * the name that failed may hold the record that decides.
 *
 * DMARC_METHOD_PSL (RFC 7489 6.6.3, the behaviour before RFC 9989):
 *  1. TXT _dmarc.<author domain>. The TXT records that are DMARC records
 *     (dmarc_record_is_dmarc: v=DMARC1 first, value exact) are kept;
 *     other TXT records beside them are ignored. Multi-string records are
 *     joined without separators by the resolver.
 *  2. One kept record: parse it (FOUND, or PERMERROR when it is invalid).
 *     More than one: PERMERROR, no policy. A temporary failure: TEMPERROR,
 *     and the organizational domain is NOT tried, since the author
 *     domain's own record may be the one we could not see.
 *  3. None kept (no record, NXDOMAIN, NODATA, only other TXT): the same at
 *     _dmarc.<organizational domain> (Public Suffix List, orgdomain.h),
 *     when the author domain has one and it differs.
 *
 * Both: a record found above the author domain sets from_org_domain (sp
 * applies, or np). With an explicit np tag there, the author domain is
 * non-existent when A, AAAA and MX all answer NXDOMAIN (RFC 9989 3.2.13,
 * RFC 8020; NODATA means the name exists). A temporary failure there
 * counts as "exists" and sets existence_tempfail, so np is never applied
 * on doubt.
 *
 * Statuses: PERMERROR ("a record exists but is unusable": invalid, or
 * with PSL several at one level) is kept apart from NONE ("nothing
 * published") for Authentication-Results and logs; both mean that no DMARC
 * policy applies, and neither falls back to another level.
 *
 * Ownership: dmarc_discovery_lookup fills a caller-owned struct, overwriting it
 * without freeing; dmarc_discovery_clear releases the parsed record.
 *
 * Thread-safety: dmarc_discovery_lookup may run in any number of threads at once
 * on a shared resolver and orgdomain; each call has its own result.
 */
#ifndef DMARCGUARD_DMARC_DISCOVERY_H
#define DMARCGUARD_DMARC_DISCOVERY_H

#include "dmarc_record.h"
#include "orgdomain.h"
#include "resolver.h"

/* How the policy and organizational domains are found (RFC 9990's discovery_method) */
enum dmarc_method {
	DMARC_METHOD_TREEWALK,		/* RFC 9989 DNS tree walk */
	DMARC_METHOD_PSL,		/* RFC 7489 with the Public Suffix List */
};

enum dmarc_discovery_status {
	DMARC_DISCOVERY_FOUND,		/* record holds the policy */
	DMARC_DISCOVERY_NONE,		/* no DMARC record anywhere */
	DMARC_DISCOVERY_TEMPERROR,	/* a look-up failed before anything usable */
	DMARC_DISCOVERY_PERMERROR,	/* invalid record, or several at one level */
};

struct dmarc_discovery {
	enum dmarc_discovery_status status;
	enum dmarc_method method;		/* the method that was used */
	/*
	 * Static text for the log: the parser's error (PERMERROR), the
	 * resolver's reason such as "servfail" or "timeout" (TEMPERROR), or
	 * a short description.
	 */
	const char *reason;
	struct dmarc_record record;		/* FOUND only */
	char author_domain[ORGDOMAIN_BUFSIZE];	/* lowercase, no trailing dot */
	/* "" when it has none, or (tree walk) when the walk stopped at the
	 * author domain's own record before reaching it */
	char org_domain[ORGDOMAIN_BUFSIZE];
	/* FOUND/PERMERROR: the domain holding the record; TEMPERROR: the
	 * domain whose _dmarc look-up failed; NONE: "" */
	char domain[ORGDOMAIN_BUFSIZE];
	int from_org_domain;			/* record above the author domain (its
						 * organizational or public suffix
						 * domain): sp or np applies, not p */
	int author_domain_nonexistent;		/* np applies */
	int existence_tempfail;			/* the np existence check was unsure */
};

/*
 * dmarc_discovery_lookup - discover the policy for author_domain (any case, one
 * trailing dot allowed). Returns 0 with *out filled in every DNS outcome,
 * or -1 when author_domain is not a valid domain name (out->status NONE,
 * out->reason says why, nothing looked up).
 */
int dmarc_discovery_lookup(struct resolver *resolver, const struct orgdomain *od,
			   enum dmarc_method method, const char *author_domain,
			   struct dmarc_discovery *out);

/* dmarc_discovery_clear - release what out holds and zero it */
void dmarc_discovery_clear(struct dmarc_discovery *out);

/*
 * dmarc_discovery_request - the policy that applies to the author domain:
 * p at its own record, sp at the organizational domain's, np there when
 * the author domain does not exist. DMARC_REQUEST_UNSPECIFIED unless FOUND.
 */
enum dmarc_request dmarc_discovery_request(const struct dmarc_discovery *d);

/* dmarc_discovery_method_name - "treewalk" or "psl" (RFC 9990 discovery_method) */
const char *dmarc_discovery_method_name(enum dmarc_method method);

/* dmarc_discovery_method_parse - "treewalk" or "psl" (any case); 0, or -1 */
int dmarc_discovery_method_parse(const char *text, enum dmarc_method *out);

/* dmarc_discovery_status_name - "found", "none", "temperror", "permerror" */
const char *dmarc_discovery_status_name(enum dmarc_discovery_status status);

#endif
