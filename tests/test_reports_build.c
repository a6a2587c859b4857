/*
 * test_reports_build - one report of dmarcguard-reports built from a
 * SQLite store under a size cap (ReportMaxBytes): no cap or a large one
 * give the one report as ever; smaller caps split it into parts that each
 * fit, with the report's id and "pN", a "part N of M" note, every record
 * in exactly one part and the counts adding up; a cap below a one-record
 * report builds nothing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_store.h"
#include "reports_build.h"
#include "test_main.h"

#define DAY 20000		/* a UTC day number */
#define RECORDS 60		/* distinct sources */

static char dir[] = "/tmp/test_reports_build.XXXXXX";
static char uri[320];

/* fill - message i: source i % RECORDS, an envelope domain that gzips poorly */
static void
fill(struct report_record *r, unsigned i)
{
	unsigned src = i % RECORDS, h = src * 2654435761u;

	memset(r, 0, sizeof(*r));
	r->time = (int64_t)DAY * 86400 + i;
	snprintf(r->source_ip, sizeof(r->source_ip), "198.51.100.%u", src);
	snprintf(r->header_from, sizeof(r->header_from), "a.example");
	snprintf(r->envelope_from, sizeof(r->envelope_from), "%08x%08x.example", h, h ^ 0x5bd1e995u);
	snprintf(r->envelope_to, sizeof(r->envelope_to), "receiver.example");
	snprintf(r->policy.domain, sizeof(r->policy.domain), "a.example");
	r->policy.adkim = r->policy.aspf = 'r';
	r->policy.psd = -1;
	snprintf(r->policy.rua, sizeof(r->policy.rua), "mailto:d@a.example");
	snprintf(r->spf_domain, sizeof(r->spf_domain), "%s", r->envelope_from);
	snprintf(r->spf_scope, sizeof(r->spf_scope), "mfrom");
	snprintf(r->spf_result, sizeof(r->spf_result), "fail");
}

static void
setup(void)
{
	struct report_record recs[RECORDS + 7];
	struct report_store *st;
	const char *why = NULL;
	char error[256];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(uri, sizeof(uri), "sqlite:%s/reports.db", dir);
	st = report_store_open(uri, error, sizeof(error));
	ck_assert_msg(st != NULL, "%s", error);
	for (unsigned i = 0; i < RECORDS + 7; i++)
		fill(&recs[i], i);
	ck_assert_int_eq(report_store_append(st, recs, RECORDS + 7, &why), 0);
	report_store_close(&st);
}

static void
teardown(void)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/reports.db-wal", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/reports.db-shm", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/reports.db", dir);
	unlink(p);
	rmdir(dir);
}

static const struct {
	size_t max_bytes;
	size_t min_parts, max_parts;	/* 0, 0: nothing is built */
} caps[] = {
	{ 0, 1, 1 },			/* no cap: about 1.8 KB */
	{ 10485760, 1, 1 },		/* the default */
	{ 1500, 2, RECORDS },
	{ 1100, 2, RECORDS },
	{ 600, RECORDS, RECORDS },	/* a one-record report is about 560 bytes */
	{ 500, 0, 0 },			/* not even one record fits */
};

START_TEST(test_cap)
{
	const struct reports_identity id = {
		.org_name = "Test", .email = "r@mx.example", .contact = "",
		.submitter = "mx.example", .generator = "test",
	};
	struct report_store *st;
	struct reports_built b;
	const char *why = NULL;
	char error[256], want_id[64], note[128];
	uint64_t messages = 0;
	size_t records = 0;
	int rc;

	st = report_store_open(uri, error, sizeof(error));
	ck_assert_msg(st != NULL, "%s", error);
	rc = reports_build(st, &id, "a.example", DAY, caps[_i].max_bytes, &b, &why);
	if (caps[_i].max_parts == 0) {
		ck_assert_int_eq(rc, -1);
		ck_assert_msg(strstr(why, "ReportMaxBytes") != NULL, "%s", why);
		ck_assert_ptr_null(b.parts);
		report_store_close(&st);
		return;
	}
	ck_assert_msg(rc == 0, "%s", why);
	ck_assert_msg(b.part_count >= caps[_i].min_parts && b.part_count <= caps[_i].max_parts,
		      "cap %zu: %zu parts", caps[_i].max_bytes, b.part_count);
	ck_assert_uint_eq(b.messages, RECORDS + 7);
	ck_assert_uint_eq(b.records, RECORDS);
	ck_assert_int_eq(b.to_count, 1);
	for (size_t j = 0; j < b.part_count; j++) {
		const struct reports_part *p = &b.parts[j];

		if (caps[_i].max_bytes > 0)
			ck_assert_msg(p->gzip_len <= caps[_i].max_bytes, "part %zu: %zu bytes", j + 1,
				      p->gzip_len);
		ck_assert_uint_gt(p->records, 0);
		ck_assert_ptr_nonnull(strstr(p->xml, "</feedback>"));
		if (b.part_count == 1) {
			ck_assert_str_eq(p->report_id, b.report_id);
			ck_assert_ptr_null(strstr(p->xml, "<error>"));
		} else {
			snprintf(want_id, sizeof(want_id), "%sp%zu", b.report_id, j + 1);
			ck_assert_str_eq(p->report_id, want_id);
			snprintf(note, sizeof(note), "<error>part %zu of %zu of report %s,", j + 1,
				 b.part_count, b.report_id);
			ck_assert_msg(strstr(p->xml, note) != NULL, "no note in part %zu", j + 1);
		}
		messages += p->messages;
		records += p->records;
	}
	ck_assert_uint_eq(messages, RECORDS + 7);
	ck_assert_uint_eq(records, RECORDS);
	reports_build_clear(&b);
	ck_assert_ptr_null(b.parts);
	report_store_close(&st);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("reports_build");
	TCase *tc = tcase_create("cap");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_cap, 0, TEST_ROWS(caps));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
