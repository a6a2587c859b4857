/*
 * test_policy - the local override, one row per rule: published
 * dispositions with t=y (RFC 9989: pct is gone, so no input samples),
 * the fail floor, malformed From,
 * temperror, no policy, protected and relaxed domains, exemptions and dry
 * run. Each row states the action and the reason code. A second table
 * puts a look-alike sender on top of each kind of decision.
 */
#include <string.h>

#include "policy.h"
#include "test_main.h"

enum setup { PLAIN, DRY_RUN, FLOOR_REJECT, LOWER_REJECT, TEMPERROR_ACCEPT };

#define FAIL DMARC_OUTCOME_FAIL
#define PASS DMARC_OUTCOME_PASS
#define NONE DMARC_OUTCOME_NONE
#define TEMP DMARC_OUTCOME_TEMPERROR
#define PERM DMARC_OUTCOME_PERMERROR
#define P_NONE DMARC_REQUEST_NONE
#define P_QUAR DMARC_REQUEST_QUARANTINE
#define P_REJ DMARC_REQUEST_REJECT
#define P_UNSPEC DMARC_REQUEST_UNSPECIFIED

static const struct {
	const char *what;
	enum setup setup;
	const char *domain;
	const char *client;
	int authenticated;
	const char *malformed;
	enum dmarc_outcome outcome;
	enum dmarc_request request;
	int testing, aligned_pass;	/* aligned_pass 2: aligned temperror */
	const char *signer;
	enum action want;
	const char *want_reason;
	int want_raised;
} cases[] = {
	{ "p=none fail is quarantined", PLAIN, "none.example", "192.0.2.1", 0, NULL,
	  FAIL, P_NONE, 0, 0, NULL, ACTION_QUARANTINE, "dmarc-fail-local-floor", 1 },
	{ "p=quarantine fail", PLAIN, "q.example", "192.0.2.1", 0, NULL,
	  FAIL, P_QUAR, 0, 0, NULL, ACTION_QUARANTINE, "published-quarantine", 0 },
	{ "p=reject fail", PLAIN, "r.example", "192.0.2.1", 0, NULL,
	  FAIL, P_REJ, 0, 0, NULL, ACTION_REJECT, "published-reject", 0 },
	{ "p=reject t=y lowers to quarantine", PLAIN, "r.example", "192.0.2.1", 0, NULL,
	  FAIL, P_REJ, 1, 0, NULL, ACTION_QUARANTINE, "published-quarantine", 0 },
	{ "p=quarantine t=y: floor", PLAIN, "q.example", "192.0.2.1", 0, NULL,
	  FAIL, P_QUAR, 1, 0, NULL, ACTION_QUARANTINE, "dmarc-fail-local-floor", 1 },
	{ "p=none t=y: nothing to lower, floor", PLAIN, "none.example", "192.0.2.1", 0, NULL,
	  FAIL, P_NONE, 1, 0, NULL, ACTION_QUARANTINE, "dmarc-fail-local-floor", 1 },
	{ "p=reject t=y, relaxed domain: published quarantine", PLAIN, "lists.relaxed.example",
	  "192.0.2.1", 0, NULL, FAIL, P_REJ, 1, 0, NULL, ACTION_QUARANTINE,
	  "published-quarantine", 0 },
	{ "pass", PLAIN, "r.example", "192.0.2.1", 0, NULL,
	  PASS, P_REJ, 0, 1, NULL, ACTION_ACCEPT, "dmarc-pass", 0 },
	{ "no policy", PLAIN, "n.example", "192.0.2.1", 0, NULL,
	  NONE, P_UNSPEC, 0, 0, NULL, ACTION_ACCEPT, "no-policy", 0 },
	{ "permerror", PLAIN, "n.example", "192.0.2.1", 0, NULL,
	  PERM, P_UNSPEC, 0, 0, NULL, ACTION_ACCEPT, "dmarc-permerror", 0 },
	{ "temperror tempfails", PLAIN, "r.example", "192.0.2.1", 0, NULL,
	  TEMP, P_UNSPEC, 0, 0, NULL, ACTION_TEMPFAIL, "dns-temperror", 0 },
	{ "temperror accepted when configured", TEMPERROR_ACCEPT, "r.example", "192.0.2.1", 0,
	  NULL, TEMP, P_UNSPEC, 0, 0, NULL, ACTION_ACCEPT, "dns-temperror", 0 },
	{ "malformed From rejected", PLAIN, NULL, "192.0.2.1", 0, "malformed-from-multiple",
	  NONE, P_UNSPEC, 0, 0, NULL, ACTION_REJECT, "malformed-from-multiple", 0 },
	{ "malformed From wins over a pass", PLAIN, "r.example", "192.0.2.1", 0,
	  "malformed-from-group", PASS, P_REJ, 0, 1, NULL, ACTION_REJECT,
	  "malformed-from-group", 0 },
	{ "authenticated client exempt", PLAIN, "none.example", "192.0.2.1", 1, NULL,
	  FAIL, P_REJ, 0, 0, NULL, ACTION_ACCEPT, "exempt-authenticated", 0 },
	{ "trusted network exempt", PLAIN, "none.example", "127.0.0.1", 0, NULL,
	  FAIL, P_REJ, 0, 0, NULL, ACTION_ACCEPT, "exempt-trusted-network", 0 },
	{ "trusted network exempt even with malformed From", PLAIN, NULL, "::1", 0,
	  "malformed-from-empty", NONE, P_UNSPEC, 0, 0, NULL, ACTION_ACCEPT,
	  "exempt-trusted-network", 0 },
	{ "allowed client skips the floor", PLAIN, "none.example", "198.51.100.25", 0, NULL,
	  FAIL, P_NONE, 0, 0, NULL, ACTION_ACCEPT, "exempt-allowed-client", 0 },
	{ "allowed client still gets published reject", PLAIN, "r.example", "198.51.100.25", 0,
	  NULL, FAIL, P_REJ, 0, 0, NULL, ACTION_REJECT, "published-reject", 0 },
	{ "allowed From domain skips the floor", PLAIN, "partner.example", "192.0.2.1", 0, NULL,
	  FAIL, P_NONE, 0, 0, NULL, ACTION_ACCEPT, "exempt-allowed-from", 0 },
	{ "allowed signer skips the floor", PLAIN, "none.example", "192.0.2.1", 0, NULL,
	  FAIL, P_NONE, 0, 0, "lists.example", ACTION_ACCEPT, "exempt-allowed-signer", 0 },
	{ "unlisted signer does not", PLAIN, "none.example", "192.0.2.1", 0, NULL,
	  FAIL, P_NONE, 0, 0, "other.example", ACTION_QUARANTINE,
	  "dmarc-fail-local-floor", 1 },
	{ "protected domain fail rejects", PLAIN, "ministry.example", "192.0.2.1", 0, NULL,
	  FAIL, P_NONE, 0, 0, NULL, ACTION_REJECT, "dmarc-fail-protected-domain", 1 },
	{ "protected subdomain fail rejects", PLAIN, "mail.university.example", "192.0.2.1", 0,
	  NULL, FAIL, P_QUAR, 0, 0, NULL, ACTION_REJECT, "dmarc-fail-protected-domain", 1 },
	{ "protected domain without record is enforced", PLAIN, "ministry.example", "192.0.2.1",
	  0, NULL, NONE, P_UNSPEC, 0, 0, NULL, ACTION_REJECT, "protected-no-policy", 1 },
	{ "protected domain without record, aligned pass", PLAIN, "ministry.example",
	  "192.0.2.1", 0, NULL, NONE, P_UNSPEC, 0, 1, NULL, ACTION_ACCEPT,
	  "protected-aligned-pass", 0 },
	{ "protected domain without record, DNS doubt", PLAIN, "ministry.example",
	  "192.0.2.1", 0, NULL, NONE, P_UNSPEC, 0, 2, NULL, ACTION_TEMPFAIL,
	  "dns-temperror", 0 },
	{ "protected beats allow list", PLAIN, "ministry.example", "198.51.100.25", 0, NULL,
	  FAIL, P_NONE, 0, 0, NULL, ACTION_REJECT, "dmarc-fail-protected-domain", 1 },
	{ "relaxed domain: published none only", PLAIN, "lists.relaxed.example", "192.0.2.1", 0,
	  NULL, FAIL, P_NONE, 0, 0, NULL, ACTION_ACCEPT, "dmarc-fail-published-none", 0 },
	{ "relaxed domain: published reject kept", PLAIN, "lists.relaxed.example", "192.0.2.1",
	  0, NULL, FAIL, P_REJ, 0, 0, NULL, ACTION_REJECT, "published-reject", 0 },
	{ "dry run accepts", DRY_RUN, "none.example", "192.0.2.1", 0, NULL,
	  FAIL, P_NONE, 0, 0, NULL, ACTION_ACCEPT, "dmarc-fail-local-floor", 1 },
	{ "dry run accepts a reject", DRY_RUN, "r.example", "192.0.2.1", 0, NULL,
	  FAIL, P_REJ, 0, 0, NULL, ACTION_ACCEPT, "published-reject", 0 },
	{ "floor reject", FLOOR_REJECT, "none.example", "192.0.2.1", 0, NULL,
	  FAIL, P_NONE, 0, 0, NULL, ACTION_REJECT, "dmarc-fail-local-floor", 1 },
	{ "operator lowers published reject", LOWER_REJECT, "r.example", "192.0.2.1", 0, NULL,
	  FAIL, P_REJ, 0, 0, NULL, ACTION_QUARANTINE, "published-reject", 0 },
};

