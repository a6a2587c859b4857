/*
 * log - syslog and stderr output of the daemon (see log.h).
 *
 * libmilter logs with syslog(3) directly. With stderr on and syslog off,
 * log_open sets LOG_PERROR so that those lines reach stderr too (in
 * syslog's "ident[pid]: text" form); with syslog on they go to syslog only.
 *
 * Thread-safety: the two flags below are written once by log_open before
 * threads start and only read afterwards.
 */
#include "log.h"
#include "alert.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int log_to_syslog;
static int log_to_stderr = 1;

void
log_open(const char *ident, int use_syslog, int facility, int use_stderr)
{
	log_to_syslog = use_syslog;
	log_to_stderr = use_stderr;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
	else if (use_stderr)
		/* libmilter's own diagnostics go to syslog(3) only: with syslog
		 * off, glibc's LOG_PERROR copies them to stderr as well. Our own
		 * lines never call syslog(3) then, so nothing prints twice. */
		openlog(ident, LOG_PID | LOG_PERROR, facility);
}

static const char *
priority_name(int priority)
{
	switch (priority) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: return "crit";
	case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_INFO: return "info";
	default: return "debug";
	}
}

static void
log_line(int priority, const char *line)
{
	if (log_to_syslog)
		syslog(priority, "%s", line);
	if (log_to_stderr) {
		char stamp[32];
		struct tm tm;
		time_t now = time(NULL);

		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s dmarcguard[%s]: %s\n", stamp, priority_name(priority), line);
	}
}

void
log_msg(int priority, const char *fmt, ...)
{
	char line[ALERT_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_line(priority, line);
}

void
log_queue(int priority, const char *queue_id, const char *fmt, ...)
{
	char line[ALERT_LINE_MAX];
	int n = snprintf(line, sizeof(line), "%s: ", queue_id ? queue_id : "NOQUEUE");
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	log_line(priority, line);
}
