/*
 * arc_verify - the signatures of an ARC chain: the newest
 * ARC-Message-Signature (RFC 8617 5.2 step 5, DKIM rules of RFC 6376
 * 3.7 and 6.1) and every ARC-Seal (step 6, RFC 8617 5.1.1).
 *
 * Reasons: "algorithm-unsupported" (a= is not rsa-sha256),
 * "signature-syntax" (a required tag is missing or b=/bh= is not
 * base64), "canonicalization-unsupported", "ams-covers-seal" (h= names
 * ARC-Seal), "seal-has-h" (an AS with h=, RFC 8617 4.1.3),
 * "signature-expired" (x= in the past), "body-hash-mismatch",
 * "signature-mismatch", "ams-covers-field-above-chain" (h= selects a
 * field above every ARC field, see ams_input), "out-of-memory", and those
 * of arc_key.h.
 *
 * Thread-safety: one chain, one thread at a time.
 */
#include "arc_state.h"
#include "header_name.h"
#include "arc_base64.h"
#include "arc_canon.h"
#include "arc_key.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#define ARC_VERIFY_MAX_SIG 2048		/* RSA-16384 */

void
arc_verify_tag_range(const struct arc_field *f, const struct arc_tag *tag, size_t *from_r,
		     size_t *to_r)
{
	size_t from = (size_t)(tag->value - f->value), to = from + tag->value_len;

	/* RFC 6376 3.5 b=: the value "including all surrounding whitespace" */
	while (from > 0 && f->value[from - 1] != '=')
		from--;
	while (to < f->len && f->value[to] != ';')
		to++;
	*from_r = from;
	*to_r = to;
}

/*
 * chain_key - the key for (s, d), fetched once per chain: the newest
 * sealer's AMS and AS name the same key. Owned by the chain, as is the
 * verification context *verify_r then points at (NULL when not kept).
 */
static EVP_PKEY *
chain_key(struct arc_chain *c, struct resolver *resolver, const struct arc_key_request *req,
	  const char **reason_r, void ***verify_r)
{
	char name[256];
	struct arc_chain_key *k;
	/* the selector's length first, so that no two (s, d) pairs share a name */
	int n = snprintf(name, sizeof(name), "%zu:%.*s/%.*s", req->selector_len,
			 (int)req->selector_len, req->selector, (int)req->domain_len, req->domain);

	if (n > 0 && (size_t)n < sizeof(name))
		for (size_t i = 0; i < c->nkeys; i++)
			if (strcmp(c->keys[i].name, name) == 0) {
				*reason_r = c->keys[i].reason;
				*verify_r = &c->keys[i].verify;
				return c->keys[i].pkey;
			}
	*verify_r = NULL;
	if (n <= 0 || (size_t)n >= sizeof(name) || c->nkeys == sizeof(c->keys) / sizeof(c->keys[0])) {
		*reason_r = NULL;	/* not kept: the caller fetches it for this one use */
		return NULL;
	}
	k = &c->keys[c->nkeys++];
	memcpy(k->name, name, (size_t)n + 1);
	k->pkey = arc_key_fetch(resolver, req, &k->reason);
	k->verify = NULL;
	*reason_r = k->reason;
	*verify_r = &k->verify;
	return k->pkey;
}

/*
 * verify_ctx - a context that verifies RSASSA-PKCS1-v1_5 SHA-256 with key,
 * or NULL with the reason. Made once per key and chain: OpenSSL 3 looks
 * the algorithm up again for every new context and every parameter set,
 * about a tenth of what a verification costs (issue 14, callgrind).
 */
static EVP_PKEY_CTX *
verify_ctx(EVP_PKEY *key, const char **reason_r)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);

	if (ctx == NULL) {
		*reason_r = "out-of-memory";
		return NULL;
	}
	if (EVP_PKEY_verify_init(ctx) != 1
	    || EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1
	    || EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1) {
		EVP_PKEY_CTX_free(ctx);
		*reason_r = "signature-mismatch";
		return NULL;
	}
	return ctx;
}

