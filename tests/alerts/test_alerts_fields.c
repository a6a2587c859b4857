/*
 * test_alerts_fields - the strict key=value parser of dmarcguard-alerts
 * (tools/alerts/fields.h), one row per quoting rule of docs/alerts.md:
 * bare and quoted values, every escape, empty values, and each way a line
 * can be malformed or cut short. A row gives the input and either the
 * fields it must decode to (as "key=value|key=value", values decoded) or
 * a piece of the error.
 */
#include <string.h>

#include "fields.h"
#include "test_main.h"

static const struct {
	const char *what;
	const char *in;
	const char *want;	/* decoded fields, or NULL for an error */
	const char *want_error;
} cases[] = {
	{ "bare values", "v=1 qid=4Xk2 ip=203.0.113.66", "v=1|qid=4Xk2|ip=203.0.113.66", NULL },
	{ "empty value", "v=1 mfrom=\"\" x=y", "v=1|mfrom=|x=y", NULL },
	{ "space in quotes", "helo=\"mail server\"", "helo=mail server", NULL },
	{ "escaped quote", "helo=\"a\\\"b\"", "helo=a\"b", NULL },
	{ "escaped backslash", "helo=\"a\\\\b\"", "helo=a\\b", NULL },
	{ "equals sign quoted", "helo=\"a=b\"", "helo=a=b", NULL },
	{ "control byte escape", "helo=\"a\\x01b\\x1f\"", "helo=a\001b\037", NULL },
	{ "DEL escape", "helo=\"a\\x7fb\"", "helo=a\177b", NULL },
	{ "upper-case hex", "helo=\"\\x0A\"", "helo=\n", NULL },
	{ "8-bit bytes raw in quotes", "helo=\"caf\xc3\xa9\"", "helo=caf\xc3\xa9", NULL },
	{ "needless quotes read the same", "action=\"accept\"", "action=accept", NULL },
	{ "comma list bare", "dkim=a.example:pass,b.example:fail",
	  "dkim=a.example:pass,b.example:fail", NULL },
	{ "dash and brackets bare", "p=- helo=[192.0.2.1]", "p=-|helo=[192.0.2.1]", NULL },
	{ "quoted value last", "a=b c=\"d e\"", "a=b|c=d e", NULL },
	{ "empty line", "", NULL, "no fields" },
	{ "leading space", " v=1", NULL, "leading space" },
	{ "two spaces", "v=1  qid=x", NULL, "two spaces" },
	{ "trailing space", "v=1 ", NULL, "trailing space" },
	{ "tab separator", "v=1\tqid=x", NULL, "needs quotes" },
	{ "key without =", "v=1 qid", NULL, "truncated" },
	{ "key with bad byte", "v=1 Qid=x", NULL, "bad key" },
	{ "empty key", "=x", NULL, "bad key" },
	{ "empty bare value", "v=1 mfrom= x=y", NULL, "not written as" },
	{ "empty bare value at end", "v=1 mfrom=", NULL, "not written as" },
	{ "unterminated quote", "v=1 helo=\"abc", NULL, "unterminated" },
	{ "cut inside escape", "v=1 helo=\"abc\\", NULL, "unterminated" },
	{ "cut inside \\x", "v=1 helo=\"a\\x4", NULL, "cut short" },
	{ "bad hex", "helo=\"\\xzz\"", NULL, "hex digits" },
	{ "\\x of a printable byte", "helo=\"\\x41\"", NULL, "written raw" },
	{ "\\x00", "helo=\"\\x00\"", NULL, "\\x00" },
	{ "unknown escape", "helo=\"\\n\"", NULL, "unknown escape" },
	{ "raw control byte in quotes", "helo=\"a\tb\"", NULL, "raw control" },
	{ "raw DEL in quotes", "helo=\"a\177b\"", NULL, "raw control" },
	{ "text after closing quote", "helo=\"a\"b c=d", NULL, "after a closing quote" },
	{ "quote inside bare value", "helo=a\"b", NULL, "needs quotes" },
	{ "backslash in bare value", "helo=a\\b", NULL, "needs quotes" },
	{ "equals in bare value", "helo=a=b", NULL, "needs quotes" },
	{ "8-bit byte in bare value", "helo=caf\xc3\xa9", NULL, "needs quotes" },
};

START_TEST(test_parse)
{
	const char *in = cases[_i].in, *why = NULL;
	size_t len = strlen(in);
	char scratch[512], got[512] = "";
	struct fields_parser fp;
	struct field f;
	int rc;

	fields_init(&fp, in, len, scratch, len + 1);
	while ((rc = fields_next(&fp, &f, &why)) > 0) {
		ck_assert_uint_eq(strlen(f.value), f.value_len);
		if (got[0] != '\0')
			strcat(got, "|");
		strncat(got, f.key, f.key_len);
		strcat(got, "=");
		strcat(got, f.value);
	}
	if (cases[_i].want != NULL) {
		ck_assert_msg(rc == 0, "%s: error %s", cases[_i].what, why);
		ck_assert_msg(strcmp(got, cases[_i].want) == 0, "%s: got \"%s\", want \"%s\"",
			      cases[_i].what, got, cases[_i].want);
	} else {
		ck_assert_msg(rc < 0, "%s: parsed as \"%s\"", cases[_i].what, got);
		ck_assert_msg(strstr(why, cases[_i].want_error) != NULL, "%s: error \"%s\", want %s",
			      cases[_i].what, why, cases[_i].want_error);
	}
}
END_TEST

/* The scratch bound of the header: len + 1 bytes always suffice. */
START_TEST(test_scratch_bound)
{
	static const char in[] = "a=\"\" b=\"\\\"\\\\\" c=d";
	char scratch[sizeof(in)];
	struct fields_parser fp;
	struct field f;
	const char *why;
	int n = 0, rc;

	fields_init(&fp, in, sizeof(in) - 1, scratch, sizeof(scratch));
	while ((rc = fields_next(&fp, &f, &why)) > 0)
		n++;
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(n, 3);
	fields_init(&fp, in, sizeof(in) - 1, scratch, 4);
	ck_assert_int_eq(fields_next(&fp, &f, &why), -1);
	ck_assert_str_eq(why, "scratch buffer too small");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alerts_fields");
	TCase *tc = tcase_create("fields");

	tcase_add_loop_test(tc, test_parse, 0, TEST_ROWS(cases));
	tcase_add_test(tc, test_scratch_bound);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
