/*
 * policy - the local override on top of DMARC (see policy.h for the rules).
 *
 * Thread-safety: pure; settings are read-only.
 */
#include "policy.h"

#include <string.h>

void
policy_settings_init(struct policy_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->fail_floor = ACTION_QUARANTINE;
	s->published_reject = ACTION_REJECT;
	s->malformed_from = ACTION_REJECT;
	s->temperror = ACTION_TEMPFAIL;
	s->no_policy = ACTION_ACCEPT;
	s->permerror = ACTION_ACCEPT;
	s->lookalike = ACTION_QUARANTINE;
	s->ignore_authenticated = 1;
}

void
policy_settings_release(struct policy_settings *s)
{
	netlist_free(&s->trusted_networks);
	netlist_free(&s->allow_client_networks);
	domain_set_free(&s->allow_from_domains);
	domain_set_free(&s->allow_signing_domains);
	domain_set_free(&s->trusted_forwarders);
	domain_set_free(&s->trusted_forwarders_file);
	domain_rules_free(&s->domain_rules);
}

const char *
policy_outcome_name(enum dmarc_outcome outcome)
{
	switch (outcome) {
	case DMARC_OUTCOME_NONE: return "none";
	case DMARC_OUTCOME_PASS: return "pass";
	case DMARC_OUTCOME_FAIL: return "fail";
	case DMARC_OUTCOME_TEMPERROR: return "temperror";
	case DMARC_OUTCOME_PERMERROR: return "permerror";
	}
	return "unknown";
}

/* lower - one step down: reject -> quarantine -> none */
static enum dmarc_request
lower(enum dmarc_request r)
{
	if (r == DMARC_REQUEST_REJECT)
		return DMARC_REQUEST_QUARANTINE;
	return r == DMARC_REQUEST_UNSPECIFIED ? r : DMARC_REQUEST_NONE;
}

/* published_disposition - p/sp/np after t=y (RFC 9989 4.7: one level below) */
static enum dmarc_request
published_disposition(const struct policy_input *in)
{
	return in->testing ? lower(in->request) : in->request;
}

static enum action
request_action(const struct policy_settings *s, enum dmarc_request r)
{
	switch (r) {
	case DMARC_REQUEST_QUARANTINE: return ACTION_QUARANTINE;
	case DMARC_REQUEST_REJECT: return s->published_reject;
	default: return ACTION_ACCEPT;
	}
}

/* floor_exemption - the allow list that lets this message skip the floor */
static const char *
floor_exemption(const struct policy_settings *s, const struct policy_input *in)
{
	if (netlist_match(s->allow_client_networks, in->client_address))
		return "exempt-allowed-client";
	if (in->author_domain && domain_set_match(s->allow_from_domains, in->author_domain))
		return "exempt-allowed-from";
	for (size_t i = 0; i < in->passing_signer_count; i++)
		if (domain_set_match(s->allow_signing_domains, in->passing_signers[i]))
			return "exempt-allowed-signer";
	if (in->forwarded == FORWARDER_TRUSTED)
		return "forwarded-trusted";
	return NULL;
}

static void
decide_fail(const struct policy_settings *s, const struct policy_input *in,
	    struct policy_decision *out)
{
	enum action floor = s->fail_floor;
	const char *exemption = floor_exemption(s, in);

	out->published = published_disposition(in);
	out->published_action = request_action(s, out->published);
	if (in->forwarded == FORWARDER_ARC && out->rule != DOMAIN_RULE_PROTECT) {
		/* a trusted sealer saw it authenticated before it changed it */
		out->exemption = out->reason = "forwarded-arc";
		out->action = ACTION_ACCEPT;
		return;
	}
	if (out->rule == DOMAIN_RULE_PROTECT)
		floor = ACTION_REJECT;
	else if (out->rule == DOMAIN_RULE_RELAX)
		floor = ACTION_ACCEPT;
	if (exemption != NULL && out->rule != DOMAIN_RULE_PROTECT) {
		out->exemption = exemption;
		if (action_stricter(out->published_action, floor) > out->published_action) {
			out->action = out->published_action;
			out->reason = exemption;
			return;
		}
		floor = ACTION_ACCEPT;
	}
	out->action = action_stricter(out->published_action, floor);
	out->raised = out->action > out->published_action;
	if (out->raised)
		out->reason = out->rule == DOMAIN_RULE_PROTECT ? "dmarc-fail-protected-domain"
		    : "dmarc-fail-local-floor";
	else if (out->published == DMARC_REQUEST_REJECT)
		out->reason = "published-reject";
	else if (out->published == DMARC_REQUEST_QUARANTINE)
		out->reason = "published-quarantine";
	else
		out->reason = "dmarc-fail-published-none";
}

