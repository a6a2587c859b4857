/*
 * dmarc_discovery - the _dmarc look-ups of one author domain, by tree
 * walk or by Public Suffix List (see dmarc_discovery.h for the steps and
 * the statuses).
 *
 * Thread-safety: no state of its own; the resolver and the orgdomain are
 * shared read-only (the resolver is thread-safe).
 */
#include "dmarc_discovery.h"
#include "dmarc_treewalk.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* What one _dmarc level yielded. */
enum level {
	LEVEL_EMPTY,		/* no DMARC record there: try the next level */
	LEVEL_DONE,		/* out is final (found, permerror or temperror) */
};

/*
 * query_level - look up TXT _dmarc.<domain> and settle out when that level
 * decides the discovery.
 */
static enum level
query_level(struct resolver *resolver, const char *domain,
	    struct dmarc_discovery *out)
{
	char qname[DNS_NAME_BUFSIZE];
	struct dns_answer *a;
	const struct dns_record *kept = NULL;
	size_t nkept = 0;
	const char *error = NULL;
	enum level result = LEVEL_DONE;

	snprintf(qname, sizeof(qname), "_dmarc.%s", domain);
	a = resolver_lookup(resolver, qname, DNS_TYPE_TXT, 0);
	if (a->status == DNS_STATUS_TEMPFAIL) {
		out->status = DMARC_DISCOVERY_TEMPERROR;
		out->reason = a->reason != NULL ? a->reason : "temporary DNS failure";
		goto done;
	}
	for (size_t i = 0; a->status == DNS_STATUS_ANSWER && i < a->count; i++)
		if (dmarc_record_is_dmarc((const char *)a->records[i].data,
					  a->records[i].len)) {
			kept = &a->records[i];
			nkept++;
		}
	if (nkept == 0) {
		result = LEVEL_EMPTY;
		goto done;
	}
	if (nkept > 1) {
		out->status = DMARC_DISCOVERY_PERMERROR;
		out->reason = "more than one DMARC record";
	} else if (dmarc_record_parse((const char *)kept->data, kept->len,
				      &out->record, &error) == 0) {
		out->status = DMARC_DISCOVERY_FOUND;
		out->reason = "DMARC record found";
	} else if (strcmp(error, "out of memory") == 0) {
		out->status = DMARC_DISCOVERY_TEMPERROR;
		out->reason = error;
	} else {
		out->status = DMARC_DISCOVERY_PERMERROR;
		out->reason = error;
	}
done:
	if (result == LEVEL_DONE)
		snprintf(out->domain, sizeof(out->domain), "%s", domain);
	dns_answer_unref(&a);
	return result;
}

/*
 * check_existence - whether the author domain is non-existent for np:
 * NXDOMAIN for A, AAAA and MX. Stops at the first answer that shows it
 * exists; a temporary failure counts as existing.
 */
static void
check_existence(struct resolver *resolver, struct dmarc_discovery *out)
{
	static const uint16_t types[] = { DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_MX };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct dns_answer *a = resolver_lookup(resolver, out->author_domain,
						       types[i], 0);
		enum dns_status status = a->status;

		dns_answer_unref(&a);
		if (status == DNS_STATUS_TEMPFAIL)
			out->existence_tempfail = 1;
		if (status != DNS_STATUS_NXDOMAIN)
			return;
	}
	out->author_domain_nonexistent = 1;
}

/* discover_psl - RFC 7489: the author domain, then its PSL organizational domain */
static void
discover_psl(struct resolver *resolver, const struct orgdomain *od,
	     struct dmarc_discovery *out)
{
	if (orgdomain_get(od, out->author_domain, out->org_domain,
			  sizeof(out->org_domain)) < 0)
		out->org_domain[0] = '\0';

	if (query_level(resolver, out->author_domain, out) == LEVEL_DONE)
		return;
	if (out->org_domain[0] == '\0'
	    || strcmp(out->org_domain, out->author_domain) == 0) {
		out->reason = "no DMARC record";
		return;
	}
	if (query_level(resolver, out->org_domain, out) == LEVEL_EMPTY) {
		out->reason = "no DMARC record";
		return;
	}
	out->from_org_domain = out->status == DMARC_DISCOVERY_FOUND;
}

