/*
 * table - aligned text tables (see table.h).
 *
 * Thread-safety: see table.h.
 */
#include "table.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct table {
	size_t ncols, nrows, cap;
	char align[16];
	char **cells;		/* nrows * ncols, row 0 the header */
	size_t *width;
	struct arena *arena;
};

/* display_width - characters in s (UTF-8 continuation bytes do not count) */
static size_t
display_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

size_t
text_escape(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	if (size == 0)
		return 0;
	for (const unsigned char *p = (const unsigned char *)src; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			if (n + 5 > size)
				break;
			snprintf(dst + n, 5, "\\x%02x", *p);
			n += 4;
		} else {
			if (n + 2 > size)
				break;
			dst[n++] = (char)*p;
		}
	}
	dst[n] = '\0';
	return n;
}

struct table *
table_new(size_t ncols, const char *align, const char *const *headers)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->ncols = ncols < sizeof(t->align) ? ncols : sizeof(t->align) - 1;
	memcpy(t->align, align, t->ncols);
	t->width = xcalloc(t->ncols, sizeof(size_t));
	t->arena = arena_new();
	if (headers != NULL)
		table_row(t, headers);
	return t;
}

void
table_row(struct table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = xrealloc(t->cells, t->cap * t->ncols * sizeof(char *));
	}
	for (size_t c = 0; c < t->ncols; c++) {
		const char *s = cells[c] ? cells[c] : "";
		size_t size = 4 * strlen(s) + 1, w;
		char *cell = arena_alloc(t->arena, size);

		text_escape(cell, size, s);
		t->cells[t->nrows * t->ncols + c] = cell;
		if ((w = display_width(cell)) > t->width[c])
			t->width[c] = w;
	}
	t->nrows++;
}

void
table_print(const struct table *t, FILE *f, const char *indent)
{
	for (size_t r = 0; r < t->nrows; r++) {
		fputs(indent, f);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t pad = t->width[c] - display_width(s);
			int last = c + 1 == t->ncols;

			if (t->align[c] == 'r')
				fprintf(f, "%*s%s", (int)pad, "", s);
			else
				fprintf(f, "%s%*s", s, last ? 0 : (int)pad, "");
			if (!last)
				fputs("  ", f);
		}
		putc('\n', f);
	}
}

void
table_free(struct table **tp)
{
	if (tp == NULL || *tp == NULL)
		return;
	free((*tp)->cells);
	free((*tp)->width);
	arena_free(&(*tp)->arena);
	free(*tp);
	*tp = NULL;
}
