/*
 * test_resolver - the resolver against a real nsd serving tests/zones:
 * typed answers, NXDOMAIN, NODATA, joined TXT strings, SERVFAIL and
 * timeouts as temporary failures, cache hits that never reach the server,
 * merged in-flight look-ups, and the nameserver list syntax.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dns_fixture.h"
#include "nsd_server.h"
#include "resolver.h"
#include "test_main.h"

/* One row per look-up: what must come back for it. */
static const struct {
	const char *name;
	uint16_t type;
	enum dns_status status;
	size_t count;
	const char *first;	/* first record's text (names, TXT) or NULL */
} cases[] = {
	{ "two-a.resolver.example", DNS_TYPE_A, DNS_STATUS_ANSWER, 2, NULL },
	{ "TWO-A.Resolver.Example.", DNS_TYPE_A, DNS_STATUS_ANSWER, 2, NULL },
	{ "v6.resolver.example", DNS_TYPE_AAAA, DNS_STATUS_ANSWER, 1, NULL },
	{ "mx.resolver.example", DNS_TYPE_MX, DNS_STATUS_ANSWER, 2, NULL },
	{ "10.2.0.192.in-addr.arpa", DNS_TYPE_PTR, DNS_STATUS_ANSWER, 1,
	  "mail1.resolver.example" },
	{ "multi.resolver.example", DNS_TYPE_TXT, DNS_STATUS_ANSWER, 1,
	  "v=spf1 ip4:192.0.2.0/24 -all" },
	{ "alias.resolver.example", DNS_TYPE_TXT, DNS_STATUS_ANSWER, 1,
	  "v=spf1 ip4:192.0.2.0/24 -all" },
	{ "two-txt.resolver.example", DNS_TYPE_TXT, DNS_STATUS_ANSWER, 2, NULL },
	{ "absent.resolver.example", DNS_TYPE_TXT, DNS_STATUS_NXDOMAIN, 0, NULL },
	{ "a-only.resolver.example", DNS_TYPE_TXT, DNS_STATUS_NODATA, 0, NULL },
	{ "ent.resolver.example", DNS_TYPE_TXT, DNS_STATUS_NODATA, 0, NULL },
	{ "anything.servfail.example", DNS_TYPE_TXT, DNS_STATUS_TEMPFAIL, 0, NULL },
	{ "bad..name.example", DNS_TYPE_TXT, DNS_STATUS_NXDOMAIN, 0, NULL },
};

START_TEST(test_lookup_table)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct dns_answer *a = resolver_lookup(r, cases[_i].name, cases[_i].type, 0);

	ck_assert_msg(a->status == cases[_i].status, "%s: got %s want %s (%s)",
		      cases[_i].name, dns_answer_status_name(a->status),
		      dns_answer_status_name(cases[_i].status), a->reason ? a->reason : "");
	ck_assert_uint_eq(a->count, cases[_i].count);
	if (cases[_i].first != NULL) {
		ck_assert_uint_eq(a->records[0].len, strlen(cases[_i].first));
		ck_assert_str_eq((const char *)a->records[0].data, cases[_i].first);
	}
	dns_answer_unref(&a);
	resolver_free(&r);
	ck_assert_ptr_null(r);
}
END_TEST

START_TEST(test_record_contents)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct dns_answer *a = resolver_lookup(r, "mx.resolver.example", DNS_TYPE_MX, 0);
	int saw10 = 0, saw20 = 0;

	ck_assert_int_eq(a->status, DNS_STATUS_ANSWER);
	ck_assert_uint_eq(a->ttl, 300);
	for (size_t i = 0; i < a->count; i++) {
		if (a->records[i].preference == 10)
			saw10 = strcmp((const char *)a->records[i].data, "mail1.resolver.example") == 0;
		if (a->records[i].preference == 20)
			saw20 = strcmp((const char *)a->records[i].data, "mail2.resolver.example") == 0;
	}
	ck_assert(saw10 && saw20);
	dns_answer_unref(&a);

	a = resolver_lookup(r, "v6.resolver.example", DNS_TYPE_AAAA, 0);
	static const unsigned char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x25 };
	ck_assert_uint_eq(a->records[0].len, 16);
	ck_assert(memcmp(a->records[0].data, v6, 16) == 0);
	dns_answer_unref(&a);

	a = resolver_lookup(r, "long.resolver.example", DNS_TYPE_TXT, 0);
	ck_assert_int_eq(a->status, DNS_STATUS_ANSWER);
	ck_assert_uint_eq(a->records[0].len, 300);
	ck_assert_int_eq(a->records[0].data[254], 'a');
	ck_assert_int_eq(a->records[0].data[255], 'b');
	dns_answer_unref(&a);

	/* NXDOMAIN carries the SOA minimum as its negative TTL */
	a = resolver_lookup(r, "absent.resolver.example", DNS_TYPE_A, 0);
	ck_assert_int_eq(a->status, DNS_STATUS_NXDOMAIN);
	ck_assert_uint_eq(a->ttl, 60);
	dns_answer_unref(&a);
	resolver_free(&r);
}
END_TEST

