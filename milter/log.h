/*
 * log - the daemon's one logging module: syslog, and stderr too when
 * running in the foreground. lib/ never logs; the daemon decides what to
 * say. Every line about a message carries its queue id.
 *
 * Thread-safety: log_open is called once by the main thread before any
 * other thread starts; the settings it records are read-only afterwards,
 * and syslog(3) and one fprintf per line are safe from any thread.
 */
#ifndef DMARCGUARD_LOG_H
#define DMARCGUARD_LOG_H

#include <syslog.h>

/*
 * log_open - where lines go from now on; with use_stderr and not
 * use_syslog, libmilter's own syslog(3) lines are copied to stderr too
 */
void log_open(const char *ident, int use_syslog, int facility, int use_stderr);

/* log_msg - one line at a syslog priority (LOG_ERR, LOG_WARNING, ...) */
void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* log_queue - one line about a message; queue_id NULL prints "NOQUEUE" */
void log_queue(int priority, const char *queue_id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
