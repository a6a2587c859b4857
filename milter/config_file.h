/*
 * config_file - read an operator's text file (the configuration file, the
 * domain rules file) line by line, within bounds, so that no file can
 * make the daemon read or hold more than one line at a time:
 *
 *  - only a regular file is read: a directory, FIFO, device or socket is
 *    refused as soon as it is opened (the open does not wait for a FIFO's
 *    writer), so "-c /dev/zero" is an error, not an endless read;
 *  - a line longer than max_line characters (its newline not counted) is
 *    refused when the limit is passed, without reading the rest of it;
 *  - a NUL byte is refused (it would hide the rest of its line).
 *
 * Errors come back as "path:line: reason" or "path: reason".
 *
 * Thread-safety: reentrant; the caller's callback runs on the caller's
 * thread.
 */
#ifndef DMARCGUARD_CONFIG_FILE_H
#define DMARCGUARD_CONFIG_FILE_H

#include <stddef.h>

/*
 * config_file_line_fn - one line, without its newline and NUL-terminated
 * (the callback may modify it). 0 to go on, or -1 with a reason (no file
 * name or line number: the reader adds them) written to reason.
 */
typedef int config_file_line_fn(void *context, char *line, unsigned lineno,
				char *reason, size_t reason_size);

/*
 * config_file_read - hand every line of path to fn. 0, or -1 with the
 * error (see above) written to error (size bytes).
 */
int config_file_read(const char *path, size_t max_line, config_file_line_fn *fn,
		     void *context, char *error, size_t size);

/*
 * config_file_check - can path be read as an operator file: a regular file
 * that opens for reading? 0, or -1 with "path: reason" in error.
 */
int config_file_check(const char *path, char *error, size_t size);

#endif
