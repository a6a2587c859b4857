/*
 * follow - tail a growing log and feed each new line to a scan, like
 * "tail -F": start at the end of the file, read what is appended, and
 * survive rotation. Every FOLLOW_POLL_MS it compares the path with the
 * open file: a different file there (logrotate's rename and create) means
 * the rest of the old file is read and the new one is followed from its
 * start; a file shorter than what was read (copytruncate) is read again
 * from its start; no file there yet keeps the old one open and waits. A
 * line still being written is held until its newline arrives (or its file
 * is rotated away).
 *
 * Standard input ("-") is read as a stream until it ends, e.g. from
 * "journalctl -f -o json".
 *
 * The loop stops when *stop becomes non-zero (set by the SIGINT/SIGTERM
 * handler); no wait is longer than FOLLOW_POLL_MS or READER_POLL_MS.
 *
 * Thread-safety: single-threaded; stop is written by a signal handler.
 */
#ifndef DMARCGUARD_ALERTS_FOLLOW_H
#define DMARCGUARD_ALERTS_FOLLOW_H

#include <signal.h>

#include "scan.h"

#define FOLLOW_POLL_MS 250

/* follow_run - 0 when stopped or at the end of stdin; -1 with *error_r (static or strerror) */
int follow_run(const char *path, struct scan *scan, volatile sig_atomic_t *stop,
	       const char **error_r);

#endif
