/*
 * test_arc_fields - the header fields lib/arc keeps (private arc_fields):
 * the name fingerprints of fields above the chain compare as header
 * names do (case, white space before the colon), an overflowing table
 * answers "maybe" for every name, and kept values are CRLF-folded copies
 * that stay where they are while more fields arrive.
 */
#include <stdio.h>
#include <string.h>

#include "arc_fields.h"
#include "test_main.h"

static const struct {
	const char *noted;	/* names noted above the chain, ','-separated */
	const char *asked;	/* an h= entry */
	int has;
} above[] = {
	{ "Received,Subject", "subject", 1 },
	{ "Received,SUBJECT \t", "subject", 1 },
	{ "Received,Subject", "Subject ", 1 },
	{ "Received,Subject", "from", 0 },
	{ "Received,Subject", "subjec", 0 },
	{ "Received,Subject", "subjects", 0 },
	{ "", "subject", 0 },
	{ "List-Id,List-Id,List-Id", "list-id", 1 },
};

START_TEST(test_above)
{
	struct arc_fields fs = { 0 };
	char names[128], *save = NULL;

	snprintf(names, sizeof(names), "%s", above[_i].noted);
	for (char *n = strtok_r(names, ",", &save); n != NULL; n = strtok_r(NULL, ",", &save))
		arc_fields_note_above(&fs, n);
	ck_assert_int_eq(arc_fields_above_has(&fs, above[_i].asked, strlen(above[_i].asked)),
			 above[_i].has);
	arc_fields_clear(&fs);
}
END_TEST

/* more distinct names than slots: every name may be above, so h= cannot be trusted */
START_TEST(test_overflow)
{
	struct arc_fields fs = { 0 };
	char name[32];

	for (int i = 0; i < ARC_FIELDS_ABOVE_SLOTS; i++) {
		snprintf(name, sizeof(name), "X-Name-%d", i);
		arc_fields_note_above(&fs, name);
	}
	ck_assert_int_eq(fs.above_overflow, 0);
	ck_assert_int_eq(arc_fields_above_has(&fs, "subject", 7), 0);
	ck_assert_int_eq(arc_fields_above_has(&fs, "x-name-63", 9), 1);
	arc_fields_note_above(&fs, "One-Too-Many");
	ck_assert_int_eq(fs.above_overflow, 1);
	ck_assert_int_eq(arc_fields_above_has(&fs, "subject", 7), 1);
	ck_assert_uint_eq(fs.above_fields, ARC_FIELDS_ABOVE_SLOTS + 1);
	arc_fields_clear(&fs);
	ck_assert_int_eq(fs.above_overflow, 0);
}
END_TEST

static const struct {
	const char *value, *kept;
} values[] = {
	{ " a", " a" },
	{ " a\n\tb", " a\r\n\tb" },
	{ " a\r\n\tb\r\n", " a\r\n\tb" },
	{ "\n b\n", "\r\n b" },
	{ "", "" },
	{ " a\n\n\tb\r\n c\n\td", " a\r\n\r\n\tb\r\n c\r\n\td" },
	{ "\n", "" },
	{ " a\r\r\n\tb", " a\r\r\n\tb" },
};

START_TEST(test_keep)
{
	struct arc_fields fs = { 0 };
	char big[20000];
	const char *first;

	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(arc_fields_keep(&fs, "ARC-Seal", values[_i].value,
					 strlen(values[_i].value), ARC_KIND_SEAL), 0);
	first = fs.field[0].value;
	/* fields larger than a block, and many of them: the first stays put */
	for (int i = 0; i < 40; i++)
		ck_assert_int_eq(arc_fields_keep(&fs, "X", big, sizeof(big), ARC_KIND_OTHER), 0);
	ck_assert_ptr_eq(fs.field[0].value, first);
	ck_assert_str_eq(fs.field[0].name, "ARC-Seal");
	ck_assert_str_eq(fs.field[0].value, values[_i].kept);
	ck_assert_uint_eq(fs.field[0].len, strlen(values[_i].kept));
	ck_assert_int_eq(fs.field[0].kind, ARC_KIND_SEAL);
	ck_assert_uint_eq(fs.field[40].len, sizeof(big));
	ck_assert_uint_eq(fs.count, 41);
	arc_fields_clear(&fs);
	ck_assert_ptr_null(fs.field);
	ck_assert_ptr_null(fs.blocks);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("arc_fields");
	TCase *tc = tcase_create("arc_fields");

	tcase_add_loop_test(tc, test_above, 0, TEST_ROWS(above));
	tcase_add_test(tc, test_overflow);
	tcase_add_loop_test(tc, test_keep, 0, TEST_ROWS(values));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
