/*
 * dmarc_treewalk - the DNS tree walk of RFC 9989 4.10: the _dmarc TXT
 * look-ups from a name up to its top-level label, and the two answers
 * drawn from them, the organizational domain (4.10.2) and the record that
 * holds the policy (4.10.1).
 *
 * The walk (4.10 steps 1-7):
 *  - the names queried are the start name, then, when it has 8 labels or
 *    more, its 7-label suffix, and then each shorter suffix down to the
 *    top-level label: never more than DMARC_TREEWALK_MAX (8) look-ups,
 *    whatever the length of the name (a.b.c.d.e.f.g.h.i.j.mail.example.com
 *    is asked at itself, g.h.i.j.mail.example.com, ..., com);
 *  - at each name, the TXT records that are DMARC records
 *    (dmarc_record_is_dmarc) are kept; none, or more than one, means no
 *    record at that name (4.10 step 2: several are all discarded);
 *  - the walk stops after a name whose single record carries psd=y or
 *    psd=n, or after the top-level label;
 *  - a temporary failure at any name (SERVFAIL, timeout, a CNAME chain
 *    the resolver gave up on) stops the walk with DMARC_TREEWALK_TEMPERROR:
 *    what that name held could have changed every answer, so nothing is
 *    concluded from the names before it.
 *  A record that is a DMARC record but unusable (invalid p without a valid
 *  rua, a duplicate tag) still counts as the record at its name: it marks
 *  the name for the organizational domain, with psd u (none of its tags is
 *  trusted), and makes the discovery a PERMERROR if it is the one that
 *  holds the policy.
 *
 * Organizational domain (4.10.2), from the names with a record, longest
 * first: the first with psd=n; else, other than the start name, one with
 * psd=y gives the name one label below it (towards the start name); else
 * the one with the fewest labels; and with no record at all, the start
 * name itself.
 *
 * Policy record (4.10.1): the start name's record when it has one (the
 * walk may then stop at once: DMARC_TREEWALK_STOP_AT_START); otherwise the
 * organizational domain's record when the walk queried it and found one;
 * otherwise the record with psd=y that stopped the walk (the public suffix
 * domain's policy); otherwise none.
 *
 * Ownership: a walk fills a caller-owned struct (about 2 KB) that owns up
 * to 8 parsed records: dmarc_treewalk_clear releases them. The name
 * pointers of a walk point into its own `start` buffer.
 *
 * Thread-safety: dmarc_treewalk_run may run in any number of threads at
 * once on a shared resolver; each walk is its own.
 */
#ifndef DMARCGUARD_DMARC_TREEWALK_H
#define DMARCGUARD_DMARC_TREEWALK_H

#include <stddef.h>

#include "dmarc_record.h"
#include "orgdomain.h"
#include "resolver.h"

/* DMARC_TREEWALK_MAX - the look-ups of one walk, at most (RFC 9989 4.10) */
#define DMARC_TREEWALK_MAX 8

/* Flags of dmarc_treewalk_run */
#define DMARC_TREEWALK_STOP_AT_START 1u	/* policy discovery: a record at the start name ends it */

enum dmarc_treewalk_status {
	DMARC_TREEWALK_DONE,		/* every name asked answered (record or not) */
	DMARC_TREEWALK_TEMPERROR,	/* a look-up failed for now: no answer */
};

/* What one queried name held. */
struct dmarc_treewalk_name {
	const char *domain;		/* into the walk's start buffer */
	unsigned records;		/* DMARC records there: 0, 1 or 2 (two or more) */
	int usable;			/* records == 1 and it parsed */
	enum dmarc_psd psd;		/* records == 1: its psd tag, else u */
	struct dmarc_record record;	/* usable only */
	const char *error;		/* records == 1 and not usable: why (static) */
};

struct dmarc_treewalk {
	enum dmarc_treewalk_status status;
	const char *reason;		/* TEMPERROR: the resolver's reason (static) */
	const char *failed;		/* TEMPERROR: the name whose look-up failed */
	char start[ORGDOMAIN_BUFSIZE];	/* normalized: lowercase, no trailing dot */
	size_t count;			/* names asked, 1..DMARC_TREEWALK_MAX */
	struct dmarc_treewalk_name names[DMARC_TREEWALK_MAX];
};

/*
 * dmarc_treewalk_targets - the names a walk from `domain` (normalized)
 * asks at most, in order, as pointers into domain. Returns their number
 * (1..DMARC_TREEWALK_MAX; 0 for an empty name). Pure: no DNS.
 */
size_t dmarc_treewalk_targets(const char *domain, const char *out[DMARC_TREEWALK_MAX]);

/*
 * dmarc_treewalk_run - walk from `domain` (any case, one trailing dot
 * allowed). Returns 0 with *walk filled (status DONE or TEMPERROR), or -1
 * with *error_r (static) when domain is not a valid domain name: nothing
 * is asked then and *walk is empty. Release with dmarc_treewalk_clear.
 */
int dmarc_treewalk_run(struct resolver *resolver, const char *domain, unsigned flags,
		       struct dmarc_treewalk *walk, const char **error_r);

/* dmarc_treewalk_clear - release the records a walk holds and zero it */
void dmarc_treewalk_clear(struct dmarc_treewalk *walk);

/*
 * dmarc_treewalk_orgdomain - the organizational domain of the start name
 * (4.10.2) after a DONE walk that was not stopped at the start name:
 * a pointer into walk->start. NULL after TEMPERROR.
 */
const char *dmarc_treewalk_orgdomain(const struct dmarc_treewalk *walk);

/*
 * dmarc_treewalk_policy - the name whose record holds the policy for the
 * start name (4.10.1), or NULL when the walk found none or failed.
 */
const struct dmarc_treewalk_name *dmarc_treewalk_policy(const struct dmarc_treewalk *walk);

#endif