/*
 * rsa_verify - RSASSA-PKCS1-v1_5 of a SHA-256 digest (the caller hashed
 * the input, so that the seals can share theirs); NULL or the reason
 */
static const char *
rsa_verify(struct arc_chain *c, struct resolver *resolver, const struct arc_tags *tags,
	   const unsigned char digest[SHA256_DIGEST_LENGTH])
{
	const struct arc_tag *b = arc_tags_get(tags, "b");
	const struct arc_tag *s = arc_tags_get(tags, "s");
	const struct arc_tag *d = arc_tags_get(tags, "d");
	unsigned char sig[ARC_VERIFY_MAX_SIG];
	struct arc_key_request req = {
		.min_bits = c->settings.min_rsa_bits,
		.timeout_ms = c->settings.timeout_ms,
	};
	const char *reason = NULL;
	EVP_PKEY_CTX *ctx, *owned_ctx = NULL;
	EVP_PKEY *key, *owned = NULL;
	void **kept_ctx = NULL;
	long siglen;
	int ok;

	if (b == NULL || s == NULL || d == NULL)
		return "signature-syntax";
	if ((siglen = arc_base64_decode(b->value, b->value_len, sig, sizeof(sig))) <= 0)
		return "signature-syntax";
	req.selector = s->value;
	req.selector_len = s->value_len;
	req.domain = d->value;
	req.domain_len = d->value_len;
	reason = NULL;
	if ((key = chain_key(c, resolver, &req, &reason, &kept_ctx)) == NULL && reason == NULL) {
		/* the chain's key table is full: fetch for this signature alone */
		if ((key = arc_key_fetch(resolver, &req, &reason)) == NULL)
			return reason;
		owned = key;
	}
	if (key == NULL)
		return reason;
	if (kept_ctx != NULL && *kept_ctx != NULL) {
		ctx = *kept_ctx;
	} else if ((ctx = verify_ctx(key, &reason)) == NULL) {
		EVP_PKEY_free(owned);
		return reason;
	} else if (kept_ctx != NULL && owned == NULL) {
		*kept_ctx = ctx;
	} else {
		owned_ctx = ctx;
	}
	ok = EVP_PKEY_verify(ctx, sig, (size_t)siglen, digest, SHA256_DIGEST_LENGTH) == 1;
	EVP_PKEY_CTX_free(owned_ctx);
	EVP_PKEY_free(owned);
	return ok ? NULL : "signature-mismatch";
}

/* expired - x= in the past (RFC 6376 3.5); a malformed x= counts as expired */
static int
expired(const struct arc_tags *tags)
{
	const struct arc_tag *x = arc_tags_get(tags, "x");
	unsigned long long v = 0;

	if (x == NULL)
		return 0;
	if (x->value_len == 0 || x->value_len > 12)
		return 1;
	for (size_t i = 0; i < x->value_len; i++) {
		if (x->value[i] < '0' || x->value[i] > '9')
			return 1;
		v = v * 10 + (unsigned)(x->value[i] - '0');
	}
	return v < (unsigned long long)time(NULL);
}

/* h_next - the next name of a colon-separated h= list, trimmed; 0 at the end */
static int
h_next(const char **p, const char *end, const char **name_r, size_t *len_r)
{
	const char *a = *p, *b;

	if (a >= end)
		return 0;
	b = memchr(a, ':', (size_t)(end - a));
	if (b == NULL)
		b = end;
	*p = b + 1;
	while (a < b && (*a == ' ' || *a == '\t' || *a == '\r' || *a == '\n'))
		a++;
	while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r' || b[-1] == '\n'))
		b--;
	*name_r = a;
	*len_r = (size_t)(b - a);
	return 1;
}

static int
field_named(const struct arc_field *f, const char *name, size_t len)
{
	return header_name_is(f->name, name, len);
}

