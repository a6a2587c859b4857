/*
 * arc_chain - the push interface of ARC verification (see arc_chain.h):
 * the header fields kept for the AMS, the body hashed for the newest AMS,
 * and the order of the checks at the end. The structure is arc_set.c's,
 * the signatures arc_verify.c's.
 *
 * Thread-safety: one chain, one thread at a time.
 */
#include "arc_state.h"
#include "header_name.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

enum { ST_HEADERS, ST_BODY, ST_DONE };

void
arc_chain_settings_init(struct arc_chain_settings *settings)
{
	settings->min_rsa_bits = 1024;
	settings->timeout_ms = 0;
}

struct arc_chain *
arc_chain_new(const struct arc_chain_settings *settings, const char **error_r)
{
	struct arc_chain *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		*error_r = "out of memory";
		return NULL;
	}
	c->settings = *settings;
	return c;
}

static enum arc_kind
kind_of(const char *name)
{
	if (header_name_is(name, "ARC-Seal", 8))
		return ARC_KIND_SEAL;
	if (header_name_is(name, "ARC-Message-Signature", 21))
		return ARC_KIND_AMS;
	if (header_name_is(name, "ARC-Authentication-Results", 26))
		return ARC_KIND_AAR;
	return ARC_KIND_OTHER;
}

int
arc_chain_header(struct arc_chain *c, const char *name, const char *value, size_t len)
{
	enum arc_kind kind = kind_of(name);

	if (c->failed || c->state != ST_HEADERS)
		return c->failed = 1, -1;
	if (kind != ARC_KIND_OTHER)
		c->arc_fields++;
	c->bytes += strlen(name) + len + 3;
	if (c->arc_fields == 0) {
		/* above the chain, or mail without ARC: a name noted, nothing copied */
		arc_fields_note_above(&c->kept, name);
		return 0;
	}
	if (c->too_large || c->bytes > ARC_CHAIN_MAX_HEADER_BYTES
	    || c->kept.count == ARC_CHAIN_MAX_FIELDS) {
		c->too_large = 1;
		return 0;
	}
	if (arc_fields_keep(&c->kept, name, value, len, kind) < 0)
		return c->failed = 1, -1;
	return 0;
}

int
arc_chain_present(const struct arc_chain *c)
{
	return c->arc_fields > 0;
}

/* body_hasher - the hasher for the newest AMS's c= and l=, or NULL if unusable */
static struct dkimv_bodyhash *
body_hasher(const struct arc_tags *tags)
{
	const struct arc_tag *ct = arc_tags_get(tags, "c"), *l = arc_tags_get(tags, "l");
	enum dkimv_bodyhash_canon canon = DKIMV_BODYHASH_SIMPLE;
	unsigned long long limit = DKIMV_BODYHASH_NO_LIMIT;

	if (ct != NULL) {
		const char *slash = memchr(ct->value, '/', ct->value_len);
		size_t hlen = slash ? (size_t)(slash - ct->value) : ct->value_len;
		const char *body = slash ? slash + 1 : "simple";
		size_t blen = slash ? ct->value_len - hlen - 1 : 6;

		if (!((hlen == 6 && strncasecmp(ct->value, "simple", 6) == 0)
		      || (hlen == 7 && strncasecmp(ct->value, "relaxed", 7) == 0)))
			return NULL;
		if (blen == 7 && strncasecmp(body, "relaxed", 7) == 0)
			canon = DKIMV_BODYHASH_RELAXED;
		else if (!(blen == 6 && strncasecmp(body, "simple", 6) == 0))
			return NULL;
	}
	if (l != NULL) {
		limit = 0;
		if (l->value_len == 0 || l->value_len > 18)
			return NULL;
		for (size_t i = 0; i < l->value_len; i++) {
			if (l->value[i] < '0' || l->value[i] > '9')
				return NULL;
			limit = limit * 10 + (unsigned)(l->value[i] - '0');
		}
	}
	return dkimv_bodyhash_new(canon, DKIMV_BODYHASH_SHA256, limit);
}

