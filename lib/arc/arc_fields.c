/*
 * arc_fields - the header fields kept for the newest ARC-Message-Signature
 * (see private/arc_fields.h): arena blocks from the first ARC field on,
 * name fingerprints before it.
 *
 * Thread-safety: one chain, one thread at a time.
 */
#include "arc_fields.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE 16384	/* a typical header fits in one or two */

struct arc_fields_block {
	struct arc_fields_block *next;
	size_t used, size;
	char data[];
};

/* fingerprint - FNV-1a of the name, lowercase, white space at its end ignored; never 0 */
static uint64_t
fingerprint(const char *name, size_t len)
{
	uint64_t h = 14695981039346656037ULL;

	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];

		h ^= ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
		h *= 1099511628211ULL;
	}
	return h != 0 ? h : 1;
}

void
arc_fields_note_above(struct arc_fields *fs, const char *name)
{
	uint64_t h = fingerprint(name, strlen(name));
	size_t slot = (size_t)(h % ARC_FIELDS_ABOVE_SLOTS);

	fs->above_fields++;
	if (fs->above_overflow)
		return;
	for (size_t probe = 0; probe < ARC_FIELDS_ABOVE_SLOTS; probe++) {
		uint64_t *s = &fs->above[(slot + probe) % ARC_FIELDS_ABOVE_SLOTS];

		if (*s == h)
			return;
		if (*s == 0) {
			*s = h;
			return;
		}
	}
	fs->above_overflow = 1;
}

int
arc_fields_above_has(const struct arc_fields *fs, const char *name, size_t len)
{
	uint64_t h = fingerprint(name, len);
	size_t slot = (size_t)(h % ARC_FIELDS_ABOVE_SLOTS);

	if (fs->above_overflow)
		return 1;
	for (size_t probe = 0; probe < ARC_FIELDS_ABOVE_SLOTS; probe++) {
		uint64_t s = fs->above[(slot + probe) % ARC_FIELDS_ABOVE_SLOTS];

		if (s == h)
			return 1;
		if (s == 0)
			return 0;
	}
	return 0;
}

/* room - n octets in the newest block, a new block if they do not fit; NULL */
static char *
room(struct arc_fields *fs, size_t n)
{
	struct arc_fields_block *b = fs->blocks;
	size_t size;

	if (b != NULL && b->size - b->used >= n) {
		b->used += n;
		return b->data + b->used - n;
	}
	size = n > BLOCK_SIZE ? n : BLOCK_SIZE;
	if ((b = malloc(sizeof(*b) + size)) == NULL)
		return NULL;
	b->next = fs->blocks;
	b->size = size;
	b->used = n;
	fs->blocks = b;
	return b->data;
}

int
arc_fields_keep(struct arc_fields *fs, const char *name, const char *value, size_t len,
		enum arc_kind kind)
{
	size_t nlen = strlen(name), bare_lf = 0;
	struct arc_field *f;
	char *out, *v;

	while (len > 0 && (value[len - 1] == '\n' || value[len - 1] == '\r'))
		len--;
	if (len > UINT32_MAX / 2)
		return -1;
	for (const char *p = value, *end = value + len;
	     (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		bare_lf += p == value || p[-1] != '\r';
	if (fs->count == fs->alloc) {
		size_t n = fs->alloc ? 2 * fs->alloc : 32;
		struct arc_field *grown = realloc(fs->field, n * sizeof(*grown));

		if (grown == NULL)
			return -1;
		fs->field = grown;
		fs->alloc = n;
	}
	/* exactly what is written: name, NUL, value with CR added, NUL */
	if ((out = room(fs, nlen + 1 + len + bare_lf + 1)) == NULL)
		return -1;
	memcpy(out, name, nlen + 1);
	v = out + nlen + 1;
	if (bare_lf == 0) {
		memcpy(v, value, len);
		v[len] = '\0';
	} else {
		/* libmilter folds with a bare LF: copy the lines, CR before each LF */
		const char *p = value, *end = value + len, *lf;
		char *w = v;

		while ((lf = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			memcpy(w, p, (size_t)(lf - p));
			w += lf - p;
			if (lf == value || lf[-1] != '\r')
				*w++ = '\r';
			*w++ = '\n';
			p = lf + 1;
		}
		memcpy(w, p, (size_t)(end - p));
		w[end - p] = '\0';
	}
	f = &fs->field[fs->count++];
	f->name = out;
	f->value = v;
	f->len = (uint32_t)(len + bare_lf);
	f->kind = (unsigned char)kind;
	return 0;
}

void
arc_fields_clear(struct arc_fields *fs)
{
	while (fs->blocks != NULL) {
		struct arc_fields_block *next = fs->blocks->next;

		free(fs->blocks);
		fs->blocks = next;
	}
	free(fs->field);
	memset(fs, 0, sizeof(*fs));
}
