/*
 * reports_send - one report (policy domain, UTC day) from the store to
 * its destinations, once, even with several senders: `send` may run on
 * every MX host sharing one store, and two runs may overlap.
 *
 * Sending: the report is claimed in the store first (report_store_claim,
 * atomic across hosts); a claim older than REPORTS_SEND_STALE seconds
 * (a sender that died) is taken over. Each destination's delivery is
 * kept in the store: sent only after the MTA's sendmail exits 0, refused
 * when the external destination check refuses it, failed (attempts,
 * first and last failure, reason) when sendmail fails or the check must
 * wait. A failed destination is tried again on later runs until
 * ReportRetryDays after its first failure, then given up with one line
 * on standard error. The report is DONE when every destination is sent,
 * refused or given up, and PENDING otherwise: later runs take pending
 * reports of earlier days first.
 *
 * A report larger than ReportMaxBytes goes in parts (reports_build.h),
 * every part to the same destinations; a destination is sent when every
 * part was handed over, and a failed one gets every part again on the
 * next try (the same Report-IDs: receivers drop repeats).
 *
 * A dry run (--dry-run --outdir) writes the mails to outdir and changes
 * no state.
 *
 * Thread-safety: forks (sendmail); call from a single-threaded program.
 */
#ifndef DMARCGUARD_REPORTS_SEND_H
#define DMARCGUARD_REPORTS_SEND_H

#include <stdint.h>

#include "orgdomain.h"
#include "report_store.h"
#include "reports_build.h"
#include "resolver.h"

#define REPORTS_SEND_STALE 1800		/* seconds before a claim is taken over */

struct reports_sender {
	struct report_store *store;
	const struct reports_identity *id;
	struct resolver *resolver;
	const struct orgdomain *od;
	const char *sendmail;		/* ReportSendmail */
	const char *from;		/* ReportFrom */
	unsigned retry_days;		/* ReportRetryDays */
	size_t max_bytes;		/* ReportMaxBytes: larger reports go in parts */
	const char *owner;		/* host:pid, who claims */
	const char *outdir;		/* a dry run writes here; NULL: send */
	int64_t now;
};

/* reports_send_one - the report of domain and day: 0, or 1 when something failed */
int reports_send_one(const struct reports_sender *s, const char *domain, int64_t day);

#endif
