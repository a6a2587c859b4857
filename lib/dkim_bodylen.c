/*
 * dkim_bodylen - canonical DKIM body lengths (see dkim_bodylen.h).
 *
 * Per line we count the octets for simple and, for relaxed, the octets
 * with each white space run counted once and only when something follows
 * it. A line with content commits the empty lines held back before it; at
 * the end, held-back empty lines are simply never committed.
 *
 * Thread-safety: pure functions on a caller-owned struct.
 */
#include "dkim_bodylen.h"

#include <string.h>

void
dkimv_bodylen_init(struct dkimv_bodylen *b)
{
	memset(b, 0, sizeof(*b));
}

/* content - one octet inside a line */
static void
content(struct dkimv_bodylen *b, unsigned char c)
{
	b->line++;
	if (c == ' ' || c == '\t') {
		b->wsp = 1;
		return;
	}
	b->rline += (unsigned)b->wsp + 1;
	b->wsp = 0;
}

/* line_end - a CRLF: empty lines wait until content follows them */
static void
line_end(struct dkimv_bodylen *b)
{
	if (b->line > 0) {
		b->simple += b->simple_blank + b->line + 2;
		b->simple_blank = 0;
	} else
		b->simple_blank += 2;
	if (b->rline > 0) {
		b->relaxed += b->relaxed_blank + b->rline + 2;
		b->relaxed_blank = 0;
	} else
		b->relaxed_blank += 2;
	b->line = b->rline = 0;
	b->wsp = 0;
}

void
dkimv_bodylen_feed(struct dkimv_bodylen *b, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (b->cr) {
			b->cr = 0;
			if (p[i] == '\n') {
				line_end(b);
				continue;
			}
			content(b, '\r');
		}
		if (p[i] == '\r')
			b->cr = 1;
		else
			content(b, p[i]);
	}
}

unsigned long long
dkimv_bodylen_simple(const struct dkimv_bodylen *b)
{
	unsigned long long line = b->line + (b->cr ? 1 : 0);

	if (line > 0)		/* unterminated last line: CRLF added */
		return b->simple + b->simple_blank + line + 2;
	return b->simple > 0 ? b->simple : 2;
}

unsigned long long
dkimv_bodylen_relaxed(const struct dkimv_bodylen *b)
{
	unsigned long long rline = b->rline + (b->cr ? (unsigned)b->wsp + 1 : 0);

	if (rline > 0)
		return b->relaxed + b->relaxed_blank + rline + 2;
	return b->relaxed;
}
