/*
 * metrics_record - what one judged message adds to the metrics: its
 * action and reason, its DMARC, SPF and DKIM results, the published
 * policy of failing mail, the local override, the evaluation time.
 *
 * Thread-safety: as metrics_add (any thread, no lock).
 */
#ifndef DMARCGUARD_METRICS_RECORD_H
#define DMARCGUARD_METRICS_RECORD_H

#include <stdint.h>

#include "action.h"
#include "metrics.h"
#include "verdict.h"

/*
 * metrics_record_verdict - count v, carried out as `action` for `reason`
 * (the verdict's own, unless carrying it out failed and turned it into a
 * tempfail), judged in eval_us microseconds. metrics NULL: nothing.
 */
void metrics_record_verdict(struct metrics *metrics, const struct verdict *v,
			    enum action action, const char *reason, uint64_t eval_us);

/* metrics_record_failure - a message answered tempfail before any verdict */
void metrics_record_failure(struct metrics *metrics, const char *reason);

#endif
