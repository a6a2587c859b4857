/*
 * test_dkimv_keycache - the decoded-key cache in front of d2i_PUBKEY_bio: hits
 * only for identical bytes, failures never cached, the table bounded,
 * many threads at once, and libopendkim's own call answered by it (in this
 * binary and exported by the daemon's executable).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "dkimv_keycache.h"
#include "dkimv_test.h"
#include "dkimv.h"
#include "dns_fixture.h"
#include "resolver.h"
#include "test_main.h"
#include "test_paths.h"

struct der {
	unsigned char *bytes;
	size_t len;
};

/* der_of - the SubjectPublicKeyInfo DER of k, which it frees */
static struct der
der_of(EVP_PKEY *k)
{
	struct der d = { NULL, 0 };
	int n;

	ck_assert_ptr_nonnull(k);
	n = i2d_PUBKEY(k, &d.bytes);
	ck_assert_int_gt(n, 0);
	d.len = (size_t)n;
	EVP_PKEY_free(k);
	return d;
}

/* der_of_pem - the public key of tests/keys/NAME.pem */
static struct der
der_of_pem(const char *name)
{
	char path[4096];
	FILE *f;
	EVP_PKEY *k;

	snprintf(path, sizeof(path), "%s/keys/%s.pem", test_source_dir(), name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s", path);
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	return der_of(k);
}

/* der_of_new_ec - a fresh P-256 public key: cheap to make by the hundred */
static struct der
der_of_new_ec(void)
{
	return der_of(EVP_EC_gen("P-256"));
}

/* decode - as libopendkim does it: a memory BIO over the bytes, a == NULL */
static EVP_PKEY *
decode(const void *bytes, size_t len, int *left)
{
	BIO *b = BIO_new_mem_buf(bytes, (int)len);
	EVP_PKEY *k;

	ck_assert_ptr_nonnull(b);
	k = d2i_PUBKEY_bio(b, NULL);
	if (left != NULL)
		*left = (int)BIO_pending(b);
	BIO_free(b);
	return k;
}

static struct dkimv_keycache_stats
stats(void)
{
	struct dkimv_keycache_stats s;

	dkimv_keycache_get_stats(&s);
	return s;
}

START_TEST(test_hit_is_same_key)
{
	struct der d = der_of_pem("rsa2048");
	EVP_PKEY *a, *b, *c;
	int left = -1;

	a = decode(d.bytes, d.len, &left);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(left, 0);		/* consumed as the real decoder does */
	ck_assert_int_eq(EVP_PKEY_get_id(a), EVP_PKEY_RSA);
	ck_assert_int_eq(EVP_PKEY_get_bits(a), 2048);
	b = decode(d.bytes, d.len, &left);
	ck_assert_ptr_eq(a, b);
	ck_assert_int_eq(left, 0);
	ck_assert_uint_eq(stats().misses, 1);
	ck_assert_uint_eq(stats().hits, 1);
	ck_assert_uint_eq(stats().entries, 1);
	/* the callers' references go; the table's stays */
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	c = decode(d.bytes, d.len, NULL);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(EVP_PKEY_get_bits(c), 2048);
	ck_assert_uint_eq(stats().hits, 2);
	EVP_PKEY_free(c);
	dkimv_keycache_flush();
	ck_assert_uint_eq(stats().entries, 0);
	OPENSSL_free(d.bytes);
}
END_TEST

START_TEST(test_only_identical_bytes_hit)
{
	struct der d = der_of_pem("rsa2048"), other = der_of_pem("rsa1024");
	unsigned char *longer = malloc(d.len + 1), *flipped = malloc(d.len);
	EVP_PKEY *k, *k_longer, *k_other, *k_flipped;
	int left = -1;

	memcpy(longer, d.bytes, d.len);
	longer[d.len] = 0x00;			/* one octet after the key */
	memcpy(flipped, d.bytes, d.len);
	flipped[d.len - 10] ^= 0x01;		/* another modulus */

	k = decode(d.bytes, d.len, NULL);
	k_longer = decode(longer, d.len + 1, &left);
	k_other = decode(other.bytes, other.len, NULL);
	k_flipped = decode(flipped, d.len, NULL);
	ck_assert_ptr_nonnull(k);
	ck_assert_ptr_nonnull(k_longer);
	ck_assert_int_eq(left, 1);		/* the extra octet stays unread */
	ck_assert_ptr_ne(k, k_longer);
	ck_assert_int_eq(EVP_PKEY_eq(k, k_longer), 1);	/* same key, own entry */
	ck_assert_ptr_nonnull(k_other);
	ck_assert_int_eq(EVP_PKEY_get_bits(k_other), 1024);
	ck_assert_ptr_nonnull(k_flipped);
	ck_assert_int_ne(EVP_PKEY_eq(k, k_flipped), 1);
	ck_assert_uint_eq(stats().misses, 4);
	ck_assert_uint_eq(stats().hits, 0);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k_longer);
	EVP_PKEY_free(k_other);
	EVP_PKEY_free(k_flipped);
	free(longer);
	free(flipped);
	OPENSSL_free(d.bytes);
	OPENSSL_free(other.bytes);
}
END_TEST

