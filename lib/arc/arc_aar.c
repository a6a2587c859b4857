/*
 * arc_aar - reading the results recorded in an ARC-Authentication-Results
 * field (see arc_aar.h).
 *
 * Thread-safety: pure functions.
 */
#include "arc_aar.h"

#include <string.h>

#define SEGMENT_MAX 2048

/* segment_end - the ';' that ends the segment starting at i (outside quotes and comments) */
static size_t
segment_end(const char *s, size_t len, size_t i)
{
	int depth = 0, quoted = 0;

	for (; i < len; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < len && (quoted || depth > 0))
			i++;
		else if (quoted)
			quoted = c != '"';
		else if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (depth == 0 && c == '"')
			quoted = 1;
		else if (depth == 0 && c == ';')
			return i;
	}
	return len;
}

void
arc_aar_begin(struct arc_aar_iter *it, const char *s, size_t len)
{
	it->s = s;
	it->len = len;
	it->pos = segment_end(s, len, 0);	/* the authserv-id and its version */
	if (it->pos < len)
		it->pos++;
}

/*
 * flatten - the segment without comments, quotes resolved, white space
 * around '=' dropped and other runs of it made one space; -1 if too long
 */
static int
flatten(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;
	int depth = 0, quoted = 0, space = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (depth > 0) {
			if (c == '\\' && i + 1 < n)
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			continue;
		}
		if (quoted) {
			if (c == '\\' && i + 1 < n)
				c = s[++i];
			else if (c == '"') {
				quoted = 0;
				continue;
			}
		} else if (c == '"') {
			quoted = 1;
			continue;
		} else if (c == '(') {
			depth = 1;
			space = 1;
			continue;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = 1;
			continue;
		}
		if (space && o > 0 && out[o - 1] != '=' && c != '=') {
			if (o + 1 >= size)
				return -1;
			out[o++] = ' ';
		}
		space = 0;
		if (o + 1 >= size)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

static void
lower_copy(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i] >= 'A' && src[i] <= 'Z' ? (char)(src[i] - 'A' + 'a') : src[i];
	dst[n] = '\0';
}

/* parse_entry - "method[/v]=result ptype.prop=value ..." into e; -1 if unusable */
static int
parse_entry(char *flat, struct arc_aar_entry *e)
{
	char *save = NULL, *word = strtok_r(flat, " ", &save);
	char *eq, *slash;

	memset(e, 0, sizeof(*e));
	if (word == NULL || (eq = strchr(word, '=')) == NULL)
		return -1;
	*eq = '\0';
	if ((slash = strchr(word, '/')) != NULL)
		*slash = '\0';
	if (strlen(word) >= sizeof(e->method) || strlen(eq + 1) >= sizeof(e->result))
		return -1;
	lower_copy(e->method, word, strlen(word));
	lower_copy(e->result, eq + 1, strlen(eq + 1));
	while ((word = strtok_r(NULL, " ", &save)) != NULL) {
		size_t nl;

		if ((eq = strchr(word, '=')) == NULL || strchr(word, '.') == NULL
		    || strchr(word, '.') > eq)
			continue;	/* reason=, policy words, other noise */
		nl = (size_t)(eq - word);
		if (e->nprops == ARC_AAR_MAX_PROPS || nl >= sizeof(e->props[0].name)
		    || strlen(eq + 1) >= ARC_AAR_MAX_WORD)
			return -1;
		lower_copy(e->props[e->nprops].name, word, nl);
		strcpy(e->props[e->nprops].value, eq + 1);
		e->nprops++;
	}
	return 0;
}

int
arc_aar_next(struct arc_aar_iter *it, struct arc_aar_entry *e)
{
	char flat[SEGMENT_MAX];

	while (it->pos < it->len) {
		size_t start = it->pos, end = segment_end(it->s, it->len, start);

		it->pos = end < it->len ? end + 1 : end;
		if (flatten(it->s + start, end - start, flat, sizeof(flat)) < 0)
			continue;
		if (flat[0] != '\0' && parse_entry(flat, e) == 0)
			return 1;
	}
	return 0;
}

const char *
arc_aar_prop(const struct arc_aar_entry *e, const char *name)
{
	for (size_t i = 0; i < e->nprops; i++)
		if (strcmp(e->props[i].name, name) == 0)
			return e->props[i].value;
	return NULL;
}
