/*
 * dedupe - drop the second copy of an alert that reached the log twice,
 * once through syslog and once as the daemon's standard error.
 *
 * The shipped systemd unit runs "dmarcguard -f", so journald stores every
 * alert twice under the identifier dmarcguard: the syslog(3) line and the
 * stderr line (with its own stamp and level around the same text).
 * `journalctl -o json` and `-o short` show both. An alert seen from one
 * origin is remembered for a short while; the same text from the other
 * origin within DEDUPE_WINDOW seconds is the copy. Lines from the same
 * origin are never merged: two identical alerts through syslog are two
 * messages.
 *
 * The memory is a fixed direct-mapped table of text hashes, so a copy
 * that arrives after thousands of other alerts may be missed (counted
 * twice), never the other way round beyond a 64-bit hash collision.
 *
 * Thread-safety: a dedupe table belongs to one thread.
 */
#ifndef DMARCGUARD_ALERTS_DEDUPE_H
#define DMARCGUARD_ALERTS_DEDUPE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define DEDUPE_SLOTS 4096
#define DEDUPE_WINDOW 10

struct dedupe {
	struct {
		uint64_t hash;
		time_t when;
		int origin;	/* 0: empty; else envelope origin + 1 */
	} slot[DEDUPE_SLOTS];
};

void dedupe_init(struct dedupe *d);
/* dedupe_is_copy - 1 when msg is the other origin's copy of a recent alert */
int dedupe_is_copy(struct dedupe *d, const char *msg, size_t len, time_t when, int origin);

#endif
