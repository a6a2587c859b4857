/*
 * test_arc_aar - reading the results an ARC-Authentication-Results field
 * records: one row per payload, with every method=result and the
 * properties the forwarder rules read. Comments, quoted values, method
 * versions, "none", unknown methods (Gmail's dara=), reason= and noise
 * must come out right; a property too long for the bounds drops its
 * whole result, never a truncated domain.
 */
#include <stdio.h>
#include <string.h>

#include "arc_aar.h"
#include "test_main.h"

static const struct {
	const char *what, *payload;
	const char *want;	/* "method=result[ prop=value...];..." as read */
} rows[] = {
	{ "Gmail-like with dara=",
	  " mx.google.com; dkim=pass header.i=@none.example header.s=s1 header.b=Ab12;"
	  "\r\n       spf=pass (google.com: domain of x@none.example designates 192.0.2.1 as"
	  " permitted sender) smtp.mailfrom=x@none.example;\r\n       dmarc=pass (p=NONE"
	  " sp=NONE dis=NONE) header.from=none.example; dara=pass header.i=@none.example",
	  "dkim=pass header.i=@none.example header.s=s1 header.b=Ab12;"
	  "spf=pass smtp.mailfrom=x@none.example;"
	  "dmarc=pass header.from=none.example;dara=pass header.i=@none.example;" },
	{ "authserv-id with a version, method versions, upper case",
	  " lists.example 1; DKIM/1=PASS Header.D=None.Example; spf/2 = fail smtp.mailfrom=a@b",
	  "dkim=pass header.d=None.Example;spf=fail smtp.mailfrom=a@b;" },
	{ "none", " lists.example; none", "" },
	{ "only the id", " lists.example", "" },
	{ "empty", "", "" },
	{ "quoted value and a comment with ';' inside",
	  " x.example; dmarc=pass (a; b) header.from=\"none.example\"; arc=none",
	  "dmarc=pass header.from=none.example;arc=none;" },
	{ "reason= and policy words are not properties",
	  " x.example; dmarc=fail reason=\"forged\" policy.dmarc=reject header.from=a.example",
	  "dmarc=fail policy.dmarc=reject header.from=a.example;" },
	{ "a result without '=' is skipped, the next one read",
	  " x.example; garbage; spf=pass smtp.mailfrom=a.example",
	  "spf=pass smtp.mailfrom=a.example;" },
	{ "unbalanced comment eats the rest", " x.example; dmarc=pass (oops header.from=a",
	  "dmarc=pass;" },
	{ "too many properties: the result is dropped",
	  " x.example; dkim=pass a.a=1 b.b=2 c.c=3 d.d=4 e.e=5 f.f=6 g.g=7 h.h=8 i.i=9;"
	  " spf=pass smtp.mailfrom=ok.example",
	  "spf=pass smtp.mailfrom=ok.example;" },
};

START_TEST(test_read)
{
	struct arc_aar_iter it;
	struct arc_aar_entry e;
	char got[2048] = "";
	size_t n = 0;

	arc_aar_begin(&it, rows[_i].payload, strlen(rows[_i].payload));
	while (arc_aar_next(&it, &e)) {
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s=%s", e.method, e.result);
		for (size_t p = 0; p < e.nprops; p++)
			n += (size_t)snprintf(got + n, sizeof(got) - n, " %s=%s", e.props[p].name,
					      e.props[p].value);
		n += (size_t)snprintf(got + n, sizeof(got) - n, ";");
		ck_assert_uint_lt(n, sizeof(got));
	}
	ck_assert_msg(strcmp(got, rows[_i].want) == 0, "%s:\ngot  [%s]\nwant [%s]", rows[_i].what,
		      got, rows[_i].want);
}
END_TEST

START_TEST(test_prop)
{
	struct arc_aar_iter it;
	struct arc_aar_entry e;
	const char *p = " x; dmarc=pass header.from=a.example smtp.mailfrom=b.example";

	arc_aar_begin(&it, p, strlen(p));
	ck_assert_int_eq(arc_aar_next(&it, &e), 1);
	ck_assert_str_eq(arc_aar_prop(&e, "header.from"), "a.example");
	ck_assert_str_eq(arc_aar_prop(&e, "smtp.mailfrom"), "b.example");
	ck_assert_ptr_null(arc_aar_prop(&e, "header.d"));
	ck_assert_int_eq(arc_aar_next(&it, &e), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("arc_aar");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_read, 0, TEST_ROWS(rows));
	tcase_add_test(tc, test_prop);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
