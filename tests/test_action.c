/*
 * test_action - action names, parsing and the strictness order.
 */
#include "action.h"
#include "test_main.h"

static const struct {
	enum action a, b, want;
} stricter_cases[] = {
	{ ACTION_ACCEPT, ACTION_ACCEPT, ACTION_ACCEPT },
	{ ACTION_ACCEPT, ACTION_QUARANTINE, ACTION_QUARANTINE },
	{ ACTION_REJECT, ACTION_QUARANTINE, ACTION_REJECT },
	{ ACTION_QUARANTINE, ACTION_REJECT, ACTION_REJECT },
	{ ACTION_TEMPFAIL, ACTION_ACCEPT, ACTION_TEMPFAIL },
	{ ACTION_REJECT, ACTION_TEMPFAIL, ACTION_TEMPFAIL },
};

START_TEST(test_stricter)
{
	ck_assert_int_eq(action_stricter(stricter_cases[_i].a, stricter_cases[_i].b),
			 stricter_cases[_i].want);
}
END_TEST

START_TEST(test_names_round_trip)
{
	enum action got;

	for (enum action a = ACTION_ACCEPT; a <= ACTION_TEMPFAIL; a++) {
		ck_assert_int_eq(action_parse(action_name(a), &got), 0);
		ck_assert_int_eq(got, a);
	}
	ck_assert_int_eq(action_parse("Quarantine", &got), 0);
	ck_assert_int_eq(got, ACTION_QUARANTINE);
	ck_assert_int_eq(action_parse("discard", &got), -1);
	ck_assert_int_eq(action_parse("", &got), -1);
	ck_assert_str_eq(action_name((enum action)42), "unknown");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("action");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_stricter, 0, TEST_ROWS(stricter_cases));
	tcase_add_test(tc, test_names_round_trip);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
