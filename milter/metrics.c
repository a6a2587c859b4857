/*
 * metrics - the metric table, the counters and the text exposition (see
 * metrics.h).
 *
 * Storage: one array of atomic 64-bit cells for every series of every
 * metric, laid out at metrics_new from the table: a metric with label
 * sets of sizes A and B (each one more than its values, for "other") owns
 * A * B cells. Increments are relaxed atomics: a scrape may see one
 * counter a message ahead of another, never a torn value.
 *
 * Thread-safety: see metrics.h.
 */
#include "metrics.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define OTHER "other"

struct label_set {
	const char *name;		/* the label's name */
	const char *const *values;	/* NULL-terminated; "other" is implied */
};

static const char *const action_values[] = { "accept", "quarantine", "reject", "tempfail",
					     NULL };
/* docs/alerts.md's reason codes, and the daemon's own tempfail reasons */
static const char *const reason_values[] = {
	"dmarc-pass", "dmarc-fail-local-floor", "dmarc-fail-protected-domain",
	"dmarc-fail-published-none", "published-quarantine", "published-reject",
	"no-policy", "dmarc-permerror", "protected-no-policy", "protected-aligned-pass",
	"dns-temperror", "malformed-from", "malformed-from-missing", "malformed-from-multiple",
	"malformed-from-empty", "malformed-from-group", "malformed-from-multiple-addresses",
	"malformed-from-no-domain", "malformed-from-encoded-word",
	"malformed-from-trailing-text", "malformed-from-unbalanced",
	"malformed-from-control-char", "malformed-from-bad-domain", "malformed-from-idn",
	"malformed-from-syntax", "malformed-header-too-large", "exempt-authenticated",
	"exempt-trusted-network", "exempt-allowed-client", "exempt-allowed-from",
	"exempt-allowed-signer", "internal-error", "quarantine-failed",
	"header-change-failed", "lookalike-homoglyph", "lookalike-typo", "lookalike-suffix",
	"lookalike-embedded", "lookalike-display-name", "forwarded-arc", "forwarded-trusted",
	NULL,
};
static const char *const dmarc_values[] = { "pass", "fail", "none", "temperror", "permerror",
					    NULL };
static const char *const auth_values[] = { "pass", "fail", "softfail", "neutral", "policy",
					   "none", "temperror", "permerror", NULL };
static const char *const published_values[] = { "none", "quarantine", "reject",
					       "unspecified", NULL };
static const char *const override_values[] = { "local-floor", "protected-domain",
					      "protected-no-policy", "no-policy-action",
					      "permerror-action", "lookalike", "forwarded-arc",
					      "forwarded-trusted", NULL };
static const char *const arc_values[] = { "none", "pass", "fail", NULL };
static const char *const reload_values[] = { "ok", "failed", NULL };
static const char *const http_values[] = { "200", "404", "405", "500", NULL };
static const char *const dns_values[] = { "answer", "nxdomain", "nodata", "tempfail", NULL };
static const char *const report_row_values[] = { "recorded", "dropped", NULL };
/* report_recorder.h's reasons: queue full, batch refused by the store, record unfit */
static const char *const report_drop_values[] = { "queue_full", "store_error", "too_large",
						  NULL };

enum set_id { NO_LABEL, ACTION, REASON, DMARC, AUTH, PUBLISHED, OVERRIDE, RELOAD, HTTP, DNS, ARC,
	      REPORT_ROW, REPORT_DROP };

static const struct label_set label_sets[] = {
	[NO_LABEL] = { NULL, NULL },
	[ACTION] = { "action", action_values },
	[REASON] = { "reason", reason_values },
	[DMARC] = { "result", dmarc_values },
	[AUTH] = { "result", auth_values },
	[PUBLISHED] = { "published", published_values },
	[OVERRIDE] = { "kind", override_values },
	[RELOAD] = { "result", reload_values },
	[HTTP] = { "code", http_values },
	[DNS] = { "result", dns_values },
	[ARC] = { "result", arc_values },
	[REPORT_ROW] = { "result", report_row_values },
	[REPORT_DROP] = { "reason", report_drop_values },
};

struct metric {
	const char *name;
	const char *type;		/* "counter" or "gauge" */
	enum set_id label1, label2;
	const char *help;
};

