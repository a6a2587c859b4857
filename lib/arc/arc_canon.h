/*
 * arc_canon - header field canonicalization for ARC signatures (RFC 6376
 * 3.4.1 "simple", 3.4.2 "relaxed"), into a growing byte buffer that is
 * then verified in one piece.
 *
 * A field is given as its name and its value exactly as it followed the
 * colon (leading white space included), folded with CRLF. A range of the
 * value may be left out: the text of the signature's own b= tag, which
 * RFC 6376 3.7 hashes as if empty. The last field of a signature's input
 * (the signature itself) goes without the final CRLF.
 *
 * Errors: out of memory marks the buffer failed; later appends do
 * nothing and arc_canon_failed says so, so callers check once at the end.
 *
 * Thread-safety: a buffer belongs to its caller.
 */
#ifndef DMARCGUARD_ARC_CANON_H
#define DMARCGUARD_ARC_CANON_H

#include <stddef.h>

enum arc_canon_mode { ARC_CANON_SIMPLE, ARC_CANON_RELAXED };

struct arc_canon_buf {
	unsigned char *data;
	size_t len, size;
	int failed;
};

/* arc_canon_skip - the part of a value to leave out: [from, to), or none when from == to */
struct arc_canon_skip {
	size_t from, to;
};

/*
 * arc_canon_field - append one canonical field; skip may be NULL; crlf:
 * whether to end it with CRLF
 */
void arc_canon_field(struct arc_canon_buf *buf, enum arc_canon_mode mode,
		     const char *name, const char *value, size_t len,
		     const struct arc_canon_skip *skip, int crlf);

/* arc_canon_failed - whether an append ran out of memory */
int arc_canon_failed(const struct arc_canon_buf *buf);

/* arc_canon_reset - empty the buffer, keeping its memory */
void arc_canon_reset(struct arc_canon_buf *buf);

/* arc_canon_release - free the memory; the buffer is empty afterwards */
void arc_canon_release(struct arc_canon_buf *buf);

#endif
