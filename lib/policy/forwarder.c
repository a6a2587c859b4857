/*
 * forwarder - trusted forwarders and what their ARC sets or their own
 * authentication lift (see forwarder.h for the rules).
 *
 * Thread-safety: pure.
 */
#include "forwarder.h"
#include "arc_aar.h"

#include <string.h>
#include <strings.h>

/* listed - whether one of the lists has d */
static int
listed(const struct forwarder_list *trusted, const char *d)
{
	for (size_t i = 0; i < 2; i++)
		if (trusted->sets[i] != NULL && domain_set_match(trusted->sets[i], d))
			return 1;
	return 0;
}

int
forwarder_trusted(const struct forwarder_list *trusted, const char *domain)
{
	if (domain == NULL || domain[0] == '\0')
		return 0;
	/* the domain itself, then each parent: a listed domain covers its subdomains */
	for (const char *d = domain; d != NULL && *d != '\0';) {
		const char *dot = strchr(d, '.');

		if (listed(trusted, d))
			return 1;
		d = dot != NULL ? dot + 1 : NULL;
	}
	return 0;
}

/* identity_domain - the domain of "user@domain" or "domain" */
static const char *
identity_domain(const char *v)
{
	const char *at = strrchr(v, '@');

	return at != NULL ? at + 1 : v;
}

/* vouches - whether this AAR records an authentication of the From domain */
static int
vouches(const struct forwarder_evidence *ev, const char *aar, size_t len)
{
	struct arc_aar_iter it;
	struct arc_aar_entry e;

	arc_aar_begin(&it, aar, len);
	while (arc_aar_next(&it, &e)) {
		const char *v;

		if (strcmp(e.result, "pass") != 0)
			continue;
		if (strcmp(e.method, "dmarc") == 0) {
			v = arc_aar_prop(&e, "header.from");
			if (v != NULL && strcasecmp(v, ev->from_domain) == 0)
				return 1;
		} else if (strcmp(e.method, "dkim") == 0) {
			v = arc_aar_prop(&e, "header.d");
			if (v == NULL && (v = arc_aar_prop(&e, "header.i")) != NULL)
				v = identity_domain(v);
			if (v != NULL && orgdomain_aligned(ev->orgdomain, v, ev->from_domain,
							   ev->adkim))
				return 1;
		} else if (strcmp(e.method, "spf") == 0) {
			v = arc_aar_prop(&e, "smtp.mailfrom");
			if (v != NULL && orgdomain_aligned(ev->orgdomain, identity_domain(v),
							   ev->from_domain, ev->aspf))
				return 1;
		}
	}
	return 0;
}

/* usable_chain - a passing chain whose newest seal is trusted */
static int
usable_chain(const struct forwarder_list *trusted, const struct arc_chain_result *arc)
{
	return arc != NULL && arc->status == ARC_CHAIN_PASS && arc->instances > 0
	    && forwarder_trusted(trusted, arc->sets[arc->instances - 1].sealer);
}

void
forwarder_find(const struct forwarder_list *trusted, const struct forwarder_evidence *ev,
	       struct forwarder_finding *out)
{
	memset(out, 0, sizeof(*out));
	if ((trusted->sets[0] == NULL && trusted->sets[1] == NULL) || ev->from_domain == NULL || ev->from_domain[0] == '\0')
		return;
	if (usable_chain(trusted, ev->arc)) {
		for (unsigned i = ev->arc->instances; i >= 1; i--) {
			const struct arc_chain_set *set = &ev->arc->sets[i - 1];

			if (!forwarder_trusted(trusted, set->sealer))
				break;
			if (vouches(ev, set->aar, set->aar_len)) {
				out->kind = FORWARDER_ARC;
				out->sealer = set->sealer;
				out->instance = set->instance;
				return;
			}
		}
		return;
	}
	if (ev->spf_pass && forwarder_trusted(trusted, ev->mail_from_domain)) {
		out->kind = FORWARDER_TRUSTED;
		out->forwarder = ev->mail_from_domain;
		return;
	}
	for (size_t i = 0; i < ev->dkim_pass_count; i++)
		if (forwarder_trusted(trusted, ev->dkim_pass_domains[i])) {
			out->kind = FORWARDER_TRUSTED;
			out->forwarder = ev->dkim_pass_domains[i];
			return;
		}
}

const char *
forwarder_kind_name(enum forwarder_kind kind)
{
	switch (kind) {
	case FORWARDER_ARC: return "forwarded-arc";
	case FORWARDER_TRUSTED: return "forwarded-trusted";
	case FORWARDER_NONE: break;
	}
	return "none";
}
