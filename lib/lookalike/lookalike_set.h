/*
 * lookalike_set - the protected domains and allowed names of one
 * configuration, precomputed for lookalike_check (lookalike.h): each
 * protected registrable label's skeleton, the label itself, the label
 * with each code point deleted (the typo index), and each registrable
 * domain, in hash indexes.
 *
 * Life cycle: lookalike_set_new, lookalike_set_protect/_allow while
 * building (one thread), then only reads; lookalike_set_free.
 *
 * Thread-safety: read-only once built; any number of threads may check
 * against one set at once (see lookalike.h on ICU).
 */
#ifndef DMARCGUARD_LOOKALIKE_SET_H
#define DMARCGUARD_LOOKALIKE_SET_H

#include <stddef.h>

#include "orgdomain.h"

struct lookalike_set;

/*
 * lookalike_set_new - an empty set using od (which must outlive it) for
 * registrable domains. NULL with *error_r (static text) on failure. The
 * caller frees it with lookalike_set_free.
 */
struct lookalike_set *lookalike_set_new(const struct orgdomain *od, const char **error_r)
	__attribute__((warn_unused_result));
void lookalike_set_free(struct lookalike_set **set);

/*
 * lookalike_set_protect/lookalike_set_allow - add the names in text
 * (separated by white space or commas; A- or U-labels; '#' starts a
 * comment to the end of the line). 0, or -1 with "NAME: reason" in error.
 * Duplicates are ignored. Only while building, before any check.
 */
int lookalike_set_protect(struct lookalike_set *set, const char *text, char *error,
			  size_t size);
int lookalike_set_allow(struct lookalike_set *set, const char *text, char *error,
			size_t size);

/* lookalike_set_count - protected domains in the set */
size_t lookalike_set_count(const struct lookalike_set *set);
/* lookalike_set_memory - bytes the set holds (indexes, names, ICU checker excluded) */
size_t lookalike_set_memory(const struct lookalike_set *set);

#endif