/* The one list of metrics: a new one is a row here and a value in metrics.h. */
static const struct metric metric_table[METRICS_ID_COUNT] = {
	[METRICS_MESSAGES] = { "dmarcguard_messages_total", "counter", ACTION, REASON,
		"Messages judged at end of message, by action taken and reason code" },
	[METRICS_DMARC] = { "dmarcguard_dmarc_results_total", "counter", DMARC, NO_LABEL,
		"DMARC results of judged messages" },
	[METRICS_SPF] = { "dmarcguard_spf_results_total", "counter", AUTH, NO_LABEL,
		"SPF results of judged messages" },
	[METRICS_DKIM] = { "dmarcguard_dkim_results_total", "counter", AUTH, NO_LABEL,
		"DKIM results, one per signature evaluated; none once per unsigned message" },
	[METRICS_ARC] = { "dmarcguard_arc_results_total", "counter", ARC, NO_LABEL,
		"ARC chain results of judged messages (none: no ARC fields)" },
	[METRICS_FAIL_POLICY] = { "dmarcguard_dmarc_fail_published_total", "counter",
		PUBLISHED, NO_LABEL,
		"Messages failing DMARC, by what the published policy asks after t=y" },
	[METRICS_OVERRIDES] = { "dmarcguard_overrides_total", "counter", OVERRIDE, NO_LABEL,
		"Messages whose action the local policy raised above the published policy"
		" (local floor, look-alike) or a trusted forwarder lifted" },
	[METRICS_RELOADS] = { "dmarcguard_config_reloads_total", "counter", RELOAD, NO_LABEL,
		"Configuration reloads (SIGUSR1), done or refused" },
	[METRICS_HTTP_REQUESTS] = { "dmarcguard_metrics_requests_total", "counter", HTTP,
		NO_LABEL, "Requests to the metrics endpoint, by HTTP status" },
	[METRICS_CONNECTIONS] = { "dmarcguard_milter_connections", "gauge", NO_LABEL, NO_LABEL,
		"Open milter connections" },
	[METRICS_DNS_LOOKUPS] = { "dmarcguard_dns_lookups_total", "counter", DNS, NO_LABEL,
		"DNS look-ups answered, by result (cache hits included)" },
	[METRICS_DNS_CACHE_HITS] = { "dmarcguard_dns_cache_hits_total", "counter", NO_LABEL,
		NO_LABEL, "DNS look-ups answered from the cache" },
	[METRICS_DNS_CACHE_MISSES] = { "dmarcguard_dns_cache_misses_total", "counter",
		NO_LABEL, NO_LABEL,
		"DNS look-ups not in the cache (sent upstream or joined a query in flight)" },
	[METRICS_DNS_UPSTREAM] = { "dmarcguard_dns_upstream_queries_total", "counter",
		NO_LABEL, NO_LABEL, "DNS queries sent to the upstream resolver" },
	[METRICS_DNS_TIMEOUTS] = { "dmarcguard_dns_timeouts_total", "counter", NO_LABEL,
		NO_LABEL, "DNS look-ups whose deadline passed (DNSTimeout)" },
	[METRICS_DNS_IN_FLIGHT] = { "dmarcguard_dns_lookups_in_flight", "gauge", NO_LABEL,
		NO_LABEL, "DNS look-ups waiting for an answer now" },
	[METRICS_REPORT_ROWS] = { "dmarcguard_report_rows_total", "counter", REPORT_ROW,
		NO_LABEL, "Aggregate report records committed to the ReportStore or dropped" },
	[METRICS_REPORT_DROPPED] = { "dmarcguard_report_rows_dropped_total", "counter",
		REPORT_DROP, NO_LABEL, "Aggregate report records dropped, by reason" },
	[METRICS_REPORT_QUEUE] = { "dmarcguard_report_queue_rows", "gauge", NO_LABEL, NO_LABEL,
		"Aggregate report records waiting in the queue for the ReportStore" },
};

/* Metrics listed only after metrics_enable: the report store's, with a ReportStore. */
static const unsigned char metric_optional[METRICS_ID_COUNT] = {
	[METRICS_REPORT_ROWS] = 1, [METRICS_REPORT_DROPPED] = 1, [METRICS_REPORT_QUEUE] = 1,
};

/* Histogram bounds in microseconds, and the same as Prometheus "le" text. */
static const uint64_t evaluation_bounds_us[] = { 500, 1000, 2500, 5000, 10000, 25000, 50000,
						 100000, 250000, 500000, 1000000, 2500000,
						 5000000, 10000000 };