/* discover_treewalk - RFC 9989 4.10.1 (dmarc_treewalk.h) */
static void
discover_treewalk(struct resolver *resolver, struct dmarc_discovery *out)
{
	struct dmarc_treewalk w;
	const struct dmarc_treewalk_name *policy;
	const char *org, *error = NULL;
	size_t i;

	if (dmarc_treewalk_run(resolver, out->author_domain, DMARC_TREEWALK_STOP_AT_START,
			       &w, &error) < 0) {
		out->reason = error;	/* cannot happen: the name is normalized */
		return;
	}
	if (w.status == DMARC_TREEWALK_TEMPERROR) {
		out->status = DMARC_DISCOVERY_TEMPERROR;
		out->reason = w.reason;
		snprintf(out->domain, sizeof(out->domain), "%s", w.failed);
		goto done;
	}
	if (w.names[0].records != 1 && (org = dmarc_treewalk_orgdomain(&w)) != NULL)
		snprintf(out->org_domain, sizeof(out->org_domain), "%s", org);
	if ((policy = dmarc_treewalk_policy(&w)) == NULL) {
		out->reason = "no DMARC record";
		goto done;
	}
	i = (size_t)(policy - w.names);
	snprintf(out->domain, sizeof(out->domain), "%s", policy->domain);
	out->from_org_domain = i > 0;
	if (!policy->usable) {
		out->status = DMARC_DISCOVERY_PERMERROR;
		out->reason = policy->error;
		goto done;
	}
	out->status = DMARC_DISCOVERY_FOUND;
	out->reason = "DMARC record found";
	out->record = w.names[i].record;	/* the walk gives it up */
	memset(&w.names[i].record, 0, sizeof(w.names[i].record));
done:
	dmarc_treewalk_clear(&w);
}

int
dmarc_discovery_lookup(struct resolver *resolver, const struct orgdomain *od,
		       enum dmarc_method method, const char *author_domain,
		       struct dmarc_discovery *out)
{
	const char *error = NULL;

	memset(out, 0, sizeof(*out));
	out->status = DMARC_DISCOVERY_NONE;
	out->method = method;
	if (dns_name_normalize(author_domain, out->author_domain,
			       sizeof(out->author_domain), &error) < 0) {
		out->reason = error;
		return -1;
	}
	if (method == DMARC_METHOD_PSL)
		discover_psl(resolver, od, out);
	else
		discover_treewalk(resolver, out);
	if (out->status != DMARC_DISCOVERY_FOUND) {
		out->from_org_domain = 0;
		return 0;
	}
	if (out->from_org_domain && (out->record.tags & DMARC_TAG_NP))
		check_existence(resolver, out);
	return 0;
}

const char *
dmarc_discovery_method_name(enum dmarc_method method)
{
	return method == DMARC_METHOD_PSL ? "psl" : "treewalk";
}

int
dmarc_discovery_method_parse(const char *text, enum dmarc_method *out)
{
	if (strcasecmp(text, "treewalk") == 0)
		*out = DMARC_METHOD_TREEWALK;
	else if (strcasecmp(text, "psl") == 0)
		*out = DMARC_METHOD_PSL;
	else
		return -1;
	return 0;
}

void
dmarc_discovery_clear(struct dmarc_discovery *out)
{
	dmarc_record_clear(&out->record);
	memset(out, 0, sizeof(*out));
}

enum dmarc_request
dmarc_discovery_request(const struct dmarc_discovery *d)
{
	if (d->status != DMARC_DISCOVERY_FOUND)
		return DMARC_REQUEST_UNSPECIFIED;
	if (!d->from_org_domain)
		return d->record.p;
	return d->author_domain_nonexistent ? d->record.np : d->record.sp;
}

const char *
dmarc_discovery_status_name(enum dmarc_discovery_status status)
{
	switch (status) {
	case DMARC_DISCOVERY_FOUND:
		return "found";
	case DMARC_DISCOVERY_NONE:
		return "none";
	case DMARC_DISCOVERY_TEMPERROR:
		return "temperror";
	case DMARC_DISCOVERY_PERMERROR:
		return "permerror";
	}
	return "unknown";
}
