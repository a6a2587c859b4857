/*
 * test_quarantine_qid - queue id syntax (tools/quarantine/qid.h): the ids
 * Postfix (short and long) and Sendmail give out pass; paths, options,
 * "ALL", lower-case hex, vowels in long ids, a misplaced separator, a
 * Sendmail file name (hf...) or option (-qI...) and ids of the other MTA
 * are refused with a reason.
 */
#include <string.h>

#include "qid.h"
#include "test_main.h"

static const struct {
	enum qid_mta mta;
	const char *in;
	const char *want_error;	/* NULL: accepted; else a part of the reason */
} cases[] = {
	{ QID_POSTFIX, "D4C1510E511", NULL },
	{ QID_POSTFIX, "3F2A1B", NULL },
	{ QID_POSTFIX, "0123456789ABCDEF", NULL },
	{ QID_POSTFIX, "4Xk2p1Zz3Qz9", NULL },
	{ QID_POSTFIX, "4TqLyH3d9bzJfTq", NULL },
	{ QID_POSTFIX, "zzzzzzzzzzz9", NULL },	/* z is a digit of the time part */
	{ QID_POSTFIX, "", "empty" },
	{ QID_POSTFIX, "ALL", "ALL is refused" },
	{ QID_POSTFIX, "3F2A1", "6 to 16 hex digits" },
	{ QID_POSTFIX, "0123456789ABCDEF0", "6 to 16 hex digits" },
	{ QID_POSTFIX, "d4c1510e511", "not a Postfix queue id" },
	{ QID_POSTFIX, "../../etc/passwd", "not a Postfix queue id" },
	{ QID_POSTFIX, "-d", "not a Postfix queue id" },
	{ QID_POSTFIX, "D4C1510E511 ", "not a Postfix queue id" },
	{ QID_POSTFIX, "D4C1510E511;rm", "not a Postfix queue id" },
	{ QID_POSTFIX, "4Xk2p1Zz3Qa9", "not a Postfix queue id" },	/* no z as 11th */
	{ QID_POSTFIX, "4Xk2p1Zz3Qz9z", "one 'z' after the time" },
	{ QID_POSTFIX, "4Xk2p1Ze3Qz9", "consonants" },			/* a vowel */
	{ QID_POSTFIX, "5B3KxYbV012345", "not a Postfix queue id" },	/* Sendmail's */
	{ QID_SENDMAIL, "5B3KxYbV012345", NULL },
	{ QID_SENDMAIL, "5B3KxYbV0123456", NULL },
	{ QID_SENDMAIL, "5B3KxYbV01234", "14 characters" },
	{ QID_SENDMAIL, "5B3Kx/bV012345", "first 8" },
	{ QID_SENDMAIL, "5B3KxYbV01234a", "after the 8th are digits" },
	{ QID_SENDMAIL, "5B3KyzbV012345", "first 8" },	/* y, z are not base 60 */
	{ QID_SENDMAIL, "D4C1510E511", "14 characters" },
	{ QID_SENDMAIL, "ALL", "ALL is refused" },
	{ QID_SENDMAIL, "6B4LIr1e028827", NULL },	/* as Sendmail 8.17 gave them out here */
	{ QID_SENDMAIL, "6B4L5YqB0240641", NULL },	/* a seven-digit pid */
	{ QID_SENDMAIL, "6B4LIr1e02882", "14 characters" },
	{ QID_SENDMAIL, "hf6B4LIr1e028827", "after the 8th are digits" },	/* a file name */
	{ QID_SENDMAIL, "-qI6B4LIr02882", "first 8" },
	{ QID_SENDMAIL, "../6B4LIr028827", "first 8" },
	{ QID_SENDMAIL, "6B4LIr1e 28827", "after the 8th are digits" },
	{ QID_SENDMAIL, "6B4LIr1e02882701234", "14 characters" },	/* 11 digits */
	{ QID_SENDMAIL, "", "empty" },
};

START_TEST(test_qid)
{
	const char *why = NULL;
	int rc = qid_check(cases[_i].mta, cases[_i].in, &why);

	if (cases[_i].want_error == NULL) {
		ck_assert_msg(rc == 0, "\"%s\" refused: %s", cases[_i].in, why);
		return;
	}
	ck_assert_msg(rc < 0, "\"%s\" accepted", cases[_i].in);
	ck_assert_msg(strstr(why, cases[_i].want_error) != NULL, "\"%s\": reason \"%s\"",
		      cases[_i].in, why);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("quarantine_qid");
	TCase *tc = tcase_create("qid");

	tcase_add_loop_test(tc, test_qid, 0, TEST_ROWS(cases));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
