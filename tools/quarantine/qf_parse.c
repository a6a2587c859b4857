/*
 * qf_parse - a Sendmail queue control file into a held message (see
 * qf_parse.h). The records are first collected as (pointer, length)
 * pairs into the file's text; only a file that parses completely is
 * copied into the set.
 *
 * Thread-safety: see qf_parse.h.
 */
#include "qf_parse.h"
#include "mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define QF_VERSION "8"
#define META_MACRO '\201'	/* Sendmail's MACROEXPAND: the next byte names a macro */
#define META_QUOTE '\377'	/* Sendmail's METAQUOTE: the next byte is literal */

/* The record letters Sendmail's readqf accepts; any other is a bad line there too. */
static const char known_records[] = "VABCdDEFHIKLMNPQqRrSTZ!$.";

struct span {
	const char *p;
	size_t n;
};

struct qf {
	struct span version, arrival, reason, sender, client, helo;
	struct span from, subject, message_id;	/* whole H records */
	struct span first_header, last_header;
	char *rcpts;			/* comma list, malloc'd */
	size_t rcpts_len;
	int ended;
};

static int fail(char *buf, size_t size, const char **error_r, unsigned line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* fail - "line N: text" in buf; always -1 */
static int
fail(char *buf, size_t size, const char **error_r, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, size, "line %u: ", line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < size)
		vsnprintf(buf + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	*error_r = buf;
	return -1;
}

/* all_digits - a non-empty run of decimal digits */
static int
all_digits(const char *p, size_t n)
{
	if (n == 0 || n > 19)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/* strip_brackets - "<a>" as "a" */
static struct span
strip_brackets(struct span s)
{
	if (s.n >= 2 && s.p[0] == '<' && s.p[s.n - 1] == '>')
		return (struct span){ s.p + 1, s.n - 2 };
	return s;
}

/* add_rcpt - append one recipient to the comma list */
static void
add_rcpt(struct qf *q, struct span a)
{
	q->rcpts = xrealloc(q->rcpts, q->rcpts_len + a.n + 3);
	if (q->rcpts_len > 0) {
		memcpy(q->rcpts + q->rcpts_len, ", ", 2);
		q->rcpts_len += 2;
	}
	memcpy(q->rcpts + q->rcpts_len, a.p, a.n);
	q->rcpts_len += a.n;
	q->rcpts[q->rcpts_len] = '\0';
}

/* header_name - the "Name: value" part of an H record (after "H" and "?flags?") */
static int
header_name(struct span rec, struct span *field_r, struct span *name_r)
{
	const char *p = rec.p + 1, *end = rec.p + rec.n, *colon;

	if (p < end && *p == '?') {
		const char *q = memchr(p + 1, '?', (size_t)(end - p - 1));

		if (q == NULL)
			return -1;
		p = q + 1;
	}
	colon = memchr(p, ':', (size_t)(end - p));
	if (colon == NULL || colon == p)
		return -1;
	*field_r = (struct span){ p, (size_t)(end - p) };
	*name_r = (struct span){ p, (size_t)(colon - p) };
	while (name_r->n > 0 && (p[name_r->n - 1] == ' ' || p[name_r->n - 1] == '\t'))
		name_r->n--;
	return 0;
}

/* record - one record (with its continuation lines); 0 or -1 */
static int
record(struct qf *q, struct span rec, unsigned line, char *eb, size_t es, const char **error_r)
{
	struct span val = { rec.p + 1, rec.n - 1 }, field, name;

	if (memchr(rec.p, '\n', rec.n) != NULL && rec.p[0] != 'H' && rec.p[0] != 'M')
		return fail(eb, es, error_r, line, "a continuation line after a '%c' record", rec.p[0]);
	switch (rec.p[0]) {
	case 'V':
		if (val.n != strlen(QF_VERSION) || memcmp(val.p, QF_VERSION, val.n) != 0)
			return fail(eb, es, error_r, line, "queue file version %.*s, this tool reads "
				    "version " QF_VERSION " (Sendmail 8.12 and later)",
				    (int)(val.n > 20 ? 20 : val.n), val.p);
		q->version = val;
		break;
	case 'T':
		if (!all_digits(val.p, val.n))
			return fail(eb, es, error_r, line, "the arrival time (T) is not a number");
		q->arrival = val;
		break;
	case 'q':
		q->reason = val;
		break;
	case 'S':
		if (val.n == 0)
			return fail(eb, es, error_r, line, "an empty sender (S) record");
		q->sender = strip_brackets(val);
		break;
	case 'R': {
		const char *colon = memchr(val.p, ':', val.n);

		if (colon == NULL)
			return fail(eb, es, error_r, line, "a recipient (R) record without flags and ':'");
		for (const char *f = val.p; f < colon; f++)
			if (!((*f >= 'A' && *f <= 'Z') || (*f >= 'a' && *f <= 'z')))
				return fail(eb, es, error_r, line, "bad recipient flags");
		val = strip_brackets((struct span){ colon + 1, (size_t)(val.p + val.n - colon - 1) });
		if (val.n == 0)
			return fail(eb, es, error_r, line, "an empty recipient");
		add_rcpt(q, val);
		break;
	}
	case '$':
		if (val.n >= 1 && val.p[0] == '_')
			q->client = (struct span){ val.p + 1, val.n - 1 };
		else if (val.n >= 1 && val.p[0] == 's')
			q->helo = (struct span){ val.p + 1, val.n - 1 };
		break;
	case 'H':
		if (header_name(rec, &field, &name) < 0)
			return fail(eb, es, error_r, line, "a header (H) record without a field name");
		if (q->first_header.p == NULL)
			q->first_header = rec;
		q->last_header = rec;
		if (name.n == 4 && strncasecmp(name.p, "From", 4) == 0 && q->from.p == NULL)
			q->from = field;
		else if (name.n == 7 && strncasecmp(name.p, "Subject", 7) == 0 && q->subject.p == NULL)
			q->subject = field;
		else if (name.n == 10 && strncasecmp(name.p, "Message-ID", 10) == 0
			 && q->message_id.p == NULL)
			q->message_id = field;
		break;
	case '.':
		if (val.n != 0)
			return fail(eb, es, error_r, line, "text after the end record '.'");
		q->ended = 1;
		break;
	default:
		if (strchr(known_records, rec.p[0]) == NULL || rec.p[0] == '\0')
			return fail(eb, es, error_r, line, "not a Sendmail queue file record (0x%02x)",
				    (unsigned char)rec.p[0]);
		break;
	}
	return 0;
}

/* demeta - text with Sendmail's macro bytes as "$x" and quote bytes removed, into out */
static size_t
demeta(const char *p, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == META_QUOTE && i + 1 < n) {
			out[o++] = p[++i];
		} else if (p[i] == META_MACRO && i + 1 < n) {
			unsigned char m = (unsigned char)p[++i];

			out[o++] = '$';
			out[o++] = m > ' ' && m < 0x7f ? (char)m : '?';
		} else {
			out[o++] = p[i];
		}
	}
	return o;
}