/*
 * ams_input - the header hash input of the AMS: the fields h= selects,
 * each name taking the next instance from the bottom (RFC 6376 5.4.2),
 * then the AMS itself with b= emptied and no final CRLF. NULL, or the
 * reason: "out-of-memory", or "ams-covers-field-above-chain" when h=
 * selects a field that came before every ARC field, which is not kept
 * (arc_fields.h; docs/limits.md says why that chain fails).
 */
static const char *
ams_input(struct arc_chain *c, const struct arc_field *ams, const struct arc_tag *h,
	  enum arc_canon_mode mode, struct arc_canon_buf *buf)
{
	unsigned char *used = calloc(c->kept.count ? c->kept.count : 1, 1);
	const char *p = h->value, *end = h->value + h->value_len, *name;
	const struct arc_tag *b;
	struct arc_canon_skip skip;
	size_t len;

	if (used == NULL)
		return "out-of-memory";
	while (h_next(&p, end, &name, &len)) {
		size_t f;

		for (f = c->kept.count; f-- > 0;) {
			if (used[f] || !field_named(&c->kept.field[f], name, len))
				continue;
			used[f] = 1;
			arc_canon_field(buf, mode, c->kept.field[f].name, c->kept.field[f].value,
					c->kept.field[f].len, NULL, 1);
			break;
		}
		/* every kept one used: the next from the bottom would be above the chain */
		if (f == SIZE_MAX && arc_fields_above_has(&c->kept, name, len)) {
			free(used);
			return "ams-covers-field-above-chain";
		}
	}
	free(used);
	b = arc_tags_get(&c->instances[c->n - 1].ams_tags, "b");
	arc_verify_tag_range(ams, b, &skip.from, &skip.to);
	arc_canon_field(buf, mode, ams->name, ams->value, ams->len, &skip, 0);
	return arc_canon_failed(buf) ? "out-of-memory" : NULL;
}

const char *
arc_verify_ams(struct arc_chain *c, struct resolver *resolver, const unsigned char *bh,
	       size_t bh_len)
{
	const struct arc_instance *in = &c->instances[c->n - 1];
	const struct arc_tags *tags = &in->ams_tags;
	const struct arc_tag *a = arc_tags_get(tags, "a"), *h = arc_tags_get(tags, "h");
	const struct arc_tag *bht = arc_tags_get(tags, "bh"), *ct = arc_tags_get(tags, "c");
	unsigned char want[64];
	struct arc_canon_buf buf = { 0 };
	enum arc_canon_mode mode = ARC_CANON_SIMPLE;
	const char *reason;
	long n;

	if (a == NULL || h == NULL || bht == NULL || arc_tags_get(tags, "b") == NULL)
		return "signature-syntax";
	if (!arc_tags_is(a, "rsa-sha256"))
		return "algorithm-unsupported";
	for (const char *p = h->value, *end = h->value + h->value_len, *name; ;) {
		size_t len;

		if (!h_next(&p, end, &name, &len))
			break;
		if (len == 8 && strncasecmp(name, "arc-seal", 8) == 0)
			return "ams-covers-seal";
	}
	if (expired(tags))
		return "signature-expired";
	if (ct != NULL && ct->value_len >= 7 && strncasecmp(ct->value, "relaxed", 7) == 0)
		mode = ARC_CANON_RELAXED;
	if (c->body == NULL)
		return "canonicalization-unsupported";
	n = arc_base64_decode(bht->value, bht->value_len, want, sizeof(want));
	if (n < 0)
		return "signature-syntax";
	if ((size_t)n != bh_len || memcmp(want, bh, bh_len) != 0)
		return "body-hash-mismatch";
	if ((reason = ams_input(c, &c->kept.field[in->ams], h, mode, &buf)) == NULL) {
		unsigned char digest[SHA256_DIGEST_LENGTH];

		reason = EVP_Digest(buf.data, buf.len, digest, NULL, EVP_sha256(), NULL) == 1
		    ? rsa_verify(c, resolver, tags, digest) : "out-of-memory";
	}
	arc_canon_release(&buf);
	return reason;
}

