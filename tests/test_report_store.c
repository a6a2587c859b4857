/*
 * test_report_store - the report store, one table of tests run on both
 * back ends: SQLite always, PostgreSQL when DMARCGUARD_TEST_PG names a
 * database (tests/report/with_pg.sh starts a private cluster for the
 * ctest report_store_pg; tests/support/report_store_fixture.h). Shared:
 * batches appended in one transaction, aggregation per policy domain and
 * UTC day into records with counts (grouping by every reported field, and
 * nothing else), the policy of the newest row, rows of two hosts each
 * counted once, sent state, expiry, a second handle on the same store,
 * passwords kept out of displayed URIs. Claims and deliveries:
 * test_report_store_state.c.
 * SQLite only: bad URIs, a missing directory, a schema from the future,
 * the version 1 schema upgraded, a database locked by another process.
 * PostgreSQL only: a schema from the future, a connection killed by the
 * server (the call fails, the next one reconnects).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "report_store.h"
#include "report_store_fixture.h"
#include "test_main.h"

#define REC report_store_fixture_rec
#define COLLECT report_store_fixture_collect
#define COLLECT_DOMAIN report_store_fixture_collect_domain
#define COUNT report_store_fixture_count









START_TEST(test_aggregate)
{
	char error[256];
	const char *why = NULL;
	struct report_store *st = report_store_open(report_store_fixture_uri(), error, sizeof(error));
	struct report_record batch[] = {
		REC(T(10), "a.example", "192.0.2.1", "a.example", "a.example s pass", "pass", "pass", ""),
		REC(T(20), "a.example", "192.0.2.1", "a.example", "a.example s pass", "pass", "pass", ""),
		REC(T(30), "a.example", "192.0.2.1", "a.example", "a.example s pass", "pass", "pass", ""),
		/* differs only in the reasons: a record of its own */
		REC(T(40), "a.example", "203.0.113.9", "a.example", "", "fail", "quarantine",
		    "local_policy dmarc-fail-local-floor"),
		REC(T(50), "a.example", "203.0.113.9", "a.example", "", "fail", "none", ""),
		REC(T(60), "a.example", "203.0.113.9", "a.example", "", "fail", "none", ""),
		/* a subdomain under the same policy domain */
		REC(T(70), "a.example", "192.0.2.1", "sub.a.example", "a.example s pass", "pass",
		    "pass", ""),
		/* another domain, and the day before */
		REC(T(80), "b.example", "192.0.2.2", "b.example", "", "pass", "pass", ""),
		REC(T(-10), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
	};
	struct report_policy pol;
	struct report_store_fixture_seen seen = { 0 };
	char domains[256] = "";

	ck_assert_msg(st != NULL, "%s", error);
	batch[6].policy.p = DMARC_REQUEST_QUARANTINE;	/* the newest row's policy wins */
	batch[6].policy.testing = 1;
	snprintf(batch[6].policy.rua, sizeof(batch[6].policy.rua), "mailto:d@a.example");
	ck_assert_int_eq(report_store_append(st, batch, 4, &why), 0);
	ck_assert_int_eq(report_store_append(st, batch + 4, TEST_ROWS(batch) - 4, &why), 0);
	ck_assert_int_eq(report_store_domains(st, DAY, COLLECT_DOMAIN, domains, &why), 0);
	ck_assert_str_eq(domains, "a.example b.example ");
	ck_assert_int_eq(report_store_aggregate(st, "a.example", DAY, &pol, COLLECT, &seen, &why), 0);
	ck_assert_str_eq(pol.domain, "a.example");
	ck_assert_int_eq(pol.p, DMARC_REQUEST_QUARANTINE);
	ck_assert_int_eq(pol.testing, 1);
	ck_assert_str_eq(pol.rua, "mailto:d@a.example");
	ck_assert_int_eq(seen.n, 4);
	ck_assert_int_eq(seen.total, 7);
	ck_assert_str_eq(seen.lines[0], "192.0.2.1 a.example [a.example s pass] pass pass []");
	ck_assert_int_eq(seen.counts[0], 3);
	ck_assert_str_eq(seen.lines[1], "203.0.113.9 a.example [] fail none []");
	ck_assert_int_eq(seen.counts[1], 2);
	ck_assert_str_eq(seen.lines[2], "192.0.2.1 sub.a.example [a.example s pass] pass pass []");
	ck_assert_str_eq(seen.lines[3], "203.0.113.9 a.example [] fail quarantine"
			 " [local_policy dmarc-fail-local-floor]");
	report_store_close(&st);
	ck_assert_ptr_null(st);
	report_store_close(&st);	/* NULL is fine */
}
END_TEST

