/*
 * dkimv_bodycheck - the body half of DKIM verification for one message,
 * done with dkimv_bodyhash instead of libopendkim's body canonicalization.
 *
 * At end of headers libopendkim has parsed every signature, fetched the
 * keys and verified the header hashes (its DKIM_SIGFLAG_PASSED). From
 * then on dkimv hands the body to this module only, never to
 * dkim_body, and never calls dkim_eom: a signature whose header hash
 * verified gets a body hasher (shared by signatures with the same
 * canonicalization, algorithm and l=), a signature with l= gets at least
 * a canonical length count, and the others cost nothing. At the end,
 * dkimv_bodycheck_finish tells per signature what libopendkim's dkim_eom
 * would have recorded (libopendkim 2.11's rules): l= longer than the
 * canonical body is DKIM_SIGERROR_TOOLARGE_L; otherwise a verified header
 * hash with a matching bh= is DKIM_SIGERROR_OK with DKIM_SIGBH_MATCH, and
 * with another bh= DKIM_SIGERROR_BADSIG with DKIM_SIGBH_MISMATCH; every
 * other signature keeps the error found at end of headers.
 *
 * Thread-safety: one checker belongs to one message.
 */
#ifndef DMARCGUARD_DKIMV_BODYCHECK_H
#define DMARCGUARD_DKIMV_BODYCHECK_H

#include <stddef.h>

#include <opendkim/dkim.h>

struct dkimv_bodycheck;

/* What end of message decided for one signature. */
struct dkimv_body_outcome {
	int error;			/* DKIM_SIGERROR_* */
	int bh;				/* DKIM_SIGBH_* */
	int measured;			/* canon_len is known */
	unsigned long long canon_len;	/* canonical body length, whole body */
};

/*
 * dkimv_bodycheck_new - after a successful dkim_eoh: the hashers the
 * signatures of dkim need. NULL without memory.
 */
struct dkimv_bodycheck *dkimv_bodycheck_new(DKIM *dkim);

/* dkimv_bodycheck_idle - nothing to hash or count: the body may be skipped */
int dkimv_bodycheck_idle(const struct dkimv_bodycheck *bc);

/* dkimv_bodycheck_feed - the next body octets (CRLF lines); 0 or -1 */
int dkimv_bodycheck_feed(struct dkimv_bodycheck *bc, const unsigned char *p, size_t n);

/*
 * dkimv_bodycheck_finish - end of body: one outcome per signature of
 * dkim_getsiglist, in its order, into out[0..nsigs). 0, or -1 if a digest
 * failed. Call it once.
 */
int dkimv_bodycheck_finish(struct dkimv_bodycheck *bc, DKIM_SIGINFO **sigs, int nsigs,
			   struct dkimv_body_outcome *out);

/* dkimv_bodycheck_free - release; *bc becomes NULL */
void dkimv_bodycheck_free(struct dkimv_bodycheck **bc);

#endif
