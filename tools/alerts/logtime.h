/*
 * logtime - the times in log lines and on the command line, as time_t.
 *
 * RFC 3339 stamps with an offset ("2026-11-22T04:37:55.123+00:00", "Z",
 * or journalctl's "+0000") are exact. Stamps without a zone (RFC 3164
 * "Nov 22 04:37:55", the daemon's "2026-11-22T04:37:55" on stderr, and
 * --since/--until) are local time, as syslog and the daemon wrote them.
 * RFC 3164 stamps carry no year: the current year is assumed, or the
 * year before when that would put the line more than a day in the future
 * (the day of slack absorbs clocks and zones that disagree a little).
 * Fractions of seconds are dropped.
 *
 * A struct logtime holds "now" (a seam for the tests) and a one-entry
 * cache of the last local minute converted, so a log read in order costs
 * one mktime per minute of log, not per line.
 *
 * Thread-safety: a struct logtime belongs to one thread; logtime_format*
 * use localtime_r.
 */
#ifndef DMARCGUARD_ALERTS_LOGTIME_H
#define DMARCGUARD_ALERTS_LOGTIME_H

#include <stddef.h>
#include <time.h>

struct logtime {
	time_t now;
	int year_now;
	int cache_key_valid;
	int cache_y, cache_mo, cache_d, cache_h, cache_mi;
	time_t cache_t;
};

void logtime_init(struct logtime *lt, time_t now);

/*
 * logtime_parse_rfc3339 - a stamp at s (len bytes available); the bytes
 * used in *used_r. Without an offset the stamp is local time. 0 or -1.
 */
int logtime_parse_rfc3339(struct logtime *lt, const char *s, size_t len, size_t *used_r,
			  time_t *t_r);
/* logtime_parse_rfc3164 - "Mmm dd hh:mm:ss" (day space-padded or not); 0 or -1 */
int logtime_parse_rfc3164(struct logtime *lt, const char *s, size_t len, size_t *used_r,
			  time_t *t_r);
/*
 * logtime_parse_arg - a --since/--until value, local time:
 * "YYYY-MM-DD", "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM:SS" or with "T".
 */
int logtime_parse_arg(const char *s, time_t *t_r);

/* logtime_days_from_civil - days since 1970-01-01 of a proleptic Gregorian date */
long long logtime_days_from_civil(int y, int m, int d);

/* logtime_format - "YYYY-MM-DD HH:MM:SS" local time into buf (20 bytes) */
void logtime_format(time_t t, char *buf, size_t size);
/* logtime_format_rfc3339 - "YYYY-MM-DDTHH:MM:SS+HH:MM" local time (26 bytes) */
void logtime_format_rfc3339(time_t t, char *buf, size_t size);

#endif
