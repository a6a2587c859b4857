/*
 * postcat_parse - the output of "postcat -e -h -q QID..." (Postfix 2.7
 * and later) into the messages of a held set: per queue file, the
 * envelope's named attributes client_address, client_name and helo_name,
 * and from the header the first From, Subject and Message-ID fields
 * (unfolded, as they are: encoded words stay encoded), and with
 * keep_headers the whole header block.
 *
 * postcat frames each file with "*** ENVELOPE RECORDS queue/QID ***",
 * "*** MESSAGE CONTENTS queue/QID ***", "*** HEADER EXTRACTED queue/QID
 * ***" and "*** MESSAGE FILE END queue/QID ***"; a marker only counts
 * when it names the file being read, so header text cannot fake one.
 * Files whose queue id is not in the set are skipped.
 *
 * Thread-safety: no shared state.
 */
#ifndef DMARCGUARD_QUARANTINE_POSTCAT_PARSE_H
#define DMARCGUARD_QUARANTINE_POSTCAT_PARSE_H

#include <stddef.h>

#include "held.h"

/* postcat_parse - fill set from text; the number of messages completed */
size_t postcat_parse(struct held_set *set, const char *text, size_t len, int keep_headers);

#endif
