/*
 * arc_state - the private state of one ARC chain evaluation, shared by
 * arc_chain.c (the push interface and the kept header fields), arc_set.c
 * (the structure of the chain) and arc_verify.c (the signatures). Not for
 * use outside lib/arc.
 *
 * Thread-safety: one thread at a time, as arc_chain.h.
 */
#ifndef DMARCGUARD_ARC_STATE_H
#define DMARCGUARD_ARC_STATE_H

#include "arc_chain.h"
#include "arc_fields.h"
#include "arc_tags.h"
#include "dkimv_bodyhash.h"

#define ARC_CHAIN_CONV 4096

/* the fields and parsed tags of one instance; indexes into fields */
struct arc_instance {
	size_t as, ams, aar;		/* indexes into kept.field; SIZE_MAX when absent */
	struct arc_tags as_tags, ams_tags;
};

struct arc_chain {
	struct arc_chain_settings settings;
	struct arc_fields kept;		/* from the first ARC field on */
	size_t bytes;			/* of every field, kept or not */
	int too_large, arc_fields, failed, state, finished, prev_cr;

	/* after arc_chain_eoh: instances[i - 1] for i = 1..n */
	struct arc_instance *instances;	/* and sets: `slots` of each */
	unsigned n, slots;
	const char *structure_error;	/* why the chain fails before any signature */

	struct dkimv_bodyhash *body;	/* for the newest AMS; NULL without one */
	unsigned char *conv;		/* ARC_CHAIN_CONV octets: a body chunk with LF repaired */

	struct arc_chain_set *sets;
	struct arc_chain_result result;

	/* keys fetched for this chain: a sealer's AMS and AS share one */
	struct arc_chain_key {
		char name[256];		/* "<len of s>:s/d" */
		void *pkey;		/* EVP_PKEY *, NULL with reason */
		void *verify;		/* EVP_PKEY_CTX * set up at first use, or NULL */
		const char *reason;
	} keys[4];
	size_t nkeys;
};

/*
 * arc_set_build - find the instances among c->kept and check the chain's
 * structure; sets c->n and c->instances, or c->structure_error. Returns -1
 * only when out of memory.
 */
int arc_set_build(struct arc_chain *c);

/* arc_set_instance - the i= of an AS or AMS tag list, or 0 when unusable */
unsigned arc_set_instance(const struct arc_tags *tags);

/*
 * arc_verify_ams - verify the newest AMS (c->n) with the body digest
 * given; NULL when it verifies, else the reason
 */
const char *arc_verify_ams(struct arc_chain *c, struct resolver *resolver,
			   const unsigned char *bh, size_t bh_len);

/*
 * arc_verify_seals - verify every seal, from c->n down to 1; NULL, or the
 * reason of the first (newest) that fails
 */
const char *arc_verify_seals(struct arc_chain *c, struct resolver *resolver);

/* arc_verify_tag_range - the raw text of a tag's value, FWS around it included */
void arc_verify_tag_range(const struct arc_field *f, const struct arc_tag *tag,
			  size_t *from_r, size_t *to_r);

#endif
