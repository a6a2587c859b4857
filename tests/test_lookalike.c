/*
 * test_lookalike - look-alike senders against one protected set: a table
 * of look-alike From headers (homoglyphs in Cyrillic, Greek and Armenian,
 * rn/m, vv/w, 0/o, 1/l, inserted, dropped and swapped letters and
 * hyphens, suffix swaps, embedded names, U-label and A-label forms,
 * display names plain and RFC 2047-encoded), each with the check and the
 * protected domain it must name; controls that must stay quiet
 * (unrelated names, the protected domains and their subdomains, short
 * labels, allowed names); recipient domains protected per message; and
 * bad input, which must give "none" with a problem and never a claim.
 *
 * Each From value goes through from_header_parse (the author domain in
 * A-labels, as the engine gets it) and display_name_extract, as in
 * lib/engine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "display_name.h"
#include "from_header.h"
#include "lookalike.h"
#include "test_main.h"

#define PROTECTED "bank.example gov.example paypal.com microsoft.com apple.com " \
	"amazon.co.uk wellsfargo.com think-tank.org universite.fr ministry.gov.uk " \
	"google.com mybank.com"
#define ALLOWED "banks.example, mikrosoft.com"

static struct orgdomain *od;
static struct lookalike_set *set;

static void
setup(void)
{
	const char *error = NULL;
	char why[256];

	od = orgdomain_new(NULL, &error);
	ck_assert_msg(od != NULL, "%s", error);
	set = lookalike_set_new(od, &error);
	ck_assert_msg(set != NULL, "%s", error);
	ck_assert_msg(lookalike_set_protect(set, PROTECTED, why, sizeof(why)) == 0, "%s", why);
	ck_assert_msg(lookalike_set_allow(set, ALLOWED, why, sizeof(why)) == 0, "%s", why);
}

static void
teardown(void)
{
	lookalike_set_free(&set);
	orgdomain_free(&od);
}

static const struct {
	const char *from;	/* From header value */
	const char *kind;
	const char *of;
} lookalikes[] = {
	/* homoglyphs: skeletons equal, labels not */
	{ "x@b\xd0\xb0nk.example", "homoglyph", "bank.example" },	/* Cyrillic a */
	{ "x@xn--bnk-6cd.example", "homoglyph", "bank.example" },	/* same, A-label */
	{ "x@XN--BNK-6CD.example", "homoglyph", "bank.example" },
	{ "x@b\xd0\xb0nk.com", "homoglyph", "bank.example" },	/* and another suffix */
	{ "x@g0v.example", "homoglyph", "gov.example" },
	{ "x@g\xd0\xbev.example", "homoglyph", "gov.example" },	/* Cyrillic o */
	{ "x@xn--gv-fmc.example", "homoglyph", "gov.example" },
	{ "x@g\xce\xbfv.example", "homoglyph", "gov.example" },	/* Greek omicron */
	{ "x@xn--gv-jbc.example", "homoglyph", "gov.example" },
	{ "x@g\xd6\x85v.example", "homoglyph", "gov.example" },	/* Armenian oh */
	{ "x@xn--gv-gfd.example", "homoglyph", "gov.example" },
	{ "x@rnicrosoft.com", "homoglyph", "microsoft.com" },	/* rn for m */
	{ "x@vvellsfargo.com", "homoglyph", "wellsfargo.com" },	/* vv for w */
	{ "x@paypa1.com", "homoglyph", "paypal.com" },		/* 1 for l */
	{ "x@m\xd1\x96" "crosoft.com", "homoglyph", "microsoft.com" },	/* Cyrillic i */
	{ "x@xn--mcrosoft-thh.com", "homoglyph", "microsoft.com" },
	{ "x@app1e.com", "homoglyph", "apple.com" },
	{ "x@arnazon.co.uk", "homoglyph", "amazon.co.uk" },
	{ "x@\xd0\xb0mazon.co.uk", "homoglyph", "amazon.co.uk" },
	{ "x@xn--mazon-3ve.co.uk", "homoglyph", "amazon.co.uk" },
	{ "x@g00gle.com", "homoglyph", "google.com" },
	{ "x@goog1e.com", "homoglyph", "google.com" },
	{ "x@m\xd1\x83" "bank.com", "homoglyph", "mybank.com" },	/* Cyrillic u */
	{ "x@xn--mbank-eze.com", "homoglyph", "mybank.com" },
	{ "x@micros\xd0\xbe" "ft.com", "homoglyph", "microsoft.com" },
	{ "x@xn--microsft-sbh.com", "homoglyph", "microsoft.com" },
	{ "x@wellsfarg0.com", "homoglyph", "wellsfargo.com" },
	{ "x@rnybank.com", "homoglyph", "mybank.com" },
	{ "x@\xce\xb1pple.com", "homoglyph", "apple.com" },	/* Greek alpha */
	{ "x@\xd6\x81oogle.com", "homoglyph", "google.com" },	/* Armenian co */
	/* typos: distance 1, labels of 4 or more */
	{ "x@banc.example", "typo", "bank.example" },
	{ "x@bnak.example", "typo", "bank.example" },
	{ "x@bank1.example", "typo", "bank.example" },
	{ "x@bakn.example", "typo", "bank.example" },
	{ "x@bannk.example", "typo", "bank.example" },
	{ "x@paypl.com", "typo", "paypal.com" },
	{ "x@paypall.com", "typo", "paypal.com" },
	{ "x@aypal.com", "typo", "paypal.com" },
	{ "x@micosoft.com", "typo", "microsoft.com" },
	{ "x@microsfot.com", "typo", "microsoft.com" },
	{ "x@mircosoft.com", "typo", "microsoft.com" },
	{ "x@think-tnak.org", "typo", "think-tank.org" },
	{ "x@thinktank.org", "typo", "think-tank.org" },	/* dropped hyphen */
	{ "x@think--tank.org", "typo", "think-tank.org" },	/* inserted hyphen */
	{ "x@think-tanks.org", "typo", "think-tank.org" },
	{ "x@universitee.fr", "typo", "universite.fr" },
	{ "x@universit.fr", "typo", "universite.fr" },
	{ "x@wells-fargo.com", "typo", "wellsfargo.com" },
	{ "x@my-bank.com", "typo", "mybank.com" },
	{ "x@amazom.co.uk", "typo", "amazon.co.uk" },
	{ "x@gogle.com", "typo", "google.com" },
	{ "x@googel.com", "typo", "google.com" },
	{ "x@bnak.com", "typo", "bank.example" },		/* typo and another suffix */
	{ "x@ministyr.gov.uk", "typo", "ministry.gov.uk" },
	/* suffix swaps */
	{ "x@bank.com", "suffix", "bank.example" },
	{ "x@bank.co.uk", "suffix", "bank.example" },
	{ "x@paypal.co.uk", "suffix", "paypal.com" },
	{ "x@paypal.net", "suffix", "paypal.com" },
	{ "x@microsoft.de", "suffix", "microsoft.com" },
	{ "x@gov.test", "suffix", "gov.example" },
	{ "x@mail.wellsfargo.org", "suffix", "wellsfargo.com" },
	{ "x@ministry.gov.au", "suffix", "ministry.gov.uk" },
	/* embedded */
	{ "x@bank.example.attacker.example", "embedded", "bank.example" },
	{ "x@paypal.com.secure-login.net", "embedded", "paypal.com" },
	{ "x@login.microsoft.com.evil.org", "embedded", "microsoft.com" },
	{ "x@amazon.co.uk.deals.com", "embedded", "amazon.co.uk" },
	{ "x@www.google.com.attacker.example", "embedded", "google.com" },
	/* display names */
	{ "\"ceo@bank.example\" <x@attacker.example>", "display-name", "bank.example" },
	{ "\"gov.example Press Office\" <x@attacker.example>", "display-name", "gov.example" },
	{ "=?utf-8?b?Y2VvQGJhbmsuZXhhbXBsZQ==?= <x@attacker.example>", "display-name",
	  "bank.example" },
	{ "=?UTF-8?Q?PayPal_Service_=3Cservice=40paypal.com=3E?= <x@attacker.example>",
	  "display-name", "paypal.com" },
	{ "Support (support@microsoft.com) <x@attacker.example>", "display-name",
	  "microsoft.com" },
	{ "x@attacker.example (paypal.com security)", "display-name", "paypal.com" },
	{ "=?iso-8859-1?q?S=E9curit=E9_universite.fr?= <x@attacker.example>", "display-name",
	  "universite.fr" },
	{ "=?utf-8?b?U3VwcG9ydCDvvYLvvYHvvY7vvYsuZXhhbXBsZQ==?= <x@attacker.example>",
	  "display-name", "bank.example" },	/* fullwidth letters */
	{ "WWW.PAYPAL.COM <x@attacker.example>", "display-name", "paypal.com" },
	{ "=?utf-8?q?bank?= =?utf-8?q?.example?= <x@attacker.example>", "display-name",
	  "bank.example" },	/* split over two words */
	{ "\"IT desk, mail.bank.example.\" <x@attacker.example>", "display-name",
	  "bank.example" },
	{ "\"b\xd0\xb0nk.example Support\" <x@attacker.example>", "display-name",
	  "bank.example" },	/* a homoglyph in the display name */
	{ "=?utf-8?q?Press_g0v.example?= <x@attacker.example>", "display-name",
	  "gov.example" },
	{ "\"ceo@xn--bnk-6cd.com\" <x@attacker.example>", "display-name", "bank.example" },
	/* controls: nothing to claim */
	{ "x@bank.example", "none", "" },
	{ "x@mail.bank.example", "none", "" },
	{ "x@attacker.example", "none", "" },
	{ "x@gov.example", "none", "" },
	{ "x@news.gov.example", "none", "" },
	{ "x@example.org", "none", "" },
	{ "x@gox.example", "none", "" },		/* distance 1, but 3 letters */
	{ "x@gv.example", "none", "" },
	{ "x@ban.example", "none", "" },
	{ "x@banks.example", "none", "" },		/* allowed */
	{ "x@mikrosoft.com", "none", "" },		/* allowed */
	{ "x@news.mikrosoft.com", "none", "" },		/* allowed by registrable domain */
	{ "x@paypalmail.com", "none", "" },
	{ "x@apples-and-pears.com", "none", "" },
	{ "\"Bank Example Team\" <x@attacker.example>", "none", "" },
	{ "\"Fred\" <fred@bank.example>", "none", "" },
	{ "\"ceo@bank.example\" <ceo@mail.bank.example>", "none", "" },
	{ "\"support@banks.example\" <x@attacker.example>", "none", "" },
	{ "x@bankexample.com", "none", "" },
	{ "x@ministry.gov.uk", "none", "" },
	{ "x@foo.gov.uk", "none", "" },
	{ "x@gmail.com", "none", "" },
	{ "x@xn--d1acpjx3f.com", "none", "" },
	{ "x@paypal.com", "none", "" },
	{ "=?utf-8?q?Caf=C3=A9?= <x@attacker.example>", "none", "" },
	{ "\"Quarterly report.pdf\" <x@attacker.example>", "none", "" },
	{ "x@amazon.com.example", "none", "" },	/* not amazon.co.uk */
	{ "\"Our b\xd0\xb0nk team\" <x@attacker.example>", "none", "" },	/* no name */
	{ "\"b\xd0\xb0nk.example\" <x@b\xd0\xb0nk.example>", "homoglyph", "bank.example" },
	{ "\"gov.example\" <press@gov.example>", "none", "" },
	{ "\"g0v.example\" <press@gov.example>", "none", "" },	/* aligned From */
};

