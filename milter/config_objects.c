/*
 * config_objects - the Public Suffix List and the look-alike set a
 * snapshot owns, built (and so checked) once (see config_objects.h).
 *
 * Thread-safety: works on a snapshot no other thread sees yet.
 */
#include "config_objects.h"
#include "config_file.h"
#include "config_table.h"
#include "lookalike_set.h"
#include "orgdomain.h"

#include <stdio.h>

/* key_where - "source:line" of the key's first line, or "source" for a default */
static void
key_where(const struct config *c, const unsigned *key_lines, const char *name, char *out,
	  size_t size)
{
	const struct config_key *key = config_key_find(name);
	unsigned line = key != NULL && key_lines != NULL ? key_lines[key - config_keys] : 0;

	if (line != 0)
		snprintf(out, size, "%s:%u", c->source, line);
	else
		snprintf(out, size, "%s", c->source);
}

/* build_orgdomain - load PublicSuffixList ("": libpsl's own choice) */
static int
build_orgdomain(struct config *c, const unsigned *key_lines, char *error, size_t size)
{
	const char *path = c->public_suffix_list, *why = NULL;
	char where[512], reason[512];

	key_where(c, key_lines, "PublicSuffixList", where, sizeof(where));
	if (path != NULL && path[0] != '\0'
	    && config_file_check(path, reason, sizeof(reason)) < 0) {
		snprintf(error, size, "%s: PublicSuffixList: %s", where, reason);
		return -1;
	}
	if ((c->orgdomain = orgdomain_new(path != NULL && path[0] != '\0' ? path : NULL,
					  &why)) == NULL) {
		if (path != NULL && path[0] != '\0')
			snprintf(error, size, "%s: PublicSuffixList: %s: %s", where, path, why);
		else
			snprintf(error, size, "%s: PublicSuffixList: %s", where, why);
		return -1;
	}
	return 0;
}

/* build_lookalike - the protected and allowed names, each list with its key's place */
static int
build_lookalike(struct config *c, const unsigned *key_lines, char *error, size_t size)
{
	const struct { const char *key, *text; int allow; } lists[] = {
		{ "ProtectedDomains", c->protected_domains, 0 },
		{ "ProtectedDomainsFile", c->protected_domains_file_text, 0 },
		{ "LookalikeAllow", c->lookalike_allow, 1 },
	};
	const char *why = NULL;
	char where[512], reason[256];

	if ((c->lookalike = lookalike_set_new(c->orgdomain, &why)) == NULL) {
		snprintf(error, size, "%s: %s", c->source, why);
		return -1;
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		int rc;

		if (lists[i].text == NULL)
			continue;
		rc = lists[i].allow
		    ? lookalike_set_allow(c->lookalike, lists[i].text, reason, sizeof(reason))
		    : lookalike_set_protect(c->lookalike, lists[i].text, reason, sizeof(reason));
		if (rc == 0)
			continue;
		/* a bad name in the names file is that file's, which names it */
		if (lists[i].text == c->protected_domains_file_text)
			snprintf(where, sizeof(where), "%s", c->protected_domains_file);
		else
			key_where(c, key_lines, lists[i].key, where, sizeof(where));
		snprintf(error, size, "%s: %s: %s", where, lists[i].key, reason);
		return -1;
	}
	return 0;
}

int
config_objects_build(struct config *c, const unsigned *key_lines, char *error, size_t size)
{
	if (build_orgdomain(c, key_lines, error, size) < 0
	    || build_lookalike(c, key_lines, error, size) < 0)
		return -1;
	return 0;
}

void
config_objects_release(struct config *c)
{
	lookalike_set_free(&c->lookalike);
	orgdomain_free(&c->orgdomain);
}
