/*
 * test_domain_rules - rule line syntax and lookups (protect wins over
 * relax). Reading the file, and its file:line errors, is test_config's.
 */
#include "domain_rules.h"
#include "test_main.h"

static const struct {
	const char *line;
	int ok;
} line_cases[] = {
	{ "protect example.org", 1 },
	{ "PROTECT example.org .example.net", 1 },
	{ "relax lists.example.com # mailing lists", 1 },
	{ "   # only a comment", 1 },
	{ "", 1 },
	{ "protect", 0 },
	{ "protect   # nothing", 0 },
	{ "allow example.org", 0 },
	{ "protect exa..mple.org", 0 },
};

START_TEST(test_line)
{
	struct domain_rules *r = domain_rules_new();
	const char *error = NULL;
	int rc = domain_rules_add_line(r, line_cases[_i].line, &error);

	ck_assert_msg((rc == 0) == line_cases[_i].ok, "'%s': rc %d (%s)", line_cases[_i].line,
		      rc, error ? error : "");
	domain_rules_free(&r);
	ck_assert_ptr_null(r);
}
END_TEST

START_TEST(test_lookup)
{
	static const char *const lines[] = {
		"# rules", "protect ministry.example", "", "relax .lists.example ministry.example",
		"protect .university.example",
	};
	struct domain_rules *r = domain_rules_new();
	const char *error = NULL;

	for (int i = 0; i < TEST_ROWS(lines); i++)
		ck_assert_msg(domain_rules_add_line(r, lines[i], &error) == 0, "%s: %s", lines[i],
			      error);
	ck_assert_int_eq(domain_rules_lookup(r, "ministry.example"), DOMAIN_RULE_PROTECT);
	ck_assert_int_eq(domain_rules_lookup(r, "MINISTRY.EXAMPLE."), DOMAIN_RULE_PROTECT);
	ck_assert_int_eq(domain_rules_lookup(r, "a.lists.example"), DOMAIN_RULE_RELAX);
	ck_assert_int_eq(domain_rules_lookup(r, "lists.example"), DOMAIN_RULE_NONE);
	ck_assert_int_eq(domain_rules_lookup(r, "cs.university.example"), DOMAIN_RULE_PROTECT);
	ck_assert_int_eq(domain_rules_lookup(r, "other.example"), DOMAIN_RULE_NONE);
	ck_assert_int_eq(domain_rules_lookup(NULL, "ministry.example"), DOMAIN_RULE_NONE);
	ck_assert_str_eq(domain_rules_name(DOMAIN_RULE_RELAX), "relax");
	domain_rules_free(&r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("domain_rules");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_line, 0, TEST_ROWS(line_cases));
	tcase_add_test(tc, test_lookup);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
