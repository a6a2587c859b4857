/*
 * test_dkimv_bodyhash - the DKIM body hash: canonical forms of RFC 6376's rules
 * as a table (each input fed whole and in every split into two chunks, and
 * octet by octet), the l= limit, and a differential check against
 * libopendkim's own signer on thousands of generated bodies, each fed in
 * random chunks. Canonical lengths (what l= is compared with) have their
 * own table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <opendkim/dkim.h>
#include <openssl/evp.h>

#include "dkimv_bodyhash.h"
#include "test_main.h"
#include "test_paths.h"

#define S DKIMV_BODYHASH_SIMPLE
#define R DKIMV_BODYHASH_RELAXED

static const struct {
	enum dkimv_bodyhash_canon canon;
	const char *in;
	const char *want;	/* the canonical body */
} forms[] = {
	/* RFC 6376 3.4.5 */
	{ R, " C \r\nD \t E\r\n\r\n\r\n", " C\r\nD E\r\n" },
	{ S, " C \r\nD \t E\r\n\r\n\r\n", " C \r\nD \t E\r\n" },
	/* empty bodies */
	{ S, "", "\r\n" },
	{ R, "", "" },
	{ S, "\r\n\r\n", "\r\n" },
	{ R, "\r\n \r\n\t\r\n", "" },
	{ S, " \r\n", " \r\n" },		/* white space is content in simple */
	/* empty lines inside stay, at the end go */
	{ S, "a\r\n\r\n\r\nb\r\n\r\n", "a\r\n\r\n\r\nb\r\n" },
	{ R, "a\r\n \r\n\t\r\nb\r\n \r\n", "a\r\n\r\n\r\nb\r\n" },
	{ R, "\r\n\r\na\r\n", "\r\n\r\na\r\n" },
	/* white space runs, leading and trailing */
	{ R, "  a  b\t\tc \t \r\n", " a b c\r\n" },
	{ R, "\ta\r\n", " a\r\n" },
	{ R, "a \r\n", "a\r\n" },
	/* an unterminated last line gets its CRLF */
	{ S, "a\r\nb", "a\r\nb\r\n" },
	{ R, "a\r\nb  ", "a\r\nb\r\n" },
	{ R, "a\r\n  ", "a\r\n" },
	/* a lone CR or LF is content */
	{ S, "a\rb\r\n", "a\rb\r\n" },
	{ R, "a\rb\r\n", "a\rb\r\n" },
	{ S, "a\nb\r\n", "a\nb\r\n" },
	{ R, "a \n b\r\n", "a \n b\r\n" },
	{ S, "\n\r\n", "\n\r\n" },
	{ S, "a\r\r\n", "a\r\r\n" },
	{ S, "a\r", "a\r\r\n" },
	{ R, "\r\r\n", "\r\r\n" },
	{ S, "a\r\n\r", "a\r\n\r\r\n" },
};

static void
hash_of(const char *canonical, enum dkimv_bodyhash_alg alg, size_t limit,
	unsigned char *out, size_t *len)
{
	unsigned int n = 0;
	size_t take = strlen(canonical);

	if (take > limit)
		take = limit;
	ck_assert_int_eq(EVP_Digest(canonical, take, out, &n,
				    alg == DKIMV_BODYHASH_SHA1 ? EVP_sha1() : EVP_sha256(), NULL), 1);
	*len = n;
}

/* run - feed in pieces of at most step octets (0: all at once) starting with first */
static void
run(enum dkimv_bodyhash_canon canon, enum dkimv_bodyhash_alg alg, unsigned long long limit,
    const unsigned char *in, size_t len, size_t first, size_t step,
    unsigned char *out, size_t *out_len, unsigned long long *canon_len)
{
	struct dkimv_bodyhash *h = dkimv_bodyhash_new(canon, alg, limit);
	size_t off = 0;

	ck_assert_ptr_nonnull(h);
	if (first > 0 && first < len) {
		ck_assert_int_eq(dkimv_bodyhash_feed(h, in, first), 0);
		off = first;
	}
	while (off < len) {
		size_t n = step == 0 || step > len - off ? len - off : step;

		ck_assert_int_eq(dkimv_bodyhash_feed(h, in + off, n), 0);
		off += n;
	}
	ck_assert_int_eq(dkimv_bodyhash_final(h, out, out_len, canon_len), 0);
	dkimv_bodyhash_free(&h);
	ck_assert_ptr_null(h);
}