START_TEST(test_cache_hits_reach_server_once)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct resolver_stats st;
	long before = dns_fixture_queries(), after;

	ck_assert_int_ge(before, 0);
	for (int i = 0; i < 20; i++) {
		struct dns_answer *a = resolver_lookup(r, "multi.resolver.example",
						       DNS_TYPE_TXT, 0);

		ck_assert_int_eq(a->status, DNS_STATUS_ANSWER);
		dns_answer_unref(&a);
	}
	for (int i = 0; i < 5; i++) {
		struct dns_answer *a = resolver_lookup(r, "nope.resolver.example",
						       DNS_TYPE_TXT, 0);

		ck_assert_int_eq(a->status, DNS_STATUS_NXDOMAIN);
		dns_answer_unref(&a);
	}
	after = dns_fixture_queries();
	ck_assert_int_eq(after - before, 2);
	resolver_get_stats(r, &st);
	ck_assert_uint_eq(st.lookups, 25);
	ck_assert_uint_eq(st.upstream, 2);
	ck_assert_uint_eq(st.cache_hits, 23);
	/* answers by result, for the metrics endpoint; nothing left in flight */
	ck_assert_uint_eq(st.by_status[DNS_STATUS_ANSWER], 20);
	ck_assert_uint_eq(st.by_status[DNS_STATUS_NXDOMAIN], 5);
	ck_assert_uint_eq(st.by_status[DNS_STATUS_TEMPFAIL], 0);
	ck_assert_uint_eq(st.in_flight, 0);
	resolver_free(&r);
}
END_TEST

START_TEST(test_ttl_expiry_requeries)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct resolver_stats st;
	struct dns_answer *a;

	a = resolver_lookup(r, "short-ttl.resolver.example", DNS_TYPE_TXT, 0);
	ck_assert_int_eq(a->status, DNS_STATUS_ANSWER);
	ck_assert_uint_le(a->ttl, 1);
	dns_answer_unref(&a);
	a = resolver_lookup(r, "short-ttl.resolver.example", DNS_TYPE_TXT, 0);
	dns_answer_unref(&a);
	resolver_get_stats(r, &st);
	ck_assert_uint_eq(st.upstream, 1);
	ck_assert_uint_eq(st.cache_hits, 1);
	usleep(1200 * 1000);
	/* past the TTL the answer is not served from our cache any more */
	a = resolver_lookup(r, "short-ttl.resolver.example", DNS_TYPE_TXT, 0);
	ck_assert_int_eq(a->status, DNS_STATUS_ANSWER);
	dns_answer_unref(&a);
	resolver_get_stats(r, &st);
	ck_assert_uint_eq(st.upstream, 2);
	ck_assert_uint_eq(st.cache_hits, 1);
	resolver_free(&r);
}
END_TEST

START_TEST(test_servfail_is_tempfail_and_briefly_cached)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct resolver_stats st;
	struct dns_answer *a;

	a = resolver_lookup(r, "x.servfail.example", DNS_TYPE_TXT, 0);
	ck_assert_int_eq(a->status, DNS_STATUS_TEMPFAIL);
	ck_assert_uint_eq(a->count, 0);
	dns_answer_unref(&a);
	a = resolver_lookup(r, "x.servfail.example", DNS_TYPE_TXT, 0);
	ck_assert_int_eq(a->status, DNS_STATUS_TEMPFAIL);
	dns_answer_unref(&a);
	resolver_get_stats(r, &st);
	ck_assert_uint_eq(st.cache_hits, 1);
	ck_assert_uint_eq(st.upstream, 1);
	ck_assert_uint_eq(st.by_status[DNS_STATUS_TEMPFAIL], 2);
	ck_assert_uint_eq(st.by_status[DNS_STATUS_ANSWER], 0);
	resolver_free(&r);
}
END_TEST

