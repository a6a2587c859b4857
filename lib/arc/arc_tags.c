/*
 * arc_tags - the DKIM tag-list parser for ARC fields (see arc_tags.h).
 *
 * Thread-safety: pure functions.
 */
#include "arc_tags.h"

#include <string.h>
#include <strings.h>

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* trim - drop folding white space at both ends of [*p, *p + *n) */
static void
trim(const char **p, size_t *n)
{
	while (*n > 0 && is_wsp(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && is_wsp((*p)[*n - 1]))
		(*n)--;
}

/* parse_spec - one "name = value" between semicolons; 1 if empty, 0, or -1 */
static int
parse_spec(const char *s, size_t n, struct arc_tag *tag)
{
	const char *eq;
	size_t name_len;

	trim(&s, &n);
	if (n == 0)
		return 1;
	if ((eq = memchr(s, '=', n)) == NULL)
		return -1;
	name_len = (size_t)(eq - s);
	tag->name = s;
	trim(&tag->name, &name_len);
	if (name_len == 0 || !is_alpha(tag->name[0]))
		return -1;
	for (size_t i = 1; i < name_len; i++)
		if (!is_alpha(tag->name[i]) && !is_digit(tag->name[i]) && tag->name[i] != '_')
			return -1;
	tag->name_len = name_len;
	tag->value = eq + 1;
	tag->value_len = (size_t)(s + n - (eq + 1));
	trim(&tag->value, &tag->value_len);
	return 0;
}

static int
same_name(const struct arc_tag *a, const struct arc_tag *b)
{
	return a->name_len == b->name_len && memcmp(a->name, b->name, a->name_len) == 0;
}

int
arc_tags_parse(const char *s, size_t len, struct arc_tags *out, const char **error_r)
{
	const char *end = s + len;
	int last_empty = 0;

	out->count = 0;
	while (s <= end) {
		const char *semi = memchr(s, ';', (size_t)(end - s));
		size_t n = semi != NULL ? (size_t)(semi - s) : (size_t)(end - s);
		struct arc_tag tag;
		int rc = parse_spec(s, n, &tag);

		if (rc < 0 || last_empty) {
			/* only the spec after a final ';' may be empty */
			*error_r = "tag-syntax";
			return -1;
		}
		if (rc == 1)
			last_empty = 1;
		else {
			for (size_t i = 0; i < out->count; i++)
				if (same_name(&out->tag[i], &tag)) {
					*error_r = "tag-duplicate";
					return -1;
				}
			if (out->count == ARC_TAGS_MAX) {
				*error_r = "tag-too-many";
				return -1;
			}
			out->tag[out->count++] = tag;
		}
		if (semi == NULL)
			break;
		s = semi + 1;
	}
	if (out->count == 0) {
		*error_r = "tag-syntax";
		return -1;
	}
	return 0;
}

const struct arc_tag *
arc_tags_get(const struct arc_tags *tags, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < tags->count; i++)
		if (tags->tag[i].name_len == n && memcmp(tags->tag[i].name, name, n) == 0)
			return &tags->tag[i];
	return NULL;
}

int
arc_tags_is(const struct arc_tag *tag, const char *want)
{
	size_t n = strlen(want);

	return tag != NULL && tag->value_len == n && strncasecmp(tag->value, want, n) == 0;
}
