/*
 * test_alerts_filter - times and filters of dmarcguard-alerts
 * (tools/alerts/logtime.h, filter.h): --since/--until argument forms and
 * their refusals, local time (Central European rules, summer and winter) for the
 * zone-less stamps, and one row per filter rule: time bounds (inclusive,
 * a bare --until date meaning the whole day), actions (with dry run's
 * would-be action), domains and subdomains, client address, network and
 * host name, the forwarder that lifted an alert (ARC sealer or trusted
 * forwarder) and reason codes with prefixes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "logtime.h"
#include "test_main.h"

static const struct {
	const char *arg;
	const char *want_utc;	/* NULL: refused */
} args[] = {
	{ "2026-11-22", "2026-11-21 23:00:00" },
	{ "2026-11-22 04:37", "2026-11-22 03:37:00" },
	{ "2026-11-22 04:37:55", "2026-11-22 03:37:55" },
	{ "2026-11-22T04:37:55", "2026-11-22 03:37:55" },
	{ "2026-07-01 12:00:00", "2026-07-01 10:00:00" },	/* summer time */
	{ "2024-02-29 00:00", "2024-02-28 23:00:00" },
	{ "2026-02-29 00:00", NULL },
	{ "2026-13-01", NULL },
	{ "2026-11-31", NULL },
	{ "2026-11-22 24:00", NULL },
	{ "2026-11-22 4:37", NULL },
	{ "2026-11-22 04:37:55Z", NULL },
	{ "22.11.2026", NULL },
	{ "", NULL },
	{ "yesterday", NULL },
};

