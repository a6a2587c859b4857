/*
 * postcat_parse - postcat's envelope and header output (see
 * postcat_parse.h).
 *
 * Thread-safety: see postcat_parse.h.
 */
#include "postcat_parse.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum section { OUTSIDE, ENVELOPE, HEADERS, AFTER_HEADERS };

struct state {
	struct held_set *set;
	struct held *cur;
	enum section section;
	const char *field;		/* start of the header field being unfolded */
	const char *headers;		/* start of the header block */
	int keep_headers;
	size_t done;
};

/* marker - the queue id of "*** WHAT queue/QID ***" at line, or NULL */
static const char *
marker(const char *line, size_t len, const char *what, size_t *qid_len_r)
{
	size_t wlen = strlen(what);
	const char *slash, *end = line + len;

	if (len < 4 + wlen + 5 || memcmp(line, "*** ", 4) != 0
	    || memcmp(line + 4, what, wlen) != 0 || line[4 + wlen] != ' '
	    || memcmp(end - 4, " ***", 4) != 0)
		return NULL;
	slash = memchr(line + 4 + wlen + 1, '/', (size_t)(end - 4 - (line + 4 + wlen + 1)));
	if (slash == NULL)
		return NULL;
	*qid_len_r = (size_t)(end - 4 - (slash + 1));
	return slash + 1;
}

/* is_marker_of_cur - the line is "*** WHAT queue/QID ***" for the current file */
static int
is_marker_of_cur(const struct state *s, const char *line, size_t len, const char *what)
{
	size_t n;
	const char *q = marker(line, len, what, &n);

	return q != NULL && s->cur != NULL && strlen(s->cur->qid) == n
	       && memcmp(q, s->cur->qid, n) == 0;
}

/* attribute - "named_attribute: NAME=VALUE" of the envelope */
static void
attribute(struct state *s, const char *line, size_t len)
{
	static const char prefix[] = "named_attribute: ";
	static const struct { const char *name; size_t off; } attrs[] = {
		{ "client_address=", offsetof(struct held, client_addr) },
		{ "client_name=", offsetof(struct held, client_name) },
		{ "helo_name=", offsetof(struct held, helo) },
	};

	if (len < sizeof(prefix) - 1 || memcmp(line, prefix, sizeof(prefix) - 1) != 0)
		return;
	line += sizeof(prefix) - 1;
	len -= sizeof(prefix) - 1;
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		size_t n = strlen(attrs[i].name);
		const char **slot = (const char **)(void *)((char *)s->cur + attrs[i].off);

		if (len >= n && memcmp(line, attrs[i].name, n) == 0 && *slot == NULL)
			*slot = held_set_strdup(s->set, line + n, len - n);
	}
}

/* unfolded - the field from s->field to end as one line, value only, trimmed */
static const char *
unfolded(struct state *s, const char *value, const char *end)
{
	char *copy = malloc((size_t)(end - value) + 1), *o = copy;
	const char *result;

	if (copy == NULL)
		return NULL;
	for (const char *p = value; p < end; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n') {
			*o++ = ' ';
			while (p + 1 < end && (p[1] == ' ' || p[1] == '\t'))
				p++;
			continue;
		}
		*o++ = *p;
	}
	while (o > copy && (o[-1] == ' ' || o[-1] == '\t'))
		o--;
	while (o > copy && (*copy == ' ' || *copy == '\t'))
		memmove(copy, copy + 1, (size_t)(--o - copy));
	result = held_set_strdup(s->set, copy, (size_t)(o - copy));
	free(copy);
	return result;
}

/* field_done - the header field from s->field to end is complete */
static void
field_done(struct state *s, const char *end)
{
	static const struct { const char *name; size_t off; } wanted[] = {
		{ "From", offsetof(struct held, from_hdr) },
		{ "Subject", offsetof(struct held, subject) },
		{ "Message-ID", offsetof(struct held, message_id) },
	};
	const char *colon;

	if (s->field == NULL)
		return;
	colon = memchr(s->field, ':', (size_t)(end - s->field));
	for (size_t i = 0; colon != NULL && i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		size_t n = strlen(wanted[i].name);
		const char **slot = (const char **)(void *)((char *)s->cur + wanted[i].off);
		const char *name_end = colon;

		while (name_end > s->field && (name_end[-1] == ' ' || name_end[-1] == '\t'))
			name_end--;
		if ((size_t)(name_end - s->field) == n && strncasecmp(s->field, wanted[i].name, n) == 0
		    && *slot == NULL)
			*slot = unfolded(s, colon + 1, end);
	}
	s->field = NULL;
}

/* line - one line of postcat's output, at text (len bytes, no newline) */
static void
line(struct state *s, const char *text, size_t len)
{
	const char *q;
	size_t n;

	if ((q = marker(text, len, "ENVELOPE RECORDS", &n)) != NULL) {
		s->cur = held_set_find(s->set, q, n);
		s->section = s->cur != NULL ? ENVELOPE : OUTSIDE;
		return;
	}
	if (s->cur == NULL)
		return;
	if (is_marker_of_cur(s, text, len, "MESSAGE CONTENTS")) {
		s->section = HEADERS;
		s->headers = text + len + 1;
		s->field = NULL;
	} else if (is_marker_of_cur(s, text, len, "HEADER EXTRACTED") && s->section == HEADERS) {
		field_done(s, text - 1);
		if (s->keep_headers)
			s->cur->headers = held_set_strdup(s->set, s->headers,
							  (size_t)(text - s->headers));
		s->section = AFTER_HEADERS;
	} else if (is_marker_of_cur(s, text, len, "MESSAGE FILE END")) {
		if (!s->cur->details_read)
			s->done++;
		s->cur->details_read = 1;
		s->cur = NULL;
		s->section = OUTSIDE;
	} else if (s->section == ENVELOPE) {
		attribute(s, text, len);
	} else if (s->section == HEADERS) {
		if (len > 0 && (text[0] == ' ' || text[0] == '\t'))
			return;		/* a continuation of s->field */
		field_done(s, text - 1);
		s->field = text;
	}
}

size_t
postcat_parse(struct held_set *set, const char *text, size_t len, int keep_headers)
{
	struct state s = { .set = set, .keep_headers = keep_headers };
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		line(&s, p, n);
		p += n + 1;
	}
	return s.done;
}
