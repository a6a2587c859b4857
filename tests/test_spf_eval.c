/*
 * test_spf_eval - SPF results from libspf2 over our resolver against a
 * real nsd serving tests/zones/spf.example.zone and the reverse zone
 * 100.51.198.in-addr.arpa: every result, the RFC 7208 look-up limits,
 * libspf2's quirks mapped (invalid/DNS error, syntax errors, loopback),
 * the null sender, refused inputs and records (CVE-2023-42118), the time
 * budget against a silent server, and checks on many threads at once.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dns_fixture.h"
#include "nsd_server.h"
#include "resolver.h"
#include "spf_eval.h"

#define IN4 "192.0.2.1"		/* inside pass4's ip4:192.0.2.0/24 */
#define OUT4 "203.0.113.5"	/* outside every record */
#define IN6 "2001:db8::1"
#define LONG_LOCAL "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"	/* 65 */
#define LOCAL60 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define LABEL64 "llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"

static struct spf_eval *
evaluator_for(struct resolver *r)
{
	const char *error = NULL;
	struct spf_eval *ev = spf_eval_new(r, &error);

	ck_assert_msg(ev != NULL, "spf_eval_new: %s", error ? error : "?");
	return ev;
}

/*
 * One row per check. helo defaults to none; identity to "mailfrom" unless
 * the sender is null; terms (DNS-querying terms counted) is checked when
 * not 0; want_helo when check_helo is set.
 */
