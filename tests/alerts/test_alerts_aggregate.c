/*
 * test_alerts_aggregate - lines through the whole reading pipeline
 * (tools/alerts/scan.h) into the aggregate (aggregate.h): every line
 * lands in exactly one counter; totals by action, reason and DMARC
 * result; overrides and dry run; the top tables with distinct addresses,
 * HELO names and domains, case folded; networks /24 and /48; first and
 * last seen; the --domain detail with its hourly counts; filters; the
 * look-alikes per protected domain and the forwarded overrides per
 * forwarder; and the stderr copy of a syslog alert counted once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "scan.h"
#include "test_main.h"

#define NOW 1795348800		/* 2026-11-22 12:00:00 UTC */

/* ip, helo, from, dmarc, p, action, reason, override, extra */
#define ALERT(ip, helo, from, dmarc, p, action, reason, ovr, extra) \
	"v=1 qid=Q ip=" ip " client=unknown helo=" helo " mfrom=m.example from=" from \
	" spf=none spf_domain=m.example spf_id=mailfrom dkim=none dmarc=" dmarc \
	" policy_domain=" from " p=" p " sp=" p " pct=100 published=" p " action=" action \
	" reason=" reason " override=" ovr extra

#define FLOOR(ip, helo, from) \
	ALERT(ip, helo, from, "fail", "none", "quarantine", "dmarc-fail-local-floor", "yes", "")

static const char *const lines[] = {
	/* 1-3: one spoofed p=none domain from two addresses of one /24 */
	"Nov 22 04:01:00 mx1 dmarcguard[1]: " FLOOR("203.0.113.66", "mx.attacker.example",
						   "none.example"),
	"Nov 22 04:02:00 mx1 dmarcguard[1]: " FLOOR("203.0.113.66", "MX.Attacker.Example",
						   "NONE.example"),
	"2026-11-22T05:30:00+00:00 mx1 dmarcguard[1]: " FLOOR("203.0.113.99", "other.example",
							       "none.example"),
	/* 4: published reject from IPv6 */
	"<22>1 2026-11-22T06:00:00Z mx1 dmarcguard 1 - - "
	ALERT("2001:db8:aa:bb::1", "v6.example", "r.example", "fail", "reject", "reject",
	      "published-reject", "no", ""),
	/* 5: a pass, not in the failure tables */
	"Nov 22 06:10:00 mx1 dmarcguard[1]: "
	ALERT("192.0.2.1", "good.example", "good.example", "pass", "reject", "accept",
	      "dmarc-pass", "no", ""),
	/* 6: dry run */
	"Nov 22 06:20:00 mx1 dmarcguard[1]: "
	ALERT("198.51.100.7", "dry.example", "none.example", "fail", "none", "accept",
	      "dmarc-fail-local-floor", "yes", " dry_run=yes would=quarantine"),
	/* 7: the same alert as 6 again, on the daemon's stderr: a copy */
	"Nov 22 06:20:01 mx1 dmarcguard[1]: 2026-11-22T06:20:00 dmarcguard[warning]: "
	ALERT("198.51.100.7", "dry.example", "none.example", "fail", "none", "accept",
	      "dmarc-fail-local-floor", "yes", " dry_run=yes would=quarantine"),
	/* 8-9: not alerts */
	"Nov 22 06:30:00 mx1 postfix/smtpd[2]: connect from unknown[192.0.2.1]",
	"Nov 22 06:30:00 mx1 dmarcguard[1]: configuration reloaded from /etc/dmarcguard.conf",
	/* 10-11: malformed */
	"Nov 22 06:31:00 mx1 dmarcguard[1]: v=1 qid=Q ip=192.0.2.1 client=unknown helo=\"cut",
	"Nov 22 06:32:00 mx1 dmarcguard[1]: v=2 qid=Q",
	/* 12: journalctl left the message out */
	"{\"SYSLOG_IDENTIFIER\":\"dmarcguard\",\"MESSAGE\":null}",
};

static struct agg *agg;
static struct scan *scan;

