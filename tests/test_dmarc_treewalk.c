/*
 * test_dmarc_treewalk - RFC 9989's DNS tree walk against a real nsd, each
 * row stating both answers: the tree walk's (OrgDomainMethod treewalk)
 * and the Public Suffix List's (psl), so a row shows where an operator
 * upgrading will see a difference (docs/dmarc-rfc9989.md).
 *
 * Zones: tests/zones/com.zone, io.zone (private PSL suffixes blogspot.com
 * with psd=y and github.io without it; RFC 9989 B.4.1 and B.4.2 under
 * example.com), bank.example.zone (B.4.3), tw.example.zone (psd=n, a stray
 * record at an intermediate label, two records at one name, deep names,
 * a CNAME loop), x.sf.tw.example.zone and y.sf.tw.example.zone below the
 * SERVFAIL zone sf.tw.example (servfail-zones.txt).
 *
 * Tables: the names a walk asks (pure); policy discovery and the
 * organizational domain by both methods, with the look-ups counted;
 * relaxed and strict alignment by both methods; bad names.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "dmarc_align.h"
#include "dmarc_discovery.h"
#include "dmarc_treewalk.h"
#include "dns_fixture.h"
#include "test_main.h"

static struct orgdomain *od;

static void
setup(void)
{
	const char *error = NULL;

	dns_fixture_up();
	if ((od = orgdomain_new(NULL, &error)) == NULL)
		ck_abort_msg("orgdomain_new: %s", error ? error : "?");
}

static void
teardown(void)
{
	orgdomain_free(&od);
	dns_fixture_down();
}

/* ---- the names a walk asks: RFC 9989 4.10 steps 3, 4 and 7 ---- */

static const struct {
	const char *name;
	const char *want;	/* the names asked, space-separated */
} target_cases[] = {
	{ "com", "com" },
	{ "example.com", "example.com com" },
	{ "a.mail.example.com", "a.mail.example.com mail.example.com example.com com" },
	/* 7 labels: every parent */
	{ "a.b.c.d.e.example.com",
	  "a.b.c.d.e.example.com b.c.d.e.example.com c.d.e.example.com d.e.example.com "
	  "e.example.com example.com com" },
	/* 8 labels: 8 look-ups, the 7-label suffix is the parent */
	{ "a.b.c.d.e.f.example.com",
	  "a.b.c.d.e.f.example.com b.c.d.e.f.example.com c.d.e.f.example.com "
	  "d.e.f.example.com e.f.example.com f.example.com example.com com" },
	/* 9 labels: one label skipped */
	{ "z.a.b.c.d.e.f.example.com",
	  "z.a.b.c.d.e.f.example.com b.c.d.e.f.example.com c.d.e.f.example.com "
	  "d.e.f.example.com e.f.example.com f.example.com example.com com" },
	/* RFC 9989 4.10's own illustration */
	{ "a.b.c.d.e.f.g.h.i.j.mail.example.com",
	  "a.b.c.d.e.f.g.h.i.j.mail.example.com g.h.i.j.mail.example.com "
	  "h.i.j.mail.example.com i.j.mail.example.com j.mail.example.com "
	  "mail.example.com example.com com" },
	/* RFC 9989 B.4.2 */
	{ "a.b.c.d.e.f.g.h.i.j.k.example.com",
	  "a.b.c.d.e.f.g.h.i.j.k.example.com g.h.i.j.k.example.com h.i.j.k.example.com "
	  "i.j.k.example.com j.k.example.com k.example.com example.com com" },
};

START_TEST(test_targets)
{
	const char *names[DMARC_TREEWALK_MAX];
	char got[2048] = "";
	size_t n = dmarc_treewalk_targets(target_cases[_i].name, names);

	ck_assert_uint_ge(n, 1);
	ck_assert_uint_le(n, DMARC_TREEWALK_MAX);
	for (size_t i = 0; i < n; i++) {
		strcat(got, i ? " " : "");
		strcat(got, names[i]);
	}
	ck_assert_str_eq(got, target_cases[_i].want);
}
END_TEST

