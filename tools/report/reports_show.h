/*
 * reports_show - the operator's view of one UTC day: per policy domain,
 * the messages recorded and those that failed DMARC, and the sources
 * that failed (source IP, header From, disposition, SPF and DKIM
 * results) with counts, as text or as one JSON document.
 *
 * Thread-safety: single-threaded.
 */
#ifndef DMARCGUARD_REPORTS_SHOW_H
#define DMARCGUARD_REPORTS_SHOW_H

#include <stdint.h>
#include <stdio.h>

#include "report_store.h"

/* reports_show - domain NULL: every domain of the day; 0, or -1 with *error_r */
int reports_show(struct report_store *store, int64_t day, const char *domain, int json,
		 FILE *out, const char **error_r);

#endif