START_TEST(test_forms)
{
	const char *in = forms[_i].in, *want = forms[_i].want;
	size_t len = strlen(in), want_len, got_len;
	unsigned char want_hash[32], got[32];
	unsigned long long canon_len;

	hash_of(want, DKIMV_BODYHASH_SHA256, ~(size_t)0, want_hash, &want_len);
	for (size_t first = 0; first <= len; first++) {
		for (size_t step = 0; step <= 1; step++) {
			run(forms[_i].canon, DKIMV_BODYHASH_SHA256, DKIMV_BODYHASH_NO_LIMIT,
			    (const unsigned char *)in, len, first, step, got, &got_len, &canon_len);
			ck_assert_msg(got_len == want_len && memcmp(got, want_hash, got_len) == 0,
				      "row %d split %zu step %zu: wrong hash", _i, first, step);
			ck_assert_uint_eq(canon_len, strlen(want));
		}
	}
}
END_TEST

/* canonical lengths under both canonicalizations, what l= is compared with */
static const struct {
	const char *body;
	unsigned long long simple, relaxed;
} lengths[] = {
	{ "", 2, 0 },
	{ "\r\n", 2, 0 },
	{ "\r\n\r\n\r\n", 2, 0 },
	{ "abc", 5, 5 },
	{ "abc\r\n", 5, 5 },
	{ "abc\r\n\r\n\r\n", 5, 5 },
	{ "\r\nabc\r\n", 7, 7 },
	{ "a  b \t\r\n", 8, 5 },
	{ "  lead\r\n", 8, 7 },
	{ " \t\r\n", 4, 0 },
	{ "x\r\n \r\n", 6, 3 },
	{ "x\r\n\r\n \t \r\ny\r\n", 13, 10 },
	{ "a\rb\r\n", 5, 5 },
	{ "a\nb\r\n", 5, 5 },
	{ "abc\r", 6, 6 },
	{ "abc  ", 7, 5 },
};

START_TEST(test_lengths)
{
	const unsigned char *in = (const unsigned char *)lengths[_i].body;
	size_t len = strlen(lengths[_i].body), dlen;
	unsigned char d[32];
	unsigned long long got;

	for (size_t step = 0; step <= 1; step++) {
		run(S, DKIMV_BODYHASH_SHA256, 0, in, len, 0, step, d, &dlen, &got);
		ck_assert_uint_eq(got, lengths[_i].simple);
		run(R, DKIMV_BODYHASH_SHA256, 0, in, len, 0, step, d, &dlen, &got);
		ck_assert_uint_eq(got, lengths[_i].relaxed);
	}
}
END_TEST

/* a run of white space found wherever it lies against 8-octet words */
START_TEST(test_squeeze_positions)
{
	static const char *const runs[] = { "  ", "\t", " \t", "   " };

	for (size_t r = 0; r < 4; r++) {
		for (size_t at = 1; at < 30; at++) {
			char in[64], want[64];
			unsigned char got[32], exp[32];
			size_t got_len, exp_len;
			unsigned long long canon_len;

			memset(in, 'a', at);
			snprintf(in + at, sizeof(in) - at, "%sbbbbbbbbbbbbbbbbb\r\n", runs[r]);
			memset(want, 'a', at);
			snprintf(want + at, sizeof(want) - at, " bbbbbbbbbbbbbbbbb\r\n");
			hash_of(want, DKIMV_BODYHASH_SHA256, ~(size_t)0, exp, &exp_len);
			run(R, DKIMV_BODYHASH_SHA256, DKIMV_BODYHASH_NO_LIMIT, (const unsigned char *)in,
			    strlen(in), 0, 0, got, &got_len, &canon_len);
			ck_assert_msg(memcmp(got, exp, 32) == 0, "run %zu at %zu", r, at);
			ck_assert_uint_eq(canon_len, strlen(want));
		}
	}
}
END_TEST

