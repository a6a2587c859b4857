/*
 * report_store_fixture - the report store's test suites (test_report_store,
 * test_report_store_state) run one table of tests on either back end:
 * SQLite in a temporary file, or PostgreSQL when DMARCGUARD_TEST_PG names
 * a database ("postgresql:conninfo"; tests/report/with_pg.sh starts a
 * private cluster and sets it). Setup gives each test an empty store:
 * a new file, or the tables dropped.
 *
 * Ownership: the strings returned stay valid for the whole test; a store
 * from report_store_fixture_open is the caller's to close.
 * Thread-safety: one test at a time (Check's fork mode).
 */
#ifndef DMARCGUARD_REPORT_STORE_FIXTURE_H
#define DMARCGUARD_REPORT_STORE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include "report_store.h"

#define DAY 20000		/* a UTC day number */
#define T(sec) ((int64_t)DAY * 86400 + (sec))

/*
 * report_store_fixture_suite - the suite "name_sqlite" or "name_pg" with
 * one test case (*tc_r, the fixture set, added to the suite); NULL when
 * DMARCGUARD_TEST_PG is malformed
 */
Suite *report_store_fixture_suite(const char *name, TCase **tc_r);
/* report_store_fixture_pg - the PostgreSQL conninfo under test, or NULL for SQLite */
const char *report_store_fixture_pg(void);
/* report_store_fixture_uri / _path - the store's URI; the SQLite file (SQLite only) */
const char *report_store_fixture_uri(void);
const char *report_store_fixture_path(void);
/* report_store_fixture_setup / _teardown - Check's checked fixture */
void report_store_fixture_setup(void);
void report_store_fixture_teardown(void);
/* report_store_fixture_open - the store under test, or fail the test */
struct report_store *report_store_fixture_open(void);
/* report_store_fixture_pg_exec - run sql on the PostgreSQL database directly */
void report_store_fixture_pg_exec(const char *sql);
/* report_store_fixture_count - the number sql returns, asked of the database directly */
long report_store_fixture_count(const char *sql);

/* report_store_fixture_rec - a record: ip, header From, DKIM text, SPF result, disposition */
struct report_record report_store_fixture_rec(int64_t time, const char *domain, const char *ip,
					      const char *from, const char *dkim,
					      const char *spf, const char *disposition,
					      const char *reasons);

/* What report_store_fixture_collect saw: one line per aggregated record */
struct report_store_fixture_seen {
	char lines[16][2048];
	uint64_t counts[16];
	size_t n;
	uint64_t total;
};

/* report_store_fixture_collect - a report_store_row_fn into a struct report_store_fixture_seen */
int report_store_fixture_collect(const struct report_record *r, uint64_t count, void *ctx);
/* report_store_fixture_collect_domain - a report_store_domain_fn appending "domain " to a buffer */
int report_store_fixture_collect_domain(const char *domain, void *ctx);

#endif
