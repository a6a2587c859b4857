/*
 * test_spf_record - the RFC 7208 section 12 record checker (spf_record)
 * and the text libspf2 is given for a checked record (spf_rewrite). Each
 * row of the checker's table is a fact of RFC 7208, with its section.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "spf_record.h"
#include "spf_rewrite.h"
#include "test_main.h"

static const struct {
	const char *record;
	int valid;
	const char *section;
} check_cases[] = {
	/* records that are fine */
	{ "v=spf1", 1, "4.5: a record without terms" },
	{ "V=SpF1 -ALL", 1, "4.6.1: names are case-insensitive" },
	{ "v=spf1 a  -all", 1, "12: terms = *( 1*SP ...)" },
	{ "v=spf1 -all ", 1, "12: record = version terms *SP" },
	{ "v=spf1 +a -mx ~ptr ?all", 1, "4.6.2: qualifiers" },
	{ "v=spf1 a/0 -all", 1, "12: ip4-cidr-length may be 0" },
	{ "v=spf1 a//0 mx/24//64 mx:example.com/0", 1, "5.6: dual-cidr-length" },
	{ "v=spf1 ip4:192.0.2.1/0 ip4:192.0.2.0/24", 1, "5.6: ip4-network" },
	{ "v=spf1 ip6:::1.1.1.1/0 ip6:2001:db8::/32 ip6:::1", 1, "5.6: ip6-network" },
	{ "v=spf1 ptr ptr:example.com", 1, "5.5" },
	{ "v=spf1 include:example.com. -all", 1, "12: domain-end may end in '.'" },
	{ "v=spf1 a:foo.123-4", 1, "12: toplabel with an inner '-'" },
	{ "v=spf1 a:%{d}", 1, "12: domain-end may be a macro-expand" },
	{ "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d}", 1, "7.4: the example" },
	{ "v=spf1 exists:%{i}.%{v}.%{h}.%{o}.%{s}.%{l}.%{p}.example.com", 1, "7.3: letters" },
	{ "v=spf1 a:%{D2}.example.com", 1, "7.3: URL-escaping capitals" },
	{ "v=spf1 a:macro%%percent%_%_space%-url-space.example.com", 1, "7.2: escapes" },
	{ "v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all", 1, "12: name = ALPHA *( ALPHA / DIGIT / - / _ / . )" },
	{ "v=spf1 foo=", 1, "12: unknown-modifier value is a macro-string, may be empty" },
	{ "v=spf1 redirect=_spf.example.com", 1, "6.1" },
	{ "v=spf1 -all exp=explain._spf.%{d}", 1, "6.2" },
	{ "v=spf1 redirect=a.example.com ~all", 1, "6.1: redirect before mechanisms" },

	/* records that are permerror */
	{ "v=spf10", 0, "4.5: version ends at a space" },
	{ "v=spf1x -all", 0, "4.5" },
	{ "v=spf1 a:foo-bar -all", 0, "12: domain-end needs '.' toplabel" },
	{ "v=spf1 a:abc.123", 0, "12: an all-digit toplabel" },
	{ "v=spf1 a:111.222.33.44", 0, "12: an address is no domain-spec" },
	{ "v=spf1 a:example.-com", 0, "12: toplabel starts with '-'" },
	{ "v=spf1 a:museum", 0, "12: a single label" },
	{ "v=spf1 a:museum.", 0, "12: a single label with a dot" },
	{ "v=spf1 a:", 0, "5.3: empty domain-spec" },
	{ "v=spf1 mx: -all", 0, "5.4: empty domain-spec" },
	{ "v=spf1 ptr:", 0, "5.5: empty domain-spec" },
	{ "v=spf1 exists:", 0, "5.7: empty domain-spec" },
	{ "v=spf1 include", 0, "5.2: include needs a domain-spec" },
	{ "v=spf1 a:example.com:8080", 0, "12: toplabel" },
	{ "v=spf1 mx:example.com:8080", 0, "12: toplabel" },
	{ "v=spf1 exists:mail.example.com/24", 0, "5.7: exists has no CIDR length" },
	{ "v=spf1 ip4:1.2.3.4/032 -all", 0, "12: no leading zero in a prefix length" },
	{ "v=spf1 a/00", 0, "12: no leading zero in a prefix length" },
	{ "v=spf1 ip4:1.2.3.4/33", 0, "12: 0-32" },
	{ "v=spf1 ip6:::1/129", 0, "12: 0-128" },
	{ "v=spf1 a//129", 0, "12: 0-128" },
	{ "v=spf1 a/33", 0, "12: 0-32" },
	{ "v=spf1 ip4:1.2.3", 0, "12: ip4-network" },
	{ "v=spf1 ip4:01.2.3.4", 0, "12: qnum has no leading zero" },
	{ "v=spf1 ip4:", 0, "12: ip4-network" },
	{ "v=spf1 ip6:1.2.3.4", 0, "12: ip6-network" },
	{ "v=spf1 -all.", 0, "5.1: all takes no argument" },
	{ "v=spf1 -all:foobar", 0, "5.1" },
	{ "v=spf1 -all/8", 0, "5.1" },
	{ "v=spf1 ip4:1.2.3.4 redirect:t2.example.com", 0, "6.1: redirect is a modifier" },
	{ "v=spf1 foo", 0, "4.6.1: unknown mechanism" },
	{ "v=spf1 _foo=bar", 0, "12: a modifier name starts with a letter" },
	{ "v=spf1 redirect=e.example.com -all redirect=e.example.com", 0, "6: at most once" },
	{ "v=spf1 exp=a.example.com -all exp=b.example.com", 0, "6: at most once" },
	{ "v=spf1 exp= -all", 0, "6.2: empty domain-spec" },
	{ "v=spf1 ?all redirect=", 0, "6.1: empty domain-spec" },
	{ "v=spf1 exp=-all", 0, "6.2: not a domain-spec" },
	{ "v=spf1 -all foo=%abc", 0, "7.1: '%' then a bad character" },
	{ "v=spf1 -all exp=%{r}.example.com", 0, "7.3: c, r, t only in explanations" },
	{ "v=spf1 exists:%(ir).sbl.example.com", 0, "7.1" },
	{ "v=spf1 exists:foo%.sbl.example.com", 0, "7.1" },
	{ "v=spf1 a:%{d0}.example.com", 0, "7.3: DIGIT must be nonzero" },
	{ "v=spf1 a:%{x}.example.com", 0, "7.3: macro-letter" },
	{ "v=spf1 a:%{d", 0, "7.1: unterminated macro" },
	{ "v=spf1 a:%{d*}.example.com", 0, "7.1: delimiter" },
};

