/*
 * test_domain_rules - rules file syntax, file:line errors, and lookups
 * (protect wins over relax).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static char *
write_file(const char *text)
{
	static char path[] = "/tmp/dmarcguard-rules-XXXXXX";
	int fd;

	strcpy(path, "/tmp/dmarcguard-rules-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	return path;
}

START_TEST(test_file_and_lookup)
{
	char error[256] = "";
	char *path = write_file("# rules\nprotect ministry.example\n\nrelax .lists.example"
				" ministry.example\nprotect .university.example\n");
	struct domain_rules *r = domain_rules_load(path, error, sizeof(error));

	ck_assert_msg(r != NULL, "%s", error);
	ck_assert_int_eq(domain_rules_lookup(r, "ministry.example"), DOMAIN_RULE_PROTECT);
	ck_assert_int_eq(domain_rules_lookup(r, "MINISTRY.EXAMPLE."), DOMAIN_RULE_PROTECT);
	ck_assert_int_eq(domain_rules_lookup(r, "a.lists.example"), DOMAIN_RULE_RELAX);
	ck_assert_int_eq(domain_rules_lookup(r, "lists.example"), DOMAIN_RULE_NONE);
	ck_assert_int_eq(domain_rules_lookup(r, "cs.university.example"), DOMAIN_RULE_PROTECT);
	ck_assert_int_eq(domain_rules_lookup(r, "other.example"), DOMAIN_RULE_NONE);
	ck_assert_int_eq(domain_rules_lookup(NULL, "ministry.example"), DOMAIN_RULE_NONE);
	ck_assert_str_eq(domain_rules_name(DOMAIN_RULE_RELAX), "relax");
	domain_rules_free(&r);
	unlink(path);
}
END_TEST

START_TEST(test_file_error_names_line)
{
	char error[256] = "", want[300];
	char *path = write_file("protect a.example\nrelax b.example\nprotekt c.example\n");
	struct domain_rules *r = domain_rules_load(path, error, sizeof(error));

	ck_assert_ptr_null(r);
	snprintf(want, sizeof(want), "%s:3: ", path);
	ck_assert_msg(strncmp(error, want, strlen(want)) == 0, "error: %s", error);
	unlink(path);
	ck_assert_ptr_null(domain_rules_load("/nonexistent/rules", error, sizeof(error)));
	ck_assert_ptr_nonnull(strstr(error, "/nonexistent/rules: "));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("domain_rules");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_line, 0, TEST_ROWS(line_cases));
	tcase_add_test(tc, test_file_and_lookup);
	tcase_add_test(tc, test_file_error_names_line);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
