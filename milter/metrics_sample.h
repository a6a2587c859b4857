/*
 * metrics_sample - the daemon's sampled metrics, read at scrape time from
 * their owners: open milter connections (filter.c), the resolver's
 * statistics (lib/dns/resolver.h) and, with a ReportStore, the report
 * recorder's counters (report_recorder.h), which it keeps under its own
 * mutex anyway: nothing is counted twice on the message path.
 *
 * Thread-safety: runs on the metrics server's thread; reads atomics and
 * takes the recorder's mutex for a copy of its counters.
 */
#ifndef DMARCGUARD_METRICS_SAMPLE_H
#define DMARCGUARD_METRICS_SAMPLE_H

#include "metrics.h"

struct resolver;
struct report_recorder;

/* what the daemon's sampler reads; either may be NULL */
struct metrics_sample_sources {
	struct resolver *resolver;
	struct report_recorder *recorder;
};

/* metrics_sample_daemon - a metrics_sampler; context is a struct metrics_sample_sources */
void metrics_sample_daemon(struct metrics *metrics, void *sources);

#endif
