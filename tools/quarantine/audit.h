/*
 * audit - one syslog line per release or delete, so the review itself
 * can be audited: who (the real user, and the sudo user behind it), when,
 * which message (queue id, envelope sender, header From domain, client),
 * why it was held (dmarcguard's reason and action, or "no-alert"), what
 * was asked and what happened. The line goes to syslog (ident
 * dmarcguard-quarantine, facility mail, level notice; warning when the
 * action failed) and the same text to the given stream, so the operator
 * sees exactly what was recorded.
 *
 * Values are written as in the alert lines (docs/alerts.md): double
 * quotes around a value with a space, quote, backslash, '=' or a byte
 * outside printable ASCII, and \xHH for control bytes inside them.
 *
 * Thread-safety: uses openlog/syslog; call from one thread.
 */
#ifndef DMARCGUARD_QUARANTINE_AUDIT_H
#define DMARCGUARD_QUARANTINE_AUDIT_H

#include <stdio.h>
#include <time.h>

#include "held.h"

/*
 * audit_log - action ("release", "delete") on qid; h is the held message
 * when it was found (else NULL); result is "done", "not-held",
 * "failed" or "refused"; detail is NULL or the MTA's words
 */
void audit_log(const char *action, const char *qid, const struct held *h, const char *result,
	       const char *detail, FILE *echo);

#endif