START_TEST(test_pairs)
{
	struct from_parse_result from;
	char name[DISPLAY_NAME_SIZE];
	const char *problem = NULL, *value = lookalikes[_i].from;
	struct lookalike_result r;
	struct lookalike_input in = { 0 };

	ck_assert_msg(from_header_parse(value, strlen(value), &from) == 0, "%s: %s", value,
		      from.reason);
	if (display_name_extract(value, strlen(value), name, sizeof(name), &problem) < 0)
		in.display_problem = problem;
	in.from_domain = from.domain;
	in.display_name = name;
	lookalike_check(set, &in, &r);
	ck_assert_msg(strcmp(lookalike_kind_name(r.kind), lookalikes[_i].kind) == 0,
		      "%s: got %s (of %s), want %s", value, lookalike_kind_name(r.kind),
		      r.protected_domain, lookalikes[_i].kind);
	ck_assert_str_eq(r.protected_domain, lookalikes[_i].of);
	ck_assert_ptr_null(r.problem);
}
END_TEST

/* recipient domains are protected for their message only */
static const struct {
	const char *from, *display;
	const char *rcpt[3];
	const char *kind, *of;
} recipients[] = {
	{ "acme-c0rp.example", NULL, { "acme-corp.example" }, "homoglyph", "acme-corp.example" },
	{ "acme-crop.example", NULL, { "acme-corp.example" }, "typo", "acme-corp.example" },
	{ "acme-corp.net", NULL, { "acme-corp.example" }, "suffix", "acme-corp.example" },
	{ "acme-corp.example.evil.example", NULL, { "x.example", "acme-corp.example" },
	  "embedded", "acme-corp.example" },
	{ "evil.example", "ceo@acme-corp.example", { "acme-corp.example" }, "display-name",
	  "acme-corp.example" },
	{ "evil.example", "Billing acme-c0rp.example", { "acme-corp.example" }, "display-name",
	  "acme-corp.example" },
	{ "mail.acme-corp.example", NULL, { "acme-corp.example" }, "none", "" },
	{ "acme-crop.example", NULL, { "bad..name", "acme-corp.example" }, "typo",
	  "acme-corp.example" },
	{ "acme-crop.example", NULL, { NULL }, "none", "" },
	/* a configured domain wins over a recipient domain of the same kind */
	{ "banc.example", NULL, { "banc.test" }, "typo", "bank.example" },
	{ "bank.com", NULL, { "bank.net" }, "suffix", "bank.example" },
};

