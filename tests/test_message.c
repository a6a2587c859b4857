/*
 * test_message - whole messages through the evaluation core against a
 * real nsd: one row per line of the policy table (p none/quarantine/
 * reject, sp, np, pct=0, t=y, strict and relaxed alignment, subdomains
 * through the organizational domain, the PSL boundary at a one-character
 * label, uppercase domains, two DMARC records, SERVFAIL, SPF include loop
 * and look-up limit, DKIM body tampered, aligned failing beside unaligned
 * passing signature, rsa-sha1, ed25519, l=, many signatures, null MAIL
 * FROM with HELO pass and fail, forwarded mail with intact DKIM,
 * malformed From, trusted clients), each with the action, the reason
 * code and the DMARC result it must give.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authres.h"
#include "dns_fixture.h"
#include "engine.h"
#include "message.h"
#include "test_main.h"
#include "test_paths.h"

#define GOOD_IP "192.0.2.10"		/* in every test domain's SPF */
#define BAD_IP "203.0.113.66"		/* in none */
#define FORWARDER_IP "198.51.100.20"

static const struct {
	const char *file;
	const char *ip, *helo, *mail_from;
	int authenticated;
	enum action want;
	const char *want_reason;
	const char *want_dmarc;
} cases[] = {
	{ "signed-none.eml", BAD_IP, "mx.attacker.example", "x@attacker.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass" },
	{ "unsigned-none.eml", GOOD_IP, "mail.none.example", "bounce@none.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass" },
	{ "unsigned-none.eml", BAD_IP, "mx.attacker.example", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail" },
	{ "unsigned-none.eml", BAD_IP, "mx.attacker.example", "desk@none.example", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail" },
	{ "unsigned-quarantine.eml", BAD_IP, "mx.attacker.example", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "published-quarantine", "fail" },
	{ "unsigned-reject.eml", BAD_IP, "mx.attacker.example", "x@attacker.example", 0,
	  ACTION_REJECT, "published-reject", "fail" },
	{ "signed-reject.eml", FORWARDER_IP, "fwd.forwarder.example", "srs@forwarder.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass" },
	{ "signed-reject-uppercase-from.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass" },
	{ "unsigned-sub-reject.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "published-quarantine", "fail" },
	{ "unsigned-nonexistent-reject.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_REJECT, "published-reject", "fail" },
	{ "unsigned-sub-reject.eml", GOOD_IP, "x", "bounce@sub.reject.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass" },
	{ "unsigned-pct0.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "published-quarantine", "fail" },
	{ "unsigned-testing.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "published-quarantine", "fail" },
	{ "signed-strict-subdomain.eml", GOOD_IP, "x", "bounce@mail.strict.example", 0,
	  ACTION_REJECT, "published-reject", "fail" },
	{ "signed-relaxed-subdomain.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass" },
	{ "unsigned-two-records.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_ACCEPT, "dmarc-permerror", "permerror" },
	{ "unsigned-nodmarc.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_ACCEPT, "no-policy", "none" },
	{ "unsigned-servfail.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_TEMPFAIL, "dns-temperror", "temperror" },
	{ "signed-one-char-label.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_REJECT, "published-reject", "fail" },
	{ "unsigned-loop.eml", GOOD_IP, "x", "bounce@loop.example", 0,
	  ACTION_REJECT, "published-reject", "fail" },
	{ "unsigned-limit.eml", "198.51.100.10", "x", "bounce@limit.example", 0,
	  ACTION_REJECT, "published-reject", "fail" },
	{ "signed-none-body-tampered.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail" },
	{ "signed-aligned-fail-unaligned-pass.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_REJECT, "published-reject", "fail" },
	{ "signed-rsa-sha1.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail" },
	{ "signed-ed25519.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass" },
	{ "signed-partial.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail" },
	{ "signed-many.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail" },
	{ "unsigned-none.eml", GOOD_IP, "mail.none.example", "", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass" },
	{ "unsigned-none.eml", BAD_IP, "mail.none.example", "", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail" },
	{ "unsigned-two-from.eml", GOOD_IP, "x", "bounce@none.example", 0,
	  ACTION_REJECT, "malformed-from-multiple", "permerror" },
	{ "unsigned-reject.eml", "127.0.0.1", "localhost", "x@attacker.example", 0,
	  ACTION_ACCEPT, "exempt-trusted-network", "fail" },
	{ "unsigned-reject.eml", BAD_IP, "x", "x@attacker.example", 1,
	  ACTION_ACCEPT, "exempt-authenticated", "fail" },
};

START_TEST(test_policy_table)
{
	struct engine *e = dns_fixture_engine(2000);
	struct policy_settings ps;
	struct message_settings ms = { .policy = &ps, .authserv_id = "mx.receiver.example" };
	struct envelope env = {
		.queue_id = "TEST", .client_ip = cases[_i].ip, .client_name = "unknown",
		.helo = cases[_i].helo, .mail_from = cases[_i].mail_from,
		.authenticated = cases[_i].authenticated,
	};
	const char *error = NULL;
	char path[512];
	struct message *m;
	const struct verdict *v;

	policy_settings_init(&ps);
	ps.trusted_networks = netlist_parse("127.0.0.0/8 ::1", &error);
	snprintf(path, sizeof(path), "%s/messages/policy/%s", test_source_dir(), cases[_i].file);
	m = message_new(e, &ms, &env, &error);
	ck_assert_msg(m != NULL, "message_new: %s", error);
	dns_fixture_feed(m, path);
	v = message_finish(m);
	ck_assert_msg(v->decision.action == cases[_i].want
		      && strcmp(v->decision.reason, cases[_i].want_reason) == 0
		      && strcmp(policy_outcome_name(v->dmarc), cases[_i].want_dmarc) == 0,
		      "%s from %s mfrom <%s>: got %s/%s dmarc=%s (spf=%s %s, problem %s), "
		      "want %s/%s dmarc=%s", cases[_i].file, cases[_i].ip, cases[_i].mail_from,
		      action_name(v->decision.action), v->decision.reason,
		      policy_outcome_name(v->dmarc), v->spf.result, v->spf.domain,
		      v->dmarc_problem ? v->dmarc_problem : "-", action_name(cases[_i].want),
		      cases[_i].want_reason, cases[_i].want_dmarc);
	/* our Authentication-Results is always there and names our id */
	ck_assert_ptr_nonnull(v->authres);
	ck_assert(authres_is_ours(v->authres, strlen(v->authres), "mx.receiver.example"));
	message_free(&m);
	policy_settings_release(&ps);
	engine_free(&e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("message");
	TCase *tc = tcase_create("policy");

	tcase_add_unchecked_fixture(tc, dns_fixture_up, dns_fixture_down);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_policy_table, 0, TEST_ROWS(cases));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
