/*
 * test_metrics - the metrics registry and its Prometheus text exposition:
 * the lines written for counted, sampled and unknown label values, the
 * histogram's cumulative buckets and sum, escaping, one HELP and TYPE per
 * metric; a verdict counted by metrics_record; every reason code of
 * docs/alerts.md known to the label set (never "other"); MetricsSocket
 * forms accepted and refused. The HTTP side is tests/milter/metrics.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "metrics_record.h"
#include "metrics_server.h"
#include "test_main.h"
#include "test_paths.h"

/* exposition - the registry's text, caller frees */
static char *
exposition(struct metrics *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(metrics_write(m, out), 0);
	fclose(out);
	return text;
}

/* has_line - text holds this exact line */
static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

/* One action on a fresh registry, and lines that must and must not appear. */
static const struct {
	const char *what;
	enum metrics_id id;
	const char *label1, *label2;
	uint64_t n;
	int set;			/* metrics_set instead of metrics_add */
	const char *want, *absent;
} rows[] = {
	{ "fresh: one-label series at zero", METRICS_DMARC, NULL, NULL, 0, 0,
	  "dmarcguard_dmarc_results_total{result=\"fail\"} 0",
	  "dmarcguard_dmarc_results_total{result=\"other\"}" },
	{ "fresh: no two-label series", METRICS_DMARC, NULL, NULL, 0, 0,
	  "# TYPE dmarcguard_messages_total counter", "dmarcguard_messages_total{" },
	{ "two labels", METRICS_MESSAGES, "quarantine", "dmarc-fail-local-floor", 3, 0,
	  "dmarcguard_messages_total{action=\"quarantine\",reason=\"dmarc-fail-local-floor\"} 3",
	  "reason=\"other\"" },
	{ "unknown reason is other", METRICS_MESSAGES, "reject", "evil.example", 1, 0,
	  "dmarcguard_messages_total{action=\"reject\",reason=\"other\"} 1", "evil.example" },
	{ "unknown action is other", METRICS_MESSAGES, "discard", "dmarc-pass", 1, 0,
	  "dmarcguard_messages_total{action=\"other\",reason=\"dmarc-pass\"} 1", "discard" },
	{ "NULL label is other", METRICS_SPF, NULL, NULL, 2, 0,
	  "dmarcguard_spf_results_total{result=\"other\"} 2", NULL },
	{ "a domain never becomes a label", METRICS_DKIM, "example.org", NULL, 1, 0,
	  "dmarcguard_dkim_results_total{result=\"other\"} 1", "example.org" },
	{ "counted one-label", METRICS_SPF, "softfail", NULL, 5, 0,
	  "dmarcguard_spf_results_total{result=\"softfail\"} 5", NULL },
	{ "reloads", METRICS_RELOADS, "failed", NULL, 1, 0,
	  "dmarcguard_config_reloads_total{result=\"failed\"} 1", NULL },
	{ "sampled gauge", METRICS_CONNECTIONS, NULL, NULL, 17, 1,
	  "dmarcguard_milter_connections 17", NULL },
	{ "sampled counter with label", METRICS_DNS_LOOKUPS, "nxdomain", NULL, 42, 1,
	  "dmarcguard_dns_lookups_total{result=\"nxdomain\"} 42", NULL },
	{ "in flight gauge", METRICS_DNS_IN_FLIGHT, NULL, NULL, 3, 1,
	  "dmarcguard_dns_lookups_in_flight 3", "# TYPE dmarcguard_dns_lookups_in_flight counter" },
	{ "build info", METRICS_DMARC, NULL, NULL, 0, 0,
	  "dmarcguard_build_info{version=\"9.8.7\"} 1", NULL },
};

START_TEST(test_lines)
{
	struct metrics *m = metrics_new("9.8.7");
	char *text;

	ck_assert_ptr_nonnull(m);
	if (rows[_i].set)
		metrics_set(m, rows[_i].id, rows[_i].label1, rows[_i].n);
	else
		metrics_add(m, rows[_i].id, rows[_i].label1, rows[_i].label2, rows[_i].n);
	ck_assert_uint_eq(metrics_get(m, rows[_i].id, rows[_i].label1, rows[_i].label2),
			  rows[_i].n);
	text = exposition(m);
	ck_assert_msg(has_line(text, rows[_i].want), "%s: no line [%s] in:\n%s", rows[_i].what,
		      rows[_i].want, text);
	if (rows[_i].absent != NULL)
		ck_assert_msg(strstr(text, rows[_i].absent) == NULL, "%s: [%s] present",
			      rows[_i].what, rows[_i].absent);
	free(text);
	metrics_free(&m);
	ck_assert_ptr_null(m);
}
END_TEST

