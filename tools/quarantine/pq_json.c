/*
 * pq_json - a "postqueue -j" line to a struct pq_entry (see pq_json.h).
 *
 * A recursive-descent reader over the line; nesting beyond PQ_DEPTH is
 * refused so a hostile line cannot exhaust the stack.
 *
 * Thread-safety: see pq_json.h.
 */
#include "pq_json.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#define PQ_DEPTH 8

struct cursor {
	const char *p, *end;
	char *out, *out_end;	/* scratch being filled */
	const char *error;
};

/* fail - record the first error; always -1 */
static int
fail(struct cursor *c, const char *why)
{
	if (c->error == NULL)
		c->error = why;
	return -1;
}

/* blank - skip JSON white space; the next byte or 0 at the end */
static char
blank(struct cursor *c)
{
	while (c->p < c->end && strchr(" \t\r\n", *c->p) != NULL && *c->p != '\0')
		c->p++;
	return c->p < c->end ? *c->p : '\0';
}

/* emit - one byte into scratch */
static int
emit(struct cursor *c, unsigned ch)
{
	if (c->out >= c->out_end)
		return fail(c, "scratch buffer too small");
	*c->out++ = (char)ch;
	return 0;
}

/* emit_code_point - cp as UTF-8 (a lone surrogate becomes U+FFFD) */
static int
emit_code_point(struct cursor *c, uint32_t cp)
{
	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	if (cp < 0x80)
		return emit(c, cp);
	if (cp < 0x800)
		return emit(c, 0xc0 | (cp >> 6)) | emit(c, 0x80 | (cp & 0x3f));
	return emit(c, 0xe0 | (cp >> 12)) | emit(c, 0x80 | ((cp >> 6) & 0x3f))
	       | emit(c, 0x80 | (cp & 0x3f));
}

/* unicode_escape - the four hex digits after "\u" */
static int
unicode_escape(struct cursor *c)
{
	uint32_t cp = 0;

	if (c->end - c->p < 4)
		return fail(c, "short \\u escape");
	for (int i = 0; i < 4; i++, c->p++) {
		char h = *c->p;

		cp <<= 4;
		if (h >= '0' && h <= '9')
			cp |= (uint32_t)(h - '0');
		else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
			cp |= (uint32_t)((h | 0x20) - 'a' + 10);
		else
			return fail(c, "bad \\u escape");
	}
	return emit_code_point(c, cp);
}

/* string - a JSON string at the cursor, decoded into scratch when s_r is not NULL */
static int
string(struct cursor *c, const char **s_r)
{
	const char *start = c->out;

	if (blank(c) != '"')
		return fail(c, "expected a string");
	c->p++;
	while (c->p < c->end && *c->p != '"') {
		char ch = *c->p++;

		if ((unsigned char)ch < 0x20)
			return fail(c, "control byte in a string");
		if (ch != '\\') {
			if (emit(c, (unsigned char)ch) < 0)
				return -1;
			continue;
		}
		if (c->p >= c->end)
			return fail(c, "string cut short");
		ch = *c->p++;
		switch (ch) {
		case 'u':
			if (unicode_escape(c) < 0)
				return -1;
			break;
		case 'n': ch = '\n'; goto plain;
		case 't': ch = '\t'; goto plain;
		case 'r': ch = '\r'; goto plain;
		case 'b': ch = '\b'; goto plain;
		case 'f': ch = '\f'; goto plain;
		case '"': case '\\': case '/':
plain:
			if (emit(c, (unsigned char)ch) < 0)
				return -1;
			break;
		default:
			return fail(c, "bad escape in a string");
		}
	}
	if (c->p >= c->end)
		return fail(c, "string cut short");
	c->p++;
	if (emit(c, 0) < 0)
		return -1;
	if (s_r != NULL)
		*s_r = start;
	else
		c->out = (char *)start;	/* not kept: reuse the room */
	return 0;
}

/* number - a non-negative integer (the only numbers postqueue writes that we keep) */
static int
number(struct cursor *c, unsigned long long *n_r)
{
	unsigned long long n = 0;
	const char *start;

	blank(c);
	start = c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		if (n > (ULLONG_MAX - 9) / 10)
			return fail(c, "number too large");
		n = n * 10 + (unsigned)(*c->p++ - '0');
	}
	if (c->p == start)
		return fail(c, "expected a number");
	*n_r = n;
	return 0;
}

static int skip_value(struct cursor *c, int depth);

/* skip_container - an object or array we do not need */
static int
skip_container(struct cursor *c, int depth, char close)
{
	c->p++;
	if (blank(c) == close) {
		c->p++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			if (string(c, NULL) < 0)
				return -1;
			if (blank(c) != ':')
				return fail(c, "expected ':'");
			c->p++;
		}
		if (skip_value(c, depth + 1) < 0)
			return -1;
		if (blank(c) == ',') {
			c->p++;
			continue;
		}
		if (blank(c) != close)
			return fail(c, "expected ',' or the end of a container");
		c->p++;
		return 0;
	}
}

