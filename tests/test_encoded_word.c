/*
 * test_encoded_word - RFC 2047 decoding of display names and the
 * extraction of the display name from a From value: what the reader sees,
 * or a clear problem (broken encoded words, unknown charsets, NUL,
 * invalid UTF-8, too long), never a guess.
 */
#include <string.h>

#include "display_name.h"
#include "encoded_word.h"
#include "test_main.h"

static const struct {
	const char *in;
	size_t len;		/* 0: strlen */
	const char *want;	/* NULL: a problem */
	const char *problem;
} decode[] = {
	{ "plain text", 0, "plain text", NULL },
	{ "", 0, "", NULL },
	{ "=?utf-8?b?Y2VvQGJhbmsuZXhhbXBsZQ==?=", 0, "ceo@bank.example", NULL },
	{ "=?UTF-8?B?Y2VvQGJhbmsuZXhhbXBsZQ?=", 0, "ceo@bank.example", NULL },	/* no padding */
	{ "=?utf-8?q?a_b=3Dc?=", 0, "a b=c", NULL },
	{ "=?utf-8?Q?Caf=C3=A9?=", 0, "Caf\xc3\xa9", NULL },
	{ "=?iso-8859-1?q?Caf=E9?=", 0, "Caf\xc3\xa9", NULL },
	{ "=?ISO-8859-15?Q?=A4?=", 0, "\xe2\x82\xac", NULL },	/* iconv: euro sign */
	{ "=?windows-1251?b?4A==?=", 0, "\xd0\xb0", NULL },		/* Cyrillic a */
	{ "=?utf-8*en?q?hi?=", 0, "hi", NULL },			/* RFC 2231 language */
	{ "=?utf-8?q?a?= =?utf-8?q?b?=", 0, "ab", NULL },		/* space between words */
	{ "=?utf-8?q?a?=  \t=?utf-8?q?b?= c", 0, "ab c", NULL },
	{ "x =?utf-8?q?a?= y", 0, "x a y", NULL },
	{ "=?us-ascii?q?" "?=", 0, "", NULL },
	{ "caf\xc3\xa9", 0, "caf\xc3\xa9", NULL },			/* raw UTF-8 (RFC 6532) */
	{ "=?utf-8?b?!!!!?=", 0, NULL, "broken-encoded-word" },
	{ "=?utf-8?b?Y2Vv?", 0, NULL, "broken-encoded-word" },
	{ "=?utf-8?x?abc?=", 0, NULL, "broken-encoded-word" },
	{ "=?utf-8?q?a b?=", 0, NULL, "broken-encoded-word" },
	{ "=?utf-8?q?=4?=", 0, NULL, "broken-encoded-word" },
	{ "=?utf-8?q?=ZZ?=", 0, NULL, "broken-encoded-word" },
	{ "=?" "?q?a?=", 0, NULL, "broken-encoded-word" },
	{ "=?", 0, NULL, "broken-encoded-word" },
	{ "=?utf-8?b?Y===?=", 0, NULL, "broken-encoded-word" },
	{ "=?x-no-such-charset?q?a?=", 0, NULL, "unknown-charset" },
	{ "=?utf-8?q?=FF?=", 0, NULL, "invalid-utf8" },
	{ "=?utf-8?q?=C0=AF?=", 0, NULL, "invalid-utf8" },		/* overlong '/' */
	{ "=?utf-8?q?=ED=A0=80?=", 0, NULL, "invalid-utf8" },	/* surrogate */
	{ "=?utf-8?q?=F4=90=80=80?=", 0, NULL, "invalid-utf8" },	/* above U+10FFFF */
	{ "\xff", 0, NULL, "invalid-utf8" },
	{ "ab\xc3", 0, NULL, "invalid-utf8" },
	{ "=?utf-8?q?a=00b?=", 0, NULL, "nul-byte" },
	{ "a\0b", 3, NULL, "nul-byte" },
};