static void
settings_for(enum setup setup, struct policy_settings *s)
{
	const char *error;

	policy_settings_init(s);
	s->trusted_networks = netlist_parse("127.0.0.0/8 ::1", &error);
	s->allow_client_networks = netlist_parse("198.51.100.0/24", &error);
	s->allow_from_domains = domain_set_new();
	domain_set_add(s->allow_from_domains, "partner.example", &error);
	s->allow_signing_domains = domain_set_new();
	domain_set_add(s->allow_signing_domains, "lists.example", &error);
	s->domain_rules = domain_rules_new();
	domain_rules_add_line(s->domain_rules, "protect ministry.example .university.example",
			      &error);
	domain_rules_add_line(s->domain_rules, "relax .relaxed.example", &error);
	domain_rules_add_line(s->domain_rules, "relax ministry.example", &error);
	switch (setup) {
	case DRY_RUN: s->dry_run = 1; break;
	case FLOOR_REJECT: s->fail_floor = ACTION_REJECT; break;
	case LOWER_REJECT: s->published_reject = ACTION_QUARANTINE; break;
	case TEMPERROR_ACCEPT: s->temperror = ACTION_ACCEPT; break;
	case PLAIN: break;
	}
}

START_TEST(test_decide)
{
	struct policy_settings s;
	struct policy_decision d;
	const char *signers[1] = { cases[_i].signer };
	struct policy_input in = {
		.malformed_from = cases[_i].malformed,
		.author_domain = cases[_i].domain,
		.outcome = cases[_i].outcome,
		.request = cases[_i].request,
		.testing = cases[_i].testing,
		.aligned_pass = cases[_i].aligned_pass == 1,
		.aligned_temperror = cases[_i].aligned_pass == 2,
		.client_authenticated = cases[_i].authenticated,
		.client_address = cases[_i].client,
		.passing_signers = signers,
		.passing_signer_count = cases[_i].signer ? 1 : 0,
	};

	settings_for(cases[_i].setup, &s);
	policy_decide(&s, &in, &d);
	ck_assert_msg(d.action == cases[_i].want, "%s: action %s, want %s", cases[_i].what,
		      action_name(d.action), action_name(cases[_i].want));
	ck_assert_msg(strcmp(d.reason, cases[_i].want_reason) == 0, "%s: reason %s, want %s",
		      cases[_i].what, d.reason, cases[_i].want_reason);
	ck_assert_msg(d.raised == cases[_i].want_raised, "%s: raised %d", cases[_i].what,
		      d.raised);
	if (cases[_i].setup == DRY_RUN) {
		ck_assert(d.dry_run);
		ck_assert_int_ne(d.would_action, ACTION_ACCEPT);
	} else {
		ck_assert_int_eq(d.would_action, d.action);
	}
	policy_settings_release(&s);
	ck_assert_ptr_null(s.trusted_networks);
}
END_TEST

