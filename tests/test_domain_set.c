/*
 * test_domain_set - exact and subdomain matching of domain allow lists.
 */
#include <stdio.h>

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

/* an entry given again is kept once, however it is spelled (issue 19) */
static const struct {
	const char *entries;
	size_t want;
} count_cases[] = {
	{ "", 0 },
	{ "a.example", 1 },
	{ "a.example a.example", 1 },
	{ "a.example A.EXAMPLE. a.example", 1 },
	{ "a.example .a.example *.a.example", 2 },
	{ "a.example b.example, c.example a.example", 3 },
};

START_TEST(test_count)
{
	const char *error = NULL;
	struct domain_set *set = domain_set_new();

	/* one entry per call as well as all at once: the config adds line by line */
	ck_assert_int_eq(domain_set_add(set, count_cases[_i].entries, &error), 0);
	ck_assert_int_eq(domain_set_add(set, count_cases[_i].entries, &error), 0);
	ck_assert_uint_eq(domain_set_count(set), count_cases[_i].want);
	domain_set_free(&set);
}
END_TEST

/* many entries, added one by one: every one is found, and no other */
START_TEST(test_many)
{
	const char *error = NULL;
	struct domain_set *set = domain_set_new();
	char name[64];

	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "%sd%d.example", i % 2 ? "." : "", i);
		ck_assert_int_eq(domain_set_add(set, name, &error), 0);
	}
	ck_assert_uint_eq(domain_set_count(set), 5000);
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "d%d.example", i);
		ck_assert_int_eq(domain_set_match(set, name), i % 2 == 0);
		snprintf(name, sizeof(name), "x.d%d.example", i);
		ck_assert_int_eq(domain_set_match(set, name), i % 2 == 1);
	}
	ck_assert_int_eq(domain_set_match(set, "d5000.example"), 0);
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
	tcase_add_loop_test(tc, test_count, 0, TEST_ROWS(count_cases));
	tcase_add_test(tc, test_many);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
