/*
 * test_dns_answer - parsing DNS replies into typed answers (rcodes, NODATA,
 * negative TTLs, joined TXT strings, malformed replies) and writing
 * answers back to wire form for libopendkim.
 */
#include <string.h>

#include "dns_answer.h"
#include "test_main.h"

/* A little packet builder: header, then appended sections. */
struct pkt {
	unsigned char b[2048];
	size_t n;
};

static void
put(struct pkt *p, const void *data, size_t len)
{
	memcpy(p->b + p->n, data, len);
	p->n += len;
}

static void
put16(struct pkt *p, unsigned v)
{
	unsigned char b[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	put(p, b, 2);
}

static void
put32(struct pkt *p, unsigned v)
{
	put16(p, v >> 16);
	put16(p, v & 0xffff);
}

/* header for "x.example" question, flags with rcode, section counts */
static void
start(struct pkt *p, unsigned rcode, unsigned an, unsigned ns, unsigned qtype)
{
	static const unsigned char qname[] = { 1, 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };

	p->n = 0;
	put16(p, 0x1234);
	put16(p, 0x8180 | rcode);
	put16(p, 1);
	put16(p, an);
	put16(p, ns);
	put16(p, 0);
	put(p, qname, sizeof(qname));
	put16(p, qtype);
	put16(p, 1);
}

/* rr owned by the question name (pointer to offset 12) */
static void
rr(struct pkt *p, unsigned type, unsigned ttl, const void *rdata, size_t len)
{
	put16(p, 0xc00c);
	put16(p, type);
	put16(p, 1);
	put32(p, ttl);
	put16(p, (unsigned)len);
	put(p, rdata, len);
}

static void
soa(struct pkt *p, unsigned ttl, unsigned minimum)
{
	/* mname, rname (pointers), serial, refresh, retry, expire, minimum */
	unsigned char rdata[24] = { 0xc0, 12, 0xc0, 12 };

	rdata[20] = (unsigned char)(minimum >> 24);
	rdata[21] = (unsigned char)(minimum >> 16);
	rdata[22] = (unsigned char)(minimum >> 8);
	rdata[23] = (unsigned char)minimum;
	rr(p, 6, ttl, rdata, sizeof(rdata));
}

START_TEST(test_a_records_and_min_ttl)
{
	struct pkt p;
	struct dns_answer *a;

	start(&p, 0, 2, 0, DNS_TYPE_A);
	rr(&p, DNS_TYPE_A, 300, "\xc0\x00\x02\x01", 4);
	rr(&p, DNS_TYPE_A, 120, "\xc0\x00\x02\x02", 4);
	a = dns_answer_from_wire(p.b, p.n, DNS_TYPE_A);
	ck_assert_int_eq(a->status, DNS_STATUS_ANSWER);
	ck_assert_uint_eq(a->count, 2);
	ck_assert_uint_eq(a->ttl, 120);
	ck_assert(memcmp(a->records[1].data, "\xc0\x00\x02\x02", 4) == 0);
	dns_answer_unref(&a);
}
END_TEST

START_TEST(test_txt_joined_and_other_types_skipped)
{
	static const unsigned char txt[] = { 7, 'v', '=', 's', 'p', 'f', '1', ' ', 4, '-', 'a', 'l', 'l' };
	static const unsigned char cname[] = { 1, 'y', 0xc0, 14 };
	struct pkt p;
	struct dns_answer *a;

	start(&p, 0, 2, 0, DNS_TYPE_TXT);
	rr(&p, 5, 60, cname, sizeof(cname));
	rr(&p, DNS_TYPE_TXT, 60, txt, sizeof(txt));
	a = dns_answer_from_wire(p.b, p.n, DNS_TYPE_TXT);
	ck_assert_int_eq(a->status, DNS_STATUS_ANSWER);
	ck_assert_uint_eq(a->count, 1);
	ck_assert_uint_eq(a->records[0].len, 11);
	ck_assert_str_eq((const char *)a->records[0].data, "v=spf1 -all");
	dns_answer_unref(&a);
}
END_TEST

static const struct {
	unsigned rcode;
	int with_soa;
	unsigned soa_ttl, soa_min;
	enum dns_status want;
	unsigned want_ttl;
	const char *want_reason;
} rcode_cases[] = {
	{ 3, 1, 300, 60, DNS_STATUS_NXDOMAIN, 60, NULL },
	{ 3, 1, 30, 60, DNS_STATUS_NXDOMAIN, 30, NULL },
	{ 3, 0, 0, 0, DNS_STATUS_NXDOMAIN, 0, NULL },
	{ 0, 1, 300, 90, DNS_STATUS_NODATA, 90, NULL },
	{ 2, 0, 0, 0, DNS_STATUS_TEMPFAIL, 0, "servfail" },
	{ 5, 0, 0, 0, DNS_STATUS_TEMPFAIL, 0, "refused" },
	{ 1, 0, 0, 0, DNS_STATUS_TEMPFAIL, 0, "formerr" },
	{ 4, 0, 0, 0, DNS_STATUS_TEMPFAIL, 0, "notimp" },
	{ 9, 0, 0, 0, DNS_STATUS_TEMPFAIL, 0, "bad-rcode" },
};

START_TEST(test_rcodes)
{
	struct pkt p;
	struct dns_answer *a;

	start(&p, rcode_cases[_i].rcode, 0, rcode_cases[_i].with_soa, DNS_TYPE_TXT);
	if (rcode_cases[_i].with_soa)
		soa(&p, rcode_cases[_i].soa_ttl, rcode_cases[_i].soa_min);
	a = dns_answer_from_wire(p.b, p.n, DNS_TYPE_TXT);
	ck_assert_int_eq(a->status, rcode_cases[_i].want);
	ck_assert_uint_eq(a->count, 0);
	if (a->status != DNS_STATUS_TEMPFAIL)
		ck_assert_uint_eq(a->ttl, rcode_cases[_i].want_ttl);
	else
		ck_assert_str_eq(a->reason, rcode_cases[_i].want_reason);
	dns_answer_unref(&a);
}
END_TEST

/* Every way a reply can be broken ends as TEMPFAIL, never as "no record". */
enum breakage { SHORT_HEADER, TRUNC_QUESTION, TRUNC_RR, BAD_A_LEN, TXT_OVERRUN, BAD_MX, TC_EMPTY };

START_TEST(test_malformed)
{
	struct pkt p = { .n = 0 };
	struct dns_answer *a;
	uint16_t type = DNS_TYPE_TXT;

	switch (_i) {
	case SHORT_HEADER:
		start(&p, 0, 0, 0, type);
		p.n = 10;
		break;
	case TRUNC_QUESTION:
		start(&p, 0, 0, 0, type);
		p.n -= 3;
		break;
	case TRUNC_RR:
		start(&p, 0, 1, 0, type);
		rr(&p, DNS_TYPE_TXT, 60, "\x03" "abc", 4);
		p.n -= 2;
		break;
	case BAD_A_LEN:
		type = DNS_TYPE_A;
		start(&p, 0, 1, 0, type);
		rr(&p, DNS_TYPE_A, 60, "\x01\x02\x03", 3);
		break;
	case TXT_OVERRUN:
		start(&p, 0, 1, 0, type);
		rr(&p, DNS_TYPE_TXT, 60, "\x09" "abc", 4);
		break;
	case BAD_MX:
		type = DNS_TYPE_MX;
		start(&p, 0, 1, 0, type);
		rr(&p, DNS_TYPE_MX, 60, "\x00\x0a\x05" "ab", 5);
		break;
	case TC_EMPTY:
		start(&p, 0, 0, 0, type);
		p.b[2] |= 0x02;
		break;
	}
	a = dns_answer_from_wire(p.b, p.n, type);
	ck_assert_msg(a->status == DNS_STATUS_TEMPFAIL, "case %d gave %s", _i,
		      dns_answer_status_name(a->status));
	dns_answer_unref(&a);
}
END_TEST

/* to_wire and back gives the same records, for each type */
START_TEST(test_wire_round_trip)
{
	static const unsigned char mx[] = { 0, 10, 4, 'm', 'a', 'i', 'l', 0xc0, 14 };
	static const unsigned char ptr[] = { 4, 'h', 'o', 's', 't', 0xc0, 14 };
	unsigned char txt[1 + 255 + 1 + 45];
	unsigned char out[1024];
	struct pkt p;
	struct dns_answer *a, *b;
	size_t n;
	uint16_t types[] = { DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_MX, DNS_TYPE_PTR, DNS_TYPE_TXT };

	txt[0] = 255;
	memset(txt + 1, 'a', 255);
	txt[256] = 45;
	memset(txt + 257, 'b', 45);
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		start(&p, 0, 1, 0, types[t]);
		switch (types[t]) {
		case DNS_TYPE_A: rr(&p, types[t], 99, "\xc6\x33\x64\x07", 4); break;
		case DNS_TYPE_AAAA: rr(&p, types[t], 99, "\x20\x01\x0d\xb8" "abcdefghijkl", 16); break;
		case DNS_TYPE_MX: rr(&p, types[t], 99, mx, sizeof(mx)); break;
		case DNS_TYPE_PTR: rr(&p, types[t], 99, ptr, sizeof(ptr)); break;
		case DNS_TYPE_TXT: rr(&p, types[t], 99, txt, sizeof(txt)); break;
		}
		a = dns_answer_from_wire(p.b, p.n, types[t]);
		ck_assert_int_eq(a->status, DNS_STATUS_ANSWER);
		n = dns_answer_to_wire(a, "x.example", out, sizeof(out));
		ck_assert_uint_gt(n, 0);
		b = dns_answer_from_wire(out, n, types[t]);
		ck_assert_int_eq(b->status, DNS_STATUS_ANSWER);
		ck_assert_uint_eq(b->count, 1);
		ck_assert_uint_eq(b->ttl, 99);
		ck_assert_uint_eq(b->records[0].len, a->records[0].len);
		ck_assert(memcmp(b->records[0].data, a->records[0].data, a->records[0].len) == 0);
		ck_assert_uint_eq(b->records[0].preference, a->records[0].preference);
		dns_answer_unref(&a);
		dns_answer_unref(&b);
	}
	/* the MX target decompressed to a full name */
	start(&p, 0, 1, 0, DNS_TYPE_MX);
	rr(&p, DNS_TYPE_MX, 99, mx, sizeof(mx));
	a = dns_answer_from_wire(p.b, p.n, DNS_TYPE_MX);
	ck_assert_str_eq((const char *)a->records[0].data, "mail.example");
	dns_answer_unref(&a);
}
END_TEST

