/*
 * mail_message - a message as an MTA holds it while milters look at it:
 * a list of header fields that milters may edit, and a body already in
 * the CRLF form Postfix sends to milters.
 *
 * A header value is what followed the colon in the file: its leading
 * space kept, folded lines joined with a bare "\n" (as Postfix and
 * Sendmail pass them), no final line break.
 *
 * Memory: mail_message_load allocates; mail_message_free(&m) releases and
 * sets m to NULL. A header list owns its strings; mail_headers_copy makes
 * an independent list, mail_headers_release frees one.
 *
 * Thread-safety: none inside; a loaded message is only read by the load
 * threads, and each thread edits its own header copies.
 */
#ifndef DMARCGUARD_BENCH_MAIL_MESSAGE_H
#define DMARCGUARD_BENCH_MAIL_MESSAGE_H

#include <stddef.h>

struct mail_header {
	char *name;
	char *value;
};

struct mail_headers {
	struct mail_header *items;
	size_t count;
	size_t size;
};

struct mail_message {
	struct mail_headers headers;
	unsigned char *body;	/* CRLF line ends */
	size_t body_len;
};

/* mail_message_load - read a stored message (LF or CRLF); NULL with *error_r */
struct mail_message *mail_message_load(const char *path, const char **error_r);
void mail_message_free(struct mail_message **m);

/* mail_headers_copy - dst becomes a copy of src; 0 or -1 (out of memory) */
int mail_headers_copy(struct mail_headers *dst, const struct mail_headers *src);
void mail_headers_release(struct mail_headers *h);

/* mail_headers_insert - put a field at position index (0: top; past the end: append) */
int mail_headers_insert(struct mail_headers *h, size_t index, const char *name,
			const char *value);

/*
 * mail_headers_change - replace the index-th (1-based) field called name
 * (case-insensitive); an empty value deletes it. When there is no such
 * field, a non-empty value is appended, as Sendmail and Postfix do.
 */
int mail_headers_change(struct mail_headers *h, const char *name, size_t index,
			const char *value);

#endif
