/*
 * dkimv_bodycheck - body hashes for the signatures of one message (see
 * dkimv_bodycheck.h).
 *
 * A slot is one hasher (canonicalization, algorithm, l=); each signature
 * points at the slot it needs or at none. A signature that only needs the
 * canonical length (its header hash did not verify, but it has l=) gets a
 * slot with limit 0, which counts without hashing.
 *
 * Thread-safety: none; one checker belongs to one message.
 */
#include "dkimv_bodycheck.h"
#include "dkimv_bodyhash.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

struct slot {
	struct dkimv_bodyhash *hash;
	enum dkimv_bodyhash_canon canon;
	enum dkimv_bodyhash_alg alg;
	unsigned long long limit;
	unsigned char digest[DKIMV_BODYHASH_MAX_DIGEST];
	size_t digest_len;
	unsigned long long canon_len;
};

struct sig_need {
	int slot;		/* index into slots, or -1 */
	int hashed;		/* header hash verified: compare bh= at the end */
};

struct dkimv_bodycheck {
	DKIM *dkim;
	int nsigs;
	struct sig_need *need;
	struct slot *slots;
	size_t nslots;
};

/* body_length_tag - l= as libopendkim parsed it, or -1 */
static long long
body_length_tag(DKIM *dkim, DKIM_SIGINFO *sig)
{
	ssize_t l = -1;

	if (dkim_sig_getcanonlen(dkim, sig, NULL, NULL, &l) != DKIM_STAT_OK)
		return -1;
	return l;
}

/* slot_for - the slot hashing this way, added if new; -1 without memory */
static int
slot_for(struct dkimv_bodycheck *bc, enum dkimv_bodyhash_canon canon,
	 enum dkimv_bodyhash_alg alg, unsigned long long limit)
{
	struct slot *s;

	for (size_t i = 0; i < bc->nslots; i++)
		if (dkimv_bodyhash_matches(bc->slots[i].hash, canon, alg, limit))
			return (int)i;
	s = &bc->slots[bc->nslots];
	memset(s, 0, sizeof(*s));
	s->canon = canon;
	s->alg = alg;
	s->limit = limit;
	if ((s->hash = dkimv_bodyhash_new(canon, alg, limit)) == NULL)
		return -1;
	return (int)bc->nslots++;
}

/* plan - what sig needs from the body; 0, or -1 without memory */
static int
plan(struct dkimv_bodycheck *bc, DKIM_SIGINFO *sig, struct sig_need *need)
{
	unsigned int flags = dkim_sig_getflags(sig);
	dkim_canon_t hcanon = DKIM_CANON_UNKNOWN, bcanon = DKIM_CANON_UNKNOWN;
	dkim_alg_t alg = DKIM_SIGN_UNKNOWN;
	long long l = body_length_tag(bc->dkim, sig);
	enum dkimv_bodyhash_canon canon;

	need->slot = -1;
	need->hashed = 0;
	if ((flags & DKIM_SIGFLAG_IGNORE) != 0
	    || dkim_sig_getcanons(sig, &hcanon, &bcanon) != DKIM_STAT_OK
	    || (bcanon != DKIM_CANON_SIMPLE && bcanon != DKIM_CANON_RELAXED))
		return 0;
	canon = bcanon == DKIM_CANON_RELAXED ? DKIMV_BODYHASH_RELAXED : DKIMV_BODYHASH_SIMPLE;
	(void)dkim_sig_getsignalg(sig, &alg);
	if ((flags & DKIM_SIGFLAG_PASSED) != 0
	    && dkim_sig_geterror(sig) == DKIM_SIGERROR_UNKNOWN
	    && (alg == DKIM_SIGN_RSASHA1 || alg == DKIM_SIGN_RSASHA256
		|| alg == DKIM_SIGN_ED25519SHA256)) {
		need->hashed = 1;
		need->slot = slot_for(bc, canon, alg == DKIM_SIGN_RSASHA1 ? DKIMV_BODYHASH_SHA1
				      : DKIMV_BODYHASH_SHA256,
				      l < 0 ? DKIMV_BODYHASH_NO_LIMIT : (unsigned long long)l);
		return need->slot < 0 ? -1 : 0;
	}
	if (l >= 0) {		/* only the length, for l= beyond the body */
		need->slot = slot_for(bc, canon, DKIMV_BODYHASH_SHA256, 0);
		return need->slot < 0 ? -1 : 0;
	}
	return 0;
}