START_TEST(test_recipients)
{
	struct lookalike_result r;
	size_t n = 0;
	struct lookalike_input in = {
		.from_domain = recipients[_i].from,
		.display_name = recipients[_i].display,
		.extra = recipients[_i].rcpt,
	};

	while (n < 3 && recipients[_i].rcpt[n] != NULL)
		n++;
	in.extra_count = n;
	lookalike_check(set, &in, &r);
	ck_assert_str_eq(lookalike_kind_name(r.kind), recipients[_i].kind);
	ck_assert_str_eq(r.protected_domain, recipients[_i].of);
}
END_TEST

/* bad input: a clear "none", with a problem when a part could not be checked */
static const struct {
	const char *domain, *display, *display_problem;
	const char *problem;
} bad[] = {
	{ "xn--zz.example", NULL, NULL, "invalid-a-label" },
	{ "xn--bnk-6cd0.example", NULL, NULL, "invalid-a-label" },
	{ "xn--.example", NULL, NULL, "invalid-a-label" },
	{ "", NULL, NULL, "invalid-domain" },
	{ NULL, NULL, NULL, "invalid-domain" },
	{ "com", NULL, NULL, "no-registrable-domain" },
	{ "co.uk", NULL, NULL, "no-registrable-domain" },
	{ "192.0.2.1", NULL, NULL, "no-registrable-domain" },
	{ "bank..example", NULL, NULL, "no-registrable-domain" },
	{ "ba nk.example", NULL, NULL, "no-registrable-domain" },
	{ "\xff\xfe.example", NULL, NULL, "invalid-domain" },
	{ "attacker.example", "ceo@bank.example", "broken-encoded-word", "broken-encoded-word" },
	{ "attacker.example", "", "nul-byte", "nul-byte" },
	{ "attacker.example", "\xff" " bank.example", NULL, "invalid-utf8" },
	{ "attacker.example", "bank.example \xc0\xaf", NULL, "invalid-utf8" },
};

