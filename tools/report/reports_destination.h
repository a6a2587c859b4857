/*
 * reports_destination - may a report about a policy domain go to this
 * address? (RFC 9990's external destination verification)
 *
 * Same organizational domain as the policy domain: yes. Otherwise yes
 * only when <policy-domain>._report._dmarc.<destination-domain> holds a
 * DMARC record (a TXT record starting v=DMARC1, the test
 * dmarc_record_is_dmarc applies); no record, no name or another TXT
 * record: never; a temporary DNS failure: not now, try on a later run.
 *
 * Thread-safety: as the resolver and orgdomain it is given.
 */
#ifndef DMARCGUARD_REPORTS_DESTINATION_H
#define DMARCGUARD_REPORTS_DESTINATION_H

#include "orgdomain.h"
#include "resolver.h"

enum reports_destination_verdict {
	REPORTS_DESTINATION_OK,
	REPORTS_DESTINATION_REFUSED,
	REPORTS_DESTINATION_RETRY,
};

/* reports_destination_check - the verdict, with a short reason in *why_r (static) */
enum reports_destination_verdict
reports_destination_check(struct resolver *resolver, const struct orgdomain *od,
			  const char *policy_domain, const char *address, const char **why_r);

#endif
