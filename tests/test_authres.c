/*
 * test_authres - our Authentication-Results value and spotting headers
 * that carry our authserv-id.
 *
 * authres_is_ours: one row per way an authserv-id can be written (RFC 8601
 * 2.2: [CFWS] authserv-id [CFWS authres-version] ";" ...): plain, other
 * case, after folding white space and (nested) comments, quoted, followed
 * by a version or a comment, and the look-alikes that must not match
 * (longer, shorter, later in the value, NUL bytes, a len that cuts).
 *
 * authres_format: verdicts built by hand, each with the exact text we
 * must write; every row is also checked to be recognised as ours, and a
 * buffer one byte short must give 0 and an empty string.
 */
#include <string.h>

#include "authres.h"
#include "test_main.h"

#define ID "mx.example.org"

/* S - a literal with its length, so rows can hold NUL bytes */
#define S(lit) lit, sizeof(lit) - 1

static const struct {
	const char *what;
	const char *value;
	size_t len;
	const char *id;
	int want;
} ours[] = {
	{ "plain", S("mx.example.org; spf=pass smtp.mailfrom=example.org"), ID, 1 },
	{ "the id alone", S("mx.example.org"), ID, 1 },
	{ "no space before the semicolon clause", S("mx.example.org;spf=pass"), ID, 1 },
	{ "other case", S("MX.Example.ORG; spf=pass"), ID, 1 },
	{ "our id in upper case", S("mx.example.org; dkim=none"), "MX.EXAMPLE.ORG", 1 },
	{ "leading space", S(" mx.example.org; dkim=none"), ID, 1 },
	{ "leading LF fold", S("\n\tmx.example.org;\n\tspf=pass"), ID, 1 },
	{ "leading CRLF fold", S("\r\n mx.example.org;\r\n spf=pass"), ID, 1 },
	{ "tab before the semicolon", S("mx.example.org\t; spf=pass"), ID, 1 },
	{ "leading comment", S("(forged) mx.example.org; spf=pass"), ID, 1 },
	{ "nested comments", S("(a (b (c)) d) mx.example.org; spf=pass"), ID, 1 },
	{ "escaped paren in a comment", S("(x \\) y) mx.example.org; spf=pass"), ID, 1 },
	{ "comments and folds mixed", S("\r\n\t(one)\r\n (two) mx.example.org; none"), ID, 1 },
	{ "comment right after the id", S("mx.example.org(ours?); spf=pass"), ID, 1 },
	{ "quoted id", S("\"mx.example.org\"; spf=pass"), ID, 1 },
	{ "quoted id, other case", S("\"MX.example.org\"; spf=pass"), ID, 1 },
	{ "quoted address literal", S("\"[192.0.2.25]\"; spf=pass"), "[192.0.2.25]", 1 },
	{ "id and version", S("mx.example.org 1; spf=pass"), ID, 1 },
	{ "quoted id and version", S("\"mx.example.org\" 1; spf=pass"), ID, 1 },
	{ "id, comment, version", S("mx.example.org (v) 1; spf=pass"), ID, 1 },
	{ "len ends right after the id", "mx.example.org.evil; spf=pass", 14, ID, 1 },
	{ "longer id sharing our prefix", S("mx.example.org.evil; spf=pass"), ID, 0 },
	{ "longer id sharing our suffix", S("evil.mx.example.org; spf=pass"), ID, 0 },
	{ "one more character", S("mx.example.orgx; spf=pass"), ID, 0 },
	{ "shorter id", S("mx.example; spf=pass"), ID, 0 },
	{ "parent domain", S("example.org; spf=pass"), ID, 0 },
	{ "len cuts our id short", "mx.example.org; spf=pass", 10, ID, 0 },
	{ "empty value", S(""), ID, 0 },
	{ "only white space", S(" \r\n\t"), ID, 0 },
	{ "only a comment", S("(mx.example.org)"), ID, 0 },
	{ "unterminated comment", S("(mx.example.org; spf=pass"), ID, 0 },
	{ "no id before the semicolon", S("; spf=pass"), ID, 0 },
	{ "our id later in the value", S("other.example; spf=pass (mx.example.org)"), ID, 0 },
	{ "our id as the second word", S("other.example mx.example.org; spf=pass"), ID, 0 },
	{ "unbalanced quote", S("\"mx.example.org; spf=pass"), ID, 0 },
	{ "empty quoted id", S("\"\"; spf=pass"), ID, 0 },
	{ "empty id of ours never matches", S("; spf=pass"), "", 0 },
	{ "empty id of ours, empty value", S(""), "", 0 },
	{ "empty id of ours, any value", S("mx.example.org; spf=pass"), "", 0 },
	{ "NUL inside the id", S("mx.exa\0mple.org; spf=pass"), ID, 0 },
	{ "NUL before the id", S("\0mx.example.org; spf=pass"), ID, 0 },
	/* the token runs on past the NUL; libmilter would have cut the value there */
	{ "NUL right after the id", S("mx.example.org\0; spf=pass"), ID, 0 },
};