/* feed_lines - n lines through a new scan into a new aggregate */
static void
feed_lines(const char *const *l, size_t n, const char *domain, const char *action)
{
	struct filter f;
	const char *why;

	setenv("TZ", "UTC", 1);
	tzset();
	filter_init(&f);
	if (domain != NULL)
		ck_assert_int_eq(filter_set_domain(&f, domain, &why), 0);
	if (action != NULL)
		ck_assert_int_eq(filter_set_actions(&f, action, &why), 0);
	agg = agg_new(domain != NULL);
	scan = scan_new(&f, NOW, agg, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		scan_line(scan, l[i], strlen(l[i]), "test.log", i + 1);
}

static void
feed(const char *domain, const char *action)
{
	feed_lines(lines, sizeof(lines) / sizeof(lines[0]), domain, action);
}

static void
done(void)
{
	scan_free(&scan);
	agg_free(&agg);
}

START_TEST(test_accounting)
{
	const struct scan_counts *c;
	const struct scan_example *ex;
	size_t n;

	feed(NULL, NULL);
	c = scan_counts(scan);
	ck_assert_uint_eq(c->lines, 12);
	ck_assert_uint_eq(c->alerts, 6);
	ck_assert_uint_eq(c->duplicates, 1);
	ck_assert_uint_eq(c->foreign, 1);
	ck_assert_uint_eq(c->other, 1);
	ck_assert_uint_eq(c->malformed, 3);
	ck_assert_uint_eq(c->filtered, 0);
	ck_assert_uint_eq(c->alerts + c->duplicates + c->foreign + c->other + c->malformed
			  + c->filtered, c->lines);
	ex = scan_examples(scan, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(ex[0].line, 10);
	ck_assert_str_eq(ex[0].source, "test.log");
	ck_assert_ptr_nonnull(strstr(ex[0].error, "unterminated"));
	ck_assert_ptr_nonnull(strstr(ex[1].error, "v=2"));
	ck_assert_ptr_nonnull(strstr(ex[2].error, "--all"));
	done();
}
END_TEST

START_TEST(test_totals)
{
	const struct agg_totals *t;

	feed(NULL, NULL);
	t = agg_totals(agg);
	ck_assert_uint_eq(t->alerts, 6);
	ck_assert_uint_eq(t->failures, 5);
	ck_assert_uint_eq(t->by_action[ACT_QUARANTINE], 3);
	ck_assert_uint_eq(t->by_action[ACT_REJECT], 1);
	ck_assert_uint_eq(t->by_action[ACT_ACCEPT], 2);
	ck_assert_uint_eq(t->by_dmarc[DM_FAIL], 5);
	ck_assert_uint_eq(t->by_dmarc[DM_PASS], 1);
	ck_assert_uint_eq(t->overrides, 4);
	ck_assert_uint_eq(t->overrides_p_none, 4);
	ck_assert_uint_eq(t->dry_run, 1);
	ck_assert_uint_eq(t->would[ACT_QUARANTINE], 1);
	ck_assert_int_eq(t->first, NOW - 8 * 3600 + 60);	/* 04:01 */
	ck_assert_int_eq(t->last, NOW - 6 * 3600 + 20 * 60);	/* 06:20 */
	done();
}
END_TEST

START_TEST(test_tables)
{
	struct agg_row *rows;
	size_t n;

	feed(NULL, NULL);
	rows = agg_rows(agg, AGG_DOMAINS, 10, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(rows[0].key, "none.example");	/* case folded */
	ck_assert_uint_eq(rows[0].stat->alerts, 4);
	ck_assert_uint_eq(rows[0].stat->overrides, 4);
	ck_assert_uint_eq(rows[0].stat->addresses, 3);
	ck_assert_uint_eq(rows[0].stat->helos, 3);	/* MX.Attacker = mx.attacker */
	ck_assert_str_eq(rows[0].stat->p, "none");
	ck_assert_int_eq(rows[0].stat->first, NOW - 8 * 3600 + 60);
	ck_assert_str_eq(rows[1].key, "r.example");
	free(rows);

	rows = agg_rows(agg, AGG_ADDRESSES, 1, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(rows[0].key, "203.0.113.66");
	ck_assert_uint_eq(rows[0].stat->alerts, 2);
	ck_assert_uint_eq(rows[0].stat->domains, 1);
	free(rows);

	rows = agg_rows(agg, AGG_NETWORKS, 0, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(rows[0].key, "203.0.113.0/24");
	ck_assert_uint_eq(rows[0].stat->alerts, 3);
	ck_assert_uint_eq(rows[0].stat->addresses, 2);
	ck_assert_uint_eq(rows[0].stat->domains, 1);
	ck_assert_str_eq(rows[1].key, "198.51.100.0/24");	/* ties by name */
	ck_assert_str_eq(rows[2].key, "2001:db8:aa::/48");
	free(rows);

	rows = agg_rows(agg, AGG_REASONS, 0, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(rows[0].key, "dmarc-fail-local-floor");
	ck_assert_uint_eq(rows[0].stat->alerts, 4);
	free(rows);
	done();
}
END_TEST

START_TEST(test_domain_detail)
{
	const struct agg_detail *d;
	struct agg_hour *h;
	size_t n;

	feed("none.example", NULL);
	ck_assert_uint_eq(scan_counts(scan)->alerts, 4);
	ck_assert_uint_eq(scan_counts(scan)->filtered, 2);
	d = agg_details(agg, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(d[1].helo, "MX.Attacker.Example");
	ck_assert_int_eq(d[3].is_dry_run, 1);
	ck_assert_int_eq(d[3].would, ACT_QUARANTINE);
	h = agg_hours(agg, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(h[0].hour, NOW - 8 * 3600);	/* 04:00: two */
	ck_assert_uint_eq(h[0].alerts, 2);
	ck_assert_int_eq(h[1].hour, NOW - 7 * 3600);	/* 05:00 */
	ck_assert_int_eq(h[2].hour, NOW - 6 * 3600);	/* 06:00 */
	free(h);
	done();
}
END_TEST

START_TEST(test_action_filter)
{
	feed(NULL, "quarantine");
	/* three quarantined, and the dry run that would have quarantined */
	ck_assert_uint_eq(scan_counts(scan)->alerts, 4);
	ck_assert_uint_eq(agg_totals(agg)->by_action[ACT_ACCEPT], 1);
	done();
}
END_TEST

static const struct {
	const char *ip, *want;
} networks[] = {
	{ "192.0.2.77", "192.0.2.0/24" },
	{ "10.1.2.3", "10.1.2.0/24" },
	{ "2001:db8:1234:5678::1", "2001:db8:1234::/48" },
	{ "2001:db8::1", "2001:db8::/48" },
	{ "::1", "::/48" },
	{ "unknown", NULL },
	{ "", NULL },
};

START_TEST(test_network_of)
{
	char buf[64];
	int rc = agg_network_of(networks[_i].ip, buf, sizeof(buf));

	if (networks[_i].want == NULL) {
		ck_assert_int_eq(rc, -1);
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(buf, networks[_i].want);
}
END_TEST

/* look-alike senders: per protected domain, whatever DMARC said */
START_TEST(test_lookalikes)
{
	static const char *const more[] = {
		"Nov 22 07:00:00 mx1 dmarcguard[1]: "
		ALERT("192.0.2.1", "h.example", "banc.example", "pass", "reject", "quarantine",
		      "lookalike-typo", "yes", " lookalike=typo lookalike_of=bank.example"),
		"Nov 22 07:05:00 mx1 dmarcguard[1]: "
		ALERT("192.0.2.2", "h.example", "BANC.example", "pass", "reject", "quarantine",
		      "lookalike-typo", "yes", " lookalike=typo lookalike_of=Bank.Example"),
		"Nov 22 08:00:00 mx1 dmarcguard[1]: "
		ALERT("192.0.2.3", "h.example", "xn--bnk-6cd.example", "fail", "reject",
		      "reject", "published-reject", "no",
		      " lookalike=homoglyph lookalike_of=bank.example"),
		"Nov 22 08:10:00 mx1 dmarcguard[1]: "
		ALERT("192.0.2.4", "h.example", "g0v.example", "pass", "none", "accept",
		      "lookalike-homoglyph", "no", " lookalike=homoglyph lookalike_of=gov.example"),
	};
	struct agg_row *rows;
	size_t n;

	feed_lines(more, sizeof(more) / sizeof(more[0]), NULL, NULL);
	ck_assert_uint_eq(scan_counts(scan)->alerts, 4);
	rows = agg_rows(agg, AGG_LOOKALIKES, 0, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(rows[0].key, "bank.example");
	ck_assert_uint_eq(rows[0].stat->alerts, 3);
	ck_assert_uint_eq(rows[0].stat->domains, 2);	/* banc (twice), xn--bnk-6cd */
	ck_assert_int_eq(rows[0].stat->first, NOW - 5 * 3600);
	ck_assert_int_eq(rows[0].stat->last, NOW - 4 * 3600);
	ck_assert_str_eq(rows[1].key, "gov.example");
	ck_assert_uint_eq(rows[1].stat->alerts, 1);
	ck_assert_uint_eq(rows[1].stat->domains, 1);
	free(rows);
	/* only the look-alike with dmarc=fail is in the spoofed-domain table */
	ck_assert_uint_eq(agg_table_size(agg, AGG_DOMAINS), 1);
	done();
}
END_TEST

/* forwarded overrides: per forwarder (ARC sealer or trusted forwarder), case folded */
START_TEST(test_forwarders)
{
	static const char *const more[] = {
		"Nov 22 07:00:00 mx1 dmarcguard[1]: "
		ALERT("198.51.100.20", "h.example", "none.example", "fail", "none", "accept",
		      "forwarded-arc", "no", " arc=pass arc_sealer=lists.example arc_instance=1"),
		"Nov 22 07:30:00 mx1 dmarcguard[1]: "
		ALERT("198.51.100.20", "h.example", "None.Example", "fail", "none", "accept",
		      "forwarded-trusted", "no", " arc=fail forwarder=LISTS.example"),
		"Nov 22 08:00:00 mx1 dmarcguard[1]: "
		ALERT("198.51.100.21", "h.example", "reject.example", "fail", "reject", "accept",
		      "forwarded-arc", "no", " arc=pass arc_sealer=lists.example arc_instance=2"),
		"Nov 22 08:10:00 mx1 dmarcguard[1]: "
		ALERT("198.51.100.22", "h.example", "q.example", "fail", "quarantine", "quarantine",
		      "published-quarantine", "no", " exempt=forwarded-trusted forwarder=fwd.example"),
		/* a list post held: no forwarder lifted it, so not counted */
		"Nov 22 08:20:00 mx1 dmarcguard[1]: "
		ALERT("198.51.100.23", "h.example", "none.example", "fail", "none", "quarantine",
		      "dmarc-fail-local-floor", "yes", " arc=pass"),
	};
	struct agg_row *rows;
	size_t n;

	feed_lines(more, sizeof(more) / sizeof(more[0]), NULL, NULL);
	ck_assert_uint_eq(scan_counts(scan)->alerts, 5);
	rows = agg_rows(agg, AGG_FORWARDERS, 0, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(rows[0].key, "lists.example");
	ck_assert_uint_eq(rows[0].stat->alerts, 3);
	ck_assert_uint_eq(rows[0].stat->via_arc, 2);
	ck_assert_uint_eq(rows[0].stat->accepted, 3);
	ck_assert_uint_eq(rows[0].stat->domains, 2);	/* none (twice), reject */
	ck_assert_int_eq(rows[0].stat->first, NOW - 5 * 3600);
	ck_assert_int_eq(rows[0].stat->last, NOW - 4 * 3600);
	ck_assert_str_eq(rows[1].key, "fwd.example");
	ck_assert_uint_eq(rows[1].stat->alerts, 1);
	ck_assert_uint_eq(rows[1].stat->via_arc, 0);
	ck_assert_uint_eq(rows[1].stat->accepted, 0);
	ck_assert_uint_eq(rows[1].stat->domains, 1);
	free(rows);
	/* no alert of the first table set is a forwarded override */
	done();
	feed(NULL, NULL);
	ck_assert_uint_eq(agg_table_size(agg, AGG_FORWARDERS), 0);
	done();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alerts_aggregate");
	TCase *tc = tcase_create("aggregate");

	tcase_add_test(tc, test_accounting);
	tcase_add_test(tc, test_totals);
	tcase_add_test(tc, test_tables);
	tcase_add_test(tc, test_domain_detail);
	tcase_add_test(tc, test_action_filter);
	tcase_add_loop_test(tc, test_network_of, 0, TEST_ROWS(networks));
	tcase_add_test(tc, test_lookalikes);
	tcase_add_test(tc, test_forwarders);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
