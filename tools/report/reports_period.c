/*
 * reports_period - UTC days for dmarcguard-reports (see reports_period.h).
 *
 * Thread-safety: pure functions (gmtime_r, timegm).
 */
#include "reports_period.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int
reports_period_parse(const char *text, int64_t now, int64_t *day_r, const char **error_r)
{
	struct tm tm;
	int y, m, d;
	char tail;
	time_t t;

	if (strcmp(text, "today") == 0) {
		*day_r = now / 86400;
		return 0;
	}
	if (strcmp(text, "yesterday") == 0) {
		*day_r = now / 86400 - 1;
		return 0;
	}
	if (strlen(text) != 10 || sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3
	    || y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		goto bad;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	/* timegm normalises 2026-02-30 to March: refuse what moved */
	if (tm.tm_mday != d || tm.tm_mon != m - 1)
		goto bad;
	*day_r = (int64_t)t / 86400;
	return 0;
bad:
	*error_r = "a period is yesterday, today or a date YYYY-MM-DD";
	return -1;
}

int
reports_period_days(const char *text, int64_t *days_r, const char **error_r)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (end == text || (*end != '\0' && strcmp(end, "d") != 0) || n < 1 || n > 36500) {
		*error_r = "an age is a number of days from 1 to 36500, such as 90d";
		return -1;
	}
	*days_r = n;
	return 0;
}

void
reports_period_format(int64_t day, char *buf, unsigned size)
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d", &tm);
}
