/*
 * policy - the local policy: from a DMARC evaluation to the action taken.
 *
 * The published DMARC disposition is an input, not the decision. The
 * action is the stricter of the published disposition (after t=y, which
 * lowers reject to quarantine and quarantine to none, RFC 9989 4.7) and
 * the local floor (default quarantine, also for p=none and t=y), unless
 * an exemption applies. RFC 9989 removed pct: nothing is sampled, a
 * record's pct changes nothing here.
 *
 *
 *  - authenticated clients (when ignore_authenticated) and trusted
 *    networks are our own users: nothing is enforced, reason exempt-*;
 *  - allow-listed client networks, From domains and DKIM signing domains
 *    (forwarders, mailing lists) skip the floor; the published
 *    disposition still applies, as at any DMARC receiver;
 *  - trusted forwarders (forwarder.h): forwarded-arc, a passing ARC
 *    chain whose trusted sealers recorded the From domain authenticated,
 *    accepts the message whatever the published disposition;
 *    forwarded-trusted, mail authenticated for a trusted forwarder
 *    without such a chain, skips the floor like the allow lists;
 *    neither applies to a "protect" domain;
 *  - per-domain rules: "protect" raises the floor to reject and enforces
 *    a domain that publishes no record as if it published p=reject;
 *    "relax" drops the floor (the published disposition alone applies).
 *
 * A malformed or ambiguous From gets malformed_from (default reject); a
 * temporary DNS failure that left the result undecided gets temperror
 * (default tempfail, never quarantine or pass on doubt); no usable policy
 * gets no_policy (default accept); a permanent error in the record
 * permerror (default accept). Dry run computes everything, reports the
 * action it would have taken, and accepts.
 *
 * A look-alike sender (lib/lookalike, found by the caller) gets the
 * look-alike action (default quarantine) whatever DMARC said, unless the
 * action otherwise taken is stricter: policy_apply_lookalike never
 * weakens a decision, and our own users (authenticated clients, trusted
 * networks) are not judged. The reason is then "lookalike-<check>".
 *
 * Every decision carries a short stable reason code (see policy.c's table
 * and docs/alerts.md).
 *
 * Thread-safety: policy_decide is a pure function of its arguments;
 * settings are read-only after configuration.
 */
#ifndef DMARCGUARD_POLICY_H
#define DMARCGUARD_POLICY_H

#include "action.h"
#include "dmarc_record.h"
#include "domain_rules.h"
#include "domain_set.h"
#include "forwarder.h"
#include "netlist.h"

/* DMARC outcome for a message (RFC 7489 plus temperror/permerror) */
enum dmarc_outcome {
	DMARC_OUTCOME_NONE,		/* no usable policy record */
	DMARC_OUTCOME_PASS,
	DMARC_OUTCOME_FAIL,
	DMARC_OUTCOME_TEMPERROR,
	DMARC_OUTCOME_PERMERROR,
};


struct policy_settings {
	enum action fail_floor;		/* DMARC fail: at least this */
	enum action published_reject;	/* what a published reject becomes */
	enum action malformed_from;
	enum action temperror;		/* tempfail or accept */
	enum action no_policy;
	enum action permerror;
	enum action lookalike;		/* look-alike sender: accept logs only */
	int ignore_authenticated;
	int dry_run;
	struct netlist *trusted_networks;
	struct netlist *allow_client_networks;
	struct domain_set *allow_from_domains;
	struct domain_set *allow_signing_domains;
	struct domain_set *trusted_forwarders;		/* TrustedForwarders */
	struct domain_set *trusted_forwarders_file;	/* TrustedForwardersFile's */
	struct domain_rules *domain_rules;
};

struct policy_input {
	const char *malformed_from;	/* reason code, or NULL when From is fine */
	const char *author_domain;
	enum dmarc_outcome outcome;
	enum dmarc_request request;	/* the applicable p, sp or np */
	int testing;			/* t=y */
	int aligned_pass;		/* an aligned SPF or DKIM pass (also without a record) */
	int aligned_temperror;		/* an aligned SPF or DKIM check failed temporarily */
	int client_authenticated;
	const char *client_address;
	/* DKIM signing domains with a verified signature, for the allow list */
	const char *const *passing_signers;
	size_t passing_signer_count;
	/* a trusted forwarder's word for the message (forwarder_find) */
	enum forwarder_kind forwarded;
};

struct policy_decision {
	enum action action;		/* what to do (accept in dry run) */
	enum action would_action;	/* what we would do without dry run */
	enum dmarc_request published;	/* after t=y lowering */
	enum action published_action;	/* what the published policy alone asks */
	int raised;			/* local policy went above published */
	int dry_run;
	const char *reason;		/* stable reason code */
	const char *exemption;		/* exemption name, or NULL */
	enum domain_rule rule;
};

/* policy_settings_init - defaults (no lists; the caller adds them) */
void policy_settings_init(struct policy_settings *settings);
/* policy_settings_release - free the lists and rules the settings own */
void policy_settings_release(struct policy_settings *settings);

void policy_decide(const struct policy_settings *settings,
		   const struct policy_input *input, struct policy_decision *out);

/*
 * policy_apply_lookalike - after policy_decide: a look-alike sender was
 * found; reason is its static reason code ("lookalike-typo", ...). Raises
 * the action to the look-alike action when that is stricter, and takes
 * the reason when the look-alike action is at least as strict.
 */
void policy_apply_lookalike(const struct policy_settings *settings, const char *reason,
			    struct policy_decision *decision);

const char *policy_outcome_name(enum dmarc_outcome outcome);

#endif
