/*
 * test_report_record - verdicts as report records: which verdicts are
 * recorded, the RFC 9990 disposition, the DMARC alignment results, the
 * override reasons (our reason codes mapped to RFC 9990 types), fields a
 * record cannot hold, and the text forms a store keeps (format, parse,
 * malformed text refused).
 */
#include <stdio.h>
#include <string.h>

#include "report_record.h"
#include "test_main.h"

/* rows override fields of the common BASE initializer on purpose */
#pragma GCC diagnostic ignored "-Woverride-init"

static const struct verdict_dkim sig_pass[] = {
	{ .domain = "Example.ORG", .selector = "s1", .algorithm = "rsa-sha256",
	  .result = "pass", .aligned = 1, .counts = 1 },
	{ .domain = "list.example", .selector = "k", .algorithm = "rsa-sha256",
	  .result = "fail", .aligned = 0, .counts = 0 },
};

#define BASE .client_ip = "192.0.2.7", .mail_from_domain = "bounce.example.org", \
	.from_domain = "example.org", .policy_domain = "example.org", .record_found = 1, \
	.rua = "mailto:d@example.org", .adkim = 'r', .aspf = 's', .pct = 100
#define SPF(r, al) .spf = { .result = r, .identity = "mailfrom", \
	.domain = "bounce.example.org", .problem = "", .aligned = al }
#define DEC(act, pub, why) .decision = { .action = act, .would_action = act, \
	.published = pub, .reason = why }

