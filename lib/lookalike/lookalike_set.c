/*
 * lookalike_set - building the precomputed look-alike data (see
 * lookalike.h): each protected domain is prepared once (lookalike_name)
 * and entered in the indexes the checks look up: its skeleton, its
 * registrable label, the label with each code point deleted, and its
 * registrable domain. Allowed names go into one more index, by name and
 * by registrable domain.
 *
 * Memory: per protected domain one allocation for its strings and code
 * points, and about (label length + 4) index slots; the benchmark prints
 * the total for 10, 1,000 and 10,000 domains.
 *
 * Thread-safety: building is single-threaded; see lookalike.h.
 */
#include "lookalike_set_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lookalike_set *
lookalike_set_new(const struct orgdomain *od, const char **error_r)
{
	struct lookalike_set *s = calloc(1, sizeof(*s));
	UErrorCode status = U_ZERO_ERROR;

	if (s == NULL) {
		*error_r = "out of memory";
		return NULL;
	}
	s->od = od;
	s->checker = uspoof_open(&status);
	if (U_FAILURE(status) || s->checker == NULL
	    || lookalike_name_ascii_table(s->checker, &s->ascii) < 0) {
		*error_r = "lookalike: ICU uspoof_open failed";
		lookalike_set_free(&s);
		return NULL;
	}
	if ((s->by_name = lookalike_index_new()) == NULL
	    || (s->by_skeleton = lookalike_index_new()) == NULL
	    || (s->by_label = lookalike_index_new()) == NULL
	    || (s->by_deletion = lookalike_index_new()) == NULL
	    || (s->by_org = lookalike_index_new()) == NULL
	    || (s->allowed = lookalike_index_new()) == NULL) {
		*error_r = "out of memory";
		lookalike_set_free(&s);
		return NULL;
	}
	return s;
}

void
lookalike_set_free(struct lookalike_set **sp)
{
	struct lookalike_set *s = *sp;

	if (s == NULL)
		return;
	*sp = NULL;
	for (size_t i = 0; i < s->count; i++)
		free(s->entries[i].cp);
	free(s->entries);
	lookalike_index_free(&s->by_name);
	lookalike_index_free(&s->by_skeleton);
	lookalike_index_free(&s->by_label);
	lookalike_index_free(&s->by_deletion);
	lookalike_index_free(&s->by_org);
	lookalike_index_free(&s->allowed);
	if (s->checker != NULL)
		uspoof_close(s->checker);
	free(s);
}

/* entry_make - the compact copy of a prepared name (one allocation) */
static int
entry_make(const struct lookalike_name *x, struct lookalike_entry *e, size_t *bytes_r)
{
	size_t alen = strlen(x->ascii) + 1, ulen = strlen(x->ulabel) + 1;
	size_t cpbytes = x->ncp * sizeof(int32_t);
	size_t total = cpbytes + alen + ulen;
	char *block = malloc(total);

	if (block == NULL)
		return -1;
	/* code points first (aligned), then the two strings; freed through cp */
	e->cp = (int32_t *)(void *)block;
	memcpy(e->cp, x->cp, cpbytes);
	e->ascii = block + cpbytes;
	memcpy(e->ascii, x->ascii, alen);
	e->org = e->ascii + (x->org - x->ascii);
	e->ulabel = e->ascii + alen;
	memcpy(e->ulabel, x->ulabel, ulen);
	e->ncp = (uint8_t)x->ncp;
	*bytes_r = total;
	return 0;
}

/* index_entry - enter entry number id in every index */
static int
index_entry(struct lookalike_set *s, const struct lookalike_name *x, uint32_t id)
{
	char deletion[sizeof(x->ulabel)];

	if (lookalike_index_add(s->by_name, x->ascii, strlen(x->ascii), id) < 0
	    || lookalike_index_add(s->by_skeleton, x->skeleton, strlen(x->skeleton), id) < 0
	    || lookalike_index_add(s->by_label, x->ulabel, strlen(x->ulabel), id) < 0
	    || lookalike_index_add(s->by_org, x->org, strlen(x->org), id) < 0)
		return -1;
	if (x->ncp < 4)
		return 0;	/* too short for the typo check */
	if (lookalike_index_add(s->by_deletion, x->ulabel, strlen(x->ulabel), id) < 0)
		return -1;
	for (size_t i = 0; i < x->ncp; i++) {
		size_t n;

		/* deleting either of two equal neighbours gives one string */
		if (i > 0 && x->cp[i] == x->cp[i - 1])
			continue;
		n = lookalike_name_deletion(x, i, deletion);
		if (lookalike_index_add(s->by_deletion, deletion, n, id) < 0)
			return -1;
	}
	return 0;
}

