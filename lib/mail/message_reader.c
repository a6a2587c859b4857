/*
 * message_reader - stored message to milter-style header fields and body
 * chunks (see message_reader.h).
 *
 * Thread-safety: per-call state only.
 */
#include "message_reader.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FIELD (1024 * 1024)
#define BODY_CHUNK 65536

struct field {
	char *buf;
	size_t len, cap;
	size_t colon;		/* offset of ':' in buf */
	int open;
};

static int
field_append(struct field *f, const char *s, size_t n)
{
	if (f->len + n + 1 > MAX_FIELD)
		return -1;
	if (f->len + n + 1 > f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 1024;
		char *b;

		while (cap < f->len + n + 1)
			cap *= 2;
		if ((b = realloc(f->buf, cap)) == NULL)
			return -1;
		f->buf = b;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, s, n);
	f->len += n;
	f->buf[f->len] = '\0';
	return 0;
}

/* end_headers - tell the sink the header block ended (0, or -1 if it failed) */
static int
end_headers(const struct message_reader_sink *sink)
{
	return sink->eoh(sink->ctx) < 0 ? -1 : 0;
}

/* field_emit - hand the collected field to the sink */
static int
field_emit(struct field *f, const struct message_reader_sink *sink)
{
	int rc;

	if (!f->open)
		return 0;
	f->open = 0;
	f->buf[f->colon] = '\0';
	rc = sink->header(sink->ctx, f->buf, f->buf + f->colon + 1, f->len - f->colon - 1);
	f->len = 0;
	return rc < 0 ? -1 : 0;
}

/* strip_eol - drop a final "\n" or "\r\n"; returns the new length */
static size_t
strip_eol(char *line, size_t n)
{
	if (n > 0 && line[n - 1] == '\n')
		n--;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	return n;
}

static int
feed_body(FILE *in, const char *first, size_t first_len,
	  const struct message_reader_sink *sink)
{
	unsigned char chunk[BODY_CHUNK];
	size_t n;

	/* the line that started the body may be long: it too goes in chunks */
	while (first_len > 0) {
		n = first_len < BODY_CHUNK ? first_len : BODY_CHUNK;
		if (sink->body(sink->ctx, (const unsigned char *)first, n) < 0)
			return -1;
		first += n;
		first_len -= n;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		if (sink->body(sink->ctx, chunk, n) < 0)
			return -1;
	return ferror(in) ? -2 : 0;
}

int
message_reader_feed(FILE *in, const struct message_reader_sink *sink)
{
	struct field f = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int rc = 0;

	while ((got = getline(&line, &cap, in)) > 0) {
		size_t n = strip_eol(line, (size_t)got);
		char *colon;

		if (n == 0) {			/* the empty line: body follows */
			if ((rc = field_emit(&f, sink)) == 0 && (rc = end_headers(sink)) == 0)
				rc = feed_body(in, NULL, 0, sink);
			goto out;
		}
		if ((line[0] == ' ' || line[0] == '\t') && f.open) {
			if (field_append(&f, "\n", 1) < 0 || field_append(&f, line, n) < 0) {
				rc = -2;
				goto out;
			}
			continue;
		}
		if ((rc = field_emit(&f, sink)) < 0)
			goto out;
		colon = memchr(line, ':', n);
		if (colon == NULL || colon == line) {
			/* not a header: the body starts here, without a blank line */
			if ((rc = end_headers(sink)) == 0)
				rc = feed_body(in, line, (size_t)got, sink);
			goto out;
		}
		if (field_append(&f, line, n) < 0) {
			rc = -2;
			goto out;
		}
		f.colon = (size_t)(colon - line);
		f.open = 1;
	}
	/* headers only, no body */
	if ((rc = field_emit(&f, sink)) == 0)
		rc = end_headers(sink);
	if (rc == 0 && ferror(in))
		rc = -2;
out:
	free(line);
	free(f.buf);
	return rc < 0 ? rc : 0;
}
