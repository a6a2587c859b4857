/*
 * metrics_sample - the daemon's sampled metrics, read at scrape time from
 * their owners: open milter connections (filter.c), the resolver's
 * statistics (lib/dns/resolver.h) and the report recorder's counters
 * (report_recorder.h).
 *
 * Thread-safety: runs on the metrics server's thread; reads only atomics.
 */
#ifndef DMARCGUARD_METRICS_SAMPLE_H
#define DMARCGUARD_METRICS_SAMPLE_H

#include "metrics.h"

struct resolver;
struct report_recorder;

/* What the daemon's sampler reads; both may be NULL. Owned by the daemon, outlives the server */
struct metrics_sample_sources {
	struct resolver *resolver;
	struct report_recorder *recorder;
};

/* metrics_sample_daemon - a metrics_sampler; context is a struct metrics_sample_sources */
void metrics_sample_daemon(struct metrics *metrics, void *sources);

#endif