/* skip_value - any JSON value */
static int
skip_value(struct cursor *c, int depth)
{
	static const char *const words[] = { "true", "false", "null" };
	char ch = blank(c);

	if (depth > PQ_DEPTH)
		return fail(c, "nested too deeply");
	if (ch == '"')
		return string(c, NULL);
	if (ch == '{' || ch == '[')
		return skip_container(c, depth, ch == '{' ? '}' : ']');
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i]);

		if ((size_t)(c->end - c->p) >= n && memcmp(c->p, words[i], n) == 0) {
			c->p += n;
			return 0;
		}
	}
	if (ch == '-' || (ch >= '0' && ch <= '9')) {
		c->p++;
		while (c->p < c->end && strchr("0123456789.eE+-", *c->p) != NULL && *c->p)
			c->p++;
		return 0;
	}
	return fail(c, "expected a value");
}

/* key_is - the member name k is want */
static int
key_is(const char *k, const char *want)
{
	return strcmp(k, want) == 0;
}

/* member_key - read "name": and return the decoded name (reclaimed by the caller) */
static int
member_key(struct cursor *c, const char **k_r)
{
	if (string(c, k_r) < 0)
		return -1;
	if (blank(c) != ':')
		return fail(c, "expected ':'");
	c->p++;
	return 0;
}

/*
 * recipient - one object of the recipients array: its address is
 * appended to the list being built at the end of scratch
 */
static int
recipient(struct cursor *c, struct pq_entry *e)
{
	const char *k, *addr;

	if (blank(c) != '{')
		return fail(c, "a recipient is not an object");
	c->p++;
	if (blank(c) == '}') {
		c->p++;
		return 0;
	}
	for (;;) {
		if (member_key(c, &k) < 0)
			return -1;
		c->out = (char *)k;
		if (key_is(k, "address") && blank(c) == '"') {
			if (e->nrecipients > 0) {
				c->out--;	/* the previous address's NUL */
				if (emit(c, ',') < 0 || emit(c, ' ') < 0)
					return -1;
			}
			if (string(c, &addr) < 0)
				return -1;
			if (e->nrecipients++ == 0)
				e->recipients = addr;
		} else if (skip_value(c, 2) < 0) {
			return -1;
		}
		if (blank(c) == ',') {
			c->p++;
			continue;
		}
		if (blank(c) != '}')
			return fail(c, "expected ',' or '}' in a recipient");
		c->p++;
		return 0;
	}
}

/* recipients - the array of recipient objects */
static int
recipients(struct cursor *c, struct pq_entry *e)
{
	if (blank(c) != '[')
		return fail(c, "recipients is not an array");
	c->p++;
	if (blank(c) == ']') {
		c->p++;
		return 0;
	}
	for (;;) {
		if (recipient(c, e) < 0)
			return -1;
		if (blank(c) == ',') {
			c->p++;
			continue;
		}
		if (blank(c) != ']')
			return fail(c, "expected ',' or ']' in recipients");
		c->p++;
		return 0;
	}
}

/* member - one member of the top-level object */
static int
member(struct cursor *c, struct pq_entry *e, int *seen_rcpts)
{
	unsigned long long n;
	const char *k;

	if (member_key(c, &k) < 0)
		return -1;
	c->out = (char *)k;
	if (key_is(k, "queue_name"))
		return string(c, &e->queue_name);
	if (key_is(k, "queue_id"))
		return string(c, &e->queue_id);
	if (key_is(k, "sender"))
		return string(c, &e->sender);
	if (key_is(k, "arrival_time")) {
		if (number(c, &n) < 0)
			return -1;
		e->arrival_time = (time_t)n;
		return 0;
	}
	if (key_is(k, "message_size"))
		return number(c, &e->message_size);
	if (key_is(k, "recipients") && !*seen_rcpts) {
		*seen_rcpts = 1;
		return recipients(c, e);
	}
	return skip_value(c, 1);
}

int
pq_json_parse(const char *line, size_t len, char *scratch, size_t scratch_size,
	      struct pq_entry *e, const char **error_r)
{
	struct cursor c = { .p = line, .end = line + len, .out = scratch,
			    .out_end = scratch + scratch_size };
	int seen_rcpts = 0;

	memset(e, 0, sizeof(*e));
	if (blank(&c) != '{') {
		*error_r = "not a JSON object";
		return -1;
	}
	c.p++;
	if (blank(&c) != '}') {
		for (;;) {
			if (member(&c, e, &seen_rcpts) < 0)
				goto err;
			if (blank(&c) == ',') {
				c.p++;
				continue;
			}
			if (blank(&c) != '}') {
				fail(&c, "expected ',' or '}'");
				goto err;
			}
			break;
		}
	}
	c.p++;
	if (blank(&c) != '\0') {
		fail(&c, "trailing bytes after the object");
		goto err;
	}
	if (e->queue_id == NULL || e->queue_name == NULL) {
		*error_r = "no queue_id or queue_name";
		return -1;
	}
	if (e->sender == NULL)
		e->sender = "";
	if (e->recipients == NULL)
		e->recipients = "";
	return 0;
err:
	*error_r = c.error;
	return -1;
}