/* The longest valid name (127 labels): still 8 names, each a suffix. */
START_TEST(test_targets_bounded)
{
	char name[DNS_NAME_MAX + 1];
	const char *names[DMARC_TREEWALK_MAX];
	size_t n, len = 0;

	for (int i = 0; i < 126; i++)
		len += (size_t)snprintf(name + len, sizeof(name) - len, "a.");
	snprintf(name + len, sizeof(name) - len, "b");
	ck_assert_uint_eq(strlen(name), DNS_NAME_MAX);
	n = dmarc_treewalk_targets(name, names);
	ck_assert_uint_eq(n, DMARC_TREEWALK_MAX);
	ck_assert_ptr_eq(names[0], name);
	ck_assert_str_eq(names[1], "a.a.a.a.a.a.b");
	ck_assert_str_eq(names[7], "b");
	ck_assert_uint_eq(dmarc_treewalk_targets("", names), 0);
}
END_TEST

/* ---- policy discovery and organizational domain, both methods ---- */

#define FOUND DMARC_DISCOVERY_FOUND
#define NONE DMARC_DISCOVERY_NONE
#define TEMP DMARC_DISCOVERY_TEMPERROR
#define PERM DMARC_DISCOVERY_PERMERROR
#define UNSPEC DMARC_REQUEST_UNSPECIFIED
#define N DMARC_REQUEST_NONE
#define Q DMARC_REQUEST_QUARANTINE
#define R DMARC_REQUEST_REJECT

/* One method's answer for one name. */
struct answer {
	enum dmarc_discovery_status status;
	const char *policy_domain;	/* where the record is, or the failed name */
	enum dmarc_request request;	/* p, or sp for a record above the name */
	const char *org;		/* organizational domain; NULL: temperror */
	unsigned lookups;		/* of the policy discovery */
};

/* a 122-label name: "a." 120 times, then tw.example (250 octets) */
#define LONG_NAME_A10 "a.a.a.a.a.a.a.a.a.a."
#define LONG_NAME_A120 LONG_NAME_A10 LONG_NAME_A10 LONG_NAME_A10 LONG_NAME_A10 \
	LONG_NAME_A10 LONG_NAME_A10 LONG_NAME_A10 LONG_NAME_A10 LONG_NAME_A10 \
	LONG_NAME_A10 LONG_NAME_A10 LONG_NAME_A10
#define LONG_NAME LONG_NAME_A120 "tw.example"

