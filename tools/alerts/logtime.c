/*
 * logtime - log and argument time stamps (see logtime.h).
 *
 * Thread-safety: see logtime.h.
 */
#include "logtime.h"

#include <stdio.h>
#include <string.h>

#define DAY (24 * 60 * 60)

void
logtime_init(struct logtime *lt, time_t now)
{
	struct tm tm;

	memset(lt, 0, sizeof(*lt));
	lt->now = now;
	localtime_r(&now, &tm);
	lt->year_now = tm.tm_year + 1900;
}

long long
logtime_days_from_civil(int y, int m, int d)
{
	/* Howard Hinnant's days_from_civil, on a March-based year. */
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153LL * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* days_in_month - 28 to 31, leap years included */
static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* valid - every part of a date and time in range */
static int
valid(int y, int mo, int d, int h, int mi, int s)
{
	return y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1
	       && d <= days_in_month(y, mo) && h >= 0 && h <= 23 && mi >= 0 && mi <= 59
	       && s >= 0 && s <= 60;
}

/* local_time - mktime of a local wall-clock time, cached per minute */
static time_t
local_time(struct logtime *lt, int y, int mo, int d, int h, int mi, int s)
{
	if (!lt->cache_key_valid || lt->cache_mi != mi || lt->cache_h != h || lt->cache_d != d
	    || lt->cache_mo != mo || lt->cache_y != y) {
		struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
				 .tm_hour = h, .tm_min = mi, .tm_isdst = -1 };

		lt->cache_t = mktime(&tm);
		lt->cache_y = y;
		lt->cache_mo = mo;
		lt->cache_d = d;
		lt->cache_h = h;
		lt->cache_mi = mi;
		lt->cache_key_valid = 1;
	}
	return lt->cache_t + (s > 59 ? 59 : s);
}

/* digits - n decimal digits at s into *v; 0 or -1 */
static int
digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* clock_at - "hh:mm:ss" at s */
static int
clock_at(const char *s, int *h, int *mi, int *sec)
{
	if (digits(s, 2, h) < 0 || s[2] != ':' || digits(s + 3, 2, mi) < 0 || s[5] != ':'
	    || digits(s + 6, 2, sec) < 0)
		return -1;
	return 0;
}

int
logtime_parse_rfc3339(struct logtime *lt, const char *s, size_t len, size_t *used_r,
		      time_t *t_r)
{
	int y, mo, d, h, mi, sec, oh, om;
	size_t i = 19;
	long long t;

	if (len < 19 || digits(s, 4, &y) < 0 || s[4] != '-' || digits(s + 5, 2, &mo) < 0
	    || s[7] != '-' || digits(s + 8, 2, &d) < 0 || s[10] != 'T'
	    || clock_at(s + 11, &h, &mi, &sec) < 0 || !valid(y, mo, d, h, mi, sec))
		return -1;
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (s[i - 1] == '.')
			return -1;
	}
	if (i == len || s[i] == ' ') {
		*t_r = local_time(lt, y, mo, d, h, mi, sec);
		*used_r = i;
		return 0;
	}
	t = logtime_days_from_civil(y, mo, d) * DAY + h * 3600LL + mi * 60LL + (sec > 59 ? 59 : sec);
	if (s[i] == 'Z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		int sign = s[i] == '-' ? -1 : 1;

		if (len - i >= 6 && s[i + 3] == ':' && digits(s + i + 1, 2, &oh) == 0
		    && digits(s + i + 4, 2, &om) == 0)
			i += 6;
		else if (len - i >= 5 && digits(s + i + 1, 2, &oh) == 0
			 && digits(s + i + 3, 2, &om) == 0)
			i += 5;
		else
			return -1;
		if (oh > 23 || om > 59)
			return -1;
		t -= sign * (oh * 3600LL + om * 60LL);
	} else {
		return -1;
	}
	if (i < len && s[i] != ' ')
		return -1;
	*t_r = (time_t)t;
	*used_r = i;
	return 0;
}

int
logtime_parse_rfc3164(struct logtime *lt, const char *s, size_t len, size_t *used_r,
		      time_t *t_r)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int mo = 0, d, h, mi, sec;

	/* "Mmm dd hh:mm:ss" is 15 bytes; the day is " 2" or "22". */
	if (len < 15 || s[3] != ' ' || s[6] != ' ')
		return -1;
	for (int i = 0; i < 12 && mo == 0; i++)
		if (memcmp(s, months + 3 * i, 3) == 0)
			mo = i + 1;
	if (mo == 0)
		return -1;
	if (s[4] == ' ') {
		if (digits(s + 5, 1, &d) < 0)
			return -1;
	} else if (digits(s + 4, 2, &d) < 0) {
		return -1;
	}
	if (clock_at(s + 7, &h, &mi, &sec) < 0)
		return -1;
	/* The most recent year in which the date exists and is not in the future. */
	for (int y = lt->year_now; y > lt->year_now - 8; y--) {
		time_t t;

		if (!valid(y, mo, d, h, mi, sec))
			continue;
		t = local_time(lt, y, mo, d, h, mi, sec);
		if (t > lt->now + DAY)
			continue;
		*t_r = t;
		*used_r = 15;
		return 0;
	}
	return -1;
}

int
logtime_parse_arg(const char *s, time_t *t_r)
{
	struct logtime lt;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	size_t len = strlen(s);

	if (len < 10 || digits(s, 4, &y) < 0 || s[4] != '-' || digits(s + 5, 2, &mo) < 0
	    || s[7] != '-' || digits(s + 8, 2, &d) < 0)
		return -1;
	if (len > 10) {
		if ((s[10] != ' ' && s[10] != 'T') || (len != 16 && len != 19)
		    || digits(s + 11, 2, &h) < 0 || s[13] != ':' || digits(s + 14, 2, &mi) < 0)
			return -1;
		if (len == 19 && (s[16] != ':' || digits(s + 17, 2, &sec) < 0))
			return -1;
	}
	if (!valid(y, mo, d, h, mi, sec))
		return -1;
	logtime_init(&lt, 0);
	*t_r = local_time(&lt, y, mo, d, h, mi, sec);
	return 0;
}

void
logtime_format(time_t t, char *buf, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

void
logtime_format_rfc3339(time_t t, char *buf, size_t size)
{
	struct tm tm;
	long off;
	char stamp[24];

	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff / 60;
	snprintf(buf, size, "%s%c%02ld:%02ld", stamp, off < 0 ? '-' : '+',
		 (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60);
}
