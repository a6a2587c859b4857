/*
 * table - text tables aligned for a terminal: a header row, then rows of
 * cells, each column as wide as its widest cell (counted in characters,
 * UTF-8 aware), two spaces between columns, numbers right-aligned.
 *
 * Cells are copied, with control bytes shown as \xHH (values come from
 * log lines, and an escape sequence must not reach the terminal); the
 * table owns its memory until table_free.
 *
 * Thread-safety: a table belongs to one thread.
 */
#ifndef DMARCGUARD_ALERTS_TABLE_H
#define DMARCGUARD_ALERTS_TABLE_H

#include <stdio.h>

struct table;

/*
 * table_new - a table with ncols columns; align holds one letter per
 * column, 'l' or 'r'; headers NULL for a table without a header row
 */
struct table *table_new(size_t ncols, const char *align, const char *const *headers);
/* table_row - a row of ncols cells (NULL prints as empty) */
void table_row(struct table *t, const char *const *cells);
/* table_print - every row, each line starting with indent */
void table_print(const struct table *t, FILE *f, const char *indent);
void table_free(struct table **t);

/* text_escape - src with control bytes as \xHH into dst; its length */
size_t text_escape(char *dst, size_t size, const char *src);

#endif
