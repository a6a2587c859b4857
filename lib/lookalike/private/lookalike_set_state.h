/*
 * lookalike_set_state - the inside of a lookalike_set, shared by
 * lookalike_set.c (building) and lookalike_check.c (checking). Not for use
 * outside those two files.
 *
 * Thread-safety: as lookalike.h: read-only once built.
 */
#ifndef DMARCGUARD_LOOKALIKE_SET_STATE_H
#define DMARCGUARD_LOOKALIKE_SET_STATE_H

#include <stdint.h>
#include <unicode/uspoof.h>

#include "lookalike.h"
#include "lookalike_index.h"
#include "lookalike_name.h"

/* one protected domain, compactly: strings in one allocation */
struct lookalike_entry {
	int32_t *cp;		/* ulabel's code points; the allocation of all three */
	char *ascii;		/* the name as configured, lowercase A-labels */
	const char *org;	/* registrable domain, a suffix of ascii */
	char *ulabel;		/* registrable label as a U-label */
	uint8_t ncp;
};

struct lookalike_set {
	const struct orgdomain *od;
	USpoofChecker *checker;
	struct lookalike_ascii_skeletons ascii;	/* from checker, for ASCII labels */
	struct lookalike_entry *entries;
	size_t count, alloc;
	size_t max_org_labels;		/* labels of the longest registrable domain */
	size_t memory;			/* entries and their strings */
	struct lookalike_index *by_name;	/* ascii -> entry (duplicates) */
	struct lookalike_index *by_skeleton;	/* skeleton -> entry */
	struct lookalike_index *by_label;	/* ulabel -> entry */
	struct lookalike_index *by_deletion;	/* ulabel and its deletions -> entry */
	struct lookalike_index *by_org;		/* registrable domain -> entry */
	struct lookalike_index *allowed;	/* allowed names and their registrable domains */
};

#endif
