/*
 * reader - lines from a log file, a rotated .gz, a pipe or a growing file,
 * through one buffer, so memory stays the same however long the input.
 *
 * reader_open reads a path ("-" for standard input) through zlib, which
 * inflates gzip files and passes anything else through as it is, so
 * "mail.log", "mail.log.1" and "mail.log.2.gz" are read alike. reader_fd
 * reads a descriptor with read(2) and no decompression: follow mode uses
 * it, because it must see the file's size and identity itself. With
 * partial_wait, a read first polls for at most READER_POLL_MS and reports
 * READER_EOF ("nothing now") on a timeout or a signal, so a caller
 * reading a pipe gets control back to check for a stop request;
 * reader_at_eof then tells a real end of input from "nothing now".
 *
 * Lines are returned without "\n" or "\r\n", valid until the next call.
 * A line longer than READER_MAX_LINE is skipped whole and counted in
 * reader_overlong. At the end of input, a last line without "\n" is
 * returned as a line, except in follow mode (reader_fd with partial_wait),
 * where it waits for the rest; reader_take_partial hands it out when the
 * file is rotated away under it.
 *
 * Thread-safety: a reader belongs to one thread.
 */
#ifndef DMARCGUARD_ALERTS_READER_H
#define DMARCGUARD_ALERTS_READER_H

#include <stddef.h>

#define READER_MAX_LINE (1024 * 1024)
#define READER_POLL_MS 500

enum reader_status {
	READER_ERROR = -1,
	READER_EOF = 0,		/* no more input (for now, in follow mode) */
	READER_LINE = 1,
};

struct reader;

/* reader_open - a reader on path, or NULL with *error_r (strerror text) */
struct reader *reader_open(const char *path, const char **error_r);
/* reader_fd - a reader on fd (not closed by the reader) */
struct reader *reader_fd(int fd, int partial_wait);
enum reader_status reader_next(struct reader *r, const char **line_r, size_t *len_r);
/* reader_error - why reader_next returned READER_ERROR */
const char *reader_error(const struct reader *r);
/* reader_lineno - number of the line last returned (overlong ones counted) */
unsigned long reader_lineno(const struct reader *r);
unsigned long reader_overlong(const struct reader *r);
/* reader_at_eof - the last read found the end of input (not a timeout) */
int reader_at_eof(const struct reader *r);
/* reader_take_partial - the buffered unterminated line, if any; 1 or 0 */
int reader_take_partial(struct reader *r, const char **line_r, size_t *len_r);
/* reader_reset - forget buffered bytes and read from fd from now on */
void reader_reset(struct reader *r, int fd);
void reader_close(struct reader **r);

#endif
