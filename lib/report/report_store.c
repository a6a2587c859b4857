/*
 * report_store - choose the back end by the URI's scheme and call it.
 *
 * Thread-safety: the table is constant; see report_store.h for stores.
 */
#include "report_store.h"

#include <stdio.h>
#include <string.h>

static const struct report_store_ops *const backends[] = {
	&report_store_sqlite_ops,
};

/* find - the back end for uri, with *rest_r after "scheme:" */
static const struct report_store_ops *
find(const char *uri, const char **rest_r, const char **error_r)
{
	const char *colon = uri != NULL ? strchr(uri, ':') : NULL;

	if (colon == NULL) {
		*error_r = "report store: expected scheme:location, as sqlite:/path";
		return NULL;
	}
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		size_t n = strlen(backends[i]->scheme);

		if ((size_t)(colon - uri) == n && strncmp(uri, backends[i]->scheme, n) == 0) {
			*rest_r = colon + 1;
			if (**rest_r == '\0') {
				*error_r = "report store: no location after the scheme";
				return NULL;
			}
			return backends[i];
		}
	}
	*error_r = "report store: unknown scheme (known: sqlite)";
	return NULL;
}

int
report_store_uri_valid(const char *uri, const char **error_r)
{
	const char *rest;

	return find(uri, &rest, error_r) != NULL ? 0 : -1;
}

struct report_store *
report_store_open(const char *uri, char *error, size_t size)
{
	const char *rest, *why = NULL;
	const struct report_store_ops *ops = find(uri, &rest, &why);

	if (ops == NULL) {
		snprintf(error, size, "%s", why);
		return NULL;
	}
	return ops->open(rest, error, size);
}

int
report_store_append(struct report_store *s, const struct report_record *recs, size_t n,
		    const char **error_r)
{
	return s->ops->append(s, recs, n, error_r);
}

int
report_store_domains(struct report_store *s, int64_t day, report_store_domain_fn *fn, void *ctx,
		     const char **error_r)
{
	return s->ops->domains(s, day, fn, ctx, error_r);
}

int
report_store_aggregate(struct report_store *s, const char *domain, int64_t day,
		       struct report_policy *policy_r, report_store_row_fn *fn, void *ctx,
		       const char **error_r)
{
	return s->ops->aggregate(s, domain, day, policy_r, fn, ctx, error_r);
}

int
report_store_mark_sent(struct report_store *s, const char *domain, int64_t day,
		       const char *report_id, int64_t now, const char **error_r)
{
	return s->ops->mark_sent(s, domain, day, report_id, now, error_r);
}

int
report_store_sent(struct report_store *s, const char *domain, int64_t day, int *sent_r,
		  const char **error_r)
{
	return s->ops->sent(s, domain, day, sent_r, error_r);
}

int
report_store_expire(struct report_store *s, int64_t before_day, uint64_t *deleted_r,
		    const char **error_r)
{
	return s->ops->expire(s, before_day, deleted_r, error_r);
}

void
report_store_close(struct report_store **s)
{
	if (s == NULL || *s == NULL)
		return;
	(*s)->ops->close(*s);
	*s = NULL;
}
