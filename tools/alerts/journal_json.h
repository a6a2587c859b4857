/*
 * journal_json - one line of `journalctl -o json`: a JSON object whose
 * fields MESSAGE, SYSLOG_IDENTIFIER and __REALTIME_TIMESTAMP (microseconds
 * since the epoch, as a decimal string) are what we need.
 *
 * The object is parsed strictly enough to find those three at its top
 * level (other values, nested or not, are skipped). MESSAGE comes as a
 * JSON string, as an array of byte values when journald holds bytes that
 * are not UTF-8, or as null when journalctl left out a field over 4096
 * bytes (it does unless given --all). String escapes, \u surrogate pairs
 * included, are decoded to UTF-8.
 *
 * Decoded text goes to the caller's scratch buffer, which needs len + 1
 * bytes; nothing is allocated.
 *
 * Thread-safety: no shared state.
 */
#ifndef DMARCGUARD_ALERTS_JOURNAL_JSON_H
#define DMARCGUARD_ALERTS_JOURNAL_JSON_H

#include <stddef.h>
#include <time.h>

struct journal_entry {
	const char *message;	/* in scratch; NULL when absent or null */
	size_t message_len;
	int message_null;	/* "MESSAGE":null, left out by journalctl */
	const char *identifier;	/* in scratch; NULL when absent */
	size_t identifier_len;
	time_t when;
	int has_time;
};

/* journal_json_parse - 0, or -1 when the line is not a JSON object */
int journal_json_parse(const char *line, size_t len, char *scratch, size_t scratch_size,
		       struct journal_entry *e);

#endif