START_TEST(test_negative_to_wire_rcodes)
{
	unsigned char out[512];
	struct dns_answer *nx = dns_answer_negative(DNS_TYPE_TXT, DNS_STATUS_NXDOMAIN, 60);
	struct dns_answer *tf = dns_answer_tempfail(DNS_TYPE_TXT, "timeout");
	struct dns_answer *nd = dns_answer_negative(DNS_TYPE_TXT, DNS_STATUS_NODATA, 60);
	size_t n;

	n = dns_answer_to_wire(nx, "sel._domainkey.example", out, sizeof(out));
	ck_assert_uint_gt(n, 12);
	ck_assert_uint_eq(out[3] & 0x0f, 3);
	n = dns_answer_to_wire(tf, "sel._domainkey.example", out, sizeof(out));
	ck_assert_uint_eq(out[3] & 0x0f, 2);
	n = dns_answer_to_wire(nd, "sel._domainkey.example", out, sizeof(out));
	ck_assert_uint_eq(out[3] & 0x0f, 0);
	ck_assert_uint_eq(out[7], 0);
	/* too small a buffer is refused, not overrun */
	ck_assert_uint_eq(dns_answer_to_wire(nx, "sel._domainkey.example", out, 20), 0);
	dns_answer_unref(&nx);
	dns_answer_unref(&tf);
	dns_answer_unref(&nd);
}
END_TEST

