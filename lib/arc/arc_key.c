/*
 * arc_key - fetching and decoding the public key of an ARC signature (see
 * arc_key.h).
 *
 * Thread-safety: any thread.
 */
#include "arc_key.h"
#include "arc_base64.h"
#include "arc_tags.h"
#include "resolver.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/x509.h>

#define ARC_KEY_MAX_DER 4096	/* an RSA-16384 key is about 2.1 KB */

/* list_has - whether a colon-separated tag value lists `want` */
static int
list_has(const struct arc_tag *tag, const char *want)
{
	const char *p = tag->value, *end = tag->value + tag->value_len;
	size_t n = strlen(want);

	while (p < end) {
		const char *colon = memchr(p, ':', (size_t)(end - p));
		const char *stop = colon != NULL ? colon : end;
		const char *a = p, *b = stop;

		while (a < b && (*a == ' ' || *a == '\t' || *a == '\r' || *a == '\n'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r' || b[-1] == '\n'))
			b--;
		if ((size_t)(b - a) == n && strncasecmp(a, want, n) == 0)
			return 1;
		p = stop + 1;
	}
	return 0;
}

EVP_PKEY *
arc_key_parse(const char *record, size_t len, unsigned min_bits, const char **reason_r)
{
	struct arc_tags tags;
	const struct arc_tag *v, *k, *h, *s, *p;
	unsigned char der[ARC_KEY_MAX_DER];
	const char *error = NULL;
	EVP_PKEY *key = NULL;
	BIO *bio;
	long n;

	if (arc_tags_parse(record, len, &tags, &error) < 0) {
		*reason_r = "key-syntax";
		return NULL;
	}
	v = arc_tags_get(&tags, "v");
	k = arc_tags_get(&tags, "k");
	h = arc_tags_get(&tags, "h");
	s = arc_tags_get(&tags, "s");
	p = arc_tags_get(&tags, "p");
	if ((v != NULL && (v != &tags.tag[0] || !arc_tags_is(v, "DKIM1"))) || p == NULL) {
		*reason_r = "key-syntax";
		return NULL;
	}
	if (k != NULL && !arc_tags_is(k, "rsa")) {
		*reason_r = "key-not-rsa";
		return NULL;
	}
	if (h != NULL && !list_has(h, "sha256")) {
		*reason_r = "key-not-sha256";
		return NULL;
	}
	if (s != NULL && !list_has(s, "email") && !list_has(s, "*")) {
		*reason_r = "key-not-for-email";
		return NULL;
	}
	if (p->value_len == 0) {
		*reason_r = "key-revoked";
		return NULL;
	}
	if ((n = arc_base64_decode(p->value, p->value_len, der, sizeof(der))) <= 0) {
		*reason_r = "key-syntax";
		return NULL;
	}
	/* a memory BIO, so that dkimv_keycache can answer from its cache */
	if ((bio = BIO_new_mem_buf(der, (int)n)) == NULL) {
		*reason_r = "out-of-memory";
		return NULL;
	}
	key = d2i_PUBKEY_bio(bio, NULL);
	BIO_free(bio);
	if (key == NULL) {
		*reason_r = "key-syntax";
		return NULL;
	}
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		EVP_PKEY_free(key);
		*reason_r = "key-not-rsa";
		return NULL;
	}
	if ((unsigned)EVP_PKEY_get_bits(key) < min_bits) {
		EVP_PKEY_free(key);
		*reason_r = "key-too-short";
		return NULL;
	}
	return key;
}

EVP_PKEY *
arc_key_fetch(struct resolver *resolver, const struct arc_key_request *req,
	      const char **reason_r)
{
	char name[512];
	struct dns_answer *answer;
	EVP_PKEY *key = NULL;
	int n;

	if (req->selector_len == 0 || req->domain_len == 0
	    || memchr(req->selector, '\0', req->selector_len) != NULL
	    || memchr(req->domain, '\0', req->domain_len) != NULL) {
		*reason_r = "key-name-invalid";
		return NULL;
	}
	n = snprintf(name, sizeof(name), "%.*s._domainkey.%.*s", (int)req->selector_len,
		     req->selector, (int)req->domain_len, req->domain);
	if (n < 0 || (size_t)n >= sizeof(name) || n > 253) {
		*reason_r = "key-name-invalid";
		return NULL;
	}
	answer = resolver_lookup(resolver, name, DNS_TYPE_TXT, req->timeout_ms);
	switch (answer->status) {
	case DNS_STATUS_TEMPFAIL:
		*reason_r = "key-dns-temperror";
		break;
	case DNS_STATUS_NXDOMAIN:
	case DNS_STATUS_NODATA:
		*reason_r = "key-not-found";
		break;
	case DNS_STATUS_ANSWER:
		/* RFC 6376 3.6.2.2: with several records a verifier may use the first */
		key = arc_key_parse((const char *)answer->records[0].data,
				    answer->records[0].len, req->min_bits, reason_r);
		break;
	}
	dns_answer_unref(&answer);
	return key;
}
