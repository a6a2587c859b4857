/*
 * metrics - the daemon's counters and their Prometheus text exposition.
 *
 * One registry per process (metrics_new before any thread starts, freed
 * after they stopped), passed by pointer to whoever counts: the milter
 * callbacks through the runtime, the reload thread, the HTTP server. Every
 * metric is declared once, in the table of metrics.c: a name, a help
 * line, a type and at most two labels, each label drawn from a fixed set
 * of values (metrics.c, label_sets). A value outside its set is counted
 * as "other": a label never carries text from mail or DNS (no domain
 * names), so the number of series is bounded by the table.
 *
 * Adding a counter (ARC results, look-alike hits, report rows...): one
 * enum value here, one row in metrics.c's table (and a label set if the
 * values are new), one metrics_add call where it happens.
 *
 * Counted metrics are incremented on the message path by metrics_add
 * (relaxed atomics: no lock). Sampled metrics (DNS statistics, open
 * connections) are read from their owners at scrape time by the sampler
 * given to metrics_set_sampler, which calls metrics_set.
 *
 * Thread-safety: metrics_add, metrics_observe_us and metrics_set may be
 * called from any thread; metrics_write from one thread at a time (the
 * HTTP server's). Every function accepts a NULL registry and does nothing,
 * so code paths without metrics (offline mode, tests) need no branch.
 */
#ifndef DMARCGUARD_METRICS_H
#define DMARCGUARD_METRICS_H

#include <stdint.h>
#include <stdio.h>

enum metrics_id {
	/* counted on the message path */
	METRICS_MESSAGES,		/* action, reason */
	METRICS_DMARC,			/* result */
	METRICS_SPF,			/* result */
	METRICS_DKIM,			/* result, per signature ("none": unsigned message) */
	METRICS_ARC,			/* result of the ARC chain: none, pass, fail */
	METRICS_FAIL_POLICY,		/* published: what a DMARC-failing domain asks */
	METRICS_OVERRIDES,		/* kind: why the local policy departed from published */
	/* counted elsewhere */
	METRICS_RELOADS,		/* result: ok, failed */
	METRICS_HTTP_REQUESTS,		/* code: answers of the metrics endpoint */
	/* sampled at scrape time */
	METRICS_CONNECTIONS,		/* open milter connections */
	METRICS_DNS_LOOKUPS,		/* result: answer, nxdomain, nodata, tempfail */
	METRICS_DNS_CACHE_HITS,
	METRICS_DNS_CACHE_MISSES,
	METRICS_DNS_UPSTREAM,
	METRICS_DNS_TIMEOUTS,
	METRICS_DNS_IN_FLIGHT,
	/* sampled at scrape time, listed only once enabled (with ReportStore) */
	METRICS_REPORT_ROWS,		/* result: recorded (in the store), dropped */
	METRICS_REPORT_DROPPED,		/* reason: queue_full, store_error, too_large */
	METRICS_REPORT_QUEUE,		/* records waiting for the store */
	METRICS_ID_COUNT
};

enum metrics_histogram_id {
	METRICS_EVALUATION_SECONDS,	/* message_finish: SPF, DKIM keys, DMARC, decision */
	METRICS_HISTOGRAM_COUNT
};

struct metrics;

/* metrics_sampler - fills the sampled metrics with metrics_set */
typedef void metrics_sampler(struct metrics *metrics, void *context);

/* metrics_new - a zeroed registry; version goes into dmarcguard_build_info. NULL: out of memory */
struct metrics *metrics_new(const char *version);
/* metrics_free - accepts NULL; sets *metrics NULL */
void metrics_free(struct metrics **metrics);

/*
 * metrics_enable - list an optional metric (the report store's, which
 * mean nothing without one); call before threads start
 */
void metrics_enable(struct metrics *metrics, enum metrics_id id);

/* metrics_set_sampler - called by metrics_write first; set before threads start */
void metrics_set_sampler(struct metrics *metrics, metrics_sampler *fn, void *context);

/*
 * metrics_add - add n to the series of id with these label values (NULL
 * for a label the metric does not have). A value outside the label's set
 * counts as "other".
 */
void metrics_add(struct metrics *metrics, enum metrics_id id, const char *label1,
		 const char *label2, uint64_t n);
/* metrics_set - set a sampled series (gauges, counters owned elsewhere) */
void metrics_set(struct metrics *metrics, enum metrics_id id, const char *label1,
		 uint64_t value);
/* metrics_observe_us - one observation, in microseconds, into a histogram */
void metrics_observe_us(struct metrics *metrics, enum metrics_histogram_id id,
			uint64_t microseconds);

/* metrics_get - the current value of a series (tests) */
uint64_t metrics_get(const struct metrics *metrics, enum metrics_id id, const char *label1,
		     const char *label2);

/*
 * metrics_write - the Prometheus text exposition format (version 0.0.4)
 * of every metric. Returns 0, or -1 when out fails.
 */
int metrics_write(struct metrics *metrics, FILE *out);

#endif
