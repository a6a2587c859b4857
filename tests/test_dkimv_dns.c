/*
 * test_dkimv_dns - the DNS hooks dkimv gives libopendkim, on their
 * own against a real nsd serving tests/zones/dkim.example.zone: answers,
 * NXDOMAIN, NODATA, SERVFAIL and unserved types as libopendkim sees
 * them, a reply buffer too small, and deadlines (ours, or libopendkim's
 * wait when that is shorter) against a silent server.
 */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <opendkim/dkim.h>

#include "dkimv_dns.h"
#include "dns_answer.h"
#include "dns_fixture.h"
#include "nsd_server.h"
#include "resolver.h"
#include "test_main.h"

/* The hooks as libopendkim calls them: start, waitreply, cancel. */
static const struct {
	const char *name;
	int type;
	int start, wait;	/* DKIM_DNS_* from start and waitreply */
	int rcode, ancount;
} hook_cases[] = {
	{ "rsa2048._domainkey.dkim.example", 16, DKIM_DNS_SUCCESS, DKIM_DNS_SUCCESS, 0, 1 },
	{ "RSA2048._DomainKey.DKIM.Example", 16, DKIM_DNS_SUCCESS, DKIM_DNS_SUCCESS, 0, 1 },
	{ "absent._domainkey.dkim.example", 16, DKIM_DNS_SUCCESS, DKIM_DNS_SUCCESS, 3, 0 },
	{ "nodata._domainkey.dkim.example", 16, DKIM_DNS_SUCCESS, DKIM_DNS_SUCCESS, 0, 0 },
	{ "bad..name.dkim.example", 16, DKIM_DNS_SUCCESS, DKIM_DNS_SUCCESS, 3, 0 },
	{ "rsa2048._domainkey.servfail-dkim.example", 16, DKIM_DNS_SUCCESS, DKIM_DNS_ERROR,
	  -1, -1 },
	{ "ns.dkim.example", 1, DKIM_DNS_SUCCESS, DKIM_DNS_SUCCESS, 0, 1 },
	{ "ns.dkim.example", 99, DKIM_DNS_ERROR, -1, -1, -1 },	/* type not served */
};

START_TEST(test_dns_hooks)
{
	struct resolver *r = dns_fixture_resolver(NULL, 3000);
	struct dkimv_dns *dns = dkimv_dns_new(r, 0);
	unsigned char buf[8192];
	size_t len = 12345;
	int error = -1, dnssec = 5, st;
	void *qh = NULL;

	st = dkimv_dns_start(dns, hook_cases[_i].type, (unsigned char *)hook_cases[_i].name,
			     buf, sizeof(buf), &qh);
	ck_assert_int_eq(st, hook_cases[_i].start);
	if (st == DKIM_DNS_SUCCESS) {
		st = dkimv_dns_waitreply(dns, qh, NULL, &len, &error, &dnssec);
		ck_assert_msg(st == hook_cases[_i].wait, "%s: waitreply %d", hook_cases[_i].name, st);
		ck_assert_int_eq(error, 0);
		ck_assert_int_eq(dnssec, DKIM_DNSSEC_UNKNOWN);
		if (st == DKIM_DNS_SUCCESS) {
			ck_assert_uint_ge(len, 17);
			ck_assert_int_eq(buf[3] & 0x0f, hook_cases[_i].rcode);
			ck_assert_int_eq((buf[4] << 8) | buf[5], 1);	/* the question */
			ck_assert_int_eq((buf[6] << 8) | buf[7], hook_cases[_i].ancount);
			if (hook_cases[_i].type == 16 && hook_cases[_i].ancount == 1) {
				struct dns_answer *a = dns_answer_from_wire(buf, len, 16);

				ck_assert_int_eq(a->status, DNS_STATUS_ANSWER);
				ck_assert(strncmp((const char *)a->records[0].data,
						  "v=DKIM1; k=rsa; p=MIIB", 22) == 0);
				ck_assert_uint_eq(a->records[0].len, 18 + 392);
				dns_answer_unref(&a);
			}
		} else
			ck_assert_uint_eq(len, 0);
		/* asking again gives the same without a second look-up */
		ck_assert_int_eq(dkimv_dns_waitreply(dns, qh, NULL, NULL, NULL, NULL), st);
		ck_assert_int_eq(dkimv_dns_cancel(dns, qh), 0);
	}
	dkimv_dns_free(&dns);
	ck_assert_ptr_null(dns);
	resolver_free(&r);
}
END_TEST

START_TEST(test_dns_small_buffer)
{
	struct resolver *r = dns_fixture_resolver(NULL, 3000);
	struct dkimv_dns *dns = dkimv_dns_new(r, 0);
	unsigned char buf[64];
	void *qh;

	ck_assert_int_eq(dkimv_dns_start(dns, 16, (unsigned char *)"rsa2048._domainkey.dkim.example",
					 buf, sizeof(buf), &qh), DKIM_DNS_SUCCESS);
	ck_assert_int_eq(dkimv_dns_waitreply(dns, qh, NULL, NULL, NULL, NULL), DKIM_DNS_ERROR);
	dkimv_dns_cancel(dns, qh);
	dkimv_dns_free(&dns);
	resolver_free(&r);
}
END_TEST

/* Deadlines: ours, or libopendkim's wait when that is shorter. */
static const struct {
	unsigned ours_ms;
	long wait_ms;		/* -1: NULL */
	long min_ms, max_ms;
} wait_cases[] = {
	{ 300, -1, 250, 1500 },
	{ 5000, 200, 150, 1500 },
	{ 200, 5000, 150, 1500 },
};

START_TEST(test_dns_expired)
{
	int port, fd = test_silent_udp_socket(&port);
	struct dkimv_dns *dns;
	struct resolver *r;
	struct timeval tv = { wait_cases[_i].wait_ms / 1000, (wait_cases[_i].wait_ms % 1000) * 1000 };
	struct timespec t0, t1;
	unsigned char buf[512];
	char ns[64];
	void *qh;
	long ms;

	snprintf(ns, sizeof(ns), "127.0.0.1@%d", port);
	r = dns_fixture_resolver(ns, 10000);
	dns = dkimv_dns_new(r, wait_cases[_i].ours_ms);
	ck_assert_int_eq(dkimv_dns_start(dns, 16, (unsigned char *)"x._domainkey.dkim.example",
					 buf, sizeof(buf), &qh), DKIM_DNS_SUCCESS);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(dkimv_dns_waitreply(dns, qh, wait_cases[_i].wait_ms < 0 ? NULL : &tv,
					     NULL, NULL, NULL), DKIM_DNS_EXPIRED);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_int_ge(ms, wait_cases[_i].min_ms);
	ck_assert_int_lt(ms, wait_cases[_i].max_ms);
	dkimv_dns_cancel(dns, qh);
	dkimv_dns_free(&dns);
	resolver_free(&r);
	close(fd);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dkimv_dns");
	TCase *tc = tcase_create("nsd");

	tcase_add_unchecked_fixture(tc, dns_fixture_up, dns_fixture_down);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_dns_hooks, 0, TEST_ROWS(hook_cases));
	tcase_add_test(tc, test_dns_small_buffer);
	tcase_add_loop_test(tc, test_dns_expired, 0, TEST_ROWS(wait_cases));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