static const struct {
	const char *what;
	struct verdict v;
	int wanted;
	const char *disposition;
	int dkim_aligned, spf_aligned;
	const char *reasons;		/* report_record_reasons_format */
} rows[] = {
	{ "aligned DKIM pass", { BASE, SPF("fail", 0), .dkim = sig_pass, .dkim_count = 2,
	  .dmarc = DMARC_OUTCOME_PASS, .p = DMARC_REQUEST_REJECT, .request = DMARC_REQUEST_REJECT,
	  DEC(ACTION_ACCEPT, DMARC_REQUEST_REJECT, "dmarc-pass") },
	  1, "pass", 1, 0, "" },
	{ "aligned SPF pass", { BASE, SPF("pass", 1), .dmarc = DMARC_OUTCOME_PASS,
	  .p = DMARC_REQUEST_NONE, .request = DMARC_REQUEST_NONE,
	  DEC(ACTION_ACCEPT, DMARC_REQUEST_NONE, "dmarc-pass") },
	  1, "pass", 0, 1, "" },
	{ "SPF pass not aligned is fail", { BASE, SPF("pass", 0), .dmarc = DMARC_OUTCOME_FAIL,
	  .p = DMARC_REQUEST_REJECT, .request = DMARC_REQUEST_REJECT,
	  DEC(ACTION_REJECT, DMARC_REQUEST_REJECT, "published-reject") },
	  1, "reject", 0, 0, "" },
	{ "p=none fail raised by the local floor", { BASE, SPF("fail", 0),
	  .dmarc = DMARC_OUTCOME_FAIL, .p = DMARC_REQUEST_NONE, .request = DMARC_REQUEST_NONE,
	  DEC(ACTION_QUARANTINE, DMARC_REQUEST_NONE, "dmarc-fail-local-floor") },
	  1, "quarantine", 0, 0, "local_policy dmarc-fail-local-floor" },
	{ "p=none fail accepted: no reason", { BASE, SPF("fail", 0),
	  .dmarc = DMARC_OUTCOME_FAIL, .p = DMARC_REQUEST_NONE, .request = DMARC_REQUEST_NONE,
	  DEC(ACTION_ACCEPT, DMARC_REQUEST_NONE, "dmarc-fail-published-none") },
	  1, "none", 0, 0, "" },
	{ "published reject lowered by PublishedRejectAction", { BASE, SPF("fail", 0),
	  .dmarc = DMARC_OUTCOME_FAIL, .p = DMARC_REQUEST_REJECT, .request = DMARC_REQUEST_REJECT,
	  DEC(ACTION_QUARANTINE, DMARC_REQUEST_REJECT, "published-reject") },
	  1, "quarantine", 0, 0, "local_policy published-reject" },
	{ "t=y lowers reject to quarantine", { BASE, SPF("fail", 0), .testing = 1,
	  .dmarc = DMARC_OUTCOME_FAIL, .p = DMARC_REQUEST_REJECT, .request = DMARC_REQUEST_REJECT,
	  DEC(ACTION_QUARANTINE, DMARC_REQUEST_QUARANTINE, "published-quarantine") },
	  1, "quarantine", 0, 0, "policy_test_mode" },
	{ "pct sampling lowers quarantine to none, floor raises it back", { BASE,
	  SPF("fail", 0), .pct = 20, .dmarc = DMARC_OUTCOME_FAIL, .p = DMARC_REQUEST_QUARANTINE,
	  .request = DMARC_REQUEST_QUARANTINE,
	  DEC(ACTION_QUARANTINE, DMARC_REQUEST_NONE, "dmarc-fail-local-floor") },
	  1, "quarantine", 0, 0, "" },
	{ "pct sampling lowers reject to quarantine", { BASE, SPF("fail", 0), .pct = 20,
	  .dmarc = DMARC_OUTCOME_FAIL, .p = DMARC_REQUEST_REJECT, .request = DMARC_REQUEST_REJECT,
	  DEC(ACTION_QUARANTINE, DMARC_REQUEST_QUARANTINE, "published-quarantine") },
	  1, "quarantine", 0, 0, "other sampled_out" },
	{ "allow-listed forwarder network", { BASE, SPF("fail", 0),
	  .dmarc = DMARC_OUTCOME_FAIL, .p = DMARC_REQUEST_REJECT, .request = DMARC_REQUEST_REJECT,
	  .decision = { .action = ACTION_ACCEPT, .published = DMARC_REQUEST_REJECT,
	  .exemption = "exempt-allowed-client", .reason = "exempt-allowed-client" } },
	  1, "none", 0, 0, "trusted_forwarder exempt-allowed-client" },
	{ "allow-listed list signer", { BASE, SPF("fail", 0),
	  .dmarc = DMARC_OUTCOME_FAIL, .p = DMARC_REQUEST_QUARANTINE,
	  .request = DMARC_REQUEST_QUARANTINE,
	  .decision = { .action = ACTION_ACCEPT, .published = DMARC_REQUEST_QUARANTINE,
	  .exemption = "exempt-allowed-signer", .reason = "exempt-allowed-signer" } },
	  1, "none", 0, 0, "mailing_list exempt-allowed-signer" },
	{ "dry run", { BASE, SPF("fail", 0), .dmarc = DMARC_OUTCOME_FAIL,
	  .p = DMARC_REQUEST_REJECT, .request = DMARC_REQUEST_REJECT,
	  .decision = { .action = ACTION_ACCEPT, .would_action = ACTION_REJECT, .dry_run = 1,
	  .published = DMARC_REQUEST_REJECT, .reason = "published-reject" } },
	  1, "none", 0, 0, "local_policy dry-run" },
	{ "look-alike action (code of the look-alike work)", { BASE, SPF("pass", 1),
	  .dmarc = DMARC_OUTCOME_PASS, .p = DMARC_REQUEST_NONE, .request = DMARC_REQUEST_NONE,
	  DEC(ACTION_QUARANTINE, DMARC_REQUEST_NONE, "lookalike-skeleton") },
	  1, "quarantine", 0, 1, "local_policy lookalike-skeleton" },
	{ "unknown code that changed the disposition", { BASE, SPF("fail", 0),
	  .dmarc = DMARC_OUTCOME_FAIL, .p = DMARC_REQUEST_NONE, .request = DMARC_REQUEST_NONE,
	  DEC(ACTION_REJECT, DMARC_REQUEST_NONE, "something-new") },
	  1, "reject", 0, 0, "other something-new" },
	{ "no rua: not recorded", { BASE, .rua = NULL, SPF("pass", 1),
	  .dmarc = DMARC_OUTCOME_PASS, DEC(ACTION_ACCEPT, DMARC_REQUEST_NONE, "dmarc-pass") },
	  0, "pass", 0, 1, "" },
	{ "no record: not recorded", { BASE, .record_found = 0, SPF("pass", 1),
	  .dmarc = DMARC_OUTCOME_NONE, DEC(ACTION_ACCEPT, DMARC_REQUEST_UNSPECIFIED, "no-policy") },
	  0, "none", 0, 1, "" },
	{ "trusted network: not recorded", { BASE, SPF("fail", 0), .dmarc = DMARC_OUTCOME_FAIL,
	  .decision = { .action = ACTION_ACCEPT, .exemption = "exempt-trusted-network",
	  .reason = "exempt-trusted-network" } },
	  0, "none", 0, 0, "" },
	{ "authenticated client: not recorded", { BASE, SPF("fail", 0),
	  .dmarc = DMARC_OUTCOME_FAIL, .decision = { .action = ACTION_ACCEPT,
	  .exemption = "exempt-authenticated", .reason = "exempt-authenticated" } },
	  0, "none", 0, 0, "" },
	{ "temperror: not recorded", { BASE, SPF("temperror", 1),
	  .dmarc = DMARC_OUTCOME_TEMPERROR, DEC(ACTION_TEMPFAIL, DMARC_REQUEST_NONE,
	  "dns-temperror") }, 0, "none", 0, 0, "" },
	{ "malformed From: not recorded", { BASE, .from_problem = "malformed-from-multiple",
	  SPF("fail", 0), .dmarc = DMARC_OUTCOME_PERMERROR,
	  DEC(ACTION_REJECT, DMARC_REQUEST_NONE, "malformed-from-multiple") },
	  0, "reject", 0, 0, "other malformed-from-multiple" },
};

