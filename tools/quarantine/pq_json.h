/*
 * pq_json - one line of "postqueue -j" (Postfix 3.1 and later): a JSON
 * object per queued message with queue_name, queue_id, arrival_time,
 * message_size, sender and recipients (an array of objects with address
 * and maybe delay_reason). Other members are skipped, whatever their
 * type, so a later Postfix that adds some is still read.
 *
 * Strings are decoded (escapes, \uXXXX as UTF-8) into the caller's
 * scratch buffer (at least len + 1 bytes) and live as long as it does;
 * the recipients are joined with ", ".
 *
 * Thread-safety: no shared state.
 */
#ifndef DMARCGUARD_QUARANTINE_PQ_JSON_H
#define DMARCGUARD_QUARANTINE_PQ_JSON_H

#include <stddef.h>
#include <time.h>

struct pq_entry {
	const char *queue_name;		/* "hold", "deferred", ... */
	const char *queue_id;
	time_t arrival_time;
	unsigned long long message_size;
	const char *sender;
	const char *recipients;		/* comma list, "" when none */
	size_t nrecipients;
};

/* pq_json_parse - 0, or -1 with *error_r (static) when the line is not such an object */
int pq_json_parse(const char *line, size_t len, char *scratch, size_t scratch_size,
		  struct pq_entry *e, const char **error_r);

#endif
