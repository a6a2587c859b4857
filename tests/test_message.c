/*
 * test_message - whole messages through the evaluation core against a
 * real nsd: one row per line of the policy table (p none/quarantine/
 * reject, sp, np, pct=0 (not acted on since RFC 9989), t=y, strict and
 * relaxed alignment, subdomains
 * through the organizational domain, the PSL boundary at a one-character
 * label, uppercase domains, two DMARC records, SERVFAIL, SPF include loop
 * and look-up limit, DKIM body tampered, aligned failing beside unaligned
 * passing signature, rsa-sha1, ed25519, l=, many signatures, null MAIL
 * FROM with HELO pass and fail, forwarded mail with intact DKIM,
 * malformed From, trusted clients), each with the action, the reason
 * code and the DMARC result it must give. Rows run with OrgDomainMethod
 * treewalk unless marked psl; rows whose answer RFC 9989 changed say so.
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
	int psl;			/* OrgDomainMethod psl, else treewalk */
	const char *want_removed;	/* verdict's removed_tags, or NULL */
} cases[] = {
	{ "signed-none.eml", BAD_IP, "mx.attacker.example", "x@attacker.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass", 0, NULL },
	{ "unsigned-none.eml", GOOD_IP, "mail.none.example", "bounce@none.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass", 0, NULL },
	{ "unsigned-none.eml", BAD_IP, "mx.attacker.example", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail", 0, NULL },
	{ "unsigned-none.eml", BAD_IP, "mx.attacker.example", "desk@none.example", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail", 0, NULL },
	{ "unsigned-quarantine.eml", BAD_IP, "mx.attacker.example", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "published-quarantine", "fail", 0, NULL },
	{ "unsigned-reject.eml", BAD_IP, "mx.attacker.example", "x@attacker.example", 0,
	  ACTION_REJECT, "published-reject", "fail", 0, NULL },
	{ "signed-reject.eml", FORWARDER_IP, "fwd.forwarder.example", "srs@forwarder.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass", 0, NULL },
	{ "signed-reject-uppercase-from.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass", 0, NULL },
	{ "unsigned-sub-reject.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "published-quarantine", "fail", 0, NULL },
	{ "unsigned-nonexistent-reject.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_REJECT, "published-reject", "fail", 0, NULL },
	{ "unsigned-sub-reject.eml", GOOD_IP, "x", "bounce@sub.reject.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass", 0, NULL },
	/* RFC 9989 removed pct: p=reject; pct=0 is a reject (RFC 7489 sampled
	 * it down to quarantine); the verdict names the removed tag */
	{ "unsigned-pct0.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_REJECT, "published-reject", "fail", 0, "pct" },
	{ "unsigned-pct0.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_REJECT, "published-reject", "fail", 1, "pct" },
	{ "unsigned-testing.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "published-quarantine", "fail", 0, NULL },
	{ "signed-strict-subdomain.eml", GOOD_IP, "x", "bounce@mail.strict.example", 0,
	  ACTION_REJECT, "published-reject", "fail", 0, NULL },
	{ "signed-relaxed-subdomain.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass", 0, NULL },
	/* two records at two.example: RFC 9989 discards both and walks on to
	 * _dmarc.example (nothing); RFC 7489 with the PSL stops there */
	{ "unsigned-two-records.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_ACCEPT, "no-policy", "none", 0, NULL },
	{ "unsigned-two-records.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_ACCEPT, "dmarc-permerror", "permerror", 1, NULL },
	/* RFC 9989 B.4.3: SPF from mail.giant.bank.example aligns with
	 * giant.bank.example by both; from mail.mega.bank.example only the PSL
	 * aligns it (bank.example says psd=y), so the tree walk fails it */
	{ "unsigned-giant-bank.eml", GOOD_IP, "x", "bounce@mail.giant.bank.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass", 0, NULL },
	{ "unsigned-giant-bank.eml", GOOD_IP, "x", "bounce@mail.mega.bank.example", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail", 0, NULL },
	{ "unsigned-giant-bank.eml", GOOD_IP, "x", "bounce@mail.mega.bank.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass", 1, NULL },
	/* an SPF pass whose alignment walk meets SERVFAIL at sf.tw.example:
	 * temperror, never a fail; the PSL never asks that name */
	{ "unsigned-tw.eml", GOOD_IP, "x", "bounce@www.x.sf.tw.example", 0,
	  ACTION_TEMPFAIL, "dns-temperror", "temperror", 0, NULL },
	{ "unsigned-tw.eml", GOOD_IP, "x", "bounce@www.x.sf.tw.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass", 1, NULL },
	/* ... and the same SPF result unaligned: no walk, a plain fail */
	{ "unsigned-tw.eml", BAD_IP, "x", "bounce@www.x.sf.tw.example", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail", 0, NULL },
	/* the same answers by both methods */
	{ "unsigned-sub-reject.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "published-quarantine", "fail", 1, NULL },
	{ "signed-relaxed-subdomain.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass", 1, NULL },
	{ "unsigned-servfail.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_TEMPFAIL, "dns-temperror", "temperror", 1, NULL },
	{ "unsigned-nodmarc.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_ACCEPT, "no-policy", "none", 0, NULL },
	{ "unsigned-servfail.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_TEMPFAIL, "dns-temperror", "temperror", 0, NULL },
	{ "signed-one-char-label.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_REJECT, "published-reject", "fail", 0, NULL },
	{ "unsigned-loop.eml", GOOD_IP, "x", "bounce@loop.example", 0,
	  ACTION_REJECT, "published-reject", "fail", 0, NULL },
	{ "unsigned-limit.eml", "198.51.100.10", "x", "bounce@limit.example", 0,
	  ACTION_REJECT, "published-reject", "fail", 0, NULL },
	{ "signed-none-body-tampered.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail", 0, NULL },
	{ "signed-aligned-fail-unaligned-pass.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_REJECT, "published-reject", "fail", 0, NULL },
	{ "signed-rsa-sha1.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail", 0, NULL },
	{ "signed-ed25519.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass", 0, NULL },
	{ "signed-partial.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail", 0, NULL },
	{ "signed-many.eml", BAD_IP, "x", "x@attacker.example", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail", 0, NULL },
	{ "unsigned-none.eml", GOOD_IP, "mail.none.example", "", 0,
	  ACTION_ACCEPT, "dmarc-pass", "pass", 0, NULL },
	{ "unsigned-none.eml", BAD_IP, "mail.none.example", "", 0,
	  ACTION_QUARANTINE, "dmarc-fail-local-floor", "fail", 0, NULL },
	{ "unsigned-two-from.eml", GOOD_IP, "x", "bounce@none.example", 0,
	  ACTION_REJECT, "malformed-from-multiple", "permerror", 0, NULL },
	{ "unsigned-reject.eml", "127.0.0.1", "localhost", "x@attacker.example", 0,
	  ACTION_ACCEPT, "exempt-trusted-network", "fail", 0, NULL },
	{ "unsigned-reject.eml", BAD_IP, "x", "x@attacker.example", 1,
	  ACTION_ACCEPT, "exempt-authenticated", "fail", 0, NULL },
};

START_TEST(test_policy_table)
{
	struct engine *e = dns_fixture_engine_method(2000, cases[_i].psl ? DMARC_METHOD_PSL
						     : DMARC_METHOD_TREEWALK);
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
	/* the verdict says how the policy was looked for, and the removed tags */
	if (v->from_problem == NULL)
		ck_assert_str_eq(v->discovery, cases[_i].psl ? "psl" : "treewalk");
	if (cases[_i].want_removed == NULL)
		ck_assert_ptr_null(v->removed_tags);
	else
		ck_assert_str_eq(v->removed_tags, cases[_i].want_removed);
	/* our Authentication-Results is always there and names our id */
	ck_assert_ptr_nonnull(v->authres);
	ck_assert(authres_is_ours(v->authres, strlen(v->authres), "mx.receiver.example"));
	message_free(&m);
	policy_settings_release(&ps);
	engine_free(&e);
}
END_TEST

/* the first RCPT TO's domain becomes the verdict's rcpt_to_domain (envelope_to) */
static const struct {
	const char *rcpt[3];
	int protect;			/* ProtectRecipientDomains: must not matter */
	const char *want;
} rcpt_cases[] = {
	{ { NULL }, 1, "" },
	{ { "<a@Mx.Example.NET>", NULL }, 1, "Mx.Example.NET" },
	{ { "a@mx.example.net", NULL }, 0, "mx.example.net" },
	{ { "<a@one.example>", "<b@two.example>", "<c@one.example>" }, 1, "one.example" },
	{ { "<a@one.example>", "<b@two.example>", NULL }, 0, "one.example" },
	{ { "<postmaster>", "<b@two.example>", NULL }, 1, "two.example" },
	{ { "<a@>", "<b@two.example>", NULL }, 1, "two.example" },
};

START_TEST(test_rcpt_to_domain)
{
	struct engine *e = dns_fixture_engine_method(2000, DMARC_METHOD_TREEWALK);
	struct policy_settings ps;
	struct message_settings ms = { .policy = &ps, .authserv_id = "mx.receiver.example",
				       .protect_recipients = rcpt_cases[_i].protect };
	struct envelope env = {
		.queue_id = "TEST", .client_ip = GOOD_IP, .client_name = "unknown",
		.helo = "mail.none.example", .mail_from = "",
	};
	const char *error = NULL;
	char path[512];
	struct message *m;
	const struct verdict *v;

	policy_settings_init(&ps);
	snprintf(path, sizeof(path), "%s/messages/policy/unsigned-none.eml", test_source_dir());
	m = message_new(e, &ms, &env, &error);
	ck_assert_msg(m != NULL, "message_new: %s", error);
	for (size_t k = 0; k < 3 && rcpt_cases[_i].rcpt[k] != NULL; k++)
		ck_assert_int_eq(message_recipient(m, rcpt_cases[_i].rcpt[k]), 0);
	dns_fixture_feed(m, path);
	v = message_finish(m);
	ck_assert_str_eq(v->rcpt_to_domain, rcpt_cases[_i].want);
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
	tcase_add_loop_test(tc, test_rcpt_to_domain, 0, TEST_ROWS(rcpt_cases));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
