/*
 * journal_json - the three journal fields we need from a JSON line (see
 * journal_json.h).
 *
 * Thread-safety: see journal_json.h.
 */
#include "journal_json.h"

#include <string.h>

#define MAX_DEPTH 32

struct json {
	const unsigned char *p, *end;
	char *out, *out_end;
};

/* skip_ws - step over JSON white space */
static void
skip_ws(struct json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

/* hex4 - four hex digits at s into *v; 0 or -1 */
static int
hex4(const unsigned char *s, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = s[i];

		if (c >= '0' && c <= '9')
			c -= '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			c = (c | 0x20) - 'a' + 10;
		else
			return -1;
		*v = *v * 16 + c;
	}
	return 0;
}

/* put_utf8 - code point cp as UTF-8 into scratch */
static void
put_utf8(struct json *j, unsigned cp)
{
	if (cp < 0x80) {
		*j->out++ = (char)cp;
	} else if (cp < 0x800) {
		*j->out++ = (char)(0xc0 | cp >> 6);
		*j->out++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*j->out++ = (char)(0xe0 | cp >> 12);
		*j->out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*j->out++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*j->out++ = (char)(0xf0 | cp >> 18);
		*j->out++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*j->out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*j->out++ = (char)(0x80 | (cp & 0x3f));
	}
}

/*
 * string - a JSON string at j->p; decoded into scratch when keep, else
 * only skipped. Decoded text is never longer than its JSON form (a \u
 * escape of 6 or 12 bytes yields at most 3 or 4), so scratch of the line's
 * length always does.
 */
static int
string(struct json *j, int keep, const char **s_r, size_t *len_r)
{
	char *start = j->out;

	if (j->p == j->end || *j->p != '"')
		return -1;
	for (j->p++; j->p < j->end && *j->p != '"'; ) {
		unsigned char c = *j->p++;
		unsigned cp, lo;

		if (c < 0x20)
			return -1;
		if (c != '\\') {
			if (keep)
				*j->out++ = (char)c;
			continue;
		}
		if (j->p == j->end)
			return -1;
		c = *j->p++;
		switch (c) {
		case '"': case '\\': case '/': break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			if (j->end - j->p < 4 || hex4(j->p, &cp) < 0)
				return -1;
			j->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && j->end - j->p >= 6 && j->p[0] == '\\'
			    && j->p[1] == 'u' && hex4(j->p + 2, &lo) == 0 && lo >= 0xdc00
			    && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				j->p += 6;
			} else if (cp >= 0xd800 && cp < 0xe000) {
				cp = 0xfffd;	/* a lone surrogate */
			}
			if (keep)
				put_utf8(j, cp);
			continue;
		default:
			return -1;
		}
		if (keep)
			*j->out++ = (char)c;
	}
	if (j->p == j->end)
		return -1;
	j->p++;
	if (keep) {
		*s_r = start;
		*len_r = (size_t)(j->out - start);
		*j->out++ = '\0';
	}
	return 0;
}

/* value - skip any JSON value */
static int
value(struct json *j, int depth)
{
	unsigned char open;

	skip_ws(j);
	if (j->p == j->end)
		return -1;
	open = *j->p;
	if (open == '"')
		return string(j, 0, NULL, NULL);
	if (open == '{' || open == '[') {
		unsigned char close = open == '{' ? '}' : ']';

		if (depth >= MAX_DEPTH)
			return -1;
		j->p++;
		skip_ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return 0;
		}
		for (;;) {
			if (open == '{') {
				skip_ws(j);
				if (string(j, 0, NULL, NULL) < 0)
					return -1;
				skip_ws(j);
				if (j->p == j->end || *j->p++ != ':')
					return -1;
			}
			if (value(j, depth + 1) < 0)
				return -1;
			skip_ws(j);
			if (j->p == j->end)
				return -1;
			if (*j->p == close) {
				j->p++;
				return 0;
			}
			if (*j->p++ != ',')
				return -1;
		}
	}
	/* numbers, true, false, null */
	if (!(open == '-' || (open >= '0' && open <= '9') || open == 't' || open == 'f'
	      || open == 'n'))
		return -1;
	while (j->p < j->end && *j->p != ',' && *j->p != '}' && *j->p != ']' && *j->p != ' ')
		j->p++;
	return 0;
}

/* byte_array - MESSAGE as [n, n, ...] of byte values */
static int
byte_array(struct json *j, const char **s_r, size_t *len_r)
{
	char *start = j->out;

	j->p++;
	for (;;) {
		unsigned v = 0;
		int n = 0;

		skip_ws(j);
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9' && n < 4) {
			v = v * 10 + (unsigned)(*j->p++ - '0');
			n++;
		}
		if (n == 0 || v > 255)
			return -1;
		*j->out++ = (char)v;
		skip_ws(j);
		if (j->p == j->end)
			return -1;
		if (*j->p == ']')
			break;
		if (*j->p++ != ',')
			return -1;
	}
	j->p++;
	*s_r = start;
	*len_r = (size_t)(j->out - start);
	*j->out++ = '\0';
	return 0;
}

/* realtime - __REALTIME_TIMESTAMP, microseconds as a decimal string */
static int
realtime(struct json *j, struct journal_entry *e)
{
	const char *s;
	size_t len;
	long long us = 0;

	if (string(j, 1, &s, &len) < 0 || len == 0 || len > 18)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		us = us * 10 + (s[i] - '0');
	}
	e->when = (time_t)(us / 1000000);
	e->has_time = 1;
	return 0;
}

/* member - one "key": value of the top-level object */
static int
member(struct json *j, struct journal_entry *e)
{
	const char *key;
	size_t key_len;
	char *mark = j->out;

	if (string(j, 1, &key, &key_len) < 0)
		return -1;
	j->out = mark;	/* keys need no room after the comparison */
	skip_ws(j);
	if (j->p == j->end || *j->p++ != ':')
		return -1;
	skip_ws(j);
	if (j->p == j->end)
		return -1;
	if (key_len == 7 && memcmp(key, "MESSAGE", 7) == 0) {
		if (*j->p == '"')
			return string(j, 1, &e->message, &e->message_len);
		if (*j->p == '[')
			return byte_array(j, &e->message, &e->message_len);
		if (j->end - j->p >= 4 && memcmp(j->p, "null", 4) == 0)
			e->message_null = 1;
	} else if (key_len == 17 && memcmp(key, "SYSLOG_IDENTIFIER", 17) == 0 && *j->p == '"') {
		return string(j, 1, &e->identifier, &e->identifier_len);
	} else if (key_len == 20 && memcmp(key, "__REALTIME_TIMESTAMP", 20) == 0 && *j->p == '"') {
		return realtime(j, e);
	}
	return value(j, 1);
}

int
journal_json_parse(const char *line, size_t len, char *scratch, size_t scratch_size,
		   struct journal_entry *e)
{
	struct json j = { (const unsigned char *)line, (const unsigned char *)line + len,
			  scratch, scratch + scratch_size };

	memset(e, 0, sizeof(*e));
	if (scratch_size < len + 1)
		return -1;
	skip_ws(&j);
	if (j.p == j.end || *j.p++ != '{')
		return -1;
	skip_ws(&j);
	if (j.p < j.end && *j.p == '}')
		return 0;
	for (;;) {
		skip_ws(&j);
		if (member(&j, e) < 0)
			return -1;
		skip_ws(&j);
		if (j.p == j.end)
			return -1;
		if (*j.p == '}')
			return 0;
		if (*j.p++ != ',')
			return -1;
	}
}
