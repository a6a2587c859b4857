/*
 * report_store_fixture - what the report store's test suites share (see
 * report_store_fixture.h).
 *
 * Thread-safety: one test at a time (Check forks each).
 */
#include "report_store_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "test_main.h"

/* Set by report_store_fixture_suite and _setup, read-only in the tests */
static char dir[] = "/tmp/test_report_store.XXXXXX";
static char uri[1024], path[256];
static const char *pg;		/* DMARCGUARD_TEST_PG: "postgresql:conninfo", or NULL */
static char suite_name[128];	/* Check keeps the pointer for the whole run */

Suite *
report_store_fixture_suite(const char *name, TCase **tc_r)
{
	Suite *s;

	pg = getenv("DMARCGUARD_TEST_PG");
	if (pg != NULL && strncmp(pg, "postgresql:", strlen("postgresql:")) != 0) {
		fprintf(stderr, "DMARCGUARD_TEST_PG: expected postgresql:conninfo\n");
		return NULL;
	}
	snprintf(suite_name, sizeof(suite_name), "%s_%s", name, pg != NULL ? "pg" : "sqlite");
	s = suite_create(suite_name);
	*tc_r = tcase_create("core");
	tcase_add_checked_fixture(*tc_r, report_store_fixture_setup, report_store_fixture_teardown);
	suite_add_tcase(s, *tc_r);
	return s;
}

const char *
report_store_fixture_pg(void)
{
	return pg;
}

const char *
report_store_fixture_uri(void)
{
	return uri;
}

const char *
report_store_fixture_path(void)
{
	return path;
}

/* report_store_fixture_pg_exec - run sql on the test database directly */
void
report_store_fixture_pg_exec(const char *sql)
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

void
report_store_fixture_setup(void)
{
	if (pg != NULL) {
		snprintf(uri, sizeof(uri), "%s", pg);
		report_store_fixture_pg_exec("SET client_min_messages = warning;"
			"DROP TABLE IF EXISTS message, report, delivery, dmarcguard_schema");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/reports.db", dir);
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
}

void
report_store_fixture_teardown(void)
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

/* report_store_fixture_rec - a record: ip, header From, DKIM text, SPF result, disposition word */
struct report_record
report_store_fixture_rec(int64_t time, const char *domain, const char *ip, const char *from,
			 const char *dkim, const char *spf, const char *disposition,
			 const char *reasons)
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

int
report_store_fixture_collect(const struct report_record *r, uint64_t count, void *ctx)
{
	struct report_store_fixture_seen *s = ctx;
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

int
report_store_fixture_collect_domain(const char *domain, void *ctx)
{
	char *out = ctx;

	strcat(out, domain);
	strcat(out, " ");
	return 0;
}

/* report_store_fixture_count - the number sql returns, asked of the database directly */
long
report_store_fixture_count(const char *sql)
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

/* report_store_fixture_open - the store at uri, or fail the test */
struct report_store *
report_store_fixture_open(void)
{
	char error[512];
	struct report_store *st = report_store_open(uri, error, sizeof(error));

	ck_assert_msg(st != NULL, "%s: %s", uri, error);
	return st;
}