/*
 * seal_digests - the SHA-256 of every seal's input (RFC 8617 5.1.1: sets
 * 1..i in order AAR, AMS, AS, relaxed, the AS of i with b= empty and no
 * final CRLF) into digest[i - 1], have[i - 1] = 1 where the seal has a b=.
 * The inputs of seals i and i + 1 share all of sets 1..i except the b= of
 * AS i, so one running hash over the sets in full is copied at each seal:
 * every field is canonicalized and hashed once, not once per seal above
 * it. NULL, or "out-of-memory".
 */
static const char *
seal_digests(struct arc_chain *c, unsigned char (*digest)[SHA256_DIGEST_LENGTH],
	     unsigned char *have)
{
	EVP_MD_CTX *run = EVP_MD_CTX_new(), *one = EVP_MD_CTX_new();
	struct arc_canon_buf buf = { 0 };
	int ok = run != NULL && one != NULL && EVP_DigestInit_ex(run, EVP_sha256(), NULL) == 1;

	for (unsigned k = 1; ok && k <= c->n; k++) {
		const struct arc_instance *set = &c->instances[k - 1];
		const struct arc_field *aar = &c->kept.field[set->aar];
		const struct arc_field *ams = &c->kept.field[set->ams];
		const struct arc_field *as = &c->kept.field[set->as];
		const struct arc_tag *b = arc_tags_get(&set->as_tags, "b");
		struct arc_canon_skip skip;

		arc_canon_reset(&buf);
		arc_canon_field(&buf, ARC_CANON_RELAXED, aar->name, aar->value, aar->len, NULL, 1);
		arc_canon_field(&buf, ARC_CANON_RELAXED, ams->name, ams->value, ams->len, NULL, 1);
		ok = !arc_canon_failed(&buf) && EVP_DigestUpdate(run, buf.data, buf.len) == 1;
		if (ok && b != NULL) {
			arc_canon_reset(&buf);
			arc_verify_tag_range(as, b, &skip.from, &skip.to);
			arc_canon_field(&buf, ARC_CANON_RELAXED, as->name, as->value, as->len,
					&skip, 0);
			ok = !arc_canon_failed(&buf) && EVP_MD_CTX_copy_ex(one, run) == 1
			    && EVP_DigestUpdate(one, buf.data, buf.len) == 1
			    && EVP_DigestFinal_ex(one, digest[k - 1], NULL) == 1;
			have[k - 1] = 1;
		}
		arc_canon_reset(&buf);
		arc_canon_field(&buf, ARC_CANON_RELAXED, as->name, as->value, as->len, NULL, 1);
		ok = ok && !arc_canon_failed(&buf) && EVP_DigestUpdate(run, buf.data, buf.len) == 1;
	}
	arc_canon_release(&buf);
	EVP_MD_CTX_free(run);
	EVP_MD_CTX_free(one);
	return ok ? NULL : "out-of-memory";
}

const char *
arc_verify_seals(struct arc_chain *c, struct resolver *resolver)
{
	unsigned char (*digest)[SHA256_DIGEST_LENGTH] = calloc(c->n, sizeof(*digest));
	unsigned char *have = calloc(c->n, 1);
	const char *reason = NULL;

	if (digest == NULL || have == NULL)
		reason = "out-of-memory";
	else
		reason = seal_digests(c, digest, have);
	for (unsigned i = c->n; reason == NULL && i >= 1; i--) {
		const struct arc_tags *tags = &c->instances[i - 1].as_tags;
		const struct arc_tag *a = arc_tags_get(tags, "a");

		if (a == NULL || !have[i - 1] || arc_tags_get(tags, "cv") == NULL)
			reason = "signature-syntax";
		else if (!arc_tags_is(a, "rsa-sha256"))
			reason = "algorithm-unsupported";
		else if (arc_tags_get(tags, "h") != NULL)
			reason = "seal-has-h";
		else
			reason = rsa_verify(c, resolver, tags, digest[i - 1]);
	}
	free(digest);
	free(have);
	return reason;
}
