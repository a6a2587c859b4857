/*
 * lookalike_name - one domain name in every form the look-alike checks
 * compare: lowercase A-labels, its registrable domain (organizational
 * domain, orgdomain.h) and that domain's first label (the "registrable
 * label", "bank" in bank.co.uk) as written, as a U-label, as code points,
 * and as its case-folded Unicode TS #39 skeleton.
 *
 * A name may be given with U-labels (converted with libidn2, UTS #46
 * non-transitional) or A-labels; a registrable label in A-label form must
 * decode and encode back to itself (libidn2), or the name is refused as
 * "invalid-a-label". Names without a registrable domain (public suffixes,
 * address literals, bad syntax, over 253 octets) are refused too.
 *
 * Skeleton: ICU's uspoof_getSkeletonUTF8 (UTS #39 confusables), then
 * Unicode case folding of each code point, so that 0/O/o, 1/l/I, rn/m
 * and Cyrillic, Greek or Armenian look-alike letters meet. UTS #39 maps
 * m to "rn" but has no such entry for w and "vv" (checked with ICU 72),
 * so w becomes "vv" here after folding.
 *
 * Thread-safety: pure apart from the USpoofChecker, which is only passed
 * as const: ICU documents every function taking a const USpoofChecker as
 * safe to call from many threads at once (uspoof.h, "Thread Safety").
 */
#ifndef DMARCGUARD_LOOKALIKE_NAME_H
#define DMARCGUARD_LOOKALIKE_NAME_H

#include <stddef.h>
#include <stdint.h>
#include <unicode/uspoof.h>

#include "orgdomain.h"

#define LOOKALIKE_LABEL_CP_MAX 64	/* code points of a registrable label */

struct lookalike_name {
	char ascii[ORGDOMAIN_BUFSIZE];	/* lowercase A-label name */
	const char *org;		/* registrable domain: a suffix of ascii */
	size_t org_start_label;		/* labels of ascii before org */
	size_t label_len;		/* bytes of the registrable label in ascii */
	char ulabel[256];		/* registrable label as a U-label (UTF-8) */
	char skeleton[512];		/* case-folded skeleton of ulabel */
	int32_t cp[LOOKALIKE_LABEL_CP_MAX];	/* ulabel as code points */
	uint8_t cp_off[LOOKALIKE_LABEL_CP_MAX + 1];	/* byte offset of each in ulabel */
	size_t ncp;
};

/*
 * The skeleton of an ASCII label is the concatenation of its characters'
 * skeletons (NFD changes no ASCII text, and the confusable prototypes of
 * ASCII characters are ASCII), so a table made once from ICU answers for
 * the common all-ASCII label without calling ICU per message.
 */
struct lookalike_ascii_skeletons {
	char s[128][16];	/* folded skeleton of a-z, 0-9, '-', '_'; others "" */
};

/* Problems: static strings. */
#define LOOKALIKE_NAME_INVALID		"invalid-domain"
#define LOOKALIKE_NAME_TOO_LONG		"overlong-domain"
#define LOOKALIKE_NAME_IDN		"invalid-a-label"
#define LOOKALIKE_NAME_NO_ORG		"no-registrable-domain"
#define LOOKALIKE_NAME_SKELETON		"skeleton-failed"

/* lookalike_name_ascii_table - fill the table from ICU; 0 or -1 */
int lookalike_name_ascii_table(const USpoofChecker *checker,
			       struct lookalike_ascii_skeletons *table);

/*
 * lookalike_name_prepare - fill *out for domain[0..len); table (may be
 * NULL) answers skeletons of ASCII labels. 0, or -1 with *problem_r set to
 * one of the problems above.
 */
int lookalike_name_prepare(const struct orgdomain *od, const USpoofChecker *checker,
			   const struct lookalike_ascii_skeletons *table,
			   const char *domain, size_t len, struct lookalike_name *out,
			   const char **problem_r);

/* lookalike_name_to_ascii - lowercase A-label form of a U- or A-label name; 0 or -1 */
int lookalike_name_to_ascii(const char *domain, size_t len, char *out, size_t size);

/* lookalike_name_distance_one - 1 if a and b are at Damerau-Levenshtein distance 1 */
int lookalike_name_distance_one(const int32_t *a, size_t na, const int32_t *b, size_t nb);

/*
 * lookalike_name_deletion - ulabel with code point `skip` left out, into
 * out (at least sizeof(ulabel)); returns its length
 */
size_t lookalike_name_deletion(const struct lookalike_name *name, size_t skip, char *out);

#endif
