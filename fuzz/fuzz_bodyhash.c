/*
 * fuzz_bodyhash - dkimv_bodyhash against libopendkim's own body hash.
 *
 * Input: byte 0 chooses simple or relaxed, SHA-1 or SHA-256 and whether
 * there is an l=; bytes 1-2 are l=; byte 3 the chunk size; the rest is the
 * body. The body is first made into what an MTA hands a milter (a CR not
 * followed by LF and an LF not after a CR become letters, a final CRLF is
 * added): there dkimv_bodyhash must agree with libopendkim exactly (see
 * dkimv_bodyhash.h for the departures outside it).
 *
 * Invariants checked (abort on violation):
 *  - the digest equals bh= of a signature libopendkim's signer makes over
 *    the same body with the same canonicalization, algorithm and l=;
 *  - feeding in chunks of any size gives the digest and canonical length
 *    of feeding all at once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <opendkim/dkim.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "dkimv_bodyhash.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static DKIM_LIB *signer;
static char *key_pem;

/* setup - a signer and a fresh RSA key, once per process */
static void
setup(void)
{
	EVP_PKEY *k;
	BIO *b;
	char *p;
	long n;

	if (signer != NULL)
		return;
	if ((signer = dkim_init(NULL, NULL)) == NULL
	    || (k = EVP_RSA_gen(1024)) == NULL || (b = BIO_new(BIO_s_mem())) == NULL
	    || PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) != 1)
		fuzz_die("cannot set up the signer");
	n = BIO_get_mem_data(b, &p);
	if ((key_pem = malloc((size_t)n + 1)) == NULL)
		fuzz_die("out of memory");
	memcpy(key_pem, p, (size_t)n);
	key_pem[n] = '\0';
	BIO_free(b);
	EVP_PKEY_free(k);
}

/* libopendkim_bh - bh= (base64) of libopendkim's signature over body */
static void
libopendkim_bh(const unsigned char *body, size_t len, dkim_canon_t canon, dkim_alg_t alg,
	       ssize_t limit, char *out, size_t outsize)
{
	static const char from[] = "From: a@fuzz.example";
	DKIM_STAT st;
	DKIM *d = dkim_sign(signer, (const unsigned char *)"fuzz", NULL, (dkim_sigkey_t)key_pem,
			    (const unsigned char *)"s", (const unsigned char *)"fuzz.example",
			    canon, canon, alg, limit, &st);
	unsigned char *hdr = NULL;
	size_t hdrlen = 0, k = 0;
	const char *tag;

	if (d == NULL)
		fuzz_die("dkim_sign: %d", st);
	if (dkim_header(d, (unsigned char *)from, strlen(from)) != DKIM_STAT_OK
	    || dkim_eoh(d) != DKIM_STAT_OK
	    || (len > 0 && dkim_body(d, (unsigned char *)body, len) != DKIM_STAT_OK)
	    || dkim_eom(d, NULL) != DKIM_STAT_OK
	    || dkim_getsighdr_d(d, 0, &hdr, &hdrlen) != DKIM_STAT_OK
	    || (tag = strstr((const char *)hdr, "bh=")) == NULL)
		fuzz_die("libopendkim's signer failed");
	for (tag += 3; *tag != ';' && *tag != '\0' && k + 1 < outsize; tag++)
		if (*tag != ' ' && *tag != '\t' && *tag != '\r' && *tag != '\n')
			out[k++] = *tag;
	out[k] = '\0';
	dkim_free(d);
}

static void
ours(enum dkimv_bodyhash_canon canon, enum dkimv_bodyhash_alg alg, unsigned long long limit,
     const unsigned char *body, size_t len, size_t chunk, unsigned char *digest,
     size_t *dlen, unsigned long long *clen)
{
	struct dkimv_bodyhash *h = dkimv_bodyhash_new(canon, alg, limit);

	if (h == NULL)
		fuzz_die("dkimv_bodyhash_new failed");
	for (size_t off = 0; off < len; off += chunk)
		if (dkimv_bodyhash_feed(h, body + off, len - off < chunk ? len - off : chunk) < 0)
			fuzz_die("dkimv_bodyhash_feed failed");
	if (dkimv_bodyhash_final(h, digest, dlen, clen) < 0)
		fuzz_die("dkimv_bodyhash_final failed");
	dkimv_bodyhash_free(&h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int relaxed, sha1, has_l;
	size_t limit, chunk, len = 0;
	unsigned char *body, d1[32], d2[32], b64[64];
	size_t l1, l2;
	unsigned long long c1, c2;
	char want[128];

	if (size < 4)
		return 0;
	setup();
	relaxed = data[0] & 1;
	sha1 = (data[0] >> 1) & 1;
	has_l = (data[0] >> 2) & 1;
	limit = (size_t)data[1] << 8 | data[2];
	chunk = 1 + data[3];
	data += 4;
	size -= 4;
	if ((body = malloc(size + 2)) == NULL)
		return 0;
	for (size_t i = 0; i < size; i++) {
		unsigned char c = data[i];

		if (c == '\r' && (i + 1 >= size || data[i + 1] != '\n'))
			c = 'r';
		else if (c == '\n' && (i == 0 || data[i - 1] != '\r'))
			c = 'n';
		body[len++] = c;
	}
	if (len < 2 || body[len - 2] != '\r' || body[len - 1] != '\n') {
		body[len++] = '\r';
		body[len++] = '\n';
	}

	ours(relaxed ? DKIMV_BODYHASH_RELAXED : DKIMV_BODYHASH_SIMPLE,
	     sha1 ? DKIMV_BODYHASH_SHA1 : DKIMV_BODYHASH_SHA256,
	     has_l ? limit : DKIMV_BODYHASH_NO_LIMIT, body, len, chunk, d1, &l1, &c1);
	ours(relaxed ? DKIMV_BODYHASH_RELAXED : DKIMV_BODYHASH_SIMPLE,
	     sha1 ? DKIMV_BODYHASH_SHA1 : DKIMV_BODYHASH_SHA256,
	     has_l ? limit : DKIMV_BODYHASH_NO_LIMIT, body, len, len, d2, &l2, &c2);
	if (l1 != l2 || memcmp(d1, d2, l1) != 0 || c1 != c2)
		fuzz_die("chunks of %zu give another result than one chunk", chunk);

	libopendkim_bh(body, len, relaxed ? DKIM_CANON_RELAXED : DKIM_CANON_SIMPLE,
		       sha1 ? DKIM_SIGN_RSASHA1 : DKIM_SIGN_RSASHA256,
		       has_l ? (ssize_t)limit : -1, want, sizeof(want));
	EVP_EncodeBlock(b64, d1, (int)l1);
	if (strcmp((const char *)b64, want) != 0)
		fuzz_die("%s %s l=%s%zu: bh=%s, libopendkim says %s", relaxed ? "relaxed" : "simple",
			 sha1 ? "sha1" : "sha256", has_l ? "" : "none/", limit, b64, want);
	free(body);
	return 0;
}