/* decide_no_policy - none or permerror: protected domains are enforced */
static void
decide_no_policy(const struct policy_settings *s, const struct policy_input *in,
		 struct policy_decision *out)
{
	int none = in->outcome == DMARC_OUTCOME_NONE;

	out->published = DMARC_REQUEST_UNSPECIFIED;
	out->published_action = ACTION_ACCEPT;
	if (out->rule == DOMAIN_RULE_PROTECT) {
		if (in->aligned_pass) {
			out->action = ACTION_ACCEPT;
			out->reason = "protected-aligned-pass";
		} else if (in->aligned_temperror) {
			/* never enforce on DNS doubt */
			out->action = s->temperror;
			out->reason = "dns-temperror";
		} else {
			out->action = ACTION_REJECT;
			out->raised = 1;
			out->reason = "protected-no-policy";
		}
		return;
	}
	out->action = none ? s->no_policy : s->permerror;
	out->raised = out->action > ACTION_ACCEPT && out->action != ACTION_TEMPFAIL;
	out->reason = none ? "no-policy" : "dmarc-permerror";
}

void
policy_decide(const struct policy_settings *s, const struct policy_input *in,
	      struct policy_decision *out)
{
	memset(out, 0, sizeof(*out));
	out->rule = domain_rules_lookup(s->domain_rules, in->author_domain);
	/* what the published policy asks, whatever the result, for the logs */
	out->published = published_disposition(in);
	out->published_action = request_action(s, out->published);
	if (in->client_authenticated && s->ignore_authenticated) {
		out->exemption = out->reason = "exempt-authenticated";
		out->action = ACTION_ACCEPT;
	} else if (netlist_match(s->trusted_networks, in->client_address)) {
		out->exemption = out->reason = "exempt-trusted-network";
		out->action = ACTION_ACCEPT;
	} else if (in->malformed_from != NULL) {
		out->action = s->malformed_from;
		out->reason = in->malformed_from;
	} else {
		switch (in->outcome) {
		case DMARC_OUTCOME_PASS:
			out->action = ACTION_ACCEPT;
			out->reason = "dmarc-pass";
			break;
		case DMARC_OUTCOME_TEMPERROR:
			out->action = s->temperror;
			out->reason = "dns-temperror";
			break;
		case DMARC_OUTCOME_FAIL:
			decide_fail(s, in, out);
			break;
		case DMARC_OUTCOME_NONE:
		case DMARC_OUTCOME_PERMERROR:
			decide_no_policy(s, in, out);
			break;
		}
	}
	out->would_action = out->action;
	if (s->dry_run) {
		out->dry_run = 1;
		out->action = ACTION_ACCEPT;
	}
}

void
policy_apply_lookalike(const struct policy_settings *s, const char *reason,
		       struct policy_decision *d)
{
	enum action was = d->would_action;

	/* our own users are not judged; DNS doubt is settled by a retry first */
	if (d->exemption != NULL && (strcmp(d->exemption, "exempt-authenticated") == 0
				     || strcmp(d->exemption, "exempt-trusted-network") == 0))
		return;
	if (was == ACTION_TEMPFAIL || action_stricter(was, s->lookalike) != s->lookalike)
		return;
	d->reason = reason;
	if (s->lookalike > was) {
		d->raised = 1;
		d->would_action = s->lookalike;
		if (!d->dry_run)
			d->action = s->lookalike;
	}
}