static const char *const evaluation_bounds_text[] = { "0.0005", "0.001", "0.0025", "0.005",
						      "0.01", "0.025", "0.05", "0.1", "0.25",
						      "0.5", "1", "2.5", "5", "10" };
#define EVALUATION_BUCKETS (sizeof(evaluation_bounds_us) / sizeof(evaluation_bounds_us[0]))

struct histogram_def {
	const char *name;
	const char *help;
	const uint64_t *bounds_us;
	const char *const *bounds_text;
	size_t buckets;
};

static const struct histogram_def histogram_table[METRICS_HISTOGRAM_COUNT] = {
	[METRICS_EVALUATION_SECONDS] = { "dmarcguard_evaluation_seconds",
		"Time to judge a message at end of message (SPF, DKIM keys, DMARC, policy)",
		evaluation_bounds_us, evaluation_bounds_text, EVALUATION_BUCKETS },
};

#define MAX_BUCKETS 16
_Static_assert(EVALUATION_BUCKETS <= MAX_BUCKETS, "evaluation histogram has too many buckets");

struct histogram {
	atomic_uint_fast64_t buckets[MAX_BUCKETS + 1];	/* per bucket, last is +Inf */
	atomic_uint_fast64_t sum_us;
};

struct metrics {
	char *version;
	metrics_sampler *sampler;
	void *sampler_context;
	size_t offset[METRICS_ID_COUNT];
	unsigned char enabled[METRICS_ID_COUNT];	/* optional metrics listed */
	struct histogram histograms[METRICS_HISTOGRAM_COUNT];
	size_t cell_count;
	atomic_uint_fast64_t *cells;
};

/* set_size - values of a label set plus "other"; 1 for no label */
static size_t
set_size(enum set_id id)
{
	size_t n = 0;

	if (label_sets[id].values == NULL)
		return 1;
	while (label_sets[id].values[n] != NULL)
		n++;
	return n + 1;
}

/* value_index - a value's index in its set, "other" (the last) when unknown */
static size_t
value_index(enum set_id id, const char *value)
{
	const char *const *values = label_sets[id].values;
	size_t i;

	if (values == NULL)
		return 0;
	for (i = 0; values[i] != NULL; i++)
		if (value != NULL && strcmp(values[i], value) == 0)
			return i;
	return i;
}

/* value_name - the text of a value index */
static const char *
value_name(enum set_id id, size_t i)
{
	return i + 1 < set_size(id) ? label_sets[id].values[i] : OTHER;
}

struct metrics *
metrics_new(const char *version)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	for (size_t id = 0; id < METRICS_ID_COUNT; id++) {
		m->offset[id] = m->cell_count;
		m->cell_count += set_size(metric_table[id].label1) * set_size(metric_table[id].label2);
	}
	m->cells = calloc(m->cell_count, sizeof(*m->cells));
	m->version = strdup(version ? version : "");
	if (m->cells == NULL || m->version == NULL) {
		metrics_free(&m);
		return NULL;
	}
	return m;
}

void
metrics_free(struct metrics **mp)
{
	struct metrics *m = *mp;

	if (m == NULL)
		return;
	*mp = NULL;
	free(m->cells);
	free(m->version);
	free(m);
}

void
metrics_enable(struct metrics *m, enum metrics_id id)
{
	if (m != NULL && (unsigned)id < METRICS_ID_COUNT)
		m->enabled[id] = 1;
}

void
metrics_set_sampler(struct metrics *m, metrics_sampler *fn, void *context)
{
	if (m == NULL)
		return;
	m->sampler = fn;
	m->sampler_context = context;
}

/* cell - the series of id for these label values */
static atomic_uint_fast64_t *
cell(const struct metrics *m, enum metrics_id id, const char *label1, const char *label2)
{
	const struct metric *d = &metric_table[id];
	size_t i = value_index(d->label1, label1), j = value_index(d->label2, label2);

	return &m->cells[m->offset[id] + i * set_size(d->label2) + j];
}

void
metrics_add(struct metrics *m, enum metrics_id id, const char *label1, const char *label2,
	    uint64_t n)
{
	if (m != NULL && (unsigned)id < METRICS_ID_COUNT)
		atomic_fetch_add_explicit(cell(m, id, label1, label2), n, memory_order_relaxed);
}

