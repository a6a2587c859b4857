/*
 * test_alerts_text - the one-line text form of an alert that --follow
 * prints (report_text_alert in tools/alerts/report_text.c): the forwarder
 * that lifted a forwarded message (via=, "(arc)" for a sealer) and the
 * protected domain a look-alike imitates (lookalike_of=) are on the line;
 * other alerts carry neither.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "report.h"
#include "test_main.h"

#define HEAD "v=1 qid=4Xk2p1Zz3Qz9 ip=198.51.100.7 client=unknown helo=mx.lists.example " \
	     "mfrom=lists.example from=none.example spf=pass spf_domain=lists.example " \
	     "spf_id=mailfrom dkim=none dmarc=fail policy_domain=none.example p=none sp=none " \
	     "pct=100 published=none"

static const struct {
	const char *what;
	const char *in;
	const char *want;	/* in the printed line */
	const char *not_want;	/* never in it, or NULL */
} cases[] = {
	{ "forwarded by an ARC sealer", HEAD " action=accept reason=forwarded-arc override=no"
	  " arc=pass arc_sealer=lists.example arc_instance=1",
	  "forwarded-arc  via=lists.example (arc)", "lookalike_of" },
	{ "forwarded by a trusted forwarder", HEAD " action=accept reason=forwarded-trusted override=no"
	  " forwarder=relay.example",
	  "forwarded-trusted  via=relay.example", "(arc)" },
	{ "a look-alike", HEAD " action=quarantine reason=lookalike-typo override=yes"
	  " lookalike=typo lookalike_of=bank.example",
	  "lookalike-typo  override=yes  lookalike_of=bank.example", "via=" },
	{ "neither", HEAD " action=quarantine reason=dmarc-fail-local-floor override=yes",
	  "dmarc-fail-local-floor  override=yes", "via=" },
};

START_TEST(test_alert_line)
{
	char scratch[2048], *out = NULL;
	size_t size = 0;
	const char *why = NULL, *in = cases[_i].in;
	struct record r;
	FILE *f;

	ck_assert_msg(record_parse(&r, in, strlen(in), scratch, sizeof(scratch), &why) == 0,
		      "%s: %s", cases[_i].what, why);
	f = open_memstream(&out, &size);
	ck_assert_ptr_nonnull(f);
	report_text_alert(f, &r);
	fclose(f);
	ck_assert_msg(strstr(out, cases[_i].want) != NULL, "%s: \"%s\" has no \"%s\"",
		      cases[_i].what, out, cases[_i].want);
	ck_assert_msg(strstr(out, "lookalike_of") == NULL || strstr(cases[_i].want, "lookalike_of"),
		      "%s: \"%s\"", cases[_i].what, out);
	if (cases[_i].not_want != NULL)
		ck_assert_msg(strstr(out, cases[_i].not_want) == NULL, "%s: \"%s\" has \"%s\"",
			      cases[_i].what, out, cases[_i].not_want);
	free(out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alerts_text");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_alert_line, 0, TEST_ROWS(cases));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
