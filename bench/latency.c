/*
 * latency - latency samples and percentiles (see latency.h).
 *
 * Thread-safety: see latency.h.
 */
#include "latency.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct latency {
	double *ms;
	size_t capacity;
	atomic_size_t used;
};

struct latency *
latency_new(size_t capacity)
{
	struct latency *l = calloc(1, sizeof(*l));

	if (l == NULL || (l->ms = calloc(capacity ? capacity : 1, sizeof(double))) == NULL) {
		free(l);
		return NULL;
	}
	l->capacity = capacity;
	atomic_init(&l->used, 0);
	return l;
}

void
latency_free(struct latency **lp)
{
	if (*lp == NULL)
		return;
	free((*lp)->ms);
	free(*lp);
	*lp = NULL;
}

void
latency_add(struct latency *l, double ms)
{
	size_t slot = atomic_fetch_add(&l->used, 1);

	if (slot < l->capacity)
		l->ms[slot] = ms;
}

static int
compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* rank - the nearest-rank percentile q (0..1) of n sorted values */
static double
rank(const double *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n);

	return v[k == 0 ? 0 : k - 1];
}

void
latency_summary(struct latency *l, struct latency_summary *s)
{
	size_t n = atomic_load(&l->used);
	double sum = 0;

	memset(s, 0, sizeof(*s));
	if (n > l->capacity)
		n = l->capacity;
	s->count = n;
	if (n == 0)
		return;
	qsort(l->ms, n, sizeof(double), compare);
	for (size_t i = 0; i < n; i++) {
		sum += l->ms[i];
		if (l->ms[i] > 1000.0)
			s->over_1s++;
	}
	s->mean_ms = sum / (double)n;
	s->p50_ms = rank(l->ms, n, 0.50);
	s->p90_ms = rank(l->ms, n, 0.90);
	s->p99_ms = rank(l->ms, n, 0.99);
	s->max_ms = l->ms[n - 1];
}