static const struct {
	const char *what;
	const char *name;
	struct answer treewalk, psl;
} cases[] = {
	/* RFC 9989 B.4.1: the same by both */
	{ "B.4.1 author", "example.com",
	  { FOUND, "example.com", R, "example.com", 1 },
	  { FOUND, "example.com", R, "example.com", 1 } },
	{ "B.4.1 DKIM identifier", "signing.example.com",
	  { FOUND, "signing.example.com", N, "example.com", 1 },
	  { FOUND, "signing.example.com", N, "example.com", 1 } },
	/* B.4.2: 13 labels, 8 look-ups; the same answer */
	{ "B.4.2 deep author", "a.b.c.d.e.f.g.h.i.j.k.example.com",
	  { FOUND, "example.com", R, "example.com", 8 },
	  { FOUND, "example.com", R, "example.com", 2 } },
	/* B.4.3: bank.example says psd=y */
	{ "B.4.3 author", "giant.bank.example",
	  { FOUND, "giant.bank.example", N, "giant.bank.example", 1 },
	  { FOUND, "giant.bank.example", N, "bank.example", 1 } },
	{ "B.4.3 MAIL FROM domain as author: giant's record, not the PSD's",
	  "mail.giant.bank.example",
	  { FOUND, "giant.bank.example", N, "giant.bank.example", 3 },
	  { FOUND, "bank.example", Q, "bank.example", 2 } },
	{ "B.4.3 DKIM domain as author: the PSD's policy", "mail.mega.bank.example",
	  { FOUND, "bank.example", Q, "mega.bank.example", 3 },
	  { FOUND, "bank.example", Q, "bank.example", 2 } },
	{ "psd=y at the author domain itself", "bank.example",
	  { FOUND, "bank.example", R, "bank.example", 1 },
	  { FOUND, "bank.example", R, "bank.example", 1 } },
	/* private registries of the PSL */
	{ "private suffix publishing a record without psd", "alice.github.io",
	  { FOUND, "github.io", Q, "github.io", 3 },
	  { NONE, "", UNSPEC, "alice.github.io", 1 } },
	{ "private suffix with psd=y: its PSD policy", "alice.blogspot.com",
	  { FOUND, "blogspot.com", R, "alice.blogspot.com", 2 },
	  { NONE, "", UNSPEC, "alice.blogspot.com", 1 } },
	{ "own record under a psd=y suffix", "bob.blogspot.com",
	  { FOUND, "bob.blogspot.com", N, "bob.blogspot.com", 1 },
	  { FOUND, "bob.blogspot.com", N, "bob.blogspot.com", 1 } },
	/* psd=n below the registered domain */
	{ "psd=n at the parent", "x.dept.tw.example",
	  { FOUND, "dept.tw.example", R, "dept.tw.example", 2 },
	  { FOUND, "tw.example", N, "tw.example", 2 } },
	{ "psd=n at the author domain", "dept.tw.example",
	  { FOUND, "dept.tw.example", R, "dept.tw.example", 1 },
	  { FOUND, "dept.tw.example", R, "tw.example", 1 } },
	/* a stray record at an intermediate label does not take over */
	{ "stray record at an intermediate label", "a.mid.tw.example",
	  { FOUND, "tw.example", N, "tw.example", 4 },
	  { FOUND, "tw.example", N, "tw.example", 2 } },
	{ "the intermediate name itself", "mid.tw.example",
	  { FOUND, "mid.tw.example", R, "tw.example", 1 },
	  { FOUND, "mid.tw.example", R, "tw.example", 1 } },
	/* two records: none there, and the walk goes on */
	{ "two records at the author domain", "two.tw.example",
	  { FOUND, "tw.example", N, "tw.example", 3 },
	  { PERM, "two.tw.example", UNSPEC, "tw.example", 1 } },
	/* names over 8 labels */
	{ "11 labels, psd=n at the 7-label suffix", "a.b.c.d.e.f.g.h.deep.tw.example",
	  { FOUND, "e.f.g.h.deep.tw.example", R, "e.f.g.h.deep.tw.example", 2 },
	  { FOUND, "tw.example", N, "tw.example", 2 } },
	{ "11 labels, psd=n at a skipped 9-label name", "a.b.c.d.e.f.g.h.deep2.tw.example",
	  { FOUND, "tw.example", N, "tw.example", 8 },
	  { FOUND, "tw.example", N, "tw.example", 2 } },
	{ "122 labels: still 8 look-ups", LONG_NAME,
	  { FOUND, "tw.example", N, "tw.example", 8 },
	  { FOUND, "tw.example", N, "tw.example", 2 } },
	/* SERVFAIL at a step the PSL never asks: temperror, never weaker */
	{ "SERVFAIL at the third step", "www.x.sf.tw.example",
	  { TEMP, "sf.tw.example", UNSPEC, NULL, 3 },
	  { FOUND, "tw.example", N, "tw.example", 2 } },
	{ "psd=n stops the walk before the SERVFAIL", "www.y.sf.tw.example",
	  { FOUND, "y.sf.tw.example", R, "y.sf.tw.example", 2 },
	  { FOUND, "tw.example", N, "tw.example", 2 } },
	/* a CNAME loop at _dmarc: the resolver gives up, for now, by both */
	{ "CNAME loop at _dmarc", "loop1.tw.example",
	  { TEMP, "loop1.tw.example", UNSPEC, NULL, 1 },
	  { TEMP, "loop1.tw.example", UNSPEC, "tw.example", 1 } },
};

/* treewalk_org - the organizational domain by a full walk, or NULL */
static const char *
treewalk_org(struct resolver *r, const char *name, char *buf, size_t size)
{
	struct dmarc_treewalk w;
	const char *error = NULL, *org;

	ck_assert_int_eq(dmarc_treewalk_run(r, name, 0, &w, &error), 0);
	ck_assert_uint_le(w.count, DMARC_TREEWALK_MAX);
	org = dmarc_treewalk_orgdomain(&w);
	if (org != NULL)
		snprintf(buf, size, "%s", org);
	dmarc_treewalk_clear(&w);
	return org != NULL ? buf : NULL;
}

