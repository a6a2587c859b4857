/*
 * arc_aar - the results an ARC-Authentication-Results field records (RFC
 * 8617 4.1.1: the payload of an Authentication-Results field, RFC 8601),
 * read one result at a time, for deciding whether a trusted sealer saw
 * the message authenticated.
 *
 * Only what that decision needs is kept: the method, its result and up
 * to ARC_AAR_MAX_PROPS properties (ptype.property=value); comments are
 * dropped, quoted values unquoted. Unknown methods (Gmail's dara=) and
 * properties come out like any other, for the caller to ignore. A result
 * whose parts do not fit the bounds below is skipped, never truncated: a
 * truncated domain could match another.
 *
 * Thread-safety: pure functions; an iterator belongs to its caller.
 */
#ifndef DMARCGUARD_ARC_AAR_H
#define DMARCGUARD_ARC_AAR_H

#include <stddef.h>

#define ARC_AAR_MAX_PROPS 8
#define ARC_AAR_MAX_WORD 256

struct arc_aar_entry {
	char method[64];	/* lowercase, version dropped: "dkim", "spf", "dmarc" */
	char result[32];	/* lowercase: "pass", "fail", ... */
	size_t nprops;
	struct {
		char name[64];	/* lowercase "header.from", "smtp.mailfrom", "header.d" */
		char value[ARC_AAR_MAX_WORD];
	} props[ARC_AAR_MAX_PROPS];
};

struct arc_aar_iter {
	const char *s;
	size_t len, pos;
};

/* arc_aar_begin - start after the authserv-id of the payload s[0..len) */
void arc_aar_begin(struct arc_aar_iter *it, const char *s, size_t len);

/* arc_aar_next - the next result into *e: 1, or 0 at the end */
int arc_aar_next(struct arc_aar_iter *it, struct arc_aar_entry *e);

/* arc_aar_prop - the value of property `name` ("header.from"), or NULL */
const char *arc_aar_prop(const struct arc_aar_entry *e, const char *name);

#endif
