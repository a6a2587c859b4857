/*
 * test_header_name - header field name comparison: case, white space
 * before the colon, prefixes and longer names never match.
 */
#include <string.h>

#include "header_name.h"
#include "test_main.h"

static const struct {
	const char *name, *want;
	int is;
} cases[] = {
	{ "From", "From", 1 },
	{ "from", "From", 1 },
	{ "FROM \t", "From", 1 },		/* "From :" on the wire */
	{ "From", "Fro", 0 },
	{ "Fro", "From", 0 },
	{ "Fro ", "From", 0 },
	{ "From-X", "From", 0 },
	{ " From", "From", 0 },			/* space before the name is part of it */
	{ "", "From", 0 },
	{ "dkim-signature", "DKIM-Signature", 1 },
	{ "DKIM-Signature\t", "DKIM-Signature", 1 },
	{ "DKIM-Signatures", "DKIM-Signature", 0 },
	{ "ARC-Seal", "ARC-Seal", 1 },
	{ "ARC-Seal ", "arc-seal", 1 },
};

START_TEST(test_is)
{
	ck_assert_int_eq(header_name_is(cases[_i].name, cases[_i].want, strlen(cases[_i].want)),
			 cases[_i].is);
}
END_TEST

/* want need not be NUL-terminated: the h= list of a signature is a slice */
START_TEST(test_slice)
{
	static const char h[] = "from:arc-seal:to";

	ck_assert_int_eq(header_name_is("ARC-Seal", h + 5, 8), 1);
	ck_assert_int_eq(header_name_is("From", h, 4), 1);
	ck_assert_int_eq(header_name_is("From", h, 5), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("header_name");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_is, 0, TEST_ROWS(cases));
	tcase_add_test(tc, test_slice);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
