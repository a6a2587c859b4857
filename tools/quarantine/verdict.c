/*
 * verdict - an alert record copied out of its line (see verdict.h).
 *
 * Thread-safety: see verdict.h.
 */
#include "verdict.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

static const char *const keys[] = {
#define X(key, presence, help) #key,
	ALERT_FIELDS(X)
#undef X
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

struct verdict {
	time_t when;
	int has_time;
	char *value[NKEYS];
	char text[];		/* the values, NUL-separated */
};

struct verdict *
verdict_new(const struct record *r)
{
	const char *src[NKEYS] = {
#define X(key, presence, help) r->key,
		ALERT_FIELDS(X)
#undef X
	};
	size_t total = 0;
	struct verdict *v;
	char *p;

	for (size_t i = 0; i < NKEYS; i++)
		if (src[i] != NULL)
			total += strlen(src[i]) + 1;
	v = xcalloc(1, sizeof(*v) + total);
	v->when = r->when;
	v->has_time = r->has_time;
	p = v->text;
	for (size_t i = 0; i < NKEYS; i++) {
		size_t n;

		if (src[i] == NULL)
			continue;
		n = strlen(src[i]) + 1;
		memcpy(p, src[i], n);
		v->value[i] = p;
		p += n;
	}
	return v;
}

const char *
verdict_get(const struct verdict *v, const char *key)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i], key) == 0)
			return v->value[i];
	return NULL;
}

size_t
verdict_nfields(void)
{
	return NKEYS;
}

const char *
verdict_key(size_t i)
{
	return i < NKEYS ? keys[i] : NULL;
}

const char *
verdict_at(const struct verdict *v, size_t i)
{
	return i < NKEYS ? v->value[i] : NULL;
}

int
verdict_time(const struct verdict *v, time_t *t_r)
{
	*t_r = v->when;
	return v->has_time;
}

void
verdict_free(struct verdict **vp)
{
	if (vp == NULL || *vp == NULL)
		return;
	free(*vp);
	*vp = NULL;
}
