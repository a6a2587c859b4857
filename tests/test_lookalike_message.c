/*
 * test_lookalike_message - whole messages from look-alike senders through
 * the evaluation core against a real nsd. The cousin domains
 * (tests/zones: banc.example, xn--bnk-6cd.example, bank.test,
 * cousin.example) pass their own SPF and DMARC with p=reject, as real
 * ones do: the look-alike check alone must catch them, with the
 * configured action, without weakening a stricter DMARC result, and
 * without touching genuine mail of the protected domains, allowed names,
 * or our own clients. Recipient domains are protected per message.
 */
#include <stdio.h>
#include <string.h>

#include "alert.h"
#include "dns_fixture.h"
#include "engine.h"
#include "message.h"
#include "test_main.h"

#define GOOD_IP "192.0.2.10"		/* in every cousin domain's SPF */
#define BAD_IP "203.0.113.66"		/* in none */
#define PROTECTED "bank.example gov.example reject.example"

static const struct {
	const char *what;
	const char *protected, *allow;
	int protect_recipients;
	enum action lookalike_action;
	const char *ip, *mail_from, *rcpt, *from;
	enum action want;
	const char *want_reason, *want_dmarc;
	const char *want_lookalike, *want_of;	/* NULL: none */
} cases[] = {
	{ "typo, DMARC pass: quarantined", PROTECTED, "", 1, ACTION_QUARANTINE, GOOD_IP,
	  "bounce@banc.example", "a@receiver.example", "Bank <desk@banc.example>",
	  ACTION_QUARANTINE, "lookalike-typo", "pass", "typo", "bank.example" },
	{ "homoglyph as U-label", PROTECTED, "", 1, ACTION_QUARANTINE, GOOD_IP,
	  "bounce@xn--bnk-6cd.example", "a@receiver.example", "Bank <desk@b\xd0\xb0nk.example>",
	  ACTION_QUARANTINE, "lookalike-homoglyph", "pass", "homoglyph", "bank.example" },
	{ "homoglyph as A-label", PROTECTED, "", 1, ACTION_QUARANTINE, GOOD_IP,
	  "bounce@xn--bnk-6cd.example", "a@receiver.example", "desk@xn--bnk-6cd.example",
	  ACTION_QUARANTINE, "lookalike-homoglyph", "pass", "homoglyph", "bank.example" },
	{ "suffix swap", PROTECTED, "", 1, ACTION_QUARANTINE, GOOD_IP, "bounce@bank.test",
	  "a@receiver.example", "desk@bank.test", ACTION_QUARANTINE, "lookalike-suffix",
	  "pass", "suffix", "bank.example" },
	{ "embedded", PROTECTED, "", 1, ACTION_QUARANTINE, GOOD_IP,
	  "bounce@bank.example.cousin.example", "a@receiver.example",
	  "desk@bank.example.cousin.example", ACTION_QUARANTINE, "lookalike-embedded", "pass",
	  "embedded", "bank.example" },
	{ "display name with an address", PROTECTED, "", 1, ACTION_QUARANTINE, GOOD_IP,
	  "bounce@cousin.example", "a@receiver.example",
	  "\"ceo@bank.example\" <x@cousin.example>", ACTION_QUARANTINE,
	  "lookalike-display-name", "pass", "display-name", "bank.example" },
	{ "encoded display name", PROTECTED, "", 1, ACTION_QUARANTINE, GOOD_IP,
	  "bounce@cousin.example", "a@receiver.example",
	  "=?utf-8?q?gov.example_Press_Office?= <x@cousin.example>", ACTION_QUARANTINE,
	  "lookalike-display-name", "pass", "display-name", "gov.example" },
	{ "LookalikeAction reject", PROTECTED, "", 1, ACTION_REJECT, GOOD_IP,
	  "bounce@banc.example", "a@receiver.example", "desk@banc.example", ACTION_REJECT,
	  "lookalike-typo", "pass", "typo", "bank.example" },
	{ "LookalikeAction accept: logged only", PROTECTED, "", 1, ACTION_ACCEPT, GOOD_IP,
	  "bounce@banc.example", "a@receiver.example", "desk@banc.example", ACTION_ACCEPT,
	  "lookalike-typo", "pass", "typo", "bank.example" },
	{ "DMARC fail with p=reject stays reject", PROTECTED, "", 1, ACTION_QUARANTINE, BAD_IP,
	  "x@attacker.example", "a@receiver.example", "desk@banc.example", ACTION_REJECT,
	  "published-reject", "fail", "typo", "bank.example" },
	{ "recipient domain protected", "", "", 1, ACTION_QUARANTINE, GOOD_IP,
	  "bounce@banc.example", "<ceo@banq.example>", "desk@banc.example", ACTION_QUARANTINE,
	  "lookalike-typo", "pass", "typo", "banq.example" },
	{ "recipient domains not protected", "", "", 0, ACTION_QUARANTINE, GOOD_IP,
	  "bounce@banc.example", "<ceo@banq.example>", "desk@banc.example", ACTION_ACCEPT,
	  "dmarc-pass", "pass", NULL, NULL },
	/* quiet */
	{ "the protected domain itself", PROTECTED, "", 1, ACTION_QUARANTINE, GOOD_IP,
	  "bounce@reject.example", "a@receiver.example", "desk@reject.example", ACTION_ACCEPT,
	  "dmarc-pass", "pass", NULL, NULL },
	{ "its subdomain", PROTECTED, "", 1, ACTION_QUARANTINE, GOOD_IP,
	  "bounce@sub.reject.example", "a@receiver.example", "desk@sub.reject.example",
	  ACTION_ACCEPT, "dmarc-pass", "pass", NULL, NULL },
	{ "allowed near name", PROTECTED, "banc.example", 1, ACTION_QUARANTINE, GOOD_IP,
	  "bounce@banc.example", "a@receiver.example", "desk@banc.example", ACTION_ACCEPT,
	  "dmarc-pass", "pass", NULL, NULL },
	{ "broken encoded word: no claim", PROTECTED, "", 1, ACTION_QUARANTINE, GOOD_IP,
	  "bounce@cousin.example", "a@receiver.example",
	  "=?utf-8?b?Y2VvQGJhbmsuZXhhbXBsZQ=!?= <x@cousin.example>", ACTION_ACCEPT,
	  "dmarc-pass", "pass", NULL, NULL },
	{ "nothing protected", "", "", 0, ACTION_QUARANTINE, GOOD_IP, "bounce@banc.example",
	  "a@receiver.example", "desk@banc.example", ACTION_ACCEPT, "dmarc-pass", "pass",
	  NULL, NULL },
	{ "our own client is not judged", PROTECTED, "", 1, ACTION_REJECT, "127.0.0.1",
	  "bounce@banc.example", "a@receiver.example", "desk@banc.example", ACTION_ACCEPT,
	  "exempt-trusted-network", "pass", "typo", "bank.example" },
};

