/*
 * reports_period - the UTC day a command works on: "yesterday", "today"
 * or YYYY-MM-DD, as a day number (seconds since the epoch / 86400), and
 * an age such as "90d" as a number of days.
 *
 * Thread-safety: pure functions.
 */
#ifndef DMARCGUARD_REPORTS_PERIOD_H
#define DMARCGUARD_REPORTS_PERIOD_H

#include <stdint.h>

/* reports_period_parse - 0 with *day_r, or -1 with *error_r */
int reports_period_parse(const char *text, int64_t now, int64_t *day_r, const char **error_r);
/* reports_period_days - "90d" or "90": 0 with *days_r (1..36500), or -1 */
int reports_period_days(const char *text, int64_t *days_r, const char **error_r);
/* reports_period_format - the day as YYYY-MM-DD into buf (at least 11 bytes) */
void reports_period_format(int64_t day, char *buf, unsigned size);

#endif
