/*
 * test_report_store - the SQLite report store: batches appended in one
 * transaction, aggregation per policy domain and UTC day into records
 * with counts (grouping by every reported field, and nothing else), the
 * policy of the newest row, sent state, expiry, a second handle on the
 * same file, a schema from the future refused, and stores that cannot be
 * opened or written (bad URIs, a missing directory, a database locked
 * by another process).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "report_store.h"
#include "test_main.h"

#define DAY 20000		/* a UTC day number */
#define T(sec) ((int64_t)DAY * 86400 + (sec))

static char dir[] = "/tmp/test_report_store.XXXXXX";
static char uri[320], path[256];

static void
setup(void)
{
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
	char error[256], got[256] = "";
	const char *why = NULL;
	struct report_store *st = report_store_open(uri, error, sizeof(error));
	struct report_record r[] = {
		rec(T(1), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
		rec(T(2), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
		rec(T(3), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
		rec(T(4), "a.example", "192.0.2.1", "a.example", "", "pass", "pass", ""),
	};
	struct report_policy pol;

	ck_assert_ptr_nonnull(st);
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

static void
teardown(void)
{
	char p[320];

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
	Suite *s = suite_create("report_store");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_aggregate);
	tcase_add_test(tc, test_sent_and_expire);
	tcase_add_loop_test(tc, test_bad_uri, 0, TEST_ROWS(bad_uris));
	tcase_add_test(tc, test_future_schema);
	tcase_add_test(tc, test_locked);
	tcase_add_test(tc, test_envelope_to);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
