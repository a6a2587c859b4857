/*
 * test_alerts_envelope - finding our message in every log line format
 * dmarcguard-alerts reads (tools/alerts/envelope.h): RFC 3164 as rsyslog
 * and journalctl -o short write it, RFC 3339 (rsyslog's default file
 * format), RFC 5424, the daemon's own stderr, journalctl -o json, and the
 * daemon's stderr as journald records it. Each row: the line, whether it
 * is ours, its origin, the message and the time (UTC, "now" fixed at
 * 2026-11-22 12:00:00).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "test_main.h"

#define NOW 1795348800		/* 2026-11-22 12:00:00 UTC */

enum { F = ENVELOPE_FOREIGN, O = ENVELOPE_OURS, U = ENVELOPE_UNUSABLE };
enum { SYS = ENVELOPE_SYSLOG, ERR = ENVELOPE_STDERR };

static const struct {
	const char *what;
	const char *line;
	int want_kind, want_origin;
	const char *want_msg;
	const char *want_time;	/* "YYYY-MM-DD HH:MM:SS" UTC, or NULL for none */
} cases[] = {
	/* RFC 3164 */
	{ "3164", "Nov 22 04:37:55 mx1 dmarcguard[123]: v=1 qid=x", O, SYS, "v=1 qid=x",
	  "2026-11-22 04:37:55" },
	{ "3164 space-padded day", "Nov  2 04:37:55 mx1 dmarcguard[123]: v=1", O, SYS, "v=1",
	  "2026-11-02 04:37:55" },
	{ "journalctl short zero-padded day", "Nov 02 04:37:55 mx1 dmarcguard[123]: v=1", O, SYS,
	  "v=1", "2026-11-02 04:37:55" },
	{ "3164 date in the future: last year", "Dec 31 23:59:59 mx1 dmarcguard[1]: v=1", O, SYS,
	  "v=1", "2025-12-31 23:59:59" },
	{ "3164 within a day ahead: this year", "Nov 23 01:00:00 mx1 dmarcguard[1]: v=1", O, SYS,
	  "v=1", "2026-11-23 01:00:00" },
	{ "3164 Feb 29: last leap year", "Feb 29 10:00:00 mx1 dmarcguard[1]: v=1", O, SYS, "v=1",
	  "2024-02-29 10:00:00" },
	{ "3164 without host", "Nov 22 04:37:55 dmarcguard[123]: v=1", O, SYS, "v=1",
	  "2026-11-22 04:37:55" },
	{ "3164 without pid", "Nov 22 04:37:55 mx1 dmarcguard: v=1", O, SYS, "v=1",
	  "2026-11-22 04:37:55" },
	{ "3164 with PRI (socket form)", "<22>Nov 22 04:37:55 dmarcguard[9]: v=1", O, SYS, "v=1",
	  "2026-11-22 04:37:55" },
	{ "3164 other program", "Nov 22 04:37:55 mx1 postfix/smtpd[1]: v=1", F, SYS, NULL, NULL },
	{ "3164 similar name", "Nov 22 04:37:55 mx1 dmarcguard2[1]: v=1", F, SYS, NULL, NULL },
	{ "3164 our tool's own name", "Nov 22 04:37:55 mx1 dmarcguard-alerts: v=1", F, SYS, NULL,
	  NULL },
	{ "3164 bad month", "Foo 22 04:37:55 mx1 dmarcguard[1]: v=1", F, SYS, NULL, NULL },
	{ "3164 cut in the stamp", "Nov 22 04:37", F, SYS, NULL, NULL },
	{ "3164 cut after the host", "Nov 22 04:37:55 mx1", F, SYS, NULL, NULL },
	{ "3164 cut after the tag", "Nov 22 04:37:55 mx1 dmarcguard[1]:", O, SYS, "",
	  "2026-11-22 04:37:55" },
	/* RFC 3339 traditional */
	{ "3339 high precision", "2026-11-22T04:37:55.123456+00:00 mx1 dmarcguard[123]: v=1 a=b",
	  O, SYS, "v=1 a=b", "2026-11-22 04:37:55" },
	{ "3339 offset", "2026-11-22T05:37:55.1+01:00 mx1 dmarcguard[123]: v=1", O, SYS, "v=1",
	  "2026-11-22 04:37:55" },
	{ "3339 negative offset", "2026-11-21T23:37:55-05:00 mx1 dmarcguard[1]: v=1", O, SYS,
	  "v=1", "2026-11-22 04:37:55" },
	{ "short-iso +0000", "2026-11-22T04:37:55+0000 mx1 dmarcguard[123]: v=1", O, SYS, "v=1",
	  "2026-11-22 04:37:55" },
	{ "3339 Z", "2026-11-22T04:37:55Z mx1 dmarcguard[123]: v=1", O, SYS, "v=1",
	  "2026-11-22 04:37:55" },
	{ "3339 bad date", "2026-02-30T04:37:55Z mx1 dmarcguard[123]: v=1", F, SYS, NULL, NULL },
	{ "3339 empty fraction", "2026-11-22T04:37:55.+00:00 mx1 dmarcguard[1]: v=1", F, SYS, NULL,
	  NULL },
	/* RFC 5424 */
	{ "5424", "<22>1 2026-11-22T04:37:55.123+00:00 mx1 dmarcguard 123 - - v=1 qid=x", O, SYS,
	  "v=1 qid=x", "2026-11-22 04:37:55" },
	{ "5424 without PRI", "1 2026-11-22T04:37:55Z mx1 dmarcguard 123 - - v=1", O, SYS, "v=1",
	  "2026-11-22 04:37:55" },
	{ "5424 structured data with ] in a value",
	  "<22>1 2026-11-22T04:37:55Z mx1 dmarcguard 123 ID1 [ex@1 a=\"x\\]y\"][b@2 c=\"d\"] v=1",
	  O, SYS, "v=1", "2026-11-22 04:37:55" },
	{ "5424 BOM", "<22>1 2026-11-22T04:37:55Z mx1 dmarcguard 123 - - \xef\xbb\xbfv=1", O, SYS,
	  "v=1", "2026-11-22 04:37:55" },
	{ "5424 nil time", "<22>1 - mx1 dmarcguard 123 - - v=1", O, SYS, "v=1", NULL },
	{ "5424 other app", "<22>1 2026-11-22T04:37:55Z mx1 postfix 1 - - v=1", F, SYS, NULL, NULL },
	{ "5424 bad PRI", "<2222>1 2026-11-22T04:37:55Z mx1 dmarcguard 1 - - v=1", F, SYS, NULL,
	  NULL },
	/* the daemon's stderr */
	{ "stderr", "2026-11-22T04:37:55 dmarcguard[warning]: v=1 qid=x", O, ERR, "v=1 qid=x",
	  "2026-11-22 04:37:55" },
	{ "stderr, not an alert", "2026-11-22T04:37:55 dmarcguard[notice]: stopped", O, ERR,
	  "stopped", "2026-11-22 04:37:55" },
	{ "stderr under journalctl -o short",
	  "Nov 22 04:37:56 mx1 dmarcguard[123]: 2026-11-22T04:37:55 dmarcguard[warning]: v=1 q=x",
	  O, ERR, "v=1 q=x", "2026-11-22 04:37:56" },
	/* journalctl -o json */
	{ "json", "{\"__REALTIME_TIMESTAMP\":\"1795322275123456\",\"SYSLOG_IDENTIFIER\":"
	  "\"dmarcguard\",\"MESSAGE\":\"v=1 qid=x\"}", O, SYS, "v=1 qid=x", "2026-11-22 04:37:55" },
	{ "json escapes", "{\"SYSLOG_IDENTIFIER\":\"dmarcguard\",\"MESSAGE\":"
	  "\"v=1 helo=\\\"a b\\\" x=\\u00e9\\ud83d\\ude00\\/\"}", O, SYS,
	  "v=1 helo=\"a b\" x=\xc3\xa9\xf0\x9f\x98\x80/", NULL },
	{ "json byte array", "{\"SYSLOG_IDENTIFIER\":\"dmarcguard\",\"MESSAGE\":[118,61,49,32,"
	  "255]}", O, SYS, "v=1 \xff", NULL },
	{ "json MESSAGE null", "{\"SYSLOG_IDENTIFIER\":\"dmarcguard\",\"MESSAGE\":null}", U, SYS,
	  NULL, NULL },
	{ "json other fields skipped", "{ \"A\" : [1, {\"b\": [true, false, null]}, -2.5e3],"
	  " \"SYSLOG_IDENTIFIER\" : \"dmarcguard\" , \"MESSAGE\" : \"v=1\" , \"Z\": {} }", O, SYS,
	  "v=1", NULL },
	{ "json other identifier", "{\"SYSLOG_IDENTIFIER\":\"postfix/smtpd\",\"MESSAGE\":\"v=1\"}",
	  F, SYS, NULL, NULL },
	{ "json stderr copy", "{\"SYSLOG_IDENTIFIER\":\"dmarcguard\",\"MESSAGE\":"
	  "\"2026-11-22T04:37:55 dmarcguard[warning]: v=1 qid=x\",\"__REALTIME_TIMESTAMP\":"
	  "\"1795322275999999\"}", O, ERR, "v=1 qid=x", "2026-11-22 04:37:55" },
	{ "json cut short", "{\"SYSLOG_IDENTIFIER\":\"dmarcguard\",\"MESSAGE\":\"v=1", F, SYS, NULL,
	  NULL },
	{ "json bad escape", "{\"SYSLOG_IDENTIFIER\":\"dmarcguard\",\"MESSAGE\":\"\\q\"}", F, SYS,
	  NULL, NULL },
	/* not log lines at all */
	{ "empty", "", F, SYS, NULL, NULL },
	{ "prose", "hello world", F, SYS, NULL, NULL },
};

