/*
 * test_quarantine_join - alert lines matched to held messages
 * (tools/quarantine/join.h) through a real log file: the alert of a held
 * message is attached (the latest one when there are two), an alert
 * logged long before the message arrived (a reused queue id) is not, a
 * quarantine alert whose message is gone is counted once, dry-run and
 * accept alerts are not, other programs' lines and a cut alert are
 * counted as such, a message left out by a filter takes nothing, and a
 * log that cannot be opened is counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "held.h"
#include "join.h"
#include "test_main.h"
#include "verdict.h"

#define ALERT(stamp, qid, action, reason, extra) \
	stamp " mx dmarcguard[7]: v=1 qid=" qid " ip=203.0.113.66 client=unknown helo=h" \
	" mfrom=a.example from=none.example spf=fail spf_domain=a.example spf_id=mailfrom" \
	" dkim=none dmarc=fail policy_domain=none.example p=none sp=none pct=100" \
	" published=none action=" action " reason=" reason " override=yes" extra "\n"

#define T0 "2026-11-22T04:00:00+00:00"	/* 1795320000 */
#define T1 "2026-11-22T05:00:00+00:00"
#define T2 "2026-11-22T05:00:05+00:00"

static const char log_text[] =
	ALERT(T0, "AAAAAA0001", "quarantine", "dmarc-fail-local-floor", "")	/* reused id */
	ALERT(T1, "AAAAAA0001", "quarantine", "published-quarantine", "")
	ALERT(T2, "AAAAAA0001", "quarantine", "dmarc-fail-local-floor", "")
	ALERT(T0, "BBBBBB0002", "quarantine", "dmarc-fail-local-floor", "")	/* reused id */
	ALERT(T1, "CCCCCC0003", "quarantine", "dmarc-fail-local-floor", "")	/* gone */
	ALERT(T2, "CCCCCC0003", "quarantine", "dmarc-fail-local-floor", "")	/* gone, again */
	ALERT(T1, "DDDDDD0004", "accept", "dmarc-fail-local-floor", " dry_run=yes would=quarantine")
	ALERT(T1, "EEEEEE0005", "accept", "dmarc-pass", "")
	ALERT(T1, "FFFFFF0006", "quarantine", "dmarc-fail-local-floor", "")	/* filtered out */
	T1 " mx postfix/smtpd[9]: AAAAAA0001: client=x[203.0.113.66]\n"
	T1 " mx dmarcguard[7]: v=1 qid=AAAAAA0001 ip=203.0.113.66 client=unkn\n";

#define ARRIVAL 1795323600	/* T1 */

static int
keep_not_f(const struct held *h, void *ctx)
{
	(void)ctx;
	return strcmp(h->qid, "FFFFFF0006") != 0;
}

START_TEST(test_join)
{
	char path[] = "/tmp/test_quarantine_join.XXXXXX";
	int fd = mkstemp(path);
	struct held_set *set = held_set_new();
	struct held *a = held_set_add(set, "AAAAAA0001"), *b = held_set_add(set, "BBBBBB0002");
	struct held *f = held_set_add(set, "FFFFFF0006");
	char *paths[] = { path, "/nonexistent/mail.log" };
	struct join_counts c;
	FILE *devnull = freopen("/dev/null", "w", stderr);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, log_text, strlen(log_text)), (int)strlen(log_text));
	close(fd);
	a->arrival = b->arrival = f->arrival = ARRIVAL;
	held_set_keep(set, keep_not_f, NULL);
	join_logs(set, paths, 2, 0, 0, "test", &c);
	unlink(path);
	(void)devnull;

	ck_assert_ptr_nonnull(a->verdict);
	ck_assert_str_eq(verdict_get(a->verdict, "reason"), "dmarc-fail-local-floor");
	ck_assert_int_eq(held_is_ours(a), 1);
	ck_assert_ptr_null(b->verdict);
	ck_assert_ptr_null(f->verdict);
	ck_assert_uint_eq(c.matched, 1);
	ck_assert_uint_eq(c.ours, 1);
	ck_assert_uint_eq(c.gone, 1);
	ck_assert_uint_eq(c.unreadable, 1);
	ck_assert_uint_eq(c.scan.lines, 11);
	ck_assert_uint_eq(c.scan.foreign, 1);
	ck_assert_uint_eq(c.scan.malformed, 1);
	held_set_free(&set);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("quarantine_join");
	TCase *tc = tcase_create("join");

	tcase_add_test(tc, test_join);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