START_TEST(test_timeout_on_silent_server)
{
	int port, fd = test_silent_udp_socket(&port);
	char ns[64];
	struct timespec t0, t1;
	struct dns_answer *a;
	struct resolver *r;

	ck_assert_int_ge(fd, 0);
	snprintf(ns, sizeof(ns), "127.0.0.1@%d", port);
	r = dns_fixture_resolver(ns, 700);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	a = resolver_lookup(r, "multi.resolver.example", DNS_TYPE_TXT, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_eq(a->status, DNS_STATUS_TEMPFAIL);
	ck_assert_str_eq(a->reason, "timeout");
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_int_ge(ms, 650);
	ck_assert_int_lt(ms, 3000);
	dns_answer_unref(&a);
	/* a per-call deadline overrides the default */
	a = resolver_lookup(r, "other.resolver.example", DNS_TYPE_TXT, 200);
	ck_assert_int_eq(a->status, DNS_STATUS_TEMPFAIL);
	dns_answer_unref(&a);
	resolver_free(&r);
	close(fd);
}
END_TEST

struct worker {
	struct resolver *r;
	int ok;
};

static void *
lookup_worker(void *arg)
{
	struct worker *w = arg;
	struct dns_answer *a = resolver_lookup(w->r, "two-txt.resolver.example",
					       DNS_TYPE_TXT, 0);

	w->ok = a->status == DNS_STATUS_ANSWER && a->count == 2;
	dns_answer_unref(&a);
	return NULL;
}

START_TEST(test_concurrent_lookups_merge)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct resolver_stats st;
	pthread_t th[16];
	struct worker w[16];
	long before = dns_fixture_queries();

	for (int i = 0; i < 16; i++) {
		w[i].r = r;
		w[i].ok = 0;
		pthread_create(&th[i], NULL, lookup_worker, &w[i]);
	}
	for (int i = 0; i < 16; i++) {
		pthread_join(th[i], NULL);
		ck_assert(w[i].ok);
	}
	resolver_get_stats(r, &st);
	ck_assert_uint_eq(st.lookups, 16);
	ck_assert_uint_eq(st.upstream, 1);
	ck_assert_uint_eq(st.merged + st.cache_hits, 15);
	ck_assert_int_eq(dns_fixture_queries() - before, 1);
	resolver_free(&r);
}
END_TEST

static const struct {
	const char *list;
	int want;
} nameserver_cases[] = {
	{ "127.0.0.1", 1 },
	{ "127.0.0.1@5353", 1 },
	{ "192.0.2.1, 192.0.2.2@53", 2 },
	{ "::1@53 [2001:db8::1]@5353", 2 },
	{ "", -1 },
	{ "ns.example.com", -1 },
	{ "127.0.0.1@", -1 },
	{ "127.0.0.1@0", -1 },
	{ "127.0.0.1@65536", -1 },
	{ "127.0.0.1@53x", -1 },
};

START_TEST(test_nameserver_syntax)
{
	const char *error = NULL;
	int got = resolver_check_nameservers(nameserver_cases[_i].list, &error);

	ck_assert_msg(got == nameserver_cases[_i].want, "'%s': got %d want %d",
		      nameserver_cases[_i].list, got, nameserver_cases[_i].want);
	if (got < 0)
		ck_assert_ptr_nonnull(error);
}
END_TEST

START_TEST(test_bad_settings_refused)
{
	struct resolver_settings s;
	const char *error = NULL;

	resolver_settings_init(&s);
	s.nameservers = "dns.example.com";
	ck_assert_ptr_null(resolver_new(&s, &error));
	ck_assert_ptr_nonnull(error);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("resolver");
	TCase *tc = tcase_create("nsd");
	TCase *syntax = tcase_create("syntax");

	tcase_add_unchecked_fixture(tc, dns_fixture_up, dns_fixture_down);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_lookup_table, 0, TEST_ROWS(cases));
	tcase_add_test(tc, test_record_contents);
	tcase_add_test(tc, test_cache_hits_reach_server_once);
	tcase_add_test(tc, test_ttl_expiry_requeries);
	tcase_add_test(tc, test_servfail_is_tempfail_and_briefly_cached);
	tcase_add_test(tc, test_timeout_on_silent_server);
	tcase_add_test(tc, test_concurrent_lookups_merge);
	tcase_add_loop_test(syntax, test_nameserver_syntax, 0,
			    TEST_ROWS(nameserver_cases));
	tcase_add_test(syntax, test_bad_settings_refused);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, syntax);
	return test_run_suite(s);
}
