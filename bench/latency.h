/*
 * latency - per-message latencies of a load run and their summary
 * (percentiles by sorting; a run holds at most a few million messages).
 *
 * Memory: latency_new allocates room for capacity samples;
 * latency_free(&l) releases.
 *
 * Thread-safety: latency_add may be called from many threads at once (an
 * atomic slot counter); latency_summary after they have all finished.
 */
#ifndef DMARCGUARD_BENCH_LATENCY_H
#define DMARCGUARD_BENCH_LATENCY_H

#include <stddef.h>

struct latency;

struct latency_summary {
	size_t count;
	double p50_ms;
	double p90_ms;
	double p99_ms;
	double max_ms;
	double mean_ms;
	size_t over_1s;
};

struct latency *latency_new(size_t capacity);
void latency_free(struct latency **l);
void latency_add(struct latency *l, double ms);
void latency_summary(struct latency *l, struct latency_summary *s);

#endif