static void
check_answer(const char *what, const char *name, enum dmarc_method method,
	     const struct answer *want)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct dmarc_discovery d;
	struct resolver_stats st;
	char buf[ORGDOMAIN_BUFSIZE];
	const char *org, *m = dmarc_discovery_method_name(method);

	ck_assert_int_eq(dmarc_discovery_lookup(r, od, method, name, &d), 0);
	resolver_get_stats(r, &st);
	ck_assert_msg(d.status == want->status, "%s (%s): got %s (%s), want %s", what, m,
		      dmarc_discovery_status_name(d.status), d.reason ? d.reason : "",
		      dmarc_discovery_status_name(want->status));
	ck_assert_msg(strcmp(d.domain, want->policy_domain) == 0, "%s (%s): policy at '%s'",
		      what, m, d.domain);
	ck_assert_msg(dmarc_discovery_request(&d) == want->request, "%s (%s): request %s",
		      what, m, dmarc_record_request_name(dmarc_discovery_request(&d)));
	ck_assert_msg(st.lookups == want->lookups, "%s (%s): %llu look-ups, want %u", what,
		      m, (unsigned long long)st.lookups, want->lookups);
	dmarc_discovery_clear(&d);

	if (method == DMARC_METHOD_TREEWALK)
		org = treewalk_org(r, name, buf, sizeof(buf));
	else
		org = orgdomain_get(od, name, buf, sizeof(buf)) == 0 ? buf : "";
	if (want->org == NULL)
		ck_assert_msg(org == NULL, "%s (%s): org %s, want temperror", what, m, org);
	else
		ck_assert_msg(org != NULL && strcmp(org, want->org) == 0,
			      "%s (%s): org %s, want %s", what, m, org ? org : "(temperror)",
			      want->org);
	resolver_free(&r);
}

START_TEST(test_both_methods)
{
	check_answer(cases[_i].what, cases[_i].name, DMARC_METHOD_TREEWALK, &cases[_i].treewalk);
	check_answer(cases[_i].what, cases[_i].name, DMARC_METHOD_PSL, &cases[_i].psl);
}
END_TEST

/* ---- alignment, both methods ---- */

#define YES DMARC_ALIGN_YES
#define NO DMARC_ALIGN_NO
#define TEMPA DMARC_ALIGN_TEMPERROR

static const struct {
	const char *identifier, *author;
	enum align_mode mode;
	enum dmarc_align_result treewalk, psl;
} align_cases[] = {
	/* B.4.1 and B.4.2: aligned by both */
	{ "example.com", "example.com", ALIGN_RELAXED, YES, YES },
	{ "signing.example.com", "example.com", ALIGN_RELAXED, YES, YES },
	{ "example.com", "a.b.c.d.e.f.g.h.i.j.k.example.com", ALIGN_RELAXED, YES, YES },
	{ "signing.example.com", "a.b.c.d.e.f.g.h.i.j.k.example.com", ALIGN_RELAXED, YES, YES },
	/* B.4.3: SPF aligned, DKIM not (the PSL puts both under bank.example) */
	{ "mail.giant.bank.example", "giant.bank.example", ALIGN_RELAXED, YES, YES },
	{ "mail.mega.bank.example", "giant.bank.example", ALIGN_RELAXED, NO, YES },
	/* a private registry without psd=y: one organizational domain for all */
	{ "alice.github.io", "bob.github.io", ALIGN_RELAXED, YES, NO },
	{ "alice.blogspot.com", "bob.blogspot.com", ALIGN_RELAXED, NO, NO },
	/* psd=n splits off a department */
	{ "x.dept.tw.example", "tw.example", ALIGN_RELAXED, NO, YES },
	{ "x.dept.tw.example", "dept.tw.example", ALIGN_RELAXED, YES, YES },
	{ "a.mid.tw.example", "tw.example", ALIGN_RELAXED, YES, YES },
	/* a failed step: temperror, never "not aligned" */
	{ "www.x.sf.tw.example", "tw.example", ALIGN_RELAXED, TEMPA, YES },
	{ "tw.example", "www.x.sf.tw.example", ALIGN_RELAXED, TEMPA, YES },
	{ "www.y.sf.tw.example", "y.sf.tw.example", ALIGN_RELAXED, YES, YES },
	/* strict: the names alone, no DNS */
	{ "mail.giant.bank.example", "giant.bank.example", ALIGN_STRICT, NO, NO },
	{ "Giant.Bank.Example.", "giant.bank.example", ALIGN_STRICT, YES, YES },
	{ "www.x.sf.tw.example", "tw.example", ALIGN_STRICT, NO, NO },
	/* not host names: never aligned */
	{ "exa mple.tw.example", "tw.example", ALIGN_RELAXED, NO, NO },
	{ "192.0.2.1", "192.0.2.1", ALIGN_RELAXED, NO, NO },
};

