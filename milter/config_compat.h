/*
 * config_compat - key names that the key table (config_table.c) does not
 * know: names of earlier releases and typos.
 *
 * A configuration written for an earlier release must still start the
 * daemon, while a typo must still stop it (a misspelt key would silently
 * leave a protection at its default). So a name not in the table is one
 * of three things:
 *
 *  - renamed: an earlier release's name of a current key. It sets the
 *    current key and warns "X is deprecated, now called Y; X will be
 *    refused from release N" (config.c adds file:line).
 *  - removed: a key that no longer does anything. Ignored with a
 *    warning, unless its value asks for something the daemon no longer
 *    does and ignoring it would weaken what the operator configured:
 *    then refused, with the reason.
 *  - neither: refused as unknown, with "did you mean Y?" when a current
 *    key (or an old name, which suggests its new name) is close enough
 *    by edit distance.
 *
 * The release's tables are config_compat_release (config_compat_release.c);
 * history showed no key renamed or removed since the first release
 * (3db9048's conf/dmarcguard.conf, restated in tests/config_compat/), so
 * both are empty today. Unit tests pass their own tables to
 * config_load_compat (config.h); the end-to-end test links the daemon with
 * another config_compat_release. A rename or removal in a release adds one
 * row there and to dmarcguard.conf(5), DEPRECATED KEYS.
 *
 * Ownership: every table and returned text is constant or written into
 * the caller's buffer.
 *
 * Thread-safety: reentrant; the tables are constant.
 */
#ifndef DMARCGUARD_CONFIG_COMPAT_H
#define DMARCGUARD_CONFIG_COMPAT_H

#include <stddef.h>

#include "config_table.h"

struct config_renamed_key {
	const char *old_name;
	const char *new_name;		/* a key of config_table.c */
	const char *refused_from;	/* the release that will refuse old_name */
};

struct config_removed_key {
	const char *name;
	const char *removed_in;		/* the release that stopped reading it */
	/*
	 * Values (space-separated, case-insensitive) whose meaning is what
	 * the daemon now does anyway, so ignoring them is harmless; NULL:
	 * every value is. Any other value is refused with unsafe_reason.
	 */
	const char *harmless_values;
	const char *unsafe_reason;
};

struct config_compat {
	const struct config_renamed_key *renamed;
	size_t renamed_count;
	const struct config_removed_key *removed;
	size_t removed_count;
};

/* the names this release still accepts (both tables empty today) */
extern const struct config_compat config_compat_release;

enum config_compat_status {
	CONFIG_COMPAT_RENAMED,		/* *key_r is the new key; text is the warning */
	CONFIG_COMPAT_IGNORED,		/* removed and harmless; text is the warning */
	CONFIG_COMPAT_REFUSED,		/* text is the reason */
};

/*
 * config_compat_resolve - what to do with name (given with value), which
 * config_key_find does not know. For a renamed key, *key_r is the new key
 * and *old_name_r the table's constant spelling of the old name (so that
 * the caller can tell spellings apart by pointer); otherwise both are
 * NULL. The warning or reason goes to text (size bytes), without
 * file:line.
 */
enum config_compat_status config_compat_resolve(const struct config_compat *compat,
						const char *name, const char *value,
						const struct config_key **key_r,
						const char **old_name_r, char *text, size_t size);

/*
 * config_compat_suggest - the current key nearest to name by edit
 * distance (case-insensitive, a transposition counts one), or NULL when
 * none is close enough to be a likely typo.
 */
const char *config_compat_suggest(const struct config_compat *compat, const char *name);

#endif
