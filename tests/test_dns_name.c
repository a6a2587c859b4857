/*
 * test_dns_name - canonical names, wire encoding and decoding including
 * compression pointers and hostile packets.
 */
#include <string.h>

#include "dns_name.h"
#include "test_main.h"

static const struct {
	const char *in;
	const char *want;	/* NULL: must be refused */
	int query;		/* dns_name_normalize_query, not dns_name_normalize */
} normalize_cases[] = {
	{ "Example.COM", "example.com", 0 },
	{ "example.com.", "example.com", 0 },
	{ "a", "a", 0 },
	{ "_dmarc.Example.org", "_dmarc.example.org", 0 },
	{ "xn--bcher-kva.example", "xn--bcher-kva.example", 0 },
	{ "", NULL, 0 },
	{ ".", NULL, 0 },
	{ "a..b", NULL, 0 },
	{ ".a", NULL, 0 },
	{ "a b.example", NULL, 0 },
	{ "a\tb.example", NULL, 0 },
	{ "b\xc3\xbc" "cher.example", NULL, 0 },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example", NULL, 0 },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example", 0 },
	/* names to look up may hold a space (RFC 2181 11), nothing lower */
	{ "Macro%Percent  Space%20url-space.Example.com",
	  "macro%percent  space%20url-space.example.com", 1 },
	{ "a b.example", "a b.example", 1 },
	{ "a\tb.example", NULL, 1 },
	{ "a\x7f.example", NULL, 1 },
	{ "b\xc3\xbc" "cher.example", NULL, 1 },
	{ "bad..name.example", NULL, 1 },
	{ "", NULL, 1 },
};

START_TEST(test_normalize)
{
	char out[DNS_NAME_BUFSIZE];
	const char *error = NULL;
	int rc = (normalize_cases[_i].query ? dns_name_normalize_query : dns_name_normalize)
	    (normalize_cases[_i].in, out, sizeof(out), &error);

	if (normalize_cases[_i].want == NULL) {
		ck_assert_msg(rc == -1, "'%s' accepted as '%s'", normalize_cases[_i].in, out);
		ck_assert_ptr_nonnull(error);
	} else {
		ck_assert_msg(rc == 0, "'%s' refused: %s", normalize_cases[_i].in, error);
		ck_assert_str_eq(out, normalize_cases[_i].want);
	}
}
END_TEST

START_TEST(test_overlong_name)
{
	char name[300], out[DNS_NAME_BUFSIZE];
	const char *error;

	memset(name, 'a', sizeof(name) - 1);
	for (int i = 10; i < 299; i += 10)
		name[i] = '.';
	name[299] = '\0';
	ck_assert_int_eq(dns_name_normalize(name, out, sizeof(out), &error), -1);
}
END_TEST

static const struct {
	const char *name;
	size_t wire_len;
	const char *decoded;	/* how it reads back */
} wire_cases[] = {
	{ "example.com", 13, "example.com" },
	{ "a", 3, "a" },
	{ ".", 1, "." },
	{ "with\\.dot.example", 18, "with\\046dot.example" },
	{ "\\065bc.example", 13, "abc.example" },
	{ "a..b", 0, NULL },
};

START_TEST(test_wire_round_trip)
{
	unsigned char wire[DNS_WIRE_NAME_MAX + 1];
	char back[DNS_NAME_BUFSIZE];
	size_t n = dns_name_to_wire(wire_cases[_i].name, wire, sizeof(wire)), off = 0;

	ck_assert_uint_eq(n, wire_cases[_i].wire_len);
	if (n == 0)
		return;
	ck_assert_int_eq(dns_name_from_wire(wire, n, &off, back, sizeof(back)), 0);
	ck_assert_uint_eq(off, n);
	ck_assert_str_eq(back, wire_cases[_i].decoded);
}
END_TEST

START_TEST(test_compression)
{
	/* "example.com" at 0, then "www" + pointer to 0 at 13 */
	static const unsigned char pkt[] = {
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		3, 'w', 'w', 'w', 0xc0, 0,
	};
	char out[DNS_NAME_BUFSIZE];
	size_t off = 13;

	ck_assert_int_eq(dns_name_from_wire(pkt, sizeof(pkt), &off, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "www.example.com");
	ck_assert_uint_eq(off, sizeof(pkt));
	off = 13;
	ck_assert_int_eq(dns_name_skip(pkt, sizeof(pkt), &off), 0);
	ck_assert_uint_eq(off, sizeof(pkt));
}
END_TEST

static const struct {
	unsigned char pkt[8];
	size_t len;
} hostile_cases[] = {
	{ { 0xc0, 0 }, 2 },			/* pointer to itself */
	{ { 1, 'a', 0xc0, 2 }, 4 },		/* pointer to itself, later */
	{ { 1, 'a', 0xc0, 5 }, 4 },		/* forward pointer */
	{ { 5, 'a', 'b' }, 3 },			/* label past the end */
	{ { 1, 'a' }, 2 },			/* no terminating label */
	{ { 0x40, 'a', 0 }, 3 },		/* extended label type */
	{ { 0xc0 }, 1 },			/* truncated pointer */
};

START_TEST(test_hostile_packets)
{
	char out[DNS_NAME_BUFSIZE];
	size_t off = 0;

	ck_assert_int_eq(dns_name_from_wire(hostile_cases[_i].pkt, hostile_cases[_i].len,
					    &off, out, sizeof(out)), -1);
}
END_TEST

/* 255 octets on the wire with the root label is the most a name may take
 * (RFC 1035 2.3.4); one more is refused (found by fuzz_dns_answer). */
START_TEST(test_wire_length_limit)
{
	unsigned char pkt[300];
	char out[DNS_NAME_BUFSIZE];
	const int last[2] = { 61, 62 };	/* 255 and 256 octets in all */
	size_t n = 0, off = 0;

	for (int l = 0; l < 4; l++) {
		int len = l < 3 ? 63 : last[_i];

		pkt[n++] = (unsigned char)len;
		memset(pkt + n, 'a', (size_t)len);
		n += (size_t)len;
	}
	pkt[n++] = 0;
	ck_assert_uint_eq(n, _i == 0 ? 255 : 256);
	ck_assert_int_eq(dns_name_from_wire(pkt, n, &off, out, sizeof(out)), _i == 0 ? 0 : -1);
}
END_TEST

START_TEST(test_pointer_loop_bounded)
{
	/* label "a" then a pointer back to 0: a loop that only the length
	 * bound can end */
	static const unsigned char pkt[] = { 1, 'a', 0xc0, 0 };
	char out[DNS_NAME_BUFSIZE];
	size_t off = 0;

	ck_assert_int_eq(dns_name_from_wire(pkt, sizeof(pkt), &off, out, sizeof(out)), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dns_name");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_normalize, 0, TEST_ROWS(normalize_cases));
	tcase_add_test(tc, test_overlong_name);
	tcase_add_loop_test(tc, test_wire_round_trip, 0, TEST_ROWS(wire_cases));
	tcase_add_test(tc, test_compression);
	tcase_add_loop_test(tc, test_hostile_packets, 0, TEST_ROWS(hostile_cases));
	tcase_add_test(tc, test_pointer_loop_bounded);
	tcase_add_loop_test(tc, test_wire_length_limit, 0, 2);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
