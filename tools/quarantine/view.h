/*
 * view - what "list" and "show" print: held messages as an aligned text
 * table or as one JSON document, the counts of the join (held with and
 * without an alert, alerts whose message is gone, log lines read), and
 * one message in full. Values from mail and logs are escaped (table.h,
 * jsonw.h) so no control byte reaches the terminal.
 *
 * Thread-safety: single-threaded (writes to the given stream).
 */
#ifndef DMARCGUARD_QUARANTINE_VIEW_H
#define DMARCGUARD_QUARANTINE_VIEW_H

#include <stdio.h>
#include <time.h>

#include "held.h"
#include "join.h"

/* view_from_domain - the domain of the header From, lower-cased into buf, or NULL */
const char *view_from_domain(const struct held *h, char *buf, size_t size);
/* view_list - the held messages of set (already filtered) and the counts */
void view_list(FILE *f, const struct held_set *set, const struct join_counts *c,
	       size_t nlogs, time_t now, int json);
/* view_show - one held message in full */
void view_show(FILE *f, const struct held *h, time_t now, int json);

#endif