/* Observations in microseconds and the cumulative buckets they make. */
START_TEST(test_histogram)
{
	static const uint64_t observed[] = { 400, 500, 1000, 3000000, 20000000 };
	static const char *const want[] = {
		"dmarcguard_evaluation_seconds_bucket{le=\"0.0005\"} 2",
		"dmarcguard_evaluation_seconds_bucket{le=\"0.001\"} 3",
		"dmarcguard_evaluation_seconds_bucket{le=\"2.5\"} 3",
		"dmarcguard_evaluation_seconds_bucket{le=\"5\"} 4",
		"dmarcguard_evaluation_seconds_bucket{le=\"10\"} 4",
		"dmarcguard_evaluation_seconds_bucket{le=\"+Inf\"} 5",
		"dmarcguard_evaluation_seconds_sum 23.001900",
		"dmarcguard_evaluation_seconds_count 5",
		"# TYPE dmarcguard_evaluation_seconds histogram",
	};
	struct metrics *m = metrics_new("1");
	char *text;

	for (size_t i = 0; i < sizeof(observed) / sizeof(observed[0]); i++)
		metrics_observe_us(m, METRICS_EVALUATION_SECONDS, observed[i]);
	text = exposition(m);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(has_line(text, want[i]), "no line [%s] in:\n%s", want[i], text);
	free(text);
	metrics_free(&m);
}
END_TEST

/* Label values are escaped: backslash, double quote, newline. */
START_TEST(test_escaping)
{
	struct metrics *m = metrics_new("1.0 \"beta\"\\x\ny");
	char *text = exposition(m);

	ck_assert_msg(has_line(text, "dmarcguard_build_info{version=\"1.0 \\\"beta\\\"\\\\x\\ny\"} 1"),
		      "%s", text);
	free(text);
	metrics_free(&m);
}
END_TEST

/* Every line is a comment or a sample; each metric has one HELP and one TYPE. */
START_TEST(test_well_formed)
{
	struct metrics *m = metrics_new("1");
	char *text, *line, *save = NULL;
	char names[64][80];
	size_t count = 0;

	metrics_add(m, METRICS_MESSAGES, "accept", "dmarc-pass", 1);
	metrics_enable(m, METRICS_REPORT_ROWS);
	metrics_enable(m, METRICS_REPORT_DROPPED);
	metrics_enable(m, METRICS_REPORT_QUEUE);
	text = exposition(m);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[80];

		if (strncmp(line, "# TYPE ", 7) == 0) {
			ck_assert_int_eq(sscanf(line + 7, "%79s", name), 1);
			for (size_t i = 0; i < count; i++)
				ck_assert_msg(strcmp(names[i], name) != 0, "two TYPE lines: %s", name);
			ck_assert_uint_lt(count, 64);
			snprintf(names[count++], sizeof(names[0]), "%s", name);
		} else if (strncmp(line, "# HELP ", 7) != 0) {
			ck_assert_msg(strncmp(line, "dmarcguard_", 11) == 0, "bad line [%s]", line);
			ck_assert_msg(strchr(line, ' ') != NULL, "no value: [%s]", line);
		}
	}
	ck_assert_uint_eq(count, METRICS_ID_COUNT + METRICS_HISTOGRAM_COUNT + 1);
	free(text);
	metrics_free(&m);
}
END_TEST

/* The report store's metrics are listed only once enabled (with a ReportStore). */
START_TEST(test_optional_report_metrics)
{
	struct metrics *m = metrics_new("1");
	char *text;

	metrics_set(m, METRICS_REPORT_ROWS, "recorded", 7);
	text = exposition(m);
	ck_assert_ptr_null(strstr(text, "dmarcguard_report_"));
	free(text);
	metrics_enable(m, METRICS_REPORT_ROWS);
	metrics_enable(m, METRICS_REPORT_DROPPED);
	metrics_enable(m, METRICS_REPORT_QUEUE);
	metrics_set(m, METRICS_REPORT_DROPPED, "queue_full", 3);
	metrics_set(m, METRICS_REPORT_QUEUE, NULL, 2);
	text = exposition(m);
	ck_assert(has_line(text, "dmarcguard_report_rows_total{result=\"recorded\"} 7"));
	ck_assert(has_line(text, "dmarcguard_report_rows_total{result=\"dropped\"} 0"));
	ck_assert(has_line(text, "dmarcguard_report_rows_dropped_total{reason=\"queue_full\"} 3"));
	ck_assert(has_line(text, "dmarcguard_report_rows_dropped_total{reason=\"store_error\"} 0"));
	ck_assert(has_line(text, "dmarcguard_report_rows_dropped_total{reason=\"too_large\"} 0"));
	ck_assert(has_line(text, "dmarcguard_report_queue_rows 2"));
	free(text);
	metrics_free(&m);
}
END_TEST

static void
sample_two(struct metrics *m, void *context)
{
	metrics_set(m, METRICS_CONNECTIONS, NULL, *(const uint64_t *)context);
}

