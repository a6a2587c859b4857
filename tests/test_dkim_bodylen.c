/*
 * test_dkim_bodylen - canonical body lengths (RFC 6376 3.4.3, 3.4.4) of
 * CRLF bodies under "simple" and "relaxed", fed whole and one octet at a
 * time: what dkim_verify compares with a signature's l=.
 */
#include <string.h>

#include "dkim_bodylen.h"
#include "test_main.h"

/* Canonical body lengths (RFC 6376 3.4.3, 3.4.4) of CRLF bodies. */
static const struct {
	const char *body;
	unsigned long long simple, relaxed;
} bodylen_cases[] = {
	{ "", 2, 0 },
	{ "\r\n", 2, 0 },
	{ "\r\n\r\n\r\n", 2, 0 },
	{ "abc", 5, 5 },
	{ "abc\r\n", 5, 5 },
	{ "abc\r\n\r\n\r\n", 5, 5 },
	{ "\r\nabc\r\n", 7, 7 },
	{ "a  b \t\r\n", 8, 5 },
	{ "  lead\r\n", 8, 7 },
	{ " \t\r\n", 4, 0 },
	{ "x\r\n \r\n", 6, 3 },
	{ "x\r\n\r\n \t \r\ny\r\n", 13, 10 },
	{ "a\rb\r\n", 5, 5 },
	{ "a\nb\r\n", 5, 5 },
	{ "abc\r", 6, 6 },
	{ "abc  ", 7, 5 },
};

START_TEST(test_bodylen)
{
	const char *body = bodylen_cases[_i].body;
	struct dkimv_bodylen whole, bytes;

	dkimv_bodylen_init(&whole);
	dkimv_bodylen_init(&bytes);
	dkimv_bodylen_feed(&whole, (const unsigned char *)body, strlen(body));
	for (const char *p = body; *p; p++)
		dkimv_bodylen_feed(&bytes, (const unsigned char *)p, 1);
	ck_assert_uint_eq(dkimv_bodylen_simple(&whole), bodylen_cases[_i].simple);
	ck_assert_uint_eq(dkimv_bodylen_relaxed(&whole), bodylen_cases[_i].relaxed);
	ck_assert_uint_eq(dkimv_bodylen_simple(&bytes), bodylen_cases[_i].simple);
	ck_assert_uint_eq(dkimv_bodylen_relaxed(&bytes), bodylen_cases[_i].relaxed);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dkim_bodylen");
	TCase *unit = tcase_create("unit");

	tcase_add_loop_test(unit, test_bodylen, 0, TEST_ROWS(bodylen_cases));
	suite_add_tcase(s, unit);
	return test_run_suite(s);
}