static const struct {
	const char *ip, *helo, *from;
	enum spf_eval_result want;
	const char *identity, *domain;
	unsigned terms;
	int check_helo;
	enum spf_eval_result want_helo;
} cases[] = {
#define C(ip_, helo_, from_, want_, ...) \
	{ .ip = ip_, .helo = helo_, .from = from_, .want = want_, __VA_ARGS__ }
	/* plain results */
	C(IN4, NULL, "user@pass4.spf.example", SPF_EVAL_PASS),
	C(OUT4, NULL, "user@pass4.spf.example", SPF_EVAL_FAIL),
	C(IN6, NULL, "user@pass6.spf.example", SPF_EVAL_PASS),
	C(IN6, NULL, "user@pass4.spf.example", SPF_EVAL_FAIL),
	C(OUT4, NULL, "user@softfail.spf.example", SPF_EVAL_SOFTFAIL),
	C(OUT4, NULL, "user@neutral.spf.example", SPF_EVAL_NEUTRAL),
	C(OUT4, NULL, "user@bare.spf.example", SPF_EVAL_NEUTRAL),
	C(OUT4, NULL, "user@no-spf.spf.example", SPF_EVAL_NONE),
	C(OUT4, NULL, "user@other-txt.spf.example", SPF_EVAL_NONE),
	C(OUT4, NULL, "user@absent.spf.example", SPF_EVAL_NONE),
	C(OUT4, NULL, "user@two.spf.example", SPF_EVAL_PERMERROR),
	C(OUT4, NULL, "user@syntax.spf.example", SPF_EVAL_PERMERROR),
	/* a and mx */
	C("203.0.113.10", NULL, "user@a-self.spf.example", SPF_EVAL_PASS, .terms = 1),
	C(OUT4, NULL, "user@a-self.spf.example", SPF_EVAL_FAIL),
	C("198.51.100.77", NULL, "user@a-cidr.spf.example", SPF_EVAL_PASS),
	C("203.0.113.21", NULL, "user@mx.spf.example", SPF_EVAL_PASS, .terms = 1),
	C(OUT4, NULL, "user@mx.spf.example", SPF_EVAL_FAIL, .terms = 1),
	C(OUT4, NULL, "user@mx11.spf.example", SPF_EVAL_PERMERROR),
	C(OUT4, NULL, "user@mx10.spf.example", SPF_EVAL_FAIL),
	/* include and redirect */
	C("203.0.113.7", NULL, "user@include.spf.example", SPF_EVAL_PASS, .terms = 1),
	C("198.51.100.9", NULL, "user@include.spf.example", SPF_EVAL_FAIL),
	C(OUT4, NULL, "user@include-none.spf.example", SPF_EVAL_PERMERROR),
	C(OUT4, NULL, "user@loop-a.spf.example", SPF_EVAL_PERMERROR),
	C("203.0.113.7", NULL, "user@redirect.spf.example", SPF_EVAL_PASS),
	C("198.51.100.9", NULL, "user@redirect.spf.example", SPF_EVAL_FAIL),
	/* limits */
	C(OUT4, NULL, "user@terms10.spf.example", SPF_EVAL_FAIL, .terms = 10),
	C(OUT4, NULL, "user@terms11.spf.example", SPF_EVAL_PERMERROR, .terms = 11),
	C(OUT4, NULL, "user@terms-inc.spf.example", SPF_EVAL_PERMERROR, .terms = 11),
	C(OUT4, NULL, "user@voids2.spf.example", SPF_EVAL_FAIL),
	C(OUT4, NULL, "user@voids3.spf.example", SPF_EVAL_PERMERROR),
	/* exists with macros */
	C("203.0.113.50", NULL, "user@exists.spf.example", SPF_EVAL_PASS),
	C(OUT4, NULL, "user@exists.spf.example", SPF_EVAL_FAIL),
	C(OUT4, NULL, "alice@exists-l.spf.example", SPF_EVAL_PASS),
	C(OUT4, NULL, "bob@exists-l.spf.example", SPF_EVAL_FAIL),
	C(OUT4, "ok.test", "user@h-macro.spf.example", SPF_EVAL_PASS),
	C(OUT4, "bad.test", "user@h-macro.spf.example", SPF_EVAL_FAIL),
	C(OUT4, NULL, LOCAL60 "@trunc.spf.example", SPF_EVAL_PASS),
	/* ptr, and %{p}: its look-ups belong to the exists term */
	C("198.51.100.10", NULL, "user@ptr.spf.example", SPF_EVAL_PASS, .terms = 1),
	C("198.51.100.11", NULL, "user@ptr.spf.example", SPF_EVAL_FAIL),
	C("198.51.100.20", NULL, "user@ptr11.spf.example", SPF_EVAL_FAIL),
	C("198.51.100.10", NULL, "user@pmacro.spf.example", SPF_EVAL_PASS, .terms = 1),
	/* temporary failures */
	C(OUT4, NULL, "user@spf.servfail.example", SPF_EVAL_TEMPERROR),
	C(OUT4, NULL, "user@inc-servfail.spf.example", SPF_EVAL_TEMPERROR),
	C(OUT4, NULL, "user@a-servfail.spf.example", SPF_EVAL_TEMPERROR),
	/* the null sender: postmaster@HELO */
	C(IN4, "pass4.spf.example", "", SPF_EVAL_PASS, .identity = "helo",
	  .domain = "pass4.spf.example"),
	C(OUT4, "pass4.spf.example", NULL, SPF_EVAL_FAIL, .identity = "helo",
	  .domain = "pass4.spf.example"),
	C(OUT4, NULL, "", SPF_EVAL_NONE, .identity = "helo"),
	C(IN4, "[192.0.2.1]", "", SPF_EVAL_NONE, .identity = "helo"),
	/* also HELO when asked */
	C(IN4, "neutral.spf.example", "user@pass4.spf.example", SPF_EVAL_PASS,
	  .check_helo = 1, .want_helo = SPF_EVAL_NEUTRAL),
	/* client and domain spellings */
	C("::ffff:192.0.2.1", NULL, "user@pass4.spf.example", SPF_EVAL_PASS),
	C("::ffff:203.0.113.5", NULL, "user@pass4.spf.example", SPF_EVAL_FAIL),
	C(IN4, NULL, "User@PASS4.Spf.Example.", SPF_EVAL_PASS, .domain = "pass4.spf.example"),
	C(IN4, NULL, "pass4.spf.example", SPF_EVAL_PASS),
	C("127.0.0.1", NULL, "user@pass4.spf.example", SPF_EVAL_PASS),	/* libspf2 */
	/* an explanation costs no look-up */
	C(OUT4, NULL, "user@exp.spf.example", SPF_EVAL_FAIL),
	/* refused inputs and records */
	C(OUT4, NULL, "user@cve.spf.example", SPF_EVAL_PERMERROR),
	C(OUT4, NULL, LONG_LOCAL "@exists-l.spf.example", SPF_EVAL_PERMERROR),
	C(IN4, NULL, LONG_LOCAL "@pass4.spf.example", SPF_EVAL_PASS),
	C(OUT4, NULL, "j\xc3\xb6rg@exists-l.spf.example", SPF_EVAL_PERMERROR),
	C(IN4, NULL, "j\xc3\xb6rg@pass4.spf.example", SPF_EVAL_PASS),
	/* a HELO with a space expands (RFC 7208 suite: invalid-hello-macro) */
	C(OUT4, "bad helo", "user@h-macro.spf.example", SPF_EVAL_FAIL),
	C(OUT4, "bad\x01helo", "user@h-macro.spf.example", SPF_EVAL_PERMERROR),
	C(IN4, NULL, "user@" LABEL64 ".spf.example", SPF_EVAL_NONE),
	C(IN4, NULL, "user@localhost", SPF_EVAL_NONE),
	C(IN4, NULL, "user@[192.0.2.1]", SPF_EVAL_NONE),
#undef C
};