int
arc_chain_eoh(struct arc_chain *c)
{
	if (c->failed || c->state != ST_HEADERS)
		return c->failed = 1, -1;
	c->state = ST_BODY;
	if (c->arc_fields == 0)
		return 0;	/* the usual message: nothing was kept, nothing to verify */
	if (arc_set_build(c) < 0)
		return c->failed = 1, -1;
	if (c->n > 0 && c->structure_error == NULL
	    && (c->body = body_hasher(&c->instances[c->n - 1].ams_tags)) != NULL
	    && (c->conv = malloc(ARC_CHAIN_CONV)) == NULL)
		return c->failed = 1, -1;
	return 0;
}

int
arc_chain_body(struct arc_chain *c, const unsigned char *chunk, size_t len)
{
	if (c->failed || c->state != ST_BODY)
		return c->failed = 1, -1;
	if (c->body == NULL || len == 0)
		return 0;
	while (len > 0) {
		size_t out = 0;
		int prev_cr = c->prev_cr;

		while (len > 0 && out + 2 <= ARC_CHAIN_CONV) {
			unsigned char ch = *chunk++;

			len--;
			if (ch == '\n' && !prev_cr)
				c->conv[out++] = '\r';
			c->conv[out++] = ch;
			prev_cr = ch == '\r';
		}
		c->prev_cr = prev_cr;
		if (dkimv_bodyhash_feed(c->body, c->conv, out) < 0)
			return c->failed = 1, -1;
	}
	return 0;
}

/* sealers - the lowercase d= of every seal, for the caller's trust decisions */
static int
sealers(struct arc_chain *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		const struct arc_tag *d = arc_tags_get(&c->instances[i].as_tags, "d");
		char *s = malloc(d != NULL ? d->value_len + 1 : 1);

		if (s == NULL)
			return -1;
		for (size_t k = 0; d != NULL && k < d->value_len; k++) {
			char ch = d->value[k];

			s[k] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
		}
		s[d != NULL ? d->value_len : 0] = '\0';
		c->sets[i].sealer = s;
	}
	return 0;
}

/* verify - RFC 8617 5.2 steps 5 and 6; NULL or the reason */
static const char *
verify(struct arc_chain *c, struct resolver *resolver)
{
	unsigned char digest[DKIMV_BODYHASH_MAX_DIGEST];
	size_t digest_len = 0;
	unsigned long long canon_len = 0;
	const char *reason;

	if (c->body == NULL)
		return "canonicalization-unsupported";
	if (dkimv_bodyhash_final(c->body, digest, &digest_len, &canon_len) < 0)
		return "internal-error";
	if ((reason = arc_verify_ams(c, resolver, digest, digest_len)) != NULL)
		return reason;
	return arc_verify_seals(c, resolver);
}

const struct arc_chain_result *
arc_chain_finish(struct arc_chain *c, struct resolver *resolver)
{
	struct arc_chain_result *r = &c->result;

	if (c->finished)
		return r;
	c->finished = 1;
	r->status = ARC_CHAIN_FAIL;
	if (c->failed || c->state != ST_BODY) {
		r->reason = "internal-error";
		return r;
	}
	c->state = ST_DONE;
	if (c->arc_fields == 0) {
		r->status = ARC_CHAIN_NONE;
		return r;
	}
	if (c->n > 0 && sealers(c) < 0) {
		r->reason = "internal-error";
		return r;
	}
	r->instances = c->n;
	r->sets = c->n > 0 ? c->sets : NULL;
	if ((r->reason = c->structure_error) != NULL)
		return r;
	if ((r->reason = verify(c, resolver)) == NULL)
		r->status = ARC_CHAIN_PASS;
	return r;
}

const char *
arc_chain_status_name(enum arc_chain_status status)
{
	switch (status) {
	case ARC_CHAIN_PASS: return "pass";
	case ARC_CHAIN_FAIL: return "fail";
	case ARC_CHAIN_NONE: break;
	}
	return "none";
}

void
arc_chain_free(struct arc_chain **cp)
{
	struct arc_chain *c = *cp;

	if (c == NULL)
		return;
	*cp = NULL;
	arc_fields_clear(&c->kept);
	free(c->conv);
	for (unsigned i = 0; i < c->slots; i++)
		free((char *)c->sets[i].sealer);
	free(c->sets);
	free(c->instances);
	dkimv_bodyhash_free(&c->body);
	for (size_t i = 0; i < c->nkeys; i++) {
		EVP_PKEY_CTX_free(c->keys[i].verify);
		EVP_PKEY_free(c->keys[i].pkey);
	}
	free(c);
}