/* l=: only the first octets are hashed, the whole length is counted */
START_TEST(test_limit)
{
	static const char in[] = "first line\r\n\r\nsecond  line \r\n\r\n";
	static const char canonical[] = "first line\r\n\r\nsecond line\r\n";
	unsigned char want[32], got[32];
	size_t want_len, got_len;
	unsigned long long canon_len;

	for (unsigned long long limit = 0; limit <= sizeof(canonical); limit++) {
		hash_of(canonical, DKIMV_BODYHASH_SHA1, (size_t)limit, want, &want_len);
		run(R, DKIMV_BODYHASH_SHA1, limit, (const unsigned char *)in, strlen(in), 5, 3,
		    got, &got_len, &canon_len);
		ck_assert_uint_eq(got_len, 20);
		ck_assert_msg(memcmp(got, want, 20) == 0, "limit %llu", limit);
		ck_assert_uint_eq(canon_len, strlen(canonical));
	}
}
END_TEST

START_TEST(test_many_empty_lines_and_long_line)
{
	size_t n = 3 * 1000 * 1000;
	unsigned char *in = malloc(n + 4), got[32], want[32];
	size_t got_len, want_len;
	unsigned long long canon_len;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int len;

	/* a million empty lines, then content: all of them are body */
	for (size_t i = 0; i < n; i += 2)
		memcpy(in + i, "\r\n", 2);
	memcpy(in + n, "x\r\n", 3);
	run(S, DKIMV_BODYHASH_SHA256, DKIMV_BODYHASH_NO_LIMIT, in, n + 3, 0, 65535,
	    got, &got_len, &canon_len);
	ck_assert_uint_eq(canon_len, n + 3);
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, in, n + 3);
	EVP_DigestFinal_ex(md, want, &len);
	ck_assert_int_eq(memcmp(got, want, 32), 0);
	/* one 3 MB line of runs of spaces, in 64 KiB chunks */
	for (size_t i = 0; i < n; i++)
		in[i] = i % 3 == 0 ? 'a' : ' ';
	memcpy(in + n, "\r\n", 2);
	run(R, DKIMV_BODYHASH_SHA256, DKIMV_BODYHASH_NO_LIMIT, in, n + 2, 0, 65535,
	    got, &got_len, &canon_len);
	ck_assert_uint_eq(canon_len, n / 3 * 2 - 1 + 2);	/* "a a a ... a" CRLF */
	EVP_MD_CTX_free(md);
	free(in);
	(void)want_len;
}
END_TEST

/* ---- differential check against libopendkim's signer ---- */

static DKIM_LIB *signer;
static char *signing_key;

static char *
read_key(void)
{
	char path[4096];
	FILE *f;
	char *buf = calloc(1, 8192);

	snprintf(path, sizeof(path), "%s/keys/rsa2048.pem", test_source_dir());
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_gt(fread(buf, 1, 8191, f), 0);
	fclose(f);
	return buf;
}

/* libopendkim_bh - bh= of a signature libopendkim makes over this body */
static size_t
libopendkim_bh(const unsigned char *body, size_t len, dkim_canon_t canon, dkim_alg_t alg,
	       ssize_t limit, unsigned char *bh)
{
	static const char from[] = "From: a@dkim.example";
	DKIM_STAT st;
	DKIM *d = dkim_sign(signer, (const unsigned char *)"diff", NULL,
			    (dkim_sigkey_t)signing_key, (const unsigned char *)"sel",
			    (const unsigned char *)"dkim.example", canon, canon, alg, limit, &st);
	unsigned char *hdr = NULL;
	size_t hdrlen = 0;
	const char *tag, *end;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(dkim_header(d, (unsigned char *)from, strlen(from)), DKIM_STAT_OK);
	ck_assert_int_eq(dkim_eoh(d), DKIM_STAT_OK);
	if (len > 0)
		ck_assert_int_eq(dkim_body(d, (unsigned char *)body, len), DKIM_STAT_OK);
	ck_assert_int_eq(dkim_eom(d, NULL), DKIM_STAT_OK);
	ck_assert_int_eq(dkim_getsighdr_d(d, 0, &hdr, &hdrlen), DKIM_STAT_OK);
	tag = strstr((const char *)hdr, "bh=");
	ck_assert_ptr_nonnull(tag);
	tag += 3;
	end = strchr(tag, ';');
	ck_assert_ptr_nonnull(end);
	{
		char b64[128];
		size_t k = 0;

		for (const char *p = tag; p < end && k < sizeof(b64) - 1; p++)
			if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
				b64[k++] = *p;
		b64[k] = '\0';
		n = (size_t)EVP_DecodeBlock(bh, (const unsigned char *)b64, (int)k);
		while (k > 0 && b64[k - 1] == '=') {	/* DecodeBlock counts the padding */
			n--;
			k--;
		}
	}
	dkim_free(d);
	return n;
}