/* a look-alike sender on top of each DMARC decision: raised, never lowered */
static const struct {
	const char *what;
	enum setup setup;
	enum action lookalike;
	const char *client;
	int authenticated;
	enum dmarc_outcome outcome;
	enum dmarc_request request;
	enum action want, want_would;
	const char *want_reason;
	int want_raised;
} lookalike_cases[] = {
	{ "dmarc pass, quarantined", PLAIN, ACTION_QUARANTINE, "192.0.2.1", 0, PASS, P_REJ,
	  ACTION_QUARANTINE, ACTION_QUARANTINE, "lookalike-typo", 1 },
	{ "dmarc pass, rejected", PLAIN, ACTION_REJECT, "192.0.2.1", 0, PASS, P_REJ,
	  ACTION_REJECT, ACTION_REJECT, "lookalike-typo", 1 },
	{ "dmarc pass, accept logs only", PLAIN, ACTION_ACCEPT, "192.0.2.1", 0, PASS, P_REJ,
	  ACTION_ACCEPT, ACTION_ACCEPT, "lookalike-typo", 0 },
	{ "published reject is kept", PLAIN, ACTION_QUARANTINE, "192.0.2.1", 0, FAIL, P_REJ,
	  ACTION_REJECT, ACTION_REJECT, "published-reject", 0 },
	{ "floor quarantine, same action", PLAIN, ACTION_QUARANTINE, "192.0.2.1", 0, FAIL,
	  P_NONE, ACTION_QUARANTINE, ACTION_QUARANTINE, "lookalike-typo", 1 },
	{ "floor quarantine, look-alike reject", PLAIN, ACTION_REJECT, "192.0.2.1", 0, FAIL,
	  P_NONE, ACTION_REJECT, ACTION_REJECT, "lookalike-typo", 1 },
	{ "no policy, quarantined", PLAIN, ACTION_QUARANTINE, "192.0.2.1", 0, NONE, P_UNSPEC,
	  ACTION_QUARANTINE, ACTION_QUARANTINE, "lookalike-typo", 1 },
	{ "temperror stays tempfail", PLAIN, ACTION_REJECT, "192.0.2.1", 0, TEMP, P_REJ,
	  ACTION_TEMPFAIL, ACTION_TEMPFAIL, "dns-temperror", 0 },
	{ "authenticated client not judged", PLAIN, ACTION_REJECT, "192.0.2.1", 1, PASS, P_REJ,
	  ACTION_ACCEPT, ACTION_ACCEPT, "exempt-authenticated", 0 },
	{ "trusted network not judged", PLAIN, ACTION_REJECT, "127.0.0.1", 0, PASS, P_REJ,
	  ACTION_ACCEPT, ACTION_ACCEPT, "exempt-trusted-network", 0 },
	{ "allowed client still judged", PLAIN, ACTION_QUARANTINE, "198.51.100.7", 0, FAIL,
	  P_NONE, ACTION_QUARANTINE, ACTION_QUARANTINE, "lookalike-typo", 1 },
	{ "dry run accepts, would quarantine", DRY_RUN, ACTION_QUARANTINE, "192.0.2.1", 0, PASS,
	  P_REJ, ACTION_ACCEPT, ACTION_QUARANTINE, "lookalike-typo", 1 },
};