START_TEST(test_check_table)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct spf_eval *ev = evaluator_for(r);
	struct spf_eval_request req = {
		.client_ip = cases[_i].ip, .helo = cases[_i].helo,
		.mail_from = cases[_i].from, .receiver = "mx.test",
		.timeout_ms = 10000, .check_helo = cases[_i].check_helo,
	};
	struct spf_eval_outcome out;
	const char *identity = cases[_i].identity;
	int errors;

	ck_assert_int_eq(spf_eval_check(ev, &req, &out), 0);
	ck_assert_msg(out.result == cases[_i].want, "%s from %s: got %s want %s (%s)",
		      cases[_i].from ? cases[_i].from : "<>", cases[_i].ip,
		      spf_eval_result_name(out.result),
		      spf_eval_result_name(cases[_i].want), out.problem);
	if (identity == NULL)
		identity = cases[_i].from == NULL || *cases[_i].from == '\0' ? "helo" : "mailfrom";
	ck_assert_str_eq(out.identity, identity);
	if (cases[_i].domain != NULL)
		ck_assert_str_eq(out.domain, cases[_i].domain);
	if (cases[_i].terms != 0)
		ck_assert_uint_eq(out.dns_terms, cases[_i].terms);
	errors = out.result == SPF_EVAL_PERMERROR || out.result == SPF_EVAL_TEMPERROR;
	ck_assert_msg(errors == (out.problem[0] != '\0'), "problem '%s'", out.problem);
	if (cases[_i].check_helo)
		ck_assert_str_eq(spf_eval_result_name(out.helo_result),
				 spf_eval_result_name(cases[_i].want_helo));
	else if (strcmp(identity, "mailfrom") == 0)
		ck_assert_int_eq(out.helo_result, SPF_EVAL_NONE);
	else
		ck_assert_int_eq(out.helo_result, out.result);
	spf_eval_free(&ev);
	ck_assert_ptr_null(ev);
	resolver_free(&r);
}
END_TEST

/* The counters say why a limit was hit and that exp= cost nothing. */
START_TEST(test_counts_and_problems)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct spf_eval *ev = evaluator_for(r);
	struct spf_eval_request req = { .client_ip = OUT4, .timeout_ms = 10000 };
	struct spf_eval_outcome out;

	req.mail_from = "user@voids3.spf.example";
	ck_assert_int_eq(spf_eval_check(ev, &req, &out), 0);
	ck_assert_uint_eq(out.void_lookups, 3);
	ck_assert_str_eq(out.problem, "more than 2 void DNS look-ups");

	req.mail_from = "user@terms11.spf.example";
	ck_assert_int_eq(spf_eval_check(ev, &req, &out), 0);
	ck_assert_str_eq(out.problem, "more than 10 DNS-querying terms");

	/* the record only: no look-up for the exp= domain */
	req.mail_from = "user@exp.spf.example";
	ck_assert_int_eq(spf_eval_check(ev, &req, &out), 0);
	ck_assert_int_eq(out.result, SPF_EVAL_FAIL);
	ck_assert_uint_eq(out.dns_queries, 1);
	ck_assert_uint_eq(out.dns_terms, 0);

	/* MX names are part of the mx term, and their answers are not void */
	req.mail_from = "user@mx10.spf.example";
	ck_assert_int_eq(spf_eval_check(ev, &req, &out), 0);
	ck_assert_uint_eq(out.dns_terms, 1);
	ck_assert_uint_eq(out.void_lookups, 0);
	ck_assert_uint_eq(out.dns_queries, 12);

	/* more than ten MX names: permerror before any of them is looked up */
	req.mail_from = "user@mx11.spf.example";
	ck_assert_int_eq(spf_eval_check(ev, &req, &out), 0);
	ck_assert_int_eq(out.result, SPF_EVAL_PERMERROR);
	ck_assert_str_eq(out.problem, "more than 10 MX names");
	ck_assert_uint_eq(out.dns_queries, 2);

	req.mail_from = "user@cve.spf.example";
	ck_assert_int_eq(spf_eval_check(ev, &req, &out), 0);
	ck_assert_ptr_nonnull(strstr(out.problem, "CVE-2023-42118"));

	req.mail_from = "user@spf.servfail.example";
	ck_assert_int_eq(spf_eval_check(ev, &req, &out), 0);
	ck_assert_int_eq(out.result, SPF_EVAL_TEMPERROR);

	req.client_ip = "not-an-address";
	ck_assert_int_eq(spf_eval_check(ev, &req, &out), -1);
	ck_assert_int_eq(out.result, SPF_EVAL_TEMPERROR);
	spf_eval_free(&ev);
	resolver_free(&r);
}
END_TEST