START_TEST(test_sent_and_expire)
{
	char error[256];
	const char *why = NULL;
	struct report_store *st = report_store_open(report_store_fixture_uri(), error, sizeof(error));
	struct report_store *other = report_store_open(report_store_fixture_uri(), error, sizeof(error));
	struct report_record r[] = {
		REC(T(5), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
		REC(T(86400 + 5), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
	};
	int sent = -1;
	uint64_t deleted = 0;
	struct report_store_fixture_seen seen = { 0 };
	struct report_policy pol;

	ck_assert_ptr_nonnull(st);
	ck_assert_ptr_nonnull(other);
	ck_assert_int_eq(report_store_append(st, r, 2, &why), 0);
	ck_assert_int_eq(report_store_sent(st, "a.example", DAY, &sent, &why), 0);
	ck_assert_int_eq(sent, 0);
	ck_assert_int_eq(report_store_mark_sent(st, "a.example", DAY, "rid1", T(99999), &why), 0);
	/* the other handle sees it: the state is in the file */
	ck_assert_int_eq(report_store_sent(other, "a.example", DAY, &sent, &why), 0);
	ck_assert_int_eq(sent, 1);
	ck_assert_int_eq(report_store_sent(other, "a.example", DAY + 1, &sent, &why), 0);
	ck_assert_int_eq(sent, 0);
	ck_assert_int_eq(report_store_expire(other, DAY + 1, &deleted, &why), 0);
	ck_assert_int_eq(deleted, 1);
	ck_assert_int_eq(report_store_sent(st, "a.example", DAY, &sent, &why), 0);
	ck_assert_int_eq(sent, 0);
	ck_assert_int_eq(report_store_aggregate(st, "a.example", DAY + 1, &pol, COLLECT, &seen,
						&why), 0);
	ck_assert_int_eq(seen.total, 1);
	report_store_close(&st);
	report_store_close(&other);
}
END_TEST

static const struct {
	const char *uri;
	const char *error_part;
} bad_uris[] = {
	{ "/var/lib/reports.db", "expected scheme:location" },
	{ "sqlite:", "no location" },
	{ "mysql:host=x", "unknown scheme" },
	{ "sqlite:/nonexistent-dir-dmarcguard/reports.db", "unable to open" },
	{ "sqlite:/dev/null/reports.db", "unable to open" },
};

START_TEST(test_bad_uri)
{
	char error[256] = "";
	struct report_store *st = report_store_open(bad_uris[_i].uri, error, sizeof(error));

	ck_assert_ptr_null(st);
	ck_assert_msg(strstr(error, bad_uris[_i].error_part) != NULL, "%s: \"%s\"",
		      bad_uris[_i].uri, error);
}
END_TEST

START_TEST(test_future_schema)
{
	sqlite3 *db;
	char error[256] = "";

	ck_assert_int_eq(sqlite3_open(report_store_fixture_path(), &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 7", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_ptr_null(report_store_open(report_store_fixture_uri(), error, sizeof(error)));
	ck_assert_msg(strstr(error, "schema version 7") != NULL, "%s", error);
}
END_TEST

/*
 * a store another process holds locked: the batch fails after the busy
 * timeout, with nothing of it written, and the next batch goes in
 */
START_TEST(test_locked)
{
	char error[256];
	const char *why = NULL;
	struct report_store *st = report_store_open(report_store_fixture_uri(), error, sizeof(error));
	struct report_record r[] = {
		REC(T(1), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
		REC(T(2), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
	};
	struct report_policy pol;
	struct report_store_fixture_seen seen = { 0 };
	sqlite3 *db;

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(sqlite3_open(report_store_fixture_path(), &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(report_store_append(st, r, 2, &why), -1);
	ck_assert_msg(strstr(why, "locked") != NULL, "%s", why);
	ck_assert_int_eq(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(report_store_aggregate(st, "a.example", DAY, &pol, COLLECT, &seen, &why), 0);
	ck_assert_int_eq(seen.total, 0);
	ck_assert_int_eq(report_store_append(st, r, 1, &why), 0);
	ck_assert_int_eq(report_store_aggregate(st, "a.example", DAY, &pol, COLLECT, &seen, &why), 0);
	ck_assert_int_eq(seen.total, 1);
	report_store_close(&st);
}
END_TEST

/* collect_to - the envelope_to of each aggregated record with its count */
static int
collect_to(const struct report_record *r, uint64_t count, void *ctx)
{
	char *out = ctx;

	sprintf(out + strlen(out), "%s=%llu ", r->envelope_to[0] ? r->envelope_to : "-",
		(unsigned long long)count);
	return 0;
}

/* test_envelope_to - a record per envelope_to: kept, grouped and read back */
START_TEST(test_envelope_to)
{
	char got[256] = "";
	const char *why = NULL;
	struct report_store *st = report_store_fixture_open();
	struct report_record r[] = {
		REC(T(1), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
		REC(T(2), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
		REC(T(3), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
		REC(T(4), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
	};
	struct report_policy pol;

	snprintf(r[0].envelope_to, sizeof(r[0].envelope_to), "mx.example.net");
	snprintf(r[1].envelope_to, sizeof(r[1].envelope_to), "mx.example.net");
	snprintf(r[2].envelope_to, sizeof(r[2].envelope_to), "other.example.net");
	ck_assert_int_eq(report_store_append(st, r, 4, &why), 0);
	ck_assert_int_eq(report_store_aggregate(st, "a.example", DAY, &pol, collect_to, got, &why),
			 0);
	ck_assert_str_eq(got, "mx.example.net=2 -=1 other.example.net=1 ");
	report_store_close(&st);
}
END_TEST




/* two MX hosts record into one store: every row counted, once */
START_TEST(test_two_hosts)
{
	const char *why = NULL;
	struct report_store *mx1 = report_store_fixture_open(), *mx2 = report_store_fixture_open();
	struct report_record r[] = {
		REC(T(1), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
		REC(T(2), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
		REC(T(3), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
	};
	struct report_policy pol;
	struct report_store_fixture_seen seen = { 0 };

	snprintf(mx1->host, sizeof(mx1->host), "mx1.test.example");
	snprintf(mx2->host, sizeof(mx2->host), "mx2.test.example");
	ck_assert_int_eq(report_store_append(mx1, r, 3, &why), 0);
	ck_assert_int_eq(report_store_append(mx2, r, 2, &why), 0);
	ck_assert_int_eq(report_store_aggregate(mx1, "a.example", DAY, &pol, COLLECT, &seen, &why), 0);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_int_eq(seen.counts[0], 5);
	ck_assert_int_eq(COUNT("SELECT count(DISTINCT host) FROM message"), 2);
	ck_assert_int_eq(COUNT("SELECT count(*) FROM message WHERE host = 'mx2.test.example'"), 2);
	report_store_close(&mx1);
	report_store_close(&mx2);
}
END_TEST





/* version 1 files (before claims and deliveries) are upgraded: rows and sent reports kept */
START_TEST(test_sqlite_upgrade)
{
	sqlite3 *db;
	const char *why = NULL;
	struct report_store *st;
	struct report_policy pol;
	struct report_store_fixture_seen seen = { 0 };
	int sent = 0;

	ck_assert_int_eq(sqlite3_open(report_store_fixture_path(), &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
		"CREATE TABLE message (id INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
		" day INTEGER NOT NULL, source_ip TEXT NOT NULL, header_from TEXT NOT NULL,"
		" envelope_from TEXT NOT NULL, envelope_to TEXT NOT NULL,"
		" policy_domain TEXT NOT NULL, p TEXT NOT NULL, sp TEXT NOT NULL, np TEXT NOT NULL,"
		" adkim TEXT NOT NULL, aspf TEXT NOT NULL, testing INTEGER NOT NULL,"
		" psd INTEGER NOT NULL, discovery TEXT NOT NULL, rua TEXT NOT NULL,"
		" dkim TEXT NOT NULL, spf_domain TEXT NOT NULL, spf_scope TEXT NOT NULL,"
		" spf_result TEXT NOT NULL, dkim_aligned INTEGER NOT NULL,"
		" spf_aligned INTEGER NOT NULL, disposition TEXT NOT NULL, reasons TEXT NOT NULL);"
		"CREATE TABLE report (policy_domain TEXT NOT NULL, day INTEGER NOT NULL,"
		" report_id TEXT NOT NULL, sent_time INTEGER NOT NULL,"
		" PRIMARY KEY (policy_domain, day));"
		"INSERT INTO message VALUES (1, 1728000010, 20000, '192.0.2.1', 'a.example',"
		" 'a.example', '', 'a.example', 'none', '', '', 'r', 'r', 0, -1, '', '', '',"
		" 'a.example', 'mfrom', 'pass', 0, 1, 'none', '');"
		"INSERT INTO report VALUES ('a.example', 19999, 'rid', 1728000000);"
		"PRAGMA user_version = 1;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = report_store_fixture_open();
	ck_assert_int_eq(report_store_sent(st, "a.example", DAY - 1, &sent, &why), 0);
	ck_assert_int_eq(sent, 1);
	ck_assert_int_eq(report_store_aggregate(st, "a.example", DAY, &pol, COLLECT, &seen, &why), 0);
	ck_assert_int_eq(seen.total, 1);
	ck_assert_str_eq(seen.lines[0], "192.0.2.1 a.example [] pass none []");
	report_store_close(&st);
	ck_assert_int_eq(COUNT("PRAGMA user_version"), 2);
}
END_TEST

/* the server ends our connection: that call fails, the next one reconnects */
START_TEST(test_pg_reconnect)
{
	const char *why = NULL;
	struct report_store *st = report_store_fixture_open();
	struct report_record r[] = {
		REC(T(1), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
	};
	struct report_policy pol;
	struct report_store_fixture_seen seen = { 0 };

	ck_assert_int_eq(report_store_append(st, r, 1, &why), 0);
	report_store_fixture_pg_exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		" WHERE application_name = 'dmarcguard'");
	ck_assert_int_eq(report_store_append(st, r, 1, &why), -1);
	ck_assert_msg(strncmp(why, "postgresql: ", 12) == 0, "%s", why);
	ck_assert_int_eq(report_store_append(st, r, 1, &why), 0);
	ck_assert_int_eq(report_store_aggregate(st, "a.example", DAY, &pol, COLLECT, &seen, &why), 0);
	ck_assert_int_eq(seen.total, 2);
	report_store_close(&st);
}
END_TEST

/* the same database as postgresql:// and postgres:// URIs (with_pg.sh gives "//...") */
START_TEST(test_pg_uri_forms)
{
	const char *rest = getenv("DMARCGUARD_TEST_PG_URI"), *why = NULL;
	char uri[1024], error[512];
	struct report_store *st = report_store_fixture_open(), *other;
	struct report_record r[] = {
		REC(T(1), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
	};
	struct report_policy pol;
	struct report_store_fixture_seen seen = { 0 };

	ck_assert_ptr_nonnull(rest);
	ck_assert_int_eq(report_store_append(st, r, 1, &why), 0);
	report_store_close(&st);
	snprintf(uri, sizeof(uri), "postgresql:%s", rest);
	other = report_store_open(uri, error, sizeof(error));
	ck_assert_msg(other != NULL, "%s: %s", uri, error);
	ck_assert_int_eq(report_store_append(other, r, 1, &why), 0);
	report_store_close(&other);
	snprintf(uri, sizeof(uri), "postgres:%s", rest);
	other = report_store_open(uri, error, sizeof(error));
	ck_assert_msg(other != NULL, "%s: %s", uri, error);
	ck_assert_int_eq(report_store_aggregate(other, "a.example", DAY, &pol, COLLECT, &seen, &why),
			 0);
	ck_assert_int_eq(seen.total, 2);
	report_store_close(&other);
	/* a server that is not there: an error, not a wait */
	ck_assert_ptr_null(report_store_open("postgresql:host=/nonexistent-dmarcguard dbname=x",
					     error, sizeof(error)));
	ck_assert_msg(strstr(error, "postgresql: connecting: ") == error, "%s", error);
}
END_TEST

/* a schema newer than this program is refused (PostgreSQL) */
START_TEST(test_pg_future_schema)
{
	struct report_store *st = report_store_fixture_open();
	char error[512] = "";

	report_store_close(&st);
	report_store_fixture_pg_exec("INSERT INTO dmarcguard_schema (version) VALUES (7)");
	ck_assert_ptr_null(report_store_open(report_store_fixture_uri(), error, sizeof(error)));
	ck_assert_msg(strstr(error, "schema version 7") != NULL, "%s", error);
}
END_TEST

/* a batch larger than the writer's (256) and than a PostgreSQL INSERT's (64 rows) */
START_TEST(test_big_batch)
{
	enum { N = 300 };
	const char *why = NULL;
	struct report_store *st = report_store_fixture_open();
	static struct report_record r[N];
	struct report_policy pol;
	struct report_store_fixture_seen seen = { 0 };

	for (int i = 0; i < N; i++)
		r[i] = REC(T(i), "a.example", i % 2 ? "192.0.2.1" : "192.0.2.2", "a.example",
			   "a.example s pass", "pass", "pass", "");
	ck_assert_int_eq(report_store_append(st, r, N, &why), 0);
	ck_assert_int_eq(report_store_aggregate(st, "a.example", DAY, &pol, COLLECT, &seen, &why), 0);
	ck_assert_int_eq(seen.n, 2);
	ck_assert_int_eq(seen.counts[0], N / 2);
	ck_assert_int_eq(seen.total, N);
	ck_assert_int_eq(COUNT("SELECT count(*) FROM message"), N);
	report_store_close(&st);
}
END_TEST

/* passwords kept out of log lines */
static const struct {
	const char *uri, *shown;
} displays[] = {
	{ "sqlite:/var/lib/dmarcguard/reports.db", "sqlite:/var/lib/dmarcguard/reports.db" },
	{ "postgresql://dg:s3cret@db.example.net:5432/dmarc?sslmode=require",
	  "postgresql://dg:***@db.example.net:5432/dmarc?sslmode=require" },
	{ "postgres://dg@db.example.net/dmarc", "postgres://dg@db.example.net/dmarc" },
	{ "postgresql://db.example.net/dmarc?user=dg&password=s3cret&sslmode=require",
	  "postgresql://db.example.net/dmarc?user=dg&password=***&sslmode=require" },
	{ "postgresql:host=db dbname=dmarc password = 's3 \\'x' user=dg",
	  "postgresql:host=db dbname=dmarc password = *** user=dg" },
	{ "postgresql:host=db passwordfile=/x password=abc",
	  "postgresql:host=db passwordfile=/x password=***" },
	{ "postgresql://a:b@h/d?password=c", "postgresql://a:***@h/d?password=***" },
};

START_TEST(test_uri_display)
{
	char buf[256];

	report_store_uri_display(displays[_i].uri, buf, sizeof(buf));
	ck_assert_str_eq(buf, displays[_i].shown);
	report_store_uri_display(displays[_i].uri, buf, 12);	/* cut, still a string */
	ck_assert_uint_eq(strlen(buf), 11);
}
END_TEST

int
main(void)
{
	TCase *tc;
	Suite *s = report_store_fixture_suite("report_store", &tc);

	if (s == NULL)
		return 2;
	/* both back ends */
	tcase_add_test(tc, test_aggregate);
	tcase_add_test(tc, test_sent_and_expire);
	tcase_add_test(tc, test_two_hosts);
	tcase_add_test(tc, test_big_batch);
	tcase_add_test(tc, test_envelope_to);
	tcase_add_loop_test(tc, test_uri_display, 0, TEST_ROWS(displays));
	if (report_store_fixture_pg() != NULL) {
		tcase_add_test(tc, test_pg_reconnect);
		tcase_add_test(tc, test_pg_future_schema);
		tcase_add_test(tc, test_pg_uri_forms);
	} else {
		tcase_add_loop_test(tc, test_bad_uri, 0, TEST_ROWS(bad_uris));
		tcase_add_test(tc, test_future_schema);
		tcase_add_test(tc, test_sqlite_upgrade);
		tcase_add_test(tc, test_locked);
	}
	return test_run_suite(s);
}
