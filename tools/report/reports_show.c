/*
 * reports_show - what failed, per domain (see reports_show.h).
 *
 * Thread-safety: single-threaded.
 */
#include "reports_show.h"
#include "reports_period.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct show {
	FILE *out;
	int json;
	uint64_t messages, failing;
	enum report_state report;	/* the domain's report for the day */
	int first_source;
	/* collected before printing the domain's summary line */
	struct report_record *fails;
	uint64_t *counts;
	size_t n, size;
};

/* json_string - a JSON string (our values are domains, IPs and words) */
static void
json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static int
collect(const struct report_record *rec, uint64_t count, void *ctx)
{
	struct show *s = ctx;

	s->messages += count;
	if (rec->dkim_aligned || rec->spf_aligned)
		return 0;
	s->failing += count;
	if (s->n == s->size) {
		size_t size = s->size ? s->size * 2 : 16;
		void *a = realloc(s->fails, size * sizeof(*s->fails));
		void *b = a != NULL ? realloc(s->counts, size * sizeof(*s->counts)) : NULL;

		if (a != NULL)
			s->fails = a;
		if (b == NULL)
			return 1;
		s->counts = b;
		s->size = size;
	}
	s->fails[s->n] = *rec;
	s->counts[s->n++] = count;
	return 0;
}

/* state_word - the report's state as show prints it */
static const char *
state_word(enum report_state state)
{
	switch (state) {
	case REPORT_STATE_SENDING: return "sending";
	case REPORT_STATE_PENDING: return "pending";
	case REPORT_STATE_DONE: return "done";
	case REPORT_STATE_NONE: break;
	}
	return "not sent";
}

static void
print_domain(struct show *s, const char *domain, const char *date, int first)
{
	if (!s->json) {
		fprintf(s->out, "%s %s: %" PRIu64 " messages, %" PRIu64 " failing DMARC\n", domain,
			date, s->messages, s->failing);
		for (size_t i = 0; i < s->n; i++) {
			const struct report_record *r = &s->fails[i];

			fprintf(s->out, "  %8" PRIu64 "  %-15s from=%s disposition=%s spf=%s(%s)"
				" dkim=%zu\n", s->counts[i], r->source_ip, r->header_from,
				report_record_disposition_name(r->disposition), r->spf_result,
				r->spf_domain, r->dkim_count);
		}
		fprintf(s->out, "  report: %s\n", state_word(s->report));
		return;
	}
	fprintf(s->out, "%s{\"domain\":", first ? "" : ",");
	json_string(s->out, domain);
	fprintf(s->out, ",\"day\":\"%s\",\"messages\":%" PRIu64 ",\"failing\":%" PRIu64
		",\"report\":\"%s\",\"sources\":[", date, s->messages, s->failing,
		state_word(s->report));
	for (size_t i = 0; i < s->n; i++) {
		const struct report_record *r = &s->fails[i];

		fprintf(s->out, "%s{\"source_ip\":", i ? "," : "");
		json_string(s->out, r->source_ip);
		fprintf(s->out, ",\"count\":%" PRIu64 ",\"header_from\":", s->counts[i]);
		json_string(s->out, r->header_from);
		fprintf(s->out, ",\"disposition\":\"%s\",\"spf\":",
			report_record_disposition_name(r->disposition));
		json_string(s->out, r->spf_result);
		fprintf(s->out, "}");
	}
	fprintf(s->out, "]}");
}

static int
add_name(const char *domain, void *ctx)
{
	FILE *list = ctx;

	fprintf(list, "%s\n", domain);
	return 0;
}

int
reports_show(struct report_store *store, int64_t day, const char *domain, int json, FILE *out,
	     const char **error_r)
{
	char date[16], *names = NULL, *line, *save = NULL;
	size_t names_len = 0;
	FILE *list = open_memstream(&names, &names_len);
	struct show s = { .out = out, .json = json };
	struct report_policy pol;
	int first = 1, rc = 0;

	if (list == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	if (domain != NULL)
		add_name(domain, list);
	else if (report_store_domains(store, day, add_name, list, error_r) < 0)
		rc = -1;
	fclose(list);
	reports_period_format(day, date, sizeof(date));
	if (json)
		fprintf(out, "[");
	for (line = strtok_r(names, "\n", &save); rc == 0 && line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		s.messages = s.failing = 0;
		s.n = 0;
		if (report_store_aggregate(store, line, day, &pol, collect, &s, error_r) < 0
		    || report_store_state(store, line, day, &s.report, NULL, error_r) < 0) {
			rc = -1;
			break;
		}
		print_domain(&s, line, date, first);
		first = 0;
	}
	if (json)
		fprintf(out, "]\n");
	free(s.fails);
	free(s.counts);
	free(names);
	return rc;
}
