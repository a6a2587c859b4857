/*
 * qf_parse - one Sendmail queue control file (qf, or hf once quarantined;
 * format version 8 of Sendmail 8.12 and later) read into a held message:
 * arrival time (T), quarantine reason (q), envelope sender (S, without
 * its angle brackets), recipients (R, flags stripped, as a comma list),
 * client address and name ($_ macro: "[user@]name [address]"), HELO
 * ($s macro), and from the H records the first From, Subject and
 * Message-ID fields (unfolded, encoded words left encoded), with
 * keep_headers the whole header block as text.
 *
 * Parsing is strict, as Sendmail's own readqf is: the file must start
 * with a V record of a version this parser knows, every record must be
 * one Sendmail writes, it must end with the "." record (a file cut short
 * is refused), and NUL bytes, an empty file or one without T, S or R are
 * refused. Continuation lines (starting with space or tab) belong to the
 * record before them. Sendmail's internal macro bytes in header values
 * (\201 x) are shown as "$x"; its quoting byte (\377) is removed.
 *
 * Ownership: strings are copied into the set; on error *error_r is a
 * static text or points into errbuf (the caller's, size errsize).
 *
 * Thread-safety: no shared state.
 */
#ifndef DMARCGUARD_QUARANTINE_QF_PARSE_H
#define DMARCGUARD_QUARANTINE_QF_PARSE_H

#include <stddef.h>

#include "held.h"

/* QF_MAX_SIZE - a control file larger than this is refused (the body is in df) */
#define QF_MAX_SIZE (16u * 1024 * 1024)

/*
 * qf_parse - fill h (of set) from the control file text[0..len); 0, or
 * -1 with *error_r and h left as it was except for strings already copied
 */
int qf_parse(struct held_set *set, struct held *h, const char *text, size_t len,
	     int keep_headers, char *errbuf, size_t errsize, const char **error_r);

#endif