/* A dead nameserver: temperror once the budget is spent, not later. */
START_TEST(test_timeout_budget)
{
	int port, fd = test_silent_udp_socket(&port);
	char ns[64];
	struct timespec t0, t1;
	struct resolver *r;
	struct spf_eval *ev;
	struct spf_eval_request req = {
		.client_ip = IN4, .helo = "pass4.spf.example",
		.mail_from = "user@pass4.spf.example", .timeout_ms = 600,
		.check_helo = 1,
	};
	struct spf_eval_outcome out;
	long ms;

	ck_assert_int_ge(fd, 0);
	snprintf(ns, sizeof(ns), "127.0.0.1@%d", port);
	r = dns_fixture_resolver(ns, 5000);
	ev = evaluator_for(r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(spf_eval_check(ev, &req, &out), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_int_eq(out.result, SPF_EVAL_TEMPERROR);
	ck_assert_int_eq(out.helo_result, SPF_EVAL_TEMPERROR);
	ck_assert_str_eq(out.problem, "DNS time budget spent");
	ck_assert_int_ge(ms, 550);
	ck_assert_int_lt(ms, 1500);
	spf_eval_free(&ev);
	resolver_free(&r);
	close(fd);
}
END_TEST

struct worker {
	const struct spf_eval *ev;
	int index, failures;
};

static void *
check_worker(void *arg)
{
	static const struct {
		const char *ip, *from;
		enum spf_eval_result want;
	} mix[] = {
		{ IN4, "user@pass4.spf.example", SPF_EVAL_PASS },
		{ OUT4, "user@pass4.spf.example", SPF_EVAL_FAIL },
		{ "203.0.113.7", "user@include.spf.example", SPF_EVAL_PASS },
		{ "203.0.113.21", "user@mx.spf.example", SPF_EVAL_PASS },
		{ OUT4, "user@terms11.spf.example", SPF_EVAL_PERMERROR },
		{ "198.51.100.10", "user@pmacro.spf.example", SPF_EVAL_PASS },
	};
	struct worker *w = arg;

	for (int i = 0; i < 30; i++) {
		size_t k = (size_t)(w->index + i) % (sizeof(mix) / sizeof(mix[0]));
		struct spf_eval_request req = {
			.client_ip = mix[k].ip, .mail_from = mix[k].from, .timeout_ms = 10000,
		};
		struct spf_eval_outcome out;

		if (spf_eval_check(w->ev, &req, &out) != 0 || out.result != mix[k].want)
			w->failures++;
	}
	return NULL;
}

/* One evaluator, many threads: each check keeps its own counts. */
START_TEST(test_concurrent_checks)
{
	struct resolver *r = dns_fixture_resolver(NULL, 5000);
	struct spf_eval *ev = evaluator_for(r);
	pthread_t th[8];
	struct worker w[8];

	for (int i = 0; i < 8; i++) {
		w[i] = (struct worker){ .ev = ev, .index = i };
		ck_assert_int_eq(pthread_create(&th[i], NULL, check_worker, &w[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(w[i].failures, 0);
	}
	spf_eval_free(&ev);
	resolver_free(&r);
}
END_TEST

static const struct {
	enum spf_eval_result result;
	const char *name;
} name_cases[] = {
	{ SPF_EVAL_NONE, "none" },
	{ SPF_EVAL_NEUTRAL, "neutral" },
	{ SPF_EVAL_PASS, "pass" },
	{ SPF_EVAL_FAIL, "fail" },
	{ SPF_EVAL_SOFTFAIL, "softfail" },
	{ SPF_EVAL_TEMPERROR, "temperror" },
	{ SPF_EVAL_PERMERROR, "permerror" },
};

START_TEST(test_result_names)
{
	ck_assert_str_eq(spf_eval_result_name(name_cases[_i].result), name_cases[_i].name);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("spf_eval");
	TCase *tc = tcase_create("nsd");
	TCase *unit = tcase_create("unit");
	SRunner *sr;
	int failed;

	tcase_add_unchecked_fixture(tc, dns_fixture_up, dns_fixture_down);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_check_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_counts_and_problems);
	tcase_add_test(tc, test_timeout_budget);
	tcase_add_test(tc, test_concurrent_checks);
	tcase_add_loop_test(unit, test_result_names, 0,
			    (int)(sizeof(name_cases) / sizeof(name_cases[0])));
	suite_add_tcase(s, tc);
	suite_add_tcase(s, unit);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