START_TEST(test_failures_not_cached)
{
	static const unsigned char junk[] = { 0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06 };
	static const unsigned char ed25519_raw[32] = { 1, 2, 3 };
	struct der d = der_of_pem("rsa2048");

	ck_assert_ptr_null(decode(junk, sizeof(junk), NULL));
	ck_assert_ptr_null(decode(junk, sizeof(junk), NULL));
	ck_assert_ptr_null(decode(ed25519_raw, sizeof(ed25519_raw), NULL));
	ck_assert_ptr_null(decode(d.bytes, d.len - 1, NULL));	/* truncated */
	ck_assert_uint_eq(stats().entries, 0);
	ck_assert_uint_eq(stats().hits, 0);
	ck_assert_uint_eq(stats().uncached, 4);
	OPENSSL_free(d.bytes);
}
END_TEST

START_TEST(test_ordinary_paths)
{
	struct der d = der_of_pem("rsa2048");
	unsigned char *big = calloc(1, DKIMV_KEYCACHE_MAX_DER + 100);
	EVP_PKEY *into = NULL, *k;
	BIO *b;
	FILE *f;

	/* the caller's own EVP_PKEY**: decoded by libcrypto, not cached */
	b = BIO_new_mem_buf(d.bytes, (int)d.len);
	k = d2i_PUBKEY_bio(b, &into);
	BIO_free(b);
	ck_assert_ptr_nonnull(k);
	ck_assert_ptr_eq(k, into);
	EVP_PKEY_free(k);

	/* a file BIO */
	f = tmpfile();
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(d.bytes, 1, d.len, f), d.len);
	rewind(f);
	b = BIO_new_fp(f, BIO_NOCLOSE);
	k = d2i_PUBKEY_bio(b, NULL);
	BIO_free(b);
	fclose(f);
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(EVP_PKEY_get_bits(k), 2048);
	EVP_PKEY_free(k);

	/* more bytes than any key record: decoded, not kept */
	memcpy(big, d.bytes, d.len);
	k = decode(big, DKIMV_KEYCACHE_MAX_DER + 100, NULL);
	ck_assert_ptr_nonnull(k);
	EVP_PKEY_free(k);

	ck_assert_uint_eq(stats().entries, 0);
	ck_assert_uint_eq(stats().uncached, 3);
	free(big);
	OPENSSL_free(d.bytes);
}
END_TEST

START_TEST(test_bounded_lru)
{
	enum { N = DKIMV_KEYCACHE_ENTRIES + 40 };
	struct der *d = calloc(N, sizeof(*d));

	for (int i = 0; i < N; i++) {
		EVP_PKEY *k;

		d[i] = der_of_new_ec();
		k = decode(d[i].bytes, d[i].len, NULL);
		ck_assert_ptr_nonnull(k);
		EVP_PKEY_free(k);
		/* key 0 stays in use, so it is never the least recent */
		k = decode(d[0].bytes, d[0].len, NULL);
		EVP_PKEY_free(k);
	}
	ck_assert_uint_eq(stats().entries, DKIMV_KEYCACHE_ENTRIES);
	ck_assert_uint_eq(stats().misses, N);
	/* the newest keys and key 0 are held; the oldest others are gone */
	for (int i = N - (DKIMV_KEYCACHE_ENTRIES - 1); i < N; i++)
		EVP_PKEY_free(decode(d[i].bytes, d[i].len, NULL));
	EVP_PKEY_free(decode(d[0].bytes, d[0].len, NULL));
	ck_assert_uint_eq(stats().misses, N);
	EVP_PKEY_free(decode(d[1].bytes, d[1].len, NULL));
	ck_assert_uint_eq(stats().misses, N + 1);
	ck_assert_uint_eq(stats().entries, DKIMV_KEYCACHE_ENTRIES);
	for (int i = 0; i < N; i++)
		OPENSSL_free(d[i].bytes);
	free(d);
}
END_TEST

enum { THREADS = 8, ROUNDS = 200, KEYS = 4 };
static struct der thread_keys[KEYS];

static void *
decode_many(void *arg)
{
	intptr_t bad = 0;

	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		const struct der *d = &thread_keys[i % KEYS];
		EVP_PKEY *k = decode(d->bytes, d->len, NULL);

		if (k == NULL || EVP_PKEY_get_id(k) != EVP_PKEY_EC)
			bad++;
		EVP_PKEY_free(k);
	}
	return (void *)bad;
}