/* The sampler runs before each exposition; a NULL registry is a no-op. */
START_TEST(test_sampler_and_null)
{
	static uint64_t open = 2;
	struct metrics *m = metrics_new("1");
	char *text;

	metrics_set_sampler(m, sample_two, &open);
	text = exposition(m);
	ck_assert(has_line(text, "dmarcguard_milter_connections 2"));
	free(text);
	open = 0;
	text = exposition(m);
	ck_assert(has_line(text, "dmarcguard_milter_connections 0"));
	free(text);
	metrics_free(&m);
	metrics_add(NULL, METRICS_MESSAGES, "accept", "dmarc-pass", 1);
	metrics_set(NULL, METRICS_CONNECTIONS, NULL, 1);
	metrics_observe_us(NULL, METRICS_EVALUATION_SECONDS, 1);
	metrics_record_failure(NULL, "internal-error");
	ck_assert_uint_eq(metrics_get(NULL, METRICS_CONNECTIONS, NULL, NULL), 0);
	ck_assert_int_eq(metrics_write(NULL, stdout), -1);
	metrics_free(&m);
}
END_TEST

/* A judged message: one count in each family it touches. */
START_TEST(test_record_verdict)
{
	static const struct verdict_dkim sigs[] = {
		{ .domain = "a.example", .result = "fail" },
		{ .domain = "b.example", .result = "pass" },
	};
	struct verdict v = { .dmarc = DMARC_OUTCOME_FAIL, .dkim = sigs, .dkim_count = 2 };
	struct metrics *m = metrics_new("1");

	v.spf.result = "softfail";
	v.decision.action = ACTION_QUARANTINE;
	v.decision.reason = "dmarc-fail-local-floor";
	v.decision.raised = 1;
	v.decision.published = DMARC_REQUEST_NONE;
	metrics_record_verdict(m, &v, ACTION_QUARANTINE, v.decision.reason, 1500);
	/* the MTA refused the quarantine: counted as the tempfail it became */
	metrics_record_verdict(m, &v, ACTION_TEMPFAIL, "quarantine-failed", 1500);
	ck_assert_uint_eq(metrics_get(m, METRICS_MESSAGES, "quarantine",
				      "dmarc-fail-local-floor"), 1);
	ck_assert_uint_eq(metrics_get(m, METRICS_MESSAGES, "tempfail", "quarantine-failed"), 1);
	ck_assert_uint_eq(metrics_get(m, METRICS_DMARC, "fail", NULL), 2);
	ck_assert_uint_eq(metrics_get(m, METRICS_SPF, "softfail", NULL), 2);
	ck_assert_uint_eq(metrics_get(m, METRICS_DKIM, "fail", NULL), 2);
	ck_assert_uint_eq(metrics_get(m, METRICS_DKIM, "pass", NULL), 2);
	ck_assert_uint_eq(metrics_get(m, METRICS_DKIM, "none", NULL), 0);
	ck_assert_uint_eq(metrics_get(m, METRICS_FAIL_POLICY, "none", NULL), 2);
	ck_assert_uint_eq(metrics_get(m, METRICS_OVERRIDES, "local-floor", NULL), 2);
	/* a pass without signature: DKIM none, no failing policy, no override */
	v.dmarc = DMARC_OUTCOME_PASS;
	v.dkim_count = 0;
	v.decision.raised = 0;
	metrics_record_verdict(m, &v, ACTION_ACCEPT, "dmarc-pass", 10);
	ck_assert_uint_eq(metrics_get(m, METRICS_DKIM, "none", NULL), 1);
	ck_assert_uint_eq(metrics_get(m, METRICS_FAIL_POLICY, "none", NULL), 2);
	ck_assert_uint_eq(metrics_get(m, METRICS_OVERRIDES, "local-floor", NULL), 2);
	ck_assert_uint_eq(metrics_get(m, METRICS_ARC, "none", NULL), 3);
	/* a look-alike raised, a trusted sealer lifted: both are overrides */
	v.decision.raised = 1;
	v.decision.reason = "lookalike-typo";
	metrics_record_verdict(m, &v, ACTION_QUARANTINE, v.decision.reason, 10);
	ck_assert_uint_eq(metrics_get(m, METRICS_OVERRIDES, "lookalike", NULL), 1);
	v.decision.raised = 0;
	v.decision.reason = "forwarded-arc";
	v.forwarded = FORWARDER_ARC;
	v.arc = "pass";
	metrics_record_verdict(m, &v, ACTION_ACCEPT, v.decision.reason, 10);
	ck_assert_uint_eq(metrics_get(m, METRICS_OVERRIDES, "forwarded-arc", NULL), 1);
	ck_assert_uint_eq(metrics_get(m, METRICS_ARC, "pass", NULL), 1);
	metrics_record_failure(m, "internal-error");
	ck_assert_uint_eq(metrics_get(m, METRICS_MESSAGES, "tempfail", "internal-error"), 1);
	metrics_free(&m);
}
END_TEST