/* field_value - the value of a "Name: value" field, unfolded and trimmed, into the set */
static const char *
field_value(struct held_set *set, struct span field)
{
	const char *colon = memchr(field.p, ':', field.n);
	size_t n = field.n - (size_t)(colon + 1 - field.p), o = 0, i;
	char *buf = xmalloc(2 * n + 1), *plain = buf + n + 1;
	const char *result;

	n = demeta(colon + 1, n, buf);
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			plain[o++] = ' ';
			while (i + 1 < n && (buf[i + 1] == ' ' || buf[i + 1] == '\t'))
				i++;
		} else {
			plain[o++] = buf[i];
		}
	}
	i = 0;
	while (i < o && (plain[i] == ' ' || plain[i] == '\t'))
		i++;
	while (o > i && (plain[o - 1] == ' ' || plain[o - 1] == '\t'))
		o--;
	result = held_set_strdup(set, plain + i, o - i);
	free(buf);
	return result;
}

/* header_block - every H record as "Name: value" lines, into the set */
static const char *
header_block(struct held_set *set, const struct qf *q)
{
	const char *p = q->first_header.p, *end = q->last_header.p + q->last_header.n;
	char *buf = xmalloc(2 * (size_t)(end - p) + 2);
	size_t o = 0;
	const char *result;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		struct span field, name;

		if (p[0] == 'H' && header_name((struct span){ p, n }, &field, &name) == 0) {
			o += demeta(field.p, field.n, buf + o);
			buf[o++] = '\n';
		} else if (p[0] == ' ' || p[0] == '\t') {
			o += demeta(p, n, buf + o);
			buf[o++] = '\n';
		}	/* any other record between headers is not part of the block */
		p += n + 1;
	}
	result = held_set_strdup(set, buf, o);
	free(buf);
	return result;
}

