/*
 * reports_destination - external destination verification (see
 * reports_destination.h).
 *
 * Thread-safety: as the resolver and orgdomain it is given.
 */
#include "reports_destination.h"
#include "dmarc_record.h"

#include <stdio.h>
#include <string.h>

enum reports_destination_verdict
reports_destination_check(struct resolver *resolver, const struct orgdomain *od,
			  const char *policy_domain, const char *address, const char **why_r)
{
	const char *at = strrchr(address, '@');
	char qname[DNS_NAME_MAX * 2 + 32];
	enum reports_destination_verdict v = REPORTS_DESTINATION_REFUSED;
	struct dns_answer *a;

	if (at == NULL || at[1] == '\0') {
		*why_r = "not an address";
		return REPORTS_DESTINATION_REFUSED;
	}
	if (orgdomain_aligned(od, at + 1, policy_domain, ALIGN_RELAXED)) {
		*why_r = "same organizational domain";
		return REPORTS_DESTINATION_OK;
	}
	if ((size_t)snprintf(qname, sizeof(qname), "%s._report._dmarc.%s", policy_domain, at + 1)
	    >= sizeof(qname)) {
		*why_r = "authorisation name too long";
		return REPORTS_DESTINATION_REFUSED;
	}
	a = resolver_lookup(resolver, qname, DNS_TYPE_TXT, 0);
	*why_r = "the destination does not authorise reports about this domain";
	if (a->status == DNS_STATUS_TEMPFAIL) {
		*why_r = "the authorisation look-up failed for now";
		v = REPORTS_DESTINATION_RETRY;
	}
	for (size_t i = 0; a->status == DNS_STATUS_ANSWER && i < a->count; i++)
		if (dmarc_record_is_dmarc((const char *)a->records[i].data, a->records[i].len)) {
			*why_r = "authorised by the destination's _report._dmarc record";
			v = REPORTS_DESTINATION_OK;
		}
	dns_answer_unref(&a);
	return v;
}
