/*
 * report_store - choose the back end by the URI's scheme and call it.
 *
 * Thread-safety: the table is constant; see report_store.h for stores.
 */
#include "report_store.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct report_store_ops *const backends[] = {
	&report_store_sqlite_ops,
	&report_store_pg_ops,
	&report_store_pg_postgres_ops,
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
	*error_r = "report store: unknown scheme (known: sqlite, postgresql, postgres)";
	return NULL;
}

int
report_store_uri_valid(const char *uri, const char **error_r)
{
	const char *rest;

	return find(uri, &rest, error_r) != NULL ? 0 : -1;
}

/* hide - append uri[from, to) to out, then "***" for uri[to, end) */
static size_t
hide(char *out, size_t size, size_t n, const char *from, const char *to)
{
	n += (size_t)snprintf(out + n, n < size ? size - n : 0, "%.*s***", (int)(to - from), from);
	return n;
}

/* value_end - the end of a conninfo or query value starting at v */
static const char *
value_end(const char *v, int query)
{
	if (!query && *v == '\'') {
		for (v++; *v != '\0' && *v != '\''; v++)
			if (*v == '\\' && v[1] != '\0')
				v++;
		return *v == '\'' ? v + 1 : v;
	}
	while (*v != '\0' && (query ? *v != '&' : *v != ' ' && *v != '\t'))
		v++;
	return v;
}

void
report_store_uri_display(const char *uri, char *buf, size_t size)
{
	const char *p = uri, *auth = strstr(uri, "://"), *q;
	size_t n = 0;
	int query = auth != NULL;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (auth != NULL) {
		const char *end = auth + 3 + strcspn(auth + 3, "/?"), *at = NULL, *colon;

		for (q = auth + 3; q < end; q++)
			if (*q == '@')
				at = q;
		colon = at != NULL ? memchr(auth + 3, ':', (size_t)(at - auth - 3)) : NULL;
		if (colon != NULL) {
			n = hide(buf, size, n, p, colon + 1);
			p = at;
		}
	}
	while ((q = strstr(p, "password")) != NULL) {
		const char *v = q + strlen("password");

		while (*v == ' ')
			v++;
		if (*v != '=' || (q > uri && (q[-1] == '_' || isalnum((unsigned char)q[-1])))) {
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%.*s",
					      (int)(v - p), p);
			p = v;
			continue;
		}
		for (v++; *v == ' '; v++)
			;
		n = hide(buf, size, n, p, v);
		p = value_end(v, query);
	}
	snprintf(buf + (n < size ? n : size - 1), n < size ? size - n : 1, "%s", p);
}

struct report_store *
report_store_open(const char *uri, char *error, size_t size)
{
	const char *rest, *why = NULL;
	const struct report_store_ops *ops = find(uri, &rest, &why);
	struct report_store *s;

	if (ops == NULL) {
		snprintf(error, size, "%s", why);
		return NULL;
	}
	if ((s = ops->open(rest, error, size)) == NULL)
		return NULL;
	if (gethostname(s->host, sizeof(s->host)) != 0)
		snprintf(s->host, sizeof(s->host), "unknown");
	s->host[sizeof(s->host) - 1] = '\0';
	return s;
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
report_store_claim(struct report_store *s, const char *domain, int64_t day, const char *owner,
		   int64_t now, int64_t stale_before, enum report_claim *r, const char **error_r)
{
	enum report_state state;
	int taken = 0;

	if (s->ops->claim(s, domain, day, owner, now, stale_before, &taken, error_r) < 0)
		return -1;
	if (taken) {
		*r = REPORT_CLAIM_TAKEN;
		return 0;
	}
	if (s->ops->state(s, domain, day, &state, NULL, error_r) < 0)
		return -1;
	*r = state == REPORT_STATE_DONE ? REPORT_CLAIM_DONE : REPORT_CLAIM_BUSY;
	return 0;
}

int
report_store_finish(struct report_store *s, const char *domain, int64_t day, const char *owner,
		    enum report_state state, const char *report_id, int64_t now,
		    const char **error_r)
{
	int changed = 1;

	if (s->ops->finish(s, domain, day, owner, state, report_id, now, &changed, error_r) < 0)
		return -1;
	if (!changed) {
		*error_r = "report store: the claim on the report was taken over by another sender";
		return -1;
	}
	return 0;
}

int
report_store_state(struct report_store *s, const char *domain, int64_t day,
		   enum report_state *state_r, char *report_id_r, const char **error_r)
{
	return s->ops->state(s, domain, day, state_r, report_id_r, error_r);
}

int
report_store_pending(struct report_store *s, int64_t before_day, report_store_pending_fn *fn,
		     void *ctx, const char **error_r)
{
	return s->ops->pending(s, before_day, fn, ctx, error_r);
}

int
report_store_delivery_get(struct report_store *s, const char *domain, int64_t day,
			  const char *destination, struct report_delivery *d_r, const char **error_r)
{
	return s->ops->delivery_get(s, domain, day, destination, d_r, error_r);
}

int
report_store_delivery_put(struct report_store *s, const char *domain, int64_t day,
			  const struct report_delivery *d, const char **error_r)
{
	return s->ops->delivery_put(s, domain, day, d, error_r);
}

int
report_store_mark_sent(struct report_store *s, const char *domain, int64_t day,
		       const char *report_id, int64_t now, const char **error_r)
{
	return report_store_finish(s, domain, day, NULL, REPORT_STATE_DONE, report_id, now,
				   error_r);
}

int
report_store_sent(struct report_store *s, const char *domain, int64_t day, int *sent_r,
		  const char **error_r)
{
	enum report_state state = REPORT_STATE_NONE;

	if (s->ops->state(s, domain, day, &state, NULL, error_r) < 0)
		return -1;
	*sent_r = state == REPORT_STATE_DONE;
	return 0;
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
