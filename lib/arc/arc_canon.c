/*
 * arc_canon - simple and relaxed header canonicalization (see arc_canon.h).
 *
 * Thread-safety: a buffer belongs to its caller.
 */
#include "arc_canon.h"

#include <stdlib.h>
#include <string.h>

/* reserve - room for n more octets; 0, or -1 (the buffer is then failed) */
static int
reserve(struct arc_canon_buf *buf, size_t n)
{
	size_t size = buf->size ? buf->size : 1024;
	unsigned char *grown;

	if (buf->failed)
		return -1;
	if (buf->len + n <= buf->size)
		return 0;
	while (size < buf->len + n)
		size *= 2;
	if ((grown = realloc(buf->data, size)) == NULL) {
		buf->failed = 1;
		return -1;
	}
	buf->data = grown;
	buf->size = size;
	return 0;
}

static void
put(struct arc_canon_buf *buf, const void *p, size_t n)
{
	if (n == 0 || reserve(buf, n) < 0)
		return;
	memcpy(buf->data + buf->len, p, n);
	buf->len += n;
}

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* relaxed_state - white space pending between two runs of a value */
struct relaxed_state {
	int pending_space, started;
};

/*
 * relaxed_run - value[from, to) relaxed into out: line breaks dropped,
 * each WSP run one SP, none at the start; a WSP run at the end stays
 * pending (the caller drops it). Returns the new end of out.
 */
static unsigned char *
relaxed_run(unsigned char *out, const char *value, size_t from, size_t to,
	    struct relaxed_state *st)
{
	size_t i = from;

	while (i < to) {
		unsigned char c = (unsigned char)value[i];

		if (c == ' ' || c == '\t') {
			st->pending_space = st->started;
			i++;
			continue;
		}
		if (c == '\r' || c == '\n') {
			i++;
			continue;
		}
		if (st->pending_space)
			*out++ = ' ';
		st->pending_space = 0;
		st->started = 1;
		/* the run up to the next control or space octet, without the state */
		do
			*out++ = value[i++];
		while (i < to && (unsigned char)value[i] > ' ');
	}
	return out;
}

/*
 * relaxed - RFC 6376 3.4.2: lowercase name, unfold, one SP per WSP run,
 * trim. The output is never longer than name + ':' + value, so the room
 * is made once and the octets written in place.
 */
static void
relaxed(struct arc_canon_buf *buf, const char *name, const char *value, size_t len,
	const struct arc_canon_skip *skip)
{
	size_t n = strlen(name);
	struct relaxed_state st = { 0, 0 };
	unsigned char *out;

	if (reserve(buf, n + 1 + len) < 0)
		return;
	out = buf->data + buf->len;
	while (n > 0 && is_wsp(name[n - 1]))
		n--;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		*out++ = (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	*out++ = ':';
	if (skip != NULL && skip->from < skip->to) {
		out = relaxed_run(out, value, 0, skip->from, &st);
		out = relaxed_run(out, value, skip->to, len, &st);
	} else {
		out = relaxed_run(out, value, 0, len, &st);
	}
	buf->len = (size_t)(out - buf->data);
}

/* simple - RFC 6376 3.4.1: the field as it is, less the skipped range */
static void
simple(struct arc_canon_buf *buf, const char *name, const char *value, size_t len,
       const struct arc_canon_skip *skip)
{
	put(buf, name, strlen(name));
	put(buf, ":", 1);
	if (skip == NULL || skip->from >= skip->to) {
		put(buf, value, len);
		return;
	}
	put(buf, value, skip->from);
	put(buf, value + skip->to, len - skip->to);
}

void
arc_canon_field(struct arc_canon_buf *buf, enum arc_canon_mode mode, const char *name,
		const char *value, size_t len, const struct arc_canon_skip *skip, int crlf)
{
	if (mode == ARC_CANON_RELAXED)
		relaxed(buf, name, value, len, skip);
	else
		simple(buf, name, value, len, skip);
	if (crlf)
		put(buf, "\r\n", 2);
}

int
arc_canon_failed(const struct arc_canon_buf *buf)
{
	return buf->failed;
}

void
arc_canon_reset(struct arc_canon_buf *buf)
{
	buf->len = 0;
}

void
arc_canon_release(struct arc_canon_buf *buf)
{
	free(buf->data);
	memset(buf, 0, sizeof(*buf));
}