START_TEST(test_check)
{
	const char *rec = check_cases[_i].record, *error = NULL;
	struct spf_record *r = NULL;
	int rc = spf_record_parse(rec, strlen(rec), &r, &error);

	if (check_cases[_i].valid)
		ck_assert_msg(rc == 0 && r != NULL, "'%s' (%s) refused: %s", rec,
			      check_cases[_i].section, error);
	else
		ck_assert_msg(rc == -1 && r == NULL && error != NULL,
			      "'%s' (%s) accepted", rec, check_cases[_i].section);
	spf_record_free(&r);
	ck_assert_ptr_null(r);
}
END_TEST

/* A NUL byte is no qualifier and no macro delimiter (found by fuzz_spf_record). */
START_TEST(test_nul_bytes)
{
	static const struct {
		const char *text;
		size_t len;
	} cases[] = {
#define T(s) { s, sizeof(s) - 1 }
		T("v=spf1 mx//0 a/1 \0mx"),
		T("v=spf1 a:%{d\0}.example.com"),
		T("v=spf1 \0"),
#undef T
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spf_record *r = NULL;
		const char *error = NULL;

		ck_assert_msg(spf_record_parse(cases[i].text, cases[i].len, &r, &error) == -1,
			      "case %zu accepted", i);
		ck_assert_ptr_null(r);
	}
}
END_TEST

/* A record's terms: kinds, qualifiers, arguments and prefix lengths. */
START_TEST(test_terms)
{
	static const char rec[] = "v=spf1 -mx:example.com/24//64 ~ip6:2001:db8::/32 x.y=z";
	struct spf_record *r = NULL;
	const char *error = NULL;

	ck_assert_int_eq(spf_record_parse(rec, strlen(rec), &r, &error), 0);
	ck_assert_uint_eq(r->count, 3);
	ck_assert_int_eq(r->terms[0].kind, SPF_RECORD_MX);
	ck_assert_int_eq(r->terms[0].qualifier, '-');
	ck_assert_int_eq(r->terms[0].arg_len, strlen("example.com"));
	ck_assert_int_eq(r->terms[0].cidr4, 24);
	ck_assert_int_eq(r->terms[0].cidr6, 64);
	ck_assert_int_eq(r->terms[1].kind, SPF_RECORD_IP6);
	ck_assert_int_eq(r->terms[1].qualifier, '~');
	ck_assert_int_eq(r->terms[1].cidr6, 32);
	ck_assert_int_eq(r->terms[2].kind, SPF_RECORD_UNKNOWN);
	ck_assert_int_eq(r->has_all, 0);
	spf_record_free(&r);
	spf_record_free(&r);	/* NULL is fine */
}
END_TEST