START_TEST(test_is_ours)
{
	int got = authres_is_ours(ours[_i].value, ours[_i].len, ours[_i].id);

	ck_assert_msg(got == ours[_i].want, "%s: got %d, want %d", ours[_i].what, got,
		      ours[_i].want);
}
END_TEST

static const struct verdict_dkim one_pass[] = {
	{ .domain = "example.org", .selector = "sel", .algorithm = "rsa-sha256",
	  .result = "pass", .aligned = 1, .counts = 1 },
};

static const struct verdict_dkim several[] = {
	{ .domain = "example.org", .selector = "s1", .algorithm = "rsa-sha256",
	  .result = "pass", .aligned = 1, .counts = 1 },
	{ .domain = "lists.example", .selector = "list", .algorithm = "rsa-sha256",
	  .result = "fail", .reason = "body hash mismatch" },
	{ .domain = "old.example", .selector = "k", .algorithm = "rsa-sha1",
	  .result = "policy", .reason = "rsa-sha1" },
	{ .domain = "", .selector = "", .algorithm = "", .result = "permerror",
	  .reason = "no-domain" },
};

static const struct verdict_dkim not_a_token[] = {
	{ .domain = "bad domain\"x\\y\tz", .selector = "s@l", .algorithm = "ed25519-sha256",
	  .result = "fail", .reason = "" },
};

#define SPF_PASS { .result = "pass", .identity = "mailfrom", .domain = "example.org", \
		   .problem = "" }
#define SPF_NONE { .result = "none", .identity = "mailfrom", \
		   .domain = "attacker.example", .problem = "" }