START_TEST(test_decode)
{
	char out[256];
	const char *problem = "unset";
	size_t len = decode[_i].len ? decode[_i].len : strlen(decode[_i].in);
	int n = encoded_word_decode(decode[_i].in, len, out, sizeof(out), &problem);

	if (decode[_i].want != NULL) {
		ck_assert_msg(n >= 0, "%s: %s", decode[_i].in, problem);
		ck_assert_str_eq(out, decode[_i].want);
		ck_assert_int_eq(n, (int)strlen(decode[_i].want));
		ck_assert_ptr_null(problem);
	} else {
		ck_assert_int_eq(n, -1);
		ck_assert_str_eq(out, "");
		ck_assert_str_eq(problem, decode[_i].problem);
	}
}
END_TEST

START_TEST(test_too_long)
{
	char in[4096], out[64];
	const char *problem = NULL;

	memset(in, 'a', sizeof(in));
	ck_assert_int_eq(encoded_word_decode(in, sizeof(in), out, sizeof(out), &problem), -1);
	ck_assert_str_eq(problem, "too-long");
	ck_assert_int_eq(encoded_word_decode(in, 63, out, sizeof(out), &problem), 63);
	ck_assert_int_eq(encoded_word_decode(in, 64, out, sizeof(out), &problem), -1);
}
END_TEST

static const struct {
	const char *from;
	size_t len;
	const char *want;
	const char *problem;
} names[] = {
	{ "x@attacker.example", 0, "", NULL },
	{ "<x@attacker.example>", 0, "", NULL },
	{ "Joe Q. Public <x@attacker.example>", 0, "Joe Q. Public", NULL },
	{ "\"ceo@bank.example\" <x@attacker.example>", 0, "ceo@bank.example", NULL },
	{ "\"a \\\"quoted\\\" name\" <x@y.example>", 0, "a \"quoted\" name", NULL },
	{ "\"<not the address>\" <x@y.example>", 0, "<not the address>", NULL },
	{ " Folded\r\n\tname <x@y.example>", 0, "Folded name", NULL },
	{ "x@attacker.example (paypal.com security)", 0, "paypal.com security", NULL },
	{ "Name (with (nested) comment) <x@y.example>", 0, "Name with nested comment",
	  NULL },
	{ "=?utf-8?b?Y2VvQGJhbmsuZXhhbXBsZQ==?= <x@y.example>", 0, "ceo@bank.example", NULL },
	{ "\"=?utf-8?q?bank.example?=\" <x@y.example>", 0, "bank.example", NULL },
	{ "=?utf-8?b?!!?= <x@y.example>", 0, "", "broken-encoded-word" },
	{ "A\0B <x@y.example>", 17, "", "nul-byte" },
	{ "\"\xfe\" <x@y.example>", 0, "", "invalid-utf8" },
	/* the '<' is inside the (unterminated) quoted string: no name-addr, no comment */
	{ "Unterminated \"quote <x@y.example>", 0, "", NULL },
};

START_TEST(test_display_name)
{
	char out[DISPLAY_NAME_SIZE];
	const char *problem = "unset";
	size_t len = names[_i].len ? names[_i].len : strlen(names[_i].from);
	int n = display_name_extract(names[_i].from, len, out, sizeof(out), &problem);

	ck_assert_str_eq(out, names[_i].want);
	if (names[_i].problem == NULL) {
		ck_assert_int_eq(n, (int)strlen(names[_i].want));
		ck_assert_ptr_null(problem);
	} else {
		ck_assert_int_eq(n, -1);
		ck_assert_str_eq(problem, names[_i].problem);
	}
}
END_TEST

START_TEST(test_display_name_too_long)
{
	static char from[DISPLAY_NAME_SIZE * 4];
	char out[DISPLAY_NAME_SIZE];
	const char *problem = NULL;

	memset(from, 'a', sizeof(from) - 20);
	memcpy(from + sizeof(from) - 20, " <x@y.example>", 15);
	ck_assert_int_eq(display_name_extract(from, strlen(from), out, sizeof(out), &problem), -1);
	ck_assert_str_eq(problem, "too-long");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("encoded_word");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_decode, 0, TEST_ROWS(decode));
	tcase_add_test(tc, test_too_long);
	tcase_add_loop_test(tc, test_display_name, 0, TEST_ROWS(names));
	tcase_add_test(tc, test_display_name_too_long);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
