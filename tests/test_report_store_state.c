/*
 * test_report_store_state - the report store's claims and deliveries, on
 * both back ends as test_report_store (tests/support/report_store_fixture.h):
 * a report claimed, busy for another sender, pending and taken again, a
 * stale claim taken over, a lost claim refused, done; eight processes
 * racing for one report, one of which gets it; each destination's
 * attempts, failures and sent state kept apart and expired with the rows;
 * pending reports of earlier days listed oldest first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report_store.h"
#include "report_store_fixture.h"
#include "test_main.h"

static int
collect_pending(const char *domain, int64_t day, void *ctx)
{
	char *out = ctx;

	sprintf(out + strlen(out), "%s/%lld ", domain, (long long)(day - DAY));
	return 0;
}
/* claims: taken, busy, pending taken again, stale taken over, a lost claim, done */
START_TEST(test_claim)
{
	const char *why = NULL;
	struct report_store *h1 = report_store_fixture_open(), *h2 = report_store_fixture_open();
	enum report_claim c;
	enum report_state state;
	char pending[256] = "", rid[REPORT_STORE_ID_SIZE];
	int sent = -1;

	ck_assert_int_eq(report_store_state(h1, "a.example", DAY, &state, NULL, &why), 0);
	ck_assert_int_eq(state, REPORT_STATE_NONE);
	ck_assert_int_eq(report_store_claim(h1, "a.example", DAY, "h1:1", 1000, -800, &c, &why), 0);
	ck_assert_int_eq(c, REPORT_CLAIM_TAKEN);
	ck_assert_int_eq(report_store_claim(h2, "a.example", DAY, "h2:2", 1010, -790, &c, &why), 0);
	ck_assert_int_eq(c, REPORT_CLAIM_BUSY);
	ck_assert_int_eq(report_store_state(h2, "a.example", DAY, &state, NULL, &why), 0);
	ck_assert_int_eq(state, REPORT_STATE_SENDING);
	/* only the holder finishes */
	ck_assert_int_eq(report_store_finish(h2, "a.example", DAY, "h2:2", REPORT_STATE_DONE, "x",
					     1011, &why), -1);
	ck_assert_msg(strstr(why, "taken over") != NULL, "%s", why);
	ck_assert_int_eq(report_store_finish(h1, "a.example", DAY, "h1:1", REPORT_STATE_PENDING,
					     "", 1012, &why), 0);
	ck_assert_int_eq(report_store_claim(h2, "a.example", DAY, "h2:2", 1020, -780, &c, &why), 0);
	ck_assert_int_eq(c, REPORT_CLAIM_TAKEN);
	/* h2 went quiet: its claim is stale half an hour later */
	ck_assert_int_eq(report_store_claim(h1, "a.example", DAY, "h1:1", 1030, 900, &c, &why), 0);
	ck_assert_int_eq(c, REPORT_CLAIM_BUSY);
	ck_assert_int_eq(report_store_claim(h1, "a.example", DAY, "h1:1", 2830, 1030, &c, &why), 0);
	ck_assert_int_eq(c, REPORT_CLAIM_TAKEN);
	ck_assert_int_eq(report_store_finish(h2, "a.example", DAY, "h2:2", REPORT_STATE_DONE, "x",
					     2831, &why), -1);
	/* b.example of the day before waits for a retry */
	ck_assert_int_eq(report_store_claim(h2, "b.example", DAY - 1, "h2:2", 2832, 0, &c, &why), 0);
	ck_assert_int_eq(c, REPORT_CLAIM_TAKEN);
	ck_assert_int_eq(report_store_finish(h2, "b.example", DAY - 1, "h2:2", REPORT_STATE_PENDING,
					     "", 2833, &why), 0);
	ck_assert_int_eq(report_store_pending(h2, DAY + 1, collect_pending, pending, &why), 0);
	ck_assert_str_eq(pending, "b.example/-1 a.example/0 ");
	ck_assert_int_eq(report_store_finish(h1, "a.example", DAY, "h1:1", REPORT_STATE_DONE, "rid",
					     2840, &why), 0);
	ck_assert_int_eq(report_store_claim(h2, "a.example", DAY, "h2:2", 99999, 99999, &c, &why), 0);
	ck_assert_int_eq(c, REPORT_CLAIM_DONE);
	ck_assert_int_eq(report_store_sent(h2, "a.example", DAY, &sent, &why), 0);
	ck_assert_int_eq(sent, 1);
	ck_assert_int_eq(report_store_state(h2, "a.example", DAY, &state, rid, &why), 0);
	ck_assert_int_eq(state, REPORT_STATE_DONE);
	ck_assert_str_eq(rid, "rid");
	pending[0] = '\0';
	ck_assert_int_eq(report_store_pending(h2, DAY + 1, collect_pending, pending, &why), 0);
	ck_assert_str_eq(pending, "b.example/-1 ");
	pending[0] = '\0';
	ck_assert_int_eq(report_store_pending(h2, DAY - 1, collect_pending, pending, &why), 0);
	ck_assert_str_eq(pending, "");
	report_store_close(&h1);
	report_store_close(&h2);
}
END_TEST
/* eight senders (processes, stores of their own) claim one report at once: one gets it */
START_TEST(test_claim_race)
{
	enum { SENDERS = 8 };
	pid_t pids[SENDERS];
	int taken = 0, busy = 0, status;
	struct report_store *st = report_store_fixture_open();	/* the schema exists before the race */

	report_store_close(&st);
	for (int i = 0; i < SENDERS; i++) {
		ck_assert_int_ge(pids[i] = fork(), 0);
		if (pids[i] == 0) {
			char error[512], owner[32];
			const char *why = NULL;
			enum report_claim c;
			struct report_store *mine = report_store_open(report_store_fixture_uri(), error, sizeof(error));

			snprintf(owner, sizeof(owner), "host%d:%d", i, (int)getpid());
			if (mine == NULL || report_store_claim(mine, "a.example", DAY, owner, 5000,
							       3200, &c, &why) < 0)
				_exit(2);
			report_store_close(&mine);
			_exit(c == REPORT_CLAIM_TAKEN ? 0 : c == REPORT_CLAIM_BUSY ? 1 : 3);
		}
	}
	for (int i = 0; i < SENDERS; i++) {
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status));
		taken += WEXITSTATUS(status) == 0;
		busy += WEXITSTATUS(status) == 1;
	}
	ck_assert_int_eq(taken, 1);
	ck_assert_int_eq(busy, SENDERS - 1);
}
END_TEST
/* a destination's attempts, failures and sent state, kept per report and destination */
START_TEST(test_delivery)
{
	const char *why = NULL;
	struct report_store *st = report_store_fixture_open();
	struct report_delivery d, got;
	uint64_t deleted;

	ck_assert_int_eq(report_store_delivery_get(st, "a.example", DAY, "d@a.example", &got, &why), 0);
	ck_assert_int_eq(got.state, REPORT_DELIVERY_NONE);
	ck_assert_int_eq(got.attempts, 0);
	ck_assert_str_eq(got.destination, "d@a.example");
	memset(&d, 0, sizeof(d));
	snprintf(d.destination, sizeof(d.destination), "d@a.example");
	d.state = REPORT_DELIVERY_FAILED;
	d.attempts = 1;
	d.first_failure = d.last_failure = T(100);
	snprintf(d.reason, sizeof(d.reason), "sendmail exited with status 75");
	ck_assert_int_eq(report_store_delivery_put(st, "a.example", DAY, &d, &why), 0);
	d.attempts = 2;
	d.last_failure = T(200);
	ck_assert_int_eq(report_store_delivery_put(st, "a.example", DAY, &d, &why), 0);
	ck_assert_int_eq(report_store_delivery_get(st, "a.example", DAY, "d@a.example", &got, &why), 0);
	ck_assert_int_eq(got.state, REPORT_DELIVERY_FAILED);
	ck_assert_int_eq(got.attempts, 2);
	ck_assert_int_eq(got.first_failure, T(100));
	ck_assert_int_eq(got.last_failure, T(200));
	ck_assert_str_eq(got.reason, "sendmail exited with status 75");
	/* another destination, another day: their own */
	ck_assert_int_eq(report_store_delivery_get(st, "a.example", DAY, "e@b.example", &got, &why), 0);
	ck_assert_int_eq(got.state, REPORT_DELIVERY_NONE);
	ck_assert_int_eq(report_store_delivery_get(st, "a.example", DAY + 1, "d@a.example", &got,
						   &why), 0);
	ck_assert_int_eq(got.state, REPORT_DELIVERY_NONE);
	d.state = REPORT_DELIVERY_SENT;
	d.sent_time = T(300);
	snprintf(d.report_id, sizeof(d.report_id), "1726000000abcdef");
	ck_assert_int_eq(report_store_delivery_put(st, "a.example", DAY, &d, &why), 0);
	ck_assert_int_eq(report_store_delivery_get(st, "a.example", DAY, "d@a.example", &got, &why), 0);
	ck_assert_int_eq(got.state, REPORT_DELIVERY_SENT);
	ck_assert_str_eq(got.report_id, "1726000000abcdef");
	ck_assert_int_eq(got.sent_time, T(300));
	ck_assert_int_eq(report_store_expire(st, DAY + 1, &deleted, &why), 0);
	ck_assert_int_eq(report_store_delivery_get(st, "a.example", DAY, "d@a.example", &got, &why), 0);
	ck_assert_int_eq(got.state, REPORT_DELIVERY_NONE);
	report_store_close(&st);
}
END_TEST

int
main(void)
{
	TCase *tc;
	Suite *s = report_store_fixture_suite("report_store_state", &tc);

	if (s == NULL)
		return 2;
	tcase_add_test(tc, test_claim);
	tcase_add_test(tc, test_claim_race);
	tcase_add_test(tc, test_delivery);
	return test_run_suite(s);
}