START_TEST(test_align)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct dmarc_align_ctx tw = { DMARC_METHOD_TREEWALK, r, od };
	struct dmarc_align_ctx psl = { DMARC_METHOD_PSL, r, od };
	const char *reason = NULL;
	enum dmarc_align_result got;

	got = dmarc_align_check(&tw, align_cases[_i].identifier, align_cases[_i].author,
				align_cases[_i].mode, &reason);
	ck_assert_msg(got == align_cases[_i].treewalk, "%s ~ %s treewalk: %s",
		      align_cases[_i].identifier, align_cases[_i].author,
		      dmarc_align_result_name(got));
	if (got == DMARC_ALIGN_TEMPERROR)
		ck_assert_ptr_nonnull(reason);
	got = dmarc_align_check(&psl, align_cases[_i].identifier, align_cases[_i].author,
				align_cases[_i].mode, NULL);
	ck_assert_msg(got == align_cases[_i].psl, "%s ~ %s psl: %s",
		      align_cases[_i].identifier, align_cases[_i].author,
		      dmarc_align_result_name(got));
	resolver_free(&r);
}
END_TEST

/* Strict alignment and identical names cost no look-up. */
START_TEST(test_align_without_dns)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct dmarc_align_ctx tw = { DMARC_METHOD_TREEWALK, r, od };
	struct resolver_stats st;

	ck_assert_int_eq(dmarc_align_check(&tw, "a.tw.example", "b.tw.example", ALIGN_STRICT,
					   NULL), DMARC_ALIGN_NO);
	ck_assert_int_eq(dmarc_align_check(&tw, "TW.example", "tw.example.", ALIGN_RELAXED,
					   NULL), DMARC_ALIGN_YES);
	resolver_get_stats(r, &st);
	ck_assert_uint_eq(st.lookups, 0);
	resolver_free(&r);
}
END_TEST

/* ---- bad names: refused before any look-up ---- */

START_TEST(test_thousand_labels)
{
	static char name[2100];
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct dmarc_treewalk w;
	struct dmarc_discovery d;
	struct resolver_stats st;
	struct dmarc_align_ctx tw = { DMARC_METHOD_TREEWALK, r, od };
	const char *error = NULL;
	size_t len = 0;

	for (int i = 0; i < 1000; i++)
		len += (size_t)snprintf(name + len, sizeof(name) - len, "a.");
	snprintf(name + len, sizeof(name) - len, "tw.example");
	ck_assert_int_eq(dmarc_treewalk_run(r, name, 0, &w, &error), -1);
	ck_assert_ptr_nonnull(error);
	ck_assert_uint_eq(w.count, 0);
	dmarc_treewalk_clear(&w);
	ck_assert_int_eq(dmarc_discovery_lookup(r, od, DMARC_METHOD_TREEWALK, name, &d), -1);
	ck_assert_int_eq(d.status, DMARC_DISCOVERY_NONE);
	dmarc_discovery_clear(&d);
	ck_assert_int_eq(dmarc_align_check(&tw, name, "tw.example", ALIGN_RELAXED, NULL),
			 DMARC_ALIGN_NO);
	resolver_get_stats(r, &st);
	ck_assert_uint_eq(st.lookups, 0);
	resolver_free(&r);
}
END_TEST

START_TEST(test_method_names)
{
	enum dmarc_method m;

	ck_assert_str_eq(dmarc_discovery_method_name(DMARC_METHOD_TREEWALK), "treewalk");
	ck_assert_str_eq(dmarc_discovery_method_name(DMARC_METHOD_PSL), "psl");
	ck_assert_int_eq(dmarc_discovery_method_parse("TreeWalk", &m), 0);
	ck_assert_int_eq(m, DMARC_METHOD_TREEWALK);
	ck_assert_int_eq(dmarc_discovery_method_parse("psl", &m), 0);
	ck_assert_int_eq(m, DMARC_METHOD_PSL);
	ck_assert_int_eq(dmarc_discovery_method_parse("tree-walk", &m), -1);
	ck_assert_int_eq(dmarc_discovery_method_parse("", &m), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dmarc_treewalk");
	TCase *pure = tcase_create("pure");
	TCase *tc = tcase_create("nsd");

	tcase_add_loop_test(pure, test_targets, 0, TEST_ROWS(target_cases));
	tcase_add_test(pure, test_targets_bounded);
	tcase_add_test(pure, test_method_names);
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_both_methods, 0, TEST_ROWS(cases));
	tcase_add_loop_test(tc, test_align, 0, TEST_ROWS(align_cases));
	tcase_add_test(tc, test_align_without_dns);
	tcase_add_test(tc, test_thousand_labels);
	suite_add_tcase(s, pure);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
