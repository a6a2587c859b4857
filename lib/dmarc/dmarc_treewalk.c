/*
 * dmarc_treewalk - the DNS tree walk of RFC 9989 4.10 (see
 * dmarc_treewalk.h for the rules and the two answers).
 *
 * Every name of a walk is a suffix of the start name, so a walk keeps one
 * copy of it and points into that copy: two names are the same name when
 * their pointers are equal.
 *
 * Thread-safety: no state of its own; the resolver is thread-safe.
 */
#include "dmarc_treewalk.h"

#include <stdio.h>
#include <string.h>

/* The label count at which the walk skips to the 7-label suffix (4.10 step 4). */
#define SHORTCUT_LABELS 8

/* label_count - labels of a normalized, non-empty name */
static size_t
label_count(const char *name)
{
	size_t n = 1;

	for (const char *p = name; *p != '\0'; p++)
		n += *p == '.';
	return n;
}

/* suffix - the suffix of name holding its last k labels (1 <= k <= labels) */
static const char *
suffix(const char *name, size_t k)
{
	const char *p = name + strlen(name);

	while (p > name) {
		if (p[-1] == '.' && --k == 0)
			return p;
		p--;
	}
	return name;
}

size_t
dmarc_treewalk_targets(const char *domain, const char *out[DMARC_TREEWALK_MAX])
{
	size_t labels, next, n = 0;

	if (domain[0] == '\0')
		return 0;
	labels = label_count(domain);
	out[n++] = domain;
	/* RFC 9989 4.10 step 4: from 8 labels on, straight to the last 7 */
	next = labels >= SHORTCUT_LABELS ? SHORTCUT_LABELS - 1 : labels - 1;
	for (; next >= 1 && n < DMARC_TREEWALK_MAX; next--)
		out[n++] = suffix(domain, next);
	return n;
}

/*
 * ask - the _dmarc TXT look-up of one name: how many DMARC records it
 * holds, and the record parsed when there is exactly one. Returns -1 with
 * *reason_r on a temporary failure.
 */
static int
ask(struct resolver *resolver, struct dmarc_treewalk_name *nm, const char **reason_r)
{
	char qname[DNS_NAME_BUFSIZE];
	struct dns_answer *a;
	const struct dns_record *kept = NULL;
	const char *error = NULL;
	int rc = 0;

	nm->psd = DMARC_PSD_U;
	snprintf(qname, sizeof(qname), "_dmarc.%s", nm->domain);
	a = resolver_lookup(resolver, qname, DNS_TYPE_TXT, 0);
	if (a->status == DNS_STATUS_TEMPFAIL) {
		*reason_r = a->reason != NULL ? a->reason : "temporary DNS failure";
		dns_answer_unref(&a);
		return -1;
	}
	for (size_t i = 0; a->status == DNS_STATUS_ANSWER && i < a->count; i++)
		if (dmarc_record_is_dmarc((const char *)a->records[i].data, a->records[i].len)) {
			kept = &a->records[i];
			if (nm->records < 2)
				nm->records++;
		}
	if (nm->records == 1) {
		if (dmarc_record_parse((const char *)kept->data, kept->len, &nm->record,
				       &error) == 0) {
			nm->usable = 1;
			nm->psd = nm->record.psd;
		} else if (strcmp(error, "out of memory") == 0) {
			*reason_r = error;
			rc = -1;
		} else
			nm->error = error;
	}
	dns_answer_unref(&a);
	return rc;
}

int
dmarc_treewalk_run(struct resolver *resolver, const char *domain, unsigned flags,
		   struct dmarc_treewalk *walk, const char **error_r)
{
	const char *targets[DMARC_TREEWALK_MAX];
	size_t n;

	memset(walk, 0, sizeof(*walk));
	if (dns_name_normalize(domain, walk->start, sizeof(walk->start), error_r) < 0)
		return -1;
	n = dmarc_treewalk_targets(walk->start, targets);
	walk->status = DMARC_TREEWALK_DONE;
	for (size_t i = 0; i < n; i++) {
		struct dmarc_treewalk_name *nm = &walk->names[walk->count++];

		nm->domain = targets[i];
		if (ask(resolver, nm, &walk->reason) < 0) {
			walk->status = DMARC_TREEWALK_TEMPERROR;
			walk->failed = nm->domain;
			return 0;
		}
		if (i == 0 && nm->records == 1 && (flags & DMARC_TREEWALK_STOP_AT_START))
			break;
		if (nm->psd != DMARC_PSD_U)
			break;		/* step 2/6: psd=y or psd=n ends the walk */
	}
	return 0;
}

void
dmarc_treewalk_clear(struct dmarc_treewalk *walk)
{
	for (size_t i = 0; i < walk->count && i < DMARC_TREEWALK_MAX; i++)
		dmarc_record_clear(&walk->names[i].record);
	memset(walk, 0, sizeof(*walk));
}

/* one_below - the name one label longer than `name` (a proper suffix of start) */
static const char *
one_below(const char *start, const char *name)
{
	const char *p = name - 1;	/* the dot before name */

	while (p > start && p[-1] != '.')
		p--;
	return p;
}

const char *
dmarc_treewalk_orgdomain(const struct dmarc_treewalk *walk)
{
	const char *shortest = NULL;

	if (walk->status != DMARC_TREEWALK_DONE || walk->count == 0)
		return NULL;
	for (size_t i = 0; i < walk->count; i++) {
		const struct dmarc_treewalk_name *nm = &walk->names[i];

		if (nm->records != 1)
			continue;
		if (nm->psd == DMARC_PSD_N)
			return nm->domain;
		if (nm->psd == DMARC_PSD_Y && i > 0)
			return one_below(walk->start, nm->domain);
		shortest = nm->domain;
	}
	return shortest != NULL ? shortest : walk->start;
}

const struct dmarc_treewalk_name *
dmarc_treewalk_policy(const struct dmarc_treewalk *walk)
{
	const struct dmarc_treewalk_name *last;
	const char *org;

	if (walk->status != DMARC_TREEWALK_DONE || walk->count == 0)
		return NULL;
	if (walk->names[0].records == 1)
		return &walk->names[0];
	org = dmarc_treewalk_orgdomain(walk);
	for (size_t i = 0; i < walk->count; i++)
		if (walk->names[i].records == 1 && walk->names[i].domain == org)
			return &walk->names[i];
	/* the organizational domain publishes nothing: the PSD's policy */
	last = &walk->names[walk->count - 1];
	return last->records == 1 && last->psd == DMARC_PSD_Y ? last : NULL;
}