static const struct {
	const char *what;
	const char *id;
	struct verdict v;
	const char *want;
} formats[] = {
	{ "pass with one signature", ID, {
		.from_domain = "example.org", .spf = SPF_PASS,
		.dkim = one_pass, .dkim_count = 1, .dmarc = DMARC_OUTCOME_PASS,
		.record_found = 1, .p = DMARC_REQUEST_REJECT, .sp = DMARC_REQUEST_REJECT,
		.pct = 100, .decision = { .reason = "dmarc-pass" } },
	  "mx.example.org;\n"
	  "\tspf=pass smtp.mailfrom=example.org;\n"
	  "\tdkim=pass header.d=example.org header.s=sel header.a=rsa-sha256;\n"
	  "\tarc=none;\n"
	  "\tdmarc=pass (p=reject sp=reject dis=none discovery=treewalk) header.from=example.org\n"
	  "\tpolicy.dmarc=none" },
	{ "fail, p=none, quarantined by the floor", ID, {
		.from_domain = "none.example", .spf = SPF_NONE, .dmarc = DMARC_OUTCOME_FAIL,
		.record_found = 1, .p = DMARC_REQUEST_NONE, .sp = DMARC_REQUEST_NONE,
		.pct = 100, .decision = { .action = ACTION_QUARANTINE,
		.would_action = ACTION_QUARANTINE, .raised = 1,
		.reason = "dmarc-fail-local-floor" } },
	  "mx.example.org;\n"
	  "\tspf=none smtp.mailfrom=attacker.example;\n"
	  "\tdkim=none;\n"
	  "\tarc=none;\n"
	  "\tdmarc=fail (p=none sp=none dis=quarantine discovery=treewalk) header.from=none.example\n"
	  "\tpolicy.dmarc=quarantine" },
	{ "no signatures, no record", ID, {
		.from_domain = "norecord.example", .spf = SPF_PASS, .dmarc = DMARC_OUTCOME_NONE,
		.decision = { .reason = "no-policy" } },
	  "mx.example.org;\n"
	  "\tspf=pass smtp.mailfrom=example.org;\n"
	  "\tdkim=none;\n"
	  "\tarc=none;\n"
	  "\tdmarc=none header.from=norecord.example\n"
	  "\tpolicy.dmarc=none" },
	{ "several signatures, one without domain", ID, {
		.from_domain = "example.org", .spf = SPF_PASS, .dkim = several,
		.dkim_count = 4, .dmarc = DMARC_OUTCOME_PASS, .record_found = 1,
		.p = DMARC_REQUEST_QUARANTINE, .sp = DMARC_REQUEST_NONE, .pct = 50,
		.decision = { .reason = "dmarc-pass" } },
	  "mx.example.org;\n"
	  "\tspf=pass smtp.mailfrom=example.org;\n"
	  "\tdkim=pass header.d=example.org header.s=s1 header.a=rsa-sha256;\n"
	  "\tdkim=fail reason=\"body hash mismatch\" header.d=lists.example header.s=list"
	  " header.a=rsa-sha256;\n"
	  "\tdkim=policy reason=rsa-sha1 header.d=old.example header.s=k header.a=rsa-sha1;\n"
	  "\tdkim=permerror reason=no-domain;\n"
	  "\tarc=none;\n"
	  "\tdmarc=pass (p=quarantine sp=none dis=none discovery=treewalk) header.from=example.org\n"
	  "\tpolicy.dmarc=none" },
	{ "signatures past MaxSignatures: one entry with their number", ID, {
		.from_domain = "example.org", .spf = SPF_PASS, .dkim = one_pass,
		.dkim_count = 1, .dkim_skipped = 4890, .dmarc = DMARC_OUTCOME_PASS,
		.decision = { .reason = "dmarc-pass" } },
	  "mx.example.org;\n"
	  "\tspf=pass smtp.mailfrom=example.org;\n"
	  "\tdkim=pass header.d=example.org header.s=sel header.a=rsa-sha256;\n"
	  "\tdkim=none reason=over-signature-limit (4890 signatures not evaluated);\n"
	  "\tarc=none;\n"
	  "\tdmarc=pass header.from=example.org\n"
	  "\tpolicy.dmarc=none" },
	{ "null sender: the HELO identity", ID, {
		.mail_from_domain = "", .from_domain = "example.org",
		.spf = { .result = "softfail", .identity = "helo",
			 .domain = "mail.example.org", .problem = "" },
		.dkim = one_pass, .dkim_count = 1, .dmarc = DMARC_OUTCOME_PASS,
		.decision = { .reason = "dmarc-pass" } },
	  "mx.example.org;\n"
	  "\tspf=softfail smtp.helo=mail.example.org;\n"
	  "\tdkim=pass header.d=example.org header.s=sel header.a=rsa-sha256;\n"
	  "\tarc=none;\n"
	  "\tdmarc=pass header.from=example.org\n"
	  "\tpolicy.dmarc=none" },
	{ "malformed From", ID, {
		.from_domain = "", .from_problem = "malformed-from-multiple",
		.spf = SPF_NONE, .dmarc = DMARC_OUTCOME_PERMERROR,
		.decision = { .action = ACTION_REJECT, .would_action = ACTION_REJECT,
		.reason = "malformed-from-multiple" } },
	  "mx.example.org;\n"
	  "\tspf=none smtp.mailfrom=attacker.example;\n"
	  "\tdkim=none;\n"
	  "\tarc=none;\n"
	  "\tdmarc=permerror reason=malformed-from-multiple\n"
	  "\tpolicy.dmarc=reject" },
	{ "values that are not tokens are quoted, escaped, controls dropped", ID, {
		.from_domain = "example.org", .spf = SPF_PASS, .dkim = not_a_token,
		.dkim_count = 1, .dmarc = DMARC_OUTCOME_FAIL,
		.decision = { .action = ACTION_QUARANTINE,
		.would_action = ACTION_QUARANTINE, .raised = 1,
		.reason = "dmarc-fail-local-floor" } },
	  "mx.example.org;\n"
	  "\tspf=pass smtp.mailfrom=example.org;\n"
	  "\tdkim=fail reason=\"\" header.d=\"bad domain\\\"x\\\\yz\" header.s=\"s@l\""
	  " header.a=ed25519-sha256;\n"
	  "\tarc=none;\n"
	  "\tdmarc=fail header.from=example.org\n"
	  "\tpolicy.dmarc=quarantine" },
	{ "SPF error with a reason, empty SPF domain", ID, {
		.from_domain = "example.org",
		.spf = { .result = "temperror", .identity = "mailfrom", .domain = "",
			 .problem = "dns timeout" },
		.dmarc = DMARC_OUTCOME_TEMPERROR,
		.decision = { .action = ACTION_TEMPFAIL, .would_action = ACTION_TEMPFAIL,
		.reason = "dns-temperror" } },
	  "mx.example.org;\n"
	  "\tspf=temperror reason=\"dns timeout\";\n"
	  "\tdkim=none;\n"
	  "\tarc=none;\n"
	  "\tdmarc=temperror header.from=example.org\n"
	  "\tpolicy.dmarc=tempfail" },
	{ "dry run", ID, {
		.from_domain = "r.example", .spf = SPF_NONE, .dmarc = DMARC_OUTCOME_FAIL,
		.record_found = 1, .p = DMARC_REQUEST_REJECT, .sp = DMARC_REQUEST_REJECT,
		.pct = 100, .decision = { .action = ACTION_ACCEPT,
		.would_action = ACTION_REJECT, .dry_run = 1,
		.reason = "published-reject" } },
	  "mx.example.org;\n"
	  "\tspf=none smtp.mailfrom=attacker.example;\n"
	  "\tdkim=none;\n"
	  "\tarc=none;\n"
	  "\tdmarc=fail (p=reject sp=reject dis=reject discovery=treewalk) header.from=r.example\n"
	  "\tpolicy.dmarc=reject (dry run: accepted)" },
	{ "an authserv-id that is not a token is quoted", "[192.0.2.25]", {
		.from_domain = "example.org", .spf = SPF_PASS, .dmarc = DMARC_OUTCOME_NONE,
		.decision = { .reason = "no-policy" } },
	  "\"[192.0.2.25]\";\n"
	  "\tspf=pass smtp.mailfrom=example.org;\n"
	  "\tdkim=none;\n"
	  "\tarc=none;\n"
	  "\tdmarc=none header.from=example.org\n"
	  "\tpolicy.dmarc=none" },
	{ "a list post accepted on a trusted sealer's word", ID, {
		.from_domain = "none.example", .spf = SPF_NONE, .dmarc = DMARC_OUTCOME_FAIL,
		.arc = "pass", .arc_sealer = "lists.example", .arc_instance = 2,
		.forwarded = FORWARDER_ARC, .record_found = 1, .p = DMARC_REQUEST_NONE,
		.sp = DMARC_REQUEST_NONE, .pct = 100, .decision = { .action = ACTION_ACCEPT,
		.would_action = ACTION_ACCEPT, .reason = "forwarded-arc" } },
	  "mx.example.org;\n"
	  "\tspf=none smtp.mailfrom=attacker.example;\n"
	  "\tdkim=none;\n"
	  "\tarc=pass;\n"
	  "\tdmarc=fail (p=none sp=none dis=none discovery=treewalk) header.from=none.example\n"
	  "\tpolicy.dmarc=none (forwarded-arc: sealer lists.example i=2)" },
	{ "a broken chain, the floor lifted for a trusted forwarder", ID, {
		.from_domain = "none.example", .spf = SPF_PASS, .dmarc = DMARC_OUTCOME_FAIL,
		.arc = "fail", .arc_reason = "body-hash-mismatch", .forwarded = FORWARDER_TRUSTED,
		.forwarder = "example.org", .decision = { .action = ACTION_ACCEPT,
		.would_action = ACTION_ACCEPT, .reason = "forwarded-trusted" } },
	  "mx.example.org;\n"
	  "\tspf=pass smtp.mailfrom=example.org;\n"
	  "\tdkim=none;\n"
	  "\tarc=fail reason=body-hash-mismatch;\n"
	  "\tdmarc=fail header.from=none.example\n"
	  "\tpolicy.dmarc=none (forwarded-trusted: example.org)" },
};