/*
 * Every reason code of docs/alerts.md's table is a label value of its own:
 * a reason added to the documentation but not to metrics.c would be
 * counted as "other" and fail here. The malformed-from-* row lists its
 * suffixes.
 */
START_TEST(test_documented_reasons_known)
{
	char path[1024], line[4096];
	FILE *f;
	int in_table = 0, checked = 0;
	struct metrics *m = metrics_new("1");

	snprintf(path, sizeof(path), "%s/../docs/alerts.md", test_source_dir());
	ck_assert_msg((f = fopen(path, "r")) != NULL, "%s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		char word[128], *p = line, *end;

		if (strncmp(line, "## Reason codes", 15) == 0)
			in_table = 1;
		else if (strncmp(line, "## ", 3) == 0)
			in_table = 0;
		if (!in_table || strncmp(line, "| `", 3) != 0)
			continue;
		end = strchr(line + 1, '|');	/* end of the first column */
		ck_assert_ptr_nonnull(end);
		/* first column: one or more `code` words; a -suffix list for malformed-from-* */
		while ((p = strchr(p, '`')) != NULL && p < end
		       && sscanf(p + 1, "%127[a-z0-9*-]`", word) == 1) {
			char *star = strchr(word, '*');

			p = strchr(p + 1, '`') + 1;
			if (star == NULL) {
				metrics_add(m, METRICS_MESSAGES, "accept", word, 1);
				ck_assert_msg(metrics_get(m, METRICS_MESSAGES, "accept", NULL) == 0,
					      "reason %s is not a metrics label value", word);
				checked++;
				continue;
			}
			*star = '\0';	/* malformed-from-: its suffixes are in the last column */
			for (char *q = strstr(line, ": `-"); q && (q = strstr(q, "-")) != NULL;) {
				char suffix[64], reason[200];

				if (sscanf(q + 1, "%63[a-z-]", suffix) != 1)
					break;
				snprintf(reason, sizeof(reason), "%s%s", word, suffix);
				metrics_add(m, METRICS_MESSAGES, "accept", reason, 1);
				ck_assert_msg(metrics_get(m, METRICS_MESSAGES, "accept", NULL) == 0,
					      "reason %s is not a metrics label value", reason);
				checked++;
				q = strchr(q + 1, ' ');
			}
			break;
		}
	}
	fclose(f);
	ck_assert_int_ge(checked, 30);
	metrics_free(&m);
}
END_TEST

static const struct {
	const char *spec;
	const char *want;		/* NULL: accepted; else a fragment of the reason */
} specs[] = {
	{ "", NULL },
	{ "inet:9464@127.0.0.1", NULL },
	{ "inet6:9464@::1", NULL },
	{ "unix:/run/dmarcguard/metrics.sock", NULL },
	{ "local:/run/dmarcguard/metrics.sock", NULL },
	{ "inet:9464", "needs PORT@ADDRESS" },
	{ "inet:9464@", "needs PORT@ADDRESS" },
	{ "inet:0@127.0.0.1", "port must be" },
	{ "inet:65536@127.0.0.1", "port must be" },
	{ "inet:94x4@127.0.0.1", "port must be" },
	{ "inet:-1@127.0.0.1", "port must be" },
	{ "inet:9464@localhost", "IPv4 address" },
	{ "inet:9464@::1", "IPv4 address" },
	{ "inet6:9464@127.0.0.1", "IPv6 address" },
	{ "unix:relative.sock", "absolute path" },
	{ "http://127.0.0.1:9464/", "must be empty or start with" },
	{ "9464", "must be empty or start with" },
};

START_TEST(test_socket_specs)
{
	const char *why = metrics_server_check(specs[_i].spec);

	if (specs[_i].want == NULL)
		ck_assert_msg(why == NULL, "%s refused: %s", specs[_i].spec, why);
	else
		ck_assert_msg(why != NULL && strstr(why, specs[_i].want) != NULL,
			      "%s: got %s, want ...%s...", specs[_i].spec, why ? why : "accepted",
			      specs[_i].want);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_lines, 0, TEST_ROWS(rows));
	tcase_add_test(tc, test_histogram);
	tcase_add_test(tc, test_escaping);
	tcase_add_test(tc, test_well_formed);
	tcase_add_test(tc, test_sampler_and_null);
	tcase_add_test(tc, test_optional_report_metrics);
	tcase_add_test(tc, test_record_verdict);
	tcase_add_test(tc, test_documented_reasons_known);
	tcase_add_loop_test(tc, test_socket_specs, 0, TEST_ROWS(specs));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
