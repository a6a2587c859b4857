/*
 * test_dkimv - DKIM verification against a real nsd serving
 * tests/zones/dkim.example.zone. The messages of tests/messages/dkim are
 * signed at run time with libopendkim and the test-only keys of
 * tests/keys (support/dkimv_test.h), then changed or not, and fed
 * to dkimv the way a milter feeds it: header values after the colon
 * with bare-LF folding, the body in chunks. Also: timeouts, settings and
 * misuse, and shared use by threads. The signature cap, the signature bomb
 * and flat memory are in test_dkimv_limits.c, the DNS hooks in
 * test_dkimv_dns.c, body canonicalization and lengths in
 * test_dkimv_bodyhash.c.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <opendkim/dkim.h>

#include "dkimv_fixture.h"
#include "dkimv_test.h"
#include "dkimv.h"
#include "dns_fixture.h"
#include "nsd_server.h"
#include "resolver.h"
#include "test_main.h"

/* the table's shorthand for the changes made after signing */
#define M_NONE DKIMV_TEST_UNCHANGED
#define M_BODY DKIMV_TEST_BODY
#define M_HEADER DKIMV_TEST_HEADER
#define M_APPEND_TEXT DKIMV_TEST_APPEND_TEXT
#define M_APPEND_BLANK DKIMV_TEST_APPEND_BLANK
#define M_TRAILING_WSP DKIMV_TEST_TRAILING_WSP
#define M_BROKEN_SIG DKIMV_TEST_BROKEN_SIG
#define M_TRUNCATE DKIMV_TEST_TRUNCATE

#define RSA2048 DKIMV_TEST_RSA2048
#define SIGNED(key, sel, dom, alg, simple, l) { key, sel, dom, alg, simple, l, 0 }
#define NOSIG { NULL, NULL, NULL, 0, 0, 0, 0 }
/* 244 octets: with "._domainkey.dkim.example" over what libopendkim takes */
#define LONG_SELECTOR "s123456789012345678901234567890123456789012345678901234567890." \
	"s123456789012345678901234567890123456789012345678901234567890." \
	"s123456789012345678901234567890123456789012345678901234567890." \
	"s123456789012345678901234567890123456789012345678901234567"

struct want {
	enum dkimv_result result;
	const char *reason;
	int partial;
};

/* One row per message: signatures made in order (the last ends on top),
 * a change after signing, how it is fed, and the results in header order. */
