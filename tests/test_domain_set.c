/*
 * test_domain_set - exact and subdomain matching of domain allow lists.
 */
#include "domain_set.h"
#include "test_main.h"

static const struct {
	const char *entries;
	const char *domain;
	int want;
} cases[] = {
	{ "example.org", "example.org", 1 },
	{ "example.org", "EXAMPLE.ORG.", 1 },
	{ "Example.Org.", "example.org", 1 },
	{ "example.org", "lists.example.org", 0 },
	{ ".example.org", "lists.example.org", 1 },
	{ ".example.org", "a.b.example.org", 1 },
	{ ".example.org", "example.org", 0 },
	{ "*.example.org", "x.example.org", 1 },
	{ "*.example.org", "badexample.org", 0 },
	{ ".example.org", "xexample.org", 0 },
	{ "a.example, b.example c.example", "b.example", 1 },
	{ "a.example, b.example c.example", "d.example", 0 },
	{ "", "example.org", 0 },
	{ "example.org", "org", 0 },
	{ ".org", "example.org", 1 },
};

START_TEST(test_match)
{
	const char *error = NULL;
	struct domain_set *set = domain_set_new();

	ck_assert_int_eq(domain_set_add(set, cases[_i].entries, &error), 0);
	ck_assert_msg(domain_set_match(set, cases[_i].domain) == cases[_i].want,
		      "%s in [%s]: want %d", cases[_i].domain, cases[_i].entries,
		      cases[_i].want);
	domain_set_free(&set);
	ck_assert_ptr_null(set);
}
END_TEST

static const char *const bad_entries[] = {
	"a..example", "exa mple.org\x01", ".", "*.", "-", 
};

START_TEST(test_bad)
{
	const char *error = NULL;
	struct domain_set *set = domain_set_new();

	/* "-" is a valid (odd) label: only the first four must fail */
	if (_i < 4) {
		ck_assert_int_eq(domain_set_add(set, bad_entries[_i], &error), -1);
		ck_assert_ptr_nonnull(error);
	} else {
		ck_assert_int_eq(domain_set_add(set, bad_entries[_i], &error), 0);
	}
	domain_set_free(&set);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("domain_set");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_match, 0, TEST_ROWS(cases));
	tcase_add_loop_test(tc, test_bad, 0, TEST_ROWS(bad_entries));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
