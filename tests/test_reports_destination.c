/*
 * test_reports_destination - RFC 9990's external destination check of
 * dmarcguard-reports against nsd (tests/zones/authorised.example.zone):
 * the same organizational domain needs no look-up; another domain must
 * authorise the policy domain with a v=DMARC1 record at
 * <policy-domain>._report._dmarc.<destination>; no such name, another TXT
 * record or "v=DMARC10" refuse; SERVFAIL means a later run.
 */
#include <stdio.h>
#include <string.h>

#include "dns_fixture.h"
#include "reports_destination.h"
#include "test_main.h"

static struct resolver *resolver;
static struct orgdomain *od;

/* per test (in the forked child): the resolver's thread does not survive a fork */
static void
setup(void)
{
	const char *why = NULL;

	resolver = dns_fixture_resolver(NULL, 2000);
	od = orgdomain_new(ORGDOMAIN_DEFAULT_PSL, &why);
	ck_assert_msg(od != NULL, "%s", why);
}

static void
teardown(void)
{
	orgdomain_free(&od);
	resolver_free(&resolver);
}

static const struct {
	const char *policy_domain, *address;
	enum reports_destination_verdict want;
	const char *why_part;
} cases[] = {
	{ "none.example", "dmarc@none.example", REPORTS_DESTINATION_OK, "same organizational" },
	{ "reports.example", "agg@mail.reports.example", REPORTS_DESTINATION_OK, "same organizational" },
	{ "sub.reports.example", "agg@reports.example", REPORTS_DESTINATION_OK, "same organizational" },
	{ "reports.example", "dmarc@authorised.example", REPORTS_DESTINATION_OK, "authorised" },
	{ "none.example", "dmarc@authorised.example", REPORTS_DESTINATION_REFUSED, "does not authorise" },
	{ "other.example", "x@authorised.example", REPORTS_DESTINATION_REFUSED, "does not authorise" },
	{ "sub.example", "x@authorised.example", REPORTS_DESTINATION_REFUSED, "does not authorise" },
	{ "reports.example", "x@servfail-report.example", REPORTS_DESTINATION_RETRY, "for now" },
	{ "reports.example", "x@nobody.authorised.example", REPORTS_DESTINATION_REFUSED, "does not authorise" },
	{ "reports.example", "nobody", REPORTS_DESTINATION_REFUSED, "not an address" },
	{ "reports.example", "nobody@", REPORTS_DESTINATION_REFUSED, "not an address" },
};

START_TEST(test_check)
{
	const char *why = NULL;
	enum reports_destination_verdict got = reports_destination_check(
		resolver, od, cases[_i].policy_domain, cases[_i].address, &why);

	ck_assert_msg(got == cases[_i].want, "%s -> %s: %d (%s), want %d", cases[_i].policy_domain,
		      cases[_i].address, got, why, cases[_i].want);
	ck_assert_msg(why != NULL && strstr(why, cases[_i].why_part) != NULL, "%s -> %s: \"%s\"",
		      cases[_i].policy_domain, cases[_i].address, why);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("reports_destination");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, dns_fixture_up, dns_fixture_down);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_check, 0, TEST_ROWS(cases));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
