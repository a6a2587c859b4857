/*
 * report - render what a scan found: the whole report as aligned text
 * tables or as one JSON document, and the one-line form of a single alert
 * used by follow mode (text, or one JSON object per line).
 *
 * Text sections: input accounting, actions, dry run (when there was any),
 * local overrides, reasons, DMARC results, top spoofed From domains, top
 * addresses and networks behind failures, look-alike senders by protected
 * domain and forwarded overrides by forwarder (when there are any), and
 * with --domain every alert
 * of the domain and an hourly chart. JSON holds the same, with times in
 * RFC 3339 local time. Values from the log are escaped for the terminal
 * (table.h) or encoded as valid JSON (jsonw.h).
 *
 * Thread-safety: reads the aggregate and scan; writes to f.
 */
#ifndef DMARCGUARD_ALERTS_REPORT_H
#define DMARCGUARD_ALERTS_REPORT_H

#include <stdio.h>

#include "aggregate.h"
#include "record.h"
#include "scan.h"

struct report {
	const struct scan_counts *counts;
	const struct scan_example *examples;
	size_t nexamples;
	const struct agg *agg;
	size_t top;		/* rows per top table */
	const char *domain;	/* --domain, for the detail section, or NULL */
	size_t nsources;	/* files read (stdin counts as one) */
};

void report_text(FILE *f, const struct report *r);
void report_json(FILE *f, const struct report *r);

/* report_text_alert - "TIME  ACTION  FROM  CLIENT  REASON" on one line */
void report_text_alert(FILE *f, const struct record *r);
/* report_json_alert - the alert as one compact JSON object and a newline */
void report_json_alert(FILE *f, const struct record *r);

/* report_action_text - "quarantine", or "accept, would reject" in dry run */
void report_action_text(char *buf, size_t size, enum record_action action,
			enum record_action would, int is_dry_run);

#endif