struct dkimv_bodycheck *
dkimv_bodycheck_new(DKIM *dkim)
{
	struct dkimv_bodycheck *bc = calloc(1, sizeof(*bc));
	DKIM_SIGINFO **sigs = NULL;
	int n = 0;

	if (bc == NULL)
		return NULL;
	bc->dkim = dkim;
	if (dkim_getsiglist(dkim, &sigs, &n) != DKIM_STAT_OK || sigs == NULL || n <= 0)
		return bc;
	if ((bc->need = calloc((size_t)n, sizeof(*bc->need))) == NULL
	    || (bc->slots = calloc((size_t)n, sizeof(*bc->slots))) == NULL) {
		dkimv_bodycheck_free(&bc);
		return NULL;
	}
	bc->nsigs = n;
	for (int i = 0; i < n; i++) {
		if (plan(bc, sigs[i], &bc->need[i]) < 0) {
			dkimv_bodycheck_free(&bc);
			return NULL;
		}
	}
	return bc;
}

int
dkimv_bodycheck_idle(const struct dkimv_bodycheck *bc)
{
	return bc->nslots == 0;
}

int
dkimv_bodycheck_feed(struct dkimv_bodycheck *bc, const unsigned char *p, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < bc->nslots; i++)
		if (dkimv_bodyhash_feed(bc->slots[i].hash, p, n) < 0)
			rc = -1;
	return rc;
}

/* bh_matches - our digest in base64 is the signature's bh= */
static int
bh_matches(DKIM_SIGINFO *sig, const struct slot *s)
{
	const unsigned char *bh = dkim_sig_gettagvalue(sig, 0, (unsigned char *)"bh");
	unsigned char b64[4 * ((DKIMV_BODYHASH_MAX_DIGEST + 2) / 3) + 1];

	if (bh == NULL)
		return 0;
	EVP_EncodeBlock(b64, s->digest, (int)s->digest_len);
	return strcmp((const char *)bh, (const char *)b64) == 0;
}

int
dkimv_bodycheck_finish(struct dkimv_bodycheck *bc, DKIM_SIGINFO **sigs, int nsigs,
		       struct dkimv_body_outcome *out)
{
	int rc = 0;

	for (size_t i = 0; i < bc->nslots; i++) {
		struct slot *s = &bc->slots[i];

		if (dkimv_bodyhash_final(s->hash, s->digest, &s->digest_len, &s->canon_len) < 0)
			rc = -1;
	}
	for (int i = 0; i < nsigs; i++) {
		const struct sig_need *need = i < bc->nsigs ? &bc->need[i] : NULL;
		const struct slot *s = need != NULL && need->slot >= 0 ? &bc->slots[need->slot]
		    : NULL;
		long long l = body_length_tag(bc->dkim, sigs[i]);

		out[i].error = dkim_sig_geterror(sigs[i]);
		out[i].bh = DKIM_SIGBH_UNTESTED;
		out[i].measured = s != NULL;
		out[i].canon_len = s != NULL ? s->canon_len : 0;
		if (s == NULL)
			continue;
		if (l >= 0 && s->canon_len < (unsigned long long)l)
			out[i].error = DKIM_SIGERROR_TOOLARGE_L;
		else if (need->hashed && bh_matches(sigs[i], s)) {
			out[i].error = DKIM_SIGERROR_OK;
			out[i].bh = DKIM_SIGBH_MATCH;
		} else if (need->hashed) {
			out[i].error = DKIM_SIGERROR_BADSIG;
			out[i].bh = DKIM_SIGBH_MISMATCH;
		}
	}
	return rc;
}

void
dkimv_bodycheck_free(struct dkimv_bodycheck **bcp)
{
	struct dkimv_bodycheck *bc = *bcp;

	if (bc == NULL)
		return;
	for (size_t i = 0; i < bc->nslots; i++)
		dkimv_bodyhash_free(&bc->slots[i].hash);
	free(bc->slots);
	free(bc->need);
	free(bc);
	*bcp = NULL;
}