static const struct {
	const char *client;
	const char *record;
	const char *want;	/* "M" is the marker */
} rewrite_cases[] = {
	{ "1.2.3.4", "V=SPF1 -ALL", "v=spf1 -all" },
	{ "1.2.3.4", "v=spf1", "v=spf1 " },
	{ "1.2.3.4", "v=spf1 foo=bar", "v=spf1 " },
	{ "1.2.3.4", "v=spf1 +a -mx:example.com/24 ?ptr", "v=spf1 a -mx:example.com/24 ?ptr" },
	/* /0: every client of the family; nothing for the other family */
	{ "1.2.3.4", "v=spf1 ip4:1.1.1.1/0 -all", "v=spf1 ip4:1.2.3.4/32 -all" },
	{ "1.2.3.4", "v=spf1 ip6:::1.1.1.1/0", "v=spf1 ip6:::1.1.1.1" },
	{ "2001:db8::1", "v=spf1 ip6:::/0", "v=spf1 ip6:2001:db8::1/128" },
	{ "2001:db8::1", "v=spf1 ip4:1.1.1.1/0", "v=spf1 ip4:1.1.1.1" },
	{ "1.2.3.4", "v=spf1 a/0 -all", "v=spf1 a:M.%{d}/32 -all" },
	{ "2001:db8::1", "v=spf1 mx:example.com/24//0", "v=spf1 mx:M.example.com//128" },
	{ "1.2.3.4", "v=spf1 a/24//0", "v=spf1 a/24" },
	{ "2001:db8::1", "v=spf1 a/0//64", "v=spf1 a//64" },
	/* modifiers: unknown ones dropped, redirect only without "all", exp last */
	{ "1.2.3.4", "v=spf1 redirect=t5.example.com ~all", "v=spf1 ~all" },
	{ "1.2.3.4", "v=spf1 redirect=t2.example.com ip4:1.2.3.4",
	  "v=spf1 ip4:1.2.3.4 redirect=t2.example.com" },
	{ "1.2.3.4", "v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all",
	  "v=spf1 ip4:1.2.3.4 -all" },
	{ "1.2.3.4", "v=spf1 exp=e.example.com +a -all", "v=spf1 a -all exp=e.example.com" },
};

START_TEST(test_rewrite)
{
	const char *rec = rewrite_cases[_i].record, *error = NULL;
	struct spf_rewrite_client client = { 0 };
	struct spf_record *r = NULL;
	char *text = NULL;
	long len;

	if (inet_pton(AF_INET, rewrite_cases[_i].client, &client.v4) == 1)
		client.family = AF_INET;
	else {
		ck_assert_int_eq(inet_pton(AF_INET6, rewrite_cases[_i].client, &client.v6), 1);
		client.family = AF_INET6;
	}
	ck_assert_int_eq(spf_record_parse(rec, strlen(rec), &r, &error), 0);
	len = spf_rewrite(r, &client, "M", &text);
	ck_assert_int_eq(len, (long)strlen(rewrite_cases[_i].want));
	ck_assert_str_eq(text, rewrite_cases[_i].want);
	free(text);
	spf_record_free(&r);
}
END_TEST

/* What spf_rewrite writes is itself a valid record (the marker aside). */
START_TEST(test_rewrite_reparses)
{
	const char *error = NULL;
	struct spf_rewrite_client client = { .family = AF_INET };

	for (int i = 0; i < TEST_ROWS(check_cases); i++) {
		struct spf_record *r = NULL, *again = NULL;
		char *text = NULL;
		long len;

		if (!check_cases[i].valid)
			continue;
		ck_assert_int_eq(spf_record_parse(check_cases[i].record,
						  strlen(check_cases[i].record), &r, &error), 0);
		len = spf_rewrite(r, &client, "marker", &text);
		ck_assert_int_ge(len, 6);
		ck_assert_msg(spf_record_parse(text, (size_t)len, &again, &error) == 0,
			      "'%s' became '%s': %s", check_cases[i].record, text, error);
		free(text);
		spf_record_free(&again);
		spf_record_free(&r);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("spf_record");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_check, 0, TEST_ROWS(check_cases));
	tcase_add_test(tc, test_nul_bytes);
	tcase_add_test(tc, test_terms);
	tcase_add_loop_test(tc, test_rewrite, 0, TEST_ROWS(rewrite_cases));
	tcase_add_test(tc, test_rewrite_reparses);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
