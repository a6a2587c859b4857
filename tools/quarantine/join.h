/*
 * join - dmarcguard's alert lines matched to held messages by queue id.
 * The logs are read the way dmarcguard-alerts reads them (tools/alerts:
 * syslog files plain or .gz, journalctl -o short/json, the daemon's
 * stderr; other programs' lines and malformed alerts counted, never
 * fatal). Each alert whose qid is held is attached to that message (the
 * latest alert wins when the MTA logged one id twice); a quarantine
 * alert (not a dry run) whose message is no longer held is counted once
 * per queue id as "gone" (released, deleted or expired since). Postfix
 * reuses queue ids (a short id is the inode number and a time), so an
 * alert logged well before the held message arrived belongs to an earlier
 * message and is ignored. Messages
 * dropped from the set by a filter take no alert and count as neither.
 *
 * Thread-safety: single-threaded.
 */
#ifndef DMARCGUARD_QUARANTINE_JOIN_H
#define DMARCGUARD_QUARANTINE_JOIN_H

#include <stddef.h>
#include <time.h>

#include "held.h"
#include "scan.h"

struct join_counts {
	struct scan_counts scan;	/* every line read, as dmarcguard-alerts counts them */
	unsigned long long matched;	/* held messages with an alert */
	unsigned long long ours;	/* of those, held by dmarcguard (action=quarantine) */
	unsigned long long gone;	/* quarantine alerts whose message is not held */
	unsigned long long unreadable;	/* files that failed */
	unsigned long long in_queue;	/* held messages before the filters (set by the caller) */
};

/*
 * join_logs - read paths[0..npaths) ("-" is standard input) and attach
 * the alerts to set; gone alerts are counted only when logged at or
 * after since (when has_since). Problems with a file are printed to
 * standard error with prog and counted; the rest is still read.
 */
void join_logs(struct held_set *set, char *const *paths, size_t npaths, int has_since,
	       time_t since, const char *prog, struct join_counts *counts);

#endif
