/*
 * config_compat - earlier releases' key names and typo suggestions (see
 * config_compat.h).
 *
 * Thread-safety: constant tables, no state.
 */
#include "config_compat.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* key names longer than this are never suggested nor compared */
#define NAME_MAX_COMPARED 64

/* find_renamed - the row for an old name (case-insensitive), or NULL */
static const struct config_renamed_key *
find_renamed(const struct config_compat *compat, const char *name)
{
	for (size_t i = 0; i < compat->renamed_count; i++)
		if (strcasecmp(compat->renamed[i].old_name, name) == 0)
			return &compat->renamed[i];
	return NULL;
}

/* find_removed - the row for a removed name (case-insensitive), or NULL */
static const struct config_removed_key *
find_removed(const struct config_compat *compat, const char *name)
{
	for (size_t i = 0; i < compat->removed_count; i++)
		if (strcasecmp(compat->removed[i].name, name) == 0)
			return &compat->removed[i];
	return NULL;
}

/* harmless - is value one of the space-separated words of list (NULL: any) */
static int
harmless(const char *list, const char *value)
{
	size_t len = strlen(value);

	if (list == NULL)
		return 1;
	while (*list != '\0') {
		size_t n = strcspn(list, " ");

		if (n == len && strncasecmp(list, value, n) == 0)
			return 1;
		list += n;
		list += strspn(list, " ");
	}
	return 0;
}

/*
 * distance - optimal string alignment distance (Levenshtein with adjacent
 * transpositions) of a and b, case-insensitive; both at most
 * NAME_MAX_COMPARED characters.
 */
static size_t
distance(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	size_t prev2[NAME_MAX_COMPARED + 1], prev[NAME_MAX_COMPARED + 1],
	    cur[NAME_MAX_COMPARED + 1];

	for (size_t j = 0; j <= nb; j++)
		prev[j] = j;
	prev2[0] = 0;
	for (size_t i = 1; i <= na; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
			size_t best = prev[j - 1] + (ca != cb);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2])
			    && tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		memcpy(prev2, prev, (nb + 1) * sizeof(prev[0]));
		memcpy(prev, cur, (nb + 1) * sizeof(prev[0]));
	}
	return prev[nb];
}

/* consider - keep candidate (suggesting shown) when nearer than the best so far */
static void
consider(const char *name, const char *candidate, const char *shown, size_t *best,
	 const char **best_name)
{
	size_t d;

	if (strlen(candidate) > NAME_MAX_COMPARED)
		return;
	d = distance(name, candidate);
	if (d < *best) {
		*best = d;
		*best_name = shown;
	}
}

/* config_compat_suggest - the nearest current key within a few edits, or NULL */
const char *
config_compat_suggest(const struct config_compat *compat, const char *name)
{
	size_t len = strlen(name), limit, best;
	const char *best_name = NULL;

	if (len == 0 || len > NAME_MAX_COMPARED)
		return NULL;
	/* one edit in a short name, up to three in a long one: more is
	 * another word, not a slip of the fingers */
	limit = len < 8 ? 1 : len < 16 ? 2 : 3;
	best = limit + 1;
	for (size_t i = 0; i < config_keys_count; i++)
		consider(name, config_keys[i].name, config_keys[i].name, &best, &best_name);
	for (size_t i = 0; compat != NULL && i < compat->renamed_count; i++)
		consider(name, compat->renamed[i].old_name, compat->renamed[i].new_name, &best,
			 &best_name);
	return best_name;
}

/* config_compat_resolve - renamed, removed (harmless or not) or unknown */
enum config_compat_status
config_compat_resolve(const struct config_compat *compat, const char *name, const char *value,
		      const struct config_key **key_r, const char **old_name_r, char *text,
		      size_t size)
{
	const struct config_renamed_key *renamed = find_renamed(compat, name);
	const struct config_removed_key *removed = find_removed(compat, name);
	const char *suggestion;

	*key_r = NULL;
	*old_name_r = NULL;
	if (renamed != NULL && (*key_r = config_key_find(renamed->new_name)) != NULL) {
		*old_name_r = renamed->old_name;
		snprintf(text, size, "%s is deprecated, now called %s; %s will be refused from"
			 " release %s", renamed->old_name, renamed->new_name, renamed->old_name,
			 renamed->refused_from);
		return CONFIG_COMPAT_RENAMED;
	}
	if (removed != NULL && harmless(removed->harmless_values, value)) {
		snprintf(text, size, "%s is no longer used (removed in release %s), ignored",
			 removed->name, removed->removed_in);
		return CONFIG_COMPAT_IGNORED;
	}
	if (removed != NULL) {
		snprintf(text, size, "%s was removed in release %s; ignoring \"%s\" would be"
			 " unsafe: %s", removed->name, removed->removed_in, value,
			 removed->unsafe_reason);
		return CONFIG_COMPAT_REFUSED;
	}
	if ((suggestion = config_compat_suggest(compat, name)) != NULL)
		snprintf(text, size, "unknown key \"%s\"; did you mean %s?", name, suggestion);
	else
		snprintf(text, size, "unknown key \"%s\"", name);
	return CONFIG_COMPAT_REFUSED;
}
