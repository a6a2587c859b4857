/*
 * test_dmarc_record_crosscheck - our DMARC record parser beside
 * libopendmarc 1.4.2's (opendmarc_policy_store_dmarc and the fetch_*
 * calls). On well-formed records both must read the same p, sp, pct,
 * adkim and aspf; where RFC 7489 and libopendmarc part ways, the rows pin
 * what each does, so a library update that changes behaviour shows up
 * here. These rows are why the evaluation uses our parser.
 */
#include <opendmarc/dmarc.h>
#include <string.h>

#include "dmarc_record.h"
#include "test_main.h"

enum agree { AGREE, LIB_ACCEPTS_WE_REFUSE, WE_FALL_BACK_LIB_REFUSES, LIB_KEEPS_BAD_PCT };

static const struct {
	const char *record;
	enum agree kind;
	int p, sp;		/* libopendmarc's letters: 'n', 'q', 'r' */
	int pct;
	int adkim, aspf;	/* 'r' or 's' */
} cases[] = {
	{ "v=DMARC1; p=none", AGREE, 'n', 'n', 100, 'r', 'r' },
	{ "v=DMARC1; p=reject; sp=quarantine; pct=50; adkim=s; aspf=r", AGREE,
	  'r', 'q', 50, 's', 'r' },
	{ "v=DMARC1;p=quarantine;pct=0", AGREE, 'q', 'q', 0, 'r', 'r' },
	{ "v=DMARC1; p=reject; rua=mailto:dmarc@example.org; ruf=mailto:f@example.org", AGREE,
	  'r', 'r', 100, 'r', 'r' },
	{ "v=DMARC1 ; p = reject ; aspf = s", AGREE, 'r', 'r', 100, 'r', 's' },
	{ "v=DMARC1; p=none; sp=reject; fo=1; ri=3600", AGREE, 'n', 'r', 100, 'r', 'r' },
	/* RFC 7489 6.3: the value DMARC1 is case-sensitive; libopendmarc takes any case */
	{ "v=dmarc1; p=reject", LIB_ACCEPTS_WE_REFUSE, 'r', 'r', 100, 'r', 'r' },
	/* RFC 7489 6.6.3: a bad p with a valid rua is p=none; libopendmarc refuses */
	{ "v=DMARC1; p=bogus; rua=mailto:dmarc@example.org", WE_FALL_BACK_LIB_REFUSES,
	  0, 0, 0, 0, 0 },
	/* pct over 100: we ignore the tag (100); libopendmarc errs yet keeps 150 */
	{ "v=DMARC1; p=reject; pct=150", LIB_KEEPS_BAD_PCT, 'r', 'r', 150, 'r', 'r' },
};

static OPENDMARC_LIB_T lib;

static void
lib_up(void)
{
	memset(&lib, 0, sizeof(lib));
	lib.tld_type = OPENDMARC_TLD_TYPE_NONE;
	ck_assert_int_eq(opendmarc_policy_library_init(&lib), DMARC_PARSE_OKAY);
}

static void
lib_down(void)
{
	opendmarc_policy_library_shutdown(&lib);
}

static int
our_letter(enum dmarc_request r)
{
	return r == DMARC_REQUEST_NONE ? 'n' : r == DMARC_REQUEST_QUARANTINE ? 'q'
	    : r == DMARC_REQUEST_REJECT ? 'r' : 0;
}

START_TEST(test_crosscheck)
{
	DMARC_POLICY_T *pctx = opendmarc_policy_connect_init((u_char *)"192.0.2.1", 0);
	struct dmarc_record rec;
	const char *error = NULL;
	const char *text = cases[_i].record;
	int lib_status, ours, p = 0, sp = 0, pct = 0, adkim = 0, aspf = 0;

	ck_assert_ptr_nonnull(pctx);
	memset(&rec, 0, sizeof(rec));
	lib_status = opendmarc_policy_store_dmarc(pctx, (u_char *)text, (u_char *)"example.org",
						  (u_char *)"example.org");
	opendmarc_policy_fetch_p(pctx, &p);
	opendmarc_policy_fetch_sp(pctx, &sp);
	opendmarc_policy_fetch_pct(pctx, &pct);
	opendmarc_policy_fetch_adkim(pctx, &adkim);
	opendmarc_policy_fetch_aspf(pctx, &aspf);
	ours = dmarc_record_parse(text, strlen(text), &rec, &error);

	switch (cases[_i].kind) {
	case AGREE:
		ck_assert_msg(lib_status == DMARC_PARSE_OKAY && ours == 0, "%s: lib %d ours %d (%s)",
			      text, lib_status, ours, error ? error : "");
		ck_assert_int_eq(p, cases[_i].p);
		ck_assert_int_eq(our_letter(rec.p), cases[_i].p);
		/* libopendmarc leaves sp unset when absent; ours defaults it to p */
		ck_assert_int_eq(our_letter(rec.sp), cases[_i].sp);
		if (sp != 0)
			ck_assert_int_eq(sp, cases[_i].sp);
		ck_assert_int_eq(pct, cases[_i].pct);
		ck_assert_uint_eq(rec.pct, (unsigned)cases[_i].pct);
		ck_assert_int_eq(rec.adkim == ALIGN_STRICT ? 's' : 'r', cases[_i].adkim);
		ck_assert_int_eq(rec.aspf == ALIGN_STRICT ? 's' : 'r', cases[_i].aspf);
		if (adkim != 0)
			ck_assert_int_eq(adkim, cases[_i].adkim);
		if (aspf != 0)
			ck_assert_int_eq(aspf, cases[_i].aspf);
		break;
	case LIB_ACCEPTS_WE_REFUSE:
		ck_assert_msg(lib_status == DMARC_PARSE_OKAY, "%s: libopendmarc now refuses", text);
		ck_assert_int_eq(p, cases[_i].p);
		ck_assert_int_eq(ours, -1);
		break;
	case WE_FALL_BACK_LIB_REFUSES:
		ck_assert_msg(lib_status != DMARC_PARSE_OKAY, "%s: libopendmarc now accepts", text);
		ck_assert_int_eq(ours, 0);
		ck_assert_int_eq(rec.p, DMARC_REQUEST_NONE);
		ck_assert(rec.p_fallback);
		break;
	case LIB_KEEPS_BAD_PCT:
		ck_assert_msg(lib_status != DMARC_PARSE_OKAY, "%s: libopendmarc now accepts", text);
		ck_assert_int_eq(pct, cases[_i].pct);
		ck_assert_int_eq(ours, 0);
		ck_assert_uint_eq(rec.pct, 100);
		break;
	}
	dmarc_record_clear(&rec);
	opendmarc_policy_connect_shutdown(pctx);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dmarc_record_crosscheck");
	TCase *tc = tcase_create("libopendmarc");

	tcase_add_unchecked_fixture(tc, lib_up, lib_down);
	tcase_add_loop_test(tc, test_crosscheck, 0, TEST_ROWS(cases));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
