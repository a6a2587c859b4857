/*
 * forwarder - whether a message that failed DMARC came through a trusted
 * forwarder (a mailing list, a .forward relay) that vouches for it, and
 * how far that lifts the local policy (issue 14).
 *
 * Trusted forwarders are a domain list; a sealer or signer matches a
 * listed domain or any subdomain of it.
 *
 *   forwarded-arc      the ARC chain passes and its newest seal is by a
 *                      trusted forwarder. Walking from the newest instance
 *                      down while the sealer is trusted, one of those
 *                      instances' ARC-Authentication-Results records
 *                      dmarc=pass with header.from equal to the From
 *                      domain, or dkim=pass (header.d) or spf=pass
 *                      (smtp.mailfrom) for a domain aligned with it (in
 *                      the record's adkim/aspf mode). Lifts the whole
 *                      disposition: the floor and a published
 *                      quarantine or reject.
 *   forwarded-trusted  no usable chain (none, fail, or a newest seal not
 *                      trusted) but the message is authenticated for a
 *                      trusted forwarder: SPF pass for its MAIL FROM
 *                      domain, or a DKIM signature that verifies with its
 *                      d=. Lifts only our local floor.
 * Nothing else lifts anything: not List-Id, not an untrusted or broken
 * chain, not recorded results that say dmarc=fail or pass another domain.
 * A usable chain whose trusted results do not vouch for the From domain
 * lifts nothing either, whatever SPF or DKIM say.
 *
 * Thread-safety: pure; the domain sets are read-only.
 */
#ifndef DMARCGUARD_FORWARDER_H
#define DMARCGUARD_FORWARDER_H

#include <stddef.h>

#include "arc_chain.h"
#include "domain_set.h"
#include "orgdomain.h"

enum forwarder_kind { FORWARDER_NONE, FORWARDER_ARC, FORWARDER_TRUSTED };

struct forwarder_evidence {
	const struct arc_chain_result *arc;	/* NULL: not evaluated */
	const char *from_domain;
	const struct orgdomain *orgdomain;
	enum align_mode adkim, aspf;
	const char *mail_from_domain;		/* "" for the null sender */
	int spf_pass;				/* SPF pass for the MAIL FROM domain */
	const char *const *dkim_pass_domains;	/* d= of verified signatures */
	size_t dkim_pass_count;
};

struct forwarder_finding {
	enum forwarder_kind kind;
	const char *sealer;	/* FORWARDER_ARC: the sealer of the instance used */
	unsigned instance;	/* FORWARDER_ARC: its i= */
	const char *forwarder;	/* FORWARDER_TRUSTED: the domain authenticated */
};

/* the trusted forwarders: the TrustedForwarders list and the file's; either may be NULL */
struct forwarder_list {
	const struct domain_set *sets[2];
};

/* forwarder_trusted - whether domain is listed or under a listed domain */
int forwarder_trusted(const struct forwarder_list *trusted, const char *domain);

/* forwarder_find - the finding for this evidence (kind NONE when nothing applies) */
void forwarder_find(const struct forwarder_list *trusted, const struct forwarder_evidence *ev,
		    struct forwarder_finding *out);

/* forwarder_kind_name - "none", "forwarded-arc", "forwarded-trusted" */
const char *forwarder_kind_name(enum forwarder_kind kind);

#endif