START_TEST(test_format)
{
	char buf[2048];
	size_t n = authres_format(&formats[_i].v, formats[_i].id, buf, sizeof(buf));

	ck_assert_msg(strcmp(buf, formats[_i].want) == 0, "%s:\ngot  [%s]\nwant [%s]",
		      formats[_i].what, buf, formats[_i].want);
	ck_assert_uint_eq(n, strlen(formats[_i].want));
	/* what we write, we recognise as ours (and delete when it comes back) */
	ck_assert_msg(authres_is_ours(buf, n, formats[_i].id), "%s: not ours",
		      formats[_i].what);
}
END_TEST

/* test_too_small - every size short of the text gives 0 and "" in bounds */
START_TEST(test_too_small)
{
	const size_t want = strlen(formats[_i].want);
	char buf[2048];

	for (size_t size = 1; size <= want + 1; size++) {
		size_t n;

		memset(buf, 'Z', sizeof(buf));
		n = authres_format(&formats[_i].v, formats[_i].id, buf, size);
		if (size == want + 1) {
			ck_assert_uint_eq(n, want);
			ck_assert_str_eq(buf, formats[_i].want);
		} else {
			ck_assert_msg(n == 0 && buf[0] == '\0', "%s: size %zu gave %zu",
				      formats[_i].what, size, n);
		}
		ck_assert_msg(buf[size] == 'Z', "%s: wrote past size %zu", formats[_i].what,
			      size);
	}
	memset(buf, 'Z', sizeof(buf));
	ck_assert_uint_eq(authres_format(&formats[_i].v, formats[_i].id, buf, 0), 0);
	ck_assert_int_eq(buf[0], 'Z');
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("authres");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_is_ours, 0, TEST_ROWS(ours));
	tcase_add_loop_test(tc, test_format, 0, TEST_ROWS(formats));
	tcase_add_loop_test(tc, test_too_small, 0, TEST_ROWS(formats));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
