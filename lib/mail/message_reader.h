/*
 * message_reader - split a stored message (a file, as in the offline test
 * mode and the tests) into header fields and body chunks, the way an MTA
 * hands them to a milter: field name, value as it followed the colon
 * (leading space kept, folds joined with bare "\n", no final line break),
 * then the body in chunks of at most 64 KB. LF and CRLF files both work.
 * A header line without a colon ends the header block there, as in
 * Postfix; a NUL byte in a header is kept in the value (len counts it).
 *
 * Thread-safety: no shared state; one reader per call.
 */
#ifndef DMARCGUARD_MESSAGE_READER_H
#define DMARCGUARD_MESSAGE_READER_H

#include <stddef.h>
#include <stdio.h>

struct message_reader_sink {
	int (*header)(void *ctx, const char *name, const char *value, size_t len);
	int (*eoh)(void *ctx);
	int (*body)(void *ctx, const unsigned char *chunk, size_t len);
	void *ctx;
};

/*
 * message_reader_feed - read all of f into sink. Returns 0, -1 when a
 * sink callback failed, -2 on a read error or a header line over 1 MB.
 */
int message_reader_feed(FILE *f, const struct message_reader_sink *sink);

#endif
