/*
 * domain_set - domain allow lists (see domain_set.h). A sorted array of
 * normalized names searched with bsearch; a subdomain entry is stored
 * with its leading dot and found by trying each parent of the name.
 *
 * Thread-safety: read-only after construction.
 */
#include "domain_set.h"
#include "dns_name.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct domain_set {
	char **names;		/* "example.org" or ".example.org", sorted */
	size_t count, alloc;
};

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct domain_set *
domain_set_new(void)
{
	return calloc(1, sizeof(struct domain_set));
}

static int
set_insert(struct domain_set *set, const char *name)
{
	if (set->count == set->alloc) {
		size_t n = set->alloc ? set->alloc * 2 : 8;
		char **names = realloc(set->names, n * sizeof(*names));

		if (names == NULL)
			return -1;
		set->names = names;
		set->alloc = n;
	}
	if ((set->names[set->count] = strdup(name)) == NULL)
		return -1;
	set->count++;
	return 0;
}

int
domain_set_add(struct domain_set *set, const char *text, const char **error_r)
{
	for (const char *p = text; *p != '\0';) {
		char raw[DNS_NAME_BUFSIZE], norm[DNS_NAME_BUFSIZE + 1];
		size_t len, skip = 0;

		p += strspn(p, " \t,");
		if ((len = strcspn(p, " \t,")) == 0)
			break;
		if (len >= sizeof(raw)) {
			*error_r = "domain name too long";
			return -1;
		}
		memcpy(raw, p, len);
		raw[len] = '\0';
		p += len;
		if (raw[0] == '*' && raw[1] == '.')
			skip = 2;
		else if (raw[0] == '.')
			skip = 1;
		if (skip != 0)
			norm[0] = '.';
		if (dns_name_normalize(raw + skip, norm + (skip ? 1 : 0),
				       sizeof(norm) - 1, error_r) < 0)
			return -1;
		if (set_insert(set, norm) < 0) {
			*error_r = "out of memory";
			return -1;
		}
	}
	if (set->count > 1)
		qsort(set->names, set->count, sizeof(*set->names), compare_names);
	return 0;
}

void
domain_set_free(struct domain_set **setp)
{
	struct domain_set *set = *setp;

	if (set == NULL)
		return;
	for (size_t i = 0; i < set->count; i++)
		free(set->names[i]);
	free(set->names);
	free(set);
	*setp = NULL;
}

size_t
domain_set_count(const struct domain_set *set)
{
	return set ? set->count : 0;
}

static int
contains(const struct domain_set *set, const char *key)
{
	return bsearch(&key, set->names, set->count, sizeof(*set->names),
		       compare_names) != NULL;
}

int
domain_set_match(const struct domain_set *set, const char *domain)
{
	char name[DNS_NAME_BUFSIZE];
	const char *error;

	if (set == NULL || set->count == 0
	    || dns_name_normalize(domain, name, sizeof(name), &error) < 0)
		return 0;
	if (contains(set, name))
		return 1;
	/* every ".parent" suffix of the name, from the longest */
	for (const char *dot = strchr(name, '.'); dot != NULL; dot = strchr(dot + 1, '.'))
		if (contains(set, dot))
			return 1;
	return 0;
}

struct domain_set *
domain_set_load(const char *path, char *error, size_t size)
{
	struct domain_set *set;
	char line[1100];
	const char *reason = NULL;
	unsigned lineno = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		snprintf(error, size, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((set = domain_set_new()) == NULL) {
		snprintf(error, size, "%s: out of memory", path);
		fclose(f);
		return NULL;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *hash = strchr(line, '#');

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(error, size, "%s:%u: line too long", path, lineno);
			goto fail;
		}
		if (hash != NULL)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		if (domain_set_add(set, line, &reason) < 0) {
			snprintf(error, size, "%s:%u: %s", path, lineno, reason);
			goto fail;
		}
	}
	fclose(f);
	return set;
fail:
	fclose(f);
	domain_set_free(&set);
	return NULL;
}