static int
add_protected(struct lookalike_set *s, const char *name, size_t len, char *error, size_t size)
{
	struct lookalike_name x;
	const char *problem = NULL;
	size_t bytes, labels = 1;

	if (lookalike_name_prepare(s->od, s->checker, &s->ascii, name, len, &x, &problem) < 0) {
		snprintf(error, size, "%.*s: %s", (int)(len > 80 ? 80 : len), name, problem);
		return -1;
	}
	if (lookalike_index_contains(s->by_name, x.ascii, strlen(x.ascii)))
		return 0;
	if (s->count == s->alloc) {
		size_t n = s->alloc ? s->alloc * 2 : 16;
		struct lookalike_entry *grown = realloc(s->entries, n * sizeof(*grown));

		if (grown == NULL)
			goto nomem;
		s->entries = grown;
		s->alloc = n;
	}
	if (entry_make(&x, &s->entries[s->count], &bytes) < 0)
		goto nomem;
	s->count++;
	s->memory += bytes;
	if (index_entry(s, &x, (uint32_t)(s->count - 1)) < 0)
		goto nomem;
	for (const char *p = x.org; *p; p++)
		labels += *p == '.';
	if (labels > s->max_org_labels)
		s->max_org_labels = labels;
	return 0;
nomem:
	snprintf(error, size, "out of memory");
	return -1;
}

static int
add_allowed(struct lookalike_set *s, const char *name, size_t len, char *error, size_t size)
{
	char ascii[ORGDOMAIN_BUFSIZE], org[ORGDOMAIN_BUFSIZE];

	if (lookalike_name_to_ascii(name, len, ascii, sizeof(ascii)) < 0) {
		snprintf(error, size, "%.*s: %s", (int)(len > 80 ? 80 : len), name,
			 LOOKALIKE_NAME_INVALID);
		return -1;
	}
	if (orgdomain_get(s->od, ascii, org, sizeof(org)) < 0) {
		snprintf(error, size, "%s: %s", ascii, LOOKALIKE_NAME_NO_ORG);
		return -1;
	}
	if (lookalike_index_add(s->allowed, ascii, strlen(ascii), 0) < 0
	    || lookalike_index_add(s->allowed, org, strlen(org), 0) < 0) {
		snprintf(error, size, "out of memory");
		return -1;
	}
	return 0;
}

/* each_word - call add for every name in text */
static int
each_word(struct lookalike_set *s, const char *text, char *error, size_t size,
	  int (*add)(struct lookalike_set *, const char *, size_t, char *, size_t))
{
	const char *p = text;

	while (*p != '\0') {
		size_t n;

		if (*p == '#') {
			p += strcspn(p, "\n");
			continue;
		}
		if (strchr(" \t\r\n,", *p) != NULL) {
			p++;
			continue;
		}
		n = strcspn(p, " \t\r\n,#");
		if (add(s, p, n, error, size) < 0)
			return -1;
		p += n;
	}
	return 0;
}

int
lookalike_set_protect(struct lookalike_set *s, const char *text, char *error, size_t size)
{
	return each_word(s, text, error, size, add_protected);
}

int
lookalike_set_allow(struct lookalike_set *s, const char *text, char *error, size_t size)
{
	return each_word(s, text, error, size, add_allowed);
}

size_t
lookalike_set_count(const struct lookalike_set *s)
{
	return s->count;
}

size_t
lookalike_set_memory(const struct lookalike_set *s)
{
	return sizeof(*s) + s->alloc * sizeof(*s->entries) + s->memory
	    + lookalike_index_memory(s->by_name) + lookalike_index_memory(s->by_skeleton)
	    + lookalike_index_memory(s->by_label) + lookalike_index_memory(s->by_deletion)
	    + lookalike_index_memory(s->by_org) + lookalike_index_memory(s->allowed);
}
