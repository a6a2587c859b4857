/*
 * test_dkimv_limits - what bounds one message's DKIM work, against a real
 * nsd serving tests/zones/dkim.example.zone: the signature cap
 * (MaxSignatures evaluated, the rest counted, one key look-up for one
 * key), a 16 MiB body in flat memory, and a signature bomb of 4,900
 * DKIM-Signature fields (issue 19). Messages are signed at run time
 * (support/dkimv_test.h, support/dkimv_fixture.h).
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include <opendkim/dkim.h>

#include "dkimv_fixture.h"
#include "dkimv_test.h"
#include "dkimv.h"
#include "dns_fixture.h"
#include "resolver.h"
#include "test_main.h"

START_TEST(test_signature_cap)
{
	struct resolver *r = dns_fixture_resolver(NULL, 3000);
	struct dkimv_lib *lib = dkimv_test_lib(r, 10, 0);
	static const struct dkimv_test_sig spec = DKIMV_TEST_RSA2048;
	static const struct dkimv_test_feed feed = { 0, 0, 0 };
	struct dkimv_signature got[16];
	struct resolver_stats st;
	struct dkimv_test_message m;

	size_t skipped = 0;
	/* signers that leave other signatures out of h=: see test_signature_bomb */
	const char *skip[] = { "dkim-signature", NULL };
	DKIM_LIB *own = dkimv_test_signer_new();

	const char **skip_list = skip;	/* libopendkim takes a char ** */

	ck_assert_int_eq(dkim_options(own, DKIM_OP_SETOPT, DKIM_OPTS_SKIPHDRS, skip_list,
				      sizeof(skip_list)), DKIM_STAT_OK);
	dkimv_test_load(&m, "plain.eml");
	for (int i = 0; i < 15; i++)
		dkimv_test_sign(own, &m, &spec);
	dkim_close(own);
	/* the top ten are evaluated; the five below are counted, not parsed */
	ck_assert_uint_eq(dkimv_test_verify_skipped(lib, &m, &feed, got, 16, &skipped), 10);
	ck_assert_uint_eq(skipped, 5);
	for (int i = 0; i < 10; i++) {
		ck_assert_msg(got[i].result == DKIMV_PASS, "#%d: %s", i,
			      dkimv_result_name(got[i].result));
		ck_assert_str_eq(got[i].domain, "dkim.example");
		ck_assert_str_eq(got[i].selector, "rsa2048");
	}
	/* ten signatures with one key: libopendkim asks once */
	resolver_get_stats(r, &st);
	ck_assert_uint_eq(st.lookups, 1);
	dkimv_test_free(&m);
	dkimv_lib_free(&lib);
	resolver_free(&r);
}
END_TEST

START_TEST(test_memory_flat)
{
	struct resolver *r = dns_fixture_resolver(NULL, 3000);
	struct dkimv_lib *lib = dkimv_test_lib(r, 0, 0);
	static const struct dkimv_test_sig spec = DKIMV_TEST_RSA2048;
	const struct dkimv_signature *sigs;
	const char *error = NULL;
	unsigned char chunk[65536];
	struct dkimv *v;
	struct dkimv_test_message m;
	size_t before, count;

	dkimv_test_load(&m, "plain.eml");
	dkimv_test_sign(dkimv_fixture_signer(), &m, &spec);
	v = dkimv_new(lib, "big", &error);
	for (size_t i = 0; i < m.nfields; i++)
		ck_assert_int_eq(dkimv_header(v, m.fields[i].name, m.fields[i].value,
					      strlen(m.fields[i].value)), 0);
	ck_assert_int_eq(dkimv_eoh(v), 0);
	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = i % 64 == 63 ? '\n' : (unsigned char)('a' + i % 26);
	before = mallinfo2().uordblks;
	for (int i = 0; i < 256; i++)		/* 16 MiB */
		ck_assert_int_eq(dkimv_body(v, chunk, sizeof(chunk)), 0);
	ck_assert_uint_lt(mallinfo2().uordblks, before + 256 * 1024);
	ck_assert_int_eq(dkimv_eom(v, &sigs, &count, &error), 0);
	ck_assert_uint_eq(count, 1);
	ck_assert_str_eq(sigs[0].reason, "body-hash-mismatch");
	dkimv_free(&v);
	dkimv_test_free(&m);
	dkimv_lib_free(&lib);
	resolver_free(&r);
}
END_TEST

