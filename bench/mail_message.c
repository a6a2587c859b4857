/*
 * mail_message - stored message parsing and header edits (see
 * mail_message.h).
 *
 * Thread-safety: reentrant; no shared state.
 */
#include "mail_message.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int
headers_grow(struct mail_headers *h)
{
	struct mail_header *p;
	size_t size = h->size ? 2 * h->size : 16;

	if (h->count < h->size)
		return 0;
	if ((p = realloc(h->items, size * sizeof(*p))) == NULL)
		return -1;
	h->items = p;
	h->size = size;
	return 0;
}

int
mail_headers_insert(struct mail_headers *h, size_t index, const char *name, const char *value)
{
	char *n, *v;

	if (headers_grow(h) < 0)
		return -1;
	n = strdup(name);
	v = strdup(value);
	if (n == NULL || v == NULL) {
		free(n);
		free(v);
		return -1;
	}
	if (index > h->count)
		index = h->count;
	memmove(h->items + index + 1, h->items + index, (h->count - index) * sizeof(*h->items));
	h->items[index].name = n;
	h->items[index].value = v;
	h->count++;
	return 0;
}

int
mail_headers_change(struct mail_headers *h, const char *name, size_t index, const char *value)
{
	size_t seen = 0;

	for (size_t i = 0; i < h->count; i++) {
		char *v;

		if (strcasecmp(h->items[i].name, name) != 0 || ++seen != index)
			continue;
		if (value[0] == '\0') {
			free(h->items[i].name);
			free(h->items[i].value);
			memmove(h->items + i, h->items + i + 1,
				(h->count - i - 1) * sizeof(*h->items));
			h->count--;
			return 0;
		}
		if ((v = strdup(value)) == NULL)
			return -1;
		free(h->items[i].value);
		h->items[i].value = v;
		return 0;
	}
	return value[0] == '\0' ? 0 : mail_headers_insert(h, h->count, name, value);
}

void
mail_headers_release(struct mail_headers *h)
{
	for (size_t i = 0; i < h->count; i++) {
		free(h->items[i].name);
		free(h->items[i].value);
	}
	free(h->items);
	memset(h, 0, sizeof(*h));
}

int
mail_headers_copy(struct mail_headers *dst, const struct mail_headers *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->count; i++)
		if (mail_headers_insert(dst, dst->count, src->items[i].name,
					src->items[i].value) < 0) {
			mail_headers_release(dst);
			return -1;
		}
	return 0;
}

/* slurp - the whole file, NUL-terminated */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0
	    && (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

/* line_end - length of the line at p without its LF or CRLF; *next after it */
static size_t
line_end(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n;

	if (nl == NULL) {
		*next = end;
		return (size_t)(end - p);
	}
	*next = nl + 1;
	n = (size_t)(nl - p);
	return n > 0 && p[n - 1] == '\r' ? n - 1 : n;
}

/* body_crlf - copy the body with every line ending in CRLF */
static int
body_crlf(struct mail_message *m, const char *p, const char *end)
{
	size_t cap = 2 * (size_t)(end - p) + 2, n = 0;
	unsigned char *out = malloc(cap);

	if (out == NULL)
		return -1;
	while (p < end) {
		const char *next;
		size_t len = line_end(p, end, &next);

		memcpy(out + n, p, len);
		n += len;
		if (next != p + len) {	/* the line had a line break */
			out[n++] = '\r';
			out[n++] = '\n';
		}
		p = next;
	}
	m->body = out;
	m->body_len = n;
	return 0;
}

struct mail_message *
mail_message_load(const char *path, const char **error_r)
{
	size_t len = 0;
	char *text = slurp(path, &len), *field = NULL;
	const char *p = text, *end = text + len, *next = end;
	struct mail_message *m = calloc(1, sizeof(*m));
	size_t flen = 0;

	if (text == NULL || m == NULL) {
		*error_r = "cannot read message file";
		goto err;
	}
	for (; p < end; p = next) {
		size_t n = line_end(p, end, &next);
		char *colon;

		if (n > 0 && (p[0] == ' ' || p[0] == '\t') && field != NULL) {
			char *grown = realloc(field, flen + n + 2);

			if (grown == NULL)
				goto oom;
			field = grown;
			field[flen++] = '\n';
			memcpy(field + flen, p, n);
			field[flen += n] = '\0';
			continue;
		}
		if (field != NULL) {
			colon = strchr(field, ':');
			*colon = '\0';
			if (mail_headers_insert(&m->headers, m->headers.count, field, colon + 1) < 0)
				goto oom;
			free(field);
			field = NULL;
		}
		if (n == 0 || memchr(p, ':', n) == NULL) {
			/* the empty line, or a line without a colon, ends the header block */
			if (n != 0)
				next = p;
			break;
		}
		if ((field = malloc(n + 1)) == NULL)
			goto oom;
		memcpy(field, p, n);
		field[flen = n] = '\0';
	}
	if (field != NULL) {
		char *colon = strchr(field, ':');

		*colon = '\0';
		if (mail_headers_insert(&m->headers, m->headers.count, field, colon + 1) < 0)
			goto oom;
		free(field);
		field = NULL;
	}
	if (body_crlf(m, next, end) < 0)
		goto oom;
	free(text);
	return m;
oom:
	*error_r = "out of memory";
err:
	free(field);
	free(text);
	mail_message_free(&m);
	return NULL;
}

void
mail_message_free(struct mail_message **mp)
{
	struct mail_message *m = *mp;

	if (m == NULL)
		return;
	mail_headers_release(&m->headers);
	free(m->body);
	free(m);
	*mp = NULL;
}
