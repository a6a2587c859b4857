/*
 * dmarc_align - identifier alignment (RFC 9989 3.2.10, 4.4, 4.10.2): is an
 * authenticated identifier (SPF domain, DKIM d=) aligned with the author
 * domain, under the method that finds organizational domains.
 *
 *  - strict: the two names are identical (ASCII case and one trailing dot
 *    ignored); no DNS.
 *  - relaxed, identical names: aligned; no DNS (RFC 9989 4.10.2's note).
 *  - relaxed, tree walk: the organizational domains of both names from
 *    their own tree walks (dmarc_treewalk.h) are the same. A walk that
 *    failed for now makes the answer DMARC_ALIGN_TEMPERROR: it is never
 *    taken as "not aligned", which could turn a pass into a fail.
 *  - relaxed, PSL: orgdomain_aligned (both have the same organizational
 *    domain in the Public Suffix List); never TEMPERROR.
 * A name that is not a valid host name (orgdomain_normalize) is never
 * aligned, and costs no DNS.
 *
 * Thread-safety: any number of threads at once on a shared resolver and
 * orgdomain.
 */
#ifndef DMARCGUARD_DMARC_ALIGN_H
#define DMARCGUARD_DMARC_ALIGN_H

#include "dmarc_discovery.h"

enum dmarc_align_result {
	DMARC_ALIGN_NO,
	DMARC_ALIGN_YES,
	DMARC_ALIGN_TEMPERROR,		/* a tree walk failed for now */
};

/* How organizational domains are found: the method and what it needs. */
struct dmarc_align_ctx {
	enum dmarc_method method;
	struct resolver *resolver;	/* tree walk */
	const struct orgdomain *od;	/* PSL */
};

/*
 * dmarc_align_check - whether identifier and author are aligned in mode.
 * On TEMPERROR, *reason_r (when not NULL) says why (static text).
 */
enum dmarc_align_result dmarc_align_check(const struct dmarc_align_ctx *ctx,
					  const char *identifier, const char *author,
					  enum align_mode mode, const char **reason_r);

/* dmarc_align_result_name - "no", "yes", "temperror" */
const char *dmarc_align_result_name(enum dmarc_align_result result);

#endif
