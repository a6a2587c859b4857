/*
 * test_report_store - the report store, one table of tests run on both
 * back ends: SQLite always, PostgreSQL when DMARCGUARD_TEST_PG names a
 * database (tests/report/with_pg.sh starts a private cluster for the
 * ctest report_store_pg). Shared: batches appended in one transaction,
 * aggregation per policy domain and UTC day into records with counts
 * (grouping by every reported field, and nothing else), the policy of
 * the newest row, rows of two hosts each counted once, sent state,
 * expiry, a second handle on the same store, claims (taken once among
 * racing processes, busy, stale, done), deliveries and pending reports.
 * SQLite only: bad URIs, a missing directory, a schema from the future,
 * the version 1 schema upgraded, a database locked by another process.
 * PostgreSQL only: a schema from the future, a connection killed by the
 * server (the call fails, the next one reconnects).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "report_store.h"
#include "test_main.h"

#define DAY 20000		/* a UTC day number */
#define T(sec) ((int64_t)DAY * 86400 + (sec))

static char dir[] = "/tmp/test_report_store.XXXXXX";
static char uri[1024], path[256];
static const char *pg;		/* DMARCGUARD_TEST_PG: "postgresql:conninfo", or NULL */

/* pg_exec - run sql on the test database directly */
static void
pg_exec(const char *sql)
{
	PGconn *c = PQconnectdb(pg + strlen("postgresql:"));
	PGresult *res;

	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
	res = PQexec(c, sql);
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK
		      || PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql,
		      PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(c);
}

