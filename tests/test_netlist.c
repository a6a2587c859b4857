/*
 * test_netlist - CIDR list parsing and address matching.
 */
#include <stdio.h>
#include <stdlib.h>

#include "netlist.h"
#include "test_main.h"

static const struct {
	const char *list;
	const char *address;
	int want;
} match_cases[] = {
	{ "127.0.0.0/8", "127.0.0.1", 1 },
	{ "127.0.0.0/8", "127.255.255.254", 1 },
	{ "127.0.0.0/8", "128.0.0.1", 0 },
	{ "127.0.0.0/8", "::ffff:127.0.0.1", 1 },
	{ "::1", "::1", 1 },
	{ "::1/128", "::2", 0 },
	{ "192.0.2.0/24, 198.51.100.7", "198.51.100.7", 1 },
	{ "192.0.2.0/24, 198.51.100.7", "198.51.100.8", 0 },
	{ "192.0.2.128/25", "192.0.2.127", 0 },
	{ "192.0.2.128/25", "192.0.2.200", 1 },
	{ "2001:db8::/32", "2001:db8:ffff::1", 1 },
	{ "2001:db8::/32", "2001:db9::1", 0 },
	{ "0.0.0.0/0", "203.0.113.9", 1 },
	{ "0.0.0.0/0", "2001:db8::1", 0 },
	{ "::/0", "2001:db8::1", 1 },
	{ "10.0.0.0/8", "not-an-address", 0 },
	{ "", "127.0.0.1", 0 },
	{ "192.0.2.0/31", "192.0.2.1", 1 },
	{ "192.0.2.0/31", "192.0.2.2", 0 },
	{ "2001:db8::/127", "2001:db8::1", 1 },
	/* several prefix lengths in one list: each is tried */
	{ "10.1.0.0/16 192.0.2.1 10.0.0.0/8 2001:db8::/48", "10.200.0.1", 1 },
	{ "10.1.0.0/16 192.0.2.1 10.0.0.0/8 2001:db8::/48", "192.0.2.1", 1 },
	{ "10.1.0.0/16 192.0.2.1 10.0.0.0/8 2001:db8::/48", "192.0.2.2", 0 },
	{ "10.1.0.0/16 192.0.2.1 10.0.0.0/8 2001:db8::/48", "2001:db8:0:ffff::1", 1 },
	{ "10.1.0.0/16 192.0.2.1 10.0.0.0/8 2001:db8::/48", "2001:db8:1::1", 0 },
};

START_TEST(test_match)
{
	const char *error = NULL;
	struct netlist *l = netlist_parse(match_cases[_i].list, &error);

	ck_assert_msg(l != NULL, "%s: %s", match_cases[_i].list, error);
	ck_assert_msg(netlist_match(l, match_cases[_i].address) == match_cases[_i].want,
		      "%s in %s: want %d", match_cases[_i].address, match_cases[_i].list,
		      match_cases[_i].want);
	netlist_free(&l);
	ck_assert_ptr_null(l);
}
END_TEST

static const char *const bad_lists[] = {
	"192.0.2.0/33", "192.0.2.1/24", "2001:db8::1/64", "example.com",
	"192.0.2.0/", "192.0.2.0/x", "300.1.1.1", "2001:db8::/129", "192.0.2.0/-1",
};

START_TEST(test_bad)
{
	const char *error = NULL;
	struct netlist *l = netlist_parse(bad_lists[_i], &error);

	ck_assert_msg(l == NULL, "%s accepted", bad_lists[_i]);
	ck_assert_ptr_nonnull(error);
}
END_TEST

START_TEST(test_append_and_count)
{
	const char *error;
	struct netlist *l = netlist_parse("127.0.0.0/8 ::1", &error);

	ck_assert_uint_eq(netlist_count(l), 2);
	ck_assert_int_eq(netlist_append(l, "192.0.2.0/24", &error), 0);
	ck_assert_uint_eq(netlist_count(l), 3);
	ck_assert_int_eq(netlist_match(l, "192.0.2.44"), 1);
	ck_assert_int_eq(netlist_append(l, "bogus", &error), -1);
	netlist_free(&l);
	ck_assert_uint_eq(netlist_count(NULL), 0);
	ck_assert_int_eq(netlist_match(NULL, "127.0.0.1"), 0);
}
END_TEST

/* a network given again is kept once, however it is written (issue 19) */
static const struct {
	const char *list;
	size_t want;
} count_cases[] = {
	{ "", 0 },
	{ "10.0.0.0/8 10.0.0.0/8", 1 },
	{ "192.0.2.1 192.0.2.1/32 ::ffff:192.0.2.1", 1 },
	{ "10.0.0.0/8 10.0.0.0/9", 2 },
	{ "2001:db8::/32, 2001:DB8:0::/32", 1 },
};

START_TEST(test_count)
{
	const char *error = NULL;
	struct netlist *l = netlist_parse(count_cases[_i].list, &error);

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(netlist_append(l, count_cases[_i].list, &error), 0);
	ck_assert_uint_eq(netlist_count(l), count_cases[_i].want);
	netlist_free(&l);
}
END_TEST

/* many networks, added one by one: every one is found, and no other */
START_TEST(test_many)
{
	const char *error = NULL;
	struct netlist *l = netlist_parse("", &error);
	char entry[64];

	for (int i = 0; i < 4096; i++) {
		snprintf(entry, sizeof(entry), i % 2 ? "10.%d.%d.0/24" : "10.%d.%d.1", i / 256,
			 i % 256);
		ck_assert_int_eq(netlist_append(l, entry, &error), 0);
	}
	ck_assert_uint_eq(netlist_count(l), 4096);
	for (int i = 0; i < 4096; i++) {
		snprintf(entry, sizeof(entry), "10.%d.%d.1", i / 256, i % 256);
		ck_assert_int_eq(netlist_match(l, entry), 1);
		snprintf(entry, sizeof(entry), "10.%d.%d.2", i / 256, i % 256);
		ck_assert_int_eq(netlist_match(l, entry), i % 2);
	}
	ck_assert_int_eq(netlist_match(l, "10.16.0.1"), 0);
	netlist_free(&l);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("netlist");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_match, 0, TEST_ROWS(match_cases));
	tcase_add_loop_test(tc, test_bad, 0, TEST_ROWS(bad_lists));
	tcase_add_test(tc, test_append_and_count);
	tcase_add_loop_test(tc, test_count, 0, TEST_ROWS(count_cases));
	tcase_add_test(tc, test_many);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
