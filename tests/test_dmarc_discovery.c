/*
 * test_dmarc_discovery - DMARC policy discovery against a real nsd serving
 * tests/zones/dmarc.example.zone, nodmarc.example.zone and
 * dmarc-nx.servfail.example.zone (below the SERVFAIL zone
 * servfail.example): record at the author domain or the organizational
 * domain, none, several, non-DMARC TXT beside DMARC, multi-string TXT,
 * version spellings, invalid records, temporary failures at either level,
 * np for non-existent subdomains, and uppercase author domains. Each row
 * also counts the look-ups made, so a fallback that must not happen shows.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "dmarc_discovery.h"
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

#define FOUND DMARC_DISCOVERY_FOUND
#define NONE DMARC_DISCOVERY_NONE
#define TEMP DMARC_DISCOVERY_TEMPERROR
#define PERM DMARC_DISCOVERY_PERMERROR
#define UNSPEC DMARC_REQUEST_UNSPECIFIED
#define N DMARC_REQUEST_NONE
#define Q DMARC_REQUEST_QUARANTINE
#define R DMARC_REQUEST_REJECT

/*
 * One row per author domain: status, where the record was (or the failing
 * look-up), whether it came from the organizational domain, the policy
 * that applies, whether np's existence check found the name absent, and
 * how many look-ups the resolver saw.
 */
static const struct {
	const char *author;
	enum dmarc_discovery_status status;
	const char *domain;
	int from_org;
	enum dmarc_request request;
	int nonexistent;
	unsigned lookups;
} cases[] = {
	/* a record at the author domain: p applies */
	{ "own.dmarc.example", FOUND, "own.dmarc.example", 0, R, 0, 1 },
	{ "OWN.Dmarc.Example.", FOUND, "own.dmarc.example", 0, R, 0, 1 },
	{ "alias.dmarc.example", FOUND, "alias.dmarc.example", 0, R, 0, 1 },
	/* the organizational domain itself: one look-up, p applies */
	{ "dmarc.example", FOUND, "dmarc.example", 0, N, 0, 1 },
	{ "DMARC.EXAMPLE", FOUND, "dmarc.example", 0, N, 0, 1 },
	/* existing subdomains without a record: sp (A, AAAA or MX exists) */
	{ "sub.dmarc.example", FOUND, "dmarc.example", 1, Q, 0, 3 },
	{ "SUB.DMARC.EXAMPLE", FOUND, "dmarc.example", 1, Q, 0, 3 },
	{ "mxonly.dmarc.example", FOUND, "dmarc.example", 1, Q, 0, 3 },
	{ "v6only.dmarc.example", FOUND, "dmarc.example", 1, Q, 0, 3 },
	/* non-existent subdomains: np (NXDOMAIN for A, AAAA and MX) */
	{ "ghost.dmarc.example", FOUND, "dmarc.example", 1, R, 1, 5 },
	{ "Ghost.DMARC.example", FOUND, "dmarc.example", 1, R, 1, 5 },
	{ "a.b.sub.dmarc.example", FOUND, "dmarc.example", 1, R, 1, 5 },
	/* TXT records that are not DMARC records do not count */
	{ "mixed.dmarc.example", FOUND, "mixed.dmarc.example", 0, Q, 0, 1 },
	{ "spfonly.dmarc.example", FOUND, "dmarc.example", 1, Q, 0, 3 },
	{ "multi.dmarc.example", FOUND, "multi.dmarc.example", 0, R, 0, 1 },
	/* version spellings: V= is a DMARC record, =dmarc1 and =DMARC10 not */
	{ "upper-v.dmarc.example", FOUND, "upper-v.dmarc.example", 0, R, 0, 1 },
	{ "lower-value.dmarc.example", FOUND, "dmarc.example", 1, Q, 0, 3 },
	{ "prefix.dmarc.example", FOUND, "dmarc.example", 1, Q, 0, 3 },
	/* unusable records: no policy and no fallback */
	{ "two.dmarc.example", PERM, "two.dmarc.example", 0, UNSPEC, 0, 1 },
	{ "invalid.dmarc.example", PERM, "invalid.dmarc.example", 0, UNSPEC, 0, 1 },
	{ "dup.dmarc.example", PERM, "dup.dmarc.example", 0, UNSPEC, 0, 1 },
	/* bad p with a valid rua: p=none (RFC 7489 6.6.3) */
	{ "invalid-rua.dmarc.example", FOUND, "invalid-rua.dmarc.example", 0, N, 0, 1 },
	/* nothing published anywhere */
	{ "www.nodmarc.example", NONE, "", 0, UNSPEC, 0, 2 },
	{ "absent.nodmarc.example", NONE, "", 0, UNSPEC, 0, 2 },
	{ "nodmarc.example", NONE, "", 0, UNSPEC, 0, 1 },
	/* SERVFAIL at the author domain: temperror, no fallback */
	{ "x.servfail.example", TEMP, "x.servfail.example", 0, UNSPEC, 0, 1 },
	{ "servfail.example", TEMP, "servfail.example", 0, UNSPEC, 0, 1 },
	/* NXDOMAIN at the author domain, SERVFAIL at the organizational one */
	{ "www.dmarc-nx.servfail.example", TEMP, "servfail.example", 0, UNSPEC, 0, 2 },
	{ "dmarc-nx.servfail.example", TEMP, "servfail.example", 0, UNSPEC, 0, 2 },
};