START_TEST(test_threads)
{
	pthread_t t[THREADS];

	for (int i = 0; i < KEYS; i++)
		thread_keys[i] = der_of_new_ec();
	for (int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, decode_many, NULL), 0);
	for (int i = 0; i < THREADS; i++) {
		void *bad;

		ck_assert_int_eq(pthread_join(t[i], &bad), 0);
		ck_assert_int_eq((intptr_t)bad, 0);
	}
	ck_assert_uint_eq(stats().misses, KEYS);
	ck_assert_uint_eq(stats().hits + stats().misses, THREADS * ROUNDS);
	ck_assert_uint_eq(stats().entries, KEYS);
	for (int i = 0; i < KEYS; i++)
		OPENSSL_free(thread_keys[i].bytes);
}
END_TEST

START_TEST(test_interposed)
{
	char cmd[4200], line[512];
	FILE *p;
	int exported = 0;

	/* in this process, the name resolves to the cache's definition */
	ck_assert_ptr_eq(dlsym(RTLD_DEFAULT, "d2i_PUBKEY_bio"), (void *)d2i_PUBKEY_bio);
	/* and the daemon's executable exports it for libopendkim */
	snprintf(cmd, sizeof(cmd), "nm -D --defined-only '%s'", test_dmarcguard_binary());
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof(line), p) != NULL)
		if (strstr(line, " T d2i_PUBKEY_bio\n") != NULL)
			exported = 1;
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_msg(exported, "%s does not define d2i_PUBKEY_bio", test_dmarcguard_binary());
}
END_TEST

/* libopendkim's verifications go through the cache, and it decides nothing */
START_TEST(test_through_libopendkim)
{
	static const struct dkimv_test_sig spec = {
		"rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0, 0
	};
	static const struct dkimv_test_feed feed = { 0, 0, 0 };
	struct resolver *r = dns_fixture_resolver(NULL, 3000);
	struct dkimv_lib *lib = dkimv_test_lib(r, 0, 0);
	DKIM_LIB *signer = dkimv_test_signer_new();
	struct dkimv_signature got[2];
	struct dkimv_test_message m, tampered;

	dkimv_test_load(&m, "plain.eml");
	dkimv_test_sign(signer, &m, &spec);
	for (int round = 0; round < 3; round++) {
		ck_assert_uint_eq(dkimv_test_verify(lib, &m, &feed, got, 2), 1);
		ck_assert_int_eq(got[0].result, DKIMV_PASS);
		ck_assert_uint_eq(got[0].key_bits, 2048);
	}
	ck_assert_uint_eq(stats().misses, 1);
	ck_assert_uint_eq(stats().hits, 2);

	/* a cached key still fails a changed message */
	dkimv_test_load(&tampered, "plain.eml");
	dkimv_test_sign(signer, &tampered, &spec);
	dkimv_test_mutate(&tampered, DKIMV_TEST_HEADER);
	ck_assert_uint_eq(dkimv_test_verify(lib, &tampered, &feed, got, 2), 1);
	ck_assert_int_eq(got[0].result, DKIMV_FAIL);
	ck_assert_uint_eq(stats().hits, 3);

	dkimv_test_free(&m);
	dkimv_test_free(&tampered);
	dkim_close(signer);
	dkimv_lib_free(&lib);
	resolver_free(&r);
}
END_TEST

/* every test starts from an empty cache, with or without Check's fork */
static void
fresh_cache(void)
{
	dkimv_keycache_flush();
}

static void
dns_up(void)
{
	dns_fixture_up();
}

static void
dns_down(void)
{
	dns_fixture_down();
}

int
main(void)
{
	Suite *s = suite_create("keycache");
	TCase *unit = tcase_create("unit");
	TCase *dkim = tcase_create("nsd");

	tcase_set_timeout(unit, 60);
	tcase_add_checked_fixture(unit, fresh_cache, fresh_cache);
	tcase_add_test(unit, test_hit_is_same_key);
	tcase_add_test(unit, test_only_identical_bytes_hit);
	tcase_add_test(unit, test_failures_not_cached);
	tcase_add_test(unit, test_ordinary_paths);
	tcase_add_test(unit, test_bounded_lru);
	tcase_add_test(unit, test_threads);
	tcase_add_test(unit, test_interposed);
	tcase_add_unchecked_fixture(dkim, dns_up, dns_down);
	tcase_add_checked_fixture(dkim, fresh_cache, fresh_cache);
	tcase_set_timeout(dkim, 60);
	tcase_add_test(dkim, test_through_libopendkim);
	suite_add_tcase(s, unit);
	suite_add_tcase(s, dkim);
	return test_run_suite(s);
}
