/*
 * test_admission - the connection limit against the open-file limit
 * (automatic half, lowered when it leaves no reserve), and the answers to
 * new connections: admitted up to MaxConnections, then "busy" with a 451
 * while few refusals are open, then closed at once; "stopping" during a
 * drain; and the counts going back down as connections close.
 */
#include "admission.h"
#include "test_main.h"

static const struct {
	const char *what;
	unsigned configured;
	rlim_t fds;
	unsigned want;
	int lowered;
} limit_rows[] = {
	{ "automatic: half of systemd's default 1024", 0, 1024, 512, 0 },
	{ "automatic: half of the unit's 65536", 0, 65536, 32768, 0 },
	{ "automatic: unlimited is capped", 0, RLIM_INFINITY, 1u << 29, 0 },
	{ "automatic: a limit of one", 0, 1, 1, 0 },
	{ "configured within the reserve", 900, 1024, 900, 0 },
	{ "configured exactly at the reserve", 960, 1024, 960, 0 },
	{ "configured past the reserve: lowered", 961, 1024, 960, 1 },
	{ "configured past a small limit: half", 100, 64, 32, 1 },
	{ "configured small under a small limit", 10, 64, 10, 0 },
};

START_TEST(test_limit)
{
	int lowered = -1;
	unsigned got = admission_limit(limit_rows[_i].configured, limit_rows[_i].fds, &lowered);

	ck_assert_msg(got == limit_rows[_i].want && lowered == limit_rows[_i].lowered,
		      "%s: got %u (lowered %d), want %u (lowered %d)", limit_rows[_i].what, got,
		      lowered, limit_rows[_i].want, limit_rows[_i].lowered);
}
END_TEST

/* MaxConnections 2 under 10 open files: (10 - 2) / 4 = 2 polite refusals */
START_TEST(test_open_busy_close)
{
	admission_init(2, 10);
	ck_assert_int_eq(admission_open(), ADMISSION_ADMITTED);
	ck_assert_int_eq(admission_open(), ADMISSION_ADMITTED);
	ck_assert_int_eq(admission_open(), ADMISSION_BUSY);
	ck_assert_int_eq(admission_open(), ADMISSION_BUSY);
	ck_assert_int_eq(admission_open(), ADMISSION_CLOSE);
	ck_assert_int_eq(admission_connections(), 2);
	admission_close(ADMISSION_CLOSE);	/* never counted */
	admission_close(ADMISSION_BUSY);	/* one polite refusal left */
	ck_assert_int_eq(admission_open(), ADMISSION_BUSY);
	admission_close(ADMISSION_ADMITTED);
	ck_assert_int_eq(admission_connections(), 1);
	ck_assert_int_eq(admission_open(), ADMISSION_ADMITTED);
}
END_TEST

START_TEST(test_drain)
{
	admission_init(100, 1000);
	ck_assert_int_eq(admission_open(), ADMISSION_ADMITTED);
	admission_message_begin();
	admission_drain();
	ck_assert_int_eq(admission_open(), ADMISSION_STOPPING);
	ck_assert_int_eq(admission_messages(), 1);
	admission_message_end();
	ck_assert_int_eq(admission_messages(), 0);
	admission_close(ADMISSION_ADMITTED);
	ck_assert_int_eq(admission_connections(), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("admission");
	TCase *tc = tcase_create("admission");

	tcase_add_loop_test(tc, test_limit, 0, TEST_ROWS(limit_rows));
	tcase_add_test(tc, test_open_busy_close);
	tcase_add_test(tc, test_drain);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
