/*
 * dkim_bodylen - length of a message body after DKIM canonicalization.
 *
 * libopendkim hashes at most l= octets of a body and does not tell whether
 * more followed, so dkim_verify measures the canonical body itself: fed
 * the body octets once, in chunks of any size, this keeps the length the
 * body would have under "simple" (RFC 6376 3.4.3: trailing empty lines
 * dropped, a missing final CRLF added, an empty body is one CRLF) and
 * under "relaxed" (3.4.4: white space runs become one SP, trailing white
 * space and trailing empty lines dropped, an empty body stays empty).
 * Lines end with CRLF only; a lone CR or LF is an ordinary octet. Memory
 * is constant whatever the body size.
 *
 * The struct is public so that it can be embedded; its fields are private.
 *
 * Thread-safety: none needed; one counter per message.
 */
#ifndef DMARCGUARD_DKIM_BODYLEN_H
#define DMARCGUARD_DKIM_BODYLEN_H

#include <stddef.h>

struct dkimv_bodylen {
	unsigned long long simple, simple_blank;	/* done; empty lines since */
	unsigned long long relaxed, relaxed_blank;
	unsigned long long line, rline;	/* current line: simple, relaxed */
	int wsp;			/* relaxed: white space run pending */
	int cr;				/* CR seen, line end not yet known */
};

/* dkimv_bodylen_init - an empty body */
void dkimv_bodylen_init(struct dkimv_bodylen *b);

/* dkimv_bodylen_feed - the next n body octets */
void dkimv_bodylen_feed(struct dkimv_bodylen *b, const unsigned char *p,
			size_t n);

/* dkimv_bodylen_simple - canonical length of what was fed, "simple" */
unsigned long long dkimv_bodylen_simple(const struct dkimv_bodylen *b);

/* dkimv_bodylen_relaxed - canonical length of what was fed, "relaxed" */
unsigned long long dkimv_bodylen_relaxed(const struct dkimv_bodylen *b);

#endif
