/*
 * metrics_sample - connections and DNS statistics into the registry (see
 * metrics_sample.h).
 *
 * Thread-safety: atomic reads (admission_connections,
 * resolver_get_stats), the recorder's counters under its mutex, and
 * metrics_set.
 */
#include "metrics_sample.h"
#include "admission.h"
#include "report_recorder.h"
#include "resolver.h"

/* sample_recorder - the recorder's counters by outcome */
static void
sample_recorder(struct metrics *m, struct report_recorder *recorder)
{
	struct report_recorder_stats st;

	report_recorder_stats(recorder, &st);
	metrics_set(m, METRICS_REPORT_RECORDS, "written", st.written);
	metrics_set(m, METRICS_REPORT_RECORDS, "queue-full", st.dropped_full);
	metrics_set(m, METRICS_REPORT_RECORDS, "store-failed", st.dropped_store);
	metrics_set(m, METRICS_REPORT_RECORDS, "unfit",
		    st.dropped - st.dropped_full - st.dropped_store);
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
		sample_recorder(m, sources->recorder);
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