/* gen_body - lines of words, runs of SP/HTAB, empty and blank lines; CRLF-ended */
static size_t
gen_body(unsigned *seed, unsigned char *out, size_t max, int bare_cr)
{
	size_t n = 0;
	unsigned lines = (unsigned)rand_r(seed) % 40;

	for (unsigned l = 0; l < lines && n + 300 < max; l++) {
		unsigned kind = (unsigned)rand_r(seed) % 10;
		unsigned len = kind == 0 ? 0 : (unsigned)rand_r(seed) % (kind == 9 ? 250 : 80);

		for (unsigned i = 0; i < len; i++) {
			unsigned r = (unsigned)rand_r(seed) % 100;

			out[n++] = r < 12 ? ' ' : r < 15 ? '\t' : r < 16 && bare_cr ? '\r'
			    : (unsigned char)('a' + r % 26);
		}
		if (bare_cr && n > 0 && out[n - 1] == '\r')
			out[n - 1] = 'z';	/* keep "\r\r\n" out: see the header */
		out[n++] = '\r';
		out[n++] = '\n';
	}
	return n;
}

START_TEST(test_same_as_libopendkim)
{
	enum { BODIES = 600, MAX = 16384 };
	unsigned seed = 20261122 + (unsigned)_i;
	unsigned char *body = malloc(MAX);
	int mismatches = 0;

	for (int b = 0; b < BODIES; b++) {
		int relaxed = b % 2;
		dkim_alg_t alg = (b / 2) % 2 ? DKIM_SIGN_RSASHA1 : DKIM_SIGN_RSASHA256;
		size_t len = gen_body(&seed, body, MAX, !relaxed);
		ssize_t limit = (b / 4) % 3 == 0 ? (ssize_t)(rand_r(&seed) % (len + 3)) : -1;
		unsigned char want[32], got[32];
		size_t want_len, got_len, first = len ? (size_t)rand_r(&seed) % len : 0;
		size_t step = 1 + (size_t)rand_r(&seed) % 97;
		unsigned long long canon_len;

		want_len = libopendkim_bh(body, len, relaxed ? DKIM_CANON_RELAXED : DKIM_CANON_SIMPLE,
					  alg, limit, want);
		run(relaxed ? R : S, alg == DKIM_SIGN_RSASHA1 ? DKIMV_BODYHASH_SHA1
		    : DKIMV_BODYHASH_SHA256, limit < 0 ? DKIMV_BODYHASH_NO_LIMIT
		    : (unsigned long long)limit, body, len, first, step, got, &got_len, &canon_len);
		if (got_len != want_len || memcmp(got, want, got_len) != 0) {
			if (mismatches++ < 5)
				fprintf(stderr, "body %d (%s, %s, l=%zd, %zu octets): differs\n", b,
					relaxed ? "relaxed" : "simple",
					alg == DKIM_SIGN_RSASHA1 ? "sha1" : "sha256", limit, len);
		}
	}
	ck_assert_int_eq(mismatches, 0);
	free(body);
}
END_TEST

static void
signer_up(void)
{
	DKIM_STAT st;
	unsigned int bits = 512;

	signer = dkim_init(NULL, NULL);
	ck_assert_ptr_nonnull(signer);
	ck_assert_int_eq(dkim_options(signer, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS, &bits,
				      sizeof(bits)), DKIM_STAT_OK);
	signing_key = read_key();
	(void)st;
}

static void
signer_down(void)
{
	dkim_close(signer);
	free(signing_key);
}

int
main(void)
{
	Suite *s = suite_create("bodyhash");
	TCase *tc = tcase_create("forms");
	TCase *diff = tcase_create("libopendkim");

	tcase_add_loop_test(tc, test_forms, 0, TEST_ROWS(forms));
	tcase_add_loop_test(tc, test_lengths, 0, TEST_ROWS(lengths));
	tcase_add_test(tc, test_squeeze_positions);
	tcase_add_test(tc, test_limit);
	tcase_add_test(tc, test_many_empty_lines_and_long_line);
	tcase_add_unchecked_fixture(diff, signer_up, signer_down);
	tcase_set_timeout(diff, 120);
	tcase_add_loop_test(diff, test_same_as_libopendkim, 0, 4);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, diff);
	return test_run_suite(s);
}
