/*
 * test_alerts_roundtrip - what the daemon writes (lib/engine/alert.c) is what
 * dmarcguard-alerts reads (tools/alerts/record.h): verdicts with values
 * that need every quoting rule (spaces, quotes, backslashes, '=', control
 * bytes, DEL, 8-bit bytes, empty values) are formatted by alert_format
 * and parsed back; every field must come back byte for byte.
 */
#include <string.h>

#include "alert.h"
#include "record.h"
#include "test_main.h"

static const struct {
	const char *what;
	const char *helo, *client, *mfrom;
} cases[] = {
	{ "plain", "mx.example", "mail.example", "example.org" },
	{ "space", "mail server", "unknown", "example.org" },
	{ "quote and backslash", "a\"b\\c", "x\\\"", "example.org" },
	{ "equals", "a=b", "=", "example.org" },
	{ "control bytes", "a\001b\tc\nd\037", "\r", "example.org" },
	{ "DEL", "a\177", "b", "example.org" },
	{ "8-bit", "caf\xc3\xa9.example", "\xff\xfe", "example.org" },
	{ "empty values", "", "", "" },
	{ "bracketed address", "[192.0.2.1]", "unknown", "example.org" },
};

START_TEST(test_roundtrip)
{
	struct verdict v;
	struct verdict_dkim dkim[2] = {
		{ .domain = "a.example", .result = "pass" },
		{ .domain = "b.example", .result = "fail" },
	};
	struct record r;
	char line[4096], scratch[4096];
	const char *why = NULL;
	size_t len;

	memset(&v, 0, sizeof(v));
	v.queue_id = "4Xk2p1Zz3Qz9";
	v.client_ip = "203.0.113.66";
	v.client_name = cases[_i].client;
	v.helo = cases[_i].helo;
	v.mail_from_domain = cases[_i].mfrom;
	v.from_domain = "none.example";
	v.spf.result = "none";
	v.spf.domain = cases[_i].mfrom;
	v.spf.identity = "mailfrom";
	v.dkim = dkim;
	v.dkim_count = 2;
	v.dmarc = DMARC_OUTCOME_FAIL;
	v.policy_domain = "none.example";
	v.record_found = 1;
	v.p = v.sp = DMARC_REQUEST_NONE;
	v.pct = 100;
	v.dmarc_problem = _i % 2 ? "timeout" : NULL;
	v.decision.action = ACTION_ACCEPT;
	v.decision.would_action = ACTION_QUARANTINE;
	v.decision.published = DMARC_REQUEST_NONE;
	v.decision.raised = 1;
	v.decision.dry_run = 1;
	v.decision.reason = "dmarc-fail-local-floor";
	v.decision.exemption = _i % 3 ? NULL : "allowed-client";
	len = alert_format(&v, line, sizeof(line));
	ck_assert_msg(record_parse(&r, line, len, scratch, sizeof(scratch), &why) == 0,
		      "%s: %s in <%s>", cases[_i].what, why, line);
	ck_assert_str_eq(r.helo, cases[_i].helo);
	ck_assert_str_eq(r.client, cases[_i].client);
	ck_assert_str_eq(r.mfrom, cases[_i].mfrom);
	ck_assert_str_eq(r.spf_domain, cases[_i].mfrom);
	ck_assert_str_eq(r.dkim, "a.example:pass,b.example:fail");
	ck_assert_str_eq(r.from, "none.example");
	ck_assert_str_eq(r.pct, "100");
	ck_assert_int_eq(r.action_code, ACT_ACCEPT);
	ck_assert_int_eq(r.would_code, ACT_QUARANTINE);
	ck_assert_int_eq(r.is_dry_run, 1);
	ck_assert_int_eq(r.overridden, 1);
	if (_i % 2)
		ck_assert_str_eq(r.problem, "timeout");
	else
		ck_assert_ptr_null(r.problem);
	if (_i % 3 == 0)
		ck_assert_str_eq(r.exempt, "allowed-client");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alerts_roundtrip");
	TCase *tc = tcase_create("roundtrip");

	tcase_add_loop_test(tc, test_roundtrip, 0, TEST_ROWS(cases));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
