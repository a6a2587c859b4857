/*
 * test_dmarc_discovery - DMARC policy discovery against a real nsd serving
 * tests/zones/dmarc.example.zone, nodmarc.example.zone, example.zone and
 * dmarc-nx.servfail.example.zone (below the SERVFAIL zone
 * servfail.example), by both methods: record at the author domain or the
 * organizational domain, none, several, non-DMARC TXT beside DMARC,
 * multi-string TXT, version spellings, invalid records, temporary failures
 * at either level, np for non-existent subdomains, and uppercase author
 * domains. Each row also counts the look-ups made, so a fallback that must
 * not happen shows. The PSL table is the RFC 7489 behaviour; the tree
 * walk table differs where RFC 9989 does (two records at the author
 * domain walk on; every walk asks _dmarc.example too).
 * tests/test_dmarc_treewalk.c has the cases where the two methods differ.
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
#define TW DMARC_METHOD_TREEWALK

/*
 * One row per author domain: status, where the record was (or the failing
 * look-up), whether it came from the organizational domain, the policy
 * that applies, whether np's existence check found the name absent, and
 * how many look-ups the resolver saw.
 */
struct disc_case {
	const char *author;
	enum dmarc_discovery_status status;
	const char *domain;
	int from_org;
	enum dmarc_request request;
	int nonexistent;
	unsigned lookups;
};

/* RFC 7489 with the Public Suffix List (OrgDomainMethod psl) */
static const struct disc_case psl_cases[] = {
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

/*
 * RFC 9989's tree walk (OrgDomainMethod treewalk): the same authors. A
 * walk from a name without its own record asks every name up to
 * _dmarc.example (NXDOMAIN in example.zone), one look-up more than the
 * PSL's two levels for each label between; two records at one name count
 * as none there.
 */
static const struct disc_case tw_cases[] = {
	/* a record at the author domain: p applies, the walk stops there */
	{ "own.dmarc.example", FOUND, "own.dmarc.example", 0, R, 0, 1 },
	{ "OWN.Dmarc.Example.", FOUND, "own.dmarc.example", 0, R, 0, 1 },
	{ "alias.dmarc.example", FOUND, "alias.dmarc.example", 0, R, 0, 1 },
	{ "dmarc.example", FOUND, "dmarc.example", 0, N, 0, 1 },
	{ "DMARC.EXAMPLE", FOUND, "dmarc.example", 0, N, 0, 1 },
	/* existing subdomains: 3 walk look-ups, then existence (np is given) */
	{ "sub.dmarc.example", FOUND, "dmarc.example", 1, Q, 0, 4 },
	{ "SUB.DMARC.EXAMPLE", FOUND, "dmarc.example", 1, Q, 0, 4 },
	{ "mxonly.dmarc.example", FOUND, "dmarc.example", 1, Q, 0, 4 },
	{ "v6only.dmarc.example", FOUND, "dmarc.example", 1, Q, 0, 4 },
	/* non-existent subdomains: np after A, AAAA and MX said NXDOMAIN */
	{ "ghost.dmarc.example", FOUND, "dmarc.example", 1, R, 1, 6 },
	{ "Ghost.DMARC.example", FOUND, "dmarc.example", 1, R, 1, 6 },
	{ "a.b.sub.dmarc.example", FOUND, "dmarc.example", 1, R, 1, 8 },
	{ "mixed.dmarc.example", FOUND, "mixed.dmarc.example", 0, Q, 0, 1 },
	{ "spfonly.dmarc.example", FOUND, "dmarc.example", 1, Q, 0, 4 },
	{ "multi.dmarc.example", FOUND, "multi.dmarc.example", 0, R, 0, 1 },
	{ "upper-v.dmarc.example", FOUND, "upper-v.dmarc.example", 0, R, 0, 1 },
	{ "lower-value.dmarc.example", FOUND, "dmarc.example", 1, Q, 0, 4 },
	{ "prefix.dmarc.example", FOUND, "dmarc.example", 1, Q, 0, 4 },
	/* two records: none at that name (RFC 9989 4.10 step 2), walk on;
	 * "two" exists (an empty non-terminal: NODATA), so sp */
	{ "two.dmarc.example", FOUND, "dmarc.example", 1, Q, 0, 4 },
	/* one unusable record at the author domain: no policy, no walk on */
	{ "invalid.dmarc.example", PERM, "invalid.dmarc.example", 0, UNSPEC, 0, 1 },
	{ "dup.dmarc.example", PERM, "dup.dmarc.example", 0, UNSPEC, 0, 1 },
	{ "invalid-rua.dmarc.example", FOUND, "invalid-rua.dmarc.example", 0, N, 0, 1 },
	/* nothing published anywhere up to _dmarc.example */
	{ "www.nodmarc.example", NONE, "", 0, UNSPEC, 0, 3 },
	{ "absent.nodmarc.example", NONE, "", 0, UNSPEC, 0, 3 },
	{ "nodmarc.example", NONE, "", 0, UNSPEC, 0, 2 },
	/* SERVFAIL at any step: temperror naming that step */
	{ "x.servfail.example", TEMP, "x.servfail.example", 0, UNSPEC, 0, 1 },
	{ "servfail.example", TEMP, "servfail.example", 0, UNSPEC, 0, 1 },
	{ "www.dmarc-nx.servfail.example", TEMP, "servfail.example", 0, UNSPEC, 0, 3 },
	{ "dmarc-nx.servfail.example", TEMP, "servfail.example", 0, UNSPEC, 0, 2 },
};

static void
check_case(const struct disc_case *c, enum dmarc_method method)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct dmarc_discovery d;
	struct resolver_stats st;
	const char *author = c->author;

	ck_assert_int_eq(dmarc_discovery_lookup(r, od, method, author, &d), 0);
	ck_assert_msg(d.status == c->status, "%s: got %s (%s) want %s", author,
		      dmarc_discovery_status_name(d.status), d.reason ? d.reason : "",
		      dmarc_discovery_status_name(c->status));
	ck_assert_int_eq(d.method, method);
	ck_assert_ptr_nonnull(d.reason);
	ck_assert_str_eq(d.domain, c->domain);
	ck_assert_int_eq(d.from_org_domain, c->from_org);
	ck_assert_msg(dmarc_discovery_request(&d) == c->request, "%s: request %s",
		      author, dmarc_record_request_name(dmarc_discovery_request(&d)));
	ck_assert_int_eq(d.author_domain_nonexistent, c->nonexistent);
	ck_assert_int_eq(d.existence_tempfail, 0);
	if (d.status == DMARC_DISCOVERY_FOUND)
		ck_assert_ptr_nonnull(d.record.buf);
	else
		ck_assert_ptr_null(d.record.buf);
	resolver_get_stats(r, &st);
	ck_assert_msg(st.lookups == c->lookups, "%s: %llu look-ups, want %u",
		      author, (unsigned long long)st.lookups, c->lookups);
	dmarc_discovery_clear(&d);
	ck_assert_ptr_null(d.record.buf);
	resolver_free(&r);
}

