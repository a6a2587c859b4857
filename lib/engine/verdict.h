/*
 * verdict - everything decided about one message, for the daemon to act
 * on, to log as one alert line, and to put in Authentication-Results.
 *
 * All strings are owned by the message that produced the verdict and live
 * until message_free. Result words are RFC 8601's ("pass", "fail", ...).
 *
 * Thread-safety: read-only once message_finish returned it.
 */
#ifndef DMARCGUARD_VERDICT_H
#define DMARCGUARD_VERDICT_H

#include <stddef.h>

#include "policy.h"

struct verdict_spf {
	const char *result;		/* pass fail softfail neutral none temperror permerror */
	const char *identity;		/* "mailfrom" or "helo" */
	const char *domain;		/* the domain checked */
	const char *helo_result;	/* HELO identity's result when checked, else NULL */
	const char *problem;		/* short text for errors, or "" */
	int aligned;			/* domain aligned with the From domain
					 * (worked out for pass and temperror only) */
};

struct verdict_dkim {
	const char *domain;		/* d= */
	const char *selector;		/* s= */
	const char *algorithm;		/* a= */
	const char *result;		/* pass fail policy neutral temperror permerror none */
	const char *reason;		/* short text, or NULL */
	int aligned;			/* d= aligned with the From domain
					 * (worked out for a pass or temperror only) */
	int counts;			/* a pass that may decide DMARC */
};

struct verdict {
	const char *queue_id;
	const char *client_ip;
	const char *client_name;
	const char *helo;
	const char *mail_from_domain;	/* "" for the null sender */
	const char *rcpt_to_domain;	/* the first RCPT TO's domain, "" when none came */

	const char *from_domain;	/* "" when From is unusable */
	const char *from_problem;	/* malformed-from-* reason, or NULL */

	struct verdict_spf spf;
	const struct verdict_dkim *dkim;
	size_t dkim_count;
	size_t dkim_skipped;		/* DKIM-Signature fields past MaxSignatures */

	enum dmarc_outcome dmarc;
	const char *dmarc_problem;	/* why temperror/permerror, or NULL */
	const char *policy_domain;	/* where the record was found, or "" */
	int record_found;
	enum dmarc_request p, sp, np;
	unsigned pct;			/* as published (100 by default); not acted on */
	int testing;
	enum dmarc_psd psd;		/* the record's psd= (RFC 9989 4.7), u by default */
	/* how the policy was looked for, RFC 9990's discovery_method:
	 * "treewalk" or "psl"; NULL when no discovery was made */
	const char *discovery;
	/* tags RFC 9989 removed that the record still carries ("pct",
	 * "pct,ri", ...), read and not acted on; NULL when none */
	const char *removed_tags;
	char adkim, aspf;		/* 'r' or 's' */
	int from_org_domain;		/* record came from the organizational domain */
	enum dmarc_request request;	/* the p, sp or np that applies, before t= and pct */
	const char *rua;		/* rua as published when it holds a valid URI, else NULL */

	const char *arc;		/* ARC chain: "none", "pass", "fail" */
	const char *arc_reason;		/* why it failed, or NULL */
	const char *arc_sealer;		/* forwarded-arc: the trusted sealer used; else NULL */
	unsigned arc_instance;		/* forwarded-arc: its instance; else 0 */
	enum forwarder_kind forwarded;	/* what a trusted forwarder lifted */
	const char *forwarder;		/* forwarded-trusted: the domain authenticated */

	struct policy_decision decision;
	const char *lookalike;		/* look-alike check that matched, or NULL */
	const char *lookalike_of;	/* the protected domain it imitates, or NULL */

	const char *authres;		/* our Authentication-Results value (no name) */
	const size_t *own_authres;	/* 1-based indexes of A-R fields with our id */
	size_t own_authres_count;
};

#endif
