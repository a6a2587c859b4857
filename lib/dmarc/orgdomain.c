/*
 * orgdomain - organizational domains and alignment over libpsl (see
 * orgdomain.h for the contract).
 *
 * Every name is first brought to one spelling (lowercase, no trailing dot)
 * and checked, because libpsl does neither: it wants lowercase input, and
 * with a list loaded from a file it answers "com." for "example.com.".
 * libpsl's psl_registrable_domain then does the PSL walk over all rule
 * types (ICANN and private), which is the documented choice.
 *
 * Thread-safety: the context is only read after orgdomain_new.
 */
#include "orgdomain.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libpsl.h>

#define BUILTIN_SOURCE "libpsl built-in"

struct orgdomain {
	psl_ctx_t *owned;		/* loaded from a file, freed by us */
	const psl_ctx_t *psl;		/* owned, or libpsl's built-in list */
	char *source;
};

struct orgdomain *
orgdomain_new(const char *psl_file, const char **error_r)
{
	struct orgdomain *od = calloc(1, sizeof(*od));
	const char *file = psl_file != NULL ? psl_file : ORGDOMAIN_DEFAULT_PSL;
	struct stat st;

	if (od == NULL) {
		*error_r = "out of memory";
		return NULL;
	}
	/* libpsl would read a FIFO or /dev/zero for ever (issue 19) */
	if (psl_file != NULL && (stat(file, &st) < 0 || !S_ISREG(st.st_mode))) {
		*error_r = stat(file, &st) < 0 ? "cannot load the public suffix list file"
			: "the public suffix list is not a regular file";
		goto err;
	}
	od->owned = psl_load_file(file);
	/* No rules at all is not a suffix list (a .dafsa file counts -1). */
	if (od->owned != NULL && psl_suffix_count(od->owned) == 0) {
		psl_free(od->owned);
		od->owned = NULL;
	}
	if (od->owned != NULL) {
		od->psl = od->owned;
		od->source = strdup(file);
	} else if (psl_file != NULL) {
		*error_r = "cannot load the public suffix list file";
		goto err;
	} else if ((od->psl = psl_builtin()) == NULL) {
		*error_r = "no public suffix list (no default file, no built-in list)";
		goto err;
	} else
		od->source = strdup(BUILTIN_SOURCE);
	if (od->source == NULL) {
		*error_r = "out of memory";
		goto err;
	}
	return od;
err:
	psl_free(od->owned);
	free(od);
	return NULL;
}

void
orgdomain_free(struct orgdomain **odp)
{
	struct orgdomain *od = *odp;

	if (od == NULL)
		return;
	*odp = NULL;
	psl_free(od->owned);
	free(od->source);
	free(od);
}

const char *
orgdomain_source(const struct orgdomain *od)
{
	return od->source;
}

int
orgdomain_normalize(const char *name, char *out, size_t size)
{
	const char *error;
	const char *last;
	int all_digits = 1;

	if (dns_name_normalize(name, out, size, &error) < 0)
		return -1;
	for (const char *p = out; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
		      || *p == '-' || *p == '_' || *p == '.'))
			return -1;
	last = strrchr(out, '.');
	last = last != NULL ? last + 1 : out;
	for (const char *p = last; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			all_digits = 0;
	return all_digits ? -1 : 0;
}

/* org_of - the organizational domain of a normalized name, or NULL */
static const char *
org_of(const struct orgdomain *od, const char *normalized)
{
	return psl_registrable_domain(od->psl, normalized);
}

int
orgdomain_get(const struct orgdomain *od, const char *domain, char *out,
	      size_t size)
{
	char name[ORGDOMAIN_BUFSIZE];
	const char *org;
	size_t len;

	if (size > 0)
		out[0] = '\0';
	if (orgdomain_normalize(domain, name, sizeof(name)) < 0)
		return -1;
	if ((org = org_of(od, name)) == NULL)
		return -1;
	len = strlen(org);
	if (len + 1 > size)
		return -1;
	memcpy(out, org, len + 1);
	return 0;
}

int
orgdomain_aligned(const struct orgdomain *od, const char *a, const char *b,
		  enum align_mode mode)
{
	char na[ORGDOMAIN_BUFSIZE], nb[ORGDOMAIN_BUFSIZE];
	const char *oa, *ob;

	if (orgdomain_normalize(a, na, sizeof(na)) < 0
	    || orgdomain_normalize(b, nb, sizeof(nb)) < 0)
		return 0;
	if (strcmp(na, nb) == 0)
		return 1;
	if (mode == ALIGN_STRICT)
		return 0;
	oa = org_of(od, na);
	ob = org_of(od, nb);
	return oa != NULL && ob != NULL && strcmp(oa, ob) == 0;
}