START_TEST(test_discover_table)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct dmarc_discovery d;
	struct resolver_stats st;
	const char *author = cases[_i].author;

	ck_assert_int_eq(dmarc_discovery_lookup(r, od, author, &d), 0);
	ck_assert_msg(d.status == cases[_i].status, "%s: got %s (%s) want %s", author,
		      dmarc_discovery_status_name(d.status), d.reason ? d.reason : "",
		      dmarc_discovery_status_name(cases[_i].status));
	ck_assert_ptr_nonnull(d.reason);
	ck_assert_str_eq(d.domain, cases[_i].domain);
	ck_assert_int_eq(d.from_org_domain, cases[_i].from_org);
	ck_assert_msg(dmarc_discovery_request(&d) == cases[_i].request, "%s: request %s",
		      author, dmarc_record_request_name(dmarc_discovery_request(&d)));
	ck_assert_int_eq(d.author_domain_nonexistent, cases[_i].nonexistent);
	ck_assert_int_eq(d.existence_tempfail, 0);
	if (d.status == DMARC_DISCOVERY_FOUND)
		ck_assert_ptr_nonnull(d.record.buf);
	else
		ck_assert_ptr_null(d.record.buf);
	resolver_get_stats(r, &st);
	ck_assert_msg(st.lookups == cases[_i].lookups, "%s: %llu look-ups, want %u",
		      author, (unsigned long long)st.lookups, cases[_i].lookups);
	dmarc_discovery_clear(&d);
	ck_assert_ptr_null(d.record.buf);
	resolver_free(&r);
}
END_TEST

START_TEST(test_record_contents)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct dmarc_discovery d;

	/* the three character-strings are one record */
	ck_assert_int_eq(dmarc_discovery_lookup(r, od, "multi.dmarc.example", &d), 0);
	ck_assert_int_eq(d.status, DMARC_DISCOVERY_FOUND);
	ck_assert_str_eq(d.record.rua, "mailto:multi@dmarc.example");
	dmarc_discovery_clear(&d);

	ck_assert_int_eq(dmarc_discovery_lookup(r, od, "mixed.dmarc.example", &d), 0);
	ck_assert_uint_eq(d.record.pct, 50);
	dmarc_discovery_clear(&d);

	ck_assert_int_eq(dmarc_discovery_lookup(r, od, "alias.dmarc.example", &d), 0);
	ck_assert_int_eq(d.record.adkim, ALIGN_STRICT);
	dmarc_discovery_clear(&d);

	ck_assert_int_eq(dmarc_discovery_lookup(r, od, "invalid-rua.dmarc.example", &d), 0);
	ck_assert(d.record.p_fallback);
	dmarc_discovery_clear(&d);

	/* org-level record: p, sp and np as published there */
	ck_assert_int_eq(dmarc_discovery_lookup(r, od, "Sub.Dmarc.Example", &d), 0);
	ck_assert_str_eq(d.author_domain, "sub.dmarc.example");
	ck_assert_str_eq(d.org_domain, "dmarc.example");
	ck_assert_int_eq(d.record.p, DMARC_REQUEST_NONE);
	ck_assert_int_eq(d.record.sp, DMARC_REQUEST_QUARANTINE);
	ck_assert_int_eq(d.record.np, DMARC_REQUEST_REJECT);
	dmarc_discovery_clear(&d);

	/* the reason of a temporary failure comes from the resolver */
	ck_assert_int_eq(dmarc_discovery_lookup(r, od, "x.servfail.example", &d), 0);
	ck_assert_int_eq(d.status, DMARC_DISCOVERY_TEMPERROR);
	ck_assert_str_ne(d.reason, "");
	dmarc_discovery_clear(&d);
	resolver_free(&r);
}
END_TEST

static const char *const bad_authors[] = {
	"", ".", "bad..name.example", "exa mple.example",
	"a-label-that-is-far-too-long-for-dns-because-it-has-more-than-63-octets.example",
};

START_TEST(test_invalid_author)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct dmarc_discovery d;
	struct resolver_stats st;

	ck_assert_int_eq(dmarc_discovery_lookup(r, od, bad_authors[_i], &d), -1);
	ck_assert_int_eq(d.status, DMARC_DISCOVERY_NONE);
	ck_assert_ptr_nonnull(d.reason);
	resolver_get_stats(r, &st);
	ck_assert_uint_eq(st.lookups, 0);
	dmarc_discovery_clear(&d);
	resolver_free(&r);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(dmarc_discovery_status_name(DMARC_DISCOVERY_FOUND), "found");
	ck_assert_str_eq(dmarc_discovery_status_name(DMARC_DISCOVERY_NONE), "none");
	ck_assert_str_eq(dmarc_discovery_status_name(DMARC_DISCOVERY_TEMPERROR), "temperror");
	ck_assert_str_eq(dmarc_discovery_status_name(DMARC_DISCOVERY_PERMERROR), "permerror");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dmarc_discovery");
	TCase *tc = tcase_create("nsd");
	TCase *pure = tcase_create("pure");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_discover_table, 0, TEST_ROWS(cases));
	tcase_add_test(tc, test_record_contents);
	tcase_add_loop_test(tc, test_invalid_author, 0, TEST_ROWS(bad_authors));
	tcase_add_test(pure, test_names);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, pure);
	return test_run_suite(s);
}