static struct engine *
engine_for(const char *protected, const char *allow)
{
	struct engine_settings es;
	struct engine *e;
	const char *error = NULL;

	engine_settings_init(&es);
	es.resolver.nameservers = dns_fixture_address();
	es.resolver.timeout_ms = 2000;
	es.protected_domains = protected;
	es.lookalike_allow = allow;
	e = engine_new(&es, &error);
	ck_assert_msg(e != NULL, "engine_new: %s", error ? error : "?");
	return e;
}

static void
header(struct message *m, const char *name, const char *value)
{
	char spaced[512];

	snprintf(spaced, sizeof(spaced), " %s", value);
	ck_assert_int_eq(message_header(m, name, spaced, strlen(spaced)), 0);
}

START_TEST(test_messages)
{
	struct engine *e = engine_for(cases[_i].protected, cases[_i].allow);
	struct policy_settings ps;
	struct message_settings ms = {
		.policy = &ps, .authserv_id = "mx.receiver.example",
		.protect_recipients = cases[_i].protect_recipients,
	};
	struct envelope env = {
		.queue_id = "TEST", .client_ip = cases[_i].ip, .client_name = "unknown",
		.helo = "mail.sender.example", .mail_from = cases[_i].mail_from,
	};
	const char *error = NULL;
	const unsigned char body[] = "Please pay the attached invoice today.\r\n";
	struct message *m;
	const struct verdict *v;
	char line[4096];

	policy_settings_init(&ps);
	ps.lookalike = cases[_i].lookalike_action;
	ps.trusted_networks = netlist_parse("127.0.0.0/8 ::1", &error);
	m = message_new(e, &ms, &env, &error);
	ck_assert_msg(m != NULL, "message_new: %s", error);
	ck_assert_int_eq(message_recipient(m, cases[_i].rcpt), 0);
	header(m, "From", cases[_i].from);
	header(m, "To", "Finance <finance@receiver.example>");
	header(m, "Subject", "Invoice");
	header(m, "Message-ID", "<lookalike@test.example>");
	ck_assert_int_eq(message_eoh(m), 0);
	ck_assert_int_eq(message_body(m, body, sizeof(body) - 1), 0);
	v = message_finish(m);
	ck_assert_msg(v->decision.action == cases[_i].want
		      && strcmp(v->decision.reason, cases[_i].want_reason) == 0
		      && strcmp(policy_outcome_name(v->dmarc), cases[_i].want_dmarc) == 0,
		      "%s: got %s/%s dmarc=%s (spf=%s %s), want %s/%s dmarc=%s", cases[_i].what,
		      action_name(v->decision.action), v->decision.reason,
		      policy_outcome_name(v->dmarc), v->spf.result, v->spf.domain,
		      action_name(cases[_i].want), cases[_i].want_reason, cases[_i].want_dmarc);
	alert_format(v, line, sizeof(line));
	if (cases[_i].want_lookalike == NULL) {
		ck_assert_msg(v->lookalike == NULL, "%s: lookalike=%s of %s", cases[_i].what,
			      v->lookalike, v->lookalike_of);
		ck_assert_ptr_null(strstr(line, "lookalike="));
	} else {
		char want[256];

		ck_assert_msg(v->lookalike != NULL, "%s: no look-alike", cases[_i].what);
		ck_assert_str_eq(v->lookalike, cases[_i].want_lookalike);
		ck_assert_str_eq(v->lookalike_of, cases[_i].want_of);
		snprintf(want, sizeof(want), " lookalike=%s lookalike_of=%s",
			 cases[_i].want_lookalike, cases[_i].want_of);
		ck_assert_msg(strstr(line, want) != NULL, "%s: %s", cases[_i].what, line);
	}
	message_free(&m);
	policy_settings_release(&ps);
	engine_free(&e);
}
END_TEST

/* a protected name that is a public suffix stops the engine */
START_TEST(test_bad_name)
{
	struct engine_settings es;
	const char *error = NULL;

	engine_settings_init(&es);
	es.resolver.nameservers = dns_fixture_address();
	es.protected_domains = "bank.example co.uk";
	ck_assert_ptr_null(engine_new(&es, &error));
	ck_assert_str_eq(error, "lookalike: bad protected or allowed name");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("lookalike_message");
	TCase *tc = tcase_create("messages");

	tcase_add_unchecked_fixture(tc, dns_fixture_up, dns_fixture_down);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_messages, 0, TEST_ROWS(cases));
	tcase_add_test(tc, test_bad_name);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
