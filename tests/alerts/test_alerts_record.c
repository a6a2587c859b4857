/*
 * test_alerts_record - alert message to checked record
 * (tools/alerts/record.h): the documented example line, dry run,
 * optional fields, and every reason a line is refused: another version,
 * a missing field (a line cut short), a repeated key, values outside the
 * documented sets. Keys of a later revision are ignored.
 */
#include <string.h>

#include "record.h"
#include "test_main.h"

#define HEAD "v=1 qid=4Xk2p1Zz3Qz9 ip=203.0.113.66 client=unknown helo=mx.attacker.example " \
	     "mfrom=attacker.example from=none.example spf=none spf_domain=attacker.example " \
	     "spf_id=mailfrom dkim=none dmarc=fail policy_domain=none.example p=none sp=none " \
	     "pct=100 published=none"
#define DOC_LINE HEAD " action=quarantine reason=dmarc-fail-local-floor override=yes"
#define DOC_LINE_NOW DOC_LINE " discovery=treewalk"	/* as docs/alerts.md shows it */

static const struct {
	const char *what;
	const char *in;
	const char *want_error;	/* NULL: parses */
	enum record_action want_action, want_would;
	int want_override, want_dry_run;
} cases[] = {
	{ "the line of docs/alerts.md", DOC_LINE_NOW, NULL, ACT_QUARANTINE, ACT_QUARANTINE, 1, 0 },
	{ "the line before RFC 9989 (no discovery)", DOC_LINE, NULL, ACT_QUARANTINE,
	  ACT_QUARANTINE, 1, 0 },
	{ "dry run", HEAD " action=accept reason=dmarc-fail-local-floor override=yes"
	  " dry_run=yes would=quarantine", NULL, ACT_ACCEPT, ACT_QUARANTINE, 1, 1 },
	{ "optional fields", HEAD " action=accept reason=exempt-trusted-network override=no"
	  " exempt=trusted-network rule=relax problem=timeout", NULL, ACT_ACCEPT, ACT_ACCEPT, 0, 0 },
	{ "a later revision's key is ignored", DOC_LINE " colour=blue", NULL, ACT_QUARANTINE,
	  ACT_QUARANTINE, 1, 0 },
	{ "fields out of order still read", "v=1 override=no reason=dmarc-pass action=accept"
	  " published=none pct=100 sp=none p=none policy_domain=a.example dmarc=pass dkim=none"
	  " spf_id=mailfrom spf_domain=a.example spf=pass from=a.example mfrom=a.example"
	  " helo=h client=c ip=192.0.2.1 qid=Q", NULL, ACT_ACCEPT, ACT_ACCEPT, 0, 0 },
	{ "version 2", "v=2 qid=x", "unknown format version v=2", 0, 0, 0, 0 },
	{ "version first, always", "qid=x v=1", "does not start with v=", 0, 0, 0, 0 },
	{ "cut before override", HEAD " action=quarantine reason=dmarc-fail-local-floor",
	  "missing field override", 0, 0, 0, 0 },
	{ "cut inside a value", HEAD " action=quarantine reason=dmarc-fail-local-floor override=y",
	  "override is \"y\"", 0, 0, 0, 0 },
	{ "cut inside quotes", "v=1 qid=x ip=192.0.2.1 client=unknown helo=\"mail ser",
	  "unterminated", 0, 0, 0, 0 },
	{ "repeated key", DOC_LINE " action=reject", "repeated field action", 0, 0, 0, 0 },
	{ "unknown action", HEAD " action=hold reason=x override=no", "unknown action", 0, 0, 0, 0 },
	{ "unknown dmarc", "v=1 qid=4X ip=1 client=c helo=h mfrom=m from=f spf=none"
	  " spf_domain=m spf_id=mailfrom dkim=none dmarc=maybe policy_domain=f p=none sp=none"
	  " pct=100 published=none action=accept reason=x override=no",
	  "unknown dmarc result", 0, 0, 0, 0 },
	{ "dry_run without would", DOC_LINE " dry_run=yes", "dry_run without", 0, 0, 0, 0 },
	{ "would without dry_run", DOC_LINE " would=reject", "would without", 0, 0, 0, 0 },
	{ "dry_run=no", DOC_LINE " dry_run=no would=reject", "dry_run is", 0, 0, 0, 0 },
	{ "bad would", DOC_LINE " dry_run=yes would=maybe", "unknown would action", 0, 0, 0, 0 },
};

START_TEST(test_parse)
{
	const char *in = cases[_i].in, *why = NULL;
	char scratch[2048];
	struct record r;
	int rc = record_parse(&r, in, strlen(in), scratch, sizeof(scratch), &why);

	if (cases[_i].want_error != NULL) {
		ck_assert_msg(rc < 0, "%s: parsed", cases[_i].what);
		ck_assert_msg(strstr(why, cases[_i].want_error) != NULL, "%s: error \"%s\"",
			      cases[_i].what, why);
		return;
	}
	ck_assert_msg(rc == 0, "%s: %s", cases[_i].what, why);
	ck_assert_int_eq(r.action_code, cases[_i].want_action);
	ck_assert_int_eq(r.would_code, cases[_i].want_would);
	ck_assert_int_eq(r.overridden, cases[_i].want_override);
	ck_assert_int_eq(r.is_dry_run, cases[_i].want_dry_run);
}
END_TEST

START_TEST(test_fields_by_name)
{
	char scratch[2048];
	struct record r;
	const char *why;

	ck_assert_int_eq(record_parse(&r, DOC_LINE, strlen(DOC_LINE), scratch, sizeof(scratch),
				      &why), 0);
	ck_assert_str_eq(r.qid, "4Xk2p1Zz3Qz9");
	ck_assert_str_eq(r.ip, "203.0.113.66");
	ck_assert_str_eq(r.helo, "mx.attacker.example");
	ck_assert_str_eq(r.from, "none.example");
	ck_assert_str_eq(r.p, "none");
	ck_assert_str_eq(r.reason, "dmarc-fail-local-floor");
	ck_assert_int_eq(r.dmarc_code, DM_FAIL);
	ck_assert_ptr_null(r.exempt);
	ck_assert_ptr_null(r.would);
	ck_assert_ptr_null(r.discovery);
	ck_assert_ptr_null(r.removed_tags);
}
END_TEST

/* RFC 9989's optional fields: the discovery method and the removed tags */
START_TEST(test_rfc9989_fields)
{
	static const char line[] = DOC_LINE " problem=timeout discovery=treewalk"
				   " removed_tags=pct,ri";
	char scratch[2048];
	struct record r;
	const char *why;

	ck_assert_int_eq(record_parse(&r, line, strlen(line), scratch, sizeof(scratch), &why), 0);
	ck_assert_str_eq(r.problem, "timeout");
	ck_assert_str_eq(r.discovery, "treewalk");
	ck_assert_str_eq(r.removed_tags, "pct,ri");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alerts_record");
	TCase *tc = tcase_create("record");

	tcase_add_loop_test(tc, test_parse, 0, TEST_ROWS(cases));
	tcase_add_test(tc, test_fields_by_name);
	tcase_add_test(tc, test_rfc9989_fields);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