START_TEST(test_refcount_and_oom_answer)
{
	struct dns_answer *a = dns_answer_tempfail(DNS_TYPE_A, "x");
	struct dns_answer *b = dns_answer_ref(a);
	struct dns_answer *oom = dns_answer_oom(), *oom2 = dns_answer_ref(oom);

	dns_answer_unref(&a);
	ck_assert_ptr_null(a);
	ck_assert_str_eq(b->reason, "x");	/* still alive through b */
	dns_answer_unref(&b);
	dns_answer_unref(&oom2);
	dns_answer_unref(&oom);
	ck_assert_int_eq(dns_answer_oom()->status, DNS_STATUS_TEMPFAIL);
	dns_answer_unref(&a);	/* NULL is fine */
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dns_answer");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_a_records_and_min_ttl);
	tcase_add_test(tc, test_txt_joined_and_other_types_skipped);
	tcase_add_loop_test(tc, test_rcodes, 0, TEST_ROWS(rcode_cases));
	tcase_add_loop_test(tc, test_malformed, SHORT_HEADER, TC_EMPTY + 1);
	tcase_add_test(tc, test_wire_round_trip);
	tcase_add_test(tc, test_negative_to_wire_rcodes);
	tcase_add_test(tc, test_refcount_and_oom_answer);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