START_TEST(test_lookalike)
{
	struct policy_settings s;
	struct policy_decision d;
	struct policy_input in = {
		.author_domain = "banc.example",
		.outcome = lookalike_cases[_i].outcome,
		.request = lookalike_cases[_i].request,
		.aligned_pass = lookalike_cases[_i].outcome == PASS,
		.client_authenticated = lookalike_cases[_i].authenticated,
		.client_address = lookalike_cases[_i].client,
	};

	settings_for(lookalike_cases[_i].setup, &s);
	s.lookalike = lookalike_cases[_i].lookalike;
	policy_decide(&s, &in, &d);
	policy_apply_lookalike(&s, "lookalike-typo", &d);
	ck_assert_msg(d.action == lookalike_cases[_i].want, "%s: action %s",
		      lookalike_cases[_i].what, action_name(d.action));
	ck_assert_msg(d.would_action == lookalike_cases[_i].want_would, "%s: would %s",
		      lookalike_cases[_i].what, action_name(d.would_action));
	ck_assert_msg(strcmp(d.reason, lookalike_cases[_i].want_reason) == 0, "%s: reason %s",
		      lookalike_cases[_i].what, d.reason);
	ck_assert_msg(d.raised == lookalike_cases[_i].want_raised, "%s: raised %d",
		      lookalike_cases[_i].what, d.raised);
	policy_settings_release(&s);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(policy_outcome_name(DMARC_OUTCOME_TEMPERROR), "temperror");
	ck_assert_str_eq(dmarc_record_request_name(DMARC_REQUEST_QUARANTINE), "quarantine");
	ck_assert_str_eq(dmarc_record_request_name(DMARC_REQUEST_UNSPECIFIED), "unspecified");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_decide, 0, TEST_ROWS(cases));
	tcase_add_loop_test(tc, test_lookalike, 0, TEST_ROWS(lookalike_cases));
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
