/*
 * envelope - find our message in one log line, whatever wrote the line:
 *
 *   RFC 3164 (rsyslog traditional, journalctl -o short)
 *       Nov 22 04:37:55 host dmarcguard[123]: MSG
 *   RFC 3339 (rsyslog's default high-precision file format, short-iso)
 *       2026-11-22T04:37:55.123456+00:00 host dmarcguard[123]: MSG
 *   RFC 5424 (rsyslog RSYSLOG_SyslogProtocol23Format)
 *       <22>1 2026-11-22T04:37:55.123+00:00 host dmarcguard 123 - - MSG
 *   the daemon's own standard error (dmarcguard -f), local time
 *       2026-11-22T04:37:55 dmarcguard[warning]: MSG
 *   journalctl -o json
 *       {"MESSAGE":"MSG","SYSLOG_IDENTIFIER":"dmarcguard",...}
 *
 * A leading "<PRI>" is accepted on the traditional forms too, and the
 * host may be missing. The tag must be exactly "dmarcguard", with or
 * without "[pid]". When the daemon runs with -f under systemd, journald
 * records its standard error under the same identifier: such a message is
 * itself a stderr line, and is unwrapped (origin ENVELOPE_STDERR) so the
 * caller can tell the copy from the syslog one.
 *
 * The time is the outer stamp (the one syslog or journald gave).
 *
 * Thread-safety: as the struct logtime passed in.
 */
#ifndef DMARCGUARD_ALERTS_ENVELOPE_H
#define DMARCGUARD_ALERTS_ENVELOPE_H

#include <stddef.h>
#include <time.h>

#include "logtime.h"

enum envelope_kind {
	ENVELOPE_FOREIGN,	/* not a line of ours, or no recognised format */
	ENVELOPE_OURS,		/* from dmarcguard: msg is set */
	ENVELOPE_UNUSABLE,	/* from dmarcguard but without a message: why is set */
};

enum envelope_origin {
	ENVELOPE_SYSLOG,	/* through syslog(3) or journald's syslog socket */
	ENVELOPE_STDERR,	/* the daemon's -f standard error format */
};

struct envelope {
	const char *msg;	/* not NUL-terminated */
	size_t msg_len;
	time_t when;
	int has_time;
	enum envelope_origin origin;
	const char *why;	/* ENVELOPE_UNUSABLE: static text */
};

/* envelope_parse - classify line; scratch (len + 1 bytes) decodes JSON lines */
enum envelope_kind envelope_parse(struct logtime *lt, const char *line, size_t len,
				  char *scratch, size_t scratch_size, struct envelope *env);

#endif