/*
 * test_signature_bomb - 4,900 short DKIM-Signature fields under a real
 * signature (issue 19: about 30 MB per message when every field reached
 * libopendkim). The top MaxSignatures are evaluated, the real one passes,
 * the rest are counted; memory held at end of headers stays a small
 * multiple of the header size.
 */
START_TEST(test_signature_bomb)
{
	struct resolver *r = dns_fixture_resolver(NULL, 3000);
	struct dkimv_lib *lib = dkimv_test_lib(r, 0, 0);
	static const struct dkimv_test_sig spec = DKIMV_TEST_RSA2048;
	static const struct dkimv_test_feed feed = { 0, 0, 0 };
	const struct dkimv_signature *sigs;
	struct dkimv_signature sigs_warm[1];
	const char *error = NULL;
	struct dkimv *v;
	struct dkimv_test_message m;
	size_t before, held, header_bytes = 0, count;
	char value[128];

	dkimv_test_load(&m, "plain.eml");
	dkimv_test_sign(dkimv_fixture_signer(), &m, &spec);
	ck_assert_str_eq(m.fields[0].name, "DKIM-Signature");
	/* once first: the key cache and libcrypto's first use are not per message */
	ck_assert_uint_eq(dkimv_test_verify(lib, &m, &feed, sigs_warm, 1), 1);
	before = mallinfo2().uordblks;
	v = dkimv_new(lib, "bomb", &error);
	ck_assert_ptr_nonnull(v);
	for (size_t i = 0; i < m.nfields; i++) {
		size_t len = strlen(m.fields[i].value);

		ck_assert_int_eq(dkimv_header(v, m.fields[i].name, m.fields[i].value, len), 0);
		header_bytes += strlen(m.fields[i].name) + len + 3;
		for (int k = 0; i == 0 && k < 4900; k++) {
			int n = snprintf(value, sizeof(value), " v=1; a=rsa-sha256; d=dkim.example;"
					 " s=bomb%d; h=from; bh=YQ==; b=YQ==", k);

			ck_assert_int_eq(dkimv_header(v, "DKIM-Signature", value, (size_t)n), 0);
			header_bytes += sizeof("DKIM-Signature") + 2 + (size_t)n;
		}
	}
	ck_assert_int_eq(dkimv_eoh(v), 0);
	held = mallinfo2().uordblks - before;
	ck_assert_msg(held < 4 * header_bytes, "%zu bytes held for %zu bytes of header",
		      held, header_bytes);
	ck_assert_int_eq(dkimv_body(v, (const unsigned char *)m.body, strlen(m.body)), 0);
	ck_assert_int_eq(dkimv_eom(v, &sigs, &count, &error), 0);
	ck_assert_uint_eq(count, 10);
	ck_assert_uint_eq(dkimv_skipped(v), 4891);
	ck_assert_msg(sigs[0].result == DKIMV_PASS, "%s", dkimv_result_name(sigs[0].result));
	for (size_t i = 1; i < count; i++)
		ck_assert_msg(sigs[i].result == DKIMV_PERMERROR, "#%zu: %s", i,
			      dkimv_result_name(sigs[i].result));
	dkimv_free(&v);
	dkimv_test_free(&m);
	dkimv_lib_free(&lib);
	resolver_free(&r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dkimv_limits");
	TCase *tc = tcase_create("nsd");

	tcase_add_unchecked_fixture(tc, dkimv_fixture_up, dkimv_fixture_down);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_signature_cap);
	tcase_add_test(tc, test_memory_flat);
	tcase_add_test(tc, test_signature_bomb);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