START_TEST(test_from_verdict)
{
	struct report_record rec;
	const char *error = NULL;
	char reasons[256];

	ck_assert_int_eq(report_record_wanted(&rows[_i].v), rows[_i].wanted);
	ck_assert_int_eq(report_record_from_verdict(&rows[_i].v, 86400 * 20000 + 5, &rec,
						    &error), 0);
	ck_assert_str_eq(report_record_disposition_name(rec.disposition), rows[_i].disposition);
	ck_assert_msg(rec.dkim_aligned == rows[_i].dkim_aligned, "%s: dkim", rows[_i].what);
	ck_assert_msg(rec.spf_aligned == rows[_i].spf_aligned, "%s: spf", rows[_i].what);
	ck_assert_int_eq(report_record_reasons_format(&rec, reasons, sizeof(reasons)), 0);
	ck_assert_msg(strcmp(reasons, rows[_i].reasons) == 0, "%s: reasons \"%s\", want \"%s\"",
		      rows[_i].what, reasons, rows[_i].reasons);
	ck_assert_int_eq(rec.time, 86400 * 20000 + 5);
	ck_assert_str_eq(rec.source_ip, "192.0.2.7");
	ck_assert_str_eq(rec.header_from, "example.org");
	ck_assert_str_eq(rec.envelope_from, "bounce.example.org");
	ck_assert_str_eq(rec.envelope_to, "");
	ck_assert_str_eq(rec.policy.domain, "example.org");
	ck_assert_int_eq(rec.policy.aspf, 's');
	ck_assert_int_eq(rec.policy.psd, -1);
	ck_assert_int_eq(rec.policy.discovery, REPORT_DISCOVERY_UNKNOWN);
	ck_assert_str_eq(rec.spf_scope, "mfrom");
}
END_TEST

/* envelope_to: the verdict's first recipient domain, lowercased; one that
 * cannot fit is left out and the record kept */
static char long_domain[300];
static const struct {
	const char *rcpt;
	const char *want;
} envelope_to_cases[] = {
	{ NULL, "" },
	{ "", "" },
	{ "Mx.Example.NET", "mx.example.net" },
	{ long_domain, "" },
};

START_TEST(test_envelope_to)
{
	struct verdict v = { BASE, SPF("pass", 1), .dmarc = DMARC_OUTCOME_PASS };
	struct report_record rec;
	const char *error = NULL;

	memset(long_domain, 'a', sizeof(long_domain) - 1);
	v.rcpt_to_domain = envelope_to_cases[_i].rcpt;
	ck_assert_int_eq(report_record_from_verdict(&v, 0, &rec, &error), 0);
	ck_assert_str_eq(rec.envelope_to, envelope_to_cases[_i].want);
	ck_assert_str_eq(rec.header_from, "example.org");
}
END_TEST

/* test_discovery_method - the verdict's discovery word reaches the record */
START_TEST(test_discovery_method)
{
	struct verdict v = { BASE, SPF("pass", 1), .dmarc = DMARC_OUTCOME_PASS };
	struct report_record rec;
	const char *error = NULL;

	v.discovery = "treewalk";
	ck_assert_int_eq(report_record_from_verdict(&v, 0, &rec, &error), 0);
	ck_assert_int_eq(rec.policy.discovery, REPORT_DISCOVERY_TREEWALK);
	v.discovery = "psl";
	ck_assert_int_eq(report_record_from_verdict(&v, 0, &rec, &error), 0);
	ck_assert_int_eq(rec.policy.discovery, REPORT_DISCOVERY_PSL);
	v.discovery = "guess";
	ck_assert_int_eq(report_record_from_verdict(&v, 0, &rec, &error), 0);
	ck_assert_int_eq(rec.policy.discovery, REPORT_DISCOVERY_UNKNOWN);
}
END_TEST

/* the record's psd= reaches the report's policy: y 1, n 0, u (the default) -1 */
START_TEST(test_psd)
{
	static const struct {
		enum dmarc_psd psd;
		int want;
	} cases[] = { { DMARC_PSD_U, -1 }, { DMARC_PSD_Y, 1 }, { DMARC_PSD_N, 0 } };
	struct verdict v = { BASE, SPF("pass", 1), .dmarc = DMARC_OUTCOME_PASS };
	struct report_record rec;
	const char *error = NULL;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v.psd = cases[i].psd;
		ck_assert_int_eq(report_record_from_verdict(&v, 0, &rec, &error), 0);
		ck_assert_int_eq(rec.policy.psd, cases[i].want);
	}
}
END_TEST