START_TEST(test_bad_input)
{
	struct lookalike_result r;
	struct lookalike_input in = {
		.from_domain = bad[_i].domain,
		.display_name = bad[_i].display,
		.display_problem = bad[_i].display_problem,
	};

	ck_assert_int_eq(lookalike_check(set, &in, &r), LOOKALIKE_NONE);
	ck_assert_str_eq(r.protected_domain, "");
	ck_assert_ptr_nonnull(r.problem);
	ck_assert_str_eq(r.problem, bad[_i].problem);
}
END_TEST

START_TEST(test_overlong)
{
	char name[2048];
	struct lookalike_result r;
	struct lookalike_input in = { .from_domain = name };

	/* 63-octet labels: 4 make 255 octets, past the 253 of a host name */
	for (size_t n = 300; n < sizeof(name); n += 700) {
		memset(name, 'a', n);
		for (size_t i = 63; i < n; i += 64)
			name[i] = '.';
		memcpy(name + n - 8, ".example", 9);
		ck_assert_int_eq(lookalike_check(set, &in, &r), LOOKALIKE_NONE);
		ck_assert_str_eq(r.problem, "overlong-domain");
	}
}
END_TEST

static const struct {
	const char *text, *error;
} bad_config[] = {
	{ "bank.example com", "com: no-registrable-domain" },
	{ "bank..example", "bank..example: no-registrable-domain" },
	{ "xn--zz.example", "xn--zz.example: invalid-a-label" },
	{ "\xff.example", "\xff.example: invalid-domain" },
};

START_TEST(test_bad_config)
{
	char why[256] = "";

	ck_assert_int_eq(lookalike_set_protect(set, bad_config[_i].text, why, sizeof(why)), -1);
	ck_assert_str_eq(why, bad_config[_i].error);
}
END_TEST

START_TEST(test_counts)
{
	char why[256];

	ck_assert_uint_eq(lookalike_set_count(set), 12);
	/* duplicates, other spellings and comments add nothing */
	ck_assert_int_eq(lookalike_set_protect(set, "BANK.example. # the bank\nbank.example,"
					       " gov.example", why, sizeof(why)), 0);
	ck_assert_uint_eq(lookalike_set_count(set), 12);
	ck_assert_int_eq(lookalike_set_protect(set, "b\xd0\xb0nk.test", why, sizeof(why)), 0);
	ck_assert_uint_eq(lookalike_set_count(set), 13);
	ck_assert_uint_gt(lookalike_set_memory(set), 1000);
	ck_assert_uint_lt(lookalike_set_memory(set), 1000000);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("lookalike");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_pairs, 0, TEST_ROWS(lookalikes));
	tcase_add_loop_test(tc, test_recipients, 0, TEST_ROWS(recipients));
	tcase_add_loop_test(tc, test_bad_input, 0, TEST_ROWS(bad));
	tcase_add_test(tc, test_overlong);
	tcase_add_loop_test(tc, test_bad_config, 0, TEST_ROWS(bad_config));
	tcase_add_test(tc, test_counts);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