static const struct {
	const char *name;
	const char *message;
	struct dkimv_test_sig sigs[2];
	enum dkimv_test_mutation mutation;
	struct dkimv_test_feed feed;
	size_t count;
	struct want want[2];
	unsigned key_bits;	/* of the top signature; 0: not checked */
} cases[] = {
	{ "rsa-sha256 2048 relaxed", "plain.eml", { RSA2048, NOSIG }, M_NONE, { 0, 0, 0 },
	  1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "rsa-sha256 2048 simple", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 1, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "rsa-sha256 1024", "plain.eml",
	  { SIGNED("rsa1024", "rsa1024", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 1024 },
	{ "ed25519-sha256", "plain.eml",
	  { SIGNED("ed25519", "ed25519", "dkim.example", DKIM_SIGN_ED25519SHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 256 },
	{ "body tampered", "plain.eml", { RSA2048, NOSIG }, M_BODY, { 0, 0, 0 },
	  1, { { DKIMV_FAIL, "body-hash-mismatch", 0 } }, 2048 },
	{ "ed25519 body tampered", "plain.eml",
	  { SIGNED("ed25519", "ed25519", "dkim.example", DKIM_SIGN_ED25519SHA256, 0, 0), NOSIG },
	  M_BODY, { 0, 0, 0 }, 1, { { DKIMV_FAIL, "body-hash-mismatch", 0 } }, 256 },
	{ "header tampered", "plain.eml", { RSA2048, NOSIG }, M_HEADER, { 0, 0, 0 },
	  1, { { DKIMV_FAIL, "signature-mismatch", 0 } }, 2048 },
	{ "rsa-sha1 refused", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA1, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_POLICY, "rsa-sha1", 0 } }, 2048 },
	{ "512-bit key refused", "plain.eml",
	  { SIGNED("rsa512", "rsa512", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_POLICY, "key-too-short", 0 } }, 512 },
	{ "l= then text appended", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 1), NOSIG },
	  M_APPEND_TEXT, { 0, 0, 0 }, 1, { { DKIMV_POLICY, "partial-body", 1 } }, 2048 },
	{ "l= whole body", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 1), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "l= relaxed, empty lines appended", "folded.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 1), NOSIG },
	  M_APPEND_BLANK, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "l= simple, empty lines appended", "folded.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 1, 1), NOSIG },
	  M_APPEND_BLANK, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "l= relaxed, trailing white space", "folded.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 1), NOSIG },
	  M_TRAILING_WSP, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "l= longer than the body", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 1), NOSIG },
	  M_TRUNCATE, { 0, 0, 0 }, 1, { { DKIMV_FAIL, "body-truncated", 0 } }, 2048 },
	{ "signature expired", "plain.eml",
	  { { "rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0, 1 }, NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_NEUTRAL, "signature-expired", 0 } }, 0 },
	{ "key NXDOMAIN", "plain.eml",
	  { SIGNED("rsa2048", "absent", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PERMERROR, "key-not-found", 0 } }, 0 },
	{ "key NODATA", "plain.eml",
	  { SIGNED("rsa2048", "nodata", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PERMERROR, "key-not-found", 0 } }, 0 },
	{ "key revoked", "plain.eml",
	  { SIGNED("rsa2048", "revoked", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PERMERROR, "key-revoked", 0 } }, 0 },
	{ "two key records", "plain.eml",
	  { SIGNED("rsa2048", "twokeys", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PERMERROR, "key-multiple-records", 0 } }, 0 },
	{ "key not base64", "plain.eml",
	  { SIGNED("rsa2048", "badkey", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PERMERROR, "key-syntax", 0 } }, 0 },
	{ "key SERVFAIL", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "servfail-dkim.example", DKIM_SIGN_RSASHA256, 0, 0),
	    NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_TEMPERROR, "key-dns-temperror", 0 } }, 0 },
	{ "wrong key", "plain.eml",
	  { SIGNED("rsa2048", "wrongkey", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_FAIL, "signature-mismatch", 0 } }, 1024 },
	{ "one valid, one invalid", "plain.eml",
	  { RSA2048, SIGNED("rsa2048", "wrongkey", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0) },
	  M_NONE, { 0, 0, 0 }, 2,
	  { { DKIMV_FAIL, "signature-mismatch", 0 }, { DKIMV_PASS, NULL, 0 } }, 1024 },
	{ "over-long key name beside a good one", "plain.eml",
	  { RSA2048, SIGNED("rsa2048", LONG_SELECTOR, "dkim.example", DKIM_SIGN_RSASHA256, 0, 0) },
	  M_NONE, { 0, 0, 0 }, 2,
	  { { DKIMV_PERMERROR, "key-name-invalid", 0 }, { DKIMV_PASS, NULL, 0 } }, 0 },
	{ "malformed signature on top", "plain.eml", { RSA2048, NOSIG }, M_BROKEN_SIG,
	  { 0, 0, 0 }, 2,
	  { { DKIMV_NEUTRAL, "signature-syntax", 0 }, { DKIMV_PASS, NULL, 0 } }, 0 },
	{ "folded fields, bare LF, relaxed", "folded.eml", { RSA2048, NOSIG }, M_NONE,
	  { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "folded fields, bare LF, simple", "folded.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 1, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "folded fields, CRLF, simple", "folded.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 1, 0), NOSIG },
	  M_NONE, { 1, 1, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "CRLF body in 1-octet chunks", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 1, 0), NOSIG },
	  M_NONE, { 0, 1, 1 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "LF body in 7-octet chunks", "folded.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 1, 0), NOSIG },
	  M_NONE, { 0, 0, 7 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "trailing white space, relaxed", "plain.eml", { RSA2048, NOSIG }, M_TRAILING_WSP,
	  { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "trailing white space, simple", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 1, 0), NOSIG },
	  M_TRAILING_WSP, { 0, 0, 0 }, 1, { { DKIMV_FAIL, "body-hash-mismatch", 0 } }, 2048 },
	{ "ed25519 simple, folded fields", "folded.eml",
	  { SIGNED("ed25519", "ed25519", "dkim.example", DKIM_SIGN_ED25519SHA256, 1, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 256 },
	{ "ed25519 relaxed, folded fields", "folded.eml",
	  { SIGNED("ed25519", "ed25519", "dkim.example", DKIM_SIGN_ED25519SHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 256 },
	{ "rsa over ed25519", "plain.eml",
	  { SIGNED("ed25519", "ed25519", "dkim.example", DKIM_SIGN_ED25519SHA256, 0, 0), RSA2048 },
	  M_NONE, { 0, 0, 0 }, 2, { { DKIMV_PASS, NULL, 0 }, { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "rsa over rsa1024", "plain.eml",
	  { SIGNED("rsa1024", "rsa1024", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), RSA2048 },
	  M_NONE, { 0, 0, 0 }, 2, { { DKIMV_PASS, NULL, 0 }, { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "no signature", "unsigned.eml", { NOSIG, NOSIG }, M_NONE, { 0, 0, 0 }, 0, { { 0 } }, 0 },
};

static const char *
alg_name(dkim_alg_t alg)
{
	return alg == DKIM_SIGN_RSASHA1 ? "rsa-sha1"
	    : alg == DKIM_SIGN_ED25519SHA256 ? "ed25519-sha256" : "rsa-sha256";
}

START_TEST(test_verify_table)
{
	struct resolver *r = dns_fixture_resolver(NULL, 3000);
	struct dkimv_lib *lib = dkimv_test_lib(r, 0, 0);
	struct dkimv_signature got[4];
	struct dkimv_test_message m;
	size_t n, nsigned = 0;

	dkimv_test_load(&m, cases[_i].message);
	for (size_t i = 0; i < 2 && cases[_i].sigs[i].key != NULL; i++, nsigned++)
		dkimv_test_sign(dkimv_fixture_signer(), &m, &cases[_i].sigs[i]);
	dkimv_test_mutate(&m, cases[_i].mutation);
	n = dkimv_test_verify(lib, &m, &cases[_i].feed, got, 4);
	ck_assert_msg(n == cases[_i].count, "%s: %zu signatures, want %zu",
		      cases[_i].name, n, cases[_i].count);
	for (size_t i = 0; i < n; i++) {
		const struct want *w = &cases[_i].want[i];
		/* header order: a broken signature on top, then the last signed */
		const struct dkimv_test_sig *s = i < n - nsigned ? NULL
		    : &cases[_i].sigs[nsigned - 1 - (i - (n - nsigned))];

		ck_assert_msg(got[i].result == w->result
			      && (w->reason == NULL ? got[i].reason == NULL
				  : got[i].reason != NULL && strcmp(got[i].reason, w->reason) == 0),
			      "%s #%zu: got %s (%s), want %s (%s)", cases[_i].name, i,
			      dkimv_result_name(got[i].result), got[i].reason ? got[i].reason : "",
			      dkimv_result_name(w->result), w->reason ? w->reason : "");
		ck_assert_int_eq(got[i].partial_body, w->partial);
		ck_assert_str_eq(got[i].domain, s != NULL ? s->domain : "dkim.example");
		ck_assert_str_eq(got[i].selector, s != NULL ? s->selector : "rsa2048");
		ck_assert_str_eq(got[i].algorithm, s != NULL ? alg_name(s->alg) : "rsa-sha256");
	}
	if (cases[_i].key_bits != 0)
		ck_assert_uint_eq(got[0].key_bits, cases[_i].key_bits);
	dkimv_test_free(&m);
	dkimv_lib_free(&lib);
	ck_assert_ptr_null(lib);
	resolver_free(&r);
}
END_TEST

START_TEST(test_key_timeout)
{
	int port, fd = test_silent_udp_socket(&port);
	static const struct dkimv_test_sig spec = RSA2048;
	static const struct dkimv_test_feed feed = { 0, 0, 0 };
	struct dkimv_signature got[1];
	struct timespec t0, t1;
	struct resolver *r;
	struct dkimv_lib *lib;
	struct dkimv_test_message m;
	char ns[64];
	long ms;

	ck_assert_int_ge(fd, 0);
	snprintf(ns, sizeof(ns), "127.0.0.1@%d", port);
	r = dns_fixture_resolver(ns, 5000);
	lib = dkimv_test_lib(r, 0, 300);	/* ours is shorter than the resolver's */
	dkimv_test_load(&m, "plain.eml");
	dkimv_test_sign(dkimv_fixture_signer(), &m, &spec);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_uint_eq(dkimv_test_verify(lib, &m, &feed, got, 1), 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_int_eq(got[0].result, DKIMV_TEMPERROR);
	ck_assert_str_eq(got[0].reason, "key-dns-temperror");
	ck_assert_int_ge(ms, 250);
	ck_assert_int_lt(ms, 2000);
	dkimv_test_free(&m);
	dkimv_lib_free(&lib);
	resolver_free(&r);
	close(fd);
}
END_TEST

static const struct {
	enum dkimv_result result;
	const char *name;
} name_cases[] = {
	{ DKIMV_PASS, "pass" },
	{ DKIMV_FAIL, "fail" },
	{ DKIMV_POLICY, "policy" },
	{ DKIMV_NEUTRAL, "neutral" },
	{ DKIMV_TEMPERROR, "temperror" },
	{ DKIMV_PERMERROR, "permerror" },
};

START_TEST(test_result_names)
{
	ck_assert_str_eq(dkimv_result_name(name_cases[_i].result), name_cases[_i].name);
}
END_TEST

START_TEST(test_settings_and_misuse)
{
	struct resolver *r = dns_fixture_resolver(NULL, 3000);
	const struct dkimv_signature *sigs;
	struct dkimv_settings s;
	struct dkimv_lib *lib;
	struct dkimv *v;
	const char *error = NULL;
	size_t count;

	dkimv_settings_init(&s);
	ck_assert_uint_eq(s.max_signatures, 10);
	ck_assert_uint_eq(s.min_rsa_bits, 1024);
	ck_assert_int_eq(s.allow_rsa_sha1, 0);
	ck_assert_uint_eq(s.timeout_ms, 0);
	ck_assert_ptr_null(dkimv_lib_new(NULL, &s, &error));
	ck_assert_ptr_nonnull(error);
	lib = dkimv_lib_new(r, NULL, &error);
	ck_assert_ptr_nonnull(lib);
	/* body before the end of headers: refused, and the error sticks */
	v = dkimv_new(lib, NULL, &error);
	ck_assert_int_eq(dkimv_header(v, "From", " a@dkim.example", 15), 0);
	ck_assert_int_eq(dkimv_body(v, (const unsigned char *)"x", 1), -1);
	ck_assert_int_eq(dkimv_eoh(v), -1);
	ck_assert_int_eq(dkimv_eom(v, &sigs, &count, &error), -1);
	ck_assert_str_eq(error, "dkimv_body out of order");
	ck_assert_uint_eq(count, 0);
	dkimv_free(&v);
	dkimv_free(&v);		/* NULL is fine */
	/* no header at all, eom twice */
	v = dkimv_new(lib, "q", &error);
	ck_assert_int_eq(dkimv_eoh(v), 0);
	ck_assert_int_eq(dkimv_eom(v, &sigs, &count, &error), 0);
	ck_assert_int_eq(dkimv_eom(v, &sigs, &count, &error), 0);
	ck_assert_uint_eq(count, 0);
	dkimv_free(&v);
	dkimv_lib_free(&lib);
	dkimv_lib_free(&lib);
	resolver_free(&r);
}
END_TEST

struct worker {
	struct dkimv_lib *lib;
	const struct dkimv_test_message *m;
	int passes;
};

static void *
verify_worker(void *arg)
{
	struct worker *w = arg;

	for (size_t i = 0; i < 25; i++) {
		struct dkimv_test_feed feed = { (int)(i % 2), (int)(i % 3 == 0), i % 5 };
		struct dkimv_signature got[2];

		if (dkimv_test_verify(w->lib, w->m, &feed, got, 2) == 2
		    && got[0].result == DKIMV_PASS && got[1].result == DKIMV_PASS)
			w->passes++;
	}
	return NULL;
}

START_TEST(test_threads_share_lib)
{
	struct resolver *r = dns_fixture_resolver(NULL, 3000);
	struct dkimv_lib *lib = dkimv_test_lib(r, 0, 0);
	static const struct dkimv_test_sig spec =
	    SIGNED("ed25519", "ed25519", "dkim.example", DKIM_SIGN_ED25519SHA256, 1, 0);
	static const struct dkimv_test_sig spec2 = RSA2048;
	struct worker w[4];
	pthread_t th[4];
	struct dkimv_test_message m;

	dkimv_test_load(&m, "folded.eml");
	dkimv_test_sign(dkimv_fixture_signer(), &m, &spec);
	dkimv_test_sign(dkimv_fixture_signer(), &m, &spec2);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ lib, &m, 0 };
		ck_assert_int_eq(pthread_create(&th[i], NULL, verify_worker, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(w[i].passes, 25);
	}
	dkimv_test_free(&m);
	dkimv_lib_free(&lib);
	resolver_free(&r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dkimv");
	TCase *tc = tcase_create("nsd");
	TCase *unit = tcase_create("unit");

	tcase_add_unchecked_fixture(tc, dkimv_fixture_up, dkimv_fixture_down);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_verify_table, 0, TEST_ROWS(cases));
	tcase_add_test(tc, test_key_timeout);
	tcase_add_test(tc, test_settings_and_misuse);
	tcase_add_test(tc, test_threads_share_lib);
	tcase_add_loop_test(unit, test_result_names, 0, TEST_ROWS(name_cases));
	suite_add_tcase(s, tc);
	suite_add_tcase(s, unit);
	return test_run_suite(s);
}
