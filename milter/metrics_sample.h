/*
 * metrics_sample - the daemon's sampled metrics, read at scrape time from
 * their owners: open milter connections (filter.c) and the resolver's
 * statistics (lib/dns/resolver.h).
 *
 * Thread-safety: runs on the metrics server's thread; reads only atomics.
 */
#ifndef DMARCGUARD_METRICS_SAMPLE_H
#define DMARCGUARD_METRICS_SAMPLE_H

#include "metrics.h"

/* metrics_sample_daemon - a metrics_sampler; context is the process's struct resolver */
void metrics_sample_daemon(struct metrics *metrics, void *resolver);

#endif