static void
utc(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

START_TEST(test_time_argument)
{
	time_t t;
	char got[32];
	int rc = logtime_parse_arg(args[_i].arg, &t);

	if (args[_i].want_utc == NULL) {
		ck_assert_msg(rc < 0, "\"%s\" accepted", args[_i].arg);
		return;
	}
	ck_assert_msg(rc == 0, "\"%s\" refused", args[_i].arg);
	utc(t, got, sizeof(got));
	ck_assert_msg(strcmp(got, args[_i].want_utc) == 0, "\"%s\": %s, want %s", args[_i].arg, got,
		      args[_i].want_utc);
}
END_TEST

/* Zone-less log stamps are local time, like the arguments. */
START_TEST(test_local_stamps)
{
	struct logtime lt;
	size_t used;
	time_t t;
	char got[32];

	logtime_init(&lt, 1795348800);	/* 2026-11-22 12:00 UTC */
	ck_assert_int_eq(logtime_parse_rfc3164(&lt, "Jul  1 12:00:00", 15, &used, &t), 0);
	utc(t, got, sizeof(got));
	ck_assert_str_eq(got, "2026-07-01 10:00:00");
	ck_assert_int_eq(logtime_parse_rfc3339(&lt, "2026-11-22T04:37:55 x", 21, &used, &t), 0);
	ck_assert_uint_eq(used, 19);
	utc(t, got, sizeof(got));
	ck_assert_str_eq(got, "2026-11-22 03:37:55");
	/* the per-minute cache must not leak into another minute */
	ck_assert_int_eq(logtime_parse_rfc3339(&lt, "2026-11-22T04:38:01", 19, &used, &t), 0);
	utc(t, got, sizeof(got));
	ck_assert_str_eq(got, "2026-11-22 03:38:01");
	ck_assert_int_eq(logtime_parse_rfc3339(&lt, "2026-11-22T04:38:01+00:00", 25, &used, &t), 0);
	utc(t, got, sizeof(got));
	ck_assert_str_eq(got, "2026-11-22 04:38:01");
}
END_TEST

enum { SINCE = 1, UNTIL, ACTION, DOMAIN, CLIENT, FORWARDER, REASON };

static const struct {
	const char *what;
	int kind;
	const char *arg;
	const char *when;	/* local "YYYY-MM-DD HH:MM:SS" or NULL: no time */
	const char *action, *would, *from, *ip, *client;
	int want;
	const char *reason, *arc_sealer, *forwarder;	/* NULL: dmarc-pass, absent, absent */
} rows[] = {
	{ "since: equal", SINCE, "2026-11-22 04:00", "2026-11-22 04:00:00", "accept", NULL,
	  "a.example", "192.0.2.1", "c", 1, NULL, NULL, NULL },
	{ "since: before", SINCE, "2026-11-22 04:00", "2026-11-22 03:59:59", "accept", NULL,
	  "a.example", "192.0.2.1", "c", 0, NULL, NULL, NULL },
	{ "since: no time", SINCE, "2026-11-22 04:00", NULL, "accept", NULL, "a.example",
	  "192.0.2.1", "c", 0, NULL, NULL, NULL },
	{ "until: equal", UNTIL, "2026-11-22 04:00:00", "2026-11-22 04:00:00", "accept", NULL,
	  "a.example", "192.0.2.1", "c", 1, NULL, NULL, NULL },
	{ "until: after", UNTIL, "2026-11-22 04:00:00", "2026-11-22 04:00:01", "accept", NULL,
	  "a.example", "192.0.2.1", "c", 0, NULL, NULL, NULL },
	{ "until: bare date is the whole day", UNTIL, "2026-11-22", "2026-11-22 23:59:59",
	  "accept", NULL, "a.example", "192.0.2.1", "c", 1, NULL, NULL, NULL },
	{ "until: next day", UNTIL, "2026-11-22", "2026-11-23 00:00:00", "accept", NULL,
	  "a.example", "192.0.2.1", "c", 0, NULL, NULL, NULL },
	{ "action", ACTION, "quarantine,reject", "2026-11-22 04:00:00", "reject", NULL,
	  "a.example", "192.0.2.1", "c", 1, NULL, NULL, NULL },
	{ "action: other", ACTION, "quarantine,reject", "2026-11-22 04:00:00", "accept", NULL,
	  "a.example", "192.0.2.1", "c", 0, NULL, NULL, NULL },
	{ "action: dry run's would", ACTION, "quarantine", "2026-11-22 04:00:00", "accept",
	  "quarantine", "a.example", "192.0.2.1", "c", 1, NULL, NULL, NULL },
	{ "action: dry run's actual", ACTION, "accept", "2026-11-22 04:00:00", "accept",
	  "quarantine", "a.example", "192.0.2.1", "c", 1, NULL, NULL, NULL },
	{ "domain", DOMAIN, "a.example", NULL, "accept", NULL, "A.Example", "192.0.2.1", "c", 1,
	  NULL, NULL, NULL },
	{ "domain: not a subdomain", DOMAIN, "a.example", NULL, "accept", NULL, "x.a.example",
	  "192.0.2.1", "c", 0, NULL, NULL, NULL },
	{ "domain: subdomains asked for", DOMAIN, ".a.example", NULL, "accept", NULL,
	  "x.a.example", "192.0.2.1", "c", 1, NULL, NULL, NULL },
	{ "domain: and the domain itself", DOMAIN, ".a.example", NULL, "accept", NULL,
	  "a.example", "192.0.2.1", "c", 1, NULL, NULL, NULL },
	{ "domain: suffix is not a subdomain", DOMAIN, ".a.example", NULL, "accept", NULL,
	  "xa.example", "192.0.2.1", "c", 0, NULL, NULL, NULL },
	{ "client address", CLIENT, "192.0.2.1", NULL, "accept", NULL, "a.example", "192.0.2.1",
	  "c", 1, NULL, NULL, NULL },
	{ "client address: other", CLIENT, "192.0.2.1", NULL, "accept", NULL, "a.example",
	  "192.0.2.10", "c", 0, NULL, NULL, NULL },
	{ "client network", CLIENT, "192.0.2.0/28", NULL, "accept", NULL, "a.example",
	  "192.0.2.15", "c", 1, NULL, NULL, NULL },
	{ "client network: outside", CLIENT, "192.0.2.0/28", NULL, "accept", NULL, "a.example",
	  "192.0.2.16", "c", 0, NULL, NULL, NULL },
	{ "client IPv6 network", CLIENT, "2001:db8::/32", NULL, "accept", NULL, "a.example",
	  "2001:db8:1::5", "c", 1, NULL, NULL, NULL },
	{ "client IPv6 vs IPv4", CLIENT, "2001:db8::/32", NULL, "accept", NULL, "a.example",
	  "192.0.2.1", "c", 0, NULL, NULL, NULL },
	{ "client host name", CLIENT, "mail.example", NULL, "accept", NULL, "a.example",
	  "192.0.2.1", "MAIL.example", 1, NULL, NULL, NULL },
	{ "forwarder: the ARC sealer", FORWARDER, "lists.example", NULL, "accept", NULL,
	  "a.example", "192.0.2.1", "c", 1, "forwarded-arc", "Lists.Example", NULL },
	{ "forwarder: the trusted forwarder", FORWARDER, "lists.example", NULL, "quarantine",
	  NULL, "a.example", "192.0.2.1", "c", 1, "published-quarantine", NULL, "lists.example" },
	{ "forwarder: another one", FORWARDER, "lists.example", NULL, "accept", NULL, "a.example",
	  "192.0.2.1", "c", 0, "forwarded-arc", "fwd.example", NULL },
	{ "forwarder: not forwarded", FORWARDER, "lists.example", NULL, "quarantine", NULL,
	  "a.example", "192.0.2.1", "c", 0, "dmarc-fail-local-floor", NULL, NULL },
	{ "forwarder: From domain is not the forwarder", FORWARDER, "lists.example", NULL,
	  "quarantine", NULL, "lists.example", "192.0.2.1", "c", 0, "dmarc-fail-local-floor",
	  NULL, NULL },
	{ "forwarder: not a subdomain", FORWARDER, "example", NULL, "accept", NULL, "a.example",
	  "192.0.2.1", "c", 0, "forwarded-arc", "lists.example", NULL },
	{ "forwarder: subdomains asked for", FORWARDER, ".example", NULL, "accept", NULL,
	  "a.example", "192.0.2.1", "c", 1, "forwarded-trusted", NULL, "lists.example" },
	{ "reason", REASON, "forwarded-arc,forwarded-trusted", NULL, "accept", NULL, "a.example",
	  "192.0.2.1", "c", 1, "forwarded-trusted", NULL, NULL },
	{ "reason: other", REASON, "forwarded-arc,forwarded-trusted", NULL, "accept", NULL,
	  "a.example", "192.0.2.1", "c", 0, "forwarded", NULL, NULL },
	{ "reason: a code is not a prefix", REASON, "forwarded", NULL, "accept", NULL,
	  "a.example", "192.0.2.1", "c", 0, "forwarded-arc", NULL, NULL },
	{ "reason: prefix", REASON, "dmarc-pass,lookalike-*", NULL, "quarantine", NULL,
	  "a.example", "192.0.2.1", "c", 1, "lookalike-display-name", NULL, NULL },
	{ "reason: prefix, other", REASON, "lookalike-*", NULL, "quarantine", NULL, "a.example",
	  "192.0.2.1", "c", 0, "dmarc-fail-local-floor", NULL, NULL },
};

START_TEST(test_filter)
{
	struct filter f;
	struct record r;
	const char *why = NULL;
	int rc = 0;

	filter_init(&f);
	switch (rows[_i].kind) {
	case SINCE: rc = filter_set_since(&f, rows[_i].arg, &why); break;
	case UNTIL: rc = filter_set_until(&f, rows[_i].arg, &why); break;
	case ACTION: rc = filter_set_actions(&f, rows[_i].arg, &why); break;
	case DOMAIN: rc = filter_set_domain(&f, rows[_i].arg, &why); break;
	case CLIENT: rc = filter_set_client(&f, rows[_i].arg, &why); break;
	case FORWARDER: rc = filter_set_forwarder(&f, rows[_i].arg, &why); break;
	case REASON: rc = filter_set_reasons(&f, rows[_i].arg, &why); break;
	}
	ck_assert_msg(rc == 0, "%s: %s", rows[_i].what, why);
	memset(&r, 0, sizeof(r));
	if (rows[_i].when != NULL) {
		ck_assert_int_eq(logtime_parse_arg(rows[_i].when, &r.when), 0);
		r.has_time = 1;
	}
	r.action_code = (enum record_action)record_action_code(rows[_i].action);
	r.would_code = r.action_code;
	if (rows[_i].would != NULL) {
		r.would_code = (enum record_action)record_action_code(rows[_i].would);
		r.is_dry_run = 1;
	}
	r.from = rows[_i].from;
	r.ip = rows[_i].ip;
	r.client = rows[_i].client;
	r.reason = rows[_i].reason != NULL ? rows[_i].reason : "dmarc-pass";
	r.arc_sealer = rows[_i].arc_sealer;
	r.forwarder = rows[_i].forwarder;
	ck_assert_msg(filter_match(&f, &r) == rows[_i].want, "%s", rows[_i].what);
}
END_TEST

static const struct {
	int kind;
	const char *arg;
} refused[] = {
	{ ACTION, "hold" }, { ACTION, "accept," }, { ACTION, "" }, { ACTION, ",reject" },
	{ DOMAIN, "" }, { DOMAIN, "." }, { CLIENT, "192.0.2.0/33" }, { CLIENT, "192.0.2.0/" },
	{ CLIENT, "2001:db8::/129" }, { CLIENT, "host/24" }, { SINCE, "2026-11-22 25:00" },
	{ FORWARDER, "" }, { FORWARDER, "." }, { FORWARDER, "a b" }, { REASON, "" },
	{ REASON, "*" }, { REASON, "a,*" }, { REASON, "forwarded-arc," },
	{ REASON, ",forwarded-arc" }, { REASON, "Forwarded-Arc" }, { REASON, "look*alike" },
	{ REASON, "a b" },
};

START_TEST(test_refused)
{
	struct filter f;
	const char *why = NULL;
	int rc = 0;

	filter_init(&f);
	switch (refused[_i].kind) {
	case SINCE: rc = filter_set_since(&f, refused[_i].arg, &why); break;
	case ACTION: rc = filter_set_actions(&f, refused[_i].arg, &why); break;
	case DOMAIN: rc = filter_set_domain(&f, refused[_i].arg, &why); break;
	case CLIENT: rc = filter_set_client(&f, refused[_i].arg, &why); break;
	case FORWARDER: rc = filter_set_forwarder(&f, refused[_i].arg, &why); break;
	case REASON: rc = filter_set_reasons(&f, refused[_i].arg, &why); break;
	}
	ck_assert_msg(rc < 0, "\"%s\" accepted", refused[_i].arg);
	ck_assert_ptr_nonnull(why);
}
END_TEST

START_TEST(test_since_after_until)
{
	struct filter f;
	const char *why;

	filter_init(&f);
	ck_assert_int_eq(filter_set_since(&f, "2026-11-22 05:00", &why), 0);
	ck_assert_int_eq(filter_set_until(&f, "2026-11-22 04:00", &why), 0);
	ck_assert_int_eq(filter_check(&f, &why), -1);
	ck_assert_int_eq(filter_set_until(&f, "2026-11-22", &why), 0);
	ck_assert_int_eq(filter_check(&f, &why), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alerts_filter");
	TCase *tc = tcase_create("filter");

	/* Europe/Berlin as a POSIX rule: no tzdata needed */
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	tcase_add_loop_test(tc, test_time_argument, 0, TEST_ROWS(args));
	tcase_add_test(tc, test_local_stamps);
	tcase_add_loop_test(tc, test_filter, 0, TEST_ROWS(rows));
	tcase_add_loop_test(tc, test_refused, 0, TEST_ROWS(refused));
	tcase_add_test(tc, test_since_after_until);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