START_TEST(test_dkim_lowercase_and_text)
{
	struct verdict v = { BASE, SPF("fail", 0), .dkim = sig_pass, .dkim_count = 2,
			     .dmarc = DMARC_OUTCOME_PASS };
	struct report_record rec, back;
	const char *error = NULL;
	char text[1024];

	ck_assert_int_eq(report_record_from_verdict(&v, 0, &rec, &error), 0);
	ck_assert_int_eq(rec.dkim_count, 2);
	ck_assert_str_eq(rec.dkim[0].domain, "example.org");
	ck_assert_int_eq(report_record_dkim_format(&rec, text, sizeof(text)), 0);
	ck_assert_str_eq(text, "example.org s1 pass,list.example k fail");
	memset(&back, 0, sizeof(back));
	ck_assert_int_eq(report_record_dkim_parse(text, &back), 0);
	ck_assert_int_eq(back.dkim_count, 2);
	ck_assert_str_eq(back.dkim[1].selector, "k");
	ck_assert_str_eq(back.dkim[1].result, "fail");
	/* too small a buffer is an error, not a cut list */
	ck_assert_int_eq(report_record_dkim_format(&rec, text, 20), -1);
}
END_TEST

START_TEST(test_too_long)
{
	char longname[300];
	struct verdict v = { BASE, SPF("pass", 1), .dmarc = DMARC_OUTCOME_PASS };
	struct report_record rec;
	const char *error = NULL;

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	v.from_domain = longname;
	ck_assert_int_eq(report_record_from_verdict(&v, 0, &rec, &error), -1);
	ck_assert_ptr_nonnull(error);
}
END_TEST

static const struct {
	const char *text;
	int ok;
	size_t count;
} reason_texts[] = {
	{ "", 0 + 1, 0 },
	{ "local_policy", 1, 1 },
	{ "local_policy dmarc-fail-local-floor,policy_test_mode", 1, 2 },
	{ "sampled_out", 0, 0 },		/* not an RFC 9990 type */
	{ "local_policy a,local_policy b,other c,other d", 0, 0 },	/* over REPORT_REASON_MAX */
	{ "local_policy a b", 0, 0 },
	{ "Local_Policy", 0, 0 },
};

START_TEST(test_reasons_parse)
{
	struct report_record rec;
	int rc;

	memset(&rec, 0, sizeof(rec));
	rc = report_record_reasons_parse(reason_texts[_i].text, &rec);
	ck_assert_msg((rc == 0) == reason_texts[_i].ok, "\"%s\": rc %d", reason_texts[_i].text, rc);
	if (rc == 0)
		ck_assert_int_eq(rec.reason_count, reason_texts[_i].count);
}
END_TEST

static const struct {
	const char *code;
	int want;
} overrides[] = {
	{ "dmarc-fail-local-floor", REPORT_OVERRIDE_LOCAL_POLICY },
	{ "dmarc-fail-protected-domain", REPORT_OVERRIDE_LOCAL_POLICY },
	{ "exempt-allowed-client", REPORT_OVERRIDE_TRUSTED_FORWARDER },
	{ "exempt-allowed-signer", REPORT_OVERRIDE_MAILING_LIST },
	{ "exempt-allowed-from", REPORT_OVERRIDE_LOCAL_POLICY },
	{ "forwarded-arc", REPORT_OVERRIDE_TRUSTED_FORWARDER },
	{ "forwarded-trusted", REPORT_OVERRIDE_TRUSTED_FORWARDER },
	{ "lookalike-display-name", REPORT_OVERRIDE_LOCAL_POLICY },
	{ "lookalike", -1 },
	{ "dmarc-pass", -1 },
	{ "published-quarantine", -1 },
	{ NULL, -1 },
};

START_TEST(test_override_type)
{
	ck_assert_int_eq(report_record_override_type(overrides[_i].code), overrides[_i].want);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("report_record");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_from_verdict, 0, TEST_ROWS(rows));
	tcase_add_test(tc, test_dkim_lowercase_and_text);
	tcase_add_test(tc, test_discovery_method);
	tcase_add_test(tc, test_psd);
	tcase_add_loop_test(tc, test_envelope_to, 0, TEST_ROWS(envelope_to_cases));
	tcase_add_test(tc, test_too_long);
	tcase_add_loop_test(tc, test_reasons_parse, 0, TEST_ROWS(reason_texts));
	tcase_add_loop_test(tc, test_override_type, 0, TEST_ROWS(overrides));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