static void
setup(void)
{
	if (pg != NULL) {
		snprintf(uri, sizeof(uri), "%s", pg);
		pg_exec("SET client_min_messages = warning;"
			"DROP TABLE IF EXISTS message, report, delivery, dmarcguard_schema");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/reports.db", dir);
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
}

/* rec - a record: ip, header From, DKIM text, SPF result, disposition word */
static struct report_record
rec(int64_t time, const char *domain, const char *ip, const char *from, const char *dkim,
    const char *spf, const char *disposition, const char *reasons)
{
	struct report_record r;

	memset(&r, 0, sizeof(r));
	r.time = time;
	snprintf(r.source_ip, sizeof(r.source_ip), "%s", ip);
	snprintf(r.header_from, sizeof(r.header_from), "%s", from);
	snprintf(r.envelope_from, sizeof(r.envelope_from), "%s", from);
	snprintf(r.policy.domain, sizeof(r.policy.domain), "%s", domain);
	r.policy.p = DMARC_REQUEST_NONE;
	r.policy.sp = DMARC_REQUEST_NONE;
	r.policy.np = DMARC_REQUEST_NONE;
	r.policy.adkim = r.policy.aspf = 'r';
	r.policy.psd = -1;
	snprintf(r.spf_domain, sizeof(r.spf_domain), "%s", from);
	snprintf(r.spf_scope, sizeof(r.spf_scope), "mfrom");
	snprintf(r.spf_result, sizeof(r.spf_result), "%s", spf);
	r.spf_aligned = strcmp(spf, "pass") == 0;
	ck_assert_int_eq(report_record_dkim_parse(dkim, &r), 0);
	ck_assert_int_eq(report_record_disposition_parse(disposition, &r.disposition), 0);
	ck_assert_int_eq(report_record_reasons_parse(reasons, &r), 0);
	return r;
}

struct seen {
	char lines[16][2048];
	uint64_t counts[16];
	size_t n;
	uint64_t total;
};

static int
collect(const struct report_record *r, uint64_t count, void *ctx)
{
	struct seen *s = ctx;
	char dkim[1024], reasons[256];

	ck_assert_uint_lt(s->n, 16);
	report_record_dkim_format(r, dkim, sizeof(dkim));
	report_record_reasons_format(r, reasons, sizeof(reasons));
	snprintf(s->lines[s->n], sizeof(s->lines[0]), "%s %s [%s] %s %s [%s]", r->source_ip,
		 r->header_from, dkim, r->spf_result, report_record_disposition_name(r->disposition),
		 reasons);
	s->counts[s->n++] = count;
	s->total += count;
	return 0;
}

static int
collect_domain(const char *domain, void *ctx)
{
	char *out = ctx;

	strcat(out, domain);
	strcat(out, " ");
	return 0;
}

START_TEST(test_aggregate)
{
	char error[256];
	const char *why = NULL;
	struct report_store *st = report_store_open(uri, error, sizeof(error));
	struct report_record batch[] = {
		rec(T(10), "a.example", "192.0.2.1", "a.example", "a.example s pass", "pass", "pass", ""),
		rec(T(20), "a.example", "192.0.2.1", "a.example", "a.example s pass", "pass", "pass", ""),
		rec(T(30), "a.example", "192.0.2.1", "a.example", "a.example s pass", "pass", "pass", ""),
		/* differs only in the reasons: a record of its own */
		rec(T(40), "a.example", "203.0.113.9", "a.example", "", "fail", "quarantine",
		    "local_policy dmarc-fail-local-floor"),
		rec(T(50), "a.example", "203.0.113.9", "a.example", "", "fail", "none", ""),
		rec(T(60), "a.example", "203.0.113.9", "a.example", "", "fail", "none", ""),
		/* a subdomain under the same policy domain */
		rec(T(70), "a.example", "192.0.2.1", "sub.a.example", "a.example s pass", "pass",
		    "pass", ""),
		/* another domain, and the day before */
		rec(T(80), "b.example", "192.0.2.2", "b.example", "", "pass", "pass", ""),
		rec(T(-10), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
	};
	struct report_policy pol;
	struct seen seen = { 0 };
	char domains[256] = "";

	ck_assert_msg(st != NULL, "%s", error);
	batch[6].policy.p = DMARC_REQUEST_QUARANTINE;	/* the newest row's policy wins */
	batch[6].policy.testing = 1;
	snprintf(batch[6].policy.rua, sizeof(batch[6].policy.rua), "mailto:d@a.example");
	ck_assert_int_eq(report_store_append(st, batch, 4, &why), 0);
	ck_assert_int_eq(report_store_append(st, batch + 4, TEST_ROWS(batch) - 4, &why), 0);
	ck_assert_int_eq(report_store_domains(st, DAY, collect_domain, domains, &why), 0);
	ck_assert_str_eq(domains, "a.example b.example ");
	ck_assert_int_eq(report_store_aggregate(st, "a.example", DAY, &pol, collect, &seen, &why), 0);
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
	struct report_store *st = report_store_open(uri, error, sizeof(error));
	struct report_store *other = report_store_open(uri, error, sizeof(error));
	struct report_record r[] = {
		rec(T(5), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
		rec(T(86400 + 5), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
	};
	int sent = -1;
	uint64_t deleted = 0;
	struct seen seen = { 0 };
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
	ck_assert_int_eq(report_store_aggregate(st, "a.example", DAY + 1, &pol, collect, &seen,
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

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 7", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_ptr_null(report_store_open(uri, error, sizeof(error)));
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
	struct report_store *st = report_store_open(uri, error, sizeof(error));
	struct report_record r[] = {
		rec(T(1), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
		rec(T(2), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
	};
	struct report_policy pol;
	struct seen seen = { 0 };
	sqlite3 *db;

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(report_store_append(st, r, 2, &why), -1);
	ck_assert_msg(strstr(why, "locked") != NULL, "%s", why);
	ck_assert_int_eq(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(report_store_aggregate(st, "a.example", DAY, &pol, collect, &seen, &why), 0);
	ck_assert_int_eq(seen.total, 0);
	ck_assert_int_eq(report_store_append(st, r, 1, &why), 0);
	ck_assert_int_eq(report_store_aggregate(st, "a.example", DAY, &pol, collect, &seen, &why), 0);
	ck_assert_int_eq(seen.total, 1);
	report_store_close(&st);
}
END_TEST


/* count_sql - the number the query sql returns, asked of the store's database directly */
static long
count_sql(const char *sql)
{
	long n = -1;

	if (pg != NULL) {
		PGconn *c = PQconnectdb(pg + strlen("postgresql:"));
		PGresult *res = PQexec(c, sql);

		ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
		n = atol(PQgetvalue(res, 0, 0));
		PQclear(res);
		PQfinish(c);
	} else {
		sqlite3 *db;
		sqlite3_stmt *st;

		ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	return n;
}

/* open_store - the store at uri, or fail the test */
static struct report_store *
open_store(void)
{
	char error[512];
	struct report_store *st = report_store_open(uri, error, sizeof(error));

	ck_assert_msg(st != NULL, "%s: %s", uri, error);
	return st;
}

/* two MX hosts record into one store: every row counted, once */
START_TEST(test_two_hosts)
{
	const char *why = NULL;
	struct report_store *mx1 = open_store(), *mx2 = open_store();
	struct report_record r[] = {
		rec(T(1), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
		rec(T(2), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
		rec(T(3), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
	};
	struct report_policy pol;
	struct seen seen = { 0 };

	snprintf(mx1->host, sizeof(mx1->host), "mx1.test.example");
	snprintf(mx2->host, sizeof(mx2->host), "mx2.test.example");
	ck_assert_int_eq(report_store_append(mx1, r, 3, &why), 0);
	ck_assert_int_eq(report_store_append(mx2, r, 2, &why), 0);
	ck_assert_int_eq(report_store_aggregate(mx1, "a.example", DAY, &pol, collect, &seen, &why), 0);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_int_eq(seen.counts[0], 5);
	ck_assert_int_eq(count_sql("SELECT count(DISTINCT host) FROM message"), 2);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM message WHERE host = 'mx2.test.example'"), 2);
	report_store_close(&mx1);
	report_store_close(&mx2);
}
END_TEST

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
	struct report_store *h1 = open_store(), *h2 = open_store();
	enum report_claim c;
	enum report_state state;
	char pending[256] = "";
	int sent = -1;

	ck_assert_int_eq(report_store_state(h1, "a.example", DAY, &state, &why), 0);
	ck_assert_int_eq(state, REPORT_STATE_NONE);
	ck_assert_int_eq(report_store_claim(h1, "a.example", DAY, "h1:1", 1000, -800, &c, &why), 0);
	ck_assert_int_eq(c, REPORT_CLAIM_TAKEN);
	ck_assert_int_eq(report_store_claim(h2, "a.example", DAY, "h2:2", 1010, -790, &c, &why), 0);
	ck_assert_int_eq(c, REPORT_CLAIM_BUSY);
	ck_assert_int_eq(report_store_state(h2, "a.example", DAY, &state, &why), 0);
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
	struct report_store *st = open_store();	/* the schema exists before the race */

	report_store_close(&st);
	for (int i = 0; i < SENDERS; i++) {
		ck_assert_int_ge(pids[i] = fork(), 0);
		if (pids[i] == 0) {
			char error[512], owner[32];
			const char *why = NULL;
			enum report_claim c;
			struct report_store *mine = report_store_open(uri, error, sizeof(error));

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
	struct report_store *st = open_store();
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

/* version 1 files (before claims and deliveries) are upgraded: rows and sent reports kept */
START_TEST(test_sqlite_upgrade)
{
	sqlite3 *db;
	const char *why = NULL;
	struct report_store *st;
	struct report_policy pol;
	struct seen seen = { 0 };
	int sent = 0;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
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
	st = open_store();
	ck_assert_int_eq(report_store_sent(st, "a.example", DAY - 1, &sent, &why), 0);
	ck_assert_int_eq(sent, 1);
	ck_assert_int_eq(report_store_aggregate(st, "a.example", DAY, &pol, collect, &seen, &why), 0);
	ck_assert_int_eq(seen.total, 1);
	ck_assert_str_eq(seen.lines[0], "192.0.2.1 a.example [] pass none []");
	report_store_close(&st);
	ck_assert_int_eq(count_sql("PRAGMA user_version"), 2);
}
END_TEST

/* the server ends our connection: that call fails, the next one reconnects */
START_TEST(test_pg_reconnect)
{
	const char *why = NULL;
	struct report_store *st = open_store();
	struct report_record r[] = {
		rec(T(1), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
	};
	struct report_policy pol;
	struct seen seen = { 0 };

	ck_assert_int_eq(report_store_append(st, r, 1, &why), 0);
	pg_exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		" WHERE application_name = 'dmarcguard'");
	ck_assert_int_eq(report_store_append(st, r, 1, &why), -1);
	ck_assert_msg(strncmp(why, "postgresql: ", 12) == 0, "%s", why);
	ck_assert_int_eq(report_store_append(st, r, 1, &why), 0);
	ck_assert_int_eq(report_store_aggregate(st, "a.example", DAY, &pol, collect, &seen, &why), 0);
	ck_assert_int_eq(seen.total, 2);
	report_store_close(&st);
}
END_TEST

/* a schema newer than this program is refused (PostgreSQL) */
START_TEST(test_pg_future_schema)
{
	struct report_store *st = open_store();
	char error[512] = "";

	report_store_close(&st);
	pg_exec("INSERT INTO dmarcguard_schema (version) VALUES (7)");
	ck_assert_ptr_null(report_store_open(uri, error, sizeof(error)));
	ck_assert_msg(strstr(error, "schema version 7") != NULL, "%s", error);
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
	{ "postgresql:host=db passwordfile=/x password=abc", "postgresql:host=db passwordfile=/x password=***" },
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

static void
teardown(void)
{
	char p[320];

	if (pg != NULL)
		return;
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	Suite *s;
	TCase *tc;

	pg = getenv("DMARCGUARD_TEST_PG");
	if (pg != NULL && strncmp(pg, "postgresql:", strlen("postgresql:")) != 0) {
		fprintf(stderr, "DMARCGUARD_TEST_PG: expected postgresql:conninfo\n");
		return 2;
	}
	s = suite_create(pg != NULL ? "report_store_pg" : "report_store_sqlite");
	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	/* both back ends */
	tcase_add_test(tc, test_aggregate);
	tcase_add_test(tc, test_sent_and_expire);
	tcase_add_test(tc, test_two_hosts);
	tcase_add_test(tc, test_claim);
	tcase_add_test(tc, test_claim_race);
	tcase_add_test(tc, test_delivery);
	tcase_add_loop_test(tc, test_uri_display, 0, TEST_ROWS(displays));
	if (pg != NULL) {
		tcase_add_test(tc, test_pg_reconnect);
		tcase_add_test(tc, test_pg_future_schema);
	} else {
		tcase_add_loop_test(tc, test_bad_uri, 0, TEST_ROWS(bad_uris));
		tcase_add_test(tc, test_future_schema);
		tcase_add_test(tc, test_sqlite_upgrade);
		tcase_add_test(tc, test_locked);
	}
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
