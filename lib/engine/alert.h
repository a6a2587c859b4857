/*
 * alert - the one line per evaluated message that operators review.
 *
 * Format version 1 (documented in docs/alerts.md): space-separated
 * key=value fields in a fixed order, starting with "v=1". Values holding a
 * space, quote, backslash, '=' or a control byte are double-quoted with
 * backslash escapes (\" \\ \xHH); an empty value is "". The fields, their
 * order and which are always written are listed once, in alert_fields.h.
 *
 * dkim is a comma list of domain:result (or "none"), ending in "+N" when N
 * signatures did not fit in the line; override=yes when the
 * local policy raised the action above what the published policy asked.
 *
 * Thread-safety: pure functions over a verdict.
 */
#ifndef DMARCGUARD_ALERT_H
#define DMARCGUARD_ALERT_H

#include <stddef.h>

#include "verdict.h"

#define ALERT_FORMAT_VERSION 1
/* room for the longest line alert_format writes, and the logger's prefix */
#define ALERT_LINE_MAX 8192

enum alert_level {
	ALERT_INFO,		/* passed, or nothing to enforce */
	ALERT_NOTICE,		/* fail honoured as published, temperror, quarantine */
	ALERT_WARNING,		/* local override, malformed From, reject */
};

/* alert_format - write the line (no newline) to buf; returns its length */
size_t alert_format(const struct verdict *verdict, char *buf, size_t size);
enum alert_level alert_level_of(const struct verdict *verdict);

#endif
