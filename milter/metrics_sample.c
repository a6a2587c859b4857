/*
 * metrics_sample - connections and DNS statistics into the registry (see
 * metrics_sample.h).
 *
 * Thread-safety: atomic reads (admission_connections,
 * resolver_get_stats) and metrics_set.
 */
#include "metrics_sample.h"
#include "admission.h"
#include "report_recorder.h"
#include "resolver.h"

/* sample_reports - the recorder's counters, as report_rows and its drop reasons */
static void
sample_reports(struct metrics *m, struct report_recorder *recorder)
{
	struct report_recorder_stats s;

	report_recorder_stats(recorder, &s);
	metrics_set(m, METRICS_REPORT_ROWS, "recorded", s.written);
	metrics_set(m, METRICS_REPORT_ROWS, "dropped", s.dropped);
	metrics_set(m, METRICS_REPORT_DROPPED, "queue_full", s.dropped_full);
	metrics_set(m, METRICS_REPORT_DROPPED, "store_error", s.dropped_store);
	metrics_set(m, METRICS_REPORT_DROPPED, "too_large",
		    s.dropped - s.dropped_full - s.dropped_store);
	metrics_set(m, METRICS_REPORT_QUEUE, NULL, s.waiting);
}

void
metrics_sample_daemon(struct metrics *m, void *context)
{
	const struct metrics_sample_sources *sources = context;
	struct resolver *resolver = sources->resolver;
	static const enum dns_status statuses[] = { DNS_STATUS_ANSWER, DNS_STATUS_NXDOMAIN,
						    DNS_STATUS_NODATA, DNS_STATUS_TEMPFAIL };
	struct resolver_stats st;
	int open = admission_connections();

	metrics_set(m, METRICS_CONNECTIONS, NULL, open > 0 ? (uint64_t)open : 0);
	if (sources->recorder != NULL)
		sample_reports(m, sources->recorder);
	if (resolver == NULL)
		return;
	resolver_get_stats(resolver, &st);
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		metrics_set(m, METRICS_DNS_LOOKUPS, dns_answer_status_name(statuses[i]),
			    st.by_status[statuses[i]]);
	metrics_set(m, METRICS_DNS_CACHE_HITS, NULL, st.cache_hits);
	metrics_set(m, METRICS_DNS_CACHE_MISSES, NULL, st.merged + st.upstream);
	metrics_set(m, METRICS_DNS_UPSTREAM, NULL, st.upstream);
	metrics_set(m, METRICS_DNS_TIMEOUTS, NULL, st.timeouts);
	metrics_set(m, METRICS_DNS_IN_FLIGHT, NULL, st.in_flight);
}
