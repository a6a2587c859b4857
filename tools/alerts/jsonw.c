/*
 * jsonw - streaming JSON writer (see jsonw.h).
 *
 * Thread-safety: see jsonw.h.
 */
#include "jsonw.h"
#include "logtime.h"

#include <string.h>

void
jsonw_init(struct jsonw *w, FILE *f, int pretty)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->pretty = pretty;
}

/* utf8_length - bytes of the valid UTF-8 sequence at s, or 0 */
static size_t
utf8_length(const unsigned char *s)
{
	size_t n;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) || (n == 4 && cp < 0x10000)
	    || cp > 0x10ffff)
		return 0;
	return n;
}

/* quoted - s as a JSON string (see the header on invalid UTF-8) */
static void
quoted(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putc('"', f);
	while (*p != '\0') {
		size_t n;

		if (*p == '"' || *p == '\\') {
			putc('\\', f);
			putc(*p++, f);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p++);
		} else if ((n = utf8_length(p)) == 0) {
			fputs("\\ufffd", f);
			p++;
		} else {
			fwrite(p, 1, n, f);
			p += n;
		}
	}
	putc('"', f);
}

/* member - the comma, newline, indentation and key before a value */
static void
member(struct jsonw *w, const char *key)
{
	if (w->count[w->depth]++ > 0)
		putc(',', w->f);
	if (w->pretty && w->depth > 0)
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
	if (key != NULL) {
		quoted(w->f, key);
		fputs(w->pretty ? ": " : ":", w->f);
	}
}

/* open_with - start an object or array as the next member */
static void
open_with(struct jsonw *w, const char *key, char open)
{
	member(w, key);
	putc(open, w->f);
	if (w->depth + 1 < JSONW_MAX_DEPTH)
		w->depth++;
	w->count[w->depth] = 0;
}

void
jsonw_object(struct jsonw *w, const char *key)
{
	open_with(w, key, '{');
}

void
jsonw_array(struct jsonw *w, const char *key)
{
	open_with(w, key, '[');
}

void
jsonw_end(struct jsonw *w, char close)
{
	int had = w->count[w->depth] > 0;

	if (w->depth > 0)
		w->depth--;
	if (w->pretty && had)
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
	putc(close, w->f);
}

void
jsonw_string(struct jsonw *w, const char *key, const char *value)
{
	member(w, key);
	if (value == NULL)
		fputs("null", w->f);
	else
		quoted(w->f, value);
}

void
jsonw_uint(struct jsonw *w, const char *key, unsigned long long value)
{
	member(w, key);
	fprintf(w->f, "%llu", value);
}

void
jsonw_double(struct jsonw *w, const char *key, double value)
{
	member(w, key);
	fprintf(w->f, "%.1f", value);
}

void
jsonw_bool(struct jsonw *w, const char *key, int value)
{
	member(w, key);
	fputs(value ? "true" : "false", w->f);
}

void
jsonw_time(struct jsonw *w, const char *key, time_t t, int has_time)
{
	char buf[40];

	if (!has_time) {
		jsonw_string(w, key, NULL);
		return;
	}
	logtime_format_rfc3339(t, buf, sizeof(buf));
	jsonw_string(w, key, buf);
}

void
jsonw_finish(struct jsonw *w)
{
	putc('\n', w->f);
}
