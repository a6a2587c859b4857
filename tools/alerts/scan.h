/*
 * scan - one log line at a time through the whole reading pipeline:
 * envelope (is it ours, when), record (is it a well-formed alert), the
 * syslog/stderr copy check, the filters, then the aggregate and/or a
 * callback. Every line lands in exactly one counter, so the report can
 * account for all of the input:
 *
 *   foreign      lines of other programs or in no format we know
 *   other        dmarcguard lines that are not alerts (start-up, errors)
 *   malformed    dmarcguard alert lines that do not parse (the first
 *                SCAN_EXAMPLES are kept with file, line and reason)
 *   duplicates   stderr copies of alerts also seen through syslog
 *   filtered     well-formed alerts the filters left out
 *   alerts       the rest: aggregated and/or passed to the callback
 *
 * A line "is an alert" when its message starts with "v=": an unknown
 * version is malformed, not foreign, so a format change cannot pass
 * unnoticed.
 *
 * Thread-safety: a scan belongs to one thread.
 */
#ifndef DMARCGUARD_ALERTS_SCAN_H
#define DMARCGUARD_ALERTS_SCAN_H

#include <stddef.h>
#include <time.h>

#include "aggregate.h"
#include "filter.h"
#include "record.h"

#define SCAN_EXAMPLES 5

struct scan_counts {
	unsigned long long lines, foreign, other, malformed, duplicates, filtered, alerts;
	unsigned long long overlong;	/* added by the caller from the readers */
};

struct scan_example {
	char source[256];
	unsigned long line;
	char error[128];
};

typedef void scan_alert_fn(void *ctx, const struct record *r);

/*
 * scan_new - a scan with the given filter (copied; its strings must
 * outlive the scan), "now" for RFC 3164 years, an aggregate (or NULL)
 * and a callback (or NULL) for each alert that passes.
 */
struct scan *scan_new(const struct filter *filter, time_t now, struct agg *agg,
		      scan_alert_fn *on_alert, void *ctx);
void scan_line(struct scan *s, const char *line, size_t len, const char *source,
	       unsigned long lineno);
struct scan_counts *scan_counts(struct scan *s);
const struct scan_example *scan_examples(const struct scan *s, size_t *count_r);
/* scan_set_now - a new "now" (follow mode keeps going past midnight) */
void scan_set_now(struct scan *s, time_t now);
void scan_free(struct scan **s);

#endif
