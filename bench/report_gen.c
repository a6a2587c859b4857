/*
 * report_gen - fills a report store with recorded messages for the
 * aggregate report benchmark (bench/report.sh), through the store's own
 * append (one definition of a row: report_store.h), as the daemon's
 * writer thread would, in batches of one transaction each.
 *
 *   dmarcguard-report-gen STORE-URI DAY ROWS DOMAINS
 *
 * Row i belongs to policy domain dN.example, N = i % DOMAINS, which asks
 * for reports at its own address (no DNS needed to send them); its
 * source is one of 25 addresses of that domain, every fourth source
 * fails DMARC and is quarantined by the local floor, so a domain's rows
 * aggregate into about 25 records. Times are spread over the UTC day DAY
 * (a day number: seconds since the epoch / 86400). Prints the rows
 * written, the seconds taken and the rows per second.
 *
 * Thread-safety: single-threaded.
 */
#include "report_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 10000

/* fill - row i of the set */
static void
fill(struct report_record *r, uint64_t i, uint64_t domains, int64_t day)
{
	unsigned d = (unsigned)(i % domains), src = (unsigned)((i / domains) % 25);
	int fails = src % 4 == 3;

	memset(r, 0, sizeof(*r));
	r->time = day * 86400 + (int64_t)(i % 86400);
	snprintf(r->source_ip, sizeof(r->source_ip), "10.%u.%u.%u", d >> 8 & 255, d & 255, src);
	snprintf(r->header_from, sizeof(r->header_from), "d%u.example", d);
	snprintf(r->envelope_from, sizeof(r->envelope_from), "%s%u.example", fails ? "x" : "d",
		 fails ? src : d);
	snprintf(r->envelope_to, sizeof(r->envelope_to), "receiver.example");
	snprintf(r->policy.domain, sizeof(r->policy.domain), "d%u.example", d);
	r->policy.p = DMARC_REQUEST_NONE;
	r->policy.sp = DMARC_REQUEST_NONE;
	r->policy.np = DMARC_REQUEST_NONE;
	r->policy.adkim = r->policy.aspf = 'r';
	r->policy.psd = -1;
	r->policy.discovery = REPORT_DISCOVERY_TREEWALK;
	snprintf(r->policy.rua, sizeof(r->policy.rua), "mailto:dmarc@d%u.example", d);
	if (!fails) {
		snprintf(r->dkim[0].domain, sizeof(r->dkim[0].domain), "d%u.example", d);
		snprintf(r->dkim[0].selector, sizeof(r->dkim[0].selector), "s%u", src % 2);
		snprintf(r->dkim[0].result, sizeof(r->dkim[0].result), "pass");
		r->dkim_count = 1;
	}
	snprintf(r->spf_domain, sizeof(r->spf_domain), "%s", r->envelope_from);
	snprintf(r->spf_scope, sizeof(r->spf_scope), "mfrom");
	snprintf(r->spf_result, sizeof(r->spf_result), "%s", fails ? "fail" : "pass");
	r->dkim_aligned = !fails;
	r->spf_aligned = !fails;
	if (fails) {
		r->disposition = REPORT_DISPOSITION_QUARANTINE;
		r->reasons[0].type = REPORT_OVERRIDE_LOCAL_POLICY;
		snprintf(r->reasons[0].comment, sizeof(r->reasons[0].comment),
			 "dmarc-fail-local-floor");
		r->reason_count = 1;
	} else {
		r->disposition = REPORT_DISPOSITION_NONE;
	}
}

int
main(int argc, char **argv)
{
	struct report_store *store;
	struct report_record *batch;
	struct timespec t0, t1;
	const char *why = NULL;
	char error[512];
	uint64_t rows, domains, done = 0;
	int64_t day;
	double s;

	if (argc != 5 || (day = strtoll(argv[2], NULL, 10)) <= 0
	    || (rows = strtoull(argv[3], NULL, 10)) == 0
	    || (domains = strtoull(argv[4], NULL, 10)) == 0) {
		fprintf(stderr, "usage: dmarcguard-report-gen STORE-URI DAY ROWS DOMAINS\n");
		return 2;
	}
	if ((batch = calloc(BATCH, sizeof(*batch))) == NULL) {
		fprintf(stderr, "dmarcguard-report-gen: out of memory\n");
		return 1;
	}
	if ((store = report_store_open(argv[1], error, sizeof(error))) == NULL) {
		fprintf(stderr, "dmarcguard-report-gen: %s\n", error);
		free(batch);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (done < rows) {
		size_t n = rows - done < BATCH ? (size_t)(rows - done) : BATCH;

		for (size_t k = 0; k < n; k++)
			fill(&batch[k], done + k, domains, day);
		if (report_store_append(store, batch, n, &why) < 0) {
			fprintf(stderr, "dmarcguard-report-gen: %s\n", why);
			break;
		}
		done += n;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("generated %" PRIu64 " rows for %" PRIu64 " domains in %.1f s (%.0f rows/s)\n", done,
	       domains, s, s > 0 ? (double)done / s : 0.0);
	report_store_close(&store);
	free(batch);
	return done == rows ? 0 : 1;
}
