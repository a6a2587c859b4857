/*
 * arc_key - the public key of an ARC signature: the DKIM key record
 * (RFC 6376 3.6.1) at <s>._domainkey.<d>, fetched through our resolver
 * and decoded with OpenSSL.
 *
 * The record is read by us, not by libopendkim: v= (if present) must be
 * DKIM1, k= (default rsa) must be rsa, h= (if present) must list sha256,
 * s= (if present) must include email or *, p= must hold an RSA
 * SubjectPublicKeyInfo of at least min_bits. An empty p= is a revoked key.
 * The decode goes through d2i_PUBKEY_bio, which dkimv_keycache answers
 * from its cache of decoded keys.
 *
 * Every failure is permanent for ARC's purpose: a key that cannot be had
 * now makes the chain fail (RFC 8617 5.2, never a temporary failure of
 * the message because of ARC), but the reason says which it was:
 * "key-dns-temperror", "key-not-found", "key-revoked", "key-syntax",
 * "key-not-rsa", "key-not-sha256", "key-not-for-email", "key-too-short",
 * "key-name-invalid", "out-of-memory".
 *
 * Thread-safety: any thread; the resolver is thread-safe and the key
 * returned belongs to the caller (EVP_PKEY_free).
 */
#ifndef DMARCGUARD_ARC_KEY_H
#define DMARCGUARD_ARC_KEY_H

#include <openssl/evp.h>

struct resolver;

struct arc_key_request {
	const char *selector;		/* s= */
	size_t selector_len;
	const char *domain;		/* d= */
	size_t domain_len;
	unsigned min_bits;		/* 1024 */
	unsigned timeout_ms;		/* 0: the resolver's default */
};

/* arc_key_fetch - the key, or NULL with *reason_r set */
EVP_PKEY *arc_key_fetch(struct resolver *resolver, const struct arc_key_request *req,
			const char **reason_r);

/* arc_key_parse - a key record's text into a key (the part after the look-up) */
EVP_PKEY *arc_key_parse(const char *record, size_t len, unsigned min_bits,
			const char **reason_r);

#endif