/* client - "$_" as "[user@]name [address]" or "[address]" into address and name */
static void
client(struct held_set *set, struct held *h, struct span c)
{
	const char *open = NULL, *close, *at;
	struct span name;

	for (size_t i = 0; i < c.n; i++)
		if (c.p[i] == '[')
			open = c.p + i;
	close = open != NULL ? memchr(open, ']', (size_t)(c.p + c.n - open)) : NULL;
	if (close == NULL) {
		name = c;	/* a local submission: "user@host" without an address */
	} else {
		const char *a = open + 1;

		if ((size_t)(close - a) > 5 && strncasecmp(a, "IPv6:", 5) == 0)
			a += 5;
		h->client_addr = held_set_strdup(set, a, (size_t)(close - a));
		name = (struct span){ c.p, (size_t)(open - c.p) };
	}
	if ((at = memchr(name.p, '@', name.n)) != NULL)
		name = (struct span){ at + 1, (size_t)(name.p + name.n - at - 1) };
	while (name.n > 0 && name.p[name.n - 1] == ' ')
		name.n--;
	if (name.n > 0)
		h->client_name = held_set_strdup(set, name.p, name.n);
}

int
qf_parse(struct held_set *set, struct held *h, const char *text, size_t len,
	 int keep_headers, char *eb, size_t es, const char **error_r)
{
	struct qf q;
	const char *p = text, *end = text + len;
	unsigned line = 0;
	int rc = -1;

	memset(&q, 0, sizeof(q));
	if (len == 0)
		return fail(eb, es, error_r, 0, "empty file");
	if (len > QF_MAX_SIZE)
		return fail(eb, es, error_r, 0, "larger than %u bytes", QF_MAX_SIZE);
	if (memchr(text, '\0', len) != NULL)
		return fail(eb, es, error_r, 0, "NUL bytes: not a queue file");
	while (p < end) {
		const char *start = p;
		unsigned first = line + 1;

		/* one record: a line and the continuation lines after it */
		do {
			const char *nl = memchr(p, '\n', (size_t)(end - p));

			line++;
			if (nl == NULL) {
				fail(eb, es, error_r, line, "the last line has no newline (cut short?)");
				goto out;
			}
			p = nl + 1;
		} while (p < end && (*p == ' ' || *p == '\t'));
		if (q.ended) {
			fail(eb, es, error_r, first, "data after the end record '.'");
			goto out;
		}
		if (first == 1 && *start != 'V') {
			fail(eb, es, error_r, 1, "no version (V) record first: not a queue file");
			goto out;
		}
		if (start == p - 1) {
			fail(eb, es, error_r, first, "an empty line");
			goto out;
		}
		if (record(&q, (struct span){ start, (size_t)(p - 1 - start) }, first, eb, es,
			   error_r) < 0)
			goto out;
	}
	if (!q.ended) {
		fail(eb, es, error_r, line, "no end record '.' (cut short?)");
		goto out;
	}
	if (q.arrival.p == NULL || q.sender.p == NULL || q.rcpts == NULL) {
		fail(eb, es, error_r, line, "no %s record", q.arrival.p == NULL ? "arrival time (T)"
			  : q.sender.p == NULL ? "sender (S)" : "recipient (R)");
		goto out;
	}
	h->arrival = (time_t)strtoll(q.arrival.p, NULL, 10);
	h->sender = held_set_strdup(set, q.sender.p, q.sender.n);
	if (strcmp(h->sender, "<>") == 0)
		h->sender = "";
	h->recipients = held_set_strdup(set, q.rcpts, q.rcpts_len);
	h->mta_reason = q.reason.p != NULL ? held_set_strdup(set, q.reason.p, q.reason.n) : NULL;
	h->client_addr = h->client_name = h->helo = NULL;
	if (q.client.p != NULL)
		client(set, h, q.client);
	if (q.helo.n > 0)
		h->helo = held_set_strdup(set, q.helo.p, q.helo.n);
	h->from_hdr = q.from.p != NULL ? field_value(set, q.from) : NULL;
	h->subject = q.subject.p != NULL ? field_value(set, q.subject) : NULL;
	h->message_id = q.message_id.p != NULL ? field_value(set, q.message_id) : NULL;
	h->headers = keep_headers && q.first_header.p != NULL ? header_block(set, &q) : NULL;
	h->details_read = 1;
	rc = 0;
out:
	free(q.rcpts);
	return rc;
}
