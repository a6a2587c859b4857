/*
 * test_dns_cache - lifetimes, expiry, replacement and LRU eviction of the
 * DNS answer cache, driven with explicit times.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dns_cache.h"
#include "test_main.h"

static const struct dns_cache_limits limits = {
	.max_ttl = 3600, .max_negative_ttl = 900, .tempfail_ttl = 2,
};

static const struct {
	enum dns_status status;
	uint32_t ttl;
	uint32_t want;
} lifetime_cases[] = {
	{ DNS_STATUS_ANSWER, 300, 300 },
	{ DNS_STATUS_ANSWER, 86400, 3600 },	/* capped */
	{ DNS_STATUS_ANSWER, 0, 0 },		/* TTL 0: not cached */
	{ DNS_STATUS_NXDOMAIN, 60, 60 },	/* SOA minimum */
	{ DNS_STATUS_NXDOMAIN, 7200, 900 },	/* capped */
	{ DNS_STATUS_NODATA, 30, 30 },
	{ DNS_STATUS_TEMPFAIL, 0, 2 },		/* a few seconds at most */
	{ DNS_STATUS_TEMPFAIL, 9999, 2 },
};

START_TEST(test_lifetime)
{
	struct dns_answer *a;

	if (lifetime_cases[_i].status == DNS_STATUS_TEMPFAIL)
		a = dns_answer_tempfail(DNS_TYPE_TXT, "servfail");
	else if (lifetime_cases[_i].status == DNS_STATUS_ANSWER) {
		/* a one-record answer built from a wire reply */
		unsigned char pkt[] = {
			0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
			1, 'x', 0, 0, 16, 0, 1,
			0xc0, 12, 0, 16, 0, 1,
			(unsigned char)(lifetime_cases[_i].ttl >> 24),
			(unsigned char)(lifetime_cases[_i].ttl >> 16),
			(unsigned char)(lifetime_cases[_i].ttl >> 8),
			(unsigned char)lifetime_cases[_i].ttl,
			0, 2, 1, 'v',
		};
		a = dns_answer_from_wire(pkt, sizeof(pkt), DNS_TYPE_TXT);
		ck_assert_int_eq(a->status, DNS_STATUS_ANSWER);
	} else
		a = dns_answer_negative(DNS_TYPE_TXT, lifetime_cases[_i].status,
					lifetime_cases[_i].ttl);
	ck_assert_uint_eq(dns_cache_lifetime(a, &limits), lifetime_cases[_i].want);
	dns_answer_unref(&a);
	ck_assert_ptr_null(a);
}
END_TEST

START_TEST(test_get_put_expire)
{
	struct dns_cache *c = dns_cache_new(10);
	struct dns_answer *a = dns_answer_negative(DNS_TYPE_TXT, DNS_STATUS_NXDOMAIN, 60);
	struct dns_answer *got;

	ck_assert_ptr_null(dns_cache_get(c, "a.example", DNS_TYPE_TXT, 0));
	dns_cache_put(c, "a.example", DNS_TYPE_TXT, a, 1000, 61000);
	got = dns_cache_get(c, "a.example", DNS_TYPE_TXT, 60999);
	ck_assert_ptr_eq(got, a);
	dns_answer_unref(&got);
	/* another type of the same name is another key */
	ck_assert_ptr_null(dns_cache_get(c, "a.example", DNS_TYPE_A, 2000));
	/* expired exactly at the deadline, and dropped */
	ck_assert_ptr_null(dns_cache_get(c, "a.example", DNS_TYPE_TXT, 61000));
	ck_assert_uint_eq(dns_cache_count(c), 0);
	/* an already expired put is not stored */
	dns_cache_put(c, "b.example", DNS_TYPE_TXT, a, 5000, 5000);
	ck_assert_uint_eq(dns_cache_count(c), 0);
	dns_answer_unref(&a);
	dns_cache_free(&c);
	ck_assert_ptr_null(c);
}
END_TEST

START_TEST(test_replace)
{
	struct dns_cache *c = dns_cache_new(10);
	struct dns_answer *a1 = dns_answer_negative(DNS_TYPE_TXT, DNS_STATUS_NXDOMAIN, 60);
	struct dns_answer *a2 = dns_answer_negative(DNS_TYPE_TXT, DNS_STATUS_NODATA, 60);
	struct dns_answer *got;

	dns_cache_put(c, "a.example", DNS_TYPE_TXT, a1, 0, 10000);
	dns_cache_put(c, "a.example", DNS_TYPE_TXT, a2, 0, 10000);
	ck_assert_uint_eq(dns_cache_count(c), 1);
	got = dns_cache_get(c, "a.example", DNS_TYPE_TXT, 1);
	ck_assert_ptr_eq(got, a2);
	dns_answer_unref(&got);
	dns_answer_unref(&a1);
	dns_answer_unref(&a2);
	dns_cache_free(&c);
}
END_TEST

START_TEST(test_lru_eviction)
{
	struct dns_cache *c = dns_cache_new(3);
	struct dns_answer *a = dns_answer_negative(DNS_TYPE_A, DNS_STATUS_NODATA, 60);
	struct dns_answer *got;

	dns_cache_put(c, "one.example", DNS_TYPE_A, a, 0, 100000);
	dns_cache_put(c, "two.example", DNS_TYPE_A, a, 0, 100000);
	dns_cache_put(c, "three.example", DNS_TYPE_A, a, 0, 100000);
	/* touch "one": "two" is now the least recently used */
	got = dns_cache_get(c, "one.example", DNS_TYPE_A, 1);
	ck_assert_ptr_nonnull(got);
	dns_answer_unref(&got);
	dns_cache_put(c, "four.example", DNS_TYPE_A, a, 0, 100000);
	ck_assert_uint_eq(dns_cache_count(c), 3);
	ck_assert_ptr_null(dns_cache_get(c, "two.example", DNS_TYPE_A, 2));
	const char *kept[] = { "one.example", "three.example", "four.example" };

	for (size_t i = 0; i < 3; i++) {
		got = dns_cache_get(c, kept[i], DNS_TYPE_A, 2);
		ck_assert_msg(got != NULL, "%s was evicted", kept[i]);
		dns_answer_unref(&got);
	}
	dns_answer_unref(&a);
	dns_cache_free(&c);
}
END_TEST

START_TEST(test_many_entries)
{
	struct dns_cache *c = dns_cache_new(1000);
	struct dns_answer *a = dns_answer_negative(DNS_TYPE_A, DNS_STATUS_NODATA, 60);
	char name[64];

	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "n%d.example", i);
		dns_cache_put(c, name, DNS_TYPE_A, a, 0, 100000);
	}
	ck_assert_uint_eq(dns_cache_count(c), 1000);
	for (int i = 4000; i < 5000; i++) {
		struct dns_answer *got;

		snprintf(name, sizeof(name), "n%d.example", i);
		got = dns_cache_get(c, name, DNS_TYPE_A, 1);
		ck_assert_msg(got != NULL, "%s missing", name);
		dns_answer_unref(&got);
	}
	dns_answer_unref(&a);
	dns_cache_free(&c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dns_cache");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_lifetime, 0,
			    TEST_ROWS(lifetime_cases));
	tcase_add_test(tc, test_get_put_expire);
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_lru_eviction);
	tcase_add_test(tc, test_many_entries);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