void
metrics_set(struct metrics *m, enum metrics_id id, const char *label1, uint64_t value)
{
	if (m != NULL && (unsigned)id < METRICS_ID_COUNT)
		atomic_store_explicit(cell(m, id, label1, NULL), value, memory_order_relaxed);
}

uint64_t
metrics_get(const struct metrics *m, enum metrics_id id, const char *label1,
	    const char *label2)
{
	if (m == NULL || (unsigned)id >= METRICS_ID_COUNT)
		return 0;
	return atomic_load_explicit(cell(m, id, label1, label2), memory_order_relaxed);
}

void
metrics_observe_us(struct metrics *m, enum metrics_histogram_id id, uint64_t us)
{
	const struct histogram_def *d;
	size_t b = 0;

	if (m == NULL || (unsigned)id >= METRICS_HISTOGRAM_COUNT)
		return;
	d = &histogram_table[id];
	while (b < d->buckets && us > d->bounds_us[b])
		b++;
	atomic_fetch_add_explicit(&m->histograms[id].buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->histograms[id].sum_us, us, memory_order_relaxed);
}

/* write_value - a label value, escaped as the exposition format wants */
static void
write_value(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(out, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
}

static void
write_header(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * write_metric - every series of one metric. A one-label metric lists
 * each value of its set (0 included, so rate() works from the start) but
 * "other" only once seen; a two-label metric lists the pairs seen.
 */
static void
write_metric(const struct metrics *m, enum metrics_id id, FILE *out)
{
	const struct metric *d = &metric_table[id];
	size_t n1 = set_size(d->label1), n2 = set_size(d->label2);

	write_header(out, d->name, d->type, d->help);
	for (size_t i = 0; i < n1; i++) {
		for (size_t j = 0; j < n2; j++) {
			uint64_t v = atomic_load_explicit(&m->cells[m->offset[id] + i * n2 + j],
							  memory_order_relaxed);
			int other = (d->label1 != NO_LABEL && i + 1 == n1)
			    || (d->label2 != NO_LABEL && j + 1 == n2);

			if (v == 0 && (other || d->label2 != NO_LABEL))
				continue;
			fputs(d->name, out);
			if (d->label1 != NO_LABEL) {
				fprintf(out, "{%s=\"", label_sets[d->label1].name);
				write_value(out, value_name(d->label1, i));
				if (d->label2 != NO_LABEL) {
					fprintf(out, "\",%s=\"", label_sets[d->label2].name);
					write_value(out, value_name(d->label2, j));
				}
				fputs("\"}", out);
			}
			fprintf(out, " %llu\n", (unsigned long long)v);
		}
	}
}

/* write_histogram - cumulative buckets, +Inf, sum in seconds, count */
static void
write_histogram(const struct metrics *m, enum metrics_histogram_id id, FILE *out)
{
	const struct histogram_def *d = &histogram_table[id];
	const struct histogram *h = &m->histograms[id];
	uint64_t total = 0, sum_us;

	write_header(out, d->name, "histogram", d->help);
	for (size_t b = 0; b <= d->buckets; b++) {
		total += atomic_load_explicit(&h->buckets[b], memory_order_relaxed);
		fprintf(out, "%s_bucket{le=\"%s\"} %llu\n", d->name,
			b < d->buckets ? d->bounds_text[b] : "+Inf", (unsigned long long)total);
	}
	sum_us = atomic_load_explicit(&h->sum_us, memory_order_relaxed);
	fprintf(out, "%s_sum %llu.%06llu\n%s_count %llu\n", d->name,
		(unsigned long long)(sum_us / 1000000), (unsigned long long)(sum_us % 1000000),
		d->name, (unsigned long long)total);
}

int
metrics_write(struct metrics *m, FILE *out)
{
	if (m == NULL)
		return -1;
	if (m->sampler != NULL)
		m->sampler(m, m->sampler_context);
	write_header(out, "dmarcguard_build_info", "gauge", "dmarcguard's version; always 1");
	fputs("dmarcguard_build_info{version=\"", out);
	write_value(out, m->version);
	fputs("\"} 1\n", out);
	for (size_t id = 0; id < METRICS_ID_COUNT; id++)
		if (!metric_optional[id] || m->enabled[id])
			write_metric(m, (enum metrics_id)id, out);
	for (size_t id = 0; id < METRICS_HISTOGRAM_COUNT; id++)
		write_histogram(m, (enum metrics_histogram_id)id, out);
	return ferror(out) ? -1 : 0;
}
