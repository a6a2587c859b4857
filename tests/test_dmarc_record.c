/*
 * test_dmarc_record - the DMARC record parser: the version rule, tag
 * syntax, defaults, RFC 9989 4.10.1's p=none fallback and missing p,
 * duplicates, psd, the removed tags pct/rf/ri, bad
 * values of each tag, and the raw report strings.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "dmarc_record.h"
#include "test_main.h"

#define N DMARC_REQUEST_NONE
#define Q DMARC_REQUEST_QUARANTINE
#define R DMARC_REQUEST_REJECT
#define REL ALIGN_RELAXED
#define STR ALIGN_STRICT
#define BAD 0, 0, 0, 0, 0, REL, REL, 0, 0	/* an invalid record */
#define ABSENT 2				/* no p tag: taken as p=none */

/* One row per record: parse result and the policy fields. */
static const struct {
	const char *text;
	int ok;
	enum dmarc_request p, sp, np;
	unsigned pct;
	enum align_mode adkim, aspf;
	int testing, fallback;		/* 1: p=none fallback, ABSENT: no p */
} cases[] = {
	{ "v=DMARC1; p=none", 1, N, N, N, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p=quarantine", 1, Q, Q, Q, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p=reject", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1;p=reject", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1 ; p = reject ; ", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1;\tp=reject\t", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1;\r\n p=reject", 1, R, R, R, 100, REL, REL, 0, 0 },
	/* version: name any case and spaces around "=" (ABNF); value exact */
	{ "V=DMARC1; p=reject", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v = DMARC1; p=reject", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=dmarc1; p=reject", BAD },
	{ "V=dmarc1; p=reject", BAD },
	{ "v=DMARC10; p=reject", BAD },
	{ "v=DMARC1 p=reject", BAD },			/* no ";" after version */
	{ " v=DMARC1; p=reject", BAD },
	{ "p=reject; v=DMARC1", BAD },			/* v must come first */
	{ "v=spf1 -all", BAD },
	{ "", BAD },
	/* p missing: p=none (RFC 9989 4.7; RFC 7489 wanted it invalid) */
	{ "v=DMARC1", 1, N, N, N, 100, REL, REL, 0, ABSENT },
	{ "v=DMARC1;", 1, N, N, N, 100, REL, REL, 0, ABSENT },
	{ "v=DMARC1; rua=mailto:a@example.com", 1, N, N, N, 100, REL, REL, 0, ABSENT },
	{ "v=DMARC1; sp=reject", 1, N, R, R, 100, REL, REL, 0, ABSENT },
	{ "v=DMARC1; adkim=s; np=quarantine", 1, N, N, Q, 100, STR, REL, 0, ABSENT },
	/* p, sp or np bad: p=none with a valid rua, else invalid */
	{ "v=DMARC1; sp=bogus", BAD },
	{ "v=DMARC1; sp=bogus; rua=mailto:a@example.com", 1, N, N, N, 100, REL, REL, 0, 1 },
	{ "v=DMARC1; p=bogus", BAD },
	{ "v=DMARC1; p=", BAD },
	{ "v=DMARC1; p=bogus; rua=mailto:a@example.com", 1, N, N, N, 100, REL, REL, 0, 1 },
	{ "v=DMARC1; p=bogus; rua=not a uri", BAD },
	{ "v=DMARC1; p=bogus; rua=bad, mailto:ok@example.com", 1, N, N, N, 100, REL, REL, 0, 1 },
	{ "v=DMARC1; p=reject; sp=bogus", BAD },
	{ "v=DMARC1; p=none; sp=", BAD },
	{ "v=DMARC1; p=reject; sp=bogus; rua=mailto:a@example.com", 1, N, N, N, 100, REL, REL, 0, 1 },
	{ "v=DMARC1; p=reject; np=bogus", BAD },
	{ "v=DMARC1; p=reject; np=bogus; rua=mailto:a@example.com", 1, N, N, N, 100, REL, REL, 0, 1 },
	/* sp defaults to p, np to sp */
	{ "v=DMARC1; p=reject; sp=none", 1, R, N, N, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p=none; sp=reject", 1, N, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p=quarantine; np=reject", 1, Q, Q, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p=none; sp=quarantine; np=reject", 1, N, Q, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; sp=reject; p=none", 1, N, R, R, 100, REL, REL, 0, 0 },	/* any order */
	{ "v=DMARC1; rua=mailto:a@example.com; p=quarantine", 1, Q, Q, Q, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p=Reject; SP=NONE", 1, R, N, N, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; P=reject", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p = quarantine ; sp= none", 1, Q, N, N, 100, REL, REL, 0, 0 },
	/* pct: 0-100 in 1-3 digits, anything else is ignored (100) */
	{ "v=DMARC1; p=reject; pct=50", 1, R, R, R, 50, REL, REL, 0, 0 },
	{ "v=DMARC1; p=reject; pct=0", 1, R, R, R, 0, REL, REL, 0, 0 },
	{ "v=DMARC1; p=reject; pct=100", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p=reject; pct=007", 1, R, R, R, 7, REL, REL, 0, 0 },
	{ "v=DMARC1; p=reject; pct=101", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p=reject; pct=-5", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p=reject; pct=", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p=reject; pct=0050", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p=reject; pct=5 0", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p=reject; pct=50%", 1, R, R, R, 100, REL, REL, 0, 0 },
	/* alignment modes */
	{ "v=DMARC1; p=reject; adkim=s; aspf=s", 1, R, R, R, 100, STR, STR, 0, 0 },
	{ "v=DMARC1; p=reject; adkim=S", 1, R, R, R, 100, STR, REL, 0, 0 },
	{ "v=DMARC1; p=reject; aspf=s; adkim=r", 1, R, R, R, 100, REL, STR, 0, 0 },
	{ "v=DMARC1; p=reject; adkim=x; aspf=strict", 1, R, R, R, 100, REL, REL, 0, 0 },
	/* t (DMARCbis testing flag) */
	{ "v=DMARC1; p=reject; t=y", 1, R, R, R, 100, REL, REL, 1, 0 },
	{ "v=DMARC1; p=reject; t=Y", 1, R, R, R, 100, REL, REL, 1, 0 },
	{ "v=DMARC1; p=reject; t=n", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p=reject; t=yes", 1, R, R, R, 100, REL, REL, 0, 0 },
	/* duplicates of known tags make the record invalid */
	{ "v=DMARC1; p=reject; p=none", BAD },
	{ "v=DMARC1; p=reject; P=reject", BAD },
	{ "v=DMARC1; p=reject; v=DMARC1", BAD },
	{ "v=DMARC1; p=reject; pct=50; pct=20", BAD },
	{ "v=DMARC1; p=reject; pct=bad; pct=20", BAD },
	/* unknown tags, empty segments and segments without "=" are ignored */
	{ "v=DMARC1; p=reject; foo=bar; psd=y", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; p=reject; foo=1; foo=2", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1;; p=reject;;", 1, R, R, R, 100, REL, REL, 0, 0 },
	{ "v=DMARC1; junk; p=reject", 1, R, R, R, 100, REL, REL, 0, 0 },
};

START_TEST(test_parse_table)
{
	struct dmarc_record rec;
	const char *error = NULL;
	const char *text = cases[_i].text;
	int rc = dmarc_record_parse(text, strlen(text), &rec, &error);

	if (!cases[_i].ok) {
		ck_assert_msg(rc == -1, "'%s' accepted", text);
		ck_assert_ptr_nonnull(error);
		ck_assert_ptr_null(rec.buf);
		dmarc_record_clear(&rec);
		return;
	}
	ck_assert_msg(rc == 0, "'%s' refused: %s", text, error ? error : "?");
	ck_assert_msg(rec.p == cases[_i].p && rec.sp == cases[_i].sp && rec.np == cases[_i].np,
		      "'%s': got p=%s sp=%s np=%s", text, dmarc_record_request_name(rec.p),
		      dmarc_record_request_name(rec.sp), dmarc_record_request_name(rec.np));
	ck_assert_uint_eq(rec.pct, cases[_i].pct);
	ck_assert_int_eq(rec.adkim, cases[_i].adkim);
	ck_assert_int_eq(rec.aspf, cases[_i].aspf);
	ck_assert_int_eq(rec.testing, cases[_i].testing);
	ck_assert_int_eq(rec.p_fallback, cases[_i].fallback == 1);
	/* a fallback record says nothing about p, sp or np having been valid */
	if (cases[_i].fallback == 1)
		ck_assert_uint_eq(rec.tags & (DMARC_TAG_P | DMARC_TAG_SP | DMARC_TAG_NP), 0);
	else if (cases[_i].fallback == ABSENT)
		ck_assert_uint_eq(rec.tags & DMARC_TAG_P, 0);
	else
		ck_assert(rec.tags & DMARC_TAG_P);
	dmarc_record_clear(&rec);
	ck_assert_ptr_null(rec.buf);
}
END_TEST

/* The report tags: raw strings kept, fo and ri validated. */
static const struct {
	const char *text;
	const char *rua, *ruf, *fo;
	uint32_t ri;
	unsigned rua_valid;
} report_cases[] = {
	{ "v=DMARC1; p=none", NULL, NULL, "0", 86400, 0 },
	{ "v=DMARC1; p=none; rua=mailto:a@example.com", "mailto:a@example.com", NULL, "0", 86400, 1 },
	{ "v=DMARC1; p=none; rua=mailto:a@example.com, mailto:b@example.net!10m ; ruf=mailto:f@example.com",
	  "mailto:a@example.com, mailto:b@example.net!10m", "mailto:f@example.com", "0", 86400, 2 },
	{ "v=DMARC1; p=none; rua=https://report.example/dmarc", "https://report.example/dmarc",
	  NULL, "0", 86400, 1 },
	{ "v=DMARC1; p=none; rua=mailto:a@example.com!10x", "mailto:a@example.com!10x", NULL, "0", 86400, 0 },
	{ "v=DMARC1; p=none; rua=mailto:a@example.com!", "mailto:a@example.com!", NULL, "0", 86400, 0 },
	{ "v=DMARC1; p=none; rua=", "", NULL, "0", 86400, 0 },
	{ "v=DMARC1; p=none; rua=mailto:", "mailto:", NULL, "0", 86400, 0 },
	{ "v=DMARC1; p=none; rua=a@example.com", "a@example.com", NULL, "0", 86400, 0 },
	{ "v=DMARC1; p=none; fo=1:d", NULL, NULL, "1:d", 86400, 0 },
	{ "v=DMARC1; p=none; fo=0 : s", NULL, NULL, "0 : s", 86400, 0 },
	{ "v=DMARC1; p=none; fo=D", NULL, NULL, "D", 86400, 0 },
	{ "v=DMARC1; p=none; fo=x", NULL, NULL, "0", 86400, 0 },
	{ "v=DMARC1; p=none; fo=1:x", NULL, NULL, "0", 86400, 0 },
	{ "v=DMARC1; p=none; fo=1:", NULL, NULL, "0", 86400, 0 },
	{ "v=DMARC1; p=none; fo=", NULL, NULL, "0", 86400, 0 },
	{ "v=DMARC1; p=none; ri=3600", NULL, NULL, "0", 3600, 0 },
	{ "v=DMARC1; p=none; ri=0", NULL, NULL, "0", 0, 0 },
	{ "v=DMARC1; p=none; ri=abc", NULL, NULL, "0", 86400, 0 },
	{ "v=DMARC1; p=none; ri=99999999999999", NULL, NULL, "0", 4294967295u, 0 },
};

START_TEST(test_report_tags)
{
	struct dmarc_record rec;
	const char *error = NULL;
	const char *text = report_cases[_i].text;

	ck_assert_msg(dmarc_record_parse(text, strlen(text), &rec, &error) == 0,
		      "'%s': %s", text, error ? error : "?");
	if (report_cases[_i].rua == NULL)
		ck_assert_ptr_null(rec.rua);
	else
		ck_assert_str_eq(rec.rua, report_cases[_i].rua);
	if (report_cases[_i].ruf == NULL)
		ck_assert_ptr_null(rec.ruf);
	else
		ck_assert_str_eq(rec.ruf, report_cases[_i].ruf);
	ck_assert_str_eq(rec.fo, report_cases[_i].fo);
	ck_assert_uint_eq(rec.ri, report_cases[_i].ri);
	ck_assert_uint_eq(rec.rua_valid, report_cases[_i].rua_valid);
	dmarc_record_clear(&rec);
}
END_TEST

/*
 * RFC 9989's new psd tag, and the tags it removed (pct, rf, ri): read so
 * a log can name them, never acted on.
 */
static const struct {
	const char *text;
	enum dmarc_psd psd;
	int psd_valid;
	const char *removed;	/* dmarc_record_removed_tags, or NULL */
} rfc9989_cases[] = {
	{ "v=DMARC1; p=none", DMARC_PSD_U, 0, NULL },
	{ "v=DMARC1; p=none; psd=y", DMARC_PSD_Y, 1, NULL },
	{ "v=DMARC1; p=none; psd=N", DMARC_PSD_N, 1, NULL },
	{ "v=DMARC1; p=none; psd=u", DMARC_PSD_U, 1, NULL },
	{ "v=DMARC1; psd=y", DMARC_PSD_Y, 1, NULL },		/* no p: p=none */
	{ "v=DMARC1; p=none; psd=yes", DMARC_PSD_U, 0, NULL },	/* bad value: default */
	{ "v=DMARC1; p=none; psd=", DMARC_PSD_U, 0, NULL },
	{ "v=DMARC1; p=reject; pct=50", DMARC_PSD_U, 0, "pct" },
	{ "v=DMARC1; p=reject; pct=bogus", DMARC_PSD_U, 0, "pct" },	/* present counts */
	{ "v=DMARC1; p=reject; rf=afrf", DMARC_PSD_U, 0, "rf" },
	{ "v=DMARC1; p=reject; ri=3600; pct=0", DMARC_PSD_U, 0, "pct,ri" },
	{ "v=DMARC1; p=reject; ri=x; rf=iodef; pct=100; psd=n", DMARC_PSD_N, 1, "pct,rf,ri" },
};

START_TEST(test_rfc9989_tags)
{
	struct dmarc_record rec;
	const char *error = NULL;
	const char *text = rfc9989_cases[_i].text;
	const char *removed;

	ck_assert_msg(dmarc_record_parse(text, strlen(text), &rec, &error) == 0,
		      "'%s': %s", text, error ? error : "?");
	ck_assert_msg(rec.psd == rfc9989_cases[_i].psd, "'%s': psd=%s", text,
		      dmarc_record_psd_name(rec.psd));
	ck_assert_int_eq((rec.tags & DMARC_TAG_PSD) != 0, rfc9989_cases[_i].psd_valid);
	removed = dmarc_record_removed_tags(rec.tags);
	if (rfc9989_cases[_i].removed == NULL)
		ck_assert_msg(removed == NULL, "'%s': removed %s", text, removed);
	else
		ck_assert_str_eq(removed, rfc9989_cases[_i].removed);
	dmarc_record_clear(&rec);
}
END_TEST

/* dmarc_record_is_dmarc - the filter discovery applies to TXT records */
static const struct {
	const char *text;
	int want;
} is_dmarc_cases[] = {
	{ "v=DMARC1", 1 },
	{ "v=DMARC1;", 1 },
	{ "v=DMARC1; p=none", 1 },
	{ "v=DMARC1 ", 1 },
	{ "v=DMARC1\tp=none", 1 },	/* a DMARC record, though an invalid one */
	{ "V=DMARC1", 1 },
	{ "v =\tDMARC1", 1 },
	{ "v=DMARC1x", 0 },
	{ "v=DMARC10", 0 },
	{ "v=DMARC", 0 },
	{ "v=dmarc1", 0 },
	{ "vv=DMARC1", 0 },
	{ " v=DMARC1", 0 },
	{ "v", 0 },
	{ "v=", 0 },
	{ "", 0 },
	{ "v=spf1 -all", 0 },
	{ "google-site-verification=abc", 0 },
};

START_TEST(test_is_dmarc)
{
	const char *text = is_dmarc_cases[_i].text;

	ck_assert_msg(dmarc_record_is_dmarc(text, strlen(text)) == is_dmarc_cases[_i].want,
		      "'%s'", text);
}
END_TEST

START_TEST(test_length_and_nul)
{
	static const char with_nul[] = "v=DMARC1; p=reject\0; sp=none";
	struct dmarc_record rec;
	const char *error = NULL;

	/* the length decides, not a terminating NUL */
	ck_assert_int_eq(dmarc_record_parse("v=DMARC1; p=reject; sp=none", 18, &rec, &error), 0);
	ck_assert_int_eq(rec.sp, DMARC_REQUEST_REJECT);
	dmarc_record_clear(&rec);
	ck_assert_int_eq(dmarc_record_parse(with_nul, sizeof(with_nul) - 1, &rec, &error), -1);
	ck_assert_str_eq(error, "NUL byte in DMARC record");
	dmarc_record_clear(&rec);
	dmarc_record_clear(&rec);	/* twice is harmless */
}
END_TEST

START_TEST(test_long_record)
{
	char text[4096];
	struct dmarc_record rec;
	const char *error = NULL;
	int n = snprintf(text, sizeof(text), "v=DMARC1; p=quarantine; rua=");

	for (int i = 0; i < 100; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%smailto:r%d@example.com",
			      i ? "," : "", i);
	ck_assert_int_eq(dmarc_record_parse(text, (size_t)n, &rec, &error), 0);
	ck_assert_uint_eq(rec.rua_valid, 100);
	ck_assert_int_eq(rec.p, DMARC_REQUEST_QUARANTINE);
	dmarc_record_clear(&rec);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dmarc_record");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_parse_table, 0, TEST_ROWS(cases));
	tcase_add_loop_test(tc, test_report_tags, 0, TEST_ROWS(report_cases));
	tcase_add_loop_test(tc, test_rfc9989_tags, 0, TEST_ROWS(rfc9989_cases));
	tcase_add_loop_test(tc, test_is_dmarc, 0, TEST_ROWS(is_dmarc_cases));
	tcase_add_test(tc, test_length_and_nul);
	tcase_add_test(tc, test_long_record);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