START_TEST(test_envelope)
{
	const char *line = cases[_i].line;
	size_t len = strlen(line);
	char scratch[1024], got_time[32] = "";
	struct logtime lt;
	struct envelope env;
	int kind;

	logtime_init(&lt, NOW);
	kind = envelope_parse(&lt, line, len, scratch, len + 1, &env);
	ck_assert_msg(kind == cases[_i].want_kind, "%s: kind %d, want %d", cases[_i].what, kind,
		      cases[_i].want_kind);
	if (kind == ENVELOPE_UNUSABLE)
		ck_assert_ptr_nonnull(env.why);
	if (kind != ENVELOPE_OURS)
		return;
	ck_assert_msg(env.msg_len == strlen(cases[_i].want_msg)
		      && memcmp(env.msg, cases[_i].want_msg, env.msg_len) == 0,
		      "%s: message \"%.*s\"", cases[_i].what, (int)env.msg_len, env.msg);
	ck_assert_msg((int)env.origin == cases[_i].want_origin, "%s: origin %d", cases[_i].what,
		      env.origin);
	if (env.has_time) {
		struct tm tm;

		gmtime_r(&env.when, &tm);
		strftime(got_time, sizeof(got_time), "%Y-%m-%d %H:%M:%S", &tm);
	}
	if (cases[_i].want_time == NULL)
		ck_assert_msg(!env.has_time, "%s: time %s", cases[_i].what, got_time);
	else
		ck_assert_msg(env.has_time && strcmp(got_time, cases[_i].want_time) == 0,
			      "%s: time \"%s\", want %s", cases[_i].what, got_time,
			      cases[_i].want_time);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alerts_envelope");
	TCase *tc = tcase_create("envelope");

	setenv("TZ", "UTC", 1);
	tzset();
	tcase_add_loop_test(tc, test_envelope, 0, TEST_ROWS(cases));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