START_TEST(test_discover_psl)
{
	check_case(&psl_cases[_i], DMARC_METHOD_PSL);
}
END_TEST

START_TEST(test_discover_treewalk)
{
	check_case(&tw_cases[_i], DMARC_METHOD_TREEWALK);
}
END_TEST

START_TEST(test_record_contents)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct dmarc_discovery d;

	/* the three character-strings are one record */
	ck_assert_int_eq(dmarc_discovery_lookup(r, od, TW, "multi.dmarc.example", &d), 0);
	ck_assert_int_eq(d.status, DMARC_DISCOVERY_FOUND);
	ck_assert_str_eq(d.record.rua, "mailto:multi@dmarc.example");
	dmarc_discovery_clear(&d);

	ck_assert_int_eq(dmarc_discovery_lookup(r, od, TW, "mixed.dmarc.example", &d), 0);
	ck_assert_uint_eq(d.record.pct, 50);
	dmarc_discovery_clear(&d);

	ck_assert_int_eq(dmarc_discovery_lookup(r, od, TW, "alias.dmarc.example", &d), 0);
	ck_assert_int_eq(d.record.adkim, ALIGN_STRICT);
	dmarc_discovery_clear(&d);

	ck_assert_int_eq(dmarc_discovery_lookup(r, od, TW, "invalid-rua.dmarc.example", &d), 0);
	ck_assert(d.record.p_fallback);
	dmarc_discovery_clear(&d);

	/* org-level record: p, sp and np as published there */
	ck_assert_int_eq(dmarc_discovery_lookup(r, od, TW, "Sub.Dmarc.Example", &d), 0);
	ck_assert_str_eq(d.author_domain, "sub.dmarc.example");
	ck_assert_str_eq(d.org_domain, "dmarc.example");
	ck_assert_int_eq(d.record.p, DMARC_REQUEST_NONE);
	ck_assert_int_eq(d.record.sp, DMARC_REQUEST_QUARANTINE);
	ck_assert_int_eq(d.record.np, DMARC_REQUEST_REJECT);
	dmarc_discovery_clear(&d);

	/* the reason of a temporary failure comes from the resolver */
	ck_assert_int_eq(dmarc_discovery_lookup(r, od, TW, "x.servfail.example", &d), 0);
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

	ck_assert_int_eq(dmarc_discovery_lookup(r, od, TW, bad_authors[_i], &d), -1);
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
	tcase_add_loop_test(tc, test_discover_psl, 0, TEST_ROWS(psl_cases));
	tcase_add_loop_test(tc, test_discover_treewalk, 0, TEST_ROWS(tw_cases));
	tcase_add_test(tc, test_record_contents);
	tcase_add_loop_test(tc, test_invalid_author, 0, TEST_ROWS(bad_authors));
	tcase_add_test(pure, test_names);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, pure);
	return test_run_suite(s);
}
